"""The whole chain for every course of action: plan each option, simulate, tidy the outcomes.

:func:`simulate` is what ``grudging run`` calls. Replications run in fixed blocks whose random
streams are named by (seed, block), never by the option or the order of execution, so every option
sees the same shocks (common random numbers) and a block can be recomputed alone. With
``uncertainty=True`` each replication also draws the dynamics parameters from their declared
ranges (a Latin hypercube shared by all options), so intervals carry parametric uncertainty as
well as chance; the upstream stages run at the nominal values (a sweep explores their ranges).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from grudging import MASTER_SEED, __version__
from grudging.errors import GrudgingError
from grudging.model.dynamics import DynamicsParams
from grudging.model.dynamics import simulate as simulate_dynamics
from grudging.model.outcomes import check_declarations, outcome_rows
from grudging.model.parameters import stage_parameters
from grudging.model.sampling import latin_hypercube
from grudging.options import OptionPlan, plan_option
from grudging.results.results import Results
from grudging.rng import stream
from grudging.scenario.io import scenario_hash
from grudging.scenario.schema import Scenario

#: Replications per block of the random streams (fixed, so results never depend on chunking).
BLOCK = 500
#: Default number of replications of ``grudging run``.
DEFAULT_REPLICATIONS = 1000

Progress = Callable[[str, int, int], None]
#: ``planner(scn, option, values, seed) -> OptionPlan``: how each option is planned.
Planner = Callable[[Scenario, str, Mapping[str, float], int], OptionPlan]


def dynamics_draws(
    scn: Scenario, replications: int, seed: int, values: Mapping[str, float] | None = None
) -> dict[str, np.ndarray]:
    """One draw of every uncertain dynamics parameter per replication (Latin hypercube).

    Parameters fixed by ``values`` (an override or a design point) are not drawn.
    """
    fixed = set(values or {})
    declared = [
        p
        for p in scn.parameters
        if p.stage == "dynamics" and p.high > p.low and p.name not in fixed
    ]
    return latin_hypercube(declared, replications, stream(seed, "parameters"))


def _params(
    values: Mapping[str, float], draws: Mapping[str, np.ndarray], rows: slice
) -> DynamicsParams:
    base = stage_parameters(DynamicsParams, values, "dynamics")
    changes: dict[str, Any] = {
        f.name: draws[f"dynamics.{f.name}"][rows]
        for f in fields(DynamicsParams)
        if f"dynamics.{f.name}" in draws
    }
    return replace(base, **changes)


def region_month_summary(
    deaths: np.ndarray, option: str, region_ids: Sequence[str]
) -> pd.DataFrame:
    """Quantiles over replications of civilian deaths ``(R, N, T)`` per region and month."""
    deaths = deaths.astype(float)
    q = np.quantile(deaths, [0.05, 0.5, 0.95], axis=0)  # (3, N, T)
    mean = deaths.mean(axis=0)
    N, T = mean.shape
    return pd.DataFrame(
        {
            "option": option,
            "region": np.repeat(np.asarray(region_ids, dtype=object), T),
            "month": np.tile(np.arange(T), N),
            "mean": mean.ravel(),
            "low": q[0].ravel(),
            "median": q[1].ravel(),
            "high": q[2].ravel(),
        }
    )


def simulate(
    scn: Scenario,
    options: Sequence[str] | None = None,
    replications: int = DEFAULT_REPLICATIONS,
    seed: int = MASTER_SEED,
    values: Mapping[str, float] | None = None,
    uncertainty: bool = True,
    progress: Progress | None = None,
    planner: Planner | None = None,
) -> Results:
    """Run the chain for each option and return tidy :class:`~grudging.results.results.Results`.

    Parameters
    ----------
    scn:
        The scenario.
    options:
        Option ids to run (default: all, in scenario order).
    replications:
        Stochastic replications per option.
    seed:
        Master seed; the same seed gives the same numbers.
    values:
        Parameter values that replace the scenario's nominal ones.
    uncertainty:
        Draw the dynamics parameters from their ranges, one draw per replication.
    progress:
        Called as ``progress(option, done, total)`` after each block.
    planner:
        Plans each option (default :func:`~grudging.options.plan_option`); a caller that caches
        plans passes its own, which must return what ``plan_option`` would.
    """
    if replications < 1:
        raise GrudgingError(f"replications = {replications}: run at least one replication")
    check_declarations(scn)
    ids = list(options) if options else [o.id for o in scn.options]
    for option in ids:
        scn.option(option)
    vals = dict(scn.parameter_values())
    vals.update(values or {})
    draws = dynamics_draws(scn, replications, seed, values) if uncertainty else {}
    region_ids = tuple(r.id for r in scn.regions)
    experiments, outcomes, status, region_months = [], [], [], []
    plans: dict[str, OptionPlan] = {}
    started = time.perf_counter()
    for option in ids:
        try:
            plan = (planner or plan_option)(scn, option, vals, seed)
        except GrudgingError as err:
            status.append(
                pd.DataFrame(
                    {
                        "run_id": [f"{option}/{r}" for r in range(replications)],
                        "option": option,
                        "status": "failed",
                        "error": str(err),
                    }
                )
            )
            experiments.append(
                pd.DataFrame(
                    {
                        "run_id": [f"{option}/{r}" for r in range(replications)],
                        "option": option,
                        "replication": np.arange(replications),
                        "seed": seed,
                    }
                )
            )
            continue
        plans[option] = plan
        option_rows, option_traj = [], []
        for start in range(0, replications, BLOCK):
            rows = slice(start, min(start + BLOCK, replications))
            n = rows.stop - rows.start
            params = _params(vals, draws, rows)
            traj = simulate_dynamics(plan.inputs, params, n, seed=seed, block=start // BLOCK)
            option_rows.append(outcome_rows(traj, option, region_ids, replication_offset=start))
            option_traj.append(traj.deaths)
            if progress is not None:
                progress(option, rows.stop, replications)
        outcomes.extend(option_rows)
        deaths = np.concatenate(option_traj, axis=0)
        region_months.append(region_month_summary(deaths, option, region_ids))
        reps = np.arange(replications)
        exp = pd.DataFrame(
            {
                "run_id": [f"{option}/{r}" for r in reps],
                "option": option,
                "replication": reps,
                "seed": seed,
            }
        )
        for name, column in draws.items():
            exp[name] = column
        experiments.append(exp)
        status.append(
            pd.DataFrame({"run_id": exp["run_id"], "option": option, "status": "ok", "error": None})
        )
    metadata: dict[str, Any] = {
        "package": "grudging",
        "version": __version__,
        "scenario": scn.id,
        "scenario_hash": scenario_hash(scn),
        "seed": seed,
        "replications": replications,
        "options": ids,
        "uncertainty": uncertainty,
        "information_date": scn.information_date,
        "start": scn.start,
        "horizon_months": scn.horizon_months,
        "data_window": _data_window(scn),
        "overrides": dict(values or {}),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 3),
        "plans": {k: p.summary() for k, p in plans.items()},
    }
    return Results(
        experiments=pd.concat(experiments, ignore_index=True),
        outcomes=pd.concat(outcomes, ignore_index=True) if outcomes else _empty_outcomes(),
        status=pd.concat(status, ignore_index=True),
        metadata=metadata,
        region_months=pd.concat(region_months, ignore_index=True)
        if region_months
        else pd.DataFrame(),
        plans=plans,
    )


def _data_window(scn: Scenario) -> dict[str, str | None]:
    months = [o.month for o in scn.observations]
    return {"first": min(months) if months else None, "last": max(months) if months else None}


def _empty_outcomes() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["run_id", "option", "replication", "region", "nation", "month", "outcome", "value"]
    )

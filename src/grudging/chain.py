"""The whole chain for every course of action: plan each option, simulate, tidy the outcomes.

:func:`simulate` is what ``grudging run`` calls. Replications run in fixed blocks whose random
streams are named by (seed, block), never by the option or the order of execution, so every option
sees the same shocks (common random numbers) and a block can be recomputed alone. With
``uncertainty=True`` each replication also draws the dynamics and bargaining parameters from
their declared ranges (a Latin hypercube per stage, shared by all options), so intervals carry
parametric uncertainty as well as chance; the requirement, willingness and force-generation
stages run at the nominal values (a sweep explores their ranges).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Mapping, MutableMapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from grudging import __version__
from grudging.errors import GrudgingError
from grudging.kernel import parameter_draws, run_block, run_values
from grudging.model.outcomes import check_declarations, outcome_rows, theatre_outcomes
from grudging.options import OptionPlan
from grudging.plans import PlanCache
from grudging.results.results import Results
from grudging.rng import MASTER_SEED, check_seed
from grudging.scenario.feasibility import option_feasibility
from grudging.scenario.io import scenario_hash
from grudging.scenario.schema import Scenario

#: Replications per block of the random streams (fixed, so results never depend on chunking).
BLOCK = 500
#: Default number of replications of ``grudging run``.
DEFAULT_REPLICATIONS = 1000

Progress = Callable[[str, int, int], None]


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


def _check_call(
    scn: Any,
    replications: Any,
    seed: Any,
    values: Any,
    options: Any = None,
) -> list[str]:
    """Refuse, in one located sentence and before any work, arguments no run can have (the
    library's face of what ``--set``, ``--option``, ``-n`` and ``--seed`` check at the command
    line, the memory a run needs included); returns the option ids to run."""
    from grudging.machine import available_memory, check_run_memory

    if not isinstance(scn, Scenario):
        raise GrudgingError(
            f"scenario = {scn!r:.60}: give a loaded scenario (grudging.load(name or path)); "
            "grudging.simulate and grudging.plan also take the name or path itself"
        )
    if isinstance(replications, bool) or not isinstance(replications, int | np.integer):
        raise GrudgingError(
            f"replications = {replications!r}: give a whole number of replications (e.g. 500)"
        )
    if replications < 1:
        raise GrudgingError(f"replications = {replications}: run at least one replication")
    check_seed(seed)
    ids = _option_ids(scn, options)
    check_values(scn, values)
    check_run_memory(
        int(replications),
        len(ids),
        len(scn.regions),
        scn.horizon_months,
        available_memory(),
        flag="replications =",
        ways_out="fewer options, or a sweep (grudging.explore), which streams its runs to disk",
    )
    return ids


def _option_ids(scn: Scenario, options: Any) -> list[str]:
    """The ids to run: ``None`` for every option, one id, or a list of distinct ids."""
    if options is None:
        return [o.id for o in scn.options]
    if isinstance(options, str):  # one option id given bare
        options = [options]
    if not isinstance(options, Sequence) or not options:
        raise GrudgingError(
            f"options = {options!r:.60}: give option ids (a list of names such as "
            f"{[o.id for o in scn.options][:2]}), or leave it out to run every option"
        )
    seen: set[str] = set()
    for option in options:
        if not isinstance(option, str):
            raise GrudgingError(f"options: {option!r:.60} is not an option id; give its name")
        if option in seen:
            raise GrudgingError(f"options: '{option}' is given twice; name each option once")
        seen.add(option)
        scn.option(option)  # an unknown id is named with the ones there are
    return list(options)


def check_values(scn: Scenario, values: Any) -> None:
    """Refuse parameter values a run cannot take: not a mapping of declared names to numbers
    inside their declared ranges."""
    import math

    from grudging.errors import did_you_mean

    if values is None:
        return
    if not isinstance(values, Mapping):
        raise GrudgingError(
            f"values = {values!r:.60}: give a mapping of parameter names to numbers, e.g. "
            "{'dynamics.self_excitation': 0.3}"
        )
    declared = {p.name: p for p in scn.parameters}
    for name, value in values.items():
        param = declared.get(name) if isinstance(name, str) else None
        if param is None:
            raise GrudgingError(
                f"values: {name!r} is not a parameter of scenario '{scn.id}'"
                f"{did_you_mean(str(name), list(declared))}; correct the name (grudging show "
                "--section parameters lists them)"
            )
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise GrudgingError(f"values: {name} = {value!r}: give a number")
        if not (math.isfinite(value) and param.low <= value <= param.high):
            overridden = any(o.partition("=")[0].strip() == name for o in scn.overrides)
            raise GrudgingError(
                f"values: {name} = {value!r} is outside its range [{param.low:g}, "
                f"{param.high:g}] "
                + (
                    "(set when the scenario was loaded, by --set or set=); load it without "
                    "that override to vary it"
                    if overridden
                    else "(the range the scenario declares); give a value inside it, or widen "
                    "the range first (with a source)"
                )
            )


def _takes_three(function: Any) -> bool:
    """Whether ``function`` can be called with three arguments, as a progress callback is."""
    import inspect

    if not callable(function):
        return False
    try:
        inspect.signature(function).bind("option", 0, 1)
    except TypeError:
        return False
    except ValueError:  # no signature to read (some built-ins): trust it
        return True
    return True


def simulate(
    scn: Scenario,
    options: Sequence[str] | str | None = None,
    replications: int = DEFAULT_REPLICATIONS,
    seed: int = MASTER_SEED,
    values: Mapping[str, float] | None = None,
    uncertainty: bool = True,
    progress: Progress | None = None,
    cache: PlanCache | None = None,
    settlements: MutableMapping[Hashable, Any] | None = None,
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
        Parameter values fixed in every replication (as ``--set`` fixes them: the other
        parameters keep their draws, paired). A fixed parameter leaves ``experiments``; its value
        is in ``metadata["values"]``.
    uncertainty:
        Draw the dynamics and bargaining parameters from their ranges, one draw per replication
        (:func:`grudging.kernel.parameter_draws`).
    progress:
        Called as ``progress(option, done, total)`` before an option is planned (``done`` 0)
        and after each of its blocks.
    cache:
        A plan cache to plan through (the dashboard's, a notebook's); by default a fresh one, so
        options that raise the same coalition share one conference.
    settlements:
        A memo of the bargains re-run per replication (:func:`grudging.kernel.run_block`), for a
        caller that runs the same bargaining draws again (the dashboard); by default one for
        this call, shared by the options that field the same guarantee.
    """
    ids = _check_call(scn, replications, seed, values, options)
    if not isinstance(uncertainty, bool | np.bool_):
        raise GrudgingError(f"uncertainty = {uncertainty!r}: give True or False")
    uncertainty = bool(uncertainty)
    if progress is not None and not _takes_three(progress):
        raise GrudgingError(
            f"progress = {progress!r:.60}: give a function progress(option, done, total)"
        )
    if cache is not None and not isinstance(cache, PlanCache):
        raise GrudgingError(f"cache = {cache!r:.60}: give a grudging.plans.PlanCache")
    check_declarations(scn)
    vals = run_values(scn, values)
    planner = cache if cache is not None else PlanCache()
    # options fielding the same guarantee share their bargains per block (options.settlement_at)
    bargains = settlements if settlements is not None else {}
    draws = parameter_draws(scn, replications, seed, fixed=values or {}) if uncertainty else {}
    region_ids = tuple(r.id for r in scn.regions)
    reported = theatre_outcomes(scn)  # a theatre without a patron reports no patron's outcome
    experiments, outcomes, status, region_months = [], [], [], []
    plans: dict[str, OptionPlan] = {}
    started = time.perf_counter()
    for option in ids:
        if progress is not None:  # before planning, which may take long (a large theatre)
            progress(option, 0, replications)
        try:
            plan = planner.plan(scn, option, values, seed)
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
            block = {**vals, **{name: column[rows] for name, column in draws.items()}}
            traj = run_block(scn, plan, block, n, seed, start // BLOCK, settlements=bargains)
            option_rows.append(
                outcome_rows(traj, option, region_ids, replication_offset=start, outcomes=reported)
            )
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
                **draws,  # one column per drawn parameter, after the run's own
            }
        )
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
        "option_names": {o: scn.option(o).name for o in ids},
        "uncertainty": uncertainty,
        "information_date": scn.information_date,
        "start": scn.start,
        "horizon_months": scn.horizon_months,
        "data_window": _data_window(scn),
        "overrides": list(scn.overrides),
        "values": dict(values or {}),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 3),
        "plans": {k: p.summary() for k, p in plans.items()},
        "faction_names": {f.id: f.name for f in scn.factions},
        "agreement": None
        if scn.agreement is None
        else {"name": scn.agreement.name, "signed": scn.agreement.signed},
        # Gates the model does not simulate: outcomes are conditional on the option being
        # carried out (docs/design-notes/bargain.md, "Feasibility gates").
        "feasibility": {o: option_feasibility(scn, o).to_dict() for o in ids},
        # The replays of history, with the recorded local deals each puts in as inputs: named as
        # such wherever a verdict calls one best (it is not a course of action to choose).
        "replays": {o: len(scn.option(o).local_deals) for o in ids if scn.option(o).historical},
    }
    return Results(
        experiments=pd.concat(experiments, ignore_index=True),
        outcomes=pd.concat(outcomes, ignore_index=True) if outcomes else _empty_outcomes(),
        status=pd.concat(status, ignore_index=True),
        metadata=metadata,
        region_months=pd.concat(region_months, ignore_index=True)
        if region_months
        else pd.DataFrame(columns=["option", "region", "month", "mean", "low", "median", "high"]),
        plans=plans,
    )


def _data_window(scn: Scenario) -> dict[str, str | None]:
    months = [o.month for o in scn.observations]
    return {"first": min(months) if months else None, "last": max(months) if months else None}


def _empty_outcomes() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["run_id", "option", "replication", "region", "nation", "month", "outcome", "value"]
    )

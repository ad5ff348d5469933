"""An EMA Workbench adapter: drive one course of action of the chain as an EMA ``Model``.

EMA Workbench (Kwakkel 2017) calls a Python model once per experiment with keyword arguments and
expects a dictionary of outcomes back. :func:`ema_model` builds such a model from a scenario: its
uncertainties are the scenario's uncertain parameters (with their declared distributions), its
levers the scenario's levers, its outcomes the registered outcomes (to minimise or maximise). The
function plans the option for the experiment's upstream values (held in a
:class:`~grudging.plans.PlanCache`, so experiments that differ only in dynamics parameters
reuse one plan, or one conference when the guarantor's skill differs), runs ``replications`` replications of the
dynamics, and returns each outcome's mean over them. Its random numbers are named by the
experiment's values, so the same experiment gives the same numbers in any EMA evaluator.

``ema_workbench`` is imported only when a model is built (an optional dependency).

Example
-------
>>> from ema_workbench import perform_experiments                       # doctest: +SKIP
>>> model = ema_model(load_scenario("iraq-2007"), "nato_replaces", parameters="dynamics")
>>> experiments, outcomes = perform_experiments(model, scenarios=100)     # doctest: +SKIP

References
----------
Kwakkel (2017), The Exploratory Modeling Workbench, *Environmental Modelling & Software* 96:
239-250.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from grudging.errors import DesignError, unknown_name
from grudging.explore.levers import Factor, select_factors, with_plan_reads
from grudging.plans import PlanCache
from grudging.rng import MASTER_SEED

if TYPE_CHECKING:
    from grudging.options import OptionPlan
    from grudging.scenario.schema import Scenario


def ema_name(name: str) -> str:
    """An identifier EMA accepts for a factor (dots become double underscores)."""
    return name.replace(".", "__")


class ChainFunction:
    """The callable an EMA ``Model`` runs: one experiment of one option, outcomes averaged."""

    def __init__(
        self,
        scn: Scenario,
        option: str,
        factors: Sequence[Factor],
        replications: int = 1,
        seed: int = MASTER_SEED,
        cache: int = 32,
    ) -> None:
        self.scn = scn
        self.option = option
        self.factors = list(factors)
        self.replications = replications
        self.seed = seed
        self._plans = PlanCache(cache)
        self.calls = 0

    def plan(self, values: dict[str, Any]) -> OptionPlan:
        """The option's plan for the experiment's upstream values (held for later experiments)."""
        upstream = [(f.name, values[f.name]) for f in self.factors if f.upstream or f.plan_read]
        return self._plans.plan(self.scn, self.option, upstream, self.seed)

    def __call__(self, **kwargs: Any) -> dict[str, float]:
        """Run one experiment; ``kwargs`` are factor values by name (dotted names allowed).

        An optional ``replication`` number joins the experiment's identity, so an EMA design that
        lists replications as experiments (one call per run) gets independent draws for each.
        """
        from grudging.kernel import run_block, run_values
        from grudging.model.outcomes import scalar_outcomes, theatre_outcomes

        self.calls += 1
        values = {f.name: kwargs[f.name] for f in self.factors if f.name in kwargs}
        missing = [f.name for f in self.factors if f.name not in values]
        if missing:
            raise DesignError(f"experiment lacks {', '.join(missing)}")
        plan = self.plan(values)
        params = run_values(self.scn, {k: float(v) for k, v in values.items() if "." in k})
        named = sorted((k, _plain(v)) for k, v in values.items())
        named.append(("replication", int(kwargs.get("replication", 0))))
        identity = hashlib.sha256(json.dumps(named).encode()).hexdigest()[:16]
        traj = run_block(self.scn, plan, params, self.replications, self.seed, ("ema", identity))
        outcomes = scalar_outcomes(traj, theatre_outcomes(self.scn))
        return {name: float(np.mean(v)) for name, v in outcomes.items()}


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def ema_model(
    scn: Scenario,
    option: str,
    parameters: str | Sequence[str] = "all",
    levers: str | Sequence[str] = "all",
    replications: int = 1,
    seed: int = MASTER_SEED,
    name: str | None = None,
) -> Any:
    """An ``ema_workbench.Model`` running ``option`` of ``scn`` for each experiment.

    Parameters
    ----------
    scn:
        The scenario.
    option:
        The course of action the model runs.
    parameters, levers:
        Which factors become EMA uncertainties and levers (see
        :func:`grudging.explore.levers.select_factors`).
    replications:
        Replications of the dynamics per experiment (outcomes are their means).
    seed:
        Master seed.
    name:
        The model's name (default ``grudging`` and the option id without underscores: EMA
        accepts only letters and digits).
    """
    ids = [o.id for o in scn.options]
    if option not in ids:
        raise DesignError(unknown_name("option", option, ids))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import scipy.stats
        from ema_workbench import (
            CategoricalParameter,
            IntegerParameter,
            Model,
            RealParameter,
            ScalarOutcome,
        )
    factors = with_plan_reads(scn, [option], select_factors(scn, parameters, levers))
    function = ChainFunction(scn, option, factors, replications, seed)
    model = Model(name or "grudging" + option.replace("_", ""), function=function)

    def ema_parameter(f: Factor) -> Any:
        safe = ema_name(f.name)
        if f.scale == "categorical":
            return CategoricalParameter(safe, list(f.choices), variable_name=f.name)
        if f.scale == "integer":
            return IntegerParameter(safe, int(f.low), int(f.high), variable_name=f.name)
        if f.kind == "parameter" and f.distribution == "triangular":
            dist = scipy.stats.triang(
                (f.nominal - f.low) / (f.high - f.low), loc=f.low, scale=f.high - f.low
            )
            return RealParameter.from_dist(safe, dist, variable_name=[f.name])
        if f.kind == "parameter" and f.distribution == "loguniform":
            dist = scipy.stats.loguniform(f.low, f.high)
            return RealParameter.from_dist(safe, dist, variable_name=[f.name])
        return RealParameter(safe, f.low, f.high, variable_name=f.name)

    model.uncertainties = [ema_parameter(f) for f in factors if f.kind == "parameter"]
    model.levers = [ema_parameter(f) for f in factors if f.kind == "lever"]
    from grudging.model.outcomes import OUTCOMES, theatre_outcomes

    model.outcomes = [
        ScalarOutcome(
            o.name,
            kind=ScalarOutcome.MINIMIZE if o.direction == "minimize" else ScalarOutcome.MAXIMIZE,
        )
        for o in (OUTCOMES[name] for name in theatre_outcomes(scn))
    ]
    return model

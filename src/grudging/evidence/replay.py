"""An option of a built-in scenario through the dynamics engine, keeping the trajectories.

``grudging run`` (:func:`grudging.chain.simulate`) keeps tidy outcomes; some checks need what the
engine records beyond them (attacks on forces, the month a settlement collapses). This runs the
same plan and the same parameter draws (a Latin hypercube over the declared dynamics ranges, the
overridden parameters held fixed) and returns the engine's
:class:`~grudging.model.dynamics.Trajectories`.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from grudging.chain import dynamics_draws
from grudging.evidence.checks import EvidenceContext
from grudging.evidence.synthetic import dynamics_params
from grudging.model.dynamics import DynamicsParams, Trajectories, simulate
from grudging.options import OptionPlan, plan_option
from grudging.scenario.schema import Scenario


def overridden(ctx: EvidenceContext) -> set[str]:
    """Names of the parameters the context overrides (held fixed, not drawn)."""
    return {o.split("=", 1)[0].strip() for o in ctx.overrides}


def plan(ctx: EvidenceContext, scn: Scenario, option: str) -> OptionPlan:
    """The deterministic stages of one option at the scenario's values (computed once)."""
    return ctx.cached(
        f"plan:{scn.id}:{option}",
        lambda: plan_option(scn, option, scn.parameter_values(), ctx.seed),
    )


def drawn_params(ctx: EvidenceContext, scn: Scenario, replications: int) -> DynamicsParams:
    """The dynamics parameters with one draw per replication from their declared ranges.

    As :func:`grudging.chain.simulate` with ``uncertainty=True``: a Latin hypercube over the
    ranges the scenario declares; overridden parameters keep their value.
    """
    values = scn.parameter_values()
    fixed = {k: v for k, v in values.items() if k in overridden(ctx)}
    draws = dynamics_draws(scn, replications, ctx.seed, fixed)
    changes: dict[str, Any] = {
        f.name: draws[f"dynamics.{f.name}"]
        for f in fields(DynamicsParams)
        if f"dynamics.{f.name}" in draws
    }
    return replace(dynamics_params(values), **changes)


def replay(
    ctx: EvidenceContext,
    scn: Scenario,
    option: str,
    replications: int,
    months: int | None = None,
) -> Trajectories:
    """The option's trajectories over ``months`` (default: the scenario's horizon)."""

    def compute() -> Trajectories:
        params = drawn_params(ctx, scn, replications)
        inputs = plan(ctx, scn, option).inputs
        if months is not None:
            inputs = replace(inputs, months=months)
        return simulate(inputs, params, replications, seed=ctx.seed)

    return ctx.cached(f"replay:{scn.id}:{option}:{replications}:{months}", compute)

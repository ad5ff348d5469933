"""An option of a built-in scenario through the dynamics engine, keeping the trajectories.

``grudging run`` (:func:`grudging.chain.simulate`) keeps tidy outcomes; some checks need what the
engine records beyond them (attacks on forces, the month a settlement collapses). This runs the
same plan and the same parameter draws (a Latin hypercube over the declared dynamics ranges, the
overridden parameters held fixed) and returns the engine's
:class:`~grudging.model.dynamics.Trajectories`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from grudging.evidence.checks import EvidenceContext
from grudging.kernel import parameter_draws, run_block, run_values
from grudging.model.dynamics import Trajectories
from grudging.options import OptionPlan, plan_option
from grudging.scenario.schema import Scenario


def plan(ctx: EvidenceContext, scn: Scenario, option: str) -> OptionPlan:
    """The deterministic stages of one option at the scenario's values (computed once)."""
    return ctx.cached(
        f"plan:{scn.id}:{option}",
        lambda: plan_option(scn, option, scn.parameter_values(), ctx.seed),
    )


def drawn_values(ctx: EvidenceContext, scn: Scenario, replications: int) -> dict[str, Any]:
    """Every parameter's value, with one draw per replication of the uncertain ones.

    As :func:`grudging.chain.simulate` with ``uncertainty=True`` (the same kernel): Latin
    hypercubes over the ranges the scenario declares; a parameter fixed by an override has an
    empty range and keeps its value.
    """
    return {**run_values(scn), **parameter_draws(scn, replications, ctx.seed)}


def replay(
    ctx: EvidenceContext,
    scn: Scenario,
    option: str,
    replications: int,
    months: int | None = None,
) -> Trajectories:
    """The option's trajectories over ``months`` (default: the scenario's horizon)."""

    def compute() -> Trajectories:
        planned = plan(ctx, scn, option)
        if months is not None:
            planned = replace(planned, inputs=replace(planned.inputs, months=months))
        values = drawn_values(ctx, scn, replications)
        return run_block(scn, planned, values, replications, ctx.seed, 0)

    return ctx.cached(f"replay:{scn.id}:{option}:{replications}:{months}", compute)

"""The run kernel: parameter values, their draws and one vectorised call of the dynamics.

Every face runs replications through these functions: :func:`grudging.chain.simulate` (``grudging
run``, the report, the dashboard), the sweep runner and the EMA adapter. Values are built in one
place (:func:`run_values`: the scenario's nominal values with the caller's on top), the uncertain
ones drawn in one place (:func:`parameter_draws`), and a block of replications is one call of
:func:`run_block`, whose random streams are named by ``(seed, block)`` alone.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from grudging.model.dynamics import DynamicsParams, Trajectories
from grudging.model.dynamics import simulate as simulate_dynamics
from grudging.model.parameters import stage_parameters
from grudging.model.sampling import latin_hypercube
from grudging.rng import stream

if TYPE_CHECKING:
    from grudging.options import OptionPlan
    from grudging.scenario.schema import Scenario


def run_values(scn: Scenario, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every parameter's value: the scenario's nominal values with ``values`` on top."""
    out: dict[str, Any] = {p.name: p.value for p in scn.parameters}
    out.update(values or {})
    return out


#: Stages whose parameters a run draws per replication (the others are planned at one value).
DRAWN_STAGES = ("dynamics", "bargain")


def uncertain(scn: Scenario, stage: str, fixed: Iterable[str] = ()) -> list[Any]:
    """The parameters of ``stage`` a run draws: those with a range, less the ``fixed`` ones.

    A parameter fixed by ``--set`` has an empty range (``low == high``) and is never drawn.
    """
    held = set(fixed)
    return [p for p in scn.parameters if p.stage == stage and p.high > p.low and p.name not in held]


def hypercube(scn: Scenario, stage: str) -> list[Any]:
    """The parameters of ``stage`` that hold a column of a run's Latin hypercube: those declared
    with a range, whether or not an override has fixed them since."""
    return [
        p for p in scn.parameters if p.stage == stage and p.declared_range[1] > p.declared_range[0]
    ]


def parameter_draws(
    scn: Scenario, replications: int, seed: int, fixed: Iterable[str] = ()
) -> dict[str, np.ndarray]:
    """One draw of every uncertain dynamics and bargaining parameter per replication.

    Each stage is a Latin hypercube on its own stream (``(seed, "parameters")`` for the dynamics,
    ``(seed, "parameters", "bargain")`` for the bargain), so adding a stage's draws never moves
    another's, and every option sees the same draws. A parameter fixed by an override (``--set``,
    ``fixed``, a dashboard change) keeps its column, drawn and set aside: every other parameter
    is drawn exactly as in the run without the override, so the two are paired.
    """
    held = set(fixed)
    draws: dict[str, np.ndarray] = {}
    for stage, rng in (
        ("dynamics", stream(seed, "parameters")),
        ("bargain", stream(seed, "parameters", "bargain")),
    ):
        drawn = latin_hypercube(hypercube(scn, stage), replications, rng)
        draws.update({name: column for name, column in drawn.items() if name not in held})
    return draws


def dynamics_params(values: Mapping[str, Any]) -> DynamicsParams:
    """The dynamics' parameters from values by name (floats, or arrays with one per replication)."""
    return stage_parameters(DynamicsParams, values, "dynamics")


def run_block(
    scn: Scenario,
    plan: OptionPlan,
    values: Mapping[str, Any],
    replications: int,
    seed: int,
    block: object,
    plan_reads: Sequence[str] = (),
    settlements: MutableMapping[Hashable, Any] | None = None,
) -> Trajectories:
    """``replications`` runs of a planned option: one vectorised call of the dynamics.

    ``values`` holds every parameter (see :func:`run_values`); a dynamics or bargaining parameter
    may be an array with one value per replication. When bargaining parameters vary by
    replication, the option's bargain is recomputed for each of them
    (:func:`grudging.options.settlement_at`, vectorised). A scenario that starts with an
    agreement in place runs it instead, guaranteed by the option's guarantor
    (:func:`grudging.model.bargain.agreement.agreement_settlement`). ``(seed, block)`` names the random
    streams: the same pair gives the same shocks under every option (common random numbers) and in
    every process.

    ``plan_reads`` names dynamics parameters that the plan reads (the guarantor's skill) and that
    ``values`` may give per replication, as a sweep does for design points sharing one plan: the
    guarantee and the bargain are then derived at each replication's values
    (:func:`grudging.options.settlement_at`). Elsewhere they stay at the planned values.

    ``settlements`` keeps the bargains re-run per replication
    (:func:`grudging.options.bargain_draws_key`): options fielding the same guarantee share them,
    and so does a caller that runs the same bargaining draws again (the dashboard: a change to a
    dynamics parameter moves none); a kept bargain is the same object, so the same numbers.
    """
    from grudging.options import plan_reads_dynamics, settlement_at

    if plan_reads:  # only what this option's plan reads
        plan_reads = [n for n in plan_reads_dynamics(scn, plan.option) if n in set(plan_reads)]
    inputs = plan.inputs
    if scn.agreement is not None:
        # An agreement in place: it exists in every option; the option only guarantees it.
        from grudging.model.bargain.agreement import agreement_settlement

        inputs = replace(inputs, settlement=agreement_settlement(scn, plan, values))
    elif inputs.settlement is not None and any(
        isinstance(v, np.ndarray)
        for k, v in values.items()
        if k.startswith("bargain.") or k in plan_reads
    ):
        settlement = settlement_at(scn, plan, values, seed, plan_reads, memo=settlements)
        inputs = replace(inputs, settlement=settlement)
    return simulate_dynamics(inputs, dynamics_params(values), replications, seed, block)

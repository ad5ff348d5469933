"""The run kernel: parameter values, their draws and one vectorised call of the dynamics.

Every face runs replications through these functions: :func:`grudging.chain.simulate` (``grudging
run``, the report, the dashboard), the sweep runner and the EMA adapter. Values are built in one
place (:func:`run_values`: the scenario's nominal values with the caller's on top), the uncertain
ones drawn in one place (:func:`dynamics_draws`), and a block of replications is one call of
:func:`run_block`, whose random streams are named by ``(seed, block)`` alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


def uncertain_dynamics(scn: Scenario, fixed: Iterable[str] = ()) -> list[Any]:
    """The dynamics parameters a run draws: those with a range, less the ``fixed`` ones.

    A parameter fixed by ``--set`` has an empty range (``low == high``) and is never drawn.
    """
    held = set(fixed)
    return [
        p for p in scn.parameters if p.stage == "dynamics" and p.high > p.low and p.name not in held
    ]


def dynamics_draws(
    scn: Scenario, replications: int, seed: int, fixed: Iterable[str] = ()
) -> dict[str, np.ndarray]:
    """One draw of every uncertain dynamics parameter per replication (a Latin hypercube).

    The stream is named by the seed alone, so every option sees the same draws.
    """
    return latin_hypercube(uncertain_dynamics(scn, fixed), replications, stream(seed, "parameters"))


def dynamics_params(values: Mapping[str, Any]) -> DynamicsParams:
    """The dynamics' parameters from values by name (floats, or arrays with one per replication)."""
    return stage_parameters(DynamicsParams, values, "dynamics")


def run_block(
    plan: OptionPlan,
    values: Mapping[str, Any],
    replications: int,
    seed: int,
    block: object,
) -> Trajectories:
    """``replications`` runs of a planned option: one vectorised call of the dynamics.

    ``values`` holds every parameter (see :func:`run_values`); a dynamics parameter may be an array
    with one value per replication. ``(seed, block)`` names the random streams: the same pair
    gives the same shocks under every option (common random numbers) and in every process.
    """
    return simulate_dynamics(plan.inputs, dynamics_params(values), replications, seed, block)

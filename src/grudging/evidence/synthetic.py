"""Synthetic theatres for the findings experiments: one region, the model's own mechanisms.

A published finding is a statement about a population of cases ("a conflict at the sample
mean"). The experiments build that case as a one-region :class:`~grudging.model.dynamics.Theatre`
and run the same engine the chain runs, with the reference scenario's parameter values. The
force arrives after the information date, so the background rate is fixed by the conditions
without it (the model starts where the data end) and the force then acts on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from grudging.model.dynamics import (
    DynamicsInputs,
    DynamicsParams,
    ForceUnit,
    SettlementPlan,
    Theatre,
    Trajectories,
    simulate,
)
from grudging.model.parameters import stage_parameters
from grudging.model.requirement import density_norm, requirement_params
from grudging.model.theatre import requirement_curve
from grudging.scenario.commands import shared_command, unit_traits


def dynamics_params(values: Mapping[str, float]) -> DynamicsParams:
    """The dynamics parameters from a mapping of parameter values."""
    return stage_parameters(DynamicsParams, values, "dynamics")


def required_density(values: Mapping[str, float], rate: float, mixed: float) -> float:
    """The requirement stage's density norm (troops per 1,000) for a region's violence and mix."""
    fractionalization = 1.0 - ((1.0 - mixed) ** 2 + mixed**2)
    return density_norm(rate, fractionalization, requirement_params(values))


def region(
    values: Mapping[str, float],
    population: float,
    rate: float,
    mixed: float = 0.5,
    factions: int = 0,
    density: float | None = None,
) -> Theatre:
    """One region of ``population`` at ``rate`` deaths per 100,000 a month.

    Parameters
    ----------
    mixed:
        Share of the minority group (0.5: an evenly mixed region).
    factions:
        Non-spoiler factions sharing the region's violence equally (needed for a settlement);
        they have no fighters, so there are no attacks on forces.
    density:
        Troops per 1,000 the region requires, fixed (default: the requirement stage's norm at
        ``rate``, moving with the region's recent violence as in a scenario's theatre).
    """
    need = required_density(values, rate, mixed) if density is None else density
    curve = (
        requirement_curve(requirement_params(values), np.array([rate])) if density is None else None
    )
    zeros = np.zeros((factions, 1))
    return Theatre(
        region_ids=("synthetic",),
        population=np.array([float(population)]),
        neighbours=np.zeros((1, 1)),
        composition=np.array([[1.0 - mixed, mixed]]),
        abroad_border=np.array([False]),
        required_density=np.array([need]),
        initial_rate=np.array([rate]),
        host_troops=np.zeros(1),
        faction_share=np.full((factions, 1), 1.0 / factions) if factions else zeros,
        faction_spoiler=np.zeros(factions, dtype=bool),
        faction_fighters=np.zeros(factions),
        faction_home=np.ones((factions, 1)) if factions else zeros,
        insurgents=np.zeros(1),
        spoiler_home=np.zeros(1),
        kin_weights=np.zeros((0, 1)),
        kin_population=np.zeros(0),
        requirement_curve=curve,
    )


def force(
    troops: float | Sequence[float],
    months: int,
    command: str = "un",
    kind: str = "coalition",
    arrives: int = 1,
) -> ForceUnit:
    """A force in the synthetic region: ``troops`` from month ``arrives`` on (none before).

    ``troops`` is a constant or a timeline of ``months`` values. The force does not erode.
    """
    schedule = np.broadcast_to(np.asarray(troops, dtype=float), (months,)).copy()
    schedule[:arrives] = 0.0
    return ForceUnit(
        name=f"{command}_force",
        nation=None,
        kind=kind,
        **unit_traits(shared_command(command)),
        troops=schedule[None, :],
        pk_skill=1.0,
        erodes=False,
    )


def run(
    theatre: Theatre,
    units: Sequence[ForceUnit],
    params: DynamicsParams,
    months: int,
    replications: int,
    seed: int,
    settlement: SettlementPlan | None = None,
) -> Trajectories:
    """The engine on a synthetic theatre (no erosion: forces stay as scheduled)."""
    inputs = DynamicsInputs(
        theatre=theatre,
        units=tuple(units),
        months=months,
        settlement=settlement,
        erosion=False,
    )
    return simulate(inputs, params, replications, seed=seed)


def monthly_rate(traj: Trajectories, population: float, months: slice) -> np.ndarray:
    """Mean deaths per 100,000 a month over ``months``, per replication."""
    return np.asarray(traj.deaths[:, 0, months].mean(axis=1), dtype=float) / population * 1e5

"""Every output of the dynamics is physically possible, whatever the scenario (issue 14).

Random theatres are built from the toy scenario ``tests/data/tiny.yaml``, planned once per option:
each example redraws the regions' populations (1 to 100 million; the observed deaths stay, so a
small population means a huge information-date rate), the factions' fighters (up to 10**15), the
host forces, the size of every force, and the dynamics parameters (each at an end of its declared
range or inside it, one value per replication or one for all). Whatever they are:

* civilian deaths in a region never exceed its population, and the deaths and the displaced
  together never exceed the country's;
* refugees are displaced people, so never more than the displaced;
* a unit loses at most the troops it has in theatre;
* fighters and recruits are inhabitants, so attacks never exceed ``attacks_per_fighter`` per
  inhabitant;
* every output is finite and non-negative, and the same seed gives the same numbers.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grudging.model.dynamics import DynamicsInputs, DynamicsParams, Trajectories, simulate
from grudging.model.outcomes import scalar_outcomes
from grudging.model.parameters import stage_parameters
from grudging.options import plan_option
from grudging.scenario import load_scenario
from grudging.scenario.schema import Scenario

DATA = Path(__file__).resolve().parents[1] / "data"
REPLICATIONS = 8
COUNTS = ("deaths", "displaced", "refugees", "troop_deaths", "attacks")
NUMBERS = (*COUNTS, "foreign_troops", "patron_troops", "cost_patron", "cost_others", "safe_haven")
#: Relative slack for sums of non-integer floats (displaced people, troops) added in another order.
ROUNDING = 1e-9


@cache
def _world() -> tuple[Scenario, dict[str, DynamicsInputs], dict[str, tuple[float, float]]]:
    """The toy scenario, its options planned once, and the dynamics parameters' declared ranges.

    The toy declares few parameters: the others (and their ranges) come from the built-in
    scenario, which declares every stage's.
    """
    reference = load_scenario("iraq-2007")
    tiny = load_scenario(DATA / "tiny.yaml")
    values = {**reference.parameter_values(), **tiny.parameter_values()}
    plans = {o.id: plan_option(tiny, o.id, values, 1).inputs for o in tiny.options}
    declared = {p.name: p for p in reference.parameters} | {p.name: p for p in tiny.parameters}
    ranges = {
        f.name: (
            float(declared[f"dynamics.{f.name}"].low),
            float(declared[f"dynamics.{f.name}"].high),
        )
        for f in dataclasses.fields(DynamicsParams)
    }
    return tiny, plans, ranges


@st.composite
def cases(draw: Any) -> tuple[DynamicsInputs, DynamicsParams, int]:
    """A random theatre, forces and parameters built from the toy scenario."""
    tiny, plans, ranges = _world()
    inputs = plans[draw(st.sampled_from(sorted(plans)))]
    th = inputs.theatre
    n, n_factions = th.n_regions, len(th.faction_fighters)
    population = np.array([draw(st.integers(1, 10**8)) for _ in range(n)], dtype=float)
    fighters = np.array(
        [draw(st.sampled_from([0, 1, 10**15]) | st.integers(0, 10**15)) for _ in range(n_factions)],
        dtype=float,
    )
    host = np.array([draw(st.integers(0, 10**6)) for _ in range(n)], dtype=float)
    # As the theatre is built: the same recorded deaths over the new population, each faction's
    # fighters spread over its home regions, its hostility making the insurgents.
    hostility = np.array([f.hostility_to_foreign_forces for f in tiny.factions])
    weight = th.faction_home * fighters[:, None]
    totals = weight.sum(axis=0, keepdims=True)
    theatre = dataclasses.replace(
        th,
        population=population,
        initial_rate=th.initial_rate * th.population / population,
        host_troops=host,
        faction_fighters=fighters,
        faction_share=np.divide(weight, totals, out=np.zeros_like(weight), where=totals > 0),
        insurgents=(weight * hostility[:, None]).sum(axis=0),
    )
    units = tuple(
        dataclasses.replace(
            u, troops=u.troops * draw(st.sampled_from([0.0, 1e-4, 1.0, 1e3]) | st.floats(0, 1e3))
        )
        for u in inputs.units
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    size = REPLICATIONS if draw(st.booleans()) else None
    values = {}
    for name, (low, high) in ranges.items():
        # An end of the range a third of the time each, else inside it.
        pick = rng.integers(0, 3, size=size)
        values[f"dynamics.{name}"] = np.where(
            pick == 0, low, np.where(pick == 1, high, rng.uniform(low, high, size=size))
        )
    params = stage_parameters(DynamicsParams, values, "dynamics")
    seed = draw(st.integers(0, 2**31))
    return dataclasses.replace(inputs, theatre=theatre, units=units), params, seed


def _check_bounds(inputs: DynamicsInputs, params: DynamicsParams, r: Trajectories) -> None:
    th = inputs.theatre
    pop = th.population
    for name in NUMBERS:
        values = np.asarray(getattr(r, name), dtype=float)
        assert np.isfinite(values).all(), name
        assert (values >= 0).all(), name
    assert ((r.safe_haven >= 0) & (r.safe_haven <= 1)).all()
    assert (r.handed_over >= -1).all()
    # Civilian deaths: whole people, never more than lived in the region (exactly).
    deaths = r.deaths.astype(float)
    assert (deaths == np.floor(deaths)).all()
    assert (deaths.sum(axis=2) <= pop[None, :]).all()
    assert (scalar_outcomes(r)["civilian_deaths"] <= pop.sum()).all()
    # The displaced are survivors who lived there; refugees are displaced people.
    gone = deaths.sum(axis=(1, 2)) + r.displaced.sum(axis=1)
    assert (gone <= pop.sum() * (1 + ROUNDING)).all()
    assert (r.refugees <= r.displaced).all()
    # A unit loses at most the (whole) troops it has in theatre each month.
    planned = np.array(
        [np.floor(u.troops[:, : inputs.months].sum(axis=0)).sum() for u in inputs.units]
    )
    assert (r.troop_deaths <= planned[None, :]).all()
    present = (r.foreign_troops + r.patron_troops).sum(axis=1)
    assert (r.troop_deaths.sum(axis=1) <= present * (1 + ROUNDING)).all()
    # Fighters are inhabitants: attacks are at most attacks_per_fighter per inhabitant.
    tempo = np.broadcast_to(np.asarray(params.attacks_per_fighter, dtype=float), (len(r.attacks),))
    assert (r.attacks <= (tempo * pop.sum() * (1 + ROUNDING))[:, None]).all()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_dynamics_outputs_are_physically_possible(
    case: tuple[DynamicsInputs, DynamicsParams, int],
) -> None:
    inputs, params, seed = case
    _check_bounds(inputs, params, simulate(inputs, params, REPLICATIONS, seed=seed))


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_dynamics_outputs_are_physically_possible_exhaustive(
    case: tuple[DynamicsInputs, DynamicsParams, int],
) -> None:
    """The same bounds over many more theatres, and the same numbers for the same seed."""
    inputs, params, seed = case
    first = simulate(inputs, params, REPLICATIONS, seed=seed)
    _check_bounds(inputs, params, first)
    again = simulate(inputs, params, REPLICATIONS, seed=seed)
    for field in dataclasses.fields(first):
        assert np.array_equal(getattr(first, field.name), getattr(again, field.name))

"""Physical bounds of the dynamics (issue 14), on the synthetic theatre.

A region of one inhabitant once made a country lose more people than it had, and a faction of
10**15 fighters killed trillions of troops. The random theatres of
``tests/properties/test_dynamics_bounds.py`` cover the bounds broadly; these pin the reported cases.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from toy import theatre, unit

from grudging.model.dynamics import DynamicsInputs, DynamicsParams, simulate

T = 36


def test_a_region_of_one_inhabitant_loses_at_most_one(params: DynamicsParams) -> None:
    """100 deaths recorded among 1 inhabitant: at most that one dies, and the impossible rate
    does not spill into the neighbours as impossible violence."""
    th = theatre(rate=10.0)
    th = dataclasses.replace(
        th,
        population=np.array([1.0, 1e6, 1e6]),
        initial_rate=np.array([100 * 1e5, 10.0, 10.0]),
    )
    r = simulate(DynamicsInputs(theatre=th, units=(unit(30000, T),), months=T), params, 200, 1)
    by_region = r.deaths.astype(float).sum(axis=2)
    assert (by_region <= th.population).all()
    assert by_region[:, 0].max() <= 1.0
    assert (r.deaths.astype(float).sum(axis=(1, 2)) <= th.population.sum()).all()


def test_troop_deaths_never_exceed_the_troops_present(params: DynamicsParams) -> None:
    th = dataclasses.replace(theatre(rate=10.0), insurgents=np.full(3, 1e15))
    r = simulate(DynamicsInputs(theatre=th, units=(unit(3000, T),), months=T), params, 100, 2)
    present = (r.foreign_troops + r.patron_troops).sum(axis=1)
    assert (r.troop_deaths.sum(axis=1) <= present).all()
    # Fighters are inhabitants: at most attacks_per_fighter attacks per inhabitant a month.
    assert (r.attacks <= params.attacks_per_fighter * th.population.sum()).all()


def test_no_more_are_displaced_than_live_there(params: DynamicsParams) -> None:
    """Displacement far above its declared range would move more people in a month than live in
    a violent mixed region; it stops at those there, and refugees are some of the displaced.
    (Within the range, a region sorts before it empties: un-mixing limits displacement.)"""
    p = dataclasses.replace(params, displaced_per_death=1e5, refugee_share=0.7)
    th = theatre(rate=90.0, mixed=0.5)
    r = simulate(DynamicsInputs(theatre=th, units=(), months=T), p, 100, 3)
    gone = r.deaths.astype(float).sum(axis=(1, 2)) + r.displaced.sum(axis=1)
    assert (gone <= th.population.sum() * (1 + 1e-12)).all()
    assert gone.max() > 0.5 * th.population.sum()  # the bound binds in this case
    assert (r.refugees <= r.displaced).all()


def test_deaths_beyond_float32_precision_are_stored_rounded_down(params: DynamicsParams) -> None:
    """Deaths are stored in float32: counts above 2**24 are rounded down, never up past a bound."""
    th = dataclasses.replace(
        theatre(rate=10.0),
        population=np.full(3, 99_999_999.0),
        initial_rate=np.full(3, 60_000.0),
    )
    r = simulate(DynamicsInputs(theatre=th, units=(), months=6), params, 20, 4)
    deaths = r.deaths.astype(float)
    assert deaths.max() > 2**24
    assert (deaths.sum(axis=2) <= th.population).all()


def test_attacks_on_forces_need_targets(params: DynamicsParams) -> None:
    """A thin force against a million fighters a region takes at most ``max_attacks_per_troop``
    attacks a month per salient troop, not the region's whole tempo
    (docs/design-notes/attack-ceiling.md)."""
    th = dataclasses.replace(theatre(rate=10.0), insurgents=np.full(3, 1e6))
    r = simulate(DynamicsInputs(theatre=th, units=(unit(3000, T),), months=T), params, 100, 5)
    targets = params.salience_patron * r.patron_troops + params.salience_host * th.host_troops.sum()
    assert (r.attacks <= params.max_attacks_per_troop * targets * (1 + 1e-12)).all()
    assert r.attacks.min() > 0.5 * params.max_attacks_per_troop * targets.min()  # it binds here
    # Each troop meets at most the ceiling times its lethality in expectation: 3,000 troops over
    # 36 months at 0.02 deaths an attack and 0.13 attacks a month are about 280 deaths, not the
    # 540,000 that half a million attacks a month would make.
    assert np.median(r.troop_deaths.sum(axis=1)) < 2 * 0.02 * 0.1259 * 3000 * T


def test_a_region_without_forces_has_no_attacks_on_forces(params: DynamicsParams) -> None:
    th = dataclasses.replace(theatre(rate=10.0), host_troops=np.zeros(3))
    r = simulate(DynamicsInputs(theatre=th, units=(), months=12), params, 20, 6)
    assert (r.attacks == 0).all()

"""Properties of the violence dynamics on a synthetic theatre."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from toy import theatre, unit

from grudging.model.dynamics import (
    DynamicsInputs,
    DynamicsParams,
    SettlementPlan,
    simulate,
    suppression,
)

T = 36


def _run(inputs: DynamicsInputs, p: DynamicsParams, reps: int = 400, seed: int = 7):  # type: ignore[no-untyped-def]
    return simulate(inputs, p, reps, seed=seed)


def test_same_seed_same_numbers_and_different_seeds_differ(params: DynamicsParams) -> None:
    inputs = DynamicsInputs(theatre=theatre(), units=(unit(30000, T),), months=T)
    a, b = _run(inputs, params, 50, seed=3), _run(inputs, params, 50, seed=3)
    c = _run(inputs, params, 50, seed=4)
    for field in ("deaths", "troop_deaths", "displaced", "civil_war"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.deaths, c.deaths)


def test_first_replications_do_not_depend_on_how_many_are_run(params: DynamicsParams) -> None:
    """Common random numbers: option differences are not noise (the same streams everywhere)."""
    stay = DynamicsInputs(theatre=theatre(), units=(unit(30000, T),), months=T)
    more = dataclasses.replace(stay, units=(unit(60000, T),))
    a, b = _run(stay, params, 20), _run(more, params, 20)
    # The gamma multipliers are shared: month-0 death counts move together across the options.
    corr = np.corrcoef(a.deaths[:, :, 0].ravel(), b.deaths[:, :, 0].ravel())[0, 1]
    assert corr > 0.8


def test_suppression_is_monotone_and_halves_at_half_coverage() -> None:
    c = np.linspace(0, 3, 301)
    s = suppression(c, half=0.4, hill=1.7)
    assert np.all(np.diff(s) <= 0)
    assert suppression(np.array([0.4]), 0.4, 1.7)[0] == pytest.approx(0.5)
    assert s[0] == 1.0


def test_more_suppression_never_raises_expected_violence(params: DynamicsParams) -> None:
    totals = []
    for troops in (0, 10000, 30000, 60000, 120000):
        units = (unit(troops, T, pk_skill=1.0),) if troops else ()
        # Same information-date force everywhere so the background rate is the same; the force
        # then changes from month 1 on.
        base = unit(30000, T)
        sched = np.concatenate([base.troops[:, :1], np.full((3, T - 1), troops / 3)], axis=1)
        units = (dataclasses.replace(base, troops=sched),)
        r = _run(DynamicsInputs(theatre=theatre(rate=15), units=units, months=T), params, 300)
        totals.append(r.deaths.sum(axis=(1, 2)).mean())
    assert all(b <= a * 1.02 for a, b in itertools.pairwise(totals)), totals
    assert totals[-1] < 0.6 * totals[0]


def test_no_force_and_no_deal_can_tip_into_civil_war(params: DynamicsParams) -> None:
    base = unit(60000, T)
    gone = dataclasses.replace(
        base, troops=np.concatenate([base.troops[:, :1], np.zeros((3, T - 1))], axis=1)
    )
    r = _run(DynamicsInputs(theatre=theatre(rate=35), units=(gone,), months=T), params, 400)
    assert r.civil_war.any(axis=1).mean() > 0.2


def test_large_impartial_skilled_force_with_a_deal_does_not_stay_in_civil_war(
    params: DynamicsParams,
) -> None:
    """Starting deep in the civil-war regime, a big skilled low-salience force plus a deal gets out."""
    th = theatre(rate=90)
    small = unit(5000, T)
    big = unit(200000, T, kind="coalition", command="nato", pk_skill=1.0, erodes=False)
    sched = np.concatenate([small.troops[:, :3], big.troops[:, 3:]], axis=1)
    force = dataclasses.replace(big, troops=sched)
    deal = SettlementPlan(
        month=3,
        p_forms=1.0,
        p_sign=np.array([1.0, 1.0, 0.0]),
        p_holds=0.95,
        commitment_months=48,
        guarantor=np.array([True]),
    )
    r = _run(DynamicsInputs(theatre=th, units=(force,), months=T, settlement=deal), params, 300)
    assert r.civil_war[:, 0].mean() == 1.0  # it starts in civil war
    assert r.civil_war[:, -6:].any(axis=1).mean() < 0.05  # and does not stay there


def test_higher_target_salience_raises_attacks_on_that_force(params: DynamicsParams) -> None:
    th = theatre(rate=10)
    nato = unit(20000, T, kind="coalition", command="nato", erodes=False)
    low = _run(
        DynamicsInputs(theatre=th, units=(nato,), months=T),
        dataclasses.replace(params, salience_nato=0.2),
        400,
    )
    high = _run(
        DynamicsInputs(theatre=th, units=(nato,), months=T),
        dataclasses.replace(params, salience_nato=0.9),
        400,
    )
    # Attacks are shared among targets by salient presence: the force's share goes from
    # 0.2*s/(0.2*s + h) to 0.9*s/(0.9*s + h) with s its troops per region and h the host's
    # salient troops (0.5 x 2,000), a ratio of 1.5 when total attacks stay the same.
    s, h = 20000 / 3, params.salience_host * 2000
    expected = (0.9 * s / (0.9 * s + h)) / (0.2 * s / (0.2 * s + h))
    ratio = high.troop_deaths.mean() / low.troop_deaths.mean()
    assert ratio == pytest.approx(expected, rel=0.08)


def test_displacement_lowers_mixedness_and_then_violence(params: DynamicsParams) -> None:
    """Un-mixing: with displacement, later violence is lower than with none."""
    th = theatre(rate=20, mixed=0.3)
    inputs = DynamicsInputs(theatre=th, units=(unit(30000, T),), months=T)
    with_disp = _run(inputs, params, 300)
    without = _run(inputs, dataclasses.replace(params, displaced_per_death=0.0), 300)
    assert with_disp.displaced.sum() > 0
    assert without.displaced.sum() == 0
    late = slice(T - 12, T)
    assert with_disp.deaths[:, :, late].mean() < without.deaths[:, :, late].mean()


def test_contingents_leave_when_support_falls_below_threshold(params: DynamicsParams) -> None:
    th = theatre(rate=10)
    lead = unit(6000, T, kind="contingent", command="us", name="lead", nation="AAA")
    follower = dataclasses.replace(lead, name="follower", nation="BBB", lead=0)
    stay = DynamicsInputs(theatre=th, units=(lead, follower), months=T)
    fragile = dataclasses.replace(params, leave_threshold=0.99, support_drift=0.05)
    robust = dataclasses.replace(params, leave_threshold=-1e9)
    gone = _run(stay, fragile, 200)
    kept = _run(stay, robust, 200)
    assert gone.foreign_troops[:, -1].mean() < 0.2 * gone.foreign_troops[:, 0].mean()
    np.testing.assert_allclose(kept.foreign_troops[:, -1], kept.foreign_troops[:, 0])


def test_followers_leave_with_their_lead(params: DynamicsParams) -> None:
    """A follower under no fire leaves in the month its lead nation leaves (Spain and Plus Ultra)."""
    th = dataclasses.replace(theatre(rate=10), insurgents=np.array([3000.0, 0.0, 0.0]))
    lead_troops = np.zeros((3, T))
    lead_troops[0] = 3000.0
    follower_troops = np.zeros((3, T))
    follower_troops[2] = 1000.0
    lead = unit(0, T, kind="contingent", name="lead", nation="AAA")
    lead = dataclasses.replace(lead, troops=lead_troops)
    follower = dataclasses.replace(
        lead, name="follower", nation="BBB", lead=0, troops=follower_troops
    )
    p = dataclasses.replace(
        params, support_drift=0.0, support_casualty_sensitivity=0.2, leave_threshold=0.6
    )
    alone = simulate(DynamicsInputs(theatre=th, units=(follower,), months=T), p, 100, seed=1)
    assert (alone.foreign_troops[:, -1] == 1000.0).all()  # on its own it never leaves
    both = simulate(DynamicsInputs(theatre=th, units=(lead, follower), months=T), p, 100, seed=1)
    lead_left = both.foreign_troops < 4000.0  # the lead is gone
    assert lead_left[:, -1].mean() > 0.9
    # the follower's 1,000 are gone the same month: never 1,000 troops left alone
    assert not np.any(both.foreign_troops == 1000.0)


def test_parameters_may_vary_by_replication(params: DynamicsParams) -> None:
    """A column of values runs each replication under its own draw, as separate runs would."""
    inputs = DynamicsInputs(theatre=theatre(rate=15), units=(unit(30000, T),), months=T)
    values = np.array([0.2, 0.5, 0.8])
    mixed = simulate(inputs, dataclasses.replace(params, presence_driven_share=values), 3, seed=5)
    for i, v in enumerate(values):
        alone = simulate(
            inputs, dataclasses.replace(params, presence_driven_share=float(v)), 3, seed=5
        )
        np.testing.assert_array_equal(mixed.deaths[i], alone.deaths[i])
    with pytest.raises(ValueError, match="2 values for 3 replications"):
        simulate(inputs, dataclasses.replace(params, presence_driven_share=values[:2]), 3, seed=5)

"""Issue 15's mechanisms on the synthetic theatre: host forces that change, realignment (the
signed share shared with partial settlements), spoiler attrition and a handover that can fire.

Every test compares runs that share their random numbers (same seed and block), so a difference
is the mechanism's, not noise.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from toy import nominal_params, theatre, unit

from grudging.model.dynamics import DynamicsInputs, HandoverPlan, SettlementPlan, simulate
from grudging.scenario.commands import handover_traits, shared_command

T = 36
R = 200


def _inputs(**kw) -> DynamicsInputs:  # type: ignore[no-untyped-def]
    th = kw.pop("th", theatre(rate=15))
    return DynamicsInputs(theatre=th, units=kw.pop("units", (unit(30000, T),)), months=T, **kw)


def test_nothing_changes_nothing_moves() -> None:
    """At the information date's conditions the realigned share starts at its fixed point and the
    spoiler at its strength then: with forces constant and no payments, the first month's
    realigned share equals the information-date share within 1 %."""
    r = simulate(_inputs(), nominal_params(), R, seed=1)
    assert r.realigned is not None
    assert r.spoiler_strength is not None
    assert np.allclose(r.realigned[:, 0], r.realigned[0, 0], rtol=1e-9)
    assert np.all(np.abs(r.spoiler_strength[:, 0] - 1.0) < 0.05)


def test_payments_realign_fighters_and_lower_violence() -> None:
    """US$300 a fighter a month raises the realigned share and lowers deaths (common random
    numbers); and the patron pays for it."""
    p = nominal_params()
    base = simulate(_inputs(), p, R, seed=2)
    pay = np.zeros((3, T))
    pay[:2, 3:] = 300.0  # the two non-spoiler factions
    paid = simulate(_inputs(payments=pay), p, R, seed=2)
    assert np.median(paid.realigned[:, -1]) > np.median(base.realigned[:, -1]) + 0.05
    assert paid.deaths.sum() < base.deaths.sum()
    assert np.all(paid.cost_patron > base.cost_patron)


def test_realignment_holds_as_a_deal_and_erodes_at_its_collapse_hazard() -> None:
    """Realignment is a deal, not a mood: once payments stop the fighters held only by it leave
    as it collapses. With the collapse hazard at zero the share never falls from its peak; at the
    fitted hazard (at most 0.94 % a month here) it falls, but keeps more than half of its gain
    over 21 months ((1 - 0.0094) ** 21 = 0.82 of the excess over its target)."""
    pay = np.zeros((3, T))
    pay[:2, 3:15] = 300.0
    p = nominal_params()
    r = simulate(_inputs(payments=pay), p, R, seed=3)
    peak, end = np.median(r.realigned[:, 14]), np.median(r.realigned[:, -1])
    start = np.median(r.realigned[:, 0])
    assert start < end < peak
    assert end - start > 0.5 * (peak - start)
    held = simulate(_inputs(payments=pay), replace(p, onset_base_hazard=0.0), R, seed=3)
    assert np.all(np.diff(held.realigned[:, 14:], axis=1) >= -1e-12)


def test_protection_leaving_reverses_realignment() -> None:
    """A force that leaves takes its protection: the realigned share falls below where it
    started (the withdrawal's realignment cost)."""
    gone = unit(30000, T)
    gone = replace(gone, troops=gone.troops * (np.arange(T) < 6)[None, :])
    r = simulate(_inputs(units=(gone,)), nominal_params(), R, seed=4)
    assert np.median(r.realigned[:, -1]) < np.median(r.realigned[:, 0]) - 0.02


def test_settlement_sets_its_signatories_share() -> None:
    """A deal signed by one faction (a partial settlement) holds that faction's share at its
    demobilised floor; the same mechanism as realignment, so the non-signatory moves only with the
    drivers."""
    p = replace(nominal_params(), demobilisation_months=1.0)
    deal = SettlementPlan(
        month=2,
        p_forms=1.0,
        p_sign=np.array([1.0, 0.0, 0.0]),
        p_holds=1.0,
        commitment_months=48,
        guarantor=np.array([True]),
    )
    r = simulate(_inputs(settlement=deal), p, R, seed=5)
    none = simulate(_inputs(), p, R, seed=5)
    # Faction 0 has 5,000 of the 8,000 non-spoiler fighters: fully signed, the share is >= 5/8.
    assert np.all(r.realigned[:, 10] >= 5 / 8 - 1e-9)
    assert r.deaths[:, :, 10:].sum() < none.deaths[:, :, 10:].sum()


def test_a_collapsed_settlement_sends_its_signatories_back_at_once() -> None:
    """Realignment holds while its deal holds: where the settlement a faction signed has
    collapsed, the fighters it held have returned (the holding applies to deals that still
    stand), so the share is back where the same run without a deal has it; where it holds, the
    signatory stays stood down."""
    p = replace(nominal_params(), demobilisation_months=1.0)
    deal = SettlementPlan(
        month=2,
        p_forms=1.0,
        p_sign=np.array([1.0, 0.0, 0.0]),
        p_holds=0.5,  # over 12 months: about half the replications see it collapse
        commitment_months=12,
        guarantor=np.array([True]),
    )
    r = simulate(_inputs(settlement=deal), p, R, seed=5)
    none = simulate(_inputs(), p, R, seed=5)
    gone, held = ~r.settlement_holds, r.settlement_holds
    assert 0 < gone.sum() < R
    assert np.all(r.realigned[held, -1] >= 5 / 8 - 1e-9)
    back = np.abs(r.realigned[gone, -1] - none.realigned[gone, -1])
    assert np.median(back) < 0.01


def test_targeting_wears_the_spoiler_down() -> None:
    """More coverage than at the information date wears the spoiler down; without attrition it
    only grows or holds."""
    surge = unit(30000, T)
    surge = replace(surge, troops=surge.troops * np.where(np.arange(T) < 3, 1.0, 3.0)[None, :])
    p = nominal_params()
    worn = simulate(_inputs(units=(surge,)), p, R, seed=6)
    assert np.median(worn.spoiler_strength[:, -1]) < 0.9
    flat = simulate(_inputs(units=(surge,)), replace(p, spoiler_attrition=0.0), R, seed=6)
    assert np.all(flat.spoiler_strength == 1.0)


def test_spoiler_never_exceeds_its_cap() -> None:
    """Whatever happens, the spoiler stays within ``spoiler_max_ratio`` of its strength."""
    p = replace(nominal_params(), spoiler_max_ratio=1.2, spoiler_attrition=0.3)
    r = simulate(_inputs(units=()), p, R, seed=7)
    assert r.spoiler_strength.max() <= 1.2 + 1e-12


def test_growing_host_forces_lower_violence_and_make_up_matters() -> None:
    """Host forces that triple lower deaths. The make-up moves protection between regions: where
    the growing force is the region's own (overlap 1) and elsewhere it is not (overlap 0), that
    region is safer than when the force matches every region alike."""
    th = theatre(rate=15)
    grow = np.repeat(th.host_troops[:, None], T, axis=1) * np.where(np.arange(T) < 3, 1.0, 3.0)
    p = replace(nominal_params(), host_sectarian_penalty=0.8)
    flat = simulate(_inputs(th=th), p, R, seed=8)
    alike = simulate(_inputs(th=replace(th, host_schedule=grow)), p, R, seed=8)
    assert alike.deaths.sum() < flat.deaths.sum()
    own_only = np.zeros((th.n_regions, T))
    own_only[0] = 1.0
    skewed = simulate(
        _inputs(th=replace(th, host_schedule=grow, host_overlap=own_only)), p, R, seed=8
    )
    assert skewed.deaths[:, 0, 6:].sum() < alike.deaths[:, 0, 6:].sum()
    assert skewed.deaths[:, 2, 6:].sum() > alike.deaths[:, 2, 6:].sum()


def test_relative_handover_fires_and_absolute_never() -> None:
    """A rule relative to the start (below twice the information-date rate: always calm) hands
    over at ``earliest_month``; an absolute rule far below the violence never fires."""
    nato = unit(30000, T, kind="coalition", command="nato", handover_eligible=True)

    def rule(**kw) -> HandoverPlan:  # type: ignore[no-untyped-def]
        return HandoverPlan(
            **handover_traits(shared_command("un")),
            earliest_month=12,
            below_rate=0.001,
            sustained_months=3,
            force_retained=0.6,
            **kw,
        )

    never = simulate(_inputs(units=(nato,), handover=rule()), nominal_params(), R, seed=9)
    assert np.all(never.handed_over == -1)
    assert never.handover_rule
    fires = simulate(
        _inputs(units=(nato,), handover=rule(below_share_of_start=2.0)), nominal_params(), R, 9
    )
    # Calm from month 0 (rates stay near the start), so the rule fires at its earliest month.
    assert np.mean(fires.handed_over == 12) > 0.9
    # Per region: with no share of the population required, every month is calm.
    per_region = simulate(
        _inputs(units=(nato,), handover=rule(per_region_share=0.0)), nominal_params(), R, 9
    )
    assert np.all(per_region.handed_over == 12)


def test_a_rule_that_never_fires_is_reported(caplog) -> None:  # type: ignore[no-untyped-def]
    """P(handover) is an outcome (0 here), and a run whose rule never fired says so."""
    from grudging.model.outcomes import outcome_rows, scalar_outcomes

    nato = unit(30000, 12, kind="coalition", command="nato", handover_eligible=True)
    rule = HandoverPlan(
        **handover_traits(shared_command("un")),
        earliest_month=3,
        below_rate=0.001,
        sustained_months=3,
        force_retained=0.6,
    )
    inputs = DynamicsInputs(theatre=theatre(rate=15), units=(nato,), months=12, handover=rule)
    traj = simulate(inputs, nominal_params(), 20, seed=10)
    assert np.all(scalar_outcomes(traj)["handover"] == 0.0)
    with caplog.at_level("WARNING", logger="grudging.model"):
        outcome_rows(traj, "then_un", ("r0", "r1", "r2"))
    assert "option 'then_un': its handover rule never fired in any of 20 replications" in (
        caplog.text
    )

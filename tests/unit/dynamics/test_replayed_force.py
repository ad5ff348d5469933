"""A replayed (historical) force follows the record while its run's settlement holds, and erodes
like a generated coalition once that settlement has collapsed, its patron included
(docs/design-notes/dynamics.md, "A historical force once its deal has collapsed" and "The patron
of a replayed force, too")."""

from __future__ import annotations

import numpy as np
from toy import nominal_params, theatre, unit

from grudging.model.dynamics import DynamicsInputs, SettlementPlan, simulate

T = 36
R = 200
TROOPS = 9000.0
PATRON = 3000.0


def _run(p_holds: float | None, erosion: bool = False):  # type: ignore[no-untyped-def]
    units = (
        unit(TROOPS, T, kind="coalition", command="nato", name="contingent", nation="AAA"),
        unit(PATRON, T, kind="patron", command="us", name="patron"),
    )
    deal = (
        None
        if p_holds is None
        else SettlementPlan(
            month=0,
            p_forms=1.0,
            p_sign=np.ones(3),
            p_holds=p_holds,
            commitment_months=6,
            guarantor=np.array([True, True]),
        )
    )
    inputs = DynamicsInputs(
        theatre=theatre(rate=40), units=units, months=T, settlement=deal, erosion=erosion
    )
    return simulate(inputs, nominal_params(), R, seed=7)


def test_while_the_deal_holds_the_record_is_replayed() -> None:
    r = _run(p_holds=1.0)
    assert r.settlement_formed.any()
    assert np.all(r.foreign_troops[r.settlement_holds] == TROOPS)


def test_without_a_settlement_the_record_is_replayed() -> None:
    assert np.all(_run(p_holds=None).foreign_troops == TROOPS)


def test_after_a_collapse_contingents_and_the_patron_may_leave() -> None:
    r = _run(p_holds=0.0)
    broken = r.settlement_formed & ~r.settlement_holds
    assert broken.sum() > R // 2
    assert np.all(r.foreign_troops[~broken] == TROOPS)
    assert np.all(r.patron_troops[~broken] == PATRON)
    assert (r.foreign_troops[broken, -1] < TROOPS).any()
    assert (r.patron_troops[broken, -1] < PATRON).any()


def test_a_generated_coalition_erodes_whatever_the_deal_and_its_patron_stays() -> None:
    """With erosion on (a generated coalition) the walk runs in holding runs too; the patron of
    an option that is not a replay never leaves (its presence is the option's choice)."""
    for p_holds in (1.0, 0.0):
        r = _run(p_holds=p_holds, erosion=True)
        assert (r.foreign_troops[:, -1] < TROOPS).any()
        assert np.all(r.patron_troops == PATRON)

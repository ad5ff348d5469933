"""A resumed war breaks the local deals where it starts (docs/design-notes/resumed-war.md): the
factions a local deal stood down there return to the fight; a settlement, national, is left to
its own hazard."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from toy import theatre, unit

from grudging.model.dynamics import DynamicsInputs, DynamicsParams, SettlementPlan, simulate

T = 6
REPS = 300
# A hazard so high that every calm region starts a war in the first month (probability 1 - e^-h).
CERTAIN = 1e4


def _calm(params: DynamicsParams, hazard: float, **inputs) -> object:  # type: ignore[no-untyped-def]
    """Three calm regions with no spoiler, every faction stood down by an agreement at month 0."""
    deals = ((0, 0, 1.0), (1, 0, 1.0), (2, 0, 1.0))
    p = replace(params, onset_base_hazard=hazard)
    return simulate(
        DynamicsInputs(
            theatre=theatre(rate=0.05, spoilers=False),
            units=(unit(3000, T, kind="contingent", command="un"),),
            months=T,
            deals=deals,
            **inputs,
        ),
        p,
        REPS,
        seed=11,
    )


def test_an_agreement_holds_while_the_peace_does(params: DynamicsParams) -> None:
    """No onset: the agreement's floor holds every faction stood down, and nobody attacks."""
    out = _calm(params, 0.0)
    assert np.all(out.realigned == 1.0)  # type: ignore[attr-defined]
    assert np.all(out.troop_deaths == 0)  # type: ignore[attr-defined]


def test_a_resumed_war_returns_the_factions_to_the_fight(params: DynamicsParams) -> None:
    """Every region starts a war in month 0; from month 1 the deals there are broken: the shares
    fall to the realignment's target and the floor no longer holds them."""
    calm = _calm(params, 0.0)
    war = _calm(params, CERTAIN)
    assert np.all(war.realigned[:, 0] == 1.0)  # type: ignore[attr-defined]
    assert np.all(war.realigned[:, 1:] < 1.0)  # type: ignore[attr-defined]
    # the violence the factions had removed comes back, and they attack the force
    assert war.deaths.sum() > calm.deaths.sum()  # type: ignore[attr-defined]
    assert war.troop_deaths.sum() > 0  # type: ignore[attr-defined]


def test_a_settlement_is_left_to_its_own_hazard(params: DynamicsParams) -> None:
    """A settlement is national: a regional onset does not collapse it, and its signatories keep
    their demobilised share there (the first round of the design collapsed it, and Bosnia's
    settlement with it, in about half the runs: docs/design-notes/resumed-war.md)."""
    deal = SettlementPlan(
        month=0,
        p_forms=1.0,
        p_sign=np.array([1.0, 1.0, 1.0]),
        p_holds=1.0,
        commitment_months=T,
        guarantor=np.array([True]),
        quorum=1.0,
        in_force=True,
    )
    calm = _calm(params, 0.0, settlement=deal)
    war = _calm(params, CERTAIN, settlement=deal)
    np.testing.assert_array_equal(war.settlement_holds, calm.settlement_holds)  # type: ignore[attr-defined]
    assert war.settlement_holds.all()  # type: ignore[attr-defined]
    assert np.all(war.realigned == 1.0)  # type: ignore[attr-defined]


def test_the_break_moves_nothing_where_no_onset_comes(params: DynamicsParams) -> None:
    """The rule draws no random number: a run whose onset hazard is zero is the run of the model
    without the rule (the same deaths as a hazard too small to ever fire)."""
    zero = _calm(params, 0.0)
    tiny = _calm(params, 1e-300)
    np.testing.assert_array_equal(zero.deaths, tiny.deaths)  # type: ignore[attr-defined]

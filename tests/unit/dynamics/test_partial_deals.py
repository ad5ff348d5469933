"""Partial deals in the dynamics: each faction signs on its own uniform and the deal forms when the
signatories hold the quorum of the non-spoilers' capability (docs/design-notes/partial-deals.md)."""

from __future__ import annotations

import numpy as np
import pytest
from toy import theatre, unit

from grudging.model.dynamics import DynamicsInputs, DynamicsParams, SettlementPlan, simulate

T = 3
REPS = 2000
# The toy theatre: factions a and b may sign, c is a spoiler (never signs).
CAPABILITY = np.array([0.6, 0.4, 0.5])


def _formed(params: DynamicsParams, p_sign: list[float], quorum: float, seed: int = 5):  # type: ignore[no-untyped-def]
    deal = SettlementPlan(
        month=0,
        p_forms=0.0,  # reported only: formation is the quorum's
        p_sign=np.array(p_sign),
        p_holds=1.0,
        commitment_months=12,
        guarantor=np.array([True]),
        capability=CAPABILITY,
        quorum=quorum,
    )
    inputs = DynamicsInputs(theatre=theatre(), units=(unit(20000, T),), months=T, settlement=deal)
    return simulate(inputs, params, REPS, seed=seed).settlement_formed


def test_quorum_zero_is_independent_signing(params: DynamicsParams) -> None:
    """At quorum 0 any signatory forms a deal with itself: P = 1 - (1 - p_a)(1 - p_b)."""
    formed = _formed(params, [0.3, 0.4, 1.0], 0.0)
    expected = 1.0 - 0.7 * 0.6
    assert formed.mean() == pytest.approx(expected, abs=4 * np.sqrt(expected * 0.42 / REPS))
    alone = _formed(params, [0.3, 0.0, 1.0], 0.0)
    assert alone.mean() == pytest.approx(0.3, abs=4 * np.sqrt(0.3 * 0.7 / REPS))


def test_quorum_one_needs_every_non_spoiler(params: DynamicsParams) -> None:
    """At quorum 1 one holdout stops the deal; the spoiler's refusal does not."""
    assert not _formed(params, [1.0, 0.99, 1.0], 1.0).all()
    assert _formed(params, [1.0, 1.0, 0.0], 1.0).all()
    both = _formed(params, [0.5, 0.6, 1.0], 1.0)
    assert both.mean() == pytest.approx(0.3, abs=4 * np.sqrt(0.3 * 0.7 / REPS))


def test_a_partial_deal_forms_when_its_signatories_hold_the_quorum(params: DynamicsParams) -> None:
    """a alone holds 0.6 of the non-spoilers' capability: it forms a deal at quorum 0.6, not 0.61."""
    assert _formed(params, [1.0, 0.0, 1.0], 0.6).all()
    assert not _formed(params, [1.0, 0.0, 1.0], 0.61).any()
    assert not _formed(params, [0.0, 1.0, 1.0], 0.6).any()  # b holds 0.4


@pytest.mark.parametrize("quorum", [0.0, 0.5, 0.7, 1.0])
def test_a_deal_never_becomes_less_likely_as_a_faction_is_more_willing(
    params: DynamicsParams, quorum: float
) -> None:
    """Common uniforms: raising one faction's P(sign) only adds signatories, replication by
    replication, so every deal that formed still forms."""
    low = _formed(params, [0.3, 0.5, 1.0], quorum)
    for higher in ([0.6, 0.5, 1.0], [0.3, 0.9, 1.0], [0.6, 0.9, 1.0]):
        high = _formed(params, higher, quorum)
        assert np.all(high >= low)

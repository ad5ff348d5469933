"""The formation rule shared by the bargain stage and the dynamics: a quorum of capability."""

from __future__ import annotations

import itertools

import numpy as np

from grudging.model.bargain import BargainParams, BargainProblem, Guarantor, bargain
from grudging.model.formation import quorum_reached
from grudging.rng import make_rng

F = 5
SPOILER = np.array([False, False, True, False, False])
SETS = np.array(list(itertools.product([False, True], repeat=F)))  # every signatory set


def _capabilities() -> np.ndarray:
    return make_rng(11).uniform(0.05, 1.0, size=(20, F))


def test_adding_a_signatory_never_undoes_a_deal() -> None:
    for cap in _capabilities():
        for quorum in (0.0, 0.3, 0.5, 0.75, 0.9, 1.0):
            forms = quorum_reached(SETS, cap, SPOILER, quorum)
            for i in range(F):
                more = SETS.copy()
                more[:, i] = True
                assert np.all(quorum_reached(more, cap, SPOILER, quorum) >= forms)


def test_quorum_zero_is_any_non_spoiler_signing_and_one_is_all() -> None:
    eligible = ~SPOILER
    for cap in _capabilities():
        anyone = (SETS & eligible).any(axis=1)
        everyone = (SETS | SPOILER).all(axis=1)
        np.testing.assert_array_equal(quorum_reached(SETS, cap, SPOILER, 0.0), anyone)
        np.testing.assert_array_equal(quorum_reached(SETS, cap, SPOILER, 1.0), everyone)


def test_the_share_counts_non_spoilers_only() -> None:
    cap = np.array([1.0, 1.0, 8.0, 1.0, 1.0])  # the spoiler's strength is not in the base
    signed = np.array([True, True, True, False, False])
    assert quorum_reached(signed, cap, SPOILER, 0.5)
    assert not quorum_reached(signed, cap, SPOILER, 0.51)


def test_per_draw_quorums_broadcast() -> None:
    cap = np.ones(F)
    signed = np.array([[True, True, False, False, False]] * 3)
    np.testing.assert_array_equal(
        quorum_reached(signed, cap, SPOILER, np.array([0.4, 0.5, 0.6])), [True, True, False]
    )


def test_the_stage_p_deal_never_falls_as_the_quorum_falls(five_factions: BargainProblem) -> None:
    problem = five_factions
    g = Guarantor("nato", 0.3, 0.7, 4.0)
    p_deal = [
        bargain(problem, g, 3000.0, BargainParams(partial_quorum=q), make_rng(3), 300, n_terms=0)
        .outcomes[0]
        .p_deal
        for q in (1.0, 0.75, 0.5, 0.0)
    ]
    assert p_deal == sorted(p_deal)
    assert p_deal[-1] > p_deal[0]

"""Rung 2: the asymmetric Nash bargaining solution."""

from __future__ import annotations

import numpy as np
import pytest

from grudging.model.bargain import nash_bargaining


@pytest.mark.parametrize(
    ("w1", "w2", "d1", "d2"),
    [(1.0, 1.0, 0.1, 0.2), (0.3, 0.7, 0.0, 0.3), (0.5, 0.5, -0.5, 0.1), (0.8, 0.2, 0.25, 0.25)],
)
def test_two_party_linear_utilities_match_the_closed_form(
    w1: float, w2: float, d1: float, d2: float
) -> None:
    """Two parties at the poles of one issue have linear utilities u1 = 1 - x, u2 = x.

    Maximising w1 log(1 - x - d1) + w2 log(x - d2) gives x* = d2 + w2 / (w1 + w2) (1 - d1 - d2):
    each party's gain is its weight's share of the surplus (Nash 1950; Harsanyi & Selten 1972).
    """
    sol = nash_bargaining(
        np.array([[0.0], [100.0]]), np.ones((2, 1)), np.array([d1, d2]), np.array([w1, w2]), 0.0
    )
    surplus = 1.0 - d1 - d2
    assert sol.positions[0] == pytest.approx(100 * (d2 + w2 / (w1 + w2) * surplus), abs=0.01)
    np.testing.assert_allclose(
        sol.gains, [w1 / (w1 + w2) * surplus, w2 / (w1 + w2) * surplus], atol=1e-4
    )
    assert sol.participants.all()
    assert sol.excluded == ()


def test_two_party_transferable_aid_splits_the_surplus_by_weight() -> None:
    """Same ideal point, aid worth 1: gains are the weights' shares of 2 + 1 - d1 - d2."""
    sol = nash_bargaining(
        np.array([[50.0], [50.0]]), np.ones((2, 1)), np.array([0.5, 0.2]), np.array([1.0, 1.0]), 1.0
    )
    np.testing.assert_allclose(sol.gains, [1.15, 1.15], atol=1e-5)
    np.testing.assert_allclose(sol.aid_shares, [0.65, 0.35], atol=1e-5)
    assert sol.positions[0] == pytest.approx(50.0, abs=0.01)


def test_one_dimension_single_peaked_gives_the_weighted_median() -> None:
    """With fighting very costly, log(K + u) ~ log K + u / K: the solution maximises sum w_i u_i.

    With linear (single-peaked, city-block) utilities that is the weighted median of the ideal
    points - here 45, where the cumulative weight first reaches one half.
    """
    pos = np.array([[10.0], [20.0], [45.0], [70.0], [90.0]])
    weights = np.array([0.1, 0.2, 0.3, 0.25, 0.15])
    sol = nash_bargaining(pos, np.ones((5, 1)), np.full(5, -1000.0), weights, 0.0)
    assert sol.positions[0] == pytest.approx(45.0, abs=0.01)


def test_equal_weights_odd_number_gives_the_median() -> None:
    pos = np.array([[5.0], [30.0], [62.0], [80.0], [99.0]])
    sol = nash_bargaining(pos, np.ones((5, 1)), np.full(5, -1000.0), np.ones(5), 0.0)
    assert sol.positions[0] == pytest.approx(62.0, abs=0.01)


def test_a_faction_whose_war_value_exceeds_anything_on_offer_stays_out() -> None:
    """Faction 2 values fighting at 1.5 > 1 + aid (its ideal point plus all the aid)."""
    pos = np.array([[20.0, 30.0], [70.0, 60.0], [50.0, 50.0]])
    sal = np.full((3, 2), 0.5)
    sol = nash_bargaining(pos, sal, np.array([0.1, 0.1, 1.5]), np.ones(3), 0.2)
    assert sol.excluded == (2,)
    assert sol.participants.tolist() == [True, True, False]
    assert sol.aid_shares[2] == 0.0
    assert np.isnan(sol.gains[2])
    assert (sol.gains[:2] > 0).all()


def test_aid_enlarges_the_feasible_set() -> None:
    """Without aid no deal satisfies both; with aid the side payment buys the second party in."""
    pos = np.array([[0.0], [100.0]])
    dis = np.array([0.6, 0.6])  # u1 + u2 = 1 < 1.2 = d1 + d2 without aid
    without = nash_bargaining(pos, np.ones((2, 1)), dis, np.ones(2), 0.0)
    assert without.participants.sum() == 1
    with_aid = nash_bargaining(pos, np.ones((2, 1)), dis, np.ones(2), 0.5)
    assert with_aid.participants.all()
    assert (with_aid.gains > 0).all()


def test_spoilers_are_not_eligible() -> None:
    pos = np.array([[0.0], [100.0], [50.0]])
    sol = nash_bargaining(
        pos, np.ones((3, 1)), np.zeros(3), np.ones(3), 0.0, np.array([True, True, False])
    )
    assert sol.participants.tolist() == [True, True, False]
    assert sol.excluded == ()


def test_random_problem_gains_positive_and_shares_sum_to_one() -> None:
    rng = np.random.default_rng(3)
    pos = rng.uniform(0, 100, (6, 4))
    sal = rng.dirichlet(np.ones(4), 6)
    sol = nash_bargaining(
        pos, sal, rng.uniform(0, 0.3, 6), rng.uniform(0.1, 1, 6), 0.3, rng=np.random.default_rng(0)
    )
    inside = sol.participants
    assert (sol.gains[inside] > 0).all()
    assert sol.aid_shares.sum() == pytest.approx(1.0)
    assert ((sol.positions >= 0) & (sol.positions <= 100)).all()

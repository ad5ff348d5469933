"""Partial deals: which signatory sets form a deal with holdouts, and how often."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from grudging.model.bargain import BargainParams, BargainProblem, Guarantor, bargain
from grudging.rng import make_rng


@pytest.fixture
def problem(five_factions: BargainProblem) -> BargainProblem:
    return five_factions


def test_full_and_partial_deals_add_up_to_the_chance_of_a_deal(problem: BargainProblem) -> None:
    params = BargainParams(strength_nato=0.8, years_nato=6.0)
    guarantors = [Guarantor("none"), Guarantor("nato", 0.8, 0.7, 6.0)]
    result = bargain(problem, guarantors, 4000.0, params, make_rng(3), 400, n_terms=0)
    seen_partial = False
    for o in result.outcomes:
        listed = sum(p for _, p in o.partial_deals)
        assert 0.0 <= o.p_full_deal <= o.p_deal
        assert o.p_full_deal + listed <= o.p_deal + 1e-12
        probabilities = [p for _, p in o.partial_deals]
        assert probabilities == sorted(probabilities, reverse=True)
        for members, p in o.partial_deals:
            assert p > 0
            assert "d" not in members  # a spoiler never signs
            assert set(members) < {"a", "b", "c", "e"}  # someone holds out
            seen_partial = True
        # With fewer sets than the list holds, the list is complete: full + partial = P(deal).
        if o.p_deal > 0 and len(o.partial_deals) < 3:
            assert o.p_full_deal + listed == pytest.approx(o.p_deal, abs=1e-12)
    assert seen_partial, "the example should produce a partial deal"


def test_no_partial_deal_when_everyone_signs_or_no_deal(
    problem_factory: Callable[..., BargainProblem],
) -> None:
    # Two factions that agree on everything: every deal that forms is full.
    same = problem_factory([[50.0], [50.0]])
    result = bargain(same, Guarantor("un", 2.0, 1.0, 20.0), 0.0, BargainParams(), make_rng(1), 100)
    o = result.outcomes[0]
    assert o.partial_deals == ()
    assert o.p_full_deal == o.p_deal
    assert np.isfinite(o.p_full_deal)

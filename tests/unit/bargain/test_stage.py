"""The stage as a whole: the ladder, the Monte Carlo, symmetry and the result tables."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from grudging.errors import ParameterError
from grudging.model.bargain import (
    GUARANTOR_KINDS,
    BargainParams,
    BargainProblem,
    Guarantor,
    bargain,
    default_guarantor,
)
from grudging.rng import make_rng
from grudging.scenario import load_scenario


def _all(params: BargainParams) -> list[Guarantor]:
    return [default_guarantor(k, params) for k in GUARANTOR_KINDS]


def test_tiny_scenario_runs_and_is_deterministic(tiny_path: Path) -> None:
    scn = load_scenario(tiny_path)
    params = BargainParams()
    a = bargain(scn, _all(params), 100.0, params, make_rng(7), 200)
    b = bargain(scn, _all(params), 100.0, params, make_rng(7), 200)
    assert a.to_frame().equals(b.to_frame())
    for o in a.outcomes:
        for p in (o.p_deal, o.p_deal_holds, o.p_deal_compromise_offer, *o.p_sign.values()):
            assert 0.0 <= p <= 1.0
    assert a.spoilers == ("jihadists",)
    for o in a.outcomes:
        assert o.p_sign["jihadists"] == 0.0
        assert "jihadists" not in o.holdouts
        assert all(r.faction != "jihadists" for r in o.remedies)


def test_results_are_tidy_and_json_ready(tiny_path: Path) -> None:
    scn = load_scenario(tiny_path)
    params = BargainParams()
    result = bargain(scn, _all(params), None, params, make_rng(1), 50, n_terms=2)
    frame = result.to_frame()
    assert list(frame.columns) == ["guarantor", "faction", "issue", "quantity", "value"]
    assert {"p_deal", "p_sign", "nash_term", "war_value"} <= set(frame["quantity"])
    json.dumps(result.to_dict(), allow_nan=False)
    assert set(result.guarantors_frame()["guarantor"]) == set(GUARANTOR_KINDS)
    assert len(result.terms_frame()) == 2
    assert result.outcome("nato").guarantor.kind == "nato"
    with pytest.raises(ParameterError, match="unknown guarantor 'nat'"):
        result.outcome("nat")


def test_same_draws_whatever_the_guarantors(tiny_path: Path) -> None:
    """Common random numbers: a guarantor's outcome does not depend on who else is evaluated."""
    scn = load_scenario(tiny_path)
    params = BargainParams()
    together = bargain(scn, _all(params), 0.0, params, make_rng(3), 100, n_terms=0)
    alone = bargain(scn, default_guarantor("un", params), 0.0, params, make_rng(3), 100, n_terms=0)
    assert together.outcome("un") == alone.outcome("un")


def test_a_faction_whose_war_value_exceeds_anything_on_offer_stays_out(
    problem_factory: Callable[..., BargainProblem],
) -> None:
    """A faction sure to win (almost all capability, decisive fighting, no discounting, no aid).

    Fighting on gives it nearly its ideal point for sure, which is all any deal could give it, and
    signing adds the risk of being exploited: it never signs, under any guarantor, and is reported
    as a holdout (not a spoiler).
    """
    problem = problem_factory(
        [[0.0, 10.0], [60.0, 70.0], [100.0, 90.0]], capability=[1.0, 0.05, 0.05]
    )
    params = BargainParams(decisiveness=4.0, discount_rate=0.0, capability_noise=0.0)
    result = bargain(problem, _all(params), 0.0, params, make_rng(2), 200, n_terms=0)
    assert result.war_value["f0"] > 0.99
    for o in result.outcomes:
        assert o.p_sign["f0"] == 0.0
        assert "f0" in o.holdouts
        assert o.p_deal == 0.0
    assert result.spoilers == ()


def test_relabelling_factions_changes_nothing_but_labels(
    problem_factory: Callable[..., BargainProblem],
) -> None:
    problem = problem_factory(
        [[10.0, 80.0], [60.0, 20.0], [90.0, 50.0], [40.0, 40.0]],
        salience=[[0.7, 0.3], [0.4, 0.6], [0.5, 0.5], [0.2, 0.8]],
        capability=[0.9, 0.6, 0.4, 0.2],
        spoiler=[False, False, False, True],
        hostility=[0.1, 0.8, 0.4, 1.0],
        ids=["a", "b", "c", "d"],
    )
    order = [2, 0, 3, 1]
    rename = {"a": "w", "b": "x", "c": "y", "d": "z"}
    relabelled = BargainProblem(
        factions=tuple(rename[problem.factions[i]] for i in order),
        issues=problem.issues,
        positions=problem.positions[order],
        salience=problem.salience[order],
        capability=problem.capability[order],
        spoiler=problem.spoiler[order],
        hostility=problem.hostility[order],
    )
    params = BargainParams()
    gs = _all(params)
    one = bargain(problem, gs, 3000.0, params, make_rng(11), 300, n_terms=3)
    two = bargain(relabelled, gs, 3000.0, params, make_rng(11), 300, n_terms=3)
    for f, g in rename.items():
        assert two.war_value[g] == pytest.approx(one.war_value[f], abs=1e-12)
        assert two.nash.aid_shares[g] == pytest.approx(one.nash.aid_shares[f], abs=1e-4)
        assert two.compromise.aid_shares[g] == pytest.approx(one.compromise.aid_shares[f])
    for issue in problem.issues:
        assert two.compromise.terms[issue] == pytest.approx(one.compromise.terms[issue])
        assert two.nash.terms[issue] == pytest.approx(one.nash.terms[issue], abs=1e-2)
    for o1, o2 in zip(one.outcomes, two.outcomes, strict=True):
        assert o2.p_deal == o1.p_deal
        assert o2.p_deal_holds == pytest.approx(o1.p_deal_holds)
        for f, g in rename.items():
            assert o2.p_sign[g] == o1.p_sign[f]
        assert o2.p_full_deal == o1.p_full_deal
        assert [(sorted(m), p) for m, p in o2.partial_deals] == [
            (sorted(rename[f] for f in m), p) for m, p in o1.partial_deals
        ]
    assert set(two.spoilers) == {rename[s] for s in one.spoilers}


def test_aid_never_lowers_the_perfect_enforcement_deal(tiny_path: Path) -> None:
    scn = load_scenario(tiny_path)
    params = BargainParams()
    g = Guarantor("none")
    poor = bargain(scn, g, 0.0, params, make_rng(4), 200, n_terms=0)
    rich = bargain(scn, g, 5000.0, params, make_rng(4), 200, n_terms=0)
    assert rich.p_deal_perfect["nash"] >= poor.p_deal_perfect["nash"]


def test_extra_spoilers_never_sign(tiny_path: Path) -> None:
    scn = load_scenario(tiny_path)
    params = BargainParams()
    result = bargain(
        scn, _all(params), 0.0, params, make_rng(4), 50, spoilers=["southern_party"], n_terms=0
    )
    assert set(result.spoilers) == {"jihadists", "southern_party"}
    assert all(o.p_sign["southern_party"] == 0.0 for o in result.outcomes)


def test_holdouts_have_remedies_within_bounds_or_say_none(
    problem_factory: Callable[..., BargainProblem],
) -> None:
    problem = problem_factory([[0.0], [100.0]], capability=[0.5, 0.5])
    params = BargainParams()
    result = bargain(problem, _all(params), 0.0, params, make_rng(1), 200, n_terms=0)
    for o in result.outcomes:
        for r in o.remedies:
            assert r.extra_aid_musd is None or 0 <= r.extra_aid_musd <= params.max_extra_aid_musd
            if o.guarantor.kind == "none":
                assert r.strength_ratio is None
            elif r.strength_ratio is not None:
                assert o.guarantor.strength_ratio <= r.strength_ratio <= params.max_strength_ratio


def test_bad_arguments_are_clear(tiny_path: Path) -> None:
    scn = load_scenario(tiny_path)
    params = BargainParams()
    g = Guarantor("none")
    with pytest.raises(ParameterError, match="at least 1 Monte Carlo draw"):
        bargain(scn, g, 0.0, params, make_rng(1), 0)
    with pytest.raises(ParameterError, match=r"aid = -5 US\$ million a year; it must be >= 0"):
        bargain(scn, g, -5, params, make_rng(1), 10)
    with pytest.raises(ParameterError, match="no guarantor given"):
        bargain(scn, [], 0.0, params, make_rng(1), 10)


def test_terms_spread_brackets_rerun_solutions(tiny_path: Path) -> None:
    scn = load_scenario(tiny_path)
    params = BargainParams()
    result = bargain(scn, Guarantor("none"), 1000.0, params, make_rng(9), 100, n_terms=5)
    assert result.nash_spread.draws == 5
    for issue in result.issues:
        assert result.nash_spread.low[issue] <= result.nash_spread.high[issue]
        low, high = result.compromise_spread.low[issue], result.compromise_spread.high[issue]
        assert low <= result.compromise_spread.median[issue] <= high
    assert np.isfinite(list(result.nash.terms.values())).all()

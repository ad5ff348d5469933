"""Properties of the bargaining stage over random factions (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from grudging.model.bargain import (
    BargainParams,
    BargainProblem,
    Guarantor,
    bargain,
    credibility,
)
from grudging.model.bargain.draws import bargain_draws
from grudging.rng import make_rng


@st.composite
def problems(draw: st.DrawFn) -> BargainProblem:
    """2-5 factions on 1-3 issues; at most one spoiler."""
    n = draw(st.integers(2, 5))
    d = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    spoiler = np.zeros(n, bool)
    if draw(st.booleans()):
        spoiler[draw(st.integers(0, n - 1))] = True
    return BargainProblem(
        factions=tuple(f"f{i}" for i in range(n)),
        issues=tuple(f"i{k}" for k in range(d)),
        positions=rng.uniform(0, 100, (n, d)).round(1),
        salience=rng.dirichlet(np.ones(d), n),
        capability=rng.uniform(0.05, 1.0, n).round(3),
        spoiler=spoiler,
        hostility=rng.uniform(0, 1, n).round(2),
    )


unit = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def guarantor_pairs(draw: st.DrawFn) -> tuple[Guarantor, Guarantor]:
    """A guarantor and one at least as strong, impartial and committed."""
    kind = draw(st.sampled_from(["us", "nato", "un"]))
    s1 = draw(st.floats(0.0, 2.0))
    i1 = draw(unit)
    y1 = draw(st.floats(0.0, 10.0))
    s2 = s1 + draw(st.floats(0.0, 2.0))
    i2 = i1 + (1.0 - i1) * draw(unit)
    y2 = y1 + draw(st.floats(0.0, 10.0))
    weak = Guarantor(kind, s1, i1, y1)  # type: ignore[arg-type]
    strong = Guarantor(kind, s2, min(i2, 1.0), y2)  # type: ignore[arg-type]
    return weak, strong


@settings(max_examples=30, deadline=None)
@given(
    problem=problems(),
    pair=guarantor_pairs(),
    seed=st.integers(0, 1000),
    aid=st.sampled_from([0.0, 2000.0]),
)
def test_a_stronger_more_impartial_guarantor_never_lowers_the_chance_of_a_deal(
    problem: BargainProblem, pair: tuple[Guarantor, Guarantor], seed: int, aid: float
) -> None:
    """Common random numbers: the same seed gives the same draws under both guarantors."""
    weak, strong = pair
    params = BargainParams()
    a = bargain(problem, weak, aid, params, make_rng(seed), 60, n_terms=0).outcomes[0]
    b = bargain(problem, strong, aid, params, make_rng(seed), 60, n_terms=0).outcomes[0]
    assert b.credibility >= a.credibility - 1e-12
    assert b.p_deal >= a.p_deal
    assert b.p_deal_holds >= a.p_deal_holds - 1e-12
    assert b.p_deal_compromise_offer >= a.p_deal_compromise_offer
    for f in problem.factions:
        assert b.p_sign[f] >= a.p_sign[f]


@settings(max_examples=25, deadline=None)
@given(problem=problems(), seed=st.integers(0, 1000))
def test_probabilities_are_probabilities_and_spoilers_never_sign(
    problem: BargainProblem, seed: int
) -> None:
    params = BargainParams()
    gs = [Guarantor("none"), Guarantor("un", 0.5, 0.9, 5)]
    result = bargain(problem, gs, 1000.0, params, make_rng(seed), 40, n_terms=1)
    for o in result.outcomes:
        for p in (o.p_deal, o.p_deal_holds, o.p_deal_compromise_offer, *o.p_sign.values()):
            assert 0.0 <= p <= 1.0
        if o.p_deal > 0:
            assert 0.0 <= o.p_holds_given_deal <= 1.0
        for f in result.spoilers:
            assert o.p_sign[f] == 0.0
            assert f not in o.holdouts
    shares = [result.nash.aid_shares[f] for f in result.factions]
    assert all(s >= 0 for s in shares)
    if result.nash.participants:
        assert abs(sum(shares) - 1.0) < 1e-6
    for f in result.spoilers:
        assert f not in result.nash.participants


@settings(max_examples=200, deadline=None)  # pure arithmetic; a loaded machine is no failure
@given(
    s=st.floats(0, 100),
    i=unit,
    y=st.floats(0, 100),
    ds=st.floats(0, 10),
    di=unit,
    dy=st.floats(0, 10),
)
def test_credibility_is_bounded_and_monotone(
    s: float, i: float, y: float, ds: float, di: float, dy: float
) -> None:
    params = BargainParams()
    c1 = credibility(Guarantor("nato", s, i, y), params)
    c2 = credibility(Guarantor("nato", s + ds, i + (1 - i) * di, y + dy), params)
    assert 0.0 <= c1 <= c2 <= 1.0


@st.composite
def parameter_draws(draw: st.DrawFn) -> BargainParams:
    """Three draws of the parameters that move the deal most, within the declared ranges."""
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    size = 3
    return BargainParams(
        war_cost=rng.uniform(0.02, 0.3, size),
        exploitation_loss=rng.uniform(0.5, 1.5, size),
        implementation_base=rng.uniform(0.3, 0.6, size),
        relapse_reduction=rng.uniform(0.5, 0.85, size),
        position_noise=rng.uniform(5.0, 20.0, size),
        aid_value=rng.uniform(0.01, 0.2, size),
        strength_half=rng.uniform(0.1, 1.0, size),
        hostility_discount=rng.uniform(0.0, 1.0, size),
    )


@settings(max_examples=15, deadline=None)
@given(
    problem=problems(),
    pair=guarantor_pairs(),
    params=parameter_draws(),
    seed=st.integers(0, 1000),
)
def test_per_parameter_draw_a_stronger_guarantor_never_lowers_the_chance_of_a_deal(
    problem: BargainProblem,
    pair: tuple[Guarantor, Guarantor],
    params: BargainParams,
    seed: int,
) -> None:
    """Strength, impartiality and years only raise credibility; the offer does not depend on it.

    (Aid is not in this list: more aid changes the Nash offer itself - its terms and aid shares -
    and can lower P(deal) in the scalar bargain too.)
    """
    weak, strong = pair
    a = bargain_draws(problem, weak, 1000.0, params, make_rng(seed), 40)
    b = bargain_draws(problem, strong, 1000.0, params, make_rng(seed), 40)
    assert np.all(b.credibility >= a.credibility)
    assert np.all(b.p_deal >= a.p_deal)


@settings(max_examples=25, deadline=None)
@given(
    problem=problems(),
    kind=st.sampled_from(["none", "us", "nato", "un"]),
    years=st.floats(0.0, 15.0),
    years_at_low=st.floats(1.0, 12.0),
    seed=st.integers(0, 1000),
)
def test_the_agreed_timetable_fits_the_guarantors_stay(
    problem: BargainProblem, kind: str, years: float, years_at_low: float, seed: int
) -> None:
    """A foreign guarantor keeps troops for its commitment: the terms agreed under it never
    withdraw them sooner; without a guarantor the offer is the mediators' Nash offer."""
    from dataclasses import replace

    from grudging.model.bargain.terms import stay_years

    k = seed % problem.d
    problem = replace(problem, presence=(k, years_at_low))
    g = Guarantor(kind, 0.5, 0.5, years) if kind != "none" else Guarantor("none")  # type: ignore[arg-type]
    result = bargain(problem, g, 0.0, BargainParams(), make_rng(seed), 20, n_terms=0)
    agreed = result.outcomes[0].terms
    issue = problem.issues[k]
    if kind == "none":
        assert agreed == result.nash.terms
        return
    assert stay_years(agreed[issue], years_at_low) >= min(years, years_at_low) - 1e-9
    # The smallest change: the other issues are untouched, and a timetable already consistent
    # stays as it was.
    for other in problem.issues:
        if other != issue:
            assert agreed[other] == result.nash.terms[other]
    assert agreed[issue] <= result.nash.terms[issue]
    if stay_years(result.nash.terms[issue], years_at_low) >= min(years, years_at_low):
        assert agreed[issue] == result.nash.terms[issue]

"""Rung 3: the commitment problem and the guarantor's credibility."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from grudging.model.bargain import (
    BargainParams,
    Guarantor,
    credibility,
    default_guarantor,
    implementation_probability,
)
from grudging.model.bargain.commitment import (
    contest_shares,
    deal_forms,
    extra_aid_needed,
    hold_probability,
    perceived_implementation,
    signing_margin,
    strength_needed,
    war_values,
)
from grudging.model.bargain.params import (
    strength_credibility,
    war_relapse_base,
    years_credibility,
)

STRONG = Guarantor("un", strength_ratio=1e6, impartiality=1.0, commitment_years=1e6)


def test_without_a_guarantor_implementation_is_walters_base_rate() -> None:
    """Walter (2002): 8 of 17 negotiated settlements were implemented without a guarantee."""
    params = BargainParams()
    q = implementation_probability(credibility(Guarantor("none"), params), params)
    assert 0.3 <= q <= 0.6
    assert q == pytest.approx(8 / 17, abs=0.01)


@pytest.mark.parametrize("reduction", [0.5, 0.7, 0.85])
def test_a_strong_impartial_guarantor_cuts_relapse_by_half_or_more(reduction: float) -> None:
    """Peacekeepers cut the risk of relapse by 50-85 % (Fortna 2008; Gilligan & Sergenti 2008)."""
    params = BargainParams(relapse_reduction=reduction)
    relapse_none = 1 - implementation_probability(0.0, params)
    relapse_strong = 1 - implementation_probability(credibility(STRONG, params), params)
    assert relapse_strong <= 0.5 * relapse_none + 1e-9
    assert 1 - relapse_strong / relapse_none == pytest.approx(reduction, abs=1e-6)


def test_credibility_is_bounded_and_monotone() -> None:
    params = BargainParams()
    previous = -1.0
    for strength in [0, 0.01, 0.1, 0.25, 0.5, 1, 2, 10]:
        c = credibility(Guarantor("nato", strength, 0.7, 3), params)
        assert 0.0 <= c <= 1.0
        assert c >= previous
        previous = c
    assert strength_credibility(params.strength_half, params) == pytest.approx(0.5)
    assert years_credibility(params.commitment_years_scale, params) == pytest.approx(
        1 - math.exp(-1)
    )
    assert credibility(Guarantor("none"), params) == 0.0


def test_default_guarantors_come_from_the_parameters() -> None:
    params = BargainParams(strength_nato=0.3, impartiality_nato=0.7, years_nato=4)
    g = default_guarantor("nato", params)
    assert (g.kind, g.strength_ratio, g.impartiality, g.commitment_years) == ("nato", 0.3, 0.7, 4)
    assert default_guarantor("none", params) == Guarantor("none")


def test_contest_shares_sum_to_one() -> None:
    shares = contest_shares(np.array([[0.2, 0.3, 0.5]]), 1.0)
    np.testing.assert_allclose(shares, [[0.2, 0.3, 0.5]])
    sharper = contest_shares(np.array([[0.2, 0.3, 0.5]]), 2.0)
    assert sharper[0, 2] > 0.5


def test_being_exploited_is_never_better_than_fighting_on() -> None:
    rng = np.random.default_rng(1)
    pos = rng.uniform(0, 100, (50, 4, 3))
    sal = rng.dirichlet(np.ones(3), (50, 4))
    cap = rng.uniform(0.1, 1, (50, 4))
    fight, exploited = war_values(pos, sal, cap, BargainParams(exploitation_loss=0.0))
    assert (exploited <= fight).all()


def test_war_value_rises_with_capability() -> None:
    pos = np.array([[0.0], [100.0]])
    sal = np.ones((2, 1))
    weak, _ = war_values(pos, sal, np.array([0.2, 0.8]), BargainParams())
    strong, _ = war_values(pos, sal, np.array([0.8, 0.2]), BargainParams())
    assert strong[0] > weak[0]


def test_formation_rule_is_a_quorum_of_the_non_spoilers_capability() -> None:
    params = BargainParams(partial_quorum=0.8)
    cap = np.array([0.4, 0.3, 0.2, 0.1])
    spoiler = np.array([False, False, False, True])
    # All non-spoilers sign.
    assert deal_forms(np.array([True, True, True, False]), cap, spoiler, params)
    # 0.6 / 0.9 = 0.67 < 0.8: no deal.
    assert not deal_forms(np.array([True, False, True, False]), cap, spoiler, params)
    # 0.7 / 0.9 = 0.78 < 0.8: no deal; at a quorum of 0.75 the same signatories form one (a
    # partial deal: no faction vetoes it).
    assert not deal_forms(np.array([True, True, False, False]), cap, spoiler, params)
    assert deal_forms(
        np.array([True, True, False, False]), cap, spoiler, BargainParams(partial_quorum=0.75)
    )
    # A spoiler's signature would not count (it never signs; it is outside the quorum's base).
    assert not deal_forms(np.array([True, False, False, True]), cap, spoiler, params)


def test_outsiders_lower_the_chance_a_deal_holds() -> None:
    params = BargainParams()
    cap = np.array([0.4, 0.4, 0.2])
    all_in = hold_probability(0.0, np.array([True, True, True]), cap, params)
    one_out = hold_probability(0.0, np.array([True, True, False]), cap, params)
    assert all_in == pytest.approx(params.implementation_base)
    assert one_out < all_in


def test_remedies_bring_the_faction_in_exactly() -> None:
    params = BargainParams()
    rng = np.random.default_rng(5)
    value = rng.uniform(0.2, 1.0, 200)
    fight = rng.uniform(0.0, 0.5, 200)
    exploited = fight - rng.uniform(0.0, 1.0, 200)
    hostility = rng.uniform(0, 1, 200)
    q = perceived_implementation(0.1, hostility, params)
    aid = extra_aid_needed(value, fight, exploited, q, params)
    boosted = value + params.aid_value * aid / 1000.0
    assert (signing_margin(boosted, fight, exploited, q) >= -1e-9).all()
    assert (aid[signing_margin(value, fight, exploited, q) >= 0] == 0).all()

    impartiality, years = 0.8, 5.0
    yf = years_credibility(years, params)
    need = strength_needed(value, fight, exploited, hostility, impartiality, yf, params)
    finite = np.isfinite(need)
    assert finite.any()
    for i in np.flatnonzero(finite):
        c = credibility(Guarantor("un", need[i] * (1 + 1e-9), impartiality, years), params)
        q_i = perceived_implementation(c, hostility[i : i + 1], params)
        assert signing_margin(value[i], fight[i], exploited[i], q_i)[0] >= -1e-9


def test_an_identity_war_is_the_reference_of_the_base_rate() -> None:
    """identity_war = 1 leaves Walter's q0 exactly, whatever the odds ratio."""
    for odds in (0.5, 1.0, 4.0, 30.0):
        params = BargainParams(identity_relapse_odds=odds)
        assert params.identity_war == 1.0
        assert war_relapse_base(params) == 1.0 - params.implementation_base
        assert implementation_probability(0.0, params) == params.implementation_base


def test_another_war_divides_the_odds_of_relapse_by_the_odds_ratio() -> None:
    q0, odds = 0.47, 4.0
    params = BargainParams(implementation_base=q0, identity_war=0.0, identity_relapse_odds=odds)
    r = war_relapse_base(params)
    assert r / (1 - r) == pytest.approx((1 - q0) / q0 / odds, rel=1e-12)
    half = BargainParams(implementation_base=q0, identity_war=0.5, identity_relapse_odds=odds)
    r_half = war_relapse_base(half)
    assert r_half / (1 - r_half) == pytest.approx((1 - q0) / q0 / math.sqrt(odds), rel=1e-12)
    # An odds ratio of 1 is no effect; the guarantee still removes R of the (lower) risk.
    assert war_relapse_base(dataclasses.replace(params, identity_relapse_odds=1.0)) == (
        pytest.approx(1 - q0)
    )
    c = 0.6
    held = hold_probability(c, np.array([True, True]), np.array([0.5, 0.5]), params)
    assert held == pytest.approx(1 - r * (1 - params.relapse_reduction * c))


def test_identity_raises_relapse_monotonically_and_arrays_match_scalars() -> None:
    shares = np.linspace(0.0, 1.0, 11)
    per_war = BargainParams(identity_war=shares)  # type: ignore[arg-type]
    risks = war_relapse_base(per_war)
    assert np.all(np.diff(risks) > 0)  # odds ratio 4 > 1: more identity, more relapse
    for s, r in zip(shares, risks, strict=True):
        assert r == pytest.approx(war_relapse_base(BargainParams(identity_war=float(s))))
    assert risks[-1] == 1.0 - per_war.implementation_base


def test_a_declared_identity_share_outside_0_1_is_one_located_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from grudging.cli import main
    from grudging.errors import ScenarioError
    from grudging.scenario import load_scenario

    bad = ["parameters.bargain.identity_war.high=2", "bargain.identity_war=1.5"]
    with pytest.raises(ScenarioError) as err:
        load_scenario("iraq-2007", overrides=bad)
    where, rest = str(err.value).split(":", 1)
    assert where == "--set parameters.bargain.identity_war.high=2, --set bargain.identity_war=1.5"
    assert rest == (
        " parameters[bargain.identity_war]: parameter 'bargain.identity_war' = 1.5 must lie in "
        "[0, 1]; it is a share (its declared value); give a value and range inside that domain"
    )
    code = main(["bargain", *[a for s in bad for a in ("--set", s)], "--draws", "10"])
    assert code == 2
    out = capsys.readouterr().err.strip().splitlines()
    assert len(out) == 1
    assert "parameters[bargain.identity_war]" in out[0]

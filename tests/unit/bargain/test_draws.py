"""The vectorised bargain across parameter draws equals the scalar bargain draw by draw."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from grudging.errors import ParameterError
from grudging.model.bargain import BargainParams, Guarantor, bargain, default_guarantor
from grudging.model.bargain.draws import BargainDraws, _numpy_sum, bargain_draws
from grudging.model.bargain.params import param_draws, params_at
from grudging.model.parameters import stage_parameters
from grudging.rng import make_rng
from grudging.scenario import load_scenario

N = 150
SEED = 11


def _draws(scenario_id: str, rows: list[dict[str, float]]) -> BargainParams:
    """Parameters whose fields are arrays: the scenario's nominal values with per-row overrides."""
    scn = load_scenario(scenario_id)
    nominal = stage_parameters(BargainParams, scn.parameter_values(), "bargain")
    values = {
        f.name: np.array([row.get(f.name, getattr(nominal, f.name)) for row in rows], dtype=float)
        for f in fields(BargainParams)
        if not f.metadata.get("derived")
    }
    return BargainParams(**values)


def _ranges(scenario_id: str) -> list[dict[str, float]]:
    """Nominal, the extremes where P(deal) flips, and a few mixed corners of the declared ranges."""
    scn = load_scenario(scenario_id)

    def low(name: str) -> float:
        return scn.parameter(f"bargain.{name}").low

    def high(name: str) -> float:
        return scn.parameter(f"bargain.{name}").high

    return [
        {},
        {"exploitation_loss": high("exploitation_loss")},
        {"exploitation_loss": low("exploitation_loss")},
        {"implementation_base": high("implementation_base")},
        {"war_cost": low("war_cost")},
        {"war_cost": high("war_cost")},
        {
            "exploitation_loss": low("exploitation_loss"),
            "implementation_base": high("implementation_base"),
            "war_cost": high("war_cost"),
            "relapse_reduction": high("relapse_reduction"),
        },
        {
            "position_noise": high("position_noise"),
            "salience_noise": low("salience_noise"),
            "capability_noise": high("capability_noise"),
            "decisiveness": high("decisiveness"),
            "discount_rate": low("discount_rate"),
            "war_years": high("war_years"),
            "aid_value": high("aid_value"),
            "partial_quorum": high("partial_quorum"),
            "strength_nato": high("strength_nato"),
            "hostility_discount": low("hostility_discount"),
        },
        {
            "aid_musd_per_year": 0.0,
            "war_years": low("war_years"),
            "outsider_risk": high("outsider_risk"),
            "partial_quorum": low("partial_quorum"),
        },
    ]


def _scalar(scenario_id: str, params: BargainParams, guarantor: Guarantor | str, aid: float | None):
    """bargain() at each draw's scalar parameters, with the same seed: the reference."""
    scn = load_scenario(scenario_id)
    out = []
    for i in range(param_draws(params) or 1):
        p_i = params_at(params, i)
        g = default_guarantor(guarantor, p_i) if isinstance(guarantor, str) else guarantor
        out.append(bargain(scn, g, aid, p_i, make_rng(SEED), N, n_terms=0).outcomes[0])
    return out


def _assert_equal(result: BargainDraws, reference: list) -> None:
    assert result.draws == len(reference)
    for i, o in enumerate(reference):
        assert result.p_deal[i] == o.p_deal
        assert result.p_deal_holds[i] == o.p_deal_holds
        assert result.credibility[i] == o.credibility
        if np.isnan(o.p_holds_given_deal):
            assert np.isnan(result.p_holds[i])
        else:
            assert result.p_holds[i] == pytest.approx(o.p_holds_given_deal, abs=1e-12)
        expected = [o.p_sign_given_deal[f] for f in result.factions]
        np.testing.assert_array_equal(result.p_sign[i], expected)
        np.testing.assert_array_equal(result.p_sign_any[i], [o.p_sign[f] for f in result.factions])


@pytest.mark.parametrize("scenario_id", ["iraq-2007", "bosnia-1995"])
@pytest.mark.parametrize("guarantor", ["nato", "none", Guarantor("un", 0.6, 0.9, 6.0)])
def test_each_draw_equals_the_scalar_bargain(scenario_id: str, guarantor: Guarantor | str) -> None:
    params = _draws(scenario_id, _ranges(scenario_id))
    result = bargain_draws(load_scenario(scenario_id), guarantor, None, params, make_rng(SEED), N)
    _assert_equal(result, _scalar(scenario_id, params, guarantor, None))


def test_the_draws_span_the_flip_of_the_deal() -> None:
    """Inside the declared ranges the deal goes from hopeless to likely (issue 16)."""
    params = _draws("iraq-2007", _ranges("iraq-2007"))
    g = Guarantor("un", 0.6, 0.9, 6.0)
    result = bargain_draws(load_scenario("iraq-2007"), g, None, params, make_rng(SEED), N)
    assert result.p_deal.min() < 0.1
    assert result.p_deal.max() > 0.5


def test_given_aid_and_scalar_parameters() -> None:
    scn = load_scenario("bosnia-1995")
    nominal = stage_parameters(BargainParams, scn.parameter_values(), "bargain")
    result = bargain_draws(scn, "un", 2500.0, nominal, make_rng(SEED), N)
    _assert_equal(result, _scalar("bosnia-1995", nominal, "un", 2500.0))


def test_an_offer_that_leaves_a_faction_out_falls_back_to_the_exact_solver() -> None:
    """When war pays, no deal suits everyone: the Nash offer leaves factions out (SLSQP path)."""
    rows = [{}, {"war_cost": -1.0}, {"war_cost": -1.0, "aid_value": 0.0}, {"war_cost": -2.0}]
    params = _draws("iraq-2007", rows)
    result = bargain_draws(load_scenario("iraq-2007"), "us", None, params, make_rng(SEED), N)
    assert result.exact_offers == 3
    _assert_equal(result, _scalar("iraq-2007", params, "us", None))


def test_chunks_do_not_change_the_result() -> None:
    params = _draws("iraq-2007", _ranges("iraq-2007"))
    scn = load_scenario("iraq-2007")
    whole = bargain_draws(scn, "nato", None, params, make_rng(3), 60)
    one_by_one = bargain_draws(scn, "nato", None, params, make_rng(3), 60, memory_mb=1e-6)
    for name in ("p_deal", "p_holds", "p_deal_holds", "p_sign", "credibility"):
        np.testing.assert_array_equal(getattr(whole, name), getattr(one_by_one, name))


def test_numpy_order_of_summation_is_reproduced() -> None:
    rng = np.random.default_rng(0)
    for n in (1, 2, 6, 7, 8, 9, 15, 16, 17, 100, 128, 129, 300):
        a = rng.standard_normal((50, n)) * np.exp(5 * rng.standard_normal((50, n)))
        np.testing.assert_array_equal(_numpy_sum(np.ascontiguousarray(a.T)), a.sum(axis=-1))


def test_parameter_arrays_are_checked() -> None:
    with pytest.raises(ParameterError, match="one length"):
        param_draws(BargainParams(war_cost=np.array([0.1, 0.2]), war_years=np.array([5.0])))
    with pytest.raises(ParameterError, match="implementation_base"):
        BargainParams(implementation_base=np.array([0.5, 1.2]))
    with pytest.raises(ParameterError, match="not finite"):
        BargainParams(war_cost=np.array([0.1, np.nan]))
    with pytest.raises(ParameterError, match="bargain_draws"):
        bargain(
            load_scenario("bosnia-1995"),
            Guarantor("none"),
            None,
            BargainParams(war_cost=np.array([0.1, 0.2])),
            make_rng(1),
            10,
        )
    with pytest.raises(ParameterError, match="draws"):
        bargain_draws(load_scenario("bosnia-1995"), "none", None, BargainParams(), make_rng(1), 0)
    with pytest.raises(ParameterError, match="guarantor"):
        bargain_draws(load_scenario("bosnia-1995"), "natto", None, BargainParams(), make_rng(1), 5)

"""An agreement in place: data, holding rule, collapse hazard and the engine's state."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from grudging.cli import main
from grudging.errors import ScenarioError
from grudging.evidence.synthetic import region, run
from grudging.kernel import dynamics_params, run_values
from grudging.model.bargain import BargainParams
from grudging.model.bargain.agreement import (
    AGREEMENT_WINDOW_MONTHS,
    agreement_hold,
    signatory_mask,
)
from grudging.model.dynamics import SettlementPlan, _collapse_hazard
from grudging.model.parameters import stage_parameters
from grudging.scenario import load_scenario


@pytest.fixture(scope="module")
def bosnia():  # type: ignore[no-untyped-def]
    return load_scenario("bosnia-1995")


def test_bosnia_starts_with_dayton_in_place(bosnia) -> None:  # type: ignore[no-untyped-def]
    deal = bosnia.agreement
    assert deal is not None
    assert deal.signed <= bosnia.information_date
    signed = signatory_mask(bosnia)
    ids = [f.id for f in bosnia.factions]
    assert [ids[i] for i in np.flatnonzero(signed)] == list(deal.signatories)
    # The permanent local deals that stood for Dayton are gone.
    assert all(not o.local_deals for o in bosnia.options)


def test_unguarded_hold_is_walters_base_rate_less_the_outsiders(bosnia) -> None:  # type: ignore[no-untyped-def]
    params = stage_parameters(BargainParams, run_values(bosnia), "bargain")
    signed, held = agreement_hold(bosnia, "none", params)
    cap = np.array([f.capability for f in bosnia.factions])
    outside = cap[~signed].sum() / cap.sum()
    expected = params.implementation_base * (1.0 - params.outsider_risk * outside)
    assert held == pytest.approx(expected, rel=1e-12)


def test_hold_rises_with_the_guarantors_strength_and_matches_draw_by_draw(bosnia) -> None:  # type: ignore[no-untyped-def]
    base = stage_parameters(BargainParams, run_values(bosnia), "bargain")
    strengths = np.array([0.0, 0.1, 0.3, 1.0, 3.0])
    _, held = agreement_hold(bosnia, "nato", replace(base, strength_nato=strengths))
    held = np.asarray(held)
    assert np.all(np.diff(held) >= 0)
    _, bare = agreement_hold(bosnia, "none", base)
    assert held[0] == pytest.approx(bare)  # no strength: no guarantee
    for i, s in enumerate(strengths):
        _, one = agreement_hold(bosnia, "nato", replace(base, strength_nato=float(s)))
        assert held[i] == pytest.approx(one, rel=1e-12)


def _plan(p_holds: float, bare: float | None, in_force: bool = True) -> SettlementPlan:
    return SettlementPlan(
        month=0,
        p_forms=1.0,
        p_sign=np.ones(2),
        p_holds=p_holds,
        commitment_months=AGREEMENT_WINDOW_MONTHS,
        guarantor=np.zeros(0, dtype=bool),
        p_holds_unguarded=bare,
        in_force=in_force,
    )


def test_collapse_hazard_moves_from_guarded_to_unguarded_with_presence() -> None:
    plan = _plan(0.8, 0.5)
    ref = np.array([2.0, 2.0, 2.0, 2.0])
    cov = np.array([2.0, 1.0, 0.0, 5.0])  # full, half, gone, above the peak
    h = -np.log(1.0 - _collapse_hazard(plan, cov, ref))
    guarded, bare = -np.log(0.8) / 60.0, -np.log(0.5) / 60.0
    assert h == pytest.approx([guarded, (guarded + bare) / 2, bare, guarded], rel=1e-12)
    # A guarantor that leaves takes its guarantee with it, never below no guarantee at all.
    assert np.all(h <= bare + 1e-15)


def test_an_agreement_in_force_stops_its_signatories_and_can_collapse(iraq) -> None:  # type: ignore[no-untyped-def]
    values = run_values(iraq)
    theatre = replace(region(values, 1e6, 5.0, factions=2), faction_fighters=np.full(2, 1000.0))
    params = dynamics_params(values)
    held = run(theatre, [], params, 4, 200, 7, _plan(1.0, 1.0))
    assert held.settlement_holds.all()
    assert held.realigned is not None
    assert np.allclose(held.realigned[:, 0], 1.0)  # stopped at the start
    gradual = run(theatre, [], params, 4, 200, 7, _plan(1.0, 1.0, in_force=False))
    assert gradual.realigned is not None
    assert gradual.realigned[:, 0].mean() < 1.0
    fragile = run(theatre, [], params, 13, 400, 7, _plan(1e-3, 1e-3))
    survival = fragile.settlement_holds.mean()
    # Twelve monthly draws at the hazard -ln(0.001)/60: survival exp(-12 x 0.115) = 0.25.
    assert survival == pytest.approx(np.exp(-12 * np.log(1e3) / 60.0), abs=0.07)


def test_unknown_signatory_is_a_located_error(capsys: pytest.CaptureFixture[str]) -> None:
    override = "agreement.signatories=[bosnian_government, bosnian_serb, bosnian_croats]"
    with pytest.raises(
        ScenarioError, match=r"agreement\.signatories\[1\]: unknown faction 'bosnian_serb'"
    ):
        load_scenario("bosnia-1995", overrides=[override])
    assert main(["bargain", "bosnia-1995", "--set", override, "--draws", "5"]) == 2
    err = capsys.readouterr().err
    assert "bosnian_serb" in err
    assert len(err.strip().splitlines()) == 1


def test_agreement_after_the_information_date_is_refused() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario("bosnia-1995", overrides=["agreement.signed=1995-12"])
    assert str(info.value) == (
        "--set agreement.signed=1995-12: agreement.signed: the agreement is dated 1995-12, after "
        "the information date 1995-11; a scenario may start only with what was agreed by then"
    )


@pytest.mark.slow
def test_a_present_guarantor_makes_the_agreement_hold_better(bosnia, plan_cache) -> None:  # type: ignore[no-untyped-def]
    """Expected direction (design note): no guarantor <= UNPROFOR (UN) <= IFOR (NATO)."""
    from grudging.model.bargain.agreement import agreement_settlement

    values = run_values(bosnia)
    held = {}
    for option in ("no_force", "unprofor_continues", "ifor_as_deployed"):
        plan = plan_cache.plan(bosnia, option, None, 1)
        settle = agreement_settlement(bosnia, plan, values)
        assert settle.in_force
        assert settle.p_forms == 1.0
        held[option] = settle.p_holds
    assert held["no_force"] <= held["unprofor_continues"] <= held["ifor_as_deployed"]

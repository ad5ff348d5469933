"""P(deal) across the uncertain bargaining parameters (`grudging bargain --uncertainty`)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from grudging.cli import main
from grudging.explore.deal_spread import deal_spread
from grudging.kernel import parameter_draws
from grudging.model.bargain import BargainParams
from grudging.model.bargain.draws import bargain_draws
from grudging.model.parameters import stage_parameters
from grudging.rng import stream
from grudging.scenario import load_scenario

DRAWS, CODING, SEED = 64, 40, 5


@pytest.fixture(scope="module")
def bosnia() -> Any:
    return load_scenario("bosnia-1995")


def test_the_draws_are_the_runs_draws_and_each_is_the_bargain_at_that_draw(bosnia: Any) -> None:
    scn = bosnia
    (spread,) = deal_spread(scn, ["nato"], None, SEED, DRAWS, CODING)
    run_draws = parameter_draws(scn, DRAWS, SEED)  # what `grudging run -n DRAWS` would draw
    values = {**scn.parameter_values(), **run_draws}
    direct = bargain_draws(
        scn,
        "nato",
        None,
        stage_parameters(BargainParams, values, "bargain"),
        stream(SEED, "bargain"),
        CODING,
    )
    assert np.array_equal(spread.p_deal, direct.p_deal)
    assert np.array_equal(spread.p_deal_holds, direct.p_deal_holds)
    again = deal_spread(scn, ["nato"], None, SEED, DRAWS, CODING)[0]
    assert np.array_equal(again.p_deal, spread.p_deal)
    assert again.drivers == spread.drivers


def test_a_parameter_fixed_with_set_is_no_driver_and_the_indices_are_shares(bosnia: Any) -> None:
    scn = bosnia
    (free,) = deal_spread(scn, ["un"], None, SEED, DRAWS, CODING)
    assert free.drivers, "P(deal) varies across the draws"
    top = free.drivers[0].parameter
    assert all(-0.2 <= d.s1 <= 1.0 for d in free.drivers)  # estimates of shares of variance
    value = scn.parameter(top).value
    fixed_scn = load_scenario("bosnia-1995", overrides=[f"{top}={value}"])
    (fixed,) = deal_spread(fixed_scn, ["un"], None, SEED, DRAWS, CODING)
    assert top not in {d.parameter for d in fixed.drivers}
    assert len(fixed.drivers) == len(free.drivers) - 1


def test_the_cli_reports_the_spread_and_refuses_one_draw(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["bargain", "bosnia-1995", "--guarantor", "nato", "--draws", str(CODING)]
    assert main([*args, "--uncertainty", str(DRAWS), "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["uncertainty"]
    assert row["guarantor"] == "nato"
    assert row["draws"] == DRAWS
    for key in ("p_deal", "p_deal_holds"):
        q = row[key]
        assert 0.0 <= q["p5"] <= q["median"] <= q["p95"] <= 1.0
    assert row["p_deal_holds"]["mean"] <= row["p_deal"]["mean"]
    assert main([*args, "--uncertainty", "1"]) == 2
    err = capsys.readouterr().err
    assert "--uncertainty 1: give 0 (nominal values only) or 2 to 100,000 parameter draws" in err


def test_the_indices_recover_the_ishigami_functions_analytic_values() -> None:
    """Ishigami & Homma (1990), a = 7, b = 0.1: S1 = 0.3139, 0.4424, 0 (Saltelli et al. 2008)."""
    from grudging.explore.deal_spread import first_order_indices

    rng = np.random.default_rng(3)
    x = rng.uniform(-np.pi, np.pi, size=(8000, 3))
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    s1 = first_order_indices(x, y)
    assert s1 == pytest.approx([0.3139, 0.4424, 0.0], abs=0.03)
    linear = first_order_indices(x, x[:, 0] + 0.5 * x[:, 1])  # variances 1 : 0.25
    assert linear == pytest.approx([0.8, 0.2, 0.0], abs=0.03)

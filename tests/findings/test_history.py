"""The held-out comparisons: the Iraq back-test (2007-2008) and Bosnia after Dayton.

These tests assert that the comparisons run the model and report finite figures against the
held-out data - not that the model agrees with history. Agreement is what the scoreboard shows
(``grudging evidence``); asserting it here would invite tuning to held-out data.
"""

from __future__ import annotations

import json
import math

import pytest

from grudging.cli import main
from grudging.evidence.checks import EvidenceContext
from grudging.evidence.scoreboard import all_checks
from grudging.scenario import load_scenario

HISTORY = [c.id for c in all_checks() if c.group in ("iraq", "bosnia") and c.expressible]


@pytest.mark.parametrize("check_id", HISTORY)
def test_history_checks_run_the_model(check_id: str, ctx: EvidenceContext) -> None:
    """Each comparison yields a finite figure and a PASS or FAIL verdict."""
    from grudging.evidence.scoreboard import check

    result = check(check_id).evaluate(ctx)
    assert result.status in ("PASS", "FAIL"), result.error
    assert result.measurement is not None
    assert math.isfinite(result.measurement.value)


def test_ifor_comparison_uses_the_held_out_table(ctx: EvidenceContext) -> None:
    """Hansard (26 Jan 1998): 31 non-US IFOR contributors with a figure, 43,010 troops."""
    from grudging.evidence.bosnia import ifor_comparison

    c = ifor_comparison(ctx)
    assert len(c["observed"]) == 31
    assert c["observed_total"] == pytest.approx(43010)
    assert c["observed"]["GBR"] == 11500
    assert "USA" not in c["observed"]
    assert 0 < c["model_total"] <= c["target_troops"]
    assert set(c["true_positives"]) | set(c["missed"]) == set(c["observed"])


def test_patron_deaths_read_the_held_out_record_and_naive_forecasts(ctx: EvidenceContext) -> None:
    """IQ-troops: 2007-2011 recorded 904 + 314 + 150 + 60 + 55 = 1,483 US deaths; the base rate
    repeats 2006's 822 five times; persistence sums each previous year's record (822 ... 60)."""
    from grudging.evidence.backtest import patron_troops
    from grudging.evidence.iraq import patron_deaths

    m = patron_deaths(ctx)
    assert m.details["observed"] == 1483
    assert m.details["base_rate"] == 5 * 822
    assert m.details["persistence"] == 822 + 904 + 314 + 150 + 60
    scn = load_scenario("iraq-2007")
    troops = patron_troops(scn, "what_happened", scn.horizon_months)
    assert troops is not None
    assert m.details["rule"] == pytest.approx(822 / 12 * sum(troops / troops[0]))
    assert m.value == pytest.approx(m.details["model_median"] / 1483)


@pytest.mark.slow
def test_bosnia_validates_and_runs_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    """`bosnia-1995` validates, runs every option, generates IFOR and bargains at Dayton."""
    assert main(["validate", "bosnia-1995"]) == 0
    assert main(["run", "bosnia-1995", "-n", "40", "--report", "-", "--quiet"]) == 0
    out = capsys.readouterr().out
    for option in load_scenario("bosnia-1995").options:
        assert option.name.split(",")[0] in out
    assert main(["coalition", "bosnia-1995", "--option", "ifor_as_deployed", "--json"]) == 0
    coalition = json.loads(capsys.readouterr().out)
    assert coalition["plan"]["command"] == "nato"
    assert coalition["coalition"]["total_troops"] > 0
    assert coalition["borrowed_parameters"] == []
    assert main(["bargain", "bosnia-1995", "--guarantor", "all", "--json"]) == 0
    bargain = json.loads(capsys.readouterr().out)
    assert bargain


def test_naive_forecasts_by_year(iraq) -> None:  # type: ignore[no-untyped-def]
    """The naive forecasts follow their definitions: persistence is the previous year's observed
    total (2006's for the first year), the base rate repeats 2006's mean month, the rule scales it
    by the patron's troops (at most twice); log errors are ln(forecast / observed)."""
    import pandas as pd

    from grudging.evidence.backtest import SeriesCheck, naive_forecasts

    months = [f"{y}-{m:02d}" for y in (2007, 2008) for m in range(1, 13)]
    observed = [1000.0] * 12 + [500.0] * 12
    table = pd.DataFrame(
        {"month": months, "observed": observed, "median": observed, "low": 0.0, "high": 2000.0}
    )
    check = SeriesCheck("national", table, 0, 0, 1, 1, pd.DataFrame(), 0, 0)
    rows = naive_forecasts(iraq, "us_stays", check, None).set_index("year")
    last12 = [o.value for o in iraq.observations if o.series == "civilian_deaths_national"][-12:]
    assert rows.loc["2007", "persistence"] == pytest.approx(sum(last12))
    assert rows.loc["2008", "persistence"] == pytest.approx(12000)
    assert rows.loc["2007", "base_rate"] == pytest.approx(sum(last12))
    # us_stays holds the patron's troops: the rule is the base rate.
    assert rows.loc["2008", "rule"] == pytest.approx(sum(last12))
    assert rows.loc["2008", "log_error_model"] == pytest.approx(0.0)
    assert rows.loc["2008", "log_error_persistence"] == pytest.approx(math.log(12000 / 6000))
    assert rows.loc["total", "band_coverage"] == 1.0
    # what_happened's drawdown to no troops: the rule is capped at twice the base rate.
    wh = naive_forecasts(iraq, "what_happened", check, None).set_index("year")
    assert wh.loc["2008", "rule"] <= 2 * sum(last12) / 12 * 12 + 1e-6


def test_backtest_rejects_a_bad_month(capsys: pytest.CaptureFixture[str]) -> None:
    """`--to` takes YYYY-MM; anything else is a usage error (exit 2) naming the fix."""
    assert main(["backtest", "iraq-2007", "--to", "2011-13", "-n", "10", "--plot", "-"]) == 2
    assert "give YYYY-MM" in capsys.readouterr().err


def test_bosnia_naive_forecasts_read_the_record_before_the_information_date() -> None:
    """Persistence of deaths a month is the mean of the last 12 months recorded before November
    1995 (regions summed); the library's naive forecasts read the year before as war, and the
    troop rule is n/a with its reason (the US arrive after the first month)."""
    from grudging.evidence.bosnia import naive_deaths_1996, naive_relapse
    from grudging.scenario.schema import month_index

    scn = load_scenario("bosnia-1995")
    monthly: dict[str, float] = {}
    for o in scn.observations:
        if o.series == "civilian_deaths" and month_index(o.month) <= month_index("1995-11"):
            monthly[o.month] = monthly.get(o.month, 0.0) + o.value
    last = [monthly[m] for m in sorted(monthly)[-12:]]
    naive = naive_deaths_1996(scn)
    assert naive["persistence"] == pytest.approx(sum(last) / 12)
    assert math.isnan(naive["rule"])
    assert "no troops in the first month (1995-12)" in naive["why"]
    relapse = naive_relapse(scn)
    assert relapse.persistence == 1.0
    assert 0 < relapse.base_rate < 1

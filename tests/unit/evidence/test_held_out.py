"""A scenario's held-out deaths (``validation/civilian_deaths_*.csv``): every bad file refused
with one located message before any run, and a record of no deaths (the aim of a peace
operation) or too little record before the information date handled in words, not as inf or nan.

The theatre is the toy one (tests/data/tiny.yaml) in a folder of its own: its option
``patron_stays`` replays history; before the information date it records 120 and 150 deaths in
region beta (2006-11, 2006-12) and no national series.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml

from grudging.chain import simulate
from grudging.cli import main
from grudging.errors import ScenarioError
from grudging.evidence.backtest import (
    NONE_RECORDED,
    SeriesCheck,
    naive_basis,
    naive_forecasts,
    path_correlation,
    read_validation,
)
from grudging.evidence.track_record import track_record
from grudging.scenario import load_scenario

NOT_A_NUMBER = re.compile(r"\b[+-]?(nan|inf)\b", re.IGNORECASE)
FILE = "validation/civilian_deaths_2007_2008.csv"
HEADER = "series,month,region,value,source\n"
MONTHS = [f"{y}-{m:02d}" for y in (2007, 2008) for m in range(1, 13)]
SUMMED = (
    "before the information date the scenario has no civilian_deaths_national series: its "
    "civilian_deaths and civilian_deaths_unlocated rows are summed by month"
)
TWO_MONTHS = (
    "base rate and the first year's persistence from the 2 months recorded before the "
    "information date (fewer than 12)"
)


def _record(deaths_2007: float, deaths_2008: float) -> str:
    """National and beta rows, 2007-2008, at these deaths a month."""
    rows = [HEADER]
    for month in MONTHS:
        value = deaths_2007 if month < "2008" else deaths_2008
        rows.append(f"civilian_deaths_national,{month},,{value:g},TEST\n")
        rows.append(f"civilian_deaths,{month},beta,{value:g},TEST\n")
    return "".join(rows)


def _theatre(folder: Path, runnable: Path, record: str | bytes | None) -> Path:
    """The toy theatre in ``folder``: ``patron_stays`` historical, an option whose patron arrives
    only in month 3, and ``record`` as its held-out file."""
    data = yaml.safe_load(runnable.read_text(encoding="utf-8"))
    data["options"][0]["historical"] = True
    data["options"].append(
        {
            "id": "late_patron",
            "name": "The patron arrives in month 3",
            "forces": {"us_forces": [{"month": 0, "troops": 0}, {"month": 3, "troops": 5000}]},
        }
    )
    (folder / "validation").mkdir(parents=True)
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    if record is not None:
        raw = record if isinstance(record, bytes) else record.encode("utf-8")
        (folder / FILE).write_bytes(raw)
    return path


@pytest.fixture
def theatre(tmp_path: Path, tiny_runnable_path: Path):  # type: ignore[no-untyped-def]
    """A maker of the theatre with a given held-out file."""
    made = iter(range(100))
    return lambda record: _theatre(tmp_path / f"t{next(made)}", tiny_runnable_path, record)


# The files: one located message per problem ------------------------------------------------------
GOOD = HEADER + "civilian_deaths_national,2007-01,,0,TEST\ncivilian_deaths,2007-01,beta,0,TEST\n"
FIX = "write the deaths recorded that month in digits (0 when none), e.g. 20"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            GOOD.replace(",0,TEST\nciv", ",twenty,TEST\nciv"),
            f"{FILE}:2: column 'value': 'twenty' is not a number; {FIX}",
        ),
        (
            GOOD.replace(",0,TEST\nciv", ",nan,TEST\nciv"),
            f"{FILE}:2: column 'value': 'nan' is not a finite number; {FIX}",
        ),
        (
            GOOD.replace("beta,0,", "beta,-3,"),
            f"{FILE}:3: column 'value': -3 is negative; {FIX}",
        ),
        (GOOD.replace("beta,0,", "beta,,"), f"{FILE}:3: column 'value': empty; {FIX}"),
        (
            GOOD.replace("series,month,region,value", "series,month,region,deaths"),
            f"{FILE}:1: the header lacks the column 'value' (it has series, month, region, "
            "deaths, source); name the columns series,month,region,value,source",
        ),
        (
            GOOD.replace("2007-01,beta", "2007-13,beta"),
            f"{FILE}:3: column 'month': '2007-13' is not a month; write it as YYYY-MM, e.g. "
            "2007-01",
        ),
        (
            GOOD.replace("civilian_deaths,", "civilian_death,"),
            f"{FILE}:3: column 'series': unknown series 'civilian_death' (did you mean "
            "'civilian_deaths'?); write civilian_deaths_national (the whole country) or "
            "civilian_deaths (one region), the series a back-test compares (or "
            "civilian_deaths_unlocated, civilian_deaths_subtotal)",
        ),
        (
            GOOD.replace("beta", "betta"),
            f"{FILE}:3: column 'region': unknown region 'betta' (did you mean 'beta'?); valid: "
            "alpha, beta, gamma; use a region id of the scenario",
        ),
        (
            GOOD.replace("beta", ""),
            f"{FILE}:3: column 'region': empty, but a civilian_deaths row counts one region; "
            "give its id (the scenario's regions: alpha, beta, gamma)",
        ),
        (
            GOOD.replace("2007-01,,", "2007-01,beta,"),
            f"{FILE}:2: column 'region': a civilian_deaths_national row counts no one region, "
            "not 'beta'; leave the region empty, or write civilian_deaths for a region's deaths",
        ),
        (
            GOOD.replace("beta,0,TEST", "beta,0,"),
            f"{FILE}:3: column 'source': empty; give the id of the figure's source (a row of "
            "validation/sources.csv)",
        ),
        (
            GOOD + "civilian_deaths,2007-01,beta,4,OTHER\n",
            f"{FILE}:4: civilian_deaths 2007-01 beta is given twice (first at {FILE}:3); keep "
            "one row",
        ),
        (
            GOOD.replace("beta,0,TEST", "beta,0"),
            f"{FILE}:3: 4 cells but the header has 5 columns; give one cell per column (an empty "
            "region for the national series: civilian_deaths_national,2007-01,,120,IBC)",
        ),
        (
            GOOD.replace("beta,0,TEST", "beta,0,Agenc\u00e9").encode("latin-1"),
            f"{FILE}:3: not UTF-8 text (byte 0xe9 cannot be decoded; Latin-1 or "
            "Windows-1252?); save it as UTF-8",
        ),
    ],
)
def test_a_bad_held_out_file_gets_one_located_message(theatre, text, message) -> None:  # type: ignore[no-untyped-def]
    scn = load_scenario(theatre(text))
    with pytest.raises(ScenarioError) as info:
        read_validation(scn)
    assert str(info.value) == message


def test_a_held_out_row_before_the_information_date_or_above_the_population_is_refused(
    theatre,
) -> None:  # type: ignore[no-untyped-def]
    """What was known by the information date is not held out, and no month counts more deaths
    than people (a theatre author's audit found both accepted)."""
    scn = load_scenario(theatre(GOOD))
    before = load_scenario(theatre(GOOD.replace("2007-01,beta", f"{scn.information_date},beta")))
    with pytest.raises(ScenarioError) as info:
        read_validation(before)
    assert str(info.value) == (
        f"{FILE}:3: column 'month': {scn.information_date} is not after the information date "
        f"{scn.information_date}; held-out data come after it (a figure known by then belongs in "
        "the scenario's observations), so drop the row or move it there"
    )
    people = next(r.population for r in scn.regions if r.id == "beta")
    over = load_scenario(theatre(GOOD.replace("beta,0,", f"beta,{people + 1:.0f},")))
    with pytest.raises(ScenarioError) as info:
        read_validation(over)
    assert str(info.value) == (
        f"{FILE}:3: column 'value': {people + 1:,.0f} deaths in a month, more than the "
        f"{people:,.0f} people of region 'beta'; check the figure (a total over several months, "
        "or a misplaced digit?)"
    )


def test_validate_checks_the_held_out_files_as_a_back_test_reads_them(
    theatre,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = theatre(GOOD.replace(",0,TEST\nciv", ",twenty,TEST\nciv"))
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{FILE}:2: column 'value': 'twenty' is not a number" in err
    assert "Traceback" not in err
    assert main(["validate", str(theatre(GOOD))]) == 0
    assert "ok" in capsys.readouterr().out


def _no_run(*args: object, **kwargs: object) -> None:
    raise AssertionError("the model ran before the held-out file was checked")


@pytest.mark.parametrize(
    "command", [["run", "-n", "5", "--report", "-"], ["backtest", "-n", "5", "--plot", "-"]]
)
def test_run_and_backtest_refuse_a_bad_file_before_the_run(
    theatre,  # type: ignore[no-untyped-def]
    command: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("grudging.chain.simulate", _no_run)
    bad = theatre(GOOD.replace("series,month,region,value", "series,month,region,deaths"))
    assert main([command[0], str(bad), *command[1:]]) == 2
    assert f"{FILE}:1: the header lacks the column 'value'" in capsys.readouterr().err


def test_backtest_refuses_held_out_months_outside_the_replay_before_the_run(
    theatre,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("grudging.chain.simulate", _no_run)
    path = str(theatre(HEADER + "civilian_deaths_national,2010-01,,5,TEST\n"))
    assert main(["backtest", path, "-n", "5", "--plot", "-", "--region", "beta"]) == 2
    assert (
        "validation/civilian_deaths_*.csv of 'tiny' holds no month of the national series or "
        "region beta from 2007-01 to 2008-12, the span compared; add rows for those months (or "
        "choose --region and --to within the data)"
    ) in " ".join(capsys.readouterr().err.split())


def test_the_shipped_held_out_files_are_accepted(iraq) -> None:  # type: ignore[no-untyped-def]
    held = read_validation(iraq)
    national = held[held["series"] == "civilian_deaths_national"]
    assert len(national) == 60
    assert national["value"].sum() == 47292


# No deaths recorded: words, not inf or nan ---------------------------------------------------------
def test_a_year_with_none_recorded_is_stated_in_words(theatre) -> None:  # type: ignore[no-untyped-def]
    scn = load_scenario(theatre(_record(0, 10)), runnable=True)
    results = simulate(scn, options=["patron_stays"], replications=8, seed=3)
    record = track_record(results, scn)
    assert record is not None
    (y7, m7, r7), (y8, m8, r8) = record.years
    assert (y7, r7, y8, r8) == ("2007", 0.0, "2008", 120.0)
    text = record.sentence()
    assert f"(by year: 2007 {m7:,.0f} against none recorded, 2008 {m8 / 120:.2f} times)" in text
    assert not NOT_A_NUMBER.search(text)
    data = record.to_dict()
    assert data["years"][0] == {
        "year": "2007",
        "model": m7,
        "observed": 0.0,
        "ratio": None,
        "difference": m7,
    }
    assert data["notes"] == [f"2007: no ratio (none recorded): {m7:,.0f} deaths above the record"]
    # Before the information date: beta's 120 and 150 (summed, no national series), so 135 a
    # month; persistence forecasts 2007 from those two months and 2008 from 2007's none.
    naive = dict(record.naive)
    assert naive["persistence"] == pytest.approx(270 * 12 / 2 + 0)
    assert naive["base rate"] == pytest.approx(135 * 24)
    assert naive["troop rule"] == pytest.approx(135 * 24)  # the patron's troops never change
    assert record.naive_notes == (SUMMED, TWO_MONTHS)
    # 2007 recorded none and 2008's persistence forecast is none: neither year can be scored.
    assert (record.scored_years, record.closer_than_persistence) == (0, 0)
    assert "in 0 of 2 years (2 of them cannot be scored on the log scale" in text


def test_a_record_of_none_throughout_has_no_ratio(theatre) -> None:  # type: ignore[no-untyped-def]
    scn = load_scenario(theatre(_record(0, 0)), runnable=True)
    record = track_record(simulate(scn, options=["patron_stays"], replications=8, seed=3), scn)
    assert record is not None
    assert record.observed == 0
    assert math.isnan(record.ratio)
    assert f"no ratio (none recorded): {record.model:,.0f} deaths above the record" in (
        record.sentence()
    )
    data = json.loads(json.dumps(record.to_dict(), allow_nan=False))
    assert data["ratio"] is None
    assert [n["ratio"] for n in data["naive"]] == [None, None, None]


def test_the_backtest_prints_no_nan_and_leaks_no_warning(
    theatre,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(theatre(_record(0, 10)))
    args = ["backtest", path, "-n", "8", "--plot", "-", "--region", "beta"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(args) == 0
        out = " ".join(capsys.readouterr().out.split())  # as one line, whatever the width
        assert main([*args, "--json"]) == 0
    assert not NOT_A_NUMBER.search(out)
    assert "n/a (none recorded)" in out
    assert f"national, beta: {TWO_MONTHS}" in out
    assert f"national 2007: {NONE_RECORDED}" in out
    data = json.loads(capsys.readouterr().out)
    totals = data["checks"][0]["totals"][0]
    assert totals["ratio"] is None
    assert totals["difference"] == totals["model_median"]
    assert {"series": "national", "note": SUMMED} in data["naive_basis"]


# The naive forecasts, figure by figure ------------------------------------------------------------
def _check(name: str, months: list[str], observed: list[float]) -> SeriesCheck:
    table = pd.DataFrame(
        {"month": months, "observed": observed, "median": 50.0, "low": 0.0, "high": 100.0}
    )
    return SeriesCheck(name, table, 0, 0, 1, math.nan, pd.DataFrame(), math.nan, math.nan)


def test_a_part_year_is_forecast_over_its_own_months(theatre) -> None:  # type: ignore[no-untyped-def]
    """Four months of 2007 (none recorded), then 2008 at 10 a month: the base rate is 135 a
    month over the months compared, persistence the previous period per month."""
    scn = load_scenario(theatre(None))
    months = MONTHS[8:]
    check = _check("national", months, [0.0] * 4 + [10.0] * 12)
    rows = naive_forecasts(scn, "patron_stays", check, None).set_index("year")
    assert rows.loc["2007", "months"] == 4
    assert rows.loc["2007", "model"] == 200
    assert rows.loc["2007", "base_rate"] == pytest.approx(135 * 4)
    assert rows.loc["2007", "persistence"] == pytest.approx(270 / 2 * 4)
    assert rows.loc["2008", "persistence"] == 0  # 2007's none, per month, over 12 months
    assert rows.loc["2008", "log_error_base_rate"] == pytest.approx(math.log(135 * 12 / 120))
    assert rows.loc["2008", "log_error_model"] == pytest.approx(math.log(600 / 120))
    assert rows["log_error_model"].isna().tolist() == [True, False, False]
    assert rows.loc["2007", "note"] == NONE_RECORDED
    assert rows.loc["2008", "note"] == "persistence forecast none: no log error"
    assert math.isnan(rows.loc["2008", "log_error_persistence"])


def test_no_patron_troops_at_the_start_leaves_the_rule_unavailable(theatre) -> None:  # type: ignore[no-untyped-def]
    scn = load_scenario(theatre(None))
    check = _check("national", MONTHS, [10.0] * 24)
    rows = naive_forecasts(scn, "late_patron", check, None)
    assert rows["rule"].isna().all()  # the total too: not a sum of nothing, 0
    assert rows["log_error_rule"].isna().all()
    assert naive_basis(scn, "late_patron", None) == (
        SUMMED,
        TWO_MONTHS,
        "troop rule n/a: the patron (USA) has no troops in the first month (2007-01) to scale by",
    )


def test_a_region_with_no_record_before_the_information_date_has_no_base_rate(theatre) -> None:  # type: ignore[no-untyped-def]
    scn = load_scenario(theatre(None))
    rows = naive_forecasts(scn, "patron_stays", _check("alpha", MONTHS, [10.0] * 24), "alpha")
    for name in ("base_rate", "rule"):
        assert rows[name].isna().all()
    assert rows["persistence"].isna().tolist() == [True, False, True]  # 2007, 2008, total
    assert rows["persistence"].iloc[1] == 120
    assert naive_basis(scn, "patron_stays", "alpha") == (
        "base rate, troop rule and the first year's persistence n/a: no deaths recorded in "
        "alpha before the information date",
    )


def test_a_path_that_never_changes_has_no_correlation_and_no_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(path_correlation(pd.Series([3.0, 1.0, 2.0]), pd.Series([0.0] * 3)))
        assert math.isnan(path_correlation(pd.Series([3.0, 1.0]), pd.Series([1.0, 2.0])))
    assert path_correlation(
        pd.Series([1.0, 2.0, 3.0]), pd.Series([2.0, 4.0, 6.0])
    ) == pytest.approx(1)


# The naive forecasts of the rows that had none (docs/design-notes/history.md, last section) -----
def test_the_naive_band_is_the_last_year_s_5th_to_95th_percentile(theatre) -> None:  # type: ignore[no-untyped-def]
    from grudging.evidence.backtest import naive_band

    scn = load_scenario(theatre(None))  # 120 and 150 recorded before the information date
    assert naive_band(scn, None) == pytest.approx((120 + 0.05 * 30, 120 + 0.95 * 30))
    assert all(math.isnan(v) for v in naive_band(scn, "alpha"))  # none recorded there


def test_monthly_persistence_is_the_same_month_a_year_before(theatre) -> None:  # type: ignore[no-untyped-def]
    from grudging.evidence.backtest import naive_monthly

    scn = load_scenario(theatre(None))
    observed = [float(i) for i in range(24)]
    table = naive_monthly(scn, "patron_stays", _check("national", MONTHS, observed), None)
    persistence = dict(zip(table["month"], table["persistence"], strict=True))
    assert persistence["2007-11"] == 120
    assert persistence["2007-12"] == 150
    assert math.isnan(persistence["2007-01"])  # nothing recorded in 2006-01
    assert [persistence[m] for m in MONTHS[12:]] == observed[:12]  # 2008 from 2007's record
    assert (table["base_rate"] == 135).all()
    assert (table["rule"] == 135).all()


def test_the_attack_trend_reads_a_straight_record_exactly(iraq) -> None:  # type: ignore[no-untyped-def]
    from grudging.calibration.dynamics import ATTACK_SERIES
    from grudging.evidence.iraq import attack_trend_change
    from grudging.scenario.schema import Observation

    others = tuple(o for o in iraq.observations if o.series != ATTACK_SERIES)
    line = tuple(
        Observation(series=ATTACK_SERIES, month=f"2006-{m:02d}", region=r, value=v, source="T")
        for m in range(1, 13)
        for r, v in (("baghdad", 60.0 + 10 * m), ("anbar", 40.0))
    )  # national: 100 + 10 m in month m of 2006, so 280 in 2007-06 and 360 in 2008-02
    scn = iraq.model_copy(update={"observations": others + line})
    assert attack_trend_change(scn, "2007-06", "2008-02") == pytest.approx(360 / 280 - 1)
    one = iraq.model_copy(update={"observations": others + line[:2]})
    assert math.isnan(attack_trend_change(one, "2007-06", "2008-02"))

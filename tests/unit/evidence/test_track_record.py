"""The track record shown beside a run: the historical option against the held-out record,
checked against the validation files and the run's own monthly figures, read independently."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest
from rich.console import Console

from grudging.chain import simulate
from grudging.cli import main
from grudging.cli.run import print_comparison
from grudging.evidence.track_record import track_record
from grudging.scenario import load_scenario
from grudging.scenario.schema import month_index, month_label


@pytest.fixture(scope="module")
def iraq():  # type: ignore[no-untyped-def]
    return load_scenario("iraq-2007")


@pytest.fixture(scope="module")
def run(iraq):  # type: ignore[no-untyped-def]
    return simulate(iraq, options=["us_stays", "what_happened"], replications=20, seed=7)


def _recorded(scn) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The national record by month, read from the validation files with the csv module."""
    out: dict[str, float] = {}
    for path in sorted((Path(scn.base_dir) / "validation").glob("civilian_deaths_*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["series"] == "civilian_deaths_national":
                    out[row["month"]] = float(row["value"])
    return out


def _horizon(scn, months: int) -> list[str]:  # type: ignore[no-untyped-def]
    first = month_index(scn.start)
    return [month_label(first + m) for m in range(months)]


def test_the_record_and_the_model_are_the_held_out_series_and_the_runs_median_path(
    iraq, run
) -> None:  # type: ignore[no-untyped-def]
    record = track_record(run, iraq)
    assert record is not None
    months = [m for m in _horizon(iraq, 60) if m in _recorded(iraq)]
    assert (record.first, record.last) == (months[0], months[-1]) == ("2007-01", "2011-12")
    observed = _recorded(iraq)
    assert record.observed == sum(observed[m] for m in months)
    monthly = run.monthly("civilian_deaths")
    median = monthly[monthly["option"] == "what_happened"].set_index("month")["median"]
    assert record.model == pytest.approx(float(median.sum()), rel=1e-12)
    assert record.ratio == pytest.approx(record.model / record.observed)
    # By year: the model's median path over the record, year by year.
    for year, model, recorded in record.years:
        index = [i for i, m in enumerate(_horizon(iraq, 60)) if m.startswith(year)]
        assert recorded == sum(observed[f"{year}-{m:02d}"] for m in range(1, 13))
        assert model == pytest.approx(float(median.loc[index].sum()), rel=1e-12)
    assert [y for y, _, _ in record.years] == ["2007", "2008", "2009", "2010", "2011"]
    assert record.source == "Iraq Body Count"


def test_persistence_is_the_previous_years_record_measured_the_same_way(iraq, run) -> None:  # type: ignore[no-untyped-def]
    record = track_record(run, iraq)
    assert record is not None
    observed = _recorded(iraq)
    by_year = {y: sum(observed[f"{y}-{m:02d}"] for m in range(1, 13)) for y in range(2007, 2012)}
    before = {o.month: o.value for o in iraq.observations if o.series == "civilian_deaths_national"}
    last12 = [before[m] for m in sorted(before)[-12:]]
    persistence = [sum(last12)] + [by_year[y] for y in range(2007, 2011)]
    naive = dict(record.naive)
    assert naive["persistence"] == pytest.approx(sum(persistence), rel=1e-12)
    assert naive["base rate"] == pytest.approx(sum(last12) * 5, rel=1e-12)
    closer = sum(
        abs(math.log(model / recorded)) < abs(math.log(persistence[i] / by_year[2007 + i]))
        for i, (_, model, recorded) in enumerate(record.years)
    )
    assert record.closer_than_persistence == closer
    assert record.scored_years == 5
    assert record.naive_notes == ()


def test_the_sentence_states_the_figures(iraq, run) -> None:  # type: ignore[no-untyped-def]
    record = track_record(run, iraq)
    assert record is not None
    text = record.sentence()
    assert text.startswith("Track record: replaying what happened (")
    assert f"sums to {record.model:,.0f} civilian deaths against {record.observed:,.0f} " in text
    assert f"{record.ratio:.2f} times the record" in text
    persistence = dict(record.naive)["persistence"] / record.observed
    assert f"persistence {persistence:.2f} times" in text
    # Over the whole period: whichever total is nearer the record on the log scale is named.
    nearer = (
        "the model" if abs(math.log(record.ratio)) < abs(math.log(persistence)) else "persistence"
    )
    assert (
        f"over the whole period {nearer} is nearer ({record.ratio:.2f} against "
        f"{persistence:.2f} times the record)" in text
    )
    assert text.endswith(
        "Read the other options with that in mind (grudging backtest gives "
        "month, region and the naive forecasts)."
    )


def test_a_replay_run_alone_has_no_other_options_to_read(iraq) -> None:  # type: ignore[no-untyped-def]
    alone = simulate(iraq, options=["what_happened"], replications=20, seed=7)
    record = track_record(alone, iraq)
    assert record is not None
    assert record.alone
    assert record.sentence().endswith(
        "The command grudging backtest gives month, region and the naive forecasts."
    )


def test_no_record_without_the_historical_option_a_folder_or_held_out_deaths(
    iraq, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    without = simulate(iraq, options=["us_stays"], replications=5, seed=7)
    assert track_record(without, iraq) is None
    unfiled = iraq.model_copy()
    unfiled._base_dir = None  # as a scenario built in code, not loaded from a folder
    assert track_record(run, unfiled) is None
    # A scenario with no held-out deaths next to it (the folder looked up does not exist).
    monkeypatch.setattr("grudging.scenario.held_out.FOLDER", "no-such-folder")
    assert track_record(run, iraq) is None


def test_the_terminal_prints_it_after_the_verdict(run) -> None:  # type: ignore[no-untyped-def]
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, highlight=False, color_system=None)
    print_comparison(console, run, "us_stays", "Track record: the words.")
    lines = buffer.getvalue().splitlines()
    verdict = lines.index("Verdict (against US stays)")
    record = lines.index("Track record: the words.")
    outcomes = next(i for i, line in enumerate(lines) if "Outcomes by course" in line)
    assert verdict < record < outcomes


def test_run_json_carries_it_and_null_without_the_historical_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["run", "-n", "4", "--json", "--report", "-", "--option", "us_stays"]
    assert main([*args, "--option", "what_happened"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["track_record"]["option"] == "what_happened"
    assert data["track_record"]["observed"] == 47292.0
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["track_record"] is None


def test_a_year_the_back_test_cuts_short_is_compared_like_with_like(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--to 2008-06``: persistence forecasts six months of 2008 with half of 2007, not all of
    it, and the change from 2007 is per month (it was +1.41 and -76 %, against +0.72 and -51 %)."""
    import json
    import math

    from grudging.cli import main

    assert main(["backtest", "-n", "10", "--plot", "-", "--to", "2008-06", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    years = {r["year"]: r for r in data["years"] if r["series"] == "national"}
    first, cut = years["2007"], years["2008"]
    assert cut["months"] == 6
    assert cut["persistence"] == pytest.approx(first["observed"] * 6 / 12)
    assert cut["log_error_persistence"] == pytest.approx(
        math.log(first["observed"] / 2 / cut["observed"])
    )
    check = next(c for c in data["checks"] if c["series"] == "national")
    per_month = cut["observed"] / 6 / (first["observed"] / 12) - 1
    assert check["change_observed"] == pytest.approx(per_month)

"""A scenario's held-out deaths (``validation/civilian_deaths_*.csv``): every bad file refused
with one located message before any run.

The theatre is the toy one (tests/data/tiny.yaml) in a folder of its own: its option
``patron_stays`` replays history; before the information date it records 120 and 150 deaths in
region beta (2006-11, 2006-12) and no national series.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from grudging.cli import main
from grudging.errors import ScenarioError
from grudging.evidence.backtest import read_validation
from grudging.scenario import load_scenario

FILE = "validation/civilian_deaths_2007_2008.csv"
HEADER = "series,month,region,value,source\n"


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

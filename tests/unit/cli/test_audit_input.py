"""What an audit of bad input found: a damaged saved run as a traceback, flags named by the fields
they set rather than by themselves, a back-test of a theatre without a monthly series."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grudging.cli import main


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    return " ".join(capsys.readouterr().err.split())


def _saved(folder: Path, metadata: str, run: str) -> Path:
    """A saved run's folder holding only its two JSON files (read before any table)."""
    folder.mkdir()
    (folder / "metadata.json").write_text(metadata, encoding="utf-8")
    (folder / "run.json").write_text(run, encoding="utf-8")
    return folder


GOOD_META = json.dumps({"options": ["us_stays", "nato_replaces"]})
GOOD_RUN = json.dumps({"scenario": "iraq-2007", "set": [], "baseline": "us_stays"})


@pytest.mark.parametrize(
    ("metadata", "run", "message"),
    [
        ('{"options": [', GOOD_RUN, "metadata.json: not the metadata of saved results ("),
        ("[]", GOOD_RUN, "metadata.json: holds a list, not the metadata of saved results"),
        (GOOD_META, "{bad", "run.json: not how a saved run was made ("),
        (GOOD_META, "[1, 2]", "run.json: holds a list, not how a saved run was made"),
        (GOOD_META, '{"set": []}', "run.json: 'scenario' is not a scenario name or file"),
        (
            GOOD_META,
            '{"scenario": "iraq-2007", "set": "x=1"}',
            "run.json: 'set' is not a list of KEY=VALUE overrides",
        ),
        (
            GOOD_META,
            '{"scenario": "iraq-2007", "set": [], "baseline": "nope"}',
            "run.json: the baseline 'nope' is not an option of the saved run (us_stays, "
            "nato_replaces)",
        ),
    ],
)
def test_a_damaged_saved_run_is_refused_by_name(
    never_plan: None,
    tmp_path: Path,
    metadata: str,
    run: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    saved = _saved(tmp_path / "saved", metadata, run)
    before = {p.name: p.read_bytes() for p in saved.iterdir()}
    out = tmp_path / "r.html"
    assert main(["report", "--from", str(saved), "--out", str(out), "--quiet"]) == 2
    err = _err(capsys)
    assert message in err
    assert err.endswith("save the run again (grudging run --save DIR)")
    assert {p.name: p.read_bytes() for p in saved.iterdir()} == before
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--method", "morris", "--num-levels", "0"],
            "--num-levels 0: a Morris grid needs an even number of levels, at least 2 (e.g. 4)",
        ),
        (
            ["--method", "morris", "--num-levels", "1000000"],
            "--num-levels 1000000: give at most 1,000 levels (e.g. 4)",
        ),
        (
            ["--method", "factorial", "--levels", "5000"],
            "--levels 5000: give at most 1,000 levels (e.g. 3)",
        ),
        (
            ["--method", "sobol", "-n", "6"],
            "-n 6: Saltelli's sampling needs a power of two (Sobol' sequences keep their balance "
            "only then); use 4 or 8",
        ),
    ],
)
def test_sweep_sizes_are_refused_in_terms_of_their_flags(
    never_plan: None,
    tmp_path: Path,
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = tmp_path / "s.duckdb"
    assert main(["sweep", str(store), *args, "--quiet"]) == 2
    assert message in _err(capsys)
    assert not store.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["run", "--legitimacy", "2"],
            "--legitimacy 2: give a number from 0 to 1",
        ),
        (["run", "--salience", "nan"], "--salience nan: give a number from 0 to 1"),
        (
            ["run", "--behaviour", "nope"],
            "--behaviour: unknown value 'nope'; valid: interpose, patrol, reactive",
        ),
        (
            ["compare", "--activation", "nope"],
            "--activation: unknown value 'nope'; valid: sequential, synchronous",
        ),
        (
            ["curve", "--rounding", "nope"],
            "--rounding: unknown value 'nope' (did you mean 'none'?); valid: floor, nearest, none",
        ),
        (
            ["curve", "--densities", "0.1,0.31"],
            "--densities 0.1,0.31: 0.31 is outside [0, 0.3] (the citizens fill 0.7 of the cells, "
            "one agent a cell); give peacekeepers per cell, e.g. 0.04",
        ),
        (["curve", "--steps", "0"], "--steps 0: give a whole number from 5 to 100,000"),
        (
            ["curve", "--replications", "1"],
            "--replications 1: give a whole number from 2 to 10,000 (intervals need at least 2)",
        ),
        (
            ["curve", "--bootstrap", "-5"],
            "--bootstrap -5: give a whole number from 0 to 100,000 (0: no intervals)",
        ),
        (["curve", "--salience", "2"], "--salience 2: give a number from 0 to 1"),
    ],
)
def test_abm_settings_are_refused_in_terms_of_their_flags(
    tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = {
        "curve": ["--out", str(tmp_path / "curve")],
        "compare": ["--save", str(tmp_path / "c.png")],
    }
    assert main(["abm", *args, *out.get(args[0], [])]) == 2
    assert message in _err(capsys)
    assert list(tmp_path.iterdir()) == []


def test_a_backtest_without_a_monthly_series_says_where_to_look(
    never_plan: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backtest", "bosnia-1995", "--plot", "-"]) == 2
    assert _err(capsys) == (
        "error: scenario 'bosnia-1995' has no monthly series of civilian deaths to back-test "
        "against (validation/civilian_deaths_*.csv next to its scenario file); 'grudging "
        "evidence' scores the held-out outcomes it has, or add the series (docs/cases.md gives "
        "the format)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["backtest", "--region", "bagdad", "--plot", "-"],
            "--region bagdad: unknown region 'bagdad' (did you mean 'baghdad'?)",
        ),
        (
            ["bargain", "--guarantor", "nat"],
            "--guarantor nat: unknown guarantor 'nat' (did you mean 'nato'?); valid: all, nato, "
            "none, un, us",
        ),
        (["bargain", "--spoiler", "nope"], "--spoiler nope: unknown faction 'nope'; valid: aqi,"),
    ],
)
def test_an_unknown_name_is_refused_with_its_flag(
    never_plan: None, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    assert message in _err(capsys)


def test_a_closed_standard_output_is_said_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``grudging dump iraq-2007 >&-``: Python then has no sys.stdout, and every print failed."""
    monkeypatch.setattr("sys.stdout", None)
    assert main(["dump", "iraq-2007"]) == 2
    assert capsys.readouterr().err == (
        "error: the standard output is closed; give the command somewhere to write (e.g. > FILE, "
        "or > /dev/null)\n"
    )

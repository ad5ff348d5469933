"""Hostile input at the command line: every bad case is one message naming the argument and the
fix, exit code 2, before any simulation; failed options exit with 1 and keep what ran."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import grudging.chain
from grudging.cli import main


@pytest.fixture
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any simulation fails the test: the refusals must come before it."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("simulated before the arguments were checked")

    monkeypatch.setattr(grudging.chain, "simulate", refuse)


@pytest.fixture
def blocker(tmp_path: Path) -> Path:
    """A file where a folder would be needed."""
    path = tmp_path / "file.txt"
    path.write_text("not a folder")
    return path


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


# Output paths -------------------------------------------------------------------------------------
@pytest.mark.usefixtures("no_simulation")
def test_run_report_under_a_file_is_refused_before_the_run(
    tiny_path: Path, blocker: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = blocker / "sub" / "r.html"
    assert main(["run", str(tiny_path), "-n", "5", "--report", str(out)]) == 2
    assert _err(capsys) == (
        f"error: --report {out}: {blocker} is a file, not a folder, so {out.parent} cannot be "
        "created; choose another path\n"
    )


@pytest.mark.usefixtures("no_simulation")
def test_run_report_that_is_a_folder_is_refused(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(tiny_path), "-n", "5", "--report", str(tmp_path)]) == 2
    assert _err(capsys).startswith(
        f"error: --report {tmp_path}: this is a folder; give a file name, e.g. --report "
        f"{tmp_path / 'out.html'}"
    )


@pytest.mark.usefixtures("no_simulation")
def test_run_save_into_a_file_is_refused(
    tiny_path: Path, blocker: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(tiny_path), "-n", "5", "--report", "-", "--save", str(blocker)]) == 2
    assert _err(capsys).startswith(
        f"error: --save {blocker}: {blocker} is a file, not a folder; choose another path"
    )


@pytest.mark.usefixtures("no_simulation")
def test_run_save_over_saved_results_is_refused_and_keeps_them(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "metadata.json").write_text('{"seed": 1}')
    (saved / "outcomes.parquet").write_bytes(b"PAR1 an earlier run")
    (saved / "notes.txt").write_text("the analyst's own file")
    before = {p.name: p.read_bytes() for p in saved.iterdir()}
    assert main(["run", str(tiny_path), "-n", "5", "--report", "-", "--save", str(saved)]) == 2
    assert _err(capsys).startswith(
        f"error: --save {saved}: the folder already holds saved results (metadata.json, "
        "outcomes.parquet); choose another folder, or add --overwrite to replace them"
    )
    assert {p.name: p.read_bytes() for p in saved.iterdir()} == before


@pytest.mark.usefixtures("no_simulation")
def test_run_overwrite_without_save_is_refused(
    tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(tiny_path), "-n", "5", "--report", "-", "--overwrite"]) == 2
    assert _err(capsys).startswith(
        "error: --overwrite: it replaces saved results, so it needs --save DIR"
    )


@pytest.mark.usefixtures("no_simulation")
@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_run_report_where_nothing_can_be_written_is_refused(
    tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = Path("/proc") / f"grudging-test-{os.getpid()}" / "r.html"
    assert main(["run", str(tiny_path), "-n", "5", "--report", str(out)]) == 2
    assert _err(capsys).startswith(
        f"error: --report {out}: the folder {out.parent} cannot be created in /proc ("
    )


@pytest.mark.usefixtures("no_simulation")
def test_report_out_under_a_file_is_refused_before_the_run(
    tiny_path: Path, blocker: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = blocker / "r.html"
    assert main(["report", str(tiny_path), "-n", "5", "--out", str(out)]) == 2
    assert _err(capsys).startswith(f"error: --out {out}: {blocker} is a file, not a folder")


@pytest.mark.usefixtures("no_simulation")
def test_backtest_plot_under_a_file_is_refused_before_the_run(
    tiny_path: Path, blocker: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = blocker / "p.png"
    assert main(["backtest", str(tiny_path), "-n", "5", "--plot", str(out)]) == 2
    assert _err(capsys).startswith(f"error: --plot {out}: {blocker} is a file, not a folder")
    assert main(["backtest", str(tiny_path), "-n", "5", "--plot", "p.txt"]) == 2
    assert "give a file name ending in .png or .svg" in _err(capsys)


def test_evidence_report_under_a_file_is_refused_before_the_checks(
    blocker: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = blocker / "e.html"
    assert main(["evidence", "--check", "F01", "--report", str(out)]) == 2
    assert _err(capsys).startswith(f"error: --report {out}: {blocker} is a file, not a folder")


def test_sweep_store_under_a_file_or_on_a_folder_is_refused(
    tiny_path: Path, tmp_path: Path, blocker: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = blocker / "s.duckdb"
    assert main(["sweep", str(store), "--scenario", str(tiny_path), "-n", "5"]) == 2
    assert _err(capsys).startswith(
        f"error: store {store}: {blocker} is a file, not a folder; choose another path"
    )
    assert main(["sweep", str(tmp_path), "--scenario", str(tiny_path), "-n", "5"]) == 2
    assert _err(capsys).startswith(
        f"error: store {tmp_path}: a folder; give a file name for the store, e.g. "
        f"{tmp_path / 'sweep.duckdb'}"
    )
    assert main(["sweep", str(tmp_path), "--resume"]) == 2
    assert _err(capsys).startswith(f"error: store {tmp_path}: a folder, not a store")


# Sizes ---------------------------------------------------------------------------------------
@pytest.mark.usefixtures("no_simulation")
def test_a_run_too_large_for_memory_is_refused_up_front(
    tiny_runnable_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    n = 10**12
    assert main(["run", str(tiny_runnable_path), "-n", str(n), "--report", "-"]) == 2
    err = _err(capsys)
    assert err.startswith(
        f"error: -n {n:,}: {n:,} replications x 3 options x 3 regions x 24 months would need "
        "about 17.3 PB of memory, and "
    )
    assert "use at most about" in err
    assert "or 'grudging sweep', which streams its runs to a store on disk" in err


def test_run_memory_estimate_is_cells_times_the_measured_constant() -> None:
    from grudging.cli._checks import RUN_BASE_BYTES, RUN_BYTES_PER_CELL, check_run_memory

    assert check_run_memory(1000, 2, 18, 60, None) == 1000 * 2 * 18 * 60 * 80 + RUN_BASE_BYTES
    assert RUN_BYTES_PER_CELL == 80
    need = 10 * 18 * 60 * 80 + RUN_BASE_BYTES
    assert check_run_memory(10, 1, 18, 60, need) == need  # exactly fits


@pytest.mark.usefixtures("no_simulation")
def test_report_and_backtest_refuse_a_run_too_large(
    tiny_runnable_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    assert main(["report", str(tiny_runnable_path), "-n", str(10**12), "--out", str(out)]) == 2
    assert "3 options x 3 regions x 24 months would need" in _err(capsys)
    assert main(["backtest", str(tiny_runnable_path), "-n", str(10**12), "--plot", "-"]) == 2
    assert "1 option x 3 regions x 24 months would need" in _err(capsys)


#: what-would-it-take on the toy scenario, its proposal against the patron staying.
WHAT = [
    "what-would-it-take",
    "--scenario",
    "TINY",
    "--option",
    "alliance_replaces",
    "--baseline",
    "patron_stays",
]


@pytest.mark.parametrize(
    ("args", "target", "start", "end"),
    [
        (
            ["cases", "-n", "1000000000000"],
            "grudging.cases.runner.run_library",
            "error: -n 1,000,000,000,000: 1,000,000,000,000 replications x 1 option x 1 region "
            "x 24 months would need about 1.9 PB of memory, and ",
            "use at most about {} replications (-n)",
        ),
        (
            [*WHAT, "-r", str(10**12)],
            "grudging.explore.what_it_takes.what_it_takes",
            "error: --replications 1,000,000,000,000: 1,000,000,000,000 replications x 2 "
            "options x 3 regions x 24 months would need about 11.5 PB of memory, and ",
            "use at most about {} replications (--replications)",
        ),
        (
            [*WHAT, "--parameter-replications", str(10**12)],
            "grudging.explore.what_it_takes.what_it_takes",
            "error: --parameter-replications 1,000,000,000,000: 1,000,000,000,000 replications "
            "x 2 options x 3 regions x 24 months would need about 11.5 PB of memory, and ",
            "use at most about {} replications (--parameter-replications)",
        ),
        (
            ["backtest", "TINY", "-n", str(10**12), "--plot", "-"],
            "grudging.evidence.backtest.backtest",
            "error: -n 1,000,000,000,000: 1,000,000,000,000 replications x 1 option x 3 regions "
            "x 24 months would need about 5.8 PB of memory, and ",
            "use at most about {} replications (-n)",
        ),
    ],
)
def test_huge_runs_of_every_command_are_refused_before_any_work(
    tiny_runnable_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    target: str,
    start: str,
    end: str,
) -> None:
    def refuse(*a: Any, **k: Any) -> Any:
        raise AssertionError("worked before the size was checked")

    monkeypatch.setattr(target, refuse)
    args = [str(tiny_runnable_path) if a == "TINY" else a for a in args]
    assert main(args) == 2
    err = _err(capsys).strip()
    assert err.startswith(start)
    fits = err.rsplit("use at most about ", 1)[1].split(" ")[0]
    assert err.endswith(end.format(fits)), err


def test_calibrate_refuses_a_huge_bootstrap_and_an_unwritable_folder_before_fitting(
    monkeypatch: pytest.MonkeyPatch, blocker: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*a: Any, **k: Any) -> Any:
        raise AssertionError("fitted before the arguments were checked")

    monkeypatch.setattr("grudging.calibration.dynamics.calibrate", refuse)
    assert main(["calibrate", "dynamics", "--bootstrap", "1000000000"]) == 2
    assert _err(capsys) == (
        "error: --bootstrap 1000000000: give 0 to 10,000 refits (each takes about a second; the "
        "default is 100)\n"
    )
    out = blocker / "cal"
    assert main(["calibrate", "dynamics", "--out", str(out)]) == 2
    assert _err(capsys) == (
        f"error: --out {out}: {blocker} is a file, not a folder, so {out} cannot be created; "
        "choose another path\n"
    )


@pytest.mark.parametrize("month", ["2006-12", "2013-01"])
def test_backtest_to_a_month_outside_the_replay_is_refused(
    month: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*a: Any, **k: Any) -> Any:
        raise AssertionError("ran before --to was checked")

    monkeypatch.setattr("grudging.evidence.backtest.backtest", refuse)
    assert main(["backtest", "--to", month, "-n", "5", "--plot", "-"]) == 2
    assert _err(capsys) == (
        f"error: --to {month}: the replay runs from 2007-01 to 2011-12; give a month in that span\n"
    )


def test_one_case_is_run_and_shown_unscored(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cases", "--case", "angola-1991", "-n", "20", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [row["id"] for row in report["cases"]] == ["angola-1991"]
    # its naive forecasts learn from the other cases of the library
    assert 0.0 < report["cases"][0]["p_base_rate"] < 1.0
    assert report["scores"] == {}
    assert report["verdict"].startswith("One case is not scored: its forecasts are in the table")


def test_a_sweep_too_large_is_refused_before_its_design_is_sampled(
    tiny_runnable_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import grudging.explore.design

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the design was sampled before its size was checked")

    monkeypatch.setattr(grudging.explore.design, "make_design", refuse)
    store = tmp_path / "huge.duckdb"
    args = [
        "sweep",
        str(store),
        "--scenario",
        str(tiny_runnable_path),
        "-n",
        "100000000",
        "-r",
        "1000",
    ]
    assert main(args) == 2
    assert _err(capsys).startswith(
        "error: design too large for the disk: 100,000,000 points x 3 options x 1,000 "
        "replications = 300,000,000,000 runs would need about "
    )
    assert not store.exists()


@pytest.mark.parametrize(
    ("flag", "value"),
    [("-n", "0"), ("-r", "0"), ("--block", "0"), ("--workers", "-2"), ("--levels", "0")],
)
def test_sweep_sizes_below_one_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str
) -> None:
    assert main(["sweep", str(tmp_path / "s.duckdb"), flag, value]) == 2
    assert f"{value}: give at least 1" in _err(capsys)


def test_zero_replications_are_still_refused(
    tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(tiny_path), "-n", "0", "--report", "-"]) == 2
    assert _err(capsys) == "error: --replications 0: give at least 1\n"
    assert main(["run", str(tiny_path), "-n", "-3", "--report", "-"]) == 2
    assert _err(capsys) == "error: --replications -3: give at least 1\n"


# Seeds and repeated names --------------------------------------------------------------------
@pytest.mark.parametrize(
    "command",
    [["run", "--report", "-"], ["report"], ["backtest"], ["sweep", "s.duckdb"], ["evidence"]],
)
def test_a_negative_seed_is_refused(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--seed", "-1"]) == 2
    assert _err(capsys) == (
        "error: --seed -1: a seed must be a non-negative integer (0 to "
        "9,223,372,036,854,775,807); e.g. --seed 1\n"
    )


def test_a_seed_beyond_64_bits_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--seed", str(2**63), "--report", "-"]) == 2
    assert "a seed must be a non-negative integer (0 to 9,223,372,036,854,775,807)" in _err(capsys)


@pytest.mark.parametrize(
    "command",
    [
        ["run", "--report", "-", "--option", "us_stays", "--option", "us_stays"],
        ["sweep", "s.duckdb", "--option", "us_stays", "--option", "us_stays"],
        ["robustness", "s.duckdb", "--option", "us_stays", "--option", "us_stays"],
    ],
)
def test_an_option_given_twice_is_refused(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(command) == 2
    assert _err(capsys) == (
        "error: --option us_stays is given twice; name each option once (leave out the repeat)\n"
    )


# Failed options: exit code 1, the rest still printed and saved -------------------------------
def test_a_failed_option_exits_1_and_keeps_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = grudging.chain.simulate

    def one_fails(*args: Any, **kwargs: Any) -> Any:
        results = real(*args, **kwargs)
        bad = results.status["option"] == "us_withdraws"
        results.status.loc[bad, "status"] = "failed"
        results.status.loc[bad, "error"] = "planted failure"
        results.outcomes = results.outcomes[results.outcomes["option"] != "us_withdraws"]
        return results

    monkeypatch.setattr(grudging.chain, "simulate", one_fails)
    report, saved = tmp_path / "out" / "r.html", tmp_path / "saved"
    args = ["run", "--option", "us_stays", "--option", "us_withdraws", "-n", "3", "--quiet"]
    assert main([*args, "--report", str(report), "--save", str(saved)]) == 1
    captured = capsys.readouterr()
    assert "Outcomes by course of action" in captured.out
    assert "option us_withdraws failed: planted failure" in captured.err
    assert report.is_file()
    assert (saved / "metadata.json").is_file()
    assert main([*args, "--report", "-", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["failed"] == [{"option": "us_withdraws", "error": "planted failure"}]
    assert {row["option"] for row in data["summary"]} == {"us_stays"}


def test_every_option_failing_exits_1_without_a_traceback(
    tiny_runnable_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import grudging.options
    from grudging.errors import InfeasibleError

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise InfeasibleError("no nation can serve the requirement")

    monkeypatch.setattr(grudging.options, "plan_option", fail)
    report = tmp_path / "r.html"
    args = ["run", str(tiny_runnable_path), "-n", "2", "--quiet", "--report", str(report)]
    assert main(args) == 1
    err = _err(capsys)
    assert err.count("failed: no nation can serve the requirement") == 3
    assert f"no report written: every option failed ({report})" in err
    assert not report.exists()


def test_new_makes_the_folder_it_writes_into(tmp_path: Path) -> None:
    path = tmp_path / "cases" / "2013" / "mali-2013.yaml"
    assert main(["new", "mali-2013", "--out", str(path)]) == 0
    assert path.read_text(encoding="utf-8").startswith("# A minimal case")

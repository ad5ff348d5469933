"""Damaged stores (cut short, garbage, inconsistent counts) and unwritable outputs of the store
commands: one message naming the file, exit code 2, the store never changed, never complete."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import numpy as np
import pytest
from explore_helpers import synthetic_design, synthetic_store

from grudging.cli import main
from grudging.errors import StoreError
from grudging.explore.levers import Factor
from grudging.results.store import FORMAT_VERSION, Store, expected_size, open_store

FACTORS = [
    Factor("dynamics.a", "parameter", "real", low=0.0, high=1.0),
    Factor("dynamics.b", "parameter", "real", low=0.0, high=10.0),
]
DAMAGED = "the store is damaged"


def _store(tmp_path: Path, name: str = "s.duckdb", version: int = FORMAT_VERSION) -> Path:
    """A complete synthetic store: two options, 300 design points, one outcome."""
    design = synthetic_design("lhs", 300, FACTORS)
    x = design.values()["dynamics.a"].to_numpy()
    return synthetic_store(
        tmp_path / name,
        design,
        {"a": {"civilian_deaths": 100 * x}, "b": {"civilian_deaths": np.full(300, 50.0)}},
        format_version=version,
    )


def _cut(path: Path, keep: int) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(keep)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _commands(path: Path, tmp_path: Path) -> list[list[str]]:
    """Every command that reads a store."""
    return [
        ["robustness", str(path), "--outcome", "civilian_deaths"],
        ["export", str(path), "--out", str(tmp_path / "export")],
        ["sensitivity", str(path), "--outcome", "civilian_deaths", "--option", "a"],
        ["discover", str(path), "--outcome", "civilian_deaths", "--option", "a", "--baseline", "b"],
        ["sweep", str(path), "--resume", "--quiet"],
    ]


def test_a_healthy_store_is_as_long_as_its_header_says(tmp_path: Path) -> None:
    path = _store(tmp_path)
    assert expected_size(path) == path.stat().st_size
    with open_store(path) as store:
        assert store.complete
        store.verify()


def test_a_store_cut_short_is_refused_by_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _store(tmp_path)
    size = path.stat().st_size
    _cut(path, size - 4096)
    before = _digest(path)
    for args in _commands(path, tmp_path):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert err.startswith(f"error: {path}: {DAMAGED} (the file has {size - 4096:,} bytes")
        assert "restore it from a copy, or run the sweep again into a new store" in err
        assert "Traceback" not in err
    assert _digest(path) == before  # nothing was written to it
    assert not (tmp_path / "export").exists()


def test_a_resumed_sweep_never_reports_a_cut_store_complete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _store(tmp_path)
    _cut(path, path.stat().st_size // 2)
    assert main(["sweep", str(path), "--resume", "--quiet"]) == 2
    captured = capsys.readouterr()
    assert "runs stored" not in captured.out
    assert DAMAGED in captured.err


def test_garbage_is_not_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "g.duckdb"
    path.write_bytes(bytes(range(256)) * 400)
    for args in _commands(path, tmp_path):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert err.startswith(f"error: {path}: not a DuckDB store, or one damaged beyond reading")
    assert path.read_bytes() == bytes(range(256)) * 400


def test_garbage_inside_a_store_is_found_on_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _store(tmp_path)
    size = path.stat().st_size
    with open(path, "r+b") as fh:  # overwrite every data block past the headers, keep the length
        fh.seek(3 * 4096)
        fh.write(b"\x5a" * (size - 3 * 4096))
    for args in _commands(path, tmp_path):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert err.startswith(f"error: {path}: ")
        assert "Traceback" not in err
    assert main(["sweep", str(path), "--resume", "--quiet"]) == 2
    assert DAMAGED in capsys.readouterr().err


@pytest.mark.parametrize(
    ("version", "delete"),
    [
        (2, "DELETE FROM run_status WHERE point < 10 AND option = 'a'"),
        (
            3,
            "DELETE FROM run_rows WHERE point < 10 AND chunk IN "
            "(SELECT chunk_no FROM chunks WHERE option = 'a')",
        ),
    ],
)
def test_counts_that_disagree_with_the_chunks_are_damage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], version: int, delete: str
) -> None:
    path = _store(tmp_path, version=version)
    con = duckdb.connect(str(path))
    con.execute(delete)
    con.close()
    with pytest.raises(StoreError) as caught:
        open_store(path)
    assert str(caught.value).startswith(
        f"{path}: {DAMAGED} (the status table has 590 rows for the 600 runs that its 2 chunks "
        "record"  # format 3 goes on with the outcome rows these runs lack
    )
    assert main(["robustness", str(path)]) == 2
    assert "the status table has 590 rows" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("version", "change", "rows"),
    [
        (2, "DELETE FROM outcome_rows WHERE point = 0", 598),
        # format 3: a chunk marked failed whose runs the counts say ran has no outcome rows
        (3, "UPDATE chunks SET status = 'failed' WHERE option = 'a'", 300),
    ],
)
def test_missing_outcome_rows_are_damage(
    tmp_path: Path, version: int, change: str, rows: int
) -> None:
    path = _store(tmp_path, version=version)
    con = duckdb.connect(str(path))
    con.execute(change)
    con.close()
    with pytest.raises(StoreError, match=rf"{rows} outcome rows where 600 runs x 1 outcomes = 600"):
        Store.open(path)


def test_more_runs_than_designed_is_damage(tmp_path: Path) -> None:
    path = _store(tmp_path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET total_runs = 500")
    con.close()
    with pytest.raises(StoreError, match=r"its chunks record 600 runs, more than the 500 designed"):
        open_store(path)


def test_a_folder_is_not_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["robustness", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {tmp_path}: a folder, not a store")


# Outputs of the store commands, refused before the analysis -----------------------------------
@pytest.mark.parametrize(
    ("command", "flag"),
    [
        (["robustness"], "--out"),
        (["sensitivity", "--outcome", "civilian_deaths", "--option", "a"], "--out"),
        (
            ["discover", "--outcome", "civilian_deaths", "--option", "a", "--worse-than", "1"],
            "--out",
        ),
    ],
)
def test_an_analysis_table_under_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], flag: str
) -> None:
    path = _store(tmp_path)
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    out = blocker / "t.csv"
    assert main([command[0], str(path), *command[1:], flag, str(out)]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: --out {out}: {blocker} is a file, not a folder; choose another path"
    )


def test_an_analysis_table_must_be_csv_or_parquet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _store(tmp_path)
    assert main(["robustness", str(path), "--out", str(tmp_path / "t.xlsx")]) == 2
    assert "give a file name ending in .csv or .parquet (got '.xlsx')" in capsys.readouterr().err


def test_export_into_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _store(tmp_path)
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    assert main(["export", str(path), "--out", str(blocker)]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: --out {blocker}: {blocker} is a file, not a folder; choose another path"
    )
    assert main(["export", str(path), "--out", str(blocker / "inside")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert blocker.read_text() == "not a folder"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_export_where_nothing_can_be_written_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _store(tmp_path)
    out = Path("/proc") / f"grudging-test-{os.getpid()}"
    assert main(["export", str(path), "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: --out {out}: the folder {out} cannot be created in /proc"
    )


@pytest.mark.parametrize(
    ("version", "table"),
    [(2, "run_status"), (2, "outcome_rows"), (3, "run_rows"), (3, "outcome_rows")],
)
def test_a_missing_table_is_damage(tmp_path: Path, version: int, table: str) -> None:
    path = _store(tmp_path, version=version)
    con = duckdb.connect(str(path))
    views = {
        "run_status": ["status"],
        "outcome_rows": ["outcomes"],
        "run_rows": ["status", "outcomes"],
    }
    for view in views[table]:  # the views that read the table
        con.execute(f"DROP VIEW {view}")
    con.execute(f"DROP TABLE {table}")
    con.close()
    # (DuckDB may also leave the file shorter than its header says: either is damage)
    with pytest.raises(StoreError, match=rf"{DAMAGED} \((the table {table} is missing|the file)"):
        open_store(path)


def test_no_table_is_written_over_a_saved_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """export and the analyses' --out refuse a folder that holds a saved run (or one of its
    files): a table written there would replace the run's own, and it would load as the run."""
    path = _store(tmp_path)
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "metadata.json").write_text('{"seed": 42}')
    (saved / "outcomes.parquet").write_bytes(b"PAR1 the run's outcomes")
    before = {p.name: p.read_bytes() for p in saved.iterdir()}
    assert main(["export", str(path), "--out", str(saved)]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: --out {saved}: the folder holds a saved run ('grudging run --save'), whose "
        "files this would replace; choose another folder"
    )
    out = saved / "outcomes.parquet"
    assert main(["robustness", str(path), "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: --out {out}: {saved} holds a saved run ('grudging run --save'), and this would "
        "replace its outcomes.parquet; choose another file name or folder"
    )
    assert {p.name: p.read_bytes() for p in saved.iterdir()} == before
    # beside the run, under a name of its own, a table is fine
    beside = ["--outcome", "civilian_deaths", "--out", str(saved / "robustness.csv")]
    assert main(["robustness", str(path), *beside]) == 0


def test_robustness_and_regret_refuse_an_unfinished_sweep(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As discovery and sensitivity do: a sweep killed half-way names how to finish it."""
    from grudging.explore.robust import regret

    path = _store(tmp_path)
    with duckdb.connect(str(path)) as con:  # option b's runs never written: a killed sweep
        con.execute("DELETE FROM chunks WHERE chunk_id LIKE '%/b'")
    assert main(["robustness", str(path), "--outcome", "civilian_deaths"]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: {path}: the sweep is unfinished (300 of 600 runs stored); robustness needs "
        f"every run: finish it with 'grudging sweep {path} --resume'"
    )
    with pytest.raises(StoreError, match="regret needs every run"):
        regret(path, "civilian_deaths")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["discover", "--threshold", "1.5"], "--threshold 1.5: a box's density is a share"),
        (["discover", "--threshold", "nan"], "--threshold nan: a box's density is a share"),
        (["discover", "--threshold", "-1"], "--threshold -1: a box's density is a share"),
        (["discover", "--boxes", "0"], "--boxes 0: look for at least 1 box"),
        (["discover", "--mass-min", "2"], "--mass-min 2: the smallest box is a share"),
        (["discover", "--mass-min", "nan"], "--mass-min nan: the smallest box is a share"),
        (["sensitivity", "--top", "0"], "--top 0: show at least 1 factor"),
        (["sensitivity", "--top", "-2"], "--top -2: show at least 1 factor"),
        (
            ["robustness", "--satisfice", "civilian_deaths=nan"],
            "--satisfice civilian_deaths=nan: give a threshold of 0 or more",
        ),
        (
            ["robustness", "--satisfice", "civilian_deaths=-1"],
            "--satisfice civilian_deaths=-1: give a threshold of 0 or more",
        ),
        (
            ["robustness", "--satisfice", "civil_war=5"],
            "--satisfice civil_war=5: give a threshold from 0 to 1 (a probability)",
        ),
    ],
)
def test_analysis_settings_no_answer_can_have_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    path = _store(tmp_path)
    before = _digest(path)
    command = [args[0], str(path), "--outcome", "civilian_deaths", *args[1:]]
    if args[0] != "robustness":
        command += ["--option", "a"]
    assert main(command) == 2
    assert capsys.readouterr().err.startswith(f"error: {message}")
    assert _digest(path) == before


def test_what_would_it_take_shows_at_least_one_condition(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["what-would-it-take", "--top", "-1"]) == 2
    assert capsys.readouterr().err.startswith(
        "error: --top -1: show at least 1 parameter condition"
    )


def test_a_report_refuses_a_sweep_of_another_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _store(tmp_path)  # swept from the scenario 'synthetic'
    out = tmp_path / "r.html"
    assert main(["report", "--store", str(path), "-n", "5", "--out", str(out), "--quiet"]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: --store {path}: a sweep of scenario 'synthetic', not of this report's "
        "'iraq-2007'; give a store swept from 'iraq-2007'"
    )
    assert not out.exists()


def test_what_would_it_take_names_a_default_option_the_scenario_lacks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["what-would-it-take", "--scenario", "bosnia-1995"]) == 2
    assert capsys.readouterr().err.startswith(
        "error: --option: scenario 'bosnia-1995' has no option 'nato_replaces', the default of "
        "--option; name one with --option (options: no_force, unprofor_continues, "
        "ifor_as_deployed)"
    )


def test_discovery_against_the_option_itself_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _store(tmp_path)
    args = ["discover", str(path), "--outcome", "civilian_deaths", "--option", "a"]
    assert main([*args, "--baseline", "a"]) == 2
    assert capsys.readouterr().err.startswith(
        "error: --baseline a: the baseline is the option itself; compare it with another option (b)"
    )


@pytest.mark.slow  # a design of 38 MB
def test_a_design_larger_than_the_writer_s_memory_cap_resumes(tmp_path: Path) -> None:
    """A resumed sweep reads its design back before the writer's 32 MB cap applies: a store of
    30,000 points over 166 factors (38 MB) could not be resumed, finished or not (audit,
    2026-12-07: DuckDB's out-of-memory error, every try)."""
    import grudging
    from grudging.explore.design import make_design
    from grudging.results.store import Store

    iraq = grudging.load("iraq-2007")
    design = make_design(iraq, "lhs", 30_000, parameters="all", levers="none", seed=1)
    path = synthetic_store(tmp_path / "big.duckdb", design, {"a": {"x": np.zeros(30_000)}})
    store = Store.open(path, read_only=False)
    try:
        assert len(store.points()) == 30_000
        store.writing()  # the cap the runs are written under
        assert store.done_chunks()
    finally:
        store.close()


@pytest.mark.parametrize("stop", ["ctrl-c", "duckdb"])
def test_a_store_stopped_while_it_is_created_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: str
) -> None:
    """Ctrl-C while the design was written left a DuckDB file with no store in it: neither
    resumable nor reusable (audit, 2026-12-07). DuckDB reports a query it stopped as its own
    error; both are the KeyboardInterrupt they were, and the path stays free."""
    design = synthetic_design(
        "lhs", 8, [Factor("dynamics.a", "parameter", "real", low=0.0, high=1.0)]
    )
    real = Store._create_tables

    def stopped(self: Store, *args: object) -> None:
        real(self, *args)
        raise KeyboardInterrupt if stop == "ctrl-c" else duckdb.InterruptException("interrupted")

    monkeypatch.setattr(Store, "_create_tables", stopped)
    path = tmp_path / "s.duckdb"
    with pytest.raises(KeyboardInterrupt):
        synthetic_store(path, design, {"a": {"x": np.zeros(8)}})
    assert not path.exists()
    assert not Path(f"{path}.wal").exists()


def test_ctrl_c_says_what_the_store_holds(tmp_path: Path) -> None:
    from grudging.cli.explore import _interrupted

    path = tmp_path / "s.duckdb"
    assert _interrupted(path, (0, 0, 0)) == (
        f"interrupted before the store was created: nothing was stored in {path}; run the same "
        "command again to start the sweep"
    )
    design = synthetic_design(
        "lhs", 8, [Factor("dynamics.a", "parameter", "real", low=0.0, high=1.0)]
    )
    synthetic_store(path, design, {"a": {"x": np.zeros(8)}})
    # the display had heard of nothing yet; the store holds the 8 runs of 8
    assert _interrupted(path, (0, 0, 0)) == (
        f"interrupted: 8 of 8 runs are stored in {path}; continue with 'grudging sweep {path} "
        "--resume'"
    )


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        (
            (),
            "an empty DuckDB file (no tables: a sweep stopped while it was creating its store?); "
            "nothing is stored in it: delete it and run the sweep again",
        ),
        (("CREATE TABLE t AS SELECT 1 AS x",), "a DuckDB file but not a grudging store"),
    ],
)
def test_a_duckdb_file_that_is_not_a_store_says_what_it_is(
    tmp_path: Path, tables: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.duckdb"
    with duckdb.connect(str(path)) as con:
        for statement in tables:
            con.execute(statement)
        con.execute("CHECKPOINT")
    before = _digest(path)
    for args in _commands(path, tmp_path):
        assert main(args) == 2, args
        err = " ".join(capsys.readouterr().err.split())
        assert err.startswith(f"error: {path}: {message}"), (args, err)
    assert _digest(path) == before

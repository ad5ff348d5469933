"""Store layouts: format 3 keeps one row per run with only what is per run (the chunk's option,
status, worker and seconds are the chunk's), outcomes as one column each, in a file of small
blocks; formats 1 (``run_id`` stored) and 2 (``run_status`` and long ``outcome_rows``) are still
read, written and resumed, and every layout reads the same columns and values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from explore_helpers import assert_same_tables, synthetic_design, synthetic_store

from grudging.errors import StoreError
from grudging.explore.design import make_design
from grudging.explore.levers import Factor
from grudging.results.store import (
    BLOCK_BYTES,
    FORMAT_VERSION,
    READABLE,
    RUN_KEYS,
    ChunkRows,
    Store,
    open_store,
)

FACTORS = [Factor("dynamics.a", "parameter", "real", low=0.0, high=1.0)]


def _store(path: Path, version: int) -> Path:
    design = synthetic_design("lhs", 40, FACTORS)
    x = design.values()["dynamics.a"].to_numpy()
    deaths = 100 * x
    deaths[5] = np.nan  # a run that gave NaN: stored as a NULL value in every layout
    return synthetic_store(
        path,
        design,
        {
            "a": {"civilian_deaths": deaths, "civil_war": x > 0.5},
            "b": {"civilian_deaths": x, "civil_war": x < 0.2},
        },
        failed={"b": np.array([3, 7])},
        format_version=version,
    )


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


def test_the_new_layout_keeps_only_what_is_per_run(tmp_path: Path) -> None:
    assert FORMAT_VERSION == 3
    path = _store(tmp_path / "s.duckdb", FORMAT_VERSION)
    con = duckdb.connect(str(path), read_only=True)
    assert _columns(con, "run_rows") == [*RUN_KEYS, "civil_war", "civilian_deaths"]
    assert {"worker", "seconds", "status", "error"} <= set(_columns(con, "chunks"))
    assert "run_status" not in {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    assert con.execute("SELECT block_size FROM pragma_database_size()").fetchone() == (BLOCK_BYTES,)
    # a failed run's outcomes are all NULL (the NaN run has one NULL, not both)
    nulls = con.execute(
        "SELECT count(*) FROM run_rows WHERE civilian_deaths IS NULL AND civil_war IS NULL"
    ).fetchone()
    assert nulls == (2,)
    con.close()


@pytest.mark.parametrize(
    "reader", ["outcomes", "status", "experiments", "per_point", "to_results", "counts"]
)
def test_every_layout_reads_the_same(tmp_path: Path, reader: str) -> None:
    frames = []
    for version in READABLE:
        with open_store(_store(tmp_path / f"v{version}.duckdb", version)) as store:
            if reader == "per_point":
                frame = store.per_point("civilian_deaths")
            elif reader == "to_results":
                frame = store.to_results().outcomes
            elif reader == "counts":
                frame = pd.DataFrame([store.counts()])
            else:
                frame = getattr(store, reader)()
            frames.append(frame.drop(columns=["worker", "seconds"], errors="ignore"))
    for version, frame in zip(READABLE[1:], frames[1:], strict=True):
        pd.testing.assert_frame_equal(frames[0], frame, check_exact=True, obj=f"format {version}")
    if reader == "outcomes":
        out = frames[-1]
        row = out.iloc[0]
        assert row["run_id"] == f"{row['point']}/{row['option']}/{row['replication']}"
        # 40 + 38 runs that ran, two outcomes each; the NaN run's value is read as missing
        assert len(out) == 2 * (40 + 38)
        assert out["value"].isna().sum() == 1


def test_status_gives_each_run_its_chunks_worker_and_seconds(tmp_path: Path) -> None:
    path = _store(tmp_path / "s.duckdb", FORMAT_VERSION)
    with Store.open(path, read_only=False) as store:
        store.write_chunk(
            ChunkRows(
                chunk_id="extra",
                group_key="g",
                block=4,
                option="c",
                points=np.array([0, 0, 1]),
                replications=np.array([0, 1, 0]),
                status="ok",
                error=None,
                worker="host:12",
                seconds=0.7,
                outcomes={"civilian_deaths": np.ones(3), "civil_war": np.zeros(3)},
                monthly={},
            )
        )
        status = store.status()
    extra = status[status["option"] == "c"]
    assert list(extra["run_id"]) == ["0/c/0", "0/c/1", "1/c/0"]
    assert list(extra["block"]) == ["g/4"] * 3
    assert list(extra["row"]) == [0, 1, 2]
    assert list(extra["worker"]) == ["host:12"] * 3
    assert list(extra["seconds"]) == [0.7 / 3] * 3  # exactly what format 2 stored per run


def _one_run(chunk_id: str, group_key: str, outcomes: dict[str, np.ndarray]) -> ChunkRows:
    """A finished chunk of one run (point 0, replication 1) of option a."""
    return ChunkRows(
        chunk_id=chunk_id,
        group_key=group_key,
        block=0,
        option="a",
        points=np.array([0]),
        replications=np.array([1]),
        status="ok",
        error=None,
        worker="w",
        seconds=0.0,
        outcomes=outcomes,
        monthly={},
    )


@pytest.mark.parametrize("version", READABLE)
def test_a_chunk_without_the_stores_outcomes_is_refused(tmp_path: Path, version: int) -> None:
    """In every layout: an older one took the chunk's rows, and the store read as damaged."""
    path = _store(tmp_path / "s.duckdb", version)
    chunk = _one_run("short", "g", {"civilian_deaths": np.ones(1)})
    with Store.open(path, read_only=False) as store:
        with pytest.raises(
            StoreError,
            match=r"chunk short has the outcomes civilian_deaths; the store holds civil_war, "
            r"civilian_deaths$",
        ):
            store.write_chunk(chunk)
        assert store.counts()["stored"] == 80  # nothing of it was written
    with open_store(path) as store:  # and the store is whole
        assert len(store.outcomes()) == 2 * (40 + 38)


@pytest.mark.parametrize("version", READABLE)
def test_a_chunk_stored_twice_is_refused_in_every_layout(tmp_path: Path, version: int) -> None:
    path = _store(tmp_path / "s.duckdb", version)
    # the id synthetic_store gave option a's runs
    again = _one_run(
        "synthetic/ok/a", "synthetic", {"civilian_deaths": np.ones(1), "civil_war": np.zeros(1)}
    )
    with Store.open(path, read_only=False) as store:
        before = store.status()
        with pytest.raises(
            StoreError,
            match=r"chunk synthetic/ok/a is already stored; a run is never stored twice$",
        ):
            store.write_chunk(again)
        pd.testing.assert_frame_equal(store.status(), before)


def test_an_outcome_named_like_a_run_column_is_refused(tmp_path: Path) -> None:
    design = synthetic_design("lhs", 4, FACTORS)
    with pytest.raises(
        StoreError,
        match=r"store metadata 'outcomes': 'Row' clashes with the run column 'row' \(DuckDB "
        r"compares names without case\); rename the outcome",
    ):
        synthetic_store(tmp_path / "s.duckdb", design, {"a": {"Row": np.ones(4)}})
    assert not (tmp_path / "s.duckdb").exists()


def test_an_unknown_layout_is_refused(tmp_path: Path) -> None:
    path = _store(tmp_path / "s.duckdb", FORMAT_VERSION)
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET format_version = 9")
    con.close()
    with pytest.raises(
        Exception, match=r"store format 9, this grudging reads formats 1, 2, 3; re-run"
    ):
        open_store(path)


# Sweeps of the model --------------------------------------------------------------------------
def _sweep(iraq: Any, path: Path, **kw: Any) -> Any:
    from grudging.explore.runner import sweep

    design = make_design(iraq, "lhs", 3, parameters="dynamics", levers="none", seed=4)
    return sweep(
        iraq, path, design, options=["us_stays", "us_withdraws"], replications=2, block=2, **kw
    )


@pytest.mark.parametrize("version", [pytest.param(1, marks=pytest.mark.slow), 2])
def test_older_layouts_resume_to_the_table_of_the_new_one(
    iraq: Any, tmp_path: Path, version: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grudging.explore import runner

    _sweep(iraq, tmp_path / "new.duckdb")
    monkeypatch.setattr(runner, "FORMAT_VERSION", version)
    calls: list[int] = []

    def stop_after_two_chunks(done: int, total: int, failed: int) -> None:
        calls.append(done)
        if len(calls) == 3:
            raise KeyboardInterrupt

    old = tmp_path / f"v{version}.duckdb"
    with pytest.raises(KeyboardInterrupt):
        _sweep(iraq, old, progress=stop_after_two_chunks)
    monkeypatch.undo()
    with open_store(old) as store:
        assert store.meta["format_version"] == version
        assert 0 < store.counts()["stored"] < 12
    report = runner.sweep(None, old, resume=True)
    assert report.complete
    assert_same_tables(tmp_path / "new.duckdb", old)  # exact, value for value


def test_stored_values_are_the_in_process_run_bit_for_bit(iraq: Any, tmp_path: Path) -> None:
    from grudging.explore.runner import chunk_specs, run_chunk, scenario_payload, stored_factors

    path = tmp_path / "s.duckdb"
    _sweep(iraq, path)
    with open_store(path) as store:
        meta = store.meta
        out = store.outcomes()
        specs = list(
            chunk_specs(
                store.points(),
                stored_factors(meta),
                meta["options"],
                meta["replications"],
                meta["block"],
                meta["seed"],
                meta["scenario_hash"],
            )
        )
    payload = scenario_payload(iraq)
    checked = 0
    for spec in specs:
        rows = run_chunk(spec, payload)
        for name, values in rows.outcomes.items():
            got = out[(out["option"] == spec.option) & (out["outcome"] == name)].set_index(
                ["point", "replication"]
            )["value"]
            keys = list(zip(spec.points.tolist(), spec.replications.tolist(), strict=True))
            stored = got.loc[keys].to_numpy()
            assert stored.dtype == np.float64
            assert np.array_equal(
                stored.view(np.uint64), np.asarray(values, dtype=float).view(np.uint64)
            )
            checked += stored.size
    assert checked == 12 * len(meta["outcomes"])

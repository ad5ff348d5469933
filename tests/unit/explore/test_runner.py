"""The sweep runner and the store: identity of results whatever the executor, common random
numbers across options, failures as rows, resuming after an interruption, and the refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from explore_helpers import assert_same_tables, tables

from grudging.errors import DesignError, GrudgingError, StoreError
from grudging.explore.design import make_design
from grudging.explore.runner import (
    check_capacity,
    check_levers_free,
    check_workers,
    estimate,
    local_workers,
    sweep,
)
from grudging.model.outcomes import OUTCOMES
from grudging.results.store import open_store

OPTIONS = ["us_stays", "us_withdraws"]


def _design(iraq: Any) -> Any:
    """Dynamics parameters crossed with two drawdown speeds: two plan groups of six points,
    three replications each, cut into blocks of five rows (several blocks per group)."""
    return make_design(
        iraq,
        "lhs",
        6,
        parameters="dynamics",
        levers="drawdown_months",
        cross_levers=True,
        levels=2,
        seed=5,
    )


def _sweep(iraq: Any, path: Path, **kw: Any) -> Any:
    return sweep(iraq, path, _design(iraq), options=OPTIONS, replications=3, block=5, seed=11, **kw)


def test_a_sweep_stores_every_run_once_with_its_outcomes(iraq: Any, tmp_path: Path) -> None:
    report = _sweep(iraq, tmp_path / "a.duckdb")
    assert report.complete
    assert (report.total_runs, report.stored_runs, report.failed_runs) == (72, 72, 0)
    t = tables(tmp_path / "a.duckdb")
    assert t["status"]["run_id"].is_unique
    assert len(t["status"]) == 72
    assert len(t["outcomes"]) == 72 * len(OUTCOMES)
    assert set(t["status"]["status"]) == {"ok"}
    # Each group holds 6 points x 3 replications = 18 rows: blocks of 5, 5, 5 and 3 rows, each
    # run under both options.
    blocks = t["status"].groupby("block").size()
    assert sorted(blocks.to_list()) == [6, 6, 10, 10, 10, 10, 10, 10]


@pytest.mark.slow
def test_identical_results_in_process_and_on_two_local_processes(iraq: Any, tmp_path: Path) -> None:
    _sweep(iraq, tmp_path / "inprocess.duckdb")
    report = _sweep(iraq, tmp_path / "processes.duckdb", executor="processes", workers=2)
    assert report.complete
    assert_same_tables(tmp_path / "inprocess.duckdb", tmp_path / "processes.duckdb")
    workers = set(tables(tmp_path / "processes.duckdb")["status"].get("worker", []))
    assert workers == set()  # the volatile column is dropped from the comparison
    with open_store(tmp_path / "processes.duckdb") as store:
        assert store.status()["worker"].nunique() >= 1
    # the exports are the same files, whichever order the chunks finished in
    same = ["experiments", "outcomes", "points", "design_unit"]
    for name in ("inprocess", "processes"):
        with open_store(tmp_path / f"{name}.duckdb") as store:
            store.export(tmp_path / name, "csv", same)
    for table in same:
        first = (tmp_path / "inprocess" / f"{table}.csv").read_bytes()
        assert first == (tmp_path / "processes" / f"{table}.csv").read_bytes(), table


@pytest.mark.slow
def test_identical_results_on_a_dask_local_cluster(iraq: Any, tmp_path: Path) -> None:
    _sweep(iraq, tmp_path / "inprocess.duckdb")
    report = _sweep(iraq, tmp_path / "dask.duckdb", executor="dask", workers=2)
    assert report.complete
    assert report.executor == "dask"
    assert report.workers == 2
    assert_same_tables(tmp_path / "inprocess.duckdb", tmp_path / "dask.duckdb")


def test_common_random_numbers_across_options(iraq: Any, tmp_path: Path) -> None:
    """Two identical options under different names get identical numbers, run by run: the random
    streams never name the option."""
    from grudging.scenario.io import scenario_from_dict, scenario_to_dict

    data = scenario_to_dict(iraq)
    twin = next(o for o in data["options"] if o["id"] == "us_withdraws")
    data["options"].append({**twin, "id": "us_withdraws_twin"})
    scn = scenario_from_dict(data)
    design = make_design(scn, "lhs", 8, parameters="dynamics", levers="none", seed=2)
    sweep(
        scn,
        tmp_path / "twin.duckdb",
        design,
        options=["us_withdraws", "us_withdraws_twin"],
        replications=4,
        block=7,
    )
    out = tables(tmp_path / "twin.duckdb")["outcomes"]
    a = out[out["option"] == "us_withdraws"].set_index(["point", "replication", "outcome"])
    b = out[out["option"] == "us_withdraws_twin"].set_index(["point", "replication", "outcome"])
    assert len(a) == 8 * 4 * len(OUTCOMES)
    np.testing.assert_array_equal(a["value"].sort_index(), b["value"].sort_index())
    # ... while replications of the same point differ (independent draws).
    deaths = a.xs("civilian_deaths", level="outcome")["value"]
    assert deaths.groupby(level="point").nunique().min() > 1


def test_a_failing_plan_becomes_failed_rows_not_a_crash(
    iraq: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import grudging.options

    real = grudging.options.plan_option

    def plan(scn: Any, option: Any, values: Any = None, seed: int = 0, **kw: Any) -> Any:
        if getattr(option, "id", option) == "us_withdraws":
            raise GrudgingError("no troops to withdraw")
        return real(scn, option, values, seed, **kw)

    monkeypatch.setattr(grudging.options, "plan_option", plan)
    report = _sweep(iraq, tmp_path / "failed.duckdb")
    assert report.complete
    assert (report.stored_runs, report.failed_runs) == (72, 36)
    assert report.errors == ["us_withdraws: GrudgingError: no troops to withdraw"]
    status = tables(tmp_path / "failed.duckdb")["status"]
    failed = status[status["status"] == "failed"]
    assert set(failed["option"]) == {"us_withdraws"}
    assert set(failed["error"]) == {"GrudgingError: no troops to withdraw"}
    outcomes = tables(tmp_path / "failed.duckdb")["outcomes"]
    assert set(outcomes["option"]) == {"us_stays"}


@pytest.mark.slow
def test_interrupted_sweep_resumes_to_the_same_table(iraq: Any, tmp_path: Path) -> None:
    _sweep(iraq, tmp_path / "whole.duckdb")
    calls = []

    def stop_after_five_chunks(done: int, total: int, failed: int) -> None:
        calls.append(done)
        if len(calls) == 6:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _sweep(iraq, tmp_path / "cut.duckdb", progress=stop_after_five_chunks)
    with open_store(tmp_path / "cut.duckdb") as store:
        stored = store.counts()["stored"]
    assert 0 < stored < 72
    report = sweep(None, tmp_path / "cut.duckdb", resume=True)
    assert report.complete
    assert report.session_runs == 72 - stored
    assert_same_tables(tmp_path / "whole.duckdb", tmp_path / "cut.duckdb")
    # Resuming a finished sweep computes nothing.
    again = sweep(iraq, tmp_path / "cut.duckdb", resume=True)
    assert again.session_runs == 0
    assert again.complete


def test_a_store_of_another_scenario_is_refused(iraq: Any, tmp_path: Path) -> None:
    from grudging.scenario import load_scenario
    from grudging.scenario.io import scenario_hash

    path = tmp_path / "a.duckdb"
    _sweep(iraq, path)
    other = load_scenario("iraq-2007", overrides=["dynamics.self_excitation=0.3"])
    with pytest.raises(StoreError) as info:
        sweep(other, path, resume=True)
    assert str(info.value) == (
        f"{path}: holds runs of scenario iraq-2007 (hash {scenario_hash(iraq)}), not of iraq-2007 "
        f"(hash {scenario_hash(other)}); a store never mixes scenarios (an override changes the "
        "hash too): give a new path, or resume without --scenario and --set"
    )


def test_an_existing_store_is_not_overwritten(iraq: Any, tmp_path: Path) -> None:
    path = tmp_path / "a.duckdb"
    _sweep(iraq, path)
    with pytest.raises(StoreError) as info:
        _sweep(iraq, path)
    assert str(info.value) == (
        f"{path}: a DuckDB database already exists here (a store: continue its sweep with "
        "--resume; another database: it is left as it is); give a new path"
    )


def test_resuming_with_another_design_is_refused(iraq: Any, tmp_path: Path) -> None:
    path = tmp_path / "a.duckdb"
    _sweep(iraq, path)
    other = make_design(iraq, "lhs", 7, parameters="dynamics", levers="none")
    factors = 1 + sum(p.name.startswith("dynamics.") and p.high > p.low for p in iraq.parameters)
    with pytest.raises(
        StoreError, match=rf"holds a different design \(lhs, {factors} factors, n = 6\)"
    ):
        sweep(iraq, path, other, resume=True)


def test_the_store_records_its_provenance(iraq: Any, tmp_path: Path) -> None:
    from grudging import __version__
    from grudging.scenario.io import scenario_hash

    path = tmp_path / "a.duckdb"
    _sweep(iraq, path)
    with open_store(path) as store:
        meta = store.meta
    assert meta["version"] == __version__
    assert meta["scenario_id"] == "iraq-2007"
    assert meta["scenario_hash"] == scenario_hash(iraq)
    assert meta["seed"] == 11
    assert meta["options"] == OPTIONS
    assert meta["information_date"] == "2006-12"
    assert meta["data_window"]["last"] <= "2006-12"
    assert meta["design"]["method"] == "lhs"
    assert meta["design"]["cross_levers"] is True


def test_a_design_too_large_for_the_disk_is_refused_with_the_estimate(tmp_path: Path) -> None:
    est = estimate(1_000_000, 50, 5, 1000, 13, False, 60, 18, 500, 2)
    with pytest.raises(DesignError) as info:
        check_capacity(est, tmp_path / "big.duckdb", 10 * 10**9, None, monthly=False)
    assert str(info.value) == (
        "design too large for the disk: 1,000,000 points x 5 options x 1,000 replications = "
        f"5,000,000,000 runs would need about 1.8 TB in {tmp_path.resolve()}, which has "
        "10.0 GB free; use fewer points (-n), options or replications (-r), or put the store on "
        "a larger disk"
    )


def test_a_design_too_large_for_memory_is_refused_with_the_estimate(tmp_path: Path) -> None:
    est = estimate(200_000_000, 141, 1, 1, 13, False, 60, 18, 500, 2)
    with pytest.raises(DesignError) as info:
        check_capacity(est, tmp_path / "big.duckdb", None, 8 * 10**9, monthly=False)
    assert str(info.value).startswith(
        "design too large for memory: 200,000,000 points x 1 option x 1 replication = "
        "200,000,000 runs over 141 factors would need about "
    )
    assert str(info.value).endswith(
        "of memory, and 8.0 GB is available; use fewer points (-n) or factors (--parameters, "
        "--levers), fewer workers, or a smaller --block"
    )


def test_memory_taken_by_the_workers_is_blamed_on_the_workers(tmp_path: Path) -> None:
    """5 points and 100,000 workers were refused as a 'design too large for memory' of 21.6 TB,
    with fewer points first among the fixes (audit)."""
    est = estimate(5, 171, 5, 10, 13, False, 60, 18, 500, 100_000)
    with pytest.raises(DesignError) as info:
        check_capacity(est, tmp_path / "w.duckdb", None, 24 * 10**9, monthly=False)
    assert str(info.value) == (
        "too many workers for memory: 100,000 workers would need about 21.6 TB (216.4 MB each) of "
        "the 21.6 TB this sweep (5 points x 5 options x 10 replications = 250 runs over 171 "
        "factors) would need, and 24.0 GB is available; give at most 110 workers (--workers)"
    )


def test_a_large_block_is_named_when_it_sets_the_workers_memory(tmp_path: Path) -> None:
    est = estimate(100_000, 20, 1, 10, 13, False, 60, 18, 50_000, 64)
    with pytest.raises(DesignError, match=r"^too many workers for memory: 64 workers .*"):
        check_capacity(est, tmp_path / "w.duckdb", None, 100 * 10**9, monthly=False)
    with pytest.raises(
        DesignError, match=r"give at most \d+ workers \(--workers\), or a smaller --block$"
    ):
        check_capacity(est, tmp_path / "w.duckdb", None, 100 * 10**9, monthly=False)


@pytest.mark.parametrize("executor", ["processes", "dask"])
def test_more_workers_than_the_cores_can_use_are_refused_before_anything_is_written(
    iraq: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, executor: str
) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    path = tmp_path / "w.duckdb"
    with pytest.raises(DesignError) as info:
        sweep(iraq, path, _design(iraq), executor=executor, workers=9)
    assert str(info.value) == (
        "workers = 9: more worker processes than this machine can use; it has 2 cores, and a "
        "sweep is CPU-bound, so processes beyond 8 (4 per core) only take turns on them while "
        "each holds its own memory; give at most 8, or leave workers out for one per core"
    )
    assert not path.exists()


def test_workers_that_are_not_this_machine_s_processes_are_not_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    check_workers(4, "processes", None)  # four per core
    check_workers(100_000, "inprocess", None)  # ignored: this process runs the sweep
    check_workers(None, "dask", "tcp://127.0.0.1:8786")  # the scheduler's own workers
    with pytest.raises(DesignError, match=r"^--workers 5: .* give at most 4, or leave --workers"):
        check_workers(5, "processes", None, "--workers")


def test_workers_cannot_size_a_dask_scheduler_s_cluster() -> None:
    """They were accepted and ignored: --workers 7 swept on the scheduler's one worker (audit)."""
    with pytest.raises(DesignError) as info:
        check_workers(2, "dask", "tcp://127.0.0.1:8786")
    assert str(info.value) == (
        "workers = 2: the dask scheduler at tcp://127.0.0.1:8786 runs the sweep on the workers "
        "started with it, and workers cannot change how many there are; leave workers out "
        "(start more workers there with 'dask worker tcp://127.0.0.1:8786'), or give no "
        "scheduler for a local cluster of 2 workers"
    )


def test_a_dask_scheduler_s_workers_take_none_of_this_machine_s_memory(
    iraq: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The estimate counted a worker per core of this machine for a cluster whose workers run
    elsewhere, and refused a 72-run sweep as 'too many workers for memory' with --workers as the
    fix, which a scheduler's cluster does not take. Now the capacity check passes, and the sweep
    stops only where the scheduler does not answer."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setattr("os.cpu_count", lambda: 64)
    assert local_workers("dask", None, address) == 0
    assert local_workers("dask", None, None) == 64  # a local cluster: one per core
    assert local_workers("processes", 3, None) == 3
    assert local_workers("inprocess", None, None) == 1
    path = tmp_path / "remote.duckdb"
    with pytest.raises(DesignError, match=f"^--scheduler {address}: no dask scheduler answers"):
        _sweep(iraq, path, executor="dask", scheduler=address, memory_bytes=2**30)
    assert not path.exists()


def test_export_writes_tidy_parquet_and_csv(iraq: Any, tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "a.duckdb"
    _sweep(iraq, path)
    with open_store(path) as store:
        written = store.export(tmp_path / "pq", "parquet")
        outcomes = store.outcomes()
        store.export(tmp_path / "csv", "csv", ["status"])
        # over an export in the other format: refused, then replaced whole (CSV over Parquet
        # used to leave both beside one meta.json)
        again = tmp_path / "again"
        store.export(again, "parquet")
        with pytest.raises(StoreError, match=r"already holds experiments\.parquet, "):
            store.export(again, "csv", ["status"])
        store.export(again, "csv", ["status"], overwrite=True)
    assert sorted(p.name for p in again.iterdir()) == ["meta.json", "scenario.yaml", "status.csv"]
    assert sorted(p.name for p in written) == [
        "chunks.parquet",
        "experiments.parquet",
        "meta.json",
        "outcomes.parquet",
        "points.parquet",
        "scenario.yaml",
        "status.parquet",
    ]
    back = (
        duckdb.connect()
        .execute(
            f"SELECT * FROM '{tmp_path / 'pq' / 'outcomes.parquet'}' "
            "ORDER BY point, option, replication, outcome, month"
        )
        .df()
    )
    assert back["value"].to_list() == outcomes["value"].to_list()
    assert list(back.columns) == [
        "run_id",
        "point",
        "option",
        "replication",
        "region",
        "nation",
        "month",
        "outcome",
        "value",
    ]
    assert json.loads((tmp_path / "pq" / "meta.json").read_text())["scenario_id"] == "iraq-2007"
    assert (tmp_path / "csv" / "status.csv").read_text().startswith("run_id,point,option")


def test_monthly_series_are_kept_when_asked(iraq: Any, tmp_path: Path) -> None:
    design = make_design(iraq, "lhs", 2, parameters="dynamics", levers="none")
    sweep(iraq, tmp_path / "m.duckdb", design, options=["us_stays"], replications=2, monthly=True)
    out = tables(tmp_path / "m.duckdb")["outcomes"]
    monthly = out[out["month"].notna()]
    assert len(monthly) == 2 * 2 * 4 * iraq.horizon_months
    scalar = out[out["month"].isna() & (out["outcome"] == "civilian_deaths")]
    summed = monthly[monthly["outcome"] == "civilian_deaths"].groupby("run_id")["value"].sum()
    np.testing.assert_allclose(
        scalar.set_index("run_id")["value"].sort_index(), summed.sort_index()
    )


@pytest.mark.slow
def test_a_dask_worker_killed_mid_sweep_loses_and_duplicates_nothing(
    iraq: Any, tmp_path: Path
) -> None:
    """A worker process SIGKILLed after the first results: its chunks are re-run elsewhere, and the
    store equals the in-process sweep's, run for run."""
    import os
    import signal

    from grudging.explore.executors import Dask

    class KillOneWorker(Dask):
        killed: int | None = None

        def map_unordered(self, fn: Any, items: Any, payload: Any) -> Any:
            pids = sorted(self.client.run(os.getpid).values())
            for count, result in enumerate(super().map_unordered(fn, items, payload)):
                if count == 1:
                    self.killed = pids[0]
                    os.kill(pids[0], signal.SIGKILL)
                yield result

    _sweep(iraq, tmp_path / "inprocess.duckdb")
    executor = KillOneWorker(None, 2)
    try:
        report = _sweep(iraq, tmp_path / "dask.duckdb", executor=executor)
    finally:
        executor.close()
    assert executor.killed is not None
    assert report.complete
    assert (report.stored_runs, report.failed_runs) == (72, 0)
    assert_same_tables(tmp_path / "inprocess.duckdb", tmp_path / "dask.duckdb")


def test_a_store_as_results_keeps_the_swept_order_and_names(iraq: Any, tmp_path: Path) -> None:
    """``to_results`` gives the Results a run would: the scenario named, the options in the
    order swept (not alphabetical) with their names."""
    swept = ["us_withdraws", "us_stays"]
    design = make_design(iraq, "lhs", 2, parameters="dynamics", seed=5)
    sweep(iraq, tmp_path / "o.duckdb", design, options=swept, replications=2, seed=11)
    results = open_store(tmp_path / "o.duckdb").to_results()
    assert results.options == swept
    assert results.metadata["scenario"] == "iraq-2007"
    assert results.option_names() == {o: iraq.option(o).name for o in swept}
    assert repr(results).startswith("Results(scenario='iraq-2007', options=['us_withdraws'")
    assert list(results.summary()["option"].drop_duplicates()) == swept


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"replications": 2.5}, "replications = 2.5: give a whole number from 1 to "),
        ({"seed": -1}, "seed = -1: give a whole number from 0 to "),
        ({"seed": 2**70}, "seed = 1180591620717411303424: give a whole number from 0 to "),
        ({"block": 0}, "block = 0: give a whole number from 1 to "),
        ({"workers": 0}, "workers = 0: give a whole number from 1 to 4,096"),
        ({"options": []}, "options = []: give option ids (names)"),
    ],
)
def test_sweep_refuses_run_arguments_before_it_writes(
    iraq: Any, tmp_path: Path, kwargs: Any, message: str
) -> None:
    with pytest.raises(DesignError) as info:
        sweep(iraq, tmp_path / "s.duckdb", _design(iraq), **kwargs)
    assert str(info.value).startswith(message)
    assert not (tmp_path / "s.duckdb").exists()


def test_a_design_of_another_scenario_is_refused(iraq: Any, tmp_path: Path) -> None:
    bosnia = make_design("bosnia-1995", "lhs", 3, parameters="willingness", levers="none", seed=1)
    with pytest.raises(
        DesignError, match=r"^the design's factor 'willingness\.\w+' is not scenario"
    ):
        sweep(iraq, tmp_path / "s.duckdb", bosnia, options="us_stays", replications=2)
    assert not (tmp_path / "s.duckdb").exists()


def test_resume_refuses_what_it_would_ignore(iraq: Any, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store here to resume; start the sweep without"):
        sweep(iraq, tmp_path / "none.duckdb", _design(iraq), resume=True)
    path = tmp_path / "a.duckdb"
    design = make_design(iraq, "lhs", 2, parameters="dynamics", levers="none", seed=5)
    sweep(iraq, path, design, options="us_stays", replications=2, seed=11)
    with pytest.raises(StoreError) as info:
        sweep(None, path, resume=True, replications=9)
    assert str(info.value) == (
        f"{path}: resume continues the sweep as stored (replications 2), not replications 9; "
        "leave replications out, or give a new path for a new sweep"
    )
    assert sweep(None, path, resume=True, replications=2, seed=11).complete


def test_regret_refuses_an_option_named_twice(iraq: Any, tmp_path: Path) -> None:
    from grudging.explore.robust import robustness

    path = tmp_path / "a.duckdb"
    design = make_design(iraq, "lhs", 2, parameters="dynamics", levers="none", seed=5)
    sweep(iraq, path, design, options=OPTIONS, replications=2, seed=11)
    with open_store(path) as store, pytest.raises(DesignError, match=r"^options repeat: us_stays"):
        robustness(store, options=["us_stays", "us_stays"])


def test_the_in_process_executor_plans_for_one_process(iraq: Any, tmp_path: Path) -> None:
    """Its memory estimate is one process's, whatever ``workers`` says (4,096 workers of a
    process pool would need more memory than the machine has)."""
    design = make_design(iraq, "lhs", 2, parameters="dynamics", levers="none", seed=5)
    report = sweep(
        iraq,
        tmp_path / "w.duckdb",
        design,
        options="us_stays",
        replications=2,
        workers=4096,
        memory_bytes=2 * 2**30,
    )
    assert report.complete


def test_a_lever_an_override_fixed_is_refused_before_any_run(tmp_path: Path) -> None:
    """The store recorded the override while every point set the key again (audit,
    2026-12-07: aid 'fixed' at 1,000 ran from 1,012 to 11,672)."""
    from grudging.scenario import load_scenario

    fixed = "options.nato_replaces.bargain.aid_musd_per_year=1000"
    scn = load_scenario("iraq-2007", overrides=[fixed])
    design = make_design(scn, "lhs", 4, parameters="none", levers="aid", seed=1)
    path = tmp_path / "lv.duckdb"
    with pytest.raises(DesignError) as err:
        sweep(scn, path, design, options=["nato_replaces"], replications=1)
    assert str(err.value) == (
        f"--set {fixed} fixes what the design's lever 'aid' varies "
        "(options.*.bargain.aid_musd_per_year); leave the lever out of the design (--levers) or "
        "the assignment out of --set"
    )
    assert not path.exists()
    other = make_design(scn, "lhs", 4, parameters="none", levers="coalition_budget", seed=1)
    check_levers_free(scn, other)  # another lever is free to vary

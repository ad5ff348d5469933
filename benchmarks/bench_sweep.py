"""Benchmark: a sweep of the default scenario streamed to a store, against EMA-style execution.

1. **Scale and memory.** A Latin hypercube over the dynamics parameters, run under two options
   (``us_stays`` and the proposal, ``nato_replaces``) with 10 replications per point, streamed to a
   DuckDB store: first 10,000 runs, then 100,000 (replications count as runs), each in a fresh
   process. Reports runs per second and the peak resident memory of the sweep (the driver process,
   and the driver with its workers), sampled from ``/proc`` every 50 ms. Flat memory means the two
   peaks are close although the second sweep is ten times larger.
2. **EMA-style.** The first points of the same design, run the way EMA Workbench runs a Python
   model: ``perform_experiments`` with one call of the model function per run (the adapter
   :func:`grudging.explore.ema.ema_model`, a replication number as an extra uncertainty, plans
   cached inside the function), sequentially; and the same runs through :func:`sweep` in process.
   The ratio of the two rates is the gain of vectorised blocks on one core. A third figure runs the
   whole chain per call (no plan cache), as a naive model function would.

    uv run python benchmarks/bench_sweep.py [--runs 100000] [--small 10000] [--executor processes]
        [--workers 2] [--ema-points 100] [--naive 4]

Figures vary with the machine and its load (other jobs share these cores): quote the ratios,
measured in the same run. No timing is asserted.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

OPTIONS = ["us_stays", "nato_replaces"]
REPLICATIONS = 10


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


class PeakMemory:
    """Peak RSS of this process, and of this process with its descendants (Linux /proc)."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.driver = 0
        self.total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            own = _rss(me)
            self.driver = max(self.driver, own)
            self.total = max(self.total, own + sum(_rss(p) for p in _descendants(me)))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _design(scn: Any, runs: int) -> Any:
    from grudging.explore.design import make_design

    points = runs // (len(OPTIONS) * REPLICATIONS)
    return make_design(scn, "lhs", points, parameters="dynamics", levers="none", seed=2007)


def child(runs: int, executor: str, workers: int, folder: str) -> dict[str, Any]:
    """One sweep of ``runs`` runs in this (fresh) process; its figures as a dict."""
    from grudging.explore.runner import sweep
    from grudging.scenario import load_scenario

    scn = load_scenario("iraq-2007")
    design = _design(scn, runs)
    store = Path(folder) / f"sweep-{runs}.duckdb"
    with PeakMemory() as peak:
        started = time.perf_counter()
        report = sweep(
            scn,
            store,
            design,
            options=OPTIONS,
            replications=REPLICATIONS,
            executor=executor,
            workers=workers,
        )
        seconds = time.perf_counter() - started
    assert report.complete, report
    return {
        "runs": report.stored_runs,
        "points": design.points,
        "seconds": round(seconds, 1),
        "runs_per_second": round(report.stored_runs / seconds, 1),
        "peak_rss_driver_mb": round(peak.driver / 2**20, 1),
        "peak_rss_with_workers_mb": round(peak.total / 2**20, 1),
        "store_mb": round(store.stat().st_size / 2**20, 1),
        "bytes_per_run": round(store.stat().st_size / report.stored_runs, 1),
    }


def ema_style(points: int, naive: int, folder: str) -> dict[str, Any]:
    """The same runs the EMA way (one call per run) and through the sweep, in this process."""
    import warnings

    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import IntegerParameter, Scenario, SequentialEvaluator, ema_logging

    from grudging.explore.design import Design
    from grudging.explore.ema import ChainFunction, ema_model, ema_name
    from grudging.explore.runner import sweep
    from grudging.scenario import load_scenario

    ema_logging.log_to_stderr(logging.WARNING)
    scn = load_scenario("iraq-2007")
    big = _design(scn, 100_000)
    design = Design(big.spec, big.factors, big.unit[:points])
    values = design.values()
    runs = points * len(OPTIONS) * REPLICATIONS

    started = time.perf_counter()
    report = sweep(
        scn, Path(folder) / "subset.duckdb", design, options=OPTIONS, replications=REPLICATIONS
    )
    ours = time.perf_counter() - started
    assert report.stored_runs == runs

    models = []
    for option in OPTIONS:
        model = ema_model(scn, option, parameters="dynamics", levers="none", replications=1)
        model.uncertainties = [
            *model.uncertainties,
            IntegerParameter("replication", 0, REPLICATIONS - 1),
        ]
        models.append(model)
    names = [f.name for f in design.factors]
    scenarios = [
        Scenario(
            f"p{i}r{r}",
            replication=r,
            **{ema_name(n): float(row[n]) for n in names},
        )
        for i, row in values.iterrows()
        for r in range(REPLICATIONS)
    ]
    started = time.perf_counter()
    with SequentialEvaluator(models) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=scenarios)
    ema = time.perf_counter() - started
    assert len(experiments) == runs
    assert np.all(np.isfinite(outcomes["civilian_deaths"]))
    calls = sum(m.function.calls for m in models)

    # The whole chain per call: what a model function without a plan cache costs.
    function = ChainFunction(scn, "nato_replaces", design.factors, replications=1, cache=0)
    started = time.perf_counter()
    for i in range(naive):
        function(**{n: float(values.iloc[i][n]) for n in names})
    naive_seconds = time.perf_counter() - started

    return {
        "runs": runs,
        "sweep_in_process_runs_per_second": round(runs / ours, 1),
        "ema_style_runs_per_second": round(runs / ema, 1),
        "ema_function_calls": calls,
        "ratio_sweep_over_ema_style": round(ema / ours, 1),
        "naive_full_chain_runs_per_second": round(naive / naive_seconds, 3),
        "naive_runs": naive,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument(
        "--executor", default="processes", choices=["inprocess", "processes", "dask"]
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ema-points", type=int, default=100, help="design points run EMA-style")
    parser.add_argument("--naive", type=int, default=4, help="runs of the whole chain per call")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--ema-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--folder", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child is not None:
        print(json.dumps(child(args.child, args.executor, args.workers, args.folder)))
        return
    if args.ema_child:
        print(json.dumps(ema_style(args.ema_points, args.naive, args.folder)))
        return

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        base = [sys.executable, __file__, "--folder", folder]
        for runs in (args.small, args.runs):
            out = subprocess.run(
                [
                    *base,
                    "--child",
                    str(runs),
                    "--executor",
                    args.executor,
                    "--workers",
                    str(args.workers),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            results[f"sweep_{runs}"] = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"sweep of {runs:,} runs ({args.executor} x {args.workers}):",
                results[f"sweep_{runs}"],
            )
        out = subprocess.run(
            [
                *base,
                "--ema-child",
                "--ema-points",
                str(args.ema_points),
                "--naive",
                str(args.naive),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        results["ema_style"] = json.loads(out.stdout.strip().splitlines()[-1])
        print("EMA-style against the sweep, same runs, one process:", results["ema_style"])
    small, large = results[f"sweep_{args.small}"], results[f"sweep_{args.runs}"]
    print(
        f"\nsummary: {large['runs']:,} runs at {large['runs_per_second']:,.0f} runs/s "
        f"({args.executor} x {args.workers}); peak memory {small['peak_rss_with_workers_mb']:,.0f} MB "
        f"at {small['runs']:,} runs vs {large['peak_rss_with_workers_mb']:,.0f} MB at "
        f"{large['runs']:,} (driver {small['peak_rss_driver_mb']:,.0f} vs "
        f"{large['peak_rss_driver_mb']:,.0f} MB); store {large['bytes_per_run']:.0f} bytes per run; "
        f"vectorised sweep {results['ema_style']['ratio_sweep_over_ema_style']:.0f}x the EMA-style "
        f"rate on one core; the whole chain per call runs "
        f"{results['ema_style']['naive_full_chain_runs_per_second']:.2f} runs/s"
    )


if __name__ == "__main__":
    main()

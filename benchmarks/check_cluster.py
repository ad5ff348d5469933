"""Check: a sweep on a dask.distributed cluster equals the reference sweep, run for run, although
one of its workers is killed mid-sweep.

A Latin hypercube over the dynamics parameters of ``iraq-2007`` under two options (``us_stays``
and the proposal, ``nato_replaces``), 10 replications a point, sized to ``--runs`` runs (100,000 by
default, as issue 20 asks), is run twice into two DuckDB stores:

1. the reference: in this process (``--reference inprocess``, the default) or on local worker
   processes (``--reference processes``);
2. on a local ``dask.distributed`` cluster of ``--workers`` worker processes (one thread each),
   whose first worker is sent SIGKILL once ``--kill-after`` chunks have come back. Its nanny
   starts a fresh worker; the scheduler re-runs the chunks the dead worker held.

Then every table a user reads (status without the columns that say where and how fast a run ran,
outcomes, experiments, points) is compared value for value. Prints one line per sweep (seconds,
runs per second), the comparison and a JSON line with the figures; exits 1 when the stores differ
or a run is missing or duplicated.

    uv run python benchmarks/check_cluster.py [--runs 100000] [--workers 2] [--kill-after 20]
        [--reference inprocess|processes] [--folder DIR]

Timings vary with the machine's load; the check is the identity, not the speed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

OPTIONS = ("us_stays", "nato_replaces")
REPLICATIONS = 10
SEED = 2007
#: Columns that say where and how fast a run ran: they differ between executors by design.
VOLATILE = ("worker", "seconds")
TABLES = ("status", "outcomes", "experiments", "points")


def killing_dask(workers: int, kill_after: int) -> Any:
    """A local dask cluster whose first worker is SIGKILLed after ``kill_after`` results."""
    from grudging.explore.executors import Dask

    class KillOneWorker(Dask):
        killed: int | None = None

        def map_unordered(
            self, fn: Callable[[Any, Any], Any], items: Iterable[Any], payload: Any
        ) -> Iterator[Any]:
            pids = sorted(self.client.run(os.getpid).values())
            for count, result in enumerate(super().map_unordered(fn, items, payload), start=1):
                if count == kill_after and self.killed is None:
                    self.killed = pids[0]
                    os.kill(pids[0], signal.SIGKILL)
                yield result

    return KillOneWorker(None, workers)


def run_sweep(scn: Any, design: Any, store: Path, executor: Any, workers: int) -> dict[str, Any]:
    """One sweep into ``store``; its size and speed."""
    from grudging.explore.runner import sweep

    started = time.perf_counter()
    report = sweep(
        scn,
        store,
        design,
        options=list(OPTIONS),
        replications=REPLICATIONS,
        seed=SEED,
        executor=executor,
        workers=workers,
    )
    seconds = time.perf_counter() - started
    return {
        "complete": bool(report.complete),
        "stored_runs": int(report.stored_runs),
        "failed_runs": int(report.failed_runs),
        "seconds": round(seconds, 1),
        "runs_per_second": round(report.stored_runs / seconds, 1),
    }


def differences(a: Path, b: Path) -> dict[str, str]:
    """Per table: "" when the two stores hold the same rows and values, else what differs."""
    import pandas as pd

    from grudging.results.store import open_store

    out: dict[str, str] = {}
    for name in TABLES:
        with open_store(a) as sa, open_store(b) as sb:
            ta, tb = sa.table(name), sb.table(name)
        drop = [c for c in VOLATILE if c in ta.columns]
        ta, tb = ta.drop(columns=drop), tb.drop(columns=[c for c in drop if c in tb.columns])
        try:
            pd.testing.assert_frame_equal(ta, tb, check_exact=True, obj=name)
            out[name] = ""
        except AssertionError as err:
            out[name] = str(err).splitlines()[0] if str(err) else "differs"
    return out


def duplicates(store: Path) -> int:
    """Runs stored more than once (by point, option and replication)."""
    from grudging.results.store import open_store

    with open_store(store) as s:
        status = s.table("status")
    return int(status.duplicated(["point", "option", "replication"]).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-after", type=int, default=20, help="chunks before the kill")
    parser.add_argument("--reference", choices=("inprocess", "processes"), default="inprocess")
    parser.add_argument("--folder", default=None, help="where the stores go (default: a temp dir)")
    args = parser.parse_args()
    if args.runs < len(OPTIONS) * REPLICATIONS * 2:
        parser.error(f"--runs must be at least {len(OPTIONS) * REPLICATIONS * 2}")

    from grudging.explore.design import make_design
    from grudging.scenario import load_scenario

    scn = load_scenario("iraq-2007")
    points = args.runs // (len(OPTIONS) * REPLICATIONS)
    design = make_design(scn, "lhs", points, parameters="dynamics", levers="none", seed=SEED)
    with tempfile.TemporaryDirectory(dir=args.folder) as folder:
        reference = Path(folder) / "reference.duckdb"
        clustered = Path(folder) / "dask.duckdb"
        ref = run_sweep(scn, design, reference, args.reference, args.workers)
        print(
            f"reference ({args.reference}): {ref['stored_runs']:,} runs in {ref['seconds']} s "
            f"({ref['runs_per_second']:,.0f} runs/s)",
            flush=True,
        )
        executor = killing_dask(args.workers, args.kill_after)
        try:
            dsk = run_sweep(scn, design, clustered, executor, args.workers)
        finally:
            executor.close()
        dsk["killed_worker_pid"] = executor.killed
        print(
            f"dask, {args.workers} workers, one killed after {args.kill_after} chunks "
            f"(pid {executor.killed}): {dsk['stored_runs']:,} runs in {dsk['seconds']} s "
            f"({dsk['runs_per_second']:,.0f} runs/s)",
            flush=True,
        )
        diff = differences(reference, clustered)
        dup = duplicates(clustered)
    expected = points * len(OPTIONS) * REPLICATIONS
    identical = (
        not any(diff.values())
        and dup == 0
        and ref["stored_runs"] == dsk["stored_runs"] == expected
        and executor.killed is not None
    )
    for name, what in diff.items():
        print(f"  {name}: {what or 'identical'}")
    print(f"  runs expected {expected:,}; stored by dask {dsk['stored_runs']:,}; duplicated {dup}")
    print("IDENTICAL run for run" if identical else "DIFFERENT")
    figures = {
        "runs": expected,
        "reference": ref,
        "dask": dsk,
        "duplicated": dup,
        "identical": identical,
    }
    print(json.dumps(figures, sort_keys=True))
    sys.exit(0 if identical else 1)


if __name__ == "__main__":
    main()

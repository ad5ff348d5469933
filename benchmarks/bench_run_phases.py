"""Benchmark: where the time of ``grudging run`` goes, phase by phase, without a profiler.

Does in one process what ``grudging run -n N --report FILE`` does (every option of the default
scenario), timing each phase with the wall clock: the imports, planning (requirement, coalition
conference, sector assignment, bargain) through the plan cache, the dynamics of every block, the
bargain re-run per block where bargaining parameters vary, the outcome rows, the summary and
comparison tables the terminal prints, and the HTML report. The phases are timed by wrapping the
functions ``grudging.chain.simulate`` calls, so the run is the real one (same numbers).

    uv run python benchmarks/bench_run_phases.py [-n 1000] [--repeat 1]

Run it with and without ``PYTHONDONTWRITEBYTECODE=1`` to see what bytecode caching is worth in
the imports. Times are CPU seconds of this process (``time.process_time``, all its threads): on
shared cores the wall clock mostly measures the other jobs; the total's wall clock is printed too.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

SPENT: dict[str, float] = defaultdict(float)


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            SPENT[name] += time.process_time() - started

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--replications", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1, help="runs timed (the first pays imports)")
    args = parser.parse_args()

    started = time.process_time()
    import grudging.chain as chain
    import grudging.kernel as kernel
    import grudging.options as options
    import grudging.plans as plans
    from grudging.cli.run import print_comparison
    from grudging.report.html import runs_that_ran, write_report
    from grudging.scenario import load_scenario

    imports = time.process_time() - started

    chain.run_block = _timed("dynamics (incl. bargain per block)", chain.run_block)
    kernel.simulate_dynamics = _timed("dynamics proper", kernel.simulate_dynamics)
    options.settlement_at = _timed("bargain per block (settlement_at)", options.settlement_at)
    chain.outcome_rows = _timed("outcome rows", chain.outcome_rows)
    plans.PlanCache.plan = _timed("planning (plan cache)", plans.PlanCache.plan)  # type: ignore[method-assign]

    from io import StringIO

    from rich.console import Console

    for i in range(args.repeat):
        wall = time.perf_counter()
        SPENT.clear()
        t0 = time.process_time()
        scn = load_scenario("iraq-2007")
        SPENT["scenario load"] = time.process_time() - t0
        t1 = time.process_time()
        results = chain.simulate(scn, replications=args.replications)
        SPENT["chain.simulate total"] = time.process_time() - t1
        with tempfile.TemporaryDirectory() as tmp:
            t2 = time.process_time()
            write_report(results, scn, Path(tmp) / "report.html")
            SPENT["HTML report"] = time.process_time() - t2
        t3 = time.process_time()
        ran = runs_that_ran(results)
        print_comparison(Console(file=StringIO(), width=120), ran, ran.options[0])
        SPENT["terminal comparison"] = time.process_time() - t3
        total = time.process_time() - t0
        print(f"run {i + 1}: {args.replications} replications x {len(results.options)} options")
        print(f"  {'imports (first run only)':<40} {imports:7.2f} s CPU")
        for name, seconds in SPENT.items():
            print(f"  {name:<40} {seconds:7.2f} s CPU")
        print(f"  {'total (without imports)':<40} {total:7.2f} s CPU")
        print(f"  {'  the same, wall clock':<40} {time.perf_counter() - wall:7.2f} s")
        imports = 0.0


if __name__ == "__main__":
    main()

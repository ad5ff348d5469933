"""Benchmark: where the dynamics' time per region-month goes (issue 20's 10 M target).

Two measurements, each against a reference measured in the same run:

* the same number of replications run in blocks of different sizes (CPU seconds, one ``simulate``
  call per block), as a ratio to the largest block: if smaller blocks (that fit the cache) were
  faster, the loop would be memory-bound;
* numpy's cost per element of the operations the month loop is made of, on one month's region
  array (replications x regions float64 values), as a ratio to a multiplication.

    uv run python benchmarks/bench_dynamics_anatomy.py [--replications 10000] [--option us_stays]

docs/performance.md ("The dynamics target") reads these figures.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from grudging.model.dynamics import DynamicsParams, simulate
from grudging.model.parameters import stage_parameters
from grudging.options import plan_option
from grudging.scenario import load_scenario


def _cpu(fn: Callable[[], object], repeat: int) -> float:
    """Best CPU seconds of ``repeat`` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="iraq-2007")
    parser.add_argument("--option", default="us_stays")
    parser.add_argument("--replications", type=int, default=10_000, help="per size, in blocks")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    scn = load_scenario(args.scenario)
    plan = plan_option(scn, args.option)
    params = stage_parameters(DynamicsParams, scn.parameter_values(), "dynamics")
    regions, months = plan.theatre.n_regions, plan.inputs.months
    simulate(plan.inputs, params, 100, seed=1)  # warm-up

    total = args.replications
    print(
        f"dynamics of '{args.option}', {total:,} replications in blocks (CPU s, best of "
        f"{args.repeat})"
    )
    reference = None
    for size in (total, total // 2, total // 5, total // 10, total // 20, total // 50):
        if size < 1:
            continue
        blocks = total // size

        def run(size: int = size, blocks: int = blocks) -> None:
            for b in range(blocks):
                simulate(plan.inputs, params, size, seed=1, block=b)

        seconds = _cpu(run, args.repeat)
        rate = blocks * size * regions * months / seconds
        reference = reference or rate
        print(
            f"  blocks of {size:>6,}: {rate / 1e6:5.2f} M region-months/s  "
            f"({rate / reference:.2f} x the largest block)"
        )

    x = np.random.default_rng(1).random(total * regions) * 3.0
    operations: dict[str, Callable[[], object]] = {
        "multiply": lambda: x * 1.5,
        "exp": lambda: np.exp(x),
        "sqrt": lambda: np.sqrt(x),
        "log1p": lambda: np.log1p(x),
        "power": lambda: np.power(x, 2.25),
        "where": lambda: np.where(x > 1.0, x, 0.5),
    }
    print(f"numpy per element, {x.size:,} float64 values (one month's region array)")
    base = None
    loops = 100
    for name, op in operations.items():
        op()

        def repeated(op: Callable[[], object] = op) -> None:
            for _ in range(loops):
                op()  # each result dropped at once, as the month loop's temporaries are

        seconds = _cpu(repeated, args.repeat) / loops
        per = seconds / x.size * 1e9
        base = base or per
        print(f"  {name:<9} {per:5.2f} ns  ({per / base:.1f} x a multiplication)")
    print(f"the dynamics' target, 10 M region-months/s, is {1e9 / 10e6:.0f} ns a region-month")


if __name__ == "__main__":
    main()

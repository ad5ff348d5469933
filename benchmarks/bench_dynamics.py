"""Benchmark: the vectorised dynamics against a per-replication loop of the same model.

Runs the default scenario's option (plan once, then the dynamics only) at 10,000 replications x
regions x 60 months in one vectorised call, and the same model one replication at a time in a plain
Python loop (the way a per-experiment model function is usually driven), in the same process. Prints
region-months per second for both, their ratio, and the peak memory of the vectorised run.

    uv run python benchmarks/bench_dynamics.py [--replications 10000] [--loop 200] [--option us_stays]

Figures vary with the machine; quote the ratio, measured in the same run.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

from grudging.model.dynamics import DynamicsParams, simulate
from grudging.model.parameters import stage_parameters
from grudging.options import plan_option
from grudging.scenario import load_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="iraq-2007")
    parser.add_argument("--option", default="us_stays")
    parser.add_argument("--replications", type=int, default=10_000)
    parser.add_argument("--loop", type=int, default=200, help="replications run one at a time")
    parser.add_argument("--repeat", type=int, default=3, help="timed repeats of the vectorised run")
    parser.add_argument(
        "--compare-blas",
        action="store_true",
        help="also time the vectorised run with BLAS left multi-threaded (before threads.py)",
    )
    args = parser.parse_args()

    scn = load_scenario(args.scenario)
    plan = plan_option(scn, args.option)
    params = stage_parameters(DynamicsParams, scn.parameter_values(), "dynamics")
    regions, months = plan.theatre.n_regions, plan.inputs.months
    cells = args.replications * regions * months

    simulate(plan.inputs, params, 100, seed=1)  # warm-up
    times = []
    for i in range(args.repeat):
        start = time.perf_counter()
        simulate(plan.inputs, params, args.replications, seed=1, block=i)
        times.append(time.perf_counter() - start)
    vector = min(times)

    tracemalloc.start()
    simulate(plan.inputs, params, args.replications, seed=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    start = time.perf_counter()
    for i in range(args.loop):
        simulate(plan.inputs, params, 1, seed=1, block=("loop", i))
    loop = time.perf_counter() - start

    vec_rate = cells / vector
    loop_rate = args.loop * regions * months / loop
    print(
        f"scenario {scn.id}, option {args.option}: {regions} regions x {months} months, "
        f"{len(plan.inputs.units)} forces"
    )
    print(
        f"vectorised: {args.replications:,} replications in {vector:.2f} s (best of {args.repeat}) "
        f"= {vec_rate:,.0f} region-months/s"
    )
    print(
        f"per-replication loop: {args.loop} replications in {loop:.2f} s "
        f"= {loop_rate:,.0f} region-months/s ({1000 * loop / args.loop:.1f} ms per replication)"
    )
    print(f"ratio (vectorised / loop): {vec_rate / loop_rate:,.1f}x")
    if args.compare_blas:
        compare_blas(plan.inputs, params, args.replications, args.repeat)
    print(
        f"peak traced memory of the vectorised run: {peak / 2**20:,.0f} MiB; "
        f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB"
    )


def compare_blas(inputs: object, params: DynamicsParams, replications: int, repeat: int) -> None:
    """Wall and CPU seconds of the vectorised run with BLAS on one thread (as the dynamics run
    now) and left as the library starts (its default thread count), alternating."""
    from contextlib import nullcontext

    import grudging.model.dynamics as dynamics

    limited = dynamics.one_blas_thread
    best = {"one thread": [float("inf")] * 2, "library default": [float("inf")] * 2}
    try:
        for _ in range(repeat):
            for name, context in (("one thread", limited), ("library default", nullcontext)):
                dynamics.one_blas_thread = context
                wall, cpu = time.perf_counter(), time.process_time()
                simulate(inputs, params, replications, seed=1)  # type: ignore[arg-type]
                best[name][0] = min(best[name][0], time.perf_counter() - wall)
                best[name][1] = min(best[name][1], time.process_time() - cpu)
    finally:
        dynamics.one_blas_thread = limited
    for name, (wall, cpu) in best.items():
        print(f"BLAS {name:<16}: {wall:.2f} s wall, {cpu:.2f} s CPU (best of {repeat})")
    one, default = best["one thread"], best["library default"]
    print(
        f"ratio library default / one thread: {default[0] / one[0]:.2f}x wall, "
        f"{default[1] / one[1]:.2f}x CPU"
    )


if __name__ == "__main__":
    main()

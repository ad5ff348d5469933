"""Benchmark: grudging's vectorised Epstein Model I against Mesa 3.3.1's example, same process.

Runs Mesa's ``EpsteinCivilViolence(width=40, height=40, seed=s)`` and grudging's Model I in the
same configuration (``ModelIConfig.mesa()``: 70 % citizens, 7.4 % cops, von Neumann vision 7 for
both, legitimacy 0.8, threshold 0.1, k = 2.3, jail terms up to 1000, nearest rounding, jailed
citizens keep their cell), alternating seeds so that machine noise hits both alike, and prints:

* agent-steps per second of Mesa, of grudging (synchronous, vectorised) and of grudging's
  sequential reference engine, and the ratios;
* the mean active and jailed counts of each over the same seeds and steps, so that equivalence
  is visible, not assumed;
* a 1,000,000-agent lattice (1137 x 1137, same densities): agent-steps per second, time per step,
  initialisation time and peak memory (tracemalloc peak of numpy/Python allocations during a
  separate initialisation + steps, and the process's maximum resident set size).

It prints figures and never asserts a time. Run it on a quiet machine::

    uv run python benchmarks/bench_abm_vs_mesa.py            # defaults: 100 steps, 3 seeds
    uv run python benchmarks/bench_abm_vs_mesa.py --steps 200 --seeds 5 --big-steps 20
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import sys
import time
import tracemalloc
from typing import Any

import numpy as np

from grudging.abm.config import ModelIConfig
from grudging.abm.model1 import RebellionModel

BIG_SIDE = 1137  # (0.70 + 0.074) * 1137**2 = 1,000,603 agents


def run_mesa(
    seed: int, steps: int, legitimacy: float = 0.8
) -> tuple[float, int, np.ndarray, np.ndarray]:
    """Seconds for ``steps`` steps of Mesa's model, its agent count, active and jailed series."""
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    model = EpsteinCivilViolence(width=40, height=40, legitimacy=legitimacy, seed=seed)
    agents = len(model.agents)
    start = time.perf_counter()
    for _ in range(steps):
        model.step()
    elapsed = time.perf_counter() - start
    frame = model.datacollector.get_model_vars_dataframe()
    return elapsed, agents, frame["active"].to_numpy()[1:], frame["arrested"].to_numpy()[1:]


def run_ours(
    config: ModelIConfig, seed: int, steps: int
) -> tuple[float, int, np.ndarray, np.ndarray]:
    """Seconds for ``steps`` steps of grudging's Model I, its agent count and series."""
    model = RebellionModel(config, seed)
    active, jailed = [], []
    start = time.perf_counter()
    for _ in range(steps):
        model.step()
        counts = model.counts()
        active.append(counts["active"])
        jailed.append(counts["jailed"])
    elapsed = time.perf_counter() - start
    return elapsed, model.n_agents, np.asarray(active), np.asarray(jailed)


def big_lattice(steps: int) -> dict[str, Any]:
    """Speed and memory on a ~1,000,000-agent lattice."""
    config = ModelIConfig.mesa(width=BIG_SIDE, height=BIG_SIDE)
    gc.collect()
    start = time.perf_counter()
    model = RebellionModel(config, 1)
    init = time.perf_counter() - start
    model.step()  # the first step arrests the initial actives; time the steady state after it
    per_step = []
    for _ in range(steps):
        t0 = time.perf_counter()
        model.step()
        per_step.append(time.perf_counter() - t0)
    agents = model.n_agents
    del model
    gc.collect()
    tracemalloc.start()
    model = RebellionModel(config, 2)
    for _ in range(3):
        model.step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del model
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "agents": agents,
        "init_s": init,
        "step_s": float(np.median(per_step)),
        "agent_steps_per_s": agents * len(per_step) / float(np.sum(per_step)),
        "tracemalloc_peak_mb": peak / 2**20,
        "max_rss_mb": rss / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="steps per run (default 100)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per engine (default 3)")
    parser.add_argument(
        "--sequential-steps", type=int, default=50, help="steps of our sequential engine (50)"
    )
    parser.add_argument("--big-steps", type=int, default=10, help="timed steps of the 1M lattice")
    parser.add_argument("--skip-big", action="store_true", help="skip the 1M-agent lattice")
    parser.add_argument(
        "--legitimacy",
        type=float,
        default=0.8,
        help="legitimacy for both models (default 0.8, Mesa's; 0.6 gives an active regime)",
    )
    args = parser.parse_args(argv)

    import mesa

    print(
        f"python {platform.python_version()}  numpy {np.__version__}  mesa {mesa.__version__}  "
        f"cpus {os.cpu_count()}  {platform.machine()}"
    )
    sync = ModelIConfig.mesa(legitimacy=args.legitimacy)
    sequential = ModelIConfig.mesa(legitimacy=args.legitimacy, activation="sequential")
    run_ours(sync, 0, 5)  # warm-up (imports, caches)

    totals = {"mesa": [0.0, 0], "ours": [0.0, 0], "ours-sequential": [0.0, 0]}
    series: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {k: [] for k in totals}
    for seed in range(args.seeds):
        for name, runner in (
            ("mesa", lambda s: run_mesa(s, args.steps, args.legitimacy)),
            ("ours", lambda s: run_ours(sync, s, args.steps)),
            ("ours-sequential", lambda s: run_ours(sequential, s, args.sequential_steps)),
        ):
            seconds, agents, active, jailed = runner(seed)
            steps = args.sequential_steps if name == "ours-sequential" else args.steps
            totals[name][0] += seconds
            totals[name][1] += agents * steps
            series[name].append((active, jailed))

    rate = {name: work / seconds for name, (seconds, work) in totals.items()}
    print(
        f"\nModel I, 40 x 40, Mesa's configuration (legitimacy {args.legitimacy:g}), "
        f"{args.seeds} seeds"
    )
    print(f"{'engine':<28}{'agent-steps/s':>16}{'ms/step':>10}{'x Mesa':>9}")
    for name, label in (
        ("mesa", "Mesa 3.3.1 (sequential)"),
        ("ours", "grudging synchronous"),
        ("ours-sequential", "grudging sequential"),
    ):
        seconds, work = totals[name]
        agents_per_run = work / (
            (args.sequential_steps if name == "ours-sequential" else args.steps) * args.seeds
        )
        ms_per_step = 1000 * agents_per_run / rate[name]
        times_mesa = rate[name] / rate["mesa"]
        print(f"{label:<28}{rate[name]:>16,.0f}{ms_per_step:>10.2f}{times_mesa:>9.1f}")
    print(f"\nratio grudging synchronous / Mesa: {rate['ours'] / rate['mesa']:.1f}x")

    common = min(args.steps, args.sequential_steps)
    print(f"\nMean counts over steps 1-{common} and {args.seeds} seeds (equivalence check)")
    print(f"{'engine':<28}{'active':>10}{'jailed':>10}{'jailed at end':>15}")
    for name in totals:
        active = np.mean([a[:common].mean() for a, _ in series[name]])
        jailed = np.mean([j[:common].mean() for _, j in series[name]])
        last = np.mean([j[common - 1] for _, j in series[name]])
        print(f"{name:<28}{active:>10.2f}{jailed:>10.2f}{last:>15.1f}")

    if not args.skip_big:
        big = big_lattice(args.big_steps)
        print(f"\n1,000,000-agent lattice ({BIG_SIDE} x {BIG_SIDE}, {big['agents']:,} agents)")
        print(f"  initialisation          {big['init_s']:.2f} s")
        print(f"  time per step           {big['step_s']:.3f} s (median of {args.big_steps})")
        print(f"  agent-steps per second  {big['agent_steps_per_s']:,.0f}")
        print(f"  peak traced memory      {big['tracemalloc_peak_mb']:.0f} MB (tracemalloc)")
        print(f"  max resident set size   {big['max_rss_mb']:.0f} MB (whole process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

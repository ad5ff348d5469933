"""Benchmark: Poisson counts by inversion (:func:`grudging.model.counts.poisson_counts`) on the
means the dynamics actually draw, against numpy's sampler and against the inversion as first
committed (``z**3`` in the Cornish-Fisher term, every array compacted at every step of the exact
walk), same process; checks the counts agree.

The means are recorded from one run of the default scenario's first option (``--replications``
replications): every call of ``poisson_counts`` inside the dynamics.

    uv run python benchmarks/bench_counts.py [--replications 1000] [--repeat 5]

Times are CPU seconds (``time.process_time``), best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import grudging.model.counts as counts
import grudging.model.dynamics as dynamics


def _first_committed(u: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """The inversion as first committed: ``z**3`` (libm ``pow``, slow for negative ``z``)."""
    from scipy.special import ndtri

    u, mean = np.broadcast_arrays(np.asarray(u, dtype=float), np.asarray(mean, dtype=float))
    out = np.zeros(u.shape)
    flat_u, flat_mean, flat_out = u.ravel(), mean.ravel(), out.reshape(-1)
    zero_mass = np.exp(-flat_mean)
    where = np.flatnonzero(flat_u > zero_mass)
    lam = flat_mean[where]
    large = lam >= counts.EXACT_BELOW
    if large.any():
        at, lam_l = where[large], lam[large]
        z = ndtri(np.clip(flat_u[at], 1e-300, 1 - 1e-16))
        root = np.sqrt(lam_l)
        x = lam_l + root * z + (z * z - 1.0) / 6.0 + (z**3 - 7.0 * z) / (72.0 * root)
        flat_out[at] = np.maximum(np.ceil(x - 0.5), 0.0)
    small = ~large
    if small.any():
        at = where[small]
        flat_out[at] = _first_walk(flat_u[at], lam[small], zero_mass[at])
    return out


def _first_walk(u: np.ndarray, mean: np.ndarray, term: np.ndarray) -> np.ndarray:
    """The exact walk as first committed: every array compacted at every step."""
    k = np.zeros_like(mean)
    cdf = term.copy()
    index = np.arange(mean.size)
    step = 0
    while index.size:
        step += 1
        term = term * (mean / step)
        cdf = cdf + term
        done = (u <= cdf) | (term <= 0.0)
        k[index[done]] = step
        keep = ~done
        index, u, mean, term, cdf = index[keep], u[keep], mean[keep], term[keep], cdf[keep]
    return k


def _best(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from grudging.model.dynamics import DynamicsParams, simulate
    from grudging.model.parameters import stage_parameters
    from grudging.options import plan_option
    from grudging.scenario import load_scenario

    scn = load_scenario("iraq-2007")
    option = scn.options[0].id
    plan = plan_option(scn, option)
    params = stage_parameters(DynamicsParams, scn.parameter_values(), "dynamics")
    recorded: list[np.ndarray] = []
    original = dynamics.poisson_counts

    def record(u: np.ndarray, mean: np.ndarray) -> np.ndarray:
        recorded.append(np.asarray(mean, dtype=float).ravel().copy())
        return original(u, mean)

    dynamics.poisson_counts = record
    try:
        simulate(plan.inputs, params, args.replications, seed=1)
    finally:
        dynamics.poisson_counts = original
    mean = np.concatenate(recorded)
    u = np.random.default_rng(1).random(mean.size)
    now = _best(lambda: counts.poisson_counts(u, mean), args.repeat)
    before = _best(lambda: _first_committed(u, mean), args.repeat)
    sampler = np.random.default_rng(2)
    numpy = _best(lambda: sampler.poisson(mean), args.repeat)
    same = np.array_equal(counts.poisson_counts(u, mean), _first_committed(u, mean))
    print(
        f"{mean.size:,} counts ({len(recorded)} calls) from {option}, {args.replications} "
        f"replications; {np.mean(mean >= counts.EXACT_BELOW):.0%} of means >= "
        f"{counts.EXACT_BELOW:g}"
    )
    print(f"  inversion, first committed         {before:6.3f} s CPU")
    print(f"  inversion, now                     {now:6.3f} s CPU")
    print(f"  numpy's sampler (reference)        {numpy:6.3f} s CPU")
    print(f"  ratio first committed / now        {before / now:6.2f}x")
    print(f"  ratio now / numpy                  {now / numpy:6.2f}x")
    print(f"  identical counts                   {same}")

    # A sweep's chunks: one design point's replications per dynamics call when a plan reads a
    # varied parameter (see docs/performance.md). The whole dynamics, small calls, with the
    # scalar walk and with the array walk only.
    small, calls = 10, 40
    best = {"array walk only": float("inf"), "scalar walk": float("inf")}
    results = {}
    for _ in range(max(args.repeat // 2, 2)):
        for name, limit in (("array walk only", 0), ("scalar walk", counts.SCALAR_WALK)):
            saved, counts.SCALAR_WALK = counts.SCALAR_WALK, limit
            try:
                started = time.process_time()
                out = [simulate(plan.inputs, params, small, seed=1, block=i) for i in range(calls)]
                best[name] = min(best[name], time.process_time() - started)
            finally:
                counts.SCALAR_WALK = saved
            results[name] = np.concatenate([t.deaths for t in out])
    alike = np.array_equal(results["array walk only"], results["scalar walk"])
    print(f"{calls} dynamics calls of {small} replications (a sweep's small chunks)")
    for name, seconds in best.items():
        print(f"  {name:<33}  {seconds:6.3f} s CPU")
    print(
        f"  ratio                              {best['array walk only'] / best['scalar walk']:6.2f}x"
    )
    print(f"  identical deaths                   {alike}")


if __name__ == "__main__":
    main()

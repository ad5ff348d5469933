"""Benchmark: the ABM of this tree against an earlier revision's, in the same process, alternated.

Extracts ``src/grudging/abm`` at ``--rev`` (default ``HEAD``) with ``git show`` into a temporary
package, imports both, and times Model I's synchronous engine on Mesa's configuration (40 x 40)
and on the 1,000,000-agent lattice (1,137 x 1,137), alternating which goes first, ``--repeats``
times. CPU seconds a step (``time.process_time``: less sensitive to a shared machine than the
wall clock) and the ratio earlier / now for each pair. Before timing it says whether both give the
same counts, step by step, for two seeds of three configurations (a change meant to keep every
result must say yes to all three; one that changes the draws of large lattices only, to the
first two).

    uv run python benchmarks/bench_abm_before_after.py [--rev HEAD] [--repeats 5]
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "src/grudging/abm"
BIG_SIDE = 1137


def earlier_package(rev: str, folder: Path) -> str:
    """Write the ABM package of ``rev`` into ``folder`` as ``grudging_abm_before``; its name."""
    name = "grudging_abm_before"
    listing = subprocess.run(
        ["git", "ls-tree", "--name-only", f"{rev}:{PACKAGE}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    target = folder / name
    target.mkdir()
    for file in listing:
        if not file.endswith(".py"):
            continue
        text = subprocess.run(
            ["git", "show", f"{rev}:{PACKAGE}/{file}"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        (target / file).write_text(text.replace("grudging.abm", name))
    return name


def modules(package: str) -> tuple[ModuleType, ModuleType]:
    return importlib.import_module(f"{package}.config"), importlib.import_module(
        f"{package}.model1"
    )


def counts(package: str, config: dict[str, Any], seed: int, steps: int) -> list[tuple[int, ...]]:
    config_module, model1 = modules(package)
    model = model1.RebellionModel(config_module.ModelIConfig.mesa(**config), seed)
    rows = []
    for _ in range(steps):
        model.step()
        rows.append(tuple(model.counts().values()))
    return rows


def cpu_per_step(package: str, config: dict[str, Any], seed: int, steps: int) -> float:
    config_module, model1 = modules(package)
    model = model1.RebellionModel(config_module.ModelIConfig.mesa(**config), seed)
    model.step()  # the first step arrests the initial actives; time the steady state after it
    start = time.process_time()
    for _ in range(steps):
        model.step()
        model.counts()
    return (time.process_time() - start) / steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="HEAD", help="the earlier revision (default HEAD)")
    parser.add_argument("--repeats", type=int, default=5, help="alternated pairs (default 5)")
    parser.add_argument("--small-steps", type=int, default=300, help="steps at 40 x 40 (300)")
    parser.add_argument("--big-steps", type=int, default=4, help="steps at 1,137 x 1,137 (4)")
    parser.add_argument("--skip-big", action="store_true", help="skip the 1,000,000-agent lattice")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        before = earlier_package(args.rev, Path(tmp))
        sys.path.insert(0, tmp)
        now = "grudging.abm"
        load = os.getloadavg()[0]
        print(f"earlier: {args.rev}; now: this tree; load average {load:.2f} at the start")

        checks = [({}, 40), ({"legitimacy": 0.6}, 40), ({"width": 160, "height": 150}, 6)]
        for config, steps in checks:
            same = all(
                counts(before, config, seed, steps) == counts(now, config, seed, steps)
                for seed in (1, 2)
            )
            label = ", ".join(f"{k} {v}" for k, v in config.items()) or "Mesa's configuration"
            print(f"identical counts, step by step, seeds 1-2, {label}: {'yes' if same else 'NO'}")

        cases = [("40 x 40 (ms/step)", {}, args.small_steps, 1e3)]
        if not args.skip_big:
            cases.append(
                (
                    "1,137 x 1,137 (s/step)",
                    {"width": BIG_SIDE, "height": BIG_SIDE},
                    args.big_steps,
                    1,
                )
            )
        for label, config, steps, unit in cases:
            cpu_per_step(before, config, 99, min(steps, 20))  # warm-up
            cpu_per_step(now, config, 99, min(steps, 20))
            times: dict[str, list[float]] = {before: [], now: []}
            for r in range(args.repeats):
                for package in (before, now) if r % 2 == 0 else (now, before):
                    times[package].append(cpu_per_step(package, config, r, steps))
            earlier, current = np.array(times[before]), np.array(times[now])
            ratios = ", ".join(f"{a / b:.2f}" for a, b in zip(earlier, current, strict=True))
            print(
                f"{label:<24} earlier {np.median(earlier) * unit:.4f}  now "
                f"{np.median(current) * unit:.4f}  (medians of {args.repeats}; CPU)  "
                f"earlier/now by pair: {ratios}"
            )
        print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the sweep store's layouts side by side — bytes per run, time to write, time to read.

The same runs are written chunk by chunk (as a sweep writes them) into a store of each layout
(``--formats``, default 2 and 3), alternating the layouts ``--repeat`` times in this one process,
then read back the ways the analyses read them (``per_point``, the whole ``outcomes`` and
``status`` views). The values are those of a real sweep's store (``--source``: any layout, e.g. one
``bench_sweep.py`` made) or, without one, drawn from a seeded generator with the kinds of values
the model gives (integral counts, continuous amounts, 0/1 events, few-valued probabilities). The
bytes a run takes depend on how well the values compress: quote the real sweep's figure
(``bench_sweep.py``), use the synthetic one to compare layouts.

    uv run python benchmarks/bench_store.py [--runs 10000] [--source STORE] [--repeat 3]
        [--formats 2,3] [--block-bytes 32768]

Figures vary with the machine's load: compare the layouts within one run. No timing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

BLOCK = 500
OPTIONS = ("us_stays", "nato_replaces")
REPLICATIONS = 10


def synthetic_values(runs: int, seed: int = 2007) -> dict[str, np.ndarray]:
    """Values of the kinds the model's 16 scalar outcomes take (``model/outcomes.py``)."""
    rng = np.random.default_rng(seed)
    level = rng.lognormal(0.0, 0.5, runs)
    return {
        "civilian_deaths": rng.poisson(5e5 * level).astype(float),
        "civil_war": (rng.random(runs) < 0.4).astype(float),
        "displaced": 2e6 * level * rng.lognormal(0.0, 0.3, runs),
        "refugees": 6e5 * level * rng.lognormal(0.0, 0.3, runs),
        "troop_deaths": rng.poisson(3000 * level).astype(float),
        "cost_patron": np.round(2e5 * rng.lognormal(0.0, 0.3, runs), 2),
        "cost_others": 1e4 * rng.lognormal(0.0, 0.8, runs),
        "safe_haven": rng.beta(2, 5, runs),
        "regional_escalation": (rng.random(runs) < 0.1).astype(float),
        "coalition_troops": 1e4 * rng.lognormal(0.0, 0.6, runs),
        "patron_troops": rng.choice([26170.0, 140000.0], runs),
        "settlement_forms": (rng.random(runs) < 0.05).astype(float),
        "settlement_holds": np.zeros(runs),
        "p_deal": rng.choice([0.0, 0.0025, 0.005, 0.0075], runs),
        "p_deal_holds": rng.choice(rng.random(500) * 0.003, runs),
        "handover": np.zeros(runs),
    }


def source_values(path: str, runs: int) -> dict[str, np.ndarray]:
    """The first ``runs`` runs' scalar outcomes of a real store (in run order)."""
    from grudging.results.store import open_store

    with open_store(path) as store:
        names = store.outcome_names()
        frame = store.con.execute(
            "SELECT point, option, replication, outcome, value FROM outcomes "
            "WHERE month IS NULL AND region IS NULL AND nation IS NULL"
        ).df()
    wide = frame.pivot_table(
        index=["point", "option", "replication"], columns="outcome", values="value"
    ).sort_index()
    if len(wide) < runs:
        raise SystemExit(f"{path} holds {len(wide):,} runs; ask for at most that many (--runs)")
    return {n: wide[n].to_numpy(dtype=float)[:runs] for n in names}


def _meta(version: int, runs: int, outcomes: list[str], points: int) -> dict[str, Any]:
    return {
        "format_version": version,
        "package": "grudging",
        "version": "bench",
        "scenario_id": "bench",
        "scenario_hash": "0" * 16,
        "seed": 1,
        "replications": REPLICATIONS,
        "block": BLOCK,
        "monthly": False,
        "total_runs": runs,
        "options": list(OPTIONS),
        "outcomes": outcomes,
        "design": {"method": "lhs", "n": points},
        "factors": [],
        "data_window": {"first": None, "last": None},
        "information_date": "2006-12",
        "created": "2026-01-01T00:00:00+00:00",
        "scenario": {},
    }


def one_store(
    folder: Path, version: int, values: dict[str, np.ndarray], factors: int
) -> dict[str, float]:
    """Write the runs into a new store of layout ``version``, then read them back; figures."""
    from grudging.results.store import ChunkRows, Store, open_store

    runs = len(next(iter(values.values())))
    per_option = runs // len(OPTIONS)
    points = -(-per_option // REPLICATIONS)
    rng = np.random.default_rng(1)
    unit = pd.DataFrame({"point": np.arange(points, dtype=np.int64)})
    for k in range(factors):
        unit[f"dynamics.f{k}"] = rng.random(points)
    design = unit.copy()
    design.insert(1, "group_key", "nominal")
    path = folder / f"v{version}-{time.perf_counter_ns()}.duckdb"
    names = list(values)
    row = np.arange(per_option)
    wall, cpu = time.perf_counter(), time.process_time()
    store = Store.create(path, _meta(version, runs, names, points), design, unit)
    n = 0
    for o, option in enumerate(OPTIONS):
        for start in range(0, per_option, BLOCK):
            at = row[start : start + BLOCK]
            take = o * per_option + at
            store.write_chunk(
                ChunkRows(
                    chunk_id=f"nominal/{start // BLOCK}/{option}",
                    group_key="nominal",
                    block=start // BLOCK,
                    option=option,
                    points=(at // REPLICATIONS).astype(np.int64),
                    replications=(at % REPLICATIONS).astype(np.int32),
                    status="ok",
                    error=None,
                    worker="bench:1",
                    seconds=0.5,
                    outcomes={k: v[take] for k, v in values.items()},
                    monthly={},
                )
            )
            n += at.size
    store.close()
    write_wall, write_cpu = time.perf_counter() - wall, time.process_time() - cpu
    reads: dict[str, float] = {}
    started = time.perf_counter()
    with open_store(path) as store:
        reads["open"] = time.perf_counter() - started
        for what in ("per_point", "outcomes", "status"):
            started = time.perf_counter()
            if what == "per_point":
                store.per_point("civilian_deaths")
            else:
                store.table(what)
            reads[what] = time.perf_counter() - started
    size = path.stat().st_size
    path.unlink()
    return {
        "bytes_per_run": size / n,
        "write_wall_s": write_wall,
        "write_cpu_s": write_cpu,
        **{f"read_{k}_s": v for k, v in reads.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--source", default=None, help="a store whose values to write")
    parser.add_argument("--formats", default="2,3", help="layouts to compare (1, 2, 3)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--factors", type=int, default=61, help="design factors (bench_sweep: 61)")
    parser.add_argument(
        "--block-bytes", type=int, default=None, help="DuckDB block size of format 3 (ablation)"
    )
    args = parser.parse_args()
    if args.block_bytes is not None:
        import grudging.results.store as store_module

        store_module.BLOCK_BYTES = args.block_bytes
    runs = args.runs - args.runs % (len(OPTIONS) * REPLICATIONS)
    values = source_values(args.source, runs) if args.source else synthetic_values(runs)
    formats = [int(v) for v in args.formats.split(",")]
    figures: dict[int, list[dict[str, float]]] = {v: [] for v in formats}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.repeat):
            for version in formats:
                figures[version].append(one_store(Path(folder), version, values, args.factors))
    print(
        f"{runs:,} runs, {len(values)} outcomes, values "
        f"{'of ' + args.source if args.source else 'synthetic'}; median of {args.repeat}:"
    )
    keys = list(figures[formats[0]][0])
    print("| figure | " + " | ".join(f"format {v}" for v in formats) + " |")
    print("|---|" + "---:|" * len(formats))
    for key in keys:
        cells = [statistics.median(f[key] for f in figures[v]) for v in formats]
        text = [f"{c:,.0f}" if key == "bytes_per_run" else f"{c:.3f}" for c in cells]
        print(f"| {key} | " + " | ".join(text) + " |")


if __name__ == "__main__":
    main()

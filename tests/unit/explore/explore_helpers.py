"""Helpers of the exploration tests: small sweeps of the built-in scenario and synthetic stores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from grudging.explore.design import Design, DesignSpec, build
from grudging.explore.levers import Factor
from grudging.results.store import FORMAT_VERSION, ChunkRows, Store

#: Columns that say where and how fast a run ran (they differ between executors, by design).
VOLATILE = ("worker", "seconds")


def tables(path: str | Path) -> dict[str, pd.DataFrame]:
    """The store's tables, sorted by run identity, without the volatile columns."""
    from grudging.results.store import open_store

    with open_store(path) as store:
        status = store.table("status").drop(columns=list(VOLATILE))
        outcomes = store.table("outcomes")
        points = store.table("points")
        experiments = store.table("experiments")
    return {
        "status": status.sort_values("run_id").reset_index(drop=True),
        "outcomes": outcomes.sort_values(["run_id", "outcome", "month"]).reset_index(drop=True),
        "points": points,
        "experiments": experiments.sort_values("run_id").reset_index(drop=True),
    }


def assert_same_tables(a: str | Path, b: str | Path) -> None:
    """Two stores hold exactly the same runs and numbers."""
    ta, tb = tables(a), tables(b)
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], check_exact=True, obj=name)


def synthetic_design(
    method: str, n: int, factors: Sequence[Factor], seed: int = 1, **kw: Any
) -> Design:
    """A design over synthetic factors (no scenario needed)."""
    spec = DesignSpec(method=method, n=n, seed=seed, factors=tuple(f.name for f in factors), **kw)
    return build(spec, list(factors))


def synthetic_store(
    path: Path,
    design: Design,
    values: Mapping[str, Mapping[str, np.ndarray]],
    failed: Mapping[str, np.ndarray] | None = None,
    format_version: int = FORMAT_VERSION,
) -> Path:
    """A store holding given outcome values: ``values[option][outcome]`` has one value per point
    (one replication each). ``failed[option]`` marks points whose run failed. ``format_version``
    picks the store's layout (the current one by default)."""
    options = list(values)
    outcomes = sorted({name for per in values.values() for name in per})
    frame = design.values()
    frame.insert(1, "group_key", "synthetic")
    meta = {
        "format_version": format_version,
        "package": "grudging",
        "version": "test",
        "scenario_id": "synthetic",
        "scenario_hash": "0" * 16,
        "seed": 1,
        "replications": 1,
        "block": design.points,
        "monthly": False,
        "total_runs": design.points * len(options),
        "options": options,
        "outcomes": outcomes,
        "design": design.spec.to_dict(),
        "factors": [f.__dict__ for f in design.factors],
        "data_window": {"first": None, "last": None},
        "information_date": "2006-12",
        "created": "2026-01-01T00:00:00+00:00",
        "scenario": {},
    }
    store = Store.create(path, meta, frame, design.unit_frame())
    points = np.arange(design.points, dtype=np.int64)
    for option in options:
        bad = np.zeros(design.points, dtype=bool)
        if failed and option in failed:
            bad[failed[option]] = True
        for flag, label in ((False, "ok"), (True, "failed")):
            rows = points[bad == flag]
            if rows.size == 0:
                continue
            store.write_chunk(
                ChunkRows(
                    chunk_id=f"synthetic/{label}/{option}",
                    group_key="synthetic",
                    block=int(flag),
                    option=option,
                    points=rows,
                    replications=np.zeros(rows.size, dtype=np.int32),
                    status=label,
                    error="ValueError: planted failure" if flag else None,
                    worker="test",
                    seconds=0.0,
                    outcomes={} if flag else {k: v[rows] for k, v in values[option].items()},
                    monthly={},
                )
            )
    store.close()
    return path

"""Store layout 2 keeps ``run_id`` out of the tables (the views make it); layout 1 stores are still
read the same way."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from explore_helpers import synthetic_design, synthetic_store

from grudging.explore.levers import Factor
from grudging.results.store import FORMAT_VERSION, open_store

FACTORS = [Factor("dynamics.a", "parameter", "real", low=0.0, high=1.0)]


def _store(path: Path, version: int) -> Path:
    design = synthetic_design("lhs", 40, FACTORS)
    x = design.values()["dynamics.a"].to_numpy()
    return synthetic_store(
        path,
        design,
        {
            "a": {"civilian_deaths": 100 * x, "civil_war": x > 0.5},
            "b": {"civilian_deaths": x, "civil_war": x < 0.2},
        },
        failed={"b": np.array([3, 7])},
        format_version=version,
    )


def test_the_new_layout_stores_no_run_id(tmp_path: Path) -> None:
    path = _store(tmp_path / "s.duckdb", FORMAT_VERSION)
    con = duckdb.connect(str(path), read_only=True)
    for table in ("run_status", "outcome_rows"):
        columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        assert "run_id" not in columns
    con.close()


@pytest.mark.parametrize("reader", ["outcomes", "status", "experiments", "per_point"])
def test_both_layouts_read_the_same(tmp_path: Path, reader: str) -> None:
    frames = []
    for version in (1, FORMAT_VERSION):
        with open_store(_store(tmp_path / f"v{version}.duckdb", version)) as store:
            frame = (
                store.per_point("civilian_deaths")
                if reader == "per_point"
                else getattr(store, reader)()
            )
            frames.append(frame.drop(columns=["worker", "seconds"], errors="ignore"))
    pd.testing.assert_frame_equal(frames[0], frames[1])
    if reader == "outcomes":
        row = frames[1].iloc[0]
        assert row["run_id"] == f"{row['point']}/{row['option']}/{row['replication']}"


def test_an_unknown_layout_is_refused(tmp_path: Path) -> None:
    path = _store(tmp_path / "s.duckdb", FORMAT_VERSION)
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET format_version = 9")
    con.close()
    with pytest.raises(
        Exception, match=r"store format 9, this grudging reads formats 1, 2; re-run"
    ):
        open_store(path)

"""The Exploration view over a sweep store made through grudging.explore."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from grudging.errors import GrudgingError
from grudging.web import callbacks as cb
from grudging.web.files import AccessRefused
from store_helpers import FACTORS


def test_store_is_listed_and_summarised(ws: Any, state: Any, store_key: str) -> None:
    assert store_key in [c["value"] for c in ws.store_choices()]
    view = cb.store_choices_view(ws, state, store_key)
    assert "a sobol design of 48 points over 4 factors" in view["summary"]
    assert "complete" in view["summary"]
    assert view["option"] == "nato_replaces"
    assert view["baseline"] == "us_stays"
    assert view["outcome"] == "civilian_deaths"
    assert cb.store_choices_view(ws, state, None)["options"] == []


def test_sensitivity_bars_for_every_factor(ws: Any, store_key: str) -> None:
    view = cb.exploration_view(
        ws, store_key, "civilian_deaths", "nato_replaces", "us_stays", None, None
    )
    bars = view["sensitivity"].data[0]
    assert sorted(bars.y) == sorted(FACTORS)
    assert all(v >= -0.5 for v in bars.x)
    assert "Sobol" in view["sensitivity"].layout.title.text


def test_prim_steps_through_the_trajectory(ws: Any, store_key: str) -> None:
    per_point = cb.exploration_view(
        ws, store_key, "civilian_deaths", "nato_replaces", None, "0", None
    )
    # above 0 deaths at every point: nothing to discover, said plainly
    assert "every one of the 48 design points" in per_point["question"]
    from grudging.results.store import open_store

    with open_store(ws.store_path(store_key)) as st:
        values = st.per_point("civilian_deaths", "mean", ["nato_replaces"])["value"]
    threshold = f"{values.median():.6g}"
    first = cb.exploration_view(
        ws, store_key, "civilian_deaths", "nato_replaces", None, threshold, None
    )
    assert first["steps"] > 2
    chosen = first["step"]
    assert first["prim"].chosen == chosen
    trace = first["trajectory"].data[0]
    assert list(trace.customdata) == list(range(first["steps"]))
    assert first["box"]  # the chosen box restricts something
    start = cb.exploration_view(
        ws, store_key, "civilian_deaths", "nato_replaces", None, threshold, 0
    )
    assert start["step"] == 0
    assert start["box"] == []  # step 0 is the whole space
    assert "coverage 100%" in start["box_note"]
    beyond = cb.exploration_view(
        ws, store_key, "civilian_deaths", "nato_replaces", None, threshold, 999
    )
    assert beyond["step"] == first["steps"] - 1


def test_what_failing_means_is_asked_in_the_pages_words(ws: Any, store_key: str) -> None:
    """The baseline cleared with no value typed, or the option chosen as its own baseline, was
    answered with the command line's options (--baseline OPTION, --worse-than VALUE)."""
    fix = (
        "choose an option under 'does worse than', or type a value under 'or, instead, worse "
        "than the value'"
    )
    cleared = cb.exploration_view(ws, store_key, "civilian_deaths", "nato_replaces", None, "", None)
    assert cleared["question"] == f"No PRIM box: say what failing means: {fix}"
    itself = cb.exploration_view(
        ws, store_key, "civilian_deaths", "nato_replaces", "nato_replaces", None, None
    )
    assert itself["question"] == (
        "No PRIM box: the option is compared with itself; choose another option under 'does "
        "worse than', or type a value under 'or, instead, worse than the value'"
    )
    for view in (cleared, itself):  # the option's own indices still show
        assert view["sensitivity"] is not None
        assert "--" not in view["sensitivity_note"] + view["question"]
    # what only a crafted request sends: a message, not a TypeError
    for name, crafted in (("store", (5, "civilian_deaths")), ("outcome", (store_key, 5))):
        with pytest.raises(GrudgingError, match=f"^{name}: choose it from the list$"):
            cb.exploration_view(ws, *crafted, "nato_replaces", None, None, None)  # type: ignore[arg-type]


def test_exploration_csv(ws: Any, store_key: str) -> None:
    out = cb.exploration_csv(ws, store_key, "civilian_deaths", "nato_replaces", "us_stays", None)
    first_block = out["content"].split("\n\n")[0]
    frame = pd.read_csv(io.StringIO(first_block))
    assert {"parameter", "index", "low", "high"} <= set(frame.columns)
    with pytest.raises(GrudgingError, match="no sweep store"):
        cb.exploration_csv(ws, None, None, None, None, None)


def test_stores_outside_or_fake_are_refused(ws: Any, data_folder: Path) -> None:
    for key in ("0/../sweep.duckdb", "0/../../etc/passwd", "7/sweep.duckdb"):
        with pytest.raises(AccessRefused):
            cb.exploration_view(ws, key, "civilian_deaths", None, None, None, None)
    (data_folder / "fake.duckdb").write_text("not a database")
    with pytest.raises(GrudgingError, match="not a DuckDB store"):
        cb.store_choices_view(ws, ws.default_state(), "0/fake.duckdb")
    (data_folder / "fake.duckdb").unlink()

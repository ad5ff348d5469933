"""Scenario discovery: PRIM (EMA Workbench's) recovers a box planted in synthetic data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from explore_helpers import synthetic_design, synthetic_store

from grudging.errors import DesignError
from grudging.explore.discovery import discover
from grudging.explore.levers import Factor

FACTORS = [
    Factor("dynamics.a", "parameter", "real", low=0.0, high=1.0),
    Factor("dynamics.b", "parameter", "real", low=0.0, high=10.0),
    Factor("dynamics.c", "parameter", "real", low=0.0, high=1.0),
    Factor("command", "lever", "categorical", choices=("nato", "un", "us")),
]


def _planted(tmp_path: Path, noise: float = 0.0) -> Path:
    """Cases where a > 0.6 and b < 3 (a box of mass 0.12), optionally with mislabelled points."""
    design = synthetic_design("lhs", 2000, FACTORS, seed=4)
    x = design.values()
    inside = (x["dynamics.a"] > 0.6) & (x["dynamics.b"] < 3.0)
    rng = np.random.default_rng(0)
    flip = rng.random(design.points) < noise
    worse = np.where(flip, ~inside, inside)
    proposal = np.where(worse, 200.0, 100.0)
    return synthetic_store(
        tmp_path / "planted.duckdb",
        design,
        {
            "proposal": {"civilian_deaths": proposal},
            "baseline": {"civilian_deaths": np.full(design.points, 150.0)},
        },
    )


@pytest.mark.slow
def test_prim_finds_the_planted_box(tmp_path: Path) -> None:
    found = discover(_planted(tmp_path), "civilian_deaths", option="proposal", baseline="baseline")
    x = synthetic_design("lhs", 2000, FACTORS, seed=4).values()
    assert found.cases == int(((x["dynamics.a"] > 0.6) & (x["dynamics.b"] < 3.0)).sum())
    assert found.points == 2000
    box = found.boxes.iloc[0]
    assert box["coverage"] >= 0.9
    assert box["density"] >= 0.9
    limits = found.limits[found.limits["box"] == 1].set_index("factor")
    assert set(limits.index) == {"dynamics.a", "dynamics.b"}
    assert limits.loc["dynamics.a", "low"] == pytest.approx(0.6, abs=0.03)
    assert limits.loc["dynamics.b", "high"] == pytest.approx(3.0, abs=0.3)
    assert (limits["qp_low"].fillna(0) < 0.01).all() or (limits["qp_high"].fillna(0) < 0.01).all()
    # The trajectory runs from the whole space (coverage 1) down, and marks the chosen step.
    traj = found.trajectory[found.trajectory["box"] == 1]
    assert traj["coverage"].iloc[0] == 1.0
    assert traj["chosen"].sum() == 1
    assert traj.loc[traj["chosen"], "density"].iloc[0] >= 0.8


@pytest.mark.slow  # a sweep and a PRIM search: the slow tier
def test_prim_finds_the_box_through_noise(tmp_path: Path) -> None:
    found = discover(
        _planted(tmp_path, noise=0.05), "civilian_deaths", option="proposal", baseline="baseline"
    )
    limits = found.limits[found.limits["box"] == 1].set_index("factor")
    assert limits.loc["dynamics.a", "low"] == pytest.approx(0.6, abs=0.06)
    assert limits.loc["dynamics.b", "high"] == pytest.approx(3.0, abs=0.6)
    assert found.boxes.iloc[0]["density"] >= 0.7


@pytest.mark.slow
def test_a_satisficing_threshold_defines_failure(tmp_path: Path) -> None:
    found = discover(_planted(tmp_path), "civilian_deaths", option="proposal", worse_than=150.0)
    assert found.question == "proposal above 150 on civilian_deaths (mean)"
    assert set(found.limits[found.limits["box"] == 1]["factor"]) == {"dynamics.a", "dynamics.b"}


@pytest.mark.slow  # a few seconds: the slow tier keeps the default under its limit
def test_prim_finds_a_box_on_a_categorical_lever(tmp_path: Path) -> None:
    design = synthetic_design("lhs", 900, FACTORS, seed=5)
    x = design.values()
    worse = (x["command"] == "us") & (x["dynamics.c"] < 0.5)
    path = synthetic_store(
        tmp_path / "cat.duckdb",
        design,
        {"p": {"civilian_deaths": np.where(worse, 2.0, 0.0)}},
    )
    found = discover(path, "civilian_deaths", option="p", worse_than=1.0)
    limits = found.limits[found.limits["box"] == 1].set_index("factor")
    assert limits.loc["command", "choices"] == "us"
    assert limits.loc["dynamics.c", "high"] == pytest.approx(0.5, abs=0.05)


def test_failure_needs_a_definition(tmp_path: Path) -> None:
    path = _planted(tmp_path)
    with pytest.raises(DesignError) as neither:
        discover(path, "civilian_deaths", option="proposal")
    assert str(neither.value) == (
        "say what failing means: --baseline OPTION (the option does worse than another at the "
        "same point) or --worse-than VALUE (a satisficing threshold)"
    )
    with pytest.raises(DesignError, match=r"a satisficing threshold\), not both$"):
        discover(path, "civilian_deaths", option="proposal", baseline="baseline", worse_than=1.0)


def test_unknown_outcome_gets_a_did_you_mean(tmp_path: Path) -> None:
    with pytest.raises(DesignError) as info:
        discover(_planted(tmp_path), "civilian_death", option="proposal", baseline="baseline")
    assert str(info.value) == (
        "unknown outcome 'civilian_death' (did you mean 'civilian_deaths'?); valid: civilian_deaths"
    )


def test_boxes_can_be_restricted_to_chosen_factors(tmp_path: Path) -> None:
    path = _planted(tmp_path)
    found = discover(
        path,
        "civilian_deaths",
        option="proposal",
        baseline="baseline",
        factors=["dynamics.a"],
        threshold=0.25,
    )
    assert set(found.limits["factor"]) == {"dynamics.a"}
    assert found.limits.iloc[0]["low"] == pytest.approx(0.6, abs=0.03)
    with pytest.raises(DesignError, match=r"unknown factor 'dynamics.d' \(did you mean"):
        discover(
            path, "civilian_deaths", option="proposal", baseline="baseline", factors=["dynamics.d"]
        )


def test_prim_pastes_on_an_integer_lever(tmp_path: Path) -> None:
    """Pasting moves a bound to a midpoint between an integer lever's values (34.5 months), which
    an integer column refused with a pandas TypeError (audit, 2026-12-07)."""
    factors = [
        Factor("dynamics.a", "parameter", "real", low=0.0, high=1.0),
        Factor("drawdown_months", "lever", "integer", low=6, high=36),
    ]
    design = synthetic_design("lhs", 400, factors, seed=7)
    x = design.values()
    assert x["drawdown_months"].dtype.kind == "i"
    worse = (x["dynamics.a"] > 0.5) & (x["drawdown_months"] <= 20)
    path = synthetic_store(
        tmp_path / "integer.duckdb",
        design,
        {
            "proposal": {"civilian_deaths": np.where(worse, 200.0, 100.0)},
            "baseline": {"civilian_deaths": np.full(design.points, 150.0)},
        },
    )
    found = discover(path, "civilian_deaths", option="proposal", baseline="baseline")
    limits = found.limits[found.limits["box"] == 1].set_index("factor")
    assert "drawdown_months" in limits.index
    assert limits.loc["drawdown_months", "high"] == pytest.approx(20, abs=1.0)

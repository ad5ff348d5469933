"""Robustness: regret against the best option per point, satisficing, percentiles."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from explore_helpers import synthetic_design, synthetic_store
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from grudging.errors import DesignError
from grudging.explore.levers import Factor
from grudging.explore.robust import regret, regret_table, robustness

FACTORS = [Factor("dynamics.a", "parameter", "real", low=0.0, high=1.0)]


def _store(tmp_path: Path) -> Path:
    """Three options over four points with known values: deaths to minimise, a deal to maximise."""
    design = synthetic_design("lhs", 4, FACTORS)
    deaths = {
        "stay": np.array([100.0, 200.0, 300.0, 400.0]),
        "leave": np.array([150.0, 150.0, 350.0, 350.0]),
        "replace": np.array([120.0, 180.0, 500.0, 390.0]),
    }
    deal = {"stay": np.zeros(4), "leave": np.zeros(4), "replace": np.array([0.2, 0.6, 0.0, 0.4])}
    values = {o: {"civilian_deaths": deaths[o], "settlement_forms": deal[o]} for o in deaths}
    return synthetic_store(tmp_path / "r.duckdb", design, values)


def test_regret_is_zero_for_the_best_option_and_exact_elsewhere(tmp_path: Path) -> None:
    table = regret(_store(tmp_path), "civilian_deaths")
    best = table[table["is_best"]]
    assert (best["regret"] == 0.0).all()
    assert list(best.sort_values("point")["option"]) == ["stay", "leave", "stay", "leave"]
    wide = table.pivot(index="point", columns="option", values="regret")
    assert wide["replace"].to_list() == [20.0, 30.0, 200.0, 40.0]
    assert wide["stay"].to_list() == [0.0, 50.0, 0.0, 50.0]


def test_robustness_metrics_by_hand(tmp_path: Path) -> None:
    table = robustness(
        _store(tmp_path),
        outcomes=["civilian_deaths", "settlement_forms"],
        thresholds={"civilian_deaths": 360.0, "settlement_forms": 0.3},
        baseline="stay",
    ).set_index(["outcome", "option"])
    deaths = table.loc["civilian_deaths"]
    assert deaths.loc["stay", "max_regret"] == 50.0
    assert deaths.loc["leave", "max_regret"] == 50.0
    assert deaths.loc["replace", "max_regret"] == 200.0
    assert deaths.loc["replace", "rank"] == 3
    assert deaths.loc["stay", "mean_regret"] == pytest.approx(25.0)
    assert deaths.loc["stay", "best_share"] == 0.5
    assert deaths.loc["leave", "satisficing"] == 1.0  # 150, 150, 350, 350 <= 360
    assert deaths.loc["stay", "satisficing"] == 0.75
    assert deaths.loc["replace", "better_than_stay"] == 0.5
    assert deaths.loc["stay", "p50"] == 250.0
    deal = table.loc["settlement_forms"]  # to maximise: the coalition that brings a deal wins
    assert deal.loc["replace", "max_regret"] == 0.0
    assert deal.loc["stay", "max_regret"] == 0.6
    assert deal.loc["replace", "satisficing"] == 0.5
    assert deal.loc["replace", "best_share"] == 1.0  # ties at point 2 count for every option


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 30), st.integers(2, 5)),
        elements=st.floats(-1e9, 1e9, allow_nan=False),
    ),
    st.sampled_from(["minimize", "maximize"]),
)
@settings(max_examples=80, deadline=None)
def test_regret_is_never_negative_and_zero_at_the_best(values: np.ndarray, direction: str) -> None:
    frame = pd.DataFrame(values, columns=[f"o{i}" for i in range(values.shape[1])])
    reg = regret_table(frame, direction)
    assert (reg.to_numpy() >= 0).all()
    best = frame.idxmin(axis=1) if direction == "minimize" else frame.idxmax(axis=1)
    for point, option in best.items():
        assert reg.loc[point, option] == 0.0


def test_one_option_is_not_a_comparison(tmp_path: Path) -> None:
    with pytest.raises(
        DesignError, match=r"^regret compares options: the analysis needs at least two"
    ):
        robustness(_store(tmp_path), options=["stay"])


def test_unknown_outcome_and_option_get_did_you_means(tmp_path: Path) -> None:
    path = _store(tmp_path)
    with pytest.raises(DesignError) as info:
        robustness(path, outcomes=["civilian_deths"])
    assert str(info.value) == (
        "unknown outcome 'civilian_deths' (did you mean 'civilian_deaths'?); valid: "
        "civilian_deaths, settlement_forms"
    )
    with pytest.raises(DesignError) as info:
        robustness(path, options=["stay", "replac"])
    assert str(info.value) == (
        "--option replac: unknown option 'replac' (did you mean 'replace'?); valid: leave, "
        "replace, stay"
    )


def test_the_baseline_is_compared_with_the_options_given(tmp_path: Path) -> None:
    """--option us_stays --baseline nato_replaces was refused: 'the analysis needs at least two
    (the store holds us_stays, nato_replaces)' (audit). As in discover and sensitivity, the
    baseline is the option compared against: it is analysed too."""
    path = _store(tmp_path)
    table = robustness(
        path, outcomes="civilian_deaths", options=["stay"], baseline="leave"
    ).set_index("option")
    assert sorted(table.index) == ["leave", "stay"]
    assert table.loc["stay", "max_regret"] == 50.0  # against leave alone: 0, 50, 0, 50
    assert table.loc["leave", "max_regret"] == 50.0  # 50, 0, 50, 0
    assert table.loc["stay", "better_than_leave"] == 0.5
    both = robustness(path, outcomes="civilian_deaths", options=["stay", "leave"]).set_index(
        "option"
    )
    pd.testing.assert_series_equal(
        table["max_regret"].sort_index(), both["max_regret"].sort_index()
    )


def test_an_unknown_baseline_names_the_store_s_options(tmp_path: Path) -> None:
    with pytest.raises(DesignError) as info:
        robustness(_store(tmp_path), options=["stay"], baseline="leav")
    assert str(info.value) == (
        "--baseline leav: unknown option 'leav' (did you mean 'leave'?); valid: leave, replace, "
        "stay"
    )


def test_robustness_command_counts_the_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from grudging.cli import main

    path = _store(tmp_path)
    args = ["robustness", str(path), "--outcome", "civilian_deaths", "--option", "stay"]
    assert main([*args, "--baseline", "replace", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["option"] for r in rows] == ["stay", "replace"]
    assert rows[1]["max_regret"] == 200.0

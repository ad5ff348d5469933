"""Sensitivity indices through the whole wiring (design -> store -> per-point values -> SALib)
against analytic answers: the Ishigami function's Sobol' indices and a linear function's
elementary effects."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from explore_helpers import synthetic_design, synthetic_store

from grudging.errors import DesignError, StoreError
from grudging.explore.indices import sensitivity
from grudging.explore.levers import Factor

PI = float(np.pi)
ISHIGAMI = [Factor(f"x{i}", "parameter", "real", low=-PI, high=PI) for i in (1, 2, 3)]


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Ishigami & Homma (1990): ``sin x1 + a sin^2 x2 + b x3^4 sin x1``."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def analytic_indices(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """First-order and total Sobol' indices of the Ishigami function (Sobol' & Levitan 1999)."""
    v1 = 0.5 * (1 + b * PI**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * PI**8 * (1 / 18 - 1 / 50)
    total = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / total, np.array([v1 + v13, v2, v13]) / total


def _ishigami_store(tmp_path: Path, method: str = "sobol", n: int = 2048) -> Path:
    design = synthetic_design(method, n, ISHIGAMI)
    x = design.values()[["x1", "x2", "x3"]].to_numpy()
    return synthetic_store(tmp_path / "ishigami.duckdb", design, {"f": {"y": ishigami(x)}})


def test_sobol_indices_of_ishigami_match_the_analytic_values(tmp_path: Path) -> None:
    table = sensitivity(_ishigami_store(tmp_path), "y").set_index("factor").loc[["x1", "x2", "x3"]]
    s1, st = analytic_indices()
    # S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244 (analytic)
    np.testing.assert_allclose(table["S1"], s1, atol=0.03)
    np.testing.assert_allclose(table["ST"], st, atol=0.03)
    assert list(table.sort_values("rank").index) == ["x1", "x2", "x3"]


def test_morris_mu_star_of_a_linear_function_is_its_slope(tmp_path: Path) -> None:
    factors = [Factor(f"u{i}", "lever", "real", low=0.0, high=1.0) for i in (1, 2, 3)]
    design = synthetic_design("morris", 20, factors, num_levels=4)
    x = design.values()[["u1", "u2", "u3"]].to_numpy()
    y = 3.0 * x[:, 0] - 1.0 * x[:, 1] + 0.0 * x[:, 2]
    path = synthetic_store(tmp_path / "linear.duckdb", design, {"f": {"y": y}})
    table = sensitivity(path, "y").set_index("factor")
    np.testing.assert_allclose(table.loc[["u1", "u2", "u3"], "mu_star"], [3.0, 1.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(table.loc[["u1", "u2", "u3"], "mu"], [3.0, -1.0, 0.0], atol=1e-9)
    assert list(table["rank"].sort_values().index) == ["u1", "u2", "u3"]


def test_difference_between_two_options_is_analysed(tmp_path: Path) -> None:
    design = synthetic_design("sobol", 512, ISHIGAMI)
    x = design.values()[["x1", "x2", "x3"]].to_numpy()
    base = 5.0 * np.sin(x[:, 1])
    path = synthetic_store(
        tmp_path / "pair.duckdb", design, {"a": {"y": base + ishigami(x)}, "b": {"y": base}}
    )
    table = sensitivity(path, "y", option="a", baseline="b").set_index("factor")
    s1, _ = analytic_indices()
    np.testing.assert_allclose(table.loc[["x1", "x2", "x3"], "S1"], s1, atol=0.05)
    assert set(table["baseline"]) == {"b"}


def test_an_lhs_store_is_refused_with_the_fix(tmp_path: Path) -> None:
    design = synthetic_design("lhs", 50, ISHIGAMI)
    x = design.values()[["x1", "x2", "x3"]].to_numpy()
    path = synthetic_store(tmp_path / "lhs.duckdb", design, {"f": {"y": ishigami(x)}})
    with pytest.raises(DesignError) as info:
        sensitivity(path, "y")
    assert str(info.value) == (
        f"{path} holds a 'lhs' design; Sobol' indices need a Saltelli design (grudging sweep "
        "--method sobol) and Morris indices a Morris design (--method morris). For this store "
        "use grudging discover or robustness"
    )


def test_unknown_outcome_gets_a_did_you_mean(tmp_path: Path) -> None:
    path = _ishigami_store(tmp_path, n=8)
    with pytest.raises(DesignError) as info:
        sensitivity(path, "why")
    assert str(info.value) == "unknown outcome 'why'; valid: y"


def test_two_options_need_a_choice(tmp_path: Path) -> None:
    design = synthetic_design("sobol", 8, ISHIGAMI)
    y = np.zeros(design.points)
    path = synthetic_store(tmp_path / "two.duckdb", design, {"a": {"y": y}, "b": {"y": y}})
    with pytest.raises(DesignError, match=r"^the store holds 2 options \(a, b\); choose one"):
        sensitivity(path, "y")
    with pytest.raises(DesignError, match=r"did you mean 'a'"):
        sensitivity(path, "y", option="aa")


def test_failed_points_are_refused(tmp_path: Path) -> None:
    design = synthetic_design("sobol", 8, ISHIGAMI)
    x = design.values()[["x1", "x2", "x3"]].to_numpy()
    path = synthetic_store(
        tmp_path / "failed.duckdb",
        design,
        {"f": {"y": ishigami(x)}},
        failed={"f": np.array([3, 7])},
    )
    with pytest.raises(DesignError, match=r"^2 design points have failed runs \(first: point 3"):
        sensitivity(path, "y")


def test_a_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as info:
        sensitivity(tmp_path / "nothing.duckdb", "y")
    assert str(info.value) == (
        f"{tmp_path / 'nothing.duckdb'}: no store here; run 'grudging sweep "
        f"{tmp_path / 'nothing.duckdb'}' first"
    )


def _too_few(what: str, varying: int, size: int, need: int, why: str) -> str:
    return (
        f"{what}: only {varying:,} of {size:,} design points differ from 0 (its most common "
        f"value); Sobol' indices need at least {need:,} ({why}): each index compares one pair of "
        "points per base sample, and with fewer even the largest rests on too few differing "
        "pairs to be more than noise, and an index of 0 would not mean that the factor does not "
        "matter. Sweep more base samples (-n) or more replications per point (-r), or choose an "
        "outcome that varies more"
    )


def test_too_few_events_for_sobol_are_said_not_shown_as_zeros(tmp_path: Path) -> None:
    """A rare binary outcome (two events, both where one factor is resampled) made SALib's base
    samples constant, and the command printed every index as 0.000, which reads as 'nothing
    matters' (audit, 2026-12-07). Rows come in blocks of A, AB_1..AB_3, B."""
    design = synthetic_design("sobol", 64, ISHIGAMI)
    y = np.zeros(design.points)
    y[[1, 302]] = 1.0
    path = synthetic_store(tmp_path / "rare.duckdb", design, {"f": {"y": y}})
    with pytest.raises(DesignError) as info:
        sensitivity(path, "y")
    assert str(info.value) == _too_few(
        "y", 2, 320, 50, "10 for each of the 5 points of a base sample"
    )


def test_a_rare_outcome_in_the_base_samples_is_refused_too(tmp_path: Path) -> None:
    """Events in the A points keep SALib from warning, and the indices were printed: a civil war
    at 3 of 4,096 points gave two factors ST 1.008 and sixty 0.000 (audit). The refusal now
    counts the points that vary, whatever SALib says."""
    design = synthetic_design("sobol", 64, ISHIGAMI)
    y = np.zeros(design.points)
    y[[0, 5, 6]] = 1.0  # A of base samples 0 and 1, AB_1 of base sample 1
    path = synthetic_store(tmp_path / "rare.duckdb", design, {"f": {"y": y}})
    with pytest.raises(DesignError) as info:
        sensitivity(path, "y")
    assert str(info.value) == _too_few(
        "y", 3, 320, 50, "10 for each of the 5 points of a base sample"
    )


def test_the_difference_of_two_options_is_named_in_the_refusal(tmp_path: Path) -> None:
    design = synthetic_design("sobol", 64, ISHIGAMI)
    y = np.zeros(design.points)
    y[[0, 5, 6]] = 1.0
    path = synthetic_store(
        tmp_path / "pair.duckdb", design, {"a": {"y": y}, "b": {"y": np.zeros(design.points)}}
    )
    with pytest.raises(DesignError) as info:
        sensitivity(path, "y", option="a", baseline="b")
    assert str(info.value) == _too_few(
        "y (a minus b)", 3, 320, 50, "10 for each of the 5 points of a base sample"
    )


def test_the_minimum_of_varying_points_is_ten_per_point_of_a_base_sample(tmp_path: Path) -> None:
    """50 varying points of 320 (10 for each of a base sample's 5 points) pass; 49 do not."""
    design = synthetic_design("sobol", 64, ISHIGAMI)
    at = np.random.default_rng(3).permutation(design.points)[:50]
    y = np.zeros(design.points)
    y[at] = 1.0
    path = synthetic_store(tmp_path / "fifty.duckdb", design, {"f": {"y": y}})
    assert len(sensitivity(path, "y")) == 3
    y[at[0]] = 0.0
    path = synthetic_store(tmp_path / "fortynine.duckdb", design, {"f": {"y": y}})
    with pytest.raises(DesignError, match=r"^y: only 49 of 320 design points differ from 0 \("):
        sensitivity(path, "y")


def test_a_small_design_needs_half_its_points_to_vary(tmp_path: Path) -> None:
    """Eight base samples cannot give 10 varying points per position: a small design of a
    continuous outcome (varying everywhere) is analysed, a yes/no outcome below half refused."""
    design = synthetic_design("sobol", 8, ISHIGAMI)
    x = design.values()[["x1", "x2", "x3"]].to_numpy()
    path = synthetic_store(tmp_path / "small.duckdb", design, {"f": {"y": ishigami(x)}})
    assert len(sensitivity(path, "y")) == 3
    y = np.zeros(design.points)
    y[:19] = 1.0
    path = synthetic_store(tmp_path / "binary.duckdb", design, {"f": {"y": y}})
    with pytest.raises(DesignError) as info:
        sensitivity(path, "y")
    assert str(info.value) == _too_few(
        "y",
        19,
        40,
        20,
        "half of them: 8 base samples cannot give 10 for each of the 5 points of a base sample",
    )


def test_second_order_indices_of_ishigami_are_reported(tmp_path: Path) -> None:
    """A --second-order sweep pays for twice the runs; its S2 were computed and thrown away. The
    Ishigami function's only interaction is x1 with x3: S13 = V13 / V = 0.244, S12 = S23 = 0."""
    design = synthetic_design("sobol", 2048, ISHIGAMI, second_order=True)
    x = design.values()[["x1", "x2", "x3"]].to_numpy()
    path = synthetic_store(tmp_path / "s2.duckdb", design, {"f": {"y": ishigami(x)}})
    pairs = sensitivity(path, "y").attrs["second_order"]
    s2 = {(r.factor, r.with_): r.S2 for r in pairs.rename(columns={"with": "with_"}).itertuples()}
    v13 = analytic_indices()[1][2]  # ST3 = S13 (x3 acts only with x1)
    assert s2[("x1", "x3")] == pytest.approx(v13, abs=0.05)
    assert abs(s2[("x1", "x2")]) < 0.05
    assert abs(s2[("x2", "x3")]) < 0.05
    assert pairs.iloc[0][["factor", "with"]].tolist() == ["x1", "x3"]


LINEAR = [Factor(f"u{i}", "lever", "real", low=0.0, high=1.0) for i in (1, 2, 3)]


def _too_few_changes(what: str, changing: int, n: int, need: int, why: str) -> str:
    return (
        f"{what}: the outcome changes along only {changing:,} of the {n:,} Morris trajectories; "
        f"Morris indices need it to change along at least {need:,} ({why}): each factor's "
        "elementary effect is measured once per trajectory, and with fewer even the largest mu* "
        "rests on too few changes to be more than noise, and a mu* of 0 would not mean that the "
        "factor does not matter. Sweep more trajectories (-n) or more replications per point "
        "(-r), or choose an outcome that varies more"
    )


def test_a_rare_outcome_for_morris_is_refused_not_shown_as_zeros(tmp_path: Path) -> None:
    """A civil war at 1 of 1,720 points of a Morris sweep printed two factors' mu* and 169 zeros,
    without a word. Trajectories of 3 factors are 4 rows each: an event in 9 of 20 trajectories
    is refused, in 10 analysed."""
    design = synthetic_design("morris", 20, LINEAR, num_levels=4)
    y = np.zeros(design.points)
    y[4 * np.arange(9) + 2] = 1.0  # the third point of trajectories 0 to 8
    path = synthetic_store(tmp_path / "nine.duckdb", design, {"f": {"y": y}})
    with pytest.raises(DesignError) as info:
        sensitivity(path, "y")
    assert str(info.value) == _too_few_changes("y", 9, 20, 10, "10")
    y[4 * 9 + 3] = 1.0  # and the last of trajectory 9
    path = synthetic_store(tmp_path / "ten.duckdb", design, {"f": {"y": y}})
    assert len(sensitivity(path, "y")) == 3


def test_a_rare_difference_for_morris_is_named_in_the_refusal(tmp_path: Path) -> None:
    design = synthetic_design("morris", 20, LINEAR, num_levels=4)
    y = np.zeros(design.points)
    y[[0, 1, 5]] = 1.0  # three events in two trajectories
    path = synthetic_store(
        tmp_path / "pair.duckdb", design, {"a": {"y": y}, "b": {"y": np.zeros(design.points)}}
    )
    with pytest.raises(DesignError) as info:
        sensitivity(path, "y", option="a", baseline="b")
    assert str(info.value) == _too_few_changes("y (a minus b)", 2, 20, 10, "10")


def test_a_small_morris_design_needs_half_its_trajectories_to_change(tmp_path: Path) -> None:
    design = synthetic_design("morris", 8, LINEAR, num_levels=4)
    y = np.zeros(design.points)
    y[[1, 6, 11]] = 1.0  # trajectories 0, 1 and 2 of 8
    path = synthetic_store(tmp_path / "three.duckdb", design, {"f": {"y": y}})
    with pytest.raises(DesignError) as info:
        sensitivity(path, "y")
    assert str(info.value) == _too_few_changes(
        "y", 3, 8, 4, "half of them: 8 trajectories cannot give 10"
    )
    y[13] = 1.0  # trajectory 3
    path = synthetic_store(tmp_path / "four.duckdb", design, {"f": {"y": y}})
    assert len(sensitivity(path, "y")) == 3

"""The leave-one-coalition-out table's Spearman gap: its rank correlation is scipy's, and its
paired bootstrap interval behaves as an interval of a difference should."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

from grudging.calibration.coalitions import _rank_correlation, spearman_gap


def test_the_rank_correlation_is_spearmans_rho_with_ties() -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(0, 5, size=(50, 12)).astype(float)  # many ties
    y = rng.normal(size=(50, 12))
    ours = _rank_correlation(x, y)
    for row, rho in enumerate(ours):
        expected = spearmanr(x[row], y[row]).statistic
        assert rho == pytest.approx(expected, abs=1e-12) or (np.isnan(rho) and np.isnan(expected))


def test_a_constant_row_has_no_rank_correlation() -> None:
    assert np.isnan(_rank_correlation(np.ones((1, 4)), np.arange(4.0)[None])[0])


def test_a_forecast_against_itself_has_a_gap_of_exactly_zero() -> None:
    observed = {"A": 100, "B": 500, "C": 50, "D": 2000, "E": None}
    model = {"A": 1.0, "B": 3.0, "C": 2.0, "D": 4.0, "E": 5.0}
    assert spearman_gap(model, model, observed, "self") == (0.0, 0.0, 0.0)


def test_the_gap_is_the_difference_of_the_rhos_and_lies_in_its_interval() -> None:
    names = "ABCDEFGHIJ"
    sizes = (90, 10, 400, 250, 30, 1200, 60, 800, 20, 150)
    observed: dict[str, int | None] = dict(zip(names, sizes, strict=True))
    model = dict(zip(names, (80.0, 30, 300, 100, 10, 900, 90, 1000, 5, 70), strict=True))
    naive = dict(zip(names, (10.0, 90, 50, 500, 30, 300, 40, 200, 60, 20), strict=True))
    gap, low, high = spearman_gap(model, naive, observed, "k") or (0.0, 0.0, 0.0)
    sized = list(observed)
    obs = [observed[n] for n in sized]
    expected = (
        spearmanr([model[n] for n in sized], obs).statistic
        - spearmanr([naive[n] for n in sized], obs).statistic
    )
    assert gap == pytest.approx(expected)
    assert low <= gap <= high
    assert gap > 0  # the model's ranks are the better ones here
    assert spearman_gap(model, naive, observed, "k") == spearman_gap(model, naive, observed, "k")


def test_fewer_than_three_contingents_of_known_size_give_no_gap() -> None:
    observed = {"A": 100, "B": None, "C": 20}
    forecast = {"A": 1.0, "B": 2.0, "C": 3.0}
    assert spearman_gap(forecast, forecast, observed, "few") is None

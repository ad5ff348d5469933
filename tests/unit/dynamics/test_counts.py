"""Poisson counts by inversion: exact below 30, within one count above, monotone in the mean."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import poisson

from grudging.model.counts import EXACT_BELOW, poisson_counts

U = np.random.default_rng(1).random(50_000)


@pytest.mark.parametrize("mean", [0.01, 0.7, 3.0, 12.0, 29.99])
def test_below_the_cut_the_counts_are_the_exact_quantiles(mean: float) -> None:
    assert mean < EXACT_BELOW
    assert np.array_equal(poisson_counts(U, np.full(U.shape, mean)), poisson.ppf(U, mean))


@pytest.mark.parametrize("mean", [30.0, 75.0, 400.0, 5_000.0, 40_000.0])
def test_above_the_cut_the_counts_are_within_one_of_the_exact_quantiles(mean: float) -> None:
    counts = poisson_counts(U, np.full(U.shape, mean))
    gap = counts - poisson.ppf(U, mean)
    assert np.abs(gap).max() <= 1
    assert np.mean(gap != 0) < 0.01
    assert counts.mean() == pytest.approx(mean, rel=4 / np.sqrt(mean * U.size))


def test_one_uniform_per_count_couples_paired_runs_monotonically() -> None:
    """The same uniform and a larger mean never give fewer: paired runs stay paired."""
    means = np.geomspace(0.05, 2e4, 400)
    grid = poisson_counts(U[:2_000, None], means[None, :])
    assert np.all(np.diff(grid, axis=1) >= 0)
    assert np.all(poisson_counts(U[:10], np.zeros(10)) == 0)

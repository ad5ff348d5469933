"""The exact Poisson walk gives the same counts one at a time (small calls) as in arrays."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import poisson

from grudging.model import counts
from grudging.model.counts import SCALAR_WALK, poisson_counts

RNG = np.random.default_rng(11)


def test_the_scalar_and_the_array_walk_agree_count_for_count() -> None:
    mean = RNG.uniform(0.0, counts.EXACT_BELOW, 20_000)
    u = RNG.random(mean.size)
    zero = np.exp(-mean)
    above = u > zero
    array = counts._walk(u[above], mean[above], zero[above])
    assert above.sum() > SCALAR_WALK  # the array path ran
    np.testing.assert_array_equal(counts._walk_scalar(u[above], mean[above], zero[above]), array)


@pytest.mark.parametrize("mean", [0.4, 6.0, 29.5])
def test_a_small_call_gives_the_exact_quantiles(mean: float) -> None:
    u = RNG.random(SCALAR_WALK // 2)
    assert np.array_equal(poisson_counts(u, np.full(u.shape, mean)), poisson.ppf(u, mean))

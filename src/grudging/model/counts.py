"""Poisson counts from one uniform each, so that paired runs share their random numbers.

numpy's Poisson sampler consumes a number of uniforms that depends on the mean, so when one run's
mean changes (an option, a parameter) every later draw of the same stream shifts, and two runs meant
to be paired under common random numbers are not. Inverting the distribution function at one
uniform per count keeps the pairing (and couples the counts monotonically: a larger mean never
gives a smaller count at the same uniform).

Below :data:`EXACT_BELOW` the inversion is exact (a sequential search of the distribution
function); above, the quantile comes from the Cornish–Fisher expansion of the Poisson distribution
to order 1/sqrt(mean) with a continuity correction (Johnson, Kemp & Kotz 2005, *Univariate Discrete
Distributions*, 3rd ed., §4.5), which lies within one count of the exact quantile there.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: Means below this are inverted exactly; above, by the Cornish–Fisher expansion.
EXACT_BELOW = 30.0
#: Up to this many counts, the exact walk runs in Python floats (same counts, less overhead).
SCALAR_WALK = 256


def poisson_counts(u: NDArray[np.float64], mean: NDArray[np.float64]) -> NDArray[np.float64]:
    """Poisson(``mean``) counts at the uniforms ``u`` (same shape), as floats.

    ``mean`` must be finite and non-negative; a zero mean gives zero.
    """
    from scipy.special import ndtri

    u, mean = np.broadcast_arrays(np.asarray(u, dtype=float), np.asarray(mean, dtype=float))
    out = np.zeros(u.shape)
    flat_u, flat_mean, flat_out = u.ravel(), mean.ravel(), out.reshape(-1)
    zero_mass = np.negative(flat_mean)
    np.exp(zero_mass, out=zero_mass)
    # Most counts of a small mean are zero: only the uniforms above P(X = 0) need a search.
    where = np.flatnonzero(flat_u > zero_mass)
    lam = flat_mean[where]
    large = lam >= EXACT_BELOW
    if large.any():
        at, lam_l = where[large], lam[large]
        z = ndtri(np.clip(flat_u[at], 1e-300, 1 - 1e-16))
        root = np.sqrt(lam_l)
        # z * z * z, not z**3: numpy's power calls libm pow, ~100x slower for a negative z; the
        # two differ by an ulp in a few x in a million, and no count changed in 4e7 draws.
        z2 = z * z
        x = lam_l + root * z + (z2 - 1.0) / 6.0 + (z2 * z - 7.0 * z) / (72.0 * root)
        flat_out[at] = np.maximum(np.ceil(x - 0.5), 0.0)
    small = ~large
    if small.any():
        at = where[small]
        flat_out[at] = _walk(flat_u[at], lam[small], zero_mass[at])
    return out


def _walk(
    u: NDArray[np.float64], mean: NDArray[np.float64], term: NDArray[np.float64]
) -> NDArray[np.float64]:
    """The smallest k >= 1 with P(X <= k) >= u, walking up the distribution function from
    P(X = 0) = ``term`` (below ``u``).

    The arrays shrink once half of them are found (compacting five arrays every step cost more
    than the steps themselves); a found entry keeps its first step, so the counts are those of a
    walk that drops each entry as soon as it is found.
    """
    if mean.size <= SCALAR_WALK:
        return _walk_scalar(u, mean, term)
    k = np.zeros_like(mean)
    cdf = term.copy()
    term = term.copy()
    index = np.arange(mean.size)
    found = np.zeros(mean.size, dtype=bool)
    left = mean.size
    step = 0
    # scratch arrays, written in place at every step (the same operations, fewer allocations)
    factor = np.empty(mean.size)
    done, scratch = np.empty(mean.size, bool), np.empty(mean.size, bool)
    while index.size:
        step += 1
        term *= np.divide(mean, step, out=factor)
        cdf += term
        # stop where the walk has passed u, or where the tail is exhausted in floating point
        np.less_equal(u, cdf, out=done)
        done |= np.less_equal(term, 0.0, out=scratch)
        done &= np.logical_not(found, out=scratch)
        newly = int(np.count_nonzero(done))
        if not newly:
            continue
        k[index[done]] = step
        found |= done
        left -= newly
        if 2 * left <= index.size:
            keep = ~found
            index, u, mean, term, cdf = index[keep], u[keep], mean[keep], term[keep], cdf[keep]
            found = np.zeros(index.size, dtype=bool)
            factor, done, scratch = factor[: index.size], done[: index.size], scratch[: index.size]
    return k


def _walk_scalar(
    u: NDArray[np.float64], mean: NDArray[np.float64], term: NDArray[np.float64]
) -> NDArray[np.float64]:
    """:func:`_walk` one count at a time, in Python floats: the same IEEE operations in the same
    order, so the same counts; faster for a few hundred counts (a sweep's small chunks), where
    the array walk pays numpy's per-call cost at every step."""
    counts = []
    for u_i, mean_i, term_i in zip(u.tolist(), mean.tolist(), term.tolist(), strict=True):
        cdf, step = term_i, 0
        while True:
            step += 1
            term_i = term_i * (mean_i / step)
            cdf = cdf + term_i
            if u_i <= cdf or term_i <= 0.0:
                break
        counts.append(step)
    return np.asarray(counts, dtype=float)

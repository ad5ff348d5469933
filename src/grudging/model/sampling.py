"""Draws of uncertain parameters from their declared ranges and distributions.

A :class:`~grudging.scenario.schema.Parameter` carries a nominal value, a range and a
distribution (uniform, triangular with the nominal value as mode, or log-uniform). These helpers
map quantiles to values and lay out Latin hypercubes (McKay, Beckman & Conover 1979,
*Technometrics* 21(2)): each range is cut into equal-probability strata, one value is drawn in each
stratum and the strata are shuffled independently per parameter.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from grudging.scenario.schema import Parameter


def inverse_cdf(param: Parameter, u: np.ndarray) -> np.ndarray:
    """Values of ``param`` at quantiles ``u`` in [0, 1] under its declared distribution."""
    lo, hi, mode = param.low, param.high, param.value
    if hi <= lo:
        return np.full_like(np.asarray(u, dtype=float), param.value)
    if param.distribution == "loguniform":
        return np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo)))
    if param.distribution == "triangular":
        c = (mode - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
        right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode))
        return np.where(u < c, left, right)
    return lo + u * (hi - lo)


def latin_hypercube(
    declared: Sequence[Parameter], draws: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """``draws`` points of a Latin hypercube over the declared parameters, by name.

    A parameter fixed since it was declared (``low == high``) keeps its column of the hypercube,
    drawn and set aside, so the other parameters' columns do not move; it is not in the result.
    """
    out: dict[str, np.ndarray] = {}
    for param in declared:
        u = (rng.permutation(draws) + rng.random(draws)) / draws
        if param.high > param.low:
            out[param.name] = inverse_cdf(param, u)
    return out

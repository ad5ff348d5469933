"""Turn the ``rng`` argument of a run into a generator, through :mod:`grudging.rng` only."""

from __future__ import annotations

import numpy as np

from grudging.errors import ParameterError
from grudging.rng import make_rng

RngLike = np.random.Generator | int


def as_generator(rng: RngLike) -> np.random.Generator:
    """``rng`` itself if it is a generator; a PCG64 generator seeded with it if it is an integer."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and int(rng) >= 0:
        return make_rng(int(rng))
    raise ParameterError(
        f"rng = {rng!r} is neither a numpy Generator nor a non-negative integer seed; pass "
        "grudging.rng.make_rng(seed) or the seed itself"
    )

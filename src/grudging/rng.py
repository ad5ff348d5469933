"""The only place random generators are made.

Replications get child seeds from :class:`numpy.random.SeedSequence`, keyed by the identity of a
run (scenario hash, design point, replication), never by execution order, so results do not depend
on the executor or the number of workers. The same replication draws the same numbers under every
option (common random numbers), so option differences are not noise.

References: O'Neill (2014), PCG: A Family of Simple Fast Space-Efficient Statistically Good
Algorithms for Random Number Generation; NumPy ``SeedSequence`` documentation.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:  # numpy is imported by the functions, so that the seed costs no import
    import numpy as np

SeedLike = Union[int, "np.random.SeedSequence", None]

MASTER_SEED = 20070101
"""The default master seed of a run, a plan, a sweep, a check and the dashboard."""


def make_rng(seed: SeedLike = None) -> np.random.Generator:
    """A PCG64 generator from an integer seed or a ``SeedSequence``."""
    import numpy as np

    return np.random.Generator(np.random.PCG64(seed))


def spawn(seed: SeedLike, n: int) -> list[np.random.Generator]:
    """``n`` independent child generators of ``seed``."""
    import numpy as np

    base = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return [make_rng(child) for child in base.spawn(n)]


def key_to_int(*parts: object) -> int:
    """A stable 64-bit integer from any printable key parts (used to name streams)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "little")


def stream(seed: int, *key: object) -> np.random.Generator:
    """A generator for the stream named ``key`` under the master ``seed``.

    The same ``(seed, key)`` always gives the same numbers, whatever else has been drawn, so a run
    can be recomputed alone (a resumed sweep, a different worker) and give identical results.
    """
    import numpy as np

    return make_rng(np.random.SeedSequence([seed, key_to_int(*key)]))


def check_seed(seed: object) -> None:
    """Refuse a seed that is not a whole number from 0 to :data:`~grudging.machine.MAX_SEED` (a
    signed 64-bit integer, as the stores keep it), with one message that names it."""
    import numbers

    from grudging.errors import GrudgingError
    from grudging.machine import MAX_SEED

    whole = isinstance(seed, numbers.Integral) and not isinstance(seed, bool)
    if not (whole and 0 <= seed <= MAX_SEED):  # type: ignore[operator]
        raise GrudgingError(
            f"seed = {seed!r}: give a whole number from 0 to {MAX_SEED:,} (e.g. 20070101)"
        )

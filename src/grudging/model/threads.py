"""BLAS on one thread while the dynamics run.

The dynamics multiply small matrices (replications x regions by regions x regions, by forces x
regions) hundreds of times a run. A multi-threaded BLAS splits each product over its threads and
synchronises them every time: on two cores that costs more than it saves (measured with
``benchmarks/bench_dynamics.py`` under ``OPENBLAS_NUM_THREADS=1`` and ``=2``: the same figures, 1.6x
less CPU with one thread), and the sweep's worker processes already run one thread each
(joblib's loky back end limits them). The products are the same bit for bit: each element is one
dot product, computed by the same kernel whatever the split.

``threadpoolctl`` is a declared dependency of the project (it also ships with scikit-learn); the
import stays guarded so that a stripped-down environment still runs, unlimited.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from functools import cache
from typing import Any


@cache
def _controller() -> Any:
    try:
        from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return ThreadpoolController()


def one_blas_thread() -> AbstractContextManager[Any]:
    """A context in which BLAS libraries use one thread (a no-op without threadpoolctl)."""
    controller = _controller()
    if controller is None:  # pragma: no cover
        return nullcontext()
    return controller.limit(limits=1, user_api="blas")

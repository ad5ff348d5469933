"""BLAS on one thread while the dynamics run (model/threads.py): a speed change, never a number."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import numpy as np
import pytest

import grudging.model.dynamics as dynamics
from grudging.model.dynamics import DynamicsParams
from grudging.model.parameters import stage_parameters
from grudging.model.threads import one_blas_thread


def test_inside_the_context_blas_runs_on_one_thread() -> None:
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with one_blas_thread():
        blas = [p for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
        assert blas, "numpy's BLAS is not visible to threadpoolctl"
        assert all(p["num_threads"] == 1 for p in blas)


def test_the_dynamics_give_the_same_numbers_with_blas_threaded_or_not(
    iraq: Any, plan_cache: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The month loop's products (replications x regions by regions x regions, by forces x
    regions) are large enough for a threaded BLAS to split them; the split changes no bit."""
    plan = plan_cache.plan(iraq, "us_stays")
    params = stage_parameters(DynamicsParams, iraq.parameter_values(), "dynamics")
    limited = dynamics.simulate(plan.inputs, params, 400, seed=5)
    monkeypatch.setattr(dynamics, "one_blas_thread", nullcontext)
    threaded = dynamics.simulate(plan.inputs, params, 400, seed=5)
    for field in ("deaths", "troop_deaths", "displaced", "civil_war"):
        np.testing.assert_array_equal(getattr(limited, field), getattr(threaded, field))

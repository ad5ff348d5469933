"""Shared fixtures of the bargaining-stage tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from grudging.model.bargain import BargainProblem

DATA = Path(__file__).resolve().parents[2] / "data"
TINY = DATA / "tiny.yaml"


def make_problem(
    positions: Sequence[Sequence[float]],
    salience: Sequence[Sequence[float]] | None = None,
    capability: Sequence[float] | None = None,
    spoiler: Sequence[bool] | None = None,
    hostility: Sequence[float] | None = None,
    ids: Sequence[str] | None = None,
) -> BargainProblem:
    """A small bargaining problem from plain lists (equal saliences and capabilities by default)."""
    pos = np.asarray(positions, dtype=float)
    n, d = pos.shape
    return BargainProblem(
        factions=tuple(ids) if ids is not None else tuple(f"f{i}" for i in range(n)),
        issues=tuple(f"issue{k}" for k in range(d)),
        positions=pos,
        salience=np.full((n, d), 1.0 / d) if salience is None else np.asarray(salience, float),
        capability=np.full(n, 0.5) if capability is None else np.asarray(capability, float),
        spoiler=np.zeros(n, bool) if spoiler is None else np.asarray(spoiler, bool),
        hostility=np.zeros(n) if hostility is None else np.asarray(hostility, float),
    )


@pytest.fixture
def problem_factory() -> Callable[..., BargainProblem]:
    """The :func:`make_problem` builder."""
    return make_problem


@pytest.fixture
def five_factions(problem_factory: Callable[..., BargainProblem]) -> BargainProblem:
    """Five factions on two issues, one of them a spoiler: room for partial deals."""
    return problem_factory(
        [[10.0, 80.0], [60.0, 20.0], [90.0, 50.0], [40.0, 40.0], [50.0, 60.0]],
        salience=[[0.7, 0.3], [0.4, 0.6], [0.5, 0.5], [0.2, 0.8], [0.5, 0.5]],
        capability=[0.9, 0.6, 0.4, 0.2, 0.1],
        spoiler=[False, False, False, True, False],
        hostility=[0.1, 0.8, 0.4, 1.0, 0.9],
        ids=["a", "b", "c", "d", "e"],
    )


@pytest.fixture
def tiny_path() -> Path:
    return TINY


@pytest.fixture
def iraq_path() -> Path:
    from grudging.scenario.io import resolve_path

    return resolve_path("iraq-2007")

"""Fixtures of the exploration tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(autouse=True)
def _fresh_worker_caches() -> Iterator[None]:
    """Plans cached by an in-process sweep never leak from one test into another."""
    from grudging.explore import runner

    runner._PLANS.clear()
    runner._SCENARIOS.clear()
    yield
    runner._PLANS.clear()
    runner._SCENARIOS.clear()

"""Fixtures of the report tests: one small run of the built-in scenario."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def report_run() -> tuple[Any, Any]:
    """The built-in scenario and a 30-replication run of every option."""
    from grudging.chain import simulate
    from grudging.scenario import load_scenario

    scn = load_scenario("iraq-2007")
    return scn, simulate(scn, replications=30, seed=11)

"""Fixtures for the dynamics tests."""

from __future__ import annotations

import pytest
from toy import nominal_params

from grudging.model.dynamics import DynamicsParams


@pytest.fixture(scope="session")
def params() -> DynamicsParams:
    """Nominal dynamics parameters of the built-in scenario."""
    return nominal_params()

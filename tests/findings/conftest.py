"""Fixtures of the findings suite."""

from __future__ import annotations

import pytest

from grudging.evidence.checks import EvidenceContext


@pytest.fixture(scope="session")
def ctx() -> EvidenceContext:
    """The context ``grudging evidence`` runs by default: nominal values, full effort, its seed.

    Session-wide, so results several checks share (the F07 sweep, the back-test) run once.
    """
    return EvidenceContext()

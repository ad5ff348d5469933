"""A sector assignment the solver left at its node limit is said, not silent (theatre audit)."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import pytest

from grudging.options import _warn_unproven


def _conference(status: str, gap: float | None) -> Any:
    return SimpleNamespace(sectors=SimpleNamespace(status=status, mip_gap=gap, min_coverage=0.0))


def test_a_node_limit_is_a_warning_naming_the_option_and_the_gap(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="grudging.model"):
        _warn_unproven("nato_replaces", _conference("node_limit", 271.9722))
    (record,) = caplog.records
    assert record.getMessage() == (
        "option 'nato_replaces': the sector assignment stopped at the solver's node limit (a gap "
        "of 27197 %; the weakest region covered 0.0 %): its postings are a feasible plan, not a "
        "proven best (grudging coalition shows them; fewer regions solve to the end)"
    )


def test_an_optimal_assignment_says_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="grudging.model"):
        _warn_unproven("nato_replaces", _conference("optimal", 0.0))
    assert caplog.records == []

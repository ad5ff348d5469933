"""Helpers of the findings suite: the pytest face of :mod:`grudging.evidence`.

Each test evaluates a registered check (the same code ``grudging evidence`` runs) and asserts it
agrees with its target within its tolerance. The marks come from the registry: a finding whose
figures are unverified is skipped with the reason (a test that cannot fail proves nothing; ``grudging
evidence`` still shows the row); a verified finding the model
fails and cannot honestly be fixed is a strict expected failure whose reason begins "model
disagrees:"; a slow experiment is marked ``slow``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from grudging.evidence.checks import CheckResult, EvidenceContext
from grudging.evidence.scoreboard import check


def marks(check_id: str) -> list[Any]:
    """The pytest marks of a check, from the registry."""
    c = check(check_id)
    out: list[Any] = []
    if c.unverified:
        out.append(pytest.mark.skip(reason=f"unverified: {c.unverified}"))
    elif c.disagreement:
        out.append(pytest.mark.xfail(reason=c.disagreement, strict=True))
    if c.slow:
        out.append(pytest.mark.slow)
    return out


def finding(check_id: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Decorate a test with the marks of its check."""

    def decorate(test: Callable[..., None]) -> Callable[..., None]:
        for mark in marks(check_id):
            test = mark(test)
        return test

    return decorate


def assert_check(check_id: str, ctx: EvidenceContext) -> CheckResult:
    """Run a check and assert that the model's figure is within its tolerance."""
    c = check(check_id)
    result = c.evaluate(ctx)
    assert result.status != "ERROR", result.error
    assert result.passed, (
        f"{c.id} ({c.source}): model {result.figure}; target {c.target}; tolerance {c.tolerance}"
    )
    return result

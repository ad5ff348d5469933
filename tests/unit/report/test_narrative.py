"""The words the report and the dashboard put on paired differences."""

from __future__ import annotations

import pytest

from grudging.report.narrative import binary_verdict, verdict


@pytest.mark.parametrize(
    ("better", "worse", "word"),
    [
        (0.85, 0.15, "better"),
        (0.10, 0.90, "worse"),
        (0.02, 0.03, "the same in most runs"),
        (0.50, 0.50, "no clear difference"),
        (0.79, 0.21, "no clear difference"),
    ],
)
def test_verdict(better: float, worse: float, word: str) -> None:
    assert verdict(better, worse) == word


def test_verdict_without_ties_counts_every_other_run_as_worse() -> None:
    assert verdict(0.15) == "worse"


@pytest.mark.parametrize(
    ("better", "worse", "runs", "word"),
    [
        (0.0, 0.0, 100, "the same in every run"),
        (0.0, 0.13, 200, "worse"),
        (0.13, 0.0, 200, "better"),
        (0.01, 0.02, 100, "no clear difference"),
    ],
)
def test_binary_verdict(better: float, worse: float, runs: int, word: str) -> None:
    assert binary_verdict(better, worse, runs) == word

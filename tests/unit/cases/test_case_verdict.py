"""The case library's verdict says what its intervals allow, and where a subset turns the order."""

from __future__ import annotations

from typing import Any

from grudging.cases.runner import _verdict


def _row(name: str, n: int, brier: float, gap: tuple[float, float, float] | None) -> dict[str, Any]:
    minus = (
        None
        if gap is None
        else {"gap": gap[0], "low": gap[1], "high": gap[2], "share_better": 0.7, "level": 0.9}
    )
    return {"name": name, "n": n, "brier": brier, "model_minus": minus}


def test_an_interval_across_zero_is_said_and_a_subset_that_turns_the_order_is_named() -> None:
    scores = {
        "all": [
            _row("model", 33, 0.219, None),
            _row("base rate", 33, 0.236, (-0.017, -0.065, 0.035)),
        ],
        "without LEAK cases": [_row("model", 24, 0.173, None), _row("base rate", 24, 0.162, None)],
    }
    text = _verdict(scores, 33)
    assert text.startswith("The model's Brier score 0.219 is below every naive forecast's")
    assert "the interval includes zero: 33 cases cannot tell the two apart." in text
    assert text.endswith(
        "Without LEAK cases (24) the order turns: base rate scores lower (0.162 against 0.173)."
    )


def test_a_clear_gap_and_a_subset_in_the_same_order_add_nothing() -> None:
    scores = {
        "all": [_row("model", 33, 0.15, None), _row("base rate", 33, 0.25, (-0.1, -0.15, -0.05))],
        "without LEAK cases": [_row("model", 24, 0.14, None), _row("base rate", 24, 0.2, None)],
    }
    text = _verdict(scores, 33)
    assert text.endswith("the model is better in 70% of resamples.")
    assert "order turns" not in text

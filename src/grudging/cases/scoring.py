"""Scores of probability forecasts of a binary outcome, and the naive forecasts beside them.

Brier (1950) score, accuracy at 0.5, log-loss, a calibration table, and two naive forecasts
computed leave-one-out: the base rate, and the rule "agreement in place and intervener not a party"
(each case gets the share of violence among the other cases in its cell). Pure functions over
sequences; the protocol is fixed in ``docs/design-notes/cases.md`` (section 4).

With a few dozen cases, two forecasters' Brier scores differ by chance as much as by skill:
:func:`brier_gap` gives the difference with a paired bootstrap interval over the cases (Efron &
Tibshirani 1993, *An Introduction to the Bootstrap*, ch. 13, percentile interval), so a table can
say whether a loss or a win is larger than the sample can tell.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from grudging.rng import MASTER_SEED

#: Forecasts are clipped to this range for the log-loss (a certain miss would be infinite).
LOG_LOSS_CLIP = 0.01
#: Width of a calibration bin.
BIN_WIDTH = 0.2
#: Bootstrap resamples of the cases behind a Brier gap's interval.
GAP_DRAWS = 10_000


def _check(p: Sequence[float], y: Sequence[bool]) -> None:
    if len(p) != len(y) or not p:
        raise ValueError(f"{len(p)} forecasts for {len(y)} outcomes; give one per outcome")


def brier(p: Sequence[float], y: Sequence[bool]) -> float:
    """Mean squared difference between forecast and outcome (0 best, 1 worst)."""
    _check(p, y)
    return sum((pi - float(yi)) ** 2 for pi, yi in zip(p, y, strict=True)) / len(p)


def accuracy(p: Sequence[float], y: Sequence[bool], threshold: float = 0.5) -> float:
    """Share of outcomes on the side of ``threshold`` the forecast put them (>= counts as yes)."""
    _check(p, y)
    return sum((pi >= threshold) == bool(yi) for pi, yi in zip(p, y, strict=True)) / len(p)


def log_loss(p: Sequence[float], y: Sequence[bool], clip: float = LOG_LOSS_CLIP) -> float:
    """Mean negative log-likelihood of the outcomes, forecasts clipped to ``[clip, 1 - clip]``."""
    _check(p, y)
    total = 0.0
    for pi, yi in zip(p, y, strict=True):
        q = min(max(pi, clip), 1.0 - clip)
        total -= math.log(q if yi else 1.0 - q)
    return total / len(p)


def loo_base_rate(y: Sequence[bool]) -> list[float]:
    """Each case's share of yes among the other cases (leave-one-out base rate)."""
    n, k = len(y), sum(bool(v) for v in y)
    if n < 2:
        raise ValueError("a leave-one-out base rate needs at least two cases")
    return [(k - bool(v)) / (n - 1) for v in y]


def loo_cell_rate(cells: Sequence[bool], y: Sequence[bool]) -> list[float]:
    """Each case's share of yes among the other cases of its cell (leave-one-out).

    A case alone in its cell gets the leave-one-out base rate.
    """
    _check([0.0] * len(cells), y)
    base = loo_base_rate(y)
    out = []
    for i, cell in enumerate(cells):
        others = [bool(y[j]) for j in range(len(y)) if j != i and cells[j] == cell]
        out.append(sum(others) / len(others) if others else base[i])
    return out


def rule_holds(agreement: bool, intervener_party: bool) -> bool:
    """The two-variable rule: peace is forecast when an agreement is in place and the intervener
    is not a party."""
    return agreement and not intervener_party


@dataclass(frozen=True)
class CalibrationBin:
    """One bin of a calibration table."""

    low: float
    high: float
    n: int
    mean_forecast: float
    observed: float


def calibration_table(
    p: Sequence[float], y: Sequence[bool], width: float = BIN_WIDTH
) -> list[CalibrationBin]:
    """Mean forecast and observed share in bins ``[0, w), [w, 2w), ..., [1 - w, 1]``."""
    _check(p, y)
    bins = max(1, round(1.0 / width))
    out = []
    for b in range(bins):
        low, high = b * width, (b + 1) * width
        members = [
            i
            for i, pi in enumerate(p)
            if low <= pi < high or (b == bins - 1 and pi >= high - 1e-12)
        ]
        if members:
            out.append(
                CalibrationBin(
                    low=low,
                    high=high,
                    n=len(members),
                    mean_forecast=sum(p[i] for i in members) / len(members),
                    observed=sum(bool(y[i]) for i in members) / len(members),
                )
            )
    return out


@dataclass(frozen=True)
class BrierGap:
    """Brier score of a forecaster minus a reference's on the same outcomes (negative: better),
    with a paired bootstrap percentile interval and the share of resamples where it is better."""

    gap: float
    low: float
    high: float
    share_better: float
    level: float

    def describe(self) -> str:
        """``+0.015 (90 %: -0.048 to +0.079)``."""
        pct = round(100 * self.level)
        return f"{self.gap:+.3f} ({pct} %: {self.low:+.3f} to {self.high:+.3f})"


def brier_gap(
    p: Sequence[float],
    ref: Sequence[float],
    y: Sequence[bool],
    level: float = 0.9,
    draws: int = GAP_DRAWS,
    seed: int = MASTER_SEED,
) -> BrierGap:
    """Brier(``p``) - Brier(``ref``) over the outcomes ``y``, and its paired bootstrap interval:
    the cases are resampled with replacement and both forecasters scored on each resample, so the
    interval is that of the difference, not of two separate scores. The same inputs and seed give
    the same interval."""
    import numpy as np

    _check(p, y)
    _check(ref, y)
    outcome = np.asarray([float(bool(v)) for v in y])
    loss = (np.asarray(p, dtype=float) - outcome) ** 2 - (
        np.asarray(ref, dtype=float) - outcome
    ) ** 2
    rows = bootstrap_rows(loss.size, draws, seed, "brier-gap", loss.size)
    resampled = loss[rows].mean(axis=1)
    low, high = percentile_interval(resampled, level)
    return BrierGap(
        gap=float(loss.mean()),
        low=float(low),
        high=float(high),
        share_better=float(np.mean(resampled < 0.0)),
        level=level,
    )


def bootstrap_rows(n: int, draws: int, seed: int, *key: object) -> Any:
    """``draws`` resamples with replacement of ``n`` items, as a ``(draws, n)`` index array from
    the stream named ``key`` (the same key and seed give the same resamples)."""
    from grudging.rng import stream

    if draws < 1:
        raise ValueError(f"draws = {draws}: give at least one resample")
    return stream(seed, *key).integers(0, n, size=(draws, n))


def percentile_interval(values: Any, level: float) -> tuple[float, float]:
    """The central ``level`` percentile interval of bootstrap ``values``."""
    import numpy as np

    if not 0.0 < level < 1.0:
        raise ValueError(f"level = {level}: give a level between 0 and 1, e.g. 0.9")
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(values, [tail, 1.0 - tail])
    return float(low), float(high)

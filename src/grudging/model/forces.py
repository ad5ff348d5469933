"""Troop timelines: a force's recorded history and an option's planned schedule, month by month.

Both are piecewise linear between their points and flat beyond the first and last point, so a
force holds its last recorded level unless a timeline says otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from grudging.scenario.schema import Force, SharePoint, TimelinePoint, month_index


def interpolate(months: Sequence[int], values: Sequence[float], at: np.ndarray) -> np.ndarray:
    """Piecewise-linear values at months ``at``, flat outside the given points."""
    order = np.argsort(np.asarray(months, dtype=float), kind="stable")
    xs = np.asarray(months, dtype=float)[order]
    ys = np.asarray(values, dtype=float)[order]
    return np.interp(at.astype(float), xs, ys)


def history(force: Force, first: str, last: str) -> np.ndarray:
    """Troops of ``force`` for each calendar month from ``first`` to ``last`` (``YYYY-MM``)."""
    at = np.arange(month_index(first), month_index(last) + 1)
    return interpolate(
        [month_index(t.month) for t in force.history], [t.troops for t in force.history], at
    )


def timeline(points: Sequence[TimelinePoint], months: int) -> np.ndarray:
    """An option's planned troops for months ``0 .. months-1``."""
    return interpolate([p.month for p in points], [p.troops for p in points], np.arange(months))


def shares(points: Sequence[SharePoint], months: int) -> np.ndarray:
    """An option's multiplier on forces it does not list, for months ``0 .. months-1``."""
    if not points:
        return np.ones(months)
    return interpolate([p.month for p in points], [p.share for p in points], np.arange(months))

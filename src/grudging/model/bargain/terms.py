"""Consistent terms: the timetable for foreign troops must fit the guarantor's stay.

An issue marked as the timetable of foreign troops (the scenario's
``Issue.presence_years_at_low``: position x means foreign troops stay ``(1 - x/100) Y`` years, the
low pole an open-ended stay taken as ``Y`` years) cannot be settled at a withdrawal faster than
the guarantor's own commitment: a foreign guarantor keeps troops for its commitment years ``y``,
so the agreed position must satisfy ``x <= 100 (1 - min(y, Y) / Y)``. The mediators' one offer is
designed without the guarantor; under each guarantor its timetable is set to the nearest
consistent position (docs/design-notes/bargain.md, *Consistent terms*). Walter (2002, ch. 2): a
guarantee means the guarantor's forces stay through implementation.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from grudging.model.bargain.problem import BargainProblem

FloatArray = NDArray[np.float64]


def presence_cap(years: float | FloatArray, years_at_low: float) -> float | FloatArray:
    """Highest timetable position (0-100) consistent with a stay of ``years``."""
    stay = np.minimum(np.maximum(years, 0.0), years_at_low)
    cap = 100.0 * (1.0 - stay / years_at_low)
    return float(cap) if np.ndim(cap) == 0 else np.asarray(cap, dtype=float)


def stay_years(position: float | FloatArray, years_at_low: float) -> float | FloatArray:
    """Years foreign troops stay at a timetable position (the inverse of :func:`presence_cap`)."""
    stay = (1.0 - np.asarray(position, dtype=float) / 100.0) * years_at_low
    return float(stay) if np.ndim(stay) == 0 else stay


def consistent_terms(
    terms: FloatArray, problem: BargainProblem, kind: str, years: float | FloatArray
) -> FloatArray:
    """The terms with the timetable capped to fit the guarantor's stay.

    ``terms`` is ``(d,)`` or ``(P, d)`` with ``years`` scalar or ``(P,)``. Returns ``terms`` itself
    (the same object) when nothing changes: no guarantor, no timetable issue, or a timetable
    already consistent.
    """
    if kind == "none" or problem.presence is None:
        return terms
    k, years_at_low = problem.presence
    cap = presence_cap(years, years_at_low)
    column = terms[..., k]
    if np.all(column <= cap):
        return terms
    out = np.array(terms, dtype=float, copy=True)
    out[..., k] = np.minimum(column, cap)
    return out

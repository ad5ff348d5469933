"""Helpers shared by the coalition stages' tests (a uniquely named module, not ``conftest``, so
that imports resolve the same way whatever other conftest files exist)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "data"
#: Lines the calibration test adds to the terminal summary.
SUMMARY: list[str] = []


def values_of(scn: Any, **changes: float) -> dict[str, float]:
    """The scenario's coalition parameter values (completed from the reference set).

    Keyword names use ``__`` for the dot: ``roe__step_up_max=0`` sets ``roe.step_up_max``.
    """
    from grudging.scenarios.reference import coalition_values

    values, _ = coalition_values(scn)
    values.update({k.replace("__", "."): v for k, v in changes.items()})
    return values

"""Agent-based civil violence after Epstein (2002): Model I, Model II and the suppression curve.

Modules: ``config`` (settings and replication switches), ``lattice`` (torus, vision counts,
conflict-free moves), ``model1`` (rebellion), ``model2`` (two groups with peacekeepers),
``peacekeepers`` (reactive, patrol, interposition), ``metrics`` (outbursts, extinction, safe
havens), ``curve`` (the Hill suppression curve for the governorate dynamics) and ``render``
(terminal view, plots, GIFs).

The names below are loaded on first use, so importing :mod:`grudging.abm` costs nothing.

References
----------
Epstein, J. M. (2002). Modeling civil violence: An agent-based computational approach. PNAS 99
(suppl. 3), 7243-7250. doi:10.1073/pnas.092080199.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ModelIConfig": "config",
    "ModelIIConfig": "config",
    "PeacekeeperConfig": "config",
    "Vision": "config",
    "RebellionModel": "model1",
    "run_rebellion": "model1",
    "InterGroupModel": "model2",
    "run_intergroup": "model2",
    "outbursts": "metrics",
    "safe_havens": "metrics",
    "CurveSettings": "curve",
    "suppression_curve": "curve",
    "sweep_suppression": "curve",
    "fit_hill": "curve",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'grudging.abm' has no attribute {name!r}")
    return getattr(importlib.import_module(f"grudging.abm.{module}"), name)

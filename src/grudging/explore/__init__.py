"""Exploration at scale: designs, the sweep runner, the store, sensitivity, discovery, robustness.

The verbs, imported lazily (nothing heavy happens at import time)::

    from grudging import explore
    design = explore.make_design(scn, "sobol", n=256, parameters="dynamics", levers="none")
    explore.sweep(scn, "runs.duckdb", design, options=["us_stays", "nato_replaces"])
    explore.sensitivity("runs.duckdb", "civilian_deaths", option="nato_replaces",
                        baseline="us_stays")
    explore.discover("runs.duckdb", "civilian_deaths", option="nato_replaces",
                     baseline="us_stays")
    explore.robustness("runs.duckdb")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "Design",
    "Discovery",
    "Store",
    "SweepReport",
    "discover",
    "make_design",
    "open_store",
    "regret",
    "robustness",
    "sensitivity",
    "sweep",
]

if TYPE_CHECKING:
    from grudging.explore.design import Design, make_design
    from grudging.explore.discovery import Discovery, discover
    from grudging.explore.indices import sensitivity
    from grudging.explore.robust import regret, robustness
    from grudging.explore.runner import SweepReport, sweep
    from grudging.results.store import Store, open_store

_LAZY = {
    "Design": ("grudging.explore.design", "Design"),
    "make_design": ("grudging.explore.design", "make_design"),
    "Discovery": ("grudging.explore.discovery", "Discovery"),
    "discover": ("grudging.explore.discovery", "discover"),
    "regret": ("grudging.explore.robust", "regret"),
    "robustness": ("grudging.explore.robust", "robustness"),
    "SweepReport": ("grudging.explore.runner", "SweepReport"),
    "sweep": ("grudging.explore.runner", "sweep"),
    "sensitivity": ("grudging.explore.indices", "sensitivity"),
    "Store": ("grudging.results.store", "Store"),
    "open_store": ("grudging.results.store", "open_store"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'grudging.explore' has no attribute '{name}'")

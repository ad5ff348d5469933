"""A small sweep store for the report and dashboard tests, made through grudging.explore."""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The factors the test sweep varies (dynamics only: the two options are planned once).
FACTORS = (
    "dynamics.self_excitation",
    "dynamics.coverage_half",
    "dynamics.settlement_effect",
    "dynamics.salience_nato",
)


def make_store(folder: Path, name: str = "sweep.duckdb") -> Path:
    """A Saltelli design (n = 8, 48 points) x {us_stays, nato_replaces} x 4 replications."""
    from grudging import explore
    from grudging.scenario import load_scenario

    scn = load_scenario("iraq-2007")
    path = folder / name
    design = explore.make_design(scn, "sobol", n=8, parameters=list(FACTORS), levers="none")
    explore.sweep(scn, path, design, options=["us_stays", "nato_replaces"], replications=4)
    return path


_MADE: list[Path] = []


def shared_store(factory: Any) -> Path:
    """One store per test process (``factory``: pytest's ``tmp_path_factory``), made once."""
    if not _MADE:
        _MADE.append(make_store(factory.mktemp("sweep")))
    return _MADE[0]

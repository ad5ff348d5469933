"""A small constructed run whose verdict can be worked out by hand."""

from __future__ import annotations

from typing import Any

import pandas as pd

from grudging.results.results import Results

RUNS = 20
NAMES = {"stay": "Stay the course", "nato": "Hand over to NATO"}


def _values(option: str, i: int) -> dict[str, float]:
    if option == "stay":
        return {
            "civilian_deaths": 150_000.0,
            "civil_war": float(i < 2),
            "troop_deaths": 3_000.0,
            "cost_patron": 287_000.0,
            "coalition_troops": 5_000.0,
        }
    return {
        "civilian_deaths": 130_000.0 if i == 0 else 199_000.0,
        "civil_war": float(i < 5),
        "troop_deaths": 600.0,
        "cost_patron": 31_000.0,
        "coalition_troops": 6_067.0,
    }


def constructed_results() -> Results:
    """Two options, 20 paired runs, every scalar set by hand."""
    experiments, outcomes, status = [], [], []
    for option in NAMES:
        for i in range(RUNS):
            run = f"{option}/{i}"
            experiments.append({"run_id": run, "option": option, "replication": i})
            status.append({"run_id": run, "option": option, "status": "ok", "error": None})
            for name, value in _values(option, i).items():
                outcomes.append(
                    {
                        "run_id": run,
                        "option": option,
                        "replication": i,
                        "region": None,
                        "nation": None,
                        "month": None,
                        "outcome": name,
                        "value": value,
                    }
                )
    plans: dict[str, Any] = {
        "stay": {"name": NAMES["stay"]},
        "nato": {
            "name": NAMES["nato"],
            "requirement_total": 363_946.0,
            "requirement_low": 132_886.0,
            "requirement_high": 461_931.0,
            "proposal_force": 32_000.0,
            "coalition": {
                "command": "nato",
                "troops": 23_250,
                "effective_strength": 14_000.0,
                "nations": 38,
                "cost_musd_per_year": 259.0,
                "total_cost_musd": 389.0,
                "coverage": 0.04,
            },
            "bargain": {
                "guarantor": "nato",
                "p_deal": 0.0,
                "holdouts": ["sunni_parties"],
                "spoilers": ["aqi"],
            },
        },
    }
    plans["stay"].update(
        {
            k: plans["nato"][k]
            for k in ("requirement_total", "requirement_low", "requirement_high", "proposal_force")
        }
    )
    metadata = {
        "scenario": "constructed",
        "seed": 1,
        "replications": RUNS,
        "uncertainty": True,
        "horizon_months": 60,
        "start": "2007-01",
        "plans": plans,
    }
    return Results(
        experiments=pd.DataFrame(experiments),
        outcomes=pd.DataFrame(outcomes),
        status=pd.DataFrame(status),
        metadata=metadata,
    )

"""A synthetic theatre of any size, for tests and benchmarks.

Random but valid: regions on a grid with symmetric adjacency, three communal groups, recent
violence observations, candidate nations with every attribute the willingness model reads, the
reference offer menu, ROE levels, caveats and parameters of the coalition stages, and exclusions of
the same kinds as the Iraq scenario (one nation kept out of one group's majority regions;
neighbours kept out of regions where their kin live). Every figure is invented.
"""

from __future__ import annotations

import string
from typing import TYPE_CHECKING, Any

from grudging.rng import make_rng
from grudging.scenarios.reference import coalition_parameters, reference_records

if TYPE_CHECKING:
    from grudging.scenario.schema import Scenario

GROUPS = ("north_people", "centre_people", "south_people")
PATRON = "PAT"


def _codes(n: int) -> list[str]:
    letters = string.ascii_uppercase
    out: list[str] = []
    i = 0
    while len(out) < n:
        code = letters[(i // 676) % 26] + letters[(i // 26) % 26] + letters[i % 26]
        i += 1
        if code != PATRON:
            out.append(code)
    return out


def synthetic_data(n_nations: int = 40, n_regions: int = 9, seed: int = 0) -> dict[str, Any]:
    """Raw data of a synthetic scenario (validate with ``scenario_from_dict``)."""
    rng = make_rng(seed)
    width = max(1, round(n_regions**0.5))
    region_ids = [f"region_{k:02d}" for k in range(n_regions)]
    codes = _codes(n_nations)
    n_neighbours = min(5, max(1, n_nations // 8))
    neighbour_codes = codes[:n_neighbours]

    regions: list[dict[str, Any]] = []
    for k, rid in enumerate(region_ids):
        row, col = divmod(k, width)
        adj = []
        for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            r2, c2 = row + dr, col + dc
            k2 = r2 * width + c2
            if 0 <= c2 < width and r2 >= 0 and k2 < n_regions:
                adj.append(region_ids[k2])
        major = GROUPS[min(2, row * 3 // max(1, (n_regions + width - 1) // width))]
        shares = rng.dirichlet([1.0, 1.0, 1.0]) * 0.4
        comp = {g: float(shares[j]) for j, g in enumerate(GROUPS)}
        comp[major] += 0.6
        comp = {g: round(v, 3) for g, v in comp.items()}
        comp[major] = round(comp[major] + 1.0 - sum(comp.values()), 3)
        on_edge = row == 0 or col == 0 or col == width - 1 or k >= n_regions - width
        borders = [neighbour_codes[k % n_neighbours]] if on_edge else []
        population = int(rng.lognormal(14.0, 0.6))
        regions.append(
            {
                "id": rid,
                "name": rid.replace("_", " ").title(),
                "population": population,
                "area_km2": float(rng.uniform(2000, 60000)),
                "composition": comp,
                "neighbours": adj,
                "borders": borders,
                "host_forces": int(population * rng.uniform(2, 10) / 1000),
            }
        )

    levels = [lv["id"] for lv in reference_records("roe_levels")]
    caveat_ids = [c["id"] for c in reference_records("caveats")]
    nations: list[dict[str, Any]] = [
        {
            "id": PATRON,
            "name": "Patron",
            "population_millions": 300.0,
            "gdp_per_capita": 45000.0,
            "active_personnel": 1_400_000,
            "military_spending_musd": 530000.0,
            "nato": True,
        }
    ]
    for i, code in enumerate(codes):
        # within the schema's bounds (at most 2,000 million people, 10 million soldiers): the
        # lognormal's far tail is clipped, its draws unchanged
        pop = min(float(rng.lognormal(2.5, 1.2)), 1500.0)
        gdp = float(rng.uniform(2000, 60000) if rng.random() < 0.5 else rng.uniform(2000, 20000))
        active = min(int(pop * 1e6 * rng.uniform(2, 8) / 1000), 9_000_000)
        per_soldier = float(rng.uniform(5, 300))  # US$ thousand
        nato = bool(rng.random() < 0.45)
        neighbour = code in neighbour_codes
        muslim = bool(neighbour or rng.random() < 0.2)
        sustainable = active * 0.08
        caveats = [c for c in caveat_ids if rng.random() < 0.15]
        nations.append(
            {
                "id": code,
                "name": f"Nation {code}",
                "population_millions": round(pop, 3),
                "gdp_per_capita": round(gdp, 0),
                "active_personnel": active,
                "military_spending_musd": round(active * per_soldier / 1000.0, 1),
                "deployed_abroad": int(sustainable * rng.uniform(0, 0.6)),
                "nato": nato,
                "eu": bool((nato and rng.random() < 0.7) or rng.random() < 0.1),
                "muslim_majority": muslim,
                "neighbour": neighbour,
                "refugees_hosted": int(rng.uniform(5e4, 1e6))
                if neighbour
                else int(rng.uniform(0, 3e4)),
                "terrorism_incidents": int(rng.uniform(0, 300)),
                "energy_import_share": round(float(rng.uniform(-100, 90)), 1),
                "us_troops_hosted": int(rng.uniform(0, 50000)) if rng.random() < 0.3 else 0,
                "un_peacekeepers": int(rng.uniform(0, 9000)) if rng.random() < 0.3 else 0,
                "opposed_intervention": bool(rng.random() < 0.25),
                # a contingent comes from the active forces: no peak above them
                "coalition_peak": min(int(rng.uniform(100, 3000)), active)
                if rng.random() < 0.4
                else 0,
                "kin_groups": [GROUPS[i % 3]] if neighbour else [],
                "max_roe": levels[int(rng.integers(0, len(levels)))]
                if rng.random() < 0.4
                else None,
                "caveats": caveats,
                "logistics_hub": bool(neighbour and i % 2 == 0),
            }
        )
    for n in nations[1:]:
        if n["coalition_peak"] and rng.random() < 0.4:
            n["coalition_left"] = f"2005-{int(rng.integers(1, 13)):02d}"

    observations = []
    for r in regions:
        population = int(r["population"])
        rate = float(rng.lognormal(0.5, 1.5))  # deaths per 100k a month
        for month in range(7, 13):
            observations.append(
                {
                    "series": "civilian_deaths",
                    "region": r["id"],
                    "month": f"2006-{month:02d}",
                    "value": round(rate * population / 1e5 * rng.uniform(0.7, 1.3), 1),
                    "source": "synthetic",
                }
            )
    exclusions = [
        {"nation": codes[-1], "majority_groups": [GROUPS[0]], "reason": "synthetic rivalry"},
        {"neighbours": True, "kin_regions": True, "reason": "neighbours back factions"},
    ]
    return {
        "schema_version": 1,
        "id": "synthetic",
        "title": f"Synthetic theatre ({n_nations} nations, {n_regions} regions, seed {seed})",
        "information_date": "2006-12",
        "start": "2007-01",
        "horizon_months": 24,
        "patron": PATRON,
        "groups": [{"id": g, "name": g.replace("_", " ")} for g in GROUPS],
        "regions": regions,
        "nations": nations,
        "offers": reference_records("offers"),
        "roe_levels": reference_records("roe_levels"),
        "caveats": reference_records("caveats"),
        "exclusions": exclusions,
        "options": [
            {
                "id": "coalition",
                "name": "Coalition replaces the patron",
                "coalition": {
                    "command": "nato",
                    "roe_level": "civilian_protection",
                    "budget_musd": 3000.0,
                },
            }
        ],
        "parameters": [p.model_dump(mode="json") for p in coalition_parameters()],
        "observations": observations,
    }


def synthetic_scenario(n_nations: int = 40, n_regions: int = 9, seed: int = 0) -> Scenario:
    """A validated synthetic scenario."""
    from grudging.scenario import scenario_from_dict

    return scenario_from_dict(synthetic_data(n_nations, n_regions, seed), name="<synthetic>")

"""Hypothesis strategies for valid scenarios (small, random, self-consistent)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

_ident = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)


def _shares(draw: Any, keys: list[str]) -> dict[str, float]:
    raw = [draw(st.integers(min_value=1, max_value=1000)) for _ in keys]
    total = sum(raw)
    shares = [round(r / total, 3) for r in raw]
    shares[-1] = round(1.0 - sum(shares[:-1]), 3)
    if shares[-1] < 0:
        shares = [1.0] + [0.0] * (len(keys) - 1)
    return dict(zip(keys, shares, strict=True))


@st.composite
def scenarios(draw: Any) -> dict[str, Any]:
    """Raw data of a valid scenario with random regions, nations, factions and options."""
    group_ids = draw(st.lists(_ident, min_size=1, max_size=3, unique=True))
    region_ids = draw(st.lists(_ident, min_size=1, max_size=6, unique=True))
    regions = []
    for i, rid in enumerate(region_ids):
        neigh = [region_ids[j] for j in (i - 1, i + 1) if 0 <= j < len(region_ids)]
        population = draw(st.integers(min_value=1, max_value=10**8))
        regions.append(
            {
                "id": rid,
                "name": draw(_text),
                "population": population,
                "area_km2": draw(st.floats(min_value=0.5, max_value=1e6, allow_nan=False)),
                "composition": _shares(draw, group_ids),
                "neighbours": neigh,
                # no more host forces than people (a physical bound the loader checks)
                "host_forces": draw(st.integers(min_value=0, max_value=min(10**6, population))),
            }
        )
    codes = draw(st.lists(st.from_regex(r"[A-Z]{3}", fullmatch=True), max_size=5, unique=True))
    people = {c: draw(st.floats(min_value=0.01, max_value=2000)) for c in codes}
    nations = [
        {
            "id": c,
            "name": draw(_text),
            "population_millions": people[c],
            "gdp_per_capita": draw(st.floats(min_value=100, max_value=1e5)),
            # no more under arms than people (a physical bound the loader checks)
            "active_personnel": draw(
                st.integers(min_value=0, max_value=min(3 * 10**6, int(people[c] * 1e6)))
            ),
            "military_spending_musd": draw(st.floats(min_value=0, max_value=1e6)),
            "nato": draw(st.booleans()),
            "kin_groups": draw(st.lists(st.sampled_from(group_ids), max_size=1, unique=True)),
        }
        for c in codes
    ]
    issue_ids = draw(st.lists(_ident, min_size=1, max_size=3, unique=True))
    factions = []
    for fid in draw(st.lists(_ident, max_size=4, unique=True)):
        factions.append(
            {
                "id": fid,
                "name": draw(_text),
                "capability": draw(st.floats(min_value=0.01, max_value=1.0)),
                "positions": {i: draw(st.floats(min_value=0, max_value=100)) for i in issue_ids},
                "salience": _shares(draw, issue_ids),
                "spoiler": draw(st.booleans()),
            }
        )
    low = draw(st.floats(min_value=-10, max_value=10))
    width = draw(st.floats(min_value=0, max_value=10))
    return {
        "id": "generated",
        "title": draw(_text),
        "information_date": "2006-12",
        "start": "2007-01",
        "horizon_months": draw(st.integers(min_value=1, max_value=120)),
        "groups": [{"id": g, "name": g} for g in group_ids],
        "regions": regions,
        "nations": nations,
        "issues": [{"id": i, "name": i, "low": "lo", "high": "hi"} for i in issue_ids],
        "factions": factions,
        "options": [{"id": "status_quo", "name": "Status quo"}],
        "parameters": [
            {
                "name": "dynamics.example",
                "value": low + width / 2,
                "low": low,
                "high": low + width,
                "description": "d",
                "source": "s",
            }
        ],
    }

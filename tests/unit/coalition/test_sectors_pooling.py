"""Sector assignment with embedded contingents pooled, and elements smaller than a unit."""

from __future__ import annotations

import pytest
from test_sectors import VALUES, _coalition, _requirement, _scenario

from grudging.model.sectors import assign_sectors

#: Two framework nations that exactly cover r0 and r1; two embedded ones (one smaller than a
#: posting unit) whose 320 troops exactly cover r2.
STRENGTHS = {
    "AAA": (3000, 3000.0),
    "BBB": (1500, 1500.0),
    "HUB": (300, 300.0),
    "CCC": (20, 20.0),
}
EMBEDDED = {**VALUES, "sectors.embed_max_troops": 400}


def test_pooled_embedded_contingents_reach_the_known_optimum() -> None:
    """Weakest coverage 1 is reached only with every embedded troop in r2."""
    out = assign_sectors(
        _scenario(), _coalition(STRENGTHS), _requirement([3000, 1500, 320]), EMBEDDED
    )
    assert out.optimal
    assert out.programme_min_coverage == pytest.approx(1.0, abs=1e-6)
    assert out.min_coverage == pytest.approx(1.0, abs=1e-6)
    assert {r.region: r.lead for r in out.regions} == {"r0": "AAA", "r1": "BBB", "r2": "HUB"}
    for small in ("HUB", "CCC"):
        assert out.regions_of(small) == ["r2"]
    # the element smaller than a unit (150) is posted whole, not dropped or split
    assert [p.troops for p in out.postings if p.nation == "CCC"] == [20]


def test_sector_assignment_is_deterministic() -> None:
    args = (_scenario(), _coalition(STRENGTHS), _requirement([2000, 2000, 800]), EMBEDDED)
    first, second = assign_sectors(*args), assign_sectors(*args)
    assert first.postings == second.postings
    assert first.programme_min_coverage == second.programme_min_coverage

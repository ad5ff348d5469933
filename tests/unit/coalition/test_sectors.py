"""Sector assignment: known optima, exclusions, caveats, the lead-nation limit, supply lines."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from coalition_helpers import values_of

from grudging.model import milp
from grudging.model.forcegen import Coalition, Contingent, SolverReport, generate_coalition
from grudging.model.requirement import (
    RegionRequirement,
    Requirement,
    requirement,
    requirement_params,
)
from grudging.model.sectors import (
    assign_sectors,
    excluded_regions,
    sector_params,
    supply_hops,
)
from grudging.scenario import scenario_from_dict


def _scenario(exclusions: list[dict[str, Any]] | None = None) -> Any:
    regions = [
        {
            "id": rid,
            "name": rid,
            "population": 1_000_000,
            "area_km2": 1000.0,
            "composition": {"a": 1.0 if i != 2 else 0.0, "b": 0.0 if i != 2 else 1.0},
            "neighbours": [n for n in (f"r{i - 1}", f"r{i + 1}") if n in ("r0", "r1", "r2")],
            "borders": ["HUB"] if i == 0 else [],
        }
        for i, rid in enumerate(("r0", "r1", "r2"))
    ]
    nations = [
        {
            "id": c,
            "name": c,
            "population_millions": 10.0,
            "gdp_per_capita": 30000.0,
            "active_personnel": 100000,
            "military_spending_musd": 10000.0,
        }
        for c in ("AAA", "BBB", "CCC")
    ]
    nations.append(
        {
            "id": "HUB",
            "name": "Hub",
            "population_millions": 1.0,
            "gdp_per_capita": 30000.0,
            "active_personnel": 1000,
            "military_spending_musd": 100.0,
            "logistics_hub": True,
        }
    )
    return scenario_from_dict(
        {
            "id": "assignment",
            "title": "assignment",
            "information_date": "2006-12",
            "start": "2007-01",
            "groups": [{"id": "a", "name": "a"}, {"id": "b", "name": "b"}],
            "regions": regions,
            "nations": nations,
            "exclusions": exclusions or [],
            "options": [{"id": "o", "name": "o"}],
        }
    )


def _requirement(needs: list[float]) -> Requirement:
    regions = tuple(
        RegionRequirement(f"r{i}", 1_000_000, 0.0, 0.0, 0.0, need, 0, 0.0, need, need, need)
        for i, need in enumerate(needs)
    )
    return Requirement(regions, sum(needs), sum(needs), sum(needs), 3_000_000, 32000.0, 0)


def _coalition(strengths: dict[str, tuple[int, float]]) -> Coalition:
    contingents = tuple(
        Contingent(
            n, n, troops, 1.0, eff, (), (), (), 0, 3, (), 0.0, 0.0, 0.0, 1.0, 1.0, (), 0.0, None
        )
        for n, (troops, eff) in strengths.items()
    )
    total_t = sum(t for t, _ in strengths.values())
    total_e = sum(e for _, e in strengths.values())
    return Coalition(
        contingents,
        "nato",
        "x",
        (),
        0.0,
        0.0,
        total_t,
        total_e,
        0.0,
        0.0,
        0.0,
        total_e,
        None,
        0.0,
        None,
        0.0,
        (),
        (),
        SolverReport("optimal", True, 0.0, 0.0, 0, 0, 0, 0, 0.0),
    )


VALUES = {
    "sectors.block_size": 150,
    "sectors.max_nations_per_region": 1,
    "sectors.embed_max_troops": 0,
    "sectors.calm_violence": 2.0,
    "sectors.hop_penalty": 0.01,
    "sectors.kin_share": 0.1,
    "willingness.unit_size": 150,
}
STRENGTHS = {"AAA": (3000, 3000.0), "BBB": (1500, 1500.0), "CCC": (600, 600.0)}


def test_bottleneck_assignment_known_optimum() -> None:
    """One nation per region; the matching of sizes to needs covers every region fully."""
    out = assign_sectors(
        _scenario(), _coalition(STRENGTHS), _requirement([3000, 1500, 600]), VALUES
    )
    assert out.optimal
    assert out.programme_min_coverage == pytest.approx(1.0, abs=1e-6)
    assert out.min_coverage == pytest.approx(1.0, abs=1e-6)
    assert {r.region: r.lead for r in out.regions} == {"r0": "AAA", "r1": "BBB", "r2": "CCC"}


def test_bottleneck_assignment_with_an_exclusion_known_optimum() -> None:
    """AAA may not serve in r0: the best is BBB there, covering half of it."""
    scn = _scenario([{"nation": "AAA", "regions": ["r0"], "reason": "test"}])
    out = assign_sectors(scn, _coalition(STRENGTHS), _requirement([3000, 1500, 600]), VALUES)
    assert out.optimal
    assert out.programme_min_coverage == pytest.approx(0.5, abs=1e-6)
    assert "r0" not in out.regions_of("AAA")
    assert out.lead_of("r0") == "BBB"


def test_linear_assignment_through_the_milp_layer_matches_the_hungarian_method() -> None:
    from scipy.optimize import linear_sum_assignment

    for seed in range(4):
        cost = np.random.default_rng(seed).integers(1, 50, size=(6, 6)).astype(float)
        m = milp.MilpBuilder()
        x = {(i, j): m.add_binary(f"x{i}{j}", cost[i, j]) for i in range(6) for j in range(6)}
        for i in range(6):
            m.add_row({x[(i, j)]: 1.0 for j in range(6)}, 1.0, 1.0)
            m.add_row({x[(j, i)]: 1.0 for j in range(6)}, 1.0, 1.0)
        sol = milp.solve(m)
        rows, cols = linear_sum_assignment(cost)
        assert sol.optimal
        assert sol.objective == pytest.approx(cost[rows, cols].sum())


def _market_split(n: int = 40, seed: int = 0) -> milp.MilpBuilder:
    """Binaries under three equalities with random coefficients (Cornuejols & Dawande 1999):
    small, and hard for branch and bound."""
    rng = np.random.default_rng(seed)
    m = milp.MilpBuilder()
    xs = [m.add_binary(f"x{i}", float(rng.integers(1000, 2000))) for i in range(n)]
    for _ in range(3):
        a = rng.integers(0, 100, n)
        half = float(a.sum() // 2)
        m.add_row({x: float(c) for x, c in zip(xs, a, strict=True)}, half, half)
    return m


def test_branch_and_bound_stopped_by_its_node_limit_says_so() -> None:
    sol = milp.solve(_market_split(), maximize=True, max_nodes=5)
    assert sol.status == "node_limit"  # a count of work: the same on every machine
    assert not sol.optimal


def test_no_answer_cut_off_by_the_time_limit_is_used() -> None:
    """A time limit would make the answer depend on the machine's speed and load."""
    with pytest.raises(milp.SolverTimeLimit) as err:
        milp.solve(_market_split(), maximize=True, time_limit=1e-3, limit_fix="use fewer regions")
    assert str(err.value) == (
        "HiGHS reached its safety time limit of 0.001 s on a programme of 40 columns and 3 rows "
        "before its node limit: a result cut off by time would depend on this machine's speed, "
        "so none is used; use fewer regions"
    )


def test_supply_hops_count_from_the_hub_border() -> None:
    assert supply_hops(_scenario()) == {"r0": 0, "r1": 1, "r2": 2}


@pytest.mark.slow
def test_excluded_nations_never_serve_there_and_the_limits_hold(synthetic: Any) -> None:
    values = values_of(synthetic)
    req = requirement(synthetic, requirement_params(values))
    co = generate_coalition(synthetic, synthetic.options[0].coalition, req, values, cost_curve=())
    out = assign_sectors(synthetic, co, req, values)
    sp = sector_params(values)
    calm = {r.region for r in req.regions if r.violence_per_100k <= sp.calm_violence}
    regional = {c.id for c in synthetic.caveats if c.regional}
    for posting in out.postings:
        nation = synthetic.nation(posting.nation)
        assert posting.region not in excluded_regions(nation, synthetic, sp)
        if regional & set(co.contingent(posting.nation).caveats):
            assert posting.region in calm
    posted = {c.nation: 0 for c in co.contingents}
    for p in out.postings:
        posted[p.nation] += p.troops
    for n, troops, _why in out.reserve:
        posted[n] += troops
    assert posted == {c.nation: c.troops for c in co.contingents}
    framework = {c.nation for c in co.contingents if c.troops > sp.embed_max_troops}
    for region in out.regions:
        assert len(framework & set(region.nations)) <= sp.max_nations_per_region
        if region.nations:
            lead = max(
                (p for p in out.postings if p.region == region.region),
                key=lambda p: p.effective_strength,
            )
            assert region.lead == lead.nation


def test_weighted_objective_runs(tiny_scn: Any) -> None:
    values = values_of(tiny_scn)
    req = requirement(tiny_scn, requirement_params(values))
    co = generate_coalition(tiny_scn, tiny_scn.options[2].coalition, req, values, cost_curve=())
    out = assign_sectors(tiny_scn, co, req, values, objective="weighted")
    assert out.objective == "weighted"
    assert 0.0 <= out.weighted_coverage <= 1.0
    # the neighbour backs the northerners: never where they are at least 10 %
    assert set(out.regions_of("NEI")) <= {"gamma"}

"""Properties of the coalition stages over random nations and random synthetic theatres."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grudging.model.willingness import (
    CHANNELS,
    GLOBAL_CHANNELS,
    Inducements,
    capacity,
    contingent_size,
    respond,
    willingness_params,
)
from grudging.scenario.commands import shared_command, shared_commands
from grudging.scenario.schema import Command, Nation
from grudging.scenarios.reference import coalition_parameters

VALUES = {p.name: p.value for p in coalition_parameters()}


@st.composite
def nations(draw: Any) -> Nation:
    active = draw(st.integers(0, 3_000_000))
    return Nation(
        id="AAA",
        name="Any",
        population_millions=draw(st.floats(0.05, 1500)),
        gdp_per_capita=draw(st.floats(300, 120_000)),
        active_personnel=active,
        military_spending_musd=draw(st.floats(0, 600_000)),
        deployed_abroad=draw(st.integers(0, max(1, active // 5))),
        nato=draw(st.booleans()),
        eu=draw(st.booleans()),
        muslim_majority=draw(st.booleans()),
        neighbour=draw(st.booleans()),
        refugees_hosted=draw(st.integers(0, 2_000_000)),
        terrorism_incidents=draw(st.integers(0, 5000)),
        energy_import_share=draw(st.floats(-500, 100)),
        us_troops_hosted=draw(st.integers(0, 100_000)),
        un_peacekeepers=draw(st.integers(0, 12_000)),
        opposed_intervention=draw(st.booleans()),
        coalition_peak=draw(st.integers(0, 10_000)),
    )


@given(
    nation=nations(),
    channels=st.sets(st.sampled_from(CHANNELS)),
    command=st.sampled_from(shared_commands()),
    refused=st.integers(0, 3),
    weight=st.floats(0, 1),
    ratio=st.floats(0, 3),
    unit=st.sampled_from([100.0, 150.0, 200.0]),
    minimum=st.sampled_from([10.0, 50.0, 100.0]),
)
@settings(max_examples=300, deadline=None)
def test_contributions_are_within_capacity_and_in_unit_sizes(
    nation: Nation,
    channels: set[str],
    command: Command,
    refused: int,
    weight: float,
    ratio: float,
    unit: float,
    minimum: float,
) -> None:
    p = willingness_params(
        {**VALUES, "willingness.unit_size": unit, "willingness.min_contingent": minimum}
    )
    r = respond(
        nation,
        Inducements(frozenset(channels), command, refused),
        p,
        weight,
        ratio,
    )
    assert 0 <= r.troops <= capacity(nation, p)
    assert r.troops == contingent_size(r.troops, p)  # a size on the contingent ladder
    assert r.troops == 0 or r.troops >= minimum
    assert 0.0 <= r.probability <= 1.0
    assert r.participates == (r.troops > 0)


@given(nation=nations(), extra=st.sampled_from(sorted(set(CHANNELS) - GLOBAL_CHANNELS)))
@settings(max_examples=200, deadline=None)
def test_an_offer_never_lowers_the_willingness_score(nation: Nation, extra: str) -> None:
    p = willingness_params(VALUES)
    base = respond(nation, Inducements(frozenset(), shared_command("us")), p)
    more = respond(nation, Inducements(frozenset({extra}), shared_command("us")), p)
    assert more.score >= base.score - 1e-12
    assert more.probability >= base.probability - 1e-12


@pytest.mark.slow
@given(seed=st.integers(0, 10_000))
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_cost_curve_monotone_and_exclusions_hold_on_random_theatres(seed: int) -> None:
    from grudging.model.conference import coalition_plan, run_conference
    from grudging.model.sectors import excluded_regions, sector_params
    from grudging.scenarios.synthetic import synthetic_scenario

    scn = synthetic_scenario(20, 6, seed=seed)
    values = {**VALUES, **scn.parameter_values()}
    res = run_conference(
        scn, coalition_plan(scn), values, draws=0, cost_curve=[0, 100, 300, 1000, 3000]
    )
    curve = [pt.effective_strength for pt in res.coalition.cost_curve]
    assert all(b >= a for a, b in itertools.pairwise(curve))
    sp = sector_params(values)
    for posting in res.sectors.postings:
        nation = scn.nation(posting.nation)
        assert posting.region not in excluded_regions(nation, scn, sp)

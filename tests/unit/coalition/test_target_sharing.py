"""A troop target shared among the willing: volunteers are trimmed pro rata, not turned away
(docs/design-notes/force-generation.md, "Seventh round")."""

from __future__ import annotations

from typing import Any

import pytest
from coalition_helpers import values_of
from hypothesis import given, settings
from hypothesis import strategies as st

from grudging.model.conference import coalition_plan
from grudging.model.forcegen import generate_coalition, share_target
from grudging.model.requirement import requirement, requirement_params
from grudging.model.willingness import contingent_size, willingness_params


@pytest.fixture(scope="module")
def wp(iraq: Any) -> Any:
    return willingness_params(values_of(iraq))


def test_a_force_within_its_target_is_unchanged(wp: Any) -> None:
    assert share_target([3000, 450, 70], [0, 0, 0], 4000, wp) == [3000, 450, 70]


def test_trimming_is_pro_rata_on_the_ladder(wp: Any) -> None:
    # Half of each offer, rounded down on the ladder: 6,000 -> 3,000 and 2,000 -> 1,000.
    sizes = share_target([6000, 2000], [0, 0], 4000, wp)
    assert sizes == [contingent_size(3000, wp), contingent_size(1000, wp)]
    assert sum(sizes) <= 4000


def test_a_nation_keeps_the_troops_it_has_in_the_theatre(wp: Any) -> None:
    # The incumbent's 5,000 stay; the other two share the remaining 3,000 pro rata.
    sizes = share_target([6000, 4000, 2000], [5000, 0, 0], 8000, wp)
    assert sizes[0] == 5000
    assert sizes[1:] == [contingent_size(2000, wp), contingent_size(1000, wp)]


def test_floors_beyond_the_target_are_trimmed_too(wp: Any) -> None:
    sizes = share_target([6000, 4000], [6000, 4000], 5000, wp)
    assert sum(sizes) <= 5000
    assert sizes[0] >= sizes[1] > 0


def test_a_share_below_the_smallest_contingent_leaves(wp: Any) -> None:
    small = int(wp.min_contingent)
    sizes = share_target([100_000, small], [0, 0], 50_000, wp)
    assert sizes[1] == 0
    assert sizes[0] == contingent_size(50_000, wp)


def test_the_shares_of_those_that_leave_go_to_those_that_stay(wp: Any) -> None:
    # Thirty equal offers and a target of ten smallest contingents: shared thirty ways each
    # share is below the smallest contingent; the smallest offers leave first (ties: the
    # later ones), and ten nations field the target.
    small = int(wp.min_contingent)
    sizes = share_target([1000] * 30, [0] * 30, 10 * small, wp)
    assert sum(sizes) == 10 * small
    assert sizes[20:] == [small] * 10
    assert sizes[:20] == [0] * 20


@settings(max_examples=60, deadline=None)
@given(
    offers=st.lists(st.integers(10, 20_000), min_size=1, max_size=12),
    present=st.lists(st.integers(0, 20_000), min_size=12, max_size=12),
    cap=st.integers(1, 60_000),
)
def test_sharing_never_exceeds_the_target_nor_an_offer(
    wp: Any, offers: list[int], present: list[int], cap: int
) -> None:
    floors = present[: len(offers)]
    sizes = share_target(offers, floors, cap, wp)
    if sum(offers) <= cap:
        assert sizes == offers
    else:
        assert sum(sizes) <= cap
        if cap >= wp.min_contingent:
            assert sum(sizes) > 0  # the shares of those that leave go to those that stay
    assert all(0 <= n <= t for n, t in zip(sizes, offers, strict=True))
    if sum(min(f, t) for f, t in zip(floors, offers, strict=True)) <= cap:
        assert all(n >= min(f, t) for n, f, t in zip(sizes, floors, offers, strict=True))


@pytest.fixture(scope="module")
def ifor() -> Any:
    """Bosnia's IFOR conference: a NATO force with a target of 40,000 non-US troops."""
    from grudging.scenario import load_scenario

    scn = load_scenario("bosnia-1995")
    values = values_of(scn)
    req = requirement(scn, requirement_params(values))
    plan = coalition_plan(scn, option="ifor_as_deployed")
    return scn, plan, generate_coalition(scn, plan, req, values, cost_curve=())


def test_volunteers_beyond_the_target_are_shared_not_turned_away(ifor: Any) -> None:
    _, _, co = ifor
    assert co.target_troops == 40_000
    assert 0 < co.total_troops <= 40_000
    assert co.total_troops == sum(c.troops for c in co.contingents)
    # Volunteers fill the target, so the patron buys nothing.
    assert co.total_cost_musd == 0
    assert len(co.contingents) >= 20
    for status in co.candidates:
        if status.status == "not chosen" and "US$0 per effective soldier" in status.reason:
            assert "below the smallest contingent" in status.reason
    # Nations already in the theatre keep their troops (re-hatting).
    for c in co.contingents:
        assert c.troops >= min(c.theatre_troops, 40_000)


def test_raising_ifor_target_shrinks_no_contingent(ifor: Any) -> None:
    scn, plan, co = ifor
    values = values_of(scn)
    req = requirement(scn, requirement_params(values))
    larger = generate_coalition(
        scn, plan.model_copy(update={"target_troops": 60_000}), req, values, cost_curve=()
    )
    before = {c.nation: c.troops for c in co.contingents}
    after = {c.nation: c.troops for c in larger.contingents}
    assert larger.total_troops > co.total_troops
    assert all(after.get(n, 0) >= t for n, t in before.items())

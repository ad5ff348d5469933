"""The page's address holds the user state: read back exactly, and checked like any other input."""

from __future__ import annotations

from typing import Any

import pytest

from grudging.web.links import MAX_SEARCH_CHARS, LinkError, state_from_search, state_to_search
from grudging.web.sessions import new_session_id

SID = new_session_id()


def test_the_starting_scenario_unchanged_is_the_bare_address(ws: Any) -> None:
    assert state_to_search(ws, ws.default_state()) == ""
    assert state_from_search(ws, "", SID) == ws.default_state()
    assert state_from_search(ws, None, SID) == ws.default_state()


def test_an_address_gives_back_the_same_state_values_and_plans(ws: Any) -> None:
    state = {
        "scenario": "builtin:iraq-2007",
        "values": {"dynamics.coverage_half": 0.1 + 0.2, "bargain.war_cost": 0.25},
        "plans": {"nato_replaces": {"budget_musd": 9000.0, "arrival_month": 5}},
    }
    search = state_to_search(ws, state)
    # readable, and in a fixed order whatever the order of the state's entries
    assert search == (
        "?scenario=builtin:iraq-2007&bargain.war_cost=0.25"
        "&dynamics.coverage_half=0.30000000000000004"
        "&plan.nato_replaces=%7B%22arrival_month%22:5,%22budget_musd%22:9000.0%7D"
    )
    back = state_from_search(ws, search, SID)
    assert back == state
    assert back["values"]["dynamics.coverage_half"] == 0.1 + 0.2  # the float itself, not 0.3
    assert state_to_search(ws, back) == search


def test_a_scenario_from_the_folders_is_kept_by_its_key(ws: Any) -> None:
    state = {"scenario": "file:0/iraq-copy.yaml", "values": {}, "plans": {}}
    search = state_to_search(ws, state)
    assert search == "?scenario=file:0/iraq-copy.yaml"
    assert state_from_search(ws, search, SID) == state


def test_a_value_outside_its_range_is_refused_with_the_range_and_the_fix(ws: Any) -> None:
    with pytest.raises(LinkError) as err:
        state_from_search(ws, "?scenario=builtin:iraq-2007&dynamics.coverage_half=99", SID)
    text = str(err.value)
    assert text.startswith("the page's address: dynamics.coverage_half: 99 is outside its range [")
    assert text.endswith(
        "correct or remove it in the address, or open the dashboard's bare address"
    )


def test_a_value_in_range_the_scenario_refuses_is_refused_in_one_message(ws: Any) -> None:
    """In its declared range (up to 50) but above a contingent the scenario's nations already
    have in the theatre: refused with the scenario's reason, not accepted to make every view
    fail; the page's words, not the CLI's."""
    with pytest.raises(LinkError) as err:
        state_from_search(
            ws, "?scenario=file:0/wide-contingent.yaml&willingness.min_contingent=50", SID
        )
    text = str(err.value)
    assert text.startswith("the page's address: ")
    assert "with your assumptions: nations[" in text
    assert "is below the smallest contingent ('willingness.min_contingent' 50)" in text
    assert "more problems); correct or remove it in the address" in text
    assert "grudging validate" not in text


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("?scenario=builtin:iraq-2007&colour=red", "holds 'colour', which is not a setting"),
        ("?dynamics.nonsense=1", "dynamics.nonsense: not a parameter of this scenario"),
        ("?dynamics.coverage_half=abc", "dynamics.coverage_half: "),
        ("?scenario=builtin:nowhere", "names scenario 'builtin:nowhere', which this dashboard"),
        ("?scenario=../../etc/passwd", "names scenario '../../etc/passwd', which this dashboard"),
        ("?scenario=a&scenario=b", "names the scenario twice"),
        (
            "?dynamics.coverage_half=0.6&dynamics.coverage_half=0.3",
            "the page's address sets dynamics.coverage_half twice",
        ),
        (
            '?plan.nato_replaces={"budget_musd":9000}&plan.nato_replaces={"budget_musd":1}',
            "the page's address sets plan.nato_replaces twice",
        ),
        ("?plan.nato_replaces=[1,2]", "plan.nato_replaces is not a plan's change (a JSON object)"),
        ("?plan.nato_replaces={bad", "plan.nato_replaces is not a plan's change (a JSON object)"),
        ('?plan.nato_replaces={"budget_musd":-5}', "budget_musd"),
        ('?plan.us_stays={"budget_musd":5}', "option 'us_stays' generates no coalition"),
        ('?plan.nowhere={"budget_musd":5}', "plan.nowhere: unknown option 'nowhere'"),
        # the builder refuses this plan; a shared link must not put it in (the option silently
        # dropped out of the comparison: an audit)
        ('?plan.nato_replaces={"target_troops":1}', "no coalition can be that small"),
        ("?scenario=upload", "an uploaded scenario, which lives only as long as its page"),
    ],
)
def test_a_bad_address_is_refused_with_one_message(ws: Any, search: str, expected: str) -> None:
    with pytest.raises(LinkError) as err:
        state_from_search(ws, search, SID)
    assert expected in str(err.value)
    assert "\n" not in str(err.value)


def test_another_pages_upload_cannot_be_named(ws: Any) -> None:
    from grudging.errors import GrudgingError

    with pytest.raises(GrudgingError):
        state_from_search(ws, f"?scenario=upload:{new_session_id()}/abc", SID)


def test_an_oversized_address_is_refused_before_it_is_read(ws: Any) -> None:
    search = "?" + "&".join(f"dynamics.x{i}=1" for i in range(3000))
    assert len(search) > MAX_SEARCH_CHARS
    with pytest.raises(LinkError, match="more than the 16,000 read"):
        state_from_search(ws, search, SID)
    many = "?" + "&".join(f"a{i}=1" for i in range(500))
    with pytest.raises(LinkError, match="more than 400 settings"):
        state_from_search(ws, many, SID)


def test_an_uploaded_scenario_s_address_says_so_and_keeps_its_changes(ws: Any) -> None:
    state = {"scenario": f"upload:{SID}/abc", "values": {"dynamics.coverage_half": 0.3}}
    assert state_to_search(ws, state) == "?scenario=upload&dynamics.coverage_half=0.3"

"""Controls come from the scenario schema; what users type is parsed, never evaluated."""

from __future__ import annotations

import math
from typing import Any

import pytest

from grudging.errors import ParameterError
from grudging.web import controls


@pytest.fixture(scope="module")
def scn() -> Any:
    from grudging.scenario import load_scenario

    return load_scenario("iraq-2007")


def _ids(component: Any) -> list[Any]:
    """Every component id in a Dash component tree."""
    found = []
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
            continue
        ident = getattr(node, "id", None)
        if ident is not None:
            found.append(ident)
        children = getattr(node, "children", None)
        if children is not None:
            stack.append(children)
    return found


def test_one_control_per_parameter_record(scn: Any) -> None:
    names = []
    stages = controls.stage_choices(scn)
    assert [s["value"] for s in stages] == list(dict.fromkeys(p.stage for p in scn.parameters))
    for stage in stages:
        ids = _ids(controls.parameter_controls(scn, None, stage["value"]))
        shown = [i["name"] for i in ids if isinstance(i, dict) and i.get("type") == "param"]
        assert all(n.startswith(stage["value"] + ".") for n in shown)
        names.extend(shown)
    assert sorted(names) == sorted(p.name for p in scn.parameters)
    changed = controls.stage_choices(scn, {"dynamics.spillover": 0.01})
    assert any(s["label"].endswith("1 changed)") for s in changed)


def test_column_titles_come_from_the_parameter_schema() -> None:
    titles = controls.column_titles()
    schema = controls.parameter_schema()
    assert set(titles) == set(controls.PARAMETER_COLUMNS)
    assert all(titles[c] == schema[c]["title"] for c in titles)


def test_value_outside_the_range_is_refused_with_the_reason(scn: Any) -> None:
    p = scn.parameter("dynamics.self_excitation")
    with pytest.raises(ParameterError) as err:
        controls.check_value(p, "99")
    message = str(err.value)
    assert "dynamics.self_excitation" in message
    assert "outside its range" in message
    assert controls.fmt(p.low) in message
    assert controls.fmt(p.high) in message


@pytest.mark.parametrize(
    "text",
    ["abc", "", "nan", "inf", "-inf", "__import__('os').system('true')", "1+1", "0x10", "0,5"],
)
def test_only_plain_numbers_are_read(scn: Any, text: str) -> None:
    p = scn.parameter("dynamics.self_excitation")
    with pytest.raises(ParameterError, match="number"):
        controls.check_value(p, text)


def test_shown_nominal_value_reads_back_as_the_exact_one(scn: Any) -> None:
    for p in scn.parameters:
        assert controls.check_value(p, controls.fmt(p.value)) == p.value
        assert controls.check_value(p, controls.fmt(p.low)) == p.low
        assert controls.check_value(p, controls.fmt(p.high)) == p.high


def test_validate_entries_keeps_changes_and_reasons(scn: Any) -> None:
    p = scn.parameter("dynamics.self_excitation")
    inside = (p.low + p.value) / 2
    values, errors = controls.validate_entries(
        scn,
        {
            "dynamics.self_excitation": str(inside),
            "dynamics.spillover": controls.fmt(scn.parameter("dynamics.spillover").value),
            "dynamics.war_threshold": "1e9",
            "no.such_parameter": "1",
        },
    )
    assert values == {"dynamics.self_excitation": pytest.approx(inside)}
    assert set(errors) == {"dynamics.war_threshold", "no.such_parameter"}
    assert "not a parameter" in errors["no.such_parameter"]


def test_check_values_refuses_a_crafted_state(scn: Any) -> None:
    with pytest.raises(ParameterError, match="outside its range"):
        controls.check_values(scn, {"dynamics.self_excitation": 42.0})


def test_plan_controls_follow_the_plan_schema(scn: Any) -> None:
    from grudging.model.conference import coalition_plan
    from grudging.scenario.commands import commands_of

    plan = coalition_plan(scn, "nato_replaces")
    ids = _ids(controls.plan_controls(scn, plan))
    fields = [i["field"] for i in ids if isinstance(i, dict) and i.get("type") == "plan"]
    assert sorted(fields) == sorted(controls.PLAN_FIELDS)
    schema = controls.plan_schema()
    commands = [c["value"] for c in controls.plan_field_choices(scn, "command")]
    assert commands == list(commands_of(scn))  # the scenario's registry of commands
    assert "enum" not in schema["command"]
    offers = [c["value"] for c in controls.plan_field_choices(scn, "offers")]
    assert offers == [o.id for o in scn.offers]


def test_plan_form_is_parsed_and_checked(scn: Any) -> None:
    from grudging.model.conference import coalition_plan

    plan = coalition_plan(scn, "nato_replaces")
    form = controls.plan_form_values(scn, plan)
    assert controls.parse_plan_form(scn, plan, form) == {}
    change = controls.parse_plan_form(
        scn,
        plan,
        {**form, "budget_musd": "12,000", "target_troops": "32000", "offers": ["cash_per_troop"]},
    )
    assert change == {"budget_musd": 12000.0, "target_troops": 32000, "offers": ["cash_per_troop"]}
    for field, bad, reason in [
        ("budget_musd", "-5", "≥ 0"),
        ("budget_musd", "lots", "not a number"),
        ("target_troops", "0", "> 0"),
        ("target_troops", "1.5", "whole number"),
        ("command", "caesar", "not one of"),
        ("roe_level", "genocide", "not one of"),
        ("offers", ["free_lunch"], "unknown offer"),
        ("offers", 5, "Offers allowed: give a list of offers"),
        ("offers", "cash_per_troop", "Offers allowed: give a list of offers"),
    ]:
        with pytest.raises(ParameterError, match=reason):
            controls.parse_plan_form(scn, plan, {**form, field: bad})
    # refusals name the field by the label the page shows, not the schema's title
    with pytest.raises(ParameterError, match=r"^Money the patron can spend on offers .*-5 refused"):
        controls.parse_plan_form(scn, plan, {**form, "budget_musd": "-5"})
    with pytest.raises(ParameterError, match="not a field"):
        controls.parse_plan_form(scn, plan, {"arrival_month": "1"})


def test_a_crafted_number_is_refused_in_a_short_message() -> None:
    """Values only a crafted request sends (the controls cannot): an integer beyond any float,
    thousands of digits, a month or step that is not a number."""
    with pytest.raises(ParameterError, match=r"is not a finite number$") as huge:
        controls.parse_number(10**400)
    assert len(str(huge.value)) < 80
    with pytest.raises(ParameterError, match=r"^'1{39}…' is not a finite number$"):
        controls.parse_number("1" * 5000)
    assert controls.whole_number("7", "month", 0, 59) == 7
    assert controls.whole_number(None, "month", 0, 59) == 0
    assert controls.whole_number(99, "month", 0, 59) == 59
    for bad, reason in (
        ("abc", "is not a number"),
        (math.nan, "is not a finite number"),
        ([1], "is not a number"),
    ):
        with pytest.raises(ParameterError, match=f"^month: .*{reason}"):
            controls.whole_number(bad, "month", 0, 59)


def test_a_value_just_outside_the_range_is_refused_on_either_side(scn: Any) -> None:
    """The form's six-digit rounding reads back only a value left as shown: 0.7000001 is not
    the bound 0.7 (it used to be taken for it, while a value just below the low end was
    refused)."""
    p = scn.parameter("dynamics.coverage_half")
    assert (p.low, p.high) == (0.15, 0.7)
    assert controls.check_value(p, "0.7") == p.high
    assert controls.check_value(p, "0.15") == p.low
    for text in ("0.7000001", "0.1499999"):
        with pytest.raises(ParameterError, match=rf"^dynamics.coverage_half: {text} is outside"):
            controls.check_value(p, text)

"""The dashboard's what-would-it-take search runs under the assumptions the user changed on the
Assumptions tab, fixed at the user's values (as ``--set name=value`` fixes them)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

#: A parameter and a value inside its range, away from its nominal value.
CHANGED = ("dynamics.coverage_half", 0.6)


def _capture(monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], threading.Event]:
    """Replace the search with one that records the scenario and request it was given."""
    import grudging.explore.what_it_takes as engine

    seen: list[Any] = []
    done = threading.Event()

    def search(scn: Any, **request: Any) -> str:
        seen.append((scn, request))
        done.set()
        return "answer"

    monkeypatch.setattr(engine, "what_it_takes", search)
    return seen, done


def test_an_edited_assumption_reaches_the_search(
    ws: Any, state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grudging.report.numbers import parameter_label
    from grudging.web import what

    name, value = CHANGED
    nominal = ws.edited(state).parameter(name)
    assert nominal.value != value
    assert nominal.low < value < nominal.high
    seen, done = _capture(monkeypatch)
    changed = {**state, "values": {name: value}}
    c = what.choices(ws, changed)
    job = what.start(ws, changed, c["option"], c["baseline"], c["outcome"], 0.5, ["aid"])
    assert done.wait(30)
    scn, request = seen[0]
    searched = scn.parameter(name)
    # fixed at the user's value: no face draws it from its range any more
    assert (searched.value, searched.low, searched.high) == (value, value, value)
    # every other parameter as the scenario declares it
    others = {p.name: p for p in ws.edited(state).parameters if p.name != name}
    assert all(scn.parameter(n) == p for n, p in others.items())
    assert job.inputs["fixed"] == {name: value}
    assert request["levers"] == ["aid"]
    assert f"with {parameter_label(name)} = 0.6" in job.label

    # the nominal search is another job, on the scenario as it is
    plain = what.start(ws, state, c["option"], c["baseline"], c["outcome"], 0.5, ["aid"])
    assert plain.key != job.key
    assert plain.inputs["fixed"] == {}
    assert "with" not in plain.label.split("beat")[-1]


def test_the_search_runs_on_the_scenario_grudging_run_set_makes(ws: Any, state: Any) -> None:
    """The same content, so the same hash in the answer, as ``--set name=value`` makes; the
    declared range kept, so the search draws the other parameters as the page does."""
    from grudging.scenario import load_scenario, scenario_hash
    from grudging.web import what

    name, value = CHANGED
    scn, fixed = what.search_scenario(ws, {**state, "values": {name: value}})
    assert fixed == {name: value}
    cli = scenario_hash(load_scenario("iraq-2007", overrides=[f"{name}={value}"]))
    assert cli != scenario_hash(ws.edited(state))
    assert scenario_hash(scn) == cli
    declared = ws.edited(state).parameter(name)
    assert tuple(scn.parameter(name).declared_range) == (declared.low, declared.high)


def test_a_value_outside_its_range_never_reaches_the_search(
    ws: Any, state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grudging.errors import GrudgingError
    from grudging.web import what

    seen, _ = _capture(monkeypatch)
    bad = {**state, "values": {CHANGED[0]: 99.0}}
    with pytest.raises(GrudgingError, match="outside its range"):
        what.start(ws, bad, "nato_replaces", "us_stays", "civilian_deaths", 0.5, ["aid"])
    assert seen == []

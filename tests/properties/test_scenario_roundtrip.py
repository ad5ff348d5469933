"""load -> dump -> load is the identity, for generated scenarios and the shipped ones."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from grudging.scenario import builtin_names, dump_scenario, load_scenario, loads_scenario
from grudging.scenario.io import scenario_from_dict
from strategies import scenarios


@given(scenarios())
@settings(max_examples=60, deadline=None)
def test_dump_then_load_is_identity(data: dict[str, Any]) -> None:
    scn = scenario_from_dict(data)
    again = loads_scenario(dump_scenario(scn))
    assert again == scn
    assert dump_scenario(again) == dump_scenario(scn)


def test_shipped_scenarios_round_trip() -> None:
    for name in builtin_names():
        scn = load_scenario(name)
        assert loads_scenario(dump_scenario(scn)) == scn

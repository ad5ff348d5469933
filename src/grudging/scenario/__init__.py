"""The scenario format: schema, YAML and CSV input, overrides, JSON schema."""

from grudging.scenario.io import (
    builtin_names,
    dump_scenario,
    json_schema,
    load_scenario,
    loads_scenario,
    scenario_from_dict,
    scenario_hash,
    scenario_to_dict,
)
from grudging.scenario.schema import Scenario

__all__ = [
    "Scenario",
    "builtin_names",
    "dump_scenario",
    "json_schema",
    "load_scenario",
    "loads_scenario",
    "scenario_from_dict",
    "scenario_hash",
    "scenario_to_dict",
]

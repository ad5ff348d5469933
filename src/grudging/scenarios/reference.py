"""The coalition stages' reference parameter set and menus, shipped with the iraq-2007 scenario.

The built-in scenarios declare the parameters of the requirement, willingness, force-generation,
ROE and sector stages in the shared ``common/parameters/<stage>.yaml`` (each with its range and
source); the menus (offers, ROE levels, caveats, exclusions) are iraq-2007's.
A scenario that does not declare some of them (a toy theatre, a user's first draft) can borrow
them from there; :func:`coalition_values` says which were borrowed so the caller can tell the user.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any

from grudging.scenario.yaml_input import parse_yaml

if TYPE_CHECKING:
    from grudging.scenario.schema import Parameter, Scenario

REFERENCE_SCENARIO = "iraq-2007"
SHARED_PARAMETERS = "common"
COALITION_STAGES = ("requirement", "willingness", "forcegen", "roe", "sectors")


def _read_list(*parts: str, folder: str = REFERENCE_SCENARIO) -> list[Any]:
    path = resources.files("grudging.scenarios").joinpath(folder, *parts)
    data, _ = parse_yaml(path.read_text(encoding="utf-8"), "/".join((folder, *parts)))
    return list(data or [])


def coalition_parameters(stages: tuple[str, ...] = COALITION_STAGES) -> tuple[Parameter, ...]:
    """The reference parameter records of the coalition stages (priors, before calibration)."""
    from grudging.scenario.schema import Parameter

    out: list[Parameter] = []
    for stage in stages:
        records = _read_list("parameters", f"{stage}.yaml", folder=SHARED_PARAMETERS)
        out.extend(Parameter.model_validate(rec) for rec in records)
    return tuple(out)


def reference_records(kind: str) -> list[dict[str, Any]]:
    """Raw records of one of the reference menus: ``offers``, ``roe_levels``, ``caveats``,
    ``exclusions``."""
    return [dict(r) for r in _read_list(f"{kind}.yaml")]


def coalition_values(
    scn: Scenario, overrides: Mapping[str, float] | None = None
) -> tuple[dict[str, float], list[str]]:
    """Parameter values for the coalition stages: the scenario's, completed from the reference set.

    Returns the values and the names borrowed from the reference set (empty when the scenario
    declares everything).
    """
    values = scn.parameter_values()
    borrowed: list[str] = []
    for p in coalition_parameters():
        if p.name not in values:
            values[p.name] = p.value
            borrowed.append(p.name)
    if overrides:
        values.update(overrides)
    return values, borrowed


def coalition_records(
    scn: Scenario, overrides: Mapping[str, float] | None = None
) -> tuple[Parameter, ...]:
    """The coalition stages' parameter records: the scenario's, completed from the reference set.

    ``overrides`` replace nominal values (a value outside the declared range widens it).
    """
    own = {p.name: p for p in scn.parameters}
    out = []
    for ref in coalition_parameters():
        rec = own.get(ref.name, ref)
        if overrides and ref.name in overrides:
            v = float(overrides[ref.name])
            rec = rec.model_copy(
                update={"value": v, "low": min(rec.low, v), "high": max(rec.high, v)}
            )
        out.append(rec)
    return tuple(out)

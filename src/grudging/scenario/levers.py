"""Levers applied to courses of action: which options a lever reaches and what it changes there.

A :class:`~grudging.scenario.schema.Lever` names override paths of the form
``options.<option id or *>.<key>...``. Applying a lever value to an option sets that key (or, with
``effect: timeline_end``, stretches the troop timeline held there so that its last point falls at
the given month) and re-validates the option, so a lever can never produce an option the schema
would refuse. Historical replays are never changed: they record what happened, not a decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from grudging.errors import ScenarioError
from grudging.scenario.schema import CourseOfAction, Lever, Scenario

LeverValue = float | int | str


def _split(path: str) -> tuple[str, list[str]]:
    """``options.<id>.<rest>`` as ``(id, rest)``."""
    parts = path.split(".")
    return parts[1], parts[2:]


def _resolve(data: Any, keys: list[str]) -> tuple[bool, Any]:
    node = data
    for key in keys:
        if not isinstance(node, Mapping) or node.get(key) is None:
            return False, None
        node = node[key]
    return True, node


def _reaches(path: str, option: CourseOfAction, data: Mapping[str, Any], lever: Lever) -> bool:
    target, rest = _split(path)
    if option.historical or target not in ("*", option.id):
        return False
    found, node = _resolve(data, rest)
    if not found:
        return False
    if lever.effect == "timeline_end":
        return isinstance(node, list | tuple) and bool(node) and node[-1]["month"] > 0
    return True


def lever_reaches(lever: Lever, option: CourseOfAction) -> bool:
    """Whether ``lever`` changes ``option`` (one of its paths resolves there)."""
    data = option.model_dump()
    return any(_reaches(path, option, data, lever) for path in lever.paths)


def lever_options(scn: Scenario, lever: Lever) -> list[str]:
    """Ids of the options ``lever`` changes, in scenario order."""
    return [o.id for o in scn.options if lever_reaches(lever, o)]


def coerce(lever: Lever, value: Any) -> LeverValue:
    """A lever value in the lever's own type (``int`` for integer levers, text for categorical)."""
    if lever.kind == "categorical":
        text = str(value)
        if text not in lever.choices:
            raise ScenarioError(
                f"lever '{lever.name}': '{text}' is not one of its choices "
                f"({', '.join(lever.choices)})"
            )
        return text
    number = float(value)
    return round(number) if lever.kind == "integer" else number


def stretch_timeline(points: list[dict[str, Any]], end_month: int) -> list[dict[str, Any]]:
    """The timeline with its months scaled so that the last point falls at ``end_month``.

    Months are rounded to whole months; their order is kept (rounding a non-decreasing sequence
    keeps it non-decreasing), so the shape of the drawdown is kept and only its pace changes.
    """
    last = points[-1]["month"]
    return [{**point, "month": round(point["month"] * end_month / last)} for point in points]


def _set(data: dict[str, Any], keys: list[str], lever: Lever, value: LeverValue) -> None:
    node = data
    for key in keys[:-1]:
        node = node[key]
    if lever.effect == "timeline_end":
        node[keys[-1]] = stretch_timeline(list(node[keys[-1]]), int(value))
    else:
        node[keys[-1]] = value


def apply_levers(
    option: CourseOfAction, levers: Mapping[Lever, Any] | list[tuple[Lever, Any]]
) -> CourseOfAction:
    """``option`` with each ``(lever, value)`` applied where the lever reaches it.

    Raises :class:`~grudging.errors.ScenarioError` naming the lever and value when the changed
    option is not valid.
    """
    pairs = list(levers.items()) if isinstance(levers, Mapping) else list(levers)
    data = option.model_dump()
    changed = False
    for lever, raw in pairs:
        value = coerce(lever, raw)
        for path in lever.paths:
            if _reaches(path, option, data, lever):
                _set(data, _split(path)[1], lever, value)
                changed = True
    if not changed:
        return option
    try:
        return CourseOfAction.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        names = ", ".join(f"{lever.name}={raw!r}" for lever, raw in pairs)
        raise ScenarioError(
            f"levers {names} make option '{option.id}' invalid at {where}: {first['msg']}; "
            "narrow the lever's range or choices"
        ) from None

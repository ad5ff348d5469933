"""``--set`` overrides: ``path.to.key=value`` applied to a raw scenario before validation.

Records in lists are addressed by id (parameter names contain dots, so the longest dotted id wins).
A bare parameter name addresses that parameter: ``name=v`` fixes it at ``v`` (it is then no longer
drawn from its range by any face), ``name=low:high`` narrows the range it is drawn from. Both must lie
inside the declared range; misspelled paths get a did-you-mean on the whole dotted path.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import yaml

from grudging.errors import ScenarioError, unknown_name

Loc = tuple[str | int, ...]


def id_of(item: Any) -> str | None:
    if isinstance(item, Mapping):
        for key in ("id", "name"):
            if isinstance(item.get(key), str):
                return str(item[key])
    return None


def apply_override(data: dict[str, Any], assignment: str) -> Loc:
    """Apply ``path.to.key=value`` to raw scenario data in place and return the key path.

    Lists of records are addressed by their ``id`` (or ``name``; parameter names may contain dots),
    or by position. A bare parameter name fixes that parameter (``dynamics.self_excitation=0.3``)
    or narrows its range (``dynamics.self_excitation=0.2:0.3``); see :func:`set_parameter`. The
    value is read as a YAML scalar.
    """
    if "=" not in assignment:
        raise ScenarioError(
            f"--set {assignment}: expected path.to.key=value, e.g. "
            "--set nations.POL.active_personnel=100000"
        )
    path_text, _, value_text = assignment.partition("=")
    path_text = path_text.strip()
    try:
        value = yaml.load(value_text, Loader=yaml.CSafeLoader) if value_text.strip() else None
    except yaml.YAMLError:
        raise ScenarioError(
            f"--set {assignment}: the value '{value_text}' is not valid YAML"
        ) from None
    parts = path_text.split(".")
    if parts[0] not in data and isinstance(data.get("parameters"), list):
        names = [n for n in (id_of(p) for p in data["parameters"]) if n]
        if path_text in names:
            k = names.index(path_text)
            set_parameter(data["parameters"][k], assignment, value_text.strip(), value)
            return ("parameters", k, "value")
        stages = {n.split(".", 1)[0] for n in names}
        if parts[0] in stages:
            raise ScenarioError(
                f"--set {assignment}: {unknown_name('parameter', path_text, names)}"
            )
        raise ScenarioError(
            f"--set {assignment}: {unknown_name('key', path_text, [*map(str, data), *names])}"
        )
    target: Any = data
    loc: list[str | int] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        last = i == len(parts) - 1
        if isinstance(target, list):
            # Longest dotted id that matches a record (parameter names contain dots).
            match = None
            for j in range(len(parts), i, -1):
                candidate = ".".join(parts[i:j])
                for k, item in enumerate(target):
                    if id_of(item) == candidate:
                        match = (k, j)
                        break
                if match:
                    break
            if match is None and part.isdigit() and int(part) < len(target):
                match = (int(part), i + 1)
            if match is None:
                ids = [x for x in (id_of(t) for t in target) if x]
                where = ".".join(str(x) for x in loc) or "scenario"
                raise ScenarioError(
                    f"--set {assignment}: in {where}, {unknown_name('entry', part, ids)}"
                )
            k, j = match
            loc.append(k)
            if j == len(parts):
                target[k] = value
                return tuple(loc)
            target = target[k]
            i = j
            continue
        if not isinstance(target, dict):
            raise ScenarioError(
                f"--set {assignment}: '{'.'.join(str(x) for x in loc)}' holds a value, not keys"
            )
        if last:
            target[part] = value
            loc.append(part)
            return tuple(loc)
        if part not in target:
            raise ScenarioError(
                f"--set {assignment}: {unknown_name('key', part, [str(k) for k in target])}"
            )
        loc.append(part)
        target = target[part]
        i += 1
    return tuple(loc)


def _number(assignment: str, text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise ScenarioError(f"--set {assignment}: '{text}' is not a number") from None
    return _finite(assignment, text, number)


def _finite(assignment: str, text: str, number: float) -> float:
    if not math.isfinite(number):
        raise ScenarioError(f"--set {assignment}: give a finite number, not '{text}'")
    return number


def _as_number(value: Any, text: str) -> float | None:
    """The number a value stands for: YAML reads ``0.4`` as a float but ``1e3``, ``nan`` or
    ``inf`` as strings, which Python's float reads as numbers; ``None`` for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(text)
    except ValueError:
        return None


def _beside(x: float, low: float, high: float) -> str:
    """``x`` as a message shows it beside the range ``[low, high]``: exactly where the short
    form would read as a bound (0.7000001 is not 0.7)."""
    short = f"{x:g}"
    return repr(float(x)) if short in (f"{low:g}", f"{high:g}") else short


def set_parameter(record: dict[str, Any], assignment: str, text: str, value: Any) -> None:
    """Fix a parameter at ``v`` or narrow its range to ``low:high``, inside its declared range.

    A fixed parameter gets ``low = high = value``, so no face draws it any more; a narrowed one
    keeps its nominal value when that lies inside the new range, else takes the range's middle.
    Either keeps its declared range (``declared``), so it keeps its place in a run's Latin
    hypercube and every other parameter is drawn as without the override.
    """
    name = record.get("name")
    # an earlier --set of the same parameter narrowed low and high: check against the declared
    # range, which a later --set may use whole (the last one given wins)
    declared = record.get("declared")
    low, high = (
        declared if isinstance(declared, list | tuple) else (record.get("low"), record.get("high"))
    )
    if not isinstance(low, int | float) or not isinstance(high, int | float):
        raise ScenarioError(f"--set {assignment}: parameter '{name}' has no numeric range")
    if ":" in text:
        a, _, b = text.partition(":")
        new_low, new_high = _number(assignment, a.strip()), _number(assignment, b.strip())
        if new_low > new_high:
            raise ScenarioError(
                f"--set {assignment}: the range's low {new_low:g} exceeds its high {new_high:g}; "
                "write low:high"
            )
    else:
        number = _as_number(value, text)
        if number is None:
            raise ScenarioError(
                f"--set {assignment}: parameter '{name}' needs a number (or low:high), not '{text}'"
            )
        new_low = new_high = _finite(assignment, text, number)
    if new_low < low or new_high > high:
        a, b = _beside(new_low, low, high), _beside(new_high, low, high)
        shown = a if new_low == new_high else f"{a}:{b}"
        raise ScenarioError(
            f"--set {assignment}: {shown} is outside its range [{low:g}, {high:g}] (the range "
            f"the scenario declares for '{name}'); give a value inside it, or widen the range "
            "first (with a source): "
            f"--set parameters.{name}.{'low' if new_low < low else 'high'}=..."
        )
    nominal = record.get("value")
    if not isinstance(nominal, int | float) or not new_low <= nominal <= new_high:
        nominal = (new_low + new_high) / 2
    # the declared range keeps the parameter's place in the run's draws (common random numbers)
    record.setdefault("declared", [low, high])
    record["low"], record["high"], record["value"] = new_low, new_high, nominal

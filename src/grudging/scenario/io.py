"""Reading and writing scenarios: YAML in and out, CSV tables, overrides and located errors.

A scenario file is YAML read with libyaml's safe loader (never a full loader, never ``eval``). Any
list in it may instead be written ``{table: path/to/file.csv}``: the rows of that CSV file become
the list's records. Column names address fields; ``a.b`` fills a nested mapping, ``x__source`` the
record's ``sources`` entry for field ``x``, and list-valued fields are written ``a;b;c``. An empty
cell leaves the field at its default. ``calibration: [file.yaml, ...]`` merges fitted parameter sets
(see :mod:`grudging.scenario.calibration_files`). A dumped scenario holds everything inline, so
``load(dump(s)) == s``.

Errors name the file and line of the culprit, its key path, the bad value, the valid choices or a
close match, and the fix; they are raised as :class:`~grudging.errors.ScenarioError`.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from grudging.errors import ScenarioError, did_you_mean
from grudging.scenario.overrides import apply_override, id_of
from grudging.scenario.references import ScenarioReferenceError
from grudging.scenario.schema import Scenario

Loc = tuple[str | int, ...]
BUILTIN_PACKAGE = "grudging.scenarios"
SCENARIO_FILE = "scenario.yaml"


@dataclass
class SourceMap:
    """Where each key path of a raw scenario came from: (file, line)."""

    main: str
    lines: dict[Loc, tuple[str, int]] = field(default_factory=dict)

    def locate(self, loc: Loc) -> tuple[str, int | None]:
        """The file and line of the longest known prefix of ``loc``."""
        for end in range(len(loc), -1, -1):
            hit = self.lines.get(tuple(loc[:end]))
            if hit is not None:
                return hit
        return self.main, None


# Resolution of names and paths ------------------------------------------------------------------
def builtin_names() -> list[str]:
    """Names of the scenarios shipped with grudging."""
    root = resources.files(BUILTIN_PACKAGE)
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / SCENARIO_FILE).is_file())


def resolve_path(source: str | Path) -> Path:
    """The scenario file for a built-in name, a folder holding ``scenario.yaml``, or a file."""
    text = str(source)
    path = Path(text)
    if path.is_file():
        return path
    if path.is_dir():
        candidate = path / SCENARIO_FILE
        if candidate.is_file():
            return candidate
        raise ScenarioError(f"{text}: a folder without {SCENARIO_FILE}; give the YAML file itself")
    names = builtin_names()
    if text in names:
        return Path(str(resources.files(BUILTIN_PACKAGE) / text / SCENARIO_FILE))
    hint = did_you_mean(text, names)
    raise ScenarioError(
        f"{text}: no such scenario file or built-in scenario{hint}; built-in: "
        f"{', '.join(names)}. Give a path to a YAML file or one of those names"
    )


# YAML ---------------------------------------------------------------------------------------------
def _yaml_lines(node: yaml.Node, path: Loc, out: dict[Loc, int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[(*path, key)] = key_node.start_mark.line + 1
            _yaml_lines(value_node, (*path, key), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _yaml_lines(item, (*path, i), out)


def parse_yaml(text: str, filename: str) -> tuple[Any, dict[Loc, int]]:
    """Parse YAML safely, returning the data and the line of every key path."""
    try:
        data = yaml.load(text, Loader=yaml.CSafeLoader)
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{filename}:{mark.line + 1}" if mark is not None else filename
        problem = getattr(err, "problem", None) or str(err)
        raise ScenarioError(
            f"{where}: not valid YAML ({problem}); check indentation, colons and quotes"
        ) from None
    lines: dict[Loc, int] = {}
    if node is not None:
        _yaml_lines(node, (), lines)
    return data, lines


# CSV tables ---------------------------------------------------------------------------------------
def _set_nested(record: dict[str, Any], column: str, value: str) -> None:
    if column.endswith("__source"):
        record.setdefault("sources", {})[column[: -len("__source")]] = value
        return
    parts = column.split(".")
    target = record
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def read_table(
    path: Path, key: str, smap: SourceMap, list_fields: Iterable[str], offset: int = 0
) -> list[Any]:
    """Rows of a CSV table as records, recording the line of each row in ``smap``."""
    if not path.is_file():
        raise ScenarioError(f"{path.name}: table for '{key}' not found next to the scenario file")
    split = set(list_fields)
    records: list[Any] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        for i, row in enumerate(reader):
            record: dict[str, Any] = {}
            for column, cell in row.items():
                if column is None:
                    raise ScenarioError(
                        f"{path.name}:{reader.line_num}: more cells than columns in the header"
                    )
                cell = (cell or "").strip()
                if cell == "":
                    continue
                value: Any = cell
                if column in split:
                    value = [v.strip() for v in cell.split(";") if v.strip()]
                else:
                    value = _scalar(cell)
                _set_nested(record, column, value)
            smap.lines[(key, offset + i)] = (path.name, reader.line_num)
            records.append(record)
    return records


_NUMBER = re.compile(r"^[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?$")
_WORDS = {"true": True, "false": False, "null": None, "~": None}


def _scalar(cell: str) -> Any:
    """A CSV cell as a number, boolean or null when it looks like one; otherwise plain text.

    Text is never parsed as YAML, so ``: `` and `` #`` inside a note stay as written.
    """
    lowered = cell.lower()
    if lowered in _WORDS:
        return _WORDS[lowered]
    if _NUMBER.match(cell) and any(ch.isdigit() for ch in cell):
        number = float(cell.replace("_", ""))
        return int(number) if number.is_integer() and not any(c in cell for c in ".eE") else number
    return cell


#: Fields written ``a;b;c`` in CSV tables.
LIST_FIELDS = (
    "neighbours",
    "borders",
    "kin_groups",
    "caveats",
    "regions",
    "majority_groups",
)


def read_list_file(path: Path, key: str, smap: SourceMap, offset: int) -> list[Any]:
    """Records of a YAML file holding a list, recording the line of each record."""
    if not path.is_file():
        raise ScenarioError(f"{path.name}: file for '{key}' not found next to the scenario file")
    data, lines = parse_yaml(path.read_text(encoding="utf-8"), path.name)
    if not isinstance(data, list):
        raise ScenarioError(f"{path.name}: must hold a list of '{key}' records")
    for loc, line in lines.items():
        if loc and isinstance(loc[0], int):
            smap.lines[(key, loc[0] + offset, *loc[1:])] = (path.name, line)
    return data


def expand_tables(data: dict[str, Any], base: Path, smap: SourceMap) -> dict[str, Any]:
    """Replace every top-level ``{table: file}`` (or a list of files) by the records they hold.

    A ``.csv`` file gives one record per row; a ``.yaml`` file holds a list of records.
    """
    out = dict(data)
    for key, value in data.items():
        if isinstance(value, Mapping) and set(value) == {"table"}:
            files = value["table"] if isinstance(value["table"], list) else [value["table"]]
            records: list[Any] = []
            for name in files:
                path = base / str(name)
                if path.suffix.lower() == ".csv":
                    records.extend(read_table(path, key, smap, LIST_FIELDS, len(records)))
                else:
                    records.extend(read_list_file(path, key, smap, len(records)))
            out[key] = records
    return out


# Overrides ----------------------------------------------------------------------------------------
# Errors -------------------------------------------------------------------------------------------
def _loc_text(loc: Loc, data: Any) -> str:
    """A readable key path: ``regions[baghdad].population`` when records have ids."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            ident = id_of(node[part]) if isinstance(node, list) and part < len(node) else None
            out += f"[{ident}]" if ident else f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, Mapping) else None
    return out or "scenario"


def _value_at(loc: Loc, data: Any) -> tuple[bool, Any]:
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, node


_FIX = {
    "missing": "add this key",
    "extra_forbidden": "remove it or correct the spelling",
    "greater_than": "use a larger value",
    "greater_than_equal": "use a larger value",
    "less_than": "use a smaller value",
    "less_than_equal": "use a smaller value",
    "string_pattern_mismatch": "lower-case letters, digits and underscores, starting with a letter",
}


def _field_names(model: Any, loc: Loc) -> list[str]:
    """Valid keys of the model reached by ``loc`` (for did-you-mean on unknown keys)."""
    from typing import get_args, get_origin

    from pydantic import BaseModel

    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(str(part))
        if info is None:
            return []
        ann = info.annotation
        stack = [ann]
        current = None
        while stack:
            t = stack.pop()
            if isinstance(t, type) and issubclass(t, BaseModel):
                current = t
                break
            if get_origin(t) is not None:
                stack.extend(get_args(t))
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def format_validation_error(err: ValidationError, data: Any, smap: SourceMap) -> str:
    """One message for the first error of a pydantic ``ValidationError``."""
    first = err.errors()[0]
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and "[" in p and p not in ("",)))
    file, line = smap.locate(loc)
    where = f"{file}:{line}" if line else file
    path = _loc_text(loc, data)
    kind = first["type"]
    more = len(err.errors()) - 1
    tail = f" ({more} more problem{'s' if more > 1 else ''} after this one)" if more else ""
    if kind == "extra_forbidden":
        key = str(loc[-1])
        valid = _field_names(Scenario, loc[:-1])
        hint = did_you_mean(key, valid)
        choices = f"; valid keys: {', '.join(valid)}" if valid and not hint else ""
        return f"{where}: {path}: unknown key '{key}'{hint}{choices}; remove or rename it{tail}"
    if kind == "missing":
        return f"{where}: {path}: required key is missing; add it{tail}"
    found, value = _value_at(loc, data)
    scalar = found and not isinstance(value, Mapping | list)
    shown = f" {json.dumps(value, default=str)[:80]}" if scalar else ""
    msg = first["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    fix = _FIX.get(kind)
    fix_text = f"; {fix}" if fix and fix not in msg else ""
    if kind == "literal_error":
        expected = first.get("ctx", {}).get("expected", "")
        hint = did_you_mean(
            str(value), [e.strip(" '") for e in str(expected).replace(" or ", ",").split(",")]
        )
        return f"{where}: {path}: bad value{shown}: {msg}{hint}{tail}"
    head = f"bad value{shown}: " if scalar else ""
    return f"{where}: {path}: {head}{msg}{fix_text}{tail}"


def format_reference_error(err: ScenarioReferenceError, data: Any, smap: SourceMap) -> str:
    """One message for a cross-reference problem."""
    file, line = smap.locate(err.loc)
    where = f"{file}:{line}" if line else file
    more = err.count - 1
    tail = f" ({more} more problem{'s' if more > 1 else ''} after this one)" if more else ""
    return f"{where}: {_loc_text(err.loc, data)}: {err.message}{tail}"


# Public API ---------------------------------------------------------------------------------------
def validate_data(data: Any, smap: SourceMap) -> Scenario:
    """Validate raw scenario data, raising one located :class:`ScenarioError` on failure."""
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{smap.main}: a scenario is a mapping of keys (id, title, regions, ...), "
            f"not {type(data).__name__}"
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(format_validation_error(err, data, smap)) from None
    except ScenarioReferenceError as err:
        raise ScenarioError(format_reference_error(err, data, smap)) from None


def read_raw(source: str | Path, calibrated: bool = True) -> tuple[dict[str, Any], SourceMap, Path]:
    """Raw scenario data with tables expanded (and calibrations merged), and where it came from."""
    path = resolve_path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(
            f"{path.name}: cannot be read ({err}); is it a UTF-8 YAML file?"
        ) from None
    data, lines = parse_yaml(text, path.name)
    smap = SourceMap(main=path.name, lines={loc: (path.name, n) for loc, n in lines.items()})
    if not isinstance(data, dict):
        validate_data(data, smap)
    data = expand_tables(data, path.parent, smap)
    calibration = data.pop("calibration", None)
    if calibration is not None and calibrated:
        from grudging.scenario.calibration_files import merge_calibrations

        files = [calibration] if isinstance(calibration, str) else list(calibration)
        data = merge_calibrations(data, [path.parent / f for f in files], smap)
    return data, smap, path


def load_scenario(
    source: str | Path = "iraq-2007", overrides: Sequence[str] = (), calibrated: bool = True
) -> Scenario:
    """Load and validate a scenario by built-in name or path, with ``--set`` style overrides.

    ``calibrated=False`` leaves out the scenario's calibration files (the declared priors only),
    so that a calibration never starts from its own earlier posterior.
    """
    data, smap, path = read_raw(source, calibrated)
    for assignment in overrides:
        loc = apply_override(data, assignment)
        smap.lines[loc] = (f"--set {assignment}", 0)
    scn = validate_data(data, smap)
    scn._base_dir = str(path.parent.resolve())
    return scn


def scenario_from_dict(data: Mapping[str, Any], name: str = "<dict>") -> Scenario:
    """Validate a scenario given as a plain mapping (e.g. built in a notebook or a test)."""
    return validate_data(dict(data), SourceMap(main=name))


def scenario_to_dict(scn: Scenario) -> dict[str, Any]:
    """Plain data of a scenario, ready for YAML or JSON."""
    return scn.model_dump(mode="json")


def dump_scenario(scn: Scenario) -> str:
    """The scenario as self-contained YAML (every table inline)."""
    return yaml.dump(
        scenario_to_dict(scn),
        Dumper=yaml.CSafeDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )


def loads_scenario(text: str, name: str = "<string>") -> Scenario:
    """Load a scenario from YAML text (no tables or calibration files: those need a folder)."""
    data, lines = parse_yaml(text, name)
    smap = SourceMap(main=name, lines={loc: (name, n) for loc, n in lines.items()})
    return validate_data(data, smap)


def scenario_hash(scn: Scenario) -> str:
    """A stable SHA-256 of the scenario's content (first 16 hex digits), for provenance."""
    canonical = json.dumps(scenario_to_dict(scn), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def json_schema() -> dict[str, Any]:
    """The JSON schema of the scenario format, for editors."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "grudging scenario"
    return schema

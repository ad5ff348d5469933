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
import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from grudging.errors import ScenarioError, did_you_mean
from grudging.scenario.calibration_files import merge_calibrations
from grudging.scenario.minimal import (
    case_keys,
    expand_case,
    is_case,
    parameters_with_overrides,
)
from grudging.scenario.overrides import apply_override, id_of
from grudging.scenario.references import ScenarioReferenceError
from grudging.scenario.runnable import check_runnable
from grudging.scenario.schema import Scenario
from grudging.scenario.yaml_input import (
    MAX_FILE_BYTES,
    VALUE_FIXES,
    Loc,
    SourceMap,
    check_header,
    decode_text,
    more_problems,
    parse_yaml,
    pattern_message,
    read_text,
    read_yaml,
)

BUILTIN_PACKAGE = "grudging.scenarios"
SCENARIO_FILE = "scenario.yaml"


# Resolution of names and paths ------------------------------------------------------------------
def builtin_names() -> list[str]:
    """Names of the scenarios shipped with grudging."""
    root = resources.files(BUILTIN_PACKAGE)
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / SCENARIO_FILE).is_file())


def resolve_path(source: str | Path) -> Path:
    """The scenario file for a built-in name, a folder holding ``scenario.yaml``, or a file."""
    text = str(source)
    if not text.strip():
        raise ScenarioError("'': an empty scenario name; give a built-in name or a YAML file")
    path = Path(text)
    try:
        path.stat()
    except FileNotFoundError:
        pass
    except OSError as err:  # a name too long, a loop of links...
        raise ScenarioError(
            f"{text[:80]}{'…' if len(text) > 80 else ''}: cannot be read as a path "
            f"({err.strerror}); give a built-in name or a YAML file"
        ) from None
    if path.is_file():
        return path
    if path.is_dir():
        candidate = path / SCENARIO_FILE
        if candidate.is_file():
            return candidate
        raise ScenarioError(f"{text}: a folder without {SCENARIO_FILE}; give the YAML file itself")
    if path.exists():  # a device, a pipe, a socket
        raise ScenarioError(f"{text}: not a regular file; give a YAML file or a built-in name")
    names = builtin_names()
    if text in names:
        return Path(str(resources.files(BUILTIN_PACKAGE) / text / SCENARIO_FILE))
    hint = did_you_mean(text, names)
    if not hint and not path.suffix:  # 'grudging new mycase' writes mycase.yaml
        hint = next(
            (
                f" (did you mean '{path.with_suffix(s)}'?)"
                for s in (".yaml", ".yml")
                if path.with_suffix(s).is_file()
            ),
            "",
        )
    raise ScenarioError(
        f"{text}: no such scenario file or built-in scenario{hint}; built-in: "
        f"{', '.join(names)}. Give a path to a YAML file or one of those names"
    )


# CSV tables ---------------------------------------------------------------------------------------
def _set_nested(record: dict[str, Any], column: str, value: str) -> None:
    if column.endswith("__source"):
        record.setdefault("sources", {})[column[: -len("__source")]] = value
        return
    parts = column.split(".")
    target = record
    for part in parts[:-1]:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise ScenarioError(
                f"column '{column}': '{part}' is both a value and a group of columns; "
                "rename one of the columns"
            )
    target[parts[-1]] = value


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                f"{name}: {size:,} bytes is more than a table may hold ({MAX_FILE_BYTES:,}); "
                "split it into several files"
            )
        return path.read_bytes()
    except OSError as err:
        raise ScenarioError(
            f"{name}: cannot be read ({err.strerror or err}); check that it is a readable file"
        ) from None


def read_table(
    path: Path, key: str, smap: SourceMap, list_fields: Iterable[str], offset: int = 0
) -> list[Any]:
    """Rows of a CSV table as records, recording the line of each row in ``smap``.

    The file must be UTF-8 (a spreadsheet's byte-order mark is dropped); every row has as many
    cells as the header (empty cells leave a field at its default).
    """
    name = path.name
    if not path.is_file():
        raise ScenarioError(f"{name}: table for '{key}' not found next to the scenario file")
    text = decode_text(_read_bytes(path, name), name)
    split = set(list_fields)
    records: list[Any] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return records
        header = [h.strip() for h in header]
        check_header(header, f"{name}:{reader.line_num}")
        if len(header) == 1 and (sep := next((c for c in ";\t" if c in header[0]), None)):
            marks = "semicolons" if sep == ";" else "tabs"
            raise ScenarioError(
                f"{name}:{reader.line_num}: the header is one column holding {marks}: the table "
                f"is separated by {marks}, not commas; save it as CSV separated by commas (in a "
                "spreadsheet: 'CSV UTF-8 (comma delimited)')"
            )
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) > len(header):
                raise ScenarioError(
                    f"{name}:{reader.line_num}: more cells than columns in the header "
                    f"({len(row)} cells, {len(header)} columns); remove the extra cells or quote "
                    "cells that contain commas"
                )
            if len(row) < len(header):
                raise ScenarioError(
                    f"{name}:{reader.line_num}: {len(row)} cells but the header has "
                    f"{len(header)} columns (missing: {', '.join(header[len(row) :])}); add the "
                    "missing cells (leave a cell empty for the default: a,,b)"
                )
            record: dict[str, Any] = {}
            for column, cell in zip(header, row, strict=True):
                cell = cell.strip()
                if cell == "":
                    continue
                value: Any = cell
                if column in split:
                    value = [v.strip() for v in cell.split(";") if v.strip()]
                else:
                    value = _scalar(cell)
                _set_nested(record, column, value)
            smap.lines[(key, offset + len(records))] = (name, reader.line_num)
            records.append(record)
    except csv.Error as err:
        line = reader.line_num
        problem = str(err)
        if "field larger than field limit" in problem:
            raise ScenarioError(
                f"{name}:{line}: a cell is longer than {csv.field_size_limit():,} characters "
                "(an unclosed quote?); close the quote or shorten the cell"
            ) from None
        raise ScenarioError(
            f"{name}:{line}: not a valid CSV row ({problem}); check quotes and separators"
        ) from None
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
    data, lines = read_yaml(path)
    if not isinstance(data, list):
        raise ScenarioError(
            f"{path.name}: must hold a list of '{key}' records (a YAML list: '- ...' lines)"
        )
    for loc, line in lines.items():
        if loc and isinstance(loc[0], int):
            smap.lines[(key, loc[0] + offset, *loc[1:])] = (path.name, line)
    return data


def builtin_root() -> Path:
    """The folder of the built-in scenarios (they share files across their folders)."""
    return Path(str(resources.files(BUILTIN_PACKAGE))).resolve()


def allowed_roots(base: Path) -> tuple[Path, ...]:
    """Folders a scenario in ``base`` may read tables from: its own, and for a built-in scenario
    the built-in scenarios' folder."""
    own = base.resolve()
    shipped = builtin_root()
    return (own, shipped) if own.is_relative_to(shipped) else (own,)


def inside_folder(name: object, base: Path, roots: Sequence[Path], where: str, what: str) -> Path:
    """The path of a file a scenario names, refused unless it lies inside ``roots``."""
    if not isinstance(name, str) or not name.strip() or "\x00" in name:
        raise ScenarioError(
            f"{where}: {what} {json.dumps(name, default=str)[:80]} is not a file name; give a "
            "path relative to the scenario's folder, e.g. tables/regions.csv"
        )
    path = base / name
    resolved = path.resolve()
    if not any(resolved.is_relative_to(root) for root in roots):
        raise ScenarioError(
            f"{where}: {what} '{name}' lies outside the scenario's folder; copy the file into "
            "the folder (or a subfolder) and give its path relative to the scenario file"
        )
    return path


def check_map(data: object, base: Path, roots: Sequence[Path], smap: SourceMap) -> None:
    """Refuse a ``map`` whose GeoJSON is outside the scenario's folder, a folder, not GeoJSON, or
    without the feature property that holds the region ids (checked when the scenario is read,
    not when a report first draws the map). A missing file is allowed: a scenario written by
    ``grudging dump`` names its map without carrying it, and then no map is drawn."""
    spec = data.get("map") if isinstance(data, dict) else None
    if not isinstance(spec, dict) or "geojson" not in spec:
        return  # no map, or a malformed one the schema reports
    file, line = smap.locate(("map", "geojson"))
    where = f"{file}:{line}: map.geojson" if line else f"{file}: map.geojson"
    name = spec["geojson"]
    path = inside_folder(name, base, roots, where, "map file")
    if not path.exists():
        return  # a dumped scenario does not carry its map: no map is drawn (validate says so)
    if not path.is_file():
        raise ScenarioError(
            f"{where}: '{name}' is a folder, not a file; give the GeoJSON file's path relative to "
            "the scenario file, or remove 'map' (the report then draws no map)"
        )
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ScenarioError(
            f"{where}: '{name}' is larger than a scenario file may be ({MAX_FILE_BYTES:,} bytes); "
            "simplify the shapes"
        )
    try:
        geo = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ScenarioError(
            f"{where}: '{name}' is not GeoJSON ({type(exc).__name__}); give a GeoJSON "
            "FeatureCollection of the regions"
        ) from None
    features = geo.get("features") if isinstance(geo, dict) else None
    key = spec.get("feature_id", "id")
    if not isinstance(features, list) or not features:
        raise ScenarioError(
            f"{where}: '{name}' holds no features; give a GeoJSON FeatureCollection of the regions"
        )
    if not any(
        isinstance(f, dict) and isinstance(f.get("properties"), dict) and key in f["properties"]
        for f in features
    ):
        raise ScenarioError(
            f"{where}: no feature of '{name}' has the property {json.dumps(key, default=str)[:80]} "
            "(map.feature_id) that holds the region ids; set map.feature_id to the property that "
            "does"
        )


def expand_tables(
    data: dict[str, Any], base: Path, smap: SourceMap, roots: Sequence[Path] | None = None
) -> dict[str, Any]:
    """Replace every top-level ``{table: file}`` (or a list of files) by the records they hold.

    A ``.csv`` file gives one record per row; a ``.yaml`` file holds a list of records. Files must
    lie inside ``roots`` (default: :func:`allowed_roots` of ``base``).
    """
    roots = allowed_roots(base) if roots is None else roots
    out = dict(data)
    for key, value in data.items():
        if isinstance(value, Mapping) and set(value) == {"table"}:
            files = value["table"] if isinstance(value["table"], list) else [value["table"]]
            records: list[Any] = []
            smap.tables[str(key)] = [Path(str(name)).name for name in files]
            for j, name in enumerate(files):
                loc: Loc = (key, "table", j) if isinstance(value["table"], list) else (key, "table")
                file, line = smap.locate(loc)
                where = f"{file}:{line}: {key}.table" if line else f"{file}: {key}.table"
                path = inside_folder(name, base, roots, where, "table")
                if path.is_dir():
                    raise ScenarioError(
                        f"{where}: table '{name}' is a folder, not a file; name the file in it "
                        "(e.g. tables/regions.csv)"
                    )
                if not path.is_file():
                    raise ScenarioError(
                        f"{where}: table '{name}' not found; check the name (paths are relative "
                        "to the scenario file's folder)"
                    )
                if path.suffix.lower() == ".csv":
                    records.extend(read_table(path, str(key), smap, LIST_FIELDS, len(records)))
                else:
                    records.extend(read_list_file(path, str(key), smap, len(records)))
            out[key] = records
    return out


# Overrides ----------------------------------------------------------------------------------------
# Errors -------------------------------------------------------------------------------------------
def _loc_text(loc: Loc, data: Any, smap: SourceMap | None = None) -> str:
    """A readable key path: ``regions[baghdad].population`` when records have ids; a key of an
    expanded minimal case by the case's own name for it (``force.command``)."""
    out = ""
    node = data
    if smap is not None:
        for end in range(len(loc), 0, -1):
            name = smap.names.get(tuple(loc[:end]))
            if name is not None:
                out = name
                node = _value_at(loc[:end], data)[1]
                loc = loc[end:]
                break
    for part in loc:
        if isinstance(part, int):
            ident = id_of(node[part]) if isinstance(node, list) and part < len(node) else None
            out += f"[{ident}]" if ident else f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, Mapping) else None
    return _visible(out) or "scenario"


def _value_at(loc: Loc, data: Any) -> tuple[bool, Any]:
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, node


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


def _union_branch(part: Any) -> bool:
    """A location part that names a branch of a union (``literal['none']``, ``CommandGuarantee``,
    ``constrained-str``), not a key of the user's data."""
    from pydantic import BaseModel

    from grudging.scenario import schema

    if not isinstance(part, str):
        return False
    named = getattr(schema, part, None)
    return (
        "[" in part
        or part.startswith("constrained-")  # pydantic's tag of a constrained str, int, float
        or (isinstance(named, type) and issubclass(named, BaseModel))
    )


def validation_messages(err: ValidationError, data: Any, smap: SourceMap) -> list[str]:
    """One message per location of a pydantic ``ValidationError``, the likeliest cause first.

    A mapping given where a union also takes a scalar (``guarantees: true`` or a record) fails the
    scalar branch by its type as well: the record's own problem is the one to show."""
    errors = err.errors()
    # A list whose only entries are bad also reads as too short (its valid entries are none):
    # the entries' own errors are the mistake, not a list left empty.
    inner = [tuple(e["loc"]) for e in errors]
    errors = [
        e
        for e in errors
        if not (
            e["type"] == "too_short"
            and any(len(o) > len(e["loc"]) and o[: len(e["loc"])] == tuple(e["loc"]) for o in inner)
        )
    ]
    # A record with a missing key and an unknown one is most often a misspelt key: name the
    # unknown key first (its message says which valid key it resembles).
    missing_in = {tuple(e["loc"][:-1]) for e in errors if e["type"] == "missing"}
    ordered = sorted(
        errors,
        key=lambda e: (
            not (e["type"] == "extra_forbidden" and tuple(e["loc"][:-1]) in missing_in),
            e["type"].endswith("_type") and isinstance(e.get("input"), Mapping | list),
        ),
    )
    messages: list[str] = []
    seen: set[Loc] = set()
    for error in ordered:
        loc = tuple(p for p in error["loc"] if not _union_branch(p))
        if loc not in seen:  # a union's other branches fail at the same place
            seen.add(loc)
            messages.append(_error_message(error, loc, data, smap))
    return messages


#: Pydantic's error types for a value of the wrong kind where one value belongs.
ONE_VALUE_TYPES = frozenset({"int_type", "float_type", "bool_type", "string_type"})


def _too_large(value: Any) -> bool:
    """Whether ``value`` is a whole number beyond the largest float."""
    return isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1024


def _visible(text: str) -> str:
    """``text`` with accents and other scripts as written and what cannot be seen (controls,
    bidi marks) escaped as ``\\uXXXX``, so a message reads as the file does."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def _shown(value: Any) -> str:
    """A bad value as the message quotes it: JSON, short; ``inf`` and ``nan`` as such."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    text = _visible(json.dumps(value, default=str, ensure_ascii=False))
    return text if len(text) <= 80 else text[:77] + "..."


def _error_message(first: Any, loc: Loc, data: Any, smap: SourceMap) -> str:
    """The message for one pydantic error at ``loc`` (union branches removed)."""
    file, line = smap.locate(loc)
    where = f"{file}:{line}" if line else file
    path = _loc_text(loc, data, smap)
    kind = first["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        valid = _field_names(Scenario, loc[:-1])
        hint = did_you_mean(key, valid)
        choices = f"; valid keys: {', '.join(valid)}" if valid and not hint else ""
        return f"{where}: {path}: unknown key '{key}'{hint}{choices}; remove or rename it"
    if kind == "missing":
        return f"{where}: {path}: required key is missing; add it"
    if kind == "too_short":
        return _too_short(loc, path, where, first.get("ctx", {}), smap)
    found, value = _value_at(loc, data)
    if first["loc"] and first["loc"][-1] == "[key]":  # the mapping's key is wrong, not its value
        found, value = True, first["input"]
    # A list or mapping where one value belongs is shown too: it is the whole mistake.
    scalar = found and (not isinstance(value, Mapping | list) or kind in ONE_VALUE_TYPES)
    shown = f" {_shown(value)}" if scalar else ""
    msg = first["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind == "string_pattern_mismatch":
        msg = pattern_message(str(first.get("ctx", {}).get("pattern", "")))
        if isinstance(value, str) and not value.isascii():
            msg += " (plain a-z only: accents and other scripts belong in the record's 'name')"
    if kind in ONE_VALUE_TYPES and _too_large(value):  # a whole number no float holds
        msg, kind = "the number is too large to hold (above about 1.8e308)", "less_than_equal"
    fix = VALUE_FIXES.get(kind)
    fix_text = f"; {fix}" if fix and fix not in msg else ""
    if kind == "literal_error":
        expected = first.get("ctx", {}).get("expected", "")
        hint = did_you_mean(
            str(value), [e.strip(" '") for e in str(expected).replace(" or ", ",").split(",")]
        )
        return f"{where}: {path}: bad value{shown}: {msg}{hint}"
    head = f"bad value{shown}: " if scalar else ""
    return f"{where}: {path}: {head}{msg}{fix_text}"


#: What one record of a list that must not be empty is called, in messages.
RECORD_NOUNS = {"regions": "region", "groups": "group", "options": "option"}


def _too_short(loc: Loc, path: str, where: str, ctx: Mapping[str, Any], smap: SourceMap) -> str:
    """An empty list that needs records: name the table file(s) it was read from, if any."""
    least = ctx.get("min_length", 1)
    noun = RECORD_NOUNS.get(str(loc[-1]), "entry") if loc else "entry"
    need = f"at least one {noun}" if least == 1 else f"at least {least} entries"
    files = smap.tables.get(str(loc[0])) if len(loc) == 1 else None
    if files:
        if all(name.lower().endswith(".csv") for name in files):
            empty, fix = "has no rows", f"add one row per {noun} under the header"
        else:
            empty, fix = "holds no records", f"add one record ('- ...' lines) per {noun}"
        return f"{', '.join(files)}: {path}: the table {empty}; it needs {need}: {fix}"
    return f"{where}: {path}: the list is empty; give {need}"


def reference_messages(err: ScenarioReferenceError, data: Any, smap: SourceMap) -> list[str]:
    """One message per cross-reference problem, in the order they were found."""
    messages = []
    for loc, message in err.problems:
        file, line = smap.locate(loc)
        where = f"{file}:{line}" if line else file
        messages.append(f"{where}: {_loc_text(loc, data, smap)}: {message}")
    return messages


# Public API ---------------------------------------------------------------------------------------
def validate_data(data: Any, smap: SourceMap) -> Scenario:
    """Validate raw scenario data, raising one located :class:`ScenarioError` on failure."""
    if not isinstance(data, dict):
        what = "an empty document" if data is None else f"a {type(data).__name__}"
        raise ScenarioError(
            f"{smap.main}: a scenario is a mapping of keys (id, title, regions, ...), not "
            f"{what}; start from 'grudging new NAME' (a minimal case) or 'grudging dump "
            "bosnia-1995' (a full theatre)"
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        messages = validation_messages(err, data, smap)
    except ScenarioReferenceError as err:
        messages = reference_messages(err, data, smap)
    raise ScenarioError(messages[0] + more_problems(len(messages) - 1), every=messages) from None


def shared_parameter_defaults(data: dict[str, Any], smap: SourceMap) -> dict[str, Any]:
    """``parameters: shared`` declares the shared default set; ``parameters: {name: value}`` the
    same set with those values put in (each a number inside its range). A list is left alone."""
    params = data.get("parameters")
    if params == "shared" or isinstance(params, Mapping):
        overrides = dict(params) if isinstance(params, Mapping) else {}
        data = {**data, "parameters": parameters_with_overrides(overrides, smap)}
    return data


def read_raw(
    source: str | Path, calibrated: bool = True, case_overrides: Sequence[str] = ()
) -> tuple[dict[str, Any], SourceMap, Path]:
    """Raw scenario data with tables expanded (and calibrations merged), and where it came from.

    A minimal case takes the ``case_overrides`` that name one of its own keys (``population``,
    ``force.troops``...) before it is expanded (see :func:`case_keys`)."""
    path = resolve_path(source)
    data, lines = parse_yaml(read_text(path), path.name)
    smap = SourceMap(main=path.name, lines={loc: (path.name, n) for loc, n in lines.items()})
    if not isinstance(data, dict):
        validate_data(data, smap)
    if is_case(data, smap):  # the minimal case format: defaults and the shared parameter set
        for assignment in case_keys(data, case_overrides):
            smap.record_override(apply_override(data, assignment), assignment)
            smap.applied.append(assignment)
        try:
            return expand_case(data, smap), smap, path
        except ScenarioError as err:  # a check across keys may name a line the user left alone
            raise with_overrides(err, smap.applied) from None
    roots = allowed_roots(path.parent)
    data = expand_tables(data, path.parent, smap, roots)
    check_map(data, path.parent, roots, smap)
    data = shared_parameter_defaults(data, smap)
    calibration = data.pop("calibration", None)
    if calibration is not None and calibrated:
        file, line = smap.locate(("calibration",))
        where = f"{file}:{line}: calibration" if line else f"{file}: calibration"
        if isinstance(calibration, str):
            files: list[Any] = [calibration]
        elif isinstance(calibration, list):
            files = calibration
        else:
            raise ScenarioError(
                f"{where}: give a file name or a list of file names of calibration files"
            )
        paths = [inside_folder(f, path.parent, roots, where, "calibration file") for f in files]
        data = merge_calibrations(data, paths, smap)
    return data, smap, path


def load_scenario(
    source: str | Path = "iraq-2007",
    overrides: Sequence[str] = (),
    calibrated: bool = True,
    runnable: bool = False,
) -> Scenario:
    """Load and validate a scenario by built-in name or path, with ``--set`` style overrides.

    ``calibrated=False`` leaves out the scenario's calibration files (the declared priors only),
    so that a calibration never starts from its own earlier posterior. ``runnable=True`` also
    checks that the chain can run it (:func:`~grudging.scenario.runnable.check_runnable`).
    """
    if isinstance(overrides, str):  # one assignment given bare
        overrides = [overrides]
    overrides = ranges_first(overrides)
    data, smap, path = read_raw(source, calibrated, overrides)
    for assignment in overrides:
        if assignment in smap.applied:
            continue  # applied to the minimal case itself
        smap.record_override(apply_override(data, assignment), assignment)
    try:
        scn = validate_data(data, smap)
    except ScenarioError as err:
        raise with_overrides(err, overrides) from None
    if runnable:
        check_runnable(scn, smap)
    scn._base_dir = str(path.parent.resolve())
    scn._overrides = tuple(overrides)
    return scn


def with_overrides(err: ScenarioError, overrides: Sequence[str]) -> ScenarioError:
    """``err`` saying which ``--set`` assignments were applied (its line may be one the user left
    alone), unless none were or it is located at one already."""
    if not overrides:
        return err
    tail = " (with " + " ".join(f"--set {a}" for a in overrides) + " applied)"
    every = [m if m.startswith("--set ") else m + tail for m in err.every]
    if str(err).startswith("--set "):
        return ScenarioError(str(err), every=every)
    return ScenarioError(f"{err}{tail}", every=every)


def ranges_first(overrides: Sequence[str]) -> list[str]:
    """The assignments with the ranges they widen or narrow first (``parameters.NAME.low`` and
    ``.high``), each group in the order given: a value checked against its range then meets the
    range the user set, wherever it was written."""

    def ranged(assignment: str) -> bool:
        key = assignment.partition("=")[0].strip()
        return key.startswith("parameters.") and key.rsplit(".", 1)[-1] in ("low", "high")

    return [a for a in overrides if ranged(a)] + [a for a in overrides if not ranged(a)]


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
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(
            f"{name}: {len(text):,} characters is more than a scenario may hold "
            f"({MAX_FILE_BYTES:,}); remove what the scenario does not need"
        )
    data, lines = parse_yaml(text, name)
    smap = SourceMap(main=name, lines={loc: (name, n) for loc, n in lines.items()})
    if is_case(data, smap):
        data = expand_case(data, smap)
    elif isinstance(data, dict):
        data = shared_parameter_defaults(data, smap)
    return validate_data(data, smap)


#: How messages name a scenario given as a Python object (no file to point at).
OBJECT_NAME = "the scenario object"


def check_scenario_object(scn: Scenario) -> None:
    """Refuse a scenario object whose content no longer passes the loader's checks.

    A loaded scenario is checked once; ``scn.model_copy(update=...)`` and edits of its lists or
    mappings in place skip those checks, and a run would then fail deep in a stage or give
    impossible numbers. The content is validated again (some 30 ms for ``iraq-2007``) and the
    first problem raised as one :class:`ScenarioError`, as the loader words it.
    """
    import warnings

    with warnings.catch_warnings():  # a value of the wrong type warns as it is dumped
        warnings.simplefilter("ignore")
        data = scn.model_dump(mode="json")  # lists, as a file gives them (messages name ids)
    smap = SourceMap(main=OBJECT_NAME)
    try:
        Scenario.model_validate(data)
        return
    except ValidationError as err:
        messages = validation_messages(err, data, smap)
    except ScenarioReferenceError as err:
        messages = reference_messages(err, data, smap)
    fix = (
        "; it was changed after loading (model_copy(update=...) and edits in place skip the "
        "checks): give the change to grudging.load(name, set={...}) instead"
    )
    raise ScenarioError(
        messages[0] + fix + more_problems(len(messages) - 1), every=messages
    ) from None


def scenario_hash(scn: Scenario) -> str:
    """A stable SHA-256 of the scenario's content (first 16 hex digits), for provenance."""
    canonical = json.dumps(scenario_to_dict(scn), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


#: What a top-level list may be given as instead: records read from a table file (or files).
TABLE_REFERENCE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "table": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    },
    "required": ["table"],
    "additionalProperties": False,
    "description": "records read from a CSV or YAML file (or files), relative to the scenario file",
}
#: What ``parameters`` may be given as besides a list: the shared default set, with overrides.
SHARED_PARAMETERS: list[dict[str, Any]] = [
    {"const": "shared", "description": "the shared default parameter set"},
    {
        "type": "object",
        "additionalProperties": {"type": "number"},
        "description": "the shared default set with these values put in (name: number)",
    },
]


def json_schema() -> dict[str, Any]:
    """The JSON schema of the scenario format, for editors: as the loader reads it, so a
    top-level list may also be ``{table: file}`` and ``parameters`` may be ``shared`` or a
    mapping of overrides."""
    schema = _json_schema_keywords(Scenario.model_json_schema())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "grudging scenario"
    for name, prop in schema.get("properties", {}).items():
        branches = prop.get("anyOf", [prop])
        if not any(b.get("type") == "array" for b in branches):
            continue
        kept = {k: prop[k] for k in ("title", "description", "default") if k in prop}
        forms = [{k: v for k, v in prop.items() if k not in kept}, TABLE_REFERENCE]
        if name == "parameters":
            forms += SHARED_PARAMETERS
        schema["properties"][name] = {**kept, "anyOf": forms}
    return schema


def case_json_schema() -> dict[str, Any]:
    """The JSON schema of the minimal case format (``format: case``; docs/cases.md), for
    editors, with the same bound keywords as :func:`json_schema`."""
    from grudging.scenario.minimal import Case

    schema = _json_schema_keywords(Case.model_json_schema())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "grudging case"
    return schema


#: Bounds pydantic leaves under its own names where a constraint sits on an annotated type (our
#: numbers refuse booleans first), and the JSON Schema keywords an editor reads.
_BOUND_KEYWORDS = {
    "ge": "minimum",
    "le": "maximum",
    "gt": "exclusiveMinimum",
    "lt": "exclusiveMaximum",
}


def _json_schema_keywords(node: Any) -> Any:
    """``node`` with pydantic's bound names written as JSON Schema keywords, at every depth (a
    property named ``ge`` in ``properties`` is a name, not a bound, and is kept)."""
    if isinstance(node, list):
        return [_json_schema_keywords(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        name = str(key)
        if name == "properties" and isinstance(value, dict):
            out[name] = {prop: _json_schema_keywords(sub) for prop, sub in value.items()}
        else:
            out[_BOUND_KEYWORDS.get(name, name)] = _json_schema_keywords(value)
    return out

"""Bounded reading of scenario input: text files, YAML documents and where each key came from.

Every YAML file a scenario reads (the scenario itself, list files named by ``{table: ...}``,
calibration files, uploaded text) goes through :func:`parse_yaml`: libyaml's safe loader composes
the node graph once; the graph is checked (duplicate keys, recursive aliases, alias expansion bounded
by the size of the document) and its key paths mapped to lines; only then is it constructed. Text
must be UTF-8 (a byte-order mark is dropped); anything else gets a message naming the file.
"""

from __future__ import annotations

import codecs
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from grudging.errors import ScenarioError

Loc = tuple[str | int, ...]

#: Largest input file read, in bytes.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Most YAML nodes a document may expand to (aliases counted at every use).
MAX_NODES = 1_000_000
#: Alias expansion allowed beyond the document's own nodes: ``SLACK + FACTOR * distinct nodes``.
ALIAS_SLACK = 10_000
ALIAS_FACTOR = 10
#: Text longer than this is first counted from libyaml's event stream (cheap), so that a file with
#: too many values is refused in seconds rather than after composing its whole node graph.
PRECOUNT_ABOVE = 256 * 1024

_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class SourceMap:
    """Where each key path of a raw scenario came from: (file, line)."""

    main: str
    lines: dict[Loc, tuple[str, int]] = field(default_factory=dict)
    #: ``--set`` assignments already applied (to a minimal case, before it was expanded).
    applied: list[str] = field(default_factory=list)
    #: Where each ``--set`` was given, by its label, in the order given.
    given: list[str] = field(default_factory=list)
    #: The files each top-level ``{table: ...}`` key was read from (to name an empty table).
    tables: dict[str, list[str]] = field(default_factory=dict)
    #: Key paths of an expanded minimal case, by the name the case gives them (``force`` for
    #: ``("forces", 0)``): messages name the key the user wrote.
    names: dict[Loc, str] = field(default_factory=dict)

    def record_override(self, loc: Loc, assignment: str) -> None:
        """Note that ``--set assignment`` set the value at ``loc``."""
        label = f"--set {assignment}"
        self.lines[loc] = (label, 0)
        self.given.append(label)

    def locate(self, loc: Loc) -> tuple[str, int | None]:
        """The file and line of the longest known prefix of ``loc``; the ``--set`` assignments
        that changed values inside ``loc`` (a share of a composition that no longer sums to one)
        are named instead of the file that holds the rest, in the order given."""
        if len(loc) >= 2:
            inside = {
                file
                for key, (file, line) in self.lines.items()
                if line == 0 and file in self.given and key[: len(loc)] == tuple(loc)
            }
            if inside:
                return ", ".join(label for label in self.given if label in inside), 0
        for end in range(len(loc), -1, -1):
            hit = self.lines.get(tuple(loc[:end]))
            if hit is not None:
                return hit
        return self.main, None


def more_problems(more: int) -> str:
    """The tail of a first message when ``more`` problems follow it."""
    if not more:
        return ""
    problems = f"{more} more problem{'s' if more > 1 else ''}"
    return f" ({problems} after this one; 'grudging validate' lists them)"


#: The fix offered for each kind of bad value (pydantic's error types), in every format.
VALUE_FIXES = {
    "missing": "add this key",
    "extra_forbidden": "remove it or correct the spelling",
    "greater_than": "use a larger value",
    "greater_than_equal": "use a larger value",
    "less_than": "use a smaller value",
    "less_than_equal": "use a smaller value",
    "finite_number": (
        "give a finite number (inf and nan are not allowed; a number above about 1.8e308 is "
        "read as inf)"
    ),
    "int_parsing": "write a whole number",
    "int_type": "write one whole number",
    "float_type": "write one number",
    "bool_type": "write true or false",
    "string_type": "write one piece of text",
    "int_from_float": "write a whole number",
    "float_parsing": "write a number",
    "bool_parsing": "write true or false",
}


#: What each id pattern of the formats accepts: (the kind of value, how to write it, an example).
PATTERN_HINTS = {
    r"^[a-z][a-z0-9_]*$": (
        "id",
        "lower-case letters, digits and underscores, starting with a letter (no dashes or spaces)",
        "north_east",
    ),
    r"^[a-z][a-z0-9\-]*$": (
        "scenario id",
        "lower-case letters, digits and dashes, starting with a letter (no underscores or spaces)",
        "mali-2013",
    ),
    r"^[A-Z]{3}$": ("nation code", "three capital letters (ISO 3166-1 alpha-3)", "USA"),
    r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$": (
        "parameter name",
        "a stage and a name joined by a dot, in lower-case letters, digits and underscores",
        "dynamics.self_excitation",
    ),
    r"^[A-Za-z0-9_.\-]+$": (
        "source id",
        "letters, digits, underscores, dots and dashes (no spaces)",
        "UN_2013",
    ),
    r"^options\.(\*|[a-z][a-z0-9_]*)(\.[a-z][a-z0-9_]*)+$": (
        "lever path",
        "options.<option id or *>.<key>",
        "options.*.coalition.budget_musd",
    ),
}


def pattern_message(pattern: str) -> str:
    """Plain words for a value that does not match ``pattern``: what it accepts, an example."""
    hint = PATTERN_HINTS.get(pattern)
    if hint is None:
        return f"not written as expected; write it to match the pattern {pattern}"
    what, how, example = hint
    return f"not a valid {what}; write {how}, e.g. {example}"


def path_text(loc: Loc) -> str:
    """A key path as ``a.b[2].c`` (``document`` for the root)."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or "document"


# Text ---------------------------------------------------------------------------------------------
def check_header(header: list[str], where: str) -> None:
    """Refuse a CSV header that names a column twice (``where`` is ``file:line``)."""
    for column in header:
        if header.count(column) > 1:
            raise ScenarioError(
                f"{where}: column '{column}' appears more than once in the header; give each "
                "column once"
            )


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 text of a file's bytes (a leading byte-order mark dropped), or a located error."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ScenarioError(
            f"{name}: the file is UTF-16 (or UTF-32) text; save it as UTF-8 "
            "(in a spreadsheet: 'CSV UTF-8')"
        )
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        raise ScenarioError(
            f"{name}:{line}: the file holds NUL bytes (UTF-16 text or a binary file?); "
            "save it as UTF-8 text"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise ScenarioError(
            f"{name}:{line}: not UTF-8 text (byte 0x{raw[err.start]:02x} cannot be decoded; "
            "Latin-1 or Windows-1252?); save it as UTF-8"
        ) from None


def read_text(path: Path, name: str | None = None) -> str:
    """The UTF-8 text of a file no larger than :data:`MAX_FILE_BYTES`."""
    name = name or path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                f"{name}: {size:,} bytes is more than a scenario file may hold "
                f"({MAX_FILE_BYTES:,}); split it or remove what the scenario does not need"
            )
        raw = path.read_bytes()
    except OSError as err:
        raise ScenarioError(
            f"{name}: cannot be read ({err.strerror or err}); check that it is a readable file"
        ) from None
    return decode_text(raw, name)


# YAML ---------------------------------------------------------------------------------------------
def _check_graph(root: yaml.Node, filename: str) -> dict[Loc, int]:
    """The line of every key path; refuses duplicate keys, recursive and runaway aliases."""
    lines: dict[Loc, int] = {}
    seen: set[int] = set()
    on_path: set[int] = set()
    expanded = 0
    stack: list[tuple[yaml.Node, Loc] | int] = [(root, ())]
    while stack:
        item = stack.pop()
        if isinstance(item, int):
            on_path.discard(item)
            continue
        node, path = item
        ident = id(node)
        line = node.start_mark.line + 1
        if ident in on_path:
            raise ScenarioError(
                f"{filename}:{line}: {path_text(path)}: an alias refers to a node that contains "
                "it (a recursive alias); write the value out instead"
            )
        expanded += 1
        if expanded > ALIAS_SLACK + ALIAS_FACTOR * len(seen):
            raise ScenarioError(
                f"{filename}:{line}: {path_text(path)}: aliases expand to more than "
                f"{min(expanded, MAX_NODES):,} values (an alias bomb?); write the values out or "
                "use fewer aliases"
            )
        if expanded > MAX_NODES:  # a large file, not its aliases
            raise _too_large(f"{filename}:{line}: {path_text(path)}")
        first = ident not in seen
        seen.add(ident)
        lines[path] = line
        if isinstance(node, yaml.MappingNode):
            on_path.add(ident)
            stack.append(ident)
            keys: dict[tuple[str, str], int] = {}
            children: list[tuple[yaml.Node, Loc]] = []
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    children.append((key_node, (*path, "?")))
                    children.append((value_node, (*path, "?")))
                    continue
                key_line = key_node.start_mark.line + 1
                if first and key_node.tag != _MERGE_TAG:
                    tagged = (key_node.tag, key_node.value)
                    if tagged in keys:
                        raise ScenarioError(
                            f"{filename}:{key_line}: {path_text((*path, key_node.value))}: "
                            f"duplicate key '{key_node.value}' (first given on line "
                            f"{keys[tagged]}); a key may appear once: remove one or merge them"
                        )
                    keys[tagged] = key_line
                lines[(*path, key_node.value)] = key_line
                children.append((value_node, (*path, key_node.value)))
            stack.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            on_path.add(ident)
            stack.append(ident)
            stack.extend(reversed([(child, (*path, i)) for i, child in enumerate(node.value)]))
    return lines


def _too_large(where: str) -> ScenarioError:
    return ScenarioError(
        f"{where}: the file holds more than {MAX_NODES:,} values, more than a "
        "YAML scenario may; put long lists (observations, regions) in CSV tables beside it "
        "(docs/cases.md, 'Writing a full theatre')"
    )


def _count_values(loader: yaml.CSafeLoader, filename: str) -> None:
    """Refuse a document of more than :data:`MAX_NODES` values, reading only its events.

    Counts what :func:`_check_graph` counts without expanding aliases (the root, every value and
    every key that is itself a list or a mapping, not the plain keys), so it refuses only what
    that check would. Composing the graph of a large file costs about ten times as much as
    reading its events.
    """
    values = 0
    # Per open collection: [is a mapping, items seen] (a mapping's even items are its keys).
    open_: list[list[int]] = []
    while loader.check_event():
        event = loader.get_event()
        if isinstance(event, yaml.CollectionEndEvent):
            open_.pop()
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        key = False
        if open_:
            top = open_[-1]
            key = bool(top[0]) and top[1] % 2 == 0
            top[1] += 1
        if not key or isinstance(event, yaml.CollectionStartEvent):  # a complex key counts
            values += 1
            if values > MAX_NODES:
                mark = event.start_mark
                raise _too_large(f"{filename}:{mark.line + 1}" if mark is not None else filename)
        if isinstance(event, yaml.CollectionStartEvent):
            open_.append([int(isinstance(event, yaml.MappingStartEvent)), 0])


def parse_yaml(text: str, filename: str) -> tuple[Any, dict[Loc, int]]:
    """Parse one YAML document safely, returning the data and the line of every key path."""
    try:
        loader = yaml.CSafeLoader(text)
    except (ValueError, TypeError) as err:  # text libyaml cannot take (lone surrogates)
        raise ScenarioError(f"{filename}: not readable text ({err}); save it as UTF-8") from None
    try:
        if len(text) > PRECOUNT_ABOVE:
            counter = yaml.CSafeLoader(text)
            try:
                _count_values(counter, filename)
            finally:
                counter.dispose()
        node = loader.get_single_node()
        lines = _check_graph(node, filename) if node is not None else {}
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{filename}:{mark.line + 1}" if mark is not None else filename
        problem = getattr(err, "problem", None) or str(err)
        if "constructor for the tag" in problem:
            raise ScenarioError(
                f"{where}: a YAML tag the scenario format does not take ({problem}); write plain "
                "values (numbers, text, lists, mappings) without '!!' tags"
            ) from None
        raise ScenarioError(
            f"{where}: not valid YAML ({problem}); check indentation, colons and quotes"
        ) from None
    except RecursionError:
        raise ScenarioError(
            f"{filename}: not valid YAML (nested too deeply); flatten the structure"
        ) from None
    except (ValueError, OverflowError, UnicodeError) as err:
        if "int_max_str_digits" in str(err):  # Python's limit on reading huge whole numbers
            raise ScenarioError(
                f"{filename}: a whole number of more than {sys.get_int_max_str_digits():,} digits "
                "cannot be read; give a number a float holds (up to about 1.8e308)"
            ) from None
        raise ScenarioError(
            f"{filename}: not valid YAML (a value cannot be read: {err}); dates are YYYY-MM-DD "
            "(months YYYY-MM); quote text that looks like a date or a number"
        ) from None
    finally:
        loader.dispose()
    return data, lines


def read_yaml(path: Path, name: str | None = None) -> tuple[Any, dict[Loc, int]]:
    """Data and key lines of a YAML file (bounded, UTF-8, located errors)."""
    name = name or path.name
    return parse_yaml(read_text(path, name), name)

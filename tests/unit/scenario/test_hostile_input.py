"""Hostile scenario input gets one clear, located message (file, line, key, fix), never a crash."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
import yaml
from scenario_helpers import line_of, refusal

from grudging.cli import main
from grudging.errors import ScenarioError
from grudging.scenario import load_scenario, loads_scenario
from grudging.scenario.runnable import check_runnable, known_parameters

BOMB = "".join(
    [
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
    ]
)

GROUPS = "  - {id: north_people, name: Northerners}\n  - {id: south_people, name: Southerners}\n"


def _edit(tiny_path: Path, old: str, new: str) -> str:
    text = tiny_path.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


# YAML ---------------------------------------------------------------------------------------------
def test_alias_bomb_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = refusal(BOMB)
    assert message.startswith("case.yaml:")
    assert "aliases expand to more than" in message
    assert "write the values out or use fewer aliases" in message
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bomb.yaml:" in err
    assert "Traceback" not in err


def test_a_file_too_large_without_aliases_is_told_to_use_csv(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Many plain values are a size problem, not an alias bomb (a theatre author's audit)."""
    import grudging.scenario.yaml_input as yaml_input

    monkeypatch.setattr(yaml_input, "MAX_NODES", 50)
    plain = "id: x\nobservations:\n" + "".join(f"  - {{value: {i}}}\n" for i in range(40))
    message = refusal(plain)
    assert "the file holds more than 50 values, more than a YAML scenario may" in message
    assert "in CSV tables beside it" in message
    assert "alias" not in message


_NESTED = (
    "id: x\nregions:\n  - {id: a, shares: [0.5, 0.5], more: {k: [1, 2, {z: 3}]}}\n"
    "  - plain\n  - [1, [2, [3]]]\n? [complex, key]\n: value\nlast: {}\n"
)


@pytest.mark.parametrize("limit", range(0, 30))
def test_the_event_count_refuses_exactly_what_the_graph_check_refuses(
    monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    """Large files are counted from libyaml's events before the node graph is composed (seconds
    instead of a minute for a million values); the count must agree with the graph's, so that the
    early refusal is the same refusal, at the same line."""
    import grudging.scenario.yaml_input as yaml_input

    monkeypatch.setattr(yaml_input, "MAX_NODES", limit)
    monkeypatch.setattr(yaml_input, "PRECOUNT_ABOVE", 10**9)  # the graph check alone
    graph = _refusal_or_none(yaml_input, _NESTED)
    monkeypatch.setattr(yaml_input, "PRECOUNT_ABOVE", 0)  # the event count first
    events = _refusal_or_none(yaml_input, _NESTED)
    assert (graph is None) == (events is None)
    if graph is not None and events is not None:
        assert graph.split(":")[:2] == events.split(":")[:2]  # file and line
        assert graph.endswith(events.split(": ", 1)[1])


def _refusal_or_none(module: object, text: str) -> str | None:
    try:
        module.parse_yaml(text, "case.yaml")  # type: ignore[attr-defined]
    except ScenarioError as err:
        return str(err)
    return None


def test_the_event_count_leaves_aliases_to_the_graph_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An alias counts once in the events; its expansion is the graph check's to bound."""
    import grudging.scenario.yaml_input as yaml_input

    monkeypatch.setattr(yaml_input, "PRECOUNT_ABOVE", 0)
    message = refusal(BOMB)
    assert "aliases expand to more than" in message


def test_recursive_alias_is_refused() -> None:
    assert refusal("id: x\na: &a [*a]\n") == (
        "case.yaml:2: a[0]: an alias refers to a node that contains it (a recursive alias); "
        "write the value out instead"
    )


def test_duplicate_key_names_both_lines(tiny_path: Path) -> None:
    text = _edit(tiny_path, "    area_km2: 3000\n", "    area_km2: 3000\n    area_km2: 4000\n")
    line = line_of(text, "area_km2: 4000")
    assert refusal(text) == (
        f"case.yaml:{line}: regions[1].area_km2: duplicate key 'area_km2' (first given on line "
        f"{line - 1}); a key may appear once: remove one or merge them"
    )


def test_aliases_used_sensibly_still_load(tiny_path: Path) -> None:
    text = _edit(
        tiny_path,
        "forces: {us_forces: [{month: 0, troops: 18000}]}",
        "forces: {us_forces: &hold [{month: 0, troops: 18000}]}",
    )
    text = text.replace(
        "    name: Patron leaves\n",
        "    name: Patron leaves\n    other_forces: [{month: 0, share: 1.0}]\n",
    )
    assert loads_scenario(text).option("patron_stays").forces["us_forces"][0].troops == 18000


def test_deep_nesting_and_bad_dates_are_yaml_errors() -> None:
    assert "not valid YAML" in refusal("a: " + "[" * 5000 + "]" * 5000)
    message = refusal("id: x\ninformation_date: 2006-13-45\n")
    assert message.startswith("case.yaml: not valid YAML (a value cannot be read")
    assert "dates are YYYY-MM-DD" in message


def test_empty_document() -> None:
    assert refusal("# nothing\n") == (
        "case.yaml: a scenario is a mapping of keys (id, title, regions, ...), not an empty "
        "document; start from 'grudging new NAME' (a minimal case) or 'grudging dump "
        "bosnia-1995' (a full theatre)"
    )


def test_latin1_scenario_file(tmp_path: Path, tiny_path: Path) -> None:
    text = _edit(tiny_path, "name: Northerners", "name: Nörtherners")
    path = tmp_path / "latin.yaml"
    path.write_bytes(text.encode("latin-1"))
    line = line_of(text, "Nörtherners")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == (
        f"latin.yaml:{line}: not UTF-8 text (byte 0xf6 cannot be decoded; Latin-1 or "
        "Windows-1252?); save it as UTF-8"
    )


# Tables -------------------------------------------------------------------------------------------
def _with_groups_table(tmp_path: Path, tiny_path: Path, table: bytes, name: str = "g.csv") -> Path:
    text = _edit(tiny_path, "groups:\n" + GROUPS, f"groups: {{table: {name}}}\n")
    (tmp_path / "g.csv").write_bytes(table)
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    return path


def _table_message(tmp_path: Path, tiny_path: Path, table: bytes, name: str = "g.csv") -> str:
    path = _with_groups_table(tmp_path, tiny_path, table, name)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return str(info.value)


def test_csv_with_byte_order_mark_loads(tmp_path: Path, tiny_path: Path) -> None:
    table = codecs.BOM_UTF8 + b"id,name\r\nnorth_people,Northerners\r\nsouth_people,Southerners\r\n"
    scn = load_scenario(_with_groups_table(tmp_path, tiny_path, table))
    assert [g.id for g in scn.groups] == ["north_people", "south_people"]


def test_csv_in_latin1_utf16_or_binary(tmp_path: Path, tiny_path: Path) -> None:
    latin = "id,name\nnorth_people,Nörth\nsouth_people,South\n".encode("latin-1")
    assert _table_message(tmp_path, tiny_path, latin) == (
        "g.csv:2: not UTF-8 text (byte 0xf6 cannot be decoded; Latin-1 or Windows-1252?); "
        "save it as UTF-8"
    )
    utf16 = "id,name\nnorth_people,N\n".encode("utf-16")
    assert _table_message(tmp_path, tiny_path, utf16) == (
        "g.csv: the file is UTF-16 (or UTF-32) text; save it as UTF-8 (in a spreadsheet: "
        "'CSV UTF-8')"
    )
    assert _table_message(tmp_path, tiny_path, b"id,name\nnorth\x00,x\n") == (
        "g.csv:2: the file holds NUL bytes (UTF-16 text or a binary file?); save it as UTF-8 text"
    )


def test_csv_huge_cell(tmp_path: Path, tiny_path: Path) -> None:
    table = b"id,name\nnorth_people,N\nsouth_people," + b"x" * 200_000 + b"\n"
    assert _table_message(tmp_path, tiny_path, table) == (
        "g.csv:3: a cell is longer than 131,072 characters (an unclosed quote?); close the quote "
        "or shorten the cell"
    )


def test_csv_short_and_long_rows(tmp_path: Path, tiny_path: Path) -> None:
    short = b"id,name,description\nnorth_people,N,d\nsouth_people\n"
    assert _table_message(tmp_path, tiny_path, short) == (
        "g.csv:3: 1 cells but the header has 3 columns (missing: name, description); add the "
        "missing cells (leave a cell empty for the default: a,,b)"
    )
    long = b"id,name\nnorth_people,N,extra\n"
    assert _table_message(tmp_path, tiny_path, long) == (
        "g.csv:2: more cells than columns in the header (3 cells, 2 columns); remove the extra "
        "cells or quote cells that contain commas"
    )


def test_csv_separated_by_semicolons_or_tabs_says_so(tmp_path: Path, tiny_path: Path) -> None:
    """A spreadsheet saved with ';' (decimal-comma locales) or tabs was told to quote commas, or
    that its one long column was an unknown key (audit of 2026-12-08)."""
    for table, marks in (
        (b"id;name\nnorth_people;North, upper\nsouth_people;South\n", "semicolons"),
        (b"id\tname\nnorth_people\tNorth\nsouth_people\tSouth\n", "tabs"),
    ):
        assert _table_message(tmp_path, tiny_path, table) == (
            f"g.csv:1: the header is one column holding {marks}: the table is separated by "
            f"{marks}, not commas; save it as CSV separated by commas (in a spreadsheet: "
            "'CSV UTF-8 (comma delimited)')"
        )


def test_table_outside_the_scenario_folder(tmp_path: Path, tiny_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    for name in ("../g.csv", "/etc/passwd.csv"):
        message = _table_message(inner, tiny_path, b"id,name\n", name)
        line = line_of((inner / "scenario.yaml").read_text(), "groups: {table")
        assert message == (
            f"scenario.yaml:{line}: groups.table: table '{name}' lies outside the scenario's "
            "folder; copy the file into the folder (or a subfolder) and give its path relative "
            "to the scenario file"
        )


def test_missing_table_and_bad_table_name(tmp_path: Path, tiny_path: Path) -> None:
    message = _table_message(tmp_path, tiny_path, b"", "nope.csv")
    assert message.endswith(
        "groups.table: table 'nope.csv' not found; check the name (paths are relative to the "
        "scenario file's folder)"
    )
    message = _table_message(tmp_path, tiny_path, b"", "[1, 2]")
    assert "groups.table: table 1 is not a file name" in message


# Calibration files --------------------------------------------------------------------------------
def _with_calibration(tmp_path: Path, tiny_path: Path, content: str, entry: str) -> str:
    text = _edit(tiny_path, "parameters:\n", f"calibration: {entry}\nparameters:\n")
    (tmp_path / "cal.yaml").write_text(content)
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return str(info.value)


def test_calibration_with_bad_yaml(tmp_path: Path, tiny_path: Path) -> None:
    message = _with_calibration(tmp_path, tiny_path, "calibration: x\nparameters: [\n", "cal.yaml")
    assert message.startswith("cal.yaml:3: not valid YAML")


def test_calibration_entry_and_window(tmp_path: Path, tiny_path: Path) -> None:
    message = _with_calibration(tmp_path, tiny_path, "", "5")
    assert message.endswith(
        ": calibration: give a file name or a list of file names of calibration files"
    )
    content = "calibration: dynamics\ndata_window: 2006\nparameters: []\n"
    assert _with_calibration(tmp_path, tiny_path, content, "cal.yaml") == (
        "cal.yaml:2: data_window: give the fitted window as {start: YYYY-MM, end: YYYY-MM}"
    )


def test_calibrated_value_is_located_in_the_calibration_file(
    tmp_path: Path, tiny_path: Path
) -> None:
    content = (
        "calibration: dynamics\ndata_window: {start: 2004-01, end: 2006-12}\nparameters:\n"
        "  - name: dynamics.self_excitation\n    value: .inf\n    low: 0.3\n    high: 0.5\n"
    )
    assert _with_calibration(tmp_path, tiny_path, content, "[cal.yaml]") == (
        "cal.yaml:5: parameters[dynamics.self_excitation].value: bad value inf: Input should "
        "be a finite number; give a finite number (inf and nan are not allowed; a number above "
        "about 1.8e308 is read as inf)"
    )


# Values -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        (
            "population: 2000000",
            "population: true",
            "population: true",
            "regions[beta].population: bad value true: true is a yes/no value, not a number; "
            "write a number",
        ),
        (
            "gdp_per_capita: 45000",
            "gdp_per_capita: .inf",
            "gdp_per_capita: .inf",
            "nations[USA].gdp_per_capita: bad value inf: Input should be a finite number; "
            "give a finite number (inf and nan are not allowed; a number above about 1.8e308 is "
            "read as inf)",
        ),
        (
            "area_km2: 3000",
            "area_km2: .nan",
            "area_km2: .nan",
            "regions[beta].area_km2: bad value nan: Input should be a finite number; give a "
            "finite number (inf and nan are not allowed; a number above about 1.8e308 is read as "
            "inf)",
        ),
        (
            "budget_musd: 500",
            "budget_musd: 1.0e+300",
            "budget_musd",
            "options[alliance_replaces].coalition.budget_musd: bad value 1e+300: Input should be "
            "less than or equal to 100000000; use a smaller value",
        ),
        (
            "fighters: 5000",
            "fighters: 100000000000000000000",
            "fighters: 1000",
            "factions[northern_party].fighters: bad value 100000000000000000000: Input should be "
            "less than or equal to 10000000; use a smaller value",
        ),
        (
            "start: 2007-01",
            "start: 2150-01",
            "start: 2150-01",
            "start: bad value \"2150-01\": '2150-01' is outside the months a scenario may use "
            "(1900-01 to 2099-12); give one in those years",
        ),
        (
            "start: 2007-01",
            "start: 2090-01",
            "start: 2090-01",
            "start: start 2090-01 is more than 120 months after the information date 2006-12; the "
            "model starts from the state at that date: move 'start' closer or update the data",
        ),
        (
            "bargain: {month: 3,",
            "bargain: {month: 30,",
            "bargain: {month: 30,",
            "options[alliance_replaces].bargain.month: bargain month 30 must fall before the "
            "horizon (horizon_months 24); use a month below 24",
        ),
        (
            "forces: {us_forces: [{month: 0, troops: 18000}]}",
            "forces: {us_forces: []}",
            "us_forces: []",
            "options[patron_stays].forces.us_forces: timeline of force 'us_forces' in option "
            "'patron_stays' is empty; give at least one point, e.g. [{month: 0, troops: 1000}], "
            "or remove the force to hold its level",
        ),
        (
            "{name: civilian_deaths, unit: deaths",
            "{name: civilian_death, unit: deaths",
            "name: civilian_death,",
            "outcomes[civilian_death]: unknown outcome 'civilian_death' (did you mean "
            "'civilian_deaths'?); valid: civil_war, civilian_deaths, coalition_troops, "
            "cost_others, cost_patron, displaced, handover, p_deal, p_deal_holds, patron_troops, "
            "refugees, regional_escalation, … (4 more); the model computes only these",
        ),
    ],
)
def test_bad_values_are_located(
    tiny_path: Path, old: str, new: str, needle: str, expected: str
) -> None:
    text = _edit(tiny_path, old, new)
    assert refusal(text) == f"case.yaml:{line_of(text, needle)}: {expected}"


def test_bad_outcome_fails_at_validate(
    tmp_path: Path, tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "outcome.yaml"
    path.write_text(_edit(tiny_path, "unit: deaths, direction: minimize", "unit: d, direction: x"))
    assert main(["validate", str(path)]) == 2
    assert 'outcomes[civilian_deaths].direction: bad value "x"' in capsys.readouterr().err


# Runnable -----------------------------------------------------------------------------------------
def test_missing_parameters_are_named(tiny_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(tiny_path, runnable=True)
    line = line_of(tiny_path.read_text(), "{name: dynamics.self_excitation")
    message = str(info.value)
    assert message.startswith(
        f"tiny.yaml:{line}: parameters: the scenario lacks parameter 'requirement.norm_policing' "
        "and "
    )
    assert message.endswith(
        "which the options need to run; declare each with a value, a range and a source (copy "
        "them from the output of 'grudging dump iraq-2007')"
    )


def test_unknown_parameter_name_gets_a_did_you_mean(tiny_path: Path) -> None:
    text = _edit(tiny_path, "{name: dynamics.self_excitation", "{name: dynamics.self_exitation")
    with pytest.raises(ScenarioError) as info:
        check_runnable(loads_scenario(text))
    assert str(info.value).startswith(
        "<scenario>: parameters[dynamics.self_exitation]: the model reads no parameter "
        "'dynamics.self_exitation' (did you mean 'dynamics.self_excitation'?); correct the name "
        "or remove it"
    )


def test_builtin_scenarios_are_runnable() -> None:
    for name in ("iraq-2007", "bosnia-1995"):
        scn = load_scenario(name, runnable=True)
        assert {p.name for p in scn.parameters} <= set(known_parameters())


def test_a_scenario_with_no_violence_recorded_is_not_runnable(tiny_runnable_path: Path) -> None:
    """Empty observations once gave 4 deaths where the record gave 161k: refused, not guessed."""
    text = tiny_runnable_path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["observations"] = []
    path = tiny_runnable_path.parent / "calm.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    load_scenario(path)  # valid data
    with pytest.raises(ScenarioError) as err:
        load_scenario(path, runnable=True)
    assert (
        "observations: no 'civilian_deaths' figure in the 6 months up to the information date"
        in str(err.value)
    )
    assert "a calm month is a record of 0" in str(err.value)


def test_a_whole_number_too_long_to_read_gets_the_scenarios_words() -> None:
    """Python refuses to read a whole number of more digits than its limit (4,300 by default)
    and names a function to call; the message says what to write instead."""
    import sys

    limit = sys.get_int_max_str_digits()
    if limit == 0:
        pytest.skip("this interpreter reads whole numbers of any length")
    with pytest.raises(ScenarioError) as err:
        loads_scenario("id: x\nhorizon_months: " + "9" * (limit + 10) + "\n")
    assert f"a whole number of more than {limit:,} digits cannot be read; give a number a " in (
        str(err.value)
    )
    assert "set_int_max_str_digits" not in str(err.value)

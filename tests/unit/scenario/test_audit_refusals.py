"""Inputs an audit found accepted or badly worded: each is refused with one located message that
names the key and the fix (validation only; nothing here runs a simulation)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scenario_helpers import line_of, refusal

from grudging.cli import main
from grudging.errors import ScenarioError
from grudging.scenario import load_scenario, loads_scenario

SOURCES = "sources:\n  - {id: invented, citation: Invented for the tests}\n"

HOST_FORCES = """host_forces:
  - {series: plan, month: 0, troops: 10000, source: invented}
  - {series: plan, month: 6, region: beta, troops: 6000, source: invented}
  - {series: recorded, month: 0, troops: 10000, source: invented}
  - {series: recorded, month: 12, troops: 14000, source: invented}
"""

REPLAY = """  - id: what_happened
    name: What happened
    historical: true
    host_forces: recorded
    forces: {us_forces: [{month: 0, troops: 18000}, {month: 12, troops: 25000}]}
"""

CASE = """format: case
id: mali-2013
title: Mali 2013
start: 2013-07
population: 15300000
recent_deaths_per_year: 1200
agreement: true
intervener_party: false
force:
  name: MINUSMA
  command: un
  troops: 11200
"""


def _tiny(tiny_path: Path, *edits: tuple[str, str]) -> str:
    text = tiny_path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _with_host_forces(tiny_path: Path, *edits: tuple[str, str]) -> str:
    """The toy theatre with sources, two host-force series and a replay of history."""
    return _tiny(
        tiny_path,
        ("outcomes:\n", SOURCES + HOST_FORCES + "outcomes:\n"),
        ("parameters:\n", REPLAY + "parameters:\n"),
        *edits,
    )


def _refused(text: str, needle: str, expected: str) -> None:
    assert refusal(text) == f"case.yaml:{line_of(text, needle)}: {expected}"


# 1. Nothing dated after the information date is a model input ---------------------------------
def test_force_history_after_the_information_date_is_refused(tiny_path: Path) -> None:
    text = _tiny(
        tiny_path, ("{month: 2006-12, troops: 18000}]", "{month: 2007-05, troops: 30000}]")
    )
    _refused(
        text,
        "2007-05",
        "forces[us_forces].history[1].month: troops of force 'us_forces' for 2007-05 are after "
        "the information date 2006-12; data after that date is for testing, never for input: "
        "drop the row (what happened later belongs in the timeline of an option marked "
        "'historical: true')",
    )


def test_the_replay_may_follow_the_recorded_host_series(tiny_path: Path) -> None:
    scn = loads_scenario(
        _with_host_forces(
            tiny_path,
            ("    name: Patron stays\n", "    name: Patron stays\n    host_forces: plan\n"),
        ),
        "case.yaml",
    )
    assert {o.id: o.host_forces for o in scn.options}["what_happened"] == "recorded"


def test_a_decision_may_not_follow_the_series_the_replay_follows(tiny_path: Path) -> None:
    text = _with_host_forces(
        tiny_path,
        ("    name: Patron stays\n", "    name: Patron stays\n    host_forces: recorded\n"),
    )
    _refused(
        text,
        "host_forces: recorded",  # the first: the option's, before the replay's
        "options[patron_stays].host_forces: option 'patron_stays' follows host-force series "
        "'recorded', the record that the historical option 'what_happened' replays; data after "
        "the information date 2006-12 is for testing, never for input: give the option a series "
        "planned by that date (or none, to hold the information-date force)",
    )


def test_iraq_counterfactuals_may_not_follow_the_recorded_host_forces() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario("iraq-2007", overrides=["options.us_stays.host_forces=recorded"])
    assert "option 'us_stays' follows host-force series 'recorded', the record that the " in str(
        info.value
    )
    assert "historical option 'what_happened' replays" in str(info.value)


# 2. Physically impossible figures ------------------------------------------------------------
@pytest.mark.parametrize(
    ("edit", "needle", "expected"),
    [
        (
            ("fighters: 5000", "fighters: 1000001"),
            "fighters: 1000001",
            "factions[northern_party].fighters: 1,000,001 fighters of faction 'northern_party' "
            "are more than the 1,000,000 people of its regions (alpha); check the figure, its "
            "regions or their population",
        ),
        (
            (
                "    capability: 0.1\n    fighters: 1000\n    regions: [beta]\n",
                "    capability: 0.1\n    fighters: 4500001\n",
            ),
            "fighters: 4500001",
            "factions[jihadists].fighters: 4,500,001 fighters of faction 'jihadists' are more "
            "than the 4,500,000 people of the theatre; check the figure, its regions or their "
            "population",
        ),
        (
            ("host_forces: 2000", "host_forces: 1000001"),
            "host_forces: 1000001",
            "regions[alpha].host_forces: 1,000,001 host forces in region 'alpha' are more than "
            "its 1,000,000 people; check the figure or the population",
        ),
        (
            ("active_personnel: 60000,", "active_personnel: 60000, deployed_abroad: 70000,"),
            "deployed_abroad: 70000",
            "nations[BBB].deployed_abroad: deployed_abroad of nation 'BBB' (70,000 troops) is "
            "more than its 60,000 active personnel, which include them; check the figures",
        ),
        (
            ("active_personnel: 60000,", "active_personnel: 60000, theatre_troops: 60001,"),
            "theatre_troops: 60001",
            "nations[BBB].theatre_troops: theatre_troops of nation 'BBB' (60,001 troops) is more "
            "than its 60,000 active personnel, which include them; check the figures",
        ),
        (
            ("coalition_peak: 500,", "coalition_peak: 5000000,"),
            "coalition_peak: 5000000",
            "nations[BBB].coalition_peak: coalition_peak of nation 'BBB' (5,000,000 troops) is "
            "more than its 60,000 active personnel, the forces a contingent comes from; check the "
            "figures",
        ),
        (
            (
                "population_millions: 10, gdp_per_capita: 12000",
                "population_millions: 0.05, gdp_per_capita: 12000",
            ),
            "active_personnel: 60000",
            "nations[BBB].active_personnel: active_personnel of nation 'BBB' (60,000) is more "
            "than its 50,000 people; check the figures",
        ),
    ],
)
def test_more_people_under_arms_than_exist_is_refused(
    tiny_path: Path, edit: tuple[str, str], needle: str, expected: str
) -> None:
    _refused(_tiny(tiny_path, edit), needle, expected)


@pytest.mark.parametrize(
    ("edit", "needle", "expected"),
    [
        (
            ("region: beta, troops: 6000", "region: beta, troops: 2000001"),
            "troops: 2000001",
            "host_forces[1].troops: 2,000,001 host troops of series 'plan' at month 6 are more "
            "than the 2,000,000 people of region 'beta'; check the figure or the population",
        ),
        (
            ("month: 12, troops: 14000", "month: 12, troops: 4500001"),
            "troops: 4500001",
            "host_forces[3].troops: 4,500,001 host troops of series 'recorded' at month 12 are "
            "more than the 4,500,000 people of the whole theatre; check the figure or the "
            "population",
        ),
    ],
)
def test_a_host_force_larger_than_the_people_it_serves_is_refused(
    tiny_path: Path, edit: tuple[str, str], needle: str, expected: str
) -> None:
    _refused(_with_host_forces(tiny_path, edit), needle, expected)


def test_a_case_with_more_host_forces_than_people_is_refused() -> None:
    text = CASE.replace("population: 15300000\n", "population: 5000000\nhost_forces: 5000001\n")
    _refused(
        text,
        "host_forces: 5000001",
        "host_forces: 5,000,001 host forces are more than the 5,000,000 people living there; "
        "check the figure or the population",
    )


def test_a_case_whose_outcome_lies_in_the_future_is_refused() -> None:
    """A start in 2091 with a recorded two-year outcome was scored (audit)."""
    text = CASE.replace("start: 2013-07", "start: 2091-05") + (
        "outcome: {large_scale_violence_2y: false, source: x}\n"
    )
    _refused(
        text,
        "outcome:",
        "outcome: the two years from 2091-05 are not over, so their outcome cannot be recorded "
        "yet; check the start, or leave the outcome out",
    )


# 3. Each id pattern's hint says what it accepts ---------------------------------------------
@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("id: tiny", "id: tiny_theatre"),
            'id: bad value "tiny_theatre": not a valid scenario id; write lower-case letters, '
            "digits and dashes, starting with a letter (no underscores or spaces), e.g. mali-2013",
        ),
        (
            ("patron: USA", "patron: usa"),
            'patron: bad value "usa": not a valid nation code; write three capital letters '
            "(ISO 3166-1 alpha-3), e.g. USA",
        ),
        (
            ("  - id: gamma", "  - id: gamma-south"),
            'regions[gamma-south].id: bad value "gamma-south": not a valid id; write lower-case '
            "letters, digits and underscores, starting with a letter (no dashes or spaces), e.g. "
            "north_east",
        ),
    ],
)
def test_pattern_hints_say_what_each_pattern_accepts(
    tiny_path: Path, edit: tuple[str, str], expected: str
) -> None:
    text = _tiny(tiny_path, edit)
    _refused(text, edit[1], expected)
    assert "String should match" not in refusal(text)


def test_a_case_id_with_underscores_gets_the_dash_hint() -> None:
    text = CASE.replace("id: mali-2013", "id: mali_2013")
    _refused(
        text,
        "id: mali_2013",
        "id: bad value 'mali_2013': not a valid scenario id; write lower-case letters, digits and "
        "dashes, starting with a letter (no underscores or spaces), e.g. mali-2013",
    )


# 4. A date or a number where a month belongs ------------------------------------------------
MONTH_FIX = "is not a month; write it as YYYY-MM, e.g. 2006-12"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("start: 2007-01", "start: 2007-01-01"),
            f"start: bad value \"2007-01-01\": '2007-01-01' {MONTH_FIX}",
        ),
        (("start: 2007-01", "start: 200701"), f"start: bad value 200701: '200701' {MONTH_FIX}"),
        (
            ("information_date: 2006-12", "information_date: 2006-12-31"),
            f"information_date: bad value \"2006-12-31\": '2006-12-31' {MONTH_FIX}",
        ),
        (
            ("coalition_left: 2005-06", "coalition_left: 200506"),
            f"nations[BBB].coalition_left: bad value 200506: '200506' {MONTH_FIX}",
        ),
        (
            ("month: 2006-11, value: 120", "month: 2006-11-30, value: 120"),
            f"observations[0].month: bad value \"2006-11-30\": '2006-11-30' {MONTH_FIX}",
        ),
    ],
)
def test_a_date_or_number_for_a_month_gets_the_month_message(
    tiny_path: Path, edit: tuple[str, str], expected: str
) -> None:
    text = _tiny(tiny_path, edit)
    message = refusal(text)
    assert message.startswith(f"case.yaml:{line_of(text, edit[1])}: {expected}")
    assert "valid string" not in message


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2013-07-01", f"start: bad value '2013-07-01': '2013-07-01' {MONTH_FIX}"),
        ("201307", f"start: bad value 201307: '201307' {MONTH_FIX}"),
    ],
)
def test_a_case_start_written_as_a_date_or_number(start: str, expected: str) -> None:
    text = CASE.replace("start: 2013-07", f"start: {start}")
    _refused(text, f"start: {start}", expected)


# 5. An empty required table names its file ---------------------------------------------------
def _scenario_with_regions_table(tmp_path: Path, tiny_path: Path, rows: str) -> Path:
    text = tiny_path.read_text(encoding="utf-8")
    head, rest = text.split("regions:\n", 1)
    tail = rest[rest.index("nations:\n") :]
    (tmp_path / "regions.csv").write_text(rows, encoding="utf-8")
    path = tmp_path / "scenario.yaml"
    path.write_text(head + "regions: {table: regions.csv}\n" + tail, encoding="utf-8")
    return path


@pytest.mark.parametrize("rows", ["", "id,name,population,area_km2,composition.north_people\n"])
def test_an_empty_regions_table_names_the_csv_file(
    tmp_path: Path, tiny_path: Path, rows: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _scenario_with_regions_table(tmp_path, tiny_path, rows)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith(
        "regions.csv: regions: the table has no rows; it needs at least one region: add one row "
        "per region under the header"
    )
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "regions.csv: regions: the table has no rows" in err
    assert "Tuple should have" not in err
    assert "Traceback" not in err


def test_an_empty_inline_list_says_it_needs_one(tiny_path: Path) -> None:
    groups = (
        "groups:\n  - {id: north_people, name: Northerners}\n"
        "  - {id: south_people, name: Southerners}\n"
    )
    text = _tiny(tiny_path, (groups, "groups: []\n"))
    message = refusal(text)
    assert message.startswith(
        f"case.yaml:{line_of(text, 'groups: []')}: groups: the list is empty; give at least one "
        "group"
    )


# 6. A case without 'format: case' ------------------------------------------------------------
def test_a_case_without_its_format_line_is_told_to_add_it() -> None:
    text = CASE.replace("format: case\n", "")
    _refused(
        text,
        "population:",
        "format: required key is missing: the file has keys of a minimal case (population, "
        "recent_deaths_per_year, intervener_party, ...); add 'format: case' as its first line (a "
        "full scenario has no such keys)",
    )


# 7. References to things that do not exist ---------------------------------------------------
def test_a_border_with_a_nation_that_does_not_exist_is_refused(tiny_path: Path) -> None:
    text = _tiny(tiny_path, ("borders: [NEI]", "borders: [XKX]"))
    _refused(
        text,
        "borders: [XKX]",
        "regions[alpha].borders: region 'alpha' borders 'XKX', which is neither one of the "
        "scenario's nations nor an ISO 3166-1 alpha-3 country code; correct the code (e.g. SRB "
        "for Serbia) or add the nation to 'nations'",
    )
    misspelt = refusal(_tiny(tiny_path, ("borders: [NEI]", "borders: [NEJ]")))
    assert "borders 'NEJ', which is neither" in misspelt
    assert "(did you mean 'NEI'?)" in misspelt


def test_a_real_country_that_is_not_a_candidate_may_be_a_border(tiny_path: Path) -> None:
    scn = loads_scenario(_tiny(tiny_path, ("borders: [NEI]", "borders: [NEI, MNE, YUG]")), "x.yaml")
    assert scn.region("alpha").borders == ("NEI", "MNE", "YUG")


def test_a_command_member_that_is_no_country_is_refused(tiny_path: Path) -> None:
    """A member may be a real country outside the candidates (the tutorial's African Union has
    members no Iraq scenario lists); a code that names no country is a typo."""
    command = (
        "commands:\n  - {id: au, name: African Union, kind: regional, "
        "member_nations: [NEI, ZAF, XZA], skill: 0.5, salience: 0.7, guarantees: false}\n"
    )
    text = _tiny(tiny_path, ("outcomes:\n", command + "outcomes:\n"))
    _refused(
        text,
        "member_nations: [NEI, ZAF, XZA]",
        "commands[au].member_nations: command 'au' lists member 'XZA', which is neither one of the "
        "scenario's nations nor an ISO 3166-1 alpha-3 country code; correct the code (e.g. ZAF "
        "for South Africa)",
    )
    fine = _tiny(tiny_path, ("outcomes:\n", command.replace(", XZA", "") + "outcomes:\n"))
    assert loads_scenario(fine, "x.yaml").commands[0].member_nations == ("NEI", "ZAF")


VALID_SOURCES = "valid: invented"


@pytest.mark.parametrize(
    ("edit", "needle", "expected"),
    [
        (
            ("{month: 2006-12, troops: 18000}]", "{month: 2006-12, troops: 18000, source: nope}]"),
            "source: nope",
            f"forces[us_forces].history[1].source: unknown source 'nope'; {VALID_SOURCES}",
        ),
        (
            ("value: 150, source: invented", "value: 150, source: invented;nope"),
            "source: invented;nope",
            f"observations[1].source: unknown source 'nope'; {VALID_SOURCES}",
        ),
        (
            (
                "month: 12, troops: 14000, source: invented",
                "month: 12, troops: 14000, source: invnted",
            ),
            "source: invnted",
            "host_forces[3].source: unknown source 'invnted' (did you mean 'invented'?); "
            f"{VALID_SOURCES}",
        ),
    ],
)
def test_unknown_sources_of_forces_observations_and_host_forces_are_refused(
    tiny_path: Path, edit: tuple[str, str], needle: str, expected: str
) -> None:
    _refused(_with_host_forces(tiny_path, edit), needle, expected)


# 8. Months past the horizon and duplicate host-force rows -------------------------------------
def test_a_handover_beyond_the_horizon_is_refused(tiny_path: Path) -> None:
    text = _tiny(
        tiny_path,
        (
            "    bargain: {month: 3,",
            "    handover: {to: un, earliest_month: 400}\n    bargain: {month: 3,",
        ),
    )
    _refused(
        text,
        "earliest_month: 400",
        "options[alliance_replaces].handover.earliest_month: handover earliest_month 400 must "
        "fall before the horizon (horizon_months 24); use a month below 24",
    )


def test_two_host_force_rows_for_one_series_month_and_region_are_refused(tiny_path: Path) -> None:
    last = "troops: 14000, source: invented}\n"
    again = "  - {series: plan, month: 6, region: beta, troops: 7000, source: invented}\n"
    _refused(
        _with_host_forces(tiny_path, (last, last + again)),
        "troops: 7000",
        "host_forces[4]: host force figure of series 'plan' at month 6 for region 'beta' is given "
        "twice; a series has one figure per month and region: remove one of the rows or merge "
        "them",
    )
    # the same month for another region, or in another series, is no duplicate
    other = "  - {series: plan, month: 6, region: gamma, troops: 7000, source: invented}\n"
    assert loads_scenario(_with_host_forces(tiny_path, (last, last + other)), "x.yaml")


# 9. A misspelt neighbour is named before the asymmetry it causes ------------------------------
def test_a_misspelt_neighbour_is_named_before_the_asymmetry(tiny_path: Path) -> None:
    text = _tiny(
        tiny_path,
        (
            "    neighbours: [beta]\n    host_forces: 3000",
            "    neighbours: [bta]\n    host_forces: 3000",
        ),
    )
    _refused(
        text,
        "neighbours: [bta]",
        "regions[gamma].neighbours: unknown region 'bta' (did you mean 'beta'?); valid: alpha, "
        "beta, gamma (1 more problem after this one; 'grudging validate' lists them)",
    )


def test_the_json_schema_writes_bounds_an_editor_reads() -> None:
    """``grudging schema`` is JSON Schema 2020-12: its bounds are minimum/maximum, not pydantic's
    ge/le (which editors ignore)."""
    import json

    from grudging.scenario import json_schema

    text = json.dumps(json_schema())
    for bound in ('"ge"', '"le"', '"gt"', '"lt"'):
        assert bound not in text
    month = json_schema()["$defs"]["BargainPlan"]["properties"]["month"]
    assert (month["minimum"], month["maximum"]) == (0, 600)


def test_parameters_that_conflict_are_refused_when_the_scenario_is_read() -> None:
    """The contingent ladder's order is checked with the scenario, not when an option runs."""
    from grudging.errors import ScenarioError
    from grudging.scenario import load_scenario

    widen = "parameters.willingness.company_step.high=200"
    with pytest.raises(ScenarioError) as err:
        load_scenario("iraq-2007", overrides=[widen, "willingness.company_step=180"], runnable=True)
    assert str(err.value).endswith(
        "parameters: parameters 'willingness.staff_step' (10), 'company_step' (180) and "
        "'unit_size' (150) must rise in that order (staff elements, companies, battalions); "
        "reorder them"
    )


def test_a_problem_a_set_causes_elsewhere_names_the_set() -> None:
    """A population set to 1 made Anbar's host forces impossible; the message named only the
    regions table's row, which the user had not touched."""
    from grudging.errors import ScenarioError
    from grudging.scenario import load_scenario

    with pytest.raises(ScenarioError) as caught:
        load_scenario("iraq-2007", overrides=["regions.anbar.population=1"])
    text = str(caught.value)
    assert text.startswith("regions.csv:2: regions[anbar].host_forces: ")
    assert text.endswith("(with --set regions.anbar.population=1 applied)")
    with pytest.raises(ScenarioError) as caught:  # located at the --set: said once
        load_scenario("iraq-2007", overrides=["regions.anbar.population=-5"])
    assert str(caught.value).count("--set") == 1


# 10. Found by writing a theatre of one's own (audit, 2026-12-07) -------------------------------
def test_two_issues_that_are_a_troop_timetable_are_refused_when_read(tiny_path: Path) -> None:
    """Before, ``validate`` said ok and the run failed part-way with exit code 1."""
    text = _tiny(
        tiny_path,
        ("high: regional}", "high: regional, presence_years_at_low: 5}"),
        ("high: leave now}", "high: leave now, presence_years_at_low: 10}"),
    )
    _refused(
        text,
        "presence_years_at_low: 10",
        "issues[troops].presence_years_at_low: issues revenue, troops all give "
        "'presence_years_at_low'; only the one issue that is the timetable of foreign troops "
        "may: remove it from the others",
    )


@pytest.mark.parametrize("month", [0, 6])
def test_a_force_timeline_with_two_levels_in_one_month_is_refused(
    tiny_path: Path, month: int
) -> None:
    text = _tiny(
        tiny_path,
        (
            "{month: 0, troops: 18000}, {month: 6, troops: 0}]",
            f"{{month: 0, troops: 18000}}, {{month: {month}, troops: 0}}, {{month: 6, troops: 5}}]",
        ),
    )
    _refused(
        text,
        "troops: 5}",
        f"options[patron_leaves].forces.us_forces: timeline of force 'us_forces' in option "
        f"'patron_leaves' gives month {month} twice; give one troop level a month",
    )


def test_a_guarantee_beyond_the_flags_bounds_is_refused(tiny_path: Path) -> None:
    text = _tiny(
        tiny_path,
        (
            "outcomes:\n",
            "commands:\n  - {id: au, name: African Union, kind: regional, skill: 0.5, "
            "salience: 0.7, guarantees: {strength: 1.0e+300, impartiality: 0.5, years: 3}}\n"
            "outcomes:\n",
        ),
    )
    message = refusal(text)
    assert "commands[au].guarantees.strength: bad value 1e+300" in message
    assert "less than or equal to 100" in message


def test_a_misspelt_key_is_named_before_the_key_it_leaves_missing(tiny_path: Path) -> None:
    text = _tiny(tiny_path, ("    group: north_people\n", "    gruop: north_people\n"))
    message = refusal(text)
    assert message.startswith(f"case.yaml:{line_of(text, 'gruop')}: factions[northern_party]")
    assert "unknown key 'gruop' (did you mean 'group'?); remove or rename it" in message


def test_a_number_yaml_reads_as_text_is_read_as_a_number_in_parameter_overrides() -> None:
    """YAML 1.1 reads ``1e300`` (no dot) as a string; the override is then out of range, and
    says so, instead of "must be a number"."""
    text = CASE + "parameters: {dynamics.self_excitation: 1e300}\n"
    message = refusal(text)
    assert "parameters.dynamics.self_excitation: bad value 1e+300: outside the declared range" in (
        message
    )
    # text that is no number still gets the number message
    assert "must be a number" in refusal(CASE + "parameters: {dynamics.self_excitation: 2e}\n")


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_a_parameter_override_that_is_no_finite_number_is_told_so(value: str) -> None:
    """NaN is outside every range, and the fix once offered was to widen the range to NaN."""
    message = refusal(CASE + f"parameters: {{dynamics.self_excitation: {value}}}\n")
    assert "parameters.dynamics.self_excitation: bad value " in message
    assert message.endswith("give a finite number inside the declared range [0.2, 0.7]")
    assert "widen" not in message


def test_a_path_that_is_not_a_regular_file_is_named_as_such() -> None:
    with pytest.raises(ScenarioError, match=r"^/dev/null: not a regular file; give a YAML file"):
        load_scenario("/dev/null")


def test_the_json_schema_takes_tables_and_the_shared_parameter_set() -> None:
    """An editor reading ``grudging schema`` must accept what the loader accepts: a top-level
    list as ``{table: file}``, and ``parameters: shared`` or a mapping of overrides."""
    from grudging.scenario import json_schema

    props = json_schema()["properties"]
    for key in ("regions", "nations", "factions", "forces", "options", "sources", "observations"):
        forms = props[key]["anyOf"]
        assert forms[0]["type"] == "array"
        assert forms[1]["required"] == ["table"]
    assert {"const": "shared", "description": "the shared default parameter set"} in (
        props["parameters"]["anyOf"]
    )
    assert props["horizon_months"].get("anyOf") is None  # a scalar stays as it was


def test_the_case_format_has_its_own_schema_for_editors(capsys: pytest.CaptureFixture[str]) -> None:
    """``grudging schema --case``: the minimal format an editor checks a case file against, with
    the keys a case must write and the bounds the loader applies, as minimum/maximum."""
    import json

    from grudging.cli import main

    assert main(["schema", "--case"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "grudging case"
    assert set(schema["required"]) == {
        "format",
        "id",
        "title",
        "start",
        "population",
        "recent_deaths_per_year",
        "agreement",
        "intervener_party",
        "force",
    }
    assert schema["properties"]["format"]["const"] == "case"
    population = schema["properties"]["population"]
    assert (population["exclusiveMinimum"], population["maximum"]) == (0, 2_000_000_000)
    assert '"le"' not in json.dumps(schema)


# 9. A theatre author's audit (2026-12-07) ------------------------------------------------------
def test_a_payment_after_the_horizon_is_refused(tiny_path: Path) -> None:
    bargain = "    bargain: {month: 3, guarantor: nato, aid_musd_per_year: 100}\n"
    text = _tiny(
        tiny_path,
        (bargain, bargain + "    payments: [{month: 30, usd_per_fighter_month: 300}]\n"),
    )
    assert refusal(text).endswith(
        "options[alliance_replaces].payments[0].month: payment month 30 must fall before the "
        "horizon (horizon_months 24); use a month below 24"
    )


def test_a_list_whose_only_entry_is_bad_gets_that_entry_s_message_alone(tiny_path: Path) -> None:
    old = "history: [{month: 2006-06, troops: 20000}, {month: 2006-12, troops: 18000}]"
    text = _tiny(tiny_path, (old, "history: [{month: 2006-13, troops: 20000}]"))
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text)
    message = str(info.value)
    assert 'forces[us_forces].history[0].month: bad value "2006-13"' in message
    assert "the list is empty" not in message


def test_a_name_from_an_undeclared_list_says_the_list_is_missing() -> None:
    """'valid: ' followed by nothing told a theatre author nothing: with no choices at all, the
    message says the list itself is missing."""
    from grudging.errors import unknown_name

    assert unknown_name("rules-of-engagement level", "civilian_protection", []) == (
        "unknown rules-of-engagement level 'civilian_protection': the scenario declares no "
        "rules-of-engagement level at all; add their list (grudging dump iraq-2007 shows the format)"
    )
    assert unknown_name("region", "betta", ["beta"]).endswith("valid: beta")


@pytest.mark.parametrize("start", ["9999-01", "0001-01"])
def test_a_month_written_right_outside_the_years_says_which_years(start: str) -> None:
    """'9999-01' is written YYYY-MM: it was told to write YYYY-MM."""
    message = refusal(CASE.replace("start: 2013-07", f"start: {start}"))
    assert message.endswith(
        f"'{start}' is outside the months a scenario may use (1900-01 to 2099-12); give one in "
        "those years"
    )

"""The minimal case format: a template that runs, defaults from the shared set, located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from grudging.cli import main
from grudging.errors import ScenarioError
from grudging.scenario import load_scenario
from grudging.scenario.minimal import (
    DEFAULT_FIGHTERS_PER_1000,
    expand_case,
    shared_parameters,
)
from grudging.scenario.yaml_input import SourceMap

MAX_LINES = 40


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "mali-2013.yaml"
    assert main(["new", "mali-2013", "--out", str(path)]) == 0
    return path


def _edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text()
    assert old in text, old
    out = path.with_name("edited.yaml")
    out.write_text(text.replace(old, new, 1))
    return out


def _line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


def test_new_writes_a_short_case_that_validates_and_runs(template: Path) -> None:
    assert len(template.read_text().splitlines()) <= MAX_LINES
    scn = load_scenario(template, runnable=True)
    assert scn.id == "mali-2013"
    assert scn.information_date == "2012-12"  # the month before the year its name ends in
    assert main(["run", str(template), "-n", "20", "--report", "-", "--quiet"]) == 0


def test_new_refuses_to_overwrite(template: Path) -> None:
    assert main(["new", "mali-2013", "--out", str(template)]) == 2
    assert main(["new", "Mali 2013"]) == 2


def test_every_parameter_comes_from_the_shared_set(template: Path) -> None:
    scn = load_scenario(template, runnable=True)
    shared = {str(r["name"]): float(r["value"]) for r in shared_parameters()}
    assert {p.name: p.value for p in scn.parameters} == shared


def test_a_parameter_override_changes_only_its_value(template: Path) -> None:
    path = _edit(
        template,
        "# parameters: {dynamics.self_excitation: 0.45}",
        "parameters: {dynamics.self_excitation: 0.3}",
    )
    scn = load_scenario(path, runnable=True)
    p = scn.parameter("dynamics.self_excitation")
    shared = next(r for r in shared_parameters() if r["name"] == "dynamics.self_excitation")
    assert p.value == 0.3
    assert (p.low, p.high) == (shared["low"], shared["high"])


def test_defaults_fill_the_generic_inputs(template: Path) -> None:
    scn = load_scenario(template, runnable=True)
    fighters = sum(f.fighters for f in scn.factions)
    assert fighters == pytest.approx(scn.population * DEFAULT_FIGHTERS_PER_1000 / 1000, abs=2)
    assert scn.regions[0].fractionalization == pytest.approx(0.635, abs=0.001)
    # An agreement stands every faction down at month 0; the force is present from month 0.
    option = scn.options[0]
    assert {d.faction for d in option.local_deals} == {"government", "opposition"}
    assert option.forces["force"][-1].troops == 5000


def test_a_default_overridden_with_the_wrong_type_is_located(template: Path) -> None:
    path = _edit(
        template,
        "# parameters: {dynamics.self_excitation: 0.45}",
        'parameters: {dynamics.self_excitation: "high"}',
    )
    line = _line_of(path, "parameters:")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == (
        f"edited.yaml:{line}: parameters.dynamics.self_excitation: bad value 'high': the "
        "default 0.45 is a number, so an override must be a number (write e.g. "
        "dynamics.self_excitation: 0.45)"
    )
    assert main(["run", str(path), "--report", "-"]) == 2


def test_a_generic_default_with_the_wrong_type_is_located(template: Path) -> None:
    path = _edit(template, "# fighters_per_1000: 8", "fighters_per_1000: many")
    with pytest.raises(ScenarioError, match=r"^edited\.yaml:\d+: fighters_per_1000: bad value"):
        load_scenario(path)


def test_an_unknown_command_is_located(template: Path) -> None:
    path = _edit(template, "command: un ", "command: au ")
    line = _line_of(path, "command: au")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    # located at the force block (the line of 'force:', just above the command) and named
    assert str(err.value).startswith(f"edited.yaml:{line - 1}: force.command: ")
    assert "unknown command 'au'; valid: eu, national, nato, un, us; add it under 'commands:'" in (
        str(err.value)
    )
    assert "after this one" not in str(err.value)


AFRICAN_UNION = """commands:
  - id: au
    name: African Union
    kind: regional
    skill: dynamics.un_pk_skill
    salience: dynamics.salience_un
    guarantees: {strength: bargain.strength_un, impartiality: bargain.impartiality_un, years: 2}
    source: "the case's own coding"
sources:"""


def test_a_case_adds_a_command_the_registry_lacks(template: Path) -> None:
    """A regional organisation is data in the case, not a closed literal: its force runs under
    it, with the figures the case gives it."""
    path = _edit(_edit(template, "command: un ", "command: au "), "sources:", AFRICAN_UNION)
    scn = load_scenario(path, runnable=True)
    assert [c.id for c in scn.commands] == ["au"]
    assert scn.commands[0].name == "African Union"
    assert [f.command for f in scn.forces] == ["au"]
    assert main(["run", str(path), "-n", "5", "--report", "-"]) == 0


def test_a_bad_command_in_a_case_is_located(template: Path) -> None:
    path = _edit(
        _edit(template, "command: un ", "command: au "),
        "sources:",
        AFRICAN_UNION.replace("kind: regional", "kind: regionall"),
    )
    line = _line_of(path, "kind: regionall")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value).startswith(f"edited.yaml:{line}: commands[au].kind: bad value ")
    assert "(did you mean 'regional'?)" in str(err.value)


def test_an_agreement_without_a_force_is_refused(template: Path) -> None:
    text = template.read_text()
    start, end = text.index("force:\n"), text.index("# Defaults")
    path = template.with_name("noforce.yaml")
    path.write_text(text[:start] + "force: none\n" + text[end:])
    line = _line_of(path, "force: none")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == (
        f"noforce.yaml:{line}: force: a case with an agreement needs the force that guarantees "
        "it; give force: {name, command, troops} (or agreement: false)"
    )
    assert main(["validate", str(path)]) == 2
    # Without an agreement, no force is a valid case.
    path.write_text(path.read_text().replace("agreement: true", "agreement: false"))
    assert load_scenario(path, runnable=True).forces == ()


def test_an_ending_that_contradicts_the_agreement_is_located(template: Path) -> None:
    """A victory or a truce is not a signed agreement (Fortna 2008's coding): one located line."""
    path = _edit(template, "# ended_by: settlement", "ended_by: victory")
    line = _line_of(path, "ended_by: victory")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == (
        f"edited.yaml:{line}: ended_by: 'victory' contradicts agreement: true (a settlement is a "
        "signed agreement; a truce or a victory is not): change one of them"
    )
    assert main(["validate", str(path)]) == 2
    path.write_text(path.read_text().replace("agreement: true", "agreement: false"))
    assert load_scenario(path).war_ended_by == "victory"


def test_an_unknown_key_gets_a_did_you_mean(template: Path) -> None:
    path = _edit(template, "population:", "populaton:")
    with pytest.raises(ScenarioError, match="unknown key 'populaton' \\(did you mean 'population'"):
        load_scenario(path)


def test_an_unknown_parameter_gets_a_did_you_mean() -> None:
    data = {
        "format": "case",
        "id": "x",
        "title": "x",
        "start": "2000-01",
        "population": 1000,
        "recent_deaths_per_year": 10,
        "agreement": False,
        "intervener_party": False,
        "force": "none",
        "parameters": {"dynamics.self_excitaton": 0.4},
    }
    with pytest.raises(ScenarioError, match=r"did you mean 'dynamics\.self_excitation'"):
        expand_case(data, SourceMap(main="x.yaml"))


def _tiny_with(tmp_path: Path, tiny_path: Path, parameters: str) -> Path:
    text = tiny_path.read_text()
    start = text.index("parameters:\n")
    end = text.index("outcomes:\n")
    path = tmp_path / "shared.yaml"
    path.write_text(text[:start] + parameters + "\n" + text[end:])
    return path


def test_a_full_scenario_may_take_the_shared_parameter_set(tmp_path: Path, tiny_path: Path) -> None:
    scn = load_scenario(_tiny_with(tmp_path, tiny_path, "parameters: shared"), runnable=True)
    assert {p.name for p in scn.parameters} == {str(r["name"]) for r in shared_parameters()}
    path = _tiny_with(tmp_path, tiny_path, "parameters: {dynamics.spillover: 0.2}")
    assert load_scenario(path).parameter("dynamics.spillover").value == 0.2


def test_a_shared_parameter_out_of_its_range_is_located(tmp_path: Path, tiny_path: Path) -> None:
    path = _tiny_with(tmp_path, tiny_path, "parameters: {dynamics.spillover: 0.9}")
    line = _line_of(path, "parameters:")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == (
        f"shared.yaml:{line}: parameters.dynamics.spillover: bad value 0.9: outside the declared "
        "range [0.0, 0.25]; give a value inside it, or remove it here and widen the range at "
        "run time (--set parameters.dynamics.spillover.high=0.9 --set dynamics.spillover=0.9)"
    )


def test_impossible_cases_are_refused_where_they_are_written(template: Path) -> None:
    """More deaths a year than people, or a force that arrives after the last month simulated."""
    path = _edit(template, "recent_deaths_per_year: 2000", "recent_deaths_per_year: 50000000")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == (
        f"edited.yaml:{_line_of(path, 'recent_deaths_per_year:')}: recent_deaths_per_year: "
        "50,000,000 deaths a year is more than the 5,000,000 people living there; check the "
        "figure or the population"
    )
    path = _edit(template, "  arrival_month: 0", "  arrival_month: 30")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == (
        f"edited.yaml:{_line_of(path, 'arrival_month: 30')}: force.arrival_month: the force "
        "arrives in month 30, after the last month simulated (23; horizon_months 24); let it "
        "arrive earlier or lengthen horizon_months"
    )


def test_a_build_up_longer_than_the_run_ends_at_its_last_month(template: Path) -> None:
    """A short run of a slow build-up: the force holds, in the last month, the share of the
    build-up done by then (linear, as the timeline is) instead of overrunning the horizon."""
    path = _edit(template, "  build_up_months: 3", "  build_up_months: 10")
    path.write_text(path.read_text() + "horizon_months: 6\n")
    scn = load_scenario(path, runnable=True)
    timeline = scn.option("as_deployed").forces["force"]
    assert [(p.month, p.troops) for p in timeline] == [(0, 0), (5, 2500)]


def test_an_unknown_format_is_named(template: Path) -> None:
    path = _edit(template, "format: case", "format: cake")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == (
        f"edited.yaml:{_line_of(path, 'format: cake')}: format: 'cake' is not a format grudging "
        "reads; write 'format: case' for a minimal case, or leave 'format' out for a full scenario"
    )


def test_set_reaches_the_keys_of_the_case_itself(template: Path) -> None:
    scn = load_scenario(template, ["population=2000000", "force.troops=9000"])
    assert scn.regions[0].population == 2_000_000
    assert max(p.troops for p in scn.option("as_deployed").forces["force"]) == 9000
    with pytest.raises(ScenarioError) as err:
        load_scenario(template, ["population=-1"])
    assert str(err.value) == (
        "--set population=-1: population: bad value -1: Input should be greater than 0; use a "
        "larger value"
    )
    # a parameter still goes to the scenario the case expands into
    scn = load_scenario(template, ["dynamics.self_excitation=0.3"])
    assert scn.parameter("dynamics.self_excitation").value == 0.3


def test_a_case_as_populous_as_the_largest_countries_loads(template: Path) -> None:
    """The case allows up to 2 billion people; the region's area it derives (which no stage
    reads) stays within the schema's bound instead of failing on a key the user never wrote."""
    path = _edit(template, "population: 5000000 ", "population: 1400000000 ")
    scn = load_scenario(path)
    assert scn.regions[0].population == 1_400_000_000
    assert scn.regions[0].area_km2 == 20_000_000


def test_validate_notes_a_case_s_figures_without_a_source(
    template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every figure or judgement a case writes needs a source: validate notes the ones without,
    the template's placeholders, a misspelt source key, and an agreement with nobody outside it."""
    path = _edit(template, '  population: "where the figure comes from"', '  populaton: "UN"')
    assert main(["validate", str(path)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "note: no source for population: give each figure's under 'sources'" in out
    assert (
        "note: the sources of start, recent_deaths_per_year, agreement, intervener_party, "
        "ceasefire, force still read 'where the figure comes from'"
    ) in out
    assert (
        "sources names 'populaton', which is not a key of a case (did you mean 'population'?)"
        in out
    )
    assert "agreement: true with no spoiler: every faction stands down at the start" in out
    from grudging.cases.runner import case_path

    assert main(["validate", str(case_path("mozambique-1992"))]) == 0
    assert "no source for" not in capsys.readouterr().out


def test_new_says_when_the_start_is_not_the_name_s_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "mali-1850", "--out", str(tmp_path / "a.yaml")]) == 0
    assert "note: it starts 2007-01 (the name's year 1850 is outside 1900-2100)" in (
        " ".join(capsys.readouterr().out.split())
    )
    assert main(["new", "mali-2013", "--out", str(tmp_path / "b.yaml")]) == 0
    assert "note:" not in capsys.readouterr().out


def test_validate_notes_a_force_that_draws_down_and_a_death_toll_beyond_any_war(
    template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _edit(template, "  present_at_start: 0 ", "  present_at_start: 9000 ")
    path.write_text(
        path.read_text().replace("recent_deaths_per_year: 2000 ", "recent_deaths_per_year: 900000 ")
    )
    assert main(["validate", str(path)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "force: 9,000 troops present at the start and 5,000 planned: the force draws down" in out
    assert "recent_deaths_per_year: 900,000 a year is 18% of the 5,000,000 people" in out


def test_a_case_key_set_from_outside_is_named_where_a_check_across_keys_fails(
    template: Path,
) -> None:
    """The message pointed at the line of recent_deaths_per_year, which the user left alone."""
    with pytest.raises(ScenarioError) as err:
        load_scenario(template, overrides=["population=100"])
    assert str(err.value).endswith(
        "is more than the 100 people living there; check the figure or the population (with "
        "--set population=100 applied)"
    )

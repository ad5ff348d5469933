"""A broken scenario gets one clear, located message: file, line, key path, bad value, fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from grudging.cli import main
from grudging.errors import ScenarioError
from grudging.scenario import load_scenario


def _broken(tmp_path: Path, tiny_path: Path, old: str, new: str) -> Path:
    text = tiny_path.read_text()
    assert old in text, old
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


def _line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


def test_bad_yaml_names_file_and_line(tmp_path: Path, tiny_path: Path) -> None:
    path = _broken(tmp_path, tiny_path, "    area_km2: 5000\n", "    area_km2: [5000\n")
    with pytest.raises(ScenarioError, match=r"^broken\.yaml:\d+: not valid YAML"):
        load_scenario(path)


def test_unknown_key_suggests_the_right_one(tmp_path: Path, tiny_path: Path) -> None:
    path = _broken(tmp_path, tiny_path, "    host_forces: 5000", "    host_force: 5000")
    line = _line_of(path, "host_force: 5000")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == (
        f"broken.yaml:{line}: regions[beta].host_force: unknown key 'host_force' "
        "(did you mean 'host_forces'?); remove or rename it"
    )


def test_wrong_type_shows_the_value(tmp_path: Path, tiny_path: Path) -> None:
    path = _broken(tmp_path, tiny_path, "population: 2000000", "population: many")
    line = _line_of(path, "population: many")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(f'broken.yaml:{line}: regions[beta].population: bad value "many"')
    assert "valid integer" in message


def test_value_out_of_range(tmp_path: Path, tiny_path: Path) -> None:
    path = _broken(tmp_path, tiny_path, "population: 2000000", "population: -3")
    with pytest.raises(
        ScenarioError, match=r"regions\[beta\]\.population: bad value -3: .*greater than 0"
    ):
        load_scenario(path)


def test_reference_to_missing_region(tmp_path: Path, tiny_path: Path) -> None:
    path = _broken(tmp_path, tiny_path, "neighbours: [alpha, gamma]", "neighbours: [alpha, gama]")
    line = _line_of(path, "neighbours: [alpha, gama]")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith(
        f"broken.yaml:{line}: regions[beta].neighbours: unknown region 'gama' "
        "(did you mean 'gamma'?); valid: alpha, beta, gamma"
    )


def test_duplicate_id(tmp_path: Path, tiny_path: Path) -> None:
    path = _broken(
        tmp_path, tiny_path, "  - id: gamma\n    name: Gamma", "  - id: alpha\n    name: Gamma"
    )
    with pytest.raises(ScenarioError, match=r"duplicate region id 'alpha' \(it appears 2 times\)"):
        load_scenario(path)


def test_unknown_command_type_lists_choices(tmp_path: Path, tiny_path: Path) -> None:
    path = _broken(tmp_path, tiny_path, "command: nato, roe_level", "command: natto, roe_level")
    with pytest.raises(
        ScenarioError,
        match=r"coalition\.command: unknown command 'natto' \(did you mean 'nato'\?\)",
    ):
        load_scenario(path)


def test_salience_must_sum_to_one(tmp_path: Path, tiny_path: Path) -> None:
    path = _broken(
        tmp_path,
        tiny_path,
        "salience: {revenue: 0.7, troops: 0.3}",
        "salience: {revenue: 0.7, troops: 0.7}",
    )
    with pytest.raises(ScenarioError, match=r"salience of faction 'northern_party' sums to 1\.400"):
        load_scenario(path)


def test_observation_after_information_date_is_refused(tmp_path: Path, tiny_path: Path) -> None:
    path = _broken(tmp_path, tiny_path, "month: 2006-12, value: 150", "month: 2007-03, value: 150")
    with pytest.raises(
        ScenarioError,
        match="after the information date 2006-12; data after that date is for testing",
    ):
        load_scenario(path)


def test_override_errors_name_the_override(tiny_path: Path) -> None:
    with pytest.raises(
        ScenarioError, match=r"^--set regions\.beta\.population=-5: regions\[beta\]\.population"
    ):
        load_scenario(tiny_path, ["regions.beta.population=-5"])
    with pytest.raises(ScenarioError, match=r"unknown entry 'zeta'"):
        load_scenario(tiny_path, ["regions.zeta.population=5"])
    with pytest.raises(ScenarioError, match=r"expected path\.to\.key=value"):
        load_scenario(tiny_path, ["regions.beta.population"])


def test_a_check_over_several_values_names_the_override_that_broke_it(
    tmp_path: Path, tiny_path: Path
) -> None:
    """A share set with --set breaks the sum of its composition: the message names the --set,
    not the line of the file that holds the other shares (which is valid as written)."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(tiny_path, ["regions.beta.composition.north_people=0.2"])
    assert str(info.value) == (
        "--set regions.beta.composition.north_people=0.2: regions[beta].composition: composition "
        "of region 'beta' sums to 0.700; shares must sum to 1"
    )
    # the same fault written in the file: the file's line is named, as before
    old = "{north_people: 0.5, south_people: 0.5}"
    path = _broken(tmp_path, tiny_path, old, "{north_people: 0.2, south_people: 0.5}")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith(
        f"{path.name}:{_line_of(path, 'north_people: 0.2')}: regions[beta].composition:"
    )


def test_override_sets_parameter_by_bare_name(tiny_path: Path) -> None:
    scn = load_scenario(tiny_path, ["dynamics.self_excitation=0.45"])
    assert scn.parameter("dynamics.self_excitation").value == 0.45


def test_unknown_scenario_name() -> None:
    with pytest.raises(ScenarioError, match="no such scenario file or built-in scenario"):
        load_scenario("irak-2007")


def test_a_name_whose_yaml_file_is_there_is_pointed_at_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'grudging new mycase' writes mycase.yaml; grudging.load('mycase') did not say so."""
    (tmp_path / "mycase.yaml").write_text("format: case\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as err:
        load_scenario("mycase")
    assert str(err.value).startswith(
        "mycase: no such scenario file or built-in scenario (did you mean 'mycase.yaml'?)"
    )


def test_cli_exit_code_2_and_no_traceback(
    tmp_path: Path, tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _broken(tmp_path, tiny_path, "population: 2000000", "population: -3")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "regions[beta].population" in err
    # tiny.yaml is valid data but declares too few parameters for the chain to run it
    assert main(["validate", str(tiny_path)]) == 2
    assert "the scenario lacks parameter 'requirement.norm_policing'" in capsys.readouterr().err
    assert main(["validate", "iraq-2007"]) == 0


def test_more_deaths_observed_than_people_is_refused(tmp_path: Path, tiny_path: Path) -> None:
    old = "{series: civilian_deaths, region: beta, month: 2006-11, value: 120,"
    path = _broken(tmp_path, tiny_path, old, old.replace("120", "2500000"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == (
        f"broken.yaml:{_line_of(path, 'value: 2500000')}: observations[0].value: 2,500,000 "
        "civilian deaths in 2006-11 is more than the 2,000,000 people of region 'beta'; check "
        "the figure or the population"
    )


def test_a_range_upside_down_says_so(tmp_path: Path, tiny_path: Path) -> None:
    path = _broken(tmp_path, tiny_path, "low: 0.3, high: 0.5", "low: 0.5, high: 0.3")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).endswith(
        "parameter 'dynamics.self_excitation': low 0.5 is above high 0.3; swap them"
    )

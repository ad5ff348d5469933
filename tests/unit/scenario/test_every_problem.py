"""A theatre with several mistakes gets them all from ``grudging validate`` (every other command
names the first and says how many follow); a wrong kind of value is quoted as written; a start
long after the data and a build-up that outlasts the horizon are notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from grudging.cli import main
from grudging.errors import ScenarioError
from grudging.scenario import load_scenario
from scenario_edits import line_of as _line
from scenario_edits import write_edited

TWO_BAD_VALUES = [
    ("    population: 2000000\n", "    population: -2000000\n"),
    ("    fighters: 8000\n", "    fighters: -8\n"),
]


def test_validate_lists_every_bad_value_other_commands_the_first(
    tmp_path: Path, tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_edited(tmp_path, tiny_path, TWO_BAD_VALUES)
    first = (
        f"case.yaml:{_line(path, 'population: -2000000')}: regions[beta].population: bad value "
        "-2000000: Input should be greater than 0; use a larger value"
    )
    second = (
        f"case.yaml:{_line(path, 'fighters: -8')}: factions[southern_party].fighters: bad value "
        "-8: Input should be greater than or equal to 0; use a larger value"
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.every == (first, second)
    assert str(info.value) == first + (
        " (1 more problem after this one; 'grudging validate' lists them)"
    )

    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 2
    assert "regions[beta].population" in lines[0]
    assert "factions[southern_party].fighters" in lines[1]


def test_every_unresolved_reference_is_listed(tmp_path: Path, tiny_path: Path) -> None:
    path = write_edited(
        tmp_path,
        tiny_path,
        [
            ("    neighbours: [alpha, gamma]\n", "    neighbours: [alpha, gama]\n"),
            ("    regions: [beta]\n    positions", "    regions: [betta]\n    positions"),
        ],
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    every = info.value.every
    assert len(every) >= 2
    assert any("unknown region 'gama' (did you mean 'gamma'?)" in m for m in every)
    assert any("unknown region 'betta' (did you mean 'beta'?)" in m for m in every)
    assert str(info.value).startswith(every[0])
    assert str(info.value).endswith(
        f"({len(every) - 1} more problem{'s' if len(every) > 2 else ''} after this one; "
        "'grudging validate' lists them)"
    )


def test_a_single_problem_has_no_tail(tmp_path: Path, tiny_path: Path) -> None:
    path = write_edited(tmp_path, tiny_path, TWO_BAD_VALUES[:1])
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.every == (str(info.value),)
    assert "more problem" not in str(info.value)


@pytest.mark.parametrize(
    ("written", "shown", "fix"),
    [
        ("[8000]", "[8000]", "write one whole number"),
        ("{n: 8000}", '{"n": 8000}', "write one whole number"),
    ],
)
def test_a_list_or_mapping_where_one_number_belongs_is_quoted(
    tmp_path: Path, tiny_path: Path, written: str, shown: str, fix: str
) -> None:
    path = write_edited(
        tmp_path, tiny_path, [("    fighters: 8000\n", f"    fighters: {written}\n")]
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == (
        f"case.yaml:{_line(path, 'fighters: ' + written)}: factions[southern_party].fighters: "
        f"bad value {shown}: Input should be a valid integer; {fix}"
    )


@pytest.mark.parametrize(
    ("written", "said"),
    [
        (
            "9" * 400,
            f"bad value {'9' * 77}...: the number is too large to hold (above about 1.8e308); "
            "use a smaller value",
        ),
        (
            ".inf",
            "bad value inf: Input should be a finite number; give a finite number (inf and nan "
            "are not allowed; a number above about 1.8e308 is read as inf)",
        ),
    ],
)
def test_a_number_too_large_to_hold_is_named_so(
    tmp_path: Path, tiny_path: Path, written: str, said: str
) -> None:
    path = write_edited(
        tmp_path, tiny_path, [("    area_km2: 3000\n", f"    area_km2: {written}\n")]
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == (
        f"case.yaml:{_line(path, 'area_km2: ' + written[:3])}: regions[beta].area_km2: {said}"
    )


def test_a_late_start_and_a_long_build_up_are_notes(tmp_path: Path, tiny_path: Path) -> None:
    from grudging.scenario.summary import scenario_notes

    assert not any(
        "after the information date" in n for n in scenario_notes(load_scenario(tiny_path))
    )
    assert not any("build-up ends" in n for n in scenario_notes(load_scenario(tiny_path)))
    path = write_edited(
        tmp_path,
        tiny_path,
        [
            ("start: 2007-01\n", "start: 2008-06\n"),
            ("budget_musd: 500}", "budget_musd: 500, build_up_months: 30}"),
        ],
    )
    notes = scenario_notes(load_scenario(path))
    assert (
        "start 2008-06 is 18 months after the information date 2006-12: the runs begin from the "
        "state at that date, as if nothing changed in between; bring the information date and "
        "its data forward if much did"
    ) in notes
    (build_up,) = [n for n in notes if "build-up ends" in n]
    assert build_up.startswith(
        "option 'alliance_replaces': its coalition's build-up ends at month 32, after the horizon's "
        "last month (23)"
    )


def test_a_case_file_gets_every_problem_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The minimal case format (grudging new) lists its problems the same way."""
    assert main(["new", "mali-2013", "--out", str(tmp_path / "case.yaml")]) == 0
    text = (tmp_path / "case.yaml").read_text(encoding="utf-8")
    text = text.replace("\npopulation: 5000000 ", "\npopulation: -5 ", 1)
    text = text.replace("\n  troops: 5000 ", "\n  troops: -1 ", 1)
    (tmp_path / "case.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "case.yaml")
    assert [m.split(": ")[1] for m in info.value.every] == ["population", "force.troops"]
    assert str(info.value).endswith(
        "(1 more problem after this one; 'grudging validate' lists them)"
    )
    capsys.readouterr()
    assert main(["validate", str(tmp_path / "case.yaml")]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2

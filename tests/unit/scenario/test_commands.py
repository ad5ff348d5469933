"""Commands as data: the registry says what the model reads of a command, a scenario can write
its own, and no stage branches on a command's id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import grudging
from grudging.errors import ScenarioError
from grudging.scenario import load_scenario
from grudging.scenario.commands import (
    FIELD_STAGES,
    commands_of,
    parameter_references,
    shared_command,
    shared_commands,
)

SRC = Path(grudging.__file__).parent

AU = """commands:
  - id: au
    name: African Union
    kind: regional
    member_nations: [GBR]
    skill: 0.5
    salience: 0.7
    guarantees: false
"""


def _with(tmp_path: Path, tiny_path: Path, text: str, *edits: tuple[str, str]) -> Path:
    body = tiny_path.read_text().replace("outcomes:\n", text + "outcomes:\n", 1)
    for old, new in edits:
        assert old in body
        body = body.replace(old, new, 1)
    path = tmp_path / "commands.yaml"
    path.write_text(body)
    return path


def test_every_shared_command_names_declared_parameters_of_its_stage(iraq) -> None:  # type: ignore[no-untyped-def]
    declared = {p.name for p in iraq.parameters}
    assert [c.id for c in shared_commands()] == ["us", "nato", "un", "eu", "national"]
    for command in shared_commands():
        for field, name in parameter_references(command):
            assert name.startswith(FIELD_STAGES[field] + "."), (command.id, field)
            assert name in declared, (command.id, name)


def test_a_command_written_in_the_scenario_commands_its_forces(iraq) -> None:  # type: ignore[no-untyped-def]
    """A scenario's own command (an African Union here) is what its forces serve under, with
    the figures the registry gives it."""
    from grudging.options import plan_option
    from grudging.scenario.schema import Command

    au = Command(
        id="au", name="African Union", kind="regional", skill=0.5, salience=0.7, guarantees=False
    )
    forces = tuple(
        f.model_copy(update={"command": "au"}) if f.id == "gbr_contingent" else f
        for f in iraq.forces
    )
    scn = iraq.model_copy(update={"commands": (au,), "forces": forces})
    assert list(commands_of(scn)) == ["us", "nato", "un", "eu", "national", "au"]
    units = {u.name: u for u in plan_option(scn, "us_stays").inputs.units}
    assert (units["gbr_contingent"].command, units["gbr_contingent"].command_skill) == ("au", 0.5)
    assert units["gbr_contingent"].command_salience == 0.7
    assert units["pol_contingent"].command_skill == "dynamics.us_led_pk_skill"


def test_a_scenario_replaces_a_shared_command_by_id(tmp_path: Path, tiny_path: Path) -> None:
    text = AU.replace("id: au", "id: nato").replace("guarantees: false", "guarantees: true")
    scn = load_scenario(_with(tmp_path, tiny_path, text))
    assert commands_of(scn)["nato"].skill == 0.5
    assert list(commands_of(scn))[:5] == ["us", "nato", "un", "eu", "national"]


@pytest.mark.parametrize(
    ("text", "edits", "message"),
    [
        (
            AU.replace("skill: 0.5", "skill: willingness.beta_nato_command"),
            (),
            "commands[au].skill: command 'au': skill names 'willingness.beta_nato_command', not a "
            "dynamics parameter; give a number or a 'dynamics.*' parameter",
        ),
        (
            "",
            (("guarantor: nato,", "guarantor: national,"),),
            "options[alliance_replaces].bargain.guarantor: unknown guarantor 'national'",
        ),
        (
            AU.replace("guarantees: false", "guarantees: true"),
            (("guarantor: nato,", "guarantor: au,"),),
            "options[alliance_replaces].bargain.guarantor: guarantor 'au': the scenario file: "
            "commands[au].guarantees.strength: command 'au' guarantees, but its strength names "
            "'bargain.strength_au' (guarantees: true reads it), which is not a guarantee "
            "parameter of the bargain stage; give a number or one of bargain.strength_nato, "
            "bargain.strength_un, bargain.strength_us, or set guarantees: false",
        ),
        (
            AU + "  - {id: au, name: again, kind: regional, skill: 1, salience: 1}\n",
            (),
            "duplicate command id 'au'",
        ),
        (
            "",
            (("coalition: {command: nato,", "coalition: {command: ecowas,"),),
            "options[alliance_replaces].coalition.command: unknown command 'ecowas'",
        ),
    ],
)
def test_a_bad_command_is_refused_with_a_located_message(
    tmp_path: Path, tiny_path: Path, text: str, edits: tuple[tuple[str, str], ...], message: str
) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(_with(tmp_path, tiny_path, text, *edits))
    assert message in str(err.value)
    assert str(err.value).startswith("commands.yaml:")


def test_no_stage_branches_on_a_command_id() -> None:
    """The model reads commands through the registry: no command id is compared in its code."""
    ids = "|".join(c.id for c in shared_commands())
    pattern = re.compile(
        rf"""(==|!=|\bin\b)\s*\(?\s*["'](?:{ids})["']|["'](?:{ids})["']\s*(==|!=)"""
    )
    model_code = [
        *sorted((SRC / "model").rglob("*.py")),
        SRC / "options.py",
        SRC / "chain.py",
        SRC / "kernel.py",
    ]
    found = [
        f"{path.relative_to(SRC)}:{n}: {line.strip()}"
        for path in model_code
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert found == []


def test_a_shared_command_is_found_by_id() -> None:
    assert shared_command("un").assessed
    with pytest.raises(ScenarioError, match="unknown command 'natoo' \\(did you mean 'nato'\\?\\)"):
        shared_command("natoo")


def test_a_figure_out_of_range_is_one_message_without_the_union_s_other_branch(
    tmp_path: Path, tiny_path: Path
) -> None:
    """``skill`` takes a number or a parameter's name: a number out of range is refused as a
    number, not also as "a valid string" (pydantic's other branch, ``constrained-str``)."""
    with pytest.raises(ScenarioError) as err:
        load_scenario(_with(tmp_path, tiny_path, AU.replace("skill: 0.5", "skill: 9")))
    assert len(err.value.every) == 1
    assert err.value.every[0].endswith(
        "commands[au].skill: bad value 9: Input should be less than or equal to 2; use a "
        "smaller value"
    )

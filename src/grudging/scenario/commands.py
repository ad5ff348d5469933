"""The command registry: who forces serve under and who can guarantee a settlement, as data.

The shared registry (``grudging/scenarios/common/commands.yaml``) holds a patron-led coalition
(``us``), an alliance (``nato``), the United Nations (``un``), the European Union (``eu``) and a
nation alone (``national``); a scenario adds commands or replaces one by id under ``commands:``
(an African Union, ECOWAS or a lead nation). What the model reads of a command (skill, salience,
quality, appeal, price, funding, whether it guarantees) is a value or the name of a declared
parameter, so no stage branches on a command's id.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from grudging.errors import ScenarioError, unknown_name

if TYPE_CHECKING:
    from grudging.scenario.schema import Command, CommandGuarantee, Scenario

#: The guarantor id of a settlement nobody guarantees.
NO_GUARANTOR = "none"


@cache
def shared_commands() -> tuple[Command, ...]:
    """The shared registry, in file order."""
    from grudging.scenario.schema import Command
    from grudging.scenario.yaml_input import parse_yaml

    text = resources.files("grudging.scenarios").joinpath("common", "commands.yaml").read_text()
    data, _ = parse_yaml(text, "common/commands.yaml")
    return tuple(Command.model_validate(record) for record in data)


def commands_of(scn: Scenario) -> dict[str, Command]:
    """The scenario's registry: the shared commands, then its own (same id replaces), in order."""
    registry = {c.id: c for c in shared_commands()}
    for c in scn.commands:
        registry[c.id] = c
    return registry


def command_of(scn: Scenario, command_id: str) -> Command:
    """One command of the scenario's registry, or a clear error naming the ones there are."""
    registry = commands_of(scn)
    if command_id not in registry:
        raise ScenarioError(
            unknown_name("command", command_id, registry)
            + "; add it under 'commands:' in the scenario or case (docs/cases.md)"
        )
    return registry[command_id]


def resolve(value: float | str, params: Any, stage: str) -> Any:
    """A command's figure for one stage: the value, or the stage parameter it names (a float or
    an array of per-replication values)."""
    if isinstance(value, str):
        prefix, _, name = value.partition(".")
        if prefix != stage:
            raise ScenarioError(f"'{value}' is not a {stage} parameter; name a '{stage}.*' one")
        return getattr(params, name)
    return value


#: Which stage each field of a command is read by.
FIELD_STAGES = {
    "skill": "dynamics",
    "salience": "dynamics",
    "erosion": "dynamics",
    "quality": "forcegen",
    "appeal.members": "willingness",
    "appeal.outsiders": "willingness",
    "appeal.everyone": "willingness",
    "guarantees.strength": "bargain",
    "guarantees.impartiality": "bargain",
    "guarantees.years": "bargain",
}

#: What the bargain reads of a guarantor, in order (``CommandGuarantee`` fields).
GUARANTEE_FIGURES = ("strength", "impartiality", "years")


def parameter_references(command: Command) -> Iterator[tuple[str, str]]:
    """``(field, parameter name)`` for every figure of the command that names a parameter."""
    for field in FIELD_STAGES:
        value: Any = command
        for part in field.split("."):  # "appeal.members" -> command.appeal.members
            value = getattr(value, part, None)  # None below ``guarantees: false``
        if isinstance(value, str):
            yield field, value


def guarantee_figures(command: Command) -> CommandGuarantee | None:
    """What the bargain reads of a command as guarantor; None when it does not guarantee.

    ``guarantees: true`` stands for the parameters ``bargain.strength_<id>``,
    ``bargain.impartiality_<id>`` and ``bargain.years_<id>``.
    """
    from grudging.scenario.schema import CommandGuarantee

    if command.guarantees is False:
        return None
    if command.guarantees is True:
        return CommandGuarantee(**{f: f"bargain.{f}_{command.id}" for f in GUARANTEE_FIGURES})
    return command.guarantees


def guarantor_ids(registry: dict[str, Command] | None = None) -> tuple[str, ...]:
    """``none`` and the commands of a registry (default: the shared one) that guarantee, in
    registry order."""
    commands = registry.values() if registry is not None else shared_commands()
    return (NO_GUARANTOR, *(c.id for c in commands if c.guarantees is not False))


def command_origin(command: Command) -> tuple[str, str]:
    """Where a registry entry is written: the file and the key of its entry (for located
    messages)."""
    if command in shared_commands():
        return "common/commands.yaml", f"[{command.id}]"
    return "the scenario file", f"commands[{command.id}]"


def is_member(command: Command, nation: Any) -> bool:
    """Whether a nation belongs to the command (by its flags or by name)."""
    return nation.id in command.member_nations or any(
        bool(getattr(nation, flag)) for flag in command.members
    )


def shared_command(command_id: str) -> Command:
    """One command of the shared registry (for scenarios built in code)."""
    registry = {c.id: c for c in shared_commands()}
    if command_id not in registry:
        raise ScenarioError(unknown_name("command", command_id, registry))
    return registry[command_id]


def unit_traits(command: Command) -> dict[str, Any]:
    """What the dynamics read of a force's command (the command fields of a ``ForceUnit``)."""
    return {
        "command": command.id,
        "command_skill": command.skill,
        "command_salience": command.salience,
        "command_erosion": command.erosion,
    }


def handover_traits(command: Command) -> dict[str, Any]:
    """What the dynamics read of the command a mission is handed to (``HandoverPlan`` fields)."""
    return {
        "to": command.id,
        "skill": command.skill,
        "salience": command.salience,
        "assessed": command.assessed,
    }

"""Feasibility gates: the permissions an option needs that the model does not simulate.

A gate (the scenario's ``feasibility:`` table) is the host government's consent to a foreign
force or a Security Council decision, with the probability that it opens and a source. An option
*engages* a command through its coalition's command, its bargain's guarantor (``none`` engages
nothing) or its handover; the gates that apply are those naming a command it engages.

Semantic (docs/design-notes/bargain.md, *Feasibility gates*): P(feasible) is the product of the
probabilities of the gates that apply (taken as independent); the simulation does not draw them,
so an option's outcomes are conditional on its being carried out; of several gates of one kind
only the least likely counts; an option with P(feasible)
below :data:`INFEASIBLE_BELOW` is reported as infeasible. No gate applies: P(feasible) = 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grudging.errors import unknown_name
from grudging.scenario.references import Loc, ScenarioReferenceError

if TYPE_CHECKING:
    from grudging.scenario.schema import CourseOfAction, FeasibilityGate, Scenario

#: An option whose gates open with a probability below this is reported as infeasible (more
#: likely than not to fail a gate).
INFEASIBLE_BELOW = 0.5

#: Words for the gate kinds, in reports.
GATE_WORDS = {
    "host_consent": "host-government consent",
    "security_council": "Security Council decision",
}


@dataclass(frozen=True)
class GateCheck:
    """One gate that applies to an option: its id, kind, probability and source."""

    id: str
    gate: str
    probability: float
    source: str
    note: str = ""

    def words(self) -> str:
        """'host-government consent 0.80 (SOURCE)'."""
        return f"{GATE_WORDS[self.gate]} {self.probability:.2f} ({self.source})"


@dataclass(frozen=True)
class Feasibility:
    """Whether an option (or a guarantor) can be carried out: the gates that apply and their
    product, P(feasible)."""

    commands: tuple[str, ...]
    gates: tuple[GateCheck, ...]

    @property
    def p_feasible(self) -> float:
        """Product of the gates' probabilities (1 when none applies)."""
        p = 1.0
        for g in self.gates:
            p *= g.probability
        return p

    @property
    def infeasible(self) -> bool:
        """P(feasible) below :data:`INFEASIBLE_BELOW`."""
        return self.p_feasible < INFEASIBLE_BELOW

    def words(self) -> str:
        """One line: P(feasible), the verdict and each gate with its source."""
        if not self.gates:
            return "no feasibility gate applies (P(feasible) 1.00)"
        head = "INFEASIBLE: " if self.infeasible else ""
        parts = "; ".join(g.words() for g in self.gates)
        return f"{head}P(feasible) {self.p_feasible:.2f} — {parts}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: P(feasible), the verdict, the commands engaged and the gates."""
        return {
            "p_feasible": self.p_feasible,
            "infeasible": self.infeasible,
            "threshold": INFEASIBLE_BELOW,
            "commands": list(self.commands),
            "gates": [
                {
                    "id": g.id,
                    "gate": g.gate,
                    "probability": g.probability,
                    "source": g.source,
                    "note": g.note,
                }
                for g in self.gates
            ],
        }


def engaged_commands(option: CourseOfAction) -> tuple[str, ...]:
    """The commands an option engages (coalition command, bargain guarantor, handover), in
    that order, each once."""
    found: list[str] = []
    if option.coalition is not None:
        found.append(option.coalition.command)
    if option.bargain is not None and option.bargain.guarantor != "none":
        found.append(option.bargain.guarantor)
    if option.handover is not None:
        found.append(option.handover.to)
    return tuple(dict.fromkeys(found))


def command_feasibility(scn: Scenario, commands: Iterable[str]) -> Feasibility:
    """The binding gates of ``scn`` for ``commands``: of each kind of gate that applies to any
    of them, the least likely (the first in the scenario's order on a tie). Gates of one kind
    (two consents of the same government) are taken as fully dependent, so the hardest binds;
    gates of different kinds as independent."""
    wanted = tuple(dict.fromkeys(commands))
    binding: dict[str, GateCheck] = {}
    for g in scn.feasibility:
        if not any(c in wanted for c in g.applies_to):
            continue
        held = binding.get(g.gate)
        if held is None or g.probability < held.probability:
            binding[g.gate] = GateCheck(g.id, g.gate, g.probability, g.source, g.note)
    gates = tuple(binding[kind] for kind in GATE_WORDS if kind in binding)
    return Feasibility(commands=wanted, gates=gates)


def option_feasibility(scn: Scenario, option_id: str) -> Feasibility:
    """The feasibility of one of the scenario's options."""
    return command_feasibility(scn, engaged_commands(scn.option(option_id)))


def check_feasibility(scn: Scenario) -> None:
    """Raise a located :class:`ScenarioReferenceError` for the first bad gate or agreement in
    place (probabilities and kinds are checked by the schema; here: duplicate ids, sources and
    signatories that do not resolve, an agreement dated after the information date)."""
    sources = {s.id for s in scn.sources}
    problems = list(_problems(scn.feasibility, sources, _command_ids(scn)))
    problems += list(_agreement_problems(scn, sources))
    if problems:
        raise ScenarioReferenceError(problems)


def _command_ids(scn: Scenario) -> list[str] | None:
    """The ids of the scenario's commands (its registry), or None where there is no registry."""
    try:
        from grudging.scenario.commands import commands_of
    except ImportError:  # pragma: no cover - a tree without a command registry
        return None
    return list(commands_of(scn))


def _problems(
    gates: tuple[FeasibilityGate, ...], sources: set[str], commands: list[str] | None
) -> Iterator[tuple[Loc, str]]:
    seen: set[str] = set()
    for i, gate in enumerate(gates):
        if gate.id in seen:
            yield ("feasibility", i, "id"), f"duplicate feasibility gate id '{gate.id}'"
        seen.add(gate.id)
        for j, command in enumerate(gate.applies_to):
            if commands is not None and command not in commands:
                yield (
                    ("feasibility", i, "applies_to", j),
                    unknown_name("command", command, commands),
                )
        refs = [one.strip() for one in gate.source.split(";") if one.strip()]
        if not refs:
            yield ("feasibility", i, "source"), "a gate needs a source id; give one"
        for ref in refs:
            if sources and ref not in sources:
                yield ("feasibility", i, "source"), unknown_name("source", ref, sorted(sources))


def _agreement_problems(scn: Scenario, sources: set[str]) -> Iterator[tuple[Loc, str]]:
    deal = scn.agreement
    if deal is None:
        return
    factions = [f.id for f in scn.factions]
    for j, faction in enumerate(deal.signatories):
        if faction not in factions:
            yield ("agreement", "signatories", j), unknown_name("faction", faction, factions)
    if deal.signed > scn.information_date:
        yield (
            ("agreement", "signed"),
            f"the agreement is dated {deal.signed}, after the information date "
            f"{scn.information_date}; a scenario may start only with what was agreed by then",
        )
    for ref in (one.strip() for one in deal.source.split(";")):
        if ref and sources and ref not in sources:
            yield ("agreement", "source"), unknown_name("source", ref, sorted(sources))

"""The bargaining problem as arrays: factions x issues, read from the scenario and checked.

Positions are kept on the scenario's 0-100 scale; utilities use them divided by 100. Nothing here
names a theatre: factions and issues come from the scenario.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from grudging.errors import ScenarioError, unknown_name
from grudging.scenario.schema import Faction, Scenario

FloatArray = NDArray[np.float64]

SALIENCE_TOLERANCE = 0.01
"""How far a faction's salience weights may sum from 1 (the schema's tolerance)."""


@dataclass(frozen=True, eq=False)
class BargainProblem:
    """Factions, issues and their coding as arrays (n factions x d issues).

    Attributes
    ----------
    factions, issues
        Ids, in the scenario's order.
    positions
        (n, d) ideal points on the 0-100 scale.
    salience
        (n, d) weight of each issue to each faction; rows sum to 1.
    capability
        (n,) capability in (0, 1].
    spoiler
        (n,) whether the faction is an irreconcilable spoiler (never signs; Stedman 1997).
    hostility
        (n,) hostility to foreign forces in [0, 1].
    presence
        ``(issue index, Y)`` when an issue is the timetable of foreign troops: position x means
        they stay ``(1 - x/100) Y`` years (see :mod:`grudging.model.bargain.terms`); else None.
    """

    factions: tuple[str, ...]
    issues: tuple[str, ...]
    positions: FloatArray
    salience: FloatArray
    capability: FloatArray
    spoiler: NDArray[np.bool_]
    hostility: FloatArray
    presence: tuple[int, float] | None = None

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def n(self) -> int:
        """Number of factions."""
        return len(self.factions)

    @property
    def d(self) -> int:
        """Number of issues."""
        return len(self.issues)

    def index(self, faction: str) -> int:
        """Position of a faction id (a clear error for an unknown one)."""
        try:
            return self.factions.index(faction)
        except ValueError:
            raise ScenarioError(unknown_name("faction", faction, self.factions)) from None

    def with_spoilers(self, extra: Iterable[str]) -> BargainProblem:
        """The same problem with more factions treated as irreconcilable spoilers."""
        spoiler = self.spoiler.copy()
        for faction in extra:
            spoiler[self.index(faction)] = True
        return replace(self, spoiler=spoiler)

    def canonical_order(self) -> NDArray[np.intp]:
        """A label-free order of the factions (by their coding), for assigning random draws.

        Relabelling or reordering the factions leaves each faction's draws unchanged, so results
        change only by their labels.
        """
        keys = [
            (
                float(self.capability[i]),
                bool(self.spoiler[i]),
                float(self.hostility[i]),
                tuple(float(v) for v in self.positions[i]),
                tuple(float(v) for v in self.salience[i]),
            )
            for i in range(self.n)
        ]
        return np.array(sorted(range(self.n), key=lambda i: keys[i]), dtype=np.intp)


def _validate(p: BargainProblem) -> None:
    n, d = len(p.factions), len(p.issues)
    if n == 0:
        raise ScenarioError("the scenario has no factions; a bargain needs at least one")
    if d == 0:
        raise ScenarioError("the scenario has no issues; a bargain needs at least one issue")
    for kind, ids in (("faction", p.factions), ("issue", p.issues)):
        seen: set[str] = set()
        for ident in ids:
            if ident in seen:
                raise ScenarioError(f"duplicate {kind} id '{ident}'; ids must be unique")
            seen.add(ident)
    if p.presence is not None:
        k, years = p.presence
        if not 0 <= k < d or not np.isfinite(years) or years <= 0:
            raise ScenarioError(
                f"presence {p.presence!r}: give (index of the troop-timetable issue, years > 0)"
            )
    shapes = {
        "positions": (p.positions, (n, d)),
        "salience": (p.salience, (n, d)),
        "capability": (p.capability, (n,)),
        "spoiler": (p.spoiler, (n,)),
        "hostility": (p.hostility, (n,)),
    }
    for name, (array, shape) in shapes.items():
        if array.shape != shape:
            raise ScenarioError(f"{name} has shape {array.shape}; expected {shape}")
    for i, faction in enumerate(p.factions):
        for k, issue in enumerate(p.issues):
            pos = float(p.positions[i, k])
            if not 0.0 <= pos <= 100.0:
                raise ScenarioError(
                    f"faction '{faction}': position {pos:g} on issue '{issue}' is outside "
                    "[0, 100]; positions run from the issue's low pole (0) to its high pole (100)"
                )
            sal = float(p.salience[i, k])
            if not 0.0 <= sal <= 1.0:
                raise ScenarioError(
                    f"faction '{faction}': salience {sal:g} of issue '{issue}' is outside [0, 1]"
                )
        total = float(p.salience[i].sum())
        if abs(total - 1.0) > SALIENCE_TOLERANCE:
            raise ScenarioError(
                f"salience of faction '{faction}' sums to {total:.3f}; the weights over issues "
                "must sum to 1 (rescale them)"
            )
        cap = float(p.capability[i])
        if not 0.0 < cap <= 1.0:
            raise ScenarioError(f"faction '{faction}': capability {cap:g} must lie in (0, 1]")
        host = float(p.hostility[i])
        if not 0.0 <= host <= 1.0:
            raise ScenarioError(
                f"faction '{faction}': hostility_to_foreign_forces {host:g} must lie in [0, 1]"
            )


def problem_from_factions(factions: Sequence[Faction], issues: Sequence[str]) -> BargainProblem:
    """A :class:`BargainProblem` from scenario factions and the ids of the issues."""
    issue_ids = tuple(issues)
    for f in factions:
        for key in list(f.positions) + list(f.salience):
            if key not in issue_ids:
                raise ScenarioError(f"faction '{f.id}': {unknown_name('issue', key, issue_ids)}")
        for issue in issue_ids:
            if issue not in f.positions:
                raise ScenarioError(
                    f"faction '{f.id}' has no position on issue '{issue}'; give one (0-100)"
                )
            if issue not in f.salience:
                raise ScenarioError(
                    f"faction '{f.id}' has no salience for issue '{issue}'; give one (0-1)"
                )
    return BargainProblem(
        factions=tuple(f.id for f in factions),
        issues=issue_ids,
        positions=np.array(
            [[f.positions[k] for k in issue_ids] for f in factions], dtype=float
        ).reshape(len(factions), len(issue_ids)),
        salience=np.array(
            [[f.salience[k] for k in issue_ids] for f in factions], dtype=float
        ).reshape(len(factions), len(issue_ids)),
        capability=np.array([f.capability for f in factions], dtype=float),
        spoiler=np.array([f.spoiler for f in factions], dtype=bool),
        hostility=np.array([f.hostility_to_foreign_forces for f in factions], dtype=float),
    )


def problem_from_scenario(scn: Scenario, spoilers: Iterable[str] = ()) -> BargainProblem:
    """The bargaining problem of a scenario, with extra factions treated as spoilers if asked."""
    if not scn.factions:
        raise ScenarioError(f"scenario '{scn.id}' has no factions; a bargain needs factions")
    if not scn.issues:
        raise ScenarioError(f"scenario '{scn.id}' has no issues; a bargain needs issues")
    problem = problem_from_factions(scn.factions, [i.id for i in scn.issues])
    timetables = [
        (k, i.presence_years_at_low)
        for k, i in enumerate(scn.issues)
        if i.presence_years_at_low is not None
    ]
    if len(timetables) > 1:
        names = ", ".join(scn.issues[k].id for k, _ in timetables)
        raise ScenarioError(
            f"issues {names} all give 'presence_years_at_low'; only the one issue that is the "
            "timetable of foreign troops may"
        )
    if timetables:
        problem = replace(problem, presence=timetables[0])
    extra = list(spoilers)
    return problem.with_spoilers(extra) if extra else problem

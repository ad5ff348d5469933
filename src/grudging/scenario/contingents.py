"""Contingent sizes in the scenario against the smallest contingent the model can field.

A nation's contingent in the theatre (``theatre_troops``) re-hats under a new command at least at
its present size, and force generation never makes a contingent below
``willingness.min_contingent`` (docs/design-notes/force-generation.md, the contingent ladder). A
contingent above zero but below that minimum cannot be represented, so it is refused with its
location and the fix.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from grudging.scenario.references import Loc, ScenarioReferenceError

if TYPE_CHECKING:
    from grudging.scenario.schema import Scenario

#: The parameter that sets the smallest contingent.
MIN_CONTINGENT = "willingness.min_contingent"


def _problems(scn: Scenario) -> Iterator[tuple[Loc, str]]:
    declared = [p for p in scn.parameters if p.name == MIN_CONTINGENT]
    if not declared:
        return
    least = declared[0].value
    for i, n in enumerate(scn.nations):
        if 0 < n.theatre_troops < least:
            yield (
                ("nations", i, "theatre_troops"),
                f"contingent of {n.theatre_troops} troops in the theatre is below the smallest "
                f"contingent ('{MIN_CONTINGENT}' {least:g}); give at least {least:g} troops, 0 if "
                f"it has none there, or lower '{MIN_CONTINGENT}'",
            )


def check_contingents(scn: Scenario) -> None:
    """Raise a located :class:`ScenarioReferenceError` for the first contingent below the
    minimum (every one found, the first first)."""
    problems = list(_problems(scn))
    if problems:
        raise ScenarioReferenceError(problems)

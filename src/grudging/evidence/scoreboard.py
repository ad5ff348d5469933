"""The scoreboard: every check run, one line each - target, the model's figure, tolerance, verdict.

:func:`all_checks` is the registry (literature findings, the Iraq back-test, the Bosnia
comparison); :func:`run_checks` runs them against an
:class:`~grudging.evidence.checks.EvidenceContext` and returns a :class:`Scoreboard`, which the
command line prints, the HTML report renders and the tests read. Failures are shown, not hidden.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from grudging.errors import GrudgingError, unknown_name
from grudging.evidence.checks import Check, CheckResult, EvidenceContext

GROUP_TITLES = {
    "literature": "Published findings (synthetic experiments)",
    "iraq": "Iraq 2007-2011, out of sample (held-out data)",
    "bosnia": "Bosnia after Dayton (held-out data)",
}


def all_checks() -> tuple[Check, ...]:
    """Every check, grouped: the findings, the Iraq back-test, the Bosnia comparison."""
    from grudging.evidence import bosnia, findings, iraq

    ordered = findings.checks() + iraq.checks() + bosnia.checks()
    ids = [c.id for c in ordered]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    if duplicates:
        raise RuntimeError(f"duplicate check ids: {duplicates}")
    groups = list(GROUP_TITLES)
    return tuple(sorted(ordered, key=lambda c: groups.index(c.group)))


def check(check_id: str) -> Check:
    """The check with this id."""
    for c in all_checks():
        if c.id == check_id:
            return c
    raise GrudgingError(
        unknown_name("check", check_id, [c.id for c in all_checks()])
        + " ('grudging evidence --list' names every check)"
    )


@dataclass(frozen=True)
class Scoreboard:
    """The results of a run of the checks, in registry order."""

    results: tuple[CheckResult, ...]
    overrides: tuple[str, ...]
    quick: bool
    seed: int
    seconds: float
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def result(self, check_id: str) -> CheckResult:
        """The result of one check."""
        for r in self.results:
            if r.check.id == check_id:
                return r
        raise KeyError(check_id)

    @property
    def counts(self) -> dict[str, int]:
        """How many checks have each status."""
        return dict(Counter(r.status for r in self.results))

    def summary(self) -> str:
        """One line: counts by status."""
        order = ("PASS", "FAIL", "XPASS", "XFAIL", "NOT EXPRESSIBLE", "ERROR")
        parts = [f"{self.counts[s]} {s}" for s in order if self.counts.get(s)]
        return f"{len(self.results)} checks: " + ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "summary": self.summary(),
            "counts": self.counts,
            "overrides": list(self.overrides),
            "quick": self.quick,
            "seed": self.seed,
            "seconds": round(self.seconds, 1),
            "created": self.created,
            "checks": [r.to_dict() for r in self.results],
        }

    def rows(self) -> list[dict[str, str]]:
        """Printable rows: id, what, target, model, tolerance, status (and its group)."""
        return [
            {
                "group": r.check.group,
                "id": r.check.id,
                "what": r.check.what,
                "target": r.check.target,
                "model": r.figure
                if r.status != "NOT EXPRESSIBLE"
                else f"({r.check.not_expressible})",
                "tolerance": r.check.tolerance,
                "status": status_label(r),
            }
            for r in self.results
        ]

    def text(self) -> str:
        """The scoreboard as plain text, one line per check (what ``grudging evidence`` prints)."""
        lines = [f"grudging evidence - {self.summary()}"]
        group = None
        for row in self.rows():
            if row["group"] != group:
                group = row["group"]
                lines.append("")
                lines.append(GROUP_TITLES[group])
            lines.append(
                f"{row['status']:<18} {row['id']:<19} {row['what']} | target: {row['target']} | "
                f"model: {row['model']} | tolerance: {row['tolerance']}"
            )
        return "\n".join(lines)


def status_label(result: CheckResult) -> str:
    """The status as shown: XFAIL/XPASS say why (the figure is unverified)."""
    if result.status in ("XFAIL", "XPASS"):
        return f"{result.status}(unverified)"
    return result.status


def run_checks(
    ctx: EvidenceContext,
    ids: Sequence[str] | None = None,
    progress: Callable[[Check, int, int], None] | None = None,
) -> Scoreboard:
    """Run the checks (all, or those with the given ids) and return the scoreboard."""
    chosen: Iterable[Check] = all_checks()
    if ids:
        chosen = [check(i) for i in ids]
    chosen = list(chosen)
    started = time.perf_counter()
    results = []
    for i, c in enumerate(chosen):
        if progress is not None:
            progress(c, i, len(chosen))
        results.append(c.evaluate(ctx))
    return Scoreboard(
        results=tuple(results),
        overrides=tuple(ctx.overrides),
        quick=ctx.quick,
        seed=ctx.seed,
        seconds=time.perf_counter() - started,
    )

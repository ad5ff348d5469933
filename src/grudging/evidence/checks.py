"""Checks of the model against history and the literature: one definition, two faces.

A :class:`Check` is one comparison: a published finding (``findings.csv`` of the project's data
folder, rows F01-F12), a held-out series of the Iraq back-test, or what happened in Bosnia after
Dayton. It states the target, the tolerance and the source, and holds the experiment that
produces the model's figure. ``grudging evidence`` runs every check and prints the scoreboard;
``tests/findings`` runs the same checks under pytest. Nothing is computed twice or differently.

Statuses
--------
``PASS`` / ``FAIL``
    The model's figure against the stated tolerance.
``XFAIL`` / ``XPASS``
    The finding's figures are marked unverified in ``findings.csv``; the check runs and its
    figure is shown, but it is an expected failure until the figure is verified.
``NOT EXPRESSIBLE``
    The model has no mechanism for the claim; the reason is given.
``ERROR``
    The experiment raised an error (shown, never hidden).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from grudging.rng import MASTER_SEED

if TYPE_CHECKING:
    from grudging.scenario.schema import Scenario

Group = Literal["literature", "iraq", "bosnia"]
Status = Literal["PASS", "FAIL", "XFAIL", "XPASS", "NOT EXPRESSIBLE", "ERROR"]

#: The scenario whose parameter values (nominal values plus its calibration) the synthetic
#: experiments of the literature checks use.
REFERENCE_SCENARIO = "iraq-2007"


@dataclass(frozen=True)
class Measurement:
    """The model's figure for a check: the number compared, how it reads, and what lies behind it."""

    value: float
    text: str
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class EvidenceContext:
    """What every check runs against: parameter overrides, effort and seed, and shared results.

    Parameters
    ----------
    overrides:
        ``key=value`` overrides applied to every scenario loaded (as ``--set`` does).
    quick:
        Fewer replications and seeds (a smoke run; figures are noisier).
    seed:
        Master seed of every experiment.
    """

    overrides: tuple[str, ...] = ()
    quick: bool = False
    seed: int = MASTER_SEED
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def scenario(self, name: str) -> Scenario:
        """A scenario loaded with the overrides (loaded once)."""
        from grudging.scenario import load_scenario

        return self.cached(f"scenario:{name}", lambda: load_scenario(name, self.overrides))

    def values(self) -> dict[str, float]:
        """Parameter values of the reference scenario (nominal, calibrated, overridden)."""
        return dict(self.scenario(REFERENCE_SCENARIO).parameter_values())

    def effort(self, full: int, quick: int) -> int:
        """Replications (or seeds) for this run."""
        return quick if self.quick else full

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        """A result shared by several checks, computed once per context."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


@dataclass(frozen=True)
class Check:
    """One comparison of the model with a published figure or a held-out observation.

    Attributes
    ----------
    id:
        Short identifier printed on the scoreboard (``F01``, ``IQ-2008``, ``BIH-recall``).
    finding:
        The row of ``findings.csv`` it tests, if any.
    group:
        ``literature`` (synthetic experiments), ``iraq`` (the back-test) or ``bosnia``.
    what:
        The claim, in a few words.
    source:
        Where the target comes from.
    target:
        The published figure or the observation.
    tolerance:
        What counts as agreement, in words (``accept`` is the same rule in code).
    run:
        The experiment: returns the model's figure. ``None`` when the model cannot express it.
    accept:
        Whether a figure agrees with the target within the tolerance.
    unverified:
        Why the target is not verified (from ``findings.csv``): the check is an expected failure.
    not_expressible:
        Why the model cannot express the claim.
    disagreement:
        For a verified finding the model fails and that cannot honestly be fixed: the reason,
        beginning "model disagrees:" (the pytest face marks it a strict expected failure; the
        scoreboard shows FAIL).
    constrains:
        Parameters whose values the check constrains (for the model reference).
    slow:
        Whether the experiment takes more than a few seconds (the pytest face marks it slow).
    """

    id: str
    finding: str | None
    group: Group
    what: str
    source: str
    target: str
    tolerance: str
    run: Callable[[EvidenceContext], Measurement] | None = None
    accept: Callable[[float], bool] | None = None
    unverified: str | None = None
    not_expressible: str | None = None
    disagreement: str | None = None
    constrains: tuple[str, ...] = ()
    slow: bool = False

    def __post_init__(self) -> None:
        if (self.run is None) != (self.accept is None):
            raise ValueError(f"check {self.id}: give both 'run' and 'accept', or neither")
        if self.run is None and not self.not_expressible:
            raise ValueError(f"check {self.id}: a check without an experiment needs a reason")
        if self.disagreement and not self.disagreement.startswith("model disagrees:"):
            raise ValueError(f"check {self.id}: a disagreement begins 'model disagrees:'")

    @property
    def expressible(self) -> bool:
        """Whether the model can express the claim."""
        return self.run is not None

    def evaluate(self, ctx: EvidenceContext) -> CheckResult:
        """Run the experiment and compare its figure with the target."""
        if self.run is None or self.accept is None:
            return CheckResult(self, None, None, "NOT EXPRESSIBLE", 0.0)
        started = time.perf_counter()
        try:
            measured = self.run(ctx)
        except Exception as err:  # shown on the scoreboard, never hidden
            seconds = time.perf_counter() - started
            return CheckResult(self, None, None, "ERROR", seconds, f"{type(err).__name__}: {err}")
        seconds = time.perf_counter() - started
        passed = bool(math.isfinite(measured.value) and self.accept(measured.value))
        if self.unverified:
            status: Status = "XPASS" if passed else "XFAIL"
        else:
            status = "PASS" if passed else "FAIL"
        return CheckResult(self, measured, passed, status, seconds)


@dataclass(frozen=True)
class CheckResult:
    """A check's outcome: the model's figure, whether it agrees, and the status shown."""

    check: Check
    measurement: Measurement | None
    passed: bool | None
    status: Status
    seconds: float
    error: str | None = None

    @property
    def figure(self) -> str:
        """The model's figure as printed."""
        if self.measurement is not None:
            return self.measurement.text
        if self.status == "ERROR":
            return f"error: {self.error}"
        return "-"

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (non-finite numbers become ``None``)."""
        c = self.check
        m = self.measurement
        return _finite(
            {
                "id": c.id,
                "finding": c.finding,
                "group": c.group,
                "what": c.what,
                "source": c.source,
                "target": c.target,
                "tolerance": c.tolerance,
                "figure": self.figure,
                "value": m.value if m is not None else None,
                "details": dict(m.details) if m is not None else {},
                "passed": self.passed,
                "status": self.status,
                "unverified": c.unverified,
                "not_expressible": c.not_expressible,
                "disagreement": c.disagreement,
                "seconds": round(self.seconds, 2),
            }
        )


def _finite(obj: Any) -> Any:
    """The object with NaN and infinities replaced by ``None`` (strict JSON)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Mapping):
        return {str(k): _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalars
        return _finite(obj.item())
    return obj


def within(low: float, high: float) -> Callable[[float], bool]:
    """Accept a figure in ``[low, high]``."""
    return lambda x: low <= x <= high


def at_least(low: float) -> Callable[[float], bool]:
    """Accept a figure of at least ``low``."""
    return lambda x: x >= low


def at_most(high: float) -> Callable[[float], bool]:
    """Accept a figure of at most ``high``."""
    return lambda x: x <= high

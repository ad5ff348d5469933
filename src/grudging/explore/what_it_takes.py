"""What would it take? The smallest changes of the levers, and the assumptions, at which an option wins.

For one option against a baseline, *wins* means: in the paired replications (common random numbers:
the same parameter draws and random streams), the option is strictly better on the outcome in at
least a target share of them (``P(better) >= confidence``). Starting from the option as written,
each lever is searched alone (a coarse grid from the current value towards each end of its range,
then bisection to the first winning grid value), the most promising pairs on a small grid, and the
uncertain parameters are read from the run's own draws: which one-sided range of each, and which
PRIM box, holds a winning share of the replications. A directed search from the proposal outward,
in the spirit of robust decision making (Lempert, Popper & Bankes 2003), and scenario discovery for
the assumptions (Bryant & Lempert 2010).

Every evaluation is what :func:`grudging.chain.simulate` computes for the changed option and the
baseline: plans through one :class:`~grudging.plans.PlanCache`, parameter draws from
:func:`grudging.kernel.parameter_draws`, blocks of :data:`grudging.chain.BLOCK` replications through
:func:`grudging.kernel.run_block`. The method is in ``docs/design-notes/what-would-it-take.md``.

References
----------
Lempert, Popper & Bankes (2003), *Shaping the Next One Hundred Years*, RAND MR-1626. Bryant &
Lempert (2010), Thinking inside the box, *Technological Forecasting and Social Change* 77(1):
34-49. Friedman & Fisher (1999), Bump hunting in high-dimensional data, *Statistics and Computing*
9(2): 123-143.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from grudging.errors import GrudgingError, ParameterError, unknown_name
from grudging.rng import MASTER_SEED

if TYPE_CHECKING:
    from grudging.plans import PlanCache
    from grudging.scenario.schema import CourseOfAction, Lever, Scenario

DEFAULT_OPTION = "nato_replaces"
DEFAULT_BASELINE = "us_stays"
DEFAULT_OUTCOME = "civilian_deaths"
DEFAULT_CONFIDENCE = 0.5
#: Replications per evaluation of the lever search.
DEFAULT_REPLICATIONS = 200
#: Replications of the one evaluation whose draws the parameter conditions are read from.
DEFAULT_PARAMETER_REPLICATIONS = 1000
DEFAULT_MAX_EVALUATIONS = 200
#: Steps of the grid from the current value to each end of a numeric lever's range.
GRID_STEPS = 64
#: Coarse points per direction (the quarter points of the grid).
COARSE = 4
#: Levers taken in pairs (those closest to the target alone).
PAIR_LEVERS = 3
#: Smallest share of replications a parameter condition may keep.
MIN_SUPPORT = 0.1
#: Family-wise error level of the parameter conditions and of the PRIM box: a condition reaches
#: the goal only when its win rate's Wilson bound does, Bonferroni-corrected for every condition
#: tried in the call (docs/design-notes/what-would-it-take.md, "Many conditions tried").
FAMILY_LEVEL = 0.1
#: Parameters PRIM restricts (the top of the one-sided ranking).
BOX_PARAMETERS = 3

LeverValue = float | int | str | None

#: The levers the proposal names, as ``(name, option keys, kind, low, high, unit, resource)``;
#: a lever the scenario declares on the same keys replaces its entry. ``force_size`` gets its
#: range from the plan (a quarter of the troops raised to the requirement), ``roe_level`` its
#: choices from the scenario.
PROPOSAL_LEVERS: tuple[tuple[str, tuple[str, ...], str, float, float, str, str | None], ...] = (
    ("force_size", ("coalition", "target_troops"), "integer", 0, 0, "troops", "troops"),
    (
        "coalition_budget",
        ("coalition", "budget_musd"),
        "real",
        0,
        20000,
        "US$ million a year",
        "money",
    ),
    ("political_capital", ("coalition", "political_capital"), "real", 0.5, 10, "", "capital"),
    ("roe_level", ("coalition", "roe_level"), "categorical", 0, 0, "", None),
    ("aid", ("bargain", "aid_musd_per_year"), "real", 0, 15000, "US$ million a year", None),
    ("commitment_years", ("coalition", "commitment_years"), "real", 1, 10, "years", None),
)
_RESOURCES: dict[tuple[str, ...], str] = {
    ("coalition", "budget_musd"): "money",
    ("coalition", "political_capital"): "capital",
    ("coalition", "target_troops"): "troops",
}


# -- results ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Trial:
    """One evaluated value: P(better) and the mean paired difference (option minus baseline)."""

    value: LeverValue
    p_better: float | None
    mean_difference: float | None
    error: str | None = None


@dataclass(frozen=True)
class LeverResult:
    """The search of one lever, the others at the option's values.

    ``status``, when the option does not win at its values: ``reached`` (``threshold`` is the
    first winning value in ``direction``) or ``not_reached``; when it already wins (the search
    looks for the change that stops it winning): ``breaks`` (``threshold`` is the first value at
    which it no longer wins) or ``holds``. Either way: ``not_binding`` (a conference resource the
    conference does not use up; only values below what it uses were searched), ``no_effect``
    (every value gives the current paired outcomes) or ``stopped`` (the evaluation budget ran
    out). ``closest_value`` has the P(better) nearest to crossing the target (highest when a win
    is sought, lowest when a break is).
    """

    lever: str
    kind: str
    unit: str
    source: str
    low: float | None
    high: float | None
    choices: tuple[str, ...]
    current: LeverValue
    status: str
    threshold: LeverValue
    direction: str | None
    p_current: float
    p_threshold: float | None
    closest_value: LeverValue
    closest_p: float | None
    note: str
    trials: tuple[Trial, ...]


@dataclass(frozen=True)
class PairResult:
    """Two levers on a small grid; ``threshold`` is the winning cell found (first lever refined)."""

    levers: tuple[str, str]
    cells: tuple[tuple[LeverValue, LeverValue, float | None], ...]
    threshold: tuple[LeverValue, LeverValue] | None
    p_threshold: float | None
    best: tuple[LeverValue, LeverValue, float | None]


@dataclass(frozen=True)
class ParameterCondition:
    """A one-sided range of an uncertain parameter and the option's win rate inside it."""

    parameter: str
    operator: str
    threshold: float
    win_rate: float
    support: float
    reached: bool
    low: float
    high: float
    nominal: float


@dataclass(frozen=True)
class ParameterBox:
    """A PRIM box over the top parameters: limits, coverage and density of the wins."""

    limits: tuple[tuple[str, float, float], ...]
    coverage: float
    density: float
    mass: float
    reached: bool
    cases: str = "wins"


@dataclass(frozen=True)
class WhatItTakes:
    """The answer: the option's P(better) now, each lever's threshold, pairs, parameter conditions."""

    scenario: str
    option: str
    baseline: str
    outcome: str
    direction: str
    unit: str
    confidence: float
    replications: int
    parameter_replications: int
    seed: int
    p_current: float
    question: str
    mean_difference: float
    levers: tuple[LeverResult, ...]
    pairs: tuple[PairResult, ...]
    parameters: tuple[ParameterCondition, ...]
    parameter_win_rate: float
    box: ParameterBox | None
    evaluations: int
    stopped: bool
    summary: str
    #: The scenario's hash with its overrides (empty in answers saved before it was recorded).
    scenario_hash: str = ""
    seconds: float = field(default=0.0, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WhatItTakes:
        """The answer back from :meth:`to_dict`'s data (as ``what-would-it-take --json`` writes
        it; lists become tuples again)."""

        def tup(items: Any) -> tuple[Any, ...]:
            return tuple(tup(i) if isinstance(i, list) else i for i in items or ())

        levers = tuple(
            LeverResult(
                **{
                    **r,
                    "choices": tuple(r.get("choices") or ()),
                    "trials": tuple(Trial(**t) for t in r.get("trials") or ()),
                }
            )
            for r in data.get("levers") or ()
        )
        pairs = tuple(
            PairResult(
                levers=tup(p["levers"]),
                cells=tup(p["cells"]),
                threshold=tup(p["threshold"]) if p.get("threshold") is not None else None,
                p_threshold=p.get("p_threshold"),
                best=tup(p["best"]),
            )
            for p in data.get("pairs") or ()
        )
        box = data.get("box")
        return cls(
            **{
                **data,
                "levers": levers,
                "pairs": pairs,
                "parameters": tuple(ParameterCondition(**c) for c in data.get("parameters") or ()),
                "box": ParameterBox(**{**box, "limits": tup(box["limits"])}) if box else None,
            }
        )


# -- levers -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LeverSpec:
    """A lever the search moves: declared by the scenario or named by the proposal."""

    name: str
    kind: str
    low: float | None
    high: float | None
    choices: tuple[str, ...]
    unit: str
    source: str
    keys: tuple[str, ...]
    resource: str | None = None
    lever: Lever | None = None

    def current(self, option: CourseOfAction) -> LeverValue:
        """The lever's value in ``option`` (a drawdown lever: the month of the last point)."""
        node: Any = option.model_dump()
        for key in self.keys:
            node = node.get(key) if isinstance(node, Mapping) else None
        if self.lever is not None and self.lever.effect == "timeline_end":
            return int(node[-1]["month"])
        if isinstance(node, float | int) and not isinstance(node, bool):
            return int(node) if self.kind == "integer" else float(node)
        return node

    def apply(self, option: CourseOfAction, value: LeverValue) -> CourseOfAction:
        """``option`` with the lever at ``value`` (validated again)."""
        from grudging.scenario.levers import apply_levers

        if self.lever is not None:
            return apply_levers(option, [(self.lever, value)])
        return set_key(option, self.keys, value, self.name)


def set_key(
    option: CourseOfAction, keys: Sequence[str], value: LeverValue, name: str
) -> CourseOfAction:
    """``option`` with ``keys`` set to ``value`` (a key that holds none included), validated."""
    from pydantic import ValidationError

    from grudging.errors import ScenarioError
    from grudging.scenario.schema import CourseOfAction

    data = option.model_dump()
    node = data
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value
    try:
        return CourseOfAction.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        raise ScenarioError(
            f"lever {name}={value!r} makes option '{option.id}' invalid: {first['msg']}"
        ) from None


def _declared_keys(lever: Lever, option: CourseOfAction) -> tuple[str, ...] | None:
    """The option keys a declared lever sets in ``option`` (its first reaching path)."""
    for path in lever.paths:
        parts = path.split(".")
        if parts[1] in ("*", option.id):
            node: Any = option.model_dump()
            for key in parts[2:]:
                node = node.get(key) if isinstance(node, Mapping) else None
            if node is not None:
                return tuple(parts[2:])
    return None


def lever_specs(scn: Scenario, option: CourseOfAction) -> list[LeverSpec]:
    """The levers that reach ``option``: the proposal's (force size, budget, capital, ROE, aid,
    commitment), each replaced by a lever the scenario declares on the same keys, then the
    scenario's other levers."""
    from grudging.scenario.levers import lever_reaches

    declared: dict[tuple[str, ...], Lever] = {}
    for lever in scn.levers:
        keys = _declared_keys(lever, option) if lever_reaches(lever, option) else None
        if keys is not None:
            declared.setdefault(keys, lever)
    specs: list[LeverSpec] = []
    used: set[str] = set()
    names = {lv.name for lv in scn.levers}
    for name, keys, kind, low, high, unit, resource in PROPOSAL_LEVERS:
        found = declared.get(keys)
        if found is not None:
            specs.append(_declared_spec(found, keys))
            used.add(found.name)
            continue
        if option.historical or name in names or getattr(option, keys[0]) is None:
            continue
        choices = tuple(r.id for r in scn.roe_levels) if kind == "categorical" else ()
        if kind == "categorical" and len(choices) < 2:
            continue
        specs.append(
            LeverSpec(
                name,
                kind,
                None if kind == "categorical" else float(low),
                None if kind == "categorical" else float(high),
                choices,
                unit,
                "proposal",
                keys,
                resource,
            )
        )
    for keys, lever in declared.items():
        if lever.name not in used:
            specs.append(_declared_spec(lever, keys))
            used.add(lever.name)
    return specs


def _declared_spec(lever: Lever, keys: tuple[str, ...]) -> LeverSpec:
    return LeverSpec(
        lever.name,
        lever.kind,
        lever.low,
        lever.high,
        tuple(lever.choices),
        lever.unit,
        "scenario",
        keys,
        _RESOURCES.get(keys),
        lever,
    )


# -- the pure search ----------------------------------------------------------------------------
def direction_grid(
    start: float, end: float, kind: str, steps: int = GRID_STEPS
) -> list[float | int]:
    """The grid from ``start`` (excluded) to ``end`` (included), nearest first: ``steps`` equal
    steps, or every whole number of an integer lever when there are at most ``steps``."""
    if kind == "integer":
        a, b = round(start), round(end)
        if a == b:
            return []
        sign = 1 if b > a else -1
        whole: list[float | int] = list(range(a + sign, b + sign, sign))
        if len(whole) <= steps:
            return whole
        picked = [round(a + (b - a) * i / steps) for i in range(1, steps + 1)]
        return list(dict.fromkeys(picked))
    if start == end:
        return []
    return [start + (end - start) * i / steps for i in range(1, steps + 1)]


def first_winning(
    grid: Sequence[LeverValue], wins: Callable[[LeverValue], bool], coarse: int = COARSE
) -> int | None:
    """Index of the first grid value that wins: the coarse points nearest first, then bisection
    between the last coarse point that loses and the first that wins (exact for a response that is
    monotone in the bracket). ``None`` when no coarse point wins."""
    n = len(grid)
    if n == 0:
        return None
    marks = sorted({max(0, math.ceil(n * j / coarse) - 1) for j in range(1, coarse + 1)})
    lo, hi = -1, None
    for mark in marks:
        if wins(grid[mark]):
            hi = mark
            break
        lo = mark
    if hi is None:
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if wins(grid[mid]):
            hi = mid
        else:
            lo = mid
    return hi


@dataclass(frozen=True)
class Goal:
    """What a search looks for: a win (``P(better) >= target``) or, for an option that already
    wins, a break (``P(better) < target``, or an option that cannot be planned)."""

    target: float
    hold: bool = False

    def met(self, p: float | None) -> bool:
        """Whether an evaluation with P(better) ``p`` (None: not plannable) is what is sought."""
        if self.hold:
            return p is None or p < self.target
        return p is not None and p >= self.target

    def score(self, p: float | None) -> float:
        """Larger is closer to what is sought."""
        if p is None:
            return math.inf if self.hold else -math.inf
        return -p if self.hold else p


def _goal(target: float | Goal) -> Goal:
    return target if isinstance(target, Goal) else Goal(float(target))


class _OutOfEvaluations(Exception):
    """The evaluation budget is spent."""


Probe = Callable[[LeverValue], Trial]


def search_lever(
    spec: LeverSpec,
    current: LeverValue,
    probe: Probe,
    target: float | Goal,
    start_down: float | None = None,
    search_up: bool = True,
) -> tuple[str, LeverValue, str | None, list[Trial]]:
    """Search one lever from ``current``: ``(status, threshold, direction, trials)``.

    ``probe(value)`` evaluates the option with the lever at ``value``. Numeric levers: each
    direction by :func:`first_winning` on :func:`direction_grid`; the direction needing the smaller
    change relative to the range wins. ``start_down`` starts the downward grid elsewhere than the
    current value (a resource the conference does not use up: from what it uses); ``search_up``
    False skips the upward one. Categorical levers: every choice. ``target`` is a probability (a
    win is sought) or a :class:`Goal`.
    """
    goal = _goal(target)
    trials: list[Trial] = []

    def wins(value: LeverValue) -> bool:
        trial = probe(value)
        trials.append(trial)
        return goal.met(trial.p_better)

    if spec.kind == "categorical":
        for choice in spec.choices:
            if choice != current:
                wins(choice)
        winning = [t for t in trials if goal.met(t.p_better)]
        if not winning:
            return "not_reached", None, None, trials
        best = max(winning, key=lambda t: goal.score(t.p_better))
        return "reached", best.value, "choice", trials
    assert spec.low is not None
    assert spec.high is not None
    assert isinstance(current, int | float)
    span = spec.high - spec.low
    found: list[tuple[float, LeverValue, str]] = []
    down_from = current if start_down is None else start_down
    for direction, start, end in (("up", current, spec.high), ("down", down_from, spec.low)):
        if direction == "up" and not search_up:
            continue
        if (end - start) * (1 if direction == "up" else -1) <= 0:
            continue
        grid = direction_grid(float(start), float(end), spec.kind)
        index = first_winning(grid, wins)
        if index is not None:
            found.append((abs(float(grid[index]) - float(current)) / span, grid[index], direction))
    if not found:
        return "not_reached", None, None, trials
    _, value, direction = min(found, key=lambda f: f[0])
    return "reached", value, direction, trials


# -- evaluations through the kernel -------------------------------------------------------------
@dataclass
class _Point:
    trial: Trial
    outcomes: np.ndarray | None
    coalition: tuple[int, float, float, float] | None  # troops, effective, money, capital
    requirement: float | None


class _Evaluator:
    """Paired evaluations of changed options against the baseline, memoised by the option."""

    def __init__(
        self,
        scn: Scenario,
        baseline: str,
        outcome: str,
        direction: str,
        replications: int,
        seed: int,
        cache: PlanCache,
        limit: int | None,
    ) -> None:
        from grudging.kernel import parameter_draws, run_values

        self.scn, self.outcome, self.seed, self.cache = scn, outcome, seed, cache
        self.replications = replications
        self.sign = 1.0 if direction == "minimize" else -1.0
        self.values = run_values(scn)
        self.draws = parameter_draws(scn, replications, seed)
        self.base = self.outcomes(cache.plan(scn, baseline, None, seed))
        self.memo: dict[str, _Point] = {}
        self.count, self.limit = 0, limit

    def outcomes(self, plan: Any) -> np.ndarray:
        """The outcome per replication, block by block as :func:`grudging.chain.simulate` runs."""
        from grudging.chain import BLOCK
        from grudging.kernel import run_block
        from grudging.model.outcomes import scalar_outcomes

        parts = []
        for start in range(0, self.replications, BLOCK):
            rows = slice(start, min(start + BLOCK, self.replications))
            block = {**self.values, **{k: v[rows] for k, v in self.draws.items()}}
            traj = run_block(
                self.scn, plan, block, rows.stop - rows.start, self.seed, start // BLOCK
            )
            parts.append(np.asarray(scalar_outcomes(traj)[self.outcome], dtype=float))
        return np.concatenate(parts)

    def __call__(self, option: CourseOfAction, value: LeverValue = None) -> _Point:
        key = option.model_dump_json()
        hit = self.memo.get(key)
        if hit is None:
            if self.limit is not None and self.count >= self.limit:
                raise _OutOfEvaluations
            self.count += 1
            try:
                plan = self.cache.plan(self.scn, option, None, self.seed)
            except GrudgingError as err:
                hit = _Point(Trial(value, None, None, str(err)), None, None, None)
            else:
                out = self.outcomes(plan)
                better = self.sign * (self.base - out) > 0
                coalition = None
                if plan.conference is not None:
                    c = plan.conference.coalition
                    coalition = (
                        int(c.total_troops),
                        float(c.total_effective),
                        float(c.total_cost_musd),
                        float(c.political_spent),
                    )
                hit = _Point(
                    Trial(value, float(better.mean()), float((out - self.base).mean())),
                    out,
                    coalition,
                    float(plan.requirement.total),
                )
            self.memo[key] = hit
        return replace(hit, trial=replace(hit.trial, value=value))


# -- checks -------------------------------------------------------------------------------------
def check_request(
    scn: Scenario,
    option: str,
    baseline: str,
    outcome: str,
    confidence: float,
    levers: Sequence[str] = (),
    replications: int = DEFAULT_REPLICATIONS,
    parameter_replications: int = DEFAULT_PARAMETER_REPLICATIONS,
    max_evaluations: int = DEFAULT_MAX_EVALUATIONS,
    flags: Mapping[str, str] | None = None,
) -> list[LeverSpec]:
    """Refuse a bad request before anything is planned; return the levers to search.

    ``flags`` names the arguments in messages (the CLI's ``--option`` ...).
    """
    from grudging.model.outcomes import missing_outcome, theatre_outcomes

    def flag(role: str, value: object) -> str:
        return f"{(flags or {}).get(role, role)} {value}"

    ids = [o.id for o in scn.options]
    for role, name in (("option", option), ("baseline", baseline)):
        if name not in ids:
            raise ParameterError(f"{flag(role, name)}: {unknown_name('option', name, ids)}")
    if option == baseline:
        raise ParameterError(
            f"{flag('baseline', baseline)}: the baseline is the option itself; compare it with "
            f"another option ({', '.join(i for i in ids if i != option)})"
        )
    if scn.option(option).historical:
        chosen = [o.id for o in scn.options if not o.historical and o.id != baseline]
        raise ParameterError(
            f"{flag('option', option)}: the option replays what happened (historical: true), "
            "so no lever changes it; ask about a course of action that could be chosen"
            + (f" ({', '.join(chosen)})" if chosen else "")
        )
    reported = theatre_outcomes(scn)  # a theatre without a patron reports no cost to it
    if outcome not in reported:
        problem = missing_outcome(outcome, reported, scn.id, scn.patron is not None)
        raise ParameterError(f"{flag('outcome', outcome)}: {problem}")
    if not (isinstance(confidence, int | float) and 0.0 < confidence < 1.0):
        raise ParameterError(
            f"{flag('confidence', confidence)}: give a probability strictly between 0 and 1 "
            "(e.g. 0.5 for better in at least half of the paired replications, 0.8)"
        )
    for role, number, least in (
        ("replications", replications, 1),
        ("parameter_replications", parameter_replications, 10),
        ("max_evaluations", max_evaluations, 1),
    ):
        if isinstance(number, bool) or not isinstance(number, int) or number < least:
            raise ParameterError(f"{flag(role, number)}: give a whole number of at least {least}")
    if isinstance(levers, str):
        raise ParameterError(
            f"{flag('lever', levers)}: give lever names as a list (e.g. ['{levers}'])"
        )
    specs = lever_specs(scn, scn.option(option))
    known = [s.name for s in specs]
    for name in levers:
        if name not in known:
            reach = f"levers that reach '{option}'"
            raise ParameterError(
                f"{flag('lever', name)}: {unknown_name('lever', name, known)} ({reach})"
                if known
                else f"{flag('lever', name)}: no lever reaches option '{option}'"
            )
    return [s for s in specs if not levers or s.name in levers]


# -- the engine ---------------------------------------------------------------------------------
def what_it_takes(
    scn: Scenario | str | Path,
    option: str = DEFAULT_OPTION,
    baseline: str = DEFAULT_BASELINE,
    outcome: str = DEFAULT_OUTCOME,
    confidence: float = DEFAULT_CONFIDENCE,
    levers: Sequence[str] = (),
    replications: int = DEFAULT_REPLICATIONS,
    parameter_replications: int = DEFAULT_PARAMETER_REPLICATIONS,
    max_evaluations: int = DEFAULT_MAX_EVALUATIONS,
    seed: int = MASTER_SEED,
    cache: PlanCache | None = None,
    progress: Callable[[str], None] | None = None,
) -> WhatItTakes:
    """The smallest lever changes, and the parameter conditions, at which ``option`` beats
    ``baseline`` on ``outcome`` in at least ``confidence`` of the paired replications.

    Deterministic for a seed. Raises :class:`~grudging.errors.ParameterError` on a bad request
    before planning anything (:func:`check_request`).
    """
    from grudging.model.outcomes import OUTCOMES
    from grudging.plans import PlanCache
    from grudging.rng import check_seed

    if isinstance(scn, str | Path):
        from grudging.scenario import load_scenario

        scn = load_scenario(scn)
    check_seed(seed)
    specs = check_request(
        scn,
        option,
        baseline,
        outcome,
        confidence,
        levers,
        replications,
        parameter_replications,
        max_evaluations,
    )
    started = time.perf_counter()
    say = progress or (lambda _: None)
    declared = OUTCOMES[outcome]
    planner = cache if cache is not None else PlanCache()
    ev = _Evaluator(
        scn, baseline, outcome, declared.direction, replications, seed, planner, max_evaluations
    )
    base_option = scn.option(option)
    now = ev(base_option)
    if now.trial.p_better is None:
        raise GrudgingError(f"option '{option}' cannot be planned: {now.trial.error}")
    p_now = now.trial.p_better
    goal = Goal(float(confidence), hold=p_now >= confidence)
    stopped = False
    results: list[LeverResult] = []
    for spec in specs:
        say(f"lever {spec.name}")
        try:
            results.append(_lever(spec, base_option, ev, now, goal))
        except _OutOfEvaluations:
            stopped = True
            results.append(_stopped(spec, base_option, p_now))
    pairs: list[PairResult] = []
    if not stopped:
        say("pairs")
        try:
            _pairs(results, specs, base_option, ev, goal, pairs)
        except _OutOfEvaluations:
            stopped = True
    say("parameters")
    conditions, rate, box = _parameter_conditions(
        scn,
        baseline,
        outcome,
        declared.direction,
        parameter_replications,
        seed,
        planner,
        base_option,
        goal,
    )
    from grudging.scenario.io import scenario_hash

    answer = WhatItTakes(
        scenario=scn.id,
        scenario_hash=scenario_hash(scn),
        option=option,
        baseline=baseline,
        outcome=outcome,
        direction=declared.direction,
        unit=declared.unit,
        confidence=float(confidence),
        replications=replications,
        parameter_replications=parameter_replications,
        seed=seed,
        p_current=p_now,
        question="hold" if goal.hold else "win",
        mean_difference=float(now.trial.mean_difference or 0.0),
        levers=tuple(results),
        pairs=tuple(pairs),
        parameters=tuple(conditions),
        parameter_win_rate=rate,
        box=box,
        evaluations=ev.count,
        stopped=stopped,
        summary="",
    )
    return replace(
        answer, summary=summarise(answer, scn), seconds=round(time.perf_counter() - started, 1)
    )


def _lever(
    spec: LeverSpec, option: CourseOfAction, ev: _Evaluator, now: _Point, goal: Goal
) -> LeverResult:
    current = spec.current(option)
    p_now = now.trial.p_better or 0.0
    assert now.outcomes is not None
    base = now.outcomes
    if spec.name == "force_size" and spec.resource == "troops" and spec.source == "proposal":
        raised = now.coalition[0] if now.coalition else 0
        spec = replace(
            spec, low=float(max(1, round(raised / 4))), high=float(round(now.requirement or 0))
        )
    points: dict[str, _Point] = {}

    def probe(value: LeverValue) -> Trial:
        changed = spec.apply(option, value)
        point = ev(changed, value)
        points[repr(value)] = point
        return point.trial

    def result(
        status: str,
        threshold: LeverValue = None,
        direction: str | None = None,
        trials: Sequence[Trial] = (),
        note: str = "",
    ) -> LeverResult:
        scored = [t for t in trials if t.p_better is not None]
        best = max(scored, key=lambda t: goal.score(t.p_better), default=None)
        closer = best is not None and goal.score(best.p_better) > goal.score(p_now)
        p_at = next((t.p_better for t in trials if t.value == threshold), None)
        if goal.hold:
            status = {"reached": "breaks", "not_reached": "holds"}.get(status, status)
        return LeverResult(
            lever=spec.name,
            kind=spec.kind,
            unit=spec.unit,
            source=spec.source,
            low=spec.low,
            high=spec.high,
            choices=spec.choices,
            current=current,
            status=status,
            threshold=threshold,
            direction=direction,
            p_current=p_now,
            p_threshold=p_at,
            closest_value=best.value if best is not None and closer else current,
            closest_p=best.p_better if best is not None and closer else p_now,
            note=note,
            trials=tuple(trials),
        )

    note = ""
    if spec.resource is not None and now.coalition is not None and spec.kind != "categorical":
        origin = spec.high if current is None else current  # no troop target: the requirement
        assert isinstance(origin, int | float)
        have = float(origin)
        used = _used(spec.resource, now.coalition)
        if used < have * (1 - 1e-9):
            assert spec.high is not None
            top = probe(int(spec.high) if spec.kind == "integer" else spec.high)
            at_top = points[repr(int(spec.high) if spec.kind == "integer" else spec.high)]
            same = (
                at_top.coalition is not None
                and at_top.coalition[:2] == now.coalition[:2]
                and at_top.outcomes is not None
                and np.array_equal(at_top.outcomes, base)
            )
            if same:
                note = _not_binding(spec, used, have)
                assert spec.low is not None
                if spec.low >= used:
                    return result(
                        "not_binding", None, None, [top], note + "; the whole range is flat"
                    )
                note += f"; only values below {_fmt(used, spec.unit)} searched"
                status, threshold, direction, trials = search_lever(
                    spec, have, probe, goal, start_down=used, search_up=False
                )
                trials = [top, *trials]
                return result(
                    status if status == "reached" else "not_binding",
                    threshold,
                    direction,
                    trials,
                    note,
                )
    origin = spec.high if current is None else current  # no troop target: the requirement
    status, threshold, direction, trials = search_lever(spec, origin, probe, goal)
    changed = [points[repr(t.value)] for t in trials if repr(t.value) in points]
    if (
        status == "not_reached"
        and changed
        and all(p.outcomes is not None and np.array_equal(p.outcomes, base) for p in changed)
    ):
        return result("no_effect", None, None, trials, "no value in the range changes the outcome")
    if status == "not_reached":
        note = _range_note(spec, goal)
    return result(status, threshold, direction, trials, note)


def _used(resource: str, coalition: tuple[int, float, float, float]) -> float:
    troops, _, money, capital = coalition
    return {"money": money, "capital": capital, "troops": float(troops)}[resource]


def _not_binding(spec: LeverSpec, used: float, have: float) -> str:
    if spec.resource == "money":
        return (
            f"the budget does not bind: the conference spends US${used:,.0f}M of "
            f"US${have:,.0f}M; more money buys nothing"
        )
    if spec.resource == "capital":
        return (
            f"political capital does not bind: the conference spends {used:.2f} of {have:.2f}; "
            "more concessions buy nothing"
        )
    return (
        f"the force size does not bind: the conference raises {used:,.0f} troops of the "
        f"{have:,.0f} sought; a larger target raises none"
    )


def _range_note(spec: LeverSpec, goal: Goal) -> str:
    if spec.kind == "categorical":
        verb = "stops it winning" if goal.hold else "reaches it"
        return f"none of the {len(spec.choices)} choices {verb}"
    where = f"[{_fmt(spec.low, spec.unit)}, {_fmt(spec.high, spec.unit)}]"
    return f"{'wins throughout' if goal.hold else 'not reached within'} the range {where}"


def _stopped(spec: LeverSpec, option: CourseOfAction, p_now: float) -> LeverResult:
    return LeverResult(
        spec.name,
        spec.kind,
        spec.unit,
        spec.source,
        spec.low,
        spec.high,
        spec.choices,
        spec.current(option),
        "stopped",
        None,
        None,
        p_now,
        None,
        spec.current(option),
        p_now,
        "the evaluation budget ran out (raise --max-evaluations)",
        (),
    )


def _pairs(
    results: Sequence[LeverResult],
    specs: Sequence[LeverSpec],
    option: CourseOfAction,
    ev: _Evaluator,
    goal: Goal,
    out: list[PairResult],
) -> None:
    """The closest levers, in pairs on a 3 x 3 grid (see the design note); appended to ``out``."""
    by_name = {s.name: s for s in specs}
    close = [
        r
        for r in results
        if r.status in ("not_reached", "holds", "not_binding")
        and goal.score(r.closest_p) > goal.score(r.p_current)
    ]
    close.sort(key=lambda r: -goal.score(r.closest_p))
    for a, b in itertools.combinations(close[:PAIR_LEVERS], 2):
        sa, sb = by_name[a.lever], by_name[b.lever]
        cells: list[tuple[LeverValue, LeverValue, float | None]] = []
        for va in _levels(sa, a):
            for vb in _levels(sb, b):
                if va == a.current and vb == b.current:
                    continue
                trial = ev(sb.apply(sa.apply(option, va), vb)).trial
                cells.append((va, vb, trial.p_better))
        winning = [c for c in cells if goal.met(c[2])]
        best = max(cells, key=lambda c: goal.score(c[2]))
        threshold: tuple[LeverValue, LeverValue] | None = None
        p_at = None
        if winning:
            cell = min(winning, key=lambda c: _change(a, c[0]) + _change(b, c[1]))
            threshold, p_at = (cell[0], cell[1]), cell[2]
            if sa.kind != "categorical" and cell[0] != a.current:
                assert isinstance(cell[0], int | float)
                grid = direction_grid(_origin(a), float(cell[0]), sa.kind)
                vb = cell[1]

                def wins(
                    value: LeverValue,
                    vb: LeverValue = vb,
                    sa: LeverSpec = sa,
                    sb: LeverSpec = sb,
                ) -> bool:
                    return goal.met(ev(sb.apply(sa.apply(option, value), vb)).trial.p_better)

                index = first_winning(grid, wins)
                if index is not None:
                    value = grid[index]
                    threshold = (value, vb)
                    p_at = ev(sb.apply(sa.apply(option, value), vb)).trial.p_better
        out.append(PairResult((a.lever, b.lever), tuple(cells), threshold, p_at, best))


def _origin(r: LeverResult) -> float:
    """Where a numeric lever's search starts: its value (no troop target: the requirement)."""
    origin = r.high if r.current is None else r.current
    assert isinstance(origin, int | float)
    return float(origin)


def _levels(spec: LeverSpec, r: LeverResult) -> list[LeverValue]:
    if spec.kind == "categorical" or r.closest_value == r.current:
        return list(dict.fromkeys([r.current, r.closest_value]))
    assert isinstance(r.closest_value, int | float)
    mid: float | int = _origin(r) + (r.closest_value - _origin(r)) / 2
    if spec.kind == "integer":
        mid = round(mid)
    return list(dict.fromkeys([r.current, mid, r.closest_value]))


def _change(r: LeverResult, value: LeverValue) -> float:
    """The change from the lever's value, relative to its range (a new choice: 1)."""
    if value == r.current:
        return 0.0
    if r.kind == "categorical" or r.low is None or r.high is None or r.high == r.low:
        return 1.0
    assert isinstance(value, int | float)
    return abs(float(value) - _origin(r)) / (r.high - r.low)


# -- the uncertain parameters -------------------------------------------------------------------
def parameter_conditions(
    draws: Mapping[str, np.ndarray],
    wins: np.ndarray,
    target: float | Goal,
    bounds: Mapping[str, tuple[float, float, float]],
) -> list[ParameterCondition]:
    """Per parameter, the one-sided condition on its draws (cut at the deciles, keeping at least
    :data:`MIN_SUPPORT` of the replications) with the largest support among those where the win
    rate meets the goal (reaches the target; for an option that already wins, falls below it)
    credibly: its Wilson bound does, at :data:`FAMILY_LEVEL` over every condition tried
    (:func:`family_z`); else the win rate closest to it. Ranked as the design note says.
    ``bounds`` gives each parameter's ``(low, high, nominal)``."""
    goal = _goal(target)
    wins = np.asarray(wins, dtype=bool)
    tried: list[tuple[str, np.ndarray, list[tuple[float, float, str, float]]]] = []
    for name, column in draws.items():
        x = np.asarray(column, dtype=float)
        if np.ptp(x) == 0:
            continue
        cuts = np.quantile(x, np.linspace(0.1, 0.9, 9))
        options = []
        for t in cuts:
            for operator, inside in ((">=", x >= t), ("<=", x <= t)):
                support = float(inside.mean())
                if support < MIN_SUPPORT or support >= 1.0:
                    continue
                options.append((float(wins[inside].mean()), support, operator, float(t)))
        if options:
            tried.append((name, x, options))
    z = family_z(sum(len(options) for _, _, options in tried))

    def credible(rate: float, support: float) -> bool:
        low, high = wilson(rate, max(1, round(support * wins.size)), z)
        return goal.met(high if goal.hold else low)

    conditions = []
    for name, x, options in tried:
        reaching = [o for o in options if credible(o[0], o[1])]
        rate, support, operator, t = (
            max(reaching, key=lambda o: (o[1], goal.score(o[0])))
            if reaching
            else max(options, key=lambda o: (goal.score(o[0]), o[1]))
        )
        low, high, nominal = bounds.get(name, (float(x.min()), float(x.max()), float(np.median(x))))
        conditions.append(
            ParameterCondition(name, operator, t, rate, support, bool(reaching), low, high, nominal)
        )
    conditions.sort(
        key=lambda c: (
            not c.reached,
            -c.support if c.reached else -goal.score(c.win_rate),
            c.parameter,
        )
    )
    return conditions


def _parameter_conditions(
    scn: Scenario,
    baseline: str,
    outcome: str,
    direction: str,
    replications: int,
    seed: int,
    cache: PlanCache,
    option: CourseOfAction,
    goal: Goal,
) -> tuple[list[ParameterCondition], float, ParameterBox | None]:
    ev = _Evaluator(scn, baseline, outcome, direction, replications, seed, cache, None)
    point = ev(option)
    if point.outcomes is None:
        return [], 0.0, None
    wins = ev.sign * (ev.base - point.outcomes) > 0
    bounds = {p.name: (p.low, p.high, p.value) for p in scn.parameters}
    from grudging.options import UNREAD_BY_RUNS

    read = {name: x for name, x in ev.draws.items() if name not in UNREAD_BY_RUNS}
    conditions = parameter_conditions(read, wins, goal, bounds)
    top = [c.parameter for c in conditions[:BOX_PARAMETERS]]
    box = (
        prim_box(ev.draws, ~wins, top, 1.0 - goal.target, "losses")
        if goal.hold
        else prim_box(ev.draws, wins, top, goal.target, "wins")
    )
    return conditions, float(wins.mean()), box


def prim_box(
    draws: Mapping[str, np.ndarray],
    cases: np.ndarray,
    names: Sequence[str],
    target: float,
    what: str = "wins",
) -> ParameterBox | None:
    """PRIM (EMA Workbench) on ``names`` for the ``cases`` (the wins, or the losses of an option
    that already wins): the step of the first box's peeling trajectory with the largest coverage x
    density among those whose density reaches ``target`` (when none does, the densest step,
    reported as short of the target). None when no box is found, or when the chosen one's
    density is not credibly above the cases' rate over all replications (its Wilson lower bound,
    at :data:`FAMILY_LEVEL` over the trajectory's steps); ``reached`` when that bound reaches
    ``target``."""
    import pandas as pd

    y = np.asarray(cases, dtype=bool)
    if not names or y.all() or not y.any():
        return None
    x = pd.DataFrame({n: np.asarray(draws[n], dtype=float) for n in names})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("EMA").setLevel(logging.WARNING)
        from ema_workbench.analysis import prim

        # PRIM returns no box whose final density is below its threshold: ask at the base rate
        # and choose on the whole peeling trajectory
        floor = min(target, float(y.mean()))
        box = prim.Prim(x, y, threshold=floor, mass_min=MIN_SUPPORT).find_box()
    if box is None:
        return None
    traj = box.peeling_trajectory
    z = family_z(len(traj))
    score = traj["coverage"] * traj["density"]
    reaching = traj.index[traj["density"] >= target]
    step = int(score.loc[reaching].idxmax() if len(reaching) else traj["density"].idxmax())
    lims = box.box_lims[step]
    limits = []
    for n in names:
        lo, hi = float(lims[n].iloc[0]), float(lims[n].iloc[1])
        if lo > float(x[n].min()) or hi < float(x[n].max()):
            limits.append((n, lo, hi))
    stats = traj.loc[step]
    # a box chosen among the trajectory's steps concentrates the cases only if its density is
    # credibly above the rate over all replications (at the same family-wise level)
    low, _ = wilson(float(stats["density"]), max(1, round(float(stats["mass"]) * y.size)), z)
    if low <= float(y.mean()):
        return None
    return ParameterBox(
        tuple(limits),
        float(stats["coverage"]),
        float(stats["density"]),
        float(stats["mass"]),
        bool(low >= target),
        what,
    )


# -- words --------------------------------------------------------------------------------------
def _fmt(value: LeverValue, unit: str = "") -> str:
    """A lever value in its unit."""
    if value is None:
        return "no target (the requirement)" if unit == "troops" else "none"
    if isinstance(value, str):
        return value
    if unit.startswith("US$ million"):
        return f"US${value:,.0f}M"
    if unit == "troops":
        return f"{value:,.0f} troops"
    if unit == "months":
        return f"{value:.0f} months"
    if unit == "years":
        return f"{value:.2f} years"
    return f"{value:,.4g}"


def format_value(value: LeverValue, unit: str = "") -> str:
    """A lever value in its unit, as the table shows it."""
    return _fmt(value, unit)


def summarise(answer: WhatItTakes, scn: Scenario) -> str:
    """One sentence: what the option needs to win (or, when it wins already, what would stop it
    winning), or that no searched change does it."""
    from grudging.report.numbers import (
        in_sentence,
        lever_label,
        outcome_label,
        parameter_label,
        percent,
    )
    from grudging.report.what import choice_names

    names = choice_names(scn)

    def lever(name: str) -> str:
        return in_sentence(lever_label(name))

    def value(v: LeverValue, unit: str) -> str:
        return names.get(v, v) if isinstance(v, str) else _fmt(v, unit)

    hold = answer.question == "hold"
    name = scn.option(answer.option).name
    base = scn.option(answer.baseline).name
    # the share as the tables round it (two places), so that "96 %" never stands beside "0.97"
    shown = float(f"{answer.p_current:.2f}")
    head = (
        f"{name} beats {base} on {in_sentence(outcome_label(answer.outcome))} in "
        f"{percent(shown)} of paired replications (target {percent(answer.confidence)})"
    )
    sought = "breaks" if hold else "reached"
    ways = [
        f"{lever(r.lever)} {'is set to' if r.kind == 'categorical' else 'goes to'} "
        f"{value(r.threshold, r.unit)} (P(better) {_p(r.p_threshold)})"
        for r in answer.levers
        if r.status == sought or (r.status == "not_binding" and r.threshold is not None)
    ]
    ways += [
        f"{lever(p.levers[0])} goes to {value(p.threshold[0], _unit(answer, p.levers[0]))} with "
        f"{lever(p.levers[1])} at {value(p.threshold[1], _unit(answer, p.levers[1]))} "
        f"(P(better) {_p(p.p_threshold)})"
        for p in answer.pairs
        if p.threshold is not None
    ]
    if not answer.levers:
        lever_part = "; the scenario declares no lever this option reads, so none was searched"
    elif hold:
        lever_part = (
            "; it wins as proposed, and stops winning if " + ", or if ".join(ways)
            if ways
            else "; it wins as proposed, and keeps winning under every lever change searched"
        )
    else:
        stopped = sum(r.status == "stopped" for r in answer.levers)
        lever_part = (
            "; it wins only if " + ", or if ".join(ways)
            if ways
            else (
                f"; no lever searched makes it win, but {stopped} of {len(answer.levers)} levers "
                "were not searched before the evaluation budget ran out (raise --max-evaluations)"
                if stopped
                else "; no lever alone or in the pairs searched makes it win"
            )
        )
    if not ways:
        goal = Goal(answer.confidence, hold)
        closest = max(answer.levers, key=lambda r: goal.score(r.closest_p), default=None)
        if closest is not None and goal.score(closest.closest_p) > goal.score(answer.p_current):
            lever_part += (
                f" (closest: {lever(closest.lever)} at {value(closest.closest_value, closest.unit)}, "
                f"P(better) {_p(closest.closest_p)})"
            )
    idle = [r.note.split(":")[0] for r in answer.levers if r.status == "not_binding"]
    if idle:
        lever_part += "; " + " and ".join(idle)
    reached = [c for c in answer.parameters if c.reached][:2]
    verb = "it stops winning" if hold else "it wins"
    if reached:
        assumptions = " or when ".join(
            f"{parameter_label(c.parameter)} {c.operator} {c.threshold:.3g} (P(better) "
            f"{condition_interval(c, answer.parameter_replications)})"
            for c in reached
        )
        part = f"; among the assumptions, {verb} when {assumptions}"
    else:
        part = "; no one-sided range of a single uncertain parameter makes it " + (
            "stop winning" if hold else "win"
        )
    return head + lever_part + part + "."


def wilson(p: float, n: int, z: float) -> tuple[float, float]:
    """The Wilson score interval of a rate ``p`` observed on ``n`` trials (Wilson 1927), each
    end one-sided at ``z``."""
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def family_z(tried: int, level: float = FAMILY_LEVEL) -> float:
    """The one-sided normal quantile that keeps the chance of any false claim among ``tried``
    at most ``level`` (Bonferroni)."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(1.0 - level / max(1, tried))


def condition_interval(c: Any, replications: int, z: float = 1.6448536269514722) -> str:
    """A condition's win rate with its 90 % Wilson interval and the replications behind it:
    ``0.45 (90 %: 0.26-0.66, 20 of 200 replications)``: a threshold found on a few replications
    is a guess, and says so."""
    n = max(1, round(c.support * replications))
    low, high = wilson(c.win_rate, n, z)
    return f"{c.win_rate:.2f} (90 %: {low:.2f}-{high:.2f}, {n:,} of {replications:,} replications)"


def _p(p: float | None) -> str:
    return "— (not plannable)" if p is None else f"{p:.2f}"


def _unit(answer: WhatItTakes, lever: str) -> str:
    return next((r.unit for r in answer.levers if r.lever == lever), "")

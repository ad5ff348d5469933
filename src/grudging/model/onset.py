"""Escalation from calm, and an intervener seen as a party: pure functions and the fit.

The dynamics carry violence forward from its information-date rate (a Hawkes echo of what was
observed), so a calm start stays calm: an insurgency after an invasion, or killing after a weak
mission's collapse, cannot grow. This module gives the missing piece as a monthly **onset hazard**
of large-scale violence that

* starts from the hazard of renewed war after a truce with no peace operation, fitted on the
  post-war episodes of Fortna (2008) and Walter (2015) that start up to 1995
  (``grudging/calibration/data/settlements.csv``; relapse within two years);
* falls with a signed agreement and with a force's coverage, by hazard ratios fitted on the same
  episodes (Fortna 2004, 2008: peacekeeping cuts the risk of renewed war by half or more;
  an agreement cuts it further; finding F03 of the shared findings), and after a war that ended in
  a decisive victory (Licklider 1995, APSR 89(3); Fortna 2008, ch. 5: victory < agreement < truce
  in the risk of renewed war; ``docs/design-notes/war-ending.md``);
* grows with the spoilers' capability and with a **security vacuum**: coverage lost since the
  information date (the old regime's forces dissolved, a mission that collapses). The fitted
  peacekeeping ratio is a present force's *net* effect (truces with a force against truces
  without), so the grievance its presence stirs is inside it and not counted again.

An onset lifts a region's rate to at least ``onset_rate`` before suppression, and to at least its
share of a war's 1,000 deaths a year after it (:func:`war_minimum_rate`): the event the hazard was
fitted on is "war resumed", and a war is at least 1,000 battle deaths a year (Small & Singer 1982;
Doyle & Sambanis 2000, APSR 94(4)). The force's effect on whether war resumes is the fitted ratio;
it does not also make a resumed war smaller than a war (``docs/design-notes/cases-diagnosis.md``).

**An intervener seen as a party** (it fought or armed one side) raises the recruitment of the
faction it fought and that faction's targeting of the force: Kalyvas (2006, *The Logic of Violence
in Civil War*, ch. 6) on indiscriminate violence driving civilians to the other side; Regan (2002,
*JCR* 46(1)) on biased interventions lengthening civil wars. The multipliers are judgement with
wide ranges; later micro-evidence (Condra et al. 2010, NBER w16152) is for tests, not fitting.

Every function is monotone in the direction the design note states
(``docs/design-notes/cases.md``): more coverage and an agreement never raise the hazard; a party
never lowers it. ``grudging.model.dynamics._onset`` applies the same terms with the
``dynamics.onset_*`` parameters (per-replication columns, split over regions by population, the
armed capability read as hostile fighters per 1,000), and keeps a region's background at the level
that sustains ``onset_rate`` once an onset happened; the minimal case format applies the party's
recruitment (``grudging.scenario.minimal.PARTY_RECRUITMENT``) and targeting (hostility 0.95).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

#: Months over which a relapse is counted in the fitting data.
RELAPSE_MONTHS = 24
#: Battle deaths a year that make a war (Small & Singer 1982, *Resort to Arms*; Doyle & Sambanis
#: 2000): a definition, not a parameter.
WAR_DEATHS_PER_YEAR = 1000.0
#: Smallest share of violence left by suppression that the war minimum is divided by (keeps the
#: background finite under any coverage).
MIN_SUPPRESSION = 1e-6
#: Last start year of an episode the fit may use (the outcome window ends before 2000).
LAST_FIT_YEAR = 1995


@dataclass(frozen=True)
class OnsetParams:
    """Parameters of the onset hazard and of the party effect."""

    base_hazard: float
    """Monthly hazard of large-scale violence after a truce with no force (fitted)."""
    agreement_ratio: float
    """Hazard ratio of a signed agreement against a truce (fitted; < 1)."""
    peacekeeping_ratio: float
    """Hazard ratio of a force at full coverage against none (fitted; < 1)."""
    victory_ratio: float = 1.0
    """Hazard ratio after a decisive victory against a truce (fitted; < 1)."""
    capability_elasticity: float = 1.0
    """Hazard proportional to (spoiler capability / reference) ** elasticity (judgement)."""
    capability_reference: float = 0.5
    """Spoiler capability at which the base hazard applies (the minimal case's default)."""
    vacuum_effect: float = 2.0
    """Hazard times (1 + effect x share of coverage lost since the information date) (judgement)."""
    onset_rate: float = 10.0
    """Deaths per 100,000 a month an onset starts at (the dynamics' war threshold scale)."""
    party_recruitment: float = 1.5
    """Fighters of the faction a party-intervener fought, times this (>= 1; judgement)."""
    party_targeting: float = 1.5
    """Its hostility to the force, times this, at most 1 (>= 1; judgement)."""

    def __post_init__(self) -> None:
        checks = {
            "base_hazard": self.base_hazard >= 0,
            "agreement_ratio": 0 < self.agreement_ratio <= 1,
            "peacekeeping_ratio": 0 < self.peacekeeping_ratio <= 1,
            "victory_ratio": 0 < self.victory_ratio <= 1,
            "capability_elasticity": self.capability_elasticity >= 0,
            "capability_reference": self.capability_reference > 0,
            "vacuum_effect": self.vacuum_effect >= 0,
            "onset_rate": self.onset_rate >= 0,
            "party_recruitment": self.party_recruitment >= 1,
            "party_targeting": self.party_targeting >= 1,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(
                f"onset parameters out of their domain: {', '.join(bad)} (ratios in (0, 1], "
                "party multipliers >= 1, the rest >= 0)"
            )


def hazard_from_probability(p: float, months: int = RELAPSE_MONTHS) -> float:
    """The constant monthly hazard under which an event has probability ``p`` within ``months``."""
    if not 0 <= p < 1:
        raise ValueError(f"probability {p} must lie in [0, 1)")
    return -math.log1p(-p) / months


def probability_within(hazards: Iterable[float] | np.ndarray) -> float:
    """Probability of at least one onset over months with these monthly hazards."""
    return 1.0 - math.exp(-float(np.sum(np.asarray(list(hazards), dtype=float))))


@dataclass(frozen=True)
class OnsetFit:
    """The fitted hazards and the counts they rest on."""

    base_hazard: float
    peacekeeping_ratio: float
    agreement_ratio: float
    victory_ratio: float
    counts: dict[str, tuple[int, int]]  # cell: (episodes, relapses within two years)


def fit_onset(rows: Iterable[Mapping[str, str]], last_year: int = LAST_FIT_YEAR) -> OnsetFit:
    """Fit the base hazard and the two hazard ratios on post-war episodes.

    ``rows`` are records of ``settlements.csv``. Used: episodes starting up to ``last_year`` (so
    every two-year window closes before the information date), not questionable, with a known
    ``relapse_2y`` (:func:`fit_onset_known_by` selects by an information date instead). Cells: truces without a peace operation (the base), truces with one (the
    peacekeeping ratio), settlements without one (the agreement ratio), decisive victories without
    one (the victory ratio). Each cell's hazard is the constant monthly hazard matching its relapse
    share (a share of 0 or 1 is moved half an episode in, so that every hazard is finite).
    """
    return _fit(rows_used(rows, last_year))


def fit_onset_known_by(rows: Iterable[Mapping[str, str]], information_date: str) -> OnsetFit:
    """:func:`fit_onset` on the episodes whose two-year outcome was known at ``information_date``
    (``YYYY-MM``): started at least :data:`RELAPSE_MONTHS` months before it (so no episode that
    starts later, a case's own included, enters its fit)."""
    return _fit(rows_known_by(rows, information_date))


#: The fit's cells: how the war ended, and whether a force was present (``pk_present``).
CELLS = {
    "truce_no_force": ("truce", "0"),
    "truce_force": ("truce", "1"),
    "settlement_no_force": ("settlement", "0"),
    "victory_no_force": ("victory", "0"),
}


def earliest_fit(rows: Iterable[Mapping[str, str]]) -> str:
    """The first information date (``YYYY-MM``) at which :func:`fit_onset_known_by` has an
    episode known in every cell."""
    usable = rows_known_by(rows, "9999-12")
    firsts = []
    for ended_by, pk in CELLS.values():
        starts = [
            _month_index(r.get("start_date") or f"{r['start_year']}-12")
            for r in usable
            if r["ended_by"] == ended_by and r["pk_present"] == pk
        ]
        firsts.append(min(starts))
    first = max(firsts) + RELAPSE_MONTHS
    return f"{first // 12:04d}-{first % 12 + 1:02d}"


def _fit(used: list[Mapping[str, str]]) -> OnsetFit:
    cells = CELLS
    counts: dict[str, tuple[int, int]] = {}
    for name, (ended_by, pk) in cells.items():
        outcomes = [
            int(r["relapse_2y"])
            for r in used
            if r["ended_by"] == ended_by and r["pk_present"] == pk
        ]
        if not outcomes:
            raise ValueError(f"no episodes in cell {name}; the fit needs all {len(cells)} cells")
        counts[name] = (len(outcomes), sum(outcomes))

    def hazard(name: str) -> float:
        n, k = counts[name]
        share = min(max(k, 0.5), n - 0.5) / n
        return hazard_from_probability(share)

    base = hazard("truce_no_force")
    return OnsetFit(
        base_hazard=base,
        peacekeeping_ratio=min(hazard("truce_force") / base, 1.0),
        agreement_ratio=min(hazard("settlement_no_force") / base, 1.0),
        victory_ratio=min(hazard("victory_no_force") / base, 1.0),
        counts=counts,
    )


def _month_index(date: str) -> int:
    """Months since year 0 of a ``YYYY-MM`` or ``YYYY-MM-DD`` date."""
    year, month = (int(x) for x in date.split("-")[:2])
    return year * 12 + month - 1


def rows_known_by(
    rows: Iterable[Mapping[str, str]], information_date: str
) -> list[Mapping[str, str]]:
    """The episodes whose relapse within two years was known by the end of ``information_date``
    (``YYYY-MM``): started at least :data:`RELAPSE_MONTHS` months before it (an episode known only
    by its year, as Walter's, counts from that year's December), not questionable, outcome
    known."""
    last = _month_index(information_date) - RELAPSE_MONTHS
    return [
        r
        for r in rows
        if _month_index(r.get("start_date") or f"{r['start_year']}-12") <= last
        and r.get("questionable", "0") != "1"
        and r["relapse_2y"] in ("0", "1")
    ]


#: Quantile of the interval a fitted share ranges over (each side).
FIT_QUANTILE = 0.05
#: The dynamics parameters the fit gives, by the cell (or cells: numerator, denominator) behind each.
FITTED_PARAMETERS = {
    "dynamics.onset_base_hazard": ("truce_no_force", None),
    "dynamics.onset_peacekeeping_ratio": ("truce_force", "truce_no_force"),
    "dynamics.onset_agreement_ratio": ("settlement_no_force", "truce_no_force"),
    "dynamics.onset_victory_ratio": ("victory_no_force", "truce_no_force"),
}


def fit_ranges(fit: OnsetFit, q: float = FIT_QUANTILE) -> dict[str, tuple[float, float, float]]:
    """The fitted dynamics parameters with the fit's own uncertainty: ``name: (value, low,
    high)``.

    Each cell's relapse share ranges over its Jeffreys interval (Beta(k + 1/2, n - k + 1/2),
    quantiles ``q`` and ``1 - q``), turned into a monthly hazard; the base hazard over its cell's
    interval, each ratio over the ratio of the interval ends (wider than the ratio's own interval:
    conservative), ratios at most 1. The value is the point fit, kept inside the range.
    """
    from scipy.stats import beta

    def interval(cell: str) -> tuple[float, float]:
        n, k = fit.counts[cell]
        lo, hi = beta.ppf([q, 1.0 - q], k + 0.5, n - k + 0.5)
        top = 1.0 - 1e-9  # a share of 1 has no finite hazard
        return hazard_from_probability(min(float(lo), top)), hazard_from_probability(
            min(float(hi), top)
        )

    point = {
        "dynamics.onset_base_hazard": fit.base_hazard,
        "dynamics.onset_peacekeeping_ratio": fit.peacekeeping_ratio,
        "dynamics.onset_agreement_ratio": fit.agreement_ratio,
        "dynamics.onset_victory_ratio": fit.victory_ratio,
    }
    out: dict[str, tuple[float, float, float]] = {}
    for name, (cell, base) in FITTED_PARAMETERS.items():
        lo, hi = interval(cell)
        if base is not None:
            b_lo, b_hi = interval(base)
            lo, hi = min(lo / b_hi, 1.0), min(hi / b_lo, 1.0)
        value = min(max(point[name], lo), hi)
        out[name] = (value, lo, hi)
    return out


def rows_used(rows: Iterable[Mapping[str, str]], last_year: int) -> list[Mapping[str, str]]:
    """The episodes a fit may use: started by ``last_year``, not questionable, outcome known."""
    return [
        r
        for r in rows
        if int(r["start_year"]) <= last_year
        and r.get("questionable", "0") != "1"
        and r["relapse_2y"] in ("0", "1")
    ]


def war_minimum_rate(population: float) -> float:
    """Deaths per 100,000 a month that add up to :data:`WAR_DEATHS_PER_YEAR` in a country of
    ``population`` (the same per-capita rate in each of its regions)."""
    if population <= 0:
        raise ValueError(f"population {population} must be positive")
    return WAR_DEATHS_PER_YEAR / 12.0 / population * 100_000.0


def onset_hazard(
    capability: np.ndarray,
    coverage: np.ndarray,
    coverage_start: np.ndarray,
    agreement: np.ndarray,
    p: OnsetParams,
    victory: bool = False,
) -> np.ndarray:
    """Monthly hazard that large-scale violence starts (arrays broadcast together).

    ``capability`` is the spoilers' capability (0-1) in the region; ``coverage`` this month's coverage over the
    requirement (0 none, 1 the norm) and ``coverage_start`` the coverage at the information date;
    ``agreement`` whether a signed agreement holds (bool); ``victory`` whether the war ended in a
    decisive victory of one side (a fact of the theatre at its information date). The force's
    effect saturates at the norm: ``peacekeeping_ratio ** min(coverage, 1)``; the vacuum is the
    share of the starting coverage lost, ``max(coverage_start - coverage, 0) / coverage_start``.

    The dynamics (``dynamics._onset``) write these terms out over per-replication columns, with
    uniforms ``run.onset_u[:, t]`` drawn in ``_prepare`` from ``stream(seed, "dynamics", block,
    "onset")`` whatever the option, and the agreement as a share stood down (the ratio to that
    power).
    """
    cov = np.clip(np.asarray(coverage, dtype=float), 0.0, None)
    start = np.asarray(coverage_start, dtype=float)
    lost = np.divide(
        np.maximum(start - cov, 0.0),
        start,
        out=np.zeros(np.broadcast(start, cov).shape),
        where=start > 0,
    )
    ratio_agreement = np.where(np.asarray(agreement, dtype=bool), p.agreement_ratio, 1.0)
    force = p.peacekeeping_ratio ** np.minimum(cov, 1.0)
    spoilers = (
        np.maximum(np.asarray(capability, dtype=float), 0.0) / p.capability_reference
    ) ** p.capability_elasticity
    ended = p.victory_ratio if victory else 1.0
    result: np.ndarray = (
        p.base_hazard * ended * ratio_agreement * force * spoilers * (1.0 + p.vacuum_effect * lost)
    )
    return result


def onset_probability(hazard: np.ndarray) -> np.ndarray:
    """Probability of an onset this month under a monthly hazard."""
    result: np.ndarray = np.array(hazard, dtype=float)
    np.maximum(result, 0.0, out=result)
    np.negative(result, out=result)
    np.exp(result, out=result)
    return np.subtract(1.0, result, out=result)


def escalated_rate(
    rate: np.ndarray,
    onset: np.ndarray,
    p: OnsetParams,
    suppression: np.ndarray | float = 1.0,
    population: float | None = None,
) -> np.ndarray:
    """The month's rate after suppression, lifted where an onset happens to at least
    ``onset_rate`` times ``suppression`` (the share of violence the forces leave) and, given the
    country's ``population``, to at least :func:`war_minimum_rate` (which no force lowers)."""
    floor = p.onset_rate * np.asarray(suppression, dtype=float)
    if population is not None:
        floor = np.maximum(floor, war_minimum_rate(population))
    result: np.ndarray = np.where(onset, np.maximum(rate, floor), rate)
    return result


def party_adjusted(
    fighters: np.ndarray, hostility: np.ndarray, fought: np.ndarray, p: OnsetParams
) -> tuple[np.ndarray, np.ndarray]:
    """Fighters and hostility to the force of each faction, where ``fought`` marks the factions
    an intervener seen as a party fought: their recruitment and targeting rise (hostility at
    most 1); the others are unchanged."""
    mark = np.asarray(fought, dtype=bool)
    men = np.where(mark, np.asarray(fighters, dtype=float) * p.party_recruitment, fighters)
    hate = np.where(
        mark, np.minimum(np.asarray(hostility, dtype=float) * p.party_targeting, 1.0), hostility
    )
    return men, hate


def party_capability(capability: np.ndarray, fought: np.ndarray, p: OnsetParams) -> np.ndarray:
    """Spoiler capability with the recruits a party-intervener drives to the factions it fought
    (capability scales with fighters, at most 1)."""
    result: np.ndarray = np.where(
        np.asarray(fought, dtype=bool),
        np.minimum(np.asarray(capability, dtype=float) * p.party_recruitment, 1.0),
        capability,
    )
    return result

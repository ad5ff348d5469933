"""Outcomes: what the chain reports for each course of action, declared once.

Each outcome has a name, a unit and a direction (minimize or maximize). The registry below is the
single declaration; a scenario's ``outcomes`` list must agree with it (checked by
:func:`check_declarations`). :func:`outcome_rows` turns the dynamics' trajectories into tidy rows:
one value per replication for every outcome, plus monthly series, totals by region and troop
deaths by nation.

A theatre reports the outcomes :func:`theatre_outcomes` names: every registered one, less the
patron's own (:data:`PATRON_OUTCOMES`) where the scenario names no patron (a UN-only or regional
mission). Such an outcome would be zero by construction there, and read as a finding; every face
shows only the outcomes its results hold, and a request for a missing one is refused
(:func:`missing_outcome`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from grudging.errors import ScenarioError, choices_hint, unknown_name

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable

    import pandas as pd

    from grudging.model.dynamics import Trajectories
    from grudging.scenario.schema import Scenario


#: Where a run reports what it cannot show in its figures (a rule that never fired).
log = logging.getLogger("grudging.model")


@dataclass(frozen=True)
class Outcome:
    """An outcome's declaration."""

    name: str
    unit: str
    direction: str
    description: str


OUTCOMES: dict[str, Outcome] = {
    o.name: o
    for o in (
        Outcome("civilian_deaths", "deaths", "minimize", "Civilian deaths over the horizon"),
        Outcome(
            "civil_war",
            "probability",
            "minimize",
            "All-out civil war at any month: regions holding a set share of the people "
            "(dynamics.national_war_share) in the civil-war regime, which a region enters above "
            "a rate of killing (dynamics.war_threshold, deaths per 100,000 a month); a country "
            "can suffer heavy violence without it",
        ),
        Outcome(
            "displaced",
            "people",
            "minimize",
            "People newly forced from their homes (those who fled abroad included)",
        ),
        Outcome(
            "refugees", "people", "minimize", "People newly fled abroad (a part of the displaced)"
        ),
        Outcome(
            "troop_deaths",
            "deaths",
            "minimize",
            "Deaths of foreign troops in attacks, every contingent (the patron's included), over "
            "the horizon",
        ),
        Outcome(
            "cost_patron",
            "US$ million",
            "minimize",
            "Cost to the patron over the horizon: its own forces, the contingents and aid it "
            "pays for, its UN assessment after a handover, payments to realigned fighters",
        ),
        Outcome(
            "cost_others",
            "US$ million",
            "minimize",
            "Cost to the other contributors over the horizon: the part of their own forces' "
            "cost the patron does not pay",
        ),
        Outcome(
            "safe_haven",
            "index 0-1",
            "minimize",
            "The spoilers' home population in ungoverned space: each home region weighted by how "
            "far the forces' coverage falls short of dynamics.safe_haven_coverage (0: all "
            "covered, 1: none), averaged over the months",
        ),
        Outcome("regional_escalation", "probability", "minimize", "A neighbour intervenes"),
        Outcome(
            "coalition_troops",
            "troops",
            "maximize",
            "Foreign troops other than the patron's, on average in theatre over the months",
        ),
        Outcome(
            "patron_troops",
            "troops",
            "minimize",
            "The patron's own troops, on average in theatre over the months (a planned input)",
        ),
        Outcome("settlement_forms", "probability", "maximize", "A grand compromise is signed"),
        Outcome(
            "settlement_holds",
            "probability",
            "maximize",
            "A signed compromise still holds at the horizon in the run, after the violence the "
            "run went through (a relapse or a resumed war ends it)",
        ),
        Outcome(
            "p_deal",
            "probability",
            "maximize",
            "Chance of a grand compromise at the run's bargaining parameters (0: none attempted)",
        ),
        Outcome(
            "p_deal_holds",
            "probability",
            "maximize",
            "Chance of a grand compromise that holds, as the bargaining stage reckons it at the "
            "run's bargaining parameters, before the run's violence ('Settlement holds' is what "
            "the runs then gave)",
        ),
        Outcome(
            "handover",
            "probability",
            "maximize",
            "The mission passed to another command under its rule (0: no rule, or it never fired); "
            "by month: handed over by then",
        ),
    )
}

#: Outcomes that are 0/1 per replication (their mean is a probability).
BINARY = frozenset(
    {"civil_war", "regional_escalation", "settlement_forms", "settlement_holds", "handover"}
)


#: The patron's own outcomes: a theatre without a patron reports none of them (no one pays that
#: cost or fields those troops, so each would be zero by construction).
PATRON_OUTCOMES = ("cost_patron", "patron_troops")


def theatre_outcomes(scn: Scenario) -> tuple[str, ...]:
    """The outcomes a run of ``scn`` reports, in the registry's order: every registered outcome,
    less :data:`PATRON_OUTCOMES` when the scenario names no patron."""
    return tuple(o for o in OUTCOMES if scn.patron is not None or o not in PATRON_OUTCOMES)


#: How the registry's descriptions that speak of a patron read in a theatre without one.
WITHOUT_PATRON = {
    "troop_deaths": "Deaths of foreign troops in attacks, every contingent, over the horizon",
    "cost_others": "Cost to the contributors over the horizon: their own forces' cost (after a "
    "handover to the UN, less the assessed share a patron would pay, "
    "dynamics.un_assessment_patron)",
    "coalition_troops": "Foreign troops, every contingent, on average in theatre over the months",
}


def describe(name: str, patron: bool = True) -> str:
    """An outcome's description, in words true of a theatre without a patron when ``patron`` is
    false (:data:`WITHOUT_PATRON`)."""
    return (
        OUTCOMES[name].description
        if patron
        else WITHOUT_PATRON.get(name, OUTCOMES[name].description)
    )


def missing_outcome(name: str, available: Iterable[str], theatre: str, patron: bool) -> str:
    """Why ``name`` is not among the ``available`` outcomes of ``theatre`` (``patron``: whether
    it has one): a patron's outcome asked of a theatre without a patron, or an unknown name."""
    available = list(available)
    if name in PATRON_OUTCOMES and not patron:
        return (
            f"outcome '{name}': theatre {theatre} has no patron (its scenario names none), so no "
            f"run of it reports '{name}'; {choices_hint(available)}"
        )
    return unknown_name("outcome", name, available)


def declaration_problem(name: str, unit: str, direction: str) -> str | None:
    """Why an outcome declaration disagrees with the registry, or ``None`` when it agrees."""
    known = OUTCOMES.get(name)
    if known is None:
        return f"{unknown_name('outcome', name, OUTCOMES)}; the model computes only these"
    if (unit, direction) != (known.unit, known.direction):
        return (
            f"outcome '{name}' is declared as {unit!r} to {direction}, but the model reports "
            f"{known.unit!r} to {known.direction}; use those"
        )
    return None


def check_declarations(scn: Scenario) -> None:
    """Every outcome the scenario declares exists and agrees with the registry.

    Loading a scenario already checks this (see :mod:`grudging.scenario.references`).
    """
    for i, decl in enumerate(scn.outcomes):
        problem = declaration_problem(decl.name, decl.unit, decl.direction)
        if problem is not None:
            raise ScenarioError(f"outcomes[{i}]: {problem}")


def scalar_outcomes(
    traj: Trajectories, outcomes: Collection[str] | None = None
) -> dict[str, np.ndarray]:
    """One value per replication for each of ``outcomes`` (a theatre's: :func:`theatre_outcomes`;
    ``None``: every registered outcome), in the registry's order."""
    every = {
        "civilian_deaths": traj.deaths.sum(axis=(1, 2), dtype=float),
        "civil_war": traj.civil_war.any(axis=1).astype(float),
        "displaced": traj.displaced.sum(axis=1),
        "refugees": traj.refugees.sum(axis=1),
        "troop_deaths": traj.troop_deaths.sum(axis=1),
        "cost_patron": traj.cost_patron,
        "cost_others": traj.cost_others,
        "safe_haven": traj.safe_haven.mean(axis=1),
        "regional_escalation": traj.escalation.astype(float),
        "coalition_troops": traj.foreign_troops.mean(axis=1),
        "patron_troops": traj.patron_troops.mean(axis=1),
        "settlement_forms": traj.settlement_formed.astype(float),
        "settlement_holds": traj.settlement_holds.astype(float),
        "p_deal": traj.p_deal,
        "p_deal_holds": traj.p_deal_holds,
        "handover": (traj.handed_over >= 0).astype(float),
    }
    return every if outcomes is None else {k: v for k, v in every.items() if k in outcomes}


def outcome_rows(
    traj: Trajectories,
    option: str,
    region_ids: tuple[str, ...],
    replication_offset: int = 0,
    run_prefix: str = "",
    outcomes: Collection[str] | None = None,
) -> pd.DataFrame:
    """Tidy long rows ``run_id, option, replication, region, nation, month, outcome, value``.

    Scalars have no region, nation or month; ``civilian_deaths`` also comes by month (national)
    and by region (over the horizon); ``troop_deaths`` by nation; troop levels and civil war by
    month. ``outcomes`` are those the theatre reports (:func:`theatre_outcomes`; ``None``: every
    registered outcome): an outcome not among them has no row.
    """
    import pandas as pd

    R = traj.deaths.shape[0]
    reps = np.arange(replication_offset, replication_offset + R)
    frames: list[pd.DataFrame] = []

    def add(
        outcome: str,
        values: np.ndarray,
        region: object = None,
        nation: object = None,
        month: object = None,
        replications: np.ndarray = reps,
    ) -> None:
        frames.append(
            pd.DataFrame(
                {
                    "replication": replications,
                    "region": region,
                    "nation": nation,
                    "month": month,
                    "outcome": outcome,
                    "value": np.asarray(values, dtype=float),
                }
            )
        )

    for name, values in scalar_outcomes(traj, outcomes).items():
        add(name, values)
    T = traj.deaths.shape[2]
    months = np.tile(np.arange(T), R)
    reps_t = np.repeat(reps, T)
    add(
        "civilian_deaths",
        traj.deaths.sum(axis=1, dtype=float).ravel(),
        month=months,
        replications=reps_t,
    )
    add("civil_war", traj.civil_war.astype(float).ravel(), month=months, replications=reps_t)
    add("coalition_troops", traj.foreign_troops.ravel(), month=months, replications=reps_t)
    if outcomes is None or "patron_troops" in outcomes:
        add("patron_troops", traj.patron_troops.ravel(), month=months, replications=reps_t)
    handed = traj.handed_over[:, None]
    by_now = (handed >= 0) & (handed <= np.arange(T)[None, :])
    add("handover", by_now.astype(float).ravel(), month=months, replications=reps_t)
    if traj.handover_rule and (traj.handed_over < 0).all():
        log.warning(
            "option '%s': its handover rule never fired in any of %d replications; the option "
            "runs as if it had no handover",
            option,
            R,
        )
    by_region = traj.deaths.sum(axis=2, dtype=float)  # float32 counts, summed without rounding
    regions = np.tile(np.array(region_ids, dtype=object), R)
    add(
        "civilian_deaths",
        by_region.ravel(),
        region=regions,
        replications=np.repeat(reps, len(region_ids)),
    )
    nations = [n or name for n, name in zip(traj.unit_nations, traj.unit_names, strict=True)]
    if nations:
        codes = sorted(set(nations))
        index = np.array([codes.index(n) for n in nations])
        per_nation = np.zeros((R, len(codes)))
        for unit, code in enumerate(index):
            per_nation[:, code] += traj.troop_deaths[:, unit]
        add(
            "troop_deaths",
            per_nation.ravel(),
            nation=np.tile(np.array(codes, dtype=object), R),
            replications=np.repeat(reps, len(codes)),
        )
    table = pd.concat(frames, ignore_index=True)
    table.insert(0, "option", option)
    # one label per replication, taken by row (formatting every row's label cost more than the rest)
    labels = run_prefix + option + "/" + pd.Series(reps).astype(str)
    taken = labels.take(table["replication"].to_numpy() - replication_offset)
    table.insert(0, "run_id", taken.reset_index(drop=True))
    return table

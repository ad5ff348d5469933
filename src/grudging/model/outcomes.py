"""Outcomes: what the chain reports for each course of action, declared once.

Each outcome has a name, a unit and a direction (minimize or maximize). The registry below is the
single declaration; a scenario's ``outcomes`` list must agree with it (checked by
:func:`check_declarations`). :func:`outcome_rows` turns the dynamics' trajectories into tidy rows:
one value per replication for every outcome, plus monthly series, totals by region and troop
deaths by nation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from grudging.errors import ScenarioError, unknown_name

if TYPE_CHECKING:
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


def scalar_outcomes(traj: Trajectories) -> dict[str, np.ndarray]:
    """One value per replication for every registered outcome."""
    return {
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


def outcome_rows(
    traj: Trajectories,
    option: str,
    region_ids: tuple[str, ...],
    replication_offset: int = 0,
    run_prefix: str = "",
) -> pd.DataFrame:
    """Tidy long rows ``run_id, option, replication, region, nation, month, outcome, value``.

    Scalars have no region, nation or month; ``civilian_deaths`` also comes by month (national)
    and by region (over the horizon); ``troop_deaths`` by nation; troop levels and civil war by
    month.
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

    for name, values in scalar_outcomes(traj).items():
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

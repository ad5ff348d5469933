"""The coalition stages chained: requirement -> force generation (willingness, ROE) -> sectors.

:func:`run_conference` is what the ``grudging coalition`` command, the benchmark and later stages
call; each stage remains usable alone. :func:`roe_tradeoff` re-runs force generation at every ROE
level.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grudging.errors import InfeasibleError, ScenarioError, unknown_name
from grudging.model.forcegen import Coalition, generate_coalition
from grudging.model.requirement import Requirement, requirement, requirement_params
from grudging.model.roe import ordered_levels, roe_factor, roe_params, steps_short
from grudging.model.sectors import SectorAssignment, SectorObjective, assign_sectors

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from grudging.scenario.schema import CoalitionPlan, Parameter, Scenario


@dataclass(frozen=True)
class ConferenceResult:
    """Requirement, coalition and sector map of one force-generation conference."""

    plan: CoalitionPlan
    requirement: Requirement
    coalition: Coalition
    sectors: SectorAssignment

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        req = self.requirement
        return {
            "plan": self.plan.model_dump(mode="json"),
            "requirement": {
                "total": req.total,
                "total_low": req.total_low,
                "total_high": req.total_high,
                "density_per_1000": req.density_per_1000,
                "population": req.population,
                "proposal_force": req.proposal_force,
                "proposal_share": req.proposal_share,
                "regions": [dataclasses.asdict(r) for r in req.regions],
            },
            "coalition": self.coalition.to_dict(),
            "sectors": {
                "objective": self.sectors.objective,
                "min_coverage": _finite(self.sectors.min_coverage),
                "weighted_coverage": self.sectors.weighted_coverage,
                "status": self.sectors.status,
                "optimal": self.sectors.optimal,
                "mip_gap": self.sectors.mip_gap,
                "solve_seconds": self.sectors.solve_seconds,
                "regions": [
                    {**dataclasses.asdict(r), "coverage": _finite(r.coverage)}
                    for r in self.sectors.regions
                ],
                "postings": [dataclasses.asdict(p) for p in self.sectors.postings],
                "reserve": [
                    {"nation": n, "troops": t, "reason": why} for n, t, why in self.sectors.reserve
                ],
            },
        }


def _finite(x: float) -> float | None:
    return None if x != x or x in (float("inf"), float("-inf")) else x


def coalition_plan(
    scn: Scenario,
    option: str | None = None,
    budget: float | None = None,
    command: str | None = None,
    roe: str | None = None,
    target_troops: int | None = None,
) -> CoalitionPlan:
    """The plan of a course of action (or a default one), with the given settings changed.

    Without ``option`` the first option that generates a coalition is used; without any, a
    default plan at the scenario's middle ROE level under ``command`` (required then).
    """
    from grudging.scenario.schema import CoalitionPlan

    if option is not None:
        ids = [o.id for o in scn.options]
        if option not in ids:
            raise ScenarioError(unknown_name("option", option, ids))
        plan = scn.option(option).coalition
        if plan is None:
            with_plan = [o.id for o in scn.options if o.coalition is not None]
            raise ScenarioError(
                f"option '{option}' generates no coalition; options that do: "
                f"{', '.join(with_plan) or 'none'}"
            )
    else:
        plans = [o.coalition for o in scn.options if o.coalition is not None]
        if plans:
            plan = plans[0]
        else:
            if command is None:
                raise ScenarioError(
                    f"no option of scenario '{scn.id}' generates a coalition, so there is no plan "
                    "to take the command from; give one (--command, e.g. un or nato)"
                )
            levels = sorted(scn.roe_levels, key=lambda lv: lv.robustness)
            level = levels[len(levels) // 2].id if levels else "self_defence"
            plan = CoalitionPlan(command=command, roe_level=level)
    update: dict[str, Any] = {}
    if budget is not None:
        update["budget_musd"] = budget
    if command is not None:
        update["command"] = command
    if roe is not None:
        update["roe_level"] = roe
    if target_troops is not None:
        update["target_troops"] = target_troops
    # model_copy skips validation on purpose: check_plan gives the clear messages.
    return plan.model_copy(update=update)


#: The parameter stages a conference reads (nothing else of the values it is given): a plan cache
#: keys conferences by these alone (checked by a test that records every name read).
STAGES_READ: tuple[str, ...] = ("requirement", "roe", "sectors", "forcegen", "willingness")


def run_conference(
    scn: Scenario,
    plan: CoalitionPlan,
    values: Mapping[str, float],
    rng: np.random.Generator | None = None,
    draws: int = 256,
    cost_curve: Sequence[float] | None = None,
    objective: SectorObjective = "maximin",
    declared: Sequence[Parameter] | None = None,
) -> ConferenceResult:
    """Requirement, coalition (with its price and cost curve) and sector map.

    ``declared`` are the parameter records whose ranges give the requirement's interval (default:
    the scenario's own).
    """
    req_declared = None
    if declared is not None:
        req_declared = [p for p in declared if p.stage == "requirement" and p.high > p.low]
    req = requirement(scn, requirement_params(values), rng=rng, draws=draws, declared=req_declared)
    coalition = generate_coalition(scn, plan, req, values, cost_curve=cost_curve)
    sectors = assign_sectors(scn, coalition, req, values, objective)
    leads: dict[str, set[str]] = {}
    for region in sectors.regions:
        if region.lead is not None:
            leads.setdefault(region.lead, set()).update(
                n for n in region.nations if n != region.lead
            )
    contingents = tuple(
        dataclasses.replace(
            c, lead=c.nation in leads, followers=tuple(sorted(leads.get(c.nation, set())))
        )
        for c in coalition.contingents
    )
    coalition = dataclasses.replace(coalition, contingents=contingents)
    return ConferenceResult(plan, req, coalition, sectors)


# ROE trade-off ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RoeOutcome:
    """Force generation at one ROE level."""

    level: str
    robustness: float
    factor: float
    troops: int
    effective_strength: float
    cost_musd: float
    nations: tuple[str, ...]
    out_by_roe: tuple[str, ...]
    bought_up: tuple[str, ...]
    status: str


@dataclass(frozen=True)
class RoeTradeoff:
    """Effective strength and who stays, level by level."""

    outcomes: tuple[RoeOutcome, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per level."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    **o.__dict__,
                    "nations": ";".join(o.nations),
                    "out_by_roe": ";".join(o.out_by_roe),
                    "bought_up": ";".join(o.bought_up),
                    "n_nations": len(o.nations),
                }
                for o in self.outcomes
            ]
        )


def roe_tradeoff(
    scn: Scenario,
    plan: CoalitionPlan,
    requirement: Requirement,
    values: Mapping[str, float],
) -> RoeTradeoff:
    """Run force generation at every ROE level of the scenario with the plan's other settings."""
    p = roe_params(values)
    outcomes = []
    for level in ordered_levels(scn):
        plan_k = plan.model_copy(update={"roe_level": level.id})
        out_by_roe = tuple(
            n.id
            for n in scn.nations
            if n.id != scn.patron and steps_short(n, scn, level.id) > p.step_up_max
        )
        try:
            coalition = generate_coalition(scn, plan_k, requirement, values, cost_curve=())
        except InfeasibleError:
            outcomes.append(
                RoeOutcome(
                    level.id,
                    level.robustness,
                    roe_factor(scn, level.id, p),
                    0,
                    0.0,
                    0.0,
                    (),
                    out_by_roe,
                    (),
                    "infeasible",
                )
            )
            continue
        outcomes.append(
            RoeOutcome(
                level=level.id,
                robustness=level.robustness,
                factor=roe_factor(scn, level.id, p),
                troops=coalition.total_troops,
                effective_strength=coalition.total_effective,
                cost_musd=coalition.total_cost_musd,
                nations=tuple(c.nation for c in coalition.contingents),
                out_by_roe=out_by_roe,
                bought_up=tuple(c.nation for c in coalition.contingents if c.roe_steps_bought),
                status=coalition.solver.status,
            )
        )
    return RoeTradeoff(tuple(outcomes))

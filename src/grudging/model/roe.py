"""Rules of engagement and caveats: what a contingent is worth under a common mandate.

Effective strength of a contingent = troops x quality x product of the effectiveness of the
caveats it keeps x ``(robustness / most robust level) ** robustness_elasticity``. A nation serves
only at or below its highest acceptable level (``Nation.max_roe``; none declared means any level);
one that stops short by at most ``step_up_max`` levels can be bought up at
``step_up_cost_musd_per_thousand`` per 1,000 troops a year (training, equipment and legal cover
for the more robust mandate; a judgement, see the parameter's source). Lifting a caveat is bought
at the caveat's ``lift_cost_musd``. Choosing the level therefore trades robustness against who
stays; :func:`grudging.model.conference.roe_tradeoff` reports that trade-off by re-running
force generation at each level.

References
----------
Saideman, S. M. & Auerswald, D. P. (2012). Comparing caveats: understanding the sources of
national restrictions upon NATO's mission in Afghanistan. *International Studies Quarterly*
56(1), 67-84.
Findlay, T. (2002). *The Use of Force in UN Peace Operations*. SIPRI / Oxford University Press.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from grudging.errors import ScenarioError, unknown_name
from grudging.model.parameters import stage_parameters

if TYPE_CHECKING:
    from grudging.model.coalition import Coalition
    from grudging.scenario.schema import Nation, RoeLevel, Scenario

STAGE = "roe"


@dataclass(frozen=True)
class RoeParams:
    """Parameters of the ROE stage (scenario names ``roe.<field>``).

    Attributes
    ----------
    robustness_elasticity:
        Exponent of the robustness factor (0: the mandate does not matter; 1: proportional).
    step_up_cost_musd_per_thousand:
        Price of bringing a nation one level above its own limit, US$ million per 1,000 troops
        a year.
    step_up_max:
        Levels a nation can be bought up (0 disables buying).
    """

    robustness_elasticity: float
    step_up_cost_musd_per_thousand: float
    step_up_max: float


def ordered_levels(scn: Scenario) -> list[RoeLevel]:
    """The scenario's ROE levels from least to most robust."""
    return sorted(scn.roe_levels, key=lambda level: level.robustness)


def roe_level(scn: Scenario, level_id: str) -> RoeLevel:
    """The level with this id, or a :class:`ScenarioError` naming the valid ones."""
    for level in scn.roe_levels:
        if level.id == level_id:
            return level
    raise ScenarioError(
        unknown_name("rules-of-engagement level", level_id, [lv.id for lv in scn.roe_levels])
    )


def roe_factor(scn: Scenario, level_id: str, p: RoeParams) -> float:
    """``(robustness / max robustness) ** robustness_elasticity`` (1 with no levels declared)."""
    if not scn.roe_levels:
        return 1.0
    level = roe_level(scn, level_id)
    top = max(lv.robustness for lv in scn.roe_levels)
    if top <= 0:
        return 1.0
    return float((level.robustness / top) ** p.robustness_elasticity)


def steps_short(nation: Nation, scn: Scenario, level_id: str) -> int:
    """How many levels the chosen one lies above the nation's limit (0 if acceptable)."""
    if nation.max_roe is None or not scn.roe_levels:
        return 0
    order = [lv.id for lv in ordered_levels(scn)]
    chosen = order.index(roe_level(scn, level_id).id)
    limit = order.index(nation.max_roe) if nation.max_roe in order else len(order) - 1
    return max(0, chosen - limit)


def caveat_factor(scn: Scenario, kept: Iterable[str]) -> float:
    """Product of the effectiveness multipliers of the caveats kept (unknown ids count 1)."""
    by_id = {c.id: c for c in scn.caveats}
    factor = 1.0
    for cid in kept:
        if cid in by_id:
            factor *= by_id[cid].effectiveness
    return factor


def effective_strength(
    troops: float,
    quality: float,
    kept_caveats: Iterable[str],
    scn: Scenario,
    level_id: str,
    p: RoeParams,
) -> float:
    """Troops x quality x caveat factor x ROE robustness factor."""
    return troops * quality * caveat_factor(scn, kept_caveats) * roe_factor(scn, level_id, p)


@dataclass(frozen=True)
class ContingentStrength:
    """Effective strength of one contingent and how it is built."""

    nation: str
    troops: int
    quality: float
    caveat_factor: float
    roe_factor: float
    effective_strength: float
    caveats: tuple[str, ...]


def strength_by_contingent(
    coalition: Coalition, scn: Scenario, p: RoeParams
) -> list[ContingentStrength]:
    """The decomposition of each contingent's effective strength at the coalition's ROE level."""
    factor = roe_factor(scn, coalition.roe_level, p)
    return [
        ContingentStrength(
            nation=c.nation,
            troops=c.troops,
            quality=c.quality,
            caveat_factor=caveat_factor(scn, c.caveats),
            roe_factor=factor,
            effective_strength=c.effective_strength,
            caveats=c.caveats,
        )
        for c in coalition.contingents
    ]


def roe_params(values: Mapping[str, float]) -> RoeParams:
    """The stage's parameters from a mapping of ``roe.*`` values."""
    return stage_parameters(RoeParams, values, STAGE)

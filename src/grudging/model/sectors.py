"""Sector assignment: which contingent goes where, as a mixed-integer programme on HiGHS.

Decision variables: the share ``y[c, r]`` of contingent ``c`` posted to region ``r`` and, for
*framework* contingents (more than ``embed_max_troops``), a binary presence ``z[c, r]``.

* Every contingent is posted in full, or the rest is held in reserve at a large penalty when no
  admissible region is left.
* Political exclusions (scenario data): a nation, or every neighbour of the theatre, is kept out of
  listed regions, of regions where a listed group is the majority, and of regions where a group it
  backs lives (share at least ``kin_share``).
* A kept ``regional`` caveat confines a contingent to calm regions (recent violence at most
  ``calm_violence`` deaths per 100,000 a month).
* Lead-nation structure: at most ``max_nations_per_region`` framework nations per region; a
  framework nation present posts at least one block (``block_size`` troops, a battalion).
  Contingents of at most ``embed_max_troops`` serve embedded in a framework nation's formation (as
  small national companies do in a lead nation's battalions) and do not count against the limit.
  The lead of a region is the nation with the most effective strength there.

Objective, lexicographic. First maximise the weakest region's coverage (effective strength over
requirement, over the regions that need troops), or with ``objective="weighted"`` the
requirement-weighted coverage capped at 1. Then, holding the presence pattern and that optimum, a
linear programme maximises the weighted coverage less a penalty on supply distance (hops in the
region graph from the nearest region bordering a nation with a logistics hub).

Solution: the linear relaxation is rounded (in each region the framework nations with the largest
shares are kept), the shares are re-optimised with that presence fixed, and the result starts
HiGHS's branch and bound, which runs to optimality or to ``max_nodes`` nodes (a limit on work,
not time, so the same inputs give the same postings on a busy machine; ``time_limit_s`` is only a
safety net) and reports its gap.
Postings are finally rounded to whole units (``willingness.unit_size``): each share rounds down
or up, a small programme choosing which round up so the weakest region keeps as much coverage as
it can; the coverage reported is that of the rounded postings.

References
----------
Ross, G. T. & Soland, R. M. (1975). A branch and bound algorithm for the generalized assignment
problem. *Mathematical Programming* 8, 91-103.
NATO (2006). ISAF regional commands and lead nations (the lead-nation sector model).
"""

from __future__ import annotations

import dataclasses
import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np

from grudging.errors import ParameterError
from grudging.model import milp
from grudging.model.parameters import stage_parameters

if TYPE_CHECKING:
    import pandas as pd

    from grudging.model.coalition import Coalition
    from grudging.model.requirement import Requirement
    from grudging.scenario.schema import Exclusion, Nation, Scenario

STAGE = "sectors"
SectorObjective = Literal["maximin", "weighted"]
#: Weight of one unit of reserve (share of all effective strength) against coverage.
RESERVE_PENALTY = 100.0
#: HiGHS on the sector programmes, saying what to do if one is too large for the time limit.
_solve = partial(
    milp.solve,
    limit_fix="the sector assignment is too large for this machine: post fewer nations per "
    "region (sectors.max_nations_per_region) or write the theatre with fewer, larger regions",
)


@dataclass(frozen=True)
class SectorParams:
    """Parameters of sector assignment (scenario names ``sectors.<field>``)."""

    block_size: float
    max_nations_per_region: float
    embed_max_troops: float
    calm_violence: float
    hop_penalty: float
    kin_share: float
    time_limit_s: float = milp.SAFETY_SECONDS
    max_nodes: int = 2000


# Admissible regions -------------------------------------------------------------------------------
def _applies(ex: Exclusion, nation: Nation) -> bool:
    return ex.nation == nation.id or (ex.neighbours and nation.neighbour)


def excluded_regions(nation: Nation, scn: Scenario, p: SectorParams) -> dict[str, str]:
    """Regions the nation may not serve in, each with the reason (from the exclusions)."""
    out: dict[str, str] = {}
    for ex in scn.exclusions:
        if not _applies(ex, nation):
            continue
        for r in scn.regions:
            hit = ex.everywhere or r.id in ex.regions or r.majority_group in ex.majority_groups
            if not hit and ex.kin_regions:
                hit = any(r.composition.get(g, 0.0) >= p.kin_share for g in nation.kin_groups)
            if hit and r.id not in out:
                out[r.id] = ex.reason
    return out


def calm_regions(requirement: Requirement, p: SectorParams) -> set[str]:
    """Regions whose recent violence is at most ``calm_violence`` per 100,000 a month."""
    return {r.region for r in requirement.regions if r.violence_per_100k <= p.calm_violence}


def regional_caveats(scn: Scenario) -> set[str]:
    """Ids of the caveats that confine a contingent to calm regions."""
    return {c.id for c in scn.caveats if c.regional}


def allowed_regions(
    nation: Nation,
    scn: Scenario,
    requirement: Requirement,
    p: SectorParams,
    kept_caveats: Iterable[str] = (),
) -> list[str]:
    """Regions where the nation's contingent may serve with the caveats it keeps."""
    banned = excluded_regions(nation, scn, p)
    ids = [r.id for r in scn.regions if r.id not in banned]
    if regional_caveats(scn) & set(kept_caveats):
        calm = calm_regions(requirement, p)
        ids = [r for r in ids if r in calm]
    return ids


def supply_hops(scn: Scenario) -> dict[str, int]:
    """Hops from the nearest region bordering a logistics-hub nation (0 for all if none).

    Regions that cannot be reached from any supply region get one hop more than the farthest
    reachable one.
    """
    hubs = {n.id for n in scn.nations if n.logistics_hub}
    sources = [r.id for r in scn.regions if hubs & set(r.borders)]
    if not sources:
        return {r.id: 0 for r in scn.regions}
    neighbours = {r.id: r.neighbours for r in scn.regions}
    dist = dict.fromkeys(sources, 0)
    queue = deque(sources)
    while queue:
        here = queue.popleft()
        for nxt in neighbours[here]:
            if nxt not in dist:
                dist[nxt] = dist[here] + 1
                queue.append(nxt)
    far = max(dist.values()) + 1
    return {r.id: dist.get(r.id, far) for r in scn.regions}


# Results ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Posting:
    """Troops of one nation in one region."""

    nation: str
    region: str
    troops: int
    effective_strength: float


@dataclass(frozen=True)
class RegionCover:
    """A region's requirement, who is there and how well it is covered."""

    region: str
    requirement: float
    troops: int
    effective_strength: float
    coverage: float
    lead: str | None
    nations: tuple[str, ...]
    supply_hops: int


@dataclass(frozen=True)
class SectorAssignment:
    """Where the contingents go, and how the programme was solved.

    ``min_coverage`` and ``weighted_coverage`` are those of the postings as rounded to whole
    units; ``programme_min_coverage`` is the programme's own optimum (before rounding) and
    ``bound`` the best bound HiGHS proved for it.
    """

    postings: tuple[Posting, ...]
    regions: tuple[RegionCover, ...]
    min_coverage: float
    weighted_coverage: float
    programme_min_coverage: float
    bound: float | None
    reserve: tuple[tuple[str, int, str], ...]
    objective: str
    status: str
    optimal: bool
    mip_gap: float | None
    solve_seconds: float

    def lead_of(self, region: str) -> str | None:
        """The lead nation of a region."""
        for r in self.regions:
            if r.region == region:
                return r.lead
        raise KeyError(region)

    def regions_of(self, nation: str) -> list[str]:
        """Regions a nation serves in."""
        return [p.region for p in self.postings if p.nation == nation]

    def to_frame(self) -> pd.DataFrame:
        """One row per region: requirement, troops, effective strength, coverage, lead, nations."""
        import pandas as pd

        return pd.DataFrame([{**r.__dict__, "nations": ";".join(r.nations)} for r in self.regions])

    def postings_frame(self) -> pd.DataFrame:
        """One row per (nation, region) posting."""
        import pandas as pd

        return pd.DataFrame([p.__dict__ for p in self.postings])


def _round_postings(
    shares: Mapping[tuple[str, str], float],
    reserve: Mapping[str, float],
    troops: Mapping[str, int],
    strength: Mapping[str, float],
    need: Mapping[str, float],
    unit: int,
    time_limit: float,
    max_nodes: int,
) -> tuple[dict[tuple[str, str], int], dict[str, int], float]:
    """Whole-unit postings from shares: each posting is its share rounded down or up.

    A small programme chooses which postings round up (each contingent's units add up) so as to
    keep the weakest needy region's coverage as high as possible. Returns the troops per posting,
    the troops held in reserve and the solve time.
    """
    m = milp.MilpBuilder()
    floor: dict[tuple[str, str], int] = {}
    up: dict[tuple[str, str], int] = {}
    extra: dict[str, int] = {}
    # A contingent smaller than a unit is one indivisible element (staff officers, a platoon).
    size = {n: (unit if t >= unit else max(t, 1)) for n, t in troops.items()}
    units = {n: t // size[n] for n, t in troops.items()}
    keys = [*shares, *((n, "") for n in reserve)]
    value = {**shares, **{(n, ""): v for n, v in reserve.items()}}
    for key in keys:
        n = key[0]
        raw = max(0.0, value[key]) * units[n]
        floor[key] = math.floor(raw + 1e-9)
        if raw - floor[key] > 1e-9:
            up[key] = m.add_binary(f"up[{key[0]},{key[1]}]")
    for n in troops:
        extra[n] = units[n] - sum(f for k, f in floor.items() if k[0] == n)
        row = {j: 1.0 for k, j in up.items() if k[0] == n}
        if row:
            m.add_row(row, float(extra[n]), float(extra[n]))
    t = m.add_var("t", 1.0, 0.0, math.inf)
    for r, req in need.items():
        if req <= 0:
            continue
        per_unit = {n: strength[n] * size[n] / troops[n] / req for n in troops if troops[n] > 0}
        base = sum(f * per_unit[k[0]] for k, f in floor.items() if k[1] == r)
        row = {j: -per_unit[k[0]] for k, j in up.items() if k[1] == r}
        m.add_row({t: 1.0, **row}, upper=base)
    seconds = 0.0
    chosen: set[tuple[str, str]] = set()
    if up:
        sol = _solve(m, maximize=True, time_limit=time_limit, mip_rel_gap=1e-4, max_nodes=max_nodes)
        seconds = sol.seconds
        if sol.x is not None:
            chosen = {k for k, j in up.items() if sol.x[j] > 0.5}
        else:  # fall back on largest remainders per contingent
            for n in troops:
                cands = sorted(
                    (k for k in up if k[0] == n), key=lambda k: -(value[k] * units[n] - floor[k])
                )
                chosen.update(cands[: max(0, extra[n])])
    posted = {k: (floor[k] + (1 if k in chosen else 0)) * size[k[0]] for k in shares}
    held = {n: (floor[(n, "")] + (1 if (n, "") in chosen else 0)) * size[n] for n in reserve}
    for n, total in troops.items():  # troops not in whole units go with the largest posting
        rest = total - units[n] * size[n]
        if rest:
            mine = [k for k in posted if k[0] == n]
            if mine:
                posted[max(mine, key=lambda k: posted[k])] += rest
            else:
                held[n] = held.get(n, 0) + rest
    return posted, held, seconds


class _Postable(Protocol):
    """What the programme reads of a contingent (or of a pool of embedded ones)."""

    @property
    def nation(self) -> str: ...

    @property
    def troops(self) -> int: ...

    @property
    def effective_strength(self) -> float: ...


@dataclass
class _Model:
    m: milp.MilpBuilder
    y: dict[tuple[str, str], int]
    z: dict[tuple[str, str], int]
    v: dict[str, int]
    t: int | None
    u: dict[str, int]


def _build(
    contingents: Sequence[_Postable],
    allowed: Mapping[str, list[str]],
    need: Mapping[str, float],
    p: SectorParams,
    objective: SectorObjective,
) -> _Model:
    m = milp.MilpBuilder()
    y: dict[tuple[str, str], int] = {}
    z: dict[tuple[str, str], int] = {}
    v: dict[str, int] = {}
    for c in contingents:
        framework = c.troops > p.embed_max_troops
        for r in allowed[c.nation]:
            y[(c.nation, r)] = m.add_var(f"y[{c.nation},{r}]", 0.0, 0.0, 1.0)
            if framework:
                z[(c.nation, r)] = m.add_binary(f"z[{c.nation},{r}]")
        v[c.nation] = m.add_var(f"reserve[{c.nation}]", 0.0, 0.0, 1.0)
    t = m.add_var("t", 0.0, 0.0, math.inf) if objective == "maximin" else None
    u = {r: m.add_var(f"u[{r}]", 0.0, 0.0, 1.0) for r, req in need.items() if req > 0}

    for c in contingents:
        row = {y[(c.nation, r)]: 1.0 for r in allowed[c.nation]}
        row[v[c.nation]] = 1.0
        m.add_row(row, 1.0, 1.0)
        least = min(1.0, p.block_size / max(c.troops, 1))
        for r in allowed[c.nation]:
            if (c.nation, r) in z:
                zj = z[(c.nation, r)]
                m.add_row({y[(c.nation, r)]: 1.0, zj: -1.0}, upper=0.0)
                m.add_row({y[(c.nation, r)]: 1.0, zj: -least}, lower=0.0)
    k_max = float(int(p.max_nations_per_region))
    for r in need:
        present = {j: 1.0 for (_n, rr), j in z.items() if rr == r}
        if present:
            m.add_row(present, upper=k_max)
    eff = {c.nation: c.effective_strength for c in contingents}
    for r, req in need.items():
        if req <= 0:
            continue
        cover = {j: -eff[n] / req for (n, rr), j in y.items() if rr == r}
        m.add_row({u[r]: 1.0, **cover}, upper=0.0)
        if t is not None:
            m.add_row({t: 1.0, **cover}, upper=0.0)
    return _Model(m, y, z, v, t, u)


def _lp_rounding_start(
    model: _Model,
    first: list[float],
    p: SectorParams,
    blocks: Mapping[str, int],
    strength: Mapping[str, float],
    time_limit: float,
    lp: milp.MilpSolution,
) -> np.ndarray | None:
    """A feasible point: from the relaxation ``lp``, keep the largest framework shares,
    re-optimise the shares.

    Presence is kept in decreasing order of the effective strength the relaxation posts while a
    region has fewer than ``max_nations_per_region`` framework nations and a contingent has fewer
    regions than blocks (so its minimum postings fit); a contingent left with none gets its best
    region with room.
    """
    m = model.m
    relaxed = milp.MilpBuilder(**{**m.__dict__, "integer": [0] * m.n_vars})
    if lp.x is None:
        return None
    k_max = int(p.max_nations_per_region)
    keep: set[tuple[str, str]] = set()
    per_region: dict[str, int] = {}
    per_nation: dict[str, int] = {}
    ranked = sorted(
        ((float(lp.x[model.y[key]]) * strength[key[0]], key) for key in model.z),
        key=lambda item: -item[0],
    )
    for share, (n, r) in ranked:
        if share <= 1e-9:
            break
        if per_region.get(r, 0) < k_max and per_nation.get(n, 0) < blocks[n]:
            keep.add((n, r))
            per_region[r] = per_region.get(r, 0) + 1
            per_nation[n] = per_nation.get(n, 0) + 1
    for n, r in (key for _share, key in ranked):
        if per_nation.get(n, 0) == 0 and per_region.get(r, 0) < k_max:
            keep.add((n, r))
            per_region[r] = per_region.get(r, 0) + 1
            per_nation[n] = 1
    fixed = milp.MilpBuilder(**{**relaxed.__dict__, "lower": list(m.lower), "upper": list(m.upper)})
    for key, j in model.z.items():
        on = 1.0 if key in keep else 0.0
        fixed.lower[j] = on
        fixed.upper[j] = on
    again = _solve(fixed, maximize=True, cost=first, time_limit=time_limit)
    return again.x


def assign_sectors(
    scn: Scenario,
    coalition: Coalition,
    requirement: Requirement,
    values: Mapping[str, float],
    objective: SectorObjective = "maximin",
) -> SectorAssignment:
    """Post the coalition's contingents to regions (see the module docstring for the model)."""
    p, unit = _checked_params(values, objective)
    setting = _setting(scn, coalition, requirement, p)
    model = _build(coalition.contingents, setting.allowed, setting.need, p, objective)
    first = _coverage_cost(model, setting)
    sol1, x1 = _solve_coverage(model, first, coalition, setting, p)
    primary = float(np.dot(first, x1))
    sol2 = _solve_supply(model, first, primary, x1, setting, p)
    x = sol2.x if sol2.x is not None else x1
    posted, held, round_seconds = _round_postings(
        {key: float(x[j]) for key, j in model.y.items()},
        {n: float(x[j]) for n, j in model.v.items()},
        {c.nation: c.troops for c in coalition.contingents},
        setting.eff,
        setting.need,
        unit,
        p.time_limit_s,
        p.max_nodes,
    )
    postings, reserved = _read_postings(coalition, setting, posted, held)
    covers = _region_covers(scn, postings, setting)
    needy = [cv for cv in covers if cv.requirement > 0]
    return SectorAssignment(
        postings=tuple(postings),
        regions=tuple(covers),
        min_coverage=min((cv.coverage for cv in needy), default=math.inf),
        weighted_coverage=sum(setting.weight[cv.region] * min(1.0, cv.coverage) for cv in needy),
        programme_min_coverage=float(x1[model.t]) if model.t is not None else primary,
        bound=sol1.dual_bound,
        reserve=tuple(reserved),
        objective=objective,
        status=sol1.status,
        optimal=sol1.optimal,
        mip_gap=sol1.mip_gap,
        solve_seconds=sol1.seconds + sol2.seconds + round_seconds,
    )


# Steps of assign_sectors --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Setting:
    """What the programme is built from: needs, supply distances, strengths, admissible regions."""

    need: dict[str, float]
    weight: dict[str, float]
    hops: dict[str, int]
    eff: dict[str, float]
    total_eff: float
    allowed: dict[str, list[str]]
    reasons: dict[str, str]


def _checked_params(
    values: Mapping[str, float], objective: SectorObjective
) -> tuple[SectorParams, int]:
    """The stage's parameters and the posting unit (troops), after checking them."""
    p = sector_params(values)
    unit = max(1, round(float(values.get("willingness.unit_size", 150))))
    if objective not in ("maximin", "weighted"):
        raise ParameterError(f"unknown sector objective '{objective}'; valid: maximin, weighted")
    if p.block_size <= 0 or p.max_nations_per_region < 1:
        raise ParameterError(
            "sectors.block_size must be positive and sectors.max_nations_per_region at least 1"
        )
    return p, unit


def _setting(
    scn: Scenario, coalition: Coalition, requirement: Requirement, p: SectorParams
) -> _Setting:
    """Each region's need and weight, supply distances, and where each contingent may go."""
    need = {r.region: r.troops for r in requirement.regions}
    total_need = sum(need.values())
    allowed: dict[str, list[str]] = {}
    reasons: dict[str, str] = {}
    for c in coalition.contingents:
        allowed[c.nation] = allowed_regions(scn.nation(c.nation), scn, requirement, p, c.caveats)
        if not allowed[c.nation]:
            reasons[c.nation] = "no admissible region (exclusions and caveats)"
    return _Setting(
        need=need,
        weight={r: (v / total_need if total_need > 0 else 0.0) for r, v in need.items()},
        hops=supply_hops(scn),
        eff={c.nation: c.effective_strength for c in coalition.contingents},
        total_eff=sum(c.effective_strength for c in coalition.contingents) or 1.0,
        allowed=allowed,
        reasons=reasons,
    )


def _coverage_cost(model: _Model, setting: _Setting) -> list[float]:
    """Stage 1's objective: weakest (or weighted) coverage less the penalty on reserve."""
    first = [0.0] * model.m.n_vars
    if model.t is not None:
        first[model.t] = 1.0
    else:
        for r, j in model.u.items():
            first[j] = setting.weight[r]
    for n, j in model.v.items():
        first[j] = -RESERVE_PENALTY * setting.eff[n] / setting.total_eff
    return first


@dataclass(frozen=True)
class _Element:
    """A contingent as the programme reads it, or a pool of embedded ones."""

    nation: str
    troops: int
    effective_strength: float


def _solve_coverage(
    model: _Model,
    first: list[float],
    coalition: Coalition,
    setting: _Setting,
    p: SectorParams,
) -> tuple[milp.MilpSolution, np.ndarray]:
    """Stage 1 on the programme with the embedded contingents pooled; its solution, and the
    point of the full programme with the presence it chose.

    Embedded contingents (at most ``embed_max_troops``) have no presence variable: each only
    splits its effective strength over its admissible regions or holds it in reserve, which
    costs in proportion to that strength. Those with the same admissible regions are therefore
    one pool with their summed strength (any split of the pool is a split of each member, and
    back), so the pooled programme has the same optimum and the same admissible presence
    patterns with far fewer columns. The full programme is then solved as a linear programme
    with that presence fixed, which gives the same optimum.
    """
    pools: dict[tuple[str, ...], list[str]] = {}
    elements: list[_Element] = []
    for c in coalition.contingents:
        if c.troops > p.embed_max_troops:
            elements.append(_Element(c.nation, c.troops, c.effective_strength))
        else:
            pools.setdefault(tuple(setting.allowed[c.nation]), []).append(c.nation)
    allowed = {e.nation: setting.allowed[e.nation] for e in elements}
    eff = {e.nation: e.effective_strength for e in elements}
    for i, (regions, members) in enumerate(pools.items()):
        name = f"embedded-{i}"
        eff[name] = sum(setting.eff[n] for n in members)
        allowed[name] = list(regions)
        elements.append(_Element(name, 0, eff[name]))
    pooled_setting = dataclasses.replace(setting, eff=eff, allowed=allowed)
    objective: SectorObjective = "maximin" if model.t is not None else "weighted"
    pooled = _build(elements, allowed, setting.need, p, objective)
    pooled_first = _coverage_cost(pooled, pooled_setting)
    sol, xp = _solve_presence(pooled, pooled_first, elements, pooled_setting, p)
    m = model.m
    fixed = milp.MilpBuilder(
        **{**m.__dict__, "integer": [0] * m.n_vars, "lower": list(m.lower), "upper": list(m.upper)}
    )
    for key, j in model.z.items():
        on = 1.0 if xp[pooled.z[key]] > 0.5 else 0.0
        fixed.lower[j] = on
        fixed.upper[j] = on
    full = _solve(fixed, maximize=True, cost=first, time_limit=p.time_limit_s)
    if full.x is None:
        raise ParameterError(
            f"sector assignment lost its solution when the embedded contingents were unpooled "
            f"(HiGHS status: {full.status}); raise sectors.time_limit_s (now {p.time_limit_s})"
        )
    return dataclasses.replace(sol, seconds=sol.seconds + full.seconds), full.x


def _solve_presence(
    model: _Model,
    first: list[float],
    contingents: Sequence[_Postable],
    setting: _Setting,
    p: SectorParams,
) -> tuple[milp.MilpSolution, np.ndarray]:
    """The presence programme: the relaxation's bound reached if it can be, else branch and
    bound from the LP-rounding start; its solution and point.

    The linear relaxation bounds the optimum. A programme asked only for a point within
    ``REACH_TOLERANCE`` of that bound (no objective: HiGHS stops at the first such point) proves
    optimality when it finds one, and is much cheaper than closing the gap from below (the bound
    is usually tight here: the embedded contingents fill what the framework nations leave).
    If none is found within ``max_nodes``, the full branch and bound runs as before.
    """
    blocks = {c.nation: max(1, int(c.troops // p.block_size)) for c in contingents}
    start = None
    if model.z:
        m = model.m
        relaxed = milp.MilpBuilder(**{**m.__dict__, "integer": [0] * m.n_vars})
        lp = _solve(relaxed, maximize=True, cost=first, time_limit=p.time_limit_s)
        reached = _reach_bound(model, first, lp, p)
        if reached is not None and reached.x is not None:
            return reached, reached.x
        start = _lp_rounding_start(model, first, p, blocks, setting.eff, p.time_limit_s, lp)
    sol1 = _solve(
        model.m,
        maximize=True,
        cost=first,
        time_limit=p.time_limit_s,
        mip_rel_gap=1e-4,
        start=start,
        max_nodes=p.max_nodes,
    )
    if sol1.x is None:
        raise ParameterError(
            f"sector assignment found no solution (HiGHS status: {sol1.status}); raise "
            f"sectors.time_limit_s (now {p.time_limit_s}) or sectors.max_nations_per_region"
        )
    return sol1, sol1.x


#: Relative distance from the relaxation's bound within which a point counts as optimal (tighter
#: than the branch and bound's ``mip_rel_gap`` of 1e-4).
REACH_TOLERANCE = 1e-6


def _reach_bound(
    model: _Model, first: list[float], lp: milp.MilpSolution, p: SectorParams
) -> milp.MilpSolution | None:
    """A point of the programme whose objective is within ``REACH_TOLERANCE`` of the relaxation's
    bound (so optimal within it), or None if the node limit passes without one."""
    if lp.x is None or lp.objective is None:
        return None
    bound = lp.objective
    floor = bound - REACH_TOLERANCE * max(abs(bound), 1e-9)
    row = ({j: c for j, c in enumerate(first) if c != 0.0}, floor, math.inf)
    reach = _solve(
        model.m,
        maximize=True,
        cost=[0.0] * model.m.n_vars,
        time_limit=p.time_limit_s,
        extra_rows=[row],
        max_nodes=p.max_nodes,
    )
    if reach.x is None or reach.status != "optimal":
        return None
    value = float(np.dot(first, reach.x))
    return dataclasses.replace(
        reach,
        objective=value,
        dual_bound=bound,
        mip_gap=max(0.0, bound - value) / max(abs(value), 1e-12),
        seconds=lp.seconds + reach.seconds,
    )


def _solve_supply(
    model: _Model,
    first: list[float],
    primary: float,
    x1: np.ndarray,
    setting: _Setting,
    p: SectorParams,
) -> milp.MilpSolution:
    """Stage 2 (LP): presence fixed, stage 1's optimum held; weighted coverage less supply hops."""
    m = model.m
    stage2 = milp.MilpBuilder(
        **{**m.__dict__, "integer": [0] * m.n_vars, "lower": list(m.lower), "upper": list(m.upper)}
    )
    for j in model.z.values():
        on = 1.0 if x1[j] > 0.5 else 0.0
        stage2.lower[j] = on
        stage2.upper[j] = on
    eff, total_eff = setting.eff, setting.total_eff
    second = [0.0] * m.n_vars
    for r, j in model.u.items():
        second[j] = setting.weight[r]
    for (n, r), j in model.y.items():
        second[j] = -p.hop_penalty * setting.hops[r] * eff[n] / total_eff
    for n, j in model.v.items():
        second[j] = -RESERVE_PENALTY * eff[n] / total_eff
    keep = (
        {j: c for j, c in enumerate(first) if c != 0.0},
        primary - 1e-7 * max(1.0, abs(primary)),
        math.inf,
    )
    return _solve(stage2, maximize=True, cost=second, time_limit=p.time_limit_s, extra_rows=[keep])


def _read_postings(
    coalition: Coalition,
    setting: _Setting,
    posted: Mapping[tuple[str, str], int],
    held: Mapping[str, int],
) -> tuple[list[Posting], list[tuple[str, int, str]]]:
    """The postings with their effective strength, and the troops held in reserve with why."""
    postings: list[Posting] = []
    reserved: list[tuple[str, int, str]] = []
    for c in coalition.contingents:
        for r in setting.allowed[c.nation]:
            tr = posted.get((c.nation, r), 0)
            if tr > 0:
                postings.append(Posting(c.nation, r, tr, c.effective_strength * tr / c.troops))
        if held.get(c.nation, 0) > 0:
            why = setting.reasons.get(c.nation, "no free slot under the lead-nation limit")
            reserved.append((c.nation, held[c.nation], why))
    return postings, reserved


def _region_covers(scn: Scenario, postings: list[Posting], setting: _Setting) -> list[RegionCover]:
    """Each region's troops, coverage and lead nation (the one with the most strength there)."""
    covers: list[RegionCover] = []
    for reg in scn.regions:
        here = [q for q in postings if q.region == reg.id]
        strength = sum(q.effective_strength for q in here)
        req = setting.need[reg.id]
        ranked = sorted(here, key=lambda q: -q.effective_strength)
        covers.append(
            RegionCover(
                region=reg.id,
                requirement=req,
                troops=sum(q.troops for q in here),
                effective_strength=strength,
                coverage=(strength / req) if req > 0 else math.inf,
                lead=ranked[0].nation if ranked else None,
                nations=tuple(q.nation for q in ranked),
                supply_hops=setting.hops[reg.id],
            )
        )
    return covers


def sector_params(values: Mapping[str, float]) -> SectorParams:
    """The stage's parameters from a mapping of ``sectors.*`` values."""
    return stage_parameters(SectorParams, values, STAGE)

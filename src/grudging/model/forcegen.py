"""Force generation: the conference as a mixed-integer programme on HiGHS.

For every candidate nation the conference can make a *package* of offers: per-nation offers
(cash per troop, aid or debt relief, airlift and logistics support), a stance on each of the
nation's caveats (accept it, buy it off, or refuse it and let the nation decide), and a purchase of
a more robust mandate than the nation accepts on its own. Coalition-wide offers (a diplomatic
concession, UN endorsement) are one decision each; the command (NATO, UN, US) is given by the plan.
Each package's troops come from the willingness stage, its effective strength from the ROE stage,
its price from the offer menu. Dominated packages (no more effective strength for no less money
and political capital) are dropped; a binary programme then picks at most one package per nation,
consistent with the coalition-wide offers, within the money budget and the political capital.

Objective (lexicographic). Without a troop target: maximise effective strength up to the
requirement (a force beyond it buys nothing), less the money spent divided by the value of an
effective soldier (``value_per_effective_musd``: the patron pays no more for a soldier than it is
worth to it), then reach that strength at least cost. With a target of ``T`` troops (e.g. the
proposal's 32,000 in Iraq): the same for a force of at most ``T`` troops.

Free riding is solved as a fixed point: each nation's offer falls with the effective strength it
expects the others to field (over the requirement); the expectation is found by bisection so that
the coalition the programme picks fields what was expected. The cost curve (budget -> effective
force) holds that expectation fixed, so it is a local linearisation around the plan's budget and
is monotone by construction (each point is constrained to be at least the previous one, which is
feasible with the larger budget and so changes no optimum).

Costs are first-year money (per-troop offers for a year plus lump sums) in US$ million, within
``CoalitionPlan.budget_musd``; political costs within ``CoalitionPlan.political_capital``.

References
----------
The menu's prices are scenario data with their sources (for Iraq: ``offers.yaml``, which cites
recorded support to contributors, the Coalition Solidarity Fund and Belasco, CRS RL33110).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from grudging.errors import InfeasibleError, ParameterError, did_you_mean
from grudging.model import milp
from grudging.model.coalition import (
    CandidateStatus,
    Coalition,
    Contingent,
    CostPoint,
    SolverReport,
)
from grudging.model.parameters import stage_parameters
from grudging.model.roe import caveat_factor, roe_factor, roe_level, roe_params, steps_short
from grudging.model.sectors import allowed_regions, sector_params
from grudging.model.willingness import (
    AIRLIFT,
    CAVEAT_ACCEPTANCE,
    GLOBAL_CHANNELS,
    Inducements,
    Response,
    WillingnessParams,
    candidates,
    capacity,
    capacity_weights,
    contingent_size,
    offer_channel,
    respond,
    willingness_params,
)
from grudging.scenario.commands import command_of, commands_of, is_member, resolve

if TYPE_CHECKING:
    from grudging.model.requirement import Requirement
    from grudging.scenario.schema import CoalitionPlan, Command, Nation, Offer, Scenario

STAGE = "forcegen"


#: HiGHS on the conference's programmes, saying what to do if one is too large for the time limit.
_solve = partial(
    milp.solve,
    limit_fix="the conference's programme is too large for this machine: allow fewer offers in "
    "the plan or give the theatre fewer candidate nations",
)


@dataclass(frozen=True)
class ForceGenParams:
    """Parameters of force generation (scenario names ``forcegen.<field>``).

    Attributes
    ----------
    quality_floor:
        Quality of the worst-equipped contingent (0-1).
    spend_per_soldier_low, spend_per_soldier_high:
        Military spending per active soldier (US$ thousand a year) at which quality is the floor
        and 1; quality is log-linear in between.
    interop_outsider:
        Quality multiplier for a contingent from outside NATO and the EU under NATO or US command.
    interop_un:
        Quality multiplier for every contingent under UN command.
    deploy_rate:
        Troops a month a contingent can move into theatre on its own.
    lift_speedup:
        Multiplier on the deployment rate with airlift support, a supply hub or a shared border.
    us_cost_per_troop_year_musd:
        What a US soldier in theatre costs a year (for the price comparison only).
    value_per_effective_musd:
        The most the patron pays for one more effective soldier (first-year US$ million): the
        programme maximises effective strength less money divided by this value, so it buys
        no contingent dearer than that even with budget to spare.
    mip_rel_gap:
        Relative MIP gap at which HiGHS stops (a solver setting with a default, not an uncertain
        parameter; the same holds for the three below).
    time_limit_s:
        Time limit of each HiGHS solve: a safety net far above what the node limit takes (the
        slowest node-limited solve seen took 16 s alone and 60 s on a loaded machine); a solve
        that reaches it raises rather than answer by the machine's speed.
    max_nodes:
        Most branch-and-bound nodes of each solve: a limit on work, not time, so the same inputs
        give the same coalition however busy the machine is.
    fixed_point_tolerance:
        Tolerance of the free-riding fixed point (share of the requirement).
    fixed_point_iterations:
        Most bisection steps for the fixed point.
    """

    quality_floor: float
    spend_per_soldier_low: float
    spend_per_soldier_high: float
    interop_outsider: float
    interop_un: float
    deploy_rate: float
    lift_speedup: float
    us_cost_per_troop_year_musd: float
    value_per_effective_musd: float
    mip_rel_gap: float = 1e-6
    time_limit_s: float = milp.SAFETY_SECONDS
    max_nodes: int = 20000
    fixed_point_tolerance: float = 0.005
    fixed_point_iterations: float = 10.0


#: Trims the chosen packages to a troop target: their troops after sharing (:func:`share_target`).
Sharing = Callable[[Sequence["Package"]], list[int]]


# Quality ------------------------------------------------------------------------------------------
def base_quality(nation: Nation, p: ForceGenParams) -> float:
    """Quality from military spending per soldier (log-linear between the two anchors)."""
    if nation.active_personnel <= 0:
        return p.quality_floor
    per_soldier = 1e3 * nation.military_spending_musd / nation.active_personnel  # US$ thousand
    lo, hi = math.log(p.spend_per_soldier_low), math.log(p.spend_per_soldier_high)
    t = (math.log(max(per_soldier, 1e-9)) - lo) / (hi - lo) if hi > lo else 1.0
    return p.quality_floor + (1.0 - p.quality_floor) * min(1.0, max(0.0, t))


def quality(nation: Nation, command: Command, p: ForceGenParams) -> float:
    """Quality under a command: the command's multiplier for all when it has one (the UN's
    command and logistics), else interoperability for its non-members."""
    q = base_quality(nation, p)
    if command.quality is not None:
        return q * float(resolve(command.quality, p, STAGE))
    if not is_member(command, nation):
        return q * p.interop_outsider
    return q


# Packages ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Package:
    """One way of bringing a nation in, with what it gives and what it costs.

    ``states`` are the indices of the coalition-wide offer states (see :class:`GlobalState`)
    under which the package gives exactly this: a nation indifferent to an offer has one package
    for the states that differ only by it.
    """

    nation: str
    offers: tuple[str, ...]
    states: frozenset[int]
    kept: tuple[str, ...]
    lifted: tuple[str, ...]
    refused: tuple[str, ...]
    roe_steps: int
    troops: int
    quality: float
    effective: float
    money_musd: float
    money_per_year_musd: float
    political: float
    response: Response


@dataclass(frozen=True)
class GlobalState:
    """A combination of coalition-wide offers (each made once, to all), with its price."""

    offers: tuple[str, ...]
    money_musd: float
    political: float


@dataclass
class Menu:
    """Every nation's non-dominated packages, the coalition-wide offer states and fixed costs."""

    packages: list[Package]
    states: list[GlobalState]
    fixed_money: float
    fixed_political: float
    fixed_offers: tuple[str, ...]
    diagnosis: dict[str, str] = field(default_factory=dict)


def _menu_offers(scn: Scenario, plan: CoalitionPlan) -> list[Offer]:
    allowed = None if plan.offers is None else set(plan.offers)
    return [o for o in scn.offers if allowed is None or o.id in allowed]


def _cost(offer: Offer, troops: int) -> tuple[float, float]:
    """(first-year money, recurring money a year) of one offer to a contingent of ``troops``."""
    if offer.kind == "per_troop":
        yearly = offer.cost_musd * troops / 1000.0
        return yearly, yearly
    return offer.cost_musd, 0.0


def _dominated(p: Package, q: Package, troop_cap: bool) -> bool:
    """Whether ``q`` makes ``p`` pointless (at least as strong, no dearer, no larger if capped)."""
    return (
        q.effective >= p.effective - 1e-9
        and q.money_musd <= p.money_musd + 1e-9
        and q.political <= p.political + 1e-9
        and (not troop_cap or q.troops <= p.troops)
    )


def _prune(packages: list[Package], troop_cap: bool) -> list[Package]:
    """The non-dominated packages (all under the same coalition-wide offer state)."""
    ranked = sorted(packages, key=lambda k: (-k.effective, k.money_musd, k.political, k.troops))
    front: list[Package] = []
    for pkg in ranked:
        if not any(_dominated(pkg, other, troop_cap) for other in front):
            front.append(pkg)
    return front


def _signature(packages: list[Package]) -> tuple[Any, ...]:
    return tuple(
        (
            k.offers,
            k.kept,
            k.lifted,
            k.refused,
            k.troops,
            round(k.effective, 9),
            round(k.money_musd, 9),
            round(k.political, 9),
        )
        for k in packages
    )


def build_menu(
    scn: Scenario,
    plan: CoalitionPlan,
    requirement: Requirement,
    values: Mapping[str, float],
    expected_ratio: float = 0.0,
    troop_cap: bool = False,
) -> Menu:
    """Every nation's non-dominated packages under the plan, at a free-riding expectation."""
    wp = willingness_params(values)
    fp = forcegen_params(values)
    rp = roe_params(values)
    sp = sector_params(values)
    command = command_of(scn, plan.command)
    level = roe_level(scn, plan.roe_level).id if scn.roe_levels else plan.roe_level
    r_factor = roe_factor(scn, level, rp) if scn.roe_levels else 1.0
    offers = _menu_offers(scn, plan)
    by_channel: dict[str, list[Offer]] = {}
    for o in offers:
        by_channel.setdefault(offer_channel(o), []).append(o)

    # The command's price is paid in full (NATO taking command; a UN mandate); what it implies
    # comes with it; the price of another command (and not an inducement in itself) is not for
    # sale under this one.
    fixed_money = fixed_pol = 0.0
    fixed_offers: list[str] = []
    implied = set(command.implies)
    for channel in command.price:
        for o in by_channel.get(channel, []):
            fixed_money += o.cost_musd
            fixed_pol += o.political_cost
            fixed_offers.append(o.id)
    command_only = {
        channel
        for other in commands_of(scn).values()
        for channel in other.price
        if channel not in other.implies
    }
    global_offers = [
        o
        for o in offers
        if offer_channel(o) in GLOBAL_CHANNELS
        and offer_channel(o) not in command_only
        and offer_channel(o) not in implied
    ]
    states = [
        GlobalState(
            tuple(o.id for o in combo),
            sum(o.cost_musd for o in combo),
            sum(o.political_cost for o in combo),
        )
        for k in range(len(global_offers) + 1)
        for combo in itertools.combinations(global_offers, k)
    ]
    state_channels = [
        {offer_channel(o) for o in global_offers if o.id in st.offers} | implied for st in states
    ]
    per_nation = [
        o for o in offers if offer_channel(o) not in GLOBAL_CHANNELS | {CAVEAT_ACCEPTANCE}
    ]
    context = _Context(
        scn=scn,
        requirement=requirement,
        wp=wp,
        fp=fp,
        rp=rp,
        sp=sp,
        command=command,
        level=level,
        r_factor=r_factor,
        per_nation=per_nation,
        acceptance=by_channel.get(CAVEAT_ACCEPTANCE, []),
        caveats={c.id: c for c in scn.caveats},
        channel_of={o.id: offer_channel(o) for o in offers},
        expected_ratio=expected_ratio,
    )
    nations = candidates(scn)
    weights = capacity_weights(nations, wp)
    packages: list[Package] = []
    diagnosis: dict[str, str] = {}
    for nation in nations:
        per_state, why = _nation_packages(nation, context, state_channels, weights[nation.id])
        if why:
            diagnosis[nation.id] = why
        classes: dict[tuple[Any, ...], list[int]] = {}
        fronts: dict[tuple[Any, ...], list[Package]] = {}
        for s_idx, found in enumerate(per_state):
            front = _prune(found, troop_cap)
            sig = _signature(front)
            classes.setdefault(sig, []).append(s_idx)
            fronts.setdefault(sig, front)
        for sig, members in classes.items():
            for pkg in fronts[sig]:
                packages.append(dataclasses.replace(pkg, states=frozenset(members)))
    return Menu(packages, states, fixed_money, fixed_pol, tuple(fixed_offers), diagnosis)


@dataclass(frozen=True)
class _Context:
    """What the conference knows when it prices a nation's packages."""

    scn: Scenario
    requirement: Requirement
    wp: WillingnessParams
    fp: ForceGenParams
    rp: Any
    sp: Any
    command: Command
    level: str
    r_factor: float
    per_nation: list[Offer]
    acceptance: list[Offer]
    caveats: Mapping[str, Any]
    channel_of: Mapping[str, str]
    expected_ratio: float


def _nation_packages(
    nation: Nation, ctx: _Context, state_channels: list[set[str]], weight: float
) -> tuple[list[list[Package]], str]:
    """One nation's packages under each coalition-wide offer state and, if none at all, why."""
    wp, scn = ctx.wp, ctx.scn
    empty: list[list[Package]] = [[] for _ in state_channels]
    cap = capacity(nation, wp)
    if cap < max(wp.min_contingent, 1):
        return empty, f"no deployable capacity to spare (capacity {cap} < {wp.min_contingent:.0f})"
    short = steps_short(nation, scn, ctx.level) if scn.roe_levels else 0
    if short > ctx.rp.step_up_max:
        return empty, (
            f"rules of engagement: accepts at most '{nation.max_roe}', below '{ctx.level}'"
        )
    q = quality(nation, ctx.command, ctx.fp)
    own_caveats = [c for c in nation.caveats if c in ctx.caveats]
    stances = ["keep", "lift", "refuse"] if ctx.acceptance else ["lift", "refuse"]
    options = []
    for stance in itertools.product(stances, repeat=len(own_caveats)):
        kept = tuple(c for c, s in zip(own_caveats, stance, strict=True) if s == "keep")
        lifted = tuple(c for c, s in zip(own_caveats, stance, strict=True) if s == "lift")
        refused = tuple(c for c, s in zip(own_caveats, stance, strict=True) if s == "refuse")
        if allowed_regions(nation, scn, ctx.requirement, ctx.sp, kept):
            options.append((kept, lifted, refused))
    if not options:
        return empty, (
            "excluded from every region (exclusions, or a regional caveat and no calm region)"
        )
    out: list[list[Package]] = []
    best_prob = 0.0
    cache: dict[tuple[frozenset[str], int], Response] = {}
    for g_channels in state_channels:
        found: list[Package] = []
        for k in range(len(ctx.per_nation) + 1):
            for chosen in itertools.combinations(ctx.per_nation, k):
                for kept, lifted, refused in options:
                    channels = {ctx.channel_of[o.id] for o in chosen} | g_channels
                    if kept:
                        channels.add(CAVEAT_ACCEPTANCE)
                    key = (frozenset(channels), len(refused))
                    if key not in cache:
                        cache[key] = respond(
                            nation,
                            Inducements(key[0], ctx.command, key[1]),
                            wp,
                            weight,
                            ctx.expected_ratio,
                        )
                    resp = cache[key]
                    best_prob = max(best_prob, resp.probability)
                    if resp.troops <= 0:
                        continue
                    found.append(_price(nation, ctx, resp, chosen, kept, lifted, refused, short, q))
                    if 0 < nation.theatre_troops < resp.troops:
                        # Re-hatting alone: the conference may take just the contingent already
                        # in the theatre (pruned as dominated unless a troop target binds).
                        rehat = dataclasses.replace(resp, troops=nation.theatre_troops)
                        found.append(
                            _price(nation, ctx, rehat, chosen, kept, lifted, refused, short, q)
                        )
        out.append(found)
    if any(out):
        return out, ""
    if best_prob < wp.participation_threshold:
        return out, f"declines under every offer available (best probability {best_prob:.2f})"
    return out, f"its contingent would be below the minimum viable size ({wp.min_contingent:.0f})"


def _price(
    nation: Nation,
    ctx: _Context,
    resp: Response,
    chosen: tuple[Offer, ...],
    kept: tuple[str, ...],
    lifted: tuple[str, ...],
    refused: tuple[str, ...],
    short: int,
    q: float,
) -> Package:
    """The package: troops from the response, money and political capital from the menu."""
    troops = resp.troops
    money = recurring = political = 0.0
    paid = list(chosen) + (list(ctx.acceptance) if kept else [])
    for o in paid:
        first, yearly = _cost(o, troops)
        money += first
        recurring += yearly
        political += o.political_cost
    money += sum(ctx.caveats[c].lift_cost_musd for c in lifted)
    if short:
        step = ctx.rp.step_up_cost_musd_per_thousand * short * troops / 1000.0
        money += step
        recurring += step
    return Package(
        nation=nation.id,
        offers=tuple(o.id for o in paid),
        states=frozenset(),
        kept=kept,
        lifted=lifted,
        refused=refused,
        roe_steps=short,
        troops=troops,
        quality=q,
        effective=troops * q * caveat_factor(ctx.scn, kept) * ctx.r_factor,
        money_musd=money,
        money_per_year_musd=recurring,
        political=political,
        response=resp,
    )


# The programme ------------------------------------------------------------------------------------
@dataclass
class Programme:
    """The conference's programme: columns of packages (x), offer states (w), capped strength."""

    model: milp.MilpBuilder
    x: list[int]
    w: list[int]
    z: int | None
    eff: dict[int, float]
    money: dict[int, float]
    political: dict[int, float]


def _is_free(k: Package) -> bool:
    """A package that costs the patron nothing: a volunteer's contingent."""
    return k.money_musd <= 1e-9 and k.political <= 1e-9


def _effective(k: Package, troops: int) -> float:
    """A package's effective strength at ``troops`` (its own when untrimmed, bit for bit)."""
    return k.effective if troops == k.troops else k.effective * troops / k.troops


def _volunteers(menu: Menu) -> list[list[int]]:
    """Per coalition-wide offer state, the volunteers' packages: each nation's largest free
    package valid under it (most troops, then most effective strength, then menu order)."""
    best: list[dict[str, int]] = [{} for _ in menu.states]
    for i, k in enumerate(menu.packages):
        if not _is_free(k):
            continue
        for s in k.states:
            j = best[s].get(k.nation)
            if j is None or (k.troops, k.effective) > (
                menu.packages[j].troops,
                menu.packages[j].effective,
            ):
                best[s][k.nation] = i
    return [sorted(b.values()) for b in best]


def _purchases(menu: Menu, cap_troops: int) -> tuple[list[int], list[int]]:
    """Per package, the troops it adds beyond the nation's largest free package under the same
    offer states (0 for a volunteer); per coalition-wide offer state, the troops the patron may
    buy: the target less the volunteers' troops under that state, at least 0."""
    free: dict[tuple[str, frozenset[int]], int] = {}
    for k in menu.packages:
        if _is_free(k):
            key = (k.nation, k.states)
            free[key] = max(free.get(key, 0), k.troops)
    added = [max(0, k.troops - free.get((k.nation, k.states), 0)) for k in menu.packages]
    room = [max(0, cap_troops - sum(menu.packages[i].troops for i in v)) for v in _volunteers(menu)]
    return added, room


def share_target(
    troops: Sequence[int], floors: Sequence[int], cap: int, wp: WillingnessParams
) -> list[int]:
    """Contingents trimmed to fit a troop target, pro rata, as a force-generation conference
    trims the offers to its statement of requirements (and as the leave-one-coalition-out
    validation scales its forecasts to the planned strength).

    Every contingent keeps the same share ``phi`` of its offer, the largest at which the force
    fits ``cap``, but never less than its floor (the troops the nation already has in the
    theatre: re-hatting), unless the floors alone exceed the target; each is then rounded down
    on the contingent ladder (:func:`grudging.model.willingness.contingent_size`); a nation
    trimmed below the smallest contingent leaves, and ``phi`` is recomputed over those that stay.
    A force within its target is unchanged.
    """
    sizes = [int(t) for t in troops]
    if sum(sizes) <= cap:
        return sizes
    low = [min(int(f), t) for f, t in zip(floors, sizes, strict=True)]
    if sum(low) > cap:
        low = [0] * len(sizes)
    pool = list(sizes)
    while True:
        shared = _pro_rata(pool, low, cap, wp)
        # A nation whose share is below the smallest contingent leaves, the smallest offer
        # first, and its share goes to those that stay (phi is recomputed over them).
        gone = [i for i, (t, s) in enumerate(zip(pool, shared, strict=True)) if t > 0 and s == 0]
        if not gone:
            return shared
        pool[min(gone, key=lambda i: (pool[i], i))] = 0


def _pro_rata(
    sizes: Sequence[int], low: Sequence[int], cap: int, wp: WillingnessParams
) -> list[int]:
    """One common share ``phi`` of every offer, the largest that fits ``cap`` with each
    contingent at least its floor ``low``, rounded down on the contingent ladder."""
    at_floor = [False] * len(sizes)
    while True:
        fixed = sum(f for f, b in zip(low, at_floor, strict=True) if b)
        rest = sum(t for t, b in zip(sizes, at_floor, strict=True) if not b)
        phi = max(0.0, cap - fixed) / rest if rest > 0 else 0.0
        newly = [not b and phi * t < f for t, f, b in zip(sizes, low, at_floor, strict=True)]
        if not any(newly):
            break
        at_floor = [b or n for b, n in zip(at_floor, newly, strict=True)]
    return [
        f if b else max(f, contingent_size(phi * t, wp)) if t > 0 else 0
        for t, f, b in zip(sizes, low, at_floor, strict=True)
    ]


def build_programme(
    menu: Menu,
    budget: float,
    capital: float,
    cap_effective: float | None,
    cap_troops: int | None,
    share: Sharing | None = None,
) -> Programme:
    """Binary package choice with one-hot coalition-wide offer states (disaggregated linking).

    With a troop target, ``share`` trims a set of packages to it (:func:`share_target`): under an
    offer state whose volunteers exceed the target, the state's variable carries the strength
    the trimming removes from them, so the programme values the force as shared and spends no
    money or political capital on volunteers the target has no room for."""
    m = milp.MilpBuilder()
    x = [m.add_binary(f"x[{k.nation},{i}]") for i, k in enumerate(menu.packages)]
    w = [m.add_binary(f"w[{'+'.join(s.offers) or 'none'}]") for s in menu.states]
    m.add_row({j: 1.0 for j in w}, 1.0, 1.0)
    eff = {x[i]: k.effective for i, k in enumerate(menu.packages)}
    money = {x[i]: k.money_musd for i, k in enumerate(menu.packages)}
    political = {x[i]: k.political for i, k in enumerate(menu.packages)}
    for j, st in zip(w, menu.states, strict=True):
        money[j] = st.money_musd
        political[j] = st.political
    classes: dict[tuple[str, frozenset[int]], list[int]] = {}
    for i, k in enumerate(menu.packages):
        classes.setdefault((k.nation, k.states), []).append(i)
    for (_nation, members), idx in classes.items():
        m.add_row({**{x[i]: 1.0 for i in idx}, **{w[s]: -1.0 for s in members}}, upper=0.0)
    m.add_row(money, upper=budget - menu.fixed_money)
    m.add_row(political, upper=capital - menu.fixed_political)
    z = None
    if cap_troops is not None:
        # Volunteers are not turned away: only the troops a package adds beyond the nation's own
        # free package count, within the part of the target the volunteers leave open under the
        # chosen coalition-wide offers (the shared force is trimmed afterwards: share_target).
        added, room = _purchases(menu, cap_troops)
        row = {x[i]: float(a) for i, a in enumerate(added) if a > 0}
        row.update({j: -float(r) for j, r in zip(w, room, strict=True)})
        if row:
            m.add_row(row, upper=0.0)
        if share is not None:
            for j, v in zip(w, _volunteers(menu), strict=True):
                pkgs = [menu.packages[i] for i in v]
                if sum(k.troops for k in pkgs) > cap_troops:
                    kept = share(pkgs)
                    trimmed = sum(_effective(k, n) for k, n in zip(pkgs, kept, strict=True))
                    eff[j] = trimmed - sum(k.effective for k in pkgs)
    elif cap_effective is not None:
        z = m.add_var("z", 0.0, 0.0, max(0.0, cap_effective))
        m.add_row({z: 1.0, **{j: -v for j, v in eff.items()}}, upper=0.0)
    return Programme(m, x, w, z, eff, money, political)


@dataclass(frozen=True)
class Selection:
    """The packages a solve picked (indices into the menu), the offer state, totals, solver."""

    chosen: list[int]
    state: int | None
    effective: float
    troops: int
    money: float
    political: float
    optimal: bool
    status: str
    mip_gap: float | None
    seconds: float
    n_vars: int
    n_rows: int
    sizes: tuple[int, ...] = ()  # per chosen package, troops after sharing a target (else its own)

    def troops_of(self, menu: Menu) -> list[int]:
        """Troops of each chosen package, as shared (:func:`share_target`)."""
        return list(self.sizes) or [menu.packages[i].troops for i in self.chosen]


def _shared(menu: Menu, pick: Selection, share: Sharing | None) -> Selection:
    """The selection with its contingents trimmed to the troop target (``share``); effective
    strength follows the troops, money is as agreed."""
    if share is None or not pick.chosen:
        return pick
    pkgs = [menu.packages[i] for i in pick.chosen]
    sizes = share(pkgs)
    if sizes == [k.troops for k in pkgs]:
        return pick
    kept = [(i, n) for i, n in zip(pick.chosen, sizes, strict=True) if n > 0]
    effective = sum(_effective(menu.packages[i], n) for i, n in kept)
    return dataclasses.replace(
        pick,
        chosen=[i for i, _ in kept],
        sizes=tuple(n for _, n in kept),
        effective=effective,
        troops=sum(n for _, n in kept),
    )


def solve_menu(
    menu: Menu,
    budget: float,
    capital: float,
    cap_effective: float | None,
    cap_troops: int | None,
    fp: ForceGenParams,
    at_least: float = 0.0,
    least_cost: bool = True,
    share: Sharing | None = None,
) -> Selection:
    """Pick at most one package per nation within the budget and political capital.

    Stage 1 maximises effective strength (capped at ``cap_effective``, or with at most
    ``cap_troops`` troops) less money over ``value_per_effective_musd``; stage 2
    (``least_cost``) reaches that strength at least cost. ``at_least`` adds a floor on
    effective strength (used to keep the cost curve monotone).
    """
    prog = build_programme(menu, budget, capital, cap_effective, cap_troops, share)
    m = prog.model
    extra = [(dict(prog.eff), at_least, math.inf)] if at_least > 0 else []
    first = [0.0] * m.n_vars
    if prog.z is not None:
        first[prog.z] = 1.0
    else:
        for j, v in prog.eff.items():
            first[j] = v
    if fp.value_per_effective_musd > 0:
        for j, v in prog.money.items():
            first[j] -= v / fp.value_per_effective_musd
    s1 = _solve(
        m,
        maximize=True,
        cost=first,
        time_limit=fp.time_limit_s,
        mip_rel_gap=fp.mip_rel_gap,
        extra_rows=extra or None,
        max_nodes=fp.max_nodes,
    )
    if s1.x is None:
        return Selection(
            [],
            None,
            0.0,
            0,
            0.0,
            0.0,
            False,
            s1.status,
            s1.mip_gap,
            s1.seconds,
            s1.n_vars,
            s1.n_rows,
        )
    sol, seconds = s1, s1.seconds
    if least_cost:
        best = float(sum(v * s1.x[j] for j, v in prog.eff.items()))
        if prog.z is not None:
            best = min(best, float(s1.x[prog.z]))
        tol = 1e-7 * max(1.0, best)
        second = [0.0] * m.n_vars
        for j, v in prog.money.items():
            second[j] = v
        for j, v in prog.political.items():
            second[j] += 1e-3 * v
        s2 = _solve(
            m,
            maximize=False,
            cost=second,
            time_limit=fp.time_limit_s,
            mip_rel_gap=fp.mip_rel_gap,
            extra_rows=[*extra, (dict(prog.eff), max(0.0, best - tol, at_least), math.inf)],
            start=s1.x,
            max_nodes=fp.max_nodes,
        )
        seconds += s2.seconds
        if s2.x is not None:
            sol = s2
    xs = sol.x if sol.x is not None else s1.x
    chosen = [i for i, j in enumerate(prog.x) if xs[j] > 0.5]
    state = next((s for s, j in enumerate(prog.w) if xs[j] > 0.5), None)
    st_money = menu.states[state].money_musd if state is not None else 0.0
    st_pol = menu.states[state].political if state is not None else 0.0
    optimal = s1.optimal and sol.optimal
    status = sol.status if s1.optimal else s1.status
    return Selection(
        chosen=chosen,
        state=state,
        effective=sum(menu.packages[i].effective for i in chosen),
        troops=sum(menu.packages[i].troops for i in chosen),
        money=sum(menu.packages[i].money_musd for i in chosen) + st_money + menu.fixed_money,
        political=sum(menu.packages[i].political for i in chosen) + st_pol + menu.fixed_political,
        optimal=optimal,
        status=status,
        mip_gap=max(s1.mip_gap or 0.0, sol.mip_gap or 0.0),
        seconds=seconds,
        n_vars=s1.n_vars,
        n_rows=s1.n_rows,
    )


def _arrival(nation: Nation, pkg: Package, plan: CoalitionPlan, p: ForceGenParams) -> int:
    fast = AIRLIFT in {o for o in pkg.offers} or nation.logistics_hub or nation.neighbour
    rate = p.deploy_rate * (p.lift_speedup if fast else 1.0)
    moving = pkg.troops - min(nation.theatre_troops, pkg.troops)  # re-hatted troops are there
    months = max(1, math.ceil(moving / max(rate, 1.0)))
    return plan.arrival_month + min(months, plan.build_up_months) - 1


def check_plan(scn: Scenario, plan: CoalitionPlan, budget: float | None = None) -> None:
    """Reject a contradictory request with a message that says how to fix it."""
    commands = commands_of(scn)
    if plan.command not in commands:
        raise ParameterError(
            f"unknown command type '{plan.command}'{did_you_mean(plan.command, commands)}; "
            f"a coalition is commanded by one of: {', '.join(commands)}"
        )
    b = plan.budget_musd if budget is None else budget
    if b < 0 or not math.isfinite(b):
        raise InfeasibleError(
            f"budget of US${b:,.0f}M is not possible; give a budget of zero or more "
            "(US$ million a year)"
        )
    if scn.roe_levels:
        roe_level(scn, plan.roe_level)
    if not candidates(scn):
        raise InfeasibleError(
            "the scenario has no candidate nations besides the patron; add nations to it"
        )


def generate_coalition(
    scn: Scenario,
    plan: CoalitionPlan,
    requirement: Requirement,
    values: Mapping[str, float],
    cost_curve: Sequence[float] | None = None,
) -> Coalition:
    """The coalition a force-generation conference produces under ``plan``.

    Parameters
    ----------
    scn:
        Scenario (nations, offers, caveats, ROE levels, exclusions).
    plan:
        Command, budget, political capital, ROE level, optional troop target, offers allowed.
    requirement:
        Output of :func:`grudging.model.requirement.requirement`.
    values:
        Parameter values (``willingness.*``, ``forcegen.*``, ``roe.*``, ``sectors.*``).
    cost_curve:
        Budgets (US$ million) at which to solve for the cost curve; ``None`` for a default grid
        from zero to twice the plan's budget, ``()`` for none.

    Raises
    ------
    InfeasibleError
        A negative budget, fixed costs the plan cannot pay, or no nation able to serve.
    ParameterError
        An unknown command type.
    """
    check_plan(scn, plan)
    fp = forcegen_params(values)
    wp = willingness_params(values)
    # The patron's own troops in the force count first (at full quality): the conference
    # recruits for what is left of the requirement or of the troop target.
    patron = plan.patron_troops
    troop_cap = None if plan.target_troops is None else max(0, plan.target_troops - patron)
    if troop_cap is not None and 0 < troop_cap < wp.min_contingent:
        raise InfeasibleError(
            f"target_troops {plan.target_troops:,} leaves {troop_cap:,} troops to raise, fewer "
            f"than the smallest contingent a nation sends ({wp.min_contingent:g}, "
            "willingness.min_contingent): no coalition can be that small; give a target of at "
            f"least {patron + math.ceil(wp.min_contingent):,} troops"
        )
    cap_eff = None if troop_cap is not None else max(0.0, requirement.total - patron)
    reference = max(0.0, requirement.total - patron)

    share: Sharing | None = None
    if troop_cap is not None:
        cap = troop_cap

        def share(pkgs: Sequence[Package]) -> list[int]:
            floors = [scn.nation(k.nation).theatre_troops for k in pkgs]
            return share_target([k.troops for k in pkgs], floors, cap, wp)

    def menu_at(ratio: float) -> Menu:
        return build_menu(scn, plan, requirement, values, ratio, troop_cap is not None)

    menu0 = menu_at(0.0)
    _check_servable(scn, plan, menu0, requirement)
    if menu0.fixed_money > plan.budget_musd or menu0.fixed_political > plan.political_capital:
        raise InfeasibleError(
            f"command '{plan.command}' needs offers {', '.join(menu0.fixed_offers)} costing "
            f"US${menu0.fixed_money:,.0f}M and {menu0.fixed_political:.2f} political capital; "
            f"the plan has US${plan.budget_musd:,.0f}M and {plan.political_capital:.2f}. "
            "Raise the budget or capital, or choose another command"
        )

    solves = 0
    seconds = 0.0

    def pick_at(
        menu: Menu, budget: float, at_least: float = 0.0, least_cost: bool = True
    ) -> Selection:
        nonlocal solves, seconds
        pk = solve_menu(
            menu,
            budget,
            plan.political_capital,
            cap_eff,
            troop_cap,
            fp,
            at_least,
            least_cost,
            share,
        )
        solves += 2 if least_cost else 1
        seconds += pk.seconds
        return _shared(menu, pk, share)

    # Free-riding fixed point on the expected ratio r (others' effective strength over the
    # requirement). f(r) = most effective strength at expectation r, over the requirement, is
    # non-increasing; keep a bracket lo < r* <= hi (f(lo) > lo, f(hi) <= hi) and step to f(r)
    # when it falls inside the bracket (fast when free riding is mild), else bisect.
    # Stage 1 only; the final coalition is priced at the upper end of the bracket.
    menu, pick = menu0, pick_at(menu0, plan.budget_musd, least_cost=False)
    ratio, residual, iterations = 0.0, 0.0, 0
    if wp.free_riding > 0 and reference > 0 and pick.effective > 0:
        lo, hi = 0.0, pick.effective / reference
        r = hi
        while hi - lo > fp.fixed_point_tolerance and iterations < fp.fixed_point_iterations:
            iterations += 1
            f_r = pick_at(menu_at(r), plan.budget_musd, least_cost=False).effective / reference
            if f_r > r:
                lo = r
            else:
                hi = r
            r = f_r if lo < f_r < hi else 0.5 * (lo + hi)
        ratio = hi
        menu = menu_at(ratio)
    pick = pick_at(menu, plan.budget_musd)
    if reference > 0:
        residual = abs(pick.effective / reference - ratio) if ratio else 0.0

    contingents = _contingents(scn, plan, menu, pick, fp)
    marginal = None
    step = max(1.0, 0.05 * plan.budget_musd)
    more = pick_at(menu, plan.budget_musd + step, pick.effective, least_cost=False)
    if more.status in ("optimal", "node_limit"):
        marginal = (more.effective - pick.effective) / step

    curve: list[CostPoint] = []
    budgets = (
        sorted({round(plan.budget_musd * f, 6) for f in (0, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2)})
        if cost_curve is None
        else sorted(float(b) for b in cost_curve)
    )
    previous = 0.0
    for b in budgets:
        if b < 0:
            raise InfeasibleError(f"cost curve budget US${b:,.0f}M is negative; use budgets >= 0")
        if b < menu.fixed_money:
            curve.append(CostPoint(b, 0.0, 0, 0.0, 0, True))
            continue
        pt = pick_at(menu, b, previous, least_cost=False)
        previous = max(previous, pt.effective - 1e-9 * max(1.0, pt.effective))
        curve.append(CostPoint(b, pt.effective, pt.troops, pt.money, len(pt.chosen), pt.optimal))

    made = (menu.states[pick.state].offers if pick.state is not None else ()) + menu.fixed_offers
    chosen_nations = {c.nation for c in contingents}
    statuses = []
    for n in candidates(scn):
        if n.id in chosen_nations:
            statuses.append(CandidateStatus(n.id, n.name, "in", "chosen"))
        elif n.id in menu.diagnosis:
            statuses.append(CandidateStatus(n.id, n.name, "out", menu.diagnosis[n.id]))
        else:
            statuses.append(
                CandidateStatus(
                    n.id,
                    n.name,
                    "not chosen",
                    _why_not_chosen(
                        n.id, menu, pick, plan, fp, cap_eff, troop_cap, scn.patron is not None
                    ),
                )
            )
    return Coalition(
        contingents=tuple(contingents),
        command=plan.command,
        roe_level=plan.roe_level,
        global_offers=made,
        budget_musd=plan.budget_musd,
        political_capital=plan.political_capital,
        total_troops=pick.troops,
        total_effective=pick.effective,
        total_cost_musd=pick.money,
        cost_musd_per_year=sum(c.cost_musd_per_year for c in contingents),
        political_spent=pick.political,
        requirement_total=requirement.total,
        target_troops=plan.target_troops,
        expected_ratio=ratio,
        marginal_effective_per_musd=marginal,
        us_equivalent_cost_musd=pick.troops * fp.us_cost_per_troop_year_musd,
        cost_curve=tuple(curve),
        candidates=tuple(statuses),
        solver=SolverReport(
            status=pick.status,
            optimal=pick.optimal,
            mip_gap=pick.mip_gap,
            solve_seconds=seconds,
            solves=solves,
            n_variables=pick.n_vars,
            n_constraints=pick.n_rows,
            fixed_point_iterations=iterations,
            fixed_point_residual=residual,
        ),
    )


def _why_not_chosen(
    nation: str,
    menu: Menu,
    pick: Selection,
    plan: CoalitionPlan,
    fp: ForceGenParams,
    cap_effective: float | None,
    cap_troops: int | None,
    patron: bool,
) -> str:
    """Which constraint keeps a willing nation out of the chosen coalition (``patron``: whether
    the theatre has one, to whom an effective soldier is worth the price)."""
    mine = [k for k in menu.packages if k.nation == nation]
    here = [k for k in mine if pick.state in k.states]
    if not here:
        wanted = sorted({o for k in mine for s in k.states for o in menu.states[s].offers})
        return "would serve only if offers were made to all that were not: " + (
            ", ".join(wanted) or "another combination"
        )
    best = min(here, key=lambda k: k.money_musd / max(k.effective, 1e-9))
    price = 1e6 * best.money_musd / max(best.effective, 1e-9)
    what = f"would serve ({best.troops:,} troops at US${price:,.0f} per effective soldier)"
    if fp.value_per_effective_musd > 0 and price > 1e6 * fp.value_per_effective_musd:
        worth = (
            f"worth to the patron (US${1e6 * fp.value_per_effective_musd:,.0f})"
            if patron
            else f"worth (US${1e6 * fp.value_per_effective_musd:,.0f}, "
            "forcegen.value_per_effective_musd)"
        )
        return f"{what} but that is dearer than an effective soldier is {worth}"
    if best.money_musd > plan.budget_musd - pick.money + 1e-9:
        return f"{what} but the budget is spent (US${plan.budget_musd - pick.money:,.0f}M left)"
    if best.political > plan.political_capital - pick.political + 1e-9:
        return f"{what} but the political capital is spent"
    if cap_troops is not None and _is_free(best):
        return (
            f"{what} but its share of the target of {cap_troops:,} troops is below the smallest "
            "contingent"
        )
    if cap_troops is not None and pick.troops + best.troops > cap_troops:
        return (
            f"{what} but it would take the force of {int(pick.troops):,} troops past its target of "
            f"{cap_troops:,}"
        )
    if cap_effective is not None and pick.effective + best.effective > cap_effective:
        return f"{what} but it would take the force past the requirement's effective strength"
    return f"{what} but others bring the same strength for less"


def _check_servable(
    scn: Scenario, plan: CoalitionPlan, menu: Menu, requirement: Requirement
) -> None:
    """Raise when no candidate can serve at all, with the reasons counted."""
    if menu.packages:
        return
    if requirement.total <= 0 and plan.target_troops is None:
        return
    reasons: dict[str, list[str]] = {}
    for nation, why in menu.diagnosis.items():
        reasons.setdefault(why.split(":")[0].split("(")[0].strip(), []).append(nation)
    detail = "; ".join(f"{k}: {', '.join(sorted(v))}" for k, v in sorted(reasons.items()))
    raise InfeasibleError(
        f"no nation can serve the requirement of {requirement.total:,.0f} troops under command "
        f"'{plan.command}' at ROE level '{plan.roe_level}' ({len(menu.diagnosis)} candidates: "
        f"{detail}). Fix: choose a less robust level of the rules of engagement (roe_level), allow "
        "more offers, change the command, or relax the exclusions in the scenario"
    )


def _contingents(
    scn: Scenario, plan: CoalitionPlan, menu: Menu, pick: Selection, fp: ForceGenParams
) -> list[Contingent]:
    out = []
    for i, troops in zip(pick.chosen, pick.troops_of(menu), strict=True):
        pkg = menu.packages[i]
        nation = scn.nation(pkg.nation)
        effective = _effective(pkg, troops)
        free = [
            k.effective
            for k in menu.packages
            if k.nation == pkg.nation and k.money_musd <= 1e-9 and k.states == pkg.states
        ]
        base = max(free, default=0.0)
        incremental = None
        if pkg.money_musd > 1e-9 and pkg.effective > base + 1e-9:
            incremental = 1e6 * pkg.money_musd / (pkg.effective - base)
        out.append(
            Contingent(
                nation=pkg.nation,
                name=nation.name,
                troops=troops,
                quality=pkg.quality,
                effective_strength=effective,
                caveats=pkg.kept,
                lifted_caveats=pkg.lifted,
                refused_caveats=pkg.refused,
                roe_steps_bought=pkg.roe_steps,
                arrival_month=_arrival(nation, pkg, plan, fp),
                offers=pkg.offers,
                cost_musd=pkg.money_musd,
                cost_musd_per_year=pkg.money_per_year_musd,
                political_cost=pkg.political,
                probability=pkg.response.probability,
                score=pkg.response.score,
                reasons=tuple(pkg.response.top_terms(3)),
                price_per_effective_usd=1e6 * pkg.money_musd / max(effective, 1e-9),
                incremental_price_usd=incremental,
                theatre_troops=nation.theatre_troops,
                alignment=nation.alignment,
                tie=nation.ties,
            )
        )
    return sorted(out, key=lambda c: -c.effective_strength)


def forcegen_params(values: Mapping[str, float]) -> ForceGenParams:
    """The stage's parameters from a mapping of ``forcegen.*`` values."""
    return stage_parameters(ForceGenParams, values, STAGE)

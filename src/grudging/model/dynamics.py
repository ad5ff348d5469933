"""Month-by-month violence per region, vectorised over replications.

State arrays have shape ``(replications, regions)`` and the engine loops over months only. Per
region and month:

* **Self-exciting violence.** The civilian death rate (per 100,000 a month) is a discrete-time
  Hawkes process: a (suppressed) background rate plus a share ``self_excitation`` of last month's
  rate (revenge and slow-moving conditions) plus a share ``spillover`` of the neighbours' mean
  rate (Lewis, Mohler, Brantingham & Bertozzi 2012 find 37-50 % of Iraqi violent events
  self-excited, fading over 2-6 weeks). With ``a + b < 1`` the process is stationary at
  ``s mu / (1 - a - b)``: forces act on the background, and the echo follows.
* **Background.** Calibrated so that conditions at the information date reproduce the observed
  rate (the fixed point of the process); it then moves with grievance (a share driven by the
  presence of salient foreign forces: the proposal's "US presence instigates violence"), with
  mixedness (displacement un-mixes regions), with the civil-war regime, and with the demobilisation
  of factions that sign a settlement or a local deal (spoilers never sign).
* **Suppression.** The background is multiplied by ``1 / (1 + (c / c50) ** h)`` where ``c`` is coverage:
  effective troops per 1,000 inhabitants (troops x peacekeeping skill, host forces x reliability)
  over the density the region requires (Quinlivan 1995; Hultman, Kathman & Shannon 2013). In the
  civil-war regime coverage counts for less.
* **Tipping with hysteresis.** A region starts in the civil-war regime if its information-date
  rate is above ``war_threshold``, enters it after two months above and leaves it after three months below ``war_threshold * war_exit_ratio``.
  All-out civil war is declared when the regions in that regime hold ``national_war_share`` of the
  population.
* **Insurgent attacks on forces** in proportion to their presence times their target salience;
  attacks kill troops (Poisson). (Civilians killed by insurgents are part of the violence
  rate, whose presence-driven share carries the proposal's claim.)
* **Displacement** follows deaths in mixed regions, drawn mostly from local minorities, so it lowers
  mixedness; a share of the displaced flees abroad where the region has a foreign border.
* **Contingent erosion.** Each contingent's domestic support falls with its casualties and drifts
  with opinion; it leaves when support falls below a threshold, and followers leave with their lead
  nation (Spain 2004 and its Plus Ultra partners).
* **Settlement.** A deal forms at the bargain month with the bargain stage's probability; signers
  demobilise gradually; the deal may collapse with a monthly hazard that falls with the guarantor's
  current coverage (Walter 2002; Fortna 2008).
* **Noise.** Over-dispersed counts whose variance is the mean times ``1 + dispersion`` (deaths
  come in clusters: the NB1 law of Cameron & Trivedi), and rare shocks (a Samarra-like bombing)
  whose rate grows with the spoilers' havens.

Common random numbers: every random number is drawn from streams named by (seed, replication
block, purpose, month) whose consumption does not depend on the option, so the same replication
sees the same shocks, opinion swings and deal draws under every option.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from grudging.rng import stream

#: Troops are counted per 1,000 inhabitants, rates per 100,000 inhabitants per month.
PER_THOUSAND = 1_000.0
PER_100K = 100_000.0


@dataclass(frozen=True)
class DynamicsParams:
    """Parameters of the dynamics (each declared in the scenario with a range and a source)."""

    self_excitation: float
    spillover: float
    dispersion: float
    background_floor: float
    coverage_half: float
    suppression_hill: float
    war_coverage_penalty: float
    patron_pk_skill: float
    us_led_pk_skill: float
    nato_pk_skill: float
    un_pk_skill: float
    host_pk_skill: float
    salience_patron: float
    salience_us_led: float
    salience_nato: float
    salience_un: float
    salience_muslim_factor: float
    salience_host: float
    presence_driven_share: float
    grievance_per_presence: float
    attacks_per_fighter: float
    lethality_patron: float
    lethality_other: float
    war_threshold: float
    war_exit_ratio: float
    war_multiplier: float
    national_war_share: float
    displaced_per_death: float
    refugee_share: float
    mixedness_elasticity: float
    demobilisation_months: float
    settlement_effect: float
    realigned_to_security: float
    support_casualty_sensitivity: float
    support_drift: float
    leave_threshold: float
    shock_rate: float
    shock_size: float
    escalation_threshold: float
    escalation_rate: float
    escalation_refugee_share: float
    cost_patron_per_troop: float
    cost_other_per_troop: float
    un_assessment_patron: float
    safe_haven_coverage: float


@dataclass(frozen=True)
class Theatre:
    """Static description of the theatre, as arrays over regions (index order = region order)."""

    region_ids: tuple[str, ...]
    population: np.ndarray  # (N,)
    neighbours: np.ndarray  # (N, N) row-normalised adjacency (rows of isolated regions are 0)
    composition: np.ndarray  # (N, G) group shares
    abroad_border: np.ndarray  # (N,) bool: borders a foreign nation
    required_density: np.ndarray  # (N,) troops per 1,000 the region requires
    initial_rate: np.ndarray  # (N,) civilian deaths per 100,000 a month at the information date
    host_troops: np.ndarray  # (N,) host security forces, already weighted by reliability
    faction_share: np.ndarray  # (F, N) share of each region's violence attributable to a faction
    faction_spoiler: np.ndarray  # (F,) bool
    faction_fighters: np.ndarray  # (F,) fighters of each faction
    faction_home: np.ndarray  # (F, N) share of each faction's fighters in each region
    insurgents: np.ndarray  # (N,) fighters hostile to foreign forces
    spoiler_home: np.ndarray  # (N,) weight of spoiler presence (0..1)
    kin_weights: np.ndarray  # (K, N) population of each kin-state's kin group by region (share)
    kin_population: np.ndarray  # (K,) population (millions) of each kin state

    @property
    def n_regions(self) -> int:
        """Number of regions."""
        return len(self.region_ids)


@dataclass(frozen=True)
class ForceUnit:
    """A force in the theatre: a schedule of troops by region and month, and its character."""

    name: str
    nation: str | None
    kind: str  # "patron", "contingent" (present at start) or "coalition" (generated)
    command: str  # "us", "nato", "un", "national"
    troops: np.ndarray  # (N, T) planned troops by region and month
    pk_skill: float  # peacekeeping skill relative to trained peacekeepers (before command effects)
    muslim_majority: bool = False
    erodes: bool = True
    lead: int = -1  # index of the unit it follows home, -1 for none
    cost_per_troop: float | None = None  # own cost, US$ million per 1,000 troop-years
    patron_pays_per_troop: float = 0.0  # offers the patron pays, US$ million per 1,000 troop-years
    handover_eligible: bool = False


@dataclass(frozen=True)
class SettlementPlan:
    """What the bargain stage says about a grand compromise under this option."""

    month: int
    p_forms: float
    p_sign: np.ndarray  # (F,) probability each faction signs, given a deal
    p_holds: float  # probability the deal holds over the guarantor's commitment
    commitment_months: float
    guarantor: np.ndarray  # (U,) bool: units whose coverage backs the deal


@dataclass(frozen=True)
class HandoverPlan:
    """Rule for passing the coalition to another command once violence settles."""

    to: str
    earliest_month: int
    below_rate: float  # deaths per 100,000 a month
    sustained_months: int
    force_retained: float


@dataclass(frozen=True)
class DynamicsInputs:
    """Everything one option feeds the dynamics."""

    theatre: Theatre
    units: tuple[ForceUnit, ...]
    months: int
    settlement: SettlementPlan | None = None
    handover: HandoverPlan | None = None
    deals: tuple[tuple[int, int, float], ...] = ()  # (faction index, month, share stood down)
    aid_musd_per_year: float = 0.0
    aid_from_month: int = 0
    erosion: bool = True
    patron_lump_sum_musd: float = 0.0  # one-off payments by the patron (offers), at month 0


@dataclass
class Trajectories:
    """What the dynamics produced, per replication."""

    deaths: np.ndarray  # (R, N, T) civilian deaths
    civil_war: np.ndarray  # (R, T) bool: all-out civil war that month
    displaced: np.ndarray  # (R, T) newly displaced
    refugees: np.ndarray  # (R, T) newly fled abroad
    troop_deaths: np.ndarray  # (R, U)
    foreign_troops: np.ndarray  # (R, T) foreign troops other than the patron's
    patron_troops: np.ndarray  # (R, T)
    cost_patron: np.ndarray  # (R,) US$ million
    cost_others: np.ndarray  # (R,) US$ million
    safe_haven: np.ndarray  # (R, T) index 0..1
    escalation: np.ndarray  # (R,) bool
    settlement_formed: np.ndarray  # (R,) bool
    settlement_holds: np.ndarray  # (R,) bool
    handed_over: np.ndarray  # (R,) month of handover, -1 if none
    attacks: np.ndarray  # (R, T) insurgent attacks on all forces
    unit_names: tuple[str, ...] = field(default=())
    unit_nations: tuple[str | None, ...] = field(default=())


# --------------------------------------------------------------------------------------------
def suppression(coverage: np.ndarray, half: float, hill: float) -> np.ndarray:
    """Share of violence left at a given coverage: ``1 / (1 + (coverage / half) ** hill)``."""
    c = np.maximum(coverage, 0.0) / half
    return 1.0 / (1.0 + c**hill)


def unit_characteristics(
    units: tuple[ForceUnit, ...], p: DynamicsParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Peacekeeping skill, target salience and lethality per unit (before any handover).

    With per-replication parameters (arrays of shape ``(R, 1)``) each result has shape
    ``(R, U)``; with scalar parameters, ``(1, U)``.
    """
    skill, sal, leth = [], [], []
    for u in units:
        if u.kind == "patron":
            skill.append(p.patron_pk_skill * u.pk_skill)
            sal.append(p.salience_patron)
            leth.append(p.lethality_patron)
            continue
        skill.append(u.pk_skill * _command_skill(u.command, p))
        muslim = p.salience_muslim_factor if u.muslim_majority else 1.0
        sal.append(_command_salience(u.command, p) * muslim)
        leth.append(p.lethality_other)
    if not units:
        empty = np.zeros((np.asarray(p.self_excitation).reshape(-1).size, 0))
        return empty, empty, empty
    return _stack(skill), _stack(sal), _stack(leth)


def _stack(values: Sequence[Any]) -> np.ndarray:
    """Columns of per-replication values (scalars or ``(R, 1)`` arrays) as an ``(R, U)`` array."""
    cols = [np.asarray(v, dtype=float).reshape(-1, 1) for v in values]
    rows = max(c.shape[0] for c in cols)
    return np.hstack([np.broadcast_to(c, (rows, 1)) for c in cols])


def _first(column: Any) -> np.ndarray:
    """The ``(R,)`` view of an ``(R, 1)`` parameter column."""
    return np.asarray(column)[:, 0]


def per_replication(p: DynamicsParams, replications: int) -> DynamicsParams:
    """The parameters as ``(R, 1)`` columns: scalars are repeated, length-``R`` arrays reshaped.

    Giving arrays lets every replication run under its own parameter draw (parametric
    uncertainty, or the points of a sweep's design) in one vectorised call.
    """
    columns: dict[str, np.ndarray] = {}
    for f in fields(p):
        value = np.asarray(getattr(p, f.name), dtype=float)
        if value.ndim == 0:
            columns[f.name] = np.full((replications, 1), float(value))
        elif value.size == replications:
            columns[f.name] = value.reshape(replications, 1)
        else:
            raise ValueError(
                f"dynamics.{f.name}: {value.size} values for {replications} replications; give "
                "one value or one per replication"
            )
    return DynamicsParams(**columns)  # type: ignore[arg-type]


def _command_skill(command: str, p: DynamicsParams) -> float:
    return {"us": p.us_led_pk_skill, "nato": p.nato_pk_skill, "un": p.un_pk_skill}.get(
        command, p.nato_pk_skill
    )


def _command_salience(command: str, p: DynamicsParams) -> float:
    return {"us": p.salience_us_led, "nato": p.salience_nato, "un": p.salience_un}.get(
        command, p.salience_nato
    )


# --------------------------------------------------------------------------------------------
def simulate(
    inputs: DynamicsInputs,
    p: DynamicsParams,
    replications: int,
    seed: int,
    block: object = 0,
) -> Trajectories:
    """Run the dynamics for ``replications`` replications of one option.

    ``seed`` and ``block`` name the random streams: the same pair gives the same numbers under
    every option (common random numbers) and whatever the executor.
    """
    th = inputs.theatre
    units = inputs.units
    R, N, T, U = replications, th.n_regions, inputs.months, len(units)
    F = th.faction_share.shape[0]
    p = per_replication(p, R)
    pop = th.population.astype(float)
    pop_k = pop / PER_THOUSAND
    sched = np.stack([u.troops[:, :T] for u in units]) if U else np.zeros((0, N, T))
    skill0, sal0, leth = unit_characteristics(units, p)
    ho = inputs.handover
    # Skill and salience once handed over: the same units under the receiving command.
    skill_ho, sal_ho, _ = (
        unit_characteristics(tuple(replace(u, command=ho.to) for u in units), p)
        if ho is not None and U
        else (skill0, sal0, leth)
    )
    assessed = ho is not None and ho.to == "un"  # UN assessments share the bill
    is_patron = np.array([u.kind == "patron" for u in units], dtype=bool)
    erodes = np.array([u.erodes and u.kind != "patron" for u in units], dtype=bool)
    erodes &= inputs.erosion
    lead = np.array([u.lead for u in units], dtype=int)
    followers = (lead >= 0) & erodes
    own_cost = (
        _stack(
            [
                u.cost_per_troop
                if u.cost_per_troop is not None
                else (p.cost_patron_per_troop if u.kind == "patron" else p.cost_other_per_troop)
                for u in units
            ]
        )
        if U
        else np.zeros((R, 0))
    )
    paid_by_patron = np.array([u.patron_pays_per_troop for u in units])
    handover_mask = np.array([u.handover_eligible for u in units], dtype=bool)
    settle = inputs.settlement

    # Information-date conditions fix the background rate.
    host_eff0 = th.host_troops[None, :] * p.host_pk_skill  # (R, N)
    mu, presence0 = initial_conditions(th, sched[:, :, 0], skill0, sal0, p)
    mixed0 = 1.0 - (th.composition**2).sum(axis=1)
    local_floor = np.zeros(F)

    # Random streams, common across options: their consumption never depends on the option.
    setup = stream(seed, "dynamics", block, "setup")
    deal_u = setup.random(R)
    sign_u = setup.random((R, F))
    collapse_u = setup.random((R, T))
    escalate_u = setup.random((R, T))
    shock_g = stream(seed, "dynamics", block, "shock")
    noise_g = stream(seed, "dynamics", block, "noise")
    drift_g = stream(seed, "dynamics", block, "drift")

    # State.
    y = np.broadcast_to(th.initial_rate, (R, N)).copy()
    # Composition is kept group-major, (G, R, N), so sums over groups are adds of whole arrays.
    comp = np.broadcast_to(th.composition.T[:, None, :], (th.composition.shape[1], R, N)).copy()
    war = np.broadcast_to(th.initial_rate > p.war_threshold, (R, N)).copy()
    above = np.zeros((R, N), dtype=np.int16)
    below = np.zeros((R, N), dtype=np.int16)
    present = np.ones((R, U), dtype=bool)
    support = np.ones((R, U))
    handed = np.full(R, -1, dtype=int)
    calm = np.zeros(R, dtype=int)
    formed = np.zeros(R, dtype=bool)
    holds = np.zeros(R, dtype=bool)
    signed = np.zeros((R, F), dtype=bool)
    settled = np.zeros((R, F))  # share of each faction demobilised under the settlement
    escalated = np.zeros(R, dtype=bool)
    haven = np.zeros(R)

    out = _Outputs(R, N, T, U)
    out.cost_patron += inputs.patron_lump_sum_musd
    g_ref = np.zeros(R)
    for t in range(T):
        # Forces on the ground this month.
        handed_now = (handed >= 0)[:, None] & handover_mask[None, :]
        scale = np.where(handed_now, ho.force_retained if ho else 1.0, 1.0) * present
        troops_t = sched[:, :, t]  # (U, N)
        skill = np.where(handed_now, skill_ho, skill0)
        sal = np.where(handed_now, sal_ho, sal0)
        eff = (scale * skill) @ troops_t
        salient = (scale * sal) @ troops_t

        # Factions out of the fight: local deals, and signers of a settlement that holds.
        for f_idx, month, strength in inputs.deals:
            if month == t:
                local_floor[f_idx] = max(local_floor[f_idx], strength)
        collapsed = np.zeros(R, dtype=bool)
        if settle is not None and t == settle.month:
            # The guarantee the deal was signed on: the guarantor's planned peak coverage within
            # the commitment (the force committed, before any erosion).
            end = min(T, t + max(1, round(settle.commitment_months)))
            g_ref = np.max(
                [
                    _guarantor_coverage(
                        skill, sched[:, :, m], settle.guarantor, pop_k, th.required_density
                    )
                    for m in range(t, end)
                ],
                axis=0,
            )
            formed = deal_u < settle.p_forms
            signed = (
                formed[:, None] & (sign_u < settle.p_sign[None, :]) & ~th.faction_spoiler[None, :]
            )
            holds = formed.copy()
        elif settle is not None and t > settle.month:
            g_cov = _guarantor_coverage(
                scale * skill, troops_t, settle.guarantor, pop_k, th.required_density
            )
            collapsed = holds & (collapse_u[:, t] < _collapse_hazard(settle, g_cov, g_ref))
            holds = holds & ~collapsed
            settled = np.where(
                holds[:, None] & signed,
                np.minimum(1.0, settled + 1.0 / p.demobilisation_months),
                settled,
            )
            settled = np.where(collapsed[:, None], 0.0, settled)
        stood_down = np.maximum(settled, local_floor[None, :])
        demob = stood_down @ th.faction_share  # (R, N) share of violence removed
        realigned = (
            p.realigned_to_security * (stood_down * th.faction_fighters[None, :]) @ th.faction_home
        )

        host_eff = host_eff0 + realigned
        cov = (eff + host_eff) / pop_k / np.maximum(th.required_density, 1e-9)
        cov = np.where(war, cov / p.war_coverage_penalty, cov)
        supp = suppression(cov, p.coverage_half, p.suppression_hill)

        # Grievance from salient foreign presence, relative to the information date.
        presence = (salient + p.salience_host * th.host_troops) / pop_k
        grievance = (1.0 + p.grievance_per_presence * presence) / (
            1.0 + p.grievance_per_presence * presence0
        )

        # Background rate this month.
        mixed = 1.0 - (comp * comp).sum(axis=0)
        mix_ratio = np.divide(mixed, mixed0, out=np.ones_like(mixed), where=mixed0 > 0)
        drive = (1.0 - p.presence_driven_share) + p.presence_driven_share * grievance
        background = mu * drive * mix_ratio**p.mixedness_elasticity
        background = (
            background * np.where(war, p.war_multiplier, 1.0) * (1.0 - p.settlement_effect * demob)
        )

        # Rare shocks, likelier where spoilers have havens; a collapsing deal is a shock too.
        shock_p = p.shock_rate * th.spoiler_home * (0.5 + haven)[:, None]
        shock = (shock_g.random((R, N)) < shock_p) | collapsed[:, None]
        excitation = p.self_excitation * y + p.spillover * (y @ th.neighbours.T)
        rate = (supp * background + excitation) * np.where(shock, p.shock_size, 1.0)

        # Insurgent attacks, shared among targets by salient presence.
        insurgents = th.insurgents * grievance * (1.0 - demob)
        attacks = p.attacks_per_fighter * insurgents * supp
        targets = salient + p.salience_host * th.host_troops
        per_salient = np.divide(attacks, targets, out=np.zeros_like(attacks), where=targets > 0)
        unit_attacks = (scale * sal) * (per_salient @ troops_t.T)
        poisson = stream(seed, "dynamics", block, "poisson", t)
        unit_deaths = poisson.poisson(unit_attacks * leth)

        # Over-dispersed civilian deaths: variance = mean * (1 + dispersion), as when deaths come
        # in clusters (one bombing, many dead). A log-normal multiplier with mean 1 and variance
        # dispersion / mean, driven by common normal draws, then Poisson counts.
        mean_deaths = rate * pop / PER_100K
        sigma2 = np.log1p(p.dispersion / np.maximum(mean_deaths, 1e-9))
        z = noise_g.standard_normal((R, N))
        multiplier = np.exp(np.sqrt(sigma2) * z - 0.5 * sigma2)
        deaths = poisson.poisson(mean_deaths * multiplier).astype(float)
        y = deaths / pop * PER_100K

        # Tipping with hysteresis.
        above = np.where(y > p.war_threshold, above + 1, 0)
        below = np.where(y < p.war_threshold * p.war_exit_ratio, below + 1, 0)
        war = (war | (above >= 2)) & ~(below >= 3)

        # Displacement from mixed, violent regions, drawn from local minorities; some flee abroad.
        displaced = p.displaced_per_death * deaths * mixed
        minority = comp * (1.0 - comp) ** 2  # minorities flee first
        share = np.minimum(displaced / pop, 0.5) / np.maximum(minority.sum(axis=0), 1e-12)
        comp = np.maximum(comp - share * minority, 0.0)
        comp /= np.maximum(comp.sum(axis=0), 1e-12)
        abroad = displaced * np.where(th.abroad_border, p.refugee_share, 0.5 * p.refugee_share)

        # Regional escalation: a kin state intervenes when its kin suffer or refugees pour out.
        if th.kin_weights.size:
            kin_rate = (y * pop) @ th.kin_weights.T / np.maximum(th.kin_weights @ pop, 1.0)
            pressure = np.maximum(kin_rate / p.escalation_threshold - 1.0, 0.0).sum(axis=1)
            refugees_so_far = out.refugees[:t].sum(axis=0) + abroad.sum(axis=1)
            flood = refugees_so_far / (th.kin_population.sum() * 1e6) > _first(
                p.escalation_refugee_share
            )
            hazard = 1.0 - np.exp(-_first(p.escalation_rate) * (pressure + flood))
            escalated |= escalate_u[:, t] < hazard

        # Safe havens: the spoilers' home population, weighted by how thin coverage is there.
        thin = np.clip(1.0 - cov / p.safe_haven_coverage, 0.0, 1.0)
        haven = (thin * th.spoiler_home * pop).sum(axis=1) / max(
            float((th.spoiler_home * pop).sum()), 1.0
        )

        # Troops and costs.
        unit_troops = scale * troops_t.sum(axis=1)[None, :]
        month_cost = unit_troops / PER_THOUSAND / 12.0
        patron_share_own = np.where(
            is_patron[None, :], 1.0, (handed_now & assessed) * p.un_assessment_patron
        )
        own = month_cost * own_cost
        out.cost_patron += (own * patron_share_own + month_cost * paid_by_patron[None, :]).sum(
            axis=1
        )
        out.cost_others += (own * (1.0 - patron_share_own)).sum(axis=1)
        if t >= inputs.aid_from_month:
            out.cost_patron += inputs.aid_musd_per_year / 12.0

        out.record(
            t,
            deaths,
            war,
            pop,
            _first(p.national_war_share),
            displaced,
            abroad,
            attacks,
            haven,
            unit_troops,
            is_patron,
            unit_deaths,
        )

        # Erosion: casualties and opinion drift; followers leave with their lead nation.
        if erodes.any():
            drift = drift_g.normal(0.0, p.support_drift, size=(R, U))
            rate_k = unit_deaths / np.maximum(unit_troops, 1.0) * PER_THOUSAND
            support = support - p.support_casualty_sensitivity * rate_k + drift
            present &= ~(erodes[None, :] & (support < p.leave_threshold) & (unit_troops > 0))
            if followers.any():
                lead_gone = ~present[:, np.where(followers, lead, 0)]
                present &= ~(followers[None, :] & lead_gone)

        # Handover once violence has settled.
        if ho is not None and handover_mask.any():
            national = deaths.sum(axis=1) / pop.sum() * PER_100K
            calm = np.where(national < ho.below_rate, calm + 1, 0)
            handed = np.where(
                (handed < 0) & (t >= ho.earliest_month) & (calm >= ho.sustained_months), t, handed
            )

    return out.finish(escalated, formed, holds, handed, units)


def initial_conditions(
    th: Theatre, troops0: np.ndarray, skill: np.ndarray, salience: np.ndarray, p: DynamicsParams
) -> tuple[np.ndarray, np.ndarray]:
    """Background rate per region, and salient presence, at the information date.

    With suppression ``s`` and observed rate ``y``, ``y = s mu + a y + b A y`` gives
    ``mu = (y - a y - b A y) / s``, floored at ``background_floor``: the model starts where the
    data end.
    """
    pop_k = th.population / PER_THOUSAND
    eff = skill @ troops0 + th.host_troops * p.host_pk_skill
    cov = eff / pop_k / np.maximum(th.required_density, 1e-9)
    s = suppression(cov, p.coverage_half, p.suppression_hill)
    y = th.initial_rate
    mu = (y - p.self_excitation * y - p.spillover * (y @ th.neighbours.T)) / s
    presence0 = (salience @ troops0 + p.salience_host * th.host_troops) / pop_k
    return np.maximum(mu, p.background_floor), presence0


class _Outputs:
    """Output arrays filled month by month (time-major, so each month writes contiguous memory)."""

    def __init__(self, R: int, N: int, T: int, U: int) -> None:
        self.deaths = np.zeros((T, R, N), dtype=np.float32)
        self.civil_war = np.zeros((T, R), dtype=bool)
        self.displaced = np.zeros((T, R))
        self.refugees = np.zeros((T, R))
        self.attacks = np.zeros((T, R))
        self.foreign = np.zeros((T, R))
        self.patron = np.zeros((T, R))
        self.haven = np.zeros((T, R))
        self.troop_deaths = np.zeros((R, U))
        self.cost_patron = np.zeros(R)
        self.cost_others = np.zeros(R)

    def record(
        self,
        t: int,
        deaths: np.ndarray,
        war: np.ndarray,
        pop: np.ndarray,
        war_share: np.ndarray,
        displaced: np.ndarray,
        abroad: np.ndarray,
        attacks: np.ndarray,
        haven: np.ndarray,
        unit_troops: np.ndarray,
        is_patron: np.ndarray,
        unit_deaths: np.ndarray,
    ) -> None:
        self.deaths[t] = deaths
        self.civil_war[t] = war @ pop / pop.sum() >= war_share
        self.displaced[t] = displaced.sum(axis=1)
        self.refugees[t] = abroad.sum(axis=1)
        self.attacks[t] = attacks.sum(axis=1)
        self.haven[t] = haven
        self.foreign[t] = unit_troops @ (~is_patron)
        self.patron[t] = unit_troops @ is_patron
        self.troop_deaths += unit_deaths

    def finish(
        self,
        escalated: np.ndarray,
        formed: np.ndarray,
        holds: np.ndarray,
        handed: np.ndarray,
        units: tuple[ForceUnit, ...],
    ) -> Trajectories:
        return Trajectories(
            deaths=np.ascontiguousarray(self.deaths.transpose(1, 2, 0)),
            civil_war=np.ascontiguousarray(self.civil_war.T),
            displaced=np.ascontiguousarray(self.displaced.T),
            refugees=np.ascontiguousarray(self.refugees.T),
            troop_deaths=self.troop_deaths,
            foreign_troops=np.ascontiguousarray(self.foreign.T),
            patron_troops=np.ascontiguousarray(self.patron.T),
            cost_patron=self.cost_patron,
            cost_others=self.cost_others,
            safe_haven=np.ascontiguousarray(self.haven.T),
            escalation=escalated,
            settlement_formed=formed,
            settlement_holds=holds,
            handed_over=handed,
            attacks=np.ascontiguousarray(self.attacks.T),
            unit_names=tuple(u.name for u in units),
            unit_nations=tuple(u.nation for u in units),
        )


def _guarantor_coverage(
    weights: np.ndarray,
    troops_t: np.ndarray,
    guarantor: np.ndarray,
    pop_k: np.ndarray,
    required: np.ndarray,
) -> np.ndarray:
    """National coverage provided by the guarantor's units alone (per replication)."""
    g_eff = (weights * guarantor[None, :]) @ troops_t.sum(axis=1)
    need = (required * pop_k).sum()
    return g_eff / max(need, 1e-9)


def _collapse_hazard(settle: SettlementPlan, g_cov: np.ndarray, g_ref: np.ndarray) -> np.ndarray:
    """Monthly hazard that a deal collapses, rising as the guarantee it was signed on erodes.

    ``p_holds`` over ``commitment_months`` gives the base hazard while the guarantor keeps the
    coverage it had at signing; the hazard doubles as that coverage falls to nothing (a
    guarantor that leaves is no guarantee: Walter 2002, ch. 4).
    """
    base = -np.log(np.clip(settle.p_holds, 1e-6, 1.0)) / max(settle.commitment_months, 1.0)
    kept = np.divide(g_cov, g_ref, out=np.ones_like(g_cov), where=g_ref > 0)
    hazard = base * (2.0 - np.clip(kept, 0.0, 1.0))
    return 1.0 - np.exp(-hazard)

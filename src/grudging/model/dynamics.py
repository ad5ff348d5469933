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
  intermingling (its sectarian share, ``min(1, 2 m0)``, scales with the local exposure
  ``q m``: displacement un-mixes neighbourhoods), with the civil-war regime, and with the
  demobilisation of factions that sign a settlement or a local deal (spoilers never sign).
* **Suppression.** The background is multiplied by ``1 / (1 + (c / c50) ** h)`` where ``c`` is coverage:
  effective troops per 1,000 inhabitants (troops x peacekeeping skill, host forces x reliability)
  over the density the region requires (Quinlivan 1995; Hultman, Kathman & Shannon 2013). The
  requirement follows the threat: each month it is the requirement stage's norm at the region's
  violence over the last months (:class:`RequirementCurve`), so a force that has brought violence
  down needs less of itself. In the civil-war regime coverage counts for less.
* **Tipping with hysteresis.** A region starts in the civil-war regime if its information-date
  rate is above ``war_threshold``, enters it after two months above and leaves it after three months below ``war_threshold * war_exit_ratio``.
  All-out civil war is declared when the regions in that regime hold ``national_war_share`` of the
  population.
* **Insurgent attacks on forces** in proportion to their presence times their target salience,
  and no more a month per salient troop than the most recorded in a region (attacks need
  targets); attacks kill troops (Poisson). (Civilians killed by insurgents are part of the violence
  rate, whose presence-driven share carries the proposal's claim.)
* **Displacement** follows deaths where people live intermingled, drawn mostly from local
  minorities, so it lowers the region's mixedness ``m``; each person displaced also ends the
  intermingling of ``1 / m`` residents (the neighbourhood they leave sorts: Kaufmann 1996;
  Schelling 1971), so the share ``q`` still intermingled falls. A share of the displaced flees
  abroad where the region has a foreign border.
* **Contingent erosion.** Each contingent's domestic support falls with its casualties and drifts
  with opinion; it leaves when support falls below a threshold, and followers leave with their lead
  nation (Spain 2004 and its Plus Ultra partners).
* **Settlement.** A deal forms at the bargain month with the bargain stage's probability; signers
  demobilise gradually; the deal may collapse with a monthly hazard that falls with the guarantor's
  current coverage (Walter 2002; Fortna 2008).
* **Realignment.** A partial deal: a faction's fighters in a region stand down as the spoiler's
  violence against their community, protection, payments and a stronger rival push them (Kalyvas
  2006), and go back only as their deal collapses, at the fitted hazard of a truce (Fortna 2008),
  or at once where the war resumes (an onset breaks the region's local deals; a settlement
  collapses only by its own hazard: docs/design-notes/resumed-war.md).
* **Physical bounds.** The information-date rate is at most 100,000 per 100,000. The people
  living in a region shrink by its deaths and by those displaced from it; a month's deaths, displaced and recruits never exceed the people living there (a
  refugee is one of the displaced), fighters never outnumber them, and a unit loses at most the
  troops it has there that month. These are clamps: they change nothing until they bind (the
  rates stay per 100,000 of the information-date population).
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

from grudging.model.counts import poisson_counts
from grudging.model.formation import quorum_reached
from grudging.model.onset import MIN_SUPPRESSION, onset_probability, war_minimum_rate
from grudging.model.threads import one_blas_thread
from grudging.rng import stream

#: Troops are counted per 1,000 inhabitants, rates per 100,000 inhabitants per month.
PER_THOUSAND = 1_000.0
PER_100K = 100_000.0
#: Counts up to this are exact in float32 (the precision the deaths are stored in).
F32_EXACT = 2.0**24


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
    host_sectarian_penalty: float
    realign_rate: float
    realign_base: float
    realign_per_violence: float
    realign_per_protection: float
    realign_per_payment: float
    realign_per_rival: float
    spoiler_attrition: float
    spoiler_max_ratio: float
    onset_base_hazard: float
    onset_peacekeeping_ratio: float
    onset_agreement_ratio: float
    onset_victory_ratio: float
    onset_capability_reference: float
    onset_capability_elasticity: float
    onset_vacuum_effect: float
    onset_rate: float
    max_attacks_per_troop: float


@dataclass(frozen=True)
class RequirementCurve:
    """The requirement stage's density norm as a function of recent violence (Quinlivan 1995):
    log-linear in violence per 100,000 a month from ``norm_policing`` at ``violence_low`` to
    ``norm_insurgency`` at ``violence_high``, flat beyond. The dynamics read a region's required
    density each month at the mean of its last ``window_months`` months of recorded deaths (the
    share ``located_share`` of the engine's deaths, the basis the stage reads), so that the density
    a force needs follows the threat it faces (docs/design-notes/history.md, "Fourth round").
    ``rate0`` is the violence the information-date requirement was read at."""

    norm_policing: float
    norm_insurgency: float
    violence_low: float
    violence_high: float
    window_months: int
    located_share: float
    rate0: np.ndarray  # (N,) violence per 100,000 a month behind the information-date requirement

    def base(self, violence: np.ndarray) -> np.ndarray:
        """The norm before the mixedness uplift (troops per 1,000) at ``violence``."""
        lo, hi = max(self.violence_low, 1e-9), max(self.violence_high, 1e-9)
        if hi <= lo:
            step = np.where(violence >= hi, 1.0, 0.0)
        else:
            step = np.log(np.maximum(violence, lo))
            step -= np.log(lo)
            step /= np.log(hi) - np.log(lo)
            np.clip(step, 0.0, 1.0, out=step)
        step *= self.norm_insurgency - self.norm_policing
        step += self.norm_policing
        return step


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
    # (N, T) host forces by month (troops x trained share x reliability);
    # ``None``: ``host_troops`` every month. Its month-0 column is ``host_troops``.
    host_schedule: np.ndarray | None = None
    # (N, T) overlap of the host force's make-up with each region's (1: fully matched); None: 1
    host_overlap: np.ndarray | None = None
    faction_group: np.ndarray | None = None  # (F,) index of each faction's group (None: all 0)
    # The war ended in a decisive victory of one side by the information date (onset hazard x
    # ``onset_victory_ratio``; docs/design-notes/war-ending.md).
    decisive_victory: bool = False
    # The requirement follows recent violence (``None``: ``required_density`` every month).
    requirement_curve: RequirementCurve | None = None

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
    command: str  # the id of its command in the scenario's registry
    troops: np.ndarray  # (N, T) planned troops by region and month
    pk_skill: float  # peacekeeping skill relative to trained peacekeepers (before command effects)
    # the command's skill and target salience: a value or a dynamics parameter's field name
    command_skill: float | str
    command_salience: float | str
    # a Muslim-majority nation's contingent in a theatre whose people are mostly Muslims
    co_religionist: bool = False
    erodes: bool = True
    # the command's factor on monthly changes of support (a value or a dynamics parameter's name)
    command_erosion: float | str = 1.0
    lead: int = -1  # index of the unit it follows home, -1 for none
    cost_per_troop: float | None = None  # own cost, US$ million per 1,000 troop-years
    patron_pays_per_troop: float = 0.0  # offers the patron pays, US$ million per 1,000 troop-years
    handover_eligible: bool = False


@dataclass(frozen=True)
class SettlementPlan:
    """What the bargain stage says about a grand compromise under this option."""

    month: int
    # One value for every replication, or one per replication (the bargain at each replication's
    # draw of the bargaining parameters: p_forms (R,), p_sign (R, F), p_holds (R,)).
    p_forms: float | np.ndarray  # the bargain stage's P(deal), reported; formation is the quorum's
    p_sign: np.ndarray  # (F,) or (R, F) probability each faction signs, on its own
    p_holds: float | np.ndarray  # probability the deal holds over the guarantor's commitment
    commitment_months: float
    guarantor: np.ndarray  # (U,) bool: units whose coverage backs the deal
    # An agreement in place (grudging.model.bargain.agreement): P(holds) over the window with no
    # guarantor; when given, the hazard runs from the guarded to this one as presence falls.
    p_holds_unguarded: float | np.ndarray | None = None
    in_force: bool = False  # already in force at the start: its signatories have stopped fighting
    # The formation rule (grudging.model.formation): the deal forms when the factions that sign
    # hold ``quorum`` of the non-spoilers' ``capability`` (F,) (None: equal); quorum 0 lets each
    # signatory stand down on its own (independent signing).
    capability: np.ndarray | None = None
    quorum: float | np.ndarray = 0.0


@dataclass(frozen=True)
class HandoverPlan:
    """Rule for passing the coalition to another command once violence settles.

    The national rate must stay below ``below_rate`` (deaths per 100,000 a month) or, when
    ``below_share_of_start`` is given, below that share of the information-date national rate,
    whichever is higher; with ``per_region_share`` the test is instead that regions holding that
    share of the population are each below the threshold.
    """

    to: str
    earliest_month: int
    below_rate: float  # deaths per 100,000 a month
    sustained_months: int
    force_retained: float
    # the receiving command's skill and salience: a value or a dynamics parameter's name
    skill: float | str
    salience: float | str
    below_share_of_start: float | None = None
    per_region_share: float | None = None
    assessed: bool = False  # the receiving command is paid from assessed contributions


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
    # (F, T) payments to realigned fighters, US$ per fighter a month (a lever); None: none
    payments: np.ndarray | None = None


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
    p_deal: np.ndarray  # (R,) the chance of a deal at the replication's bargaining parameters
    p_deal_holds: np.ndarray  # (R,) the chance of a deal that then holds
    handed_over: np.ndarray  # (R,) month of handover, -1 if none
    attacks: np.ndarray  # (R, T) insurgent attacks on all forces
    unit_names: tuple[str, ...] = field(default=())
    unit_nations: tuple[str | None, ...] = field(default=())
    realigned: np.ndarray | None = None  # (R, T) share of non-spoiler fighters stood down
    spoiler_strength: np.ndarray | None = None  # (R, T) spoiler fighters / information date
    handover_rule: bool = False  # the option has a handover rule that applies to some unit


# --------------------------------------------------------------------------------------------
def suppression(coverage: np.ndarray, half: float, hill: float) -> np.ndarray:
    """Share of violence left at a given coverage: ``1 / (1 + (coverage / half) ** hill)``."""
    c = np.maximum(coverage, 0.0) / half
    c = c**hill
    c += 1.0
    return 1.0 / c


def unit_skill(u: ForceUnit, p: DynamicsParams) -> Any:
    """Peacekeeping skill of a unit: its own quality times the skill of its command (or the
    patron's skill for the patron's forces)."""
    if u.kind == "patron":
        return p.patron_pk_skill * u.pk_skill
    return u.pk_skill * _command_figure(u.command_skill, p)


def unit_characteristics(
    units: tuple[ForceUnit, ...], p: DynamicsParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Peacekeeping skill, target salience and lethality per unit (before any handover).

    With per-replication parameters (arrays of shape ``(R, 1)``) each result has shape
    ``(R, U)``; with scalar parameters, ``(1, U)``.
    """
    skill, sal, leth = [], [], []
    for u in units:
        skill.append(unit_skill(u, p))
        if u.kind == "patron":
            sal.append(p.salience_patron)
            leth.append(p.lethality_patron)
            continue
        muslim = p.salience_muslim_factor if u.co_religionist else 1.0
        sal.append(_command_figure(u.command_salience, p) * muslim)
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


def _command_figure(value: float | str, p: DynamicsParams) -> Any:
    """A command's skill or salience: a value, or the dynamics parameter it names (registry)."""
    if isinstance(value, str):
        return getattr(p, value.removeprefix("dynamics."))
    return value


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

    Each month runs the phases below in order (each a function of this module):
    forces present (:func:`_forces_present`), factions out of the fight (:func:`_stand_down`),
    suppression (:func:`_suppression`), background rate (:func:`_background`), this month's rate
    (:func:`_rate`), attacks on forces (:func:`_attacks`), civilian deaths
    (:func:`_civilian_deaths`), tipping (:func:`_tipping`), displacement (:func:`_displacement`),
    regional escalation (:func:`_escalation`), safe havens (:func:`_safe_haven`), costs
    (:func:`_costs`), then, after recording the month, erosion (:func:`_erosion`) and handover
    (:func:`_handover`).
    """
    run = _prepare(inputs, p, replications, seed, block)
    st = _initial_state(run)
    out = _Outputs(run.R, run.N, run.T, run.U)
    out.cost_patron += inputs.patron_lump_sum_musd
    with one_blas_thread():  # small products: threads cost more than they save (threads.py)
        for t in range(run.T):
            _month(run, st, out, t)
    traj = out.finish(st.escalated, st.formed, st.holds, st.handed, run.units, inputs.settlement)
    traj.handover_rule = inputs.handover is not None and bool(run.handover_mask.any())
    return traj


@dataclass(slots=True)
class _Run:
    """What stays fixed over one call of :func:`simulate`: the theatre, the forces' schedules and
    characters, the parameters as ``(R, 1)`` columns, the information-date calibration and the
    random streams."""

    inputs: DynamicsInputs
    th: Theatre
    units: tuple[ForceUnit, ...]
    p: DynamicsParams
    R: int
    N: int
    T: int
    U: int
    F: int
    seed: int
    block: object
    pop: np.ndarray  # (N,) inhabitants at the information date
    pop_k: np.ndarray  # (N,) the same, in thousands
    sched: np.ndarray  # (U, N, T) planned troops
    skill0: np.ndarray  # (R, U) peacekeeping skill before any handover
    sal0: np.ndarray  # (R, U) target salience before any handover
    leth: np.ndarray  # (R, U) troop deaths per attack
    skill_ho: np.ndarray  # (R, U) skill once handed over
    sal_ho: np.ndarray  # (R, U) salience once handed over
    assessed: bool  # a handover to the UN: assessments share the bill
    is_patron: np.ndarray  # (U,) bool
    erodes: np.ndarray  # (U,) bool: support may erode and the unit leave
    after_collapse: np.ndarray  # (U,) bool: follows the record until its run's settlement collapses
    erosion_scale: np.ndarray  # (R, U) or (1, U): the command's factor on support changes
    lead: np.ndarray  # (U,) index of the lead unit, -1 for none
    followers: np.ndarray  # (U,) bool: leaves with its lead
    own_cost: np.ndarray  # (R, U) US$ million per 1,000 troop-years
    paid_by_patron: np.ndarray  # (U,) offers the patron pays per 1,000 troop-years
    handover_mask: np.ndarray  # (U,) bool
    host_sched: np.ndarray  # (N, T) host forces by month (before skill and make-up)
    host_overlap: np.ndarray | None  # (N, T) make-up overlap of host forces with the regions
    host_mean0: np.ndarray  # (R, 1) national mean of the make-up weight at month 0
    host_changed: np.ndarray  # (T,) bool: host forces differ from month 0's
    host_skill: np.ndarray  # (R, 1) host_pk_skill
    geo: _FactionGeometry  # where the factions' fighters and communities are
    pay: np.ndarray  # (F, T) payments to realigned fighters, US$ per fighter a month
    cov0: np.ndarray  # (R, N) coverage at the information date
    need0: np.ndarray  # (N,) troops per 1,000 required at the information date
    # (N,) the requirement per unit of the curve's norm then (None: the requirement stays fixed)
    need_per_norm: np.ndarray | None
    s0: np.ndarray  # (K, R) realigned shares at the information date (their equilibrium)
    violence_per_active: np.ndarray  # (K, R) pair's violence share / its active share then
    spoiler_regions: np.ndarray  # (S,) regions where the spoilers fight or have a home
    recruit0: np.ndarray  # (R, S) spoiler recruitment at the information date, per unhidden share
    national0: float  # national rate per 100,000 at the information date
    mu: np.ndarray  # (R, N) calibrated background rate
    presence0: np.ndarray  # (R, N) salient presence at the information date
    mixed0: np.ndarray  # (N,) mixedness at the information date
    sectarian: np.ndarray  # (N,) share of the background that depends on intermingling
    refugee_share: np.ndarray  # (R, 1) refugee_share, at most 1 (refugees are displaced people)
    deal_u: np.ndarray  # (R,) uniform: drawn but no longer read (later streams stay put)
    sign_u: np.ndarray  # (R, F) uniforms: does each faction sign
    collapse_u: np.ndarray  # (R, T) uniforms: does a deal collapse this month
    escalate_u: np.ndarray  # (R, T) uniforms: does a kin state intervene this month
    onset_u: np.ndarray  # (R, T, N) uniforms: does large-scale violence start here (onset)
    onset_weight: np.ndarray  # (2, N) population share; hostile fighters per 1,000 (:func:`_onset`)
    onset_fixed: tuple[np.ndarray, np.ndarray]  # (R, N) x2: the onset hazard's terms fixed per call
    shock_g: np.random.Generator
    noise_g: np.random.Generator
    drift_g: np.random.Generator


@dataclass(slots=True)
class _State:
    """What carries from one month to the next, per replication (``(R, ...)`` arrays)."""

    y: np.ndarray  # (R, N) last month's death rate per 100,000
    comp: np.ndarray  # (G, R, N) group shares, group-major so sums over groups add whole arrays
    war: np.ndarray  # (R, N) bool: in the civil-war regime
    above: np.ndarray  # (R, N) months in a row above the war threshold
    below: np.ndarray  # (R, N) months in a row below the exit threshold
    present: np.ndarray  # (R, U) bool: the unit has not gone home
    support: np.ndarray  # (R, U) domestic support of each unit
    handed: np.ndarray  # (R,) month of handover, -1 before
    calm: np.ndarray  # (R,) months in a row below the handover's rate
    formed: np.ndarray  # (R,) bool: a settlement formed
    holds: np.ndarray  # (R,) bool: it still holds
    signed: np.ndarray  # (R, F) bool: the faction signed
    settled: np.ndarray  # (R, F) share of each faction demobilised under the settlement
    local_floor: np.ndarray  # (F,) share of each faction stood down by local deals
    g_ref: np.ndarray  # (R,) guarantor's coverage the deal was signed on
    escalated: np.ndarray  # (R,) bool: a kin state intervened
    haven: np.ndarray  # (R,) safe-haven index of last month
    there: np.ndarray  # (R, N) people living in the region: population less deaths and displaced
    mingled: np.ndarray  # (R, N) share of them still intermingled (1 at the information date)
    stood: np.ndarray  # (K, R) share of the fighters of each (faction, region) pair stood down
    spoiler_k: np.ndarray  # (R, N) spoiler fighters relative to the information date
    cov: np.ndarray  # (R, N) last month's coverage
    supp: np.ndarray  # (R, N) last month's suppression (share of background violence left)
    onset: np.ndarray  # (R, N) bool: large-scale violence has started from calm (onset hazard)
    broken: np.ndarray  # (R, N) bool: an onset there has broken its deals (:func:`_stand_down`)
    need: np.ndarray  # (R, N) troops per 1,000 required this month ((N,) when it stays fixed)
    recent: np.ndarray  # (W, R, N) the last months' located violence per 100,000 (a ring)
    recent_sum: np.ndarray  # (R, N) their sum


@dataclass(slots=True)
class _Forces:
    """The forces on the ground in one month."""

    handed_now: np.ndarray  # (R, U) bool: handed over by now
    scale: np.ndarray  # (R, U) share of the planned troops present
    troops_t: np.ndarray  # (U, N) planned troops this month
    skill: np.ndarray  # (R, U)
    sal: np.ndarray  # (R, U)
    eff: np.ndarray  # (R, N) effective foreign troops
    salient: np.ndarray  # (R, N) salient foreign troops
    unit_troops: np.ndarray  # (R, U) troops present


def _prepare(
    inputs: DynamicsInputs, p: DynamicsParams, replications: int, seed: int, block: object
) -> _Run:
    """Fixed inputs of a run: per-replication parameters, the forces' characters before and after
    a handover, cost shares, the information-date calibration (:func:`initial_conditions`) and the
    random streams, drawn so that their consumption never depends on the option."""
    th = inputs.theatre
    units = inputs.units
    R, N, T, U = replications, th.n_regions, inputs.months, len(units)
    p = per_replication(p, R)
    pop = th.population.astype(float)
    sched = np.stack([u.troops[:, :T] for u in units]) if U else np.zeros((0, N, T))
    skill0, sal0, leth = unit_characteristics(units, p)
    ho = inputs.handover
    # Skill and salience once handed over: the same units under the receiving command.
    skill_ho, sal_ho, _ = (
        unit_characteristics(
            tuple(
                replace(u, command=ho.to, command_skill=ho.skill, command_salience=ho.salience)
                for u in units
            ),
            p,
        )
        if ho is not None and U
        else (skill0, sal0, leth)
    )
    may_erode = np.array([u.erodes for u in units], dtype=bool)
    # The patron's presence is the option's choice: it never erodes in an option that states it.
    erodes = may_erode & np.array([u.kind != "patron" for u in units], dtype=bool)
    erodes &= inputs.erosion
    # A replayed force, the patron's included, follows the record while the history it records
    # holds: once the run's settlement collapses, it erodes like any other
    # (docs/design-notes/dynamics.md, "A historical force once its deal has collapsed").
    after_collapse = may_erode & (not inputs.erosion) & (inputs.settlement is not None)
    erosion_scale = (
        _stack([_command_figure(u.command_erosion, p) for u in units]) if U else np.ones((1, 0))
    )
    lead = np.array([u.lead for u in units], dtype=int)
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
    # Information-date conditions fix the background rate.
    mu, presence0 = initial_conditions(th, sched[:, :, 0], skill0, sal0, p)
    F = th.faction_share.shape[0]
    host_sched = np.repeat(th.host_troops[:, None].astype(float), T, axis=1)
    if th.host_schedule is not None:
        given = np.asarray(th.host_schedule, dtype=float)[:, :T]
        host_sched[:, : given.shape[1]] = given  # beyond its end the force holds its level
        host_sched[:, given.shape[1] :] = given[:, -1:]
    pop_k = pop / PER_THOUSAND
    cov0 = (skill0 @ sched[:, :, 0] + host_sched[None, :, 0] * p.host_pk_skill) / pop_k
    need0 = np.maximum(th.required_density, 1e-9)
    cov0 = cov0 / need0
    cov0 = np.where(th.initial_rate > p.war_threshold, cov0 / p.war_coverage_penalty, cov0)
    geo = _faction_geometry(th)
    pay = (
        np.asarray(inputs.payments, dtype=float)[:, :T]
        if inputs.payments is not None
        else np.zeros((F, T))
    )
    host_overlap, host_mean0 = _host_overlap(th, p, pop, T)
    s0 = _information_date_realignment(th, p, geo, cov0, R)
    hide0 = _hiding_share(s0, geo)
    spoiler_regions = np.nonzero((geo.spoiler_share > 0) | (th.spoiler_home > 0))[0]
    # At the information date recruitment balances attrition: a x coverage, per the share of the
    # spoilers' community not realigned then.
    recruit0 = (
        p.spoiler_attrition * np.minimum(cov0, MAX_TARGETING) / np.maximum(1.0 - hide0, 1e-12)
    )
    onset_weight = _onset_weight(th, pop)
    mixed0 = 1.0 - (th.composition**2).sum(axis=1)
    # Random streams, common across options: their consumption never depends on the option.
    setup = stream(seed, "dynamics", block, "setup")
    deal_u = setup.random(R)
    sign_u = setup.random((R, F))
    collapse_u = setup.random((R, T))
    escalate_u = setup.random((R, T))
    # One onset uniform per replication, month and region, whatever the option (common numbers).
    onset_u = stream(seed, "dynamics", block, "onset").random((R, T, N))
    return _Run(
        inputs=inputs,
        th=th,
        units=units,
        p=p,
        R=R,
        N=N,
        T=T,
        U=U,
        F=F,
        seed=seed,
        block=block,
        pop=pop,
        pop_k=pop / PER_THOUSAND,
        sched=sched,
        skill0=skill0,
        sal0=sal0,
        leth=leth,
        skill_ho=skill_ho,
        sal_ho=sal_ho,
        assessed=ho is not None and ho.assessed,
        is_patron=np.array([u.kind == "patron" for u in units], dtype=bool),
        erodes=erodes,
        after_collapse=after_collapse,
        erosion_scale=erosion_scale,
        lead=lead,
        followers=(lead >= 0) & (erodes | after_collapse),
        own_cost=own_cost,
        paid_by_patron=np.array([u.patron_pays_per_troop for u in units]),
        handover_mask=np.array([u.handover_eligible for u in units], dtype=bool),
        host_sched=host_sched,
        host_overlap=host_overlap,
        host_mean0=host_mean0,
        host_changed=(host_sched != host_sched[:, :1]).any(axis=0),
        host_skill=np.asarray(p.host_pk_skill),
        geo=geo,
        pay=pay,
        cov0=cov0,
        need0=need0,
        need_per_norm=(
            need0 / np.maximum(th.requirement_curve.base(th.requirement_curve.rate0), 1e-9)
            if th.requirement_curve is not None
            else None
        ),
        s0=s0,
        violence_per_active=geo.violence_share[:, None] / np.maximum(1.0 - s0, 1e-12),
        spoiler_regions=spoiler_regions,
        recruit0=recruit0[:, spoiler_regions],
        national0=float(_initial_rate(th) @ pop / max(pop.sum(), 1.0)),
        mu=mu,
        presence0=presence0,
        mixed0=mixed0,
        sectarian=np.minimum(2.0 * mixed0, 1.0),
        refugee_share=np.minimum(p.refugee_share, 1.0),
        deal_u=deal_u,
        sign_u=sign_u,
        collapse_u=collapse_u,
        escalate_u=escalate_u,
        onset_u=onset_u,
        onset_weight=onset_weight,
        onset_fixed=_onset_fixed(p, onset_weight),
        shock_g=stream(seed, "dynamics", block, "shock"),
        noise_g=stream(seed, "dynamics", block, "noise"),
        drift_g=stream(seed, "dynamics", block, "drift"),
    )


def _initial_state(run: _Run) -> _State:
    """The information date: observed rates and composition; a region is in the civil-war regime
    if its rate is above ``war_threshold``; every force present with full support; no deal."""
    th, R, N, U, F = run.th, run.R, run.N, run.U, run.F
    return _State(
        y=np.broadcast_to(_initial_rate(th), (R, N)).copy(),
        comp=np.broadcast_to(th.composition.T[:, None, :], (th.composition.shape[1], R, N)).copy(),
        war=np.broadcast_to(th.initial_rate > run.p.war_threshold, (R, N)).copy(),
        above=np.zeros((R, N), dtype=np.int16),
        below=np.zeros((R, N), dtype=np.int16),
        present=np.ones((R, U), dtype=bool),
        support=np.ones((R, U)),
        handed=np.full(R, -1, dtype=int),
        calm=np.zeros(R, dtype=int),
        formed=np.zeros(R, dtype=bool),
        holds=np.zeros(R, dtype=bool),
        signed=np.zeros((R, F), dtype=bool),
        settled=np.zeros((R, F)),
        local_floor=np.zeros(F),
        g_ref=np.zeros(R),
        escalated=np.zeros(R, dtype=bool),
        haven=np.zeros(R),
        there=np.broadcast_to(run.pop, (R, N)).copy(),
        mingled=np.ones((R, N)),
        stood=run.s0.copy(),
        spoiler_k=np.ones((R, N)),
        cov=run.cov0.copy(),
        supp=suppression(run.cov0, run.p.coverage_half, run.p.suppression_hill),
        onset=np.zeros((R, N), dtype=bool),
        broken=np.zeros((R, N), dtype=bool),
        need=run.need0,
        **_recent_violence(th, R),
    )


def _recent_violence(th: Theatre, R: int) -> dict[str, np.ndarray]:
    """The ring of the last ``window_months`` months' violence the requirement reads, filled with
    the information-date rate it was read at (empty when the requirement stays fixed)."""
    curve = th.requirement_curve
    if curve is None:
        return {"recent": np.zeros((0, R, th.n_regions)), "recent_sum": np.zeros((R, 0))}
    window = max(int(curve.window_months), 1)
    recent = np.broadcast_to(curve.rate0, (window, R, th.n_regions)).copy()
    return {"recent": recent, "recent_sum": recent.sum(axis=0)}


def _requirement(run: _Run, st: _State) -> None:
    """This month's required density: the information date's, moved by the requirement curve at
    the mean violence of the last months (:class:`RequirementCurve`; Quinlivan 1995)."""
    curve = run.th.requirement_curve
    if curve is None or run.need_per_norm is None:
        return
    mean = np.maximum(st.recent_sum, 0.0)
    mean /= st.recent.shape[0]
    need = curve.base(mean)
    need *= run.need_per_norm
    st.need = need


def _remember_violence(run: _Run, st: _State, t: int) -> None:
    """The month's located violence enters the ring the requirement reads."""
    curve = run.th.requirement_curve
    if curve is None:
        return
    slot = t % st.recent.shape[0]
    located = st.y * curve.located_share
    st.recent_sum += located
    st.recent_sum -= st.recent[slot]
    st.recent[slot] = located


def _month(run: _Run, st: _State, out: _Outputs, t: int) -> None:
    """One month, phase by phase (the order matters: each phase reads last month's state of the
    phases after it)."""
    forces = _forces_present(run, st, t)
    host = _host_forces(run, t)
    _requirement(run, st)
    collapsed, demob, realigned = _stand_down(run, st, forces, t)
    cov, supp = _suppression(run, st, forces, realigned, host)
    background, grievance, mixed, exposure = _background(run, st, forces, demob, host)
    background = _onset(run, st, cov, supp, demob, grievance, background, t)
    rate = _rate(run, st, supp, background, collapsed)
    # Troop and civilian counts read separate streams: the number of units differs by option, and
    # it must not shift the civilians' uniforms (common numbers).
    troop_u = stream(run.seed, "dynamics", run.block, "troop_deaths", t)
    civilian_u = stream(run.seed, "dynamics", run.block, "civilian_deaths", t)
    attacks, unit_deaths = _attacks(run, st, forces, grievance, demob, supp, troop_u, host)
    deaths = _civilian_deaths(run, st, rate, civilian_u)
    _remember_violence(run, st, t)
    _tipping(run, st)
    displaced, abroad = _displacement(run, st, deaths, mixed, exposure)
    _escalation(run, st, out, abroad, t)
    _safe_haven(run, st, cov)
    _costs(run, st, forces, out, t)
    out.record_factions(t, st.stood, st.spoiler_k, run.geo, run.pop)
    _spoiler(run, st, cov, supp, grievance)
    out.record(
        t,
        deaths,
        st.war,
        run.pop,
        _first(run.p.national_war_share),
        displaced,
        abroad,
        attacks,
        st.haven,
        forces.unit_troops,
        run.is_patron,
        unit_deaths,
    )
    _erosion(run, st, forces, unit_deaths)
    _handover(run, st, deaths, t)


def _host_overlap(
    th: Theatre, p: DynamicsParams, pop: np.ndarray, T: int
) -> tuple[np.ndarray | None, np.ndarray]:
    """The make-up overlap of the host forces with each region over ``T`` months (``None`` when
    not given), and the population-weighted national mean of the make-up weight at month 0."""
    R = np.asarray(p.host_sectarian_penalty).shape[0]
    if th.host_overlap is None:
        return None, np.ones((R, 1))
    overlap = np.asarray(th.host_overlap, dtype=float)[:, :T]
    if overlap.shape[1] < T:
        overlap = np.hstack([overlap, np.repeat(overlap[:, -1:], T - overlap.shape[1], axis=1)])
    weight0 = 1.0 - p.host_sectarian_penalty * (1.0 - overlap[None, :, 0])
    return overlap, np.maximum(weight0 @ pop / pop.sum(), 1e-12)[:, None]


def _host_forces(run: _Run, t: int) -> np.ndarray:
    """Host forces this month: the information-date force plus the change since, weighted where
    it serves by ``1 - host_sectarian_penalty x (1 - overlap)`` over its national mean at month 0
    (a force drawn from another community protects it less; Cordesman 2006). ``(N,)`` or
    ``(R, N)``; month 0 is the information-date force, on which the calibration rests."""
    base = run.host_sched[:, 0]
    if run.host_overlap is None or not run.host_changed[t]:
        return run.host_sched[:, t]
    weight = (1.0 - run.p.host_sectarian_penalty * (1.0 - run.host_overlap[None, :, t])) / (
        run.host_mean0
    )
    return np.maximum(base + (run.host_sched[:, t] - base) * weight, 0.0)


def _forces_present(run: _Run, st: _State, t: int) -> _Forces:
    """Troops on the ground this month: the plan, less units gone home, with a handed-over force
    reduced to ``force_retained`` and fighting with the receiving command's skill and salience."""
    ho = run.inputs.handover
    handed_now = (st.handed >= 0)[:, None] & run.handover_mask[None, :]
    troops_t = run.sched[:, :, t]  # (U, N)
    if handed_now.any():
        scale = np.where(handed_now, ho.force_retained if ho else 1.0, 1.0) * st.present
        skill = np.where(handed_now, run.skill_ho, run.skill0)
        sal = np.where(handed_now, run.sal_ho, run.sal0)
    else:  # no unit handed over (the same values, without the copies)
        scale = st.present.astype(float)
        skill, sal = run.skill0, run.sal0
    return _Forces(
        handed_now=handed_now,
        scale=scale,
        troops_t=troops_t,
        skill=skill,
        sal=sal,
        eff=(scale * skill) @ troops_t,
        salient=(scale * sal) @ troops_t,
        unit_troops=scale * troops_t.sum(axis=1)[None, :],
    )


#: Coverage above which more targeting wears the spoiler down no faster.
MAX_TARGETING = 5.0
#: Payments enter realignment per this many US$ per fighter a month.
PAYMENT_UNIT = 100.0


@dataclass(frozen=True)
class _Segments:
    """Consecutive rows summed by segment: ``sum`` of ``(L, R)`` rows gives ``(S, R)``.

    Each segment's first row is gathered, then its second, third... rows are added in layers:
    for the short segments here (a cell holds one or two pairs) this is several times faster than
    ``np.add.reduceat`` along the first axis.
    """

    first: np.ndarray  # (S,) first row of each segment
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]  # (segments that long, their l-th rows)

    @classmethod
    def of(cls, starts: np.ndarray, length: int) -> _Segments:
        """The segments beginning at ``starts`` (sorted) of ``length`` rows in all."""
        sizes = np.diff(np.append(starts, length))
        longest = int(sizes.max()) if len(sizes) else 0
        layers = tuple(
            (np.nonzero(sizes > depth)[0], starts[sizes > depth] + depth)
            for depth in range(1, longest)
        )
        return cls(first=np.asarray(starts, dtype=int), layers=layers)

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Row sums of ``values`` by segment."""
        out = values[self.first]
        for rows, source in self.layers:
            out[rows] += values[source]
        return out


@dataclass(frozen=True)
class _FactionGeometry:
    """Where the factions' fighters and communities are (fixed over a run).

    The realigned shares live on the ``K`` (faction, region) pairs where a faction that may
    realign (not a spoiler) has fighters: the replication x region x faction state without its
    empty cells, stored pair-major ``(K, R)`` so that sums over pairs add contiguous rows. Pairs
    are ordered by (region, group) "cells".
    """

    pair_f: np.ndarray  # (K,) faction of each pair
    pair_n: np.ndarray  # (K,) region of each pair
    fighters: np.ndarray  # (K,) the faction's fighters in the region
    group_share: np.ndarray  # (K,) share of the region's people in the faction's group
    violence_share: np.ndarray  # (K,) the pair's share of its region's violence
    own: np.ndarray  # (K,) the pair's cell (index into the U cells)
    cells: _Segments  # pairs -> (region, group) cells
    cell_n: np.ndarray  # (U,) the cell's region
    cell_pos: np.ndarray  # (U,) the cell's region among the regions with pairs
    cell_exposure: np.ndarray  # (U,) spoilers' share of the region's violence x group's share
    regions_of_cells: _Segments  # cells -> the M regions with pairs
    regions_with_pairs: np.ndarray  # (M,) those regions
    region_pairs: _Segments  # pairs -> the M regions with pairs (pairs are ordered by region)
    spoiler_fighters: np.ndarray  # (U,) spoilers' fighters of the cell's group and region
    kin: np.ndarray  # (K,) fighters of the spoilers' own community (its hiding places), else 0
    kin_total: np.ndarray  # (N,) those fighters per region
    spoiler_share: np.ndarray  # (N,) spoilers' share of each region's violence
    regions: int  # N


def _faction_geometry(th: Theatre) -> _FactionGeometry:
    """The :class:`_FactionGeometry` of a theatre."""
    F, N = th.faction_share.shape[0], th.n_regions
    group = (
        np.zeros(F, dtype=int)
        if th.faction_group is None
        else np.asarray(th.faction_group, dtype=int)
    )
    G = int(np.asarray(th.composition).shape[1]) + 1  # the last: factions of no group (-1)
    group = np.where(group < 0, G - 1, group)
    spoiler = np.asarray(th.faction_spoiler, dtype=bool)
    comp = np.hstack([np.asarray(th.composition, dtype=float), np.zeros((N, 1))])
    fh = th.faction_fighters[:, None] * th.faction_home  # (F, N)
    pair_f, pair_n = np.nonzero((fh > 0) & ~spoiler[:, None])
    key = pair_n * G + group[pair_f]
    order = np.argsort(key, kind="stable")
    pair_f, pair_n, key = pair_f[order], pair_n[order], key[order]
    cells, starts, own = np.unique(key, return_index=True, return_inverse=True)
    regions_with_pairs, region_starts, cell_region = np.unique(
        cells // G, return_index=True, return_inverse=True
    )
    by_group_region = np.zeros((G, N))
    for f in np.nonzero(spoiler)[0]:
        by_group_region[group[f]] += fh[f]
    spoiler_fighters = by_group_region[cells % G, cells // G]
    fighters = fh[pair_f, pair_n]
    kin = fighters * np.isin(group[pair_f], group[spoiler])
    kin_total = np.zeros(N)
    np.add.at(kin_total, pair_n, kin)
    return _FactionGeometry(
        pair_f=pair_f,
        pair_n=pair_n,
        fighters=fighters,
        group_share=comp[pair_n, group[pair_f]],
        violence_share=th.faction_share[pair_f, pair_n],
        own=own,
        cells=_Segments.of(starts, len(pair_f)),
        cell_n=cells // G,
        cell_pos=cell_region,
        cell_exposure=(
            th.faction_share[spoiler].sum(axis=0)[cells // G]
            if spoiler.any()
            else np.zeros(len(cells))
        )
        * comp[cells // G, cells % G],
        regions_of_cells=_Segments.of(region_starts, len(cells)),
        regions_with_pairs=regions_with_pairs,
        region_pairs=_Segments.of(starts[region_starts], len(pair_f)),
        spoiler_fighters=spoiler_fighters,
        kin=kin,
        kin_total=kin_total,
        spoiler_share=th.faction_share[spoiler].sum(axis=0) if spoiler.any() else np.zeros(N),
        regions=N,
    )


def _region_sums(values: np.ndarray, geo: _FactionGeometry) -> np.ndarray:
    """Sums of pair-major ``values (K, R)`` by region, as ``(R, N)``."""
    sums = geo.region_pairs.sum(values)  # (M, R)
    if len(geo.regions_with_pairs) == geo.regions:  # every region has pairs, in order
        return np.ascontiguousarray(sums.T)
    out = np.zeros((values.shape[1], geo.regions))
    out[:, geo.regions_with_pairs] = sums.T
    return out


def _row(column: Any) -> np.ndarray:
    """An ``(R, 1)`` parameter column as a ``(1, R)`` row, to broadcast over pair-major arrays."""
    return np.asarray(column).T


def _realignment_target(
    p: DynamicsParams,
    geo: _FactionGeometry,
    rate: np.ndarray,
    supp: np.ndarray,
    pay: np.ndarray,
    stood: np.ndarray,
) -> np.ndarray:
    """The share of each faction's fighters in each region that would stand down or realign under
    this month's conditions, pair-major ``(K, R)``: a logistic of the spoiler's violence against the
    faction's own community (``rate`` x the spoilers' share x the group's share, per
    ``war_threshold``), the protection on offer (the share of violence coverage suppresses:
    ``1 - supp``), the payments (per US$100 a fighter a month) and the rival groups' active
    fighters over the own group's (Kalyvas 2006, ch. 5 and 7). Spoilers never realign."""
    # Every driver but the payments is the same for the factions of one group in one region (a
    # cell): the logit is built per cell, in place, then spread to the pairs (this runs monthly).
    n = geo.cell_n
    term = rate.T[n]  # the spoiler's violence against the community, per war_threshold
    term *= geo.cell_exposure[:, None]
    term /= _row(p.war_threshold)
    np.log1p(term, out=term)
    cell_logit = term * _row(p.realign_per_violence)
    cell_logit += _row(p.realign_base)
    term = supp.T[n]  # protection: the share of violence coverage suppresses
    np.subtract(1.0, term, out=term)
    term *= _row(p.realign_per_protection)
    cell_logit += term
    active = 1.0 - stood
    active *= geo.fighters[:, None]
    own = geo.cells.sum(active)  # (U, R) active fighters of the cell's group
    term = geo.regions_of_cells.sum(own)[geo.cell_pos]  # rival groups' over the own group's
    term -= own
    own += geo.spoiler_fighters[:, None]
    np.maximum(own, 1.0, out=own)
    term /= own
    np.log1p(term, out=term)
    term *= _row(p.realign_per_rival)
    cell_logit += term
    paid = pay[geo.pair_f]
    if paid.any():
        logit = cell_logit[geo.own]
        logit += _row(p.realign_per_payment) * (paid / PAYMENT_UNIT)[:, None]
    else:  # the logistic per cell, then to its pairs (the pairs of a cell share it)
        logit = cell_logit
    np.negative(logit, out=logit)
    np.exp(logit, out=logit)
    logit += 1.0
    np.reciprocal(logit, out=logit)
    return logit if paid.any() else logit[geo.own]


def _information_date_realignment(
    th: Theatre, p: DynamicsParams, geo: _FactionGeometry, cov0: np.ndarray, R: int
) -> np.ndarray:
    """Realigned shares at the information date: the fixed point of the target under the
    conditions then (no payments), so that the model starts where the data end."""
    y0 = np.broadcast_to(_initial_rate(th), (R, th.n_regions))
    F = th.faction_share.shape[0]
    stood = np.zeros((len(geo.pair_f), R))
    supp0 = suppression(cov0, p.coverage_half, p.suppression_hill)
    for _ in range(4):
        stood = _realignment_target(p, geo, y0, supp0, np.zeros(F), stood)
    return stood


def _hiding_share(stood: np.ndarray, geo: _FactionGeometry) -> np.ndarray:
    """Realigned share of the fighters of the spoilers' own community in each region, ``(R, N)``."""
    num = _region_sums(stood * geo.kin[:, None], geo)
    return np.divide(
        num, geo.kin_total[None, :], out=np.zeros_like(num), where=geo.kin_total[None, :] > 0
    )


def _stand_down(
    run: _Run, st: _State, forces: _Forces, t: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Factions out of the fight: the settlement (:func:`_settlement`) and scripted local deals set
    floors under the signed shares, realignment (:func:`_realignment`) moves them, and the spoiler's
    strength (:func:`_spoiler`) scales its share. An onset (:func:`_onset`, drawn last month) is
    a war resumed in its region: it breaks the local deals there, not the settlement, which is
    national and collapses by its own hazard (docs/design-notes/resumed-war.md). Returns the
    replications whose deal collapsed this month, the share of each region's violence removed
    (relative to the information date; negative where more fight than then), and the change in
    fighters realigned to local security."""
    p = run.p
    for f_idx, month, strength in run.inputs.deals:
        if month == t:
            st.local_floor[f_idx] = max(st.local_floor[f_idx], strength)
    fresh = None  # (K, R): pairs whose region's deals an onset broke since last month
    if st.onset.any():
        new = st.onset & ~st.broken
        if new.any():
            st.broken |= new
            fresh = new.T[run.geo.pair_n]
    collapsed = _settlement(run, st, forces, t)
    _realignment(run, st, t, collapsed, fresh)
    change = st.stood - run.s0  # (K, R)
    # The violence observed at the information date came from the fighters still active then
    # (1 - s0): a faction that stands down entirely removes its whole share.
    demob = _region_sums(change * run.violence_per_active, run.geo)
    demob += run.geo.spoiler_share[None, :] * (1.0 - st.spoiler_k)
    realigned = p.realigned_to_security * _region_sums(change * run.geo.fighters[:, None], run.geo)
    # Fighters are inhabitants: no more join local security than live there.
    realigned = np.minimum(realigned, st.there)
    return collapsed, demob, realigned


def _realignment(
    run: _Run, st: _State, t: int, collapsed: np.ndarray, fresh: np.ndarray | None
) -> None:
    """Realignment, month by month: a partial deal. Where its target
    (:func:`_realignment_target`) is above the signed share, the share moves ``realign_rate`` of
    the way up (Kalyvas 2006). Where the target has fallen below it, the fighters held only by
    their deal (the excess) return to the fight as the deal collapses, at the monthly hazard of a
    truce with the fighters stood down, lower under protection (:func:`deal_collapse_hazard`;
    Fortna 2008); when the settlement a faction signed collapses (``collapsed``, per
    replication), its deal is gone and the excess returns at once, as it does where an onset has
    just broken the local deals (``fresh``, per pair). Never below the floor a settlement that
    holds (its signatories' demobilised share) or a scripted local deal sets; a local deal's
    floor no longer holds where an onset broke it. Spoilers never realign."""
    p = run.p
    stood = _realignment_target(p, run.geo, st.y * st.spoiler_k, st.supp, run.pay[:, t], st.stood)
    stood -= st.stood  # the gap to the target
    leaving = np.minimum(stood, 0.0)
    # per region, then to its pairs (the pairs of a region share its value)
    leave = onset_probability(deal_collapse_hazard(p, st.cov.T))[run.geo.pair_n]
    if collapsed.any():
        broken = collapsed[:, None] & st.signed  # (R, F): signatories of a deal that collapsed
        leave = np.where(broken.T[run.geo.pair_f], 1.0, leave)
    if fresh is not None:
        leave = np.where(fresh, 1.0, leave)
    leaving *= leave
    np.maximum(stood, 0.0, out=stood)
    stood *= _row(p.realign_rate)
    stood += leaving
    stood += st.stood
    floor = np.maximum(st.settled, st.local_floor[None, :])  # (R, F)
    if floor.any():
        under = floor.T[run.geo.pair_f]  # (K, R)
        if st.broken.any():  # there only the settlement's floor holds
            under = np.where(st.broken.T[run.geo.pair_n], st.settled.T[run.geo.pair_f], under)
        np.maximum(stood, under, out=stood)
    st.stood = stood


def deal_collapse_hazard(p: DynamicsParams, coverage: np.ndarray) -> np.ndarray:
    """Monthly hazard that a local deal (a faction's realignment, a cease-fire) collapses, over
    coverage ``(N, R)`` or ``(K, R)`` (regions or pairs, by replication): the fitted hazard of a
    truce with the fighters stood down, ``onset_base_hazard x onset_agreement_ratio``, times ``onset_peacekeeping_ratio`` to the
    power of the coverage where the fighters live, saturating at the requirement (Fortna 2008;
    the episodes up to 1995 of ``grudging.model.onset.fit_onset``). A local deal is an episode,
    so the hazard is not split over regions."""
    cov = np.clip(coverage, 0.0, 1.0)
    hazard: np.ndarray = np.power(_row(p.onset_peacekeeping_ratio), cov, out=cov)
    hazard *= _row(p.onset_base_hazard) * _row(p.onset_agreement_ratio)
    return hazard


def _spoiler(
    run: _Run, st: _State, cov: np.ndarray, supp: np.ndarray, grievance: np.ndarray
) -> None:
    """Spoiler attrition and recruitment: its fighters fall by ``spoiler_attrition`` per unit of
    coverage (targeting density x skill) and are replaced at the information date's rate, scaled
    by grievance and by the share of its own community not realigned (the community that hides it);
    at most ``spoiler_max_ratio`` times its information-date strength."""
    st.cov = cov
    st.supp = supp
    where = run.spoiler_regions  # elsewhere the spoiler's strength plays no part
    if not len(where):
        return
    p = run.p
    growth = np.minimum(cov[:, where], MAX_TARGETING)
    growth *= -p.spoiler_attrition
    growth += 1.0
    not_hiding = 1.0 - _hiding_share(st.stood, run.geo)[:, where]
    np.maximum(not_hiding, 0.0, out=not_hiding)
    not_hiding *= grievance[:, where]
    not_hiding *= run.recruit0
    growth += not_hiding
    k = st.spoiler_k[:, where] * growth
    st.spoiler_k[:, where] = np.clip(k, 0.0, p.spoiler_max_ratio, out=k)


def _settlement(run: _Run, st: _State, forces: _Forces, t: int) -> np.ndarray:
    """The grand compromise: formed and signed at the bargain month, demobilising its signers
    gradually, collapsing with a hazard that rises as the guarantee erodes (Walter 2002; Fortna
    2008). Returns the replications whose deal collapsed this month."""
    settle, th, p = run.inputs.settlement, run.th, run.p
    collapsed = np.zeros(run.R, dtype=bool)
    if settle is None or t < settle.month:
        return collapsed
    if t == settle.month:
        # The guarantee the deal was signed on: the guarantor's planned peak coverage within the
        # commitment (the force committed, before any erosion).
        end = min(run.T, t + max(1, round(settle.commitment_months)))
        st.g_ref = np.max(
            [
                _guarantor_coverage(
                    forces.skill,
                    run.sched[:, :, m],
                    settle.guarantor,
                    run.pop_k,
                    st.need,
                )
                for m in range(t, end)
            ],
            axis=0,
        )
        # Each faction decides on its own uniform; the deal forms when the signatories hold the
        # quorum (one rule with the bargain stage: grudging.model.formation). ``deal_u`` is no
        # longer read, but still drawn, so that no later stream moves.
        p_sign = settle.p_sign if np.ndim(settle.p_sign) == 2 else settle.p_sign[None, :]
        signs = (run.sign_u < p_sign) & ~th.faction_spoiler[None, :]
        capability = np.ones(run.F) if settle.capability is None else np.asarray(settle.capability)
        st.formed = quorum_reached(signs, capability, th.faction_spoiler, settle.quorum)
        st.signed = st.formed[:, None] & signs
        st.holds = st.formed.copy()
        if settle.in_force:
            st.settled = st.signed.astype(float)
        return collapsed
    g_cov = _guarantor_coverage(
        forces.scale * forces.skill,
        forces.troops_t,
        settle.guarantor,
        run.pop_k,
        st.need,
    )
    collapsed = st.holds & (run.collapse_u[:, t] < _collapse_hazard(settle, g_cov, st.g_ref))
    st.holds = st.holds & ~collapsed
    settled = np.where(
        st.holds[:, None] & st.signed,
        np.minimum(1.0, st.settled + 1.0 / p.demobilisation_months),
        st.settled,
    )
    st.settled = np.where(collapsed[:, None], 0.0, settled)
    return collapsed


def _suppression(
    run: _Run, st: _State, forces: _Forces, realigned: np.ndarray, host: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Coverage (effective troops per 1,000 over the required density, counting for less in the
    civil-war regime) and the share of background violence it leaves (:func:`suppression`;
    Quinlivan 1995; Hultman, Kathman & Shannon 2013)."""
    p = run.p
    host_eff = host * run.host_skill
    host_eff += realigned
    np.maximum(host_eff, 0.0, out=host_eff)
    cov = (forces.eff + host_eff) / run.pop_k / st.need
    cov = np.where(st.war, cov / p.war_coverage_penalty, cov)
    return cov, suppression(cov, p.coverage_half, p.suppression_hill)


def _background(
    run: _Run, st: _State, forces: _Forces, demob: np.ndarray, host: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Background rate before suppression: the calibrated ``mu`` moved by grievance at salient
    foreign presence (relative to the information date), by intermingling, by the civil-war
    regime and by demobilisation. Returns it with the grievance ratio, this month's mixedness
    ``m`` and the local exposure ``q m``.

    Only the sectarian share of the background, ``min(1, 2 m0)`` (whole at an even two-group mix,
    none in a region of one community), scales with the exposure relative to the information
    date, to the power ``mixedness_elasticity`` (Kaufmann 1996; Kalyvas & Kocher 2007)."""
    p = run.p
    presence = (forces.salient + p.salience_host * host) / run.pop_k
    grievance = (1.0 + p.grievance_per_presence * presence) / (
        1.0 + p.grievance_per_presence * run.presence0
    )
    mixed = 1.0 - (st.comp * st.comp).sum(axis=0)
    exposure = st.mingled * mixed
    mix_ratio = np.divide(exposure, run.mixed0, out=np.ones_like(mixed), where=run.mixed0 > 0)
    mix_ratio **= p.mixedness_elasticity
    mix_ratio -= 1.0
    mix_ratio *= run.sectarian
    mix_ratio += 1.0  # (1 - sectarian) + sectarian * ratio ** elasticity
    drive = (1.0 - p.presence_driven_share) + p.presence_driven_share * grievance
    background = run.mu * drive * mix_ratio
    background = (
        background * np.where(st.war, p.war_multiplier, 1.0) * (1.0 - p.settlement_effect * demob)
    )
    return background, grievance, mixed, exposure


def _onset_weight(th: Theatre, pop: np.ndarray) -> np.ndarray:
    """Per region, stacked: its share of the national onset hazard (its population share: the
    fitted hazard is a country's) and its armed capability, fighters hostile to foreign forces
    per 1,000 inhabitants (``Theatre.insurgents``; :func:`_onset` reads it against
    ``onset_capability_reference``)."""
    share = pop / max(float(pop.sum()), 1.0)
    density = th.insurgents / np.maximum(pop / PER_THOUSAND, 1e-12)
    return np.stack([share, density])


def _onset_fixed(p: DynamicsParams, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The terms of :func:`_onset`'s hazard that no month changes: the base hazard times the
    region's share, and the armed capability's factor (computed once per call, as each month
    computed them)."""
    share, density = weight
    spoilers = (density / p.onset_capability_reference) ** p.onset_capability_elasticity
    return p.onset_base_hazard * share, spoilers


def _onset(
    run: _Run,
    st: _State,
    cov: np.ndarray,
    supp: np.ndarray,
    demob: np.ndarray,
    grievance: np.ndarray,
    background: np.ndarray,
    t: int,
) -> np.ndarray:
    """Escalation from calm (:func:`grudging.model.onset.onset_hazard`): a monthly hazard that
    large-scale violence starts in a region, fitted on post-war episodes (Fortna 2008), lowered by
    coverage and by the share of fighters stood down (an agreement in place), raised by armed
    capability and by coverage lost since the information date (a vacuum). The fitted
    peacekeeping ratio is a present force's net effect, so the grievance its presence stirs is not
    counted again (``grievance`` is unused here; docs/design-notes/cases-diagnosis.md, 3.2). Only a
    region outside the civil-war regime can start (escalation from calm). Once started, the
    region's background is at least the one that sustains ``onset_rate`` (before suppression),
    and its rate after suppression at least its population share of a war's 1,000 deaths a year
    (:func:`grudging.model.onset.war_minimum_rate`: a resumed war is a war); it never stops by
    itself. One uniform per replication, month and region is read whatever happens (common
    numbers)."""
    del grievance  # the force's presence is inside the fitted peacekeeping ratio
    p = run.p  # (R, 1) columns, so the terms of onset_hazard are written out here
    base, spoilers = run.onset_fixed
    stood = np.clip(demob, 0.0, 1.0)
    lost = np.divide(
        np.maximum(run.cov0 - cov, 0.0),
        run.cov0,
        out=np.zeros_like(cov),
        where=run.cov0 > 0,
    )
    hazard = (
        base
        * p.onset_agreement_ratio**stood
        * (p.onset_victory_ratio if run.th.decisive_victory else 1.0)
        * p.onset_peacekeeping_ratio ** np.minimum(np.maximum(cov, 0.0), 1.0)
        * spoilers
        * (1.0 + p.onset_vacuum_effect * lost)
    )
    st.onset |= ~st.war & (run.onset_u[:, t, :] < onset_probability(hazard))
    # The background that sustains onset_rate before suppression, or the war minimum after it.
    war = war_minimum_rate(float(run.pop.sum())) / np.maximum(supp, MIN_SUPPRESSION)
    floor = np.maximum(p.onset_rate, war) * (1.0 - p.self_excitation)
    return np.where(st.onset, np.maximum(background, floor), background)


def _rate(
    run: _Run, st: _State, supp: np.ndarray, background: np.ndarray, collapsed: np.ndarray
) -> np.ndarray:
    """This month's expected rate: suppressed background plus the Hawkes echo of last month's
    rate and the neighbours' (Lewis et al. 2012), times rare shocks, likelier where spoilers have
    havens; a collapsing deal is a shock too."""
    p, th = run.p, run.th
    shock_p = p.shock_rate * th.spoiler_home * (0.5 + st.haven)[:, None] * st.spoiler_k
    shock = (run.shock_g.random((run.R, run.N)) < shock_p) | collapsed[:, None]
    echo = st.y @ th.neighbours.T
    echo *= p.spillover
    echo += p.self_excitation * st.y
    rate = supp * background
    rate += echo
    if shock.any():
        rate *= np.where(shock, p.shock_size, 1.0)
    return rate


def _attacks(
    run: _Run,
    st: _State,
    forces: _Forces,
    grievance: np.ndarray,
    demob: np.ndarray,
    supp: np.ndarray,
    poisson: np.random.Generator,
    host: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Insurgent attacks per region, shared among targets by salient presence, and the troop
    deaths they cause per unit (Poisson with the unit's lethality).

    Grievance recruits insurgents, but no more than the people living in the region. Attacks need
    targets: at most ``max_attacks_per_troop`` a month per salient troop (the most recorded in a
    region of the calibration window), so a thin force is not struck by the whole region's tempo
    and a region with no force has no attacks on forces (docs/design-notes/attack-ceiling.md). A
    unit loses at most the (whole) troops it has in theatre that month.
    """
    p, th = run.p, run.th
    insurgents = np.minimum(th.insurgents * grievance * np.maximum(1.0 - demob, 0.0), st.there)
    targets = forces.salient + p.salience_host * host
    attacks = np.minimum(
        p.attacks_per_fighter * insurgents * supp, p.max_attacks_per_troop * targets
    )
    # A unit's share of a region's attacks is its salient troops over the targets there.
    per_salient = np.divide(attacks, targets, out=np.zeros_like(attacks), where=targets > 0)
    unit_attacks = (forces.scale * forces.sal) * (per_salient @ forces.troops_t.T)
    expected = unit_attacks * run.leth
    unit_deaths = np.minimum(
        poisson_counts(poisson.random(expected.shape), expected), np.floor(forces.unit_troops)
    )
    return attacks, unit_deaths


def _civilian_deaths(
    run: _Run, st: _State, rate: np.ndarray, poisson: np.random.Generator
) -> np.ndarray:
    """Over-dispersed civilian deaths, and the rate they make (the next month's echo).

    Variance = mean x (1 + dispersion), as when deaths come in clusters (one bombing, many dead;
    the NB1 law of Cameron & Trivedi): a log-normal multiplier with mean 1 and variance
    dispersion / mean, driven by common normal draws, then Poisson counts.

    No more die than live there: the count is capped at their whole number, and the survivors are
    the people there next month. The Poisson mean is capped at the region's population, which
    keeps it within the sampler's range; capping the count rather than the mean leaves the
    stream's consumption, hence the other replications' draws, as they were.
    """
    p = run.p
    mean_deaths = rate * run.pop / PER_100K
    sigma2 = np.maximum(mean_deaths, 1e-9)
    np.divide(p.dispersion, sigma2, out=sigma2)
    np.log1p(sigma2, out=sigma2)
    z = run.noise_g.standard_normal((run.R, run.N))
    lam = np.sqrt(sigma2)  # then the multiplier exp(sqrt(sigma2) z - sigma2 / 2), then the mean
    lam *= z
    sigma2 *= 0.5
    lam -= sigma2
    np.exp(lam, out=lam)
    lam *= mean_deaths
    np.minimum(lam, run.pop, out=lam)
    there = st.there
    deaths = np.minimum(poisson_counts(poisson.random(lam.shape), lam), np.floor(there))
    if deaths.max(initial=0.0) >= F32_EXACT:
        deaths = _float32_floor(deaths)
    st.there = there - deaths
    st.y = deaths / run.pop * PER_100K
    return deaths


def _tipping(run: _Run, st: _State) -> None:
    """Civil-war regime with hysteresis: entered after two months above ``war_threshold``, left
    after three below ``war_threshold * war_exit_ratio``."""
    p = run.p
    st.above = np.where(st.y > p.war_threshold, st.above + 1, 0)
    st.below = np.where(st.y < p.war_threshold * p.war_exit_ratio, st.below + 1, 0)
    st.war = (st.war | (st.above >= 2)) & ~(st.below >= 3)


def _displacement(
    run: _Run, st: _State, deaths: np.ndarray, mixed: np.ndarray, exposure: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """People displaced where communities live intermingled (deaths x the local exposure), drawn
    mostly from local minorities (weights ``s (1 - s)**2``, so the mixedness ``m`` falls), and
    those of them who flee abroad (more where the region borders a foreign nation). Returns both
    per region.

    Each person displaced ends the intermingling of ``1 / m`` residents, themselves and those
    they lived among: between the leaver alone (every neighbourhood thinned alike) and a whole
    neighbourhood emptied of a minority of share ``s`` (``1 / s``; for two groups ``m = 2 s (1 -
    s)``). So the share still intermingled falls (Kaufmann 1996; Schelling 1971). No more are
    displaced than the survivors living there, who then number that many fewer.
    """
    p, th = run.p, run.th
    displaced = np.minimum(p.displaced_per_death * deaths * exposure, st.there)
    mingled = st.mingled * st.there
    mingled -= np.divide(displaced, mixed, out=np.zeros_like(mixed), where=mixed > 0)
    st.there = st.there - displaced
    np.maximum(mingled, 0.0, out=mingled)
    # at most its share before: 1 / m >= 1 of the intermingled leave it per person displaced
    st.mingled = np.divide(mingled, st.there, out=np.zeros_like(mingled), where=st.there > 0)
    comp = st.comp  # updated in place (the state owns it); the same operations as out of place
    minority = np.subtract(1.0, comp)
    np.square(minority, out=minority)
    minority *= comp  # minorities flee first: s (1 - s)**2
    share = np.minimum(displaced / run.pop, 0.5) / np.maximum(minority.sum(axis=0), 1e-12)
    minority *= share
    np.subtract(comp, minority, out=comp)
    np.maximum(comp, 0.0, out=comp)
    comp /= np.maximum(comp.sum(axis=0), 1e-12)
    abroad = displaced * np.where(th.abroad_border, run.refugee_share, 0.5 * run.refugee_share)
    return displaced, abroad


def _escalation(run: _Run, st: _State, out: _Outputs, abroad: np.ndarray, t: int) -> None:
    """Regional escalation: a kin state intervenes, with a monthly hazard that grows with the
    killing of its kin above ``escalation_threshold`` or once refugees exceed a share of the kin
    states' population."""
    th, p = run.th, run.p
    if not th.kin_weights.size:
        return
    kin_rate = (st.y * run.pop) @ th.kin_weights.T / np.maximum(th.kin_weights @ run.pop, 1.0)
    pressure = np.maximum(kin_rate / p.escalation_threshold - 1.0, 0.0).sum(axis=1)
    refugees_so_far = out.refugees[:t].sum(axis=0) + abroad.sum(axis=1)
    flood = refugees_so_far / (th.kin_population.sum() * 1e6) > _first(p.escalation_refugee_share)
    hazard = 1.0 - np.exp(-_first(p.escalation_rate) * (pressure + flood))
    st.escalated |= run.escalate_u[:, t] < hazard


def _safe_haven(run: _Run, st: _State, cov: np.ndarray) -> None:
    """Safe-haven index: the spoilers' home population, weighted by how far coverage falls below
    ``safe_haven_coverage``."""
    th, pop = run.th, run.pop
    thin = np.clip(1.0 - cov / run.p.safe_haven_coverage, 0.0, 1.0)
    st.haven = (thin * th.spoiler_home * pop).sum(axis=1) / max(
        float((th.spoiler_home * pop).sum()), 1.0
    )


def _costs(run: _Run, st: _State, forces: _Forces, out: _Outputs, t: int) -> None:
    """This month's costs: each unit's own cost split between the patron (its own forces, the
    offers it pays, its UN assessment after a handover to the UN) and the others; aid from its
    month on; payments to realigned fighters (the patron pays)."""
    p = run.p
    if run.pay[:, t].any():
        per_pair = run.pay[run.geo.pair_f, t] * run.geo.fighters  # US$ a fully realigned pair
        out.cost_patron += per_pair @ st.stood / 1e6
    month_cost = forces.unit_troops / PER_THOUSAND / 12.0
    patron_share_own = np.where(
        run.is_patron[None, :], 1.0, (forces.handed_now & run.assessed) * p.un_assessment_patron
    )
    own = month_cost * run.own_cost
    out.cost_patron += (own * patron_share_own + month_cost * run.paid_by_patron[None, :]).sum(
        axis=1
    )
    out.cost_others += (own * (1.0 - patron_share_own)).sum(axis=1)
    if t >= run.inputs.aid_from_month:
        out.cost_patron += run.inputs.aid_musd_per_year / 12.0


def _erosion(run: _Run, st: _State, forces: _Forces, unit_deaths: np.ndarray) -> None:
    """Contingent erosion: support falls with casualties per 1,000 troops and drifts with
    opinion, both scaled by its command's ``erosion`` (commands.yaml); a unit leaves below
    ``leave_threshold``, and followers leave with their lead nation (Spain 2004 and its Plus Ultra
    partners). A unit that replays the record (``after_collapse``) starts the walk, at full
    support, in the month its run's settlement has collapsed."""
    if not (run.erodes.any() or run.after_collapse.any()):
        return
    p = run.p
    drift = run.drift_g.normal(0.0, p.support_drift, size=(run.R, run.U))
    rate_k = unit_deaths / np.maximum(forces.unit_troops, 1.0) * PER_THOUSAND
    scale = run.erosion_scale  # 1 keeps the arithmetic of the unscaled walk bit for bit
    rate_k *= p.support_casualty_sensitivity
    rate_k *= scale
    support = st.support - rate_k
    drift *= scale
    support += drift
    active = np.broadcast_to(run.erodes[None, :], st.present.shape)
    if run.after_collapse.any():
        broken = st.formed & ~st.holds  # (R,) the settlement has collapsed
        active = active | (run.after_collapse[None, :] & broken[:, None])
        support = np.where(active, support, st.support)
    st.support = support
    st.present &= ~(active & (st.support < p.leave_threshold) & (forces.unit_troops > 0))
    if run.followers.any():
        lead_gone = ~st.present[:, np.where(run.followers, run.lead, 0)]
        st.present &= ~(run.followers[None, :] & lead_gone)


def _handover(run: _Run, st: _State, deaths: np.ndarray, t: int) -> None:
    """Handover once violence has settled: from ``earliest_month``, after ``sustained_months``
    in a row below the threshold: ``below_rate``, or ``below_share_of_start`` of the
    information-date national rate if that is higher; nationally, or with ``per_region_share``
    in regions holding that share of the population."""
    ho = run.inputs.handover
    if ho is None or not run.handover_mask.any():
        return
    threshold = ho.below_rate
    if ho.below_share_of_start is not None:
        threshold = max(threshold, ho.below_share_of_start * run.national0)
    if ho.per_region_share is not None:
        below = deaths / run.pop * PER_100K < threshold
        calm_now = below @ run.pop / run.pop.sum() >= ho.per_region_share
    else:
        calm_now = deaths.sum(axis=1) / run.pop.sum() * PER_100K < threshold
    st.calm = np.where(calm_now, st.calm + 1, 0)
    st.handed = np.where(
        (st.handed < 0) & (t >= ho.earliest_month) & (st.calm >= ho.sustained_months),
        t,
        st.handed,
    )


def initial_conditions(
    th: Theatre, troops0: np.ndarray, skill: np.ndarray, salience: np.ndarray, p: DynamicsParams
) -> tuple[np.ndarray, np.ndarray]:
    """Background rate per region, and salient presence, at the information date.

    With suppression ``s`` and observed rate ``y``, ``y = s mu + a y + b A y`` gives
    ``mu = (y - a y - b A y) / s``, floored at ``background_floor``: the model starts where the
    data end. ``troops0`` are the troops of month 0, which every option holds at the forces'
    information-date levels, so the background is estimated **net of the suppression by the forces
    present at the start**: the observed violence is read as already suppressed by them, and a
    force that then leaves raises the background by ``1 / s`` (docs/cases.md, "Forces present at
    the start"; tested in tests/unit/cases/test_case_properties.py).
    """
    pop_k = th.population / PER_THOUSAND
    eff = skill @ troops0 + th.host_troops * p.host_pk_skill
    cov = eff / pop_k / np.maximum(th.required_density, 1e-9)
    s = suppression(cov, p.coverage_half, p.suppression_hill)
    y = _initial_rate(th)
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
        self.realigned = np.zeros((T, R))
        self.spoiler = np.zeros((T, R))

    def record_factions(
        self,
        t: int,
        stood: np.ndarray,
        spoiler_k: np.ndarray,
        geo: _FactionGeometry,
        pop: np.ndarray,
    ) -> None:
        """The month's realigned share of non-spoiler fighters and the spoiler's strength
        (weighted by where its fighters are, else by population)."""
        total = geo.fighters.sum()
        self.realigned[t] = geo.fighters @ stood / total if total > 0 else 0.0
        weights = geo.spoiler_share if geo.spoiler_share.sum() > 0 else pop
        self.spoiler[t] = spoiler_k @ weights / weights.sum()

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
        settlement: SettlementPlan | None,
    ) -> Trajectories:
        R = formed.shape[0]
        p_deal = np.zeros(R)
        p_deal_holds = np.zeros(R)
        if settlement is not None:
            p_deal = np.broadcast_to(np.asarray(settlement.p_forms, dtype=float), (R,)).copy()
            p_deal_holds = p_deal * np.broadcast_to(
                np.nan_to_num(np.asarray(settlement.p_holds, dtype=float)), (R,)
            )
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
            p_deal=p_deal,
            p_deal_holds=p_deal_holds,
            handed_over=handed,
            attacks=np.ascontiguousarray(self.attacks.T),
            unit_names=tuple(u.name for u in units),
            unit_nations=tuple(u.nation for u in units),
            realigned=np.ascontiguousarray(self.realigned.T),
            spoiler_strength=np.ascontiguousarray(self.spoiler.T),
        )


def _initial_rate(th: Theatre) -> np.ndarray:
    """The information-date rate, at most ``PER_100K`` (every inhabitant dead in a month): more
    deaths observed than people, as with a region's population set below its recorded deaths,
    would otherwise spill into the neighbours as impossible violence."""
    return np.minimum(th.initial_rate, PER_100K)


def _float32_floor(counts: np.ndarray) -> np.ndarray:
    """Counts rounded down to values float32 holds exactly (the precision of the stored deaths),
    so that storing them never rounds a bound up."""
    stored = counts.astype(np.float32)
    down = np.where(stored > counts, np.nextafter(stored, np.float32(0.0)), stored)
    return down.astype(float)


def _guarantor_coverage(
    weights: np.ndarray,
    troops_t: np.ndarray,
    guarantor: np.ndarray,
    pop_k: np.ndarray,
    required: np.ndarray,
) -> np.ndarray:
    """National coverage provided by the guarantor's units alone (per replication), against the
    required density ``(N,)`` or this month's ``(R, N)``."""
    g_eff = (weights * guarantor[None, :]) @ troops_t.sum(axis=1)
    need = (required * pop_k).sum(axis=-1)
    return g_eff / np.maximum(need, 1e-9)


def _collapse_hazard(settle: SettlementPlan, g_cov: np.ndarray, g_ref: np.ndarray) -> np.ndarray:
    """Monthly hazard that a deal collapses, rising as the guarantee it was signed on erodes.

    ``p_holds`` over ``commitment_months`` gives the base hazard while the guarantor keeps the
    coverage it had at signing; the hazard doubles as that coverage falls to nothing (a
    guarantor that leaves is no guarantee: Walter 2002, ch. 4).
    """
    held = np.nan_to_num(np.asarray(settle.p_holds, dtype=float))  # no deal in a draw: 0
    base = -np.log(np.clip(held, 1e-6, 1.0)) / max(settle.commitment_months, 1.0)
    kept = np.divide(g_cov, g_ref, out=np.ones_like(g_cov), where=g_ref > 0)
    kept = np.clip(kept, 0.0, 1.0)
    if settle.p_holds_unguarded is not None:
        # An agreement in place: the guarantee counts in proportion to the guarantor's presence,
        # and no guarantor at all is the floor (Walter 2002, ch. 4; Fortna 2008).
        bare = np.clip(np.asarray(settle.p_holds_unguarded, dtype=float), 1e-6, 1.0)
        bare_hazard = -np.log(bare) / max(settle.commitment_months, 1.0)
        return 1.0 - np.exp(-(bare_hazard + kept * (base - bare_hazard)))
    hazard = base * (2.0 - kept)
    return 1.0 - np.exp(-hazard)

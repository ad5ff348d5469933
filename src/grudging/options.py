"""Courses of action: how an option becomes force timelines and decisions fed to the chain.

:func:`plan_option` runs the deterministic stages for one option — requirement, force-generation
conference (willingness, offers, ROE and caveats, sectors) when the option generates a coalition,
and the bargain under the option's guarantor when it attempts one — and assembles the
:class:`~grudging.model.dynamics.DynamicsInputs`: every force as a schedule of troops by region and
month, the settlement, the handover rule and the local deals.

Forces without a sector assignment (the patron's, the contingents present at the information
date) are spread over regions in proportion to the requirement, i.e. where security is needed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Hashable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from grudging.errors import ScenarioError, unknown_name
from grudging.kernel import run_values
from grudging.model.bargain import (
    BargainParams,
    Guarantor,
    bargain,
    bargain_draws,
    default_guarantor,
)
from grudging.model.bargain.results import BargainResult, GuarantorOutcome
from grudging.model.conference import ConferenceResult, run_conference
from grudging.model.dynamics import (
    DynamicsInputs,
    DynamicsParams,
    ForceUnit,
    HandoverPlan,
    SettlementPlan,
    Theatre,
    unit_skill,
)
from grudging.model.forces import shares, timeline
from grudging.model.parameters import stage_parameters
from grudging.model.requirement import Requirement, requirement, requirement_params
from grudging.model.theatre import allocate, build_theatre
from grudging.rng import MASTER_SEED, stream
from grudging.scenario.commands import (
    NO_GUARANTOR,
    command_of,
    commands_of,
    handover_traits,
    unit_traits,
)
from grudging.scenario.schema import CourseOfAction, Scenario

#: Monte Carlo draws of the bargain stage inside the chain.
BARGAIN_DRAWS = 400


@dataclass(frozen=True)
class Guarantee:
    """How an option's guarantor is fielded, so that it can be re-derived at other bargaining
    parameters (one bargain per replication's draw of them).

    A guarantor backed by forces under its command (``fielded``) has the strength those forces
    give it, the kind's impartiality less the share of its troops from nations that back a side,
    and the coalition plan's years when the coalition is under its command; otherwise the
    command's registry figures stand in (:func:`~grudging.model.bargain.params.guarantor_figures`).
    """

    kind: str
    fielded: bool = False
    strength_ratio: float = 0.0
    partisan_share: float = 0.0
    years: float | None = None

    def params(self, b: BargainParams) -> BargainParams:
        """Bargaining parameters whose ``<kind>`` defaults describe this guarantor.

        Fields may be arrays (one value per draw); the result then is too.
        """
        if self.kind == NO_GUARANTOR or not self.fielded:
            return b
        return replace(
            b,
            fielded_kind=self.kind,
            fielded_strength=self.strength_ratio,
            fielded_impartiality_factor=1.0 - self.partisan_share,
            fielded_years=-1.0 if self.years is None else self.years,
        )

    def at(self, b: BargainParams, scn: Scenario) -> Guarantor:
        """The guarantor at scalar bargaining parameters (figures from ``scn``'s registry)."""
        return default_guarantor(self.kind, self.params(b), commands_of(scn))


@dataclass(frozen=True)
class OptionPlan:
    """Everything the deterministic stages decided for one option, and the dynamics' inputs."""

    option: CourseOfAction
    requirement: Requirement
    theatre: Theatre
    conference: ConferenceResult | None
    guarantor: Guarantor | None
    bargain: BargainResult | None
    inputs: DynamicsInputs
    guarantee: Guarantee | None = None

    @property
    def settlement(self) -> GuarantorOutcome | None:
        """The bargain's outcome under this option's guarantor."""
        return self.bargain.outcomes[0] if self.bargain is not None else None

    def summary(self) -> dict[str, Any]:
        """Plain-data summary for reports and JSON."""
        out: dict[str, Any] = {
            "option": self.option.id,
            "name": self.option.name,
            "requirement_total": self.requirement.total,
            "requirement_low": self.requirement.total_low,
            "requirement_high": self.requirement.total_high,
            "proposal_force": self.requirement.proposal_force,
        }
        if self.conference is not None:
            c = self.conference.coalition
            out["coalition"] = {
                "command": c.command,
                "troops": c.total_troops,
                "effective_strength": c.total_effective,
                "nations": len(c.contingents),
                "cost_musd_per_year": c.cost_musd_per_year,
                "total_cost_musd": c.total_cost_musd,
                "coverage": c.coverage,
            }
        if self.settlement is not None and self.guarantor is not None:
            s = self.settlement
            spoilers = set(self.bargain.spoilers) if self.bargain is not None else set()
            out["bargain"] = {
                "guarantor": self.guarantor.kind,
                "strength_ratio": self.guarantor.strength_ratio,
                "impartiality": self.guarantor.impartiality,
                "commitment_years": self.guarantor.commitment_years,
                "p_deal": s.p_deal,
                "p_holds_given_deal": s.p_holds_given_deal,
                # Non-spoilers that sign in fewer than half the draws; spoilers never sign.
                "holdouts": sorted(f for f, p in s.p_sign.items() if p < 0.5 and f not in spoilers),
                "spoilers": sorted(spoilers),
                "p_full_deal": s.p_full_deal,
                "partial_deals": [
                    {"signatories": list(members), "p": p} for members, p in s.partial_deals
                ],
            }
        return out


def _warn_unproven(option: str, conference: ConferenceResult) -> None:
    """Say where the sector assignment stopped at the solver's node limit (a count of work, the
    same on every machine): its postings are a feasible plan, not a proven best one (a theatre
    author's audit saw 500 regions end there with a gap of thousands of per cent)."""
    sec = conference.sectors
    if sec.status == "node_limit":
        gap = "no bound" if sec.mip_gap is None else f"a gap of {100 * sec.mip_gap:.0f} %"
        logging.getLogger("grudging.model").warning(
            "option '%s': the sector assignment stopped at the solver's node limit (%s; the "
            "weakest region covered %.1f %%): its postings are a feasible plan, not a proven best "
            "(grudging coalition shows them; fewer regions solve to the end)",
            option,
            gap,
            100 * sec.min_coverage,
        )


def resolve_option(scn: Scenario, option: str | CourseOfAction) -> CourseOfAction:
    """The option itself, or the scenario's option of that id (a did-you-mean otherwise)."""
    if isinstance(option, CourseOfAction):
        return option
    ids = [o.id for o in scn.options]
    if option not in ids:
        raise ScenarioError(unknown_name("option", option, ids))
    return scn.option(option)


def option_conference(
    scn: Scenario,
    option: str | CourseOfAction,
    values: Mapping[str, float] | None = None,
    seed: int = MASTER_SEED,
) -> ConferenceResult | None:
    """The force-generation conference of an option that raises a coalition, else ``None``.

    It reads no ``dynamics.*`` parameter, so a sweep over the dynamics can hold one conference
    per option and pass it to :func:`plan_option`.
    """
    opt = resolve_option(scn, option)
    if opt.coalition is None:
        return None
    vals = run_values(scn, values)
    return run_conference(scn, opt.coalition, vals, rng=stream(seed, "requirement"), cost_curve=())


def plan_option(
    scn: Scenario,
    option: str | CourseOfAction,
    values: Mapping[str, float] | None = None,
    seed: int = MASTER_SEED,
    conference: ConferenceResult | None = None,
) -> OptionPlan:
    """Run the deterministic stages of one option and assemble its dynamics inputs.

    ``values`` are parameter values by name (default: the scenario's nominal values); ``seed``
    names the streams of the requirement interval and the bargain's Monte Carlo. ``conference``
    is the option's :func:`option_conference` for the same values and seed when the caller already
    has it (it is computed otherwise).
    """
    opt = resolve_option(scn, option)
    vals = run_values(scn, values)
    req_p = requirement_params(vals)
    dyn = stage_parameters(DynamicsParams, vals, "dynamics")
    if opt.coalition is not None:
        if conference is None:
            conference = option_conference(scn, opt, vals, seed)
        assert conference is not None
        _warn_unproven(opt.id, conference)
        req = conference.requirement
    else:
        conference = None
        req = requirement(scn, req_p, rng=stream(seed, "requirement"))
    theatre = build_theatre(scn, req, req_p, opt.host_forces)
    T = scn.horizon_months
    weights = {r.region: r.gross_troops for r in req.regions}

    units: list[ForceUnit] = []
    others = shares(opt.other_forces, T)
    for force in scn.forces:
        if force.id in opt.forces:
            national = timeline(opt.forces[force.id], T)
        else:
            national = force.current_troops * others
        patron = force.nation is not None and force.nation == scn.patron
        nation = scn.nation(force.nation) if force.nation and scn.nations else None
        units.append(
            ForceUnit(
                name=force.id,
                nation=force.nation,
                kind="patron" if patron else "contingent",
                **unit_traits(command_of(scn, force.command)),
                troops=allocate(national, weights, scn),
                pk_skill=1.0,
                co_religionist=bool(nation and nation.muslim_majority and scn.muslim_majority),
            )
        )

    lump_sum = 0.0
    if conference is not None:
        new_units, lump_sum = _coalition_units(scn, opt, conference, weights, T)
        units.extend(new_units)

    guarantor = outcome = result = guarantee = None
    settlement = None
    if opt.bargain is not None and scn.factions:
        b_params = stage_parameters(BargainParams, vals, "bargain")
        guarantee = _guarantee(scn, opt, conference, units, req, b_params, dyn)
        guarantor = guarantee.at(b_params, scn)
        result = bargain(
            scn,
            guarantor,
            opt.bargain.aid_musd_per_year,
            b_params,
            stream(seed, "bargain"),
            n=BARGAIN_DRAWS,
            n_terms=0,
        )
        outcome = result.outcomes[0]
        settlement = _settlement(scn, opt, outcome, guarantor, units, b_params.partial_quorum)

    handover = None
    if opt.handover is not None:
        h = opt.handover
        handover = HandoverPlan(
            **handover_traits(command_of(scn, h.to)),
            earliest_month=h.earliest_month,
            below_rate=h.below_deaths_per_100k,
            sustained_months=h.sustained_months,
            force_retained=h.force_retained,
            below_share_of_start=h.below_share_of_start,
            per_region_share=h.per_region_share,
        )
    index = {f.id: i for i, f in enumerate(scn.factions)}
    deals = tuple((index[d.faction], d.month, d.strength) for d in opt.local_deals)
    payments = realignment_payments(scn, opt, T)
    inputs = DynamicsInputs(
        theatre=theatre,
        units=tuple(units),
        months=T,
        settlement=settlement,
        handover=handover,
        deals=deals,
        aid_musd_per_year=opt.bargain.aid_musd_per_year if opt.bargain else 0.0,
        aid_from_month=opt.bargain.month if opt.bargain else 0,
        erosion=not opt.historical,
        patron_lump_sum_musd=lump_sum,
        payments=payments,
    )
    return OptionPlan(opt, req, theatre, conference, guarantor, result, inputs, guarantee)


def realignment_payments(scn: Scenario, opt: CourseOfAction, months: int) -> np.ndarray | None:
    """Payments to realigned fighters by faction and month ``(F, T)``, US$ per fighter a month
    (each payment holds from its month until the next one naming the faction); ``None``: none."""
    if not opt.payments:
        return None
    ids = [f.id for f in scn.factions]
    pay = np.zeros((len(ids), months))
    for point in sorted(opt.payments, key=lambda p: p.month):
        named = point.factions or tuple(f.id for f in scn.factions if not f.spoiler)
        for faction in named:
            pay[ids.index(faction), point.month :] = point.usd_per_fighter_month
    return pay


def plan_reads_dynamics(scn: Scenario, option: CourseOfAction) -> tuple[str, ...]:
    """The dynamics parameters :func:`plan_option` reads for ``option``.

    Only a bargain with a guarantor reads any: the guarantor's strength weighs the troops under
    its command by their peacekeeping skill (:func:`_guarantor`), that is the skill of each member's
    command, or the patron's skill for the patron's own forces. A sweep that varies only other
    dynamics parameters can plan the option once and run all its design points in one vectorised
    call of the dynamics.
    """
    if option.bargain is None or not scn.factions or option.bargain.guarantor == NO_GUARANTOR:
        return ()
    guarantor = command_of(scn, option.bargain.guarantor)
    reads: set[float | str] = set()
    for force in scn.forces:
        patron = force.nation is not None and force.nation == scn.patron
        if force.command == guarantor.id or (guarantor.includes_patron and patron):
            reads.add(
                "dynamics.patron_pk_skill" if patron else command_of(scn, force.command).skill
            )
    if option.coalition is not None and option.coalition.command == guarantor.id:
        reads.add(guarantor.skill)
    return tuple(sorted(name for name in reads if isinstance(name, str)))


def _coalition_units(
    scn: Scenario,
    opt: CourseOfAction,
    conference: ConferenceResult,
    weights: Mapping[str, float],
    months: int,
) -> tuple[list[ForceUnit], float]:
    """A unit per contingent: its postings by region, ramped up from the plan's arrival month."""
    plan = conference.plan
    sectors = conference.sectors
    regions = [r.id for r in scn.regions]
    at = {r: i for i, r in enumerate(regions)}
    contingents = conference.coalition.contingents
    position = {c.nation: i for i, c in enumerate(contingents)}
    units = []
    lump_sum = 0.0
    for c in contingents:
        posted = np.zeros(len(regions))
        for posting in sectors.postings:
            if posting.nation == c.nation:
                posted[at[posting.region]] += posting.troops
        reserve = c.troops - posted.sum()
        if reserve > 0:
            posted += allocate(np.array([reserve]), weights, scn)[:, 0]
        start = plan.arrival_month
        full = max(c.arrival_month, start)
        ramp = np.clip((np.arange(months) - start + 1) / (full - start + 1), 0.0, 1.0)
        lead = -1
        if not c.lead:
            leads = [
                n
                for n in (sectors.lead_of(r) for r in sectors.regions_of(c.nation))
                if n is not None and n != c.nation and n in position
            ]
            if leads:
                # the lead it serves under most often; a tie goes to the first in nation order
                lead = position[max(sorted(set(leads)), key=leads.count)]
        per_year = c.cost_musd_per_year
        lump_sum += max(c.cost_musd - per_year, 0.0)
        nation = scn.nation(c.nation)
        units.append(
            ForceUnit(
                name=f"{c.nation.lower()}_{plan.command}",
                nation=c.nation,
                kind="coalition",
                **unit_traits(command_of(scn, plan.command)),
                troops=posted[:, None] * ramp[None, :],
                pk_skill=c.effective_strength / c.troops if c.troops else 0.0,
                co_religionist=nation.muslim_majority and scn.muslim_majority,
                lead=lead,
                patron_pays_per_troop=1000.0 * per_year / c.troops if c.troops else 0.0,
                handover_eligible=opt.handover is not None,
            )
        )
    # Leads are positions among all units: shift by the units already present.
    offset = len(scn.forces)
    return [replace(u, lead=u.lead + offset if u.lead >= 0 else -1) for u in units], lump_sum


def _guarantor_members(scn: Scenario, units: list[ForceUnit], kind: str) -> np.ndarray:
    """Which units make up a guarantor: every force under its command.

    A unit serves a guarantor when it is commanded as the guarantor is (a NATO guarantee is
    every force under NATO command, whoever sent it: the patron's troops too when they serve
    under NATO); a patron-led command's guarantee (``includes_patron``) also counts the patron's
    own forces.
    """
    if kind == NO_GUARANTOR:
        return np.zeros(len(units), dtype=bool)
    guarantor = command_of(scn, kind)
    return np.array(
        [u.command == kind or (guarantor.includes_patron and u.kind == "patron") for u in units],
        dtype=bool,
    )


def _guarantee(
    scn: Scenario,
    opt: CourseOfAction,
    conference: ConferenceResult | None,
    units: list[ForceUnit],
    req: Requirement,
    b_params: BargainParams,
    dyn: DynamicsParams,
) -> Guarantee:
    """The guarantee behind an option's bargain, from the forces the option actually fields.

    Strength: the planned peak, within the commitment from the bargain month, of the effective
    strength of the forces under the guarantor's command (:func:`_guarantor_members`;
    peacekeeping skill as in the dynamics), over the requirement — a guarantee is the force
    committed, not only the troops landed at signing. Impartiality: the guarantor kind's
    parameter, reduced by the share of its troops that come from nations backing a side (a force
    that is party to the conflict is not impartial). Commitment: the coalition plan's years when
    the coalition is under the guarantor's command, else the kind's parameter. With no such force
    in the theatre at the bargain month, the kind's default guarantor stands in.
    """
    assert opt.bargain is not None
    kind = opt.bargain.guarantor
    fallback = Guarantee(kind)
    if kind == "none":
        return fallback
    month = min(opt.bargain.month, scn.horizon_months - 1)
    chosen = _guarantor_members(scn, units, kind)
    members = [u for u, m in zip(units, chosen, strict=True) if m]
    if not members:
        return fallback
    skill = np.array([[float(unit_skill(u, dyn)) for u in members]])
    years = (
        conference.plan.commitment_years
        if conference is not None and conference.plan.command == kind
        else None
    )
    span = years if years is not None else fallback.at(b_params, scn).commitment_years
    # The guarantee is the force committed, not the troops already landed at signing: its
    # strength is the planned peak within the commitment (Dayton was signed before IFOR arrived).
    end = min(scn.horizon_months, month + max(1, round(12 * span)))
    by_month = np.array([u.troops[:, month:end].sum(axis=0) for u in members])  # (members, months)
    effective = (skill[0][:, None] * by_month).sum(axis=0)
    if effective.max() <= 0:
        return fallback
    peak = int(np.argmax(effective))
    troops = by_month[:, peak]
    partisan = np.array(
        [bool(u.nation and scn.nations and scn.nation(u.nation).kin_groups) for u in members]
    )
    return Guarantee(
        kind,
        fielded=True,
        strength_ratio=float(effective[peak] / max(req.total, 1.0)),
        partisan_share=float(troops[partisan].sum() / troops.sum()),
        years=years,
    )


#: Declared parameters no run reads: the bargain's default aid is read only where no aid is given
#: (the ``bargain`` command, the dashboard's bargain tab); every option's bargain names its own
#: (``settlement_at``). A run still draws them (its draws stay as they were), but no analysis of
#: runs may read a condition into them.
UNREAD_BY_RUNS = frozenset({"bargain.aid_musd_per_year"})


def settlement_at(
    scn: Scenario,
    plan: OptionPlan,
    values: Mapping[str, Any],
    seed: int,
    plan_reads: Sequence[str] = (),
    memo: MutableMapping[Hashable, Any] | None = None,
) -> SettlementPlan | None:
    """The option's settlement with one bargain per replication's draw of the bargaining
    parameters (arrays in ``values``), on the plan's coding draws (the stream ``(seed,
    "bargain")``): at the nominal values it gives the plan's own probabilities.

    ``memo`` keeps the bargains (:func:`bargain_draws_key`): options that field the same
    guarantee on the same draws (a coalition and the same coalition with a later handover) and a
    caller that runs the same draws again (the dashboard, after a dynamics change) share them;
    the bargain is the same object, so the numbers are the same.

    The guarantee (strength, partisan share, years) stays as planned unless ``plan_reads`` names
    dynamics parameters the plan reads (:func:`plan_reads_dynamics`) that ``values`` gives per
    replication: then the guarantee is derived again at each replication's values, as
    :func:`plan_option` derives it (a sweep's design points share one plan that way; see
    :func:`_guaranteed_by_row`). The deal's month and the guarantor's commitment in the dynamics
    stay as planned. ``None`` when the option bargains for nothing.
    """
    settle = plan.inputs.settlement
    if settle is None or plan.guarantee is None or plan.option.bargain is None:
        return settle
    rows: np.ndarray | None = None
    reads = [n for n in plan_reads_dynamics(scn, plan.option) if n in set(plan_reads)]
    if any(isinstance(values.get(name), np.ndarray) for name in reads):
        b_params, guaranteed, rows = _guaranteed_by_row(scn, plan, values, reads)
    else:
        b_params = stage_parameters(BargainParams, values, "bargain")
        guaranteed = plan.guarantee.params(b_params)
    kind, aid = plan.guarantee.kind, plan.option.bargain.aid_musd_per_year
    key = (
        None
        if memo is None or rows is not None
        else bargain_draws_key(scn, kind, aid, guaranteed, seed)
    )
    kept = None if key is None or memo is None else memo.get(key)
    if kept is None:
        draws = bargain_draws(scn, kind, aid, guaranteed, stream(seed, "bargain"), n=BARGAIN_DRAWS)
        if key is not None and memo is not None:
            memo[key] = (scn, draws)  # the scenario is kept with its bargains: its id is in the key
    else:
        draws = kept[1]
    order = [draws.factions.index(f.id) for f in scn.factions]
    at = replace(
        settle,
        p_forms=draws.p_deal,
        p_sign=draws.p_sign_any[:, order],
        quorum=np.broadcast_to(
            np.asarray(b_params.partial_quorum, dtype=float), draws.p_deal.shape
        ),
        p_holds=np.nan_to_num(draws.p_holds),
    )
    return at if rows is None else _spread(settle, at, rows)


def bargain_draws_key(
    scn: Scenario, kind: str, aid: float, guaranteed: BargainParams, seed: int
) -> Hashable | None:
    """What :func:`bargain_draws` reads for :func:`settlement_at`, as a key: the scenario object
    (by identity: a memo keeps it alive with the bargains), the guarantor's kind, the aid, every
    bargaining value under the guarantee (an array by its bytes) and the seed. ``None`` (not
    kept) for a value it cannot key exactly."""
    digest = hashlib.sha256()
    for f in fields(guaranteed):
        value = getattr(guaranteed, f.name)
        if isinstance(value, (np.ndarray, np.generic, int, float)):
            array = np.ascontiguousarray(np.asarray(value, dtype=float))
            digest.update(f"{f.name}|{array.shape}|".encode())
            digest.update(array.tobytes())
        elif value is None or isinstance(value, str):
            digest.update(f"{f.name}|{value!r}|".encode())
        else:
            return None
    return (id(scn), kind, float(aid), seed, BARGAIN_DRAWS, digest.hexdigest())


def _guaranteed_by_row(
    scn: Scenario, plan: OptionPlan, values: Mapping[str, Any], plan_reads: Sequence[str]
) -> tuple[BargainParams, BargainParams, np.ndarray]:
    """The bargaining parameters of :func:`settlement_at` with the guarantee derived at each
    replication's values of the dynamics parameters in ``plan_reads``: one guarantee
    (:func:`_guarantee`, the planner's own function) per distinct row of the varying values.

    Returns the bargaining parameters and those under the guarantee, one draw per distinct row,
    and each replication's row (for :func:`_spread`).
    """
    assert plan.guarantee is not None
    varying = sorted(
        name
        for name, value in values.items()
        if isinstance(value, np.ndarray) and (name in plan_reads or name.startswith("bargain."))
    )
    table = np.column_stack([np.asarray(values[name], dtype=float) for name in varying])
    distinct, rows = np.unique(table, axis=0, return_inverse=True)
    units = list(plan.inputs.units)
    guarantees = []
    for row in distinct:
        at = {**values, **{name: float(v) for name, v in zip(varying, row, strict=True)}}
        guarantees.append(
            _guarantee(
                scn,
                plan.option,
                plan.conference,
                units,
                plan.requirement,
                stage_parameters(BargainParams, at, "bargain"),
                stage_parameters(DynamicsParams, at, "dynamics"),
            )
        )
    columns = {n: distinct[:, j] for j, n in enumerate(varying) if n.startswith("bargain.")}
    b_params = stage_parameters(BargainParams, {**values, **columns}, "bargain")
    guaranteed = _guaranteed(plan.guarantee.kind, guarantees, b_params)
    return b_params, guaranteed, rows.reshape(-1)


def _spread(planned: SettlementPlan, by_draw: SettlementPlan, rows: np.ndarray) -> SettlementPlan:
    """``by_draw`` (one entry per distinct row) with every per-draw array it computed afresh
    spread back to the replications."""
    draws = int(rows.max()) + 1
    changes = {}
    for f in fields(by_draw):
        value = getattr(by_draw, f.name)
        fresh = value is not getattr(planned, f.name)
        if fresh and isinstance(value, np.ndarray) and value.shape[:1] == (draws,):
            changes[f.name] = value[rows]
    return replace(by_draw, **changes)


def _guaranteed(kind: str, guarantees: Sequence[Guarantee], b: BargainParams) -> BargainParams:
    """:meth:`Guarantee.params` for one guarantee per parameter draw (row ``i`` of the result
    equals ``guarantees[i].params(b_i)``; the strength is an array even where no guarantee is
    fielded, so that the bargain has one draw per guarantee). ``kind`` is not ``none``."""
    fielded = np.array([g.fielded for g in guarantees])
    years = np.array([-1.0 if g.years is None else g.years for g in guarantees])
    per_draw: dict[str, Any] = {
        "fielded_kind": kind,
        "fielded_strength": np.where(fielded, [g.strength_ratio for g in guarantees], -1.0),
        "fielded_impartiality_factor": 1.0
        - np.where(fielded, [g.partisan_share for g in guarantees], 0.0),
        "fielded_years": np.where(fielded, years, -1.0),
    }
    return replace(b, **per_draw)


def _settlement(
    scn: Scenario,
    opt: CourseOfAction,
    outcome: GuarantorOutcome,
    guarantor: Guarantor,
    units: list[ForceUnit],
    quorum: float,
) -> SettlementPlan:
    """The settlement the dynamics draw from, with the guarantor's planned coverage: each faction
    signs with its own P(sign), and the deal forms when the signatories hold ``quorum`` of the
    capability (``docs/design-notes/partial-deals.md``)."""
    assert opt.bargain is not None
    month = min(opt.bargain.month, scn.horizon_months - 1)
    mask = _guarantor_members(scn, units, guarantor.kind)
    p_holds = (
        outcome.p_holds_given_deal
        if outcome.p_holds_given_deal == outcome.p_holds_given_deal
        else 0.0
    )
    return SettlementPlan(
        month=month,
        p_forms=outcome.p_deal,
        p_sign=np.array([outcome.p_sign[f.id] for f in scn.factions]),
        p_holds=p_holds,
        commitment_months=12.0 * max(guarantor.commitment_years, 0.5),
        guarantor=mask,
        capability=np.array([f.capability for f in scn.factions], dtype=float),
        quorum=quorum,
    )

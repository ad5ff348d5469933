"""Willingness: the troops each candidate nation offers, given its attributes and the offers made.

A hurdle model. A nation takes part when the probability ``P = logistic(score)`` reaches the
participation threshold; the score adds the nation's interests (refugees, proximity, terrorism,
energy dependence), its ties (NATO, EU, partnership, major non-NATO ally, US troops at home), its
alignment with the patron (agreement with the patron's UN General Assembly votes, centred at
``alignment_reference``: large militaries that vote against the patron are not bought cheaply),
its politics (opposition to the original intervention, a past withdrawal), the contingent it
already has in the theatre (``log1p(theatre_troops / 100)``: the political cost of leaving), its
military size, and the offers made to it. If it takes part it offers a share of its capacity,
``share = logistic(size_intercept + size_capacity * log(capacity / capacity_reference)
+ size_score * score + size_persistence * log1p(theatre_troops / 100)
+ size_lead * log1p(lead_roles))`` (the score without the in-theatre term; ``lead_roles`` the
commands of the force it leads: a lead nation takes part whatever its score), cut by free
riding, rounded down to a contingent size that exists (staff elements of ``staff_step``,
companies of ``company_step``, battalions of ``unit_size``; none below ``min_contingent``), never
above capacity, and never below the contingent it already has in the theatre (re-hatting: present
nations stay under a new command unless their own willingness says otherwise).

Capacity is the sustainable, expeditionary part of the active force, ``active_personnel *
deployable_share * professional_share / rotation_units``, less the troops deployed elsewhere,
plus the contingent in the theatre (NATO's 2004 usability targets: 40 % deployable, 8 %
sustainable; ``professional_share`` rises log-linearly with spending per soldier from
``professional_floor`` for conscript mass to 1 for an all-volunteer, equipped force).

Offers act through sensitivities derived from attributes only, so the model names no country:
cash and aid matter more the poorer the nation (``log(gdp_reference / gdp_per_capita)``); airlift
and logistics matter to small militaries; a diplomatic concession offsets part of the penalty of
having opposed the intervention, fully for allies (NATO, EU) and by ``concession_non_ally`` for
others (it is a gesture to the partners the patron snubbed); NATO command appeals to NATO and EU
members and repels non-members in proportion to their UN affinity; UN endorsement or command
appeals to nations with a UN-peacekeeping, non-aligned or Muslim-majority profile; accepting a
nation's caveats spares it the penalty of being asked to serve without them.

Free riding (the public-good character of stability): the share falls with the effective
strength the nation expects the others to field, relative to the requirement, and the more so the
smaller the nation's part of the candidates' total capacity. The expectation is solved as a fixed
point around the force-generation programme (:mod:`grudging.model.forcegen`).

Offer channels are read from the offer's id when it is one of :data:`CHANNELS`; any other offer
acts through the channel of its kind (per-troop money as cash, a lump sum as aid, a political
offer as a concession).

References
----------
Bove, V. & Elia, L. (2011). Supplying peace: participation in and troop contribution to
peacekeeping missions. *Journal of Peace Research* 48(6), 699-714.
Uzonyi, G. (2015). Refugee flows and state contributions to post-Cold War UN peacekeeping
missions. *Journal of Peace Research* 52(6), 743-757 (refugee exposure; also ISQ work on
proximity).
Olson, M. & Zeckhauser, R. (1966). An economic theory of alliances. *Review of Economics and
Statistics* 48(3), 266-279.
Saideman, S. & Auerswald, D. (2014). *NATO in Afghanistan: Fighting Together, Fighting Alone*.
Princeton University Press (lead nations of regional commands).
Saideman, S. & Auerswald, D. (2012). Comparing caveats. *International Studies Quarterly* 56(1),
67-84.
NATO (2004). Istanbul summit usability targets: 40 % of land forces deployable, 8 % sustainable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from grudging.errors import ParameterError
from grudging.model.parameters import stage_parameters
from grudging.scenario.commands import is_member, resolve

if TYPE_CHECKING:
    import pandas as pd

    from grudging.scenario.schema import Command, Nation, Offer, Scenario

STAGE = "willingness"

CASH = "cash_per_troop"
AID = "aid_debt_relief"
CONCESSION = "diplomatic_concession"
NATO_COMMAND = "nato_command"
UN_ENDORSEMENT = "un_endorsement"
CAVEAT_ACCEPTANCE = "caveat_acceptance"
AIRLIFT = "airlift_logistics"

#: Offer ids with a fixed meaning (the response channel of the offer).
CHANNELS = (CASH, AID, CONCESSION, NATO_COMMAND, UN_ENDORSEMENT, CAVEAT_ACCEPTANCE, AIRLIFT)
#: Channels that are one decision for the whole coalition, not an offer to one nation.
GLOBAL_CHANNELS = frozenset({CONCESSION, NATO_COMMAND, UN_ENDORSEMENT})
#: Channel of an offer whose id is not one of :data:`CHANNELS`, by its kind.
KIND_CHANNEL = {"per_troop": CASH, "lump_sum": AID, "political": CONCESSION}


def offer_channel(offer: Offer) -> str:
    """The response channel of an offer (its id if standard, else by its kind)."""
    return offer.id if offer.id in CHANNELS else KIND_CHANNEL[offer.kind]


@dataclass(frozen=True)
class WillingnessParams:
    """Parameters of the willingness stage (scenario names ``willingness.<field>``).

    Score coefficients (``beta_*``, ``intercept``) are on the logit scale. ``beta_caveat_refused``
    is a penalty (subtracted per caveat the nation is asked to drop without compensation).
    """

    intercept: float
    beta_refugees: float
    beta_neighbour: float
    beta_terrorism: float
    beta_energy: float
    beta_nato: float
    beta_eu: float
    beta_us_presence: float
    beta_opposed: float
    beta_capacity: float
    beta_muslim: float
    beta_incumbent: float
    beta_withdrew: float
    beta_cash: float
    beta_aid: float
    beta_airlift: float
    concession_offset: float
    concession_non_ally: float
    beta_nato_command: float
    beta_nato_command_outsider: float
    beta_un_endorsement: float
    beta_un_command: float
    beta_un_command_alliance: float
    beta_caveat_refused: float
    gdp_reference: float
    capacity_reference: float
    un_peacekeeper_scale: float
    size_intercept: float
    size_capacity: float
    size_score: float
    deployable_share: float
    rotation_units: float
    unit_size: float
    min_contingent: float
    participation_threshold: float
    free_riding: float
    beta_alignment: float = 0.0
    alignment_reference: float = 0.3
    beta_partner: float = 0.0
    beta_mnna: float = 0.0
    beta_persistence: float = 0.0
    size_persistence: float = 0.0
    size_lead: float = 0.0
    professional_floor: float = 1.0
    spend_professional_low: float = 10.0
    spend_professional_high: float = 100.0
    staff_step: float = 10.0
    company_step: float = 50.0
    battalion_threshold: float = 1000.0


#: Attribute terms of the score: coefficient name -> feature name shown to users.
ATTRIBUTE_TERMS = {
    "beta_refugees": "refugees",
    "beta_neighbour": "neighbour",
    "beta_terrorism": "terrorism",
    "beta_energy": "energy",
    "beta_nato": "nato",
    "beta_eu": "eu",
    "beta_us_presence": "us_presence",
    "beta_opposed": "opposed_intervention",
    "beta_capacity": "capacity",
    "beta_muslim": "muslim_majority",
    "beta_incumbent": "incumbent",
    "beta_withdrew": "withdrew",
    "beta_alignment": "alignment",
    "beta_partner": "partner",
    "beta_mnna": "major_non_nato_ally",
    "beta_persistence": "in_theatre",
}


def professional_share(spend_per_soldier: float, p: WillingnessParams) -> float:
    """Expeditionary share of a force from its spending per soldier (US$ thousand a year).

    ``professional_floor`` at or below ``spend_professional_low`` (conscript mass), 1 at or above
    ``spend_professional_high`` (all-volunteer, equipped), log-linear in between.
    """
    lo, hi = math.log(p.spend_professional_low), math.log(p.spend_professional_high)
    t = (math.log(max(spend_per_soldier, 1e-9)) - lo) / (hi - lo) if hi > lo else 1.0
    return p.professional_floor + (1.0 - p.professional_floor) * min(1.0, max(0.0, t))


def capacity(nation: Nation, p: WillingnessParams) -> int:
    """Sustainable expeditionary troops not committed elsewhere (never negative).

    ``active * deployable_share * professional_share / rotation_units - deployed_abroad``, plus
    the contingent already in the theatre (``theatre_troops``: it can re-hat under a new command;
    the nation tables count it in ``deployed_abroad``).
    """
    per_soldier = (
        1e3 * nation.military_spending_musd / nation.active_personnel
        if nation.active_personnel > 0
        else 0.0
    )
    share = p.deployable_share * professional_share(per_soldier, p) / max(p.rotation_units, 1.0)
    sustainable = nation.active_personnel * share
    return max(0, int(sustainable) - nation.deployed_abroad + nation.theatre_troops)


def contingent_size(raw: float, p: WillingnessParams) -> int:
    """Round a contingent down to a size that exists: staff elements, companies, battalions.

    Steps of ``staff_step`` below ``unit_size``, of ``company_step`` from ``unit_size`` up to
    ``battalion_threshold``, of ``unit_size`` above it (each ladder starts where the one below
    ends, so the rounding never falls as ``raw`` grows); zero below ``min_contingent``.
    """
    if raw < max(p.min_contingent, 1.0):
        return 0
    staff, company, unit = max(1.0, p.staff_step), max(1.0, p.company_step), max(1.0, p.unit_size)
    if raw < unit:
        size = raw // staff * staff
    else:
        threshold = unit + (max(p.battalion_threshold, unit) - unit) // company * company
        if raw < threshold:
            size = unit + (raw - unit) // company * company
        else:
            size = threshold + (raw - threshold) // unit * unit
    return int(size) if size >= p.min_contingent else 0


def cash_need(nation: Nation, p: WillingnessParams) -> float:
    """How much money matters: ``max(0, log(gdp_reference / gdp_per_capita))``."""
    return max(0.0, math.log(p.gdp_reference / nation.gdp_per_capita))


def lift_need(nation: Nation, p: WillingnessParams) -> float:
    """How much airlift matters: ``max(0, log(capacity_reference / capacity))``."""
    cap = max(capacity(nation, p), p.unit_size)
    return max(0.0, math.log(p.capacity_reference / cap))


def un_affinity(nation: Nation, p: WillingnessParams) -> float:
    """Mean of three 0-1 marks: UN peacekeeping record, non-aligned, Muslim-majority."""
    peacekeeper = min(1.0, nation.un_peacekeepers / max(p.un_peacekeeper_scale, 1.0))
    non_aligned = 0.0 if (nation.nato or nation.eu) else 1.0
    return (peacekeeper + non_aligned + float(nation.muslim_majority)) / 3.0


def attribute_features(
    nation: Nation, p: WillingnessParams, history: bool = True
) -> dict[str, float]:
    """The feature multiplying each attribute coefficient (keys are coefficient names).

    ``history=False`` zeroes the record in the theatre's earlier coalition (incumbent, withdrew):
    that record is what the calibration explains, so it cannot also explain it.
    """
    cap = max(capacity(nation, p), p.unit_size)
    incumbent = nation.coalition_peak > 0 and nation.coalition_left is None
    return {
        "beta_refugees": math.log1p(nation.refugees_hosted / 1000.0),
        "beta_neighbour": float(nation.neighbour),
        "beta_terrorism": math.log1p(nation.terrorism_incidents),
        "beta_energy": max(0.0, nation.energy_import_share) / 100.0,
        "beta_nato": float(nation.nato),
        "beta_eu": float(nation.eu),
        "beta_us_presence": math.log1p(nation.us_troops_hosted / 1000.0),
        "beta_opposed": float(nation.opposed_intervention),
        "beta_capacity": math.log(cap / p.capacity_reference),
        "beta_muslim": float(nation.muslim_majority),
        "beta_incumbent": float(incumbent) if history else 0.0,
        "beta_withdrew": float(nation.coalition_left is not None) if history else 0.0,
        "beta_alignment": (
            nation.alignment - p.alignment_reference if nation.alignment is not None else 0.0
        ),
        "beta_partner": float(nation.ties == "partner"),
        "beta_mnna": float(nation.ties == "mnna"),
        "beta_persistence": persistence(nation) if history else 0.0,
    }


def persistence(nation: Nation) -> float:
    """``log1p(theatre_troops / 100)``: the weight of the contingent already in the theatre."""
    return math.log1p(nation.theatre_troops / 100.0)


def lead_weight(nation: Nation) -> float:
    """``log1p(lead_roles)``: the weight of the commands of the force the nation leads."""
    return math.log1p(nation.lead_roles)


@dataclass(frozen=True)
class Inducements:
    """What a nation is offered: per-nation offers by channel and the coalition-wide ones.

    Attributes
    ----------
    channels:
        Channels of the offers made to this nation or to all (cash, aid, airlift, concession,
        UN endorsement...).
    command:
        Who commands the force (a registry entry; none: no command terms, as under the patron).
    refused_caveats:
        Number of the nation's caveats it is asked to drop without compensation.
    """

    channels: frozenset[str] = frozenset()
    command: Command | None = None
    refused_caveats: int = 0


@dataclass(frozen=True)
class Response:
    """A nation's answer to a set of inducements."""

    nation: str
    score: float
    probability: float
    participates: bool
    capacity: int
    share: float
    troops: int
    terms: tuple[tuple[str, float], ...] = field(default=())

    def top_terms(self, n: int = 3) -> list[tuple[str, float]]:
        """The ``n`` terms that raise the score most (the reasons it is in)."""
        positive = [t for t in self.terms if t[1] > 0 and t[0] != "intercept"]
        return sorted(positive, key=lambda t: -t[1])[:n]


def logistic(x: float) -> float:
    """The logistic function, safe for large arguments."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def offer_terms(nation: Nation, offers: Inducements, p: WillingnessParams) -> dict[str, float]:
    """Score contribution of each inducement (keys are channel or command names)."""
    terms: dict[str, float] = {}
    ch = offers.channels
    need = cash_need(nation, p)
    if CASH in ch:
        terms[CASH] = p.beta_cash * need
    if AID in ch:
        terms[AID] = p.beta_aid * need
    if AIRLIFT in ch:
        terms[AIRLIFT] = p.beta_airlift * lift_need(nation, p)
    alliance = float(nation.nato or nation.eu)
    affinity = un_affinity(nation, p)
    if CONCESSION in ch and nation.opposed_intervention:
        reach = 1.0 if alliance else p.concession_non_ally
        terms[CONCESSION] = reach * p.concession_offset * max(0.0, -p.beta_opposed)
    command = offers.command
    if command is not None and any(
        isinstance(v, str) or v
        for v in (command.appeal.members, command.appeal.outsiders, command.appeal.everyone)
    ):
        member = float(is_member(command, nation))
        appeal = command.appeal
        terms[f"command_{command.id}"] = (
            resolve(appeal.members, p, STAGE) * member
            + resolve(appeal.outsiders, p, STAGE) * (1.0 - member) * affinity
            + resolve(appeal.everyone, p, STAGE) * affinity
        )
    implied = command.implies if command is not None else ()
    if UN_ENDORSEMENT in ch or UN_ENDORSEMENT in implied:
        terms[UN_ENDORSEMENT] = p.beta_un_endorsement * affinity
    if offers.refused_caveats:
        terms["caveats_refused"] = -p.beta_caveat_refused * offers.refused_caveats
    return terms


def free_riding_factor(weight: float, expected_ratio: float, p: WillingnessParams) -> float:
    """Multiplier on the offered share from others' expected effort (Olson & Zeckhauser 1966).

    ``1 - free_riding * (1 - weight) * min(1, expected_ratio)`` where ``weight`` is the nation's
    share of the candidates' capacity and ``expected_ratio`` the effective strength it expects
    the others to field over the requirement.
    """
    ratio = min(1.0, max(0.0, expected_ratio))
    return max(0.0, 1.0 - p.free_riding * (1.0 - min(1.0, max(0.0, weight))) * ratio)


def respond(
    nation: Nation,
    offers: Inducements,
    p: WillingnessParams,
    weight: float = 0.0,
    expected_ratio: float = 0.0,
) -> Response:
    """The nation's offer (participation, share of capacity, troops) under ``offers``.

    Parameters
    ----------
    nation:
        The candidate.
    offers:
        The inducements made to it and the command.
    p:
        Parameters.
    weight:
        The nation's share of all candidates' capacity (for free riding).
    expected_ratio:
        Others' expected effective strength over the requirement (for free riding).
    """
    features = attribute_features(nation, p)
    terms: dict[str, float] = {"intercept": p.intercept}
    for coef, value in features.items():
        contribution = getattr(p, coef) * value
        if contribution != 0.0:
            terms[ATTRIBUTE_TERMS[coef]] = contribution
    terms.update(offer_terms(nation, offers, p))
    score = sum(terms.values())
    prob = logistic(score)
    cap = capacity(nation, p)
    size_score = (
        p.size_intercept
        + p.size_capacity * math.log(max(cap, p.unit_size) / p.capacity_reference)
        + p.size_score * (score - terms.get("in_theatre", 0.0))
        + p.size_persistence * persistence(nation)
        + p.size_lead * lead_weight(nation)
    )
    share = logistic(size_score) * free_riding_factor(weight, expected_ratio, p)
    # a nation that commands part of the force is in it (NATO's framework-nation concept)
    participates = prob >= p.participation_threshold or nation.lead_roles > 0
    troops = 0
    if participates and cap > 0:
        troops = min(contingent_size(min(float(cap), share * cap), p), cap)
        # Re-hatting: a nation already in the theatre that still takes part keeps its contingent.
        troops = max(troops, min(nation.theatre_troops, cap))
    return Response(
        nation=nation.id,
        score=score,
        probability=prob,
        participates=participates and troops > 0,
        capacity=cap,
        share=share,
        troops=troops,
        terms=tuple(terms.items()),
    )


def candidates(scn: Scenario) -> list[Nation]:
    """The nations that may contribute: every nation but the patron (who pays, not serves)."""
    return [n for n in scn.nations if n.id != scn.patron]


def capacity_weights(nations: Iterable[Nation], p: WillingnessParams) -> dict[str, float]:
    """Each nation's share of the candidates' total capacity."""
    caps = {n.id: capacity(n, p) for n in nations}
    total = sum(caps.values())
    return {k: (v / total if total > 0 else 0.0) for k, v in caps.items()}


@dataclass(frozen=True)
class WillingnessTable:
    """Every candidate's response to one set of inducements."""

    responses: tuple[Response, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per nation: score, probability, capacity, share, troops, top reasons."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "nation": r.nation,
                    "score": r.score,
                    "probability": r.probability,
                    "participates": r.participates,
                    "capacity": r.capacity,
                    "share": r.share,
                    "troops": r.troops,
                    "reasons": ", ".join(name for name, _ in r.top_terms()),
                }
                for r in self.responses
            ]
        )


def offers_response(
    scn: Scenario,
    p: WillingnessParams,
    offers: Inducements | Mapping[str, Inducements] | None = None,
    expected_ratio: float = 0.0,
) -> WillingnessTable:
    """Every candidate's response, to the same inducements or to one set per nation."""
    nations = candidates(scn)
    weights = capacity_weights(nations, p)
    default = Inducements() if offers is None or isinstance(offers, Mapping) else offers
    out = []
    for n in nations:
        given = offers.get(n.id, default) if isinstance(offers, Mapping) else default
        out.append(respond(n, given, p, weights[n.id], expected_ratio))
    return WillingnessTable(tuple(out))


def willingness_params(values: Mapping[str, float]) -> WillingnessParams:
    """The stage's parameters from a mapping of ``willingness.*`` values.

    Raises
    ------
    ParameterError
        The contingent ladder is inconsistent (a step larger than the unit, or units smaller
        than the minimum contingent).
    """
    p = stage_parameters(WillingnessParams, values, STAGE)
    if isinstance(p.unit_size, int | float) and isinstance(p.min_contingent, int | float):
        if p.unit_size < p.min_contingent:
            raise ParameterError(
                f"parameter 'willingness.unit_size' ({p.unit_size:g}) is below "
                f"'willingness.min_contingent' ({p.min_contingent:g}): a contingent cannot come in "
                "units smaller than its minimum; raise unit_size or lower min_contingent"
            )
        if not p.staff_step <= p.company_step <= p.unit_size:
            raise ParameterError(
                f"parameters 'willingness.staff_step' ({p.staff_step:g}), 'company_step' "
                f"({p.company_step:g}) and 'unit_size' ({p.unit_size:g}) must rise in that "
                "order (staff elements, companies, battalions); reorder them"
            )
    return p

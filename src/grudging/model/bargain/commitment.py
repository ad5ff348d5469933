"""Rung 3 of the ladder: the commitment problem and the third-party guarantor.

A faction that signs must disarm; if the others then renege it is exposed (Fearon 1995; Walter
1997, 2002). Faction i therefore signs an offer worth V_i only if

    q_i V_i + (1 - q_i) E_i >= d_i,

where d_i is the value of fighting on, E_i <= d_i the value of being attacked after disarming, and
q_i the probability it believes the settlement will be implemented. Without a guarantor q is
Walter's base rate, that of a war fought along identity lines (higher in other wars:
``war_relapse_base``); a guarantor raises it in proportion to its credibility as this faction
sees it (a faction hostile to foreign forces discounts a foreign guarantee). Spoilers never sign
(Stedman 1997, *International Security* 22(2)). Every function here is vectorised over draws.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from grudging.model.bargain.compromise import others_compromise
from grudging.model.bargain.nash import policy_utility
from grudging.model.bargain.params import BargainParams, war_relapse_base
from grudging.model.formation import quorum_reached

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def contest_shares(capability: FloatArray, decisiveness: float | FloatArray) -> FloatArray:
    """Probability each faction prevails in continued fighting: c_i^m / sum_j c_j^m."""
    power = np.power(capability, decisiveness)
    total: FloatArray = power.sum(axis=-1, keepdims=True)
    return power / total


def war_values(
    positions: FloatArray, salience: FloatArray, capability: FloatArray, params: BargainParams
) -> tuple[FloatArray, FloatArray]:
    """Value of fighting on (the disagreement point) and of being exploited after disarming.

    Fighting lasts ``war_years`` at ``war_cost`` a year; then faction i wins with the contest
    probability p_i and gets its ideal point (utility 1), or loses and lives with the compromise
    the others would impose. In annuity terms with theta = exp(-r T):

        d_i = (1 - theta) (-war_cost) + theta [p_i + (1 - p_i) u_i(others' compromise)].

    A faction attacked after disarming gets the others' compromise less ``exploitation_loss``,
    never more than fighting on: E_i = min(d_i, u_i(others) - L).

    Parameters
    ----------
    positions, salience
        (..., n, d).
    capability
        (..., n).

    Returns
    -------
    (d, E), each (..., n).
    """
    imposed = others_compromise(positions, salience, capability)
    u_lose = policy_utility(imposed, positions, salience)
    return war_values_given(u_lose, capability, params)


def war_values_given(
    u_lose: FloatArray, capability: FloatArray, params: BargainParams
) -> tuple[FloatArray, FloatArray]:
    """:func:`war_values` from each faction's utility of the others' compromise, (..., n)."""
    p_win = contest_shares(capability, params.decisiveness)
    theta = np.exp(-params.discount_rate * params.war_years)
    fight = (1.0 - theta) * (-params.war_cost) + theta * (p_win + (1.0 - p_win) * u_lose)
    exploited = np.minimum(fight, u_lose - params.exploitation_loss)
    return fight, exploited


def offer_values(
    positions: FloatArray,
    salience: FloatArray,
    terms: FloatArray,
    aid_shares: FloatArray,
    aid_utility: float,
) -> FloatArray:
    """Value of an offer (terms (d,), aid shares (n,)) to each faction: (..., n)."""
    return policy_utility(terms, positions, salience) + aid_utility * aid_shares


def perceived_implementation(
    cred: float | FloatArray, hostility: FloatArray, params: BargainParams
) -> FloatArray:
    """Implementation probability each faction believes in, given the guarantor's credibility."""
    seen = cred * (1.0 - params.hostility_discount * hostility)
    return 1.0 - war_relapse_base(params) * (1.0 - params.relapse_reduction * seen)


def signing_margin(
    value: FloatArray, fight: FloatArray, exploited: FloatArray, q: FloatArray
) -> FloatArray:
    """q V + (1 - q) E - d: expected value of signing over fighting on (>= 0: signs)."""
    return q * value + (1.0 - q) * exploited - fight


def signs(
    value: FloatArray,
    fight: FloatArray,
    exploited: FloatArray,
    q: FloatArray,
    spoiler: BoolArray,
) -> BoolArray:
    """Who signs: non-spoilers whose expected value of signing is at least that of fighting."""
    margin = signing_margin(value, fight, exploited, q)
    return (margin >= -1e-12) & ~spoiler


def deal_forms(
    signed: BoolArray, capability: FloatArray, spoiler: BoolArray, params: BargainParams
) -> BoolArray:
    """The formation rule, per draw (:func:`grudging.model.formation.quorum_reached`).

    A deal forms when its signatories hold at least ``partial_quorum`` of the capability of the
    factions that are not spoilers; holdouts stay outside and fight on (a partial deal). The
    dynamics apply the same rule to the factions that sign in a replication.
    """
    quorum = np.asarray(params.partial_quorum, dtype=float)
    if quorum.ndim:  # per-draw parameters shaped (..., 1) to broadcast over factions
        quorum = quorum[..., 0]
    return quorum_reached(signed, capability, spoiler, quorum)


def hold_probability(
    cred: float | FloatArray, signed: BoolArray, capability: FloatArray, params: BargainParams
) -> FloatArray:
    """Probability a formed deal is implemented over the guarantor's commitment.

    q(c) x (1 - outsider_risk x S_out x (1 - R c)), with q(c) = 1 - r0 (1 - R c) and r0 the
    war's relapse risk without a guarantor (``war_relapse_base``: Walter's base rate, higher in
    an identity war), where S_out is the capability share of the factions outside the deal
    (spoilers and holdouts): they can attack it, and a credible guarantor protects it from them
    too.
    """
    total = capability.sum(axis=-1, keepdims=True)
    outside = np.where(signed, 0.0, capability).sum(axis=-1, keepdims=True) / total
    q = 1.0 - war_relapse_base(params) * (1.0 - params.relapse_reduction * cred)
    shield = 1.0 - params.relapse_reduction * cred
    held = q * np.clip(1.0 - params.outsider_risk * outside * shield, 0.0, 1.0)
    result: FloatArray = held[..., 0]
    return result


def extra_aid_needed(
    value: FloatArray,
    fight: FloatArray,
    exploited: FloatArray,
    q: FloatArray,
    params: BargainParams,
) -> FloatArray:
    """Smallest extra aid earmarked to a faction (US$ million a year) that makes it sign.

    Solves q (V + a delta) + (1 - q) E = d for delta; 0 when it signs already, ``inf`` when no
    amount of aid is worth anything to it (aid_value = 0) or it trusts nothing (q = 0).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        delta = (fight - exploited) / q + exploited - value
        delta = np.where(q > 0, delta, np.inf)
        if params.aid_value <= 0:
            return np.where(delta <= 0, 0.0, np.inf)
        musd: FloatArray = np.maximum(delta, 0.0) / params.aid_value * 1000.0
    return musd


def strength_needed(
    value: FloatArray,
    fight: FloatArray,
    exploited: FloatArray,
    hostility: FloatArray,
    impartiality: float,
    years_factor: float,
    params: BargainParams,
) -> FloatArray:
    """Smallest guarantor strength ratio that makes a faction sign, others unchanged.

    Inverts the signing condition for the implementation probability q*, then q(c) for the
    credibility and c = g(r) x impartiality x h(years) for the strength ratio r. ``inf`` when no
    strength suffices (the faction would need more trust than a guarantor can give, or the
    guarantor is not impartial or committed at all).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        spread = value - exploited
        q_star = np.where(spread > 0, (fight - exploited) / spread, np.inf)
        q_star = np.where(fight <= exploited, 0.0, q_star)
        base = war_relapse_base(params)
        # q(c) = 1 - base (1 - R c) >= q*  ->  c >= (1 - (1 - q*) / base) / R
        c_seen = (1.0 - (1.0 - q_star) / base) / params.relapse_reduction
        discount = 1.0 - params.hostility_discount * hostility
        c_need = np.where(discount > 0, c_seen / discount, np.where(c_seen <= 0, 0.0, np.inf))
        reach = impartiality * years_factor
        g_need = np.where(reach > 0, c_need / reach, np.where(c_need <= 0, 0.0, np.inf))
        k = params.strength_steepness
        inside = (g_need > 0) & (g_need < 1)
        g_safe = np.where(inside, g_need, 0.5)
        ratio = params.strength_half * (g_safe / (1.0 - g_safe)) ** (1.0 / k)
    needed: FloatArray = np.where(g_need <= 0, 0.0, np.where(inside, ratio, np.inf))
    return needed

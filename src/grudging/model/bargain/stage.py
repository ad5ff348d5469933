"""The bargaining stage: the ladder of models and the Monte Carlo over the factions' coding.

The mediators design one offer - the Nash bargaining solution, computed from the best estimates
of the factions' positions, saliences and capabilities (the nominal coding) - and put it on the
table. The Monte Carlo then asks how likely the factions, whose true positions, saliences and
strengths are uncertain, are to sign it and, once signed, to carry it out, under each guarantor.
All guarantors see the same draws (common random numbers), so their differences are not noise,
and the offer does not depend on the guarantor, so a stronger, more impartial or longer-committed
guarantor never lowers the probability of a deal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from grudging.errors import ParameterError
from grudging.model.bargain.commitment import (
    deal_forms,
    extra_aid_needed,
    hold_probability,
    offer_values,
    perceived_implementation,
    signing_margin,
    signs,
    strength_needed,
    war_values,
)
from grudging.model.bargain.compromise import compromise_positions
from grudging.model.bargain.nash import NashSolution, nash_bargaining
from grudging.model.bargain.params import (
    BargainParams,
    Guarantor,
    credibility,
    implementation_probability,
    param_draws,
    years_credibility,
)
from grudging.model.bargain.problem import BargainProblem, problem_from_scenario
from grudging.model.bargain.results import (
    BargainResult,
    GuarantorOutcome,
    Offer,
    Remedy,
    TermsSpread,
)
from grudging.model.bargain.terms import consistent_terms
from grudging.scenario.schema import Scenario

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _draw_coding(
    problem: BargainProblem, params: BargainParams, rng: np.random.Generator, n: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Positions, saliences and capabilities for ``n`` draws, (n, factions, issues)."""
    z = _coding_noise(problem, rng, n)
    return _coding_from_noise(
        problem, z, params.position_noise, params.salience_noise, params.capability_noise
    )


def _coding_noise(
    problem: BargainProblem, rng: np.random.Generator, n: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Standard normal noise of the coding: positions and saliences (n, f, d), capabilities (n, f)."""
    f, d = problem.n, problem.d
    z_pos = rng.standard_normal((n, f, d))
    z_sal = rng.standard_normal((n, f, d))
    z_cap = rng.standard_normal((n, f))
    # Faction i takes the draws of its rank in the label-free canonical order.
    rank = np.empty(f, dtype=np.intp)
    rank[problem.canonical_order()] = np.arange(f)
    return z_pos[:, rank], z_sal[:, rank], z_cap[:, rank]


def _coding_from_noise(
    problem: BargainProblem,
    z: tuple[FloatArray, FloatArray, FloatArray],
    position_noise: float | FloatArray,
    salience_noise: float | FloatArray,
    capability_noise: float | FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The coding from its noise; noise scales broadcast (arrays: one per parameter draw)."""
    z_pos, z_sal, z_cap = z
    positions = _noisy_positions(problem.positions, z_pos, position_noise)
    salience = _lognormal(problem.salience, z_sal, salience_noise)
    totals = salience.sum(axis=-1, keepdims=True)
    salience = np.where(totals > 0, salience / np.where(totals > 0, totals, 1.0), salience)
    capability = _lognormal(problem.capability, z_cap, capability_noise)
    return positions, salience, capability


def _noisy_positions(positions: FloatArray, z: FloatArray, noise: float | FloatArray) -> FloatArray:
    """Positions with normal noise, clipped to the 0-100 scale."""
    out = noise * z
    if out.shape != np.broadcast_shapes(out.shape, positions.shape):
        return np.clip(positions + out, 0.0, 100.0)
    out += positions
    return np.clip(out, 0.0, 100.0, out=out)


def _lognormal(nominal: FloatArray, z: FloatArray, sig: float | FloatArray) -> FloatArray:
    """Mean-preserving log-normal noise: nominal x exp(sig z - sig^2 / 2)."""
    out = sig * z
    out -= 0.5 * sig * sig
    np.exp(out, out=out)
    if out.shape != np.broadcast_shapes(out.shape, nominal.shape):
        return nominal * out
    out *= nominal
    return out


def _quantiles(values: FloatArray, q: float) -> FloatArray:
    clean = values[np.all(np.isfinite(values), axis=1)]
    if clean.shape[0] == 0:
        return np.full(values.shape[1], np.nan)
    return np.asarray(np.quantile(clean, q, axis=0), dtype=float)


def _by_id(ids: Sequence[str], values: FloatArray) -> dict[str, float]:
    return {k: float(v) for k, v in zip(ids, values, strict=True)}


def _remedy_value(values: FloatArray, target: float, bound: float) -> float | None:
    """Smallest amount that works in at least ``target`` of the draws, or None beyond ``bound``."""
    value = float(np.quantile(values, target, method="higher"))
    if not np.isfinite(value) or value > bound:
        return None
    return value


def bargain(
    scenario: Scenario | BargainProblem,
    guarantor: Guarantor | Sequence[Guarantor],
    aid_musd: float | None,
    params: BargainParams,
    rng: np.random.Generator,
    n: int = 500,
    *,
    spoilers: Iterable[str] = (),
    n_terms: int = 10,
    target: float = 0.8,
) -> BargainResult:
    """Does a grand compromise form, on what terms, who stays out, and would it hold?

    Parameters
    ----------
    scenario
        The scenario (its factions and issues), or a ready :class:`BargainProblem`.
    guarantor
        One guarantor or several; several are evaluated on the same draws.
    aid_musd
        International aid on offer, US$ million a year (None: ``params.aid_musd_per_year``).
    params
        The stage's parameters.
    rng
        Random generator (draws first, then the optimiser's extra starting points).
    n
        Monte Carlo draws over the factions' coding.
    spoilers
        Further factions to treat as irreconcilable spoilers.
    n_terms
        Draws at which the Nash solution is re-solved to show the spread of its terms.
    target
        Share of draws in which a remedy must bring a holdout in.

    Returns
    -------
    BargainResult
    """
    problem, scenario_id = _problem_of(scenario, spoilers)
    guarantors, aid = _checked_arguments(guarantor, aid_musd, params, n, n_terms, target)
    aid_utility = params.aid_value * aid / 1000.0
    tie_rank = np.empty(problem.n, dtype=np.intp)
    tie_rank[problem.canonical_order()] = np.arange(problem.n)

    # Draws first, so the same seed gives the same draws whatever else is asked.
    coding = _draw_coding(problem, params, rng, n)
    nominal = _nominal_offers(problem, params, aid_utility, tie_rank, rng)
    draws = _draw_values(coding, nominal, params, aid_utility)
    perfect = _perfect_commitment(draws, problem, params)
    comp_draws = _compromise_in_draws(draws, nominal.at_table)
    terms_k = _nash_terms_in_draws(problem, draws, comp_draws, aid_utility, tie_rank, rng, n_terms)
    outcomes = tuple(
        _guarantor_outcome(g, problem, nominal, draws, params, target, aid_utility)
        for g in guarantors
    )
    return _result(problem, scenario_id, aid, n, nominal, comp_draws, terms_k, perfect, outcomes)


# Steps of the stage -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Nominal:
    """The two offers designed on the nominal coding, and the factions' values there."""

    fight: FloatArray
    exploited: FloatArray
    at_table: BoolArray
    x_comp: FloatArray
    share_comp: FloatArray
    nash: NashSolution
    x_nash: FloatArray
    share_nash: FloatArray
    v_nash: FloatArray


@dataclass(frozen=True)
class _Draws:
    """The Monte Carlo coding and each faction's value of war and of each offer, per draw."""

    positions: FloatArray
    salience: FloatArray
    capability: FloatArray
    fight: FloatArray
    exploited: FloatArray
    v_nash: FloatArray
    v_comp: FloatArray


def _problem_of(
    scenario: Scenario | BargainProblem, spoilers: Iterable[str]
) -> tuple[BargainProblem, str]:
    """The bargaining problem with the extra spoilers, and the scenario's id ("" for a problem)."""
    if isinstance(scenario, BargainProblem):
        return scenario.with_spoilers(spoilers), ""
    return problem_from_scenario(scenario, spoilers), scenario.id


def _checked_arguments(
    guarantor: Guarantor | Sequence[Guarantor],
    aid_musd: float | None,
    params: BargainParams,
    n: int,
    n_terms: int,
    target: float,
) -> tuple[tuple[Guarantor, ...], float]:
    """The guarantors as a tuple and the aid on offer, after checking every argument."""
    if param_draws(params) is not None:
        raise ParameterError(
            "bargain() takes scalar parameters; for arrays of parameter draws use bargain_draws()"
        )
    guarantors = (guarantor,) if isinstance(guarantor, Guarantor) else tuple(guarantor)
    if not guarantors:
        raise ParameterError("no guarantor given; pass at least one (kind 'none' for none)")
    aid = params.aid_musd_per_year if aid_musd is None else float(aid_musd)
    if not np.isfinite(aid) or aid < 0:
        raise ParameterError(f"aid = {aid_musd!r} US$ million a year; it must be >= 0")
    if n < 1:
        raise ParameterError(f"draws = {n}; at least 1 Monte Carlo draw is needed")
    if n_terms < 0:
        raise ParameterError(f"n_terms = {n_terms}; it must be >= 0")
    if not 0.0 < target <= 1.0:
        raise ParameterError(f"target = {target}; it must lie in (0, 1]")
    return guarantors, aid


def _nominal_offers(
    problem: BargainProblem,
    params: BargainParams,
    aid_utility: float,
    tie_rank: NDArray[np.intp],
    rng: np.random.Generator,
) -> _Nominal:
    """Rungs 1 and 2 on the nominal coding: the compromise and the Nash offer."""
    table = ~problem.spoiler
    pos0, sal0, cap0 = problem.positions, problem.salience, problem.capability
    fight0, exploited0 = war_values(pos0, sal0, cap0, params)
    at_table = table if table.any() else np.ones_like(table)
    x_comp = compromise_positions(pos0[at_table], sal0[at_table], cap0[at_table])
    share_comp = np.where(table, cap0, 0.0)
    share_comp = share_comp / share_comp.sum() if share_comp.sum() > 0 else share_comp
    nash = nash_bargaining(
        pos0, sal0, fight0, cap0, aid_utility, table, anchor=x_comp, tie_rank=tie_rank, rng=rng
    )
    x_nash = nash.positions if nash.participants.any() else x_comp
    share_nash = nash.aid_shares
    return _Nominal(
        fight=fight0,
        exploited=exploited0,
        at_table=at_table,
        x_comp=x_comp,
        share_comp=share_comp,
        nash=nash,
        x_nash=x_nash,
        share_nash=share_nash,
        v_nash=offer_values(pos0, sal0, x_nash, share_nash, aid_utility),
    )


def _draw_values(
    coding: tuple[FloatArray, FloatArray, FloatArray],
    nominal: _Nominal,
    params: BargainParams,
    aid_utility: float,
) -> _Draws:
    """Each draw's value of fighting on and of the two nominal offers."""
    pos_k, sal_k, cap_k = coding
    fight_k, exploited_k = war_values(pos_k, sal_k, cap_k, params)
    return _Draws(
        positions=pos_k,
        salience=sal_k,
        capability=cap_k,
        fight=fight_k,
        exploited=exploited_k,
        v_nash=offer_values(pos_k, sal_k, nominal.x_nash, nominal.share_nash, aid_utility),
        v_comp=offer_values(pos_k, sal_k, nominal.x_comp, nominal.share_comp, aid_utility),
    )


def _perfect_commitment(
    draws: _Draws, problem: BargainProblem, params: BargainParams
) -> dict[str, float]:
    """P(deal) for each offer when every faction that gains from it signs (no commitment problem)."""
    table, spoiler, cap_k = ~problem.spoiler, problem.spoiler, draws.capability
    return {
        "compromise": float(
            deal_forms((draws.v_comp >= draws.fight) & table, cap_k, spoiler, params).mean()
        ),
        "nash": float(
            deal_forms((draws.v_nash >= draws.fight) & table, cap_k, spoiler, params).mean()
        ),
    }


def _compromise_in_draws(draws: _Draws, at_table: BoolArray) -> FloatArray:
    """The compromise terms of the factions at the table, re-computed in every draw."""
    at = (slice(None), at_table)
    return compromise_positions(draws.positions[at], draws.salience[at], draws.capability[at])


def _nash_terms_in_draws(
    problem: BargainProblem,
    draws: _Draws,
    comp_draws: FloatArray,
    aid_utility: float,
    tie_rank: NDArray[np.intp],
    rng: np.random.Generator,
    n_terms: int,
) -> FloatArray:
    """The Nash terms re-solved in the first ``n_terms`` draws (NaN rows where no deal)."""
    table = ~problem.spoiler
    terms_k = np.full((min(n_terms, draws.positions.shape[0]), problem.d), np.nan)
    for j in range(terms_k.shape[0]):
        sol = nash_bargaining(
            draws.positions[j],
            draws.salience[j],
            draws.fight[j],
            draws.capability[j],
            aid_utility,
            table,
            anchor=comp_draws[j],
            tie_rank=tie_rank,
            rng=rng,
            starts=1,
        )
        if sol.participants.any():
            terms_k[j] = sol.positions
    return terms_k


def _consistent_offer(
    g: Guarantor, problem: BargainProblem, nominal: _Nominal, draws: _Draws, aid_utility: float
) -> tuple[_Nominal, _Draws]:
    """The Nash offer with its timetable fitted to the guarantor's stay (:mod:`.terms`), and the
    factions' values of it (unchanged objects when the offer already fits)."""
    x = consistent_terms(nominal.x_nash, problem, g.kind, g.commitment_years)
    if x is nominal.x_nash:
        return nominal, draws
    share = nominal.share_nash
    pos0, sal0 = problem.positions, problem.salience
    return (
        replace(nominal, x_nash=x, v_nash=offer_values(pos0, sal0, x, share, aid_utility)),
        replace(draws, v_nash=offer_values(draws.positions, draws.salience, x, share, aid_utility)),
    )


def _guarantor_outcome(
    g: Guarantor,
    problem: BargainProblem,
    nominal: _Nominal,
    draws: _Draws,
    params: BargainParams,
    target: float,
    aid_utility: float,
) -> GuarantorOutcome:
    """Rung 3 under one guarantor: who signs each offer, whether the deal forms and holds."""
    nominal, draws = _consistent_offer(g, problem, nominal, draws, aid_utility)
    ids, spoiler = problem.factions, problem.spoiler
    cred = credibility(g, params)
    q_seen = perceived_implementation(cred, problem.hostility, params)
    signed = signs(draws.v_nash, draws.fight, draws.exploited, q_seen, spoiler)
    forms = deal_forms(signed, draws.capability, spoiler, params)
    hold = hold_probability(cred, signed, draws.capability, params)
    signed_comp = signs(draws.v_comp, draws.fight, draws.exploited, q_seen, spoiler)
    forms_comp = deal_forms(signed_comp, draws.capability, spoiler, params)
    signed0 = signs(nominal.v_nash, nominal.fight, nominal.exploited, q_seen, spoiler)
    margin = signing_margin(draws.v_nash, draws.fight, draws.exploited, q_seen)
    remedies = _remedies(g, problem, nominal, draws, signed, q_seen, params, target)
    cap0 = problem.capability
    return GuarantorOutcome(
        guarantor=g,
        credibility=cred,
        implementation_probability=implementation_probability(cred, params),
        p_deal=float(forms.mean()),
        p_holds_given_deal=float(hold[forms].mean()) if forms.any() else float("nan"),
        p_deal_holds=float((hold * forms).mean()),
        p_deal_compromise_offer=float(forms_comp.mean()),
        p_sign=_by_id(ids, signed.mean(axis=0)),
        p_sign_given_deal=_by_id(
            ids, signed[forms].mean(axis=0) if forms.any() else np.zeros(len(ids))
        ),
        surplus=_by_id(ids, margin.mean(axis=0)),
        nominal_signatories=tuple(f for f, s in zip(ids, signed0, strict=True) if s),
        nominal_deal=bool(deal_forms(signed0[None, :], cap0[None, :], spoiler, params)[0]),
        remedies=remedies,
        terms=_by_id(problem.issues, nominal.x_nash),
        p_full_deal=float((forms & np.all(signed | spoiler[None, :], axis=1)).mean()),
        partial_deals=_partial_deals(signed, forms, problem),
    )


#: How many partial deals (signatory sets) a result lists.
PARTIAL_DEALS_SHOWN = 3


def _partial_deals(
    signed: BoolArray, forms: BoolArray, problem: BargainProblem
) -> tuple[tuple[tuple[str, ...], float], ...]:
    """The signatory sets of the draws where a deal forms with holdouts (some non-spoiler not
    signed): the most frequent, with their share of all draws (ties: label-free order)."""
    table = ~problem.spoiler
    partial = forms & ~np.all(signed | ~table[None, :], axis=1)
    if not partial.any():
        return ()
    order = problem.canonical_order()  # bits in a label-free order of the factions
    bits = np.zeros(problem.n, dtype=np.int64)
    bits[order] = np.left_shift(np.int64(1), np.arange(problem.n, dtype=np.int64))
    codes = (signed[partial] & table[None, :]).astype(np.int64) @ bits
    unique, counts = np.unique(codes, return_counts=True)
    ranked = sorted(zip(counts.tolist(), unique.tolist(), strict=True), key=lambda c: (-c[0], c[1]))
    out = []
    for count, code in ranked[:PARTIAL_DEALS_SHOWN]:
        members = tuple(f for i, f in enumerate(problem.factions) if code & int(bits[i]))
        out.append((members, count / signed.shape[0]))
    return tuple(out)


def _remedies(
    g: Guarantor,
    problem: BargainProblem,
    nominal: _Nominal,
    draws: _Draws,
    signed: BoolArray,
    q_seen: FloatArray,
    params: BargainParams,
    target: float,
) -> tuple[Remedy, ...]:
    """For each faction that holds out in some draws: the extra aid or strength that brings it in."""
    v_nash, fight_k, exploited_k = draws.v_nash, draws.fight, draws.exploited
    v_nash0, fight0, exploited0 = nominal.v_nash, nominal.fight, nominal.exploited
    aid_need = extra_aid_needed(v_nash, fight_k, exploited_k, q_seen, params)
    aid_need0 = extra_aid_needed(v_nash0, fight0, exploited0, q_seen, params)
    years = years_credibility(g.commitment_years, params)
    if g.kind != "none":
        strength_k = strength_needed(
            v_nash, fight_k, exploited_k, problem.hostility, g.impartiality, years, params
        )
        strength0 = strength_needed(
            v_nash0, fight0, exploited0, problem.hostility, g.impartiality, years, params
        )
    remedies = []
    for i, faction in enumerate(problem.factions):
        if problem.spoiler[i]:
            continue
        p_out = float(1.0 - signed[:, i].mean())
        if p_out <= 0:
            continue
        strength = strength_nominal = None
        if g.kind != "none":
            strength = _remedy_value(
                np.maximum(strength_k[:, i], g.strength_ratio),
                target,
                params.max_strength_ratio,
            )
            s0 = float(max(strength0[i], g.strength_ratio))
            strength_nominal = s0 if s0 <= params.max_strength_ratio else None
        a0 = float(aid_need0[i])
        remedies.append(
            Remedy(
                faction=faction,
                p_holdout=p_out,
                target=target,
                extra_aid_musd=_remedy_value(aid_need[:, i], target, params.max_extra_aid_musd),
                strength_ratio=strength,
                nominal_extra_aid_musd=a0 if a0 <= params.max_extra_aid_musd else None,
                nominal_strength_ratio=strength_nominal,
            )
        )
    return tuple(remedies)


def _spread(rung: str, draws: int, issues: Sequence[str], terms: FloatArray) -> TermsSpread:
    """The 5 %, 50 % and 95 % quantiles of an offer's terms over the draws."""
    return TermsSpread(
        rung=rung,
        draws=draws,
        low=_by_id(issues, _quantiles(terms, 0.05)),
        median=_by_id(issues, _quantiles(terms, 0.5)),
        high=_by_id(issues, _quantiles(terms, 0.95)),
    )


def _result(
    problem: BargainProblem,
    scenario_id: str,
    aid: float,
    n: int,
    nominal: _Nominal,
    comp_draws: FloatArray,
    terms_k: FloatArray,
    perfect: dict[str, float],
    outcomes: tuple[GuarantorOutcome, ...],
) -> BargainResult:
    """The stage's result from its parts."""
    ids, issues, spoiler = problem.factions, problem.issues, problem.spoiler
    return BargainResult(
        scenario=scenario_id,
        factions=ids,
        issues=issues,
        spoilers=tuple(f for f, s in zip(ids, spoiler, strict=True) if s),
        aid_musd=aid,
        draws=n,
        capability=_by_id(ids, problem.capability),
        war_value=_by_id(ids, nominal.fight),
        exploited_value=_by_id(ids, nominal.exploited),
        compromise=Offer(
            rung="compromise",
            terms=_by_id(issues, nominal.x_comp),
            aid_shares=_by_id(ids, nominal.share_comp),
            participants=tuple(f for f, t in zip(ids, nominal.at_table, strict=True) if t),
        ),
        nash=Offer(
            rung="nash",
            terms=_by_id(issues, nominal.x_nash),
            aid_shares=_by_id(ids, nominal.share_nash),
            participants=tuple(f for f, p in zip(ids, nominal.nash.participants, strict=True) if p),
        ),
        compromise_spread=_spread("compromise", n, issues, comp_draws),
        nash_spread=_spread(
            "nash", int(np.all(np.isfinite(terms_k), axis=1).sum()), issues, terms_k
        ),
        nash_surplus=_by_id(ids, nominal.v_nash - nominal.fight),
        p_deal_perfect=perfect,
        outcomes=outcomes,
    )

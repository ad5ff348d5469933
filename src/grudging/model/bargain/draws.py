"""The bargain across draws of its own parameters, vectorised (issue 16).

:func:`bargain` evaluates the stage at one set of parameters. Whether a deal forms depends a
great deal on them (within the declared ranges of the Iraq scenario P(deal) runs from near 0 to
above 0.9), so carrying their uncertainty needs one bargain per parameter draw.
:func:`bargain_draws` computes, for P draws at once, what :func:`bargain` reports under one
guarantor: P(deal), P(holds | deal), P(deal and holds) and P(sign | deal) per faction - for draw i
the same numbers as ``bargain`` run with the scalar parameters of draw i and the same seed.

How the steps are shared across parameter draws:

- **Coding draws (common random numbers).** The standard normal noise of the positions,
  saliences and capabilities is drawn once, first from ``rng`` exactly as :func:`bargain` draws it,
  and every parameter draw scales the same noise by its own ``position_noise``, ``salience_noise``
  and ``capability_noise``. Differences between parameter draws are therefore not Monte Carlo
  noise, and draw i sees exactly the coding :func:`bargain` would draw with the same seed.
- **The offer.** The mediators' Nash offer is designed on the nominal coding, but it reads the
  factions' values of fighting on (``decisiveness``, ``discount_rate``, ``war_years``,
  ``war_cost``) and the value of the aid (``aid_value``, and ``aid_musd_per_year`` when no aid is
  given). It is solved once per distinct pair of those values (once in all when none varies), by
  a batched Newton solver of the same smoothed, strictly concave problem
  (:func:`~grudging.model.bargain.nash.nash_batch`); draws it cannot certify (a faction would be
  left out, or no convergence) fall back to :func:`~grudging.model.bargain.nash.nash_bargaining`
  with the generator state :func:`bargain` would give it.
- **Rung 3** (values of fighting and of being exploited in every draw, signing, formation,
  holding) is numpy over parameter draws x coding draws, in chunks of parameter draws that bound
  the working memory (``memory_mb``).

References: Walter (1997, 2002) and Fortna (2008) for the commitment rung; Nash (1950) for the
offer; McKay, Beckman & Conover (1979) for the Latin hypercubes that usually supply the draws.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from grudging.errors import ParameterError
from grudging.model.bargain.commitment import (
    deal_forms,
    hold_probability,
    perceived_implementation,
    signs,
    war_values,
    war_values_given,
)
from grudging.model.bargain.compromise import compromise_positions
from grudging.model.bargain.nash import nash_batch
from grudging.model.bargain.params import (
    BargainParams,
    Guarantor,
    guarantee_credibility,
    guarantor_figures,
    param_draws,
    params_at,
    params_shaped,
)
from grudging.model.bargain.problem import BargainProblem
from grudging.model.bargain.stage import (
    _coding_noise,
    _lognormal,
    _noisy_positions,
    _nominal_offers,
    _problem_of,
)
from grudging.model.bargain.terms import consistent_terms
from grudging.scenario.commands import commands_of
from grudging.scenario.schema import Command, Scenario

FloatArray = NDArray[np.float64]

Registry = dict[str, Command] | None
"""A scenario's command registry (None: the shared one)."""

_OFFER_FIELDS = ("decisiveness", "discount_rate", "war_years", "war_cost", "aid_value")
"""Parameters the Nash offer reads (with ``aid_musd_per_year`` when no aid is given)."""
_ARRAYS_PER_CELL = 16
"""Working arrays of shape (draws, factions, issues) alive at once, for the chunk size."""


@dataclass(frozen=True)
class BargainDraws:
    """The bargain under one guarantor at each of P parameter draws.

    Attributes
    ----------
    factions
        Faction ids (the columns of ``p_sign``).
    p_deal
        (P,) probability that the deal forms (over the coding draws).
    p_holds
        (P,) probability that a formed deal holds (NaN where no deal forms in any draw).
    p_deal_holds
        (P,) probability that the deal forms and holds.
    p_sign
        (P, F) probability each faction signs, given that the deal forms (0 where none forms);
        :attr:`GuarantorOutcome.p_sign_given_deal`.
    p_sign_any
        (P, F) probability each faction signs, whether or not the deal forms
        (:attr:`GuarantorOutcome.p_sign`): what a faction decides on its own, which the dynamics
        draw before the quorum rule decides whether a deal forms.
    credibility
        (P,) the guarantor's credibility.
    exact_offers
        How many distinct offers needed :func:`nash_bargaining` (the rest came from the batched
        solver).
    """

    factions: tuple[str, ...]
    p_deal: FloatArray
    p_holds: FloatArray
    p_deal_holds: FloatArray
    p_sign: FloatArray
    p_sign_any: FloatArray
    credibility: FloatArray
    exact_offers: int

    @property
    def draws(self) -> int:
        """Number of parameter draws P."""
        return int(self.p_deal.shape[0])


def bargain_draws(
    scenario: Scenario | BargainProblem,
    guarantor: Guarantor | str,
    aid_musd: float | None,
    params: BargainParams,
    rng: np.random.Generator,
    n: int = 500,
    *,
    spoilers: Iterable[str] = (),
    memory_mb: float = 100.0,
) -> BargainDraws:
    """P(deal), P(holds | deal) and P(sign | deal) under one guarantor, per parameter draw.

    Parameters
    ----------
    scenario
        The scenario, or a ready :class:`BargainProblem`.
    guarantor
        A guarantor, or a kind (``none`` or a guaranteeing command of the scenario's registry)
        whose default strength, impartiality and years are its registry figures at each draw
        (:func:`~grudging.model.bargain.params.guarantor_figures`).
    aid_musd
        Aid on offer, US$ million a year (None: each draw's ``aid_musd_per_year``).
    params
        The parameters; any field may be a 1-d array of length P (one value per draw), the others
        scalars shared by every draw. All scalar: one draw.
    rng
        Random generator; the coding draws come first, as in :func:`bargain`, and are shared by
        every parameter draw (common random numbers).
    n
        Monte Carlo draws over the factions' coding.
    spoilers
        Further factions to treat as irreconcilable spoilers.
    memory_mb
        Rough bound on the working memory; parameter draws are processed in chunks to keep it.

    Returns
    -------
    BargainDraws
        Entry i equals the matching figure of ``bargain(scenario, g_i, aid_musd, params_i,
        rng_same_seed, n).outcomes[0]`` for the scalar parameters ``params_i`` of draw i.
    """
    problem, _ = _problem_of(scenario, spoilers)
    p_count = param_draws(params) or 1
    if n < 1:
        raise ParameterError(f"draws = {n}; at least 1 Monte Carlo draw is needed")
    if not memory_mb > 0:
        raise ParameterError(f"memory_mb = {memory_mb}; it must be > 0")
    aid = _per_draw(params.aid_musd_per_year if aid_musd is None else aid_musd, p_count)
    if not np.all(np.isfinite(aid)) or np.any(aid < 0):
        raise ParameterError(f"aid = {aid_musd!r} US$ million a year; it must be >= 0")
    aid_utility = _per_draw(params.aid_value, p_count) * aid / 1000.0

    noise = _coding_noise(problem, rng, n)
    noise_t = _IssueMajorNoise.of(noise)
    after_noise = copy.deepcopy(rng)  # the state bargain() hands to the Nash solver
    commands = commands_of(scenario) if isinstance(scenario, Scenario) else None
    cred = _credibility(guarantor, params, p_count, commands)
    x_nash, share_nash, exact = _offers(problem, params, aid_utility, after_noise, p_count)
    kind, years = _stay(guarantor, params, p_count, commands)
    x_nash = consistent_terms(x_nash, problem, kind, years)  # the timetable fits the stay

    f, d = problem.n, problem.d
    chunk = max(1, int(memory_mb * 2**20 // (n * f * d * 8 * _ARRAYS_PER_CELL)))
    p_deal = np.empty(p_count)
    p_holds = np.empty(p_count)
    p_deal_holds = np.empty(p_count)
    p_sign = np.empty((p_count, f))
    p_sign_any = np.empty((p_count, f))
    for start in range(0, p_count, chunk):
        rows = slice(start, min(start + chunk, p_count))
        size = rows.stop - rows.start
        forms, hold, signed = _rung3(
            problem,
            noise_t,
            _chunk_params(params, rows, size),
            cred[rows].reshape(size, 1, 1),
            x_nash[rows][:, None, :],
            share_nash[rows][:, None, :],
            aid_utility[rows].reshape(size, 1, 1),
        )
        p_deal[rows] = forms.mean(axis=1)
        p_deal_holds[rows] = (hold * forms).mean(axis=1)
        count = forms.sum(axis=1)
        signed_in_deal = (signed & forms[..., None]).sum(axis=1)
        p_sign[rows] = np.where(
            count[:, None] > 0, signed_in_deal / np.maximum(count, 1)[:, None], 0.0
        )
        for j in range(size):  # the same summation as bargain(), row by row
            p_holds[start + j] = hold[j][forms[j]].mean() if count[j] else np.nan
            p_sign_any[start + j] = signed[j].mean(axis=0)
    return BargainDraws(
        factions=problem.factions,
        p_deal=p_deal,
        p_holds=p_holds,
        p_deal_holds=p_deal_holds,
        p_sign=p_sign,
        p_sign_any=p_sign_any,
        credibility=cred,
        exact_offers=exact,
    )


def _per_draw(value: float | FloatArray, p_count: int) -> FloatArray:
    return np.broadcast_to(np.asarray(value, dtype=float), (p_count,)).copy()


def _stay(
    guarantor: Guarantor | str, params: BargainParams, p_count: int, commands: Registry
) -> tuple[str, FloatArray]:
    """The guarantor's kind and its commitment years per draw (as :func:`_credibility` reads
    them)."""
    if isinstance(guarantor, str):
        _, _, years = guarantor_figures(guarantor, params, commands)
        return guarantor, _per_draw(years, p_count)
    return guarantor.kind, _per_draw(guarantor.commitment_years, p_count)


def _credibility(
    guarantor: Guarantor | str, params: BargainParams, p_count: int, commands: Registry
) -> FloatArray:
    """The guarantor's credibility per draw, by the scalar formula (exactly as bargain() has it)."""
    if isinstance(guarantor, str):
        kind = guarantor
        own: tuple[float | FloatArray, ...] = guarantor_figures(kind, params, commands)
    else:
        kind = guarantor.kind
        own = (guarantor.strength_ratio, guarantor.impartiality, guarantor.commitment_years)
    reads = [
        _per_draw(v, p_count)
        for v in (
            *own,
            params.strength_half,
            params.strength_steepness,
            params.commitment_years_scale,
        )
    ]
    return np.array(
        [guarantee_credibility(kind, *map(float, values)) for values in zip(*reads, strict=True)]
    )


def _offers(
    problem: BargainProblem,
    params: BargainParams,
    aid_utility: FloatArray,
    rng_state: np.random.Generator,
    p_count: int,
) -> tuple[FloatArray, FloatArray, int]:
    """The Nash offer's terms (P, d) and aid shares (P, n), one solve per distinct input."""
    tie_rank = np.empty(problem.n, dtype=np.intp)
    tie_rank[problem.canonical_order()] = np.arange(problem.n)
    offer_params = params_shaped(params, (p_count, 1), slice(None))
    fight0, _ = war_values(problem.positions, problem.salience, problem.capability, offer_params)
    fight0 = np.broadcast_to(fight0, (p_count, problem.n))
    keys = np.column_stack([fight0, aid_utility])
    unique, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)

    def exact(i: int) -> tuple[FloatArray, FloatArray]:
        nominal = _nominal_offers(
            problem,
            params_at(params, i) if param_draws(params) else params,
            float(aid_utility[i]),
            tie_rank,
            copy.deepcopy(rng_state),
        )
        return nominal.x_nash, nominal.share_nash

    x_u = np.empty((unique.shape[0], problem.d))
    s_u = np.empty((unique.shape[0], problem.n))
    todo = np.arange(unique.shape[0])
    n_exact = 0
    table = ~problem.spoiler
    start = _nominal_offers_anchor(problem) if table.any() else None
    while todo.size:
        if start is not None:
            batch = nash_batch(
                problem.positions,
                problem.salience,
                unique[todo, :-1],
                problem.capability,
                unique[todo, -1],
                table,
                _nominal_offers_anchor(problem),
                start,
            )
            x_u[todo], s_u[todo] = batch.positions, batch.aid_shares
            todo = todo[~batch.solved]
            if not todo.size:
                break
        # One exact solve; its terms start the batch again for the rest (at most twice).
        k = int(todo[0])
        x_u[k], s_u[k] = exact(int(first[k]))
        n_exact += 1
        todo = todo[1:]
        start = x_u[k] if table.any() and n_exact == 1 else None
    return x_u[inverse], s_u[inverse], n_exact


def _nominal_offers_anchor(problem: BargainProblem) -> FloatArray:
    """The compromise point the Nash offer is pulled toward (parameter-free)."""
    table = ~problem.spoiler
    return compromise_positions(
        problem.positions[table], problem.salience[table], problem.capability[table]
    )


def _chunk_params(params: BargainParams, rows: slice, size: int) -> BargainParams:
    return params_shaped(params, (size, 1, 1), rows)


def _numpy_sum(slabs: FloatArray) -> FloatArray:
    """Sum over the first axis in the order numpy reduces a contiguous last axis of that length.

    numpy adds short rows (< 8) in sequence and longer ones pairwise with eight accumulators, so
    summing issue-major slabs this way gives bit for bit what :func:`bargain` gets with
    ``.sum(axis=-1)`` on faction-major arrays.
    """
    n = slabs.shape[0]
    if n < 8:
        total = slabs[0].copy()
        for k in range(1, n):
            total += slabs[k]
        return total
    if n <= 128:
        acc = slabs[:8].copy()
        whole = n - n % 8
        for k in range(8, whole, 8):
            acc += slabs[k : k + 8]
        total = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
        for k in range(whole, n):
            total += slabs[k]
        return total
    half = n // 2
    half -= half % 8
    return _numpy_sum(slabs[:half]) + _numpy_sum(slabs[half:])


def _rung3(
    problem: BargainProblem,
    noise: _IssueMajorNoise,
    params: BargainParams,
    cred: FloatArray,
    terms: FloatArray,
    shares: FloatArray,
    aid_utility: FloatArray,
) -> tuple[NDArray[np.bool_], FloatArray, NDArray[np.bool_]]:
    """Formation (Pc, n), holding (Pc, n) and signing (Pc, n, F) for a chunk of draws.

    The (faction x issue)-level work - the coding, the others' compromise (what a faction that
    loses the war lives with) and the value of the offer - runs issue-major, (d, F, Pc, n), so
    every step is a contiguous elementwise operation; it repeats the operations of
    :func:`_coding_from_noise`, :func:`others_compromise` and :func:`policy_utility` in the same
    order, so the numbers are those of :func:`bargain`. The faction-level rest reuses the
    commitment functions as they are, with the parameters shaped (Pc, 1, 1).
    """
    size = cred.shape[0]

    def row(value: float | FloatArray) -> FloatArray:
        return np.broadcast_to(np.asarray(value, dtype=float), (size, 1, 1)).reshape(size, 1)

    capability = _lognormal(
        problem.capability, noise.z_cap, row(params.capability_noise)[..., None]
    )
    u_lose, policy = _policy_values(problem, noise, params, row, capability, terms)
    fight, exploited = war_values_given(u_lose, capability, params)
    value = policy + aid_utility * shares
    q_seen = perceived_implementation(cred, problem.hostility, params)
    signed = signs(value, fight, exploited, q_seen, problem.spoiler)
    forms = deal_forms(signed, capability, problem.spoiler, params)
    hold = hold_probability(cred, signed, capability, params)
    return forms, hold, signed


@dataclass(frozen=True)
class _IssueMajorNoise:
    """The coding noise: positions and saliences issue-major (d, F, 1, n); capabilities (n, F)."""

    z_pos: FloatArray
    z_sal: FloatArray
    z_cap: FloatArray

    @classmethod
    def of(cls, noise: tuple[FloatArray, FloatArray, FloatArray]) -> _IssueMajorNoise:
        z_pos, z_sal, z_cap = noise

        def issue_major(z: FloatArray) -> FloatArray:
            return np.ascontiguousarray(np.transpose(z, (2, 1, 0))[:, :, None, :])

        return cls(issue_major(z_pos), issue_major(z_sal), z_cap)


def _policy_values(
    problem: BargainProblem,
    noise: _IssueMajorNoise,
    params: BargainParams,
    row: Callable[[float | FloatArray], FloatArray],
    capability: FloatArray,
    terms: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Utility of the others' compromise and of the offer's terms, (Pc, n, F) each."""
    pos0 = problem.positions.T[:, :, None, None]
    sal0 = problem.salience.T[:, :, None, None]
    positions = _noisy_positions(pos0, noise.z_pos, row(params.position_noise))
    salience = _lognormal(sal0, noise.z_sal, row(params.salience_noise))
    totals = _numpy_sum(salience)
    if np.all(totals > 0):
        salience /= totals
    else:
        salience = np.where(totals > 0, salience / np.where(totals > 0, totals, 1.0), salience)
    # others_compromise, issue-major (sums over factions run slab by slab, as numpy's do).
    cap = np.moveaxis(capability, -1, 0)  # (F, Pc, n)
    weights = cap * salience
    total = weights.sum(axis=1, keepdims=True)
    weighted_pos = weights * positions
    weighted = weighted_pos.sum(axis=1, keepdims=True)
    rest = np.subtract(total, weights, out=weights)
    rest_weighted = np.subtract(weighted, weighted_pos, out=weighted_pos)
    if np.all(rest > 1e-15):
        imposed = np.divide(rest_weighted, rest, out=rest_weighted)
    else:
        safe = np.where(rest > 1e-15, rest, 1.0)
        imposed = np.where(rest > 1e-15, rest_weighted / safe, positions)
    del weights, rest

    def utility(x: FloatArray) -> FloatArray:
        gap = np.subtract(x, positions, out=x if x.shape == positions.shape else None)
        np.abs(gap, out=gap)
        gap *= salience
        loss = _numpy_sum(gap)
        loss /= 100.0
        return np.moveaxis(1.0 - loss, 0, -1)

    u_lose = utility(imposed)
    policy = utility(np.transpose(terms, (2, 1, 0))[:, :, :, None])
    return u_lose, policy

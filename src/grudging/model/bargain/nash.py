"""Rung 2 of the ladder: the asymmetric Nash bargaining solution over policy and aid.

Each faction i values a deal (x, s) - positions x on every issue and a share s_i of the aid - at

    V_i(x, s) = 1 - sum_k salience_ik |x_k - p_ik| / 100 + a s_i,

a city-block (linear-loss) spatial utility plus transferable aid worth ``a`` policy units a year
in all. The solution maximises sum_i w_i log(V_i - d_i) over the deals every participant prefers
to its disagreement value d_i (the value of fighting on), with bargaining weights w_i
proportional to capability (Nash 1950, *Econometrica* 18(2); the asymmetric solution of Harsanyi
& Selten 1972, *Management Science* 18(5)). Aid enlarges the feasible set: it is how side
payments buy in a faction that the policy space alone cannot satisfy.

With the absolute values written as auxiliary variables t_ik >= |x_k - p_ik| the problem is a
smooth concave maximisation under linear constraints, solved with SLSQP from several feasible
starts. Whether any deal is acceptable to a set of factions is a linear programme (maximise the
smallest gain); when none is, the faction whose departure helps most is left out - it holds out -
and the rest bargain on. A tiny pull toward the compromise point picks one deal where the policy
optimum is flat, so the solution is unique (and relabelling factions changes nothing).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog, minimize

FloatArray = NDArray[np.float64]

FEASIBILITY_TOLERANCE = 1e-7
"""Smallest gain over the disagreement value that counts as acceptable."""
_PULL = 1e-5  # weight of the pull toward the anchor (unique policy optimum)
_SMOOTH = 1e-5  # |z| is smoothed to sqrt(z^2 + e^2) - e in the optimiser (positions / 100)
_SMOOTHING_PATH = (1e-2, 1e-3, 1e-4, _SMOOTH)  # continuation of the batched Newton solver


@dataclass(frozen=True)
class NashSolution:
    """The Nash bargaining solution and who was left out.

    Attributes
    ----------
    participants
        (n,) factions inside the deal.
    positions
        (d,) terms on every issue, 0-100 scale.
    aid_shares
        (n,) share of the aid each faction receives (0 outside the deal; all 0 without aid).
    gains
        (n,) value of the deal over the disagreement value (NaN outside the deal).
    excluded
        Indices of the factions left out, in the order they were dropped.
    converged
        Whether the optimiser reported success.
    """

    participants: NDArray[np.bool_]
    positions: FloatArray
    aid_shares: FloatArray
    gains: FloatArray
    excluded: tuple[int, ...]
    converged: bool


def policy_utility(x: FloatArray, positions: FloatArray, salience: FloatArray) -> FloatArray:
    """1 - sum_k salience_ik |x_k - p_ik| / 100, broadcasting over leading axes.

    ``x`` is (..., d) or (..., n, d); ``positions`` and ``salience`` are (..., n, d).
    """
    if x.ndim == positions.ndim - 1:
        x = x[..., None, :]
    loss: FloatArray = (salience * np.abs(x - positions)).sum(axis=-1) / 100.0
    return 1.0 - loss


@dataclass(frozen=True)
class _Layout:
    d: int
    m: int
    with_aid: bool

    @property
    def n_s(self) -> int:
        return self.m if self.with_aid else 0

    @property
    def size(self) -> int:
        return self.d + self.n_s + self.m * self.d

    def t_index(self, i: int, k: int) -> int:
        return self.d + self.n_s + i * self.d + k


def _linear_parts(
    p: FloatArray, sal: FloatArray, dis: FloatArray, aid: float, layout: _Layout
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Gains as G v + h, and the |x - p| rows as A v <= b (without z)."""
    m, d = p.shape
    size = layout.size
    g_mat = np.zeros((m, size))
    g_off = 1.0 - dis
    rows = np.zeros((2 * m * d, size))
    rhs = np.zeros(2 * m * d)
    for i in range(m):
        if layout.with_aid:
            g_mat[i, d + i] = aid
        for k in range(d):
            t = layout.t_index(i, k)
            g_mat[i, t] = -sal[i, k]
            r = 2 * (i * d + k)
            rows[r, k], rows[r, t], rhs[r] = 1.0, -1.0, p[i, k]
            rows[r + 1, k], rows[r + 1, t], rhs[r + 1] = -1.0, -1.0, -p[i, k]
    return g_mat, g_off, rows, rhs


def _bounds(layout: _Layout) -> list[tuple[float, float]]:
    return [(0.0, 1.0)] * layout.size


def _maximin(
    p: FloatArray,
    sal: FloatArray,
    dis: FloatArray,
    aid: float,
    extra_objective: FloatArray | None = None,
    z_floor: float | None = None,
) -> tuple[float, FloatArray | None]:
    """Largest smallest gain over all deals (a linear programme) and a deal attaining it."""
    m, d = p.shape
    layout = _Layout(d=d, m=m, with_aid=aid > 0)
    g_mat, g_off, rows, rhs = _linear_parts(p, sal, dis, aid, layout)
    size = layout.size
    # z - gain_i <= 0  ->  z - G_i v <= h_i
    a_ub = np.vstack(
        [
            np.hstack([rows, np.zeros((rows.shape[0], 1))]),
            np.hstack([-g_mat, np.ones((m, 1))]),
        ]
    )
    b_ub = np.concatenate([rhs, g_off])
    cost = np.zeros(size + 1)
    cost[-1] = -1.0
    if extra_objective is not None:
        cost[:size] += extra_objective
    a_eq = b_eq = None
    if layout.with_aid:
        a_eq = np.zeros((1, size + 1))
        a_eq[0, d : d + m] = 1.0
        b_eq = np.array([1.0])
    bounds = [*_bounds(layout), (z_floor, None)]
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if not res.success:
        return -np.inf, None
    v = np.asarray(res.x[:size], dtype=float)
    z = float(np.min(g_mat @ v + g_off))
    return z, v


def _solve_nbs(
    p: FloatArray,
    sal: FloatArray,
    dis: FloatArray,
    w: FloatArray,
    aid: float,
    anchor: FloatArray,
    starts: Sequence[FloatArray],
) -> tuple[FloatArray, FloatArray, bool]:
    """Maximise sum w log(gain) over (x, s), |.| smoothed to sqrt(z^2 + e^2) - e (e = _SMOOTH)."""
    m, d = p.shape
    with_aid = aid > 0
    weights = w / w.sum()
    n_var = d + (m if with_aid else 0)

    def split(v: FloatArray) -> tuple[FloatArray, FloatArray]:
        return v[:d], (v[d:] if with_aid else np.zeros(m))

    def parts(v: FloatArray) -> tuple[FloatArray, FloatArray]:
        x, s = split(v)
        z = x[None, :] - p
        root = np.sqrt(z * z + _SMOOTH * _SMOOTH)
        gains = 1.0 - (sal * (root - _SMOOTH)).sum(axis=1) + aid * s - dis
        dgain_dx = -sal * z / root  # (m, d)
        return gains, dgain_dx

    def jac_gains(v: FloatArray) -> FloatArray:
        _, dgx = parts(v)
        jac = np.zeros((m, n_var))
        jac[:, :d] = dgx
        if with_aid:
            jac[:, d:] = aid * np.eye(m)
        return jac

    def objective(v: FloatArray) -> float:
        gains, _ = parts(v)
        pull = _PULL * float(np.sum((v[:d] - anchor) ** 2))
        return float(-weights @ np.log(np.maximum(gains, 1e-300))) + pull

    def gradient(v: FloatArray) -> FloatArray:
        gains, _ = parts(v)
        grad = -(weights / np.maximum(gains, 1e-300)) @ jac_gains(v)
        grad[:d] += 2.0 * _PULL * (v[:d] - anchor)
        return np.asarray(grad, dtype=float)

    constraints: list[dict[str, object]] = [
        {
            "type": "ineq",
            "fun": lambda v: parts(v)[0] - FEASIBILITY_TOLERANCE,
            "jac": jac_gains,
        }
    ]
    if with_aid:
        eq = np.zeros((1, n_var))
        eq[0, d:] = 1.0
        constraints.append({"type": "eq", "fun": lambda v: eq @ v - 1.0, "jac": lambda v: eq})
    bounds = [(0.0, 1.0)] * n_var
    candidates: list[tuple[float, FloatArray, bool]] = [(objective(starts[0]), starts[0], False)]
    for v0 in starts:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = minimize(
                objective,
                v0,
                jac=gradient,
                bounds=bounds,
                constraints=constraints,
                method="SLSQP",
                options={"maxiter": 500, "ftol": 1e-14},
            )
        v = np.clip(np.asarray(res.x, dtype=float), 0.0, 1.0)
        if bool(np.all(parts(v)[0] > 0)):
            candidates.append((objective(v), v, bool(res.success)))
    best = min(candidates, key=lambda c: c[0])
    x, s = split(best[1])
    return x, s, best[2]


def nash_bargaining(
    positions: FloatArray,
    salience: FloatArray,
    disagreement: FloatArray,
    weights: FloatArray,
    aid_utility: float,
    eligible: NDArray[np.bool_] | None = None,
    *,
    anchor: FloatArray | None = None,
    tie_rank: NDArray[np.intp] | None = None,
    rng: np.random.Generator | None = None,
    starts: int = 2,
) -> NashSolution:
    """Asymmetric Nash bargaining solution over positions and aid shares.

    Parameters
    ----------
    positions, salience
        (n, d) ideal points (0-100) and salience weights.
    disagreement
        (n,) value of fighting on, policy units a year.
    weights
        (n,) bargaining weights (capability); normalised over the participants.
    aid_utility
        Value of all the aid on offer, policy units a year (0: no side payments).
    eligible
        (n,) factions that may take part (spoilers never do). Default: all.
    anchor
        (d,) point (0-100) the solution is pulled toward where the optimum is flat; default the
        weighted mean of the eligible factions' positions.
    tie_rank
        (n,) rank breaking ties when choosing whom to leave out (lower goes first after lower
        weight). Default: index order.
    rng
        Generator for the extra starting points (deterministic given ``rng``).
    starts
        Extra starting points besides the maximin deal.

    Returns
    -------
    NashSolution
    """
    p_all = np.asarray(positions, dtype=float) / 100.0
    sal_all = np.asarray(salience, dtype=float)
    dis_all = np.asarray(disagreement, dtype=float)
    w_all = np.asarray(weights, dtype=float)
    n, d = p_all.shape
    inside = np.ones(n, dtype=bool) if eligible is None else np.asarray(eligible, bool).copy()
    rank = np.arange(n) if tie_rank is None else np.asarray(tie_rank)
    aid = max(float(aid_utility), 0.0)
    excluded: list[int] = []

    def margin(members: NDArray[np.bool_]) -> float:
        if not members.any():
            return np.inf
        z, _ = _maximin(p_all[members], sal_all[members], dis_all[members], aid)
        return z

    while inside.any() and margin(inside) <= FEASIBILITY_TOLERANCE:
        best: tuple[float, float, int, int] | None = None
        for i in np.flatnonzero(inside):
            trial = inside.copy()
            trial[i] = False
            key = (margin(trial), -float(w_all[i]), -int(rank[i]), int(i))
            if best is None or key > best:
                best = key
        assert best is not None
        inside[best[3]] = False
        excluded.append(best[3])

    shares = np.zeros(n)
    gains = np.full(n, np.nan)
    if not inside.any():
        return NashSolution(inside, np.full(d, np.nan), shares, gains, tuple(excluded), True)

    p, sal, dis, w = p_all[inside], sal_all[inside], dis_all[inside], w_all[inside]
    m = int(inside.sum())
    if anchor is None:
        cw = w[:, None] * sal
        tot = cw.sum(axis=0)
        anchor_x = np.where(tot > 0, (cw * p).sum(axis=0) / np.where(tot > 0, tot, 1), p.mean(0))
    else:
        anchor_x = np.asarray(anchor, dtype=float) / 100.0
    z, lp = _maximin(p, sal, dis, aid)
    assert lp is not None
    layout = _Layout(d=d, m=m, with_aid=aid > 0)
    keep = slice(0, d + layout.n_s)
    starts_v: list[FloatArray] = [lp[keep]]
    generator = rng if rng is not None else np.random.default_rng(0)
    for _ in range(starts):
        direction = np.asarray(generator.normal(size=lp.shape[0]), dtype=float) * 1e-3
        _, v = _maximin(p, sal, dis, aid, extra_objective=direction, z_floor=0.5 * z)
        if v is not None:
            starts_v.append(v[keep])
    x, s, ok = _solve_nbs(p, sal, dis, w, aid, anchor_x, starts_v)
    u = policy_utility(x * 100.0, p * 100.0, sal)
    if layout.with_aid:
        s = np.clip(s, 0.0, None)
        shares[inside] = s / s.sum() if s.sum() > 0 else s
    gains[inside] = u + aid * shares[inside] - dis
    return NashSolution(inside, x * 100.0, shares, gains, tuple(excluded), ok)


# Batched solutions for many disagreement points and aid values -----------------------------------
@dataclass(frozen=True)
class NashBatch:
    """Nash solutions of B problems that differ only in the disagreement values and the aid.

    Attributes
    ----------
    positions
        (B, d) terms, 0-100 scale (NaN where not ``solved``).
    aid_shares
        (B, n) aid shares (0 outside the deal).
    solved
        (B,) whether the Newton iteration converged to a deal that every eligible faction
        gains from by more than :data:`FEASIBILITY_TOLERANCE` (without the smoothing). Then no
        faction is left out, and the terms are those :func:`nash_bargaining` seeks; elsewhere
        solve that row with :func:`nash_bargaining`.
    """

    positions: FloatArray
    aid_shares: FloatArray
    solved: NDArray[np.bool_]


def _water_fill(h: FloatArray, w: FloatArray, aid: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Optimal aid split given the policy gains ``h`` (B, m): max sum w log(h + aid s), s in simplex.

    The factions with the lowest h_i / w_i receive aid until their gains reach w_i tau (water
    filling); returns (tau (B,), recipients (B, m) as 0/1). tau <= 0 means no split helps.
    """
    ratio = h / w
    order = np.argsort(ratio, axis=1, kind="stable")
    h_sorted = np.take_along_axis(h, order, axis=1)
    w_sorted = w[order]
    tau_k = (aid[:, None] + np.cumsum(h_sorted, axis=1)) / np.cumsum(w_sorted, axis=1)
    taking = tau_k > np.take_along_axis(ratio, order, axis=1)  # the k-th gets a positive share
    count = taking.sum(axis=1)
    rows = np.arange(h.shape[0])
    tau = np.where(count > 0, tau_k[rows, np.maximum(count - 1, 0)], 0.0)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(h.shape[1])[None, :], axis=1)
    recipients = (rank < count[:, None]).astype(float)
    return tau, recipients


def nash_batch(
    positions: FloatArray,
    salience: FloatArray,
    disagreement: FloatArray,
    weights: FloatArray,
    aid_utility: FloatArray,
    eligible: NDArray[np.bool_],
    anchor: FloatArray,
    start: FloatArray,
    *,
    max_iter: int = 200,
) -> NashBatch:
    """The smoothed Nash problem of :func:`nash_bargaining` solved by Newton's method, batched.

    Only the disagreement values (B, n) and the aid (B,) differ between the B problems. The aid
    shares are eliminated in closed form (water filling: given the terms, the Nash product puts the
    aid where the weighted gain is lowest), which leaves a smooth, strictly concave objective in
    the terms alone, maximised over [0, 100]^d by projected Newton steps with an Armijo search
    (Bertsekas 1982, *SIAM J. Control Optim.* 20(2)). The problem is strictly concave, so its
    maximiser is unique and this finds the point SLSQP approaches, to rounding rather than to
    SLSQP's tolerance. ``start`` (d,) on the 0-100 scale must be a deal all eligible factions gain
    from in most rows (e.g. the terms of one :func:`nash_bargaining` solution); rows where it is
    not, or where Newton stalls, are returned unsolved.
    """
    inside = np.asarray(eligible, bool)
    p = np.asarray(positions, float)[inside] / 100.0
    sal = np.asarray(salience, float)[inside]
    dis = np.asarray(disagreement, float)[:, inside]
    w = np.asarray(weights, float)[inside]
    w = w / w.sum()
    aid = np.maximum(np.asarray(aid_utility, float), 0.0)
    anc = np.asarray(anchor, float) / 100.0
    b, d = dis.shape[0], p.shape[1]

    def value(
        x: FloatArray, rows: NDArray[np.intp], eps: float
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """f = -sum w log g + pull (inf outside the domain), h, tau and recipients."""
        z = x[:, None, :] - p
        h = 1.0 - (sal * (np.sqrt(z * z + eps * eps) - eps)).sum(axis=-1) - dis[rows]
        tau, rec = _water_fill(h, w, aid[rows])
        g = np.where(rec > 0, w * tau[:, None], h)
        with np.errstate(divide="ignore", invalid="ignore"):
            f = -(w * np.log(g)).sum(axis=1) + _PULL * ((x - anc) ** 2).sum(axis=1)
        f = np.where((tau >= 0) & np.all(g > 0, axis=1), f, np.inf)
        return f, h, tau, rec

    def derivatives(
        x: FloatArray, h: FloatArray, tau: FloatArray, rec: FloatArray, eps: float
    ) -> tuple[FloatArray, FloatArray]:
        """Gradient (B, d) and Hessian (B, d, d) of f for the current recipients."""
        z = x[:, None, :] - p
        r = np.sqrt(z * z + eps * eps)
        dh = -sal * z / r  # (B, m, d)
        d2h = -sal * eps * eps / (r * r * r)  # diagonal of each h_i's Hessian
        out = rec == 0
        tau_safe = np.where(tau > 0, tau, 1.0)
        coef = np.where(out, w / np.where(out, h, 1.0), 1.0 / tau_safe[:, None])  # w_i / g_i
        grad = (coef[:, :, None] * dh).sum(axis=1)
        hdiag = (coef[:, :, None] * d2h).sum(axis=1)
        a_out = np.where(out, np.sqrt(w) / np.where(out, h, 1.0), 0.0)[:, :, None] * dh
        hess = -np.einsum("bik,bil->bkl", a_out, a_out)
        w_rec = (rec * w).sum(axis=1)
        dh_rec = (rec[:, :, None] * dh).sum(axis=1)
        scale = np.where(w_rec > 0, 1.0 / (np.where(w_rec > 0, w_rec, 1.0) * tau_safe**2), 0.0)
        hess -= scale[:, None, None] * dh_rec[:, :, None] * dh_rec[:, None, :]
        hess[:, np.arange(d), np.arange(d)] += hdiag
        # f = -F + pull: negate and add the pull.
        grad_f = -grad + 2.0 * _PULL * (x - anc)
        hess_f = -hess + 2.0 * _PULL * np.eye(d)
        return grad_f, hess_f

    x = np.broadcast_to(np.asarray(start, float) / 100.0, (b, d)).copy()
    running = np.ones(b, bool)
    for eps in _SMOOTHING_PATH:
        f, h, tau, rec = value(x, np.arange(b), eps)
        running &= np.isfinite(f)
        done = np.zeros(b, bool)
        last = eps == _SMOOTH
        for _ in range(max_iter):
            idx = np.flatnonzero(running & ~done)
            if idx.size == 0:
                break
            xs, fs = x[idx], f[idx]
            grad, hess = derivatives(xs, h[idx], tau[idx], rec[idx], eps)
            fixed = ((xs <= 0.0) & (grad > 0)) | ((xs >= 1.0) & (grad < 0))
            hess = np.where(fixed[:, :, None] | fixed[:, None, :], 0.0, hess)
            hess[:, np.arange(d), np.arange(d)] = np.where(fixed, 1.0, np.diagonal(hess, 0, 1, 2))
            try:
                step = -np.linalg.solve(hess, np.where(fixed, 0.0, grad)[:, :, None])[:, :, 0]
            except np.linalg.LinAlgError:  # a singular Hessian: leave these rows to SLSQP
                running[idx] = False
                break
            decrement = -(grad * step).sum(axis=1)
            converged = decrement < (1e-24 if last else 1e-12)
            # Near the optimum take the full Newton step (Armijo cannot resolve f there).
            near = decrement < 1e-12
            alpha = np.ones(idx.size)
            accepted = converged.copy()
            new_x, new_f = xs.copy(), fs.copy()
            parts = (h[idx].copy(), tau[idx].copy(), rec[idx].copy())
            for _ in range(60):
                trial_rows = np.flatnonzero(~accepted)
                if trial_rows.size == 0:
                    break
                xt = np.clip(xs[trial_rows] + alpha[trial_rows, None] * step[trial_rows], 0.0, 1.0)
                ft, ht, taut, rect = value(xt, idx[trial_rows], eps)
                moved = ((xt - xs[trial_rows]) * grad[trial_rows]).sum(axis=1)
                ok = (ft <= fs[trial_rows] + 1e-4 * moved) | (near[trial_rows] & np.isfinite(ft))
                good = trial_rows[ok]
                new_x[good], new_f[good] = xt[ok], ft[ok]
                parts[0][good], parts[1][good], parts[2][good] = ht[ok], taut[ok], rect[ok]
                accepted[good] = True
                alpha[trial_rows[~ok]] *= 0.5
            stalled = ~accepted
            x[idx], f[idx] = new_x, new_f
            h[idx], tau[idx], rec[idx] = parts
            done[idx[converged | stalled]] = True
            running[idx[stalled & ~converged]] = False
        running &= done
    solved = running
    # Certify: every eligible faction gains more than the tolerance, without the smoothing (the
    # linear programme's test in nash_bargaining), so it leaves no one out.
    z = x[:, None, :] - p
    shares_in = np.where(
        rec > 0, (w * tau[:, None] - h) / np.where(aid > 0, aid, 1.0)[:, None], 0.0
    )
    shares_in = np.where(aid[:, None] > 0, np.maximum(shares_in, 0.0), 0.0)
    exact_gain = 1.0 - (sal * np.abs(z)).sum(axis=-1) + aid[:, None] * shares_in - dis
    solved &= np.all(exact_gain > FEASIBILITY_TOLERANCE, axis=1)
    total = shares_in.sum(axis=1, keepdims=True)
    shares_in = np.where(total > 0, shares_in / np.where(total > 0, total, 1.0), 0.0)
    shares = np.zeros((b, inside.size))
    shares[:, inside] = shares_in
    terms = np.where(solved[:, None], x * 100.0, np.nan)
    return NashBatch(positions=terms, aid_shares=shares, solved=solved)

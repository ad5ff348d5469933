"""Calibrate the willingness model on a real force generation (for Iraq: MNF-I 2003-2006).

What is fitted, and how
-----------------------
*Participation*: whether each candidate nation of the scenario sent troops at any time in the fit
window, against the attribute terms of the score (refugees, neighbour, terrorism, energy, NATO,
EU, US troops at home, opposition to the intervention, capacity, Muslim majority, UNGA alignment
with the patron, partnership, major non-NATO ally) and the cash channel, by penalised maximum likelihood (logit): the declared prior of each coefficient enters
as a Gaussian with mean its value and standard deviation a quarter of its range. With some 50
nations and a dozen coefficients the penalty is what keeps the fit finite where the data separate
perfectly (no neighbour of Iraq sent troops); the prior's weight is reported. Intervals are the
5-95 % range of the Laplace approximation (inverse Hessian at the optimum).

*Size*: the peak contingent of each contributor, as a share of its sustainable capacity,
``log(peak) = log(capacity) + log(logistic(size_intercept + size_capacity * log(capacity /
capacity_reference) + size_score * score)) + noise``, by penalised least squares (Gaussian noise,
same priors).

Coding of the offers actually made in 2003-2006: the coalition was US-commanded (the baseline:
no command term); cash and airlift/logistics support were offered to every poorer contributor
(Coalition Solidarity Fund, US lift and sustainment), coded as made to every nation whose GDP
per capita is below ``willingness.gdp_reference``: the cash term ``beta_cash * log(gdp_reference /
GDP per capita)`` is then identified, under the stated assumption that GDP per capita acts on
participation only through money; the airlift term, collinear with capacity, enters as an offset
at its prior. No diplomatic concession, no NATO command and no new UN endorsement were offered
(the MNF's UN mandate of 2003-2006 is the baseline of both the fit and the forward model).

Not identified by these data, kept at their priors (and the output says so): the command effects
(NATO, UN), UN endorsement, the concession, aid, airlift, caveats, free riding, and the record of
an earlier coalition (incumbent, withdrew) - that record is what the fit explains.

Fit figures: who contributes (confusion table at the participation threshold, precision, recall,
accuracy, Brier score, McFadden's pseudo-R2, area under the ROC curve, and the same figures for
leave-one-out predictions), sizes (Spearman rank correlation of predicted and observed peaks,
RMSE of log sizes), totals (predicted against observed), and an out-of-sample check against the
contingents present in March 2007 (predicted participants that had not withdrawn by December 2006
against the March 2007 list). IFOR/SFOR is not used here; the leave-one-coalition-out validation
on six coalitions up to 2006 is :mod:`grudging.calibration.coalitions`.

References
----------
Bove, V. & Elia, L. (2011). Supplying peace. *Journal of Peace Research* 48(6), 699-714.
Firth, D. (1993). Bias reduction of maximum likelihood estimates. *Biometrika* 80(1), 27-38
(on penalised likelihood under separation).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from grudging.calibration.coalition_history import HistoryRow
from grudging.model.willingness import (
    attribute_features,
    candidates,
    capacity,
    cash_need,
    contingent_size,
    lead_weight,
    lift_need,
    logistic,
    willingness_params,
)

if TYPE_CHECKING:
    from grudging.scenario.schema import Parameter, Scenario

STAGE = "willingness"
PARTICIPATION = (
    "intercept",
    "beta_refugees",
    "beta_neighbour",
    "beta_terrorism",
    "beta_energy",
    "beta_nato",
    "beta_eu",
    "beta_us_presence",
    "beta_opposed",
    "beta_capacity",
    "beta_muslim",
    "beta_alignment",
    "beta_partner",
    "beta_mnna",
    "beta_cash",
)
SIZE = ("size_intercept", "size_capacity", "size_score")
NOT_IDENTIFIED = {
    "beta_incumbent": "the earlier coalition's record is what the fit explains",
    "beta_withdrew": "the earlier coalition's record is what the fit explains",
    "beta_persistence": "the contingent in the theatre is what the fit explains",
    "size_persistence": "the contingent in the theatre is what the fit explains",
    "size_lead": "a single coalition has too few lead nations; the pooled six-coalition fit gives it",
    "beta_aid": "aid/debt relief was not a separate, coded channel in 2003-2006",
    "beta_airlift": "collinear with capacity (offered to poorer contributors); offset at prior",
    "concession_offset": "no concession was offered in 2003-2006",
    "concession_non_ally": "no concession was offered in 2003-2006",
    "beta_nato_command": "the coalition was always US-commanded",
    "beta_nato_command_outsider": "the coalition was always US-commanded",
    "beta_un_endorsement": "the UN mandate did not vary across nations or time in the window",
    "beta_un_command": "no UN command in the window",
    "beta_un_command_alliance": "no UN command in the window",
    "beta_caveat_refused": "caveats were not coded for the MNF-I contingents",
    "free_riding": "others' total was roughly constant across nations (the patron's force)",
}
Z90 = 1.6448536269514722


@dataclass(frozen=True)
class FittedParameter:
    """A fitted coefficient: MAP value, 5-95 % Laplace interval, the prior it started from."""

    name: str
    value: float
    low: float
    high: float
    prior_value: float
    prior_sd: float
    std_error: float


@dataclass(frozen=True)
class NationFit:
    """One candidate: what it did and what the fitted model says."""

    nation: str
    contributed: bool
    probability: float
    predicted: bool
    peak_troops: int
    predicted_size: float
    capacity: int
    withdrawn: str
    troops_2007_03: int
    present_2007_pred: bool


@dataclass(frozen=True)
class WillingnessFit:
    """The calibration's result."""

    parameters: tuple[FittedParameter, ...]
    priors_kept: tuple[tuple[str, str], ...]
    fit: dict[str, Any]
    nations: tuple[NationFit, ...]
    left_out: tuple[str, ...] = field(default=())

    def to_frame(self) -> Any:
        """One row per candidate nation."""
        import pandas as pd

        return pd.DataFrame([n.__dict__ for n in self.nations])


def _prior(records: Mapping[str, Parameter], name: str) -> tuple[float, float]:
    rec = records[f"{STAGE}.{name}"]
    return rec.value, max((rec.high - rec.low) / 4.0, 1e-6)


def _participation_design(
    scn: Scenario, values: Mapping[str, float]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    p = willingness_params(values)
    nations = candidates(scn)
    x = np.zeros((len(nations), len(PARTICIPATION)))
    offset = np.zeros(len(nations))
    for i, n in enumerate(nations):
        feats = attribute_features(n, p, history=False)
        for j, name in enumerate(PARTICIPATION):
            if name == "intercept":
                x[i, j] = 1.0
            elif name == "beta_cash":
                x[i, j] = cash_need(n, p)
            else:
                x[i, j] = feats[name]
        if cash_need(n, p) > 0:
            offset[i] = p.beta_airlift * lift_need(n, p)
    return [n.id for n in nations], x, offset


def _fit_logit(
    x: np.ndarray, y: np.ndarray, offset: np.ndarray, mu: np.ndarray, sd: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """MAP coefficients and their covariance (Laplace)."""
    from scipy.optimize import minimize

    def nll(beta: np.ndarray) -> tuple[float, np.ndarray]:
        eta = x @ beta + offset
        ll = float(np.sum(y * eta - np.logaddexp(0.0, eta)))
        pen = float(np.sum((beta - mu) ** 2 / (2 * sd**2)))
        prob = 1.0 / (1.0 + np.exp(-eta))
        grad = x.T @ (prob - y) + (beta - mu) / sd**2
        return -ll + pen, grad

    res = minimize(nll, mu.copy(), jac=True, method="BFGS", options={"gtol": 1e-8, "maxiter": 2000})
    beta = res.x
    prob = 1.0 / (1.0 + np.exp(-(x @ beta + offset)))
    hess = x.T @ (x * (prob * (1 - prob))[:, None]) + np.diag(1.0 / sd**2)
    return beta, np.linalg.inv(hess)


def _size_model(
    theta: np.ndarray, lncap: np.ndarray, score: np.ndarray, ref: float, lead: np.ndarray
) -> np.ndarray:
    """Log contingent size: capacity times the logistic share; ``lead`` is the fixed
    ``size_lead * log1p(lead_roles)`` term of the forward model."""
    a, b, c = theta
    z = a + b * (lncap - math.log(ref)) + c * score + lead
    return lncap - np.logaddexp(0.0, -z)


def _fit_sizes(
    lncap: np.ndarray,
    score: np.ndarray,
    log_peak: np.ndarray,
    ref: float,
    mu: np.ndarray,
    sd: np.ndarray,
    lead: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, float]:
    """MAP (a, b, c), their covariance (Gauss-Newton Laplace) and the residual sd."""
    from scipy.optimize import minimize

    n = len(log_peak)

    def objective(params: np.ndarray) -> float:
        theta, log_sigma = params[:3], params[3]
        resid = log_peak - _size_model(theta, lncap, score, ref, lead)
        sigma2 = math.exp(2 * log_sigma)
        return float(
            n * log_sigma
            + np.sum(resid**2) / (2 * sigma2)
            + np.sum((theta - mu) ** 2 / (2 * sd**2))
        )

    start = np.concatenate([mu, [0.0]])
    res = minimize(
        objective,
        start,
        method="Nelder-Mead",
        options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 20000, "maxfev": 40000},
    )
    res = minimize(objective, res.x, method="BFGS")
    theta, sigma = res.x[:3], float(math.exp(res.x[3]))
    eps = 1e-6
    jac = np.empty((n, 3))
    base = _size_model(theta, lncap, score, ref, lead)
    for k in range(3):
        step = theta.copy()
        step[k] += eps
        jac[:, k] = (_size_model(step, lncap, score, ref, lead) - base) / eps
    hess = jac.T @ jac / sigma**2 + np.diag(1.0 / sd**2)
    return theta, np.linalg.inv(hess), sigma


def _auc(prob: np.ndarray, y: np.ndarray) -> float | None:
    from scipy.stats import rankdata

    pos, neg = int(y.sum()), int(len(y) - y.sum())
    if pos == 0 or neg == 0:
        return None
    ranks = rankdata(prob)
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def _confusion(pred: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    tn = int(np.sum(~pred & (y == 0)))
    return {
        "true_positive": tp,
        "false_positive": fp,
        "false_negative": fn,
        "true_negative": tn,
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
        "accuracy": (tp + tn) / len(y) if len(y) else None,
    }


def _spearman(a: Sequence[float], b: Sequence[float]) -> dict[str, Any]:
    from scipy.stats import spearmanr

    if len(a) < 3:
        return {"rho": None, "p_value": None, "n": len(a)}
    res = spearmanr(a, b)
    rho = float(res.statistic) if np.isfinite(res.statistic) else None
    pv = float(res.pvalue) if np.isfinite(res.pvalue) else None
    return {"rho": rho, "p_value": pv, "n": len(a)}


def fit_willingness(
    scn: Scenario,
    history: Sequence[HistoryRow],
    values: Mapping[str, float],
    records: Mapping[str, Parameter],
    window_end: str = "2006-12",
) -> WillingnessFit:
    """Fit participation and size coefficients to the earlier force generation.

    Parameters
    ----------
    scn:
        Scenario whose candidate nations (attributes) are the sample; nations of ``history``
        that are not candidates are left out (and listed).
    history:
        The earlier force generation per nation (see :mod:`coalition_history`).
    values:
        Nominal parameter values (priors, and the fixed parameters of capacity and offsets).
    records:
        Parameter records by name (the priors' ranges).
    window_end:
        Last month of the fit window (withdrawals up to it count for the 2007 check).
    """
    p = willingness_params(values)
    by_nation = {h.nation: h for h in history}
    ids, x, offset = _participation_design(scn, values)
    left_out = tuple(sorted(set(by_nation) - set(ids)))
    y = np.array([1.0 if by_nation.get(i) and by_nation[i].peak_troops > 0 else 0.0 for i in ids])
    mu, sd = (np.array(v) for v in zip(*(_prior(records, n) for n in PARTICIPATION), strict=True))
    beta, cov = _fit_logit(x, y, offset, mu, sd)
    eta = x @ beta + offset
    prob = 1.0 / (1.0 + np.exp(-eta))
    threshold = p.participation_threshold
    pred = prob >= threshold

    # Null model (intercept only, unpenalised) for McFadden's pseudo-R2.
    base = float(np.clip(y.mean(), 1e-9, 1 - 1e-9))
    ll_null = float(np.sum(y * math.log(base) + (1 - y) * math.log(1 - base)))
    ll_fit = float(np.sum(y * eta - np.logaddexp(0.0, eta)))

    # Leave-one-out predictions.
    loo = np.zeros(len(y), dtype=bool)
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        b_i, _ = _fit_logit(x[keep], y[keep], offset[keep], mu, sd)
        loo[i] = logistic(float(x[i] @ b_i + offset[i])) >= threshold

    # Sizes of the observed contributors.
    nations = {n.id: n for n in candidates(scn)}
    caps = np.array([max(capacity(nations[i], p), p.unit_size) for i in ids], dtype=float)
    lncap = np.log(caps)
    contrib = np.flatnonzero(y == 1)
    log_peak = np.log([by_nation[ids[i]].peak_troops for i in contrib])
    mu_s, sd_s = (np.array(v) for v in zip(*(_prior(records, n) for n in SIZE), strict=True))
    lead = np.array([p.size_lead * lead_weight(nations[i]) for i in ids])
    theta, cov_s, sigma = _fit_sizes(
        lncap[contrib], eta[contrib], log_peak, p.capacity_reference, mu_s, sd_s, lead[contrib]
    )
    size_all = np.exp(_size_model(theta, lncap, eta, p.capacity_reference, lead))

    parameters = []
    for j, name in enumerate(PARTICIPATION):
        se = float(math.sqrt(max(cov[j, j], 0.0)))
        parameters.append(
            FittedParameter(
                name,
                float(beta[j]),
                float(beta[j] - Z90 * se),
                float(beta[j] + Z90 * se),
                float(mu[j]),
                float(sd[j]),
                se,
            )
        )
    for j, name in enumerate(SIZE):
        se = float(math.sqrt(max(cov_s[j, j], 0.0)))
        parameters.append(
            FittedParameter(
                name,
                float(theta[j]),
                float(theta[j] - Z90 * se),
                float(theta[j] + Z90 * se),
                float(mu_s[j]),
                float(sd_s[j]),
                se,
            )
        )

    # Model troops under the historic offers (rounded to units, minimum contingent, capacity).
    model_troops = []
    for i, nid in enumerate(ids):
        cap = capacity(nations[nid], p)
        troops = 0
        if pred[i] and cap > 0:
            troops = min(contingent_size(min(float(cap), size_all[i]), p), cap)
        model_troops.append(troops)

    rows = []
    for i, nid in enumerate(ids):
        h = by_nation.get(nid)
        withdrawn = h.withdrawn if h and h.withdrawn and h.withdrawn <= window_end else ""
        rows.append(
            NationFit(
                nation=nid,
                contributed=bool(y[i]),
                probability=float(prob[i]),
                predicted=bool(pred[i]),
                peak_troops=h.peak_troops if h else 0,
                predicted_size=float(size_all[i]),
                capacity=capacity(nations[nid], p),
                withdrawn=withdrawn,
                troops_2007_03=h.troops_2007_03 if h else 0,
                present_2007_pred=bool(pred[i]) and not withdrawn,
            )
        )

    tp_idx = [i for i in range(len(ids)) if y[i] and pred[i]]
    obs_2007 = np.array([r.troops_2007_03 > 0 for r in rows])
    pred_2007 = np.array([r.present_2007_pred for r in rows])
    present = [i for i, r in enumerate(rows) if r.troops_2007_03 > 0]
    fit: dict[str, Any] = {
        "sample": {
            "candidates": len(ids),
            "contributors_observed": int(y.sum()),
            "contributors_predicted": int(pred.sum()),
            "history_nations_not_candidates": list(left_out),
        },
        "participation": {
            "threshold": threshold,
            **_confusion(pred, y),
            "brier": float(np.mean((prob - y) ** 2)),
            "auc": _auc(prob, y),
            "log_likelihood": ll_fit,
            "log_likelihood_null": ll_null,
            "mcfadden_r2": 1.0 - ll_fit / ll_null if ll_null else None,
            "leave_one_out": _confusion(loo, y),
        },
        "sizes": {
            "spearman_predicted_vs_observed_peak": _spearman(
                [float(size_all[i]) for i in contrib],
                [by_nation[ids[i]].peak_troops for i in contrib],
            ),
            "spearman_model_troops_vs_observed_peak_true_positives": _spearman(
                [model_troops[i] for i in tp_idx], [by_nation[ids[i]].peak_troops for i in tp_idx]
            ),
            "rmse_log_size": float(np.sqrt(np.mean((log_peak - np.log(size_all[contrib])) ** 2))),
            "residual_sd_log": sigma,
        },
        "totals": {
            "observed_peak_sum": int(sum(by_nation[ids[i]].peak_troops for i in contrib)),
            "predicted_expected_sum": float(np.sum(prob * size_all)),
            "predicted_model_troops_sum": int(sum(model_troops)),
            "note": "peaks are not simultaneous; the sum of peaks bounds the largest total",
        },
        "out_of_sample_2007_03": {
            "rule": "predicted participant not withdrawn by the window's end vs present in "
            "the Mar 2007 list",
            **_confusion(pred_2007, obs_2007.astype(float)),
            "spearman_predicted_size_vs_2007_03": _spearman(
                [float(size_all[i]) for i in present], [rows[i].troops_2007_03 for i in present]
            ),
            "observed_sum": int(sum(r.troops_2007_03 for r in rows)),
            "predicted_sum": float(sum(size_all[i] for i in range(len(ids)) if pred_2007[i])),
            "note": "the model predicts peak sizes; contingents had shrunk by 2007",
        },
        "penalty": {
            "prior_sd_rule": "a quarter of the declared range",
            "largest_shift_in_prior_sds": float(
                max(abs(fp_.value - fp_.prior_value) / fp_.prior_sd for fp_ in parameters)
            ),
        },
    }
    priors_kept = tuple((f"{STAGE}.{k}", v) for k, v in NOT_IDENTIFIED.items())
    return WillingnessFit(tuple(parameters), priors_kept, fit, tuple(rows), left_out)


def calibration_document(
    result: WillingnessFit,
    scn: Scenario,
    history_file: str,
    history_origin: str,
    window: tuple[str, str],
    history: Sequence[HistoryRow],
) -> dict[str, Any]:
    """The calibration file's content (the format ``calibration_files`` reads)."""
    return {
        "calibration": STAGE,
        "method": (
            "penalised maximum likelihood: logit of participation and Gaussian model of log peak "
            "size against nation attributes; Gaussian priors at the declared values with sd a "
            "quarter of the declared range; 5-95 % Laplace intervals (see "
            "grudging.calibration.willingness)"
        ),
        "data_window": {"start": window[0], "end": window[1]},
        "data": [
            {
                "name": history_file,
                "what": "the theatre's earlier coalition per nation: peak contingent up to the "
                "window's end, withdrawal month; two later lists for the out-of-sample check only",
                "origin": history_origin,
                "sources": sorted(
                    {s.strip() for h in history for s in h.sources.split(";") if s.strip()}
                ),
                "rows": len(history),
            },
            {
                "name": f"scenario '{scn.id}' nations",
                "what": "candidate nations' attributes (the sample: contributors and the rest)",
                "rows": len(result.nations),
            },
        ],
        "coding": {
            "command": "US-led throughout (baseline, no command term)",
            "cash_per_troop": "offered to every nation below willingness.gdp_reference "
            "(Coalition Solidarity Fund, US support); identifies beta_cash",
            "airlift_logistics": "offered with cash; offset at the prior (not identified)",
            "un_endorsement": "the MNF's UN mandate is the baseline of fit and forward model",
            "excluded": "IFOR/SFOR (out-of-sample test of the evidence stage); 2007 lists "
            "(out-of-sample check here)",
        },
        "fit": _plain(result.fit),
        "parameters": [
            {
                "name": f"{STAGE}.{p.name}",
                "value": round(p.value, 6),
                "low": round(p.low, 6),
                "high": round(p.high, 6),
            }
            for p in result.parameters
        ],
        "priors_kept": [{"name": n, "reason": r} for n, r in result.priors_kept],
        "nations": [
            {
                "nation": n.nation,
                "contributed": n.contributed,
                "probability": round(n.probability, 4),
                "predicted": n.predicted,
                "peak_troops": n.peak_troops,
                "predicted_size": round(n.predicted_size, 1),
                "troops_2007_03": n.troops_2007_03,
            }
            for n in result.nations
        ],
    }


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, float):
        return round(obj, 6) if math.isfinite(obj) else None
    if isinstance(obj, np.generic):
        return _plain(obj.item())
    return obj


def write_document(doc: Mapping[str, Any], path: Path) -> None:
    """Write the calibration file (YAML)."""
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# Written by 'grudging calibrate willingness'; do not edit by hand - re-run the command.\n"
    )
    path.write_text(
        header
        + yaml.dump(
            dict(doc), Dumper=yaml.CSafeDumper, sort_keys=False, width=100, allow_unicode=True
        ),
        encoding="utf-8",
    )

"""Calibration of the commitment rung on many post-war settlements.

Maximum likelihood of the bargain's own probability that a signed settlement holds,
``P(hold) = hold_probability(c, all signed) = 1 - r0 (1 - R c)`` with
``c = credibility(Guarantor(kind, strength, impartiality, years))`` and r0 the war's relapse risk
without a guarantor (odds(1 - q0) x OR^(identity_war - 1): q0 is an identity war's rate), on
the curated table of post-war episodes (``data/settlements.csv``, derived by
``scripts/derive_settlements.py`` from Fortna 2008 and Walter 2015). The mapping from the data's
peacekeeping fields to the guarantor is written down in
``docs/design-notes/settlement-calibration.md``. Fitted: ``implementation_base`` (q0),
``relapse_reduction`` (R), ``strength_half`` (r50) and ``identity_relapse_odds`` (OR); every
other parameter keeps the scenario's value. Intervals: profile likelihood (95 %, chi-square with
one degree of freedom). Episodes starting up to 1995 train; later ones only test (Brier score and
log-loss against the training base rate, a peacekeepers-present rule and an identity-war rule; a
calibration table).

References: Walter, B. F. (2002) *Committing to Peace*, Princeton UP; Walter (2015) Why bad
governance leads to repeat civil war, *Journal of Conflict Resolution* 59(7); Fortna, V. P. (2004)
Does peacekeeping keep peace?, *International Studies Quarterly* 48(2); Fortna (2008) *Does
Peacekeeping Work?*, Princeton UP; Doyle, M. W. & Sambanis, N. (2000) International
peacebuilding, *American Political Science Review* 94(4).
"""

from __future__ import annotations

import csv
import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

from grudging.cases.scoring import brier_gap
from grudging.errors import GrudgingError
from grudging.model.bargain.commitment import hold_probability
from grudging.model.bargain.params import (
    BargainParams,
    Guarantor,
    guarantee_credibility,
    guarantor_figures,
)

DATA_FILE = Path(__file__).resolve().parent / "data" / "settlements.csv"
OUTPUT_FILE = "settlements.yaml"
HORIZON_YEARS = 5
LAST_TRAINING_YEAR = 1995
INFORMATION_DATE = "2006-12"
#: The span a start year must lie in to be read as a year at all (the table runs 1947-2008).
FIRST_YEAR, LAST_YEAR = 1900, 2100

COLUMNS: tuple[str, ...] = (
    "episode",
    "dataset",
    "ccode",
    "country",
    "start_date",
    "start_year",
    "ended_by",
    "agreement_signed",
    "identity_war",
    "partial_ceasefire",
    "questionable",
    "pk_present",
    "pk_type",
    "pk_by",
    "pk_years_5y",
    "years_observed",
    "years_to_relapse",
    "relapse_2y",
    "relapse_5y",
    "also_in",
    "split",
    "source",
)
#: Columns the fit reads (a table without one of them is refused).
REQUIRED: tuple[str, ...] = (
    "episode",
    "start_year",
    "ended_by",
    "agreement_signed",
    "identity_war",
    "questionable",
    "pk_type",
    "pk_by",
    "relapse_2y",
    "relapse_5y",
    "also_in",
    "split",
    "source",
)

#: Strength ratio (effective strength / requirement) assumed for each peacekeeping type (design
#: note: orders of magnitude of the missions Fortna's codebook names as examples against a
#: requirement of 20 per 1,000 inhabitants). ``unknown``: a UN mission of unrecorded type.
STRENGTH_BY_TYPE: dict[str, float] = {
    "monitoring": 0.005,
    "interposition": 0.02,
    "multidimensional": 0.10,
    "enforcement": 0.50,
    "unknown": 0.10,
}
#: Who led the mission -> the scenario's guarantor kind whose impartiality and years it takes.
KIND_BY_LEADER: dict[str, str] = {"un": "un", "regional": "nato", "power": "us", "unknown": "nato"}
FITTED = ("implementation_base", "relapse_reduction", "strength_half", "identity_relapse_odds")
BOUNDS: dict[str, tuple[float, float]] = {
    "implementation_base": (0.01, 0.99),
    "relapse_reduction": (0.0, 1.0),
    "strength_half": (0.001, 5.0),
    "identity_relapse_odds": (0.05, 50.0),
}
#: Fitted on the log scale (positive, multiplicative).
LOG_SCALE = frozenset({"strength_half", "identity_relapse_odds"})


# Data ----------------------------------------------------------------------------------------
def write_settlements(rows: Sequence[Mapping[str, str]], path: Path) -> None:
    """Write the curated table (fixed column order, LF line ends: byte-identical reruns)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({c: r[c] for c in COLUMNS})


@dataclass(frozen=True)
class Episode:
    """One post-war episode as the fit reads it."""

    episode: str
    start_year: int
    ended_by: str
    agreement_signed: bool
    identity_war: float
    """1: a war fought along ethnic or religious lines (Doyle & Sambanis coding), 0: not; an
    uncoded episode takes the share of identity wars among the coded training episodes."""
    questionable: bool
    pk_type: str
    pk_by: str
    relapse: dict[int, int | None]
    also_in: str
    split: str
    source: str


def read_settlements(path: Path = DATA_FILE) -> list[Episode]:
    """The curated table, checked: every required column, a source on every row, the split rule."""
    if not path.is_file():
        raise GrudgingError(f"{path}: settlements table not found; give an existing CSV file")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise GrudgingError(
                f"{path.name}: settlements table lacks column(s) {', '.join(missing)}; "
                "rebuild it with scripts/derive_settlements.py"
            )
        rows = list(reader)
    coded = [r["identity_war"] for r in rows if r["split"] == "train" and r["identity_war"]]
    unknown_identity = sum(v == "1" for v in coded) / len(coded) if coded else 1.0
    out = []
    for i, r in enumerate(rows, start=2):
        where = f"{path.name}:{i}"
        try:
            start = int(r["start_year"])
            relapse = {
                n: None if r[f"relapse_{n}y"] == "" else int(r[f"relapse_{n}y"]) for n in (2, 5)
            }
        except ValueError as err:
            raise GrudgingError(f"{where}: {err}; fix the row or rebuild the table") from None
        for n, value in relapse.items():
            if value not in (None, 0, 1):
                raise GrudgingError(
                    f"{where}: relapse_{n}y {value} must be 1 (relapsed within {n} years), 0 (did "
                    "not) or empty (not yet known)"
                )
        if not FIRST_YEAR <= start <= LAST_YEAR:
            raise GrudgingError(
                f"{where}: start_year {start} is not a year (give one from {FIRST_YEAR} to "
                f"{LAST_YEAR}); fix the row"
            )
        if not r["source"].strip():
            raise GrudgingError(f"{where}: episode {r['episode']} has no source")
        if r["split"] not in ("train", "test"):
            raise GrudgingError(f"{where}: split '{r['split']}' must be train or test")
        if r["split"] == "train" and start > LAST_TRAINING_YEAR:
            raise GrudgingError(
                f"{where}: episode {r['episode']} starts in {start}, after {LAST_TRAINING_YEAR}, "
                "but is marked train; later episodes are for testing only"
            )
        if (
            r["pk_type"] != "none"
            and r["pk_type"] != "political"
            and r["pk_type"] not in (STRENGTH_BY_TYPE)
        ):
            raise GrudgingError(f"{where}: unknown pk_type '{r['pk_type']}'")
        if r["pk_by"] not in (*KIND_BY_LEADER, "none"):
            raise GrudgingError(f"{where}: unknown pk_by '{r['pk_by']}'")
        if r["identity_war"] not in ("0", "1", ""):
            raise GrudgingError(
                f"{where}: identity_war '{r['identity_war']}' must be 1, 0 or empty (uncoded)"
            )
        out.append(
            Episode(
                episode=r["episode"],
                start_year=start,
                ended_by=r["ended_by"],
                agreement_signed=r["agreement_signed"] == "1",
                identity_war=float(r["identity_war"]) if r["identity_war"] else unknown_identity,
                questionable=r["questionable"] == "1",
                pk_type=r["pk_type"],
                pk_by=r["pk_by"],
                relapse=relapse,
                also_in=r["also_in"],
                split=r["split"],
                source=r["source"],
            )
        )
    return out


# The mapping ---------------------------------------------------------------------------------
def guarantor_of(ep: Episode, params: BargainParams) -> Guarantor:
    """The model's guarantor for an episode's peacekeeping (design note's mapping table)."""
    if ep.pk_type in ("none", "political"):
        return Guarantor("none")
    kind = KIND_BY_LEADER[ep.pk_by if ep.pk_by != "none" else "unknown"]
    _, impartiality, years = guarantor_figures(kind, params)  # the shared registry's figures
    return Guarantor(
        kind,
        strength_ratio=STRENGTH_BY_TYPE[ep.pk_type],
        impartiality=float(impartiality),
        commitment_years=float(years),
    )


def p_hold(episodes: Sequence[Episode], params: BargainParams) -> np.ndarray:
    """The model's probability that each episode's settlement holds (everyone signed)."""
    by_key: dict[tuple[str, str], float] = {}
    cred = np.empty(len(episodes))
    for i, ep in enumerate(episodes):
        key = (ep.pk_type, ep.pk_by)
        if key not in by_key:
            g = guarantor_of(ep, params)
            by_key[key] = guarantee_credibility(
                g.kind,
                g.strength_ratio,
                g.impartiality,
                g.commitment_years,
                params.strength_half,
                params.strength_steepness,
                params.commitment_years_scale,
            )
        cred[i] = by_key[key]
    n = len(episodes)
    signed = np.ones((n, 1), dtype=bool)
    identity = np.array([[ep.identity_war] for ep in episodes], dtype=float)
    kind: dict[str, Any] = {"identity_war": identity}  # the kind of each episode's war
    per_war = dataclasses.replace(params, **kind)
    held: np.ndarray = hold_probability(cred[:, None], signed, np.ones((n, 1)), per_war)
    return held


def sample(
    episodes: Sequence[Episode], split: str, which: str = "signed", horizon: int = HORIZON_YEARS
) -> list[Episode]:
    """The episodes a fit (or its test) uses: see the design note's *The sample*."""
    if which not in ("signed", "negotiated"):
        raise GrudgingError(f"sample '{which}': choose signed or negotiated")
    kinds = ("settlement",) if which == "signed" else ("settlement", "truce")
    return [
        ep
        for ep in episodes
        if ep.split == split
        and (ep.agreement_signed or (which == "negotiated" and ep.ended_by in kinds))
        and not ep.questionable
        and not ep.also_in
        and ep.relapse.get(horizon) is not None
    ]


def _outcomes(episodes: Sequence[Episode], horizon: int) -> np.ndarray:
    return np.array([ep.relapse[horizon] for ep in episodes], dtype=float)


# The likelihood ------------------------------------------------------------------------------
def _with(params: BargainParams, theta: Sequence[float]) -> BargainParams:
    fitted: dict[str, Any] = dict(zip(FITTED, (float(t) for t in theta), strict=True))
    return dataclasses.replace(params, **fitted)


def log_likelihood(
    theta: Sequence[float], episodes: Sequence[Episode], y: np.ndarray, params: BargainParams
) -> float:
    """Bernoulli log-likelihood of relapse (y = 1) under the model's P(hold)."""
    p = np.clip(1.0 - p_hold(episodes, _with(params, theta)), 1e-9, 1 - 1e-9)
    return float(np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)))


def _to_x(theta: Sequence[float]) -> np.ndarray:
    return np.array(
        [math.log(t) if n in LOG_SCALE else float(t) for n, t in zip(FITTED, theta, strict=True)]
    )


def _to_theta(x: Sequence[float]) -> list[float]:
    return [
        math.exp(float(v)) if n in LOG_SCALE else float(v) for n, v in zip(FITTED, x, strict=True)
    ]


def _x_bounds() -> list[tuple[float, float]]:
    return [
        (math.log(BOUNDS[n][0]), math.log(BOUNDS[n][1])) if n in LOG_SCALE else BOUNDS[n]
        for n in FITTED
    ]


_STARTS = (
    (0.5, 0.5, 0.25, 2.0),
    (0.3, 0.8, 0.05, 1.0),
    (0.7, 0.2, 1.0, 4.0),
    (0.5, 0.9, 0.01, 0.5),
)


def _maximise(
    episodes: Sequence[Episode],
    y: np.ndarray,
    params: BargainParams,
    fixed: dict[int, float] | None = None,
    starts: Sequence[Sequence[float]] = _STARTS,
) -> tuple[list[float], float, bool]:
    """Maximum of the log-likelihood over the free parameters (``fixed``: index -> x value)."""
    fixed = fixed or {}
    free = [j for j in range(len(FITTED)) if j not in fixed]
    bounds = [_x_bounds()[j] for j in free]

    def full(z: Sequence[float]) -> list[float]:
        x = [0.0] * len(FITTED)
        for j, v in fixed.items():
            x[j] = v
        for j, v in zip(free, z, strict=True):
            x[j] = float(v)
        return x

    def objective(z: np.ndarray) -> float:
        return -log_likelihood(_to_theta(full(z.tolist())), episodes, y, params)

    if not free:
        return full([]), -objective(np.empty(0)), True
    best: tuple[list[float], float, bool] | None = None
    for s in starts:
        z0 = [float(np.clip(_to_x(s)[j], *_x_bounds()[j])) for j in free]
        res = minimize(objective, z0, method="L-BFGS-B", bounds=bounds)
        if best is None or -res.fun > best[1]:
            best = (full(res.x), float(-res.fun), bool(res.success))
    assert best is not None
    return best


@dataclass(frozen=True)
class Estimate:
    """A fitted parameter: maximum-likelihood value and 95 % profile-likelihood interval."""

    name: str
    value: float
    low: float
    high: float
    low_at_bound: bool
    high_at_bound: bool
    prior: float

    @property
    def identified(self) -> bool:
        """False when the interval runs into both bounds (the data say nothing)."""
        return not (self.low_at_bound and self.high_at_bound)


def profile_interval(
    j: int,
    best_x: Sequence[float],
    best_ll: float,
    episodes: Sequence[Episode],
    y: np.ndarray,
    params: BargainParams,
    points: int = 25,
    fixed: dict[int, float] | None = None,
) -> tuple[float, float, bool, bool]:
    """95 % profile-likelihood interval of parameter ``j`` (x scale: :data:`LOG_SCALE` on the
    log)."""
    lo, hi = _x_bounds()[j]
    cut = best_ll - 0.5 * 3.841458820694124
    ends = []
    for edge in (lo, hi):
        grid = np.linspace(best_x[j], edge, points)
        prev_v, prev_ll = best_x[j], best_ll
        start = [best_x[k] for k in range(len(FITTED))]
        found = None
        for v in grid[1:]:
            x, ll, _ = _maximise(
                episodes,
                y,
                params,
                {**(fixed or {}), j: float(v)},
                starts=(_to_theta(start), *_STARTS[:2]),
            )
            start = x
            if ll < cut:  # crossed: interpolate between the last two grid points
                w = (prev_ll - cut) / (prev_ll - ll) if prev_ll != ll else 0.0
                found = prev_v + w * (float(v) - prev_v)
                break
            prev_v, prev_ll = float(v), ll
        ends.append((edge, True) if found is None else (found, False))
    (low, low_b), (high, high_b) = ends
    return float(low), float(high), low_b, high_b


# Scores --------------------------------------------------------------------------------------
def brier(p: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error of the predicted probability of relapse."""
    return float(np.mean((p - y) ** 2))


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    """Mean negative log-likelihood (natural log) of the predicted probability of relapse."""
    q = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log1p(-q)))


def calibration_table(p: np.ndarray, y: np.ndarray, bins: int = 5) -> list[dict[str, Any]]:
    """Predicted relapse in equal-width bins against the observed share (empty bins left out)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        m = which == b
        if m.any():
            out.append(
                {
                    "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                    "n": int(m.sum()),
                    "predicted": _r(float(p[m].mean())),
                    "observed": _r(float(y[m].mean())),
                }
            )
    return out


def _r(x: float) -> float:
    return float(f"{x:.4g}")


def _pk(ep: Episode) -> bool:
    return ep.pk_type not in ("none", "political")


# The fit -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SettlementFit:
    """What the settlement calibration fitted, on which episodes, and how well out of sample."""

    sample: str
    horizon: int
    train: tuple[Episode, ...]
    test: tuple[Episode, ...]
    estimates: tuple[Estimate, ...]
    loglik: float
    loglik_nominal: float
    converged: bool
    groups: tuple[dict[str, Any], ...]
    out_of_sample: dict[str, Any]
    war_groups: tuple[dict[str, Any], ...] = ()

    def values(self) -> dict[str, float]:
        """The identified fitted values as ``bargain.<name>`` overrides."""
        return {f"bargain.{e.name}": e.value for e in self.estimates if e.identified}


def fit_settlements(
    episodes: Sequence[Episode],
    params: BargainParams,
    which: str = "signed",
    horizon: int = HORIZON_YEARS,
    profile_points: int = 25,
    free: Sequence[str] = FITTED,
) -> SettlementFit:
    """Maximum likelihood on the training rows, profile intervals, out-of-sample scores.

    ``free``: the parameters fitted (the others of :data:`FITTED` keep ``params``' values);
    ``profile_points = 0`` skips the intervals (they are then the point).
    """
    if horizon not in (2, HORIZON_YEARS):
        raise GrudgingError(f"--horizon {horizon}: the table holds relapse within 2 or 5 years")
    unknown = [n for n in free if n not in FITTED]
    if unknown or not free:
        raise GrudgingError(f"--free {','.join(free)}: choose one or more of {', '.join(FITTED)}")
    train = sample(episodes, "train", which, horizon)
    test = sample(episodes, "test", which, horizon)
    if len(train) < len(free) + 2:
        raise GrudgingError(
            f"only {len(train)} training episodes in sample '{which}'; the fit needs at least "
            f"{len(free) + 2}"
        )
    y = _outcomes(train, horizon)
    nominal_x = _to_x([float(getattr(params, n)) for n in FITTED])
    fixed = {j: float(nominal_x[j]) for j, n in enumerate(FITTED) if n not in free}
    x, ll, ok = _maximise(train, y, params, fixed)
    theta = _to_theta(x)
    estimates = []
    for j, name in enumerate(FITTED):
        if name not in free:
            continue
        if profile_points > 0:
            lo, hi, lo_b, hi_b = profile_interval(j, x, ll, train, y, params, profile_points, fixed)
        else:
            lo, hi, lo_b, hi_b = x[j], x[j], False, False
        if name in LOG_SCALE:
            lo, hi = math.exp(lo), math.exp(hi)
        estimates.append(Estimate(name, theta[j], lo, hi, lo_b, hi_b, float(getattr(params, name))))
    fitted = _with(params, theta)
    values: dict[str, Any] = {e.name: e.value for e in estimates if e.identified}
    written = dataclasses.replace(params, **values)
    nominal_theta = [float(getattr(params, n)) for n in FITTED]
    p_train = 1.0 - p_hold(train, fitted)
    by_type = {
        key: np.array([(ep.pk_type if _pk(ep) else "none") == key for ep in train])
        for key in ("none", *STRENGTH_BY_TYPE)
    }
    groups = _relapse_groups("peacekeeping", by_type, y, p_train)
    war_groups = _relapse_groups("war", _war_kinds(train), y, p_train)
    return SettlementFit(
        sample=which,
        horizon=horizon,
        train=tuple(train),
        test=tuple(test),
        estimates=tuple(estimates),
        loglik=ll,
        loglik_nominal=log_likelihood(nominal_theta, train, y, params),
        converged=ok,
        groups=groups,
        out_of_sample=_out_of_sample(train, test, y, fitted, written, params, horizon),
        war_groups=war_groups,
    )


def _relapse_groups(
    label: str, masks: Mapping[str, np.ndarray], y: np.ndarray, fitted: np.ndarray
) -> tuple[dict[str, Any], ...]:
    """Observed and fitted relapse shares of each non-empty group of training episodes."""
    return tuple(
        {
            label: key,
            "n": int(m.sum()),
            "observed_relapse": _r(float(y[m].mean())),
            "fitted_relapse": _r(float(fitted[m].mean())),
        }
        for key, m in masks.items()
        if m.any()
    )


def _war_kinds(episodes: Sequence[Episode]) -> dict[str, np.ndarray]:
    """Masks of the identity wars, the other wars and the uncoded ones (fractional coding)."""
    identity = np.array([ep.identity_war for ep in episodes], dtype=float)
    return {
        "identity": identity == 1.0,
        "other": identity == 0.0,
        "uncoded": (identity > 0.0) & (identity < 1.0),
    }


def _out_of_sample(
    train: Sequence[Episode],
    test: Sequence[Episode],
    y_train: np.ndarray,
    fitted: BargainParams,
    written: BargainParams,
    nominal: BargainParams,
    horizon: int,
) -> dict[str, Any]:
    if not test:
        return {"n": 0}
    y = _outcomes(test, horizon)
    base = float(y_train.mean())
    pk_train = np.array([_pk(ep) for ep in train])
    rule_rate = {
        flag: float(y_train[pk_train == flag].mean()) if (pk_train == flag).any() else base
        for flag in (False, True)
    }
    # The one-variable rule of the kind of war: training share of relapse among identity wars
    # and among the others; an uncoded episode gets the base rate.
    kinds_train = _war_kinds(train)
    war_rate = {
        kind: float(y_train[m].mean()) if m.any() else base
        for kind, m in kinds_train.items()
        if kind != "uncoded"
    }
    war_rate["uncoded"] = base
    kinds_test = _war_kinds(test)
    war_rule = np.full(len(test), base)
    for kind, m in kinds_test.items():
        war_rule[m] = war_rate[kind]
    preds = {
        "model_fitted": 1.0 - p_hold(test, fitted),
        "model_written": 1.0 - p_hold(test, written),
        "model_nominal": 1.0 - p_hold(test, nominal),
        "base_rate": np.full(len(test), base),
        "peacekeepers_rule": np.array([rule_rate[_pk(ep)] for ep in test]),
        "identity_rule": war_rule,
    }
    return {
        "n": len(test),
        "relapsed": int(y.sum()),
        "with_peacekeepers": int(sum(_pk(ep) for ep in test)),
        "base_rate": _r(base),
        "rule": {"without": _r(rule_rate[False]), "with": _r(rule_rate[True])},
        "identity_rule": {k: _r(v) for k, v in war_rate.items()},
        "identity_wars": int(kinds_test["identity"].sum()),
        "brier": {k: _r(brier(p, y)) for k, p in preds.items()},
        # the fitted model's Brier minus each predictor's, paired bootstrap over the episodes
        "model_minus": {
            k: {
                f: _r(v)
                for f, v in asdict(
                    brier_gap(preds["model_fitted"].tolist(), p.tolist(), y.astype(bool).tolist())
                ).items()
            }
            for k, p in preds.items()
            if k != "model_fitted"
        },
        "log_loss": {k: _r(log_loss(p, y)) for k, p in preds.items()},
        "calibration": calibration_table(preds["model_fitted"], y),
    }


# The calibration file ------------------------------------------------------------------------
def calibration_document(fit: SettlementFit, scenario_id: str, data_name: str) -> dict[str, Any]:
    """The calibration file's content (see :mod:`grudging.scenario.calibration_files`)."""
    first = min(ep.start_year for ep in fit.train)
    datasets = sorted({ep.episode.split(":", 1)[0] for ep in (*fit.train, *fit.test)})
    sources = sorted({ep.source.rsplit(";", 1)[0] for ep in (*fit.train, *fit.test)})
    return {
        "calibration": "settlements",
        "scenario": scenario_id,
        "method": (
            "maximum likelihood of the bargain's own P(hold) = hold_probability(credibility("
            "guarantor), the kind of war) for relapse into war within "
            f"{fit.horizon} years, on signed settlements starting up to {LAST_TRAINING_YEAR}; "
            "95 % profile-likelihood intervals; tested on the episodes after "
            f"{LAST_TRAINING_YEAR} (grudging.calibration.settlements; mapping in "
            "docs/design-notes/settlement-calibration.md)"
        ),
        "data_window": {
            "start": f"{first}-01",
            "end": f"{LAST_TRAINING_YEAR + fit.horizon}-12",
        },
        "data": [
            {
                "table": data_name,
                "sample": fit.sample,
                "datasets": datasets,
                "train_episodes": len(fit.train),
                "test_episodes": len(fit.test),
                "source": sources,
            }
        ],
        "fit": {
            "loglik": round(fit.loglik, 3),
            "loglik_at_nominal": round(fit.loglik_nominal, 3),
            "converged": fit.converged,
            "train_relapse_share": _r(float(_outcomes(fit.train, fit.horizon).mean())),
            "by_peacekeeping": list(fit.groups),
            "by_war": list(fit.war_groups),
            "out_of_sample": fit.out_of_sample,
        },
        "parameters": [
            {
                "name": f"bargain.{e.name}",
                "value": _r(e.value),
                "low": _r(min(e.low, e.value)),
                "high": _r(max(e.high, e.value)),
                "distribution": "triangular",
            }
            for e in fit.estimates
            if e.identified
        ],
        "not_identified": (
            "identity_war is a theatre fact (Fortna's wartype in the data), not fitted; "
            "strength_steepness, commitment_years_scale, the impartialities and years of the "
            "guarantor kinds, hostility_discount and outsider_risk keep the scenario's values: "
            "the data hold mission types and leaders, not sizes, announced lengths or the "
            "capability left outside a deal. strength_half is relative to the assumed strength "
            "ratio of each mission type."
            + "".join(
                f" {e.name}: its profile interval reaches both bounds - not identified, so it "
                "is not written and keeps the scenario's value."
                for e in fit.estimates
                if not e.identified
            )
        ),
    }


def write_document(doc: Mapping[str, Any], path: Path) -> None:
    """Write the calibration file (YAML, with a header saying how it was made)."""
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# Written by `grudging calibrate settlements`; edit the command, not this file.\n"
        + yaml.dump(dict(doc), Dumper=yaml.CSafeDumper, sort_keys=False, width=100),
        encoding="utf-8",
    )

"""Leave-one-coalition-out validation of force generation against two naive forecasts.

Six coalitions up to 2006 (IFOR 1996, SFOR 1998, KFOR 1999, MNF-I 2003-2006, ISAF mid-2006,
UNIFIL 2006), contributions by nation with a source per row (``data/coalition_contributions.csv``).
For each held-out coalition, a participation logit and a log-size regression are fitted on the
other five and forecast the held-out one from what was known at its information year:

* alignment with the patron: agreement with the United States in the UN General Assembly over the
  three years before (``data/unga_agreement_us.csv``, Voeten's data via ``unvotes``);
* formal ties at that year: NATO member, Partnership for Peace partner, major non-NATO ally
  (``data/formal_ties.csv``);
* deployable capacity: CoW NMC personnel times the professional share of spending per soldier
  (:func:`grudging.model.willingness.professional_share`) times the sustainable share
  (``data/nation_capacity.csv``), and the share of it committed to the previous coalition when
  that served in another theatre (deployments elsewhere, a fitted term since the seventh run);
* persistence: the nation's contingent in the previous coalition of the chain (a same-theatre
  variant was tried after the first runs and not kept; see the design note);
* the command (NATO or US-led against UN);
* in the size equation, the planned strength less the patron's share, as announced by the
  information date (added in the fifth run; see the design note).

The forecast of a nation is its fitted size if its probability reaches one half, else nothing.
A nation of the previous coalition in the same theatre (an incumbent) re-hats with its contingent
there when most incumbents of the training folds' same-theatre successions stayed; incumbents are
left out of the two fits, which learn joining, not staying (seventh run). The sizes are then
scaled so the force fills its planned strength (as the conference fills its requirement) and
rounded on the contingent ladder (sixth run).
Two naive forecasts are scored the same way: *persistence* (each nation's contingent in the
previous coalition) and *capacity-proportional among alliance members* (NATO members for NATO-
or US-led coalitions, every candidate for UN-led ones, troops in proportion to 8 % of active
personnel, scaled to the previous coalition's total). Scores per held-out coalition: precision and
recall of "serves", Spearman rank correlation over the nations that served with a known figure,
total error over the candidates whose figure is known. Protocol fixed in advance in
``docs/design-notes/force-generation.md``; the seventh run's diagnosis and expected directions in
``docs/design-notes/forcegen-loco.md``.

References
----------
Voeten, E. (2013). Data and analyses of voting in the UN General Assembly. In *Routledge Handbook
of International Organization*.
Bove, V. & Elia, L. (2011). Supplying peace. *Journal of Peace Research* 48(6), 699-714.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np

from grudging.errors import GrudgingError
from grudging.model.willingness import WillingnessParams, contingent_size, professional_share

DATA = "data"
PARTICIPATION_FEATURES = (
    "intercept",
    "alignment",
    "ally",
    "partner",
    "mnna",
    "log_capacity",
    "persistence",
    "committed",
    "un_command",
    "un_command_x_ally",
)
SIZE_FEATURES = (
    "intercept",
    "log_capacity",
    "persistence",
    "committed",
    "ally",
    "alignment",
    "un_command",
    "log_planned",
    "lead",
)
#: Prior sd of the penalised logit (intercept, slopes) and ridge weight of the size regression.
PRIOR_SD_INTERCEPT, PRIOR_SD_SLOPE, RIDGE = 5.0, 2.5, 1.0
NAIVE_SHARE = 0.08
#: Bootstrap resamples of the sized contingents behind a Spearman gap's interval.
GAP_DRAWS = 4_000


@dataclass(frozen=True)
class CoalitionSpec:
    """One coalition of the validation set."""

    id: str
    name: str
    command: str
    patron: str
    info_year: int
    previous: str
    theatre: str
    planned: float


@dataclass(frozen=True)
class HistoricData:
    """The shipped tables the validation reads."""

    coalitions: tuple[CoalitionSpec, ...]
    contributions: Mapping[str, Mapping[str, int | None]]
    agreement: Mapping[tuple[str, int], float]
    capacity: Mapping[tuple[str, int], tuple[float, float]]
    ties: tuple[tuple[str, str, int], ...]
    #: Commands of the force's headquarters or sectors held or announced at the information date,
    #: per (coalition, nation) (``data/lead_roles.csv``).
    lead_roles: Mapping[tuple[str, str], int] = field(default_factory=dict)

    @property
    def patron(self) -> str:
        """The coalitions' patron, the nation the alignment table measures agreement with (one
        for all, checked by :func:`load_history`)."""
        return self.coalitions[0].patron

    @property
    def nations(self) -> list[str]:
        """Candidate nations: those with capacity data, less the patron (sorted)."""
        return sorted({n for n, _ in self.capacity} - {self.patron})


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("grudging.calibration").joinpath(DATA, name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def load_history() -> HistoricData:
    """Read the shipped validation tables."""
    specs = tuple(
        CoalitionSpec(
            r["id"],
            r["name"],
            r["command"],
            r["patron"],
            int(r["info_year"]),
            r["previous"],
            r["theatre"],
            float(r["planned_non_patron"] or 0.0),
        )
        for r in _rows("coalitions.csv")
    )
    contrib: dict[str, dict[str, int | None]] = {}
    for r in _rows("coalition_contributions.csv"):
        contrib.setdefault(r["coalition"], {})[r["nation"]] = (
            int(r["troops"]) if r["troops"] else None
        )
    agreement = {
        (r["nation"], int(r["year"])): float(r["agreement"]) for r in _rows("unga_agreement_us.csv")
    }
    capacity = {
        (r["nation"], int(r["year"])): (float(r["milper_thousands"]), float(r["milex_musd"]))
        for r in _rows("nation_capacity.csv")
        if r["milper_thousands"] and r["milex_musd"]
    }
    ties = tuple((r["nation"], r["tie"], int(r["since"])) for r in _rows("formal_ties.csv"))
    lead = {(r["coalition"], r["nation"]): int(r["roles"]) for r in _rows("lead_roles.csv")}
    patrons = sorted({c.patron for c in specs})
    if len(patrons) != 1:
        raise GrudgingError(
            f"calibration data coalitions.csv: column 'patron' names {', '.join(patrons) or 'none'}; "
            "the alignment table (unga_agreement_us.csv) measures agreement with one patron, so "
            "every coalition must name the same one"
        )
    unknown = sorted({c for c, _ in lead} - {c.id for c in specs})
    if unknown or any(v < 1 for v in lead.values()):
        raise GrudgingError(
            "calibration data lead_roles.csv: every row needs a coalition of coalitions.csv "
            f"and at least one command (unknown coalitions: {', '.join(unknown) or 'none'})"
        )
    return HistoricData(specs, contrib, agreement, capacity, ties, lead)


# Features -----------------------------------------------------------------------------------------
def _nearest(table: Mapping[tuple[str, int], Any], nation: str, year: int) -> Any:
    for y in range(year, year - 15, -1):
        if (nation, y) in table:
            return table[(nation, y)]
    for y in range(year + 1, year + 5):
        if (nation, y) in table:
            return table[(nation, y)]
    return None


def alignment(data: HistoricData, nation: str, year: int) -> float:
    """Mean UNGA agreement with the patron over the three years before ``year`` (0.3 if none)."""
    vals = [
        data.agreement[(nation, y)] for y in range(year - 3, year) if (nation, y) in data.agreement
    ]
    return float(np.mean(vals)) if vals else 0.3


def has_tie(data: HistoricData, nation: str, tie: str, year: int) -> bool:
    """Whether ``nation`` held ``tie`` in ``year``."""
    return any(n == nation and t == tie and since <= year for n, t, since in data.ties)


def deployable(data: HistoricData, nation: str, year: int, p: WillingnessParams) -> float:
    """Sustainable expeditionary troops from CoW NMC personnel and spending per soldier."""
    got = _nearest(data.capacity, nation, year)
    if got is None:
        return 0.0
    milper_k, milex = got
    if milper_k <= 0:
        return 0.0
    per_soldier = milex / milper_k  # US$ thousand a year
    share = p.deployable_share * professional_share(per_soldier, p) / max(p.rotation_units, 1.0)
    return 1000.0 * milper_k * share


def previous_troops(data: HistoricData, spec: CoalitionSpec) -> dict[str, float]:
    """Each nation's contingent in the previous coalition (unknown figure: smallest known)."""
    prev = data.contributions.get(spec.previous, {})
    known = [t for t in prev.values() if t]
    floor = float(min(known)) if known else 0.0
    return {n: float(t) if t else floor for n, t in prev.items() if n != spec.patron}


def same_theatre(data: HistoricData, spec: CoalitionSpec) -> bool:
    """Whether the previous coalition of the chain served in the same theatre."""
    before = next((c for c in data.coalitions if c.id == spec.previous), None)
    return before is not None and before.theatre == spec.theatre


def feature_rows(
    data: HistoricData, spec: CoalitionSpec, p: WillingnessParams
) -> dict[str, dict[str, float]]:
    """Features of every candidate for one coalition (keys as in the feature tuples).

    ``incumbent`` marks a nation of the previous coalition in the same theatre (it can re-hat);
    ``committed`` is the share of its deployable capacity that its contingent in the previous
    coalition takes when that coalition served in another theatre (a launch figure, so a bound on
    what is still committed there: its weight is fitted, not deducted; see
    ``docs/design-notes/forcegen-loco.md``).
    """
    prev = previous_troops(data, spec)
    year = spec.info_year
    un = float(spec.command == "un")
    here = same_theatre(data, spec)
    out = {}
    for n in data.nations:
        ally = float(has_tie(data, n, "ally", year))
        cap = deployable(data, n, year, p)
        elsewhere = 0.0 if here else prev.get(n, 0.0)
        committed = min(1.0, elsewhere / cap) if cap > 0 else float(elsewhere > 0)
        out[n] = {
            "intercept": 1.0,
            "alignment": alignment(data, n, year),
            "ally": ally,
            "partner": float(has_tie(data, n, "partner", year)) * (1.0 - ally),
            "mnna": float(has_tie(data, n, "mnna", year)),
            "log_capacity": math.log(max(cap, 10.0) / 1000.0),
            "persistence": math.log1p(prev.get(n, 0.0) / 100.0),
            "committed": committed,
            "un_command": un,
            "un_command_x_ally": un * ally,
            "log_planned": math.log(max(spec.planned, 1000.0) / 10_000.0),
            "lead": math.log1p(data.lead_roles.get((spec.id, n), 0)),
            "capacity": cap,
            "previous": prev.get(n, 0.0),
            "incumbent": float(here and n in prev),
        }
    return out


# Fits ---------------------------------------------------------------------------------------------
def _fit_logit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    from scipy.optimize import minimize

    sd = np.full(x.shape[1], PRIOR_SD_SLOPE)
    sd[0] = PRIOR_SD_INTERCEPT

    def nll(beta: np.ndarray) -> tuple[float, np.ndarray]:
        eta = x @ beta
        prob = 1.0 / (1.0 + np.exp(-eta))
        value = -float(np.sum(y * eta - np.logaddexp(0.0, eta))) + float(
            np.sum(beta**2 / (2 * sd**2))
        )
        return value, x.T @ (prob - y) + beta / sd**2

    res = minimize(nll, np.zeros(x.shape[1]), jac=True, method="BFGS", options={"gtol": 1e-8})
    return np.asarray(res.x)


def _fit_ridge(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    penalty = RIDGE * np.eye(x.shape[1])
    penalty[0, 0] = 0.0
    return np.asarray(np.linalg.solve(x.T @ x + penalty, x.T @ y))


@dataclass(frozen=True)
class Scores:
    """One forecast of one held-out coalition, scored."""

    forecast: str
    precision: float | None
    recall: float | None
    spearman: float | None
    total_error: float | None
    predicted_total: float
    observed_total: float
    n_predicted: int
    n_sized: int  # contingents of known size the Spearman is computed over


@dataclass(frozen=True)
class HeldOut:
    """A held-out coalition: the model and the two naive forecasts."""

    coalition: str
    name: str
    observed_participants: int
    observed_with_figure: int
    outside_candidates: tuple[str, ...]
    scores: tuple[Scores, ...]
    forecasts: Mapping[str, Mapping[str, float]]
    # The model's Spearman minus each naive forecast's, with its 90 % paired bootstrap interval
    # over the contingents of known size (None where fewer than three are known).
    spearman_gaps: Mapping[str, tuple[float, float, float] | None]

    def score(self, forecast: str) -> Scores:
        """The scores of one forecast."""
        return next(s for s in self.scores if s.forecast == forecast)

    @property
    def model_wins(self) -> bool:
        """The model beats both naive forecasts on Spearman and on total error."""
        m = self.score("grudging")
        for naive in ("persistence", "capacity_alliance"):
            s = self.score(naive)
            if m.spearman is None or m.total_error is None:
                return False
            if s.spearman is not None and m.spearman <= s.spearman:
                return False
            if s.total_error is not None and m.total_error >= s.total_error:
                return False
        return True


def _score(name: str, forecast: Mapping[str, float], observed: Mapping[str, int | None]) -> Scores:
    from scipy.stats import spearmanr

    cands = list(forecast)
    served = {n for n in cands if n in observed}
    pred = {n for n in cands if forecast[n] > 0}
    tp = len(served & pred)
    sized = [n for n in cands if observed.get(n)]
    rho = None
    if len(sized) >= 3:
        res = spearmanr([forecast[n] for n in sized], [observed[n] for n in sized])
        rho = float(res.statistic) if np.isfinite(res.statistic) else None
    known = [n for n in cands if n not in observed or observed[n]]
    obs_total = float(sum(observed.get(n) or 0 for n in known))
    pred_total = float(sum(forecast[n] for n in known))
    return Scores(
        forecast=name,
        precision=tp / len(pred) if pred else None,
        recall=tp / len(served) if served else None,
        spearman=rho,
        total_error=abs(pred_total - obs_total) / obs_total if obs_total else None,
        predicted_total=pred_total,
        observed_total=obs_total,
        n_predicted=len(pred),
        n_sized=len(sized),
    )


def _rank_correlation(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman's rho of each row of ``x`` with the same row of ``y`` (average ranks for ties;
    nan where a row is constant)."""
    from scipy.stats import rankdata

    rx, ry = rankdata(x, axis=1), rankdata(y, axis=1)
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean(axis=1, keepdims=True)
    den = np.sqrt((rx * rx).sum(axis=1) * (ry * ry).sum(axis=1))
    num = (rx * ry).sum(axis=1)
    return np.divide(num, den, out=np.full(num.shape, np.nan), where=den > 0)


def spearman_gap(
    model: Mapping[str, float],
    naive: Mapping[str, float],
    observed: Mapping[str, int | None],
    key: str,
    level: float = 0.9,
    draws: int = GAP_DRAWS,
) -> tuple[float, float, float] | None:
    """The model's Spearman minus a naive forecast's over the contingents of known size, and its
    paired bootstrap percentile interval (the contingents resampled with replacement, both
    forecasts scored on each resample; resamples where either rank is undefined are dropped).
    ``key`` names the random stream, so the same inputs give the same interval."""
    from grudging.cases.scoring import bootstrap_rows, percentile_interval
    from grudging.rng import MASTER_SEED

    sized = [n for n in model if observed.get(n)]
    if len(sized) < 3:
        return None
    obs = np.array([float(observed[n] or 0) for n in sized])
    a = np.array([model[n] for n in sized])
    b = np.array([naive.get(n, 0.0) for n in sized])
    gap = float(_rank_correlation(a[None], obs[None])[0] - _rank_correlation(b[None], obs[None])[0])
    rows = bootstrap_rows(len(sized), draws, MASTER_SEED, "spearman-gap", key)
    resampled = _rank_correlation(a[rows], obs[rows]) - _rank_correlation(b[rows], obs[rows])
    resampled = resampled[np.isfinite(resampled)]
    if not resampled.size:
        return None
    return (gap, *percentile_interval(resampled, level))


def _naive_capacity(
    data: HistoricData, spec: CoalitionSpec, feats: Mapping[str, Mapping[str, float]]
) -> dict[str, float]:
    members = [n for n in feats if spec.command == "un" or has_tie(data, n, "ally", spec.info_year)]
    weights = {}
    for n in members:
        got = _nearest(data.capacity, n, spec.info_year)
        weights[n] = NAIVE_SHARE * 1000.0 * got[0] if got else 0.0
    total = sum(previous_troops(data, spec).values())
    wsum = sum(weights.values())
    return {n: (total * weights.get(n, 0.0) / wsum if wsum else 0.0) for n in feats}


def _model_forecast(
    data: HistoricData,
    spec: CoalitionSpec,
    feats: Mapping[str, Mapping[str, float]],
    beta: np.ndarray,
    gamma: np.ndarray,
    p: WillingnessParams,
    incumbents_stay: bool = False,
) -> dict[str, float]:
    """The model's contingents for one coalition.

    An incumbent (a nation of the previous coalition in the same theatre) re-hats with its present
    contingent when ``incumbents_stay`` (estimated on the training folds); every other nation
    gets its fitted size if its probability reaches one half, else nothing. All are then scaled
    so the force fills its planned strength (as the conference fills its requirement) and
    rounded on the contingent ladder.
    """
    raw: dict[str, float] = {}
    for n, f in feats.items():
        if incumbents_stay and f["incumbent"]:
            raw[n] = f["previous"]
            continue
        eta = float(np.dot(beta, [f[k] for k in PARTICIPATION_FEATURES]))
        size = math.exp(float(np.dot(gamma, [f[k] for k in SIZE_FEATURES])))
        # a nation announced to command part of the force is in it
        raw[n] = size if eta >= 0.0 or f["lead"] > 0.0 else 0.0
    total = sum(raw.values())
    scale = spec.planned / total if spec.planned > 0 and total > 0 else 1.0
    return {n: float(contingent_size(v * scale, p)) if v > 0 else 0.0 for n, v in raw.items()}


def validate(data: HistoricData, p: WillingnessParams) -> list[HeldOut]:
    """Leave each coalition out in turn; fit on the rest; score the model and the naive forecasts."""
    targets = [c for c in data.coalitions if c.previous]
    feats = {c.id: feature_rows(data, c, p) for c in targets}
    out = []
    for held in targets:
        xs, ys, sx, sy = [], [], [], []
        stayed = incumbents = 0
        for c in targets:
            if c.id == held.id:
                continue
            obs = data.contributions[c.id]
            for n, f in feats[c.id].items():
                if f["incumbent"]:
                    # Re-hatting is its own rule: the fits learn joining, not staying.
                    incumbents += 1
                    stayed += n in obs
                    continue
                xs.append([f[k] for k in PARTICIPATION_FEATURES])
                ys.append(1.0 if n in obs else 0.0)
                if obs.get(n):
                    sx.append([f[k] for k in SIZE_FEATURES])
                    sy.append(math.log(float(obs[n] or 1)))
        beta = _fit_logit(np.array(xs), np.array(ys))
        gamma = _fit_ridge(np.array(sx), np.array(sy))
        stay = incumbents > 0 and 2 * stayed >= incumbents
        model = _model_forecast(data, held, feats[held.id], beta, gamma, p, stay)
        persistence = {n: feats[held.id][n]["previous"] for n in feats[held.id]}
        capacity = _naive_capacity(data, held, feats[held.id])
        observed = {n: t for n, t in data.contributions[held.id].items() if n != held.patron}
        forecasts = {"grudging": model, "persistence": persistence, "capacity_alliance": capacity}
        out.append(
            HeldOut(
                coalition=held.id,
                name=held.name,
                observed_participants=len(observed),
                observed_with_figure=sum(1 for t in observed.values() if t),
                outside_candidates=tuple(sorted(set(observed) - set(feats[held.id]))),
                scores=tuple(_score(k, v, observed) for k, v in forecasts.items()),
                forecasts=forecasts,
                spearman_gaps={
                    k: spearman_gap(model, forecasts[k], observed, f"{held.id}/{k}")
                    for k in ("persistence", "capacity_alliance")
                },
            )
        )
    return out


def validation_table(results: Sequence[HeldOut]) -> list[dict[str, Any]]:
    """One row per (held-out coalition, forecast), for printing and the calibration file."""
    rows = []
    for r in results:
        for s in r.scores:
            rows.append(
                {
                    "coalition": r.coalition,
                    "forecast": s.forecast,
                    "precision": s.precision,
                    "recall": s.recall,
                    "spearman": s.spearman,
                    "total_error": s.total_error,
                    "predicted_total": round(s.predicted_total),
                    "observed_total": round(s.observed_total),
                    "n_predicted": s.n_predicted,
                    "n_observed": r.observed_participants,
                    "n_sized": s.n_sized,
                    # the model's Spearman minus this forecast's: [gap, 5 %, 95 %]
                    "spearman_gap": None
                    if s.forecast == "grudging"
                    else _gap_list(r.spearman_gaps.get(s.forecast)),
                    "model_wins": r.model_wins,
                }
            )
    return rows


def _gap_list(gap: tuple[float, float, float] | None) -> list[float] | None:
    return None if gap is None else [round(v, 4) for v in gap]

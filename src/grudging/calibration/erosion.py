"""A withdrawal hazard for coalition contingents, fitted on MNF-I exits up to the information date.

Discrete-time (nation-year) logit hazard of leaving the coalition (Allison 1982, "Discrete-time
methods for the analysis of event histories", Sociological Methodology 13) with two covariates:
casualties (``log1p`` of deaths per 1,000 peak troops; Gelpi, Feaver & Reifler 2005/06,
International Security 30(3)) and a change of government (a head of government from another party
or bloc took office in the year or in the last quarter of the year before). Fitted by penalised
maximum likelihood (normal prior on the slopes) on nation-years up to the information date only;
later exits are the test. Beside it, the constant hazard fitted the same way.

Data: ``calibration/data/mnfi_exits.csv`` (``scripts/derive_mnfi_exits.py``) and
``calibration/data/government_turnover.csv``; design and expected direction in
docs/design-notes/force-generation.md ("Erosion by command, casualties and elections").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from grudging.scenario.schema import month_index

#: Covariates of the hazard, in column order after the intercept.
COVARIATES = ("casualties", "turnover")
#: When a contingent with no recorded exit is taken to have left, for pro-rating its deaths (the
#: end of the UN mandate, UNSCR 1790).
MANDATE_END = "2008-12"
#: Months of the year before a year whose change of government counts for that year.
CARRY_OVER_MONTHS = 3


@dataclass(frozen=True)
class Contributor:
    """One MNF-I contributor: its peak, when it joined and left, and its dead (2003-2011)."""

    nation: str
    peak_troops: int
    first_month: str
    exit_month: str | None
    deaths_total: int

    def deaths_known(self, information_date: str) -> float:
        """Deaths up to the information date: all of them if it left by then, else the total
        pro-rated by its months present up to the date (the only dated figure is the total)."""
        end = self.exit_month or MANDATE_END
        if month_index(end) <= month_index(information_date):
            return float(self.deaths_total)
        first = month_index(self.first_month)
        share = (month_index(information_date) - first + 1) / (month_index(end) - first + 1)
        return self.deaths_total * share


@dataclass(frozen=True)
class NationYears:
    """The risk set: one row per contributor and year it was present at risk of leaving."""

    nation: tuple[str, ...]
    year: np.ndarray  # (n,) int
    x: np.ndarray  # (n, 1 + len(COVARIATES)): intercept, covariates
    left: np.ndarray  # (n,) bool: left in that year


@dataclass(frozen=True)
class HazardFit:
    """Penalised maximum-likelihood coefficients (intercept first) and the in-sample fit."""

    coef: np.ndarray
    loglik: float
    rows: int
    exits: int


def _data_text(name: str) -> str:
    return resources.files("grudging.calibration").joinpath("data", name).read_text("utf-8")


def load_contributors() -> tuple[Contributor, ...]:
    """The shipped MNF-I exit table, in file order."""
    rows = csv.DictReader(io.StringIO(_data_text("mnfi_exits.csv")))
    return tuple(
        Contributor(
            nation=r["nation"],
            peak_troops=int(r["peak_troops"]),
            first_month=r["first_month"],
            exit_month=r["exit_month"] or None,
            deaths_total=int(r["deaths_2003_2011"]),
        )
        for r in rows
    )


def load_turnovers() -> dict[str, tuple[str, ...]]:
    """Months in which each nation's government changed hands."""
    out: dict[str, list[str]] = {}
    for r in csv.DictReader(io.StringIO(_data_text("government_turnover.csv"))):
        out.setdefault(r["nation"], []).append(r["month"])
    return {k: tuple(sorted(v)) for k, v in out.items()}


def turnover_in(months: Sequence[str], year: int) -> bool:
    """Whether a new government took office in ``year`` or in its last quarter before."""
    lo = month_index(f"{year - 1}-{12 - CARRY_OVER_MONTHS + 1:02d}")
    hi = month_index(f"{year}-12")
    return any(lo <= month_index(m) <= hi for m in months)


def nation_years(
    contributors: Sequence[Contributor],
    turnovers: dict[str, tuple[str, ...]],
    years: Sequence[int],
    information_date: str,
) -> NationYears:
    """Rows of the risk set for the given years: a contributor is at risk in a year it had joined
    by and had not left before. Casualties are those known at the information date."""
    nation, year, x, left = [], [], [], []
    for c in contributors:
        first_year = int(c.first_month[:4])
        exit_year = int(c.exit_month[:4]) if c.exit_month else None
        casualties = np.log1p(c.deaths_known(information_date) / c.peak_troops * 1000.0)
        for y in years:
            if first_year > y or (exit_year is not None and exit_year < y):
                continue
            nation.append(c.nation)
            year.append(y)
            x.append((1.0, casualties, float(turnover_in(turnovers.get(c.nation, ()), y))))
            left.append(exit_year == y)
    return NationYears(
        nation=tuple(nation),
        year=np.array(year, dtype=int),
        x=np.array(x, dtype=float).reshape(-1, 1 + len(COVARIATES)),
        left=np.array(left, dtype=bool),
    )


def fit_hazard(
    data: NationYears, columns: Sequence[int] | None = None, prior_sd: float = 2.5
) -> HazardFit:
    """Penalised logit by Newton's method: normal prior ``N(0, prior_sd)`` on each slope, the
    intercept free; ``columns`` picks the covariates (None: all; ``()``: constant hazard)."""
    cols = [0] + [1 + c for c in (range(len(COVARIATES)) if columns is None else columns)]
    x = data.x[:, cols]
    y = data.left.astype(float)
    penalty = np.full(len(cols), 1.0 / prior_sd**2)
    penalty[0] = 0.0
    beta = np.zeros(len(cols))
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        grad = x.T @ (y - p) - penalty * beta
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    coef = np.zeros(1 + len(COVARIATES))
    coef[cols] = beta
    return HazardFit(coef=coef, loglik=log_likelihood(coef, data), rows=len(y), exits=int(y.sum()))


def hazard(coef: np.ndarray, data: NationYears) -> np.ndarray:
    """Probability of leaving in each nation-year."""
    return np.asarray(1.0 / (1.0 + np.exp(-(data.x @ coef))))


def log_likelihood(coef: np.ndarray, data: NationYears) -> float:
    """Bernoulli log-likelihood of the exits under the hazard."""
    p = np.clip(hazard(coef, data), 1e-12, 1 - 1e-12)
    y = data.left
    return float(np.sum(np.where(y, np.log(p), np.log(1 - p))))


def brier_by_year(coef: np.ndarray, data: NationYears) -> dict[int, float]:
    """Mean squared error of the hazard against the exits, per year."""
    p = hazard(coef, data)
    err = (p - data.left.astype(float)) ** 2
    return {int(y): float(err[data.year == y].mean()) for y in np.unique(data.year)}


@dataclass(frozen=True)
class ErosionValidation:
    """The fit, the constant-hazard baseline and their scores in, across and beyond the window."""

    fit: HazardFit
    baseline: HazardFit
    rows: tuple[dict[str, object], ...]


def validate(
    information_date: str = "2006-12",
    fit_years: Sequence[int] = (2004, 2005, 2006),
    test_years: Sequence[int] = (2007,),
) -> ErosionValidation:
    """Fit on ``fit_years`` (none after the information date), score in-sample, leave-one-year-out
    and on ``test_years`` (exits after the information date: scored, never fitted)."""
    last = int(information_date[:4])
    if any(y > last for y in fit_years):
        raise ValueError(f"fit years {tuple(fit_years)} run past the information date")
    people, turns = load_contributors(), load_turnovers()
    train = nation_years(people, turns, fit_years, information_date)
    fit, base = fit_hazard(train), fit_hazard(train, columns=())
    rows: list[dict[str, object]] = []

    def score(kind: str, year: int, data: NationYears, model: HazardFit, naive: HazardFit) -> None:
        for name, f in (("hazard", model), ("constant", naive)):
            rows.append(
                {
                    "scope": kind,
                    "year": year,
                    "forecast": name,
                    "rows": int(data.left.size),
                    "exits": int(data.left.sum()),
                    "expected": round(float(hazard(f.coef, data).sum()), 2),
                    "loglik": round(log_likelihood(f.coef, data), 3),
                    "brier": round(brier_by_year(f.coef, data)[year], 4),
                }
            )

    for y in fit_years:
        score("in-sample", y, nation_years(people, turns, (y,), information_date), fit, base)
    for y in fit_years:
        rest = nation_years(people, turns, [v for v in fit_years if v != y], information_date)
        held = nation_years(people, turns, (y,), information_date)
        score("leave-one-year-out", y, held, fit_hazard(rest), fit_hazard(rest, columns=()))
    for y in test_years:
        score("test", y, nation_years(people, turns, (y,), information_date), fit, base)
    return ErosionValidation(fit=fit, baseline=base, rows=tuple(rows))


@dataclass(frozen=True)
class CommandModifier:
    """A command's factor on a contingent's monthly change of support, from the retention of one
    force's contributors under it against the fitted MNF-I (patron-led) constant hazard."""

    earlier: str
    later: str
    at_risk: int
    left: int
    years: int
    annual_hazard: float  # upper 95 % bound when none left (rule of three)
    reference_hazard: float  # MNF-I constant annual hazard up to the information date
    hazard_ratio: float
    support_factor: float  # sqrt(hazard ratio): the walk scaled by k exits as in k^2 the time


def command_modifier(earlier: str = "ifor_1996", later: str = "sfor_1998") -> CommandModifier:
    """The erosion factor of a command from the contributors of ``earlier`` still serving in
    ``later`` (the same force under the same command, ``calibration/data/coalitions.csv``).

    With ``n`` contributors over ``t`` years and none leaving, the annual hazard is bounded by the
    rule of three, ``3 / (n t)`` (Hanley & Lippman-Hand 1983, JAMA 249); otherwise it is
    ``1 - (stayed / n) ** (1 / t)``. The reference is the MNF-I constant hazard of
    :func:`validate`. A Gaussian support walk with steps scaled by ``k`` reaches a threshold as
    the unscaled walk does in ``k^2`` the time, so the factor on support changes is
    ``sqrt(ratio)``.
    """
    coalitions = {r["id"]: r for r in csv.DictReader(io.StringIO(_data_text("coalitions.csv")))}
    served: dict[str, set[str]] = {}
    for r in csv.DictReader(io.StringIO(_data_text("coalition_contributions.csv"))):
        served.setdefault(r["coalition"], set()).add(r["nation"])
    if coalitions[earlier]["command"] != coalitions[later]["command"]:
        raise ValueError(f"{earlier} and {later} serve under different commands")
    years = int(coalitions[later]["info_year"]) - int(coalitions[earlier]["info_year"])
    before = served[earlier]
    stayed = len(before & served[later])
    n = len(before)
    h = 3.0 / (n * years) if stayed == n else 1.0 - (stayed / n) ** (1.0 / years)
    base = validate().baseline
    reference = float(1.0 / (1.0 + np.exp(-base.coef[0])))
    ratio = min(h / reference, 1.0)
    return CommandModifier(
        earlier=earlier,
        later=later,
        at_risk=n,
        left=n - stayed,
        years=years,
        annual_hazard=h,
        reference_hazard=reference,
        hazard_ratio=ratio,
        support_factor=float(np.sqrt(ratio)),
    )

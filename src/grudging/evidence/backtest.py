"""Back-test: replay what happened after the information date and compare with held-out data.

The option that replays history (``historical: true``) runs from the scenario's start with its
recorded troop timeline and events; its monthly civilian deaths are compared with the held-out
series in the scenario's ``validation/`` folder — national and for chosen regions — month by
month. The model never reads that folder: only this module does, after the run.

Error measures: mean absolute error and bias of the median path, the ratio of totals per year,
the share of months whose observation falls inside the model's 90 % band, the correlation of the
month-to-month path, and the direction and size of the change from the first year to the second.
Beside the model, by year, stand three naive forecasts measured the same way
(:func:`naive_forecasts`; the protocol of ``docs/design-notes/history.md``): persistence (the
previous year's observed total), the base rate (every month at the last pre-information-date
year's mean) and a simple rule (that base rate scaled by the patron's troops in the information
month over its troops that month, at most twice it). A forecast that cannot be formed (no record
before the information date, no patron troops at the start) is NaN, and so is a log error against
a year that recorded none; :func:`naive_basis` and each row's ``note`` say why in words.

By default the historical option runs on its mechanisms alone: its scripted local deals (dated
after the information date) are dropped unless ``scripted=True``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from grudging.errors import GrudgingError
from grudging.results.results import Results
from grudging.rng import MASTER_SEED
from grudging.scenario.held_out import (
    COLUMNS,
    NATIONAL_SERIES,
    REGIONAL_SERIES,
    held_out_files,
    read_held_out,
)
from grudging.scenario.held_out import FOLDER as VALIDATION_FOLDER
from grudging.scenario.schema import Scenario, month_index, month_label


def read_validation(scn: Scenario) -> pd.DataFrame:
    """The held-out observations (``series, month, region, value, source``) of a scenario, checked
    (:mod:`grudging.scenario.held_out` gives the format)."""
    if scn.base_dir is None:
        raise GrudgingError(f"scenario '{scn.id}' was not loaded from a folder: no validation data")
    if not held_out_files(scn):
        raise GrudgingError(
            f"scenario '{scn.id}' has no held-out data ({VALIDATION_FOLDER}/civilian_deaths_*.csv "
            "next to its scenario file): there is nothing to back-test against"
        )
    rows = read_held_out(scn)
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=list(COLUMNS))


def historical_option(scn: Scenario) -> str:
    """The option that replays what happened."""
    for option in scn.options:
        if option.historical:
            return option.id
    raise GrudgingError(
        f"scenario '{scn.id}' has no option with 'historical: true' to back-test; mark the option "
        "that replays what happened"
    )


@dataclass(frozen=True)
class SeriesCheck:
    """Model against observation for one series (national or a region)."""

    name: str
    table: pd.DataFrame  # month, observed, median, low, high
    mae: float
    bias: float
    coverage: float
    correlation: float
    totals: pd.DataFrame  # year, observed, model_median, ratio
    change_observed: float
    change_model: float

    def measures(self) -> dict[str, Any]:
        """The error measures as plain data."""
        return {
            "series": self.name,
            "months": len(self.table),
            "mean_absolute_error": self.mae,
            "bias": self.bias,
            "coverage_90": self.coverage,
            "correlation": self.correlation,
            "change_observed": self.change_observed,
            "change_model": self.change_model,
            "totals": self.totals.to_dict(orient="records"),
        }


@dataclass(frozen=True)
class Backtest:
    """The back-test of one scenario."""

    scenario: str
    option: str
    replications: int
    seed: int
    checks: tuple[SeriesCheck, ...]
    scripted: bool = False
    to: str | None = None
    years: pd.DataFrame | None = None  # series, year, observed, model, forecasts and log errors
    basis: tuple[tuple[str, str], ...] = ()  # (series, how its naive forecasts were formed)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "scenario": self.scenario,
            "option": self.option,
            "replications": self.replications,
            "seed": self.seed,
            "scripted_deals": self.scripted,
            "to": self.to,
            "checks": [c.measures() for c in self.checks],
            "years": [] if self.years is None else self.years.to_dict(orient="records"),
            "naive_basis": [{"series": series, "note": note} for series, note in self.basis],
        }

    def check(self, name: str) -> SeriesCheck:
        """The check of one series (``national`` or a region id)."""
        for c in self.checks:
            if c.name == name:
                return c
        raise LookupError(f"the back-test has no series '{name}'")


def _check(
    name: str, observed: pd.Series, model: pd.DataFrame, start: str, to: str | None = None
) -> SeriesCheck:
    """Compare an observed monthly series (indexed by YYYY-MM) with model quantiles by month
    (up to the month ``to`` when given)."""
    first = month_index(start)
    model = model.copy()
    model["label"] = [month_label(first + int(m)) for m in model["month"]]
    if to is not None:
        model = model[model["label"] <= to]
    joined = model.merge(observed.rename("observed"), left_on="label", right_index=True)
    if joined.empty:
        raise GrudgingError(f"no month of '{name}' overlaps the model's horizon")
    err = joined["median"] - joined["observed"]
    inside = (joined["observed"] >= joined["low"]) & (joined["observed"] <= joined["high"])
    corr = path_correlation(joined["median"], joined["observed"])
    joined["year"] = joined["label"].str[:4]
    totals = (
        joined.groupby("year")
        .agg(
            observed=("observed", "sum"),
            model_median=("median", "sum"),
            months=("observed", "size"),
        )
        .reset_index()
    )
    # a ratio to a year with none recorded is undefined (NaN); the difference is not
    totals["ratio"] = totals["model_median"] / totals["observed"].where(totals["observed"] > 0)
    totals["difference"] = totals["model_median"] - totals["observed"]
    change_obs = change_mod = float("nan")
    if len(totals) >= 2 and totals["observed"].iloc[0] > 0 and totals["model_median"].iloc[0] > 0:
        # per month, so a year the window cuts short compares like with like
        months = totals["months"].iloc[1] / totals["months"].iloc[0]
        change_obs = float(totals["observed"].iloc[1] / totals["observed"].iloc[0] / months - 1)
        change_mod = float(
            totals["model_median"].iloc[1] / totals["model_median"].iloc[0] / months - 1
        )
    table = joined[["label", "observed", "median", "low", "high"]].rename(
        columns={"label": "month"}
    )
    return SeriesCheck(
        name=name,
        table=table.reset_index(drop=True),
        mae=float(err.abs().mean()),
        bias=float(err.mean()),
        coverage=float(inside.mean()),
        correlation=corr,
        totals=totals,
        change_observed=change_obs,
        change_model=change_mod,
    )


def path_correlation(model: pd.Series, observed: pd.Series) -> float:
    """Pearson's r of the two monthly paths; NaN with fewer than three months or a path that
    never changes (a record of 0 every month), where it is undefined."""
    a, b = model.to_numpy(dtype=float), observed.to_numpy(dtype=float)
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def compare(
    results: Results,
    scn: Scenario,
    option: str,
    regions: tuple[str, ...],
    to: str | None = None,
    held: pd.DataFrame | None = None,
) -> tuple[SeriesCheck, ...]:
    """Checks of a finished run against the held-out data (``held``, read from the scenario's
    folder when not given): national, then each region."""
    held = read_validation(scn) if held is None else held
    checks = []
    national = held[held["series"] == NATIONAL_SERIES].set_index("month")["value"]
    monthly = results.monthly("civilian_deaths")
    monthly = monthly[monthly["option"] == option][["month", "median", "low", "high"]]
    if not national.empty:
        checks.append(_check("national", national, monthly, scn.start, to))
    rm = results.region_months
    for region in regions:
        scn.region(region)
        obs = held[(held["series"] == REGIONAL_SERIES) & (held["region"] == region)].set_index(
            "month"
        )["value"]
        model = rm[(rm["option"] == option) & (rm["region"] == region)][
            ["month", "median", "low", "high"]
        ]
        if not obs.empty and not model.empty:
            checks.append(_check(region, obs, model, scn.start, to))
    return tuple(checks)


UNLOCATED_SERIES = "civilian_deaths_unlocated"
#: The naive forecasts of the yearly table and the words that name them.
NAIVE = {"persistence": "persistence", "base_rate": "base rate", "rule": "troop rule"}
#: Why a log error is missing from a row where nothing was recorded.
NONE_RECORDED = "none recorded: no log error (a ratio to zero is undefined)"


def recorded_before(scn: Scenario, region: str | None) -> tuple[pd.Series, str | None]:
    """Observed monthly deaths up to the information date (national, or one region), and how the
    national series was formed when the scenario has none of its own."""
    if region is not None:
        rows = [
            (o.month, o.value)
            for o in scn.observations
            if o.series == REGIONAL_SERIES and o.region == region
        ]
        return pd.Series(dict(rows), dtype=float).sort_index(), None
    national = [(o.month, o.value) for o in scn.observations if o.series == NATIONAL_SERIES]
    if national:
        return pd.Series(dict(national), dtype=float).sort_index(), None
    summed: dict[str, float] = {}
    for o in scn.observations:
        if o.series in (REGIONAL_SERIES, UNLOCATED_SERIES):
            summed[o.month] = summed.get(o.month, 0.0) + o.value
    how = (
        f"before the information date the scenario has no {NATIONAL_SERIES} series: its "
        f"{REGIONAL_SERIES} and {UNLOCATED_SERIES} rows are summed by month"
        if summed
        else None
    )
    return pd.Series(summed, dtype=float).sort_index(), how


def patron_troops(scn: Scenario, option: str, months: int) -> np.ndarray | None:
    """The patron's troops by month under an option (its timeline), if it has one."""
    from grudging.model.forces import timeline

    opt = scn.option(option)
    for force in scn.forces:
        if force.nation is not None and force.nation == scn.patron:
            if force.id in opt.forces:
                return timeline(opt.forces[force.id], months)
            return np.full(months, float(force.current_troops))
    return None


@dataclass(frozen=True)
class NaiveInputs:
    """What the naive forecasts of one series are formed from."""

    base: float  # deaths a month; NaN when nothing was recorded before the information date
    months: int  # months of record it is the mean of (at most 12)
    troops: np.ndarray | None  # the patron's troops by month; None when the rule cannot be formed
    basis: tuple[str, ...]  # how the forecasts depart from the protocol, or why one is n/a


def troop_rule(inputs: NaiveInputs, months: Sequence[int] | np.ndarray) -> np.ndarray:
    """The troop rule at the run's ``months`` (offsets from its start): the base rate times the
    patron's troops in the first month over its troops that month, at most twice the base rate;
    NaN where the rule cannot be formed (``inputs.troops`` is None)."""
    idx = np.asarray(months, dtype=int)
    if inputs.troops is None:
        return np.full(idx.shape, np.nan)
    ratio = inputs.troops[0] / np.maximum(inputs.troops[idx], 1e-9)
    return inputs.base * np.minimum(ratio, 2.0)


def naive_inputs(scn: Scenario, option: str, region: str | None) -> NaiveInputs:
    before, how = recorded_before(scn, region)
    last = before.iloc[-12:]
    basis = [how] if how else []
    months = len(last)
    if months == 0:
        where = "nationally" if region is None else f"in {region}"
        basis.append(
            "base rate, troop rule and the first year's persistence n/a: no deaths recorded "
            f"{where} before the information date"
        )
    elif months < 12:
        basis.append(
            f"base rate and the first year's persistence from the {months} months recorded before "
            "the information date (fewer than 12)"
        )
    troops = patron_troops(scn, option, scn.horizon_months)
    if troops is None:
        basis.append(
            "troop rule n/a: "
            + ("the scenario has no patron" if scn.patron is None else "the patron has no force")
        )
    elif troops[0] <= 0:
        basis.append(
            f"troop rule n/a: the patron ({scn.patron}) has no troops in the first month "
            f"({scn.start}) to scale by"
        )
        troops = None
    base = float(last.mean()) if months else float("nan")
    return NaiveInputs(base, months, troops, tuple(basis))


def naive_band(scn: Scenario, region: str | None) -> tuple[float, float]:
    """The naive band: the 5th to 95th percentile of the last 12 monthly figures recorded before
    the information date ("this year will look like last year"); NaN with none recorded."""
    last = recorded_before(scn, region)[0].iloc[-12:]
    if last.empty:
        return float("nan"), float("nan")
    low, high = np.quantile(last.to_numpy(dtype=float), [0.05, 0.95])
    return float(low), float(high)


def naive_monthly(
    scn: Scenario, option: str, check: SeriesCheck, region: str | None
) -> pd.DataFrame:
    """The naive forecasts month by month over the check's months: persistence (the same month a
    year before: recorded before the information date, else observed in the check's table),
    base rate and troop rule as :func:`naive_forecasts` forms them (NaN where not available)."""
    inputs = naive_inputs(scn, option, region)
    before = recorded_before(scn, region)[0]
    table = check.table[["month", "observed"]].copy()
    known = {**before.to_dict(), **dict(zip(table["month"], table["observed"], strict=True))}
    year_before = [f"{int(m[:4]) - 1}{m[4:]}" for m in table["month"]]
    table["persistence"] = [float(known.get(m, np.nan)) for m in year_before]
    table["base_rate"] = inputs.base
    first = month_index(scn.start)
    table["rule"] = troop_rule(inputs, [month_index(m) - first for m in table["month"]])
    return table


def naive_basis(scn: Scenario, option: str, region: str | None) -> tuple[str, ...]:
    """How the naive forecasts of a series depart from the protocol, or why one cannot be formed
    (empty when they follow it: 12 months of record and patron troops at the start)."""
    return naive_inputs(scn, option, region).basis


def _log_error(forecast: float, observed: float) -> float:
    """``ln(forecast / observed)``; NaN when either is zero or the forecast is not available."""
    if observed > 0 and forecast > 0 and np.isfinite(forecast):
        return float(np.log(forecast / observed))
    return float("nan")


def _row_note(observed: float, forecasts: dict[str, float]) -> str:
    """Why a row lacks a log error that its figures do not explain by themselves."""
    if observed <= 0:
        return NONE_RECORDED
    words = {"model": "the model", **NAIVE}
    zero = [words[name] for name, value in forecasts.items() if value == 0]
    return f"{' and '.join(zero)} forecast none: no log error" if zero else ""


def naive_forecasts(
    scn: Scenario, option: str, check: SeriesCheck, region: str | None
) -> pd.DataFrame:
    """The model's yearly totals beside three naive forecasts, with log errors
    ``ln(forecast / observed)``, each year's share of months inside the 90 % band and a ``note``
    saying why a log error is missing (nothing recorded, or a forecast of none).

    * persistence: the previous year's observed total (the first year: the last 12 months before
      the information date), scaled to the months compared, so that a part year compares like
      with like;
    * base rate: every month at the mean of the last 12 months before the information date;
    * rule: that base rate x (patron's troops in the first month / its troops that month), at most
      twice the base rate (the option's own troop forcing; no later observation).

    A theatre with less record before the information date gets the mean of the months it has
    (:func:`naive_basis` says how many); with none, the base rate, the rule and the first year's
    persistence are not available (NaN). The national record is the ``civilian_deaths_national``
    series or, where a scenario has none, its regional and unlocated rows summed by month. The
    rule is not available when the patron has no force or no troops in the first month.
    """
    inputs = naive_inputs(scn, option, region)
    base = inputs.base
    table = check.table.copy()
    table["year"] = table["month"].str[:4]
    first = month_index(scn.start)
    table["rule"] = troop_rule(inputs, [month_index(m) - first for m in table["month"]])
    table["inside"] = (table["observed"] >= table["low"]) & (table["observed"] <= table["high"])
    rows = []
    previous = base * inputs.months if inputs.months else float("nan")
    previous_months = max(inputs.months, 1)
    for year, group in table.groupby("year", sort=True):
        observed = float(group["observed"].sum())
        forecasts = {
            "model": float(group["median"].sum()),
            "persistence": previous * len(group) / previous_months,
            "base_rate": base * len(group),
            "rule": float(group["rule"].sum(skipna=False)),
        }
        row: dict[str, Any] = {
            "series": check.name,
            "year": year,
            "months": len(group),
            "observed": observed,
            **forecasts,
            "band_coverage": float(group["inside"].mean()),
        }
        for name, value in forecasts.items():
            row[f"log_error_{name}"] = _log_error(value, observed)
        row["note"] = _row_note(observed, forecasts)
        rows.append(row)
        previous, previous_months = observed, len(group)
    total: dict[str, Any] = {
        "series": check.name,
        "year": "total",
        "months": len(table),
        "observed": float(table["observed"].sum()),
        "model": float(table["median"].sum()),
        "persistence": float(sum(r["persistence"] for r in rows)),
        "base_rate": base * len(table),
        "rule": float(table["rule"].sum(skipna=False)),
        "band_coverage": float(table["inside"].mean()),
    }
    for name in ("model", *NAIVE):
        total[f"log_error_{name}"] = _log_error(float(total[name]), float(total["observed"]))
    total["note"] = _row_note(
        float(total["observed"]), {name: float(total[name]) for name in ("model", *NAIVE)}
    )
    rows.append(total)
    return pd.DataFrame(rows)


def without_scripted_deals(scn: Scenario, option: str) -> Scenario:
    """The scenario with the option's scripted local deals dropped (its mechanisms alone)."""
    options = tuple(
        o.model_copy(update={"local_deals": ()}) if o.id == option else o for o in scn.options
    )
    return scn.model_copy(update={"options": options})


def backtest(
    scn: Scenario | str | Path,
    regions: tuple[str, ...] | str = (),
    replications: int = 1000,
    seed: int = MASTER_SEED,
    option: str | None = None,
    to: str | None = None,
    scripted: bool = False,
) -> tuple[Backtest, Results]:
    """Run the historical option and compare it with the held-out data up to the month ``to``
    (default: all of it); ``scripted`` keeps the option's scripted local deals as a forcing.
    ``scn`` may also be a built-in name or a path, ``regions`` one region id."""
    from grudging.chain import simulate
    from grudging.scenario import load_scenario

    if isinstance(scn, str | Path):
        scn = load_scenario(scn)
    if isinstance(regions, str):  # one region id given bare
        regions = (regions,)
    check_last_month(scn, to, "to =")
    option = option or historical_option(scn)
    held = read_validation(scn)  # checked before the run
    _check_overlap(scn, held, regions, to)
    run_scn = scn if scripted else without_scripted_deals(scn, option)
    results = simulate(run_scn, options=[option], replications=replications, seed=seed)
    failed = results.status[results.status["status"] != "ok"]
    if not failed.empty:
        raise GrudgingError(f"option '{option}' failed: {failed['error'].iloc[0]}")
    checks = compare(results, scn, option, regions, to, held)
    if not checks:
        raise GrudgingError(
            f"the run of '{option}' has no series to compare with the held-out data"
        )
    years = pd.concat(
        [naive_forecasts(scn, option, c, None if c.name == "national" else c.name) for c in checks],
        ignore_index=True,
    )
    basis = tuple(
        (c.name, note)
        for c in checks
        for note in naive_basis(scn, option, None if c.name == "national" else c.name)
    )
    bt = Backtest(scn.id, option, replications, seed, checks, scripted, to, years, basis)
    return bt, results


def check_last_month(scn: Scenario, to: Any, name: str) -> None:
    """Refuse a last month (``name`` is how the caller calls it) that is not a ``YYYY-MM`` month
    of the replay."""
    if to is None:
        return
    first = month_index(scn.start)
    last = month_label(first + scn.horizon_months - 1)
    if not isinstance(to, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", to):
        raise GrudgingError(f"{name} {to!r}: give a month as YYYY-MM (e.g. {last})")
    if not scn.start <= to <= last:
        raise GrudgingError(
            f"{name} {to}: the replay runs from {scn.start} to {last}; give a month in that span"
        )


def _check_overlap(
    scn: Scenario, held: pd.DataFrame, regions: tuple[str, ...], to: str | None
) -> None:
    """Refuse, before the run, regions the scenario lacks and held-out data with no month in the
    replay's span."""
    for region in regions:
        scn.region(region)
    first = month_index(scn.start)
    last = month_label(first + scn.horizon_months - 1)
    last = min(last, to) if to is not None else last
    wanted = (held["series"] == NATIONAL_SERIES) | (
        (held["series"] == REGIONAL_SERIES) & held["region"].isin(regions)
    )
    months = held.loc[wanted, "month"]
    if not ((months >= scn.start) & (months <= last)).any():
        named = " or ".join(["the national series", *(f"region {r}" for r in regions)])
        raise GrudgingError(
            f"{VALIDATION_FOLDER}/civilian_deaths_*.csv of '{scn.id}' holds no month of {named} "
            f"from {scn.start} to {last}, the span compared; add rows for those months (or "
            "choose --region and --to within the data)"
        )


def plot(bt: Backtest, path: str | Path) -> Path:
    """Observed against modelled (median and 90 % band), one panel per series, as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(bt.checks)
    fig, axes = plt.subplots(n, 1, figsize=(9, 2.8 * n), squeeze=False)
    for ax, check in zip(axes[:, 0], bt.checks, strict=True):
        t = check.table
        x = np.arange(len(t))
        ax.fill_between(x, t["low"], t["high"], color="#0072B2", alpha=0.2, label="model 90 % band")
        ax.plot(x, t["median"], color="#0072B2", label="model median")
        ax.plot(x, t["observed"], color="#D55E00", marker="o", ms=3, label="observed (held out)")
        ax.set_title(f"{check.name}: civilian deaths per month (coverage {check.coverage:.0%})")
        ticks = x[:: max(1, len(x) // 8)]
        ax.set_xticks(ticks, [t["month"].iloc[i] for i in ticks], fontsize=8)
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out.resolve()

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
month over its troops that month, at most twice it).

By default the historical option runs on its mechanisms alone: its scripted local deals (dated
after the information date) are dropped unless ``scripted=True``.
"""

from __future__ import annotations

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
    corr = (
        float(np.corrcoef(joined["median"], joined["observed"])[0, 1])
        if len(joined) > 2
        else float("nan")
    )
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
    totals["ratio"] = totals["model_median"] / totals["observed"].where(totals["observed"] > 0)
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


def _before(scn: Scenario, region: str | None) -> pd.Series:
    """Observed monthly deaths up to the information date (national, or one region)."""
    series = "civilian_deaths_national" if region is None else REGIONAL_SERIES
    rows = [
        (o.month, o.value)
        for o in scn.observations
        if o.series == series and (region is None or o.region == region)
    ]
    return pd.Series(dict(rows), dtype=float).sort_index()


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


def naive_forecasts(
    scn: Scenario, option: str, check: SeriesCheck, region: str | None
) -> pd.DataFrame:
    """The model's yearly totals beside three naive forecasts, with log errors
    ``ln(forecast / observed)`` and each year's share of months inside the 90 % band.

    * persistence: the previous year's observed total (the first year: the last year before the
      information date), scaled to the months compared when the window cuts a year short;
    * base rate: every month at the mean of the last 12 months before the information date;
    * rule: that base rate x (patron's troops in the first month / its troops that month), at most
      twice the base rate (the option's own troop forcing; no later observation).
    """
    before = _before(scn, region)
    last12 = before.iloc[-12:] if len(before) else before
    base = float(last12.mean()) if len(last12) else float("nan")
    prior_total = float(last12.sum()) if len(last12) == 12 else float("nan")
    table = check.table.copy()
    table["year"] = table["month"].str[:4]
    troops = patron_troops(scn, option, scn.horizon_months)
    first = month_index(scn.start)
    if troops is not None and troops[0] > 0:
        idx = [month_index(m) - first for m in table["month"]]
        ratio = troops[0] / np.maximum(troops[idx], 1e-9)
        table["rule"] = base * np.minimum(ratio, 2.0)
    else:
        table["rule"] = base
    table["inside"] = (table["observed"] >= table["low"]) & (table["observed"] <= table["high"])
    rows = []
    previous, previous_months = prior_total, 12
    for year, group in table.groupby("year", sort=True):
        observed = float(group["observed"].sum())
        forecasts = {
            "model": float(group["median"].sum()),
            "persistence": previous * len(group) / previous_months,
            "base_rate": base * len(group),
            "rule": float(group["rule"].sum()),
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
            row[f"log_error_{name}"] = (
                float(np.log(value / observed)) if observed > 0 and value > 0 else float("nan")
            )
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
        "rule": float(table["rule"].sum()),
        "band_coverage": float(table["inside"].mean()),
    }
    for name in ("model", "persistence", "base_rate", "rule"):
        value, observed = float(total[name]), float(total["observed"])
        total[f"log_error_{name}"] = (
            float(np.log(value / observed)) if observed > 0 and value > 0 else float("nan")
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
    scn: Scenario,
    regions: tuple[str, ...] = (),
    replications: int = 1000,
    seed: int = MASTER_SEED,
    option: str | None = None,
    to: str | None = None,
    scripted: bool = False,
) -> tuple[Backtest, Results]:
    """Run the historical option and compare it with the held-out data up to the month ``to``
    (default: all of it); ``scripted`` keeps the option's scripted local deals as a forcing."""
    from grudging.chain import simulate

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
    bt = Backtest(scn.id, option, replications, seed, checks, scripted, to, years)
    return bt, results


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

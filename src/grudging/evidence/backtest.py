"""Back-test: replay what happened after the information date and compare with held-out data.

The option that replays history (``historical: true``) runs from the scenario's start with its
recorded troop timeline and events; its monthly civilian deaths are compared with the held-out
series in the scenario's ``validation/`` folder — national and for chosen regions — month by
month. The model never reads that folder: only this module does, after the run.

Error measures: mean absolute error and bias of the median path, the ratio of totals per year,
the share of months whose observation falls inside the model's 90 % band, the correlation of the
month-to-month path, and the direction and size of the change from the first year to the second.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from grudging.errors import GrudgingError
from grudging.results.results import Results
from grudging.rng import MASTER_SEED
from grudging.scenario.schema import Scenario, month_index, month_label

VALIDATION_FOLDER = "validation"
NATIONAL_SERIES = "civilian_deaths_national"
REGIONAL_SERIES = "civilian_deaths"


def read_validation(scn: Scenario) -> pd.DataFrame:
    """The held-out observations (``series, month, region, value, source``) of a scenario."""
    if scn.base_dir is None:
        raise GrudgingError(f"scenario '{scn.id}' was not loaded from a folder: no validation data")
    folder = Path(scn.base_dir) / VALIDATION_FOLDER
    files = sorted(folder.glob("civilian_deaths_*.csv")) if folder.is_dir() else []
    if not files:
        raise GrudgingError(
            f"scenario '{scn.id}' has no held-out data ({VALIDATION_FOLDER}/civilian_deaths_*.csv "
            "next to its scenario file): there is nothing to back-test against"
        )
    rows: list[dict[str, Any]] = []
    for path in files:
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                rows.append(
                    {**row, "value": float(row["value"]), "region": row.get("region") or None}
                )
    return pd.DataFrame(rows)


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

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "scenario": self.scenario,
            "option": self.option,
            "replications": self.replications,
            "seed": self.seed,
            "checks": [c.measures() for c in self.checks],
        }


def _check(name: str, observed: pd.Series, model: pd.DataFrame, start: str) -> SeriesCheck:
    """Compare an observed monthly series (indexed by YYYY-MM) with model quantiles by month."""
    first = month_index(start)
    model = model.copy()
    model["label"] = [month_label(first + int(m)) for m in model["month"]]
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
        .agg(observed=("observed", "sum"), model_median=("median", "sum"))
        .reset_index()
    )
    totals["ratio"] = totals["model_median"] / totals["observed"].where(totals["observed"] > 0)
    change_obs = change_mod = float("nan")
    if len(totals) >= 2 and totals["observed"].iloc[0] > 0 and totals["model_median"].iloc[0] > 0:
        change_obs = float(totals["observed"].iloc[1] / totals["observed"].iloc[0] - 1)
        change_mod = float(totals["model_median"].iloc[1] / totals["model_median"].iloc[0] - 1)
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
    results: Results, scn: Scenario, option: str, regions: tuple[str, ...]
) -> tuple[SeriesCheck, ...]:
    """Checks of a finished run against the held-out data: national, then each region."""
    held = read_validation(scn)
    checks = []
    national = held[held["series"] == NATIONAL_SERIES].set_index("month")["value"]
    monthly = results.monthly("civilian_deaths")
    monthly = monthly[monthly["option"] == option][["month", "median", "low", "high"]]
    if not national.empty:
        checks.append(_check("national", national, monthly, scn.start))
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
            checks.append(_check(region, obs, model, scn.start))
    return tuple(checks)


def backtest(
    scn: Scenario,
    regions: tuple[str, ...] = (),
    replications: int = 1000,
    seed: int = MASTER_SEED,
    option: str | None = None,
) -> tuple[Backtest, Results]:
    """Run the historical option and compare it with the held-out data."""
    from grudging.chain import simulate

    option = option or historical_option(scn)
    results = simulate(scn, options=[option], replications=replications, seed=seed)
    failed = results.status[results.status["status"] != "ok"]
    if not failed.empty:
        raise GrudgingError(f"option '{option}' failed: {failed['error'].iloc[0]}")
    checks = compare(results, scn, option, regions)
    return Backtest(scn.id, option, replications, seed, checks), results


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

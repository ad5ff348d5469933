"""The model's track record, shown beside a run's answer.

A run that includes the scenario's historical option (``historical: true``) can be held against
what happened: its national civilian deaths, month by month, against the held-out series in the
scenario's ``validation/`` folder, with the naive forecasts of the back-test measured the same
way (:func:`grudging.evidence.backtest.naive_forecasts`: persistence, base rate, the troop rule).
The model never reads that folder; this module reads it after the run, so that every face can
say, next to the counterfactuals, how far the same model missed the one course of events that was
observed. ``grudging backtest`` gives the month-by-month comparison and the regions.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from grudging.evidence.backtest import (
    NAIVE,
    NATIONAL_SERIES,
    VALIDATION_FOLDER,
    compare,
    naive_basis,
    naive_forecasts,
    read_validation,
)
from grudging.results.results import Results
from grudging.scenario.held_out import held_out_files
from grudging.scenario.schema import Scenario, month_index, month_label


@dataclass(frozen=True)
class TrackRecord:
    """The historical option of a run against the held-out national record."""

    option: str
    option_name: str
    first: str  # first month compared, YYYY-MM
    last: str  # last month compared
    observed: float  # recorded total over those months
    model: float  # the model's median path summed over them
    band_coverage: float  # share of months whose record lies in the model's 90 % band
    years: tuple[tuple[str, float, float], ...]  # (year, model, record) over the months compared
    naive: tuple[tuple[str, float], ...]  # (forecast, its total; NaN when it cannot be formed)
    closer_than_persistence: int  # years the model's log error is smaller than persistence's
    source: str
    scripted_deals: int = 0  # the replay's recorded local deals, put in as a forcing
    scored_years: int = 0  # years with both log errors defined (deaths recorded and forecast)
    naive_notes: tuple[str, ...] = ()  # how the naive forecasts were formed, or why one is n/a
    alone: bool = False  # the run holds no option besides the replay

    @property
    def ratio(self) -> float:
        """The model's total over the record's (NaN when none were recorded)."""
        return self.model / self.observed if self.observed > 0 else math.nan

    def sentence(self) -> str:
        """The track record in one paragraph of plain words."""
        years = ", ".join(f"{year} {_against(m, r, short=True)}" for year, m, r in self.years)
        naive = ", ".join(
            f"{label} {_against(value, self.observed, short=True)}"
            if math.isfinite(value)
            else f"{label} n/a"
            for label, value in self.naive
        )
        if self.naive_notes:
            naive += f" ({'; '.join(self.naive_notes)})"
        forced = (
            f", with its {self.scripted_deals} recorded local deals put in at their dates (grudging "
            "backtest and grudging evidence score the mechanisms alone, without them)"
            if self.scripted_deals
            else ""
        )
        n = len(self.years)
        scored = f"{n} years" + (
            ""
            if self.scored_years == n
            else f" ({n - self.scored_years} of them cannot be scored on the log scale: none "
            "recorded, or a forecast of none or n/a)"
        )
        where = "grudging backtest gives month, region and the naive forecasts"
        return (
            f"Track record: replaying what happened ({self.option_name}{forced}) from {self.first} to "
            f"{self.last}, the model's median path sums to {self.model:,.0f} civilian deaths "
            f"against {self.observed:,.0f} recorded ({self.source}; held out, never read by the "
            f"model): {_against(self.model, self.observed)} (by year: {years}); the record lies "
            f"inside the model's 90 % band in {self.band_coverage * 100:.0f} % of months. Naive "
            f"forecasts measured the same way: {naive}; the model is closer than persistence in "
            f"{self.closer_than_persistence} of {scored}{self._overall()}. "
            + (
                f"The command {where}."
                if self.alone
                else f"Read the other options with that in mind ({where})."
            )
        )

    def _overall(self) -> str:
        """Whether the model or persistence is nearer the record over the whole period (on the
        log scale), or nothing when either total cannot be compared."""
        persistence = dict(self.naive).get(NAIVE["persistence"], math.nan)
        if not (self.observed > 0 and self.model > 0 and persistence > 0):
            return ""
        model = abs(math.log(self.model / self.observed))
        naive = abs(math.log(persistence / self.observed))
        if model == naive:
            return ", and level with it over the whole period"
        nearer = "the model" if model < naive else "persistence"
        return (
            f", and over the whole period {nearer} is nearer ({self.ratio:.2f} against "
            f"{persistence / self.observed:.2f} times the record)"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (a ratio to a record of none is null, and ``notes`` say so)."""
        notes = [f"{y}: {_against(m, r)}" for y, m, r in self.years if r <= 0]
        if self.observed <= 0:
            notes.append(f"all months: {_against(self.model, self.observed)}")
        return {
            "option": self.option,
            "first": self.first,
            "last": self.last,
            "observed": self.observed,
            "model": self.model,
            "ratio": _finite(self.ratio),
            "band_coverage": self.band_coverage,
            "years": [
                {
                    "year": y,
                    "model": m,
                    "observed": r,
                    "ratio": _finite(m / r) if r > 0 else None,
                    "difference": m - r,
                }
                for y, m, r in self.years
            ],
            "naive": [
                {
                    "forecast": n,
                    "total": _finite(v),
                    "ratio": _finite(v / self.observed) if self.observed > 0 else None,
                }
                for n, v in self.naive
            ],
            "naive_notes": list(self.naive_notes),
            "closer_than_persistence": self.closer_than_persistence,
            "scored_years": self.scored_years,
            "notes": notes,
            "source": self.source,
            "scripted_deals": self.scripted_deals,
        }


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _against(value: float, record: float, short: bool = False) -> str:
    """A figure against the record: a ratio, or in words when none were recorded (a ratio to zero
    is undefined)."""
    if record > 0:
        return f"{value / record:.2f} times" + ("" if short else " the record")
    if short:
        return f"{value:,.0f} against none recorded"
    return f"no ratio (none recorded): {value:,.0f} deaths above the record"


def held_out(scn: Scenario) -> pd.DataFrame | None:
    """The checked held-out data the track record reads, or ``None`` when it reads none (no
    historical option, no folder, no ``civilian_deaths_*.csv``). Call it before a run to refuse a
    bad file before the long computation."""
    if not any(o.historical for o in scn.options) or not held_out_files(scn):
        return None
    return read_validation(scn)


def track_record(results: Results, scn: Scenario) -> TrackRecord | None:
    """The track record of a finished run, or ``None`` when there is none to give: the scenario
    has no folder, no historical option, no held-out national series, or the run left the
    historical option out (or it failed)."""
    option = next((o.id for o in scn.options if o.historical), None)
    if option is None or scn.base_dir is None or option not in _ran(results):
        return None
    held = held_out(scn)
    if held is None:
        return None
    folder = Path(str(scn.base_dir)) / VALIDATION_FOLDER
    national = held[held["series"] == NATIONAL_SERIES]
    first_month = month_index(scn.start)
    horizon = {month_label(first_month + m) for m in range(int(results.metadata["horizon_months"]))}
    if not national["month"].isin(horizon).any():
        return None
    (check,) = (c for c in compare(results, scn, option, (), held=held) if c.name == "national")
    table = naive_forecasts(scn, option, check, None)
    by_year = table[table["year"] != "total"]
    total = table[table["year"] == "total"].iloc[0]
    model_errors = by_year["log_error_model"].abs()
    persistence_errors = by_year["log_error_persistence"].abs()
    scored = model_errors.notna() & persistence_errors.notna()
    used = sorted(set(national.loc[national["month"].isin(check.table["month"]), "source"]))
    return TrackRecord(
        option=option,
        option_name=results.option_names().get(option, option),
        first=str(check.table["month"].iloc[0]),
        last=str(check.table["month"].iloc[-1]),
        observed=float(total["observed"]),
        model=float(total["model"]),
        band_coverage=float(total["band_coverage"]),
        years=tuple(
            (str(r["year"]), float(r["model"]), float(r["observed"])) for _, r in by_year.iterrows()
        ),
        naive=tuple((label, float(total[name])) for name, label in NAIVE.items()),
        closer_than_persistence=int((scored & (model_errors < persistence_errors)).sum()),
        source="; ".join(_source_name(folder, code) for code in used),
        scripted_deals=len(scn.option(option).local_deals),
        scored_years=int(scored.sum()),
        naive_notes=naive_basis(scn, option, None),
        alone=set(_ran(results)) == {option},
    )


def _ran(results: Results) -> set[str]:
    status = results.status
    return set(status.loc[status["status"] == "ok", "option"])


def _source_name(folder: Path, code: str) -> str:
    """The short name of a validation source: its citation up to the first comma, else its id."""
    path = folder / "sources.csv"
    if path.is_file():
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row.get("id") == code and row.get("citation"):
                    return row["citation"].split(",")[0].strip()
    return code

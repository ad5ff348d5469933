"""The Iraq back-test as checks: 2007-2011, out of sample.

The scenario ``iraq-2007`` is calibrated on data up to December 2006. Its option
``what_happened`` replays the surge, the recorded growth of Iraq's forces, the Sons-of-Iraq
payments and the drawdown to December 2011 from their recorded dates, on its mechanisms alone (the
scripted dates of the Awakening are not read: realignment is a mechanism);
:mod:`grudging.evidence.backtest` compares its civilian deaths with the held-out IBC series
(``validation/``), which the model never reads. The tolerances of the 2007-2008 rows follow
MODEL.md §4 ("reproduce the 2007-2008 course of civilian deaths in direction and rough size"); the
2009-2011 rows and the 60-month total follow issue 15. Each yearly row shows the naive forecasts
beside the model (persistence, base rate, troop rule: :func:`~grudging.evidence.backtest.naive_forecasts`).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from grudging.evidence.backtest import (
    NAIVE,
    Backtest,
    backtest,
    naive_band,
    naive_monthly,
    path_correlation,
    patron_troops,
)
from grudging.evidence.checks import (
    Check,
    EvidenceContext,
    Measurement,
    at_least,
    at_most,
    within,
)
from grudging.results.results import Results
from grudging.scenario.schema import Scenario, month_index

SCENARIO = "iraq-2007"
IBC = "Iraq Body Count monthly civilian deaths 2007-2011 (held out: validation/)"
ROUGH = ("dynamics.self_excitation", "dynamics.coverage_half", "dynamics.presence_driven_share")
#: The regions the back-test also checks (issue 15: each within x2 every year).
REGIONS = ("baghdad", "anbar")
#: The first two years: the rows of the original 2007-2008 back-test.
FIRST_TWO = "2008-12"


def backtest_run(ctx: EvidenceContext) -> tuple[Backtest, Results]:
    """The back-test of the historical option and the run behind it (computed once)."""

    def compute() -> tuple[Backtest, Results]:
        scn = ctx.scenario(SCENARIO)
        return backtest(scn, REGIONS, replications=ctx.effort(1000, 200), seed=ctx.seed)

    return ctx.cached("iraq:backtest", compute)


def _backtest(ctx: EvidenceContext) -> Backtest:
    return backtest_run(ctx)[0]


def _national(ctx: EvidenceContext):  # type: ignore[no-untyped-def]
    for check in _backtest(ctx).checks:
        if check.name == "national":
            return check
    raise LookupError("the back-test has no national series")


def _year_row(ctx: EvidenceContext, series: str, year: str) -> dict[str, float]:
    """The back-test's row for one series and year (or ``total``), with the naive forecasts."""
    years = _backtest(ctx).years
    assert years is not None
    rows = years[(years["series"] == series) & (years["year"] == year)]
    if rows.empty:
        raise LookupError(f"the back-test has no year '{year}' for '{series}'")
    record = rows.iloc[0].to_dict()
    return {str(k): float(v) for k, v in record.items() if k not in ("series", "year", "note")}


def _naive_text(row: dict[str, float]) -> str:
    return "; naive ratios: " + ", ".join(
        f"{label} {_exp(row[f'log_error_{name}'])}" for name, label in NAIVE.items()
    )


def _exp(log_error: float) -> str:
    """A ratio from its log error; "n/a" where there is none (none recorded or forecast)."""
    return f"{math.exp(log_error):.2f}" if math.isfinite(log_error) else "n/a"


def _year_ratio(year: str, series: str = "national"):  # type: ignore[no-untyped-def]
    def measure(ctx: EvidenceContext) -> Measurement:
        row = _year_row(ctx, series, year)
        ratio = row["model"] / row["observed"] if row["observed"] > 0 else math.nan
        return Measurement(
            ratio,
            (f"{ratio:.2f}" if math.isfinite(ratio) else "n/a (none recorded)")
            + f" ({row['model']:,.0f} modelled vs {row['observed']:,.0f})"
            + _naive_text(row),
            {
                "observed": row["observed"],
                "model_median": row["model"],
                "persistence": row["persistence"],
                "base_rate": row["base_rate"],
                "rule": row["rule"],
            },
        )

    return measure


def _worst_year_ratio(series: str):  # type: ignore[no-untyped-def]
    """The year whose model/observed ratio is furthest from 1 (on the log scale)."""

    def measure(ctx: EvidenceContext) -> Measurement:
        years = _backtest(ctx).years
        assert years is not None
        rows = years[(years["series"] == series) & (years["year"] != "total")]
        worst = rows.iloc[int(np.argmax(rows["log_error_model"].abs().to_numpy()))]
        ratio = float(math.exp(worst["log_error_model"]))
        text = ", ".join(
            f"{r['year']} {math.exp(r['log_error_model']):.2f}" for _, r in rows.iterrows()
        )
        naive = {label: _worst(rows, name) for name, label in NAIVE.items()}
        return Measurement(
            ratio,
            f"worst {worst['year']}: {ratio:.2f} (by year: {text}); naive worst years: "
            + ", ".join(f"{label} {shown}" for label, (_, shown) in naive.items()),
            {"naive_worst": {label: value for label, (value, _) in naive.items()}},
        )

    return measure


def _worst(rows: pd.DataFrame, name: str) -> tuple[float, str]:
    """A naive forecast's worst yearly ratio (largest |log error|) and how it reads."""
    errors = rows[f"log_error_{name}"].to_numpy(dtype=float)
    if not np.isfinite(errors).any():
        return math.nan, "n/a"
    i = int(np.nanargmax(np.abs(errors)))
    return float(math.exp(errors[i])), f"{math.exp(errors[i]):.2f} ({rows['year'].iloc[i]})"


def _naive_2008_over_2007(ctx: EvidenceContext) -> dict[str, float]:
    """Each naive forecast's own 2008 total over its 2007 total (the design note's protocol)."""
    y7, y8 = _year_row(ctx, "national", "2007"), _year_row(ctx, "national", "2008")
    return {
        label: y8[name] / y7[name] if y7[name] > 0 else math.nan for name, label in NAIVE.items()
    }


def _fall_ratio(ctx: EvidenceContext) -> Measurement:
    """Modelled 2008 over modelled 2007, mechanism alone, beside each naive forecast's."""
    y7, y8 = _year_row(ctx, "national", "2007"), _year_row(ctx, "national", "2008")
    ratio = y8["model"] / y7["model"]
    naive = _naive_2008_over_2007(ctx)
    return Measurement(
        ratio,
        f"{ratio:.2f} (observed {y8['observed'] / y7['observed']:.2f}); naive: "
        + ", ".join(f"{label} {value:.2f}" for label, value in naive.items()),
        {"model_2007": y7["model"], "model_2008": y8["model"], "naive": naive},
    )


def _naive_band_coverage(ctx: EvidenceContext, table: pd.DataFrame) -> float:
    """The share of the table's months inside the naive band (the last year's 5th-95th
    percentile, :func:`~grudging.evidence.backtest.naive_band`)."""
    low, high = naive_band(ctx.scenario(SCENARIO), None)
    return float(((table["observed"] >= low) & (table["observed"] <= high)).mean())


def _percent(change: float) -> str:
    """A change in whole per cent with its sign; a change that rounds to none reads +0%."""
    return f"{0.0 if abs(change) < 0.005 else change:+.0%}"


def _band_60(ctx: EvidenceContext) -> Measurement:
    national = _national(ctx)
    naive = _naive_band_coverage(ctx, national.table)
    return Measurement(
        national.coverage,
        f"{national.coverage:.0%} of {len(national.table)} months; naive band (2006's "
        f"5th-95th percentile) {naive:.0%}",
        {"bias": national.bias, "mean_absolute_error": national.mae, "naive_band": naive},
    )


def _change(ctx: EvidenceContext) -> Measurement:
    national = _national(ctx)
    gap = national.change_model - national.change_observed
    naive = {label: ratio - 1.0 for label, ratio in _naive_2008_over_2007(ctx).items()}
    return Measurement(
        gap,
        f"model {national.change_model:+.0%} vs observed {national.change_observed:+.0%}; "
        "naive: " + ", ".join(f"{label} {_percent(value)}" for label, value in naive.items()),
        {"model": national.change_model, "observed": national.change_observed, "naive": naive},
    )


def _first_two(ctx: EvidenceContext) -> pd.DataFrame:
    """The national comparison month by month, 2007-2008."""
    table = _national(ctx).table
    return table[table["month"] <= FIRST_TWO]


def _band(ctx: EvidenceContext) -> Measurement:
    t = _first_two(ctx)
    inside = float(((t["observed"] >= t["low"]) & (t["observed"] <= t["high"])).mean())
    err = t["median"] - t["observed"]
    naive = _naive_band_coverage(ctx, t)
    return Measurement(
        inside,
        f"{inside:.0%} of {len(t)} months; naive band (2006's 5th-95th percentile) {naive:.0%}",
        {
            "bias": float(err.mean()),
            "mean_absolute_error": float(err.abs().mean()),
            "naive_band": naive,
        },
    )


def _path(ctx: EvidenceContext) -> Measurement:
    t = _first_two(ctx)
    r = float(np.corrcoef(t["median"], t["observed"])[0, 1])
    scn = ctx.scenario(SCENARIO)
    monthly = naive_monthly(scn, _backtest(ctx).option, _national(ctx), None)
    monthly = monthly[monthly["month"] <= FIRST_TWO]
    naive = {
        label: path_correlation(
            monthly[name].reset_index(drop=True), t["observed"].reset_index(drop=True)
        )
        for name, label in NAIVE.items()
    }
    shown = ", ".join(
        f"{label} {value:.2f}" if math.isfinite(value) else f"{label} n/a"
        for label, value in naive.items()
    )
    return Measurement(r, f"r = {r:.2f}; naive: {shown}", {"naive": naive})


def attacks_fall(ctx: EvidenceContext) -> Measurement:
    """F11: change of insurgent attacks on forces, June 2007 to February 2008, in the replay.

    The option ``what_happened`` of ``iraq-2007`` through the dynamics engine, each replication
    with its own draw of the dynamics parameters (as ``grudging run``). Figure: relative change
    of the median number of attacks a month between the two months.
    """
    from grudging.evidence.backtest import historical_option
    from grudging.evidence.replay import replay

    scn = ctx.scenario(SCENARIO)
    traj = replay(ctx, scn, historical_option(scn), ctx.effort(500, 200))
    start = month_index(scn.start)
    june, feb = month_index("2007-06") - start, month_index("2008-02") - start
    median = np.median(traj.attacks, axis=0)
    change = float(median[feb] / median[june] - 1.0)
    observed = _observed_attack_change(ctx)
    trend = attack_trend_change(scn, "2007-06", "2008-02")
    return Measurement(
        change,
        f"{change:+.0%} ({median[june]:,.0f} -> {median[feb]:,.0f} a month; SIGACT held out "
        f"{observed:+.0%}); naive: persistence +0%, trend "
        + (f"{trend:+.0%}" if math.isfinite(trend) else "n/a (no attacks recorded)"),
        {
            "model_june_2007": float(median[june]),
            "model_feb_2008": float(median[feb]),
            "naive": {"persistence": 0.0, "trend": trend},
        },
    )


def attack_trend_change(scn: Scenario, first: str, last: str) -> float:
    """The naive trend's change of attacks from ``first`` to ``last``: a least-squares line through
    the national monthly attacks recorded before the information date (regions summed; at most
    the last 12 months), read at the two months. NaN with fewer than two months recorded."""
    from grudging.calibration.dynamics import ATTACK_SERIES

    summed: dict[str, float] = {}
    for o in scn.observations:
        if o.series == ATTACK_SERIES and month_index(o.month) <= month_index(scn.information_date):
            summed[o.month] = summed.get(o.month, 0.0) + o.value
    months = sorted(summed)[-12:]
    if len(months) < 2:
        return math.nan
    x = np.array([month_index(m) for m in months], dtype=float)
    slope, intercept = np.polyfit(x, [summed[m] for m in months], 1)
    at_first = intercept + slope * month_index(first)
    at_last = intercept + slope * month_index(last)
    return float(at_last / at_first - 1.0) if at_first > 0 else math.nan


def _observed_attack_change(ctx: EvidenceContext) -> float:
    """The held-out SIGACT-derived national attack series, June 2007 to February 2008."""
    scn = ctx.scenario(SCENARIO)
    from pathlib import Path

    import pandas as pd

    path = Path(scn.base_dir or ".") / "validation" / "attacks_2007_2008.csv"
    if not path.is_file():
        return float("nan")
    table = pd.read_csv(path)
    national = table[table["series"] == "insurgent_attacks_national"].set_index("month")["value"]
    if "2007-06" not in national.index or "2008-02" not in national.index:
        return float("nan")
    return float(national["2008-02"] / national["2007-06"] - 1.0)


#: The patron's recorded military deaths by year (all causes), held out like the IBC series.
PATRON_DEATHS = "validation/us_military_deaths_2006_2011.csv"


def patron_deaths(ctx: EvidenceContext) -> Measurement:
    """The patron's troop deaths over the replay's months (median of runs) against the record,
    beside three naive forecasts from the last year before the information date: the same yearly
    toll every year (base rate), the previous year's recorded toll (persistence, one year ahead),
    and deaths in proportion to the patron's troops in the theatre (troop rule, the replay's own
    forcing)."""
    scn = ctx.scenario(SCENARIO)
    bt, results = backtest_run(ctx)
    rows = results.outcomes[
        (results.outcomes["option"] == bt.option)
        & (results.outcomes["outcome"] == "troop_deaths")
        & (results.outcomes["nation"] == scn.patron)
    ]
    model = float(rows.groupby("replication")["value"].sum().median())
    record = pd.read_csv(Path(scn.base_dir or ".") / PATRON_DEATHS)
    by_year = dict(zip(record["year"].astype(int), record["deaths"].astype(float), strict=True))
    first = int(scn.start[:4])
    years = range(first, first + scn.horizon_months // 12)
    observed = sum(by_year[y] for y in years)
    before = by_year[first - 1]
    troops = patron_troops(scn, bt.option, scn.horizon_months)
    naive = {
        "persistence": sum(by_year[y - 1] for y in years),
        "base_rate": before * len(years),
        "rule": before / 12 * float(np.sum(troops / troops[0]))
        if troops is not None and troops[0] > 0
        else before * len(years),
    }
    ratio = model / observed
    return Measurement(
        ratio,
        f"{ratio:.2f} ({model:,.0f} modelled vs {observed:,.0f}); naive ratios: persistence "
        f"{naive['persistence'] / observed:.2f}, base rate {naive['base_rate'] / observed:.2f},"
        f" troop rule {naive['rule'] / observed:.2f}",
        {"observed": observed, "model_median": model, **naive},
    )


def checks() -> tuple[Check, ...]:
    """The back-test checks (the attacks check, F11, is listed with the findings)."""
    return (
        Check(
            "IQ-2007",
            None,
            "iraq",
            "civilian deaths in 2007 (replay of the surge)",
            IBC,
            "25,063 deaths (IBC)",
            "model/observed 0.67-1.5",
            _year_ratio("2007"),
            within(1 / 1.5, 1.5),
            constrains=ROUGH,
        ),
        Check(
            "IQ-2008",
            None,
            "iraq",
            "civilian deaths in 2008",
            IBC,
            "9,384 deaths (IBC)",
            "model/observed 0.67-1.5",
            _year_ratio("2008"),
            within(1 / 1.5, 1.5),
            constrains=ROUGH,
        ),
        Check(
            "IQ-change",
            None,
            "iraq",
            "fall in deaths from 2007 to 2008",
            IBC,
            "-63 % (IBC)",
            "model change within 20 points of the observed",
            _change,
            within(-0.2, 0.2),
            constrains=ROUGH,
        ),
        Check(
            "IQ-band",
            None,
            "iraq",
            "months inside the model's 90 % band",
            IBC,
            "90 % of the 24 months",
            ">= 75 %",
            _band,
            at_least(0.75),
            constrains=("dynamics.dispersion",),
        ),
        Check(
            "IQ-path",
            None,
            "iraq",
            "month-to-month path of deaths",
            IBC,
            "the observed monthly series",
            "correlation of the median path >= 0.7",
            _path,
            at_least(0.7),
        ),
        *(
            Check(
                f"IQ-{year}",
                None,
                "iraq",
                f"civilian deaths in {year} (drawdown)",
                IBC,
                f"{observed} deaths (IBC)",
                "model/observed 0.67-1.5",
                _year_ratio(year),
                within(1 / 1.5, 1.5),
                constrains=ROUGH,
            )
            for year, observed in (("2009", "4,713"), ("2010", "4,045"), ("2011", "4,087"))
        ),
        Check(
            "IQ-60m",
            None,
            "iraq",
            "civilian deaths over the 60 months 2007-2011",
            IBC,
            "47,292 deaths (IBC)",
            "model/observed 0.7-1.3",
            _year_ratio("total"),
            within(0.7, 1.3),
            constrains=ROUGH,
        ),
        Check(
            "IQ-band60",
            None,
            "iraq",
            "months 2007-2011 inside the model's 90 % band",
            IBC,
            "the 60 monthly observations",
            ">= 70 %",
            _band_60,
            at_least(0.7),
            constrains=("dynamics.dispersion",),
        ),
        Check(
            "IQ-fall",
            None,
            "iraq",
            "2008 below 0.6 x 2007, mechanisms alone (no scripted deals)",
            IBC,
            "0.37 (IBC 9,384 / 25,063)",
            "modelled 2008 / 2007 < 0.6",
            _fall_ratio,
            at_most(0.6),
            constrains=("dynamics.realign_per_protection", "dynamics.spoiler_attrition"),
        ),
        Check(
            "IQ-troops",
            None,
            "iraq",
            "the patron's military deaths 2007-2011 (replay)",
            "Iraq Coalition Casualty Count via Iraqi News (2010) and Infoplease; 2011 by difference"
            " from the 2003-2011 total (held out: " + PATRON_DEATHS + ")",
            "1,483 US military deaths, all causes",
            "model/observed 0.7-1.3",
            patron_deaths,
            within(0.7, 1.3),
            constrains=("dynamics.lethality_patron", "dynamics.attacks_per_fighter"),
        ),
        *(
            Check(
                f"IQ-{region}",
                None,
                "iraq",
                f"{region.capitalize()}: civilian deaths each year 2007-2011",
                IBC + "; province coding by Beger",
                "the yearly IBC totals of the governorate",
                "worst year's model/observed within 0.5-2",
                _worst_year_ratio(region),
                within(0.5, 2.0),
            )
            for region in REGIONS
        ),
    )

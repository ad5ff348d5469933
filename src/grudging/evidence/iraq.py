"""The Iraq back-test as checks: 2007-2008, out of sample.

The scenario ``iraq-2007`` is calibrated on data up to December 2006. Its option
``what_happened`` replays the surge, the Anbar Awakening and the Sadr ceasefire from their
recorded dates; :mod:`grudging.evidence.backtest` compares its civilian deaths with the held-out
IBC series (``validation/``), which the model never reads. The tolerances follow MODEL.md §4:
"reproduce the 2007-2008 course of civilian deaths in direction and rough size".
"""

from __future__ import annotations

import numpy as np

from grudging.evidence.backtest import Backtest, backtest
from grudging.evidence.checks import Check, EvidenceContext, Measurement, at_least, within
from grudging.results.results import Results
from grudging.scenario.schema import month_index

SCENARIO = "iraq-2007"
IBC = "Iraq Body Count monthly civilian deaths 2007-2008 (held out: validation/)"
ROUGH = ("dynamics.self_excitation", "dynamics.coverage_half", "dynamics.presence_driven_share")


def backtest_run(ctx: EvidenceContext) -> tuple[Backtest, Results]:
    """The back-test of the historical option and the run behind it (computed once)."""

    def compute() -> tuple[Backtest, Results]:
        scn = ctx.scenario(SCENARIO)
        return backtest(scn, (), replications=ctx.effort(1000, 200), seed=ctx.seed)

    return ctx.cached("iraq:backtest", compute)


def _backtest(ctx: EvidenceContext) -> Backtest:
    return backtest_run(ctx)[0]


def _national(ctx: EvidenceContext):  # type: ignore[no-untyped-def]
    for check in _backtest(ctx).checks:
        if check.name == "national":
            return check
    raise LookupError("the back-test has no national series")


def _year_ratio(year: str):  # type: ignore[no-untyped-def]
    def measure(ctx: EvidenceContext) -> Measurement:
        totals = _national(ctx).totals.set_index("year")
        row = totals.loc[year]
        ratio = float(row["ratio"])
        return Measurement(
            ratio,
            f"{ratio:.2f} ({row['model_median']:,.0f} modelled vs {row['observed']:,.0f})",
            {"observed": float(row["observed"]), "model_median": float(row["model_median"])},
        )

    return measure


def _change(ctx: EvidenceContext) -> Measurement:
    national = _national(ctx)
    gap = national.change_model - national.change_observed
    return Measurement(
        gap,
        f"model {national.change_model:+.0%} vs observed {national.change_observed:+.0%}",
        {"model": national.change_model, "observed": national.change_observed},
    )


def _band(ctx: EvidenceContext) -> Measurement:
    national = _national(ctx)
    return Measurement(
        national.coverage,
        f"{national.coverage:.0%} of {len(national.table)} months",
        {"bias": national.bias, "mean_absolute_error": national.mae},
    )


def _path(ctx: EvidenceContext) -> Measurement:
    national = _national(ctx)
    return Measurement(national.correlation, f"r = {national.correlation:.2f}", {})


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
    return Measurement(
        change,
        f"{change:+.0%} ({median[june]:,.0f} -> {median[feb]:,.0f} a month; SIGACT held out "
        f"{observed:+.0%})",
        {"model_june_2007": float(median[june]), "model_feb_2008": float(median[feb])},
    )


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
    )

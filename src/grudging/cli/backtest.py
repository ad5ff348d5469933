"""``grudging backtest``: replay what happened and compare with held-out data."""

from __future__ import annotations

import argparse
import re
from typing import Any

from grudging.cli.scenario import (
    add_sampling_arguments,
    add_scenario_argument,
    replications_or_default,
)

#: File types the plot can be written as.
PLOT_TYPES = (".png", ".svg", ".pdf", ".jpg", ".jpeg")


def _month(text: str) -> str:
    """A ``YYYY-MM`` month argument."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a month; give YYYY-MM, e.g. 2011-12")
    return text


def register(sub: Any) -> None:
    """Add ``backtest``."""
    p = sub.add_parser(
        "backtest",
        help="replay what actually happened and compare with held-out data, month by month",
        description="Runs the scenario's historical option from its start and compares monthly "
        "civilian deaths with the held-out series (national and per region): error measures and a plot.",
    )
    add_scenario_argument(p)
    p.add_argument(
        "--region",
        action="append",
        default=[],
        metavar="ID",
        help="also check this region (repeatable; default: the two regions with most "
        "deaths in the last year of data)",
    )
    add_sampling_arguments(p, 1000, "run")
    p.add_argument(
        "--plot",
        default="grudging-backtest.png",
        metavar="PATH",
        help="where to write the plot (.png, .svg, .pdf or .jpg; default "
        "grudging-backtest.png; '-' for none)",
    )
    p.add_argument(
        "--to",
        default=None,
        type=_month,
        metavar="YYYY-MM",
        help="last month compared (default: every held-out month)",
    )
    p.add_argument(
        "--scripted-deals",
        action="store_true",
        help="keep the option's scripted local deals as a forcing (default: its mechanisms alone)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_backtest)


def _check_held_out(scn: Any, regions: list[str]) -> None:
    """The scenario has a monthly series to score against, and every ``--region`` is its own."""
    from grudging.errors import GrudgingError, unknown_name
    from grudging.scenario.held_out import FOLDER, held_out_files

    if scn.base_dir is not None and not held_out_files(scn):
        raise GrudgingError(
            f"scenario '{scn.id}' has no monthly series of civilian deaths to back-test against "
            f"({FOLDER}/civilian_deaths_*.csv next to its scenario file); 'grudging evidence' "
            "scores the held-out outcomes it has, or add the series (docs/cases.md gives the "
            "format)"
        )
    ids = [r.id for r in scn.regions]
    for region in regions:
        if region not in ids:
            raise GrudgingError(f"--region {region}: " + unknown_name("region", region, ids))


def _backtest(args: argparse.Namespace) -> int:
    from rich.table import Table

    from grudging.cli._checks import check_run_memory, prepare_parent, writable_file
    from grudging.cli._output import console, print_json
    from grudging.evidence.backtest import backtest, check_last_month, plot
    from grudging.machine import available_memory
    from grudging.scenario import load_scenario
    from grudging.scenario.summary import recent_deaths

    replications = replications_or_default(args.replications, 1000)
    plot_file = None
    if args.plot and args.plot != "-":
        plot_file = writable_file(args.plot, "--plot", PLOT_TYPES)
    scn = load_scenario(args.scenario, overrides=args.set, runnable=True)
    check_last_month(scn, args.to, "--to")
    check_run_memory(
        replications, 1, len(scn.regions), scn.horizon_months, available_memory(), ways_out=""
    )
    _check_held_out(scn, args.region)
    regions = tuple(args.region)
    if not regions:
        deaths = recent_deaths(scn)
        regions = tuple(sorted(deaths, key=lambda r: -deaths[r])[:2])
    bt, _ = backtest(
        scn,
        regions,
        replications=replications,
        seed=args.seed,
        to=args.to,
        scripted=args.scripted_deals,
    )
    path = None
    if plot_file is not None:
        prepare_parent(plot_file)
        path = plot(bt, plot_file)
    if args.json:
        print_json({**bt.to_dict(), "plot": str(path) if path else None})
        return 0
    console.print(
        f"[bold]Back-test of '{bt.option}'[/] ({bt.scenario}): {bt.replications:,} replications, "
        "held-out data the model never read; "
        + (
            "scripted local deals as forcing"
            if bt.scripted
            else "mechanisms alone (no scripted deals)"
        )
    )
    table = Table(title="Civilian deaths per month: model against observation")
    for col in (
        "series",
        "months",
        "MAE",
        "bias",
        "in 90 % band",
        "correlation",
        "change yr1→yr2 obs / model",
    ):
        table.add_column(col, justify="right")
    for c in bt.checks:
        table.add_row(
            c.name,
            str(len(c.table)),
            f"{c.mae:,.0f}",
            f"{c.bias:+,.0f}",
            f"{c.coverage:.0%}",
            "n/a" if c.correlation != c.correlation else f"{c.correlation:.2f}",
            _change(c),
        )
    console.print(table)
    if any(c.correlation != c.correlation for c in bt.checks):
        console.print(
            "  correlation n/a: fewer than three months, or a path that never changes (none "
            "recorded in any month)"
        )
    totals = Table(title="Totals by year")
    for col in ("series", "year", "months", "observed", "model median", "ratio"):
        totals.add_column(col, justify="right")
    for c in bt.checks:
        for _, row in c.totals.iterrows():
            totals.add_row(
                c.name,
                row["year"],
                str(row["months"]),
                f"{row['observed']:,.0f}",
                f"{row['model_median']:,.0f}",
                "n/a (none recorded)" if row["observed"] <= 0 else f"{row['ratio']:.2f}",
            )
    console.print(totals)
    if bt.years is not None:
        naive = Table(
            title="Log error of yearly totals, ln(forecast / observed): model and naive forecasts"
        )
        for col in (
            "series",
            "year",
            "months",
            "observed",
            "model",
            "persistence",
            "base rate",
            "rule",
            "in band",
        ):
            naive.add_column(col, justify="right")
        for _, row in bt.years.iterrows():
            naive.add_row(
                row["series"],
                str(row["year"]),
                str(row["months"]),
                f"{row['observed']:,.0f}",
                *(
                    _log_error(row[f"log_error_{name}"])
                    for name in ("model", "persistence", "base_rate", "rule")
                ),
                f"{row['band_coverage']:.0%}",
            )
        console.print(naive)
        for line in _notes(bt):
            console.print(f"  {line}")
        console.print(
            "  persistence: each year the previous year's recorded total (a one-year-ahead"
            " forecast that reads the record as it comes; the model reads nothing after the"
            " information date); base rate: the last 12 months before the information date,"
            " every year; rule: that rate scaled inversely by the patron's troops (capped at"
            " twice). docs/design-notes/history.md gives the protocol."
        )
    if path is not None:
        console.print(f"plot written to [bold]{path}[/]")
    return 0


def _change(check: Any) -> str:
    """The change from the first year to the second, observed / model; "–" with one year, and
    "n/a" with the reason when the first year has no deaths to change from."""
    observed, model, totals = check.change_observed, check.change_model, check.totals
    if len(totals) < 2:
        return "–"
    if observed != observed or model != model:  # NaN: a first year of none
        year = totals["year"].iloc[0]
        who = "recorded" if totals["observed"].iloc[0] <= 0 else "modelled"
        return f"n/a (none {who} in {year})"
    return f"{observed:+.0%} / {model:+.0%}"


def _log_error(value: float) -> str:
    """A log error, or "n/a" where it is undefined (the notes below the table say why)."""
    return "n/a" if value != value else f"{value:+.2f}"


def _notes(bt: Any) -> list[str]:
    """Why cells of the log-error table are n/a: each series' naive-forecast basis, then the
    years that share a reason."""
    lines = [
        ", ".join(s for s, n in bt.basis if n == note) + f": {note}"
        for note in dict.fromkeys(n for _, n in bt.basis)
    ]
    years = bt.years
    for series in dict.fromkeys(years["series"]):
        rows = years[(years["series"] == series) & (years["note"] != "")]
        for note in dict.fromkeys(rows["note"]):
            which = ", ".join(str(y) for y in rows.loc[rows["note"] == note, "year"])
            lines.append(f"{series} {which}: {note}")
    return lines

"""``grudging run``: every course of action through the whole chain, compared."""

from __future__ import annotations

import argparse
from typing import Any

from grudging.cli.scenario import (
    add_sampling_arguments,
    add_scenario_argument,
    replications_or_default,
)

#: Outcomes shown in the terminal comparison, in order.
SHOWN = (
    "civilian_deaths",
    "civil_war",
    "displaced",
    "refugees",
    "troop_deaths",
    "cost_patron",
    "safe_haven",
    "regional_escalation",
    "coalition_troops",
    "settlement_forms",
    "settlement_holds",
)


def register(sub: Any) -> None:
    """Add ``run``."""
    p = sub.add_parser(
        "run",
        help="run every course of action through the chain and compare the outcomes",
        description="Plan each option (requirement, coalition, bargain), simulate the violence "
        "month by month over many replications, print the comparison and write an HTML report.",
    )
    add_scenario_argument(p)
    p.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="ID",
        help="run only this option (repeatable; default: all)",
    )
    add_sampling_arguments(p, 1000, "option")
    p.add_argument(
        "--baseline",
        default=None,
        metavar="ID",
        help="option the others are compared with (default: the first option)",
    )
    p.add_argument(
        "--no-uncertainty",
        action="store_true",
        help="keep the dynamics parameters at their nominal values (chance only)",
    )
    p.add_argument(
        "--report",
        default="grudging-report.html",
        metavar="PATH",
        help="where to write the HTML report (default: grudging-report.html; '-' for none)",
    )
    p.add_argument(
        "--save",
        default=None,
        metavar="DIR",
        help="also save the results (Parquet tables and metadata) in this folder",
    )
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from grudging.chain import DEFAULT_REPLICATIONS, simulate
    from grudging.cli._checks import (
        check_run_memory,
        prepare_parent,
        writable_file,
        writable_folder,
    )
    from grudging.cli._output import console, err_console, print_json
    from grudging.errors import GrudgingError, unknown_name
    from grudging.results.store import available_memory
    from grudging.scenario import load_scenario

    # Everything that can be refused is refused here, before the simulation.
    replications = replications_or_default(args.replications, DEFAULT_REPLICATIONS)
    report_file = None
    if args.report and args.report != "-":
        report_file = writable_file(args.report, "--report", (".html", ".htm"))
    if args.save:
        writable_folder(args.save, "--save")
    scn = load_scenario(args.scenario, overrides=args.set, runnable=True)
    ids = [o.id for o in scn.options]
    for option in args.option:
        if option not in ids:
            raise GrudgingError(f"--option {option}: {unknown_name('option', option, ids)}")
    options = args.option or ids
    baseline = args.baseline or options[0]
    if baseline not in options:
        raise GrudgingError(f"--baseline {baseline}: {unknown_name('option', baseline, options)}")
    check_run_memory(
        replications, len(options), len(scn.regions), scn.horizon_months, available_memory()
    )

    progress = Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        console=err_console,
        disable=args.quiet or args.json,
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def tick(option: str, done: int, total: int) -> None:
        if option not in tasks:
            tasks[option] = progress.add_task(option, total=total)
        progress.update(tasks[option], completed=done)

    with progress:
        results = simulate(
            scn,
            options=options,
            replications=replications,
            seed=args.seed,
            uncertainty=not args.no_uncertainty,
            progress=tick,
        )
    failed = results.status[results.status["status"] != "ok"]
    ran = [o for o in options if o not in set(failed["option"])]
    if baseline not in ran and ran and not args.baseline:
        baseline = ran[0]  # the first option failed: compare with the first that ran
    if args.save:
        results.save(args.save)
    report_path = None
    if report_file is not None and ran:
        from grudging.report.html import write_report

        prepare_parent(report_file)
        report_path = write_report(results, scn, report_file)
    code = 1 if len(failed) else 0  # the run completed, but some options failed
    if args.json:
        print_json(
            {
                "metadata": {k: v for k, v in results.metadata.items() if k != "plans"},
                "plans": results.metadata["plans"],
                "summary": results.summary().to_dict(orient="records") if ran else [],
                "compared_with": baseline,
                "differences": results.compare(baseline).to_dict(orient="records")
                if len(ran) > 1 and baseline in ran
                else [],
                "failed": failed.drop_duplicates("option")[["option", "error"]].to_dict(
                    orient="records"
                ),
                "report": str(report_path) if report_path else None,
            }
        )
        return code
    if ran:
        _print_comparison(console, results, baseline if baseline in ran and len(ran) > 1 else None)
    for _, row in failed.drop_duplicates("option").iterrows():
        err_console.print(f"[red]option {row['option']} failed:[/] {row['error']}", soft_wrap=True)
    if args.save:
        console.print(f"results saved in [bold]{args.save}[/]")
    if report_path is not None:
        console.print(f"report written to [bold]{report_path}[/]")
    elif report_file is not None:
        err_console.print(f"no report written: every option failed ({report_file})", soft_wrap=True)
    return code


def _fmt(value: float, unit: str) -> str:
    if unit == "probability" or unit.startswith("index"):
        return f"{value:.2f}"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.2f}M"
    if abs(value) >= 1e4:
        return f"{value / 1e3:,.0f}k"
    return f"{value:,.0f}"


def _print_comparison(console: Any, results: Any, baseline: str | None) -> None:
    from rich.table import Table

    from grudging.model.outcomes import OUTCOMES

    meta = results.metadata
    console.print(
        f"[bold]{meta['scenario']}[/] — {meta['replications']:,} replications per option, seed "
        f"{meta['seed']}, {'with' if meta['uncertainty'] else 'without'} parameter uncertainty; "
        f"median [90 % interval] over the {meta['horizon_months']}-month horizon from {meta['start']}"
    )
    summary = results.summary()
    table = Table(title="Outcomes by course of action", show_lines=False)
    table.add_column("outcome")
    table.add_column("unit")
    for option in results.options:
        table.add_column(option, justify="right")
    for name in SHOWN:
        rows = summary[summary["outcome"] == name].set_index("option")
        if rows.empty:
            continue
        unit = OUTCOMES[name].unit
        cells = []
        for option in results.options:
            if option not in rows.index:
                cells.append("–")
                continue
            r = rows.loc[option]
            if unit == "probability":
                cells.append(f"{r['mean']:.2f}")
            else:
                cells.append(
                    f"{_fmt(r['median'], unit)} [{_fmt(r['low'], unit)}–{_fmt(r['high'], unit)}]"
                )
        table.add_row(
            name.replace("_", " "), unit if unit != "probability" else "share of runs", *cells
        )
    console.print(table)
    diff = results.compare(baseline) if baseline is not None else None
    if diff is not None and not diff.empty:
        t2 = Table(
            title=f"Difference against '{baseline}' (same replications: common random numbers)"
        )
        t2.add_column("option")
        for name in ("civilian_deaths", "civil_war", "troop_deaths", "cost_patron"):
            t2.add_column(name.replace("_", " "), justify="right")
        for option in [o for o in results.options if o != baseline]:
            cells = []
            for name in ("civilian_deaths", "civil_war", "troop_deaths", "cost_patron"):
                r = diff[(diff["option"] == option) & (diff["outcome"] == name)]
                if r.empty:
                    cells.append("–")
                    continue
                r0 = r.iloc[0]
                unit = OUTCOMES[name].unit
                if unit == "probability":
                    cells.append(f"{r0['mean_difference']:+.2f}")
                else:
                    cells.append(
                        f"{_fmt(r0['median_difference'], unit)} [{_fmt(r0['low'], unit)}–{_fmt(r0['high'], unit)}]"
                        f" better in {r0['share_better']:.0%}"
                    )
            t2.add_row(option, *cells)
        console.print(t2)
    plans = meta.get("plans", {})
    for option, plan in plans.items():
        bits = []
        if "coalition" in plan:
            c = plan["coalition"]
            bits.append(
                f"coalition of {c['troops']:,} troops from {c['nations']} nations "
                f"({c['coverage']:.0%} of the requirement in effective strength), "
                f"US${c['cost_musd_per_year']:,.0f}M a year"
            )
        if "bargain" in plan:
            b = plan["bargain"]
            bits.append(
                f"deal under {b['guarantor']}: P(forms) {b['p_deal']:.2f}, "
                f"holdouts {', '.join(b['holdouts']) or 'none'}"
            )
        if bits:
            console.print(f"[cyan]{option}[/]: " + "; ".join(bits))
    first = next(iter(plans.values()), None)
    if first is not None:
        console.print(
            f"requirement: {first['requirement_total']:,.0f} troops "
            f"[{first['requirement_low']:,.0f}–{first['requirement_high']:,.0f}] against the "
            f"proposal's ISAF-sized {first['proposal_force']:,.0f}"
        )

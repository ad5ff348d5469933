"""``grudging new NAME`` (a minimal case to edit) and ``grudging cases`` (the scored library)."""

from __future__ import annotations

import argparse
import re
from typing import Any

from grudging.cli.scenario import add_sampling_arguments, replications_or_default

#: The case ``grudging new`` writes; ``{id}``, ``{title}`` and ``{start}`` are filled in. At most
#: 40 lines.
TEMPLATE = """\
# A minimal case: one theatre, one force, documented defaults (docs/cases.md).
# Every figure below is a placeholder: write your operation's, with its source.
# Run it with: grudging run {path}
format: case
id: {id}
title: "{title}"
start: {start}                  # first simulated month; the information date is the month before
population: 5000000             # inhabitants at the start
recent_deaths_per_year: 2000    # deaths in the year before the start (or the war's yearly mean)
agreement: true                 # a signed agreement is in place at the start
intervener_party: false         # the force is seen as a party (it fought or armed one side)
ceasefire: false                # false: war goes on at the start; true: a cease-fire holds
                                # (calm; war can resume) - how the library codes past cease-fires
force:
  name: Stabilization force
  command: un                   # us, nato, un, eu, national, or one added under commands:
  troops: 5000                  # planned strength
  present_at_start: 0           # troops already there at the information date
  arrival_month: 0
  build_up_months: 3
# Defaults you may override (sources in docs/cases.md):
# fighters_per_1000: 8
# composition: {{group_a: 0.45, group_b: 0.35, group_c: 0.20}}
# spoiler: false
# ended_by: settlement          # how the war ended: truce, settlement (the agreement), victory
# horizon_months: 24
# parameters: {{dynamics.self_excitation: 0.45}}
# commands: [...]             # a command the registry lacks, e.g. a regional body (docs/cases.md)
sources:                        # one per figure or judgement above (grudging validate notes any missing)
  start: "where the figure comes from"
  population: "where the figure comes from"
  recent_deaths_per_year: "where the figure comes from"
  agreement: "where the figure comes from"
  intervener_party: "where the figure comes from"
  ceasefire: "where the figure comes from"
  force: "where the figure comes from"
# A past operation's record, to score it with 'grudging cases FILE' (docs/cases.md):
# outcome: {{large_scale_violence_2y: false, source: "where the outcome comes from"}}
"""


def register(sub: Any) -> None:
    """Add ``new`` and ``cases``."""
    p = sub.add_parser(
        "new",
        help="write a minimal case (tens of lines) to edit and run",
        description="Write NAME.yaml, a minimal case with documented defaults; "
        "edit it, then 'grudging run NAME.yaml'.",
    )
    p.add_argument("name", metavar="NAME", help="case id (lower case, digits and dashes)")
    p.add_argument("--out", default=None, metavar="PATH", help="file to write (default NAME.yaml)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=_new)

    c = sub.add_parser(
        "cases",
        help="run the library of past operations and score it against naive forecasts",
        description="Run every case of the library (peace operations 1990-1999, Fortna 2008), "
        "and any case files you give, forecast P(large-scale violence within two years) and "
        "score it (Brier, accuracy, log-loss, calibration) beside the leave-one-out base rate, "
        "the rule 'agreement in place and intervener not a party' and persistence. Your cases "
        "join the pool the naive forecasts learn from and get a score table of their own.",
    )
    c.add_argument(
        "files",
        nargs="*",
        metavar="FILE_OR_FOLDER",
        help="your own case files (format: case, with an outcome:), or folders of them",
    )
    c.add_argument(
        "--case",
        action="append",
        default=[],
        metavar="ID",
        help="run only this case, of the library or your files (repeatable); the naive "
        "forecasts still learn from every case",
    )
    c.add_argument(
        "--list", action="store_true", help="list the cases (with --case, those) and exit"
    )
    add_sampling_arguments(c, 200, "case")
    c.add_argument("--plot", default=None, metavar="FILE.png", help="write a calibration plot")
    c.add_argument("--json", action="store_true", help="print the table and scores as JSON")
    c.set_defaults(handler=_cases)


_NAME = re.compile(r"^[a-z][a-z0-9\-]*$")
#: Bytes in a file name on common file systems (NAME.yaml without --out).
MAX_FILE_NAME = 255


def _new(args: argparse.Namespace) -> int:
    from pathlib import Path

    from grudging.cli._checks import prepare_parent, writable_file
    from grudging.cli._output import console
    from grudging.errors import GrudgingError

    if not _NAME.match(args.name):
        raise GrudgingError(
            f"new {args.name}: a case id is lower-case letters, digits and dashes, starting "
            "with a letter (e.g. mali-2013)"
        )
    if args.out is None:  # the file NAME.yaml: a refusal names the id, not a flag not given
        default = Path(f"{args.name}.yaml")
        if len(default.name.encode()) > MAX_FILE_NAME:
            raise GrudgingError(
                f"new {args.name[:40]}…: a case id of {len(args.name)} characters is too long "
                f"for a file name ({MAX_FILE_NAME - 5} at most); give a shorter id, or --out PATH"
            )
        if default.is_dir():
            raise GrudgingError(
                f"new {args.name}: {default} is a folder here; give --out PATH for the file"
            )
    path = writable_file(args.out or f"{args.name}.yaml", "--out", (".yaml", ".yml"))
    if Path(path).exists() and not args.force:
        raise GrudgingError(f"new {args.name}: {path} exists; give --force to overwrite it")
    title = args.name.replace("-", " ").capitalize()
    # a name that ends in a year (mali-2013) starts in that year's January
    year = re.search(r"-(\d{4})$", args.name)
    start = f"{year.group(1)}-01" if year and 1900 <= int(year.group(1)) <= 2100 else "2007-01"
    prepare_parent(path)
    Path(path).write_text(
        TEMPLATE.format(id=args.name, title=title, path=path, start=start), encoding="utf-8"
    )
    console.print(f"wrote [bold]{path}[/]; edit it, then: grudging run {path}", soft_wrap=True)
    if not start.startswith(year.group(1) if year else "-"):
        console.print(
            f"  note: it starts {start}"
            + (f" (the name's year {year.group(1)} is outside 1900-2100)" if year else "")
            + "; write the operation's first month under 'start'"
        )
    return 0


def _cases(args: argparse.Namespace) -> int:
    from grudging.cases import runner
    from grudging.cli._output import console, print_json

    pool = runner.case_pool(args.files)
    if args.list:
        known = [e.id for e in pool]
        for case_id in args.case:  # refused as a run refuses it, not passed over
            if case_id not in known:
                from grudging.errors import GrudgingError, unknown_name

                raise GrudgingError(f"--case {case_id}: {unknown_name('case', case_id, known)}")
        listed = [e for e in pool if not args.case or e.id in args.case]
        if args.json:
            print_json(
                [
                    {
                        "id": e.id,
                        "library": bool(e.library),
                        "path": None if e.library else str(e.path),
                    }
                    for e in listed
                ]
            )
            return 0
        for entry in listed:
            console.print(entry.id if entry.library else f"{entry.id}  ({entry.path})")
        return 0
    replications = replications_or_default(args.replications, runner.DEFAULT_REPLICATIONS)
    from grudging.cli._checks import check_run_memory
    from grudging.machine import available_memory

    # a case is one theatre scored over its first two years, run case after case
    check_run_memory(
        replications, 1, 1, runner.YEARS * runner.YEAR, available_memory(), ways_out=""
    )
    plot = None
    if args.plot:
        from grudging.cli._checks import writable_file

        plot = writable_file(args.plot, "--plot", (".png",))
    ids = args.case or None
    for case_id in ids or []:
        if args.case.count(case_id) > 1:
            from grudging.errors import GrudgingError

            raise GrudgingError(
                f"--case {case_id} is given twice; name each case once (a repeated case would "
                "enter its own leave-one-out forecasts)"
            )
    results = runner.run_library(ids, replications, args.seed, pool=pool)
    report = runner.library_report(results, pool)
    if plot is not None:
        from grudging.cli._checks import prepare_parent

        prepare_parent(plot)
        runner.calibration_plot(results, plot)
    if args.json:
        print_json(report)
        return 0
    _print_report(console, report, replications)
    if plot is not None:
        console.print(f"calibration plot written to [bold]{plot}[/]")
    return 0


def _print_report(console: Any, report: dict[str, Any], replications: int) -> None:
    from rich.table import Table

    table = Table(title=f"Cases: P(large-scale violence within two years), {replications} runs")
    for col in ("case", "start", "agr.", "party", "troops/1k", "model", "base", "rule", "outcome"):
        table.add_column(col, justify="left" if col in ("case", "start") else "right")
    for row in report["cases"]:
        table.add_row(
            row["id"] + (" *" if row["leak"] else "") + ("" if row["library"] else " +"),
            row["start"],
            "yes" if row["agreement"] else "no",
            "yes" if row["intervener_party"] else "no",
            f"{row['troops_per_1000']:.2f}",
            f"{row['p_model']:.2f}",
            "-" if row["p_base_rate"] is None else f"{row['p_base_rate']:.2f}",
            "-" if row["p_rule"] is None else f"{row['p_rule']:.2f}",
            "violence" if row["outcome"] else "peace",
        )
    console.print(table)
    console.print("* deaths figure includes fighting after the start (LEAK; docs/cases.md)")
    if not all(row["library"] for row in report["cases"]):
        console.print("+ your case: scored against the same base rate and rule as the library's")
    console.print(
        "model: onset hazard fitted per case on the post-war episodes known at its information "
        "date (docs/design-notes/cases-diagnosis.md)"
    )
    for subset, scores in report["scores"].items():
        s = Table(title=f"Scores ({subset}, {scores[0]['n']} cases)")
        for col in ("forecast", "Brier", "accuracy", "log-loss", "model minus this (90 %)"):
            s.add_column(col, justify="left" if col == "forecast" else "right")
        for sc in scores:
            gap = sc["model_minus"]
            s.add_row(
                sc["name"],
                f"{sc['brier']:.3f}",
                f"{sc['accuracy']:.2f}",
                f"{sc['log_loss']:.3f}",
                ""
                if gap is None
                else f"{gap['gap']:+.3f} ({gap['low']:+.3f} to {gap['high']:+.3f})",
            )
        console.print(s)
    if report["scores"]:
        console.print(
            "the rule's accuracy is that of its yes/no call (violence unless an agreement is in "
            "place and the intervener is not a party); its Brier and log-loss score its "
            "leave-one-out probability"
        )
    cal = Table(title="Calibration of the model (all cases)")
    for col in ("bin", "cases", "mean forecast", "observed"):
        cal.add_column(col, justify="right")
    for b in report["calibration"]:
        cal.add_row(
            f"{b['low']:.1f}-{b['high']:.1f}",
            str(b["n"]),
            f"{b['mean_forecast']:.2f}",
            f"{b['observed']:.2f}",
        )
    if report["calibration"]:
        console.print(cal)
    console.print(report["verdict"])

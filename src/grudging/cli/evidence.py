"""``grudging evidence``: the model against history and the literature, one line per check."""

from __future__ import annotations

import argparse
from typing import Any

from grudging.rng import MASTER_SEED

STYLE = {
    "PASS": "green",
    "FAIL": "bold red",
    "ERROR": "bold red",
    "XFAIL(unverified)": "yellow",
    "XPASS(unverified)": "yellow",
    "NOT EXPRESSIBLE": "dim",
}


def register(sub: Any) -> None:
    """Add ``evidence``."""
    p = sub.add_parser(
        "evidence",
        help="run every check against history and the literature and print the scoreboard",
        description="Runs the findings suite's experiments (published findings as synthetic "
        "experiments), the Iraq back-test (2007-2011, held out) and the Bosnia comparison (IFOR "
        "force generation and the outcome after Dayton), and prints one line per check: target, "
        "the model's figure, tolerance and verdict. Failures are shown, not hidden.",
    )
    p.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override a value in every scenario the checks load, e.g. "
        "--set dynamics.coverage_half=0.2 (repeatable)",
    )
    p.add_argument("--quick", action="store_true", help="fewer replications and seeds")
    p.add_argument(
        "--check",
        action="append",
        default=[],
        metavar="ID",
        help="run only this check (repeatable), e.g. --check F07",
    )
    p.add_argument(
        "--seed", type=int, default=MASTER_SEED, help=f"master seed (default: {MASTER_SEED})"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--report",
        metavar="PATH",
        default=None,
        help="also write the HTML report of the Iraq back-test run with an evidence section",
    )
    p.add_argument(
        "--strict", action="store_true", help="exit with code 1 when a check fails or errs"
    )
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    p.add_argument(
        "--list",
        action="store_true",
        help="list every check (id and claim; with --check, those checks) and exit",
    )
    p.set_defaults(handler=_evidence)


def _evidence(args: argparse.Namespace) -> int:
    import sys

    from rich.markup import escape

    from grudging.cli._output import console, print_json
    from grudging.errors import GrudgingError, ParameterError
    from grudging.evidence.checks import EvidenceContext
    from grudging.evidence.scoreboard import GROUP_TITLES, all_checks, check, run_checks

    for check_id in args.check:  # before any scenario is loaded (and with --list too)
        try:
            check(check_id)
        except GrudgingError as err:
            raise ParameterError(f"--check {check_id}: {err}") from None
        if args.check.count(check_id) > 1:
            raise ParameterError(f"--check {check_id} is given twice; name each check once")
    if args.list:
        listed = [c for c in all_checks() if not args.check or c.id in args.check]
        if args.json:
            print_json([{"id": c.id, "what": c.what} for c in listed])
            return 0
        for c in listed:
            console.print(f"{c.id:<20} {escape(c.what)}", soft_wrap=True)
        return 0
    report_file = None
    if args.report:  # checked before the checks run, not after
        from grudging.cli._checks import writable_file

        report_file = writable_file(args.report, "--report", (".html", ".htm"))
    ctx = EvidenceContext(overrides=tuple(args.set), quick=args.quick, seed=args.seed)
    for name in ("iraq-2007", "bosnia-1995"):
        ctx.scenario(name)  # bad overrides fail here, with one message

    def progress(check: Any, i: int, n: int) -> None:
        if not args.quiet and not args.json:
            print(f"[{i + 1}/{n}] {check.id}", file=sys.stderr, end="\r", flush=True)

    board = run_checks(ctx, args.check or None, progress)
    if not args.quiet and not args.json:
        print(" " * 40, file=sys.stderr, end="\r", flush=True)
    path = None
    if report_file is not None:
        from grudging.cli._checks import prepare_parent
        from grudging.evidence.backtest import historical_option, without_scripted_deals
        from grudging.evidence.iraq import SCENARIO, backtest_run
        from grudging.report.html import write_report

        _, results = backtest_run(ctx)
        # The report describes the scenario as the back-test ran it: the replay alone, by its
        # mechanisms (no scripted local deals).
        scn = ctx.scenario(SCENARIO)
        option = historical_option(scn)
        ran = without_scripted_deals(scn, option)
        ran = ran.model_copy(update={"options": tuple(o for o in ran.options if o.id == option)})
        prepare_parent(report_file)
        path = write_report(results, ran, report_file, evidence=board)
    if args.json:
        print_json({**board.to_dict(), "report": str(path) if path else None})
    else:
        console.print(f"[bold]grudging evidence[/] - {escape(board.summary())}", soft_wrap=True)
        group = None
        for row in board.rows():
            if row["group"] != group:
                group = row["group"]
                console.print(f"\n[bold]{GROUP_TITLES[group]}[/]", soft_wrap=True)
            style = STYLE.get(row["status"], "")
            console.print(
                f"[{style}]{row['status']:<18}[/] {escape(row['id']):<19} {escape(row['what'])} | "
                f"target: {escape(row['target'])} | model: {escape(row['model'])} | "
                f"tolerance: {escape(row['tolerance'])}",
                soft_wrap=True,
                highlight=False,
            )
        console.print(
            f"\n{board.seconds:.0f} s, seed {board.seed}"
            + (", quick" if board.quick else "")
            + (f"; overrides: {', '.join(board.overrides)}" if board.overrides else ""),
            soft_wrap=True,
        )
        if path is not None:
            console.print(f"report written to [bold]{path}[/]", soft_wrap=True)
    failed = any(r.status in ("FAIL", "ERROR") for r in board.results)
    return 1 if (args.strict and failed) else 0

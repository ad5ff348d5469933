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
    "p_deal",
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
        help="keep the dynamics and bargaining parameters at their nominal values (chance only)",
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
        help="also save the results (Parquet tables and metadata) in this folder; a folder "
        "that already holds saved results is refused unless --overwrite is given",
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="with --save: replace the results already saved in that folder",
    )
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=_run)


#: Replications per option when -n is not given (the chain's default; checked by a test).
DEFAULT_RUNS = 1000


def check_arguments(args: argparse.Namespace) -> Any:
    """Refuse bad arguments before the model is imported or any option planned; return the
    scenario (read and checked against the overrides, not yet checked as runnable)."""
    from grudging.cli._checks import check_run_memory, results_folder, writable_file
    from grudging.errors import GrudgingError, ParameterError, unknown_name
    from grudging.machine import available_memory

    replications = replications_or_default(args.replications, DEFAULT_RUNS)
    args.report_file = None
    if args.report and args.report != "-":
        args.report_file = writable_file(args.report, "--report", (".html", ".htm"))
    if args.save:
        results_folder(args.save, "--save", args.overwrite, RUN_FILE)
    elif args.overwrite:
        raise ParameterError("--overwrite: it replaces saved results, so it needs --save DIR")
    from grudging.cli.scenario import refuse_unknown_options

    # the option ids from the raw file: a misspelt id is refused before validation imports the model
    named = [("--option", o) for o in args.option] + [("--baseline", args.baseline)]
    refuse_unknown_options(args.scenario, args.set, named)
    from grudging.scenario import load_scenario  # pydantic: after the checks that need none

    scn = load_scenario(args.scenario, overrides=args.set)
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
    args.replications, args.options, args.baseline_id = replications, options, baseline
    return scn


def _run(args: argparse.Namespace) -> int:
    # Everything that can be refused is refused here, before the model is imported.
    check_arguments(args)
    from rich.markup import escape
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from grudging.chain import simulate
    from grudging.cli._checks import prepare_parent
    from grudging.cli._output import console, err_console, print_json
    from grudging.scenario import load_scenario

    scn = load_scenario(args.scenario, overrides=args.set, runnable=True)
    options, baseline, report_file = args.options, args.baseline_id, args.report_file
    if any(scn.option(o).historical for o in options):
        from grudging.evidence.track_record import held_out

        held_out(scn)  # the track record's held-out files: refused before the run, not after
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
            replications=args.replications,
            seed=args.seed,
            uncertainty=not args.no_uncertainty,
            progress=tick,
        )
    failed = results.status[results.status["status"] != "ok"]
    ran = [o for o in options if o not in set(failed["option"])]
    if baseline not in ran and ran and not args.baseline:
        baseline = ran[0]  # the first option failed: compare with the first that ran
    if args.save:
        save_run(results, args, baseline, scn)
    from grudging.cases.runner import case_note

    case_line, case_json = case_note(args.scenario, results)
    report_path = None
    if report_file is not None and ran:
        from grudging.report.html import write_report

        prepare_parent(report_file)
        notes = [case_line] if case_line else []
        report_path = write_report(results, scn, report_file, baseline=baseline, notes=notes)
    code = 1 if len(failed) else 0  # the run completed, but some options failed
    compared = baseline if baseline in ran and len(ran) > 1 else None
    from grudging.evidence.track_record import track_record

    record = track_record(results, scn) if ran else None
    if args.json:
        from grudging.report.html import runs_that_ran
        from grudging.results.verdict import verdict_sentences

        print_json(
            {
                "metadata": {k: v for k, v in results.metadata.items() if k != "plans"},
                "plans": results.metadata["plans"],
                "option_names": results.option_names(),
                "verdict": verdict_sentences(runs_that_ran(results), compared) if ran else [],
                "summary": results.summary().to_dict(orient="records") if ran else [],
                "compared_with": baseline,
                "differences": results.compare(baseline).to_dict(orient="records")
                if compared
                else [],
                "failed": failed.drop_duplicates("option")[["option", "error"]].to_dict(
                    orient="records"
                ),
                "report": str(report_path) if report_path else None,
                "track_record": record.to_dict() if record else None,
                **case_json,
            }
        )
        return code
    if ran:
        from grudging.report.html import runs_that_ran

        print_comparison(
            console, runs_that_ran(results), compared, record.sentence() if record else None
        )
        if case_line:
            console.print(case_line)
    for _, row in failed.drop_duplicates("option").iterrows():
        err_console.print(
            f"[red]option {row['option']} failed:[/] {escape(str(row['error']))}", soft_wrap=True
        )
    if args.save:
        console.print(
            f"results saved in [bold]{escape(str(args.save))}[/] (grudging report --from "
            f"{escape(str(args.save))})"
        )
    if report_path is not None:
        console.print(f"report written to [bold]{escape(str(report_path))}[/]")
    elif report_file is not None:
        err_console.print(
            f"no report written: every option failed ({report_file})", soft_wrap=True, markup=False
        )
    return code


#: The file in a saved run that says how it was made: the scenario as given, the overrides and
#: the baseline, so that ``grudging report --from DIR`` needs nothing else.
RUN_FILE = "run.json"
#: The scenario the run was made from, overrides applied, self-contained (``grudging dump``):
#: what ``grudging report --from DIR`` reads when the scenario given is gone or has changed.
SCENARIO_COPY = "scenario.yaml"


def save_run(results: Any, args: argparse.Namespace, baseline: str, scn: Any) -> None:
    """Save the results and how they were made, with a copy of the scenario: all ``grudging
    report --from`` needs to write the report without simulating again."""
    import json
    from pathlib import Path

    from grudging.scenario.io import dump_scenario

    source = Path(args.scenario)
    scenario = str(source.resolve()) if source.exists() else args.scenario
    how = {"scenario": scenario, "set": list(args.set), "baseline": baseline}
    extra = {RUN_FILE: json.dumps(how, indent=2), SCENARIO_COPY: dump_scenario(scn)}
    results.save(args.save, extra=extra, overwrite=args.overwrite)


def print_comparison(
    console: Any, results: Any, baseline: str | None, record: str | None = None
) -> None:
    """The verdict first (with the model's ``record`` on history, when there is one), then
    outcomes by option, differences against the baseline and plans."""
    from grudging.cli import render
    from grudging.model.outcomes import OUTCOMES
    from grudging.report.numbers import chance_per_run, difference, outcome_unit_label, points
    from grudging.results.verdict import MAIN_OUTCOMES, verdict_sentences

    meta = results.metadata
    names = results.option_names()
    render.paragraph(
        console,
        f"{meta['scenario']} — {meta['replications']:,} replications per option, seed "
        f"{meta['seed']}, {'with' if meta['uncertainty'] else 'without'} parameter uncertainty; "
        f"{meta['horizon_months']} months from {meta['start']}.",
    )
    console.print()
    verdict = verdict_sentences(results, baseline)
    if verdict:
        title = f"Verdict (against {names[baseline]})" if baseline else "Verdict"
        render.paragraph(console, title, style="bold")
        for line in verdict:
            render.paragraph(console, line, indent=2)
        console.print()
    if record:
        render.paragraph(console, record)
        console.print()

    summary = results.summary()
    rows: list[tuple[str, str]] = []
    cells: dict[tuple[int, int], str] = {}
    stacked: dict[tuple[int, int], str] = {}
    for name in SHOWN:
        part = summary[summary["outcome"] == name].set_index("option")
        if part.empty:
            continue
        unit = OUTCOMES[name].unit
        r = len(rows)
        rows.append((render.outcome_label(name), outcome_unit_label(name)))
        for c, option in enumerate(results.options):
            if option not in part.index:
                continue
            x = part.loc[option]
            if unit == "probability":  # a share of runs, or a chance per run's mean (the report's)
                cells[(r, c)] = render.percent(x["mean"])
                per = "mean chance over runs" if chance_per_run(name) else "of runs"
                stacked[(r, c)] = f"{cells[(r, c)]} {per}"
                continue
            cells[(r, c)] = render.interval(x["median"], x["low"], x["high"], unit, bare=True)
            full = render.interval(x["median"], x["low"], x["high"], unit)
            stacked[(r, c)] = (
                full
                if unit == "US$ million"
                else f"{full} ({render.unit_label(unit)})"
                if unit.startswith("index")
                else f"{full} {unit}"
            )
    render.grid(
        console,
        "Outcomes by course of action: median [90 % interval] over the runs",
        rows,
        [names[o] for o in results.options],
        cells,
        stacked,
    )
    diff = results.compare(baseline) if baseline is not None else None
    if diff is not None and not diff.empty:
        console.print()
        render.paragraph(
            console,
            f"Differences against {names[baseline]} (paired: the same random numbers in each run)",
            style="bold",
        )
        for option in [o for o in results.options if o != baseline]:
            mine = diff[diff["option"] == option].set_index("outcome")
            if mine.empty:
                continue
            render.paragraph(console, names[option], style="cyan")
            for name in MAIN_OUTCOMES:
                if name not in mine.index:
                    continue
                d, spec = mine.loc[name], OUTCOMES[name]
                if spec.unit == "probability":
                    change = d["mean_difference"] * (-1 if spec.direction == "minimize" else 1)
                    words = (
                        "no different"
                        if points(change) == "0 points"
                        else f"{'better' if change > 0 else 'worse'} by {points(change)}"
                    )
                    words += (
                        f"; better in {render.percent(d['share_better'])} of runs, worse in "
                        f"{render.percent(d['share_worse'])}"
                    )
                else:
                    words = difference(
                        d["median_difference"], d["low"], d["high"], spec.unit, spec.direction
                    )
                    words += f"; better in {render.percent(d['share_better'])} of runs"
                render.paragraph(console, f"{render.outcome_label(name)}: {words}", indent=2)
    plan_lines = plan_footer(results)
    if plan_lines:
        console.print()
        for line in plan_lines:
            render.paragraph(console, line)


def plan_footer(results: Any) -> list[str]:
    """What each option's plan raised, against what was in theatre on average, and the bargain."""
    from grudging.cli import render
    from grudging.report.narrative import (
        agreement_sentence,
        coalition_troops_words,
        feasibility_sentence,
        handover_by_month,
        handover_sentence,
        sides_phrase,
    )
    from grudging.report.numbers import chance

    meta = results.metadata
    names = results.option_names()
    plans = meta.get("plans", {})
    agreement = agreement_sentence(meta)
    faction_names = meta.get("faction_names", {})
    summary = results.summary()
    troops = summary[summary["outcome"] == "coalition_troops"].set_index("option")
    months = meta.get("horizon_months")
    handovers = handover_by_month(results)
    lines = []
    if agreement:
        lines.append(agreement)
    for option, plan in plans.items():
        bits = []
        if "coalition" in plan:
            c = plan["coalition"]
            bits.append(
                f"a {c['command'].upper()}-led coalition of {c['troops']:,} troops raised from "
                f"{c['nations']} nations ({render.percent(c['coverage'])} of the requirement in "
                f"effective strength), {render.money(c['cost_musd_per_year'])} a year"
            )
            if option in troops.index:
                bits.append(
                    f"{render.count(troops.loc[option]['median'])} "
                    f"{coalition_troops_words(results)} on average in theatre over the {months} "
                    "months, median of runs"
                )
        if "bargain" in plan:
            b = plan["bargain"]
            bits.append(
                f"at the parameters' nominal values a deal under {b['guarantor'].upper()} "
                f"forms with probability {chance(b['p_deal'])} (across the run's "
                f"draws: 'Chance of a deal' above); {sides_phrase(b, faction_names, 'none')}"
            )
            partial = "; ".join(
                f"{' + '.join(faction_names.get(m, m.replace('_', ' ')) for m in d['signatories'])} "
                f"{render.probability(d['p'])}"
                for d in b.get("partial_deals", [])
            )
            if partial:
                bits.append(
                    f"every non-spoiler signs {render.probability(b['p_full_deal'])}; partial "
                    f"deals (signatories holding the quorum, the rest fight on): {partial}"
                )
        handed = handover_sentence(handovers.get(option), meta.get("start"))
        if handed:
            bits.append(handed)
        feasible = feasibility_sentence(meta.get("feasibility", {}).get(option))
        if feasible:
            bits.append(feasible)
        if bits:
            lines.append(f"{names.get(option, option)}: " + "; ".join(bits) + ".")
    first = next(iter(plans.values()), None)
    if first is not None:
        proposal = first.get("proposal_force") or 0
        lines.append(
            f"Requirement: {render.count(first['requirement_total'])} troops (90 %: "
            f"{render.count(first['requirement_low'])} – "
            f"{render.count(first['requirement_high'])})"
            + (f" against the proposal's {render.count(proposal)}." if proposal > 0 else ".")
        )
    return lines

"""``grudging report``: a self-contained HTML report of a run (and its PDF)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from grudging.cli.scenario import (
    add_sampling_arguments,
    add_scenario_argument,
    replications_or_default,
)


def register(sub: Any) -> None:
    """Add ``report``."""
    p = sub.add_parser(
        "report",
        help="write the report of a run: summary, comparison, map, coalition, bargain, assumptions",
        description="Run every course of action (or read a run saved with 'grudging run --save', "
        "with --from) and write one "
        "self-contained HTML file: executive summary, option comparison, map, coalition and "
        "price, bargain, sensitivity (with --store), the assumptions with their sources and the "
        "run's provenance. --pdf also writes a PDF (weasyprint, or headless Chromium).",
    )
    add_scenario_argument(p)
    p.add_argument(
        "--from",
        "--results",
        dest="results",
        metavar="DIR",
        default=None,
        help="report a run saved with 'grudging run --save DIR' instead of simulating again "
        "(its scenario, overrides and baseline come with it)",
    )
    p.add_argument(
        "--store",
        metavar="STORE",
        default=None,
        help="a sweep store (grudging sweep): adds the sensitivity section",
    )
    p.add_argument(
        "--what",
        metavar="FILE",
        default=None,
        help="the answer of 'grudging what-would-it-take --json > FILE': adds the section "
        "'What would it take?' (with --from, DIR/what-would-it-take.json is read when there)",
    )
    add_sampling_arguments(p, 1000, "option")
    p.add_argument(
        "--out",
        default="grudging-report.html",
        metavar="PATH",
        help="where to write the HTML report (default: grudging-report.html)",
    )
    p.add_argument(
        "--pdf",
        action="store_true",
        help="also write a PDF next to it (same name, .pdf)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    p.set_defaults(handler=_report)


def _say(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        from grudging.cli._output import err_console

        err_console.print(text)


def check_arguments(args: argparse.Namespace) -> Any:
    """Refuse bad arguments before the model is imported; return the scenario (read, not yet
    checked as runnable) and the baseline of a saved run (None for a new run)."""
    from grudging.cli._checks import check_run_memory, writable_file
    from grudging.cli._output import err_console
    from grudging.cli.run import DEFAULT_RUNS, RUN_FILE, SCENARIO_COPY
    from grudging.cli.scenario import DEFAULT_SCENARIO
    from grudging.errors import GrudgingError
    from grudging.machine import available_memory
    from grudging.results.saved import METADATA_FILE

    args.out_file = writable_file(args.out, "--out", (".html", ".htm"), create_parents=False)
    if args.pdf:
        writable_file(args.out_file.with_suffix(".pdf"), "--out (its PDF)", (".pdf",), False)
    if args.what and not Path(args.what).is_file():
        raise GrudgingError(
            f"--what {args.what}: "
            + ("a folder, not a file" if Path(args.what).is_dir() else "no such file")
            + f"; write it with grudging what-would-it-take --json > {Path(args.what).name}"
        )
    if args.results and args.replications is not None:
        raise GrudgingError("--replications applies to a new run, not to --from")
    from grudging.rng import MASTER_SEED

    if args.results and args.seed != MASTER_SEED:
        raise GrudgingError(
            "--seed applies to a new run, not to --from (the saved run keeps its own)"
        )
    replications = replications_or_default(args.replications, DEFAULT_RUNS)
    baseline = None
    if args.results:
        saved = Path(args.results)
        if not (saved / "metadata.json").is_file():
            raise GrudgingError(
                f"--from {args.results}: no saved results here (metadata.json is missing); "
                "give a folder written by grudging run --save"
            )
        metadata = _saved_json(saved / METADATA_FILE, "the metadata of saved results")
        how = saved / RUN_FILE
        if how.is_file():
            made = _saved_json(how, "how a saved run was made")
            _check_run_file(how, made, metadata)
            baseline = made.get("baseline")
            if args.scenario == DEFAULT_SCENARIO and not args.set:  # as the run was made
                args.scenario, args.set = made["scenario"], list(made.get("set") or [])
                copy = saved / SCENARIO_COPY
                if copy.is_file() and not _unchanged(saved, args.scenario, args.set):
                    err_console.print(
                        f"note: {args.scenario} is gone or has changed since the run; the report "
                        f"reads the copy saved with the results ({copy}: no map, no held-out "
                        "files)",
                        soft_wrap=True,
                    )
                    args.scenario, args.set = str(copy), []
    from grudging.scenario import load_scenario  # pydantic: after the checks that need none

    scn = load_scenario(args.scenario, overrides=args.set)
    if not args.results:
        check_run_memory(
            replications,
            len(scn.options),
            len(scn.regions),
            scn.horizon_months,
            available_memory(),
        )
    args.replications = replications
    return scn, baseline


def _saved_json(path: Path, what: str) -> dict[str, Any]:
    """The mapping a saved run's JSON file ``path`` holds, refused by name when damaged."""
    from grudging.results.saved import read_json_mapping

    return read_json_mapping(path, what, "save the run again (grudging run --save DIR)")


def _check_run_file(path: Path, made: dict[str, Any], metadata: dict[str, Any]) -> None:
    """``run.json`` names a scenario, its overrides and one of the saved run's options."""
    from grudging.errors import GrudgingError

    fix = "save the run again (grudging run --save DIR)"
    sets = made.get("set")
    if not isinstance(made.get("scenario"), str) or not made["scenario"]:
        raise GrudgingError(f"{path}: 'scenario' is not a scenario name or file; {fix}")
    if sets is not None and not (isinstance(sets, list) and all(isinstance(a, str) for a in sets)):
        raise GrudgingError(f"{path}: 'set' is not a list of KEY=VALUE overrides; {fix}")
    baseline, options = made.get("baseline"), metadata.get("options")
    if baseline is not None and isinstance(options, list) and baseline not in options:
        raise GrudgingError(
            f"{path}: the baseline {baseline!r} is not an option of the saved run "
            f"({', '.join(map(str, options))}); {fix}"
        )


def _unchanged(saved: Path, scenario: str, overrides: list[str]) -> bool:
    """Whether ``scenario`` with ``overrides`` still loads as the scenario the saved run was made
    from (the same content hash)."""
    from grudging.errors import GrudgingError
    from grudging.results.saved import METADATA_FILE
    from grudging.scenario import load_scenario
    from grudging.scenario.io import scenario_hash

    made = _saved_json(saved / METADATA_FILE, "the metadata of saved results").get("scenario_hash")
    try:
        return scenario_hash(load_scenario(scenario, overrides=overrides)) == made
    except GrudgingError:
        return False


def _report(args: argparse.Namespace) -> int:
    import time

    # Outputs, sizes and inputs are checked before the model is imported.
    _, baseline = check_arguments(args)
    if args.pdf:
        from grudging.errors import GrudgingError
        from grudging.report.html import pdf_renderer

        if pdf_renderer() is None:
            raise GrudgingError(
                "--pdf: no PDF renderer here: install weasyprint (pip install 'grudging[pdf]', "
                "with the Pango libraries) or Chromium, or leave out --pdf and print the HTML "
                "report"
            )
    from rich.markup import escape

    from grudging.chain import simulate
    from grudging.cli._output import console, err_console
    from grudging.errors import GrudgingError
    from grudging.report.html import guarantor_comparison, write_pdf, write_report
    from grudging.scenario import load_scenario

    out = args.out_file
    scn = load_scenario(args.scenario, overrides=args.set, runnable=True)
    from grudging.evidence.track_record import held_out

    held_out(scn)  # the track record's held-out files: refused before the run, not after
    # The store is read before the run, so that a missing or damaged one costs nothing.
    sensitivity = read_sensitivity(args.store, scn) if args.store else None
    what = read_what(args, scn)
    started = time.perf_counter()
    if args.results:
        results = load_results(args.results, scn)
        _say(args, f"read {results.metadata.get('replications')} replications from {args.results}")
    else:
        _say(args, f"running {len(scn.options)} options x {args.replications} replications...")
        results = simulate(scn, replications=args.replications, seed=args.seed)
    run_seconds = time.perf_counter() - started
    failed = results.status[results.status["status"] != "ok"]
    if len(failed) == len(results.status):
        first = failed.iloc[0]
        raise GrudgingError(f"every option failed; {first['option']}: {first['error']}")
    started = time.perf_counter()
    guarantors = guarantor_comparison(results, scn)
    from grudging.cases.runner import case_note

    case_line, _ = case_note(args.scenario, results)
    notes = [case_line] if case_line else []
    html_path = write_report(
        results, scn, out, sensitivity, guarantors, baseline=baseline, what=what, notes=notes
    )
    html_seconds = time.perf_counter() - started
    how = "reading the run" if args.results else "the run"
    console.print(
        f"report written to [bold]{escape(str(html_path))}[/] ({html_seconds:.1f} s; {how} took "
        f"{run_seconds:.1f} s)"
    )
    if args.pdf:
        started = time.perf_counter()
        pdf_path, renderer = write_pdf(
            results,
            scn,
            out.with_suffix(".pdf"),
            sensitivity,
            guarantors,
            baseline=baseline,
            what=what,
            notes=notes,
        )
        console.print(
            f"PDF written to [bold]{escape(str(pdf_path))}[/] with {renderer} "
            f"({time.perf_counter() - started:.1f} s)"
        )
    for _, row in failed.drop_duplicates("option").iterrows():
        err_console.print(
            f"[red]option {row['option']} failed:[/] {escape(str(row['error']))}", soft_wrap=True
        )
    return 1 if len(failed) else 0  # written, but some options failed


def load_results(folder: str, scn: Any) -> Any:
    """Saved results with their plans recomputed; refused when made from another scenario."""
    from grudging.errors import GrudgingError
    from grudging.plans import PlanCache
    from grudging.results.results import Results
    from grudging.scenario.io import scenario_hash

    results = Results.load(folder)
    meta = results.metadata
    if meta.get("scenario_hash") not in (None, scenario_hash(scn)):
        raise GrudgingError(
            f"{folder}: these results come from scenario '{meta.get('scenario')}' with hash "
            f"{meta.get('scenario_hash')}, but the scenario given has hash {scenario_hash(scn)}; "
            "give the scenario (and --set overrides) the results were made with"
        )
    values = meta.get("values") or {}
    seed = int(meta.get("seed", 0))
    ok = set(results.status.loc[results.status["status"] == "ok", "option"])
    plans = PlanCache()  # options raising the same coalition share one conference, as in run
    tag = scenario_hash(scn)
    results.plans = {
        o: plans.plan(scn, o, values, seed, tag=tag) for o in results.options if o in ok
    }
    return results


def read_what(args: argparse.Namespace, scn: Any) -> Any:
    """The what-would-it-take answer to show: --what FILE, else the one saved with --from DIR."""
    from grudging.report.what import SAVED_NAME, read_answer

    if args.what:
        return read_answer(args.what, scn)
    saved = Path(args.results) / SAVED_NAME if args.results else None
    return read_answer(saved, scn) if saved is not None and saved.is_file() else None


def read_sensitivity(store: str, scn: Any) -> Any:
    """The sensitivity section's data from a sweep store (Sobol' or Morris indices, PRIM boxes)."""
    from grudging.errors import GrudgingError
    from grudging.report.sweep import sensitivity_from_store

    if not Path(store).is_file():
        raise GrudgingError(
            f"--store {store}: "
            + ("a folder, not a file" if Path(store).is_dir() else "no such file")
            + "; give a store written by grudging sweep"
        )
    return sensitivity_from_store(store, scn)

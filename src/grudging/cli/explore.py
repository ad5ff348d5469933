"""Exploration commands: ``sweep``, ``sensitivity``, ``discover``, ``robustness``, ``export``.

Each reads or writes a store (a DuckDB file). ``sweep`` streams a design's runs into it and resumes
an interrupted one; the analyses read it and print a table, optionally written as CSV or Parquet
(``--out FILE.csv|FILE.parquet``) or as JSON.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

from grudging.cli.scenario import add_scenario_positional
from grudging.rng import MASTER_SEED

DEFAULT_SCENARIO = "iraq-2007"
#: Outcomes ``robustness`` shows unless told otherwise.
MAIN_OUTCOMES = ("civilian_deaths", "civil_war", "troop_deaths", "cost_patron")


def register(sub: Any) -> None:
    """Add the exploration commands."""
    p = sub.add_parser(
        "sweep",
        help="run a design of assumptions and levers x options x replications into a store",
        description="Sample the scenario's uncertain parameters and levers (Latin hypercube, "
        "Sobol'/Saltelli, Morris, full factorial), run every point under every option with "
        "common random numbers, and stream the runs into a DuckDB store. An interrupted sweep "
        "continues with --resume and ends with every run stored exactly once.",
    )
    p.add_argument("store", metavar="STORE", help="the store to write (a .duckdb file)")
    add_scenario_positional(p)
    p.add_argument(
        "--scenario",
        default=None,
        metavar="SCENARIO",
        help=f"built-in name or YAML file (default: {DEFAULT_SCENARIO}; on --resume, the store's)",
    )
    p.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override a scenario value before sweeping (repeatable)",
    )
    p.add_argument(
        "--method",
        choices=["lhs", "sobol", "morris", "factorial"],
        default=None,
        help="design: lhs (default), sobol (Saltelli; for Sobol' indices), morris, factorial",
    )
    p.add_argument(
        "-n",
        type=int,
        default=None,
        metavar="N",
        help="points (lhs; default 100), base samples (sobol; a power of two), trajectories "
        "(morris)",
    )
    p.add_argument(
        "--parameters",
        default=None,
        metavar="WHICH",
        help="uncertain parameters to vary: all (default), none, stages or names, comma-separated "
        "(e.g. dynamics,bargain.aid_effect)",
    )
    p.add_argument(
        "--levers",
        default=None,
        metavar="WHICH",
        help="levers to vary: all (default), none, or names, comma-separated",
    )
    p.add_argument(
        "--cross-levers",
        action="store_true",
        help="lhs: sample the parameters and cross them with the levers' full factorial",
    )
    p.add_argument(
        "--levels", type=int, default=None, help="levels per real factor of a factorial (3)"
    )
    p.add_argument("--second-order", action="store_true", help="sobol: also second-order indices")
    p.add_argument("--num-levels", type=int, default=None, help="morris: grid levels (4)")
    p.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="ID",
        help="sweep this option (repeatable; default: all)",
    )
    p.add_argument(
        "-r",
        "--replications",
        type=int,
        default=None,
        metavar="N",
        help="replications per point and option (default 10)",
    )
    p.add_argument("--seed", type=int, default=None, help=f"master seed (default {MASTER_SEED})")
    p.add_argument(
        "--executor",
        choices=["inprocess", "processes", "dask"],
        default="inprocess",
        help="where chunks run: this process (default), local processes (joblib), dask",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes of --executor processes or of a local dask cluster (--scheduler "
        "without an address); default: one per core",
    )
    p.add_argument(
        "--scheduler",
        nargs="?",
        const="local",
        default=None,
        metavar="ADDRESS",
        help="run on dask: the scheduler at ADDRESS (tcp://host:port), or a LocalCluster on "
        "127.0.0.1 when no address is given",
    )
    p.add_argument(
        "--block",
        type=int,
        default=None,
        metavar="ROWS",
        help="rows per vectorised call and random-stream block (default 500; fixed per store). "
        "The block names the random streams, so another --block gives other (equally valid) "
        "draws: compare stores swept with the same block",
    )
    p.add_argument(
        "--monthly", action="store_true", help="also store national monthly series per run"
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue the sweep already in STORE: compute exactly the runs it lacks",
    )
    p.add_argument("--quiet", action="store_true", help="no progress display")
    p.add_argument("--json", action="store_true", help="print the sweep's report as JSON")
    p.set_defaults(handler=_sweep)

    p = sub.add_parser(
        "sensitivity",
        help="Sobol' or Morris indices of an outcome (or of one option's edge over another)",
        description="Rank the design's factors by their Sobol' total-order index (Saltelli "
        "design) or Morris mu* (Morris design) for an outcome of one option, or for the "
        "difference between two options at the same points.",
    )
    _analysis_arguments(p)
    p.add_argument(
        "--baseline", default=None, metavar="ID", help="analyse OPTION minus this option"
    )
    p.add_argument("--top", type=int, default=15, help="factors shown (default 15)")
    p.set_defaults(handler=_sensitivity)

    p = sub.add_parser(
        "discover",
        help="PRIM boxes: where in the assumption space an option does worse",
        description="Scenario discovery with PRIM (EMA Workbench): the boxes of the design "
        "where OPTION does worse than --baseline (or than --worse-than VALUE), with coverage, "
        "density, the peeling trajectory and the boxes' limits.",
    )
    _analysis_arguments(p)
    p.add_argument(
        "--baseline", default=None, metavar="ID", help="failing = worse than this option"
    )
    p.add_argument(
        "--worse-than",
        type=float,
        default=None,
        metavar="VALUE",
        help="failing = outcome beyond this value (instead of a baseline)",
    )
    p.add_argument(
        "--threshold", type=float, default=0.8, help="density a box must reach (default 0.8)"
    )
    p.add_argument("--boxes", type=int, default=2, help="boxes to look for (default 2)")
    p.add_argument(
        "--mass-min", type=float, default=0.05, help="smallest box, share of points (0.05)"
    )
    p.add_argument(
        "--factors",
        default=None,
        metavar="NAMES",
        help="restrict the boxes to these factors, comma-separated (e.g. the top of "
        "'grudging sensitivity'); default: all",
    )
    p.add_argument("--trajectory", action="store_true", help="also print the peeling trajectory")
    p.set_defaults(handler=_discover)

    p = sub.add_parser(
        "robustness",
        help="regret, satisficing and percentiles of each option across the design",
        description="Across the design's points: each option's regret against the best option "
        "at the same point (mean, 90th percentile, maximum), the share of points where it is "
        "best, satisficing rates against thresholds, and percentiles of the outcome.",
    )
    p.add_argument("store", metavar="STORE", help="the store to read")
    p.add_argument(
        "--outcome",
        action="append",
        default=[],
        metavar="NAME",
        help=f"outcome (repeatable; default: those of {', '.join(MAIN_OUTCOMES)} the store holds)",
    )
    p.add_argument(
        "--option", action="append", default=[], metavar="ID", help="option (repeatable)"
    )
    p.add_argument(
        "--baseline",
        default=None,
        metavar="ID",
        help="also: share of points beating it (compared too, whatever --option says)",
    )
    p.add_argument(
        "--satisfice",
        action="append",
        default=[],
        metavar="OUTCOME=VALUE",
        help="satisficing threshold (at most VALUE for outcomes to minimise, at least for "
        "those to maximise); repeatable",
    )
    p.add_argument(
        "--statistic", default="mean", help="over replications: mean, median, pNN (mean)"
    )
    p.add_argument("--out", default=None, metavar="FILE", help="write the table (.csv/.parquet)")
    p.add_argument("--overwrite", action="store_true", help="let --out replace an existing file")
    p.add_argument("--json", action="store_true", help="print the table as JSON")
    p.set_defaults(handler=_robustness)

    p = sub.add_parser(
        "export",
        help="write a store's tables as Parquet or CSV files",
        description="Write experiments, outcomes, status, points and chunks (tidy, one file "
        "each) and meta.json into a folder.",
    )
    p.add_argument("store", metavar="STORE", help="the store to read")
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    p.add_argument(
        "--format", choices=["parquet", "csv"], default="parquet", help="(default: parquet)"
    )
    p.add_argument(
        "--overwrite", action="store_true", help="replace the files of an earlier export there"
    )
    p.add_argument(
        "--table",
        action="append",
        default=[],
        choices=["experiments", "outcomes", "status", "points", "chunks", "design_unit"],
        help="only this table (repeatable)",
    )
    p.set_defaults(handler=_export)


def _analysis_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("store", metavar="STORE", help="the store to read")
    p.add_argument(
        "--outcome", required=True, metavar="NAME", help="the outcome (civilian_deaths, ...)"
    )
    p.add_argument(
        "--option", default=None, metavar="ID", help="the option (default: the store's only one)"
    )
    p.add_argument(
        "--statistic", default="mean", help="over replications: mean, median, pNN (mean)"
    )
    p.add_argument("--out", default=None, metavar="FILE", help="write the table (.csv/.parquet)")
    p.add_argument("--overwrite", action="store_true", help="let --out replace an existing file")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


# sweep -------------------------------------------------------------------------------------------
class _Display:
    """Progress of a sweep: a rich bar on a terminal, plain lines (at most one a second) otherwise."""

    def __init__(self, quiet: bool) -> None:
        from grudging.cli._output import err_console

        self.console = err_console
        self.quiet = quiet
        self.rich = err_console.is_terminal and not quiet
        self.progress: Any = None
        self.task: Any = None
        self.last = 0.0
        self.state = (0, 0, 0)
        self.started = time.perf_counter()
        self.first_done: int | None = None

    def __enter__(self) -> _Display:
        if self.rich:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                ProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.text import Text

            class Rate(ProgressColumn):
                def render(self, task: Any) -> Text:
                    speed = task.finished_speed or task.speed
                    return Text(f"{speed:,.0f} runs/s" if speed else "– runs/s", style="cyan")

            self.progress = Progress(
                TextColumn("sweep"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("runs"),
                Rate(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                TextColumn("left"),
                TextColumn("{task.fields[failed]}"),
                console=self.console,
                transient=False,
            )
            self.progress.__enter__()
        return self

    def __call__(self, done: int, total: int, failed: int) -> None:
        self.state = (done, total, failed)
        if self.first_done is None:
            self.first_done = done
            self.started = time.perf_counter()
        note = f"{failed:,} failed" if failed else ""
        if self.rich:
            if self.task is None:
                self.task = self.progress.add_task(
                    "sweep", total=total, completed=done, failed=note
                )
            else:
                self.progress.update(self.task, completed=done, failed=note)
            return
        if self.quiet:
            return
        now = time.perf_counter()
        if now - self.last < 1.0 and done < total:
            return
        self.last = now
        elapsed = now - self.started
        rate = (done - (self.first_done or 0)) / elapsed if elapsed > 0 else 0.0
        left = f"{(total - done) / rate:,.0f} s" if rate > 0 else "–"
        print(
            f"sweep: {done:,}/{total:,} runs ({done / max(total, 1):.0%}), {rate:,.0f} runs/s, "
            f"{left} left, {failed:,} failed",
            file=sys.stderr,
            flush=True,
        )

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(None, None, None)


def _interrupted(store: Path, state: tuple[int, int, int]) -> str:
    """What a sweep stopped by Ctrl-C left: the runs stored, read back from the store itself
    (the display may not have heard of them yet), or that nothing was stored."""
    from grudging.errors import StoreError
    from grudging.results.store import Store

    if not store.exists():
        return (
            f"interrupted before the store was created: nothing was stored in {store}; run the "
            "same command again to start the sweep"
        )
    done, total, _ = state
    try:
        opened = Store.open(store)
        try:
            counts = opened.counts()
        finally:
            opened.close()
        done, total = counts["stored"], counts["total"]
    except StoreError as err:  # busy or unreadable: what the display last heard
        if total == 0:
            return f"interrupted before the sweep started: {err}"
    return (
        f"interrupted: {done:,} of {total:,} runs are stored in {store}; continue with "
        f"'grudging sweep {store} --resume'"
    )


def _sweep(args: argparse.Namespace) -> int:
    from grudging.cli._checks import one_scenario
    from grudging.cli._output import console, err_console, print_json
    from grudging.errors import DesignError
    from grudging.explore.design import make_design
    from grudging.explore.runner import sweep
    from grudging.scenario import load_scenario

    args.scenario = one_scenario(args.scenario_positional, args.scenario)
    store = Path(args.store)
    design_flags = {
        name: getattr(args, name)
        for name in ("method", "n", "parameters", "levers", "levels", "num_levels", "seed")
        if getattr(args, name) is not None
    }
    for flag in ("cross_levers", "second_order", "monthly"):
        if getattr(args, flag):
            design_flags[flag] = True
    if args.replications is not None:
        design_flags["replications"] = args.replications
    if args.option:
        design_flags["option"] = args.option
    if args.block is not None:
        design_flags["block"] = args.block
    executor = "dask" if args.scheduler else args.executor
    scheduler = None if args.scheduler in (None, "local") else args.scheduler
    if args.resume and not store.exists():
        raise DesignError(
            f"--resume {store}: there is no store here to continue; check the path, or leave out "
            "--resume to start a new sweep there"
        )
    resuming = args.resume
    _check_sweep_arguments(args, store, resuming)
    scn = None
    if not resuming or args.scenario or args.set:
        scn = load_scenario(args.scenario or DEFAULT_SCENARIO, overrides=args.set, runnable=True)
    design = None
    if resuming:
        if design_flags:
            shown = ", ".join(
                "-n" if k == "n" else "--" + k.replace("_", "-") for k in design_flags
            )
            raise DesignError(
                f"--resume continues {store} as it was designed; leave out {shown} (or give a new "
                "store path for a new design)"
            )
    else:
        assert scn is not None
        _check_capacity_before_design(args, scn, store, executor)
        design = make_design(
            scn,
            method=args.method or "lhs",
            n=args.n if args.n is not None else 100,
            parameters=args.parameters or "all",
            levers=args.levers or "all",
            seed=args.seed if args.seed is not None else MASTER_SEED,
            cross_levers=args.cross_levers,
            levels=args.levels or 3,
            second_order=args.second_order,
            num_levels=args.num_levels or 4,
        )
    display = _Display(args.quiet or args.json)
    try:
        with display:
            report = sweep(
                scn,
                store,
                design,
                options=args.option or None,
                replications=args.replications,  # None: the library's default, or the store's
                seed=args.seed,
                executor=executor,
                workers=args.workers,
                scheduler=scheduler,
                block=args.block,
                monthly=args.monthly,
                resume=args.resume,
                progress=display,
            )
    except KeyboardInterrupt:
        err_console.print(_interrupted(store, display.state))
        return 130
    if args.json:
        print_json(
            {
                **report.summary().to_dict(orient="records")[0],
                "lost": report.lost,
                "errors": report.errors,
            }
        )
    else:
        console.print(str(report), soft_wrap=True)
        for error in report.errors:
            err_console.print(f"[red]failed runs:[/] {error}")
        if report.complete:
            console.print(_next_steps(store), soft_wrap=True)
    return 0 if report.complete else 1


def _next_steps(store: Path) -> str:
    """The analyses a finished store allows: regret and a baseline need two options."""
    from grudging.results.store import open_store

    with open_store(store) as opened:
        options = list(opened.meta["options"])
    if len(options) < 2:
        return (
            f"next: grudging discover {store} --outcome civilian_deaths --worse-than VALUE "
            f"(one option, {options[0]}: robustness and a baseline need two)"
        )
    return (
        f"next: grudging robustness {store}; grudging discover {store} --outcome "
        "civilian_deaths --option ID --baseline ID"
    )


def _check_sweep_arguments(args: argparse.Namespace, store: Any, resuming: bool) -> None:
    """Sizes and the store's path, refused before the scenario is loaded or a point designed."""
    from grudging.cli._checks import writable_file, writable_folder
    from grudging.errors import DesignError
    from grudging.explore.design import MAX_LEVELS, check_morris_levels, check_saltelli_n
    from grudging.explore.executors import check_scheduler
    from grudging.explore.runner import check_workers

    for flag, value in (
        ("-n", args.n),
        ("-r/--replications", args.replications),
        ("--block", args.block),
        ("--workers", args.workers),
        ("--levels", args.levels),
    ):
        if value is not None and value < 1:
            raise DesignError(f"{flag} {value}: give at least 1")
    for flag, value, usual in (("--levels", args.levels, 3), ("--num-levels", args.num_levels, 4)):
        if value is not None and value > MAX_LEVELS:
            raise DesignError(f"{flag} {value}: give at most {MAX_LEVELS:,} levels (e.g. {usual})")
    method = args.method or "lhs"
    for flag, given, fits in (
        ("--second-order", args.second_order, method == "sobol"),
        ("--num-levels", args.num_levels is not None, method == "morris"),
        ("--levels", args.levels is not None, method == "factorial" or args.cross_levers),
        ("--cross-levers", args.cross_levers, method == "lhs"),
    ):
        if given and not fits:
            raise DesignError(
                f"{flag} does not apply to a {method} design; leave it out, or choose the design "
                "it belongs to (--second-order: sobol; --num-levels: morris; --levels: factorial "
                "or lhs with --cross-levers; --cross-levers: lhs)"
            )
    if args.scheduler and args.executor != "inprocess":
        raise DesignError(
            f"--scheduler runs on dask; leave out --executor {args.executor}, or --scheduler"
        )
    if args.workers is not None and args.executor == "inprocess" and not args.scheduler:
        raise DesignError(
            "--workers needs --executor processes (or --scheduler for a local dask cluster); "
            "this process runs the sweep alone"
        )
    check_workers(
        args.workers,
        "dask" if args.scheduler else args.executor,
        None if args.scheduler in (None, "local") else args.scheduler,
        "--workers",
    )
    if args.num_levels is not None:
        check_morris_levels(args.num_levels)
    if method == "sobol" and args.n is not None:
        check_saltelli_n(args.n, "-n ")
    if args.scheduler not in (None, "local"):
        check_scheduler(args.scheduler)
    if resuming:
        if store.is_dir():
            raise DesignError(f"store {store}: a folder, not a store; give the .duckdb file")
        writable_folder(store.parent if str(store.parent) else ".", "store")
    elif not store.exists():
        writable_file(store, "store", create_parents=False)
    elif store.is_dir():
        raise DesignError(
            f"store {store}: a folder; give a file name for the store, e.g. {store / 'sweep.duckdb'}"
        )


def _check_capacity_before_design(
    args: argparse.Namespace, scn: Any, store: Any, executor: str
) -> None:
    """Refuse a design too large for the disk or the memory before sampling it (the sampler itself
    needs points x factors of memory); :func:`grudging.explore.runner.sweep` checks it again,
    exactly, once it is made."""
    import math

    from grudging.explore.design import check_factorial_size, design_size
    from grudging.explore.levers import select_factors
    from grudging.explore.runner import DEFAULT_BLOCK, check_capacity, estimate, local_workers
    from grudging.machine import available_memory
    from grudging.model.outcomes import theatre_outcomes
    from grudging.results.store import free_disk

    factors = select_factors(scn, args.parameters or "all", args.levers or "all")
    if not factors:
        return  # make_design says what is wrong
    method = args.method or "lhs"
    n = args.n if args.n is not None else 100
    levels = args.levels or 3
    if method == "factorial":
        points = math.prod(f.level_count(levels) for f in factors)
        check_factorial_size(points, len(factors), levels)
    elif method == "lhs" and args.cross_levers:
        levers = [f for f in factors if f.kind == "lever"]
        params = len(factors) - len(levers)
        crossed = math.prod(f.level_count(levels) for f in levers)
        check_factorial_size(crossed, len(levers), levels)
        points = (n if params else 1) * crossed
    else:
        points = design_size(method, n, len(factors), args.second_order)
    options = len(args.option) if args.option else len(scn.options)
    scheduler = None if args.scheduler in (None, "local") else args.scheduler
    workers = local_workers(executor, args.workers, scheduler)
    est = estimate(
        points,
        len(factors),
        options,
        args.replications if args.replications is not None else 10,
        len(theatre_outcomes(scn)),
        args.monthly,
        scn.horizon_months,
        len(scn.regions),
        args.block or DEFAULT_BLOCK,
        workers,
    )
    check_capacity(est, store, free_disk(store), available_memory(), args.monthly)


# analyses -----------------------------------------------------------------------------------------
def _records(frame: Any) -> list[dict[str, Any]]:
    """Rows as plain records for JSON (missing values as null)."""
    import math

    rows: list[dict[str, Any]] = frame.to_dict(orient="records")
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        for row in rows
    ]


def _check_out(args: argparse.Namespace) -> None:
    """The table's file can be written, is not the store it reads, and replaces no file unless
    ``--overwrite``: refused before the analysis, not after."""
    if args.out:
        from pathlib import Path

        from grudging.cli._checks import writable_file
        from grudging.errors import ParameterError

        path = writable_file(args.out, "--out", (".csv", ".parquet"))
        store = Path(args.store).resolve()
        if path.resolve() in (store, store.with_name(store.name + ".wal")):
            raise ParameterError(
                f"--out {args.out}: this is the store the table is read from; give another file"
            )
        if path.exists() and not args.overwrite:
            raise ParameterError(
                f"--out {args.out}: the file exists; give another name, or --overwrite to "
                "replace it"
            )


def _write(frame: Any, out: str | None) -> None:
    if out:
        from grudging.cli._output import err_console
        from grudging.results.store import write_table

        path = write_table(frame, out)
        err_console.print(f"written to {path}", soft_wrap=True)


def _compact(v: float) -> str:
    """``164k``, ``2.34M`` (the shared rule); small values to three significant figures."""
    from grudging.cli.render import count

    return count(v) if abs(v) >= 100 else f"{v:.3g}"


def _table(frame: Any, title: str, columns: list[str], formats: dict[str, str]) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False)
    for c in columns:
        table.add_column(
            c, justify="left" if c in ("factor", "kind", "option", "outcome") else "right"
        )
    for _, row in frame.iterrows():
        cells = []
        for c in columns:
            v = row[c]
            fmt = formats.get(c)
            if v is None or (isinstance(v, float) and v != v):
                cells.append("–")
            elif fmt == "compact":
                cells.append(_compact(float(v)))
            elif fmt:
                cells.append(format(v, fmt))
            else:
                cells.append(str(v))
        table.add_row(*cells)
    return table


def _sensitivity(args: argparse.Namespace) -> int:
    from grudging.cli._output import console, print_json
    from grudging.errors import DesignError
    from grudging.explore.indices import sensitivity
    from grudging.results.store import guard

    if args.top < 1:
        raise DesignError(f"--top {args.top}: show at least 1 factor")
    _check_out(args)
    with guard(args.store):
        table = sensitivity(
            args.store,
            args.outcome,
            option=args.option,
            baseline=args.baseline,
            statistic=args.statistic,
        )
    pairs = table.attrs.get("second_order")
    _write(table, args.out)
    if args.json:
        if pairs is not None:
            print_json({"indices": _records(table), "second_order": _records(pairs)})
        else:
            print_json(_records(table))
        return 0
    method = table["method"].iloc[0]
    option = table["option"].iloc[0]
    what = f"{option} - {args.baseline}" if args.baseline else option
    if method == "sobol":
        columns = ["rank", "factor", "kind", "ST", "ST_conf", "S1", "S1_conf"]
        formats = {c: ".3f" for c in columns[3:]}
    else:
        columns = ["rank", "factor", "kind", "mu_star", "mu_star_conf", "mu", "sigma"]
        formats = {c: "compact" for c in columns[3:]}
    title = f"{'Sobol' if method == 'sobol' else 'Morris'} indices of {args.outcome} ({args.statistic}) for {what}"
    console.print(_table(table.head(args.top), title, columns, formats))
    if pairs is not None:
        console.print(
            _table(
                pairs.head(args.top),
                f"Second-order Sobol' indices of {args.outcome} for {what} (largest pairs)",
                ["factor", "with", "S2", "S2_conf"],
                {"S2": ".3f", "S2_conf": ".3f"},
            )
        )
    note = "; ".join(_sampling_notes(table)) if method == "sobol" else ""
    if note:
        console.print(f"note: {note}")
    return 0


def _sampling_notes(table: Any) -> list[str]:
    """What in a Sobol' table is sampling error, said where a reader would misread it."""
    notes = []
    negative = int((table["S1"] < 0).sum() + (table["ST"] < 0).sum())
    if negative:
        notes.append(
            f"{negative} indices are negative: an index cannot be, so these are sampling error "
            "around zero (read them as 0 within their _conf)"
        )
    above = int((table["S1"] > table["ST"] + table["S1_conf"] + table["ST_conf"]).sum())
    wide = int((table["ST_conf"] >= table["ST"].abs()).sum())
    if wide:
        notes.append(
            f"{wide} of {len(table)} total indices are no larger than their 95 % half-width: "
            "their rank is not established; more points (-n) narrow them"
        )
    if above:
        notes.append(f"{above} first-order indices exceed their total beyond both intervals")
    return notes


def _discover(args: argparse.Namespace) -> int:
    from grudging.cli._output import console, print_json
    from grudging.explore.discovery import NothingToFind, check_prim_arguments, discover
    from grudging.results.store import guard

    check_prim_arguments(
        args.threshold, args.boxes, args.mass_min, 0.05, args.worse_than, flags=True
    )
    _check_out(args)
    try:
        with guard(args.store):
            found = discover(
                args.store,
                args.outcome,
                option=args.option,
                baseline=args.baseline,
                worse_than=args.worse_than,
                statistic=args.statistic,
                threshold=args.threshold,
                boxes=args.boxes,
                mass_min=args.mass_min,
                factors=[f.strip() for f in args.factors.split(",") if f.strip()]
                if args.factors
                else None,
            )
    except NothingToFind as answer:  # an answer, not a mistake: said, and exit 0
        if args.json:
            print_json(
                {
                    "question": answer.question,
                    "cases": answer.cases,
                    "points": answer.points,
                    "boxes": [],
                    "limits": [],
                    "trajectory": [],
                    "note": str(answer),
                }
            )
        else:
            console.print(str(answer) + (f" (nothing written to {args.out})" if args.out else ""))
        return 0
    if args.out:
        _write(found.limits.drop(columns=["text"]), args.out)
    if args.json:
        print_json(
            {
                "question": found.question,
                "cases": found.cases,
                "points": found.points,
                "boxes": _records(found.boxes),
                "limits": _records(found.limits.drop(columns=["text"])),
                "trajectory": _records(found.trajectory),
            }
        )
        return 0
    console.print(
        f"[bold]{found.question}[/]: {found.cases:,} of {found.points:,} design points "
        f"({found.cases / max(found.points, 1):.0%})"
    )
    if found.boxes.empty:
        console.print(f"no box reaches a density of {found.threshold:.0%}")
    for _, box in found.boxes.iterrows():
        console.print(
            f"[cyan]box {box['box']}[/] (step {box['step']} of its trajectory): coverage "
            f"{box['coverage']:.0%}, density {box['density']:.0%}, mass {box['mass']:.0%}, "
            f"{box['res_dim']} restricted dimension{'s' if box['res_dim'] != 1 else ''}"
        )
        limits = found.limits[found.limits["box"] == box["box"]].copy()
        limits["limit"] = limits["text"]
        console.print(
            _table(
                limits,
                "",
                ["factor", "kind", "limit", "range", "qp_low", "qp_high"],
                {"qp_low": ".2g", "qp_high": ".2g"},
            )
        )
    if args.trajectory and not found.trajectory.empty:
        columns = ["box", "step", "coverage", "density", "mass", "res_dim", "chosen"]
        console.print(
            _table(
                found.trajectory,
                "Peeling trajectory",
                columns,
                {"coverage": ".3f", "density": ".3f", "mass": ".3f"},
            )
        )
    return 0


def _robustness(args: argparse.Namespace) -> int:
    from grudging.cli._output import console, print_json
    from grudging.errors import DesignError
    from grudging.explore.robust import robustness
    from grudging.results.store import guard, open_store

    thresholds: dict[str, float] = {}
    for item in args.satisfice:
        name, sep, value = item.partition("=")
        try:
            thresholds[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise DesignError(
                f"--satisfice {item}: write OUTCOME=VALUE, e.g. --satisfice civilian_deaths=150000"
            )
        _check_satisfice(item, name.strip(), thresholds[name.strip()])
    _check_out(args)
    with guard(args.store), open_store(args.store) as store:
        # by default the main outcomes the store holds (a theatre without a patron has no cost to
        # the patron); an outcome named, or given a threshold, is analysed or refused by name
        held = store.outcome_names()
        named = args.outcome or [o for o in MAIN_OUTCOMES if o in held]
        outcomes = [*named, *[t for t in thresholds if t not in named]]
        table = robustness(
            store,
            outcomes=outcomes,
            options=args.option or None,
            statistic=args.statistic,
            thresholds=thresholds,
            baseline=args.baseline,
        )
    _write(table, args.out)
    if args.json:
        print_json(_records(table))
        return 0
    extra = [c for c in table.columns if c == "satisficing" or c.startswith("better_than_")]
    headers = {
        "mean_regret": "regret",
        "max_regret": "max regret",
        "best_share": "best",
        "satisficing": "satisfices",
        **{c: "beats " + c[len("better_than_") :] for c in extra if c != "satisficing"},
    }
    columns = ["option", "mean", "p90", "mean_regret", "max_regret", "best_share"]
    columns += extra
    formats = {c: "compact" for c in ("mean", "p10", "p90", "mean_regret", "max_regret")}
    formats.update({c: ".0%" for c in ["best_share", *extra]})
    console.print(
        f"Robustness across {int(table['points'].max()):,} design points ({args.statistic} over "
        "replications; ranked by maximum regret, Savage 1951)"
    )
    from grudging.model.outcomes import OUTCOMES

    for outcome, rows in table.groupby("outcome", sort=False):
        spec = OUTCOMES.get(str(outcome))
        unit = f"in {spec.unit}, " if spec is not None else ""
        title = f"{outcome} ({unit}to {rows['direction'].iloc[0]})"
        if outcome in thresholds:
            title += f", satisficing threshold {_compact(thresholds[str(outcome)])}"
        console.print(
            _table(
                rows.rename(columns=headers),
                title,
                [headers.get(c, c) for c in columns],
                {headers.get(k, k): v for k, v in formats.items()},
            )
        )
    return 0


def _export(args: argparse.Namespace) -> int:
    from grudging.cli._checks import writable_folder
    from grudging.cli._output import console
    from grudging.results.store import guard, open_store

    writable_folder(args.out, "--out")
    with open_store(args.store) as store, guard(args.store):
        written = store.export(args.out, args.format, args.table or None, args.overwrite)
        counts = store.counts()
    for path in written:
        console.print(f"written {path}", soft_wrap=True)
    if counts["stored"] < counts["total"]:
        console.print(
            f"note: the sweep is unfinished: {counts['stored']:,} of {counts['total']:,} runs "
            f"stored (meta.json says so); finish it with grudging sweep {args.store} --resume"
        )
    return 0


def _check_satisfice(item: str, outcome: str, value: float) -> None:
    """A satisficing threshold an outcome can reach: finite, not negative, a probability at
    most 1 (an unknown outcome is named by the analysis, with the valid ones)."""
    from grudging.errors import DesignError
    from grudging.model.outcomes import OUTCOMES

    spec = OUTCOMES.get(outcome)
    high = 1.0 if spec is not None and spec.unit == "probability" else math.inf
    if not 0 <= value <= high:  # NaN fails it too
        span = "from 0 to 1 (a probability)" if high == 1.0 else "of 0 or more"
        raise DesignError(f"--satisfice {item}: give a threshold {span}")

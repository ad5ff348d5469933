"""Benchmark: how quickly the dashboard answers, and how long the report takes to write.

Run from the repository root::

    uv run python benchmarks/bench_dashboard.py            # 200 replications, as grudging serve
    uv run python benchmarks/bench_dashboard.py -n 100 --report-replications 1000

Prints, through the dashboard's callback functions (no browser, no HTTP):

* start-up: the default run and every view computed once (what ``grudging serve`` does first);
* an assumption change to the updated comparison — a ``dynamics.*`` parameter (the cached plans
  and bargains are re-used: only the month-by-month simulation re-runs), against the same change
  with the plans re-computed (the reference, as a run without the cache would do) and the
  dynamics alone on the same plans (the floor of such a change); a bargaining parameter (the
  conference is re-used, the bargain re-run) and a parameter the conference reads
  (``willingness.*``: the coalition options are planned again);
* a change of offers in the coalition builder, and a move of the map's month slider;
* the report: HTML, and PDF with each renderer present (weasyprint, Chromium), from one run.

Figures are wall-clock seconds on this machine (shared, so noisy); nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: CPU seconds of every timed call, in order (the machine may be shared: CPU moves less).
CPU: list[float] = []


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started, cpu = time.perf_counter(), time.process_time()
    out = fn()
    CPU.append(time.process_time() - cpu)
    return time.perf_counter() - started, out


def cpu_median(count: int) -> float:
    """The median CPU seconds of the last ``count`` timed calls."""
    return statistics.median(CPU[-count:])


def line(label: str, seconds: list[float]) -> None:
    if len(seconds) == 1:
        print(f"  {label:<58} {seconds[0]:7.2f} s")
    else:
        print(
            f"  {label:<58} {statistics.median(seconds):7.2f} s median "
            f"(min {min(seconds):.2f}, max {max(seconds):.2f}, {len(seconds)} changes)"
        )


def dashboard(replications: int, repeat: int) -> None:
    from grudging.chain import simulate
    from grudging.web import callbacks as cb
    from grudging.web.workspace import Workspace

    print(f"dashboard on iraq-2007, {replications} replications per option")
    seconds, ws = timed(lambda: Workspace.open("iraq-2007", [], replications=replications))
    start, _ = timed(lambda: cb.warm(ws))
    line("start-up: default run and every view once", [seconds + start])
    state = ws.default_state()
    scn = ws.scenario(ws.start)

    def change(name: str, fraction: float) -> float:
        p = scn.parameter(name)
        value = p.low + fraction * (p.high - p.low)

        def apply() -> None:
            new, errors = cb.apply_assumptions(ws, state, {name: repr(value)})
            assert not errors, errors
            cb.compare_view(ws, new, None, None)
            cb.assumptions_view(ws, new)

        return timed(apply)[0]

    fractions = [0.1 + 0.8 * i / max(repeat - 1, 1) for i in range(repeat)]
    dynamics = [change("dynamics.coverage_half", f) for f in fractions]
    line("dynamics change -> updated comparison (plans re-used)", dynamics)
    cpu = {"dashboard": cpu_median(len(dynamics))}

    reference = []
    p = scn.parameter("dynamics.coverage_half")
    for f in fractions:
        value = p.low + f * (p.high - p.low) + 1e-6
        s, _ = timed(lambda v=value: simulate(scn, replications=replications, values={p.name: v}))
        reference.append(s)
    line("  reference: the same run with every plan re-computed", reference)
    cpu["reference"] = cpu_median(len(reference))
    print(
        f"  {'  ratio (reference / dashboard)':<58} "
        f"{statistics.median(reference) / statistics.median(dynamics):7.1f} x"
    )
    # The floor: the month-by-month simulation alone, on the same plans and draws (what any
    # dynamics change must re-run; the bargains per replication come from the dashboard's memo).
    from grudging.kernel import parameter_draws, run_block, run_values

    memo = getattr(ws, "_settlements", None)  # a tree before the memo: the floor holds the bargain
    kept = {} if memo is None else {"settlements": memo}
    floor = []
    for f in fractions:
        fixed = {p.name: p.low + f * (p.high - p.low) + 2e-6}
        block = {**run_values(scn, fixed), **parameter_draws(scn, replications, ws.seed, fixed)}
        plans = [ws.plan(ws.start, scn, o.id, fixed) for o in scn.options]
        s, _ = timed(
            lambda b=block, ps=plans: [
                run_block(scn, plan, b, replications, ws.seed, 0, **kept) for plan in ps
            ]
        )
        floor.append(s)
    line("  floor: the dynamics alone, on the same plans and draws", floor)
    cpu["floor"] = cpu_median(len(floor))
    print(f"  {'  CPU s (medians)':<58} " + ", ".join(f"{k} {v:.2f}" for k, v in cpu.items()))
    bargain = [change("bargain.war_cost", f) for f in (0.05, 0.95)]
    line("bargaining change -> updated comparison (bargain re-run)", bargain)
    planned = [change("willingness.free_riding", f) for f in (0.05, 0.95)]
    line("willingness change -> updated comparison (re-planned)", planned)

    offers = [o.id for o in scn.offers]
    builder = []
    for drop in offers[:repeat]:
        kept = [o for o in offers if o != drop]
        s, _ = timed(lambda k=kept: cb.coalition_view(ws, state, "nato_replaces", {"offers": k}))
        builder.append(s)
    line("coalition builder: an offer changed -> coalition table", builder)
    months = [
        timed(lambda m=m: cb.map_view(ws, state, "nato_replaces", None, m))[0] for m in (5, 17, 40)
    ]
    line("map: the month slider moved -> map", months)


def report(replications: int) -> None:
    from grudging.chain import simulate
    from grudging.report.html import (
        find_chromium,
        guarantor_comparison,
        pdf_renderer,
        write_pdf,
        write_report,
    )
    from grudging.scenario import load_scenario

    print(f"report on iraq-2007, {replications} replications per option")
    scn = load_scenario("iraq-2007")
    seconds, results = timed(lambda: simulate(scn, replications=replications))
    line("the run itself (grudging run would do the same)", [seconds])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        html, _ = timed(lambda: write_report(results, scn, out / "report.html"))
        line("HTML report (incl. the bargain under each guarantor)", [html])
        guarantors = guarantor_comparison(results, scn)
        size = (out / "report.html").stat().st_size / 1e6
        print(f"  {'  size':<58} {size:7.1f} MB")
        renderers = []
        if pdf_renderer() == "weasyprint":
            renderers.append("weasyprint")
        if find_chromium():
            renderers.append("chromium")
        for renderer in renderers:
            pdf, _ = timed(
                lambda r=renderer: write_pdf(
                    results, scn, out / f"{r}.pdf", guarantors=guarantors, renderer=r
                )
            )
            line(f"PDF report via {renderer} (static figures)", [pdf])
        if not renderers:
            print("  no PDF renderer here (weasyprint or Chromium)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--replications", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="changes timed per kind")
    parser.add_argument("--report-replications", type=int, default=1000)
    parser.add_argument("--skip-report", action="store_true", help="time the dashboard only")
    args = parser.parse_args()
    dashboard(args.replications, args.repeat)
    if not args.skip_report:
        report(args.report_replications)


if __name__ == "__main__":
    main()

"""Every figure of the speed targets (issue 20), each beside a reference measured in the same run.

Runs the project's benchmarks, each in a fresh process, parses their figures, and prints one table
``target / measured / reference / met?``; the table replaces the marked section of
``docs/performance.md``. Run from the repository root::

    uv run python benchmarks/run_all.py --quick      # a few minutes: scaled-down sizes
    uv run python benchmarks/run_all.py              # the full sizes of the targets (about 20 min)
    uv run python benchmarks/run_all.py --only dynamics,run --no-write

Fairness: ``PYTHONDONTWRITEBYTECODE=1`` (set in some environments) makes every fresh process
compile the whole package and its dependencies again (seconds per process). The children run with
bytecode caching on, after one warm-up import that writes the caches, as a user's installation
would; ``grudging run`` end to end is also timed with caching off, as a reference.

Machine load moves absolute figures (the cores may be shared): every row has a reference measured
in the same run, and a fixed yardstick (a numpy workload) is timed at the start and at the end so
that two tables can be compared in yardstick units. No figure is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- run_all:begin -->", "<!-- run_all:end -->"


@dataclass
class Row:
    """One line of the table."""

    figure: str
    target: str
    measured: str
    reference: str
    met: bool | None  # None: no target, or not measured at the target's size


def _env(cache: bool = True) -> dict[str, str]:
    """The children's environment: bytecode caching on, or no cache at all (an empty cache
    folder that is never written: every module compiled from source, as in a fresh environment
    with ``PYTHONDONTWRITEBYTECODE=1``, which reads caches but never writes them)."""
    env = dict(os.environ)
    if cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="no-bytecode-")
    return env


def _run(args: list[str], timeout: float, cache: bool = True) -> tuple[float, float, str]:
    """Run a child with this interpreter; its wall and CPU seconds and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=_env(cache),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if out.returncode not in (0, 1):  # grudging run exits 1 when an option failed
        raise RuntimeError(f"{' '.join(args)} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return seconds, cpu, out.stdout


def _number(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    if match is None:
        raise RuntimeError(f"no figure matching {pattern!r} in:\n{text[-2000:]}")
    return float(match.group(1).replace(",", ""))


def yardstick() -> float:
    """Seconds of a fixed workload (numpy element-wise passes and Python loops), best of 3."""
    import numpy as np

    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        x = np.random.default_rng(0).random((2000, 500))
        for _ in range(40):
            x = np.sqrt(x * 0.5 + 0.25)
        sum(i * i for i in range(300_000))
        best = min(best, time.perf_counter() - started)
    return best


# Benchmarks --------------------------------------------------------------------------------------
def dynamics(quick: bool) -> list[Row]:
    reps, loop = ("2000", "40") if quick else ("10000", "200")
    args = [str(BENCH / "bench_dynamics.py"), "--replications", reps, "--loop", loop]
    args += ["--compare-blas", "--repeat", "2" if quick else "3"]
    *_, out = _run(args, 1800)
    rate = _number(r"= ([\d,]+) region-months/s", out)
    blas_wall = _number(r"ratio library default / one thread: ([\d.]+)x wall", out)
    blas_cpu = _number(r"x wall, ([\d.]+)x CPU", out)
    ratio = _number(r"ratio \(vectorised / loop\): ([\d,.]+)x", out)
    loop_rate = rate / ratio
    return [
        Row(
            "dynamics, region-months/s (one core)",
            ">= 10 M",
            f"{rate / 1e6:.2f} M",
            f"loop {loop_rate / 1e6:.3f} M",
            rate >= 10e6,
        ),
        Row(
            "dynamics vs per-replication loop",
            ">= 100x",
            f"{ratio:.1f}x",
            f"{loop} replications one at a time",
            ratio >= 100,
        ),
        Row(
            "dynamics, BLAS one thread (threads.py) vs library default",
            "faster",
            f"{blas_wall:.2f}x wall, {blas_cpu:.2f}x CPU",
            f"the same {reps} replications, alternating",
            blas_cpu > 1.0,
        ),
    ]


def sweep(quick: bool) -> list[Row]:
    small, large = (1_000, 10_000) if quick else (10_000, 100_000)
    args = [str(BENCH / "bench_sweep.py"), "--small", str(small), "--runs", str(large)]
    args += ["--ema-points", "4" if quick else "100", "--naive", "1" if quick else "4"]
    *_, out = _run(args, 3600)
    figures = {}
    for line in out.splitlines():
        match = re.match(r"sweep of ([\d,]+) runs .*?: (\{.*\})", line)
        if match:
            figures[int(match.group(1).replace(",", ""))] = json.loads(
                match.group(2).replace("'", '"')
            )
        if line.startswith("EMA-style"):
            ema = json.loads(line.split(": ", 1)[1].replace("'", '"'))
    a, b = figures[small], figures[large]
    rate = b["runs_per_second"]
    million = 1e6 / rate / 60
    growth = b["peak_rss_with_workers_mb"] / a["peak_rss_with_workers_mb"]
    return [
        Row(
            "sweep runs/s (2 processes)",
            ">= 1,667 (1 M in 10 min)",
            f"{rate:,.0f}",
            f"EMA-style 1 core {ema['ema_style_runs_per_second']:,.0f}; "
            f"in-process sweep {ema['sweep_in_process_runs_per_second']:,.0f}",
            rate >= 1667,
        ),
        Row(
            "1,000,000-run sweep, projected",
            "< 10 min",
            f"{million:.1f} min",
            f"from {b['runs']:,} runs",
            million < 10,
        ),
        Row(
            "peak memory, small -> large sweep",
            "flat, < 2 GB",
            f"{a['peak_rss_with_workers_mb']:,.0f} -> {b['peak_rss_with_workers_mb']:,.0f} MB "
            f"(x{growth:.2f})",
            f"{a['runs']:,} vs {b['runs']:,} runs",
            growth < 1.2 and b["peak_rss_with_workers_mb"] < 2048,
        ),
        Row(
            "store bytes per run",
            "< 300",
            f"{b['bytes_per_run']:.0f}",
            f"{a['bytes_per_run']:.0f} at {a['runs']:,} runs",
            b["bytes_per_run"] < 300,
        ),
    ]


def abm(quick: bool) -> list[Row]:
    args = [str(BENCH / "bench_abm_vs_mesa.py")]
    args += (
        ["--steps", "30", "--seeds", "1", "--sequential-steps", "5", "--big-steps", "3"]
        if (quick)
        else []
    )
    *_, out = _run(args, 1800)
    ratio = _number(r"ratio grudging synchronous / Mesa: ([\d,.]+)x", out)
    mesa = _number(r"Mesa 3\.3\.1 \(sequential\)\s+([\d,]+)", out)
    step = _number(r"time per step\s+([\d.]+) s", out)
    return [
        Row(
            "ABM vs Mesa, Mesa's configuration",
            ">= 100x",
            f"{ratio:.1f}x",
            f"Mesa {mesa:,.0f} agent-steps/s",
            ratio >= 100,
        ),
        Row("ABM, 1,000,000 agents, steps/s", ">= 5", f"{1 / step:.1f}", "—", 1 / step >= 5),
    ]


def run_end_to_end(quick: bool) -> list[Row]:
    reps = "200" if quick else "1000"
    with tempfile.TemporaryDirectory() as tmp:
        report = str(Path(tmp) / "report.html")
        cmd = ["-m", "grudging", "run", "-n", reps, "--report", report, "--quiet"]
        _run(["-c", "import grudging.cli.run, grudging.chain, grudging.report.html"], 600)
        warm = min((_run(cmd, 1200)[:2] for _ in range(1 if quick else 2)), key=lambda w: w[1])
        cold = _run(cmd, 1200, cache=False)
        imports = _run(["-c", "import grudging.chain, grudging.report.html"], 600)
    target = reps == "1000"
    return [
        Row(
            f"`grudging run -n {reps}`, report written (wall / CPU)",
            "< 8 s" if target else "(< 8 s at 1000)",
            f"{warm[0]:.1f} s / {warm[1]:.1f} s",
            f"no bytecode cache {cold[0]:.1f} / {cold[1]:.1f} s; "
            f"imports alone {imports[0]:.1f} / {imports[1]:.1f} s",
            min(warm) < 8 if target else None,
        ),
    ]


def dashboard(quick: bool) -> list[Row]:
    args = [str(BENCH / "bench_dashboard.py"), "-n", "200", "--repeat", "1" if quick else "3"]
    *_, out = _run([*args, "--skip-report"], 1800)
    change = _number(r"dynamics change -> updated comparison \(plans re-used\)\s+([\d.]+) s", out)
    ref = _number(r"reference: the same run with every plan re-computed\s+([\d.]+) s", out)
    floor = _number(r"floor: the dynamics alone, on the same plans and draws\s+([\d.]+) s", out)
    return [
        Row(
            "dashboard assumption change (200 reps)",
            "< 0.5 s",
            f"{change:.2f} s",
            f"same run re-planned {ref:.2f} s; the dynamics alone (the floor) {floor:.2f} s",
            change < 0.5,
        ),
    ]


def bargain(quick: bool) -> list[Row]:
    args = [str(BENCH / "bench_bargain.py"), "--draws", "200" if quick else "1000"]
    args += ["--loop", "5" if quick else "20", "--repeat", "1" if quick else "3"]
    *_, out = _run(args, 1800)
    seconds = _number(r"parameter draws in ([\d.]+) s", out)
    ratio = _number(r"ratio \(vectorised / loop\): ([\d,.]+)x", out)
    draws = 200 if quick else 1000
    return [
        Row(
            f"bargain, {draws:,} parameter draws",
            "vectorised (no figure)",
            f"{seconds:.2f} s",
            f"scalar loop {ratio:,.0f}x slower",
            None,
        ),
    ]


def cluster(quick: bool) -> list[Row]:
    runs = 10_000 if quick else 100_000
    args = [str(BENCH / "check_cluster.py"), "--runs", str(runs), "--workers", "2"]
    *_, out = _run(args, 3600)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"check_cluster.py printed no figures: {out[-200:]}")
    f = json.loads(lines[-1])
    ref, dsk = f["reference"], f["dask"]
    return [
        Row(
            "dask sweep, 2 workers, one SIGKILLed mid-sweep, vs in-process",
            "identical run for run at >= 100,000 runs",
            f"{'identical' if f['identical'] else 'DIFFERENT'} at {f['runs']:,} runs "
            f"({f['duplicated']} duplicated)",
            f"in-process {ref['runs_per_second']:,.0f} runs/s; dask {dsk['runs_per_second']:,.0f}",
            bool(f["identical"]) if f["runs"] >= 100_000 else None,
        ),
    ]


BENCHMARKS: dict[str, Callable[[bool], list[Row]]] = {
    "dynamics": dynamics,
    "bargain": bargain,
    "run": run_end_to_end,
    "dashboard": dashboard,
    "abm": abm,
    "sweep": sweep,
    "cluster": cluster,
}


def table(rows: list[Row], header: str) -> str:
    lines = [
        header,
        "",
        "| figure | target | measured | reference, same run | met? |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        met = "—" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| {r.figure} | {r.target} | {r.measured} | {r.reference} | {met} |")
    return "\n".join(lines) + "\n"


def write_doc(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    block = f"{BEGIN}\n{text}{END}"
    if BEGIN in doc and END in doc:
        head, rest = doc.split(BEGIN, 1)
        doc = head + block + rest.split(END, 1)[1]
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(doc, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="scaled-down sizes (minutes)")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated subset")
    parser.add_argument("--no-write", action="store_true", help="print only; leave the docs")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [n for n in chosen if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")

    before = yardstick()
    rows: list[Row] = []
    started = time.perf_counter()
    for name in chosen:
        t0 = time.perf_counter()
        try:
            rows += BENCHMARKS[name](args.quick)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            rows.append(Row(name, "", "failed", str(exc).splitlines()[0][:80], False))
        print(f"[{name}: {time.perf_counter() - t0:.0f} s]", file=sys.stderr, flush=True)
    after = yardstick()
    header = (
        f"`uv run python benchmarks/run_all.py{' --quick' if args.quick else ''}"
        f"{' --only ' + args.only if args.only != ','.join(BENCHMARKS) else ''}`, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
        f"{(time.perf_counter() - started) / 60:.1f} min; yardstick {before:.3f} s before, "
        f"{after:.3f} s after (a fixed numpy workload: the machine's load; "
        f"lower is a quieter machine)."
    )
    text = table(rows, header)
    print(text)
    if not args.no_write:
        write_doc(text)
        print(f"table written to {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

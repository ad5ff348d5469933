"""Benchmark: writing the HTML report, with plotly's template applied once per figure the slow way
(``template="plotly_white"``: a deep copy and re-validation per figure) and the fast way
(:func:`grudging.report.figures._white`), same process, same results; checks the files agree.

    uv run python benchmarks/bench_report.py [-n 1000] [--repeat 3]

Times are CPU seconds of this process (``time.process_time``): on shared cores the wall clock
mostly measures the other jobs. The best of ``--repeat`` is kept, alternating the two ways.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path
from typing import Any


def _slow_white(fig: Any) -> Any:
    """The template as the figures set it before: by name, validated again for each figure."""
    fig.update_layout(template="plotly_white")
    return fig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--replications", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from grudging.chain import simulate
    from grudging.report import figures
    from grudging.report.html import write_report
    from grudging.scenario import load_scenario

    scn = load_scenario("iraq-2007")
    results = simulate(scn, replications=args.replications)
    fast = figures._white
    best = {"slow": float("inf"), "fast": float("inf")}
    texts = {}
    with tempfile.TemporaryDirectory() as tmp:
        write_report(results, scn, Path(tmp) / "warm.html")
        for _ in range(args.repeat):
            for way, fn in (("slow", _slow_white), ("fast", fast)):
                figures._white = fn
                path = Path(tmp) / f"{way}.html"
                started = time.process_time()
                write_report(results, scn, path)
                best[way] = min(best[way], time.process_time() - started)
                texts[way] = path.read_text(encoding="utf-8")
        figures._white = fast
    figure = {"slow": float("inf"), "fast": float("inf")}
    for _ in range(args.repeat):
        for way, fn in (("slow", _slow_white), ("fast", fast)):
            figures._white = fn
            started = time.process_time()
            for _ in range(10):
                figures.fan_chart(results, start=scn.start)
            figure[way] = min(figure[way], (time.process_time() - started) / 10)
    figures._white = fast
    stamp = re.compile(r"<th>report written</th><td>[^<]*</td>")
    same = stamp.sub("", texts["slow"]) == stamp.sub("", texts["fast"])
    print(f"report of {args.replications} replications x {len(results.options)} options")
    print(f"  template by name (before)      {best['slow']:6.2f} s CPU (best of {args.repeat})")
    print(f"  template set once (after)      {best['fast']:6.2f} s CPU")
    print(f"  ratio before / after           {best['slow'] / best['fast']:6.2f}x")
    print(f"  same file (but the time stamp) {same}")
    print(
        f"  one fan chart: {figure['slow'] * 1000:.0f} ms CPU before, "
        f"{figure['fast'] * 1000:.0f} ms after ({figure['slow'] / figure['fast']:.2f}x)"
    )


if __name__ == "__main__":
    main()

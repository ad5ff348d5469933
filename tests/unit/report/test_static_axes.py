"""The print report's figures (matplotlib, for the PDF) have legible axes: no two tick labels of an
axis overlap, and no axis falls back to scientific notation or an offset ("1e5", "+1.5e5")."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest


def _problems(fig: Any) -> list[str]:
    """Overlapping neighbour tick labels and scientific notation on any axis of ``fig``."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    found = []
    for ax, name in itertools.product(fig.axes, ("x", "y")):
        axis = ax.xaxis if name == "x" else ax.yaxis
        labels = [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
        boxes = [t.get_window_extent(renderer) for t in labels]
        key = 0 if name == "x" else 1
        order = sorted(range(len(boxes)), key=lambda i: boxes[i].get_points()[0][key])
        for i, j in itertools.pairwise(order):
            if boxes[i].overlaps(boxes[j]):
                found.append(f"{name}: '{labels[i].get_text()}' overlaps '{labels[j].get_text()}'")
        offset = axis.get_offset_text().get_text()
        if offset:
            found.append(f"{name}: offset text {offset!r}")
        found += [
            f"{name}: '{t.get_text()}' in scientific notation"
            for t in labels
            if re.search(r"\de[+-]?\d", t.get_text())
        ]
    return found


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every figure the static module draws, checked before it is written as SVG."""
    from grudging.report import static

    problems: list[Any] = []
    keep = static._svg

    def check(fig: Any) -> str:
        title = " / ".join(ax.get_title() for ax in fig.axes if ax.get_title())
        problems.extend(f"{title}: {p}" for p in _problems(fig))
        return keep(fig)

    monkeypatch.setattr(static, "_svg", check)
    return problems


@pytest.mark.slow  # draws every comparison figure: several seconds on two shared cores
def test_the_print_figures_have_legible_axes(report_run: tuple[Any, Any], drawn: list[Any]) -> None:
    from grudging.report import static

    _, results = report_run
    names = results.option_names()
    static.fan_chart(results)
    for outcome in ("civilian_deaths", "cost_patron"):
        static.outcome_intervals(results, outcome)
    diff = results.compare(results.options[0])
    named = diff.assign(
        option=[names[o] for o in diff["option"]], baseline=[names[o] for o in diff["baseline"]]
    )
    static.difference_chart(named, "civilian_deaths")
    static.coalition_gap_chart(364_000, 26_000, 39_110, 32_000)
    assert drawn == []

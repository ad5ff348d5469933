"""Static figures of the report for print (PDF): matplotlib drawings as inline SVG.

Plotly's interactive figures do not print, so the PDF version of the report draws the same
content with matplotlib (no browser needed): the fan chart, the outcome intervals, the paired
differences, the coalition against the requirement, who signs under each guarantor and the
sensitivity bars. The maps are plain SVG in both versions (:mod:`grudging.report.svgmap`). Each function returns an
``<svg>`` element as text.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from grudging.report.figures import gap_bars, option_colours

if TYPE_CHECKING:
    import pandas as pd

    from grudging.results.results import Results


def _figure(width: float, height: float) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {"svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 8, "axes.titlesize": 9}
    )
    fig, ax = plt.subplots(figsize=(width, height))
    return fig, ax


def _svg(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _compact_axis(ax: Any, axis: str = "x", unit: str = "") -> None:
    """Few ticks, labelled ``150k`` or ``US$287bn`` (never scientific notation), so that the
    labels of a narrow figure do not run together."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    from grudging.report.numbers import value

    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(MaxNLocator(nbins=4, min_n_ticks=2))
    target.set_major_formatter(FuncFormatter(lambda x, _: value(x, unit or "count")))
    if axis == "x":
        ax.tick_params(axis="x", labelrotation=30)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")


def _wrap(text: str, width: int = 22) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def fan_chart(results: Results, outcome: str = "civilian_deaths") -> str:
    """Median and 90 % band of a monthly series, one band per option."""
    from grudging.report.numbers import outcome_label

    table = results.monthly(outcome)
    colours = option_colours(results.options)
    names = results.option_names()
    fig, ax = _figure(7.0, 3.0)
    for option in results.options:
        part = table[table["option"] == option]
        ax.fill_between(part["month"], part["low"], part["high"], color=colours[option], alpha=0.15)
        ax.plot(part["month"], part["median"], color=colours[option], label=names[option], lw=1.5)
    ax.set_xlabel("month")
    ax.set_ylabel(outcome_label(outcome))
    _compact_axis(ax, "y")
    ax.set_title(f"{outcome_label(outcome)} per month: median and 90 % interval")
    ax.legend(ncol=2, fontsize=7, frameon=False)
    ax.grid(alpha=0.3)
    return _svg(fig)


def outcome_intervals(results: Results, outcome: str) -> str:
    """Median with 90 % interval of one scalar outcome per option."""
    from grudging.report.numbers import outcome_label, unit_label

    table = results.summary()
    part = table[table["outcome"] == outcome]
    colours = option_colours(results.options)
    names = results.option_names()
    fig, ax = _figure(3.4, 0.6 + 0.42 * max(len(part), 1))
    for i, (_, r) in enumerate(part.iterrows()):
        ax.plot([r["low"], r["high"]], [i, i], color="#444", lw=1)
        ax.plot(r["median"], i, "o", color=colours[r["option"]])
    ax.set_yticks(range(len(part)), [_wrap(names[o]) for o in part["option"]], fontsize=7)
    ax.invert_yaxis()
    unit = part["unit"].iloc[0] if len(part) else ""
    _compact_axis(ax, "x", unit)
    ax.set_title(f"{outcome_label(outcome)} ({unit_label(unit)})")
    ax.grid(axis="x", alpha=0.3)
    return _svg(fig)


def difference_chart(diff: pd.DataFrame, outcome: str) -> str:
    """Paired differences against the baseline: median and 90 % interval per option."""
    part = diff[diff["outcome"] == outcome]
    colours = option_colours(list(part["option"]))
    fig, ax = _figure(7.0, 0.6 + 0.3 * max(len(part), 1))
    for i, (_, r) in enumerate(part.iterrows()):
        ax.plot([r["low"], r["high"]], [i, i], color="#444", lw=1)
        ax.plot(r["median_difference"], i, "o", color=colours[r["option"]])
    ax.axvline(0, color="#888", ls=":")
    ax.set_yticks(range(len(part)), [_wrap(str(o), 40) for o in part["option"]])
    ax.invert_yaxis()
    _compact_axis(ax, "x")
    baseline = part["baseline"].iloc[0] if len(part) else ""
    ax.set_title(f"{outcome.replace('_', ' ')} against {baseline}: paired difference (90 %)")
    ax.grid(axis="x", alpha=0.3)
    return _svg(fig)


def coalition_gap_chart(
    requirement: float, effective: float, troops: int, proposal: float | None = None
) -> str:
    """The coalition against the requirement (and the proposal's force, where there is one)."""
    labels, values, colours = gap_bars(requirement, effective, troops, proposal)
    fig, ax = _figure(6.0, 1.6)
    ax.barh(labels, values, color=colours)
    for i, v in enumerate(values):
        ax.text(v, i, f" {v:,.0f}", va="center", fontsize=7)
    ax.invert_yaxis()
    ax.set_title(
        f"gap to the requirement: {max(0.0, requirement - effective):,.0f} effective troops"
    )
    return _svg(fig)


def signing_heatmap(result: Any, names: dict[str, str] | None = None) -> str:
    """P(signs) of every faction under every guarantor (factions by ``names`` when given)."""
    import numpy as np

    kinds = [o.guarantor.kind for o in result.outcomes]
    z = np.array([[o.p_sign[f] for o in result.outcomes] for f in result.factions])
    fig, ax = _figure(5.0, 0.6 + 0.3 * len(result.factions))
    image = ax.imshow(z, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(kinds)), kinds)
    ax.set_yticks(range(len(result.factions)), [(names or {}).get(f, f) for f in result.factions])
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            ax.text(
                j,
                i,
                f"{z[i, j]:.2f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if z[i, j] > 0.6 else "black",
            )
    ax.set_title("P(signs) under each guarantor")
    fig.colorbar(image, ax=ax, shrink=0.8)
    return _svg(fig)


def sensitivity_bars(frame: pd.DataFrame, title: str) -> str:
    """Horizontal bars of a sensitivity index per parameter (largest on top)."""
    part = frame.sort_values("index", ascending=True).tail(15)
    fig, ax = _figure(6.0, 0.6 + 0.25 * max(len(part), 1))
    ax.barh(list(part["parameter"]), list(part["index"]), color="#0072B2")
    if "low" in part and "high" in part:
        ax.errorbar(
            part["index"],
            range(len(part)),
            xerr=[part["index"] - part["low"], part["high"] - part["index"]],
            fmt="none",
            ecolor="#444",
            lw=0.8,
        )
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    return _svg(fig)

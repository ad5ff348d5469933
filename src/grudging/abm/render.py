"""Pictures of the lattice: a live terminal view (rich) and saved plots and animations (matplotlib).

The terminal view packs two lattice rows into one line with the upper-half-block character, the
upper cell as the foreground colour and the lower one as the background, so a 40 x 40 lattice
takes 20 lines. Saved figures use matplotlib's Agg canvas directly (no pyplot, no global backend
change); animations are GIFs written by Pillow.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from grudging.errors import ParameterError

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from rich.console import Console
    from rich.text import Text

    from grudging.abm.curve import SuppressionCurve
    from grudging.abm.model2 import InterGroupRun


@dataclass(frozen=True)
class Palette:
    """Colours and labels of the cell codes of one model (terminal names and hex for plots)."""

    labels: tuple[str, ...]
    terminal: tuple[str, ...]
    hex: tuple[str, ...]


MODEL_I_PALETTE = Palette(
    labels=("empty", "quiet", "active", "jailed", "cop"),
    terminal=("grey11", "dodger_blue2", "red1", "grey50", "white"),
    hex=("#f4f1ea", "#2b6cb0", "#d62728", "#9e9e9e", "#111111"),
)
MODEL_II_PALETTE = Palette(
    labels=("empty", "blue", "green", "blue (active)", "green (active)", "peacekeeper"),
    terminal=("grey11", "dodger_blue2", "green3", "magenta", "dark_orange", "white"),
    hex=("#f4f1ea", "#2b6cb0", "#2f9e44", "#9c36b5", "#e8590c", "#111111"),
)


def terminal_grid(codes: NDArray[np.integer], palette: Palette) -> Text:
    """The lattice as coloured rich text, two rows per line."""
    from rich.text import Text

    grid = np.asarray(codes)
    h, w = grid.shape
    text = Text(no_wrap=True, overflow="crop")
    for y in range(0, h, 2):
        top = grid[y]
        bottom = grid[y + 1] if y + 1 < h else None
        for x in range(w):
            fg = palette.terminal[int(top[x])]
            bg = palette.terminal[int(bottom[x])] if bottom is not None else "default"
            text.append("▀", style=f"{fg} on {bg}")
        text.append("\n")
    return text


def legend(palette: Palette) -> Text:
    """A one-line colour legend."""
    from rich.text import Text

    text = Text()
    for label, colour in zip(palette.labels, palette.terminal, strict=True):
        text.append("■ ", style=colour)
        text.append(f"{label}  ")
    return text


def live_view(
    advance: Callable[[], None],
    snapshot: Callable[[], NDArray[np.integer]],
    status: Callable[[], Mapping[str, object]],
    steps: int,
    palette: Palette,
    *,
    console: Console,
    fps: float = 12.0,
    title: str = "",
) -> None:
    """Run ``steps`` steps, redrawing the lattice and a status line in the terminal each step."""
    from rich.console import Group
    from rich.live import Live
    from rich.text import Text

    def frame(step: int) -> Group:
        counts = "  ".join(f"{k} {v}" for k, v in status().items())
        head = Text(f"{title}  step {step}/{steps}", style="bold")
        return Group(head, terminal_grid(snapshot(), palette), legend(palette), Text(counts))

    delay = 1.0 / fps if fps > 0 else 0.0
    with Live(frame(0), console=console, refresh_per_second=max(fps, 1.0), transient=False) as live:
        for step in range(1, steps + 1):
            advance()
            live.update(frame(step))
            if delay:
                time.sleep(delay)
    console.print()


# ------------------------------------------------------------------------------ matplotlib
def _figure(width: float, height: float, dpi: int = 100) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def _cmap(palette: Palette) -> Any:
    from matplotlib.colors import BoundaryNorm, ListedColormap

    n = len(palette.hex)
    return ListedColormap(list(palette.hex)), BoundaryNorm(np.arange(-0.5, n + 0.5), n)


def _draw_grid(ax: Any, codes: NDArray[np.integer], palette: Palette, title: str) -> Any:
    cmap, norm = _cmap(palette)
    image = ax.imshow(codes, cmap=cmap, norm=norm, interpolation="nearest")
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    return image


def _legend_handles(palette: Palette) -> list[Any]:
    from matplotlib.patches import Patch

    return [
        Patch(facecolor=c, edgecolor="#777777", label=lab)
        for c, lab in zip(palette.hex, palette.labels, strict=True)
    ]


def _check_suffix(path: Path, allowed: Sequence[str]) -> None:
    if path.suffix.lower() not in allowed:
        raise ParameterError(
            f"cannot save '{path}': unknown file type '{path.suffix or '(none)'}'; "
            f"use one of {', '.join(allowed)}"
        )


def save_animation(
    frames: NDArray[np.integer],
    path: str | Path,
    palette: Palette,
    *,
    fps: int = 10,
    title: str = "",
    max_frames: int = 200,
) -> Path:
    """Save lattice frames ``(steps + 1, h, w)`` as a GIF (thinned to at most ``max_frames``)."""
    from matplotlib.animation import PillowWriter

    path = Path(path)
    _check_suffix(path, (".gif",))
    stride = max(1, int(np.ceil(len(frames) / max_frames)))
    aspect = frames.shape[2] / frames.shape[1]
    fig = _figure(min(4.0 * aspect, 9.0), 4.4, dpi=72)
    ax = fig.add_axes((0.02, 0.1, 0.96, 0.82))
    image = _draw_grid(ax, frames[0], palette, f"{title}  step 0")
    _text_legend(fig, palette)
    writer = PillowWriter(fps=fps)
    with writer.saving(fig, str(path), dpi=72):
        for step in range(0, len(frames), stride):
            image.set_data(frames[step])
            ax.set_title(f"{title}  step {step}", fontsize=9)
            writer.grab_frame()
    return path


def _text_legend(fig: Figure, palette: Palette) -> None:
    """A light legend of coloured squares along the bottom (much cheaper to redraw than Legend)."""
    n = len(palette.labels)
    for i, (label, colour) in enumerate(zip(palette.labels, palette.hex, strict=True)):
        x = 0.02 + (i % 3) * 0.33
        y = 0.05 - (i // 3) * 0.04 + (0.02 if n > 3 else 0.0)
        fig.text(x, y, "■", color=colour, fontsize=9, va="center")
        fig.text(x + 0.04, y, label, fontsize=7, va="center")


def save_snapshot(
    codes: NDArray[np.integer],
    series: Mapping[str, NDArray[np.integer]],
    path: str | Path,
    palette: Palette,
    *,
    title: str = "",
) -> Path:
    """Save the last lattice next to the time series of the run as a PNG (or SVG/PDF)."""
    path = Path(path)
    _check_suffix(path, (".png", ".svg", ".pdf"))
    fig = _figure(11.0, 4.6)
    grid_ax = fig.add_axes((0.02, 0.12, 0.38, 0.8))
    _draw_grid(grid_ax, codes, palette, title)
    series_ax = fig.add_axes((0.48, 0.14, 0.5, 0.76))
    for name, values in series.items():
        series_ax.plot(np.arange(values.size), values, label=name, linewidth=1.2)
    series_ax.set_xlabel("step")
    series_ax.legend(fontsize=8, ncol=2)
    fig.legend(handles=_legend_handles(palette), loc="lower left", ncol=3, fontsize=7)
    fig.savefig(path)
    return path


def save_comparison(
    runs: Sequence[InterGroupRun],
    names: Sequence[str],
    path: str | Path,
    *,
    moments: int = 4,
) -> Path:
    """Side-by-side lattices of several Model II runs at ``moments`` times, with their series.

    The runs must have recorded frames. The last row plots each run's smaller group and its
    cumulative killings.
    """
    path = Path(path)
    _check_suffix(path, (".png", ".svg", ".pdf"))
    steps = min(run.steps for run in runs)
    times = sorted({round(float(t)) for t in np.linspace(0, steps, moments)})
    fig = _figure(2.6 * len(times) + 0.6, 2.7 * len(runs) + 3.0)
    rows = len(runs) + 1
    columns = len(times)
    grid = fig.add_gridspec(rows, 2 * columns)
    for r, (run, name) in enumerate(zip(runs, names, strict=True)):
        if run.frames is None:
            raise ParameterError(f"run '{name}' has no frames; run it with record_frames=True")
        for c, t in enumerate(times):
            ax = fig.add_subplot(grid[r, 2 * c : 2 * c + 2])
            _draw_grid(ax, run.frames[t], MODEL_II_PALETTE, f"{name}: step {t}")
    ax_pop = fig.add_subplot(grid[rows - 1, :columns])
    ax_kill = fig.add_subplot(grid[rows - 1, columns:])
    for run, name in zip(runs, names, strict=True):
        smaller = np.minimum(run.series["blue"], run.series["green"])
        ax_pop.plot(smaller, label=name)
        ax_kill.plot(np.cumsum(run.killings), label=name)
    ax_pop.set_title("smaller group (agents)", fontsize=9)
    ax_kill.set_title("cumulative killings", fontsize=9)
    for ax in (ax_pop, ax_kill):
        ax.set_xlabel("step")
        ax.legend(fontsize=8)
    fig.legend(handles=_legend_handles(MODEL_II_PALETTE), loc="upper center", ncol=6, fontsize=7)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    fig.savefig(path)
    return path


def save_curve_plot(curve: SuppressionCurve, path: str | Path) -> Path:
    """Relative violence against peacekeeper density: replication means and the fitted curves."""
    path = Path(path)
    _check_suffix(path, (".png", ".svg", ".pdf"))
    fig = _figure(7.0, 4.6)
    ax = fig.add_subplot(1, 1, 1)
    grid = np.linspace(0.0, max(curve.settings.swept_densities) * 1.05, 200)
    colours = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")
    for i, (name, fit) in enumerate(curve.fits.items()):
        colour = colours[i % len(colours)]
        part = curve.data.loc[curve.data["behaviour"] == name]
        stats = part.groupby("density")["relative_violence"].agg(["mean", "std"])
        ax.errorbar(
            stats.index,
            stats["mean"],
            yerr=stats["std"],
            fmt="o",
            color=colour,
            capsize=3,
            markersize=4,
        )
        ax.plot(
            grid,
            fit.multiplier(grid),
            color=colour,
            label=f"{name}: rho50 {fit.rho50:.3f}, h {fit.h:.2f}",
        )
    ax.set_xlabel("peacekeepers per cell")
    ax.set_ylabel("violence relative to no peacekeepers")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    ax.set_title("Suppression curve from Epstein's Model II", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    return path

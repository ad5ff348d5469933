"""Shared terminal renderers: numbers, option names, and tables that keep to the console width.

Every command prints numbers the same way (see :mod:`grudging.report.numbers`): counts as
``6,067``, ``49k`` or ``2.12M``, money as ``US$259M`` or ``US$287bn``, shares as ``7 %``. A grid
of options by outcomes prints as one table when it fits the console (80 columns on a narrow
terminal) and as one block per option otherwise, so that no figure is cut. Imports only the
standard library at import time; rich is imported when something is drawn.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from typing import Any

from grudging.report.numbers import (
    chance_cell,
    count,
    interval,
    money,
    option_label,
    outcome_label,
    percent,
    unit_label,
    value,
)

__all__ = [
    "count",
    "dash_or",
    "grid",
    "interval",
    "money",
    "option_label",
    "outcome_label",
    "paragraph",
    "percent",
    "plain_table",
    "probability",
    "table",
    "unit_label",
    "value",
]

#: What a missing value prints as.
MISSING = "–"
#: A space that does not break a line (between a number and its '%').
NBSP = "\u00a0"


def dash_or(x: Any, fmt: str = ".2f", missing: str = MISSING) -> str:
    """``x`` formatted with ``fmt``, or a dash when it is None or not a number."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return missing
    return format(x, fmt)


def probability(p: float | None) -> str:
    """A probability as a decimal (``0.42``), never rounded to 0 or 1 when it is neither
    (``<0.01``), a dash when undefined."""
    return chance_cell(p)


@functools.cache
def _plain_table_class() -> Any:
    from rich.table import Table
    from rich.text import Text

    def plain(cell: Any) -> Any:
        return Text(cell) if isinstance(cell, str) else cell

    class PlainTable(Table):
        def add_column(self, header: Any = "", *args: Any, **kw: Any) -> None:
            super().add_column(plain(header), *args, **kw)

        def add_row(self, *cells: Any, **kw: Any) -> None:
            super().add_row(*(plain(c) for c in cells), **kw)

    return PlainTable


def plain_table(*args: Any, **kw: Any) -> Any:
    """A rich ``Table`` whose headers and cells print as written: a name such as 'Sector [north]'
    or '[/]' is not read as markup (which dropped the text or raised)."""
    return _plain_table_class()(*args, **kw)


def table(title: str | None = None, columns: Sequence[str] = (), left: int = 1, **kw: Any) -> Any:
    """A rich table whose first ``left`` columns are left-aligned text and the others right-aligned
    numbers that never wrap; text wraps at word boundaries instead of being cut with '…'."""
    t = plain_table(title=title, **kw)
    for i, name in enumerate(columns):
        if i < left:
            t.add_column(name, overflow="fold")
        else:
            t.add_column(name, justify="right", no_wrap=True)
    return t


def fits(console: Any, renderable: Any) -> bool:
    """Whether ``renderable`` fits the console's width without wrapping any cell."""
    from rich.measure import Measurement

    unbounded = console.options.update(max_width=100_000)
    return Measurement.get(console, unbounded, renderable).maximum <= console.width


def grid(
    console: Any,
    title: str,
    rows: Sequence[tuple[str, str]],
    columns: Sequence[str],
    cells: Mapping[tuple[int, int], str],
    stacked: Mapping[tuple[int, int], str] | None = None,
) -> None:
    """Print rows (label, unit) by columns (option names): one table when it fits the console,
    else one block per column. ``cells[(row, column)]`` is the text of a cell (a dash if absent);
    ``stacked`` the text of a cell in a block, with its unit (default: the cell and the unit).
    """
    import textwrap

    from rich.text import Text

    headers = []
    for c, column in enumerate(columns):  # a long name wraps over lines no wider than its cells
        room = max([10, *(len(cells.get((r, c), MISSING)) for r in range(len(rows)))])
        headers.append("\n".join(textwrap.wrap(column, room)) or column)
    wide = table(title, ["", "unit", *headers], left=2)
    for r, (label, unit) in enumerate(rows):
        wide.add_row(label, unit, *[cells.get((r, c), MISSING) for c in range(len(columns))])
    if fits(console, wide):
        console.print(wide)
        return
    console.print(Text(title, style="bold"))
    width = max((len(label) for label, _ in rows), default=0)
    for c, column in enumerate(columns):
        console.print(Text(column, style="cyan"))
        for r, (label, unit) in enumerate(rows):
            if stacked is not None and (r, c) in stacked:
                text = stacked[(r, c)]
            else:
                cell = cells.get((r, c), MISSING)
                text = f"{cell} {unit}" if unit and cell != MISSING else cell
            line = f"  {label:<{width}}  {text}"
            if len(line) > console.width:  # narrower still: the figure on its own line
                console.print(Text(f"  {label}"), soft_wrap=True)
                console.print(Text(f"    {text}"), soft_wrap=True)
            else:
                console.print(Text(line), soft_wrap=True)


def paragraph(console: Any, text: str, style: str = "", indent: int = 0) -> None:
    """Print plain text wrapped at spaces to the console width, never inside a figure such as
    ``90 %`` (markup is not read; no line is padded with trailing spaces)."""
    import textwrap

    from rich.text import Text

    glued = text.replace(" %", NBSP + "%")
    lines = textwrap.wrap(
        glued,
        width=max(console.width, 20),
        initial_indent=" " * indent,
        subsequent_indent=" " * indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    for line in lines or [""]:
        console.print(Text(line.replace(NBSP, " "), style=style), soft_wrap=True)

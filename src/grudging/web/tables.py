"""Plain tables for the page: rows of dicts in, HTML tables out, numbers formatted by unit."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

Rows = list[dict[str, Any]]


def format_value(value: Any, unit: str = "") -> str:
    """A number as a reader wants it: probabilities with two decimals, big numbers grouped."""
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if not math.isfinite(float(value)):
        return "–"
    if unit in ("probability", "share") or unit.startswith("index"):
        return f"{value:.2f}"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.2f}M"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def frame_rows(frame: Any) -> Rows:
    """A DataFrame as plain rows (NaN becomes None)."""
    rows: Rows = frame.to_dict(orient="records")
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float) and not math.isfinite(value):
                row[key] = None
    return rows


def html_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | Mapping[str, str] | None = None,
    table_id: str | None = None,
    units: Mapping[str, str] | None = None,
) -> Any:
    """An HTML table of ``rows``; ``columns`` picks and titles the columns."""
    from dash import html

    if columns is None:
        columns = list(rows[0]) if rows else []
    titles = (
        dict(columns) if isinstance(columns, Mapping) else {c: c.replace("_", " ") for c in columns}
    )
    units = units or {}
    head = html.Thead(html.Tr([html.Th(t) for t in titles.values()]))

    def cell(value: Any, column: str) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return html.Td(format_value(value, units.get(column, "")), className="num")
        return html.Td("–" if value is None else str(value))

    body = html.Tbody([html.Tr([cell(row.get(c), c) for c in titles]) for row in rows])
    if table_id:
        return html.Table([head, body], className="data", id=table_id)
    return html.Table([head, body], className="data")

"""``grudging report``: a self-contained HTML report (and PDF) of a run."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add ``report``."""
    p = sub.add_parser("report", help="write the HTML (and PDF) report of a run")
    p.set_defaults(handler=lambda args: 0)

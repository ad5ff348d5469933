"""Shared terminal output for the CLI: one rich console, errors on stderr, JSON for machines."""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.text import Text


def _width() -> int | None:
    """Full terminal width on a terminal; 120 columns when piped (unless COLUMNS says otherwise)."""
    import os

    if sys.stdout.isatty() or os.environ.get("COLUMNS"):
        return None
    return 120


console = Console(highlight=False, width=_width())
err_console = Console(stderr=True, highlight=False)


def print_error(message: str) -> None:
    """Print a user-facing error as one block on stderr (no traceback)."""
    err_console.print(Text.assemble(("error: ", "bold red"), message), soft_wrap=True)


def print_json(payload: Any) -> None:
    """Write ``payload`` as JSON on stdout (plain, no colour, NaN as null), for machines."""
    from grudging.results.saved import json_text

    sys.stdout.write(json_text(payload) + "\n")

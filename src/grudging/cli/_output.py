"""Shared terminal output for the CLI: one rich console, errors on stderr, JSON for machines."""

from __future__ import annotations

import json
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


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinity replaced by ``None`` (JSON has no NaN)."""
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def print_json(payload: Any) -> None:
    """Write ``payload`` as JSON on stdout (plain, no colour, NaN as null), for machines."""
    sys.stdout.write(json.dumps(_finite(payload), indent=2, default=str, allow_nan=False) + "\n")

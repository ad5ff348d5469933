"""Helpers for tests that break a small scenario on purpose: an edited copy of ``tiny.yaml``
and the line a needle stands on (the line a located error must name)."""

from __future__ import annotations

from pathlib import Path


def write_edited(
    tmp_path: Path, tiny_path: Path, edits: list[tuple[str, str]], name: str = "case.yaml"
) -> Path:
    """``tiny.yaml`` with each ``old`` replaced by ``new`` once, written as ``name``."""
    text = tiny_path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    """The first line of ``path`` holding ``needle`` (1-based)."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)

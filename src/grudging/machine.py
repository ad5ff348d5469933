"""What the machine has to spare, read with the standard library alone (so checks cost no import)."""

from __future__ import annotations

import os


def available_memory() -> int | None:
    """Bytes of memory available to new work (Linux ``MemAvailable``), or None when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def human_bytes(n: float) -> str:
    """``1.2 GB`` style (beyond a million PB, ``more than 1,000,000 PB``)."""
    if n >= 10**21:
        return "more than 1,000,000 PB"
    n = float(n)
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1000 or unit == "PB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} PB"

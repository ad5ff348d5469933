"""What the machine has to spare, read with the standard library alone (so checks cost no
import), and whether a run of a given size fits in it."""

from __future__ import annotations

import os

from grudging.errors import ParameterError

#: Bytes of memory ``grudging run`` holds per simulated cell (replication x option x region x
#: month): the dynamics' monthly arrays, the tidy outcome rows and the region-month summary.
#: Measured on iraq-2007 (18 regions, 60 months) with one and two options at 500 to 4,000
#: replications: tracemalloc peaks of 58 to 77 bytes per cell and growth of the peak RSS of 66 to
#: 77 bytes per cell; 80 rounds the largest figure up.
RUN_BYTES_PER_CELL = 80
#: Memory a run needs whatever its size (the interpreter, numpy, pandas, the scenario, the plans).
RUN_BASE_BYTES = 300 * 2**20
#: Largest seed the random streams and the stores accept (a signed 64-bit integer).
MAX_SEED = 2**63 - 1


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


def check_run_memory(
    replications: int,
    options: int,
    regions: int,
    months: int,
    available: int | None,
    flag: str = "-n",
    ways_out: str = "",
) -> int:
    """Refuse a run that cannot fit in memory, with the estimate and the ways out (after fewer
    replications, given with ``flag``); returns the estimate in bytes."""
    cells = replications * options * regions * months
    need = cells * RUN_BYTES_PER_CELL + RUN_BASE_BYTES
    if available is not None and need > available:
        fits = max((available - RUN_BASE_BYTES) // max(options * regions * months, 1), 0)
        fits //= RUN_BYTES_PER_CELL
        fewer = f"use at most about {fits:,} replications" + (
            f" ({flag})" if flag.startswith("-") else ""
        )
        raise ParameterError(
            f"{flag} {replications:,}: {replications:,} replications x {options} option"
            f"{'s' if options != 1 else ''} x {regions} region{'s' if regions != 1 else ''} x "
            f"{months} months would need "
            f"about {human_bytes(need)} of memory, and {human_bytes(available)} is available; "
            + (f"{fewer}, {ways_out}" if ways_out else fewer)
        )
    return need

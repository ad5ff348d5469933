"""The theatre's earlier force generation, per nation: the table the willingness fit reads.

One row per nation that served in the theatre's earlier coalition: its peak contingent up to the
fit window's end, the month it first appears, the month it withdrew (if within the window), two
later figures kept for an out-of-sample check only (never for the fit), and the sources. Each
scenario ships its table as ``calibration/coalition_history.csv``; for iraq-2007 it is derived
from the compiled public figures by ``scripts/derive_coalition_history.py``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from grudging.errors import ScenarioError

COLUMNS = (
    "nation",
    "name",
    "peak_troops",
    "peak_month",
    "first_month",
    "withdrawn",
    "troops_2007_03",
    "troops_2007_10",
    "sources",
)


@dataclass(frozen=True)
class HistoryRow:
    """One nation's record in the earlier force generation."""

    nation: str
    name: str
    peak_troops: int
    peak_month: str
    first_month: str
    withdrawn: str
    troops_2007_03: int
    troops_2007_10: int
    sources: str


def _read(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise ScenarioError(
            f"{path.name}: coalition history table not found; give one with --history CSV "
            "(columns: " + ", ".join(COLUMNS) + ")"
        )
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            rows = list(reader)
    except UnicodeDecodeError:
        raise ScenarioError(
            f"{path.name}: not a text (UTF-8) CSV file; give the coalition history table "
            "(columns: " + ", ".join(COLUMNS) + ")"
        ) from None
    if missing:
        raise ScenarioError(
            f"{path.name}: the coalition history table lacks the column(s) {', '.join(missing)}; "
            "the columns are " + ", ".join(COLUMNS)
        )
    if not rows:
        raise ScenarioError(
            f"{path.name}: the coalition history table has no rows; give a nation a row"
        )
    return rows


def write_history(rows: list[HistoryRow], path: Path) -> None:
    """Write the history table as CSV."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow([getattr(r, c) for c in COLUMNS])


def read_history(path: Path) -> list[HistoryRow]:
    """Read a history table written by :func:`write_history`."""
    rows = []
    for line, row in enumerate(_read(path), start=2):
        try:
            rows.append(
                HistoryRow(
                    nation=row["nation"],
                    name=row["name"],
                    peak_troops=int(row["peak_troops"] or 0),
                    peak_month=row["peak_month"],
                    first_month=row["first_month"],
                    withdrawn=row["withdrawn"],
                    troops_2007_03=int(row["troops_2007_03"] or 0),
                    troops_2007_10=int(row["troops_2007_10"] or 0),
                    sources=row["sources"],
                )
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ScenarioError(
                f"{path.name}:{line}: bad row ({err}); the columns are "
                + ", ".join(COLUMNS)
                + ", troop figures whole numbers"
            ) from None
        _check_row(rows[-1], f"{path.name}:{line}", {r.nation for r in rows[:-1]})
    return rows


def _check_row(row: HistoryRow, where: str, earlier: set[str]) -> None:
    """A row that can be true: troops not negative, months written YYYY-MM, one row a nation."""
    from grudging.scenario.schema import is_month

    if row.nation in earlier:
        raise ScenarioError(f"{where}: nation {row.nation} has a row already; give one per nation")
    for column in ("peak_troops", "troops_2007_03", "troops_2007_10"):
        if getattr(row, column) < 0:
            raise ScenarioError(
                f"{where}: {column} {getattr(row, column)} of {row.nation} is negative; give the "
                "troops it had (0 for none)"
            )
    for column in ("peak_month", "first_month", "withdrawn"):
        month = getattr(row, column)
        if month and not is_month(month):
            raise ScenarioError(
                f"{where}: {column} '{month}' of {row.nation} is not a month; write it as YYYY-MM, "
                "e.g. 2006-12 (or leave it empty)"
            )
    for column in ("first_month", "peak_month"):
        month = getattr(row, column)
        if row.withdrawn and month and row.withdrawn < month:
            raise ScenarioError(
                f"{where}: {row.nation} withdrawn {row.withdrawn}, before its {column} {month}; a "
                "contingent leaves after it was there: correct the dates"
            )


#: Where a scenario keeps its table, under the folder it was loaded from.
HISTORY_PATH = ("calibration", "coalition_history.csv")


def earlier_contingents(base_dir: str | None) -> dict[str, HistoryRow]:
    """The scenario's earlier force generation by nation (its ``calibration/coalition_history.csv``
    under ``base_dir``), or nothing when it ships none."""
    if base_dir is None:
        return {}
    path = Path(base_dir).joinpath(*HISTORY_PATH)
    if not path.is_file():
        return {}
    return dict(_by_nation(str(path), path.stat().st_mtime_ns))


@lru_cache(maxsize=8)
def _by_nation(path: str, modified: int) -> tuple[tuple[str, HistoryRow], ...]:
    """The table by nation, read once per version of the file (``modified``)."""
    del modified  # part of the cache key only
    return tuple((row.nation, row) for row in read_history(Path(path)))


def describe(row: HistoryRow | None) -> str:
    """A nation's earlier contingent in words: its peak, when, and when it left (a dash if none).
    Only the figures up to the fit window's end; the later ones are for tests."""
    if row is None or row.peak_troops <= 0:
        return "–"
    left = f", left {row.withdrawn}" if row.withdrawn else ""
    return f"{row.peak_troops:,} ({row.peak_month}{left})"

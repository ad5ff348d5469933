"""The held-out deaths of a scenario: ``validation/civilian_deaths_*.csv`` next to its file.

Only the back-test and the track record read these files, after a run; the model never does.
Each file is UTF-8 CSV with the columns ``series, month, region, value, source`` (others, such as
a ``note``, are allowed and ignored), one row per series and month:

* ``series``: ``civilian_deaths_national`` (the whole country; ``region`` empty) or
  ``civilian_deaths`` (one region; ``region`` a region id of the scenario), the two series
  compared; ``civilian_deaths_unlocated`` (deaths no region holds; ``region`` empty) and
  ``civilian_deaths_subtotal`` (a second count of one region, e.g. another source's) may stand
  beside them and are checked but not compared;
* ``month``: ``YYYY-MM``; ``value``: the civilian deaths recorded that month, a number >= 0;
* ``source``: the id of the source (its citation in ``validation/sources.csv``, when present).

Every problem is one :class:`~grudging.errors.ScenarioError` naming the file, its line, the column
and the fix, so ``grudging validate`` refuses what a back-test would.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grudging.errors import ScenarioError, did_you_mean, unknown_name
from grudging.scenario.schema import Scenario, is_month, month_index
from grudging.scenario.yaml_input import check_header, read_text

FOLDER = "validation"
PATTERN = "civilian_deaths_*.csv"
NATIONAL_SERIES = "civilian_deaths_national"
REGIONAL_SERIES = "civilian_deaths"
#: Every series a held-out file may hold, and whether its rows name a region.
SERIES = {
    NATIONAL_SERIES: False,
    REGIONAL_SERIES: True,
    "civilian_deaths_unlocated": False,
    "civilian_deaths_subtotal": True,
}
#: The columns every held-out file has.
COLUMNS = ("series", "month", "region", "value", "source")


def held_out_files(scn: Scenario) -> list[Path]:
    """The scenario's held-out death files, sorted (none when it has no folder)."""
    if scn.base_dir is None:
        return []
    folder = Path(scn.base_dir) / FOLDER
    return sorted(folder.glob(PATTERN)) if folder.is_dir() else []


def read_held_out(scn: Scenario) -> list[dict[str, Any]]:
    """Every row of the scenario's held-out files, checked: ``series, month, region (None for the
    national series), value (float), source``."""
    seen: dict[tuple[str, str, str | None], str] = {}
    rows: list[dict[str, Any]] = []
    for path in held_out_files(scn):
        rows.extend(_read_file(path, scn, seen))
    return rows


def _read_file(
    path: Path, scn: Scenario, seen: dict[tuple[str, str, str | None], str]
) -> list[dict[str, Any]]:
    name = f"{FOLDER}/{path.name}"
    regions = [r.id for r in scn.regions]
    reader = csv.reader(io.StringIO(read_text(path, name), newline=""))
    rows: list[dict[str, Any]] = []
    try:
        header = next(reader, None)
        if header is None:
            raise ScenarioError(
                f"{name}: the file is empty; give the header {','.join(COLUMNS)} and a row per "
                "series and month"
            )
        header = [h.strip() for h in header]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            extra = [h for h in header if h not in COLUMNS]
            hint = did_you_mean(missing[0], extra) if len(missing) == 1 else ""
            raise ScenarioError(
                f"{name}:1: the header lacks the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(c) for c in missing)}{hint} (it has {', '.join(header)}); "
                f"name the columns {','.join(COLUMNS)}"
            )
        check_header(header, f"{name}:1")
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            line = reader.line_num
            if len(row) != len(header):
                raise ScenarioError(
                    f"{name}:{line}: {len(row)} cells but the header has {len(header)} columns; "
                    "give one cell per column (an empty region for the national series: "
                    "civilian_deaths_national,2007-01,,120,IBC)"
                )
            cells = {c: v.strip() for c, v in zip(header, row, strict=True)}
            checked = _row(cells, f"{name}:{line}", regions, seen)
            _check_physical(checked, f"{name}:{line}", scn)
            rows.append(checked)
    except csv.Error as err:
        raise ScenarioError(
            f"{name}:{reader.line_num}: not a valid CSV row ({err}); check quotes and separators"
        ) from None
    return rows


def _row(
    cells: dict[str, str],
    where: str,
    regions: Sequence[str],
    seen: dict[tuple[str, str, str | None], str],
) -> dict[str, Any]:
    """One checked row; ``where`` is ``file:line``."""
    series, month, region = cells["series"], cells["month"], cells["region"] or None
    if series not in SERIES:
        what = f"unknown series '{series}'" if series else "empty"
        raise ScenarioError(
            f"{where}: column 'series': {what}{did_you_mean(series, SERIES)}; write "
            f"{NATIONAL_SERIES} (the whole country) or {REGIONAL_SERIES} (one region), the "
            f"series a back-test compares (or {', '.join(list(SERIES)[2:])})"
        )
    if not is_month(month):
        raise ScenarioError(
            f"{where}: column 'month': '{month}' is not a month; write it as YYYY-MM, e.g. 2007-01"
        )
    if not SERIES[series] and region is not None:
        raise ScenarioError(
            f"{where}: column 'region': a {series} row counts no one region, not '{region}'; "
            f"leave the region empty, or write {REGIONAL_SERIES} for a region's deaths"
        )
    if SERIES[series]:
        if region is None:
            raise ScenarioError(
                f"{where}: column 'region': empty, but a {series} row counts one region; give "
                f"its id (the scenario's regions: {', '.join(regions)})"
            )
        if region not in regions:
            raise ScenarioError(
                f"{where}: column 'region': {unknown_name('region', region, regions)}; use a "
                "region id of the scenario"
            )
    value = _deaths(cells["value"], where)
    if not cells["source"]:
        raise ScenarioError(
            f"{where}: column 'source': empty; give the id of the figure's source (a row of "
            f"{FOLDER}/sources.csv)"
        )
    key = (series, month, region)
    if key in seen:
        raise ScenarioError(
            f"{where}: {series} {month}{'' if region is None else ' ' + region} is given twice "
            f"(first at {seen[key]}); keep one row"
        )
    seen[key] = where
    return {"series": series, "month": month, "region": region, "value": value, **_rest(cells)}


def _check_physical(row: dict[str, Any], where: str, scn: Scenario) -> None:
    """A held-out row comes after the information date (what was known by then is an
    observation, not held out) and counts no more deaths than the people it counts among."""
    if month_index(row["month"]) <= month_index(scn.information_date):
        raise ScenarioError(
            f"{where}: column 'month': {row['month']} is not after the information date "
            f"{scn.information_date}; held-out data come after it (a figure known by then belongs "
            "in the scenario's observations), so drop the row or move it there"
        )
    region = row["region"]
    people = (
        sum(r.population for r in scn.regions)
        if region is None
        else next(r.population for r in scn.regions if r.id == region)
    )
    if row["value"] > people:
        where_ = "the country" if region is None else f"region '{region}'"
        raise ScenarioError(
            f"{where}: column 'value': {row['value']:,.0f} deaths in a month, more than the "
            f"{people:,.0f} people of {where_}; check the figure (a total over several months, "
            "or a misplaced digit?)"
        )


def _deaths(cell: str, where: str) -> float:
    """A count of deaths: a finite number >= 0."""
    fix = "write the deaths recorded that month in digits (0 when none), e.g. 20"
    if not cell:
        raise ScenarioError(f"{where}: column 'value': empty; {fix}")
    try:
        value = float(cell)
    except ValueError:
        raise ScenarioError(f"{where}: column 'value': '{cell}' is not a number; {fix}") from None
    if not math.isfinite(value):
        raise ScenarioError(f"{where}: column 'value': '{cell}' is not a finite number; {fix}")
    if value < 0:
        raise ScenarioError(f"{where}: column 'value': {cell} is negative; {fix}")
    return value


def _rest(cells: dict[str, str]) -> dict[str, str]:
    """The source and any further columns, as written."""
    return {c: v for c, v in cells.items() if c not in ("series", "month", "region", "value")}

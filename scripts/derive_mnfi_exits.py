"""Derive the MNF-I exit table the withdrawal hazard is fitted on (issue 17, item 7).

Reads the compiled public tables of the project's raw data folder (``compiled_facts/``):

* ``mnfi_withdrawals.csv`` - the 28 nations that left MNF-I, with the completion date and the
  stated reason (its own sources per row);
* ``coalition_fatalities_iraq_2003_2011.csv`` - coalition military deaths by nation, 2003-2011
  (icasualties totals as relayed; the only casualty figures there are);

and the shipped per-nation history ``iraq-2007/calibration/coalition_history.csv`` (the
contributors, their peak and first month). One row per contributor with a peak above 0:
``exit_month`` (completion month from the withdrawals table, empty if none),
``deaths_2003_2011`` and the months present up to the information date and in all. Which rows
are fitted and which are the test is decided by ``grudging.calibration.erosion``, not here.

Usage::

    uv run python scripts/derive_mnfi_exits.py [--raw ../shared/data/raw]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "src/grudging/scenarios/iraq-2007/calibration/coalition_history.csv"
OUT = ROOT / "src/grudging/calibration/data/mnfi_exits.csv"
SOURCE = (
    "mnfi_withdrawals.csv (completion date; sources per row there); "
    "coalition_fatalities_iraq_2003_2011.csv (icasualties via https://brilliantmaps.com/iraq-deaths)"
)

_spec = importlib.util.spec_from_file_location(
    "derive_coalition_history", ROOT / "scripts/derive_coalition_history.py"
)
assert _spec is not None
assert _spec.loader is not None
_history = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_history)


def derive(raw: Path) -> list[dict[str, str]]:
    """The exit table (see the module docstring)."""
    codes = _history.country_codes(raw)
    compiled = raw / _history.COMPILED
    exits: dict[str, tuple[str, str]] = {}
    for row in _history._read(compiled / "mnfi_withdrawals.csv"):
        month = _history._month(row["withdrawal_completed"])
        exits[_history.iso3(row["nation"], codes)] = (month, row["reason_category"])
    deaths: dict[str, int] = {}
    for row in _history._read(compiled / "coalition_fatalities_iraq_2003_2011.csv"):
        deaths[_history.iso3(row["country"], codes)] = int(row["deaths"])
    out = []
    with HISTORY.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if int(row["peak_troops"]) <= 0:
                continue
            exit_month, reason = exits.get(row["nation"], ("", ""))
            if exit_month and row["withdrawn"] and exit_month <= row["peak_month"]:
                exit_month = row["withdrawn"]  # after its dated peak, as the history has it
            out.append(
                {
                    "nation": row["nation"],
                    "name": row["name"],
                    "peak_troops": row["peak_troops"],
                    "first_month": row["first_month"],
                    "exit_month": exit_month or "",
                    "reason_category": reason,
                    "deaths_2003_2011": str(deaths.get(row["nation"], 0)),
                    "source": SOURCE,
                }
            )
    missing = sorted(set(exits) - {r["nation"] for r in out})
    if missing:
        raise SystemExit(f"exits not among the contributors: {', '.join(missing)}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=ROOT.parent / "shared/data/raw")
    args = parser.parse_args()
    rows = derive(args.raw)
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(
        f"{OUT.relative_to(ROOT)}: {len(rows)} contributors, {sum(1 for r in rows if r['exit_month'])} exits"
    )


if __name__ == "__main__":
    main()

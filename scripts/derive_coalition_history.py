"""Derive iraq-2007's earlier force generation per nation from compiled public figures.

For Iraq: the Multi-National Force - Iraq (MNF-I) 2003-2007. The derivation reads three compiled
tables of the project's raw data folder (``compiled_facts/``), each row of which carries its
source:

* ``mnfi_contributions.csv`` - troops by nation in lists of Dec 2003, Mar 2004, Jan 2005,
  Mar 2007, Oct 2007 and Jan 2008;
* ``mnfi_coalition_contingents_ap_2005_2007.csv`` - AP "coalition at a glance" lists of Dec 2005,
  May 2006, Feb 2007 and Oct 2007;
* ``mnfi_withdrawals.csv`` - peak size, peak date and withdrawal date of 28 nations;

and maps country names to ISO 3166 alpha-3 codes with the regular expressions of
``country_converter/country_data.tsv``.

Rules (written once, here):

* ``peak_troops``: the largest figure dated up to the end of the fit window (default Dec 2006)
  in the lists, or in the withdrawals table when its peak is dated from May 2003 (after major
  combat) to the window's end and is stated for Iraq itself (rows about forces "around" Iraq or
  the invasion are skipped).
* ``withdrawn``: the month (or year) the withdrawals table gives for completion, if within the
  window.
* ``troops_2007_03`` and ``troops_2007_10``: the Mar 2007 list (Feb 2007 AP list where a nation
  is missing) and the Oct 2007 list - for the out-of-sample check only, never for the fit.
* The patron (the United States) is dropped; IFOR/SFOR is not read at all (it is the
  out-of-sample test of the evidence stage).

The result is shipped with the scenario (``calibration/coalition_history.csv``), so the
calibration runs without the raw folder. Usage::

    uv run python scripts/derive_coalition_history.py [--raw ../shared/data/raw] [--window-end 2006-12]
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

from grudging.calibration.coalition_history import HistoryRow, write_history
from grudging.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
COMPILED = "compiled_facts"
CONTRIBUTIONS = "mnfi_contributions.csv"
AP_LISTS = "mnfi_coalition_contingents_ap_2005_2007.csv"
WITHDRAWALS = "mnfi_withdrawals.csv"
COUNTRIES = "country_converter/country_data.tsv"
OUT = ROOT / "src/grudging/scenarios/iraq-2007/calibration/coalition_history.csv"


#: The month a year-only date with a qualifier stands for (the middle of the part of the year it
#: names); a year alone is January, the earliest it can mean.
SEASONS = (("early", "02"), ("spring", "04"), ("mid", "06"), ("summer", "07"), ("autumn", "10"))
SEASONS += (("fall", "10"), ("late", "11"))


def _month(text: str) -> str | None:
    """``YYYY-MM`` from ``2004-03-15``, ``2004-03``, ``2004 (mid)`` or ``2004`` (January)."""
    m = re.search(r"(\d{4})(?:-(0[1-9]|1[0-2])(?!\d))?", text or "")
    if not m:
        return None
    if m.group(2):
        return f"{m.group(1)}-{m.group(2)}"
    words = (text or "").lower()
    month = next((mm for word, mm in SEASONS if word in words), "01")
    return f"{m.group(1)}-{month}"


def _next_month(month: str) -> str:
    year, mm = int(month[:4]), int(month[5:7])
    return f"{year + mm // 12}-{mm % 12 + 1:02d}"


def _read(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise ScenarioError(
            f"{path}: raw coalition table not found; give the raw data folder with --raw "
            "(it holds compiled_facts/), or leave --raw out to use the shipped derived table"
        )
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def country_codes(raw: Path) -> list[tuple[re.Pattern[str], str]]:
    """(regex, ISO3) pairs of country_converter's table."""
    out = []
    with (raw / COUNTRIES).open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row.get("regex") and row.get("ISO3"):
                out.append((re.compile(row["regex"], re.IGNORECASE), row["ISO3"]))
    return out


def iso3(name: str, codes: list[tuple[re.Pattern[str], str]]) -> str:
    """The ISO3 code of a country name (the unique regex that matches it)."""
    hits = {code for pattern, code in codes if pattern.search(name)}
    if len(hits) != 1:
        raise ScenarioError(
            f"country name '{name}' matches {len(hits)} ISO codes ({', '.join(sorted(hits))}); "
            "fix the name in the compiled table"
        )
    return hits.pop()


def derive_history(raw: Path, window_end: str = "2006-12", patron: str = "USA") -> list[HistoryRow]:
    """The per-nation history from the raw compiled tables (see the module docstring)."""
    compiled = raw / COMPILED
    codes = country_codes(raw)
    figures: dict[str, list[tuple[str, int, str]]] = {}
    names: dict[str, str] = {}
    for row in _read(compiled / CONTRIBUTIONS):
        month = _month(row["date"])
        code = iso3(row["nation"], codes)
        names.setdefault(code, row["nation"])
        if month:
            figures.setdefault(code, []).append((month, int(float(row["troops"])), CONTRIBUTIONS))
    for row in _read(compiled / AP_LISTS):
        month = _month(row["date"])
        code = iso3(row["country"], codes)
        names.setdefault(code, row["country"])
        if month:
            figures.setdefault(code, []).append((month, int(float(row["troops"])), AP_LISTS))
    withdrawn: dict[str, str] = {}
    for row in _read(compiled / WITHDRAWALS):
        code = iso3(row["nation"], codes)
        names.setdefault(code, row["nation"])
        peak_text = row.get("peak_date", "")
        month = _month(peak_text)
        around = "around" in peak_text or "invasion" in peak_text
        if month and "2003-05" <= month <= window_end and not around:
            figures.setdefault(code, []).append(
                (month, int(float(row["peak_troops_approx"])), WITHDRAWALS)
            )
        done = _month(row.get("withdrawal_completed", ""))
        if done and done <= window_end:
            withdrawn[code] = done

    out = []
    for code, items in sorted(figures.items()):
        if code == patron:
            continue
        in_window = [f for f in items if f[0] <= window_end]
        mar07 = [f for f in items if f[0] == "2007-03" and f[2] == CONTRIBUTIONS]
        feb07 = [f for f in items if f[0] == "2007-02" and f[2] == AP_LISTS]
        oct07 = [f for f in items if f[0] == "2007-10"]
        if not in_window and not (mar07 or feb07 or oct07):
            continue
        peak = max(in_window, key=lambda f: f[1]) if in_window else ("", 0, "")
        first = min((f[0] for f in in_window), default="")
        used = sorted({f[2] for f in items})
        left = withdrawn.get(code, "")
        if left and peak[0] and left <= peak[0]:
            # a vague completion date ("2004 (early)") before the dated peak: the contingent was
            # still there at its peak, so it left after it
            left = _next_month(peak[0])
        out.append(
            HistoryRow(
                nation=code,
                name=names[code],
                peak_troops=peak[1],
                peak_month=peak[0],
                first_month=first,
                withdrawn=left,
                troops_2007_03=(mar07 or feb07 or [("", 0, "")])[0][1],
                troops_2007_10=max((f[1] for f in oct07), default=0),
                sources="; ".join(used),
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", default=str(ROOT / ".." / "shared" / "data" / "raw"))
    parser.add_argument("--window-end", default="2006-12")
    parser.add_argument("--patron", default="USA")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    rows = derive_history(Path(args.raw).resolve(), args.window_end, args.patron)
    write_history(rows, Path(args.out))
    print(f"wrote {len(rows)} nations to {args.out}")


if __name__ == "__main__":
    main()

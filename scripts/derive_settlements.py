"""Derive the curated table of post-war episodes for the settlement calibration.

Reads two public data sets of the project's raw data folder (``SOURCES.md`` there gives their
origin, licence and faults) and writes one row per post-war episode with only the fields the
commitment model needs, each row with its source:

* ``fortna_peacekeeping/pk_pkept.csv`` - Fortna (2008), *Does Peacekeeping Work?*: cease-fires in
  civil wars 1947-1999, observed to 2004-12-31, split into spells where the peacekeeping presence
  changes. One row per case (``id``): how the war ended (settlement, truce, victory), the highest
  peacekeeping type present in the first five years (or until relapse) and who led it, and relapse.
* ``walter2015_postwar_peace/Walter_2015_JCR.csv`` - the subset of Walter (2015, *JCR*) post-war
  country-years shipped with BayesSPsurv (MIT): one row per peace spell (a run of consecutive
  years of one ``id``, ended by renewed war or by the end of the data in 2009): comprehensive
  peace agreement at the start, a UN peacekeeping operation (a 0/1 dummy, not a count - a fault of
  SOURCES.md's description) in the first five years, relapse. Spells that match a Fortna case
  (same country code, start year within a year of the cease-fire; a tie goes to the case with
  the same kind of ending) are marked ``also_in`` and are not used twice by the fit. The file's
  ``intensityln`` is not constant within some spells (id 129 takes values 1-12), so spells are
  cut only at gaps in the years and after renewed war.

Rules (written once, here):

* ``split``: ``train`` for episodes starting up to 1995, ``test`` after 1995. A training row's
  outcome window (5 years) ends by 2000, before the project's information date (2006-12).
* Fortna's ``pkwho`` is missing for pre-1989 cases; Stata's ``pkwho ~= 1`` then reads them as
  non-UN (``noUNpk_d``), so their ``pk_by`` is ``unknown`` here rather than ``regional``.
* Fortna ``drop == 1`` (a questionable case) is kept and flagged ``questionable``; the fit leaves
  it out.
* Walter country names come from the Gleditsch-Ward codes of ``country_converter`` (or Fortna's
  name for a matched spell).
* ``identity_war``: Fortna's ``wartype`` (1 = an ethnic, religious or identity war, the Doyle &
  Sambanis coding; empty when missing). A Walter spell takes the ``wartype`` of its matched
  Fortna case, else of the same country's case with the latest cease-fire in or before the
  spell's first year (the war that ended), else empty.

The result is shipped in the package (``grudging/calibration/data/settlements.csv``), so the fit
runs without the raw folder. Output is deterministic (rows sorted, fixed decimals). Usage::

    uv run python scripts/derive_settlements.py [--raw ../shared/data/raw] [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import math
from datetime import date, timedelta
from pathlib import Path

from grudging.calibration.settlements import (
    COLUMNS,
    DATA_FILE,
    HORIZON_YEARS,
    LAST_TRAINING_YEAR,
    write_settlements,
)
from grudging.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
FORTNA = "fortna_peacekeeping/pk_pkept.csv"
WALTER = "walter2015_postwar_peace/Walter_2015_JCR.csv"
COUNTRIES = "country_converter/country_data.tsv"
FORTNA_CENSOR = date(2004, 12, 31)
FORTNA_SOURCE = (
    "Fortna 2008 (Does Peacekeeping Work?, Princeton UP) data 'Peacekeeping and the Peacekept' "
    "pk&pkept.dta, cease-fires 1947-1999 observed to 2004-12-31, via avehtari/ROS-Examples "
    "@06c47e3d (no licence stated); case {id}"
)
WALTER_SOURCE = (
    "Walter 2015 (Why Bad Governance Leads to Repeat Civil War, Journal of Conflict Resolution "
    "59(7)) subset Walter_2015_JCR.rda, country-years to 2009, via Nicolas-Schmidt/BayesSPsurv "
    "@e81504df (MIT); id {id}"
)
PK_TYPES = {
    0: "none",
    1: "political",
    2: "monitoring",
    3: "interposition",
    4: "multidimensional",
    5: "enforcement",
}
PK_BY = {1: "un", 2: "regional", 3: "power"}
ENDED_BY = {1: "victory", 2: "victory", 3: "truce", 4: "settlement"}


def _read(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    if not path.is_file():
        raise ScenarioError(
            f"{path}: raw table not found; give the raw data folder with --raw (it holds "
            "fortna_peacekeeping/ and walter2015_postwar_peace/)"
        )
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def _num(text: str) -> float | None:
    return None if text in ("", "NA", ".") else float(text)


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _years(a: date, b: date) -> float:
    return (b - a).days / 365.25


def _flag(x: float | None) -> str:
    return "" if x is None else str(int(x))


def fortna_rows(raw: Path) -> list[dict[str, str]]:
    """One row per Fortna case."""
    by_case: dict[int, list[dict[str, str]]] = {}
    for r in _read(raw / FORTNA):
        by_case.setdefault(int(float(r["id"])), []).append(r)
    out = []
    for case, spells in sorted(by_case.items()):
        spells.sort(key=lambda r: r["t0"])
        first = next(r for r in spells if r["firstob"] == "1.0")
        start = _day(first["cfdate"])
        assert start is not None, f"Fortna case {case} has no cease-fire date"
        relapsed = first["morewar"] == "1.0"
        fail = _day(first["faildate"])
        if relapsed and fail is None:
            raise ScenarioError(f"Fortna case {case}: war resumes but no faildate")
        end = fail if relapsed and fail else FORTNA_CENSOR
        horizon_end = min(end, start + timedelta(days=365 * HORIZON_YEARS))
        # Peacekeeping present in the first five years (or until relapse): the highest type.
        best, by, pk_years = 0, "", 0.0
        for r in spells:
            t0, t1 = _day(r["t0"]), _day(r["t1"])
            assert t0 is not None
            assert t1 is not None
            if t0 >= horizon_end:
                continue
            kind = int(float(r["pkop"] or 0))
            if kind >= 2:
                pk_years += _years(max(t0, start), min(t1, horizon_end))
            if kind > best:
                best = kind
                who = _num(r["pkwho"])
                by = PK_BY.get(int(who), "unknown") if who else "unknown"
        years_to = _years(start, fail) if relapsed and fail else None
        observed = _years(start, end)
        days_to = (fail - start).days if relapsed and fail else None
        within = {n: int(days_to is not None and days_to < 365 * n) for n in (2, HORIZON_YEARS)}
        check = _num(first["morewar5"])
        if check is not None and int(check) != within[HORIZON_YEARS]:
            raise ScenarioError(f"Fortna case {case}: morewar5 disagrees with the dates")
        out.append(
            {
                "episode": f"fortna:{case}",
                "dataset": "fortna2008",
                "ccode": str(int(float(first["ccode"]))),
                "country": first["cname"],
                "start_date": start.isoformat(),
                "start_year": str(start.year),
                "ended_by": ENDED_BY[int(float(first["outcome"]))],
                "agreement_signed": str(int(first["outcome"] == "4")),
                "identity_war": _flag(_num(first["wartype"])),
                "partial_ceasefire": "1" if first["partcf"] == "1.0" else "0",
                "questionable": "1" if first["drop"] == "1.0" else "0",
                "pk_present": str(int(best >= 2)),
                "pk_type": PK_TYPES[best],
                "pk_by": by if best >= 2 else "none",
                "pk_years_5y": f"{pk_years:.2f}",
                "years_observed": f"{observed:.2f}",
                "years_to_relapse": "" if years_to is None else f"{years_to:.2f}",
                "relapse_2y": _censored(within[2], years_to, observed, 2),
                "relapse_5y": _censored(within[HORIZON_YEARS], years_to, observed, HORIZON_YEARS),
                "also_in": "",
                "split": "train" if start.year <= LAST_TRAINING_YEAR else "test",
                "source": FORTNA_SOURCE.format(id=case),
            }
        )
    return out


def _censored(event: int, years_to: float | None, observed: float, horizon: int) -> str:
    """1 relapsed within the horizon, 0 observed that long without relapse, '' censored."""
    if event:
        return "1"
    return "0" if observed >= horizon - 1e-9 else ""


def _gw_names(raw: Path) -> dict[int, str]:
    path = raw / COUNTRIES
    if not path.is_file():
        return {}
    names: dict[int, str] = {}
    for r in _read(path, "\t"):
        if r.get("GWcode", "").strip():
            names.setdefault(int(float(r["GWcode"])), r["name_short"])
    return names


def walter_rows(raw: Path, fortna: list[dict[str, str]]) -> list[dict[str, str]]:
    """One row per Walter peace spell."""
    seen: dict[tuple[int, int], dict[str, str]] = {}
    for r in _read(raw / WALTER):
        key = (int(float(r["id"])), int(float(r["year"])))
        seen.setdefault(key, r)  # the file repeats some id-years verbatim
    spells: list[list[dict[str, str]]] = []
    prev: tuple[int, int, str] | None = None
    for (wid, year), r in sorted(seen.items()):
        # A new spell: another id, a gap (years at war are not in the panel), or renewed war.
        if prev is None or prev[0] != wid or year != prev[1] + 1 or prev[2] == "1.0":
            spells.append([])
        spells[-1].append(r)
        prev = (wid, year, r["renewed_war"])
    names = _gw_names(raw)
    fortna_by_code: dict[int, list[dict[str, str]]] = {}
    for f in fortna:
        fortna_by_code.setdefault(int(f["ccode"]), []).append(f)
    out = []
    for spell in spells:
        first = spell[0]
        wid, ccode = int(float(first["id"])), int(float(first["ccode"]))
        start = int(float(first["year"]))
        years = [int(float(r["year"])) for r in spell]
        relapse_year = next(
            (y for y, r in zip(years, spell, strict=True) if r["renewed_war"] == "1.0"), None
        )
        observed = years[-1] - start + 1
        window = [r for y, r in zip(years, spell, strict=True) if y - start < HORIZON_YEARS]
        pk_years = sum(r["unpko"] == "1.0" for r in window)
        years_to = None if relapse_year is None else relapse_year - start + 1
        signed = first["comprehensive"] == "1.0"
        # The nearest Fortna case of the same country; a tie goes to the same kind of ending.
        matches = sorted(
            (
                abs(int(f["start_year"]) - start),
                (f["ended_by"] == "settlement") != signed,
                f["start_date"],
                f["episode"],
            )
            for f in fortna_by_code.get(ccode, [])
            if abs(int(f["start_year"]) - start) <= 1
        )
        also = matches[0][3] if matches else ""
        # The kind of war that ended: the matched Fortna case's wartype, else that of the same
        # country's case with the latest cease-fire in or before the spell's first year.
        before = sorted(
            (f["start_date"], f["episode"])
            for f in fortna_by_code.get(ccode, [])
            if int(f["start_year"]) <= start
        )
        kind_of = also or (before[-1][1] if before else "")
        identity = next((f["identity_war"] for f in fortna if f["episode"] == kind_of), "")
        country = next(
            (f["country"] for f in fortna_by_code.get(ccode, []) if f["episode"] == also),
            names.get(ccode, ""),
        )
        ended = "settlement" if signed else "victory" if first["victory"] == "1.0" else "other"

        def within(n: int, years_to: float | None = years_to, observed: int = observed) -> str:
            if years_to is not None and years_to <= n:
                return "1"
            return "0" if observed >= n else ""

        out.append(
            {
                "episode": f"walter:{wid}-{start}",
                "dataset": "walter2015",
                "ccode": str(ccode),
                "country": country,
                "start_date": "",
                "start_year": str(start),
                "ended_by": ended,
                "agreement_signed": str(int(signed)),
                "identity_war": identity,
                "partial_ceasefire": "",
                "questionable": "0",
                "pk_present": str(int(pk_years > 0)),
                "pk_type": "unknown" if pk_years else "none",
                "pk_by": "un" if pk_years else "none",
                "pk_years_5y": f"{pk_years:.2f}",
                "years_observed": f"{observed:.2f}",
                "years_to_relapse": "" if years_to is None else f"{years_to:.2f}",
                "relapse_2y": within(2),
                "relapse_5y": within(HORIZON_YEARS),
                "also_in": also,
                "split": "train" if start <= LAST_TRAINING_YEAR else "test",
                "source": WALTER_SOURCE.format(id=wid),
            }
        )
    return out


def derive(raw: Path) -> list[dict[str, str]]:
    """Every episode of both data sets, sorted by dataset and episode."""
    fortna = fortna_rows(raw)
    rows = fortna + walter_rows(raw, fortna)
    for r in rows:
        assert set(r) == set(COLUMNS), sorted(set(r) ^ set(COLUMNS))
        assert r["source"], r["episode"]
        assert not (r["split"] == "train" and int(r["start_year"]) > LAST_TRAINING_YEAR)
    return sorted(rows, key=lambda r: (r["dataset"], r["start_year"], r["episode"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", default=str(ROOT / ".." / "shared" / "data" / "raw"))
    parser.add_argument("--out", default=str(DATA_FILE))
    args = parser.parse_args()
    rows = derive(Path(args.raw).resolve())
    write_settlements(rows, Path(args.out))
    train = sum(r["split"] == "train" for r in rows)
    print(f"wrote {len(rows)} episodes ({train} train, {len(rows) - train} test) to {args.out}")
    if any(math.isnan(float(r["years_observed"])) for r in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()

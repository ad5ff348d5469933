"""Derive the small tables of the force-generation calibration (issue 17).

Writes, under ``src/grudging/calibration/data/``:

* ``unga_agreement_us.csv`` - per member state and year (1991-2006), the roll calls of the UN General
  Assembly on which both the nation and the United States voted, and the share on which they voted
  the same way (yes / no / abstain; absences are not in the data). Source: Erik Voeten, "Data and
  Analyses of Voting in the UN General Assembly" (Harvard Dataverse, hdl:1902.1/12379), as packaged
  in the R package ``unvotes`` (dgrtwo/unvotes, MIT licence). Cite Voeten (2013).
* ``nation_capacity.csv`` - per nation and year (1994-2006), military personnel (thousands) and
  military expenditure (US$ million, current) from the Correlates of War National Material
  Capabilities v6.0 (Singer, Bremer & Stuckey 1972; Greig & Enterline), free with citation.

Only years up to 2006 are written: nothing after the iraq-2007 information date can enter a fit.
The nations are those of ``scripts/compiled/nation_list.csv`` (the iraq-2007 candidates).

Run from the repository root: ``uv run python scripts/derive_force_generation.py [--raw PATH]``
(``--raw`` defaults to ``../shared/data/raw``). Output is deterministic (sorted rows, fixed
decimals).
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "grudging" / "calibration" / "data"
FIRST_VOTE_YEAR, FIRST_NMC_YEAR, LAST_YEAR = 1991, 1994, 2006


def _nations() -> pd.DataFrame:
    return pd.read_csv(ROOT / "scripts" / "compiled" / "nation_list.csv")


def unga_agreement(raw: Path, nations: pd.DataFrame) -> list[list[object]]:
    """Rows (iso3, year, votes, agreement) of agreement with the United States."""
    import pyreadr

    votes = next(iter(pyreadr.read_r(raw / "unvotes" / "un_votes.rda").values()))
    calls = next(iter(pyreadr.read_r(raw / "unvotes" / "un_roll_calls.rda").values()))
    calls = calls[["rcid", "date"]].copy()
    calls["year"] = pd.to_datetime(calls["date"]).dt.year
    calls = calls[(calls.year >= FIRST_VOTE_YEAR) & (calls.year <= LAST_YEAR)]
    votes = votes.merge(calls[["rcid", "year"]], on="rcid")
    us = votes[votes.country_code == "US"][["rcid", "vote"]].rename(columns={"vote": "us"})
    both = votes.merge(us, on="rcid")
    both["same"] = (both["vote"].astype(str) == both["us"].astype(str)).astype(float)
    conv = pd.read_csv(raw / "country_converter" / "country_data.tsv", sep="\t")
    iso2_to_3: dict[str, str] = {}
    for iso2, iso3 in zip(conv.ISO2.astype(str), conv.ISO3.astype(str), strict=True):
        for code in re.findall(r"[A-Z]{2}", str(iso2)):  # a few entries list alternatives (GB|UK)
            iso2_to_3.setdefault(code, str(iso3))
    both["iso3"] = both.country_code.astype(str).map(iso2_to_3)
    both = both[both.iso3.notna() & (both.iso3 != "USA")]
    agg = both.groupby(["iso3", "year"]).agg(votes=("same", "size"), agree=("same", "mean"))
    rows = []
    for (iso, year), r in sorted(agg.iterrows()):
        rows.append([iso, int(year), int(r.votes), f"{float(r.agree):.4f}"])
    return rows


def nmc_capacity(raw: Path, nations: pd.DataFrame) -> list[list[object]]:
    """Rows (iso3, year, milper_thousands, milex_musd) from COW NMC v6.0."""
    nmc = pd.read_csv(raw / "cow_nmc" / "NMC-60-abridged.csv")
    nmc = nmc[(nmc.year >= FIRST_NMC_YEAR) & (nmc.year <= LAST_YEAR)]
    rows = []
    for iso, ccode in sorted(zip(nations.iso3, nations.cow_ccode, strict=True)):
        sub = nmc[nmc.ccode == int(ccode)].sort_values("year")
        for _, r in sub.iterrows():
            milper = int(r.milper) if r.milper >= 0 else ""
            milex = f"{r.milex / 1000.0:.1f}" if r.milex >= 0 else ""
            rows.append([iso, int(r.year), milper, milex])
    return rows


TIES_ORDER = ("ally", "mnna", "partner")


def _iraq_theatre(raw: Path) -> dict[str, tuple[int, str]]:
    """iraq-2007: the latest MNF-I figure up to 2006-12 of each nation that had not left."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "derive_iraq_2007", ROOT / "scripts" / "derive_iraq_2007.py"
    )
    assert spec
    assert spec.loader
    d07 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(d07)
    nation_list = list(csv.DictReader((ROOT / "scripts/compiled/nation_list.csv").open()))
    alias = d07.nation_aliases(nation_list)
    recs = d07.coalition_records(raw, alias)
    _, left = d07.coalition_status(raw, alias, recs)
    return {iso: (pts[-1][1], pts[-1][2]) for iso, pts in recs.items() if pts and iso not in left}


def _bosnia_theatre(rows: list[dict[str, str]]) -> dict[str, tuple[int, str]]:
    """bosnia-1995: UNPROFOR/RRF contingents present in 1995 (its deployed_abroad figure)."""
    return {
        r["id"]: (int(r["deployed_abroad"]), r["deployed_abroad__source"])
        for r in rows
        if int(r["coalition_peak"] or 0) > 0 and not r["coalition_left"]
    }


def scenario_nation_columns(
    raw: Path, scenario: str, agree: list[list[object]], info_year: int
) -> int:
    """Add ``theatre_troops``, ``alignment``, ``ties`` and ``lead_roles`` (with sources) to a
    scenario's nations.

    ``theatre_troops``: the contingent in the theatre at the information date; ``alignment``:
    mean UNGA agreement with the United States over the three years before ``info_year``;
    ``ties``: the strongest tie held in ``info_year`` (ally > mnna > partner); ``lead_roles``:
    the commands of the force it holds or was announced to hold at the information date
    (``compiled/scenario_lead_roles.csv``).
    """
    by_year: dict[str, list[float]] = {}
    for iso, year, _votes, value in agree:
        if info_year - 3 <= int(str(year)) < info_year:
            by_year.setdefault(str(iso), []).append(float(str(value)))
    ties: dict[str, list[str]] = {}
    with (OUT / "formal_ties.csv").open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if int(r["since"]) <= info_year:
                ties.setdefault(r["nation"], []).append(r["tie"])
    lead: dict[str, tuple[str, str]] = {}
    with (ROOT / "scripts/compiled/scenario_lead_roles.csv").open(
        newline="", encoding="utf-8"
    ) as fh:
        for r in csv.DictReader(fh):
            if r["scenario"] == scenario:
                lead[r["nation"]] = (r["roles"], r["source"])
    path = ROOT / "src/grudging/scenarios" / scenario / "tables" / "nations.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        ours = ("theatre_troops", "alignment", "ties", "lead_roles")
        fields = [f for f in reader.fieldnames or [] if not f.startswith(ours)]
        rows = list(reader)
    theatre = _iraq_theatre(raw) if scenario == "iraq-2007" else _bosnia_theatre(rows)
    extra = [
        "theatre_troops",
        "theatre_troops__source",
        "alignment",
        "alignment__source",
        "ties",
        "ties__source",
        "lead_roles",
        "lead_roles__source",
    ]
    for r in rows:
        troops, src = theatre.get(r["id"], (0, "NO_FIGURE"))
        r["theatre_troops"], r["theatre_troops__source"] = str(troops), src
        vals = by_year.get(r["id"])
        r["alignment"] = f"{sum(vals) / len(vals):.3f}" if vals else ""
        r["alignment__source"] = "UNGA_VOTES_VOETEN" if vals else ""
        held = [t for t in TIES_ORDER if t in ties.get(r["id"], [])]
        r["ties"] = held[0] if held else "none"
        r["ties__source"] = "FORMAL_TIES" if held else ""
        r["lead_roles"], r["lead_roles__source"] = lead.get(r["id"], ("0", ""))
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields + extra, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in fields + extra})
    return len(rows)


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main() -> None:
    """Derive both tables."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", default=str(ROOT.parent / "shared" / "data" / "raw"))
    raw = Path(ap.parse_args().raw)
    nations = _nations()
    agree = unga_agreement(raw, nations)
    _write(OUT / "unga_agreement_us.csv", ["nation", "year", "votes", "agreement"], agree)
    cap = nmc_capacity(raw, nations)
    _write(OUT / "nation_capacity.csv", ["nation", "year", "milper_thousands", "milex_musd"], cap)
    for scenario, info_year in (("iraq-2007", 2007), ("bosnia-1995", 1995)):
        n = scenario_nation_columns(raw, scenario, agree, info_year)
        print(f"{scenario} nations.csv: {n} rows given theatre_troops, alignment, ties, lead_roles")
    print(f"unga_agreement_us.csv: {len(agree)} rows; nation_capacity.csv: {len(cap)} rows")


if __name__ == "__main__":
    main()

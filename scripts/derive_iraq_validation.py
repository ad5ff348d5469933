#!/usr/bin/env python3
"""Derive the held-out validation tables of ``iraq-2007`` (data dated after the information date).

The model never reads these files: they are for ``grudging backtest`` and ``grudging evidence``.
Reads the raw data folder (``--raw``, default ``../shared/data/raw``) and
``scripts/compiled/iraq_*``, and writes into ``src/grudging/scenarios/iraq-2007/validation/``:

* ``civilian_deaths_2007_2008.csv``  IBC deaths by governorate-month (same province mapping and
  ``deaths_max`` as the 2004-2006 table), unlocated deaths, the national monthly maximum and the
  Baghdad and Anbar subtotals of the compiled monthly table, 2007-01 .. 2008-12
* ``attacks_2007_2008.csv``  enemy-initiated attack anchor points (Pentagon/DIA) and the
  SIGACT-derived monthly counts by governorate and nationally, 2007-02 .. 2008-07
* ``coalition_2007.csv``     MNF-I contributions by nation dated 2007 (willingness back-test)
* ``troops_2007_2011.csv``   the US troop timeline points with sources, and which of them the
  ``what_happened`` option uses
* ``sources.csv``            the source ids used by these tables

The 2004-2006 tables under ``tables/`` are not touched. Deterministic output; run from the
repository root::

    uv run python scripts/derive_iraq_validation.py [--raw PATH]
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from derive_iraq_2007 import (  # shared helpers of the Iraq derivation
    OUT,
    REGION_IDS,
    REGIONS,
    ibc_events,
    ibc_national_months,
    ibc_province_months,
    months_between,
    nation_aliases,
    raw_folder,
    read_compiled,
    write_csv,
)

VAL = OUT / "validation"
FIRST, LAST = "2007-01", "2008-12"
START = "2007-01"  # first simulated month of iraq-2007 (option month 0)


def month_offset(month: str) -> int:
    y, m = map(int, month.split("-"))
    y0, m0 = map(int, START.split("-"))
    return (y - y0) * 12 + (m - m0)


def civilian_deaths(raw: Path, first: str = FIRST, last: str = LAST) -> list[dict[str, Any]]:
    """IBC deaths by governorate-month, unlocated and national, from ``first`` to ``last``, with
    the compiled Baghdad and Anbar subtotals where that table covers the months."""
    months = months_between(first, last)
    table = ibc_province_months(raw)
    rows: list[dict[str, Any]] = []
    for rid in REGION_IDS:
        for mo in months:
            rows.append(
                {
                    "series": "civilian_deaths",
                    "month": mo,
                    "region": rid,
                    "value": table.get((rid, mo), 0),
                    "source": "IBC_BEGER",
                }
            )
    ev, _ = ibc_events(raw)
    unl = ev[ev.Province == "NA"].groupby("month").deaths.sum()
    for mo in months:
        rows.append(
            {
                "series": "civilian_deaths_unlocated",
                "month": mo,
                "region": "",
                "value": int(unl.get(mo, 0)),
                "source": "IBC_BEGER",
            }
        )
    national = ibc_national_months(raw)
    for mo in months:
        rows.append(
            {
                "series": "civilian_deaths_national",
                "month": mo,
                "region": "",
                "value": national[mo],
                "source": "IBC_MONTHLY",
            }
        )
    monthly = pd.read_csv(raw / "compiled_facts" / "iraq_monthly_2006_2008.csv")
    for r in monthly.itertuples():
        if first <= r.month <= last:
            for series, region, value in (
                ("civilian_deaths_subtotal", "baghdad", r.ibc_baghdad_event_max),
                ("civilian_deaths_subtotal", "anbar", r.ibc_anbar_event_max),
            ):
                if pd.notna(value):
                    rows.append(
                        {
                            "series": series,
                            "month": r.month,
                            "region": region,
                            "value": int(value),
                            "source": "IRAQ_MONTHLY_COMPILED",
                        }
                    )
    rows.sort(key=lambda r: (r["series"], r["region"], r["month"]))
    return rows


def attacks(raw: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    facts = pd.read_csv(raw / "compiled_facts" / "iraq_attacks_monthly_facts.csv", dtype=str)
    for r in facts.itertuples():
        month = str(r.month)
        if not month.startswith(("2007", "2008")):
            continue
        src = "DIA_GAO_2008" if "cnsnews" in str(r.source_url) else "REUTERS_ATTACKS_2007"
        for series, value in (
            ("enemy_initiated_attacks", r.attacks_total),
            ("enemy_initiated_attacks_per_day", r.attacks_per_day),
            ("attacks_vs_coalition", r.vs_coalition),
            ("attacks_vs_iraqi_security_forces", r.vs_iraqi_security_forces),
            ("attacks_vs_civilians", r.vs_civilians),
        ):
            if isinstance(value, str) and value:
                rows.append(
                    {
                        "series": series,
                        "month": month,
                        "region": "",
                        "value": value,
                        "source": src,
                        "note": "",
                    }
                )
        if src == "DIA_GAO_2008":
            rows.append(
                {
                    "series": "attacks_change_jun2007_jan2008",
                    "month": "2008-01",
                    "region": "",
                    "value": "-0.70",
                    "source": src,
                    "note": "attacks fell almost 70 % between June 2007 and January 2008",
                }
            )
    sig = pd.read_csv(raw / "iraq_sigact_geocausal" / "iraq_events_governorate_month_derived.csv")
    sig["gov"] = sig.governorate.str.rstrip("*")
    ocha = {r[2]: r[0] for r in REGIONS}
    unknown = set(sig.gov) - set(ocha)
    if unknown:
        raise SystemExit(f"unmapped SIGACT governorates: {sorted(unknown)}")
    sig["rid"] = sig.gov.map(ocha)
    sig["attacks"] = sig.IED + sig.SAF + sig.other
    sig = sig[(sig.month >= "2007-02") & (sig.month <= "2008-07")]
    per = sig.groupby(["rid", "month"]).attacks.sum()
    months = sorted(set(sig.month))
    partial = {
        months[0]: "partial month (window opens 23 Feb 2007)",
        months[-1]: "partial month (window closes 5 Jul 2008)",
    }
    for rid in REGION_IDS:
        for mo in months:
            rows.append(
                {
                    "series": "insurgent_attacks",
                    "month": mo,
                    "region": rid,
                    "value": int(per.get((rid, mo), 0)),
                    "source": "GEOCAUSAL_SIGACT",
                    "note": partial.get(mo, ""),
                }
            )
    nat = sig.groupby("month").attacks.sum()
    for mo in months:
        rows.append(
            {
                "series": "insurgent_attacks_national",
                "month": mo,
                "region": "",
                "value": int(nat[mo]),
                "source": "GEOCAUSAL_SIGACT",
                "note": partial.get(mo, ""),
            }
        )
    rows.sort(key=lambda r: (r["series"], r["region"], r["month"]))
    return rows


def coalition(raw: Path) -> list[dict[str, Any]]:
    alias = nation_aliases(read_compiled("nation_list.csv"))
    rows: list[dict[str, Any]] = []
    cf = raw / "compiled_facts"
    with (cf / "mnfi_contributions.csv").open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["date"].startswith("2007"):
                src = "AFP_MNFI_2007_03" if r["date"] == "2007-03" else "AP_MNFI_2007_10"
                rows.append(
                    {
                        "date": r["date"],
                        "nation": alias[r["nation"]],
                        "troops": int(float(r["troops"])),
                        "source": src,
                        "note": r["confidence"],
                    }
                )
    seen = {(r["date"], r["nation"]) for r in rows}
    with (cf / "mnfi_coalition_contingents_ap_2005_2007.csv").open(
        newline="", encoding="utf-8"
    ) as fh:
        for r in csv.DictReader(fh):
            if not r["date"].startswith("2007"):
                continue
            src = "AP_MNFI_2007_02" if r["date"] == "2007-02-24" else "AP_MNFI_2007_10"
            key = (r["date"], alias[r["country"]])
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                {
                    "date": r["date"],
                    "nation": alias[r["country"]],
                    "troops": int(r["troops"]),
                    "source": src,
                    "note": (r["note"] or "").replace(": ", " - "),
                }
            )
    rows.sort(key=lambda r: (r["date"], r["nation"]))
    return rows


def troop_points(raw: Path) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    points: list[dict[str, Any]] = []
    src_by_url = {"lincolndailynews": "US_TROOPS_AP_2008"}
    with (raw / "compiled_facts" / "us_troops_iraq_key_dates.csv").open(
        newline="", encoding="utf-8"
    ) as fh:
        for r in csv.DictReader(fh):
            m = re.match(r"^(20\d\d)-(\d\d)", r["date"])
            if not m or r["date"] < "2007":
                continue
            src = next(
                (s for k, s in src_by_url.items() if k in r["source_url"]), "US_TROOPS_KEY_DATES"
            )
            points.append(
                {
                    "month": f"{m.group(1)}-{m.group(2)}",
                    "date": r["date"],
                    "troops": int(r["troops"]),
                    "who": r["who"],
                    "source": src,
                    "source_url": r["source_url"],
                    "note": r["note"].replace(": ", " - "),
                }
            )
    monthly = pd.read_csv(raw / "compiled_facts" / "iraq_monthly_2006_2008.csv")
    for r in monthly.itertuples():
        if r.month >= "2007" and pd.notna(r.us_troops):
            points.append(
                {
                    "month": r.month,
                    "date": r.month,
                    "troops": int(r.us_troops),
                    "who": "US",
                    "source": "IRAQ_MONTHLY_COMPILED",
                    "source_url": "",
                    "note": str(r.us_troops_source).replace(": ", " - "),
                }
            )
    for r in read_compiled("iraq_troops_2009_2011.csv"):
        points.append(
            {
                "month": r["month"],
                "date": r["month"],
                "troops": int(r["troops"]),
                "who": r["who"],
                "source": r["source_id"],
                "source_url": "",
                "note": r["note"],
            }
        )
    option = yaml.safe_load((OUT / "scenario.yaml").read_text(encoding="utf-8"))
    timeline = next(o for o in option["options"] if o["id"] == "what_happened")
    used = {(p["month"], p["troops"]) for p in timeline["forces"]["us_forces"]}
    for p in points:
        p["option_month"] = month_offset(p["month"])
        p["used_by_what_happened"] = "true" if (p["option_month"], p["troops"]) in used else "false"
    points.sort(key=lambda p: (p["date"], p["source"], p["troops"]))
    matched = {
        (p["option_month"], p["troops"]) for p in points if p["used_by_what_happened"] == "true"
    }
    return points, sorted(used - matched)


def main(argv: list[str] | None = None) -> int:
    raw = raw_folder(__doc__, argv)
    if raw is None:
        return 2
    VAL.mkdir(parents=True, exist_ok=True)
    deaths = civilian_deaths(raw)
    write_csv(
        VAL / "civilian_deaths_2007_2008.csv",
        ["series", "month", "region", "value", "source"],
        deaths,
    )
    att = attacks(raw)
    write_csv(
        VAL / "attacks_2007_2008.csv", ["series", "month", "region", "value", "source", "note"], att
    )
    coal = coalition(raw)
    write_csv(VAL / "coalition_2007.csv", ["date", "nation", "troops", "source", "note"], coal)
    pts, unmatched = troop_points(raw)
    write_csv(
        VAL / "troops_2007_2011.csv",
        [
            "month",
            "date",
            "option_month",
            "troops",
            "who",
            "used_by_what_happened",
            "source",
            "source_url",
            "note",
        ],
        pts,
    )
    used_ids = {r["source"] for r in deaths + att + coal + pts}
    master = {r["id"]: r for r in read_compiled("iraq_validation_sources.csv")}
    missing = sorted(used_ids - set(master))
    if missing:
        raise SystemExit(f"source ids not in iraq_validation_sources.csv: {missing}")
    write_csv(
        VAL / "sources.csv",
        ["id", "citation", "url", "licence", "note"],
        [master[s] for s in sorted(used_ids)],
    )

    nat = {r["month"]: r["value"] for r in deaths if r["series"] == "civilian_deaths_national"}
    gov = sum(r["value"] for r in deaths if r["series"] == "civilian_deaths")
    print("== iraq-2007 validation tables: check summary")
    print(f"IBC 2007-2008: national {sum(nat.values()):,}; governorates {gov:,}")
    print(
        f"attacks rows {len(att)}; coalition rows {len(coal)} "
        f"({len({r['nation'] for r in coal})} nations); troop points {len(pts)}"
    )
    problems: list[str] = []
    for month, value in unmatched:
        print(
            f"WARNING: what_happened uses {value:,} at option month {month} but no sourced "
            "figure has that value in that month (see troops_2007_2011.csv)"
        )
    for p in problems:
        print(f"PROBLEM: {p}")
    print("checks: " + ("all passed" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Derive the curated tables of the built-in scenario ``bosnia-1995`` from the raw data.

Reads the raw data folder (``--raw``, default ``../shared/data/raw`` relative to the repository
root) and the figures typed in from published pages and public research files
(``scripts/compiled/bih_*.csv``), and writes into ``src/grudging/scenarios/bosnia-1995/``:

* ``tables/sources.csv``       one row per source used anywhere
* ``tables/regions.csv``       the 10 Federation cantons, 7 Republika Srpska regions and Brčko
* ``tables/nations.csv``       the candidate contributor nations, every field as of 1995
* ``tables/observations.csv``  observed series 1992-04 .. 1995-11
* ``tables/forces.yaml``       UNPROFOR / Rapid Reaction Force contingents present in Nov 1995
* ``validation/ifor_contributions.csv``   IFOR (1996) and SFOR (Jan 1998) troops by nation -
  the out-of-sample target, never read by the model

Calibration discipline: the scenario is "Bosnia as known in November 1995", so no figure dated
after 1995-11 is an input (UNHCR stocks are end-1995 and dated 1995-11; see the source notes).
The IFOR/SFOR contributions by nation (UK Hansard, Jan 1998) go to ``validation/`` only.

Output is deterministic (sorted rows, fixed float formatting): rerunning gives byte-identical
files. Run from the repository root::

    uv run python scripts/derive_bosnia_1995.py [--raw PATH]
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from derive_iraq_2007 import (  # shared helpers of the Iraq derivation
    NATION_FIELDS,
    REPO,
    Notes,
    fmt,
    largest_remainder,
    months_between,
    raw_folder,
    read_compiled,
    validate_with_project,
    write_csv,
)

OUT = REPO / "src" / "grudging" / "scenarios" / "bosnia-1995"
INFO_MONTH = "1995-11"
YEAR = 1995
GROUPS = ("bosniak", "serb", "croat", "other")
NEIGHBOURS = {"HRV", "SRB"}  # FR Yugoslavia is coded SRB (ISO3 of today)
BORDER_KM = 1.0  # a municipality within 1 km of a country borders it (boundary imprecision)
WAR_START = "1992-04"


# Regions -----------------------------------------------------------------------------------------
def derive_regions(
    notes: Notes, summary: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    regions = read_compiled("bih_regions.csv")
    munis = read_compiled("bih_municipalities.csv")
    prewar = {r["prewar_municipality"]: r for r in read_compiled("bih_census1991_prewar.csv")}
    by_source = {r["source_region"]: r["region_id"] for r in regions}
    ids = [r["region_id"] for r in regions]

    # 1991 population of each post-war municipality, and which region it belongs to
    prewar_pop: dict[str, int] = defaultdict(int)
    for m in munis:
        prewar_pop[m["prewar_municipality"]] += int(m["pop1991_redistributed"])
    pop: dict[str, int] = defaultdict(int)
    area: dict[str, float] = defaultdict(float)
    counts: dict[str, dict[str, float]] = {rid: defaultdict(float) for rid in ids}
    deaths: dict[str, float] = defaultdict(float)
    dist: dict[str, dict[str, float]] = {rid: {"HRV": 1e9, "SRB": 1e9, "MNE": 1e9} for rid in ids}
    for m in munis:
        rid = by_source[m["region"]]
        p = int(m["pop1991_redistributed"])
        pw = prewar[m["prewar_municipality"]]
        share = p / int(pw["total"])  # this part's share of its pre-war municipality
        pop[rid] += p
        area[rid] += float(m["area_km2"])
        counts[rid]["bosniak"] += share * int(pw["muslims"])
        counts[rid]["serb"] += share * int(pw["serbs"])
        counts[rid]["croat"] += share * int(pw["croats"])
        counts[rid]["other"] += share * (int(pw["yugoslavs"]) + int(pw["others"]))
        deaths[rid] += share * int(pw["war_deaths_rdc"])
        for iso, col in (("HRV", "dist_hrv_km"), ("SRB", "dist_srb_km"), ("MNE", "dist_mne_km")):
            dist[rid][iso] = min(dist[rid][iso], float(m[col]))
    if prewar_pop != {k: int(v["total"]) for k, v in prewar.items()}:
        raise SystemExit("post-war municipality populations do not add up to the pre-war totals")

    adj = {r["region_id"]: r["neighbours"].split(";") for r in regions}
    rows = []
    comp_thousandths: dict[str, dict[str, int]] = {}
    borders: dict[str, list[str]] = {}
    for r in regions:
        rid = r["region_id"]
        total = sum(counts[rid].values())
        ints = largest_remainder([counts[rid][g] / total for g in GROUPS], 1000)
        comp_thousandths[rid] = dict(zip(GROUPS, ints, strict=True))
        borders[rid] = sorted(iso for iso, d in dist[rid].items() if d < BORDER_KM)
        rows.append(
            {
                "id": rid,
                "name": r["name"],
                "code": r["code"],
                "population": pop[rid],
                "population__source": notes.use("AVDIC_2022;BIH_CENSUS_1991"),
                "area_km2": fmt(area[rid], 0),
                "area_km2__source": notes.use("GADM28_MUNICIPALITIES"),
                **{f"composition.{g}": fmt(comp_thousandths[rid][g] / 1000, 3) for g in GROUPS},
                "composition__source": notes.use("BIH_CENSUS_1991;AVDIC_2022"),
                "neighbours": ";".join(adj[rid]),
                "neighbours__source": notes.use("ADJACENCY_CODING"),
                "borders": ";".join(borders[rid]),
                "borders__source": notes.use("MUNICIPALITY_DISTANCES"),
                "host_forces": 0,
                "host_forces__source": notes.use("HOST_FORCES_CODING"),
            }
        )
    total_deaths = sum(deaths.values())
    summary["regions"] = {
        "population": dict(pop),
        "area": dict(area),
        "adjacency": adj,
        "borders": borders,
        "comp": comp_thousandths,
        "munis": len(munis),
        "prewar": len(prewar),
        "national_comp": {g: sum(counts[r][g] for r in ids) / sum(pop.values()) for g in GROUPS},
        "deaths_total": total_deaths,
    }
    return rows, {rid: deaths[rid] / total_deaths for rid in ids}


# Nations -----------------------------------------------------------------------------------------
def unprofor_latest() -> tuple[dict[str, tuple[int, str, str]], dict[str, tuple[int, str]]]:
    """Each nation's latest UNPROFOR/RRF figure (troops, month, source) and its peak."""
    latest: dict[str, dict[str, tuple[int, str, str]]] = defaultdict(dict)
    peak: dict[str, tuple[int, str]] = {}
    for r in read_compiled("bih_unprofor_1995.csv"):
        if r["nation"] == "ALL":
            continue
        troops = int(r["troops"])
        if r["use"] == "history":
            latest[r["nation"]][r["force"]] = (troops, r["month"], r["source_id"])
        if troops > peak.get(r["nation"], (0, ""))[0]:
            peak[r["nation"]] = (troops, r["source_id"])
    current: dict[str, tuple[int, str, str]] = {}
    for iso, forces in latest.items():
        total = sum(t for t, _, _ in forces.values())
        month = max(m for _, m, _ in forces.values())
        srcs = ";".join(sorted({s for _, _, s in forces.values()}))
        current[iso] = (total, month, srcs)
        if total > peak[iso][0]:
            peak[iso] = (total, srcs)
    return current, peak


def derive_nations(raw: Path, notes: Notes, summary: dict[str, Any]) -> list[dict[str, Any]]:
    nation_list = read_compiled("bih_nation_list.csv")
    nmc = pd.read_csv(raw / "cow_nmc" / "NMC-60-abridged.csv")
    sipri = pd.read_csv(raw / "owid_sipri_milex" / "SIPRI Military Expenditure Database.csv")
    madd = pd.read_csv(
        raw / "owid_maddison" / "Maddison Project Database 2020 (Bolt and van Zanden (2020)).csv"
    )
    energy = pd.read_csv(
        raw / "owid_energy_imports" / "Energy imports (% energy use) - World Bank (2014).csv"
    )
    gtd = pd.read_csv(
        raw / "owid_gtd" / "Terrorist attacks by type - Global Terrorism Database (2018).csv"
    )
    wrp = pd.read_csv(raw / "cow_world_religion" / "WRP_national.csv")
    troops = pd.read_csv(raw / "us_troopdata" / "troopdata-rebuild-country-year.csv")
    cconv = pd.read_csv(raw / "country_converter" / "country_data.tsv", sep="\t")
    nato = pd.read_csv(raw / "compiled_facts" / "nato_membership.csv")
    unhcr = read_unhcr(raw)

    gtd_types = [c for c in gtd.columns if c not in ("Entity", "Year")]
    if len(gtd_types) != 9:
        raise SystemExit(f"GTD file: expected 9 attack-type columns, got {gtd_types}")
    alias = {
        "United States": "USA",
        "United Kingdom": "GBR",
        "Czech Republic": "CZE",
        **{r["name"]: r["iso3"] for r in nation_list},
    }
    nato_1995 = {
        alias.get(c, c)
        for c, y in zip(nato.country, nato.accession_year, strict=True)
        if int(y) <= YEAR
    }
    eu15 = set(cconv.loc[cconv["EU15"].notna(), "ISO3"])
    bih = unhcr[(unhcr.coo_iso == "BIH") & (unhcr.year == YEAR)]
    hosted = bih.groupby("coa_iso")[["refugees", "asylum_seekers"]].sum()
    us_hosted = troops[troops.year == YEAR].set_index("iso3c")["troops_ad"]
    facts: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for r in read_compiled("bih_nation_facts.csv"):
        facts[r["nation"]][r["item"]].append((r["value"], r["source_id"]))
    current, peak = unprofor_latest()

    missing: dict[str, list[str]] = defaultdict(list)
    rows = []
    for nat in sorted(nation_list, key=lambda r: r["iso3"]):
        iso, ccode = nat["iso3"], int(nat["cow_ccode"])
        row: dict[str, Any] = {"id": iso, "name": nat["name"]}
        n = nmc[(nmc.ccode == ccode) & (nmc.year <= YEAR)].sort_values("year")
        tp = n[n.tpop >= 0].iloc[-1]
        row["population_millions"] = fmt(tp.tpop / 1000, 3)
        row["population_millions__source"] = notes.use("COW_NMC6")
        mp = n[n.milper >= 0].iloc[-1]
        if int(mp.year) != YEAR:
            notes.add("COW_NMC6", f"{iso} milper from {int(mp.year)}")
        row["active_personnel"] = int(mp.milper) * 1000
        row["active_personnel__source"] = notes.use("COW_NMC6")

        s = (
            sipri[(sipri.Entity == nat["owid_name"]) & (sipri.Year <= YEAR)]
            .dropna(subset=["military_expenditure"])
            .sort_values("Year")
        )
        s = s[s.Year >= YEAR - 3]
        if len(s):
            last = s.iloc[-1]
            if int(last.Year) != YEAR:
                notes.add("SIPRI_OWID", f"{iso} from {int(last.Year)}")
            row["military_spending_musd"] = fmt(last.military_expenditure / 1e6, 1)
            row["military_spending_musd__source"] = notes.use("SIPRI_OWID")
        else:
            mx = n[n.milex >= 0].iloc[-1]
            row["military_spending_musd"] = fmt(mx.milex / 1000, 1)
            row["military_spending_musd__source"] = notes.use("COW_NMC6")
            notes.add(
                "COW_NMC6",
                f"{iso} military spending = COW milex {int(mx.year)} in current "
                "US$ (no SIPRI figure for 1992-1995; not constant 2019 US$)",
            )

        m = (
            madd[(madd.Entity == nat["owid_name"]) & (madd.Year <= YEAR)]
            .dropna(subset=["GDP per capita"])
            .sort_values("Year")
        )
        last = m.iloc[-1]
        if int(last.Year) != YEAR:
            notes.add("MADDISON_OWID", f"{iso} from {int(last.Year)}")
        row["gdp_per_capita"] = fmt(last["GDP per capita"], 0)
        row["gdp_per_capita__source"] = notes.use("MADDISON_OWID")

        if iso in current:
            t, _month, src = current[iso]
            row["deployed_abroad"] = t
            row["deployed_abroad__source"] = notes.use(src)
            row["un_peacekeepers"] = t
            row["un_peacekeepers__source"] = notes.use(src)
        else:
            for f in ("deployed_abroad", "un_peacekeepers"):
                row[f] = 0
                row[f"{f}__source"] = notes.use("NO_FIGURE")
                missing[f].append(iso)

        row["nato"] = "true" if iso in nato_1995 else "false"
        row["nato__source"] = notes.use("NATO_MEMBERS")
        row["eu"] = "true" if iso in eu15 else "false"
        row["eu__source"] = notes.use("CCONV_EU15")
        w = wrp[(wrp.state == ccode) & (wrp.year == YEAR)].iloc[0]
        share = w["total muslims"] / w["population in independent states"]
        row["muslim_majority"] = "true" if share > 0.5 else "false"
        row["muslim_majority__source"] = notes.use("COW_WRP")
        row["neighbour"] = "true" if iso in NEIGHBOURS else "false"
        row["neighbour__source"] = notes.use("BIH_NEIGHBOURS")

        if iso in hosted.index:
            h = hosted.loc[iso]
            row["refugees_hosted"] = int(h.refugees + h.asylum_seekers)
        else:
            row["refugees_hosted"] = 0
        row["refugees_hosted__source"] = notes.use("UNHCR_2025")

        names = nat["gtd_name"].split("|")
        g = gtd[gtd.Entity.isin(names) & gtd.Year.between(1990, 1994)]
        if not set(names) & set(gtd.Entity):
            notes.add("GTD_OWID", f"{iso} absent from the file (no incident recorded)")
        row["terrorism_incidents"] = int(g[gtd_types].to_numpy().sum())
        row["terrorism_incidents__source"] = notes.use("GTD_OWID")

        e = energy[(energy.Entity == nat["energy_name"]) & (energy.Year <= YEAR)]
        e = e.dropna().sort_values("Year")
        if len(e):
            last = e.iloc[-1]
            if int(last.Year) != YEAR:
                notes.add("WDI_ENERGY_OWID", f"{iso} from {int(last.Year)}")
            row["energy_import_share"] = fmt(last.iloc[2], 1)
            row["energy_import_share__source"] = notes.use("WDI_ENERGY_OWID")
        else:
            row["energy_import_share"] = ""
            row["energy_import_share__source"] = notes.use("NO_FIGURE")
            missing["energy_import_share"].append(iso)

        row["us_troops_hosted"] = 0 if iso == "USA" else int(us_hosted.get(iso, 0))
        row["us_troops_hosted__source"] = notes.use("TROOPDATA")

        f = facts.get(iso, {})
        if "opposed_intervention" in f:
            row["opposed_intervention"] = "true"
            row["opposed_intervention__source"] = notes.use(f["opposed_intervention"][0][1])
        else:
            row["opposed_intervention"] = "false"
            row["opposed_intervention__source"] = notes.use("YELTSIN_1995_08")
        if iso in peak:
            row["coalition_peak"] = peak[iso][0]
            row["coalition_peak__source"] = notes.use(peak[iso][1])
        else:
            row["coalition_peak"] = 0
            row["coalition_peak__source"] = notes.use("NO_FIGURE")
            if "UNPROFOR" in nat["why_included"]:
                missing["coalition_peak (UNPROFOR contributor without a figure)"].append(iso)
        row["coalition_left"] = row["coalition_left__source"] = ""
        kin = f.get("kin_group", [])
        row["kin_groups"] = ";".join(sorted(v for v, _ in kin))
        row["kin_groups__source"] = notes.use(";".join(sorted({s for _, s in kin})))
        roe = f.get("max_roe", [])
        row["max_roe"] = roe[0][0] if roe else ""
        row["max_roe__source"] = notes.use(roe[0][1]) if roe else ""
        row["caveats"] = row["caveats__source"] = ""
        hub = f.get("logistics_hub", [])
        row["logistics_hub"] = "true" if hub else "false"
        row["logistics_hub__source"] = notes.use(hub[0][1]) if hub else ""
        rows.append(row)

    for field, isos in sorted(missing.items()):
        notes.add("NO_FIGURE", f"{field} - {', '.join(sorted(isos))}")
    summary["missing"] = {k: sorted(v) for k, v in missing.items()}
    summary["nations"] = len(rows)
    summary["nato"] = sum(r["nato"] == "true" for r in rows)
    summary["eu"] = sum(r["eu"] == "true" for r in rows)
    return rows


def read_unhcr(raw: Path) -> pd.DataFrame:
    import pyreadr

    data = pyreadr.read_r(str(raw / "unhcr_refugees" / "population.rda"))
    return next(iter(data.values()))


# Observations -------------------------------------------------------------------------------------
def derive_observations(
    raw: Path, notes: Notes, shares: dict[str, float], summary: dict[str, Any]
) -> list[dict[str, Any]]:
    facts = {r["key"]: int(r["value"]) for r in read_compiled("bih_facts.csv")}
    civ_1992, civ_june = facts["rdc_1992_civilians"], facts["rdc_1992_06_civilians"]
    rest_1992 = civ_1992 - civ_june
    later = facts["rdc_civilians_total"] - civ_1992
    months_1992 = [m for m in months_between(WAR_START, "1992-12") if m != "1992-06"]
    monthly: dict[str, int] = {"1992-06": civ_june}
    for m, v in zip(
        months_1992, largest_remainder([1.0] * len(months_1992), rest_1992), strict=True
    ):
        monthly[m] = v
    later_months = months_between("1993-01", "1995-12")
    for m, v in zip(later_months, largest_remainder([1.0] * len(later_months), later), strict=True):
        monthly[m] = v
    months = months_between(WAR_START, INFO_MONTH)
    rows: list[dict[str, Any]] = []
    ids = sorted(shares)
    for mo in months:
        rows.append(
            {
                "series": "civilian_deaths_national",
                "month": mo,
                "region": "",
                "value": monthly[mo],
                "source": notes.use("RDC_2007"),
            }
        )
        split = largest_remainder([shares[r] for r in ids], monthly[mo])
        for rid, v in zip(ids, split, strict=True):
            rows.append(
                {
                    "series": "civilian_deaths",
                    "month": mo,
                    "region": rid,
                    "value": v,
                    "source": notes.use("RDC_2007;RDC_COSTALLI_MORO"),
                }
            )
    un = read_unhcr(raw)
    bih = un[un.coo_iso == "BIH"]
    for year in (1992, 1993, 1994, 1995):
        month = f"{year}-12" if year < YEAR else INFO_MONTH
        ref = bih[bih.year == year].refugees.sum()
        rows.append(
            {
                "series": "refugees_abroad",
                "month": month,
                "region": "",
                "value": int(ref),
                "source": notes.use("UNHCR_2025"),
            }
        )
        idp = bih[(bih.year == year) & (bih.coa_iso == "BIH")].idps.sum()
        if idp > 0:
            rows.append(
                {
                    "series": "internally_displaced",
                    "month": month,
                    "region": "",
                    "value": int(idp),
                    "source": notes.use("UNHCR_2025"),
                }
            )
    rows.sort(key=lambda r: (r["series"], r["region"], r["month"]))
    summary["observations"] = {
        "civilians_to_info_date": sum(monthly[m] for m in months),
        "civilians_total_war": sum(monthly.values()),
    }
    return rows


# Forces ------------------------------------------------------------------------------------------
def derive_forces(notes: Notes, summary: dict[str, Any]) -> list[dict[str, Any]]:
    nation_names = {r["iso3"]: r["name"] for r in read_compiled("bih_nation_list.csv")}
    rows = read_compiled("bih_unprofor_1995.csv")
    history: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["use"] == "history":
            history[r["nation"]].append(r)
    forces: list[dict[str, Any]] = [
        {
            "id": "us_forces",
            "name": "US ground forces in Bosnia (none before IFOR)",
            "nation": "USA",
            "command": "nato",
            "history": [
                {"month": INFO_MONTH, "troops": 0, "source": notes.use("UNPROFOR_CONTRIBUTORS")}
            ],
        }
    ]
    documented = 0
    for iso in sorted(history):
        pts: dict[str, int] = defaultdict(int)
        srcs: dict[str, set[str]] = defaultdict(set)
        for r in history[iso]:
            pts[r["month"]] += int(r["troops"])
            srcs[r["month"]].add(r["source_id"])
        # cumulative: a later RRF deployment adds to the earlier UNPROFOR contingent
        running, hist = 0, []
        kinds = {r["force"] for r in history[iso]}
        for month in sorted(pts):
            running = running + pts[month] if kinds >= {"unprofor", "rrf"} else pts[month]
            hist.append(
                {"month": month, "troops": running, "source": notes.use(sorted(srcs[month])[0])}
            )
        documented += hist[-1]["troops"]
        forces.append(
            {
                "id": f"{iso.lower()}_contingent",
                "name": f"{nation_names[iso]} contingent (UNPROFOR / Rapid Reaction Force)",
                "nation": iso,
                "command": "un",
                "history": hist,
            }
        )
    totals = {
        r["force"]: (int(r["troops"]), r["month"], r["source_id"])
        for r in rows
        if r["nation"] == "ALL"
    }
    total = totals["unprofor_bosnia_total"][0] + totals["rrf_deployed"][0]
    residual = total - documented
    forces.append(
        {
            "id": "unprofor_other",
            "name": "Other UNPROFOR contingents (no per-nation figure found)",
            "nation": None,
            "command": "un",
            "history": [
                {
                    "month": totals["unprofor_bosnia_total"][1],
                    "troops": residual,
                    "source": notes.use("RRF_AUTHORISED_1995_06"),
                }
            ],
        }
    )
    # Cross-check and RRF-total sources (named in the notes of RRF_AUTHORISED_1995_06)
    notes.use("UNPROFOR_AP_1995_05")
    notes.use("RRF_FRANCE_JANUS")
    summary["forces"] = {
        "documented": documented,
        "total": total,
        "residual": residual,
        "n": len(forces),
    }
    return forces


# Validation ---------------------------------------------------------------------------------------
def write_ifor_validation(raw: Path, nation_list: list[dict[str, str]]) -> int:
    alias = {r["name"]: r["iso3"] for r in nation_list}
    alias.update(
        {
            "United States": "USA",
            "United Kingdom": "GBR",
            "Czech Republic": "CZE",
            "Republic of Ireland": "IRL",
            "Ireland": "IRL",
        }
    )
    src = raw / "compiled_facts" / "ifor_sfor_contributions_hansard_1998.csv"
    with src.open(newline="", encoding="utf-8") as fh:
        recs = list(csv.DictReader(fh))
    rows = []
    for r in recs:
        iso = alias[r["country"]]
        rows.append(
            {
                "nation": iso,
                "ifor_troops_1996": r["ifor_troops_1996"],
                "sfor_troops_jan1998": r["sfor_troops_jan1998"],
                "source": "HANSARD_1998",
                "note": r["note"].replace(": ", " - ").replace('"', "'"),
            }
        )
    rows.sort(key=lambda r: r["nation"])
    (OUT / "validation").mkdir(parents=True, exist_ok=True)
    write_csv(
        OUT / "validation" / "ifor_contributions.csv",
        ["nation", "ifor_troops_1996", "sfor_troops_jan1998", "source", "note"],
        rows,
    )
    return len(rows)


def write_outcomes_validation(raw: Path) -> int:
    """What happened after Dayton (compiled facts plus UNHCR end-of-year stocks 1996-1998)."""
    rows = [dict(r) for r in read_compiled("bih_outcomes_after_dayton.csv")]
    bih = read_unhcr(raw)
    bih = bih[bih.coo_iso == "BIH"]
    for year in (1996, 1997, 1998):
        ref = int(bih[bih.year == year].refugees.sum())
        idp = int(bih[(bih.year == year) & (bih.coa_iso == "BIH")].idps.sum())
        returned = int(bih[bih.year == year].returned_refugees.sum())
        for item, value, note in (
            ("refugees_abroad", ref, "BiH-origin refugees worldwide at end of year"),
            ("internally_displaced", idp, "IDPs in BiH at end of year"),
            ("returned_refugees", returned, "refugees returned to BiH during the year (UNHCR)"),
        ):
            rows.append(
                {
                    "item": item,
                    "period": f"{year}-12",
                    "value": value,
                    "unit": "people",
                    "source_id": "UNHCR_2025",
                    "source_url": "https://www.unhcr.org/refugee-statistics/",
                    "note": note,
                }
            )
    rows.sort(key=lambda r: (r["item"], r["period"]))
    header = ["item", "period", "value", "unit", "source_id", "source_url", "note"]
    write_csv(OUT / "validation" / "outcomes_after_dayton.csv", header, rows)
    return len(rows)


# Sources ----------------------------------------------------------------------------------------
def write_sources(notes: Notes, path: Path) -> tuple[int, list[str]]:
    master = {r["id"]: r for r in read_compiled("bih_sources_master.csv")}
    extra_ids = {
        "DAYTON_GFAP",
        "FACTION_CODING",
        "IFOR_60000",
        "CRS_US_BOSNIA",
        "IFOR_ROE",
        "WARPOWERS_1995_12",
        "ARMIES_1995_EWB",
        "MUJAHIDEEN_ESTIMATES",
        "WARID_BIH",
        "TUR_UNPROFOR_ZENICA",
    }
    # cited by the validation tables (resolvable here, although the model never reads them)
    extra_ids |= {r["source_id"] for r in read_compiled("bih_outcomes_after_dayton.csv")}
    extra_ids |= {"HANSARD_1998", "UNHCR_2025"}
    for sid in sorted(extra_ids):  # cited by scenario.yaml, factions.yaml, exclusions.yaml
        notes.use(sid)
    missing = sorted(notes.used - set(master))
    if missing:
        raise SystemExit(f"source ids used but not in bih_sources_master.csv: {missing}")
    rows = []
    for sid in sorted(notes.used):
        r = dict(master[sid])
        extra = notes.items.get(sid)
        if extra:
            joined = "; ".join(sorted(set(extra)))
            r["note"] = (r["note"] + " " if r["note"] else "") + f"Per-nation notes - {joined}."
        rows.append(r)
    write_csv(path, ["id", "citation", "url", "licence", "note"], rows)
    return len(rows), sorted(set(master) - notes.used)


# Checks -----------------------------------------------------------------------------------------
def self_check(summary: dict[str, Any]) -> list[str]:
    problems = []
    reg = summary["regions"]
    if sum(reg["population"].values()) != 4377033:
        problems.append("population does not sum to the 1991 census total 4,377,033")
    for a, nbs in reg["adjacency"].items():
        for b in nbs:
            if b not in reg["adjacency"]:
                problems.append(f"unknown neighbour {b} of {a}")
            elif a not in reg["adjacency"][b]:
                problems.append(f"adjacency not symmetric: {a} -> {b}")
    for rid, c in reg["comp"].items():
        if sum(c.values()) != 1000:
            problems.append(f"composition of {rid} sums to {sum(c.values())}/1000")
    if summary["nato"] != 16:
        problems.append(f"{summary['nato']} NATO members in 1995, expected 16")
    if summary["forces"]["residual"] <= 0:
        problems.append("no residual for other UNPROFOR contingents")
    return problems


# Main -------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    raw = raw_folder(__doc__, argv)
    if raw is None:
        return 2
    (OUT / "tables").mkdir(parents=True, exist_ok=True)
    notes, summary = Notes(), {}

    regions, shares = derive_regions(notes, summary)
    write_csv(OUT / "tables" / "regions.csv", list(regions[0]), regions)
    forces = derive_forces(notes, summary)
    (OUT / "tables" / "forces.yaml").write_text(
        "# Forces present in Bosnia at the information date (Nov 1995). Generated by\n"
        "# scripts/derive_bosnia_1995.py - do not edit by hand.\n"
        + yaml.safe_dump(forces, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )
    nations = derive_nations(raw, notes, summary)
    header = ["id", "name"]
    for f in NATION_FIELDS:
        header += [f, f"{f}__source"]
    write_csv(OUT / "tables" / "nations.csv", header, nations)
    obs = derive_observations(raw, notes, shares, summary)
    write_csv(
        OUT / "tables" / "observations.csv", ["series", "month", "region", "value", "source"], obs
    )
    n_sources, unused = write_sources(notes, OUT / "tables" / "sources.csv")
    n_ifor = write_ifor_validation(raw, read_compiled("bih_nation_list.csv"))
    n_outcomes = write_outcomes_validation(raw)

    reg = summary["regions"]
    print("== bosnia-1995 derivation: check summary")
    print(
        f"regions: {len(reg['population'])} from {reg['munis']} post-war municipalities "
        f"({reg['prewar']} pre-war); 1991 population {sum(reg['population'].values()):,} "
        f"(census total 4,377,033); area {sum(reg['area'].values()):,.0f} km2 (official 51,209)"
    )
    nc = reg["national_comp"]
    print(
        "national composition 1991: "
        + ", ".join(f"{g} {nc[g]:.1%}" for g in GROUPS)
        + " (published - Muslims 43.5 %, Serbs 31.2 %, Croats 17.4 %, others 7.9 %)"
    )
    print("borders: " + "; ".join(f"{r} {'/'.join(b)}" for r, b in reg["borders"].items() if b))
    print(f"RDC victims allocated to regions: {reg['deaths_total']:,.0f}")
    ob = summary["observations"]
    print(
        f"civilian deaths Apr 1992 - Nov 1995 (method in RDC_2007 note): "
        f"{ob['civilians_to_info_date']:,} of {ob['civilians_total_war']:,}"
    )
    fs = summary["forces"]
    print(
        f"forces: {fs['n']} records; documented national UNPROFOR/RRF {fs['documented']:,}, "
        f"UN total {fs['total']:,}, other contingents {fs['residual']:,}"
    )
    print(f"nations: {summary['nations']} (NATO {summary['nato']}, EU {summary['eu']})")
    print(
        f"validation/ifor_contributions.csv: {n_ifor} nations; "
        f"validation/outcomes_after_dayton.csv: {n_outcomes} rows"
    )
    print(
        f"observations: {len(obs)} rows; sources: {n_sources} (unused in master: "
        f"{', '.join(unused) or 'none'})"
    )
    for field, isos in summary["missing"].items():
        print(f"missing -> default ({field}): {', '.join(isos)}")
    problems = self_check(summary) + validate_with_project(OUT)
    for p in problems:
        print(f"PROBLEM: {p}")
    print("checks: " + ("all passed" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

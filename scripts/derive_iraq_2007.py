#!/usr/bin/env python3
"""Derive the curated tables of the built-in scenario ``iraq-2007`` from the raw data.

Reads the raw data folder (``--raw``, default ``../shared/data/raw`` relative to the repository
root) and the compiled figures typed in from published pages (``scripts/compiled/``), and writes
into ``src/grudging/scenarios/iraq-2007/``:

* ``tables/sources.csv``      one row per source used anywhere
* ``tables/regions.csv``      the 18 governorates
* ``tables/nations.csv``      the candidate contributor nations
* ``tables/observations.csv`` observed series 2004-01 .. 2006-12
* ``tables/forces.yaml``      US force and the non-US coalition contingents present in Dec 2006
* ``iraq.geojson``            governorate outlines (properties id, name, pcode)

Calibration discipline: the scenario is "Iraq as known in January 2007", so no figure dated 2007
or later is used as an input (the 2011 population estimate, 2007 coalition lists and 2007 refugee
figures in the raw folder are deliberately ignored). ESOC/Berman data is never read.

Output is deterministic (sorted rows, fixed float formatting): rerunning gives byte-identical files.
Run from the repository root::

    uv run python scripts/derive_iraq_2007.py [--raw PATH]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import itertools
import json
import math
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from shapely.geometry import LineString, shape
from shapely.ops import unary_union

REPO = Path(__file__).resolve().parent.parent
COMPILED = REPO / "scripts" / "compiled"
OUT = REPO / "src" / "grudging" / "scenarios" / "iraq-2007"

INFO_MONTH = "2006-12"  # information date: last month whose data may be used
OBS_FIRST = "2004-01"

# Region ids and the spellings of each source: (id, display name, OCHA name_en, IBC/Beger
# province, census file governorate).
REGIONS: list[tuple[str, str, str, str, str]] = [
    ("anbar", "Anbar", "Anbar", "Anbar", "Muhafazat al-Anbar"),
    ("babil", "Babil", "Babylon", "Babil", "Muhafazat Babylon"),
    ("baghdad", "Baghdad", "Baghdad", "Baghdad", "Muhafazat Baghdad"),
    ("basrah", "Basrah", "Basrah", "Basra", "Muhafazat Basrah"),
    ("dahuk", "Dahuk", "Dahuk", "Dahuk", "Muhafazat Duhouk"),
    ("dhi_qar", "Dhi Qar", "Thi-Qar", "Dhi Quar", "Muhafazat Thi Qar"),
    ("diyala", "Diyala", "Diyala", "Diyala", "Muhafazat Diala"),
    ("erbil", "Erbil", "Erbil", "Arbil", "Muhafazat Erbil"),
    ("karbala", "Karbala", "Kerbala", "Karbala", "Muhafazat Kerbela"),
    ("kirkuk", "Kirkuk", "Kirkuk", "Kirkuk", "Muhafazat Kirkuk"),
    ("maysan", "Maysan", "Missan", "Maysan", "Muhafazat Maysan"),
    ("muthanna", "Muthanna", "Muthanna", "Muthanna", "Muhafazat al-Muthanna"),
    ("najaf", "Najaf", "Najaf", "Najaf", "Muhafazat al-Najaf"),
    ("ninewa", "Ninewa", "Ninewa", "Nineveh", "Muhafazat Nineveh"),
    ("qadisiyah", "Qadisiyah", "Qadissiya", "Qadisiyyah", "Muhafazat al-Qadisiya"),
    ("salah_al_din", "Salah al-Din", "Salah al-Din", "Salah ad Din", "Muhafazat Salah al-Deen"),
    ("sulaymaniyah", "Sulaymaniyah", "Sulaymaniyah", "Sulaymaniyah", "Muhafazat al-Sulaimaniya"),
    ("wasit", "Wasit", "Wassit", "Wasit", "Muhafazat Wasit"),
]
REGION_IDS = [r[0] for r in REGIONS]
GROUPS = ("shia_arab", "sunni_arab", "kurd", "other")
IRAQ_NEIGHBOURS = {"IRN", "SYR", "SAU", "KWT", "JOR", "TUR"}

# Geometry tolerances (degrees) for the independently simplified OCHA polygons.
ADJ_DISTANCE = 0.02
ADJ_MIN_SHARED = 0.05
BORDER_MIN_SHARED = 0.08

# Dates of the population figures.
CENSUS_1997 = dt.date(1997, 10, 16)
ESTIMATE_2003 = dt.date(2003, 1, 1)
TARGET_2007 = dt.date(2007, 7, 1)
CHECK_SPREAD = (29.7e6, 29.8e6)  # published spread of mid-2007 national totals (FACTS.md)


# Helpers --------------------------------------------------------------------------------------
def years(a: dt.date, b: dt.date) -> float:
    return (b - a).days / 365.25


def month_ok(month: str, first: str = "0000-00", last: str = INFO_MONTH) -> bool:
    return first <= month <= last


def months_between(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def fmt(x: float, nd: int) -> str:
    value = round(float(x), nd)
    if value == 0:
        value = 0.0  # no "-0.0"
    return f"{value:.{nd}f}"


def read_compiled(name: str) -> list[dict[str, str]]:
    with (COMPILED / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def yaml_safe(cell: Any) -> str:
    """The cell as text, checked to survive the project loader (which reads every CSV cell as a
    YAML scalar): free text must not contain ': ' or ' #' or start with a YAML indicator."""
    text = "" if cell is None else str(cell)
    if text:
        try:
            back = yaml.load(text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError as err:
            msg = f"cell {text[:60]!r} is not a YAML scalar ({err}); reword it"
            raise SystemExit(msg) from None
        if isinstance(back, (dict, list)) or (isinstance(back, str) and back != text):
            raise SystemExit(f"cell {text[:60]!r} would be read back as {back!r}; reword it")
    return text


def write_csv(path: Path, header: list[str], rows: list[dict[str, Any]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: yaml_safe(row.get(k)) for k in header})
    path.write_text(buf.getvalue(), encoding="utf-8")


def largest_remainder(weights: list[float], total: int) -> list[int]:
    """Integers proportional to ``weights`` that sum exactly to ``total`` (ties by order)."""
    s = sum(weights)
    exact = [w / s * total for w in weights]
    base = [math.floor(e) for e in exact]
    short = total - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - base[i]), i))
    for i in order[:short]:
        base[i] += 1
    return base


def shares_to_thousandths(values: dict[str, float]) -> dict[str, int]:
    """Round shares to 3 dp so that they sum to exactly 1.000 (fix goes to the largest share)."""
    total = sum(values.values())
    ints = {g: round(values[g] / total * 1000) for g in GROUPS}
    diff = 1000 - sum(ints.values())
    if diff:
        biggest = max(GROUPS, key=lambda g: (ints[g], -GROUPS.index(g)))
        ints[biggest] += diff
    return ints


class Notes:
    """Per-source notes gathered while deriving (fallbacks, missing values)."""

    def __init__(self) -> None:
        self.items: dict[str, list[str]] = defaultdict(list)
        self.used: set[str] = set()

    def add(self, source: str, text: str) -> None:
        self.items[source].append(text)

    def use(self, refs: str) -> str:
        for one in refs.split(";"):
            if one.strip():
                self.used.add(one.strip())
        return refs


# Regions --------------------------------------------------------------------------------------
def derive_population(raw: Path) -> tuple[dict[str, int], dict[str, float]]:
    census = pd.read_csv(raw / "iraq_population" / "irq_census_admin1.csv")
    by_name = {r[4]: r[0] for r in REGIONS}
    census["rid"] = census["governorate"].map(by_name)
    if census["rid"].isna().any():
        raise SystemExit(f"unmapped census governorates: {census[census.rid.isna()].governorate}")
    p97 = dict(zip(census.rid, census["population1997-10-16census"], strict=True))
    p03 = dict(zip(census.rid, census["population2003-01estimate"], strict=True))
    area = dict(zip(census.rid, census["areasq.km"].astype(float), strict=True))
    span = years(CENSUS_1997, ESTIMATE_2003)
    ahead = years(ESTIMATE_2003, TARGET_2007)
    rate = {r: (p03[r] / p97[r]) ** (1 / span) for r in REGION_IDS}
    # Dahuk: the 1997 figures of the Kurdistan governorates are not census counts; Dahuk's
    # implied 13.6 %/yr is impossible, so it gets the combined rate of Erbil + Sulaymaniyah.
    krg97 = p97["erbil"] + p97["sulaymaniyah"]
    krg03 = p03["erbil"] + p03["sulaymaniyah"]
    rate["dahuk"] = (krg03 / krg97) ** (1 / span)
    raw07 = {r: p03[r] * rate[r] ** ahead for r in REGION_IDS}
    n97, n03 = sum(p97.values()), sum(p03.values())
    national = n03 * ((n03 / n97) ** (1 / span)) ** ahead
    ints = largest_remainder([raw07[r] for r in REGION_IDS], round(national))
    pop = dict(zip(REGION_IDS, ints, strict=True))
    stats = {
        "unadjusted_sum": sum(p03[r] * (p03[r] / p97[r]) ** (ahead / span) for r in REGION_IDS),
        "dahuk_fixed_sum": sum(raw07.values()),
        "national": national,
        "scale": national / sum(raw07.values()),
        "dahuk_rate_raw": (p03["dahuk"] / p97["dahuk"]) ** (1 / span) - 1,
        "dahuk_rate_used": rate["dahuk"] - 1,
    }
    return pop, {"area": area, **{f"stat_{k}": v for k, v in stats.items()}}  # type: ignore[dict-item]


def derive_composition() -> tuple[dict[str, dict[str, int]], dict[str, str], list[str]]:
    rule = {r["list"]: r["bloc"] for r in read_compiled("election_bloc_rule.csv")}
    results = read_compiled("election_dec2005.csv")
    coding = {r["region"]: r for r in read_compiled("composition_coding.csv")}
    comp: dict[str, dict[str, int]] = {}
    refs: dict[str, str] = {}
    approx: list[str] = []
    for rid in REGION_IDS:
        row = coding[rid]
        if row["method"] in ("rule_final", "rule_preliminary"):
            status = "final" if row["method"] == "rule_final" else "preliminary"
            use_votes = status == "preliminary"
            bloc: dict[str, float] = defaultdict(float)
            for r in results:
                if r["region"] != rid or r["status"] != status:
                    continue
                weight = r["votes"] if use_votes else r["share_pct"]
                if not weight:
                    continue
                bloc[rule[r["list"]]] += float(weight)
            shia, sunni = bloc["shia"], bloc["sunni"]
            secular = bloc["secular"]
            shares = {
                "shia_arab": shia + secular * shia / (shia + sunni),
                "sunni_arab": sunni + secular * sunni / (shia + sunni),
                "kurd": bloc["kurd"],
                "other": bloc["minority"],
            }
            comp[rid] = shares_to_thousandths(shares)
            if status == "preliminary":
                approx.append(f"{rid} (rule on preliminary top-3 lists)")
        else:
            comp[rid] = shares_to_thousandths({g: float(row[g]) for g in GROUPS})
            approx.append(f"{rid} (coded)")
        refs[rid] = row["source_ids"]
    return comp, refs, approx


def load_polygons(raw: Path) -> dict[str, Any]:
    path = raw / "iraq_boundaries" / "irq_admbnda_adm1_ocha_20140717_simplified.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    by_ocha = {r[2]: r[0] for r in REGIONS}
    polys: dict[str, Any] = {}
    pcode: dict[str, str] = {}
    for feat in data["features"]:
        rid = by_ocha[feat["properties"]["name_en"]]
        polys[rid] = shape(feat["geometry"])
        pcode[rid] = feat["properties"]["pcode"]
    if sorted(polys) != sorted(REGION_IDS):
        raise SystemExit("boundary file does not hold the 18 governorates")
    return {"polys": polys, "pcode": pcode, "features": data["features"], "by_ocha": by_ocha}


def derive_adjacency(polys: dict[str, Any]) -> dict[str, list[str]]:
    adj: dict[str, list[str]] = {}
    for a in REGION_IDS:
        out = []
        for b in REGION_IDS:
            if a == b or polys[a].distance(polys[b]) >= ADJ_DISTANCE:
                continue
            shared = polys[a].boundary.intersection(polys[b].buffer(ADJ_DISTANCE)).length
            if shared >= ADJ_MIN_SHARED:
                out.append(b)
        adj[a] = out
    return adj


def derive_borders(polys: dict[str, Any]) -> tuple[dict[str, list[str]], dict[str, float]]:
    outline = unary_union([p.buffer(ADJ_DISTANCE) for p in polys.values()]).buffer(-ADJ_DISTANCE)
    ring = list(outline.exterior.coords)[:-1]
    points = read_compiled("border_tripoints.csv")

    def nearest(lon: float, lat: float) -> int:
        return min(
            range(len(ring)), key=lambda i: (ring[i][0] - lon) ** 2 + (ring[i][1] - lat) ** 2
        )

    idx = [nearest(float(p["lon"]), float(p["lat"])) for p in points]
    stretches: dict[str, LineString] = {}
    km: dict[str, float] = {}
    for k, p in enumerate(points):
        i, j = idx[k], idx[(k + 1) % len(points)]
        pts = [ring[i]]
        while i != j:
            i = (i + 1) % len(ring)
            pts.append(ring[i])
        stretches[p["next_stretch"]] = LineString(pts)
        km[p["next_stretch"]] = sum(_km(a, b) for a, b in itertools.pairwise(pts))
    borders: dict[str, list[str]] = {}
    for rid in REGION_IDS:
        found = []
        for country, line in stretches.items():
            if country == "SEA":
                continue
            shared = polys[rid].boundary.intersection(line.buffer(ADJ_DISTANCE)).length
            if shared >= BORDER_MIN_SHARED:
                found.append(country)
        borders[rid] = sorted(found)
    return borders, km


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[1] + b[1]) / 2)
    return math.hypot((a[0] - b[0]) * 111.32 * math.cos(lat), (a[1] - b[1]) * 110.57)


def write_geojson(geo: dict[str, Any], path: Path) -> tuple[int, int]:
    names = {r[0]: r[1] for r in REGIONS}
    feats = []
    invalid = 0
    for feat in geo["features"]:
        rid = geo["by_ocha"][feat["properties"]["name_en"]]
        geom = feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        new_polys = []
        for poly in polys:
            rings = []
            for ring in poly:
                pts: list[list[float]] = []
                for x, y in ring:
                    p = [round(x, 3), round(y, 3)]
                    if not pts or p != pts[-1]:
                        pts.append(p)
                if pts[0] != pts[-1]:
                    pts.append(pts[0])
                if len(pts) >= 4:
                    rings.append(pts)
            if rings:
                new_polys.append(rings)
        if geom["type"] == "MultiPolygon":
            out_geom = {"type": "MultiPolygon", "coordinates": new_polys}
        else:
            out_geom = {"type": "Polygon", "coordinates": new_polys[0]}
        if not shape(out_geom).is_valid:
            invalid += 1
        feats.append(
            {
                "type": "Feature",
                "properties": {"id": rid, "name": names[rid], "pcode": geo["pcode"][rid]},
                "geometry": out_geom,
            }
        )
    feats.sort(key=lambda f: f["properties"]["id"])
    fc = {"type": "FeatureCollection", "features": feats}
    lines = ['{"type":"FeatureCollection","features":[']
    for k, f in enumerate(feats):
        sep = "," if k < len(feats) - 1 else ""
        lines.append(json.dumps(f, separators=(",", ":"), sort_keys=False) + sep)
    lines.append("]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == fc
    return len(feats), invalid


def derive_regions(raw: Path, notes: Notes, summary: dict[str, Any]) -> list[dict[str, Any]]:
    pop, extra = derive_population(raw)
    area = extra["area"]
    comp, comp_refs, approx = derive_composition()
    geo = load_polygons(raw)
    adj = derive_adjacency(geo["polys"])
    borders, border_km = derive_borders(geo["polys"])
    isf = read_compiled("isf_2006.csv")[0]
    isf_total = int(isf["value"])
    host = dict(
        zip(REGION_IDS, largest_remainder([pop[r] for r in REGION_IDS], isf_total), strict=True)
    )
    names = {r[0]: r[1] for r in REGIONS}
    rows = []
    for rid in REGION_IDS:
        c = comp[rid]
        rows.append(
            {
                "id": rid,
                "name": names[rid],
                "code": geo["pcode"][rid],
                "population": pop[rid],
                "population__source": notes.use("GEOHIVE_COSIT"),
                "area_km2": fmt(area[rid], 0),
                "area_km2__source": notes.use("GEOHIVE_COSIT"),
                "composition.shia_arab": fmt(c["shia_arab"] / 1000, 3),
                "composition.sunni_arab": fmt(c["sunni_arab"] / 1000, 3),
                "composition.kurd": fmt(c["kurd"] / 1000, 3),
                "composition.other": fmt(c["other"] / 1000, 3),
                "composition__source": notes.use(comp_refs[rid]),
                "neighbours": ";".join(adj[rid]),
                "neighbours__source": notes.use("OCHA_ADM1"),
                "borders": ";".join(borders[rid]),
                "borders__source": notes.use("OCHA_ADM1;TRIPOINTS_CODING;CIA_BORDERS"),
                "host_forces": host[rid],
                "host_forces__source": notes.use("DOD_MSSI_2006;GEOHIVE_COSIT"),
            }
        )
    n_feat, n_invalid = write_geojson(geo, OUT / "iraq.geojson")
    summary["population_total"] = sum(pop.values())
    summary["population_stats"] = {k[5:]: v for k, v in extra.items() if k.startswith("stat_")}
    summary["composition_approx"] = approx
    summary["adjacency"] = adj
    summary["borders"] = borders
    summary["border_km"] = border_km
    summary["geojson"] = (n_feat, n_invalid)
    summary["comp"] = comp
    summary["pop"] = pop
    summary["host_total"] = sum(host.values())
    return rows


# Coalition data (forces and nation coalition fields) -----------------------------------------
def nation_aliases(nation_list: list[dict[str, str]]) -> dict[str, str]:
    alias = {r["name"]: r["iso3"] for r in nation_list}
    alias.update(
        {
            "United States": "USA",
            "United Kingdom": "GBR",
            "South Korea": "KOR",
            "Czech Republic": "CZE",
            "Macedonia": "MKD",
            "North Macedonia": "MKD",
            "Bosnia and Herzegovina": "BIH",
        }
    )
    return alias


def coalition_records(raw: Path, alias: dict[str, str]) -> dict[str, list[tuple[str, int, str]]]:
    """Each nation's Iraq contingent figures dated <= INFO_MONTH: iso3 -> [(month, troops, src)]."""
    cf = raw / "compiled_facts"
    recs: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)

    def add(iso: str, month: str, troops: int, src: str) -> None:
        if month_ok(month) and month not in recs[iso]:
            recs[iso][month] = (troops, src)

    by_date = {
        "2003-12": "MNFI_GLOBALIST_2003",
        "2004-03-15": "MNFI_LIST_2004_03",
        "2005-01": "MNFI_GLOBALSEC_2005_01",
    }
    with (cf / "mnfi_contributions.csv").open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["date"] in by_date:
                add(alias[r["nation"]], r["date"][:7], int(float(r["troops"])), by_date[r["date"]])
    ap = {"2005-12-02": "MNFI_AP_2005_12", "2006-05-30": "MNFI_AP_2006_05"}
    ap_file = cf / "mnfi_coalition_contingents_ap_2005_2007.csv"
    with ap_file.open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["date"] in ap:
                add(alias[r["country"]], r["date"][:7], int(r["troops"]), ap[r["date"]])
    monthly = pd.read_csv(cf / "iraq_monthly_2006_2008.csv")
    text = str(monthly.loc[monthly.month == "2006-03", "non_us_source"].iloc[0])
    abbrev = {
        "UK": "GBR",
        "ROK": "KOR",
        "IT": "ITA",
        "PL": "POL",
        "AUS": "AUS",
        "RO": "ROU",
        "JP": "JPN",
        "GE": "GEO",
        "DK": "DNK",
    }
    for code, num in re.findall(r"\b(UK|ROK|IT|PL|AUS|RO|JP|GE|DK) ([\d,]+)", text):
        add(abbrev[code], "2006-03", int(num.replace(",", "")), "MNFI_NATIONMASTER_2006_03")
    for r in read_compiled("coalition_facts.csv"):
        if r["item"] == "contingent":
            add(r["nation"], r["month"], int(r["value"]), r["source_id"])
    return {iso: sorted((m, t, s) for m, (t, s) in months.items()) for iso, months in recs.items()}


def coalition_status(
    raw: Path, alias: dict[str, str], recs: dict[str, list[tuple[str, int, str]]]
) -> tuple[dict[str, tuple[int, str]], dict[str, tuple[str, str]]]:
    """Peak contingent (troops, source) and month left (month, source) up to INFO_MONTH."""
    peak: dict[str, tuple[int, str]] = {}
    for iso, pts in recs.items():
        best = max(pts, key=lambda p: (p[1], p[0]))
        peak[iso] = (best[1], best[2])
    left: dict[str, tuple[str, str]] = {}
    with (raw / "compiled_facts" / "mnfi_withdrawals.csv").open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            iso = alias[r["nation"]]
            yrs = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", r["peak_date"])]
            if yrs and max(yrs) <= 2006:
                troops = int(r["peak_troops_approx"])
                if troops > peak.get(iso, (0, ""))[0]:
                    peak[iso] = (troops, "MNFI_WITHDRAWALS")
            m = re.match(r"^(\d{4})-(\d{2})", r["withdrawal_completed"])
            if m and month_ok(f"{m.group(1)}-{m.group(2)}"):
                left[iso] = (f"{m.group(1)}-{m.group(2)}", "MNFI_WITHDRAWALS")
    for r in read_compiled("coalition_facts.csv"):
        iso = r["nation"]
        if r["item"] == "left" and month_ok(r["month"]):
            left[iso] = (r["month"], r["source_id"])
        elif r["item"] == "present":
            left.pop(iso, None)
        elif r["item"] == "peak" and int(r["value"]) > peak.get(iso, (0, ""))[0]:
            peak[iso] = (int(r["value"]), r["source_id"])
    return peak, left


def us_history(raw: Path) -> list[tuple[str, int, str]]:
    cf = raw / "compiled_facts"
    points: dict[str, tuple[int, str]] = {}
    src_by_url = {
        "lincolndailynews": "US_TROOPS_AP_2008",
        "countervortex": "US_TROOPS_COUNTERVORTEX",
    }
    with (cf / "us_troops_iraq_key_dates.csv").open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["who"] != "US" or not re.fullmatch(r"\d{4}-\d{2}", r["date"]):
                continue
            src = next((s for k, s in src_by_url.items() if k in r["source_url"]), None)
            if src and month_ok(r["date"]):
                points[r["date"]] = (int(r["troops"]), src)
    monthly = pd.read_csv(cf / "iraq_monthly_2006_2008.csv")
    for _, r in monthly.iterrows():
        if pd.isna(r["us_troops"]) or not month_ok(r["month"]):
            continue
        s = str(r["us_troops_source"])
        src = "US_TROOPS_AP_2008" if s.startswith("AP timeline") else "BROOKINGS_IRAQ_INDEX"
        points[r["month"]] = (int(r["us_troops"]), src)  # sourced months override key dates
    return sorted((m, t, s) for m, (t, s) in points.items())


def brookings_non_us_dec2006(raw: Path) -> int:
    monthly = pd.read_csv(raw / "compiled_facts" / "iraq_monthly_2006_2008.csv")
    return int(monthly.loc[monthly.month == INFO_MONTH, "non_us_coalition_troops"].iloc[0])


# Forces -----------------------------------------------------------------------------------------
def derive_forces(
    raw: Path, notes: Notes, summary: dict[str, Any], nation_list: list[dict[str, str]]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    alias = nation_aliases(nation_list)
    recs = coalition_records(raw, alias)
    _, left = coalition_status(raw, alias, recs)
    names = {r["iso3"]: r["name"] for r in nation_list}
    forces: list[dict[str, Any]] = []
    us = us_history(raw)
    forces.append(
        {
            "id": "us_forces",
            "name": "US forces in Iraq (MNF-I)",
            "nation": "USA",
            "command": "us",
            "history": [{"month": m, "troops": t, "source": notes.use(s)} for m, t, s in us],
        }
    )
    current: dict[str, int] = {"USA": us[-1][1]}
    contingents = []
    for iso in sorted(recs):
        if iso == "USA" or iso in left:
            continue
        pts = recs[iso]
        contingents.append(
            {
                "id": f"{iso.lower()}_contingent",
                "name": f"{names[iso]} contingent (MNF-I)",
                "nation": iso,
                "command": "us",
                "history": [{"month": m, "troops": t, "source": notes.use(s)} for m, t, s in pts],
            }
        )
        current[iso] = pts[-1][1]
    forces.extend(contingents)
    total = sum(v for k, v in current.items() if k != "USA")
    summary["contingents"] = {k: v for k, v in current.items() if k != "USA"}
    summary["contingent_months"] = {c["nation"]: c["history"][-1]["month"] for c in contingents}
    summary["non_us_total"] = total
    summary["brookings_dec2006"] = brookings_non_us_dec2006(raw)
    summary["us_current"] = current["USA"]
    notes.use("BROOKINGS_IRAQ_INDEX")
    return forces, current


# Nations ----------------------------------------------------------------------------------------
def derive_nations(
    raw: Path,
    notes: Notes,
    summary: dict[str, Any],
    nation_list: list[dict[str, str]],
    iraq_current: dict[str, int],
) -> list[dict[str, Any]]:
    alias = nation_aliases(nation_list)
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
    unhcr = pd.read_csv(raw / "unhcr_refugees" / "unhcr_iraq_origin_2000_2012.csv")
    troops = pd.read_csv(raw / "us_troopdata" / "troopdata-rebuild-country-year.csv")
    cconv = pd.read_csv(raw / "country_converter" / "country_data.tsv", sep="\t")
    nato = pd.read_csv(raw / "compiled_facts" / "nato_membership.csv")

    gtd_types = [c for c in gtd.columns if c not in ("Entity", "Year")]
    if len(gtd_types) != 9:
        raise SystemExit(f"GTD file: expected 9 attack-type columns, got {gtd_types}")
    nato_2006 = {
        alias[c] for c, y in zip(nato.country, nato.accession_year, strict=True) if int(y) <= 2006
    }
    eu = set(cconv.loc[cconv["EU27_2007"].notna(), "ISO3"])
    hosted = unhcr[unhcr.year == 2006].groupby("coa_iso")[["refugees", "asylum_seekers"]].sum()
    us_hosted = troops[troops.year == 2006].set_index("iso3c")["troops_ad"]
    gtd_entities = set(gtd.Entity)

    fallbacks = {(r["nation"], r["field"]): r for r in read_compiled("fallbacks.csv")}
    deployments = read_compiled("deployments_2006.csv")
    un_rows = read_compiled("un_peacekeepers_2006.csv")
    opposition = {r["nation"]: r for r in read_compiled("opposition_2003.csv")}
    kin: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in read_compiled("kin_groups.csv"):
        kin[r["nation"]].append((r["kin_group"], r["source_id"]))
    caveats = {r["nation"]: r for r in read_compiled("caveats_2006.csv")}
    hubs = {r["nation"]: r for r in read_compiled("logistics_hubs.csv")}

    recs = coalition_records(raw, alias)
    peak, left = coalition_status(raw, alias, recs)
    with (raw / "compiled_facts" / "us_troops_iraq_key_dates.csv").open(newline="") as fh:
        us_key = [
            r
            for r in csv.DictReader(fh)
            if r["who"] == "US" and re.fullmatch(r"\d{4}-\d{2}", r["date"]) and month_ok(r["date"])
        ]
    us_peak = max(us_key, key=lambda r: int(r["troops"]))
    peak["USA"] = (int(us_peak["troops"]), "US_TROOPS_AP_2008")  # the patron's own peak

    missing: dict[str, list[str]] = defaultdict(list)
    rows = []
    for nat in sorted(nation_list, key=lambda r: r["iso3"]):
        iso, ccode = nat["iso3"], int(nat["cow_ccode"])
        row: dict[str, Any] = {"id": iso, "name": nat["name"]}

        # population and personnel: COW NMC 2006 (or nearest earlier year)
        n = nmc[(nmc.ccode == ccode) & (nmc.year <= 2006)].sort_values("year")
        tp = n[n.tpop >= 0].iloc[-1]
        if int(tp.year) != 2006:
            notes.add("COW_NMC6", f"{iso} population from {int(tp.year)}")
        row["population_millions"] = fmt(tp.tpop / 1000, 3)
        row["population_millions__source"] = notes.use("COW_NMC6")
        mp = n[n.milper >= 0].iloc[-1]
        if (iso, "active_personnel") in fallbacks:
            fb = fallbacks[(iso, "active_personnel")]
            row["active_personnel"] = int(fb["value"])
            row["active_personnel__source"] = notes.use(fb["source_id"])
            notes.add(
                "COW_NMC6",
                f"{iso} active personnel replaced by {fb['source_id']} "
                f"(COW milper {int(mp.milper)}k)",
            )
        else:
            if int(mp.year) != 2006:
                notes.add("COW_NMC6", f"{iso} milper from {int(mp.year)}")
            row["active_personnel"] = int(mp.milper) * 1000
            row["active_personnel__source"] = notes.use("COW_NMC6")

        # spending: SIPRI constant 2019 US$ (nearest earlier year), else COW milex
        s = (
            sipri[(sipri.Entity == nat["owid_name"]) & (sipri.Year <= 2006)]
            .dropna(subset=["military_expenditure"])
            .sort_values("Year")
        )
        if len(s):
            last = s.iloc[-1]
            if int(last.Year) != 2006:
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
                "US$ (no SIPRI figure <= 2006; not constant 2019 US$)",
            )

        # GDP per capita: Maddison 2006 (nearest earlier year) or compiled fallback
        m = (
            madd[(madd.Entity == nat["owid_name"]) & (madd.Year <= 2006)]
            .dropna(subset=["GDP per capita"])
            .sort_values("Year")
        )
        if len(m):
            last = m.iloc[-1]
            if int(last.Year) != 2006:
                notes.add("MADDISON_OWID", f"{iso} from {int(last.Year)}")
            row["gdp_per_capita"] = fmt(last["GDP per capita"], 0)
            row["gdp_per_capita__source"] = notes.use("MADDISON_OWID")
        else:
            fb = fallbacks[(iso, "gdp_per_capita")]
            row["gdp_per_capita"] = fmt(float(fb["value"]), 0)
            row["gdp_per_capita__source"] = notes.use(fb["source_id"])

        # deployments abroad, late 2006
        parts: list[tuple[int, str]] = []
        if iso in iraq_current:
            src = "BROOKINGS_IRAQ_INDEX" if iso == "USA" else recs[iso][-1][2]
            parts.append((iraq_current[iso], src))
        for d in deployments:
            if d["nation"] == iso and month_ok(d["as_of"]):
                parts.append((int(d["troops"]), d["source_id"]))
        un_val, un_src = 0, ""
        for lst in ("top10_end2006", "top10_31oct2006"):
            hit = [r for r in un_rows if r["nation"] == iso and r["list"] == lst]
            if hit:
                un_val, un_src = int(hit[0]["uniformed_personnel"]), hit[0]["source_id"]
                break
        if not un_src:
            pledge = [d for d in deployments if d["nation"] == iso and d["operation"] == "UNIFIL"]
            if pledge:
                un_val, un_src = int(pledge[0]["troops"]), pledge[0]["source_id"]
        if un_src and un_src != "UNIFIL_PLEDGES_2006":
            parts.append((un_val, un_src))
        if parts:
            row["deployed_abroad"] = sum(p[0] for p in parts)
            row["deployed_abroad__source"] = notes.use(";".join(sorted({p[1] for p in parts})))
        else:
            row["deployed_abroad"] = 0
            row["deployed_abroad__source"] = notes.use("NO_FIGURE")
            missing["deployed_abroad"].append(iso)
        row["un_peacekeepers"] = un_val
        row["un_peacekeepers__source"] = notes.use(un_src or "NO_FIGURE")
        if not un_src:
            missing["un_peacekeepers"].append(iso)

        row["nato"] = "true" if iso in nato_2006 else "false"
        row["nato__source"] = notes.use("NATO_MEMBERS")
        row["eu"] = "true" if iso in eu else "false"
        row["eu__source"] = notes.use("CCONV_EU")
        w = wrp[(wrp.state == ccode) & (wrp.year == 2005)].iloc[0]
        share = w["total muslims"] / w["population in independent states"]
        row["muslim_majority"] = "true" if share > 0.5 else "false"
        row["muslim_majority__source"] = notes.use("COW_WRP")
        row["neighbour"] = "true" if iso in IRAQ_NEIGHBOURS else "false"
        row["neighbour__source"] = notes.use("CIA_BORDERS")

        if iso in hosted.index:
            h = hosted.loc[iso]
            row["refugees_hosted"] = int(h.refugees + h.asylum_seekers)
        else:
            row["refugees_hosted"] = 0
        row["refugees_hosted__source"] = notes.use("UNHCR_2025")

        if nat["gtd_name"] in gtd_entities:
            g = gtd[(gtd.Entity == nat["gtd_name"]) & gtd.Year.between(2002, 2006)]
            row["terrorism_incidents"] = int(g[gtd_types].to_numpy().sum())
        else:
            row["terrorism_incidents"] = 0
            notes.add("GTD_OWID", f"{iso} absent from the file (no incident recorded)")
        row["terrorism_incidents__source"] = notes.use("GTD_OWID")

        e = energy[(energy.Entity == nat["energy_name"]) & (energy.Year <= 2006)]
        e = e.dropna().sort_values("Year")
        if len(e):
            last = e.iloc[-1]
            if int(last.Year) != 2006:
                notes.add("WDI_ENERGY_OWID", f"{iso} from {int(last.Year)}")
            row["energy_import_share"] = fmt(last.iloc[2], 1)
            row["energy_import_share__source"] = notes.use("WDI_ENERGY_OWID")
        else:
            row["energy_import_share"] = ""
            row["energy_import_share__source"] = notes.use("NO_FIGURE")
            missing["energy_import_share"].append(iso)

        if iso == "USA":
            row["us_troops_hosted"] = 0
            notes.add("TROOPDATA", "USA = 0 by definition (the patron is not its own host)")
        else:
            row["us_troops_hosted"] = int(us_hosted.get(iso, 0))
        row["us_troops_hosted__source"] = notes.use("TROOPDATA")

        if iso in opposition:
            row["opposed_intervention"] = "true"
            row["opposed_intervention__source"] = notes.use(opposition[iso]["source_id"])
        else:
            row["opposed_intervention"] = "false"
            row["opposed_intervention__source"] = notes.use(
                ";".join(sorted({s for _, _, s in recs[iso]})) if iso in recs else "NO_FIGURE"
            )
            if iso not in recs:
                missing["opposed_intervention (coded false, not found as opposing)"].append(iso)

        if iso in peak:
            row["coalition_peak"] = peak[iso][0]
            row["coalition_peak__source"] = notes.use(peak[iso][1])
        else:
            row["coalition_peak"] = 0
            row["coalition_peak__source"] = notes.use("NO_FIGURE")
            if nat["why_included"].startswith("Iraq-coalition"):
                missing["coalition_peak (coalition partner without a figure)"].append(iso)
        if iso in left:
            row["coalition_left"] = left[iso][0]
            row["coalition_left__source"] = notes.use(left[iso][1])
        else:
            row["coalition_left"] = ""
            row["coalition_left__source"] = ""

        if iso in kin:
            row["kin_groups"] = ";".join(sorted(k for k, _ in kin[iso]))
            row["kin_groups__source"] = notes.use(";".join(sorted({s for _, s in kin[iso]})))
        else:
            row["kin_groups"] = ""
            row["kin_groups__source"] = ""
        if iso in caveats:
            cv = caveats[iso]
            row["max_roe"] = cv["max_roe"]
            row["max_roe__source"] = notes.use(cv["source_ids"])
            row["caveats"] = cv["caveats"]
            row["caveats__source"] = notes.use(cv["source_ids"])
        else:
            row["max_roe"] = row["max_roe__source"] = row["caveats"] = row["caveats__source"] = ""
        if iso in hubs:
            row["logistics_hub"] = "true"
            row["logistics_hub__source"] = notes.use(hubs[iso]["source_id"])
        else:
            row["logistics_hub"] = "false"
            row["logistics_hub__source"] = ""
        rows.append(row)

    for field, isos in sorted(missing.items()):
        notes.add("NO_FIGURE", f"{field} - {', '.join(sorted(isos))}")
    summary["missing"] = {k: sorted(v) for k, v in missing.items()}
    summary["nations"] = len(rows)
    return rows


NATION_FIELDS = [
    "population_millions",
    "gdp_per_capita",
    "active_personnel",
    "military_spending_musd",
    "deployed_abroad",
    "nato",
    "eu",
    "muslim_majority",
    "neighbour",
    "refugees_hosted",
    "terrorism_incidents",
    "energy_import_share",
    "us_troops_hosted",
    "un_peacekeepers",
    "opposed_intervention",
    "coalition_peak",
    "coalition_left",
    "kin_groups",
    "max_roe",
    "caveats",
    "logistics_hub",
]


# Observations -----------------------------------------------------------------------------------
def ibc_province_months(raw: Path) -> dict[tuple[str, str], int]:
    """IBC maximum civilian deaths per (region id, month) from the derived province-month table."""
    beger = {r[3]: r[0] for r in REGIONS}
    pm = pd.read_csv(raw / "ibc" / "ibc_province_month_derived.csv")
    unknown = set(pm.Province) - set(beger)
    if unknown:
        raise SystemExit(f"unmapped IBC provinces: {sorted(unknown)}")
    return {(beger[r.Province], r.month): int(r.deaths_max) for r in pm.itertuples()}


def ibc_events(raw: Path) -> tuple[pd.DataFrame, int]:
    """IBC incidents with a ``month`` and ``deaths`` (reported maximum); and how many are undated."""
    ev = pd.read_csv(raw / "ibc" / "IBC_event.csv", keep_default_na=False, encoding="latin-1")
    start = pd.to_datetime(ev["Start.Date"], format="%d %b %Y", errors="coerce")
    ev = ev[start.notna()].copy()
    ev["month"] = start[start.notna()].dt.strftime("%Y-%m")
    ev["deaths"] = pd.to_numeric(ev["Reported.Maximum"])
    return ev, int(start.isna().sum())


def ibc_national_months(raw: Path) -> dict[str, int]:
    """IBC's national monthly maximum of recorded civilian deaths, by month."""
    lines = (
        (raw / "ibc" / "IBC_Maximum_recorded_killed_from_2003_to_2011_by_month.csv")
        .read_text(encoding="latin-1")
        .splitlines()
    )
    first = next(i for i, line in enumerate(lines) if line.startswith('"Period Starting"'))
    return {
        dt.datetime.strptime(rec[0], "%b %Y").strftime("%Y-%m"): int(rec[1])
        for rec in csv.reader(lines[first + 1 :])
        if len(rec) >= 2 and rec[0]
    }


def derive_observations(raw: Path, notes: Notes, summary: dict[str, Any]) -> list[dict[str, Any]]:
    months = months_between(OBS_FIRST, INFO_MONTH)
    beger = {r[3]: r[0] for r in REGIONS}
    rows: list[dict[str, Any]] = []

    # IBC governorate-month (derived table) and a recomputation from the incident file
    table = ibc_province_months(raw)
    ev, summary["ibc_undated"] = ibc_events(raw)  # one undated record reads "upto" (2008)
    located = ev[ev.Province != "NA"].groupby(["Province", "month"]).deaths.sum()
    mismatch = sum(
        1
        for (prov, mo), v in located.items()
        if mo in months and table.get((beger[prov], mo), 0) != int(v)
    )
    summary["ibc_recompute_mismatches"] = mismatch
    for rid in REGION_IDS:
        for mo in months:
            rows.append(
                {
                    "series": "civilian_deaths",
                    "month": mo,
                    "region": rid,
                    "value": table.get((rid, mo), 0),
                    "source": notes.use("IBC_BEGER"),
                }
            )
    unl = ev[ev.Province == "NA"].groupby("month").deaths.sum()
    for mo in months:
        rows.append(
            {
                "series": "civilian_deaths_unlocated",
                "month": mo,
                "region": "",
                "value": int(unl.get(mo, 0)),
                "source": notes.use("IBC_BEGER"),
            }
        )

    # IBC national monthly series
    national = ibc_national_months(raw)
    for mo in months:
        rows.append(
            {
                "series": "civilian_deaths_national",
                "month": mo,
                "region": "",
                "value": national[mo],
                "source": notes.use("IBC_MONTHLY"),
            }
        )
    summary["ibc_2006"] = {
        "national": sum(national[m] for m in months if m.startswith("2006")),
        "governorates": sum(
            table.get((r, m), 0) for r in REGION_IDS for m in months if m.startswith("2006")
        ),
        "unlocated": int(sum(unl.get(m, 0) for m in months if m.startswith("2006"))),
    }

    # insurgent attacks, 2006-01 .. 2006-09 (IED + SAF + other)
    sig = pd.read_csv(raw / "iraq_sigact_geocausal" / "iraq_events_governorate_month_derived.csv")
    sig["gov"] = sig.governorate.str.rstrip("*")
    ocha = {r[2]: r[0] for r in REGIONS}
    unknown = set(sig.gov) - set(ocha)
    if unknown:
        raise SystemExit(f"unmapped SIGACT governorates: {sorted(unknown)}")
    sig["rid"] = sig.gov.map(ocha)
    sig["attacks"] = sig.IED + sig.SAF + sig.other
    sig = sig[sig.month.map(lambda m: month_ok(m, OBS_FIRST))]
    att = sig.groupby(["rid", "month"]).attacks.sum()
    sig_months = sorted(set(sig.month))
    for rid in REGION_IDS:
        for mo in sig_months:
            rows.append(
                {
                    "series": "insurgent_attacks",
                    "month": mo,
                    "region": rid,
                    "value": int(att.get((rid, mo), 0)),
                    "source": notes.use("GEOCAUSAL_SIGACT"),
                }
            )
    summary["attack_months"] = (sig_months[0], sig_months[-1])

    # UNHCR: IDPs in Iraq and Iraqi refugees abroad at end of year
    un = pd.read_csv(raw / "unhcr_refugees" / "unhcr_iraq_origin_2000_2012.csv")
    for year in (2005, 2006):
        idp = un[(un.year == year) & (un.coa_iso == "IRQ")].idps.sum()
        rows.append(
            {
                "series": "internally_displaced",
                "month": f"{year}-12",
                "region": "",
                "value": int(idp),
                "source": notes.use("UNHCR_2025"),
            }
        )
    for year in (2004, 2005, 2006):
        ref = un[un.year == year].refugees.sum()
        rows.append(
            {
                "series": "refugees_abroad",
                "month": f"{year}-12",
                "region": "",
                "value": int(ref),
                "source": notes.use("UNHCR_2025"),
            }
        )
    rows.sort(key=lambda r: (r["series"], r["region"], r["month"]))
    return rows


# Sources ----------------------------------------------------------------------------------------
def write_sources(notes: Notes, path: Path) -> tuple[int, list[str]]:
    master = {r["id"]: r for r in read_compiled("sources_master.csv")}
    missing = sorted(notes.used - set(master))
    if missing:
        raise SystemExit(f"source ids used but not in sources_master.csv: {missing}")
    rows = []
    for sid in sorted(notes.used):
        r = dict(master[sid])
        extra = notes.items.get(sid)
        if extra:
            joined = "; ".join(sorted(set(extra)))
            r["note"] = (r["note"] + " " if r["note"] else "") + f"Per-nation notes - {joined}."
        rows.append(r)
    write_csv(path, ["id", "citation", "url", "licence", "note"], rows)
    unused = sorted(set(master) - notes.used)
    return len(rows), unused


# Checks -----------------------------------------------------------------------------------------
def self_check(summary: dict[str, Any]) -> list[str]:
    problems = []
    lo, hi = CHECK_SPREAD
    if not lo <= summary["population_total"] <= hi:
        total = summary["population_total"]
        problems.append(f"population total {total:,} outside {lo:,.0f}-{hi:,.0f}")
    adj = summary["adjacency"]
    for a, nbs in adj.items():
        for b in nbs:
            if a not in adj[b]:
                problems.append(f"adjacency not symmetric: {a} -> {b}")
    if set(adj["baghdad"]) != {"anbar", "salah_al_din", "diyala", "wasit", "babil"}:
        problems.append(f"unexpected Baghdad neighbours {adj['baghdad']}")
    if not {"dhi_qar", "maysan", "muthanna"} <= set(adj["basrah"]):
        problems.append(f"unexpected Basrah neighbours {adj['basrah']}")
    for rid, c in summary["comp"].items():
        if sum(c.values()) != 1000:
            problems.append(f"composition of {rid} sums to {sum(c.values())}/1000")
    if summary["host_total"] != 322600:
        problems.append("host forces do not sum to 322,600")
    return problems


def validate_with_project(out: Path) -> list[str]:
    """Parse every table through the project's own loader and validate records individually."""
    try:
        from grudging.scenario.io import LIST_FIELDS, SourceMap, read_table
        from grudging.scenario.schema import Force, Nation, Observation, Region, Source
    except ImportError as err:  # pragma: no cover - only outside the project environment
        return [f"project loader not importable ({err}); run with 'uv run'"]
    errors = []
    smap = SourceMap(main="check")
    tables = out / "tables"
    checks = [
        ("sources", "sources.csv", Source),
        ("regions", "regions.csv", Region),
        ("nations", "nations.csv", Nation),
        ("observations", "observations.csv", Observation),
    ]
    ids: dict[str, set[str]] = {}
    for key, name, model in checks:
        records = read_table(tables / name, key, smap, LIST_FIELDS)
        for rec in records:
            try:
                model.model_validate(rec)
            except Exception as err:
                errors.append(f"{name}: {rec.get('id', rec.get('series'))}: {err}")
        ids[key] = {str(r.get("id")) for r in records}
    forces = yaml.safe_load((tables / "forces.yaml").read_text(encoding="utf-8"))
    for rec in forces:
        try:
            Force.model_validate(rec)
        except Exception as err:
            errors.append(f"forces.yaml: {rec.get('id')}: {err}")
    srcs = ids["sources"]
    for key, name, _ in checks[1:]:
        for rec in read_table(tables / name, key, smap, LIST_FIELDS):
            refs = list((rec.get("sources") or {}).values())
            if "source" in rec:
                refs.append(rec["source"])
            for ref in refs:
                for one in str(ref).split(";"):
                    if one.strip() and one.strip() not in srcs:
                        errors.append(f"{name}: unknown source id {one!r}")
    for rec in forces:
        for pt in rec["history"]:
            if pt.get("source") not in srcs:
                errors.append(f"forces.yaml: unknown source id {pt.get('source')!r}")
    return errors


# Main -------------------------------------------------------------------------------------------
def raw_folder(doc: str | None, argv: list[str] | None) -> Path | None:
    """The ``--raw`` folder of a derivation script (relative to the repository root), or ``None``
    with a message when it is not the raw data folder."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument(
        "--raw",
        default="../shared/data/raw",
        help="raw data folder (relative paths are taken from the repository root)",
    )
    args = parser.parse_args(argv)
    raw = Path(args.raw)
    if not raw.is_absolute():
        raw = (REPO / raw).resolve()
    if not (raw / "compiled_facts").is_dir():
        print(f"error: {args.raw} is not the raw data folder (no compiled_facts/)", file=sys.stderr)
        return None
    return raw


def main(argv: list[str] | None = None) -> int:
    raw = raw_folder(__doc__, argv)
    if raw is None:
        return 2
    (OUT / "tables").mkdir(parents=True, exist_ok=True)
    notes, summary = Notes(), {}
    nation_list = read_compiled("nation_list.csv")

    regions = derive_regions(raw, notes, summary)
    write_csv(OUT / "tables" / "regions.csv", list(regions[0]), regions)
    forces, current = derive_forces(raw, notes, summary, nation_list)
    (OUT / "tables" / "forces.yaml").write_text(
        "# Forces present in Iraq at the information date (Dec 2006). Generated by\n"
        "# scripts/derive_iraq_2007.py - do not edit by hand.\n"
        + yaml.safe_dump(forces, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )
    nations = derive_nations(raw, notes, summary, nation_list, current)
    header = ["id", "name"]
    for f in NATION_FIELDS:
        header += [f, f"{f}__source"]
    write_csv(OUT / "tables" / "nations.csv", header, nations)
    obs = derive_observations(raw, notes, summary)
    obs_header = ["series", "month", "region", "value", "source"]
    write_csv(OUT / "tables" / "observations.csv", obs_header, obs)
    n_sources, unused = write_sources(notes, OUT / "tables" / "sources.csv")

    # Summary ------------------------------------------------------------------------------------
    st = summary["population_stats"]
    print("== iraq-2007 derivation: check summary")
    print(
        f"population mid-2007: {summary['population_total']:,} "
        f"(national geometric extrapolation {st['national']:,.0f}; sum of per-governorate "
        f"extrapolations {st['unadjusted_sum']:,.0f} unadjusted, {st['dahuk_fixed_sum']:,.0f} "
        f"with Dahuk's rate {st['dahuk_rate_raw']:.1%} -> {st['dahuk_rate_used']:.1%}; "
        f"common scale {st['scale']:.4f}); check spread 29.7-29.8 M"
    )
    approx = summary["composition_approx"]
    print(
        f"composition: every row sums to 1.000; approximate (not final results): "
        f"{len(approx)} of 18 -> {', '.join(approx)}"
    )
    print(f"adjacency Baghdad: {', '.join(summary['adjacency']['baghdad'])}")
    print(f"adjacency Basrah:  {', '.join(summary['adjacency']['basrah'])}")
    print("borders: " + "; ".join(f"{r} {'/'.join(b)}" for r, b in summary["borders"].items() if b))
    print(
        "border stretch lengths (km): "
        + ", ".join(f"{k} {v:.0f}" for k, v in summary["border_km"].items())
    )
    print(f"host forces allocated: {summary['host_total']:,}")
    n_feat, n_invalid = summary["geojson"]
    print(f"geojson: {n_feat} features, {n_invalid} invalid after rounding")
    print(f"nations: {summary['nations']}")
    print(
        f"US force Dec 2006: {summary['us_current']:,}; non-US contingents present Dec 2006: "
        f"{len(summary['contingents'])}, total {summary['non_us_total']:,} vs Brookings "
        f"{summary['brookings_dec2006']:,} "
        f"({summary['non_us_total'] / summary['brookings_dec2006'] - 1:+.1%})"
    )
    print(
        "  "
        + ", ".join(
            f"{k} {v:,} ({summary['contingent_months'][k]})"
            for k, v in sorted(summary["contingents"].items())
        )
    )
    ibc = summary["ibc_2006"]
    print(
        f"IBC 2006: national {ibc['national']:,}; governorate incidents {ibc['governorates']:,} "
        f"+ unlocated {ibc['unlocated']:,}; recomputation mismatches vs derived table: "
        f"{summary['ibc_recompute_mismatches']}"
    )
    first, last = summary["attack_months"]
    print(f"insurgent attacks months: {first} .. {last}")
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

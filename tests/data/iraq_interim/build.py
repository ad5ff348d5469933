"""Build the interim Iraq test scenario of the coalition stages from the project's raw data.

An interim stand-in for the iraq-2007 data tables (nations, regions, observations) that another
branch produces: it lets the coalition stages and the willingness calibration be tested on real
nations and governorates before that merge. Run from the repository root::

    uv run python tests/data/iraq_interim/build.py [RAW_DIR]

(default RAW_DIR: ../shared/data/raw). It writes nations.csv, regions.csv and observations.csv
next to this file. Figures come from the raw sources named in each column's comment below; the
codings marked JUDGEMENT (opposition to the 2003 intervention, caveats, ROE limits, kin groups,
group shares of mixed governorates, host forces) are this builder's interim guesses, to be
replaced by the data tables' sourced values. deployed_abroad is left at 0 (no data here).
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
YEAR = 2006

# ISO3 -> name of the candidate nations: the MNF-I contributors in the compiled tables and
# plausible others (NATO/EU members outside the coalition, neighbours, large UN contributors).
NATIONS = {
    "ALB": "Albania", "ARM": "Armenia", "AUS": "Australia", "AZE": "Azerbaijan",
    "BGR": "Bulgaria", "BIH": "Bosnia and Herzegovina", "CZE": "Czech Republic",
    "DNK": "Denmark", "DOM": "Dominican Republic", "ESP": "Spain", "EST": "Estonia",
    "GBR": "United Kingdom", "GEO": "Georgia", "HND": "Honduras", "HUN": "Hungary",
    "ITA": "Italy", "JPN": "Japan", "KAZ": "Kazakhstan", "KOR": "South Korea",
    "LTU": "Lithuania", "LVA": "Latvia", "MDA": "Moldova", "MKD": "Macedonia",
    "MNG": "Mongolia", "NIC": "Nicaragua", "NLD": "Netherlands", "NOR": "Norway",
    "NZL": "New Zealand", "PHL": "Philippines", "POL": "Poland", "PRT": "Portugal",
    "ROU": "Romania", "SLV": "El Salvador", "SVK": "Slovakia", "SVN": "Slovenia",
    "THA": "Thailand", "UKR": "Ukraine",
    "FRA": "France", "DEU": "Germany", "BEL": "Belgium", "CAN": "Canada", "GRC": "Greece",
    "TUR": "Turkey", "JOR": "Jordan", "EGY": "Egypt", "PAK": "Pakistan", "IND": "India",
    "BGD": "Bangladesh", "MYS": "Malaysia", "IDN": "Indonesia", "MAR": "Morocco",
    "SAU": "Saudi Arabia", "KWT": "Kuwait", "RUS": "Russia", "CHN": "China", "SWE": "Sweden",
    "FIN": "Finland", "AUT": "Austria", "IRL": "Ireland", "CHE": "Switzerland",
    "BRA": "Brazil", "ARG": "Argentina", "CHL": "Chile", "MEX": "Mexico", "LUX": "Luxembourg",
    "HRV": "Croatia", "NPL": "Nepal", "GHA": "Ghana", "URY": "Uruguay", "NGA": "Nigeria",
    "ZAF": "South Africa", "IRN": "Iran", "SYR": "Syria", "USA": "United States",
}
# JUDGEMENT: governments that opposed the 2003 intervention.
OPPOSED = {"FRA", "DEU", "BEL", "CAN", "GRC", "TUR", "RUS", "CHN", "MEX", "CHL", "LUX", "AUT",
           "CHE", "SWE", "IRL", "MYS", "IDN", "PAK", "EGY", "SAU", "SYR", "IRN", "BRA", "ARG",
           "NZL", "NOR", "MAR", "IND", "BGD", "ZAF"}
NEIGHBOURS = {"TUR", "SYR", "IRN", "JOR", "SAU", "KWT"}
HUBS = {"KWT", "TUR", "JOR"}
KIN = {"IRN": "shia_arab", "SAU": "sunni_arab", "JOR": "sunni_arab", "SYR": "sunni_arab",
       "TUR": "turkmen"}  # JUDGEMENT
ROE = {"DEU": "civilian_protection", "JPN": "self_defence", "KOR": "civilian_protection",
       "THA": "self_defence", "CHE": "self_defence", "AUT": "civilian_protection",
       "IRL": "civilian_protection", "FIN": "civilian_protection", "SWE": "civilian_protection",
       "CHN": "self_defence", "NPL": "civilian_protection", "BGD": "civilian_protection",
       "GHA": "civilian_protection", "URY": "civilian_protection", "NGA": "civilian_protection",
       "IND": "civilian_protection", "PAK": "civilian_protection"}  # JUDGEMENT
CAVEATS = {"DEU": "regional_restriction;national_approval", "ITA": "national_approval",
           "ESP": "regional_restriction", "JPN": "no_offensive", "KOR": "no_offensive",
           "NLD": "national_approval", "TUR": "national_approval",
           "GRC": "regional_restriction", "BEL": "no_night_operations",
           "HUN": "no_offensive"}  # JUDGEMENT (in the spirit of ISAF caveats)
# Iraq-origin refugees hosted, UNHCR (unhcr_iraq_origin_2000_2012.csv, 2006).

GOVERNORATES = {  # OCHA name -> (id, IBC province name)
    "Anbar": ("anbar", "Anbar"), "Babylon": ("babil", "Babil"),
    "Baghdad": ("baghdad", "Baghdad"), "Basrah": ("basrah", "Basra"),
    "Dahuk": ("dahuk", "Dahuk"), "Diyala": ("diyala", "Diyala"), "Erbil": ("erbil", "Arbil"),
    "Kerbala": ("kerbala", "Karbala"), "Missan": ("missan", "Maysan"),
    "Muthanna": ("muthanna", "Muthanna"), "Najaf": ("najaf", "Najaf"),
    "Ninewa": ("ninewa", "Nineveh"), "Qadissiya": ("qadissiya", "Qadisiyyah"),
    "Salah al-Din": ("salah_al_din", "Salah ad Din"),
    "Sulaymaniyah": ("sulaymaniyah", "Sulaymaniyah"), "Kirkuk": ("kirkuk", "Kirkuk"),
    "Thi-Qar": ("thi_qar", "Dhi Quar"), "Wassit": ("wassit", "Wasit"),
}
BORDERS = {  # foreign nations each governorate borders (geography)
    "dahuk": "TUR;SYR", "erbil": "TUR;IRN", "sulaymaniyah": "IRN", "diyala": "IRN",
    "wassit": "IRN", "missan": "IRN", "basrah": "IRN;KWT", "muthanna": "SAU;KWT",
    "najaf": "SAU", "anbar": "SYR;JOR;SAU", "ninewa": "SYR",
}
MIXED = {  # JUDGEMENT: shares of the mixed governorates (Dec 2005 vote shares as a guide)
    "baghdad": {"shia_arab": 0.70, "sunni_arab": 0.25, "kurd": 0.02, "other": 0.03},
    "diyala": {"sunni_arab": 0.48, "shia_arab": 0.38, "kurd": 0.12, "other": 0.02},
    "ninewa": {"sunni_arab": 0.55, "kurd": 0.25, "turkmen": 0.05, "other": 0.15},
    "kirkuk": {"kurd": 0.45, "sunni_arab": 0.25, "turkmen": 0.25, "shia_arab": 0.05},
    "salah_al_din": {"sunni_arab": 0.80, "shia_arab": 0.10, "turkmen": 0.08, "other": 0.02},
    "anbar": {"sunni_arab": 0.97, "shia_arab": 0.02, "other": 0.01},
    "babil": {"shia_arab": 0.80, "sunni_arab": 0.18, "other": 0.02},
}
HOST_ISF = 323_000  # JUDGEMENT: Iraqi army and police trained and equipped, Jan 2007 (MNSTC-I)
HOST_PESHMERGA = 100_000  # JUDGEMENT: Kurdish regional guard, in the three Kurdish governorates


def _regex_codes(raw: Path) -> list[tuple[re.Pattern[str], str]]:
    out = []
    with (raw / "country_converter/country_data.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["regex"] and row["ISO3"]:
                out.append((re.compile(row["regex"], re.IGNORECASE), row["ISO3"]))
    return out


def _iso(name: str, codes: list[tuple[re.Pattern[str], str]]) -> str | None:
    hits = {c for p, c in codes if p.search(str(name))}
    return hits.pop() if len(hits) == 1 else None


def _gw(raw: Path) -> dict[str, int]:
    out = {}
    with (raw / "country_converter/country_data.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["GWcode"] and row["ISO3"]:
                with contextlib.suppress(ValueError):
                    out[row["ISO3"]] = int(float(row["GWcode"]))
    return out


def nations(raw: Path) -> pd.DataFrame:
    codes = _regex_codes(raw)
    gw = _gw(raw)
    gw.update({"DEU": 255, "SRB": 345, "CZE": 316})
    nmc = pd.read_csv(raw / "cow_nmc/NMC-60-abridged.csv")
    nmc = nmc[nmc.year == YEAR].set_index("ccode")
    mad = pd.read_csv(raw / "owid_maddison/Maddison Project Database 2020 (Bolt and van Zanden "
                            "(2020)).csv")
    mad = mad[mad.Year == YEAR].copy()
    mad["iso"] = mad.Entity.map(lambda n: _iso(n, codes))
    mad = mad[mad.Entity != "Czechoslovakia"].dropna(subset=["iso"]).set_index("iso")
    energy = pd.read_csv(raw / "owid_energy_imports/Energy imports (% energy use) - World Bank "
                               "(2014).csv")
    energy = energy[energy.Year == YEAR].copy()
    energy["iso"] = energy.Entity.map(lambda n: _iso(n, codes))
    energy = energy.dropna(subset=["iso"]).groupby("iso").first()
    energy_col = "Energy imports (World Bank (2014))"
    gtd = pd.read_csv(raw / "owid_gtd/Terrorist attacks by type - Global Terrorism Database "
                            "(2018).csv")
    gtd = gtd[(gtd.Year >= YEAR - 4) & (gtd.Year <= YEAR)].copy()
    gtd["iso"] = gtd.Entity.map(lambda n: _iso(n, codes))
    gtd["n"] = gtd.drop(columns=["Entity", "Year", "iso"]).sum(axis=1)
    terror = gtd.dropna(subset=["iso"]).groupby("iso").n.sum()
    unhcr = pd.read_csv(raw / "unhcr_refugees/unhcr_iraq_origin_2000_2012.csv")
    refugees = unhcr[unhcr.year == YEAR].groupby("coa_iso").refugees.sum()
    us = pd.read_csv(raw / "us_troopdata/troopdata-rebuild-country-year.csv")
    us = us[us.year == YEAR].groupby("iso3c").troops_ad.sum()
    nato = pd.read_csv(raw / "compiled_facts/nato_membership.csv")
    nato_iso = {_iso(c, codes) for c, m in zip(nato.country, nato.member_in_2007, strict=True)
                if m == 1}
    eu = set()
    with (raw / "country_converter/country_data.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["EU27_2007"] == "EU27_2007":
                eu.add(row["ISO3"])
    wrp = pd.read_csv(raw / "cow_world_religion/WRP_national.csv")
    wrp = wrp[wrp.year == 2005].set_index("state")
    pko = pd.read_csv(raw / "compiled_facts/un_pko_top_troop_contributors_2006-10-31.csv")
    peacekeepers = {_iso(c, codes): int(v) for c, v in zip(pko.country,
                                                          pko.uniformed_personnel, strict=True)}
    history = pd.read_csv(Path(__file__).resolve().parents[3] / "src/grudging/scenarios/"
                          "iraq-2007/calibration/coalition_2003_2006.csv").set_index("nation")

    rows = []
    for iso, name in NATIONS.items():
        cc = gw.get(iso)
        row_nmc = nmc.loc[cc] if cc in nmc.index else None
        if row_nmc is None:
            print(f"warning: no COW NMC row for {iso} (code {cc})")
        pop = float(mad.loc[iso, "Population"]) / 1e6 if iso in mad.index else (
            float(row_nmc.tpop) / 1000 if row_nmc is not None else 1.0)
        gdp = float(mad.loc[iso, "GDP per capita"]) if iso in mad.index else 5000.0
        milper = int(row_nmc.milper * 1000) if row_nmc is not None and row_nmc.milper > 0 else 500
        milex = float(row_nmc.milex) / 1000 if row_nmc is not None and row_nmc.milex > 0 else 10.0
        muslim = False
        if cc in wrp.index:
            w = wrp.loc[cc]
            muslim = float(w["total muslims"]) > 0.5 * float(w["population in independent states"])
        peak = int(history.loc[iso, "peak_troops"]) if iso in history.index else 0
        left = history.loc[iso, "withdrawn"] if iso in history.index else None
        rows.append({
            "id": iso,
            "name": name,
            "population_millions": round(pop, 3),
            "gdp_per_capita": round(gdp, 0),
            "active_personnel": milper,
            "military_spending_musd": round(milex, 1),
            "deployed_abroad": 0,
            "nato": iso in nato_iso,
            "eu": iso in eu,
            "muslim_majority": muslim,
            "neighbour": iso in NEIGHBOURS,
            "refugees_hosted": int(refugees.get(iso, 0)),
            "terrorism_incidents": int(terror.get(iso, 0)),
            "energy_import_share": round(float(energy.loc[iso, energy_col]), 1)
            if iso in energy.index else 0.0,
            "us_troops_hosted": int(us.get(iso, 0)),
            "un_peacekeepers": peacekeepers.get(iso, 0),
            "opposed_intervention": iso in OPPOSED,
            "coalition_peak": peak,
            "coalition_left": left if isinstance(left, str) and left else "",
            "kin_groups": KIN.get(iso, ""),
            "max_roe": ROE.get(iso, ""),
            "caveats": CAVEATS.get(iso, ""),
            "logistics_hub": iso in HUBS,
        })
    return pd.DataFrame(rows)


def regions(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    from shapely.geometry import shape

    gov = pd.read_csv(raw / "compiled_facts/iraq_governorates_2007_compiled.csv")
    geo = json.loads((raw / "iraq_boundaries/irq_admbnda_adm1_ocha_20140717_simplified.geojson")
                     .read_text())
    shapes = {GOVERNORATES[f["properties"]["name_en"]][0]: shape(f["geometry"]).buffer(0.02)
              for f in geo["features"]}
    rows = []
    total_pop = gov.pop_2007_interp_geohive.sum()
    kurd_pop = gov[gov.bloc_code == "Kurd"].pop_2007_interp_geohive.sum()
    for _, g in gov.iterrows():
        rid = GOVERNORATES[g.governorate][0]
        pop = int(g.pop_2007_interp_geohive)
        s = float(g.sunni_vote_share_dec2005_berman)
        if rid in MIXED:
            comp = MIXED[rid]
        elif g.bloc_code == "Kurd":
            comp = {"kurd": 0.93, "other": 0.05, "sunni_arab": 0.02}
        else:
            sunni = round(max(s, 0.02), 3)
            comp = {"shia_arab": round(0.98 - sunni, 3), "sunni_arab": sunni, "other": 0.02}
        neigh = sorted(o for o, poly in shapes.items() if o != rid and poly.intersects(shapes[rid]))
        host = HOST_ISF * pop / total_pop
        if g.bloc_code == "Kurd":
            host += HOST_PESHMERGA * pop / kurd_pop
        rows.append({
            "id": rid, "name": g.governorate, "code": g.pcode, "population": pop,
            "area_km2": float(g.area_km2),
            **{f"composition.{k}": v for k, v in comp.items()},
            "neighbours": ";".join(neigh), "borders": BORDERS.get(rid, ""),
            "host_forces": int(host),
        })
    ibc = pd.read_csv(raw / "ibc/ibc_province_month_derived.csv")
    by_ibc = {v[1]: v[0] for v in GOVERNORATES.values()}
    ibc = ibc[(ibc.month >= "2006-01") & (ibc.month <= "2006-12") & ibc.Province.isin(by_ibc)]
    obs = pd.DataFrame({
        "series": "civilian_deaths",
        "region": ibc.Province.map(by_ibc),
        "month": ibc.month,
        "value": ibc.deaths_max.astype(float),
        "source": "ibc_province_month",
    })
    return pd.DataFrame(rows), obs


def main() -> None:
    raw = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data/raw")
    nat = nations(raw)
    nat.to_csv(HERE / "nations.csv", index=False)
    reg, obs = regions(raw)
    reg.to_csv(HERE / "regions.csv", index=False)
    obs.to_csv(HERE / "observations.csv", index=False)
    print(f"wrote {len(nat)} nations, {len(reg)} regions, {len(obs)} observations")


if __name__ == "__main__":
    main()

"""Derive the case library: past peace operations as minimal cases (issue 18).

Reads the project's raw data folder and a hand coding, and writes one minimal case per episode to
``src/grudging/cases/library/<id>.yaml``, every field with its source:

* the episodes: every Fortna (2008) cease-fire starting 1990-1999 with a peace operation present
  (``pk_present = 1`` in the shipped ``grudging/calibration/data/settlements.csv``, derived by
  ``scripts/derive_settlements.py``); its ``agreement_signed`` gives ``agreement`` and its
  ``relapse_2y`` the recorded outcome, its ``ended_by`` (Fortna's ``outcome``) how the war ended;
* ``fortna_peacekeeping/pk_pkept.csv`` (Fortna 2008, first observation of each case): war deaths
  ``dead`` over war duration ``wardur`` give ``recent_deaths_per_year``. When a later episode of
  the same war (same country code, and the same war start or the same war total) follows in Fortna, the war total includes deaths
  after this episode's start: the case says so (``deaths_include_later: true``, and its source
  with the word LEAK; a known fault, reported separately by ``grudging cases``);
* ``owid_maddison`` (Maddison Project Database 2020, Bolt & van Zanden 2020, CC BY 4.0): population
  in the start year (or the latest year before it), unless the hand coding gives one;
* ``scripts/compiled/cases_coding.csv``: the force (name, command, planned troops, troops present
  at the start), whether the intervener is seen as a party, each with its source.

The rules are fixed in ``docs/design-notes/cases.md`` (section 3). Deterministic. Usage::

    uv run python scripts/derive_cases.py [--raw ../shared/data/raw]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODING = ROOT / "scripts" / "compiled" / "cases_coding.csv"
SETTLEMENTS = ROOT / "src" / "grudging" / "calibration" / "data" / "settlements.csv"
OUT = ROOT / "src" / "grudging" / "cases" / "library"
MADDISON = "owid_maddison/Maddison Project Database 2020 (Bolt and van Zanden (2020)).csv"
FORTNA = "fortna_peacekeeping/pk_pkept.csv"
MADDISON_NAMES = {
    "Yugoslavia-Croatia": "Croatia",
    "Croatia": "Croatia",
    "Bosnia": "Bosnia and Herzegovina",
    "Georgia-Abkhazia": "Georgia",
    "Georgia-Ossetia": "Georgia",
    "Iraq-Kurds": "Iraq",
    "Central African Rep.": "Central African Republic",
}
FORTNA_CITE = "Fortna 2008, Does Peacekeeping Work? (pk&pkept.dta)"
MADDISON_CITE = "Maddison Project Database 2020 (Bolt & van Zanden 2020), via Our World in Data"


def _num(text: str) -> float:
    return float(text) if text not in ("", "NA") else float("nan")


def _fortna(raw: Path) -> dict[str, dict[str, str]]:
    with (raw / FORTNA).open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["firstob"] == "1.0"]
    return {str(int(float(r["id"]))): r for r in rows}


def _population(raw: Path, country: str, year: int) -> tuple[int, int] | None:
    name = MADDISON_NAMES.get(country, country)
    best: tuple[int, int] | None = None
    with (raw / MADDISON).open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["Entity"] == name and r["Population"] and int(r["Year"]) <= year:
                y = int(r["Year"])
                if best is None or y > best[0]:
                    best = (y, round(float(r["Population"])))
    return best


def _q(text: str) -> str:
    """A YAML double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def derive(raw: Path) -> list[Path]:
    fortna = _fortna(raw)
    with SETTLEMENTS.open(encoding="utf-8") as fh:
        episodes = {r["episode"]: r for r in csv.DictReader(fh)}
    with CODING.open(encoding="utf-8") as fh:
        coding = list(csv.DictReader(fh))
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    for c in sorted(coding, key=lambda r: r["id"]):
        ep = episodes[c["episode"]]
        case_no = c["episode"].split(":")[1]
        f = fortna[case_no]
        later = [
            g
            for g in fortna.values()
            if g["ccode"] == f["ccode"]
            and (g["warstart"] == f["warstart"] or g["dead"] == f["dead"])
            and g["cfdate"] > f["cfdate"]
        ]
        rate = _num(f["dead"]) / _num(f["wardur"])
        leak = " - LEAK: the war total includes deaths after the start" if later else ""
        start = ep["start_date"][:7]
        year = int(start[:4])
        if c["population_override"]:
            pop = int(c["population_override"])
            pop_src = (
                "population of the conflict territory (no Maddison entry) - recalled, not checked"
            )
        else:
            found = _population(raw, ep["country"], year)
            if found is None:
                raise SystemExit(f"{c['id']}: no Maddison population for {ep['country']}")
            pop = found[1]
            pop_src = (
                f"{MADDISON_CITE}, {MADDISON_NAMES.get(ep['country'], ep['country'])} {found[0]}"
            )
        agreement = ep["agreement_signed"] == "1"
        outcome = ep["relapse_2y"] == "1"
        lines = [
            f"# {c['title']}. Written by scripts/derive_cases.py; coding rules in",
            "# docs/design-notes/cases.md (section 3).",
            "format: case",
            f"id: {c['id']}",
            f"title: {_q(c['title'])}",
            f"start: {start}",
            f"population: {pop}",
            f"recent_deaths_per_year: {round(rate)}",
            *(["deaths_include_later: true"] if later else []),
            f"agreement: {'true' if agreement else 'false'}",
            f"ended_by: {ep['ended_by']}",
            f"intervener_party: {c['intervener_party']}",
            "ceasefire: true",
            f"force: {{name: {_q(c['force'])}, command: {c['command']}, troops: {c['troops']}, "
            f"present_at_start: {c['present_at_start']}}}",
            "sources:",
            "  start: " + _q(f"{FORTNA_CITE}, case {case_no}: cease-fire {f['cfdate']}"),
            "  ceasefire: "
            + _q(
                f"Fortna 2008 (pk&pkept.dta), case {case_no}: the sample is cease-fires; coded at "
                "the inactive-conflict floor (design note, section 7)"
            ),
            f"  population: {_q(pop_src)}",
            "  recent_deaths_per_year: "
            + _q(
                f"{FORTNA_CITE}, case {case_no}: dead {f['dead']} over wardur {f['wardur']} "
                f"years{leak}"
            ),
            "  agreement: " + _q(f"{FORTNA_CITE}, case {case_no}: treaty = {int(agreement)}"),
            "  ended_by: "
            + _q(
                f"{FORTNA_CITE}, case {case_no}: outcome = {int(float(f['outcome']))} (1-2 "
                "victory, 3 truce, 4 settlement)"
            ),
            f"  intervener_party: {_q(c['party_source'])}",
            f"  force: {_q(c['force_source'])}",
            "outcome:",
            f"  large_scale_violence_2y: {'true' if outcome else 'false'}",
            "  source: "
            + _q(f"{FORTNA_CITE}, case {case_no}: war resumed within two years (morewar2)"),
        ]
        path = OUT / f"{c['id']}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--raw", type=Path, default=ROOT.parent / "shared" / "data" / "raw")
    args = parser.parse_args()
    for path in derive(args.raw):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()

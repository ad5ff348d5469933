"""The built-in scenarios' data: complete, sourced, consistent with the map, never a raw copy."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from grudging.scenario import builtin_names, load_scenario
from grudging.scenario.io import resolve_path

ROOT = Path(__file__).resolve().parents[3]
RAW = ROOT.parent / "shared" / "data" / "raw"
SCENARIOS = ROOT / "src" / "grudging" / "scenarios"


def test_every_builtin_scenario_validates() -> None:
    names = builtin_names()
    assert {"iraq-2007", "bosnia-1995"} <= set(names)
    for name in names:
        assert load_scenario(name).id == name


def test_all_eighteen_governorates_with_sourced_figures(iraq) -> None:  # type: ignore[no-untyped-def]
    assert len(iraq.regions) == 18
    for r in iraq.regions:
        for field in ("population", "area_km2", "composition", "neighbours", "host_forces"):
            assert r.sources.get(field), (r.id, field)
        assert abs(sum(r.composition.values()) - 1.0) < 1e-9


def test_population_sums_to_the_national_total_within_the_sources_spread(iraq) -> None:  # type: ignore[no-untyped-def]
    # Mid-2007 national totals: 29.68 M (sum of district populations) to 29.82 M (interpolation).
    assert 29.5e6 <= iraq.population <= 30.0e6


def test_nations_are_many_and_sourced(iraq) -> None:  # type: ignore[no-untyped-def]
    assert len(iraq.nations) >= 40
    sourced = (
        "active_personnel",
        "military_spending_musd",
        "refugees_hosted",
        "terrorism_incidents",
        "energy_import_share",
        "gdp_per_capita",
    )
    for n in iraq.nations:
        for field in sourced:
            assert n.sources.get(field), (n.id, field)


def test_every_source_id_resolves_and_has_a_citation(iraq) -> None:  # type: ignore[no-untyped-def]
    ids = {s.id for s in iraq.sources}
    assert all(s.citation for s in iraq.sources)
    for r in iraq.regions:
        for ref in r.sources.values():
            assert {x.strip() for x in ref.split(";")} <= ids


def test_ibc_2006_total_is_the_published_figure(iraq) -> None:  # type: ignore[no-untyped-def]
    """IBC's documented civilian deaths in 2006: 28,393 (MODEL.md section 4)."""
    total = sum(
        o.value
        for o in iraq.observations
        if o.series == "civilian_deaths_national" and o.month.startswith("2006")
    )
    assert total == 28393


def test_no_input_after_the_information_date(iraq) -> None:  # type: ignore[no-untyped-def]
    assert max(o.month for o in iraq.observations) <= iraq.information_date
    for f in iraq.forces:
        assert max(t.month for t in f.history) <= iraq.information_date


def test_adjacency_matches_the_map() -> None:
    """Neighbours in the table are the polygons that touch on the shipped map (gaps < ~2 km)."""
    shapely = pytest.importorskip("shapely.geometry")
    for name in builtin_names():
        scn = load_scenario(name)
        if scn.map is None:
            continue
        gj = json.loads((resolve_path(name).parent / scn.map.geojson).read_text())
        shapes = {
            f["properties"][scn.map.feature_id]: shapely.shape(f["geometry"])
            for f in gj["features"]
        }
        assert set(shapes) == {r.id for r in scn.regions}
        for r in scn.regions:
            touching = {
                o for o, g in shapes.items() if o != r.id and shapes[r.id].distance(g) < 0.02
            }
            assert touching == set(r.neighbours), r.id


def test_no_shipped_file_is_a_raw_file_copied_verbatim() -> None:
    listed = (ROOT / "tests" / "data" / "raw_sha256.txt").read_text().split("\n")
    raw_hashes = {line.split()[0] for line in listed if line and not line.startswith("#")}
    assert len(raw_hashes) > 40
    for path in SCENARIOS.rglob("*"):
        if path.is_file() and path.suffix in {".csv", ".yaml", ".geojson", ".json", ".tsv"}:
            assert hashlib.sha256(path.read_bytes()).hexdigest() not in raw_hashes, path


@pytest.mark.skipif(not RAW.is_dir(), reason="the raw data folder is not next to the repository")
def test_no_shipped_table_reproduces_most_lines_of_a_raw_file() -> None:
    raw_lines = {
        p: set(p.read_text(errors="ignore").splitlines())
        for p in RAW.rglob("*")
        if p.is_file() and p.suffix in {".csv", ".tsv", ".geojson"}
    }
    for path in SCENARIOS.rglob("*.csv"):
        mine = set(path.read_text().splitlines())
        for raw, lines in raw_lines.items():
            if len(lines) > 20:
                shared = len(mine & lines) / len(lines)
                assert shared < 0.5, (path, raw, shared)

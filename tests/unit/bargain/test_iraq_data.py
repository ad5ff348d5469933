"""The built-in Iraq bargaining data: issues, factions and the stage's parameters."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from grudging.model.bargain import GUARANTOR_KINDS, BargainParams, bargain, default_guarantor
from grudging.model.parameters import parameter_names, stage_parameters
from grudging.rng import make_rng
from grudging.scenario import load_scenario
from grudging.scenario.schema import Parameter

SCENARIO_DIR = Path(__file__).resolve().parents[3] / "src" / "grudging" / "scenarios" / "iraq-2007"


def test_parameters_file_declares_every_field_with_the_code_defaults() -> None:
    records = yaml.safe_load(
        (SCENARIO_DIR.parent / "common" / "parameters" / "bargain.yaml").read_text()
    )
    declared = {Parameter.model_validate(r).name: Parameter.model_validate(r) for r in records}
    assert set(declared) == set(parameter_names(BargainParams, "bargain"))
    defaults = BargainParams()
    for f in dataclasses.fields(BargainParams):
        if f.metadata.get("derived"):  # set by the chain (the fielded guarantor), not declared
            continue
        p = declared[f"bargain.{f.name}"]
        assert p.value == pytest.approx(getattr(defaults, f.name)), f.name
        assert p.source
        assert p.description


def test_iraq_factions_and_issues(iraq_path: Path) -> None:
    scn = load_scenario(iraq_path)
    assert [i.id for i in scn.issues] == [
        "oil_revenue",
        "federalism",
        "debaathification",
        "militia_integration",
        "kirkuk",
        "troop_timetable",
    ]
    ids = {f.id for f in scn.factions}
    assert {
        "shia_islamist_parties",
        "sadrists",
        "kurdish_parties",
        "sunni_parties",
        "nationalist_insurgents",
        "sunni_tribes",
        "aqi",
    } <= ids
    assert [f.id for f in scn.factions if f.spoiler] == ["aqi"]
    for f in scn.factions:
        assert "positions" in f.sources, f.id
        assert "capability" in f.sources, f.id
        assert f.description


def test_iraq_runs_under_every_guarantor(iraq_path: Path) -> None:
    scn = load_scenario(iraq_path)
    params = stage_parameters(BargainParams, scn.parameter_values(), "bargain")
    gs = [default_guarantor(k, params) for k in GUARANTOR_KINDS]
    result = bargain(scn, gs, None, params, make_rng(1), 200, n_terms=2)
    assert result.spoilers == ("aqi",)
    assert [o.guarantor.kind for o in result.outcomes] == list(GUARANTOR_KINDS)
    assert result.outcome("none").credibility == 0.0
    # A guarantor far stronger than the defaults makes the deal more likely, never less.
    big = bargain(
        scn,
        [dataclasses.replace(g, strength_ratio=1.0) for g in gs[1:]],
        None,
        params,
        make_rng(1),
        200,
        n_terms=0,
    )
    for small_o, big_o in zip(result.outcomes[1:], big.outcomes, strict=True):
        assert big_o.p_deal >= small_o.p_deal

"""What a reader sees in the report (audit of 2026-12-07): maps that draw from disk, no "inf",
no figures claimed for an option that failed, the infeasibility where an option is named best,
and a case's own forecast."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from grudging.report.html import _cell, render_report


def test_the_maps_are_drawn_as_svg_so_they_show_when_the_file_is_opened_from_disk(
    report_run: tuple[Any, Any],
) -> None:
    """A WebGL map (``choroplethmap``) needs a worker that a browser refuses under file://:
    the maps were blank there. Every map of the page is inline SVG now."""
    scn, results = report_run
    page = render_report(results, scn)
    traces = re.findall(r'"type":\s*"(\w+)"', page)
    assert "choroplethmap" not in traces
    assert page.count("<svg") >= len(results.options)


def test_a_number_that_is_none_is_a_dash() -> None:
    assert [_cell(x, None) for x in (float("inf"), float("-inf"), float("nan"))] == ["–"] * 3
    assert _cell(12345.0, None) == "12,345"


def test_an_infeasible_option_is_marked_where_it_is_named_best() -> None:
    from grudging.chain import simulate
    from grudging.results.verdict import verdict_sentences
    from grudging.scenario import load_scenario

    results = simulate(load_scenario("bosnia-1995"), replications=30, seed=1)
    feasibility = results.metadata["feasibility"]
    infeasible = [o for o, f in feasibility.items() if f["infeasible"]]
    names = results.option_names()
    assert infeasible
    for line in verdict_sentences(results):
        for option in infeasible:
            if f"under {names[option]}," in line or f"under {names[option]} (" in line:
                assert f"under {names[option]} (infeasible as planned: P(feasible)" in line


def test_a_failed_option_gets_no_figures_and_its_name() -> None:
    from grudging.chain import simulate
    from grudging.scenario import load_scenario

    # no lead nations (they take part whatever their willingness) and every nation as unwilling
    # as the ranges allow: the coalition options fail
    scn = load_scenario(
        "iraq-2007", overrides=[f"nations.{n}.lead_roles=0" for n in ("GBR", "KOR", "POL")]
    )
    low = {p.name: p.low for p in scn.parameters if p.name.startswith("willingness.")}
    results = simulate(scn, replications=10, seed=1, values=low)
    failed = set(results.status.loc[results.status["status"] != "ok", "option"])
    assert failed
    text = re.sub(r"<[^>]+>", " ", render_report(results, scn))
    for option in failed:
        name = results.option_names()[option]
        assert name != option
        assert f"{name} could not run" in text
        assert f"{name} is infeasible as planned" not in text


def test_a_case_report_gives_the_case_s_forecast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from grudging.cases import runner
    from grudging.cli import main

    path = runner.case_path("croatia-1994")
    report = tmp_path / "case.html"
    assert main(["run", str(path), "-n", "20", "--report", str(report), "--json"]) == 0
    share = json.loads(capsys.readouterr().out)["case"]["p_large_scale_violence_2y"]
    text = report.read_text(encoding="utf-8")
    assert (
        f"Case forecast: P(a year of the first two with 1,000 deaths or more) {share:.2f}" in text
    )


def test_a_map_names_every_region_and_colours_it_by_its_value() -> None:
    from grudging.report import svgmap
    from grudging.report.figures import load_geojson
    from grudging.scenario import load_scenario

    scn = load_scenario("iraq-2007")
    values = {r.id: float(i) for i, r in enumerate(scn.regions)}
    text = svgmap.choropleth(scn, load_geojson(scn), values, "deaths by region", "deaths")
    assert text is not None
    titles = re.findall(r"<title>([^<]*)</title>", text)
    assert sorted(t.split(":")[0] for t in titles) == sorted(r.name for r in scn.regions)
    fills = re.findall(r'fill="(#[0-9a-f]{6})" fill-rule="evenodd"', text)
    assert len(fills) == len(scn.regions)
    # darker for more: the ramp's channels fall from the first class to the last
    shade = [sum(int(svgmap.red(x / 10)[i : i + 2], 16) for i in (1, 3, 5)) for x in range(11)]
    assert shade == sorted(shade, reverse=True)
    assert svgmap.red(0.0) == svgmap.REDS[0]
    assert svgmap.red(1.0) == svgmap.REDS[-1]
    assert svgmap.choropleth(scn, None, values, "no map", "deaths") is None


def test_a_parameter_set_for_the_run_shows_its_declared_range() -> None:
    """The assumptions table showed the overridden range (0.8 - 0.8) as if declared."""
    from grudging.chain import simulate
    from grudging.scenario import load_scenario

    scn = load_scenario("iraq-2007", overrides=["willingness.beta_nato=0.8"])
    results = simulate(scn, options=["us_stays"], replications=3, seed=1)
    text = re.sub(r"<[^>]+>", "|", render_report(results, scn))
    assert "0.6395 – 2.031 (uniform; set to 0.8 for this run)" in text


def test_a_report_of_another_theatre_says_which_shared_values_are_iraqs() -> None:
    from grudging.chain import simulate
    from grudging.scenario import load_scenario

    scn = load_scenario("bosnia-1995")
    results = simulate(scn, options=["no_force"], replications=3, seed=1)
    text = " ".join(re.sub(r"<[^>]+>", " ", render_report(results, scn)).split())
    assert "Note: 20 parameters keep values that are facts of iraq-2007" in text
    iraq = load_scenario("iraq-2007")
    text = re.sub(r"<[^>]+>", " ", render_report(simulate(iraq, ["us_stays"], 3, seed=1), iraq))
    assert "facts of iraq-2007" not in text

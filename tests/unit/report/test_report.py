"""The report: self-contained HTML with every section, and a PDF whose pages are not blank."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape

from grudging.cli import main
from grudging.report.html import Sensitivity, pdf_renderer, render_report, write_pdf, write_report

SECTIONS = (
    "Executive summary",
    "Option comparison",
    "Map: where the deaths fall",
    "Coalition and price",
    "The bargain",
    "Assumptions",
    "Sources",
    "Provenance",
)
REQUIRE = os.environ.get("GRUDGING_REQUIRE_BROWSER") == "1"


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        if REQUIRE:
            pytest.fail(f"{tool} is missing but GRUDGING_REQUIRE_BROWSER=1 requires it")
        pytest.skip(f"{tool} is not installed (Debian: poppler-utils)")


def test_html_report_is_complete_and_self_contained(
    report_run: tuple[Any, Any], tmp_path: Path
) -> None:
    scn, results = report_run
    path = write_report(results, scn, tmp_path / "report.html")
    page = path.read_text(encoding="utf-8")
    for title in SECTIONS:
        assert f">{title}<" in page, title
    meta = results.metadata
    assert meta["scenario_hash"] in page
    assert f"seed</th><td>{meta['seed']}" in page
    assert f"grudging {meta['version']}" in page
    for p in scn.parameters:
        assert f"<td>{p.name}</td>" in page
    # plotly.js is embedded exactly once and nothing is fetched from elsewhere
    assert len(re.findall(r"plotly\.js v\d", page)) == 1
    assert not re.search(r"<script[^>]+src=", page)
    # outside plotly.js itself (whose unused geo default names a CDN), no CDN is named
    library = re.search(r"<script[^>]*>[^<]*plotly\.js v\d.*?</script>", page, flags=re.S)
    assert library is not None
    rest = page[: library.start()] + page[library.end() :]
    assert "cdn." not in rest
    # every outcome in the table is explained in words, from its declaration
    from grudging.model.outcomes import OUTCOMES

    assert ">What each outcome means<" in page
    for outcome in set(results.summary()["outcome"]):
        assert str(escape(OUTCOMES[outcome].description)) in page, outcome
    assert "choroplethmap" in page
    assert "white-bg" in page
    # no coalition section is repeated for options that share a plan
    assert "The same coalition plan as NATO-led coalition replaces US forces" in page
    # numbers a colleague can read: no scientific notation, no snake_case outcome labels
    assert not re.search(r"\d\.\d+e[+-]\d\d", page.split("<script")[0])
    assert "<td>Cost to the patron</td>" in page
    assert "<td>cost_patron</td>" not in page
    assert "cost patron (US$ million)" in page  # its interval chart
    assert "the same number of the patron&#39;s troops would cost about" in page


def test_a_report_of_a_theatre_without_a_patron_shows_no_cost_to_it(  # type: ignore[no-untyped-def]
    patronless, patronless_run, tmp_path: Path
) -> None:
    """No patron, no cost to it (US$0 by construction): no row, chart, verdict or glossary entry
    of the patron's outcomes, and no sentence that assumes a patron."""
    page = write_report(patronless_run, patronless, tmp_path / "report.html").read_text("utf-8")
    for title in SECTIONS:
        assert f">{title}<" in page, title
    assert "<td>Civilian deaths</td>" in page
    assert "civilian deaths (deaths)" in page  # the interval charts of the others remain
    for absent in (
        "Cost to the patron",
        "cost patron (US$ million)",
        "Patron&#x27;s troops",
        "Patron&#39;s troops",
        "all but the patron",
        "the same number of the patron",
        "worth to the patron",
        "the patron&#39;s included",
    ):
        assert absent not in page, absent
    assert "coalition troops (every foreign force: the theatre has no patron)" in page


def test_sensitivity_section_appears_with_a_sweep(report_run: tuple[Any, Any]) -> None:
    scn, results = report_run
    indices = pd.DataFrame(
        {
            "parameter": ["dynamics.self_excitation", "dynamics.spillover", "forcegen.deploy_rate"],
            "outcome": "civilian_deaths",
            "index": [0.61, 0.22, 0.05],
        }
    )
    sensitivity = Sensitivity(indices=indices, method="Sobol total-order", source="sweep.duckdb")
    page = render_report(results, scn, sensitivity=sensitivity)
    assert ">Sensitivity: which assumptions matter<" in page
    assert "Sobol total-order from the sweep store sweep.duckdb" in page
    assert (
        "What decides it (sweep): Self excitation (dynamics), Sobol total-order index 0.61." in page
    )
    assert ">Sensitivity: which assumptions matter<" not in render_report(results, scn)


def test_indices_within_their_sampling_error_are_said_so(report_run: tuple[Any, Any]) -> None:
    """`sensitivity` said which indices are sampling error; the report's bars did not."""
    from grudging.report.sweep import within_error

    table = pd.DataFrame(
        {"parameter": ["a", "b", "c"], "index": [0.6, 0.05, -0.01], "high": [0.7, 0.1, 0.02]}
    )
    caveat = within_error(table)
    assert caveat == (
        "2 of 3 indices are no larger than their 95 % half-width: their rank is not established "
        "(sampling error); more design points narrow them."
    )
    assert within_error(table.iloc[:1]) == ""
    scn, results = report_run
    indices = table.assign(outcome="civilian_deaths", low=0.0)
    sensitivity = Sensitivity(indices, "Sobol total-order", "sweep.duckdb", caveat=caveat)
    assert caveat in render_report(results, scn, sensitivity=sensitivity)


def test_a_sweep_that_never_saw_a_reversal_says_how_much_it_could_have_missed() -> None:
    """An audit found "no combination of assumptions reverses the answer" said of 40 points."""
    from grudging.report.sweep import unseen_share

    assert unseen_share(40) == "7.2 %"  # 1 - 0.05 ** (1 / 40)
    assert unseen_share(16_384) == "0.018 %"  # about 3 / n, the rule of three
    assert unseen_share(10) == "26 %"


def test_a_stores_first_comparison_is_the_coalition_option_whatever_its_id(
    tiny: Any,
) -> None:
    """A theatre's coalition option need not be called 'nato...': the report and the dashboard
    compared the first other option instead (audit of 2026-12-08)."""
    from grudging.report.sweep import default_comparison

    ids = ["patron_stays", "patron_leaves", "alliance_replaces"]
    assert [o.id for o in tiny.options] == ids
    assert default_comparison(ids, tiny.options) == ("alliance_replaces", "patron_stays")
    assert default_comparison(ids[:2], tiny.options) == ("patron_leaves", "patron_stays")
    assert default_comparison(ids[:1], tiny.options) == ("patron_stays", None)


@pytest.mark.slow
def test_sensitivity_section_from_a_sweep_store(
    report_run: tuple[Any, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    from grudging.report.sweep import sensitivity_from_store
    from store_helpers import FACTORS, shared_store

    scn, results = report_run
    sensitivity = sensitivity_from_store(shared_store(tmp_path_factory), scn)
    assert sensitivity.indices is not None
    assert sorted(sensitivity.indices["parameter"]) == sorted(FACTORS)
    assert "civilian_deaths of nato_replaces − us_stays" in sensitivity.source
    assert "nato_replaces worse than us_stays" in sensitivity.box_note
    page = render_report(results, scn, sensitivity=sensitivity)
    assert ">Sensitivity: which assumptions matter<" in page
    assert "Sobol&#39; total-order index" in page


def _ink(png: Path) -> float:
    """Standard deviation of a page's grey levels (0 for a blank page)."""
    from matplotlib.image import imread

    pixels = imread(png)
    grey = pixels[..., :3].mean(axis=-1) if pixels.ndim == 3 else pixels
    return float(np.std(grey))


@pytest.mark.slow
def test_pdf_pages_convert_to_png_and_are_not_blank(
    report_run: tuple[Any, Any], tmp_path: Path
) -> None:
    _need("pdftoppm")
    renderer = pdf_renderer()
    if renderer is None:
        if REQUIRE:
            pytest.fail("no PDF renderer (weasyprint or Chromium) but GRUDGING_REQUIRE_BROWSER=1")
        pytest.skip("no PDF renderer here (weasyprint or Chromium)")
    from grudging.chain import simulate

    scn, _ = report_run
    results = simulate(scn, options=["us_stays", "nato_replaces"], replications=20, seed=5)
    pdf, used = write_pdf(results, scn, tmp_path / "report.pdf")
    assert used == renderer
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 4
    blank = [p.name for p in pages if _ink(p) < 0.02]
    assert blank == []


@pytest.mark.slow
def test_pdf_through_chromium(report_run: tuple[Any, Any], tmp_path: Path) -> None:
    _need("pdftoppm")
    from grudging.report.html import find_chromium

    if find_chromium() is None:
        if REQUIRE:
            pytest.fail("Chromium is missing but GRUDGING_REQUIRE_BROWSER=1 requires it")
        pytest.skip("Chromium is not installed")
    scn, results = report_run
    pdf, used = write_pdf(results, scn, tmp_path / "report.pdf", renderer="chromium")
    assert used == "chromium"
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 5
    assert all(_ink(p) >= 0.02 for p in pages)


# The command ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_report_command_writes_the_html(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "-n", "8", "--seed", "3", "--out", str(out), "--quiet"]) == 0
    page = out.read_text(encoding="utf-8")
    assert ">Provenance<" in page
    assert "seed</th><td>3</td>" in page


@pytest.mark.slow
def test_report_from_saved_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "saved"
    assert main(["run", "-n", "8", "--save", str(saved), "--report", "-", "--quiet"]) == 0
    out = tmp_path / "from-saved.html"
    assert main(["report", "--results", str(saved), "--out", str(out), "--quiet"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "replications</th><td>8 per option" in page
    assert "Coalition and price" in page


@pytest.mark.slow  # a run and three reports through the command line
def test_a_saved_run_carries_its_scenario_for_when_the_file_is_gone_or_changed(
    tmp_path: Path, tiny_runnable_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``run --save`` keeps a self-contained copy of the scenario (overrides applied): ``report
    --from`` reads the file while it is unchanged, the copy (with a note) once it is edited or
    gone, and the copy is the same scenario (its hash is the run's)."""
    from grudging.scenario import load_scenario
    from grudging.scenario.io import scenario_hash

    source = tmp_path / "theatre.yaml"
    shutil.copyfile(tiny_runnable_path, source)
    saved = tmp_path / "saved"
    change = ["--set", "dynamics.self_excitation=0.3"]
    assert main(["run", str(source), "-n", "6", *change, "--save", str(saved), "--quiet"]) == 0
    made = load_scenario(str(source), overrides=[change[1]])
    assert scenario_hash(load_scenario(str(saved / "scenario.yaml"))) == scenario_hash(made)
    capsys.readouterr()
    out = tmp_path / "r.html"
    assert main(["report", "--from", str(saved), "--out", str(out), "--quiet"]) == 0
    assert "gone or has changed" not in capsys.readouterr().err
    source.write_text(source.read_text(encoding="utf-8").replace("title:", "title: Edited", 1))
    assert main(["report", "--from", str(saved), "--out", str(out), "--quiet"]) == 0
    assert "the report reads the copy saved with the results" in capsys.readouterr().err
    source.unlink()
    assert main(["report", "--from", str(saved), "--out", str(out), "--quiet"]) == 0
    assert "is gone or has changed since the run" in capsys.readouterr().err


def test_report_refuses_results_of_another_scenario(
    report_run: tuple[Any, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, results = report_run
    saved = results.save(tmp_path / "saved")
    code = main(
        [
            "report",
            "--set",
            "dynamics.self_excitation=0.3",
            "--results",
            str(saved),
            "--out",
            str(tmp_path / "x.html"),
        ]
    )
    assert code == 2
    assert "give the scenario" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "report.txt"], "ending in .html"),
        (["--out", "no/such/folder/r.html"], "does not exist"),
        (["-n", "0"], "at least 1"),
        (["--results", "nowhere"], "no saved results"),
        (["--what", "none.json"], "--what none.json: no such file; write it with grudging what"),
    ],
)
def test_report_command_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", *args]) == 2
    assert message in capsys.readouterr().err

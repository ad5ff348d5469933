""" "What would it take?" as a reader sees it: names not ids, one number format, the saved answer
read back exactly, and the section in the report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from grudging.errors import GrudgingError
from grudging.explore.what_it_takes import (
    LeverResult,
    PairResult,
    ParameterBox,
    ParameterCondition,
    Trial,
    WhatItTakes,
)
from grudging.report.what import SAVED_NAME, read_answer, what_view


def _lever(name: str, unit: str, current: Any, status: str, **kw: Any) -> LeverResult:
    base: dict[str, Any] = {
        "lever": name,
        "kind": "categorical" if isinstance(current, str) else "real",
        "unit": unit,
        "source": "proposal",
        "low": 0.0,
        "high": 15000.0,
        "choices": (),
        "current": current,
        "status": status,
        "threshold": None,
        "direction": None,
        "p_current": 0.35,
        "p_threshold": None,
        "closest_value": current,
        "closest_p": 0.35,
        "note": "",
        "trials": (Trial(current, 0.35, 1234.5),),
    }
    return LeverResult(**{**base, **kw})


def answer(question: str = "win") -> WhatItTakes:
    """An answer with a lever that reaches the target, one that does not bind, a categorical one,
    a pair, two parameter conditions and a PRIM box."""
    levers = (
        _lever(
            "aid",
            "US$ million a year",
            5000.0,
            "reached",
            threshold=12500.0,
            direction="up",
            p_threshold=0.52,
        ),
        _lever(
            "coalition_budget",
            "US$ million a year",
            8000.0,
            "not_binding",
            note="the budget does not bind: the conference spends US$361M of US$8,000M",
        ),
        _lever(
            "roe_level",
            "",
            "civilian_protection",
            "not_reached",
            closest_p=0.4,
            closest_value="peace_enforcement",
        ),
    )
    return WhatItTakes(
        scenario="iraq-2007",
        option="nato_replaces",
        baseline="us_stays",
        outcome="civilian_deaths",
        direction="minimize",
        unit="deaths",
        confidence=0.5,
        replications=200,
        parameter_replications=1000,
        seed=20070101,
        p_current=0.35,
        question=question,
        mean_difference=46123.4,
        levers=levers,
        pairs=(
            PairResult(
                levers=("aid", "coalition_budget"),
                cells=((5000.0, 8000.0, 0.35), (12500.0, 9000.0, 0.55)),
                threshold=(12500.0, 9000.0),
                p_threshold=0.55,
                best=(12500.0, 9000.0, 0.55),
            ),
        ),
        parameters=(
            ParameterCondition(
                "dynamics.self_excitation", ">=", 0.0000123, 0.61, 0.2, True, 0.0, 0.0001, 0.00005
            ),
            ParameterCondition(
                "bargain.exploitation_loss",
                "<=",
                125000.0,
                0.45,
                0.1,
                False,
                100000.0,
                200000.0,
                150000.0,
            ),
        ),
        parameter_win_rate=0.35,
        box=ParameterBox(
            limits=(("dynamics.self_excitation", 0.0000123, 0.0001),),
            coverage=0.5,
            density=0.61,
            mass=0.2,
            reached=True,
        ),
        evaluations=1234,
        stopped=False,
        summary="nato_replaces wins only if aid goes to US$12,500M",
        seconds=95.0,
    )


@pytest.fixture(scope="module")
def scn() -> Any:
    from grudging.scenario import load_scenario

    return load_scenario("iraq-2007")


def _all_text(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


def test_the_saved_json_reads_back_to_the_same_answer(tmp_path: Path, scn: Any) -> None:
    original = answer()
    path = tmp_path / SAVED_NAME
    path.write_text(json.dumps(original.to_dict()), encoding="utf-8")
    assert read_answer(path, scn) == original


def test_the_view_names_options_levers_choices_and_parameters_in_words(scn: Any) -> None:
    view = what_view(answer(), scn)
    text = _all_text(view)
    names = {o.id: o.name for o in scn.options}
    assert view["headline"].startswith(f"{names['nato_replaces']} wins only if international aid")
    assert "goes to US$12,500M (better in 52 %)" in view["headline"]
    assert "budget for offers never binds" in view["headline"]
    assert names["us_stays"] in view["question"]
    assert "Now: better in 35 %" in view["question"]
    roe = {lv.id: lv.name for lv in scn.roe_levels}
    assert view["levers"][2]["Now"] == roe["civilian_protection"]
    assert view["levers"][2]["Note"] == f"closest: 40 % at {roe['peace_enforcement']}"
    assert view["levers"][0]["Wins from"] == "US$12,500M"
    assert view["parameters"][0]["Assumption"] == "Self excitation (dynamics)"
    assert view["parameters"][0]["Condition"] == "≥ 0.0000123"
    assert view["parameters"][1]["Condition"] == "≤ 125,000 (closest; short of the target)"
    assert "1,234 evaluations of 200 paired runs" in view["method"]
    # no identifiers, no scientific notation
    for ident in ("nato_replaces", "us_stays", "civilian_protection", "coalition_budget"):
        assert ident not in text.replace("/", "")
    assert not re.search(r"\d\.?\d*e[+-]?\d", text)


def test_an_option_that_wins_already_is_asked_what_stops_it(scn: Any) -> None:
    view = what_view(answer("hold"), scn)
    assert "already wins" in view["headline"]
    assert "Stops winning at" in view["levers"][0]


def test_a_missing_or_foreign_answer_is_refused_with_the_fix(tmp_path: Path, scn: Any) -> None:
    with pytest.raises(GrudgingError, match=r"no such file; write one with grudging what-would"):
        read_answer(tmp_path / "none.json", scn)
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(GrudgingError, match="not the JSON of grudging what-would-it-take --json"):
        read_answer(bad, scn)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**answer().to_dict(), "scenario": "bosnia-1995"}))
    with pytest.raises(GrudgingError, match=r"for scenario 'bosnia-1995'.*not for scenario"):
        read_answer(other, scn)


def test_the_report_carries_the_section_and_the_answer_in_its_summary(
    report_run: tuple[Any, Any],
) -> None:
    from grudging.report.html import render_report

    scn, results = report_run
    page = render_report(results, scn, what=answer())
    assert '<h2 id="what-would-it-take">What would it take?</h2>' in page
    summary = page.split("<h2>Executive summary</h2>")[1].split("</ul>")[0]
    assert "What would it take: NATO-led coalition replaces US forces wins only if" in summary
    assert "<td>US$12,500M</td>" in page
    assert not re.search(r"\d\.\d+e[+-]\d\d", page.split("<script")[0])
    # tables name regions, factions and offers; no identifier stands alone in a cell
    for ident in [r.id for r in scn.regions] + [f.id for f in scn.factions]:
        if "_" in ident:
            assert f"<td>{ident}</td>" not in page, ident
    for offer in scn.offers:
        assert f"<td>{offer.id}</td>" not in page, offer.id
    assert "ROE 'civilian_protection'" not in page
    courses = page.split("<h2>Courses of action</h2>")[1].split("</table>")[0]
    assert "us_forces" not in courses
    assert "civilian_protection" not in courses
    force, points = next(iter(scn.options[0].forces.items()))
    name = next(f.name for f in scn.forces if f.id == force).split(" (")[0]
    assert f"{name}: {points[0].troops:,} (m{points[0].month})" in courses


def test_the_report_command_finds_the_answer_given_or_saved_with_the_run(
    tmp_path: Path, scn: Any
) -> None:
    import argparse

    from grudging.cli.report import read_what

    saved = tmp_path / "run"
    saved.mkdir()
    args = argparse.Namespace(what=None, results=str(saved))
    assert read_what(args, scn) is None  # a run folder without an answer: no section
    (saved / SAVED_NAME).write_text(json.dumps(answer().to_dict()), encoding="utf-8")
    assert read_what(args, scn) == answer()
    other = tmp_path / "other.json"
    other.write_text(json.dumps(answer("hold").to_dict()), encoding="utf-8")
    args = argparse.Namespace(what=str(other), results=str(saved))
    assert read_what(args, scn) == answer("hold")  # --what wins over the saved one

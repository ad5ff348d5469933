"""``grudging show``: the scenario summary a user reads, and what a machine reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grudging.cli import main


def test_show_json_lists_every_part_with_ranges_and_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["show", "iraq-2007", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["regions"]) == 18
    assert sum(r["population"] for r in data["regions"]) == data["population"]
    assert len(data["nations"]) >= 40
    assert {o["id"] for o in data["options"]} >= {"us_stays", "nato_replaces", "what_happened"}
    assert [lv["name"] for lv in data["levers"]] == [
        "coalition_budget",
        "roe_level",
        "drawdown_months",
        "command",
        "aid",
    ]
    for p in data["parameters"]:
        assert p["low"] <= p["value"] <= p["high"], p["name"]
        assert p["source"], p["name"]


def test_show_json_gives_the_section_named(capsys: pytest.CaptureFixture[str]) -> None:
    """``--section`` was ignored with ``--json``: the whole scenario came out."""
    assert main(["show", "iraq-2007", "--section", "factions", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(data) == ["factions", "hash", "id"]
    assert len(data["factions"]) == 8


def test_show_prints_the_levers_section(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "iraq-2007", "--section", "levers"]) == 0
    out = capsys.readouterr().out
    assert "Levers" in out
    assert "drawdown_months" in out
    assert "2,000 – 20,000" in out


def test_show_an_unknown_scenario_is_one_message_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["show", "no-such-scenario"]) == 2
    err = capsys.readouterr().err
    assert "no-such-scenario" in err
    assert "Traceback" not in err


def test_parameter_values_read_as_numbers_people_write(capsys: pytest.CaptureFixture[str]) -> None:
    """The proposal's 32,000 troops showed as 3.2e+04."""
    from grudging.cli.scenario import _parameter_figure

    assert [_parameter_figure(x) for x in (32000, 0.1664, 999.5, 15000, 1.5e10, 0)] == [
        "32,000",
        "0.1664",
        "999.5",
        "15,000",
        "1.5e+10",
        "0",
    ]
    assert main(["show", "iraq-2007", "--section", "parameters"]) == 0
    assert "e+0" not in capsys.readouterr().out
    assert main(["show", "iraq-2007", "--section", "commands"]) == 0  # figures named by parameter
    assert "nato_pk_skill" in capsys.readouterr().out


@pytest.mark.parametrize("section", ["levers", "parameters"])
def test_a_narrow_terminal_folds_names_and_cuts_nothing(
    section: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At 80 columns lever and parameter names were cut with '…' ('drawdown_mon…'): a name typed
    into --set could not be read."""
    from grudging.cli._output import console

    monkeypatch.setattr(console, "width", 80)
    assert main(["show", "iraq-2007", "--section", section]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "…" not in out


def test_the_tutorial_names_the_sections_show_json_gives(
    tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tutorial said ``show --json`` with no ``--section`` gave "the whole scenario"; it gives
    the sections ``show`` prints (no groups, issues, forces...), which ``dump`` writes."""
    tutorial = Path(__file__).parents[3] / "docs" / "tutorial.md"
    said = " ".join(tutorial.read_text(encoding="utf-8").split())
    sections = "regions, nations, factions, options, commands, levers, parameters and sources"
    assert f"with no `--section` every section `show` prints: {sections});" in said
    assert main(["show", str(tiny_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    named = sections.replace(" and", ",").split(", ")
    assert set(named) <= set(data)
    assert not {"groups", "issues", "forces", "offers"} & set(data)

"""Levers: declared decisions reach the options they name, change them validly, and bad ones are
refused with a located message."""

from __future__ import annotations

from pathlib import Path

import pytest

from grudging.errors import ScenarioError
from grudging.scenario import load_scenario
from grudging.scenario.levers import apply_levers, lever_options, stretch_timeline

LEVERS = """levers:
  - {name: budget, path: options.*.coalition.budget_musd, kind: real, low: 100, high: 2000}
  - {name: roe, path: options.*.coalition.roe_level, kind: categorical, choices: [self_defence, enforcement]}
  - {name: drawdown, path: options.*.forces.us_forces, effect: timeline_end, kind: integer, low: 3, high: 18}
  - {name: command, path: [options.*.coalition.command, options.*.bargain.guarantor], kind: categorical, choices: [nato, un]}
"""


def _with(tmp_path: Path, tiny_path: Path, text: str) -> Path:
    path = tmp_path / "levers.yaml"
    base = tiny_path.read_text()
    path.write_text(base.replace("outcomes:\n", text + "outcomes:\n", 1))
    return path


def _line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


def test_levers_reach_the_options_that_have_the_key(tmp_path: Path, tiny_path: Path) -> None:
    scn = load_scenario(_with(tmp_path, tiny_path, LEVERS))
    assert lever_options(scn, scn.lever("budget")) == ["alliance_replaces"]
    # A timeline whose last point is month 0 has no drawdown: the patron that stays is untouched.
    assert lever_options(scn, scn.lever("drawdown")) == ["patron_leaves", "alliance_replaces"]


def test_apply_levers_changes_every_path_and_keeps_the_rest(
    tmp_path: Path, tiny_path: Path
) -> None:
    scn = load_scenario(_with(tmp_path, tiny_path, LEVERS))
    option = scn.option("alliance_replaces")
    changed = apply_levers(
        option,
        [
            (scn.lever("budget"), 1500.0),
            (scn.lever("roe"), "enforcement"),
            (scn.lever("drawdown"), 18),
            (scn.lever("command"), "un"),
        ],
    )
    assert changed.coalition is not None
    assert changed.bargain is not None
    assert changed.coalition.budget_musd == 1500.0
    assert changed.coalition.roe_level == "enforcement"
    assert changed.coalition.command == "un"
    assert changed.bargain.guarantor == "un"
    assert [p.month for p in changed.forces["us_forces"]] == [0, 18]
    assert changed.bargain.aid_musd_per_year == option.bargain.aid_musd_per_year  # type: ignore[union-attr]
    # A lever that does not reach an option leaves it as it is (the same object).
    stays = scn.option("patron_stays")
    assert apply_levers(stays, [(scn.lever("budget"), 1500.0)]) is stays


def test_stretch_keeps_the_shape_of_the_drawdown() -> None:
    points = [{"month": 0, "troops": 140}, {"month": 6, "troops": 120}, {"month": 18, "troops": 0}]
    assert [p["month"] for p in stretch_timeline(points, 36)] == [0, 12, 36]
    assert [p["month"] for p in stretch_timeline(points, 9)] == [0, 3, 9]
    assert [p["troops"] for p in stretch_timeline(points, 9)] == [140, 120, 0]


def test_shipped_scenario_declares_five_levers() -> None:
    scn = load_scenario("iraq-2007")
    assert [lv.name for lv in scn.levers] == [
        "coalition_budget",
        "roe_level",
        "drawdown_months",
        "command",
        "aid",
    ]
    assert lever_options(scn, scn.lever("aid")) == ["nato_replaces", "nato_then_un"]
    assert "what_happened" not in lever_options(scn, scn.lever("drawdown_months"))


def test_a_choice_the_option_cannot_take_is_refused(tmp_path: Path, tiny_path: Path) -> None:
    text = (
        "levers:\n  - {name: roe, path: options.*.coalition.roe_level, kind: categorical, "
        "choices: [protection, robust]}\n"
    )
    path = _with(tmp_path, tiny_path, text)
    line = _line_of(path, "name: roe")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == (
        f"levers.yaml:{line}: levers[roe]: lever 'roe' = robust in option 'alliance_replaces': "
        "unknown rules-of-engagement level 'robust'; valid: enforcement, protection, self_defence"
    )


def test_a_command_outside_the_schema_is_refused(tmp_path: Path, tiny_path: Path) -> None:
    text = (
        "levers:\n  - {name: command, path: options.*.coalition.command, kind: categorical, "
        "choices: [nato, au]}\n"
    )
    with pytest.raises(ScenarioError, match=r"lever 'command' = au in option 'alliance_replaces'"):
        load_scenario(_with(tmp_path, tiny_path, text))


def test_a_path_that_reaches_no_option_is_refused(tmp_path: Path, tiny_path: Path) -> None:
    text = "levers:\n  - {name: x, path: options.*.coalition.budget, kind: real, low: 0, high: 1}\n"
    with pytest.raises(ScenarioError) as info:
        load_scenario(_with(tmp_path, tiny_path, text))
    assert str(info.value).endswith(
        "levers[x].path: lever 'x': options.*.coalition.budget reaches no option (no option "
        "other than a historical replay has that key); correct the path"
    )


def test_an_unknown_option_gets_a_did_you_mean(tmp_path: Path, tiny_path: Path) -> None:
    text = (
        "levers:\n  - {name: x, path: options.alliance_replace.coalition.budget_musd, "
        "kind: real, low: 0, high: 1}\n"
    )
    with pytest.raises(ScenarioError, match=r"did you mean 'alliance_replaces'"):
        load_scenario(_with(tmp_path, tiny_path, text))


def test_a_drawdown_past_the_horizon_is_refused(tmp_path: Path, tiny_path: Path) -> None:
    text = (
        "levers:\n  - {name: d, path: options.*.forces.us_forces, effect: timeline_end, "
        "kind: integer, low: 3, high: 30}\n"
    )
    with pytest.raises(ScenarioError, match=r"goes past the horizon \(month 30 >= horizon_months"):
        load_scenario(_with(tmp_path, tiny_path, text))


def test_a_range_lever_needs_low_below_high(tmp_path: Path, tiny_path: Path) -> None:
    text = "levers:\n  - {name: b, path: options.*.coalition.budget_musd, kind: real, low: 5}\n"
    with pytest.raises(ScenarioError, match=r"a real lever needs low < high \(got low 5.0, high"):
        load_scenario(_with(tmp_path, tiny_path, text))

"""``grudging bargain`` in-process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import grudging.cli as cli


@pytest.fixture(autouse=True)
def only_bargain(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Register the bargain command alone (other command modules are not needed here)."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("bargain",))
    return


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["bargain", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_registry_lists_bargain() -> None:
    """The real registry (read from the source, since the fixture patches it) has bargain."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(cli))
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "COMMAND_MODULES":
            assert node.value is not None
            assert "bargain" in ast.literal_eval(node.value)
            return
    raise AssertionError("COMMAND_MODULES not found")


def test_all_guarantors_side_by_side(tiny_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(tiny_path), "--draws", "60")
    assert code == 0, err
    for text in (
        "Under each guarantor",
        "The ladder",
        "Terms per issue",
        "Factions",
        "none",
        "nato",
        "jihadists",
        "revenue",
    ):
        assert text in out
    assert "built-in defaults" in out


def test_json_output(tiny_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        str(tiny_path),
        "--guarantor",
        "nato",
        "--strength",
        "0.5",
        "--years",
        "5",
        "--aid",
        "250",
        "--draws",
        "40",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert [g["kind"] for g in data["guarantors"]] == ["nato"]
    assert data["guarantors"][0]["strength_ratio"] == 0.5
    assert data["guarantors"][0]["commitment_years"] == 5
    assert data["aid_musd_per_year"] == 250
    assert data["spoilers"] == ["jihadists"]
    assert "bargain.implementation_base" in data["parameters_defaulted"]


def test_set_changes_a_parameter(tiny_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        str(tiny_path),
        "--guarantor",
        "none",
        "--draws",
        "30",
        "--json",
        "--set",
        "factions.jihadists.spoiler=false",
    )
    assert code == 0, err
    assert json.loads(out)["spoilers"] == []


def test_unknown_spoiler_is_a_clear_error(
    tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, str(tiny_path), "--spoiler", "southern", "--draws", "10")
    assert code == 2
    assert "unknown faction 'southern'" in err
    assert "Traceback" not in err


def test_strength_without_a_guarantor_is_an_error(
    tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, str(tiny_path), "--guarantor", "none", "--strength", "1")
    assert code == 2
    assert "--strength describes a guarantor, but --guarantor none has none" in err


def test_bad_values(tiny_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, str(tiny_path), "--draws", "0")
    assert code == 2
    assert "--draws 0: give 1 to 100,000 Monte Carlo draws" in err
    # a huge run is refused before any bargain (it would need hundreds of GB)
    code, _, err = run(capsys, str(tiny_path), "--draws", "1000000000")
    assert code == 2
    assert "--draws 1000000000: give 1 to 100,000 Monte Carlo draws" in err
    code, _, err = run(capsys, str(tiny_path), "--uncertainty", "100000", "--draws", "500")
    assert code == 2
    assert err.strip().endswith(
        "--uncertainty 100,000 x --draws 500 = 50,000,000 bargains per guarantor (at most "
        "10,000,000, about a minute); use fewer parameter draws (--uncertainty) or coding draws "
        "(--draws)"
    )
    for aid, shown in (("-1", "-1"), ("1e20", "1e+20"), ("nan", "nan"), ("1000001", "1,000,001")):
        code, _, err = run(capsys, str(tiny_path), "--aid", aid)
        assert code == 2
        assert f"--aid {shown}: give aid from 0 to 1,000,000 (US$ million a year)" in err
    code, _, err = run(capsys, str(tiny_path), "--guarantor", "nato", "--impartiality", "2")
    assert code == 2
    assert "--impartiality 2: give an impartiality from 0 to 1" in err
    code, _, err = run(capsys, str(tiny_path), "--guarantor", "nato", "--strength", "-1")
    assert code == 2
    assert "--strength -1: give a strength from 0 to 100" in err
    code, _, err = run(capsys, str(tiny_path), "--guarantor", "nato", "--years", "nan")
    assert code == 2
    assert "--years nan: give a commitment from 0 to 100 years" in err
    code, _, err = run(capsys, str(tiny_path), "--guarantor", "nato", "--strength", "inf")
    assert code == 2
    assert "--strength inf: give a strength from 0 to 100" in err
    code, _, err = run(
        capsys, str(tiny_path), "--set", "factions.northern_party.positions.revenue=120"
    )
    assert code == 2
    assert "Input should be less than or equal to 100" in err
    code, _, err = run(capsys, "no-such-scenario")
    assert code == 2
    assert "no such scenario file or built-in scenario" in err


def _with_command(tmp_path: Path, tiny_path: Path, guarantees: str) -> Path:
    text = (
        "commands:\n  - {id: au, name: African Union, kind: regional, skill: 0.5, salience: 0.7,"
        f" guarantees: {guarantees}}}\n"
    )
    path = tmp_path / "au.yaml"
    path.write_text(tiny_path.read_text().replace("outcomes:\n", text + "outcomes:\n", 1))
    return path


def test_a_scenario_command_with_guarantee_figures_guarantees(
    tmp_path: Path, tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The registry's guarantors are listed side by side; a scenario's own command joins them."""
    path = _with_command(tmp_path, tiny_path, "{strength: 0.3, impartiality: 0.8, years: 4}")
    code, out, err = run(capsys, str(path), "--draws", "30", "--uncertainty", "0", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [g["kind"] for g in data["guarantors"]] == ["none", "us", "nato", "un", "au"]
    au = data["guarantors"][-1]
    assert (au["strength_ratio"], au["impartiality"], au["commitment_years"]) == (0.3, 0.8, 4)


def test_a_guarantor_without_figures_is_a_located_error(
    tmp_path: Path, tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _with_command(tmp_path, tiny_path, "true")
    code, _, err = run(capsys, str(path), "--guarantor", "au", "--draws", "10")
    assert code == 2
    assert "commands[au].guarantees.strength: command 'au' guarantees, but its strength" in err
    assert "set guarantees: false" in err
    assert "Traceback" not in err
    code, _, err = run(capsys, str(tiny_path), "--guarantor", "natto", "--draws", "10")
    assert code == 2
    assert "unknown guarantor 'natto' (did you mean 'nato'?)" in err


@pytest.mark.slow  # a few seconds: the slow tier keeps the default under its limit
def test_an_options_bargain_is_the_one_its_run_plans(capsys: pytest.CaptureFixture[str]) -> None:
    """--option takes the option's guarantor with the strength its own conference raises and its
    aid (the command showed the registry's Iraq figures and the shared aid whatever the option
    said: audit, 2026-12-07). At the plan's draws and seed it is the plan's bargain exactly."""
    from grudging.options import BARGAIN_DRAWS, plan_option
    from grudging.rng import MASTER_SEED
    from grudging.scenario import load_scenario

    scn = load_scenario("iraq-2007")
    plan = plan_option(scn, "nato_replaces", seed=MASTER_SEED)
    assert plan.guarantor is not None
    assert plan.settlement is not None
    args = ["--option", "nato_replaces", "--draws", str(BARGAIN_DRAWS), "--uncertainty", "0"]
    code, out, _ = run(capsys, *args, "--json")
    assert code == 0
    got = json.loads(out)
    (outcome,) = got["guarantors"]
    assert outcome["kind"] == "nato"
    assert outcome["strength_ratio"] == plan.guarantor.strength_ratio
    assert outcome["commitment_years"] == plan.guarantor.commitment_years
    assert got["aid_musd_per_year"] == scn.option("nato_replaces").bargain.aid_musd_per_year
    assert outcome["p_deal"] == plan.settlement.p_deal
    code, _, err = run(capsys, "--option", "us_stays")
    assert code == 2
    assert err.strip() == (
        "error: --option us_stays: the option attempts no bargain; options that do: "
        "nato_replaces, nato_then_un"
    )


def test_an_option_s_bargain_is_drawn_as_the_run_draws_it() -> None:
    """'grudging bargain --option' showed P(deal) 0.002 from 500 draws where 'grudging run' said
    0.005 from 400 (an audit): the default is the run's own number of draws."""
    from grudging.cli.bargain import BARGAIN_DRAWS
    from grudging.options import BARGAIN_DRAWS as RUN_DRAWS

    assert BARGAIN_DRAWS == RUN_DRAWS

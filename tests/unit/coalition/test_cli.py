"""The ``grudging coalition`` command, in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[2] / "data"
TINY = str(DATA / "tiny.yaml")


def test_text_report(cli_main: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["coalition", TINY, "--budget", "300", "--curve", "0,150,300"]) == 0
    out = capsys.readouterr().out
    for text in (
        "Requirement",
        "Coalition",
        "Why each nation is in",
        "Sector map",
        "Cost curve",
        "force generation: HiGHS optimal",
        "gap",
    ):
        assert text in out
    # The tiny theatre tests no proposal: no proposal's force beside its requirement.
    assert "proposal" not in out


def test_json_report(cli_main: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        cli_main(
            [
                "coalition",
                TINY,
                "--json",
                "--command",
                "us",
                "--roe",
                "self_defence",
                "--set",
                "willingness.free_riding=0",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["plan"]["command"] == "us"
    assert data["plan"]["roe_level"] == "self_defence"
    assert data["requirement"]["proposal_force"] == 0  # the tiny theatre tests no proposal
    co = data["coalition"]
    assert co["solver"]["status"] == "optimal"
    assert co["total_troops"] == sum(c["troops"] for c in co["contingents"])
    assert {r["region"] for r in data["sectors"]["regions"]} == {"alpha", "beta", "gamma"}
    assert "willingness.free_riding" in data["borrowed_parameters"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--budget", "-10"], "--budget: -10 is not a sum a patron can spend; give US$ million"),
        (["--budget", "nan"], "--budget: nan is not a sum a patron can spend"),
        (["--budget", "1e30"], "--budget: 1e+30 is not a sum a patron can spend"),
        (["--curve", "inf"], "--curve: budget inf is not a sum a patron can spend"),
        (["--curve", ",,,"], "--curve ',,,': give budgets in US$ million separated by commas"),
        (["--target", str(10**16)], "at most 10,000,000"),
        (["--command", "natto"], "did you mean 'nato'"),
        (["--roe", "robust"], "--roe robust: unknown rules-of-engagement level 'robust'"),
        (["--option", "patron_stays"], "generates no coalition"),
        (["--curve", "0,-5"], "--curve: budget -5 is not a sum a patron can spend"),
        (["--set", "willingness.free_riding=lots"], "needs a number"),
        (["--set", "nations.AAA.active_personnel=-5"], "nations[AAA].active_personnel"),
        (["--set", "nations.AAA.ties=allied"], "did you mean 'ally'"),
        (
            ["--set", "willingness.company_step=150"],
            "--set willingness.company_step=150: 150 is outside its range [25, 100]",
        ),
    ],
)
def test_bad_requests_get_one_clear_message(
    cli_main: Any, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert cli_main(["coalition", TINY, *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert "Traceback" not in captured.err


def test_a_requirement_no_nation_can_serve(
    cli_main: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = (
        (DATA / "tiny.yaml")
        .read_text()
        .replace(
            "military_spending_musd: 30000, nato: true",
            "military_spending_musd: 30000, deployed_abroad: 100000, nato: true",
        )
    )
    path = tmp_path / "nobody.yaml"
    path.write_text(text)
    code = cli_main(
        [
            "coalition",
            str(path),
            "--roe",
            "enforcement",
            "--set",
            "roe.step_up_max=0",
            "--set",
            "willingness.intercept=-3",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "no nation can serve the requirement" in err
    assert "Fix:" in err


def test_the_default_iraq_conference_is_plausible(iraq_result: Any, iraq: Any) -> None:
    """A NATO-led coalition of the order of the proposal's force, led by allies, not rivals."""
    co = iraq_result.coalition
    assert co.solver.optimal
    assert 5_000 <= co.total_troops <= 100_000
    assert co.total_effective < iraq_result.requirement.total
    nations = {c.nation for c in co.contingents}
    allies = {n.id for n in iraq.nations if n.nato}
    assert len(nations & allies) >= len(nations) / 2
    assert not nations & {"IRN", "SYR"}  # vetoed by exclusions data
    for c in co.contingents:
        assert c.reasons, f"{c.nation} is in for no stated reason"


def test_the_ladder_order_is_checked_for_values_outside_the_declared_ranges() -> None:
    """Inside the declared ranges the ladder's order always holds (tests/unit/explore/
    test_declared_ranges.py); values given past them, from Python, are still refused."""
    from grudging.errors import ParameterError
    from grudging.model.willingness import willingness_params
    from grudging.scenario import load_scenario

    values = {**load_scenario("iraq-2007").parameter_values(), "willingness.company_step": 150.0}
    values["willingness.unit_size"] = 100.0
    with pytest.raises(ParameterError) as err:
        willingness_params(values)
    assert str(err.value) == (
        "parameters 'willingness.staff_step' (10), 'company_step' (150) and 'unit_size' (100) "
        "must rise in that order (staff elements, companies, battalions); reorder them"
    )


def test_a_parameter_the_scenario_declares_is_checked_against_its_own_range(
    cli_main: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The scenario widens a range: the value is read against it, not the reference range."""
    widen = ["--set", "parameters.willingness.company_step.high=120"]
    args = ["coalition", "iraq-2007", *widen, "--set", "willingness.company_step=110", "--json"]
    assert cli_main(args) == 0
    assert json.loads(capsys.readouterr().out)["coalition"]["total_troops"] > 0

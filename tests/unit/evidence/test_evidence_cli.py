"""``grudging evidence`` in-process: output, JSON, errors, exit codes and the HTML report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from grudging.cli import main


def test_prints_one_line_per_check_with_target_model_tolerance_status(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["evidence", "--quick", "--quiet", "--check", "F05", "--check", "F02-observers"])
    assert code == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "| target:" in line]
    assert len(lines) == 2
    assert lines[0].startswith("PASS")
    assert "F05" in lines[0]
    # the model's figure, inside the tolerance the line prints (docs/evidence.md gives its value)
    model = re.search(r"model: (\d+)% ", lines[0])
    assert model is not None
    assert 10 <= int(model.group(1)) <= 35
    assert "tolerance: 10-35 %" in lines[0]
    assert lines[1].startswith("NOT EXPRESSIBLE")
    assert "observers" in lines[1]


def test_how_a_war_ended_orders_the_risk_and_a_weak_victory_ratio_fails(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """F03-termination: at the fitted ratios a victory cuts the hazard of renewed war by >= 85 %
    against a truce, below an agreement's; at the top of its range (0.166) it does not."""
    args = ["evidence", "--quick", "--json", "--check", "F03-termination"]
    assert main(args) == 0
    nominal = json.loads(capsys.readouterr().out)["checks"][0]
    assert nominal["status"] == "PASS"
    assert nominal["details"]["ordered"] is True
    assert main([*args, "--set", "dynamics.onset_victory_ratio=0.166"]) == 0
    weak = json.loads(capsys.readouterr().out)["checks"][0]
    assert weak["status"] == "FAIL"
    assert weak["value"] < nominal["value"]


def test_json_and_overrides(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["evidence", "--quick", "--json", "--check", "F02"]
    assert main(args) == 0
    nominal = json.loads(capsys.readouterr().out)
    assert main([*args, "--set", "dynamics.coverage_half=0.6"]) == 0
    weaker = json.loads(capsys.readouterr().out)
    assert nominal["checks"][0]["status"] == "PASS"
    assert weaker["checks"][0]["status"] == "FAIL"
    assert weaker["checks"][0]["value"] < nominal["checks"][0]["value"]
    assert weaker["overrides"] == ["dynamics.coverage_half=0.6"]


def test_strict_exits_1_on_a_failure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evidence", "--quick", "--quiet", "--check", "F01", "--strict"]) == 1
    assert main(["evidence", "--quick", "--quiet", "--check", "F05", "--strict"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--check", "F99"], "unknown check 'F99'"),
        (["--set", "dynamics.coverage_halve=0.2"], "dynamics.coverage_halve"),
        (["--set", "dynamics.coverage_half=9"], "outside its range"),
    ],
)
def test_bad_input_is_one_message_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evidence", "--quick", *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_an_unknown_check_names_its_flag_with_list_too(capsys: pytest.CaptureFixture[str]) -> None:
    """``--check NOPE`` names the flag, and ``--list`` does not pass over it."""
    for extra in ([], ["--list"]):
        assert main(["evidence", *extra, "--check", "NOPE"]) == 2
        err = " ".join(capsys.readouterr().err.split())
        assert err.startswith("error: --check NOPE: unknown check 'NOPE'; valid: BIH-no-relapse")
        assert "Traceback" not in err


def test_the_check_list_is_json_with_json(capsys: pytest.CaptureFixture[str]) -> None:
    """``--list --json`` prints JSON (id and claim), of the ``--check`` ones when given."""
    assert main(["evidence", "--list", "--json", "--check", "F07"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed == [{"id": "F07", "what": "stabilisation needs ~20 security personnel per 1,000"}]


def test_report_has_an_evidence_section(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "evidence.html"
    code = main(
        [
            "evidence",
            "--quick",
            "--quiet",
            "--check",
            "F05",
            "--check",
            "F01",
            "--report",
            str(path),
        ]
    )
    assert code == 0
    page = path.read_text(encoding="utf-8")
    assert 'id="evidence"' in page
    assert "Published findings (synthetic experiments)" in page
    assert "Walter (1997)" in page
    assert "<b>FAIL</b>" in page
    assert "<b>PASS</b>" in page
    capsys.readouterr()

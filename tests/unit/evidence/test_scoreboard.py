"""The evidence machinery: checks, statuses, the scoreboard and its faces."""

from __future__ import annotations

import json
import math

import pytest

from grudging.errors import GrudgingError
from grudging.evidence.checks import Check, EvidenceContext, Measurement, at_least, within
from grudging.evidence.scoreboard import Scoreboard, all_checks, check, run_checks


def _fixed(value: float):  # type: ignore[no-untyped-def]
    return lambda ctx: Measurement(value, f"{value:g}", {"nan": float("nan")})


def _boom(ctx: EvidenceContext) -> Measurement:
    raise ValueError("experiment broke")


def _checks() -> list[Check]:
    common = {"finding": None, "group": "literature", "source": "S", "target": "T"}
    return [
        Check(
            "ok", what="passes", tolerance=">= 1", run=_fixed(2.0), accept=at_least(1.0), **common
        ),  # type: ignore[arg-type]
        Check(
            "bad", what="fails", tolerance=">= 1", run=_fixed(0.5), accept=at_least(1.0), **common
        ),  # type: ignore[arg-type]
        Check(
            "nan",
            what="not finite",
            tolerance=">= 1",
            run=_fixed(math.nan),
            accept=at_least(1.0),
            **common,
        ),  # type: ignore[arg-type]
        Check(
            "unv",
            what="unverified",
            tolerance="0-1",
            run=_fixed(5.0),
            accept=within(0, 1),
            unverified="not retrieved",
            **common,
        ),  # type: ignore[arg-type]
        Check(
            "unv2",
            what="unverified ok",
            tolerance="0-1",
            run=_fixed(0.5),
            accept=within(0, 1),
            unverified="not retrieved",
            **common,
        ),  # type: ignore[arg-type]
        Check("none", what="cannot", tolerance="-", not_expressible="no such mechanism", **common),  # type: ignore[arg-type]
        Check("err", what="errs", tolerance=">= 1", run=_boom, accept=at_least(1.0), **common),  # type: ignore[arg-type]
    ]


def test_statuses_follow_the_figure_the_tolerance_and_the_verification() -> None:
    ctx = EvidenceContext(quick=True)
    status = {c.id: c.evaluate(ctx).status for c in _checks()}
    assert status == {
        "ok": "PASS",
        "bad": "FAIL",
        "nan": "FAIL",
        "unv": "XFAIL",
        "unv2": "XPASS",
        "none": "NOT EXPRESSIBLE",
        "err": "ERROR",
    }
    err = _checks()[-1].evaluate(ctx)
    assert "experiment broke" in err.figure


def test_a_check_must_say_why_it_has_no_experiment() -> None:
    with pytest.raises(ValueError, match="reason"):
        Check("x", None, "literature", "w", "s", "t", "tol")
    with pytest.raises(ValueError, match="both"):
        Check("x", None, "literature", "w", "s", "t", "tol", run=_fixed(1.0))
    with pytest.raises(ValueError, match="model disagrees"):
        Check(
            "x",
            None,
            "literature",
            "w",
            "s",
            "t",
            "tol",
            _fixed(1.0),
            at_least(0),
            disagreement="no",
        )


def test_scoreboard_has_one_line_per_check_and_strict_json() -> None:
    ctx = EvidenceContext(quick=True)
    results = tuple(c.evaluate(ctx) for c in _checks())
    board = Scoreboard(results, (), True, 1, 0.1)
    lines = [line for line in board.text().splitlines() if " | target: " in line]
    assert len(lines) == len(_checks())
    for c in _checks():
        assert sum(line[19:].split()[0] == c.id for line in lines) == 1, c.id
    assert "XFAIL(unverified)" in board.text()
    assert "(no such mechanism)" in board.text()
    text = json.dumps(board.to_dict(), allow_nan=False)
    data = json.loads(text)
    assert data["counts"]["PASS"] == 1
    assert data["checks"][2]["value"] is None  # NaN becomes null
    assert board.summary().startswith("7 checks: 1 PASS, 2 FAIL")


def test_registry_ids_are_unique_and_grouped_in_order() -> None:
    checks = all_checks()
    assert len({c.id for c in checks}) == len(checks)
    groups = [c.group for c in checks]
    assert groups == sorted(groups, key=["literature", "iraq", "bosnia"].index)
    assert {c.group for c in checks} == {"literature", "iraq", "bosnia"}
    with pytest.raises(GrudgingError, match="did you mean"):
        check("F0l")


def test_scoreboard_figures_come_from_running_the_model() -> None:
    """A parameter changed through the scenario overrides changes the scoreboard's figure."""
    nominal = run_checks(EvidenceContext(quick=True), ["F02"]).result("F02")
    weaker = run_checks(
        EvidenceContext(overrides=("dynamics.coverage_half=0.6",), quick=True), ["F02"]
    ).result("F02")
    assert nominal.measurement is not None
    assert weaker.measurement is not None
    # Forces halve violence only at a higher coverage: the same troops cut less.
    assert weaker.measurement.value < nominal.measurement.value - 0.1
    assert weaker.figure != nominal.figure


@pytest.mark.slow
def test_bosnia_figures_change_with_a_willingness_parameter() -> None:
    """The IFOR comparison is computed by the force-generation conference, not stored."""
    base = run_checks(EvidenceContext(quick=True), ["BIH-total"]).result("BIH-total")
    fewer = run_checks(
        EvidenceContext(
            overrides=("options.ifor_as_deployed.coalition.target_troops=20000",), quick=True
        ),
        ["BIH-total"],
    ).result("BIH-total")
    assert base.measurement is not None
    assert fewer.measurement is not None
    assert fewer.measurement.value < base.measurement.value

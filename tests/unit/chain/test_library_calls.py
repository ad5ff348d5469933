"""The library's face refuses what no run can have, as the command line does (audit of the
Python API, 2026-12-07)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import grudging
from grudging.errors import GrudgingError


@pytest.fixture(scope="module")
def iraq():  # type: ignore[no-untyped-def]
    return grudging.load("iraq-2007")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ({"replications": 2.5}, "replications = 2.5: give a whole number of replications"),
        ({"seed": -1}, "seed = -1: give a whole number from 0 to 9,223,372,036,854,775,807"),
        (
            {"values": {"dynamics.self_exitation": 0.3}},
            "values: 'dynamics.self_exitation' is not a parameter of scenario 'iraq-2007' (did "
            "you mean 'dynamics.self_excitation'?)",
        ),
        (
            {"values": {"dynamics.self_excitation": 5.0}},
            "values: dynamics.self_excitation = 5.0 is outside its range [0.1664, 0.315]",
        ),
        ({"values": {"dynamics.self_excitation": float("nan")}}, "is outside its range"),
    ],
)
def test_a_call_no_run_can_have_is_refused_before_it_runs(iraq, call, message) -> None:  # type: ignore[no-untyped-def]
    """A misspelt value used to be ignored yet recorded as applied, and self-excitation 5 (range
    0.17-0.32) killed 61 % of Iraq."""
    with pytest.raises(GrudgingError) as err:
        grudging.simulate(iraq, options=["us_stays"], **{"replications": 3, **call})
    assert message in str(err.value)


def test_one_option_may_be_named_bare(iraq) -> None:  # type: ignore[no-untyped-def]
    assert grudging.simulate(iraq, options="us_stays", replications=2).options == ["us_stays"]


def test_when_every_option_failed_the_summary_is_an_empty_table() -> None:
    # no nation leads part of the force (a lead nation takes part whatever its willingness), and
    # every nation is as unwilling as the ranges allow: no coalition can form
    from grudging.scenario import load_scenario

    leads = [f"nations.{n}.lead_roles=0" for n in ("GBR", "KOR", "POL")]
    scn = load_scenario("iraq-2007", overrides=leads)
    low = {p.name: p.low for p in scn.parameters if p.name.startswith("willingness.")}
    r = grudging.simulate(scn, options=["nato_replaces"], replications=3, seed=1, values=low)
    assert (r.status["status"] == "failed").all()
    summary = r.summary()
    assert summary.empty
    assert list(summary.columns)[:3] == ["option", "outcome", "unit"]


def test_a_saved_run_s_metadata_is_strict_json(iraq, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """P(holds | deal) is undefined when no deal can form: written as null, not a bare NaN that
    no strict JSON reader takes."""
    scn = grudging.load("iraq-2007", set={"requirement.norm_insurgency": 25})
    r = grudging.simulate(scn, options=["nato_replaces"], replications=3, seed=7)
    bargain = r.metadata["plans"]["nato_replaces"]["bargain"]
    assert bargain["p_holds_given_deal"] != bargain["p_holds_given_deal"]  # NaN in memory
    r.save(tmp_path / "run")

    def refuse(token: str) -> None:
        raise AssertionError(f"{token} in metadata.json")

    meta = json.loads((tmp_path / "run" / "metadata.json").read_text(), parse_constant=refuse)
    assert meta["plans"]["nato_replaces"]["bargain"]["p_holds_given_deal"] is None


def test_a_comparison_with_no_other_option_is_an_empty_table(iraq) -> None:  # type: ignore[no-untyped-def]
    table = grudging.simulate(iraq, options="us_stays", replications=2).compare("us_stays")
    assert table.empty
    assert list(table.columns)[:3] == ["option", "baseline", "outcome"]

"""Bad inputs get one clear message: positions out of range, salience sums, unknown factions."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from grudging.errors import ParameterError, ScenarioError
from grudging.model.bargain import (
    BargainParams,
    BargainProblem,
    Guarantor,
    bargain,
    default_guarantor,
    problem_from_scenario,
)
from grudging.rng import make_rng
from grudging.scenario import load_scenario


def test_position_out_of_range_in_the_scenario(tiny_path: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(tiny_path, overrides=["factions.northern_party.positions.revenue=120"])
    assert str(err.value) == (
        "--set factions.northern_party.positions.revenue=120: "
        "factions[northern_party].positions.revenue: bad value 120: "
        "Input should be less than or equal to 100; use a smaller value"
    )


def test_salience_not_summing_to_one_in_the_scenario(tiny_path: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(tiny_path, overrides=["factions.northern_party.salience.revenue=0.5"])
    # the file is valid as written: the --set that broke the sum is named
    assert str(err.value) == (
        "--set factions.northern_party.salience.revenue=0.5: factions[northern_party]: salience "
        "of faction 'northern_party' sums to 0.800; the weights over issues must sum to 1 "
        "(rescale them)"
    )


def test_position_out_of_range_in_a_problem(
    problem_factory: Callable[..., BargainProblem],
) -> None:
    with pytest.raises(ScenarioError) as err:
        problem_factory([[10.0, 101.0], [0.0, 0.0]])
    assert str(err.value) == (
        "faction 'f0': position 101 on issue 'issue1' is outside [0, 100]; positions run from "
        "the issue's low pole (0) to its high pole (100)"
    )


def test_salience_not_summing_to_one_in_a_problem(
    problem_factory: Callable[..., BargainProblem],
) -> None:
    with pytest.raises(ScenarioError) as err:
        problem_factory([[10.0, 20.0]], salience=[[0.5, 0.3]])
    assert str(err.value) == (
        "salience of faction 'f0' sums to 0.800; the weights over issues must sum to 1 "
        "(rescale them)"
    )


def test_unknown_faction(tiny_path: Path) -> None:
    scn = load_scenario(tiny_path)
    with pytest.raises(ScenarioError) as err:
        problem_from_scenario(scn, spoilers=["northern_partie"])
    assert str(err.value) == (
        "unknown faction 'northern_partie' (did you mean 'northern_party'?); "
        "valid: jihadists, northern_party, southern_party"
    )
    params = BargainParams()
    with pytest.raises(ScenarioError, match=re.escape("unknown faction 'jihadist'")):
        bargain(scn, Guarantor("none"), 0.0, params, make_rng(1), 10, spoilers=["jihadist"])


def test_unknown_faction_in_the_scenario(tiny_path: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(
            tiny_path,
            overrides=[
                "options.alliance_replaces.local_deals=[{faction: rebels, month: 1, strength: 0.5}]"
            ],
        )
    assert "unknown faction 'rebels'" in str(err.value)
    assert "valid: jihadists, northern_party, southern_party" in str(err.value)


def test_bad_guarantors() -> None:
    with pytest.raises(ParameterError) as err:
        Guarantor("nato", strength_ratio=0.5, impartiality=1.5, commitment_years=3)
    assert str(err.value) == (
        "guarantor 'nato': impartiality = 1.5 is out of range; it must be [0, 1]"
    )
    with pytest.raises(ParameterError) as err:
        Guarantor("nato", strength_ratio=-1)
    assert str(err.value) == (
        "guarantor 'nato': strength_ratio = -1 is out of range; it must be >= 0"
    )
    with pytest.raises(ParameterError) as err:
        default_guarantor("natto", BargainParams())
    assert str(err.value) == (
        "unknown guarantor 'natto' (did you mean 'nato'?); valid: nato, none, un, us"
    )


def test_bad_parameters() -> None:
    with pytest.raises(ParameterError) as err:
        BargainParams(implementation_base=1.2)
    assert str(err.value) == (
        "parameter 'bargain.implementation_base' = 1.2 must lie in [0, 1]; it is a share"
    )
    with pytest.raises(ParameterError, match=re.escape("'bargain.war_years' = 0 must be > 0")):
        BargainParams(war_years=0)
    message = "'bargain.aid_value' = nan is not a finite number"
    with pytest.raises(ParameterError, match=re.escape(message)):
        BargainParams(aid_value=float("nan"))


def test_duplicate_and_shape_errors() -> None:
    with pytest.raises(ScenarioError, match="duplicate faction id 'a'"):
        BargainProblem(
            factions=("a", "a"),
            issues=("x",),
            positions=np.zeros((2, 1)),
            salience=np.ones((2, 1)),
            capability=np.ones(2),
            spoiler=np.zeros(2, bool),
            hostility=np.zeros(2),
        )
    with pytest.raises(ScenarioError, match=r"capability has shape \(3,\); expected \(2,\)"):
        BargainProblem(
            factions=("a", "b"),
            issues=("x",),
            positions=np.zeros((2, 1)),
            salience=np.ones((2, 1)),
            capability=np.ones(3),
            spoiler=np.zeros(2, bool),
            hostility=np.zeros(2),
        )

"""A dynamics parameter's value or range outside what the equations allow is refused where it is
written (a theatre author's audit widened self_excitation to 1e300 and every inhabitant died).
Every stage's domains, and the names they cover, are tested in test_parameter_domains.py."""

from __future__ import annotations

import pytest

from grudging.errors import ScenarioError
from grudging.model.domains import domain_error
from grudging.scenario import load_scenario
from grudging.scenario.minimal import shared_parameters


def test_the_shared_dynamics_parameters_lie_inside_their_domain() -> None:
    rows = [r for r in shared_parameters() if str(r["name"]).startswith("dynamics.")]
    assert rows
    for r in rows:
        assert domain_error(str(r["name"]), r["low"], r["value"], r["high"]) is None, r["name"]


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        (
            "parameters.dynamics.self_excitation.high=1e300",
            "parameter 'dynamics.self_excitation' = 1e+300 (its declared high) must lie in [0, 1): "
            "it is the share of last month's violence that echoes, and at 1 or more the violence "
            "grows without end; give a value and range inside that domain",
        ),
        (
            "parameters.dynamics.self_excitation.high=1",
            "parameter 'dynamics.self_excitation' = 1 (its declared high) must lie in [0, 1)",
        ),
        (
            "parameters.dynamics.refugee_share.high=1.2",
            "parameter 'dynamics.refugee_share' = 1.2 (its declared high) must lie in [0, 1]; it "
            "is a share",
        ),
        (
            "parameters.dynamics.coverage_half.low=0",
            "parameter 'dynamics.coverage_half' = 0 (its declared low) must be > 0",
        ),
        (
            "parameters.dynamics.attacks_per_fighter.low=-1",
            "parameter 'dynamics.attacks_per_fighter' = -1 (its declared low) must be >= 0",
        ),
    ],
)
def test_a_range_outside_the_domain_is_refused(assignment: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario("iraq-2007", overrides=[assignment])
    assert message in str(info.value)


def test_a_logit_takes_either_sign_and_a_widened_range_inside_the_domain_is_taken() -> None:
    scn = load_scenario(
        "iraq-2007",
        overrides=[
            "parameters.dynamics.realign_base.low=-8",
            "parameters.dynamics.self_excitation.high=0.95",
        ],
    )
    assert scn.parameter("dynamics.realign_base").low == -8
    assert scn.parameter("dynamics.self_excitation").high == 0.95

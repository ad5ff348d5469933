"""The bargain's own parameters are drawn with the dynamics: P(deal) as a distribution (issue 16)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from grudging.chain import simulate
from grudging.kernel import run_values
from grudging.options import settlement_at
from grudging.scenario import load_scenario


@pytest.fixture(scope="module")
def nato(iraq: Any, plan_cache: Any) -> Any:
    return plan_cache.plan(iraq, "nato_replaces", seed=7)


def test_at_the_nominal_values_each_replication_gets_the_plans_own_deal(
    iraq: Any, nato: Any
) -> None:
    values = {
        k: (np.full(4, v) if k.startswith("bargain.") else v) for k, v in run_values(iraq).items()
    }
    settle = settlement_at(iraq, nato, values, seed=7)
    planned = nato.inputs.settlement
    assert settle is not None
    np.testing.assert_array_equal(settle.p_forms, np.full(4, planned.p_forms))
    np.testing.assert_array_equal(settle.p_holds, np.full(4, planned.p_holds))
    np.testing.assert_array_equal(settle.p_sign, np.tile(planned.p_sign, (4, 1)))


def test_a_more_credible_bargain_never_lowers_the_chance_of_a_deal(iraq: Any, nato: Any) -> None:
    param = iraq.parameter("bargain.implementation_base")
    grid = np.linspace(param.low, param.high, 5)
    values = {**run_values(iraq), "bargain.implementation_base": grid}
    settle = settlement_at(iraq, nato, values, seed=7)
    assert settle is not None
    assert np.all(np.diff(settle.p_forms) >= 0)


@pytest.fixture(scope="module")
def drawn(iraq: Any, plan_cache: Any) -> Any:
    return simulate(
        iraq, options=["us_stays", "nato_replaces"], replications=60, seed=5, cache=plan_cache
    )


def test_a_run_draws_the_bargaining_parameters_per_replication(drawn: Any, iraq: Any) -> None:
    drawn_names = [c for c in drawn.experiments.columns if c.startswith("bargain.")]
    uncertain = [p.name for p in iraq.parameters if p.stage == "bargain" and p.high > p.low]
    assert sorted(drawn_names) == sorted(uncertain)
    scalars = drawn.scalars().set_index("option")
    p_deal = scalars.loc["nato_replaces", "p_deal"].to_numpy()
    assert np.unique(p_deal).size > 10  # a distribution across parameter draws, not a point
    assert (scalars.loc["us_stays", "p_deal"] == 0.0).all()  # no bargain attempted
    assert ((p_deal >= 0) & (p_deal <= 1)).all()


def test_the_dynamics_draws_do_not_move_when_the_bargain_is_drawn(drawn: Any, iraq: Any) -> None:
    from grudging.model.sampling import latin_hypercube
    from grudging.rng import stream

    declared = [p for p in iraq.parameters if p.stage == "dynamics" and p.high > p.low]
    alone = latin_hypercube(declared, 60, stream(5, "parameters"))
    for name, column in alone.items():
        np.testing.assert_array_equal(drawn.experiments[name].to_numpy()[:60], column)


def test_a_bargaining_parameter_set_on_the_command_line_is_not_drawn() -> None:
    scn = load_scenario("iraq-2007", overrides=["bargain.war_cost=0.1"])
    res = simulate(scn, options=["us_stays"], replications=5, seed=1)
    assert "bargain.war_cost" not in res.experiments.columns
    assert "bargain.exploitation_loss" in res.experiments.columns

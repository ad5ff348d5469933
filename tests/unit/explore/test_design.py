"""Designs: sizes, structure, factor values and the refusals with their did-you-means."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from grudging.errors import DesignError
from grudging.explore.design import make_design
from grudging.explore.levers import select_factors, with_plan_reads


def test_lhs_covers_every_stratum_once(iraq: Any) -> None:
    design = make_design(iraq, "lhs", 40, parameters="dynamics", levers="none", seed=3)
    assert design.points == 40
    strata = np.floor(design.unit * 40).astype(int)
    for column in strata.T:
        assert sorted(column) == list(range(40))


def test_saltelli_and_morris_sizes(iraq: Any) -> None:
    d = len(select_factors(iraq, "dynamics", "none"))
    assert make_design(iraq, "sobol", 8, "dynamics", "none").points == 8 * (d + 2)
    assert make_design(iraq, "sobol", 8, "dynamics", "none", second_order=True).points == 8 * (
        2 * d + 2
    )
    assert make_design(iraq, "morris", 3, "dynamics", "none").points == 3 * (d + 1)


@pytest.mark.parametrize("levels", [3, 5])
def test_a_morris_grid_needs_an_even_number_of_levels(iraq: Any, levels: int) -> None:
    """An odd number used to pass with SALib's warning (and its path) on the terminal."""
    with pytest.raises(DesignError) as err:
        make_design(iraq, "morris", 4, "dynamics", "none", num_levels=levels)
    assert str(err.value) == (
        f"--num-levels {levels}: a Morris grid needs an even number of levels, at least 2 (e.g. "
        "4): with an odd number the levels are not drawn equally often and the sample is biased "
        "(Morris 1991)"
    )


def test_morris_trajectories_move_one_factor_at_a_time(iraq: Any) -> None:
    design = make_design(iraq, "morris", 4, "dynamics", "none", num_levels=4)
    d = len(design.factors)
    for t in range(4):
        steps = np.diff(design.unit[t * (d + 1) : (t + 1) * (d + 1)], axis=0)
        assert np.all((steps != 0).sum(axis=1) == 1)


def test_factorial_of_the_levers_is_complete(iraq: Any) -> None:
    design = make_design(iraq, "factorial", 0, parameters="none", levers="all", levels=3)
    values = design.values()
    assert design.points == 3 * 3 * 3 * 3 * 3
    assert set(values["roe_level"]) == {"self_defence", "civilian_protection", "peace_enforcement"}
    assert set(values["command"]) == {"nato", "un", "us"}
    assert sorted(set(values["coalition_budget"])) == [2000.0, 11000.0, 20000.0]
    assert sorted(set(values["drawdown_months"])) == [6, 21, 36]
    assert len(values.drop(columns="point").drop_duplicates()) == design.points


def test_crossed_levers_meet_every_sampled_state(iraq: Any) -> None:
    design = make_design(
        iraq, "lhs", 5, parameters="dynamics", levers="roe_level,aid", cross_levers=True, levels=2
    )
    values = design.values()
    assert design.points == 5 * 3 * 2
    states = values.groupby(["roe_level", "aid"])["dynamics.self_excitation"].apply(sorted)
    assert all(s == states.iloc[0] for s in states)


def test_values_respect_declared_ranges_and_types(iraq: Any) -> None:
    design = make_design(iraq, "lhs", 64, parameters="all", levers="all", seed=9)
    values = design.values()
    for p in iraq.parameters:
        if p.name in values:
            assert values[p.name].between(p.low, p.high).all(), p.name
    assert values["drawdown_months"].dtype == np.int64
    assert values["drawdown_months"].between(6, 36).all()


def test_same_seed_same_design_other_seed_another(iraq: Any) -> None:
    a = make_design(iraq, "sobol", 4, "dynamics", "none", seed=1)
    b = make_design(iraq, "sobol", 4, "dynamics", "none", seed=1)
    c = make_design(iraq, "sobol", 4, "dynamics", "none", seed=2)
    np.testing.assert_array_equal(a.unit, b.unit)
    assert not np.array_equal(a.unit, c.unit)


def test_unknown_parameter_gets_a_did_you_mean(iraq: Any) -> None:
    with pytest.raises(DesignError) as info:
        make_design(iraq, "lhs", 4, parameters="dynamics.self_exitation")
    assert str(info.value).startswith(
        "unknown parameter 'dynamics.self_exitation' (did you mean 'dynamics.self_excitation'?); "
        "give a parameter name or a stage (bargain, dynamics, forcegen, requirement, roe, "
        "sectors, willingness)"
    )


def test_unknown_lever_gets_a_did_you_mean(iraq: Any) -> None:
    with pytest.raises(DesignError) as info:
        make_design(iraq, "lhs", 4, parameters="none", levers="comand")
    assert str(info.value) == (
        "unknown lever 'comand' (did you mean 'command'?); valid: aid, coalition_budget, "
        "command, drawdown_months, roe_level"
    )


def test_a_parameter_without_range_is_refused(iraq: Any) -> None:
    with pytest.raises(DesignError, match=r"^parameter 'requirement.proposal_force' has no range"):
        make_design(iraq, "lhs", 4, parameters="requirement.proposal_force")


def test_saltelli_needs_a_power_of_two(iraq: Any) -> None:
    with pytest.raises(DesignError) as info:
        make_design(iraq, "sobol", 100, "dynamics", "none")
    assert str(info.value) == (
        "n = 100: Saltelli's sampling needs a power of two (Sobol' sequences keep their balance "
        "only then); use 64 or 128"
    )


def test_plan_reads_mark_the_patron_skill_only_when_the_patron_guarantees(
    iraq: Any,
) -> None:
    from grudging.scenario.io import scenario_from_dict, scenario_to_dict

    dyn = select_factors(iraq, "dynamics.patron_pk_skill", "none")
    assert not any(f.plan_read for f in with_plan_reads(iraq, ["nato_replaces"], dyn))
    # The command lever moves command and guarantor together: a US guarantee is every force under
    # US command, the patron's own included, so the plan reads its skill (given per row: it stays
    # downstream and does not split the design's groups).
    both = select_factors(iraq, "dynamics.patron_pk_skill", "command")
    marked = {
        f.name: (f.upstream, f.plan_read) for f in with_plan_reads(iraq, ["nato_replaces"], both)
    }
    assert marked == {"dynamics.patron_pk_skill": (False, True), "command": (True, False)}
    # A lever on the guarantor alone can make the patron's own forces the guarantee.
    data = scenario_to_dict(iraq)
    data["levers"].append(
        {
            "name": "guarantor",
            "path": "options.*.bargain.guarantor",
            "kind": "categorical",
            "choices": ["nato", "us"],
        }
    )
    scn = scenario_from_dict(data)
    factors = select_factors(scn, "dynamics.patron_pk_skill", "guarantor")
    marked = {
        f.name: (f.upstream, f.plan_read) for f in with_plan_reads(scn, ["nato_replaces"], factors)
    }
    assert marked == {"dynamics.patron_pk_skill": (False, True), "guarantor": (True, False)}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "lhs", "n": 10**12}, "n = 1000000000000: give a whole number from 1 to "),
        ({"method": "morris", "n": 5_000_000}, "n = 5,000,000: a morris design of "),
        ({"method": "lhs", "n": 2.5}, "n = 2.5: give a whole number"),
        ({"method": "lhs", "seed": -1}, "seed = -1: give a whole number from 0 to "),
        ({"method": "factorial", "levels": 0}, "levels = 0: give a whole number from 1 to "),
        ({"method": "lhs", "second_order": True}, "second_order works with a sobol design"),
        ({"method": "lhs", "parameters": None}, "parameters = None: give 'all', 'none'"),
        ({"method": None}, "unknown design method 'None'"),
    ],
)
def test_a_design_no_sweep_can_have_is_refused_before_sampling(
    iraq: Any, kwargs: Any, message: str
) -> None:
    with pytest.raises(DesignError) as info:
        make_design(iraq, **{"parameters": "dynamics", "levers": "none", **kwargs})
    assert str(info.value).startswith(message)


def test_a_design_takes_a_scenario_name() -> None:
    assert make_design("iraq-2007", "lhs", 2, parameters="dynamics", levers="none").points == 2

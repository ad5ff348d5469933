"""A dynamics parameter that a plan reads (the guarantor's skill) is given per row in a sweep:
the guarantee and the bargain derived per row must be those of a plan made at the row's value,
bit for bit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from grudging.explore.design import make_design
from grudging.explore.levers import with_plan_reads
from grudging.explore.runner import chunk_specs, group_keys
from grudging.kernel import run_values
from grudging.options import settlement_at

SKILL = "dynamics.nato_pk_skill"
SEED = 7


@pytest.mark.slow  # two conferences' worth of planning (about 8 s here)
def test_settlement_by_row_is_the_plan_at_each_rows_skill(iraq: Any, plan_cache: Any) -> None:
    p = iraq.parameter(SKILL)
    low, high = p.low + 0.1 * (p.high - p.low), p.high
    shared = plan_cache.plan(iraq, "nato_replaces", None, SEED)
    values = run_values(iraq)
    values[SKILL] = np.array([low, high, low, high, high])
    by_row = settlement_at(iraq, shared, values, SEED, plan_reads=[SKILL])
    assert by_row is not None
    for i, skill in enumerate(values[SKILL]):
        own = plan_cache.plan(iraq, "nato_replaces", [(SKILL, float(skill))], SEED)
        assert own.inputs.settlement is not None
        single = settlement_at(iraq, own, {**values, SKILL: float(skill)}, SEED)
        # the plan's own bargain, and the vectorised bargain at the plan's guarantee
        for planned in (own.inputs.settlement, single):
            assert planned is not None
            np.testing.assert_array_equal(by_row.p_forms[i], planned.p_forms)
            np.testing.assert_array_equal(by_row.p_holds[i], planned.p_holds)
            np.testing.assert_array_equal(by_row.p_sign[i], np.reshape(planned.p_sign, (-1,)))
    # the skill matters: a stronger guarantee changes the bargain
    assert by_row.p_forms[0] != by_row.p_forms[1]


def test_without_plan_reads_the_settlement_is_the_planned_one(iraq: Any, plan_cache: Any) -> None:
    shared = plan_cache.plan(iraq, "nato_replaces", None, SEED)
    values = run_values(iraq)
    values[SKILL] = np.array([0.5, 0.9])
    plain = settlement_at(iraq, shared, values, SEED)
    again = settlement_at(iraq, shared, {**values, SKILL: values[SKILL][0]}, SEED)
    assert plain is not None
    assert again is not None
    assert np.array_equal(np.asarray(plain.p_forms), np.asarray(again.p_forms))


def test_a_plan_read_skill_does_not_split_the_design_into_groups(iraq: Any) -> None:
    design = make_design(iraq, "lhs", 8, [SKILL, "dynamics.coverage_half"], "none", seed=1)
    factors = with_plan_reads(iraq, ["nato_replaces"], design.factors)
    assert {f.name: (f.upstream, f.plan_read) for f in factors} == {
        SKILL: (False, True),
        "dynamics.coverage_half": (False, False),
    }
    points = design.values()
    points.insert(1, "group_key", group_keys(points, factors))
    assert points["group_key"].nunique() == 1
    specs = list(chunk_specs(points, factors, ["nato_replaces"], 5, 500, SEED, "h"))
    assert len(specs) == 1
    assert specs[0].plan_reads == (SKILL,)
    assert specs[0].points.size == 40

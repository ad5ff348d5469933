"""The one plan cache (run, sweeps, EMA adapter, dashboard): shared conferences, held failures."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from grudging.errors import ScenarioError
from grudging.options import plan_option
from grudging.plans import PlanCache


def test_dynamics_only_differences_share_one_conference_and_re_run_the_bargain(iraq: Any) -> None:
    cache = PlanCache()
    low = cache.plan(iraq, "nato_replaces", [("dynamics.nato_pk_skill", 0.5)], seed=7)
    high = cache.plan(iraq, "nato_replaces", [("dynamics.nato_pk_skill", 1.5)], seed=7)
    assert low.conference is high.conference
    assert low.guarantor is not None
    assert high.guarantor is not None
    assert high.guarantor.strength_ratio == pytest.approx(3 * low.guarantor.strength_ratio)
    assert cache.plan(iraq, "nato_replaces", [("dynamics.nato_pk_skill", 0.5)], seed=7) is low


def test_a_cached_plan_is_the_plan_computed_directly(iraq: Any) -> None:
    upstream = [("dynamics.nato_pk_skill", 1.2), ("willingness.participation_threshold", 0.4)]
    cached = PlanCache().plan(iraq, "nato_replaces", upstream, seed=3)
    values = {**iraq.parameter_values(), **dict(upstream)}
    direct = plan_option(iraq, "nato_replaces", values, 3)
    assert cached.conference is not None
    assert direct.conference is not None
    assert cached.conference.coalition.contingents == direct.conference.coalition.contingents
    assert cached.guarantor == direct.guarantor
    assert [u.name for u in cached.inputs.units] == [u.name for u in direct.inputs.units]
    for mine, theirs in zip(cached.inputs.units, direct.inputs.units, strict=True):
        np.testing.assert_array_equal(mine.troops, theirs.troops)


@pytest.mark.slow
def test_an_upstream_change_outside_the_dynamics_plans_a_new_conference(iraq: Any) -> None:
    cache = PlanCache()
    a = cache.plan(iraq, "nato_replaces", [("willingness.participation_threshold", 0.3)], seed=1)
    b = cache.plan(iraq, "nato_replaces", [("willingness.participation_threshold", 0.6)], seed=1)
    assert a.conference is not b.conference


def test_a_failure_is_held_and_raised_again(iraq: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import grudging.options

    calls = []

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        raise ScenarioError("no sector can be held")

    monkeypatch.setattr(grudging.options, "plan_option", failing)
    cache = PlanCache()
    upstream = [("dynamics.self_excitation", 0.4)]
    with pytest.raises(ScenarioError, match=r"^no sector can be held$") as first:
        cache.plan(iraq, "us_stays", upstream, seed=1)
    with pytest.raises(ScenarioError) as again:
        cache.plan(iraq, "us_stays", upstream, seed=1)
    assert again.value is first.value
    assert len(calls) == 1


def test_an_unknown_option_is_named(iraq: Any) -> None:
    with pytest.raises(ScenarioError, match=r"^unknown option 'no_such_option'; valid: "):
        PlanCache().plan(iraq, "no_such_option", seed=1)


def test_a_full_mapping_and_the_changes_alone_find_the_same_plan(iraq: Any) -> None:
    cache = PlanCache()
    changed = {"willingness.participation_threshold": 0.4}
    alone = cache.plan(iraq, "us_stays", changed, seed=2)
    full = cache.plan(iraq, "us_stays", {**iraq.parameter_values(), **changed}, seed=2)
    assert alone is full

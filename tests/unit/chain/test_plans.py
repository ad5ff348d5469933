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


def test_bargain_only_differences_share_one_conference(iraq: Any) -> None:
    cache = PlanCache()
    low = cache.plan(iraq, "nato_replaces", [("bargain.war_cost", 0.2)], seed=7)
    high = cache.plan(iraq, "nato_replaces", [("bargain.war_cost", 0.9)], seed=7)
    assert low is not high
    assert low.conference is high.conference
    other = cache.plan(iraq, "nato_replaces", [("willingness.participation_threshold", 0.4)], 7)
    assert other.conference is not low.conference


class _Recording(dict):  # type: ignore[type-arg]
    """The parameter values, remembering every name a stage looks up."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.read: set[str] = set()

    def __contains__(self, name: object) -> bool:
        self.read.add(str(name))
        return super().__contains__(name)

    def __getitem__(self, name: str) -> Any:
        self.read.add(name)
        return super().__getitem__(name)

    def get(self, name: str, default: Any = None) -> Any:
        self.read.add(name)
        return super().get(name, default)


@pytest.mark.parametrize(
    ("scenario", "option"), [("iraq-2007", "nato_replaces"), ("bosnia-1995", None)]
)
def test_a_conference_reads_only_the_stages_its_cache_key_holds(scenario: str, option: Any) -> None:
    """What keys a cached conference is what it reads: every name looked up is of its stages."""
    from grudging.model.conference import STAGES_READ, run_conference
    from grudging.rng import stream
    from grudging.scenario import load_scenario

    scn = load_scenario(scenario)
    planned = [o for o in scn.options if o.coalition is not None and (option in (None, o.id))]
    assert planned
    values = _Recording(scn.parameter_values())
    run_conference(scn, planned[0].coalition, values, rng=stream(1, "requirement"), cost_curve=())
    stages = {name.split(".", 1)[0] for name in values.read}
    assert stages <= set(STAGES_READ), sorted(stages - set(STAGES_READ))
    assert {"forcegen", "willingness"} <= stages


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

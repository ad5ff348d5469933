"""Rules of engagement and caveats: factors, limits, buying up, and the trade-off."""

from __future__ import annotations

from typing import Any

import pytest
from coalition_helpers import values_of

from grudging.errors import ScenarioError
from grudging.model.conference import coalition_plan, roe_tradeoff
from grudging.model.requirement import requirement, requirement_params
from grudging.model.roe import (
    caveat_factor,
    roe_factor,
    roe_params,
    steps_short,
    strength_by_contingent,
)


def test_factors(tiny_scn: Any) -> None:
    p = roe_params(values_of(tiny_scn))
    assert roe_factor(tiny_scn, "enforcement", p) == pytest.approx(1.0)
    assert roe_factor(tiny_scn, "self_defence", p) == pytest.approx(0.3**p.robustness_elasticity)
    assert caveat_factor(tiny_scn, ["no_offensive"]) == pytest.approx(0.7)
    assert caveat_factor(tiny_scn, []) == 1.0
    with pytest.raises(ScenarioError, match="did you mean"):
        roe_factor(tiny_scn, "protecton", p)


def test_steps_short(tiny_scn: Any) -> None:
    aaa = tiny_scn.nation("AAA")  # accepts at most 'protection'
    assert steps_short(aaa, tiny_scn, "protection") == 0
    assert steps_short(aaa, tiny_scn, "enforcement") == 1
    assert steps_short(tiny_scn.nation("BBB"), tiny_scn, "enforcement") == 0  # no limit declared


@pytest.mark.slow  # a few seconds: the slow tier keeps the default under its limit
def test_tradeoff_reports_every_level_and_robustness_costs_nations(iraq: Any) -> None:
    values = values_of(iraq, roe__step_up_max=0.0)
    req = requirement(iraq, requirement_params(values))
    out = roe_tradeoff(iraq, coalition_plan(iraq), req, values)
    levels = [o.level for o in out.outcomes]
    assert levels == ["self_defence", "civilian_protection", "peace_enforcement"]
    out_by_roe = [len(o.out_by_roe) for o in out.outcomes]
    assert out_by_roe == sorted(out_by_roe)
    assert out_by_roe[-1] > out_by_roe[0]
    for o in out.outcomes:
        assert not set(o.out_by_roe) & set(o.nations)
    assert len(out.to_frame()) == 3


def test_effective_strength_decomposes(iraq_result: Any, iraq: Any) -> None:
    rows = strength_by_contingent(iraq_result.coalition, iraq, roe_params(values_of(iraq)))
    for r in rows:
        assert r.effective_strength == pytest.approx(
            r.troops * r.quality * r.caveat_factor * r.roe_factor
        )

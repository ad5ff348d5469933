"""Every point a sweep may draw from the declared ranges is a valid set of stage parameters: a
check across parameters (the contingent ladder's order, a share's domain) must never fail
inside the ranges, or a sweep over them loses runs (a Morris screen of every parameter lost
132 runs to the ladder's order before the ranges were made consistent)."""

from __future__ import annotations

from typing import Any

import pytest

from grudging.explore.design import make_design
from grudging.model.bargain import BargainParams
from grudging.model.dynamics import DynamicsParams
from grudging.model.forcegen import forcegen_params
from grudging.model.parameters import stage_parameters
from grudging.model.requirement import requirement_params
from grudging.model.roe import roe_params
from grudging.model.sectors import sector_params
from grudging.model.willingness import willingness_params


@pytest.mark.parametrize("scenario", ["iraq-2007", "bosnia-1995"])
def test_every_corner_and_draw_of_the_declared_ranges_is_accepted(scenario: str) -> None:
    from grudging.scenario import load_scenario

    scn = load_scenario(scenario)
    nominal = scn.parameter_values()
    ranged = [p for p in scn.parameters if p.high > p.low]
    # each parameter at each end of its range, the others nominal, then a Latin hypercube of all
    points: list[dict[str, Any]] = [
        {**nominal, p.name: end} for p in ranged for end in (p.low, p.high)
    ]
    design = make_design(scn, "lhs", 400, parameters="all", levers="none", seed=7)
    table = design.values()
    names = [c for c in table.columns if c in nominal]
    points += [{**nominal, **dict(zip(names, row, strict=True))} for row in table[names].to_numpy()]
    for values in points:
        willingness_params(values)
        forcegen_params(values)
        roe_params(values)
        sector_params(values)
        requirement_params(values)
        stage_parameters(BargainParams, values, "bargain")
        stage_parameters(DynamicsParams, values, "dynamics")

"""Every design stays inside its factors' declared ranges, whatever the method, size and seed."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from grudging.explore.design import make_design
from grudging.scenario import load_scenario

SCENARIO = load_scenario("iraq-2007")
PARAMETERS = {p.name: p for p in SCENARIO.parameters}
LEVERS = {lv.name: lv for lv in SCENARIO.levers}
STAGES = ["dynamics", "bargain", "requirement", "willingness"]


@st.composite
def designs(draw: Any) -> Any:
    method = draw(st.sampled_from(["lhs", "sobol", "morris", "factorial"]))
    stages = draw(st.lists(st.sampled_from(STAGES), min_size=0, max_size=2, unique=True))
    levers = draw(st.lists(st.sampled_from(sorted(LEVERS)), min_size=0, max_size=3, unique=True))
    if not stages and len(levers) < 2:
        levers = ["command", "aid"]
    if method == "factorial":
        stages = []
    n = {"lhs": draw(st.integers(1, 40)), "sobol": 2 ** draw(st.integers(0, 3))}.get(
        method, draw(st.integers(1, 3))
    )
    return make_design(
        SCENARIO,
        method,
        n,
        parameters=",".join(stages) or "none",
        levers=",".join(levers) or "none",
        seed=draw(st.integers(0, 2**31)),
        levels=draw(st.integers(1, 4)),
    )


@given(designs())
@settings(max_examples=40, deadline=None)
def test_values_stay_within_declared_ranges(design: Any) -> None:
    assert np.all((design.unit >= 0.0) & (design.unit <= 1.0))
    values = design.values()
    assert len(values) == design.points
    for f in design.factors:
        column = values[f.name]
        if f.name in PARAMETERS:
            p = PARAMETERS[f.name]
            assert column.between(p.low, p.high).all(), f.name
        else:
            lever = LEVERS[f.name]
            if lever.kind == "categorical":
                assert set(column) <= set(lever.choices)
            else:
                assert column.between(lever.low, lever.high).all(), f.name
                if lever.kind == "integer":
                    assert (column == np.round(column)).all()

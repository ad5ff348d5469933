"""The dashboard re-uses plans across dynamics changes: that is only right if plans ignore them."""

from __future__ import annotations

import json

import numpy as np

from grudging.options import PLANNING_DYNAMICS, affects_plan, plan_option
from grudging.scenario import load_scenario


def test_plans_ignore_the_dynamics_parameters_they_are_said_to_ignore() -> None:
    scn = load_scenario("iraq-2007")
    moved = {
        p.name: (p.high if p.high != p.value else p.low)
        for p in scn.parameters
        if p.stage == "dynamics" and not affects_plan(p.name)
    }
    assert moved
    assert not set(moved) & PLANNING_DYNAMICS
    default = plan_option(scn, "nato_replaces", None, seed=7)
    changed = plan_option(scn, "nato_replaces", moved, seed=7)
    # compared as JSON text, so that NaN (no deal to hold) equals NaN
    assert json.dumps(changed.summary(), sort_keys=True) == json.dumps(
        default.summary(), sort_keys=True
    )
    assert changed.guarantor == default.guarantor
    for a, b in zip(default.inputs.units, changed.inputs.units, strict=True):
        assert np.array_equal(a.troops, b.troops)


def test_which_parameters_re_plan() -> None:
    assert affects_plan("dynamics.patron_pk_skill")
    assert affects_plan("willingness.free_riding")
    assert not affects_plan("dynamics.self_excitation")

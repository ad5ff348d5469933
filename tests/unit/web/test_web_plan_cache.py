"""The dashboard re-uses plans across dynamics changes: right only if plans ignore them."""

from __future__ import annotations

import json

import numpy as np

from grudging.options import plan_option, plan_reads_dynamics
from grudging.scenario import load_scenario


def test_plans_ignore_the_dynamics_parameters_they_do_not_read() -> None:
    scn = load_scenario("iraq-2007")
    option = scn.option("nato_replaces")
    reads = plan_reads_dynamics(scn, option)
    moved = {
        p.name: (p.high if p.high != p.value else p.low)
        for p in scn.parameters
        if p.stage == "dynamics" and p.name not in reads
    }
    assert moved
    default = plan_option(scn, option.id, None, seed=7)
    changed = plan_option(scn, option.id, moved, seed=7)
    # compared as JSON text, so that NaN (no deal to hold) equals NaN
    assert json.dumps(changed.summary(), sort_keys=True) == json.dumps(
        default.summary(), sort_keys=True
    )
    assert changed.guarantor == default.guarantor
    for a, b in zip(default.inputs.units, changed.inputs.units, strict=True):
        assert np.array_equal(a.troops, b.troops)


def test_the_cache_key_follows_what_a_plan_reads() -> None:
    from grudging.web.workspace import Workspace

    base = {"dynamics.self_excitation": 0.4, "willingness.free_riding": 0.5}
    key = Workspace._planning_key
    assert key(base) == key({**base, "dynamics.self_excitation": 0.6})
    assert key(base) != key({**base, "willingness.free_riding": 0.1})
    reads = ("dynamics.patron_pk_skill",)
    with_skill = {**base, "dynamics.patron_pk_skill": 0.6}
    assert key(with_skill, reads) != key({**with_skill, "dynamics.patron_pk_skill": 0.9}, reads)

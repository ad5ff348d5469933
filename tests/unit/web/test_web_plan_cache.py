"""The dashboard re-uses plans across dynamics changes: right only if plans ignore them."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from grudging.options import plan_option, plan_reads_dynamics
from grudging.scenario import load_scenario


def _variant(scn: Any, command: str, guarantor: str) -> Any:
    base = scn.option("nato_replaces")
    return base.model_copy(
        update={
            "coalition": base.coalition.model_copy(update={"command": command}),
            "bargain": base.bargain.model_copy(update={"guarantor": guarantor}),
        }
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "guarantor", "reads"),
    [
        ("nato", "nato", ("dynamics.nato_pk_skill",)),
        pytest.param(
            "us",
            "us",
            ("dynamics.patron_pk_skill", "dynamics.us_led_pk_skill"),
            marks=pytest.mark.slow,
        ),
        pytest.param(
            "nato",
            "us",
            ("dynamics.patron_pk_skill", "dynamics.us_led_pk_skill"),
            marks=pytest.mark.slow,
        ),
        pytest.param("nato", "none", (), marks=pytest.mark.slow),
    ],
)
def test_plans_ignore_the_dynamics_parameters_they_do_not_read(
    command: str, guarantor: str, reads: tuple[str, ...]
) -> None:
    scn = load_scenario("iraq-2007")
    option = _variant(scn, command, guarantor)
    assert plan_reads_dynamics(scn, option) == reads
    if guarantor != "none":
        # what it reads does move the plan: the guarantor's strength
        read = {n: scn.parameter(n).high for n in reads}
        assert (
            plan_option(scn, option, read, 7).guarantor
            != plan_option(scn, option, None, 7).guarantor
        )
    moved = {
        p.name: (p.high if p.high != p.value else p.low)
        for p in scn.parameters
        if p.stage == "dynamics" and p.name not in reads
    }
    assert moved
    default = plan_option(scn, option, None, seed=7)
    changed = plan_option(scn, option, moved, seed=7)
    # compared as JSON text, so that NaN (no deal to hold) equals NaN
    assert json.dumps(changed.summary(), sort_keys=True) == json.dumps(
        default.summary(), sort_keys=True
    )
    assert changed.guarantor == default.guarantor
    assert changed.settlement is not None
    assert default.settlement is not None
    assert changed.settlement.p_deal == default.settlement.p_deal
    # Each contingent's troops month by month (not by region: the sector programme stops at a
    # one-second time limit, so two runs of the same plan may post troops differently).
    for a, b in zip(default.inputs.units, changed.inputs.units, strict=True):
        assert np.array_equal(a.troops.sum(axis=0), b.troops.sum(axis=0))


def test_the_cache_key_follows_what_a_plan_reads() -> None:
    from grudging.plans import _key

    base = {"dynamics.self_excitation": 0.4, "willingness.free_riding": 0.5}
    spec = load_scenario("iraq-2007").option("nato_replaces")

    def key(values: dict[str, float], reads: tuple[str, ...] = ()) -> str:
        return _key("tag", spec, 7, values, reads)

    assert key(base) == key({**base, "dynamics.self_excitation": 0.6})
    assert key(base) != key({**base, "willingness.free_riding": 0.1})
    reads = ("dynamics.patron_pk_skill",)
    with_skill = {**base, "dynamics.patron_pk_skill": 0.6}
    assert key(with_skill, reads) != key({**with_skill, "dynamics.patron_pk_skill": 0.9}, reads)
    assert key(with_skill) == key({**with_skill, "dynamics.patron_pk_skill": 0.9})

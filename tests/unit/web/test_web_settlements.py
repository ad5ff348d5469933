"""The bargains re-run per replication are kept: the dashboard re-uses them after a dynamics
change, options that field the same guarantee share them within a run, and either way the
numbers are, bit for bit, those of a run that computes every bargain afresh."""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np
import pandas as pd
import pytest

import grudging.options
from grudging.chain import BLOCK, simulate
from grudging.model.bargain import BargainParams
from grudging.model.parameters import stage_parameters
from grudging.options import bargain_draws_key
from grudging.web import callbacks as cb
from grudging.web.controls import check_values
from grudging.web.workspace import _Memo


def _change(ws: Any, state: Any, name: str, fraction: float) -> Any:
    p = ws.scenario(ws.start).parameter(name)
    new, errors = cb.apply_assumptions(ws, state, {name: repr(p.low + fraction * (p.high - p.low))})
    assert errors == {}
    return new


def _count_bargains(monkeypatch: Any) -> list[int]:
    calls: list[int] = []
    original = grudging.options.bargain_draws

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(grudging.options, "bargain_draws", counted)
    return calls


def test_a_dynamics_change_reuses_the_bargains_and_matches_the_chain(
    ws: Any, state: Any, monkeypatch: Any
) -> None:
    ws.results(_change(ws, state, "dynamics.coverage_half", 0.163))  # fills the memo if empty
    calls = _count_bargains(monkeypatch)
    new = _change(ws, state, "dynamics.coverage_half", 0.731)
    changed = ws.results(new)
    assert calls == []  # the same plans, the same bargaining draws: nothing re-run
    # what the chain gives without the dashboard's memo (the same plans: the dashboard's cache)
    scn = ws.edited(new)
    fresh = simulate(
        scn,
        replications=ws.replications,
        seed=ws.seed,
        values=check_values(scn, new["values"]),
        cache=ws._planner,
    )
    # it did re-run them: one bargain a block, shared by the two options with NATO's guarantee
    assert len(calls) == math.ceil(ws.replications / BLOCK)
    for table in ("experiments", "outcomes", "status", "region_months"):
        pd.testing.assert_frame_equal(
            getattr(changed, table), getattr(fresh, table), check_exact=True
        )


@pytest.mark.slow  # four runs of five options: the slow tier
def test_options_sharing_a_guarantee_share_the_bargain_and_change_no_number(
    monkeypatch: Any,
) -> None:
    from grudging.scenario import load_scenario

    scn = load_scenario("iraq-2007")
    both = ["nato_replaces", "nato_then_un"]
    calls = _count_bargains(monkeypatch)
    shared = simulate(scn, options=both, replications=BLOCK + 20, seed=11)
    assert len(calls) == 2  # two blocks, one bargain each for both options
    apart = [simulate(scn, options=[o], replications=BLOCK + 20, seed=11) for o in both]
    assert len(calls) == 6  # each option on its own computes its own
    for table in ("experiments", "outcomes", "status", "region_months"):
        joined = pd.concat([getattr(r, table) for r in apart], ignore_index=True)
        pd.testing.assert_frame_equal(getattr(shared, table), joined, check_exact=True)


def test_the_key_reads_what_the_bargain_reads(ws: Any) -> None:
    scn = ws.scenario(ws.start)
    draws = np.linspace(0.1, 0.2, 5)
    values = {**scn.parameter_values(), "bargain.war_cost": draws}

    def key(plan: Any, vals: Any, seed: int = 7, scenario: Any = scn) -> Any:
        b = stage_parameters(BargainParams, vals, "bargain")
        g = plan.guarantee
        return bargain_draws_key(
            scenario, g.kind, plan.option.bargain.aid_musd_per_year, g.params(b), seed
        )

    plan = ws.plan(ws.start, scn, "nato_replaces", {})
    first = key(plan, values)
    assert first is not None
    # the dynamics' values are not read; a bargaining draw, the seed and the scenario are
    assert first == key(plan, {**values, "dynamics.coverage_half": 9.0})
    moved = draws.copy()
    moved[3] = np.nextafter(moved[3], 1.0)
    assert first != key(plan, {**values, "bargain.war_cost": moved})
    assert first != key(plan, values, seed=8)
    assert first != key(plan, values, scenario=object())
    # the same coalition with a later handover fields the same guarantee: the same key
    assert first == key(ws.plan(ws.start, scn, "nato_then_un", {}), values)


def test_the_memo_keeps_the_last_entries_and_is_safe_across_threads() -> None:
    memo = _Memo(4)

    def fill(start: int) -> None:
        for i in range(start, start + 200):
            memo[i % 7] = i
            memo.get((i + 3) % 7)

    workers = [threading.Thread(target=fill, args=(k * 1000,)) for k in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(memo) == 4
    memo["a"] = 1
    memo["b"] = 2
    assert memo.get("a") == 1  # used: now the most recent
    for k in ("c", "d", "e"):
        memo[k] = 0
    assert list(memo) == ["a", "c", "d", "e"]
    memo.clear()
    assert len(memo) == 0


def test_the_settlement_reads_no_dynamics_value(ws: Any) -> None:
    """What the memo's key leaves out must not move the settlement (the key's premise)."""
    from dataclasses import fields

    from grudging.kernel import run_values

    scn = ws.scenario(ws.start)
    plan = ws.plan(ws.start, scn, "nato_replaces", {})
    values = {**run_values(scn), "bargain.war_cost": np.linspace(0.05, 0.25, 4)}
    moved = {
        **values,
        **{p.name: p.high for p in scn.parameters if p.stage == "dynamics" and p.high > p.value},
    }
    assert moved != values
    a = grudging.options.settlement_at(scn, plan, values, 7)
    b = grudging.options.settlement_at(scn, plan, moved, 7)
    assert a is not None
    assert b is not None
    for f in fields(a):
        x, y = np.asarray(getattr(a, f.name)), np.asarray(getattr(b, f.name))
        assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), f.name

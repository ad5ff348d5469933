"""The dashboard keeps the bargains re-run per replication: a dynamics change re-uses them and
gives, bit for bit, the run the chain makes without the memo."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pandas as pd

import grudging.options
from grudging.chain import simulate
from grudging.kernel import settlement_memo_key
from grudging.web import callbacks as cb
from grudging.web.controls import check_values
from grudging.web.workspace import _Memo


def _change(ws: Any, state: Any, name: str, fraction: float) -> Any:
    p = ws.scenario(ws.start).parameter(name)
    new, errors = cb.apply_assumptions(ws, state, {name: repr(p.low + fraction * (p.high - p.low))})
    assert errors == {}
    return new


def test_a_dynamics_change_reuses_the_bargains_and_matches_the_chain(
    ws: Any, state: Any, monkeypatch: Any
) -> None:
    ws.results(_change(ws, state, "dynamics.coverage_half", 0.137))  # fills the memo if empty
    calls: list[str] = []
    original = grudging.options.settlement_at

    def counted(scn: Any, plan: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(plan.option.id)
        return original(scn, plan, *args, **kwargs)

    monkeypatch.setattr(grudging.options, "settlement_at", counted)
    new = _change(ws, state, "dynamics.coverage_half", 0.731)
    changed = ws.results(new)
    assert calls == []  # the same plans, the same bargaining draws: nothing re-run
    # what the chain gives without the memo (the same plans: the dashboard's cache)
    scn = ws.edited(new)
    fresh = simulate(
        scn,
        replications=ws.replications,
        seed=ws.seed,
        values=check_values(scn, new["values"]),
        cache=ws._planner,
    )
    assert sorted(set(calls)) == ["nato_replaces", "nato_then_un"]  # it did re-run them
    for table in ("experiments", "outcomes", "status", "region_months"):
        pd.testing.assert_frame_equal(
            getattr(changed, table), getattr(fresh, table), check_exact=True
        )


def test_the_key_reads_the_bargaining_draws_not_the_dynamics(ws: Any) -> None:
    scn = ws.scenario(ws.start)
    plan = ws.plan(ws.start, scn, "nato_replaces", {})
    draws = np.linspace(0.1, 0.2, 5)
    values = {"bargain.war_cost": draws, "dynamics.coverage_half": 3.0}
    key = settlement_memo_key(scn, plan, values, 7, ())
    # the dynamics' values are not read; a bargaining draw, the seed and the plan are
    assert key == settlement_memo_key(scn, plan, {**values, "dynamics.coverage_half": 9.0}, 7, ())
    moved = draws.copy()
    moved[3] = np.nextafter(moved[3], 1.0)
    assert key != settlement_memo_key(scn, plan, {**values, "bargain.war_cost": moved}, 7, ())
    assert key != settlement_memo_key(scn, plan, values, 8, ())
    other = ws.plan(ws.start, scn, "nato_then_un", {})
    assert key != settlement_memo_key(scn, other, values, 7, ())
    # a plan that reads the dynamics per replication (a sweep's design points): never kept
    assert settlement_memo_key(scn, plan, values, 7, ("dynamics.nato_pk_skill",)) is None


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

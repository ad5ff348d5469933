"""The Results views are computed once and kept, and a kept view is never stale or shared."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd

from grudging.results.results import Results


def _results(shift: float = 0.0) -> Results:
    """Two options x three replications, one scalar and one monthly outcome (made-up values)."""
    experiments, outcomes = [], []
    for i, (option, rep) in enumerate((o, r) for o in ("b", "a") for r in range(3)):
        run = f"r{i}"
        experiments.append({"run_id": run, "option": option, "replication": rep})
        value = float(10 * (option == "b") + rep) + shift
        base = {"run_id": run, "option": option, "replication": rep, "region": None}
        outcomes.append(
            base | {"nation": None, "month": None, "outcome": "civil_war"} | {"value": value}
        )
        for month in (0, 1):
            outcomes.append(
                base
                | {"nation": None, "month": float(month), "outcome": "civilian_deaths"}
                | {"value": value + month}
            )
    return Results(
        experiments=pd.DataFrame(experiments),
        outcomes=pd.DataFrame(outcomes),
        status=pd.DataFrame({"run_id": [e["run_id"] for e in experiments], "status": "ok"}),
        metadata={},
    )


def test_kept_views_equal_fresh_ones() -> None:
    kept = _results()
    for _ in range(2):  # the second call reads the kept view
        assert kept.options == ["b", "a"]
        pd.testing.assert_frame_equal(kept.scalars(), _results().scalars())
        pd.testing.assert_frame_equal(kept.summary(), _results().summary())
        pd.testing.assert_frame_equal(kept.compare("b"), _results().compare("b"))
        pd.testing.assert_frame_equal(kept.monthly(), _results().monthly())
    # the paired difference a - b is -10 in every replication
    assert np.allclose(kept.compare("b")["mean_difference"], -10.0)


def test_a_changed_copy_leaves_the_kept_view_alone() -> None:
    results = _results()
    wide = results.scalars()
    wide["civil_war"] = -1.0
    results.options.append("c")
    assert results.options == ["b", "a"]
    assert (results.scalars()["civil_war"] >= 0).all()


def test_a_replaced_table_is_read_again() -> None:
    results = _results()
    assert results.scalars()["civil_war"].min() == 0.0
    results.outcomes = _results(shift=5.0).outcomes
    assert results.scalars()["civil_war"].min() == 5.0
    results.experiments = results.experiments.assign(option="z")
    assert results.options == ["z"]


def test_pickle_carries_no_kept_views() -> None:
    results = _results()
    results.summary()
    back = pickle.loads(pickle.dumps(results))
    assert back._views == {}
    pd.testing.assert_frame_equal(back.summary(), results.summary())

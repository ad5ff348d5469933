"""A store of a theatre without a patron swept before such a theatre dropped the patron's outcomes
(``cost_patron``, ``patron_troops``) still holds them: it resumes as it was swept, to exactly the
table the older version would have finished, in every layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from explore_helpers import assert_same_tables

from grudging.explore import runner
from grudging.explore.design import make_design
from grudging.model import outcomes
from grudging.model.outcomes import OUTCOMES, PATRON_OUTCOMES
from grudging.results.store import open_store


def _sweep(scn: Any, path: Path, **kw: Any) -> Any:
    design = make_design(scn, "lhs", 3, parameters="dynamics", levers="none", seed=4)
    option = scn.options[0].id
    return runner.sweep(scn, path, design, options=[option], replications=2, block=2, **kw)


def _as_swept_before(monkeypatch: pytest.MonkeyPatch, version: int) -> None:
    """Sweep as the version before did: every registered outcome, whatever the theatre."""
    monkeypatch.setattr(outcomes, "theatre_outcomes", lambda scn: tuple(OUTCOMES))
    monkeypatch.setattr(runner, "FORMAT_VERSION", version)


@pytest.mark.parametrize("version", [2, 3])
def test_an_older_store_of_a_theatre_without_a_patron_resumes_as_it_was_swept(
    patronless: Any, tmp_path: Path, version: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as_swept_before(monkeypatch, version)
    _sweep(patronless, tmp_path / "whole.duckdb", monthly=True)
    calls: list[int] = []

    def stop_after_two_chunks(done: int, total: int, failed: int) -> None:
        calls.append(done)
        if len(calls) == 3:
            raise KeyboardInterrupt

    old = tmp_path / "old.duckdb"
    with pytest.raises(KeyboardInterrupt):
        _sweep(patronless, old, monthly=True, progress=stop_after_two_chunks)
    monkeypatch.undo()
    with open_store(old) as store:
        assert set(PATRON_OUTCOMES) <= set(store.meta["outcomes"])
        assert store.counts() == {"stored": 4, "failed": 0, "total": 6}
    report = runner.sweep(None, old, resume=True)
    assert (report.stored_runs, report.session_runs, report.failed_runs) == (6, 2, 0)
    assert_same_tables(tmp_path / "whole.duckdb", old)  # the patron's columns kept, value for value


def test_a_new_store_of_a_theatre_without_a_patron_holds_no_patron_outcome(
    patronless: Any, tmp_path: Path
) -> None:
    path = tmp_path / "new.duckdb"
    assert _sweep(patronless, path).complete
    with open_store(path) as store:
        held = store.meta["outcomes"]
        names = set(store.outcomes()["outcome"])
    assert held == [o for o in OUTCOMES if o not in PATRON_OUTCOMES]
    assert names == set(held)

"""Consistent terms: the troop timetable under a guarantor fits its stay (analytic values)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from grudging.errors import ScenarioError
from grudging.model.bargain import BargainProblem, problem_from_scenario
from grudging.model.bargain.terms import consistent_terms, presence_cap, stay_years


def test_cap_and_stay_are_inverse() -> None:
    assert presence_cap(3.0, 10.0) == pytest.approx(70.0)
    assert presence_cap(0.0, 10.0) == pytest.approx(100.0)
    assert presence_cap(25.0, 10.0) == pytest.approx(0.0)  # beyond the open-ended stay
    assert stay_years(70.0, 10.0) == pytest.approx(3.0)
    caps = presence_cap(np.array([1.0, 5.0]), 10.0)
    assert np.allclose(caps, [90.0, 50.0])


def test_consistent_terms_caps_only_the_timetable(
    problem_factory: Callable[..., BargainProblem],
) -> None:
    problem = replace(problem_factory([[10.0, 95.0], [60.0, 20.0]]), presence=(1, 10.0))
    x = np.array([40.0, 95.0])
    assert consistent_terms(x, problem, "none", 5.0) is x
    capped = consistent_terms(x, problem, "nato", 4.0)
    assert capped.tolist() == [40.0, 60.0]
    assert x.tolist() == [40.0, 95.0]
    assert consistent_terms(np.array([40.0, 30.0]), problem, "un", 4.0).tolist() == [40.0, 30.0]
    per_draw = consistent_terms(
        np.array([[40.0, 95.0], [40.0, 95.0]]), problem, "us", np.array([1.0, 8.0])
    )
    assert per_draw[:, 1].tolist() == pytest.approx([90.0, 20.0])
    without = problem_factory([[10.0, 95.0], [60.0, 20.0]])
    assert consistent_terms(x, without, "nato", 4.0) is x


def test_bad_presence_is_refused(problem_factory: Callable[..., BargainProblem]) -> None:
    problem = problem_factory([[10.0, 95.0], [60.0, 20.0]])
    with pytest.raises(ScenarioError, match=r"presence \(5, 10.0\)"):
        replace(problem, presence=(5, 10.0))


def test_built_in_scenarios_mark_their_troop_timetable(iraq) -> None:  # type: ignore[no-untyped-def]
    problem = problem_from_scenario(iraq)
    assert problem.presence is not None
    assert problem.issues[problem.presence[0]] == "troop_timetable"

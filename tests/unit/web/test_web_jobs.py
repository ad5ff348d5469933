"""Background jobs of the dashboard: one per key, progress, result or error, one at a time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from grudging.errors import GrudgingError
from grudging.web.jobs import Job, Jobs


def _wait(job: Job, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while job.state == "running":
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.01)


def _gated(release: threading.Event, result: Any = 42) -> Callable[[Callable[[str], None]], Any]:
    def work(say: Callable[[str], None]) -> Any:
        say("lever aid")
        release.wait(10)
        return result

    return work


def test_a_job_runs_in_the_background_reports_progress_and_its_result() -> None:
    jobs = Jobs()
    release = threading.Event()
    job = jobs.start("k", "Searching", _gated(release))
    assert job.state == "running"  # start returned before the work finished
    deadline = time.monotonic() + 5
    while not job.progress and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.line().startswith("Searching: lever aid… (")
    release.set()
    _wait(job)
    assert (job.state, job.result) == ("done", 42)
    assert job.line().startswith("Searching: done in ")
    assert jobs.get("k") is job


def test_the_same_request_finds_the_same_job_and_another_waits_its_turn() -> None:
    jobs = Jobs()
    release = threading.Event()
    calls: list[int] = []

    def work(say: Callable[[str], None]) -> int:
        calls.append(1)
        release.wait(10)
        return len(calls)

    first = jobs.start("k", "Searching", work)
    assert jobs.start("k", "Searching", work) is first
    with pytest.raises(GrudgingError, match=r"another search is running \(Searching: "):
        jobs.start("other", "Searching", work)
    release.set()
    _wait(first)
    assert jobs.start("k", "Searching", work) is first  # done: kept, not run again
    assert calls == [1]
    second = jobs.start("other", "Searching", work)  # now there is room
    _wait(second)
    assert second.state == "done"


def test_a_failed_job_says_why_and_runs_again_when_asked() -> None:
    jobs = Jobs()

    def fail(say: Callable[[str], None]) -> None:
        raise GrudgingError("option 'x' cannot be planned")

    job = jobs.start("k", "Searching", fail)
    _wait(job)
    assert job.state == "failed"
    assert job.line() == (
        "Searching failed: The search could not be run: option 'x' cannot be planned"
    )
    again = jobs.start("k", "Searching", lambda say: 7)
    assert again is not job
    _wait(again)
    assert again.result == 7


def test_finished_jobs_beyond_the_limit_are_dropped_oldest_first() -> None:
    jobs = Jobs(keep=2)
    for key in ("a", "b", "c"):
        _wait(jobs.start(key, "S", lambda say: 1))
    jobs.start("d", "S", lambda say: 1)  # two finished kept besides the new one
    assert jobs.get("a") is None
    assert all(jobs.get(k) is not None for k in ("b", "c", "d"))

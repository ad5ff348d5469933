"""Long computations the dashboard runs in the background (the what-would-it-take search).

A request starts a job and returns at once; the page polls :meth:`Jobs.status` and shows the
job's progress lines until it is done. A job is known by a key (what it computes), so asking again
for the same thing finds the running or finished job instead of starting another. One job runs at a
time: the searches are heavy and the machine is shared by every page; a second request meanwhile is
refused with the reason.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from grudging.errors import GrudgingError

#: Finished jobs kept (least recently asked for dropped first).
KEEP_DONE = 8

Progress = Callable[[str], None]


@dataclass
class Job:
    """One background computation: its state, progress lines and result (or error)."""

    key: Hashable
    label: str
    #: What it computes from (for a search: the request and the assumptions it fixes).
    inputs: dict[str, Any] = field(default_factory=dict)
    state: str = "running"  # running | done | failed
    progress: list[str] = field(default_factory=list)
    result: Any = None
    error: str | None = None
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def seconds(self) -> float:
        """How long it ran (so far)."""
        return (self.finished or time.monotonic()) - self.started

    def line(self) -> str:
        """Where it stands, in one line: ``Searching: lever aid… (12 s)``."""
        if self.state == "running":
            last = self.progress[-1] if self.progress else "starting"
            return f"{self.label}: {last}… ({self.seconds:.0f} s)"
        if self.state == "failed":
            return f"{self.label} failed: {self.error}"
        return f"{self.label}: done in {self.seconds:.0f} s"


class Jobs:
    """The background jobs of a dashboard (thread-safe)."""

    def __init__(self, keep: int = KEEP_DONE) -> None:
        self._jobs: OrderedDict[Hashable, Job] = OrderedDict()
        self._lock = threading.Lock()
        self.keep = keep

    def start(
        self,
        key: Hashable,
        label: str,
        work: Callable[[Progress], Any],
        inputs: dict[str, Any] | None = None,
    ) -> Job:
        """The job for ``key``: the running or finished one, or a new one running ``work`` in a
        daemon thread. ``work`` receives a function to report progress with; ``inputs`` records
        what it computes from. A failed job is started again; a different job while one runs is
        refused (:class:`GrudgingError`)."""
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.state != "failed":
                self._jobs.move_to_end(key)
                return job
            busy = next((j for j in self._jobs.values() if j.state == "running"), None)
            if busy is not None:
                raise GrudgingError(
                    f"another search is running ({busy.line()}); wait for it to finish, then "
                    "start this one"
                )
            job = Job(key, label, dict(inputs or {}))
            self._jobs[key] = job
            self._trim()
        thread = threading.Thread(
            target=self._run, args=(job, work), name="grudging-job", daemon=True
        )
        thread.start()
        return job

    def get(self, key: Hashable) -> Job | None:
        """The job for ``key``, if there is one."""
        with self._lock:
            return self._jobs.get(key)

    def _run(self, job: Job, work: Callable[[Progress], Any]) -> None:
        def say(message: str) -> None:
            job.progress.append(message)

        try:
            result = work(say)
        except Exception as err:  # shown in the page; the server goes on
            from grudging.web.guard import explain

            job.error = explain(err, "the search could not be run")
            job.state = "failed"
        else:
            job.result = result
            job.state = "done"
        finally:
            job.finished = time.monotonic()

    def _trim(self) -> None:
        done = [k for k, j in self._jobs.items() if j.state != "running"]
        for key in done[: max(0, len(done) - self.keep)]:
            del self._jobs[key]

"""Executors: how a sweep's chunks are computed — in this process, in local processes, on dask.

An executor maps a function over chunk specifications and yields the results as they finish
(unordered), keeping only a bounded number of chunks in flight so memory stays flat however long
the sweep. Every chunk carries its own identity (which runs, which random streams), so the results
do not depend on the executor, the number of workers or the order in which chunks finish.

The scenario travels once per task as compressed JSON (tens of kilobytes; on dask it is scattered
to every worker once); workers rebuild it once and keep it, keyed by its hash.

Local worker processes die with their sweep: each watches the process that started it (a daemon
thread that polls the parent's pid, on POSIX systems) and exits as soon as that process is gone, so
a sweep killed with SIGKILL leaves no worker computing chunks that nobody will store.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from grudging.errors import DesignError, unknown_name

EXECUTORS: tuple[str, ...] = ("inprocess", "processes", "dask")


@dataclass
class Lost:
    """A chunk whose result never came back (a worker died): it is not stored, so a resumed sweep
    computes it again."""

    item: Any
    error: str


class Executor(Protocol):
    """Maps ``fn(item, payload)`` over items, yielding results (or :class:`Lost`) as they finish."""

    name: str
    workers: int

    def map_unordered(
        self, fn: Callable[[Any, Any], Any], items: Iterable[Any], payload: Any
    ) -> Iterator[Any]:
        """Results of ``fn(item, payload)`` in completion order."""
        ...

    def close(self) -> None:
        """Release the workers."""
        ...


class InProcess:
    """Runs every chunk in this process, in order (the default; easiest to debug)."""

    name = "inprocess"
    workers = 1

    def map_unordered(
        self, fn: Callable[[Any, Any], Any], items: Iterable[Any], payload: Any
    ) -> Iterator[Any]:
        """Results in submission order."""
        for item in items:
            yield fn(item, payload)

    def close(self) -> None:
        """Nothing to release."""


#: Seconds between two looks of a worker at its parent process.
PARENT_POLL = 0.2
_watching: int | None = None  # the parent pid this worker process watches, once it does
_watch_lock = threading.Lock()


def _parent_gone(parent: int, child: bool) -> bool:
    """Whether the process ``parent`` has ended (``child``: this process is its child, so it was
    re-parented, to init or a subreaper, when ``parent`` ended)."""
    if child:
        return os.getppid() != parent
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return _is_zombie(parent)


def _is_zombie(pid: int) -> bool:
    """Whether ``pid`` has ended but not been reaped (Linux; False where unknown)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def watch_parent(parent: int, poll: float = PARENT_POLL) -> None:
    """Exit this worker process as soon as ``parent`` ends (started once per process; POSIX)."""
    global _watching
    if os.name != "posix" or parent == os.getpid():
        return
    with _watch_lock:
        if _watching == parent:
            return
        _watching = parent
    child = os.getppid() == parent
    if _parent_gone(parent, child):
        os._exit(1)

    def watch() -> None:
        while not _parent_gone(parent, child):
            time.sleep(poll)
        sys.stderr.flush()
        os._exit(1)  # the sweep is gone: nobody will store what this worker computes

    threading.Thread(target=watch, name="grudging-parent-watch", daemon=True).start()


def _watched(fn: Callable[[Any, Any], Any], item: Any, payload: Any, parent: int) -> Any:
    """``fn(item, payload)`` in a worker that exits when the sweep's process ``parent`` dies."""
    watch_parent(parent)
    return fn(item, payload)


class Processes:
    """Local worker processes through joblib's loky back end (they die with the sweep)."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)

    def map_unordered(
        self, fn: Callable[[Any, Any], Any], items: Iterable[Any], payload: Any
    ) -> Iterator[Any]:
        """Results as they finish; at most two chunks per worker are dispatched ahead."""
        from joblib import Parallel, delayed

        parallel = Parallel(
            n_jobs=self.workers,
            backend="loky",
            return_as="generator_unordered",
            pre_dispatch="2*n_jobs",
            batch_size=1,
        )
        parent = os.getpid()
        yield from parallel(delayed(_watched)(fn, item, payload, parent) for item in items)

    def close(self) -> None:
        """loky keeps its reusable workers for the next call; nothing to do."""


def check_scheduler(address: str) -> None:
    """Refuse at once a ``tcp://host:port`` where nothing listens (dask's client would try for
    20 s); a scheduler that listens but does not answer is left to the client's timeout."""
    import socket
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(address)
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if not host or not port:
        return  # another form of address: dask reads it
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as err:
        raise DesignError(
            f"--scheduler {address}: no dask scheduler answers there ({err.strerror or err}); "
            "start one with 'dask scheduler' or leave --scheduler out for a local cluster"
        ) from None


class Dask:
    """A dask.distributed cluster: the scheduler at ``address``, or a LocalCluster on 127.0.0.1."""

    name = "dask"

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        from distributed import Client, LocalCluster

        self.cluster = None
        if address:
            check_scheduler(address)
            try:
                self.client = Client(address, timeout="20s")
            except (OSError, ValueError, TypeError) as err:
                raise DesignError(
                    f"--scheduler {address}: no dask scheduler answers there ({err}); start one "
                    "with 'dask scheduler' or leave --scheduler out for a local cluster"
                ) from None
        else:
            self.cluster = LocalCluster(
                n_workers=max(1, workers or os.cpu_count() or 1),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                host="127.0.0.1",
            )
            self.client = Client(self.cluster)
        info = self.client.scheduler_info()
        self.workers = max(1, len(info.get("workers", {})))

    def map_unordered(
        self, fn: Callable[[Any, Any], Any], items: Iterable[Any], payload: Any
    ) -> Iterator[Any]:
        """Results as they finish; about two chunks per worker in flight."""
        from distributed import as_completed

        shared = self.client.scatter(payload, broadcast=True)
        window = 2 * self.workers + 2
        pending: dict[Any, Any] = {}
        source = iter(items)
        done = as_completed()

        def submit() -> bool:
            item = next(source, None)
            if item is None:
                return False
            future = self.client.submit(fn, item, shared, pure=False)
            pending[future.key] = item
            done.add(future)
            return True

        for _ in range(window):
            if not submit():
                break
        for future in done:
            item = pending.pop(future.key)
            try:
                result = future.result()
            except Exception as err:  # a worker lost for good (KilledWorker) or a transfer error
                result = Lost(item, f"{type(err).__name__}: {err}")
            future.release()
            yield result
            submit()

    def close(self) -> None:
        """Close the client (and the local cluster, if this executor started it)."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(
    kind: str | Executor = "inprocess", workers: int | None = None, scheduler: str | None = None
) -> Executor:
    """An executor by name: ``inprocess``, ``processes`` (joblib) or ``dask``.

    ``scheduler`` is a dask scheduler address (``tcp://host:port``); with ``dask`` and no address
    a LocalCluster of ``workers`` processes starts on 127.0.0.1.
    """
    if not isinstance(kind, str):
        return kind
    if scheduler and kind != "dask":
        kind = "dask"
    if kind == "inprocess":
        return InProcess()
    if kind == "processes":
        return Processes(workers)
    if kind == "dask":
        return Dask(scheduler, workers)
    raise DesignError(unknown_name("executor", kind, EXECUTORS))

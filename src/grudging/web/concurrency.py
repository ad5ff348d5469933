"""Shared caches that many request threads read at once, without one waiting on another's work.

:class:`Flights` fetches from the workspace's least-recently-used caches (any mapping with a
``fetch(key, make)`` method) under a short lock that guards only the look-up and the insertion; the
value is made outside it. While one thread makes a key, other threads asking for the same key wait
for that result (and get its error, if it fails) instead of making it again; threads asking for
other keys go on. So one page's 19-second run stalls only the pages that need the same run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator, MutableMapping
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class FetchCache(Protocol):
    """A cache the workspace keeps: a mapping with a ``fetch(key, make)`` that inserts and trims."""

    def __contains__(self, key: object) -> bool: ...

    def __iter__(self) -> Iterator[Hashable]: ...

    def __delitem__(self, key: Hashable) -> None: ...

    def fetch(self, key: Hashable, make: Callable[[], Any]) -> Any: ...


class _Flight:
    """One value being made; waiters block until it is there (or failed)."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None

    def result(self) -> Any:
        self.done.wait()
        if self.error is not None:
            raise self.error
        return self.value


class Flights:
    """Single-flight fetches from caches guarded by one short lock (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: MutableMapping[tuple[int, Hashable], _Flight] = {}

    def fetch(self, cache: FetchCache, key: Hashable, make: Callable[[], T]) -> T:
        """The cached value of ``key``, made once by the first thread that asks for it."""
        slot = (id(cache), key)
        with self._lock:
            if key in cache:
                return cache.fetch(key, make)  # a hit: marks it recently used, makes nothing
            flight = self._running.get(slot)
            owner = flight is None
            if flight is None:
                flight = self._running[slot] = _Flight()
        if not owner:
            return flight.result()
        try:
            value = make()
        except BaseException as err:
            with self._lock:
                del self._running[slot]
            flight.error = err
            flight.done.set()
            raise
        with self._lock:
            cache.fetch(key, lambda: value)
            del self._running[slot]
        flight.value = value
        flight.done.set()
        return value

    def discard(self, cache: FetchCache, drop: Callable[[Hashable], bool]) -> None:
        """Remove the cached values whose key ``drop`` accepts."""
        with self._lock:
            for key in [k for k in cache if drop(k)]:
                del cache[key]

    def running(self) -> int:
        """How many values are being made now."""
        with self._lock:
            return len(self._running)

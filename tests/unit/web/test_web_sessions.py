"""Per-session uploads and locks, and the shared caches' single-flight fetches (no browser).

Time is a fake clock the tests move, so expiry is checked exactly, never by waiting.
"""

from __future__ import annotations

import base64
import threading
from typing import Any

import pytest

from grudging.errors import ScenarioError
from grudging.web import callbacks as cb
from grudging.web.concurrency import Flights
from grudging.web.sessions import (
    GONE,
    MAX_UPLOAD_BYTES,
    MAX_UPLOADS_PER_SESSION,
    SESSION_IDLE_SECONDS,
    UPLOAD_IDLE_SECONDS,
    SessionError,
    Sessions,
    check_session_id,
    new_session_id,
)
from grudging.web.workspace import _Cache


class Clock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(ws: Any, monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The workspace's sessions on a fake clock (for this test only)."""
    fake = Clock()
    monkeypatch.setattr(ws.sessions, "clock", fake)
    return fake


@pytest.fixture(scope="module")
def scenario_text(ws: Any) -> str:
    from grudging.scenario import dump_scenario

    return dump_scenario(ws.scenario(ws.start))


def data_url(text: str) -> str:
    return "data:application/x-yaml;base64," + base64.b64encode(text.encode()).decode()


def titled(text: str, title: str) -> str:
    return text.replace("title: Iraq, January 2007", f"title: {title}", 1)


def labels(ws: Any, sid: str | None) -> list[str]:
    return [c["label"] for c in ws.scenario_choices(sid) if c["value"].startswith("upload:")]


# Session ids --------------------------------------------------------------------------------------
def test_session_ids_are_fresh_and_checked() -> None:
    ids = {new_session_id() for _ in range(50)}
    assert len(ids) == 50
    for sid in ids:
        assert check_session_id(sid) == sid
    for bad in (None, 3, "", "abc", "a" * 65, "has space in it and is long enough", "../" * 10):
        with pytest.raises(SessionError, match="reload the page"):
            check_session_id(bad)


# Uploads --------------------------------------------------------------------------------------------
def test_two_sessions_do_not_see_each_others_uploads(
    ws: Any, clock: Clock, scenario_text: str
) -> None:
    a, b = new_session_id(), new_session_id()
    state_a = cb.upload_scenario(ws, data_url(titled(scenario_text, "Mine")), "a.yaml", a)
    state_b = cb.upload_scenario(ws, data_url(titled(scenario_text, "Theirs")), "b.yaml", b)
    assert labels(ws, a) == ["a.yaml (uploaded)"]
    assert labels(ws, b) == ["b.yaml (uploaded)"]
    assert labels(ws, None) == []
    assert ws.scenario(state_a["scenario"]).title.startswith("Mine —")
    # neither may switch to the other's, whatever key it sends
    with pytest.raises(SessionError, match="upload it again"):
        cb.choose_scenario(ws, state_a["scenario"], b)
    with pytest.raises(SessionError, match="upload it again"):
        cb.choose_scenario(ws, state_b["scenario"], a)
    assert cb.choose_scenario(ws, state_a["scenario"], a) == state_a


def test_the_same_file_uploaded_by_two_sessions_is_two_uploads(
    ws: Any, clock: Clock, scenario_text: str
) -> None:
    a, b = new_session_id(), new_session_id()
    key_a = cb.upload_scenario(ws, data_url(scenario_text), "same.yaml", a)["scenario"]
    key_b = cb.upload_scenario(ws, data_url(scenario_text), "same.yaml", b)["scenario"]
    assert key_a != key_b
    assert key_a.startswith(f"upload:{a}/")
    assert key_b.startswith(f"upload:{b}/")


def test_an_idle_upload_expires(ws: Any, clock: Clock, scenario_text: str) -> None:
    sid = new_session_id()
    state = cb.upload_scenario(ws, data_url(scenario_text), "old.yaml", sid)
    key = state["scenario"]
    clock.now += UPLOAD_IDLE_SECONDS  # exactly the limit: still kept
    assert ws.scenario(key).id == "iraq-2007"  # ... and using it keeps it another hour
    clock.now += UPLOAD_IDLE_SECONDS
    assert labels(ws, sid) == ["old.yaml (uploaded)"]
    clock.now += 1  # past the limit, idle
    ws.sessions.get(sid)  # any request expires what is idle
    assert labels(ws, sid) == []
    with pytest.raises(SessionError) as refused:
        ws.scenario(key)
    assert str(refused.value) == GONE
    with pytest.raises(SessionError, match="upload it again"):
        cb.status_line(ws, state)


def test_an_expired_uploads_cached_runs_are_dropped(
    ws: Any, clock: Clock, scenario_text: str
) -> None:
    sid = new_session_id()
    state = cb.upload_scenario(ws, data_url(titled(scenario_text, "Dropped")), "x.yaml", sid)
    key = state["scenario"]
    ws._bargains.fetch((key, "probe"), lambda: "a cached bargain")
    assert (key, "probe") in ws._bargains
    clock.now += UPLOAD_IDLE_SECONDS + 1
    ws.sessions.get(new_session_id())
    assert (key, "probe") not in ws._bargains


def test_an_idle_session_is_dropped_with_its_uploads(
    ws: Any, clock: Clock, scenario_text: str
) -> None:
    sid = new_session_id()
    key = cb.upload_scenario(ws, data_url(scenario_text), "s.yaml", sid)["scenario"]
    assert sid in ws.sessions
    clock.now += SESSION_IDLE_SECONDS + 1
    ws.sessions.get(new_session_id())  # another page's request
    assert sid not in ws.sessions
    with pytest.raises(SessionError):
        ws.scenario(key)
    assert labels(ws, sid) == []


@pytest.mark.slow
def test_only_the_last_uploads_of_a_session_are_kept(
    ws: Any, clock: Clock, scenario_text: str
) -> None:
    sid = new_session_id()
    keys = []
    for n in range(MAX_UPLOADS_PER_SESSION + 2):
        clock.now += 1
        text = titled(scenario_text, f"Upload {n}")
        keys.append(cb.upload_scenario(ws, data_url(text), f"u{n}.yaml", sid)["scenario"])
    assert labels(ws, sid) == [
        f"u{n}.yaml (uploaded)" for n in range(2, MAX_UPLOADS_PER_SESSION + 2)
    ]
    for key in keys[:2]:
        with pytest.raises(SessionError):
            ws.scenario(key)
    # the least recently *used* goes first: use the oldest kept, then upload one more
    clock.now += 1
    ws.scenario(keys[2])
    clock.now += 1
    cb.upload_scenario(ws, data_url(titled(scenario_text, "Last")), "last.yaml", sid)
    assert ws.scenario(keys[2]).title.startswith("Upload 2 —")
    with pytest.raises(SessionError):
        ws.scenario(keys[3])


def test_an_upload_over_the_limit_is_refused_with_the_limit(ws: Any) -> None:
    sid = new_session_id()
    with pytest.raises(ScenarioError) as refused:
        cb.upload_scenario(ws, data_url("#" * (MAX_UPLOAD_BYTES + 1)), "big.yaml", sid)
    assert str(refused.value) == (
        "big.yaml: 2.0 MB is more than an upload may be (2 MB); upload a smaller scenario file, "
        "or put it in a folder the dashboard was started with (--data)"
    )
    assert labels(ws, sid) == []


def test_an_upload_at_the_limit_is_read(ws: Any) -> None:
    sid = new_session_id()
    # exactly the limit passes the size check (and then fails as what it is: no scenario)
    with pytest.raises(ScenarioError) as refused:
        cb.upload_scenario(ws, data_url("#" * MAX_UPLOAD_BYTES), "full.yaml", sid)
    assert "more than an upload may be" not in str(refused.value)


def test_many_sessions_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from grudging.web import sessions

    monkeypatch.setattr(sessions, "MAX_SESSIONS", 3)
    registry = Sessions(clock=Clock())
    ids = [new_session_id() for _ in range(5)]
    for sid in ids:
        registry.get(sid)
    assert len(registry) == 3
    assert [sid in registry for sid in ids] == [False, False, True, True, True]
    registry.get(ids[2])  # seen again: now the most recent
    registry.get(new_session_id())
    assert [sid in registry for sid in ids] == [False, False, True, False, True]
    assert len(registry) == 3


# Locks ------------------------------------------------------------------------------------------------
def test_each_session_has_its_own_lock() -> None:
    registry = Sessions(clock=Clock())
    a, b = new_session_id(), new_session_id()
    inside, leave = threading.Event(), threading.Event()

    def busy() -> None:
        with registry.working(a):
            inside.set()
            leave.wait()

    worker = threading.Thread(target=busy)
    worker.start()
    try:
        assert inside.wait(60)
        assert registry.get(a).lock.acquire(blocking=False) is False  # a's work holds a
        other = registry.get(b).lock
        assert other.acquire(blocking=False) is True  # b goes on
        other.release()
    finally:
        leave.set()
        worker.join(60)
    assert registry.get(a).lock.acquire(blocking=False) is True
    registry.get(a).lock.release()


# Shared caches ------------------------------------------------------------------------------------
def test_a_value_being_made_holds_up_only_those_who_need_it() -> None:
    flights, cache = Flights(), _Cache(4)
    started, finish = threading.Event(), threading.Event()
    made: list[str] = []
    got: dict[str, Any] = {}

    def slow() -> str:
        made.append("slow")
        started.set()
        finish.wait()
        return "slow value"

    def ask(name: str) -> None:
        got[name] = flights.fetch(cache, "slow", slow)

    first = threading.Thread(target=ask, args=("first",))
    first.start()
    assert started.wait(60)
    second = threading.Thread(target=ask, args=("second",))
    second.start()
    # meanwhile another key is made and read at once
    assert flights.fetch(cache, "quick", lambda: "quick value") == "quick value"
    assert "quick" in cache
    assert flights.running() == 1
    finish.set()
    first.join(60)
    second.join(60)
    assert got == {"first": "slow value", "second": "slow value"}
    assert made == ["slow"]  # made once, though asked for twice
    assert flights.running() == 0
    assert flights.fetch(cache, "slow", lambda: "never made") == "slow value"


def test_a_failure_is_not_cached() -> None:
    flights, cache = Flights(), _Cache(4)

    def fail() -> str:
        raise ScenarioError("no")

    with pytest.raises(ScenarioError):
        flights.fetch(cache, "k", fail)
    assert "k" not in cache
    assert flights.running() == 0
    assert flights.fetch(cache, "k", lambda: "made") == "made"


def test_the_cache_keeps_its_size() -> None:
    flights, cache = Flights(), _Cache(2)
    for key in "abc":
        flights.fetch(cache, key, lambda k=key: k.upper())
    assert list(cache) == ["b", "c"]
    flights.discard(cache, lambda k: k == "b")
    assert list(cache) == ["c"]

"""Browser sessions of the dashboard: who may see which upload, and one lock per session.

Every page load gets a session id (a random token the server makes, :func:`new_session_id`) in a
``dcc.Store``; callbacks send it back with their values. A :class:`Session` holds that page's
uploaded scenarios and a lock, so one page's callbacks run one at a time while other pages go on
(the caches of runs, plans and stores are shared: they are keyed by content). Uploads are kept per
session, at most :data:`MAX_UPLOADS_PER_SESSION` of them, each at most :data:`MAX_UPLOAD_BYTES`;
an upload not used for :data:`UPLOAD_IDLE_SECONDS` is dropped, and so is a session not seen for
:data:`SESSION_IDLE_SECONDS` (with its uploads). The clock is injectable so tests can move it.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from grudging.errors import GrudgingError, ScenarioError

if TYPE_CHECKING:
    from grudging.scenario.schema import Scenario

#: Largest scenario file a page may upload (bytes of YAML text). A parsed scenario takes several
#: times its text in memory.
MAX_UPLOAD_BYTES = 2_000_000
#: Uploaded scenarios kept per session; a further upload drops the one least recently used.
MAX_UPLOADS_PER_SESSION = 3
#: An upload not used for this long (seconds) is dropped; the page asks for it again.
UPLOAD_IDLE_SECONDS = 3600.0
#: A session (a page) not heard from for this long (seconds) is dropped with its uploads.
SESSION_IDLE_SECONDS = 3600.0
#: Sessions held at once; beyond that the one heard from least recently is dropped.
MAX_SESSIONS = 500
#: Largest body of a request to the server (bytes): an upload travels base64-encoded (4/3 of its
#: size), so a file somewhat over :data:`MAX_UPLOAD_BYTES` still arrives and is refused with a
#: message; anything larger is answered 413.
MAX_REQUEST_BYTES = 4 * MAX_UPLOAD_BYTES

#: Key prefix of an uploaded scenario: ``upload:<session id>/<digest of the text>``.
UPLOAD_PREFIX = "upload:"

_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
#: What the page shows for an upload it may not use (another page's, or dropped): one message for
#: both, so a page learns nothing of other pages' uploads.
GONE = "this uploaded scenario is no longer kept (or belongs to another page); upload it again"


class SessionError(GrudgingError):
    """A request with no usable session id, or one that names another session's upload."""


def new_session_id() -> str:
    """A fresh, unguessable session id."""
    return secrets.token_urlsafe(24)


def check_session_id(sid: Any) -> str:
    """The session id a page sent, refused unless it has the form :func:`new_session_id` makes."""
    if not isinstance(sid, str) or not _SESSION_ID.match(sid):
        raise SessionError("the page has no valid session; reload the page")
    return sid


def upload_key(sid: str, digest: str) -> str:
    """The scenario key of a session's upload."""
    return f"{UPLOAD_PREFIX}{sid}/{digest}"


def split_upload_key(key: str) -> tuple[str, str]:
    """``(session id, digest)`` of an upload key."""
    sid, sep, digest = key.removeprefix(UPLOAD_PREFIX).partition("/")
    if not key.startswith(UPLOAD_PREFIX) or not sep or not digest:
        raise SessionError(GONE)
    return sid, digest


@dataclass
class Upload:
    """One uploaded scenario of a session."""

    scenario: Scenario
    label: str
    used: float


@dataclass
class Session:
    """One page: its uploads (least recently used first) and the lock its callbacks run under."""

    sid: str
    seen: float
    uploads: OrderedDict[str, Upload] = field(default_factory=OrderedDict)
    lock: threading.RLock = field(default_factory=threading.RLock)


class Sessions:
    """Every live session, dropped when idle (thread-safe)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()
        #: Called with the key of every upload dropped (the workspace forgets its runs).
        self.on_drop: Callable[[str], None] = lambda key: None

    def __len__(self) -> int:
        return len(self._sessions)

    def __contains__(self, sid: object) -> bool:
        return sid in self._sessions

    def _expire(self, now: float) -> list[str]:
        """Drop idle uploads and sessions (the lock held); the keys of the uploads dropped."""
        dropped: list[str] = []
        for sid in list(self._sessions):
            session = self._sessions[sid]
            if now - session.seen > SESSION_IDLE_SECONDS:
                dropped.extend(upload_key(sid, d) for d in session.uploads)
                del self._sessions[sid]
                continue
            for digest in list(session.uploads):
                if now - session.uploads[digest].used > UPLOAD_IDLE_SECONDS:
                    del session.uploads[digest]
                    dropped.append(upload_key(sid, digest))
        return dropped

    def _trim(self) -> list[str]:
        """Drop the sessions heard from least recently beyond :data:`MAX_SESSIONS` (lock held)."""
        dropped: list[str] = []
        while len(self._sessions) > MAX_SESSIONS:
            sid, session = self._sessions.popitem(last=False)
            dropped.extend(upload_key(sid, d) for d in session.uploads)
        return dropped

    def _forget(self, keys: list[str]) -> None:
        for key in keys:
            self.on_drop(key)

    def get(self, sid: Any) -> Session:
        """The session of ``sid`` (made on first use), marked as seen now; idle ones expire."""
        sid = check_session_id(sid)
        with self._lock:
            now = self.clock()
            dropped = self._expire(now)
            session = self._sessions.get(sid)
            if session is None:
                session = self._sessions[sid] = Session(sid, now)
            session.seen = now
            self._sessions.move_to_end(sid)
            dropped += self._trim()
        self._forget(dropped)
        return session

    @contextmanager
    def working(self, sid: Any) -> Iterator[Session]:
        """Hold the session's lock: its callbacks run one at a time, other sessions' go on."""
        session = self.get(sid)
        with session.lock:
            yield session

    def add_upload(self, sid: str, digest: str, scenario: Scenario, label: str) -> str:
        """Keep an upload for the session (dropping its least recently used beyond the cap)."""
        session = self.get(sid)
        dropped: list[str] = []
        with self._lock:
            now = self.clock()
            session.uploads[digest] = Upload(scenario, label, now)
            session.uploads.move_to_end(digest)
            while len(session.uploads) > MAX_UPLOADS_PER_SESSION:
                old, _ = session.uploads.popitem(last=False)
                dropped.append(upload_key(sid, old))
        self._forget(dropped)
        return upload_key(sid, digest)

    def upload(self, key: str) -> Upload:
        """The upload a key names, marked as used now; refused when it is gone."""
        sid, digest = split_upload_key(key)
        with self._lock:
            now = self.clock()
            session = self._sessions.get(sid)
            found = None if session is None else session.uploads.get(digest)
            if found is None or now - found.used > UPLOAD_IDLE_SECONDS:
                raise SessionError(GONE)
            found.used = now
            session.uploads.move_to_end(digest)  # type: ignore[union-attr]
            return found

    def uploads(self, sid: str | None) -> list[tuple[str, str]]:
        """``(key, label)`` of the session's uploads, oldest first (none for no session)."""
        if sid is None:
            return []
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                return []
            return [(upload_key(sid, d), u.label) for d, u in session.uploads.items()]


def check_state(state: Any, sid: str | None) -> None:
    """Refuse a user state the page could not have sent, or one naming another page's upload.

    The page sends the state back with every callback, so a crafted request may send anything;
    it is refused here with a message that repeats none of it.
    """
    from grudging.web.workspace import UserState

    bad = SessionError("the page sent a state the dashboard cannot read; reload the page")
    if not isinstance(state, dict) or not set(state) <= set(UserState.__annotations__):
        raise bad
    scenario = state.get("scenario")
    if scenario is not None and not isinstance(scenario, str):
        raise bad
    values = state.get("values")
    if values is not None and not (
        isinstance(values, dict)
        and all(
            isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
            for k, v in values.items()
        )
    ):
        raise bad
    plans = state.get("plans")
    if plans is not None and not (
        isinstance(plans, dict)
        and all(isinstance(k, str) and isinstance(v, dict) for k, v in plans.items())
    ):
        raise bad
    if isinstance(scenario, str):
        check_owner(scenario, sid)


def check_owner(key: str, sid: str | None) -> None:
    """Refuse a scenario key that names an upload of another session than ``sid``."""
    if key.startswith(UPLOAD_PREFIX):
        owner, _ = split_upload_key(key)
        if owner != sid:
            raise SessionError(GONE)


def refuse_large_upload(size: int, filename: str) -> None:
    """Refuse an upload of more than :data:`MAX_UPLOAD_BYTES`, saying what the limit is."""
    if size > MAX_UPLOAD_BYTES:
        raise ScenarioError(
            f"{filename}: {size / 1e6:.1f} MB is more than an upload may be "
            f"({MAX_UPLOAD_BYTES / 1e6:g} MB); upload a smaller scenario file, or put it in a "
            "folder the dashboard was started with (--data)"
        )

"""What the server lets through: callback envelopes it can read, messages that leak nothing.

:func:`explain` turns an exception into the one line a page shows: a
:class:`~grudging.errors.GrudgingError` is written for users and is shown (shortened if a crafted
request made it long); anything else is logged with its traceback and the page gets a generic
line with a reference to find it in the log. :func:`install` checks every request to Dash's
callback endpoint before Dash reads it: a body that is not JSON, lacks a field, has a field of the
wrong type or names a callback the app does not have is answered 400 (not 500), and a body larger
than :data:`~grudging.web.sessions.MAX_REQUEST_BYTES` is answered 413.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from grudging.errors import GrudgingError, ScenarioError
from grudging.web.sessions import MAX_REQUEST_BYTES, SessionError

if TYPE_CHECKING:
    import dash

log = logging.getLogger("grudging.web")

#: The longest message the page shows (a crafted request could make one very long).
MAX_MESSAGE_CHARS = 500
#: Dash's endpoint that runs callbacks.
CALLBACK_PATH = "/_dash-update-component"


def explain(err: BaseException, what: str | None = None) -> str:
    """A one-line message for the page; the details of anything but a GrudgingError go to the log.

    ``what`` says what failed ("this scenario could not be loaded") and comes first.
    """
    if isinstance(err, ScenarioError) and len(err.every) > 1:
        # every problem found at once, not the command-line advice to run ``grudging validate``
        text = f"{err.every[0]} ({len(err.every) - 1} more: {'; '.join(err.every[1:])})"
        if len(text) > MAX_MESSAGE_CHARS:
            text = text[: MAX_MESSAGE_CHARS - 1] + "…"
    elif isinstance(err, GrudgingError):
        text = str(err)
        if len(text) > MAX_MESSAGE_CHARS:
            text = text[: MAX_MESSAGE_CHARS - 1] + "…"
    else:
        reference = secrets.token_hex(4)
        log.error("dashboard callback failed (reference %s)", reference, exc_info=err)
        text = (
            f"something went wrong on the server (reference {reference}); the server's log has "
            "the details"
        )
    if what and not isinstance(err, SessionError):
        return f"{what[:1].upper()}{what[1:]}: {text}"
    return text[:1].upper() + text[1:]


def _is_prop(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("id"), str | dict)
        and isinstance(item.get("property"), str)
    )


def _matches(item: Any, want: Mapping[str, str]) -> bool:
    """Whether a request's input (or state) has the shape of the callback's declared one."""
    if want["id"].startswith("{"):  # a pattern (ALL): a list of matching components
        return isinstance(item, list) and all(
            _is_prop(i) and isinstance(i["id"], dict) and i["property"] == want["property"]
            for i in item
        )
    return _is_prop(item) and item["id"] == want["id"] and item["property"] == want["property"]


def envelope_problem(body: Any, callbacks: Mapping[str, Any]) -> str | None:
    """What is wrong with a callback request's body (None: Dash can read it)."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callbacks:
        return "'output' names no callback of this page"
    spec = callbacks[output]
    outputs = body.get("outputs")
    multi = output.startswith("..")
    parts = output[2:-2].split("...") if multi else [output]
    given = outputs if multi else [outputs]
    if not isinstance(given, list) or len(given) != len(parts):
        return f"'outputs' does not list the callback's {len(parts)} outputs"
    for part, item in zip(parts, given, strict=True):
        wildcard = part.startswith("{")
        if wildcard and not (isinstance(item, list) and all(map(_is_prop, item))):
            return "'outputs' does not match the callback's outputs"
        if not wildcard and not _is_prop(item):
            return "'outputs' does not match the callback's outputs"
    for name in ("inputs", "state"):
        items = body.get(name, [] if name == "state" else None)
        wanted = spec.get(name, [])
        if not isinstance(items, list) or len(items) != len(wanted):
            return f"'{name}' does not list the callback's {len(wanted)} {name}"
        if not all(_matches(i, w) for i, w in zip(items, wanted, strict=True)):
            return f"'{name}' does not match the callback's {name}"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "'changedPropIds' is not a list of names"
    return None


def install(app: dash.Dash) -> None:
    """Answer malformed callback requests 400 and oversized ones 413, before Dash reads them."""
    import flask
    from dash.exceptions import InvalidCallbackReturnValue

    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES

    @server.errorhandler(InvalidCallbackReturnValue)
    def mismatched(err: InvalidCallbackReturnValue) -> Any:
        # The callbacks answer what the page sends; a request whose pattern-matched components
        # disagree with each other (only a crafted one) gets an answer Dash cannot deliver.
        log.warning("refused a callback request whose components do not match: %s", err)
        return flask.Response(
            "Bad request: the request's components do not match each other.\n",
            status=400,
            mimetype="text/plain; charset=utf-8",
        )

    @server.before_request
    def check_callback_request() -> Any:
        if flask.request.method != "POST" or not flask.request.path.endswith(CALLBACK_PATH):
            return None
        body = flask.request.get_json(silent=True)  # a body too large raises 413 here
        problem = envelope_problem(body, app.callback_map)
        if problem is None:
            return None
        log.warning("refused a malformed callback request: %s", problem)
        return flask.Response(
            f"Bad request: {problem}.\n", status=400, mimetype="text/plain; charset=utf-8"
        )

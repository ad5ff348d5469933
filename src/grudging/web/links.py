"""The page's address holds what the user changed, so a reload keeps it and a link shares it.

The query string of the dashboard's address is the user state (:class:`~grudging.web.workspace.
UserState`) in readable form::

    ?scenario=builtin:iraq-2007&dynamics.coverage_half=0.3&plan.nato_replaces=%7B%22budget_musd%22%3A9000%7D

``scenario`` is the scenario's key, each parameter the user changed is ``name=value`` (the
shortest text that reads back as the same float), and each coalition plan the user changed is
``plan.<option>=`` its change as JSON. A scenario with no changes is the bare address. An uploaded
scenario lives only as long as its page, so its address holds ``scenario=upload`` and its changes:
opened anew it asks for the file again.

An address is input like any other: :func:`state_from_search` checks everything in it (the size,
each key, each value against its parameter's range, each plan against the scenario) and refuses
it with one message naming the key and the fix; the page then keeps the state it has.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from grudging.errors import GrudgingError, ScenarioError, unknown_name
from grudging.web.sessions import UPLOAD_PREFIX, check_owner, check_state

if TYPE_CHECKING:
    from grudging.web.workspace import UserState, Workspace

#: Longest query string read (characters); a longer one is refused before it is parsed.
MAX_SEARCH_CHARS = 16_000
#: Most settings read from one address.
MAX_SETTINGS = 400
#: What the address says of an uploaded scenario (its text is not in the address).
UPLOADED = "upload"
#: Key prefix of a coalition plan's change.
PLAN_PREFIX = "plan."

_FIX = "correct or remove it in the address, or open the dashboard's bare address"


class LinkError(GrudgingError):
    """An address whose settings the dashboard cannot use."""


def state_to_search(ws: Workspace, state: UserState) -> str:
    """The query string (with its ``?``) of a user state; ``""`` for the starting scenario with no
    changes."""
    key = state.get("scenario") or ws.start
    values = state.get("values") or {}
    plans = state.get("plans") or {}
    if key == ws.start and not values and not plans:
        return ""
    pairs = [("scenario", UPLOADED if key.startswith(UPLOAD_PREFIX) else key)]
    pairs += [(name, repr(float(values[name]))) for name in sorted(values)]
    pairs += [
        (PLAN_PREFIX + option, json.dumps(plans[option], sort_keys=True, separators=(",", ":")))
        for option in sorted(plans)
    ]
    return "?" + urlencode(pairs, safe=":,/")


def state_from_search(ws: Workspace, search: str | None, sid: str) -> UserState:
    """The user state an address's query string gives, checked; :class:`LinkError` if refused.

    The bare address gives the starting scenario with no changes.
    """
    from grudging.web.controls import check_values

    text = (search or "").removeprefix("?")
    if len(text) > MAX_SEARCH_CHARS:
        raise LinkError(
            f"the page's address holds {len(text):,} characters of settings, more than the "
            f"{MAX_SEARCH_CHARS:,} read; open the dashboard's bare address"
        )
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_SETTINGS)
    except ValueError:
        raise LinkError(
            f"the page's address holds more than {MAX_SETTINGS} settings; "
            "open the dashboard's bare address"
        ) from None
    scenario: str | None = None
    entries: dict[str, str] = {}
    plans: dict[str, Any] = {}
    seen: set[str] = set()
    for name, value in pairs:
        if name == "scenario":
            if scenario is not None:
                raise LinkError(f"the page's address names the scenario twice; {_FIX}")
            scenario = value
        elif name.startswith(PLAN_PREFIX) or "." in name:
            if name in seen:  # the last would win unsaid
                raise LinkError(f"the page's address sets {name} twice; {_FIX}")
            seen.add(name)
            if name.startswith(PLAN_PREFIX):
                plans[name.removeprefix(PLAN_PREFIX)] = _plan_change(name, value)
            else:
                entries[name] = value
        else:
            shown = name if len(name) <= 40 else name[:39] + "…"
            raise LinkError(
                f"the page's address holds '{shown}', which is not a setting (scenario, a "
                f"parameter's name, or plan.<option>); {_FIX}"
            )
    if scenario is None and not entries and not plans:
        return ws.default_state()
    if scenario == UPLOADED:
        raise LinkError(
            "the page's address is that of an uploaded scenario, which lives only as long as its "
            "page; upload the file again (its changes are in the scenario you download as YAML)"
        )
    key = scenario or ws.start
    if key not in {c["value"] for c in ws.scenario_choices(sid)}:
        shown = key if len(key) <= 60 else key[:59] + "…"
        raise LinkError(
            f"the page's address names scenario '{shown}', which this dashboard does not offer; "
            "choose one from the list"
        )
    check_owner(key, sid)
    state: UserState = {"scenario": key, "values": {}, "plans": plans}
    try:
        scn = ws.scenario(key)
        options = [o.id for o in scn.options]
        for option in plans:
            if option not in options:
                raise LinkError(f"{PLAN_PREFIX}{option}: {unknown_name('option', option, options)}")
        state["values"] = check_values(scn, entries)
        check_state(state, sid)
        ws.fixed(state)  # the plans' changes and the values, checked against the scenario
        for option in sorted(plans):  # and against the conference, as the builder checks them
            ws.conference(state, ws.coalition_plan(state, option))
    except GrudgingError as err:
        text = str(err)
        if isinstance(err, ScenarioError) and len(err.every) > 1:  # not the CLI's advice
            text = f"{err.every[0]} (and {len(err.every) - 1} more problems)"
        raise LinkError(f"the page's address: {text}; {_FIX}") from None
    return state


def _plan_change(name: str, text: str) -> dict[str, Any]:
    """A coalition plan's change from its JSON text in the address."""
    try:
        change = json.loads(text)
    except (ValueError, RecursionError):
        change = None
    if not isinstance(change, dict):
        raise LinkError(
            f"the page's address: {name} is not a plan's change (a JSON object); {_FIX}"
        )
    return change

"""The Dash app through its HTTP endpoints (Flask's test client, no browser)."""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
from typing import Any

import pytest

from grudging.web.sessions import MAX_REQUEST_BYTES, MAX_UPLOAD_BYTES, new_session_id

#: The page's session in these tests (each page load gets its own).
SID = new_session_id()


@pytest.fixture(scope="module")
def app(ws: Any) -> Any:
    from grudging.web.app import create_app

    return create_app(ws)


@pytest.fixture
def client(app: Any) -> Any:
    return app.server.test_client()


def call(
    app: Any,
    client: Any,
    trigger: tuple[str, str, Any],
    states: dict[str, Any] | None = None,
    inputs: dict[str, Any] | None = None,
    session: Any = SID,
) -> dict[str, Any]:
    """Fire the callback that ``trigger`` (id, property, value) drives, as the page would."""
    ident, prop, value = trigger
    states = {"session.data": session, **(states or {})}
    inputs = {"session.data": session, **(inputs or {})}
    for key, spec in app.callback_map.items():
        if {"id": ident, "property": prop} not in spec["inputs"]:
            continue
        outputs = []
        for out in key[2:-2].split("..."):
            name, _, prop_name = out.rpartition(".")
            outputs.append({"id": name, "property": prop_name})

        def fill(item: dict[str, Any], given: dict[str, Any]) -> Any:
            label = f"{item['id']}.{item['property']}"
            if item["id"].startswith("{"):  # a pattern: the matching components, as the page does
                return given.get(label, [])
            if item["id"] == ident and item["property"] == prop:
                return {**item, "value": value}
            return {**item, "value": given.get(label)}

        payload = {
            "output": key,
            "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [fill(i, inputs) for i in spec["inputs"]],
            "state": [fill(s, states) for s in spec["state"]],
            "changedPropIds": [f"{ident}.{prop}"],
        }
        answer = client.post("/_dash-update-component", json=payload)
        assert answer.status_code == 200, answer.data[:300]
        data: dict[str, Any] = answer.get_json()["response"]
        return data
    raise AssertionError(f"no callback is driven by {ident}.{prop}")


def test_page_and_every_resource_are_served_locally(app: Any, client: Any) -> None:
    assert app.config.serve_locally
    assert not app.config.external_scripts
    assert not app.config.external_stylesheets
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    links = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert links
    assert not [u for u in links if u.startswith(("http:", "https:", "//"))]
    for url in links:
        assert client.get(url).status_code == 200, url
    layout = client.get("/_dash-layout").get_data(as_text=True)
    for ident in ("headline", "map", "plan-form", "guarantor-table", "assumption-controls"):
        assert f'"id":"{ident}"' in layout or f'"id": "{ident}"' in layout


def test_a_malformed_upload_answers_with_the_message(app: Any, client: Any) -> None:
    bad = "data:text/yaml;base64," + base64.b64encode(b"id: x\ntitle: [\n").decode()
    out = call(
        app,
        client,
        ("scenario-upload", "contents", bad),
        states={"scenario-upload.filename": "broken.yaml"},
    )
    assert "broken.yaml:3: not valid YAML" in out["message"]["children"]
    assert "state" not in out  # the state is left as it was
    assert client.get("/").status_code == 200


def test_an_upload_with_two_problems_shows_both(app: Any, client: Any, ws: Any) -> None:
    """The page lists every problem found at once; it gives no command-line advice."""
    from grudging.scenario import dump_scenario

    text = dump_scenario(ws.scenario(ws.start))
    text = text.replace("horizon_months: 60", "horizon_months: 999", 1)
    text = text.replace("\ninformation_date: 2006-12", "\ninformation_date: 2006-13", 1)
    bad = "data:text/yaml;base64," + base64.b64encode(text.encode()).decode()
    out = call(
        app,
        client,
        ("scenario-upload", "contents", bad),
        states={"scenario-upload.filename": "two.yaml"},
    )
    message = out["message"]["children"]
    assert "horizon_months: bad value 999" in message
    assert "information_date: bad value" in message
    assert "1 more: two.yaml:" in message
    assert "grudging validate" not in message
    assert "state" not in out


def test_running_a_refused_value_changes_nothing(app: Any, client: Any, ws: Any) -> None:
    ident = {"id": {"type": "param", "name": "dynamics.self_excitation"}}
    out = call(
        app,
        client,
        ("assumption-run", "n_clicks", 1),
        states={
            "state.data": ws.default_state(),
            '{"name":["ALL"],"type":"param"}.value': [
                {**ident, "property": "value", "value": "99"}
            ],
            '{"name":["ALL"],"type":"param"}.id': [
                {**ident, "property": "id", "value": ident["id"]}
            ],
        },
    )
    assert "Refused, nothing re-run" in out["assumption-errors"]["children"]
    assert "state" not in out


def test_an_unexpected_failure_is_generic_in_the_page_and_detailed_in_the_log(
    app: Any, client: Any, ws: Any, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    from grudging.web import callbacks

    def broken(*args: Any) -> Any:
        raise RuntimeError("boom: /secret/path")

    monkeypatch.setattr(callbacks, "map_view", broken)
    with caplog.at_level(logging.ERROR, logger="grudging.web"):
        out = call(
            app,
            client,
            ("map-colour", "value", "deaths_median"),
            inputs={
                "state.data": ws.default_state(),
                "map-option.value": "us_stays",
                "month.value": 0,
            },
        )
    message = out["map-error"]["children"]
    reference = re.fullmatch(
        r"Something went wrong on the server \(reference ([0-9a-f]{8})\); the server's log has "
        r"the details",
        message,
    )
    assert reference is not None, message
    assert "boom" not in json.dumps(out)
    [record] = [r for r in caplog.records if reference.group(1) in r.getMessage()]
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == "boom: /secret/path"
    assert client.get("/").status_code == 200


# Sessions ---------------------------------------------------------------------------------------
def layout_session(client: Any) -> str:
    """The session id a page load gets."""
    layout = client.get("/_dash-layout").get_json()
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            props = node.get("props", {})
            if node.get("type") == "Store" and props.get("id") == "session":
                found.append(props["data"])
            for value in props.values() if isinstance(props, dict) else ():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(layout)
    assert len(found) == 1
    return found[0]


def test_every_page_load_gets_its_own_session(client: Any) -> None:
    first, second = layout_session(client), layout_session(client)
    assert first != second
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", first)


@pytest.mark.parametrize("session", [None, "", "short", "x" * 200, 5, ["a"], "../../etc/passwd"])
def test_a_callback_without_a_valid_session_is_refused(
    app: Any, client: Any, ws: Any, session: Any
) -> None:
    out = call(
        app,
        client,
        ("map-colour", "value", "deaths_median"),
        inputs={"state.data": ws.default_state(), "map-option.value": "us_stays", "month.value": 0},
        session=session,
    )
    assert out == {"map-error": {"children": "The page has no valid session; reload the page"}}


def _upload(text: str) -> str:
    return "data:text/yaml;base64," + base64.b64encode(text.encode()).decode()


def test_an_upload_is_seen_only_by_its_own_session(app: Any, client: Any, ws: Any) -> None:
    from grudging.scenario import dump_scenario

    mine, theirs = new_session_id(), new_session_id()
    text = dump_scenario(ws.scenario(ws.start)).replace(
        "title: Iraq, January 2007", "title: Only mine", 1
    )
    out = call(
        app,
        client,
        ("scenario-upload", "contents", _upload(text)),
        states={"scenario-upload.filename": "mine.yaml"},
        session=mine,
    )
    state = out["state"]["data"]
    assert state["scenario"].startswith(f"upload:{mine}/")

    def choices(session: str) -> list[str]:
        answer = call(
            app,
            client,
            ("state", "data", ws.default_state()),
            session=session,
        )
        return [c["label"] for c in answer["scenario-choice"]["options"]]

    assert "mine.yaml (uploaded)" in choices(mine)
    assert "mine.yaml (uploaded)" not in choices(theirs)
    gone = "This uploaded scenario is no longer kept (or belongs to another page); upload it again"
    # another session cannot switch to it, nor run it by sending a state that names it
    out = call(
        app,
        client,
        ("scenario-choice", "value", state["scenario"]),
        states={"state.data": ws.default_state()},
        session=theirs,
    )
    assert out["message"]["children"] == gone
    out = call(app, client, ("state", "data", state), session=theirs)
    assert out["message"]["children"] == gone
    # its own session can
    out = call(app, client, ("state", "data", state), session=mine)
    assert out["status"]["children"].startswith("Only mine")


def test_the_upload_button_states_the_limit(client: Any) -> None:
    """The browser drops a file over the upload box's limit without a word: the button says it."""
    from grudging.web.sessions import MAX_UPLOAD_BYTES

    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert f"Upload a scenario (YAML, up to {MAX_UPLOAD_BYTES / 1e6:g} MB)" in layout


def test_an_oversize_upload_is_refused_with_the_limit(app: Any, client: Any) -> None:
    text = "#" * (MAX_UPLOAD_BYTES + 1)
    out = call(
        app,
        client,
        ("scenario-upload", "contents", _upload(text)),
        states={"scenario-upload.filename": "huge.yaml"},
    )
    assert out == {
        "message": {
            "children": "This scenario could not be loaded: huge.yaml: 2.0 MB is more than an "
            "upload may be (2 MB); upload a smaller scenario file, or put it in a folder the "
            "dashboard was started with (--data)"
        }
    }


@pytest.mark.parametrize(
    "state",
    [
        "a string",
        ["a", "list"],
        {"scenario": 7},
        {"scenario": "builtin:iraq-2007", "values": {"dynamics.spillover": "1; rm -rf"}},
        {"scenario": "builtin:iraq-2007", "values": {"dynamics.spillover": True}},
        {"scenario": "builtin:iraq-2007", "values": [1, 2]},
        {"scenario": "builtin:iraq-2007", "plans": {"nato_replaces": "oops"}},
        {"scenario": "builtin:iraq-2007", "extra": "<script>"},
    ],
)
def test_a_crafted_state_gets_a_message_that_repeats_none_of_it(
    app: Any, client: Any, state: Any
) -> None:
    out = call(app, client, ("state", "data", state))
    assert out == {
        "message": {"children": "The page sent a state the dashboard cannot read; reload the page"}
    }


@pytest.mark.parametrize(
    ("trigger", "inputs"),
    [
        (("month", "value", "not a month"), {"map-option.value": "us_stays"}),
        (("month", "value", {"a": 1}), {"map-option.value": "us_stays"}),
        (("map-option", "value", ["a", "list"]), {"month.value": 0}),
        (("aid", "value", {"x": 1}), {}),
        (("fan-outcome", "value", 12), {"baseline.value": ["x"]}),
    ],
)
def test_crafted_values_never_echo_exception_text(
    app: Any, client: Any, ws: Any, trigger: tuple[str, str, Any], inputs: dict[str, Any]
) -> None:
    out = call(app, client, trigger, inputs={"state.data": ws.default_state(), **inputs})
    text = json.dumps(out)
    for leak in ("Error", "Traceback", "object has no attribute", "invalid literal"):
        assert leak not in text


def test_one_sessions_long_work_does_not_hold_up_another(app: Any, client: Any, ws: Any) -> None:
    busy, other = new_session_id(), new_session_id()
    holding, release = threading.Event(), threading.Event()

    def long_recompute() -> None:  # holds the busy session's lock, as its run would
        with ws.sessions.working(busy):
            holding.set()
            release.wait()

    worker = threading.Thread(target=long_recompute)
    worker.start()
    try:
        assert holding.wait(60)
        assert not ws.sessions.get(busy).lock.acquire(blocking=False)
        # a callback of another session runs to the end meanwhile (a shared lock would hang it)
        out = call(app, client, ("state", "data", ws.default_state()), session=other)
        assert out["status"]["children"].endswith("default assumptions.")
    finally:
        release.set()
        worker.join(60)
    assert ws.sessions.get(busy).lock.acquire(blocking=False)
    ws.sessions.get(busy).lock.release()


# Malformed requests -----------------------------------------------------------------------------
def _envelope(app: Any) -> dict[str, Any]:
    """A well-formed request to the map callback."""
    key = next(k for k in app.callback_map if k.startswith("..map.figure"))
    spec = app.callback_map[key]
    values = {
        "state.data": {"scenario": "builtin:iraq-2007", "values": {}, "plans": {}},
        "map-option.value": "us_stays",
        "map-colour.value": "deaths_median",
        "month.value": 0,
        "session.data": SID,
    }

    def fill(items: list[dict[str, str]]) -> list[dict[str, Any]]:
        return [{**i, "value": values[f"{i['id']}.{i['property']}"]} for i in items]

    return {
        "output": key,
        "outputs": [
            {"id": o.rpartition(".")[0], "property": o.rpartition(".")[2]}
            for o in key[2:-2].split("...")
        ],
        "inputs": fill(spec["inputs"]),
        "state": fill(spec["state"]),
        "changedPropIds": ["map-colour.value"],
    }


#: (what, how): a whole body (bytes or JSON), a field left out, or fields replaced.
MALFORMED: list[tuple[str, Any]] = [
    ("not JSON", b"{not json"),
    ("a list", []),
    ("a number", 5),
    ("an empty object", {}),
    ("no such output", ("replace", {"output": "nope.children"})),
    ("output not a string", ("replace", {"output": ["x"]})),
    ("no output", ("drop", "output")),
    ("no inputs", ("drop", "inputs")),
    ("no outputs", ("drop", "outputs")),
    ("inputs not a list", ("replace", {"inputs": "x"})),
    ("inputs of the wrong count", ("replace", {"inputs": []})),
    ("an input of another component", ("replace", {"inputs": [{"id": "x", "property": "v"}] * 4})),
    ("an input not an object", ("replace", {"inputs": [1, 2, 3, 4]})),
    ("state not a list", ("replace", {"state": {"a": 1}})),
    ("state of the wrong count", ("replace", {"state": []})),
    ("outputs not a list", ("replace", {"outputs": "x"})),
    ("outputs of the wrong count", ("replace", {"outputs": [{"id": "map", "property": "figure"}]})),
    ("changedPropIds not a list", ("replace", {"changedPropIds": 3})),
]


@pytest.mark.parametrize(("what", "how"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_callback_request_is_answered_400(
    app: Any, client: Any, what: str, how: Any
) -> None:
    if isinstance(how, bytes):
        body = how
    elif isinstance(how, tuple) and how[0] == "drop":
        envelope = _envelope(app)
        del envelope[how[1]]
        body = json.dumps(envelope).encode()
    elif isinstance(how, tuple):
        body = json.dumps({**_envelope(app), **how[1]}).encode()
    else:
        body = json.dumps(how).encode()
    answer = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert answer.status_code == 400, what
    assert answer.get_data(as_text=True).startswith("Bad request: ")
    assert client.get("/").status_code == 200


def test_the_well_formed_envelope_of_those_tests_is_answered(app: Any, client: Any) -> None:
    answer = client.post("/_dash-update-component", json=_envelope(app))
    assert answer.status_code == 200
    assert answer.get_json()["response"]["map-error"]["children"] == ""


def test_a_body_over_the_limit_is_answered_413(client: Any) -> None:
    answer = client.post(
        "/_dash-update-component",
        data=b"x" * (MAX_REQUEST_BYTES + 1),
        content_type="application/json",
    )
    assert answer.status_code == 413


def _typed_envelope(app: Any, ids: list[Any], errors_out: int) -> dict[str, Any]:
    """A request to the callback that checks typed values (pattern-matched inputs and outputs)."""
    key = next(k for k in app.callback_map if "param-error" in k)
    fields = [{"type": "param", "name": "dynamics.spillover"}] * errors_out
    return {
        "output": key,
        "outputs": [
            [{"id": {**f, "type": "param-error"}, "property": "children"} for f in fields],
            [{"id": f, "property": "className"} for f in fields],
            {"id": "assumption-errors", "property": "children"},
            {"id": "assumption-pending", "property": "data"},
        ],
        "inputs": [
            [{"id": {"type": "param", "name": "x"}, "property": "value", "value": "1"}] * len(ids)
        ],
        "state": [
            [{"id": {"type": "param", "name": "x"}, "property": "id", "value": i} for i in ids],
            {"id": "state", "property": "data", "value": {"scenario": "builtin:iraq-2007"}},
            {"id": "assumption-pending", "property": "data", "value": {}},
            {"id": "session", "property": "data", "value": SID},
        ],
        "changedPropIds": [],
    }


def test_a_pattern_callback_that_fails_answers_with_the_message(app: Any, client: Any) -> None:
    answer = client.post("/_dash-update-component", json=_typed_envelope(app, [5], 1))
    assert answer.status_code == 200
    response = answer.get_json()["response"]
    assert list(response) == ["assumption-errors"]
    assert response["assumption-errors"]["children"].startswith("Something went wrong")


def test_pattern_components_that_disagree_are_answered_400(app: Any, client: Any) -> None:
    ident = {"type": "param", "name": "dynamics.spillover"}
    assert (
        client.post("/_dash-update-component", json=_typed_envelope(app, [ident], 1)).status_code
        == 200
    )
    answer = client.post("/_dash-update-component", json=_typed_envelope(app, [ident], 3))
    assert answer.status_code == 400
    assert answer.get_data(as_text=True).startswith("Bad request: ")


def test_the_answer_and_its_tables_are_dimmed_while_they_recompute() -> None:
    """An audit saw the last run's numbers under a new scenario's name for the 55 s of a slow
    run: the headline and the tables sit in loading overlays, as the charts do."""
    from dash import dcc

    from grudging.web.app import KEEP_VISIBLE, compare_layout

    def loading_ids(node: Any, inside: bool = False) -> set[str]:
        found = set()
        if inside and getattr(node, "id", None):
            found.add(node.id)
        inner = inside or isinstance(node, dcc.Loading)
        if isinstance(node, dcc.Loading):
            assert node.overlay_style == KEEP_VISIBLE
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and hasattr(child, "to_plotly_json"):
                found |= loading_ids(child, inner)
        return found

    shown = loading_ids(compare_layout())
    assert {"headline", "outcome-table", "difference-table", "fan", "difference-figure"} <= shown

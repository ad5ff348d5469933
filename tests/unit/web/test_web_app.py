"""The Dash app through its HTTP endpoints (Flask's test client, no browser)."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest


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
) -> dict[str, Any]:
    """Fire the callback that ``trigger`` (id, property, value) drives, as the page would."""
    ident, prop, value = trigger
    states = states or {}
    inputs = inputs or {}
    for key, spec in app.callback_map.items():
        if {"id": ident, "property": prop} not in spec["inputs"]:
            continue
        outputs = []
        for out in key[2:-2].split("..."):
            name, _, prop_name = out.rpartition(".")
            outputs.append({"id": name, "property": prop_name})

        def fill(item: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
            label = f"{item['id']}.{item['property']}"
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


def test_running_a_refused_value_changes_nothing(app: Any, client: Any, ws: Any) -> None:
    out = call(
        app,
        client,
        ("assumption-run", "n_clicks", 1),
        states={
            "state.data": ws.default_state(),
            '{"name":["ALL"],"type":"param"}.value': ["99"],
            '{"name":["ALL"],"type":"param"}.id': [
                {"type": "param", "name": "dynamics.self_excitation"}
            ],
        },
    )
    assert "Refused, nothing re-run" in out["assumption-errors"]["children"]
    assert "state" not in out


def test_an_unexpected_failure_is_one_line_and_the_server_goes_on(
    app: Any, client: Any, ws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grudging.web import callbacks

    def broken(*args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(callbacks, "map_view", broken)
    out = call(
        app,
        client,
        ("map-colour", "value", "deaths_median"),
        inputs={"state.data": ws.default_state(), "map-option.value": "us_stays", "month.value": 0},
    )
    assert out["map-error"]["children"].startswith("internal error (RuntimeError: boom)")
    assert client.get("/").status_code == 200

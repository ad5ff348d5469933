"""Every label of the dashboard is tied to a control that exists, and reads as words; the map's
zoom fits its panel; a plan change is listed as a person writes it; the what-would-it-take tab
refuses a bad request before searching."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import pytest

from grudging.errors import GrudgingError


def _walk(component: Any) -> Iterator[Any]:
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
            continue
        yield node
        children = getattr(node, "children", None)
        if children is not None:
            stack.append(children)


def _dom(ident: Any) -> str:
    return (
        ident
        if isinstance(ident, str)
        else json.dumps(ident, sort_keys=True, separators=(",", ":"))
    )


def _labels_and_ids(tree: Any) -> tuple[list[Any], set[str]]:
    nodes = list(_walk(tree))
    labels = [n for n in nodes if type(n).__name__ == "Label"]
    ids = {_dom(n.id) for n in nodes if getattr(n, "id", None) is not None}
    return labels, ids


def test_every_label_of_the_page_names_a_control_of_the_page(ws: Any) -> None:
    from grudging.web.app import layout

    labels, ids = _labels_and_ids(layout(ws))
    assert len(labels) >= 15
    for label in labels:
        target = getattr(label, "htmlFor", None)
        assert target, f"label {label.children!r} is tied to nothing"
        assert target in ids, f"label {label.children!r} names {target!r}, which is not on the page"


def test_the_plan_form_labels_are_words_tied_to_their_fields(ws: Any, state: Any) -> None:
    from grudging.model.conference import coalition_plan
    from grudging.web.controls import PLAN_FIELDS, plan_controls, plan_schema

    scn = ws.edited(state)
    labels, ids = _labels_and_ids(plan_controls(scn, coalition_plan(scn, "nato_replaces")))
    assert len(labels) >= len(PLAN_FIELDS)
    texts = [str(label.children) for label in labels]
    for field in PLAN_FIELDS:
        dom = _dom({"type": "plan", "field": field})
        assert any(label.htmlFor == dom for label in labels), field
        assert dom in ids
    # no schema title made of an identifier ("Roe Level", "Budget Musd")
    assert not any(t in ("Roe Level", "Budget Musd", "Target Troops") for t in texts)
    assert "Rules of engagement" in texts
    # the bounds under each field read as numbers, not in scientific notation
    hints = [
        str(n.children)
        for n in _walk(plan_controls(scn, coalition_plan(scn, "nato_replaces")))
        if type(n).__name__ == "Small" and n.children
    ]
    budget = plan_schema()["budget_musd"]
    top = budget.get("maximum", budget.get("le"))
    assert any(f"≤ {top:,.0f}" in h for h in hints), hints
    assert not any("e+" in h for h in hints)


def test_each_parameter_field_is_labelled_by_its_name(ws: Any, state: Any) -> None:
    from grudging.web.controls import parameter_controls

    labels, ids = _labels_and_ids(parameter_controls(ws.edited(state), {}, "dynamics"))
    named = {str(label.children): label.htmlFor for label in labels}
    target = named["dynamics.self_excitation"]
    assert target == _dom({"type": "param", "name": "dynamics.self_excitation"})
    assert target in ids


def test_a_changed_plan_is_listed_in_words_not_as_a_python_list() -> None:
    from grudging.web.callbacks import plan_value_text

    assert plan_value_text(["cash_per_troop", "nato_command"]) == "cash_per_troop, nato_command"
    assert plan_value_text([]) == "none"
    assert plan_value_text(None) == "none"
    assert plan_value_text(12000.0) == "12000"
    assert "[" not in plan_value_text(("a",))


@pytest.mark.parametrize(("width", "height"), [(900, 640), (400, 900), (1600, 300)])
def test_the_map_zoom_fits_the_extent_into_its_panel(ws: Any, width: int, height: int) -> None:
    import plotly.graph_objects as go

    from grudging.report.figures import _bounds, fit_map, load_geojson

    scn = ws.scenario(ws.start)
    gj = load_geojson(scn)
    fig = go.Figure(go.Choroplethmap())
    fig.update_layout(margin={"t": 40})
    fit_map(fig, gj, width, height, fill=0.9)
    (west, east), (south, north) = _bounds(gj)
    world = 512 * 2**fig.layout.map.zoom  # pixels round the world at this zoom

    def y(lat: float) -> float:
        return world * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)

    wide = world * (east - west) / 360
    tall = y(north) - y(south)
    assert fig.layout.height == height
    assert wide <= 0.9 * width + 1e-6
    assert tall <= 0.9 * (height - 40) + 1e-6
    # the binding side fills the panel to the stated share
    assert max(wide / (0.9 * width), tall / (0.9 * (height - 40))) == pytest.approx(1.0)


def test_a_bad_what_would_it_take_request_is_refused_before_any_search(ws: Any, state: Any) -> None:
    from grudging.web import what

    c = what.choices(ws, state)
    assert (c["option"], c["baseline"]) == ("nato_replaces", "us_stays")
    levers = [lv["value"] for lv in what.lever_choices(ws, state, c["option"])]
    assert "aid" in levers
    with pytest.raises(GrudgingError, match="choose at least one lever"):
        what.start(ws, state, c["option"], c["baseline"], c["outcome"], 0.5, [])
    with pytest.raises(GrudgingError, match="the baseline is the option itself"):
        what.start(ws, state, "us_stays", "us_stays", c["outcome"], 0.5, ["aid"])
    with pytest.raises(GrudgingError, match="strictly between 0 and 1"):
        what.start(ws, state, c["option"], c["baseline"], c["outcome"], 1.5, ["aid"])
    assert ws.jobs.get("anything") is None

"""The Dash app: the layout of the six views and the wiring of the callbacks.

:func:`create_app` builds the app from a :class:`~grudging.web.workspace.Workspace`; every
callback here only unpacks the page's values, calls the plain function of the same name in
:mod:`grudging.web.callbacks` and packs its result. Errors a user can cause come back as a message
in the page; anything else is logged on the server and reported in one line, and the server goes
on serving. Everything is served from the package (plotly.js included): the page makes no request
to another host.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grudging.report.numbers import outcome_label
from grudging.web.guard import explain
from grudging.web.sessions import (
    MAX_REQUEST_BYTES,
    MAX_UPLOAD_BYTES,
    check_session_id,
    check_state,
    new_session_id,
)

if TYPE_CHECKING:
    import dash

    from grudging.web.workspace import UserState, Workspace

log = logging.getLogger("grudging.web")

ASSETS = Path(__file__).resolve().parent / "assets"
TITLE = "grudging — which course of action does better, and how sure can we be?"


# Layout -----------------------------------------------------------------------------------------
def _download_button(name: str, label: str = "Download this view's data (CSV)") -> list[Any]:
    from dash import dcc, html

    return [
        html.Button(label, id=f"{name}-csv-button", className="download"),
        dcc.Download(id=f"{name}-csv"),
    ]


def _label(text: str, target: str | dict[str, str]) -> Any:
    """A label tied to its control (``for`` and an id ``assets/labels.js`` hands to controls whose
    accessible name comes from ``aria-labelledby``: dropdowns, sliders, option lists)."""
    from dash import html

    ident = dom_id(target)
    return html.Label(text, htmlFor=ident, id=f"{ident}-label")


def dom_id(ident: str | dict[str, str]) -> str:
    """The id Dash writes into the page for a component id (a pattern id as sorted JSON)."""
    import json

    if isinstance(ident, str):
        return ident
    return json.dumps(ident, sort_keys=True, separators=(",", ":"))


#: What the page shows until the first run is there (the server answers before it is).
COMPUTING = "Computing the run of every option; the views fill in as it comes…"
#: A loading overlay that keeps what is recomputing on screen, dimmed, under the spinner.
KEEP_VISIBLE = {"visibility": "visible", "opacity": 0.45}
#: What the busy line next to the coalition's actions says while the conference re-runs.
RECOMPUTING = "Recomputing the coalition (the force-generation conference re-runs)…"


def _graph(ident: str, **kwargs: Any) -> Any:
    from dash import dcc

    return dcc.Graph(id=ident, config={"displaylogo": False}, **kwargs)


def compare_layout() -> Any:
    """Compare options: the answer, fan chart, outcomes with intervals, differences."""
    from dash import dcc, html

    return html.Div(
        [
            html.Div(id="compare-banner", className="banner"),
            html.H2("The answer so far"),
            # the answer, dimmed under a spinner while it recomputes: never the last run's
            # numbers shown as the new one's
            dcc.Loading(
                html.Ul(
                    id="headline",
                    className="headline",
                    children=[html.Li(html.Span(COMPUTING, className="busy"))],
                ),
                delay_show=300,
                overlay_style=KEEP_VISIBLE,
            ),
            html.P(
                "Under what assumptions? Change any of them on the Assumptions tab (the whole "
                "chain re-runs), build another coalition on the Coalition builder tab, or load a "
                "sweep on the Exploration tab to see which assumptions decide the answer.",
                className="note",
            ),
            html.Div(
                [
                    _label("Compare against", "baseline"),
                    dcc.Dropdown(id="baseline", clearable=False),
                    _label("Monthly series", "fan-outcome"),
                    dcc.Dropdown(id="fan-outcome", clearable=False),
                ],
                className="controls",
            ),
            dcc.Loading(_graph("fan"), delay_show=300, overlay_style=KEEP_VISIBLE),
            html.H2("Outcomes: median [90 % interval] over replications"),
            html.P(
                "Probabilities are shares of replications. Every option sees the same random "
                "numbers, so differences are not noise.",
                className="note",
            ),
            dcc.Loading(html.Div(id="outcome-table"), delay_show=300, overlay_style=KEEP_VISIBLE),
            html.H2(id="difference-title", children="Difference against the baseline"),
            dcc.Loading(_graph("difference-figure"), delay_show=300, overlay_style=KEEP_VISIBLE),
            dcc.Loading(
                html.Div(id="difference-table"), delay_show=300, overlay_style=KEEP_VISIBLE
            ),
            html.Div(id="compare-error", className="error", role="alert"),
            *_download_button("compare"),
        ]
    )


def map_layout(ws: Workspace) -> Any:
    """Map: regions coloured by an outcome for an option and a month; sectors and leads."""
    from dash import dcc, html

    from grudging.web.callbacks import MAP_COLOURINGS, MAP_HEIGHT

    months = ws.scenario(ws.start).horizon_months
    return html.Div(
        [
            html.Div(
                [
                    _label("Option", "map-option"),
                    dcc.Dropdown(id="map-option", clearable=False),
                    _label("Colour by", "map-colour"),
                    dcc.Dropdown(
                        id="map-colour",
                        options=[{"label": label, "value": k} for k, label, _ in MAP_COLOURINGS],
                        value="deaths_median",
                        clearable=False,
                    ),
                ],
                className="controls",
            ),
            html.Label(id="month-label", className="month-label", htmlFor="month"),
            dcc.Slider(
                id="month",
                min=0,
                max=months - 1,
                step=1,
                value=0,
                marks=_month_marks(months),
                updatemode="mouseup",
            ),
            dcc.Loading(
                _graph("map", style={"height": f"{MAP_HEIGHT}px"}),
                delay_show=300,
                overlay_style=KEEP_VISIBLE,
            ),
            html.P(id="map-note", className="note"),
            html.H2("Sectors and lead nations (the sector assignment)"),
            html.Div(id="sector-table"),
            html.Div(id="map-error", className="error", role="alert"),
            *_download_button("map"),
        ]
    )


def _month_marks(months: int) -> dict[int, str]:
    step = 12 if months > 24 else 6 if months > 6 else 1
    return {m: str(m) for m in range(0, months, step)}


def coalition_layout() -> Any:
    """Coalition builder: the plan's controls; the coalition, its price and the gap."""
    from dash import dcc, html

    return html.Div(
        [
            html.P(
                "A force-generation conference: every candidate nation answers the offers the "
                "patron makes (money, concessions, the command, accepting its caveats). Change the "
                "plan and the conference re-runs (a few seconds; longer on a busy machine).",
                className="note",
            ),
            html.Div(
                [
                    _label("Option", "coalition-option"),
                    dcc.Dropdown(id="coalition-option", clearable=False),
                ],
                className="controls",
            ),
            html.Div(id="plan-form", className="plan-form"),
            html.Div(id="coalition-error", className="error", role="alert"),
            html.Div(
                [
                    html.Button(
                        "Use this coalition in the comparison",
                        id="use-coalition",
                        className="primary",
                    ),
                    html.Span(id="coalition-busy", className="busy", role="status"),
                ],
                className="sticky-actions",
            ),
            # the tables stay on screen, dimmed, while the conference re-runs
            dcc.Loading(
                [
                    html.P(id="coalition-summary", className="summary"),
                    _graph("gap-figure"),
                    html.H2("The coalition: who serves, on what terms, and why"),
                    html.Div(id="contingent-table"),
                    html.H2("Every candidate nation"),
                    html.Div(id="candidate-table"),
                ],
                delay_show=300,
                overlay_style=KEEP_VISIBLE,
            ),
            *_download_button("coalition"),
        ]
    )


def bargain_layout() -> Any:
    """Bargain: positions, the deal (or not) under each guarantor, who holds out."""
    from dash import dcc, html

    return html.Div(
        [
            html.P(
                "A Dayton-like grand compromise: the mediators put the Nash bargaining solution on "
                "the table; each faction signs if it trusts the guarantor to protect it once it "
                "disarms. Spoilers never sign.",
                className="note",
            ),
            html.Div(
                [
                    _label("International aid on offer (US$ million a year)", "aid"),
                    dcc.Input(id="aid", type="text", inputMode="numeric", debounce=True, size="10"),
                ],
                className="controls",
            ),
            html.Div(id="bargain-error", className="error", role="alert"),
            dcc.Loading(
                [
                    html.H2("The deal under each guarantor, at the parameters' nominal values"),
                    html.Div(id="guarantor-table"),
                    html.H2("The guarantor each option fields"),
                    html.Div(id="fielded-table"),
                    _graph("signing-figure"),
                    html.H2("Factions and who holds out"),
                    html.Div(id="faction-table"),
                    _graph("positions-figure"),
                ],
                delay_show=300,
                overlay_style=KEEP_VISIBLE,
            ),
            *_download_button("bargain"),
        ]
    )


def assumptions_layout(ws: Workspace) -> Any:
    """Assumptions: every uncertain parameter, editable; the effect of a change."""
    from dash import dcc, html

    return html.Div(
        [
            html.P(
                [
                    "Every uncertain number of the model, with its range and source. Type a value "
                    "inside the range and press ",
                    html.B("Run with these values"),
                    f": the chain re-runs at {ws.replications:,} replications per option and the "
                    "result is shown as a difference from the default run. Values outside the range "
                    "are refused with the reason.",
                ],
                className="note",
            ),
            html.Div(
                [
                    html.Button("Run with these values", id="assumption-run", className="primary"),
                    html.Button("Back to the defaults", id="assumption-reset"),
                ],
                className="controls",
            ),
            html.Div(id="assumption-errors", className="error", role="alert"),
            dcc.Loading(
                [
                    html.P(id="assumption-message", className="summary"),
                    html.Div(id="assumption-table"),
                    _graph("assumption-figure"),
                ],
                delay_show=300,
                overlay_style=KEEP_VISIBLE,
            ),
            html.H2("The parameters"),
            html.Div(
                [
                    _label("Stage", "assumption-stage"),
                    dcc.RadioItems(id="assumption-stage", value="dynamics", inline=True),
                ],
                className="controls",
            ),
            html.Div(id="assumption-controls"),
            # what was typed in the fields of every stage and not yet run (switching the stage
            # redraws the fields: this keeps what was typed in the others)
            dcc.Store(id="assumption-pending", data={}),
            *_download_button("assumptions"),
        ]
    )


def exploration_layout(ws: Workspace) -> Any:
    """Exploration: a sweep store's sensitivity indices and PRIM boxes to step through."""
    from dash import dcc, html

    return html.Div(
        [
            html.P(
                "Load a sweep store (written by 'grudging sweep') from the folders the dashboard "
                "was started with: which assumptions matter (sensitivity), and in which region of "
                "the assumptions an option does worse (PRIM scenario discovery).",
                className="note",
            ),
            html.Div(
                [
                    _label("Sweep store", "store-choice"),
                    dcc.Dropdown(
                        id="store-choice",
                        options=ws.store_choices(),
                        value=ws.start_store,
                        placeholder="choose a store",
                    ),
                ],
                className="controls",
            ),
            html.P(id="store-summary", className="summary"),
            html.Div(
                [
                    _label("Outcome", "exploration-outcome"),
                    dcc.Dropdown(id="exploration-outcome", clearable=False),
                    _label("Option", "exploration-option"),
                    dcc.Dropdown(id="exploration-option", clearable=False),
                    _label("does worse than", "exploration-baseline"),
                    dcc.Dropdown(id="exploration-baseline", placeholder="(a threshold instead)"),
                    _label("or, instead, worse than the value", "exploration-threshold"),
                    dcc.Input(
                        id="exploration-threshold",
                        type="text",
                        inputMode="numeric",
                        debounce=True,
                        size="10",
                        placeholder="none: the option above",
                    ),
                ],
                className="controls",
            ),
            html.Div(id="exploration-error", className="error", role="alert"),
            dcc.Loading(
                [
                    html.H2("Sensitivity: which assumptions matter"),
                    _graph("sensitivity-figure"),
                    html.P(id="sensitivity-note", className="note"),
                    html.H2("Scenario discovery (PRIM): step through the peeling trajectory"),
                    html.P(id="prim-question"),
                    _graph("prim-figure", style={"display": "none"}),
                ],
                delay_show=300,
                overlay_style=KEEP_VISIBLE,
            ),
            _label("Step of the peeling trajectory (or click a point)", "prim-step"),
            dcc.Slider(id="prim-step", min=0, max=1, step=1, value=0, updatemode="mouseup"),
            html.P(id="prim-note", className="summary"),
            html.Div(id="prim-box"),
            *_download_button("exploration"),
        ]
    )


def what_layout() -> Any:
    """What would it take: the search for the smallest lever changes at which an option wins,
    run in the background on request, with its progress and its answer."""
    from dash import dcc, html

    return html.Div(
        [
            html.P(
                "For an option against another: which change of a lever (force size, budget, "
                "rules of engagement, aid, the guarantor's commitment...) makes the option do "
                "better in at least the chosen share of paired runs, and under which assumptions "
                "it does. Each search runs the chain many times: it runs in the background and "
                "takes minutes; the answer stays here for the session.",
                className="note",
            ),
            html.Div(
                [
                    _label("Option", "what-option"),
                    dcc.Dropdown(id="what-option", clearable=False),
                    _label("against", "what-baseline"),
                    dcc.Dropdown(id="what-baseline", clearable=False),
                ],
                className="controls",
            ),
            html.Div(
                [
                    _label("Outcome", "what-outcome"),
                    dcc.Dropdown(id="what-outcome", clearable=False),
                    _label("better in at least", "what-confidence"),
                    dcc.Dropdown(id="what-confidence", clearable=False),
                ],
                className="controls",
            ),
            _label("Levers to search", "what-levers"),
            dcc.Checklist(id="what-levers", inline=True, className="what-levers"),
            html.Div(
                [
                    html.Button("Search", id="what-run", className="primary"),
                    html.Span(id="what-busy", className="busy", role="status"),
                ],
                className="controls",
            ),
            html.P(id="what-note", className="note"),
            html.Div(id="what-error", className="error", role="alert"),
            dcc.Store(id="what-job"),
            dcc.Interval(id="what-poll", interval=1000, disabled=True),
            html.Div(id="what-result"),
        ]
    )


def layout(ws: Workspace) -> Any:
    """The whole page, with a fresh session id (Dash builds it on every page load)."""
    from dash import dcc, html

    state = ws.default_state()
    return html.Div(
        [
            dcc.Store(id="session", data=new_session_id()),
            dcc.Store(id="state", data=dict(state)),
            # the address holds the state: a reload keeps the changes, a link shares them
            dcc.Location(id="address", refresh=False),
            html.Header(
                [
                    html.H1(TITLE),
                    html.P(id="status", className="status", children=COMPUTING),
                    html.Div(
                        [
                            _label("Scenario", "scenario-choice"),
                            dcc.Dropdown(
                                id="scenario-choice",
                                options=ws.scenario_choices(),
                                value=state["scenario"],
                                clearable=False,
                            ),
                            dcc.Upload(
                                id="scenario-upload",
                                # The browser drops a file over max_size without a word:
                                # the limit is on the button.
                                children=html.Button(
                                    f"Upload a scenario (YAML, up to {MAX_UPLOAD_BYTES / 1e6:g} MB)"
                                ),
                                accept=".yaml,.yml",
                                max_size=MAX_REQUEST_BYTES * 3 // 4,
                            ),
                            html.Button(
                                "Download the scenario with your changes (YAML)", id="yaml-button"
                            ),
                            dcc.Download(id="yaml-download"),
                        ],
                        className="controls scenario",
                    ),
                    html.Div(id="message", className="error", role="alert"),
                ]
            ),
            dcc.Tabs(
                id="tabs",
                value="compare",
                children=[
                    dcc.Tab(label="Compare options", value="compare", children=compare_layout()),
                    dcc.Tab(label="Map", value="map", children=map_layout(ws)),
                    dcc.Tab(
                        label="Coalition builder", value="coalition", children=coalition_layout()
                    ),
                    dcc.Tab(label="Bargain", value="bargain", children=bargain_layout()),
                    dcc.Tab(
                        label="Assumptions", value="assumptions", children=assumptions_layout(ws)
                    ),
                    dcc.Tab(
                        label="Exploration", value="exploration", children=exploration_layout(ws)
                    ),
                    dcc.Tab(label="What would it take?", value="what", children=what_layout()),
                ],
            ),
        ],
        className="page",
    )


# Wiring ------------------------------------------------------------------------------------------
def create_app(ws: Workspace) -> dash.Dash:
    """The Dash app over ``ws`` (nothing is fetched from another host)."""
    import dash

    from grudging.web.guard import install

    app = dash.Dash(
        "grudging",
        title="grudging dashboard",
        assets_folder=str(ASSETS),
        serve_locally=True,
        suppress_callback_exceptions=True,
        update_title="",
        enable_mcp=False,
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    app.layout = lambda: layout(ws)
    register(app, ws)
    install(app)
    return app


def register(app: dash.Dash, ws: Workspace) -> None:
    """Wire every callback of :mod:`grudging.web.callbacks` to the page, one tab at a time."""
    _register_header(app, ws)
    _register_compare(app, ws)
    _register_map(app, ws)
    _register_coalition(app, ws)
    _register_bargain(app, ws)
    _register_assumptions(app, ws)
    _register_exploration(app, ws)
    _register_what(app, ws)


Callback = Callable[..., Any]


def _guarded(
    ws: Workspace,
    outputs: int,
    error_slot: int,
    *,
    state_at: int | None = 0,
    lock: bool = True,
    what: str | None = None,
) -> Callable[[Callback], Callback]:
    """Run a callback for its session; on error, leave the outputs and put the message in
    ``error_slot``.

    The callback's last Dash argument is the session id (``State("session", "data")``); the
    function receives it first, then the other values. ``state_at`` is the position of the user
    state among those values (checked before the function runs; None: no state). With ``lock``
    the function runs under the session's lock, so a page's heavy callbacks run one at a time
    while other pages' go on; the quick ones (checking what is typed) pass ``lock=False``.
    """

    def wrap(fn: Callback) -> Callback:
        def run(*args: Any) -> Any:
            *values, sid = args
            try:
                working = ws.sessions.working(sid) if lock else nullcontext(ws.sessions.get(sid))
                with working as session:
                    if state_at is not None:
                        check_state(values[state_at], session.sid)
                    return fn(session.sid, *values)
            except Exception as err:
                out = _unchanged(outputs)
                out[error_slot] = explain(err, what)
                return tuple(out) if outputs > 1 else out[0]

        run.__name__ = fn.__name__
        return run

    return wrap


def _unchanged(outputs: int) -> list[Any]:
    """``no_update`` for each output; a list of them for a pattern-matched (ALL) output."""
    from dash import ctx, no_update

    try:
        spec = ctx.outputs_list if outputs > 1 else [ctx.outputs_list]
    except Exception:  # called outside a request (a test calling the function directly)
        spec = [{}] * outputs
    return [[no_update] * len(o) if isinstance(o, list) else no_update for o in spec]


def _session() -> Any:
    from dash import State

    return State("session", "data")


# Header: the scenario, an upload, the status line, the YAML download ----------------------------
def _register_header(app: dash.Dash, ws: Workspace) -> None:
    from dash import Input, Output, State, ctx, no_update

    from grudging.web import callbacks as cb
    from grudging.web.controls import fmt, stage_choices
    from grudging.web.links import state_from_search, state_to_search

    loading = "this scenario could not be loaded"

    @app.callback(
        Output("state", "data", allow_duplicate=True),
        Output("message", "children", allow_duplicate=True),
        Output("scenario-choice", "value", allow_duplicate=True),
        Input("scenario-choice", "value"),
        State("state", "data"),
        _session(),
        prevent_initial_call=True,
    )
    @_guarded(ws, 3, 1, state_at=1, what=loading)
    def on_scenario(sid: str, key: str, state: UserState) -> Any:
        if not key or key == state.get("scenario"):
            return no_update, no_update, no_update
        try:
            return cb.choose_scenario(ws, key, sid), "", no_update
        except Exception as err:  # refused: the list shows the scenario still in use again
            return no_update, explain(err, loading), state.get("scenario")

    @app.callback(
        Output("state", "data", allow_duplicate=True),
        Output("message", "children", allow_duplicate=True),
        Input("scenario-upload", "contents"),
        State("scenario-upload", "filename"),
        _session(),
        prevent_initial_call=True,
    )
    @_guarded(ws, 2, 1, state_at=None, what=loading)
    def on_upload(sid: str, contents: str, filename: str) -> Any:
        if not contents:
            return no_update, no_update
        return cb.upload_scenario(ws, contents, filename or "upload.yaml", sid), ""

    @app.callback(
        Output("status", "children"),
        Output("scenario-choice", "options"),
        Output("scenario-choice", "value"),
        Output("baseline", "options"),
        Output("baseline", "value"),
        Output("map-option", "options"),
        Output("map-option", "value"),
        Output("coalition-option", "options"),
        Output("coalition-option", "value"),
        Output("month", "max"),
        Output("month", "marks"),
        Output("assumption-stage", "options"),
        Output("aid", "placeholder"),
        Output("aid", "value"),
        Output("store-choice", "options"),
        Output("message", "children"),
        Input("state", "data"),
        State("baseline", "value"),
        State("map-option", "value"),
        State("coalition-option", "value"),
        State("aid", "value"),
        State("scenario-choice", "value"),
        _session(),
    )
    @_guarded(ws, 16, 15)
    def on_state(
        sid: str,
        state: UserState,
        baseline: str,
        map_option: str,
        co_option: str,
        aid_typed: str | None,
        shown: str | None,
    ) -> Any:
        scn = ws.edited(state)
        options = cb.option_choices(ws, state)
        ids = [o["value"] for o in options]
        coalition = cb.coalition_options(ws, state)
        co_ids = [o["value"] for o in coalition]
        aid = cb.default_aid(ws, state)
        months = scn.horizon_months
        return (
            cb.status_line(ws, state),
            ws.scenario_choices(sid),
            state.get("scenario"),
            options,
            baseline if baseline in ids else ids[0],
            options,
            map_option if map_option in ids else (co_ids[0] if co_ids else ids[0]),
            coalition,
            co_option if co_option in co_ids else (co_ids[0] if co_ids else None),
            months - 1,
            _month_marks(months),
            stage_choices(scn, state.get("values") or {}),
            "the parameter's value" if aid is None else f"{aid:g} (the option's)",
            # the option's aid, written in; what the user typed stays while the scenario does
            aid_typed
            if aid_typed not in (None, "") and shown == state.get("scenario")
            else ("" if aid is None else fmt(aid)),
            ws.store_choices(),
            # a change of state clears the last message; the page's first call leaves what the
            # address's check may have put there (a refused link)
            "" if ctx.triggered_id == "state" else no_update,
        )

    @app.callback(
        Output("state", "data", allow_duplicate=True),
        Output("message", "children", allow_duplicate=True),
        Input("address", "search"),
        State("state", "data"),
        _session(),
        prevent_initial_call="initial_duplicate",
    )
    @_guarded(ws, 2, 1, state_at=1, what="the settings in the page's address were not used")
    def on_address(sid: str, search: str | None, state: UserState) -> Any:
        # a reload or a link (on loading), or the browser's back and forward buttons
        if (search or "") == state_to_search(ws, state):
            return no_update, no_update
        return state_from_search(ws, search, sid), ""

    @app.callback(
        Output("address", "search"),
        Input("state", "data"),
        State("address", "search"),
        _session(),
        prevent_initial_call=True,
    )
    def on_state_address(state: UserState, search: str | None, sid: str) -> Any:
        try:  # a state the page could not have sent leaves the address as it is
            check_state(state, check_session_id(sid))
            wanted = state_to_search(ws, state)
        except Exception:
            return no_update
        return no_update if wanted == (search or "") else wanted

    @app.callback(
        Output("yaml-download", "data"),
        Output("message", "children", allow_duplicate=True),
        Input("yaml-button", "n_clicks"),
        State("state", "data"),
        _session(),
        prevent_initial_call=True,
    )
    @_guarded(ws, 2, 1, state_at=1)
    def on_yaml(sid: str, clicks: int, state: UserState) -> Any:
        return cb.export_yaml(ws, state), ""


# Compare options ---------------------------------------------------------------------------------
def _register_compare(app: dash.Dash, ws: Workspace) -> None:
    from dash import Input, Output, State, html

    from grudging.web import callbacks as cb
    from grudging.web.tables import html_table

    @app.callback(
        Output("headline", "children"),
        Output("fan", "figure"),
        Output("fan-outcome", "options"),
        Output("fan-outcome", "value"),
        Output("outcome-table", "children"),
        Output("difference-title", "children"),
        Output("difference-figure", "figure"),
        Output("difference-table", "children"),
        Output("compare-banner", "children"),
        Output("compare-error", "children"),
        Input("state", "data"),
        Input("baseline", "value"),
        Input("fan-outcome", "value"),
        _session(),
    )
    @_guarded(ws, 10, 9)
    def on_compare(sid: str, state: UserState, baseline: str, outcome: str) -> Any:
        view = cb.compare_view(ws, state, baseline, outcome)
        banner = (
            "Showing the run with your changes; the Assumptions tab shows the difference from "
            "the default."
            if view["changed"]
            else ""
        )
        return (
            [html.Li(line) for line in view["headline"]],
            view["fan"],
            [{"label": outcome_label(o), "value": o} for o in view["series"]],
            view["outcome"],
            html_table(view["outcomes"], view["outcome_columns"], "outcomes"),
            f"Difference against {view['baseline_name']} (paired by replication)",
            cb.figure_or_empty(view["difference_figure"], "one option only"),
            html_table(view["differences"][0], view["differences"][1], "differences"),
            banner,
            "",
        )

    @app.callback(
        Output("compare-csv", "data"),
        Output("compare-error", "children", allow_duplicate=True),
        Input("compare-csv-button", "n_clicks"),
        State("state", "data"),
        State("baseline", "value"),
        _session(),
        prevent_initial_call=True,
    )
    @_guarded(ws, 2, 1, state_at=1)
    def on_compare_csv(sid: str, clicks: int, state: UserState, baseline: str) -> Any:
        return cb.compare_csv(ws, state, baseline), ""


# Map ---------------------------------------------------------------------------------------------
def _register_map(app: dash.Dash, ws: Workspace) -> None:
    from dash import Input, Output, State

    from grudging.web import callbacks as cb
    from grudging.web.tables import html_table

    @app.callback(
        Output("map", "figure"),
        Output("month-label", "children"),
        Output("sector-table", "children"),
        Output("map-note", "children"),
        Output("map-error", "children"),
        Input("state", "data"),
        Input("map-option", "value"),
        Input("map-colour", "value"),
        Input("month", "value"),
        _session(),
    )
    @_guarded(ws, 5, 4)
    def on_map(sid: str, state: UserState, option: str, colour: str, month: int) -> Any:
        view = cb.map_view(ws, state, option, colour, month)
        table = (
            html_table(view["sectors"], None, "sectors")
            if view["sectors"]
            else "This option generates no coalition, so it has no sectors."
        )
        return (
            cb.figure_or_empty(view["figure"], view["note"]),
            view["month_label"],
            table,
            view["note"],
            "",
        )

    @app.callback(
        Output("map-csv", "data"),
        Output("map-error", "children", allow_duplicate=True),
        Input("map-csv-button", "n_clicks"),
        State("state", "data"),
        State("map-option", "value"),
        _session(),
        prevent_initial_call=True,
    )
    @_guarded(ws, 2, 1, state_at=1)
    def on_map_csv(sid: str, clicks: int, state: UserState, option: str) -> Any:
        return cb.map_csv(ws, state, option), ""


# Coalition builder -------------------------------------------------------------------------------
CONTINGENT_COLUMNS = {
    "nation": "nation",
    "name": "name",
    "troops": "troops",
    "effective": "effective strength",
    "in_theatre": "in theatre before",
    "commands_led": "commands held before (HQ, sectors)",
    "earlier_peak": "peak in the earlier coalition",
    "votes_with_patron": "UN votes with patron",
    "tie": "tie",
    "offers_accepted": "offers accepted",
    "caveats": "caveats",
    "cost_musd": "cost (US$M, first year)",
    "arrives": "arrives",
    "why": "what brings it in",
}

CANDIDATE_COLUMNS = {
    "nation": "nation",
    "name": "name",
    "status": "status",
    "offers": "offers",
    "in_theatre": "in theatre before",
    "commands_led": "commands held before (HQ, sectors)",
    "earlier_peak": "peak in the earlier coalition",
    "votes_with_patron": "UN votes with patron",
    "tie": "tie",
    "why": "why",
}


def _register_coalition(app: dash.Dash, ws: Workspace) -> None:
    from dash import ALL, Input, Output, State, no_update

    from grudging.web import callbacks as cb
    from grudging.web.controls import entries_from
    from grudging.web.tables import html_table

    @app.callback(
        Output("plan-form", "children"),
        Output("coalition-error", "children", allow_duplicate=True),
        Input("state", "data"),
        Input("coalition-option", "value"),
        _session(),
        prevent_initial_call="initial_duplicate",
    )
    @_guarded(ws, 2, 1)
    def on_plan_form(sid: str, state: UserState, option: str) -> Any:
        return cb.plan_form(ws, state, option), ""

    @app.callback(
        Output("coalition-summary", "children"),
        Output("gap-figure", "figure"),
        Output("contingent-table", "children"),
        Output("candidate-table", "children"),
        Output("coalition-error", "children"),
        Input({"type": "plan", "field": ALL}, "value"),
        State({"type": "plan", "field": ALL}, "id"),
        State("coalition-option", "value"),
        State("state", "data"),
        _session(),
        running=[
            (Output("use-coalition", "disabled"), True, False),
            (Output("coalition-csv-button", "disabled"), True, False),
            (Output("coalition-busy", "children"), RECOMPUTING, ""),
        ],
    )
    @_guarded(ws, 5, 4, state_at=3)
    def on_coalition(
        sid: str, values: list[Any], ids: list[dict[str, str]], option: str, state: UserState
    ) -> Any:
        if not ids:
            return "", cb.figure_or_empty(None, "no coalition option"), "", "", ""
        view = cb.coalition_view(ws, state, option, entries_from(ids, values, "field"))
        return (
            view["summary"],
            view["gap_figure"],
            html_table(view["contingents"], CONTINGENT_COLUMNS, "contingents"),
            html_table(view["candidates"], CANDIDATE_COLUMNS, "candidates"),
            "",
        )

    @app.callback(
        Output("state", "data", allow_duplicate=True),
        Output("coalition-error", "children", allow_duplicate=True),
        Input("use-coalition", "n_clicks"),
        State({"type": "plan", "field": ALL}, "value"),
        State({"type": "plan", "field": ALL}, "id"),
        State("coalition-option", "value"),
        State("state", "data"),
        _session(),
        prevent_initial_call=True,
    )
    @_guarded(ws, 2, 1, state_at=4)
    def on_use_coalition(
        sid: str,
        clicks: int,
        values: list[Any],
        ids: list[dict[str, str]],
        option: str,
        state: UserState,
    ) -> Any:
        if not clicks or not option:
            return no_update, no_update
        return cb.use_coalition(ws, state, option, entries_from(ids, values, "field")), ""

    @app.callback(
        Output("coalition-csv", "data"),
        Output("coalition-error", "children", allow_duplicate=True),
        Input("coalition-csv-button", "n_clicks"),
        State({"type": "plan", "field": ALL}, "value"),
        State({"type": "plan", "field": ALL}, "id"),
        State("coalition-option", "value"),
        State("state", "data"),
        _session(),
        prevent_initial_call=True,
    )
    @_guarded(ws, 2, 1, state_at=4)
    def on_coalition_csv(
        sid: str,
        clicks: int,
        values: list[Any],
        ids: list[dict[str, str]],
        option: str,
        state: UserState,
    ) -> Any:
        return cb.coalition_csv(ws, state, option, entries_from(ids, values, "field")), ""


# Bargain -----------------------------------------------------------------------------------------
#: Columns of the bargain tables shown as probabilities.
PROBABILITY_COLUMNS = {
    k: "probability"
    for k in (
        "credibility",
        "p_deal",
        "p_holds_given_deal",
        "p_deal_holds",
        "strength",
        "impartiality",
    )
}


def _register_bargain(app: dash.Dash, ws: Workspace) -> None:
    from dash import Input, Output, State, html

    from grudging.web import callbacks as cb
    from grudging.web.tables import html_table

    @app.callback(
        Output("guarantor-table", "children"),
        Output("fielded-table", "children"),
        Output("signing-figure", "figure"),
        Output("faction-table", "children"),
        Output("positions-figure", "figure"),
        Output("bargain-error", "children"),
        Input("state", "data"),
        Input("aid", "value"),
        _session(),
    )
    @_guarded(ws, 6, 5)
    def on_bargain(sid: str, state: UserState, aid: str) -> Any:
        view = cb.bargain_view(ws, state, aid)
        factions = view["factions"]
        faction_units = (
            {k: "probability" for k in factions[0] if k.startswith("P(")}
            | {"capability": "probability"}
            if factions
            else {}
        )
        return (
            html_table(
                view["guarantors"],
                view["guarantor_columns"],
                "guarantors",
                units=PROBABILITY_COLUMNS,
            ),
            html.Div(
                [
                    html_table(
                        view["fielded"],
                        view["fielded_columns"],
                        "fielded",
                        units=PROBABILITY_COLUMNS,
                    ),
                    html.P(view["note"], className="note", id="bargain-note"),
                ]
            )
            if view["fielded"]
            else "No option attempts a bargain.",
            view["signing"],
            html_table(factions, None, "factions", units=faction_units),
            view["positions"],
            "",
        )

    @app.callback(
        Output("bargain-csv", "data"),
        Output("bargain-error", "children", allow_duplicate=True),
        Input("bargain-csv-button", "n_clicks"),
        State("state", "data"),
        State("aid", "value"),
        _session(),
        prevent_initial_call=True,
    )
    @_guarded(ws, 2, 1, state_at=1)
    def on_bargain_csv(sid: str, clicks: int, state: UserState, aid: str) -> Any:
        return cb.bargain_csv(ws, state, aid), ""


# Assumptions -------------------------------------------------------------------------------------
DIFFERENCE_COLUMNS = {
    "option": "option",
    "outcome": "outcome",
    "default": "default",
    "yours": "with your changes",
    # in the comparison's words: the median difference, its 90 % interval, the runs better
    "difference": "paired difference",
}


def _field_classes(
    ids: list[dict[str, str]],
    entries: dict[str, Any],
    errors: dict[str, str],
    nominal: dict[str, float],
) -> list[str]:
    """Each parameter field's class: refused, changed from its nominal value, or neither."""
    classes = []
    for i in ids:
        name = i["name"]
        if name in errors:
            classes.append("invalid")
            continue
        try:
            changed = float(str(entries[name]).replace(",", "")) != nominal.get(name)
        except ValueError:
            changed = False
        classes.append("changed" if changed else "")
    return classes


def _register_assumptions(app: dash.Dash, ws: Workspace) -> None:
    from dash import ALL, Input, Output, State, no_update

    from grudging.web import callbacks as cb
    from grudging.web.controls import entries_from, parameter_controls, typed_entries
    from grudging.web.tables import html_table

    @app.callback(
        Output("assumption-controls", "children"),
        Input("state", "data"),
        Input("assumption-stage", "value"),
        State("assumption-pending", "data"),
        _session(),
    )
    @_guarded(ws, 1, 0, lock=False)
    def on_assumption_controls(sid: str, state: UserState, stage: str, pending: Any) -> Any:
        typed = typed_entries(pending, state.get("scenario"))
        return parameter_controls(ws.edited(state), state.get("values") or {}, stage, typed)

    @app.callback(
        Output({"type": "param-error", "name": ALL}, "children"),
        Output({"type": "param", "name": ALL}, "className"),
        Output("assumption-errors", "children"),
        Output("assumption-pending", "data"),
        Input({"type": "param", "name": ALL}, "value"),
        State({"type": "param", "name": ALL}, "id"),
        State("state", "data"),
        State("assumption-pending", "data"),
        _session(),
    )
    @_guarded(ws, 4, 2, state_at=2, lock=False)
    def on_param_typed(
        sid: str, values: list[Any], ids: list[dict[str, str]], state: UserState, pending: Any
    ) -> Any:
        entries = entries_from(ids, values, "name")
        errors = cb.check_assumptions(ws, state, entries)
        nominal = ws.edited(state).parameter_values()
        summary = "Refused: " + " | ".join(errors.values()) if errors else ""
        scenario = state.get("scenario")
        kept = {**typed_entries(pending, scenario), **entries}
        return (
            [errors.get(i["name"], "") for i in ids],
            _field_classes(ids, entries, errors, nominal),
            summary,
            {"scenario": scenario, "entries": kept},
        )

    @app.callback(
        Output("state", "data", allow_duplicate=True),
        Output("assumption-errors", "children", allow_duplicate=True),
        Output("assumption-pending", "data", allow_duplicate=True),
        Input("assumption-run", "n_clicks"),
        State({"type": "param", "name": ALL}, "value"),
        State({"type": "param", "name": ALL}, "id"),
        State("state", "data"),
        State("assumption-pending", "data"),
        _session(),
        prevent_initial_call=True,
    )
    @_guarded(ws, 3, 1, state_at=3)
    def on_run(
        sid: str,
        clicks: int,
        values: list[Any],
        ids: list[dict[str, str]],
        state: UserState,
        pending: Any,
    ) -> Any:
        if not clicks:
            return no_update, no_update, no_update
        # what was typed on every stage, the fields shown now last (they are the newest)
        typed = {
            **typed_entries(pending, state.get("scenario")),
            **entries_from(ids, values, "name"),
        }
        new, errors = cb.apply_assumptions(ws, state, typed)
        if errors:
            return no_update, "Refused, nothing re-run: " + " | ".join(errors.values()), no_update
        return new, "", {}

    @app.callback(
        Output("state", "data", allow_duplicate=True),
        Output("assumption-errors", "children", allow_duplicate=True),
        Output("assumption-pending", "data", allow_duplicate=True),
        Input("assumption-reset", "n_clicks"),
        State("state", "data"),
        _session(),
        prevent_initial_call=True,
    )
    @_guarded(ws, 3, 1, state_at=1, lock=False)
    def on_reset(sid: str, clicks: int, state: UserState) -> Any:
        if not clicks:
            return no_update, no_update, no_update
        return cb.reset_assumptions(ws, state), "", {}

    @app.callback(
        Output("assumption-message", "children"),
        Output("assumption-table", "children"),
        Output("assumption-figure", "figure"),
        Output("assumption-figure", "style"),
        Output("assumption-errors", "children", allow_duplicate=True),
        Input("state", "data"),
        _session(),
        prevent_initial_call="initial_duplicate",
    )
    @_guarded(ws, 5, 4)
    def on_assumptions(sid: str, state: UserState) -> Any:
        view = cb.assumptions_view(ws, state)
        table = (
            html_table(view["rows"], DIFFERENCE_COLUMNS, "assumption-difference")
            if view["rows"]
            else ""
        )
        return (
            view["message"],
            table,
            cb.figure_or_empty(view["figure"], "no change yet"),
            {} if view["figure"] is not None else {"display": "none"},
            no_update,
        )

    @app.callback(
        Output("assumptions-csv", "data"),
        Output("assumption-errors", "children", allow_duplicate=True),
        Input("assumptions-csv-button", "n_clicks"),
        State("state", "data"),
        _session(),
        prevent_initial_call=True,
    )
    @_guarded(ws, 2, 1, state_at=1)
    def on_assumptions_csv(sid: str, clicks: int, state: UserState) -> Any:
        return cb.assumptions_csv(ws, state), ""


# Exploration -------------------------------------------------------------------------------------
def _register_exploration(app: dash.Dash, ws: Workspace) -> None:
    from dash import Input, Output, State, ctx, no_update

    from grudging.web import callbacks as cb
    from grudging.web.tables import html_table

    @app.callback(
        Output("store-summary", "children"),
        Output("exploration-outcome", "options"),
        Output("exploration-outcome", "value"),
        Output("exploration-option", "options"),
        Output("exploration-option", "value"),
        Output("exploration-baseline", "options"),
        Output("exploration-baseline", "value"),
        Output("exploration-error", "children", allow_duplicate=True),
        Input("store-choice", "value"),
        State("state", "data"),
        _session(),
        prevent_initial_call="initial_duplicate",
    )
    @_guarded(ws, 8, 7, state_at=1)
    def on_store(sid: str, key: str | None, state: UserState) -> Any:
        view = cb.store_choices_view(ws, state, key)
        outcomes = [{"label": outcome_label(o), "value": o} for o in view["outcomes"]]
        names = {o["value"]: o["label"] for o in cb.option_choices(ws, state)}
        options = [{"label": names.get(o, o), "value": o} for o in view["options"]]
        return (
            view["summary"],
            outcomes,
            view["outcome"],
            options,
            view["option"],
            options,
            view["baseline"],
            "",
        )

    @app.callback(
        Output("sensitivity-figure", "figure"),
        Output("sensitivity-note", "children"),
        Output("prim-question", "children"),
        Output("prim-figure", "figure"),
        Output("prim-figure", "style"),
        Output("prim-step", "max"),
        Output("prim-step", "marks"),
        Output("prim-step", "value"),
        Output("prim-note", "children"),
        Output("prim-box", "children"),
        Output("exploration-error", "children"),
        Input("store-choice", "value"),
        Input("exploration-outcome", "value"),
        Input("exploration-option", "value"),
        Input("exploration-baseline", "value"),
        Input("exploration-threshold", "value"),
        Input("prim-step", "value"),
        _session(),
    )
    @_guarded(ws, 11, 10, state_at=None)
    def on_exploration(
        sid: str,
        key: str | None,
        outcome: str | None,
        option: str | None,
        baseline: str | None,
        threshold: str | None,
        step: int | None,
    ) -> Any:
        keep_step = ctx.triggered_id == "prim-step"
        view = cb.exploration_view(
            ws, key, outcome, option, baseline, threshold, step if keep_step else None
        )
        last = max(view["steps"] - 1, 1)
        return (
            cb.figure_or_empty(view["sensitivity"], "no sensitivity indices"),
            view["sensitivity_note"],
            view["question"],
            cb.figure_or_empty(view["trajectory"], "no PRIM box"),
            {} if view["trajectory"] is not None else {"display": "none"},
            last,
            {i: str(i) for i in range(0, last + 1, max(1, (last + 1) // 10))},
            view["step"],
            view["box_note"],
            html_table(view["box"], None, "prim-limits") if view["box"] else "",
            "",
        )

    @app.callback(
        Output("prim-step", "value", allow_duplicate=True),
        Input("prim-figure", "clickData"),
        prevent_initial_call=True,
    )
    def on_trajectory_click(click: dict[str, Any] | None) -> Any:
        try:
            return int(click["points"][0]["customdata"])  # type: ignore[index]
        except Exception:  # whatever the page (or a crafted request) sent: no step
            return no_update

    @app.callback(
        Output("exploration-csv", "data"),
        Output("exploration-error", "children", allow_duplicate=True),
        Input("exploration-csv-button", "n_clicks"),
        State("store-choice", "value"),
        State("exploration-outcome", "value"),
        State("exploration-option", "value"),
        State("exploration-baseline", "value"),
        State("exploration-threshold", "value"),
        _session(),
        prevent_initial_call=True,
    )
    @_guarded(ws, 2, 1, state_at=None)
    def on_exploration_csv(
        sid: str,
        clicks: int,
        key: str | None,
        outcome: str | None,
        option: str | None,
        baseline: str | None,
        threshold: str | None,
    ) -> Any:
        return cb.exploration_csv(ws, key, outcome, option, baseline, threshold), ""


# What would it take -------------------------------------------------------------------------
def _what_result(view: dict[str, Any]) -> Any:
    """The answer of a search, as the report shows it: sentences, then the tables."""
    from dash import html

    from grudging.web.tables import html_table

    parts: list[Any] = [
        html.P(html.B(view["headline"]), id="what-headline", className="summary"),
        html.P(view["question"]),
    ]
    if view.get("fixed"):
        parts.append(
            html.P(
                f"Searched with your changed assumptions fixed: {view['fixed']}.", id="what-fixed"
            )
        )
    parts += [
        html.H2("Levers, one at a time (the others as the option has them)"),
        html_table(view["levers"], {k: k for k in view["levers"][0]}, "what-levers-table")
        if view["levers"]
        else html.P("No lever reaches this option."),
    ]
    if view["pairs"]:
        parts += [
            html.H2("Pairs of the levers closest to the target"),
            html_table(view["pairs"], {k: k for k in view["pairs"][0]}, "what-pairs"),
        ]
    if view["parameters"]:
        parts += [
            html.H2("Assumptions under which the option does better"),
            html_table(view["parameters"], {k: k for k in view["parameters"][0]}, "what-params"),
        ]
    if view["box"]:
        parts.append(html.P(view["box"]))
    parts.append(html.P(view["method"], className="note"))
    return parts


def _register_what(app: dash.Dash, ws: Workspace) -> None:
    from dash import Input, Output, State, no_update

    from grudging.web import what

    @app.callback(
        Output("what-option", "options"),
        Output("what-option", "value"),
        Output("what-baseline", "options"),
        Output("what-baseline", "value"),
        Output("what-outcome", "options"),
        Output("what-outcome", "value"),
        Output("what-confidence", "options"),
        Output("what-confidence", "value"),
        Output("what-note", "children"),
        Output("what-error", "children", allow_duplicate=True),
        Input("state", "data"),
        _session(),
        prevent_initial_call="initial_duplicate",
    )
    @_guarded(ws, 10, 9, lock=False)
    def on_what_choices(sid: str, state: UserState) -> Any:
        c = what.choices(ws, state)
        _, fixed = what.search_scenario(ws, state)
        note = (
            f"The search fixes your changed assumptions (from the Assumptions tab) at your "
            f"values: {what.fixed_text(fixed)}; the others keep their ranges."
            if fixed
            else ""
        )
        return (
            c["options"],
            c["option"],
            c["options"],
            c["baseline"],
            c["outcomes"],
            c["outcome"],
            c["confidences"],
            c["confidence"],
            note,
            "",
        )

    @app.callback(
        Output("what-levers", "options"),
        Output("what-levers", "value"),
        Output("what-error", "children", allow_duplicate=True),
        Input("what-option", "value"),
        State("state", "data"),
        _session(),
        prevent_initial_call=True,
    )
    @_guarded(ws, 3, 2, state_at=1, lock=False)
    def on_what_levers(sid: str, option: str, state: UserState) -> Any:
        levers = what.lever_choices(ws, state, option)
        return levers, [lv["value"] for lv in levers], ""

    @app.callback(
        Output("what-job", "data"),
        Output("what-poll", "disabled"),
        Output("what-run", "disabled"),
        Output("what-busy", "children"),
        Output("what-error", "children", allow_duplicate=True),
        Input("what-run", "n_clicks"),
        State("state", "data"),
        State("what-option", "value"),
        State("what-baseline", "value"),
        State("what-outcome", "value"),
        State("what-confidence", "value"),
        State("what-levers", "value"),
        _session(),
        prevent_initial_call=True,
    )
    @_guarded(ws, 5, 4, state_at=1, lock=False)
    def on_what_start(
        sid: str,
        clicks: int,
        state: UserState,
        option: str,
        baseline: str,
        outcome: str,
        confidence: float,
        levers: list[str],
    ) -> Any:
        if not clicks:
            return no_update, no_update, no_update, no_update, no_update
        job = what.start(ws, state, option, baseline, outcome, confidence, levers)
        return job.key, False, True, job.line(), ""

    @app.callback(
        Output("what-result", "children"),
        Output("what-busy", "children", allow_duplicate=True),
        Output("what-poll", "disabled", allow_duplicate=True),
        Output("what-run", "disabled", allow_duplicate=True),
        Output("what-error", "children", allow_duplicate=True),
        Input("what-poll", "n_intervals"),
        State("what-job", "data"),
        State("state", "data"),
        _session(),
        prevent_initial_call=True,
    )
    @_guarded(ws, 5, 4, state_at=None, lock=False)
    def on_what_poll(sid: str, ticks: int, key: str | None, state: UserState) -> Any:
        job = ws.jobs.get(key) if key else None
        view = what.result_view(ws, state, job)
        if view["state"] == "running":
            return no_update, view["line"], False, True, ""
        if view["state"] == "failed":
            return "", "", True, False, view["line"]
        if view["view"] is None:
            return no_update, "", True, False, ""
        return _what_result(view["view"]), "", True, False, ""


def serve(ws: Workspace, host: str = "127.0.0.1", port: int = 8050) -> None:
    """Start the app's web server (blocks until interrupted); each request runs in its own
    thread, and each page's callbacks under that page's lock."""
    app = create_app(ws)
    app.run(host=host, port=port, debug=False, threaded=True)

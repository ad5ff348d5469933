"""Plotly figures of a run: fan charts, outcome comparisons and the regional map.

The same figures serve the HTML report and the dashboard. The dashboard's maps use
``go.Choroplethmap`` on a white background with the scenario's own GeoJSON, so they draw offline (no
tiles, no CDN); the report draws its maps as plain SVG (:mod:`grudging.report.svgmap`), because a
browser refuses the WebGL map's worker when a report is opened from disk.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from grudging.results.results import Results
    from grudging.scenario.schema import Scenario

#: One colour per option, in run order (colour-blind-safe Okabe-Ito palette).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")


def option_colours(options: list[str]) -> dict[str, str]:
    """A stable colour for each option."""
    return {o: PALETTE[i % len(PALETTE)] for i, o in enumerate(options)}


@cache
def _white_template() -> Any:
    """plotly's ``plotly_white`` template, validated once (see :func:`_white`)."""
    import plotly.graph_objects as go

    return go.Layout(template="plotly_white").template


def _white(fig: go.Figure) -> go.Figure:
    """``fig`` with the ``plotly_white`` template, as ``template="plotly_white"`` would give it.

    Named, the template is deep-copied from plotly's registry and validated again for every figure
    (about a fifth of a fan chart's CPU time, docs/performance.md); here the validated copy is set
    without re-validation, as plotly itself sets its default template. Same JSON.
    """
    layout = fig.layout
    layout._validate = False
    try:
        layout.template = _white_template()
    finally:
        layout._validate = fig._validate
    return fig


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def fan_chart(
    results: Results,
    outcome: str = "civilian_deaths",
    title: str | None = None,
    start: str | None = None,
    names: Mapping[str, str] | None = None,
) -> go.Figure:
    """Median and 90 % band of a monthly series, one band per option (labelled by ``names``
    when given, else by id).

    A yes/no series (civil war: 0 or 1 in each run and month) is drawn as the share of runs in
    that state each month, a line per option with no band (:func:`share_chart`): its median and
    band are 0 whenever the event happens in under 5 % of runs.
    """
    import plotly.graph_objects as go

    from grudging.model.outcomes import BINARY

    if outcome in BINARY:
        return share_chart(results, outcome, title, start, names)
    table = results.monthly(outcome)
    colours = option_colours(results.options)
    fig = go.Figure()
    for option in results.options:
        part = table[table["option"] == option]
        x = _month_axis(part["month"].to_numpy(), start)
        colour = colours[option]
        fig.add_trace(
            go.Scatter(
                x=list(x) + list(x[::-1]),
                y=list(part["high"]) + list(part["low"][::-1]),
                fill="toself",
                fillcolor=_rgba(colour, 0.15),
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                legendgroup=option,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=part["median"],
                name=(names or {}).get(option, option),
                legendgroup=option,
                line={"color": colour, "width": 2},
            )
        )
    _white(fig).update_layout(
        title=title or f"{outcome.replace('_', ' ')} per month: median and 90 % interval",
        height=420,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        yaxis_title=outcome.replace("_", " "),
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


def share_chart(
    results: Results,
    outcome: str,
    title: str | None = None,
    start: str | None = None,
    names: Mapping[str, str] | None = None,
) -> go.Figure:
    """The share of runs in a yes/no state (0/1 per run and month) each month, a line per option
    (labelled by ``names`` when given, else by id), on an axis in per cent."""
    import plotly.graph_objects as go

    from grudging.report.numbers import outcome_label

    table = results.monthly(outcome)  # the mean of a 0/1 series is the share of runs at 1
    colours = option_colours(results.options)
    fig = go.Figure()
    for option in results.options:
        part = table[table["option"] == option]
        fig.add_trace(
            go.Scatter(
                x=_month_axis(part["month"].to_numpy(), start),
                y=part["mean"],
                name=(names or {}).get(option, option),
                line={"color": colours[option], "width": 2},
                hovertemplate="%{x}: %{y:.1%} of runs<extra>%{fullData.name}</extra>",
            )
        )
    label = outcome_label(outcome)
    _white(fig).update_layout(
        title=title or f"{label}: share of runs in that state each month",
        height=420,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        # from nil, with room above the highest share (an axis to 5 % at least: a flat line at
        # 0 reads as nil, not as the middle of an axis from -1 to 1)
        yaxis={
            "title": "share of runs",
            "tickformat": ".0%",
            "range": [0, min(1.0, max(0.05, 1.1 * float(table["mean"].max())))],
        },
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


def _month_axis(months: Any, start: str | None) -> list[Any]:
    if start is None:
        return list(months)
    year, mon = (int(x) for x in start.split("-"))
    base = year * 12 + mon - 1
    return [f"{(base + int(m)) // 12:04d}-{(base + int(m)) % 12 + 1:02d}" for m in months]


def _interval_dots(
    part: pd.DataFrame, centre: str, colours: dict[str, str], **extra: Any
) -> go.Scatter:
    """One dot per option at ``centre`` with whiskers to the ``low`` and ``high`` columns."""
    import plotly.graph_objects as go

    return go.Scatter(
        x=part[centre],
        y=part["option"],
        mode="markers",
        marker={"size": 12, "color": [colours[o] for o in part["option"]]},
        error_x={
            "type": "data",
            "symmetric": False,
            "array": part["high"] - part[centre],
            "arrayminus": part[centre] - part["low"],
            # one colour: whiskers would take the markers' list of colours, which plotly.js
            # refuses (drawing them black with a console warning)
            "color": "#555",
        },
        **extra,
    )


def outcome_intervals(
    results: Results, outcome: str, names: Mapping[str, str] | None = None
) -> go.Figure:
    """Median with 90 % interval of one scalar outcome per option (a dot-and-whisker chart);
    options labelled by ``names`` when given."""
    import plotly.graph_objects as go

    table = results.summary()
    part = table[table["outcome"] == outcome]
    colours = option_colours(results.options)
    if names:
        colours = {names.get(o, o): c for o, c in colours.items()}
        part = part.assign(option=[names.get(o, o) for o in part["option"]])
    fig = go.Figure(_interval_dots(part, "median", colours))
    unit = part["unit"].iloc[0] if len(part) else ""
    _white(fig).update_layout(
        height=80 + 40 * len(part),
        title=f"{outcome.replace('_', ' ')} ({unit})",
        margin={"l": 150, "r": 20, "t": 40, "b": 30},
    )
    return fig


def load_geojson(scn: Scenario) -> dict[str, Any] | None:
    """The scenario's GeoJSON, or ``None`` when it has no map."""
    if scn.map is None or scn.base_dir is None:
        return None
    path = Path(scn.base_dir) / scn.map.geojson
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def region_map(
    scn: Scenario,
    values: pd.Series,
    title: str,
    colorbar: str = "",
    geojson: dict[str, Any] | None = None,
    zmax: float | None = None,
    hover: Mapping[str, str] | None = None,
    number_format: str = ",.0f",
) -> go.Figure | None:
    """A choropleth of ``values`` indexed by region id (offline: white background, local GeoJSON).

    ``hover`` adds a line per region to its hover label (e.g. the sector's lead nation). A region
    whose value is missing (NaN: nothing to measure there) is drawn grey with its hover line and
    no number. Values above ``zmax`` take the darkest colour; their hover shows the value itself.
    """
    import plotly.graph_objects as go

    gj = geojson if geojson is not None else load_geojson(scn)
    if gj is None or scn.map is None:
        return None
    extra = hover or {}

    def text(regions: Any) -> list[str]:
        return [scn.region(r).name + (f"<br>{extra[r]}" if extra.get(r) else "") for r in regions]

    shown, missing = values[values.notna()], values[values.isna()]
    fig = go.Figure(
        go.Choroplethmap(
            geojson=gj,
            locations=list(shown.index),
            z=list(shown.to_numpy()),
            featureidkey=f"properties.{scn.map.feature_id}",
            colorscale="Reds",
            zmin=0,
            zmax=zmax if zmax is not None else float(max(shown.max(), 1e-9)),
            marker={"line": {"width": 0.6, "color": "#444"}},
            colorbar={"title": colorbar},
            text=text(shown.index),
            hovertemplate=f"%{{text}}<br>%{{z:{number_format}}}<extra></extra>",
        )
    )
    if len(missing):
        fig.add_trace(
            go.Choroplethmap(
                geojson=gj,
                locations=list(missing.index),
                z=[0] * len(missing),
                featureidkey=f"properties.{scn.map.feature_id}",
                colorscale=[[0, "#dddddd"], [1, "#dddddd"]],
                showscale=False,
                marker={"line": {"width": 0.6, "color": "#444"}},
                text=text(missing.index),
                hovertemplate="%{text}<extra></extra>",
            )
        )
    _map_layout(fig, gj, title)
    return fig


def _map_layout(fig: go.Figure, gj: dict[str, Any], title: str) -> None:
    lons, lats = _bounds(gj)
    fig.update_layout(
        map_style="white-bg",
        map_center={"lon": sum(lons) / 2, "lat": sum(lats) / 2},
        map_zoom=_zoom(lons, lats),
        height=480,
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        title=title,
    )


def sector_map(
    scn: Scenario,
    leads: Mapping[str, str | None],
    title: str,
    hover: Mapping[str, str] | None = None,
    geojson: dict[str, Any] | None = None,
) -> go.Figure | None:
    """Regions coloured by the lead nation of their sector (grey: no coalition troops)."""
    import plotly.graph_objects as go

    gj = geojson if geojson is not None else load_geojson(scn)
    if gj is None or scn.map is None:
        return None
    extra = hover or {}
    groups: dict[str, list[str]] = {}
    for region in scn.regions:
        groups.setdefault(leads.get(region.id) or "no sector", []).append(region.id)
    nations = sorted(n for n in groups if n != "no sector")
    colours = {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(nations)}
    colours["no sector"] = "#dddddd"
    fig = go.Figure()
    for lead in [*nations, "no sector"] if "no sector" in groups else nations:
        regions = groups[lead]
        name = scn.nation(lead).name if lead != "no sector" and scn.nations else lead
        fig.add_trace(
            go.Choroplethmap(
                geojson=gj,
                locations=regions,
                z=[1] * len(regions),
                featureidkey=f"properties.{scn.map.feature_id}",
                colorscale=[[0, colours[lead]], [1, colours[lead]]],
                showscale=False,
                name=f"{lead} — {name}" if lead != "no sector" else "no coalition sector",
                showlegend=True,
                marker={"line": {"width": 0.6, "color": "#444"}},
                text=[
                    f"{scn.region(r).name}<br>lead: {lead}"
                    + (f"<br>{extra[r]}" if extra.get(r) else "")
                    for r in regions
                ],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    _map_layout(fig, gj, title)
    fig.update_layout(legend={"title": {"text": "sector lead"}, "x": 0.01, "y": 0.99})
    return fig


def difference_chart(diff: pd.DataFrame, outcome: str, unit: str = "") -> go.Figure:
    """Paired differences against a baseline: median and 90 % interval per option."""
    import plotly.graph_objects as go

    part = diff[diff["outcome"] == outcome]
    baseline = part["baseline"].iloc[0] if len(part) else ""
    fig = go.Figure(
        _interval_dots(
            part,
            "median_difference",
            option_colours(list(part["option"])),
            customdata=part["share_better"],
            hovertemplate="%{y}: %{x:,.3g} (better in %{customdata:.0%} of runs)<extra></extra>",
        )
    )
    fig.add_vline(x=0, line={"color": "#888", "dash": "dot"})
    _white(fig).update_layout(
        height=100 + 40 * len(part),
        title=f"{outcome.replace('_', ' ')} against {baseline}{f' ({unit})' if unit else ''}: "
        "paired difference, median and 90 % interval",
        margin={"l": 150, "r": 20, "t": 50, "b": 30},
    )
    return fig


def gap_bars(
    requirement: float, effective: float, troops: int, proposal: float | None = None
) -> tuple[list[str], list[float], list[str]]:
    """Labels, values and colours of the coalition-gap bars (the proposal's force, where the
    scenario declares one, after the requirement)."""
    bars = [("requirement", requirement, "#999999")]
    if proposal:
        bars.append(("proposal's force", float(proposal), "#E69F00"))
    bars += [
        ("coalition troops", float(troops), "#56B4E9"),
        ("effective strength", effective, "#0072B2"),
    ]
    labels, values, colours = (list(x) for x in zip(*bars, strict=True))
    return labels, values, colours


def coalition_gap_chart(
    requirement: float, effective: float, troops: int, proposal: float | None = None
) -> go.Figure:
    """The coalition against the requirement: troops, effective strength and the gap."""
    import plotly.graph_objects as go

    labels, values, colours = gap_bars(requirement, effective, troops, proposal)
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker={"color": colours},
            text=[f"{v:,.0f}" for v in values],
            textposition="auto",
        )
    )
    _white(fig).update_layout(
        height=220,
        margin={"l": 130, "r": 20, "t": 40, "b": 30},
        title=f"gap to the requirement: {max(0.0, requirement - effective):,.0f} effective troops",
        yaxis={"autorange": "reversed"},
    )
    return fig


def positions_chart(result: Any, scn: Scenario) -> go.Figure:
    """Each faction's position on every issue (as coded), with the compromise and Nash terms;
    factions by their names, as the tables name them."""
    import plotly.graph_objects as go

    fig = go.Figure()
    issues = list(result.issues)
    for i, faction in enumerate(result.factions):
        spoiler = faction in result.spoilers
        fig.add_trace(
            go.Scatter(
                x=[scn.faction(faction).positions.get(k) for k in issues],
                y=issues,
                mode="markers",
                name=scn.faction(faction).name + (" (spoiler)" if spoiler else ""),
                # the whole name (the hover's side label cuts names at 15 characters)
                hovertemplate="%{fullData.name}<br>%{y}: %{x}<extra></extra>",
                marker={
                    "size": 10,
                    "color": PALETTE[i % len(PALETTE)],
                    "symbol": "x" if spoiler else "circle",
                },
            )
        )
    terms = result.terms_frame()
    fig.add_trace(
        go.Scatter(
            x=terms["nash"],
            y=terms["issue"],
            mode="markers",
            name="Nash offer (5–95 %)",
            marker={"symbol": "diamond", "size": 14, "color": "black"},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": terms["nash_high"] - terms["nash"],
                "arrayminus": terms["nash"] - terms["nash_low"],
            },
        )
    )
    fig.add_trace(
        go.Scatter(
            x=terms["compromise"],
            y=terms["issue"],
            mode="markers",
            name="compromise",
            marker={"symbol": "line-ns-open", "size": 18, "color": "#555", "line": {"width": 3}},
        )
    )
    _white(fig).update_layout(
        height=120 + 45 * len(issues),
        title="positions on each issue (0 = low pole, 100 = high pole) and the terms on the table",
        xaxis={"range": [-3, 103]},
        margin={"l": 140, "r": 20, "t": 50, "b": 30},
    )
    return fig


def signing_heatmap(result: Any, names: dict[str, str] | None = None) -> go.Figure:
    """P(signs) of every faction under every guarantor (factions by ``names`` when given)."""
    import plotly.graph_objects as go

    kinds = [o.guarantor.kind for o in result.outcomes]
    z = [[o.p_sign[f] for o in result.outcomes] for f in result.factions]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=kinds,
            y=[(names or {}).get(f, f) for f in result.factions],
            zmin=0,
            zmax=1,
            colorscale="Blues",
            text=[[f"{v:.2f}" for v in row] for row in z],
            texttemplate="%{text}",
            colorbar={"title": "P(signs)"},
        )
    )
    _white(fig).update_layout(
        height=120 + 35 * len(result.factions),
        title="who signs, under each guarantor",
        margin={"l": 170, "r": 20, "t": 50, "b": 30},
        xaxis_title="guarantor",
    )
    return fig


def _bounds(gj: dict[str, Any]) -> tuple[tuple[float, float], tuple[float, float]]:
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: Any) -> None:
        if isinstance(coords, list) and coords and isinstance(coords[0], int | float):
            xs.append(float(coords[0]))
            ys.append(float(coords[1]))
        elif isinstance(coords, list):
            for c in coords:
                walk(c)

    for feature in gj.get("features", []):
        walk(feature.get("geometry", {}).get("coordinates", []))
    return (min(xs), max(xs)), (min(ys), max(ys))


def fit_map(
    fig: go.Figure, gj: dict[str, Any], width: int, height: int, fill: float = 0.92
) -> None:
    """Size ``fig`` to ``height`` pixels and zoom it so the GeoJSON's extent fills ``fill`` of a
    ``width`` x ``height`` panel (web Mercator, 512-pixel tiles as MapLibre draws them)."""
    import math

    (west, east), (south, north) = _bounds(gj)
    top = int(fig.layout.margin.t or 0)
    inner = max(height - top, 50)

    def mercator(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    z_lon = math.log2(width * 360.0 / (512.0 * max(east - west, 1e-3)))
    z_lat = math.log2(inner * 2 * math.pi / (512.0 * max(mercator(north) - mercator(south), 1e-5)))
    fig.update_layout(
        height=height,
        map_center={
            "lon": (west + east) / 2,
            "lat": math.degrees(
                2 * math.atan(math.exp((mercator(north) + mercator(south)) / 2)) - math.pi / 2
            ),
        },
        map_zoom=min(z_lon, z_lat) + math.log2(fill),
    )


def _zoom(lons: tuple[float, float], lats: tuple[float, float]) -> float:
    import math

    span = max(lons[1] - lons[0], (lats[1] - lats[0]) * 1.3, 1e-3)
    return max(1.0, min(10.0, math.log2(360.0 / span) - 0.6))


def sensitivity_bars(frame: pd.DataFrame, title: str) -> go.Figure:
    """Horizontal bars of a sensitivity index per parameter (largest on top), with intervals."""
    import plotly.graph_objects as go

    part = frame.sort_values("index", ascending=True).tail(20)
    error = None
    if "low" in part.columns and "high" in part.columns:
        error = {
            "type": "data",
            "symmetric": False,
            "array": part["high"] - part["index"],
            "arrayminus": part["index"] - part["low"],
        }
    fig = go.Figure(
        go.Bar(
            x=part["index"],
            y=part["parameter"],
            orientation="h",
            marker={"color": PALETTE[0]},
            error_x=error,
        )
    )
    _white(fig).update_layout(
        height=120 + 24 * len(part),
        title=title,
        margin={"l": 240, "r": 20, "t": 50, "b": 30},
    )
    return fig


def prim_trajectory(trajectory: pd.DataFrame, chosen: int | None = None) -> go.Figure:
    """PRIM's peeling trajectory: coverage against density, one point per box, the chosen one marked.

    ``trajectory`` has one row per step with ``coverage``, ``density`` and ``restricted`` (the
    number of parameters the box restricts).
    """
    import plotly.graph_objects as go

    steps = list(range(len(trajectory)))
    fig = go.Figure(
        go.Scatter(
            x=trajectory["coverage"],
            y=trajectory["density"],
            mode="markers+lines",
            marker={
                "color": trajectory.get("restricted", None),
                "colorscale": "Viridis",
                "size": 9,
                "colorbar": {"title": "parameters<br>restricted"},
            },
            line={"color": "#bbb", "width": 1},
            customdata=steps,
            hovertemplate="step %{customdata}: coverage %{x:.2f}, density %{y:.2f}<extra></extra>",
            name="peeling trajectory",
        )
    )
    if chosen is not None and 0 <= chosen < len(trajectory):
        row = trajectory.iloc[chosen]
        fig.add_trace(
            go.Scatter(
                x=[row["coverage"]],
                y=[row["density"]],
                mode="markers",
                marker={
                    "size": 18,
                    "color": "rgba(0,0,0,0)",
                    "line": {"color": "#D55E00", "width": 3},
                },
                name=f"step {chosen}",
                hoverinfo="skip",
            )
        )
    _white(fig).update_layout(
        height=420,
        title="PRIM peeling trajectory: coverage against density",
        xaxis={"title": "coverage", "range": [0, 1.05]},
        yaxis={"title": "density", "range": [0, 1.05]},
        showlegend=False,
    )
    return fig

"""Maps as plain SVG, drawn from the scenario's GeoJSON without a plotting library.

The report's maps must draw wherever the file is read: opened from disk (where a browser refuses
the WebGL map's worker), offline, in print. Plain SVG needs nothing: each region is one path
(equirectangular projection, scaled by the cosine of the mid-latitude), filled from a sequential
red ramp or a category colour, with its name and value in a ``<title>`` that browsers show on
hover. Importing this module costs no plotting library, so writing a report stays fast.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grudging.scenario.schema import Scenario

#: ColorBrewer's sequential "Reds", nine classes (Harrower & Brewer 2003), low to high.
REDS = (
    "#fff5f0",
    "#fee0d2",
    "#fcbba1",
    "#fc9272",
    "#fb6a4a",
    "#ef3b2c",
    "#cb181d",
    "#a50f15",
    "#67000d",
)
#: Fill of a region with no sector (and of a region the values do not name).
NO_DATA = "#dddddd"
WIDTH = 420
LEGEND = 150

Ring = Sequence[Sequence[float]]


def _rings(scn: Scenario, geojson: Mapping[str, Any]) -> dict[str, list[Ring]]:
    """Every ring (outer boundaries and holes) of every region, by region id."""
    key = scn.map.feature_id if scn.map is not None else "id"
    out: dict[str, list[Ring]] = {}
    for feature in geojson.get("features", []):
        region = str((feature.get("properties") or {}).get(key))
        geometry = feature.get("geometry") or {}
        coords = geometry.get("coordinates") or []
        polygons = [coords] if geometry.get("type") == "Polygon" else coords
        for polygon in polygons:
            out.setdefault(region, []).extend(ring for ring in polygon if ring)
    return out


def _projection(rings: Mapping[str, list[Ring]]) -> tuple[Any, float]:
    """A function from (lon, lat) to SVG (x, y) fitting the map into :data:`WIDTH`, and the
    map's height."""
    points = [p for ring_list in rings.values() for ring in ring_list for p in ring]
    lons = [float(p[0]) for p in points]
    lats = [float(p[1]) for p in points]
    shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * shrink, 1e-9)
    span_y = max(max(lats) - min(lats), 1e-9)
    scale = WIDTH / span_x
    west, north = min(lons), max(lats)

    def project(point: Sequence[float]) -> tuple[float, float]:
        return (float(point[0]) - west) * shrink * scale, (north - float(point[1])) * scale

    return project, span_y * scale


def _path(rings: list[Ring], project: Any) -> str:
    parts = []
    for ring in rings:
        xy = [project(p) for p in ring]
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + "Z")
    return "".join(parts)


def red(share: float) -> str:
    """The colour of ``share`` (0-1) on the red ramp, interpolated between its classes."""
    position = min(max(share, 0.0), 1.0) * (len(REDS) - 1)
    low = min(int(position), len(REDS) - 2)
    t = position - low
    a, b = REDS[low], REDS[low + 1]
    channels = [
        round(int(a[i : i + 2], 16) * (1 - t) + int(b[i : i + 2], 16) * t) for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{c:02x}" for c in channels)


def _svg(body: list[str], height: float, title: str) -> str:
    """The map under its title (HTML text, which wraps however long the title is)."""
    total_w, total_h = WIDTH + LEGEND, max(height, 120.0) + 4
    return (
        f'<p class="map-title"><strong>{html.escape(title)}</strong></p>'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_w:.0f} {total_h:.0f}" '
        f'width="{total_w:.0f}" role="img" aria-label="{html.escape(title)}">'
        + "".join(body)
        + "</svg>"
    )


def _regions(
    scn: Scenario, geojson: Mapping[str, Any] | None, style: Callable[[str, str], tuple[str, str]]
) -> tuple[list[str], float] | None:
    """One path per region, filled and titled by ``style(region id, region name)`` (a colour and
    the hover text), and the map's height; ``None`` without a map."""
    if geojson is None or scn.map is None:
        return None
    rings = _rings(scn, geojson)
    if not rings:
        return None
    project, height = _projection(rings)
    names = {r.id: r.name for r in scn.regions}
    body = []
    for region, region_rings in rings.items():
        fill, label = style(region, names.get(region, region))
        body.append(
            f'<path d="{_path(region_rings, project)}" fill="{fill}" fill-rule="evenodd" '
            f'stroke="#444" stroke-width="0.6"><title>{html.escape(label)}</title></path>'
        )
    return body, height


def choropleth(
    scn: Scenario,
    geojson: Mapping[str, Any] | None,
    values: Mapping[str, float],
    title: str,
    unit: str,
    zmax: float | None = None,
) -> str | None:
    """Regions filled by ``values`` (by region id) on the red ramp from 0 to ``zmax`` (default
    the largest value); ``None`` without a map."""
    top = zmax if zmax is not None else max([*values.values(), 1e-9])

    def style(region: str, name: str) -> tuple[str, str]:
        value = values.get(region)
        if value is None:
            return NO_DATA, f"{name}: no figure"
        return red(float(value) / top if top > 0 else 0.0), f"{name}: {float(value):,.0f} {unit}"

    drawn = _regions(scn, geojson, style)
    if drawn is None:
        return None
    body, height = drawn
    x0 = WIDTH + 30
    steps = 40
    for k in range(steps):
        y = 10 + (steps - 1 - k) * 4
        body.append(f'<rect x="{x0}" y="{y}" width="16" height="4" fill="{red(k / (steps - 1))}"/>')
    for share, y in ((1.0, 14), (0.5, 94), (0.0, 174)):
        body.append(
            f'<text x="{x0 + 22}" y="{y}" font-size="11" font-family="sans-serif">'
            f"{top * share:,.0f}</text>"
        )
    body.append(
        f'<text x="{x0}" y="196" font-size="11" font-family="sans-serif">{html.escape(unit)}</text>'
    )
    return _svg(body, max(height, 200.0), title)


def categories(
    scn: Scenario,
    geojson: Mapping[str, Any] | None,
    groups: Mapping[str, str | None],
    title: str,
    none_label: str = "no sector",
) -> str | None:
    """Regions filled by their group's colour (``groups``: region id -> group or ``None``; the
    report's palette in the groups' sorted order), with a legend; ``None`` without a map."""
    from grudging.report.figures import PALETTE

    named = sorted({g for g in groups.values() if g})
    colours = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(named)}

    def style(region: str, name: str) -> tuple[str, str]:
        group = groups.get(region)
        return (colours.get(group, NO_DATA) if group else NO_DATA), f"{name}: {group or none_label}"

    drawn = _regions(scn, geojson, style)
    if drawn is None:
        return None
    body, height = drawn
    x0 = WIDTH + 20
    for i, (group, colour) in enumerate([*colours.items(), (none_label, NO_DATA)]):
        y = 10 + 16 * i
        body.append(f'<rect x="{x0}" y="{y}" width="12" height="12" fill="{colour}"/>')
        body.append(
            f'<text x="{x0 + 18}" y="{y + 10}" font-size="11" font-family="sans-serif">'
            f"{html.escape(group)}</text>"
        )
    return _svg(body, max(height, 16.0 * (len(colours) + 2)), title)

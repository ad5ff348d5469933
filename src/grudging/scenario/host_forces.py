"""Host forces as a force that changes: checks of the ``host_forces`` table and its timeline.

A scenario's ``host_forces`` rows form named series (a plan published by the information date, the
recorded size that only the replay of history reads). Each row gives the troops (national, or of one
region), the share trained and equipped, and the force's sectarian make-up. An option follows one
series by name; :func:`host_timeline` turns it into troops, quality and make-up by region and month.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from grudging.errors import unknown_name
from grudging.scenario.references import Loc, ScenarioReferenceError

if TYPE_CHECKING:
    from grudging.scenario.schema import Scenario


def check_host_forces(scn: Scenario) -> None:
    """Raise a located :class:`ScenarioReferenceError` for the bad host-force inputs, first first."""
    problems = list(_problems(scn))
    if problems:
        raise ScenarioReferenceError(problems)


def _problems(scn: Scenario) -> Iterator[tuple[Loc, str]]:
    regions = {r.id for r in scn.regions}
    groups = {g.id for g in scn.groups}
    factions = {f.id for f in scn.factions}
    series = {p.series for p in scn.host_forces}
    sources = {s.id for s in scn.sources}
    population = {r.id: r.population for r in scn.regions}
    seen: set[tuple[str, int, str | None]] = set()
    for i, point in enumerate(scn.host_forces):
        where = f"region '{point.region}'" if point.region is not None else "the whole theatre"
        key = (point.series, point.month, point.region)
        if key in seen:
            yield (
                ("host_forces", i),
                f"host force figure of series '{point.series}' at month {point.month} for {where} "
                "is given twice; a series has one figure per month and region: remove one of the "
                "rows or merge them",
            )
        seen.add(key)
        people = (
            population.get(point.region) if point.region is not None else sum(population.values())
        )
        if people is not None and point.troops > people:
            yield (
                ("host_forces", i, "troops"),
                f"{point.troops:,} host troops of series '{point.series}' at month {point.month} "
                f"are more than the {people:,} people of {where}; check the figure or the "
                "population",
            )
        for ref in (one.strip() for one in point.source.split(";")):
            if ref and sources and ref not in sources:
                yield ("host_forces", i, "source"), unknown_name("source", ref, sorted(sources))
        if point.month >= scn.horizon_months:
            yield (
                ("host_forces", i, "month"),
                f"host force figure of series '{point.series}' at month {point.month} lies outside "
                f"the horizon (months 0 to {scn.horizon_months - 1}); drop the row or lengthen "
                "'horizon_months'",
            )
        if point.region is not None and point.region not in regions:
            yield ("host_forces", i, "region"), unknown_name("region", point.region, regions)
        for group in point.composition:
            if group not in groups:
                yield ("host_forces", i, "composition"), unknown_name("group", group, groups)
        total = sum(point.composition.values())
        if point.composition and abs(total - 1.0) > 0.01:
            yield (
                ("host_forces", i, "composition"),
                f"the make-up of the host forces sums to {total:.3f}; give shares that sum to 1",
            )
    # A series a historical option follows is the record after the information date (the replay's
    # forcing, like its troop timeline); an option that is a decision may not read it.
    replayed = {o.host_forces: o.id for o in scn.options if o.historical and o.host_forces}
    for j, opt in enumerate(scn.options):
        if opt.host_forces is not None and opt.host_forces not in series:
            yield (
                ("options", j, "host_forces"),
                unknown_name("host-force series", opt.host_forces, series),
            )
        elif not opt.historical and opt.host_forces in replayed:
            yield (
                ("options", j, "host_forces"),
                f"option '{opt.id}' follows host-force series '{opt.host_forces}', the record "
                f"that the historical option '{replayed[opt.host_forces]}' replays; data after "
                f"the information date {scn.information_date} is for testing, never for input: "
                "give the option a series planned by that date (or none, to hold the "
                "information-date force)",
            )
        for k, pay in enumerate(opt.payments):
            for faction in pay.factions:
                if faction not in factions:
                    yield (
                        ("options", j, "payments", k, "factions"),
                        unknown_name("faction", faction, factions),
                    )


def host_timeline(
    scn: Scenario, series: str | None, months: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Host troops ``(N, T)``, trained share ``(N, T)`` and make-up ``(G, T)`` of a series.

    Without a series (or with an empty one) the force holds its information-date size (the regions'
    ``host_forces``), fully counted, with no make-up given (``(G, T)`` zeros: the make-up plays no
    part). A national row sets every region's troops in proportion to their information-date host
    forces; a regional row sets that region's. Each figure holds until the next row of the series.
    """
    base = np.array([float(r.host_forces) for r in scn.regions])
    index = {r.id: i for i, r in enumerate(scn.regions)}
    groups = [g.id for g in scn.groups]
    troops = np.repeat(base[:, None], months, axis=1)
    trained = np.ones((len(base), months))
    makeup = np.zeros((len(groups), months))
    rows = sorted(
        (p for p in scn.host_forces if p.series == series and p.month < months),
        key=lambda p: (p.month, p.region is not None),
    )
    weights = base / base.sum() if base.sum() > 0 else np.full(len(base), 1.0 / len(base))
    for p in rows:
        if p.region is None:
            troops[:, p.month :] = (weights * p.troops)[:, None]
            trained[:, p.month :] = p.trained_share
        else:
            troops[index[p.region], p.month :] = p.troops
            trained[index[p.region], p.month :] = p.trained_share
        if p.composition:
            makeup[:, p.month :] = np.array([p.composition.get(g, 0.0) for g in groups])[:, None]
    return troops, trained, makeup

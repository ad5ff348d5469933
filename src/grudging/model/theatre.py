"""The theatre as arrays: what the dynamics needs to know about regions and factions.

Everything comes from the scenario: populations, adjacency, composition, host forces, the violence
observed up to the information date, and the factions (where they fight, how many fighters, how
hostile to foreign forces, whether spoilers). Nothing here names a region or a faction.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from grudging.model.dynamics import RequirementCurve, Theatre
from grudging.model.requirement import Requirement, RequirementParams, violence_per_100k
from grudging.scenario.schema import Scenario, month_index

#: Series of civilian deaths by region, and of deaths with no region, in the observations.
REGIONAL_SERIES = "civilian_deaths"
UNLOCATED_SERIES = "civilian_deaths_unlocated"


def adjacency(scn: Scenario) -> np.ndarray:
    """Row-normalised neighbour matrix (a region without neighbours has a zero row)."""
    index = {r.id: i for i, r in enumerate(scn.regions)}
    adj = np.zeros((len(index), len(index)))
    for r in scn.regions:
        for other in r.neighbours:
            adj[index[r.id], index[other]] = 1.0
    rows = adj.sum(axis=1, keepdims=True)
    return np.divide(adj, rows, out=np.zeros_like(adj), where=rows > 0)


def unlocated_share(scn: Scenario, months: int = 12) -> float:
    """Deaths recorded without a region, as a share of those with one, over the last months.

    Regional rates are scaled up by ``1 + share`` so that the model's deaths are on the scale of
    the national series (the regional breakdown of a count usually misses some incidents).
    """
    last = month_index(scn.information_date)
    located = unlocated = 0.0
    for obs in scn.observations:
        if last - months < month_index(obs.month) <= last:
            if obs.series == REGIONAL_SERIES and obs.region is not None:
                located += obs.value
            elif obs.series == UNLOCATED_SERIES:
                unlocated += obs.value
    return unlocated / located if located > 0 else 0.0


def faction_geography(scn: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Each faction's fighters by region (``(F, N)`` shares of its fighters) and its fighters.

    A faction's fighters are spread over the regions it lists in proportion to their population
    (over every region if it lists none).
    """
    index = {r.id: i for i, r in enumerate(scn.regions)}
    pop = np.array([r.population for r in scn.regions], dtype=float)
    home = np.zeros((len(scn.factions), len(index)))
    for f_i, faction in enumerate(scn.factions):
        where = [index[r] for r in faction.regions] or list(range(len(index)))
        home[f_i, where] = pop[where] / pop[where].sum()
    fighters = np.array([float(f.fighters) for f in scn.factions])
    return home, fighters


def host_schedule(
    scn: Scenario, series: str | None, months: int, host_reliability: float
) -> tuple[np.ndarray, np.ndarray | None]:
    """Host forces by region and month ``(N, T)`` (troops x trained share x reliability) and the
    overlap of the force's make-up with each region's ``(N, T)`` (the shared share by group:
    1 where the force is drawn from the region's communities in their proportions; ``None`` when
    the series gives no make-up). The dynamics weigh the change in host forces by the overlap
    (``dynamics.host_sectarian_penalty``).
    """
    from grudging.scenario.host_forces import host_timeline

    troops, trained, makeup = host_timeline(scn, series, months)
    groups = [g.id for g in scn.groups]
    comp = np.array([[r.composition.get(g, 0.0) for g in groups] for r in scn.regions])
    comp = comp / np.maximum(comp.sum(axis=1, keepdims=True), 1e-12)
    given = makeup.sum(axis=0) > 0  # (T,)
    overlap = None
    if given.any():
        overlap = np.minimum(comp[:, :, None], makeup[None, :, :]).sum(axis=1)  # (N, T)
        overlap = np.where(given[None, :], overlap, 1.0)
    return troops * trained * host_reliability, overlap


def build_theatre(
    scn: Scenario,
    requirement: Requirement,
    params: RequirementParams,
    host_forces: str | None = None,
) -> Theatre:
    """The :class:`~grudging.model.dynamics.Theatre` of a scenario.

    Parameters
    ----------
    requirement:
        The requirement stage's result; its density norm per region is what coverage is measured
        against at the information date, and its curve (``params``) moves it with recent violence
        (:class:`~grudging.model.dynamics.RequirementCurve`).
    params:
        The requirement stage's parameters: the share of host forces that count
        (``host_reliability``), the months of observations averaged into the information-date
        violence rate (``window_months``) and the norm's curve.
    host_forces:
        The series of the scenario's host-force table the option follows (``None``: the regions'
        information-date host forces every month).
    """
    regions = scn.regions
    pop = np.array([r.population for r in regions], dtype=float)
    groups = [g.id for g in scn.groups]
    composition = np.array([[r.composition.get(g, 0.0) for g in groups] for r in regions])
    composition = composition / composition.sum(axis=1, keepdims=True)
    window_months = round(params.window_months)
    host_reliability = params.host_reliability
    rates = violence_per_100k(scn, window_months)
    unlocated = unlocated_share(scn)
    initial = np.array([rates[r.id] for r in regions]) * (1.0 + unlocated)
    home, fighters = faction_geography(scn)
    weight = home * fighters[:, None]
    totals = weight.sum(axis=0, keepdims=True)
    share = np.divide(weight, totals, out=np.zeros_like(weight), where=totals > 0)
    hostility = np.array([f.hostility_to_foreign_forces for f in scn.factions])
    spoiler = np.array([f.spoiler for f in scn.factions], dtype=bool)
    insurgents = (
        (weight * hostility[:, None]).sum(axis=0) if len(scn.factions) else np.zeros(len(regions))
    )
    spoiler_home = (
        (home[spoiler] > 0).any(axis=0).astype(float) if spoiler.any() else np.zeros(len(regions))
    )
    kin_states = [n for n in scn.nations if n.neighbour and n.kin_groups]
    kin_weights = np.array(
        [
            [sum(r.composition.get(g, 0.0) for g in n.kin_groups) for r in regions]
            for n in kin_states
        ]
    ).reshape(len(kin_states), len(regions))
    schedule, overlap = host_schedule(scn, host_forces, scn.horizon_months, host_reliability)
    group_index = {g: i for i, g in enumerate(groups)}
    return Theatre(
        region_ids=tuple(r.id for r in regions),
        population=pop,
        neighbours=adjacency(scn),
        composition=composition,
        abroad_border=np.array([bool(r.borders) for r in regions]),
        required_density=np.array([requirement.region(r.id).density_norm for r in regions]),
        initial_rate=initial,
        host_troops=schedule[:, 0],
        faction_share=share.reshape(len(scn.factions), len(regions)),
        faction_spoiler=spoiler,
        faction_fighters=fighters,
        faction_home=home.reshape(len(scn.factions), len(regions)),
        insurgents=insurgents,
        spoiler_home=spoiler_home,
        kin_weights=kin_weights,
        kin_population=np.array([n.population_millions for n in kin_states]),
        host_schedule=schedule,
        host_overlap=overlap,
        faction_group=np.array(
            [group_index.get(f.group or "", -1) for f in scn.factions], dtype=int
        ),
        decisive_victory=scn.war_ended_by == "victory",
        requirement_curve=requirement_curve(
            params,
            np.array([requirement.region(r.id).violence_per_100k for r in regions]),
            located_share=1.0 / (1.0 + unlocated),
        ),
    )


def requirement_curve(
    params: RequirementParams, rate0: np.ndarray, located_share: float = 1.0
) -> RequirementCurve:
    """The requirement stage's norm as the dynamics read it each month, from its parameters and
    the violence ``rate0`` (per 100,000 a month, by region) the information-date requirement was
    read at; ``located_share`` of the engine's deaths is the basis the stage reads."""
    return RequirementCurve(
        norm_policing=params.norm_policing,
        norm_insurgency=params.norm_insurgency,
        violence_low=params.violence_low,
        violence_high=params.violence_high,
        window_months=max(round(params.window_months), 1),
        located_share=located_share,
        rate0=rate0,
    )


def allocate(total: np.ndarray, weights: Mapping[str, float], scn: Scenario) -> np.ndarray:
    """Spread a national troop timeline ``(T,)`` over regions in proportion to ``weights``."""
    w = np.array([max(weights.get(r.id, 0.0), 0.0) for r in scn.regions])
    w = w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))
    return w[:, None] * total[None, :]

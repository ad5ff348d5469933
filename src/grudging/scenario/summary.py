"""A plain-data summary of a scenario (for ``grudging show`` and the dashboard)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from grudging.scenario.commands import commands_of
from grudging.scenario.io import scenario_hash
from grudging.scenario.schema import Scenario, month_index


def recent_deaths(
    scn: Scenario, months: int = 12, series: str = "civilian_deaths"
) -> dict[str, float]:
    """Observed deaths per region over the last ``months`` months before the information date."""
    last = month_index(scn.information_date)
    totals: dict[str, float] = defaultdict(float)
    for obs in scn.observations:
        if (
            obs.series == series
            and obs.region is not None
            and last - months < month_index(obs.month) <= last
        ):
            totals[obs.region] += obs.value
    return {r.id: totals.get(r.id, 0.0) for r in scn.regions}


def _months(n: int) -> str:
    return f"{n} month{'' if n == 1 else 's'}"


def _option_summary(opt: Any, faction_names: dict[str, str]) -> str:
    """An option's decisions in one line: forces by month, the coalition, the bargain, the
    handover rule as the dynamics apply it, and local deals (factions by name)."""
    parts = []
    for force, points in opt.forces.items():
        levels = " → ".join(f"{p.troops:,} (m{p.month})" for p in points)
        parts.append(f"{force}: {levels}")
    if opt.coalition is not None:
        c = opt.coalition
        target = f"{c.target_troops:,}" if c.target_troops else "the requirement"
        parts.append(
            f"{c.command.upper()}-led coalition for {target}, ${c.budget_musd:,.0f}M/yr, "
            f"ROE {c.roe_level}, from month {c.arrival_month}"
        )
    if opt.bargain is not None:
        b = opt.bargain
        parts.append(
            f"bargain at month {b.month}, guarantor {b.guarantor}, aid ${b.aid_musd_per_year:,.0f}M/yr"
        )
    if opt.handover is not None:
        h = opt.handover
        threshold = f"{h.below_deaths_per_100k:g}/100k/month"
        if h.below_share_of_start is not None:
            threshold += (
                f" or {h.below_share_of_start:.0%} of the information-date national rate, "
                "whichever is higher,"
            )
        where = (
            f" in regions holding {h.per_region_share:.0%} of the people"
            if h.per_region_share is not None
            else ""
        )
        parts.append(
            f"handover to {h.to.upper()} from month {h.earliest_month} once deaths < "
            f"{threshold}{where} for {_months(h.sustained_months)}"
        )
    for deal in opt.local_deals:
        name = faction_names.get(deal.faction, deal.faction)
        parts.append(f"{name}: {deal.strength:.0%} stand down at month {deal.month}")
    return "; ".join(parts) if parts else "(no decisions)"


def summary(scn: Scenario) -> dict[str, Any]:
    """Everything ``grudging show`` prints, as plain data."""
    deaths = recent_deaths(scn)
    names = {f.id: f.name for f in scn.factions}
    return {
        "id": scn.id,
        "title": scn.title,
        "notes": scenario_notes(scn),
        "hash": scenario_hash(scn),
        "information_date": scn.information_date,
        "start": scn.start,
        "horizon_months": scn.horizon_months,
        "population": scn.population,
        "regions": [
            {
                "id": r.id,
                "name": r.name,
                "population": r.population,
                "majority": r.majority_group,
                "composition": r.composition,
                "fractionalization": round(r.fractionalization, 3),
                "neighbours": list(r.neighbours),
                "borders": list(r.borders),
                "host_forces": r.host_forces,
                "civilian_deaths_last_12_months": deaths[r.id],
                "sources": r.sources,
            }
            for r in scn.regions
        ],
        "nations": [n.model_dump(mode="json") for n in scn.nations],
        "factions": [f.model_dump(mode="json") for f in scn.factions],
        "options": [
            {"id": o.id, "name": o.name, "decisions": _option_summary(o, names)}
            for o in scn.options
        ],
        "commands": [c.model_dump(mode="json") for c in commands_of(scn).values()],
        "levers": [lever.model_dump(mode="json") for lever in scn.levers],
        "parameters": [p.model_dump(mode="json") for p in scn.parameters],
        "sources": [s.model_dump(mode="json") for s in scn.sources],
    }


#: A start more than this many months after the information date is worth a note.
START_GAP_NOTED = 12


def _window_notes(scn: Scenario) -> list[str]:
    """Regions whose civilian deaths are not recorded every month of the window the violence
    starts from: a month without a record counts as none (model.requirement.violence_per_100k).
    Nothing is said where only national figures exist (every region then takes their rate)."""
    from grudging.model.requirement import VIOLENCE_SERIES

    declared = [p for p in scn.parameters if p.name == "requirement.window_months"]
    if not declared:  # no requirement stage to read the window
        return []
    window = max(round(declared[0].value), 1)
    end = month_index(scn.information_date)
    recorded: dict[str, set[int]] = defaultdict(set)
    for o in scn.observations:
        m = month_index(o.month)
        if o.series == VIOLENCE_SERIES and o.region is not None and end - window < m <= end:
            recorded[o.region].add(m)
    if not recorded:
        return []
    gaps = [(r.id, len(recorded.get(r.id, ()))) for r in scn.regions]
    short = [(region, n) for region, n in gaps if n < window]
    if not short:
        return []
    listed = ", ".join(f"{region} ({n} of {window})" for region, n in short)
    return [
        f"civilian deaths are not recorded in every month of the {window} up to the information "
        f"date for {listed}: a month without a record counts as none, so the violence these "
        "regions start from (and the force they require) is the recorded deaths spread over all "
        f"{window} months; record a calm month as 0 and an unknown one from a source, or read "
        "the rate as a floor"
    ]


def _unpaid_notes(scn: Scenario) -> list[str]:
    """Money the patron would pay, in a theatre that names none: it still acts in the model (aid
    in the bargain, pay in realignment, offers in the conference) but is no one's reported cost
    (a theatre without a patron reports no ``cost_patron``)."""
    if scn.patron is not None:
        return []
    priced = any(o.cost_musd > 0 for o in scn.offers)
    notes = []
    for option in scn.options:
        paid = []
        if option.bargain is not None and option.bargain.aid_musd_per_year > 0:
            paid.append(f"aid of US${option.bargain.aid_musd_per_year:,.0f}M a year")
        if any(p.usd_per_fighter_month > 0 for p in option.payments):
            paid.append("payments to realigned fighters")
        if option.coalition is not None and priced and option.coalition.budget_musd > 0:
            paid.append(f"offers from a budget of US${option.coalition.budget_musd:,.0f}M")
        if paid:
            notes.append(
                f"option '{option.id}': {', '.join(paid)} act in the runs, but the theatre names "
                "no patron to pay them, so their cost is reported nowhere; name the payer under "
                "'patron:' to count it"
            )
    return notes


def scenario_notes(scn: Scenario) -> list[str]:
    """What a reader of this scenario's results should know that no error stops: parameters that
    keep another theatre's facts, neighbours free to serve, a coalition with no offers to make,
    money paid in a theatre with no patron to pay it, regions whose deaths are not recorded
    every month of the window, a start long after the data, a build-up that outlasts the horizon,
    and a map named but not carried."""
    from pathlib import Path

    from grudging.scenario.minimal import shared_parameters

    notes = []
    shared = {str(r["name"]): r for r in shared_parameters()}
    kept: dict[str, list[str]] = defaultdict(list)
    for p in scn.parameters:
        anchor = p.anchored_on
        record = shared.get(p.name)
        if (
            anchor is not None
            and anchor != scn.id
            and p.calibrated is None
            and record is not None
            and float(record["value"]) == p.value
        ):
            kept[anchor].append(p.name)
    for anchor, names in sorted(kept.items()):
        notes.append(
            f"{len(names)} parameters keep values that are facts of {anchor} (costs per soldier, "
            f"aid, guarantor strengths, fitted rates): {', '.join(names)}; set this theatre's "
            "own under 'parameters:' in the file, or with --set (docs/cases.md, 'Another theatre')"
        )
    if any(o.coalition is not None for o in scn.options):
        covered = {e.nation for e in scn.exclusions if e.nation is not None}
        everyone = any(e.neighbours for e in scn.exclusions)
        free = [n.id for n in scn.nations if n.neighbour and not everyone and n.id not in covered]
        if free:
            notes.append(
                f"neighbour{'s' if len(free) > 1 else ''} {', '.join(free)} may serve in the "
                "force a conference raises, anywhere in the theatre: no exclusion keeps "
                f"{'them' if len(free) > 1 else 'it'} out (add one under 'exclusions', e.g. "
                "{neighbours: true, reason: ...}, if a neighbour may not serve)"
            )
    notes.extend(_window_notes(scn))
    if any(o.coalition is not None for o in scn.options) and not scn.offers:
        notes.append(
            "no 'offers' are declared: a conference can offer the nations nothing (no pay, no "
            "concessions), so only their own interests recruit them and the budget buys nothing; "
            "add an 'offers' menu (grudging dump iraq-2007 shows the format) if the patron pays"
        )
    notes.extend(_unpaid_notes(scn))
    gap = month_index(scn.start) - month_index(scn.information_date)
    if gap > START_GAP_NOTED:
        notes.append(
            f"start {scn.start} is {gap} months after the information date "
            f"{scn.information_date}: the runs begin from the state at that date, as if nothing "
            "changed in between; bring the information date and its data forward if much did"
        )
    for option in scn.options:
        plan = option.coalition
        # The last contingent arrives by arrival_month + build_up_months - 1 (forcegen._arrival).
        if plan is not None and plan.arrival_month + plan.build_up_months > scn.horizon_months:
            notes.append(
                f"option '{option.id}': its coalition's build-up ends at month "
                f"{plan.arrival_month + plan.build_up_months - 1}, after the horizon's last "
                f"month ({scn.horizon_months - 1}): contingents that need the whole build-up "
                "never arrive in these runs (shorten build_up_months or lengthen horizon_months)"
            )
    folder = scn.base_dir
    if (
        scn.map is not None
        and folder is not None
        and not (Path(folder) / scn.map.geojson).is_file()
    ):
        notes.append(
            f"map '{scn.map.geojson}' is not in the scenario's folder (a dumped scenario does "
            "not carry it): reports and the dashboard draw no map"
        )
    return notes

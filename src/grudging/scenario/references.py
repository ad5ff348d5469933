"""Cross-reference checks of a scenario: every id it mentions exists, exactly once.

Pydantic checks each record alone; these checks look across records (a neighbour that is not a
region, a faction position on an unknown issue, an option that names a missing force). Each problem
carries the key path of the culprit so the loader can point at the file and line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from grudging.errors import GrudgingError, ScenarioError, did_you_mean, unknown_name
from grudging.scenario.commands import (
    FIELD_STAGES,
    NO_GUARANTOR,
    commands_of,
    parameter_references,
)
from grudging.scenario.nation_codes import is_nation_code
from grudging.scenario.schema import MAX_START_GAP, CourseOfAction, month_index

if TYPE_CHECKING:
    from grudging.scenario.schema import Scenario

Loc = tuple[str | int, ...]

#: Tolerance on shares that must sum to one.
SHARE_TOLERANCE = 0.02
#: Share from which a group counts as present in a region (for kin exclusions).
PRESENT_SHARE = 0.10


class ScenarioReferenceError(ScenarioError):
    """A reference that does not resolve, with the key path of the culprit."""

    def __init__(self, problems: list[tuple[Loc, str]]) -> None:
        super().__init__(problems[0][1])
        self.loc, self.message = problems[0]
        self.problems = problems


def check_references(scn: Scenario) -> None:
    """Raise :class:`ScenarioReferenceError` with every problem found, the first first."""
    problems = list(_problems(scn))
    if problems:
        raise ScenarioReferenceError(problems)


def _duplicates(kind: str, key: str, ids: list[str]) -> Iterator[tuple[Loc, str]]:
    counts = Counter(ids)
    for i, value in enumerate(ids):
        if counts[value] > 1:
            yield (
                (key, i, "name" if key in ("parameters", "levers") else "id"),
                f"duplicate {kind} id '{value}' (it appears {counts[value]} times); "
                "ids must be unique: rename or remove one",
            )
            return


#: How to add a command the shared registry lacks (a regional organisation, a lead nation).
COMMAND_HINT = "; add it under 'commands:' in the scenario or case (docs/cases.md)"


def _unknown(
    loc: Loc, kind: str, values: Iterable[str], valid: set[str]
) -> Iterator[tuple[Loc, str]]:
    for value in values:
        if value not in valid:
            hint = COMMAND_HINT if kind == "command" else ""
            yield loc, unknown_name(kind, value, valid) + hint


def _no_country(
    loc: Loc, what: str, codes: Iterable[str], nations: set[str], example: str
) -> Iterator[tuple[Loc, str]]:
    """Codes that are neither one of the scenario's nations nor a real country's (a typo)."""
    for code in codes:
        if code not in nations and not is_nation_code(code):
            yield (
                loc,
                f"{what} '{code}', which is neither one of the scenario's nations nor an ISO "
                f"3166-1 alpha-3 country code{did_you_mean(code, nations)}; correct the code "
                f"({example}",
            )


#: Observed series that count people (none can exceed the population they are counted in).
PEOPLE_SERIES = frozenset(
    {
        "civilian_deaths",
        "civilian_deaths_national",
        "civilian_deaths_unlocated",
        "internally_displaced",
        "refugees_abroad",
    }
)
#: Of those, the monthly flows: their sum over the months cannot exceed the population either.
DEATH_SERIES = frozenset(
    {"civilian_deaths", "civilian_deaths_national", "civilian_deaths_unlocated"}
)


def _problems(scn: Scenario) -> Iterator[tuple[Loc, str]]:
    groups = {g.id for g in scn.groups}
    regions = {r.id for r in scn.regions}
    nations = {n.id for n in scn.nations}
    issues = {i.id for i in scn.issues}
    roe = {r.id for r in scn.roe_levels}
    caveats = {c.id for c in scn.caveats}
    sources = {s.id for s in scn.sources}
    commands = set(commands_of(scn))
    population = {r.id: r.population for r in scn.regions}

    for kind, key, ids in (
        ("group", "groups", [g.id for g in scn.groups]),
        ("region", "regions", [r.id for r in scn.regions]),
        ("nation", "nations", [n.id for n in scn.nations]),
        ("issue", "issues", [i.id for i in scn.issues]),
        ("faction", "factions", [f.id for f in scn.factions]),
        ("force", "forces", [f.id for f in scn.forces]),
        ("offer", "offers", [o.id for o in scn.offers]),
        ("rules-of-engagement level", "roe_levels", [r.id for r in scn.roe_levels]),
        ("caveat", "caveats", [c.id for c in scn.caveats]),
        ("option", "options", [o.id for o in scn.options]),
        ("parameter", "parameters", [p.name for p in scn.parameters]),
        ("lever", "levers", [lv.name for lv in scn.levers]),
        ("outcome", "outcomes", [o.name for o in scn.outcomes]),
        ("source", "sources", [s.id for s in scn.sources]),
        ("command", "commands", [c.id for c in scn.commands]),
    ):
        yield from _duplicates(kind, key, ids)

    if scn.patron is not None and scn.nations and scn.patron not in nations:
        yield ("patron",), unknown_name("nation", scn.patron, nations)

    def source_refs(loc: Loc, refs: dict[str, str]) -> Iterator[tuple[Loc, str]]:
        for field, ref in refs.items():
            yield from source_ids((*loc, "sources", field), ref)

    def source_ids(loc: Loc, ref: str | None) -> Iterator[tuple[Loc, str]]:
        for one in (ref or "").split(";"):
            one = one.strip()
            if one and sources and one not in sources:
                yield loc, unknown_name("source", one, sources)

    info = month_index(scn.information_date)

    for i, r in enumerate(scn.regions):
        yield from _unknown(("regions", i, "composition"), "group", r.composition, groups)
        total = sum(r.composition.values())
        if abs(total - 1.0) > SHARE_TOLERANCE:
            yield (
                ("regions", i, "composition"),
                f"composition of region '{r.id}' sums to {total:.3f}; shares must sum to 1",
            )
        yield from _unknown(("regions", i, "neighbours"), "region", r.neighbours, regions)
        if r.id in r.neighbours:
            yield ("regions", i, "neighbours"), f"region '{r.id}' lists itself as a neighbour"
        yield from _no_country(
            ("regions", i, "borders"),
            f"region '{r.id}' borders",
            r.borders,
            nations,
            "e.g. SRB for Serbia) or add the nation to 'nations'",
        )
        if r.host_forces > r.population:
            yield (
                ("regions", i, "host_forces"),
                f"{r.host_forces:,} host forces in region '{r.id}' are more than its "
                f"{r.population:,} people; check the figure or the population",
            )
        yield from source_refs(("regions", i), r.sources)
    # After every unknown neighbour, so that a misspelt one is named before the asymmetry it causes.
    for i, r in enumerate(scn.regions):
        for other in r.neighbours:
            if other in regions and r.id not in scn.region(other).neighbours:
                yield (
                    ("regions", i, "neighbours"),
                    f"adjacency is not symmetric: '{r.id}' lists '{other}' as a neighbour but "
                    f"'{other}' does not list '{r.id}'; add it to both",
                )

    for i, n in enumerate(scn.nations):
        yield from _unknown(("nations", i, "kin_groups"), "group", n.kin_groups, groups)
        yield from _unknown(("nations", i, "caveats"), "caveat", n.caveats, caveats)
        if n.max_roe is not None:
            yield from _unknown(
                ("nations", i, "max_roe"), "rules-of-engagement level", [n.max_roe], roe
            )
        if n.active_personnel > n.population_millions * 1e6:
            yield (
                ("nations", i, "active_personnel"),
                f"active_personnel of nation '{n.id}' ({n.active_personnel:,}) is more than its "
                f"{n.population_millions * 1e6:,.0f} people; check the figures",
            )
        for field in ("deployed_abroad", "theatre_troops", "coalition_peak"):
            troops = getattr(n, field)
            if troops > n.active_personnel:
                yield (
                    ("nations", i, field),
                    f"{field} of nation '{n.id}' ({troops:,} troops) is more than its "
                    f"{n.active_personnel:,} active personnel, "
                    + (
                        "the forces a contingent comes from; check the figures"
                        if field == "coalition_peak"
                        else "which include them; check the figures"
                    ),
                )
        yield from source_refs(("nations", i), n.sources)

    for i, f in enumerate(scn.factions):
        if f.group is not None:
            yield from _unknown(("factions", i, "group"), "group", [f.group], groups)
        yield from _unknown(("factions", i, "regions"), "region", f.regions, regions)
        yield from _unknown(("factions", i, "positions"), "issue", f.positions, issues)
        yield from _unknown(("factions", i, "salience"), "issue", f.salience, issues)
        for missing in sorted(issues - set(f.positions)):
            yield (
                ("factions", i, "positions"),
                f"faction '{f.id}' has no position on issue '{missing}'; give one (0-100)",
            )
        for missing in sorted(issues - set(f.salience)):
            yield (
                ("factions", i, "salience"),
                f"faction '{f.id}' has no salience for issue '{missing}'; give one (0-1)",
            )
        if all(region in regions for region in f.regions):
            home = list(dict.fromkeys(f.regions)) or [r.id for r in scn.regions]
            home_people = sum(population[region] for region in home)
            where = f"its regions ({', '.join(home)})" if f.regions else "the theatre"
            if f.fighters > home_people:
                yield (
                    ("factions", i, "fighters"),
                    f"{f.fighters:,} fighters of faction '{f.id}' are more than the "
                    f"{home_people:,} people of {where}; check the figure, its regions or their "
                    "population",
                )
        yield from source_refs(("factions", i), f.sources)

    timetables = [
        i for i, issue in enumerate(scn.issues) if issue.presence_years_at_low is not None
    ]
    for i in timetables[1:]:
        yield (
            ("issues", i, "presence_years_at_low"),
            f"issues {', '.join(scn.issues[k].id for k in timetables)} all give "
            "'presence_years_at_low'; only the one issue that is the timetable of foreign troops "
            "may: remove it from the others",
        )

    for i, force in enumerate(scn.forces):
        if force.nation is not None and scn.nations:
            yield from _unknown(("forces", i, "nation"), "nation", [force.nation], nations)
        yield from _unknown(("forces", i, "command"), "command", [force.command], commands)
        for j, level in enumerate(force.history):
            if month_index(level.month) > info:
                yield (
                    ("forces", i, "history", j, "month"),
                    f"troops of force '{force.id}' for {level.month} are after the information "
                    f"date {scn.information_date}; data after that date is for testing, never for "
                    "input: drop the row (what happened later belongs in the timeline of an "
                    "option marked 'historical: true')",
                )
            yield from source_ids(("forces", i, "history", j, "source"), level.source)
            yield from _force_size(scn, ("forces", i, "history", j, "troops"), force.id, level)

    yield from _command_problems(scn)

    for i, ex in enumerate(scn.exclusions):
        if ex.nation is None and not ex.neighbours:
            yield (
                ("exclusions", i),
                "an exclusion names no one: give 'nation' or 'neighbours: true'",
            )
        if ex.nation is not None and scn.nations:
            yield from _unknown(("exclusions", i, "nation"), "nation", [ex.nation], nations)
        yield from _unknown(("exclusions", i, "regions"), "region", ex.regions, regions)
        yield from _unknown(
            ("exclusions", i, "majority_groups"), "group", ex.majority_groups, groups
        )
        if not (ex.regions or ex.majority_groups or ex.kin_regions or ex.everywhere):
            yield (
                ("exclusions", i),
                "an exclusion names no region: give 'regions', 'majority_groups', "
                "'kin_regions: true' or 'everywhere: true'",
            )

    for i, opt in enumerate(scn.options):
        yield from _option_problems(scn, ("options", i), opt, "")

    yield from _lever_problems(scn)

    from grudging.model.outcomes import declaration_problem

    for i, decl in enumerate(scn.outcomes):
        problem = declaration_problem(decl.name, decl.unit, decl.direction)
        if problem is not None:
            yield ("outcomes", i), problem

    if month_index(scn.start) <= info:
        yield (
            ("start",),
            f"start {scn.start} is not after the information date {scn.information_date}; "
            "the simulation must begin after the last month of data",
        )
    elif month_index(scn.start) - info > MAX_START_GAP:
        yield (
            ("start",),
            f"start {scn.start} is more than {MAX_START_GAP} months after the information date "
            f"{scn.information_date}; the model starts from the state at that date: move 'start' "
            "closer or update the data",
        )
    total_population = sum(population.values())
    for i, obs in enumerate(scn.observations):
        if month_index(obs.month) > info:
            yield (
                ("observations", i, "month"),
                f"observation of '{obs.series}' for {obs.month} is after the information date "
                f"{scn.information_date}; data after that date is for testing, never for input",
            )
        if obs.region is not None:
            yield from _unknown(("observations", i, "region"), "region", [obs.region], regions)
        yield from source_ids(("observations", i, "source"), obs.source)
        people = population.get(obs.region) if obs.region is not None else total_population
        if obs.series in PEOPLE_SERIES and people is not None and obs.value > people:
            where = f"region '{obs.region}'" if obs.region is not None else "the theatre"
            yield (
                ("observations", i, "value"),
                f"{obs.value:,.0f} {obs.series.replace('_', ' ')} in {obs.month} is more than "
                f"the {people:,} people of {where}; check the figure or the population",
            )
    # The dead die once: a series' deaths summed over its months stay within the population.
    dead: dict[tuple[str, str | None], float] = {}
    flagged: set[tuple[str, str | None]] = set()
    for i, obs in enumerate(scn.observations):
        series = (obs.series, obs.region)
        people = population.get(obs.region) if obs.region is not None else total_population
        if obs.series not in DEATH_SERIES or people is None or series in flagged:
            continue
        if obs.value > people:  # reported above, month by month
            flagged.add(series)
            continue
        dead[series] = dead.get(series, 0.0) + obs.value
        if dead[series] > people:
            flagged.add(series)
            where = f"region '{obs.region}'" if obs.region is not None else "the theatre"
            yield (
                ("observations", i, "value"),
                f"{obs.series.replace('_', ' ')} of {where} sum to {dead[series]:,.0f} by "
                f"{obs.month}, more than its {people:,} people; check the figures or the "
                "population",
            )


def _option_problems(
    scn: Scenario, loc: Loc, opt: CourseOfAction, context: str
) -> Iterator[tuple[Loc, str]]:
    """Problems of one course of action (``context`` prefixes each message, e.g. a lever)."""
    for where, message in _option_problems_bare(scn, loc, opt):
        yield where, context + message


def _option_problems_bare(
    scn: Scenario, loc: Loc, opt: CourseOfAction
) -> Iterator[tuple[Loc, str]]:
    forces = {f.id for f in scn.forces}
    offers = {o.id for o in scn.offers}
    roe = {r.id for r in scn.roe_levels}
    factions = {f.id for f in scn.factions}
    yield from _unknown((*loc, "forces"), "force", opt.forces, forces)
    commands = set(commands_of(scn))
    if opt.coalition is not None:
        yield from _unknown(
            (*loc, "coalition", "command"), "command", [opt.coalition.command], commands
        )
    if opt.handover is not None:
        yield from _unknown((*loc, "handover", "to"), "command", [opt.handover.to], commands)
    if opt.bargain is not None and opt.bargain.guarantor != NO_GUARANTOR:
        guarantors = [NO_GUARANTOR, *(c.id for c in commands_of(scn).values() if c.guarantees)]
        if opt.bargain.guarantor not in guarantors:
            yield (
                (*loc, "bargain", "guarantor"),
                unknown_name("guarantor", opt.bargain.guarantor, guarantors)
                + " (a command guarantees only when its registry entry says 'guarantees: true')",
            )
        else:
            from grudging.model.bargain.params import BargainParams, guarantor_figures

            try:  # each figure a number or a guarantee parameter of the bargain stage
                guarantor_figures(opt.bargain.guarantor, BargainParams(), commands_of(scn))
            except GrudgingError as err:
                yield (
                    (*loc, "bargain", "guarantor"),
                    f"guarantor '{opt.bargain.guarantor}': {err}",
                )
    if opt.coalition is not None:
        yield from _unknown(
            (*loc, "coalition", "roe_level"),
            "rules-of-engagement level",
            [opt.coalition.roe_level],
            roe,
        )
        if opt.coalition.offers is not None:
            yield from _unknown(
                (*loc, "coalition", "offers"), "offer", opt.coalition.offers, offers
            )
        if not scn.nations:
            yield (
                (*loc, "coalition"),
                f"option '{opt.id}' generates a coalition but the scenario has no nations (is "
                "its 'nations' table empty?); list the candidate nations, one row each",
            )
    if opt.bargain is not None and not scn.factions:
        yield (
            (*loc, "bargain"),
            f"option '{opt.id}' attempts a bargain but the scenario has no factions; list the "
            "factions under 'factions:' or set the option's 'bargain: null'",
        )
    for j, deal in enumerate(opt.local_deals):
        yield from _unknown(
            (*loc, "local_deals", j, "faction"), "faction", [deal.faction], factions
        )
    horizon = scn.horizon_months
    late = f"must fall before the horizon (horizon_months {horizon}); use a month below {horizon}"
    if opt.other_forces:
        months = [p.month for p in opt.other_forces]
        if months != sorted(months):
            yield (
                (*loc, "other_forces"),
                f"timeline 'other_forces' of option '{opt.id}' is not in month order; sort its "
                "entries by month",
            )
        elif (repeated := _repeated_month(months)) is not None:
            yield (
                (*loc, "other_forces"),
                f"timeline 'other_forces' of option '{opt.id}' gives month {repeated} twice; "
                "give one share a month",
            )
        elif months[-1] >= horizon:
            yield (*loc, "other_forces"), f"month {months[-1]} of 'other_forces' {late}"
    if opt.coalition is not None and opt.coalition.arrival_month >= horizon:
        yield (
            (*loc, "coalition", "arrival_month"),
            f"arrival_month {opt.coalition.arrival_month} {late}",
        )
    if opt.bargain is not None and opt.bargain.month >= horizon:
        yield (*loc, "bargain", "month"), f"bargain month {opt.bargain.month} {late}"
    if opt.handover is not None and opt.handover.earliest_month >= horizon:
        yield (
            (*loc, "handover", "earliest_month"),
            f"handover earliest_month {opt.handover.earliest_month} {late}",
        )
    for j, deal in enumerate(opt.local_deals):
        if deal.month >= horizon:
            yield (*loc, "local_deals", j, "month"), f"local deal month {deal.month} {late}"
    for j, pay in enumerate(opt.payments):
        if pay.month >= horizon:
            yield (*loc, "payments", j, "month"), f"payment month {pay.month} {late}"
    for force_id, points in opt.forces.items():
        if not points:
            yield (
                (*loc, "forces", force_id),
                f"timeline of force '{force_id}' in option '{opt.id}' is empty; give at least "
                "one point, e.g. [{month: 0, troops: 1000}], or remove the force to hold its level",
            )
            continue
        months = [p.month for p in points]
        if months != sorted(months):
            yield (
                (*loc, "forces", force_id),
                f"timeline of force '{force_id}' in option '{opt.id}' is not in month order; sort "
                "its points by month",
            )
        elif (repeated := _repeated_month(months)) is not None:
            yield (
                (*loc, "forces", force_id),
                f"timeline of force '{force_id}' in option '{opt.id}' gives month {repeated} "
                "twice; give one troop level a month",
            )
        for j, point in enumerate(points):
            yield from _force_size(scn, (*loc, "forces", force_id, j, "troops"), force_id, point)
        if points and points[-1].month >= scn.horizon_months:
            yield (
                (*loc, "forces", force_id),
                f"timeline of force '{force_id}' in option '{opt.id}' goes past the horizon "
                f"(month {points[-1].month} >= horizon_months {horizon}); use a month below "
                f"{horizon}",
            )


def _repeated_month(months: list[int]) -> int | None:
    """The first month that a sorted timeline gives twice, or None."""
    return next((m for m, n in pairwise(months) if m == n), None)


def _force_size(scn: Scenario, loc: Loc, force_id: str, level: Any) -> Iterator[tuple[Loc, str]]:
    """A force's troops at one month: within the theatre's population and its nation's army."""
    people = sum(r.population for r in scn.regions)
    if scn.regions and level.troops > people:
        yield (
            loc,
            f"{level.troops:,} troops of force '{force_id}' in month {level.month} are more than "
            f"the theatre's {people:,} people; check the figure",
        )
        return
    force = next((f for f in scn.forces if f.id == force_id), None)
    nation = force.nation if force is not None else None
    army = next((n.active_personnel for n in scn.nations if n.id == nation), None)
    if army is not None and level.troops > army:
        yield (
            loc,
            f"{level.troops:,} troops of force '{force_id}' in month {level.month} are more than "
            f"the {army:,} active personnel of its nation '{nation}'; check the figure",
        )


def _lever_problems(scn: Scenario) -> Iterator[tuple[Loc, str]]:
    """Every lever reaches an option, and each of its extreme values leaves the option valid."""
    from pydantic import ValidationError

    from grudging.scenario.levers import apply_levers, lever_reaches

    options = {o.id: o for o in scn.options}
    for i, lever in enumerate(scn.levers):
        loc: Loc = ("levers", i)
        bad = None
        for path in lever.paths:
            target = path.split(".")[1]
            if target != "*" and target not in options:
                bad = f"lever '{lever.name}': {unknown_name('option', target, options)}"
            elif target != "*" and options[target].historical:
                bad = (
                    f"lever '{lever.name}': option '{target}' replays history; levers change "
                    "only options that are decisions"
                )
            if bad:
                break
        if bad:
            yield (*loc, "path"), bad
            continue
        reached = [o for o in scn.options if lever_reaches(lever, o)]
        if not reached:
            yield (
                (*loc, "path"),
                (
                    f"lever '{lever.name}': {', '.join(lever.paths)} reaches no option (no option "
                    "other than a historical replay has that key"
                    + (" with a timeline that draws down" if lever.effect == "timeline_end" else "")
                    + "); correct the path"
                ),
            )
            continue
        values: list[object] = (
            list(lever.choices) if lever.kind == "categorical" else [lever.low, lever.high]
        )
        for opt in reached:
            for value in values:
                context = f"lever '{lever.name}' = {value} in option '{opt.id}': "
                try:
                    changed = apply_levers(opt, [(lever, value)])
                except (ScenarioError, ValidationError) as err:
                    yield loc, context + str(err)
                    break
                problems = list(_option_problems(scn, loc, changed, context))
                if problems:
                    yield loc, problems[0][1]
                    break


def _command_problems(scn: Scenario) -> Iterator[tuple[Loc, str]]:
    """A scenario's own commands name parameters it declares, of the stage that reads them."""
    declared = {p.name for p in scn.parameters}
    nations = {n.id for n in scn.nations}
    for i, command in enumerate(scn.commands):
        yield from _no_country(
            ("commands", i, "member_nations"),
            f"command '{command.id}' lists member",
            command.member_nations,
            nations,
            "e.g. ZAF for South Africa)",
        )
        for field, name in parameter_references(command):
            stage = FIELD_STAGES[field]
            where: Loc = ("commands", i, *field.split("."))
            if not name.startswith(stage + "."):
                yield (
                    where,
                    (
                        f"command '{command.id}': {field} names '{name}', not a {stage} parameter; "
                        f"give a number or a '{stage}.*' parameter"
                    ),
                )
            elif declared and name not in declared:
                yield where, f"command '{command.id}': " + unknown_name("parameter", name, declared)

"""The minimal case format: one past or future operation in a few tens of lines of YAML.

A file marked ``format: case`` names a theatre by a handful of facts (population, the violence of
the war just ended, whether an agreement is in place, whether the intervener is seen as a party,
the force) and leaves everything else to documented defaults; :func:`expand_case` turns it into
the raw data of a full scenario, which then validates and runs like any other. Every parameter
comes from the shared default set (``grudging/scenarios/common/parameters``) unless the case's
``parameters:`` mapping overrides its value. The coding rules and the source of every default are
in ``docs/design-notes/cases.md``.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from grudging.errors import ScenarioError, did_you_mean
from grudging.scenario.schema import (
    MAX_AREA_KM2,
    MAX_PEOPLE,
    MAX_TROOPS,
    CommandType,
    Float,
    Identifier,
    Int,
    Month,
    Position,
    Scenario,
    Share,
    month_index,
    month_label,
)
from grudging.scenario.yaml_input import (
    VALUE_FIXES,
    Loc,
    SourceMap,
    more_problems,
    parse_yaml,
    pattern_message,
)

#: The value of ``format`` that marks a minimal case.
CASE_FORMAT = "case"
#: The source id of what a case makes from its own coding (its monthly observations).
CASE_SOURCE = "case"
#: The shared default parameter set, one file per stage (package ``grudging.scenarios``).
SHARED_PARAMETER_FILES = (
    "requirement",
    "willingness",
    "forcegen",
    "roe",
    "sectors",
    "bargain",
    "dynamics",
)

#: Defaults of the generic inputs (sources in docs/design-notes/cases.md, section 1).
DEFAULT_FIGHTERS_PER_1000 = 8.0
"""iraq-2007's coded factions: 213,000 fighters in about 27 million people (ISG 2006 et al.)."""
DEFAULT_COMPOSITION = {"group_a": 0.45, "group_b": 0.35, "group_c": 0.20}
"""Fractionalization 0.635, the median (0.64) of Walter (2015) ``ethfrac`` over post-war episodes."""
FactionRole = Literal["government", "opposition"]
DEFAULT_POSITIONS: dict[FactionRole, float] = {"government": 25.0, "opposition": 75.0}
"""Judgement: only a bargain reads positions, and a minimal case has none."""
HOSTILITY_GOVERNMENT = 0.15
"""iraq-2007's governing parties (ISG 2006)."""
HOSTILITY_OPPOSITION = 0.5
"""The scenario schema's default hostility to foreign forces."""
HOSTILITY_PARTY = 0.95
"""iraq-2007's nationalist insurgents, who fought the coalition (ICG 2006)."""
PARTY_RECRUITMENT = 1.5
"""Fighters of the faction an intervener seen as a party fought, times this (judgement; Kalyvas
2006 ch. 6, Regan 2002 JCR 46(1) for the direction)."""
CEASEFIRE_DEATHS_PER_YEAR = 25.0
"""Deaths a year a cease-fire leaves at its start: below UCDP/PRIO's 25 battle deaths a year a
conflict is inactive (Gleditsch et al. 2002, JPR 39(5))."""
PEOPLE_PER_KM2 = 50.0
"""Placeholder density for the region's area (the dynamics do not read area)."""
DEFAULT_HORIZON = 24


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class CaseForce(_Strict):
    """The operation: who commands it, its planned strength and when it arrives."""

    name: str
    command: CommandType = "un"
    troops: Annotated[Int, Field(ge=0, le=MAX_TROOPS)]
    present_at_start: Annotated[Int, Field(ge=0, le=MAX_TROOPS)] = 0
    arrival_month: Annotated[Int, Field(ge=0, le=120)] = 0
    build_up_months: Annotated[Int, Field(ge=1, le=120)] = 3


#: The keys of a case that state a fact or a judgement about the theatre: each one a case writes
#: needs a source under ``sources`` (docs/design-notes/cases.md: "one source per field given").
SOURCED_KEYS = (
    "start",
    "population",
    "recent_deaths_per_year",
    "fighters_per_1000",
    "composition",
    "host_forces",
    "force",
    "agreement",
    "intervener_party",
    "ceasefire",
    "ended_by",
    "spoiler",
)
#: A year's deaths above this share of the population is worth a note: Rwanda's genocide, the
#: worst year of any war since 1945 as a share, killed about a tenth of the people in 1994.
DEATHS_SHARE_NOTED = 0.10
#: The citation ``grudging new`` writes for every figure, to be replaced.
PLACEHOLDER_SOURCE = "where the figure comes from"


class CaseOutcome(_Strict):
    """The recorded outcome (read only by ``grudging cases``)."""

    large_scale_violence_2y: bool
    source: str


class Case(_Strict):
    """A minimal case, validated before it is expanded into a scenario."""

    format: Literal["case"]
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9\-]*$")]
    title: str
    description: str = ""
    start: Month
    horizon_months: Annotated[Int, Field(ge=1, le=240)] = DEFAULT_HORIZON
    population: Annotated[Int, Field(gt=0, le=MAX_PEOPLE)]
    recent_deaths_per_year: Annotated[Float, Field(ge=0, le=MAX_PEOPLE)]
    #: The deaths figure includes fighting after the start (a war total spanning a later
    #: episode): ``grudging cases`` scores such cases apart (LEAK).
    deaths_include_later: bool = False
    fighters_per_1000: Annotated[Float, Field(ge=0, le=1000)] = DEFAULT_FIGHTERS_PER_1000
    composition: dict[Identifier, Share] = Field(default_factory=lambda: dict(DEFAULT_COMPOSITION))
    positions: dict[FactionRole, Position] = Field(default_factory=lambda: dict(DEFAULT_POSITIONS))
    agreement: bool
    ended_by: Literal["truce", "settlement", "victory"] | None = None
    intervener_party: bool
    ceasefire: bool = False
    spoiler: bool = False
    host_forces: Annotated[Int, Field(ge=0, le=MAX_TROOPS)] = 0
    force: CaseForce | Literal["none"]
    sources: dict[str, str] = Field(default_factory=dict)
    outcome: CaseOutcome | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    # Commands the shared registry lacks (a regional organisation, a lead nation), in the
    # scenario format's ``commands:`` records; checked when the case is expanded.
    commands: list[dict[str, Any]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _composition_sums_to_one(self) -> Case:
        total = sum(self.composition.values())
        if len(self.composition) < 2 or abs(total - 1.0) > 0.01:
            raise ValueError(
                f"composition: give at least two groups whose shares sum to 1 (got "
                f"{len(self.composition)} summing to {total:.3f})"
            )
        return self

    @model_validator(mode="after")
    def _force_arrives_within_the_horizon(self) -> Case:
        if self.force != "none" and self.force.arrival_month >= self.horizon_months:
            raise ValueError(
                f"force.arrival_month: the force arrives in month {self.force.arrival_month}, "
                f"after the last month simulated ({self.horizon_months - 1}; horizon_months "
                f"{self.horizon_months}); let it arrive earlier or lengthen horizon_months"
            )
        return self

    @model_validator(mode="after")
    def _outcome_already_recorded(self) -> Case:
        # the outcome covers the two years from the start: they must be over
        today = datetime.date.today()
        over = month_index(self.start) + 24 <= today.year * 12 + today.month - 1
        if self.outcome is not None and not over:
            raise ValueError(
                f"outcome: the two years from {self.start} are not over, so their outcome cannot "
                "be recorded yet; check the start, or leave the outcome out"
            )
        return self

    @model_validator(mode="after")
    def _deaths_within_population(self) -> Case:
        if self.recent_deaths_per_year > self.population:
            raise ValueError(
                f"recent_deaths_per_year: {self.recent_deaths_per_year:,.0f} deaths a year is "
                f"more than the {self.population:,} people living there; check the figure or the "
                "population"
            )
        return self

    @model_validator(mode="after")
    def _forces_within_population(self) -> Case:
        force = 0 if self.force == "none" else max(self.force.troops, self.force.present_at_start)
        for key, count, what in (
            ("host_forces", self.host_forces, "host forces"),
            ("force.troops", force, "troops"),
        ):
            if count > self.population:
                raise ValueError(
                    f"{key}: {count:,} {what} are more than the {self.population:,} people "
                    "living there; check the figure or the population"
                )
        return self

    @model_validator(mode="after")
    def _fighters_within_population(self) -> Case:
        # the opposition's half of the fighters is recruited up when the intervener is a party
        factor = 0.5 * (1.0 + (PARTY_RECRUITMENT if self.intervener_party else 1.0))
        fighters = self.population * self.fighters_per_1000 / 1000.0 * factor
        if fighters > self.population:
            why = " with the opposition's half times 1.5 (the intervener is a party)"
            raise ValueError(
                f"fighters_per_1000: {self.fighters_per_1000:g} per 1,000 makes {fighters:,.0f} "
                f"fighters{why if self.intervener_party else ''}, more than the "
                f"{self.population:,} people living there; give at most "
                f"{1000.0 / factor:.0f} per 1,000"
            )
        return self

    @model_validator(mode="after")
    def _ending_matches_agreement(self) -> Case:
        if self.ended_by is not None and (self.ended_by == "settlement") != self.agreement:
            raise ValueError(
                f"ended_by: '{self.ended_by}' contradicts agreement: "
                f"{'true' if self.agreement else 'false'} (a settlement is a signed agreement; a "
                "truce or a victory is not): change one of them"
            )
        return self

    @model_validator(mode="after")
    def _force_or_agreement(self) -> Case:
        if self.force == "none" and self.agreement:
            raise ValueError(
                "force: a case with an agreement needs the force that guarantees it; give "
                "force: {name, command, troops} (or agreement: false)"
            )
        return self


#: Keys only a minimal case has (a full scenario has none of them).
CASE_ONLY_KEYS = frozenset(Case.model_fields) - frozenset(Scenario.model_fields) - {"format"}


def is_case(data: Any, smap: SourceMap | None = None) -> bool:
    """Whether raw YAML data is a minimal case (``format: case``); with ``smap``, any other
    ``format`` is refused, located (a full scenario has no ``format`` key)."""
    if not isinstance(data, dict):
        return False
    if smap is not None and "format" in data and data["format"] != CASE_FORMAT:
        raise ScenarioError(
            f"{_where(smap, ('format',))}: format: {data['format']!r} is not a format grudging "
            f"reads; write 'format: {CASE_FORMAT}' for a minimal case, or leave 'format' out "
            "for a full scenario"
        )
    if smap is not None and "format" not in data:
        own = [key for key in data if key in CASE_ONLY_KEYS]
        if own:
            raise ScenarioError(
                f"{_where(smap, (own[0],))}: format: required key is missing: the file has keys "
                f"of a minimal case ({', '.join(own[:3])}{', ...' if len(own) > 3 else ''}); add "
                f"'format: {CASE_FORMAT}' as its first line (a full scenario has no such keys)"
            )
    return data.get("format") == CASE_FORMAT


def _where(smap: SourceMap, loc: Loc) -> str:
    file, line = smap.locate(loc)
    return f"{file}:{line}" if line else file


#: What a case's record keys hold, for a value that is not a record.
RECORD_HINTS = {
    "force": "give the force as a record, force: {name: ..., command: un, troops: ...}, or "
    "force: none for an operation with no force",
    "outcome": "give the record, outcome: {large_scale_violence_2y: true or false, source: ...}",
}


def parse_case(data: dict[str, Any], smap: SourceMap) -> Case:
    """Validate raw case data, raising one located :class:`ScenarioError` on failure (with one
    message per problem in its ``every``)."""
    try:
        return Case.model_validate(data)
    except ValidationError as err:
        # A bad force mapping also fails the other branch of the union (the word 'none'): count
        # and show the mapping's own problems.
        errors = [e for e in err.errors() if "literal['none']" not in e["loc"]] or err.errors()
        # A misspelt key explains the missing one it was meant to be: report it first.
        errors.sort(key=lambda e: e["type"] != "extra_forbidden")
        messages: list[str] = []
        for error in errors:
            message = _case_message(error, smap)
            if message not in messages:
                messages.append(message)
    raise ScenarioError(messages[0] + more_problems(len(messages) - 1), every=messages) from None


def _case_message(error: Any, smap: SourceMap) -> str:
    """The located message of one pydantic error of a case file."""
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
    # Drop pydantic's union branch names (CaseForce / literal['none']).
    loc = tuple(p for p in loc if p not in ("CaseForce", "literal['none']", "CaseOutcome"))
    path = ".".join(str(p) for p in loc) or "case"
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        records: dict[str, type[_Strict]] = {"force": CaseForce, "outcome": CaseOutcome}
        model = records.get(str(loc[0]), Case)
        fields = list(model.model_fields if len(loc) > 1 else Case.model_fields)
        hint = did_you_mean(key, fields)
        return (
            f"{_where(smap, loc)}: {path}: unknown key '{key}'{hint}; valid keys: "
            f"{', '.join(fields)}; remove or rename it"
        )
    if kind == "missing":
        template = (
            "docs/cases.md: outcome: {large_scale_violence_2y: true or false, source: ...}"
            if loc[:1] == ("outcome",)
            else "'grudging new NAME' for a template"
        )
        return f"{_where(smap, loc)}: {path}: required key is missing; add it (see {template})"
    msg = str(error["msg"]).removeprefix("Value error, ")
    if kind == "model_type" and loc in (("force",), ("outcome",)):
        msg = RECORD_HINTS[loc[0]]
    head = msg.split(":", 1)[0]
    # a check across keys names its key first ("force.arrival_month: ...")
    if not loc and head.split(".")[0] in Case.model_fields:
        loc, msg = tuple(head.split(".")), msg.split(":", 1)[1].strip()
        path = head
    value = error.get("input")
    if isinstance(value, datetime.date):  # YAML reads 2013-07-01 as a date
        value = value.isoformat()
    shown = f" {value!r}" if not isinstance(value, dict | list) and value is not None else ""
    bad = f"bad value{shown}: " if shown else ""
    if kind == "string_pattern_mismatch":
        msg = pattern_message(str(error.get("ctx", {}).get("pattern", "")))
    fix = VALUE_FIXES.get(kind)
    fix_text = f"; {fix}" if fix and fix not in msg else ""
    return f"{_where(smap, loc)}: {path}: {bad}{msg}{fix_text}"


def shared_parameters() -> list[dict[str, Any]]:
    """The raw records of the shared default parameter set, in stage order."""
    out: list[dict[str, Any]] = []
    root = resources.files("grudging.scenarios").joinpath("common", "parameters")
    for stage in SHARED_PARAMETER_FILES:
        text = root.joinpath(f"{stage}.yaml").read_text(encoding="utf-8")
        data, _ = parse_yaml(text, f"common/parameters/{stage}.yaml")
        out.extend(dict(rec) for rec in data or [])
    return out


def _yaml_number(value: Any) -> Any:
    """A number YAML read as text (``1e300`` has no dot, so YAML 1.1 takes it for a string), as
    every other figure of a scenario reads it; anything else unchanged."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return number if math.isfinite(number) else value
    return value


def parameters_with_overrides(
    overrides: dict[str, Any], smap: SourceMap, key: str = "parameters"
) -> list[dict[str, Any]]:
    """The shared default set with the values in ``overrides`` put in (checked and located)."""
    records = shared_parameters()
    index = {str(r["name"]): i for i, r in enumerate(records)}
    for name, value in overrides.items():
        where = _where(smap, (key, name))
        if name not in index:
            raise ScenarioError(
                f"{where}: {key}.{name}: the model reads no parameter '{name}'"
                f"{did_you_mean(name, list(index))}; correct the name or remove it"
            )
        value = _yaml_number(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ScenarioError(
                f"{where}: {key}.{name}: bad value {value!r}: the default "
                f"{records[index[name]]['value']} is a number, so an override must be a number "
                f"(write e.g. {name}: {records[index[name]]['value']})"
            )
        rec = records[index[name]]
        if not math.isfinite(value):
            raise ScenarioError(
                f"{where}: {key}.{name}: bad value {value!r}: give a finite number inside the "
                f"declared range [{rec['low']}, {rec['high']}]"
            )
        if not float(rec["low"]) <= float(value) <= float(rec["high"]):
            bound = "low" if float(value) < float(rec["low"]) else "high"
            raise ScenarioError(
                f"{where}: {key}.{name}: bad value {value!r}: outside the declared range "
                f"[{rec['low']}, {rec['high']}]; give a value inside it, or remove it here and "
                f"widen the range at run time (--set parameters.{name}.{bound}={value} --set "
                f"{name}={value})"
            )
        records[index[name]] = {**rec, "value": float(value)}
    return records


def _timeline(force: CaseForce, horizon: int) -> list[dict[str, int]]:
    """Troops by month: the level present at month 0, then a linear build-up to ``troops``."""
    points = [{"month": 0, "troops": force.present_at_start}]
    start = force.arrival_month
    end = start + force.build_up_months
    troops = force.troops
    if end > horizon - 1:  # the build-up outlasts the run: its level in the last month
        reached = (horizon - 1 - start) / force.build_up_months
        troops = round(force.present_at_start + (force.troops - force.present_at_start) * reached)
        end = horizon - 1
    if start > 0:
        points.append({"month": start, "troops": force.present_at_start})
    if end > start:
        points.append({"month": end, "troops": troops})
    elif start == 0:
        points[0] = {"month": 0, "troops": force.troops}
    return points


def case_keys(data: dict[str, Any], overrides: Sequence[str]) -> list[str]:
    """The ``--set`` assignments that name a key of the minimal case ``data`` itself
    (``population=...``, ``force.troops=...``), in their order; the others (a parameter, a key
    of the scenario the case expands into) apply after it is expanded."""
    own = set(Case.model_fields) - {"parameters"}
    return [a for a in overrides if a.partition("=")[0].strip().split(".", 1)[0] in own]


def case_notes(case: Case) -> list[str]:
    """What a reader of a case should know that no error stops: figures given without a source
    (or with the template's placeholder), a source for a key the case does not have, a command
    without a source, a force present beyond its plan (it draws down), a year's deaths beyond a
    tenth of the people, and an agreement with no spoiler (nobody is left to attack the force)."""
    notes = []
    given = [
        k
        for k in SOURCED_KEYS
        if k in case.model_fields_set and not (k == "force" and case.force == "none")
    ]
    missing = [k for k in given if not case.sources.get(k, "").strip()]
    if missing:
        notes.append(
            f"no source for {', '.join(missing)}: give each figure's under 'sources' (e.g. "
            f'{missing[0]}: "the report, table and year it comes from")'
        )
    placeholder = [k for k, v in case.sources.items() if PLACEHOLDER_SOURCE in v]
    if placeholder:
        notes.append(
            f"the sources of {', '.join(placeholder)} still read '{PLACEHOLDER_SOURCE}': the "
            "figures are the template's placeholders until you write your own with their sources"
        )
    keys = list(Case.model_fields)
    for key in case.sources:
        if key not in keys:
            notes.append(
                f"sources names '{key}', which is not a key of a case{did_you_mean(key, keys)}; "
                "correct the name so the source stays with its figure"
            )
    for command in case.commands:
        if isinstance(command, dict) and not str(command.get("source") or "").strip():
            notes.append(
                f"command '{command.get('id')}' has no source: give its figures' under 'source'"
            )
    if isinstance(case.force, CaseForce) and case.force.present_at_start > case.force.troops:
        notes.append(
            f"force: {case.force.present_at_start:,} troops present at the start and "
            f"{case.force.troops:,} planned: the force draws down to its planned strength over "
            "its build-up (write troops as the strength it reaches, if it grows)"
        )
    share = case.recent_deaths_per_year / case.population
    if share > DEATHS_SHARE_NOTED:
        notes.append(
            f"recent_deaths_per_year: {case.recent_deaths_per_year:,.0f} a year is {share:.0%} of "
            f"the {case.population:,} people living there, more than the worst wars since 1945 "
            "kept up for a year (Rwanda 1994: about a tenth); check the figure or the population"
        )
    if case.agreement and not case.spoiler and case.force != "none":
        notes.append(
            "agreement: true with no spoiler: every faction stands down at the start, so none "
            "attacks the force (its troop deaths are 0) unless the war resumes and breaks the "
            "agreement; write spoiler: true where an armed group stayed outside the agreement"
        )
    return notes


def expand_case(data: dict[str, Any], smap: SourceMap) -> dict[str, Any]:
    """Raw data of the full scenario a minimal case stands for (coding rules: design note)."""
    case = parse_case(data, smap)
    info = month_label(month_index(case.start) - 1)
    groups = sorted(case.composition, key=lambda g: (-case.composition[g], g))
    fighters = round(case.population * case.fighters_per_1000 / 1000.0)
    src = case.sources
    factions = []
    for k, (fid, name) in enumerate((("government", "Government"), ("opposition", "Opposition"))):
        party = fid == "opposition" and case.intervener_party
        hostility = (
            HOSTILITY_PARTY if party else (HOSTILITY_GOVERNMENT if k == 0 else HOSTILITY_OPPOSITION)
        )
        factions.append(
            {
                "id": fid,
                "name": name,
                "group": groups[min(k, len(groups) - 1)],
                "capability": 0.5,
                "fighters": round(fighters // 2 * (PARTY_RECRUITMENT if party else 1.0)),
                "positions": {"power": case.positions[fid]},  # type: ignore[index]
                "salience": {"power": 1.0},
                "spoiler": fid == "opposition" and case.spoiler,
                "hostility_to_foreign_forces": hostility,
            }
        )
    observations = [
        {
            "series": "civilian_deaths",
            "month": month_label(month_index(info) - k),
            "region": "theatre",
            "value": (CEASEFIRE_DEATHS_PER_YEAR if case.ceasefire else case.recent_deaths_per_year)
            / 12.0,
            "source": CASE_SOURCE,
        }
        for k in range(12)
    ]
    option: dict[str, Any] = {
        "id": "as_deployed",
        "name": "The operation as planned at the start",
        "historical": True,
    }
    forces: list[dict[str, Any]] = []
    if isinstance(case.force, CaseForce):
        forces.append(
            {
                "id": "force",
                "name": case.force.name,
                "command": case.force.command,
                "history": [{"month": info, "troops": case.force.present_at_start}],
            }
        )
        option["forces"] = {"force": _timeline(case.force, case.horizon_months)}
    if case.agreement:
        option["local_deals"] = [
            {"faction": f["id"], "month": 0, "strength": 1.0, "description": "agreement"}
            for f in factions
            if not f["spoiler"]
        ]
    citations = sorted(set(src.values()))
    sources = [{"id": f"S{k + 1}", "citation": text} for k, text in enumerate(citations)]
    sources.append({"id": CASE_SOURCE, "citation": "The case file's own coding (see its sources)"})
    scenario = {
        "schema_version": 1,
        "id": case.id,
        "title": case.title,
        "description": case.description,
        "information_date": info,
        "start": case.start,
        "horizon_months": case.horizon_months,
        "war_ended_by": case.ended_by or ("settlement" if case.agreement else "truce"),
        "groups": [{"id": g, "name": g.replace("_", " ")} for g in groups],
        "regions": [
            {
                "id": "theatre",
                "name": case.title,
                "population": case.population,
                # no stage reads the area; within the schema's bounds for any population
                "area_km2": min(max(case.population / PEOPLE_PER_KM2, 1.0), MAX_AREA_KM2),
                "composition": dict(case.composition),
                "host_forces": case.host_forces,
            }
        ],
        "issues": [{"id": "power", "name": "Power", "low": "government", "high": "opposition"}],
        "factions": factions,
        "forces": forces,
        "options": [option],
        "parameters": parameters_with_overrides(dict(case.parameters), smap),
        **({"commands": list(case.commands)} if case.commands else {}),
        "observations": observations,
        "sources": sources,
    }
    _map_lines(smap)
    return scenario


def _map_lines(smap: SourceMap) -> None:
    """Point the expanded scenario's key paths at the case lines they come from."""
    pairs: dict[Loc, Loc] = {
        ("regions", 0, "population"): ("population",),
        ("regions", 0, "composition"): ("composition",),
        ("regions", 0, "host_forces"): ("host_forces",),
        ("observations",): ("recent_deaths_per_year",),
        ("forces",): ("force",),
        ("options",): ("force",),
        ("factions",): ("fighters_per_1000",),
        ("start",): ("start",),
        ("information_date",): ("start",),
        ("id",): ("id",),
        ("title",): ("title",),
        ("war_ended_by",): ("ended_by",),
    }
    smap.names.update({("forces", 0): "force", ("options", 0, "forces", "force"): "force"})
    for target, origin in pairs.items():
        hit = smap.lines.get(origin)
        if hit is not None:
            smap.lines[target] = hit

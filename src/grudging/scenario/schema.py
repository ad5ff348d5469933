"""The scenario format: frozen pydantic models for everything the chain needs.

A scenario is data, validated on load and frozen while running: the theatre's regions, the communal
groups living there, the candidate contributor nations, the factions and the issues they bargain
over, the forces already present, the menu of offers a force-generation conference can make, the
rules of engagement and caveats, political exclusions, the courses of action, the uncertain
parameters (each with a range and a source), the outcome declarations and the history observed up
to the information date. Nothing about any particular theatre is assumed by the model code.

Field names follow the proposal and the literature (requirement, contingent, caveat, offer,
spoiler, guarantor, target salience). Every figure taken from outside carries a source id that
resolves to an entry of ``sources``.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

SCHEMA_VERSION: Literal[1] = 1

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64),
]
"""Lower-case identifier for regions, groups, factions, issues, forces, offers and options."""

NationCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
"""ISO 3166-1 alpha-3 code of a nation."""

ParameterName = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$", max_length=96),
]
"""Dotted parameter name ``stage.name`` (e.g. ``dynamics.self_excitation``)."""

_MONTH = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")

#: Bounds that keep every figure sane (and the arithmetic of the model finite).
MAX_MONTHS = 600
"""Longest horizon and latest month offset anywhere (50 years)."""
MAX_PEOPLE = 2_000_000_000
"""Largest count of people (a region's population, refugees)."""
MAX_TROOPS = 10_000_000
"""Largest count of troops or fighters."""
MAX_MUSD = 100_000_000.0
#: The most aid a bargain may be offered, US$ million a year: a trillion dollars, above any
#: patron's whole defence budget; far beyond it the factions' values lose their precision.
MAX_AID_MUSD = 1_000_000.0
"""Largest amount of money, US$ million."""
MAX_START_GAP = 120
"""Most months the first simulated month may lie after the information date."""


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is a yes/no value, not a number; write a number")
    return value


Int = Annotated[int, BeforeValidator(_not_bool)]
"""An integer; booleans are refused (YAML reads ``yes``/``true`` as booleans)."""
Float = Annotated[float, BeforeValidator(_not_bool)]
"""A finite real number (see ``allow_inf_nan`` on :class:`Frozen`); booleans are refused."""
MonthOffset = Annotated[Int, Field(ge=0, le=MAX_MONTHS)]
"""Months after the start (0 = first simulated month)."""
Troops = Annotated[Int, Field(ge=0, le=MAX_TROOPS)]
People = Annotated[Int, Field(ge=0, le=MAX_PEOPLE)]
Money = Annotated[Float, Field(ge=0, le=MAX_MUSD)]


def is_month(text: str) -> bool:
    """Whether ``text`` is a calendar month written ``YYYY-MM``."""
    return bool(_MONTH.match(text))


def _not_a_month(text: str) -> ValueError:
    return ValueError(f"'{text}' is not a month; write it as YYYY-MM, e.g. 2006-12")


def _month_text(value: Any) -> Any:
    """Refuse what YAML or a CSV cell reads as other than text (2013-07-01 a date, 201307 a
    number) with the message every bad month gets."""
    if isinstance(value, str):
        return value
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    raise _not_a_month(text)


def _check_month(value: str) -> str:
    if not _MONTH.match(value):
        if re.match(r"^\d{4}-(0[1-9]|1[0-2])$", value):  # written right, outside the years
            raise ValueError(
                f"'{value}' is outside the months a scenario may use (1900-01 to 2099-12); "
                "give one in those years"
            )
        raise _not_a_month(value)
    return value


Month = Annotated[str, BeforeValidator(_month_text), AfterValidator(_check_month)]
"""A calendar month written ``YYYY-MM``."""

Share = Annotated[Float, Field(ge=0.0, le=1.0)]
#: The largest area of a region, km2 (Russia, the largest country, is about 17.1 million).
MAX_AREA_KM2 = 20_000_000
#: A nation's formal tie to the patron (alliance member, major non-NATO ally, partnership).
TieType = Literal["none", "ally", "mnna", "partner"]
Position = Annotated[Float, Field(ge=0.0, le=100.0)]

CommandType = Identifier
"""Who commands a force: the id of a command in the scenario's registry (``grudging show --section commands``;
the shared registry has ``us``, ``nato``, ``un``, ``eu`` and ``national``)."""

GuarantorType = Identifier
"""Who guarantees a settlement: ``none`` or the id of a command that can guarantee."""

Direction = Literal["minimize", "maximize"]
Distribution = Literal["uniform", "triangular", "loguniform"]


class Frozen(BaseModel):
    """Base of every scenario model: immutable, unknown keys rejected, every float finite."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", validate_default=True, allow_inf_nan=False
    )


def month_index(month: str) -> int:
    """Months since January of year 0 for a ``YYYY-MM`` string (for differences between months)."""
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def month_label(index: int) -> str:
    """Inverse of :func:`month_index`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


class Source(Frozen):
    """Where a figure comes from: a citation, an address and the terms of use."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]+$")]
    citation: str
    url: str | None = None
    licence: str | None = None
    note: str | None = None


class Group(Frozen):
    """A communal (ethno-sectarian) group living in the theatre."""

    id: Identifier
    name: str
    description: str = ""


class Region(Frozen):
    """A region of the theatre (a governorate, an entity, a canton)."""

    id: Identifier
    name: str
    code: str | None = None
    population: Annotated[Int, Field(gt=0, le=MAX_PEOPLE)]
    area_km2: Annotated[Float, Field(gt=0, le=MAX_AREA_KM2)]
    composition: dict[Identifier, Share] = Field(
        description="Share of the population by communal group (sums to 1).",
    )
    neighbours: tuple[Identifier, ...] = ()
    borders: tuple[NationCode, ...] = Field(
        default=(), description="Foreign nations this region borders."
    )
    host_forces: Troops = Field(
        default=0, description="Host-nation security forces stationed in the region."
    )
    sources: dict[str, str] = Field(default_factory=dict)

    @property
    def majority_group(self) -> str:
        """The group with the largest share."""
        return max(self.composition, key=lambda g: self.composition[g])

    @property
    def fractionalization(self) -> float:
        """Ethnic fractionalization 1 - sum(share^2) (Alesina et al. 2003)."""
        return 1.0 - sum(s * s for s in self.composition.values())


class Nation(Frozen):
    """A candidate contributor nation, described only by attributes (MODEL.md section 3.2)."""

    id: NationCode
    name: str
    population_millions: Annotated[Float, Field(gt=0, le=MAX_PEOPLE / 1e6)]
    gdp_per_capita: Annotated[Float, Field(gt=0, le=1_000_000)] = Field(
        description="GDP per capita, 2011 international dollars."
    )
    active_personnel: Troops
    military_spending_musd: Money
    deployed_abroad: Troops = Field(
        default=0, description="Troops already deployed in other operations (ISAF, KFOR, UN...)."
    )
    nato: bool = False
    eu: bool = False
    muslim_majority: bool = False
    neighbour: bool = Field(default=False, description="Borders the theatre.")
    refugees_hosted: People = Field(default=0, description="Refugees from the theatre hosted.")
    terrorism_incidents: Annotated[Int, Field(ge=0, le=1_000_000)] = Field(
        default=0, description="Terrorist incidents at home over the five years before."
    )
    energy_import_share: Annotated[Float, Field(ge=-1000, le=100)] = Field(
        default=0.0, description="Net energy imports, percent of energy use (negative: exporter)."
    )
    us_troops_hosted: Troops = 0
    un_peacekeepers: Troops = 0
    opposed_intervention: bool = Field(
        default=False, description="Its government opposed the original intervention."
    )
    coalition_peak: Troops = Field(
        default=0, description="Largest contingent it sent to the theatre's earlier coalition."
    )
    coalition_left: Month | None = Field(
        default=None, description="Month its contingent left that coalition, if it did."
    )
    theatre_troops: Troops = Field(
        default=0,
        description="Its contingent in the theatre at the information date (counted in "
        "deployed_abroad; it can re-hat under a new command).",
    )
    lead_roles: Annotated[Int, Field(ge=0, le=20)] = Field(
        default=0,
        description="Commands of the force it holds or was announced to hold at the information "
        "date: the force's headquarters (or land component) and sector formations (divisions, "
        "brigades, regional commands). A lead nation takes part with a larger contingent.",
    )
    alignment: Share | None = Field(
        default=None,
        description="Share of UN General Assembly roll calls on which it voted as the patron "
        "did, over the three years before the information date.",
    )
    ties: TieType = Field(
        default="none", description="Formal tie to the patron: ally, mnna, partner or none."
    )
    kin_groups: tuple[Identifier, ...] = Field(
        default=(), description="Communal groups of the theatre this nation backs."
    )
    max_roe: Identifier | None = Field(
        default=None, description="Highest rules-of-engagement level it accepts."
    )
    caveats: tuple[Identifier, ...] = ()
    logistics_hub: bool = Field(
        default=False, description="Offers a supply line into the theatre (ports, bases)."
    )
    sources: dict[str, str] = Field(default_factory=dict)


class Issue(Frozen):
    """An issue dimension of the bargain, scaled 0-100 between two named poles."""

    id: Identifier
    name: str
    low: str = Field(description="Meaning of position 0.")
    high: str = Field(description="Meaning of position 100.")
    description: str = ""
    presence_years_at_low: Annotated[Float, Field(gt=0.0, le=100.0)] | None = Field(
        default=None,
        description="Marks the timetable of foreign troops: position x means they stay "
        "(1 - x/100) times this many years (the low pole's open-ended stay); a guarantor's "
        "terms must fit its commitment.",
    )


class Faction(Frozen):
    """An armed or political faction: positions, salience, capability, whether a spoiler."""

    id: Identifier
    name: str
    description: str = ""
    group: Identifier | None = None
    regions: tuple[Identifier, ...] = Field(
        default=(), description="Where it is strong (none: spread over the whole theatre)."
    )
    capability: Annotated[Float, Field(gt=0.0, le=1.0)]
    fighters: Troops = 0
    positions: dict[Identifier, Position]
    salience: dict[Identifier, Share] = Field(
        description="Weight of each issue to this faction; sums to 1."
    )
    spoiler: bool = Field(default=False, description="Irreconcilable: never signs a deal.")
    hostility_to_foreign_forces: Share = Field(
        default=0.5, description="How strongly it targets foreign forces (0 never, 1 always)."
    )
    sources: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _salience_sums_to_one(self) -> Faction:
        total = sum(self.salience.values())
        if abs(total - 1.0) > 0.01:
            raise ValueError(
                f"salience of faction '{self.id}' sums to {total:.3f}; the weights over issues "
                "must sum to 1 (rescale them)"
            )
        return self


class TroopLevel(Frozen):
    """A force's size at a calendar month (history)."""

    month: Month
    troops: Troops
    source: str | None = None


ValueOrParameter = Float | ParameterName
"""A fixed number, or the name of a declared parameter that supplies it (and its uncertainty)."""
#: A command's skill or salience given as a number: relative to trained peacekeepers (1) and to
#: the patron's own troops as targets (about 1). The declared parameters span 0.1-1.2; a number
#: outside 0-2 is a percentage or a typing slip, not a force.
RelativeFigure = Annotated[Float, Field(ge=0, le=2)] | ParameterName
#: A factor that cannot be negative (a command's erosion, its quality, a guarantee's years).
NonNegativeFigure = Annotated[Float, Field(ge=0)] | ParameterName
#: A guarantee's strength ratio or commitment years: 0-100, as the bargain command's flags take.
GuaranteeFigure = Annotated[Float, Field(ge=0, le=100)] | ParameterName
#: A share (a guarantee's impartiality).
ShareFigure = Annotated[Float, Field(ge=0, le=1)] | ParameterName

CommandKind = Literal["patron_led", "alliance", "un", "regional", "lead_nation", "national"]


class CommandAppeal(Frozen):
    """How serving under a command moves a nation's willingness (logit scale): a coefficient
    times membership, times non-membership x UN affinity, and times UN affinity for everyone."""

    members: ValueOrParameter = 0.0
    outsiders: ValueOrParameter = 0.0
    everyone: ValueOrParameter = 0.0


class CommandGuarantee(Frozen):
    """What the bargaining stage reads of a command that guarantees a settlement (Walter 2002;
    Fortna 2008): its default strength ratio, impartiality and commitment years, each a value or
    a ``bargain.*`` parameter (docs/design-notes/guarantors.md)."""

    strength: GuaranteeFigure = Field(
        description="Effective strength over the requirement of its default guaranteeing force "
        "(0-100)."
    )
    impartiality: ShareFigure = Field(description="Impartiality as guarantor, 0-1.")
    years: GuaranteeFigure = Field(description="Credible length of its commitment, years (0-100).")


class Command(Frozen):
    """A command forces serve under and a settlement may be guaranteed by (MODEL.md sections
    3.3-3.6): what the model reads of it, each a value or a parameter. Nothing in the model
    branches on a command's id."""

    id: Identifier
    name: str
    kind: CommandKind = Field(
        description="What sort of command (descriptive; the model reads only the fields below)."
    )
    members: tuple[Literal["nato", "eu"], ...] = Field(
        default=(),
        description="Nation flags whose holders are its members (interoperable, "
        "drawn by the members' appeal).",
    )
    member_nations: tuple[NationCode, ...] = ()
    includes_patron: bool = Field(
        default=False,
        description="The patron's own forces serve under it (a patron-led "
        "coalition), so they back its guarantees.",
    )
    skill: RelativeFigure = Field(
        description="Peacekeeping skill of forces under it, relative to trained peacekeepers "
        "(a dynamics parameter or a value, 0-2)."
    )
    salience: RelativeFigure = Field(
        description="Target salience of its troops, the patron's own about 1 (dynamics; 0-2)."
    )
    erosion: NonNegativeFigure = Field(
        default=1.0,
        description="Factor on a contingent's monthly change of support (casualty loss and "
        "drift) under it (dynamics); 1: as in the patron-led MNF-I the erosion was fitted on.",
    )
    quality: NonNegativeFigure | None = Field(
        default=None,
        description="Quality multiplier on every contingent (forcegen); none: "
        "members 1, others forcegen.interop_outsider.",
    )
    appeal: CommandAppeal = CommandAppeal()
    price: tuple[Identifier, ...] = Field(
        default=(),
        description="Offer channels whose offers are the fixed price of the "
        "command (e.g. nato_command).",
    )
    implies: tuple[Identifier, ...] = Field(
        default=(),
        description="Offer channels the command brings as if offered (a UN command "
        "is UN-endorsed).",
    )
    assessed: bool = Field(
        default=False,
        description="Its troops are paid from assessed contributions, not by the patron.",
    )
    guarantees: bool | CommandGuarantee = Field(
        default=True,
        description="Whether it can guarantee a settlement, with the figures the bargain reads; "
        "true: the parameters bargain.strength_<id>, impartiality_<id> and years_<id>.",
    )
    source: str = ""


class Force(Frozen):
    """A force present in the theatre at the information date (the patron's, a contingent).

    Its level at the information date is month 0 of every option, so the starting violence is read
    as already suppressed by it: the background is estimated net of its suppression, and a force
    that leaves raises the violence (docs/cases.md, "Forces present at the start").
    """

    id: Identifier
    name: str
    nation: NationCode | None = None
    command: CommandType = Field(
        description="Id of the command it serves under (one of 'commands', or us, nato, un); "
        "required: its skill and salience are the command's."
    )
    history: tuple[TroopLevel, ...] = Field(min_length=1)

    @property
    def current_troops(self) -> int:
        """Troops at the last recorded month."""
        return max(self.history, key=lambda t: month_index(t.month)).troops


class Offer(Frozen):
    """An inducement a force-generation conference can offer a nation (MODEL.md section 3.3)."""

    id: Identifier
    name: str
    description: str = ""
    kind: Literal["per_troop", "lump_sum", "political"]
    cost_musd: Money = Field(
        description="Money cost: per 1,000 troops a year (per_troop) or once (lump_sum)."
    )
    political_cost: Annotated[Float, Field(ge=0, le=1_000_000)] = Field(
        default=0.0, description="Political capital spent by the patron (0-1 scale per use)."
    )
    source: str | None = None


class RoeLevel(Frozen):
    """A common rules-of-engagement level: how robust the mandate lets a force be."""

    id: Identifier
    name: str
    robustness: Annotated[Float, Field(ge=0.0, le=1.0)]
    description: str = ""


class Caveat(Frozen):
    """A national caveat and what it costs in effectiveness and to lift."""

    id: Identifier
    name: str
    effectiveness: Annotated[Float, Field(gt=0.0, le=1.0)] = Field(
        description="Multiplier on a contingent's effective strength while the caveat holds."
    )
    lift_cost_musd: Money = 0.0
    regional: bool = Field(
        default=False, description="Confines the contingent to regions already calm."
    )
    source: str | None = None


class Exclusion(Frozen):
    """A political exclusion: who may not serve where (a constraint of sector assignment)."""

    nation: NationCode | None = Field(default=None, description="One nation, or")
    neighbours: bool = Field(default=False, description="every neighbour of the theatre.")
    regions: tuple[Identifier, ...] = Field(default=(), description="Excluded from these regions,")
    majority_groups: tuple[Identifier, ...] = Field(
        default=(), description="from regions where one of these groups is the majority,"
    )
    kin_regions: bool = Field(
        default=False,
        description="from regions where a group it backs is present (share >= 10 %),",
    )
    everywhere: bool = Field(default=False, description="or from every region (a veto).")
    reason: str
    source: str | None = None


class TimelinePoint(Frozen):
    """A force level at a month after the start (0 = first simulated month)."""

    month: MonthOffset
    troops: Troops


class SharePoint(Frozen):
    """A multiplier on forces' information-date levels at a month after the start."""

    month: MonthOffset
    share: Annotated[Float, Field(ge=0.0, le=5.0)]


class CoalitionPlan(Frozen):
    """Whether and how a coalition is generated."""

    command: CommandType = Field(
        description="Id of the command the coalition serves under (one of 'commands', or us, "
        "nato, un); required: it decides who is asked and on what terms."
    )
    budget_musd: Money = Field(
        default=5000.0, description="Money the patron can spend on offers (US$ million a year)."
    )
    political_capital: Annotated[Float, Field(ge=0, le=1_000_000)] = Field(
        default=3.0, description="Political capital the patron can spend on concessions."
    )
    roe_level: Identifier
    target_troops: Annotated[Int, Field(gt=0, le=MAX_TROOPS)] | None = Field(
        default=None, description="Troops sought; none means the requirement."
    )
    arrival_month: MonthOffset = 3
    build_up_months: Annotated[Int, Field(ge=1, le=MAX_MONTHS)] = 6
    offers: tuple[Identifier, ...] | None = Field(
        default=None, description="Offers allowed (none means the whole menu)."
    )
    commitment_years: Annotated[Float, Field(gt=0, le=MAX_MONTHS / 12)] = 3.0
    patron_troops: Troops = Field(
        default=0,
        description="The patron's own troops serving in the force for the commitment; they "
        "count against the requirement (or the troop target) before any nation is recruited.",
    )


class BargainPlan(Frozen):
    """Whether a grand compromise is attempted, when, with which guarantor and how much aid."""

    month: MonthOffset = 6
    guarantor: GuarantorType = Field(
        description="Id of the command that guarantees the deal (one of 'commands' with "
        "'guarantees: true', or us, nato, un); required."
    )
    aid_musd_per_year: Annotated[Float, Field(ge=0, le=MAX_AID_MUSD)] = 0.0


class Handover(Frozen):
    """Rule for handing the mission to the UN once violence settles."""

    to: CommandType = "un"
    earliest_month: MonthOffset = 24
    below_deaths_per_100k: Annotated[Float, Field(ge=0, le=100_000)] = Field(
        default=2.0, description="Monthly civilian deaths per 100,000 below which it may start."
    )
    sustained_months: Annotated[Int, Field(ge=1, le=MAX_MONTHS)] = 6
    force_retained: Share = Field(
        default=0.6, description="Share of the coalition's troops that stay on under the UN."
    )
    below_share_of_start: Share | None = Field(
        default=None,
        description="Also calm below this share of the information-date national rate (the "
        "higher threshold counts).",
    )
    per_region_share: Share | None = Field(
        default=None,
        description="Test per region: calm once regions holding this share of the population "
        "are each below the threshold.",
    )


class LocalDeal(Frozen):
    """A faction's ceasefire or realignment at a given month (used to replay history)."""

    faction: Identifier
    month: MonthOffset
    strength: Share = Field(description="Share of the faction's fighters that stop fighting.")
    description: str = ""
    source: str | None = None


class FeasibilityGate(Frozen):
    """A permission an option needs and the model does not simulate: the host government's
    consent, a Security Council decision. A probability with a source (see
    docs/design-notes/bargain.md, *Feasibility gates*)."""

    id: Identifier
    gate: Literal["host_consent", "security_council"]
    applies_to: tuple[CommandType, ...] = Field(
        min_length=1,
        description="Commands the gate concerns: an option engages a command through its "
        "coalition's command, its bargain's guarantor or its handover.",
    )
    probability: Share = Field(description="Probability that the gate opens (0-1).")
    source: str = Field(description="Source id of the probability (the scenario's sources).")
    note: str = ""


class AgreementInPlace(Frozen):
    """A settlement already agreed when the scenario starts (e.g. an initialled peace agreement):
    its signatories start signed and it may collapse month by month (see
    docs/design-notes/bargain.md, *An agreement in place*)."""

    name: str
    signed: Month = Field(
        description="Month it was signed or initialled (by the information date)."
    )
    signatories: tuple[Identifier, ...] = Field(min_length=1, description="Factions bound by it.")
    source: str
    description: str = ""


class HostForcePoint(Frozen):
    """Host security forces at a month after the start, in a named series (a plan, the record).

    A row without a region is a national figure, spread over the regions in proportion to their
    information-date host forces; the force holds its last figure until the next row.
    """

    series: Identifier
    month: MonthOffset
    region: Identifier | None = None
    troops: Troops
    trained_share: Share = Field(
        default=1.0, description="Share of the troops trained and equipped (quality)."
    )
    composition: dict[Identifier, Share] = Field(
        default_factory=dict,
        description="Sectarian make-up of the force by group (empty: as the previous row).",
    )
    source: str
    note: str = ""


class RealignmentPayment(Frozen):
    """Payments to fighters who realign (US$ per fighter a month) from a month on: a lever."""

    month: MonthOffset
    usd_per_fighter_month: Annotated[Float, Field(ge=0.0, le=1e6)]
    factions: tuple[Identifier, ...] = Field(
        default=(), description="Factions paid (empty: every faction that is not a spoiler)."
    )
    description: str = ""
    source: str | None = None


class CourseOfAction(Frozen):
    """An option, as data: force timelines and decisions fed to the chain."""

    id: Identifier
    name: str
    description: str = ""
    forces: dict[Identifier, tuple[TimelinePoint, ...]] = Field(
        default_factory=dict,
        description="Troop timeline per present force; a force not listed holds its level.",
    )
    other_forces: tuple[SharePoint, ...] = Field(
        default=(),
        description="Timeline of the forces not listed in 'forces', as a share of their level at "
        "the information date (none: they hold it, subject to erosion).",
    )
    coalition: CoalitionPlan | None = None
    bargain: BargainPlan | None = None
    handover: Handover | None = None
    local_deals: tuple[LocalDeal, ...] = ()
    host_forces: Identifier | None = Field(
        default=None,
        description="Series of the scenario's host_forces table the option follows (none: the "
        "host forces hold their information-date size).",
    )
    payments: tuple[RealignmentPayment, ...] = ()
    historical: bool = Field(
        default=False, description="Replays what happened after the information date."
    )


class Parameter(Frozen):
    """An uncertain model parameter: a nominal value, a range, a distribution and a source."""

    name: ParameterName
    value: Float
    low: Float
    high: Float
    distribution: Distribution = "uniform"
    unit: str = ""
    description: str
    source: str
    calibrated: str | None = Field(
        default=None, description="The calibration that set the value and range, if any."
    )
    anchored_on: str | None = Field(
        default=None,
        description="The scenario whose facts set the value (a cost per soldier, an aid pledge, a "
        "fitted rate): a scenario of another theatre that keeps it is told so.",
    )
    declared: tuple[Float, Float] | None = Field(
        default=None,
        description="The range the scenario declared before an override (--set, a dashboard "
        "change) fixed or narrowed it: the parameter keeps its place in a run's Latin "
        "hypercube, so every other parameter is drawn as before (common random numbers).",
    )

    @property
    def declared_range(self) -> tuple[float, float]:
        """The range as declared, before any override."""
        return self.declared if self.declared is not None else (self.low, self.high)

    @model_validator(mode="after")
    def _range_holds_value(self) -> Parameter:
        if self.low > self.high:
            raise ValueError(
                f"parameter '{self.name}': low {self.low} is above high {self.high}; swap them"
            )
        if not self.low <= self.value <= self.high:
            raise ValueError(
                f"parameter '{self.name}': value {self.value} lies outside its range "
                f"[{self.low}, {self.high}]; widen the range or change the value"
            )
        if self.distribution == "loguniform" and self.low <= 0:
            raise ValueError(
                f"parameter '{self.name}': a loguniform range needs low > 0 (got {self.low})"
            )
        from grudging.model.domains import domain_error  # the values the equations allow

        problem = domain_error(self.name, self.low, self.value, self.high)
        if problem:
            raise ValueError(problem)
        return self

    @property
    def stage(self) -> str:
        """The stage the parameter belongs to (the part of its name before the first dot)."""
        return self.name.split(".", 1)[0]


LeverPath = Annotated[
    str,
    StringConstraints(
        pattern=r"^options\.(\*|[a-z][a-z0-9_]*)(\.[a-z][a-z0-9_]*)+$", max_length=200
    ),
]
"""Where a lever acts: ``options.<option id or *>.<key>...``, e.g. ``options.*.coalition.budget_musd``."""

LeverKind = Literal["real", "integer", "categorical"]
LeverEffect = Literal["set", "timeline_end"]


class Lever(Frozen):
    """A decision the analyst can vary across the courses of action (the L of XLRM).

    A lever sets one key of the options it reaches (``path``; ``*`` in place of the option id reaches
    every option that has the key, historical replays excepted). Several paths move together (a
    coalition's command and its bargain's guarantor). ``effect: timeline_end`` reads the key as a
    troop timeline and stretches its months in proportion so that its last point falls at the
    lever's month (how fast a drawdown goes); a timeline whose last point is at month 0 has no
    drawdown and is left alone.
    """

    name: Identifier
    path: LeverPath | tuple[LeverPath, ...]
    kind: LeverKind
    low: Float | None = None
    high: Float | None = None
    choices: tuple[str, ...] = ()
    effect: LeverEffect = "set"
    unit: str = ""
    description: str = ""

    @property
    def paths(self) -> tuple[str, ...]:
        """The override paths the lever sets, as a tuple."""
        return (self.path,) if isinstance(self.path, str) else tuple(self.path)

    @model_validator(mode="after")
    def _range_or_choices(self) -> Lever:
        if not self.paths:
            raise ValueError(f"lever '{self.name}': give at least one path")
        if self.kind == "categorical":
            if self.low is not None or self.high is not None:
                raise ValueError(
                    f"lever '{self.name}': a categorical lever takes 'choices', not low/high"
                )
            if len(set(self.choices)) < 2 or len(set(self.choices)) != len(self.choices):
                raise ValueError(
                    f"lever '{self.name}': give at least two distinct choices (got "
                    f"{list(self.choices)})"
                )
        else:
            if self.choices:
                raise ValueError(
                    f"lever '{self.name}': a {self.kind} lever takes low and high, not choices"
                )
            if self.low is None or self.high is None or not self.low < self.high:
                raise ValueError(
                    f"lever '{self.name}': a {self.kind} lever needs low < high (got low "
                    f"{self.low}, high {self.high})"
                )
            if self.kind == "integer" and not (
                float(self.low).is_integer() and float(self.high).is_integer()
            ):
                raise ValueError(
                    f"lever '{self.name}': an integer lever needs whole-number bounds (got "
                    f"{self.low}, {self.high})"
                )
        if self.effect == "timeline_end" and (self.kind != "integer" or (self.low or 0) < 0):
            raise ValueError(
                f"lever '{self.name}': effect timeline_end sets a month: use kind integer with "
                "low >= 0"
            )
        return self


class OutcomeDeclaration(Frozen):
    """An outcome the model reports: its name, unit and which way is better."""

    name: Identifier
    unit: str
    direction: Direction
    description: str = ""


class Observation(Frozen):
    """One observed figure up to the information date (for calibration and display)."""

    series: Identifier
    month: Month
    region: Identifier | None = None
    value: Annotated[Float, Field(ge=0, le=1e12)]
    source: str


class MapSpec(Frozen):
    """The map of the theatre: a GeoJSON file and the feature property holding region ids."""

    geojson: str
    feature_id: str = "id"


class Scenario(Frozen):
    """A complete theatre and its courses of action."""

    schema_version: Literal[1] = SCHEMA_VERSION
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9\-]*$")]
    title: str
    description: str = ""
    information_date: Month = Field(description="Last month whose data the scenario may use.")
    start: Month = Field(description="First simulated month.")
    horizon_months: Annotated[Int, Field(ge=1, le=240)] = 60
    patron: NationCode | None = Field(
        default=None,
        description="The nation whose leverage pays for offers (and whose force is present).",
    )
    muslim_majority: bool = Field(
        default=False,
        description="Most of the theatre's people are Muslims: contingents of Muslim-majority "
        "nations are then less salient targets (dynamics.salience_muslim_factor).",
    )
    groups: tuple[Group, ...] = Field(min_length=1)
    regions: tuple[Region, ...] = Field(min_length=1)
    nations: tuple[Nation, ...] = ()
    issues: tuple[Issue, ...] = ()
    factions: tuple[Faction, ...] = ()
    forces: tuple[Force, ...] = ()
    offers: tuple[Offer, ...] = ()
    roe_levels: tuple[RoeLevel, ...] = ()
    caveats: tuple[Caveat, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    options: tuple[CourseOfAction, ...] = Field(min_length=1)
    parameters: tuple[Parameter, ...] = ()
    levers: tuple[Lever, ...] = Field(
        default=(), description="Decisions an exploratory sweep may vary across the options."
    )
    outcomes: tuple[OutcomeDeclaration, ...] = ()
    observations: tuple[Observation, ...] = ()
    host_forces: tuple[HostForcePoint, ...] = ()
    commands: tuple[Command, ...] = Field(
        default=(),
        description="Commands added to (or replacing, by id) the shared registry.",
    )
    feasibility: tuple[FeasibilityGate, ...] = Field(
        default=(), description="Gates an option must pass to be carried out (none: all pass)."
    )
    agreement: AgreementInPlace | None = Field(
        default=None, description="A settlement in force at the start (none: no agreement)."
    )
    war_ended_by: Literal["ongoing", "truce", "settlement", "victory"] = Field(
        default="ongoing",
        description=(
            "How the war ended by the information date (Fortna 2008's coding): a decisive "
            "'victory' of one side lowers the hazard that war resumes "
            "(dynamics.onset_victory_ratio); 'ongoing' and 'truce' leave it; a 'settlement' acts "
            "through its agreement."
        ),
    )
    sources: tuple[Source, ...] = ()
    map: MapSpec | None = None

    _base_dir: str | None = PrivateAttr(default=None)
    _overrides: tuple[str, ...] = PrivateAttr(default=())

    def __eq__(self, other: object) -> bool:
        """Content equality: the folder a scenario was loaded from is not part of it."""
        if not isinstance(other, Scenario):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    @model_validator(mode="after")
    def _references_resolve(self) -> Scenario:
        from grudging.scenario.references import check_references

        check_references(self)
        return self

    @model_validator(mode="after")
    def _host_forces_resolve(self) -> Scenario:
        from grudging.scenario.host_forces import check_host_forces

        check_host_forces(self)
        return self

    @model_validator(mode="after")
    def _feasibility_resolves(self) -> Scenario:
        from grudging.scenario.feasibility import check_feasibility

        check_feasibility(self)
        return self

    @model_validator(mode="after")
    def _contingents_fit_the_ladder(self) -> Scenario:
        from grudging.scenario.contingents import check_contingents

        check_contingents(self)
        return self

    @model_validator(mode="after")
    def _parameters_in_order(self) -> Scenario:
        """Pairs of parameters an equation reads in order (a low and a high anchor) are declared
        in that order, with ranges that do not overlap (:func:`~grudging.model.domains.order_error`:
        the samplers draw each on its own)."""
        from grudging.model.domains import order_error
        from grudging.scenario.references import ScenarioReferenceError

        problem = order_error(self.parameters)
        if problem:
            name, message = problem
            index = next(i for i, p in enumerate(self.parameters) if p.name == name)
            raise ScenarioReferenceError([(("parameters", index), message)])
        return self

    # Look-ups -------------------------------------------------------------------------------
    def region(self, region_id: str) -> Region:
        """The region with this id."""
        return _find(self.regions, region_id, "region")

    def nation(self, nation_id: str) -> Nation:
        """The nation with this code."""
        return _find(self.nations, nation_id, "nation")

    def faction(self, faction_id: str) -> Faction:
        """The faction with this id."""
        return _find(self.factions, faction_id, "faction")

    def option(self, option_id: str) -> CourseOfAction:
        """The course of action with this id."""
        return _find(self.options, option_id, "option")

    def parameter(self, name: str) -> Parameter:
        """The parameter with this name."""
        for p in self.parameters:
            if p.name == name:
                return p
        from grudging.errors import ParameterError, unknown_name

        raise ParameterError(unknown_name("parameter", name, [p.name for p in self.parameters]))

    def lever(self, name: str) -> Lever:
        """The lever with this name."""
        for lever in self.levers:
            if lever.name == name:
                return lever
        from grudging.errors import ParameterError, unknown_name

        raise ParameterError(unknown_name("lever", name, [lv.name for lv in self.levers]))

    def parameter_values(self) -> dict[str, float]:
        """Nominal value of every parameter, by name."""
        return {p.name: p.value for p in self.parameters}

    @property
    def population(self) -> int:
        """Total population of the theatre."""
        return sum(r.population for r in self.regions)

    @property
    def base_dir(self) -> str | None:
        """Folder the scenario was loaded from (for its map and calibration files)."""
        return self._base_dir

    @property
    def overrides(self) -> tuple[str, ...]:
        """The ``--set`` assignments applied when the scenario was loaded, in order."""
        return self._overrides

    def __repr__(self) -> str:
        """One line (the whole model's repr runs to some 350,000 characters for iraq-2007):
        what it is and how large; ``grudging show`` and ``grudging dump`` give the content."""
        sizes = ", ".join(
            f"{len(getattr(self, key))} {key}"
            for key in ("regions", "factions", "nations", "options", "parameters")
        )
        overrides = f", overrides={list(self.overrides)}" if self.overrides else ""
        return (
            f"Scenario(id={self.id!r}, title={self.title!r}, {sizes}, information_date="
            f"{self.information_date!r}, horizon_months={self.horizon_months}{overrides})"
        )

    __str__ = __repr__


def _find(items: tuple[Any, ...], key: str, kind: str) -> Any:
    for item in items:
        if item.id == key:
            return item
    from grudging.errors import ScenarioError, unknown_name

    raise ScenarioError(unknown_name(kind, key, [i.id for i in items]))

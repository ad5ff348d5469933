"""Parameters of the bargaining stage and the third-party guarantor.

Every field of :class:`BargainParams` is declared by a scenario as ``bargain.<field>`` with a
value, a range and a source (the built-in scenarios share ``scenarios/common/parameters/
bargain.yaml``). The defaults below are the same nominal values, so a scenario that declares no
bargaining parameters (a toy theatre) still runs; a test keeps the two in step.

References
----------
Walter, B. F. (1997). The critical barrier to civil war settlement. *International Organization*
51(3), 335-364. Walter, B. F. (2002). *Committing to Peace*. Princeton University Press.
Fortna, V. P. (2008). *Does Peacekeeping Work?* Princeton University Press.
Gilligan, M. & Sergenti, E. (2008). Do UN interventions cause peace? *Quarterly Journal of
Political Science* 3(2), 89-122.
Fearon, J. D. (1995). Rationalist explanations for war. *International Organization* 49(3).
Fearon, J. D. (2004). Why do some civil wars last so much longer than others? *Journal of Peace
Research* 41(3), 275-301.
Hirshleifer, J. (1989). Conflict and rent-seeking success functions. *Public Choice* 63(2).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from grudging.errors import ParameterError, ScenarioError, unknown_name
from grudging.scenario.commands import (
    GUARANTEE_FIGURES,
    NO_GUARANTOR,
    command_origin,
    guarantee_figures,
    guarantor_ids,
    shared_commands,
)
from grudging.scenario.schema import MAX_AID_MUSD as SCHEMA_MAX_AID_MUSD

if TYPE_CHECKING:
    from grudging.scenario.schema import Command

GuarantorKind = str
"""Who guarantees the settlement: ``none`` or the id of a command that guarantees."""

GUARANTOR_KINDS: tuple[str, ...] = guarantor_ids()
"""``none`` and the guarantors of the shared command registry (``us``, ``nato``, ``un``); a
scenario's registry may hold more (:func:`grudging.scenario.commands.guarantor_ids`)."""


@dataclass(frozen=True)
class BargainParams:
    """Parameters of the bargain (scenario names ``bargain.<field>``).

    Utilities are in *policy units*: 1 is the gap between a faction getting everything it wants
    on every issue and getting the opposite pole of every issue; flows are per year and values are
    annuity equivalents (a discounted perpetuity scaled back to one year).
    """

    # Monte Carlo over the coding of the factions (expert coding is uncertain).
    position_noise: float = 10.0
    """Standard deviation of a faction's position on an issue, points on the 0-100 scale."""
    salience_noise: float = 0.25
    """Log-normal sigma of each salience weight (weights are renormalised to sum to 1)."""
    capability_noise: float = 0.30
    """Log-normal sigma of each faction's capability."""

    # Value of continued fighting (the disagreement point).
    decisiveness: float = 1.0
    """Exponent of the contest success function p_i = c_i^m / sum_j c_j^m (Hirshleifer 1989)."""
    discount_rate: float = 0.15
    """Factions' discount rate per year."""
    war_years: float = 7.0
    """Expected years of further fighting before the war is decided (Fearon 2004: ~7 years)."""
    war_cost: float = 0.08
    """Net cost of a year of fighting, policy units per year (negative: war pays)."""
    exploitation_loss: float = 1.0
    """Loss, policy units, of a faction that disarmed and is then attacked (Walter 1997)."""

    # Side payments.
    aid_value: float = 0.05
    """Value to a faction of US$1bn a year of aid, policy units per year."""
    aid_musd_per_year: float = 5000.0
    """International aid on offer, US$ million a year (default of the CLI's --aid)."""

    # Implementation and the guarantor's credibility.
    implementation_base: float = 0.47
    """Probability that a signed settlement is implemented with no guarantor (Walter: 8 of 17)."""
    relapse_reduction: float = 0.70
    """Share of the relapse risk a fully credible guarantor removes (Fortna 2008: 50-85 %)."""
    strength_half: float = 0.25
    """Strength ratio (effective strength / requirement) at which a guarantor is half-credible."""
    strength_steepness: float = 1.5
    """Steepness of the credibility-strength curve (Hill exponent)."""
    commitment_years_scale: float = 2.0
    """Years of commitment at which 63 % of the credibility from commitment length is reached."""
    hostility_discount: float = 0.5
    """How much a faction's hostility to foreign forces discounts its trust in a guarantor."""
    outsider_risk: float = 0.6
    """Relapse risk per unit capability share of the factions left outside the deal."""
    identity_war: float = 1.0
    """How far the theatre's war is fought along ethnic or religious lines (1: an identity war,
    the kind ``implementation_base`` refers to; 0: a war over government or ideology)."""
    identity_relapse_odds: float = 4.0
    """Odds of relapse without a guarantor in an identity war over those in another war
    (Licklider 1995; Doyle & Sambanis 2000; fitted on Fortna's settlements up to 1995)."""

    # Formation rule.
    partial_quorum: float = 0.75
    """Share of non-spoiler capability the signatories must hold for a (partial) deal to form."""

    # Default guarantors until the coalition stage supplies the real figures.
    strength_us: float = 0.25
    strength_nato: float = 0.06
    strength_un: float = 0.04
    impartiality_us: float = 0.30
    impartiality_nato: float = 0.60
    impartiality_un: float = 0.85
    years_us: float = 2.0
    years_nato: float = 3.0
    years_un: float = 5.0

    # Bounds of the search for what would bring a holdout in.
    max_extra_aid_musd: float = 20000.0
    max_strength_ratio: float = 2.0

    # The guarantor as an option fields it (set by the chain from the forces under its command,
    # never declared by a scenario): for the command ``fielded_kind`` these replace the registry's
    # figures (:func:`guarantor_figures`). A negative strength or years means "the registry's";
    # the impartiality factor (1 - the share of its troops from nations that back a side)
    # multiplies the registry's impartiality. Arrays when there is one value per draw.
    fielded_kind: str = dataclasses.field(default="", metadata={"derived": True})
    fielded_strength: float = dataclasses.field(default=-1.0, metadata={"derived": True})
    fielded_impartiality_factor: float = dataclasses.field(default=1.0, metadata={"derived": True})
    fielded_years: float = dataclasses.field(default=-1.0, metadata={"derived": True})

    def __post_init__(self) -> None:
        _check(self)


#: The most aid a bargain may be offered (US$ million a year; the scenario schema's bound).
MAX_AID_MUSD = SCHEMA_MAX_AID_MUSD

_SHARES = (
    "implementation_base",
    "relapse_reduction",
    "hostility_discount",
    "identity_war",
    "partial_quorum",
    "impartiality_us",
    "impartiality_nato",
    "impartiality_un",
    "fielded_impartiality_factor",
)
_POSITIVE = (
    "decisiveness",
    "war_years",
    "strength_half",
    "strength_steepness",
    "commitment_years_scale",
    "identity_relapse_odds",
    "max_strength_ratio",
)
_NON_NEGATIVE = (
    "position_noise",
    "salience_noise",
    "capability_noise",
    "discount_rate",
    "exploitation_loss",
    "aid_value",
    "aid_musd_per_year",
    "outsider_risk",
    "strength_us",
    "strength_nato",
    "strength_un",
    "years_us",
    "years_nato",
    "years_un",
    "max_extra_aid_musd",
)


def _check(p: BargainParams) -> None:
    if not isinstance(p.fielded_kind, str):
        raise ParameterError(f"bargain.fielded_kind = {p.fielded_kind!r} must be a command id")
    for f in fields(p):
        if f.name == "fielded_kind":
            continue
        value = getattr(p, f.name)
        if isinstance(value, np.ndarray):
            if value.dtype.kind not in "fiu" or not np.all(np.isfinite(value)):
                raise ParameterError(
                    f"parameter 'bargain.{f.name}' holds values that are not finite numbers"
                )
        elif not isinstance(value, int | float) or not math.isfinite(value):
            raise ParameterError(f"parameter 'bargain.{f.name}' = {value!r} is not a finite number")
    for name in _SHARES:
        value = getattr(p, name)
        if not _all(value >= 0.0) or not _all(value <= 1.0):
            raise ParameterError(
                f"parameter 'bargain.{name}' = {_shown(value)} must lie in [0, 1]; it is a share"
            )
    for name in _POSITIVE:
        if not _all(getattr(p, name) > 0):
            raise ParameterError(
                f"parameter 'bargain.{name}' = {_shown(getattr(p, name))} must be > 0"
            )
    for name in _NON_NEGATIVE:
        if not _all(getattr(p, name) >= 0):
            raise ParameterError(
                f"parameter 'bargain.{name}' = {_shown(getattr(p, name))} must be >= 0"
            )


def declared_value_error(name: str, low: float, value: float, high: float) -> str | None:
    """Why the bargain stage refuses a declared parameter's value or range; None if it accepts.

    The scenario schema asks this when it reads a ``bargain.*`` parameter, so that a value the
    stage cannot use (a share above 1, a negative odds ratio) is refused where it is written.
    """
    field = name.removeprefix("bargain.")
    if name == field or field not in {f.name for f in fields(BargainParams)}:
        return None
    for which, v in (("value", value), ("low", low), ("high", high)):
        try:
            one: dict[str, Any] = {field: v}
            BargainParams(**one)
        except ParameterError as err:
            return f"{err} (its declared {which})"
    return None


def _all(test: bool | np.ndarray) -> bool:
    return test if isinstance(test, bool) else bool(np.all(test))


def _shown(value: float | np.ndarray) -> str:
    """A scalar as itself; an array of draws by its range."""
    if isinstance(value, np.ndarray):
        return f"[{value.min():g} .. {value.max():g}] (draws)"
    return f"{value}"


def param_draws(params: BargainParams) -> int | None:
    """Number of parameter draws P when some fields are arrays of length P; None if all scalar.

    Every array field must be one-dimensional and all must have the same length (a clear error
    otherwise); scalar fields are shared by every draw.
    """
    lengths = {
        f.name: getattr(params, f.name).shape
        for f in fields(params)
        if isinstance(getattr(params, f.name), np.ndarray)
    }
    if not lengths:
        return None
    shapes = set(lengths.values())
    if len(shapes) > 1 or len(next(iter(shapes))) != 1:
        listed = ", ".join(f"{k} {v}" for k, v in lengths.items())
        raise ParameterError(
            f"bargain parameter draws must be 1-d arrays of one length; got shapes {listed}"
        )
    return int(next(iter(shapes))[0])


def params_at(params: BargainParams, i: int) -> BargainParams:
    """The scalar parameters of draw ``i`` (array fields indexed, scalar fields as they are)."""
    values: dict[str, Any] = {
        f.name: float(v[i]) if isinstance(v := getattr(params, f.name), np.ndarray) else v
        for f in fields(params)
    }
    return BargainParams(**values)


def params_shaped(params: BargainParams, shape: tuple[int, ...], rows: slice) -> BargainParams:
    """The draws ``rows`` of the array fields, reshaped to ``shape`` (to broadcast over draws)."""
    values: dict[str, Any] = {
        f.name: v[rows].reshape(shape)
        if isinstance(v := getattr(params, f.name), np.ndarray)
        else v
        for f in fields(params)
    }
    return BargainParams(**values)


@dataclass(frozen=True)
class Guarantor:
    """A third party that guarantees the settlement (input of the bargain).

    Attributes
    ----------
    kind
        ``none`` or the id of a command that guarantees (``us``, ``nato``, ``un`` in the shared
        registry).
    strength_ratio
        The guarantor's effective strength over the requirement (>= 0).
    impartiality
        In [0, 1]; low when the force is itself a target of one side or backs one side.
    commitment_years
        How long the guarantor commits to stay (>= 0).
    """

    kind: GuarantorKind
    strength_ratio: float = 0.0
    impartiality: float = 0.0
    commitment_years: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or not self.kind:
            raise ParameterError(unknown_name("guarantor", str(self.kind), GUARANTOR_KINDS))
        checks = (
            ("strength_ratio", self.strength_ratio, 0.0, math.inf),
            ("impartiality", self.impartiality, 0.0, 1.0),
            ("commitment_years", self.commitment_years, 0.0, math.inf),
        )
        for name, value, low, high in checks:
            if not isinstance(value, int | float) or math.isnan(value) or not low <= value <= high:
                span = f"[{low:g}, {high:g}]" if math.isfinite(high) else f">= {low:g}"
                raise ParameterError(
                    f"guarantor '{self.kind}': {name} = {value!r} is out of range; "
                    f"it must be {span}"
                )


def default_guarantor(
    kind: str, params: BargainParams, commands: dict[str, Command] | None = None
) -> Guarantor:
    """The guarantor of a kind with its default strength, impartiality and years.

    Until the coalition stage supplies the real coalition, these are the command's registry
    figures (:func:`guarantor_figures`; for the shared ``us``, ``nato`` and ``un`` the parameters
    ``bargain.strength_<id>``, ``bargain.impartiality_<id>`` and ``bargain.years_<id>``).
    """
    if kind == NO_GUARANTOR:
        return Guarantor(NO_GUARANTOR)
    strength, impartiality, years = guarantor_figures(kind, params, commands)
    return Guarantor(
        kind, strength_ratio=strength, impartiality=impartiality, commitment_years=years
    )


def guarantor_figures(
    kind: str, params: BargainParams, commands: dict[str, Command] | None = None
) -> tuple[Any, Any, Any]:
    """A guarantor's default strength ratio, impartiality and commitment years, from its entry
    in the command registry (``commands``; default: the shared registry): each a value, or the
    named ``bargain.*`` field of ``params`` (an array when the parameters are per draw).
    ``none``: zeros. An unknown or non-guaranteeing command, or a figure the bargain stage
    cannot read, is a clear error naming where to fix it.
    """
    if kind == NO_GUARANTOR:
        return 0.0, 0.0, 0.0
    registry = commands if commands is not None else {c.id: c for c in shared_commands()}
    valid = guarantor_ids(registry)
    command = registry.get(kind)
    figures = guarantee_figures(command) if command is not None else None
    if command is None:
        raise ParameterError(unknown_name("guarantor", kind, valid))
    if figures is None:
        where, key = command_origin(command)
        raise ParameterError(
            f"command '{kind}' does not guarantee ({where}: {key}.guarantees is false); "
            f"guarantors: {', '.join(valid)}"
        )
    strength, impartiality, years = (
        _figure(command, name, getattr(figures, name), params) for name in GUARANTEE_FIGURES
    )
    if params.fielded_kind == kind:
        strength = _given_or(params.fielded_strength, strength)
        impartiality = impartiality * params.fielded_impartiality_factor
        years = _given_or(params.fielded_years, years)
    return strength, impartiality, years


def _given_or(given: Any, default: Any) -> Any:
    """``given`` where it is set (>= 0), else ``default`` (per draw when either is an array)."""
    if isinstance(given, np.ndarray):
        return np.where(given >= 0, given, default)
    return given if given >= 0 else default


_GUARANTOR_FIELDS = frozenset(
    f.name
    for f in fields(BargainParams)
    if f.name.startswith(tuple(f"{figure}_" for figure in GUARANTEE_FIGURES))
    and f.name not in ("strength_half", "strength_steepness")
)
"""The bargain parameters a registry entry may name as a guarantee figure."""


def _figure(command: Command, name: str, value: float | str, params: BargainParams) -> Any:
    """One guarantee figure: the value, or the bargain parameter it names."""
    if not isinstance(value, str):
        return value
    stage, _, field = value.partition(".")
    if stage == "bargain" and field in _GUARANTOR_FIELDS:
        return getattr(params, field)
    where, key = command_origin(command)
    shorthand = " (guarantees: true reads it)" if command.guarantees is True else ""
    known = ", ".join(f"bargain.{f}" for f in sorted(_GUARANTOR_FIELDS) if f.startswith(name))
    raise ScenarioError(
        f"{where}: {key}.guarantees.{name}: command '{command.id}' guarantees, but its {name} "
        f"names '{value}'{shorthand}, which is not a guarantee parameter of the bargain stage; "
        f"give a number or one of {known}, or set guarantees: false"
    )


def strength_credibility(strength_ratio: float, params: BargainParams) -> float:
    """g(r) = r^k / (r^k + r50^k): the part of credibility that comes from strength, in [0, 1)."""
    return _hill(strength_ratio, params.strength_half, params.strength_steepness)


def _hill(strength_ratio: float, half: float, steepness: float) -> float:
    if strength_ratio <= 0:
        return 0.0
    z = steepness * (math.log(strength_ratio) - math.log(half))
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)  # no overflow for tiny ratios
    return e / (1.0 + e)


def strength_for_credibility(target: float, params: BargainParams) -> float:
    """Inverse of :func:`strength_credibility` (``inf`` when ``target >= 1``)."""
    if target <= 0:
        return 0.0
    if target >= 1:
        return math.inf
    return params.strength_half * (target / (1.0 - target)) ** (1.0 / params.strength_steepness)


def years_credibility(years: float, params: BargainParams) -> float:
    """h(y) = 1 - exp(-y / tau): the part of credibility from the length of the commitment."""
    return _years_factor(years, params.commitment_years_scale)


def _years_factor(years: float, scale: float) -> float:
    return 1.0 - math.exp(-max(years, 0.0) / scale)


def credibility(guarantor: Guarantor, params: BargainParams) -> float:
    """Credibility c = g(strength) x impartiality x h(years) in [0, 1]; 0 without a guarantor.

    Monotone non-decreasing in strength, impartiality and commitment length (Walter 2002: a
    guarantee is credible when the guarantor can and will enforce it for the implementation
    period; a force that is itself a target of one side is not impartial).
    """
    return guarantee_credibility(
        guarantor.kind,
        guarantor.strength_ratio,
        guarantor.impartiality,
        guarantor.commitment_years,
        params.strength_half,
        params.strength_steepness,
        params.commitment_years_scale,
    )


def guarantee_credibility(
    kind: str,
    strength_ratio: float,
    impartiality: float,
    commitment_years: float,
    strength_half: float,
    strength_steepness: float,
    commitment_years_scale: float,
) -> float:
    """:func:`credibility` from plain numbers (for loops over parameter draws)."""
    if kind == "none":
        return 0.0
    return (
        _hill(strength_ratio, strength_half, strength_steepness)
        * impartiality
        * _years_factor(commitment_years, commitment_years_scale)
    )


def war_relapse_base(params: BargainParams) -> Any:
    """Probability that a signed settlement of this theatre's war relapses with no guarantor.

    ``1 - implementation_base`` is the risk of an identity war (``identity_war`` = 1); its odds
    are divided by ``identity_relapse_odds`` OR as the war is less one of identity:
    odds = odds(1 - q0) x OR^(identity_war - 1). A party that disarms in an identity war is
    exposed as a community that cannot change sides (Kaufmann 1996, *International Security*
    20(4)); such settlements relapse more often (Licklider 1995, *APSR* 89(3); Doyle & Sambanis
    2000, *APSR* 94(4)). Element-wise over per-draw parameter arrays.
    """
    risk = 1.0 - params.implementation_base
    odds_factor = np.power(params.identity_relapse_odds, params.identity_war - 1.0)
    weighted = risk * odds_factor
    shifted = weighted / (weighted + params.implementation_base)
    if isinstance(shifted, np.ndarray):  # per-draw or per-war arrays
        return np.where(params.identity_war == 1.0, risk, shifted)
    return risk if params.identity_war == 1.0 else float(shifted)  # exactly q0 at the reference


def implementation_probability(cred: float, params: BargainParams) -> float:
    """Probability that a signed settlement is implemented: 1 - r0 (1 - R c).

    With no guarantor (c = 0) this is the war's base rate 1 - r0 (:func:`war_relapse_base`;
    Walter's q0 for an identity war); a fully credible guarantor (c = 1) removes the share R of
    the relapse risk (Fortna 2008; Gilligan & Sergenti 2008: 50-85 %).
    """
    return 1.0 - war_relapse_base(params) * (1.0 - params.relapse_reduction * cred)

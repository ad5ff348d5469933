"""The values each stage's equations allow, so that a declared value or range outside them is
refused where it is written, before any computation (the bargain stage keeps its own:
``bargain.params``).

A theatre author may widen any range with a source; these bounds are not uncertainty but
arithmetic. A share, a probability or a ratio of one population to another lies in [0, 1]; a
number the model takes the logarithm of, divides by or raises a zero to (a reference, a scale, the
ends of a log-linear interpolation, a curve's half point) is positive; counts, rates, costs,
weights and multipliers are not negative; logit coefficients take either sign; a count the code
rounds or truncates (months, nations, solver nodes) is an integer. A few bounds are their own
(:data:`OWN`): a share of last month's violence that echoes (``self_excitation``) at 1 or more
makes the month loop explode (a Hawkes process is stationary only below 1: Hawkes 1971; Lewis et
al. 2012). A theatre author's audit widened ``self_excitation`` to 1e300: the sampler and the
month loop overflowed and every inhabitant died in the runs; another set
``requirement.host_reliability`` to -1 and every option failed inside its run.

Some equations read two parameters: the requirement's norm rises from ``norm_policing`` at
``violence_low`` to ``norm_insurgency`` at ``violence_high``, log-linear in violence; a force's
professional share (willingness) and its quality (force generation) rise log-linearly in spending
per soldier between a ``*_low`` and a ``*_high`` anchor; a contingent's smallest size is at most
its unit size (the willingness stage refuses the values inverted, too late for a sweep's draw).
The code meets an inverted interpolation pair without an error: the norm falls as violence grows, or the interpolation's guard against dividing by zero
puts the step at the upper anchor (the requirement) or every nation at the top (professional
share, quality). That is another model, not the declared one, so :func:`order_error` refuses the
pair's values out of order and ranges that overlap (the samplers draw each parameter on its own:
an overlap lets a draw invert the pair).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

#: Shares, probabilities and ratios of one part to its whole: in [0, 1].
SHARES = frozenset(
    {
        "requirement.host_reliability",
        "willingness.concession_offset",
        "willingness.concession_non_ally",
        "willingness.deployable_share",
        "willingness.participation_threshold",
        "willingness.free_riding",
        "willingness.alignment_reference",
        "willingness.professional_floor",
        "forcegen.quality_floor",
        "sectors.kin_share",
        "dynamics.spillover",
        "dynamics.presence_driven_share",
        "dynamics.war_exit_ratio",
        "dynamics.national_war_share",
        "dynamics.refugee_share",
        "dynamics.settlement_effect",
        "dynamics.realigned_to_security",
        "dynamics.leave_threshold",
        "dynamics.shock_rate",
        "dynamics.escalation_refugee_share",
        "dynamics.un_assessment_patron",
        "dynamics.host_sectarian_penalty",
        "dynamics.realign_rate",
        "dynamics.spoiler_attrition",
    }
)
#: Strictly positive: what the model divides by or takes the logarithm of (references, scales,
#: the ends of a log-linear interpolation, a curve's half point and steepness), durations and
#: sizes.
POSITIVE = frozenset(
    {
        "requirement.norm_policing",  # the dynamics divide coverage by the norm
        "requirement.norm_insurgency",
        "requirement.violence_low",
        "requirement.violence_high",
        "willingness.gdp_reference",
        "willingness.capacity_reference",
        "willingness.un_peacekeeper_scale",
        "willingness.spend_professional_low",
        "willingness.spend_professional_high",
        "willingness.unit_size",
        "willingness.staff_step",
        "willingness.company_step",
        "forcegen.spend_per_soldier_low",
        "forcegen.spend_per_soldier_high",
        "forcegen.deploy_rate",
        "forcegen.lift_speedup",
        "forcegen.time_limit_s",
        "sectors.block_size",
        "sectors.time_limit_s",
        "dynamics.coverage_half",
        "dynamics.suppression_hill",
        "dynamics.war_coverage_penalty",
        "dynamics.demobilisation_months",
        "dynamics.onset_capability_reference",
        "dynamics.safe_haven_coverage",
        "dynamics.spoiler_max_ratio",
    }
)
#: Not negative: counts, rates, costs, weights, thresholds and multipliers (0 switches several
#: off: ``forcegen.value_per_effective_musd`` 0 weighs no money against strength).
NON_NEGATIVE = frozenset(
    {
        "requirement.proposal_force",
        "willingness.min_contingent",
        "willingness.battalion_threshold",
        "forcegen.interop_outsider",
        "forcegen.interop_un",
        "forcegen.us_cost_per_troop_year_musd",
        "forcegen.value_per_effective_musd",
        "forcegen.mip_rel_gap",
        "forcegen.fixed_point_tolerance",
        "forcegen.fixed_point_iterations",
        # a level of robustness 0 raised to a negative exponent divides by zero
        "roe.robustness_elasticity",
        "roe.step_up_cost_musd_per_thousand",
        "roe.step_up_max",
        "sectors.embed_max_troops",
        "sectors.calm_violence",
        "sectors.hop_penalty",
        "dynamics.dispersion",
        "dynamics.background_floor",
        "dynamics.patron_pk_skill",
        "dynamics.us_led_pk_skill",
        "dynamics.nato_pk_skill",
        "dynamics.un_pk_skill",
        "dynamics.host_pk_skill",
        "dynamics.salience_patron",
        "dynamics.salience_us_led",
        "dynamics.salience_nato",
        "dynamics.salience_un",
        "dynamics.salience_muslim_factor",
        "dynamics.salience_host",
        "dynamics.grievance_per_presence",
        "dynamics.attacks_per_fighter",
        "dynamics.lethality_patron",
        "dynamics.lethality_other",
        "dynamics.war_threshold",
        "dynamics.war_multiplier",
        "dynamics.displaced_per_death",
        "dynamics.mixedness_elasticity",
        "dynamics.support_casualty_sensitivity",
        "dynamics.support_drift",
        "dynamics.shock_size",
        "dynamics.escalation_threshold",
        "dynamics.escalation_rate",
        "dynamics.cost_patron_per_troop",
        "dynamics.cost_other_per_troop",
        "dynamics.realign_per_violence",
        "dynamics.realign_per_protection",
        "dynamics.realign_per_payment",
        "dynamics.realign_per_rival",
        "dynamics.onset_base_hazard",
        "dynamics.onset_peacekeeping_ratio",
        "dynamics.onset_agreement_ratio",
        "dynamics.onset_victory_ratio",
        "dynamics.onset_capability_elasticity",
        "dynamics.onset_vacuum_effect",
        "dynamics.onset_rate",
        "dynamics.max_attacks_per_troop",
    }
)
#: Logit coefficients and intercepts, which take either sign.
ANY_SIGN = frozenset(
    {
        "willingness.intercept",
        "willingness.beta_refugees",
        "willingness.beta_neighbour",
        "willingness.beta_terrorism",
        "willingness.beta_energy",
        "willingness.beta_nato",
        "willingness.beta_eu",
        "willingness.beta_us_presence",
        "willingness.beta_opposed",
        "willingness.beta_capacity",
        "willingness.beta_muslim",
        "willingness.beta_incumbent",
        "willingness.beta_withdrew",
        "willingness.beta_cash",
        "willingness.beta_aid",
        "willingness.beta_airlift",
        "willingness.beta_nato_command",
        "willingness.beta_nato_command_outsider",
        "willingness.beta_un_endorsement",
        "willingness.beta_un_command",
        "willingness.beta_un_command_alliance",
        "willingness.beta_caveat_refused",
        "willingness.size_intercept",
        "willingness.size_capacity",
        "willingness.size_score",
        "willingness.beta_alignment",
        "willingness.beta_partner",
        "willingness.beta_mnna",
        "willingness.beta_persistence",
        "willingness.size_persistence",
        "willingness.size_lead",
        "dynamics.realign_base",
    }
)
#: Integers, as the code rounds or truncates them: the least each takes and what it counts.
WHOLE: Mapping[str, tuple[int, str]] = {
    "requirement.window_months": (1, "months"),
    "sectors.max_nations_per_region": (1, "nations"),
    "forcegen.max_nodes": (0, "branch-and-bound nodes"),
    "sectors.max_nodes": (0, "branch-and-bound nodes"),
}
#: Bounds of their own: the test a value must pass and what to say when it fails.
OWN: Mapping[str, tuple[Callable[[float], bool], str]] = {
    "dynamics.self_excitation": (
        lambda v: 0.0 <= v < 1.0,
        "must lie in [0, 1): it is the share of last month's violence that echoes, and at 1 or "
        "more the violence grows without end",
    ),
    "requirement.mixedness_uplift": (
        lambda v: v > -1.0,
        "must be > -1: the norm is multiplied by 1 + mixedness_uplift x fractionalization, "
        "which must stay positive for every fractionalization in [0, 1]",
    ),
    "willingness.rotation_units": (
        lambda v: v >= 1.0,
        "must be >= 1: it counts the units needed per unit in the theatre, that unit included "
        "(the capacity reads a value below 1 as 1)",
    ),
}

#: Pairs whose values rise in this order (``strict``: never equal), with why.
ORDERED: tuple[tuple[str, str, bool, str], ...] = (
    (
        "requirement.violence_low",
        "requirement.violence_high",
        True,
        "the norm is interpolated on the logarithm of violence from the first to the second",
    ),
    (
        "requirement.norm_policing",
        "requirement.norm_insurgency",
        False,
        "the norm rises from the first at low violence to the second at high violence",
    ),
    (
        "willingness.min_contingent",
        "willingness.unit_size",
        False,
        "a contingent comes in units no smaller than its minimum",
    ),
    (
        "willingness.spend_professional_low",
        "willingness.spend_professional_high",
        True,
        "the professional share is interpolated on the logarithm of spending per soldier from "
        "the first to the second",
    ),
    (
        "forcegen.spend_per_soldier_low",
        "forcegen.spend_per_soldier_high",
        True,
        "quality is interpolated on the logarithm of spending per soldier from the first to the "
        "second",
    ),
)


def has_domain(name: str) -> bool:
    """Whether a parameter of the stages this module covers has a domain here."""
    return name in SHARES | POSITIVE | NON_NEGATIVE | ANY_SIGN or name in WHOLE or name in OWN


def domain_error(name: str, low: float, value: float, high: float) -> str | None:
    """Why the model refuses a declared parameter's value or range; None if it accepts them (or
    the name is no parameter of a stage: an unknown name is refused elsewhere)."""
    if name.startswith("bargain."):  # the stage's own domain, with its draws of parameters
        from grudging.model.bargain.params import declared_value_error

        problem = declared_value_error(name, low, value, high)
        return f"{problem}; give a value and range inside that domain" if problem else None
    for which, v in (("value", value), ("low", low), ("high", high)):
        problem = _outside(name, v)
        if problem:
            return (
                f"parameter '{name}' = {v:g} (its declared {which}) {problem}; give a value and "
                "range inside that domain"
            )
    return None


def _outside(name: str, v: float) -> str | None:
    if not math.isfinite(v):
        return "is not a finite number"
    if name in OWN:
        test, text = OWN[name]
        return None if test(v) else text
    if name in WHOLE:
        least, counted = WHOLE[name]
        ok = float(v).is_integer() and v >= least
        return None if ok else f"must be an integer >= {least}; it is a number of {counted}"
    if name in SHARES:
        return None if 0.0 <= v <= 1.0 else "must lie in [0, 1]; it is a share"
    if name in POSITIVE:
        return None if v > 0.0 else "must be > 0"
    if name in NON_NEGATIVE:
        return None if v >= 0.0 else "must be >= 0"
    return None  # ANY_SIGN, the bargain's own and names no stage reads


class Declared(Protocol):
    """What :func:`order_error` reads of a declared parameter."""

    @property
    def name(self) -> str: ...
    @property
    def low(self) -> float: ...
    @property
    def value(self) -> float: ...
    @property
    def high(self) -> float: ...


def order_error(params: Iterable[Declared]) -> tuple[str, str] | None:
    """The first pair of :data:`ORDERED` whose declared values are out of order or whose ranges
    overlap, as (the upper parameter's name, why); None if every pair the parameters hold is in
    order."""
    by_name = {p.name: p for p in params}
    for first, second, strict, why in ORDERED:
        a, b = by_name.get(first), by_name.get(second)
        if a is None or b is None:
            continue
        short_a, short_b = first.split(".", 1)[1], second.split(".", 1)[1]
        sign = "<" if strict else "<="
        if a.value > b.value or (strict and a.value == b.value):
            return second, (
                f"parameters '{first}' = {a.value:g} and '{second}' = {b.value:g} (their "
                f"declared values) must rise in that order ({short_a} {sign} {short_b}): {why}; "
                f"give '{second}' a value {'above' if strict else 'at least'} {a.value:g} or "
                f"lower '{first}'"
            )
        if a.high > b.low:
            return second, (
                f"parameters '{first}' (range [{a.low:g}, {a.high:g}]) and '{second}' (range "
                f"[{b.low:g}, {b.high:g}]) overlap: a draw could put {short_a} above {short_b}, "
                f"and {why}; give ranges that do not overlap (the high of '{first}' at most the "
                f"low of '{second}')"
            )
    return None

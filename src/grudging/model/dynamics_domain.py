"""The values the dynamics' equations allow, so that a declared value or range outside them is
refused where it is written (the bargain stage has its own: ``bargain.params``).

A theatre author may widen any range with a source; these bounds are not uncertainty but
arithmetic. A share of last month's violence that echoes (``self_excitation``) at 1 or more makes
the month loop explode (a Hawkes process is stationary only below 1: Hawkes 1971; Lewis et al.
2012); a share, a probability or a ratio of one population to another lies in [0, 1]; counts,
rates, costs and multipliers are not negative; a curve's half point, its steepness, a divisor and
a duration are positive. A theatre author's audit widened ``self_excitation`` to 1e300: the
sampler and the month loop overflowed and every inhabitant died in the runs.
"""

from __future__ import annotations

import math

#: Shares, probabilities and ratios of one part to its whole: in [0, 1].
SHARES = frozenset(
    {
        "spillover",
        "presence_driven_share",
        "war_exit_ratio",
        "national_war_share",
        "refugee_share",
        "settlement_effect",
        "realigned_to_security",
        "leave_threshold",
        "shock_rate",
        "escalation_refugee_share",
        "un_assessment_patron",
        "host_sectarian_penalty",
        "realign_rate",
        "spoiler_attrition",
    }
)
#: Strictly positive: a curve's half point and steepness, divisors, durations, references.
POSITIVE = frozenset(
    {
        "coverage_half",
        "suppression_hill",
        "war_coverage_penalty",
        "demobilisation_months",
        "onset_capability_reference",
        "safe_haven_coverage",
        "spoiler_max_ratio",
    }
)
#: Logits, which take either sign.
ANY_SIGN = frozenset({"realign_base"})


def domain_error(name: str, low: float, value: float, high: float) -> str | None:
    """Why the dynamics refuse a declared ``dynamics.*`` parameter's value or range; None if they
    accept it (or the name is not a dynamics parameter)."""
    from grudging.model.dynamics import DynamicsParams

    field = name.removeprefix("dynamics.")
    if field == name or field not in DynamicsParams.__dataclass_fields__:
        return None  # not a parameter of the dynamics (an unknown name is refused elsewhere)
    for which, v in (("value", value), ("low", low), ("high", high)):
        problem = _outside(field, v)
        if problem:
            return (
                f"parameter '{name}' = {v:g} (its declared {which}) {problem}; give a value and "
                "range inside that domain"
            )
    return None


def _outside(field: str, v: float) -> str | None:
    if not math.isfinite(v):
        return "is not a finite number"
    if field == "self_excitation":
        if not 0.0 <= v < 1.0:
            return (
                "must lie in [0, 1): it is the share of last month's violence that echoes, and "
                "at 1 or more the violence grows without end"
            )
        return None
    if field in SHARES:
        return None if 0.0 <= v <= 1.0 else "must lie in [0, 1]; it is a share"
    if field in POSITIVE:
        return None if v > 0.0 else "must be > 0"
    if field in ANY_SIGN:
        return None
    return None if v >= 0.0 else "must be >= 0"

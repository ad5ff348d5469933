"""An agreement in place: a settlement the scenario starts with, and its monthly collapse hazard.

A scenario's ``agreement`` (e.g. an initialled peace agreement) exists at the start: in every
option its signatories start signed and no new bargain is drawn; the option only decides who
guarantees it (its bargain's guarantor, fielded as the option fields it; none without one).
The engine's monthly hazard is ``h0 + kept x (h_g - h0)`` with ``h = -ln(P_hold) / W``:
``P_hold`` is the bargain's holding rule
(:func:`~grudging.model.bargain.commitment.hold_probability`: Walter's base rate
``implementation_base``, the share ``relapse_reduction`` of the relapse risk a credible guarantor
removes, the factions outside) under the guarantor (``h_g``) and under none (``h0``), ``W`` the
five-year window those values describe, and ``kept`` the guarantor's coverage now over its planned
peak (its presence): a guarantor that leaves takes its guarantee with it, down to no guarantee.

References: Walter, B. F. (2002). *Committing to Peace*. Princeton UP (ch. 4: guarantees and
implementation). Fortna, V. P. (2008). *Does Peacekeeping Work?* Princeton UP (relapse within five
years; peacekeepers cut the hazard by 55-85 %).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from grudging.model.bargain.commitment import hold_probability
from grudging.model.bargain.params import (
    BargainParams,
    guarantee_credibility,
    guarantor_figures,
    param_draws,
)
from grudging.model.dynamics import SettlementPlan
from grudging.model.parameters import stage_parameters
from grudging.scenario.commands import commands_of

if TYPE_CHECKING:
    from grudging.options import OptionPlan
    from grudging.scenario.schema import Command, Scenario

FloatArray = NDArray[np.float64]

#: Months over which the holding probability is read: Fortna's (2008) five-year relapse window,
#: the outcome of the settlement calibration (docs/design-notes/settlement-calibration.md).
AGREEMENT_WINDOW_MONTHS = 60.0


def signatory_mask(scn: Scenario) -> NDArray[np.bool_]:
    """(F,) whether each faction (in the scenario's order) signed the agreement in place;
    spoilers never count as signed."""
    assert scn.agreement is not None
    signed = set(scn.agreement.signatories)
    return np.array([f.id in signed and not f.spoiler for f in scn.factions], dtype=bool)


def agreement_credibility(
    kind: str, params: BargainParams, commands: dict[str, Command] | None = None
) -> float | FloatArray:
    """The guarantor's credibility at each parameter draw (a float when all are scalar), from
    its registry figures (:func:`~grudging.model.bargain.params.guarantor_figures`)."""
    count = param_draws(params)
    if kind == "none":
        return 0.0 if count is None else np.zeros(count)
    reads = [
        *guarantor_figures(kind, params, commands),
        params.strength_half,
        params.strength_steepness,
        params.commitment_years_scale,
    ]
    if count is None:
        return guarantee_credibility(kind, *map(float, reads))
    rows = [np.broadcast_to(np.asarray(v, dtype=float), (count,)) for v in reads]
    return np.array(
        [guarantee_credibility(kind, *map(float, values)) for values in zip(*rows, strict=True)]
    )


def agreement_hold(
    scn: Scenario, kind: str, params: BargainParams
) -> tuple[NDArray[np.bool_], float | FloatArray]:
    """Signatories and P(the agreement holds over :data:`AGREEMENT_WINDOW_MONTHS`) under a
    guarantor of ``kind`` whose ``<kind>`` parameters describe it (one per draw when the
    parameters are arrays)."""
    signed = signatory_mask(scn)
    capability = np.array([f.capability for f in scn.factions], dtype=float)
    cred = agreement_credibility(kind, params, commands_of(scn))
    count = param_draws(params)
    if count is None:
        return signed, float(hold_probability(cred, signed[None, :], capability, params)[0])
    shaped = _column(params, count)
    held = hold_probability(np.asarray(cred)[:, None], signed[None, :], capability[None, :], shaped)
    return signed, np.asarray(held, dtype=float)


def _column(params: BargainParams, count: int) -> BargainParams:
    """The parameters with array fields shaped (P, 1) to broadcast over factions."""
    from grudging.model.bargain.params import params_shaped

    return params_shaped(params, (count, 1), slice(None))


def agreement_settlement(
    scn: Scenario, plan: OptionPlan, values: Mapping[str, Any]
) -> SettlementPlan:
    """The engine's settlement for an agreement in place under this option: formed and signed at
    month 0 by its signatories, guaranteed by the option's guarantor (as the option fields it),
    holding with the bargain's rule over a five-year window."""
    b_params = stage_parameters(BargainParams, values, "bargain")
    guarantee = plan.guarantee
    kind = guarantee.kind if guarantee is not None else "none"
    if guarantee is not None:
        b_params = guarantee.params(b_params)
    signed, held = agreement_hold(scn, kind, b_params)
    _, bare = agreement_hold(scn, "none", b_params)
    settle = plan.inputs.settlement
    units = len(plan.inputs.units)
    mask = settle.guarantor if settle is not None else np.zeros(units, dtype=bool)
    return SettlementPlan(
        month=0,
        p_forms=1.0,
        p_sign=signed.astype(float),
        p_holds=held,
        commitment_months=AGREEMENT_WINDOW_MONTHS,
        guarantor=mask,
        p_holds_unguarded=bare,
        in_force=True,
    )

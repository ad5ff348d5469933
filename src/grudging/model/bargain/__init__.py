"""The bargaining stage: does a Dayton-like grand compromise form, on what terms, who stays out?

A ladder of models, each reported against the simplest (MODEL.md section 3.5):

1. the compromise baseline - capability x salience weighted mean per issue
   (:mod:`~grudging.model.bargain.compromise`);
2. the asymmetric Nash bargaining solution over the issues and the aid, with each faction's value
   of fighting on as its disagreement point (:mod:`~grudging.model.bargain.nash`);
3. the commitment problem: a faction signs only if it trusts that its disarmament will not be
   exploited, and a third-party guarantor raises that trust with its credibility
   (:mod:`~grudging.model.bargain.commitment`).

:func:`bargain` runs the ladder and the Monte Carlo over the factions' coding;
:func:`bargain_draws` does the same, vectorised, for many draws of the stage's parameters.
"""

from grudging.model.bargain.compromise import compromise_positions
from grudging.model.bargain.draws import BargainDraws, bargain_draws
from grudging.model.bargain.nash import NashSolution, nash_bargaining, policy_utility
from grudging.model.bargain.params import (
    GUARANTOR_KINDS,
    BargainParams,
    Guarantor,
    credibility,
    default_guarantor,
    implementation_probability,
)
from grudging.model.bargain.problem import (
    BargainProblem,
    problem_from_factions,
    problem_from_scenario,
)
from grudging.model.bargain.results import (
    BargainResult,
    GuarantorOutcome,
    Offer,
    Remedy,
    TermsSpread,
)
from grudging.model.bargain.stage import bargain

STAGE = "bargain"
"""Prefix of the stage's parameter names in a scenario."""

__all__ = [
    "GUARANTOR_KINDS",
    "STAGE",
    "BargainDraws",
    "BargainParams",
    "BargainProblem",
    "BargainResult",
    "Guarantor",
    "GuarantorOutcome",
    "NashSolution",
    "Offer",
    "Remedy",
    "TermsSpread",
    "bargain",
    "bargain_draws",
    "compromise_positions",
    "credibility",
    "default_guarantor",
    "implementation_probability",
    "nash_bargaining",
    "policy_utility",
    "problem_from_factions",
    "problem_from_scenario",
]

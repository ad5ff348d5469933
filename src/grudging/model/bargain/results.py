"""Result types of the bargaining stage: frozen dataclasses with tidy tables."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from grudging.errors import ParameterError, unknown_name
from grudging.model.bargain.params import Guarantor


def _clean(value: Any) -> Any:
    """Plain JSON data: NaN and infinite floats become None, tuples become lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


@dataclass(frozen=True)
class Offer:
    """Terms of a deal: a position on every issue and a share of the aid per faction."""

    rung: str
    terms: dict[str, float]
    aid_shares: dict[str, float]
    participants: tuple[str, ...]


@dataclass(frozen=True)
class TermsSpread:
    """Spread of the terms of a rung over the Monte Carlo draws (5 %, median, 95 %)."""

    rung: str
    draws: int
    low: dict[str, float]
    median: dict[str, float]
    high: dict[str, float]


@dataclass(frozen=True)
class Remedy:
    """What would bring a holdout in, under one guarantor.

    ``extra_aid_musd`` is the smallest aid earmarked to the faction (US$ million a year, on top
    of the offer) with which it signs in at least ``target`` of the draws; ``strength_ratio`` the
    smallest strength of this guarantor (others unchanged) with which it does. ``None`` means
    none within the bounds (``bargain.max_extra_aid_musd``, ``bargain.max_strength_ratio``) or,
    for strength, that there is no guarantor to strengthen.
    """

    faction: str
    p_holdout: float
    target: float
    extra_aid_musd: float | None
    strength_ratio: float | None
    nominal_extra_aid_musd: float | None
    nominal_strength_ratio: float | None


@dataclass(frozen=True)
class GuarantorOutcome:
    """The commitment rung under one guarantor."""

    guarantor: Guarantor
    credibility: float
    implementation_probability: float
    p_deal: float
    p_holds_given_deal: float
    p_deal_holds: float
    p_deal_compromise_offer: float
    p_sign: dict[str, float]
    p_sign_given_deal: dict[str, float]
    surplus: dict[str, float]
    nominal_signatories: tuple[str, ...]
    nominal_deal: bool
    remedies: tuple[Remedy, ...]
    terms: dict[str, float] = field(default_factory=dict)
    """The Nash offer's terms as agreed under this guarantor (the troop timetable fitted to its
    stay; see :mod:`grudging.model.bargain.terms`)."""
    p_full_deal: float = float("nan")
    """P(a deal forms with every non-spoiler signed)."""
    partial_deals: tuple[tuple[tuple[str, ...], float], ...] = ()
    """Deals that form with holdouts: the most frequent signatory sets and their probability."""

    @property
    def holdouts(self) -> tuple[str, ...]:
        """Non-spoiler factions that stay out in at least half of the draws."""
        return tuple(r.faction for r in self.remedies if r.p_holdout >= 0.5)


@dataclass(frozen=True)
class BargainResult:
    """Everything the bargaining stage computes for one scenario and one or more guarantors.

    Attributes
    ----------
    factions, issues, spoilers
        Ids; spoilers never sign and are reported apart from holdouts.
    aid_musd
        Aid on offer, US$ million a year.
    draws, seed_note
        Monte Carlo draws over the coding of the factions.
    capability, war_value, exploited_value
        Nominal capability and the values of fighting on and of being exploited (policy units).
    compromise, nash
        Rungs 1 and 2 (offers), computed from the nominal coding.
    compromise_spread, nash_spread
        Their spread over the draws.
    nash_surplus
        Nominal surplus of each faction at the Nash offer under perfect enforcement.
    p_deal_perfect
        P(deal forms) under perfect enforcement, for the compromise and the Nash offers.
    outcomes
        Rung 3, one per guarantor.
    """

    scenario: str
    factions: tuple[str, ...]
    issues: tuple[str, ...]
    spoilers: tuple[str, ...]
    aid_musd: float
    draws: int
    capability: dict[str, float]
    war_value: dict[str, float]
    exploited_value: dict[str, float]
    compromise: Offer
    nash: Offer
    compromise_spread: TermsSpread
    nash_spread: TermsSpread
    nash_surplus: dict[str, float]
    p_deal_perfect: dict[str, float]
    outcomes: tuple[GuarantorOutcome, ...]

    def outcome(self, kind: str) -> GuarantorOutcome:
        """The outcome under the guarantor of this kind."""
        for o in self.outcomes:
            if o.guarantor.kind == kind:
                return o
        raise ParameterError(
            unknown_name("guarantor", kind, [o.guarantor.kind for o in self.outcomes])
        )

    # Tables ---------------------------------------------------------------------------------
    def guarantors_frame(self) -> pd.DataFrame:
        """One row per guarantor: credibility, P(deal), P(holds), holdouts."""
        rows = []
        for o in self.outcomes:
            g = o.guarantor
            rows.append(
                {
                    "guarantor": g.kind,
                    "strength_ratio": g.strength_ratio,
                    "impartiality": g.impartiality,
                    "commitment_years": g.commitment_years,
                    "credibility": o.credibility,
                    "implementation_probability": o.implementation_probability,
                    "p_deal": o.p_deal,
                    "p_holds_given_deal": o.p_holds_given_deal,
                    "p_deal_holds": o.p_deal_holds,
                    "p_deal_compromise_offer": o.p_deal_compromise_offer,
                    "holdouts": ";".join(o.holdouts),
                    "spoilers": ";".join(self.spoilers),
                }
            )
        return pd.DataFrame(rows)

    def terms_frame(self) -> pd.DataFrame:
        """One row per issue: the terms of the compromise and Nash rungs with their spreads."""
        rows = []
        for issue in self.issues:
            rows.append(
                {
                    "issue": issue,
                    "compromise": self.compromise.terms[issue],
                    "compromise_low": self.compromise_spread.low[issue],
                    "compromise_high": self.compromise_spread.high[issue],
                    "nash": self.nash.terms[issue],
                    "nash_low": self.nash_spread.low[issue],
                    "nash_high": self.nash_spread.high[issue],
                }
            )
        return pd.DataFrame(rows)

    def factions_frame(self) -> pd.DataFrame:
        """One row per (guarantor, faction): P(signs), surplus, what would bring it in."""
        rows = []
        for o in self.outcomes:
            remedies = {r.faction: r for r in o.remedies}
            for f in self.factions:
                r = remedies.get(f)
                rows.append(
                    {
                        "guarantor": o.guarantor.kind,
                        "faction": f,
                        "spoiler": f in self.spoilers,
                        "capability": self.capability[f],
                        "war_value": self.war_value[f],
                        "nash_aid_share": self.nash.aid_shares.get(f, 0.0),
                        "nash_surplus": self.nash_surplus[f],
                        "p_sign": o.p_sign[f],
                        "surplus": o.surplus[f],
                        "p_holdout": r.p_holdout if r else (0.0 if f not in self.spoilers else 1.0),
                        "extra_aid_musd": r.extra_aid_musd if r else None,
                        "strength_ratio_needed": r.strength_ratio if r else None,
                    }
                )
        return pd.DataFrame(rows)

    def to_frame(self) -> pd.DataFrame:
        """Everything as one tidy long table: guarantor, faction, issue, quantity, value."""
        rows: list[dict[str, Any]] = []

        def add(
            quantity: str, value: Any, guarantor: str = "", faction: str = "", issue: str = ""
        ) -> None:
            rows.append(
                {
                    "guarantor": guarantor,
                    "faction": faction,
                    "issue": issue,
                    "quantity": quantity,
                    "value": value,
                }
            )

        for issue in self.issues:
            add("compromise_term", self.compromise.terms[issue], issue=issue)
            add("nash_term", self.nash.terms[issue], issue=issue)
            add("nash_term_low", self.nash_spread.low[issue], issue=issue)
            add("nash_term_high", self.nash_spread.high[issue], issue=issue)
        for rung, p in self.p_deal_perfect.items():
            add(f"p_deal_perfect_enforcement_{rung}", p)
        for f in self.factions:
            add("war_value", self.war_value[f], faction=f)
            add("nash_surplus", self.nash_surplus[f], faction=f)
            add("nash_aid_share", self.nash.aid_shares.get(f, 0.0), faction=f)
        for o in self.outcomes:
            kind = o.guarantor.kind
            add("credibility", o.credibility, kind)
            add("p_deal", o.p_deal, kind)
            add("p_holds_given_deal", o.p_holds_given_deal, kind)
            add("p_deal_holds", o.p_deal_holds, kind)
            add("p_deal_compromise_offer", o.p_deal_compromise_offer, kind)
            for f in self.factions:
                add("p_sign", o.p_sign[f], kind, f)
                add("surplus", o.surplus[f], kind, f)
            for r in o.remedies:
                add("p_holdout", r.p_holdout, kind, r.faction)
                add("extra_aid_musd", r.extra_aid_musd, kind, r.faction)
                add("strength_ratio_needed", r.strength_ratio, kind, r.faction)
        return pd.DataFrame(rows, columns=["guarantor", "faction", "issue", "quantity", "value"])

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (infinite values become ``None``)."""

        def offer(o: Offer) -> dict[str, Any]:
            return {
                "rung": o.rung,
                "terms": o.terms,
                "aid_shares": o.aid_shares,
                "participants": list(o.participants),
            }

        def spread(s: TermsSpread) -> dict[str, Any]:
            return {
                "rung": s.rung,
                "draws": s.draws,
                "low": s.low,
                "median": s.median,
                "high": s.high,
            }

        return _clean(
            {
                "scenario": self.scenario,
                "factions": list(self.factions),
                "issues": list(self.issues),
                "spoilers": list(self.spoilers),
                "aid_musd_per_year": self.aid_musd,
                "draws": self.draws,
                "capability": self.capability,
                "war_value": self.war_value,
                "exploited_value": self.exploited_value,
                "ladder": {
                    "compromise": offer(self.compromise),
                    "nash": offer(self.nash),
                    "compromise_spread": spread(self.compromise_spread),
                    "nash_spread": spread(self.nash_spread),
                    "nash_surplus": self.nash_surplus,
                    "p_deal_perfect_enforcement": self.p_deal_perfect,
                },
                "guarantors": [
                    {
                        "kind": o.guarantor.kind,
                        "strength_ratio": o.guarantor.strength_ratio,
                        "impartiality": o.guarantor.impartiality,
                        "commitment_years": o.guarantor.commitment_years,
                        "credibility": o.credibility,
                        "implementation_probability": o.implementation_probability,
                        "p_deal": o.p_deal,
                        "p_holds_given_deal": o.p_holds_given_deal,
                        "p_deal_holds": o.p_deal_holds,
                        "p_deal_compromise_offer": o.p_deal_compromise_offer,
                        "nominal_deal": o.nominal_deal,
                        "terms": o.terms,
                        "p_full_deal": o.p_full_deal,
                        "partial_deals": [
                            {"signatories": list(members), "probability": p}
                            for members, p in o.partial_deals
                        ],
                        "nominal_signatories": list(o.nominal_signatories),
                        "holdouts": list(o.holdouts),
                        "p_sign": o.p_sign,
                        "surplus": o.surplus,
                        "remedies": [
                            {
                                "faction": r.faction,
                                "p_holdout": r.p_holdout,
                                "target_share_of_draws": r.target,
                                "extra_aid_musd": r.extra_aid_musd,
                                "strength_ratio": r.strength_ratio,
                                "nominal_extra_aid_musd": r.nominal_extra_aid_musd,
                                "nominal_strength_ratio": r.nominal_strength_ratio,
                            }
                            for r in o.remedies
                        ],
                    }
                    for o in self.outcomes
                ],
            }
        )

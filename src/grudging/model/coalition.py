"""The coalition a force-generation conference generates: contingents, price, solver report.

Result types of :mod:`~grudging.model.forcegen`, kept apart so that the stages that read a
coalition (ROE, sectors) need not import force generation itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Contingent:
    """A nation's contingent: size, quality, caveats, arrival, what it was offered and its price.

    ``price_per_effective_usd`` is the first-year money of its package per effective soldier;
    ``incremental_price_usd`` is the money per effective soldier gained over what the nation
    would give for no money (None when it would give as much for free). ``theatre_troops``,
    ``alignment`` (UNGA agreement with the patron) and ``tie`` are the nation's, for display.
    """

    nation: str
    name: str
    troops: int
    quality: float
    effective_strength: float
    caveats: tuple[str, ...]
    lifted_caveats: tuple[str, ...]
    refused_caveats: tuple[str, ...]
    roe_steps_bought: int
    arrival_month: int
    offers: tuple[str, ...]
    cost_musd: float
    cost_musd_per_year: float
    political_cost: float
    probability: float
    score: float
    reasons: tuple[tuple[str, float], ...]
    price_per_effective_usd: float
    incremental_price_usd: float | None
    lead: bool = False
    followers: tuple[str, ...] = ()
    theatre_troops: int = 0
    alignment: float | None = None
    tie: str = "none"


@dataclass(frozen=True)
class CostPoint:
    """One point of the cost curve.

    ``spent_musd`` is the money the most effective solution found commits (not minimised).
    """

    budget_musd: float
    effective_strength: float
    troops: int
    spent_musd: float
    nations: int
    optimal: bool


@dataclass(frozen=True)
class SolverReport:
    """How the programme was solved."""

    status: str
    optimal: bool
    mip_gap: float | None
    solve_seconds: float
    solves: int
    n_variables: int
    n_constraints: int
    fixed_point_iterations: int
    fixed_point_residual: float


@dataclass(frozen=True)
class CandidateStatus:
    """Why a candidate is in or out."""

    nation: str
    name: str
    status: str
    reason: str


@dataclass(frozen=True)
class Coalition:
    """The coalition a conference generates, its price and how it was found."""

    contingents: tuple[Contingent, ...]
    command: str
    roe_level: str
    global_offers: tuple[str, ...]
    budget_musd: float
    political_capital: float
    total_troops: int
    total_effective: float
    total_cost_musd: float
    cost_musd_per_year: float
    political_spent: float
    requirement_total: float
    target_troops: int | None
    expected_ratio: float
    marginal_effective_per_musd: float | None
    us_equivalent_cost_musd: float
    cost_curve: tuple[CostPoint, ...]
    candidates: tuple[CandidateStatus, ...]
    solver: SolverReport

    @property
    def gap(self) -> float:
        """Requirement minus effective strength (never negative)."""
        return max(0.0, self.requirement_total - self.total_effective)

    @property
    def coverage(self) -> float:
        """Effective strength over the requirement."""
        return self.total_effective / self.requirement_total if self.requirement_total else 0.0

    def contingent(self, nation: str) -> Contingent:
        """The contingent of one nation."""
        for c in self.contingents:
            if c.nation == nation:
                return c
        raise KeyError(nation)

    def to_frame(self) -> pd.DataFrame:
        """One row per contingent."""
        import pandas as pd

        rows = []
        for c in self.contingents:
            row = dict(c.__dict__)
            for key in ("caveats", "lifted_caveats", "refused_caveats", "offers", "followers"):
                row[key] = ";".join(row[key])
            row["reasons"] = ";".join(name for name, _ in c.reasons)
            rows.append(row)
        return pd.DataFrame(rows)

    def cost_curve_frame(self) -> pd.DataFrame:
        """The cost curve as a table."""
        import pandas as pd

        return pd.DataFrame([p.__dict__ for p in self.cost_curve])

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        import dataclasses

        out = dataclasses.asdict(self)
        out["gap"] = self.gap
        out["coverage"] = self.coverage
        for c in out["contingents"]:
            c["reasons"] = [{"term": n, "value": v} for n, v in c["reasons"]]
        return out

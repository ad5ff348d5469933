"""Requirement: the troops a stabilization force needs, region by region.

The requirement of a region is a force-density norm (troops per 1,000 inhabitants) times its
population, less the host nation's security forces weighted by their reliability. The norm runs
from the policing level (about 1-4 per 1,000) to the level of population security in a violent
insurgency (about 20 per 1,000) and is interpolated on the region's recent violence per capita
(log scale), then raised for mixed (fractionalised) regions, where a force must separate
communities as well as police them.

Uncertainty: the interval comes from a Latin hypercube over the ranges the scenario declares for
the ``requirement.*`` parameters (5th and 95th percentiles of each region and of the total).

References
----------
Quinlivan, J. T. (1995). Force requirements in stability operations. *Parameters* 25(4), 59-69.
Dobbins, J. et al. (2003). *America's Role in Nation-Building: From Germany to Iraq*. RAND
MR-1753 (peak densities: Bosnia 18.6, Kosovo about 20 per 1,000).
Alesina, A. et al. (2003). Fractionalization. *Journal of Economic Growth* 8(2), 155-194.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

import numpy as np

from grudging.errors import ParameterError
from grudging.model.parameters import stage_parameters
from grudging.model.sampling import latin_hypercube
from grudging.scenario.schema import month_index

if TYPE_CHECKING:
    import pandas as pd

    from grudging.scenario.schema import Parameter, Region, Scenario

STAGE = "requirement"
#: Observation series holding civilian deaths by region and month.
VIOLENCE_SERIES = "civilian_deaths"


@dataclass(frozen=True)
class RequirementParams:
    """Parameters of the requirement stage (scenario names ``requirement.<field>``).

    Attributes
    ----------
    norm_policing:
        Troops per 1,000 inhabitants where violence is at or below ``violence_low``.
    norm_insurgency:
        Troops per 1,000 where violence is at or above ``violence_high``.
    violence_low, violence_high:
        Monthly civilian deaths per 100,000 inhabitants bounding the interpolation.
    mixedness_uplift:
        Relative increase of the norm per unit of fractionalization (0 = none).
    host_reliability:
        Share of host-nation security forces that count as reliable troops.
    window_months:
        Months of observations before the information date averaged into violence per capita.
    proposal_force:
        The force the proposal puts forward (shown beside the requirement, not used in it); 0
        where the scenario declares none (a theatre without a proposal).
    """

    norm_policing: float
    norm_insurgency: float
    violence_low: float
    violence_high: float
    mixedness_uplift: float
    host_reliability: float
    window_months: float
    proposal_force: float = 0.0


@dataclass(frozen=True)
class RegionRequirement:
    """The requirement of one region."""

    region: str
    population: int
    violence_per_100k: float
    fractionalization: float
    density_norm: float
    gross_troops: float
    host_forces: int
    host_effective: float
    troops: float
    low: float
    high: float


@dataclass(frozen=True)
class Requirement:
    """Troops needed per region and in total, with the interval from the parameter ranges."""

    regions: tuple[RegionRequirement, ...]
    total: float
    total_low: float
    total_high: float
    population: int
    proposal_force: float
    draws: int

    @property
    def by_region(self) -> dict[str, float]:
        """Nominal requirement by region id."""
        return {r.region: r.troops for r in self.regions}

    @property
    def density_per_1000(self) -> float:
        """The total gross requirement per 1,000 inhabitants (before host forces)."""
        gross = sum(r.gross_troops for r in self.regions)
        return 1000.0 * gross / self.population

    @property
    def proposal_share(self) -> float:
        """The proposal's force as a share of the nominal requirement."""
        return self.proposal_force / self.total if self.total > 0 else math.inf

    def region(self, region_id: str) -> RegionRequirement:
        """The requirement of one region."""
        for r in self.regions:
            if r.region == region_id:
                return r
        raise KeyError(region_id)

    def to_frame(self) -> pd.DataFrame:
        """One row per region plus a ``total`` row."""
        import pandas as pd

        rows = [r.__dict__.copy() for r in self.regions]
        rows.append(
            {
                "region": "total",
                "population": self.population,
                "violence_per_100k": float("nan"),
                "fractionalization": float("nan"),
                "density_norm": self.density_per_1000,
                "gross_troops": sum(r.gross_troops for r in self.regions),
                "host_forces": sum(r.host_forces for r in self.regions),
                "host_effective": sum(r.host_effective for r in self.regions),
                "troops": self.total,
                "low": self.total_low,
                "high": self.total_high,
            }
        )
        return pd.DataFrame(rows)


# Inputs -------------------------------------------------------------------------------------------
def violence_per_100k(scn: Scenario, window_months: int) -> dict[str, float]:
    """Mean monthly civilian deaths per 100,000 over the last ``window_months`` months.

    Uses the ``civilian_deaths`` observations in the window that ends at the information date.
    The series counts recorded deaths, so when some regions have observations in the window a
    region or month without one counts as zero. Only when there are no regional observations at
    all does every region take the national rate (observations without a region), so that a
    missing series does not read as peace whenever a national one exists.
    """
    end = month_index(scn.information_date)
    start = end - max(1, window_months) + 1
    months = end - start + 1
    by_region: dict[str, float] = {}
    national = 0.0
    national_seen = False
    for obs in scn.observations:
        if obs.series != VIOLENCE_SERIES:
            continue
        m = month_index(obs.month)
        if not start <= m <= end:
            continue
        if obs.region is None:
            national += obs.value
            national_seen = True
        else:
            by_region[obs.region] = by_region.get(obs.region, 0.0) + obs.value
    if not by_region and national_seen:
        rate = 1e5 * national / months / scn.population
        return {r.id: rate for r in scn.regions}
    return {r.id: 1e5 * by_region.get(r.id, 0.0) / months / r.population for r in scn.regions}


# The norm -----------------------------------------------------------------------------------------
def density_norm(violence: float, fractionalization: float, p: RequirementParams) -> float:
    """Troops per 1,000 inhabitants for a region's violence and mixedness.

    Log-linear interpolation between the policing and insurgency norms on violence per capita,
    times ``1 + mixedness_uplift * fractionalization``.
    """
    lo, hi = max(p.violence_low, 1e-9), max(p.violence_high, 1e-9)
    if hi <= lo:
        t = 1.0 if violence >= hi else 0.0
    elif violence <= lo:
        t = 0.0
    elif violence >= hi:
        t = 1.0
    else:
        t = (math.log(violence) - math.log(lo)) / (math.log(hi) - math.log(lo))
    base = p.norm_policing + t * (p.norm_insurgency - p.norm_policing)
    return base * (1.0 + p.mixedness_uplift * fractionalization)


def _region_troops(
    region: Region, violence: float, p: RequirementParams
) -> tuple[float, float, float, float]:
    norm = density_norm(violence, region.fractionalization, p)
    gross = region.population * norm / 1000.0
    host = region.host_forces * p.host_reliability
    return norm, gross, host, max(0.0, gross - host)


def _nominal(
    scn: Scenario, p: RequirementParams, violence: Mapping[str, float]
) -> list[tuple[Region, float, float, float, float]]:
    return [(r, *_region_troops(r, violence[r.id], p)) for r in scn.regions]


# The stage ----------------------------------------------------------------------------------------
def requirement(
    scn: Scenario,
    params: RequirementParams,
    rng: np.random.Generator | None = None,
    draws: int = 256,
    declared: Sequence[Parameter] | None = None,
) -> Requirement:
    """Troops needed per region, with a 5-95 % interval from the parameters' ranges.

    Parameters
    ----------
    scn:
        The scenario (regions, host forces, observations up to the information date).
    params:
        Nominal parameter values.
    rng:
        Generator for the Latin hypercube; without one (or with ``draws=0``) the interval
        collapses to the nominal value.
    draws:
        Points of the Latin hypercube.
    declared:
        The ``requirement.*`` parameter records whose ranges are sampled (default: those the
        scenario declares; parameters it does not declare stay at their nominal value).
    """
    if params.host_reliability < 0 or params.host_reliability > 1:
        raise ParameterError(
            f"requirement.host_reliability = {params.host_reliability}: a reliability is a share; "
            "give a value in [0, 1]"
        )
    if params.norm_policing < 0 or params.norm_insurgency < 0:
        raise ParameterError("requirement norms must be non-negative troops per 1,000 inhabitants")
    window = round(params.window_months)
    violence = violence_per_100k(scn, window)
    nominal = _nominal(scn, params, violence)

    if declared is None:
        names = {f"{STAGE}.{f.name}" for f in fields(RequirementParams)}
        # declared with a range, fixed since or not: a fixed one keeps its column of the draws
        declared = [
            p
            for p in scn.parameters
            if p.name in names and p.declared_range[1] > p.declared_range[0]
        ]
    sampled = [p for p in declared if p.name != f"{STAGE}.window_months"]
    lows = {r.id: t for r, _, _, _, t in nominal}
    highs = dict(lows)
    total_low = total_high = sum(lows.values())
    n_draws = draws if (rng is not None and sampled and draws > 0) else 0
    if n_draws:
        design = latin_hypercube(sampled, n_draws, rng)  # type: ignore[arg-type]
        per_region = np.empty((n_draws, len(scn.regions)))
        for k in range(n_draws):
            changes = {name.split(".", 1)[1]: float(v[k]) for name, v in design.items()}
            pk = replace(params, **changes)
            for j, (r, *_rest) in enumerate(nominal):
                per_region[k, j] = _region_troops(r, violence[r.id], pk)[3]
        q = np.quantile(per_region, [0.05, 0.95], axis=0)
        totals = np.quantile(per_region.sum(axis=1), [0.05, 0.95])
        lows = {r.id: float(q[0, j]) for j, (r, *_rest) in enumerate(nominal)}
        highs = {r.id: float(q[1, j]) for j, (r, *_rest) in enumerate(nominal)}
        total_low, total_high = float(totals[0]), float(totals[1])

    regions = tuple(
        RegionRequirement(
            region=r.id,
            population=r.population,
            violence_per_100k=violence[r.id],
            fractionalization=r.fractionalization,
            density_norm=norm,
            gross_troops=gross,
            host_forces=r.host_forces,
            host_effective=host,
            troops=troops,
            low=min(lows[r.id], troops),
            high=max(highs[r.id], troops),
        )
        for r, norm, gross, host, troops in nominal
    )
    total = sum(r.troops for r in regions)
    return Requirement(
        regions=regions,
        total=total,
        total_low=min(total_low, total),
        total_high=max(total_high, total),
        population=scn.population,
        proposal_force=params.proposal_force,
        draws=n_draws,
    )


def requirement_params(values: Mapping[str, float]) -> RequirementParams:
    """The stage's parameters from a mapping of ``requirement.*`` values."""
    return stage_parameters(RequirementParams, values, STAGE)

"""Calibration of the dynamics on data up to the information date only.

Method (reproducible, documented, deterministic given its seed):

1. **Violence kernel** — conditional maximum likelihood of the monthly civilian-death panel
   (regions x months in the window that ends at the information date) under the model's own
   one-step law: ``D[t, r]`` negative binomial with mean ``m = pop_r/1e5 * (s[t, r] mu_r +
   a y[t-1, r] + b (A y[t-1])_r)`` and variance ``m (1 + k)`` (NB1: deaths come in clusters), where ``s`` is the suppression implied by the forces present
   that month (their recorded history) and the host forces. ``a`` (self-excitation), ``b``
   (spill-over) and ``k`` (dispersion) are the parameters kept; the region backgrounds ``mu_r`` are
   nuisance parameters (the forecast re-derives them from the information-date fixed point).
   Intervals: parametric bootstrap (simulate the panel from the fit, refit; 5th-95th percentiles).
2. **Attack tempo** — the scale of insurgent attacks per hostile fighter that reproduces the
   recorded attacks by region and month in the window (maximum likelihood of a Poisson rate),
   and its **ceiling**: the most recorded attacks a month per salient troop in one region (attacks
   need targets; the record is a lower bound, so the range runs up from it).
3. **Contingent erosion** — the monthly drift of domestic support that reproduces the share of
   the earlier coalition's contingents that went home before the information date (simulated
   method of moments).
4. **Posterior predictive check** — the full engine, started from the state a year before the
   information date with the recorded forces, against the last year of data.

Nothing dated after the information date is read: :func:`panel` refuses it (the scenario loader
already refuses such observations; this is a second lock).

References: Lewis, Mohler, Brantingham & Bertozzi (2012) Security Journal 25(3) on self-excitation
in Iraqi violence; Cameron & Trivedi (2013) *Regression Analysis of Count Data*, ch. 7 (dynamic
count models); Efron & Tibshirani (1993) on the parametric bootstrap.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln

from grudging.errors import GrudgingError
from grudging.model.dynamics import DynamicsParams, ForceUnit, suppression, unit_skill
from grudging.model.forces import history
from grudging.model.parameters import stage_parameters
from grudging.model.requirement import (
    Requirement,
    RequirementParams,
    requirement,
    requirement_params,
)
from grudging.model.theatre import (
    REGIONAL_SERIES,
    adjacency,
    allocate,
    build_theatre,
    requirement_curve,
    unlocated_share,
)
from grudging.rng import stream
from grudging.scenario.commands import command_of, unit_traits
from grudging.scenario.schema import Scenario, month_index, month_label

ATTACK_SERIES = "insurgent_attacks"
PER_100K = 100_000.0

#: Bounds of the fitted kernel (a, b, k) and of the region backgrounds.
BOUNDS = {"a": (0.0, 0.98), "b": (0.0, 0.5), "k": (0.05, 2000.0), "mu": (1e-4, 500.0)}


@dataclass(frozen=True)
class Panel:
    """Observed deaths and the forces' coverage, month by month, in the calibration window."""

    months: tuple[str, ...]
    deaths: np.ndarray  # (M, N)
    population: np.ndarray  # (N,)
    neighbours: np.ndarray  # (N, N)
    suppression: np.ndarray  # (M, N) suppression implied by the forces present

    @property
    def rates(self) -> np.ndarray:
        """Deaths per 100,000 a month."""
        return self.deaths / self.population * PER_100K


@dataclass(frozen=True)
class KernelFit:
    """The fitted violence kernel."""

    a: float
    b: float
    k: float
    mu: np.ndarray
    loglik: float
    converged: bool


def _values(scn: Scenario) -> dict[str, float]:
    return scn.parameter_values()


def panel(scn: Scenario, values: Mapping[str, float] | None = None) -> Panel:
    """The calibration panel: civilian deaths by region and month up to the information date."""
    values = dict(values or _values(scn))
    last = month_index(scn.information_date)
    observed = [o for o in scn.observations if o.series == REGIONAL_SERIES and o.region is not None]
    if not observed:
        raise GrudgingError(
            f"scenario '{scn.id}' has no '{REGIONAL_SERIES}' observations by region to calibrate on"
        )
    late = [o for o in observed if month_index(o.month) > last]
    if late:
        raise GrudgingError(
            f"calibration refuses data after the information date {scn.information_date} "
            f"(found {late[0].series} for {late[0].month})"
        )
    first = min(month_index(o.month) for o in observed)
    months = [month_label(m) for m in range(first, last + 1)]
    index = {r.id: i for i, r in enumerate(scn.regions)}
    deaths = np.zeros((len(months), len(index)))
    for o in observed:
        deaths[month_index(o.month) - first, index[o.region]] += o.value  # type: ignore[index]
    pop = np.array([r.population for r in scn.regions], dtype=float)
    located = deaths / pop * 1e5  # per 100,000, as the requirement stage reads them
    deaths *= 1.0 + unlocated_share(scn, months=len(months))
    return Panel(
        months=tuple(months),
        deaths=deaths,
        population=pop,
        neighbours=adjacency(scn),
        suppression=_suppression(scn, values, months[0], months[-1], located),
    )


def _required_density(
    scn: Scenario, req: Requirement, req_p: RequirementParams, located: np.ndarray
) -> np.ndarray:
    """Required density by month and region ``(M, N)``: the information date's, moved by the
    requirement curve at the mean located violence of the months before each month (as the
    engine reads it, :class:`grudging.model.dynamics.RequirementCurve`; the panel's first month,
    with none before it, reads its own)."""
    rate0 = np.array([req.region(r.id).violence_per_100k for r in scn.regions])
    curve = requirement_curve(req_p, rate0)
    window = curve.window_months
    need = np.empty_like(located)
    for m in range(len(located)):
        past = located[max(0, m - window) : m] if m else located[:1]
        need[m] = curve.base(past.mean(axis=0))
    density0 = np.array([req.region(r.id).density_norm for r in scn.regions])
    return need * (density0 / np.maximum(curve.base(rate0), 1e-9))


def recorded_units(
    scn: Scenario, first: str, last: str, weights: Mapping[str, float], erodes: bool = True
) -> tuple[ForceUnit, ...]:
    """The scenario's recorded forces from ``first`` to ``last`` as the engine's units, allocated
    to regions by ``weights``: each with its command's traits, as an option's plan builds them
    (:func:`grudging.options.plan_option`), so calibration reads the same skill and salience."""
    return tuple(
        ForceUnit(
            name=f.id,
            nation=f.nation,
            kind="patron" if f.nation is not None and f.nation == scn.patron else "contingent",
            **unit_traits(command_of(scn, f.command)),
            troops=allocate(history(f, first, last), weights, scn),  # (N, M)
            pk_skill=1.0,
            erodes=erodes,
        )
        for f in scn.forces
    )


def _suppression(
    scn: Scenario, values: Mapping[str, float], first: str, last: str, located: np.ndarray
) -> np.ndarray:
    """Suppression by month and region from the forces' recorded history (host forces constant)
    against the requirement of each month (:func:`_required_density`)."""
    req_p = requirement_params(values)
    req = requirement(scn, req_p)
    dyn = stage_parameters(DynamicsParams, values, "dynamics")
    weights = {r.region: r.gross_troops for r in req.regions}
    pop_k = np.array([r.population for r in scn.regions], dtype=float) / 1000.0
    density = _required_density(scn, req, req_p, located)
    effective = np.zeros((month_index(last) - month_index(first) + 1, len(scn.regions)))
    for unit in recorded_units(scn, first, last, weights):
        effective += unit_skill(unit, dyn) * unit.troops.T
    host = np.array([r.host_forces for r in scn.regions], dtype=float)
    effective += host * req_p.host_reliability * dyn.host_pk_skill
    coverage = effective / pop_k / np.maximum(density, 1e-9)
    return suppression(coverage, dyn.coverage_half, dyn.suppression_hill)


# The kernel ----------------------------------------------------------------------------------
def _unpack(theta: np.ndarray, n: int) -> tuple[float, float, float, np.ndarray]:
    return float(theta[0]), float(theta[1]), float(np.exp(theta[2])), np.exp(theta[3 : 3 + n])


def negative_loglik(theta: np.ndarray, data: Panel) -> float:
    """Conditional negative log-likelihood of months 2..M given the month before."""
    n = data.population.size
    a, b, k, mu = _unpack(theta, n)
    y = data.rates
    mean_rate = data.suppression[1:] * mu + a * y[:-1] + b * (y[:-1] @ data.neighbours.T)
    m = np.maximum(mean_rate * data.population / PER_100K, 1e-9)
    x = data.deaths[1:]
    size = m / k  # NB1: variance m (1 + k)
    ll = (
        gammaln(x + size)
        - gammaln(size)
        - gammaln(x + 1)
        - size * np.log1p(k)
        + x * np.log(k / (1.0 + k))
    )
    return float(-ll.sum())


def fit_kernel(data: Panel, start: KernelFit | None = None) -> KernelFit:
    """Maximum-likelihood kernel for a panel."""
    n = data.population.size
    y = data.rates
    if start is None:
        mu0 = np.maximum(
            y.mean(axis=0) * 0.5 / np.maximum(data.suppression.mean(axis=0), 1e-3), 1e-3
        )
        theta0 = np.concatenate([[0.5, 0.05, np.log(10.0)], np.log(mu0)])
    else:
        theta0 = np.concatenate([[start.a, start.b, np.log(start.k)], np.log(start.mu)])
    bounds = [BOUNDS["a"], BOUNDS["b"], tuple(np.log(BOUNDS["k"]))] + [
        tuple(np.log(BOUNDS["mu"]))
    ] * n
    theta0 = np.clip(theta0, [lo for lo, _ in bounds], [hi for _, hi in bounds])
    res = minimize(negative_loglik, theta0, args=(data,), method="L-BFGS-B", bounds=bounds)
    a, b, k, mu = _unpack(res.x, n)
    return KernelFit(a=a, b=b, k=k, mu=mu, loglik=-float(res.fun), converged=bool(res.success))


def simulate_panel(fit: KernelFit, data: Panel, rng: np.random.Generator) -> Panel:
    """A panel drawn from the fitted one-step law, conditional on the first month."""
    deaths = np.empty_like(data.deaths)
    deaths[0] = data.deaths[0]
    for t in range(1, deaths.shape[0]):
        y = deaths[t - 1] / data.population * PER_100K
        rate = data.suppression[t] * fit.mu + fit.a * y + fit.b * (data.neighbours @ y)
        mean = np.maximum(rate * data.population / PER_100K, 1e-9)
        deaths[t] = rng.negative_binomial(mean / fit.k, 1.0 / (1.0 + fit.k))
    return dataclasses.replace(data, deaths=deaths)


def bootstrap(fit: KernelFit, data: Panel, draws: int, seed: int) -> np.ndarray:
    """Refits on panels simulated from ``fit``: rows of ``(a, b, k)``."""
    out = np.empty((draws, 3))
    for i in range(draws):
        again = fit_kernel(simulate_panel(fit, data, stream(seed, "bootstrap", i)), start=fit)
        out[i] = (again.a, again.b, again.k)
    return out


# Attack tempo ------------------------------------------------------------------------------
def attack_tempo(scn: Scenario, data: Panel, values: Mapping[str, float]) -> dict[str, Any] | None:
    """Attacks per hostile fighter a month (unsuppressed) from recorded attacks by region.

    The maximum-likelihood rate of a Poisson model ``attacks[t, r] ~ rate * insurgents_r *
    s[t, r]`` is ``sum(attacks) / sum(insurgents * s)``; returns ``None`` without attack data.
    """
    last = month_index(scn.information_date)
    index = {r.id: i for i, r in enumerate(scn.regions)}
    first = month_index(data.months[0])
    records = [
        o
        for o in scn.observations
        if o.series == ATTACK_SERIES
        and o.region is not None
        and first <= month_index(o.month) <= last
    ]
    if not records:
        return None
    theatre = _theatre(scn, values)
    attacks = 0.0
    exposure = 0.0
    months = sorted({o.month for o in records})
    for o in records:
        attacks += o.value
    for month in months:
        s = data.suppression[month_index(month) - first]
        exposure += float((theatre.insurgents * s).sum())
    rate = attacks / exposure if exposure > 0 else float("nan")
    predicted = np.zeros(len(index))
    observed = np.zeros(len(index))
    for o in records:
        observed[index[o.region]] += o.value  # type: ignore[index]
    for month in months:
        predicted += rate * theatre.insurgents * data.suppression[month_index(month) - first]
    spearman = _spearman(predicted, observed)
    return {
        "value": rate,
        "months": [months[0], months[-1]],
        "attacks": attacks,
        "regional_rank_correlation": spearman,
    }


def attack_ceiling(scn: Scenario, values: Mapping[str, float]) -> dict[str, Any] | None:
    """The most recorded attacks a month per salient troop in one region (the attack ceiling).

    Salient targets are the recorded forces, allocated to regions as the requirement weights
    them, times their target salience (the engine's :func:`~grudging.model.dynamics.
    unit_characteristics` at nominal values), plus ``salience_host`` times the information-date
    host forces. The record is a lower bound of what is possible: the parameter's range runs from
    it (docs/design-notes/attack-ceiling.md). ``None`` without attack records.
    """
    from grudging.model.dynamics import unit_characteristics

    last = month_index(scn.information_date)
    records = [
        o
        for o in scn.observations
        if o.series == ATTACK_SERIES and o.region is not None and month_index(o.month) <= last
    ]
    if not records:
        return None
    first = min(month_index(o.month) for o in records)
    req_p = requirement_params(values)
    req = requirement(scn, req_p)
    theatre = build_theatre(scn, req, req_p)
    weights = {r.region: r.gross_troops for r in req.regions}
    dyn = stage_parameters(DynamicsParams, values, "dynamics")
    span = (month_label(first), scn.information_date)
    units = recorded_units(scn, *span, weights)
    troops = [u.troops for u in units]  # (N, M) each
    targets = dyn.salience_host * np.asarray(theatre.host_troops, dtype=float)[:, None]
    if units:
        _, sal, _ = unit_characteristics(units, dyn)
        targets = targets + sum(float(sal[0, u]) * t for u, t in enumerate(troops))
    index = {r.id: i for i, r in enumerate(scn.regions)}
    per_troop = [
        (o.value / targets[index[o.region], month_index(o.month) - first], o.region, o.month)  # type: ignore[index]
        for o in records
        if targets[index[o.region], month_index(o.month) - first] > 0  # type: ignore[index]
    ]
    if not per_troop:
        return None
    value, region, month = max(per_troop)
    rates = np.array([r for r, _, _ in per_troop])
    return {
        "value": float(value),
        "region": region,
        "month": month,
        "median": float(np.median(rates)),
        "region_months": len(rates),
    }


def _theatre(scn: Scenario, values: Mapping[str, float]):  # type: ignore[no-untyped-def]
    req_p = requirement_params(values)
    return build_theatre(scn, requirement(scn, req_p), req_p)


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    from scipy.stats import spearmanr

    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(spearmanr(x, y).statistic)


# Contingent erosion --------------------------------------------------------------------------
def coalition_exposure(scn: Scenario, since: str) -> tuple[np.ndarray, np.ndarray]:
    """Months each earlier-coalition contingent was exposed from ``since``, and whether it left."""
    last = month_index(scn.information_date)
    start = month_index(since)
    months, left = [], []
    for n in scn.nations:
        if n.coalition_peak <= 0 or n.id == scn.patron:
            continue
        end = month_index(n.coalition_left) if n.coalition_left else last
        if end < start:
            continue
        months.append(end - start + 1)
        left.append(n.coalition_left is not None)
    return np.array(months, dtype=int), np.array(left, dtype=bool)


def erosion_drift(
    scn: Scenario, values: Mapping[str, float], since: str, seed: int, draws: int = 4000
) -> dict[str, Any] | None:
    """Monthly support drift that reproduces the share of contingents that went home.

    Support starts at 1 and follows a Gaussian random walk; a contingent leaves the first month
    it is below ``leave_threshold``. Casualties are left out (the small contingents lost few
    troops before the information date). The drift is found by bisection on the simulated share
    of departures within each contingent's exposure, with common random numbers.
    """
    months, left = coalition_exposure(scn, since)
    if months.size == 0:
        return None
    threshold = float(values["dynamics.leave_threshold"])
    horizon = int(months.max())
    steps = stream(seed, "erosion").standard_normal((draws, months.size, horizon))
    target = float(left.mean())

    def share_left(sigma: float) -> float:
        walk = 1.0 + sigma * np.cumsum(steps, axis=2)
        below = walk < threshold
        within = np.arange(horizon)[None, None, :] < months[None, :, None]
        return float((below & within).any(axis=2).mean())

    lo, hi = 1e-4, 0.5
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if share_left(mid) < target else (lo, mid)
    sigma = 0.5 * (lo + hi)
    # Interval: the drifts whose share matches the binomial 90 % interval of the observed share
    # (normal approximation); where none or all of the contingents left, that interval has no
    # width, so the exact one-sided bound stands in for the open side (Clopper & Pearson 1934:
    # 1 - 0.05 ** (1 / n) when none left) and the other side is the observed share itself.
    n = months.size
    if 0 < left.sum() < n:
        half = 1.645 * np.sqrt(target * (1 - target) / n)
        goals = (max(target - half, 0.01), min(target + half, 0.99))
    elif left.sum() == 0:
        goals = (0.0, 1.0 - 0.05 ** (1.0 / n))
    else:
        goals = (0.05 ** (1.0 / n), 1.0)
    bounds = []
    for goal in goals:
        a, b = 1e-4, 0.5
        for _ in range(30):
            mid = 0.5 * (a + b)
            a, b = (mid, b) if share_left(mid) < goal else (a, mid)
        bounds.append(0.5 * (a + b))
    return {
        "value": sigma,
        "low": min(bounds[0], sigma),  # the bisections end within a hair of each other
        "high": max(bounds[1], sigma),
        "contingents": int(n),
        "left": int(left.sum()),
        "observed_share_left": target,
        "fitted_share_left": share_left(sigma),
        "since": since,
    }


# The whole calibration -----------------------------------------------------------------------
@dataclass(frozen=True)
class DynamicsCalibration:
    """What the calibration fitted, from which data, and how well."""

    window: tuple[str, str]
    kernel: KernelFit
    kernel_intervals: dict[str, tuple[float, float]]
    attacks: dict[str, Any] | None
    erosion: dict[str, Any] | None
    bootstrap_draws: int
    observations: int
    check: dict[str, Any] | None = None
    ceiling: dict[str, Any] | None = None

    def parameters(self) -> list[dict[str, Any]]:
        """Fitted parameters as calibration-file records (value and 5-95 % range)."""
        out = []
        for name, value in (
            ("self_excitation", self.kernel.a),
            ("spillover", self.kernel.b),
            ("dispersion", self.kernel.k),
        ):
            lo, hi = self.kernel_intervals[name]
            out.append(
                {
                    "name": f"dynamics.{name}",
                    "value": _r(value),
                    "low": _r(min(lo, value)),
                    "high": _r(max(hi, value)),
                    "distribution": "triangular",
                }
            )
        if self.attacks is not None:
            v = self.attacks["value"]
            out.append(
                {
                    "name": "dynamics.attacks_per_fighter",
                    "value": _r(v),
                    "low": _r(0.7 * v),
                    "high": _r(1.3 * v),
                    "distribution": "triangular",
                }
            )
        if self.ceiling is not None:
            v = self.ceiling["value"]
            out.append(
                {
                    "name": "dynamics.max_attacks_per_troop",
                    "value": _r(v),
                    "low": _r(v),
                    "high": _r(3.0 * v),
                    "distribution": "triangular",
                }
            )
        if self.erosion is not None:
            e = self.erosion
            out.append(
                {
                    "name": "dynamics.support_drift",
                    "value": _r(e["value"]),
                    "low": _r(min(e["low"], e["value"])),
                    "high": _r(max(e["high"], e["value"])),
                    "distribution": "triangular",
                }
            )
        return out

    def fit_report(self) -> dict[str, Any]:
        """How well the fit does, for the calibration file and the console."""
        report: dict[str, Any] = {
            "kernel": {
                "loglik": round(self.kernel.loglik, 2),
                "converged": self.kernel.converged,
                "observations": self.observations,
                "persistence": _r(self.kernel.a + self.kernel.b),
            },
        }
        if self.attacks is not None:
            report["attacks"] = {
                k: (_r(v) if isinstance(v, float) else v) for k, v in self.attacks.items()
            }
        for name, part in (
            ("attack_ceiling", self.ceiling),
            ("erosion", self.erosion),
            ("predictive_check", self.check),
        ):
            if part is not None:
                report[name] = {k: (_r(v) if isinstance(v, float) else v) for k, v in part.items()}
        return report


def _r(x: float) -> float:
    return float(f"{x:.4g}")


def calibrate(
    scn: Scenario, seed: int = 2006, bootstrap_draws: int = 100, check_months: int = 12
) -> DynamicsCalibration:
    """Fit the dynamics to the scenario's data up to its information date (see module docstring)."""
    values = _values(scn)
    data = panel(scn, values)
    kernel = fit_kernel(data)
    boot = (
        bootstrap(kernel, data, bootstrap_draws, seed) if bootstrap_draws > 0 else np.empty((0, 3))
    )
    intervals = {}
    for j, name in enumerate(("self_excitation", "spillover", "dispersion")):
        point = (kernel.a, kernel.b, kernel.k)[j]
        if boot.shape[0]:
            lo, hi = np.quantile(boot[:, j], [0.05, 0.95])
            intervals[name] = (float(lo), float(hi))
        else:  # no refits, no interval: the declared range is kept (a point is no range)
            declared = scn.parameter(f"dynamics.{name}")
            intervals[name] = (min(declared.low, point), max(declared.high, point))
    cal = DynamicsCalibration(
        window=(data.months[0], data.months[-1]),
        kernel=kernel,
        kernel_intervals=intervals,
        attacks=attack_tempo(scn, data, values),
        ceiling=attack_ceiling(scn, values),
        erosion=erosion_drift(scn, values, since=data.months[0], seed=seed),
        bootstrap_draws=int(boot.shape[0]),
        observations=int(data.deaths[1:].size),
    )
    fitted = dict(values)
    fitted.update({p["name"]: p["value"] for p in cal.parameters()})
    months = min(check_months, len(data.months) - 1)  # see predictive_check
    check = predictive_check(scn, fitted, months=months, seed=seed) if months > 0 else None
    return dataclasses.replace(cal, check=check)


def calibration_document(scn: Scenario, cal: DynamicsCalibration) -> dict[str, Any]:
    """The calibration file's content (see :mod:`grudging.scenario.calibration_files`)."""
    return {
        "calibration": "dynamics",
        "scenario": scn.id,
        "method": (
            "conditional maximum likelihood of the negative-binomial one-step law on the "
            "regional civilian-death panel, with a parametric bootstrap for the 5-95 % range; "
            "attack tempo by Poisson maximum likelihood on recorded attacks, and its ceiling as the "
            "most recorded attacks per salient troop in a region-month; contingent support "
            "drift by simulated method of moments on the earlier coalition's departures "
            "(grudging.calibrate.dynamics)"
        ),
        "data_window": {"start": cal.window[0], "end": cal.window[1]},
        "data": [
            {
                "series": "civilian_deaths",
                "by": "region and month",
                "months": list(cal.window),
                "source": _sources_of(scn, "civilian_deaths"),
            },
            {
                "series": "insurgent_attacks",
                "by": "region and month",
                "months": cal.attacks["months"] if cal.attacks else None,
                "source": _sources_of(scn, ATTACK_SERIES),
            },
            {
                "series": "forces",
                "by": "month",
                "what": "recorded troop levels of the forces present",
            },
            {
                "series": "nations",
                "what": "earlier coalition contingents and departures up to the information date",
            },
        ],
        "fit": cal.fit_report(),
        "parameters": cal.parameters(),
        "not_identified": (
            "suppression (coverage_half, suppression_hill), target salience, grievance, tipping, "
            "settlement and escalation parameters keep their literature ranges: troop levels varied "
            "too little in the window to identify them, and no settlement or intervention occurred"
        ),
    }


def _sources_of(scn: Scenario, series: str) -> list[str]:
    return sorted({o.source for o in scn.observations if o.series == series})


# Posterior predictive check ------------------------------------------------------------------
def predictive_check(
    scn: Scenario,
    values: Mapping[str, float],
    months: int = 12,
    replications: int = 500,
    seed: int = 2006,
) -> dict[str, Any]:
    """Run the full engine over the last ``months`` of data, from the state just before them.

    The forces follow their recorded history; no settlement, no erosion. Returns the observed and
    simulated national totals and the share of months whose observed deaths fall inside the
    simulated 90 % band. It starts from the month before its first, so it covers at most the
    data's months less one.
    """
    from grudging.model.dynamics import DynamicsInputs, simulate

    data = panel(scn, values)
    months = min(months, len(data.months) - 1)
    if months < 1:
        raise GrudgingError(
            f"scenario '{scn.id}': the posterior check needs at least two months of observations "
            "before the information date"
        )
    last = month_index(scn.information_date)
    start = last - months + 1
    earlier = scn.model_copy(update={"information_date": month_label(start - 1)})
    req_p = requirement_params(values)
    req = requirement(earlier, req_p)
    theatre = build_theatre(earlier, req, req_p)
    weights = {r.region: r.gross_troops for r in req.regions}
    units = recorded_units(scn, month_label(start), scn.information_date, weights, erodes=False)
    dyn = stage_parameters(DynamicsParams, values, "dynamics")
    traj = simulate(
        DynamicsInputs(theatre=theatre, units=units, months=months, erosion=False),
        dyn,
        replications,
        seed=seed,
        block="predictive-check",
    )
    simulated = traj.deaths.sum(axis=1)  # (R, months)
    observed = data.deaths[-months:].sum(axis=1)
    lo, hi = np.quantile(simulated, [0.05, 0.95], axis=0)
    return {
        "months": [month_label(start), scn.information_date],
        "observed_total": float(observed.sum()),
        "simulated_median_total": float(np.median(simulated.sum(axis=1))),
        "simulated_90_interval": [
            float(x) for x in np.quantile(simulated.sum(axis=1), [0.05, 0.95])
        ],
        "months_inside_90_band": float(((observed >= lo) & (observed <= hi)).mean()),
    }

"""The suppression curve: inter-group violence against peacekeeper density, from Model II.

The governorate dynamics suppress sectarian violence with a Hill-type multiplier

    ``m(rho) = 1 / (1 + (rho / rho50) ** h)``,

``rho`` being the effective peacekeeper density. This module derives ``rho50`` and ``h`` from the
micro mechanism: it runs Model II on a mixed neighbourhood at a range of peacekeeper densities and
behaviours, measures violence relative to the same neighbourhood without peacekeepers, fits the
Hill curve by least squares and bootstraps it.

Violence is measured as **deaths per 1,000 agents per 100 steps while both groups are present**
(killings during steps that start with both groups alive, divided by the agent-steps of those
steps). Conditioning on coexistence matters: without peacekeepers a neighbourhood is often
cleansed within ~100 steps, after which nobody is killed; counting those quiet steps would make
fast cleansing look like peace. The macro model represents un-mixing (flight, displacement)
separately, so what it needs from the micro level is the intensity of violence in a mixed place.

Every replication ``r`` uses the random stream ``stream(seed, "abm-curve", r)`` at every density
and behaviour (common random numbers): the same agents start in the same places with the same
traits, so differences between settings are not sampling noise, and results do not depend on the
number of workers. Bootstrap intervals resample replications (all densities of a replication
together) and refit.

References
----------
Epstein, J. M. (2002). Modeling civil violence: An agent-based computational approach. PNAS 99
(suppl. 3), 7243-7250. doi:10.1073/pnas.092080199.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from grudging.abm.config import BEHAVIOURS, ModelIIConfig, PeacekeeperConfig
from grudging.errors import ParameterError, unknown_name
from grudging.rng import stream

if TYPE_CHECKING:
    import pandas as pd

    from grudging.abm.model2 import InterGroupRun

CURVE_COLUMNS = (
    "density",
    "behaviour",
    "replication",
    "violence",
    "relative_violence",
    "peacekeepers_per_1000",
    "killings",
    "agent_steps",
    "coexistence_steps",
    "extinction_step",
)


#: The bounds of the curve's counts (inclusive): replications per density, steps per run and
#: bootstrap resamples.
COUNT_BOUNDS = {"replications": (2, 10_000), "steps": (5, 100_000), "bootstrap": (0, 100_000)}


@dataclass(frozen=True)
class CurveSettings:
    """What the sweep runs.

    Attributes
    ----------
    densities
        Peacekeeper densities (peacekeepers per lattice cell); 0 (the reference) is always added.
    behaviours
        Peacekeeper behaviours to sweep (``reactive``, ``patrol``, ``interpose``).
    replications
        Independent neighbourhoods per setting.
    steps
        Steps per run.
    seed
        Master seed; replication streams derive from it.
    bootstrap
        Bootstrap resamples for the 90 % intervals (0 for none).
    salience
        Target salience of the force in all runs.
    base
        The Model II settings besides density and behaviour (Epstein's Model II by default).
    """

    densities: tuple[float, ...] = (0.01, 0.02, 0.04, 0.08, 0.16, 0.24)
    behaviours: tuple[str, ...] = BEHAVIOURS
    replications: int = 6
    steps: int = 100
    seed: int = 2007
    bootstrap: int = 300
    salience: float = 0.0
    base: ModelIIConfig = field(default_factory=ModelIIConfig)

    def __post_init__(self) -> None:
        if not self.densities:
            raise ParameterError("densities is empty; give at least one peacekeeper density > 0")
        ceiling = 1.0 - self.base.citizen_density
        for d in self.densities:
            if not (math.isfinite(d) and 0.0 <= d <= ceiling):
                raise ParameterError(
                    f"density {d!r} is outside [0, {ceiling:g}] (1 - citizen density); "
                    "give peacekeepers per cell, e.g. 0.04"
                )
        if not self.behaviours:
            raise ParameterError(f"behaviours is empty; choose from {', '.join(BEHAVIOURS)}")
        for b in self.behaviours:
            if b not in BEHAVIOURS:
                raise ParameterError(unknown_name("behaviour", b, BEHAVIOURS))
        low, high = COUNT_BOUNDS["replications"]
        if not (isinstance(self.replications, int) and low <= self.replications <= high):
            raise ParameterError(
                f"replications = {self.replications!r} must be an integer in [{low}, {high}] "
                "(intervals need at least 2)"
            )
        low, high = COUNT_BOUNDS["steps"]
        if not (isinstance(self.steps, int) and low <= self.steps <= high):
            raise ParameterError(f"steps = {self.steps!r} must be an integer in [{low}, {high}]")
        low, high = COUNT_BOUNDS["bootstrap"]
        if not (isinstance(self.bootstrap, int) and low <= self.bootstrap <= high):
            raise ParameterError(f"bootstrap = {self.bootstrap!r} must be an integer in [0, 1e5]")
        if isinstance(self.salience, bool) or not isinstance(self.salience, int | float):
            raise ParameterError(f"salience = {self.salience!r}: give a number in [0, 1]")
        if not (0.0 <= self.salience <= 1.0):
            raise ParameterError(f"salience = {self.salience!r} is outside [0, 1]")
        from grudging.rng import check_seed

        check_seed(self.seed)

    @property
    def swept_densities(self) -> tuple[float, ...]:
        """The reference density 0 followed by the positive densities, sorted and unique."""
        return (0.0, *sorted({float(d) for d in self.densities if d > 0}))

    @property
    def per_1000(self) -> float:
        """Factor from peacekeepers per cell to peacekeepers per 1,000 initial inhabitants."""
        return 1000.0 / self.base.citizen_density

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the metadata file."""
        out = asdict(self)
        out["densities"] = list(self.swept_densities)
        out["behaviours"] = list(self.behaviours)
        return out


@dataclass(frozen=True)
class HillFit:
    """A fitted Hill suppression curve ``1 / (1 + (rho / rho50) ** h)`` with 90 % intervals.

    ``rho50`` is in peacekeepers per cell; ``rho50_per_1000`` in peacekeepers per 1,000 initial
    inhabitants. Intervals are bootstrap percentiles (``nan`` without bootstrap).
    """

    behaviour: str
    rho50: float
    h: float
    rho50_interval: tuple[float, float]
    h_interval: tuple[float, float]
    rho50_per_1000: float
    rho50_per_1000_interval: tuple[float, float]
    rmse: float
    points: int

    def multiplier(self, rho: NDArray[np.float64] | float) -> NDArray[np.float64]:
        """The fitted violence multiplier at density ``rho`` (peacekeepers per cell)."""
        return hill(np.asarray(rho, dtype=np.float64), self.rho50, self.h)


@dataclass(frozen=True)
class SuppressionCurve:
    """The sweep's tidy data and the fit for each behaviour."""

    settings: CurveSettings
    data: pd.DataFrame
    fits: dict[str, HillFit]

    def summary(self) -> pd.DataFrame:
        """Mean relative violence per density (rows) and behaviour (columns)."""
        table = self.data.pivot_table(
            index="density", columns="behaviour", values="relative_violence", aggfunc="mean"
        )
        return table[[b for b in self.settings.behaviours if b in table.columns]]

    def metadata(self) -> dict[str, Any]:
        """Fitted parameters, intervals and the settings used, as plain data."""
        from grudging import __version__

        return {
            "model": "Epstein (2002) civil violence Model II, grudging.abm",
            "formula": "violence multiplier = 1 / (1 + (rho / rho50) ** h)",
            "violence": "deaths per 1,000 agents per 100 steps while both groups are present",
            "rho_units": "peacekeepers per lattice cell (rho50_per_1000: per 1,000 inhabitants)",
            "interval": "90 % bootstrap percentile (replications resampled)",
            "fits": {name: asdict(fit) for name, fit in self.fits.items()},
            "settings": self.settings.as_dict(),
            "grudging_version": __version__,
        }


def hill(rho: NDArray[np.float64], rho50: float, h: float) -> NDArray[np.float64]:
    """``1 / (1 + (rho / rho50) ** h)``."""
    return np.asarray(1.0 / (1.0 + np.power(np.maximum(rho, 0.0) / rho50, h)), dtype=np.float64)


def coexistence_violence(run: InterGroupRun) -> tuple[float, int, int, int]:
    """Deaths per 1,000 agents per 100 steps while both groups are present.

    Returns ``(violence, killings, agent_steps, coexistence_steps)``; violence is 0 when the
    groups never coexisted.
    """
    blue, green = run.series["blue"], run.series["green"]
    mixed = (np.minimum(blue, green) > 0)[:-1]
    killings = int(run.killings[1:][mixed].sum())
    agent_steps = int((blue + green)[:-1][mixed].sum())
    violence = 1000.0 * 100.0 * killings / agent_steps if agent_steps else 0.0
    return violence, killings, agent_steps, int(mixed.sum())


def _one_run(
    base: ModelIIConfig,
    density: float,
    behaviour: str,
    salience: float,
    replication: int,
    steps: int,
    seed: int,
) -> dict[str, Any]:
    from dataclasses import replace

    from grudging.abm.model2 import run_intergroup

    keepers = PeacekeeperConfig(
        behaviour=behaviour,  # type: ignore[arg-type]  # validated by CurveSettings
        salience=salience,
        casualty_probability=base.peacekeepers.casualty_probability,
        replace_casualties=base.peacekeepers.replace_casualties,
        sensing_radius=base.peacekeepers.sensing_radius,
    )
    config = replace(base, peacekeeper_density=density, peacekeepers=keepers)
    run = run_intergroup(config, steps, stream(seed, "abm-curve", replication))
    violence, killings, agent_steps, mixed_steps = coexistence_violence(run)
    return {
        "density": density,
        "behaviour": behaviour,
        "replication": replication,
        "violence": violence,
        "killings": killings,
        "agent_steps": agent_steps,
        "coexistence_steps": mixed_steps,
        "extinction_step": run.extinction_step if run.extinction_step is not None else -1,
    }


def sweep_suppression(settings: CurveSettings, jobs: int = 1) -> pd.DataFrame:
    """Run the sweep and return the tidy table (columns ``CURVE_COLUMNS``).

    The no-peacekeeper runs are made once and listed under every behaviour. ``jobs > 1`` runs
    replications in parallel processes (joblib); the numbers do not depend on it.
    """
    import pandas as pd

    tasks: list[tuple[float, str]] = [(0.0, settings.behaviours[0])]
    tasks += [(d, b) for b in settings.behaviours for d in settings.swept_densities[1:]]
    jobs_list = [
        (settings.base, d, b, settings.salience, r, settings.steps, settings.seed)
        for d, b in tasks
        for r in range(settings.replications)
    ]
    if jobs > 1:
        from joblib import Parallel, delayed

        rows = Parallel(n_jobs=jobs)(delayed(_one_run)(*args) for args in jobs_list)
    else:
        rows = [_one_run(*args) for args in jobs_list]
    records: list[dict[str, Any]] = []
    for row in rows:
        if row["density"] == 0.0:
            records.extend({**row, "behaviour": b} for b in settings.behaviours)
        else:
            records.append(row)
    frame = pd.DataFrame.from_records(records)
    reference = frame.loc[frame["density"] == 0.0].groupby("behaviour")["violence"].mean()
    denominator = frame["behaviour"].map(reference).to_numpy(dtype=np.float64)
    frame["relative_violence"] = np.divide(
        frame["violence"].to_numpy(dtype=np.float64),
        denominator,
        out=np.full(len(frame), np.nan),
        where=denominator > 0,
    )
    frame["peacekeepers_per_1000"] = frame["density"] * settings.per_1000
    order = {b: i for i, b in enumerate(settings.behaviours)}
    frame["behaviour_order"] = frame["behaviour"].map(order)
    frame = frame.sort_values(["behaviour_order", "density", "replication"])
    return frame[list(CURVE_COLUMNS)].reset_index(drop=True)


def fit_hill(
    density: NDArray[np.float64],
    relative: NDArray[np.float64],
    start: tuple[float, float] | None = None,
) -> tuple[float, float, float]:
    """Least-squares ``(rho50, h, rmse)`` of ``relative ~ 1 / (1 + (density / rho50) ** h)``.

    Fitted on ``log rho50`` and ``log h`` (both positive), ``rho50`` within
    ``[1e-4, 100]`` and ``h`` within ``[0.05, 20]``.
    """
    from scipy.optimize import least_squares

    x = np.asarray(density, dtype=np.float64)
    y = np.asarray(relative, dtype=np.float64)
    keep = np.isfinite(y)
    x, y = x[keep], y[keep]
    positive = x[x > 0]
    if positive.size == 0:
        raise ParameterError("no positive peacekeeper density to fit the curve to; add densities")
    if start is None:
        start = (float(np.median(positive)), 1.0)

    def residuals(theta: NDArray[np.float64]) -> NDArray[np.float64]:
        return hill(x, float(np.exp(theta[0])), float(np.exp(theta[1]))) - y

    low = np.log([1e-4, 0.05])
    high = np.log([100.0, 20.0])
    theta0 = np.clip(np.log(np.asarray(start, dtype=np.float64)), low + 1e-9, high - 1e-9)
    result = least_squares(residuals, theta0, bounds=(low, high), method="trf")
    rmse = float(np.sqrt(np.mean(result.fun**2)))
    return float(np.exp(result.x[0])), float(np.exp(result.x[1])), rmse


def _percentiles(values: NDArray[np.float64]) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return (float("nan"), float("nan"))
    low, high = np.percentile(finite, [5.0, 95.0])
    return (float(low), float(high))


def fit_curves(data: pd.DataFrame, settings: CurveSettings) -> dict[str, HillFit]:
    """Fit the Hill curve per behaviour with bootstrap 90 % intervals (replications resampled)."""
    fits: dict[str, HillFit] = {}
    reps = np.arange(settings.replications)
    for behaviour in settings.behaviours:
        part = data.loc[data["behaviour"] == behaviour]
        density = part["density"].to_numpy(dtype=np.float64)
        violence = part["violence"].to_numpy(dtype=np.float64)
        replication = part["replication"].to_numpy(dtype=np.int64)
        relative = part["relative_violence"].to_numpy(dtype=np.float64)
        rho50, h, rmse = fit_hill(density, relative)
        boot_rho = np.full(settings.bootstrap, np.nan)
        boot_h = np.full(settings.bootstrap, np.nan)
        rng = stream(settings.seed, "abm-curve-bootstrap", behaviour)
        rows_of = [np.flatnonzero(replication == r) for r in reps]
        for b in range(settings.bootstrap):
            drawn = rng.choice(reps, size=reps.size, replace=True)
            rows = np.concatenate([rows_of[r] for r in drawn])
            d, v = density[rows], violence[rows]
            reference = v[d == 0.0].mean()
            if not reference > 0:
                continue
            boot_rho[b], boot_h[b], _ = fit_hill(d, v / reference, start=(rho50, h))
        rho_iv = _percentiles(boot_rho)
        fits[behaviour] = HillFit(
            behaviour=behaviour,
            rho50=rho50,
            h=h,
            rho50_interval=rho_iv,
            h_interval=_percentiles(boot_h),
            rho50_per_1000=rho50 * settings.per_1000,
            rho50_per_1000_interval=(rho_iv[0] * settings.per_1000, rho_iv[1] * settings.per_1000),
            rmse=rmse,
            points=int(np.isfinite(relative).sum()),
        )
    return fits


def suppression_curve(settings: CurveSettings | None = None, jobs: int = 1) -> SuppressionCurve:
    """Sweep, fit and bootstrap: the suppression curve with its uncertainty.

    Examples
    --------
    >>> curve = suppression_curve(CurveSettings(densities=(0.08,), behaviours=("reactive",),
    ...     replications=2, steps=10, bootstrap=0))
    >>> sorted(curve.fits)
    ['reactive']
    """
    settings = settings or CurveSettings()
    data = sweep_suppression(settings, jobs=jobs)
    return SuppressionCurve(settings, data, fit_curves(data, settings))

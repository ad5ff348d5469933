"""The suppression curve: Hill fit, sweep layout, common random numbers, worker independence."""

from __future__ import annotations

import numpy as np
import pytest

from grudging.abm.config import ModelIIConfig
from grudging.abm.curve import (
    CURVE_COLUMNS,
    CurveSettings,
    fit_hill,
    hill,
    suppression_curve,
    sweep_suppression,
)
from grudging.errors import ParameterError
from grudging.rng import make_rng


@pytest.mark.parametrize(("rho50", "h"), [(0.05, 1.0), (0.12, 2.5), (0.3, 0.6)])
def test_fit_recovers_a_known_hill_curve(rho50: float, h: float) -> None:
    density = np.repeat([0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4], 3)
    exact = hill(density, rho50, h)
    fitted_rho, fitted_h, rmse = fit_hill(density, exact)
    assert fitted_rho == pytest.approx(rho50, rel=1e-4)
    assert fitted_h == pytest.approx(h, rel=1e-4)
    assert rmse < 1e-6
    noisy = exact + make_rng(1).normal(0.0, 0.02, size=exact.size)
    fitted_rho, fitted_h, _ = fit_hill(density, noisy)
    assert fitted_rho == pytest.approx(rho50, rel=0.25)
    assert fitted_h == pytest.approx(h, rel=0.35)


def test_hill_is_one_at_zero_and_half_at_rho50() -> None:
    assert hill(np.array([0.0, 0.2]), 0.2, 3.0).tolist() == [1.0, 0.5]


SMALL = CurveSettings(
    densities=(0.04, 0.16),
    behaviours=("reactive", "interpose"),
    replications=3,
    steps=40,
    bootstrap=40,
    base=ModelIIConfig(width=24, height=24),
)


def test_sweep_is_tidy_and_relative_to_no_peacekeepers() -> None:
    data = sweep_suppression(SMALL)
    assert list(data.columns) == list(CURVE_COLUMNS)
    assert len(data) == 2 * 3 * 3  # behaviours x (0 + 2 densities) x replications
    reference = data.loc[data["density"] == 0.0]
    # the no-peacekeeper runs are shared, so identical under both behaviours
    by_behaviour = reference.pivot(index="replication", columns="behaviour", values="violence")
    assert np.array_equal(by_behaviour["reactive"], by_behaviour["interpose"])
    assert reference.groupby("behaviour")["relative_violence"].mean().tolist() == pytest.approx(
        [1.0, 1.0]
    )
    assert (data["peacekeepers_per_1000"] == data["density"] * 1000 / 0.7).all()
    assert (data["violence"] >= 0).all()


def test_sweep_does_not_depend_on_the_number_of_workers() -> None:
    settings = CurveSettings(
        densities=(0.08,),
        behaviours=("patrol",),
        replications=2,
        steps=20,
        bootstrap=0,
        base=ModelIIConfig(width=20, height=20),
    )
    one = sweep_suppression(settings, jobs=1)
    two = sweep_suppression(settings, jobs=2)
    assert one.equals(two)


def test_curve_fits_each_behaviour_with_ordered_intervals() -> None:
    curve = suppression_curve(SMALL)
    assert set(curve.fits) == {"reactive", "interpose"}
    for fit in curve.fits.values():
        assert fit.rho50 > 0
        assert fit.h > 0
        low, high = fit.rho50_interval
        assert low <= high
        assert fit.rho50_per_1000 == pytest.approx(fit.rho50 * 1000 / 0.7)
    meta = curve.metadata()
    assert meta["settings"]["replications"] == 3
    assert set(meta["fits"]) == {"reactive", "interpose"}


def test_settings_reject_bad_values() -> None:
    with pytest.raises(ParameterError, match="did you mean 'patrol'"):
        CurveSettings(behaviours=("patrl",))
    with pytest.raises(ParameterError, match=r"density 0.5 is outside \[0, 0.3"):
        CurveSettings(densities=(0.5,))
    with pytest.raises(ParameterError, match="replications = 1"):
        CurveSettings(replications=1)

"""The requirement follows the threat: each month a region's required density is the requirement
stage's norm at its recent violence (docs/design-notes/history.md, "Fourth round")."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from toy import nominal_params, nominal_requirement, theatre, unit

from grudging.model.dynamics import DynamicsInputs, RequirementCurve, simulate
from grudging.model.requirement import density_norm
from grudging.model.theatre import requirement_curve

T = 36
R = 300
NORMS = nominal_requirement()


def _curve(rate: float, n: int = 3) -> RequirementCurve:
    return requirement_curve(NORMS, np.full(n, rate))


def _deaths(rate: float, troops: np.ndarray, moving: bool, mixed: float = 0.5) -> np.ndarray:
    """National deaths ``(R, T)`` in the toy theatre at ``rate`` with a force of ``troops`` a month
    (spread over its three regions), its requirement moving with violence or fixed."""
    th = theatre(rate=rate, mixed=mixed)
    th = replace(th, required_density=np.full(3, density_norm(rate, 0.0, NORMS)))
    if moving:
        th = replace(th, requirement_curve=_curve(rate))
    force = unit(1.0, T, command="nato", name="force", kind="coalition")
    force = replace(force, troops=np.tile(troops / 3.0, (3, 1)))
    inputs = DynamicsInputs(theatre=th, units=(force,), months=T)
    return simulate(inputs, nominal_params(), R, seed=11).deaths.sum(axis=1)


@pytest.mark.parametrize("violence", [0.0, 0.2, 0.5, 1.3, 4.0, 9.99, 10.0, 37.0])
def test_the_curve_is_the_requirement_stages_norm(violence: float) -> None:
    got = _curve(1.0).base(np.array([violence]))[0]
    assert got == pytest.approx(density_norm(violence, 0.0, NORMS), rel=1e-12)


def test_the_information_date_is_unchanged() -> None:
    troops = np.full(T, 20_000.0)
    fixed, moving = _deaths(6.0, troops, False), _deaths(6.0, troops, True)
    assert np.array_equal(fixed[:, 0], moving[:, 0])


def test_a_force_that_calms_a_region_then_needs_less_of_itself() -> None:
    # A force arrives in month 1 in a region below the insurgency norm's violence: violence falls,
    # the density the region requires falls with it, and the same force covers more of it.
    troops = np.r_[0.0, np.full(T - 1, 40_000.0)]
    fixed, moving = _deaths(6.0, troops, False), _deaths(6.0, troops, True)
    late = slice(12, T)
    assert np.median(moving[:, late].sum(axis=1)) < 0.9 * np.median(fixed[:, late].sum(axis=1))


def test_a_force_that_leaves_a_calmer_region_leaves_more_violence_behind() -> None:
    # The force present at the information date leaves in month 3: violence climbs, the region
    # needs more, and the host forces left cover less of it (a vicious circle).
    troops = np.r_[np.full(3, 20_000.0), np.zeros(T - 3)]
    fixed, moving = _deaths(2.0, troops, False), _deaths(2.0, troops, True)
    late = slice(12, T)
    assert np.median(moving[:, late].sum(axis=1)) > np.median(fixed[:, late].sum(axis=1))


def test_above_the_insurgency_norm_nothing_moves_until_violence_falls_below_it() -> None:
    # Far above violence_high with no change in forces, the requirement stays at the insurgency
    # norm: the run is the fixed-requirement run, draw for draw. (Regions of one community: in
    # mixed ones, un-mixing would bring violence down by itself.)
    troops = np.full(T, 2_000.0)
    fixed, moving = _deaths(60.0, troops, False, 0.0), _deaths(60.0, troops, True, 0.0)
    assert np.array_equal(fixed, moving)

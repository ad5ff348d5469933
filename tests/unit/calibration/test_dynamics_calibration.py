"""The dynamics calibration: recovers known parameters, and reads nothing after the information date."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from grudging.calibration.dynamics import (
    KernelFit,
    calibrate,
    calibration_document,
    fit_kernel,
    panel,
    predictive_check,
    simulate_panel,
)
from grudging.errors import GrudgingError
from grudging.rng import make_rng
from grudging.scenario.schema import Observation


def test_the_kernel_fit_recovers_known_parameters(iraq) -> None:  # type: ignore[no-untyped-def]
    data = panel(iraq)
    truth = KernelFit(
        a=0.45, b=0.05, k=20.0, mu=np.full(data.population.size, 3.0), loglik=0.0, converged=True
    )
    long = dataclasses.replace(
        data, deaths=np.tile(data.deaths, (4, 1)), suppression=np.tile(data.suppression, (4, 1))
    )
    synthetic = simulate_panel(truth, long, make_rng(1))
    fit = fit_kernel(synthetic)
    assert fit.converged
    assert fit.a == pytest.approx(0.45, abs=0.06)
    assert fit.b == pytest.approx(0.05, abs=0.04)
    assert fit.k == pytest.approx(20.0, rel=0.3)


def test_calibration_reads_no_data_after_the_information_date(iraq) -> None:  # type: ignore[no-untyped-def]
    late = Observation(
        series="civilian_deaths", month="2007-03", region="baghdad", value=1.0, source="IBC_BEGER"
    )
    # model_copy skips validation, as a careless caller might: the calibration still refuses.
    tampered = iraq.model_copy(update={"observations": (*iraq.observations, late)})
    with pytest.raises(
        GrudgingError, match="calibration refuses data after the information date 2006-12"
    ):
        panel(tampered)


def test_the_panel_ends_at_the_information_date(iraq) -> None:  # type: ignore[no-untyped-def]
    data = panel(iraq)
    assert data.months[-1] == iraq.information_date
    assert data.months[0] == "2004-01"
    assert data.deaths.shape == (36, 18)


@pytest.mark.slow
def test_calibration_document_states_its_window_and_method(iraq) -> None:  # type: ignore[no-untyped-def]
    cal = calibrate(iraq, bootstrap_draws=2, check_months=0)
    doc = calibration_document(iraq, cal)
    assert doc["data_window"] == {"start": "2004-01", "end": "2006-12"}
    names = {p["name"] for p in doc["parameters"]}
    assert {"dynamics.self_excitation", "dynamics.spillover", "dynamics.dispersion"} <= names
    for p in doc["parameters"]:
        assert p["low"] <= p["value"] <= p["high"]
    assert 0.0 < cal.kernel.a < 1.0


def test_the_declared_attack_ceiling_is_the_record_of_2006(iraq) -> None:  # type: ignore[no-untyped-def]
    """``dynamics.max_attacks_per_troop`` is the most recorded attacks per salient troop in a
    governorate-month up to the information date, and its range starts there (a lower bound)."""
    from grudging.calibration.dynamics import attack_ceiling

    ceiling = attack_ceiling(iraq, iraq.parameter_values())
    assert ceiling is not None
    assert (ceiling["region"], ceiling["month"], ceiling["region_months"]) == (
        "anbar",
        "2006-07",
        162,
    )
    declared = iraq.parameter("dynamics.max_attacks_per_troop")
    assert declared.value == declared.low == pytest.approx(ceiling["value"], rel=5e-4)
    assert declared.high == pytest.approx(3 * ceiling["value"], rel=5e-4)


def test_the_posterior_check_covers_no_more_months_than_the_data_allow(iraq) -> None:  # type: ignore[no-untyped-def]
    """A check longer than the data (a theatre with eight months of observations against the
    default twelve) runs over the data's months less the one it starts from, instead of
    failing on arrays of two lengths."""
    from grudging.kernel import run_values

    data = panel(iraq, run_values(iraq))
    check = predictive_check(iraq, run_values(iraq), months=len(data.months) + 5, replications=20)
    assert check["months"] == [data.months[1], data.months[-1]]


def test_the_panel_reads_each_recorded_force_s_skill_from_its_command(iraq) -> None:  # type: ignore[no-untyped-def]
    # The same forces under the UN instead of the patron-led command: suppression reads the UN's
    # skill, exactly as the patron-led one did at the same value (commands are data).
    from grudging.kernel import run_values

    values = run_values(iraq)
    skill = values["dynamics.un_pk_skill"]
    assert skill != values["dynamics.us_led_pk_skill"]
    patron_led = panel(iraq, {**values, "dynamics.us_led_pk_skill": skill})
    forces = [
        f if f.nation == iraq.patron else f.model_copy(update={"command": "un"})
        for f in iraq.forces
    ]
    assert any(f.command == "un" for f in forces)
    under_un = panel(iraq.model_copy(update={"forces": forces}), values)
    np.testing.assert_array_equal(under_un.suppression, patron_led.suppression)
    assert not np.array_equal(under_un.suppression, panel(iraq, values).suppression)

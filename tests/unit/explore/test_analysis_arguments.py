"""The analyses refuse settings no analysis can have before they read the store, naming each as
the notebook names it (audit of 2026-12-07; the command line names them by flag)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from grudging.errors import DesignError, GrudgingError, ParameterError
from grudging.explore.discovery import check_prim_arguments, discover
from grudging.explore.indices import sensitivity
from grudging.explore.robust import robustness


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": 1.5}, "threshold = 1.5: a box's density is a share of its points"),
        ({"threshold": float("nan")}, "threshold = nan: a box's density"),
        ({"boxes": 0}, "boxes = 0: look for at least 1 box"),
        ({"mass_min": 1.5}, "mass_min = 1.5: the smallest box is a share of the points"),
        ({"peel_alpha": 1}, "peel_alpha = 1: a peeling step is a share of the points"),
        ({"worse_than": float("inf")}, "worse_than = inf: give a finite value of the outcome"),
    ],
)
def test_discovery_refuses_prim_settings_before_reading(
    tmp_path: Path, kwargs: Any, message: str
) -> None:
    with pytest.raises(DesignError) as info:
        discover(tmp_path / "none.duckdb", "civilian_deaths", **kwargs)
    assert str(info.value).startswith(message)


def test_the_command_line_names_the_same_settings_by_flag() -> None:
    with pytest.raises(DesignError, match=r"^--mass-min 2: the smallest box"):
        check_prim_arguments(0.8, 2, 2.0, 0.05, flags=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"conf_level": 1.5}, "conf_level = 1.5: give the confidence level"),
        ({"num_resamples": 0}, "num_resamples = 0: give a whole number of bootstrap resamples"),
    ],
)
def test_sensitivity_refuses_its_settings_before_reading(
    tmp_path: Path, kwargs: Any, message: str
) -> None:
    with pytest.raises(DesignError) as info:
        sensitivity(tmp_path / "none.duckdb", "civilian_deaths", **kwargs)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"percentiles": (150,)}, "percentiles: 150: give percentiles from 0 to 100"),
        (
            {"thresholds": {"civilian_deaths": float("nan")}},
            "thresholds: civilian_deaths = nan: give a finite value",
        ),
    ],
)
def test_robustness_refuses_its_settings_before_reading(
    tmp_path: Path, kwargs: Any, message: str
) -> None:
    with pytest.raises(DesignError) as info:
        robustness(tmp_path / "none.duckdb", **kwargs)
    assert str(info.value).startswith(message)


def test_what_it_takes_checks_its_counts_and_seed(iraq: Any) -> None:
    from grudging.explore.what_it_takes import what_it_takes

    with pytest.raises(ParameterError, match=r"replications 2\.5: give a whole number of at least"):
        what_it_takes(iraq, replications=2.5)  # type: ignore[arg-type]
    with pytest.raises(GrudgingError, match=r"^seed = -1: give a whole number from 0 to"):
        what_it_takes(iraq, seed=-1)


def test_abm_switches_and_numbers_are_of_their_kind() -> None:
    from grudging.abm.config import ModelIConfig
    from grudging.abm.curve import CurveSettings

    with pytest.raises(ParameterError, match=r"^movement = 'no': give True or False"):
        ModelIConfig(movement="no")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"^citizen_density = '0\.5': give a number"):
        ModelIConfig(citizen_density="0.5")  # type: ignore[arg-type]
    assert ModelIConfig(width=__import__("numpy").int64(40), height=40).cells == 1600
    with pytest.raises(GrudgingError, match=r"^seed = -1: give a whole number from 0 to"):
        CurveSettings(seed=-1)

"""Fixtures of the coalition stages' tests: the toy theatre, the built-in Iraq scenario, a
synthetic 40-nation theatre, parameter values, and a section of the terminal summary where the
willingness calibration's fit figures are printed."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from coalition_helpers import DATA, SUMMARY, values_of


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the calibration's fit figures after the run."""
    if SUMMARY:
        terminalreporter.section("willingness calibration fit")
        for line in SUMMARY:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def tiny_scn() -> Any:
    from grudging.scenario import load_scenario

    return load_scenario(DATA / "tiny.yaml")


@pytest.fixture(scope="session")
def iraq_path() -> Path:
    """The built-in iraq-2007 scenario."""
    from grudging.scenario.io import resolve_path

    return resolve_path("iraq-2007")


@pytest.fixture(scope="session")
def iraq(iraq_path: Path) -> Any:
    from grudging.scenario import load_scenario

    return load_scenario(iraq_path)


@pytest.fixture(scope="session")
def synthetic() -> Any:
    from grudging.scenarios.synthetic import synthetic_scenario

    return synthetic_scenario(40, 9, seed=0)


@pytest.fixture(scope="session")
def iraq_result(iraq: Any) -> Any:
    """The default conference on the Iraq scenario (computed once)."""
    from grudging.model.conference import coalition_plan, run_conference
    from grudging.rng import make_rng
    from grudging.scenarios.reference import coalition_records

    return run_conference(
        iraq,
        coalition_plan(iraq),
        values_of(iraq),
        rng=make_rng(0),
        draws=64,
        declared=coalition_records(iraq),
    )


@pytest.fixture
def cli_main(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``grudging.cli.main`` with only the command modules that exist on this branch."""
    from grudging import cli

    present = tuple(
        m for m in cli.COMMAND_MODULES if importlib.util.find_spec(f"grudging.cli.{m}") is not None
    )
    monkeypatch.setattr(cli, "COMMAND_MODULES", present)
    return cli.main

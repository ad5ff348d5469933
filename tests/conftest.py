"""Shared fixtures."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "unit" / "dynamics"))
# The CLI's output is read at one width whatever runs the tests: a terminal's own width, or the
# 80 columns pytest-xdist gives its workers, would fold and cut it differently.
os.environ["COLUMNS"] = "120"


@pytest.fixture
def never_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if an option is planned or the chain simulated (bad input must be refused
    before any model work)."""
    import grudging.chain
    import grudging.options

    def boom(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the model ran for bad input")

    monkeypatch.setattr(grudging.options, "plan_option", boom)
    monkeypatch.setattr(grudging.chain, "simulate", boom)


@pytest.fixture(scope="session")
def tiny_path() -> Path:
    """Path of the toy three-region scenario."""
    return DATA / "tiny.yaml"


@pytest.fixture(scope="session")
def tiny(tiny_path: Path):  # type: ignore[no-untyped-def]
    """The toy scenario, loaded."""
    from grudging.scenario import load_scenario

    return load_scenario(tiny_path)


@pytest.fixture(scope="session")
def iraq():  # type: ignore[no-untyped-def]
    """The built-in iraq-2007 scenario, loaded once per session."""
    from grudging.scenario import load_scenario

    return load_scenario("iraq-2007")


@pytest.fixture(scope="session")
def plan_cache():  # type: ignore[no-untyped-def]
    """One plan cache for the whole session: the Iraq conference is planned once, not per test."""
    from grudging.plans import PlanCache

    return PlanCache(256)


@pytest.fixture(scope="session")
def tiny_runnable_path(tmp_path_factory: pytest.TempPathFactory, tiny_path: Path) -> Path:
    """The toy scenario with every parameter the chain reads (iraq-2007's), so it runs."""
    import yaml

    from grudging.scenario import load_scenario, scenario_to_dict

    data = yaml.safe_load(tiny_path.read_text(encoding="utf-8"))
    data["parameters"] = scenario_to_dict(load_scenario("iraq-2007"))["parameters"]
    path = tmp_path_factory.mktemp("tiny") / "tiny-runnable.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def patronless():  # type: ignore[no-untyped-def]
    """The built-in bosnia-1995 theatre without its patron (the shape of a UN-only or regional
    mission), edited in memory: its tables and map still resolve from the built-in's folder."""
    from grudging.scenario import load_scenario

    return load_scenario("bosnia-1995").model_copy(update={"patron": None})


@pytest.fixture(scope="session")
def patronless_path(tmp_path_factory: pytest.TempPathFactory, patronless) -> Path:  # type: ignore[no-untyped-def]
    """The theatre without a patron as one self-contained file (``grudging dump``'s), for the
    command line."""
    from grudging.scenario import dump_scenario

    path = tmp_path_factory.mktemp("patronless") / "patronless.yaml"
    path.write_text(dump_scenario(patronless), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def patronless_run(patronless):  # type: ignore[no-untyped-def]
    """A 20-replication run of every option of the theatre without a patron."""
    from grudging.chain import simulate

    return simulate(patronless, replications=20, seed=5)

"""Fixtures of the dashboard's unit tests: one workspace on the built-in scenario, run small."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

#: Replications per option in the callback tests (small: the tests check behaviour, not numbers).
REPLICATIONS = 40


@pytest.fixture(scope="session")
def data_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder the workspace may read, holding self-contained scenario files: a copy of
    iraq-2007, and one whose smallest contingent is declared up to 50 although a nation has 12
    troops in the theatre (an analyst's range that the scenario's own data contradict)."""
    import yaml

    from grudging.scenario import dump_scenario, load_scenario

    folder = tmp_path_factory.mktemp("data")
    text = dump_scenario(load_scenario("iraq-2007"))
    (folder / "iraq-copy.yaml").write_text(text)
    wide = yaml.safe_load(text)
    record = next(p for p in wide["parameters"] if p["name"] == "willingness.min_contingent")
    record["high"] = 50
    (folder / "wide-contingent.yaml").write_text(yaml.safe_dump(wide, allow_unicode=True))
    return folder


@pytest.fixture(scope="session")
def ws(data_folder: Path) -> Any:
    """A workspace on iraq-2007 with its default run computed."""
    from grudging.web.workspace import Workspace

    workspace = Workspace.open("iraq-2007", [data_folder], replications=REPLICATIONS)
    workspace.warm()
    return workspace


@pytest.fixture
def state(ws: Any) -> Any:
    """The default user state."""
    return ws.default_state()


@pytest.fixture(scope="session")
def store_key(data_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small sweep store (made through grudging.explore), copied into the workspace's folder."""
    import shutil

    from store_helpers import shared_store

    shutil.copyfile(shared_store(tmp_path_factory), data_folder / "sweep.duckdb")
    return "0/sweep.duckdb"

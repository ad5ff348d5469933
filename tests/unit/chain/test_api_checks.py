"""The notebook's face refuses what the command line refuses: every argument no run can have gets
one GrudgingError that names it and the fix, before any work; saved results come back as they
were saved, and a damaged save is named, never read as something else (audit of 2026-12-07)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from pandas.testing import assert_frame_equal

import grudging
from grudging.chain import simulate
from grudging.errors import GrudgingError
from grudging.results.results import Results

TABLES = ("experiments", "outcomes", "status", "region_months")


@pytest.fixture(scope="module")
def small(iraq: Any) -> Results:
    return simulate(iraq, options=["us_stays", "nato_replaces"], replications=12, seed=3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seed": 2**64}, "seed = 18446744073709551616: give a whole number from 0 to "),
        ({"options": ["patron_stays", "patron_stays"]}, "options: 'patron_stays' is given twice"),
        ({"options": []}, "options = []: give option ids"),
        ({"options": 200}, "options = 200: give option ids"),
        ({"options": [1]}, "options: 1 is not an option id; give its name"),
        ({"values": [("a", 1)]}, "values = [('a', 1)]: give a mapping of parameter names"),
        ({"values": {1: 0.3}}, "values: 1 is not a parameter of scenario 'tiny'"),
        ({"progress": 5}, "progress = 5: give a function progress(option, done, total)"),
        ({"cache": "x"}, "cache = 'x': give a grudging.plans.PlanCache"),
        ({"uncertainty": "no"}, "uncertainty = 'no': give True or False"),
    ],
)
def test_simulate_refuses_what_no_run_can_have(tiny: Any, kwargs: Any, message: str) -> None:
    with pytest.raises(GrudgingError) as info:
        simulate(tiny, **{"replications": 3, **kwargs})
    assert str(info.value).startswith(message)


def test_a_scenario_name_is_for_the_package_face(tiny_runnable_path: Path) -> None:
    with pytest.raises(GrudgingError, match=r"^scenario = 'iraq-2007': give a loaded scenario"):
        simulate("iraq-2007", replications=3)  # type: ignore[arg-type]
    results = grudging.simulate(tiny_runnable_path, options="patron_stays", replications=2)
    assert results.options == ["patron_stays"]
    assert (results.status["status"] == "ok").all()


def test_a_run_too_large_for_the_memory_is_refused_before_it_starts(
    tiny: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import grudging.machine

    monkeypatch.setattr(grudging.machine, "available_memory", lambda: 400 * 2**20)
    with pytest.raises(GrudgingError) as info:
        simulate(tiny, replications=10_000_000)
    assert str(info.value).startswith(
        "replications = 10,000,000: 10,000,000 replications x 3 options x 3 regions x 24 months "
        "would need about"
    )
    assert "fewer options, or a sweep (grudging.explore)" in str(info.value)


def test_plan_checks_its_arguments_as_simulate_does(tiny: Any) -> None:
    cases = [
        ({"values": {"nope.x": 1}}, "values: 'nope.x' is not a parameter of scenario 'tiny'"),
        ({"values": {"dynamics.self_excitation": 9.0}}, "values: dynamics.self_excitation = 9.0"),
        ({"seed": -1}, "seed = -1: give a whole number"),
        ({"seed": 1.5}, "seed = 1.5: give a whole number"),
    ]
    for kwargs, message in cases:
        with pytest.raises(GrudgingError) as info:
            grudging.plan(tiny, "alliance_replaces", **kwargs)
        assert str(info.value).startswith(message), kwargs
    with pytest.raises(GrudgingError, match=r"^option = None: give one option id"):
        grudging.plan(tiny, None)  # type: ignore[arg-type]


def test_a_value_fixed_when_loading_is_named_as_such(tiny_path: Path) -> None:
    scn = grudging.load(tiny_path, set={"dynamics.self_excitation": 0.4})
    with pytest.raises(GrudgingError) as info:
        simulate(scn, replications=2, values={"dynamics.self_excitation": 0.35})
    assert "(set when the scenario was loaded, by --set or set=)" in str(info.value)


@pytest.mark.parametrize("interval", [-0.1, 0, 1.5, "0.9", True])
def test_views_refuse_an_interval_that_is_no_share(small: Results, interval: Any) -> None:
    message = f"interval = {interval!r}: give the central share of replications"
    for view in (
        lambda: small.summary(interval),
        lambda: small.compare("us_stays", interval),
        lambda: small.monthly(interval=interval),
    ):
        with pytest.raises(GrudgingError) as info:
            view()
        assert str(info.value).startswith(message)


def test_saved_results_come_back_as_saved(small: Results, tmp_path: Path) -> None:
    small.save(tmp_path / "run")
    back = Results.load(tmp_path / "run")
    for name in TABLES:
        assert_frame_equal(getattr(back, name), getattr(small, name), check_exact=True)
    assert_frame_equal(back.summary(), small.summary(), check_exact=True)
    assert_frame_equal(back.monthly(), small.monthly(), check_exact=True)
    assert back.metadata == {**small.metadata, "created": back.metadata["created"]}
    assert small == small  # the same object; tables are not compared element by element
    assert back != small


def test_a_run_whose_every_option_failed_saves_and_loads(tiny: Any, tmp_path: Path) -> None:
    """The toy theatre lacks the parameters a run needs: every run is a failed row, and the
    record of that is saved and read back like any other."""
    failed = simulate(tiny, options=["patron_stays"], replications=3)
    assert set(failed.status["status"]) == {"failed"}
    failed.save(tmp_path / "run")
    back = Results.load(tmp_path / "run")
    assert_frame_equal(back.status, failed.status, check_exact=True)
    assert back.outcomes.empty
    assert back.region_months.empty


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"outcomes.parquet": "x"}, "extra: 'outcomes.parquet' is a file of the saved results"),
        ({"metadata.json": "x"}, "extra: 'metadata.json' is a file of the saved results"),
        ({"../escape.txt": "x"}, "extra: '../escape.txt' is not a plain file name"),
        ({"notes.txt": b"x"}, "extra: 'notes.txt': give the file's content as text"),
    ],
)
def test_save_refuses_extra_files_that_would_harm(
    small: Results, tmp_path: Path, extra: Any, message: str
) -> None:
    small.save(tmp_path / "run")
    before = {p.name: p.read_bytes() for p in (tmp_path / "run").iterdir()}
    with pytest.raises(GrudgingError) as info:
        small.save(tmp_path / "run", extra=extra, overwrite=True)
    assert str(info.value).startswith(message)
    assert {p.name: p.read_bytes() for p in (tmp_path / "run").iterdir()} == before
    assert not (tmp_path / "escape.txt").exists()
    Results.load(tmp_path / "run")


def test_save_refuses_a_file_and_a_non_boolean_overwrite(small: Results, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(GrudgingError, match="afile: a file, not a folder; save into a folder"):
        small.save(tmp_path / "afile")
    with pytest.raises(GrudgingError, match=r"^overwrite = 'no': give True or False"):
        small.save(tmp_path / "run", overwrite="no")  # type: ignore[arg-type]


def _spoil(folder: Path, how: str) -> None:
    if how == "missing":
        os.remove(folder / "outcomes.parquet")
    elif how == "truncated":
        with open(folder / "outcomes.parquet", "r+b") as fh:
            fh.truncate(100)
    elif how == "bad json":
        (folder / "metadata.json").write_text("{")
    elif how == "a list":
        (folder / "metadata.json").write_text("[1, 2]")
    else:  # another table in its place
        shutil.copy(folder / "status.parquet", folder / "outcomes.parquet")


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("missing", "outcomes.parquet: missing; the folder holds no complete saved results"),
        ("truncated", "outcomes.parquet: cannot be read as a saved table"),
        ("bad json", "metadata.json: not the metadata of saved results"),
        ("a list", "metadata.json: holds a list, not the metadata of saved results"),
        ("swapped", "outcomes.parquet: not the outcomes table of saved results (no column "),
    ],
)
def test_a_damaged_save_is_named(small: Results, tmp_path: Path, how: str, message: str) -> None:
    small.save(tmp_path / "run")
    _spoil(tmp_path / "run", how)
    with pytest.raises(GrudgingError) as info:
        Results.load(tmp_path / "run")
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("banana", "to = 'banana': give a month as YYYY-MM (e.g. 2011-12)"),
        ("2011-13", "to = '2011-13': give a month as YYYY-MM"),
        (201112, "to = 201112: give a month as YYYY-MM"),
        ("2030-01", "to = 2030-01: the replay runs from 2007-01 to 2011-12"),
    ],
)
def test_backtest_refuses_a_month_outside_the_replay(to: Any, message: str) -> None:
    with pytest.raises(GrudgingError) as info:
        grudging.backtest("iraq-2007", replications=2, to=to)
    assert str(info.value).startswith(message)


def test_a_save_over_another_replaces_it_whole(small: Results, tmp_path: Path) -> None:
    """The extra files of the save replaced go unless written again: a stale ``run.json`` would
    describe another run."""
    folder = tmp_path / "run"
    small.save(folder, extra={"run.json": "{}", "notes.txt": "first"})
    small.save(folder, extra={"notes.txt": "second"}, overwrite=True)
    assert not (folder / "run.json").exists()
    assert (folder / "notes.txt").read_text() == "second"
    small.save(folder, overwrite=True)
    assert not (folder / "notes.txt").exists()
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["extra-files.json", "metadata.json", *(t + ".parquet" for t in TABLES)]
    )

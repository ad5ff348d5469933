"""The exploration commands, in process: sweep, resume, the three analyses, export, and refusals
(one message, exit code 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from grudging.cli import main

SWEEP = [
    "-n",
    "6",
    "--parameters",
    "dynamics",
    "--levers",
    "none",
    "--option",
    "us_stays",
    "--option",
    "us_withdraws",
    "-r",
    "2",
    "--quiet",
]


@pytest.mark.slow  # several seconds: the slow tier keeps the default under its limit
def test_sweep_then_robustness_discover_and_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.duckdb"
    assert main(["sweep", str(store), *SWEEP]) == 0
    out = capsys.readouterr().out
    assert "24 of 24 runs stored" in out
    assert main(["robustness", str(store), "--satisfice", "civilian_deaths=200000", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["option"] for r in rows} == {"us_stays", "us_withdraws"}
    assert {r["outcome"] for r in rows} == {
        "civilian_deaths",
        "civil_war",
        "troop_deaths",
        "cost_patron",
    }
    assert (
        main(
            ["robustness", str(store), "--outcome", "cost_patron", "--out", str(tmp_path / "r.csv")]
        )
        == 0
    )
    table = pd.read_csv(tmp_path / "r.csv")
    assert list(table["option"]) == ["us_withdraws", "us_stays"]
    # a threshold's outcome is analysed even when --outcome names another (it was dropped)
    satisfice = ["--satisfice", "civilian_deaths=200000", "--outcome", "troop_deaths"]
    assert main(["robustness", str(store), *satisfice]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "troop_deaths (in deaths, to minimize)" in out
    assert "civilian_deaths (in deaths, to minimize), satisficing threshold 200k" in out
    discover = ["discover", str(store), "--outcome", "cost_patron", "--option", "us_stays"]
    capsys.readouterr()
    # worse at every point: an answer, not a mistake (it exited 2, and --json printed nothing)
    assert main([*discover, "--baseline", "us_withdraws"]) == 0
    answer = (
        "us_stays worse than us_withdraws on cost_patron (mean): at every one of the 6 design "
        "points; no box is needed to say where"
    )
    assert " ".join(capsys.readouterr().out.split()) == answer
    assert main([*discover, "--baseline", "us_withdraws", "--json"]) == 0
    said = json.loads(capsys.readouterr().out)
    assert (said["cases"], said["points"], said["boxes"], said["note"]) == (6, 6, [], answer)
    assert (said["limits"], said["trajectory"]) == ([], [])  # the keys a found box has
    from grudging.results.store import open_store

    with open_store(store) as st:
        costs = st.per_point("cost_patron", options=["us_stays"])["value"]
    middle = str(float(costs.median()))
    assert main([*discover, "--worse-than", middle, "--threshold", "0.5", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["points"] == 6
    assert found["cases"] == 3
    assert set(found["boxes"][0]) >= {"coverage", "density", "mass", "res_dim", "description"}
    assert main(["export", str(store), "--out", str(tmp_path / "x"), "--format", "csv"]) == 0
    assert (tmp_path / "x" / "outcomes.csv").is_file()


def test_sobol_sweep_then_sensitivity(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "sobol.duckdb"
    args = ["sweep", str(store), "--method", "sobol", "-n", "4", "--parameters", "dynamics"]
    args += ["--levers", "none", "--option", "us_stays", "-r", "1", "--quiet"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(["sensitivity", str(store), "--outcome", "civilian_deaths", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    from grudging.scenario import load_scenario

    dynamics = load_scenario("iraq-2007").parameters
    assert len(rows) == sum(p.name.startswith("dynamics.") and p.high > p.low for p in dynamics)
    assert rows[0]["rank"] == 1
    assert rows[0]["ST"] >= rows[-1]["ST"]
    # four points give indices that are mostly sampling error, and the table says so
    assert main(["sensitivity", str(store), "--outcome", "civilian_deaths"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    negative = sum(r["S1"] < 0 for r in rows) + sum(r["ST"] < 0 for r in rows)
    assert negative > 0
    assert f"note: {negative} indices are negative: an index cannot be" in out
    assert "their rank is not established" in out


def test_resume_takes_everything_from_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.duckdb"
    assert main(["sweep", str(store), *SWEEP]) == 0
    assert main(["sweep", str(store), "--resume", "--quiet"]) == 0
    assert "24 of 24 runs stored" in capsys.readouterr().out
    assert main(["sweep", str(store), "--resume", "-n", "7"]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: --resume continues {store} as it was designed; leave out -n"
    )
    # a mistyped path is not a new sweep of the default design (an hour of runs)
    typo = tmp_path / "s2.duckdb"
    assert main(["sweep", str(typo), "--resume", "--quiet"]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: --resume {typo}: there is no store here to continue; check the path, or leave "
        "out --resume to start a new sweep there"
    )
    assert not typo.exists()


def test_refusals_are_one_message_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.duckdb"
    assert main(["sweep", str(store), *SWEEP]) == 0
    capsys.readouterr()
    assert main(["sweep", str(store), *SWEEP]) == 2
    assert (
        "a DuckDB database already exists here (a store: continue its sweep with --resume"
        in capsys.readouterr().err
    )
    # a scenario given where the store goes: said so, and the file is left as it was
    scenario = tmp_path / "mine.yaml"
    scenario.write_text("id: mine\n")
    assert main(["sweep", str(scenario), *SWEEP]) == 2
    assert capsys.readouterr().err == (
        f"error: {scenario}: a file that is not a store (a scenario comes after the store, or "
        "with --scenario); give a new path for the store\n"
    )
    assert scenario.read_text() == "id: mine\n"
    # the scenario after the store, as the other commands take it; not both ways
    other = tmp_path / "u.duckdb"
    assert main(["sweep", str(other), str(tmp_path / "nosuch.yaml"), *SWEEP]) == 2
    assert "nosuch.yaml: no such scenario file or built-in scenario" in capsys.readouterr().err
    assert main(["sweep", str(other), "iraq-2007", "--scenario", "iraq-2007", *SWEEP]) == 2
    assert (
        "error: the scenario is given twice (iraq-2007 and --scenario iraq-2007); give one"
        in capsys.readouterr().err
    )
    assert not other.exists()
    assert main(["sensitivity", str(store), "--outcome", "civil_wars", "--option", "us_stays"]) == 2
    err = capsys.readouterr().err
    assert "unknown outcome 'civil_wars' (did you mean 'civil_war'?)" in err
    assert "Traceback" not in err
    assert main(["robustness", str(store), "--satisfice", "civilian_deaths"]) == 2
    assert "write OUTCOME=VALUE" in capsys.readouterr().err
    assert main(["sweep", str(tmp_path / "t.duckdb"), "--parameters", "dynamic.spillover"]) == 2
    assert "unknown parameter 'dynamic.spillover' (did you mean 'dynamics.spillover'?)" in (
        capsys.readouterr().err
    )


@pytest.fixture(scope="module")
def patronless_store(patronless: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small sweep of a theatre without a patron (two options, four points, two runs each)."""
    from grudging import explore

    path = tmp_path_factory.mktemp("patronless-sweep") / "s.duckdb"
    factors = ["dynamics.self_excitation", "dynamics.coverage_half"]
    design = explore.make_design(patronless, "lhs", n=4, parameters=factors, levers="none")
    options = ["no_force", "unprofor_continues"]
    explore.sweep(patronless, path, design, options=options, replications=2, monthly=True)
    return path


#: The one message a request for the patron's cost of a theatre without one gets.
NO_PATRON = (
    "error: outcome 'cost_patron': theatre bosnia-1995 has no patron (its scenario names none), "
    "so no run of it reports 'cost_patron'; valid: civil_war, civilian_deaths, "
    "coalition_troops, cost_others, displaced, handover, p_deal, p_deal_holds, refugees, "
    "regional_escalation, safe_haven, settlement_forms, … (2 more)\n"
)


@pytest.mark.parametrize(
    "request_",
    [
        ["robustness", "--outcome", "cost_patron"],
        ["robustness", "--satisfice", "cost_patron=1000"],
        ["sensitivity", "--outcome", "cost_patron", "--option", "no_force"],
        ["discover", "--outcome", "cost_patron", "--option", "no_force"],
    ],
)
def test_a_cost_to_no_patron_is_refused_by_name(
    patronless_store: Path, capsys: pytest.CaptureFixture[str], request_: list[str]
) -> None:
    command, *rest = request_
    assert main([command, str(patronless_store), *rest]) == 2
    assert capsys.readouterr().err == NO_PATRON


def test_robustness_of_a_theatre_without_a_patron_leaves_out_its_cost(
    patronless_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from grudging.results.store import open_store

    assert main(["robustness", str(patronless_store), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["outcome"] for r in rows} == {"civilian_deaths", "civil_war", "troop_deaths"}
    with open_store(patronless_store) as st:
        assert not {"cost_patron", "patron_troops"} & set(st.outcome_names())
        assert "patron_troops" not in set(st.outcomes()["outcome"])  # nor its monthly series
        st.check_consistency()


def test_a_design_too_large_is_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "huge.duckdb"
    args = ["sweep", str(store), "--method", "factorial", "--parameters", "none", "--levers", "all"]
    args += ["--levels", "3", "-r", "10000000", "--monthly"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "design too large for the disk: 243 points x 5 options x 10,000,000 replications" in err
    assert "leave out --monthly" in err
    assert not store.exists()


def test_an_analysis_writes_over_no_file_and_never_over_its_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--out replaced any file without a word, the store it read included (a store named
    s.csv lost its runs); an export mixed its files with an earlier one's (audit, 2026-12-07)."""
    store = tmp_path / "s.csv"
    assert main(["sweep", str(store), *SWEEP]) == 0
    size = store.stat().st_size
    capsys.readouterr()
    assert main(["robustness", str(store), "--out", str(store), "--overwrite"]) == 2
    assert capsys.readouterr().err == (
        f"error: --out {store}: this is the store the table is read from; give another file\n"
    )
    notes = tmp_path / "notes.csv"
    notes.write_text("my notes\n")
    for command in (
        ["robustness", str(store)],
        ["sensitivity", str(store), "--outcome", "civilian_deaths", "--option", "us_stays"],
    ):
        assert main([*command, "--out", str(notes)]) == 2
        assert capsys.readouterr().err == (
            f"error: --out {notes}: the file exists; give another name, or --overwrite to "
            "replace it\n"
        )
    assert notes.read_text() == "my notes\n"
    assert store.stat().st_size == size
    assert main(["robustness", str(store), "--out", str(notes), "--overwrite"]) == 0
    assert "option" in notes.read_text()
    folder = tmp_path / "export"
    assert main(["export", str(store), "--out", str(folder)]) == 0
    capsys.readouterr()
    assert main(["export", str(store), "--out", str(folder)]) == 2
    assert "already holds experiments.parquet" in capsys.readouterr().err
    assert main(["export", str(store), "--out", str(folder), "--overwrite"]) == 0
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["runs_stored"] == meta["total_runs"] == 24


def test_an_export_carries_the_overrides_and_the_scenario_that_reproduces_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from grudging.results.store import Store
    from grudging.scenario import load_scenario
    from grudging.scenario.io import scenario_hash

    store, folder = tmp_path / "s.duckdb", tmp_path / "export"
    assignment = "dynamics.self_excitation=0.3"
    assert main(["sweep", str(store), *SWEEP[:-1], "-n", "2", "--set", assignment]) == 0
    with Store.open(store) as st:
        stored_hash = st.meta["scenario_hash"]
        assert st.meta["overrides"] == [assignment]
    assert main(["export", str(store), "--out", str(folder)]) == 0
    assert "written " + str(folder / "scenario.yaml") in capsys.readouterr().out
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["overrides"] == [assignment]
    exported = load_scenario(folder / "scenario.yaml")
    assert scenario_hash(exported) == stored_hash != scenario_hash(load_scenario("iraq-2007"))
    assert exported.parameter_values()["dynamics.self_excitation"] == 0.3
    # a second export into the same folder would replace the scenario too: refused
    assert main(["export", str(store), "--out", str(folder), "--table", "points"]) == 2
    assert "scenario.yaml" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--second-order"], "--second-order does not apply to a lhs design"),
        (["--method", "sobol", "--num-levels", "4"], "--num-levels does not apply to a sobol"),
        (["--levels", "5"], "--levels does not apply to a lhs design"),
        (["--method", "morris", "--cross-levers"], "--cross-levers does not apply to a morris"),
        (["--workers", "2"], "--workers needs --executor processes"),
        (["--executor", "processes", "--scheduler"], "--scheduler runs on dask; leave out"),
    ],
)
def test_a_flag_the_design_would_ignore_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], expected: str
) -> None:
    """These were accepted and silently ignored (audit, 2026-12-07)."""
    store = tmp_path / "s.duckdb"
    assert main(["sweep", str(store), *SWEEP, *flags]) == 2
    assert expected in capsys.readouterr().err
    assert not store.exists()


def test_an_absurd_worker_count_is_refused_as_such_not_as_a_design_too_large(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """-n 5 --executor processes --workers 100000 was refused as 'design too large for memory:
    5 points x 5 options x 10 replications = 250 runs ... about 21.6 TB' (audit)."""
    monkeypatch.setattr("os.cpu_count", lambda: 16)
    store = tmp_path / "s.duckdb"
    args = ["sweep", str(store), "-n", "5", "--executor", "processes", "--workers", "100000"]
    assert main(args) == 2
    err = " ".join(capsys.readouterr().err.split())  # the console wraps long lines
    assert err == (
        "error: --workers 100000: more worker processes than this machine can use; it has 16 "
        "cores, and a sweep is CPU-bound, so processes beyond 64 (4 per core) only take turns on "
        "them while each holds its own memory; give at most 64, or leave --workers out for one "
        "per core"
    )
    assert not store.exists()


def test_a_store_of_one_option_suggests_what_one_option_allows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A case has one option: the hint used to name robustness, which needs two. The hint is a
    command to copy: on a narrow terminal its path was broken across lines."""
    from grudging.cases.runner import case_path
    from grudging.cli._output import console

    monkeypatch.setattr(console, "width", 40)

    store = tmp_path / "case.duckdb"
    case = str(case_path("mozambique-1992"))
    args = ["-n", "2", "-r", "1", "--levers", "none", "--parameters", "dynamics", "--quiet"]
    assert main(["sweep", str(store), "--scenario", case, *args]) == 0
    out = capsys.readouterr().out
    assert out.endswith(
        f"next: grudging discover {store} --outcome civilian_deaths --worse-than VALUE (one "
        "option, as_deployed: robustness and a baseline need two)\n"
    )


def _closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (
            ["--method", "morris", "--num-levels", "3"],
            "--num-levels 3: a Morris grid needs an even number of levels",
        ),
        (["--scheduler", "tcp://127.0.0.1:PORT"], "no dask scheduler answers there"),
    ],
)
def test_a_sweep_that_cannot_run_is_refused_before_its_design(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], expected: str
) -> None:
    """An odd Morris grid ran with SALib's warning; a scheduler where nothing listens took 22 s
    to fail (audit, 2026-12-07)."""
    store = tmp_path / "s.duckdb"
    flags = [f.replace("PORT", str(_closed_port())) for f in flags]
    assert main(["sweep", str(store), "-n", "4", "--levers", "none", *flags]) == 2
    assert expected in capsys.readouterr().err
    assert not store.exists()


def test_workers_for_a_dask_scheduler_s_cluster_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--scheduler tcp://... --workers 7 swept on the scheduler's one worker and reported
    'dask x 1' (audit): refused before the scheduler is even asked."""
    address = f"tcp://127.0.0.1:{_closed_port()}"
    store = tmp_path / "s.duckdb"
    assert main(["sweep", str(store), *SWEEP, "--scheduler", address, "--workers", "7"]) == 2
    err = " ".join(capsys.readouterr().err.split())  # the console wraps long lines
    assert err == (
        f"error: --workers 7: the dask scheduler at {address} runs the sweep on the workers "
        "started with it, and --workers cannot change how many there are; leave --workers out "
        f"(start more workers there with 'dask worker {address}'), or give --scheduler without "
        "an address for a local cluster of 7 workers"
    )
    assert not store.exists()

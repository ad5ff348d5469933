"""Bad arguments are refused before the model is imported or any option planned."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from grudging.cli import main


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--option", "nato_replace"],
            "--option nato_replace: unknown option 'nato_replace' (did you mean 'nato_replaces'?)",
        ),
        (["--baseline", "nope"], "--baseline nope: unknown option 'nope'"),
        (["no-such-scenario"], "no-such-scenario: no such scenario file or built-in scenario"),
        (["--set", "dynamics.nope=1"], "--set dynamics.nope=1: unknown parameter 'dynamics.nope'"),
        (["--report", "report.txt"], "--report report.txt: give a file name ending in .html"),
        (["-n", "0"], "--replications 0: give at least 1"),
        (["-n", "10000000000"], "would need about"),
    ],
)
def test_run_refuses_bad_arguments_without_planning(
    never_plan: None, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", *args, "--quiet"]) == 2
    assert message in " ".join(capsys.readouterr().err.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "report.txt"], "--out report.txt: give a file name ending in .html"),
        (["--from", "nowhere"], "--from nowhere: no saved results here"),
        (["--from", "nowhere", "-n", "5"], "--replications applies to a new run, not to --from"),
        (["--from", "nowhere", "--seed", "5"], "--seed applies to a new run, not to --from"),
        (["-n", "0"], "--replications 0: give at least 1"),
        (["--set", "foo=1"], "--set foo=1: unknown key 'foo'"),
    ],
)
def test_report_refuses_bad_arguments_without_planning(
    never_plan: None, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", *args, "--quiet"]) == 2
    assert message in " ".join(capsys.readouterr().err.split())


def test_the_command_line_imports_only_the_standard_library() -> None:
    code = (
        "import sys; import grudging.cli as c; c.build_parser(); "
        "heavy = [m for m in ('numpy', 'pandas', 'rich', 'pydantic', 'yaml', 'grudging.model') "
        "if m in sys.modules]; print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_default_replications_are_the_chains() -> None:
    from grudging.chain import DEFAULT_REPLICATIONS
    from grudging.cli.run import DEFAULT_RUNS

    assert DEFAULT_RUNS == DEFAULT_REPLICATIONS


def test_serve_refuses_a_port_in_use_before_reading_anything(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import grudging.web.workspace

    def boom(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the dashboard started work on a taken port")

    monkeypatch.setattr(grudging.web.workspace.Workspace, "open", boom)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"--port {port}: port {port} on 127.0.0.1 is already in use" in err
    assert "choose another port, e.g. --port" in err


def test_serve_port_check_passes_a_free_port() -> None:
    from grudging.cli.serve import check_port

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    check_port("127.0.0.1", port)  # no error


@pytest.mark.slow
def test_report_from_a_saved_run_reuses_it(
    tiny_runnable_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = tmp_path / "saved"
    run_report = tmp_path / "run.html"
    args = [str(tiny_runnable_path), "-n", "4", "--seed", "5", "--quiet"]
    assert main(["run", *args, "--save", str(saved), "--report", str(run_report)]) == 0
    assert {p.name for p in saved.iterdir()} >= {"metadata.json", "outcomes.parquet", "run.json"}
    import grudging.chain

    def boom(*a: Any, **k: Any) -> None:
        raise AssertionError("report --from simulated again")

    # the same folder again is refused; with --overwrite the new run replaces the saved one
    assert main(["run", *args, "--save", str(saved), "--report", "-"]) == 2
    again = [*args[:-3], "--seed", "6", "--quiet"]
    assert main(["run", *again, "--save", str(saved), "--overwrite", "--report", "-"]) == 0
    assert json.loads((saved / "metadata.json").read_text())["seed"] == 6
    assert not [p for p in saved.iterdir() if p.name.startswith(".")]
    assert main(["run", *args, "--save", str(saved), "--overwrite", "--report", "-"]) == 0
    monkeypatch.setattr(grudging.chain, "simulate", boom)
    out = tmp_path / "from.html"
    assert main(["report", "--from", str(saved), "--out", str(out), "--quiet"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "replications</th><td>4 per option" in page
    assert "seed</th><td>5</td>" in page
    # the same verdict as the run's own report
    first = run_report.read_text(encoding="utf-8").split('<ul class="answer">')[1].split("</ul>")[0]
    assert first in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--option", "nope"], "--option nope: unknown option 'nope'"),
        (
            ["coalition", "--option", "nato_replace"],
            "--option nato_replace: unknown option 'nato_replace' (did you mean 'nato_replaces'?)",
        ),
        (
            ["what-would-it-take", "--baseline", "nato_replace"],
            "--baseline nato_replace: unknown option 'nato_replace' (did you mean "
            "'nato_replaces'?)",
        ),
    ],
)
def test_a_misspelt_option_is_refused_before_the_model_is_imported(
    args: list[str], message: str
) -> None:
    # the refusal comes from the scenario's raw option ids; validation (which imports the model,
    # numpy and pandas: seconds) never starts
    code = (
        "import sys; from grudging.cli import main; "
        f"rc = main({args!r}); "
        "heavy = [m for m in ('numpy', 'pandas', 'scipy', 'grudging.model') if m in sys.modules]; "
        "print(rc, heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "2 []"
    assert message in " ".join(done.stderr.split())


def test_a_misspelt_flag_gets_a_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "s.duckdb", "--optoin", "us_stays"]) == 2
    err = capsys.readouterr().err
    assert (
        "grudging sweep: error: unrecognized arguments: --optoin us_stays (did you mean "
        "'--option'?)" in err
    )
    assert "run 'grudging sweep --help' for the options" in err


def test_what_would_it_take_takes_the_scenario_as_the_other_commands_do(
    capsys: pytest.CaptureFixture[str], never_plan: None
) -> None:
    """A theatre author's audit: `grudging what-would-it-take FILE` was refused as an unknown
    argument; it reads a positional scenario like `run`, and refuses one given twice."""
    assert main(["what-would-it-take", "nowhere.yaml"]) == 2
    assert "nowhere.yaml: no such scenario file" in " ".join(capsys.readouterr().err.split())
    assert main(["what-would-it-take", "iraq-2007", "--scenario", "iraq-2007"]) == 2
    assert "the scenario is given twice (iraq-2007 and --scenario iraq-2007); give one" in " ".join(
        capsys.readouterr().err.split()
    )

"""``grudging serve``: loopback by default, a warning otherwise, one message for bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from grudging.cli import main
from grudging.cli.serve import is_loopback


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.0.2", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace the web server (and the warm-up) by a recorder."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("grudging.web.callbacks.warm", lambda ws: None)
    monkeypatch.setattr(
        "grudging.web.app.serve",
        lambda ws, host, port: calls.append({"ws": ws, "host": host, "port": port}),
    )
    return calls


def test_default_is_loopback_without_warning(
    started: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing else on the machine holds
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["serve", "--port", str(port)]) == 0
    assert started[0]["host"] == "127.0.0.1"
    assert started[0]["port"] == port
    err = capsys.readouterr().err
    assert "warning" not in err
    assert f"http://127.0.0.1:{port}/" in err


def test_another_host_warns(
    started: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--host", "0.0.0.0"]) == 0
    assert started[0]["host"] == "0.0.0.0"
    assert "warning: listening on 0.0.0.0" in capsys.readouterr().err


def test_a_scenario_file_makes_its_folder_readable(
    started: list[dict[str, Any]], tiny_path: Path
) -> None:
    assert main(["serve", str(tiny_path), "-n", "5"]) == 0
    ws = started[0]["ws"]
    assert ws.start == "file:0/tiny.yaml"
    assert ws.folders.roots == (tiny_path.parent.resolve(),)
    assert ws.replications == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-n", "0"], "at least 1"),
        (["--port", "0"], "between 1 and 65535"),
        (["no-such-scenario"], "no such scenario file"),
        (["--data", "no/such/folder"], "not a folder"),
        (["--store", "no/such.duckdb"], "no such file"),
    ],
)
def test_bad_input_is_one_message(
    started: list[dict[str, Any]], args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert started == []


def test_inputs_are_named_as_given_and_a_run_too_large_is_refused_first(
    started: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong file type was named by the workspace's key ('0/notes.txt'), --data not at all;
    -n 10**12 started the server and failed behind the page."""
    import socket

    with socket.socket() as probe:  # a port nothing else on the machine holds
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    notes = tmp_path / "notes.txt"
    notes.write_text("x: 1\n")
    for args, message in (
        (["--store", str(notes)], f"--store {notes}: expected a .duckdb file; give a sweep store"),
        ([str(notes)], f"{notes}: expected a .yaml or .yml file; give a scenario file or a"),
        (["--data", str(notes)], f"--data {notes}: not a folder (a file); give folders that"),
        (
            ["-n", str(10**12)],
            "-n 1,000,000,000,000: 1,000,000,000,000 replications x 5 options x 18 regions x "
            "60 months would need about",
        ),
    ):
        assert main(["serve", "--port", port, *args]) == 2
        assert " ".join(capsys.readouterr().err.split()).startswith(f"error: {message}")
    assert started == []

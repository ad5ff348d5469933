"""Worker processes die with their sweep: after SIGKILL of a ``--executor processes`` sweep, no
worker goes on computing chunks that nobody will store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil  # dask.distributed depends on it
import pytest


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="workers watch their parent on POSIX systems")
def test_workers_exit_when_the_sweep_is_killed(tmp_path: Path, tiny_runnable_path: Path) -> None:
    command = [sys.executable, "-c", "from grudging.cli import run_main; run_main()", "sweep"]
    command += [
        str(tmp_path / "s.duckdb"),
        "--scenario",
        str(tiny_runnable_path),
        "-n",
        "100000",
        "-r",
        "10",
    ]
    command += ["--block", "50", "--executor", "processes", "--workers", "2"]
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        for line in proc.stderr:  # plain progress lines: "sweep: 3,450/3,000,000 runs (0%), ..."
            if line.startswith("sweep: ") and not line.startswith("sweep: 0/"):
                children = psutil.Process(proc.pid).children()
                workers = [c.pid for c in children if "popen_loky_posix" in " ".join(c.cmdline())]
                if len(workers) == 2:
                    break
            assert time.monotonic() < deadline, "the sweep never reported stored runs"
        assert len(workers) == 2, "the sweep ended before its workers were seen"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        deadline = time.monotonic() + 10
        while not all(_gone(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        alive = [pid for pid in workers if not _gone(pid)]
        assert alive == [], f"workers {alive} outlived their sweep"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in workers:  # never leave a stray worker behind, even when the test fails
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)

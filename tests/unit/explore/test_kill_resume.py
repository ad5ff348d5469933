"""A sweep killed with SIGKILL mid-way resumes and ends with exactly the table of an uninterrupted
sweep: every run once, nothing lost, nothing duplicated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from explore_helpers import assert_same_tables, tables

from grudging.cli import main
from grudging.model.outcomes import OUTCOMES
from grudging.results.store import open_store

ARGS = [
    "-n",
    "400",
    "--parameters",
    "dynamics",
    "--levers",
    "none",
    "--option",
    "us_stays",
    "--option",
    "us_withdraws",
    "-r",
    "5",
    "--block",
    "25",
    "--seed",
    "3",
]
TOTAL = 400 * 2 * 5


@pytest.mark.slow
def test_resume_after_sigkill_gives_the_uninterrupted_table(tmp_path: Path) -> None:
    killed = tmp_path / "killed.duckdb"
    command = [sys.executable, "-c", "from grudging.cli import run_main; run_main()"]
    proc = subprocess.Popen(
        [*command, "sweep", str(killed), *ARGS],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    done = 0
    try:
        for line in proc.stderr:  # plain progress lines: "sweep: 1,250/4,000 runs (31%), ..."
            if line.startswith("sweep: "):
                done = int(line.split()[1].split("/")[0].replace(",", ""))
                if 0 < done < TOTAL // 2:
                    os.kill(proc.pid, signal.SIGKILL)
                    break
            if time.monotonic() > deadline:
                break
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the sweep ended before it could be killed"
    with open_store(killed) as store:
        stored = store.counts()["stored"]
    assert 0 < stored < TOTAL

    assert main(["sweep", str(killed), "--resume", "--quiet"]) == 0
    whole = tmp_path / "whole.duckdb"
    assert main(["sweep", str(whole), *ARGS, "--quiet"]) == 0
    assert_same_tables(killed, whole)
    status = tables(killed)["status"]
    assert len(status) == TOTAL
    assert status["run_id"].is_unique
    assert len(tables(killed)["outcomes"]) == TOTAL * len(OUTCOMES)

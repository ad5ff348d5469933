"""The dashboard in a real headless Chromium (Debian's), driven by Playwright.

The tests skip when Chromium is missing, unless ``GRUDGING_REQUIRE_BROWSER=1`` (set by CI), in
which case they fail. The server is started as its own process on a free port of 127.0.0.1 (the
process started is the server, so its PID is the one stopped) and every request the page makes is
recorded, so a test can check that nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REQUIRE = os.environ.get("GRUDGING_REQUIRE_BROWSER") == "1"
#: Where the screenshots for the docs go: a temporary folder unless GRUDGING_SCREENSHOTS names one
#: (``GRUDGING_SCREENSHOTS=docs/screenshots`` regenerates the docs' pictures on purpose).
SCREENSHOTS = os.environ.get("GRUDGING_SCREENSHOTS")
#: Replications per option of the dashboard under test (small: the tests check behaviour).
REPLICATIONS = 30


@pytest.fixture(scope="session", autouse=True)
def _chromium_present() -> None:
    if not Path(CHROMIUM).is_file():
        if REQUIRE:
            pytest.fail(f"{CHROMIUM} is missing and GRUDGING_REQUIRE_BROWSER=1 requires it")
        pytest.skip(f"{CHROMIUM} is missing (Debian: apt-get install chromium)")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded browser."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A viewport wide enough for the tables."""
    return {**browser_context_args, "viewport": {"width": 1300, "height": 1000}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """The running dashboard."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    data: Path
    #: Whether the default run was ready when the first page was served (it should not need to
    #: be: the page comes at once and fills in).
    ready_at_first_page: bool = False

    def alive(self) -> bool:
        return self.process.poll() is None


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``grudging serve`` on a free port of 127.0.0.1, with a folder holding a sweep store."""
    from store_helpers import shared_store

    data = tmp_path_factory.mktemp("served")
    # a scenario file the page lists but refuses to load (a required key is missing)
    (data / "refused.yaml").write_text("id: refused\n", encoding="utf-8")
    store = data / "sweep.duckdb"
    shutil.copyfile(shared_store(tmp_path_factory), store)
    port = _free_port()
    log = data / "server.log"
    command = [
        sys.executable,
        "-c",
        "from grudging.cli import run_main; run_main()",
        "serve",
        "--port",
        str(port),
        "-n",
        str(REPLICATIONS),
        "--data",
        str(data),
        "--store",
        str(store),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 240
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"the dashboard exited: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the dashboard did not start in time: {log.read_text()[-2000:]}")
            time.sleep(0.5)
        ready = "default run ready" in log.read_text()
        yield Server(url, process, log, data, ready_at_first_page=ready)
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@dataclass
class Traffic:
    """Every request and console error of a page."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def off_host(self) -> list[str]:
        local = ("http://127.0.0.1", "data:", "blob:", "about:")
        return [u for u in self.requests if not u.startswith(local)]


@pytest.fixture
def traffic(page: Any) -> Traffic:
    """Record what the page requests and what it logs as errors."""
    seen = Traffic()
    page.on("request", lambda r: seen.requests.append(r.url))
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    return seen


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the screenshots are written to (never a tracked file unless asked for)."""
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def shot(screenshots: Path) -> Callable[[Any, str], None]:
    """Take a full-page screenshot: ``shot(page, name)``."""

    def take(page: Any, name: str) -> None:
        page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)

    return take

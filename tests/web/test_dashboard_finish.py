"""The dashboard's finish in a real browser: a first page that comes at once, a visible busy state
with disabled actions while the coalition recomputes, what-would-it-take in the background; and the
report read in a 1,440-pixel window."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a browser and a server: the slow tier

SLOW_MS = 90_000

#: Records, every 20 ms, whether the coalition's actions were disabled with the busy line shown,
#: and the least text its tables held (0: they went blank).
WATCH_COALITION = """() => {
  window.__seen = {disabled: false, busy: '', least: Infinity, hidden: false};
  window.__watch = setInterval(() => {
    const use = document.querySelector('#use-coalition');
    const busy = document.querySelector('#coalition-busy').innerText;
    const table = document.querySelector('#contingent-table');
    if (use.disabled && busy) {
      const at = document.querySelector('#coalition-busy').getBoundingClientRect();
      const by = use.getBoundingClientRect();
      window.__seen.disabled = true; window.__seen.busy = busy;
      window.__seen.dy = Math.abs(at.top - by.top);
      window.__seen.onscreen = at.top >= 0 && at.bottom <= window.innerHeight;
    }
    window.__seen.least = Math.min(window.__seen.least, table.innerText.length);
    let e = table;
    while (e) { if (getComputedStyle(e).visibility === 'hidden') window.__seen.hidden = true;
                e = e.parentElement; }
  }, 20);
}"""


def open_tab(page: Page, label: str) -> None:
    page.locator("#tabs").get_by_text(label, exact=True).click()


def test_the_first_page_comes_before_the_default_run(server: Any) -> None:
    # the server answered while the default run was still being computed ...
    assert not server.ready_at_first_page
    # ... and that run does finish, in the background
    deadline = time.monotonic() + 240
    while "default run ready" not in server.log.read_text():
        assert time.monotonic() < deadline, server.log.read_text()[-2000:]
        time.sleep(0.5)


def test_the_first_page_says_it_is_computing_then_fills_in(server: Any, page: Page) -> None:
    page.goto(server.url)
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#headline")).to_contain_text("against US stays", timeout=SLOW_MS)
    expect(page.locator("#headline")).not_to_contain_text("Computing")


def test_recomputing_the_coalition_disables_its_actions_and_keeps_its_tables(
    server: Any, page: Page
) -> None:
    page.goto(server.url)
    open_tab(page, "Coalition builder")
    table = page.locator("#contingents")
    expect(table).to_contain_text("(lead)", timeout=SLOW_MS)
    use = page.get_by_role("button", name="Use this coalition in the comparison")
    expect(use).to_be_enabled()
    before = table.inner_text()
    page.evaluate(WATCH_COALITION)
    # an offer no other test withdraws, so the conference really re-runs
    page.get_by_label("Airlift and logistics support (airlift_logistics)").uncheck()
    expect(table).not_to_have_text(before, timeout=SLOW_MS)
    expect(use).to_be_enabled(timeout=SLOW_MS)
    seen = page.evaluate("() => { clearInterval(window.__watch); return window.__seen; }")
    assert seen["disabled"], "the actions stayed clickable while the conference re-ran"
    assert seen["busy"].startswith("Recomputing the coalition")
    assert seen["least"] > 0, "the tables went blank while the conference re-ran"
    assert not seen["hidden"]
    # the busy line sat next to the button, on screen
    assert seen["dy"] < 40
    assert seen["onscreen"]
    expect(page.locator("#coalition-busy")).to_have_text("")


def test_what_would_it_take_runs_in_the_background_and_shows_its_answer(
    server: Any, page: Page, shot: Any
) -> None:
    page.goto(server.url)
    open_tab(page, "What would it take?")
    expect(page.get_by_label("Levers to search")).to_contain_text("International aid")
    expect(page.get_by_label("Option", exact=True)).to_contain_text("NATO-led")
    for box in page.get_by_label("Levers to search").get_by_role("checkbox").all():
        box.uncheck()
    page.get_by_label("International aid").check()
    run = page.get_by_role("button", name="Search")
    run.click()
    busy = page.locator("#what-busy")
    expect(busy).to_contain_text("Searching what NATO-led coalition", timeout=SLOW_MS)
    expect(run).to_be_disabled()
    expect(page.locator("#what-headline")).to_be_visible(timeout=300_000)
    expect(run).to_be_enabled()
    expect(busy).to_have_text("")
    result = page.locator("#what-result")
    expect(result).to_contain_text("International aid")
    expect(result).to_contain_text("paired runs")
    shot(page, "what-would-it-take")
    text = result.inner_text()
    assert "nato_replaces" not in text
    assert not re.search(r"\d\.?\d*e[+-]?\d", text)


def test_the_server_logs_quietly(server: Any, page: Page) -> None:
    page.goto(server.url)
    expect(page.locator("#headline")).to_contain_text("against US stays", timeout=SLOW_MS)
    open_tab(page, "Map")
    expect(page.locator("#map canvas.maplibregl-canvas")).to_have_count(1, timeout=SLOW_MS)
    log = server.log.read_text()
    # the page made dozens of requests; none is logged, nor the development-server warning
    for noise in ("HTTP/1.1", "_dash-update-component", "development server", "Serving Flask"):
        assert noise not in log, log[-2000:]
    assert "dashboard at http://127.0.0.1:" in log


def param_input(page: Page, name: str) -> Any:
    """The text field of one parameter (Dash writes pattern ids as sorted JSON)."""
    return page.locator(f"""[id='{{"name":"{name}","type":"param"}}']""")


def test_the_search_runs_under_the_assumptions_and_plan_the_user_changed(
    server: Any, page: Page
) -> None:
    page.goto(server.url)
    expect(page.locator("#status")).to_contain_text("default assumptions", timeout=SLOW_MS)
    # a coalition plan changed and put into the comparison ...
    open_tab(page, "Coalition builder")
    expect(page.locator("#contingents")).to_contain_text("(lead)", timeout=SLOW_MS)
    page.get_by_label("Cash per troop (cash_per_troop)").uncheck()
    use = page.get_by_role("button", name="Use this coalition in the comparison")
    expect(page.locator("#coalition-busy")).to_have_text("", timeout=SLOW_MS)
    expect(use).to_be_enabled(timeout=SLOW_MS)
    use.click()
    expect(page.locator("#status")).to_contain_text("coalition plan", timeout=SLOW_MS)
    # ... and an assumption changed
    open_tab(page, "Assumptions")
    field = param_input(page, "dynamics.coverage_half")
    expect(field).to_be_visible(timeout=SLOW_MS)
    field.fill("0.6")
    field.press("Enter")
    page.get_by_role("button", name="Run with these values").click()
    message = page.locator("#assumption-message")
    expect(message).to_contain_text("Coverage half (dynamics) = 0.6", timeout=SLOW_MS)
    # the changed plan is listed as a person writes it, by names, not as a Python list of ids
    expect(message).to_contain_text("offers allowed = Aid or debt relief")
    assert "cash_per_troop" not in message.inner_text()
    assert not re.search(r"[\[\]']", message.inner_text())
    # the search says, before and while it runs, that it uses the changed value ...
    open_tab(page, "What would it take?")
    expect(page.locator("#what-note")).to_contain_text(
        "Coverage half (dynamics) = 0.6", timeout=SLOW_MS
    )
    for box in page.get_by_label("Levers to search").get_by_role("checkbox").all():
        box.uncheck()
    page.get_by_label("International aid").check()
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#what-busy")).to_contain_text(
        "(with Coverage half (dynamics) = 0.6)", timeout=SLOW_MS
    )
    # ... and its answer comes from a job whose inputs held the value
    expect(page.locator("#what-fixed")).to_contain_text(
        "Coverage half (dynamics) = 0.6", timeout=300_000
    )
    expect(page.locator("#what-headline")).to_be_visible()


def test_the_report_fits_a_1440_pixel_window(page: Page, tmp_path: Path) -> None:
    from grudging.chain import simulate
    from grudging.report.html import write_report
    from grudging.scenario import load_scenario

    scn = load_scenario("iraq-2007")
    path = write_report(simulate(scn, replications=20, seed=3), scn, tmp_path / "report.html")
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(path.as_uri())
    expect(page.locator("h2").first).to_have_text("Executive summary")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    right = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll('table, .js-plotly-plot'))"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert right <= 1440
    text = page.locator("body").inner_text()
    assert not re.search(r"\d\.\d+e[+-]\d+", text)
    assert page.locator("thead tr").filter(has_text=re.compile(r"^\s*$")).count() == 0

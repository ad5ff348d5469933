"""End to end: the dashboard in headless Chromium, offline, with screenshots for the docs."""

from __future__ import annotations

import re
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a browser each: the slow tier

#: Long enough for a re-run of the chain on a shared two-core machine.
SLOW_MS = 90_000


def param_input(page: Page, name: str) -> Any:
    """The text field of one parameter (Dash writes pattern ids as sorted JSON)."""
    return page.locator(f"""[id='{{"name":"{name}","type":"param"}}']""")


def type_value(page: Page, name: str, text: str) -> None:
    """Type ``text`` into one parameter's field once it shows, and commit it (Enter)."""
    field = param_input(page, name)
    expect(field).to_be_visible(timeout=SLOW_MS)
    field.fill(text)
    field.press("Enter")


def width(locator: Any) -> float:
    """The rendered width of an element, in CSS pixels."""
    return float(locator.evaluate("e => e.getBoundingClientRect().width"))


def default_aid() -> str:
    """The aid the first bargaining option of the built-in scenario offers, as the form writes it."""
    from grudging.scenario import load_scenario
    from grudging.web.controls import fmt

    scn = load_scenario("iraq-2007")
    return fmt(next(o.bargain.aid_musd_per_year for o in scn.options if o.bargain is not None))


def open_tab(page: Page, label: str) -> None:
    page.locator("#tabs").get_by_text(label, exact=True).click()


def median_deaths(store: Path) -> str:
    """The median over design points of nato_replaces' mean civilian deaths in a store."""
    from grudging.results.store import open_store

    with open_store(store) as st:
        values = st.per_point("civilian_deaths", "mean", ["nato_replaces"])["value"]
    return f"{values.median():.6g}"


#: The share of the map panel the GeoJSON's extent covers (MapLibre projects its corners).
MAP_FILL = """() => {
  const gd = document.querySelector('#map .js-plotly-plot');
  const map = gd._fullLayout.map._subplot.map;
  const canvas = map.getCanvas().getBoundingClientRect();
  let west = 180, east = -180, south = 90, north = -90;
  const walk = (c) => { if (typeof c[0] === 'number') { west = Math.min(west, c[0]);
    east = Math.max(east, c[0]); south = Math.min(south, c[1]); north = Math.max(north, c[1]); }
    else c.forEach(walk); };
  gd.data[0].geojson.features.forEach((f) => walk(f.geometry.coordinates));
  const a = map.project([west, south]), b = map.project([east, north]);
  return {panel_height: gd.getBoundingClientRect().height,
          height_share: Math.abs(a.y - b.y) / canvas.height,
          width_share: Math.abs(b.x - a.x) / canvas.width};
}"""


def map_z(page: Page) -> list[float]:
    return page.evaluate(
        "() => Array.from(document.querySelector('#map .js-plotly-plot').data[0].z)"
    )


@pytest.mark.slow
def test_every_view_renders_offline(server: Any, page: Page, traffic: Any, shot: Any) -> None:
    page.goto(server.url)
    expect(page.locator("#headline li").first).to_contain_text("against US stays", timeout=SLOW_MS)
    expect(page.locator("#fan .js-plotly-plot")).to_have_count(1)
    expect(page.locator("#outcomes")).to_contain_text("Civilian deaths")
    page.wait_for_timeout(500)
    shot(page, "compare")

    open_tab(page, "Map")
    expect(page.locator("#map canvas.maplibregl-canvas")).to_have_count(1, timeout=SLOW_MS)
    expect(page.locator("#sectors")).to_contain_text("Baghdad")
    page.wait_for_timeout(1500)
    shot(page, "map")

    open_tab(page, "Coalition builder")
    expect(page.locator("#contingents")).to_contain_text("(lead)", timeout=SLOW_MS)
    expect(page.locator("#candidates")).to_contain_text("not chosen")
    # members and candidates alike show alignment with the patron, the troops already there and
    # their peak in the earlier coalition (a member that served in MNF-I shows a figure)
    for table in ("#contingents", "#candidates"):
        expect(page.locator(f"{table} thead")).to_contain_text("UN votes with patron")
        expect(page.locator(f"{table} thead")).to_contain_text("in theatre before")
        expect(page.locator(f"{table} thead")).to_contain_text("peak in the earlier coalition")
    expect(page.locator("#contingents tbody")).to_contain_text("9,000 (2004-03)")
    shot(page, "coalition")

    open_tab(page, "Bargain")
    expect(page.locator("#guarantors")).to_contain_text("nato", timeout=SLOW_MS)
    expect(page.locator("#signing-figure .js-plotly-plot")).to_have_count(1)
    page.wait_for_timeout(500)
    shot(page, "bargain")

    open_tab(page, "Assumptions")
    expect(param_input(page, "dynamics.self_excitation")).to_be_visible(timeout=SLOW_MS)
    shot(page, "assumptions")

    open_tab(page, "Exploration")
    expect(page.locator("#store-summary")).to_contain_text("a sobol design", timeout=SLOW_MS)
    expect(page.locator("#sensitivity-figure .js-plotly-plot")).to_have_count(1)
    expect(page.locator("#prim-question")).to_contain_text("design points", timeout=SLOW_MS)
    # a threshold (the median of the option's outcome) gives PRIM something to find
    threshold = page.locator("#exploration-threshold")
    threshold.fill(median_deaths(server.data / "sweep.duckdb"))
    threshold.press("Enter")
    expect(page.locator("#prim-question")).to_contain_text("Step through", timeout=SLOW_MS)
    expect(page.locator("#prim-limits")).to_be_visible()
    before = page.locator("#prim-note").inner_text()
    page.locator("#prim-step [role=slider]").first.focus()
    page.keyboard.press("Home")
    expect(page.locator("#prim-note")).to_contain_text("Step 0: coverage 100%")
    assert page.locator("#prim-note").inner_text() != before
    page.keyboard.press("End")
    page.wait_for_timeout(800)
    shot(page, "exploration")

    assert traffic.off_host == []
    assert traffic.errors == []
    assert all(u.startswith(server.url) for u in traffic.requests if u.startswith("http"))


def test_month_slider_changes_the_map(server: Any, page: Page, traffic: Any) -> None:
    page.goto(server.url)
    open_tab(page, "Map")
    expect(page.locator("#map canvas.maplibregl-canvas")).to_have_count(1, timeout=SLOW_MS)
    expect(page.locator("#month-label")).to_contain_text("month 0 (2007-01)")
    before = map_z(page)
    page.locator("#month [role=slider]").first.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#month-label")).to_contain_text("month 3 (2007-04)", timeout=SLOW_MS)
    expect(page.locator("#map .gtitle")).to_contain_text("month 3 (2007-04)")
    after = map_z(page)
    assert len(after) == len(before) == 18
    assert after != before
    assert page.locator("#map canvas.maplibregl-canvas").count() == 1
    # the title names the option, not its id; the controls are tied to their labels
    expect(page.locator("#map .gtitle")).to_contain_text("NATO-led coalition replaces US forces")
    expect(page.get_by_label("Colour by")).to_have_count(1)
    expect(page.get_by_label("Option", exact=True)).to_have_count(1)
    # the country fills its panel: its extent spans most of the map's height or width
    fill = page.evaluate(MAP_FILL)
    assert fill["panel_height"] >= 600
    assert max(fill["height_share"], fill["width_share"]) >= 0.8, fill
    assert traffic.off_host == []


def test_the_views_are_reachable_from_the_keyboard(server: Any, page: Page) -> None:
    """The view tabs were plain divs a keyboard never reached; the page had no language and the
    month slider no name (audit, 2026-12-07)."""
    page.goto(server.url)
    assert page.locator("html").get_attribute("lang") == "en"
    tabs = page.get_by_role("tab")
    expect(tabs).to_have_count(7, timeout=SLOW_MS)
    expect(page.get_by_role("tab", name="Compare options")).to_have_attribute(
        "aria-selected", "true"
    )
    page.get_by_role("tab", name="Map").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("tab", name="Map")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("slider").first).to_have_attribute(
        "aria-labelledby", re.compile(r"^month-label")
    )
    # the command's label is in words, not the scenario schema's description
    page.get_by_role("tab", name="Coalition builder").focus()
    page.keyboard.press(" ")
    expect(page.get_by_text("Command of the coalition", exact=True)).to_have_count(
        1, timeout=SLOW_MS
    )


@pytest.mark.slow
def test_changing_an_offer_changes_the_coalition_table(
    server: Any, page: Page, traffic: Any
) -> None:
    page.goto(server.url)
    open_tab(page, "Coalition builder")
    table = page.locator("#contingents")
    expect(table).to_contain_text("cash_per_troop", timeout=SLOW_MS)
    before = table.inner_text()
    page.get_by_label("Cash per troop (cash_per_troop)").uncheck()
    expect(table).not_to_contain_text("cash_per_troop", timeout=SLOW_MS)
    assert table.inner_text() != before
    expect(page.locator("#coalition-summary")).to_contain_text("of the requirement")
    assert traffic.off_host == []


def test_a_bad_value_is_refused_with_the_reason(server: Any, page: Page) -> None:
    page.goto(server.url)
    expect(page.locator("#status")).to_contain_text("default assumptions", timeout=SLOW_MS)
    open_tab(page, "Assumptions")
    field = param_input(page, "dynamics.self_excitation")
    expect(field).to_be_visible(timeout=SLOW_MS)
    # the field is labelled by its parameter's name, and wide enough for its value
    assert page.get_by_label("dynamics.self_excitation", exact=True).get_attribute("id") == (
        field.get_attribute("id")
    )
    assert width(field) >= 80
    expect(page.get_by_label("Stage")).to_have_count(1)
    field.fill("99")
    field.press("Enter")
    errors = page.locator("#assumption-errors")
    expect(errors).to_contain_text("dynamics.self_excitation: 99 is outside its range")
    # Dash puts the class on the field's container
    expect(field.locator("xpath=..")).to_have_class(re.compile(r"\binvalid\b"))
    page.get_by_role("button", name="Run with these values").click()
    expect(errors).to_contain_text("Refused, nothing re-run")
    page.wait_for_timeout(1000)
    expect(page.locator("#status")).to_contain_text("default assumptions")
    field.fill("print(open('/etc/passwd').read())")
    field.press("Enter")
    expect(errors).to_contain_text("is not a number")


def test_a_malformed_upload_shows_the_error_and_the_server_survives(
    server: Any, page: Page
) -> None:
    page.goto(server.url)
    expect(page.locator("#status")).to_contain_text("default assumptions", timeout=SLOW_MS)
    page.locator("#scenario-upload input[type=file]").set_input_files(
        files=[{"name": "broken.yaml", "mimeType": "text/yaml", "buffer": b"id: x\ntitle: [\n"}]
    )
    message = page.locator("#message")
    expect(message).to_contain_text("broken.yaml", timeout=SLOW_MS)
    expect(message).to_contain_text("not valid YAML")
    assert "Traceback" not in page.content()
    assert server.alive()
    with urllib.request.urlopen(server.url, timeout=10) as answer:
        assert answer.status == 200
    # the page still works: the map still answers its slider
    open_tab(page, "Map")
    expect(page.locator("#map canvas.maplibregl-canvas")).to_have_count(1, timeout=SLOW_MS)
    # and its inputs are sized, filled and labelled in words
    open_tab(page, "Bargain")
    aid = page.get_by_label("International aid on offer (US$ million a year)")
    expect(aid).to_have_value(default_aid(), timeout=SLOW_MS)
    assert width(aid) >= 100
    open_tab(page, "Exploration")
    threshold = page.get_by_label("or, instead, worse than the value")
    expect(threshold).to_have_attribute("placeholder", "none: the option above")
    assert width(threshold) >= 100
    for label in ("Sweep store", "Outcome", "does worse than"):
        expect(page.get_by_label(label, exact=True)).to_have_count(1)
    open_tab(page, "Coalition builder")
    expect(page.get_by_label("Rules of engagement")).to_have_count(1, timeout=SLOW_MS)
    expect(page.get_by_label("Offers allowed")).to_have_count(1)
    budget = page.get_by_label("Money the patron can spend on offers (US$ million a year)")
    assert width(budget) >= 100
    for raw in ("Roe Level", "Budget Musd"):
        expect(page.locator("#plan-form")).not_to_contain_text(raw)


@pytest.mark.slow
def test_a_refused_scenario_leaves_the_list_on_the_scenario_in_use(server: Any, page: Page) -> None:
    """Choosing a file that cannot be loaded shows why, and the list goes back to the scenario
    still in use (it kept showing the refused file, whose download gave the other one)."""
    page.goto(server.url)
    expect(page.locator("#status")).to_contain_text("default assumptions", timeout=SLOW_MS)
    choice = page.locator("#scenario-choice")
    expect(choice).to_contain_text("iraq-2007", timeout=SLOW_MS)
    choice.click()
    page.get_by_role("option", name="refused.yaml").first.click()
    expect(page.locator("#message")).to_contain_text("refused.yaml", timeout=SLOW_MS)
    expect(choice).to_contain_text("iraq-2007", timeout=SLOW_MS)
    expect(choice).not_to_contain_text("refused.yaml")
    expect(page.locator("#status")).to_contain_text("iraq-2007")


@pytest.mark.slow
def test_values_typed_on_one_stage_survive_a_switch_to_another(server: Any, page: Page) -> None:
    """Switching the stage redraws the fields: what was typed on the others is kept, shown
    when its stage is shown again, and run with the rest (it used to be lost without a word)."""
    page.goto(server.url)
    expect(page.locator("#status")).to_contain_text("default assumptions", timeout=SLOW_MS)
    open_tab(page, "Assumptions")
    type_value(page, "dynamics.coverage_half", "0.6")
    page.locator("#assumption-stage").get_by_text("bargain", exact=False).first.click()
    type_value(page, "bargain.salience_noise", "0.4")
    page.locator("#assumption-stage").get_by_text("dynamics", exact=False).first.click()
    expect(param_input(page, "dynamics.coverage_half")).to_have_value("0.6", timeout=SLOW_MS)
    page.get_by_role("button", name="Run with these values").click()
    expect(page.locator("#status")).to_contain_text("2 assumptions changed", timeout=SLOW_MS)


@pytest.mark.slow
def test_the_address_keeps_the_changes_through_a_reload_and_shares_them(
    server: Any, page: Page, browser: Any
) -> None:
    """The page's address holds the state: a reload keeps the change, the address opened in
    another page shows it, the back button undoes it, and a bad address is refused with one
    message while the page keeps the defaults."""
    page.goto(server.url)
    expect(page.locator("#status")).to_contain_text("default assumptions", timeout=SLOW_MS)
    open_tab(page, "Assumptions")
    type_value(page, "dynamics.coverage_half", "0.6")
    page.get_by_role("button", name="Run with these values").click()
    expect(page.locator("#status")).to_contain_text("1 assumption changed", timeout=SLOW_MS)
    expect(page).to_have_url(
        re.compile(r"\?scenario=builtin:iraq-2007&dynamics\.coverage_half=0\.6$")
    )
    link = page.url
    page.reload()
    expect(page.locator("#status")).to_contain_text("1 assumption changed", timeout=SLOW_MS)
    other = browser.new_page()
    try:
        other.goto(link)
        expect(other.locator("#status")).to_contain_text("1 assumption changed", timeout=SLOW_MS)
        open_tab(other, "Assumptions")
        expect(param_input(other, "dynamics.coverage_half")).to_have_value("0.6", timeout=SLOW_MS)
        other.goto(server.url.rstrip("/") + "/?dynamics.coverage_half=99")
        expect(other.locator("#message")).to_contain_text(
            "dynamics.coverage_half: 99 is outside its range", timeout=SLOW_MS
        )
        expect(other.locator("#status")).to_contain_text("default assumptions", timeout=SLOW_MS)
    finally:
        other.close()
    page.go_back()  # to the address before the change: the defaults again
    expect(page.locator("#status")).to_contain_text("default assumptions", timeout=SLOW_MS)


@pytest.mark.slow
def test_an_assumption_change_updates_the_comparison(server: Any, page: Page, shot: Any) -> None:
    page.goto(server.url)
    expect(page.locator("#status")).to_contain_text("default assumptions", timeout=SLOW_MS)
    open_tab(page, "Assumptions")
    type_value(page, "dynamics.coverage_half", "0.6")
    started = time.perf_counter()
    page.get_by_role("button", name="Run with these values").click()
    expect(page.locator("#assumption-difference")).to_contain_text(
        "civilian deaths", timeout=SLOW_MS
    )
    seconds = time.perf_counter() - started
    print(f"assumption change -> difference table in the browser: {seconds:.1f} s")
    expect(page.locator("#status")).to_contain_text("1 assumption changed")
    page.wait_for_timeout(500)
    shot(page, "assumptions-changed")
    open_tab(page, "Compare options")
    expect(page.locator("#compare-banner")).to_contain_text("your changes")

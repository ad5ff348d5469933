"""The dashboard writes numbers and names as the report does: each unit in its format (money in
US$ bn/M, shares in % and differences in points), yes/no series as shares of runs, the coverage
map's regions with nothing to cover told apart, options and factions by name, the bargain's
chances at nominal values labelled so; its downloads carry the command line's scenario hash and
tidy tables."""

from __future__ import annotations

import io
import math
import re
from typing import Any

import pandas as pd
import pytest

from grudging.report import numbers as fmt
from grudging.web import callbacks as cb

#: A dynamics value the page can set (a re-run that re-uses the plans: quick).
CHANGE = {"dynamics.coverage_half": "0.6"}


@pytest.fixture(scope="module")
def changed(ws: Any) -> Any:
    """The state with one assumption changed (run once for the module)."""
    state, errors = cb.apply_assumptions(ws, ws.default_state(), CHANGE)
    assert errors == {}
    return state


# Units ------------------------------------------------------------------------------------------
def test_the_outcomes_table_writes_each_unit_as_the_reports_table(ws: Any, state: Any) -> None:
    """The cost is in US$ million: 287bn, not 287,024; counts in thousands; shares in %."""
    results = ws.results(state)
    summary = results.summary().set_index(["outcome", "option"])
    rows = {r["outcome"]: r for r in cb.outcome_rows(results)[0]}
    cost = rows["Cost to the patron"]
    assert cost["unit"] == "US$"
    for option in results.options:
        r = summary.loc[("cost_patron", option)]
        assert cost[option] == fmt.interval(r["median"], r["low"], r["high"], "US$ million", True)
    assert re.fullmatch(r"\d[\d.]*bn \[\d[\d.]*bn – \d[\d.]*bn\]", cost["us_stays"])
    deaths = summary.loc[("civilian_deaths", "us_stays")]
    assert rows["Civilian deaths"]["us_stays"] == fmt.interval(
        deaths["median"], deaths["low"], deaths["high"], "deaths"
    )
    assert rows["Civilian deaths"]["us_stays"].count("k") == 3  # 117k [85k – 142k]
    assert rows["Civil war"]["us_stays"].endswith(" %")
    haven = summary.loc[("safe_haven", "us_stays")]
    assert rows["Safe haven"]["us_stays"] == (
        f"{haven['median']:.2f} [{haven['low']:.2f} – {haven['high']:.2f}]"
    )


def test_the_assumptions_table_writes_values_and_differences_in_their_units(
    ws: Any, changed: Any
) -> None:
    """Values in their unit (US$288bn, 3 %), differences in the comparison's words (points for a
    share of runs, the money and its interval for a cost), never a bare 0.03 or -8."""
    frame = cb.paired_change(ws.results(changed), ws.default_results(changed))
    names = ws.results(changed).option_names()
    rows = cb.assumptions_view(ws, changed)["rows"]
    assert rows
    for row in rows:
        option = next(o for o, n in names.items() if n == row["option"])
        outcome = {
            "civilian deaths": "civilian_deaths",
            "civil war": "civil_war",
            "troop deaths": "troop_deaths",
            "cost to the patron": "cost_patron",
        }[row["outcome"]]
        r = frame[(frame["option"] == option) & (frame["outcome"] == outcome)].iloc[0]
        if outcome == "civil_war":
            assert row["default"] == fmt.percent(r["default_mean"])
            assert row["yours"] == fmt.percent(r["changed_mean"])
            assert re.match(
                r"(no different|(better|worse) by (<1|\d+) points?);", row["difference"]
            )
        elif outcome == "cost_patron":
            assert row["default"] == fmt.money(r["default_median"])
            assert row["yours"].startswith("US$")
            assert "US$" in row["difference"]
        else:
            assert row["default"] == fmt.count(r["default_median"])
        assert "better in " in row["difference"]
        assert not re.search(r"[+-]\d", row["difference"])  # no bare signed number


# The monthly chart --------------------------------------------------------------------------------
def test_a_yes_no_monthly_series_is_charted_as_the_share_of_runs(ws: Any, state: Any) -> None:
    """Civil war's median and 90 % band are 0 while it happens in a few per cent of runs: the
    chart shows the share of runs in civil war each month, a line per option, in per cent."""
    results = ws.results(state)
    fan = cb.compare_view(ws, state, None, "civil_war")["fan"]
    assert len(fan.data) == len(results.options)  # no band
    assert all(t.fill is None for t in fan.data)
    share = results.monthly("civil_war")
    names = results.option_names()
    for trace, option in zip(fan.data, results.options, strict=True):
        assert trace.name == names[option]
        want = share[share["option"] == option]["mean"].to_numpy()
        assert list(trace.y) == pytest.approx(list(want))
    assert "share of runs" in fan.layout.title.text
    assert fan.layout.title.text.startswith("Civil war")
    assert fan.layout.yaxis.tickformat == ".0%"
    # a quantity keeps its median and band
    deaths = cb.compare_view(ws, state, None, "civilian_deaths")["fan"]
    assert len(deaths.data) == 2 * len(results.options)


# The coverage map ---------------------------------------------------------------------------------
def test_the_coverage_map_tells_no_requirement_from_no_troops(ws: Any, state: Any) -> None:
    """A region the host's forces already hold is grey, 'no requirement', not 100 % covered; one
    covered beyond its need takes the darkest colour but shows its own figure."""
    sectors = ws.results(state).plans["nato_replaces"].conference.sectors
    view = cb.map_view(ws, state, "nato_replaces", "coverage", 0)
    coloured, grey = view["figure"].data
    z = dict(zip(coloured.locations, coloured.z, strict=True))
    empty = {r.region for r in sectors.regions if r.requirement <= 0}
    assert empty  # the scenario has some (Dahuk, Erbil, ...)
    assert set(grey.locations) == empty
    assert not empty & set(z)
    assert all("no requirement" in t for t in grey.text)
    for r in sectors.regions:
        if r.requirement > 0:
            assert z[r.region] == pytest.approx(r.coverage)  # above 1 kept: the hover says 115 %
    assert coloured.zmax == 1.0
    assert max(z.values()) > 1.0  # Muthanna, covered beyond its need
    # no coalition: 0 % wherever troops are needed, grey where none are
    none = cb.map_view(ws, state, "us_withdraws", "coverage", 0)
    coloured, grey = none["figure"].data
    assert set(coloured.z) == {0.0}
    assert set(grey.locations) == empty
    name = ws.scenario(ws.start).option("us_withdraws").name
    assert none["note"].startswith(f"{name} generates no coalition")


# Names, not ids -------------------------------------------------------------------------------------
def test_the_difference_charts_name_the_options(ws: Any, state: Any, changed: Any) -> None:
    results = ws.results(state)
    names = results.option_names()
    figure = cb.compare_view(ws, state, "us_stays", None)["difference_figure"]
    assert list(figure.data[0].y) == [names[o] for o in results.options if o != "us_stays"]
    assert f"against {names['us_stays']}" in figure.layout.title.text
    assert "us_stays" not in figure.layout.title.text
    figure = cb.assumptions_view(ws, changed)["figure"]
    assert list(figure.data[0].y) == [names[o] for o in results.options]
    assert "against the default assumptions" in figure.layout.title.text


def test_the_fielded_bargains_name_options_and_holdouts(ws: Any, state: Any) -> None:
    scn = ws.scenario(ws.start)
    view = cb.bargain_view(ws, state, None)
    assert [r["option"] for r in view["fielded"]] == [
        scn.option("nato_replaces").name,
        scn.option("nato_then_un").name,
    ]
    plans = ws.results(state).metadata["plans"]
    for row, option in zip(view["fielded"], ("nato_replaces", "nato_then_un"), strict=True):
        ids = plans[option]["bargain"]["holdouts"]
        assert ids  # factions hold out under NATO's guarantee
        assert row["holdouts"] == ", ".join(scn.faction(f).name for f in ids)
        for spoiler in view["spoilers"]:  # listed apart, as in the guarantor table
            assert spoiler not in ids
            assert scn.faction(spoiler).name not in row["holdouts"]
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", row["holdouts"])  # no faction id


def test_the_bargain_says_its_chances_are_at_nominal_values(ws: Any, state: Any) -> None:
    """The Bargain tab's P(deal) is the stage's at nominal values; Compare's 'Chance of a deal'
    is the mean over the run's draws. The columns and a sentence say so, with the run's figure."""
    view = cb.bargain_view(ws, state, None)
    assert view["guarantor_columns"]["p_deal"] == "P(deal) at nominal values"
    assert view["fielded_columns"]["p_deal"] == "P(deal) at nominal values"
    assert set(view["guarantor_columns"]) == set(view["guarantors"][0])
    assert set(view["fielded_columns"]) == set(view["fielded"][0])
    assert "averages over the run's draws of the bargaining parameters" in view["note"]
    summary = ws.results(state).summary()
    mean = summary[(summary["outcome"] == "p_deal") & (summary["option"] == "nato_replaces")]
    name = ws.scenario(ws.start).option("nato_replaces").name
    assert f"{fmt.percent(float(mean['mean'].iloc[0]))} under {name}" in view["note"]


# Downloads ----------------------------------------------------------------------------------------
def test_the_provenance_hash_is_the_chains_for_the_same_inputs(ws: Any, changed: Any) -> None:
    """``grudging run --set dynamics.coverage_half=0.6`` and ``grudging run`` on the exported YAML
    report one hash; a download of the page with that value set carries it."""
    from grudging.chain import simulate
    from grudging.scenario import load_scenario, loads_scenario

    page = cb.provenance(ws, changed)["run_scenario_hash"]
    name, value = next(iter(CHANGE.items()))
    cli = load_scenario("iraq-2007", overrides=[f"{name}={value}"])  # the workspace's start
    chain = simulate(cli, options=["us_stays"], replications=2).metadata["scenario_hash"]
    assert page == chain
    exported = loads_scenario(cb.export_yaml(ws, changed)["content"])
    assert (
        page == simulate(exported, options=["us_stays"], replications=2).metadata["scenario_hash"]
    )
    assert page != cb.provenance(ws, ws.default_state())["run_scenario_hash"]
    frame = pd.read_csv(io.StringIO(cb.compare_csv(ws, changed, None)["content"]))
    assert (frame["run_scenario_hash"] == page).all()


def test_assumptions_csv_is_one_tidy_table(ws: Any, changed: Any) -> None:
    """One header, a ``table`` column saying which rows are parameters and which differences."""
    content = cb.assumptions_csv(ws, changed)["content"]
    assert "\n\n" not in content.replace("\r\n", "\n")
    frame = pd.read_csv(io.StringIO(content))
    assert frame.columns[0] == "table"
    params = frame[frame["table"] == "parameters"]
    diffs = frame[frame["table"] == "difference"]
    assert len(params) == len(ws.scenario(ws.start).parameters)
    assert len(params) + len(diffs) == len(frame)
    assert set(diffs["option"]) == set(ws.results(changed).options)
    assert {"name", "value", "low", "high", "difference_low", "difference_high"} <= set(frame)
    assert params["option"].isna().all()
    assert diffs["name"].isna().all()
    assert not math.isnan(float(diffs["median_difference"].iloc[0]))
    unchanged = pd.read_csv(io.StringIO(cb.assumptions_csv(ws, ws.default_state())["content"]))
    assert set(unchanged["table"]) == {"parameters"}

"""The dashboard's callbacks, called as plain functions (no browser)."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pandas as pd
import pytest

from grudging.errors import GrudgingError, ParameterError, ScenarioError
from grudging.web import callbacks as cb
from grudging.web.files import AccessRefused
from grudging.web.sessions import new_session_id

#: The session of the callback tests' uploads.
SID = new_session_id()


def _data_url(text: str) -> str:
    return "data:application/x-yaml;base64," + base64.b64encode(text.encode()).decode()


# Compare --------------------------------------------------------------------------------------
def test_compare_view_answers_with_intervals(ws: Any, state: Any) -> None:
    view = cb.compare_view(ws, state, None, None)
    results = ws.results(state)
    assert view["baseline"] == results.options[0]
    assert view["headline"][0].startswith("Civilian deaths: lowest under ")
    assert "against US stays" in view["headline"][0]
    nato = ws.scenario(ws.start).option("nato_replaces").name
    assert any(nato in line for line in view["headline"])
    # the model's record on history stands beside the answer (grudging.evidence.track_record)
    from grudging.evidence.track_record import track_record

    record = track_record(results, ws.edited(state))
    assert record is not None
    assert record.sentence() in view["headline"]
    # two traces per option: the 90 % band and the median
    assert len(view["fan"].data) == 2 * len(results.options)
    deaths = next(r for r in view["outcomes"] if r["outcome"] == "Civilian deaths")
    assert "[" in deaths["nato_replaces"]
    assert "–" in deaths["nato_replaces"]
    # outcomes and options named in words: the text's "'Chance of a deal' in the table" is a row
    assert any(r["outcome"] == "Chance of a deal" for r in view["outcomes"])
    names = results.option_names()
    assert view["outcome_columns"]["nato_replaces"] == names["nato_replaces"]
    rows, columns = view["differences"]
    assert list(columns) == ["outcome", "unit", *[o for o in results.options if o != "us_stays"]]
    assert columns["us_withdraws"] == names["us_withdraws"]
    assert any("better in" in str(v) for v in rows[0].values())


def test_the_comparison_shows_the_cost_to_the_patron(ws: Any, state: Any) -> None:
    from grudging.web import what

    view = cb.compare_view(ws, state, None, None)
    assert any(r["outcome"] == "Cost to the patron" for r in view["outcomes"])
    assert any(r["outcome"] == "Cost to the patron" for r in view["differences"][0])
    assert "cost_patron" in [o["value"] for o in what.choices(ws, state)["outcomes"]]


@pytest.fixture(scope="module")
def patronless_ws(patronless: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A workspace on a theatre without a patron (a file in a folder it may read)."""
    from grudging.scenario import dump_scenario
    from grudging.web.workspace import Workspace

    folder = tmp_path_factory.mktemp("patronless-data")
    (folder / "patronless.yaml").write_text(dump_scenario(patronless), encoding="utf-8")
    return Workspace.open(str(folder / "patronless.yaml"), [folder], replications=20)


def test_a_theatre_without_a_patron_compares_no_cost_to_it(patronless_ws: Any) -> None:
    """No patron, no cost to it (US$0 by construction): neither the answer, the table, the
    differences, the coalition's price nor the what-would-it-take tab offers one."""
    from grudging.web import what

    ws = patronless_ws
    state = ws.default_state()
    view = cb.compare_view(ws, state, None, None)
    shown = [
        *view["headline"],
        *(r["outcome"] for r in view["outcomes"]),
        *(r["outcome"] for r in view["differences"][0]),
    ]
    assert "Civilian deaths" in shown
    assert any(line.startswith("Troop deaths: ") for line in view["headline"])
    assert not [line for line in shown if "Cost to the patron" in line]
    assert not [line for line in shown if "Patron's troops" in line]
    assert not [line for line in shown if "all but the patron's" in line]
    coalition = cb.coalition_view(ws, state, None, {})
    assert "a year; political capital" in coalition["summary"]
    assert "patron" not in coalition["summary"]
    offered = [o["value"] for o in what.choices(ws, state)["outcomes"]]
    assert "civilian_deaths" in offered
    assert "cost_patron" not in offered


def test_another_baseline_changes_the_differences(ws: Any, state: Any) -> None:
    view = cb.compare_view(ws, state, "nato_replaces", "civil_war")
    assert view["baseline"] == "nato_replaces"
    # the answer follows the baseline: one sentence per option against it on civilian deaths
    names = ws.results(state).option_names()
    against = [s for s in view["headline"] if f" against {names['nato_replaces']} (" in s]
    assert len(against) == len(names) - 1
    assert "nato_replaces" not in view["differences"][1]
    assert "us_stays" in view["differences"][1]
    assert view["outcome"] == "civil_war"
    unknown = cb.compare_view(ws, state, "no_such_option", "no_such_outcome")
    assert unknown["baseline"] == "us_stays"
    assert unknown["outcome"] == "civilian_deaths"


def test_compare_csv_is_the_table_behind_the_view(ws: Any, state: Any) -> None:
    out = cb.compare_csv(ws, state, "us_stays")
    frame = pd.read_csv(io.StringIO(out["content"]))
    assert out["filename"].endswith(".csv")
    assert {"option", "outcome", "median", "low", "high", "share_better"} <= set(frame.columns)
    assert set(frame["option"]) == set(ws.results(state).options)


def test_every_csv_download_names_what_it_came_from(ws: Any, state: Any) -> None:
    """Each row carries grudging's version, the scenario's id and hash, the seed and the
    replications of the run behind the view: the file says how to reproduce it."""
    meta = ws.results(state).metadata
    want = {
        "run_grudging_version": meta["version"],
        "run_scenario": meta["scenario"],
        "run_scenario_hash": meta["scenario_hash"],
        "run_seed": meta["seed"],
        "run_replications": meta["replications"],
    }
    for out in (
        cb.compare_csv(ws, state, "us_stays"),
        cb.map_csv(ws, state, "us_stays"),
        cb.assumptions_csv(ws, state),
    ):
        frame = pd.read_csv(
            io.StringIO(out["content"]), dtype={"run_grudging_version": str}, keep_default_na=False
        )
        assert list(frame.columns[-len(want) - 1 :]) == [*want, "run_set"], out["filename"]
        for column, value in want.items():
            assert (frame[column] == value).all(), (out["filename"], column)
        assert (frame["run_set"] == "").all()
    # a changed parameter is named as --set takes it
    p = ws.scenario(ws.start).parameter("dynamics.self_excitation")
    changed, errors = cb.apply_assumptions(ws, state, {p.name: str(p.high)})
    assert errors == {}
    frame = pd.read_csv(io.StringIO(cb.compare_csv(ws, changed, "us_stays")["content"]))
    assert (frame["run_set"] == f"dynamics.self_excitation={p.high}").all()


def test_an_edited_run_records_the_hash_grudging_run_set_records(ws: Any, state: Any) -> None:
    """After an edit, the run the dashboard keeps and every download carry the hash of the
    edited scenario: the one ``grudging run --set`` records, not the unedited one's."""
    from grudging.scenario import load_scenario, scenario_hash

    p = ws.scenario(ws.start).parameter("dynamics.self_excitation")
    changed, errors = cb.apply_assumptions(ws, state, {p.name: str(p.high)})
    assert errors == {}
    cli = scenario_hash(load_scenario("iraq-2007", overrides=[f"{p.name}={p.high}"]))
    assert cli != scenario_hash(ws.scenario(ws.start))
    assert ws.results(changed).metadata["scenario_hash"] == cli
    assert cb.provenance(ws, changed)["run_scenario_hash"] == cli
    frame = pd.read_csv(io.StringIO(cb.compare_csv(ws, changed, "us_stays")["content"]))
    assert (frame["run_scenario_hash"] == cli).all()


# Assumptions ----------------------------------------------------------------------------------
def test_dynamics_change_reruns_and_reuses_the_plans(ws: Any, state: Any) -> None:
    p = ws.scenario(ws.start).parameter("dynamics.self_excitation")
    new, errors = cb.apply_assumptions(ws, state, {p.name: str(p.high)})
    assert errors == {}
    assert new["values"] == {p.name: p.high}
    changed = ws.results(new)
    default = ws.default_results(state)
    assert changed is not default
    # the deterministic stages are not re-run for a dynamics parameter
    assert changed.plans["nato_replaces"] is default.plans["nato_replaces"]
    view = cb.assumptions_view(ws, new)
    assert "Self excitation (dynamics) = " in view["message"]
    deaths = [r for r in view["rows"] if r["outcome"] == "civilian deaths"]
    assert len(deaths) == len(changed.options)
    assert view["figure"] is not None
    compare = cb.compare_view(ws, new, None, None)
    assert compare["changed"]
    assert "1 assumption changed" in cb.status_line(ws, new)


def test_other_changes_re_plan(ws: Any, state: Any) -> None:
    p = ws.scenario(ws.start).parameter("willingness.free_riding")
    new, errors = cb.apply_assumptions(ws, state, {p.name: str(p.low)})
    assert errors == {}
    changed = ws.results(new)
    assert changed.plans["nato_replaces"] is not ws.default_results(state).plans["nato_replaces"]
    # a plan that cannot depend on it (no coalition, no bargain) is still shared
    assert changed.plans["us_stays"].inputs is not None


def test_bad_value_is_refused_and_nothing_runs(ws: Any, state: Any) -> None:
    before = len(ws._runs)
    new, errors = cb.apply_assumptions(ws, state, {"dynamics.self_excitation": "99"})
    assert new is state
    assert "outside its range" in errors["dynamics.self_excitation"]
    assert len(ws._runs) == before
    assert cb.check_assumptions(ws, state, {"dynamics.spillover": "lots"})


def test_a_value_in_range_the_scenario_refuses_is_refused_before_anything_runs(ws: Any) -> None:
    """A scenario that declares willingness.min_contingent up to 50 while a nation has 12
    troops in the theatre refuses 50, as ``grudging run --set`` does: the page accepted it and
    every view then failed. Refused at the field now, the state kept."""
    kept = {"scenario": "file:0/wide-contingent.yaml", "values": {}, "plans": {}}
    kept["values"] = {"dynamics.self_excitation": 0.2}
    before = len(ws._runs)
    new, errors = cb.apply_assumptions(ws, kept, {"willingness.min_contingent": "50"})
    assert new is kept
    assert list(errors) == ["willingness.min_contingent"]
    assert errors["willingness.min_contingent"].startswith(
        "willingness.min_contingent: 50 is refused by this scenario: nations["
    )
    assert (
        "is below the smallest contingent ('willingness.min_contingent' 50); give at least 50 "
        "troops, 0 if it has none there, or lower 'willingness.min_contingent' (and "
    ) in errors["willingness.min_contingent"]
    assert cb.check_assumptions(ws, kept, {"willingness.min_contingent": "50"}) == errors
    assert len(ws._runs) == before
    fine, errors = cb.apply_assumptions(ws, kept, {"willingness.min_contingent": "12"})
    assert errors == {}
    assert fine["values"] == {"dynamics.self_excitation": 0.2, "willingness.min_contingent": 12.0}


def test_values_of_other_stages_stay(ws: Any, state: Any) -> None:
    earlier = {**state, "values": {"willingness.free_riding": 0.2, "dynamics.spillover": 0.01}}
    new, errors = cb.apply_assumptions(ws, earlier, {"dynamics.spillover": "0.02"})
    assert errors == {}
    assert new["values"] == {"willingness.free_riding": 0.2, "dynamics.spillover": 0.02}
    nominal = controls_fmt(ws.scenario(ws.start).parameter("dynamics.spillover").value)
    back, _ = cb.apply_assumptions(ws, new, {"dynamics.spillover": nominal})
    assert back["values"] == {"willingness.free_riding": 0.2}


def controls_fmt(value: float) -> str:
    from grudging.web.controls import fmt

    return fmt(value)


def test_reset(ws: Any, state: Any) -> None:
    changed = {**state, "values": {"dynamics.self_excitation": 0.3}}
    assert cb.reset_assumptions(ws, changed)["values"] == {}
    assert cb.assumptions_view(ws, state)["rows"] == []


def test_crafted_state_is_checked_on_the_server(ws: Any, state: Any) -> None:
    with pytest.raises(ParameterError, match="outside its range"):
        ws.results({**state, "values": {"dynamics.self_excitation": 50.0}})
    with pytest.raises(AccessRefused):
        ws.results({**state, "scenario": "file:0/../../etc/passwd"})


def test_assumptions_csv_lists_every_parameter(ws: Any, state: Any) -> None:
    out = cb.assumptions_csv(ws, state)
    frame = pd.read_csv(io.StringIO(out["content"]))
    assert len(frame) == len(ws.scenario(ws.start).parameters)
    assert {"name", "value", "low", "high", "source"} <= set(frame.columns)


# Map ------------------------------------------------------------------------------------------
def test_map_changes_with_the_month(ws: Any, state: Any) -> None:
    first = cb.map_view(ws, state, "nato_replaces", "deaths_median", 0)
    later = cb.map_view(ws, state, "nato_replaces", "deaths_median", 30)
    assert first["figure"].data[0].type == "choroplethmap"
    assert list(first["figure"].data[0].z) != list(later["figure"].data[0].z)
    assert "month 30 (2009-07)" in later["title"]
    # one colour scale for every month and option
    assert first["figure"].data[0].zmax == later["figure"].data[0].zmax
    assert len(first["sectors"]) == len(ws.scenario(ws.start).regions)


def test_map_of_sectors_and_leads(ws: Any, state: Any) -> None:
    view = cb.map_view(ws, state, "nato_replaces", "lead", 0)
    leads = {r["lead"] for r in view["sectors"]} - {"–"}
    names = {t.name.split(" — ")[0] for t in view["figure"].data}
    assert leads <= names
    none = cb.map_view(ws, state, "us_stays", "coverage", 0)
    assert "no coalition" in none["note"]
    assert none["sectors"] == []
    per_capita = cb.map_view(ws, state, "us_stays", "deaths_per_100k", 200)
    assert per_capita["month"] == ws.scenario(ws.start).horizon_months - 1


def test_map_csv(ws: Any, state: Any) -> None:
    frame = pd.read_csv(io.StringIO(cb.map_csv(ws, state, "nato_replaces")["content"]))
    assert {"region", "month", "median", "lead"} <= set(frame.columns)


# Coalition builder ----------------------------------------------------------------------------
def test_builder_default_is_the_chains_coalition(ws: Any, state: Any) -> None:
    view = cb.coalition_view(ws, state, "nato_replaces", {})
    plan = ws.default_results(state).plans["nato_replaces"]
    assert view["troops"] == plan.conference.coalition.total_troops
    assert len(view["candidates"]) == len(plan.conference.coalition.candidates)
    assert view["change"] == {}
    # each candidate shows its alignment with the patron and the contingent it already has there
    scn = ws.scenario(ws.start)
    for row in view["candidates"]:
        nation = scn.nation(row["nation"])
        assert row["in_theatre"] == nation.theatre_troops
        assert row["commands_led"] == nation.lead_roles
        assert row["tie"] == nation.ties
        assert row["votes_with_patron"] == (
            "–" if nation.alignment is None else f"{nation.alignment:.2f}"
        )
    assert any(row["in_theatre"] > 0 for row in view["candidates"])
    assert any(row["commands_led"] > 0 for row in view["candidates"])
    # and so does each member of the coalition
    for row in view["contingents"]:
        nation = scn.nation(row["nation"].removesuffix(" (lead)"))
        assert row["in_theatre"] == nation.theatre_troops
        assert row["tie"] == nation.ties
        assert row["votes_with_patron"] == (
            "–" if nation.alignment is None else f"{nation.alignment:.2f}"
        )
    # and its earlier contingent: the peak in the scenario's earlier coalition (to the fit window)
    from grudging.calibration.coalition_history import earlier_contingents

    history = earlier_contingents(scn.base_dir)
    assert history
    for row in [*view["contingents"], *view["candidates"]]:
        past = history.get(row["nation"].removesuffix(" (lead)"))
        if past is None or past.peak_troops == 0:
            assert row["earlier_peak"] == "–"
        else:
            assert row["earlier_peak"].startswith(f"{past.peak_troops:,} ({past.peak_month}")
    assert any(row["earlier_peak"] != "–" for row in view["contingents"])
    # the summary names the rules of engagement and the offers, not their ids
    co = plan.conference.coalition
    roe = next(lv.name for lv in scn.roe_levels if lv.id == co.roe_level)
    assert f"rules of engagement: {roe.lower()};" in view["summary"]
    for offer in co.global_offers:
        assert next(o.name for o in scn.offers if o.id == offer) in view["summary"]
    assert co.roe_level not in view["summary"]


@pytest.mark.slow
def test_changing_an_offer_changes_the_coalition(ws: Any, state: Any) -> None:
    before = cb.coalition_view(ws, state, "nato_replaces", {})
    no_money = cb.coalition_view(
        ws, state, "nato_replaces", {"offers": ["diplomatic_concession", "caveat_acceptance"]}
    )
    assert no_money["change"] == {"offers": ["diplomatic_concession", "caveat_acceptance"]}
    assert no_money["contingents"] != before["contingents"]
    cash = next(o.name for o in ws.edited(state).offers if o.id == "cash_per_troop")
    assert any(cash in r["offers_accepted"] for r in before["contingents"])
    assert all(cash not in r["offers_accepted"] for r in no_money["contingents"])
    un = cb.coalition_view(ws, state, "nato_replaces", {"command": "un"})
    assert un["summary"].startswith("UN command")


def test_builder_refuses_bad_plans_with_the_reason(ws: Any, state: Any) -> None:
    with pytest.raises(ParameterError, match="≥ 0"):
        cb.coalition_view(ws, state, "nato_replaces", {"budget_musd": "-1"})


@pytest.mark.slow
def test_use_coalition_feeds_the_comparison(ws: Any, state: Any) -> None:
    new = cb.use_coalition(ws, state, "nato_replaces", {"budget_musd": "20000"})
    assert new["plans"] == {"nato_replaces": {"budget_musd": 20000.0}}
    results = ws.results(new)
    assert results.plans["nato_replaces"].option.coalition.budget_musd == 20000.0
    untouched = results.plans["nato_then_un"].summary()
    assert json.dumps(untouched, sort_keys=True) == json.dumps(
        ws.default_results(state).plans["nato_then_un"].summary(), sort_keys=True
    )
    name = ws.edited(new).option("nato_replaces").name
    assert f"coalition plan changed for {name}" in cb.status_line(ws, new)
    back = cb.use_coalition(ws, new, "nato_replaces", {"budget_musd": "8000"})
    assert back["plans"] == {}


@pytest.mark.slow
def test_an_option_that_cannot_run_is_reported_and_left_out(ws: Any, state: Any) -> None:
    # NATO command costs political capital: with none, the coalition cannot be generated
    broken = {**state, "plans": {"nato_replaces": {"political_capital": 0.0}}}
    view = cb.compare_view(ws, broken, None, None)
    assert any(line.startswith("nato_replaces could not run") for line in view["headline"])
    assert "nato_replaces" not in view["outcome_columns"]
    assert "nato_replaces" not in ws.results(broken).options
    # its map is refused by name, never drawn from another option's runs under its name
    name = ws.edited(broken).option("nato_replaces").name
    with pytest.raises(GrudgingError, match=f"^{name} could not run, so it has no map: "):
        cb.map_view(ws, broken, "nato_replaces", None, 0)


def test_a_plan_the_builder_refuses_cannot_be_used(ws: Any, state: Any) -> None:
    """With no political capital NATO's command cannot be fielded: the builder says so, and
    "Use this coalition" refuses the plan with the same message instead of putting it in (the
    option then failed in the comparison and vanished from it)."""
    with pytest.raises(GrudgingError) as builder:
        cb.coalition_view(ws, state, "nato_replaces", {"political_capital": "0"})
    with pytest.raises(GrudgingError) as used:
        cb.use_coalition(ws, state, "nato_replaces", {"political_capital": "0"})
    assert str(used.value) == str(builder.value)
    assert "political capital" in str(used.value)


def test_coalition_csv_has_every_candidate(ws: Any, state: Any) -> None:
    out = cb.coalition_csv(ws, state, "nato_replaces", {})
    frame = pd.read_csv(io.StringIO(out["content"]))
    assert len(frame) == len(ws.scenario(ws.start).nations) - 1  # the patron is no candidate
    assert {"nation", "status", "why", "troops"} <= set(frame.columns)


# Bargain --------------------------------------------------------------------------------------
def test_bargain_under_each_guarantor(ws: Any, state: Any) -> None:
    view = cb.bargain_view(ws, state, None)
    assert [r["guarantor"] for r in view["guarantors"]] == ["none", "us", "nato", "un"]
    assert view["aid"] == 5000
    scn = ws.scenario(ws.start)  # options by name, as the comparison names them
    assert {r["option"] for r in view["fielded"]} == {
        scn.option("nato_replaces").name,
        scn.option("nato_then_un").name,
    }
    assert "aqi" in view["spoilers"]
    assert len(view["factions"]) == len(ws.scenario(ws.start).factions)
    richer = cb.bargain_view(ws, state, "20000")
    assert richer["aid"] == 20000
    for bad in ("-1", "plenty"):
        with pytest.raises(ParameterError):
            cb.bargain_view(ws, state, bad)
    with pytest.raises(ParameterError, match=r"aid: 1e20 refused; give US\$ million a year from 0"):
        cb.bargain_view(ws, state, "1e20")  # beyond it the factions' values lose their precision
    with pytest.raises(  # the number as typed, not rounded to six digits (1.23457e+07)
        ParameterError,
        match=r"^aid: 12345678 refused; give US\$ million a year from 0 to 1,000,000$",
    ):
        cb.bargain_view(ws, state, "12345678")
    frame = pd.read_csv(io.StringIO(cb.bargain_csv(ws, state, None)["content"]))
    assert {"guarantor", "faction", "quantity", "value"} <= set(frame.columns)


def test_the_positions_chart_names_the_factions(ws: Any, state: Any) -> None:
    """Its legend and hover name each faction as the tables do, never by its id."""
    view = cb.bargain_view(ws, state, None)
    traces = view["positions"].data[: len(view["factions"])]
    assert [t.name for t in traces] == [
        r["name"] + (" (spoiler)" if r["spoiler"] else "") for r in view["factions"]
    ]
    assert traces[0].name == (
        "Shia Islamist parties (SCIRI/Badr and Dawa, within the United Iraqi Alliance)"
    )
    assert traces[6].name == (
        "Al-Qaeda in Iraq (Mujahideen Shura Council; Islamic State of Iraq declared October 2006)"
        " (spoiler)"
    )
    # the hover shows the whole name (its side label would cut it at 15 characters)
    assert {t.hovertemplate for t in traces} == {"%{fullData.name}<br>%{y}: %{x}<extra></extra>"}


# Scenarios --------------------------------------------------------------------------------------
def test_export_yaml_holds_the_users_changes(ws: Any, state: Any) -> None:
    from grudging.scenario import loads_scenario

    new = {**state, "values": {"dynamics.self_excitation": 0.3}}
    new = cb.use_coalition(ws, new, "nato_replaces", {"budget_musd": "9000"})
    out = cb.export_yaml(ws, new)
    assert out["filename"] == "iraq-2007-edited.yaml"
    back = loads_scenario(out["content"])
    changed = back.parameter("dynamics.self_excitation")
    assert (changed.low, changed.value, changed.high) == (0.3, 0.3, 0.3)  # fixed, as on the page
    assert back.option("nato_replaces").coalition.budget_musd == 9000.0


@pytest.mark.slow
def test_a_run_of_the_exported_yaml_gives_the_pages_numbers(ws: Any, state: Any) -> None:
    """A changed dynamics value is drawn from its range by no face: the file keeps it fixed."""
    from grudging.chain import simulate
    from grudging.scenario import loads_scenario

    new = {**state, "values": {"dynamics.war_threshold": 95.0}}
    back = loads_scenario(cb.export_yaml(ws, new)["content"])
    again = simulate(back, replications=ws.replications, seed=ws.seed)
    pd.testing.assert_frame_equal(again.summary(), ws.results(new).summary())


@pytest.mark.slow  # two runs of five options per case
@pytest.mark.parametrize(
    ("entries", "plan", "overrides"),
    [
        ({"bargain.position_noise": "12"}, None, ["bargain.position_noise=12"]),
        ({"willingness.intercept": "-0.5"}, None, ["willingness.intercept=-0.5"]),
        ({"forcegen.quality_floor": "0.5"}, None, ["forcegen.quality_floor=0.5"]),
        (
            {"dynamics.coverage_half": "0.6"},
            {"budget_musd": "9000"},
            [
                "dynamics.coverage_half=0.6",
                "options.nato_replaces.coalition.budget_musd=9000",
            ],
        ),
    ],
)
def test_the_page_gives_the_command_lines_numbers(
    ws: Any, state: Any, entries: dict[str, str], plan: Any, overrides: list[str]
) -> None:
    """``grudging run --set ... --seed S -n N``: the same numbers, bit for bit, as the page at
    the same settings, for a bargaining, a force-generation and a dynamics value and a coalition
    plan put into the comparison."""
    from grudging.chain import simulate
    from grudging.scenario import load_scenario

    new, errors = cb.apply_assumptions(ws, state, entries)
    assert errors == {}
    if plan is not None:
        new = cb.use_coalition(ws, new, "nato_replaces", plan)
    page = ws.results(new)
    cli = simulate(
        load_scenario("iraq-2007", overrides=overrides, runnable=True),
        replications=ws.replications,
        seed=ws.seed,
    )
    assert page.metadata["scenario_hash"] == cli.metadata["scenario_hash"]
    for table in ("experiments", "outcomes", "status", "region_months"):
        pd.testing.assert_frame_equal(
            getattr(page, table).reset_index(drop=True),
            getattr(cli, table).reset_index(drop=True),
            check_exact=True,
        )


def test_scenario_choices_and_switching(ws: Any, state: Any) -> None:
    choices = {c["value"] for c in ws.scenario_choices()}
    assert {"builtin:iraq-2007", "builtin:bosnia-1995", "file:0/iraq-copy.yaml"} <= choices
    switched = cb.choose_scenario(ws, "file:0/iraq-copy.yaml")
    assert switched == {"scenario": "file:0/iraq-copy.yaml", "values": {}, "plans": {}}
    for key in ("file:0/../secret.yaml", "builtin:atlantis", "http://example.com/x.yaml"):
        with pytest.raises(AccessRefused):
            cb.choose_scenario(ws, key)


def test_upload_of_a_good_scenario(ws: Any) -> None:
    from grudging.scenario import dump_scenario

    text = dump_scenario(ws.scenario(ws.start)).replace(
        "title: Iraq, January 2007", "title: My Iraq, January 2007", 1
    )
    state = cb.upload_scenario(ws, _data_url(text), "mine.yaml", SID)
    assert state["scenario"].startswith(f"upload:{SID}/")
    assert ws.scenario(state["scenario"]).title.startswith("My Iraq")
    assert any(c["label"] == "mine.yaml (uploaded)" for c in ws.scenario_choices(SID))
    assert not any(c["label"] == "mine.yaml (uploaded)" for c in ws.scenario_choices())
    # the uploaded copy borrows the built-in map, so the map view still draws
    assert ws.scenario(state["scenario"]).base_dir == ws.scenario(ws.start).base_dir


def test_a_file_name_cannot_reverse_the_page_around_it(ws: Any) -> None:
    """A right-to-left override in an uploaded file's name reversed the status line (seed and
    replications read backwards); names are shown without direction controls."""
    from grudging.scenario import dump_scenario

    name = "rtl-\u202e.yaml"
    state = cb.upload_scenario(ws, _data_url(dump_scenario(ws.scenario(ws.start))), name, SID)
    assert ws.label(state["scenario"]) == "rtl-.yaml (uploaded)"
    labels = [c["label"] for c in ws.scenario_choices(SID)]
    assert "rtl-.yaml (uploaded)" in labels
    assert not any("\u202e" in label for label in labels)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("id: x\ntitle: [unclosed\n", "not valid YAML"),
        ("- a\n- b\n", "a scenario is a mapping"),
        ("id: x\ntitel: y\n", r"bad.yaml:2: titel: unknown key 'titel' \(did you mean 'title'\?\)"),
        (
            "!!python/object/apply:os.system ['true']\n",
            "a YAML tag the scenario format does not take",
        ),
    ],
)
def test_malformed_upload_is_a_message(ws: Any, text: str, reason: str) -> None:
    with pytest.raises(ScenarioError, match=reason):
        cb.upload_scenario(ws, _data_url(text), "bad.yaml", SID)


def test_upload_with_a_located_error(ws: Any) -> None:
    from grudging.scenario import dump_scenario

    text = dump_scenario(ws.scenario(ws.start)).replace("horizon_months: 60", "horizon_months: 999")
    with pytest.raises(ScenarioError, match=r"bad.yaml:\d+: horizon_months: bad value 999"):
        cb.upload_scenario(ws, _data_url(text), "bad.yaml", SID)


def test_unreadable_uploads(ws: Any) -> None:
    with pytest.raises(ScenarioError, match="not readable"):
        cb.upload_scenario(ws, "data:text/yaml;base64,@@@", "x.yaml", SID)
    with pytest.raises(ScenarioError, match="UTF-8"):
        cb.upload_scenario(
            ws, "data:text/yaml;base64," + base64.b64encode(b"\xff\xfe\x00").decode(), "x.yaml", SID
        )
    with pytest.raises(ScenarioError, match="empty upload"):
        cb.upload_scenario(ws, "", "x.yaml", SID)


def test_every_failure_a_user_can_cause_is_a_grudging_error() -> None:
    assert issubclass(AccessRefused, GrudgingError)
    assert issubclass(ScenarioError, GrudgingError)


def test_the_changes_read_in_words_not_identifiers(ws: Any, state: Any) -> None:
    scn = ws.edited(state)
    offer = scn.offers[0]
    roe = scn.roe_levels[-1]
    changed = {
        **state,
        "values": {"dynamics.patron_pk_skill": 0.5},
        "plans": {"nato_replaces": {"offers": [offer.id], "roe_level": roe.id}},
    }
    text = cb.changes_text(scn, changed)
    assert text == (
        f"Patron peacekeeping skill (dynamics) = 0.5; {scn.option('nato_replaces').name}: "
        f"offers allowed = {offer.name}, rules of engagement = {roe.name}"
    )


def test_crafted_requests_get_a_message_not_an_exception(ws: Any, state: Any) -> None:
    """What the page's controls never send, but a crafted request can: each refusal is a
    GrudgingError, which the page shows, naming what to give."""
    from grudging.errors import GrudgingError, ScenarioError
    from grudging.web import what

    option = ws.results(state).options[0]
    with pytest.raises(ParameterError, match=r"^month: 'abc' is not a number"):
        cb.map_view(ws, state, option, None, "abc")
    with pytest.raises(ParameterError, match=r"^month: 'inf' is not a finite number"):
        cb.map_view(ws, state, option, None, float("inf"))
    for key in (None, ["builtin:iraq-2007"]):
        with pytest.raises(ScenarioError, match="choose a scenario from the list"):
            cb.choose_scenario(ws, key)  # type: ignore[arg-type]
    assert cb.map_view(ws, state, ["x"], None, 3)["option"] == option  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"^Offers allowed: give a list of offers"):
        cb.coalition_view(ws, state, "nato_replaces", {"offers": 5})
    with pytest.raises(GrudgingError, match="levers: choose them from the list"):
        what.start(ws, state, "nato_replaces", "us_stays", "civilian_deaths", 0.5, [None])  # type: ignore[list-item]

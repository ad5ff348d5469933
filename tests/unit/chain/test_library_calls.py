"""The library's face refuses what no run can have, as the command line does (audit of the
Python API, 2026-12-07)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import grudging
from grudging.errors import GrudgingError


@pytest.fixture(scope="module")
def iraq():  # type: ignore[no-untyped-def]
    return grudging.load("iraq-2007")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ({"replications": 2.5}, "replications = 2.5: give a whole number of replications"),
        ({"seed": -1}, "seed = -1: give a whole number from 0 to 9,223,372,036,854,775,807"),
        (
            {"values": {"dynamics.self_exitation": 0.3}},
            "values: 'dynamics.self_exitation' is not a parameter of scenario 'iraq-2007' (did "
            "you mean 'dynamics.self_excitation'?)",
        ),
        (
            {"values": {"dynamics.self_excitation": 5.0}},
            "values: dynamics.self_excitation = 5.0 is outside its range [0.1664, 0.315]",
        ),
        ({"values": {"dynamics.self_excitation": float("nan")}}, "is outside its range"),
    ],
)
def test_a_call_no_run_can_have_is_refused_before_it_runs(iraq, call, message) -> None:  # type: ignore[no-untyped-def]
    """A misspelt value used to be ignored yet recorded as applied, and self-excitation 5 (range
    0.17-0.32) killed 61 % of Iraq."""
    with pytest.raises(GrudgingError) as err:
        grudging.simulate(iraq, options=["us_stays"], **{"replications": 3, **call})
    assert message in str(err.value)


def test_one_option_may_be_named_bare(iraq) -> None:  # type: ignore[no-untyped-def]
    assert grudging.simulate(iraq, options="us_stays", replications=2).options == ["us_stays"]


def _no_coalition():  # type: ignore[no-untyped-def]
    """Iraq where no coalition can form: no nation leads part of the force (a lead nation takes
    part whatever its willingness), and every nation is as unwilling as the ranges allow."""
    from grudging.scenario import load_scenario

    leads = [f"nations.{n}.lead_roles=0" for n in ("GBR", "KOR", "POL")]
    scn = load_scenario("iraq-2007", overrides=leads)
    return scn, {p.name: p.low for p in scn.parameters if p.name.startswith("willingness.")}


def test_when_every_option_failed_the_summary_is_an_empty_table() -> None:
    from grudging.chain import simulate

    scn, low = _no_coalition()
    r = simulate(scn, options=["nato_replaces"], replications=3, seed=1, values=low)
    assert (r.status["status"] == "failed").all()
    summary = r.summary()
    assert summary.empty
    assert list(summary.columns)[:3] == ["option", "outcome", "unit"]


def test_the_library_face_says_when_options_fail() -> None:
    """Failures used to be found only in ``results.status``: an empty summary, no word."""
    scn, low = _no_coalition()
    with pytest.raises(GrudgingError) as err:
        grudging.simulate(scn, options=["nato_replaces"], replications=3, seed=1, values=low)
    assert str(err.value).startswith("option 'nato_replaces' failed: ")
    assert str(err.value).endswith(" (every option failed: nothing to show)")
    with pytest.warns(UserWarning, match=r"^option 'nato_replaces' failed: .*results\.status$"):
        r = grudging.simulate(
            scn, options=["us_stays", "nato_replaces"], replications=3, seed=1, values=low
        )
    assert set(r.summary()["option"]) == {"us_stays"}


def test_a_scenario_changed_after_loading_is_checked_again(iraq) -> None:  # type: ignore[no-untyped-def]
    """``model_copy(update=...)`` and edits in place skip the loader's checks: a population of -5
    gave a region -5 civilian deaths, a horizon of "twelve" a TypeError deep in a stage."""
    fix = (
        "; it was changed after loading (model_copy(update=...) and edits in place skip the "
        "checks): give the change to grudging.load(name, set={...}) instead"
    )
    region = iraq.regions[0].model_copy(update={"population": -5})
    bad = iraq.model_copy(update={"regions": (region, *iraq.regions[1:])})
    with pytest.raises(GrudgingError) as err:
        grudging.simulate(bad, options="us_stays", replications=2)
    assert str(err.value) == (
        f"the scenario object: regions[{region.id}].population: bad value -5: Input should be "
        f"greater than 0; use a larger value{fix}"
    )
    with pytest.raises(GrudgingError, match=r"^the scenario object: horizon_months: bad value"):
        grudging.plan(iraq.model_copy(update={"horizon_months": "twelve"}), "us_stays")
    fine = iraq.model_copy(update={"title": "Iraq, retitled"})
    assert grudging.simulate(fine, options="us_stays", replications=2).options == ["us_stays"]


def test_an_option_these_results_did_not_run_is_named_as_such(iraq) -> None:  # type: ignore[no-untyped-def]
    r = grudging.simulate(iraq, options="nato_replaces", replications=2)
    with pytest.raises(GrudgingError) as err:
        r.compare("us_stays")
    assert str(err.value) == (
        "option 'us_stays' is not in these results (they ran nato_replaces); to compare against "
        "another option, run it too: grudging.simulate(scenario, options=[...])"
    )


def test_a_saved_run_s_metadata_is_strict_json(iraq, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """P(holds | deal) is undefined when no deal can form: written as null, not a bare NaN that
    no strict JSON reader takes."""
    scn = grudging.load("iraq-2007", set={"requirement.norm_insurgency": 25})
    r = grudging.simulate(scn, options=["nato_replaces"], replications=3, seed=7)
    bargain = r.metadata["plans"]["nato_replaces"]["bargain"]
    assert bargain["p_holds_given_deal"] != bargain["p_holds_given_deal"]  # NaN in memory
    r.save(tmp_path / "run")

    def refuse(token: str) -> None:
        raise AssertionError(f"{token} in metadata.json")

    meta = json.loads((tmp_path / "run" / "metadata.json").read_text(), parse_constant=refuse)
    assert meta["plans"]["nato_replaces"]["bargain"]["p_holds_given_deal"] is None
    # Spoilers never sign: they are listed apart from the holdouts (the scenario's own roles).
    spoilers = sorted(f.id for f in scn.factions if f.spoiler)
    assert spoilers
    assert bargain["spoilers"] == spoilers
    assert not set(bargain["holdouts"]) & set(spoilers)


def test_a_comparison_with_no_other_option_is_an_empty_table(iraq) -> None:  # type: ignore[no-untyped-def]
    table = grudging.simulate(iraq, options="us_stays", replications=2).compare("us_stays")
    assert table.empty
    assert list(table.columns)[:3] == ["option", "baseline", "outcome"]


@pytest.mark.parametrize("given", [5, [1, 2], None])
def test_overrides_of_the_wrong_kind_are_named(given: object) -> None:
    with pytest.raises(GrudgingError) as err:
        grudging.load("iraq-2007", set=given)  # type: ignore[arg-type]
    assert str(err.value).startswith(f"set = {given!r}: give a mapping ")


def test_a_range_widened_after_the_value_it_admits_is_applied_first() -> None:
    """The order of a ``set`` mapping decided whether a value met its widened range."""
    from grudging.scenario import load_scenario

    both = {
        "dynamics.self_excitation": 0.85,
        "parameters.dynamics.self_excitation.high": 0.9,
    }
    scn = grudging.load("iraq-2007", set=both)
    excitation = next(p for p in scn.parameters if p.name == "dynamics.self_excitation")
    # fixed at the value, inside the range declared
    assert (excitation.value, excitation.low, excitation.high) == (0.85, 0.85, 0.85)
    assert excitation.declared == (0.1664, 0.9)
    # one assignment given bare is one assignment, not its characters
    bare = load_scenario("iraq-2007", overrides="dynamics.self_excitation=0.3")
    assert bare.overrides == ("dynamics.self_excitation=0.3",)


def test_a_notebook_shows_the_numbers_as_the_terminal_writes_them(iraq) -> None:  # type: ignore[no-untyped-def]
    """The notebook view printed 1.14e+05 deaths and a share of runs as 0."""
    from grudging.report import numbers as fmt

    r = grudging.simulate(iraq, options="us_stays", replications=10, seed=3)
    page = r._repr_html_()
    row = r.summary().set_index("outcome").loc["civilian_deaths"]
    cell = fmt.interval(row["median"], row["low"], row["high"], "deaths")
    assert f"<td>Civilian deaths</td><td>us_stays</td><td>{cell}</td>" in page
    war = r.summary().set_index("outcome").loc["civil_war", "mean"]
    assert f"<td>{fmt.percent(war)} of runs</td>" in page
    assert "e+0" not in page


def test_a_callback_or_folder_of_the_wrong_kind_is_named(iraq) -> None:  # type: ignore[no-untyped-def]
    """A one-argument progress callback failed with a TypeError from inside the chain; a save to
    None, with one from pathlib."""
    with pytest.raises(GrudgingError, match=r"give a function progress\(option, done, total\)$"):
        grudging.simulate(iraq, options="us_stays", replications=2, progress=lambda done: None)
    r = grudging.simulate(iraq, options="us_stays", replications=2)
    with pytest.raises(GrudgingError) as err:
        r.save(None)  # type: ignore[arg-type]
    assert str(err.value) == "folder = None: give the path of a folder to save into"


def test_a_scenario_prints_as_one_line(iraq) -> None:  # type: ignore[no-untyped-def]
    """Showing a scenario in a notebook cell printed some 350,000 characters."""
    shown = repr(iraq)
    assert shown.startswith("Scenario(id='iraq-2007', title='Iraq, January 2007")
    assert f"{len(iraq.regions)} regions, " in shown
    assert len(shown) < 400
    assert str(iraq) == shown

"""The whole chain for every option: determinism, common random numbers, failures as rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from grudging.chain import simulate
from grudging.cli import main
from grudging.errors import GrudgingError


@pytest.fixture(scope="module")
def small(iraq):  # type: ignore[no-untyped-def]
    return simulate(iraq, options=["us_stays", "us_withdraws"], replications=40, seed=11)


def test_same_seed_same_numbers(iraq, small) -> None:  # type: ignore[no-untyped-def]
    again = simulate(iraq, options=["us_stays", "us_withdraws"], replications=40, seed=11)
    pd.testing.assert_frame_equal(small.outcomes, again.outcomes)
    pd.testing.assert_frame_equal(small.experiments, again.experiments)


def test_different_seeds_differ(iraq, small) -> None:  # type: ignore[no-untyped-def]
    other = simulate(iraq, options=["us_stays", "us_withdraws"], replications=40, seed=12)
    assert not small.outcomes["value"].equals(other.outcomes["value"])


@pytest.mark.slow
def test_common_random_numbers_make_identical_plans_identical(iraq) -> None:  # type: ignore[no-untyped-def]
    """Two options that differ only in a rule give the same numbers, run by run, wherever the rule
    never fired (one uniform per Poisson count keeps the streams paired)."""
    res = simulate(iraq, options=["nato_replaces", "nato_then_un"], replications=30, seed=3)
    wide = res.scalars().set_index(["option", "replication"])
    a, b = wide.loc["nato_replaces"], wide.loc["nato_then_un"]
    outcomes = ["civilian_deaths", "troop_deaths", "displaced", "cost_patron"]
    handed_over = b["handover"] > 0
    assert (~handed_over).sum() >= 20
    assert (a.loc[~handed_over, outcomes] == b.loc[~handed_over, outcomes]).all().all()


@pytest.mark.slow
def test_the_first_month_is_shared_by_every_option(iraq) -> None:  # type: ignore[no-untyped-def]
    res = simulate(iraq, replications=25, seed=5)
    m0 = res.outcomes[(res.outcomes["outcome"] == "civilian_deaths") & (res.outcomes["month"] == 0)]
    by_option = m0.pivot(index="replication", columns="option", values="value")
    # Forces are the same at month 0 in every option except the historical one, which starts at
    # its recorded level: those options draw identical month-0 deaths.
    cols = [c for c in by_option.columns if c != "what_happened"]
    assert (by_option[cols].nunique(axis=1) == 1).all()


def test_results_are_tidy_and_complete(small) -> None:  # type: ignore[no-untyped-def]
    assert list(small.outcomes.columns) == [
        "run_id",
        "option",
        "replication",
        "region",
        "nation",
        "month",
        "outcome",
        "value",
    ]
    assert set(small.status["status"]) == {"ok"}
    assert len(small.experiments) == 80
    summary = small.summary()
    assert {"civilian_deaths", "civil_war", "troop_deaths", "cost_patron"} <= set(
        summary["outcome"]
    )
    assert (summary["low"] <= summary["median"]).all()
    assert (summary["median"] <= summary["high"]).all()
    diff = small.compare("us_stays")
    assert set(diff["option"]) == {"us_withdraws"}
    meta = small.metadata
    assert meta["scenario"] == "iraq-2007"
    assert len(meta["scenario_hash"]) == 16
    assert meta["seed"] == 11
    assert small.has_patron


def test_a_theatre_without_a_patron_reports_none_of_the_patron_s_outcomes(  # type: ignore[no-untyped-def]
    iraq, small, patronless, patronless_run
) -> None:
    """Zero by construction, a cost to the patron would read as a finding: the outcome is not
    produced at all, so no face can show it (and an explicit request for it is refused)."""
    from grudging.model.outcomes import OUTCOMES, PATRON_OUTCOMES, theatre_outcomes

    assert theatre_outcomes(iraq) == tuple(OUTCOMES)
    assert theatre_outcomes(patronless) == tuple(o for o in OUTCOMES if o not in PATRON_OUTCOMES)
    assert set(small.outcomes["outcome"]) == set(OUTCOMES)
    assert set(patronless_run.outcomes["outcome"]) == set(theatre_outcomes(patronless))
    assert not patronless_run.has_patron
    assert "cost_patron" not in set(patronless_run.compare("no_force")["outcome"])


def test_a_failing_option_is_a_row_not_a_crash(iraq, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import grudging.options

    real = grudging.options.plan_option

    def flaky(scn, option, values=None, seed=0, conference=None):  # type: ignore[no-untyped-def]
        if getattr(option, "id", option) == "us_withdraws":
            raise GrudgingError("no nation can serve the requirement")
        return real(scn, option, values, seed, conference=conference)

    monkeypatch.setattr(grudging.options, "plan_option", flaky)
    res = simulate(iraq, options=["us_stays", "us_withdraws"], replications=5, seed=1)
    failed = res.status[res.status["status"] == "failed"]
    assert set(failed["option"]) == {"us_withdraws"}
    assert (failed["error"] == "no nation can serve the requirement").all()
    assert set(res.scalars()["option"]) == {"us_stays"}


def test_results_save_and_load_round_trip(small, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from grudging.results.results import Results

    small.save(tmp_path / "run")
    back = Results.load(tmp_path / "run")
    pd.testing.assert_frame_equal(back.summary(), small.summary())


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"replications": 999}, "says 999 replications an option, but the tables hold"),
        ({"options": ["us_stays"]}, "the tables hold option us_withdraws, which the metadata"),
        ({"options": "us_stays"}, "'options' is not a list of option ids"),
        ({"replications": "3"}, "'replications' is not a whole number"),
    ],
)
def test_saved_metadata_that_disagrees_with_the_tables_is_refused(  # type: ignore[no-untyped-def]
    small, tmp_path: Path, edit: dict[str, object], message: str
) -> None:
    import json

    from grudging.errors import GrudgingError
    from grudging.results.results import Results

    small.save(tmp_path / "run")
    path = tmp_path / "run" / "metadata.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **edit}), encoding="utf-8")
    with pytest.raises(GrudgingError, match=r"metadata\.json: ") as err:
        Results.load(tmp_path / "run")
    assert message in str(err.value)
    assert str(err.value).endswith("save the results again")


def test_results_save_into_a_folder_named_with_a_quote(small, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from grudging.results.results import Results

    folder = tmp_path / "analyst's run"
    small.save(folder)
    pd.testing.assert_frame_equal(Results.load(folder).summary(), small.summary())
    assert sorted(p.name for p in folder.iterdir()) == [
        "experiments.parquet",
        "extra-files.json",
        "metadata.json",
        "outcomes.parquet",
        "region_months.parquet",
        "status.parquet",
    ]  # no staging folder left behind


def test_a_save_into_a_folder_of_saved_results_is_refused_unless_told(
    small, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from grudging.errors import GrudgingError

    folder = tmp_path / "run"
    small.save(folder)
    with pytest.raises(GrudgingError, match="already holds saved results"):
        small.save(folder)
    small.save(folder, overwrite=True)


def test_a_save_that_fails_part_way_keeps_the_results_saved_before(small, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    folder = tmp_path / "run"
    small.save(folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    # other tables, and metadata that cannot be written as JSON, found after the tables
    circular: dict[str, object] = dict(small.metadata)
    circular["self"] = circular
    other = dataclasses.replace(small, status=small.status.iloc[:1], metadata=circular)
    with pytest.raises(ValueError, match="Circular reference"):
        other.save(folder, overwrite=True)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_run_command_prints_the_comparison_and_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.html"
    code = main(
        [
            "run",
            "--option",
            "us_stays",
            "--option",
            "us_withdraws",
            "-n",
            "20",
            "--quiet",
            "--report",
            str(report),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Verdict (against US stays)" in out
    assert "Civilian deaths" in out
    assert "Differences against US stays" in out
    html = report.read_text()
    assert "Plotly" in html
    assert 'src="http' not in html  # plotly.js is inline: nothing is fetched from a CDN
    assert "Assumptions" in html
    assert "dynamics.self_excitation" in html


def test_run_command_refuses_an_unknown_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--option", "nato_replace", "-n", "5", "--report", "-"]) == 2
    assert (
        "unknown option 'nato_replace' (did you mean 'nato_replaces'?)" in capsys.readouterr().err
    )


@pytest.mark.slow
def test_run_json_is_valid_json_even_when_a_probability_is_undefined(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    # Exploitation at the top of its range: no deal forms at the nominal values of the others.
    args = ["--set", "bargain.exploitation_loss=1.5", "--json", "--report", "-"]
    assert main(["run", "--option", "nato_replaces", "-n", "5", *args]) == 0
    data = json.loads(capsys.readouterr().out)
    bargain = data["plans"]["nato_replaces"]["bargain"]
    # No deal forms, so P(holds | deal) is undefined: null, not NaN.
    assert bargain["p_deal"] == 0.0
    assert bargain["p_holds_given_deal"] is None


def test_compare_skips_failed_options_and_refuses_a_failed_baseline(
    iraq, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import grudging.options

    real = grudging.options.plan_option

    def flaky(scn, option, values=None, seed=0, conference=None):  # type: ignore[no-untyped-def]
        if getattr(option, "id", option) == "us_withdraws":
            raise GrudgingError("no nation can serve the requirement")
        return real(scn, option, values, seed, conference=conference)

    monkeypatch.setattr(grudging.options, "plan_option", flaky)
    res = simulate(
        iraq, options=["us_stays", "us_withdraws", "what_happened"], replications=5, seed=1
    )
    assert set(res.compare("us_stays")["option"]) == {"what_happened"}
    with pytest.raises(GrudgingError, match="the baseline option 'us_withdraws' has no results"):
        res.compare("us_withdraws")


def test_run_refuses_zero_replications(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "-n", "0", "--report", "-"]) == 2
    assert "--replications 0: give at least 1" in capsys.readouterr().err


def test_a_monthly_series_the_results_lack_is_named_with_those_they_have(small) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(
        GrudgingError,
        match=r"no monthly series of 'displaced' in these results; monthly series: .*civilian_deaths",
    ):
        small.monthly("displaced")


def test_progress_is_told_before_each_option_is_planned(iraq) -> None:  # type: ignore[no-untyped-def]
    """A large theatre plans for minutes: the progress display shows the option from the start."""
    calls: list[tuple[str, int, int]] = []
    simulate(
        iraq,
        options=["us_stays", "nato_replaces"],
        replications=3,
        seed=1,
        progress=lambda option, done, total: calls.append((option, done, total)),
    )
    assert calls == [
        ("us_stays", 0, 3),
        ("us_stays", 3, 3),
        ("nato_replaces", 0, 3),
        ("nato_replaces", 3, 3),
    ]

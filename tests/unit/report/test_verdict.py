"""The verdict: sentences and number formats, worked out by hand for a constructed run."""

from __future__ import annotations

import pandas as pd
import pytest
from verdict_helpers import constructed_results

from grudging.report import numbers as fmt
from grudging.report.narrative import executive_summary
from grudging.results.verdict import verdict_sentences

CLOSING = (
    "Intervals cover 90 % of 20 runs per option and reflect chance and the draws of the "
    "dynamics and bargaining parameters from their declared ranges (the other stages at their "
    "nominal values)"
)
EXPECTED = [
    "Civilian deaths: lowest under Stay the course, the baseline, 150k (90 %: 150k – 150k); the "
    "next best, Hand over to NATO, is worse by 49k (90 %: 46k – 49k worse); better in 5 % of "
    "runs.",
    "Civil war: least likely under Stay the course, the baseline, in 10 % of runs; the next "
    "best, Hand over to NATO, is worse by 15 points; better in 0 % of runs, worse in 15 %.",
    "Troop deaths: lowest under Hand over to NATO, 600 (90 %: 600 – 600); against Stay the "
    "course, better by 2,400 (90 %: 2,400 – 2,400 better); better in 100 % of runs.",
    "Cost to the patron: lowest under Hand over to NATO, US$31.0bn (90 %: US$31.0bn – "
    "US$31.0bn); against Stay the course, better by US$256bn (90 %: US$256bn – US$256bn "
    "better); better in 100 % of runs.",
]


def test_verdict_sentences_without_a_sweep() -> None:
    assert verdict_sentences(constructed_results()) == [
        *EXPECTED,
        CLOSING + "; a sweep (grudging sweep, then grudging report --store) says which "
        "assumption decides each outcome.",
    ]


def test_verdict_names_the_top_sensitivity_index_of_a_sweep() -> None:
    drivers = pd.DataFrame(
        [
            {"parameter": "dynamics.self_excitation", "outcome": "civilian_deaths", "index": 0.42},
            {"parameter": "dynamics.spillover", "outcome": "civilian_deaths", "index": 0.1},
        ]
    )
    lines = verdict_sentences(constructed_results(), drivers=drivers, method="Sobol' total")
    assert lines[0] == EXPECTED[0] + (
        " What decides it (sweep): Self excitation (dynamics), Sobol' total index 0.42."
    )
    assert lines[1:4] == EXPECTED[1:4]
    assert lines[4] == CLOSING + "."


def test_a_replay_of_history_named_best_says_what_it_is() -> None:
    """A replay with recorded local deals as inputs is not a course of action to choose: where
    a verdict calls it best, it says so (a journalist's audit)."""
    results = constructed_results()
    results.metadata["replays"] = {"nato": 3}
    troops = verdict_sentences(results)[2]
    assert troops.startswith(
        "Troop deaths: lowest under Hand over to NATO (the replay of history, its 3 recorded "
        "local deals put in as inputs), 600"
    )
    results.metadata["replays"] = {"nato": 0}
    assert "(the replay of history), 600" in verdict_sentences(results)[2]


def test_verdict_against_another_baseline() -> None:
    lines = verdict_sentences(constructed_results(), baseline="nato")
    assert lines[0] == (
        "Civilian deaths: lowest under Stay the course, 150k (90 %: 150k – 150k); against Hand "
        "over to NATO, better by 49k (90 %: 46k – 49k better); better in 95 % of runs."
    )


def test_executive_summary_opens_with_the_verdict_and_explains_the_troop_figures() -> None:
    lines = executive_summary(constructed_results())
    assert lines[:4] == EXPECTED
    assert (
        "Hand over to NATO: a NATO-led coalition of 23,250 troops raised from 38 nations, 4 % of "
        "the requirement in effective strength (gap 350k), at US$259M a year (first year "
        "US$389M); 6,067 coalition troops (all but the patron's) on average in theatre over the "
        "60 months, median of runs." in lines
    )


def test_the_report_gives_the_gates_the_terminal_gives() -> None:
    """The report's summary carries an option's feasibility gates, as the terminal's footer
    does (a journalist's audit found them only in the terminal)."""
    from grudging.cli.run import plan_footer

    results = constructed_results()
    results.metadata["feasibility"] = {
        "nato": {
            "p_feasible": 0.8,
            "infeasible": False,
            "gates": [{"gate": "host_consent", "probability": 0.8, "source": "UNSCR_1723"}],
        }
    }
    said = (
        "P(feasible) 0.80 (host consent 0.80 (UNSCR_1723)); the outcomes assume it is carried out"
    )
    assert f"Hand over to NATO: {said}." in executive_summary(results)
    assert any(line.endswith(f"; {said}.") for line in plan_footer(results))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (606.4, "606"),
        (6_067, "6,067"),
        (9_999, "9,999"),
        (10_000, "10k"),
        (49_400, "49k"),
        (408_000, "408k"),
        (999_600, "1.00M"),
        (2_123_456, "2.12M"),
        (12_345_678, "12.3M"),
        (-3_162, "-3,162"),
    ],
)
def test_count_format(value: float, text: str) -> None:
    assert fmt.count(value) == text


@pytest.mark.parametrize(
    ("musd", "text"),
    [
        (259, "US$259M"),
        (999.4, "US$999M"),
        (31_100, "US$31.1bn"),
        (287_000, "US$287bn"),
        (1_234, "US$1.23bn"),
        (0.25, "US$0.25M"),
    ],
)
def test_money_format(musd: float, text: str) -> None:
    assert fmt.money(musd) == text


def test_shares_intervals_and_differences() -> None:
    assert [fmt.percent(p) for p in (0, 0.001, 0.07, 0.005, 0.999, 1)] == [
        "0 %",
        "<1 %",
        "7 %",
        "1 %",
        ">99 %",
        "100 %",
    ]
    assert [fmt.chance(p) for p in (0, 0.002, 0.005, 0.42, 0.996, 1)] == [
        "0.00",
        "below 0.01",
        "0.01",
        "0.42",
        "above 0.99",
        "1.00",
    ]
    assert fmt.interval(161_700, 137_200, 196_800, "deaths") == "162k [137k – 197k]"
    assert fmt.interval(287_000, 231_000, 344_000, "US$ million", bare=True) == (
        "287bn [231bn – 344bn]"
    )
    # option minus baseline, for an outcome to minimize: positive is worse
    assert fmt.difference(49_000, -7_000, 408_000, "deaths", "minimize") == (
        "worse by 49k (90 %: 7,000 better – 408k worse)"
    )
    assert fmt.difference(-37_000, -65_000, -9_657, "deaths", "minimize") == (
        "better by 37k (90 %: 9,657 – 65k better)"
    )
    assert fmt.difference(6_000, 2_000, 9_000, "troops", "maximize") == (
        "better by 6,000 (90 %: 2,000 – 9,000 better)"
    )
    assert fmt.parameter_label("dynamics.self_excitation") == "Self excitation (dynamics)"
    assert fmt.outcome_label("cost_patron") == "Cost to the patron"
    assert fmt.parameter_label("dynamics.patron_pk_skill") == (
        "Patron peacekeeping skill (dynamics)"
    )
    assert fmt.words("roe_level") == "ROE level"
    assert fmt.in_sentence(fmt.words("roe_level")) == "ROE level"
    assert fmt.in_sentence(fmt.lever_label("drawdown_months")) == "patron's drawdown"
    assert fmt.in_sentence(fmt.lever_label("force_size")) == "force size sought"

"""What the outputs say in words is true of their data, and every face says it alike (audit of
2026-12-07): no chance above zero printed as 0.00, the chance of a deal one statistic everywhere,
the same verdict rule for every probability, ties named rather than broken by the order of the
options, no superlative for a lone option, an agreement in place stated in the report, names not
ids, the whole handover rule, and a reason for leaving a nation out that is true as worded."""

from __future__ import annotations

from typing import Any

import pytest
from verdict_helpers import constructed_results

import grudging
from grudging.cli import render
from grudging.report.html import render_report
from grudging.report.narrative import (
    difference_verdict,
    difference_words,
    plan_sentences,
    verdict,
)
from grudging.report.numbers import chance, chance_cell, outcome_label, outcome_unit_label
from grudging.results.verdict import findings


@pytest.mark.parametrize(
    ("p", "cell", "sentence"),
    [
        (0.0, "0.00", "0.00"),
        (0.0025, "<0.01", "below 0.01"),
        (0.005, "0.01", "0.01"),
        (0.42, "0.42", "0.42"),
        (0.996, ">0.99", "above 0.99"),
        (1.0, "1.00", "1.00"),
        (float("nan"), "–", None),
    ],
)
def test_a_chance_is_never_rounded_to_zero_or_certainty(
    p: float, cell: str, sentence: str | None
) -> None:
    assert chance_cell(p) == cell
    assert render.probability(p) == cell  # the terminal's tables
    if sentence is not None:
        assert chance(p) == sentence


def test_the_report_states_each_bargain_as_the_terminal_does(
    report_run: tuple[Any, Any],
) -> None:
    scn, results = report_run
    page = render_report(results, scn)
    bargains = [p["bargain"] for p in results.metadata["plans"].values() if p.get("bargain")]
    assert bargains
    for b in bargains:
        assert f"P(deal forms) {chance(b['p_deal'])}," in page


def test_a_probability_uses_the_paired_sign_rule_and_ties_are_named() -> None:
    # the chance of a deal: better in 63 % of 200 runs, worse in none, the rest tied
    assert difference_verdict("p_deal", 0.63, 0.0, 200) == "better"
    assert difference_verdict("civil_war", 0.63, 0.0, 200) == "better"
    # a quantity keeps the 80 % rule
    assert difference_verdict("civilian_deaths", 0.63, 0.0, 200) == "no clear difference"
    assert verdict(0.0, 0.0) == "the same in every run"
    assert verdict(0.05, 0.05) == "the same in most runs"
    assert outcome_unit_label("p_deal") == "mean chance over runs"
    assert outcome_unit_label("civil_war") == "share of runs"


def test_the_dashboard_words_a_difference_as_the_report_does() -> None:
    from grudging.web.callbacks import difference_rows, outcome_rows

    results = constructed_results()
    rows, _ = difference_rows(results, "stay")
    diff = results.compare("stay")
    runs = int(results.metadata["replications"])
    by_label = {row["outcome"]: row for row in rows}
    for _, r in diff[diff["option"] == "nato"].iterrows():
        word = difference_verdict(
            r["outcome"], float(r["share_better"]), float(r["share_worse"]), runs
        )
        assert by_label[outcome_label(r["outcome"])]["nato"] == (
            f"{word}: {difference_words(r, r['outcome'])}"
        )
    outcomes, _ = outcome_rows(results)
    civil_war = next(row for row in outcomes if row["unit"] == "share of runs")
    assert civil_war["stay"].endswith(" %")  # a share of runs, as the report shows it


def test_ties_are_named_not_broken_by_order() -> None:
    results = constructed_results()
    outcomes = results.outcomes.copy()
    outcomes.loc[outcomes["outcome"] == "civil_war", "value"] = 0.0  # both never
    tied = type(results)(
        experiments=results.experiments,
        outcomes=outcomes,
        status=results.status,
        metadata=results.metadata,
        plans=results.plans,
    )
    (civil_war,) = [f for f in findings(tied, "stay") if f.outcome == "civil_war"]
    assert civil_war.sentence == (
        "Civil war: least likely under Stay the course, the baseline, in 0 % of runs, and as "
        "unlikely under Hand over to NATO."
    )


def test_a_lone_option_gets_no_superlative() -> None:
    results = constructed_results()
    alone = type(results)(
        experiments=results.experiments[results.experiments["option"] == "stay"],
        outcomes=results.outcomes[results.outcomes["option"] == "stay"],
        status=results.status[results.status["option"] == "stay"],
        metadata=results.metadata,
        plans=results.plans,
    )
    sentences = [f.sentence for f in findings(alone)]
    assert sentences[0].startswith("Civilian deaths: 150k (90 %: 150k – 150k) under Stay the")
    assert all("lowest" not in s and "least likely" not in s for s in sentences)


def test_an_agreement_in_place_is_stated_in_the_report_too() -> None:
    results = constructed_results()
    results.metadata["agreement"] = {"name": "The Accord", "signed": "1995-11"}
    lines = plan_sentences(results)
    assert lines[0].startswith("Every option starts with The Accord (signed 1995-11) in place")


def test_decisions_name_factions_and_state_the_whole_handover_rule(iraq: Any) -> None:
    from grudging.scenario.summary import summary

    options = {o["id"]: o["decisions"] for o in summary(iraq)["options"]}
    assert (
        "Sadr movement and Jaish al-Mahdi: 70% stand down at month 7" in (options["what_happened"])
    )
    assert "sadrists" not in options["what_happened"]
    assert (
        "once deaths < 2/100k/month or 50% of the information-date national rate, whichever is "
        "higher, for 6 months"
    ) in options["nato_then_un"]


def test_a_nation_left_out_for_the_target_is_told_so_truly() -> None:
    plan = grudging.plan("bosnia-1995", "ifor_as_deployed")
    coalition = plan.conference.coalition
    reasons = [c.reason for c in coalition.candidates if "target" in c.reason]
    assert reasons
    for reason in reasons:
        assert "already fill" not in reason
        assert (
            f"would take the force of {coalition.total_troops:,} troops past its target" in (reason)
            or "smallest contingent" in reason
        )

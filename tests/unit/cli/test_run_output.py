"""`grudging run`'s terminal output: the verdict first, every figure whole at 80 columns."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "report"))
from verdict_helpers import constructed_results

from grudging.cli.run import plan_footer, print_comparison
from grudging.results.results import Results


def _render(width: int) -> list[str]:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, highlight=False, color_system=None)
    print_comparison(console, constructed_results(), "stay")
    return buffer.getvalue().splitlines()


@pytest.mark.parametrize("width", [60, 80])
def test_every_line_fits_and_no_figure_is_cut(width: int) -> None:
    lines = _render(width)
    assert max(len(line) for line in lines) <= width
    assert not any("…" in line for line in lines)
    text = "\n".join(lines)
    # stacked: one block per option, with every interval whole
    assert "US$287bn [US$287bn – US$287bn]" in text
    if width == 80:
        assert "  Civilian deaths              150k [150k – 150k] deaths" in lines
        assert "  Cost to the patron           US$287bn [US$287bn – US$287bn]" in lines
    assert "Verdict (against Stay the course)" in text


def test_the_verdict_comes_first() -> None:
    lines = _render(80)
    assert lines[3] == "Verdict (against Stay the course)"
    assert lines[4].startswith("  Civilian deaths: lowest under Stay the course, the baseline,")


def test_a_wide_console_gets_one_table() -> None:
    lines = _render(160)
    header = next(line for line in lines if "Stay the course" in line and "┃" in line)
    assert "Hand over to NATO" in header
    assert max(len(line) for line in lines) <= 160


def test_the_footer_says_what_each_troop_figure_is() -> None:
    assert plan_footer(constructed_results()) == [
        "Hand over to NATO: a NATO-led coalition of 23,250 troops raised from 38 nations "
        "(4 % of the requirement in effective strength), US$259M a year; 6,067 coalition "
        "troops (all but the patron's) on average in theatre over the 60 months, median of "
        "runs; at the parameters' nominal values a deal under NATO forms with probability 0.00 "
        "(across the run's draws: 'Chance of a deal' above); holding out in most draws: sunni "
        "parties; the spoilers, who never sign: aqi.",
        "Requirement: 364k troops (90 %: 133k – 462k) against the proposal's 32k.",
    ]


def test_the_footer_says_when_an_agreement_is_in_place() -> None:
    """'Settlement forms 100 %' under every option, a bargain's P(deal) near 0 beside it: the
    agreement in place at the start explains both, and the footer says so first (audit)."""
    results = constructed_results()
    results.metadata["agreement"] = {"name": "Dayton", "signed": "1995-11"}
    assert plan_footer(results)[0] == (
        "Every option starts with Dayton (signed 1995-11) in place: 'Settlement forms' counts it "
        "in each (100 % of runs) and the runs ask whether it holds; a bargain's probability of a "
        "deal below is the bargain stage's own, from scratch."
    )


def test_the_footer_names_no_proposal_where_the_scenario_has_none() -> None:
    results = constructed_results()
    for plan in results.metadata["plans"].values():
        plan["proposal_force"] = 0.0
    assert plan_footer(results)[-1] == "Requirement: 364k troops (90 %: 133k – 462k)."


def test_the_footer_says_how_often_a_handover_rule_fired_and_by_when() -> None:
    """A handover rule that fired in 5 of the 20 runs, at months 10, 20, 20, 30 and 40: 25 % of
    runs, and half of those (0.125 of all) had handed over by month 20 (2008-09)."""
    base = constructed_results()
    fired = {0: 10, 1: 20, 2: 20, 3: 30, 4: 40}
    rows = [
        {
            "run_id": f"nato/{i}",
            "option": "nato",
            "replication": i,
            "region": None,
            "nation": None,
            "month": float(month),
            "outcome": "handover",
            "value": float(i in fired and month >= fired[i]),
        }
        for i in range(20)
        for month in range(60)
    ]
    results = Results(
        experiments=base.experiments,
        outcomes=pd.concat([base.outcomes, pd.DataFrame(rows)], ignore_index=True),
        status=base.status,
        metadata=base.metadata,
    )
    first = plan_footer(results)[0]
    assert first.endswith(
        "holding out in most draws: sunni parties; the spoilers, who never sign: aqi; its "
        "handover rule fired in 25 % of runs (half of those had handed over by month 20 "
        "(2008-09))."
    )
    assert "handover" not in plan_footer(base)[0]


def test_a_theatre_without_a_patron_prints_no_cost_to_it(
    patronless_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No patron, no cost to it: neither the verdict, the table nor the differences speak of
    one (it would be US$0 by construction), and the footer's troop figure says what it counts."""
    from grudging.cli import main

    assert main(["run", str(patronless_path), "-n", "20", "--report", "-", "--quiet"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Differences against UNPROFOR leaves, nobody replaces it" in out
    assert "Troop deaths: worse by" in out
    assert "Cost to the patron" not in out
    assert "all but the patron's" not in out
    assert "coalition troops (every foreign force: the theatre has no patron)" in out


def test_a_theatre_with_a_patron_still_prints_its_cost(capsys: pytest.CaptureFixture[str]) -> None:
    from grudging.cli import main

    options = ["--option", "us_stays", "--option", "us_withdraws"]
    assert main(["run", *options, "-n", "20", "--report", "-", "--quiet"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Cost to the patron: lowest under" in out  # the verdict
    assert "Cost to the patron: better by" in out  # the differences
    assert out.count("Cost to the patron") >= 3  # and the table's row (or rows)

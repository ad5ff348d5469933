"""The held-out comparisons: the Iraq back-test (2007-2008) and Bosnia after Dayton.

These tests assert that the comparisons run the model and report finite figures against the
held-out data - not that the model agrees with history. Agreement is what the scoreboard shows
(``grudging evidence``); asserting it here would invite tuning to held-out data.
"""

from __future__ import annotations

import json
import math

import pytest

from grudging.cli import main
from grudging.evidence.checks import EvidenceContext
from grudging.evidence.scoreboard import all_checks
from grudging.scenario import load_scenario

HISTORY = [c.id for c in all_checks() if c.group in ("iraq", "bosnia") and c.expressible]


@pytest.mark.parametrize("check_id", HISTORY)
def test_history_checks_run_the_model(check_id: str, ctx: EvidenceContext) -> None:
    """Each comparison yields a finite figure and a PASS or FAIL verdict."""
    from grudging.evidence.scoreboard import check

    result = check(check_id).evaluate(ctx)
    assert result.status in ("PASS", "FAIL"), result.error
    assert result.measurement is not None
    assert math.isfinite(result.measurement.value)


def test_ifor_comparison_uses_the_held_out_table(ctx: EvidenceContext) -> None:
    """Hansard (26 Jan 1998): 31 non-US IFOR contributors with a figure, 43,010 troops."""
    from grudging.evidence.bosnia import ifor_comparison

    c = ifor_comparison(ctx)
    assert len(c["observed"]) == 31
    assert c["observed_total"] == pytest.approx(43010)
    assert c["observed"]["GBR"] == 11500
    assert "USA" not in c["observed"]
    assert 0 < c["model_total"] <= c["target_troops"]
    assert set(c["true_positives"]) | set(c["missed"]) == set(c["observed"])


def test_bosnia_validates_and_runs_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    """`bosnia-1995` validates, runs every option, generates IFOR and bargains at Dayton."""
    assert main(["validate", "bosnia-1995"]) == 0
    assert main(["run", "bosnia-1995", "-n", "40", "--report", "-", "--quiet"]) == 0
    out = capsys.readouterr().out
    for option in load_scenario("bosnia-1995").options:
        assert option.name.split(",")[0] in out
    assert main(["coalition", "bosnia-1995", "--option", "ifor_as_deployed", "--json"]) == 0
    coalition = json.loads(capsys.readouterr().out)
    assert coalition["plan"]["command"] == "nato"
    assert coalition["coalition"]["total_troops"] > 0
    assert coalition["borrowed_parameters"] == []
    assert main(["bargain", "bosnia-1995", "--guarantor", "all", "--json"]) == 0
    bargain = json.loads(capsys.readouterr().out)
    assert bargain

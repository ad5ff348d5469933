"""Scores and naive forecasts of the case library: analytic answers."""

from __future__ import annotations

import math

import pytest

from grudging.cases import scoring


def test_brier_of_perfect_and_of_coin() -> None:
    y = [True, False, True, False]
    assert scoring.brier([1.0, 0.0, 1.0, 0.0], y) == 0.0
    assert scoring.brier([0.5] * 4, y) == pytest.approx(0.25)
    assert scoring.brier([0.0, 1.0, 0.0, 1.0], y) == 1.0


def test_accuracy_counts_the_threshold_as_yes() -> None:
    assert scoring.accuracy([0.5, 0.49, 0.9], [True, False, False]) == pytest.approx(2 / 3)


def test_log_loss_clips_certain_misses() -> None:
    assert scoring.log_loss([0.0], [True]) == pytest.approx(-math.log(scoring.LOG_LOSS_CLIP))
    assert scoring.log_loss([0.5, 0.5], [True, False]) == pytest.approx(math.log(2))


def test_leave_one_out_base_rate_leaves_each_case_out() -> None:
    # 2 of 4 violent: a violent case sees 1 of 3 others, a peaceful one 2 of 3.
    assert scoring.loo_base_rate([True, True, False, False]) == pytest.approx(
        [1 / 3, 1 / 3, 2 / 3, 2 / 3]
    )


def test_leave_one_out_cell_rate_uses_the_other_cases_of_the_cell() -> None:
    cells = [True, True, True, False, False]
    y = [False, False, True, True, True]
    # cell True: others of case 0 are (False, True) -> 0.5; case 2 sees (False, False) -> 0.
    assert scoring.loo_cell_rate(cells, y) == pytest.approx([0.5, 0.5, 0.0, 1.0, 1.0])


def test_a_case_alone_in_its_cell_gets_the_base_rate() -> None:
    cells = [True, False, False]
    y = [True, False, True]
    assert scoring.loo_cell_rate(cells, y)[0] == pytest.approx(0.5)


def test_the_rule_forecasts_peace_only_with_agreement_and_no_party() -> None:
    assert scoring.rule_holds(True, False)
    assert not scoring.rule_holds(True, True)
    assert not scoring.rule_holds(False, False)


def test_calibration_table_bins_forecasts() -> None:
    table = scoring.calibration_table([0.1, 0.15, 0.9, 1.0], [False, True, True, True])
    assert [(b.n, b.observed) for b in table] == [(2, 0.5), (2, 1.0)]
    assert table[0].mean_forecast == pytest.approx(0.125)
    assert table[1].high == pytest.approx(1.0)


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="2 forecasts for 1 outcomes"):
        scoring.brier([0.1, 0.2], [True])

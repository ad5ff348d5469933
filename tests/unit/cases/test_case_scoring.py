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


def test_the_gap_of_a_forecaster_with_itself_is_exactly_zero() -> None:
    p, y = [0.2, 0.7, 0.5, 0.9], [False, True, True, False]
    gap = scoring.brier_gap(p, p, y, draws=500)
    assert (gap.gap, gap.low, gap.high, gap.share_better) == (0.0, 0.0, 0.0, 0.0)


def test_a_forecaster_right_on_every_case_beats_one_wrong_on_every_case_in_every_resample() -> None:
    y = [True, False, True, False, False]
    right = [1.0 if v else 0.0 for v in y]
    wrong = [0.0 if v else 1.0 for v in y]
    gap = scoring.brier_gap(right, wrong, y, draws=500)
    assert (gap.gap, gap.low, gap.high, gap.share_better) == (-1.0, -1.0, -1.0, 1.0)


def test_the_gap_is_the_difference_of_the_briers_and_its_interval_contains_it() -> None:
    y = [True, False, False, True, False, True, False, False, True, False]
    p = [0.8, 0.3, 0.1, 0.4, 0.5, 0.9, 0.2, 0.6, 0.7, 0.1]
    base = [0.4] * len(y)
    gap = scoring.brier_gap(p, base, y, draws=2000)
    assert gap.gap == pytest.approx(scoring.brier(p, y) - scoring.brier(base, y))
    assert gap.low <= gap.gap <= gap.high
    assert 0.0 < gap.share_better < 1.0
    assert gap.describe().startswith(f"{gap.gap:+.3f} (90 %: ")


def test_the_gap_is_deterministic_and_the_seed_names_its_resamples() -> None:
    y = [True, False, False, True, False, True]
    p, q = [0.7, 0.2, 0.4, 0.3, 0.6, 0.8], [0.5] * 6
    assert scoring.brier_gap(p, q, y) == scoring.brier_gap(p, q, y)
    assert scoring.brier_gap(p, q, y, seed=1) != scoring.brier_gap(p, q, y, seed=2)


def test_a_gap_needs_a_level_between_zero_and_one() -> None:
    with pytest.raises(ValueError, match=r"level = 1\.5: give a level between 0 and 1"):
        scoring.brier_gap([0.5], [0.5], [True], level=1.5)


def test_the_library_s_naive_forecasts_at_a_date_read_only_outcomes_known_by_then() -> None:
    from grudging.cases.runner import case_path, library_ids, naive_at, read_case
    from grudging.errors import GrudgingError
    from grudging.scenario.schema import month_index

    naive = naive_at("1995-11", True, True, 5000.0)
    codings = {i: read_case(case_path(i)) for i in library_ids()}
    known = [i for i, c in codings.items() if month_index(c.start) + 24 <= month_index("1995-11")]
    assert list(naive.cases) == known
    assert known
    y = [codings[i].outcome.large_scale_violence_2y for i in known]  # type: ignore[union-attr]
    assert naive.base_rate == pytest.approx(sum(y) / len(y))
    cell = [
        v
        for i, v in zip(known, y, strict=True)
        if not (codings[i].agreement and not codings[i].intervener_party)
    ]
    assert naive.rule == pytest.approx(sum(cell) / len(cell))
    assert naive.rule_cell == "not (agreement and not a party)"
    assert naive.persistence == 1.0
    assert naive_at("1995-11", True, False, 999.0).persistence == 0.0
    with pytest.raises(GrudgingError, match="no case of the library had its two-year outcome"):
        naive_at("1980-01", True, False, 0.0)

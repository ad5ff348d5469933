"""Escalation from calm and the party effect (grudging.model.onset): fit and properties."""

from __future__ import annotations

import csv
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grudging.calibration.settlements import DATA_FILE
from grudging.model import onset

PARAMS = onset.OnsetParams(base_hazard=0.05, agreement_ratio=0.2, peacekeeping_ratio=0.45)
unit = st.floats(0.0, 1.0)
positive = st.floats(0.0, 5.0)


def _rows() -> list[dict[str, str]]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_hazard_and_probability_invert_each_other() -> None:
    h = onset.hazard_from_probability(0.5, 24)
    assert onset.probability_within([h] * 24) == pytest.approx(0.5)
    assert onset.hazard_from_probability(0.0) == 0.0


def test_the_fit_uses_only_episodes_up_to_1995_and_finds_the_published_directions() -> None:
    fit = onset.fit_onset(_rows())
    used = onset.rows_used(_rows(), onset.LAST_FIT_YEAR)
    assert max(int(r["start_year"]) for r in used) <= 1995
    n, k = fit.counts["truce_no_force"]
    assert fit.base_hazard == pytest.approx(-math.log1p(-k / n) / 24)
    # Fortna (2004, 2008; finding F03): a peace operation cuts the risk by half or more; an
    # agreement cuts it against a truce.
    assert 0.2 < fit.peacekeeping_ratio < 0.6
    assert fit.agreement_ratio < 1.0
    # A decisive victory: the ratio of the cells' constant hazards (Licklider 1995; Fortna 2008,
    # ch. 5: victory < agreement < truce in the risk of renewed war).
    nv, kv = fit.counts["victory_no_force"]
    assert fit.victory_ratio == pytest.approx(math.log1p(-kv / nv) / math.log1p(-k / n))
    assert fit.victory_ratio < fit.agreement_ratio < 1.0


def test_a_calm_start_can_escalate() -> None:
    rate = np.array([0.0, 0.0])
    out = onset.escalated_rate(rate, np.array([True, False]), PARAMS)
    assert out.tolist() == [PARAMS.onset_rate, 0.0]


def test_the_war_minimum_adds_up_to_a_war_a_year() -> None:
    """1,000 deaths a year (the war definition) over any population, per 100,000 a month."""
    for population in (250_000.0, 2e6, 27e6):
        rate = onset.war_minimum_rate(population)
        assert rate * population / 100_000.0 * 12.0 == pytest.approx(onset.WAR_DEATHS_PER_YEAR)


def test_a_resumed_war_is_a_war_whatever_the_suppression() -> None:
    """Suppression lowers the per-capita onset rate but not below the war minimum."""
    population = 500_000.0  # a small country: 10 per 100,000 a month is 600 deaths a year
    onset_ = np.array([True, True, False])
    supp = np.array([1.0, 0.001, 0.001])
    out = onset.escalated_rate(np.zeros(3), onset_, PARAMS, supp, population)
    war = onset.war_minimum_rate(population)
    assert out[0] == pytest.approx(max(PARAMS.onset_rate, war))
    assert out[1] == pytest.approx(war)
    assert out[2] == 0.0


def _h(**kw: float | bool) -> float:
    args = {
        "capability": 0.5,
        "coverage": 0.0,
        "coverage_start": 0.0,
        "agreement": False,
    }
    args.update(kw)
    return float(
        onset.onset_hazard(
            np.array(args["capability"]),
            np.array(args["coverage"]),
            np.array(args["coverage_start"]),
            np.array(args["agreement"]),
            PARAMS,
        )
    )


@settings(max_examples=60, deadline=None)
@given(c1=positive, c2=positive, start=positive, cap=unit)
def test_more_coverage_never_raises_the_hazard(
    c1: float, c2: float, start: float, cap: float
) -> None:
    low, high = sorted((c1, c2))
    common = {"capability": cap, "coverage_start": start}
    assert _h(coverage=high, **common) <= _h(coverage=low, **common) + 1e-15


@settings(max_examples=60, deadline=None)
@given(cov=positive, start=positive, cap=unit)
def test_an_agreement_never_raises_the_hazard(cov: float, start: float, cap: float) -> None:
    common = {"capability": cap, "coverage": cov, "coverage_start": start}
    assert _h(agreement=True, **common) <= _h(agreement=False, **common)


@settings(max_examples=60, deadline=None)
@given(cov=positive, start=positive, cap=unit, hostility=unit)
def test_an_intervener_seen_as_a_party_never_lowers_the_hazard_or_the_targeting(
    cov: float, start: float, cap: float, hostility: float
) -> None:
    fought = np.array(True)
    party_cap = float(onset.party_capability(np.array(cap), fought, PARAMS))
    common = {"coverage": cov, "coverage_start": start}
    assert _h(capability=party_cap, **common) >= _h(capability=cap, **common)
    men, hate = onset.party_adjusted(np.array(100.0), np.array(hostility), fought, PARAMS)
    assert float(men) >= 100.0
    assert hostility <= float(hate) <= 1.0


def test_a_vacuum_raises_the_hazard() -> None:
    assert _h(coverage=0.2, coverage_start=1.0) > _h(coverage=0.2, coverage_start=0.2)


def test_over_two_years_more_troops_and_an_agreement_lower_the_chance_of_war() -> None:
    def p(coverage: float, agreement: bool) -> float:
        return onset.probability_within([_h(coverage=coverage, agreement=agreement)] * 24)

    grid = [p(c, False) for c in (0.0, 0.25, 0.5, 1.0, 2.0)]
    assert all(b <= a for a, b in itertools.pairwise(grid))
    assert p(0.5, True) < p(0.5, False)


def test_parameters_out_of_their_domain_are_refused() -> None:
    with pytest.raises(ValueError, match="party_recruitment"):
        onset.OnsetParams(
            base_hazard=0.05, agreement_ratio=0.2, peacekeeping_ratio=0.45, party_recruitment=0.5
        )


def test_a_case_fit_uses_only_episodes_known_at_its_information_date() -> None:
    """No episode whose two-year window closes after the information date enters the fit (the
    library's outcomes are the test: design note cases-diagnosis.md, 3.3)."""
    rows = _rows()
    used = onset.rows_known_by(rows, "1992-09")
    assert used
    for r in used:
        start = r["start_date"] or f"{r['start_year']}-12"
        year, month = (int(x) for x in start.split("-")[:2])
        assert year * 12 + month <= 1990 * 12 + 9
    later = [r for r in rows if r["start_date"][:7] == "1990-10"]
    assert later, "the data hold an episode starting 1990-10"
    assert not any(r in used for r in later)
    assert len(onset.rows_known_by(rows, "1999-09")) > len(used)


def test_fit_ranges_hold_the_point_fit_and_keep_ratios_at_most_one() -> None:
    for date in ("1990-09", "1993-06", "1999-09"):
        fit = onset.fit_onset_known_by(_rows(), date)
        ranges = onset.fit_ranges(fit)
        assert set(ranges) == set(onset.FITTED_PARAMETERS)
        for name, (value, low, high) in ranges.items():
            assert 0.0 < low <= value <= high, (date, name)
            if name != "dynamics.onset_base_hazard":
                assert high <= 1.0
    # More episodes, a narrower interval of the base hazard.
    early = onset.fit_ranges(onset.fit_onset_known_by(_rows(), "1990-09"))
    late = onset.fit_ranges(onset.fit_onset_known_by(_rows(), "1999-09"))
    width = {
        k: v[2] - v[1]
        for k, v in (
            ("early", early["dynamics.onset_base_hazard"]),
            ("late", late["dynamics.onset_base_hazard"]),
        )
    }
    assert width["late"] < width["early"]

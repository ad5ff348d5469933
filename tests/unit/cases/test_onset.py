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


def test_a_calm_start_can_escalate() -> None:
    rate = np.array([0.0, 0.0])
    out = onset.escalated_rate(rate, np.array([True, False]), PARAMS)
    assert out.tolist() == [PARAMS.onset_rate, 0.0]


def _h(**kw: float | bool) -> float:
    args = {
        "grievance": 1.0,
        "capability": 0.5,
        "coverage": 0.0,
        "coverage_start": 0.0,
        "agreement": False,
    }
    args.update(kw)
    return float(
        onset.onset_hazard(
            np.array(args["grievance"]),
            np.array(args["capability"]),
            np.array(args["coverage"]),
            np.array(args["coverage_start"]),
            np.array(args["agreement"]),
            PARAMS,
        )
    )


@settings(max_examples=60, deadline=None)
@given(c1=positive, c2=positive, start=positive, g=positive, cap=unit)
def test_more_coverage_never_raises_the_hazard(
    c1: float, c2: float, start: float, g: float, cap: float
) -> None:
    low, high = sorted((c1, c2))
    common = {"grievance": g, "capability": cap, "coverage_start": start}
    assert _h(coverage=high, **common) <= _h(coverage=low, **common) + 1e-15


@settings(max_examples=60, deadline=None)
@given(cov=positive, start=positive, g=positive, cap=unit)
def test_an_agreement_never_raises_the_hazard(
    cov: float, start: float, g: float, cap: float
) -> None:
    common = {"grievance": g, "capability": cap, "coverage": cov, "coverage_start": start}
    assert _h(agreement=True, **common) <= _h(agreement=False, **common)


@settings(max_examples=60, deadline=None)
@given(cov=positive, start=positive, g=positive, cap=unit, hostility=unit)
def test_an_intervener_seen_as_a_party_never_lowers_the_hazard_or_the_targeting(
    cov: float, start: float, g: float, cap: float, hostility: float
) -> None:
    fought = np.array(True)
    party_cap = float(onset.party_capability(np.array(cap), fought, PARAMS))
    common = {"grievance": g, "coverage": cov, "coverage_start": start}
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

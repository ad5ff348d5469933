"""The case library: every case is short, sourced, inside 1990-2006, and scores deterministically."""

from __future__ import annotations

import pytest

from grudging.cases import runner
from grudging.cli import main

#: Fields a case must source (docs/design-notes/cases.md, section 3).
SOURCED = (
    "start",
    "population",
    "recent_deaths_per_year",
    "agreement",
    "intervener_party",
    "force",
)


def test_the_library_holds_at_least_fifteen_operations() -> None:
    assert len(runner.library_ids()) >= 15


@pytest.mark.parametrize("case_id", runner.library_ids())
def test_every_case_is_short_sourced_and_dated(case_id: str) -> None:
    path = runner.case_path(case_id)
    assert len(path.read_text().splitlines()) <= 40
    case, scn = runner.load_case(path)
    assert "1990-01" <= case.start <= "2006-12"
    assert case.outcome is not None
    assert case.outcome.source
    missing = [f for f in SOURCED if not case.sources.get(f)]
    assert not missing, f"{case_id}: no source for {missing}"
    # The information date is the month before the start: no figure of the case is later.
    assert scn.information_date < case.start
    assert all(o.month <= scn.information_date for o in scn.observations)


def test_a_forecast_is_a_probability_and_deterministic() -> None:
    ids = ["mozambique-1992", "car-1997"]
    first = runner.run_library(ids, replications=20, seed=11)
    again = runner.run_library(ids, replications=20, seed=11)
    assert first == again
    assert all(0.0 <= r.p_model <= 1.0 for r in first)


def test_the_report_puts_the_model_beside_the_naive_forecasts() -> None:
    results = runner.run_library(["mozambique-1992", "car-1997", "rwanda-1993"], 10, seed=1)
    report = runner.library_report(results)
    names = [s["name"] for s in report["scores"]["all"]]
    assert names[0] == "model"
    assert any(n.startswith("base rate") for n in names)
    assert any(n.startswith("rule") for n in names)
    assert [r["id"] for r in report["cases"]] == ["car-1997", "mozambique-1992", "rwanda-1993"]


def test_cases_command_refuses_an_unknown_case() -> None:
    assert main(["cases", "--case", "atlantis-1990"]) == 2


@pytest.mark.slow
def test_the_whole_library_runs_and_writes_a_plot(tmp_path) -> None:  # type: ignore[no-untyped-def]
    plot = tmp_path / "calibration.png"
    assert main(["cases", "--plot", str(plot)]) == 0
    assert plot.stat().st_size > 0


def test_a_library_case_runs_with_the_onset_fit_known_at_its_information_date() -> None:
    """``grudging cases`` refits the onset hazard per case; ``grudging run`` keeps the shared set."""
    from grudging.cases.runner import onset_calibration

    path = runner.case_path("mozambique-1992")
    _, shared = runner.load_case(path)
    _, calibrated = runner.load_case(path, calibrate=True)
    fitted = onset_calibration(calibrated.information_date)
    by_name = {p.name: p for p in calibrated.parameters}
    for name, rec in fitted.items():
        assert (by_name[name].value, by_name[name].low, by_name[name].high) == (
            rec["value"],
            rec["low"],
            rec["high"],
        )
        assert "known by 1992-09" in by_name[name].source
    base = {p.name: p for p in shared.parameters}["dynamics.onset_base_hazard"]
    assert base.distribution == "uniform"

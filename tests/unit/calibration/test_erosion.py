"""The withdrawal hazard (MNF-I exits to the information date) and the command erosion factor."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grudging.calibration.erosion import (
    Contributor,
    command_modifier,
    fit_hazard,
    load_contributors,
    load_turnovers,
    nation_years,
    turnover_in,
    validate,
)
from grudging.model.dynamics import DynamicsInputs, DynamicsParams, ForceUnit, Theatre, simulate
from grudging.scenario.commands import shared_command, unit_traits

INFO = "2006-12"


def test_the_shipped_table_holds_the_28_exits() -> None:
    people = load_contributors()
    assert sum(c.exit_month is not None for c in people) == 28
    assert len({c.nation for c in people}) == len(people)


def test_no_row_after_the_information_date_enters_the_fit() -> None:
    data = nation_years(load_contributors(), load_turnovers(), (2004, 2005, 2006), INFO)
    assert data.year.max() == 2006
    # exits after 2006 (Denmark, Latvia, Lithuania, Poland, ...) are censored: present, not left
    assert data.left.sum() == 15
    with pytest.raises(ValueError, match="past the information date"):
        validate(fit_years=(2005, 2006, 2007))


def test_constant_hazard_is_the_share_of_nation_years_with_an_exit() -> None:
    """Maximum likelihood of a constant Bernoulli hazard is the observed share (analytic)."""
    data = nation_years(load_contributors(), load_turnovers(), (2004, 2005, 2006), INFO)
    base = fit_hazard(data, columns=())
    share = data.left.mean()
    assert 1 / (1 + np.exp(-base.coef[0])) == pytest.approx(share, rel=1e-9)
    assert base.loglik == pytest.approx(
        data.left.sum() * np.log(share) + (~data.left).sum() * np.log(1 - share)
    )


def test_full_hazard_fits_at_least_as_well_in_sample() -> None:
    v = validate()
    # the penalised optimum is at least as good, penalised, as slopes of zero (the baseline)
    penalty = 0.5 * float(np.sum(v.fit.coef[1:] ** 2)) / 2.5**2
    assert v.fit.loglik - penalty >= v.baseline.loglik - 1e-9
    scopes = {(r["scope"], r["year"]) for r in v.rows}
    assert ("test", 2007) in scopes
    assert {y for s, y in scopes if s == "in-sample"} == {2004, 2005, 2006}


def test_turnover_counts_the_year_and_the_last_quarter_before() -> None:
    assert turnover_in(("2005-10",), 2006)
    assert not turnover_in(("2005-09",), 2006)
    assert turnover_in(("2006-12",), 2006)
    assert not turnover_in(("2007-01",), 2006)


def test_deaths_after_the_information_date_are_prorated() -> None:
    gone = Contributor("AAA", 1000, "2004-01", "2005-12", 10)
    assert gone.deaths_known(INFO) == 10
    stays = Contributor("BBB", 1000, "2004-01", "2009-12", 72)
    assert stays.deaths_known(INFO) == pytest.approx(72 * 36 / 72)


def test_the_nato_factor_is_the_one_computed_from_ifor_and_sfor() -> None:
    m = command_modifier()
    assert m.left == 0
    assert m.annual_hazard == pytest.approx(3 / (m.at_risk * m.years))
    assert m.support_factor == pytest.approx(np.sqrt(m.hazard_ratio))
    assert float(shared_command("nato").erosion) == pytest.approx(m.support_factor, abs=0.005)
    assert shared_command("us").erosion == 1.0


# The factor in the dynamics ------------------------------------------------------------------
def _toy() -> Any:
    """The dynamics tests' toy theatre and parameters (tests/unit/dynamics/toy.py)."""
    spec = importlib.util.spec_from_file_location(
        "dynamics_toy", Path(__file__).parents[1] / "dynamics" / "toy.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOY = _toy()


def _params() -> DynamicsParams:
    return TOY.nominal_params()  # type: ignore[no-any-return]


def _theatre() -> Theatre:
    return TOY.theatre(rate=10)  # type: ignore[no-any-return]


def _contingent(command: str, months: int, **kw: object) -> ForceUnit:
    fields = unit_traits(shared_command(command)) | kw
    return ForceUnit(
        name=f"contingent-{command}",
        nation="AAA",
        kind="contingent",
        troops=np.full((3, months), 1000.0),
        pk_skill=1.0,
        **fields,  # type: ignore[arg-type]
    )


def test_a_smaller_erosion_factor_keeps_contingents_longer() -> None:
    months = 36
    p = dataclasses.replace(
        _params(), leave_threshold=0.8, support_drift=0.05, support_casualty_sensitivity=0.0
    )
    stayed = {}
    for factor in (1.0, 0.5, 0.0):
        u = _contingent("us", months, command_erosion=factor)
        out = simulate(DynamicsInputs(theatre=_theatre(), units=(u,), months=months), p, 300, 3)
        stayed[factor] = float((out.foreign_troops[:, -1] > 0).mean())
    assert stayed[0.0] == 1.0
    assert stayed[1.0] < stayed[0.5] < stayed[0.0]


def test_a_factor_of_one_leaves_runs_bit_identical() -> None:
    months = 24
    p = dataclasses.replace(_params(), leave_threshold=0.9, support_drift=0.05)
    th = _theatre()
    plain = _contingent("us", months)
    named = _contingent("us", months, command_erosion="dynamics.leave_threshold")
    one = dataclasses.replace(p, leave_threshold=1.0)
    a = simulate(DynamicsInputs(theatre=th, units=(plain,), months=months), p, 50, 7)
    b = simulate(DynamicsInputs(theatre=th, units=(plain,), months=months), p, 50, 7)
    np.testing.assert_array_equal(a.foreign_troops, b.foreign_troops)
    # a parameter name resolves like a value: leave_threshold 1 as the factor equals factor 1
    c = simulate(DynamicsInputs(theatre=th, units=(named,), months=months), one, 50, 7)
    d = simulate(DynamicsInputs(theatre=th, units=(plain,), months=months), one, 50, 7)
    np.testing.assert_array_equal(c.foreign_troops, d.foreign_troops)


def test_calibrate_erosion_prints_the_fit_beside_the_constant_hazard(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from grudging.cli import main

    assert main(["calibrate", "erosion"]) == 0
    out = capsys.readouterr().out
    assert "| test | 2007 | hazard |" in out
    assert "| test | 2007 | constant |" in out
    assert "0 of 34 left in 2 years" in out

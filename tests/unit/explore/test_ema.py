"""The EMA Workbench adapter drives the chain as an EMA model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from grudging.errors import DesignError
from grudging.explore.ema import ema_model


def test_ema_runs_the_chain_one_experiment_per_call(iraq: Any) -> None:
    from ema_workbench import perform_experiments

    model = ema_model(iraq, "us_withdraws", parameters="dynamics", levers="drawdown_months")
    # a parameter with no range (low = high) is a constant, not an uncertainty
    dynamics = [p for p in iraq.parameters if p.name.startswith("dynamics.") and p.high > p.low]
    assert len(model.uncertainties) == len(dynamics)
    assert [lv.name for lv in model.levers] == ["drawdown_months"]
    assert "civilian_deaths" in [o.name for o in model.outcomes]
    experiments, outcomes = perform_experiments(model, scenarios=4, policies=2)
    assert len(experiments) == 8
    assert model.function.calls == 8
    assert np.all(np.isfinite(outcomes["civilian_deaths"]))
    assert experiments["drawdown_months"].between(6, 36).all()
    # The same experiment gives the same numbers (its streams are named by its values).
    row = experiments.iloc[0]
    values = {f.name: row[f.name.replace(".", "__")] for f in model.function.factors}
    again = model.function(**values)
    assert again["civilian_deaths"] == outcomes["civilian_deaths"][0]


def test_unknown_option_is_refused(iraq: Any) -> None:
    with pytest.raises(DesignError, match=r"unknown option 'us_stay' \(did you mean 'us_stays'"):
        ema_model(iraq, "us_stay")

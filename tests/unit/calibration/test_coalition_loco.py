"""Leave-one-coalition-out: the model's forecast fills each coalition's plan and re-hats."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from grudging.calibration.coalitions import (
    PARTICIPATION_FEATURES,
    SIZE_FEATURES,
    _model_forecast,
    feature_rows,
    load_history,
    validate,
)
from grudging.model.willingness import willingness_params
from grudging.scenarios.reference import coalition_values


@pytest.fixture(scope="module")
def held_out(iraq: Any) -> tuple[Any, Any, list[Any]]:
    values, _ = coalition_values(iraq)
    p = willingness_params(values)
    data = load_history()
    return data, p, validate(data, p)


def test_the_forecast_fills_the_planned_strength(held_out: tuple[Any, Any, list[Any]]) -> None:
    """Sizes are scaled to the plan, then rounded down on the ladder (at most one unit each)."""
    data, p, results = held_out
    plans = {c.id: c.planned for c in data.coalitions}
    for r in results:
        model = r.forecasts["grudging"]
        total = sum(model.values())
        named = sum(1 for v in model.values() if v > 0)
        assert total <= plans[r.coalition] + 1e-6
        assert total >= plans[r.coalition] - named * p.unit_size


def test_same_theatre_forecast_re_hats_the_earlier_contingents(
    held_out: tuple[Any, Any, list[Any]],
) -> None:
    """SFOR follows IFOR in Bosnia. With every nation in and a fitted size of one soldier, each
    forecast is its IFOR contingent (re-hatting floor), all scaled to SFOR's plan: analytic."""
    data, p, _results = held_out
    sfor = next(c for c in data.coalitions if c.id == "sfor_1998")
    feats = feature_rows(data, sfor, p)
    beta = np.zeros(len(PARTICIPATION_FEATURES))
    beta[PARTICIPATION_FEATURES.index("intercept")] = 10.0
    gamma = np.zeros(len(SIZE_FEATURES))
    model = _model_forecast(data, sfor, feats, beta, gamma, p)
    raw = {n: max(1.0, f["previous"]) for n, f in feats.items()}
    scale = sfor.planned / sum(raw.values())
    for n, f in feats.items():
        if f["previous"] >= 1000:
            assert model[n] == pytest.approx(f["previous"] * scale, abs=p.unit_size)

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
    """SFOR follows IFOR in Bosnia. With incumbents staying, each IFOR nation's forecast is its IFOR
    contingent and every other nation's its fitted size (one soldier here), all scaled to SFOR's
    plan: analytic, up to the ladder's rounding."""
    data, p, _results = held_out
    sfor = next(c for c in data.coalitions if c.id == "sfor_1998")
    feats = feature_rows(data, sfor, p)
    beta = np.zeros(len(PARTICIPATION_FEATURES))
    beta[PARTICIPATION_FEATURES.index("intercept")] = 10.0
    gamma = np.zeros(len(SIZE_FEATURES))
    model = _model_forecast(data, sfor, feats, beta, gamma, p, incumbents_stay=True)
    raw = {n: f["previous"] if f["incumbent"] else 1.0 for n, f in feats.items()}
    scale = sfor.planned / sum(raw.values())
    for n, f in feats.items():
        if f["previous"] >= 1000:
            assert f["incumbent"] == 1.0
            assert model[n] == pytest.approx(f["previous"] * scale, abs=p.unit_size)


def test_incumbents_that_do_not_stay_face_the_logit(held_out: tuple[Any, Any, list[Any]]) -> None:
    """Without the re-hatting rule an incumbent is a candidate like any other: a logit that says
    no to everyone names only the nations announced to lead part of the force, whatever the
    earlier contingents."""
    data, p, _results = held_out
    sfor = next(c for c in data.coalitions if c.id == "sfor_1998")
    feats = feature_rows(data, sfor, p)
    beta = np.zeros(len(PARTICIPATION_FEATURES))
    beta[PARTICIPATION_FEATURES.index("intercept")] = -10.0
    gamma = np.zeros(len(SIZE_FEATURES))
    named = {n for n, v in _model_forecast(data, sfor, feats, beta, gamma, p).items() if v > 0}
    assert named == {n for n, f in feats.items() if f["lead"] > 0} == {"FRA", "GBR"}
    stay = _model_forecast(data, sfor, feats, beta, gamma, p, incumbents_stay=True)
    assert {n for n, v in stay.items() if v > 0} <= {n for n, f in feats.items() if f["incumbent"]}


def test_incumbents_only_in_the_same_theatre_and_committed_share_elsewhere(
    held_out: tuple[Any, Any, list[Any]],
) -> None:
    """Incumbency needs the same theatre (SFOR <- IFOR); a contingent in another theatre (KFOR <-
    SFOR) is a committed share of capacity in [0, 1] instead, and none is committed in SFOR."""
    data, p, _results = held_out
    by_id = {c.id: c for c in data.coalitions}
    sfor = feature_rows(data, by_id["sfor_1998"], p)
    kfor = feature_rows(data, by_id["kfor_1999"], p)
    assert {n for n, f in sfor.items() if f["incumbent"]} == {
        n for n, f in sfor.items() if f["previous"] > 0
    }
    assert all(f["committed"] == 0.0 for f in sfor.values())
    assert not any(f["incumbent"] for f in kfor.values())
    assert all(0.0 <= f["committed"] <= 1.0 for f in kfor.values())
    gbr = kfor["GBR"]
    assert gbr["committed"] == pytest.approx(min(1.0, gbr["previous"] / gbr["capacity"]))


def test_incumbents_of_the_same_theatre_re_hat_in_the_held_out_fold(
    held_out: tuple[Any, Any, list[Any]],
) -> None:
    """Most incumbents of the training folds' same-theatre successions stayed (IFOR <- UNPROFOR,
    SFOR <- IFOR), so every IFOR contributor with a figure is forecast in SFOR, weakly aligned
    ones included."""
    data, _p, results = held_out
    sfor = next(r for r in results if r.coalition == "sfor_1998")
    ifor = {n: t for n, t in data.contributions["ifor_1996"].items() if t and n != "USA"}
    model = sfor.forecasts["grudging"]
    assert all(model[n] > 0 for n in ifor if n in model and ifor[n] >= 100)


def test_lead_roles_are_data_known_at_the_information_date(
    held_out: tuple[Any, Any, list[Any]],
) -> None:
    """Every lead role is a coalition of the validation with a source, and enters the size
    regression as log1p(commands); a nation announced to lead is forecast to serve."""
    from grudging.calibration.coalitions import _rows

    data, p, results = held_out
    rows = _rows("lead_roles.csv")
    ids = {c.id for c in data.coalitions}
    assert rows
    assert all(r["coalition"] in ids and r["source"].strip() for r in rows)
    for r in results:
        spec = next(c for c in data.coalitions if c.id == r.coalition)
        feats = feature_rows(data, spec, p)
        for n, f in feats.items():
            roles = data.lead_roles.get((r.coalition, n), 0)
            assert f["lead"] == pytest.approx(np.log1p(roles))
            if roles and not f["incumbent"]:
                assert r.forecasts["grudging"][n] > 0, (r.coalition, n)

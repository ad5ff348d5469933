"""Calibration files: fitted parameter sets merged into a scenario's parameters on load.

A calibration file is YAML written by ``grudging calibrate``::

    calibration: dynamics
    method: approximate Bayesian computation (rejection, ...)
    data_window: {start: 2004-01, end: 2006-12}
    data: [...]            # what the fit used, each with its source
    fit: {...}             # how well it fits
    parameters:            # the posterior: value (median) and 5-95 % range
      - {name: dynamics.self_excitation, value: 0.41, low: 0.30, high: 0.55}

Merging replaces each named parameter's value and range and records which calibration set them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from grudging.errors import ScenarioError, unknown_name

if TYPE_CHECKING:
    from grudging.scenario.io import SourceMap

MERGED_FIELDS = ("value", "low", "high", "distribution")


def read_calibration(path: Path) -> dict[str, Any]:
    """The content of a calibration file, checked for its required keys."""
    if not path.is_file():
        raise ScenarioError(
            f"{path.name}: calibration file not found next to the scenario; run "
            "'grudging calibrate' to create it or remove it from 'calibration'"
        )
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    if not isinstance(data, dict) or not isinstance(data.get("parameters"), list):
        raise ScenarioError(f"{path.name}: a calibration file needs a 'parameters' list")
    for key in ("calibration", "data_window"):
        if key not in data:
            raise ScenarioError(f"{path.name}: calibration file lacks '{key}'")
    return data


def merge_calibrations(data: dict[str, Any], paths: list[Path], smap: SourceMap) -> dict[str, Any]:
    """Raw scenario data with the parameters of each calibration file merged in."""
    params = data.get("parameters")
    if not isinstance(params, list):
        raise ScenarioError(f"{smap.main}: 'calibration' is given but there are no parameters")
    by_name = {p.get("name"): i for i, p in enumerate(params) if isinstance(p, dict)}
    merged = [dict(p) if isinstance(p, dict) else p for p in params]
    for path in paths:
        cal = read_calibration(path)
        window = cal["data_window"]
        label = f"{cal['calibration']} ({window.get('start')} to {window.get('end')})"
        for j, fitted in enumerate(cal["parameters"]):
            name = fitted.get("name") if isinstance(fitted, dict) else None
            if name not in by_name:
                raise ScenarioError(
                    f"{path.name}: parameters[{j}]: "
                    f"{unknown_name('parameter', str(name), [str(n) for n in by_name])}"
                )
            i = by_name[name]
            for key in MERGED_FIELDS:
                if key in fitted:
                    merged[i][key] = fitted[key]
            merged[i]["calibrated"] = label
            smap.lines[("parameters", i)] = (path.name, 0)
    out = dict(data)
    out["parameters"] = merged
    return out

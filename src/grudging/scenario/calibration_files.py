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
from typing import Any

from grudging.errors import ScenarioError, unknown_name
from grudging.scenario.yaml_input import Loc, SourceMap, read_yaml

MERGED_FIELDS = ("value", "low", "high", "distribution")


def _read(path: Path) -> tuple[dict[str, Any], dict[Loc, int]]:
    if not path.is_file():
        raise ScenarioError(
            f"{path.name}: calibration file not found next to the scenario; run "
            "'grudging calibrate' to create it or remove it from 'calibration'"
        )
    data, lines = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("parameters"), list):
        raise ScenarioError(
            f"{path.name}: a calibration file needs a 'parameters' list (as written by "
            "'grudging calibrate')"
        )
    for key in ("calibration", "data_window"):
        if key not in data:
            raise ScenarioError(
                f"{path.name}: calibration file lacks '{key}'; rerun 'grudging calibrate'"
            )
    if not isinstance(data["data_window"], dict):
        line = lines.get(("data_window",))
        where = f"{path.name}:{line}" if line else path.name
        raise ScenarioError(
            f"{where}: data_window: give the fitted window as {{start: YYYY-MM, end: YYYY-MM}}"
        )
    return data, lines


def read_calibration(path: Path) -> dict[str, Any]:
    """The content of a calibration file, checked for its required keys."""
    return _read(path)[0]


def merge_calibrations(data: dict[str, Any], paths: list[Path], smap: SourceMap) -> dict[str, Any]:
    """Raw scenario data with the parameters of each calibration file merged in.

    Each merged value is located in its calibration file (file and line) for error messages.
    """
    params = data.get("parameters")
    if not isinstance(params, list):
        raise ScenarioError(f"{smap.main}: 'calibration' is given but there are no parameters")
    by_name = {
        p.get("name"): i
        for i, p in enumerate(params)
        if isinstance(p, dict) and isinstance(p.get("name"), str)
    }
    merged = [dict(p) if isinstance(p, dict) else p for p in params]
    for path in paths:
        cal, lines = _read(path)
        window = cal["data_window"]
        label = f"{cal['calibration']} ({window.get('start')} to {window.get('end')})"
        for j, fitted in enumerate(cal["parameters"]):
            line = lines.get(("parameters", j))
            where = f"{path.name}:{line}" if line else path.name
            if not isinstance(fitted, dict):
                raise ScenarioError(
                    f"{where}: parameters[{j}]: give a mapping {{name, value, low, high}}"
                )
            name = fitted.get("name")
            if name not in by_name:
                raise ScenarioError(
                    f"{where}: parameters[{j}]: "
                    f"{unknown_name('parameter', str(name), [str(n) for n in by_name])}; "
                    "declare it in the scenario or remove it from the calibration file"
                )
            i = by_name[name]
            for key in MERGED_FIELDS:
                if key in fitted:
                    merged[i][key] = fitted[key]
                    key_line = lines.get(("parameters", j, key), line or 0)
                    smap.lines[("parameters", i, key)] = (path.name, key_line)
            merged[i]["calibrated"] = label
            smap.lines[("parameters", i)] = (path.name, line or 0)
    out = dict(data)
    out["parameters"] = merged
    return out

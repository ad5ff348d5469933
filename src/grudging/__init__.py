"""grudging: a stabilization-force proposal as a model analysts can run, question and stress-test.

The public API, imported lazily (nothing heavy happens at import time)::

    import grudging
    scn = grudging.load("iraq-2007", set={"dynamics.self_excitation": 0.3})
    results = grudging.simulate(scn, replications=1000)   # every option, tidy Results
    results.summary(); results.compare("us_stays")
    plan = grudging.plan(scn, "nato_replaces")            # the plan that ran: same seed

``grudging.simulate("iraq-2007")`` takes a built-in name or a path as well; ``grudging.explore``
holds sweeps, sensitivity and discovery. Every error raised on purpose is a
:class:`GrudgingError` that names its culprit.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grudging.errors import GrudgingError
from grudging.rng import MASTER_SEED

__version__ = "0.1.0"

__all__ = [
    "MASTER_SEED",
    "GrudgingError",
    "Results",
    "__version__",
    "backtest",
    "compare",
    "dump_scenario",
    "explore",
    "load",
    "load_scenario",
    "plan",
    "simulate",
]

if TYPE_CHECKING:
    from grudging import explore
    from grudging.evidence.backtest import backtest
    from grudging.options import OptionPlan
    from grudging.results.results import Results
    from grudging.scenario import dump_scenario, load_scenario
    from grudging.scenario.schema import Scenario

_LAZY = {
    "load_scenario": ("grudging.scenario", "load_scenario"),
    "dump_scenario": ("grudging.scenario", "dump_scenario"),
    "Results": ("grudging.results.results", "Results"),
    "backtest": ("grudging.evidence.backtest", "backtest"),
}
_MODULES = ("explore",)


def load(
    source: str | Path = "iraq-2007",
    set: Mapping[str, Any] | Sequence[str] = (),
) -> Scenario:
    """A scenario by built-in name or path, with overrides as ``--set`` would apply them.

    ``set`` is a mapping ``{"dynamics.self_excitation": 0.3}`` or a list of ``"key=value"``
    strings; a parameter given a number is fixed, one given ``"low:high"`` has its range narrowed.
    """
    from grudging.scenario import load_scenario

    if isinstance(set, Mapping):
        assignments = [f"{key}={value}" for key, value in set.items()]
    elif isinstance(set, str):
        assignments = [set]
    elif isinstance(set, Sequence) and all(isinstance(a, str) for a in set):
        assignments = list(set)
    else:
        raise GrudgingError(
            f"set = {set!r:.60}: give a mapping {{'dynamics.self_excitation': 0.3}} or a list of "
            "'key=value' strings"
        )
    return load_scenario(source, overrides=assignments)


def _scenario(scenario: Any) -> Scenario:
    from grudging.scenario.io import check_scenario_object
    from grudging.scenario.schema import Scenario

    if isinstance(scenario, Scenario):
        check_scenario_object(scenario)
        return scenario
    if isinstance(scenario, str | Path):
        return load(scenario)
    raise GrudgingError(
        f"expected a Scenario, a built-in scenario name or a path, not {type(scenario).__name__}; "
        "load one with grudging.load('iraq-2007')"
    )


def simulate(
    scenario: Any = "iraq-2007",
    options: Sequence[str] | str | None = None,
    replications: int | None = None,
    seed: int = MASTER_SEED,
    values: Mapping[str, float] | None = None,
    uncertainty: bool = True,
    progress: Any = None,
    cache: Any = None,
) -> Results:
    """Every option (or ``options=[...]``) through the chain; see :func:`grudging.chain.simulate`
    for each argument.

    ``scenario`` is a loaded scenario, a built-in name or a path; ``replications`` defaults to
    ``grudging run``'s (1,000). The parameter draws are a Latin hypercube over all the
    replications, so a run of 40 does not extend a run of 20 (the same seed and size give the
    same numbers). An option that fails is warned of (its runs are marked in
    ``results.status``); when every option fails, a :class:`GrudgingError` says why.
    """
    import warnings

    from grudging.chain import DEFAULT_REPLICATIONS
    from grudging.chain import simulate as run

    results = run(
        _scenario(scenario),
        options=options,
        replications=DEFAULT_REPLICATIONS if replications is None else replications,
        seed=seed,
        values=values,
        uncertainty=uncertainty,
        progress=progress,
        cache=cache,
    )
    status = results.status
    failed = status[status["status"] == "failed"].drop_duplicates("option")
    pairs = zip(failed["option"], failed["error"], strict=True)
    lines = [f"option '{option}' failed: {error}" for option, error in pairs]
    if lines and len(failed) == status["option"].nunique():
        raise GrudgingError("; ".join(lines) + " (every option failed: nothing to show)")
    for line in lines:  # the others ran; their runs are in the results
        warnings.warn(f"{line}; its runs are marked failed in results.status", stacklevel=2)
    return results


def plan(
    scenario: Any,
    option: str,
    values: Mapping[str, float] | None = None,
    seed: int = MASTER_SEED,
) -> OptionPlan:
    """The plan of one option (requirement, coalition, bargain, forces by month).

    The default seed is :func:`simulate`'s, so the plan inspected is the plan that ran.
    """
    from grudging.chain import check_values
    from grudging.options import plan_option
    from grudging.rng import check_seed

    scn = _scenario(scenario)
    if not isinstance(option, str):
        raise GrudgingError(f"option = {option!r:.60}: give one option id (a name)")
    scn.option(option)  # an unknown id is named with the ones there are
    check_values(scn, values)
    check_seed(seed)
    return plan_option(scn, option, values, seed)


def compare(results: Results, baseline: str) -> Any:
    """Paired differences of every option against ``baseline`` (see ``Results.compare``)."""
    return results.compare(baseline)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    if name in _MODULES:
        return importlib.import_module(f"grudging.{name}")
    raise AttributeError(f"module 'grudging' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted({*__all__, *globals()})

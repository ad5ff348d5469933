"""grudging: a stabilization-force proposal as a model analysts can run, question and stress-test.

The public API, imported lazily (nothing heavy happens at import time)::

    import grudging
    scn = grudging.load_scenario("iraq-2007", overrides=["dynamics.salience_nato=0.8"])
    plan = grudging.plan(scn, "nato_replaces")          # requirement, coalition, bargain
    results = grudging.simulate(scn, replications=1000)  # every option, tidy Results
    results.summary(); results.compare("us_stays")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

MASTER_SEED = 20070101
"""The default master seed of a run, a sweep, a check and the dashboard."""

__all__ = [
    "MASTER_SEED",
    "Results",
    "__version__",
    "backtest",
    "compare",
    "dump_scenario",
    "load_scenario",
    "plan",
    "simulate",
]

if TYPE_CHECKING:
    from grudging.chain import simulate
    from grudging.evidence.backtest import backtest
    from grudging.options import plan_option as plan
    from grudging.results.results import Results
    from grudging.scenario import dump_scenario, load_scenario

_LAZY = {
    "load_scenario": ("grudging.scenario", "load_scenario"),
    "dump_scenario": ("grudging.scenario", "dump_scenario"),
    "plan": ("grudging.options", "plan_option"),
    "simulate": ("grudging.chain", "simulate"),
    "Results": ("grudging.results.results", "Results"),
    "backtest": ("grudging.evidence.backtest", "backtest"),
}


def compare(results: Results, baseline: str) -> Any:
    """Paired differences of every option against ``baseline`` (see ``Results.compare``)."""
    return results.compare(baseline)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'grudging' has no attribute '{name}'")

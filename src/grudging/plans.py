"""The one plan cache: options' plans held by what the deterministic stages read.

An option's plan (requirement, coalition conference, sectors, bargain) depends on the option as
written (after any levers), the parameter values the planning stages read and the seed. The
force-generation conference reads only its own stages' parameters (requirement, rules of
engagement, sectors, force generation, willingness), and the bargain reads only the guarantor's
skill of the dynamics (:func:`grudging.options.plan_reads_dynamics`), so runs that differ only in
the dynamics share one plan, and runs that differ in the guarantor's skill or in the bargain's
parameters share one conference and re-run only the bargain. ``grudging run``, sweeps, the EMA adapter and the dashboard all plan
through :class:`PlanCache`. A plan that fails is held as its error, raised again for every run that
asks, without planning again. The cache is safe to share between threads.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from grudging.rng import MASTER_SEED

if TYPE_CHECKING:
    from grudging.model.conference import ConferenceResult
    from grudging.options import OptionPlan
    from grudging.scenario.schema import CoalitionPlan, CourseOfAction, Scenario

#: ``(name, value)`` pairs: dotted names are parameters, plain names are levers.
Upstream = Sequence[tuple[str, Any]] | Mapping[str, Any]


class PlanCache:
    """The last ``size`` plans and conferences, least recently used first out."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._plans: OrderedDict[str, Any] = OrderedDict()
        self._conferences: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def plan(
        self,
        scn: Scenario,
        option: str | CourseOfAction,
        upstream: Upstream | None = None,
        seed: int = MASTER_SEED,
        tag: str | None = None,
    ) -> OptionPlan:
        """The plan of ``option`` with ``upstream`` (parameter values and levers) applied.

        ``tag`` names the scenario when one cache serves several (default: its content hash).
        Raises the planning error, now or when it first happened.
        """
        from grudging.options import plan_option, plan_reads_dynamics

        opt, values = _resolve(scn, option, upstream)
        assert opt is not None
        tag = _tag(scn, tag)
        reads = plan_reads_dynamics(scn, opt)
        key = _key(tag, opt, seed, values, reads)
        hit = self._fetch(self._plans, key)
        if hit is None:
            try:
                conference = (
                    None
                    if opt.coalition is None
                    else self._conference(scn, opt.coalition, values, seed, tag)
                )
                hit = plan_option(scn, opt, values, seed, conference=conference)
            except Exception as err:  # held: every run of the group records it
                hit = _Failed(err)
            self._keep(self._plans, key, hit)
        if isinstance(hit, _Failed):
            raise hit.error.with_traceback(None)
        return hit

    def conference(
        self,
        scn: Scenario,
        coalition: CoalitionPlan,
        upstream: Upstream | None = None,
        seed: int = MASTER_SEED,
        tag: str | None = None,
    ) -> ConferenceResult:
        """The force-generation conference of a coalition plan (what planning an option uses)."""
        _, values = _resolve(scn, None, upstream)
        return self._conference(scn, coalition, values, seed, _tag(scn, tag))

    def clear(self) -> None:
        """Forget every plan and conference."""
        with self._lock:
            self._plans.clear()
            self._conferences.clear()

    def _conference(
        self,
        scn: Scenario,
        coalition: CoalitionPlan,
        values: dict[str, float],
        seed: int,
        tag: str,
    ) -> ConferenceResult:
        """Keyed by the coalition plan alone (the conference reads nothing else of the option) and
        the values of the stages it reads (:data:`~grudging.model.conference.STAGES_READ`), so
        that runs differing only in the bargain or the dynamics share one conference."""
        from grudging.model.conference import STAGES_READ, run_conference
        from grudging.rng import stream

        read = {n: v for n, v in values.items() if n.split(".", 1)[0] in STAGES_READ}
        key = _key(tag, coalition, seed, read, ())
        hit = self._fetch(self._conferences, key)
        if hit is None:
            full = {p.name: p.value for p in scn.parameters} | values
            hit = run_conference(
                scn, coalition, full, rng=stream(seed, "requirement"), cost_curve=()
            )
            self._keep(self._conferences, key, hit)
        return hit

    def _fetch(self, cache: OrderedDict[str, Any], key: str) -> Any:
        with self._lock:
            if key in cache:
                cache.move_to_end(key)
                return cache[key]
        return None

    def _keep(self, cache: OrderedDict[str, Any], key: str, value: Any) -> None:
        with self._lock:
            cache[key] = value
            while len(cache) > self.size:
                cache.popitem(last=False)


class _Failed:
    """A held planning error."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def _resolve(
    scn: Scenario, option: str | CourseOfAction | None, upstream: Upstream | None
) -> tuple[CourseOfAction | None, dict[str, float]]:
    """The option with its levers applied, and the parameter values given."""
    from grudging.options import resolve_option
    from grudging.scenario.levers import apply_levers

    pairs = list(upstream.items() if isinstance(upstream, Mapping) else upstream or ())
    nominal = {p.name: p.value for p in scn.parameters}
    # only values that differ from the nominal ones name a plan: a full mapping and the changes
    # alone find the same entry
    values = {
        name: float(value)
        for name, value in pairs
        if "." in name and (name not in nominal or float(value) != nominal[name])
    }
    levers = [(scn.lever(name), value) for name, value in pairs if "." not in name]
    if option is None:
        return None, values
    opt = resolve_option(scn, option)
    return (apply_levers(opt, levers) if levers else opt), values


def _tag(scn: Scenario, tag: str | None) -> str:
    if tag is not None:
        return tag
    from grudging.scenario.io import scenario_hash

    return scenario_hash(scn)


def _key(
    tag: str,
    spec: CourseOfAction | CoalitionPlan,
    seed: int,
    values: Mapping[str, float],
    reads: Sequence[str],
) -> str:
    """What planning reads: all values but the dynamics' own, except those in ``reads``."""
    read = sorted(
        (n, v.item() if isinstance(v, np.generic) else v)
        for n, v in values.items()
        if not n.startswith("dynamics.") or n in reads
    )
    return json.dumps([tag, spec.model_dump_json(), seed, read], default=repr)

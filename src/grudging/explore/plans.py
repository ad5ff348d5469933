"""Plans of a scenario's options by upstream values, held for the experiments that share them.

An experiment's plan (requirement, coalition, sectors, bargain) depends on its *upstream* values:
the levers and the parameters the planning stages read. A sweep over the dynamics then needs one
plan per option; a design that varies an upstream value needs one per distinct value. The
force-generation conference reads no ``dynamics.*`` parameter, so experiments whose upstream
differs only there (a guaranteed bargain reads the guarantor's skill) share one conference and
re-run only the bargain. A plan that fails is held as its failure, so every experiment of its
group records the same error without planning again.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from grudging.model.conference import ConferenceResult
    from grudging.options import OptionPlan
    from grudging.scenario.schema import Scenario

Upstream = Sequence[tuple[str, Any]]


class PlanFailed(Exception):
    """The option could not be planned for these upstream values (the original error's text)."""


class PlanCache:
    """The last ``size`` plans and conferences, least recently used first out."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._plans: OrderedDict[str, OptionPlan | PlanFailed] = OrderedDict()
        self._conferences: OrderedDict[str, ConferenceResult | None] = OrderedDict()

    def plan(
        self, scn: Scenario, option: str, upstream: Upstream, seed: int, tag: str = ""
    ) -> OptionPlan:
        """The plan of ``option`` with ``upstream`` (parameter and lever values) applied.

        ``tag`` tells scenarios apart when one cache serves several (their hash). Raises
        :class:`PlanFailed` when planning fails, now or when it first did.
        """
        key = _key(tag, option, seed, upstream)
        hit = _fetch(self._plans, key)
        if hit is None:
            try:
                hit = self._compute(scn, option, upstream, seed, tag)
            except Exception as err:  # held: every experiment of the group records it
                hit = PlanFailed(f"{type(err).__name__}: {err}")
            self._keep(self._plans, key, hit)
        if isinstance(hit, PlanFailed):
            raise hit
        return hit

    def clear(self) -> None:
        """Forget every plan and conference."""
        self._plans.clear()
        self._conferences.clear()

    def _compute(
        self, scn: Scenario, option: str, upstream: Upstream, seed: int, tag: str
    ) -> OptionPlan:
        from grudging.options import option_conference, plan_option
        from grudging.scenario.levers import apply_levers

        values: dict[str, float] = dict(scn.parameter_values())
        levers = []
        for name, value in upstream:
            if "." in name:
                values[name] = float(value)
            else:
                levers.append((scn.lever(name), value))
        opt = apply_levers(scn.option(option), levers)
        key = _key(
            tag, option, seed, [(n, v) for n, v in upstream if not n.startswith("dynamics.")]
        )
        if key in self._conferences:
            conference = _fetch(self._conferences, key)
        else:
            conference = option_conference(scn, opt, values, seed)
            self._keep(self._conferences, key, conference)
        return plan_option(scn, opt, values, seed, conference=conference)

    def _keep(self, cache: OrderedDict[str, Any], key: str, value: Any) -> None:
        cache[key] = value
        while len(cache) > self.size:
            cache.popitem(last=False)


def _fetch(cache: OrderedDict[str, Any], key: str) -> Any:
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    return None


def _key(tag: str, option: str, seed: int, upstream: Upstream) -> str:
    plain = [(n, v.item() if isinstance(v, np.generic) else v) for n, v in upstream]
    return json.dumps([tag, option, seed, plain], default=repr)

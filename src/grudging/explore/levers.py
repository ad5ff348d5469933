"""Factors of a design: the scenario's uncertain parameters (X) and its levers (L), on one footing.

Every factor maps the unit interval onto its values: a parameter through its declared
distribution (uniform, triangular, log-uniform: :func:`grudging.model.sampling.inverse_cdf`), a
real lever linearly, an integer lever onto equal-width bins of its whole numbers, a categorical
lever onto equal-width bins of its choices. Samplers work on the unit hypercube (so SALib's
Saltelli and Morris designs keep their structure) and the design holds both the unit coordinates
and the values.

A factor is *upstream* when the deterministic stages (requirement, coalition conference, bargain)
read it: every parameter outside the dynamics stage and every lever. Design points that agree on
their upstream factors share one plan per option; the sweep runner groups them. The dynamics
parameters that :func:`grudging.options.plan_option` reads for one of the swept options (the
guarantor's skill, which weighs its troops in the bargain) are marked ``plan_read``
(:func:`with_plan_reads`) but not upstream: they go to the dynamics per row like the other dynamics
parameters, and the guarantee and bargain are derived again at each row's value
(:func:`grudging.options.settlement_at`), so that varying them does not split a group into one
plan, and one small dynamics call, per design point.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from grudging.errors import DesignError, choices_hint, did_you_mean
from grudging.scenario.schema import Lever, Parameter, Scenario

FactorKind = Literal["parameter", "lever"]
Scale = Literal["real", "integer", "categorical"]


@dataclass(frozen=True)
class Factor:
    """One input a design varies: a parameter or a lever, mapped from the unit interval."""

    name: str
    kind: FactorKind
    scale: Scale
    low: float = 0.0
    high: float = 1.0
    choices: tuple[str, ...] = ()
    distribution: str = "uniform"
    nominal: float = 0.0
    upstream: bool = True
    plan_read: bool = False  # a dynamics parameter a plan reads: passed per row (module notes)

    @property
    def categorical(self) -> bool:
        """Whether the factor takes text values."""
        return self.scale == "categorical"

    def values(self, u: np.ndarray) -> np.ndarray:
        """The factor's values at unit coordinates ``u`` in [0, 1]."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if self.scale == "categorical":
            k = len(self.choices)
            index = np.minimum((u * k).astype(int), k - 1)
            return np.asarray(self.choices, dtype=object)[index]
        if self.scale == "integer":
            count = int(self.high - self.low) + 1
            return (int(self.low) + np.minimum((u * count).astype(np.int64), count - 1)).astype(
                np.int64
            )
        if self.kind == "parameter":
            from grudging.model.sampling import inverse_cdf

            values = np.asarray(inverse_cdf(self._parameter(), u), dtype=float)
        else:
            values = self.low + u * (self.high - self.low)
        return np.clip(values, self.low, self.high)  # rounding never leaves the range

    def level_count(self, n: int) -> int:
        """How many levels :meth:`levels` gives for ``n``, without building them."""
        if self.scale == "categorical":
            return len(self.choices)
        if self.scale == "integer" and int(self.high - self.low) + 1 <= n:
            return int(self.high - self.low) + 1
        return 1 if n < 2 else n

    def levels(self, n: int) -> np.ndarray:
        """Unit coordinates of a full-factorial grid: every choice or whole number when there are
        at most ``n``, otherwise ``n`` evenly spaced levels from the bottom to the top."""
        if self.scale == "categorical":
            k = len(self.choices)
            return (np.arange(k) + 0.5) / k
        if self.scale == "integer":
            count = int(self.high - self.low) + 1
            if count <= n:
                return (np.arange(count) + 0.5) / count
        if n < 2:
            return np.array([0.5])
        grid = np.linspace(0.0, 1.0, n)
        if self.scale == "integer":
            count = int(self.high - self.low) + 1
            grid = (np.round(grid * (count - 1)) + 0.5) / count
        return grid

    def _parameter(self) -> Parameter:
        # Only the range, nominal value and distribution matter to the inverse CDF.
        return Parameter.model_construct(
            name=self.name,
            value=self.nominal,
            low=self.low,
            high=self.high,
            distribution=self.distribution,  # type: ignore[arg-type]
            description="",
            source="",
        )


def parameter_factor(p: Parameter) -> Factor:
    """The factor of an uncertain parameter (upstream unless it belongs to the dynamics)."""
    return Factor(
        name=p.name,
        kind="parameter",
        scale="real",
        low=p.low,
        high=p.high,
        distribution=p.distribution,
        nominal=p.value,
        upstream=p.stage != "dynamics",
    )


def lever_factor(lever: Lever) -> Factor:
    """The factor of a lever."""
    if lever.kind == "categorical":
        return Factor(lever.name, "lever", "categorical", choices=tuple(lever.choices))
    if lever.low is None or lever.high is None:  # the schema refuses this; keep mypy informed
        raise DesignError(f"lever '{lever.name}' has no range")
    return Factor(lever.name, "lever", lever.kind, low=lever.low, high=lever.high)


def select_factors(
    scn: Scenario,
    parameters: str | Sequence[str] = "all",
    levers: str | Sequence[str] = "all",
) -> list[Factor]:
    """The factors a design varies, parameters first (in scenario order), then levers.

    ``parameters`` is ``"all"`` (every parameter with a range), ``"none"``, or names: a full
    parameter name (``dynamics.self_excitation``) or a stage (``dynamics``, ``bargain``).
    ``levers`` is ``"all"``, ``"none"`` or lever names. Unknown names get a did-you-mean.
    """
    uncertain = [p for p in scn.parameters if p.high > p.low]
    stages = sorted({p.stage for p in uncertain})
    chosen: list[Parameter] = []
    for word in _words(parameters):
        if word == "all":
            chosen.extend(uncertain)
        elif word == "none":
            continue
        elif word in stages:
            chosen.extend(p for p in uncertain if p.stage == word)
        else:
            match = [p for p in uncertain if p.name == word]
            if not match:
                fixed = {p.name for p in scn.parameters} - {p.name for p in uncertain}
                if word in fixed:
                    raise DesignError(
                        f"parameter '{word}' has no range (low = high) so a design cannot vary "
                        "it; give it a range in the scenario"
                    )
                names = [p.name for p in uncertain] + stages
                raise DesignError(
                    f"unknown parameter '{word}'{did_you_mean(word, names)}; give a parameter "
                    f"name or a stage ({', '.join(stages)}); 'grudging show --section "
                    "parameters' lists them"
                )
            chosen.extend(match)
    seen: set[str] = set()
    factors: list[Factor] = []
    for p in chosen:
        if p.name not in seen:
            seen.add(p.name)
            factors.append(parameter_factor(p))
    names = [lv.name for lv in scn.levers]
    for word in _words(levers):
        if word == "none":
            continue
        picked = list(scn.levers) if word == "all" else None
        if picked is None:
            if word not in names:
                raise DesignError(
                    f"unknown lever '{word}'{did_you_mean(word, names)}; "
                    + (choices_hint(names) if names else "the scenario declares no levers")
                )
            picked = [scn.lever(word)]
        for lever in picked:
            if lever.name not in seen:
                seen.add(lever.name)
                factors.append(lever_factor(lever))
    return factors


def _words(spec: str | Sequence[str]) -> list[str]:
    items = [spec] if isinstance(spec, str) else list(spec)
    return [w.strip() for item in items for w in str(item).split(",") if w.strip()]


def with_plan_reads(
    scn: Scenario, options: Sequence[str], factors: Sequence[Factor]
) -> list[Factor]:
    """``factors`` with the dynamics parameters that some option's plan reads marked
    ``plan_read`` (they stay downstream: see the module notes).

    An option is checked as it is and under every combination of the design's categorical levers
    (a lever can change who guarantees a bargain, and with it what the plan reads).
    """
    from grudging.options import plan_reads_dynamics
    from grudging.scenario.levers import apply_levers

    categorical = [f for f in factors if f.kind == "lever" and f.categorical]
    levers = [scn.lever(f.name) for f in categorical]
    combos = list(itertools.product(*[f.choices for f in categorical]))
    read: set[str] = set()
    for option_id in options:
        option = scn.option(option_id)
        for combo in combos:
            changed = apply_levers(option, list(zip(levers, combo, strict=True)))
            read.update(plan_reads_dynamics(scn, changed))
    return [replace(f, plan_read=True) if f.name in read and not f.upstream else f for f in factors]

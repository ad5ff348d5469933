"""Experimental designs over a scenario's uncertain parameters and levers.

Four methods, each on the unit hypercube and mapped onto the factors' values
(:class:`~grudging.explore.levers.Factor`):

* ``lhs`` — a Latin hypercube of ``n`` points (McKay, Beckman & Conover 1979), through SALib;
  with ``cross_levers`` the hypercube covers the parameters only and is crossed with the full
  factorial of the levers (every policy meets every sampled state of the world, as EMA Workbench
  crosses scenarios and policies; Kwakkel 2017);
* ``sobol`` — Saltelli's extension of Sobol' sequences for variance-based indices: ``n`` base
  samples give ``n (D + 2)`` points, or ``n (2D + 2)`` with second-order indices (Saltelli 2002;
  Saltelli et al. 2010);
* ``morris`` — ``n`` one-at-a-time trajectories of ``D + 1`` points on a grid of ``num_levels``
  (Morris 1991; Campolongo, Cariboni & Saltelli 2007);
* ``factorial`` — the full factorial of the chosen factors: every choice of a categorical lever,
  every whole number of a short integer range, otherwise ``levels`` evenly spaced levels.

The design is a pure function of its :class:`DesignSpec` and the scenario (the random numbers come
from :func:`grudging.rng.stream` keyed by the spec's seed), so a store can always say how its
points were made.

References
----------
McKay, Beckman & Conover (1979), *Technometrics* 21(2): 239-245. Morris (1991), *Technometrics*
33(2): 161-174. Saltelli (2002), *Computer Physics Communications* 145(2): 280-297. Saltelli et al.
(2010), *Computer Physics Communications* 181(2): 259-270. Campolongo, Cariboni & Saltelli (2007),
*Environmental Modelling & Software* 22(10): 1509-1518. Kwakkel (2017), *Environmental Modelling &
Software* 96: 239-250.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from grudging.errors import DesignError
from grudging.explore.levers import Factor, select_factors
from grudging.rng import MASTER_SEED, stream
from grudging.scenario.schema import Scenario

Method = Literal["lhs", "sobol", "morris", "factorial"]
METHODS: tuple[str, ...] = ("lhs", "sobol", "morris", "factorial")


@dataclass(frozen=True)
class DesignSpec:
    """How a design is made: method, size, seed and the factors it varies (by name)."""

    method: str
    n: int
    seed: int
    factors: tuple[str, ...]
    cross_levers: bool = False
    levels: int = 3
    second_order: bool = False
    num_levels: int = 4

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for the store's metadata)."""
        out = asdict(self)
        out["factors"] = list(self.factors)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DesignSpec:
        """Inverse of :meth:`to_dict`."""
        return cls(**{**data, "factors": tuple(data["factors"])})


@dataclass
class Design:
    """The points of a design: unit coordinates and factor values, one row per point."""

    spec: DesignSpec
    factors: list[Factor]
    unit: np.ndarray = field(repr=False)

    @property
    def points(self) -> int:
        """Number of design points."""
        return int(self.unit.shape[0])

    def values(self) -> pd.DataFrame:
        """One row per point: ``point`` and the value of every factor (text for categorical)."""
        columns: dict[str, Any] = {"point": np.arange(self.points, dtype=np.int64)}
        for j, f in enumerate(self.factors):
            columns[f.name] = f.values(self.unit[:, j])
        return pd.DataFrame(columns)

    def unit_frame(self) -> pd.DataFrame:
        """One row per point: ``point`` and the unit coordinate of every factor."""
        frame = pd.DataFrame(self.unit, columns=[f.name for f in self.factors])
        frame.insert(0, "point", np.arange(self.points, dtype=np.int64))
        return frame

    def __repr__(self) -> str:
        return (
            f"Design(method={self.spec.method!r}, points={self.points}, "
            f"factors={len(self.factors)})"
        )

    def _repr_html_(self) -> str:
        head = self.values().head(10)
        return (
            f"<p><b>{self.spec.method} design</b>: {self.points:,} points over "
            f"{len(self.factors)} factors (seed {self.spec.seed})</p>"
            + head.to_html(index=False, float_format=lambda x: f"{x:,.4g}")
        )


def problem(factors: Sequence[Factor]) -> dict[str, Any]:
    """SALib's problem dictionary on the unit hypercube."""
    return {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [[0.0, 1.0]] * len(factors),
    }


def make_design(
    scn: Scenario | str | Path,
    method: str = "lhs",
    n: int = 100,
    parameters: str | Sequence[str] = "all",
    levers: str | Sequence[str] = "all",
    seed: int = MASTER_SEED,
    cross_levers: bool = False,
    levels: int = 3,
    second_order: bool = False,
    num_levels: int = 4,
) -> Design:
    """A design over the chosen parameters and levers of ``scn``.

    Parameters
    ----------
    scn:
        The scenario whose parameters and levers are the factors (or its name or path).
    method:
        ``lhs``, ``sobol``, ``morris`` or ``factorial``.
    n:
        Points (``lhs``), base samples (``sobol``, a power of two), trajectories (``morris``);
        ignored by ``factorial``.
    parameters, levers:
        Which factors vary (see :func:`grudging.explore.levers.select_factors`).
    seed:
        Seed of the sampler's random numbers.
    cross_levers:
        ``lhs`` only: sample the parameters and cross them with the levers' full factorial.
    levels:
        Levels per real factor in a factorial (and in a crossed lever factorial).
    second_order:
        ``sobol`` only: also estimate second-order indices (``n (2D + 2)`` points).
    num_levels:
        ``morris`` only: grid levels.
    """
    from grudging.machine import MAX_SEED

    if isinstance(scn, str | Path):
        from grudging.scenario import load_scenario

        scn = load_scenario(scn)
    if not isinstance(method, str) or method not in METHODS:
        from grudging.errors import unknown_name

        raise DesignError(unknown_name("design method", str(method), METHODS))
    check_whole(
        n, "n", 0 if method == "factorial" else 1, MAX_FACTORIAL_POINTS
    )  # factorial: unused
    check_whole(seed, "seed", 0, MAX_SEED)
    check_whole(levels, "levels", 1, MAX_LEVELS)  # 1: each real factor at its median
    check_whole(num_levels, "num_levels", 2, MAX_LEVELS)
    for name, flag in (("cross_levers", cross_levers), ("second_order", second_order)):
        if not isinstance(flag, bool | np.bool_):
            raise DesignError(f"{name} = {flag!r}: give True or False")
    if second_order and method != "sobol":
        raise DesignError(f"second_order works with a sobol design, not {method}; leave it out")
    for name, words in (("parameters", parameters), ("levers", levers)):
        if not isinstance(words, str) and not (
            isinstance(words, Sequence) and all(isinstance(w, str) for w in words)
        ):
            raise DesignError(
                f"{name} = {words!r:.60}: give 'all', 'none', a stage or names (a list of them)"
            )
    factors = select_factors(scn, parameters, levers)
    if not factors:
        raise DesignError(
            "the design varies nothing: choose parameters (--parameters all|STAGE|NAME) or "
            "levers (--levers all|NAME)"
        )
    d = len(factors)
    points = {"lhs": n, "sobol": n * (2 * d + 2 if second_order else d + 2), "morris": n * (d + 1)}
    if points.get(method, 0) > MAX_FACTORIAL_POINTS:
        raise DesignError(
            f"n = {n:,}: a {method} design of {d} factors would have {points[method]:,} points "
            f"(at most {MAX_FACTORIAL_POINTS:,}); give a smaller n"
        )
    spec = DesignSpec(
        method=method,
        n=int(n),
        seed=int(seed),
        factors=tuple(f.name for f in factors),
        cross_levers=bool(cross_levers),
        levels=int(levels),
        second_order=bool(second_order),
        num_levels=int(num_levels),
    )
    return build(spec, factors)


def check_morris_levels(levels: int) -> None:
    """Refuse a Morris grid of an odd number of levels, or fewer than two."""
    if levels < 2 or levels % 2:
        raise DesignError(
            f"--num-levels {levels}: a Morris grid needs an even number of levels, at least 2 "
            "(e.g. 4): with an odd number the levels are not drawn equally often and the sample "
            "is biased (Morris 1991)"
        )


def check_saltelli_n(n: int, shown: str = "n = ") -> None:
    """Refuse a Saltelli base sample that is not a power of two (``shown`` names it)."""
    if n & (n - 1):
        raise DesignError(
            f"{shown}{n}: Saltelli's sampling needs a power of two (Sobol' sequences keep their "
            f"balance only then); use {1 << max(n.bit_length() - 1, 0)} or {1 << n.bit_length()}"
        )


def build(spec: DesignSpec, factors: list[Factor]) -> Design:
    """The design of ``spec`` over ``factors`` (in the spec's order)."""
    method, n = spec.method, spec.n
    if method != "factorial" and n < 1:
        raise DesignError(f"n = {n}: a {method} design needs at least one point (-n 1 or more)")
    rng = stream(spec.seed, "design", method)
    if method == "lhs" and spec.cross_levers:
        params = [f for f in factors if f.kind == "parameter"]
        levers = [f for f in factors if f.kind == "lever"]
        if not levers:
            raise DesignError("--cross-levers needs levers to cross with (--levers all|NAME)")
        scenarios = _latin(params, n, rng) if params else np.zeros((1, 0))
        policies = _factorial(levers, spec.levels)
        unit = np.hstack(
            [
                np.tile(scenarios, (policies.shape[0], 1)),
                np.repeat(policies, scenarios.shape[0], axis=0),
            ]
        )
        order = [f.name for f in params] + [f.name for f in levers]
        index = [order.index(f.name) for f in factors]
        return Design(spec, factors, unit[:, index])
    if spec.cross_levers:
        raise DesignError(f"--cross-levers works with an lhs design, not {method}")
    if method == "lhs":
        unit = _latin(factors, n, rng)
    elif method == "sobol":
        check_saltelli_n(n)
        from SALib.sample import sobol

        unit = sobol.sample(
            problem(factors), n, calc_second_order=spec.second_order, scramble=True, seed=rng
        )
    elif method == "morris":
        if len(factors) < 2:
            raise DesignError("a Morris design needs at least two factors")
        check_morris_levels(spec.num_levels)
        from SALib.sample import morris

        unit = morris.sample(problem(factors), n, num_levels=spec.num_levels, seed=rng)
    else:
        unit = _factorial(factors, spec.levels)
    return Design(spec, factors, np.asarray(unit, dtype=float))


def _latin(factors: Sequence[Factor], n: int, rng: np.random.Generator) -> np.ndarray:
    from SALib.sample import latin

    return np.asarray(latin.sample(problem(factors), n, seed=rng), dtype=float)


def _factorial(factors: Sequence[Factor], levels: int) -> np.ndarray:
    check_factorial_size(math.prod(f.level_count(levels) for f in factors), len(factors), levels)
    grids = [f.levels(levels) for f in factors]
    return np.array(list(itertools.product(*grids)), dtype=float).reshape(-1, len(factors))


#: Most points a design may have (a full factorial beyond it: sample with lhs, sobol or morris).
MAX_FACTORIAL_POINTS = 10_000_000

#: Most levels a factorial (``levels``) or a Morris grid (``num_levels``) may have.
MAX_LEVELS = 1000


def check_whole(value: Any, name: str, least: int, most: int) -> None:
    """Refuse ``value`` unless it is a whole number from ``least`` to ``most`` (a design's or a
    sweep's count, seed or size)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or not least <= value <= most
    ):
        raise DesignError(f"{name} = {value!r}: give a whole number from {least:,} to {most:,}")


def check_factorial_size(points: int, factors: int, levels: int) -> None:
    """Refuse a full factorial of more than :data:`MAX_FACTORIAL_POINTS` points."""
    if points > MAX_FACTORIAL_POINTS:
        shown = f"{points:,}" if points < 10**15 else f"about 10^{len(str(points)) - 1}"
        raise DesignError(
            f"a full factorial of {factors} factors at --levels {levels} has {shown} points "
            f"(at most {MAX_FACTORIAL_POINTS:,}); use fewer factors (--parameters, --levers) or "
            "levels, or sample the space with --method lhs, sobol or morris"
        )


def design_size(method: str, n: int, factors: int, second_order: bool = False) -> int:
    """Number of points a sampler makes (factorial sizes depend on the factors: build it)."""
    if method == "lhs":
        return n
    if method == "sobol":
        return n * (2 * factors + 2 if second_order else factors + 2)
    if method == "morris":
        return n * (factors + 1)
    raise DesignError(f"design_size: use build() for a {method} design")

"""P(deal) across the uncertain bargaining parameters, and which of them decide it.

``grudging run`` draws the ``bargain.*`` parameters once per replication (a Latin hypercube on the
stream ``(seed, "parameters", "bargain")``, :func:`grudging.kernel.parameter_draws`). This module
takes the same draws, runs the vectorised bargain (:func:`~grudging.model.bargain.draws.bargain_draws`)
under each guarantor at every draw, and apportions the spread of P(deal) among the parameters with
first-order Sobol' indices estimated from those same draws (EASI, Plischke 2010: no extra model runs
beyond the draws themselves).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grudging.errors import ParameterError
from grudging.scenario.schema import Scenario

#: Fewest parameter draws for which the indices are estimated (the spectrum needs many more points
#: than harmonics; below this the spread is still reported).
MIN_DRAWS_FOR_INDICES = 64


@dataclass(frozen=True)
class Driver:
    """One parameter's first-order index for P(deal): the share of its variance it explains alone."""

    parameter: str
    s1: float


@dataclass(frozen=True)
class DealSpread:
    """P(deal) and P(deal holds) under one guarantor at each parameter draw."""

    guarantor: str
    p_deal: np.ndarray
    p_deal_holds: np.ndarray
    drivers: tuple[Driver, ...]

    def quantiles(self, values: np.ndarray) -> dict[str, float]:
        """Mean, median and the 5 % and 95 % quantiles over the draws."""
        lo, mid, hi = np.quantile(values, [0.05, 0.5, 0.95])
        return {
            "mean": float(values.mean()),
            "median": float(mid),
            "p5": float(lo),
            "p95": float(hi),
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "guarantor": self.guarantor,
            "draws": int(self.p_deal.size),
            "p_deal": self.quantiles(self.p_deal),
            "p_deal_holds": self.quantiles(self.p_deal_holds),
            "drivers": [{"parameter": d.parameter, "s1": d.s1} for d in self.drivers],
        }


def deal_spread(
    scn: Scenario,
    guarantors: Sequence[Any],
    aid_musd: float | None,
    seed: int,
    draws: int,
    coding_draws: int = 500,
    spoilers: Iterable[str] = (),
) -> list[DealSpread]:
    """The bargain at ``draws`` draws of the uncertain ``bargain.*`` parameters, per guarantor.

    ``guarantors`` are kinds (each draw's own ``strength_<kind>``, ``impartiality_<kind>`` and
    ``years_<kind>``) or :class:`~grudging.model.bargain.Guarantor` objects held fixed. The coding
    draws are common to every parameter draw and guarantor (stream ``(seed, "bargain")``, as in
    ``grudging bargain``). Parameters fixed with ``--set`` have no range and are not drawn; with
    none left uncertain, the spread is the one nominal bargain.
    """
    from grudging.kernel import hypercube, uncertain
    from grudging.model.bargain import BargainParams
    from grudging.model.bargain.draws import bargain_draws
    from grudging.model.parameters import stage_parameters
    from grudging.model.sampling import latin_hypercube
    from grudging.rng import stream

    if draws < 2:
        raise ParameterError(f"--uncertainty {draws}: at least 2 parameter draws are needed (or 0)")
    drawn = latin_hypercube(hypercube(scn, "bargain"), draws, stream(seed, "parameters", "bargain"))
    values = {**scn.parameter_values(), **drawn}
    params = stage_parameters(BargainParams, values, "bargain")  # scalars if nothing is drawn
    names = [p.name for p in uncertain(scn, "bargain")]
    x = np.column_stack([drawn[n] for n in names]) if names else np.empty((draws, 0))
    out = []
    for g in guarantors:
        result = bargain_draws(
            scn, g, aid_musd, params, stream(seed, "bargain"), coding_draws, spoilers=spoilers
        )
        kind = g if isinstance(g, str) else g.kind
        out.append(
            DealSpread(
                guarantor=kind,
                p_deal=result.p_deal,
                p_deal_holds=result.p_deal_holds,
                drivers=_drivers(names, x, result.p_deal),
            )
        )
    return out


def _drivers(names: list[str], x: np.ndarray, y: np.ndarray) -> tuple[Driver, ...]:
    """First-order indices of ``y`` over the columns of ``x``, largest first (none if ``y`` is flat
    or the draws are too few)."""
    if not names or y.size < MIN_DRAWS_FOR_INDICES or np.ptp(y) == 0:
        return ()
    s1 = first_order_indices(x, y)
    order = np.argsort(-s1, kind="stable")
    return tuple(Driver(names[i], float(s1[i])) for i in order)


def first_order_indices(x: np.ndarray, y: np.ndarray, harmonics: int = 6) -> np.ndarray:
    """First-order Sobol' indices of ``y`` (N,) for each column of ``x`` (N, k), from given data.

    EASI (Plischke 2010, *Reliability Engineering & System Safety* 95(4): 354-360): order the
    outputs by each input along a triangle-shaped search curve (odd ranks up, even ranks down), so
    that the reordered series is periodic in that input; the share of its spectral power in the
    first ``harmonics`` frequencies is the share of variance that input explains alone. The bias
    correction for the remaining harmonics' noise is Tissot & Prieur (2012), *RESS* 107: 205-213.
    """
    n = y.size
    ranks = np.argsort(x, axis=0, kind="stable")  # (N, k): row order by each input
    curve = np.concatenate([ranks[0::2], ranks[1::2][::-1]])  # up the odd ranks, down the even
    series = y[curve].T  # (k, N)
    power = np.abs(np.fft.rfft(series - series.mean(axis=1, keepdims=True), axis=1)) ** 2
    total = power[:, 1:].sum(axis=1)
    raw = power[:, 1 : harmonics + 1].sum(axis=1) / np.where(total > 0, total, 1.0)
    share = 2.0 * harmonics / n
    return np.asarray(raw - share / (1.0 - share) * (1.0 - raw), dtype=float)

"""Statistics of the phenomena Epstein reports: outbursts, extinction, safe havens.

References
----------
Epstein, J. M. (2002). Modeling civil violence: An agent-based computational approach. PNAS 99
(suppl. 3), 7243-7250. doi:10.1073/pnas.092080199. Model I: "punctuated equilibrium" (Figs. 3-5);
Model II: "local ethnic cleansing to genocide" (Fig. 13), "safe havens emerge under peacekeeping"
(Fig. 14), waiting time to extinction against initial cop density (Figs. 15-17).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from grudging.abm.config import Vision
from grudging.abm.lattice import Lattice
from grudging.abm.model2 import BLUE_ACTIVE, BLUE_QUIET, GREEN_ACTIVE, GREEN_QUIET, PEACEKEEPER


@dataclass(frozen=True)
class Outbursts:
    """Episodes of mass activity in an active-count series.

    Attributes
    ----------
    starts, peaks
        Step at which each outburst began and its peak active count.
    waiting_times
        Steps from the end of one outburst to the start of the next.
    calm_share
        Share of steps with at most ``calm`` of the population active.
    excess_kurtosis
        Excess kurtosis of the series (0 for a normal series; large for rare, tall bursts).
    """

    starts: NDArray[np.int64]
    peaks: NDArray[np.int64]
    waiting_times: NDArray[np.int64]
    calm_share: float
    excess_kurtosis: float

    @property
    def count(self) -> int:
        """Number of outbursts."""
        return int(self.starts.size)


def outbursts(
    active: NDArray[np.integer],
    population: int,
    *,
    level: float = 0.05,
    calm: float = 0.01,
    burn_in: int = 0,
) -> Outbursts:
    """Find outbursts: runs of steps with more than ``level * population`` agents active.

    An outburst ends when activity falls back to ``calm * population`` or below, so one noisy
    episode is not split in two (hysteresis). ``burn_in`` steps at the start are ignored.
    """
    series = np.asarray(active, dtype=np.float64)[burn_in:]
    high, low = level * population, calm * population
    starts: list[int] = []
    ends: list[int] = []
    peaks: list[int] = []
    inside = False
    for t, value in enumerate(series.tolist()):
        if not inside and value > high:
            inside = True
            starts.append(t + burn_in)
            peaks.append(int(value))
        elif inside:
            peaks[-1] = max(peaks[-1], int(value))
            if value <= low:
                inside = False
                ends.append(t + burn_in)
    waits = [s - e for e, s in zip(ends, starts[1:], strict=False)]
    centred = series - series.mean()
    var = float(np.mean(centred**2))
    kurt = float(np.mean(centred**4) / var**2 - 3.0) if var > 0 else 0.0
    return Outbursts(
        starts=np.asarray(starts, dtype=np.int64),
        peaks=np.asarray(peaks, dtype=np.int64),
        waiting_times=np.asarray(waits, dtype=np.int64),
        calm_share=float(np.mean(series <= low)) if series.size else 1.0,
        excess_kurtosis=kurt,
    )


@dataclass(frozen=True)
class SafeHavens:
    """How much more the weaker group clusters near peacekeepers than the stronger one.

    Attributes
    ----------
    weaker, stronger
        Names of the groups (``"blue"``/``"green"``), by the number of free agents in the frame.
    weaker_near, stronger_near
        Share of each group's free agents within ``radius`` (Chebyshev) of a peacekeeper.
    cells_near
        Share of all cells within ``radius`` of a peacekeeper (what a group spread at random
        would show).
    """

    weaker: str
    stronger: str
    weaker_near: float
    stronger_near: float
    cells_near: float

    @property
    def ratio(self) -> float:
        """``weaker_near / cells_near``: above 1 when the weaker group huddles by peacekeepers."""
        return self.weaker_near / self.cells_near if self.cells_near > 0 else float("nan")


def safe_havens(codes: NDArray[np.integer], radius: int = 2) -> SafeHavens:
    """Measure safe havens in one Model II snapshot (``grid_codes``)."""
    grid = np.asarray(codes)
    h, w = grid.shape
    flat = grid.reshape(-1)
    keepers = flat == PEACEKEEPER
    near = keepers.copy()
    if keepers.any():
        near |= Lattice(h, w, Vision("moore", float(radius))).count(keepers) > 0
    blue = (flat == BLUE_QUIET) | (flat == BLUE_ACTIVE)
    green = (flat == GREEN_QUIET) | (flat == GREEN_ACTIVE)
    nb, ng = int(blue.sum()), int(green.sum())
    share_b = float(near[blue].mean()) if nb else float("nan")
    share_g = float(near[green].mean()) if ng else float("nan")
    cells_near = float(near[~keepers].mean())
    if nb <= ng:
        return SafeHavens("blue", "green", share_b, share_g, cells_near)
    return SafeHavens("green", "blue", share_g, share_b, cells_near)

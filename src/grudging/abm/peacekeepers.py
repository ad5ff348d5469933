"""Peacekeeper behaviours for Model II: reactive, patrol and interposition, and target salience.

A behaviour is three independent choices, so that their effects can be separated:

=============  ===========================  ==========================  ===============
behaviour      when it arrests              how it moves                shields cells
=============  ===========================  ==========================  ===============
reactive       after the violence of a      a random empty cell in      no
               step (Epstein's cops)        vision (Epstein's rule M)
patrol         before the violence          towards activity within     no
               (pre-emptive)                ``sensing_radius``
interpose      after the violence           towards the contested       yes: no killing
                                            frontier within             in a cell next to
                                            ``sensing_radius``          the peacekeeper
=============  ===========================  ==========================  ===============

Steering is a greedy climb: a peacekeeper looks at the empty cells in its vision (and its own) and
takes the one with the highest score, ties broken at random; with nothing to steer towards it
wanders as a reactive one does. The *activity* score is the number of active agents and fresh
killing sites within ``sensing_radius``; the *frontier* score is ``min(blues, greens)`` within
``sensing_radius`` divided by ``1 +`` the peacekeepers already there, so a force spreads along the
line between the groups instead of piling up at one point.

Target salience (``PeacekeeperConfig.salience``) makes the force a party: see the grievance and
attack terms in :mod:`grudging.abm.model2`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from grudging.abm.lattice import BoolArray, IntArray, Lattice

Steering = Literal["random", "activity", "frontier"]


@dataclass(frozen=True)
class Behaviour:
    """The three parts of a peacekeeper behaviour (see the module table)."""

    name: str
    pre_emptive: bool
    steering: Steering
    shields: bool


BEHAVIOUR_TABLE: dict[str, Behaviour] = {
    "reactive": Behaviour("reactive", pre_emptive=False, steering="random", shields=False),
    "patrol": Behaviour("patrol", pre_emptive=True, steering="activity", shields=False),
    "interpose": Behaviour("interpose", pre_emptive=False, steering="frontier", shields=True),
}


def behaviour(name: str) -> Behaviour:
    """The :class:`Behaviour` called ``name`` (validated by the config before it gets here)."""
    return BEHAVIOUR_TABLE[name]


def steering_scores(
    steering: Steering,
    sensing: Lattice,
    *,
    activity: BoolArray,
    blue: BoolArray,
    green: BoolArray,
    keepers: BoolArray,
) -> NDArray[np.float64] | None:
    """The score of every cell for a steering rule; ``None`` for random movement."""
    if steering == "random":
        return None
    if steering == "activity":
        return (sensing.count(activity) + activity).astype(np.float64)
    blues, greens, others = sensing.count_many(blue, green, keepers)
    contested = np.minimum(blues + blue, greens + green).astype(np.float64)
    return contested / (1.0 + others)


def steer(
    vision: Lattice,
    positions: IntArray,
    scores: NDArray[np.float64],
    occupied: BoolArray,
    rng: np.random.Generator,
) -> IntArray:
    """For each peacekeeper, the best empty cell in vision (or its own), ties broken at random.

    Returns ``-1`` where the best score is 0 (nothing to steer towards) or where staying put is
    best, so the caller can fall back to a random move or keep the position.
    """
    n = positions.size
    target = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return target
    around = vision.neighbours(positions)
    candidate_scores = np.where(occupied[around], -np.inf, scores[around])
    own = scores[positions]
    jitter = rng.random(candidate_scores.shape) * 1e-6
    best = np.argmax(candidate_scores + jitter, axis=1)
    best_score = candidate_scores[np.arange(n), best]
    move = (best_score > own) & (best_score > 0)
    target[move] = around[move, best[move]]
    return target


def near_mask(lattice: Lattice, marks: BoolArray) -> BoolArray:
    """Cells that are marked or have a marked cell within the lattice's neighbourhood."""
    return np.asarray(marks, dtype=bool) | (lattice.count(marks) > 0)

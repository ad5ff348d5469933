"""Rung 1 of the ladder: the compromise model (capability x salience weighted mean per issue).

The outcome on each issue is the mean of the actors' positions weighted by capability times
salience. Simple as it is, it predicted the outcomes of EU legislative bargaining as well as, or
better than, the procedural and strategic models it was tested against (Thomson, Stokman, Achen &
Koenig 2006, *The European Union Decides*, Cambridge University Press); it is also the
"weighted mean position" with which Bueno de Mesquita starts his forecasts (*The Predictioneer's
Game*, 2009, appendix I).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def compromise_positions(
    positions: FloatArray, salience: FloatArray, capability: FloatArray
) -> FloatArray:
    """Capability x salience weighted mean of positions, per issue.

    Parameters
    ----------
    positions, salience
        (..., n, d): positions and saliences of n actors on d issues (any leading batch axes).
    capability
        (..., n): capabilities.

    Returns
    -------
    (..., d) weighted mean per issue. An issue no one cares about (all weights 0) gets the
    unweighted mean.
    """
    weights = capability[..., :, None] * salience
    total = weights.sum(axis=-2)
    weighted = (weights * positions).sum(axis=-2)
    plain = positions.mean(axis=-2)
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, weighted / safe, plain)


def others_compromise(
    positions: FloatArray, salience: FloatArray, capability: FloatArray
) -> FloatArray:
    """For each actor, the compromise of all the *other* actors (what they would impose).

    Returns (..., n, d); an actor alone (n = 1) gets its own positions.
    """
    weights = capability[..., :, None] * salience
    total = weights.sum(axis=-2, keepdims=True)
    weighted = (weights * positions).sum(axis=-2, keepdims=True)
    rest = total - weights
    rest_weighted = weighted - weights * positions
    safe = np.where(rest > 1e-15, rest, 1.0)
    return np.where(rest > 1e-15, rest_weighted / safe, positions)

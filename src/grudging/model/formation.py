"""When a deal forms: signatories holding a quorum of the armed capability (issue 16, item 3).

One rule for the bargaining stage and the dynamics alike (``docs/design-notes/partial-deals.md``):
each faction signs or not on its own, and a deal forms among the signatories when they hold at
least the share ``quorum`` of the capability of the factions that could sign (spoilers never
do: Stedman 1997). Holdouts fight on. A deal with one faction (a cease-fire) is the same rule;
quorum 0 is independent signing, quorum 1 needs every non-spoiler. Partial agreements that leave
some armed groups outside are common (Harbom, Högbladh & Wallensteen 2006, *Journal of Peace
Research* 43(5); Nilsson 2008, *JPR* 45(4)).

The rule is monotone: a signatory set that forms still forms with any faction added.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

BoolArray = NDArray[np.bool_]

#: Tolerance on the quorum (a share equal to the quorum forms despite rounding).
QUORUM_TOLERANCE = 1e-12


def quorum_reached(signed: Any, capability: Any, spoiler: Any, quorum: Any) -> BoolArray:
    """Whether a deal forms, over the last axis (factions).

    Parameters
    ----------
    signed
        (..., F) bool: the faction signs.
    capability
        (..., F) capability (broadcast against ``signed``).
    spoiler
        (F,) bool: never signs and does not count in the quorum's base.
    quorum
        Share in [0, 1] of the non-spoilers' capability the signatories must hold; a scalar or an
        array broadcast against ``signed[..., 0]``.

    Returns
    -------
    (...) bool: at least one non-spoiler signs and the signatories hold the quorum.
    """
    eligible = ~np.asarray(spoiler, dtype=bool)
    ours = np.asarray(signed, dtype=bool) & eligible
    cap = np.where(eligible, np.asarray(capability, dtype=float), 0.0)
    total = cap.sum(axis=-1)
    held = np.where(ours, cap, 0.0).sum(axis=-1)
    safe = np.where(total > 0, total, 1.0)
    share = held / safe
    forms = (total > 0) & ours.any(axis=-1) & (share >= np.asarray(quorum) - QUORUM_TOLERANCE)
    result: BoolArray = np.asarray(forms, dtype=bool)
    return result

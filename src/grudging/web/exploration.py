"""What the Exploration view reads from a sweep store, through :mod:`grudging.explore`.

Sensitivity indices come from :func:`grudging.explore.indices` (as bars:
:func:`grudging.report.sweep.indices`) and PRIM's boxes from :func:`grudging.explore.discover`,
whose trajectory and default step the view shows. ``discover`` gives the box's limits at its chosen
step only; to let the user step through the trajectory, :func:`prim_steps` replays the first box's
peeling with the same cases and settings (PRIM is deterministic, and the replay is checked against
``discover``'s trajectory) and keeps the limits at every step.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from grudging.errors import DesignError, GrudgingError

#: PRIM settings, as :func:`grudging.explore.discover` uses them by default.
PRIM_THRESHOLD = 0.8
PRIM_MASS_MIN = 0.05
PRIM_PEEL_ALPHA = 0.05


@dataclass(frozen=True)
class StoreSummary:
    """What a store holds, in plain data."""

    scenario_id: str
    scenario_hash: str
    method: str
    points: int
    replications: int
    options: list[str]
    outcomes: list[str]
    factors: list[str]
    complete: bool
    runs: int
    failed: int


def summarize(path: Path) -> StoreSummary:
    """The store's design, options, outcomes and completeness."""
    from grudging.results.store import open_store

    with open_store(path) as store:
        meta = store.meta
        counts = store.counts()
        return StoreSummary(
            scenario_id=str(meta["scenario_id"]),
            scenario_hash=str(meta["scenario_hash"]),
            method=str(meta["design"]["method"]),
            points=len(store.points()),
            replications=int(meta["replications"]),
            options=list(meta["options"]),
            outcomes=store.outcome_names(),
            factors=[f["name"] for f in meta["factors"]],
            complete=counts["stored"] == counts["total"],
            runs=counts["stored"],
            failed=counts["failed"],
        )


@dataclass(frozen=True)
class PrimSteps:
    """The first PRIM box's peeling: one row per step, and the box's limits at every step."""

    question: str
    cases: int
    points: int
    trajectory: pd.DataFrame
    limits: list[pd.DataFrame]
    chosen: int


def prim_steps(
    path: Path,
    outcome: str,
    option: str | None,
    baseline: str | None,
    worse_than: float | None,
    statistic: str = "mean",
) -> PrimSteps:
    """PRIM's first box: the trajectory and chosen step from :func:`grudging.explore.discover`,
    and the box's limits at every step (from a replay of the same peeling)."""
    from grudging.explore.discovery import cases_of_interest, discover
    from grudging.results.store import open_store

    found = discover(
        path,
        outcome,
        option=option,
        baseline=baseline,
        worse_than=worse_than,
        statistic=statistic,
        threshold=PRIM_THRESHOLD,
        boxes=1,
        mass_min=PRIM_MASS_MIN,
        peel_alpha=PRIM_PEEL_ALPHA,
    )
    if found.trajectory.empty:
        raise DesignError(f"{found.question}: PRIM finds no box")
    trajectory = found.trajectory[found.trajectory["box"] == 1].reset_index(drop=True)
    chosen = int(trajectory.index[trajectory["chosen"]][0])
    with open_store(path) as store:
        x, y, _ = cases_of_interest(store, outcome, option, baseline, worse_than, statistic)
    x = x.drop(columns=[c for c in x.columns if x[c].nunique() < 2])
    import logging

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("EMA").setLevel(logging.WARNING)
        from ema_workbench.analysis import prim

        box = prim.Prim(
            x, y, threshold=PRIM_THRESHOLD, mass_min=PRIM_MASS_MIN, peel_alpha=PRIM_PEEL_ALPHA
        ).find_box()
        if box is None or len(box.peeling_trajectory) != len(trajectory):
            raise GrudgingError("PRIM's replay differs from grudging.explore.discover; report it")
        limits = [_step_limits(box, step, x) for step in range(len(trajectory))]
    view = trajectory[["coverage", "density", "mass", "res_dim"]].rename(
        columns={"res_dim": "restricted"}
    )
    view.insert(0, "step", range(len(view)))
    return PrimSteps(found.question, found.cases, found.points, view, limits, chosen)


def _step_limits(box: Any, step: int, x: pd.DataFrame) -> pd.DataFrame:
    """The factors the box restricts at ``step``: low, high (or the categories kept), full range."""
    table = box.inspect(step, style="data")[0][1]
    rows = []
    for name in table.index:
        values = table.loc[name].tolist()
        low, high, qp_low, qp_high = values[0], values[1], values[2], values[3]
        if isinstance(low, set | frozenset):
            kept = ", ".join(sorted(str(v) for v in low))
            rows.append(
                {
                    "factor": name,
                    "restriction": f"in {{{kept}}}",
                    "full range": ", ".join(sorted(str(v) for v in x[name].unique())),
                    "quasi-p": _p(qp_low, qp_high),
                }
            )
            continue
        full_low, full_high = float(x[name].min()), float(x[name].max())
        low, high = float(low), float(high)
        if low > full_low and high < full_high:
            text = f"{low:.4g} to {high:.4g}"
        elif low > full_low:
            text = f"≥ {low:.4g}"
        else:
            text = f"≤ {high:.4g}"
        rows.append(
            {
                "factor": name,
                "restriction": text,
                "full range": f"{full_low:.4g} – {full_high:.4g}",
                "quasi-p": _p(qp_low, qp_high),
            }
        )
    return pd.DataFrame(rows, columns=["factor", "restriction", "full range", "quasi-p"])


def _p(*values: Any) -> float | None:
    found = []
    for v in values:
        try:
            number = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(number) and number >= 0:
            found.append(number)
    return min(found) if found else None


def check_store_path(path: Path) -> Path:
    """Refuse something that is not a DuckDB store file before DuckDB opens it."""
    if not path.is_file():
        raise GrudgingError(f"{path.name}: no such store")
    with path.open("rb") as fh:
        head = fh.read(16)
    if b"DUCK" not in head:
        raise GrudgingError(f"{path.name}: not a DuckDB store (written by 'grudging sweep')")
    return path

"""Scenario discovery: in which region of the assumption space does an option fail?

Each design point is a case of interest when, at that point, the option does worse than a baseline
option (paired, common random numbers) or worse than a satisficing threshold. PRIM — the Patient
Rule Induction Method, as implemented in EMA Workbench (``ema_workbench.analysis.prim``) — peels
the space of factors down to boxes that hold many cases of interest (coverage: the share of all
cases inside the box) at a high concentration (density: the share of the box's points that are
cases). The whole peeling trajectory is reported, and for each box a default choice on it: among
the steps whose density reaches the threshold, the one with the largest coverage x density (the
analyst may prefer another step of the trajectory). Quasi-p values say
whether each restriction of the box is more than chance (Bryant & Lempert 2010).

References
----------
Friedman & Fisher (1999), Bump hunting in high-dimensional data, *Statistics and Computing* 9(2):
123-143. Bryant & Lempert (2010), Thinking inside the box, *Technological Forecasting and Social
Change* 77(1): 34-49. Kwakkel (2017), The Exploratory Modeling Workbench, *Environmental Modelling
& Software* 96: 239-250.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from grudging.errors import DesignError, unknown_name
from grudging.explore.indices import choose_option
from grudging.results.store import Store, reading


class NothingToFind(DesignError):
    """The question holds at every design point, or at none: an answer, with no box to find."""

    def __init__(self, message: str, question: str, cases: int, points: int) -> None:
        super().__init__(message)
        self.question, self.cases, self.points = question, cases, points


@dataclass
class Discovery:
    """PRIM's boxes: where the cases of interest concentrate, with coverage and density."""

    question: str
    cases: int
    points: int
    threshold: float
    boxes: pd.DataFrame
    limits: pd.DataFrame
    trajectory: pd.DataFrame

    def __str__(self) -> str:
        lines = [f"{self.question}: {self.cases:,} of {self.points:,} design points"]
        if self.boxes.empty:
            lines.append(f"no box reaches a density of {self.threshold:.0%}")
        for _, box in self.boxes.iterrows():
            lines.append(
                f"box {box['box']}: coverage {box['coverage']:.0%}, density {box['density']:.0%}, "
                f"mass {box['mass']:.0%} — {box['description']}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return (
            f"<p><b>{self.question}</b>: {self.cases:,} of {self.points:,} design points</p>"
            + self.boxes.to_html(index=False, float_format=lambda x: f"{x:.3g}")
            + self.limits.to_html(index=False, float_format=lambda x: f"{x:.4g}")
        )


def cases_of_interest(
    store: Store,
    outcome: str,
    option: str | None,
    baseline: str | None,
    worse_than: float | None,
    statistic: str,
) -> tuple[pd.DataFrame, np.ndarray, str]:
    """The design's factor values (one row per point) and whether each point is a case."""
    from grudging.model.outcomes import OUTCOMES

    options = store.meta["options"]
    option = choose_option(options, option)
    if (baseline is None) == (worse_than is None):
        raise DesignError(
            "say what failing means: --baseline OPTION (the option does worse than another at "
            "the same point) or --worse-than VALUE (a satisficing threshold)"
            + (", not both" if baseline is not None else "")
        )
    if baseline is not None and baseline not in options:
        raise DesignError(f"--baseline {baseline}: {unknown_name('option', baseline, options)}")
    if baseline == option:
        raise DesignError(
            f"--baseline {baseline}: the baseline is the option itself; compare it with another "
            f"option ({', '.join(o for o in options if o != option)})"
        )
    wanted = [option] + ([baseline] if baseline else [])
    frame = store.per_point(outcome, statistic, wanted)
    wide = frame.pivot(index="point", columns="option", values="value").sort_index()
    failed = frame.groupby("point")["failed"].sum().reindex(wide.index)
    usable = wide.notna().all(axis=1) & (failed == 0)
    wide = wide[usable]
    minimize = OUTCOMES[outcome].direction == "minimize"
    mine = wide[option].to_numpy(dtype=float)
    if baseline is not None:
        other = wide[baseline].to_numpy(dtype=float)
        worse = mine > other if minimize else mine < other
        question = f"{option} worse than {baseline} on {outcome} ({statistic})"
    else:
        assert worse_than is not None
        worse = mine > worse_than if minimize else mine < worse_than
        question = (
            f"{option} {'above' if minimize else 'below'} {worse_than:g} on {outcome} ({statistic})"
        )
    points = store.points().set_index("point").loc[wide.index]
    names = [f["name"] for f in store.meta["factors"]]
    x = points[names].reset_index(drop=True)
    for column in x.columns:
        if x[column].dtype == object:
            x[column] = x[column].astype(str)
    return x, worse.astype(int), question


def check_prim_arguments(
    threshold: Any,
    boxes: Any,
    mass_min: Any,
    peel_alpha: Any,
    worse_than: Any = None,
    flags: bool = False,
) -> None:
    """Refuse PRIM settings no box search can have, naming each as the caller's face does
    (``--mass-min`` at the command line with ``flags``, ``mass_min =`` in Python)."""
    import math
    import numbers

    def name(key: str) -> str:
        return f"--{key.replace('_', '-')}" if flags else f"{key} ="

    def share(key: str, value: Any, top_included: bool, what: str, example: str) -> None:
        real = isinstance(value, numbers.Real) and not isinstance(value, bool)
        inside = real and (0 < value <= 1 if top_included else 0 < value < 1)  # NaN fails
        if not inside:
            top = "at most 1" if top_included else "below 1"
            shown = f"{value:g}" if real else repr(value)
            raise DesignError(
                f"{name(key)} {shown}: {what}; give a value above 0 and {top} (e.g. {example})"
            )

    share("threshold", threshold, True, "a box's density is a share of its points", "0.8")
    if isinstance(boxes, bool) or not isinstance(boxes, int) or boxes < 1:
        raise DesignError(f"{name('boxes')} {boxes!r}: look for at least 1 box (a whole number)")
    share("mass_min", mass_min, False, "the smallest box is a share of the points", "0.05")
    share("peel_alpha", peel_alpha, False, "a peeling step is a share of the points", "0.05")
    if worse_than is not None and not (
        isinstance(worse_than, numbers.Real) and math.isfinite(worse_than)
    ):
        raise DesignError(
            f"{name('worse_than')} {worse_than!r}: give a finite value of the outcome"
        )


def discover(
    store: str | Path | Store,
    outcome: str,
    option: str | None = None,
    baseline: str | None = None,
    worse_than: float | None = None,
    statistic: str = "mean",
    threshold: float = 0.8,
    boxes: int = 2,
    mass_min: float = 0.05,
    peel_alpha: float = 0.05,
    factors: Sequence[str] | None = None,
) -> Discovery:
    """PRIM boxes of the design points where ``option`` fails on ``outcome``.

    Parameters
    ----------
    store:
        A store path or an open store.
    outcome:
        A scalar outcome; its direction (minimize/maximize) says what "worse" means.
    option:
        The option whose failures are sought (default: the store's only option).
    baseline:
        Failing means doing worse than this option at the same point.
    worse_than:
        Failing means an outcome beyond this value (instead of a baseline).
    statistic:
        Over replications: ``mean``, ``median`` or ``pNN``.
    threshold:
        Density a box must reach (PRIM's ``threshold``).
    boxes:
        Boxes to look for, one after the other (covering).
    mass_min, peel_alpha:
        PRIM's smallest box (share of points) and peeling step.
    factors:
        Restrict the boxes to these factors (e.g. the most influential ones from
        :func:`~grudging.explore.indices.sensitivity`); default: every factor of the design.
        Fewer dimensions give boxes that are easier to read and less prone to spurious limits.
    """
    check_prim_arguments(threshold, boxes, mass_min, peel_alpha, worse_than)
    if isinstance(factors, str):  # one factor named bare
        factors = [factors]
    with reading(store) as st:
        st.require_complete("scenario discovery")
        st.check_outcome(outcome)
        known = {f["name"]: f for f in st.meta["factors"]}
        x, y, question = cases_of_interest(st, outcome, option, baseline, worse_than, statistic)
    if factors is not None:
        for name in factors:
            if name not in known:
                raise DesignError(unknown_name("factor", name, known) + " in this store's design")
        x = x[list(factors)]
    if y.sum() == 0:
        raise NothingToFind(
            f"{question}: at no design point; there is nothing to discover", question, 0, y.size
        )
    if y.sum() == y.size:
        raise NothingToFind(
            f"{question}: at every one of the {y.size:,} design points; no box is needed to say "
            "where",
            question,
            int(y.size),
            int(y.size),
        )
    constant = [c for c in x.columns if x[c].nunique() < 2]
    x = x.drop(columns=constant)
    # PRIM's pasting moves a bound to a midpoint between values (34.5 on an integer lever): an
    # integer column would refuse it
    x = x.astype({c: float for c in x.columns if pd.api.types.is_integer_dtype(x[c])})
    if x.empty:
        raise DesignError("the design varies no factor: PRIM has nothing to restrict")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("EMA").setLevel(logging.WARNING)
        from ema_workbench.analysis import prim

        engine = prim.Prim(x, y, threshold=threshold, mass_min=mass_min, peel_alpha=peel_alpha)
        summaries, limits, trajectories = [], [], []
        for b in range(1, boxes + 1):
            box = engine.find_box()
            if box is None:
                break
            traj = box.peeling_trajectory.copy()
            if int(traj["res_dim"].iloc[-1]) == 0 and len(traj) == 1:
                break  # PRIM's "dump box": nothing meets the threshold any more
            score = traj["coverage"] * traj["density"]
            reaching = traj.index[traj["density"] >= threshold]
            chosen = int(score.loc[reaching].idxmax() if len(reaching) else score.idxmax())
            box.select(chosen)
            traj.insert(0, "box", b)
            traj.insert(1, "step", traj.index)
            traj["chosen"] = traj["step"] == chosen
            trajectories.append(traj.reset_index(drop=True))
            stats = traj.loc[chosen]
            rows = _limits(b, box.box_lims[chosen], box.qp[chosen], known, x)
            limits.extend(rows)
            summaries.append(
                {
                    "box": b,
                    "step": chosen,
                    "coverage": float(stats["coverage"]),
                    "density": float(stats["density"]),
                    "mass": float(stats["mass"]),
                    "res_dim": int(stats["res_dim"]),
                    "meets_threshold": bool(stats["density"] >= threshold),
                    "description": "; ".join(r["text"] for r in rows) or "the whole space",
                }
            )
            if stats["density"] < threshold:
                break
    limit_columns = [
        "box",
        "factor",
        "kind",
        "low",
        "high",
        "choices",
        "range",
        "qp_low",
        "qp_high",
        "text",
    ]
    return Discovery(
        question=question,
        cases=int(y.sum()),
        points=int(y.size),
        threshold=threshold,
        boxes=pd.DataFrame(summaries),
        limits=pd.DataFrame(limits, columns=limit_columns),
        trajectory=pd.concat(trajectories, ignore_index=True) if trajectories else pd.DataFrame(),
    )


def _limits(
    box: int,
    box_lim: pd.DataFrame,
    qp: dict[str, Any],
    factors: dict[str, Any],
    x: pd.DataFrame,
) -> list[dict[str, Any]]:
    """One record per restricted factor of a chosen box (PRIM's ``box_lims`` and quasi-p values)."""
    rows = []
    for name in qp:
        low, high = box_lim[name].iloc[0], box_lim[name].iloc[1]
        qp_low, qp_high = [*list(qp[name]), None, None][:2]
        f = factors.get(name, {"kind": "parameter"})
        if isinstance(low, set | frozenset):
            chosen = sorted(str(v) for v in low)
            rows.append(
                {
                    "box": box,
                    "factor": name,
                    "kind": f["kind"],
                    "low": np.nan,
                    "high": np.nan,
                    "choices": ", ".join(chosen),
                    "range": ", ".join(sorted(str(v) for v in x[name].unique())),
                    "qp_low": _number(qp_low),
                    "qp_high": _number(qp_high),
                    "text": f"{name} in {{{', '.join(chosen)}}}",
                }
            )
            continue
        full_low, full_high = float(x[name].min()), float(x[name].max())
        low, high = float(low), float(high)
        if low > full_low and high < full_high:
            text = f"{low:.4g} <= {name} <= {high:.4g}"
        elif low > full_low:
            text = f"{name} >= {low:.4g}"
        else:
            text = f"{name} <= {high:.4g}"
        rows.append(
            {
                "box": box,
                "factor": name,
                "kind": f["kind"],
                "low": low,
                "high": high,
                "choices": None,
                "range": f"{full_low:.4g} – {full_high:.4g}",
                "qp_low": _number(qp_low),
                "qp_high": _number(qp_high),
                "text": text,
            }
        )
    return rows


def _number(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return float("nan") if out < 0 else out

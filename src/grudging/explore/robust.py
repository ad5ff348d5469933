"""Robustness of each option across the design: regret, satisficing, percentiles.

At every design point (a state of the world, with the levers' settings) each option gets one value
per outcome: a statistic over its replications. Across the points:

* **regret** — how much worse the option does than the best option at the same point (Savage
  1951); its maximum over the design is minimax regret, the classic robust choice;
* **satisficing** — the share of points where the option meets a threshold (Simon 1955; Starr's
  domain criterion);
* **percentiles** — the outcome's spread across the design (a pessimist reads the high percentile
  of a quantity to minimise);
* **best share** — the share of points where the option is the best one (ties count for each);
* **better than baseline** — the share of points where it beats a named option.

Regret and the best option are direction-aware (an outcome to minimise or to maximise), computed
only at points where every compared option ran without failures.

References
----------
Savage (1951), The theory of statistical decision, *JASA* 46(253): 55-67. Simon (1955), A
behavioral model of rational choice, *QJE* 69(1): 99-118. McPhail et al. (2018), Robustness
metrics: how are they calculated, when should they be used and why do they give different
results?, *Earth's Future* 6(2): 169-191. Lempert, Popper & Bankes (2003), *Shaping the Next One
Hundred Years*, RAND MR-1626.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from grudging.errors import DesignError, unknown_name
from grudging.results.store import Store, reading


def _options(store: Store, options: Sequence[str] | None, baseline: str | None = None) -> list[str]:
    """The options compared: those given (checked) or all the store's; a ``baseline`` not among
    those given is compared too (``--option A --baseline B`` means A against B, as in
    ``discover`` and ``sensitivity``)."""
    known = list(store.meta["options"])
    if isinstance(options, str):  # one option id given bare
        options = [options]
    chosen = list(options) if options else known
    for option in chosen:
        if option not in known:
            raise DesignError(f"--option {option}: {unknown_name('option', option, known)}")
    if baseline is not None:
        if baseline not in known:
            raise DesignError(f"--baseline {baseline}: {unknown_name('option', baseline, known)}")
        if baseline not in chosen:
            chosen.append(baseline)
    if len(set(chosen)) != len(chosen):
        raise DesignError(
            f"options repeat: {', '.join(chosen)}; name each once (an option compared with "
            "itself has no regret)"
        )
    if len(chosen) < 2:
        raise DesignError(
            "regret compares options: the analysis needs at least two (the store holds "
            f"{', '.join(known)})"
        )
    return chosen


def regret_table(values: pd.DataFrame, direction: str) -> pd.DataFrame:
    """Regret of each option (columns) at each point (rows) against the best option there.

    ``values`` holds one row per point and one column per option. Regret is ``value - best`` for an
    outcome to minimise and ``best - value`` for one to maximise: exactly zero for the best option.
    """
    if direction == "minimize":
        best = values.min(axis=1)
        return values.sub(best, axis=0)
    best = values.max(axis=1)
    return (-values).add(best, axis=0)


def regret(
    store: str | Path | Store,
    outcome: str,
    options: Sequence[str] | None = None,
    statistic: str = "mean",
) -> pd.DataFrame:
    """Per design point and option: the value, the best value there, the regret, and whether the
    option is the best (tidy: ``point, option, outcome, value, best, regret, is_best``)."""
    from grudging.model.outcomes import OUTCOMES

    with reading(store) as st:
        st.require_complete("regret")
        st.check_outcome(outcome)
        chosen = _options(st, options)
        wide = _wide(st, outcome, chosen, statistic)
    direction = OUTCOMES[outcome].direction
    reg = regret_table(wide, direction)
    best = wide.min(axis=1) if direction == "minimize" else wide.max(axis=1)
    long = wide.reset_index().melt(id_vars="point", var_name="option", value_name="value")
    regrets = reg.reset_index().melt(id_vars="point", var_name="option", value_name="regret")
    long["best"] = long["point"].map(best)
    long["regret"] = regrets["regret"].to_numpy()
    long = long.sort_values(["point", "option"], kind="stable").reset_index(drop=True)
    long["is_best"] = long["regret"] == 0.0
    long["outcome"] = outcome
    return long[["point", "option", "outcome", "value", "best", "regret", "is_best"]]


def _wide(store: Store, outcome: str, options: Sequence[str], statistic: str) -> pd.DataFrame:
    frame = store.per_point(outcome, statistic, options)
    failed = frame.groupby("point")["failed"].sum()
    wide = frame.pivot(index="point", columns="option", values="value")[list(options)]
    wide = wide[(failed.reindex(wide.index) == 0) & wide.notna().all(axis=1)]
    wide.columns.name = "option"
    return wide


def robustness(
    store: str | Path | Store,
    outcomes: Sequence[str] | str | None = None,
    options: Sequence[str] | None = None,
    statistic: str = "mean",
    thresholds: Mapping[str, float] | None = None,
    baseline: str | None = None,
    percentiles: Sequence[float] = (10, 50, 90),
) -> pd.DataFrame:
    """Robustness metrics of every option for every outcome, across the design's points.

    Parameters
    ----------
    store:
        A store path or an open store.
    outcomes:
        Outcomes to assess (default: every scalar outcome in the store).
    options:
        Options compared (default: all in the store; at least two, counting ``baseline``).
    statistic:
        Over replications at each point: ``mean``, ``median`` or ``pNN``.
    thresholds:
        Satisficing thresholds by outcome: an option satisfices at a point when its value is at or
        below the threshold (outcomes to minimise) or at or above it (to maximise).
    baseline:
        Also report the share of points where each option beats this one; compared too when
        ``options`` leaves it out.
    percentiles:
        Percentiles of the value across points.

    Returns
    -------
    DataFrame
        One row per outcome and option, ranked by maximum regret within each outcome: ``outcome,
        direction, option, rank, points, mean, p10, p50, p90, mean_regret, p90_regret,
        max_regret, best_share`` and, when asked, ``satisficing`` and ``better_than_<baseline>``.
    """
    import math

    from grudging.model.outcomes import OUTCOMES

    thresholds = dict(thresholds or {})
    for name, limit in thresholds.items():
        if (
            isinstance(limit, bool)
            or not isinstance(limit, int | float)
            or not math.isfinite(limit)
        ):
            raise DesignError(f"thresholds: {name} = {limit!r}: give a finite value of the outcome")
    for q in percentiles:
        if isinstance(q, bool) or not isinstance(q, int | float) or not 0 <= q <= 100:
            raise DesignError(
                f"percentiles: {q!r}: give percentiles from 0 to 100 (e.g. 10, 50, 90)"
            )
    with reading(store) as st:
        st.require_complete("robustness")
        names = [outcomes] if isinstance(outcomes, str) else list(outcomes or st.outcome_names())
        for name in [*names, *thresholds]:
            st.check_outcome(name)
        chosen = _options(st, options, baseline)
        frames = {name: _wide(st, name, chosen, statistic) for name in names}
    rows = []
    for name in names:
        wide = frames[name]
        direction = OUTCOMES[name].direction
        if wide.empty:
            raise DesignError(f"{name}: no design point where every option ran without failure")
        reg = regret_table(wide, direction)
        for option in chosen:
            v = wide[option].to_numpy(dtype=float)
            r = reg[option].to_numpy(dtype=float)
            row: dict[str, object] = {
                "outcome": name,
                "direction": direction,
                "option": option,
                "points": int(v.size),
                "mean": float(v.mean()),
            }
            for q in percentiles:
                row[f"p{q:g}"] = float(np.percentile(v, q))
            row["mean_regret"] = float(r.mean())
            row["p90_regret"] = float(np.percentile(r, 90))
            row["max_regret"] = float(r.max())
            row["best_share"] = float(np.mean(r == 0.0))
            if name in thresholds:
                limit = float(thresholds[name])
                ok = v <= limit if direction == "minimize" else v >= limit
                row["satisficing"] = float(np.mean(ok))
            if baseline is not None and option != baseline:
                other = wide[baseline].to_numpy(dtype=float)
                better = v < other if direction == "minimize" else v > other
                row[f"better_than_{baseline}"] = float(np.mean(better))
            rows.append(row)
    table = pd.DataFrame(rows)
    table["rank"] = (
        table.groupby("outcome", sort=False)["max_regret"].rank(method="min").astype(int)
    )
    table = table.sort_values(["outcome", "rank"], kind="stable").reset_index(drop=True)
    columns = ["outcome", "direction", "option", "rank"] + [
        c for c in table.columns if c not in ("outcome", "direction", "option", "rank")
    ]
    return table[columns]

"""What the report and the dashboard read from a sweep store, through :mod:`grudging.explore`.

:func:`indices` turns the Sobol' or Morris table of :func:`grudging.explore.indices` into bars
(``parameter, index, low, high``); :func:`sensitivity_from_store` gathers the report's
sensitivity section: those indices and PRIM's boxes (:func:`grudging.explore.discover`) for the
question the report answers — does the coalition option do worse than the first option?
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from grudging.errors import GrudgingError
from grudging.report.numbers import nouns

if TYPE_CHECKING:
    from collections.abc import Sequence

    from grudging.report.html import Sensitivity
    from grudging.scenario.schema import CourseOfAction, Scenario


def default_comparison(
    options: list[str], scenario_options: Sequence[CourseOfAction]
) -> tuple[str, str | None]:
    """The option and baseline a store is read with first: the first option that raises a
    coalition (not a replay of history) against the scenario's first option, whatever their ids."""
    baseline = next((o.id for o in scenario_options if o.id in options), options[0])
    others = [o for o in options if o != baseline]
    raising = {o.id for o in scenario_options if o.coalition is not None and not o.historical}
    preferred = next((o for o in others if o in raising), others[0] if others else baseline)
    return preferred, baseline if preferred != baseline else None


def indices(
    path: str | Path, outcome: str, option: str | None, baseline: str | None
) -> tuple[pd.DataFrame, str]:
    """Sensitivity indices as ``parameter, index, low, high, first_order, outcome``, and the
    method's name."""
    from grudging.explore.indices import sensitivity

    table = sensitivity(path, outcome, option=option, baseline=baseline)
    if str(table["method"].iloc[0]) == "sobol":
        index, conf, first = table["ST"], table["ST_conf"], table["S1"]
        name = "Sobol' total-order index"
    else:
        index, conf, first = table["mu_star"], table["mu_star_conf"], table["mu"]
        name = "Morris mu* (mean absolute elementary effect)"
    out = pd.DataFrame(
        {
            "parameter": table["factor"],
            "index": index,
            "low": (index - conf).clip(lower=0),
            "high": index + conf,
            "first_order": first,
        }
    )
    out["outcome"] = outcome
    return out, name


def sensitivity_from_store(
    path: str | Path, scn: Scenario, outcome: str = "civilian_deaths"
) -> Sensitivity:
    """The report's sensitivity section from a sweep store."""
    from grudging.errors import DesignError
    from grudging.explore.discovery import cases_of_interest, discover
    from grudging.report.html import Sensitivity
    from grudging.results.store import open_store
    from grudging.scenario.io import scenario_hash

    store = Path(path)
    with open_store(store) as st:
        meta = st.meta
        st.require_complete("the report's sensitivity section")
        outcomes = st.outcome_names()
        points = len(st.points())
    if outcome not in outcomes:
        raise GrudgingError(f"{store.name}: the store holds no '{outcome}' outcome")
    if meta.get("scenario_id") != scn.id:
        raise GrudgingError(
            f"--store {store}: a sweep of scenario '{meta.get('scenario_id')}', not of this "
            f"report's '{scn.id}'; give a store swept from '{scn.id}'"
        )
    method = str(meta["design"]["method"])
    option, baseline = default_comparison(list(meta["options"]), scn.options)
    against = f" − {baseline}" if baseline else ""
    same = meta["scenario_hash"] == scenario_hash(scn)
    source = (
        f"{store.name} ({method} design, {points:,} points × "
        f"{nouns(len(meta['options']), 'option')} × "
        f"{nouns(int(meta['replications']), 'replication')}; scenario hash "
        f"{meta['scenario_hash']}"
        + ("" if same else ", not this report's scenario")
        + f"); analysed: {outcome} of {option}{against}, mean over replications"
    )
    # what the sweep found is about the scenario it swept, which may not be this report's
    where = "" if same else "In the swept scenario (not this report's: its hash differs), "
    table: pd.DataFrame | None = None
    name = (
        f"No indices (they need a Sobol' or Morris design, not {method}: grudging sweep "
        "--method sobol or morris)"
    )
    caveat = ""
    if method in ("sobol", "morris"):
        table, name = indices(store, outcome, option, baseline)
        caveat = within_error(table)
    boxes = None
    if baseline is None:
        note = "PRIM needs two options in the store (an option and a baseline)."
        return Sensitivity(table, name, source, None, note, caveat)
    with open_store(store) as st:
        _, cases, question = cases_of_interest(st, outcome, option, baseline, None, "mean")
    n = len(cases)
    if cases.sum() == n:
        note = (
            f"{where}{question}: at every one of the {n:,} design points; no combination of "
            f"assumptions sampled reverses the answer, and {n:,} points leave room for a region "
            f"of up to {unseen_share(n)} of the sweep's ranges (95 %) where it turns."
        )
    elif cases.sum() == 0:
        note = (
            f"{where}{question}: at none of the {n:,} design points; {n:,} points leave room "
            f"for a region of up to {unseen_share(n)} of the sweep's ranges (95 %) where it does."
        )
    else:
        try:
            found = discover(store, outcome, option=option, baseline=baseline)
            note = str(found).replace("\n", "; ")
            if not found.limits.empty:
                boxes = found.limits[["box", "factor", "text", "range", "qp_low", "qp_high"]]
        except DesignError as err:
            note = f"PRIM found no box: {err}"
    return Sensitivity(table, name, source, boxes, note, caveat)


def unseen_share(points: int, confidence: float = 0.95) -> str:
    """The largest share of a design's space in which an event never seen at ``points`` random
    points could still lie, at ``confidence``: ``1 - (1 - confidence) ** (1 / points)`` (about
    3 / points, the rule of three: Hanley & Lippman-Hand 1983, JAMA 249(13))."""
    share = 1.0 - (1.0 - confidence) ** (1.0 / max(points, 1))
    return f"{100 * share:.2g} %" if share < 0.1 else f"{100 * share:.0f} %"


def within_error(table: pd.DataFrame) -> str:
    """The indices no larger than their 95 % half-width, said (their rank is not established)."""
    wide = int(((table["high"] - table["index"]) >= table["index"].abs()).sum())
    if not wide:
        return ""
    return (
        f"{wide} of {len(table)} indices are no larger than their 95 % half-width: their rank "
        "is not established (sampling error); more design points narrow them."
    )

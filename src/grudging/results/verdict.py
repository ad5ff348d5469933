"""The verdict: which option is best on each main outcome, by how much, and how sure.

One place for the sentences that open ``grudging run`` and the report. For each main outcome it
names the best option (by median; by share of runs for a 0/1 outcome), its difference from the
baseline in words (``worse by 49k (90 %: 7k better – 408k worse)``), the share of paired runs in
which it does better (from :meth:`Results.compare`), and what decides it: the top index of a
sweep when one is given, else a closing note that the intervals reflect chance and the parameter
draws. Numbers follow :mod:`grudging.report.numbers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grudging.report import numbers as fmt

if TYPE_CHECKING:
    import pandas as pd

    from grudging.results.results import Results

#: The outcomes the verdict speaks of, in order.
MAIN_OUTCOMES = ("civilian_deaths", "civil_war", "troop_deaths", "cost_patron")


@dataclass(frozen=True)
class Finding:
    """The verdict on one outcome: the best option and how it compares with the baseline."""

    outcome: str
    best: str
    baseline: str
    #: The option set against the baseline (the best one, or the next best when the baseline
    #: is best); None when only one option ran.
    compared: str | None
    share_better: float | None
    sentence: str


def _best_word(unit: str, direction: str) -> str:
    if unit == "probability":
        return "least likely" if direction == "minimize" else "most likely"
    return "lowest" if direction == "minimize" else "highest"


def _as_word(unit: str, direction: str) -> str:
    if unit == "probability":
        return "unlikely" if direction == "minimize" else "likely"
    return "low" if direction == "minimize" else "high"


def _listed(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _level(row: Mapping[str, Any], unit: str) -> str:
    """An option's level: ``124k (90 %: 104k – 160k)``, or ``in 7 % of runs``."""
    if unit == "probability":
        return f"in {fmt.percent(row['mean'])} of runs"
    return (
        f"{fmt.value(row['median'], unit)} ({fmt.INTERVAL_LABEL}: "
        f"{fmt.value(row['low'], unit)} – {fmt.value(row['high'], unit)})"
    )


def paired_words(diff: Any, unit: str, direction: str) -> str:
    """The difference from the baseline and the share of paired runs in which it is better."""
    if unit == "probability":
        change = diff["mean_difference"] * (-1 if direction == "minimize" else 1)
        if fmt.points(change) == "0 points":
            head = "no different"
        else:
            head = f"{'better' if change > 0 else 'worse'} by {fmt.points(change)}"
        return (
            f"{head}; better in {fmt.percent(diff['share_better'])} of runs, worse in "
            f"{fmt.percent(diff['share_worse'])}"
        )
    words = fmt.difference(diff["median_difference"], diff["low"], diff["high"], unit, direction)
    return f"{words}; better in {fmt.percent(diff['share_better'])} of runs"


def _driver(drivers: pd.DataFrame | None, outcome: str, method: str) -> str:
    if drivers is None or drivers.empty or outcome not in set(drivers["outcome"]):
        return ""
    top = drivers[drivers["outcome"] == outcome].sort_values("index", ascending=False).iloc[0]
    how = f"{method} index" if method else "index"
    return (
        f" What decides it (sweep): {fmt.parameter_label(str(top['parameter']))}, "
        f"{how} {top['index']:.2f}."
    )


def findings(
    results: Results,
    baseline: str | None = None,
    drivers: pd.DataFrame | None = None,
    method: str = "",
    outcomes: tuple[str, ...] = MAIN_OUTCOMES,
) -> list[Finding]:
    """The verdict on each of ``outcomes`` the results hold.

    ``drivers`` is a sensitivity table (``parameter, outcome, index``) from a sweep; ``method``
    names its index (e.g. ``Sobol' total``).
    """
    from grudging.model.outcomes import OUTCOMES

    if not results.options:
        return []
    names = results.option_names()
    base = baseline if baseline in results.options else results.options[0]
    summary = results.summary()
    diff = results.compare(base) if len(results.options) > 1 else None
    # an option more likely than not to fail a gate the model does not simulate says so where
    # it is named best, not only in a sentence further down
    caveat = {
        option: f" (infeasible as planned: P(feasible) {feas['p_feasible']:.2f})"
        for option, feas in (results.metadata.get("feasibility") or {}).items()
        if feas.get("infeasible")
    }
    # a replay of history is scored beside the courses of action, not chosen among them
    for option, deals in (results.metadata.get("replays") or {}).items():
        inputs = (
            f", its {fmt.nouns(deals, 'recorded local deal')} put in as inputs" if deals else ""
        )
        caveat[option] = caveat.get(option, "") + f" (the replay of history{inputs})"
    out = []
    for outcome in outcomes:
        rows = summary[summary["outcome"] == outcome]
        if rows.empty or outcome not in OUTCOMES:
            continue
        unit, direction = OUTCOMES[outcome].unit, OUTCOMES[outcome].direction
        key = "mean" if unit == "probability" else "median"
        sign = 1.0 if direction == "minimize" else -1.0
        order = {o: i for i, o in enumerate(results.options)}
        by_option: dict[str, dict[str, Any]] = {
            str(r["option"]): {str(k): v for k, v in r.items()} for r in rows.to_dict("records")
        }
        ranked = sorted(
            by_option,
            # best first; a tie goes to the baseline, then to the earlier option
            key=lambda o: (sign * float(by_option[o][key]), o != base, order[o]),
        )
        best = ranked[0]
        label = fmt.outcome_label(outcome)
        head = f"{label}: {_best_word(unit, direction)} under {names[best]}{caveat.get(best, '')}"
        level = _level(by_option[best], unit)
        # the options as good as the best on this outcome's own measure (a tie is named, not
        # broken by the order the options were run in)
        tied = [o for o in ranked[1:] if by_option[o][key] == by_option[best][key]]
        compared: str | None = None
        share: float | None = None
        if diff is None or len(ranked) < 2:
            sentence = (
                f"{label}: {level} under {names[best]}{caveat.get(best, '')}, the only option run."
            )
        elif best == base and tied:
            sentence = (
                f"{label}: {_best_word(unit, direction)} under {names[best]}, the baseline, "
                f"{level}, and as {_as_word(unit, direction)} under {_listed([names[o] for o in tied])}."
            )
        else:
            compared = best if best != base else ranked[1]
            d = diff[(diff["option"] == compared) & (diff["outcome"] == outcome)]
            if d.empty or compared is None:
                sentence = f"{head}, {level}."
                compared = None
            else:
                share = float(d.iloc[0]["share_better"])
                paired = paired_words(d.iloc[0], unit, direction)
                if best != base:
                    base_level = (
                        f" ({fmt.percent(float(by_option[base]['mean']))})"
                        if unit == "probability"
                        else ""
                    )
                    sentence = f"{head}, {level}; against {names[base]}{base_level}, {paired}."
                else:
                    sentence = (
                        f"{head}, the baseline, {level}; the next best, {names[compared]}, "
                        f"is {paired}."
                    )
        sentence += _driver(drivers, outcome, method)
        out.append(Finding(outcome, best, base, compared, share, sentence))
    return out


def closing(results: Results, drivers: pd.DataFrame | None = None) -> str:
    """What the intervals reflect, and where to learn which assumption decides each outcome."""
    meta = results.metadata
    runs = meta.get("replications")
    source = (
        "chance and the draws of the dynamics and bargaining parameters from their declared "
        "ranges (the other stages at their nominal values)"
        if meta.get("uncertainty", True)
        else "chance alone (the parameters at their nominal values)"
    )
    text = (
        f"Intervals cover {fmt.INTERVAL_LABEL} of "
        f"{f'{int(runs):,} ' if runs else ''}runs per option and reflect {source}"
    )
    if drivers is None or drivers.empty:
        return (
            text
            + "; a sweep (grudging sweep, then grudging report --store) says which "
            + ("assumption decides each outcome.")
        )
    return text + "."


def verdict_sentences(
    results: Results,
    baseline: str | None = None,
    drivers: pd.DataFrame | None = None,
    method: str = "",
) -> list[str]:
    """The verdict as plain sentences: one per main outcome, then what the intervals reflect."""
    lines = [f.sentence for f in findings(results, baseline, drivers, method)]
    return [*lines, *infeasible_sentences(results), closing(results, drivers)] if lines else []


def infeasible_sentences(results: Results) -> list[str]:
    """One sentence per option reported infeasible (it more likely than not fails a gate the
    model does not simulate: host consent, a Security Council decision), with its gates."""
    names = results.option_names()
    status = results.status
    ran = set(status.loc[status["status"] == "ok", "option"])
    out = []
    for option, feas in (results.metadata.get("feasibility") or {}).items():
        if not feas.get("infeasible") or option not in ran:  # a failed option has no figures
            continue
        gates = "; ".join(
            f"{g['gate'].replace('_', ' ')} {g['probability']:.2f} ({g['source']})"
            for g in feas["gates"]
        )
        out.append(
            f"{names.get(option, option)} is infeasible as planned: P(feasible) "
            f"{feas['p_feasible']:.2f}, below {feas['threshold']:.2f} ({gates}); its figures "
            "are what would follow if it were carried out."
        )
    return out

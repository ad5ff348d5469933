"""Plain sentences about a run: the answer first, for the report and the dashboard alike.

Every sentence is computed from :class:`~grudging.results.results.Results` (and the plans it
carries); nothing here is model logic. Sentences are plain text; the faces escape them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from grudging.results.results import Results

#: Share of paired replications in which an option must do better (or worse) than the baseline
#: to be called better (or worse).
CLEAR = 0.8
#: Share of paired replications with any difference below which two options are called the same.
TIES = 0.2


def option_name(results: Results, option: str) -> str:
    """An option's name as the scenario gives it, with its id."""
    plans = results.metadata.get("plans", {})
    name = plans.get(option, {}).get("name")
    return f"{name} ({option})" if name and name != option else option


def verdict(share_better: float, share_worse: float | None = None) -> str:
    """'better', 'worse', 'the same in every run', 'the same in most runs' or 'no clear
    difference', from paired runs.

    ``share_worse`` tells ties (common for 0/1 outcomes such as civil war) from losses; without
    it every run not better counts as worse.
    """
    worse = 1.0 - share_better if share_worse is None else share_worse
    if share_better == 0 and worse == 0:
        return "the same in every run"
    if share_better >= CLEAR:
        return "better"
    if worse >= CLEAR:
        return "worse"
    if share_better + worse <= TIES:
        return "the same in most runs"
    return "no clear difference"


def binary_verdict(share_better: float, share_worse: float, runs: int) -> str:
    """For a 0/1 outcome (civil war, escalation): better or worse when the difference of the
    paired shares is more than two standard errors from zero, else no clear difference."""
    import math

    diff = share_better - share_worse
    variance = max(share_better + share_worse - diff * diff, 0.0)
    error = math.sqrt(variance / max(runs, 1))
    if share_better + share_worse == 0:
        return "the same in every run"
    if diff > 2 * error:
        return "better"
    if diff < -2 * error:
        return "worse"
    return "no clear difference"


def difference_verdict(outcome: str, share_better: float, share_worse: float, runs: int) -> str:
    """The word for one option's paired difference on ``outcome``: for a probability (an event
    of a run, or a chance per run, where many pairs tie) the two-standard-error rule of
    :func:`binary_verdict`; for a quantity the 80 % rule of :func:`verdict`."""
    from grudging.model.outcomes import OUTCOMES

    if OUTCOMES[outcome].unit == "probability":
        return binary_verdict(share_better, share_worse, runs)
    return verdict(share_better, share_worse)


def difference_words(row: Any, outcome: str) -> str:
    """One option's paired difference on ``outcome`` in words (a row of ``Results.compare``), as
    the verdict words it (:func:`~grudging.results.verdict.paired_words`)."""
    from grudging.model.outcomes import OUTCOMES
    from grudging.results.verdict import paired_words

    spec = OUTCOMES[outcome]
    return paired_words(row, spec.unit, spec.direction)


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:,.2g}"


def comparison_sentences(results: Results, baseline: str | None = None) -> list[str]:
    """Each option against the baseline on civilian deaths, in one sentence each."""
    if len(results.options) < 2:
        return []
    base = baseline or results.options[0]
    diff = results.compare(base)
    d = diff[diff["outcome"] == "civilian_deaths"]
    lines = []
    from grudging.report import numbers as fmt

    for _, row in d.iterrows():
        word = verdict(row["share_better"], row.get("share_worse"))
        lines.append(
            f"{option_name(results, row['option'])} against {option_name(results, base)}: "
            f"{word} on civilian deaths — fewer deaths in {fmt.percent(row['share_better'])} of "
            f"paired replications; median difference {row['median_difference']:+,.0f} "
            f"(90 % interval {row['low']:+,.0f} to {row['high']:+,.0f})."
        )
    return lines


def agreement_sentence(metadata: dict[str, Any]) -> str | None:
    """What an agreement in place at the start means for the figures (None without one)."""
    agreement = metadata.get("agreement")
    if not agreement:
        return None
    return (
        f"Every option starts with {agreement['name']} (signed {agreement['signed']}) in "
        "place: 'Settlement forms' counts it in each (100 % of runs) and the runs ask whether "
        "it holds; a bargain's probability of a deal below is the bargain stage's own, from "
        "scratch."
    )


def coalition_troops_words(results: Results) -> str:
    """What the coalition troops figure counts, one phrase for the terminal and the report: every
    foreign force but the patron's, or every one in a theatre without a patron."""
    if results.has_patron:
        return "coalition troops (all but the patron's)"
    return "coalition troops (every foreign force: the theatre has no patron)"


def sides_phrase(bargain: Mapping[str, Any], names: Mapping[str, str], nobody: str) -> str:
    """Who stays out of a plan's bargain: the non-spoilers that hold out in most draws (``nobody``
    where none do), then the spoilers, who never sign."""

    def named(ids: Any) -> str:
        return ", ".join(names.get(h, h.replace("_", " ")) for h in ids)

    spoilers = named(bargain.get("spoilers", []))
    return f"holding out in most draws: {named(bargain['holdouts']) or nobody}" + (
        f"; the spoilers, who never sign: {spoilers}" if spoilers else ""
    )


def handover_by_month(results: Results) -> dict[str, Any]:
    """Per option, the share of runs that had handed over by each month (one pass over the
    outcome rows)."""
    rows = results.outcomes
    rows = rows[rows["outcome"] == "handover"]
    rows = rows[rows["month"].notna()]
    shares = rows.groupby(["option", "month"], sort=True)["value"].mean()
    return {str(option): group.droplevel(0) for option, group in shares.groupby(level=0)}


def handover_sentence(monthly: Any, start: str | None) -> str | None:
    """How often an option's handover rule fired and by when half of those runs had handed over,
    from :func:`handover_by_month` (``None`` where it never fired: the run warns about that
    separately)."""
    from grudging.report import numbers as fmt
    from grudging.scenario.schema import month_index, month_label

    if monthly is None or monthly.empty or monthly.iloc[-1] <= 0:
        return None
    share = float(monthly.iloc[-1])
    half = int(monthly.index[(monthly >= share / 2).to_numpy().argmax()])
    when = f"month {half}" + (f" ({month_label(month_index(start) + half)})" if start else "")
    return (
        f"its handover rule fired in {fmt.percent(share)} of runs (half of those had handed "
        f"over by {when})"
    )


def feasibility_sentence(feas: Mapping[str, Any] | None) -> str | None:
    """An option's gates the model does not simulate (host consent, a Security Council
    decision), or ``None`` where it has none."""
    from grudging.report import numbers as fmt

    if not feas or not feas.get("gates"):
        return None
    gates = "; ".join(
        f"{g['gate'].replace('_', ' ')} {g['probability']:.2f} ({g['source']})"
        for g in feas["gates"]
    )
    verdict = "INFEASIBLE, " if feas["infeasible"] else ""
    return (
        f"{verdict}P(feasible) {fmt.chance(feas['p_feasible'])} ({gates}); the outcomes assume "
        "it is carried out"
    )


def plan_sentences(results: Results) -> list[str]:
    """What the deterministic stages decided: an agreement in place; coalition size, coverage and
    price; the bargain."""
    from grudging.report import numbers as fmt

    lines = []
    agreement = agreement_sentence(results.metadata)
    if agreement:
        lines.append(agreement)
    plans: dict[str, Any] = results.metadata.get("plans", {})
    names = results.option_names()
    table = results.summary()
    table = table[table["outcome"] == "coalition_troops"]
    troops = dict(zip(table["option"], table["median"], strict=True))
    months = results.metadata.get("horizon_months")
    handovers = handover_by_month(results)
    first = next(iter(plans.values()), None)
    if first is not None and first.get("requirement_total"):
        proposal = first.get("proposal_force") or 0
        lines.append(
            f"The force requirement is {fmt.count(first['requirement_total'])} troops (90 %: "
            f"{fmt.count(first['requirement_low'])} – {fmt.count(first['requirement_high'])})"
            + (f"; the proposal's force is {fmt.count(proposal)}." if proposal > 0 else ".")
        )
    for option, plan in plans.items():
        name = names.get(option, option)
        c = plan.get("coalition")
        if c:
            gap = max(0.0, first["requirement_total"] - c["effective_strength"]) if first else 0.0
            present = (
                f"; {fmt.count(troops[option])} {coalition_troops_words(results)} on average "
                f"in theatre over the {months} months, median of runs"
                if option in troops
                else ""
            )
            lines.append(
                f"{name}: a {c['command'].upper()}-led coalition of {c['troops']:,} troops raised "
                f"from {fmt.nouns(c['nations'], 'nation')}, {fmt.percent(c['coverage'])} of the "
                "requirement in "
                f"effective strength (gap {fmt.count(gap)}), at {fmt.money(c['cost_musd_per_year'])} "
                f"a year (first year {fmt.money(c['total_cost_musd'])}){present}."
            )
        b = plan.get("bargain")
        if b:
            factions = results.metadata.get("faction_names") or {}
            lines.append(
                f"{name}: at the parameters' nominal values a grand compromise under "
                f"{b['guarantor'].upper()} forms with probability {fmt.chance(b['p_deal'])} (across the "
                f"run's draws of the uncertain parameters: 'Chance of a deal' in the table); "
                f"{sides_phrase(b, factions, 'nobody')}."
            )
        gates = [
            handover_sentence(handovers.get(option), results.metadata.get("start")),
            feasibility_sentence((results.metadata.get("feasibility") or {}).get(option)),
        ]
        said = "; ".join(g for g in gates if g)
        if said:
            lines.append(f"{name}: {said}.")
    return lines


def executive_summary(
    results: Results,
    baseline: str | None = None,
    drivers: pd.DataFrame | None = None,
    method: str = "",
) -> list[str]:
    """The answer in a few sentences: the verdict on each main outcome (best option, difference
    from the baseline, share of paired runs better, what decides it), then the plans.

    ``drivers`` is a sensitivity table (``parameter``, ``outcome``, ``index``) when a sweep store
    was given; ``method`` names its index.
    """
    from grudging.results.verdict import verdict_sentences

    if results.summary().empty:
        return ["No option ran successfully."]
    return [*verdict_sentences(results, baseline, drivers, method), *plan_sentences(results)]

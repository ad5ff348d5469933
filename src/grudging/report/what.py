""" "What would it take?" for a reader: the answer of :func:`grudging.explore.what_it_takes.
what_it_takes` as sentences and tables in words, shared by the report and the dashboard.

Numbers follow :mod:`grudging.report.numbers` (shares in percent, thousands separators, no
scientific notation); levers and parameters are named in words, options by their names. The
search itself is not repeated here: this module only lays out an answer already computed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grudging.errors import GrudgingError
from grudging.report.numbers import (
    in_sentence,
    lever_label,
    outcome_label,
    parameter_label,
)

if TYPE_CHECKING:
    from grudging.explore.what_it_takes import WhatItTakes
    from grudging.scenario.schema import Scenario

#: The file ``report --from DIR`` reads the answer from when it is there.
SAVED_NAME = "what-would-it-take.json"

#: How each lever status reads in the table.
STATUS_WORDS = {
    "reached": "wins from",
    "breaks": "stops winning at",
    "not_reached": "no value in the range wins",
    "holds": "keeps winning over the whole range",
    "not_binding": "does not bind",
    "no_effect": "changes nothing",
    "stopped": "not searched (evaluation budget spent)",
}


def share(p: float | None) -> str:
    """A probability as a share of paired runs: ``42 %``; a dash when undefined."""
    return "–" if p is None else f"{100 * p:.0f} %"


def plain(value: float) -> str:
    """A parameter threshold: four significant figures, never scientific notation."""
    if abs(value) >= 10_000:
        return f"{value:,.0f}"
    text = f"{value:.4g}"
    if "e" in text:
        text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text


def lever_value(value: Any, unit: str, names: dict[str, str] | None = None) -> str:
    """A lever value in its unit, as the search's own tables write it; a choice by its name."""
    from grudging.explore.what_it_takes import format_value

    if isinstance(value, str) and names and value in names:
        return names[value]
    return format_value(value, unit)


def choice_names(scn: Scenario) -> dict[str, str]:
    """Readable names of the choices a categorical lever takes (rules of engagement, commands)."""
    out = {lv.id: lv.name for lv in scn.roe_levels}
    try:
        from grudging.scenario.commands import commands_of

        out |= {k: c.name for k, c in commands_of(scn).items()}
    except ImportError:  # pragma: no cover - a scenario package without a command registry
        pass
    return out


OPERATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def what_view(answer: WhatItTakes, scn: Scenario) -> dict[str, Any]:
    """Sentences and rows (plain strings) of an answer, for a page.

    Keys: ``headline`` (the answer in one sentence), ``question`` (what was asked), ``levers``,
    ``pairs`` and ``parameters`` (rows keyed by column title), ``box`` (the PRIM box in words)
    and ``method`` (replications, evaluations, seed).
    """
    names = {o.id: o.name for o in scn.options}
    option = names.get(answer.option, answer.option)
    baseline = names.get(answer.baseline, answer.baseline)
    choices = choice_names(scn)
    hold = answer.question == "hold"
    better = "lower" if answer.direction == "minimize" else "higher"
    question = (
        f"When does {option} do better than {baseline} on "
        f"{in_sentence(outcome_label(answer.outcome))} ({better} is better) in at least "
        f"{share(answer.confidence)} of paired runs? Now: better in {share(answer.p_current)}"
        + (
            " — it wins as proposed, so each search looks for the change that stops it winning."
            if hold
            else "."
        )
    )
    threshold_title = "Stops winning at" if hold else "Wins from"
    levers = []
    for r in answer.levers:
        found = r.threshold is not None and r.status in ("reached", "breaks", "not_binding")
        closest = (
            f"closest: {share(r.closest_p)} at {lever_value(r.closest_value, r.unit, choices)}"
            if r.closest_p is not None and r.closest_value != r.current
            else ""
        )
        note = "; ".join(x for x in (r.note, closest) if x)
        levers.append(
            {
                "Lever": lever_label(r.lever),
                "Now": lever_value(r.current, r.unit, choices),
                threshold_title: lever_value(r.threshold, r.unit, choices) if found else "–",
                "Better in (there)": share(r.p_threshold) if found else "–",
                "Result": STATUS_WORDS.get(r.status, r.status),
                "Note": note,
            }
        )
    units = {r.lever: r.unit for r in answer.levers}
    pairs = [
        {
            "Levers": f"{lever_label(p.levers[0])} and {in_sentence(lever_label(p.levers[1]))}",
            threshold_title: (
                f"{lever_value(p.threshold[0], units.get(p.levers[0], ''))}, "
                f"{lever_value(p.threshold[1], units.get(p.levers[1], ''))}"
                if p.threshold is not None
                else "none on the grid"
            ),
            "Better in (there)": share(p.p_threshold),
            "Closest cell": f"{lever_value(p.best[0], units.get(p.levers[0], ''))}, "
            f"{lever_value(p.best[1], units.get(p.levers[1], ''))}: {share(p.best[2])}",
        }
        for p in answer.pairs
    ]
    parameters = [
        {
            "Assumption": parameter_label(c.parameter),
            "Condition": f"{OPERATORS.get(c.operator, c.operator)} {plain(c.threshold)}"
            + ("" if c.reached else " (closest; short of the target)"),
            "Its range": f"{plain(c.low)} – {plain(c.high)}",
            "Better in (there)": share(c.win_rate),
            "Share of runs there": share(c.support),
        }
        for c in answer.parameters[:8]
    ]
    box = ""
    if answer.box is not None and answer.box.limits:
        limits = "; ".join(
            f"{plain(lo)} ≤ {parameter_label(n)} ≤ {plain(hi)}" for n, lo, hi in answer.box.limits
        )
        verb = "loses" if answer.box.cases == "losses" else "wins"
        box = (
            f"Where the top assumptions combine (PRIM box): {limits}. There the option {verb} in "
            f"{share(answer.box.density)} of the {share(answer.box.mass)} of runs inside "
            f"({share(answer.box.coverage)} of all its {answer.box.cases})"
            + ("." if answer.box.reached else "; short of the target.")
        )
    method = (
        f"{answer.evaluations:,} evaluations of {answer.replications:,} paired runs each "
        f"(common random numbers), assumptions read from {answer.parameter_replications:,} runs; "
        f"seed {answer.seed}"
        + ("; stopped when the evaluation budget ran out" if answer.stopped else "")
        + (f"; computed in {answer.seconds:,.0f} s" if answer.seconds else "")
        + "."
    )
    return {
        "headline": headline(answer, scn),
        "question": question,
        "levers": levers,
        "pairs": pairs,
        "parameters": parameters,
        "box": box,
        "method": method,
    }


def headline(answer: WhatItTakes, scn: Scenario) -> str:
    """The answer in one sentence, in words (the search's own summary names levers by id)."""
    names = {o.id: o.name for o in scn.options}
    option = names.get(answer.option, answer.option)
    choices = choice_names(scn)
    hold = answer.question == "hold"
    sought = "breaks" if hold else "reached"
    ways = [
        f"{in_sentence(lever_label(r.lever))} {'is' if r.kind == 'categorical' else 'goes to'} "
        f"{lever_value(r.threshold, r.unit, choices)} (better in {share(r.p_threshold)})"
        for r in answer.levers
        if r.status == sought
    ]
    idle = [in_sentence(lever_label(r.lever)) for r in answer.levers if r.status == "not_binding"]
    flat = [in_sentence(lever_label(r.lever)) for r in answer.levers if r.status == "no_effect"]
    if hold:
        text = (
            f"{option} already wins; it stops winning if " + ", or if ".join(ways)
            if ways
            else f"{option} already wins, and no single lever change searched stops it"
        )
    else:
        text = (
            f"{option} wins only if " + ", or if ".join(ways)
            if ways
            else f"No single lever change searched makes {option} win"
        )
    extras = []
    if idle:
        extras.append(f"{' and '.join(idle)} never bind{'s' if len(idle) == 1 else ''}")
    if flat:
        extras.append(f"{' and '.join(flat)} change{'s' if len(flat) == 1 else ''} nothing")
    reached = [c for c in answer.parameters if c.reached][:2]
    if reached:
        extras.append(
            ("it stops winning" if hold else "it wins")
            + " when "
            + " or when ".join(
                f"{parameter_label(c.parameter)} {OPERATORS.get(c.operator, c.operator)} "
                f"{plain(c.threshold)}"
                for c in reached
            )
        )
    return text + (" (" + "; ".join(extras) + ")" if extras else "") + "."


def read_answer(path: str | Path, scn: Scenario) -> WhatItTakes:
    """An answer saved by ``grudging what-would-it-take --json > FILE``, checked against the
    scenario; a located message when it cannot be read."""
    from grudging.explore.what_it_takes import WhatItTakes

    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        answer = WhatItTakes.from_dict(data)
    except FileNotFoundError:
        raise GrudgingError(
            f"{file}: no such file; write one with grudging what-would-it-take --json > {file.name}"
        ) from None
    except IsADirectoryError:
        raise GrudgingError(
            f"{file}: a folder; give the file written by grudging what-would-it-take --json"
        ) from None
    except json.JSONDecodeError as err:
        raise GrudgingError(
            f"{file}: not JSON ({err.msg}, line {err.lineno}); write it with grudging "
            "what-would-it-take --json"
        ) from None
    except (ValueError, TypeError, KeyError, AttributeError):
        raise GrudgingError(
            f"{file}: not the JSON of grudging what-would-it-take --json (it lacks the answer's "
            "fields); write it again with that command"
        ) from None
    from grudging.scenario.io import scenario_hash

    if answer.scenario_hash and answer.scenario_hash != scenario_hash(scn):
        raise GrudgingError(
            f"{file}: this answer was computed under other assumptions (scenario hash "
            f"{answer.scenario_hash}, this report's {scenario_hash(scn)}: another --set or "
            "scenario file); compute it again with the report's --set"
        )
    ids = {o.id for o in scn.options}
    if answer.scenario != scn.id or not {answer.option, answer.baseline} <= ids:
        raise GrudgingError(
            f"{file}: this answer is for scenario '{answer.scenario}' (options {answer.option}, "
            f"{answer.baseline}), not for scenario '{scn.id}'; compute it for this scenario"
        )
    return answer

"""``grudging what-would-it-take``: the smallest lever changes, and the assumptions, that make an
option win against a baseline (``grudging.explore.what_it_takes``)."""

from __future__ import annotations

import argparse
from typing import Any

from grudging.cli.scenario import add_scenario_positional
from grudging.rng import MASTER_SEED

DEFAULT_SCENARIO = "iraq-2007"
_FLAGS = {
    "option": "--option",
    "baseline": "--baseline",
    "outcome": "--outcome",
    "confidence": "--confidence",
    "lever": "--lever",
    "replications": "--replications",
    "parameter_replications": "--parameter-replications",
    "max_evaluations": "--max-evaluations",
}


def signed(x: float, unit: str) -> str:
    """A mean difference with its sign, in its unit's format: ``+12k deaths``, ``+22 points``,
    ``+0.36`` on an index, ``-US$1.2bn``."""
    from grudging.report.numbers import magnitude

    sign = "+" if x > 0 else "-" if x < 0 else ""
    size = magnitude(x, unit)
    bare = unit in ("probability", "US$ million") or unit.startswith("index")
    return f"{sign}{size}" if bare else f"{sign}{size} {unit}"


def register(sub: Any) -> None:
    """Add ``what-would-it-take``."""
    p = sub.add_parser(
        "what-would-it-take",
        help="the smallest lever changes (and the assumptions) at which an option wins",
        description="For OPTION against BASELINE, search each lever that reaches the option (the "
        "proposal's force size, budget, political capital, ROE, aid, guarantor commitment, and "
        "the scenario's others) from the option's value for the first value at which the option "
        "is better on the outcome in at least --confidence of the paired replications (common "
        "random numbers); then pairs of the closest levers; then the ranges of the uncertain "
        "parameters, read from the run's draws, in which it wins. Deterministic for a seed.",
    )
    add_scenario_positional(p)
    p.add_argument(
        "--scenario",
        default=None,
        metavar="SCENARIO",
        help=f"built-in name or YAML file (default: {DEFAULT_SCENARIO})",
    )
    p.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override a scenario value first (repeatable)",
    )
    p.add_argument("--option", default=None, metavar="ID", help="the option (nato_replaces)")
    p.add_argument("--baseline", default=None, metavar="ID", help="compared with (us_stays)")
    p.add_argument("--outcome", default=None, metavar="NAME", help="the outcome (civilian_deaths)")
    p.add_argument(
        "--confidence",
        type=float,
        default=None,
        metavar="P",
        help="share of paired replications the option must win, in (0, 1) (default 0.5)",
    )
    p.add_argument(
        "--lever",
        action="append",
        default=[],
        metavar="NAME",
        help="search only this lever (repeatable; default: every lever that reaches the option)",
    )
    p.add_argument(
        "-r",
        "--replications",
        type=int,
        default=None,
        metavar="N",
        help="replications per evaluation (default 200)",
    )
    p.add_argument(
        "--parameter-replications",
        type=int,
        default=None,
        metavar="N",
        help="replications whose draws the parameter conditions are read from (default 1000)",
    )
    p.add_argument(
        "--max-evaluations",
        type=int,
        default=None,
        metavar="N",
        help="evaluations at most (default 200)",
    )
    p.add_argument("--top", type=int, default=5, help="parameter conditions shown (default 5)")
    p.add_argument("--seed", type=int, default=None, help=f"master seed (default {MASTER_SEED})")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=_what)


def _what(args: argparse.Namespace) -> int:
    from rich.markup import escape

    from grudging.cli._output import console, err_console, print_json
    from grudging.cli.scenario import refuse_unknown_options
    from grudging.scenario import load_scenario

    if args.top < 1:
        from grudging.errors import DesignError

        raise DesignError(f"--top {args.top}: show at least 1 parameter condition")
    from grudging.cli._checks import one_scenario

    args.scenario = one_scenario(args.scenario_positional, args.scenario) or DEFAULT_SCENARIO
    refuse_unknown_options(
        args.scenario, args.set, [("--option", args.option), ("--baseline", args.baseline)]
    )
    scn = load_scenario(args.scenario, overrides=args.set, runnable=True)
    from grudging.explore import what_it_takes as w

    ids = [o.id for o in scn.options]
    for flag, given, default in (
        ("--option", args.option, w.DEFAULT_OPTION),
        ("--baseline", args.baseline, w.DEFAULT_BASELINE),
    ):
        if given is None and default not in ids:
            from grudging.errors import GrudgingError

            raise GrudgingError(
                f"{flag}: scenario '{scn.id}' has no option '{default}', the default of {flag}; "
                f"name one with {flag} (options: {', '.join(ids)})"
            )
    request: dict[str, Any] = {
        "option": args.option or w.DEFAULT_OPTION,
        "baseline": args.baseline or w.DEFAULT_BASELINE,
        "outcome": args.outcome or w.DEFAULT_OUTCOME,
        "confidence": w.DEFAULT_CONFIDENCE if args.confidence is None else args.confidence,
        "levers": list(args.lever),
        "replications": _given(args.replications, w.DEFAULT_REPLICATIONS),
        "parameter_replications": _given(
            args.parameter_replications, w.DEFAULT_PARAMETER_REPLICATIONS
        ),
        "max_evaluations": _given(args.max_evaluations, w.DEFAULT_MAX_EVALUATIONS),
    }
    # every refusal happens here, before anything is planned
    w.check_request(scn, **request, flags=_FLAGS)
    from grudging.cli._checks import check_run_memory
    from grudging.machine import available_memory

    for name in ("replications", "parameter_replications"):
        # an evaluation runs the option and its baseline side by side
        check_run_memory(
            request[name],
            2,
            len(scn.regions),
            scn.horizon_months,
            available_memory(),
            flag=_FLAGS[name],
            ways_out="",
        )

    def say(message: str) -> None:
        if not (args.quiet or args.json):
            err_console.print(f"[dim]searching {escape(message)}…[/]")

    answer = w.what_it_takes(
        scn, **request, seed=MASTER_SEED if args.seed is None else args.seed, progress=say
    )
    if args.json:
        print_json(answer.to_dict())
        return 0
    _print(console, answer, scn, args.top)
    return 0


def _given(value: int | None, default: int) -> int:
    return default if value is None else value


def _print(console: Any, answer: Any, scn: Any, top: int) -> None:
    from rich.markup import escape

    from grudging.cli.render import plain_table
    from grudging.explore.what_it_takes import condition_interval
    from grudging.report.numbers import in_sentence, outcome_label, parameter_label
    from grudging.report.what import choice_names, lever_label, lever_value

    names = {o.id: o.name for o in scn.options}
    choices = choice_names(scn)

    def fmt(value: Any, unit: str) -> str:
        return lever_value(value, unit, choices)

    better = "lower" if answer.direction == "minimize" else "higher"
    # the answer first, in a sentence; then how it was found
    console.print(f"[bold]{escape(answer.summary)}[/]", soft_wrap=True)
    console.print(
        f"{names.get(answer.option, answer.option)} against "
        f"{names.get(answer.baseline, answer.baseline)} on "
        f"{in_sentence(outcome_label(answer.outcome))} ({better} is better), {scn.id}: P(better) "
        f"{answer.p_current:.2f} now (mean difference "
        f"{signed(answer.mean_difference, answer.unit)}); target {answer.confidence:.2f}; {answer.replications:,} paired "
        f"replications per evaluation, seed {answer.seed}",
        soft_wrap=True,
        markup=False,
    )
    hold = answer.question == "hold"
    if hold:
        console.print(
            "It already wins: each search looks for the smallest change that stops it winning "
            "(P(better) below the target).",
            soft_wrap=True,
        )
    table = plain_table(title="Levers, one at a time (the others at the option's values)")
    what = "stops winning at" if hold else "threshold"
    for column in ("lever", "current", what, "P now", "P there", "note"):
        table.add_column(column, justify="right" if column.startswith("P") else "left")
    closest = "lowest" if hold else "best"
    for r in answer.levers:
        found = r.threshold is not None and r.status in ("reached", "breaks", "not_binding")
        threshold = fmt(r.threshold, r.unit) if found else "—"
        p_there = f"{r.p_threshold:.2f}" if r.p_threshold is not None else "—"
        if found and r.p_threshold is None:
            p_there = "not plannable"
        note = r.note
        moved = r.closest_p is not None and r.closest_value != r.current
        if r.status in ("reached", "breaks"):
            note = f"{r.direction}; {len(r.trials)} evaluations"
        elif r.status in ("not_reached", "holds") or (r.status == "not_binding" and moved):
            if r.closest_p is not None:
                note = (
                    f"{note}: {closest} P(better) {r.closest_p:.2f} at "
                    f"{fmt(r.closest_value, r.unit)}"
                )
        elif r.status == "no_effect":
            note = f"{note} (P {r.p_current:.2f} throughout)"
        table.add_row(
            lever_label(r.lever),
            fmt(r.current, r.unit),
            threshold,
            f"{r.p_current:.2f}",
            p_there,
            note,
        )
    console.print(table)
    if answer.pairs:
        pairs = plain_table(title="Pairs of the levers closest to the target")
        for column in (
            "levers",
            "values that stop it winning" if hold else "winning values",
            "P there",
            "closest cell",
        ):
            pairs.add_column(column)
        units = {r.lever: r.unit for r in answer.levers}
        for p in answer.pairs:
            a, b = p.levers
            win = (
                f"{lever_label(a)} {fmt(p.threshold[0], units[a])}, "
                f"{lever_label(b)} {fmt(p.threshold[1], units[b])}"
                if p.threshold is not None
                else "none on the grid"
            )
            best = f"{fmt(p.best[0], units[a])}, {fmt(p.best[1], units[b])}: P {p.best[2] or 0:.2f}"
            there = f"{p.p_threshold:.2f}" if p.p_threshold is not None else "—"
            pairs.add_row(f"{lever_label(a)} x {lever_label(b)}", win, there, best)
        console.print(pairs)
    params = plain_table(
        title=f"Uncertain parameters: where the option {'stops winning' if hold else 'wins'} "
        f"({answer.parameter_replications} "
        f"replications, win rate {answer.parameter_win_rate:.2f} overall)"
    )
    for column in ("parameter", "condition", "range [low, high]", "P(better) there (90 %)"):
        params.add_column(column)
    for c in answer.parameters[:top]:
        params.add_row(
            parameter_label(c.parameter),
            f"{c.operator} {c.threshold:.4g}" + ("" if c.reached else " (closest; short)"),
            f"[{c.low:.4g}, {c.high:.4g}]",
            condition_interval(c, answer.parameter_replications),
        )
    console.print(params)
    box = answer.box
    if box is not None and box.limits:
        limits = "; ".join(
            f"{lo:.4g} <= {parameter_label(n)} <= {hi:.4g}" for n, lo, hi in box.limits
        )
        console.print(
            f"PRIM box on the top parameters: {limits} — the option "
            f"{'loses' if box.cases == 'losses' else 'wins'} in {box.density:.0%} "
            f"of the {box.mass:.0%} of replications there ({box.coverage:.0%} of its {box.cases})"
            + ("" if box.reached else "; short of the target"),
            soft_wrap=True,
        )
    elif answer.parameters:
        console.print(
            f"PRIM finds no box on the top parameters that concentrates the "
            f"{'losses' if hold else 'wins'}"
        )
    console.print(
        f"[dim]{answer.evaluations} evaluations in {answer.seconds:.0f} s"
        + ("; stopped at --max-evaluations" if answer.stopped else "")
        + "[/]"
    )

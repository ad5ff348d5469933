"""``grudging bargain``: does a Dayton-like grand compromise form, under which guarantor?"""

from __future__ import annotations

import argparse
from typing import Any

from grudging.cli.scenario import add_scenario_argument
from grudging.rng import MASTER_SEED

GUARANTOR_HELP = (
    "who guarantees the settlement: none, a command of the scenario's registry that guarantees "
    "(us, nato, un in the shared one), or all of them side by side (default: all)"
)
#: Coding draws of one bargain by default: those with which 'grudging run' plans an option's
#: bargain (``grudging.options.BARGAIN_DRAWS``, not imported here to keep the CLI's start light;
#: a test keeps them equal), so that ``--option`` shows the run's own P(deal).
BARGAIN_DRAWS = 400
#: Parameter draws behind the P(deal) distribution by default.
UNCERTAINTY_DRAWS = 400
#: Most coding draws of one bargain (about 3 kB each across the guarantors).
MAX_DRAWS = 100_000
#: Most bargains of the uncertainty table, parameter draws x coding draws (about a minute).
MAX_BARGAINS = 10_000_000


def register(sub: Any) -> None:
    """Add the ``bargain`` command."""
    p = sub.add_parser(
        "bargain",
        help="the grand compromise: P(deal), P(holds), terms and holdouts under each guarantor",
        description=(
            "Run the bargaining stage: the compromise baseline, the Nash bargaining solution and "
            "the commitment model under each guarantor, with a Monte Carlo over the factions' "
            "uncertain positions, saliences and capabilities. Every number comes from the "
            "scenario's factions and 'bargain.*' parameters; change them with --set."
        ),
    )
    add_scenario_argument(p)
    p.add_argument(
        "--guarantor",
        metavar="ID",
        default="all",
        help=GUARANTOR_HELP,
    )
    p.add_argument(
        "--option",
        metavar="ID",
        default=None,
        help="the bargain of this course of action, as a run makes it: its guarantor, with the "
        "strength its own conference raises, its commitment and its aid (the flags below still "
        "override each)",
    )
    p.add_argument(
        "--aid",
        metavar="MUSD_PER_YEAR",
        type=float,
        default=None,
        help="international aid on offer, US$ million a year, 0 to 1,000,000 (default: "
        "bargain.aid_musd_per_year)",
    )
    p.add_argument(
        "--strength",
        type=float,
        default=None,
        help="guarantor's effective strength over the requirement, 0 to 100 (overrides the "
        "registry's figure)",
    )
    p.add_argument(
        "--impartiality",
        type=float,
        default=None,
        help="guarantor's impartiality, 0-1 (overrides the registry's figure)",
    )
    p.add_argument(
        "--years",
        type=float,
        default=None,
        help="length of the guarantor's commitment in years, 0 to 100 (overrides the registry's "
        "figure)",
    )
    p.add_argument(
        "--spoiler",
        metavar="FACTION",
        action="append",
        default=[],
        help="treat this faction as an irreconcilable spoiler too (repeatable)",
    )
    p.add_argument(
        "--draws",
        type=int,
        default=BARGAIN_DRAWS,
        help=f"Monte Carlo draws (default: {BARGAIN_DRAWS}, as 'grudging run' plans an option's "
        f"bargain, so that --option gives the run's own P(deal); 1 to {MAX_DRAWS:,})",
    )
    p.add_argument(
        "--uncertainty",
        metavar="N",
        type=int,
        default=UNCERTAINTY_DRAWS,
        help=(
            "draws of the uncertain 'bargain.*' parameters, as 'grudging run' draws them: P(deal) "
            f"as a distribution and the parameters that decide it (default: {UNCERTAINTY_DRAWS}; "
            f"0: nominal values only; --uncertainty x --draws at most {MAX_BARGAINS:,})"
        ),
    )
    p.add_argument(
        "--seed",
        type=int,
        default=MASTER_SEED,
        help=f"master seed, as in 'grudging run' (default: {MASTER_SEED})",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_bargain)


def _guarantors(args: argparse.Namespace, params: Any, scn: Any) -> list[Any]:
    from dataclasses import replace

    from grudging.errors import ParameterError, unknown_name
    from grudging.model.bargain import default_guarantor
    from grudging.scenario.commands import commands_of, guarantor_ids

    registry = commands_of(scn)
    known = [*guarantor_ids(registry), "all"]
    if args.guarantor not in known:
        raise ParameterError(
            f"--guarantor {args.guarantor}: " + unknown_name("guarantor", args.guarantor, known)
        )
    kinds = list(guarantor_ids(registry)) if args.guarantor == "all" else [args.guarantor]
    overrides = {
        "strength_ratio": args.strength,
        "impartiality": args.impartiality,
        "commitment_years": args.years,
    }
    given = {k: v for k, v in overrides.items() if v is not None}
    if given and kinds == ["none"]:
        flags = ", ".join(
            "--"
            + {
                "strength_ratio": "strength",
                "impartiality": "impartiality",
                "commitment_years": "years",
            }[k]
            for k in given
        )
        raise ParameterError(
            f"{flags} {'describes' if len(given) == 1 else 'describe'} a guarantor, but "
            f"--guarantor none has none; choose "
            f"{', '.join(guarantor_ids(registry)[1:])} or all"
        )
    out = []
    for kind in kinds:
        g = default_guarantor(kind, params, registry)
        if kind != "none" and given:
            g = replace(g, **given)
        out.append(g)
    return out


def _option_guarantor(args: argparse.Namespace, scn: Any) -> list[Any]:
    """The guarantor of ``--option``'s bargain as its plan makes it (the conference's strength,
    the plan's commitment), with ``--strength``/``--impartiality``/``--years`` on top; sets
    ``args.aid`` to the option's aid unless ``--aid`` was given."""
    from dataclasses import replace

    from grudging.errors import ParameterError
    from grudging.options import plan_option
    from grudging.scenario.schema import CourseOfAction

    if args.guarantor != "all":
        raise ParameterError(
            f"--guarantor {args.guarantor} and --option {args.option}: the option names its "
            "guarantor; give one of them"
        )
    ids = [o.id for o in scn.options]
    if args.option not in ids:
        from grudging.errors import unknown_name

        raise ParameterError(f"--option {args.option}: {unknown_name('option', args.option, ids)}")
    opt: CourseOfAction = scn.option(args.option)
    if opt.bargain is None or not scn.factions:
        with_bargain = [o.id for o in scn.options if o.bargain is not None]
        raise ParameterError(
            f"--option {args.option}: the option attempts no bargain; options that do: "
            f"{', '.join(with_bargain) or 'none'}"
        )
    plan = plan_option(scn, opt, seed=args.seed)
    assert plan.guarantor is not None
    given = {
        k: v
        for k, v in (
            ("strength_ratio", args.strength),
            ("impartiality", args.impartiality),
            ("commitment_years", args.years),
        )
        if v is not None
    }
    if args.aid is None:
        args.aid = opt.bargain.aid_musd_per_year
    return [replace(plan.guarantor, **given)]


def _fmt_p(value: float) -> str:
    from grudging.cli.render import probability

    return probability(value)


def _fmt_money(value: float | None) -> str:
    if value is None:
        return "none within bounds"
    return "0" if value < 0.5 else f"{value:,.0f}"


def _fmt_strength(value: float | None, kind: str) -> str:
    if kind == "none":
        return "no guarantor"
    return "none within bounds" if value is None else f"{value:.2f}"


def _bargain(args: argparse.Namespace) -> int:
    from grudging.cli._output import console, print_json
    from grudging.errors import ParameterError, unknown_name
    from grudging.model.bargain import BargainParams, bargain
    from grudging.model.bargain.params import MAX_AID_MUSD
    from grudging.model.parameters import parameter_names, stage_parameters
    from grudging.rng import stream
    from grudging.scenario import load_scenario

    if not 1 <= args.draws <= MAX_DRAWS:
        raise ParameterError(
            f"--draws {args.draws}: give 1 to {MAX_DRAWS:,} Monte Carlo draws (each holds every "
            "faction's coding under every guarantor in memory)"
        )
    if args.uncertainty == 1 or args.uncertainty < 0 or args.uncertainty > 100_000:
        raise ParameterError(
            f"--uncertainty {args.uncertainty}: give 0 (nominal values only) or 2 to 100,000 "
            "parameter draws"
        )
    if args.uncertainty * args.draws > MAX_BARGAINS:
        raise ParameterError(
            f"--uncertainty {args.uncertainty:,} x --draws {args.draws:,} = "
            f"{args.uncertainty * args.draws:,} bargains per guarantor (at most {MAX_BARGAINS:,}, "
            "about a minute); use fewer parameter draws (--uncertainty) or coding draws (--draws)"
        )
    strength = "a strength from 0 to 100 (effective troops over the requirement)"
    for flag, value, high, span in (
        ("--strength", args.strength, 100.0, strength),
        ("--impartiality", args.impartiality, 1.0, "an impartiality from 0 to 1"),
        ("--years", args.years, 100.0, "a commitment from 0 to 100 years"),
    ):
        if value is not None and not 0.0 <= value <= high:  # NaN fails it too
            raise ParameterError(f"{flag} {value:,.12g}: give {span}")
    if args.aid is not None and not 0 <= args.aid <= MAX_AID_MUSD:
        raise ParameterError(
            f"--aid {args.aid:,.12g}: give aid from 0 to {MAX_AID_MUSD:,.0f} (US$ million a year)"
        )
    scn = load_scenario(args.scenario, overrides=args.set)
    factions = [f.id for f in scn.factions]
    for spoiler in args.spoiler:
        if spoiler not in factions:
            raise ParameterError(
                f"--spoiler {spoiler}: " + unknown_name("faction", spoiler, factions)
            )
    values = scn.parameter_values()
    params = stage_parameters(BargainParams, values, "bargain")
    missing = [name for name in parameter_names(BargainParams, "bargain") if name not in values]
    guarantors = _option_guarantor(args, scn) if args.option else _guarantors(args, params, scn)
    result = bargain(
        scn,
        guarantors,
        args.aid,
        params,
        stream(args.seed, "bargain"),
        args.draws,
        spoilers=args.spoiler,
    )
    spread = []
    if args.uncertainty:
        from grudging.explore.deal_spread import deal_spread

        given = (
            args.option is not None
            or args.strength is not None
            or args.impartiality is not None
            or args.years is not None
        )
        spread = deal_spread(
            scn,
            guarantors if given else [g.kind for g in guarantors],
            args.aid,
            args.seed,
            args.uncertainty,
            args.draws,
            spoilers=args.spoiler,
        )
    if args.json:
        from grudging.scenario.feasibility import command_feasibility

        payload = result.to_dict()
        payload["feasibility"] = {
            o.guarantor.kind: command_feasibility(scn, _engaged(o.guarantor.kind)).to_dict()
            for o in result.outcomes
        }
        payload["uncertainty"] = [s.to_dict() for s in spread]
        payload["seed"] = args.seed
        payload["parameters"] = {f"bargain.{k}": v for k, v in vars(params).items()}
        payload["parameters_defaulted"] = missing
        print_json(payload)
        return 0
    _print(result, scn, args, missing, console, params.partial_quorum)
    if spread:
        _print_spread(spread, console)
    return 0


def _engaged(kind: str) -> tuple[str, ...]:
    """The commands a guarantor of this kind engages (none for no guarantor)."""
    return () if kind == "none" else (kind,)


def _print_feasibility(result: Any, scn: Any, console: Any) -> None:
    """Each guarantor's feasibility gates (host consent, a Security Council decision): P(deal)
    above is conditional on the guarantor being fielded."""
    from grudging.scenario.feasibility import command_feasibility

    for o in result.outcomes:
        feas = command_feasibility(scn, _engaged(o.guarantor.kind))
        if feas.gates:
            console.print(
                f"Feasibility of {o.guarantor.kind} as guarantor: {feas.words()}"
                + ("; P(deal) above assumes it is fielded" if feas.infeasible else ""),
                soft_wrap=True,
            )


def _print(
    result: Any,
    scn: Any,
    args: argparse.Namespace,
    missing: list[str],
    console: Any,
    quorum: float,
) -> None:
    from rich import box

    from grudging.cli.render import plain_table

    kinds = [o.guarantor.kind for o in result.outcomes]
    console.print(
        f"[bold]Grand compromise[/] — scenario '{scn.id}', aid US${result.aid_musd:,.0f}M a year, "
        f"{result.draws} draws (seed {args.seed})"
    )
    if scn.agreement is not None:
        console.print(
            f"The scenario starts with an agreement in place: {scn.agreement.name} (signed "
            f"{scn.agreement.signed} by {', '.join(scn.agreement.signatories)}); the runs start "
            "with it and ask whether it holds. The figures below are the bargain stage's own "
            "chance of such a deal from scratch.",
            soft_wrap=True,
        )

    t = plain_table(
        title="Under each guarantor (commitment model, Nash offer on the table)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for col in (
        "guarantor",
        "strength\nratio",
        "impar-\ntiality",
        "years",
        "credi-\nbility",
        "P(imple-\nmented)",
        "P(deal)",
        "P(holds\n| deal)",
        "P(deal\nholds)",
    ):
        width = max(len(line) for line in col.split("\n"))
        t.add_column(col, justify="left" if col == "guarantor" else "right", min_width=width)
    for o in result.outcomes:
        g = o.guarantor
        none = g.kind == "none"
        t.add_row(
            g.kind,
            "–" if none else f"{g.strength_ratio:.2f}",
            "–" if none else f"{g.impartiality:.2f}",
            "–" if none else f"{g.commitment_years:g}",
            f"{o.credibility:.2f}",
            _fmt_p(o.implementation_probability),
            _fmt_p(o.p_deal),
            _fmt_p(o.p_holds_given_deal),
            _fmt_p(o.p_deal_holds),
        )
    console.print(t)
    where = (
        f"those of option '{args.option}' as a run plans it (the strength its own conference "
        "raises, its commitment and its aid; grudging coalition --option "
        f"{args.option}), unless given here"
        if args.option
        else "the scenario's declared values (bargain.strength_<id>, ... and "
        "bargain.aid_musd_per_year; their sources: grudging show --section parameters), unless "
        "given here; a run's option uses the strength its own conference raises (--option ID "
        "shows an option's bargain)"
    )
    console.print(
        "strength ratio = effective strength / requirement; P(implemented) = chance a signed "
        "deal is carried out with this guarantor if no faction stays outside it. Strength, "
        f"impartiality, years and aid are {where}."
    )
    _print_feasibility(result, scn, console)
    for o in result.outcomes:
        if o.p_deal > 0:
            partial = "; ".join(
                f"{', '.join(members) or 'none'} {_fmt_p(p)}" for members, p in o.partial_deals
            )
            console.print(
                f"Deals under {o.guarantor.kind}: every non-spoiler signs {_fmt_p(o.p_full_deal)}"
                + (
                    f"; partial, the signatories holding the quorum "
                    f"({_fmt_p(quorum)} of the non-spoilers' capability) and the "
                    f"rest fighting on (signatories, probability): {partial}"
                    if partial
                    else ""
                ),
                soft_wrap=True,
            )
    for o in result.outcomes:
        console.print(
            f"Holds out under {o.guarantor.kind} (in ≥ 50 % of draws): "
            + (", ".join(o.holdouts) or "no one")
        )
    console.print(
        "Spoilers (never sign; reported apart from holdouts): "
        + (", ".join(result.spoilers) or "none")
    )

    t = plain_table(title="The ladder: P(deal forms) by model")
    t.add_column("model", overflow="fold")
    for k in kinds:
        t.add_column(k, justify="right")
    perfect = result.p_deal_perfect
    t.add_row(
        "1 compromise offer, no commitment problem", *[_fmt_p(perfect["compromise"]) for _ in kinds]
    )
    t.add_row("2 Nash offer, no commitment problem", *[_fmt_p(perfect["nash"]) for _ in kinds])
    t.add_row(
        "3 compromise offer, commitment problem",
        *[_fmt_p(o.p_deal_compromise_offer) for o in result.outcomes],
    )
    t.add_row("3 Nash offer, commitment problem", *[_fmt_p(o.p_deal) for o in result.outcomes])
    console.print(t)

    t = plain_table(
        title="Terms per issue (0 = low pole, 100 = high pole; 5–95 % over "
        f"{result.compromise_spread.draws:,} draws for the compromise, "
        f"{result.nash_spread.draws:,} Nash solutions)"
    )
    for col in ("issue", "0 =", "100 =", "compromise", "Nash"):
        numeric = col in ("compromise", "Nash")
        t.add_column(col, justify="right" if numeric else "left", overflow="fold", no_wrap=numeric)
    issues = {i.id: i for i in scn.issues}
    for issue in result.issues:
        lo_c, hi_c = result.compromise_spread.low[issue], result.compromise_spread.high[issue]
        lo_n, hi_n = result.nash_spread.low[issue], result.nash_spread.high[issue]
        t.add_row(
            issue,
            issues[issue].low if issue in issues else "",
            issues[issue].high if issue in issues else "",
            f"{result.compromise.terms[issue]:.0f} ({lo_c:.0f}–{hi_c:.0f})",
            f"{result.nash.terms[issue]:.0f} ({lo_n:.0f}–{hi_n:.0f})",
        )
    console.print(t)

    t = plain_table(
        title="Factions (policy units a year): capability, value of fighting on, Nash aid share "
        "and surplus, and P(signs) under each guarantor"
    )
    for col in ("faction", "cap.", "war", "aid", "surplus", *kinds):
        t.add_column(col, justify="left" if col == "faction" else "right", overflow="fold")
    for f in result.factions:
        spoiler = f in result.spoilers
        t.add_row(
            f + (" (spoiler)" if spoiler else ""),
            f"{result.capability[f]:.2f}",
            f"{result.war_value[f]:.2f}",
            f"{result.nash.aid_shares.get(f, 0.0):.2f}",
            "–" if spoiler else f"{result.nash_surplus[f]:.2f}",
            *[_fmt_p(o.p_sign[f]) for o in result.outcomes],
        )
    console.print(t)

    t = plain_table(
        title="What would bring each holdout in (in at least 80 % of the draws, the offer "
        "otherwise unchanged)"
    )
    for col in ("guarantor", "faction", "P(out)", "extra aid, US$M/yr", "strength needed"):
        left = col in ("guarantor", "faction")
        t.add_column(col, justify="left" if left else "right", overflow="fold")
    rows = 0
    for o in result.outcomes:
        for r in o.remedies:
            if r.p_holdout < 0.2:
                continue
            rows += 1
            t.add_row(
                o.guarantor.kind,
                r.faction,
                _fmt_p(r.p_holdout),
                _fmt_money(r.extra_aid_musd),
                _fmt_strength(r.strength_ratio, o.guarantor.kind),
            )
    if rows:
        console.print(t)
    else:
        console.print("No faction holds out in 20 % of the draws or more.")
    console.print(
        "Positions and saliences are an expert coding, perturbed in the draws; every other "
        "number is a 'bargain.*' parameter (value, range, source in the scenario): change it "
        "with --set bargain.NAME=VALUE."
    )
    if missing:
        console.print(
            f"[yellow]note:[/] the scenario does not declare {len(missing)} of the bargaining "
            "stage's parameters; their built-in defaults were used (see --json)."
        )


def _print_spread(spread: list[Any], console: Any) -> None:
    """P(deal) as a distribution over the parameter draws, and what decides it."""
    from rich import box

    from grudging.cli.render import plain_table

    draws = spread[0].p_deal.size
    t = plain_table(
        title=f"Across the uncertain parameters ({draws} draws, as 'grudging run' draws them)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for col in (
        "guarantor",
        "P(deal)\nmean",
        "P(deal)\nmedian [5–95 %]",
        "P(deal holds)\nmean",
        "decided most by (share of variance)",
    ):
        t.add_column(col, justify="left" if col[0] in "gd" else "right", overflow="fold")
    for s in spread:
        q = s.quantiles(s.p_deal)
        top = [d for d in s.drivers[:3] if d.s1 > 0.05]
        t.add_row(
            s.guarantor,
            _fmt_p(q["mean"]),
            f"{_fmt_p(q['median'])} [{_fmt_p(q['p5'])}–{_fmt_p(q['p95'])}]",
            _fmt_p(s.quantiles(s.p_deal_holds)["mean"]),
            ", ".join(f"{d.parameter.removeprefix('bargain.')} {d.s1:.2f}" for d in top) or "–",
        )
    console.print(t)
    console.print(
        "The table above holds the parameters at their nominal values; this one draws them from "
        "their ranges (first-order Sobol' indices from the draws, EASI: the share of P(deal)'s variance "
        "across draws each parameter explains alone). Fix one with --set bargain.NAME=VALUE."
    )

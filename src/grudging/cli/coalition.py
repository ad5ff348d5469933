"""``grudging coalition``: requirement, force-generation conference, price and sector map."""

from __future__ import annotations

import argparse
from typing import Any

from grudging.cli.scenario import add_scenario_argument
from grudging.rng import MASTER_SEED


def register(sub: Any) -> None:
    """Add the ``coalition`` command."""
    p = sub.add_parser(
        "coalition",
        help="generate a coalition: who serves, at what price, with which caveats, where",
        description=(
            "Run the coalition stages on a scenario: the troop requirement per region (with the "
            "proposal's force beside it, where the scenario declares one), each candidate nation's willingness under "
            "the offers a force-generation conference can make, the conference as a mixed-integer "
            "programme on HiGHS (which offers to make to whom within the budget and political "
            "capital), rules of engagement and caveats, and the sector map."
        ),
    )
    add_scenario_argument(p)
    p.add_argument(
        "--option",
        metavar="OPTION_ID",
        help="take the coalition plan of this course of action (default: the first "
        "option that generates a coalition)",
    )
    p.add_argument(
        "--budget",
        metavar="MUSD",
        type=float,
        help="money the patron can spend on offers, US$ million (first year)",
    )
    p.add_argument(
        "--command",
        metavar="TYPE",
        dest="command_type",
        help="who commands the force: a command of the scenario's registry (us, nato, un, eu, "
        "national, and the scenario's own; `grudging show --section commands` lists them)",
    )
    p.add_argument("--roe", metavar="LEVEL", help="common rules-of-engagement level")
    p.add_argument(
        "--target",
        metavar="TROOPS",
        type=int,
        help="seek a force of at most this many troops (e.g. 32000) instead of the requirement",
    )
    p.add_argument(
        "--curve",
        metavar="B1,B2,...",
        help="budgets (US$ million) for the cost curve (default: 0 to twice the budget)",
    )
    p.add_argument(
        "--objective",
        choices=("maximin", "weighted"),
        default="maximin",
        help="sector objective: weakest region's coverage (default) or weighted",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=MASTER_SEED,
        help=f"master seed, as in 'grudging run' (default: {MASTER_SEED})",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run)


def _split_overrides(
    assignments: list[str], declared: set[str]
) -> tuple[list[str], dict[str, float]]:
    """Scenario overrides (every key the scenario has, ``declared`` parameters included, set and
    checked as in every face), and values of the coalition parameters it borrows from the
    shared reference set, checked against the reference ranges."""
    import math

    from grudging.errors import ParameterError
    from grudging.scenarios.reference import coalition_parameters

    known = {p.name: p for p in coalition_parameters() if p.name not in declared}
    scenario: list[str] = []
    params: dict[str, float] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        param = known.get(key.strip())
        if sep and param is not None:
            try:
                number = float(value)
            except ValueError:
                raise ParameterError(
                    f"--set {item}: parameter '{param.name}' needs a number, not '{value}'"
                ) from None
            # the same check as every other face (grudging.scenario.overrides)
            if not math.isfinite(number) or not param.low <= number <= param.high:
                raise ParameterError(
                    f"--set {item}: {number:g} is outside its range [{param.low:g}, "
                    f"{param.high:g}] (the shared reference range of '{param.name}', which the "
                    "scenario does not declare); give a value inside it"
                )
            params[param.name] = number
        else:
            scenario.append(item)
    return scenario, params


def _parse_curve(text: str | None) -> list[float] | None:
    from grudging.errors import ParameterError

    if text is None:
        return None
    try:
        budgets = [float(b) for b in text.split(",") if b.strip()]
    except ValueError:
        budgets = []
    if not budgets:
        raise ParameterError(
            f"--curve {text!r}: give budgets in US$ million separated by commas, e.g. 0,500,1000"
        )
    for b in budgets:
        _check_money("--curve", b, f"budget {b:g}")
    return budgets


def _check_money(flag: str, value: float, what: str) -> None:
    """A sum of US$ million a patron could spend: finite, from 0 to the same ceiling the aid
    takes (``MAX_AID_MUSD``, US$1 trillion)."""
    import math

    from grudging.errors import ParameterError
    from grudging.model.bargain.params import MAX_AID_MUSD

    if not (math.isfinite(value) and 0 <= value <= MAX_AID_MUSD):
        raise ParameterError(
            f"{flag}: {what} is not a sum a patron can spend; give US$ million from 0 to "
            f"{MAX_AID_MUSD:,.0f}"
        )


def check_command(command: str | None, commands: Any) -> None:
    """Reject a command the scenario's registry lacks, with a did-you-mean."""
    from grudging.errors import ParameterError, did_you_mean

    if command is not None and command not in commands:
        raise ParameterError(
            f"--command {command}: unknown command type{did_you_mean(command, commands)}; "
            f"valid: {', '.join(commands)}"
        )


def run(args: argparse.Namespace) -> int:
    """Handler of ``grudging coalition``."""
    from grudging.cli.scenario import refuse_unknown_options

    # a misspelt --option is refused from the raw file before the model is imported (an override
    # of the options themselves leaves the check to the full load)
    if not any(a.strip().startswith("options") for a in args.set):
        refuse_unknown_options(args.scenario, [], [("--option", args.option)])
    from grudging.errors import InfeasibleError
    from grudging.model.conference import coalition_plan, run_conference
    from grudging.rng import stream
    from grudging.scenario import load_scenario
    from grudging.scenario.commands import commands_of
    from grudging.scenario.schema import MAX_TROOPS
    from grudging.scenarios.reference import coalition_records, coalition_values

    if args.budget is not None:
        _check_money("--budget", args.budget, f"{args.budget:g}")
    if args.target is not None and not 0 < args.target <= MAX_TROOPS:
        raise InfeasibleError(
            f"--target {args.target:,}: give a positive number of troops, at most {MAX_TROOPS:,}"
        )
    curve = _parse_curve(args.curve)
    declared = {p.name for p in load_scenario(args.scenario).parameters} if args.set else set()
    scenario_sets, param_sets = _split_overrides(args.set, declared)
    scn = load_scenario(args.scenario, overrides=scenario_sets)
    check_command(args.command_type, commands_of(scn))
    levels = [level.id for level in scn.roe_levels]
    if args.roe is not None and levels and args.roe not in levels:
        from grudging.errors import unknown_name

        raise InfeasibleError(
            f"--roe {args.roe}: {unknown_name('rules-of-engagement level', args.roe, levels)}"
        )
    values, borrowed = coalition_values(scn, param_sets)
    plan = coalition_plan(scn, args.option, args.budget, args.command_type, args.roe, args.target)
    result = run_conference(
        scn,
        plan,
        values,
        rng=stream(args.seed, "requirement"),  # the stream 'grudging run' plans with
        cost_curve=curve,
        objective=args.objective,
        declared=coalition_records(scn, param_sets),
    )
    if args.json:
        from grudging.cli._output import print_json

        payload = {"scenario": scn.id, "borrowed_parameters": borrowed, **result.to_dict()}
        print_json(_clean(payload))
        return 0
    _print(scn, result, borrowed)
    return 0


def _clean(obj: Any) -> Any:
    """Replace non-finite floats (JSON has none) by null."""
    if isinstance(obj, float):
        return obj if obj == obj and obj not in (float("inf"), float("-inf")) else None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def _money(musd: float) -> str:
    from grudging.cli.render import money

    return money(musd)


def _print(scn: Any, result: Any, borrowed: list[str]) -> None:
    from rich.markup import escape

    from grudging.cli._output import console
    from grudging.cli.render import plain_table

    req = result.requirement
    co = result.coalition
    sec = result.sectors
    plan = result.plan
    console.print(
        f"[bold]{escape(scn.title)}[/] — coalition under [bold]{co.command.upper()}[/] command, "
        f"ROE '{co.roe_level}', budget {_money(co.budget_musd)}, political capital "
        f"{co.political_capital:g}"
    )
    if borrowed:
        console.print(
            f"[dim]{len(borrowed)} coalition parameters not declared by the scenario "
            f"were taken from the built-in iraq-2007 reference set.[/]"
        )

    console.print()
    console.print("[bold]Requirement[/]")
    share = 100 * req.proposal_share if req.total > 0 else float("inf")
    console.print(
        f"  {req.total:,.0f} troops (5-95 %: {req.total_low:,.0f} - {req.total_high:,.0f}) for "
        f"{req.population / 1e6:,.1f} million people; gross density "
        f"{req.density_per_1000:.1f} per 1,000 before host forces"
    )
    if req.proposal_force > 0:
        console.print(
            f"  the proposal's force: {req.proposal_force:,.0f} troops = {share:.1f} % of the "
            "requirement"
        )
    t = plain_table(
        title="Requirement by region",
        show_lines=False,
        caption="mixedness: the region's fractionalization, 1 - the sum of the groups' squared "
        "shares; it raises the density the norm asks for",
    )
    for col in (
        "region",
        "population",
        "deaths/100k/mo",
        "mixedness",
        "norm /1000",
        "host (reliable)",
        "troops needed",
        "5-95 %",
    ):
        t.add_column(col, justify="left" if col == "region" else "right")
    for r in req.regions:
        t.add_row(
            r.region,
            f"{r.population:,}",
            f"{r.violence_per_100k:.2f}",
            f"{r.fractionalization:.2f}",
            f"{r.density_norm:.1f}",
            f"{r.host_effective:,.0f}",
            f"{r.troops:,.0f}",
            f"{r.low:,.0f}-{r.high:,.0f}",
        )
    console.print(t)

    t = plain_table(title="Coalition (largest effective strength first)")
    for col in (
        "nation",
        "troops",
        "effective",
        "quality",
        "cost",
        "$/eff. soldier",
        "arrives",
        "P(in)",
        "in theatre",
        "commands held",
        "UNGA align.",
        "tie",
    ):
        t.add_column(col, justify="left" if col in ("nation", "tie") else "right")
    for c in co.contingents:
        lead = " (lead)" if c.lead else ""
        nation = scn.nation(c.nation)
        align = "n/a" if nation.alignment is None else f"{nation.alignment:.2f}"
        t.add_row(
            f"{c.nation}{lead}",
            f"{c.troops:,}",
            f"{c.effective_strength:,.0f}",
            f"{c.quality:.2f}",
            _money(c.cost_musd),
            f"{c.price_per_effective_usd:,.0f}",
            f"month {c.arrival_month}",
            f"{c.probability:.2f}",
            f"{nation.theatre_troops:,}",
            str(nation.lead_roles),
            align,
            nation.ties,
        )
    console.print(t)
    t = plain_table(title="Why each nation is in, on what terms")
    for col in ("nation", "offers accepted", "caveats", "score terms that bring it in"):
        t.add_column(col)
    for c in co.contingents:
        caveats = ", ".join(c.caveats) or "none kept"
        if c.lifted_caveats:
            caveats += f"; lifted: {', '.join(c.lifted_caveats)}"
        if c.refused_caveats:
            caveats += f"; refused: {', '.join(c.refused_caveats)}"
        if c.roe_steps_bought:
            caveats += f"; ROE bought up {c.roe_steps_bought} level(s)"
        why = ", ".join(f"{n} {v:+.2f}" for n, v in c.reasons) or "-"
        t.add_row(c.nation, ", ".join(c.offers) or "none", caveats, why)
    console.print(t)
    made = ", ".join(co.global_offers) or "none"
    console.print(
        f"  total {co.total_troops:,} troops, {co.total_effective:,.0f} effective "
        f"({100 * co.coverage:.1f} % of the requirement; gap {co.gap:,.0f}); "
        f"first-year price {_money(co.total_cost_musd)}, then {_money(co.cost_musd_per_year)} a "
        f"year; political capital spent {co.political_spent:.2f} of {co.political_capital:g}"
    )
    console.print(f"  offers made to all: {made}", markup=False)
    if co.marginal_effective_per_musd is not None:
        per = co.marginal_effective_per_musd
        price = f"US${1e6 / per:,.0f} per effective soldier" if per > 0 else "nothing more to buy"
        console.print(f"  at the margin, US$1M more buys {per:,.1f} effective soldiers ({price})")
    if scn.patron is not None:  # a theatre without a patron has no troops of its to compare
        console.print(
            f"  the same number of the patron's troops would cost about "
            f"{_money(co.us_equivalent_cost_musd)} a year"
        )
    if plan.target_troops:
        console.print(f"  target: at most {plan.target_troops:,} troops")

    out = [s for s in co.candidates if s.status != "in"]
    if out:
        t = plain_table(title="Candidates not in the coalition")
        t.add_column("nation")
        t.add_column("status")
        t.add_column("why")
        for s in out:
            t.add_row(s.nation, s.status, s.reason)
        console.print(t)

    t = plain_table(title=f"Sector map (objective: {sec.objective})")
    for col in ("region", "needed", "lead", "nations", "troops", "effective", "coverage", "hops"):
        t.add_column(
            col,
            justify="right"
            if col in ("needed", "troops", "effective", "coverage", "hops")
            else "left",
        )
    for r in sec.regions:
        cov = "-" if r.requirement <= 0 else f"{100 * r.coverage:.0f} %"
        t.add_row(
            r.region,
            f"{r.requirement:,.0f}",
            r.lead or "-",
            ", ".join(r.nations) or "-",
            f"{r.troops:,}",
            f"{r.effective_strength:,.0f}",
            cov,
            str(r.supply_hops),
        )
    console.print(t)
    for nation, troops, why in sec.reserve:
        console.print(f"  reserve: {nation} {troops:,} troops ({why})", markup=False)

    if co.cost_curve:
        t = plain_table(title="Cost curve (free-riding expectation held at the plan's fixed point)")
        for col in ("budget", "effective", "troops", "committed", "nations", "optimal"):
            t.add_column(col, justify="right")
        for pt in co.cost_curve:
            t.add_row(
                _money(pt.budget_musd),
                f"{pt.effective_strength:,.0f}",
                f"{pt.troops:,}",
                _money(pt.spent_musd),
                str(pt.nations),
                "yes" if pt.optimal else "no",
            )
        console.print(t)

    s = co.solver
    gap = "n/a" if s.mip_gap is None else f"{100 * s.mip_gap:.4f} %"
    console.print(
        f"[dim]force generation: HiGHS {_said(s.status)}, gap {gap}, {s.solves} solves in "
        f"{s.solve_seconds:.2f} s ({s.n_variables} variables, {s.n_constraints} constraints), "
        f"free-riding fixed point in {s.fixed_point_iterations} steps "
        f"(expected ratio {co.expected_ratio:.3f})[/]"
    )
    sgap = "n/a" if sec.mip_gap is None else f"{100 * sec.mip_gap:.2f} %"
    console.print(
        f"[dim]sectors: HiGHS {_said(sec.status)}, gap {sgap}, {sec.solve_seconds:.2f} s; weakest "
        f"region covered {100 * sec.min_coverage:.1f} % (programme "
        f"{100 * sec.programme_min_coverage:.1f} % before rounding to units)[/]"
    )


def _said(status: str) -> str:
    """A solver status in words: ``node_limit`` is "stopped at its node limit"."""
    return "stopped at its node limit" if status == "node_limit" else status

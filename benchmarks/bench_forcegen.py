"""Benchmark: the whole force generation and sector assignment on a scenario.

Run from the repository root::

    uv run python benchmarks/bench_forcegen.py [SCENARIO]     # default: iraq-2007
    uv run python benchmarks/bench_forcegen.py --synthetic     # 60 nations, 18 regions

Prints, for the conference programme (all nations, all offers, at the free-riding fixed point):
HiGHS's solve time and MIP gap for the two stages, against two references measured in the same
run - the linear relaxation (its bound gives the integrality gap) and a greedy heuristic (best
effective strength per dollar first); then the whole force generation (fixed point included, no
cost curve) and the sector assignment. Solver times are HiGHS's own run times; wall times include
building the menus in Python.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np

from grudging.model import milp
from grudging.model.forcegen import (
    Menu,
    build_menu,
    build_programme,
    forcegen_params,
    generate_coalition,
    solve_menu,
)
from grudging.model.requirement import requirement, requirement_params
from grudging.model.sectors import assign_sectors
from grudging.scenarios.reference import coalition_values


def greedy(menu: Menu, budget: float, capital: float) -> float:
    """Best effective strength per dollar first, per offer state; the best state wins."""
    best = 0.0
    for s, state in enumerate(menu.states):
        money = budget - menu.fixed_money - state.money_musd
        pol = capital - menu.fixed_political - state.political
        if money < 0 or pol < 0:
            continue
        pkgs = sorted(
            (k for k in menu.packages if s in k.states),
            key=lambda k: -k.effective / (k.money_musd + 1e-3),
        )
        held: dict[str, Any] = {}
        for k in pkgs:
            cur = held.get(k.nation)
            dm = k.money_musd - (cur.money_musd if cur else 0.0)
            dp = k.political - (cur.political if cur else 0.0)
            de = k.effective - (cur.effective if cur else 0.0)
            if de > 0 and dm <= money and dp <= pol:
                held[k.nation] = k
                money -= dm
                pol -= dp
        best = max(best, sum(k.effective for k in held.values()))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="iraq-2007")
    parser.add_argument(
        "--synthetic", action="store_true", help="a synthetic 60-nation, 18-region theatre instead"
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    if args.synthetic:
        from grudging.scenarios.synthetic import synthetic_scenario

        scn = synthetic_scenario(60, 18, seed=1)
    else:
        from grudging.scenario import load_scenario

        scn = load_scenario(args.scenario)
    values, _ = coalition_values(scn)
    plan = next(o.coalition for o in scn.options if o.coalition is not None)
    fp = forcegen_params(values)
    req = requirement(scn, requirement_params(values))

    # The whole force generation (fixed point, no cost curve) and the sector assignment.
    walls, solver_s, sector_s = [], [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        co = generate_coalition(scn, plan, req, values, cost_curve=())
        walls.append(time.perf_counter() - start)
        solver_s.append(co.solver.solve_seconds)
        sec = assign_sectors(scn, co, req, values)
        sector_s.append(sec.solve_seconds)

    # The conference programme alone, at the fixed point, against its references.
    menu = build_menu(scn, plan, req, values, co.expected_ratio, plan.target_troops is not None)
    cap = None if plan.target_troops is not None else req.total
    milp_s, gaps = [], []
    for _ in range(args.repeat):
        pick = solve_menu(
            menu, plan.budget_musd, plan.political_capital, cap, plan.target_troops, fp
        )
        milp_s.append(pick.seconds)
        gaps.append(pick.mip_gap or 0.0)
    prog = build_programme(menu, plan.budget_musd, plan.political_capital, cap, plan.target_troops)
    relaxed = milp.MilpBuilder(**{**prog.model.__dict__, "integer": [0] * prog.model.n_vars})
    objective = [0.0] * prog.model.n_vars
    for j, v in prog.eff.items():
        objective[j] = v
    lp = milp.solve(relaxed, maximize=True, cost=objective)
    pure = solve_menu(
        menu,
        plan.budget_musd,
        plan.political_capital,
        cap,
        plan.target_troops,
        forcegen_params({**values, "forcegen.value_per_effective_musd": 0.0}),
        least_cost=False,
    )
    start = time.perf_counter()
    greedy_value = greedy(menu, plan.budget_musd, plan.political_capital)
    greedy_s = time.perf_counter() - start

    med = statistics.median
    print(
        f"scenario {scn.id}: {len(scn.nations)} nations, {len(scn.regions)} regions, "
        f"{len(scn.offers)} offers; menu {len(menu.packages)} packages x "
        f"{len(menu.states)} offer states; programme {prog.model.n_vars} columns, "
        f"{prog.model.n_rows} rows"
    )
    print(
        f"conference programme (2 stages): HiGHS {med(milp_s) * 1e3:.0f} ms median of "
        f"{args.repeat}, status {pick.status}, MIP gap {max(gaps):.2e}"
    )
    print(
        f"  pure strength (no value cap): {pure.effective:,.0f} effective in "
        f"{pure.seconds * 1e3:.0f} ms; LP relaxation bound {lp.objective:,.0f} in "
        f"{lp.seconds * 1e3:.1f} ms (integrality gap "
        f"{100 * (lp.objective - pure.effective) / max(lp.objective, 1e-9):.2f} %); greedy "
        f"{greedy_value:,.0f} in {greedy_s * 1e3:.1f} ms (MILP/greedy strength "
        f"{pure.effective / max(greedy_value, 1e-9):.3f}, time ratio "
        f"{pure.seconds / max(greedy_s, 1e-9):.0f}x)"
    )
    print(
        f"force generation (fixed point in {co.solver.fixed_point_iterations} steps, "
        f"{co.solver.solves} solves): HiGHS {med(solver_s):.2f} s, wall {med(walls):.2f} s; "
        f"{co.total_troops:,} troops, {co.total_effective:,.0f} effective, "
        f"{len(co.contingents)} contingents, status {co.solver.status}, gap "
        f"{co.solver.mip_gap:.2e}"
    )
    print(
        f"sector assignment: HiGHS {med(sector_s):.2f} s, status {sec.status}, gap "
        f"{(sec.mip_gap or 0.0):.2e}, weakest region {100 * sec.min_coverage:.1f} % "
        f"(bound of the programme {sec.bound if sec.bound is None else round(sec.bound, 4)})"
    )
    print(
        f"per conference (programme + sectors): {med(milp_s) + med(sector_s):.2f} s of solver "
        f"time; numpy {np.__version__}"
    )


if __name__ == "__main__":
    main()

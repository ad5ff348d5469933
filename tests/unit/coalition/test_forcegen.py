"""Force generation: the programme against known optima, the cost curve, offers and errors."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from coalition_helpers import values_of

from grudging.errors import InfeasibleError, ParameterError
from grudging.model.conference import coalition_plan
from grudging.model.forcegen import (
    ForceGenParams,
    GlobalState,
    Menu,
    Package,
    generate_coalition,
    solve_menu,
)
from grudging.model.requirement import requirement, requirement_params
from grudging.model.willingness import Response

FP = ForceGenParams(
    quality_floor=0.4,
    spend_per_soldier_low=5,
    spend_per_soldier_high=250,
    interop_outsider=0.85,
    interop_un=0.8,
    deploy_rate=1000,
    lift_speedup=2,
    us_cost_per_troop_year_musd=0.39,
    value_per_effective_musd=0.0,
)


def _package(
    nation: str,
    effective: float,
    money: float,
    political: float = 0.0,
    troops: int = 1,
    states: frozenset[int] = frozenset({0}),
) -> Package:
    resp = Response(nation, 0.0, 1.0, True, troops, 1.0, troops)
    return Package(
        nation, (), states, (), (), (), 0, troops, 1.0, effective, money, money, political, resp
    )


def test_knapsack_p01_known_optimum() -> None:
    """Burkardt's 0/1 knapsack P01: capacity 165, optimum 309 with items 1, 2, 3, 4 and 6."""
    weights = [23, 31, 29, 44, 53, 38, 63, 85, 89, 82]
    profits = [92, 57, 49, 68, 60, 43, 67, 84, 87, 72]
    menu = Menu(
        [_package(f"N{i}", p, w) for i, (w, p) in enumerate(zip(weights, profits, strict=True))],
        [GlobalState((), 0.0, 0.0)],
        0.0,
        0.0,
        (),
    )
    pick = solve_menu(menu, 165.0, 1.0, None, None, FP)
    assert pick.optimal
    assert pick.effective == pytest.approx(309)
    assert sorted(pick.chosen) == [0, 1, 2, 3, 5]
    assert pick.money == pytest.approx(165)


def _brute_force(menu: Menu, budget: float, capital: float) -> float:
    nations = sorted({k.nation for k in menu.packages})
    best = 0.0
    for s, state in enumerate(menu.states):
        options = [
            [None] + [k for k in menu.packages if k.nation == n and s in k.states] for n in nations
        ]
        for combo in itertools.product(*options):
            chosen = [k for k in combo if k is not None]
            money = state.money_musd + sum(k.money_musd for k in chosen)
            pol = state.political + sum(k.political for k in chosen)
            if money <= budget + 1e-9 and pol <= capital + 1e-9:
                best = max(best, sum(k.effective for k in chosen))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_multiple_choice_knapsack_with_coalition_wide_offers_matches_brute_force(
    seed: int,
) -> None:
    rng = np.random.default_rng(seed)
    states = [GlobalState((), 0.0, 0.0), GlobalState(("concession",), 0.0, 1.0)]
    packages = []
    for n in range(5):
        for s_set in (frozenset({0}), frozenset({1})):
            for _ in range(int(rng.integers(1, 3))):
                packages.append(
                    _package(
                        f"N{n}",
                        float(rng.integers(1, 60)),
                        float(rng.integers(0, 40)),
                        float(rng.choice([0.0, 0.5])),
                        states=s_set,
                    )
                )
    menu = Menu(packages, states, 0.0, 0.0, ())
    budget, capital = float(rng.integers(20, 90)), 1.5
    pick = solve_menu(menu, budget, capital, None, None, FP)
    assert pick.optimal
    assert pick.effective == pytest.approx(_brute_force(menu, budget, capital))
    assert pick.money <= budget + 1e-6
    assert len({menu.packages[i].nation for i in pick.chosen}) == len(pick.chosen)
    assert all(pick.state in menu.packages[i].states for i in pick.chosen)


def test_cost_curve_is_monotone(synthetic: Any) -> None:
    values = values_of(synthetic)
    req = requirement(synthetic, requirement_params(values))
    plan = synthetic.options[0].coalition
    budgets = [0, 50, 100, 200, 400, 800, 1600, 3200, 6400]
    co = generate_coalition(synthetic, plan, req, values, cost_curve=budgets)
    strengths = [pt.effective_strength for pt in co.cost_curve]
    assert [pt.budget_musd for pt in co.cost_curve] == budgets
    assert all(b >= a for a, b in itertools.pairwise(strengths))
    assert all(pt.optimal for pt in co.cost_curve)
    assert all(pt.spent_musd <= pt.budget_musd + 1e-6 for pt in co.cost_curve)


def test_coalition_respects_budget_capital_and_reports_the_solver(synthetic: Any) -> None:
    values = values_of(synthetic)
    req = requirement(synthetic, requirement_params(values))
    plan = synthetic.options[0].coalition.model_copy(update={"budget_musd": 500.0})
    co = generate_coalition(synthetic, plan, req, values, cost_curve=())
    assert co.total_cost_musd <= 500.0 + 1e-6
    assert co.political_spent <= plan.political_capital + 1e-9
    assert co.total_troops == sum(c.troops for c in co.contingents)
    assert co.solver.status == "optimal"
    assert co.solver.optimal
    assert co.solver.mip_gap is not None
    assert co.solver.mip_gap <= 1e-4
    for c in co.contingents:
        assert c.price_per_effective_usd == pytest.approx(1e6 * c.cost_musd / c.effective_strength)
        assert plan.arrival_month <= c.arrival_month < plan.arrival_month + plan.build_up_months
    statuses = {s.nation: s.status for s in co.candidates}
    assert set(statuses) == {n.id for n in synthetic.nations if n.id != synthetic.patron}


def test_troop_target_caps_the_force(iraq: Any) -> None:
    values = values_of(iraq)
    req = requirement(iraq, requirement_params(values))
    plan = coalition_plan(iraq).model_copy(update={"target_troops": 10_000})
    co = generate_coalition(iraq, plan, req, values, cost_curve=())
    assert 0 < co.total_troops <= 10_000


def test_removing_the_concession_lowers_the_contribution_of_those_who_need_it(iraq: Any) -> None:
    values = values_of(iraq)
    req = requirement(iraq, requirement_params(values))
    plan = coalition_plan(iraq)
    full = generate_coalition(iraq, plan, req, values, cost_curve=())
    assert "diplomatic_concession" in full.global_offers
    menu = tuple(o.id for o in iraq.offers if o.id != "diplomatic_concession")
    without = generate_coalition(
        iraq, plan.model_copy(update={"offers": menu}), req, values, cost_curve=()
    )
    opposed = {n.id for n in iraq.nations if n.opposed_intervention}

    def troops(co: Any) -> dict[str, int]:
        return {c.nation: c.troops for c in co.contingents if c.nation in opposed}

    before, after = troops(full), troops(without)
    assert sum(after.values()) < sum(before.values())
    assert any(after.get(n, 0) < t for n, t in before.items())


def test_negative_budget_is_refused(tiny_scn: Any) -> None:
    values = values_of(tiny_scn)
    req = requirement(tiny_scn, requirement_params(values))
    plan = tiny_scn.options[2].coalition.model_copy(update={"budget_musd": -1.0})
    with pytest.raises(InfeasibleError, match=r"negative|not possible"):
        generate_coalition(tiny_scn, plan, req, values, cost_curve=())


def test_unknown_command_is_refused_with_a_suggestion(tiny_scn: Any) -> None:
    values = values_of(tiny_scn)
    req = requirement(tiny_scn, requirement_params(values))
    plan = tiny_scn.options[2].coalition.model_copy(update={"command": "natoo"})
    with pytest.raises(ParameterError, match="did you mean 'nato'"):
        generate_coalition(tiny_scn, plan, req, values, cost_curve=())


def test_a_requirement_no_nation_can_serve_is_an_infeasible_request(tiny_scn: Any) -> None:
    from grudging.scenario import scenario_from_dict, scenario_to_dict

    data = scenario_to_dict(tiny_scn)
    for n in data["nations"]:
        n["max_roe"] = "self_defence"
    scn = scenario_from_dict(data)
    values = values_of(scn, roe__step_up_max=0.0)
    req = requirement(scn, requirement_params(values))
    plan = scn.options[2].coalition.model_copy(update={"roe_level": "enforcement"})
    with pytest.raises(InfeasibleError) as err:
        generate_coalition(scn, plan, req, values, cost_curve=())
    message = str(err.value)
    assert "no nation can serve the requirement" in message
    assert "rules of engagement" in message
    assert "Fix:" in message


def test_un_command_that_the_capital_cannot_pay_is_refused(iraq: Any) -> None:
    values = values_of(iraq)
    req = requirement(iraq, requirement_params(values))
    plan = coalition_plan(iraq).model_copy(update={"command": "un", "political_capital": 0.5})
    with pytest.raises(InfeasibleError, match="command 'un' needs offers"):
        generate_coalition(iraq, plan, req, values, cost_curve=())

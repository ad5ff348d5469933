"""Willingness: capacity, unit sizes, offers through attribute-derived sensitivities."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from coalition_helpers import values_of

from grudging.model.willingness import (
    CASH,
    CONCESSION,
    Inducements,
    candidates,
    capacity,
    respond,
    willingness_params,
)
from grudging.scenario.commands import shared_command


def test_capacity_is_the_sustainable_share_less_deployments(tiny_scn: Any) -> None:
    p = willingness_params(values_of(tiny_scn))
    nation = tiny_scn.nation("AAA")
    expected = int(nation.active_personnel * p.deployable_share / p.rotation_units)
    assert capacity(nation, p) == expected - nation.deployed_abroad
    deployed = nation.model_copy(update={"deployed_abroad": 10**9})
    assert capacity(deployed, p) == 0


def test_the_patron_pays_and_does_not_serve(tiny_scn: Any) -> None:
    assert tiny_scn.patron not in {n.id for n in candidates(tiny_scn)}


def test_cash_matters_more_to_poorer_nations(iraq: Any) -> None:
    p = willingness_params(values_of(iraq))
    gains = {}
    for nid in ("POL", "GBR"):
        n = iraq.nation(nid)
        without = respond(n, Inducements(frozenset(), shared_command("us")), p)
        with_cash = respond(n, Inducements(frozenset({CASH}), shared_command("us")), p)
        gains[nid] = with_cash.score - without.score
        assert with_cash.probability >= without.probability
    assert gains["POL"] > gains["GBR"] >= 0.0


def test_removing_the_concession_lowers_the_offer_of_opposed_nations(iraq: Any) -> None:
    p = willingness_params(values_of(iraq))
    for n in candidates(iraq):
        with_c = respond(n, Inducements(frozenset({CONCESSION}), shared_command("nato")), p)
        without = respond(n, Inducements(frozenset(), shared_command("nato")), p)
        if n.opposed_intervention:
            assert without.score < with_c.score
            assert without.troops <= with_c.troops
        else:
            assert without.score == pytest.approx(with_c.score)


def test_nato_command_draws_allies_and_repels_the_non_aligned(iraq: Any) -> None:
    p = willingness_params(values_of(iraq))
    fra, pak = iraq.nation("FRA"), iraq.nation("PAK")
    assert (
        respond(fra, Inducements(command=shared_command("nato")), p).score
        > respond(fra, Inducements(command=shared_command("us")), p).score
    )
    assert (
        respond(pak, Inducements(command=shared_command("nato")), p).score
        < respond(pak, Inducements(command=shared_command("us")), p).score
    )


def test_free_riding_lowers_the_share(tiny_scn: Any) -> None:
    p = willingness_params(values_of(tiny_scn))
    n = tiny_scn.nation("AAA")
    alone = respond(n, Inducements(), p, weight=0.1, expected_ratio=0.0)
    crowded = respond(n, Inducements(), p, weight=0.1, expected_ratio=1.0)
    assert crowded.share < alone.share


def _code_strings(path: Path) -> set[str]:
    """String constants of a module that are not docstrings (references may cite places)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    }


def test_model_code_names_no_country(iraq: Any) -> None:
    """Nothing in the model names a country: every nation comes from scenario attributes."""
    model = Path(__file__).resolve().parents[3] / "src" / "grudging" / "model"
    codes = {n.id for n in iraq.nations}
    names = {n.name for n in iraq.nations} | {r.name for r in iraq.regions}
    for path in model.glob("*.py"):
        strings = _code_strings(path)
        assert not (strings & codes), f"{path.name} names nations {strings & codes}"
        for text in strings:
            for name in names:
                assert re.search(rf"\b{re.escape(name)}\b", text) is None, f"{path.name}: {name}"

"""Guarantors from the command registry (docs/design-notes/guarantors.md): the bargain reads a
guarantor's strength, impartiality and years from its registry entry."""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import pytest

from grudging.errors import ParameterError, ScenarioError
from grudging.model.bargain import BargainParams, Guarantor, bargain, default_guarantor
from grudging.model.bargain.agreement import agreement_credibility
from grudging.model.bargain.draws import bargain_draws
from grudging.model.bargain.params import credibility, guarantor_figures
from grudging.rng import make_rng
from grudging.scenario.commands import commands_of, guarantee_figures, guarantor_ids
from grudging.scenario.schema import Command


def _au(guarantees: object) -> Command:
    return Command.model_validate(
        {
            "id": "au",
            "name": "African Union",
            "kind": "regional",
            "skill": 0.5,
            "salience": 0.7,
            "guarantees": guarantees,
        }
    )


def test_the_shared_guarantors_read_the_former_parameters() -> None:
    """us, nato and un read bargain.<figure>_<id>, so every number is what it was."""
    assert guarantor_ids() == ("none", "us", "nato", "un")
    rng = make_rng(4)
    drawn = BargainParams(
        **{
            f.name: rng.uniform(0.1, 0.9, 5)
            for f in fields(BargainParams)
            if f.name.startswith(("strength_", "impartiality_", "years_"))
        }
    )
    for kind in ("us", "nato", "un"):
        for params in (BargainParams(), drawn):
            figures = guarantor_figures(kind, params)
            for name, value in zip(("strength", "impartiality", "years"), figures, strict=True):
                np.testing.assert_array_equal(value, getattr(params, f"{name}_{kind}"))
        g = default_guarantor(kind, BargainParams())
        assert g == Guarantor(
            kind,
            getattr(BargainParams(), f"strength_{kind}"),
            getattr(BargainParams(), f"impartiality_{kind}"),
            getattr(BargainParams(), f"years_{kind}"),
        )
    assert guarantor_figures("none", BargainParams()) == (0.0, 0.0, 0.0)


def test_a_command_with_its_own_figures_guarantees(iraq) -> None:  # type: ignore[no-untyped-def]
    au = _au({"strength": 0.08, "impartiality": 0.7, "years": 2.0})
    scn = iraq.model_copy(update={"commands": (au,)})
    registry = commands_of(scn)
    assert guarantor_ids(registry) == ("none", "us", "nato", "un", "au")
    params = BargainParams()
    g = default_guarantor("au", params, registry)
    assert g == Guarantor("au", 0.08, 0.7, 2.0)
    # The vectorised draws read the same figures from the scenario's registry.
    draws = bargain_draws(scn, "au", None, params, make_rng(2), 60)
    direct = bargain(scn, g, None, params, make_rng(2), 60, n_terms=0).outcomes[0]
    assert draws.p_deal[0] == direct.p_deal
    assert draws.credibility[0] == credibility(g, params)
    assert agreement_credibility("au", params, registry) == credibility(g, params)


def test_guarantees_true_is_shorthand_for_the_parameters_of_its_id() -> None:
    figures = guarantee_figures(_au(True))
    assert figures is not None
    assert (figures.strength, figures.impartiality, figures.years) == (
        "bargain.strength_au",
        "bargain.impartiality_au",
        "bargain.years_au",
    )
    assert guarantee_figures(_au(False)) is None


def test_a_guarantor_lacking_a_figure_is_a_located_error(iraq) -> None:  # type: ignore[no-untyped-def]
    scn = iraq.model_copy(update={"commands": (_au(True),)})
    with pytest.raises(ScenarioError) as err:
        default_guarantor("au", BargainParams(), commands_of(scn))
    assert str(err.value) == (
        "the scenario file: commands[au].guarantees.strength: command 'au' guarantees, but its "
        "strength names 'bargain.strength_au' (guarantees: true reads it), which is not a "
        "guarantee parameter of the bargain stage; give a number or one of "
        "bargain.strength_nato, bargain.strength_un, bargain.strength_us, or set "
        "guarantees: false"
    )


def test_a_command_that_does_not_guarantee_is_refused() -> None:
    with pytest.raises(ParameterError) as err:
        default_guarantor("eu", BargainParams())
    assert str(err.value) == (
        "command 'eu' does not guarantee (common/commands.yaml: [eu].guarantees is false); "
        "guarantors: none, us, nato, un"
    )


def test_a_fielded_guarantee_still_overrides_the_figures() -> None:
    """The option planner fields a guarantee by replacing bargain.strength_<id>: the registry
    reads the replaced value."""
    params = replace(BargainParams(), strength_nato=0.4)
    assert default_guarantor("nato", params).strength_ratio == 0.4


def _au_guarantees(iraq):  # type: ignore[no-untyped-def]
    """iraq-2007 with an African Union that commands the proposal's coalition and guarantees
    its settlement, with figures of its own (no bargain parameter behind them)."""
    au = _au({"strength": 0.05, "impartiality": 0.7, "years": 3.0})
    options = tuple(
        o.model_copy(
            update={
                "coalition": o.coalition.model_copy(update={"command": "au"}),
                "bargain": o.bargain.model_copy(update={"guarantor": "au"}),
            }
        )
        if o.id == "nato_replaces"
        else o
        for o in iraq.options
    )
    return iraq.model_copy(update={"commands": (au,), "options": options})


def test_a_fielded_guarantee_replaces_its_own_figures_and_no_others(iraq, plan_cache) -> None:  # type: ignore[no-untyped-def]
    """The forces an option fields give its guarantor's strength, impartiality less the partisan
    share, and the plan's years; every other command keeps its registry figures."""
    from grudging.model.parameters import stage_parameters

    plan = plan_cache.plan(iraq, "nato_replaces")
    g = plan.guarantee
    assert g.fielded
    registry = commands_of(iraq)
    b = stage_parameters(BargainParams, iraq.parameter_values(), "bargain")
    _, impartiality, years = guarantor_figures(g.kind, b, registry)
    assert guarantor_figures(g.kind, g.params(b), registry) == (
        g.strength_ratio,
        impartiality * (1.0 - g.partisan_share),
        years if g.years is None else g.years,
    )
    for other in guarantor_ids(registry):
        if other != g.kind:
            assert guarantor_figures(other, g.params(b), registry) == guarantor_figures(
                other, b, registry
            )


def test_per_draw_guarantees_equal_each_guarantee_alone(iraq, plan_cache) -> None:  # type: ignore[no-untyped-def]
    """One guarantee per draw (fielded or not) reads, draw by draw, as that guarantee alone."""
    from grudging.model.bargain.params import params_at
    from grudging.model.parameters import stage_parameters
    from grudging.options import Guarantee, _guaranteed

    g = plan_cache.plan(iraq, "nato_replaces").guarantee
    unfielded = Guarantee(g.kind)
    registry = commands_of(iraq)
    b = stage_parameters(BargainParams, iraq.parameter_values(), "bargain")
    both = _guaranteed(g.kind, [g, unfielded], b)
    for i, one in enumerate((g, unfielded)):
        assert guarantor_figures(g.kind, params_at(both, i), registry) == guarantor_figures(
            g.kind, one.params(b), registry
        )


@pytest.mark.slow  # runs of the chain: the slow tier
def test_a_scenario_command_guarantees_in_the_chain(iraq) -> None:  # type: ignore[no-untyped-def]
    """A command the scenario writes, with figures of its own, guarantees a settlement in `run`:
    its fielded strength comes from the forces under it, and the run is reproducible."""
    from grudging.chain import simulate
    from grudging.model.parameters import stage_parameters
    from grudging.options import plan_option

    scn = _au_guarantees(iraq)
    plan = plan_option(scn, "nato_replaces")
    assert (plan.guarantee.kind, plan.guarantee.fielded) == ("au", True)
    b = stage_parameters(BargainParams, scn.parameter_values(), "bargain")
    strength, impartiality, _ = guarantor_figures("au", plan.guarantee.params(b), commands_of(scn))
    assert strength == plan.guarantee.strength_ratio != 0.05
    assert impartiality == 0.7 * (1.0 - plan.guarantee.partisan_share)
    first = simulate(scn, ["nato_replaces"], replications=8, seed=3)
    again = simulate(scn, ["nato_replaces"], replications=8, seed=3)
    assert first.scalars().equals(again.scalars())
    assert len(first.scalars()) == 8

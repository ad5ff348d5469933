"""Every stage's parameters have a domain (what the equations allow), and a declared value or
range outside it, or a pair of anchors out of order, is refused where it is written: one message,
exit code 2, before any option is planned (a theatre author's audit set host_reliability to -1
and every option failed inside its run; violence_high below violence_low ran silently)."""

from __future__ import annotations

import dataclasses
from importlib import resources
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from grudging.cli import main
from grudging.errors import ScenarioError
from grudging.model.bargain.params import BargainParams
from grudging.model.domains import (
    ANY_SIGN,
    NON_NEGATIVE,
    ORDERED,
    OWN,
    POSITIVE,
    SHARES,
    WHOLE,
    domain_error,
    has_domain,
    order_error,
)
from grudging.scenario import load_scenario
from grudging.scenario.runnable import known_parameters, stage_classes

KINDS = (SHARES, POSITIVE, NON_NEGATIVE, ANY_SIGN, frozenset(WHOLE), frozenset(OWN))


def _stage_names() -> list[str]:
    """Every parameter a stage reads, but the bargain's (which keeps its own domain) and the
    fields the chain derives."""
    return [
        f"{stage}.{f.name}"
        for stage, cls in stage_classes().items()
        if stage != "bargain"
        for f in dataclasses.fields(cls)
        if not f.metadata.get("derived")
    ]


def _shared_records() -> list[dict[str, Any]]:
    """Every record of every file of the shared parameter set."""
    folder = resources.files("grudging.scenarios").joinpath("common", "parameters")
    records: list[dict[str, Any]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            for r in yaml.safe_load(entry.read_text(encoding="utf-8")):
                records.append({**r, **{k: float(r[k]) for k in ("low", "value", "high")}})
    return records


def test_every_parameter_of_a_stage_has_one_domain() -> None:
    names = _stage_names()
    assert [n for n in names if not has_domain(n)] == []
    for name in names:
        assert sum(name in kind for kind in KINDS) == 1, name


def test_every_name_with_a_domain_is_a_parameter_a_stage_reads() -> None:
    named = set().union(*KINDS) | {n for pair in ORDERED for n in pair[:2]}
    assert named - set(known_parameters()) == set()


def test_every_shared_parameter_has_a_domain_and_lies_inside_it() -> None:
    records = _shared_records()
    bargain_fields = {f.name for f in dataclasses.fields(BargainParams)}
    assert len(records) > 100
    for r in records:
        name = str(r["name"])
        stage, _, field = name.partition(".")
        assert stage in stage_classes(), name
        assert has_domain(name) or (stage == "bargain" and field in bargain_fields), name
        assert domain_error(name, r["low"], r["value"], r["high"]) is None, name
    declared = [
        SimpleNamespace(**{k: r[k] for k in ("name", "low", "value", "high")}) for r in records
    ]
    assert order_error(declared) is None


@pytest.mark.parametrize(
    ("name", "low", "value", "high", "problem"),
    [
        (
            "requirement.host_reliability",
            -1,
            0.3,
            0.6,
            "= -1 (its declared low) must lie in [0, 1]",
        ),
        (
            "requirement.window_months",
            3,
            6.5,
            12,
            "= 6.5 (its declared value) must be an integer >= 1",
        ),
        ("requirement.violence_low", 0, 0.5, 1, "= 0 (its declared low) must be > 0"),
        ("requirement.mixedness_uplift", -1, 0.5, 1, "= -1 (its declared low) must be > -1"),
        ("willingness.rotation_units", 0.5, 5, 5, "= 0.5 (its declared low) must be >= 1"),
        ("willingness.gdp_reference", 0, 40000, 50000, "= 0 (its declared low) must be > 0"),
        (
            "forcegen.deploy_rate",
            500,
            1000,
            float("inf"),
            "= inf (its declared high) is not a finite",
        ),
        ("roe.robustness_elasticity", -0.5, 0.5, 1, "= -0.5 (its declared low) must be >= 0"),
        (
            "sectors.max_nations_per_region",
            0,
            3,
            5,
            "= 0 (its declared low) must be an integer >= 1",
        ),
        ("sectors.kin_share", 0.05, 0.1, 1.5, "= 1.5 (its declared high) must lie in [0, 1]"),
    ],
)
def test_a_value_outside_the_domain_is_named(
    name: str, low: float, value: float, high: float, problem: str
) -> None:
    message = domain_error(name, low, value, high)
    assert message is not None
    assert message.startswith(f"parameter '{name}' {problem}")
    assert message.endswith("; give a value and range inside that domain")


def test_logits_take_either_sign_and_a_switch_may_be_zero() -> None:
    assert domain_error("willingness.beta_opposed", -50.0, -3.0, 40.0) is None
    assert domain_error("willingness.intercept", -9.0, -1.0, 9.0) is None
    assert domain_error("forcegen.value_per_effective_musd", 0.0, 0.39, 1.0) is None
    assert domain_error("roe.step_up_max", 0.0, 0.0, 3.0) is None
    assert domain_error("requirement.mixedness_uplift", -0.5, 0.5, 1.0) is None


def test_the_bargain_keeps_its_own_domain_in_the_same_voice() -> None:
    message = domain_error("bargain.partial_quorum", 0.5, 0.75, 1.5)
    assert message == (
        "parameter 'bargain.partial_quorum' = 1.5 must lie in [0, 1]; it is a share (its declared "
        "high); give a value and range inside that domain"
    )


def _declared(**ranges: tuple[float, float, float]) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(name=f"requirement.{k}", low=lo, value=v, high=hi)
        for k, (lo, v, hi) in ranges.items()
    ]


def test_pairs_in_order_pass_and_touching_ranges_are_in_order() -> None:
    assert order_error(_declared(violence_low=(0.2, 0.5, 5), violence_high=(5, 10, 20))) is None
    # the norms may be equal (a flat norm); the violence anchors may not
    assert order_error(_declared(norm_policing=(1, 4, 4), norm_insurgency=(4, 4, 25))) is None
    assert order_error(_declared(violence_low=(0.2, 0.5, 1))) is None  # the pair is not declared


def test_equal_anchors_of_a_logarithmic_interpolation_are_refused() -> None:
    problem = order_error(_declared(violence_low=(0.2, 5, 5), violence_high=(5, 5, 20)))
    assert problem == (
        "requirement.violence_high",
        "parameters 'requirement.violence_low' = 5 and 'requirement.violence_high' = 5 (their "
        "declared values) must rise in that order (violence_low < violence_high): the norm is "
        "interpolated on the logarithm of violence from the first to the second; give "
        "'requirement.violence_high' a value above 5 or lower 'requirement.violence_low'",
    )


def test_a_contingent_minimum_above_the_unit_size_is_refused_before_any_draw() -> None:
    """The willingness stage checks the values; a sweep's independent draws from overlapping
    ranges could invert them mid-sweep, so the ranges are checked where they are written."""
    declared = [
        SimpleNamespace(name="willingness.min_contingent", low=5, value=10, high=150),
        SimpleNamespace(name="willingness.unit_size", low=100, value=150, high=200),
    ]
    problem = order_error(declared)
    assert problem is not None
    assert problem[0] == "willingness.unit_size"
    assert (
        "'willingness.min_contingent' (range [5, 150]) and 'willingness.unit_size' (range "
        in (problem[1])
    )


@pytest.mark.parametrize(
    ("assignments", "message"),
    [
        (
            ["parameters.requirement.host_reliability.low=-1", "requirement.host_reliability=-1"],
            "error: --set parameters.requirement.host_reliability.low=-1, --set "
            "requirement.host_reliability=-1: parameters[requirement.host_reliability]: parameter "
            "'requirement.host_reliability' = -1 (its declared value) must lie in [0, 1]; it is a "
            "share; give a value and range inside that domain",
        ),
        (
            ["parameters.requirement.norm_insurgency.low=-5", "requirement.norm_insurgency=-5"],
            "error: --set parameters.requirement.norm_insurgency.low=-5, --set "
            "requirement.norm_insurgency=-5: parameters[requirement.norm_insurgency]: parameter "
            "'requirement.norm_insurgency' = -5 (its declared value) must be > 0; give a value and "
            "range inside that domain",
        ),
        (
            ["parameters.requirement.window_months.low=0", "requirement.window_months=0"],
            "error: --set parameters.requirement.window_months.low=0, --set "
            "requirement.window_months=0: parameters[requirement.window_months]: parameter "
            "'requirement.window_months' = 0 (its declared value) must be an integer >= 1; it is a "
            "number of months; give a value and range inside that domain",
        ),
        (
            ["parameters.requirement.violence_high.low=0.1", "requirement.violence_high=0.1"],
            "error: --set parameters.requirement.violence_high.low=0.1, --set "
            "requirement.violence_high=0.1: parameters[requirement.violence_high]: parameters "
            "'requirement.violence_low' = 0.5 and 'requirement.violence_high' = 0.1 (their "
            "declared values) must rise in that order (violence_low < violence_high): the norm is "
            "interpolated on the logarithm of violence from the first to the second; give "
            "'requirement.violence_high' a value above 0.5 or lower 'requirement.violence_low'",
        ),
        (
            ["parameters.willingness.spend_professional_high.low=15"],
            "error: --set parameters.willingness.spend_professional_high.low=15: "
            "parameters[willingness.spend_professional_high]: parameters "
            "'willingness.spend_professional_low' (range [5, 20]) and "
            "'willingness.spend_professional_high' (range [15, 200]) overlap: a draw could put "
            "spend_professional_low above spend_professional_high, and the professional share is "
            "interpolated on the logarithm of spending per soldier from the first to the second; "
            "give ranges that do not overlap (the high of 'willingness.spend_professional_low' at "
            "most the low of 'willingness.spend_professional_high')",
        ),
    ],
)
def test_the_command_line_refuses_a_parameter_outside_its_domain_before_planning(
    never_plan: None,
    assignments: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = [a for assignment in assignments for a in ("--set", assignment)]
    assert main(["run", "-n", "20", "--quiet", *args]) == 2
    assert " ".join(capsys.readouterr().err.split()) == message


def test_inverted_norms_are_refused_where_they_are_written() -> None:
    overrides = ["parameters.requirement.norm_policing.high=30", "requirement.norm_policing=30"]
    with pytest.raises(ScenarioError) as info:
        load_scenario("bosnia-1995", overrides=overrides)
    assert (
        "parameters 'requirement.norm_policing' = 30 and 'requirement.norm_insurgency' = 20 "
        "(their declared values) must rise in that order (norm_policing <= norm_insurgency): the "
        "norm rises from the first at low violence to the second at high violence; give "
        "'requirement.norm_insurgency' a value at least 30 or lower 'requirement.norm_policing'"
    ) in str(info.value)


def test_a_range_widened_inside_the_domain_is_taken() -> None:
    scn = load_scenario(
        "iraq-2007",
        overrides=[
            "parameters.willingness.beta_opposed.low=-12",
            "parameters.requirement.host_reliability.high=1",
            "parameters.requirement.violence_high.low=1",
            "parameters.forcegen.spend_per_soldier_low.high=150",
        ],
    )
    assert scn.parameter("willingness.beta_opposed").low == -12
    assert scn.parameter("requirement.violence_high").low == 1

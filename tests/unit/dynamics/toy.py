"""A synthetic theatre for testing the dynamics alone (no scenario files)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from grudging.model.dynamics import DynamicsParams, ForceUnit, Theatre
from grudging.model.parameters import stage_parameters
from grudging.model.requirement import RequirementParams
from grudging.scenario.commands import shared_command, unit_traits

PARAMS = (
    Path(__file__).resolve().parents[3] / "src/grudging/scenarios/common/parameters/dynamics.yaml"
)


def nominal_params() -> DynamicsParams:
    """Nominal dynamics parameters of the built-in scenario."""
    rows = yaml.load(PARAMS.read_text(), Loader=yaml.CSafeLoader)
    return stage_parameters(DynamicsParams, {r["name"]: r["value"] for r in rows}, "dynamics")


def nominal_requirement() -> RequirementParams:
    """Nominal requirement parameters of the shared default set."""
    rows = yaml.load(PARAMS.with_name("requirement.yaml").read_text(), Loader=yaml.CSafeLoader)
    return stage_parameters(RequirementParams, {r["name"]: r["value"] for r in rows}, "requirement")


def theatre(rate: float = 10.0, n: int = 3, mixed: float = 0.5, spoilers: bool = True) -> Theatre:
    """``n`` regions of a million people in a chain, each at ``rate`` deaths per 100,000 a month."""
    adj = np.zeros((n, n))
    for i in range(n - 1):
        adj[i, i + 1] = adj[i + 1, i] = 1.0
    rows = adj.sum(axis=1, keepdims=True)
    comp = np.tile([1 - mixed, mixed], (n, 1))
    return Theatre(
        region_ids=tuple(f"r{i}" for i in range(n)),
        population=np.full(n, 1_000_000.0),
        neighbours=np.divide(adj, rows, out=np.zeros_like(adj), where=rows > 0),
        composition=comp,
        abroad_border=np.array([True] + [False] * (n - 1)),
        required_density=np.full(n, 20.0),
        initial_rate=np.full(n, rate),
        host_troops=np.full(n, 2000.0),
        faction_share=np.array([[0.6] * n, [0.3] * n, [0.1] * n]),
        faction_spoiler=np.array([False, False, spoilers]),
        faction_fighters=np.array([5000.0, 3000.0, 1000.0]),
        faction_home=np.full((3, n), 1.0 / n),
        insurgents=np.full(n, 1000.0),
        spoiler_home=np.full(n, 1.0 if spoilers else 0.0),
        kin_weights=np.zeros((0, n)),
        kin_population=np.zeros(0),
    )


def unit(
    troops: float, months: int, n: int = 3, kind: str = "patron", command: str = "us", **kw
) -> ForceUnit:  # type: ignore[no-untyped-def]
    """A force spread evenly over ``n`` regions, constant over ``months``."""
    return ForceUnit(
        name=kw.pop("name", f"{kind}-{command}"),
        nation=kw.pop("nation", None),
        kind=kind,
        **unit_traits(shared_command(command)),
        troops=np.full((n, months), troops / n),
        pk_skill=kw.pop("pk_skill", 1.0),
        **kw,
    )

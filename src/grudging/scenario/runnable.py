"""Whether a valid scenario can also run: it declares every parameter the chain's stages read.

A scenario may be valid data without being runnable (a toy theatre declaring a few parameters, for
tests of one stage). :func:`check_runnable` is what ``grudging validate`` and ``grudging run`` need
on top of validation: every declared parameter is one the model reads (a misspelling gets a
did-you-mean), and every parameter without a default that a stage the options use reads is declared.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from grudging.errors import GrudgingError, ScenarioError, did_you_mean

if TYPE_CHECKING:
    from grudging.scenario.schema import Scenario
    from grudging.scenario.yaml_input import SourceMap

#: Stages a coalition plan runs.
COALITION_STAGES = ("willingness", "forcegen", "roe", "sectors")


def stage_classes() -> dict[str, type[Any]]:
    """The parameter dataclass of every stage, by stage name."""
    from grudging.model.bargain.params import BargainParams
    from grudging.model.dynamics import DynamicsParams
    from grudging.model.forcegen import ForceGenParams
    from grudging.model.requirement import RequirementParams
    from grudging.model.roe import RoeParams
    from grudging.model.sectors import SectorParams
    from grudging.model.willingness import WillingnessParams

    return {
        "requirement": RequirementParams,
        "willingness": WillingnessParams,
        "forcegen": ForceGenParams,
        "roe": RoeParams,
        "sectors": SectorParams,
        "bargain": BargainParams,
        "dynamics": DynamicsParams,
    }


def stage_builders() -> dict[str, Callable[[Mapping[str, Any]], Any]]:
    """How each stage makes its parameters from values, with its checks of values against each
    other (the contingent ladder's order, a bargain's shares), by stage name."""
    from grudging.model.bargain.params import BargainParams
    from grudging.model.dynamics import DynamicsParams
    from grudging.model.forcegen import forcegen_params
    from grudging.model.parameters import stage_parameters
    from grudging.model.requirement import requirement_params
    from grudging.model.roe import roe_params
    from grudging.model.sectors import sector_params
    from grudging.model.willingness import willingness_params

    return {
        "requirement": requirement_params,
        "willingness": willingness_params,
        "forcegen": forcegen_params,
        "roe": roe_params,
        "sectors": sector_params,
        "bargain": partial(stage_parameters, BargainParams, stage="bargain"),
        "dynamics": partial(stage_parameters, DynamicsParams, stage="dynamics"),
    }


def known_parameters() -> list[str]:
    """Every parameter name some stage reads."""
    return [
        f"{stage}.{f.name}"
        for stage, cls in stage_classes().items()
        for f in dataclasses.fields(cls)
    ]


def stages_used(scn: Scenario) -> list[str]:
    """The stages ``grudging run`` runs for this scenario's options."""
    stages = ["requirement", "dynamics"]
    if any(o.coalition is not None for o in scn.options):
        stages[1:1] = COALITION_STAGES
    if scn.factions and any(o.bargain is not None for o in scn.options):
        stages.insert(-1, "bargain")
    return stages


def missing_parameters(scn: Scenario) -> list[str]:
    """Parameters without a default that the stages in use read and the scenario lacks."""
    declared = {p.name for p in scn.parameters}
    classes = stage_classes()
    return [
        f"{stage}.{f.name}"
        for stage in stages_used(scn)
        for f in dataclasses.fields(classes[stage])
        if f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
        and f"{stage}.{f.name}" not in declared
    ]


def check_runnable(scn: Scenario, smap: SourceMap | None = None) -> None:
    """Raise a located :class:`ScenarioError` unless the chain can run the scenario."""
    main = smap.main if smap is not None else "<scenario>"

    def where(loc: tuple[str | int, ...]) -> str:
        if smap is None:
            return main
        file, line = smap.locate(loc)
        return f"{file}:{line}" if line else file

    known = known_parameters()
    known_set = set(known)
    for i, p in enumerate(scn.parameters):
        if p.name not in known_set:
            hint = did_you_mean(p.name, known)
            stage_names = sorted({n.split(".")[0] for n in known})
            raise ScenarioError(
                f"{where(('parameters', i, 'name'))}: parameters[{p.name}]: the model reads no "
                f"parameter '{p.name}'{hint}; correct the name or remove it (stages: "
                f"{', '.join(stage_names)})"
            )
    missing = missing_parameters(scn)
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise ScenarioError(
            f"{where(('parameters',))}: parameters: the scenario lacks parameter '{missing[0]}'"
            f"{more} ({', '.join(missing[:8])}{', …' if len(missing) > 8 else ''}), which the "
            "options need to run; declare each with a value, a range and a source (copy them "
            "from the output of 'grudging dump iraq-2007')"
        )
    values, builders = scn.parameter_values(), stage_builders()
    for stage in stages_used(scn):
        try:
            builders[stage](values)
        except GrudgingError as err:  # values that conflict with each other
            raise ScenarioError(f"{where(('parameters',))}: parameters: {err}") from None
    window = round(scn.parameter("requirement.window_months").value)
    if not observed_violence(scn, window):
        raise ScenarioError(
            f"{where(('observations',))}: observations: no 'civilian_deaths' figure in the "
            f"{window} months up to the information date ({scn.information_date}); the violence "
            "starts from them (and the force requirement reads them), so without any the theatre "
            "would read as at peace; record the deaths by region and month, with their source "
            "(a calm month is a record of 0)"
        )


def observed_violence(scn: Scenario, window_months: int) -> bool:
    """Whether any civilian-deaths figure lies in the window that ends at the information date."""
    from grudging.model.requirement import VIOLENCE_SERIES
    from grudging.scenario.schema import month_index

    end = month_index(scn.information_date)
    return any(
        o.series == VIOLENCE_SERIES and end - window_months < month_index(o.month) <= end
        for o in scn.observations
    )

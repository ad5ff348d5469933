"""Typed access to a stage's parameters.

Each stage declares its parameters as a frozen dataclass of floats; the scenario declares the same
names, prefixed with the stage (``dynamics.self_excitation``), each with a value, a range and a
source. :func:`stage_parameters` builds the dataclass from a mapping of parameter values (the
scenario's nominal values, a design point of a sweep, or a draw), so stage code never looks
parameters up by string and a missing parameter is reported once, by name, with the fix.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from grudging.errors import ParameterError, did_you_mean

P = TypeVar("P")


def stage_parameters(cls: type[P], values: Mapping[str, Any], stage: str) -> P:
    """An instance of the dataclass ``cls`` from the ``stage.<field>`` entries of ``values``.

    Entries may be floats or numpy arrays (one value per replication, for vectorised stages).
    """
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    kwargs: dict[str, Any] = {}
    missing: list[str] = []
    for f in dataclasses.fields(cls):
        name = f"{stage}.{f.name}"
        if name in values and not f.metadata.get("derived"):
            kwargs[f.name] = values[name]
        elif f.default is not dataclasses.MISSING:
            kwargs[f.name] = f.default
        else:
            missing.append(name)
    if missing:
        known = [k for k in values if k.startswith(stage + ".")]
        hint = did_you_mean(missing[0], known)
        raise ParameterError(
            f"the scenario lacks parameter '{missing[0]}'{hint}"
            + (f" and {len(missing) - 1} more of stage '{stage}'" if len(missing) > 1 else "")
            + "; declare it under 'parameters' with a value, a range and a source"
        )
    return cls(**kwargs)


def parameter_names(cls: type[Any], stage: str) -> list[str]:
    """The scenario names of the parameters a stage dataclass needs (not the fields the chain
    derives, marked ``metadata={"derived": True}``)."""
    return [f"{stage}.{f.name}" for f in dataclasses.fields(cls) if not f.metadata.get("derived")]

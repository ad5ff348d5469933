"""Settings are validated with messages that name the value, the choices and the fix."""

from __future__ import annotations

import pytest

from grudging.abm.config import (
    ModelIConfig,
    ModelIIConfig,
    PeacekeeperConfig,
    Vision,
    with_settings,
)
from grudging.errors import ParameterError


def test_mesa_preset_matches_mesa_example_defaults() -> None:
    cfg = ModelIConfig.mesa()
    assert (cfg.width, cfg.height, cfg.citizen_density, cfg.cop_density) == (40, 40, 0.7, 0.074)
    assert cfg.citizen_vision == Vision("von_neumann", 7.0) == cfg.cop_vision
    assert (cfg.legitimacy, cfg.threshold, cfg.arrest_constant) == (0.8, 0.1, 2.3)
    assert (cfg.max_jail_term, cfg.rounding, cfg.jail_mode, cfg.jail_draw) == (
        1000,
        "nearest",
        "occupy",
        "inclusive",
    )


def test_unknown_switch_value_suggests_the_closest() -> None:
    with pytest.raises(ParameterError, match=r"unknown rounding 'flor' \(did you mean 'floor'\?\)"):
        ModelIConfig(rounding="flor")  # type: ignore[arg-type]


def test_unknown_behaviour_lists_choices() -> None:
    with pytest.raises(ParameterError, match="valid: interpose, patrol, reactive"):
        PeacekeeperConfig(behaviour="guard")  # type: ignore[arg-type]


def test_densities_cannot_exceed_one_agent_per_cell() -> None:
    with pytest.raises(ParameterError, match="exceeds 1"):
        ModelIIConfig(citizen_density=0.9, peacekeeper_density=0.2)


def test_vision_must_fit_the_torus() -> None:
    with pytest.raises(ParameterError, match="does not fit a 10 x 10 torus"):
        ModelIConfig(width=10, height=10)


def test_unknown_override_name_suggests_the_field() -> None:
    with pytest.raises(ParameterError, match="did you mean 'legitimacy'"):
        with_settings(ModelIConfig(), legitimcy=0.5)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"legitimacy": 1.5}, "legitimacy = 1.5 is outside"),
        ({"max_jail_term": -1}, "max_jail_term = -1"),
        ({"conflict_rounds": 0}, "conflict_rounds = 0"),
        ({"jail_mode": "occupy"}, "not available in Model II"),
    ],
)
def test_model2_rejects_bad_values(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(ParameterError, match=fragment):
        ModelIIConfig(**kwargs)  # type: ignore[arg-type]


def test_a_lattice_too_large_for_the_memory_is_refused_before_it_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import grudging.machine
    from grudging.abm.model1 import run_rebellion
    from grudging.abm.model2 import run_intergroup

    monkeypatch.setattr(grudging.machine, "available_memory", lambda: 3 * 2**30)
    for run, config in (
        (run_rebellion, ModelIConfig(width=20_000, height=20_000)),
        (run_intergroup, ModelIIConfig(width=20_000, height=20_000)),
    ):
        with pytest.raises(ParameterError) as info:
            run(config, 1, rng=1)  # type: ignore[operator]
        assert str(info.value).startswith(
            "width x height = 20,000 x 20,000 cells would need about 80.2 GB of memory, and "
            "3.2 GB is available; use a lattice of at most about "
        )


def test_a_model_refuses_a_config_of_another_kind() -> None:
    from grudging.abm.model1 import run_rebellion

    with pytest.raises(ParameterError, match=r"^config = \{'width': 20\}: give a ModelIConfig"):
        run_rebellion({"width": 20}, 1, rng=1)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="give a ModelIConfig"):
        run_rebellion(ModelIIConfig(width=20, height=20), 1, rng=1)  # type: ignore[arg-type]

"""Model II: invariants, determinism and Epstein's results under the settings that produced them.

Unless a test says otherwise the settings are Epstein's Model II runs as coded in the Brookings
Ascape implementation (``ModelIIConfig()``): 40 x 40 torus, 70 % agents in two equal groups,
vision 1.7 (8 adjacent cells), legitimacy 0.8, threshold 0.1, k = 2.3, floor rounding, jail terms
up to 15, fission 0.05, death age 200; synchronous activation.
"""

from __future__ import annotations

import numpy as np
import pytest

from grudging.abm.config import ModelIIConfig, PeacekeeperConfig
from grudging.abm.curve import coexistence_violence
from grudging.abm.model2 import JAILED, PEACEKEEPER, InterGroupModel, run_intergroup
from grudging.rng import make_rng, stream


@pytest.mark.parametrize("activation", ["synchronous", "sequential"])
@pytest.mark.parametrize("behaviour", ["reactive", "patrol", "interpose"])
def test_same_seed_same_trajectory_other_seed_differs(activation: str, behaviour: str) -> None:
    cfg = ModelIIConfig(width=20, height=20, activation=activation).with_peacekeepers(  # type: ignore[arg-type]
        0.05, behaviour
    )
    a = run_intergroup(cfg, 25, rng=5, record_frames=True)
    b = run_intergroup(cfg, 25, rng=make_rng(5), record_frames=True)
    c = run_intergroup(cfg, 25, rng=6, record_frames=True)
    assert a.frames is not None
    assert b.frames is not None
    assert c.frames is not None
    assert np.array_equal(a.frames, b.frames)
    for name in a.series:
        assert np.array_equal(a.series[name], b.series[name])
    assert not np.array_equal(a.frames, c.frames)


@pytest.mark.parametrize("activation", ["synchronous", "sequential"])
@pytest.mark.parametrize("behaviour", ["reactive", "patrol", "interpose"])
def test_invariants_hold_every_step(activation: str, behaviour: str) -> None:
    keepers = PeacekeeperConfig(behaviour=behaviour, salience=0.3)  # type: ignore[arg-type]
    cfg = ModelIIConfig(
        width=24, height=24, peacekeeper_density=0.06, peacekeepers=keepers, activation=activation
    )  # type: ignore[arg-type]
    model = InterGroupModel(cfg, make_rng(2))
    for _ in range(30):
        before = model.counts()
        model.step()
        free = model.state != JAILED
        cells = np.concatenate((model.cell[free], model.keeper_cell))
        assert np.unique(cells).size == cells.size  # one agent per cell
        after = model.counts()
        born, killed = after["births"], after["blue_killed"] + after["green_killed"]
        died = after["deaths_old_age"]
        assert (
            after["blue"] + after["green"]
            == before["blue"] + before["green"] + born - killed - died
        )
        assert (model.grid_codes() == PEACEKEEPER).sum() == model.n_keepers
        # casualties are replaced at the start of the next step
        assert model.n_keepers == cfg.peacekeeper_count - after["peacekeeper_casualties"]
        assert (model.age <= cfg.death_age).all()


def test_peaceful_coexistence_with_high_legitimacy() -> None:
    """Epstein Fig. 12: with legitimacy 0.9 (G <= 0.1 = T) nobody is ever violent."""
    run = run_intergroup(ModelIIConfig(legitimacy=0.9), 150, rng=1)
    assert run.killings.sum() == 0
    assert run.extinction_step is None


# Epstein's Figs. 13-16 (cleansing without peacekeepers, waiting time rising with their density,
# safe havens around them) are findings F10 of the project's findings suite: they run as checks
# of grudging.evidence.findings (grudging evidence; tests/findings/test_literature.py).


@pytest.mark.parametrize("seed", [0, 1])
def test_extinction_without_peacekeepers_sequential(seed: int) -> None:
    """The same with per-agent sequential activation (seen: 60 and 74 steps)."""
    cfg = ModelIIConfig(activation="sequential")
    run = run_intergroup(cfg, 200, rng=seed, stop_at_extinction=True)
    assert run.extinction_step is not None


def test_interposition_lowers_violence_in_a_mixed_neighbourhood() -> None:
    """An interposing force (density 0.08) cuts deaths while the groups are mixed, keeps both.

    Seen: 1,038 against 4,172 deaths per 1,000 agents per 100 steps while mixed (25 %); both
    groups survive 150 steps in all 4 seeds.
    """
    none, interposed, survivors = [], [], 0
    for seed in range(4):
        rng_key = stream(7, "mixed", seed)
        without = run_intergroup(ModelIIConfig(), 150, rng=rng_key)
        rng_key = stream(7, "mixed", seed)
        cfg = ModelIIConfig().with_peacekeepers(0.08, "interpose")
        with_force = run_intergroup(cfg, 150, rng=rng_key)
        none.append(coexistence_violence(without)[0])
        interposed.append(coexistence_violence(with_force)[0])
        survivors += with_force.extinction_step is None
    assert np.mean(interposed) < 0.7 * np.mean(none)
    assert survivors >= 3


def test_salient_force_draws_attacks_and_more_activity() -> None:
    """A force that is itself a target suffers casualties and meets more active agents.

    Reactive force at density 0.08, 80 steps, seeds 0-2. Seen: 2,992 agent-steps of activity
    with an impartial force against 5,950 with salience 0.8, and 678 peacekeepers killed.
    """
    actives = {0.0: 0, 0.8: 0}
    casualties = {0.0: 0, 0.8: 0}
    for seed in range(3):
        for salience in actives:
            keepers = PeacekeeperConfig(behaviour="reactive", salience=salience)
            cfg = ModelIIConfig(peacekeeper_density=0.08, peacekeepers=keepers)
            run = run_intergroup(cfg, 80, rng=seed)
            actives[salience] += int((run.series["blue_active"] + run.series["green_active"]).sum())
            casualties[salience] += int(run.series["peacekeeper_casualties"].sum())
    assert casualties[0.0] == 0
    assert casualties[0.8] > 100
    assert actives[0.8] > 1.4 * actives[0.0]


def test_offspring_inherit_group_and_traits() -> None:
    cfg = ModelIIConfig(width=20, height=20, legitimacy=0.9, citizen_density=0.3)
    model = InterGroupModel(cfg, make_rng(4))
    founders = set(zip(model.hardship.round(12).tolist(), model.group.tolist(), strict=True))
    for _ in range(20):
        model.step()
    assert model.n_agents > 0.3 * 400  # they multiplied
    now = set(zip(model.hardship.round(12).tolist(), model.group.tolist(), strict=True))
    assert now <= founders  # clones: every (hardship, group) pair comes from a founder


@pytest.mark.parametrize("behaviour", ["none", "reactive", "patrol", "interpose"])
def test_model_two_kills_are_the_deaths_when_killers_take_the_site(behaviour: str) -> None:
    """Each step the population is last step's plus births less kills and deaths of old age: a
    killer that moved into its victim's cell is a target there, and only there (the targets of
    later conflict rounds followed the layers it left)."""
    keepers = (
        {}
        if behaviour == "none"
        else {
            "peacekeeper_density": 0.04,
            "peacekeepers": PeacekeeperConfig(behaviour=behaviour, salience=0.3),
        }
    )
    for seed in range(3):
        config = ModelIIConfig(width=30, height=30, killer_takes_site=True, **keepers)
        s = run_intergroup(config, 30, rng=seed).series
        people = np.asarray(s["blue"]) + np.asarray(s["green"])
        change = (
            np.asarray(s["births"])
            - np.asarray(s["blue_killed"])
            - np.asarray(s["green_killed"])
            - np.asarray(s["deaths_old_age"])
        )
        np.testing.assert_array_equal(people[1:], people[:-1] + change[1:])

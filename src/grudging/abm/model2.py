"""Epstein's civil-violence Model II: violence between two groups, with peacekeepers.

A step, in both engines, is: (0) force generation replaces killed peacekeepers (if asked);
(1) jail terms count down and the released come back near their old cell; (2) free agents decide
(active when ``G - R P > T`` and someone of the other group is in vision); (3) active agents
attack: a random member of the other group in vision is killed (never one in a cell shielded by an
interposing peacekeeper); a salient force draws some attacks on itself; (4) peacekeepers arrest a
random active agent in their vision, *before* (3) when their behaviour is pre-emptive;
(5) peacekeepers move as their behaviour says, then agents move to a random empty cell in vision;
(6) demography: everyone ages, dies after ``death_age``; a free agent splits with probability
``fission_probability`` into a random empty adjacent cell.

``activation="synchronous"`` applies each phase to all agents at once: decisions see the actives
of the previous step; attacks in one round are simultaneous (an agent killed in a round may still
have struck in it; a losing claimant tries again next round); arrests, moves and births resolve
contested targets at random, with retries for ``conflict_rounds`` rounds.
``activation="sequential"`` lets agents take their whole turn (decide, attack, move; or arrest,
move) one at a time in random order, seeing everything done before them; with a pre-emptive
behaviour all peacekeepers take their turns before all agents. Demography is the same vectorised
phase in both.

Grievance and legitimacy follow Epstein: ``G = H (1 - L)`` with ``L`` the legitimacy of the other
group's right to exist. With a salient force, ``L`` becomes ``L (1 - salience)`` for an agent that
sees a peacekeeper, an active agent seeing one may attack it (probability ``salience``) and such an
attack kills it with probability ``casualty_probability``.

Reproduction is not specified in the PNAS paper beyond "agents ... reproduce"; it follows the
Brookings Ascape implementation of the same models: fission probability 0.05 per step, a child of
the same group with the parent's hardship and risk aversion (``offspring_traits="inherited"``, a
clone) in a random empty adjacent (Moore) cell, age 0; death above age 200, with initial ages
uniform on ``{0, ..., death_age}``.

References
----------
Epstein, J. M. (2002). Modeling civil violence: An agent-based computational approach. PNAS 99
(suppl. 3), 7243-7250. doi:10.1073/pnas.092080199.
Epstein, J. M., Steinbruner, J. D. & Parker, M. T. (2001). Modeling civil violence: An agent-based
computational approach. Brookings CSED Working Paper 20.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from grudging.abm._seed import RngLike, as_generator
from grudging.abm.config import ModelIIConfig, Vision, check_lattice_memory
from grudging.abm.lattice import (
    BoolArray,
    CountArray,
    IntArray,
    Lattice,
    first_claims,
    move_to_empty,
)
from grudging.abm.model1 import ACTIVE, JAILED, QUIET, arrest_probability, draw_jail_terms
from grudging.abm.peacekeepers import behaviour, near_mask, steer, steering_scores
from grudging.abm.trace import series_frame, trace
from grudging.errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

BLUE, GREEN = 0, 1
GROUP_NAMES = ("blue", "green")

# Cell codes of a snapshot (``grid_codes``).
EMPTY, BLUE_QUIET, GREEN_QUIET, BLUE_ACTIVE, GREEN_ACTIVE, PEACEKEEPER = 0, 1, 2, 3, 4, 5
CODE_LABELS: dict[int, str] = {
    EMPTY: "empty",
    BLUE_QUIET: "blue",
    GREEN_QUIET: "green",
    BLUE_ACTIVE: "blue (active)",
    GREEN_ACTIVE: "green (active)",
    PEACEKEEPER: "peacekeeper",
}

SERIES = (
    "blue",
    "green",
    "blue_active",
    "green_active",
    "jailed",
    "blue_killed",
    "green_killed",
    "arrests",
    "births",
    "deaths_old_age",
    "peacekeepers",
    "peacekeeper_casualties",
)


class InterGroupModel:
    """A running instance of Model II.

    Parameters
    ----------
    config
        The settings, including peacekeeper behaviour and the replication switches.
    rng
        A ``numpy.random.Generator`` or an integer seed (through :mod:`grudging.rng`).
    """

    def __init__(self, config: ModelIIConfig, rng: RngLike) -> None:
        if not isinstance(config, ModelIIConfig):
            raise ParameterError(
                f"config = {config!r:.60}: give a ModelIIConfig (grudging.abm.config)"
            )
        check_lattice_memory(config.width, config.height)
        self.config = config
        self.rng = as_generator(rng)
        self.behaviour = behaviour(config.peacekeepers.behaviour)
        cells = config.cells
        n_agents = round(config.citizen_density * cells)
        n_keepers = config.peacekeeper_count
        sites = self.rng.permutation(cells)[: n_agents + n_keepers].astype(np.int64)
        self.cell: IntArray = sites[:n_agents].copy()
        self.keeper_cell: IntArray = sites[n_agents:].copy()
        self.group = (self.rng.random(n_agents) >= config.blue_share).astype(np.int8)
        self.hardship = self.rng.random(n_agents)
        self.risk_aversion = self.rng.random(n_agents)
        self.age = self.rng.integers(0, config.death_age + 1, size=n_agents)
        self.state = np.zeros(n_agents, dtype=np.int8)
        self.jail_left = np.zeros(n_agents, dtype=np.int64)
        h, w = config.height, config.width
        self.view = Lattice(h, w, config.citizen_vision)
        self.keeper_view = (
            self.view
            if config.peacekeeper_vision == config.citizen_vision
            else Lattice(h, w, config.peacekeeper_vision)
        )
        self.sensing = Lattice(h, w, Vision("euclidean", config.peacekeepers.sensing_radius))
        self.adjacent = Lattice(h, w, Vision("moore", 1.0))
        self.time = 0
        self.target_keepers = n_keepers
        self.last: dict[str, int] = dict.fromkeys(SERIES, 0)
        self.extinction_step: int | None = None

    # ------------------------------------------------------------------------------ queries
    @property
    def n_agents(self) -> int:
        """Living agents of both groups, free or jailed."""
        return int(self.cell.size)

    @property
    def n_keepers(self) -> int:
        """Peacekeepers on the lattice."""
        return int(self.keeper_cell.size)

    def counts(self) -> dict[str, int]:
        """Group sizes and actives now, and the events of the last step."""
        jailed = self.state == JAILED
        active = self.state == ACTIVE
        blue = self.group == BLUE
        out = dict(self.last)
        out.update(
            blue=int(np.count_nonzero(blue)),
            green=int(np.count_nonzero(~blue)),
            blue_active=int(np.count_nonzero(active & blue)),
            green_active=int(np.count_nonzero(active & ~blue)),
            jailed=int(np.count_nonzero(jailed)),
            peacekeepers=self.n_keepers,
        )
        return out

    def grid_codes(self) -> NDArray[np.int8]:
        """The lattice as a ``height x width`` array of cell codes (see ``CODE_LABELS``)."""
        codes = np.zeros(self.config.cells, dtype=np.int8)
        free = self.state != JAILED
        active = (self.state == ACTIVE).astype(np.int8)
        codes[self.cell[free]] = (1 + self.group + 2 * active)[free]
        codes[self.keeper_cell] = PEACEKEEPER
        return codes.reshape(self.config.height, self.config.width)

    def _layers(self) -> tuple[BoolArray, BoolArray, BoolArray, BoolArray, BoolArray]:
        """occupied, keeper, active, blue, green cells (free agents only)."""
        cells = self.config.cells
        free = self.state != JAILED
        occupied = np.zeros(cells, dtype=bool)
        occupied[self.cell[free]] = True
        occupied[self.keeper_cell] = True
        keeper = np.zeros(cells, dtype=bool)
        keeper[self.keeper_cell] = True
        active = np.zeros(cells, dtype=bool)
        active[self.cell[self.state == ACTIVE]] = True
        blue = np.zeros(cells, dtype=bool)
        blue[self.cell[free & (self.group == BLUE)]] = True
        green = np.zeros(cells, dtype=bool)
        green[self.cell[free & (self.group == GREEN)]] = True
        return occupied, keeper, active, blue, green

    # -------------------------------------------------------------------------------- steps
    def step(self) -> None:
        """Advance one step with the configured activation."""
        self.last = dict.fromkeys(SERIES, 0)
        occupied = self._replace_casualties()
        self._release(occupied)
        if self.config.activation == "sequential":
            alive = self._turns_sequential(occupied)
        else:
            alive = self._turns_synchronous(occupied)
        self._demography(alive)
        self.time += 1
        counts = self.counts()
        if self.extinction_step is None and min(counts["blue"], counts["green"]) == 0:
            self.extinction_step = self.time

    def _replace_casualties(self) -> BoolArray:
        occupied = self._layers()[0]
        missing = self.target_keepers - self.n_keepers
        if missing > 0 and self.config.peacekeepers.replace_casualties:
            empty = np.flatnonzero(~occupied)
            new = self.rng.permutation(empty)[:missing]
            self.keeper_cell = np.concatenate((self.keeper_cell, new))
            occupied[new] = True
        return occupied

    def _reenter_cell(self, old_cell: int, occupied: BoolArray) -> int:
        if not occupied[old_cell]:
            return old_cell
        near = self.view.choose(np.asarray([old_cell]), ~occupied, self.rng)[0]
        if near >= 0:
            return int(near)
        empty = np.flatnonzero(~occupied)
        return int(empty[self.rng.integers(empty.size)]) if empty.size else -1

    def _release(self, occupied: BoolArray) -> None:
        jailed = np.flatnonzero(self.state == JAILED)
        if jailed.size == 0:
            return
        serving = self.jail_left[jailed] > 0
        self.jail_left[jailed[serving]] -= 1
        for i in jailed[~serving].tolist():
            cell = self._reenter_cell(int(self.cell[i]), occupied)
            if cell < 0:
                continue
            occupied[cell] = True
            self.cell[i] = cell
            self.state[i] = QUIET

    def _grievance(self, keepers_seen: CountArray, idx: IntArray) -> NDArray[np.float64]:
        cfg = self.config
        salience = cfg.peacekeepers.salience
        legitimacy = np.full(idx.size, cfg.legitimacy)
        if salience > 0:
            legitimacy[keepers_seen > 0] *= 1.0 - salience
        return np.asarray(self.hardship[idx] * (1.0 - legitimacy), dtype=np.float64)

    def _decides_active(
        self,
        idx: IntArray,
        keepers_seen: CountArray,
        actives_seen: CountArray,
        others_seen: CountArray,
    ) -> BoolArray:
        cfg = self.config
        p = arrest_probability(keepers_seen, actives_seen, cfg.arrest_constant, cfg.rounding)
        net = self._grievance(keepers_seen, idx) - self.risk_aversion[idx] * p
        has_target = others_seen > 0
        if cfg.peacekeepers.salience > 0:
            has_target |= keepers_seen > 0
        return np.asarray((net > cfg.threshold) & has_target, dtype=bool)

    def _jail(self, seized: IntArray) -> None:
        cfg = self.config
        self.state[seized] = JAILED
        self.jail_left[seized] = draw_jail_terms(
            self.rng, seized.size, cfg.max_jail_term, cfg.jail_draw
        )
        self.last["arrests"] += int(seized.size)

    # ----------------------------------------------------------------- synchronous engine
    def _arrest_all(
        self,
        alive: BoolArray,
        occupied: BoolArray,
        active_cells: BoolArray,
        agent_at: IntArray,
        group_cells: tuple[BoolArray, ...],
    ) -> None:
        """Every peacekeeper seizes a random active agent in its vision (simultaneously).

        The seized leave the lattice: their cells are cleared in ``occupied``, ``active_cells``,
        ``agent_at`` and every layer of ``group_cells``.
        """
        if self.n_keepers == 0 or not active_cells.any():
            return
        hunters = np.flatnonzero(self.keeper_view.count(active_cells)[self.keeper_cell] > 0)
        for _ in range(self.config.conflict_rounds):
            if hunters.size == 0:
                break
            target = self.keeper_view.choose(self.keeper_cell[hunters], active_cells, self.rng)
            won = first_claims(target, self.rng)
            cells = target[won]
            seized = agent_at[cells]
            seized = seized[alive[seized]]
            self._jail(seized)
            active_cells[cells] = False
            occupied[cells] = False
            agent_at[cells] = -1
            for layer in group_cells:
                layer[cells] = False
            hunters = hunters[(target >= 0) & ~won]

    def _turns_synchronous(self, occupied: BoolArray) -> BoolArray:
        cfg, rng, kind = self.config, self.rng, self.behaviour
        n = self.n_agents
        alive = np.ones(n, dtype=bool)
        _, keeper, active, blue, green = self._layers()
        keepers_seen, actives_seen, blues_seen, greens_seen = self.view.count_many(
            keeper, active, blue, green
        )
        free = np.flatnonzero(self.state != JAILED)
        where = self.cell[free]
        others = np.where(self.group[free] == BLUE, greens_seen[where], blues_seen[where])
        rebels = self._decides_active(free, keepers_seen[where], actives_seen[where], others)
        self.state[free] = np.where(rebels, ACTIVE, QUIET)

        agent_at = np.full(cfg.cells, -1, dtype=np.int64)
        agent_at[where] = free
        active[:] = False
        active[self.cell[self.state == ACTIVE]] = True
        if kind.pre_emptive:
            self._arrest_all(alive, occupied, active, agent_at, (blue, green))

        # Attacks.
        attackers = np.flatnonzero(self.state == ACTIVE)
        killing_sites = np.zeros(cfg.cells, dtype=bool)
        moved = np.zeros(n, dtype=bool)
        if attackers.size:
            salience = cfg.peacekeepers.salience
            if salience > 0 and self.n_keepers:
                sees_keeper = keepers_seen[self.cell[attackers]] > 0
                on_keeper = sees_keeper & (rng.random(attackers.size) < salience)
                self._attack_keepers(attackers[on_keeper], keeper, occupied)
                attackers = attackers[~on_keeper]
            shielded = (
                near_mask(self.adjacent, keeper)
                if kind.shields and self.n_keepers
                else np.zeros(cfg.cells, dtype=bool)
            )
            victims_of = [green & ~shielded, blue & ~shielded]  # targets of blues, of greens
            pending = attackers
            for _ in range(cfg.conflict_rounds):
                if pending.size == 0:
                    break
                target = np.full(pending.size, -1, dtype=np.int64)
                for g in (BLUE, GREEN):
                    rows = np.flatnonzero(self.group[pending] == g)
                    if rows.size:
                        target[rows] = self.view.choose(
                            self.cell[pending[rows]], victims_of[g], rng
                        )
                won = first_claims(target, rng)
                cells = target[won]
                dead = agent_at[cells]
                assert (dead >= 0).all(), "a target cell holds no agent"  # the layers are stale
                alive[dead] = False
                killed_blue = int(np.count_nonzero(self.group[dead] == BLUE))
                self.last["blue_killed"] += killed_blue
                self.last["green_killed"] += int(dead.size) - killed_blue
                for layer in (victims_of[0], victims_of[1], blue, green, active):
                    layer[cells] = False
                occupied[cells] = False
                agent_at[cells] = -1
                killing_sites[cells] = True
                if cfg.killer_takes_site:
                    killers = pending[won]
                    keep = alive[killers]
                    killers, cells = killers[keep], cells[keep]
                    left = self.cell[killers]
                    self._relocate(killers, cells, occupied, agent_at, (blue, green, active))
                    # a killer that moved is a target where it now stands, and only there
                    for victims, group in zip(victims_of, (green, blue), strict=True):
                        victims[left] = False
                        victims[cells] = group[cells] & ~shielded[cells]
                    moved[killers] = True
                pending = pending[(target >= 0) & ~won]
                pending = pending[alive[pending]]
        active[:] = False
        active[self.cell[alive & (self.state == ACTIVE)]] = True
        if not kind.pre_emptive:
            self._arrest_all(alive, occupied, active, agent_at, (blue, green))

        # Peacekeepers move, then agents.
        if self.n_keepers:
            scores = steering_scores(
                kind.steering,
                self.sensing,
                activity=active | killing_sites,
                blue=blue,
                green=green,
                keepers=keeper,
            )
            self._move_keepers(scores, occupied)
        walkers = np.flatnonzero(alive & (self.state != JAILED) & ~moved)
        self.cell[walkers] = move_to_empty(
            [self.view], self.cell[walkers], None, occupied, rng, cfg.conflict_rounds
        )
        return alive

    def _relocate(
        self,
        who: IntArray,
        to: IntArray,
        occupied: BoolArray,
        agent_at: IntArray,
        layers: tuple[BoolArray, ...],
    ) -> None:
        """Move agents ``who`` to cells ``to`` (free by construction), keeping the layers right."""
        src = self.cell[who]
        occupied[src] = False
        occupied[to] = True
        agent_at[src] = -1
        agent_at[to] = who
        for layer in layers:
            values = layer[src].copy()
            layer[src] = False
            layer[to] = values
        self.cell[who] = to

    def _attack_keepers(self, attackers: IntArray, keeper: BoolArray, occupied: BoolArray) -> None:
        """Attacks on peacekeepers in vision, each fatal with ``casualty_probability``."""
        if attackers.size == 0:
            return
        target = self.view.choose(self.cell[attackers], keeper, self.rng)
        hit = (target >= 0) & (
            self.rng.random(attackers.size) < self.config.peacekeepers.casualty_probability
        )
        killed_cells = np.unique(target[hit])
        if killed_cells.size:
            survivors = ~np.isin(self.keeper_cell, killed_cells)
            self.keeper_cell = self.keeper_cell[survivors]
            keeper[killed_cells] = False
            occupied[killed_cells] = False
            self.last["peacekeeper_casualties"] += int(killed_cells.size)

    def _move_keepers(self, scores: NDArray[np.float64] | None, occupied: BoolArray) -> None:
        rng = self.rng
        cells = self.keeper_cell
        if scores is None:
            self.keeper_cell = move_to_empty(
                [self.keeper_view], cells, None, occupied, rng, self.config.conflict_rounds
            )
            return
        target = steer(self.keeper_view, cells, scores, occupied, rng)
        holding = (target < 0) & (scores[cells] > 0)
        wander = (target < 0) & ~holding
        if wander.any():
            target[wander] = self.keeper_view.choose(cells[wander], ~occupied, rng)
        won = first_claims(target, rng)
        occupied[cells[won]] = False
        occupied[target[won]] = True
        new = cells.copy()
        new[won] = target[won]
        self.keeper_cell = new

    # ------------------------------------------------------------------ sequential engine
    def _turns_sequential(self, occupied: BoolArray) -> BoolArray:
        cfg, rng, kind = self.config, self.rng, self.behaviour
        n = self.n_agents
        alive = np.ones(n, dtype=bool)
        _, keeper, active, blue, green = self._layers()
        agent_at = np.full(cfg.cells, -1, dtype=np.int64)
        free = np.flatnonzero(self.state != JAILED)
        agent_at[self.cell[free]] = free
        killing_sites = np.zeros(cfg.cells, dtype=bool)
        n_keep = self.n_keepers
        if kind.pre_emptive:
            order = np.concatenate((n + rng.permutation(n_keep), rng.permutation(n)))
        else:
            order = rng.permutation(n + n_keep)
        salience = cfg.peacekeepers.salience
        keeper_alive = np.ones(n_keep, dtype=bool)
        group_layers = (blue, green)
        for turn in order.tolist():
            if turn >= n:
                j = turn - n
                if keeper_alive[j]:
                    self._keeper_turn(
                        j, alive, occupied, keeper, active, blue, green, agent_at, killing_sites
                    )
                continue
            i = turn
            if not alive[i] or self.state[i] == JAILED:
                continue
            cell = int(self.cell[i])
            around = self.view.neighbours_of(cell)
            idx = np.asarray([i])
            c = np.asarray([np.count_nonzero(keeper[around])])
            a = np.asarray([np.count_nonzero(active[around])])
            other = group_layers[1 - int(self.group[i])]
            o = np.asarray([np.count_nonzero(other[around])])
            rebel = bool(self._decides_active(idx, c, a, o)[0])
            self.state[i] = ACTIVE if rebel else QUIET
            active[cell] = rebel
            moved = False
            if rebel:
                if salience > 0 and c[0] > 0 and rng.random() < salience:
                    keepers_here = around[keeper[around]]
                    at = int(keepers_here[rng.integers(keepers_here.size)])
                    if rng.random() < cfg.peacekeepers.casualty_probability:
                        j = int(np.flatnonzero(self.keeper_cell == at)[0])
                        keeper_alive[j] = False
                        keeper[at] = False
                        occupied[at] = False
                        self.keeper_cell[j] = -1
                        self.last["peacekeeper_casualties"] += 1
                else:
                    targets = around[other[around]]
                    if kind.shields and targets.size and keeper.any():
                        guard = self.adjacent.neighbours(targets)
                        targets = targets[~(keeper[targets] | keeper[guard].any(axis=1))]
                    if targets.size:
                        at = int(targets[rng.integers(targets.size)])
                        victim = int(agent_at[at])
                        alive[victim] = False
                        key = "blue_killed" if self.group[victim] == BLUE else "green_killed"
                        self.last[key] += 1
                        for layer in (blue, green, active):
                            layer[at] = False
                        occupied[at] = False
                        agent_at[at] = -1
                        killing_sites[at] = True
                        if cfg.killer_takes_site:
                            self._relocate(
                                np.asarray([i]),
                                np.asarray([at]),
                                occupied,
                                agent_at,
                                (blue, green, active),
                            )
                            moved = True
            if not moved:
                cell = int(self.cell[i])
                around = self.view.neighbours_of(cell)
                empty = around[~occupied[around]]
                if empty.size:
                    to = int(empty[rng.integers(empty.size)])
                    self._relocate(
                        np.asarray([i]), np.asarray([to]), occupied, agent_at, (blue, green, active)
                    )
        self.keeper_cell = self.keeper_cell[keeper_alive]
        return alive

    def _keeper_turn(
        self,
        j: int,
        alive: BoolArray,
        occupied: BoolArray,
        keeper: BoolArray,
        active: BoolArray,
        blue: BoolArray,
        green: BoolArray,
        agent_at: IntArray,
        killing_sites: BoolArray,
    ) -> None:
        rng, kind = self.rng, self.behaviour
        cell = int(self.keeper_cell[j])
        around = self.keeper_view.neighbours_of(cell)
        seen = around[active[around]]
        if seen.size:
            at = int(seen[rng.integers(seen.size)])
            seized = int(agent_at[at])
            self._jail(np.asarray([seized]))
            active[at] = blue[at] = green[at] = False
            occupied[at] = False
            agent_at[at] = -1
        options = np.concatenate((around, [cell]))
        if kind.steering == "random":
            score = np.zeros(options.size)
        else:
            sensed = self.sensing.neighbours(options)
            if kind.steering == "activity":
                marks = active | killing_sites
                score = (marks[sensed].sum(axis=1) + marks[options]).astype(np.float64)
            else:
                blues = blue[sensed].sum(axis=1) + blue[options]
                greens = green[sensed].sum(axis=1) + green[options]
                others = keeper[sensed].sum(axis=1) - (sensed == cell).sum(axis=1)
                score = np.minimum(blues, greens) / (1.0 + others)
        own = score[-1]
        empty = ~occupied[around]
        if not empty.any():
            return
        best_score = score[:-1][empty].max()
        if best_score > own and best_score > 0:
            choices = around[empty & (score[:-1] == best_score)]
        elif own > 0:
            return
        else:
            choices = around[empty]
        to = int(choices[rng.integers(choices.size)])
        occupied[cell], occupied[to] = False, True
        keeper[cell], keeper[to] = False, True
        self.keeper_cell[j] = to

    # ------------------------------------------------------------------------ demography
    def _demography(self, alive: BoolArray) -> None:
        cfg, rng = self.config, self.rng
        self.age += 1
        old = alive & (self.age > cfg.death_age)
        self.last["deaths_old_age"] = int(np.count_nonzero(old))
        alive &= ~old
        keep = np.flatnonzero(alive)
        for name in ("cell", "group", "hardship", "risk_aversion", "age", "state", "jail_left"):
            setattr(self, name, getattr(self, name)[keep])
        occupied = self._layers()[0]
        parents = np.flatnonzero(
            (self.state != JAILED) & (rng.random(self.n_agents) < cfg.fission_probability)
        )
        if parents.size == 0:
            return
        target = self.adjacent.choose(self.cell[parents], ~occupied, rng)
        won = first_claims(target, rng)
        parents, target = parents[won], target[won]
        k = parents.size
        if cfg.offspring_traits == "inherited":
            hardship, risk = self.hardship[parents], self.risk_aversion[parents]
        else:
            hardship, risk = rng.random(k), rng.random(k)
        self.cell = np.concatenate((self.cell, target))
        self.group = np.concatenate((self.group, self.group[parents]))
        self.hardship = np.concatenate((self.hardship, hardship))
        self.risk_aversion = np.concatenate((self.risk_aversion, risk))
        self.age = np.concatenate((self.age, np.zeros(k, dtype=np.int64)))
        self.state = np.concatenate((self.state, np.zeros(k, dtype=np.int8)))
        self.jail_left = np.concatenate((self.jail_left, np.zeros(k, dtype=np.int64)))
        self.last["births"] = k


@dataclass(frozen=True)
class InterGroupRun:
    """The record of one Model II run.

    Attributes
    ----------
    config
        The settings used.
    series
        Per step (index 0 the initial state): group sizes ``blue``, ``green`` (free and jailed),
        ``blue_active``, ``green_active``, ``jailed``, ``peacekeepers``; and the events of the step:
        ``blue_killed``, ``green_killed`` (members of that group killed), ``arrests``, ``births``,
        ``deaths_old_age``, ``peacekeeper_casualties``.
    extinction_step
        The first step after which one group had no member left, or ``None``.
    frames
        Cell codes ``(steps + 1, height, width)`` when recorded, else ``None``.
    """

    config: ModelIIConfig
    series: dict[str, NDArray[np.int64]]
    extinction_step: int | None
    frames: NDArray[np.int8] | None = field(default=None, repr=False)

    @property
    def steps(self) -> int:
        """Number of steps run."""
        return int(self.series["blue"].size - 1)

    @property
    def killings(self) -> NDArray[np.int64]:
        """Agents killed in each step (both groups)."""
        return self.series["blue_killed"] + self.series["green_killed"]

    def to_frame(self) -> pd.DataFrame:
        """The series as a pandas DataFrame indexed by ``step``."""
        return series_frame(self.series)


def run_intergroup(
    config: ModelIIConfig,
    steps: int,
    rng: RngLike,
    *,
    record_frames: bool = False,
    stop_at_extinction: bool = False,
) -> InterGroupRun:
    """Run Model II for ``steps`` steps (fewer if ``stop_at_extinction`` and one group dies out).

    Examples
    --------
    >>> from grudging.abm.config import ModelIIConfig
    >>> run = run_intergroup(ModelIIConfig(width=20, height=20), 5, rng=3)
    >>> int(run.series["blue"][0] + run.series["green"][0])
    280
    """
    model = InterGroupModel(config, rng)
    series, frames = trace(
        model,
        steps,
        SERIES,
        record_frames=record_frames,
        stop=(lambda: model.extinction_step is not None) if stop_at_extinction else None,
    )
    return InterGroupRun(config, series, model.extinction_step, frames)

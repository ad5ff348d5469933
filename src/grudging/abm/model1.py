"""Epstein's civil-violence Model I: decentralised rebellion against a central authority.

Two engines share one state and one set of rules (see :class:`~grudging.abm.config.ModelIConfig`):

``activation="synchronous"`` (vectorised numpy)
    A step runs in phases, each applied to all agents at once: (1) jail terms count down and the
    released come back; (2) every free citizen decides, from the cops and actives in its vision as
    they were at the *start of the step*; (3) every cop picks a random active citizen in its
    vision and arrests it (when two cops pick the same citizen one of them, at random, gets it and
    the other tries again); (4) everyone free moves to a random empty cell in its vision (a
    contested cell goes to one claimant at random, the others try again against the updated
    lattice for ``conflict_rounds`` rounds, then stay).
``activation="sequential"`` (per-agent loop, the reference)
    Citizens and cops act one at a time in a fresh random order each step, each doing its whole
    rule (decide then move; arrest then move) and seeing what the agents before it did, as
    Mesa's ``shuffle_do`` does.

The synchronous engine departs from sequential activation in exactly three places: a citizen's
decision does not see decisions taken earlier in the same step; all arrests happen after all
decisions (a citizen cannot be arrested before it has decided, nor decide after a neighbour's
arrest); and a cell vacated during a movement round is free only from the next round. The
tests compare both engines on the statistics Epstein reports.

References
----------
Epstein, J. M. (2002). Modeling civil violence: An agent-based computational approach. PNAS 99
(suppl. 3), 7243-7250. doi:10.1073/pnas.092080199.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from grudging.abm._seed import RngLike, as_generator
from grudging.abm.config import ModelIConfig, check_lattice_memory
from grudging.abm.lattice import IntArray, Lattice, first_claims, move_to_empty
from grudging.abm.trace import series_frame, trace
from grudging.errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

QUIET, ACTIVE, JAILED = 0, 1, 2

# Cell codes of a snapshot (``grid_codes``).
EMPTY, CODE_QUIET, CODE_ACTIVE, CODE_JAILED, CODE_COP = 0, 1, 2, 3, 4
CODE_LABELS: dict[int, str] = {
    EMPTY: "empty",
    CODE_QUIET: "quiet",
    CODE_ACTIVE: "active",
    CODE_JAILED: "jailed",
    CODE_COP: "cop",
}

SERIES = ("quiet", "active", "jailed", "arrests")


def arrest_probability(
    cops: NDArray[np.integer[Any]], actives: NDArray[np.integer[Any]], k: float, rounding: str
) -> NDArray[np.float64]:
    """Estimated arrest probability ``1 - exp(-k * round(C / (A + 1)))``.

    ``actives`` excludes the citizen itself (the ``+ 1``). ``rounding`` is ``"floor"`` (NetLogo,
    Ascape), ``"nearest"`` (Mesa; halves to even, like Python's ``round``) or ``"none"``.
    """
    ratio = cops / (actives + 1.0)
    if rounding == "floor":
        ratio = np.floor(ratio)
    elif rounding == "nearest":
        ratio = np.rint(ratio)
    return 1.0 - np.exp(-k * ratio)


def draw_jail_terms(rng: np.random.Generator, n: int, max_term: int, how: str) -> IntArray:
    """Jail terms for ``n`` arrests: ``inclusive`` U{0..J}, ``exclusive`` U{0..J-1}, ``fixed`` J."""
    if how == "inclusive":
        return rng.integers(0, max_term + 1, size=n)
    if how == "exclusive":
        return rng.integers(0, max_term, size=n)
    return np.full(n, max_term, dtype=np.int64)


class RebellionModel:
    """A running instance of Model I on a torus lattice.

    Parameters
    ----------
    config
        The settings, including the replication switches.
    rng
        A ``numpy.random.Generator`` (or an integer seed, turned into one by :mod:`grudging.rng`).
        Every random draw of the run comes from it, so the same seed gives the same trajectory.

    Notes
    -----
    Citizens and cops are placed on distinct random cells in exact numbers
    ``round(density * cells)`` (Mesa draws each cell's occupant independently, which gives the
    same expected numbers).
    """

    def __init__(self, config: ModelIConfig, rng: RngLike) -> None:
        if not isinstance(config, ModelIConfig):
            raise ParameterError(
                f"config = {config!r:.60}: give a ModelIConfig (grudging.abm.config)"
            )
        check_lattice_memory(config.width, config.height)
        self.config = config
        self.rng = as_generator(rng)
        cells = config.cells
        n_citizens = round(config.citizen_density * cells)
        n_cops = round(config.cop_density * cells)
        sites = self.rng.permutation(cells)[: n_citizens + n_cops].astype(np.int64)
        self.citizen_cell: IntArray = sites[:n_citizens].copy()
        self.cop_cell: IntArray = sites[n_citizens:].copy()
        self.hardship = self.rng.random(n_citizens)
        self.risk_aversion = self.rng.random(n_citizens)
        self.grievance = self.hardship * (1.0 - config.legitimacy)
        self.state = np.zeros(n_citizens, dtype=np.int8)
        self.jail_left = np.zeros(n_citizens, dtype=np.int64)
        self.citizen_lattice = Lattice(config.height, config.width, config.citizen_vision)
        self.cop_lattice = (
            self.citizen_lattice
            if config.cop_vision == config.citizen_vision
            else Lattice(config.height, config.width, config.cop_vision)
        )
        # The arrest probability for every pair (cops, other actives) a citizen can see.
        seen = np.arange(self.citizen_lattice.size + 1)
        self._arrest_table = arrest_probability(
            seen[:, None], seen[None, :], config.arrest_constant, config.rounding
        ).reshape(-1)
        self.time = 0
        self.arrests_last_step = 0

    # ------------------------------------------------------------------------------ queries
    @property
    def n_citizens(self) -> int:
        """Number of citizens (free or jailed)."""
        return int(self.citizen_cell.size)

    @property
    def n_cops(self) -> int:
        """Number of cops."""
        return int(self.cop_cell.size)

    @property
    def n_agents(self) -> int:
        """Citizens plus cops."""
        return self.n_citizens + self.n_cops

    def counts(self) -> dict[str, int]:
        """Quiet, active and jailed citizens now, and the arrests made in the last step."""
        return {
            "quiet": int(np.count_nonzero(self.state == QUIET)),
            "active": int(np.count_nonzero(self.state == ACTIVE)),
            "jailed": int(np.count_nonzero(self.state == JAILED)),
            "arrests": int(self.arrests_last_step),
        }

    def _on_lattice(self) -> NDArray[np.bool_]:
        if self.config.jail_mode == "occupy":
            return np.ones(self.n_citizens, dtype=bool)
        return self.state != JAILED

    def grid_codes(self) -> NDArray[np.int8]:
        """The lattice as a ``height x width`` array of cell codes (see ``CODE_LABELS``)."""
        codes = np.zeros(self.config.cells, dtype=np.int8)
        on = self._on_lattice()
        codes[self.citizen_cell[on]] = np.choose(
            self.state[on], [CODE_QUIET, CODE_ACTIVE, CODE_JAILED]
        ).astype(np.int8)
        codes[self.cop_cell] = CODE_COP
        return codes.reshape(self.config.height, self.config.width)

    def _occupied(self) -> NDArray[np.bool_]:
        occupied = np.zeros(self.config.cells, dtype=bool)
        if self.config.jail_mode == "occupy":
            occupied[self.citizen_cell] = True
        else:
            occupied[self.citizen_cell.compress(self.state != JAILED)] = True
        occupied[self.cop_cell] = True
        return occupied

    def _reenter_cell(self, old_cell: int, occupied: NDArray[np.bool_]) -> int:
        """Where a released citizen comes back: its old cell, else a random empty one nearby."""
        if not occupied[old_cell]:
            return old_cell
        near = self.citizen_lattice.choose(np.asarray([old_cell]), ~occupied, self.rng)[0]
        if near >= 0:
            return int(near)
        empty = (~occupied).nonzero()[0]
        if empty.size == 0:
            return -1
        return int(empty[self.rng.integers(empty.size)])

    # -------------------------------------------------------------------------------- steps
    def step(self) -> None:
        """Advance one step with the configured activation."""
        if self.config.activation == "sequential":
            self._step_sequential()
        else:
            self._step_synchronous()
        self.time += 1

    def _release(self, occupied: NDArray[np.bool_]) -> None:
        """Count jail terms down; bring back those whose term is over (synchronous engine)."""
        jailed = (self.state == JAILED).nonzero()[0]
        if jailed.size == 0:
            return
        serving = self.jail_left[jailed] > 0
        self.jail_left[jailed[serving]] -= 1
        released = jailed[~serving]
        if released.size == 0:
            return
        if self.config.jail_mode == "removed":
            kept = []
            for i in released.tolist():
                cell = self._reenter_cell(int(self.citizen_cell[i]), occupied)
                if cell < 0:  # a full lattice: stay in jail one more step
                    continue
                occupied[cell] = True
                self.citizen_cell[i] = cell
                kept.append(i)
            released = np.asarray(kept, dtype=np.int64)
        self.state[released] = QUIET

    def _step_synchronous(self) -> None:
        cfg, rng = self.config, self.rng
        occupied = self._occupied()
        self._release(occupied)

        # Decide, from the cops and actives in vision at the start of the step.
        lattice = self.citizen_lattice
        cops_seen = lattice.count_cells(self.cop_cell)
        was_active = (self.state == ACTIVE).nonzero()[0]
        actives_seen = lattice.count_cells(self.citizen_cell.take(was_active))
        self.state[was_active] = QUIET
        # Only a free citizen whose grievance exceeds the threshold can turn active: G - R P <= G
        # for every arrest probability P >= 0.
        restless = ((self.state != JAILED) & (self.grievance > cfg.threshold)).nonzero()[0]
        where = self.citizen_cell.take(restless)
        # P depends only on the two counts: look it up in the table of every pair of counts.
        span = lattice.size + 1
        pair = np.multiply(cops_seen.take(where), span, dtype=np.intp)
        pair += actives_seen.take(where)
        p_arrest = self._arrest_table.take(pair)
        net = self.grievance.take(restless) - self.risk_aversion.take(restless) * p_arrest
        self.state[restless.compress(net > cfg.threshold)] = ACTIVE

        # Arrest: every cop seizes a random active citizen in its vision.
        moved_cops = np.zeros(self.n_cops, dtype=bool)
        self.arrests_last_step = 0
        actives = (self.state == ACTIVE).nonzero()[0]
        if actives.size and self.n_cops:
            active_cells = self.citizen_cell.take(actives)
            active_here = np.zeros(cfg.cells, dtype=bool)
            active_here[active_cells] = True
            citizen_at = np.full(cfg.cells, -1, dtype=np.int64)
            citizen_at[active_cells] = actives
            seen = self.cop_lattice.count_cells(active_cells).take(self.cop_cell)
            hunters = (seen > 0).nonzero()[0]
            for _ in range(cfg.conflict_rounds):
                if hunters.size == 0:
                    break
                target = self.cop_lattice.choose(self.cop_cell[hunters], active_here, rng)
                won = first_claims(target, rng)
                seized_cells = target[won]
                seized = citizen_at[seized_cells]
                self.state[seized] = JAILED
                self.jail_left[seized] = draw_jail_terms(
                    rng, seized.size, cfg.max_jail_term, cfg.jail_draw
                )
                active_here[seized_cells] = False
                self.arrests_last_step += int(seized.size)
                if cfg.jail_mode == "removed":
                    occupied[seized_cells] = False
                    if cfg.cop_takes_arrest_site:
                        takers = hunters[won]
                        occupied[self.cop_cell[takers]] = False
                        occupied[seized_cells] = True
                        self.cop_cell[takers] = seized_cells
                        moved_cops[takers] = True
                hunters = hunters[(target >= 0) & ~won]

        # Move: everyone free, to a random empty cell in vision.
        if cfg.movement:
            free = (self.state != JAILED).nonzero()[0]
            walking_cops = (~moved_cops).nonzero()[0]
            positions = np.concatenate(
                (self.citizen_cell.take(free), self.cop_cell.take(walking_cops))
            )
            if self.cop_lattice is self.citizen_lattice:
                kinds = None
            else:
                kinds = np.concatenate(
                    (np.zeros(free.size, dtype=np.int64), np.ones(walking_cops.size, np.int64))
                )
            moved = move_to_empty(
                [self.citizen_lattice, self.cop_lattice],
                positions,
                kinds,
                occupied,
                rng,
                cfg.conflict_rounds,
            )
            self.citizen_cell.put(free, moved[: free.size])
            self.cop_cell.put(walking_cops, moved[free.size :])

    def _step_sequential(self) -> None:
        cfg, rng = self.config, self.rng
        n_cit = self.n_citizens
        occupied = self._occupied()
        cop_here = np.zeros(cfg.cells, dtype=bool)
        cop_here[self.cop_cell] = True
        active_here = np.zeros(cfg.cells, dtype=bool)
        active_here[self.citizen_cell[self.state == ACTIVE]] = True
        citizen_at = np.full(cfg.cells, -1, dtype=np.int64)
        on = np.flatnonzero(self._on_lattice())
        citizen_at[self.citizen_cell[on]] = on
        removed = cfg.jail_mode == "removed"
        k, threshold, rounding = cfg.arrest_constant, cfg.threshold, cfg.rounding
        citizen_view, cop_view = self.citizen_lattice, self.cop_lattice
        self.arrests_last_step = 0

        for agent in rng.permutation(n_cit + self.n_cops).tolist():
            if agent < n_cit:
                i = agent
                if self.state[i] == JAILED:
                    if self.jail_left[i] > 0:
                        self.jail_left[i] -= 1
                        continue
                    if removed:
                        cell = self._reenter_cell(int(self.citizen_cell[i]), occupied)
                        if cell < 0:
                            continue
                        occupied[cell] = True
                        citizen_at[cell] = i
                        self.citizen_cell[i] = cell
                    self.state[i] = QUIET
                cell = int(self.citizen_cell[i])
                around = citizen_view.neighbours_of(cell)
                c = int(np.count_nonzero(cop_here[around]))
                a = int(np.count_nonzero(active_here[around]))
                p = float(arrest_probability(np.asarray(c), np.asarray(a), k, rounding))
                rebel = self.grievance[i] - self.risk_aversion[i] * p > threshold
                self.state[i] = ACTIVE if rebel else QUIET
                active_here[cell] = bool(rebel)
                if cfg.movement:
                    empty = around[~occupied[around]]
                    if empty.size:
                        to = int(empty[rng.integers(empty.size)])
                        occupied[cell], occupied[to] = False, True
                        citizen_at[cell], citizen_at[to] = -1, i
                        active_here[cell], active_here[to] = False, bool(rebel)
                        self.citizen_cell[i] = to
            else:
                j = agent - n_cit
                cell = int(self.cop_cell[j])
                around = cop_view.neighbours_of(cell)
                seen = around[active_here[around]]
                moved = False
                if seen.size:
                    at = int(seen[rng.integers(seen.size)])
                    i = int(citizen_at[at])
                    self.state[i] = JAILED
                    self.jail_left[i] = int(
                        draw_jail_terms(rng, 1, cfg.max_jail_term, cfg.jail_draw)[0]
                    )
                    active_here[at] = False
                    self.arrests_last_step += 1
                    if removed:
                        occupied[at] = False
                        citizen_at[at] = -1
                        if cfg.cop_takes_arrest_site:
                            occupied[cell], occupied[at] = False, True
                            cop_here[cell], cop_here[at] = False, True
                            self.cop_cell[j] = at
                            moved = True
                if cfg.movement and not moved:
                    empty = around[~occupied[around]]
                    if empty.size:
                        to = int(empty[rng.integers(empty.size)])
                        occupied[cell], occupied[to] = False, True
                        cop_here[cell], cop_here[to] = False, True
                        self.cop_cell[j] = to


@dataclass(frozen=True)
class RebellionRun:
    """The record of one Model I run.

    Attributes
    ----------
    config
        The settings used.
    series
        ``quiet``, ``active``, ``jailed`` (citizens at the end of each step, index 0 being the
        initial state) and ``arrests`` (made during each step; 0 at index 0).
    frames
        Cell codes ``(steps + 1, height, width)`` when recorded, else ``None``.
    """

    config: ModelIConfig
    series: dict[str, NDArray[np.int64]]
    frames: NDArray[np.int8] | None = field(default=None, repr=False)

    @property
    def steps(self) -> int:
        """Number of steps run."""
        return int(self.series["active"].size - 1)

    def to_frame(self) -> pd.DataFrame:
        """The series as a pandas DataFrame indexed by ``step``."""
        return series_frame(self.series)


def run_rebellion(
    config: ModelIConfig, steps: int, rng: RngLike, *, record_frames: bool = False
) -> RebellionRun:
    """Run Model I for ``steps`` steps and return its series (and frames when asked).

    Examples
    --------
    >>> from grudging.abm.config import ModelIConfig
    >>> run = run_rebellion(ModelIConfig(width=20, height=20), 10, rng=1)
    >>> run.series["active"].shape
    (11,)
    """
    model = RebellionModel(config, rng)
    series, frames = trace(model, steps, SERIES, record_frames=record_frames)
    return RebellionRun(config, series, frames)

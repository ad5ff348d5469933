"""The fast lattice paths against simple references: the same picks, claims, moves and counts,
and the same random numbers consumed (so whole runs stay identical for a seed).

The references are the straightforward forms of the same algorithms: rejection rounds over the
neighbour rows with ``argmax``/``any``, an exact draw by the largest key, claims settled by
``minimum.at`` over a random permutation, counts as sums over every neighbourhood.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from grudging.abm.config import ModelIConfig, Vision
from grudging.abm.lattice import (
    _BYTES_FROM,
    _CHUNK,
    _EXACT_BELOW,
    _TAIL_FROM,
    _WIDEST,
    Lattice,
    _first_true,
    first_claims,
    move_to_empty,
    settle_claims,
)
from grudging.abm.model1 import (
    ACTIVE,
    JAILED,
    QUIET,
    RebellionModel,
    arrest_probability,
    draw_jail_terms,
)
from grudging.rng import make_rng


# ------------------------------------------------------------------------------ references
def reference_choose(
    lattice: Lattice,
    cells: np.ndarray,
    allowed: np.ndarray,
    rng: np.random.Generator,
    proposals: tuple[int, ...] = (6, 12),
) -> np.ndarray:
    cells = np.asarray(cells, dtype=np.int64)
    if cells.size > _CHUNK:
        return np.concatenate(
            [
                reference_choose(lattice, cells[i : i + _CHUNK], allowed, rng, proposals)
                for i in range(0, cells.size, _CHUNK)
            ]
        )
    chosen = np.full(cells.size, -1, dtype=np.int64)
    rest = np.arange(cells.size)
    rounds = list(proposals) if lattice.size > _EXACT_BELOW else []
    for turn, tries in enumerate([*rounds, _WIDEST] if rounds else []):
        if rest.size == 0:
            return chosen
        if turn == len(rounds) and rest.size * lattice.size < _TAIL_FROM:
            break  # the tail round only where the exact draw would be large
        accept = 256 - 256 % lattice.size
        if lattice.size <= 256 and rest.size * tries >= _BYTES_FROM:  # a byte a proposal
            raw = np.frombuffer(rng.bytes(rest.size * tries), dtype=np.uint8)
            raw = raw.reshape(rest.size, tries).astype(np.int64)
            which, proposes = raw % lattice.size, raw < accept
        else:
            which = (rng.random((rest.size, tries)) * lattice.size).astype(np.int64)
            proposes = np.ones(which.shape, dtype=bool)
        proposed = np.take_along_axis(lattice.neighbours(cells[rest]), which, axis=1)
        ok = allowed[proposed] & proposes
        first, hit = ok.argmax(axis=1), ok.any(axis=1)
        chosen[rest[hit]] = proposed[hit, first[hit]]
        rest = rest[~hit]
    if rest.size:
        around = lattice.neighbours(cells[rest])
        ok = allowed[around]
        keys = rng.random(ok.shape)
        keys[~ok] = -1.0
        pick, found = keys.argmax(axis=1), ok.any(axis=1)
        chosen[rest[found]] = around[found, pick[found]]
    return chosen


def reference_first_claims(targets: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    winners = np.zeros(targets.size, dtype=bool)
    claimants = np.flatnonzero(targets >= 0)
    if claimants.size == 0:
        return winners
    claimed = targets[claimants]
    priority = rng.permutation(claimants.size)
    best = np.full(int(claimed.max()) + 1, claimants.size, dtype=np.int64)
    np.minimum.at(best, claimed, priority)
    winners[claimants[best[claimed] == priority]] = True
    return winners


def reference_move(
    lattices: Sequence[Lattice],
    positions: np.ndarray,
    kinds: np.ndarray | None,
    occupied: np.ndarray,
    rng: np.random.Generator,
    rounds: int,
) -> np.ndarray:
    new = np.array(positions, dtype=np.int64, copy=True)
    pending = np.arange(new.size)
    for _ in range(rounds):
        if pending.size == 0:
            break
        free = ~occupied
        target = np.full(pending.size, -1, dtype=np.int64)
        for k, lattice in enumerate(lattices):
            rows = np.arange(pending.size) if kinds is None else np.flatnonzero(kinds[pending] == k)
            if rows.size:
                target[rows] = reference_choose(lattice, new[pending[rows]], free, rng)
            if kinds is None:
                break
        won = reference_first_claims(target, rng)
        movers = pending[won]
        occupied[new[movers]] = False
        occupied[target[won]] = True
        new[movers] = target[won]
        pending = pending[(target >= 0) & ~won]
    return new


def reference_count(lattice: Lattice, marks: np.ndarray) -> np.ndarray:
    around = lattice.neighbours(np.arange(lattice.cells))
    return np.asarray(marks, dtype=np.int64)[around].sum(axis=1)


class ReferenceRebellion(RebellionModel):
    """Model I whose synchronous step is the plain form: every count a full neighbourhood sum, the
    arrest probability computed for every free citizen, the reference picks, claims and moves."""

    def _step_synchronous(self) -> None:
        cfg, rng = self.config, self.rng
        occupied = self._occupied()
        self._release(occupied)
        cop_here = np.zeros(cfg.cells, dtype=bool)
        cop_here[self.cop_cell] = True
        active_here = np.zeros(cfg.cells, dtype=bool)
        active_here[self.citizen_cell[self.state == ACTIVE]] = True
        cops_seen = reference_count(self.citizen_lattice, cop_here)
        actives_seen = reference_count(self.citizen_lattice, active_here)
        free = np.flatnonzero(self.state != JAILED)
        where = self.citizen_cell[free]
        p = arrest_probability(
            cops_seen[where], actives_seen[where], cfg.arrest_constant, cfg.rounding
        )
        rebels = self.grievance[free] - self.risk_aversion[free] * p > cfg.threshold
        self.state[free] = np.where(rebels, ACTIVE, QUIET)

        moved_cops = np.zeros(self.n_cops, dtype=bool)
        self.arrests_last_step = 0
        actives = np.flatnonzero(self.state == ACTIVE)
        if actives.size and self.n_cops:
            active_here[:] = False
            active_here[self.citizen_cell[actives]] = True
            citizen_at = np.full(cfg.cells, -1, dtype=np.int64)
            citizen_at[self.citizen_cell[actives]] = actives
            hunters = np.flatnonzero(
                reference_count(self.cop_lattice, active_here)[self.cop_cell] > 0
            )
            for _ in range(cfg.conflict_rounds):
                if hunters.size == 0:
                    break
                target = reference_choose(
                    self.cop_lattice, self.cop_cell[hunters], active_here, rng
                )
                won = reference_first_claims(target, rng)
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

        if cfg.movement:
            free = np.flatnonzero(self.state != JAILED)
            walking = np.flatnonzero(~moved_cops)
            positions = np.concatenate((self.citizen_cell[free], self.cop_cell[walking]))
            kinds = None
            if self.cop_lattice is not self.citizen_lattice:
                kinds = np.repeat(np.array([0, 1]), [free.size, walking.size])
            moved = reference_move(
                [self.citizen_lattice, self.cop_lattice],
                positions,
                kinds,
                occupied,
                rng,
                cfg.conflict_rounds,
            )
            self.citizen_cell[free] = moved[: free.size]
            self.cop_cell[walking] = moved[free.size :]


# ------------------------------------------------------------------------------ the tests
LATTICES = [
    pytest.param(40, 40, Vision("von_neumann", 7), id="table-vn7"),  # Mesa's neighbourhood
    pytest.param(30, 34, Vision("euclidean", 4.3), id="table-eucl"),
    pytest.param(25, 23, Vision("moore", 1), id="table-exact-only"),  # 8 cells: exact draws
    pytest.param(160, 150, Vision("von_neumann", 7), id="padded-vn7"),  # no table
    pytest.param(151, 149, Vision("cross", 7), id="padded-cross"),
]


@pytest.mark.parametrize(("h", "w", "vision"), LATTICES)
@pytest.mark.parametrize("density", [0.0, 0.02, 0.23, 0.9])
@pytest.mark.parametrize("agents", [1, 700, 9000])
def test_choose_equals_the_reference(
    h: int, w: int, vision: Vision, density: float, agents: int
) -> None:
    """Same picks (dense and sparse paths, every round, the exact tail) and the same draws."""
    lattice = Lattice(h, w, vision)
    setup = make_rng(int(density * 100) + agents)
    allowed = setup.random(lattice.cells) < density
    cells = setup.integers(0, lattice.cells, agents)
    fast, slow = make_rng(7), make_rng(7)
    picked = lattice.choose(cells, allowed, fast)
    assert picked.dtype == np.int64
    np.testing.assert_array_equal(picked, reference_choose(lattice, cells, allowed, slow))
    assert fast.random() == slow.random()


def test_choose_equals_the_reference_over_several_chunks() -> None:
    lattice = Lattice(300, 260, Vision("von_neumann", 7))
    setup = make_rng(3)
    allowed = setup.random(lattice.cells) < 0.25
    cells = setup.integers(0, lattice.cells, _CHUNK + 4321)
    fast, slow = make_rng(9), make_rng(9)
    picked = lattice.choose(cells, allowed, fast)
    np.testing.assert_array_equal(picked, reference_choose(lattice, cells, allowed, slow))
    assert fast.random() == slow.random()


@pytest.mark.parametrize("width", range(1, 17))
def test_first_true_equals_argmax_and_any(width: int) -> None:
    rows = 500
    flags = np.zeros(rows * width + 8, dtype=bool)
    grid = flags[: rows * width].reshape(rows, width)
    grid[:] = make_rng(width).random((rows, width)) < 0.15
    grid[0] = False
    grid[1] = True
    flags[rows * width :] = True  # the spare bytes must not count
    first, hit = _first_true(flags, rows, width)
    np.testing.assert_array_equal(hit, grid.any(axis=1))
    np.testing.assert_array_equal(first[hit], grid.argmax(axis=1)[hit])


def test_claims_equal_the_reference() -> None:
    setup = make_rng(4)
    for targets in (
        setup.integers(-1, 50, 400),
        setup.integers(0, 50, 400),  # everyone claims
        np.full(10, -1),
        np.zeros(0, dtype=np.int64),
    ):
        fast, slow = make_rng(2), make_rng(2)
        np.testing.assert_array_equal(
            first_claims(targets, fast), reference_first_claims(targets, slow)
        )
        assert fast.random() == slow.random()
        claimants, won = settle_claims(targets, make_rng(2))
        np.testing.assert_array_equal(claimants, np.flatnonzero(targets >= 0))
        np.testing.assert_array_equal(
            claimants[won], np.flatnonzero(reference_first_claims(targets, make_rng(2)))
        )


@pytest.mark.parametrize("two_visions", [False, True])
def test_move_to_empty_equals_the_reference(two_visions: bool) -> None:
    setup = make_rng(6)
    lattices = [Lattice(40, 40, Vision("von_neumann", 7)), Lattice(40, 40, Vision("moore", 2))]
    start = setup.permutation(1600)[:1200]
    kinds = (setup.random(1200) < 0.1).astype(np.int64) if two_visions else None
    occupied = np.zeros(1600, dtype=bool)
    occupied[start] = True
    slow_occupied = occupied.copy()
    fast, slow = make_rng(5), make_rng(5)
    moved = move_to_empty(lattices, start, kinds, occupied, fast, rounds=3)
    expected = reference_move(lattices, start, kinds, slow_occupied, slow, rounds=3)
    np.testing.assert_array_equal(moved, expected)
    np.testing.assert_array_equal(occupied, slow_occupied)
    assert fast.random() == slow.random()


@pytest.mark.parametrize(
    ("h", "w", "vision"),
    [
        (40, 40, Vision("von_neumann", 7)),
        (23, 31, Vision("euclidean", 3.5)),
        (160, 150, Vision("von_neumann", 7)),
        (12, 2100, Vision("moore", 3)),  # wide rows: partial sums beyond int16 for packed layers
    ],
)
@pytest.mark.parametrize("marked", [0, 1, 5, 300, 5000])
def test_counts_by_scatter_and_by_rows_agree(h: int, w: int, vision: Vision, marked: int) -> None:
    lattice = Lattice(h, w, vision)
    cells = make_rng(marked).permutation(lattice.cells)[:marked]
    marks = np.zeros(lattice.cells, dtype=bool)
    marks[cells] = True
    expected = reference_count(lattice, marks)
    np.testing.assert_array_equal(lattice.count_cells(cells), expected)
    np.testing.assert_array_equal(lattice.count(marks), expected)
    np.testing.assert_array_equal(lattice._row_count(marks, 1), expected)
    np.testing.assert_array_equal(lattice._scatter_count(cells), expected)
    other = ~marks
    both = lattice.count_many(marks, other)
    np.testing.assert_array_equal(both[0], expected)
    np.testing.assert_array_equal(both[1], reference_count(lattice, other))


@pytest.mark.parametrize("rounding", ["floor", "nearest", "none"])
def test_arrest_table_equals_the_formula(rounding: str) -> None:
    model = RebellionModel(ModelIConfig.mesa(rounding=rounding), make_rng(1))
    span = model.citizen_lattice.size + 1
    cops, actives = np.divmod(np.arange(span * span), span)
    direct = arrest_probability(cops, actives, 2.3, rounding)
    np.testing.assert_array_equal(model._arrest_table, direct)


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(ModelIConfig.mesa(legitimacy=0.6), id="mesa-active"),
        pytest.param(ModelIConfig.netlogo(), id="netlogo"),
        pytest.param(
            ModelIConfig.netlogo(cop_vision=Vision("moore", 3.0), legitimacy=0.7, width=30),
            id="two-visions",
        ),
        pytest.param(ModelIConfig.mesa(width=160, height=150, legitimacy=0.7), id="padded"),
    ],
)
def test_model_one_counts_equal_the_reference_engine(config: ModelIConfig) -> None:
    """Whole runs: the same counts every step and the same final lattice as the plain engine."""
    fast, slow = RebellionModel(config, 11), ReferenceRebellion(config, 11)
    steps = 4 if config.cells > 10_000 else 25
    for _ in range(steps):
        fast.step()
        slow.step()
        assert fast.counts() == slow.counts()
    np.testing.assert_array_equal(fast.grid_codes(), slow.grid_codes())
    np.testing.assert_array_equal(fast.jail_left, slow.jail_left)


def test_counts_of_large_marks_use_a_wide_enough_type() -> None:
    """Counts beyond 16 bits (integer marks) come out exact, not wrapped around."""
    lattice = Lattice(20, 30, Vision("moore", 3))  # 49 cells: sums up to 49,000 here
    marks = make_rng(1).integers(0, 1001, lattice.cells)
    marks[:100] = 1000
    counts = lattice.count(marks)
    assert counts.max() > 2**15
    np.testing.assert_array_equal(counts, reference_count(lattice, marks))


@pytest.mark.parametrize(("h", "w"), [(160, 150), (15, 2000), (400, 91)])
def test_wrap_padding_equals_the_padded_lookup(h: int, w: int) -> None:
    lattice = Lattice(h, w, Vision("von_neumann", 7.0))  # 2 x 7 + 1 = 15 rows at least
    assert lattice._offset is not None  # too large for a table: the padded lookup
    values = make_rng(h).random(lattice.cells) < 0.3
    np.testing.assert_array_equal(lattice._wrap_pad(values), values.take(lattice._lookup))

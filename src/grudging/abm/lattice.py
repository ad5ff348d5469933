"""The torus lattice: neighbourhood offsets, vectorised counts within vision, random picks.

Cells are numbered row by row, ``cell = y * width + x``. A vision neighbourhood is a set of offsets
``(dy, dx)`` without ``(0, 0)``; for every shape used here the offsets of one row form one
contiguous run ``-w(dy) <= dx <= w(dy)``, so the number of marked cells within vision of *every*
cell is a sum of ``2 r + 1`` shifted row-wise box sums (prefix sums along rows, wrap-around
padding on the torus). That costs O(cells * r) and is exact, unlike an FFT convolution.

Random choices "a random cell within vision that satisfies a condition" (an empty site to move to,
an active agent to arrest, a victim) are drawn for many agents at once by rejection: each agent
proposes a few uniformly random offsets, keeps the first that satisfies the condition, and the
few that found none get an exact draw over their whole neighbourhood. The result is exactly
uniform over the qualifying cells, as a sequential per-agent draw would be.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from grudging.abm.config import Vision

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

# Build a cells x offsets neighbour table only while it stays small (entries, int64).
_TABLE_LIMIT = 2_000_000
# Random picks for more agents than this are made in chunks of this size.
_CHUNK = 65_536
# Neighbourhoods smaller than this are drawn from exactly, without rejection rounds.
_EXACT_BELOW = 24


def vision_offsets(vision: Vision) -> tuple[IntArray, IntArray]:
    """The ``(dy, dx)`` offsets of a vision neighbourhood, without the centre, row by row."""
    reach = vision.reach
    r2 = vision.radius * vision.radius + 1e-9
    dys: list[int] = []
    dxs: list[int] = []
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            if dy == 0 and dx == 0:
                continue
            if vision.shape == "von_neumann":
                inside = abs(dy) + abs(dx) <= vision.radius + 1e-9
            elif vision.shape == "moore":
                inside = True
            elif vision.shape == "euclidean":
                inside = dy * dy + dx * dx <= r2
            else:  # cross
                inside = dy == 0 or dx == 0
            if inside:
                dys.append(dy)
                dxs.append(dx)
    return np.asarray(dys, dtype=np.int64), np.asarray(dxs, dtype=np.int64)


class Lattice:
    """A ``height x width`` torus seen through one vision neighbourhood.

    Parameters
    ----------
    height, width
        Lattice size in cells.
    vision
        The neighbourhood; its reach must satisfy ``2 reach + 1 <= min(height, width)``.
    """

    def __init__(self, height: int, width: int, vision: Vision) -> None:
        self.height = int(height)
        self.width = int(width)
        self.cells = self.height * self.width
        self.vision = vision
        self.reach = vision.reach
        self.dy, self.dx = vision_offsets(vision)
        self.size = int(self.dy.size)
        # Half-width of the run of offsets in each row dy (centre included in the box sums).
        self.row_half_widths: list[tuple[int, int]] = []
        for dy in range(-self.reach, self.reach + 1):
            in_row = self.dx[self.dy == dy]
            width_here = int(np.max(np.abs(in_row))) if in_row.size else 0
            self.row_half_widths.append((dy, width_here))
        self._rows_by_width: list[tuple[int, list[int]]] = [
            (half, [dy for dy, w in self.row_half_widths if w == half])
            for half in sorted({w for _, w in self.row_half_widths})
        ]
        self._table: IntArray | None = None
        self._flat_table: IntArray | None = None
        if self.cells * self.size <= _TABLE_LIMIT:
            every = np.arange(self.cells, dtype=np.int64)
            self._table = self._compute_neighbours(every[:, None], None)
            self._flat_table = self._table.reshape(-1)
        else:
            # Too large for a table: the torus wrap-padded by the reach on every side, so that a
            # neighbour is one addition and one lookup (no division or modulo per draw).
            r, side = self.reach, self.width + 2 * self.reach
            rows = (np.arange(self.height + 2 * r, dtype=np.int64) - r) % self.height
            cols = (np.arange(side, dtype=np.int64) - r) % self.width
            # 32-bit indices while they fit: half the memory traffic of the random lookups.
            index = np.int32 if (self.height + 2 * r) * side < 2**31 else np.int64
            self._padded = (rows[:, None] * self.width + cols[None, :]).reshape(-1).astype(index)
            y, x = np.divmod(np.arange(self.cells, dtype=np.int64), self.width)
            self._base = ((y + r) * side + (x + r)).astype(index)
            self._step = (self.dy * side + self.dx).astype(index)

    # ----------------------------------------------------------------------------- geometry
    def _compute_neighbours(self, cells: IntArray, which: IntArray | None) -> IntArray:
        y, x = np.divmod(cells, self.width)
        dy = self.dy if which is None else self.dy[which]
        dx = self.dx if which is None else self.dx[which]
        return ((y + dy) % self.height) * self.width + (x + dx) % self.width

    def _padded_neighbours(self, cells: IntArray, which: IntArray | None) -> IntArray:
        """:meth:`_compute_neighbours` through the padded torus (large lattices); the same cells,
        possibly as 32-bit integers."""
        step = self._step if which is None else self._step.take(which)
        return self._padded.take(self._base.take(cells)[:, None] + step)

    def neighbours(self, cells: IntArray) -> IntArray:
        """All cells within vision of each of ``cells``: shape ``(len(cells), size)``."""
        cells = np.asarray(cells, dtype=np.int64)
        if self._table is not None:
            return self._table[cells]
        return self._padded_neighbours(cells, None).astype(np.int64, copy=False)

    def neighbours_of(self, cell: int) -> IntArray:
        """The cells within vision of one cell (used by the sequential reference engine)."""
        if self._table is not None:
            return self._table[cell]
        return self.neighbours(np.asarray([cell], dtype=np.int64))[0]

    def _pick_offsets(self, cells: IntArray, which: IntArray) -> IntArray:
        if self._flat_table is not None:
            return self._flat_table.take(cells[:, None] * self.size + which)
        return self._padded_neighbours(cells, which)

    # ------------------------------------------------------------------------------ counting
    def count(self, marks: NDArray[np.generic]) -> NDArray[np.int64]:
        """For every cell, the number of marked cells within vision (the cell itself excluded).

        ``marks`` is a flat array of ``cells`` booleans or small non-negative integers.
        """
        h, w, r = self.height, self.width, self.reach
        grid = np.asarray(marks).reshape(h, w).astype(np.int64, copy=False)
        # Wrap-pad r rows above and below and r columns left and right, then prefix-sum rows.
        rows = np.concatenate((grid[h - r :], grid, grid[:r]), axis=0)
        wide = np.concatenate((rows[:, w - r :], rows, rows[:, :r]), axis=1)
        prefix = np.zeros((h + 2 * r, w + 2 * r + 1), dtype=np.int64)
        np.cumsum(wide, axis=1, out=prefix[:, 1:])
        total = -grid
        for half, offsets in self._rows_by_width:
            box = prefix[:, r + half + 1 : r + half + 1 + w] - prefix[:, r - half : r - half + w]
            for dy in offsets:
                total += box[r + dy : r + dy + h]
        return total.reshape(-1)

    def count_many(self, *marks: NDArray[np.generic]) -> list[NDArray[np.int64]]:
        """:meth:`count` of several boolean layers in one pass (bit-packed into one integer)."""
        if not marks:
            return []
        bits = max(1, int(self.size + 1).bit_length())
        if bits * len(marks) > 62:
            return [self.count(m) for m in marks]
        packed = np.zeros(self.cells, dtype=np.int64)
        for i, layer in enumerate(marks):
            packed |= np.asarray(layer, dtype=np.int64) << (bits * i)
        total = self.count(packed)
        mask = (1 << bits) - 1
        return [(total >> (bits * i)) & mask for i in range(len(marks))]

    # ------------------------------------------------------------------------- random picks
    def choose(
        self,
        cells: IntArray,
        allowed: BoolArray,
        rng: np.random.Generator,
        proposals: tuple[int, ...] = (6, 12),
    ) -> IntArray:
        """For each of ``cells``, a uniformly random cell within vision where ``allowed`` holds.

        Returns ``-1`` where no cell within vision is allowed. ``allowed`` is a flat boolean array
        over the lattice. Each entry of ``proposals`` is one rejection round (that many random
        offsets for every agent still without a pick); the rest get an exact draw.
        """
        cells = np.asarray(cells, dtype=np.int64)
        n = cells.size
        if n > _CHUNK:  # bounded temporaries (and cache-friendlier) on large lattices
            return np.concatenate(
                [
                    self.choose(cells[i : i + _CHUNK], allowed, rng, proposals)
                    for i in range(0, n, _CHUNK)
                ]
            )
        chosen = np.full(n, -1, dtype=np.int64)
        if n == 0:
            return chosen
        rest = np.arange(n)
        # With few cells in vision an exact draw over all of them is cheaper than rejection.
        for tries in proposals if self.size > _EXACT_BELOW else ():
            if rest.size == 0:
                return chosen
            # floor(U * size) is uniform on {0, ..., size - 1}; cheaper than Generator.integers.
            which = (rng.random((rest.size, tries)) * self.size).astype(np.int64)
            proposed = self._pick_offsets(cells[rest], which)
            ok = allowed[proposed]
            first = ok.argmax(axis=1)
            hit = ok[np.arange(rest.size), first]
            rows = rest[hit]
            chosen[rows] = proposed[hit, first[hit]]
            rest = rest[~hit]
        if rest.size:
            around = self.neighbours(cells[rest])
            ok = allowed[around]
            keys = rng.random(ok.shape)
            keys[~ok] = -1.0
            pick = keys.argmax(axis=1)
            found = ok.any(axis=1)
            chosen[rest[found]] = around[found, pick[found]]
        return chosen


def first_claims(targets: IntArray, rng: np.random.Generator) -> BoolArray:
    """Settle contested claims: for each distinct target ``>= 0`` one claimant, uniformly at random.

    Returns a mask of the winning claimants. This is how simultaneous moves, arrests and attacks
    are kept free of conflicts: two agents never enter the same cell or seize the same agent.
    Claimants get a random priority (a permutation); the lowest priority on a target wins.
    """
    targets = np.asarray(targets, dtype=np.int64)
    winners = np.zeros(targets.size, dtype=bool)
    claimants = np.flatnonzero(targets >= 0)
    m = claimants.size
    if m == 0:
        return winners
    claimed = targets[claimants]
    priority = rng.permutation(m)
    best = np.full(int(claimed.max()) + 1, m, dtype=np.int64)
    np.minimum.at(best, claimed, priority)
    winners[claimants[best[claimed] == priority]] = True
    return winners


def move_to_empty(
    lattices: Sequence[Lattice],
    positions: IntArray,
    kinds: IntArray | None,
    occupied: BoolArray,
    rng: np.random.Generator,
    rounds: int,
) -> IntArray:
    """Move every agent to a random empty cell within vision, simultaneously and without conflicts.

    ``kinds[i]`` says which of ``lattices`` (which vision) agent ``i`` uses; ``None`` means all use
    the first. Each agent draws a target among the cells empty at the start of the round; when
    several pick the same cell one of them, at random, gets it and the others try again in the
    next round against the updated lattice (cells vacated by the winners are then free). Agents
    that find no empty cell, or lose in the last round, stay where they are. ``occupied`` is
    updated in place.

    This is the one place where simultaneous movement departs from sequential activation: a cell
    vacated in the current round is not yet available to others in that round.
    """
    new_positions = np.array(positions, dtype=np.int64, copy=True)
    pending = np.arange(new_positions.size)
    for _ in range(rounds):
        if pending.size == 0:
            break
        free = ~occupied
        if kinds is None or len(lattices) == 1:
            target = lattices[0].choose(new_positions[pending], free, rng)
        else:
            target = np.full(pending.size, -1, dtype=np.int64)
            pending_kinds = kinds[pending]
            for k, lattice in enumerate(lattices):
                rows = np.flatnonzero(pending_kinds == k)
                if rows.size:
                    target[rows] = lattice.choose(new_positions[pending[rows]], free, rng)
        won = first_claims(target, rng)
        movers = pending[won]
        occupied[new_positions[movers]] = False
        occupied[target[won]] = True
        new_positions[movers] = target[won]
        pending = pending[(target >= 0) & ~won]
    return new_positions

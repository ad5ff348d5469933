"""The torus lattice: neighbourhood offsets, vectorised counts within vision, random picks.

Cells are numbered row by row, ``cell = y * width + x``. A vision neighbourhood is a set of offsets
``(dy, dx)`` without ``(0, 0)``; for every shape used here the offsets of one row form one
contiguous run ``-w(dy) <= dx <= w(dy)``, so the number of marked cells within vision of *every*
cell is a sum of ``2 r + 1`` shifted row-wise box sums (prefix sums along rows, wrap-around
padding on the torus). That costs O(cells * r) and is exact, unlike an FFT convolution. A few
marked cells are instead counted by scattering their own neighbourhoods (every shape here is
symmetric: ``a`` sees ``b`` exactly when ``b`` sees ``a``).

Random choices "a random cell within vision that satisfies a condition" (an empty site to move to,
an active agent to arrest, a victim) are drawn for many agents at once by rejection: each agent
proposes a few uniformly random offsets, keeps the first that satisfies the condition, and the
few that found none get an exact draw over their whole neighbourhood (after one more, wider round
where they are many). A round of many proposals takes one random byte each (a byte beyond the
largest multiple of the neighbourhood's size proposes nothing, so every offset stays equally
likely). The result is exactly uniform over the qualifying cells, as a sequential per-agent draw
would be. The draws are made in a fixed order and shape (chunks of ``_CHUNK`` agents, one array
per round), so the picks depend only on the inputs and the generator's state; ``tests/unit/abm/test_abm_fast_paths.py`` checks
the vectorised forms against plain references, pick for pick.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from grudging.abm.config import Vision

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
# Counts within vision: the narrowest integer type that holds them.
CountArray = NDArray[np.integer[Any]]

# Build a cells x offsets neighbour table only while it stays small (entries, int64).
_TABLE_LIMIT = 2_000_000
# Random picks for more agents than this are made in chunks of this size.
_CHUNK = 65_536
# A rejection round of at least this many proposals draws one random byte a proposal (a uniform
# double each below it: fewer calls for the few agents of a small lattice, fewer random bits for
# the many of a large one).
_BYTES_FROM = 32_768
# After the listed rounds, one more round of ``_WIDEST`` proposals where the agents left times the
# neighbourhood's size is at least this: the exact draw costs a uniform double and a comparison
# per cell of each neighbourhood, a round one random number per proposal (measured: a step of the
# million-agent lattice, 77 % full, 5-15 % faster by run; Mesa's 40 x 40 does not reach it).
_TAIL_FROM = 32_768
# Neighbourhoods smaller than this are drawn from exactly, without rejection rounds.
_EXACT_BELOW = 24
# Count by scattering the neighbourhoods of the marked cells while marked x size is at most twice
# the cells plus this (measured: the lattice-wide prefix sums cost a few ns a cell and some 30 us
# of calls; the scatter a few ns an entry).
_SCATTER_EXTRA = 16_384


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
        # Whether ``b`` is in vision of ``a`` exactly when ``a`` is in vision of ``b``.
        offsets = set(zip(self.dy.tolist(), self.dx.tolist(), strict=True))
        self._symmetric = all((-dy, -dx) in offsets for dy, dx in offsets)
        self._table: IntArray | None = None
        # Neighbour k of cell c is ``_lookup[_origin(c) + _offset[k]]``: the flat cells x offsets
        # table while it stays small (``_offset`` None: k itself), else the torus wrap-padded by
        # the reach on every side (one addition and one lookup, no division or modulo per draw),
        # its cell numbers 32-bit while they fit: half the memory traffic of the random lookups.
        if self.cells * self.size <= _TABLE_LIMIT:
            every = np.arange(self.cells, dtype=np.int64)
            self._table = self._compute_neighbours(every[:, None], None)
            self._lookup: NDArray[np.signedinteger[Any]] = self._table.reshape(-1)
            self._offset: NDArray[np.signedinteger[Any]] | None = None
        else:
            r, side = self.reach, self.width + 2 * self.reach
            rows = (np.arange(self.height + 2 * r, dtype=np.int64) - r) % self.height
            cols = (np.arange(side, dtype=np.int64) - r) % self.width
            index = np.int32 if (self.height + 2 * r) * side < 2**31 else np.int64
            self._lookup = (rows[:, None] * self.width + cols[None, :]).reshape(-1).astype(index)
            y, x = np.divmod(np.arange(self.cells, dtype=np.int64), self.width)
            self._base = ((y + r) * side + (x + r)).astype(np.intp)
            self._offset = (self.dy * side + self.dx).astype(np.intp)

        # Proposals from random bytes where a neighbourhood has at most 256 cells: byte b
        # proposes step b mod size while b < _byte_accept (a multiple of the size), else nothing.
        self._byte_offset: NDArray[np.intp] | None = None
        self._byte_accept = 256 - 256 % self.size
        if self.size <= 256:
            steps = np.arange(self.size) if self._offset is None else self._offset
            table = np.zeros(256, dtype=np.intp)
            table[: self._byte_accept] = np.tile(steps, self._byte_accept // self.size)
            self._byte_offset = table

    # ----------------------------------------------------------------------------- geometry
    def _compute_neighbours(self, cells: IntArray, which: IntArray | None) -> IntArray:
        y, x = np.divmod(cells, self.width)
        dy = self.dy if which is None else self.dy[which]
        dx = self.dx if which is None else self.dx[which]
        return ((y + dy) % self.height) * self.width + (x + dx) % self.width

    def _origin(self, cells: IntArray) -> NDArray[np.signedinteger[Any]]:
        """Where each of ``cells`` starts in ``_lookup`` (see ``__init__``)."""
        if self._offset is None:
            return cells * self.size
        return self._base.take(cells)

    def neighbours(self, cells: IntArray) -> IntArray:
        """All cells within vision of each of ``cells``: shape ``(len(cells), size)``."""
        cells = np.asarray(cells, dtype=np.int64)
        if self._table is not None:
            return self._table[cells]
        assert self._offset is not None
        found = self._lookup.take(self._base.take(cells)[:, None] + self._offset)
        return found.astype(np.int64, copy=False)

    def neighbours_of(self, cell: int) -> IntArray:
        """The cells within vision of one cell (used by the sequential reference engine)."""
        if self._table is not None:
            return self._table[cell]
        return self.neighbours(np.asarray([cell], dtype=np.int64))[0]

    def _pick_offsets(self, cells: IntArray, which: IntArray) -> NDArray[np.signedinteger[Any]]:
        """Neighbour ``which[i, j]`` (an offset index) of each of ``cells[i]``."""
        index = np.array(which, dtype=np.intp)
        if self._offset is not None:
            index = self._offset.take(index)
        index += self._origin(np.asarray(cells, dtype=np.int64))[:, None]
        return self._lookup.take(index)

    def _wrap_pad(self, values: NDArray[Any]) -> NDArray[Any]:
        """A flat array over the cells, wrap-padded by the reach on every side: what
        ``values.take(_lookup)`` gives on a padded lattice, by five block copies."""
        h, w, r = self.height, self.width, self.reach
        grid = values.reshape(h, w)
        out = np.empty((h + 2 * r, w + 2 * r), dtype=values.dtype)
        out[r : r + h, r : r + w] = grid
        out[r : r + h, :r] = grid[:, w - r :]
        out[r : r + h, r + w :] = grid[:, :r]
        out[:r] = out[h : h + r]
        out[r + h :] = out[r : 2 * r]
        return out.reshape(-1)

    # ------------------------------------------------------------------------------ counting
    def count(self, marks: NDArray[np.generic]) -> CountArray:
        """For every cell, the number of marked cells within vision (the cell itself excluded).

        ``marks`` is a flat array of ``cells`` booleans or small non-negative integers. The
        counts come in the narrowest unsigned type that holds them (``uint8`` for booleans and
        neighbourhoods under 255 cells). A few marked cells (booleans) are counted by
        scattering their neighbourhoods (vision is symmetric: ``a`` sees ``b`` when ``b`` sees
        ``a``) instead of summing over the whole lattice; both give the same counts.
        """
        flat = np.asarray(marks).reshape(-1)
        if flat.dtype == np.bool_:
            marked = flat.nonzero()[0]
            if self._symmetric and marked.size * self.size <= 2 * self.cells + _SCATTER_EXTRA:
                return self._scatter_count(marked)
            top = 1
        else:
            top = int(flat.max()) if flat.size else 0
        return self._row_count(flat, top)

    def count_cells(self, marked: IntArray) -> CountArray:
        """:meth:`count` of the lattice whose marked cells are ``marked`` (distinct cells)."""
        marked = np.asarray(marked, dtype=np.int64)
        if self._symmetric and marked.size * self.size <= 2 * self.cells + _SCATTER_EXTRA:
            return self._scatter_count(marked)
        flat = np.zeros(self.cells, dtype=bool)
        flat[marked] = True
        return self._row_count(flat, 1)

    def _scatter_count(self, marked: IntArray) -> CountArray:
        """:meth:`count` of the cells ``marked`` (few), by their neighbourhoods."""
        if marked.size == 0:
            return np.zeros(self.cells, dtype=np.uint8)
        return np.bincount(self.neighbours(marked).reshape(-1), minlength=self.cells)

    def _row_count(self, flat: NDArray[np.generic], top: int) -> CountArray:
        """:meth:`count` by row-wise prefix sums; ``top`` bounds the values of ``flat``."""
        h, w, r = self.height, self.width, self.reach
        # Unsigned arithmetic is exact modulo 2**bits, and every count (a neighbourhood with its
        # centre at most) is below that: the row prefixes may wrap around, their differences and
        # sums do not. The narrowest such type halves or quarters the memory traffic.
        largest = max(top, 1) * (self.size + 1)
        dtype = next(
            t for t in (np.uint8, np.uint16, np.uint32, np.uint64) if largest < np.iinfo(t).max
        )
        grid = flat.reshape(h, w)
        # Wrap-pad r rows above and below and r columns left and right, then prefix-sum rows.
        prefix = np.empty((h + 2 * r, w + 2 * r + 1), dtype=dtype)
        prefix[:, 0] = 0
        body = prefix[:, 1:]
        body[r : r + h, r : r + w] = grid
        body[r : r + h, :r] = grid[:, w - r :]
        body[r : r + h, r + w :] = grid[:, :r]
        body[:r] = body[h : h + r]
        body[r + h :] = body[r : 2 * r]
        np.cumsum(body, axis=1, out=body, dtype=dtype)
        total = np.empty((h, w), dtype=dtype)
        box = np.empty((h + 2 * r, w), dtype=dtype)
        started = False
        for half, offsets in self._rows_by_width:
            np.subtract(
                prefix[:, r + half + 1 : r + half + 1 + w],
                prefix[:, r - half : r - half + w],
                out=box,
            )
            for dy in offsets:
                if started:
                    total += box[r + dy : r + dy + h]
                else:
                    np.subtract(box[r + dy : r + dy + h], grid, out=total, casting="unsafe")
                    started = True
        return total.reshape(-1)

    def count_many(self, *marks: NDArray[np.generic]) -> list[CountArray]:
        """:meth:`count` of several boolean layers in one pass (bit-packed into one integer)."""
        if not marks:
            return []
        bits = max(1, int(self.size + 1).bit_length())
        if bits * len(marks) > 62:
            return [self.count(m) for m in marks]
        packed = np.zeros(self.cells, dtype=np.int64)
        for i, layer in enumerate(marks):
            packed |= np.asarray(layer, dtype=np.int64) << (bits * i)
        total = self._row_count(packed, sum(1 << (bits * i) for i in range(len(marks))))
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
        offsets for every agent still without a pick), followed by one of ``_WIDEST`` where the
        agents left times the neighbourhood's size reach ``_TAIL_FROM``; the rest get an exact
        draw. Agents are taken in chunks of ``_CHUNK``, each with its own rounds.
        """
        cells = np.asarray(cells, dtype=np.int64)
        n = cells.size
        rounds = proposals if self.size > _EXACT_BELOW else ()
        if any(tries > _WIDEST for tries in rounds):
            raise ValueError(f"proposals {proposals} exceed {_WIDEST} a round")
        # Many proposals against a lattice seen through the lookup: read ``allowed`` through the
        # lookup once (one sequential pass), so that each proposal costs one random read, not two.
        dense = n * (rounds[0] if rounds else self.size) * 2 >= self._lookup.size
        seen = None
        if dense:
            seen = allowed.take(self._lookup) if self._offset is None else self._wrap_pad(allowed)
        if n <= _CHUNK:
            return self._choose_chunk(cells, allowed, seen, rng, rounds)
        # Bounded temporaries (and cache-friendlier) on large lattices.
        chosen = np.empty(n, dtype=np.int64)
        for start in range(0, n, _CHUNK):
            stop = start + _CHUNK
            chosen[start:stop] = self._choose_chunk(cells[start:stop], allowed, seen, rng, rounds)
        return chosen

    def _choose_chunk(
        self,
        cells: IntArray,
        allowed: BoolArray,
        seen: BoolArray | None,
        rng: np.random.Generator,
        rounds: tuple[int, ...],
    ) -> IntArray:
        """:meth:`choose` for at most ``_CHUNK`` agents; ``seen`` is ``allowed`` through the
        lookup, or ``None``."""
        n = cells.size
        if n == 0:
            return np.full(0, -1, dtype=np.int64)
        origin = self._origin(cells)
        chosen: IntArray | None = None
        rest: IntArray | None = None  # rows of ``cells`` still without a pick; None: all of them
        # The listed rounds, then one more of the widest where the exact draw would still cost at
        # least ``_TAIL_FROM`` uniform doubles (one per cell of each neighbourhood left).
        schedule = list(rounds)
        if rounds:
            schedule.append(_WIDEST)
        for turn, tries in enumerate(schedule):
            if origin.size == 0:
                assert chosen is not None
                return chosen
            if turn == len(rounds) and origin.size * self.size < _TAIL_FROM:
                break
            chosen, rest, origin = self._round(origin, allowed, seen, rng, tries, chosen, rest)
        if chosen is None:
            chosen = np.full(n, -1, dtype=np.int64)
        # The few left: an exact draw, the largest of uniform keys over their allowed cells.
        m = origin.size
        if m == 0:
            return chosen
        steps = np.arange(self.size) if self._offset is None else self._offset
        index = origin[:, None] + steps
        okay = np.empty(index.shape, dtype=bool)
        self._allowed_at(index, allowed, seen, okay)
        keys = np.where(okay, rng.random(okay.shape), -1.0)
        pick = keys.argmax(axis=1)
        pick += np.arange(0, m * self.size, self.size)
        found = (keys.reshape(-1).take(pick) >= 0.0).nonzero()[0]
        found_rows = rest.take(found) if rest is not None else found
        chosen[found_rows] = self._lookup.take(index.reshape(-1).take(pick.take(found)))
        return chosen

    def _round(
        self,
        origin: NDArray[np.signedinteger[Any]],
        allowed: BoolArray,
        seen: BoolArray | None,
        rng: np.random.Generator,
        tries: int,
        chosen: IntArray | None,
        rest: IntArray | None,
    ) -> tuple[IntArray, IntArray, NDArray[np.signedinteger[Any]]]:
        """One rejection round: ``tries`` random offsets for each agent still without a pick
        (``origin`` in the lookup; ``rest`` their rows, ``None`` in the first round, where
        ``chosen`` is made). Returns ``chosen``, ``rest`` and ``origin`` of those still left."""
        m = origin.size
        # The flags of row i are bytes i * tries ... of a buffer with a spare word at its end
        # (see ``_first_true``).
        flags = np.empty(m * tries + 8, dtype=bool)
        grid = flags[: m * tries].reshape(m, tries)
        if self._byte_offset is not None and m * tries >= _BYTES_FROM:
            # One random byte a proposal: byte b below ``_byte_accept`` proposes offset
            # b mod size (uniform), the others propose nothing (a rejected proposal).
            raw = np.frombuffer(rng.bytes(m * tries), dtype=np.uint8).reshape(m, tries)
            index = self._byte_offset.take(raw)
            index += origin[:, None]
            self._allowed_at(index, allowed, seen, grid)
            if self._byte_accept < 256:
                np.logical_and(grid, raw < self._byte_accept, out=grid)
        else:
            # floor(U * size) is uniform on {0, ..., size - 1}; cheaper than integers().
            draws = rng.random((m, tries))
            draws *= self.size
            index = draws.astype(np.intp)
            if self._offset is not None:  # in place: each entry is read before it is written
                np.take(self._offset, index, out=index, mode="clip")
            index += origin[:, None]
            self._allowed_at(index, allowed, seen, grid)
        first, hit = _first_true(flags, m, tries)
        first += np.arange(0, m * tries, tries)
        miss = (~hit).nonzero()[0]
        if rest is None:  # the first round: a pick (or -1) for every row
            pick = self._lookup.take(index.reshape(-1).take(first))
            chosen = np.where(hit, pick, np.int64(-1))
            rest = miss
        else:
            assert chosen is not None
            found = hit.nonzero()[0]
            pick = self._lookup.take(index.reshape(-1).take(first.take(found)))
            chosen[rest.take(found)] = pick
            rest = rest.take(miss)
        return chosen, rest, origin.take(miss)

    def _allowed_at(
        self,
        index: NDArray[np.intp],
        allowed: BoolArray,
        seen: BoolArray | None,
        out: BoolArray,
    ) -> None:
        """``allowed`` at the cells ``_lookup[index]``, written into ``out``."""
        # mode="clip": the indices are within bounds, so nothing is clipped (and nothing copied).
        if seen is not None:
            seen.take(index, out=out, mode="clip")
        else:
            allowed.take(self._lookup.take(index), out=out, mode="clip")


# Multiplying a word of eight 0/1 bytes by this gathers byte j's bit into bit 56 + j.
_GATHER = np.uint64(0x0102040810204080)
# The position of the lowest set bit of a 16-bit number (0 for 0).
_LOWEST_BIT = np.array(
    [(v & -v).bit_length() - 1 if v else 0 for v in range(1 << 16)], dtype=np.intp
)
# The widest rejection round :meth:`Lattice.choose` takes.
_WIDEST = 16


def _first_true(flags: BoolArray, rows: int, width: int) -> tuple[NDArray[np.intp], BoolArray]:
    """For each row of the ``rows x width`` booleans at the start of ``flags`` (``width <= 16``;
    8 spare bytes after them), the column of its first ``True`` (0 where none) and whether it has
    one: ``argmax`` and ``any`` along rows without their per-row cost.

    Each row's bytes are read as (unaligned) 64-bit words, the bytes beyond the row masked off,
    and their eight 0/1 bytes gathered into eight bits by one multiplication (little-endian
    words; elsewhere ``argmax`` and ``any`` themselves).
    """
    if sys.byteorder != "little":
        grid = flags[: rows * width].reshape(rows, width)
        return grid.argmax(axis=1), np.asarray(grid.any(axis=1), dtype=bool)
    code: NDArray[np.uint64] | None = None
    for start in range(0, width, 8):
        valid = min(8, width - start)
        words = np.ndarray((rows,), dtype=np.uint64, buffer=flags, offset=start, strides=(width,))
        bits = words & np.uint64((1 << (8 * valid)) - 1)
        bits *= _GATHER
        bits >>= np.uint64(56)
        if code is None:
            code = bits
        else:
            bits <<= np.uint64(start)
            code |= bits
    assert code is not None
    return _LOWEST_BIT.take(code), code != 0


def settle_claims(targets: IntArray, rng: np.random.Generator) -> tuple[IntArray, BoolArray]:
    """Settle contested claims: for each distinct target ``>= 0`` one claimant, uniformly at random.

    Returns the claimants (the rows of ``targets`` that are ``>= 0``, in order) and, for each,
    whether it won. Claimants get a random priority (a permutation of them); the lowest priority
    on a target wins.
    """
    claimants, won = _settle(np.asarray(targets, dtype=np.int64), rng)
    return (np.arange(won.size) if claimants is None else claimants), won


def _settle(targets: IntArray, rng: np.random.Generator) -> tuple[IntArray | None, BoolArray]:
    """:func:`settle_claims`, with ``None`` for claimants when every row claims."""
    claimants: IntArray | None = None
    claimed = targets
    if targets.size == 0 or int(targets.min()) < 0:
        claimants = (targets >= 0).nonzero()[0]
        claimed = targets.take(claimants)
    m = claimed.size
    if m == 0:
        return claimants, np.zeros(0, dtype=bool)
    priority = rng.permutation(m)
    if m < 2**31:  # 32-bit priorities: half the memory traffic of the scatter and the gather
        priority = priority.astype(np.int32)
    best = np.full(int(claimed.max()) + 1, m, dtype=priority.dtype)
    np.minimum.at(best, claimed, priority)
    return claimants, best.take(claimed) == priority


def first_claims(targets: IntArray, rng: np.random.Generator) -> BoolArray:
    """Settle contested claims: for each distinct target ``>= 0`` one claimant, uniformly at random.

    Returns a mask of the winning claimants. This is how simultaneous moves, arrests and attacks
    are kept free of conflicts: two agents never enter the same cell or seize the same agent.
    See :func:`settle_claims`.
    """
    winners = np.zeros(np.size(targets), dtype=bool)
    claimants, won = settle_claims(targets, rng)
    winners[claimants.compress(won)] = True
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
    free = np.empty_like(occupied)
    for turn in range(rounds):
        if pending.size == 0:
            break
        np.logical_not(occupied, out=free)
        # Everyone is pending in the first round (``where`` is read before the moves below).
        where = new_positions if turn == 0 else new_positions.take(pending)
        if kinds is None or len(lattices) == 1:
            target = lattices[0].choose(where, free, rng)
        else:
            target = np.full(pending.size, -1, dtype=np.int64)
            pending_kinds = kinds.take(pending)
            for k, lattice in enumerate(lattices):
                rows = (pending_kinds == k).nonzero()[0]
                if rows.size:
                    target[rows] = lattice.choose(where.take(rows), free, rng)
        claimants, won = _settle(target, rng)
        rows = won.nonzero()[0] if claimants is None else claimants.compress(won)
        destination = target.take(rows)
        occupied[where.take(rows)] = False
        occupied[destination] = True
        new_positions[rows if turn == 0 else pending.take(rows)] = destination
        if turn + 1 < rounds:
            lost = (~won).nonzero()[0] if claimants is None else claimants.compress(~won)
            pending = pending.take(lost)
    return new_positions

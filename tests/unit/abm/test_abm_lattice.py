"""The lattice primitives: counts within vision, random picks, conflict-free claims and moves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grudging.abm.config import VISION_SHAPES, Vision
from grudging.abm.lattice import Lattice, first_claims, move_to_empty, vision_offsets
from grudging.rng import make_rng


def brute_force_count(marks: np.ndarray, h: int, w: int, vision: Vision) -> np.ndarray:
    dy, dx = vision_offsets(vision)
    grid = marks.reshape(h, w).astype(int)
    out = np.zeros((h, w), dtype=int)
    for y in range(h):
        for x in range(w):
            out[y, x] = grid[(y + dy) % h, (x + dx) % w].sum()
    return out.reshape(-1)


@settings(max_examples=40, deadline=None)
@given(
    shape=st.sampled_from(VISION_SHAPES),
    radius=st.sampled_from([1.0, 1.5, 1.7, 2.0, 3.0, 4.3]),
    h=st.integers(9, 17),
    w=st.integers(9, 17),
    density=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**31),
)
def test_count_equals_brute_force(
    shape: str, radius: float, h: int, w: int, density: float, seed: int
) -> None:
    vision = Vision(shape, radius)  # type: ignore[arg-type]
    lattice = Lattice(h, w, vision)
    marks = make_rng(seed).random(h * w) < density
    expected = brute_force_count(marks, h, w, vision)
    assert np.array_equal(lattice.count(marks), expected)
    other = ~marks
    both = lattice.count_many(marks, other)
    assert np.array_equal(both[0], expected)
    assert np.array_equal(both[1], brute_force_count(other, h, w, vision))


@pytest.mark.parametrize(
    ("vision", "size"),
    [
        (Vision("von_neumann", 7), 112),  # Mesa's neighbourhood of radius 7
        (Vision("euclidean", 7), 148),  # NetLogo's in-radius 7, without the own patch
        (Vision("euclidean", 1.7), 8),  # Ascape's 1.7: the 8 adjacent cells
        (Vision("moore", 1), 8),
        (Vision("cross", 7), 28),  # Epstein's wording: 7 cells N, S, E and W
    ],
)
def test_neighbourhood_sizes(vision: Vision, size: int) -> None:
    assert Lattice(40, 40, vision).size == size


def test_table_and_arithmetic_neighbours_agree() -> None:
    small = Lattice(20, 30, Vision("euclidean", 3))
    assert small._table is not None
    cells = np.arange(small.cells)
    assert np.array_equal(small.neighbours(cells), small._compute_neighbours(cells[:, None], None))


def test_choose_picks_allowed_cells_within_vision_or_none() -> None:
    rng = make_rng(5)
    lattice = Lattice(25, 25, Vision("von_neumann", 3))
    allowed = rng.random(lattice.cells) < 0.1
    cells = rng.integers(0, lattice.cells, size=4000)
    picked = lattice.choose(cells, allowed, rng)
    around = lattice.neighbours(cells)
    has_any = allowed[around].any(axis=1)
    assert np.array_equal(picked >= 0, has_any)
    ok = picked >= 0
    assert allowed[picked[ok]].all()
    assert (around[ok] == picked[ok, None]).any(axis=1).all()


@pytest.mark.parametrize("draws", [50_000, 5_000])  # proposals from random bytes; from doubles
def test_choose_is_uniform_over_allowed_cells(draws: int) -> None:
    rng = make_rng(11)
    lattice = Lattice(21, 21, Vision("von_neumann", 4))
    allowed = np.zeros(lattice.cells, dtype=bool)
    centre = 10 * 21 + 10
    around = lattice.neighbours(np.asarray([centre]))[0]
    wanted = around[[0, 5, 17, 30, 39]]
    allowed[wanted] = True
    picks = lattice.choose(np.full(draws, centre), allowed, rng)
    counts = np.array([(picks == c).sum() for c in wanted])
    assert counts.sum() == draws
    expected = draws / 5
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < 18.5  # 0.999 quantile of chi-square with 4 degrees of freedom


def test_first_claims_gives_each_target_one_random_winner() -> None:
    rng = make_rng(3)
    targets = np.array([4, 4, 4, -1, 7, 9, 9])
    wins = np.zeros(len(targets))
    for _ in range(3000):
        won = first_claims(targets, rng)
        assert not won[3]
        for t in (4, 7, 9):
            assert won[targets == t].sum() == 1
        wins += won
    assert wins[4] == 3000
    assert np.allclose(wins[:3] / 3000, 1 / 3, atol=0.04)
    assert np.allclose(wins[5:] / 3000, 1 / 2, atol=0.04)


def test_move_to_empty_keeps_one_agent_per_cell_and_moves_within_vision() -> None:
    rng = make_rng(8)
    lattice = Lattice(30, 30, Vision("euclidean", 2.5))
    start = rng.permutation(lattice.cells)[:700]
    occupied = np.zeros(lattice.cells, dtype=bool)
    occupied[start] = True
    moved = move_to_empty([lattice], start, None, occupied, rng, rounds=3)
    assert np.unique(moved).size == moved.size
    assert occupied.sum() == 700
    assert set(np.flatnonzero(occupied)) == set(moved.tolist())
    around = lattice.neighbours(start)
    went = moved != start
    assert went.mean() > 0.5
    assert (around[went] == moved[went, None]).any(axis=1).all()


@pytest.mark.parametrize("shape", VISION_SHAPES)
def test_a_lattice_too_large_for_a_table_finds_the_same_neighbours(shape: str) -> None:
    """Above the table limit the neighbours come from the wrap-padded torus: the same cells as
    the modular formula (y + dy mod h, x + dx mod w), at the torus' edges too."""
    h, w = 311, 297  # 92,367 cells x 28 or more offsets: no table
    lattice = Lattice(h, w, Vision(radius=7.0, shape=shape))
    assert lattice._table is None
    rng = make_rng(8)
    edges = np.array([0, w - 1, (h - 1) * w, h * w - 1, 7 * w + 3], dtype=np.int64)
    cells = np.concatenate([edges, rng.integers(0, h * w, 300)])
    y, x = np.divmod(cells, w)
    expected = ((y[:, None] + lattice.dy) % h) * w + (x[:, None] + lattice.dx) % w
    found = lattice.neighbours(cells)
    assert found.dtype == np.int64
    np.testing.assert_array_equal(found, expected)
    which = rng.integers(0, lattice.size, (cells.size, 6))
    picked = lattice._pick_offsets(cells, which)
    np.testing.assert_array_equal(picked, np.take_along_axis(expected, which, axis=1))

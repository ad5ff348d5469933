"""Metrics on hand-made inputs with known answers, and the terminal picture."""

from __future__ import annotations

import numpy as np
import pytest

from grudging.abm.metrics import outbursts, safe_havens
from grudging.abm.model2 import BLUE_QUIET, EMPTY, GREEN_ACTIVE, GREEN_QUIET, PEACEKEEPER
from grudging.abm.render import MODEL_I_PALETTE, MODEL_II_PALETTE, terminal_grid


def test_outbursts_found_with_hysteresis() -> None:
    series = np.zeros(100, dtype=int)
    series[10:15] = [20, 60, 90, 40, 0]  # burst 1: 10..13, ends at 14
    series[40:46] = [70, 20, 5, 80, 30, 0]  # one burst: 5 > calm (1) keeps it going
    series[80] = 3  # below the level: no burst
    found = outbursts(series, population=1000, level=0.05, calm=0.001)
    assert found.starts.tolist() == [11, 40]
    assert found.peaks.tolist() == [90, 80]
    assert found.waiting_times.tolist() == [40 - 14]
    assert found.calm_share == pytest.approx(np.mean(series <= 1))
    assert found.excess_kurtosis > 3


def test_safe_havens_on_a_known_layout() -> None:
    grid = np.full((20, 20), BLUE_QUIET, dtype=np.int8)
    grid[5, 5] = PEACEKEEPER
    grid[4, 4] = GREEN_QUIET  # next to the peacekeeper
    grid[6, 7] = GREEN_ACTIVE  # two cells away
    grid[15, 15] = EMPTY
    havens = safe_havens(grid, radius=2)
    assert havens.weaker == "green"
    assert havens.weaker_near == 1.0
    near_cells = 24  # the 5 x 5 square around the peacekeeper, without it
    assert havens.cells_near == pytest.approx(near_cells / 399)
    assert havens.stronger_near == pytest.approx(22 / 396)
    assert havens.ratio == pytest.approx(399 / 24)


@pytest.mark.parametrize(("h", "lines"), [(40, 20), (9, 5)])
def test_terminal_grid_packs_two_rows_per_line(h: int, lines: int) -> None:
    codes = np.random.default_rng(0).integers(0, 5, size=(h, 13))
    text = terminal_grid(codes, MODEL_I_PALETTE)
    rows = text.plain.rstrip("\n").split("\n")
    assert len(rows) == lines
    assert all(row == "▀" * 13 for row in rows)


def test_palettes_cover_all_codes() -> None:
    assert len(MODEL_I_PALETTE.hex) == 5
    assert len(MODEL_II_PALETTE.hex) == 6
    assert len(MODEL_II_PALETTE.terminal) == len(MODEL_II_PALETTE.labels)

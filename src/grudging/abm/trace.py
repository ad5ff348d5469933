"""Step a civil-violence model and record its counts (and, when asked, its grid) after each step."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import NDArray

from grudging.errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

MAX_STEPS = 10**7


class Steppable(Protocol):
    """What :func:`trace` needs of a model."""

    def step(self) -> None: ...

    def counts(self) -> dict[str, int]: ...

    def grid_codes(self) -> NDArray[np.int8]: ...


def trace(
    model: Steppable,
    steps: int,
    names: Sequence[str],
    *,
    record_frames: bool = False,
    stop: Callable[[], bool] | None = None,
) -> tuple[dict[str, NDArray[np.int64]], NDArray[np.int8] | None]:
    """Run ``model`` for up to ``steps`` steps (fewer once ``stop()`` is true).

    Returns the series ``names`` (index 0 the initial state) and the stacked cell codes
    ``(steps + 1, height, width)`` when ``record_frames``, else ``None``.
    """
    if not (isinstance(steps, int) and 0 <= steps <= MAX_STEPS):
        raise ParameterError(f"steps = {steps!r} must be an integer in [0, {MAX_STEPS}]")
    history: dict[str, list[int]] = {name: [] for name in names}
    frames: list[NDArray[np.int8]] = []

    def record() -> None:
        counts = model.counts()
        for name in names:
            history[name].append(counts[name])
        if record_frames:
            frames.append(model.grid_codes())

    record()
    for _ in range(steps):
        model.step()
        record()
        if stop is not None and stop():
            break
    series = {name: np.asarray(history[name], dtype=np.int64) for name in names}
    return series, (np.stack(frames) if record_frames else None)


def series_frame(series: dict[str, NDArray[np.int64]]) -> pd.DataFrame:
    """Series as a pandas DataFrame indexed by ``step``."""
    import pandas as pd

    frame = pd.DataFrame(dict(series))
    frame.index.name = "step"
    return frame

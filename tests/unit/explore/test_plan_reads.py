"""The grouping of design points rests on knowing which dynamics parameters the deterministic
stages read: check it by recording every attribute plan_option reads from the dynamics parameters."""

from __future__ import annotations

from typing import Any

import pytest

from grudging.options import plan_reads_dynamics


class _Recorder:
    def __init__(self, inner: Any, seen: set[str]) -> None:
        self._inner = inner
        self._seen = seen

    def __getattr__(self, name: str) -> Any:
        self._seen.add(f"dynamics.{name}")
        return getattr(self._inner, name)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "guarantor", "reads"),
    [("nato", "nato", set()), ("us", "us", set()), ("nato", "us", {"dynamics.patron_pk_skill"})],
)
def test_plan_reads_only_the_declared_dynamics_parameters(
    iraq: Any, command: str, guarantor: str, reads: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import grudging.options as options
    from grudging.model.dynamics import DynamicsParams

    seen: set[str] = set()
    real = options.stage_parameters

    def recording(cls: Any, values: Any, stage: str) -> Any:
        out = real(cls, values, stage)
        return _Recorder(out, seen) if cls is DynamicsParams else out

    monkeypatch.setattr(options, "stage_parameters", recording)
    base = iraq.option("nato_replaces")
    option = base.model_copy(
        update={
            "coalition": base.coalition.model_copy(update={"command": command}),
            "bargain": base.bargain.model_copy(update={"guarantor": guarantor}),
        }
    )
    options.plan_option(iraq, option, None, 1)
    assert seen == reads
    assert set(plan_reads_dynamics(iraq, option)) == reads

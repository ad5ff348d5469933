"""Helpers of the scenario tests: the message a bad scenario text gets, and a line's number."""

from __future__ import annotations

import pytest

from grudging.errors import ScenarioError
from grudging.scenario import loads_scenario


def refusal(text: str, name: str = "case.yaml") -> str:
    """The message of the :class:`ScenarioError` that reading ``text`` raises."""
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, name)
    return str(info.value)


def line_of(text: str, needle: str) -> int:
    """The number of the first line of ``text`` that holds ``needle``."""
    for n, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)

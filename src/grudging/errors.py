"""The exceptions grudging raises.

Every message names the culprit (file, line, key), shows the bad value, lists the valid choices or
a close match, and says how to fix it. The CLI prints the message alone and exits with code 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence


class GrudgingError(Exception):
    """Base class of every error grudging raises on purpose."""


class ScenarioError(GrudgingError):
    """A scenario file or override is malformed: bad YAML, unknown key, wrong type, bad reference.

    ``every`` holds one message per problem where several were found at once (the message itself
    is the first, with how many follow); ``grudging validate`` prints them all."""

    def __init__(self, message: str, every: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.every = tuple(every) or (message,)


class ParameterError(GrudgingError):
    """A parameter name, value or range is not acceptable."""


class InfeasibleError(GrudgingError):
    """A request that no solution can satisfy (a requirement nobody can serve, a negative budget)."""


class StoreError(GrudgingError):
    """A results store cannot be used as asked (another scenario, a corrupt file, no space)."""


class DesignError(GrudgingError):
    """An experimental design that cannot run (too large, unknown outcome or parameter)."""


def did_you_mean(word: str, choices: Iterable[str], n: int = 1) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest choice, or ``""`` when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"


def choices_hint(choices: Iterable[str], limit: int = 12) -> str:
    """A short ``valid: a, b, c`` list, truncated with a count when long."""
    items = sorted(set(choices))
    shown = ", ".join(items[:limit])
    if len(items) > limit:
        shown += f", … ({len(items) - limit} more)"
    return f"valid: {shown}"


def unknown_name(kind: str, name: str, choices: Iterable[str]) -> str:
    """Message for an unknown identifier: the name, a did-you-mean and the valid choices."""
    choices = list(choices)
    if not choices:  # nothing to choose from: the list that declares them is missing
        return (
            f"unknown {kind} '{name}': the scenario declares no {kind} at all; add their list "
            "(grudging dump iraq-2007 shows the format)"
        )
    return f"unknown {kind} '{name}'{did_you_mean(name, choices)}; {choices_hint(choices)}"

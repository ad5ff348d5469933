"""Fuzz tier: thousands of mutated scenario files load fast and fail only with grudging's errors.

Each case mutates the toy scenario (as written, or as dumped) and loads it in-process; the only
exceptions allowed are :class:`~grudging.errors.GrudgingError` subclasses, and no case may take
longer than :data:`CAP_S` (a guard against hangs and alias bombs, not a benchmark).
"""

from __future__ import annotations

import copy
import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from grudging.errors import GrudgingError
from grudging.scenario import dump_scenario, loads_scenario
from grudging.scenario.runnable import check_runnable

SEED = 20070101
CASES = 10_000
CAP_S = 2.0
DATA = Path(__file__).resolve().parents[1] / "data"

SCALARS: list[Any] = [
    0,
    -1,
    -(10**9),
    10**12,
    10**40,
    1e308,
    -1e308,
    float("inf"),
    float("-inf"),
    float("nan"),
    True,
    False,
    None,
    "",
    "x" * 5000,
    "1e6",
    "2006-13",
    "1899-12",
    "2101-01",
    "yes",
    "ünïcödé \u202e",
    "a\x00b",
    [],
    [1, 2],
    {},
    {"table": "../../etc/passwd"},
    {"table": "/etc/hosts.csv"},
]

BOMB = "bomb0: &b0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"bomb{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 9)}]\n" for i in range(1, 8)
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*path, i))


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def _mutate_data(rng: random.Random, data: dict[str, Any]) -> str:
    """Structural mutations of the data, dumped back to YAML."""
    data = copy.deepcopy(data)
    for _ in range(rng.randint(1, 3)):
        paths = [p for p in _paths(data) if p]
        path = rng.choice(paths)
        parent = _parent(data, path)
        op = rng.randrange(5)
        if op == 0:  # delete
            del parent[path[-1]]
        elif op == 1:  # duplicate a list item or retype a key
            if isinstance(parent, list):
                parent.append(copy.deepcopy(parent[path[-1]]))
            else:
                parent[str(path[-1]) + rng.choice(["", "s", "_x"])] = parent.pop(path[-1])
        elif op == 2:  # swap a scalar for a hostile value
            parent[path[-1]] = copy.deepcopy(rng.choice(SCALARS))
        elif op == 3:  # a number grown, negated or stringified
            value = parent[path[-1]]
            if isinstance(value, int | float) and not isinstance(value, bool):
                parent[path[-1]] = rng.choice([-value, value * 10**6, str(value), value + 0.5])
            else:
                parent[path[-1]] = rng.choice(SCALARS[:12])
        else:  # empty a list or mapping
            value = parent[path[-1]]
            parent[path[-1]] = type(value)() if isinstance(value, list | dict) else [value]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _mutate_text(rng: random.Random, text: str) -> str:
    """Textual mutations: truncation, duplicated lines, bad characters, alias bombs."""
    lines = text.splitlines(keepends=True)
    op = rng.randrange(6)
    if op == 0:
        return text[: rng.randrange(len(text))]
    if op == 1:
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
        return "".join(lines)
    if op == 2:
        i = rng.randrange(len(text))
        bad = rng.choice(["\x00", "\ufeff", "\ud800", "\t", "\x1b", "&a ", "*a ", ": ", "- ", "{"])
        return text[:i] + bad + text[i:]
    if op == 3:
        return BOMB + text
    if op == 4:
        i = rng.randrange(len(lines))
        key = lines[i].split(":", 1)[0]
        return "".join(lines[:i]) + f"{key}: &r [*r]\n" + "".join(lines[i + 1 :])
    i = rng.randrange(len(lines))
    return "".join(lines[:i]) + lines[i].replace(" ", "", 1) + "".join(lines[i + 1 :])


def _cases() -> Iterator[tuple[int, str]]:
    rng = random.Random(SEED)
    written = (DATA / "tiny.yaml").read_text(encoding="utf-8")
    dumped = dump_scenario(loads_scenario(written))
    bases = {name: yaml.safe_load(text) for name, text in (("w", written), ("d", dumped))}
    texts = {"w": written, "d": dumped}
    makers: list[Callable[[str], str]] = [
        lambda b: _mutate_data(rng, bases[b]),
        lambda b: _mutate_text(rng, texts[b]),
    ]
    for n in range(CASES):
        yield n, rng.choice(makers)(rng.choice("wd"))


@pytest.mark.slow
def test_mutated_scenarios_fail_cleanly_and_fast() -> None:
    # Warm up: the first load imports the model's modules, which is not what the cap guards.
    with pytest.raises(GrudgingError, match="lacks parameter"):
        check_runnable(loads_scenario((DATA / "tiny.yaml").read_text(encoding="utf-8")))
    loaded = refused = 0
    for n, text in _cases():
        started = time.process_time()  # CPU seconds: other processes on the machine don't count
        try:
            scn = loads_scenario(text, f"case{n}.yaml")
            check_runnable(scn)
            loaded += 1
        except GrudgingError as err:
            message = str(err)
            refused += 1
        except Exception as err:
            pytest.fail(f"case {n}: {type(err).__name__}: {err}\n--- input ---\n{text[:3000]}")
        else:
            message = "loaded"
        took = time.process_time() - started
        assert message.strip(), f"case {n}: an error without a message"
        assert took < CAP_S, f"case {n} took {took:.1f} s\n--- input ---\n{text[:3000]}"
    assert loaded + refused == CASES
    assert refused > CASES // 2

"""docs/model-reference.md is generated and up to date, and covers every parameter."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "model_reference.py"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("model_reference", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_reference_is_up_to_date() -> None:
    text = _script().render()
    committed = (ROOT / "docs" / "model-reference.md").read_text(encoding="utf-8")
    assert committed == text, "run: uv run python scripts/model_reference.py"


def test_every_parameter_is_listed_with_its_source_and_range() -> None:
    text = (ROOT / "docs" / "model-reference.md").read_text(encoding="utf-8")
    folder = ROOT / "src" / "grudging" / "scenarios" / "common" / "parameters"
    names = []
    for path in sorted(folder.glob("*.yaml")):
        names += [p["name"] for p in yaml.safe_load(path.read_text(encoding="utf-8"))]
    assert len(names) > 100
    for name in names:
        assert f"| `{name.split('.', 1)[1]}` |" in text, name
    assert "| `coverage_half` |" in text
    line = next(x for x in text.splitlines() if x.startswith("| `coverage_half` |"))
    for part in ("0.2", "0.15 - 0.7", "Quinlivan", "F07", "F02"):
        assert part in line

"""The files a saved run is made of (:meth:`grudging.results.results.Results.save`), named in a
module light enough for the faces' checks of output paths, which run before numpy is imported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: The tables a saved run holds, one Parquet file each.
SAVED_TABLES = ("experiments", "outcomes", "status", "region_months")
#: The file that marks a folder of saved results (written last).
METADATA_FILE = "metadata.json"
#: The names of the extra files a save wrote beside its tables, so that a save over it removes
#: those it does not write again (a stale ``run.json`` would describe another run).
EXTRA_LIST_FILE = "extra-files.json"


def json_safe(value: Any, _path: tuple[int, ...] = ()) -> Any:
    """``value`` with every NaN or infinity replaced by ``None``: JSON has no NaN, and a file
    with one is read by no strict parser (an undefined figure, such as P(holds | deal) when no
    deal can form, is written as null). A container holding itself is refused as JSON does."""
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, dict | list | tuple):
        if id(value) in _path:
            raise ValueError("Circular reference detected")
        inner = (*_path, id(value))
        if isinstance(value, dict):
            return {k: json_safe(v, inner) for k, v in value.items()}
        return [json_safe(v, inner) for v in value]
    return value


def json_text(value: Any, indent: int | None = 2) -> str:
    """``value`` as strict JSON text (NaN and infinities as null; other objects as strings)."""
    return json.dumps(json_safe(value), indent=indent, default=str, allow_nan=False)


def read_json_mapping(path: Path, what: str, fix: str) -> dict[str, Any]:
    """The mapping the JSON file ``path`` holds; a file that cannot be read, is not JSON or holds
    something else is refused as "``path``: not ``what`` (why); ``fix``"."""
    from grudging.errors import GrudgingError

    try:
        held = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise GrudgingError(f"{path}: not {what} ({err}); {fix}") from None
    if not isinstance(held, dict):
        raise GrudgingError(f"{path}: holds a {type(held).__name__}, not {what}; {fix}")
    return held

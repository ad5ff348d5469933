"""File access of the dashboard: only scenario and store files inside the folders it was started with.

Every path is resolved to its real location (symbolic links followed) before it is compared with
the folders, so ``..`` and links that point outside are refused. A scenario file is checked
together with the files it names (CSV tables, calibration files, its GeoJSON map), so a scenario
inside a folder cannot pull in a file from outside it. Clients never send paths: they send keys
from :meth:`Folders.listing`, which the server maps back to files and checks again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grudging.errors import GrudgingError

#: Suffixes of scenario files and of sweep stores.
SCENARIO_SUFFIXES = (".yaml", ".yml")
STORE_SUFFIXES = (".duckdb",)
#: How deep the listing looks below each folder.
MAX_DEPTH = 4
#: Largest scenario file the dashboard reads or accepts as an upload (bytes).
MAX_SCENARIO_BYTES = 5_000_000


class AccessRefused(GrudgingError):
    """A path outside the folders the dashboard was started with (or not a readable file)."""


@dataclass(frozen=True)
class Folders:
    """The folders the dashboard may read, as resolved real paths."""

    roots: tuple[Path, ...]

    @classmethod
    def of(cls, folders: Iterable[str | Path]) -> Folders:
        """Resolve and check the folders given at start."""
        roots: list[Path] = []
        for folder in folders:
            path = Path(folder).expanduser()
            if not path.is_dir():
                raise GrudgingError(
                    f"{folder}: not a folder; give folders that hold scenario files"
                )
            real = path.resolve(strict=True)
            if real not in roots:
                roots.append(real)
        return cls(tuple(roots))

    def contains(self, path: Path) -> bool:
        """Whether the real location of ``path`` lies inside one of the folders."""
        real = path.resolve(strict=False)
        return any(real == root or real.is_relative_to(root) for root in self.roots)

    def inside(self, path: str | Path, what: str = "file") -> Path:
        """The real path of ``path``, refused unless it is a file inside one of the folders."""
        candidate = Path(path)
        if not candidate.is_absolute():
            raise AccessRefused(f"{what} '{path}': give a file listed by the dashboard")
        if not self.contains(candidate):
            raise AccessRefused(
                f"{what} '{candidate.name}' lies outside the folders the dashboard was started with "
                f"({self.describe()}); copy it into one of them or restart with --data"
            )
        real = candidate.resolve(strict=False)
        if not real.is_file():
            raise AccessRefused(f"{what} '{candidate.name}' does not exist or is not a file")
        return real

    def describe(self) -> str:
        """The folders' names, for messages."""
        return ", ".join(r.name or str(r) for r in self.roots) or "none"

    # Listing ---------------------------------------------------------------------------------
    def _walk(self, suffixes: tuple[str, ...]) -> Iterator[tuple[int, Path]]:
        for index, root in enumerate(self.roots):
            stack = [(root, 0)]
            while stack:
                folder, depth = stack.pop()
                try:
                    entries = sorted(folder.iterdir())
                except OSError:
                    continue
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    if not self.contains(entry):  # a link that leads outside
                        continue
                    if entry.is_dir() and depth < MAX_DEPTH:
                        stack.append((entry, depth + 1))
                    elif entry.is_file() and entry.suffix.lower() in suffixes:
                        yield index, entry

    def listing(self, suffixes: tuple[str, ...]) -> dict[str, Path]:
        """Files with these suffixes inside the folders, by key ``<folder number>/<relative path>``."""
        out: dict[str, Path] = {}
        for index, path in self._walk(suffixes):
            out[f"{index}/{path.relative_to(self.roots[index]).as_posix()}"] = path
        return out

    def label(self, key: str) -> str:
        """A readable name for a listing key: the folder's name and the relative path."""
        index, _, rel = key.partition("/")
        try:
            root = self.roots[int(index)]
        except (ValueError, IndexError):
            return key
        return f"{root.name}/{rel}"

    def resolve_key(self, key: str, suffixes: tuple[str, ...], what: str) -> Path:
        """The file a listing key names, checked again (keys come from the client)."""
        index, sep, rel = key.partition("/")
        if not sep or not index.isdigit() or int(index) >= len(self.roots) or not rel:
            raise AccessRefused(f"{what} '{key}': not one of the files the dashboard lists")
        path = self.inside(self.roots[int(index)] / rel, what)
        if path.suffix.lower() not in suffixes:
            raise AccessRefused(f"{what} '{key}': expected a {' or '.join(suffixes)} file")
        return path


def referenced_files(raw: Any, base: Path) -> list[Path]:
    """Files a raw scenario mapping names: ``{table: ...}`` lists, calibrations and the map."""
    if not isinstance(raw, dict):
        return []
    names: list[Any] = []
    for value in raw.values():
        if isinstance(value, dict) and set(value) == {"table"}:
            table = value["table"]
            names.extend(table if isinstance(table, list) else [table])
    calibration = raw.get("calibration")
    if calibration is not None:
        names.extend(calibration if isinstance(calibration, list) else [calibration])
    spec = raw.get("map")
    if isinstance(spec, dict) and spec.get("geojson") is not None:
        names.append(spec["geojson"])
    return [base / str(name) for name in names]


def check_scenario_file(path: Path, folders: Folders) -> None:
    """Refuse a scenario file that names a file outside the folders (``../``, absolute, links)."""
    from grudging.scenario.io import parse_yaml

    if path.stat().st_size > MAX_SCENARIO_BYTES:
        raise AccessRefused(
            f"{path.name}: larger than {MAX_SCENARIO_BYTES // 1_000_000} MB; not a scenario file"
        )
    raw, _ = parse_yaml(path.read_text(encoding="utf-8", errors="replace"), path.name)
    for ref in referenced_files(raw, path.parent):
        if not folders.contains(ref):
            raise AccessRefused(
                f"{path.name} refers to '{ref.name}' outside the folders the dashboard was "
                f"started with ({folders.describe()}); keep its tables next to it"
            )

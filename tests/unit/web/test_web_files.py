"""The dashboard reads only files inside the folders it was started with."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grudging.web.files import (
    SCENARIO_SUFFIXES,
    AccessRefused,
    Folders,
    check_scenario_file,
    referenced_files,
)


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Folders, Path, Path]:
    """``data/`` (allowed) with scenarios, and ``secret/`` beside it (not allowed)."""
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    secret = tmp_path / "secret"
    secret.mkdir()
    (data / "a.yaml").write_text("id: a\n")
    (data / "sub" / "b.yml").write_text("id: b\n")
    (data / ".hidden.yaml").write_text("id: h\n")
    (data / "notes.txt").write_text("not a scenario\n")
    (secret / "private.yaml").write_text("password: hunter2\n")
    return Folders.of([data]), data, secret


def test_listing_holds_scenario_files_only(tree: tuple[Folders, Path, Path]) -> None:
    folders, _, _ = tree
    assert sorted(folders.listing(SCENARIO_SUFFIXES)) == ["0/a.yaml", "0/sub/b.yml"]


def test_keys_resolve_inside(tree: tuple[Folders, Path, Path]) -> None:
    folders, data, _ = tree
    assert (
        folders.resolve_key("0/sub/b.yml", SCENARIO_SUFFIXES, "scenario")
        == (data / "sub" / "b.yml").resolve()
    )


@pytest.mark.parametrize(
    "key",
    [
        "0/../secret/private.yaml",
        "0/sub/../../secret/private.yaml",
        "0//etc/passwd",
        "1/a.yaml",
        "x/a.yaml",
        "../secret/private.yaml",
        "0/notes.txt",
        "0/missing.yaml",
        "",
    ],
)
def test_traversal_and_foreign_keys_are_refused(tree: tuple[Folders, Path, Path], key: str) -> None:
    folders, _, _ = tree
    with pytest.raises(AccessRefused):
        folders.resolve_key(key, SCENARIO_SUFFIXES, "scenario")


def test_absolute_path_outside_is_refused_with_the_reason(
    tree: tuple[Folders, Path, Path],
) -> None:
    folders, _, secret = tree
    with pytest.raises(AccessRefused, match="outside the folders"):
        folders.inside(secret / "private.yaml")
    with pytest.raises(AccessRefused, match="give a file listed"):
        folders.inside("a.yaml")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_links_that_escape_are_neither_listed_nor_read(tree: tuple[Folders, Path, Path]) -> None:
    folders, data, secret = tree
    (data / "escape.yaml").symlink_to(secret / "private.yaml")
    (data / "escape_dir").symlink_to(secret, target_is_directory=True)
    (data / "inner.yaml").symlink_to(data / "a.yaml")
    keys = folders.listing(SCENARIO_SUFFIXES)
    assert "0/escape.yaml" not in keys
    assert not any(k.startswith("0/escape_dir") for k in keys)
    assert "0/inner.yaml" in keys  # a link that stays inside is fine
    with pytest.raises(AccessRefused, match="outside"):
        folders.resolve_key("0/escape.yaml", SCENARIO_SUFFIXES, "scenario")
    with pytest.raises(AccessRefused, match="outside"):
        folders.resolve_key("0/escape_dir/private.yaml", SCENARIO_SUFFIXES, "scenario")


def test_scenario_naming_a_table_outside_is_refused(tree: tuple[Folders, Path, Path]) -> None:
    folders, data, secret = tree
    (secret / "regions.csv").write_text("id,name\nx,X\n")
    relative = data / "sneaky.yaml"
    relative.write_text("id: sneaky\nregions: {table: ../secret/regions.csv}\n")
    absolute = data / "absolute.yaml"
    absolute.write_text(f"id: abs\nregions: {{table: {secret / 'regions.csv'}}}\n")
    calibrated = data / "calibrated.yaml"
    calibrated.write_text("id: cal\ncalibration: [../secret/private.yaml]\n")
    mapped = data / "mapped.yaml"
    mapped.write_text("id: map\nmap: {geojson: ../secret/world.geojson}\n")
    for path in (relative, absolute, calibrated, mapped):
        with pytest.raises(AccessRefused, match="outside the folders"):
            check_scenario_file(path, folders)
    fine = data / "fine.yaml"
    fine.write_text("id: fine\nregions: {table: sub/regions.csv}\n")
    check_scenario_file(fine, folders)


def test_referenced_files() -> None:
    raw = {
        "regions": {"table": "t/r.csv"},
        "sources": {"table": ["a.csv", "b.yaml"]},
        "calibration": "cal.yaml",
        "map": {"geojson": "m.geojson"},
        "title": "x",
    }
    names = sorted(p.name for p in referenced_files(raw, Path("base")))
    assert names == ["a.csv", "b.yaml", "cal.yaml", "m.geojson", "r.csv"]


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    from grudging.errors import GrudgingError

    with pytest.raises(GrudgingError, match="not a folder"):
        Folders.of([tmp_path / "nope"])

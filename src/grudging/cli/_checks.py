"""Checks the CLI makes before any long computation: output paths, seeds, repeated names, memory.

Each refuses with one :class:`~grudging.errors.ParameterError` that names the argument, the value
and the fix, so that a bad path or an impossible size fails in a second, not after the run.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from grudging.errors import ParameterError
from grudging.machine import MAX_SEED as MAX_SEED
from grudging.machine import RUN_BASE_BYTES as RUN_BASE_BYTES
from grudging.machine import RUN_BYTES_PER_CELL as RUN_BYTES_PER_CELL
from grudging.machine import check_run_memory as machine_check_run_memory


def check_seed(seed: int | None, flag: str = "--seed") -> None:
    """Refuse a negative seed, or one too large for a 64-bit store column."""
    if seed is None:
        return
    if seed < 0:
        raise ParameterError(
            f"{flag} {seed}: a seed must be a non-negative integer (0 to {MAX_SEED:,}); "
            f"e.g. {flag} {abs(seed)}"
        )
    if seed > MAX_SEED:
        raise ParameterError(
            f"{flag} {seed}: a seed must be a non-negative integer (0 to {MAX_SEED:,}); "
            "give a smaller one"
        )


def check_unique(values: Sequence[str], flag: str, what: str) -> None:
    """Refuse a name given twice (``--option x --option x``)."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ParameterError(
                f"{flag} {value} is given twice; name each {what} once (leave out the repeat)"
            )
        seen.add(value)


def one_scenario(positional: str | None, flag: str | None) -> str | None:
    """The scenario given after the command's other positionals or with ``--scenario`` (``None``:
    neither); refused when given both ways."""
    if positional is not None and flag is not None:
        raise ParameterError(
            f"the scenario is given twice ({positional} and --scenario {flag}); give one"
        )
    return positional if positional is not None else flag


def _nearest_existing(path: Path) -> Path:
    """``path`` or its closest ancestor that exists (the current folder for a bare name)."""
    current = path
    while not current.exists() and not current.is_symlink():
        parent = current.parent
        if parent == current:
            break
        current = parent
    return current


def _probe(folder: Path) -> str | None:
    """Why no file can be created in ``folder`` (None when one can): a real try, since
    permission bits do not stop root but a read-only disk does."""
    try:
        fd, name = tempfile.mkstemp(prefix=".grudging-probe-", dir=folder)
    except OSError as err:
        return err.strerror or type(err).__name__
    os.close(fd)
    os.unlink(name)
    return None


def _check_folder(target: Path, flag: str, shown: str, create: bool) -> None:
    """The folder ``target`` exists and is writable, or (with ``create``) can be made."""
    if target.is_dir():
        why = _probe(target)
        if why is not None:
            raise ParameterError(
                f"{flag} {shown}: cannot write in the folder {target} ({why}); choose a folder "
                "you can write to"
            )
        return
    if target.exists():
        raise ParameterError(
            f"{flag} {shown}: {target} is a file, not a folder; choose another path"
        )
    if not create:
        raise ParameterError(f"{flag} {shown}: the folder {target} does not exist; create it")
    base = _nearest_existing(target)
    if not base.is_dir():
        raise ParameterError(
            f"{flag} {shown}: {base} is a file, not a folder, so {target} cannot be created; "
            "choose another path"
        )
    why = _probe(base)
    if why is not None:
        raise ParameterError(
            f"{flag} {shown}: the folder {target} cannot be created in {base} ({why}); choose a "
            "folder you can write to"
        )


def _usable_name(text: str | Path, flag: str) -> None:
    """A path the system can look up (no name over its length limit), said with its flag before
    any work (the command line refuses an empty one, and any later refusal of the system)."""
    shown = str(text)
    try:
        Path(shown).exists()
    except OSError as err:  # a name too long for the file system, a loop of links...
        cut = f"{shown[:80]}…" if len(shown) > 80 else shown
        raise ParameterError(
            f"{flag} {cut}: not a usable path ({err.strerror}); give a shorter one"
        ) from None


def writable_file(
    text: str | Path,
    flag: str,
    suffixes: Sequence[str] = (),
    create_parents: bool = True,
) -> Path:
    """The output file ``text`` if it can be written: not a folder, with the right extension,
    its folder writable (or creatable, with ``create_parents``)."""
    _usable_name(text, flag)
    path = Path(text)
    shown = str(text)
    if path.is_dir():
        raise ParameterError(
            f"{flag} {shown}: this is a folder; give a file name, e.g. {flag} "
            f"{path / ('out' + (suffixes[0] if suffixes else ''))}"
        )
    if suffixes and path.suffix.lower() not in suffixes:
        raise ParameterError(
            f"{flag} {shown}: give a file name ending in {' or '.join(suffixes)} "
            f"(got '{path.suffix or 'no extension'}')"
        )
    _check_folder(path.parent if str(path.parent) else Path("."), flag, shown, create_parents)
    if path.exists() and not os.access(path, os.W_OK):
        raise ParameterError(f"{flag} {shown}: the file exists and cannot be overwritten")
    folder = path.parent if str(path.parent) else Path(".")
    if path.name in saved_run_files() and _holds_saved_run(folder):
        raise ParameterError(
            f"{flag} {shown}: {folder} holds a saved run ('grudging run --save'), and this would "
            f"replace its {path.name}; choose another file name or folder"
        )
    return path


def writable_folder(text: str | Path, flag: str, saved_run: bool = False) -> Path:
    """The output folder ``text`` if it is (or can be made) a writable folder, and (unless
    ``saved_run``: the caller writes saved results and decides) holds no saved run, whose
    files a table written there would replace."""
    _usable_name(text, flag)
    path = Path(text)
    _check_folder(path, flag, str(text), create=True)
    if not saved_run and _holds_saved_run(path):
        raise ParameterError(
            f"{flag} {text}: the folder holds a saved run ('grudging run --save'), whose files "
            "this would replace; choose another folder"
        )
    return path


def saved_run_files(run_file: str = "run.json") -> list[str]:
    """The files a saved run is made of (:meth:`grudging.results.results.Results.save`, and the
    CLI's ``run_file`` that says how it was made)."""
    from grudging.results.saved import METADATA_FILE, SAVED_TABLES

    return [METADATA_FILE, run_file, *(name + ".parquet" for name in SAVED_TABLES)]


def _holds_saved_run(folder: Path) -> bool:
    from grudging.results.saved import METADATA_FILE

    return (folder / METADATA_FILE).is_file()


def results_folder(text: str | Path, flag: str, overwrite: bool, run_file: str) -> Path:
    """The folder ``text`` for saved results (:meth:`grudging.results.results.Results.save`
    and ``run_file``): writable, and holding no saved results unless ``overwrite``, so that a
    stored run is never replaced by mistake."""
    path = writable_folder(text, flag, saved_run=True)
    held = [name for name in saved_run_files(run_file) if (path / name).exists()]
    if held and not overwrite:
        raise ParameterError(
            f"{flag} {text}: the folder already holds saved results ({', '.join(held)}); "
            "choose another folder, or add --overwrite to replace them"
        )
    return path


def prepare_parent(path: Path) -> None:
    """Create the folder an output file goes into (after the checks said it can be)."""
    path.parent.mkdir(parents=True, exist_ok=True)


#: The ways out a run too large for the memory is offered after fewer replications.
RUN_WAYS_OUT = (
    "fewer options (--option), or 'grudging sweep', which streams its runs to a store on disk"
)


#: :func:`grudging.machine.check_run_memory` with the command line's ways out.
check_run_memory = functools.partial(machine_check_run_memory, ways_out=RUN_WAYS_OUT)

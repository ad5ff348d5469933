"""The ``grudging`` command line: a thin face over the library.

Each sub-command lives in its own module under ``grudging.cli`` and exposes ``register(subparsers)``.
Modules import only the standard library at import time, so ``grudging --help`` stays fast; the
model is imported inside the handlers. ``main(argv)`` returns an exit code:

* 0 — success;
* 1 — the command ran to the end but part of it failed: an option that failed in ``run`` or
  ``report`` (the others are still printed and saved), a sweep left unfinished, a check that
  failed under ``evidence --strict``;
* 2 — bad input or a fault found before or instead of the work: one clear message naming the
  argument, file or key and the fix, never a traceback (an unwritable output path, a size that
  cannot fit in memory, a damaged store, ...);
* 130 — interrupted.

A refusal of the file system (a path too long, a full disk, no permission) is a message and exit
code 2 too, whichever command met it.

Arguments common to many commands (``--seed``, repeated ``--option``/``--outcome``) are checked
here before any handler runs.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import sys
from collections.abc import Sequence

from grudging import __version__
from grudging.errors import GrudgingError, did_you_mean

# One entry per module under grudging.cli that adds sub-commands; order is the order in --help.
COMMAND_MODULES: tuple[str, ...] = (
    "run",
    "scenario",
    "coalition",
    "bargain",
    "calibrate",
    "backtest",
    "evidence",
    "abm",
    "explore",
    "serve",
    "report",
    "what",
    "cases",
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors say how to get help."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n(run '{self.prog} --help' for the options)\n")


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every registered sub-command."""
    parser = _Parser(
        prog="grudging",
        description=(
            "Model a multinational stabilization force from proposal to outcomes: requirement, "
            "willingness, force generation, rules of engagement, bargain, violence dynamics."
        ),
    )
    parser.add_argument("--version", action="version", version=f"grudging {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"grudging.cli.{name}")
        module.register(sub)
    return parser


def _innermost(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.ArgumentParser:
    """The (sub-)command parser the words of ``argv`` lead to."""
    current = parser
    for word in argv:
        subs = [
            a
            for a in current._actions  # argparse keeps its sub-parsers there
            if isinstance(a, argparse._SubParsersAction)
        ]
        if subs and word in subs[0].choices:
            current = subs[0].choices[word]
    return current


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``) and return the exit code."""
    if sys.stdout is None:  # started with its output closed (``>&-``): nowhere to print
        if sys.stderr is not None:
            print(
                "error: the standard output is closed; give the command somewhere to write "
                "(e.g. > FILE, or > /dev/null)",
                file=sys.stderr,
            )
        return 2
    parser = build_parser()
    given = list(argv) if argv is not None else sys.argv[1:]
    try:
        args, extras = parser.parse_known_args(given)
        if extras:  # said by the sub-command's parser, with its usage and its --help
            inner = _innermost(parser, given)
            flags = [flag for action in inner._actions for flag in action.option_strings]
            hints = "".join(
                did_you_mean(extra.split("=", 1)[0], flags)
                for extra in extras
                if extra.startswith("--")
            )
            inner.error(f"unrecognized arguments: {' '.join(extras)}{hints}")
    except SystemExit as stop:  # argparse exits on --help, --version and usage errors
        return int(stop.code or 0)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        _no_empty_values(given)
        _common_checks(args)
        return int(handler(args) or 0)
    except GrudgingError as err:
        from grudging.cli._output import print_error

        print_error(str(err))
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as err:  # the file system refused a path: a message, not a traceback
        from grudging.cli._output import print_error

        print_error(_os_message(err))
        return 2


#: What to do about the file system's refusals, by errno.
_OS_FIXES = {
    errno.ENAMETOOLONG: "give a shorter path",
    errno.ENOSPC: "the disk is full: free some space (a sweep's store keeps the runs written so "
    "far; --resume continues it)",
    errno.EACCES: "check its permissions, or choose another path",
    errno.EROFS: "the file system is read-only: choose another path",
    errno.ELOOP: "a loop of links: give the real path",
}


def _os_message(err: OSError) -> str:
    """One line for a refusal of the file system: the path, the reason, what to do."""
    where = f"{err.filename}: " if err.filename is not None else ""
    if len(where) > 100:
        where = f"{where[:80]}…: "
    fix = _OS_FIXES.get(err.errno or 0, "check the path")
    return f"{where}{err.strerror or type(err).__name__}; {fix}"


#: Repeatable arguments whose values must differ: attribute, flag, what one value names.
_UNIQUE = (
    ("option", "--option", "option"),
    ("outcome", "--outcome", "outcome"),
    ("table", "--table", "table"),
    ("region", "--region", "region"),
    ("lever", "--lever", "lever"),
    ("spoiler", "--spoiler", "faction"),
)


def _no_empty_values(given: Sequence[str]) -> None:
    """No argument is an empty string: no option of any command means anything by one, and a
    path option read it as "the default" (an empty ``--out`` rewrote a shipped file)."""
    for i, word in enumerate(given):
        flag = None
        if word.startswith("--") and "=" in word and not word.split("=", 1)[1].strip():
            flag = word.split("=", 1)[0]
        elif not word.strip():
            before = given[i - 1] if i else ""
            flag = before if before.startswith("-") and "=" not in before else None
            if flag is None:
                raise GrudgingError("an argument is an empty string; give a value or leave it out")
        if flag is not None:
            raise GrudgingError(f"{flag} '': an empty value; give one, or leave {flag} out")


def _common_checks(args: argparse.Namespace) -> None:
    """Checks shared by every command: a seed is a non-negative integer; no name repeats."""
    from grudging.cli._checks import check_seed, check_unique

    seed = getattr(args, "seed", None)
    if isinstance(seed, int):
        check_seed(seed)
    for attr, flag, what in _UNIQUE:
        values = getattr(args, attr, None)
        if isinstance(values, list):
            check_unique([str(v) for v in values], flag, what)
    assignments = getattr(args, "set", None)
    if isinstance(assignments, list):  # the same key twice: the last would silently win
        keys = [str(a).split("=", 1)[0].strip() for a in assignments]
        # a parameter's value has two spellings: NAME and parameters.NAME.value
        same = [
            k[len("parameters.") : -len(".value")]
            if k.startswith("parameters.") and k.endswith(".value")
            else k
            for k in keys
        ]
        for i, key in enumerate(same):
            first = same.index(key)
            if first < i and keys[first] == keys[i]:
                raise GrudgingError(f"--set {keys[i]} is given twice; set each key once")
            if first < i:
                raise GrudgingError(
                    f"--set {keys[first]} and --set {keys[i]} set the same value; set it once"
                )


def run_main() -> None:
    """Console-script entry point."""
    sys.exit(main())

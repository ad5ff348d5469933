"""``grudging serve``: the dashboard, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import argparse
import ipaddress
import sys
from typing import Any

from grudging.cli.scenario import add_sampling_arguments, replications_or_default

DEFAULT_SCENARIO = "iraq-2007"
DEFAULT_PORT = 8050


def register(sub: Any) -> None:
    """Add ``serve``."""
    p = sub.add_parser(
        "serve",
        help="open the dashboard: compare options, map, coalition builder, bargain, assumptions",
        description="Start the dashboard (a local web page) on a scenario. It reads scenario and "
        "store files only inside the folders given with --data (and the scenario's own folder), "
        "works offline and listens on 127.0.0.1 unless --host says otherwise.",
    )
    p.add_argument(
        "scenario",
        metavar="SCENARIO",
        nargs="?",
        default=DEFAULT_SCENARIO,
        help=f"built-in name or YAML file (default: {DEFAULT_SCENARIO})",
    )
    p.add_argument(
        "--data",
        metavar="DIR",
        action="append",
        default=[],
        help="a folder whose scenario files and sweep stores the dashboard may open (repeatable)",
    )
    p.add_argument(
        "--store",
        metavar="STORE",
        default=None,
        help="a sweep store (grudging sweep) to open in the Exploration view; its folder is "
        "readable too",
    )
    add_sampling_arguments(p, 200, "option of every run, including re-runs after a change")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1; anything else is reachable by others)",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    p.add_argument(
        "--verbose",
        action="store_true",
        help="show the web server's start-up messages and one log line per request",
    )
    p.set_defaults(handler=_serve)


def _can_bind(host: str, port: int) -> OSError | None:
    """None when a server could listen on ``host:port`` now, else why not (a bind test)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as err:
        return err
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the web server does
        try:
            probe.bind(address)
        except OSError as err:
            return err
    return None


def check_port(host: str, port: int) -> None:
    """Refuse a port that is taken (or a host that cannot be listened on), naming a free one."""
    from grudging.errors import GrudgingError

    if not 0 < port < 65536:
        raise GrudgingError(f"--port {port}: give a port between 1 and 65535")
    why = _can_bind(host, port)
    if why is None:
        return
    import errno

    if getattr(why, "errno", None) == errno.EADDRINUSE:
        free = next(
            (p for p in range(port + 1, min(port + 50, 65536)) if not _can_bind(host, p)), None
        )
        fix = (
            f"stop it, or choose another port, e.g. --port {free}"
            if free
            else ("stop it, or choose another port with --port")
        )
        raise GrudgingError(
            f"--port {port}: port {port} on {host} is already in use (another dashboard or "
            f"server is listening there); {fix}"
        )
    raise GrudgingError(
        f"--host {host} --port {port}: cannot listen there ({why.strerror or why}); use the "
        "default --host 127.0.0.1, or a port above 1023 you may open"
    )


def quiet_web_server() -> None:
    """No development-server banner or warning, and no log line per request (see --verbose)."""
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # Dash resets its own logger to INFO when the app is made; a filter outlives that.
    logging.getLogger("dash.dash").addFilter(lambda record: record.levelno >= logging.WARNING)
    try:
        import flask.cli

        flask.cli.show_server_banner = lambda *args, **kwargs: None  # " * Serving Flask app"
    except ImportError:  # pragma: no cover - flask comes with dash
        pass


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_inputs(args: argparse.Namespace) -> None:
    """``--data``, ``--store`` and a scenario file, refused in terms of what was given (the
    workspace names files by an internal key, such as '0/notes.txt')."""
    from pathlib import Path

    from grudging.errors import GrudgingError
    from grudging.scenario.io import builtin_names
    from grudging.web.files import SCENARIO_SUFFIXES, STORE_SUFFIXES

    for folder in args.data:
        if not Path(folder).expanduser().is_dir():
            why = "a file" if Path(folder).exists() else "no such folder"
            raise GrudgingError(
                f"--data {folder}: not a folder ({why}); give folders that hold scenario files"
            )
    if args.store is not None:
        store = Path(args.store)
        if store.is_file() and store.suffix.lower() not in STORE_SUFFIXES:
            raise GrudgingError(
                f"--store {args.store}: expected a .duckdb file; give a sweep store "
                "('grudging sweep')"
            )
    source = Path(args.scenario)
    wrong_type = source.suffix.lower() not in SCENARIO_SUFFIXES
    if args.scenario not in builtin_names() and source.is_file() and wrong_type:
        raise GrudgingError(
            f"{args.scenario}: expected a .yaml or .yml file; give a scenario file or a "
            "built-in name"
        )


def _serve(args: argparse.Namespace) -> int:
    from pathlib import Path

    # The port first: a taken one is refused before anything is read or computed.
    check_port(args.host, args.port)

    from grudging.scenario.io import builtin_names
    from grudging.web.workspace import DASHBOARD_REPLICATIONS, Workspace

    replications = replications_or_default(args.replications, DASHBOARD_REPLICATIONS)
    _check_inputs(args)
    folders: list[str | Path] = list(args.data)
    source = Path(args.scenario)
    if args.scenario not in builtin_names() or source.exists():
        if not source.exists():
            from grudging.scenario.io import resolve_path

            resolve_path(args.scenario)  # raises the located 'no such scenario' message
        folders.append(source if source.is_dir() else source.resolve().parent)
    if not is_loopback(args.host):
        print(
            f"warning: listening on {args.host}: anyone who can reach this machine on port "
            f"{args.port} can use the dashboard and run the model. Use the default 127.0.0.1 "
            "unless you mean to share it.",
            file=sys.stderr,
        )
    ws = Workspace.open(
        args.scenario, folders, replications=replications, seed=args.seed, store=args.store
    )
    # the default run computed as the page opens: too large a one failed behind the page
    from grudging.cli._checks import check_run_memory
    from grudging.machine import available_memory

    scn = ws.scenario(ws.start)
    check_run_memory(
        replications,
        len(scn.options),
        len(scn.regions),
        scn.horizon_months,
        available_memory(),
        ways_out="",
    )
    print(
        f"computing the default run of {ws.label(ws.start)} ({replications} replications per "
        "option) while the page opens...",
        file=sys.stderr,
    )
    from grudging.web.callbacks import warm_in_background

    warm_in_background(ws)  # the page appears at once and fills in as the run comes
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"dashboard at http://{shown}:{args.port}/ (Ctrl+C to stop)", file=sys.stderr)
    from grudging.web.app import serve

    if not args.verbose:
        quiet_web_server()
    serve(ws, host=args.host, port=args.port)
    return 0

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
    p.set_defaults(handler=_serve)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _serve(args: argparse.Namespace) -> int:
    from pathlib import Path

    from grudging.errors import GrudgingError
    from grudging.scenario.io import builtin_names
    from grudging.web.workspace import DASHBOARD_REPLICATIONS, Workspace

    replications = replications_or_default(args.replications, DASHBOARD_REPLICATIONS)
    if not 0 < args.port < 65536:
        raise GrudgingError(f"--port {args.port}: give a port between 1 and 65535")
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
    print(
        f"computing the default run of {ws.label(ws.start)} ({replications} replications per "
        "option)...",
        file=sys.stderr,
    )
    from grudging.web.callbacks import warm

    warm(ws)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"dashboard at http://{shown}:{args.port}/ (Ctrl+C to stop)", file=sys.stderr)
    from grudging.web.app import serve

    serve(ws, host=args.host, port=args.port)
    return 0

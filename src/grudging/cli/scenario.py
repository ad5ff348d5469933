"""Scenario commands: ``validate``, ``show``, ``schema``, ``dump``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from grudging.errors import GrudgingError
from grudging.rng import MASTER_SEED

DEFAULT_SCENARIO = "iraq-2007"


def add_scenario_argument(parser: argparse.ArgumentParser, required: bool = False) -> None:
    """The positional SCENARIO (built-in name or path) and repeatable ``--set key=value``."""
    if required:
        parser.add_argument("scenario", metavar="SCENARIO", help="built-in name or YAML file")
    else:
        parser.add_argument(
            "scenario",
            metavar="SCENARIO",
            nargs="?",
            default=DEFAULT_SCENARIO,
            help=f"built-in name or YAML file (default: {DEFAULT_SCENARIO})",
        )
    parser.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override a value, e.g. --set dynamics.self_excitation=0.3 "
        "or --set nations.POL.active_personnel=100000 (repeatable)",
    )


def add_scenario_positional(parser: argparse.ArgumentParser) -> None:
    """A positional SCENARIO for a command that also takes ``--scenario`` (checked with
    :func:`grudging.cli._checks.one_scenario`)."""
    parser.add_argument(
        "scenario_positional",
        nargs="?",
        default=None,
        metavar="SCENARIO",
        help="built-in name or YAML file, as the other commands take it (or --scenario)",
    )


def add_sampling_arguments(parser: argparse.ArgumentParser, replications: int, what: str) -> None:
    """``-n/--replications`` (``None`` when not given; ``replications`` is the documented default)
    and ``--seed``, the master seed."""
    parser.add_argument(
        "-n",
        "--replications",
        type=int,
        default=None,
        metavar="N",
        help=f"replications per {what} (default: {replications})",
    )
    parser.add_argument(
        "--seed", type=int, default=MASTER_SEED, help=f"master seed (default: {MASTER_SEED})"
    )


def replications_or_default(given: int | None, default: int) -> int:
    """The ``--replications`` given, else ``default``; fewer than one is refused."""
    replications = default if given is None else given
    if replications < 1:
        raise GrudgingError(f"--replications {replications}: give at least 1")
    return replications


def raw_option_ids(source: str, overrides: Sequence[str] = ()) -> list[str] | None:
    """The scenario's option ids, read from its raw data (tables expanded, ``--set`` applied)
    without validating it, so without importing the model: a misspelt ``--option`` is refused in
    a second. None when the raw data does not list them plainly (the validation says why)."""
    from grudging.scenario.io import read_raw
    from grudging.scenario.overrides import apply_override

    data, _, _ = read_raw(source)
    for assignment in overrides:
        apply_override(data, assignment)
    options = data.get("options")
    if not isinstance(options, list):
        return None
    ids = [o.get("id") if isinstance(o, dict) else None for o in options]
    return [str(i) for i in ids] if all(isinstance(i, str) for i in ids) else None


def refuse_unknown_options(
    source: str, overrides: Sequence[str], named: Sequence[tuple[str, str | None]]
) -> None:
    """Refuse each ``(flag, option id)`` the scenario does not have, before it is validated
    (the message names the flag and the nearest id); a scenario that cannot be read this way is
    left to the full load."""
    from grudging.errors import unknown_name

    given = [(flag, value) for flag, value in named if value is not None]
    if not given:
        return
    ids = raw_option_ids(source, overrides)
    if ids is None:
        return
    for flag, value in given:
        if value not in ids:
            raise GrudgingError(f"{flag} {value}: {unknown_name('option', value, ids)}")


def register(sub: Any) -> None:
    """Add the scenario commands."""
    p = sub.add_parser("validate", help="check scenario files; one clear message per problem")
    p.add_argument("files", metavar="FILE", nargs="+", help="scenario YAML files or built-in names")
    p.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="apply overrides before validating",
    )
    p.set_defaults(handler=_validate)

    p = sub.add_parser("show", help="a readable summary of a scenario")
    add_scenario_argument(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--section",
        choices=[
            "regions",
            "nations",
            "factions",
            "options",
            "commands",
            "levers",
            "parameters",
            "sources",
            "all",
        ],
        default="all",
        help="show one section only",
    )
    p.set_defaults(handler=_show)

    p = sub.add_parser("schema", help="print the JSON schema of the scenario format")
    p.add_argument(
        "--case",
        action="store_true",
        help="the minimal case format's (format: case; docs/cases.md) instead",
    )
    p.set_defaults(handler=_schema)

    p = sub.add_parser("dump", help="print a scenario as one self-contained YAML file")
    add_scenario_argument(p)
    p.set_defaults(handler=_dump)


def _validate(args: argparse.Namespace) -> int:
    from rich.markup import escape

    from grudging.cases.runner import case_coding
    from grudging.cli._output import console, print_error
    from grudging.errors import ScenarioError
    from grudging.scenario import load_scenario
    from grudging.scenario.held_out import read_held_out
    from grudging.scenario.minimal import case_notes
    from grudging.scenario.summary import scenario_notes

    failed = 0
    for name in args.files:
        try:
            scn = load_scenario(name, overrides=args.set, runnable=True)
            read_held_out(scn)  # validation/civilian_deaths_*.csv, as a back-test reads them
        except ScenarioError as err:
            for message in err.every:  # every problem found at once, the likeliest cause first
                print_error(message)
            failed += 1
            continue
        counts = ", ".join(
            f"{n} {word}{'' if n == 1 else 's'}"
            for n, word in (
                (len(scn.regions), "region"),
                (len(scn.nations), "nation"),
                (len(scn.factions), "faction"),
                (len(scn.options), "option"),
                (len(scn.parameters), "parameter"),
            )
        )
        console.print(f"[green]ok[/] {escape(name)}: scenario '{scn.id}' — {counts}")
        case = case_coding(name)
        for note in [*(case_notes(case) if case is not None else []), *scenario_notes(scn)]:
            console.print(f"  note: {note}", markup=False)
    return 2 if failed else 0


def _show(args: argparse.Namespace) -> int:
    from grudging.cli._output import print_json
    from grudging.scenario import load_scenario
    from grudging.scenario.summary import summary

    scn = load_scenario(args.scenario, overrides=args.set)
    if args.json:
        data = summary(scn)
        if args.section != "all":  # the section with what names the scenario
            data = {k: data[k] for k in ("id", "hash", args.section)}
        print_json(data)
        return 0
    render_summary(scn, section=args.section)
    return 0


def _schema(args: argparse.Namespace) -> int:
    from grudging.cli._output import print_json
    from grudging.scenario import json_schema
    from grudging.scenario.io import case_json_schema

    print_json(case_json_schema() if args.case else json_schema())
    return 0


def _dump(args: argparse.Namespace) -> int:
    import sys

    from grudging.scenario import dump_scenario, load_scenario

    sys.stdout.write(dump_scenario(load_scenario(args.scenario, overrides=args.set)))
    return 0


def render_summary(scn: Any, section: str = "all") -> None:
    """Rich tables of a scenario summary."""
    from rich.markup import escape

    from grudging.cli._output import console
    from grudging.cli.render import plain_table
    from grudging.scenario.summary import summary

    data = summary(scn)
    console.print(
        f"[bold]{escape(data['title'])}[/] ([cyan]{data['id']}[/], hash {data['hash']})\n"
        f"information date {data['information_date']}, simulation from {data['start']} for "
        f"{data['horizon_months']} months; population {data['population']:,}"
    )
    for note in data["notes"]:
        console.print(f"note: {note}", markup=False)
    if section in ("regions", "all"):
        t = plain_table(
            title="Regions",
            show_lines=False,
            caption="frac.: fractionalization, 1 - the sum of the groups' squared shares (Alesina "
            "et al. 2003): 0 one group, higher more mixed",
        )
        for col in (
            "id",
            "population",
            "majority",
            "frac.",
            "host forces",
            "deaths (12 mo)",
            "neighbours",
        ):
            t.add_column(
                col, justify="right" if col not in ("id", "majority", "neighbours") else "left"
            )
        for r in data["regions"]:
            t.add_row(
                r["id"],
                f"{r['population']:,}",
                r["majority"],
                f"{r['fractionalization']:.2f}",
                f"{r['host_forces']:,}",
                f"{r['civilian_deaths_last_12_months']:,.0f}",
                ", ".join(r["neighbours"]),
            )
        console.print(t)
    if section in ("nations", "all") and data["nations"]:
        t = plain_table(title=f"Candidate nations ({len(data['nations'])})")
        for col in (
            "id",
            "name",
            "active",
            "abroad",
            "NATO",
            "EU",
            "Muslim",
            "neighbour",
            "refugees",
            "coalition peak",
            "left",
        ):
            t.add_column(col)
        for n in data["nations"]:
            t.add_row(
                n["id"],
                n["name"],
                f"{n['active_personnel']:,}",
                f"{n['deployed_abroad']:,}",
                _yes(n["nato"]),
                _yes(n["eu"]),
                _yes(n["muslim_majority"]),
                _yes(n["neighbour"]),
                f"{n['refugees_hosted']:,}",
                f"{n['coalition_peak']:,}",
                n["coalition_left"] or "",
            )
        console.print(t)
    if section in ("factions", "all") and data["factions"]:
        t = plain_table(title="Factions")
        for col in ("id", "group", "capability", "fighters", "spoiler", "positions (salience)"):
            t.add_column(col)
        for f in data["factions"]:
            pos = ", ".join(
                f"{k} {v:.0f} ({f['salience'][k]:.2f})" for k, v in f["positions"].items()
            )
            t.add_row(
                f["id"],
                f["group"] or "",
                f"{f['capability']:.2f}",
                f"{f['fighters']:,}",
                _yes(f["spoiler"]),
                pos,
            )
        console.print(t)
    if section in ("options", "all"):
        t = plain_table(title="Courses of action")
        t.add_column("id")
        t.add_column("name")
        t.add_column("decisions")
        for o in data["options"]:
            t.add_row(o["id"], o["name"], o["decisions"])
        console.print(t)
    if section in ("commands", "all"):
        t = plain_table(title="Commands (who forces serve under; who can guarantee)")
        for col in ("id", "name", "kind", "skill", "salience", "quality", "guarantees", "funding"):
            t.add_column(col)
        for c in data["commands"]:
            t.add_row(
                c["id"],
                c["name"],
                c["kind"].replace("_", " "),
                _figure(c["skill"]),
                _figure(c["salience"]),
                "members 1, others interop." if c["quality"] is None else _figure(c["quality"]),
                _yes(c["guarantees"]),
                "assessed" if c["assessed"] else "the patron",
            )
        console.print(t)
    if section in ("levers", "all") and data["levers"]:
        t = plain_table(title="Levers (decisions a sweep varies)")
        # Folded where narrow, never cut with '…': names, choices and paths are typed into --set.
        for col in ("name", "kind", "range or choices", "unit", "sets"):
            t.add_column(col, overflow="fold")
        for lever in data["levers"]:
            span = (
                ", ".join(lever["choices"])
                if lever["choices"]
                else f"{lever['low']:,.6g} – {lever['high']:,.6g}"
            )
            paths = lever["path"] if isinstance(lever["path"], list) else [lever["path"]]
            t.add_row(lever["name"], lever["kind"], span, lever["unit"], "\n".join(paths))
        console.print(t)
    if section in ("parameters", "all") and data["parameters"]:
        params = data["parameters"]
        drawn = sum(p["high"] > p["low"] for p in params)
        t = plain_table(title=f"Parameters ({len(params)}, {drawn} of them uncertain)")
        # Folded where narrow, never cut with '…': names are copied into --set.
        for col in ("name", "value", "range", "unit", "source"):
            t.add_column(col, overflow="fold")
        for p in data["parameters"]:
            cal = " [calibrated]" if p["calibrated"] else ""
            t.add_row(
                p["name"],
                _parameter_figure(p["value"]),
                f"{_parameter_figure(p['low'])} – {_parameter_figure(p['high'])} "
                f"({p['distribution']})",
                p["unit"],
                p["source"] + cal,
            )
        console.print(t)
    if section in ("sources", "all") and data["sources"]:
        t = plain_table(title=f"Sources ({len(data['sources'])})")
        t.add_column("id")
        t.add_column("citation")
        t.add_column("licence")
        for s in data["sources"]:
            t.add_row(
                s["id"], s["citation"] + (f"\n{s['url']}" if s["url"] else ""), s["licence"] or ""
            )
        console.print(t)


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


def _figure(value: Any) -> str:
    """A command's figure: a number, or the parameter that gives it (without its stage)."""
    return value.split(".", 1)[1] if isinstance(value, str) else f"{value:g}"


def _parameter_figure(x: float) -> str:
    """A parameter's value as people read it: four significant figures, thousands separated, no
    exponent below a billion (``32,000``, ``0.1664``, ``1.5e+10``)."""
    text = f"{x:.4g}"
    return f"{float(text):,.0f}" if 1e3 <= abs(x) < 1e9 else text

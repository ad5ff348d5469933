"""``grudging calibrate <what>``: reproducible fits that write calibration files.

Other calibrations can add themselves under the same ``calibrate`` command with
:func:`calibrate_subparsers`, which creates the command once and returns its sub-command table.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

DEFAULT_SCENARIO = "iraq-2007"
HISTORY_FILE = "coalition_2003_2006.csv"
OUTPUT_FILE = "willingness.yaml"


def calibrate_subparsers(sub: Any) -> Any:
    """The sub-command table of ``grudging calibrate`` (created on first use)."""
    parser = sub.choices.get("calibrate")
    if parser is None:
        parser = sub.add_parser(
            "calibrate",
            help="fit model parameters to data up to the information date",
            description="Fit parameters to observed data up to the information date and write a "
            "calibration file the scenario merges on load.",
        )
    table = parser.get_default("calibrations")
    if table is None:
        table = parser.add_subparsers(dest="calibration", metavar="WHAT")
        parser.set_defaults(calibrations=table, handler=lambda _args: _no_target(parser))
    return table


def _no_target(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def register(sub: Any) -> None:
    """Add ``grudging calibrate willingness``."""
    table = calibrate_subparsers(sub)
    p = table.add_parser(
        "willingness",
        help="fit the willingness model to the theatre's earlier force generation",
        description=(
            "Fit participation and contingent size to the earlier coalition (for Iraq: MNF-I "
            "2003-2006) by penalised maximum likelihood, report the fit (who contributes, rank "
            "correlation of sizes, totals, a 2007 out-of-sample check) and write the fitted "
            "parameters with the data used. Effects the data cannot identify stay at their "
            "priors, and the file says so."
        ),
    )
    p.add_argument(
        "scenario",
        metavar="SCENARIO",
        nargs="?",
        default=DEFAULT_SCENARIO,
        help=f"built-in name or YAML file (default: {DEFAULT_SCENARIO})",
    )
    p.add_argument(
        "--raw",
        metavar="DIR",
        help="raw data folder holding compiled_facts/ (default: ../shared/data/raw "
        "next to the repository, if present; else the shipped derived table)",
    )
    p.add_argument(
        "--history",
        metavar="CSV",
        help=f"use this per-nation history table instead of deriving it "
        f"(default: the scenario's calibration/{HISTORY_FILE})",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="folder to write the calibration file and the history table into "
        "(default: the scenario's calibration/ folder)",
    )
    p.add_argument(
        "--window-end",
        default="2006-12",
        metavar="YYYY-MM",
        help="last month of the fit window (default 2006-12)",
    )
    p.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override a scenario value before fitting (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="print the fit as JSON")
    p.set_defaults(handler=run_willingness)
    register_dynamics(sub)


def _repo_root() -> Path | None:
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "grudging").is_dir():
            return parent
    return None


def _default_raw() -> Path | None:
    root = _repo_root()
    if root is None:
        return None
    candidate = (root / ".." / "shared" / "data" / "raw").resolve()
    return candidate if (candidate / "compiled_facts").is_dir() else None


def _shipped_history() -> Path:
    from importlib import resources

    return Path(
        str(resources.files("grudging.scenarios") / "iraq-2007" / "calibration" / HISTORY_FILE)
    )


def _load_uncalibrated(source: str, overrides: list[str]) -> Any:
    """The scenario with its declared priors: calibration files are not merged, so that a
    calibration never starts from its own earlier posterior."""
    from grudging.scenario.io import (
        SourceMap,
        apply_override,
        expand_tables,
        parse_yaml,
        resolve_path,
        validate_data,
    )

    path = resolve_path(source)
    data, lines = parse_yaml(path.read_text(encoding="utf-8"), path.name)
    smap = SourceMap(main=path.name, lines={loc: (path.name, n) for loc, n in lines.items()})
    if isinstance(data, dict):
        data = expand_tables(data, path.parent, smap)
        data.pop("calibration", None)
        for assignment in overrides:
            smap.lines[apply_override(data, assignment)] = (f"--set {assignment}", 0)
    scn = validate_data(data, smap)
    scn._base_dir = str(path.parent.resolve())
    return scn


def run_willingness(args: argparse.Namespace) -> int:
    """Handler of ``grudging calibrate willingness``."""
    from grudging.calibration.coalition_history import derive_history, read_history, write_history
    from grudging.calibration.willingness import (
        calibration_document,
        fit_willingness,
        write_document,
    )
    from grudging.errors import ScenarioError
    from grudging.scenarios.reference import coalition_records, coalition_values

    scn = _load_uncalibrated(args.scenario, args.set)
    base = Path(scn.base_dir) if scn.base_dir else Path.cwd()
    out_dir = Path(args.out) if args.out else base / "calibration"
    origin: str
    if args.history:
        history_path = Path(args.history)
        history = read_history(history_path)
        origin = f"read from {history_path.name}"
    else:
        raw = Path(args.raw) if args.raw else _default_raw()
        if args.raw and not (Path(args.raw) / "compiled_facts").is_dir():
            raise ScenarioError(
                f"--raw {args.raw}: no compiled_facts/ folder there; give the raw data folder "
                "(e.g. ../shared/data/raw) or leave --raw out to use the shipped table"
            )
        if raw is not None:
            history = derive_history(raw, args.window_end, scn.patron or "USA")
            history_path = out_dir / HISTORY_FILE
            write_history(history, history_path)
            origin = (
                "derived from the raw compiled_facts tables by grudging.calibration."
                "coalition_history"
            )
        else:
            own = base / "calibration" / HISTORY_FILE
            history_path = own if own.is_file() else _shipped_history()
            history = read_history(history_path)
            origin = f"shipped derived table ({history_path.name}); raw folder not found"
    values, _borrowed = coalition_values(scn)
    records = {p.name: p for p in coalition_records(scn)}
    result = fit_willingness(scn, history, values, records, args.window_end)
    doc = calibration_document(
        result, scn, history_path.name, origin, ("2003-05", args.window_end), len(history)
    )
    out_file = out_dir / OUTPUT_FILE
    write_document(doc, out_file)
    if args.json:
        from grudging.cli._output import print_json

        print_json({"file": str(out_file), **doc})
        return 0
    _print(result, doc, out_file, origin)
    return 0


def _pct(x: Any) -> str:
    return "n/a" if x is None else f"{100 * x:.0f} %"


def _num(x: Any, fmt: str = ".2f") -> str:
    return "n/a" if x is None else format(x, fmt)


def _print(result: Any, doc: dict[str, Any], out_file: Path, origin: str) -> None:
    from rich.table import Table

    from grudging.cli._output import console

    fit = doc["fit"]
    part = fit["participation"]
    loo = part["leave_one_out"]
    sizes = fit["sizes"]
    tot = fit["totals"]
    oos = fit["out_of_sample_2007_03"]
    s = fit["sample"]
    console.print(
        f"[bold]Willingness calibration[/] on {s['candidates']} candidate nations "
        f"({s['contributors_observed']} contributed {doc['data_window']['start']} to "
        f"{doc['data_window']['end']}); history: {origin}"
    )
    if s["history_nations_not_candidates"]:
        console.print(
            f"  left out (not candidates of the scenario): "
            f"{', '.join(s['history_nations_not_candidates'])}"
        )
    console.print(
        f"  who contributes (threshold {part['threshold']}): precision "
        f"{_pct(part['precision'])}, recall {_pct(part['recall'])}, accuracy "
        f"{_pct(part['accuracy'])} [TP {part['true_positive']}, FP {part['false_positive']}, "
        f"FN {part['false_negative']}, TN {part['true_negative']}]; AUC {_num(part['auc'])}, "
        f"Brier {_num(part['brier'], '.3f')}, McFadden R2 {_num(part['mcfadden_r2'])}"
    )
    console.print(
        f"  leave-one-out: precision {_pct(loo['precision'])}, recall {_pct(loo['recall'])}, "
        f"accuracy {_pct(loo['accuracy'])}"
    )
    sp = sizes["spearman_predicted_vs_observed_peak"]
    console.print(
        f"  sizes: Spearman rho {_num(sp['rho'])} (p {_num(sp['p_value'], '.3f')}, n {sp['n']}) "
        f"between predicted and observed peaks; RMSE of log size {_num(sizes['rmse_log_size'])}"
    )
    console.print(
        f"  totals: observed sum of peaks {tot['observed_peak_sum']:,}; predicted expected "
        f"{tot['predicted_expected_sum']:,.0f}; model contingents (whole units) "
        f"{tot['predicted_model_troops_sum']:,}"
    )
    osp = oos["spearman_predicted_size_vs_2007_03"]
    console.print(
        f"  out of sample, Mar 2007: precision {_pct(oos['precision'])}, recall "
        f"{_pct(oos['recall'])}, accuracy {_pct(oos['accuracy'])}; Spearman of sizes "
        f"{_num(osp['rho'])} (n {osp['n']}); observed {oos['observed_sum']:,} vs predicted "
        f"{oos['predicted_sum']:,.0f} troops"
    )
    t = Table(title="Fitted parameters (MAP, 5-95 % Laplace interval; prior value)")
    for col in ("parameter", "value", "low", "high", "prior"):
        t.add_column(col, justify="left" if col == "parameter" else "right")
    for p in result.parameters:
        t.add_row(p.name, f"{p.value:.3f}", f"{p.low:.3f}", f"{p.high:.3f}", f"{p.prior_value:.3f}")
    console.print(t)
    console.print(
        f"  kept at their priors (not identified): "
        f"{', '.join(n.split('.', 1)[1] for n, _ in result.priors_kept)}"
    )
    console.print(f"[green]wrote[/] {out_file}")


def register_dynamics(sub: Any) -> None:
    """Add ``grudging calibrate dynamics``."""
    from grudging.cli.scenario import add_scenario_argument

    table = calibrate_subparsers(sub)
    p = table.add_parser(
        "dynamics",
        help="fit the violence dynamics to the observed data up to the information date",
        description=(
            "Fit self-excitation, spill-over and over-dispersion by conditional maximum "
            "likelihood on the regional civilian-death panel (parametric bootstrap for the "
            "range), the insurgent attack tempo on recorded attacks and the contingents' support "
            "drift on the earlier coalition's departures; check the fit by simulating the last "
            "year of data; write the scenario's calibration/dynamics.yaml. Reads nothing dated "
            "after the information date."
        ),
    )
    add_scenario_argument(p)
    p.add_argument(
        "--bootstrap",
        type=int,
        default=100,
        metavar="N",
        help="bootstrap refits for the ranges (default 100)",
    )
    p.add_argument("--seed", type=int, default=2006)
    p.add_argument(
        "--out",
        metavar="DIR",
        help="folder to write dynamics.yaml into (default: the scenario's calibration/ folder)",
    )
    p.add_argument(
        "--json", action="store_true", help="print the calibration file's content as JSON"
    )
    p.set_defaults(handler=run_dynamics)


def run_dynamics(args: argparse.Namespace) -> int:
    """Fit the dynamics and write the calibration file."""
    import yaml

    from grudging.calibration.dynamics import calibrate, calibration_document
    from grudging.cli._output import console, print_json
    from grudging.errors import GrudgingError
    from grudging.scenario import load_scenario

    if args.bootstrap < 0:
        raise GrudgingError(f"--bootstrap {args.bootstrap}: give zero or more refits")
    scn = load_scenario(args.scenario, overrides=args.set)
    cal = calibrate(scn, seed=args.seed, bootstrap_draws=args.bootstrap)
    doc = calibration_document(scn, cal)
    folder = Path(args.out) if args.out else Path(scn.base_dir or ".") / "calibration"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "dynamics.yaml"
    path.write_text(
        "# Written by `grudging calibrate dynamics`; edit the command, not this file.\n"
        + yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=False, width=100),
        encoding="utf-8",
    )
    if args.json:
        print_json(doc)
        return 0
    fit = doc["fit"]
    console.print(
        f"[bold]Dynamics calibration[/] of {scn.id} on {cal.window[0]} to {cal.window[1]} "
        f"({fit['kernel']['observations']} region-months)"
    )
    for p in doc["parameters"]:
        console.print(
            f"  {p['name']:<36} {p['value']:>10.4g}   5-95 %: {p['low']:.4g} - {p['high']:.4g}"
        )
    if "attacks" in fit:
        console.print(
            f"  attack tempo: regional rank correlation {fit['attacks']['regional_rank_correlation']:.2f}"
        )
    if "erosion" in fit:
        e = fit["erosion"]
        console.print(
            f"  erosion: {e['left']} of {e['contingents']} contingents left; fitted share "
            f"{e['fitted_share_left']:.2f} against {e['observed_share_left']:.2f}"
        )
    if "predictive_check" in fit:
        c = fit["predictive_check"]
        console.print(
            f"  check over {c['months'][0]} to {c['months'][1]}: observed {c['observed_total']:,.0f} deaths, "
            f"simulated median {c['simulated_median_total']:,.0f} "
            f"(90 %: {c['simulated_90_interval'][0]:,.0f}-{c['simulated_90_interval'][1]:,.0f}); "
            f"{c['months_inside_90_band']:.0%} of months inside the 90 % band"
        )
    console.print(f"  not identified, kept at their literature ranges: {doc['not_identified']}")
    console.print(f"wrote {path}")
    return 0

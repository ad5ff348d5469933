"""``grudging calibrate <what>``: reproducible fits that write calibration files.

Other calibrations can add themselves under the same ``calibrate`` command with
:func:`calibrate_subparsers`, which creates the command once and returns its sub-command table.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from grudging.cli.scenario import add_scenario_argument

HISTORY_FILE = "coalition_history.csv"
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
    add_scenario_argument(p)
    p.add_argument(
        "--history",
        metavar="CSV",
        help=f"use this per-nation history table instead of deriving it "
        f"(default: the scenario's calibration/{HISTORY_FILE})",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="folder to write the calibration file into (default: the scenario's calibration/ "
        "folder, replacing the willingness.yaml every later run of the scenario reads)",
    )
    p.add_argument(
        "--window-end",
        default=None,
        metavar="YYYY-MM",
        help="last month of the fit window (default: the scenario's information date)",
    )
    p.add_argument("--json", action="store_true", help="print the fit as JSON")
    p.set_defaults(handler=run_willingness)
    register_dynamics(sub)
    register_settlements(sub)
    register_erosion(sub)


def run_willingness(args: argparse.Namespace) -> int:
    """Handler of ``grudging calibrate willingness``."""
    from grudging.calibration.coalition_history import read_history
    from grudging.calibration.willingness import (
        calibration_document,
        fit_willingness,
        write_document,
    )
    from grudging.errors import ScenarioError
    from grudging.scenario import load_scenario
    from grudging.scenarios.reference import coalition_records, coalition_values

    _check_out(args.out)
    _input_table(args.history, "--history")
    scn = load_scenario(args.scenario, overrides=args.set, calibrated=False)
    base = Path(scn.base_dir) if scn.base_dir else Path.cwd()
    out_dir = Path(args.out) if args.out else base / "calibration"
    if args.window_end is not None:
        _check_window_end(args.window_end, scn.information_date)
    if args.history:
        history_path = Path(args.history)
        origin = f"read from {history_path.name}"
    else:
        history_path = base / "calibration" / HISTORY_FILE
        if not history_path.is_file():
            raise ScenarioError(
                f"scenario '{scn.id}' has no calibration/{HISTORY_FILE} (its earlier force "
                "generation per nation); give one with --history CSV (see "
                "scripts/derive_coalition_history.py for the format)"
            )
        origin = f"the scenario's {HISTORY_FILE}"
    history = _read_table(read_history, history_path, "--history" if args.history else "")
    window_end = args.window_end or scn.information_date
    if scn.patron is None:
        raise ScenarioError(
            f"scenario '{scn.id}' names no patron; the willingness fit leaves the patron out"
        )
    values, _borrowed = coalition_values(scn)
    records = {p.name: p for p in coalition_records(scn)}
    history = [h for h in history if h.nation != scn.patron]
    _check_history(history, scn, history_path.name)
    start = min((h.first_month for h in history if h.first_month), default=window_end)
    if window_end < start:
        raise ScenarioError(
            f"--window-end {window_end}: before the first contingent of {history_path.name} "
            f"({start}); give a month from {start} to {scn.information_date}"
        )
    result = fit_willingness(scn, history, values, records, window_end)
    doc = calibration_document(result, scn, history_path.name, origin, (start, window_end), history)
    doc["leave_one_coalition_out"] = _coalition_validation(values)
    out_file = out_dir / OUTPUT_FILE
    write_document(doc, out_file)
    if args.json:
        from grudging.cli._output import print_json

        print_json({"file": str(out_file), **doc})
        return 0
    _print(result, doc, out_file, origin)
    return 0


def _coalition_validation(values: Any) -> dict[str, Any]:
    """Leave-one-coalition-out scores of the model and the two naive forecasts."""
    from grudging.calibration.coalitions import load_history, validate, validation_table
    from grudging.calibration.willingness import _plain
    from grudging.model.willingness import willingness_params

    results = validate(load_history(), willingness_params(values))
    return {
        "protocol": "docs/design-notes/force-generation.md (fit on five coalitions, forecast "
        "the sixth; naive forecasts: persistence, capacity-proportional among alliance members)",
        "model_wins": sum(r.model_wins for r in results),
        "held_out": len(results),
        "rows": _plain(validation_table(results)),
    }


def _print_validation(loco: dict[str, Any]) -> None:
    from rich.table import Table

    from grudging.cli._output import console

    t = Table(title="Leave-one-coalition-out: model against two naive forecasts")
    cols = (
        "coalition",
        "forecast",
        "precision",
        "recall",
        "Spearman",
        "sized",
        "model's Spearman minus this (90 %)",
        "total error",
        "forecast total",
        "observed total",
        "named",
        "served",
    )
    for col in cols:
        t.add_column(col, justify="left" if col in ("coalition", "forecast") else "right")
    for r in loco["rows"]:
        t.add_row(
            r["coalition"],
            r["forecast"],
            _num(r["precision"]),
            _num(r["recall"]),
            _num(r["spearman"]),
            str(r["n_sized"]),
            ""
            if r["spearman_gap"] is None
            else "{:+.2f} ({:+.2f} to {:+.2f})".format(*r["spearman_gap"]),
            _num(r["total_error"]),
            f"{r['predicted_total']:,}",
            f"{r['observed_total']:,}",
            str(r["n_predicted"]),
            str(r["n_observed"]),
        )
    console.print(t)
    console.print(
        f"  the model beats both naive forecasts on Spearman and total error in "
        f"{loco['model_wins']} of {loco['held_out']} held-out coalitions; 'sized' counts the"
        " contingents of known size the Spearman is computed over, and the interval is a paired"
        " bootstrap over them"
    )


def _pct(x: Any) -> str:
    from grudging.cli.render import percent

    return "n/a" if x is None else percent(x)


def _num(x: Any, fmt: str = ".2f") -> str:
    from grudging.cli.render import dash_or

    return dash_or(x, fmt, missing="n/a")


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
    _print_validation(doc["leave_one_coalition_out"])
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
        help="folder to write dynamics.yaml into (default: the scenario's calibration/ folder, "
        "replacing the dynamics.yaml every later run of the scenario reads)",
    )
    p.add_argument(
        "--json", action="store_true", help="print the calibration file's content as JSON"
    )
    p.set_defaults(handler=run_dynamics)


#: Most bootstrap refits of the dynamics' calibration (a few hours at most).
MAX_BOOTSTRAP = 10_000


def run_dynamics(args: argparse.Namespace) -> int:
    """Fit the dynamics and write the calibration file."""
    import yaml

    from grudging.calibration.dynamics import calibrate, calibration_document
    from grudging.cli._output import console, print_json
    from grudging.errors import GrudgingError
    from grudging.scenario import load_scenario

    if not 0 <= args.bootstrap <= MAX_BOOTSTRAP:
        raise GrudgingError(
            f"--bootstrap {args.bootstrap}: give 0 to {MAX_BOOTSTRAP:,} refits (each takes about "
            "a second; the default is 100)"
        )
    _check_out(args.out)
    scn = load_scenario(args.scenario, overrides=args.set, calibrated=False)
    from grudging.scenario.minimal import CASE_SOURCE

    if scn.observations and all(o.source == CASE_SOURCE for o in scn.observations):
        raise GrudgingError(
            f"{args.scenario}: a minimal case; its observations are its own yearly deaths spread "
            "evenly over the months, not a record a fit can read; calibrate a full scenario with "
            "monthly observations by region"
        )
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
    kernel_names = {f"dynamics.{n}" for n in ("self_excitation", "spillover", "dispersion")}
    for p in doc["parameters"]:
        span = (
            "declared range kept (--bootstrap 0)"
            if p["name"] in kernel_names and not cal.bootstrap_draws
            else "5-95 %"
        )
        console.print(
            f"  {p['name']:<36} {p['value']:>10.4g}   {span}: {p['low']:.4g} - {p['high']:.4g}"
        )
    if "attacks" in fit:
        console.print(
            f"  attack tempo: regional rank correlation {fit['attacks']['regional_rank_correlation']:.2f}"
        )
    if "attack_ceiling" in fit:
        c = fit["attack_ceiling"]
        console.print(
            f"  attack ceiling: {c['value']:.3g} attacks per salient troop a month at most "
            f"({c['region']}, {c['month']}; median {c['median']:.2g} over {c['region_months']} "
            "region-months)"
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
    console.print(f"wrote {path}", soft_wrap=True)
    return 0


def register_settlements(sub: Any) -> None:
    """Add ``grudging calibrate settlements``."""
    table = calibrate_subparsers(sub)
    p = table.add_parser(
        "settlements",
        help="fit the commitment rung to post-war settlements (Walter 2015, Fortna 2008)",
        description=(
            "Fit implementation_base, relapse_reduction, strength_half and "
            "identity_relapse_odds by maximum likelihood of the bargain's own P(hold) on signed "
            "settlements starting up to 1995 (profile likelihood intervals), score it out of "
            "sample on the later ones against the base rate, a peacekeepers-present rule and an "
            "identity-war rule, and write settlements.yaml. Parameters the "
            "data do not identify are not written. Mapping: "
            "docs/design-notes/settlement-calibration.md."
        ),
    )
    add_scenario_argument(p)
    p.add_argument(
        "--data",
        metavar="CSV",
        help="use this settlements table (default: the one shipped in the package)",
    )
    p.add_argument(
        "--sample",
        choices=("signed", "negotiated"),
        default="signed",
        help="signed settlements only (default) or settlements and truces",
    )
    p.add_argument(
        "--horizon", type=int, choices=(2, 5), default=5, help="years to relapse (default 5)"
    )
    p.add_argument(
        "--free",
        default="implementation_base,relapse_reduction,strength_half,identity_relapse_odds",
        metavar="NAMES",
        help="comma-separated parameters to fit (default: all four)",
    )
    p.add_argument(
        "--profile-points",
        type=int,
        default=25,
        metavar="N",
        help="grid points per side of each profile interval (2 to 1,000; default 25)",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="folder to write settlements.yaml into (default: next to the shipped table, "
        "replacing the settlements.yaml every later run reads)",
    )
    p.add_argument("--json", action="store_true", help="print the calibration file as JSON")
    p.set_defaults(handler=run_settlements)


#: Most grid points per side of a settlements profile interval (each is a fit).
MAX_PROFILE_POINTS = 1_000


def run_settlements(args: argparse.Namespace) -> int:
    """Fit the commitment rung to the settlements table and write the calibration file."""
    from rich.table import Table

    from grudging.calibration.settlements import (
        DATA_FILE,
        OUTPUT_FILE,
        calibration_document,
        fit_settlements,
        read_settlements,
        write_document,
    )
    from grudging.cli._output import console, print_json
    from grudging.errors import GrudgingError
    from grudging.model.bargain.params import BargainParams
    from grudging.model.parameters import stage_parameters
    from grudging.scenario import load_scenario

    if not 2 <= args.profile_points <= MAX_PROFILE_POINTS:
        raise GrudgingError(
            f"--profile-points {args.profile_points}: give 2 to {MAX_PROFILE_POINTS:,} grid points "
            "per side (the default 25 takes a few seconds; without intervals the file would give "
            "every later run the fitted values as certain)"
        )
    _check_out(args.out)
    free = tuple(n.strip() for n in args.free.split(",") if n.strip())
    for name in free:  # a name twice would fit one parameter as two
        if free.count(name) > 1:
            raise GrudgingError(f"--free {args.free}: {name} is given twice; name each once")
    _input_table(args.data, "--data")
    data = Path(args.data) if args.data else DATA_FILE
    episodes = _read_table(read_settlements, data, "--data" if args.data else "")
    scn = load_scenario(args.scenario, overrides=args.set, calibrated=False)
    params = stage_parameters(BargainParams, scn.parameter_values(), "bargain")
    fit = fit_settlements(episodes, params, args.sample, args.horizon, args.profile_points, free)
    doc = calibration_document(fit, scn.id, data.name)
    folder = Path(args.out) if args.out else DATA_FILE.parent
    path = folder / OUTPUT_FILE
    write_document(doc, path)
    if args.json:
        print_json(doc)
        return 0
    f = doc["fit"]
    console.print(
        f"[bold]Settlement calibration[/] on {len(fit.train)} {args.sample} episodes starting "
        f"{doc['data_window']['start'][:4]}-{LAST_YEAR} (relapse within {fit.horizon} years; "
        f"share {f['train_relapse_share']:.2f}); fixed values from {scn.id}"
    )
    t = Table(title="Fitted (maximum likelihood, 95 % profile interval; scenario value)")
    for col in ("parameter", "value", "low", "high", "scenario", "identified"):
        t.add_column(col, justify="left" if col == "parameter" else "right")
    for e in fit.estimates:
        low = f"{e.low:.3f}" + (" (bound)" if e.low_at_bound else "")
        high = f"{e.high:.3f}" + (" (bound)" if e.high_at_bound else "")
        t.add_row(
            e.name, f"{e.value:.3f}", low, high, f"{e.prior:.3f}", "yes" if e.identified else "no"
        )
    console.print(t)
    console.print(
        f"  log-likelihood {f['loglik']:.2f} (at the scenario's values {f['loglik_at_nominal']:.2f})"
    )
    g = Table(title="Training episodes by peacekeeping type")
    for col in ("peacekeeping", "n", "observed relapse", "fitted relapse"):
        g.add_column(col, justify="left" if col == "peacekeeping" else "right")
    for row in f["by_peacekeeping"]:
        g.add_row(
            row["peacekeeping"],
            str(row["n"]),
            f"{row['observed_relapse']:.2f}",
            f"{row['fitted_relapse']:.2f}",
        )
    console.print(g)
    o = f["out_of_sample"]
    if o["n"]:
        s = Table(
            title=f"Out of sample: {o['n']} episodes after {LAST_YEAR} ({o['relapsed']} relapsed)"
        )
        for col in ("predictor", "Brier", "log-loss", "model minus this (90 %)"):
            s.add_column(col, justify="left" if col == "predictor" else "right")
        for key, label in (
            ("model_fitted", "model, all fitted values"),
            ("model_written", "model, identified values only"),
            ("model_nominal", "model, scenario values"),
            ("base_rate", f"base rate {o['base_rate']:.2f}"),
            (
                "peacekeepers_rule",
                f"peacekeepers rule ({o['rule']['without']:.2f} / {o['rule']['with']:.2f})",
            ),
            (
                "identity_rule",
                "identity-war rule ("
                + " / ".join(f"{k} {v:.2f}" for k, v in o["identity_rule"].items())
                + ")",
            ),
        ):
            gap = o["model_minus"].get(key)
            s.add_row(
                label,
                f"{o['brier'][key]:.3f}",
                f"{o['log_loss'][key]:.3f}",
                ""
                if gap is None
                else f"{gap['gap']:+.3f} ({gap['low']:+.3f} to {gap['high']:+.3f})",
            )
        console.print(s)
        base = o["model_minus"]["base_rate"]
        console.print(
            f"  the fitted model minus the base rate: {base['gap']:+.3f}, 90 % paired bootstrap"
            f" interval over the {o['n']} episodes {base['low']:+.3f} to {base['high']:+.3f}"
            f" (the model better in {base['share_better']:.0%} of resamples)"
        )
        for c in o["calibration"]:
            console.print(
                f"  predicted {c['bin']}: {c['n']} episodes, mean predicted {c['predicted']:.2f}, "
                f"observed {c['observed']:.2f}"
            )
    else:
        console.print("  out of sample: no test episodes in this sample")
    console.print(f"  not identified: {doc['not_identified']}")
    console.print(f"wrote {path}", soft_wrap=True)
    return 0


LAST_YEAR = 1995


def register_erosion(sub: Any) -> None:
    """Add ``grudging calibrate erosion``."""
    table = calibrate_subparsers(sub)
    p = table.add_parser(
        "erosion",
        help="fit the coalition withdrawal hazard to MNF-I exits up to 2006 (report only)",
        description=(
            "Fit a nation-year logit hazard of leaving MNF-I (casualties, change of government) "
            "on the exits up to December 2006, beside a constant hazard: log-likelihood and "
            "Brier score per year in-sample, leave-one-year-out and on 2007 (exits after the "
            "information date are scored, never fitted); and the command erosion factor from "
            "IFOR -> SFOR retention. Writes nothing."
        ),
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=run_erosion)


def run_erosion(args: argparse.Namespace) -> int:
    """Print the hazard fit, the baseline and the command factor."""
    import dataclasses
    import json

    from grudging.calibration.erosion import COVARIATES, command_modifier, validate

    v = validate()
    m = command_modifier()
    names = ("intercept", *COVARIATES)
    if args.json:
        doc = {
            "hazard": dict(zip(names, (round(float(c), 4) for c in v.fit.coef), strict=True)),
            "hazard_loglik": round(v.fit.loglik, 3),
            "constant": round(float(v.baseline.coef[0]), 4),
            "constant_loglik": round(v.baseline.loglik, 3),
            "rows": list(v.rows),
            "command_modifier": dataclasses.asdict(m),
        }
        print(json.dumps(doc, indent=2))
        return 0
    coef = ", ".join(f"{n} {c:+.3f}" for n, c in zip(names, v.fit.coef, strict=True))
    print(f"hazard (logit, {v.fit.rows} nation-years, {v.fit.exits} exits): {coef}")
    print(f"  log-likelihood {v.fit.loglik:.3f} against {v.baseline.loglik:.3f} (constant hazard)")
    print()
    print("| scope | year | forecast | at risk | exits | expected | log-likelihood | Brier |")
    print("|---|---|---|---|---|---|---|---|")
    for r in v.rows:
        print(
            f"| {r['scope']} | {r['year']} | {r['forecast']} | {r['rows']} | {r['exits']} | "
            f"{r['expected']} | {r['loglik']} | {r['brier']} |"
        )
    print()
    print(
        f"command erosion factor ({m.earlier} -> {m.later}): {m.left} of {m.at_risk} left in "
        f"{m.years} years, annual hazard <= {m.annual_hazard:.3f} against "
        f"{m.reference_hazard:.3f} (MNF-I), ratio {m.hazard_ratio:.3f}, factor on support "
        f"changes {m.support_factor:.3f}"
    )
    return 0


def _check_window_end(text: str, information_date: str) -> None:
    """``--window-end``: a month no later than the information date (the data a fit may read)."""
    from grudging.errors import GrudgingError
    from grudging.scenario.schema import is_month, month_index

    if not is_month(text):
        raise GrudgingError(f"--window-end {text}: not a month; write it as YYYY-MM, e.g. 2006-12")
    if month_index(text) > month_index(information_date):
        raise GrudgingError(
            f"--window-end {text}: after the information date {information_date}; later data "
            "tests, never fits: give a month up to it"
        )


def _check_history(history: Any, scn: Any, name: str) -> None:
    """No contingent larger than its nation's active forces (where the scenario gives them)."""
    from grudging.errors import ScenarioError

    personnel = {n.id: n.active_personnel for n in scn.nations}
    for row in history:
        most = personnel.get(row.nation)
        if most is not None and row.peak_troops > most:
            raise ScenarioError(
                f"{name}: peak_troops {row.peak_troops:,} of {row.nation} exceeds its "
                f"{most:,.0f} active personnel in scenario '{scn.id}'; correct the figure"
            )


def _input_table(text: str | None, flag: str) -> None:
    """An input table given with ``flag``: an existing file, refused in terms of the flag before
    the scenario is read (a folder read as 'not found')."""
    if text is None:
        return
    from grudging.errors import ParameterError

    path = Path(text)
    if path.is_dir():
        raise ParameterError(f"{flag} {text}: this is a folder; give the CSV file itself")
    if not path.is_file():
        raise ParameterError(f"{flag} {text}: no such file; give an existing CSV file")


def _read_table(read: Any, path: Path, flag: str) -> Any:
    """``read(path)``, with a file the CSV reader cannot take (not UTF-8 text, a field over its
    size limit) said in words, not as a traceback; ``flag`` empty: a file the command chose."""
    import csv

    from grudging.errors import ParameterError

    try:
        return read(path)
    except UnicodeDecodeError:
        why = "not UTF-8 text"
    except csv.Error as err:
        why = str(err)
    where = f"{flag} {path}" if flag else str(path)
    raise ParameterError(f"{where}: not a readable CSV table ({why}); give a UTF-8 CSV file")


def _check_out(out: str | None) -> None:
    """``--out``: a folder that can be written, refused now rather than after the fit (the
    command line refuses an empty one, which would fall back to the scenario's own file)."""
    if out is not None:
        from grudging.cli._checks import writable_folder

        writable_folder(out, "--out")

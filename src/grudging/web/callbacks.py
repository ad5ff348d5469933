"""The dashboard's callbacks as plain functions: plain data and figures in and out.

Each function takes the :class:`~grudging.web.workspace.Workspace` and what the page sends (the
user state, the values of the controls) and returns what the page shows, so it can be tested
without a browser; :mod:`grudging.web.app` only wires them to components. User mistakes raise
:class:`~grudging.errors.GrudgingError` with a message meant for the page.
"""

from __future__ import annotations

import base64
import binascii
import io
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grudging.errors import GrudgingError, ParameterError, ScenarioError
from grudging.report.numbers import nouns
from grudging.web.controls import (
    fmt,
    parse_number,
    parse_plan_form,
    validate_entries,
    whole_number,
)
from grudging.web.sessions import check_owner, refuse_large_upload
from grudging.web.tables import Rows, format_value, frame_rows

#: What a download button sends to the page (``dcc.Download`` data).
Download = dict[str, Any]

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from grudging.results.results import Results
    from grudging.scenario.schema import Scenario
    from grudging.web.workspace import UserState, Workspace

#: Outcomes shown first in tables, in this order (others follow).
MAIN_OUTCOMES = (
    "civilian_deaths",
    "civil_war",
    "displaced",
    "refugees",
    "troop_deaths",
    "cost_patron",
    "cost_others",
    "safe_haven",
    "regional_escalation",
    "coalition_troops",
    "patron_troops",
    "settlement_forms",
    "settlement_holds",
)

#: How the map can colour the regions: (key, label, changes with the month).
MAP_COLOURINGS = (
    ("deaths_median", "civilian deaths in the month (median)", True),
    ("deaths_mean", "civilian deaths in the month (mean)", True),
    ("deaths_high", "civilian deaths in the month (95th percentile)", True),
    ("deaths_per_100k", "civilian deaths per 100,000 in the month (median)", True),
    ("requirement", "troops needed (the requirement)", False),
    ("coverage", "coalition coverage of the requirement", False),
    ("lead", "sector lead nation", False),
)


# Header ---------------------------------------------------------------------------------------
def plan_value_text(value: Any) -> str:
    """A coalition-plan value as a person writes it: a list as ``a, b``, none as ``none``."""
    if value is None or value == "":
        return "none"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, float):
        return fmt(value)
    return str(value)


def changes_text(scn: Scenario, state: UserState) -> str:
    """The user's changes in words: parameters, options, plan fields and offers by their names."""
    from grudging.report.numbers import in_sentence, parameter_label
    from grudging.web.controls import PLAN_LABELS

    values = state.get("values") or {}
    listed = ", ".join(f"{parameter_label(k)} = {fmt(v)}" for k, v in sorted(values.items()))
    names = {o.id: o.name for o in scn.options}
    words = {o.id: o.name for o in scn.offers} | {r.id: r.name for r in scn.roe_levels}

    def text(value: Any) -> str:
        if isinstance(value, list | tuple):
            value = [words.get(v, v) if isinstance(v, str) else v for v in value]
        elif isinstance(value, str):
            value = words.get(value, value)
        return plan_value_text(value)

    plans = state.get("plans") or {}
    if plans:
        listed += ("; " if listed else "") + "; ".join(
            f"{names.get(o, o)}: "
            + ", ".join(
                f"{in_sentence(PLAN_LABELS.get(k, k))} = {text(v)}" for k, v in sorted(p.items())
            )
            for o, p in sorted(plans.items())
        )
    return listed


def status_line(ws: Workspace, state: UserState) -> str:
    """Which scenario, how many replications, what the user changed."""
    key = state.get("scenario") or ws.start
    scn = ws.scenario(key)
    values = state.get("values") or {}
    plans = state.get("plans") or {}
    changes = []
    if values:
        changes.append(f"{len(values)} assumption{'s' if len(values) > 1 else ''} changed")
    if plans:
        names = {o.id: o.name for o in scn.options}
        changes.append(
            f"coalition plan changed for {', '.join(names.get(o, o) for o in sorted(plans))}"
        )
    what = "; ".join(changes) if changes else "default assumptions"
    return (
        f"{scn.title} — scenario {ws.label(key)}; {ws.replications:,} replications per option, "
        f"seed {ws.seed}; {what}."
    )


def choose_scenario(ws: Workspace, key: str, session: str | None = None) -> UserState:
    """Switch to another scenario (a built-in one, a file inside the folders, or one of the
    session's uploads)."""
    if not isinstance(key, str) or not key:
        raise ScenarioError("choose a scenario from the list")
    check_owner(key, session)
    ws.scenario(key)
    return ws.default_state(key)


def upload_scenario(ws: Workspace, contents: str, filename: str, session: str) -> UserState:
    """Read an uploaded scenario (a ``data:`` URL from the upload box) and switch to it.

    The upload is kept for ``session`` only; one over
    :data:`~grudging.web.sessions.MAX_UPLOAD_BYTES` is refused with the limit.
    """
    filename = Path(str(filename or "upload.yaml")).name or "upload.yaml"
    if not isinstance(contents, str) or not contents or "," not in contents:
        raise ScenarioError(f"{filename or 'upload'}: empty upload; choose a YAML file")
    _, _, payload = contents.partition(",")
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ScenarioError(f"{filename}: the upload is not readable; try again") from None
    refuse_large_upload(len(raw), filename)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{filename}: not a UTF-8 text file; upload a YAML scenario") from None
    key = ws.upload(text, filename, session)
    return ws.default_state(key)


def export_yaml(ws: Workspace, state: UserState) -> Download:
    """The scenario with the user's changes as one self-contained YAML file: ``grudging run``
    on it, with the page's seed and replications, gives the page's numbers."""
    from grudging.scenario import dump_scenario

    scn = ws.edited(state)
    changed = ws.fixed(state)  # the same content, so the same hash, as grudging run --set
    suffix = "-edited" if ws.changed(state) else ""
    return {
        "content": dump_scenario(changed),
        "filename": f"{scn.id}{suffix}.yaml",
        "type": "application/yaml",
        "base64": False,
    }


def warm(ws: Workspace) -> None:
    """Compute every view of the starting scenario once, so the first page comes quickly."""
    state = ws.default_state()
    compare_view(ws, state, None, None)
    results = ws.results(state)
    map_view(ws, state, results.options[0], None, 0)
    for choice in coalition_options(ws, state):
        plan_form(ws, state, choice["value"])
        coalition_view(ws, state, choice["value"], {})
    if ws.edited(state).factions:
        bargain_view(ws, state, None)
    if ws.start_store is not None:
        first = store_choices_view(ws, state, ws.start_store)
        exploration_view(
            ws, ws.start_store, first["outcome"], first["option"], first["baseline"], None, None
        )


def warm_in_background(ws: Workspace) -> Any:
    """:func:`warm` in a daemon thread: the server answers at once, and a page's callbacks that
    need the default run wait for this one computation (the workspace's caches are single-flight)
    instead of starting their own. Logs ``default run ready`` (or the error) when done."""
    import logging
    import sys
    import threading
    import time

    log = logging.getLogger("grudging.web")

    def run() -> None:
        started = time.perf_counter()
        try:
            warm(ws)
        except Exception:  # the page shows the error of the view that needs it
            log.exception("the default run failed")
            return
        print(
            f"default run ready ({time.perf_counter() - started:.1f} s)",
            file=sys.stderr,
            flush=True,
        )

    thread = threading.Thread(target=run, name="grudging-warm", daemon=True)
    thread.start()
    return thread


def provenance(ws: Workspace, state: UserState) -> dict[str, Any]:
    """What a downloaded table came from: grudging's version, the scenario as edited (its id
    and content hash), the seed, the replications and the parameters the user set (as
    ``--set`` takes them); ``grudging run`` with the downloaded scenario (YAML), this seed and
    count gives the same numbers.

    The hash is the chain's (:func:`~grudging.scenario.scenario_hash`, as ``grudging run --json``
    reports it) of the scenario with the set values fixed (:meth:`Workspace.fixed`), so it is the
    command line's for the same inputs, with ``--set`` or on the downloaded YAML.
    """
    from grudging import __version__
    from grudging.scenario import scenario_hash

    scn = ws.fixed(state)
    # prefixed: a view's own table may have a column of the same name (the replications)
    return {
        "run_grudging_version": __version__,
        "run_scenario": scn.id,
        "run_scenario_hash": scenario_hash(scn),
        "run_seed": ws.seed,
        "run_replications": ws.replications,
        "run_set": " ".join(f"{k}={v}" for k, v in sorted((state.get("values") or {}).items())),
    }


def csv_download(frame: pd.DataFrame, name: str, source: Mapping[str, Any]) -> Download:
    """A table as the data of a CSV download, each row carrying ``source`` (:func:`provenance`)
    as its last columns."""
    buffer = io.StringIO()
    frame.assign(**dict(source)).to_csv(buffer, index=False)
    return {
        "content": buffer.getvalue(),
        "filename": f"{name}.csv",
        "type": "text/csv",
        "base64": False,
    }


# Compare --------------------------------------------------------------------------------------
def option_choices(ws: Workspace, state: UserState) -> list[dict[str, str]]:
    """The scenario's options for a dropdown."""
    scn = ws.edited(state)
    return [{"label": o.name, "value": o.id} for o in scn.options]


def monthly_outcomes(results: Results) -> list[str]:
    """Outcomes that come as a national monthly series (for fan charts)."""
    rows = results.outcomes[results.outcomes["month"].notna() & results.outcomes["region"].isna()]
    present = set(rows["outcome"].unique())
    return [o for o in MAIN_OUTCOMES if o in present]


def _ordered(outcomes: Any) -> list[str]:
    names = list(dict.fromkeys(outcomes))
    return [o for o in MAIN_OUTCOMES if o in names] + [o for o in names if o not in MAIN_OUTCOMES]


def _columns(results: Results, options: list[str]) -> dict[str, str]:
    """Column titles: the outcome, its unit, and each option by its name."""
    names = results.option_names()
    return {"outcome": "outcome", "unit": "unit", **{o: names.get(o, o) for o in options}}


def outcome_rows(results: Results) -> tuple[Rows, dict[str, str]]:
    """One row per outcome, a 'median [90 % interval]' cell per option (mean for probabilities);
    outcomes and options named in words and numbers in their unit's format (``287bn`` in the
    US$ row, ``49k``, ``3 %``), as the report's table writes them."""
    from grudging.report.numbers import interval, outcome_label, outcome_unit_label, percent

    summary = results.summary()
    rows: Rows = []
    for outcome in _ordered(summary["outcome"]):
        part = summary[summary["outcome"] == outcome].set_index("option")
        unit = str(part["unit"].iloc[0])
        row: dict[str, Any] = {
            "outcome": outcome_label(outcome),
            "unit": outcome_unit_label(outcome),
        }
        for option in results.options:
            if option not in part.index:
                row[option] = "–"
                continue
            r: dict[Any, Any] = part.loc[option].to_dict()
            row[option] = (
                percent(r["mean"])  # as the report: a share of runs, or a chance's mean
                if unit == "probability"
                # the unit column names the currency, as in the report's table
                else interval(r["median"], r["low"], r["high"], unit, bare=True)
            )
        rows.append(row)
    return rows, _columns(results, list(results.options))


def difference_rows(results: Results, baseline: str) -> tuple[Rows, dict[str, str]]:
    """Per outcome, each option's paired difference against the baseline and its verdict, in
    the report's words (:func:`~grudging.report.narrative.difference_words`)."""
    from grudging.report.narrative import difference_verdict, difference_words
    from grudging.report.numbers import outcome_label, outcome_unit_label

    diff = results.compare(baseline)
    others = [o for o in results.options if o != baseline]
    runs = int(results.metadata.get("replications", 1))
    rows: Rows = []
    for outcome in _ordered(diff["outcome"]):
        row: dict[str, Any] = {
            "outcome": outcome_label(outcome),
            "unit": outcome_unit_label(outcome),
        }
        for option in others:
            part = diff[(diff["option"] == option) & (diff["outcome"] == outcome)]
            if part.empty:
                row[option] = "–"
                continue
            r = part.iloc[0]
            word = difference_verdict(
                outcome, float(r["share_better"]), float(r["share_worse"]), runs
            )
            row[option] = f"{word}: {difference_words(r, outcome)}"
        rows.append(row)
    return rows, _columns(results, others)


def compare_view(
    ws: Workspace, state: UserState, baseline: str | None, outcome: str | None
) -> dict[str, Any]:
    """Fan chart, outcomes with intervals, differences against the baseline, the answer."""
    from grudging.evidence.track_record import track_record
    from grudging.report.figures import difference_chart, fan_chart
    from grudging.report.narrative import comparison_sentences, executive_summary
    from grudging.report.numbers import option_label

    results = ws.results(state)
    scn = ws.edited(state)
    record = track_record(results, scn)
    base = baseline if baseline in results.options else results.options[0]
    series = monthly_outcomes(results)
    chosen = outcome if outcome in series else (series[0] if series else "civilian_deaths")
    rows, columns = outcome_rows(results)
    failed = [
        f"{option} could not run: {error}"
        for option, error in results.metadata.get("failed", {}).items()
    ]
    out: dict[str, Any] = {
        "headline": executive_summary(results, base)
        + comparison_sentences(results, base)
        + ([record.sentence()] if record else [])
        + failed,
        "fan": fan_chart(results, chosen, start=scn.start, names=results.option_names()),
        "outcomes": rows,
        "outcome_columns": columns,
        "differences": difference_rows(results, base) if len(results.options) > 1 else ([], {}),
        "difference_figure": None,
        "baseline": base,
        "baseline_name": results.option_names().get(base, base),
        "outcome": chosen,
        "series": series,
        "changed": ws.changed(state),
    }
    if len(results.options) > 1:
        names = results.option_names()
        diff = results.compare(base)
        out["difference_figure"] = difference_chart(  # options by name, as the report's chart
            diff.assign(
                option=[option_label(o, names) for o in diff["option"]],
                baseline=[option_label(o, names) for o in diff["baseline"]],
            ),
            "civilian_deaths",
            "deaths",
        )
    return out


def compare_csv(ws: Workspace, state: UserState, baseline: str | None) -> Download:
    """Summary per option and outcome, joined with the paired differences against the baseline."""
    results = ws.results(state)
    base = baseline if baseline in results.options else results.options[0]
    table = results.summary()
    if len(results.options) > 1:
        diff = results.compare(base).drop(columns=["low", "high"])
        diff = diff.rename(columns={c: f"{c}" for c in diff.columns})
        table = table.merge(diff, on=["option", "outcome"], how="left")
        table["baseline"] = base
    return csv_download(
        table,
        f"{results.metadata.get('scenario', 'scenario')}-comparison",
        provenance(ws, state),
    )


# Map ------------------------------------------------------------------------------------------
def month_label(start: str, month: int) -> str:
    """``month 5 (2007-06)``."""
    year, mon = (int(x) for x in start.split("-"))
    index = year * 12 + mon - 1 + int(month)
    return f"month {month} ({index // 12:04d}-{index % 12 + 1:02d})"


def _sectors(ws: Workspace, state: UserState, option: str) -> Any:
    results = ws.results(state)
    plan = results.plans.get(option)
    if plan is None or plan.conference is None:
        return None, plan
    return plan.conference.sectors, plan


#: The map panel's height, and the width (less the colour bar) its zoom is fitted to, in pixels.
MAP_HEIGHT = 640
MAP_WIDTH = 900


def map_view(
    ws: Workspace, state: UserState, option: str | None, colouring: str | None, month: int | None
) -> dict[str, Any]:
    """The map of one option and month, coloured as chosen, and the sector table."""
    import pandas as pd

    from grudging.report.figures import fit_map, load_geojson, region_map, sector_map

    results = ws.results(state)
    scn = ws.edited(state)
    failed = results.metadata.get("failed", {})
    option = option if isinstance(option, str) else None  # a crafted request: the first option
    if option is not None and option in failed:  # never another option's map under its name
        name = results.option_names().get(option, option)
        raise GrudgingError(f"{name} could not run, so it has no map: {failed[option]}")
    opt = option if option in results.options else results.options[0]
    kinds = {k: (label, monthly) for k, label, monthly in MAP_COLOURINGS}
    colour = colouring if colouring in kinds else "deaths_median"
    last = scn.horizon_months - 1
    m = whole_number(month, "month", 0, last)
    label, monthly = kinds[colour]
    when = month_label(scn.start, m) if monthly else "whole horizon"
    sectors, plan = _sectors(ws, state, opt)
    leads = {r.region: r.lead for r in sectors.regions} if sectors is not None else {}
    hover = {
        r.id: (f"lead nation: {leads[r.id]}" if leads.get(r.id) else "no coalition sector")
        for r in scn.regions
    }
    name = scn.option(opt).name
    title = f"{name}: {label}, {when}"
    note = ""
    rm = results.region_months
    if colour == "lead":
        figure = sector_map(scn, leads, title, hover)
        if sectors is None:
            note = f"{name} generates no coalition, so it has no sectors."
    elif colour in ("requirement", "coverage"):
        if plan is None:
            raise GrudgingError(f"option '{opt}' did not run; see the comparison for its error")
        if colour == "requirement":
            values = pd.Series({r.region: r.troops for r in plan.requirement.regions})
            figure = region_map(scn, values, title, "troops", hover=hover)
        else:
            # A region the host's own forces already hold (a requirement of 0) has nothing to
            # cover: grey, saying so. One that needs troops and has none is 0 %; one covered
            # beyond its need takes the darkest colour (zmax 1) and shows its own figure.
            if sectors is not None:
                need = {r.region: r.requirement for r in sectors.regions}
                covered = {r.region: r.coverage for r in sectors.regions}
            else:
                need, covered = {r.region: r.troops for r in plan.requirement.regions}, {}
            values = pd.Series(
                {
                    r.id: covered.get(r.id, 0.0) if need.get(r.id, 0.0) > 0 else float("nan")
                    for r in scn.regions
                }
            )
            for region in values.index[values.isna()]:
                hover[region] = "no requirement: no troops needed beyond the host's forces"
            if sectors is None:
                note = f"{name} generates no coalition: coverage is nil wherever troops are needed."
            figure = region_map(
                scn, values, title, "share", zmax=1.0, hover=hover, number_format=".0%"
            )
    else:
        column = {"deaths_median": "median", "deaths_mean": "mean", "deaths_high": "high"}.get(
            colour, "median"
        )
        frame = rm.copy()
        if colour == "deaths_per_100k":
            population = {r.id: r.population for r in scn.regions}
            frame["value"] = frame["median"] / frame["region"].map(population) * 1e5
        else:
            frame["value"] = frame[column]
        zmax = float(frame["value"].max()) if len(frame) else 1.0
        part = frame[(frame["option"] == opt) & (frame["month"] == m)].set_index("region")["value"]
        unit = "per 100,000" if colour == "deaths_per_100k" else "deaths"
        fmt_code = ",.2f" if colour == "deaths_per_100k" else ",.0f"
        figure = region_map(
            scn, part, title, unit, zmax=max(zmax, 1e-9), hover=hover, number_format=fmt_code
        )
    if figure is None:
        note = "This scenario has no map (no GeoJSON file)."
    else:
        fit_map(figure, load_geojson(scn) or {}, MAP_WIDTH, MAP_HEIGHT)
    rows: Rows = []
    if sectors is not None:
        for r in sectors.regions:
            rows.append(
                {
                    "region": scn.region(r.region).name,
                    "lead": r.lead or "–",
                    "nations": ", ".join(r.nations) or "–",
                    "troops": r.troops,
                    "needed": r.requirement,
                    "coverage": "–" if r.requirement <= 0 else f"{min(r.coverage, 9.99):.0%}",
                }
            )
    return {
        "figure": figure,
        "title": title,
        "month_label": month_label(scn.start, m)
        + ("" if monthly else " — this colouring does not change with the month"),
        "sectors": rows,
        "note": note,
        "option": opt,
        "colouring": colour,
        "month": m,
        "last_month": last,
    }


def map_csv(ws: Workspace, state: UserState, option: str | None) -> Download:
    """Civilian deaths per region and month (quantiles) with the sector of each region."""
    results = ws.results(state)
    opt = option if option in results.options else results.options[0]
    frame = results.region_months[results.region_months["option"] == opt].copy()
    sectors, _ = _sectors(ws, state, opt)
    if sectors is not None:
        leads = {r.region: r.lead for r in sectors.regions}
        nations = {r.region: ";".join(r.nations) for r in sectors.regions}
        frame["lead"] = frame["region"].map(leads)
        frame["nations"] = frame["region"].map(nations)
    return csv_download(frame, f"map-{opt}", provenance(ws, state))


# Coalition builder ----------------------------------------------------------------------------
def coalition_options(ws: Workspace, state: UserState) -> list[dict[str, str]]:
    """Options that generate a coalition."""
    scn = ws.edited(state)
    return [{"label": o.name, "value": o.id} for o in scn.options if o.coalition is not None]


def plan_form(ws: Workspace, state: UserState, option: str | None) -> Any:
    """The builder's controls for an option's plan (generated from the plan's schema)."""
    from grudging.web.controls import plan_controls

    choices = coalition_options(ws, state)
    if not choices:
        return []
    opt = option if option in [c["value"] for c in choices] else choices[0]["value"]
    return plan_controls(ws.edited(state), ws.coalition_plan(state, opt))


def _plan_change(
    ws: Workspace, state: UserState, option: str, form: Mapping[str, Any]
) -> dict[str, Any]:
    scn = ws.edited(state)
    plan = ws.coalition_plan(state, option)
    return parse_plan_form(scn, plan, form)


def _votes(alignment: float | None) -> str:
    """A nation's share of UN General Assembly votes agreeing with the patron's, or a dash."""
    return "–" if alignment is None else f"{alignment:.2f}"


def coalition_view(
    ws: Workspace, state: UserState, option: str | None, form: Mapping[str, Any]
) -> dict[str, Any]:
    """The coalition a conference generates under the form's plan: who, at what price, the gap."""
    from grudging.calibration.coalition_history import describe, earlier_contingents
    from grudging.report.figures import coalition_gap_chart

    choices = [c["value"] for c in coalition_options(ws, state)]
    if not choices:
        raise GrudgingError("no option of this scenario generates a coalition")
    opt = option if option in choices else choices[0]
    change = _plan_change(ws, state, opt, form) if form else {}
    plan = ws.coalition_plan(state, opt, change)
    conf = ws.conference(state, plan)
    co = conf.coalition
    req = conf.requirement
    contingents: Rows = []
    scn = ws.edited(state)
    offer_names = {o.id: o.name for o in scn.offers}
    base = scn.base_dir or ws.scenario(state.get("scenario") or ws.start).base_dir
    earlier = earlier_contingents(base)
    for c in co.contingents:
        nation = scn.nation(c.nation)
        caveats = ", ".join(c.caveats) or "none kept"
        if c.lifted_caveats:
            caveats += f"; lifted: {', '.join(c.lifted_caveats)}"
        if c.refused_caveats:
            caveats += f"; refused: {', '.join(c.refused_caveats)}"
        contingents.append(
            {
                "nation": c.nation + (" (lead)" if c.lead else ""),
                "name": c.name,
                "troops": c.troops,
                "effective": c.effective_strength,
                "in_theatre": nation.theatre_troops,
                "commands_led": nation.lead_roles,
                "earlier_peak": describe(earlier.get(c.nation)),
                "votes_with_patron": _votes(nation.alignment),
                "tie": nation.ties,
                "offers_accepted": ", ".join(offer_names.get(o, o) for o in c.offers) or "none",
                "caveats": caveats,
                "cost_musd": c.cost_musd,
                "arrives": f"month {c.arrival_month}",
                "why": ", ".join(f"{n} {v:+.2f}" for n, v in c.reasons) or "–",
            }
        )
    candidates: Rows = []
    chosen = {c.nation: c for c in co.contingents}
    for s in co.candidates:
        member = chosen.get(s.nation)
        nation = scn.nation(s.nation)
        candidates.append(
            {
                "nation": s.nation,
                "name": s.name,
                "status": s.status,
                "offers": f"{member.troops:,} troops" if member else "–",
                "in_theatre": nation.theatre_troops,
                "commands_led": nation.lead_roles,
                "earlier_peak": describe(earlier.get(s.nation)),
                "votes_with_patron": _votes(nation.alignment),
                "tie": nation.ties,
                "why": (
                    ", ".join(f"{n} {v:+.2f}" for n, v in member.reasons) if member else s.reason
                ),
            }
        )
    offer_names = {o.id: o.name for o in scn.offers}
    roe = next((lv.name for lv in scn.roe_levels if lv.id == co.roe_level), co.roe_level)
    made = ", ".join(offer_names.get(o, o) for o in co.global_offers) or "none"
    # the price beside the patron's own troops (a theatre without a patron has none)
    yardstick = (
        f" (the same number of the patron's troops: about US${co.us_equivalent_cost_musd:,.0f}M "
        "a year)"
        if scn.patron is not None
        else ""
    )
    summary = (
        f"{co.command.upper()} command, rules of engagement: {roe.lower()}; "
        f"{co.total_troops:,} troops from "
        f"{nouns(len(co.contingents), 'nation')}, {co.total_effective:,.0f} effective "
        f"({co.coverage:.1%} of the requirement of {req.total:,.0f}; gap {co.gap:,.0f}). "
        f"Price: US${co.total_cost_musd:,.0f}M the first year, then US${co.cost_musd_per_year:,.0f}M "
        f"a year{yardstick}; political capital {co.political_spent:.2f} of "
        f"{co.political_capital:g}. Offers made to all: {made}."
    )
    return {
        "option": opt,
        "summary": summary,
        "gap_figure": coalition_gap_chart(
            req.total, co.total_effective, co.total_troops, req.proposal_force
        ),
        "contingents": contingents,
        "candidates": candidates,
        "change": change,
        "troops": co.total_troops,
        "effective": co.total_effective,
        "gap": co.gap,
        "price_musd": co.total_cost_musd,
    }


def use_coalition(
    ws: Workspace, state: UserState, option: str, form: Mapping[str, Any]
) -> UserState:
    """Put the builder's plan into the option, so the comparison re-runs with it. A plan the
    conference refuses (offers it cannot pay for, a command it cannot field) is refused here
    with the builder's message, not put in to make the option fail in the comparison."""
    coalition_view(ws, state, option, form)  # the same conference as the builder's (memoised)
    # The form shows every field the builder changes: keep its difference from the scenario's
    # own plan (not from an earlier change), so setting a field back removes the change.
    original = ws.default_state(state.get("scenario"))
    change = _plan_change(ws, original, option, form)
    plans = dict(state.get("plans") or {})
    if change:
        plans[option] = change
    else:
        plans.pop(option, None)
    new: UserState = {**state, "plans": plans}
    ws.edited(new)  # validates the edited scenario now, with a message if it is refused
    return new


def coalition_csv(
    ws: Workspace, state: UserState, option: str | None, form: Mapping[str, Any]
) -> Download:
    """Every candidate nation: status, contingent, offers, caveats, price and why."""
    import pandas as pd

    view = coalition_view(ws, state, option, form)
    frame = pd.DataFrame(view["candidates"]).merge(
        pd.DataFrame(view["contingents"]).assign(
            nation=lambda f: f["nation"].str.replace(" (lead)", "", regex=False)
        )
        if view["contingents"]
        else pd.DataFrame(columns=["nation"]),
        on="nation",
        how="left",
        suffixes=("", "_contingent"),
    )
    return csv_download(frame, f"coalition-{view['option']}", provenance(ws, state))


# Bargain --------------------------------------------------------------------------------------
def default_aid(ws: Workspace, state: UserState) -> float | None:
    """The aid of the first option that attempts a bargain (None: the parameter's value)."""
    scn = ws.edited(state)
    for o in scn.options:
        if o.bargain is not None:
            return o.bargain.aid_musd_per_year
    return None


#: The bargain tables' columns and titles: their chances are the bargaining stage's, computed at
#: the parameters' nominal values (over its draws of the factions' coding).
GUARANTOR_COLUMNS = {
    "guarantor": "guarantor",
    "strength": "strength",
    "impartiality": "impartiality",
    "years": "years",
    "credibility": "credibility",
    "p_deal": "P(deal) at nominal values",
    "p_holds_given_deal": "P(holds | deal) at nominal values",
    "p_deal_holds": "P(deal that holds) at nominal values",
    "holdouts": "holdouts",
}
FIELDED_COLUMNS = {
    "option": "option",
    "guarantor": "guarantor",
    "strength": "strength",
    "impartiality": "impartiality",
    "years": "years",
    "p_deal": "P(deal) at nominal values",
    "p_holds_given_deal": "P(holds | deal) at nominal values",
    "holdouts": "holdouts",
}


def _nominal_note(run: Results | None, options: list[str]) -> str:
    """What the bargain's chances are, beside the run's chance of a deal under ``options`` (the
    comparison's 'Chance of a deal')."""
    from grudging.report.numbers import outcome_label, percent

    chances = ""
    if run is not None:
        summary = run.summary()
        part = summary[summary["outcome"] == "p_deal"]
        names = run.option_names()
        listed = [
            f"{percent(float(m))} under {names.get(o, o)}"
            for o, m in zip(part["option"], part["mean"], strict=True)
            if o in options
        ]
        chances = f": {'; '.join(listed)}" if listed else ""
    return (
        "P(deal) here is the bargaining stage's at the parameters' nominal values (over its draws "
        "of the factions' coding); the run's chance of a deal (Compare's "
        f"'{outcome_label('p_deal')}'{chances}) averages over the run's draws of the bargaining "
        "parameters, one per replication, so the two differ."
    )


def bargain_view(ws: Workspace, state: UserState, aid_text: Any) -> dict[str, Any]:
    """Factions, positions, the deal or not under each guarantor, and who holds out."""
    from grudging.model.bargain.params import MAX_AID_MUSD
    from grudging.report.figures import positions_chart, signing_heatmap
    from grudging.report.numbers import chance_cell

    if aid_text is None or str(aid_text).strip() == "":
        aid = default_aid(ws, state)
    else:
        try:
            aid = parse_number(aid_text)
        except ParameterError as err:
            raise ParameterError(f"aid: {err}") from None
        if not 0 <= aid <= MAX_AID_MUSD:
            raise ParameterError(
                f"aid: {str(aid_text).strip()[:40]} refused; give US$ million a year from 0 to "
                f"{MAX_AID_MUSD:,.0f}"
            )
    scn = ws.edited(state)
    result = ws.bargain(state, aid)
    guarantors: Rows = []
    for o in result.outcomes:
        g = o.guarantor
        guarantors.append(
            {
                "guarantor": g.kind,
                "strength": g.strength_ratio if g.kind != "none" else None,
                "impartiality": g.impartiality if g.kind != "none" else None,
                "years": g.commitment_years if g.kind != "none" else None,
                "credibility": o.credibility,
                # as the report and the terminal: never 0.00 for a chance of 0.004
                "p_deal": chance_cell(o.p_deal),
                "p_holds_given_deal": chance_cell(o.p_holds_given_deal),
                "p_deal_holds": chance_cell(o.p_deal_holds),
                "holdouts": ", ".join(scn.faction(h).name for h in o.holdouts) or "none",
            }
        )
    factions: Rows = []
    frame = result.factions_frame()
    for f in result.factions:
        faction = scn.faction(f)
        part = frame[frame["faction"] == f].set_index("guarantor")
        row: dict[str, Any] = {
            "faction": f,
            "name": faction.name,
            "spoiler": "yes" if f in result.spoilers else "",
            "capability": result.capability[f],
        }
        for kind in part.index:
            row[f"P(signs) {kind}"] = float(part.loc[kind, "p_sign"])
        extra: list[float] = (
            [float(v) for v in part["extra_aid_musd"].dropna()] if "extra_aid_musd" in part else []
        )
        row["extra aid to sign (US$M/yr)"] = (
            format_value(float(min(extra)), "") if len(extra) else "–"
        )
        factions.append(row)
    try:
        run: Results | None = ws.results(state)
    except GrudgingError:
        run = None  # no option ran: the guarantors by kind still show the bargain
    fielded: Rows = []
    bargaining: list[str] = []
    names = {f.id: f.name for f in scn.factions}
    for option, plan in (run.plans if run is not None else {}).items():
        b = plan.summary().get("bargain")
        if b is None:
            continue
        bargaining.append(option)
        fielded.append(
            {
                "option": scn.option(option).name,
                "guarantor": b["guarantor"],
                "strength": b["strength_ratio"],
                "impartiality": b["impartiality"],
                "years": b["commitment_years"],
                "p_deal": chance_cell(b["p_deal"]),
                "p_holds_given_deal": chance_cell(b["p_holds_given_deal"]),
                # non-spoilers, as in the guarantor table (spoilers never sign: listed apart)
                "holdouts": ", ".join(names.get(h, h) for h in b["holdouts"]) or "none",
            }
        )
    return {
        "aid": result.aid_musd,
        "guarantors": guarantors,
        "guarantor_columns": GUARANTOR_COLUMNS,
        "factions": factions,
        "fielded": fielded,
        "fielded_columns": FIELDED_COLUMNS,
        "note": _nominal_note(run, bargaining),
        "positions": positions_chart(result, scn),
        "signing": signing_heatmap(result, names),
        "spoilers": list(result.spoilers),
        "result": result,
    }


def bargain_csv(ws: Workspace, state: UserState, aid_text: Any) -> Download:
    """The bargain as one tidy table: guarantor, faction, issue, quantity, value."""
    view = bargain_view(ws, state, aid_text)
    return csv_download(view["result"].to_frame(), "bargain", provenance(ws, state))


# Assumptions ----------------------------------------------------------------------------------
def check_assumptions(ws: Workspace, state: UserState, entries: Mapping[str, Any]) -> Download:
    """Reasons for every refused entry, by parameter name (empty when all are acceptable)."""
    _, errors = apply_assumptions(ws, state, entries)
    return errors


def apply_assumptions(
    ws: Workspace, state: UserState, entries: Mapping[str, Any]
) -> tuple[UserState, dict[str, str]]:
    """The state with the typed values, or the unchanged state and the reasons they are refused.

    ``entries`` are the fields on show (one stage's); values changed earlier in other stages stay.
    A value inside its range that the scenario's own data refuse (as ``grudging run --set``
    refuses it) is refused here too, before anything runs.
    """
    changed, errors = validate_entries(ws.edited(state), entries)
    if errors:
        return state, errors
    kept = {k: v for k, v in (state.get("values") or {}).items() if k not in entries}
    new: UserState = {**state, "values": {**kept, **changed}}
    errors = _scenario_refusal(ws, new, list(changed))
    return (state, errors) if errors else (new, {})


def _scenario_refusal(ws: Workspace, state: UserState, typed: list[str]) -> dict[str, str]:
    """Why the scenario refuses the state's values (one message, under the parameter it names,
    else the first one typed); empty when it takes them. E.g. a smallest contingent above one a
    nation already has in the theatre."""
    try:
        ws.fixed(state)
    except ScenarioError as err:
        values = state.get("values") or {}
        if not values:  # not the values' doing: the page shows it as it is
            raise
        key = state.get("scenario") or ws.start
        first = err.every[0].removeprefix(f"{ws.label(key)} with your assumptions: ")
        named = [n for n in sorted(values) if f"'{n}'" in first]
        name = (named or [n for n in typed if n in values] or sorted(values))[0]
        more = f" (and {len(err.every) - 1} more problems)" if len(err.every) > 1 else ""
        return {name: f"{name}: {fmt(values[name])} is refused by this scenario: {first}{more}"}
    return {}


def reset_assumptions(ws: Workspace, state: UserState) -> UserState:
    """The state with every parameter back at its nominal value."""
    return {**state, "values": {}}


def paired_change(changed: Results, default: Results) -> pd.DataFrame:
    """Per option and outcome: default and changed medians and the paired difference, with the
    shares of paired runs better and worse (the columns of :meth:`Results.compare`)."""
    import numpy as np
    import pandas as pd

    from grudging.model.outcomes import OUTCOMES

    a = default.scalars().set_index(["option", "replication"])
    b = changed.scalars().set_index(["option", "replication"])
    rows = []
    for option in changed.options:
        if option not in a.index.get_level_values(0) or option not in b.index.get_level_values(0):
            continue
        left, right = a.loc[option], b.loc[option]
        common = right.index.intersection(left.index)
        left, right = left.loc[common], right.loc[common]  # aligned once, not per outcome
        for outcome in [c for c in _ordered(right.columns) if c in OUTCOMES and c in left]:
            before = left[outcome].to_numpy(dtype=float)
            after = right[outcome].to_numpy(dtype=float)
            d = after - before
            better = d < 0 if OUTCOMES[outcome].direction == "minimize" else d > 0
            rows.append(
                {
                    "option": option,
                    "baseline": "default",
                    "outcome": outcome,
                    "default_median": float(np.median(before)),
                    "changed_median": float(np.median(after)),
                    "default_mean": float(np.mean(before)),
                    "changed_mean": float(np.mean(after)),
                    "median_difference": float(np.median(d)),
                    "mean_difference": float(np.mean(d)),
                    "low": float(np.quantile(d, 0.05)),
                    "high": float(np.quantile(d, 0.95)),
                    "share_better": float(np.mean(better)),
                    "share_worse": float(np.mean(~better & (d != 0))),
                }
            )
    return pd.DataFrame(rows)


def assumptions_view(ws: Workspace, state: UserState) -> dict[str, Any]:
    """The run with the user's values shown as a difference from the default run: values in their
    unit's format and differences in the words of the comparison's table (``worse by 3 points``,
    ``better by US$8M (90 %: ...)``), as the report writes them."""
    from grudging.model.outcomes import OUTCOMES
    from grudging.report.figures import difference_chart
    from grudging.report.narrative import difference_words
    from grudging.report.numbers import in_sentence, outcome_label, value

    if not state.get("values") and not state.get("plans"):
        return {
            "message": "Default assumptions. Change a value and press 'Run with these values' to "
            "see the difference it makes.",
            "rows": [],
            "figure": None,
        }
    changed = ws.results(state)
    seconds = getattr(changed, "seconds", None)
    default = ws.default_results(state)
    frame = paired_change(changed, default)
    option_names = {o.id: o.name for o in ws.edited(state).options}
    rows: Rows = []
    for _, r in frame.iterrows():
        if r["outcome"] not in ("civilian_deaths", "civil_war", "troop_deaths", "cost_patron"):
            continue
        unit = OUTCOMES[r["outcome"]].unit
        centre = "mean" if unit == "probability" else "median"  # a share of runs: its mean
        rows.append(
            {
                "option": option_names.get(r["option"], r["option"]),
                "outcome": in_sentence(outcome_label(str(r["outcome"]))),
                "default": value(r[f"default_{centre}"], unit),
                "yours": value(r[f"changed_{centre}"], unit),
                "difference": difference_words(r, str(r["outcome"])),
            }
        )
    listed = changes_text(ws.edited(state), state)
    timing = f" (last re-run took {seconds:.1f} s)" if seconds is not None else ""
    return {
        "message": f"Your changes: {listed}. Difference from the default run at "
        f"{ws.replications:,} replications, same random numbers{timing}. Changed parameters are "
        "fixed at your value; the others keep their ranges.",
        "rows": rows,
        "figure": difference_chart(
            frame.assign(  # named as the table beside it names them
                option=[option_names.get(o, o) for o in frame["option"]],
                baseline="the default assumptions",
            ),
            "civilian_deaths",
            "deaths",
        ),
    }


def assumptions_csv(ws: Workspace, state: UserState) -> Download:
    """One tidy table, its ``table`` column saying what each row is: every parameter with its
    value, range, source and the user's value (``parameters``), then, once something is changed,
    each option's paired difference from the default run per outcome (``difference``; its
    interval in ``difference_low`` and ``difference_high``, apart from a parameter's range)."""
    import pandas as pd

    from grudging.web.controls import parameter_rows

    scn = ws.edited(state)
    frame = pd.DataFrame(parameter_rows(scn, state.get("values") or {}))
    frame.insert(0, "table", "parameters")
    if state.get("values") or state.get("plans"):
        change = paired_change(ws.results(state), ws.default_results(state))
        change = change.rename(columns={"low": "difference_low", "high": "difference_high"})
        change.insert(0, "table", "difference")
        frame = pd.concat([frame, change], ignore_index=True)
    return csv_download(frame, "assumptions", provenance(ws, state))


def rows_of(frame: pd.DataFrame) -> Rows:
    """Rows of a frame (exported for the app)."""
    return frame_rows(frame)


def figure_or_empty(figure: go.Figure | None, message: str = "") -> Any:
    """A figure for a Graph, or an empty one carrying a message."""
    import plotly.graph_objects as go

    if figure is not None:
        return figure
    fig = go.Figure()
    fig.update_layout(
        template="plotly_white",
        height=200,
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[
            {"text": message or "nothing to show", "showarrow": False, "font": {"size": 14}}
        ],
    )
    return fig


# Exploration ----------------------------------------------------------------------------------
def store_choices_view(ws: Workspace, state: UserState, store_key: str | None) -> dict[str, Any]:
    """A store's summary and the choices its outcomes and options offer."""
    from grudging.report.sweep import default_comparison
    from grudging.scenario.io import scenario_hash
    from grudging.web.exploration import check_store_path, summarize

    _check_choices(store=store_key)
    if not store_key:
        folders = ws.folders.describe()
        return {
            "summary": "No sweep store loaded. Stores (.duckdb files written by 'grudging sweep') "
            f"inside the folders the dashboard was started with ({folders}) are listed above.",
            "outcomes": [],
            "options": [],
            "outcome": None,
            "option": None,
            "baseline": None,
        }
    path = check_store_path(ws.store_path(store_key))
    info = ws.memo(("store", str(path), path.stat().st_mtime), lambda: summarize(path))
    scn = ws.edited(state)
    option, baseline = default_comparison(info.options, scn.options)
    outcome = "civilian_deaths" if "civilian_deaths" in info.outcomes else info.outcomes[0]
    note = ""
    if info.scenario_hash != scenario_hash(ws.scenario(state.get("scenario") or ws.start)):
        note = (
            f" The sweep ran on scenario '{info.scenario_id}' (hash {info.scenario_hash}), not "
            "exactly the scenario shown in the other views."
        )
    status = "complete" if info.complete else "UNFINISHED (resume it with grudging sweep --resume)"
    return {
        "summary": f"{ws.folders.label(store_key)}: a {info.method} design of {info.points:,} "
        f"points over {len(info.factors)} factors ({', '.join(info.factors[:6])}"
        f"{', …' if len(info.factors) > 6 else ''}), options {', '.join(info.options)}, "
        f"{info.replications} replications each — {info.runs:,} runs, {info.failed:,} failed, "
        f"{status}.{note}",
        "outcomes": info.outcomes,
        "options": info.options,
        "outcome": outcome,
        "option": option,
        "baseline": baseline,
    }


def _check_choices(**chosen: Any) -> None:
    """Refuse a store, outcome or option that is not a name from the page's lists (only a crafted
    request sends one)."""
    for what, value in chosen.items():
        if value is not None and not isinstance(value, str):
            raise GrudgingError(f"{what}: choose it from the list")


#: Where the Exploration tab says what failing means (its labels).
_WORSE_THAN_OPTION = "does worse than"
_WORSE_THAN_VALUE = "or, instead, worse than the value"


def _comparison_problem(option: str | None, baseline: str | None, threshold: Any) -> str:
    """What the Exploration tab's choices lack to say what failing means, in the page's words
    (the explore functions answer in the command line's options); "" when nothing."""
    if threshold is not None:
        return ""
    if not baseline:
        return (
            f"say what failing means: choose an option under '{_WORSE_THAN_OPTION}', or type "
            f"a value under '{_WORSE_THAN_VALUE}'"
        )
    if baseline == option:
        return (
            f"the option is compared with itself; choose another option under "
            f"'{_WORSE_THAN_OPTION}', or type a value under '{_WORSE_THAN_VALUE}'"
        )
    return ""


def exploration_view(
    ws: Workspace,
    store_key: str | None,
    outcome: str | None,
    option: str | None,
    baseline: str | None,
    worse_than: Any,
    step: int | None,
) -> dict[str, Any]:
    """Sensitivity bars and PRIM's peeling trajectory with the box at the chosen step."""
    from grudging.report.figures import prim_trajectory, sensitivity_bars
    from grudging.report.sweep import indices
    from grudging.web.exploration import check_store_path, prim_steps

    empty: dict[str, Any] = {
        "sensitivity": None,
        "sensitivity_note": "",
        "question": "",
        "trajectory": None,
        "steps": 0,
        "step": 0,
        "box": [],
        "box_note": "",
        "indices": None,
        "prim": None,
    }
    _check_choices(store=store_key, outcome=outcome, option=option, baseline=baseline)
    if not store_key or not outcome:
        return empty
    path = check_store_path(ws.store_path(store_key))
    stamp = path.stat().st_mtime
    out = dict(empty)
    threshold = None
    if worse_than is not None and str(worse_than).strip() != "":
        try:
            threshold = parse_number(worse_than)
        except ParameterError as err:
            raise ParameterError(f"threshold: {err}") from None
    problem = _comparison_problem(option, baseline, threshold)
    if baseline and baseline == option:  # the indices of the option's own outcome instead
        baseline = None
    try:
        table, method = ws.memo(
            ("indices", str(path), stamp, outcome, option, baseline),
            lambda: indices(path, outcome, option, baseline),
        )
        against = f" against {baseline}" if baseline else ""
        out["sensitivity"] = sensitivity_bars(
            table, f"{method}: {outcome.replace('_', ' ')} of {option}{against}"
        )
        out["indices"] = table
        out["sensitivity_note"] = (
            "Bars: how much of the variance of the outcome (per design point: the mean over "
            "replications) each assumption accounts for, with its interaction effects; whiskers: "
            "95 % bootstrap interval."
            if "Sobol" in method
            else "Bars: the mean absolute effect of moving each assumption across its range."
        )
    except GrudgingError as err:
        out["sensitivity_note"] = f"No sensitivity indices: {err}"
    if problem:
        out["question"] = f"No PRIM box: {problem}"
        return out
    if threshold is not None:
        baseline = None
    try:
        steps = ws.memo(
            ("prim", str(path), stamp, outcome, option, baseline, threshold),
            lambda: prim_steps(path, outcome, option, baseline, threshold),
        )
    except GrudgingError as err:
        out["question"] = f"No PRIM box: {err}"
        return out
    last = len(steps.trajectory) - 1
    chosen = steps.chosen if step is None else whole_number(step, "PRIM step", 0, last)
    row = steps.trajectory.iloc[chosen]
    out.update(
        {
            "question": f"Cases of interest: {steps.question} — at {steps.cases:,} of "
            f"{steps.points:,} design points. Step through the box PRIM peels around them; the "
            f"marked step ({steps.chosen}) is grudging.explore's default: the largest coverage x "
            "density among the steps with a density of at least 80 %.",
            "trajectory": prim_trajectory(steps.trajectory, chosen),
            "steps": len(steps.trajectory),
            "step": chosen,
            "box": frame_rows(steps.limits[chosen]),
            "box_note": f"Step {chosen}: coverage {row['coverage']:.0%} (share of all cases "
            f"inside the box), density {row['density']:.0%} (share of the box's points that are "
            f"cases), mass {row['mass']:.0%} of the points, {int(row['restricted'])} "
            "assumption(s) restricted.",
            "prim": steps,
        }
    )
    return out


def exploration_csv(
    ws: Workspace,
    store_key: str | None,
    outcome: str | None,
    option: str | None,
    baseline: str | None,
    worse_than: Any,
) -> Download:
    """The sensitivity indices, then the peeling trajectory, then the box limits at every step."""
    if not store_key:
        raise GrudgingError("no sweep store loaded: choose one first")
    view = exploration_view(ws, store_key, outcome, option, baseline, worse_than, None)
    buffer = io.StringIO()
    if view["indices"] is not None:
        view["indices"].to_csv(buffer, index=False)
        buffer.write("\n")
    if view["prim"] is not None:
        view["prim"].trajectory.to_csv(buffer, index=False)
        buffer.write("\n")
        import pandas as pd

        limits = pd.concat(
            [f.assign(step=i) for i, f in enumerate(view["prim"].limits)], ignore_index=True
        )
        limits.to_csv(buffer, index=False)
    return {
        "content": buffer.getvalue(),
        "filename": "exploration.csv",
        "type": "text/csv",
        "base64": False,
    }

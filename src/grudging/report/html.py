"""The report of a run: the answer, comparison, maps, coalition and price, bargain, evidence,
sensitivity, assumptions with sources and provenance — as one self-contained HTML file, and as PDF.

The HTML version embeds plotly.js once (never fetched from a CDN) and draws maps on a white
background from the scenario's own GeoJSON. The print version (for PDF) is the same page with
static matplotlib figures (:mod:`grudging.report.static`), rendered by weasyprint or, failing
that, by headless Chromium. Tables and sentences come from the
:class:`~grudging.results.results.Results`, the scenario and, when given, a sweep's sensitivity
table — the report holds no model logic.
"""

from __future__ import annotations

import html
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grudging.errors import GrudgingError
from grudging.report.numbers import chance, chance_cell

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from grudging.evidence.scoreboard import Scoreboard
    from grudging.explore.what_it_takes import WhatItTakes
    from grudging.model.bargain import BargainResult
    from grudging.results.results import Results
    from grudging.scenario.schema import Scenario

#: Outcomes with an interval chart in the comparison section.
INTERVAL_OUTCOMES = ("civilian_deaths", "troop_deaths", "cost_patron", "displaced")
#: Browsers tried, in order, for a PDF when weasyprint is not available.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@dataclass(frozen=True)
class Sensitivity:
    """What the report shows of a sweep: indices per parameter and, optionally, PRIM boxes.

    ``indices`` has columns ``parameter, outcome, index`` (and ``low, high`` when the method gives
    intervals); ``boxes`` has ``parameter, low, high`` of the chosen PRIM box.
    """

    indices: pd.DataFrame | None
    method: str
    source: str
    boxes: pd.DataFrame | None = None
    box_note: str = ""
    #: What a reader of the indices should know: the ones within their sampling error.
    caveat: str = ""


def executive_summary(results: Results, baseline: str | None = None) -> list[str]:
    """Plain sentences: which option does better, by how much, with what uncertainty."""
    from grudging.report.narrative import executive_summary as sentences

    return sentences(results, baseline)


def runs_that_ran(results: Results) -> Results:
    """The results of the options that ran; the others' errors go to ``metadata['failed']``.

    Every view compares options, so an option that failed (say, a coalition nobody can serve)
    is reported once and left out; when none ran, the first error is the message.
    """
    status = results.status
    bad = status[status["status"] != "ok"].drop_duplicates("option")
    if bad.empty:
        return results
    if len(bad) == status["option"].nunique():
        first = bad.iloc[0]
        raise GrudgingError(
            f"no option of this scenario could run; {first['option']}: {first['error']}"
        )
    ok = set(status.loc[status["status"] == "ok", "option"])
    results.metadata["failed"] = dict(zip(bad["option"], bad["error"], strict=True))
    from grudging.results.results import Results as _Results

    return _Results(
        experiments=results.experiments[results.experiments["option"].isin(ok)].reset_index(
            drop=True
        ),
        outcomes=results.outcomes,
        status=status[status["option"].isin(ok)].reset_index(drop=True),
        metadata=results.metadata,
        region_months=results.region_months,
        plans=results.plans,
    )


def evidence_section(board: Scoreboard) -> dict[str, Any]:
    """The scoreboard as rows grouped for the report (no model logic: it renders results)."""
    from grudging.evidence.scoreboard import GROUP_TITLES

    css = {
        "PASS": "pass",
        "FAIL": "fail",
        "ERROR": "fail",
        "XFAIL(unverified)": "unverified",
        "XPASS(unverified)": "unverified",
        "NOT EXPRESSIBLE": "not-expressible",
    }
    sources = {r.check.id: r.check.source for r in board.results}
    groups = []
    for key, title in GROUP_TITLES.items():
        rows = [
            {**row, "css": css.get(row["status"], ""), "source": sources[row["id"]]}
            for row in board.rows()
            if row["group"] == key
        ]
        if rows:
            groups.append({"title": title, "rows": rows})
    return {
        "summary": board.summary(),
        "seed": board.seed,
        "quick": board.quick,
        "overrides": list(board.overrides),
        "groups": groups,
    }


def scenario_names(scn: Scenario) -> dict[str, str]:
    """Readable names of the scenario's factions (short form, before any parenthesis), offers,
    caveats, regions and rules of engagement, by id: what a table shows instead of an id."""
    out: dict[str, str] = {}
    for lv in scn.roe_levels:
        out[lv.id] = lv.name
    for o in scn.offers:
        out[o.id] = o.name
    for r in scn.regions:
        out[r.id] = r.name
    for f in scn.factions:
        out[f.id] = f.name.split(" (")[0]
    for force in scn.forces:
        out[force.id] = force.name.split(" (")[0]
    return out


def ids_in_words(text: str, names: dict[str, str]) -> str:
    """``text`` with every snake_case identifier the scenario names replaced by its name."""
    import re

    return re.sub(
        r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", lambda m: names.get(m.group(0), m.group(0)), text
    )


def in_words(text: Any, names: dict[str, str]) -> Any:
    """``text`` with each id of a packed list (``a;b`` or ``a, b``) replaced by its name."""
    if not isinstance(text, str) or not text:
        return text
    sep = ";" if ";" in text else ", " if ", " in text else None
    parts = text.split(sep) if sep else [text]
    return "; ".join(names.get(p.strip(), p.strip()) for p in parts)


def what_section(answer: WhatItTakes, scn: Scenario) -> dict[str, Any]:
    """The "What would it take?" section: the answer's sentences and its tables in words."""
    import pandas as pd

    from grudging.report.what import what_view

    view = what_view(answer, scn)
    tables = {
        key: _table(pd.DataFrame(view[key]), labels=False) if view[key] else ""
        for key in ("levers", "pairs", "parameters")
    }
    return {**view, **tables}


# Figures ---------------------------------------------------------------------------------------
class _Figures:
    """Turns figures into page fragments: plotly HTML (plotly.js once) or static SVG."""

    def __init__(self, static: bool) -> None:
        self.static = static
        self.first = True
        self.count = 0

    def plotly(self, fig: go.Figure | None, missing: str = "(no figure)") -> str:
        if fig is None:
            return f"<p><em>{html.escape(missing)}</em></p>"
        include = self.first
        self.first = False
        self.count += 1
        return str(
            fig.to_html(
                full_html=False,
                include_plotlyjs=include,
                config={"displaylogo": False},
                div_id=f"figure-{self.count}",  # not plotly's random ids: the same run, the same file
            )
        )

    @staticmethod
    def svg(text: str | None, missing: str = "(no figure)") -> str:
        if text is None:
            return f"<p><em>{html.escape(missing)}</em></p>"
        return f'<div class="figure">{text}</div>'


def _cell(x: Any, digits: str | None) -> str:
    """A table cell: numbers with thousands separators (never scientific), lists joined; a
    number that is none (NaN, or the coverage of a region that requires nothing) is "–"."""
    import math
    import numbers as _n

    if x is None or (isinstance(x, _n.Real) and not isinstance(x, bool) and not math.isfinite(x)):
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, _n.Integral):
        return f"{int(x):,}"
    if isinstance(x, _n.Real):
        v = float(x)
        if digits:
            return format(v, digits)
        if abs(v) >= 100 or v == int(v):
            return f"{v:,.0f}"
        return f"{v:,.2f}"
    if isinstance(x, list | tuple | set | frozenset):
        return ", ".join(str(i).replace("_", " ") for i in x) or "none"
    text = str(x)
    if ";" in text and " " not in text:  # a packed list (holdouts): words that can wrap
        return ", ".join(i.replace("_", " ") for i in text.split(";") if i) or "none"
    return text


#: Column labels that words() would not get right.
_COLUMN_LABELS = {
    "p_sign": "P(signs)",
    "p_deal": "P(deal forms)",
    "p_holds_given_deal": "P(holds | deal)",
    "p_deal_holds": "P(deal holds)",
    "p_deal_compromise_offer": "P(deal), compromise offer",
    "cost_musd": "cost, US$ million",
    "cost_musd_per_year": "US$ million a year",
    "roe": "ROE",
}


def _label(column: Any) -> str:
    from grudging.report.numbers import words

    text = str(column)
    return _COLUMN_LABELS.get(text, words(text))


def _table(
    frame: pd.DataFrame,
    digits: str | None = None,
    index: bool = False,
    labels: bool = True,
    raw: frozenset[str] = frozenset(),
) -> str:
    """An HTML table of ``frame``: one header row (column labels in words when ``labels``), the
    index as the first column when ``index``; numbers with thousands separators, never in
    scientific notation (``digits`` formats every float when given). Columns named in ``raw``
    hold HTML that is not escaped."""
    columns = list(frame.columns)
    head = ([_label(frame.index.name) if frame.index.name and labels else ""] if index else []) + [
        _label(c) if labels else str(c) for c in columns
    ]
    out = ['<table class="data"><thead><tr>']
    out += [f"<th>{html.escape(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for key, row in frame.iterrows():
        out.append("<tr>")
        if index:
            out.append(f"<th>{html.escape(str(key))}</th>")
        for c in columns:
            text = _cell(row[c], digits)
            out.append(f"<td>{text if c in raw else html.escape(text)}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def guarantor_comparison(results: Results, scn: Scenario) -> BargainResult | None:
    """The bargain under every kind of guarantor, at the run's values and seed."""
    if not scn.factions:
        return None
    from grudging.kernel import run_values
    from grudging.model.bargain import BargainParams, bargain, default_guarantor
    from grudging.model.parameters import stage_parameters
    from grudging.rng import stream
    from grudging.scenario.commands import commands_of, guarantor_ids

    values = run_values(scn, results.metadata.get("values"))
    params = stage_parameters(BargainParams, values, "bargain")
    aid = next((o.bargain.aid_musd_per_year for o in scn.options if o.bargain is not None), None)
    seed = int(results.metadata.get("seed", 0))
    return bargain(
        scn,
        [default_guarantor(k, params, commands_of(scn)) for k in guarantor_ids(commands_of(scn))],
        aid,
        params,
        stream(seed, "bargain"),
        n=500,
    )


def _sections(
    results: Results,
    scn: Scenario,
    static: bool,
    sensitivity: Sensitivity | None,
    guarantors: BargainResult | None,
    baseline: str | None = None,
) -> dict[str, Any]:
    import textwrap

    import pandas as pd

    from grudging.report import figures
    from grudging.report import static as still
    from grudging.report.numbers import money as fmt_money
    from grudging.report.numbers import nouns, outcome_label, parameter_label
    from grudging.scenario.summary import summary as scenario_summary

    figs = _Figures(static)
    s: dict[str, Any] = {}
    baseline = baseline if baseline in results.options else results.options[0]
    names = results.option_names()
    ids = scenario_names(scn)  # factions, offers, regions, rules of engagement in words
    wrapped = {o: "<br>".join(textwrap.wrap(n, 24)) for o, n in names.items()}

    # Comparison.
    s["fan"] = (
        figs.svg(still.fan_chart(results))
        if static
        else figs.plotly(figures.fan_chart(results, start=scn.start, names=names))
    )
    present = set(results.summary()["outcome"])  # no patron: no cost to the patron
    s["intervals"] = [
        figs.svg(still.outcome_intervals(results, name))
        if static
        else figs.plotly(figures.outcome_intervals(results, name, wrapped))
        for name in INTERVAL_OUTCOMES
        if name in present
    ]
    s["summary_table"] = _summary_table(results)
    s["glossary"] = _glossary(results)
    s["diff_table"] = None
    s["difference"] = None
    if len(results.options) > 1:
        diff = results.compare(baseline)
        runs = int(results.metadata.get("replications", 1))
        s["diff_table"] = _difference_table(diff, runs, names)
        labels = names if static else wrapped  # matplotlib wraps its own labels
        named = diff.assign(
            option=[labels[o] for o in diff["option"]],
            baseline=[names[o] for o in diff["baseline"]],
        )
        s["difference"] = (
            figs.svg(still.difference_chart(named, "civilian_deaths"))
            if static
            else figs.plotly(figures.difference_chart(named, "civilian_deaths", "deaths"))
        )
    s["baseline"] = names[baseline]
    s["baseline_id"] = baseline

    # Maps.
    from grudging.report import svgmap
    from grudging.report.figures import load_geojson

    geojson = load_geojson(scn)
    maps = []
    if not results.region_months.empty:
        totals = results.region_months.groupby(["option", "region"])["median"].sum()
        zmax = float(totals.max()) if len(totals) else None
        for option in results.options:
            if option not in totals.index.get_level_values(0):
                continue
            values = totals.loc[option]
            title = f"{names[option]}: civilian deaths (sum of monthly medians)"
            # Plain SVG in every version: a browser refuses the interactive map's WebGL worker
            # when the file is opened from disk, and the map must draw wherever it is read.
            maps.append(
                figs.svg(
                    svgmap.choropleth(scn, geojson, values.to_dict(), title, "deaths", zmax=zmax),
                    "no map: the scenario has no GeoJSON",
                )
            )
    s["maps"] = maps

    # Coalition and price; sectors.
    coalitions: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for option, plan in results.plans.items():
        conference = getattr(plan, "conference", None)
        if conference is None:
            continue
        same = seen.get(conference.plan.model_dump_json())
        if same is not None:
            coalitions.append({"option": names.get(option, option), "same_as": same})
            continue
        seen[conference.plan.model_dump_json()] = names.get(option, option)
        co, req, sectors = conference.coalition, conference.requirement, conference.sectors
        frame = co.to_frame()
        for column in ("offers", "caveats"):
            if column in frame:
                frame[column] = [in_words(v, ids) for v in frame[column]]
        keep = [
            c
            for c in (
                "nation",
                "name",
                "troops",
                "effective_strength",
                "offers",
                "caveats",
                "arrival_month",
                "cost_musd",
                "cost_musd_per_year",
                "lead",
            )
            if c in frame.columns
        ]
        out = pd.DataFrame(
            [{"nation": c.nation, "status": c.status, "why": c.reason} for c in co.candidates]
        )
        out = out[out["status"] != "in"]
        leads = {r.region: r.lead for r in sectors.regions}
        title = f"{names.get(option, option)}: sectors by lead nation"
        # the price beside the patron's own troops (a theatre without a patron has none)
        yardstick = (
            "; the same number of the patron's troops would cost about "
            f"{fmt_money(co.us_equivalent_cost_musd)} a year"
            if scn.patron is not None
            else ""
        )
        coalitions.append(
            {
                "option": names.get(option, option),
                "same_as": None,
                "sentence": (
                    f"{co.command.upper()} command, rules of engagement: "
                    f"{ids.get(co.roe_level, co.roe_level).lower()}; {co.total_troops:,} troops "
                    f"from {nouns(len(co.contingents), 'nation')}, "
                    f"{co.total_effective:,.0f} effective — "
                    f"{co.coverage:.1%} of the requirement (gap {co.gap:,.0f}). Price: "
                    f"{fmt_money(co.total_cost_musd)} the first year, "
                    f"{fmt_money(co.cost_musd_per_year)} a year after{yardstick}. "
                    "Offers made to all: "
                    f"{', '.join(ids.get(o, o) for o in co.global_offers) or 'none'}."
                ),
                "gap": figs.svg(
                    still.coalition_gap_chart(
                        req.total, co.total_effective, co.total_troops, req.proposal_force
                    )
                )
                if static
                else figs.plotly(
                    figures.coalition_gap_chart(
                        req.total, co.total_effective, co.total_troops, req.proposal_force
                    )
                ),
                "table": _table(frame[keep]),
                "left_out": _table(out) if len(out) else "",
                "sectors": _table(
                    sectors.to_frame().replace({"region": {r.id: r.name for r in scn.regions}})
                ),
                "sector_map": figs.svg(svgmap.categories(scn, geojson, leads, title), "no map"),
            }
        )
    s["coalitions"] = coalitions

    # Bargain.
    bargains = []
    for option, plan in results.plans.items():
        if getattr(plan, "bargain", None) is None or plan.settlement is None:
            continue
        st = plan.settlement
        rows = [
            {"faction": ids.get(f, f), "p_sign": st.p_sign[f], "surplus": st.surplus.get(f)}
            for f in st.p_sign
        ]
        summary = dict(plan.summary().get("bargain", {}))
        summary["holdouts"] = [ids.get(h, h) for h in summary.get("holdouts") or ()]
        bargains.append((names.get(option, option), summary, _table(pd.DataFrame(rows), ",.2f")))
    s["bargains"] = bargains
    s["guarantors"] = None
    if guarantors is not None:
        frame = guarantors.guarantors_frame().drop(columns=["spoilers"])
        for column in PROBABILITY_COLUMNS & set(frame.columns):  # never 0.00 for 0.004
            frame[column] = frame[column].map(chance_cell)
        if "holdouts" in frame:
            frame["holdouts"] = [in_words(h, ids) for h in frame["holdouts"]]
        s["guarantors"] = _table(frame, ",.2f")
        factions = {f.id: f.name for f in scn.factions}
        s["signing"] = (
            figs.svg(still.signing_heatmap(guarantors, factions))
            if static
            else figs.plotly(figures.signing_heatmap(guarantors, factions))
        )
        s["spoilers"] = ", ".join(factions.get(f, f) for f in guarantors.spoilers) or "none"

    # Sensitivity.
    s["sensitivity"] = None
    if sensitivity is not None:
        blocks = []
        frame = sensitivity.indices
        outcomes = [] if frame is None else list(dict.fromkeys(frame["outcome"]))
        for outcome in outcomes:
            assert frame is not None
            part = frame[frame["outcome"] == outcome]
            part = part.assign(parameter=[parameter_label(p) for p in part["parameter"]])
            title = f"{sensitivity.method}: {outcome_label(outcome)}"
            blocks.append(
                figs.svg(still.sensitivity_bars(part, title))
                if static
                else figs.plotly(figures.sensitivity_bars(part, title))
            )
        s["sensitivity"] = {
            "figures": blocks,
            "source": sensitivity.source,
            "method": sensitivity.method,
            "boxes": _table(
                sensitivity.boxes.assign(
                    parameter=[parameter_label(p) for p in sensitivity.boxes["parameter"]]
                )
                if "parameter" in sensitivity.boxes
                else sensitivity.boxes
            )
            if sensitivity.boxes is not None
            else "",
            "box_note": sensitivity.box_note,
            "caveat": sensitivity.caveat,
        }

    # Assumptions, options, sources.
    scen = scenario_summary(scn)
    values = results.metadata.get("values") or {}
    fixed = {a.partition("=")[0].strip() for a in results.metadata.get("overrides") or []}
    for p in scen["parameters"]:
        p["used"] = values.get(p["name"], p["value"])
        p["overridden"] = p["name"] in values or p["name"] in fixed
    s["parameters"] = scen["parameters"]
    s["notes"] = scen["notes"]
    s["options"] = [
        {
            **o,
            "name": names.get(o["id"], o.get("name") or o["id"]),
            "decisions": ids_in_words(str(o.get("decisions", "")), ids),
        }
        for o in scen["options"]
    ]
    s["sources"] = scen["sources"]
    s["plans"] = results.metadata.get("plans", {})
    return s


def _summary_table(results: Results) -> str:
    """Outcomes (rows, in words) by options (columns, by name): median [90 % interval]; shares of
    runs in percent."""
    import pandas as pd

    from grudging.model.outcomes import OUTCOMES
    from grudging.report import numbers as fmt

    table = results.summary()
    names = results.option_names()
    rows = []
    present = set(table["outcome"])
    for outcome in [o for o in OUTCOMES if o in present]:  # the registry's order
        part = {str(r["option"]): r for r in table[table["outcome"] == outcome].to_dict("records")}
        unit = OUTCOMES[outcome].unit
        row = {"Outcome": fmt.outcome_label(outcome), "Unit": fmt.outcome_unit_label(outcome)}
        for option in results.options:
            if option not in part:
                row[names[option]] = "–"
                continue
            x = part[option]
            mean, median, low, high = (float(x[k]) for k in ("mean", "median", "low", "high"))
            row[names[option]] = (
                fmt.percent(mean)
                if unit == "probability"
                else fmt.interval(median, low, high, unit, bare=True)
            )
        rows.append(row)
    return _table(pd.DataFrame(rows), labels=False)


def _glossary(results: Results) -> list[tuple[str, str]]:
    """What each outcome in the table means (its declaration), in the table's order."""
    from grudging.model.outcomes import OUTCOMES, describe
    from grudging.report import numbers as fmt

    present = set(results.summary()["outcome"])
    patron = results.has_patron  # the words of a theatre without one speak of none
    return [(fmt.outcome_label(o), describe(o, patron)) for o in OUTCOMES if o in present]


def _difference_table(diff: pd.DataFrame, runs: int, names: dict[str, str]) -> str:
    """Outcomes by option: the paired difference in words, the share of runs better, and the
    verdict (:func:`~grudging.report.narrative.difference_verdict`)."""
    import pandas as pd

    from grudging.model.outcomes import OUTCOMES
    from grudging.report import numbers as fmt
    from grudging.report.narrative import difference_verdict, difference_words

    options = list(dict.fromkeys(diff["option"]))
    rows = []
    present = set(diff["outcome"])
    for outcome in [o for o in OUTCOMES if o in present]:
        row = {"Outcome": fmt.outcome_label(outcome)}
        for _, r in diff[diff["outcome"] == outcome].iterrows():
            word = difference_verdict(
                outcome, float(r["share_better"]), float(r["share_worse"]), runs
            )
            row[names.get(r["option"], r["option"])] = f"<b>{html.escape(word)}</b>: " + (
                html.escape(difference_words(r, outcome))
            )
        rows.append(row)
    columns = ["Outcome", *(names.get(o, o) for o in options)]
    frame = pd.DataFrame(rows).reindex(columns=columns)
    return _table(frame, labels=False, raw=frozenset(columns[1:]))


def _provenance(results: Results, sensitivity: Sensitivity | None) -> list[tuple[str, str]]:
    import numpy
    import pandas
    import plotly

    meta = results.metadata
    window = meta.get("data_window") or {}
    rows = [
        ("package", f"grudging {meta.get('version')}"),
        ("scenario", f"{meta.get('scenario')} (hash {meta.get('scenario_hash')})"),
        ("seed", str(meta.get("seed"))),
        ("replications", f"{meta.get('replications')} per option"),
        (
            "parameter uncertainty",
            "the dynamics and bargaining parameters drawn from their declared ranges; the "
            "other stages at their nominal values"
            if meta.get("uncertainty")
            else "off",
        ),
        ("information date", str(meta.get("information_date"))),
        ("data window", f"{window.get('first')} – {window.get('last')}"),
        (
            "overrides",
            ", ".join(
                [
                    *(meta.get("overrides") or []),
                    *(f"{k}={v}" for k, v in (meta.get("values") or {}).items()),
                ]
            )
            or "none",
        ),
        ("run created", str(meta.get("created"))),
        ("run time", f"{meta.get('seconds')} s"),
        ("report written", datetime.now(UTC).isoformat(timespec="seconds")),
        (
            "software",
            f"Python {platform.python_version()}, numpy {numpy.__version__}, pandas "
            f"{pandas.__version__}, plotly {plotly.__version__}",
        ),
    ]
    if sensitivity is not None:
        rows.append(("sweep store", sensitivity.source))
    return rows


def render_report(
    results: Results,
    scn: Scenario,
    static: bool = False,
    sensitivity: Sensitivity | None = None,
    guarantors: BargainResult | None = None,
    evidence: Scoreboard | None = None,
    baseline: str | None = None,
    what: WhatItTakes | None = None,
    notes: Sequence[str] = (),
) -> str:
    """The report as HTML text: interactive (plotly) or static (SVG, for print).

    ``notes`` are sentences the face adds at the end of the executive summary (a case file's
    scored forecast and its record).

    With ``evidence`` (a :class:`~grudging.evidence.scoreboard.Scoreboard`), the report gains a
    section with every check: target, the model's figure, tolerance and verdict. With ``what``
    (an answer of :func:`grudging.explore.what_it_takes.what_it_takes`), a section "What would it
    take?" and its answer in the executive summary.
    """
    import jinja2

    from grudging.evidence.track_record import track_record
    from grudging.report.narrative import executive_summary as sentences

    results = runs_that_ran(results)
    record = track_record(results, scn)
    names = results.option_names()
    failed = [
        f"{names.get(option, option)} could not run: {error}"
        for option, error in results.metadata.get("failed", {}).items()
    ]
    drivers = sensitivity.indices if sensitivity is not None else None
    method = sensitivity.method if sensitivity is not None else ""
    sections = _sections(results, scn, static, sensitivity, guarantors, baseline)
    sections["evidence"] = evidence_section(evidence) if evidence is not None else None
    sections["what"] = what_section(what, scn) if what is not None else None
    template_text = (
        resources.files("grudging.report")
        .joinpath("templates/report.html.j2")
        .read_text(encoding="utf-8")
    )
    env = jinja2.Environment(
        autoescape=jinja2.select_autoescape(default=True), undefined=jinja2.StrictUndefined
    )
    env.filters["p2"] = _two_decimals
    env.filters["chance"] = _chance
    env.filters["num"] = _plain
    return env.from_string(template_text).render(
        meta=results.metadata,
        scenario=scn,
        s=sections,
        summary_lines=sentences(results, sections["baseline_id"], drivers, method)
        + ([record.sentence()] if record else [])
        + (
            [f"Scenario discovery (sweep): {sensitivity.box_note}"]
            if sensitivity and sensitivity.box_note
            else []
        )
        + ([f"What would it take: {sections['what']['headline']}"] if sections["what"] else [])
        + failed
        + list(notes),
        provenance=_provenance(results, sensitivity),
        static=static,
    )


def _plain(value: Any) -> str:
    """A parameter value for the page: four significant figures, never scientific notation."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number != number:
        return "–"
    if abs(number) >= 10_000:
        return f"{number:,.0f}"
    text = f"{number:.4g}"
    if "e" in text:  # a small number: decimals up to its fourth significant figure
        text = f"{number:.10f}".rstrip("0").rstrip(".")
    return text


#: The columns of the guarantor table that hold probabilities.
PROBABILITY_COLUMNS = frozenset(
    {
        "implementation_probability",
        "p_deal",
        "p_holds_given_deal",
        "p_deal_holds",
        "p_deal_compromise_offer",
    }
)


def _chance(value: Any) -> str:
    """A probability in a sentence (:func:`~grudging.report.numbers.chance`), a dash when
    undefined."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if number != number else chance(number)


def _two_decimals(value: Any) -> str:
    """A probability or ratio for the page: two decimals, a dash when undefined."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if number != number else f"{number:.2f}"


def write_report(
    results: Results,
    scn: Scenario,
    path: str | Path,
    sensitivity: Sensitivity | None = None,
    guarantors: BargainResult | None = None,
    evidence: Scoreboard | None = None,
    baseline: str | None = None,
    what: WhatItTakes | None = None,
    notes: Sequence[str] = (),
) -> Path:
    """Write the interactive HTML report to ``path`` and return its absolute path."""
    out = Path(path)
    if guarantors is None:
        guarantors = guarantor_comparison(results, scn)
    page = render_report(
        results, scn, False, sensitivity, guarantors, evidence, baseline, what, notes
    )
    out.write_text(page, encoding="utf-8")
    return out.resolve()


def find_chromium() -> str | None:
    """A Chromium (or Chrome) binary on this machine, if any."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def pdf_renderer() -> str | None:
    """'weasyprint' when it can run here, else 'chromium' when a browser is found, else None."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return "chromium" if find_chromium() else None
    return "weasyprint"


def write_pdf(
    results: Results,
    scn: Scenario,
    path: str | Path,
    sensitivity: Sensitivity | None = None,
    guarantors: BargainResult | None = None,
    renderer: str | None = None,
    evidence: Scoreboard | None = None,
    baseline: str | None = None,
    what: WhatItTakes | None = None,
    notes: Sequence[str] = (),
) -> tuple[Path, str]:
    """Write the print version of the report as PDF; return the path and the renderer used."""
    use = renderer or pdf_renderer()
    if use is None:
        raise GrudgingError(
            "no PDF renderer here: install weasyprint (pip install 'grudging[pdf]', with the "
            "Pango libraries) or Chromium, or open the HTML report and print it"
        )
    if guarantors is None:
        guarantors = guarantor_comparison(results, scn)
    page = render_report(
        results, scn, True, sensitivity, guarantors, evidence, baseline, what, notes
    )
    out = Path(path)
    if use == "weasyprint":
        import weasyprint

        weasyprint.HTML(string=page).write_pdf(str(out))
    elif use == "chromium":
        _chromium_pdf(page, out)
    else:
        raise GrudgingError(f"unknown PDF renderer '{use}'; use weasyprint or chromium")
    return out.resolve(), use


def _chromium_pdf(page: str, out: Path) -> None:
    browser = find_chromium()
    if browser is None:
        raise GrudgingError("Chromium was not found; install it or weasyprint for PDF reports")
    with tempfile.TemporaryDirectory(prefix="grudging-pdf-") as tmp:
        source = Path(tmp) / "report.html"
        source.write_text(page, encoding="utf-8")
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out.resolve()}",
            source.as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0 or not out.is_file():
            raise GrudgingError(
                f"Chromium could not print the report (exit {done.returncode}): "
                f"{done.stderr.strip()[-300:]}"
            )

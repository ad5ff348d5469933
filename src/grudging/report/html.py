"""The HTML report of a run: summary, comparison, fan charts, map, coalition, bargain, evidence,
assumptions.

One self-contained file: plotly.js is embedded once (never fetched from a CDN), maps draw on a
white background from the scenario's own GeoJSON, and every table is rendered from the
:class:`~grudging.results.results.Results` and the scenario — the report holds no model logic.
"""

from __future__ import annotations

import html
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from grudging.evidence.scoreboard import Scoreboard
    from grudging.results.results import Results
    from grudging.scenario.schema import Scenario


def _figure_html(fig: go.Figure | None, first: list[bool]) -> str:
    if fig is None:
        return "<p><em>(no map: the scenario has no GeoJSON)</em></p>"
    include = first[0]
    first[0] = False
    return str(
        fig.to_html(full_html=False, include_plotlyjs=include, config={"displaylogo": False})
    )


def executive_summary(results: Results) -> list[str]:
    """Plain sentences: which option leads to fewer deaths, with what uncertainty."""
    from grudging.model.outcomes import OUTCOMES

    summary = results.summary()
    deaths = summary[summary["outcome"] == "civilian_deaths"].sort_values("median")
    if deaths.empty:
        return ["No option ran successfully."]
    best = deaths.iloc[0]
    lines = [
        f"Lowest median civilian deaths over the horizon: <b>{html.escape(best['option'])}</b> "
        f"({best['median']:,.0f}; 90 % interval {best['low']:,.0f}–{best['high']:,.0f})."
    ]
    baseline = results.options[0]
    if len(results.options) > 1:
        diff = results.compare(baseline)
        d = diff[diff["outcome"] == "civilian_deaths"]
        for _, row in d.iterrows():
            lines.append(
                f"{html.escape(row['option'])} against {html.escape(baseline)}: median difference "
                f"{row['median_difference']:+,.0f} deaths (90 % interval {row['low']:+,.0f} to "
                f"{row['high']:+,.0f}); fewer deaths in {row['share_better']:.0%} of paired replications."
            )
    war = summary[summary["outcome"] == "civil_war"]
    if not war.empty:
        parts = ", ".join(f"{html.escape(r['option'])} {r['mean']:.0%}" for _, r in war.iterrows())
        lines.append(f"Probability of all-out civil war within the horizon: {parts}.")
    del OUTCOMES
    return lines


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


def write_report(
    results: Results, scn: Scenario, path: str | Path, evidence: Scoreboard | None = None
) -> Path:
    """Write the report to ``path`` and return it.

    With ``evidence`` (a :class:`~grudging.evidence.scoreboard.Scoreboard`), the report gains a
    section with every check: target, the model's figure, tolerance and verdict.
    """
    import jinja2
    import pandas as pd

    from grudging.report.figures import fan_chart, outcome_intervals, region_map
    from grudging.scenario.summary import summary as scenario_summary

    out = Path(path)
    first = [True]
    sections: dict[str, Any] = {}
    sections["fan"] = _figure_html(fan_chart(results, start=scn.start), first)
    sections["intervals"] = [
        _figure_html(outcome_intervals(results, name), first)
        for name in ("civilian_deaths", "troop_deaths", "cost_patron", "displaced")
    ]
    maps = []
    if not results.region_months.empty:
        totals = results.region_months.groupby(["option", "region"])["median"].sum()
        zmax = float(totals.max()) if len(totals) else None
        for option in results.options:
            if option in totals.index.get_level_values(0):
                values = totals.loc[option]
                fig = region_map(
                    scn,
                    values,
                    f"{option}: median civilian deaths over the horizon",
                    "deaths",
                    zmax=zmax,
                )
                maps.append(_figure_html(fig, first))
    sections["maps"] = maps
    table = results.summary()
    table["interval"] = [
        f"{lo:,.3g} – {hi:,.3g}" for lo, hi in zip(table["low"], table["high"], strict=True)
    ]
    sections["summary_table"] = (
        table.pivot(index="outcome", columns="option", values="median")
        .reindex(columns=results.options)
        .to_html(float_format=lambda x: f"{x:,.3g}", classes="data")
    )
    if len(results.options) > 1:
        diff = results.compare(results.options[0])
        sections["diff_table"] = diff.to_html(
            index=False, float_format=lambda x: f"{x:,.3g}", classes="data"
        )
    plans = results.plans
    coalition_tables, bargain_tables = [], []
    for option, plan in plans.items():
        if getattr(plan, "conference", None) is not None:
            frame = plan.conference.coalition.to_frame()
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
                    "cost_musd_per_year",
                    "lead",
                )
                if c in frame.columns
            ]
            coalition_tables.append(
                (
                    option,
                    frame[keep].to_html(
                        index=False, classes="data", float_format=lambda x: f"{x:,.3g}"
                    ),
                )
            )
        if getattr(plan, "bargain", None) is not None and plan.settlement is not None:
            s = plan.settlement
            rows = [
                {"faction": f, "p_sign": s.p_sign[f], "surplus": s.surplus.get(f)} for f in s.p_sign
            ]
            bargain_tables.append(
                (
                    option,
                    plan.summary().get("bargain", {}),
                    pd.DataFrame(rows).to_html(
                        index=False, classes="data", float_format=lambda x: f"{x:,.2f}"
                    ),
                )
            )
    sections["coalitions"] = coalition_tables
    sections["bargains"] = bargain_tables
    sections["plans"] = results.metadata.get("plans", {})
    scen = scenario_summary(scn)
    sections["parameters"] = scen["parameters"]
    sections["options"] = scen["options"]
    sections["sources"] = scen["sources"]
    sections["evidence"] = evidence_section(evidence) if evidence is not None else None
    template_text = (
        resources.files("grudging.report")
        .joinpath("templates/report.html.j2")
        .read_text(encoding="utf-8")
    )
    env = jinja2.Environment(
        autoescape=jinja2.select_autoescape(default=True), undefined=jinja2.StrictUndefined
    )
    page = env.from_string(template_text).render(
        meta=results.metadata, scenario=scn, s=sections, summary_lines=executive_summary(results)
    )
    out.write_text(page, encoding="utf-8")
    return out.resolve()

"""The dashboard's "What would it take?" tab: the search of
:func:`grudging.explore.what_it_takes.what_it_takes` started in the background, its progress, and
its answer laid out as the report lays it out (:mod:`grudging.report.what`).

Plain functions of the workspace and the user's state, called by the callbacks in
:mod:`grudging.web.app`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from grudging.errors import GrudgingError
from grudging.report.numbers import outcome_label

if TYPE_CHECKING:
    from grudging.scenario.schema import Scenario
    from grudging.web.jobs import Job
    from grudging.web.workspace import UserState, Workspace

#: Most evaluations of one search in the dashboard (the CLI's default is 200).
EVALUATIONS = 80
#: Shares of paired runs the option must win, offered as targets.
CONFIDENCES = (0.5, 0.67, 0.8, 0.9)
#: The outcomes offered (the comparison's main ones; those the theatre reports).
OUTCOMES = ("civilian_deaths", "troop_deaths", "cost_patron", "civil_war", "displaced")


def settings(ws: Workspace) -> dict[str, int]:
    """Replications and evaluations of a dashboard search: the dashboard's replications per
    evaluation, five times as many (100 to 1,000) for reading the assumptions, 80 evaluations."""
    return {
        "replications": ws.replications,
        "parameter_replications": min(1000, max(100, 5 * ws.replications)),
        "max_evaluations": EVALUATIONS,
    }


def choices(ws: Workspace, state: UserState) -> dict[str, Any]:
    """The options, outcomes and targets the tab offers, with the defaults chosen (the proposal
    against the US staying, when the scenario has them)."""
    from grudging.explore.what_it_takes import DEFAULT_BASELINE, DEFAULT_OPTION
    from grudging.model.outcomes import theatre_outcomes

    scn = ws.edited(state)
    outcomes = [o for o in OUTCOMES if o in theatre_outcomes(scn)]  # no patron: no cost to it
    ids = [o.id for o in scn.options]
    options = [{"label": o.name, "value": o.id} for o in scn.options]
    option = DEFAULT_OPTION if DEFAULT_OPTION in ids else ids[-1]
    baseline = (
        DEFAULT_BASELINE if DEFAULT_BASELINE in ids and option != DEFAULT_BASELINE else ids[0]
    )
    if baseline == option and len(ids) > 1:
        baseline = ids[1]
    return {
        "options": options,
        "option": option,
        "baseline": baseline,
        "outcomes": [{"label": outcome_label(o), "value": o} for o in outcomes],
        "outcome": outcomes[0],
        "confidences": [
            {"label": f"{100 * c:.0f} % of paired runs", "value": c} for c in CONFIDENCES
        ],
        "confidence": CONFIDENCES[0],
    }


def lever_choices(ws: Workspace, state: UserState, option: str | None) -> list[dict[str, str]]:
    """The levers that reach ``option``, named in words."""
    from grudging.explore.what_it_takes import lever_specs
    from grudging.report.what import lever_label

    scn = ws.edited(state)
    if option not in [o.id for o in scn.options]:
        return []
    return [
        {"label": lever_label(s.name), "value": s.name}
        for s in lever_specs(scn, scn.option(str(option)))
    ]


def search_scenario(ws: Workspace, state: UserState) -> tuple[Scenario, dict[str, float]]:
    """The scenario the search runs on, and the values it fixes: the state's scenario with the
    user's coalition plans in its options and each value changed on the Assumptions tab fixed at
    that value (``low = high = value``, as ``--set name=value`` fixes it for the command line), so
    that the search answers under the assumptions the page shows."""
    from grudging.web.controls import check_values

    return ws.fixed(state), check_values(ws.edited(state), state.get("values") or {})


def fixed_text(values: dict[str, float]) -> str:
    """``Coverage half (dynamics) = 0.6; ...`` (sorted by name), or "" for none."""
    from grudging.report.numbers import parameter_label

    return "; ".join(f"{parameter_label(name)} = {values[name]:g}" for name in sorted(values))


def start(
    ws: Workspace,
    state: UserState,
    option: str | None,
    baseline: str | None,
    outcome: str | None,
    confidence: Any,
    levers: Sequence[str] | None,
) -> Job:
    """Start (or find) the search for this request; refused at once when the request is bad."""
    from grudging.explore.what_it_takes import check_request, what_it_takes

    scn, fixed = search_scenario(ws, state)
    if not levers:
        raise GrudgingError("choose at least one lever to search")
    if isinstance(levers, str) or not all(isinstance(lever, str) for lever in levers):
        raise GrudgingError("levers: choose them from the list (lever names)")
    try:
        target = float(confidence)
    except (TypeError, ValueError):
        raise GrudgingError(f"target {confidence!r}: choose a share of paired runs") from None
    request: dict[str, Any] = {
        "option": str(option),
        "baseline": str(baseline),
        "outcome": str(outcome),
        "confidence": target,
        "levers": list(levers),
        **settings(ws),
    }
    check_request(scn, **request)  # refused here, before anything is planned
    # the job's key (also what the page holds to ask for it): a digest of everything it reads
    key = hashlib.sha256(
        json.dumps(
            [
                state.get("scenario") or ws.start,
                state.get("plans") or {},
                fixed,
                request,
                ws.seed,
            ],
            sort_keys=True,
            default=str,
        ).encode()
    ).hexdigest()[:24]
    names = {o.id: o.name for o in scn.options}
    label = f"Searching what {names[str(option)]} needs to beat {names[str(baseline)]}"
    if fixed:
        label += f" (with {fixed_text(fixed)})"
    return ws.jobs.start(
        key,
        label,
        lambda say: what_it_takes(scn, **request, seed=ws.seed, progress=say),
        inputs={**request, "fixed": dict(fixed), "scenario": scn.id},
    )


def result_view(ws: Workspace, state: UserState, job: Job | None) -> dict[str, Any]:
    """Where the job stands and, when done, its answer laid out for the page."""
    from grudging.report.what import what_view

    if job is None:
        return {"state": "none", "line": "", "view": None}
    view = None
    if job.state == "done":
        view = {
            **what_view(job.result, ws.edited(state)),
            "fixed": fixed_text(job.inputs.get("fixed") or {}),
        }
    return {"state": job.state, "line": job.line(), "view": view}

"""Controls generated from the scenario schema, and the checks of what users type into them.

Nothing here is a second, hand-written list of parameters: the Assumptions view has one row per
:class:`~grudging.scenario.schema.Parameter` record of the scenario (its value, range,
distribution, unit and source), with column titles from the record type's JSON schema; the
coalition builder's fields, their types, bounds, choices and help texts come from the JSON schema
of :class:`~grudging.scenario.schema.CoalitionPlan`. Typed text is parsed with ``float`` only —
never evaluated — and refused with the reason when it is not a number or lies outside the
declared range.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from grudging.errors import ParameterError, did_you_mean

if TYPE_CHECKING:
    from grudging.scenario.schema import CoalitionPlan, Parameter, Scenario

#: Columns of the assumptions table, in order (titles come from the Parameter schema).
PARAMETER_COLUMNS = ("name", "value", "low", "high", "distribution", "unit", "source")
#: Coalition-plan fields the builder lets the user change (types and bounds from the schema).
PLAN_FIELDS = (
    "command",
    "roe_level",
    "budget_musd",
    "political_capital",
    "target_troops",
    "offers",
)

#: Labels of plan fields in words (before the schema's description, which is written for the
#: scenario file; without either the title would read "Roe Level").
PLAN_LABELS = {
    "command": "Command of the coalition",
    "roe_level": "Rules of engagement",
    "budget_musd": "Money the patron can spend on offers (US$ million a year)",
    "political_capital": "Political capital the patron can spend on concessions",
    "target_troops": "Troops sought (none: the requirement)",
    "offers": "Offers allowed",
}

#: A number written with thousands separators, e.g. 12,000 or -1,250.5.
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$")


def fmt(value: float) -> str:
    """A number as typed in a form: short, no trailing zeros."""
    return f"{value:.6g}"


# Parameters ---------------------------------------------------------------------------------------
def parameter_schema() -> dict[str, Any]:
    """The JSON schema properties of a parameter record."""
    from grudging.scenario.schema import Parameter

    props: dict[str, Any] = Parameter.model_json_schema()["properties"]
    return props


def column_titles() -> dict[str, str]:
    """Titles of the assumptions table's columns, from the parameter schema."""
    props = parameter_schema()
    return {c: str(props[c].get("title", c)) for c in PARAMETER_COLUMNS}


def parse_number(text: Any) -> float:
    """A typed value as a finite float; :class:`ParameterError` with the reason otherwise."""
    if isinstance(text, bool):
        raise ParameterError(f"'{text}' is not a number")
    if isinstance(text, int | float):
        try:
            value = float(text)
        except OverflowError:  # an integer beyond any float (JSON reads one as an int)
            raise ParameterError(f"'{_shown(text)}' is not a finite number") from None
    else:
        cleaned = str(text).strip().replace("_", "")
        if not cleaned:
            raise ParameterError("empty: type a number")
        if "," in cleaned:
            if not _THOUSANDS.match(cleaned):
                raise ParameterError(
                    f"'{_shown(text)}' is not a number (use a point for decimals: 0.5)"
                )
            cleaned = cleaned.replace(",", "")
        try:
            value = float(cleaned)
        except ValueError:
            raise ParameterError(f"'{_shown(text)}' is not a number") from None
    if not math.isfinite(value):
        raise ParameterError(f"'{_shown(text)}' is not a finite number")
    return value


def _shown(text: Any, limit: int = 40) -> str:
    """``text`` as a message quotes it: at most ``limit`` characters."""
    shown = str(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def whole_number(text: Any, field: str, low: int, high: int) -> int:
    """A position typed or sent by a control (a month, a step) as an int clipped to
    ``[low, high]``; :class:`ParameterError` naming ``field`` when it is not a number."""
    try:
        value = parse_number(0 if text is None or text == "" else text)
    except ParameterError as err:
        raise ParameterError(f"{field}: {err}") from None
    return min(max(int(value), low), high)


def check_value(param: Parameter, text: Any) -> float:
    """The typed value of ``param``, refused unless it is a number inside the declared range."""
    try:
        value = parse_number(text)
    except ParameterError as err:
        raise ParameterError(f"{param.name}: {err}") from None
    # The form shows values to six significant digits: a value left as shown is the exact one
    # (the text as shown, not any number that rounds to it: 0.7000001 is not 0.7).
    for exact in (param.value, param.low, param.high):
        if str(text).strip() == fmt(exact):
            return exact
    if not param.low <= value <= param.high:
        unit = f" {param.unit}" if param.unit else ""
        raise ParameterError(
            f"{param.name}: {_shown(str(text).strip())} is outside its range "
            f"[{_plain_bound(param.low)}, {_plain_bound(param.high)}]{unit}; the range is the "
            f"scenario's, from: {param.source}"
        )
    return value


def validate_entries(
    scn: Scenario, entries: Mapping[str, Any]
) -> tuple[dict[str, float], dict[str, str]]:
    """Changed values (those that differ from nominal) and the reasons of refused entries."""
    known = {p.name: p for p in scn.parameters}
    values: dict[str, float] = {}
    errors: dict[str, str] = {}
    for name, text in entries.items():
        param = known.get(name)
        if param is None:
            errors[name] = f"{name}: not a parameter of this scenario{did_you_mean(name, known)}"
            continue
        try:
            value = check_value(param, text)
        except ParameterError as err:
            errors[name] = str(err)
            continue
        if value != param.value:
            values[name] = value
    return values, errors


def check_values(scn: Scenario, values: Mapping[str, Any]) -> dict[str, float]:
    """Values from a client, checked again on the server (first problem raised)."""
    checked, errors = validate_entries(scn, values)
    if errors:
        raise ParameterError(next(iter(errors.values())))
    return checked


def parameter_rows(
    scn: Scenario, values: Mapping[str, float] | None = None
) -> list[dict[str, Any]]:
    """One plain-data row per parameter: the record, its stage and the current value."""
    values = values or {}
    rows = []
    for p in scn.parameters:
        row = p.model_dump(mode="json")
        row["stage"] = p.stage
        row["current"] = values.get(p.name, p.value)
        row["changed"] = p.name in values
        rows.append(row)
    return rows


def stage_choices(scn: Scenario, values: Mapping[str, float] | None = None) -> list[dict[str, str]]:
    """The stages whose parameters the assumptions table can show, with counts of changes."""
    values = values or {}
    counts: dict[str, list[int]] = {}
    for p in scn.parameters:
        entry = counts.setdefault(p.stage, [0, 0])
        entry[0] += 1
        entry[1] += p.name in values
    return [
        {
            "label": f"{stage} ({total}{f', {changed} changed' if changed else ''})",
            "value": stage,
        }
        for stage, (total, changed) in counts.items()
    ]


def parameter_controls(
    scn: Scenario,
    values: Mapping[str, float] | None = None,
    stage: str | None = None,
    typed: Mapping[str, Any] | None = None,
) -> Any:
    """The assumptions table of one stage (default: the first): a text field per parameter,
    holding what was ``typed`` there and not yet run, else the value in use.

    One stage at a time keeps the page quick: a field per parameter of every stage at once is
    well over a hundred inputs.
    """
    from dash import dcc, html

    titles = column_titles()
    rows = parameter_rows(scn, values)
    stages = list(dict.fromkeys(r["stage"] for r in rows))
    shown = stage if stage in stages else (stages[0] if stages else None)
    head = html.Tr(
        [
            html.Th(titles["name"]),
            html.Th("your value"),
            html.Th(f"nominal {titles['value'].lower()}"),
            html.Th("range"),
            html.Th(titles["distribution"]),
            html.Th(titles["unit"]),
            html.Th(titles["source"]),
        ]
    )
    body = []
    for row in rows:
        if row["stage"] != shown:
            continue
        body.append(
            html.Tr(
                [
                    html.Td(
                        [
                            html.Label(
                                row["name"],
                                htmlFor=json.dumps(
                                    {"name": row["name"], "type": "param"},
                                    sort_keys=True,
                                    separators=(",", ":"),
                                ),
                            ),
                            html.Div(row["description"], className="what"),
                        ],
                        className="name",
                    ),
                    html.Td(
                        [
                            dcc.Input(
                                id={"type": "param", "name": row["name"]},
                                type="text",
                                inputMode="numeric",
                                value=(typed or {}).get(row["name"], fmt(row["current"])),
                                debounce=True,
                                size="9",
                                className="changed" if row["changed"] else "",
                            ),
                            html.Div(
                                id={"type": "param-error", "name": row["name"]},
                                className="field-error",
                            ),
                        ]
                    ),
                    html.Td(fmt(row["value"])),
                    html.Td(f"{fmt(row['low'])} – {fmt(row['high'])}"),
                    html.Td(row["distribution"]),
                    html.Td(row["unit"]),
                    html.Td(
                        (row["source"] or "")
                        + (f" — calibrated: {row['calibrated']}" if row["calibrated"] else ""),
                        className="source",
                    ),
                ]
            )
        )
    return html.Table([html.Thead(head), html.Tbody(body)], className="parameters")


# Coalition plan -------------------------------------------------------------------------------------
def plan_schema() -> dict[str, Any]:
    """The JSON schema properties of a coalition plan."""
    from grudging.scenario.schema import CoalitionPlan

    props: dict[str, Any] = CoalitionPlan.model_json_schema()["properties"]
    return props


def _numeric_bounds(prop: Mapping[str, Any]) -> tuple[str, bool]:
    """The kind of a numeric schema property ('number'/'integer') and whether null is allowed."""
    if "anyOf" in prop:
        kinds = [p.get("type") for p in prop["anyOf"]]
        kind = next((k for k in kinds if k in ("number", "integer")), "string")
        return str(kind), "null" in kinds
    return str(prop.get("type", "string")), False


#: Names of a bound in a JSON schema property: JSON Schema's own and pydantic's constraint names
#: (which a field with its own schema keeps), as (inclusive, exclusive).
_LOW = (("minimum", "ge"), ("exclusiveMinimum", "gt"))
_HIGH = (("maximum", "le"), ("exclusiveMaximum", "lt"))


def _bound(
    prop: Mapping[str, Any], names: tuple[tuple[str, str], ...]
) -> tuple[float, bool] | None:
    """A bound of a numeric property and whether it is exclusive (None: no such bound)."""
    (inclusive, exclusive) = names
    for part in prop.get("anyOf", [prop]):
        for key in inclusive:
            if key in part:
                return float(part[key]), False
        for key in exclusive:
            if key in part:
                return float(part[key]), True
    return None


def _plain_bound(value: float) -> str:
    """A bound as a person writes it: ``100,000,000``, ``0.5`` (never ``1e+08``)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


def _bound_text(prop: Mapping[str, Any]) -> str:
    texts = []
    low, high = _bound(prop, _LOW), _bound(prop, _HIGH)
    if low is not None:
        texts.append(f"{'>' if low[1] else '≥'} {_plain_bound(low[0])}")
    if high is not None:
        texts.append(f"{'<' if high[1] else '≤'} {_plain_bound(high[0])}")
    return " and ".join(texts)


def plan_field_choices(scn: Scenario, name: str) -> list[dict[str, str]]:
    """Choices of an enumerated or referenced plan field."""
    from grudging.scenario.commands import commands_of

    prop = plan_schema()[name]
    if name == "command":
        return [{"label": c.name, "value": c.id} for c in commands_of(scn).values()]
    if "enum" in prop:
        return [{"label": str(v), "value": v} for v in prop["enum"]]
    if name == "roe_level":
        return [{"label": lv.name, "value": lv.id} for lv in scn.roe_levels]
    if name == "offers":
        return [{"label": f"{o.name} ({o.id})", "value": o.id} for o in scn.offers]
    return []


def plan_form_values(scn: Scenario, plan: CoalitionPlan) -> dict[str, Any]:
    """The form's values for a plan (text for numbers, lists for offers)."""
    out: dict[str, Any] = {}
    for name in PLAN_FIELDS:
        value = getattr(plan, name)
        if name == "offers":
            out[name] = list(value) if value is not None else [o.id for o in scn.offers]
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[name] = fmt(value)
        elif value is None:
            out[name] = ""
        else:
            out[name] = value
    return out


def plan_controls(scn: Scenario, plan: CoalitionPlan) -> list[Any]:
    """One labelled control per builder field, generated from the plan's JSON schema."""
    from dash import dcc, html

    props = plan_schema()
    values = plan_form_values(scn, plan)
    out = []
    for name in PLAN_FIELDS:
        prop = props[name]
        title = str(prop.get("title", name))
        help_text = ""
        ident = {"type": "plan", "field": name}
        choices = plan_field_choices(scn, name)
        if name == "offers":
            control: Any = dcc.Checklist(
                id=ident, options=choices, value=values[name], className="offers"
            )
        elif choices and name == "command":
            control = dcc.RadioItems(id=ident, options=choices, value=values[name], inline=True)
        elif choices:
            control = dcc.Dropdown(id=ident, options=choices, value=values[name], clearable=False)
        else:
            kind, nullable = _numeric_bounds(prop)
            control = dcc.Input(
                id=ident,
                type="text",
                inputMode="numeric",
                value=values[name],
                debounce=True,
                placeholder="none" if nullable else "",
                size="10",
            )
            bound = _bound_text(prop)
            extra = "; blank for none" if nullable else ""
            help_text = f"{'whole number' if kind == 'integer' else 'number'}{' ' + bound if bound else ''}{extra}"
        label = str(PLAN_LABELS.get(name) or prop.get("description") or title).rstrip(".")
        dom = json.dumps(ident, sort_keys=True, separators=(",", ":"))  # the id Dash writes
        out.append(
            html.Div(
                [
                    html.Label(label, htmlFor=dom, id=f"{dom}-label", title=f"{name}: {help_text}"),
                    control,
                    html.Small(help_text),
                ],
                className="plan-field",
            )
        )
    return out


def parse_plan_form(scn: Scenario, plan: CoalitionPlan, form: Mapping[str, Any]) -> dict[str, Any]:
    """The plan fields a form changes, typed; :class:`ParameterError` naming the field otherwise."""
    props = plan_schema()
    change: dict[str, Any] = {}
    for name, raw in form.items():
        if name not in PLAN_FIELDS:
            raise ParameterError(f"'{name}' is not a field of the coalition builder")
        prop = props[name]
        title = PLAN_LABELS.get(name, str(prop.get("title", name)))
        if name == "offers":
            ids = {o.id for o in scn.offers}
            if raw is not None and not isinstance(raw, list | tuple):
                raise ParameterError(f"{title}: give a list of offers, e.g. {sorted(ids)[:2]}")
            chosen = [str(v) for v in (raw or [])]
            unknown = [v for v in chosen if v not in ids]
            if unknown:
                raise ParameterError(f"{title}: unknown offer '{unknown[0]}'")
            value: Any = tuple(o.id for o in scn.offers if o.id in chosen)
        elif name in ("command", "roe_level"):
            allowed = [c["value"] for c in plan_field_choices(scn, name)]
            if raw not in allowed:
                raise ParameterError(
                    f"{title}: '{raw}' is not one of {', '.join(str(a) for a in allowed)}"
                )
            value = raw
        else:
            kind, nullable = _numeric_bounds(prop)
            if nullable and (raw is None or str(raw).strip() == ""):
                value = None
            else:
                try:
                    number = parse_number(raw)
                except ParameterError as err:
                    raise ParameterError(f"{title}: {err}") from None
                if kind == "integer":
                    if number != int(number):
                        raise ParameterError(
                            f"{title}: {_shown(str(raw).strip())} is not a whole number"
                        )
                    number = int(number)
                low, high = _bound(prop, _LOW), _bound(prop, _HIGH)
                if (low is not None and (number < low[0] or (low[1] and number <= low[0]))) or (
                    high is not None and (number > high[0] or (high[1] and number >= high[0]))
                ):
                    raise ParameterError(
                        f"{title}: {_shown(str(raw).strip())} refused; it must be "
                        f"{_bound_text(prop)}"
                    )
                value = number
        current = getattr(plan, name)
        if name == "offers" and current is None:
            current = tuple(o.id for o in scn.offers)
        if value != current:
            change[name] = list(value) if isinstance(value, tuple) else value
    return change


def typed_entries(pending: Mapping[str, Any] | None, scenario: str | None) -> dict[str, Any]:
    """The values typed in the assumptions fields of every stage and not yet run, for the
    scenario in use (``pending`` is the page's ``{"scenario": key, "entries": {name: text}}``)."""
    if not isinstance(pending, Mapping) or pending.get("scenario") != scenario:
        return {}
    entries = pending.get("entries")
    return dict(entries) if isinstance(entries, Mapping) else {}


def entries_from(
    ids: Sequence[Mapping[str, Any]], texts: Sequence[Any], key: str
) -> dict[str, Any]:
    """Pair pattern-matched component ids with their values: ``{id[key]: value}``."""
    return {str(i[key]): t for i, t in zip(ids, texts, strict=True)}

"""One way to write a number, for the terminal and the report alike (standard library only).

The rule: counts below 10,000 in full with thousands separators (``6,067``); from 10,000 in
whole thousands (``49k``, ``408k``); from a million in millions to three significant figures
(``2.12M``, ``12.1M``). Money (``US$ million`` in the model) reads in US$ millions below a
billion (``US$259M``) and in billions above, to three significant figures (``US$287bn``,
``US$1.23bn``). Probabilities are shares of runs in percent (``7 %``), indices on 0-1 two
decimals. Labels turn identifiers (``cost_patron``, ``dynamics.self_excitation``) into words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

#: The central share of runs an interval covers, as the report words it.
INTERVAL_LABEL = "90 %"

#: Readable names of the registered outcomes (the registry's identifiers are snake_case).
OUTCOME_LABELS: dict[str, str] = {
    "civilian_deaths": "Civilian deaths",
    "civil_war": "Civil war",
    "displaced": "Displaced",
    "refugees": "Refugees",
    "troop_deaths": "Troop deaths",
    "cost_patron": "Cost to the patron",
    "cost_others": "Cost to the other contributors",
    "safe_haven": "Safe haven",
    "regional_escalation": "Regional escalation",
    "coalition_troops": "Coalition troops in theatre",
    "patron_troops": "Patron's troops in theatre",
    "settlement_forms": "Settlement forms",
    "settlement_holds": "Settlement holds",
    "p_deal": "Chance of a deal",
    "p_deal_holds": "Chance of a deal that holds",
}

#: How a unit reads as a column label.
UNIT_LABELS: dict[str, str] = {
    "probability": "share of runs",
    "US$ million": "US$",
    "index 0-1": "index 0–1",
}


#: Abbreviations in identifiers, as a reader writes them.
ABBREVIATIONS: dict[str, str] = {
    "pk": "peacekeeping",
    "roe": "ROE",
    "us": "US",
    "un": "UN",
    "nato": "NATO",
    "musd": "US$M",
    "isf": "ISF",
    "ied": "IED",
}

#: Names of the levers the proposal names (others read as their identifier in words).
LEVER_LABELS: dict[str, str] = {
    "force_size": "Force size sought",
    "coalition_budget": "Budget for offers",
    "political_capital": "Political capital",
    "roe_level": "Rules of engagement",
    "aid": "International aid",
    "commitment_years": "Guarantor's commitment",
    "drawdown_months": "Patron's drawdown",
    "command": "Command",
}


def words(identifier: str) -> str:
    """``snake_case`` as words, first letter up, abbreviations spelt out: ``civil_war`` ->
    ``Civil war``, ``patron_pk_skill`` -> ``Patron peacekeeping skill``."""
    parts = [ABBREVIATIONS.get(w.lower(), w) for w in identifier.replace("_", " ").split()]
    text = " ".join(parts)
    return text[:1].upper() + text[1:]


def in_sentence(label: str) -> str:
    """A label inside a sentence: first letter down unless it starts an acronym (``ROE level``
    stays, ``Force size`` -> ``force size``)."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def lever_label(name: str) -> str:
    """A lever's name in words."""
    return LEVER_LABELS.get(name, words(name))


def outcome_label(name: str) -> str:
    """The readable name of an outcome."""
    return OUTCOME_LABELS.get(name, words(name))


def unit_label(unit: str) -> str:
    """The readable name of a unit."""
    return UNIT_LABELS.get(unit, unit)


def chance_per_run(outcome: str) -> bool:
    """Whether ``outcome`` is a probability each run gives (the chance of a deal), shown as its
    mean over the runs, rather than a 0/1 event whose share of runs is shown."""
    from grudging.model.outcomes import BINARY, OUTCOMES

    return OUTCOMES[outcome].unit == "probability" and outcome not in BINARY


def outcome_unit_label(outcome: str) -> str:
    """The unit column of an outcome's row in every face's comparison table."""
    from grudging.model.outcomes import OUTCOMES

    return (
        "mean chance over runs" if chance_per_run(outcome) else unit_label(OUTCOMES[outcome].unit)
    )


def parameter_label(name: str) -> str:
    """A parameter's dotted name as words: ``dynamics.self_excitation`` ->
    ``Self excitation (dynamics)``."""
    stage, dot, rest = name.partition(".")
    if not dot:
        return words(name)
    return f"{words(rest.replace('.', ' '))} ({stage.replace('_', ' ')})"


def _sig3(x: float) -> str:
    """``x`` (about 1 or more) to three significant figures: ``2.12``, ``12.1``, ``121``."""
    for decimals in (2, 1):
        if round(abs(x), decimals) < 10 ** (3 - decimals):
            return f"{x:,.{decimals}f}"
    return f"{x:,.0f}"


def _whole(x: float) -> int:
    """``x`` (>= 0) rounded half up: 0.5 -> 1, 2.5 -> 3."""
    return math.floor(x + 0.5)


def count(value: float) -> str:
    """A count of people, deaths or troops: ``6,067``, ``49k``, ``2.12M``."""
    if value != value:
        return "–"
    size = abs(value)
    sign = "-" if value < 0 and round(size) else ""
    if size < 10_000:
        return f"{sign}{size:,.0f}"
    if round(size / 1e3) < 1000:
        return f"{sign}{size / 1e3:,.0f}k"
    return f"{sign}{_sig3(size / 1e6)}M"


def nouns(number: int, noun: str) -> str:
    """``number`` with ``noun``, plural unless one: ``1 nation``, ``43 nations``."""
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def money(musd: float, prefix: str = "US$") -> str:
    """An amount given in US$ million: ``US$259M``, ``US$287bn``, ``US$1.23bn``."""
    if musd != musd:
        return "–"
    size = abs(musd)
    sign = "-" if musd < 0 and size >= 0.5 else ""
    if size < 1:
        return f"{sign}{prefix}{size:.2f}M" if size >= 0.005 else f"{prefix}0"
    if round(size) < 1000:
        return f"{sign}{prefix}{size:,.0f}M"
    return f"{sign}{prefix}{_sig3(size / 1e3)}bn"


def percent(share: float) -> str:
    """A share (0-1) in whole percent, never rounding a non-zero share to 0 or 100."""
    if share != share:
        return "–"
    if 0 < share < 0.005:
        return "<1 %"
    if 0.995 <= share < 1:
        return ">99 %"
    return f"{_whole(100 * share)} %"


def chance(p: float) -> str:
    """A probability in a sentence, two decimals, never rounded to a certainty or to zero
    ("below 0.01" for 0.005, "above 0.99" for 0.996; 0 and 1 as they are)."""
    return _two_places(p, "below 0.01", "above 0.99")


def chance_cell(p: float | None) -> str:
    """A probability in a table cell: :func:`chance`'s rule, short ("<0.01", ">0.99"), a dash
    when undefined."""
    if p is None or p != p:
        return "–"
    return _two_places(p, "<0.01", ">0.99")


def _two_places(p: float, near_zero: str, near_one: str) -> str:
    """``p`` to two decimals, or ``near_zero`` / ``near_one`` where that would round it to 0 or 1."""
    if 0.0 < p < 0.005:
        return near_zero
    if 0.995 <= p < 1.0:
        return near_one
    return f"{p:.2f}"


def points(difference: float) -> str:
    """A difference of two shares in percentage points (no sign): ``6 points``."""
    size = abs(difference) * 100
    if 0 < size < 0.5:
        return "<1 point"
    whole = _whole(size)
    return f"{whole} point{'' if whole == 1 else 's'}"


def value(x: float, unit: str) -> str:
    """One value in its unit's format."""
    if unit == "probability":
        return percent(x)
    if unit.startswith("index"):
        return "–" if x != x else f"{x:.2f}"
    if unit == "US$ million":
        return money(x)
    return count(x)


def interval(median: float, low: float, high: float, unit: str, bare: bool = False) -> str:
    """``median [low – high]`` in the unit's format: ``162k [137k – 197k]``; ``bare`` leaves out
    the currency (for a table whose unit column names it)."""
    if bare and unit == "US$ million":
        return f"{money(median, '')} [{money(low, '')} – {money(high, '')}]"
    return f"{value(median, unit)} [{value(low, unit)} – {value(high, unit)}]"


def magnitude(x: float, unit: str) -> str:
    """The size of a difference (no sign) in the unit's format; shares in points."""
    if unit == "probability":
        return points(x)
    return value(abs(x), unit)


def difference(median: float, low: float, high: float, unit: str, direction: str) -> str:
    """A paired difference (option minus baseline) in words, never a bare sign:
    ``worse by 49k (90 %: 7k better – 408k worse)``.

    ``direction`` is the outcome's (``minimize`` or ``maximize``): it says which way is better.
    """
    flip = -1.0 if direction == "minimize" else 1.0
    gain, a, b = flip * median, flip * low, flip * high
    a, b = min(a, b), max(a, b)
    if magnitude(gain, unit) in (magnitude(0.0, unit), "0 points"):
        head = "no different"
    else:
        head = f"{'better' if gain > 0 else 'worse'} by {magnitude(gain, unit)}"
    if a >= 0:  # the whole interval is better (or nil)
        span = f"{magnitude(a, unit)} – {magnitude(b, unit)} better"
    elif b <= 0:  # the whole interval is worse
        span = f"{magnitude(b, unit)} – {magnitude(a, unit)} worse"
    else:
        span = f"{magnitude(b, unit)} better – {magnitude(a, unit)} worse"
    return f"{head} ({INTERVAL_LABEL}: {span})"


def option_label(option: str, names: Mapping[str, str]) -> str:
    """An option by its name (its id when it has none)."""
    return names.get(option) or option

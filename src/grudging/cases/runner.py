"""The model's forecast for a case, and the library run that ``grudging cases`` prints.

P(large-scale violence within two years) is the share of replications whose simulated deaths reach
:data:`WAR_DEATHS` in months 1-12 or in months 13-24 (the 1,000-a-year threshold of "war" behind
Fortna's coding of a resumed war). Protocol: ``docs/design-notes/cases.md`` (section 4).

A library case runs with the onset hazard's three fitted parameters refitted on the post-war
episodes whose outcome was known at its information date (:func:`onset_calibration`), so that no
case's own outcome, nor a later one, enters its forecast
(``docs/design-notes/cases-diagnosis.md``, section 3.3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from grudging.cases import scoring
from grudging.errors import GrudgingError, unknown_name

if TYPE_CHECKING:
    from grudging.results.results import Results
    from grudging.scenario.minimal import Case
    from grudging.scenario.schema import Scenario

#: Deaths in a year that count as large-scale violence (war).
WAR_DEATHS = 1000.0
#: Months in a scoring year, and years scored.
YEAR = 12
YEARS = 2
#: Replications per case of ``grudging cases`` (protocol).
DEFAULT_REPLICATIONS = 200
#: The option every case runs.
OPTION = "as_deployed"


def library_dir() -> Path:
    """The folder of the shipped cases."""
    return Path(str(resources.files("grudging.cases").joinpath("library")))


def library_ids() -> list[str]:
    """Ids (file stems) of the shipped cases, sorted."""
    return sorted(p.stem for p in library_dir().glob("*.yaml"))


def case_path(case_id: str) -> Path:
    """The file of a shipped case."""
    ids = library_ids()
    if case_id not in ids:
        raise GrudgingError(f"--case {case_id}: {unknown_name('case', case_id, ids)}")
    return library_dir() / f"{case_id}.yaml"


@dataclass(frozen=True)
class CaseEntry:
    """A case the scorer can run: its id, its file, and whether it ships with grudging."""

    id: str
    path: Path
    library: bool = True


def case_pool(paths: Sequence[str | Path] = ()) -> list[CaseEntry]:
    """The library's cases and the cases in ``paths`` (case files, or folders of ``.yaml`` and
    ``.yml`` case files) under their own ``id``, sorted by id. The pool is what the leave-one-out naive
    forecasts learn from, so an id given twice (a library case's included) is refused."""
    pool = [CaseEntry(case_id, library_dir() / f"{case_id}.yaml") for case_id in library_ids()]
    where = {e.id: f"the library's {e.id}.yaml" for e in pool}
    read: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(f for f in path.iterdir() if f.suffix in (".yaml", ".yml"))
            if not files:
                raise GrudgingError(f"{path}: no case files (.yaml) in the folder")
        elif path.is_file():
            files = [path]
        else:
            raise GrudgingError(f"{path}: no such file or folder; give a case file or a folder")
        for file in files:
            case_id = read_case(file, in_folder=path.is_dir()).id
            if file.resolve() in read:
                raise GrudgingError(f"{file}: given twice; give each case file once")
            read.add(file.resolve())
            if case_id in where:
                raise GrudgingError(
                    f"{file}: case id '{case_id}' is already {where[case_id]}; give the case "
                    "another id (each case is scored against the others once)"
                )
            where[case_id] = str(file)
            pool.append(CaseEntry(case_id, file, library=False))
    return sorted(pool, key=lambda e: e.id)  # the order of the files given decides nothing


def read_case(path: str | Path, in_folder: bool = False) -> Case:
    """A case file's coding alone (checked, not expanded): enough for the naive forecasts.
    ``in_folder``: the file was found in a folder of cases (the message says how to leave it)."""
    case = _coding(Path(path))
    if case is None:
        way_out = (
            ", or move the file out of the folder (or give the case files by name)"
            if in_folder
            else ""
        )
        raise GrudgingError(
            f"{path}: not a minimal case (no 'format: case' line); add the line if it is one"
            + way_out
        )
    return case


def case_coding(source: str | Path) -> Case | None:
    """The coding of ``source`` if it is a case file (``format: case``), else ``None`` (a
    built-in scenario's name, a full scenario file)."""
    file = Path(source)
    return _coding(file) if file.is_file() else None


def _coding(file: Path) -> Case | None:
    """The file read once: its checked coding, or ``None`` when it is not a case."""
    from grudging.scenario.minimal import is_case, parse_case
    from grudging.scenario.yaml_input import SourceMap, read_yaml

    data, lines = read_yaml(file)
    if not is_case(data):
        return None
    smap = SourceMap(main=file.name, lines={loc: (file.name, n) for loc, n in lines.items()})
    return parse_case(data, smap)


def forecast_sentence(case: Case, share: float, replications: int) -> str:
    """What a run of a case file says of its scored forecast, in plain words."""
    recorded = (
        "no outcome recorded"
        if case.outcome is None
        else f"recorded: {'violence' if case.outcome.large_scale_violence_2y else 'peace'}"
    )
    if case.horizon_months < YEARS * YEAR:
        return (
            f"Case forecast: none: the outcome covers the first {YEARS * YEAR} months and this run "
            f"{case.horizon_months} (set horizon_months: {YEARS * YEAR} or more to forecast it; "
            f"over its months, P(a year of them with {WAR_DEATHS:,.0f} deaths or more) "
            f"{share:.2f}; {recorded})."
        )
    return (
        f"Case forecast: P(a year of the first two with {WAR_DEATHS:,.0f} deaths or more) "
        f"{share:.2f} over {replications:,} runs, with this run's parameters ({recorded}). "
        "The outcome table's 'Civil war' is the model's all-out war, a far higher toll"
        + (
            "; the case's agreement is in place from the start (its factions stood down), so "
            "the settlement rows, which count a deal made during the run, stay at 0"
            if case.agreement
            else ""
        )
        + ". 'grudging cases FILE' refits the onset hazard at the case's date and scores it "
        "against the library."
    )


def case_note(source: str | Path, results: Results) -> tuple[str, dict[str, Any]]:
    """For a run of a case file: the sentence on its scored forecast and the JSON entry (both
    empty for any other scenario, or when the case's option did not run)."""
    case = case_coding(source)
    status = results.status
    if case is None or not ((status["option"] == OPTION) & (status["status"] == "ok")).any():
        return "", {}
    share = large_scale_violence_share(results)
    replications = int(results.metadata["replications"])
    recorded = None if case.outcome is None else case.outcome.large_scale_violence_2y
    entry = {
        "case": {
            "p_large_scale_violence_2y": share,
            "replications": replications,
            "recorded": recorded,
        }
    }
    return forecast_sentence(case, share, replications), entry


def load_case(path: str | Path, calibrate: bool = False) -> tuple[Case, Scenario]:
    """A case file's coding and the scenario it expands to (checked as runnable).

    ``calibrate=True`` puts in the onset calibration known at the case's information date
    (:func:`onset_calibration`) for every fitted parameter the case does not override itself.
    """
    from grudging.scenario.io import read_raw, validate_data
    from grudging.scenario.runnable import check_runnable

    file = Path(path)
    case = read_case(file)
    raw, raw_map, _ = read_raw(file)
    if calibrate:
        try:
            fitted = onset_calibration(str(raw["information_date"]))
        except ValueError as exc:  # a cell of the fit has no episode known by then
            from grudging.model.onset import earliest_fit

            earliest = earliest_fit(_settlement_rows())
            raise GrudgingError(
                f"{file.name}: start {case.start}: a scored case's onset hazard is refitted on "
                f"the post-war episodes known at its information date, and before {earliest} "
                f"they do not cover every cell of the fit ({exc}); score cases whose information "
                f"date is {earliest} or later, or run this one with 'grudging run' (the shared "
                "parameters)"
            ) from None
        raw["parameters"] = [
            {**rec, **fitted[rec["name"]]}
            if rec["name"] in fitted and rec["name"] not in case.parameters
            else rec
            for rec in raw["parameters"]
        ]
    scn = validate_data(raw, raw_map)
    check_runnable(scn, raw_map)
    return case, scn


def onset_calibration(information_date: str) -> dict[str, dict[str, Any]]:
    """Parameter records (value, range, distribution, source) of the onset hazard's fitted
    parameters, fitted on the episodes of ``settlements.csv`` (Fortna 2008, Walter 2015) whose
    two-year outcome was known at ``information_date``, with the fit's own uncertainty
    (:func:`grudging.model.onset.fit_ranges`; triangular, the point fit as mode)."""
    from grudging.model.onset import fit_onset_known_by, fit_ranges

    fit = fit_onset_known_by(_settlement_rows(), information_date)
    counts = ", ".join(f"{cell} {k}/{n}" for cell, (n, k) in fit.counts.items())
    return {
        name: {
            "value": value,
            "low": low,
            "high": high,
            "distribution": "triangular",
            "source": (
                f"grudging.model.onset.fit_onset_known_by on calibration/data/settlements.csv "
                f"(Fortna 2008, Walter 2015), episodes known by {information_date} (relapses: "
                f"{counts}); Jeffreys 90 % intervals"
            ),
        }
        for name, (value, low, high) in fit_ranges(fit).items()
    }


def _settlement_rows() -> list[dict[str, str]]:
    import csv

    from grudging.calibration.settlements import DATA_FILE

    with DATA_FILE.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def violence_probability(
    scn: Scenario, replications: int = DEFAULT_REPLICATIONS, seed: int | None = None
) -> float:
    """P(large-scale violence within two years) under the case's one option."""
    return float(large_scale_violence(scn, replications, seed).mean())


def large_scale_violence(
    scn: Scenario, replications: int = DEFAULT_REPLICATIONS, seed: int | None = None
) -> np.ndarray:
    """Per replication, whether the case's one option reaches large-scale violence (the
    national deaths of a year reach ``WAR_DEATHS``) within two years."""
    from grudging.chain import BLOCK
    from grudging.kernel import parameter_draws, run_block, run_values
    from grudging.plans import PlanCache
    from grudging.rng import MASTER_SEED

    seed = MASTER_SEED if seed is None else seed
    values = run_values(scn)
    plan = PlanCache().plan(scn, OPTION, None, seed)
    draws = parameter_draws(scn, replications, seed)
    hits = []
    for start in range(0, replications, BLOCK):
        rows = slice(start, min(start + BLOCK, replications))
        n = rows.stop - rows.start
        block = {**values, **{name: column[rows] for name, column in draws.items()}}
        deaths = run_block(scn, plan, block, n, seed, start // BLOCK).deaths  # (R, N, T)
        national = deaths.sum(axis=1, dtype=float)
        yearly = [
            national[:, y * YEAR : (y + 1) * YEAR].sum(axis=1)
            for y in range(YEARS)
            if national.shape[1] > y * YEAR
        ]
        hits.append(np.any(np.stack(yearly) >= WAR_DEATHS, axis=0))
    return np.concatenate(hits)


def large_scale_violence_share(results: Results, option: str = OPTION) -> float:
    """The share of a run's replications of ``option`` whose national deaths reach
    :data:`WAR_DEATHS` in a year of the first two: the case's forecast, read from any run's
    results (``grudging run CASE.yaml``) as :func:`large_scale_violence` computes it."""
    out = results.outcomes
    rows = out[
        (out["option"] == option)
        & (out["outcome"] == "civilian_deaths")
        & out["month"].notna()
        & out["region"].isna()
    ]
    months = rows["month"].astype(int)
    rows = rows[months < YEARS * YEAR]
    year = months[months < YEARS * YEAR] // YEAR
    totals = rows.groupby([rows["replication"], year])["value"].sum().unstack()
    return float((totals >= WAR_DEATHS).any(axis=1).mean())


@dataclass(frozen=True)
class CaseResult:
    """One case's coding, the model's forecast and the recorded outcome."""

    id: str
    title: str
    start: str
    agreement: bool
    intervener_party: bool
    troops_per_1000: float
    recent_deaths_per_year: float
    p_model: float
    outcome: bool
    leak: bool = False
    library: bool = True  # ships with grudging (else a case file the user gave)


def run_case(
    case: str | CaseEntry, replications: int = DEFAULT_REPLICATIONS, seed: int | None = None
) -> CaseResult:
    """Run one case: a library id, or an entry of :func:`case_pool`."""
    entry = case if isinstance(case, CaseEntry) else CaseEntry(case, case_path(case))
    coding, scn = load_case(entry.path, calibrate=True)
    check_scorable(coding, entry.path)
    assert coding.outcome is not None  # checked just above
    troops = 0 if coding.force == "none" else coding.force.troops
    return CaseResult(
        id=entry.id,
        title=coding.title,
        start=coding.start,
        agreement=coding.agreement,
        intervener_party=coding.intervener_party,
        troops_per_1000=troops / coding.population * 1000.0,
        recent_deaths_per_year=coding.recent_deaths_per_year,
        p_model=violence_probability(scn, replications, seed),
        outcome=coding.outcome.large_scale_violence_2y,
        leak=coding.deaths_include_later,
        library=entry.library,
    )


def check_scorable(case: Case, path: Path) -> None:
    """Refuse a case the scorer cannot judge: no recorded outcome, or a horizon shorter than the
    two years the outcome covers."""
    if case.outcome is None:
        raise GrudgingError(
            f"{path.name}: the case records no outcome; add outcome: {{large_scale_violence_2y: "
            "true or false, source: ...} to score it"
        )
    if case.horizon_months < YEARS * YEAR:
        raise GrudgingError(
            f"{path.name}: horizon_months {case.horizon_months} is shorter than the "
            f"{YEARS * YEAR} months the outcome covers; give at least {YEARS * YEAR} (or leave "
            "it out) to score the case"
        )


@dataclass(frozen=True)
class Scores:
    """Brier, accuracy and log-loss of one forecaster over the library."""

    name: str
    forecasts: tuple[float, ...]
    brier: float
    accuracy: float
    log_loss: float


def score_library(
    results: Sequence[CaseResult], base: Sequence[float], rule: Sequence[float]
) -> list[Scores]:
    """The model beside the base rate, the two-variable rule (both leave-one-out over the pool,
    given per result) and persistence."""
    y = [r.outcome for r in results]
    cells = [scoring.rule_holds(r.agreement, r.intervener_party) for r in results]
    forecasters = {
        "model": [r.p_model for r in results],
        "base rate (leave-one-out)": list(base),
        "rule: agreement and not a party (leave-one-out)": list(rule),
        "persistence (violence last year)": [
            1.0 if r.recent_deaths_per_year >= WAR_DEATHS else 0.0 for r in results
        ],
    }
    out = []
    for name, p in forecasters.items():
        acc = (
            scoring.accuracy([0.0 if c else 1.0 for c in cells], y)
            if name.startswith("rule")
            else scoring.accuracy(p, y)
        )
        out.append(
            Scores(
                name=name,
                forecasts=tuple(p),
                brier=scoring.brier(p, y),
                accuracy=acc,
                log_loss=scoring.log_loss(p, y),
            )
        )
    return out


def run_library(
    ids: Sequence[str] | None = None,
    replications: int = DEFAULT_REPLICATIONS,
    seed: int | None = None,
    pool: Sequence[CaseEntry] | None = None,
) -> list[CaseResult]:
    """Run the cases ``ids`` of the pool (by default the library; every case of it without
    ``ids``), in the order of their ids whatever the order given (the scores' bootstrap resamples
    by position). Every case is checked before the first one runs."""
    entries = {e.id: e for e in (pool if pool is not None else case_pool())}
    chosen = sorted(ids) if ids else sorted(entries)
    for case_id in chosen:
        if case_id not in entries:
            raise GrudgingError(
                f"--case {case_id}: {unknown_name('case', case_id, entries)}; a case of your own "
                "joins when its file (or folder) is given too: grudging cases FILE --case ID"
            )
        check_scorable(read_case(entries[case_id].path), entries[case_id].path)
    return [run_case(entries[case_id], replications, seed) for case_id in chosen]


def naive_forecasts(pool: Sequence[CaseEntry]) -> dict[str, tuple[float, float]]:
    """Per case of the pool, its leave-one-out base rate and rule forecast over the others."""
    codings = [read_case(e.path) for e in pool]
    for entry, coding in zip(pool, codings, strict=True):
        check_scorable(coding, entry.path)
    y = [c.outcome.large_scale_violence_2y for c in codings]  # type: ignore[union-attr]
    cells = [scoring.rule_holds(c.agreement, c.intervener_party) for c in codings]
    base = scoring.loo_base_rate(y)
    rule = scoring.loo_cell_rate(cells, y)
    return {e.id: (base[i], rule[i]) for i, e in enumerate(pool)}


@dataclass(frozen=True)
class NaiveAt:
    """The case library's naive forecasts of large-scale violence for an operation at a date."""

    cases: tuple[str, ...]  # the library's cases whose two-year outcome was known by the date
    base_rate: float  # their share with large-scale violence
    rule: float  # the share in the operation's cell of the rule (base rate if the cell is empty)
    rule_cell: str  # "agreement and not a party", or "not (agreement and not a party)"
    persistence: float  # 1 where the year before was war (WAR_DEATHS or more), else 0


def naive_at(
    information_date: str, agreement: bool, intervener_party: bool, recent_deaths_per_year: float
) -> NaiveAt:
    """The case library's naive forecasts for an operation known at ``information_date``, from
    the library's cases whose two-year outcome was known by then (a start at least 24 months
    before it): nothing later is read. :class:`GrudgingError` if no case qualifies."""
    from grudging.scenario.schema import month_index

    known = []
    for case_id in library_ids():
        coding = read_case(library_dir() / f"{case_id}.yaml")
        if coding.outcome is not None and (
            month_index(coding.start) + 24 <= month_index(information_date)
        ):
            known.append(coding)
    if not known:
        raise GrudgingError(
            f"no case of the library had its two-year outcome known by {information_date}; the "
            "library's naive forecasts need at least one"
        )
    y = [bool(c.outcome.large_scale_violence_2y) for c in known]  # type: ignore[union-attr]
    cell = scoring.rule_holds(agreement, intervener_party)
    same = [
        v
        for c, v in zip(known, y, strict=True)
        if scoring.rule_holds(c.agreement, c.intervener_party) == cell
    ]
    base = sum(y) / len(y)
    return NaiveAt(
        cases=tuple(c.id for c in known),
        base_rate=base,
        rule=sum(same) / len(same) if same else base,
        rule_cell="agreement and not a party" if cell else "not (agreement and not a party)",
        persistence=1.0 if recent_deaths_per_year >= WAR_DEATHS else 0.0,
    )


def library_report(
    results: Sequence[CaseResult], pool: Sequence[CaseEntry] | None = None
) -> dict[str, Any]:
    """The scored table: per case the forecasts beside the outcome; scores of every forecaster
    over the cases run, over those without a leak and over the user's own cases; the model's
    calibration; a verdict.

    The naive forecasts of each case are leave-one-out over the whole pool (the library and the
    user's cases, by default the library), whichever cases are run, so a subset or a new case is
    judged against the same base rate and rule as the library."""
    naive = naive_forecasts(pool if pool is not None else case_pool())
    y = [r.outcome for r in results]
    cells = [scoring.rule_holds(r.agreement, r.intervener_party) for r in results]
    base = [naive[r.id][0] for r in results]
    rule = [naive[r.id][1] for r in results]
    rows = [
        {**asdict(r), "p_base_rate": base[i], "p_rule": rule[i], "rule_holds": cells[i]}
        for i, r in enumerate(results)
    ]
    subsets = {
        "all": list(range(len(results))),
        "without LEAK cases": [i for i, r in enumerate(results) if not r.leak],
        "your cases": [i for i, r in enumerate(results) if not r.library],
    }
    scores: dict[str, list[dict[str, Any]]] = {}
    for name, picked in subsets.items():
        if len(picked) < 2 or (name != "all" and len(picked) == len(results)):
            continue
        subset = [results[i] for i in picked]
        scored = score_library(subset, [base[i] for i in picked], [rule[i] for i in picked])
        outcomes = [r.outcome for r in subset]
        model_p = next(sc.forecasts for sc in scored if sc.name == "model")
        scores[name] = [
            {
                "name": sc.name,
                "n": len(subset),
                "brier": sc.brier,
                "accuracy": sc.accuracy,
                "log_loss": sc.log_loss,
                # the model's Brier minus this forecaster's, with a paired bootstrap interval
                "model_minus": None
                if sc.name == "model"
                else asdict(scoring.brier_gap(model_p, sc.forecasts, outcomes)),
            }
            for sc in scored
        ]
    calibration = (
        [asdict(b) for b in scoring.calibration_table([r.p_model for r in results], y)]
        if len(results) >= 2
        else []
    )
    return {
        "cases": rows,
        "scores": scores,
        "calibration": calibration,
        "verdict": _verdict(scores, len(results)),
    }


def _verdict(scores: Mapping[str, list[dict[str, Any]]], n: int) -> str:
    if "all" not in scores:
        return (
            "One case is not scored: its forecasts are in the table beside the base rate and rule "
            "of the other cases; run two or more (--case ID, repeated) or the whole library."
        )
    by_name = {sc["name"]: sc["brier"] for sc in scores["all"]}
    model = by_name["model"]
    rivals = {k: v for k, v in by_name.items() if k != "model"}
    best = min(rivals, key=lambda k: rivals[k])
    verdict = (
        f"The model's Brier score {model:.3f} is "
        + ("below" if model < min(rivals.values()) else "not below")
        + f" every naive forecast's (best: {best}, {rivals[best]:.3f})."
    )
    gap = next(sc["model_minus"] for sc in scores["all"] if sc["name"] == best)
    verdict += (
        f" Model minus {best}: {scoring.BrierGap(**gap).describe()}, paired bootstrap over"
        f" the {n} cases; the model is better in {gap['share_better']:.0%} of resamples"
        + (
            f", and the interval includes zero: {n} cases cannot tell the two apart."
            if gap["low"] <= 0.0 <= gap["high"]
            else "."
        )
    )
    # A subset where the order turns is said, not left to the table.
    for subset, rows in scores.items():
        if subset == "all":
            continue
        briers = {sc["name"]: sc["brier"] for sc in rows}
        others = {k: v for k, v in briers.items() if k != "model"}
        if "model" not in briers or not others:
            continue
        first = min(others, key=lambda k: others[k])
        if (others[first] < briers["model"]) != (rivals[best] < model):
            lower = "model" if briers["model"] < others[first] else first
            verdict += (
                f" {subset[0].upper()}{subset[1:]} ({rows[0]['n']}) the order turns: {lower}"
                f" scores lower ({min(briers['model'], others[first]):.3f} against"
                f" {max(briers['model'], others[first]):.3f})."
            )
    return verdict


def calibration_plot(results: list[CaseResult], path: str | Path) -> Path:
    """A reliability diagram of the model's forecasts (and each case as a tick) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    y = [r.outcome for r in results]
    p = [r.p_model for r in results]
    table = scoring.calibration_table(p, y)
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfect calibration")
    ax.plot(
        [b.mean_forecast for b in table],
        [b.observed for b in table],
        marker="o",
        label="model (bins of 0.2)",
    )
    ax.scatter(p, [0.02 + 0.96 * float(v) for v in y], marker="|", color="black", label="cases")
    ax.set_xlabel("forecast P(large-scale violence within two years)")
    ax.set_ylabel("observed share")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left")
    out = Path(path)
    fig.savefig(out, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return out

"""The one tidy results type every face reads.

``Results`` holds four tables and a dictionary:

* ``experiments`` — one row per run: ``run_id, option, replication, seed`` and the parameter
  values it ran with (a sweep's adds ``point``, its design point);
* ``outcomes`` — tidy long: ``run_id, option, replication, region, nation, month, outcome, value``;
* ``status`` — one row per run: ``run_id, option, status, error`` (a failed run is a row, not
  a crash);
* ``region_months`` — per ``option, region, month``: quantiles of civilian deaths over
  replications (for maps);
* ``metadata`` — package version, scenario id and hash, seed, replications, data window, time.

Stage products that are not per-replication (requirement, coalition, sectors, bargain) live in
``plans`` keyed by option, for reports and dashboards.

The views (``options``, ``scalars``, ``summary``, ``compare``, ``monthly``) are computed once per
``Results`` and kept: the report, the narrative, the verdict, the terminal table and the dashboard
ask for them many times over (profile in ``docs/performance.md``). A kept view remembers the
tables it was computed from and is recomputed when one of them is replaced; callers get a copy,
so changing what they get back changes nothing here.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from grudging.errors import GrudgingError, did_you_mean
from grudging.results.saved import (
    EXTRA_LIST_FILE,
    METADATA_FILE,
    SAVED_TABLES,
    json_text,
    read_json_mapping,
)

INTERVAL = 0.9
#: The columns of :meth:`Results.compare` (also with no other option: an empty table).
COMPARE_COLUMNS = (
    "option",
    "baseline",
    "outcome",
    "mean_difference",
    "median_difference",
    "low",
    "high",
    "share_better",
    "share_worse",
)
#: The columns of :meth:`Results.summary` (also when no option ran: an empty table).
SUMMARY_COLUMNS = (
    "option",
    "outcome",
    "unit",
    "direction",
    "mean",
    "median",
    "low",
    "high",
    "replications",
)


#: The columns each saved table has at least (experiments add one per drawn parameter).
SAVED_COLUMNS = {
    "experiments": ("run_id", "option", "replication", "seed"),
    "outcomes": ("run_id", "option", "replication", "outcome", "value", "month"),
    "status": ("run_id", "option", "status", "error"),
    "region_months": ("option", "region", "month", "mean", "low", "median", "high"),
}


def _check_metadata(
    path: Path, metadata: Mapping[str, Any], experiments: pd.DataFrame, status: pd.DataFrame
) -> None:
    """The saved metadata describes the saved tables: the options they hold are those it lists,
    each run with the replications it says (an edited file would make a report claim them)."""
    fix = "save the results again"
    options, replications = metadata.get("options"), metadata.get("replications")
    if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
        raise GrudgingError(f"{path}: 'options' is not a list of option ids; {fix}")
    held = sorted({*experiments["option"].astype(str), *status["option"].astype(str)})
    unlisted = [o for o in held if o not in options]
    if unlisted:
        raise GrudgingError(
            f"{path}: the tables hold option{'s' if len(unlisted) > 1 else ''} "
            f"{', '.join(unlisted)}, which the metadata does not list ({', '.join(options)}); {fix}"
        )
    if isinstance(replications, bool) or not isinstance(replications, int):
        raise GrudgingError(f"{path}: 'replications' is not a whole number; {fix}")
    runs = experiments.groupby("option", sort=True).size()
    for option, count in runs.items():
        if count != replications:
            raise GrudgingError(
                f"{path}: says {replications:,} replications an option, but the tables hold "
                f"{count:,} runs of '{option}'; {fix}"
            )


def _as_saved(frame: pd.DataFrame) -> pd.DataFrame:
    """A table read back from Parquet with the column types it was saved with: a column of
    Python objects with gaps (a region, a month where one applies) comes back from the reader
    as a nullable type, and is turned back into objects with ``None`` in the gaps."""
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.api.extensions.ExtensionDtype) and values.isna().any():
            frame[column] = pd.Series(
                [None if pd.isna(v) else v for v in values.tolist()],
                index=frame.index,
                dtype=object,
            )
    return frame


#: The prefix of the folder a save is written into before it is moved into place.
STAGING_PREFIX = ".saving-"


def _check_interval(interval: Any) -> None:
    """Refuse a central interval that is not a share above 0 and at most 1."""
    if (
        isinstance(interval, bool)
        or not isinstance(interval, int | float | np.number)
        or not 0 < interval <= 1
    ):
        raise GrudgingError(
            f"interval = {interval!r}: give the central share of replications, above 0 and at "
            "most 1 (e.g. 0.9)"
        )


def _checked_extra(extra: Any) -> dict[str, str]:
    """The extra files of a save, refused unless each is a plain new file name with text."""
    if extra is None:
        return {}
    if not isinstance(extra, Mapping):
        raise GrudgingError(f"extra = {extra!r:.60}: give a mapping of file names to text")
    own = {METADATA_FILE, EXTRA_LIST_FILE, *(name + ".parquet" for name in SAVED_TABLES)}
    for name, text in extra.items():
        if not _plain_name(name):
            raise GrudgingError(
                f"extra: {name!r:.60} is not a plain file name; give one without a folder "
                "(e.g. 'notes.txt')"
            )
        if name in own or name.startswith(STAGING_PREFIX):
            raise GrudgingError(
                f"extra: '{name}' is a file of the saved results themselves; choose another name"
            )
        if not isinstance(text, str):
            raise GrudgingError(f"extra: '{name}': give the file's content as text")
    return dict(extra)


def _plain_name(name: Any) -> bool:
    """Whether ``name`` is a file name without a folder."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and Path(name).name == name
        and "\\" not in name
    )


def _extra_files_of(folder: Path) -> set[str]:
    """The extra files the save in ``folder`` wrote (none when it has no list, or a list that
    is not one of plain file names)."""
    try:
        names = json.loads((folder / EXTRA_LIST_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return set()
    if not isinstance(names, list):
        return set()
    own = {METADATA_FILE, EXTRA_LIST_FILE, *(t + ".parquet" for t in SAVED_TABLES)}
    return {n for n in names if _plain_name(n) and n not in own}


def sql_path(path: str | Path) -> str:
    """``path`` for a single-quoted SQL string literal (a quote in a folder's name doubled)."""
    return str(path).replace("'", "''")


_View = TypeVar("_View")


@dataclass(eq=False)  # tables compare element-wise; two Results are equal only if the same
class Results:
    """Experiments, outcomes, status and metadata of one run of the chain (or a sweep).

    The tables are the run's record: read them, do not edit them in place. The views
    (``summary``, ``compare``, ``monthly``, ...) are kept per table object, so a table edited in
    place still gives the views of the run; to study changed numbers, build new Results
    (``dataclasses.replace(results, outcomes=changed)``), whose views are computed afresh.
    """

    experiments: pd.DataFrame
    outcomes: pd.DataFrame
    status: pd.DataFrame
    metadata: dict[str, Any]
    region_months: pd.DataFrame = field(default_factory=pd.DataFrame)
    plans: dict[str, Any] = field(default_factory=dict)
    _views: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    # Views -----------------------------------------------------------------------------------
    def _kept(
        self, key: tuple[Any, ...], sources: tuple[Any, ...], compute: Callable[[], _View]
    ) -> _View:
        """The view ``key``, computed once from ``sources`` (the tables it reads) and kept while
        those very objects stay in place."""
        hit = self._views.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], sources, strict=True)):
            value: _View = hit[1]
            return value
        value = compute()
        self._views[key] = (sources, value)
        return value

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the kept views (they are recomputed on demand)."""
        state = dict(self.__dict__)
        state["_views"] = {}
        return state

    @property
    def options(self) -> list[str]:
        """Options in the order they were run."""
        column = self.experiments["option"]
        return list(self._kept(("options",), (self.experiments,), lambda: tuple(pd.unique(column))))

    def option_names(self) -> dict[str, str]:
        """Each option's name as the scenario gives it (its id when no name was recorded)."""
        plans = self.metadata.get("plans") or {}
        given = self.metadata.get("option_names") or {}  # every option run, failed ones too
        names = {}
        for option in [*self.options, *(o for o in given if o not in self.options)]:
            plan = self.plans.get(option)
            name = (
                (plans.get(option) or {}).get("name")
                or getattr(getattr(plan, "option", None), "name", None)
                or given.get(option)
            )
            names[option] = str(name or option)
        return names

    @property
    def has_patron(self) -> bool:
        """Whether the theatre run has a patron: only then do the results hold the patron's
        outcomes (:func:`grudging.model.outcomes.theatre_outcomes`), and only then may a face
        speak of the patron."""
        from grudging.model.outcomes import PATRON_OUTCOMES

        table = self.outcomes
        names = self._kept(
            ("outcome names",),
            (table,),
            lambda: frozenset(table["outcome"].unique()) if "outcome" in table else frozenset(),
        )
        return any(name in names for name in PATRON_OUTCOMES)

    def scalars(self) -> pd.DataFrame:
        """Wide table: one row per run, one column per scalar outcome."""
        return self._kept(("scalars",), (self.outcomes,), self._scalars).copy()

    def _scalars(self) -> pd.DataFrame:
        # the month first (it picks the fewest rows), the other columns on the rows left
        rows = self.outcomes[self.outcomes["month"].isna()]
        rows = rows[rows["region"].isna() & rows["nation"].isna()]
        wide = rows.pivot_table(
            index=["run_id", "option", "replication"], columns="outcome", values="value"
        )
        wide.columns.name = None
        return wide.reset_index()

    def summary(self, interval: float = INTERVAL) -> pd.DataFrame:
        """Per option and outcome: mean, median and the central ``interval`` of replications.

        Columns :data:`SUMMARY_COLUMNS`: ``low`` and ``high`` bound the central ``interval``
        (0.9: the 5th and 95th percentiles); ``unit`` and ``direction`` are the outcome's
        (:data:`grudging.model.outcomes.OUTCOMES`). A yes-or-no outcome (unit ``probability``,
        0 or 1 in each run) is read by its ``mean``, the share of runs; its median and interval
        are of 0s and 1s."""
        _check_interval(interval)
        sources = (self.experiments, self.outcomes)
        return self._kept(("summary", interval), sources, lambda: self._summary(interval)).copy()

    def _summary(self, interval: float) -> pd.DataFrame:
        from grudging.model.outcomes import OUTCOMES

        lo, hi = (1 - interval) / 2, 1 - (1 - interval) / 2
        wide = self.scalars()
        rows = []
        for option, group in wide.groupby("option", sort=False):
            for name in [c for c in wide.columns if c in OUTCOMES]:
                v = group[name].to_numpy(dtype=float)
                rows.append(
                    {
                        "option": option,
                        "outcome": name,
                        "unit": OUTCOMES[name].unit,
                        "direction": OUTCOMES[name].direction,
                        "mean": float(np.mean(v)),
                        "median": float(np.median(v)),
                        "low": float(np.quantile(v, lo)),
                        "high": float(np.quantile(v, hi)),
                        "replications": int(v.size),
                    }
                )
        table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
        order = {o: i for i, o in enumerate(self.options)}
        return table.sort_values(
            ["outcome", "option"],
            key=lambda s: s.map(order) if s.name == "option" else s,
            kind="stable",
        ).reset_index(drop=True)

    def compare(self, baseline: str, interval: float = INTERVAL) -> pd.DataFrame:
        """Paired differences against ``baseline`` (common random numbers: same replication).

        Columns :data:`COMPARE_COLUMNS`: each difference is option minus baseline, replication
        by replication; ``low`` and ``high`` bound its central ``interval``; ``share_better`` and
        ``share_worse`` are the shares of paired runs in which the option does better or worse,
        by the outcome's direction (fewer deaths is better; a deal more likely is better)."""
        _check_interval(interval)
        if not isinstance(baseline, str) or baseline not in self.options:
            hint = did_you_mean(str(baseline), self.options)
            raise GrudgingError(
                f"option '{baseline}' is not in these results (they ran "
                f"{', '.join(self.options)}){hint}; to compare against another option, run it "
                "too: grudging.simulate(scenario, options=[...])"
            )
        sources = (self.experiments, self.outcomes)
        key = ("compare", baseline, interval)
        return self._kept(key, sources, lambda: self._compare(baseline, interval)).copy()

    def _compare(self, baseline: str, interval: float) -> pd.DataFrame:
        from grudging.model.outcomes import OUTCOMES

        lo, hi = (1 - interval) / 2, 1 - (1 - interval) / 2
        wide = self.scalars().set_index(["option", "replication"])
        present = set(wide.index.get_level_values(0))
        if baseline not in present:
            raise GrudgingError(
                f"the baseline option '{baseline}' has no results (it failed: see the status "
                "table); compare against another option"
            )
        base = wide.loc[baseline]
        rows = []
        for option in self.options:
            if option == baseline or option not in present:
                continue
            other = wide.loc[option]
            common = other.index.intersection(base.index)
            for name in [c for c in wide.columns if c in OUTCOMES]:
                d = (other.loc[common, name] - base.loc[common, name]).to_numpy(dtype=float)
                better = d < 0 if OUTCOMES[name].direction == "minimize" else d > 0
                worse = d > 0 if OUTCOMES[name].direction == "minimize" else d < 0
                rows.append(
                    {
                        "option": option,
                        "baseline": baseline,
                        "outcome": name,
                        "mean_difference": float(np.mean(d)),
                        "median_difference": float(np.median(d)),
                        "low": float(np.quantile(d, lo)),
                        "high": float(np.quantile(d, hi)),
                        "share_better": float(np.mean(better)),
                        "share_worse": float(np.mean(worse)),
                    }
                )
        return pd.DataFrame(rows, columns=COMPARE_COLUMNS)

    def monthly(self, outcome: str = "civilian_deaths", interval: float = INTERVAL) -> pd.DataFrame:
        """Per option and month: median and central interval of a monthly series (fan charts)."""
        _check_interval(interval)
        key = ("monthly", outcome, interval)
        compute = lambda: self._monthly(outcome, interval)  # noqa: E731
        return self._kept(key, (self.outcomes,), compute).copy()

    def _monthly(self, outcome: str, interval: float) -> pd.DataFrame:
        lo, hi = (1 - interval) / 2, 1 - (1 - interval) / 2
        rows = self.outcomes[
            (self.outcomes["outcome"] == outcome)
            & self.outcomes["month"].notna()
            & self.outcomes["region"].isna()
        ]
        if rows.empty:
            series = self.outcomes.loc[self.outcomes["month"].notna(), "outcome"]
            raise GrudgingError(
                f"no monthly series of '{outcome}' in these results; monthly series: "
                f"{', '.join(sorted(series.unique())) or 'none'}"
            )
        grouped = rows.groupby(["option", "month"], sort=False)["value"]
        table = grouped.quantile(np.array([lo, 0.5, hi])).unstack()
        table.columns = ["low", "median", "high"]
        table["mean"] = grouped.mean()
        return table.reset_index()

    # Persistence -----------------------------------------------------------------------------
    def save(
        self, folder: str | Path, extra: Mapping[str, str] | None = None, overwrite: bool = False
    ) -> Path:
        """Write the tables as Parquet and the metadata as JSON into ``folder``, with the text
        files in ``extra`` (name -> content) beside them.

        A folder that already holds saved results is refused unless ``overwrite``, which replaces
        them whole: the extra files of the save replaced are removed unless written again.
        Everything is written into a staging folder inside ``folder`` first and moved into place
        only once complete, the metadata last (it is what marks saved results): a save that fails
        part-way leaves what the folder held before.
        """
        import duckdb

        extra = _checked_extra(extra)
        if not isinstance(overwrite, bool | np.bool_):
            raise GrudgingError(f"overwrite = {overwrite!r}: give True or False")
        overwrite = bool(overwrite)
        if not isinstance(folder, str | Path) or not str(folder).strip():
            raise GrudgingError(f"folder = {folder!r:.60}: give the path of a folder to save into")
        out = Path(folder)
        if out.exists() and not out.is_dir():
            raise GrudgingError(f"{out}: a file, not a folder; save into a folder")
        if (out / METADATA_FILE).exists() and not overwrite:
            raise GrudgingError(
                f"{out}: the folder already holds saved results; save into another folder, or "
                "pass overwrite=True to replace them"
            )
        try:
            out.mkdir(parents=True, exist_ok=True)
            stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
        except OSError as err:
            raise GrudgingError(
                f"{out}: cannot write there ({err.strerror or err}); choose a folder you can write"
            ) from None
        try:
            con = duckdb.connect()
            for name in SAVED_TABLES:
                frame = getattr(self, name)
                if frame.columns.empty:  # a table never filled (Results' default) has its columns
                    frame = pd.DataFrame(columns=list(SAVED_COLUMNS[name]))
                con.register("frame", frame)
                target = sql_path(stage / (name + ".parquet"))
                con.execute(
                    f"COPY (SELECT * FROM frame) TO '{target}' (FORMAT parquet, COMPRESSION zstd)"
                )
                con.unregister("frame")
            con.close()
            for name, text in extra.items():
                (stage / name).write_text(text, encoding="utf-8")
            (stage / EXTRA_LIST_FILE).write_text(json.dumps(sorted(extra)))
            (stage / METADATA_FILE).write_text(json_text(self.metadata))
            replaced = _extra_files_of(out)
            written = [name + ".parquet" for name in SAVED_TABLES] + list(extra)
            for name in [*written, EXTRA_LIST_FILE, METADATA_FILE]:
                os.replace(stage / name, out / name)
            for name in sorted(replaced - set(extra)):
                (out / name).unlink(missing_ok=True)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        return out

    @classmethod
    def load(cls, folder: str | Path) -> Results:
        """Read results written by :meth:`save`: the same tables, value for value and column
        type for column type (the plans are not saved; their summaries are in the metadata).
        A folder whose files are missing, damaged or of another kind is refused by name."""
        import duckdb

        src = Path(folder)
        if not (src / METADATA_FILE).is_file():
            raise GrudgingError(f"{src}: no saved results here ({METADATA_FILE} is missing)")
        metadata = read_json_mapping(
            src / METADATA_FILE, "the metadata of saved results", "save the results again"
        )
        con = duckdb.connect()

        def read(name: str) -> pd.DataFrame:
            path = src / (name + ".parquet")
            if not path.is_file():
                raise GrudgingError(
                    f"{path}: missing; the folder holds no complete saved results (save again)"
                )
            try:
                frame = con.execute(f"SELECT * FROM '{sql_path(path)}'").df()
            except duckdb.Error as err:
                raise GrudgingError(
                    f"{path}: cannot be read as a saved table ({str(err).splitlines()[0]}); "
                    "save the results again"
                ) from None
            lacking = [c for c in SAVED_COLUMNS[name] if c not in frame.columns]
            if lacking and len(frame):  # (a run whose every option failed has no region rows)
                raise GrudgingError(
                    f"{path}: not the {name} table of saved results (no column "
                    f"{', '.join(lacking)}); save the results again"
                )
            return _as_saved(frame)

        try:
            experiments, status = read("experiments"), read("status")
            _check_metadata(src / METADATA_FILE, metadata, experiments, status)
            return cls(
                experiments=experiments,
                outcomes=read("outcomes"),
                status=status,
                metadata=metadata,
                region_months=read("region_months"),
            )
        finally:
            con.close()

    # Display ---------------------------------------------------------------------------------
    def __repr__(self) -> str:
        return (
            f"Results(scenario={self.metadata.get('scenario')!r}, options={self.options}, "
            f"runs={len(self.experiments)}, outcome rows={len(self.outcomes)})"
        )

    def _repr_html_(self) -> str:
        """The main outcomes by option, as the terminal and the report write them: a median
        and its 90 % interval (``124k [104k – 160k]``), a share of runs for a yes-or-no one."""
        import html

        from grudging.report import numbers as fmt
        from grudging.results.verdict import MAIN_OUTCOMES

        table = self.summary()
        rows = []
        for outcome in MAIN_OUTCOMES:
            for r in table[table["outcome"] == outcome].to_dict("records"):
                if r["unit"] == "probability":
                    cell = f"{fmt.percent(r['mean'])} of runs"
                else:
                    cell = fmt.interval(r["median"], r["low"], r["high"], str(r["unit"]))
                rows.append((fmt.outcome_label(outcome), str(r["option"]), cell))
        body = "".join(
            f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td><td>{html.escape(c)}</td></tr>"
            for a, b, c in rows
        )
        return (
            f"<p><b>grudging results</b> — scenario {self.metadata.get('scenario')}, "
            f"{len(self.experiments)} runs; median [90 % interval] over the runs</p>"
            f"<table><tr><th>outcome</th><th>option</th><th>value</th></tr>{body}</table>"
        )

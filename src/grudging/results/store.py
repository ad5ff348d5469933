"""The sweep store: one DuckDB file that a sweep streams its runs into, chunk by chunk.

Tables (stable ``snake_case`` columns):

* ``meta`` — one row: format version, package and version, scenario id, hash and content (so
  workers and a resumed sweep rebuild exactly the scenario that started it), seed, design spec,
  factors, options, replications, block size, whether monthly series are kept, data window,
  information date, creation time;
* ``points`` — one row per design point: ``point``, ``group_key`` (the plan it shares) and the value
  of every factor;
* ``design_unit`` — the same points on the unit hypercube (what SALib's analysers read);
* ``status`` — a view, one row per run: ``run_id, point, option, replication, block, row, status,
  error, worker, seconds`` (a failed run is a row with its error);
* ``outcomes`` — a view, tidy long: ``run_id, point, option, replication, region, nation, month,
  outcome, value`` (scalar outcomes per run; national monthly series too when asked);
* ``chunks`` — one row per finished chunk (primary key ``chunk_id``): its option, block, runs,
  failures, worker and seconds;
* ``experiments`` — a view: every run with its seed, block and its point's factor values.

The views read the same columns whatever the layout (``FORMAT_VERSION``) underneath:

* format 3 (new sweeps): ``run_rows`` holds one row per run and only what is per run — its chunk
  (``chunks.chunk_no``), row in the chunk, point, replication, and one ``DOUBLE`` column per
  scalar outcome (NULL for a failed run); the option, status, error, worker and seconds are the
  chunk's, joined in by the views. ``outcome_rows`` holds the monthly series (when asked) in the
  long layout of format 2. The file uses DuckDB blocks of :data:`BLOCK_BYTES` instead of 256 kB,
  so that the last, partly filled block of each table and column costs little;
* format 2: ``run_status`` (one row per run with its worker, block and seconds) and
  ``outcome_rows`` (one row per run and outcome);
* format 1: as format 2, with ``run_id`` stored in each row.

A run's ``run_id`` (``point/option/replication``) is made by the views from the columns that
identify the run, not stored: repeated on each of a run's outcome rows it was a third of the file.
Outcome values stay ``DOUBLE`` in every layout, so the values read back are the very float64 the
run computed; DuckDB's lossless compressions (ALP for decimals and integral values, RLE, constants)
make them small once each outcome has its own column (``docs/performance.md``).

A chunk's rows go in inside one transaction together with its ``chunks`` row, so a killed process
loses at most the chunks in flight, never half a chunk, and a resumed sweep recomputes exactly the
chunks that are missing. The primary key on ``chunk_id`` refuses a chunk stored twice.

Damage
------
Opening a store checks that the file is as long as its DuckDB header says (a copy cut short, a disk
that filled up) and that the row counts agree with the ``chunks`` table; opening it to resume a
sweep also reads every value once (DuckDB checks each block's checksum). Any DuckDB error while
reading becomes one :class:`~grudging.errors.StoreError` naming the file. A damaged store is never
modified, and never reported complete.
"""

from __future__ import annotations

import json
import shutil
import struct
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from grudging.errors import StoreError, unknown_name
from grudging.results.results import sql_path
from grudging.results.saved import json_text

if TYPE_CHECKING:
    import duckdb

    from grudging.results.results import Results

#: Version of the store's layout that new sweeps write; a store of another version than
#: :data:`READABLE` is refused with the fix.
FORMAT_VERSION = 3
#: Layouts this version reads, writes into and resumes.
READABLE = (1, 2, 3)
#: DuckDB block size of a format 3 store's file (DuckDB's default is 256 kB: with a dozen small
#: tables and columns, the partly filled blocks were most of a 10,000-run store).
BLOCK_BYTES = 32_768
#: Memory DuckDB may use in the sweep's process (its buffer pool), so memory stays flat.
WRITER_MEMORY = "32MB"

META_COLUMNS = (
    "format_version",
    "package",
    "version",
    "scenario_id",
    "scenario_hash",
    "seed",
    "replications",
    "block",
    "monthly",
    "total_runs",
    "options",
    "outcomes",
    "design",
    "factors",
    "data_window",
    "information_date",
    "created",
    "scenario",
)
#: Metadata a store may lack (written by later versions; absent from older stores).
META_OPTIONAL = ("overrides",)
_JSON = ("options", "outcomes", "design", "factors", "data_window", "scenario", "overrides")
#: Tables of a store by format, each read in full by :meth:`Store.verify`.
TABLES = {
    1: ("meta", "points", "design_unit", "chunks", "status", "outcomes"),
    2: ("meta", "points", "design_unit", "chunks", "run_status", "outcome_rows"),
    3: ("meta", "points", "design_unit", "chunks", "run_rows", "outcome_rows"),
}
#: Row order of each exported table: its key, so that an export is the same file whichever
#: executor ran the sweep and in whatever order its chunks finished.
EXPORT_ORDER = {
    "experiments": "point, option, replication",
    "outcomes": (
        "point, option, replication, outcome, region NULLS FIRST, nation NULLS FIRST, "
        "month NULLS FIRST"
    ),
    "status": "point, option, replication",
    "points": "point",
    "chunks": "option, group_key, block",
    "design_unit": "point",
}
#: Columns of a format 3 ``run_rows`` table before its outcome columns.
RUN_KEYS = ("chunk", "row", "point", "replication")
#: Bytes before a DuckDB file's first block: its main header and two database headers.
_HEADER_BYTES = 3 * 4096
#: Words in DuckDB's error messages that mean the file itself is broken.
_DAMAGE_WORDS = (
    "could not read enough bytes",
    "corrupt",
    "checksum",
    "not a valid duckdb database",
    "serialization",
    "invalid block",
)


def damaged(path: str | Path, detail: str) -> StoreError:
    """The one message for a damaged store: the file, what is wrong, and what to do."""
    return StoreError(
        f"{path}: the store is damaged ({detail}); its results cannot be trusted. Nothing was "
        "changed in it: restore it from a copy, or run the sweep again into a new store"
    )


def _is_damage(err: Exception) -> bool:
    return any(word in str(err).lower() for word in _DAMAGE_WORDS)


def _duckdb_error(path: str | Path, err: Exception) -> StoreError:
    """A DuckDB error while using the store at ``path`` as one StoreError."""
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    if _is_damage(err):
        return damaged(path, f"DuckDB: {text}")
    return StoreError(f"{path}: the store could not be read (DuckDB: {text})")


@contextmanager
def guard(path: str | Path) -> Iterator[None]:
    """Turn DuckDB's errors while reading the store at ``path`` into one StoreError, and a query
    that Ctrl-C interrupted into the KeyboardInterrupt it was."""
    import duckdb

    try:
        yield
    except (duckdb.Error, RuntimeError) as err:
        if interrupted(err):
            raise KeyboardInterrupt from None
        if not isinstance(err, duckdb.Error):
            raise
        raise _duckdb_error(path, err) from None


def interrupted(err: BaseException) -> bool:
    """Whether ``err`` is Ctrl-C, or DuckDB's report of a query it stopped (its
    ``InterruptException``, or a ``RuntimeError`` 'Query interrupted' from a commit)."""
    import duckdb

    if isinstance(err, KeyboardInterrupt | duckdb.InterruptException):
        return True
    return isinstance(err, RuntimeError | duckdb.Error) and "interrupted" in str(err).lower()


def expected_size(path: str | Path) -> int | None:
    """Bytes a DuckDB file must hold by its own header (headers plus its blocks), or None when
    the header is not one this check can read (DuckDB then judges the file itself)."""
    with open(path, "rb") as fh:
        data = fh.read(_HEADER_BYTES)
    if len(data) < _HEADER_BYTES or data[8:12] != b"DUCK":
        return None
    best: tuple[int, int, int] | None = None
    for offset in (4096, 8192):  # two database headers; the higher iteration is the live one
        _, iteration, _, _, blocks, block_size = struct.unpack_from("<QQQQQQ", data, offset)
        plausible = 4096 <= block_size <= 2**30 and not block_size & (block_size - 1)
        if plausible and blocks < 2**40 and (best is None or iteration > best[0]):
            best = (iteration, blocks, block_size)
    if best is None:
        return None
    return _HEADER_BYTES + best[1] * best[2]


@dataclass
class ChunkRows:
    """What one finished chunk adds to the store."""

    chunk_id: str
    group_key: str
    block: int
    option: str
    points: np.ndarray  # (R,) int64
    replications: np.ndarray  # (R,) int
    status: str  # "ok" or "failed"
    error: str | None
    worker: str
    seconds: float
    outcomes: Mapping[str, np.ndarray]  # scalar outcome -> (R,)
    monthly: Mapping[str, np.ndarray]  # monthly series -> (R, T)

    @property
    def runs(self) -> int:
        """Runs in the chunk."""
        return int(self.points.size)


class Store:
    """A sweep's results on disk (open with :func:`open_store`, or create with :meth:`create`)."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, read_only: bool) -> None:
        self.path = path
        self.con = con
        self.read_only = read_only
        self._meta: dict[str, Any] | None = None

    # Creating and opening --------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: str | Path,
        meta: Mapping[str, Any],
        points: pd.DataFrame,
        unit: pd.DataFrame,
    ) -> Store:
        """A new store at ``path`` holding the sweep's metadata and design (refuses to overwrite)."""
        import duckdb

        target = Path(path)
        if target.exists():
            if _is_duckdb_file(target):
                raise StoreError(
                    f"{target}: a DuckDB database already exists here (a store: continue its "
                    "sweep with --resume; another database: it is left as it is); give a new path"
                )
            hint = (
                " (a scenario comes after the store, or with --scenario)"
                if target.suffix.lower() in (".yaml", ".yml")
                else ""
            )
            raise StoreError(
                f"{target}: a file that is not a store{hint}; give a new path for the store"
            )
        if not target.parent.exists():
            raise StoreError(f"{target}: the folder {target.parent} does not exist; create it")
        config: dict[str, str | bool | int | float | list[str]] = (
            {"default_block_size": str(BLOCK_BYTES)} if meta.get("format_version") == 3 else {}
        )
        # The design is written once, in one transaction, and is already in memory as frames:
        # give that step room for a copy of it; the writer's limit then holds for the runs.
        design_bytes = int(
            points.memory_usage(deep=True).sum() + unit.memory_usage(deep=True).sum()
        )
        con = None
        try:  # stopped half-way (an error, Ctrl-C), no file is left: the path stays free
            con = duckdb.connect(str(target), config=config)
            con.execute(f"SET memory_limit = '{max(2 * design_bytes, 64 << 20) >> 20}MB'")
            store = cls(target, con, read_only=False)
            store._create_tables(meta, points, unit)
            con.execute(f"SET memory_limit = '{WRITER_MEMORY}'")
        except BaseException as err:
            # DuckDB stops a query on Ctrl-C and Python may raise the KeyboardInterrupt again a
            # moment later, inside this cleanup: the files go whatever is raised meanwhile.
            try:
                if con is not None:
                    with suppress(Exception):
                        con.close()
            finally:
                target.unlink(missing_ok=True)
                Path(str(target) + ".wal").unlink(missing_ok=True)
            if interrupted(err):
                raise KeyboardInterrupt from None
            raise
        return store

    @classmethod
    def open(cls, path: str | Path, read_only: bool = True) -> Store:
        """An existing store (read-only unless a sweep is to continue in it)."""

        target = Path(path)
        if target.is_dir():
            raise StoreError(f"{target}: a folder, not a store; give the store's .duckdb file")
        if not target.is_file():
            raise StoreError(f"{target}: no store here; run 'grudging sweep {target}' first")
        if not _is_duckdb_file(target):
            raise StoreError(
                f"{target}: not a DuckDB store, or one damaged beyond reading (a store is the "
                ".duckdb file 'grudging sweep' writes; an exported table cannot be read as one)"
            )
        try:
            need = expected_size(target)
        except OSError as err:
            raise StoreError(f"{target}: cannot read the store ({err.strerror})") from None
        size = target.stat().st_size
        if need is not None and size < need:
            raise damaged(
                target,
                f"the file has {size:,} bytes but its header describes {need:,}: it was cut "
                "short, by a copy that did not finish or a disk that filled up",
            )
        if not read_only:
            # A sweep is to continue: read every value back through a read-only connection
            # first, so that a damaged store is refused before anything is written to it.
            cls._connect(target, True, verify=True).close()
        return cls._connect(target, read_only, verify=False)

    @classmethod
    def _connect(cls, target: Path, read_only: bool, verify: bool) -> Store:
        """A connection to the store at ``target`` whose metadata and counts were checked."""
        import duckdb

        try:
            con = duckdb.connect(str(target), read_only=read_only)
        except duckdb.Error as err:
            text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            if "could not set lock" in text.lower() or "conflicting lock" in text.lower():
                raise StoreError(
                    f"{target}: the store is in use by another process (a sweep still running?); "
                    "wait for it to finish or stop it"
                ) from None
            if "not a valid duckdb database" in text.lower():
                raise StoreError(
                    f"{target}: not a DuckDB store, or one damaged beyond reading (DuckDB: "
                    f"{text}); give the .duckdb file a sweep wrote"
                ) from None
            raise _duckdb_error(target, err) from None
        store = cls(target, con, read_only)
        try:
            with guard(target):
                tables = {
                    row[0]
                    for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
                }
                if not tables:
                    raise StoreError(
                        f"{target}: an empty DuckDB file (no tables: a sweep stopped while it "
                        "was creating its store?); nothing is stored in it: delete it and run "
                        "the sweep again"
                    )
                if "meta" not in tables:
                    raise StoreError(
                        f"{target}: a DuckDB file but not a grudging store (no 'meta' table)"
                    )
                version = store.meta["format_version"]
                if version not in READABLE:
                    raise StoreError(
                        f"{target}: store format {version}, this grudging reads formats "
                        f"{', '.join(map(str, READABLE))}; re-run the sweep with this version"
                    )
                missing = [t for t in TABLES[version] if t not in tables]
                if missing:
                    raise damaged(
                        target,
                        f"the table{'s' if len(missing) > 1 else ''} "
                        f"{', '.join(missing)} {'are' if len(missing) > 1 else 'is'} "
                        "missing",
                    )
                store.check_consistency()
                if verify:
                    store.verify()
        except BaseException:
            con.close()
            raise
        return store

    def _create_tables(
        self, meta: Mapping[str, Any], points: pd.DataFrame, unit: pd.DataFrame
    ) -> None:
        con = self.con
        missing = [c for c in META_COLUMNS if c not in meta]
        if missing:
            raise StoreError(f"store metadata lacks {', '.join(missing)}")
        version = meta["format_version"]
        if version not in READABLE:
            raise StoreError(f"store format {version}: write one of {READABLE}")
        run_id = "concat(point, '/', option, '/', replication) AS run_id"
        physical = ("status", "outcomes") if version == 1 else TABLES[2][4:]
        key = "run_id VARCHAR, " if version == 1 else ""
        columns = (*META_COLUMNS, *(c for c in META_OPTIONAL if c in meta))
        row = {c: (json_text(meta[c], indent=None) if c in _JSON else meta[c]) for c in columns}
        meta_frame = pd.DataFrame([row])
        # The frames come in point order: copied as they are, a design of any width fits in the
        # writer's small memory limit (sorting a 100,000-point design of 130 factors did not).
        if not (points["point"].is_monotonic_increasing and unit["point"].is_monotonic_increasing):
            points = points.sort_values("point", kind="stable")
            unit = unit.sort_values("point", kind="stable")
        con.execute("BEGIN TRANSACTION")
        con.register("meta_frame", meta_frame)
        con.execute("CREATE TABLE meta AS SELECT * FROM meta_frame")
        con.unregister("meta_frame")
        con.register("points_frame", points)
        con.execute("CREATE TABLE points AS SELECT * FROM points_frame")
        con.unregister("points_frame")
        con.register("unit_frame", unit)
        con.execute("CREATE TABLE design_unit AS SELECT * FROM unit_frame")
        con.unregister("unit_frame")
        per_chunk = ", chunk_no INTEGER, status VARCHAR, error VARCHAR" if version == 3 else ""
        con.execute(
            f"""
            CREATE TABLE chunks (
                chunk_id VARCHAR PRIMARY KEY, group_key VARCHAR, block INTEGER, option VARCHAR,
                runs INTEGER, failed INTEGER, worker VARCHAR, seconds DOUBLE,
                finished TIMESTAMP DEFAULT current_timestamp{per_chunk}
            )"""
        )
        if version != 3:
            con.execute(
                f"""
                CREATE TABLE {physical[0]} (
                    {key}point BIGINT, option VARCHAR, replication INTEGER,
                    block VARCHAR, "row" INTEGER, status VARCHAR, error VARCHAR, worker VARCHAR,
                    seconds DOUBLE
                )"""
            )
        con.execute(
            f"""
            CREATE TABLE {physical[1]} (
                {key}point BIGINT, option VARCHAR, replication INTEGER,
                region VARCHAR, nation VARCHAR, month INTEGER, outcome VARCHAR, value DOUBLE
            )"""
        )
        if version == 3:
            self._create_run_rows(list(meta["outcomes"]))
        if version == 2:
            con.execute(f"CREATE VIEW status AS SELECT {run_id}, * FROM {physical[0]}")
            con.execute(f"CREATE VIEW outcomes AS SELECT {run_id}, * FROM {physical[1]}")
        con.execute(
            """
            CREATE VIEW experiments AS
            SELECT s.run_id, s.point, s.option, s.replication, m.seed, s.block, s."row",
                   p.* EXCLUDE (point, group_key)
            FROM status s JOIN points p USING (point) CROSS JOIN (SELECT seed FROM meta) m"""
        )
        con.execute("COMMIT")

    def _create_run_rows(self, outcomes: list[str]) -> None:
        """Format 3: the per-run table, one ``DOUBLE`` column per scalar outcome, and the
        ``status`` and ``outcomes`` views that give the columns of the older layouts."""
        seen = {k: k for k in RUN_KEYS}
        for name in outcomes:
            other = seen.get(name.lower())
            if other is not None:
                raise StoreError(
                    f"store metadata 'outcomes': '{name}' clashes with the "
                    f"{'run column' if other in RUN_KEYS else 'outcome'} '{other}' (DuckDB "
                    "compares names without case); rename the outcome"
                )
            seen[name.lower()] = name
        columns = ", ".join(f"{_ident(name)} DOUBLE" for name in outcomes)
        con = self.con
        con.execute(
            f"""
            CREATE TABLE run_rows (
                chunk INTEGER, "row" INTEGER, point BIGINT, replication INTEGER
                {", " + columns if columns else ""}
            )"""
        )
        con.execute(
            """
            CREATE VIEW status AS
            SELECT concat(r.point, '/', c.option, '/', r.replication) AS run_id, r.point, c.option,
                   r.replication, concat(c.group_key, '/', c.block) AS block, r."row", c.status,
                   c.error, c.worker, c.seconds / greatest(c.runs, 1) AS seconds
            FROM run_rows r JOIN chunks c ON r.chunk = c.chunk_no"""
        )
        # A run that ran has every outcome (a NULL is a value the run gave as NaN, as before);
        # a failed run has none.
        scalar = (
            f"""
            SELECT point, option, replication, NULL::VARCHAR AS region, NULL::VARCHAR AS nation,
                   NULL::INTEGER AS month, outcome, value
            FROM (
                SELECT r.point, c.option, r.replication,
                       {", ".join(f"r.{_ident(n)}" for n in outcomes)}
                FROM run_rows r JOIN chunks c ON r.chunk = c.chunk_no
                WHERE c.status = 'ok'
            ) UNPIVOT INCLUDE NULLS (
                value FOR outcome IN ({", ".join(_ident(n) for n in outcomes)})
            )
            UNION ALL"""
            if outcomes
            else ""
        )
        con.execute(
            f"""
            CREATE VIEW outcomes AS
            SELECT concat(point, '/', option, '/', replication) AS run_id, *
            FROM ({scalar}
                SELECT point, option, replication, region, nation, month, outcome, value
                FROM outcome_rows
            )"""
        )

    # Checks ------------------------------------------------------------------------------------
    def check_consistency(self) -> None:
        """Refuse a store whose row counts disagree with its ``chunks`` table and metadata (cheap:
        DuckDB keeps the counts)."""
        meta = self.meta
        with guard(self.path):
            chunks, stored, failed = self.con.execute(
                "SELECT count(*), coalesce(sum(runs), 0), coalesce(sum(failed), 0) FROM chunks"
            ).fetchone() or (0, 0, 0)
            status_rows = self._count("status")
            points = self._count("points")
            per_run = len(meta["outcomes"])
            if meta["format_version"] == 3:
                # The scalar outcome rows the view makes, counted without making them.
                ran = self.con.execute(
                    "SELECT count(*) FROM run_rows r JOIN chunks c ON r.chunk = c.chunk_no "
                    "WHERE c.status = 'ok'"
                ).fetchone()
                outcome_rows = (int(ran[0]) if ran else 0) * per_run + self._count("outcome_rows")
            else:
                outcome_rows = self._count("outcomes")
        total = int(meta["total_runs"])
        ok = int(stored) - int(failed)
        problems = []
        if points == 0:
            problems.append("it holds no design points")
        if stored > total:
            problems.append(f"its chunks record {stored:,} runs, more than the {total:,} designed")
        if failed > stored:
            problems.append(f"its chunks record {failed:,} failed runs of {stored:,}")
        if status_rows != stored:
            problems.append(
                f"the status table has {status_rows:,} rows for the {stored:,} runs that its "
                f"{chunks:,} chunks record"
            )
        low = ok * per_run  # every run that ran has each scalar outcome
        if meta.get("monthly"):
            if outcome_rows < low:
                problems.append(f"{outcome_rows:,} outcome rows where at least {low:,} belong")
        elif outcome_rows != low:
            problems.append(
                f"{outcome_rows:,} outcome rows where {ok:,} runs x {per_run} outcomes = "
                f"{low:,} belong"
            )
        if problems:
            raise damaged(self.path, "; ".join(problems))

    def _count(self, table: str) -> int:
        row = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else 0

    def verify(self) -> None:
        """Read every value of every table once, so that a damaged block (DuckDB checks each
        block's checksum) is found now rather than half-way through an analysis."""
        with guard(self.path):
            for table in TABLES[self.meta["format_version"]]:
                self.con.execute(f"SELECT bit_xor(hash(COLUMNS(*))) FROM {table}").fetchall()

    # Metadata and progress -------------------------------------------------------------------
    @property
    def meta(self) -> dict[str, Any]:
        """The sweep's metadata (JSON columns decoded)."""
        if self._meta is None:
            with guard(self.path):
                frame = self.con.execute("SELECT * FROM meta").df()
            if len(frame) != 1:
                raise damaged(self.path, f"its meta table has {len(frame)} rows instead of one")
            raw = frame.iloc[0].to_dict()
            out: dict[str, Any] = {}
            for name, value in raw.items():
                key = str(name)
                if key in _JSON:
                    try:
                        out[key] = json.loads(value)
                    except (TypeError, ValueError):
                        raise damaged(self.path, f"its metadata '{key}' is not JSON") from None
                elif isinstance(value, np.generic):
                    out[key] = value.item()
                else:
                    out[key] = value
            self._meta = out
        return self._meta

    def writing(self) -> None:
        """Cap DuckDB's memory for the runs to come (:data:`WRITER_MEMORY`), so a sweep's memory
        stays flat. Not before: a resumed sweep first reads its whole design back, which a
        large design cannot do within the cap."""
        with guard(self.path):
            self.con.execute(f"SET memory_limit = '{WRITER_MEMORY}'")

    def done_chunks(self) -> set[str]:
        """Ids of the chunks already stored."""
        with guard(self.path):
            rows = self.con.execute("SELECT chunk_id FROM chunks").fetchall()
        return {row[0] for row in rows}

    def counts(self) -> dict[str, int]:
        """Runs stored, failed and expected."""
        with guard(self.path):
            stored, failed = self.con.execute(
                "SELECT coalesce(sum(runs), 0), coalesce(sum(failed), 0) FROM chunks"
            ).fetchone() or (0, 0)
        return {
            "stored": int(stored),
            "failed": int(failed),
            "total": int(self.meta["total_runs"]),
        }

    @property
    def complete(self) -> bool:
        """Whether every run of the design is stored."""
        c = self.counts()
        return c["stored"] == c["total"]

    def require_complete(self, purpose: str) -> None:
        """Refuse an analysis of an unfinished sweep, saying how to finish it."""
        c = self.counts()
        if c["stored"] != c["total"]:
            raise StoreError(
                f"{self.path}: the sweep is unfinished ({c['stored']:,} of {c['total']:,} runs "
                f"stored); {purpose} needs every run: finish it with 'grudging sweep "
                f"{self.path} --resume'"
            )

    # Writing ------------------------------------------------------------------------------------
    def write_chunk(self, chunk: ChunkRows) -> None:
        """Store one chunk's runs, outcomes and its ``chunks`` row in one transaction; a chunk
        without exactly the store's outcomes is refused (in every layout) before anything is
        written."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")
        names = sorted(self.meta["outcomes"])
        if chunk.status == "ok" and sorted(chunk.outcomes) != names:
            raise StoreError(
                f"{self.path}: chunk {chunk.chunk_id} has the outcomes "
                f"{', '.join(sorted(chunk.outcomes)) or 'none'}; the store holds "
                f"{', '.join(names) or 'none'}"
            )
        if self.meta["format_version"] == 3:
            self._write_runs(chunk)
            return
        R = chunk.runs
        reps = chunk.replications.astype(np.int32)
        pts = chunk.points.astype(np.int64)
        failed = chunk.status != "ok"
        status = pd.DataFrame(
            {
                "point": pts,
                "replication": reps,
                "row": np.arange(R, dtype=np.int32),
                "status": chunk.status,
                "error": chunk.error,
                "seconds": chunk.seconds / max(R, 1),
            }
        )
        frames = []
        if not failed:
            names = list(chunk.outcomes)
            if names:
                frames.append(
                    pd.DataFrame(
                        {
                            "point": np.tile(pts, len(names)),
                            "replication": np.tile(reps, len(names)),
                            "month": pd.array([None] * (R * len(names)), dtype="Int32"),
                            "outcome": np.repeat(np.array(names, dtype=object), R),
                            "value": np.concatenate(
                                [np.asarray(chunk.outcomes[n], dtype=float) for n in names]
                            ),
                        }
                    )
                )
            frames += _monthly_frames(chunk, pts, reps)
        con = self.con
        block = f"{chunk.group_key}/{chunk.block}"
        if self.meta["format_version"] == 1:
            into = ("status", "outcomes")
            run_id = "concat(point, '/', $option, '/', replication), "
        else:
            into, run_id = TABLES[2][4:], ""
        with self._transaction(chunk.chunk_id):
            _insert_chunk(con, chunk, {})
            con.register("chunk_status", status)
            con.execute(
                f"""INSERT INTO {into[0]} SELECT {run_id}point,
                   $option, replication, $block, "row", status, error, $worker, seconds
                   FROM chunk_status""",
                {"option": chunk.option, "block": block, "worker": chunk.worker},
            )
            con.unregister("chunk_status")
            if frames:
                self._insert_long(pd.concat(frames, ignore_index=True), chunk.option, into[1])

    def _insert_long(self, rows: pd.DataFrame, option: str, into: str) -> None:
        """Insert long outcome rows ``point, replication, month, outcome, value`` of one option."""
        run_id = "concat(point, '/', $option, '/', replication), " if into == "outcomes" else ""
        self.con.register("chunk_outcomes", rows)
        self.con.execute(
            f"""INSERT INTO {into} SELECT {run_id}
               point, $option, replication, NULL, NULL, month, outcome, value
               FROM chunk_outcomes""",
            {"option": option},
        )
        self.con.unregister("chunk_outcomes")

    def _write_runs(self, chunk: ChunkRows) -> None:
        """Format 3: one ``run_rows`` row per run (outcomes as columns, NULL for a failed run),
        the chunk's own columns once in ``chunks``, monthly series as long rows."""
        names = list(self.meta["outcomes"])
        R = chunk.runs
        failed = chunk.status != "ok"
        pts = chunk.points.astype(np.int64)
        reps = chunk.replications.astype(np.int32)
        columns: dict[str, Any] = {
            "chunk": np.zeros(R, dtype=np.int32),
            "row": np.arange(R, dtype=np.int32),
            "point": pts,
            "replication": reps,
        }
        for name in names:
            columns[name] = (
                np.full(R, np.nan) if failed else np.asarray(chunk.outcomes[name], dtype=float)
            )
        runs = pd.DataFrame(columns)
        monthly = [] if failed else _monthly_frames(chunk, pts, reps)
        con = self.con
        with self._transaction(chunk.chunk_id):
            row = con.execute("SELECT coalesce(max(chunk_no) + 1, 0) FROM chunks").fetchone()
            number = int(row[0]) if row else 0
            runs["chunk"] = np.int32(number)
            _insert_chunk(
                con, chunk, {"chunk_no": number, "status": chunk.status, "error": chunk.error}
            )
            con.register("chunk_runs", runs)
            listed = ", ".join(_ident(c) for c in runs.columns)
            con.execute(f"INSERT INTO run_rows ({listed}) SELECT {listed} FROM chunk_runs")
            con.unregister("chunk_runs")
            if monthly:
                self._insert_long(
                    pd.concat(monthly, ignore_index=True), chunk.option, "outcome_rows"
                )

    @contextmanager
    def _transaction(self, chunk_id: str) -> Iterator[None]:
        """One chunk's writes, all or nothing; a chunk stored twice is refused."""
        import duckdb

        con = self.con
        try:
            con.execute("BEGIN TRANSACTION")
            yield
            con.execute("COMMIT")
        except duckdb.ConstraintException:
            con.execute("ROLLBACK")
            raise StoreError(
                f"{self.path}: chunk {chunk_id} is already stored; a run is never stored twice"
            ) from None
        except BaseException:
            con.execute("ROLLBACK")
            raise

    # Reading -----------------------------------------------------------------------------------
    def table(self, name: str, where: str = "", params: Sequence[Any] = ()) -> pd.DataFrame:
        """A whole table (or view) as a DataFrame, in a stable order."""
        order = {
            "points": "point",
            "design_unit": "point",
            "chunks": "chunk_id",
            "status": "point, option, replication",
            "experiments": "point, option, replication",
            "outcomes": "point, option, replication, outcome, month",
            "meta": "scenario_id",
        }
        if name not in order:
            raise StoreError(unknown_name("store table", name, order))
        clause = f" WHERE {where}" if where else ""
        with guard(self.path):
            return self.con.execute(
                f"SELECT * FROM {name}{clause} ORDER BY {order[name]}", list(params)
            ).df()

    def points(self) -> pd.DataFrame:
        """Design points with their factor values."""
        return self.table("points")

    def experiments(self) -> pd.DataFrame:
        """One row per stored run with its factor values."""
        return self.table("experiments")

    def outcomes(self) -> pd.DataFrame:
        """The tidy long outcomes table."""
        return self.table("outcomes")

    def status(self) -> pd.DataFrame:
        """One row per stored run: ok or failed, with the error."""
        return self.table("status")

    def outcome_names(self) -> list[str]:
        """Scalar outcomes stored per run."""
        return list(self.meta["outcomes"])

    def per_point(
        self, outcome: str, statistic: str = "mean", options: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """One value per design point and option: ``statistic`` over the point's replications.

        Returns columns ``point, option, value, runs, failed``. ``statistic`` is ``mean``,
        ``median`` or ``pNN`` (a percentile, e.g. ``p90``).
        """
        self.check_outcome(outcome)
        expr = _statistic_sql(statistic)
        with guard(self.path):
            frame = self._per_point(outcome, expr)
        if options is not None:
            known = self.meta["options"]
            for option in options:
                if option not in known:
                    raise StoreError(unknown_name("option", option, known) + " in this store")
            frame = frame[frame["option"].isin(list(options))].reset_index(drop=True)
        return frame

    def _per_point(self, outcome: str, expr: str) -> pd.DataFrame:
        return self.con.execute(
            f"""
            WITH runs AS (
                SELECT point, option, count(*) AS runs,
                       count(*) FILTER (WHERE status <> 'ok') AS failed
                FROM status GROUP BY point, option
            ), vals AS (
                SELECT point, option, {expr} AS value FROM outcomes
                WHERE outcome = ? AND month IS NULL AND region IS NULL AND nation IS NULL
                GROUP BY point, option
            )
            SELECT r.point, r.option, v.value, r.runs, r.failed
            FROM runs r LEFT JOIN vals v USING (point, option)
            ORDER BY r.point, r.option""",
            [outcome],
        ).df()

    def check_outcome(self, outcome: str) -> None:
        """Refuse an outcome the store does not hold, with a did-you-mean (or, for a patron's
        outcome, that the theatre has no patron)."""
        names = self.outcome_names()
        if outcome not in names:
            from grudging.errors import DesignError
            from grudging.model.outcomes import missing_outcome

            meta = self.meta
            patron = (meta.get("scenario") or {}).get("patron") is not None
            raise DesignError(missing_outcome(outcome, names, meta["scenario_id"], patron))

    def to_results(self) -> Results:
        """The store as a :class:`~grudging.results.results.Results` (loads everything: small
        stores only)."""
        from grudging.results.results import Results

        rank = {option: i for i, option in enumerate(self.meta["options"])}

        def in_swept_order(frame: pd.DataFrame) -> pd.DataFrame:
            """Rows by option in the order the sweep named them (stable within an option)."""
            order = np.argsort(frame["option"].map(rank).to_numpy(), kind="stable")
            return frame.iloc[order].reset_index(drop=True)

        outcomes = self.outcomes()[
            ["run_id", "option", "replication", "region", "nation", "month", "outcome", "value"]
        ]
        scenario = self.meta["scenario"]
        names = {o["id"]: o.get("name", o["id"]) for o in scenario.get("options", [])}
        metadata = {k: v for k, v in self.meta.items() if k != "scenario"}
        metadata["scenario"] = self.meta["scenario_id"]  # as a run's Results name it
        metadata["option_names"] = {o: names.get(o, o) for o in self.meta["options"]}
        return Results(
            experiments=in_swept_order(self.experiments()),
            outcomes=in_swept_order(outcomes),
            status=in_swept_order(self.status()[["run_id", "option", "status", "error"]]),
            metadata=metadata,
        )

    # Export ------------------------------------------------------------------------------------
    def export(
        self,
        folder: str | Path,
        fmt: str = "parquet",
        tables: Sequence[str] | None = None,
        overwrite: bool = False,
    ) -> list[Path]:
        """Write the tables as Parquet (zstd) or CSV files into ``folder``, with ``meta.json``
        (which gives the runs stored so far and the ``--set`` overrides the sweep was given) and
        ``scenario.yaml`` (the swept scenario, overrides applied, as one self-contained file that
        reproduces the store's scenario hash); files of an earlier export there are replaced
        only with ``overwrite``."""
        if fmt not in ("parquet", "csv"):
            raise StoreError(unknown_name("export format", fmt, ("parquet", "csv")))
        import duckdb

        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        names = list(tables or ("experiments", "outcomes", "status", "points", "chunks"))
        for name in names:
            if name not in EXPORT_ORDER:
                raise StoreError(unknown_name("store table", name, EXPORT_ORDER))
        # Any earlier export goes whole, in either format: one meta.json never describes tables
        # of two exports.
        known = [f"{n}.{f}" for n in EXPORT_ORDER for f in ("parquet", "csv")]
        present = [name for name in (*known, "meta.json", "scenario.yaml") if (out / name).exists()]
        if present and not overwrite:
            raise StoreError(
                f"{out}: already holds {', '.join(present)}; export into an empty folder, or "
                "give --overwrite to replace them"
            )
        for name in present:
            (out / name).unlink()
        written = []
        for name in names:
            target = out / f"{name}.{fmt}"
            options = (
                "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER"
            )
            try:
                self.con.execute(
                    f"COPY (SELECT * FROM {name} ORDER BY {EXPORT_ORDER[name]}) "
                    f"TO '{sql_path(target)}' ({options})"
                )
            except duckdb.IOException as err:
                if _is_damage(err):
                    raise _duckdb_error(self.path, err) from None
                raise StoreError(
                    f"{target}: cannot write the export ({str(err).splitlines()[0]}); choose "
                    "a folder with room that you can write to (--out)"
                ) from None
            except duckdb.Error as err:
                raise _duckdb_error(self.path, err) from None
            written.append(target)
        from grudging.scenario.io import dump_scenario, scenario_from_dict

        meta = {k: v for k, v in self.meta.items() if k != "scenario"}
        meta["runs_stored"] = self.counts()["stored"]
        target = out / "meta.json"
        target.write_text(json_text(meta))
        written.append(target)
        target = out / "scenario.yaml"
        scn = scenario_from_dict(self.meta["scenario"], name=f"{self.path}: its scenario")
        target.write_text(dump_scenario(scn), encoding="utf-8")
        written.append(target)
        return written

    # Housekeeping --------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection (a writer checkpoints its log into the file)."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        c = self.counts()
        return (
            f"Store({str(self.path)!r}, scenario={self.meta['scenario_id']!r}, "
            f"runs={c['stored']:,}/{c['total']:,}, failed={c['failed']:,})"
        )

    def _repr_html_(self) -> str:
        c = self.counts()
        m = self.meta
        return (
            f"<p><b>grudging store</b> {self.path}: scenario {m['scenario_id']} "
            f"(hash {m['scenario_hash']}), {m['design']['method']} design, "
            f"{c['stored']:,} of {c['total']:,} runs stored, {c['failed']:,} failed</p>"
        )


def _insert_chunk(con: Any, chunk: ChunkRows, extra: Mapping[str, Any]) -> None:
    """The chunk's row of ``chunks`` (with the layout's ``extra`` columns)."""
    failed = chunk.status != "ok"
    row = {
        "chunk_id": chunk.chunk_id,
        "group_key": chunk.group_key,
        "block": chunk.block,
        "option": chunk.option,
        "runs": chunk.runs,
        "failed": chunk.runs if failed else 0,
        "worker": chunk.worker,
        "seconds": chunk.seconds,
        **extra,
    }
    marks = ", ".join("?" for _ in row)
    con.execute(f"INSERT INTO chunks ({', '.join(row)}) VALUES ({marks})", list(row.values()))


def _monthly_frames(chunk: ChunkRows, points: np.ndarray, reps: np.ndarray) -> list[pd.DataFrame]:
    """A chunk's monthly series as long rows: point, replication, month, outcome, value."""
    frames = []
    for name, series in chunk.monthly.items():
        months = series.shape[1]
        frames.append(
            pd.DataFrame(
                {
                    "point": np.repeat(points, months),
                    "replication": np.repeat(reps, months),
                    "month": np.tile(np.arange(months, dtype=np.int32), chunk.runs),
                    "outcome": name,
                    "value": np.asarray(series, dtype=float).ravel(),
                }
            )
        )
    return frames


def _is_duckdb_file(path: Path) -> bool:
    """Whether ``path`` starts as a DuckDB database file does (its magic bytes)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


def open_store(path: str | Path) -> Store:
    """Open a store read-only (for analysis)."""
    return Store.open(path, read_only=True)


@contextmanager
def reading(store: str | Path | Store) -> Iterator[Store]:
    """A store to read: the one given, or the one at a path (closed afterwards)."""
    if isinstance(store, Store):
        yield store
        return
    opened = open_store(store)
    try:
        yield opened
    finally:
        opened.close()


def _statistic_sql(statistic: str) -> str:
    if statistic == "mean":
        return "avg(value)"
    if statistic == "median":
        return "median(value)"
    if statistic.startswith("p") and statistic[1:].isdigit() and 0 < int(statistic[1:]) < 100:
        return f"quantile_cont(value, {int(statistic[1:]) / 100})"
    from grudging.errors import DesignError

    raise DesignError(
        f"unknown statistic '{statistic}'; use mean, median or a percentile such as p90"
    )


def _ident(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a DataFrame as CSV or Parquet, chosen by the file's extension."""
    import duckdb

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise StoreError(f"{target}: write .csv or .parquet (got '{suffix or 'no extension'}')")
    target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.register("frame", frame)
        options = (
            "FORMAT parquet, COMPRESSION zstd" if suffix == ".parquet" else "FORMAT csv, HEADER"
        )
        con.execute(f"COPY (SELECT * FROM frame) TO '{sql_path(target)}' ({options})")
    finally:
        con.close()
    return target


def free_disk(path: str | Path) -> int:
    """Bytes free on the disk that holds ``path`` (or its folder)."""
    target = Path(path)
    folder = target if target.is_dir() else target.parent
    return shutil.disk_usage(folder if folder.exists() else Path.cwd()).free

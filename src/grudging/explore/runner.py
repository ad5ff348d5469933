"""The sweep runner: a design x options x replications through the chain, streamed to a store.

How the work is cut
-------------------
The deterministic stages (requirement, coalition conference, bargain) read only the *upstream*
factors (:mod:`grudging.explore.levers`); the dynamics read the rest, and take them per replication.
Design points that agree on every upstream factor form a *group* and share one plan per option.
A group's rows — its points in design order, each repeated for every replication — are cut into
blocks of ``block`` rows, and one *chunk* is one block under one option: one plan (cached by the
worker) and one vectorised call of the dynamics with a parameter column per row. A dynamics
parameter that a plan reads (the guarantor's skill) does not split groups: it is given per row
and the chunk re-derives the guarantee and the bargain at each row's value
(:func:`grudging.kernel.run_block`). Stores made before this rule (format 1) recorded such a
parameter as upstream, and resume as they were made.

Identity, not order
-------------------
A run is ``(point, option, replication)``. Its random numbers come from the stream
``(seed, "dynamics", ("sweep", group, block))`` at its row in the block: the design alone fixes
them, never the executor, the number of workers or the order in which chunks finish. The stream does
not name the option, so the same (point, replication) draws the same shocks under every option
(common random numbers), as in :func:`grudging.chain.simulate`.

Faults
------
A chunk that raises is stored as failed runs carrying the error. A chunk that never comes back (a
lost worker) is not stored at all; a resumed sweep recomputes exactly the chunks missing from the
store, each stored in one transaction, so every run ends up stored exactly once.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from grudging.errors import DesignError, StoreError, unknown_name
from grudging.explore.design import Design, check_whole
from grudging.explore.executors import Executor, Lost, make_executor
from grudging.explore.levers import Factor, select_factors, with_plan_reads
from grudging.machine import available_memory, human_bytes
from grudging.plans import PlanCache
from grudging.results.store import FORMAT_VERSION, ChunkRows, Store, free_disk
from grudging.rng import MASTER_SEED

if TYPE_CHECKING:
    from grudging.options import OptionPlan
    from grudging.scenario.schema import Scenario

#: Rows (point x replication) per block of random streams and per vectorised dynamics call.
DEFAULT_BLOCK = 500
#: National monthly series kept per run with ``monthly=True``.
MONTHLY_SERIES = ("civilian_deaths", "civil_war", "coalition_troops", "patron_troops")
#: Plans a worker keeps (per scenario, group, option and seed).
PLAN_CACHE = 64
#: Bytes on disk per stored outcome row and per run's status row (iraq-2007 stores measured 231 to
#: 368 bytes per run with 13 scalar outcomes; these round the larger figure up).
DISK_PER_OUTCOME_ROW = 24
DISK_PER_RUN = 48
#: Bytes a worker needs per row of a chunk per region-month (the dynamics' arrays, measured).
WORKER_BYTES_PER_CELL = 120
#: Memory a worker process needs whatever its chunk (the interpreter, numpy, pandas, the plans).
WORKER_BASE_BYTES = 200 * 2**20
#: Local worker processes allowed per core: a sweep is CPU-bound, so processes beyond the cores
#: only take turns on them while each holds its own memory. The headroom allows some
#: oversubscription (a container's core count, a small test machine) and refuses the absurd.
WORKERS_PER_CORE = 4

Progress = Callable[[int, int, int], None]


# Chunks ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChunkSpec:
    """Everything a worker needs to compute one chunk (one block of rows under one option)."""

    chunk_id: str
    scenario_hash: str
    option: str
    group_key: str
    block: int
    seed: int
    points: np.ndarray
    replications: np.ndarray
    upstream: tuple[tuple[str, Any], ...]
    dynamics: tuple[tuple[str, np.ndarray], ...]
    monthly: bool = False
    plan_reads: tuple[str, ...] = ()  # dynamics factors a plan reads, given per row
    #: The outcomes the store holds (empty: the theatre's, :func:`theatre_outcomes`). A store
    #: swept before a theatre without a patron dropped the patron's outcomes still holds them.
    outcomes: tuple[str, ...] = ()


_SCENARIOS: dict[str, Scenario] = {}
_PLANS = PlanCache(PLAN_CACHE)


def scenario_payload(scn: Scenario) -> bytes:
    """The scenario as compressed JSON (what workers rebuild it from)."""
    from grudging.scenario.io import scenario_to_dict

    return zlib.compress(json.dumps(scenario_to_dict(scn)).encode(), 6)


def _scenario(key: str, payload: bytes) -> Scenario:
    scn = _SCENARIOS.get(key)
    if scn is None:
        from grudging.scenario.io import scenario_from_dict, scenario_hash

        scn = scenario_from_dict(json.loads(zlib.decompress(payload)), name="<sweep>")
        if scenario_hash(scn) != key:
            raise StoreError(
                f"the scenario sent to this worker hashes to {scenario_hash(scn)}, not {key}"
            )
        _SCENARIOS.clear()
        _SCENARIOS[key] = scn
    return scn


def _plan(scn: Scenario, spec: ChunkSpec) -> OptionPlan:
    """The option's plan for the chunk's group (held per worker; a failure is held too)."""
    return _PLANS.plan(scn, spec.option, spec.upstream, spec.seed, tag=spec.scenario_hash)


def run_chunk(spec: ChunkSpec, payload: bytes) -> ChunkRows:
    """Compute one chunk: plan (cached), one vectorised dynamics call, scalar outcomes per run.

    Never raises for a model error: the chunk comes back as failed runs carrying the error.
    """
    from grudging.kernel import run_block, run_values
    from grudging.model.outcomes import scalar_outcomes, theatre_outcomes

    started = time.perf_counter()
    R = int(spec.points.size)
    outcomes: dict[str, np.ndarray] = {}
    monthly: dict[str, np.ndarray] = {}
    error = None
    try:
        scn = _scenario(spec.scenario_hash, payload)
        plan = _plan(scn, spec)
        values = run_values(scn, {k: float(v) for k, v in spec.upstream if "." in k})
        values.update(dict(spec.dynamics))
        block = ("sweep", spec.group_key, spec.block)
        traj = run_block(scn, plan, values, R, spec.seed, block, spec.plan_reads)
        # the store's outcomes: none of the patron's in a theatre without one, unless the store
        # was swept when it still had them (then as it was swept: zero by construction)
        reported = spec.outcomes or theatre_outcomes(scn)
        outcomes = scalar_outcomes(traj, reported)
        if spec.monthly:
            series = {
                "civilian_deaths": traj.deaths.sum(axis=1).astype(float),
                "civil_war": traj.civil_war.astype(float),
                "coalition_troops": traj.foreign_troops,
                "patron_troops": traj.patron_troops,
            }
            monthly = {k: v for k, v in series.items() if k in reported}
    except Exception as err:  # failures are data, not crashes
        error = f"{type(err).__name__}: {err}"
    return ChunkRows(
        chunk_id=spec.chunk_id,
        group_key=spec.group_key,
        block=spec.block,
        option=spec.option,
        points=spec.points,
        replications=spec.replications,
        status="ok" if error is None else "failed",
        error=error,
        worker=f"{socket.gethostname()}:{os.getpid()}",
        seconds=time.perf_counter() - started,
        outcomes=outcomes,
        monthly=monthly,
    )


# Groups, blocks and chunk ids ------------------------------------------------------------------
def group_keys(points: pd.DataFrame, factors: Sequence[Factor]) -> np.ndarray:
    """The plan group of each design point: a hash of its upstream factor values."""
    upstream = [f.name for f in factors if f.upstream]
    if not upstream:
        return np.full(len(points), "nominal", dtype=object)
    columns = points[upstream]
    keys = np.empty(len(points), dtype=object)
    cache: dict[tuple[Any, ...], str] = {}
    for i, row in enumerate(columns.itertuples(index=False, name=None)):
        key = cache.get(row)
        if key is None:
            text = json.dumps([_plain(v) for v in row])
            key = hashlib.sha256(text.encode()).hexdigest()[:12]
            cache[row] = key
        keys[i] = key
    return keys


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def chunk_specs(
    points: pd.DataFrame,
    factors: Sequence[Factor],
    options: Sequence[str],
    replications: int,
    block: int,
    seed: int,
    scenario_hash: str,
    monthly: bool = False,
    skip: set[str] | frozenset[str] = frozenset(),
    outcomes: Sequence[str] = (),
) -> Iterator[ChunkSpec]:
    """Every chunk of the sweep not in ``skip``, group by group, option by option, block by block.

    ``points`` holds ``point``, ``group_key`` and the factor values; ``outcomes`` are the store's
    (default: the theatre's).
    """
    upstream = [f for f in factors if f.upstream]
    dynamic = [f.name for f in factors if f.name.startswith("dynamics.")]
    reads = tuple(f.name for f in factors if f.plan_read)
    by_group = points.groupby("group_key", sort=False)
    for group in pd.unique(points["group_key"]):
        rows = by_group.get_group(group).sort_values("point")
        pts = rows["point"].to_numpy(dtype=np.int64)
        first = rows.iloc[0]
        up = tuple((f.name, _plain(first[f.name])) for f in upstream)
        values = rows[dynamic].to_numpy(dtype=float)  # (points in group, dynamic factors)
        n_rows = pts.size * replications
        n_blocks = -(-n_rows // block)
        for option in options:
            for j in range(n_blocks):
                chunk_id = f"{group}/{j}/{option}"
                if chunk_id in skip:
                    continue
                # Rows are the group's points in order, each repeated for every replication.
                row = np.arange(j * block, min((j + 1) * block, n_rows))
                at = row // replications
                yield ChunkSpec(
                    chunk_id=chunk_id,
                    scenario_hash=scenario_hash,
                    option=option,
                    group_key=str(group),
                    block=j,
                    seed=seed,
                    points=pts[at],
                    replications=(row % replications).astype(np.int32),
                    upstream=up,
                    dynamics=tuple((name, values[at, k]) for k, name in enumerate(dynamic)),
                    monthly=monthly,
                    plan_reads=reads,
                    outcomes=tuple(outcomes),
                )


# Capacity --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Estimate:
    """What a sweep will need: runs, disk and memory."""

    points: int
    options: int
    replications: int
    factors: int
    runs: int
    outcome_rows: int
    disk_bytes: int
    memory_bytes: int
    #: Worker processes planned for, and the memory each needs (included in ``memory_bytes``).
    workers: int = 1
    worker_bytes: int = 0


def estimate(
    points: int,
    factors: int,
    options: int,
    replications: int,
    outcomes: int,
    monthly: bool,
    months: int,
    regions: int,
    block: int,
    workers: int,
) -> Estimate:
    """Disk and memory a sweep needs (conservative, from measured bytes per row)."""
    runs = points * options * replications
    per_run = outcomes + (len(MONTHLY_SERIES) * months if monthly else 0)
    rows = runs * per_run
    disk = rows * DISK_PER_OUTCOME_ROW + runs * DISK_PER_RUN
    design = points * (factors + 2) * 8 * 4  # unit coordinates, values, group keys, copies
    block = min(block, max(runs, 1))  # no chunk holds more than the design's runs
    chunk = min(block, max(replications, 1) * points) * regions * months * WORKER_BYTES_PER_CELL
    # two chunks' results: this process holds two of these, and two more per worker
    in_flight = 2 * block * per_run * 8 * 4
    per_worker = chunk + in_flight + WORKER_BASE_BYTES
    memory = design + in_flight + workers * per_worker
    return Estimate(
        points, options, replications, factors, runs, rows, disk, memory, workers, per_worker
    )


def check_capacity(
    est: Estimate,
    store: str | Path,
    free_bytes: int | None,
    memory_bytes: int | None,
    monthly: bool,
) -> None:
    """Refuse a design too large for the disk or the memory, with the estimate and the fix."""
    size = (
        f"{est.points:,} points x {est.options} option{'s' if est.options != 1 else ''} x "
        f"{est.replications:,} replication{'s' if est.replications != 1 else ''} = "
        f"{est.runs:,} runs"
    )
    if free_bytes is not None and est.disk_bytes > free_bytes:
        folder = Path(store).resolve().parent
        raise DesignError(
            f"design too large for the disk: {size} would need about "
            f"{human_bytes(est.disk_bytes)} in {folder}, which has {human_bytes(free_bytes)} free; "
            "use fewer points (-n), options or replications (-r)"
            + (", leave out --monthly" if monthly else "")
            + ", or put the store on a larger disk"
        )
    if memory_bytes is not None and est.memory_bytes > memory_bytes:
        for_workers = est.workers * est.worker_bytes
        rest = est.memory_bytes - for_workers
        if est.workers > 1 and for_workers > rest and rest + est.worker_bytes <= memory_bytes:
            # the workers, not the design, are what does not fit: say so, and how many fit
            fit = (memory_bytes - rest) // est.worker_bytes
            raise DesignError(
                f"too many workers for memory: {est.workers:,} workers would need about "
                f"{human_bytes(for_workers)} ({human_bytes(est.worker_bytes)} each) of the "
                f"{human_bytes(est.memory_bytes)} this sweep ({size} over {est.factors} factors) "
                f"would need, and {human_bytes(memory_bytes)} is available; give at most {fit:,} "
                "workers (--workers)"
                # a chunk of --block rows is the part of a worker's memory that --block sets
                + (", or a smaller --block" if est.worker_bytes > 2 * WORKER_BASE_BYTES else "")
            )
        raise DesignError(
            f"design too large for memory: {size} over {est.factors} factors would need about "
            f"{human_bytes(est.memory_bytes)} of memory, and {human_bytes(memory_bytes)} is "
            "available; use fewer points (-n) or factors (--parameters, --levers), fewer workers, "
            "or a smaller --block"
        )


# The sweep -------------------------------------------------------------------------------------
@dataclass
class SweepReport:
    """What a sweep did: runs stored and failed, speed, and anything left to resume."""

    store: Path
    total_runs: int
    stored_runs: int
    failed_runs: int
    session_runs: int
    seconds: float
    executor: str
    workers: int
    lost: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def runs_per_second(self) -> float:
        """Runs computed and stored per second in this session."""
        return self.session_runs / self.seconds if self.seconds > 0 else float("nan")

    @property
    def complete(self) -> bool:
        """Whether every run of the design is stored."""
        return self.stored_runs == self.total_runs

    def summary(self) -> pd.DataFrame:
        """The figures as a one-row DataFrame."""
        return pd.DataFrame(
            [
                {
                    "store": str(self.store),
                    "total_runs": self.total_runs,
                    "stored_runs": self.stored_runs,
                    "failed_runs": self.failed_runs,
                    "session_runs": self.session_runs,
                    "seconds": round(self.seconds, 3),
                    "runs_per_second": round(self.runs_per_second, 1),
                    "executor": self.executor,
                    "workers": self.workers,
                    "lost_chunks": len(self.lost),
                }
            ]
        )

    def __str__(self) -> str:
        text = (
            f"{self.stored_runs:,} of {self.total_runs:,} runs stored in {self.store} "
            f"({self.failed_runs:,} failed); this session {self.session_runs:,} runs in "
            f"{self.seconds:,.1f} s ({self.runs_per_second:,.0f} runs/s, {self.executor} x "
            f"{self.workers})"
        )
        if self.lost:
            text += f"; {len(self.lost)} chunks lost with their worker: run again with --resume"
        return text

    def _repr_html_(self) -> str:
        return "<p><b>grudging sweep</b></p>" + self.summary().to_html(index=False)


def _check_run_arguments(
    options: Any, replications: Any, seed: Any, block: Any, workers: Any
) -> None:
    """Refuse run arguments no sweep can have, before anything is opened or written."""
    if options is not None and (
        not isinstance(options, Sequence)
        or not options
        or not all(isinstance(o, str) for o in options)
    ):
        raise DesignError(
            f"options = {options!r:.60}: give option ids (names), or leave it out to sweep every "
            "option"
        )
    from grudging.machine import MAX_SEED

    if replications is not None:
        check_whole(replications, "replications", 1, MAX_SEED)
    if seed is not None:
        check_whole(seed, "seed", 0, MAX_SEED)
    if block is not None:
        check_whole(block, "block", 1, MAX_SEED)
    if workers is not None:
        check_whole(workers, "workers", 1, 4096)


def check_workers(
    workers: int | None, executor: str | Executor, scheduler: str | None, flag: str = "workers"
) -> None:
    """Refuse more local worker processes than :data:`WORKERS_PER_CORE` per core of this machine,
    and any number for a dask scheduler's cluster.

    Only processes this machine starts count: ``processes`` and a local dask cluster. The
    in-process executor ignores ``workers``; a dask scheduler's workers are those started with it,
    so ``workers`` cannot size them and is refused with the scheduler. ``flag`` names the argument
    in the message (``--workers`` at the command line).
    """
    if workers is None or not isinstance(executor, str):
        return
    if scheduler:
        cli = flag.startswith("-")
        local = "--scheduler without an address" if cli else "no scheduler"
        raise DesignError(
            (f"{flag} {workers}" if cli else f"{flag} = {workers}")
            + f": the dask scheduler at {scheduler} runs the sweep on the workers started with "
            f"it, and {flag} cannot change how many there are; leave {flag} out (start more "
            f"workers there with 'dask worker {scheduler}'), or give {local} for a local "
            f"cluster of {workers} workers"
        )
    if executor not in ("processes", "dask"):
        return
    cores = os.cpu_count() or 1
    most = WORKERS_PER_CORE * cores
    if workers > most:
        given = f"{flag} {workers}" if flag.startswith("-") else f"{flag} = {workers}"
        raise DesignError(
            f"{given}: more worker processes than this machine can use; it has {cores:,} "
            f"core{'s' if cores != 1 else ''}, and a sweep is CPU-bound, so processes beyond "
            f"{most:,} ({WORKERS_PER_CORE} per core) only take turns on them while each holds its "
            f"own memory; give at most {most:,}, or leave {flag} out for one per core"
        )


def local_workers(executor: str | Executor, workers: int | None, scheduler: str | None) -> int:
    """Worker processes this machine runs for a sweep (what its memory must hold): one for the
    in-process executor, none for a dask scheduler's cluster (its workers run where it does),
    otherwise ``workers`` or one per core (``processes``, a local dask cluster)."""
    if scheduler and isinstance(executor, str):
        return 0
    if executor == "inprocess":
        return 1
    return workers or os.cpu_count() or 1


def _check_resume_arguments(
    path: Path,
    meta: Mapping[str, Any],
    options: Sequence[str] | None,
    replications: int | None,
    seed: int | None,
    block: int | None,
) -> None:
    """Refuse a resume given run arguments other than the store's (they would be ignored)."""
    given = {
        "options": None if options is None else list(options),
        "replications": replications,
        "seed": seed,
        "block": block,
    }
    for name, value in given.items():
        if value is not None and value != meta[name]:
            raise StoreError(
                f"{path}: resume continues the sweep as stored ({name} {meta[name]!r}), not "
                f"{name} {value!r}; leave {name} out, or give a new path for a new sweep"
            )


def check_levers_free(scn: Scenario, design: Design) -> None:
    """Refuse a design whose lever varies a key an override fixed: each point would set the key
    again, and the store's record of the override would not be what ran (a fixed parameter
    leaves the design instead)."""
    from fnmatch import fnmatchcase

    levers = {lever.name: lever for lever in scn.levers}
    for factor in design.factors:
        if factor.kind != "lever" or factor.name not in levers:
            continue
        for assignment in scn.overrides:
            key = assignment.partition("=")[0].strip()
            for path in levers[factor.name].paths:
                if fnmatchcase(key, path) or fnmatchcase(key, path + ".*"):  # or a key in it
                    raise DesignError(
                        f"--set {assignment} fixes what the design's lever '{factor.name}' varies "
                        f"({path}); leave the lever out of the design (--levers) or the "
                        "assignment out of --set"
                    )


def check_design_fits(scn: Scenario, design: Design) -> None:
    """Refuse a design whose factors are not this scenario's, as the scenario declares them (a
    design made from another scenario, or with a factor renamed or reranged)."""
    params = [f.name for f in design.factors if f.kind == "parameter"]
    levers = [f.name for f in design.factors if f.kind == "lever"]
    try:
        own = {f.name: f for f in select_factors(scn, params or "none", levers or "none")}
    except DesignError as err:
        raise DesignError(
            f"the design does not fit scenario '{scn.id}' ({err}); make it from this scenario "
            "(make_design)"
        ) from None
    for factor in design.factors:
        if own.get(factor.name) != factor:
            raise DesignError(
                f"the design's factor '{factor.name}' is not scenario '{scn.id}''s as it declares "
                "it (another scenario's, or another range); make the design from this scenario "
                "(make_design)"
            )


def sweep(
    scenario: Scenario | str | Path | None,
    store: str | Path,
    design: Design | None = None,
    *,
    options: Sequence[str] | str | None = None,
    replications: int | None = None,
    seed: int | None = None,
    executor: str | Executor = "inprocess",
    workers: int | None = None,
    scheduler: str | None = None,
    block: int | None = None,
    monthly: bool = False,
    resume: bool = False,
    progress: Progress | None = None,
    free_bytes: int | None = None,
    memory_bytes: int | None = None,
) -> SweepReport:
    """Run ``design`` x ``options`` x ``replications`` through the chain into the store at ``store``.

    Parameters
    ----------
    scenario:
        The scenario (object, built-in name or path). With ``resume`` it may be None: the store
        holds the scenario; if given, it must be the store's (same hash).
    store:
        Path of the DuckDB store; created (refused if it exists) unless ``resume``.
    design:
        The design (:func:`grudging.explore.design.make_design`); ignored on resume, except that
        one given must match the store's.
    options:
        Option ids, or one id (default: every option of the scenario).
    replications:
        Stochastic replications per design point and option (each is a run; default 10).
    seed:
        Master seed of the random streams (default :data:`~grudging.rng.MASTER_SEED`).
    executor:
        ``inprocess``, ``processes`` (joblib), ``dask``, or an executor object.
    workers:
        Worker processes (``processes`` and a local dask cluster; default: every core).
    scheduler:
        Address of a dask scheduler (``tcp://host:port``); implies ``executor="dask"``.
    block:
        Rows per block of random streams and per vectorised dynamics call (part of the design:
        fixed for the life of a store; default :data:`DEFAULT_BLOCK`).
    monthly:
        Also store national monthly series per run (much larger stores).
    resume:
        Continue the sweep already in ``store``: compute exactly the chunks it lacks. The store
        fixes the options, replications, seed and block: one of them given otherwise is refused.
    progress:
        Called as ``progress(stored_runs, total_runs, failed_runs)`` once before the first chunk
        and after each chunk.
    free_bytes, memory_bytes:
        Disk and memory to plan for (default: measured on this machine).

    Returns
    -------
    SweepReport
    """
    from grudging.model.outcomes import theatre_outcomes
    from grudging.scenario import load_scenario
    from grudging.scenario.io import scenario_from_dict, scenario_hash

    path = Path(store)
    scn = load_scenario(scenario) if isinstance(scenario, str | Path) else scenario
    if isinstance(options, str):  # one option id given bare
        options = [options]
    _check_run_arguments(options, replications, seed, block, workers)
    check_workers(workers, executor, scheduler)
    if resume and not path.exists():
        raise StoreError(f"{path}: no store here to resume; start the sweep without resume")
    if resume:
        opened = Store.open(path, read_only=False)
        try:
            meta = opened.meta
            _check_resume_arguments(path, meta, options, replications, seed, block)
            if scn is not None and scenario_hash(scn) != meta["scenario_hash"]:
                raise StoreError(
                    f"{path}: holds runs of scenario {meta['scenario_id']} (hash "
                    f"{meta['scenario_hash']}), not of {scn.id} (hash {scenario_hash(scn)}); a "
                    "store never mixes scenarios (an override changes the hash too): give a new "
                    "path, or resume without --scenario and --set"
                )
            if design is not None and design.spec.to_dict() != meta["design"]:
                raise StoreError(
                    f"{path}: holds a different design ({meta['design']['method']}, "
                    f"{len(meta['design']['factors'])} factors, n = {meta['design']['n']}); "
                    "resume it as it is, or give a new path for the new design"
                )
            scn = scn or scenario_from_dict(meta["scenario"], name=str(path))
            points = opened.points()
            factors = stored_factors(meta)
            return _run(
                opened,
                scn,
                points,
                factors,
                meta,
                executor,
                workers,
                scheduler,
                progress,
            )
        finally:
            opened.close()
    if scn is None:
        raise DesignError("give a scenario to sweep")
    if design is None:
        raise DesignError("give a design to sweep (grudging.explore.make_design)")
    check_design_fits(scn, design)
    check_levers_free(scn, design)
    replications = 10 if replications is None else replications
    seed = MASTER_SEED if seed is None else seed
    block = DEFAULT_BLOCK if block is None else block
    ids = [o.id for o in scn.options]
    chosen = list(options) if options is not None else ids
    for option in chosen:
        if option not in ids:
            raise DesignError(unknown_name("option", option, ids))
    if len(set(chosen)) != len(chosen):
        raise DesignError(f"options repeat: {', '.join(chosen)}; name each once")
    est = estimate(
        design.points,
        len(design.factors),
        len(chosen),
        replications,
        len(theatre_outcomes(scn)),
        monthly,
        scn.horizon_months,
        len(scn.regions),
        block,
        local_workers(executor, workers, scheduler),
    )
    check_capacity(
        est,
        path,
        free_disk(path) if free_bytes is None else free_bytes,
        available_memory() if memory_bytes is None else memory_bytes,
        monthly,
    )
    from grudging import __version__

    factors = with_plan_reads(scn, chosen, design.factors)
    values = design.values()
    values.insert(1, "group_key", group_keys(values, factors))
    months = [o.month for o in scn.observations]
    meta = {
        "format_version": FORMAT_VERSION,
        "package": "grudging",
        "version": __version__,
        "scenario_id": scn.id,
        "scenario_hash": scenario_hash(scn),
        "overrides": list(scn.overrides),
        "seed": int(seed),
        "replications": int(replications),
        "block": int(block),
        "monthly": bool(monthly),
        "total_runs": est.runs,
        "options": chosen,
        "outcomes": list(theatre_outcomes(scn)),
        "design": design.spec.to_dict(),
        "factors": [f.__dict__ for f in factors],
        "data_window": {
            "first": min(months) if months else None,
            "last": max(months) if months else None,
        },
        "information_date": scn.information_date,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario": json.loads(zlib.decompress(scenario_payload(scn))),
    }
    created = Store.create(path, meta, values, design.unit_frame())
    try:
        return _run(
            created,
            scn,
            values,
            factors,
            created.meta,
            executor,
            workers,
            scheduler,
            progress,
        )
    except DesignError:
        # refused before a run was stored (no scheduler answers): leave no empty store behind,
        # so that the corrected command is not refused as a store that already exists
        counts = created.counts()
        created.close()
        if counts["stored"] == 0 and counts["failed"] == 0:
            for leftover in (Path(path), Path(f"{path}.wal")):
                leftover.unlink(missing_ok=True)
        raise
    finally:
        created.close()


def _run(
    store: Store,
    scn: Scenario,
    points: pd.DataFrame,
    factors: Sequence[Factor],
    meta: dict[str, Any],
    executor: str | Executor,
    workers: int | None,
    scheduler: str | None,
    progress: Progress | None,
) -> SweepReport:
    store.writing()
    done = store.done_chunks()
    counts = store.counts()
    stored, failed = counts["stored"], counts["failed"]
    total = counts["total"]
    specs = chunk_specs(
        points,
        factors,
        meta["options"],
        meta["replications"],
        meta["block"],
        meta["seed"],
        meta["scenario_hash"],
        meta["monthly"],
        skip=done,
        outcomes=meta["outcomes"],
    )
    if progress is not None:
        progress(stored, total, failed)
    pool = make_executor(executor, workers, scheduler)
    report = SweepReport(
        store=store.path,
        total_runs=total,
        stored_runs=stored,
        failed_runs=failed,
        session_runs=0,
        seconds=0.0,
        executor=pool.name,
        workers=pool.workers,
    )
    started = time.perf_counter()
    try:
        for result in pool.map_unordered(run_chunk, specs, scenario_payload(scn)):
            if isinstance(result, Lost):
                report.lost.append(result.item.chunk_id)
                continue
            store.write_chunk(result)
            report.stored_runs += result.runs
            report.session_runs += result.runs
            if result.status != "ok":
                report.failed_runs += result.runs
                message = f"{result.option}: {result.error}"
                if len(report.errors) < 10 and message not in report.errors:
                    report.errors.append(message)
            if progress is not None:
                progress(report.stored_runs, total, report.failed_runs)
    finally:
        report.seconds = time.perf_counter() - started
        pool.close()
    return report


def stored_factors(meta: dict[str, Any]) -> list[Factor]:
    """The factors recorded in a store's metadata."""
    return [Factor(**{**f, "choices": tuple(f["choices"])}) for f in meta["factors"]]

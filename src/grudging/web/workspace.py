"""What the dashboard's server holds: scenarios it may read, and cached runs of the chain.

The client keeps only plain data (a :class:`UserState` dict: which scenario, which parameter
values, which coalition plans the user changed). The server maps that state to a scenario and
to :class:`~grudging.results.results.Results`, caching both, so every view of the same state
reads the same run. Plans of the deterministic stages are cached by what they depend on (the
option, every non-dynamics value plus the dynamics values
:func:`grudging.options.plan_reads_dynamics` names, the seed), and the bargains re-run per
replication by plan and bargaining draws, so a change to a ``dynamics.*`` parameter re-runs only
the month-by-month simulation (profile in ``docs/performance.md``).

The caches are shared by every session (they are keyed by content) and safe to read from many
request threads at once (:class:`~grudging.web.concurrency.Flights`: a run is made once, outside
any lock that other sessions wait on). Uploaded scenarios belong to the session that uploaded them
(:mod:`grudging.web.sessions`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from grudging.errors import GrudgingError, ScenarioError
from grudging.plans import PlanCache
from grudging.report.html import runs_that_ran
from grudging.results.results import Results
from grudging.rng import MASTER_SEED
from grudging.web.concurrency import Flights
from grudging.web.files import (
    SCENARIO_SUFFIXES,
    STORE_SUFFIXES,
    AccessRefused,
    Folders,
    check_scenario_file,
)
from grudging.web.jobs import Jobs
from grudging.web.sessions import UPLOAD_PREFIX, Sessions, refuse_large_upload

if TYPE_CHECKING:
    from grudging.model.bargain import BargainResult
    from grudging.model.conference import ConferenceResult
    from grudging.options import OptionPlan
    from grudging.scenario.schema import CoalitionPlan, Scenario

#: Replications per option of the dashboard's runs (a changed assumption re-runs at this count).
DASHBOARD_REPLICATIONS = 200
#: Monte Carlo draws of the Bargain view (as ``grudging bargain``).
BARGAIN_DRAWS = 500

T = TypeVar("T")


class UserState(TypedDict, total=False):
    """What the client holds: the scenario key and the user's changes (plain JSON data)."""

    scenario: str
    values: dict[str, float]
    plans: dict[str, dict[str, Any]]


class _Cache(OrderedDict[Hashable, Any]):
    """A small least-recently-used cache."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def fetch(self, key: Hashable, make: Callable[[], T]) -> T:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = make()
        self[key] = value
        while len(self) > self.size:
            self.popitem(last=False)
        return value


class TimedResults(Results):
    """Results with how long the dashboard took to make them (``seconds``; None: not timed).

    Their views (summaries, comparisons) are computed once and kept by
    :class:`~grudging.results.results.Results` itself.
    """

    seconds: float | None = None


def timed_results(results: Results, seconds: float | None) -> TimedResults:
    """The same results (the same tables, not copies), as :class:`TimedResults`."""
    out = TimedResults(**{f.name: getattr(results, f.name) for f in fields(results) if f.init})
    out.seconds = seconds
    return out


class _Memo(MutableMapping[Hashable, Any]):
    """A small least-recently-used mapping that many request threads may read and write."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __getitem__(self, key: Hashable) -> Any:
        with self._lock:
            self._items.move_to_end(key)
            return self._items[key]

    def __setitem__(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __delitem__(self, key: Hashable) -> None:
        with self._lock:
            del self._items[key]

    def __iter__(self) -> Iterator[Hashable]:
        with self._lock:
            return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


@dataclass
class Workspace:
    """Scenarios the dashboard may read and the runs it has made of them."""

    folders: Folders
    start: str
    replications: int = DASHBOARD_REPLICATIONS
    seed: int = MASTER_SEED
    start_store: str | None = None
    _scenarios: dict[str, Scenario] = field(default_factory=dict)
    _labels: dict[str, str] = field(default_factory=dict)
    _planner: PlanCache = field(default_factory=lambda: PlanCache(64))
    _runs: _Cache = field(default_factory=lambda: _Cache(6))
    _edited: _Cache = field(default_factory=lambda: _Cache(16))
    _bargains: _Cache = field(default_factory=lambda: _Cache(16))
    # bargains re-run per replication, by plan and bargaining draws (kernel.run_block): a change
    # to a dynamics parameter re-uses them; a few options' worth per scenario
    _settlements: _Memo = field(default_factory=lambda: _Memo(32))
    _explore: _Cache = field(default_factory=lambda: _Cache(32))
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _flights: Flights = field(default_factory=Flights)
    sessions: Sessions = field(default_factory=Sessions)
    last_seconds: dict[str, float] = field(default_factory=dict)
    jobs: Jobs = field(default_factory=Jobs)

    def __post_init__(self) -> None:
        self.sessions.on_drop = self.forget

    # Scenarios --------------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        scenario: str,
        folders: list[str | Path],
        replications: int = DASHBOARD_REPLICATIONS,
        seed: int = MASTER_SEED,
        store: str | Path | None = None,
    ) -> Workspace:
        """A workspace started on ``scenario`` (a built-in name or a file inside ``folders``).

        ``store`` is a sweep store to show first in the Exploration view; its folder joins the
        folders the workspace may read.
        """
        from grudging.scenario.io import builtin_names

        if replications < 1:
            raise GrudgingError(f"replications = {replications}: give at least 1")
        store_path = None
        if store is not None:
            store_path = Path(store)
            if not store_path.is_file():
                raise GrudgingError(f"--store {store}: no such file; give a sweep store (.duckdb)")
            folders = [*folders, store_path.resolve().parent]
        roots = Folders.of(folders)
        if scenario in builtin_names() and not Path(scenario).exists():
            key = f"builtin:{scenario}"
        else:
            path = Path(scenario)
            if path.is_dir():
                path = path / "scenario.yaml"
            real = roots.inside(path.resolve(), "scenario")
            key = f"file:{_key_of(roots, real)}"
        ws = cls(roots, key, replications, seed)
        ws.scenario(key)
        if store_path is not None:
            ws.start_store = _key_of(roots, store_path.resolve())
            ws.store_path(ws.start_store)  # a store file, inside the folders
        return ws

    def scenario_choices(self, session: str | None = None) -> list[dict[str, str]]:
        """Scenarios the user can switch to: built-in ones, files in the folders, the session's
        uploads."""
        from grudging.scenario.io import builtin_names

        out = [{"label": f"{n} (built-in)", "value": f"builtin:{n}"} for n in builtin_names()]
        for key in self.folders.listing(SCENARIO_SUFFIXES):
            out.append({"label": self.folders.label(key), "value": f"file:{key}"})
        for key, label in self.sessions.uploads(session):
            out.append({"label": label, "value": key})
        unique: dict[str, dict[str, str]] = {}
        for choice in out:
            choice["label"] = without_bidi_controls(choice["label"])
            unique.setdefault(choice["value"], choice)
        return list(unique.values())

    def store_choices(self) -> list[dict[str, str]]:
        """Sweep stores inside the folders."""
        return [
            {"label": without_bidi_controls(self.folders.label(k)), "value": k}
            for k in self.folders.listing(STORE_SUFFIXES)
        ]

    def store_path(self, key: str) -> Path:
        """The store file a listing key names (checked against the folders)."""
        return self.folders.resolve_key(key, STORE_SUFFIXES, "store")

    def scenario(self, key: str) -> Scenario:
        """The scenario of a key, loaded on first use (only built-ins and files in the folders).

        An upload key names a session's upload: refused once that upload is no longer kept.
        """
        if key.startswith(UPLOAD_PREFIX):
            return self.sessions.upload(key).scenario
        with self._lock:
            if key in self._scenarios:
                return self._scenarios[key]
        kind, _, rest = key.partition(":")
        if kind == "builtin":
            from grudging.scenario import load_scenario
            from grudging.scenario.io import builtin_names

            if rest not in builtin_names():
                raise AccessRefused(f"scenario '{rest}': not a built-in scenario")
            scn = load_scenario(rest)
            label = f"{rest} (built-in)"
        elif kind == "file":
            from grudging.scenario import load_scenario

            path = self.folders.resolve_key(rest, SCENARIO_SUFFIXES, "scenario")
            canonical = f"file:{_key_of(self.folders, path)}"
            if canonical != key:  # another spelling of a listed file: held once
                return self.scenario(canonical)
            check_scenario_file(path, self.folders)
            scn = load_scenario(path)
            label = self.folders.label(rest)
        else:
            raise AccessRefused("this scenario is not one the dashboard knows; upload it")
        with self._lock:  # loaded outside the lock: two threads may load it, one copy is kept
            self._labels.setdefault(key, label)
            return self._scenarios.setdefault(key, scn)

    def upload(self, text: str, filename: str, session: str) -> str:
        """Keep an uploaded scenario (YAML text, safe loader) for ``session``; return its key.

        An uploaded file has no folder, so it must be self-contained (``grudging dump`` writes
        such files); its map is taken from the starting scenario's folder when that holds a file
        of the same name. Only that session sees it, and only while it is kept
        (:mod:`grudging.web.sessions`).
        """
        from grudging.scenario import loads_scenario

        name = Path(filename).name or "upload.yaml"
        refuse_large_upload(len(text.encode("utf-8", errors="replace")), name)
        scn = loads_scenario(text, name)
        base = self.scenario(self.start).base_dir
        if scn.map is not None and base is not None:
            candidate = Path(base) / scn.map.geojson
            if Path(scn.map.geojson).name == scn.map.geojson and candidate.is_file():
                scn._base_dir = base
        return self.sessions.add_upload(session, _digest(text), scn, f"{name} (uploaded)")

    def label(self, key: str) -> str:
        """The scenario's name in the page, without the characters that reorder the text around
        it (a file name with a right-to-left override would reverse the status line)."""
        if key.startswith(UPLOAD_PREFIX):
            return without_bidi_controls(self.sessions.upload(key).label)
        return without_bidi_controls(self._labels.get(key, key))

    def forget(self, key: str) -> None:
        """Drop every cached run, edit and bargain of a scenario key (an upload no longer kept)."""
        for cache in (self._runs, self._edited, self._bargains):
            self._flights.discard(cache, lambda k: isinstance(k, tuple) and bool(k) and k[0] == key)
        self._settlements.clear()  # keyed by scenario objects, not keys: refilled on the next run

    def default_state(self, key: str | None = None) -> UserState:
        """The state of a scenario with no changes."""
        return {"scenario": key or self.start, "values": {}, "plans": {}}

    def edited(self, state: UserState) -> Scenario:
        """The state's scenario with the user's coalition plans put into its options."""
        key = state.get("scenario") or self.start
        base = self.scenario(key)
        edits = state.get("plans") or {}
        if not edits:
            return base

        def make() -> Scenario:
            from grudging.scenario.io import scenario_from_dict, scenario_to_dict

            data = scenario_to_dict(base)
            for option in data["options"]:
                change = edits.get(option["id"])
                if change is not None:
                    if option.get("coalition") is None:
                        raise ScenarioError(f"option '{option['id']}' generates no coalition")
                    option["coalition"] = {**option["coalition"], **change}
            scn = scenario_from_dict(data, f"{self.label(key)} with your changes")
            scn._base_dir = base.base_dir
            return scn

        return self._flights.fetch(self._edited, (key, _digest(edits)), make)

    def fixed(self, state: UserState) -> Scenario:
        """The scenario as the page runs it: :meth:`edited`, with the values the user set fixed
        as ``grudging run --set`` fixes them (``low = high = value``, the declared range kept), so
        the same content and hash as the command line's for the same edits."""
        from grudging.web.controls import check_values

        key = state.get("scenario") or self.start
        scn = self.edited(state)
        values = check_values(scn, state.get("values") or {})
        if not values:
            return scn

        def make() -> Scenario:
            from grudging.scenario.io import scenario_from_dict, scenario_to_dict
            from grudging.scenario.overrides import set_parameter

            data = scenario_to_dict(scn)
            records = {r["name"]: r for r in data["parameters"]}
            for name in sorted(values):  # checked: every name is a parameter of scn
                record = records[name]
                if record.get("declared") is None:  # as a file reads, so --set records it
                    record.pop("declared", None)
                text = repr(values[name])
                set_parameter(record, f"{name}={text}", text, values[name])
            fixed = scenario_from_dict(data, f"{self.label(key)} with your assumptions")
            fixed._base_dir = scn.base_dir
            return fixed

        plans = _digest(state.get("plans") or {})
        return self._flights.fetch(self._edited, (key, plans, _digest(values)), make)

    # Runs ------------------------------------------------------------------------------------
    @staticmethod
    def _planning_key(values: Mapping[str, float]) -> str:
        """A digest of the values the deterministic stages read: all but the dynamics' own."""
        return _digest(sorted((k, v) for k, v in values.items() if not k.startswith("dynamics.")))

    def plan(self, key: str, scn: Scenario, option: str, values: Mapping[str, float]) -> OptionPlan:
        """An option's plan, from the plan cache every face shares (:mod:`grudging.plans`).

        A change to a dynamics parameter the option's plan does not read re-uses the plan; one it
        does read (the guarantor's skill) re-uses the force-generation conference and re-runs the
        bargain.
        """
        return self._planner.plan(scn, option, values, self.seed)

    def results(self, state: UserState) -> Results:
        """The run of the state's scenario and values (cached)."""
        import time

        from grudging.chain import simulate
        from grudging.scenario.io import scenario_hash
        from grudging.web.controls import check_values

        key = state.get("scenario") or self.start
        values = state.get("values") or {}
        plans = state.get("plans") or {}
        run_key = (key, _digest(values), _digest(plans), self.replications, self.seed)

        def run() -> Results:
            scn = self.edited(state)
            checked = check_values(scn, values)
            started = time.perf_counter()
            results = simulate(
                scn,
                replications=self.replications,
                seed=self.seed,
                values=checked,
                uncertainty=True,
                cache=self._planner,
                settlements=self._settlements,
            )
            seconds = time.perf_counter() - started
            # the hash of the scenario as run, its set values fixed: what --set records
            results.metadata["scenario_hash"] = scenario_hash(self.fixed(state))
            self.last_seconds["run"] = seconds
            return timed_results(runs_that_ran(results), seconds)

        return self._flights.fetch(self._runs, run_key, run)

    def default_results(self, state: UserState) -> Results:
        """The run of the state's scenario with no changes (what differences are taken from)."""
        return self.results(self.default_state(state.get("scenario")))

    def changed(self, state: UserState) -> bool:
        """Whether the state differs from its scenario's defaults."""
        return bool(state.get("values") or state.get("plans"))

    # Stages ----------------------------------------------------------------------------------
    def values(self, state: UserState) -> dict[str, float]:
        """Every parameter's value in the state: nominal, with the user's (checked) values."""
        from grudging.web.controls import check_values

        scn = self.edited(state)
        return {**scn.parameter_values(), **check_values(scn, state.get("values") or {})}

    def coalition_plan(
        self, state: UserState, option: str, change: Mapping[str, Any] | None = None
    ) -> CoalitionPlan:
        """The coalition plan of an option (in the state's scenario), with ``change`` applied."""
        from pydantic import ValidationError

        from grudging.model.conference import coalition_plan
        from grudging.scenario.schema import CoalitionPlan

        plan = coalition_plan(self.edited(state), option)
        if not change:
            return plan
        try:
            return CoalitionPlan.model_validate({**plan.model_dump(), **change})
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise GrudgingError(f"{where}: {first['msg']} (got {first.get('input')!r})") from None

    def conference(self, state: UserState, plan: CoalitionPlan) -> ConferenceResult:
        """The force-generation conference under ``plan``, as the chain would run it."""

        return self._planner.conference(self.edited(state), plan, self.values(state), self.seed)

    def bargain(self, state: UserState, aid_musd: float | None) -> BargainResult:
        """The bargain under every kind of guarantor and under each option's fielded guarantor."""
        from grudging.model.bargain import BargainParams, bargain, default_guarantor
        from grudging.model.parameters import stage_parameters
        from grudging.rng import stream
        from grudging.scenario.commands import commands_of, guarantor_ids

        key = state.get("scenario") or self.start
        scn = self.edited(state)
        values = self.values(state)
        params = stage_parameters(BargainParams, values, "bargain")
        registry = commands_of(scn)
        guarantors = [default_guarantor(k, params, registry) for k in guarantor_ids(registry)]
        cache_key = (key, self._planning_key(values), aid_musd, self.seed)
        return self._flights.fetch(
            self._bargains,
            cache_key,
            lambda: bargain(
                scn, guarantors, aid_musd, params, stream(self.seed, "bargain"), n=BARGAIN_DRAWS
            ),
        )

    def memo(self, key: Hashable, make: Callable[[], T]) -> T:
        """A cached value of an expensive read (a store's indices, PRIM's steps)."""
        return self._flights.fetch(self._explore, key, make)

    def warm(self) -> None:
        """Compute the starting scenario's default run, so the first page is quick."""
        self.results(self.default_state())


#: Unicode's explicit direction marks, embeddings, overrides and isolates (UAX #9).
_BIDI_CONTROLS = dict.fromkeys(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def without_bidi_controls(text: str) -> str:
    """``text`` without the characters that change the direction of the text around it."""
    return text.translate(_BIDI_CONTROLS)


def _key_of(folders: Folders, real: Path) -> str:
    for index, root in enumerate(folders.roots):
        if real.is_relative_to(root):
            return f"{index}/{real.relative_to(root).as_posix()}"
    raise AccessRefused(f"{real.name}: outside the folders the dashboard was started with")

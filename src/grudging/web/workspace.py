"""What the dashboard's server holds: scenarios it may read, and cached runs of the chain.

The client keeps only plain data (a :class:`UserState` dict: which scenario, which parameter
values, which coalition plans the user changed). The server maps that state to a scenario and
to :class:`~grudging.results.results.Results`, caching both, so every view of the same state
reads the same run. Plans of the deterministic stages are cached by what they depend on (the
option, every non-dynamics value plus the dynamics values
:func:`grudging.options.plan_reads_dynamics` names, the seed), so a change to a ``dynamics.*``
parameter re-runs only the month-by-month simulation.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

import pandas as pd

from grudging import MASTER_SEED
from grudging.errors import GrudgingError, ScenarioError
from grudging.report.html import runs_that_ran
from grudging.results.results import INTERVAL, Results
from grudging.web.files import (
    MAX_SCENARIO_BYTES,
    SCENARIO_SUFFIXES,
    STORE_SUFFIXES,
    AccessRefused,
    Folders,
    check_scenario_file,
)

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


class RememberingResults(Results):
    """Results that compute each summary and comparison once (the views ask for them often).

    Each call returns a copy, so a caller may change what it gets.
    """

    def _remember(self, key: Hashable, make: Callable[[], Any]) -> Any:
        memo: dict[Hashable, Any] = self.__dict__.setdefault("_memo", {})
        if key not in memo:
            memo[key] = make()
        return memo[key].copy()

    def scalars(self) -> pd.DataFrame:
        """See :meth:`Results.scalars`."""
        return self._remember(("scalars",), super().scalars)

    def summary(self, interval: float = INTERVAL) -> pd.DataFrame:
        """See :meth:`Results.summary`."""
        return self._remember(("summary", interval), lambda: Results.summary(self, interval))

    def compare(self, baseline: str, interval: float = INTERVAL) -> pd.DataFrame:
        """See :meth:`Results.compare`."""
        return self._remember(
            ("compare", baseline, interval), lambda: Results.compare(self, baseline, interval)
        )

    def monthly(self, outcome: str = "civilian_deaths", interval: float = INTERVAL) -> pd.DataFrame:
        """See :meth:`Results.monthly`."""
        return self._remember(
            ("monthly", outcome, interval), lambda: Results.monthly(self, outcome, interval)
        )


def remembering(results: Results) -> RememberingResults:
    """The same results, as :class:`RememberingResults`."""
    return RememberingResults(**{f.name: getattr(results, f.name) for f in fields(results)})


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
    _plans: _Cache = field(default_factory=lambda: _Cache(64))
    _runs: _Cache = field(default_factory=lambda: _Cache(6))
    _edited: _Cache = field(default_factory=lambda: _Cache(16))
    _conferences: _Cache = field(default_factory=lambda: _Cache(32))
    _bargains: _Cache = field(default_factory=lambda: _Cache(16))
    _explore: _Cache = field(default_factory=lambda: _Cache(32))
    _lock: threading.RLock = field(default_factory=threading.RLock)
    last_seconds: dict[str, float] = field(default_factory=dict)

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

    def scenario_choices(self) -> list[dict[str, str]]:
        """Scenarios the user can switch to: built-in ones, files in the folders, uploads."""
        from grudging.scenario.io import builtin_names

        out = [{"label": f"{n} (built-in)", "value": f"builtin:{n}"} for n in builtin_names()]
        for key in self.folders.listing(SCENARIO_SUFFIXES):
            out.append({"label": self.folders.label(key), "value": f"file:{key}"})
        for key, label in self._labels.items():
            if key.startswith("upload:"):
                out.append({"label": label, "value": key})
        unique: dict[str, dict[str, str]] = {}
        for choice in out:
            unique.setdefault(choice["value"], choice)
        return list(unique.values())

    def store_choices(self) -> list[dict[str, str]]:
        """Sweep stores inside the folders."""
        return [
            {"label": self.folders.label(k), "value": k}
            for k in self.folders.listing(STORE_SUFFIXES)
        ]

    def store_path(self, key: str) -> Path:
        """The store file a listing key names (checked against the folders)."""
        return self.folders.resolve_key(key, STORE_SUFFIXES, "store")

    def scenario(self, key: str) -> Scenario:
        """The scenario of a key, loaded on first use (only built-ins and files in the folders)."""
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
                check_scenario_file(path, self.folders)
                scn = load_scenario(path)
                label = self.folders.label(rest)
            else:
                raise AccessRefused(f"scenario '{key}': not one the dashboard knows; upload it")
            self._scenarios[key] = scn
            self._labels[key] = label
            return scn

    def upload(self, text: str, filename: str) -> str:
        """Register an uploaded scenario (YAML text, safe loader) and return its key.

        An uploaded file has no folder, so it must be self-contained (``grudging dump`` writes
        such files); its map is taken from the starting scenario's folder when that holds a file
        of the same name.
        """
        from grudging.scenario import loads_scenario

        if len(text.encode("utf-8", errors="replace")) > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                f"{filename}: larger than {MAX_SCENARIO_BYTES // 1_000_000} MB; not a scenario"
            )
        name = Path(filename).name or "upload.yaml"
        scn = loads_scenario(text, name)
        base = self.scenario(self.start).base_dir
        if scn.map is not None and base is not None:
            candidate = Path(base) / scn.map.geojson
            if Path(scn.map.geojson).name == scn.map.geojson and candidate.is_file():
                scn._base_dir = base
        key = f"upload:{_digest(text)}"
        with self._lock:
            self._scenarios[key] = scn
            self._labels[key] = f"{name} (uploaded)"
        return key

    def label(self, key: str) -> str:
        """The scenario's name in the page."""
        return self._labels.get(key, key)

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

        return self._edited.fetch((key, _digest(edits)), make)

    # Runs ------------------------------------------------------------------------------------
    @staticmethod
    def _planning_key(values: Mapping[str, float], reads: tuple[str, ...] = ()) -> str:
        """A digest of the values the deterministic stages read: all but the dynamics' own."""
        return _digest(
            sorted((k, v) for k, v in values.items() if not k.startswith("dynamics.") or k in reads)
        )

    def plan(self, key: str, scn: Scenario, option: str, values: Mapping[str, float]) -> OptionPlan:
        """An option's plan, cached by the option, the values it reads and the seed.

        A change to a dynamics parameter the option's plan does not read
        (:func:`grudging.options.plan_reads_dynamics`) re-uses the plan; one it does read (the
        guarantor's skill) re-uses the force-generation conference and re-runs the bargain.
        """
        from grudging.options import option_conference, plan_option, plan_reads_dynamics

        opt = scn.option(option)
        reads = plan_reads_dynamics(scn, opt)
        spec = opt.model_dump_json()
        cache_key = (key, spec, self._planning_key(values, reads), self.seed)

        def make() -> OptionPlan:
            conference = None
            if opt.coalition is not None:  # held where the coalition builder finds it
                conference = self._conferences.fetch(
                    (key, opt.coalition.model_dump_json(), self._planning_key(values), self.seed),
                    lambda: option_conference(scn, opt, values, self.seed),
                )
            return plan_option(scn, opt, values, self.seed, conference=conference)

        return self._plans.fetch(cache_key, make)

    def results(self, state: UserState) -> Results:
        """The run of the state's scenario and values (cached)."""
        import time

        from grudging.chain import simulate
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
                planner=lambda s, o, v, _seed: self.plan(key, s, o, v),
            )
            self.last_seconds["run"] = time.perf_counter() - started
            return remembering(runs_that_ran(results))

        with self._lock:
            return self._runs.fetch(run_key, run)

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
        from grudging.model.conference import run_conference
        from grudging.rng import stream

        key = state.get("scenario") or self.start
        scn = self.edited(state)
        values = self.values(state)
        cache_key = (key, plan.model_dump_json(), self._planning_key(values), self.seed)
        return self._conferences.fetch(
            cache_key,
            lambda: run_conference(
                scn, plan, values, rng=stream(self.seed, "requirement"), cost_curve=()
            ),
        )

    def bargain(self, state: UserState, aid_musd: float | None) -> BargainResult:
        """The bargain under every kind of guarantor and under each option's fielded guarantor."""
        from grudging.model.bargain import (
            GUARANTOR_KINDS,
            BargainParams,
            bargain,
            default_guarantor,
        )
        from grudging.model.parameters import stage_parameters
        from grudging.rng import stream

        key = state.get("scenario") or self.start
        scn = self.edited(state)
        values = self.values(state)
        params = stage_parameters(BargainParams, values, "bargain")
        guarantors = [default_guarantor(kind, params) for kind in GUARANTOR_KINDS]
        cache_key = (key, self._planning_key(values), aid_musd, self.seed)
        return self._bargains.fetch(
            cache_key,
            lambda: bargain(
                scn, guarantors, aid_musd, params, stream(self.seed, "bargain"), n=BARGAIN_DRAWS
            ),
        )

    def memo(self, key: Hashable, make: Callable[[], T]) -> T:
        """A cached value of an expensive read (a store's indices, PRIM's steps)."""
        with self._lock:
            return self._explore.fetch(key, make)

    def warm(self) -> None:
        """Compute the starting scenario's default run, so the first page is quick."""
        self.results(self.default_state())


def _key_of(folders: Folders, real: Path) -> str:
    for index, root in enumerate(folders.roots):
        if real.is_relative_to(root):
            return f"{index}/{real.relative_to(root).as_posix()}"
    raise AccessRefused(f"{real.name}: outside the folders the dashboard was started with")

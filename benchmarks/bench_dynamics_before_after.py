"""Benchmark: the dynamics of this tree against an earlier copy of the module, in the same process.

Loads the earlier module from a file (for example the committed one:
``git show HEAD:src/grudging/model/dynamics.py > dynamics_before.py``), plans one option once,
and times both engines on the same plan, interleaved, best of ``--repeat``. Prints region-months per
second for both and their ratio (issue 15: the new mechanisms may cost at most 20 % of throughput).

    uv run python benchmarks/bench_dynamics_before_after.py dynamics_before.py \\
        [--option us_stays] [--replications 4000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import sys
import time
from typing import Any

from grudging.model.dynamics import DynamicsParams, simulate
from grudging.model.parameters import stage_parameters
from grudging.options import plan_option
from grudging.scenario import load_scenario


def _as(cls: Any, obj: Any) -> Any:
    """``obj`` as an instance of the earlier module's dataclass ``cls`` (its fields only)."""
    if obj is None:
        return None
    return cls(**{f.name: getattr(obj, f.name) for f in dataclasses.fields(cls)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="file of the earlier dynamics module")
    parser.add_argument("--scenario", default="iraq-2007")
    parser.add_argument("--option", default="us_stays")
    parser.add_argument("--replications", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    spec = importlib.util.spec_from_file_location("dynamics_before", args.before)
    assert spec is not None
    assert spec.loader is not None
    old = importlib.util.module_from_spec(spec)
    sys.modules["dynamics_before"] = old
    spec.loader.exec_module(old)

    scn = load_scenario(args.scenario)
    plan = plan_option(scn, args.option)
    values = scn.parameter_values()
    new_p = stage_parameters(DynamicsParams, values, "dynamics")
    old_p = stage_parameters(old.DynamicsParams, values, "dynamics")
    inp = plan.inputs
    old_inp = old.DynamicsInputs(
        theatre=_as(old.Theatre, inp.theatre),
        units=tuple(_as(old.ForceUnit, u) for u in inp.units),
        months=inp.months,
        settlement=_as(old.SettlementPlan, inp.settlement),
        handover=_as(old.HandoverPlan, inp.handover),
        deals=inp.deals,
        aid_musd_per_year=inp.aid_musd_per_year,
        aid_from_month=inp.aid_from_month,
        erosion=inp.erosion,
        patron_lump_sum_musd=inp.patron_lump_sum_musd,
    )
    old.simulate(old_inp, old_p, 100, seed=1)  # warm-up
    simulate(inp, new_p, 100, seed=1)
    before, after = [], []
    for i in range(args.repeat):
        start = time.perf_counter()
        old.simulate(old_inp, old_p, args.replications, seed=1, block=i)
        before.append(time.perf_counter() - start)
        start = time.perf_counter()
        simulate(inp, new_p, args.replications, seed=1, block=i)
        after.append(time.perf_counter() - start)
    cells = args.replications * inp.theatre.n_regions * inp.months
    print(
        f"{scn.id}, option {args.option}, {args.replications:,} replications: before "
        f"{cells / min(before):,.0f} region-months/s, after {cells / min(after):,.0f}; "
        f"throughput after/before {min(before) / min(after):.2f}"
    )


if __name__ == "__main__":
    main()

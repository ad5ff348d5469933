"""Diagnostic: how much of the back-test's miss a stand-down of a given strength would remove.

Replaces the historical option's scripted local deals with one deal per armed faction that is not
a spoiler (every faction with fighters), all at ``--month`` with the same ``--strength`` (the share
of its fighters that stands down and stays down), runs the back-test with those deals as a forcing
and prints the yearly totals against the held-out record. Strength 0 is the mechanisms alone.

It changes no model and fits nothing: it measures the reach of one route (realignment) so that a
mechanism for it can be judged against what it would have to do (docs/design-notes/history.md,
"Checked after the fifth round").

    uv run python scripts/stand_down_forcing.py --strength 0 0.7 1.0 --region baghdad
"""

from __future__ import annotations

import argparse

import pandas as pd

from grudging.evidence.backtest import backtest, historical_option
from grudging.scenario import load_scenario
from grudging.scenario.io import scenario_from_dict, scenario_to_dict
from grudging.scenario.schema import Scenario


def with_stand_down(scn: Scenario, option: str, strength: float, month: int) -> Scenario:
    """``scn`` with ``option``'s local deals replaced by one per armed non-spoiler faction."""
    data = scenario_to_dict(scn)
    source = scn.sources[0].id
    deals = [
        {
            "faction": f.id,
            "month": month,
            "strength": strength,
            "description": "diagnostic forcing (scripts/stand_down_forcing.py)",
            "source": source,
        }
        for f in scn.factions
        if not f.spoiler and f.fighters > 0
    ]
    for record in data["options"]:
        if record["id"] == option:
            record["local_deals"] = deals
    forced = scenario_from_dict(data, f"{scn.id} (stand-down {strength:g})")
    forced._base_dir = scn.base_dir  # the held-out data stay where the scenario's folder is
    return forced


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="iraq-2007")
    parser.add_argument("--strength", type=float, nargs="+", default=[0.0, 0.7, 1.0])
    parser.add_argument("--month", type=int, default=7, help="month of the deals (default 7)")
    parser.add_argument("--region", action="append", default=[])
    parser.add_argument("-n", "--replications", type=int, default=400)
    parser.add_argument("--to", default=None, help="last month compared (YYYY-MM)")
    args = parser.parse_args()

    scn = load_scenario(args.scenario)
    option = historical_option(scn)
    rows = []
    for strength in args.strength:
        forced = with_stand_down(scn, option, strength, args.month) if strength else scn
        bt, _ = backtest(
            forced,
            regions=tuple(args.region),
            replications=args.replications,
            scripted=bool(strength),
            to=args.to,
        )
        years = bt.years[["series", "year", "observed", "model"]].assign(strength=strength)
        rows.append(years)
    table = pd.concat(rows, ignore_index=True)
    table["ratio"] = (table["model"] / table["observed"]).round(2)
    wide = table.pivot_table(
        index=["series", "year"], columns="strength", values="ratio", sort=False
    )
    wide.columns = [f"ratio at {s:g}" for s in wide.columns]
    print(
        f"{scn.id}, option {option}: model / observed by year, every armed non-spoiler faction "
        f"standing down at month {args.month} with the strength shown (0: mechanisms alone); "
        f"{args.replications} replications"
    )
    print(wide.to_string())


if __name__ == "__main__":
    main()

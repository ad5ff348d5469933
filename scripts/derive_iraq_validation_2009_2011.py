#!/usr/bin/env python3
"""Derive the held-out civilian deaths of ``iraq-2007`` for 2009-2011 (the back-test to 2011).

The model never reads this file: it is for ``grudging backtest`` and ``grudging evidence``.
Same series, mapping and sources as ``civilian_deaths_2007_2008.csv``
(``scripts/derive_iraq_validation.py``): IBC deaths by governorate-month (``deaths_max`` of the
Beger province coding), deaths with no province, and IBC's national monthly maximum, for
2009-01 .. 2011-12. Writes ``src/grudging/scenarios/iraq-2007/validation/civilian_deaths_2009_2011.csv``.
Deterministic output; run from the repository root::

    uv run python scripts/derive_iraq_validation_2009_2011.py [--raw PATH]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from derive_iraq_2007 import OUT, raw_folder, write_csv
from derive_iraq_validation import civilian_deaths

FIRST, LAST = "2009-01", "2011-12"


def main(argv: list[str] | None = None) -> int:
    raw = raw_folder(__doc__, argv)
    if raw is None:
        return 2
    deaths = civilian_deaths(raw, FIRST, LAST)
    write_csv(
        OUT / "validation" / "civilian_deaths_2009_2011.csv",
        ["series", "month", "region", "value", "source"],
        deaths,
    )
    nat = sum(r["value"] for r in deaths if r["series"] == "civilian_deaths_national")
    gov = sum(r["value"] for r in deaths if r["series"] == "civilian_deaths")
    print(f"IBC 2009-2011: national {nat:,}; governorates {gov:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

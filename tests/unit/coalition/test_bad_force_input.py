"""Bad force-generation input (issue 17): one located line naming file, key and fix; exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from grudging.cli import main
from scenario_edits import line_of as _line_of
from scenario_edits import write_edited as _write

MIN_PARAMETER = (
    "  - {name: willingness.min_contingent, value: 10, low: 5, high: 50, "
    "description: smallest contingent, source: invented}\n"
)


@pytest.mark.parametrize(
    ("edits", "needle", "expected"),
    [
        (
            [("active_personnel: 150000", "active_personnel: -150000")],
            "-150000",
            "nations[AAA].active_personnel: bad value -150000: Input should be greater than or "
            "equal to 0; use a larger value",
        ),
        (
            [("nato: true, eu: true, caveats", "nato: true, eu: true, ties: friend, caveats")],
            "ties: friend",
            "nations[AAA].ties: bad value \"friend\": Input should be 'none', 'ally', 'mnna' or "
            "'partner'",
        ),
        (
            [("nato: true, eu: true, caveats", "nato: true, eu: true, alignment: 1.7, caveats")],
            "alignment: 1.7",
            "nations[AAA].alignment: bad value 1.7: Input should be less than or equal to 1; use "
            "a smaller value",
        ),
        (
            [
                ("coalition_peak: 500, coalition_left: 2005-06", "theatre_troops: 5"),
                ("parameters:\n", "parameters:\n" + MIN_PARAMETER),
            ],
            "theatre_troops: 5",
            "nations[BBB].theatre_troops: contingent of 5 troops in the theatre is below the "
            "smallest contingent ('willingness.min_contingent' 10); give at least 10 troops, 0 if "
            "it has none there, or lower 'willingness.min_contingent'",
        ),
        (
            [("nato: true, eu: true, caveats", "nato: true, eu: true, lead_roles: -1, caveats")],
            "lead_roles: -1",
            "nations[AAA].lead_roles: bad value -1: Input should be greater than or equal to 0; "
            "use a larger value",
        ),
        (
            [("nato: true, eu: true, caveats", "nato: true, eu: true, lead_roles: 1.5, caveats")],
            "lead_roles: 1.5",
            "nations[AAA].lead_roles: bad value 1.5: Input should be a valid integer, got a "
            "number with a fractional part; write a whole number",
        ),
    ],
    ids=[
        "negative_personnel",
        "unknown_tie_code",
        "alignment_above_one",
        "contingent_below_min",
        "negative_lead_roles",
        "fractional_lead_roles",
    ],
)
def test_bad_force_input_is_one_located_line_and_exit_2(
    tmp_path: Path,
    tiny_path: Path,
    capsys: pytest.CaptureFixture[str],
    edits: list[tuple[str, str]],
    needle: str,
    expected: str,
) -> None:
    path = _write(tmp_path, tiny_path, edits)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: case.yaml:{_line_of(path, needle)}: {expected}"
    assert "\n" not in err


def test_a_contingent_at_the_minimum_loads(tmp_path: Path, tiny_path: Path) -> None:
    from grudging.scenario import load_scenario

    path = _write(
        tmp_path,
        tiny_path,
        [
            ("coalition_peak: 500, coalition_left: 2005-06", "theatre_troops: 10"),
            ("parameters:\n", "parameters:\n" + MIN_PARAMETER),
        ],
    )
    assert load_scenario(path).nation("BBB").theatre_troops == 10

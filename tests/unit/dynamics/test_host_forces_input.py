"""Host forces as scenario data (issue 15): the timeline each option follows, and one located
message for each bad row (file, line, key path, fix), exit code 2 from the command line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grudging.cli import main
from grudging.errors import ScenarioError
from grudging.scenario import load_scenario
from grudging.scenario.host_forces import host_timeline


def _with_rows(tmp_path: Path, tiny_path: Path, rows: str, extra: str = "") -> Path:
    path = tmp_path / "hf.yaml"
    path.write_text(tiny_path.read_text() + extra + "host_forces:\n" + rows + "\n")
    return path


def _line(path: Path) -> int:
    return len(path.read_text().splitlines())


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "{series: plan, month: 0, troops: -5, source: x}",
            "host_forces[0].troops: bad value -5: Input should be greater than or equal to 0; "
            "use a larger value",
        ),
        (
            "{series: plan, month: 24, troops: 5, source: x}",
            "host_forces[0].month: host force figure of series 'plan' at month 24 lies outside "
            "the horizon (months 0 to 23); drop the row or lengthen 'horizon_months'",
        ),
        (
            "{series: plan, month: 3, region: betta, troops: 5, source: x}",
            "host_forces[0].region: unknown region 'betta' (did you mean 'beta'?); valid: alpha, "
            "beta, gamma",
        ),
    ],
)
def test_bad_host_force_row_is_located(
    tmp_path: Path, tiny_path: Path, row: str, message: str
) -> None:
    path = _with_rows(tmp_path, tiny_path, "  - " + row)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == f"hf.yaml:{_line(path)}: {message}"


def test_bad_host_force_row_exits_2(
    tmp_path: Path, tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _with_rows(tmp_path, tiny_path, "  - {series: plan, month: 0, troops: -5, source: x}")
    assert main(["validate", str(path)]) == 2
    assert "host_forces[0].troops" in capsys.readouterr().err


def test_timeline_spreads_national_rows_and_holds_figures(tmp_path: Path, tiny_path: Path) -> None:
    """A national row is spread in proportion to the regions' information-date host forces; a
    regional row overrides its region; each figure holds until the next row."""
    rows = (
        "  - {series: plan, month: 2, troops: 30000, trained_share: 0.5, source: x}\n"
        "  - {series: plan, month: 4, region: beta, troops: 7, source: x}"
    )
    scn = load_scenario(_with_rows(tmp_path, tiny_path, rows))
    base = np.array([float(r.host_forces) for r in scn.regions])
    troops, trained, makeup = host_timeline(scn, "plan", 6)
    assert np.allclose(troops[:, :2], base[:, None])
    assert np.allclose(troops[:, 2:4].sum(axis=0), 30000)
    assert np.allclose(troops[:, 2] / troops[:, 2].sum(), base / base.sum())
    assert troops[1, 4] == 7
    assert troops[1, 5] == 7
    assert np.all(trained[:, 2:4] == 0.5)
    assert np.all(makeup == 0)
    none = host_timeline(scn, None, 6)[0]
    assert np.allclose(none, base[:, None])


def test_iraq_replay_follows_the_record_and_options_the_plan(iraq) -> None:  # type: ignore[no-untyped-def]
    """The replay reads the recorded (post-2006) series, the counterfactuals the December 2006
    plan; every recorded row carries a source."""
    assert iraq.option("what_happened").host_forces == "recorded"
    for option in ("us_stays", "us_withdraws", "nato_replaces", "nato_then_un"):
        assert iraq.option(option).host_forces == "plan_dec2006"
    source_ids = {s.id for s in iraq.sources}
    for row in iraq.host_forces:
        assert row.source
        assert set(row.source.split(";")) <= source_ids
    recorded, trained, _ = host_timeline(iraq, "recorded", iraq.horizon_months)
    effective = (recorded * trained).sum(axis=0)
    assert effective[0] == pytest.approx(322600)
    assert np.all(np.diff(effective) >= 0)

"""The willingness calibration on the shipped data: it runs, writes a loadable file, and its fit
figures are printed in the terminal summary of the test run."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from coalition_helpers import SUMMARY

from grudging.calibration.coalition_history import read_history

SHIPPED = Path(
    str(
        resources.files("grudging.scenarios")
        / "iraq-2007"
        / "calibration"
        / "coalition_history.csv"
    )
)
RAW = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "raw"


def test_shipped_history_is_complete_and_sourced() -> None:
    rows = read_history(SHIPPED)
    by = {r.nation: r for r in rows}
    assert "USA" not in by  # the patron
    assert by["GBR"].peak_troops == 9000
    assert by["POL"].peak_troops == 2500
    assert by["ESP"].withdrawn == "2004-05"
    assert all(r.sources for r in rows)
    assert all(r.peak_month <= "2006-12" for r in rows if r.peak_troops)


@pytest.mark.skipif(not (RAW / "compiled_facts").is_dir(), reason="raw data folder not present")
def test_shipped_history_is_what_the_raw_tables_give() -> None:
    import importlib.util

    script = Path(__file__).resolve().parents[3] / "scripts" / "derive_coalition_history.py"
    spec = importlib.util.spec_from_file_location("derive_coalition_history", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.derive_history(RAW.resolve()) == read_history(SHIPPED)


def test_calibration_command_runs_on_shipped_data(
    cli_main: Any, iraq_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli_main(
        [
            "calibrate",
            "willingness",
            str(iraq_path),
            "--history",
            str(SHIPPED),
            "--out",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    doc = yaml.load((tmp_path / "willingness.yaml").read_text(), Loader=yaml.CSafeLoader)
    assert doc["calibration"] == "willingness"
    rows = read_history(SHIPPED)
    first = min(r.first_month for r in rows if r.first_month)
    assert doc["data_window"] == {"start": first, "end": "2006-12"}
    names = {p["name"] for p in doc["parameters"]}
    assert {
        "willingness.beta_opposed",
        "willingness.beta_cash",
        "willingness.size_capacity",
    } <= names
    kept = {p["name"] for p in doc["priors_kept"]}
    assert "willingness.beta_nato_command" in kept
    assert not kept & names
    for p in doc["parameters"]:
        assert p["low"] <= p["value"] <= p["high"]
    fit = doc["fit"]
    part, sizes, oos = fit["participation"], fit["sizes"], fit["out_of_sample_2007_03"]
    SUMMARY.extend(
        [
            f"scenario {iraq_path.parent.name}: {fit['sample']['candidates']} candidates, "
            f"{fit['sample']['contributors_observed']} contributed 2003-2006",
            f"who contributes: precision {part['precision']:.2f}, recall {part['recall']:.2f}, "
            f"accuracy {part['accuracy']:.2f}, AUC {part['auc']:.2f}, McFadden R2 "
            f"{part['mcfadden_r2']:.2f}; leave-one-out precision "
            f"{part['leave_one_out']['precision']:.2f}, recall {part['leave_one_out']['recall']:.2f}",
            f"sizes: Spearman rho {sizes['spearman_predicted_vs_observed_peak']['rho']:.2f} "
            f"(n {sizes['spearman_predicted_vs_observed_peak']['n']}), RMSE log size "
            f"{sizes['rmse_log_size']:.2f}",
            f"totals: observed sum of peaks {fit['totals']['observed_peak_sum']}, predicted "
            f"expected {fit['totals']['predicted_expected_sum']:.0f}",
            f"out of sample (Mar 2007): precision {oos['precision']:.2f}, recall "
            f"{oos['recall']:.2f}, observed {oos['observed_sum']} vs predicted "
            f"{oos['predicted_sum']:.0f} troops",
        ]
    )
    print("\n".join(SUMMARY))
    assert part["recall"] > 0.5
    assert part["auc"] > 0.7
    assert "Spearman" in out
    assert "precision" in out


def test_calibration_file_merges_into_the_scenario(
    cli_main: Any, iraq_path: Path, tmp_path: Path
) -> None:
    """The written file uses the format the loader merges (values, ranges, 'calibrated')."""
    from grudging.scenario.calibration_files import read_calibration

    assert (
        cli_main(
            [
                "calibrate",
                "willingness",
                str(iraq_path),
                "--history",
                str(SHIPPED),
                "--out",
                str(tmp_path),
                "--json",
            ]
        )
        == 0
    )
    cal = read_calibration(tmp_path / "willingness.yaml")
    assert cal["calibration"] == "willingness"


def test_missing_history_table_is_a_clear_error(
    cli_main: Any, iraq_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli_main(
        [
            "calibrate",
            "willingness",
            str(iraq_path),
            "--history",
            str(tmp_path / "nope.csv"),
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 2
    assert "nope.csv: no such file; give an existing CSV file" in (capsys.readouterr().err)


def test_a_malformed_history_row_is_located(
    cli_main: Any, iraq_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "history.csv"
    bad.write_text(
        "nation,name,peak_troops,peak_month,first_month,withdrawn,troops_2007_03,troops_2007_10,"
        "sources\nGBR,United Kingdom,many,2004-03,2003-03,,0,0,x\n"
    )
    code = cli_main(
        ["calibrate", "willingness", str(iraq_path), "--history", str(bad), "--out", str(tmp_path)]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "history.csv:2: bad row (invalid literal for int() with base 10: 'many')" in err
    assert "Traceback" not in err

"""``grudging abm`` in-process: outputs, and one clear message with exit code 2 for bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

import grudging.cli as cli

Runner = Callable[..., tuple[int, str, str]]


@pytest.fixture
def grudging(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runner:
    """Run ``grudging ARGS`` with only the ``abm`` commands registered; return (code, out, err)."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("abm",))

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_module_imports_only_the_standard_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, grudging.cli.abm; "
        "bad = [m for m in ('numpy', 'pandas', 'matplotlib', 'grudging.abm.model2') "
        "if m in sys.modules]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_run_model2_saves_gif_and_csv(grudging: Runner, tmp_path: Path) -> None:
    gif, csv = tmp_path / "run.gif", tmp_path / "run.csv"
    code, out, _ = grudging(
        "abm", "run", "--model", "2", "--size", "20", "--steps", "12",
        "--peacekeepers", "20", "--behaviour", "interpose", "--save", str(gif), "--csv", str(csv),
    )  # fmt: skip
    assert code == 0
    assert "20 interpose peacekeepers" in out
    with Image.open(gif) as image:
        assert image.n_frames == 13
    series = pd.read_csv(csv)
    assert len(series) == 13
    assert (series["peacekeepers"] == 20).all()


def test_run_model1_saves_png_and_is_deterministic(grudging: Runner, tmp_path: Path) -> None:
    args = ("abm", "run", "--model", "1", "--size", "20", "--steps", "30", "--seed", "4")
    code, first, _ = grudging(*args, "--save", str(tmp_path / "one.png"))
    assert code == 0
    assert (tmp_path / "one.png").stat().st_size > 1000
    _, second, _ = grudging(*args)
    rows = [[line for line in out.splitlines() if line.startswith("│")] for out in (first, second)]
    assert len(rows[0]) == 4
    assert rows[0] == rows[1]


def test_run_live_draws_the_lattice(grudging: Runner) -> None:
    code, out, _ = grudging(
        "abm", "run", "--model", "2", "--size", "12", "--steps", "3", "--live", "--fps", "0"
    )
    assert code == 0
    assert "step 3/3" in out
    assert "▀" in out


def test_compare_writes_side_by_side_figure(grudging: Runner, tmp_path: Path) -> None:
    png, gif = tmp_path / "cmp.png", tmp_path / "cmp.gif"
    code, out, _ = grudging(
        "abm", "compare", "--size", "20", "--steps", "10", "--save", str(png), "--gif", str(gif)
    )
    assert code == 0
    assert "no force" in out
    assert "interpose" in out
    assert png.stat().st_size > 1000
    with Image.open(gif) as image:
        assert image.n_frames == 11


def test_curve_writes_tidy_csv_and_fit(grudging: Runner, tmp_path: Path) -> None:
    prefix = tmp_path / "curve"
    code, out, _ = grudging(
        "abm", "curve", "--size", "20", "--steps", "20", "--replications", "2",
        "--densities", "0.05,0.2", "--behaviours", "reactive", "--bootstrap", "10",
        "--out", str(prefix), "--plot", str(tmp_path / "curve.png"),
    )  # fmt: skip
    assert code == 0
    assert "rho50" in out
    data = pd.read_csv(tmp_path / "curve.csv")
    assert list(data.columns[:5]) == [
        "density", "behaviour", "replication", "violence", "relative_violence",
    ]  # fmt: skip
    assert sorted(data["density"].unique()) == [0.0, 0.05, 0.2]
    meta = json.loads((tmp_path / "curve.json").read_text())
    fit = meta["fits"]["reactive"]
    assert {"rho50", "h", "rho50_interval", "h_interval"} <= set(fit)
    assert meta["settings"]["steps"] == 20
    assert (tmp_path / "curve.png").exists()


def test_curve_yaml_format(grudging: Runner, tmp_path: Path) -> None:
    import yaml

    code, _, _ = grudging(
        "abm", "curve", "--size", "16", "--steps", "10", "--replications", "2",
        "--densities", "0.05,0.1", "--behaviours", "patrol", "--bootstrap", "0",
        "--out", str(tmp_path / "c"), "--format", "yaml",
    )  # fmt: skip
    assert code == 0
    meta = yaml.safe_load((tmp_path / "c.yaml").read_text())
    assert "patrol" in meta["fits"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "--model", "3"), "--model: unknown value '3'; valid: 1, 2"),
        (("run", "--behaviour", "interpos"), "did you mean 'interpose'"),
        (("run", "--peacekeepers", "-3"), "--peacekeepers -3: a density must be in [0, 1)"),
        (("run", "--peacekeepers", "lots"), "--peacekeepers 'lots' is not a number"),
        (("run", "--peacekeepers", "5000"), "more than the 1600 cells"),
        (("run", "--model", "1", "--behaviour", "patrol"), "--behaviour applies to Model II"),
        (("run", "--model", "1", "--salient"), "--salient/--salience applies to Model II"),
        (("run", "--save", "out.mp4"), "unknown file type '.mp4'; use one of .gif, .png"),
        (("run", "--save", "no/such/dir/x.gif"), "folder 'no/such/dir' does not exist"),
        (("run", "--rounding", "round"), "--rounding: unknown value 'round'"),
        (("run", "--preset", "netlog", "--model", "1"), "did you mean 'netlogo'"),
        (("run", "--steps", "0"), "--steps 0: give a number of steps"),
        (("run", "--seed", "-1"), "--seed -1: a seed must be a non-negative integer"),
        (("run", "--legitimacy", "2"), "--legitimacy 2: give a number from 0 to 1"),
        (("compare", "--gif", "x.png"), "--gif x.png: unknown file type '.png'"),
        (("curve", "--densities", "0.1,abc"), "--densities: 'abc' is not a number"),
        (("curve", "--behaviours", "reactive,guard"), "unknown value 'guard'"),
        (("curve", "--format", "xml"), "--format: unknown value 'xml'; valid: json, yaml"),
        (
            ("curve", "--replications", "1"),
            "--replications 1: give a whole number from 2 to 10,000",
        ),
        (("curve", "--densities", "0.9"), "--densities 0.9: 0.9 is outside [0, 0.3]"),
        (("curve", "--densities", "0,0.1"), "give at least two different positive densities"),
        (("curve", "--activation", "async"), "--activation: unknown value 'async'"),
    ],
)
def test_bad_input_gives_one_message_and_code_2(
    grudging: Runner, args: tuple[str, ...], message: str
) -> None:
    code, _, err = grudging("abm", *args)
    assert code == 2
    assert message in err.replace("\n", " ")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("run", "--size", "5000"),
            "--size 5000: a lattice of 5,000 x 5,000 cells would need about 5.2 GB of memory, "
            "and 1.1 GB is available; use --size 2140 or less",
        ),
        (
            ("compare", "--size", "5000"),
            "--size 5000: 2 lattices of 5,000 x 5,000 cells would need about 10.3 GB of memory, "
            "and 1.1 GB is available; use --size 1377 or less",
        ),
        (
            ("curve", "--size", "3000", "--jobs", "4"),
            "--size 3000: 4 lattices of 3,000 x 3,000 cells would need about 7.8 GB of memory, "
            "and 1.1 GB is available; use --size 745 or less or fewer --jobs",
        ),
    ],
)
def test_a_lattice_too_large_for_the_memory_is_refused_before_it_is_built(
    grudging: Runner, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    import grudging.machine as machine

    monkeypatch.setattr(machine, "available_memory", lambda: 2**30)
    code, _, err = grudging("abm", *args)
    assert code == 2
    assert err.replace("\n", " ").strip() == f"error: {message}"


def test_abm_without_action_prints_help(grudging: Runner) -> None:
    code, out, _ = grudging("abm")
    assert code == 0
    assert "run" in out
    assert "curve" in out

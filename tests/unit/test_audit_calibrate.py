"""What an audit of calibrate, backtest, cases and abm found: intervals the right way round,
no interval written where none was measured, and refusals before any fit or run."""

from __future__ import annotations

from pathlib import Path

import pytest

from grudging.cli import main


def test_an_erosion_interval_when_no_contingent_left_is_ordered_and_holds_the_value() -> None:
    """Bosnia's six earlier contingents all stayed: the normal interval has no width there, and it
    came out reversed (low 0.024 above high 0.013, the value 0.0001 outside both)."""
    from grudging.calibration.dynamics import erosion_drift
    from grudging.scenario import load_scenario

    scn = load_scenario("bosnia-1995", calibrated=False)
    fit = erosion_drift(scn, scn.parameter_values(), since="1992-04", seed=2006)
    assert fit is not None
    assert fit["left"] == 0
    assert fit["low"] <= fit["value"] <= fit["high"]
    assert fit["high"] > fit["low"]  # the exact one-sided bound: 1 - 0.05 ** (1 / 6) of them


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["calibrate", "willingness", "--window-end", "2006-13"],
            "--window-end 2006-13: not a month; write it as YYYY-MM, e.g. 2006-12",
        ),
        (
            ["calibrate", "willingness", "--window-end", "2010-01"],
            "--window-end 2010-01: after the information date 2006-12; later data tests, never "
            "fits: give a month up to it",
        ),
        (
            ["calibrate", "settlements", "--profile-points", "100000000"],
            "--profile-points 100000000: give 2 to 1,000 grid points per side",
        ),
        (
            ["calibrate", "settlements", "--profile-points", "0"],
            "--profile-points 0: give 2 to 1,000 grid points per side",
        ),
        (
            ["calibrate", "willingness", "--window-end", "1900-01"],
            "--window-end 1900-01: before the first contingent of coalition_history.csv (2003-",
        ),
        (
            ["calibrate", "willingness", "--history", ""],
            "--history '': an empty value; give one, or leave --history out",
        ),
        (
            ["cases", "--case", "angola-1991", "--case", "angola-1991"],
            "--case angola-1991 is given twice; name each case once",
        ),
    ],
)
def test_bad_settings_are_refused_before_any_fit_or_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    # a calibration writes into the package's own files unless --out says where
    out = ["--out", str(tmp_path / "out")] if args[0] == "calibrate" else []
    assert main([*args, *out]) == 2
    assert capsys.readouterr().err.startswith(f"error: {message}")
    assert not (tmp_path / "out").exists()


def test_calibrate_refuses_an_output_file_and_a_minimal_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    assert main(["calibrate", "willingness", "--out", str(blocker)]) == 2  # was a traceback
    assert capsys.readouterr().err.startswith(
        f"error: --out {blocker}: {blocker} is a file, not a folder; choose another path"
    )
    case = Path(__file__).parents[2] / "src/grudging/cases/library/angola-1991.yaml"
    assert main(["calibrate", "dynamics", str(case), "--out", str(tmp_path / "c")]) == 2
    assert "a minimal case; its observations are its own yearly deaths spread evenly" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("command", ["willingness", "dynamics", "settlements"])
def test_an_empty_out_is_refused_not_read_as_the_package_file(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--out ''`` fell back to the default and rewrote the shipped calibration file."""
    from grudging.calibration.settlements import DATA_FILE
    from grudging.scenario import load_scenario

    base = Path(str(load_scenario("iraq-2007").base_dir)) / "calibration"
    shipped = {
        p: p.read_bytes() for p in (*base.glob("*.yaml"), DATA_FILE.parent / "settlements.yaml")
    }
    assert main(["calibrate", command, "--out", ""]) == 2
    assert (
        capsys.readouterr().err == "error: --out '': an empty value; give one, or leave --out out\n"
    )
    assert {p: p.read_bytes() for p in shipped} == shipped


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a,b\n", "x.csv: the coalition history table lacks the column(s) nation, name, "),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "x.csv: not a text (UTF-8) CSV file; give the coalition "),
        (
            b"nation,name,peak_troops,peak_month,first_month,withdrawn,troops_2007_03,"
            b"troops_2007_10,sources\n",
            "x.csv: the coalition history table has no rows; give a nation a row",
        ),
        (
            b"nation,name,peak_troops,peak_month,first_month,withdrawn,troops_2007_03,"
            b"troops_2007_10,sources\nALB,Albania,900000000,2004-01,2003-06,,0,0,x\n",
            "x.csv: peak_troops 900,000,000 of ALB exceeds its ",
        ),
    ],
)
def test_a_history_table_that_cannot_be_true_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    """A table of other columns was fitted as no history at all (R2 -4e7); a PNG was a traceback;
    a 900-million contingent was fitted."""
    table = tmp_path / "x.csv"
    table.write_bytes(content)
    assert (
        main(["calibrate", "willingness", "--history", str(table), "--out", str(tmp_path / "o")])
        == 2
    )
    assert capsys.readouterr().err.startswith(f"error: {message}")
    assert not (tmp_path / "o" / "willingness.yaml").exists()


HISTORY_HEADER = (
    b"nation,name,peak_troops,peak_month,first_month,withdrawn,troops_2007_03,troops_2007_10,"
    b"sources\n"
)


@pytest.mark.parametrize(
    ("flag", "content", "message"),
    [
        (
            "--history",
            HISTORY_HEADER + b'ALB,"' + b"x" * 200_000 + b'",1,2004-01,2003-06,,0,0,x\n',
            "not a readable CSV table (field larger than field limit (131072)); give a UTF-8 "
            "CSV file",
        ),
        (
            "--data",
            b"\x89PNG\r\n\x1a\n\xf7\xff",
            "not a readable CSV table (not UTF-8 text); give a UTF-8 CSV file",
        ),
    ],
)
def test_a_table_the_csv_reader_cannot_take_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, content: bytes, message: str
) -> None:
    """A field over the reader's limit (--history) and a binary file (--data) were tracebacks."""
    table = tmp_path / "x.csv"
    table.write_bytes(content)
    command = "willingness" if flag == "--history" else "settlements"
    args = ["calibrate", command, flag, str(table), "--out", str(tmp_path / "o")]
    assert main(args) == 2
    assert capsys.readouterr().err.startswith(f"error: {flag} {table}: {message}")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("command", "flag"), [("willingness", "--history"), ("settlements", "--data")]
)
def test_an_input_table_that_is_a_folder_or_missing_names_its_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, flag: str
) -> None:
    """A folder was said to be 'not found', without the flag."""
    out = ["--out", str(tmp_path / "o")]
    assert main(["calibrate", command, flag, str(tmp_path), *out]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: {flag} {tmp_path}: this is a folder; give the CSV file itself"
    )
    missing = tmp_path / "none.csv"
    assert main(["calibrate", command, flag, str(missing), *out]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: {flag} {missing}: no such file; give an existing CSV file"
    )


def test_a_history_table_without_the_columns_says_which_they_must_be(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'lacks the column(s) ...; its columns are <the expected ones>' read as the file's."""
    table = tmp_path / "x.csv"
    table.write_bytes(b"nation,name\nALB,Albania\n")
    args = ["calibrate", "willingness", "--history", str(table), "--out", str(tmp_path / "o")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "lacks the column(s) peak_troops," in err
    assert "; the columns are nation, name, peak_troops," in err


def test_a_settlements_parameter_freed_twice_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--free a,a`` was fitted and written as if given once."""
    free = "implementation_base,implementation_base"
    args = ["calibrate", "settlements", "--free", free, "--out", str(tmp_path / "o")]
    assert main(args) == 2
    assert capsys.readouterr().err == (
        f"error: --free {free}: implementation_base is given twice; name each once\n"
    )
    assert not (tmp_path / "o").exists()


def test_abm_output_paths_are_refused_before_the_model_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    for flag, name in (("--save", "x.gif"), ("--csv", "x.csv")):
        out = blocker / name
        assert main(["abm", "run", "--size", "20", "--steps", "5", flag, str(out)]) == 2
        assert capsys.readouterr().err.startswith(
            f"error: {flag} {out}: {blocker} is a file, not a folder; choose another path"
        )


def _edited(source: Path, out: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    out.write_text(text.replace(old, new, 1), encoding="utf-8")
    return out


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (",0,0,,train,", ",0,2,,train,", "relapse_5y 2 must be 1 (relapsed within 5 years), 0"),
        ("Paraguay,1947-08-15,1947,", "Paraguay,1947-08-15,-5,", "start_year -5 is not a year"),
    ],
)
def test_a_settlements_row_that_cannot_be_true_is_refused(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    from grudging.calibration.settlements import DATA_FILE, read_settlements
    from grudging.errors import GrudgingError

    table = _edited(DATA_FILE, tmp_path / "settlements.csv", old, new)
    with pytest.raises(GrudgingError) as err:
        read_settlements(table)
    assert str(err.value).startswith(f"settlements.csv:2: {message}")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("ALB,Albania,120,", "ALB,Albania,-500,", "peak_troops -500 of ALB is negative"),
        ("ALB,Albania,120,2005-12,", "ALB,Albania,120,2005-15,", "peak_month '2005-15' of ALB"),
        ("ARM,Armenia,", "ALB,Armenia,", "nation ALB has a row already; give one per nation"),
        (
            "ALB,Albania,120,2005-12,2004-01,,",
            "ALB,Albania,120,2005-12,2004-01,2005-06,",
            "ALB withdrawn 2005-06, before its peak_month 2005-12",
        ),
    ],
)
def test_a_coalition_history_row_that_cannot_be_true_is_refused(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    from grudging.calibration.coalition_history import read_history
    from grudging.errors import ScenarioError

    source = Path(__file__).parents[2] / (
        "src/grudging/scenarios/iraq-2007/calibration/coalition_history.csv"
    )
    table = _edited(source, tmp_path / "history.csv", old, new)
    with pytest.raises(ScenarioError, match=r"^history.csv:[23]: " + message.replace("(", r"\(")):
        read_history(table)


def test_abm_compare_frames_too_large_for_the_memory_are_refused_before_the_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """compare keeps every step of both lattices for its figure: only the lattices were checked,
    so a long run ended (hours later) out of memory."""
    monkeypatch.setattr("grudging.machine.available_memory", lambda: 2**30)
    save, gif = tmp_path / "c.png", tmp_path / "c.gif"
    args = ["abm", "compare", "--save", str(save), "--gif", str(gif), "--steps", "100000"]
    assert main(args) == 2
    assert capsys.readouterr().err == (
        "error: --steps 100,000: the frames of two 40 x 40 lattices over 100,000 steps (kept for "
        "the figure and the GIF) would need about 1.6 GB of memory, and 1.1 GB is available; use "
        "--steps 59,259 or less, or a smaller --size\n"
    )
    assert not save.exists()
    assert not gif.exists()


@pytest.mark.parametrize(
    ("suffix", "kept_for", "need", "most"),
    [(".gif", "the GIF", "4.2 GB", "22,860"), (".png", "the figure", "2.2 GB", "45,721")],
)
def test_abm_run_frames_too_large_for_the_memory_are_refused_before_the_run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    suffix: str,
    kept_for: str,
    need: str,
    most: str,
) -> None:
    """``abm run --save`` keeps every step's lattice for the file, as compare does."""
    monkeypatch.setattr("grudging.machine.available_memory", lambda: 2**30)
    save = tmp_path / f"r{suffix}"
    assert main(["abm", "run", "--size", "100", "--steps", "100000", "--save", str(save)]) == 2
    assert capsys.readouterr().err == (
        f"error: --steps 100,000: the frames of a 100 x 100 lattice over 100,000 steps (kept for "
        f"{kept_for}) would need about {need} of memory, and 1.1 GB is available; use --steps "
        f"{most} or less, or a smaller --size\n"
    )
    assert not save.exists()

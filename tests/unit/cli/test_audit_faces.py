"""What an audit of the command line's faces found (stop 34): an empty value read as the default,
repeats that silently won, flags that a model ignored, unusable paths as tracebacks, outputs that
were not what they said."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grudging.cli import main


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["run", "-n", "5", "--report", ""],
            "--report '': an empty value; give one, or leave --report out",
        ),
        (["cases", "--plot="], "--plot '': an empty value; give one, or leave --plot out"),
        (["validate", ""], "an argument is an empty string; give a value or leave it out"),
        (
            [
                "run",
                "-n",
                "5",
                "--set",
                "dynamics.self_excitation=0.2",
                "--set",
                "dynamics.self_excitation=0.3",
            ],
            "--set dynamics.self_excitation is given twice; set each key once",
        ),
        (
            [
                "show",
                "--set",
                "dynamics.self_excitation=0.2",
                "--set",
                "parameters.dynamics.self_excitation.value=0.25",
            ],
            "--set dynamics.self_excitation and --set parameters.dynamics.self_excitation.value "
            "set the same value; set it once",
        ),
        (
            ["what-would-it-take", "--lever", "aid", "--lever", "aid"],
            "--lever aid is given twice; name each lever once",
        ),
        (
            ["bargain", "--spoiler", "sadrists", "--spoiler", "sadrists"],
            "--spoiler sadrists is given twice; name each faction once",
        ),
        (
            ["abm", "run", "--fps", "nan", "--steps", "2"],
            "--fps nan: give frames per second from 0 (as fast as it draws) to 240",
        ),
        (
            ["abm", "compare", "--fps", "-1", "--steps", "2"],
            "--fps -1.0: give frames per second from 0 (as fast as it draws) to 240",
        ),
        (
            ["abm", "run", "--preset", "mesa", "--steps", "2"],
            "--preset applies to Model I (its NetLogo or Mesa settings); Model II has none",
        ),
        (["report", "--from", "x", "--seed", "5"], "--seed applies to a new run, not to --from"),
        (
            ["abm", "run", "--size", "10", "--steps", "2"],
            "--size 10: too small a lattice for the agents' vision (they would see cells twice); "
            "give --size 11 or more",
        ),
        (
            ["abm", "run", "--model", "1", "--size", "0", "--steps", "2"],
            "--size 0: too small a lattice for the agents' vision (they would see cells twice); "
            "give --size 15 or more",
        ),
    ],
)
def test_a_mistaken_argument_is_one_message_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    assert capsys.readouterr().err.startswith(f"error: {message}")


def test_a_path_the_system_cannot_use_is_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name over 255 bytes raised OSError (File name too long) from the path checks."""
    long = tmp_path / ("a" * 300 + ".html")
    assert main(["report", "--out", str(long), "-n", "5"]) == 2
    assert "not a usable path (File name too long); give a shorter one" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / ("b" * 300 + ".yaml"))]) == 2
    assert "cannot be read as a path (File name too long)" in capsys.readouterr().err


def test_the_case_list_is_json_with_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cases", "--list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {"id": "angola-1991", "library": True, "path": None} in listed


def test_a_what_file_that_is_not_an_answer_is_said_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    out = str(tmp_path / "r.html")
    assert main(["report", "--what", str(empty), "--out", out, "-n", "2", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert (
        "not the JSON of grudging what-would-it-take --json (it lacks the answer's fields)" in err
    )
    assert "__init__" not in err
    assert main(["report", "--what", str(tmp_path), "--out", out, "-n", "2", "--quiet"]) == 2
    assert f"--what {tmp_path}: a folder, not a file" in capsys.readouterr().err


def test_an_answer_computed_under_other_assumptions_is_refused(tmp_path: Path) -> None:
    """The answer records the scenario's hash with its overrides; a report under other
    overrides no longer mixes them."""
    from dataclasses import replace

    from grudging.errors import GrudgingError
    from grudging.explore.what_it_takes import WhatItTakes
    from grudging.report.what import read_answer
    from grudging.scenario import load_scenario
    from grudging.scenario.io import scenario_hash

    scn = load_scenario("iraq-2007")
    fields = {f: None for f in WhatItTakes.__dataclass_fields__}
    answer = WhatItTakes(
        **{
            **fields,
            "scenario": "iraq-2007",
            "option": "nato_replaces",
            "baseline": "us_stays",
            "levers": (),
            "pairs": (),
            "parameters": (),
            "box": None,
            "summary": "",
            "scenario_hash": scenario_hash(scn),
            "seconds": 0.0,
        }
    )
    saved = tmp_path / "w.json"
    saved.write_text(json.dumps(answer.to_dict()))
    assert read_answer(saved, scn) == answer
    other = load_scenario("iraq-2007", overrides=["dynamics.self_excitation=0.2"])
    with pytest.raises(GrudgingError, match="computed under other assumptions"):
        read_answer(saved, other)
    old = replace(answer, scenario_hash="")  # saved before the hash was recorded: read as before
    saved.write_text(json.dumps(old.to_dict()))
    assert read_answer(saved, other) == old


def test_a_curve_without_bootstrap_writes_json_without_nan(tmp_path: Path) -> None:
    out = tmp_path / "curve"
    args = ["abm", "curve", "--bootstrap", "0", "--replications", "2", "--steps", "5"]
    assert (
        main(
            [
                *args,
                "--densities",
                "0,0.05,0.1",
                "--behaviours",
                "interpose",
                "--size",
                "20",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    text = (tmp_path / "curve.json").read_text()
    assert "NaN" not in text
    assert json.loads(text)["fits"]["interpose"]["rho50_interval"] == [None, None]


def test_a_cases_plot_goes_into_a_folder_it_makes(tmp_path: Path) -> None:
    """The check said the folder could be made; the plot was then written without making it."""
    plot = tmp_path / "new" / "folder" / "plot.png"
    assert (
        main(
            [
                "cases",
                "--case",
                "angola-1991",
                "--case",
                "angola-1994",
                "-n",
                "4",
                "--plot",
                str(plot),
                "--json",
            ]
        )
        == 0
    )
    assert plot.is_file()


@pytest.mark.parametrize("command", [["report", "--from"], ["cases"], ["robustness"]])
def test_an_input_path_the_system_refuses_is_a_message(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Input paths (a saved run, a case file, a store) too long for the file system raised
    OSError through the command line; any refusal of the file system is now one message."""
    assert main([*command, str(tmp_path / ("c" * 300))]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert err.rstrip().endswith("File name too long; give a shorter path")
    assert "Traceback" not in err


def test_a_full_disk_says_what_to_do() -> None:
    import errno

    from grudging.cli import _os_message

    full = OSError(errno.ENOSPC, "No space left on device", "runs/s.duckdb")
    assert _os_message(full) == (
        "runs/s.duckdb: No space left on device; the disk is full: free some space (a sweep's "
        "store keeps the runs written so far; --resume continues it)"
    )


def test_peacekeepers_beyond_the_room_the_citizens_leave_are_refused_in_flags(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The refusal named citizen_density, which no flag sets; it now says the room in terms of
    --peacekeepers, for a density and for a count, and the constant is the models' own."""
    from grudging.abm.config import ModelIConfig, ModelIIConfig
    from grudging.cli.abm import CITIZEN_DENSITY

    assert ModelIIConfig().citizen_density == CITIZEN_DENSITY
    assert (
        CITIZEN_DENSITY
        == ModelIConfig.netlogo().citizen_density
        == ModelIConfig.mesa().citizen_density
    )
    for given in ("0.5", "200"):
        assert main(["abm", "run", "--peacekeepers", given, "--size", "20", "--steps", "2"]) == 2
        assert capsys.readouterr().err == (
            f"error: --peacekeepers {given}: the citizens fill 0.7 of the cells (one agent a cell), "
            "so there is room for 0.3 a cell, 120 here; give at most that\n"
        )


def test_names_with_square_brackets_print_as_written(
    tmp_path: Path, tiny_runnable_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A theatre's names were read as rich markup (audit of 2026-12-08): 'Allied [land]' lost
    '[land]', and '[/]' in an option's name was a MarkupError traceback in show, run, coalition
    and what-would-it-take."""
    text = tiny_runnable_path.read_text(encoding="utf-8")
    for old, new in (
        ("title: Tiny toy theatre", "title: '[/] Tiny [north]'"),
        ("name: Alliedland\n", "name: Allied [land]\n"),
        ("name: Alliance replaces the patron", "name: '[/] Alliance [b]replaces'"),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "brackets.yaml"
    path.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["show", str(path)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "[/] Tiny [north] (tiny," in out
    assert "Allied [land]" in out
    assert "[/] Alliance [b]replaces" in out
    assert main(["coalition", str(path), "--option", "alliance_replaces"]) == 0
    assert capsys.readouterr().out.startswith("[/] Tiny [north] — coalition under NATO")
    report = tmp_path / "r [v2].html"
    assert main(["run", str(path), "-n", "4", "--quiet", "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "[/] Alliance [b]replaces" in out
    assert f"report written to {report}" in " ".join(out.split())


def test_an_unknown_case_is_refused_by_the_list_too(capsys: pytest.CaptureFixture[str]) -> None:
    """``cases --list --case NOPE`` passed over the unknown case; the list is of the named ones."""
    assert main(["cases", "--list", "--case", "nope"]) == 2
    assert capsys.readouterr().err.startswith("error: --case nope: unknown case 'nope'; valid: ")
    assert main(["cases", "--list", "--json", "--case", "angola-1991"]) == 0
    assert [e["id"] for e in json.loads(capsys.readouterr().out)] == ["angola-1991"]


def test_new_without_out_names_the_id_not_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A refusal of the file NAME.yaml named ``--out``, which was not given."""
    monkeypatch.chdir(tmp_path)
    long = "a" * 300
    assert main(["new", long]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: new {'a' * 40}…: a case id of 300 characters is too long for a file name "
        "(250 at most); give a shorter id, or --out PATH"
    )
    (tmp_path / "mali-2013.yaml").mkdir()
    assert main(["new", "mali-2013"]) == 2
    assert capsys.readouterr().err.startswith(
        "error: new mali-2013: mali-2013.yaml is a folder here; give --out PATH for the file"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mali-2013.yaml"]

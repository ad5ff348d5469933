"""`grudging what-would-it-take`'s terminal answer: the answer's sentence first, then the tables,
with options, outcomes, levers and parameters named in words rather than by identifier."""

from __future__ import annotations

from pathlib import Path

import pytest

from grudging.cli import main

OPTION, BASELINE = "alliance_replaces", "patron_stays"


@pytest.mark.slow  # a small search on the toy scenario: about 30 s on two shared cores
def test_the_answer_comes_first_in_words(
    tiny_runnable_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from grudging.scenario import load_scenario

    monkeypatch.setenv("COLUMNS", "200")
    scn = load_scenario(tiny_runnable_path)
    names = {o.id: o.name for o in scn.options}
    argv = [
        "what-would-it-take",
        "--scenario",
        str(tiny_runnable_path),
        "--option",
        OPTION,
        "--baseline",
        BASELINE,
        "--lever",
        "aid",
        "-r",
        "8",
        "--parameter-replications",
        "20",
        "--max-evaluations",
        "6",
        "--quiet",
    ]
    assert main(argv) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    # the first line is the answer's sentence, naming both options
    assert lines[0].startswith(f"{names[OPTION]} ")
    assert names[BASELINE] in lines[0]
    assert lines[1].startswith(f"{names[OPTION]} against {names[BASELINE]} on civilian deaths")
    text = "\n".join(lines)
    assert "International aid" in text
    for identifier in (OPTION, BASELINE, "civilian_deaths", "│ aid "):
        assert identifier not in text

"""Scoring a user's own case files with the library (``grudging cases FILE_OR_FOLDER``)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from grudging.cases import runner
from grudging.cli import main
from grudging.errors import GrudgingError


def _own(folder: Path, case_id: str, **changes: str) -> Path:
    """A copy of the library's Mozambique case under another id, with lines replaced."""
    text = runner.case_path("mozambique-1992").read_text(encoding="utf-8")
    text = text.replace("id: mozambique-1992", f"id: {case_id}")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    path = folder / f"{case_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_naive_forecasts_learn_from_the_whole_pool_whatever_is_scored() -> None:
    """A subset's base rate is the leave-one-out share of violence over every other case of the
    library, not over the chosen few (two cases used to give the base rate a Brier of 1.000)."""
    ids = ["mozambique-1992", "rwanda-1993"]
    report = runner.library_report(runner.run_library(ids, 10, seed=1))
    outcomes = {e.id: runner.read_case(e.path).outcome for e in runner.case_pool()}
    violent = sum(o.large_scale_violence_2y for o in outcomes.values())  # type: ignore[union-attr]
    n = len(outcomes)
    for row in report["cases"]:
        expected = (violent - row["outcome"]) / (n - 1)
        assert row["p_base_rate"] == pytest.approx(expected, abs=1e-12)


def test_the_order_cases_are_named_in_decides_nothing(tmp_path: Path) -> None:
    """The paired bootstrap resamples by position, so the cases are scored in the order of their
    ids; naming them (or their files) in another order used to move the intervals."""
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    a = _own(one, "atlantis-1993")
    b = _own(two, "lemuria-1994", **{"start: 1992-10": "start: 1994-03"})
    ids = ["rwanda-1993", "lemuria-1994", "atlantis-1993", "car-1997"]
    reports = []
    for files, order in (([a, b], ids), ([b, a], ids[::-1])):
        pool = runner.case_pool(files)
        assert [e.id for e in pool] == sorted(e.id for e in pool)
        results = runner.run_library(order, 10, seed=1, pool=pool)
        reports.append(runner.library_report(results, pool))
    assert reports[0] == reports[1]


def test_own_cases_join_the_pool_and_get_their_own_scores(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    _own(mine, "atlantis-1993")
    _own(mine, "lemuria-1994", **{"start: 1992-10": "start: 1994-03"})
    pool = runner.case_pool([mine])
    assert [e.id for e in pool if not e.library] == ["atlantis-1993", "lemuria-1994"]
    ids = ["atlantis-1993", "lemuria-1994", "car-1997"]
    args = ["cases", str(mine), "-n", "10", "--seed", "1", "--json"]
    for case_id in ids:
        args += ["--case", case_id]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(args) == 0
    report = json.loads(buf.getvalue())
    assert [r["id"] for r in report["cases"]] == sorted(ids)  # scored in the order of their ids
    assert [r["library"] for r in report["cases"]] == [False, True, False]
    assert report["scores"]["your cases"][0]["n"] == 2
    # The same coding as a library case gives the same forecast (the id does not enter it).
    moz = runner.run_library(["mozambique-1992"], 10, seed=1)[0]
    assert report["cases"][0]["p_model"] == moz.p_model


def test_an_own_case_may_not_take_an_id_already_in_the_pool(tmp_path: Path) -> None:
    path = _own(tmp_path, "liberia-1996")
    with pytest.raises(GrudgingError, match=r"already the library's liberia-1996\.yaml"):
        runner.case_pool([path])
    assert main(["cases", str(path), str(path), "--list"]) == 2
    assert main(["cases", str(tmp_path / "nowhere.yaml"), "--list"]) == 2


def test_a_case_the_onset_fit_cannot_be_refitted_for_is_refused_before_any_run(
    tmp_path: Path,
) -> None:
    """Before 1984-06 the episodes known do not cover every cell of the onset fit: a located
    refusal naming that date, not a traceback."""
    path = _own(tmp_path, "cyprus-1964", **{"start: 1992-10": "start: 1964-03"})
    pool = runner.case_pool([path])
    with pytest.raises(GrudgingError, match=r"cyprus-1964.yaml: start 1964-03: .* 1984-06"):
        runner.run_library(["cyprus-1964"], 10, seed=1, pool=pool)
    assert main(["cases", str(path), "--case", "cyprus-1964", "-n", "10"]) == 2


def test_a_horizon_shorter_than_the_outcome_is_refused(tmp_path: Path) -> None:
    path = _own(tmp_path, "short-1993", **{"format: case": "format: case\nhorizon_months: 12"})
    pool = runner.case_pool([path])
    with pytest.raises(GrudgingError, match="horizon_months 12 is shorter than the 24 months"):
        runner.run_library(["short-1993"], 10, seed=1, pool=pool)


COMMAND_AU = """commands:
  - id: au
    name: African Union
    kind: regional
    skill: {skill}
    salience: dynamics.salience_un
    guarantees: {{strength: bargain.strength_un, impartiality: {impartiality}, years: 2}}
    source: "coded as the UN's figures"
sources:"""


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {
                "command: un,": "command: au,",
                "sources:": COMMAND_AU.format(skill=45, impartiality=0.5),
            },
            "commands[au].skill: bad value 45: Input should be less than or equal to 2",
        ),
        (
            {
                "command: un,": "command: au,",
                "sources:": COMMAND_AU.format(skill=-3, impartiality=0.5),
            },
            "commands[au].skill: bad value -3: Input should be greater than or equal to 0",
        ),
        (
            {
                "command: un,": "command: au,",
                "sources:": COMMAND_AU.format(skill=0.8, impartiality=1.5),
            },
            "impartiality: bad value 1.5: Input should be less than or equal to 1",
        ),
        (
            {
                "start: 1992-10": "start: 1992-10\nfighters_per_1000: 1000",
                "intervener_party: false": "intervener_party: true",
            },
            "makes 16,257,041 fighters with the opposition's half times 1.5 (the intervener is a "
            "party), more than the 13,005,633 people living there; give at most 800 per 1,000",
        ),
        (
            {
                "population: 13005633": "population: 6000",
                "recent_deaths_per_year: 30575": "recent_deaths_per_year: 100",
            },
            "force.troops: 6,625 troops are more than the 6,000 people living there",
        ),
    ],
)
def test_a_case_that_cannot_be_true_is_refused_at_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], changes: dict[str, str], message: str
) -> None:
    """A command's skill of 45 or -3, more fighters or troops than people: one located line,
    exit code 2 (they used to run and move the forecast)."""
    path = _own(tmp_path, "probe-1992", **changes)
    assert main(["validate", str(path)]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"large_scale_violence_2y": "large_scale_violence_two_years"},
            "valid keys: large_scale_violence_2y, source;",
        ),
        (
            {
                'force: {name: "ONUMOZ", command: un, troops: 6625, present_at_start: 0}': "force: 6625"
            },
            "force: bad value 6625: give the force as a record, force: {name: ..., command: un",
        ),
    ],
)
def test_a_case_record_miswritten_is_named_with_its_own_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], changes: dict[str, str], message: str
) -> None:
    path = _own(tmp_path, "probe-1992", **changes)
    assert main(["validate", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_a_run_of_a_case_file_gives_the_scorer_s_forecast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``grudging run CASE.yaml`` prints the quantity ``grudging cases`` scores, computed from the
    run's own replications; with the same parameters and seed it is the scorer's number."""
    path = runner.case_path("croatia-1994")
    report = tmp_path / "r.html"
    assert (
        main(["run", str(path), "-n", "60", "--seed", "4", "--report", str(report), "--json"]) == 0
    )
    case = json.loads(capsys.readouterr().out)["case"]
    _, scn = runner.load_case(path)
    assert case["p_large_scale_violence_2y"] == runner.violence_probability(scn, 60, 4)
    assert (case["replications"], case["recorded"]) == (60, True)
    assert main(["run", str(path), "-n", "20", "--report", str(report)]) == 0
    assert "Case forecast: P(a year of the first two with 1,000 deaths or more)" in (
        capsys.readouterr().out.replace("\n", " ")
    )


def test_a_run_shorter_than_the_outcome_gives_no_case_forecast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A case run over 12 months cannot forecast violence within 24: the run says so instead of
    printing a two-year forecast from one year (``grudging cases`` refuses such a case)."""
    path = _own(
        tmp_path, "short-1992", **{"ceasefire: true": "ceasefire: true\nhorizon_months: 12"}
    )
    assert main(["run", str(path), "-n", "20", "--report", str(tmp_path / "r.html")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Case forecast: none: the outcome covers the first 24 months and this run 12" in out
    assert "P(a year of the first two" not in out


def test_a_case_file_given_twice_is_named_as_such(tmp_path: Path) -> None:
    from grudging.errors import GrudgingError

    path = _own(tmp_path, "twice-1992")
    with pytest.raises(
        GrudgingError, match=r"twice-1992\.yaml: given twice; give each case file once"
    ):
        runner.case_pool([tmp_path, path])


def test_a_folder_with_a_file_that_is_no_case_names_it_and_the_way_out(tmp_path: Path) -> None:
    _own(tmp_path, "mine-1992")
    (tmp_path / "notes.yaml").write_text("notes: a file beside the cases\n", encoding="utf-8")
    with pytest.raises(GrudgingError) as err:
        runner.case_pool([tmp_path])
    assert str(err.value) == (
        f"{tmp_path / 'notes.yaml'}: not a minimal case (no 'format: case' line); add the line "
        "if it is one, or move the file out of the folder (or give the case files by name)"
    )
    assert [e.id for e in runner.case_pool([tmp_path / "mine-1992.yaml"]) if not e.library] == [
        "mine-1992"
    ]

"""Feasibility gates (host consent, a Security Council decision): data, semantic, bad input."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from grudging.cli import main
from grudging.errors import ScenarioError
from grudging.results.verdict import infeasible_sentences
from grudging.scenario import load_scenario
from grudging.scenario.feasibility import (
    INFEASIBLE_BELOW,
    command_feasibility,
    engaged_commands,
    option_feasibility,
)

GATES = """feasibility:
  - {id: consent_alliance, gate: host_consent, applies_to: [nato], probability: 0.7, source: invented}
  - {id: consent_un, gate: host_consent, applies_to: [un], probability: 0.9, source: invented}
  - {id: council, gate: security_council, applies_to: [un], probability: 0.6, source: invented}
options:
"""


def _with_gates(tmp_path: Path, tiny_path: Path, gates: str = GATES, extra: str = "") -> Path:
    text = tiny_path.read_text()
    assert text.count("\noptions:\n") == 1
    text = text.replace("\noptions:\n", "\n" + gates, 1)
    path = tmp_path / "gated.yaml"
    path.write_text(text + extra)
    return path


HANDOVER_OPTION = """  - id: alliance_then_un
    name: Alliance, then the UN
    forces: {us_forces: [{month: 0, troops: 18000}, {month: 9, troops: 0}]}
    coalition: {command: nato, roe_level: protection, budget_musd: 500}
    bargain: {month: 3, guarantor: nato, aid_musd_per_year: 100}
    handover: {to: un, earliest_month: 6}
"""


def _scenario_with_handover(tmp_path: Path, tiny_path: Path):  # type: ignore[no-untyped-def]
    text = tiny_path.read_text()
    anchor = "\nparameters:\n"
    assert text.count(anchor) == 1
    text = text.replace("\noptions:\n", "\n" + GATES, 1).replace(
        anchor, "\n" + HANDOVER_OPTION + "parameters:\n", 1
    )
    path = tmp_path / "handover.yaml"
    path.write_text(text)
    return load_scenario(path)


def test_no_gate_means_feasible(tiny_path: Path) -> None:
    tiny = load_scenario(tiny_path)
    for option in tiny.options:
        feas = option_feasibility(tiny, option.id)
        assert feas.p_feasible == 1.0
        assert not feas.infeasible
        assert feas.gates == ()


def test_gates_apply_to_the_commands_an_option_engages(tmp_path: Path, tiny_path: Path) -> None:
    scn = _scenario_with_handover(tmp_path, tiny_path)
    assert option_feasibility(scn, "patron_stays").gates == ()  # engages no gated command
    alliance = option_feasibility(scn, "alliance_replaces")
    assert [g.id for g in alliance.gates] == ["consent_alliance"]
    assert alliance.p_feasible == pytest.approx(0.7)
    assert not alliance.infeasible
    # The handover to the UN adds the Council; of the two consents the harder one binds.
    assert engaged_commands(scn.option("alliance_then_un")) == ("nato", "un")
    handover = option_feasibility(scn, "alliance_then_un")
    assert [g.id for g in handover.gates] == ["consent_alliance", "council"]
    assert handover.p_feasible == pytest.approx(0.7 * 0.6)
    assert handover.infeasible == (INFEASIBLE_BELOW > 0.7 * 0.6)
    assert "INFEASIBLE" in handover.words()
    assert "security council" not in handover.words()
    assert command_feasibility(scn, ()).p_feasible == 1.0


def test_p_feasible_never_rises_with_more_commands(tmp_path: Path, tiny_path: Path) -> None:
    scn = _scenario_with_handover(tmp_path, tiny_path)
    kinds = ["us", "nato", "un", "national"]
    for i in range(len(kinds)):
        for j in range(i, len(kinds)):
            fewer = command_feasibility(scn, kinds[i : j + 1]).p_feasible
            more = command_feasibility(scn, kinds[: j + 1]).p_feasible
            assert more <= fewer + 1e-12


def test_gate_probability_outside_unit_interval_is_a_located_error(
    tmp_path: Path, tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _with_gates(tmp_path, tiny_path, GATES.replace("probability: 0.6", "probability: 1.6"))
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if "1.6" in t)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == (
        f"gated.yaml:{line}: feasibility[council].probability: bad value 1.6: Input should be "
        "less than or equal to 1; use a smaller value"
    )
    assert main(["bargain", str(path), "--draws", "5"]) == 2
    err = capsys.readouterr().err
    assert "feasibility[council].probability" in err
    assert len(err.strip().splitlines()) == 1


def test_gate_with_unknown_command_is_a_located_error(tmp_path: Path, tiny_path: Path) -> None:
    path = _with_gates(
        tmp_path,
        tiny_path,
        GATES.replace("applies_to: [un], probability: 0.6", "applies_to: [unn], probability: 0.6"),
    )
    with pytest.raises(ScenarioError, match=r"feasibility\[council\]\.applies_to"):
        load_scenario(path)


def test_gate_source_must_resolve_where_there_are_sources() -> None:
    with pytest.raises(
        ScenarioError, match=r"feasibility\[host_consent_nato\]\.source: unknown source 'NOPE'"
    ):
        load_scenario(
            "bosnia-1995",
            overrides=["feasibility.host_consent_nato.source=NOPE"],
        )


def test_built_in_gates_are_sourced_and_reported(iraq) -> None:  # type: ignore[no-untyped-def]
    sources = {s.id for s in iraq.sources}
    assert iraq.feasibility, "iraq-2007 declares its gates"
    for gate in iraq.feasibility:
        assert all(ref.strip() in sources for ref in gate.source.split(";"))
    # The UN handover needs both a consent and the Council: it is the hardest option to field.
    p = {o.id: option_feasibility(iraq, o.id).p_feasible for o in iraq.options}
    assert p["nato_then_un"] < p["nato_replaces"] <= 1.0
    assert p["us_stays"] == 1.0


def test_verdict_names_infeasible_options() -> None:
    results = SimpleNamespace(
        metadata={
            "feasibility": {
                "a": {"infeasible": False, "p_feasible": 1.0, "threshold": 0.5, "gates": []},
                "b": {
                    "infeasible": True,
                    "p_feasible": 0.3,
                    "threshold": 0.5,
                    "gates": [
                        {"gate": "security_council", "probability": 0.3, "source": "S1"},
                    ],
                },
            }
        },
        option_names=lambda: {"a": "Option A", "b": "Option B"},
        status=pd.DataFrame({"option": ["a", "b"], "status": ["ok", "ok"]}),
    )
    lines = infeasible_sentences(results)  # type: ignore[arg-type]
    assert lines == [
        "Option B is infeasible as planned: P(feasible) 0.30, below 0.50 (security council "
        "0.30 (S1)); its figures are what would follow if it were carried out."
    ]
    # an option that did not run has no figures to speak of
    results.status = pd.DataFrame({"option": ["a", "b"], "status": ["ok", "failed"]})
    assert infeasible_sentences(results) == []  # type: ignore[arg-type]


def test_negative_capability_is_a_located_error_with_exit_2(
    tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    override = "factions.northern_party.capability=-0.2"
    with pytest.raises(ScenarioError, match=r"factions\[northern_party\]\.capability: bad value"):
        load_scenario(tiny_path, overrides=[override])
    assert main(["bargain", str(tiny_path), "--set", override, "--draws", "5"]) == 2
    assert "capability" in capsys.readouterr().err

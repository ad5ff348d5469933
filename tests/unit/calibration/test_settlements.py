"""The settlement calibration: a deterministic, sourced table; no training row after 1995; the fit
recovers known parameters from data simulated by the model; the command's face and its refusals."""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from grudging.calibration.settlements import (
    COLUMNS,
    DATA_FILE,
    LAST_TRAINING_YEAR,
    STRENGTH_BY_TYPE,
    Episode,
    fit_settlements,
    guarantor_of,
    p_hold,
    read_settlements,
)
from grudging.cli import main
from grudging.model.bargain.params import BargainParams, credibility

ROOT = Path(__file__).resolve().parents[3]
RAW = ROOT / ".." / "shared" / "data" / "raw"
HAS_RAW = (RAW / "fortna_peacekeeping").is_dir() and (RAW / "walter2015_postwar_peace").is_dir()


def _script() -> ModuleType:
    path = ROOT / "scripts" / "derive_settlements.py"
    spec = importlib.util.spec_from_file_location("derive_settlements", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not HAS_RAW, reason="raw data folder ../shared/data/raw not present")
def test_derivation_is_deterministic_and_gives_the_shipped_table(tmp_path: Path) -> None:
    module = _script()
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    module.write_settlements(module.derive(RAW.resolve()), first)
    module.write_settlements(module.derive(RAW.resolve()), second)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() == DATA_FILE.read_bytes()


def test_shipped_table_has_every_column_and_a_source_on_every_row() -> None:
    with DATA_FILE.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        rows = list(reader)
    assert rows
    assert all(r["source"].strip() for r in rows)
    assert {r["dataset"] for r in rows} == {"fortna2008", "walter2015"}


def test_no_training_row_starts_after_1995() -> None:
    episodes = read_settlements()
    train = [ep for ep in episodes if ep.split == "train"]
    assert train
    assert max(ep.start_year for ep in train) <= LAST_TRAINING_YEAR
    assert all(ep.split == "test" for ep in episodes if ep.start_year > LAST_TRAINING_YEAR)


def test_a_training_row_after_1995_is_refused(tmp_path: Path) -> None:
    from grudging.errors import GrudgingError

    text = DATA_FILE.read_text(encoding="utf-8").splitlines()
    bad = [text[0], *[line.replace(",test,", ",train,") for line in text[1:]]]
    path = tmp_path / "s.csv"
    path.write_text("\n".join(bad) + "\n", encoding="utf-8")
    with pytest.raises(GrudgingError, match="testing only"):
        read_settlements(path)


def test_the_mapping_uses_the_models_credibility() -> None:
    params = BargainParams()
    eps = [
        Episode("a", 1990, "settlement", True, 1.0, False, t, by, {2: 0, 5: 0}, "", "train", "s")
        for t, by in (("none", "none"), ("enforcement", "un"), ("interposition", "power"))
    ]
    creds = [credibility(guarantor_of(ep, params), params) for ep in eps]
    assert creds[0] == 0.0
    assert creds[1] > creds[2] > 0.0  # stronger and more impartial: more credible
    held = p_hold(eps, params)
    assert held[0] == pytest.approx(params.implementation_base)
    assert held[1] > held[2] > held[0]  # guarantees lower relapse


def _synthetic(
    n: int, truth: BargainParams, seed: int, identity_share: float = 1.0
) -> list[Episode]:
    rng = np.random.default_rng(seed)
    types = np.array(["none", *STRENGTH_BY_TYPE])
    leaders = np.array(["un", "regional", "power"])
    eps = [
        Episode(
            f"s:{i}",
            1950 + i % 46,
            "settlement",
            True,
            float(rng.random() < identity_share),
            False,
            str(rng.choice(types, p=[0.3, 0.1, 0.15, 0.15, 0.2, 0.1])),
            str(rng.choice(leaders)),
            {2: None, 5: 0},
            "",
            "train",
            "simulated",
        )
        for i in range(n)
    ]
    held = p_hold(eps, truth)
    relapse = rng.random(n) >= held
    return [
        dataclasses.replace(ep, relapse={2: None, 5: int(r)})
        for ep, r in zip(eps, relapse, strict=True)
    ]


def test_the_fit_recovers_known_parameters_from_simulated_episodes() -> None:
    truth = BargainParams(implementation_base=0.45, relapse_reduction=0.8, strength_half=0.08)
    episodes = _synthetic(4000, truth, seed=7)
    free = ("implementation_base", "relapse_reduction", "strength_half")
    fit = fit_settlements(episodes, BargainParams(), profile_points=0, free=free)
    got = {e.name: e.value for e in fit.estimates}
    assert fit.converged
    assert got["implementation_base"] == pytest.approx(0.45, abs=0.04)
    assert got["relapse_reduction"] == pytest.approx(0.8, abs=0.12)
    assert got["strength_half"] == pytest.approx(0.08, rel=0.5)


def test_the_fit_recovers_the_identity_odds_ratio_from_simulated_episodes() -> None:
    truth = BargainParams(implementation_base=0.45, identity_relapse_odds=2.5)
    episodes = _synthetic(3000, truth, seed=11, identity_share=0.6)
    free = ("implementation_base", "identity_relapse_odds")
    fit = fit_settlements(episodes, BargainParams(), profile_points=0, free=free)
    got = {e.name: e.value for e in fit.estimates}
    assert fit.converged
    assert got["implementation_base"] == pytest.approx(0.45, abs=0.04)
    assert got["identity_relapse_odds"] == pytest.approx(2.5, rel=0.25)


def test_each_episode_holds_at_its_own_kind_of_war() -> None:
    """p_hold reads each episode's identity_war: another war's odds of relapse are 1/OR."""
    params = BargainParams(identity_relapse_odds=4.0)
    eps = [
        Episode("a", 1990, "settlement", True, w, False, "none", "none", {5: 0}, "", "train", "s")
        for w in (1.0, 0.0)
    ]
    held = p_hold(eps, params)
    q0 = params.implementation_base
    assert held[0] == q0
    assert (1 - held[1]) / held[1] == pytest.approx((1 - q0) / q0 / 4.0)


def test_the_table_codes_the_kind_of_war_and_refuses_a_bad_code(tmp_path: Path) -> None:
    from grudging.errors import GrudgingError

    with DATA_FILE.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["identity_war"] for r in rows} <= {"0", "1", ""}
    fortna = [r for r in rows if r["dataset"] == "fortna2008"]
    assert all(r["identity_war"] in ("0", "1") for r in fortna)
    # An uncoded episode takes the share of identity wars among the coded training rows.
    coded = [r["identity_war"] == "1" for r in rows if r["split"] == "train" and r["identity_war"]]
    uncoded = {r["episode"] for r in rows if not r["identity_war"]}
    assert uncoded
    shares = {ep.identity_war for ep in read_settlements() if ep.episode in uncoded}
    assert len(shares) == 1
    assert shares.pop() == pytest.approx(sum(coded) / len(coded))
    rows[0]["identity_war"] = "yes"
    path = tmp_path / "s.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(GrudgingError) as err:
        read_settlements(path)
    assert str(err.value) == "s.csv:2: identity_war 'yes' must be 1, 0 or empty (uncoded)"


def test_cli_prints_the_table_and_writes_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "calibrate",
            "settlements",
            "--free",
            "implementation_base",
            "--profile-points",
            "4",
            "--out",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "implementation_base" in out
    assert "Out of sample" in out
    assert "Brier" in out
    text = (tmp_path / "settlements.yaml").read_text(encoding="utf-8")
    assert "bargain.implementation_base" in text
    assert "calibration: settlements" in text


def test_a_table_missing_a_column_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with DATA_FILE.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    path = tmp_path / "s.csv"
    keep = [c for c in COLUMNS if c != "relapse_5y"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=keep, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    assert main(["calibrate", "settlements", "--data", str(path), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert "relapse_5y" in err

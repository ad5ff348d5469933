"""A theatre an analyst writes (audit of 2026-12-07): forces, observations and maps that cannot be
are refused when the scenario is read; defaults that made a force US- or NATO-led are gone; and
the shared values that are another theatre's facts are named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grudging.cli import main
from grudging.errors import ScenarioError
from grudging.scenario import load_scenario
from scenario_edits import line_of as _line
from scenario_edits import write_edited


def _refusal(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return str(info.value)


def test_deaths_summed_over_the_months_stay_within_the_people(
    tmp_path: Path, tiny_path: Path
) -> None:
    """Each month may be below the population while the months together are not: the dead die
    once (a 100-person region with 90 deaths a month used to drive 126k deaths next door)."""
    path = write_edited(
        tmp_path,
        tiny_path,
        [
            (
                "region: beta, month: 2006-11, value: 120,",
                "region: beta, month: 2006-11, value: 1200000,",
            ),
            (
                "region: beta, month: 2006-12, value: 150,",
                "region: beta, month: 2006-12, value: 1000000,",
            ),
        ],
    )
    assert _refusal(path) == (
        f"case.yaml:{_line(path, 'value: 1000000,')}: observations[1].value: civilian deaths "
        "of region 'beta' sum to 2,200,000 by 2006-12, more than its 2,000,000 people; check the "
        "figures or the population"
    )


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        (
            "history: [{month: 2006-06, troops: 20000}",
            "history: [{month: 2006-06, troops: 9000000}",
            "troops: 9000000",
            "forces[us_forces].history[0].troops: 9,000,000 troops of force 'us_forces' in month "
            "2006-06 are more than the theatre's 4,500,000 people; check the figure",
        ),
        (
            "history: [{month: 2006-06, troops: 20000}",
            "history: [{month: 2006-06, troops: 2000000}",
            "troops: 2000000",
            "forces[us_forces].history[0].troops: 2,000,000 troops of force 'us_forces' in month "
            "2006-06 are more than the 1,400,000 active personnel of its nation 'USA'; check the "
            "figure",
        ),
        (
            "forces: {us_forces: [{month: 0, troops: 18000}, {month: 6, troops: 0}]}",
            "forces: {us_forces: [{month: 0, troops: 18000}, {month: 6, troops: 5000000}]}",
            "troops: 5000000",
            "options[patron_leaves].forces.us_forces[1].troops: 5,000,000 troops of force "
            "'us_forces' in month 6 are more than the theatre's 4,500,000 people; check the figure",
        ),
    ],
    ids=["history_above_population", "history_above_its_army", "option_timeline_above_population"],
)
def test_a_force_larger_than_the_country_or_its_army_is_refused(
    tmp_path: Path, tiny_path: Path, old: str, new: str, needle: str, expected: str
) -> None:
    path = write_edited(tmp_path, tiny_path, [(old, new)])
    assert _refusal(path) == f"case.yaml:{_line(path, needle)}: {expected}"


def test_a_force_names_its_command(tmp_path: Path, tiny_path: Path) -> None:
    """Leaving 'command' out used to make the force a US-led coalition unit without a word."""
    path = write_edited(tmp_path, tiny_path, [("    command: us\n", "")])
    message = _refusal(path)
    assert message.startswith("case.yaml:")
    assert message.endswith("forces[us_forces].command: required key is missing; add it")


@pytest.mark.parametrize(
    ("geojson", "expected"),
    [
        ("../outside.geojson", "map file '../outside.geojson' lies outside the scenario's folder"),
        ("maps", "'maps' is a folder, not a file"),
        ("bad.geojson", "'bad.geojson' is not GeoJSON (JSONDecodeError)"),
        ("empty.geojson", "'empty.geojson' holds no features"),
        ("other.geojson", "no feature of 'other.geojson' has the property \"id\" (map.feature_id)"),
    ],
)
def test_a_map_that_cannot_be_drawn_is_refused_when_read(
    tmp_path: Path, tiny_path: Path, geojson: str, expected: str
) -> None:
    """It used to pass 'validate' and end the run, after the simulation, in a traceback."""
    (tmp_path / "maps").mkdir()
    (tmp_path / "bad.geojson").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (tmp_path / "empty.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": []})
    )
    feature = {"type": "Feature", "properties": {"name": "alpha"}, "geometry": None}
    (tmp_path / "other.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]})
    )
    path = write_edited(
        tmp_path, tiny_path, [("forces:\n", f"map: {{geojson: {geojson}}}\nforces:\n")]
    )
    message = _refusal(path)
    assert message.startswith(f"case.yaml:{_line(path, 'map:')}: map.geojson: ")
    assert expected in message


def test_a_map_not_carried_is_a_note_not_an_error(tmp_path: Path, tiny_path: Path) -> None:
    """A dumped scenario names its map without carrying it: it loads, and validate says so."""
    from grudging.scenario.summary import scenario_notes

    path = write_edited(
        tmp_path, tiny_path, [("forces:\n", "map: {geojson: gone.geojson}\nforces:\n")]
    )
    notes = scenario_notes(load_scenario(path))
    assert any(n.startswith("map 'gone.geojson' is not in the scenario's folder") for n in notes)


def test_another_theatre_is_told_which_shared_values_are_iraqs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from grudging.scenario.summary import scenario_notes

    assert scenario_notes(load_scenario("iraq-2007")) == []  # its own facts
    notes = scenario_notes(load_scenario("bosnia-1995"))
    assert len(notes) == 1
    assert notes[0].startswith("20 parameters keep values that are facts of iraq-2007")
    assert "dynamics.cost_patron_per_troop" in notes[0]
    assert "bargain.strength_nato" in notes[0]
    # a value the scenario sets is its own, and no longer listed
    own = load_scenario(
        "bosnia-1995",
        overrides=[
            "parameters.dynamics.cost_patron_per_troop.low=60",
            "dynamics.cost_patron_per_troop=120",
        ],
    )
    (note,) = scenario_notes(own)
    assert note.startswith("19 parameters")
    assert "dynamics.cost_patron_per_troop" not in note
    assert main(["validate", "bosnia-1995"]) == 0
    assert "note: 20 parameters keep values" in " ".join(capsys.readouterr().out.split())


def test_a_neighbour_no_exclusion_keeps_out_is_a_note(tmp_path: Path, tiny_path: Path) -> None:
    """A theatre's neighbour may be a belligerent: with no exclusion that names it, a force a
    conference raises may take it anywhere (the audit's Lebanon put Israel in Beirut)."""
    from grudging.scenario.summary import scenario_notes

    note = "neighbour NEI may serve in the force a conference raises, anywhere in the theatre"
    assert not any(n.startswith(note) for n in scenario_notes(load_scenario(tiny_path)))
    path = write_edited(
        tmp_path,
        tiny_path,
        [("  - {nation: NEI, kin_regions: true, reason: backs the northerners}\n", "  []\n")],
    )
    notes = scenario_notes(load_scenario(path))
    assert any(n.startswith(note) for n in notes)


def test_regions_without_a_record_every_month_of_the_window_are_a_note() -> None:
    """A month without a record counts as none: the note names each region and how many of the
    window's months it records (a theatre author's audit found the zeros silent)."""
    from grudging.model.requirement import VIOLENCE_SERIES
    from grudging.scenario.schema import month_index
    from grudging.scenario.summary import scenario_notes

    iraq = load_scenario("iraq-2007")
    assert not any(n.startswith("civilian deaths are not recorded") for n in scenario_notes(iraq))
    window = round(iraq.parameter("requirement.window_months").value)
    end = month_index(iraq.information_date)
    region = iraq.regions[0].id
    # drop the region's record of the window's last month, and every month of the second region
    kept = tuple(
        o
        for o in iraq.observations
        if not (
            o.series == VIOLENCE_SERIES
            and (
                (o.region == region and month_index(o.month) == end)
                or (o.region == iraq.regions[1].id and end - window < month_index(o.month) <= end)
            )
        )
    )
    notes = scenario_notes(iraq.model_copy(update={"observations": kept}))
    (note,) = [n for n in notes if n.startswith("civilian deaths are not recorded")]
    assert f"for {region} ({window - 1} of {window}), {iraq.regions[1].id} (0 of {window}):" in note
    assert "a month without a record counts as none" in note


def test_a_coalition_with_no_offers_to_make_is_a_note(tiny_path: Path) -> None:
    """Leaving 'offers' out was accepted silently and the conference spent nothing (audit)."""
    from grudging.scenario.summary import scenario_notes

    scn = load_scenario(tiny_path)
    note = "no 'offers' are declared: a conference can offer the nations nothing"
    assert not any(n.startswith(note) for n in scenario_notes(scn))
    bare = scn.model_copy(update={"offers": ()})
    assert any(n.startswith(note) for n in scenario_notes(bare))


def test_money_with_no_patron_to_pay_it_is_a_note(patronless) -> None:  # type: ignore[no-untyped-def]
    """A theatre without a patron reports no cost to the patron; money its options still spend
    (here the conference's offers) must not vanish unsaid."""
    from grudging.scenario import load_scenario
    from grudging.scenario.summary import scenario_notes

    assert (
        "option 'ifor_as_deployed': offers from a budget of US$5,000M act in the runs, but the "
        "theatre names no patron to pay them, so their cost is reported nowhere; name the payer "
        "under 'patron:' to count it"
    ) in scenario_notes(patronless)
    assert not [n for n in scenario_notes(load_scenario("bosnia-1995")) if "no patron" in n]


def _validate_errors(path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """``grudging validate``'s error lines (exit code 2), each joined onto one line."""
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    text = captured.err + captured.out
    return [" ".join(e.split()) for e in text.split("error: ")[1:]]


def test_a_timeline_past_a_short_horizon_says_how_to_fix_it(
    tmp_path: Path, tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Audit of 2026-12-08: a 12-month theatre was told its force timeline 'goes past the
    horizon' with no fix, where every other month past the horizon is told one."""
    path = write_edited(tmp_path, tiny_path, [("horizon_months: 24", "horizon_months: 9")])
    assert _validate_errors(path, capsys) == [
        f"case.yaml:{_line(path, '{month: 9, troops: 0}')}: "
        "options[alliance_replaces].forces.us_forces: timeline of force 'us_forces' in option "
        "'alliance_replaces' goes past the horizon (month 9 >= horizon_months 9); use a month "
        "below 9"
    ]


def test_a_bargain_without_factions_says_how_to_fix_it(
    tmp_path: Path, tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A theatre with no factions whose option keeps a bargain was told so with no fix."""
    import yaml

    data = yaml.safe_load(tiny_path.read_text(encoding="utf-8"))
    data["factions"] = []
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert _validate_errors(path, capsys) == [
        f"case.yaml:{_line(path, '    month: 3')}: options[alliance_replaces].bargain: option "
        "'alliance_replaces' attempts a bargain but the scenario has no factions; list the "
        "factions under 'factions:' or set the option's 'bargain: null'"
    ]


def test_an_id_in_another_script_is_quoted_as_written(
    tmp_path: Path, tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Audit of 2026-12-08: a region id 'région' was quoted as "r\\u00e9gion" and told to use
    lower-case letters (which é is); what cannot be seen stays escaped."""
    path = write_edited(tmp_path, tiny_path, [("- id: alpha", "- id: région")])
    errors = _validate_errors(path, capsys)
    assert errors[0] == (
        f'case.yaml:{_line(path, "id: région")}: regions[région].id: bad value "région": not '
        "a valid id; write lower-case letters, digits and underscores, starting with a letter "
        "(no dashes or spaces), e.g. north_east (plain a-z only: accents and other scripts "
        "belong in the record's 'name')"
    )
    hidden = write_edited(tmp_path, tiny_path, [("- id: alpha", '- id: "al\\u202epha"')], "h.yaml")
    line = _line(hidden, 'id: "al')
    assert _validate_errors(hidden, capsys)[0].startswith(
        f'h.yaml:{line}: regions[al\\u202epha].id: bad value "al\\u202epha": '
    )


def test_a_bad_key_of_a_mapping_is_the_value_quoted(
    tmp_path: Path, tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A composition key 'north people' was reported as 'bad value 0.9: not a valid id'."""
    path = write_edited(
        tmp_path,
        tiny_path,
        [("composition: {north_people: 0.9,", "composition: {north people: 0.9,")],
    )
    errors = _validate_errors(path, capsys)
    assert (
        f"case.yaml:{_line(path, 'north people')}: regions[alpha].composition.north people: bad "
        'value "north people": not a valid id; write lower-case letters, digits and underscores, '
        "starting with a letter (no dashes or spaces), e.g. north_east"
    ) in errors

"""The assessment model: its rules, the upgrade chain between format versions, and the shipped JSON Schema."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
from pydantic import ValidationError

from idpckit import assessment as assessment_mod
from idpckit.assessment import (
    SCHEMA_FILE,
    SCHEMA_VERSION,
    Assessment,
    Entry,
    SchemaVersionError,
    Source,
    clean_text,
    json_schema,
    json_schema_text,
    rebuild,
    upgrade,
)
from idpckit.assessment_io import example_paths, load_example


def minimal(**changes) -> dict:
    record = {"schema_version": 1, "country": "XVR", "year": 2024, "date": "2024-09-01", "entries": []}
    record.update(changes)
    return record


# -- the model ------------------------------------------------------------------------------------------


def test_countries_are_stored_as_iso_codes():
    assert Assessment(country="Colombia", year=2024).country == "COL"
    assert Assessment(country="co", year=2024).country == "COL"
    assert Assessment(country="Veridia", year=2024).country_name == "Veridia (fictional country)"
    with pytest.raises(ValidationError, match="not a country we know"):
        Assessment(country="Atlantis", year=2024)


def test_grades_must_be_on_the_scale():
    Assessment(country="XVR", year=2024, entries=[Entry(commitment_id="data", grade=5)])
    Assessment(country="XVR", year=2024, scale="traffic-light", entries=[Entry(commitment_id="data", grade="red")])
    with pytest.raises(ValidationError, match="not on the five-point scale"):
        Assessment(country="XVR", year=2024, entries=[Entry(commitment_id="data", grade="green")])
    with pytest.raises(ValidationError, match="not on the traffic-light scale"):
        Assessment(country="XVR", year=2024, scale="traffic-light", entries=[Entry(commitment_id="data", grade=3)])
    with pytest.raises(ValidationError, match="not true/false"):
        Entry(commitment_id="data", grade=True)
    assert Entry(commitment_id="data", grade=3.0).grade == 3  # spreadsheets store 3 as 3.0


def test_a_commitment_appears_once():
    with pytest.raises(ValidationError, match="more than once"):
        Assessment(country="XVR", year=2024, entries=[Entry(commitment_id="data"), Entry(commitment_id="data")])


def test_not_assessed_is_a_tracked_commitment_without_grade():
    a = Assessment(
        country="XVR", year=2024, entries=[Entry(commitment_id="data"), Entry(commitment_id="gender", grade=2)]
    )
    assert [e.graded for e in a.entries] == [False, True] and a.graded_count == 1
    assert a.entry("gender").grade == 2 and a.entry("stigma") is None


def test_text_is_kept_as_typed_except_invisible_characters():
    typed = '<script>alert("hi")</script> & =SUM(A1) «ñ» Привет  '
    assert Entry(commitment_id="data", evidence=typed).evidence == typed
    assert clean_text("one\r\ntwo\rthree\n\tfour") == "one\ntwo\nthree\n\tfour"
    assert clean_text("nul\x00 bell\x07 del\x7f lone\ud800 non\uffff") == "nul bell del lone non"
    assert Source(title="  Report  ", link=" https://example.org ").model_dump() == {
        "title": "Report",
        "link": "https://example.org",
        "kind": "other",
    }
    with pytest.raises(ValidationError):
        Source(title=" \x00 ")  # nothing left but invisible characters and spaces


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError, match="Extra inputs"):
        Assessment.model_validate(minimal(colour="blue"))


def test_check_commitments_lists_ids_outside_table_1():
    a = Assessment(country="XVR", year=2024, entries=[Entry(commitment_id="data"), Entry(commitment_id="world-peace")])
    assert a.check_commitments() == ["world-peace"]


# -- format versions ---------------------------------------------------------------------------------------


def test_current_records_pass_unchanged():
    record = minimal()
    assert upgrade(record) == record and upgrade(record) is not record


@pytest.mark.parametrize(
    ("version", "message"),
    [(None, "whole number"), ("1", "whole number"), (True, "whole number"), (0, "not a version"), (2, "newer")],
)
def test_bad_versions(version, message):
    with pytest.raises(SchemaVersionError, match=message):
        upgrade(minimal(schema_version=version))


def test_missing_version():
    record = minimal()
    del record["schema_version"]
    with pytest.raises(SchemaVersionError, match="is missing"):
        upgrade(record)


def test_upgrades_run_in_order(monkeypatch):
    """With a (simulated) format history v-1 -> v0 -> v1, an old record goes through every step."""
    steps = []

    def step(n):
        def run(record):
            steps.append(n)
            return {**record, "log": [*record.get("log", []), n]}

        return run

    monkeypatch.setattr(assessment_mod, "MIN_SCHEMA_VERSION", -1)
    monkeypatch.setitem(assessment_mod.UPGRADES, -1, step(-1))
    monkeypatch.setitem(assessment_mod.UPGRADES, 0, step(0))
    out = upgrade(minimal(schema_version=-1))
    assert steps == [-1, 0] and out["log"] == [-1, 0] and out["schema_version"] == SCHEMA_VERSION


# -- the JSON Schema ------------------------------------------------------------------------------------------


def test_shipped_schema_is_generated_from_the_model():
    """If this fails, run `idpckit schema --write` and commit idpckit/schemas/assessment.schema.json."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == json_schema_text()


def test_schema_is_valid_and_accepts_the_examples():
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in example_paths():
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda r: r.pop("schema_version"), "schema_version"),
        (lambda r: r.update(year=2010), "year"),
        (lambda r: r["entries"][0].update(grade=6), "grade"),
        (lambda r: r["entries"][0].update(grade="red"), "grade"),  # a light on the five-point scale
        (lambda r: r.update(scale="stars"), "scale"),
        (lambda r: r["entries"][0]["sources"][0].update(kind="rumour"), "kind"),
    ],
)
def test_schema_refuses_what_the_model_refuses(change, path):
    record = json.loads(load_example("veridia-2024").to_json())
    change(record)
    with pytest.raises(jsonschema.ValidationError) as info:
        jsonschema.validate(record, json_schema())
    best = jsonschema.exceptions.best_match([info.value])
    assert path in best.message or path in list(best.absolute_path), (best.message, list(best.absolute_path))


def test_schema_knows_lights_belong_to_the_traffic_light_scale():
    record = json.loads(load_example("veridia-2024-partner").to_json())
    jsonschema.validate(record, json_schema())
    record["entries"][0]["grade"] = 3
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, json_schema())


def test_dates_round_trip_as_iso_text():
    a = Assessment.model_validate(minimal(date="2024-02-29"))
    assert a.date == dt.date(2024, 2, 29) and '"date": "2024-02-29"' in a.to_json()


# --------------------------------------------------------------------------- what is missing, set-up changes


def test_gaps_list_what_each_tracked_commitment_still_lacks() -> None:
    a = Assessment(
        country="COL",
        year=2025,
        entries=[
            Entry(commitment_id="alternatives"),  # not graded: only that is said
            Entry(commitment_id="stigma", grade=2, recommendation="Train the police."),  # no evidence
            Entry(commitment_id="data", grade=3, evidence="Survey 2024"),  # no recommendation
            Entry(
                commitment_id="gender", grade=4, sources=[Source(title="Ministry report")], recommendation="Fund it."
            ),
        ],
    )
    assert a.gaps() == {"ungraded": ["alternatives"], "no evidence": ["stigma"], "no recommendation": ["data"]}


def test_sources_count_as_evidence() -> None:
    with_source = Entry(commitment_id="gender", grade=4, sources=[Source(title="Ministry report")])
    assert with_source.has_evidence and not Entry(commitment_id="gender", grade=4, evidence="  ").has_evidence
    assert Assessment(country="COL", year=2025, entries=[with_source]).gaps()["no evidence"] == []
    assert not with_source.model_copy(update={"grade": None}).blank  # a source alone keeps it tracked


def test_a_set_up_change_keeps_what_was_entered_and_converts_the_scale() -> None:
    setup = {"country": "COL", "year": 2025, "organisations": ["Red Cauca"], "scale": "five-point"}
    first, converted = rebuild(None, setup, ["alternatives", "stigma"], dt.date(2025, 3, 1))
    assert [e.commitment_id for e in first.entries] == ["alternatives", "stigma"] and converted == []
    assert first.date == dt.date(2025, 3, 1)
    first.entries[0] = Entry(commitment_id="alternatives", grade=2, evidence="Few programmes")
    first.entries[1] = Entry(commitment_id="stigma", grade=4)

    lights, converted = rebuild(
        first, {**setup, "scale": "traffic-light"}, ["alternatives", "data"], dt.date(2026, 1, 1)
    )
    assert converted == [("alternatives", 2, "red"), ("stigma", 4, "green")]
    assert [(e.commitment_id, e.grade) for e in lights.entries] == [("alternatives", "red"), ("data", None)]
    assert lights.entry("alternatives").evidence == "Few programmes" and lights.date == dt.date(2025, 3, 1)
    back, _ = rebuild(lights, setup, ["alternatives"], dt.date(2026, 1, 1))
    assert back.entry("alternatives").grade == 1  # red is 1 on the five-point scale: a 2 is not restored


def test_switching_to_the_traffic_light_and_back_keeps_the_grades_given() -> None:
    """A 2 shown as red and a 4 shown as green are a 2 and a 4 again after switching back."""
    from idpckit.assessment import grades_on

    setup = {"country": "COL", "year": 2025, "organisations": ["Red Cauca"], "scale": "five-point"}
    review, _ = rebuild(None, setup, ["alternatives", "stigma", "data"], dt.date(2025, 3, 1))
    review.entries[:] = [Entry(commitment_id=c, grade=g) for c, g in (("alternatives", 2), ("stigma", 4), ("data", 3))]
    five = grades_on(review)
    lights, _ = rebuild(review, {**setup, "scale": "traffic-light"}, ["alternatives", "stigma", "data"], review.date)
    assert [e.grade for e in lights.entries] == ["red", "green", "orange"]
    lights.entries[2] = Entry(commitment_id="data", grade="green")  # changed while on the traffic light
    back, converted = rebuild(lights, setup, ["alternatives", "stigma", "data"], review.date, five)
    assert [e.grade for e in back.entries] == [2, 4, 5]  # given grades back; the changed one converted
    assert converted == [("alternatives", "red", 2), ("stigma", "green", 4), ("data", "green", 5)]
    plain, _ = rebuild(lights, setup, ["alternatives"], review.date)
    assert plain.entry("alternatives").grade == 1  # without memory, red is 1


def test_a_status_is_a_finding_in_words_and_not_a_gap() -> None:
    from idpckit.assessment import Assessment, Entry

    a = Assessment(
        country="COL",
        year=2026,
        entries=[
            Entry(commitment_id="data", status="no evidence found"),
            Entry(commitment_id="root-causes", status="not applicable"),
            Entry(commitment_id="gender"),
        ],
    )
    assert a.gaps()["ungraded"] == ["gender"], "a status is not a missing grade"
    assert a.entry("data").status_label == "No evidence found"
    assert "not a low grade" in a.entry("data").status_meaning
    assert a.entry("root-causes").status_label == "Not applicable" and a.entry("gender").status_label == ""

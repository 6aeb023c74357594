"""Reading and writing assessments: every bad input, formula injection, and exact round trips.

Each kind of bad input has its own test that checks the message names the file
and the field (or line/sheet cell) in plain words.  The command-line tests in
test_cli_assess.py check the same inputs leave no output file behind.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idpckit import assessment as assessment_mod
from idpckit import assessment_io
from idpckit.assessment import SOURCE_KINDS, Assessment, Entry, Source, clean_text
from idpckit.assessment_io import (
    MAX_BYTES,
    AssessmentError,
    example_paths,
    from_table,
    load_example,
    parse_assessment,
    read_assessment,
    template_bytes,
    to_csv_bytes,
    to_xlsx_bytes,
    write_json,
)
from idpckit.data import load

IDS = [c.id for c in load().commitments]


@pytest.fixture
def record() -> dict:
    """A valid record to break in one place at a time."""
    return json.loads(load_example("veridia-2024").to_json())


def dumps(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8")


def error_of(payload: bytes, name: str = "review.json") -> AssessmentError:
    with pytest.raises(AssessmentError) as info:
        parse_assessment(payload, name)
    message = str(info.value)
    assert message.startswith(f'Could not read "{name}"'), message
    assert "\n" not in message  # one paragraph
    assert "Traceback" not in message and "pydantic" not in message.lower()
    return info.value


# -- the examples ----------------------------------------------------------------------------------


def test_examples_are_valid_fictional_and_cover_both_scales():
    paths = example_paths()
    assert [p.name for p in paths] == ["veridia-2023.json", "veridia-2024-partner.json", "veridia-2024.json"]
    examples = {p.stem: read_assessment(p) for p in paths}
    assert all(a.fictional and a.country == "XVR" for a in examples.values())
    full = examples["veridia-2024"]
    assert full.scale == "five-point" and [e.commitment_id for e in full.entries] == IDS
    assert all(e.graded and e.evidence and e.sources and e.recommendation for e in full.entries)
    partner = examples["veridia-2024-partner"]
    assert partner.scale == "traffic-light" and {e.commitment_id for e in partner.entries} == set(IDS)
    assert set(partner.organisations).isdisjoint(full.organisations)  # a second NGO of the coalition
    assert examples["veridia-2023"].year == 2023 and len(examples["veridia-2023"].entries) < 13


def test_examples_are_stored_in_canonical_form():
    for path in example_paths():
        assert path.read_text(encoding="utf-8") == read_assessment(path).to_json()


# -- JSON: bad input, one test each ------------------------------------------------------------------


def test_not_json():
    err = error_of(b"country: Veridia\nyear: 2024\n")
    assert err.field == "line 1, column 1"
    assert "not valid JSON" in err.problem


def test_truncated_json(record):
    payload = dumps(record)
    err = error_of(payload[: len(payload) // 2])
    assert "cut short" in err.problem and err.field.startswith("line ")


def test_empty_file():
    assert "empty" in error_of(b"  \n").problem


def test_top_level_must_be_an_object():
    assert "a list" in error_of(b"[1, 2, 3]").problem


@pytest.mark.parametrize("version", ["1", 1.5, None, True])
def test_malformed_schema_version(record, version):
    record["schema_version"] = version
    err = error_of(dumps(record))
    assert err.field == "field 'schema_version'"
    assert "whole number" in err.problem


def test_future_schema_version(record):
    record["schema_version"] = 7
    err = error_of(dumps(record))
    assert err.field == "field 'schema_version'"
    assert "newer format" in err.problem and "update idpckit" in err.problem


def test_unknown_old_schema_version(record):
    record["schema_version"] = 0
    assert "not a version" in error_of(dumps(record)).problem


def test_missing_schema_version(record):
    del record["schema_version"]
    err = error_of(dumps(record))
    assert err.field == "field 'schema_version'" and "is missing" in err.problem


def test_older_versions_are_upgraded(record, monkeypatch):
    """A version-0 record goes through the upgrade chain (simulating a past format change)."""

    def v0_to_v1(old: dict) -> dict:
        new = dict(old)
        new["organisations"] = [new.pop("organisation")]
        return new

    monkeypatch.setattr(assessment_mod, "MIN_SCHEMA_VERSION", 0)
    monkeypatch.setitem(assessment_mod.UPGRADES, 0, v0_to_v1)
    old = dict(record, schema_version=0, organisation="Old-format NGO")
    del old["organisations"]
    a = parse_assessment(dumps(old), "old.json")
    assert a.schema_version == 1 and a.organisations == ["Old-format NGO"]
    assert old["schema_version"] == 0  # the caller's record is not modified


def test_unknown_commitment(record):
    record["entries"][2]["commitment_id"] = "world-peace"
    err = error_of(dumps(record))
    assert err.field == "entry 3 ('world-peace'), field 'commitment_id'"
    assert "not a Table 1 commitment" in err.problem and "harm-reduction" in err.problem


@pytest.mark.parametrize("grade", [7, 0, -1, "purple", 2.5, True, "3"])
def test_grade_off_the_five_point_scale(record, grade):
    record["entries"][3]["grade"] = grade
    err = error_of(dumps(record))
    assert err.field == "entry 4 ('treatment'), field 'grade'"
    assert "five-point scale" in err.problem and "1, 2, 3, 4 or 5" in err.problem


def test_grade_off_the_traffic_light_scale():
    record = json.loads(load_example("veridia-2024-partner").to_json())
    record["entries"][0]["grade"] = 3
    err = error_of(dumps(record))
    assert err.field == "entry 1 ('alternatives'), field 'grade'" and "red" in err.problem


def test_duplicated_commitment(record):
    record["entries"].append(dict(record["entries"][0]))
    err = error_of(dumps(record))
    assert err.field == "entry 14 ('alternatives'), field 'commitment_id'"
    assert "already assessed in entry 1" in err.problem


@pytest.mark.parametrize("field", ["country", "year"])
def test_missing_country_or_year(record, field):
    del record[field]
    err = error_of(dumps(record))
    assert err.field == f"field '{field}'" and f"the {field} is missing" in err.problem


def test_blank_country(record):
    record["country"] = "   "
    assert error_of(dumps(record)).field == "field 'country'"


def test_unknown_country(record):
    record["country"] = "Atlantis"
    err = error_of(dumps(record))
    assert err.field == "field 'country'" and "'Atlantis' is not a country we know" in err.problem


def test_country_by_name_is_stored_as_code(record):
    record["country"] = "Côte d'Ivoire"
    assert parse_assessment(dumps(record)).country == "CIV"


def test_year_out_of_range(record):
    record["year"] = 2009
    err = error_of(dumps(record))
    assert err.field == "field 'year'" and "2019 or more" in err.problem


def test_over_the_size_limit():
    err = error_of(b" " * (MAX_BYTES + 1))
    assert "MB" in err.problem and "right file" in err.problem


def test_size_is_checked_before_reading(tmp_path: Path):
    """A 50 GB (sparse) file is refused at once: read_assessment must not read it."""
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(50_000_000_000)
    start = time.perf_counter()
    with pytest.raises(AssessmentError, match=r'"huge.json": the file is 50000.0 MB'):
        read_assessment(huge)
    assert time.perf_counter() - start < 1


def test_not_utf8(record):
    payload = dumps(record).replace(b"Veridia Harm", "Véridia Harm".encode("latin-1"))
    err = error_of(payload)
    assert err.field.startswith("line ") and "0xe9 is not UTF-8" in err.problem


def test_deeply_nested_json_does_not_crash():
    err = error_of(b"[" * 10_000 + b"]" * 10_000)
    assert "nested 10000 levels" in err.problem
    err = error_of(b'{"country": "XVR", "entries": ' + b"[" * 100_000)  # unbalanced too
    assert "nested" in err.problem


def test_brackets_inside_text_are_not_nesting(record):
    record["entries"][0]["evidence"] = "[" * 5000 + ' "quoted" \\ {'
    assert parse_assessment(dumps(record)).entries[0].evidence.startswith("[[[")


def test_utf8_byte_order_mark_is_accepted(record):
    a = parse_assessment(b"\xef\xbb\xbf" + dumps(record))
    assert a == load_example("veridia-2024")


def test_duplicate_key(record):
    payload = dumps(record).replace(b'"year": 2024', b'"year": 2024, "year": 2025')
    err = error_of(payload)
    assert err.field == "field 'year'" and "twice" in err.problem


def test_nan_is_not_json(record):
    payload = dumps(record).replace(b'"year": 2024', b'"year": NaN')
    assert "NaN" in error_of(payload).problem


def test_unknown_field(record):
    record["entries"][1]["mood"] = "happy"
    err = error_of(dumps(record))
    assert err.field == "entry 2 ('legal-guarantees'), field 'mood'" and "not a known field" in err.problem


def test_source_without_title(record):
    record["entries"][0]["sources"][1]["title"] = "  "
    err = error_of(dumps(record))
    assert err.field == "entry 1 ('alternatives'), source 2, field 'title'" and "must not be empty" in err.problem


def test_several_problems_are_listed_in_one_paragraph(record):
    record["year"] = "soon"
    record["date"] = "yesterday"
    record["entries"][0]["confidence"] = "total"
    err = error_of(dumps(record))
    assert "'soon' is not a whole number" in str(err)
    assert "Also:" in str(err) and "YYYY-MM-DD" in str(err) and "confidence" in str(err)


def test_html_is_stored_exactly_as_typed(record, tmp_path: Path):
    script = '<script>alert("x")</script> & <b>bold</b> =HYPERLINK("http://evil")'
    record["entries"][0]["evidence"] = script
    record["assessor"] = "<img src=x onerror=alert(1)>"
    a = parse_assessment(dumps(record))
    assert a.entries[0].evidence == script
    write_json(a, tmp_path / "out.json")
    assert read_assessment(tmp_path / "out.json").entries[0].evidence == script
    assert json.dumps(script)[1:-1] in (tmp_path / "out.json").read_text(encoding="utf-8")  # JSON-escaped only


def test_missing_file_and_folder(tmp_path: Path):
    with pytest.raises(AssessmentError, match=r'"nope\.json": there is no file'):
        read_assessment(tmp_path / "nope.json")
    with pytest.raises(AssessmentError, match="folder"):
        read_assessment(tmp_path)


def test_write_json_is_atomic_and_keeps_the_old_file_on_failure(tmp_path: Path, monkeypatch):
    target = tmp_path / "review.json"
    write_json(load_example("veridia-2023"), target)
    before = target.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", crash)
    with pytest.raises(OSError):
        write_json(load_example("veridia-2024"), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["review.json"]  # no temp file left behind


# -- spreadsheets: formula injection -------------------------------------------------------------------

DANGEROUS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", '=HYPERLINK("http://evil","click")', "'already quoted", "'"]


def _with_text(text: str) -> Assessment:
    return Assessment(
        country="XVR",
        year=2024,
        date=dt.date(2024, 5, 1),
        organisations=[text.strip() or "x"],
        assessor=text.strip(),
        entries=[
            Entry(
                commitment_id="data",
                evidence=text,
                recommendation=text,
                sources=[Source(title=text.strip() or "t", link=text.strip())],
            )
        ],
    )


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_export_neutralises_formulas_and_round_trips(text):
    a = _with_text(text)
    raw = to_csv_bytes(a).decode("utf-8-sig")
    cells = [c for row in __import__("csv").reader(io.StringIO(raw)) for c in row]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert from_table(to_csv_bytes(a), "x.csv") == a


@pytest.mark.parametrize("text", DANGEROUS)
def test_xlsx_export_neutralises_formulas_and_round_trips(text):
    a = _with_text(text)
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(a)))
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert from_table(to_xlsx_bytes(a), "x.xlsx") == a


# -- spreadsheets: templates -----------------------------------------------------------------------------


def test_csv_template_lists_all_commitments_with_titles():
    text = template_bytes("csv").decode("utf-8-sig")
    assert text.startswith("idpckit grading sheet,version 1")
    for c in load().commitments:
        assert c.id in text and c.title.split(",")[0] in text
    with pytest.raises(AssessmentError, match="the country is missing"):
        from_table(template_bytes("csv"), "blank.csv")


@pytest.mark.parametrize(
    ("scale", "grades"),
    [("five-point", '"1,2,3,4,5,not assessed"'), ("traffic-light", '"red,orange,green,not assessed"')],
)
def test_xlsx_template_has_sheets_and_drop_downs(scale, grades):
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes("xlsx", scale)))
    assert wb.sheetnames == ["Instructions", "About", "Grades"]
    instructions = "\n".join(str(r[0]) for r in wb["Instructions"].iter_rows(values_only=True) if r[0])
    assert "13 commitments" in instructions and "idpckit import" in instructions
    assert f"Grades on the {scale} scale" in instructions
    sheet = wb["Grades"]
    header = [c.value for c in sheet[1]]
    assert "not assessed" in sheet["E1"].comment.text  # each header explains its column
    assert header[:6] == ["number", "commitment_id", "commitment", "tracked", "grade", "confidence"]
    assert [sheet.cell(r, 2).value for r in range(2, 15)] == IDS
    assert sheet.cell(4, 3).value == "Improving access to harm reduction interventions"
    lists = {dv.formula1: str(dv.sqref) for dv in sheet.data_validations.dataValidation}
    letter = {h: openpyxl.utils.get_column_letter(i) for i, h in enumerate(header, start=1)}
    assert lists[grades] == f"{letter['grade']}2:{letter['grade']}14"
    assert lists['"low,medium,high"'] == f"{letter['confidence']}2:{letter['confidence']}14"
    assert lists['"yes,no"'] == f"{letter['tracked']}2:{letter['tracked']}14"
    kinds = '"' + ",".join(SOURCE_KINDS) + '"'
    assert [dv.formula1 for dv in sheet.data_validations.dataValidation].count(kinds) == 3
    about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True)}
    assert about["scale"] == scale


def test_unknown_template_format_or_scale():
    with pytest.raises(ValueError, match="format"):
        template_bytes("pdf")
    with pytest.raises(ValueError, match="scale"):
        template_bytes("csv", "stars")


def _filled_template(scale: str = "five-point") -> openpyxl.Workbook:
    """A template filled in as a trainee would in Excel: numbers as numbers, dates as dates."""
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes("xlsx", scale)))
    about = wb["About"]
    rows = {about.cell(r, 1).value: r for r in range(1, about.max_row + 1)}
    about.cell(rows["country"], 2).value = "Kenya"
    about.cell(rows["year"], 2).value = 2025
    about.cell(rows["organisation"], 2).value = "Nairobi Harm Reduction Group"
    about.cell(rows["date"], 2).value = dt.datetime(2025, 9, 30)
    grades = wb["Grades"]
    grades["D4"], grades["E4"], grades["F4"] = "yes", 4.0, "high"
    grades["G4"] = "=needle programmes in 20 counties"
    grades["I4"], grades["K4"] = "Ministry of Health report", "report"
    grades["E6"] = "2 - serious shortcomings"
    grades["D9"] = "yes"  # gender: tracked, not graded yet
    grades["D10"] = "no"  # root causes: explicitly left out
    return wb


def test_import_a_filled_xlsx_template():
    out = io.BytesIO()
    _filled_template().save(out)
    a = from_table(out.getvalue(), "kenya.xlsx")
    assert (a.country, a.year, a.date, a.organisations) == (
        "KEN",
        2025,
        dt.date(2025, 9, 30),
        ["Nairobi Harm Reduction Group"],
    )
    assert [(e.commitment_id, e.grade) for e in a.entries] == [
        ("harm-reduction", 4),
        ("prison-health", 2),
        ("gender", None),
    ]
    hr = a.entries[0]
    assert hr.evidence == "=needle programmes in 20 counties" and hr.confidence == "high"
    assert hr.sources == [Source(title="Ministry of Health report", kind="report")]


def test_import_semicolon_csv_as_excel_saves_it_in_many_locales():
    a = load_example("veridia-2024-partner")
    import csv

    rows = list(csv.reader(io.StringIO(to_csv_bytes(a).decode("utf-8-sig"))))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    assert from_table(out.getvalue().encode("utf-8"), "partner.csv") == a


def test_import_tolerates_grade_spellings():
    a = load_example("veridia-2024-partner")
    text = to_csv_bytes(a).decode("utf-8-sig")
    text = text.replace(",orange,", ",Orange,", 1).replace(",red,", ",✖ Red,", 1)
    assert from_table(text.encode(), "x.csv") == a


def test_rows_with_content_are_never_dropped():
    text = template_bytes("csv").decode("utf-8-sig")
    text = text.replace("country,,", "country,XVR,").replace("year,,", "year,2024,")
    text = text.replace(
        "3,harm-reduction,Improving access to harm reduction interventions,,,,",
        "3,harm-reduction,Improving access to harm reduction interventions,no,,,notes kept",
    )
    a = from_table(text.encode(), "x.csv")
    assert [(e.commitment_id, e.grade, e.evidence) for e in a.entries] == [("harm-reduction", None, "notes kept")]


# -- spreadsheets: bad input ----------------------------------------------------------------------------


def _sheet_error(data: bytes, name: str) -> AssessmentError:
    with pytest.raises(AssessmentError) as info:
        from_table(data, name)
    assert str(info.value).startswith(f'Could not read "{name}"')
    return info.value


def test_sheet_grade_off_scale_names_row_and_column():
    wb = _filled_template()
    wb["Grades"]["E5"] = 9
    out = io.BytesIO()
    wb.save(out)
    err = _sheet_error(out.getvalue(), "kenya.xlsx")
    assert err.field == "sheet 'Grades', row 5 ('treatment'), column 'grade'"
    assert "five-point" in err.problem


def test_csv_grade_off_scale_names_line():
    text = (
        to_csv_bytes(load_example("veridia-2024"))
        .decode("utf-8-sig")
        .replace(
            ",harm-reduction,Improving access to harm reduction interventions,yes,3,",
            ",harm-reduction,Improving access to harm reduction interventions,yes,green,",
        )
    )
    err = _sheet_error(text.encode(), "v.csv")
    assert err.field == "row 16 ('harm-reduction'), column 'grade'"


def test_sheet_missing_country_names_the_about_line():
    wb = _filled_template()
    about = wb["About"]
    about.cell(next(r for r in range(1, 20) if about.cell(r, 1).value == "country"), 2).value = None
    out = io.BytesIO()
    wb.save(out)
    err = _sheet_error(out.getvalue(), "k.xlsx")
    assert err.field == "sheet 'About', row 3 ('country')" and "country is missing" in err.problem


def test_sheet_unknown_country():
    wb = _filled_template()
    wb["About"]["B3"] = "Narnia"
    out = io.BytesIO()
    wb.save(out)
    assert "'Narnia' is not a country" in _sheet_error(out.getvalue(), "k.xlsx").problem


def test_sheet_unknown_column_would_lose_data():
    wb = _filled_template()
    wb["Grades"].cell(1, 40).value = "my notes"
    out = io.BytesIO()
    wb.save(out)
    err = _sheet_error(out.getvalue(), "k.xlsx")
    assert err.field == "sheet 'Grades', row 1, column 40" and "'my notes'" in err.problem


def test_sheet_unknown_about_field():
    text = template_bytes("csv").decode("utf-8-sig").replace("assessor,,", "favourite colour,blue,")
    err = _sheet_error(text.encode(), "t.csv")
    assert err.field == "row 8" and "'favourite colour'" in err.problem


def test_sheet_duplicated_commitment():
    text = to_csv_bytes(load_example("veridia-2023")).decode("utf-8-sig")
    text = text.replace(",treatment,", ",harm-reduction,", 1)
    err = _sheet_error(text.encode(), "v.csv")
    assert "already assessed" in err.problem and "column 'commitment_id'" in err.field


def test_renamed_sheet():
    wb = _filled_template()
    wb["Grades"].title = "My grades"
    out = io.BytesIO()
    wb.save(out)
    assert "no sheet called 'Grades'" in _sheet_error(out.getvalue(), "k.xlsx").problem


def test_old_excel_and_damaged_and_non_sheet_files():
    assert ".xls" in _sheet_error(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.xls").problem
    assert "damaged" in _sheet_error(b"PK\x03\x04" + b"\0" * 100, "broken.xlsx").problem
    assert "no Grades table" in _sheet_error(b"name,age\nx,1\n", "people.csv").problem
    assert "saved as UTF-16 text, not UTF-8" in _sheet_error(b"\xff\xfeabc", "utf16.csv").problem
    assert "0xff is not UTF-8" in _sheet_error(b"ab\xffcd", "latin1.csv").problem


def test_zip_bomb_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * 60_000_000)
    assert out.tell() < MAX_BYTES
    assert f"{assessment_io.MAX_UNZIPPED // 1_000_000} MB" in _sheet_error(out.getvalue(), "bomb.xlsx").problem


def test_sheet_from_a_newer_idpckit():
    text = template_bytes("csv").decode("utf-8-sig").replace("version 1", "version 9")
    assert "newer" in _sheet_error(text.encode(), "t.csv").problem


def test_sheet_over_the_size_limit(tmp_path: Path):
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(AssessmentError, match="MB"):
        from_table(big)


# -- round trips (property-based) ---------------------------------------------------------------------------

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
short = text.map(clean_text).map(str.strip)  # what the model keeps of a short field
sources = st.builds(Source, title=short.filter(bool), link=short, kind=st.sampled_from(SOURCE_KINDS))


@st.composite
def assessments(draw) -> Assessment:
    scale = draw(st.sampled_from(["five-point", "traffic-light"]))
    grade = st.none() | (st.integers(1, 5) if scale == "five-point" else st.sampled_from(["red", "orange", "green"]))
    ids = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=13))
    entries = [
        Entry(
            commitment_id=cid,
            grade=draw(grade),
            evidence=draw(text),
            recommendation=draw(text),
            sources=draw(st.lists(sources, max_size=4)),
            confidence=draw(st.none() | st.sampled_from(["low", "medium", "high"])),
        )
        for cid in ids
    ]
    return Assessment(
        country=draw(st.sampled_from(["XVR", "COL", "KEN", "RUS", "FRA", "CIV", "PHL"])),
        year=draw(st.integers(2019, 2100)),
        organisations=draw(st.lists(short.filter(bool), max_size=3)),
        assessor=draw(short),
        date=draw(st.dates(dt.date(2019, 1, 1), dt.date(2100, 12, 31))),
        scale=scale,
        room=draw(st.from_regex(r"[A-Za-z0-9-]{0,32}", fullmatch=True)),
        fictional=draw(st.booleans()),
        entries=entries,
    )


ROUND_TRIP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ROUND_TRIP
@given(assessments())
def test_json_round_trip(a):
    payload = a.to_json().encode("utf-8")
    back = parse_assessment(payload, "rt.json")
    assert back == a
    assert back.to_json().encode("utf-8") == payload


@ROUND_TRIP
@given(assessments())
def test_csv_round_trip(a):
    assert from_table(to_csv_bytes(a), "rt.csv") == a


@ROUND_TRIP
@given(assessments())
def test_xlsx_round_trip(a):
    assert from_table(to_xlsx_bytes(a), "rt.xlsx") == a


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_a_result_or_a_plain_error(payload):
    for reader in (lambda b: parse_assessment(b, "fuzz"), lambda b: from_table(b, "fuzz")):
        try:
            reader(payload)
        except AssessmentError as exc:
            assert str(exc).startswith('Could not read "fuzz"')


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_about_value_that_names_a_column_is_not_the_grades_header(fmt):
    # found by test_xlsx_round_trip: an assessor called "commitment_id" was taken for the header row
    a = load_example("veridia-2024").model_copy(update={"assessor": "commITMENt_ID"})
    payload = to_csv_bytes(a) if fmt == "csv" else to_xlsx_bytes(a)
    assert from_table(payload, f"a.{fmt}") == a

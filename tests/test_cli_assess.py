"""`idpckit validate|export|template|import|schema|store`: plain errors, exit 1, and outputs never half-written."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from idpckit.assessment_io import MAX_BYTES, example_paths, load_example, read_assessment, to_csv_bytes
from idpckit.cli import main

EXAMPLE = next(p for p in example_paths() if p.name == "veridia-2024.json")
OLD_OUTPUT = b"an earlier export the user wants to keep\n"


def run(*args: str | os.PathLike[str], env: dict[str, str] | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def record() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def edited(change: Callable[[dict], None]) -> bytes:
    r = record()
    change(r)
    return json.dumps(r, indent=2).encode("utf-8")


# name -> (file content, what the message must say about where, what it must say about the problem)
BAD_JSON: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "not-json": (lambda: b"country = Veridia\n", "line 1, column 1", "not valid JSON"),
    "truncated": (lambda: EXAMPLE.read_bytes()[:3000], "line ", "cut short"),
    "wrong-schema-version": (
        lambda: edited(lambda r: r.update(schema_version="one")),
        "'schema_version'",
        "whole number",
    ),
    "future-schema-version": (lambda: edited(lambda r: r.update(schema_version=2)), "'schema_version'", "newer format"),
    "unknown-commitment": (
        lambda: edited(lambda r: r["entries"][4].update(commitment_id="prisons")),
        "entry 5 ('prisons'), field 'commitment_id'",
        "not a Table 1 commitment",
    ),
    "grade-off-scale": (
        lambda: edited(lambda r: r["entries"][0].update(grade=6)),
        "entry 1 ('alternatives'), field 'grade'",
        "not a grade on the five-point scale",
    ),
    "duplicated-commitment": (
        lambda: edited(lambda r: r["entries"][1].update(commitment_id="alternatives")),
        "entry 2 ('alternatives'), field 'commitment_id'",
        "already assessed in entry 1",
    ),
    "missing-country": (lambda: edited(lambda r: r.pop("country")), "field 'country'", "country is missing"),
    "missing-year": (lambda: edited(lambda r: r.pop("year")), "field 'year'", "year is missing"),
    "unknown-country": (
        lambda: edited(lambda r: r.update(country="Freedonia")),
        "field 'country'",
        "not a country we know",
    ),
    "too-large": (lambda: b"{" + b" " * MAX_BYTES + b"}", "", "more than the 2 MB"),
    "not-utf8": (
        lambda: EXAMPLE.read_bytes().replace(b"Alliance", "Allïance".encode("cp1252"), 1),
        "line 6",
        "not UTF-8",
    ),
    "deeply-nested": (lambda: b"[" * 10_000 + b"]" * 10_000, "", "nested 10000 levels"),
}


@pytest.mark.parametrize("case", BAD_JSON)
@pytest.mark.parametrize("existing", [False, True], ids=["new-output", "existing-output"])
def test_bad_file_is_refused_and_no_output_is_written(tmp_path: Path, case: str, existing: bool):
    make, where, problem = BAD_JSON[case]
    bad = tmp_path / f"{case}.json"
    bad.write_bytes(make())
    out = tmp_path / "out.csv"
    if existing:
        out.write_bytes(OLD_OUTPUT)
    result = run("export", bad, "--format", "csv", "-o", out)
    assert result.exit_code == 1, result.output
    message = result.stderr
    assert f'Could not read "{case}.json"' in message and where in message and problem in message, message
    assert "Traceback" not in result.output and len(message.strip().splitlines()) == 1  # one paragraph
    if existing:
        assert out.read_bytes() == OLD_OUTPUT
    else:
        assert not out.exists()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("case", BAD_JSON)
def test_validate_reports_each_bad_file(tmp_path: Path, case: str):
    make, _where, problem = BAD_JSON[case]
    bad = tmp_path / f"{case}.json"
    bad.write_bytes(make())
    result = run("validate", EXAMPLE, bad)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"ok     {EXAMPLE}: Veridia (fictional country), 2024, five-point scale")
    assert lines[1].startswith(f'error  Could not read "{case}.json"') and problem in lines[1]
    assert len(lines) == 2 and "1 of 2 files has problems" in result.stderr


def test_validate_all_good(tmp_path: Path):
    result = run("validate", *example_paths())
    assert result.exit_code == 0 and "All 3 files are valid" in result.stderr
    assert result.stdout.count("ok     ") == 3


def test_validate_a_folder(tmp_path: Path):
    for path in example_paths():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "veridia.csv").write_bytes(to_csv_bytes(load_example("veridia-2023")))
    (tmp_path / "notes.txt").write_text("not an assessment, not looked at")
    result = run("validate", tmp_path)
    assert result.exit_code == 0 and result.stdout.count("ok     ") == 4, result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("validate", empty).exit_code == 1


def test_utf8_bom_is_accepted(tmp_path: Path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    assert run("validate", path).exit_code == 0
    assert run("export", path, "-o", tmp_path / "bom.xlsx").exit_code == 0


def test_validate_shows_a_progress_bar_only_when_asked_or_useful(tmp_path: Path):
    files = []
    for i in range(25):
        files.append(tmp_path / f"r{i}.json")
        files[-1].write_bytes(EXAMPLE.read_bytes())
    quiet = run("validate", *files)  # 25 files, but not a terminal: no bar in logs
    assert quiet.exit_code == 0 and "Checking" not in quiet.stderr
    shown = run("validate", "--progress", *files)
    assert shown.exit_code == 0 and "Checking" in shown.stderr and "25/25" in shown.stderr
    assert shown.stdout.count("ok     ") == 25  # results still go to stdout, whole
    few = run("validate", "--no-progress", *files[:2])
    assert "Checking" not in few.stderr


# -- export and import --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_back_the_same_file(tmp_path: Path, fmt: str):
    table = tmp_path / f"veridia.{fmt}"
    result = run("export", EXAMPLE, "--format", fmt, "-o", table)
    assert result.exit_code == 0 and "Wrote the" in result.stderr
    back = tmp_path / "back.json"
    result = run("import", table, "-o", back)
    assert result.exit_code == 0, result.output
    assert back.read_bytes() == EXAMPLE.read_bytes()


def test_export_format_from_the_output_name_and_default_output(tmp_path: Path):
    src = tmp_path / "review.json"
    src.write_bytes(EXAMPLE.read_bytes())
    assert run("export", src, "-o", tmp_path / "named.xlsx").exit_code == 0
    assert openpyxl.load_workbook(tmp_path / "named.xlsx").sheetnames == ["Instructions", "About", "Grades"]
    assert run("export", src, "--format", "csv").exit_code == 0
    assert (tmp_path / "review.csv").read_bytes() == to_csv_bytes(load_example("veridia-2024"))
    unclear = run("export", src, "-o", tmp_path / "table.txt")
    assert unclear.exit_code == 1 and "--format" in unclear.stderr


def test_export_keeps_html_as_typed_and_neutralises_formulas(tmp_path: Path):
    src = tmp_path / "html.json"
    src.write_bytes(
        edited(lambda r: r["entries"][0].update(evidence='=HYPERLINK("http://x") <script>alert(1)</script>'))
    )
    assert run("export", src, "-o", tmp_path / "html.csv").exit_code == 0
    text = (tmp_path / "html.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "<script>alert(1)</script>" in text


def test_import_bad_sheet_writes_nothing(tmp_path: Path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        to_csv_bytes(load_example("veridia-2024")).decode("utf-8-sig").replace(",yes,3,", ",yes,9,", 1),
        encoding="utf-8",
    )
    out = tmp_path / "review.json"
    out.write_bytes(OLD_OUTPUT)
    result = run("import", sheet, "-o", out)
    assert result.exit_code == 1
    assert "Could not read \"sheet.csv\", row 14 ('alternatives'), column 'grade'" in result.stderr
    assert out.read_bytes() == OLD_OUTPUT and leftovers(tmp_path) == []


def test_import_needs_a_json_output(tmp_path: Path):
    result = run("import", EXAMPLE, "-o", tmp_path / "x.xlsx")
    assert result.exit_code == 1 and "name the JSON file" in result.stderr
    assert run("import", EXAMPLE).exit_code == 2  # -o is required (click's usage error)


def test_import_missing_file(tmp_path: Path):
    result = run("import", tmp_path / "nowhere.xlsx", "-o", tmp_path / "r.json")
    assert result.exit_code == 1 and '"nowhere.xlsx": there is no file' in result.stderr


# -- template ----------------------------------------------------------------------------------------------


def test_template_xlsx_filled_and_imported(tmp_path: Path):
    sheet = tmp_path / "ours.xlsx"
    result = run("template", "--scale", "traffic-light", "-o", sheet)
    assert result.exit_code == 0 and "traffic-light grading sheet" in result.stderr
    wb = openpyxl.load_workbook(sheet)
    about = wb["About"]
    for row in about.iter_rows(min_row=1):
        if row[0].value == "country":
            row[1].value = "Colombia"
        elif row[0].value == "year":
            row[1].value = 2025
        elif row[0].value == "organisation" and row[1].value is None:
            row[1].value = "Colectivo de ejemplo"
            break
    grades = wb["Grades"]
    grades["E2"], grades["G2"] = "orange", "Descriminalización parcial; «ejemplo»"
    wb.save(sheet)
    out = tmp_path / "ours.json"
    assert run("import", sheet, "-o", out).exit_code == 0
    a = read_assessment(out)
    assert (a.country, a.year, a.scale) == ("COL", 2025, "traffic-light")
    assert [(e.commitment_id, e.grade, e.evidence) for e in a.entries] == [
        ("alternatives", "orange", "Descriminalización parcial; «ejemplo»")
    ]


def test_template_does_not_overwrite_a_sheet_without_force(tmp_path: Path):
    sheet = tmp_path / "filled.xlsx"
    sheet.write_bytes(OLD_OUTPUT)
    refused = run("template", "-o", sheet)
    assert refused.exit_code == 1 and "already exists" in refused.stderr and "--force" in refused.stderr
    assert sheet.read_bytes() == OLD_OUTPUT
    assert run("template", "-o", sheet, "--force").exit_code == 0
    assert openpyxl.load_workbook(sheet).sheetnames == ["Instructions", "About", "Grades"]


def test_template_csv_default_name(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("template", "--format", "csv").exit_code == 0
    text = (tmp_path / "grading-sheet.csv").read_text(encoding="utf-8-sig")
    assert text.count("\n") > 13 and "controlled-medicines" in text


# -- schema -------------------------------------------------------------------------------------------------


def test_schema_is_in_sync_and_printable(tmp_path: Path):
    assert run("schema", "--check").exit_code == 0
    printed = run("schema")
    assert json.loads(printed.stdout)["title"] == "idpckit assessment"
    assert run("schema", "-o", tmp_path / "s.json").exit_code == 0
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == printed.stdout


# -- store --------------------------------------------------------------------------------------------------


def test_store_add_list_show_info(tmp_path: Path):
    db = tmp_path / "room.sqlite3"
    made = run("room", "create", "Demo", "--store", db)
    room = made.stdout.splitlines()[0].removeprefix("room code: ")
    added = run("store", "add", *example_paths(), "--store", db, "--room", room.lower(), "--submit")
    assert added.exit_code == 0, added.output
    codes = [line.split()[0] for line in added.stdout.splitlines()]
    assert len(codes) == 3 and "Added 3 submitted reviews" in added.stderr

    listed = run("store", "list", "--store", db, "--room", room)
    assert listed.exit_code == 0 and len(listed.stdout.splitlines()) == 3
    assert all("submitted" in line and "XVR" in line for line in listed.stdout.splitlines())
    assert run("store", "list", "--store", db, "--status", "draft").stdout == ""

    shown = run("store", "show", codes[0].lower(), "--store", db)
    assert shown.exit_code == 0 and json.loads(shown.stdout)["room"] == room

    info = run("store", "info", env={"IDPCKIT_STORE": str(db)})  # the store from the environment
    assert info.exit_code == 0 and "submitted:  3" in info.stdout and room in info.stdout


def test_store_add_is_all_or_nothing(tmp_path: Path):
    db = tmp_path / "s.sqlite3"
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"{")
    result = run("store", "add", EXAMPLE, bad, "--store", db)
    assert result.exit_code == 1 and "nothing was added" in result.stderr
    assert 'Could not read "bad.json"' in result.stdout
    assert "drafts:     0" in run("store", "info", "--store", db).stdout


def test_store_errors_are_plain(tmp_path: Path):
    db = tmp_path / "s.sqlite3"
    unknown = run("store", "show", "K7QD-M2XP-4HTA-9WEB", "--store", db)
    assert unknown.exit_code == 1 and "No review has the resume code" in unknown.stderr
    bad_room = run("store", "add", EXAMPLE, "--store", db, "--room", "no spaces allowed")
    assert bad_room.exit_code == 1 and "not a room code" in bad_room.stderr
    bad_url = run("store", "info", "--store", "nosuchdb://x")
    assert bad_url.exit_code == 1 and "Traceback" not in bad_url.output


# -- every command documents itself -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["export"],
        ["template"],
        ["import"],
        ["schema"],
        ["store", "info"],
        ["store", "list"],
        ["store", "show"],
        ["store", "add"],
    ],
)
def test_help_has_an_example(command):
    result = run(*command, "--help")
    assert result.exit_code == 0 and "Example:" in result.stdout and "idpckit " in result.stdout


def test_exported_xlsx_opens_with_the_data(tmp_path: Path):
    out = tmp_path / "v.xlsx"
    assert run("export", EXAMPLE, "-o", out).exit_code == 0
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    grades = wb["Grades"]
    assert grades["B2"].value == "alternatives" and grades["E2"].value == 3

"""A corpus of hostile assessment files (JSON, CSV, XLSX), generated at test time.

What a hostile visitor, a damaged download or a confused spreadsheet program hands
the kit: wrong types at every field, grades that are lists or objects, numbers with
thousands of digits, encodings that are not UTF-8, NUL and control characters,
nesting bombs, truncated files, duplicated columns, XLSX files whose XML is broken,
whose cells point at shared texts that do not exist, whose declared dimension is the
whole of a spreadsheet (``A1:XFD1048576``), zip bombs, formulas, and things that are
not files at all (a folder, a named pipe, a device).

:func:`cases` lists them (their names are known without writing anything, so pytest
can parametrise over them); :func:`write` writes one into a folder.  Each case says
what the refusal must name (``expect``: fragments of the message, e.g. the field,
the row, the column or the cell) so a test can check the message points at the
problem, not only that there is one.  ``test_hostile_files.py`` feeds every case
through every reader door of the kit.
"""

from __future__ import annotations

import copy
import io
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from idpckit.assessment_io import load_example, template_bytes, to_csv_bytes, to_xlsx_bytes


@dataclass(frozen=True)
class Hostile:
    """One hostile input: its file name, how to make it, and what its refusal must name."""

    name: str
    make: Callable[[Path], None] = field(repr=False, compare=False)
    expect: tuple[str, ...] = ()  # fragments the message must hold (case-insensitive)
    kind: str = "json"  # json | csv | xlsx | path (not a regular file)
    big: bool = False  # large or memory-hungry: the tests measure its memory
    accepted: bool = False  # odd but harmless: read, with what is odd dropped (the tests check it is read)


def _base_record() -> dict[str, Any]:
    return json.loads(load_example("veridia-2024").to_json())


def _bytes_case(name: str, payload: bytes | Callable[[], bytes], *expect: str, kind: str = "", big: bool = False):
    def make(folder: Path) -> None:
        data = payload() if callable(payload) else payload
        (folder / name).write_bytes(data)

    guessed = kind or {".json": "json", ".csv": "csv", ".xlsx": "xlsx"}.get(Path(name).suffix, "json")
    return Hostile(name, make, tuple(expect), guessed, big)


def _accepted(case: Hostile) -> Hostile:
    return Hostile(case.name, case.make, (), case.kind, case.big, accepted=True)


# --------------------------------------------------------------------------- JSON

#: Wrong values for each kind of field; each is wrong for every field of that kind.
_HUGE_TEXT = "x" * 30_000  # over every text limit of the model (20,000 characters)
_WRONG: dict[str, dict[str, Any]] = {
    "text": {
        "list": [1],
        "object": {"a": 1},
        "nested-null": [[None]],
        "number": 1.5,
        "true": True,
        "huge": _HUGE_TEXT,
    },
    "int": {
        "list": [2024],
        "object": {"year": 2024},
        "nested-null": [[None]],
        "text": "two thousand",
        "fraction": 2024.5,
        "true": True,
        "negative": -5,
    },
    "bool": {"list": [True], "object": {"a": True}, "nested-null": [None], "text": "maybe", "number": 7},
    "list": {"object": {"a": 1}, "text": "abc", "number": 3, "true": True, "nested-null": [[None]]},
    "date": {"list": ["2024-01-01"], "object": {"y": 2024}, "text": "not a date", "month-13": "2024-13-45"},
}
_TOP_FIELDS = {
    "schema_version": "int",
    "country": "text",
    "year": "int",
    "organisations": "list",
    "assessor": "text",
    "date": "date",
    "scale": "text",
    "room": "text",
    "fictional": "bool",
    "entries": "list",
}
_ENTRY_FIELDS = {
    "commitment_id": "text",
    "grade": "text",  # and more below: a grade that is a list, an object, a nested null ...
    "confidence": "text",
    "evidence": "text",
    "recommendation": "text",
    "sources": "list",
}
_SOURCE_FIELDS = {"title": "text", "link": "text", "kind": "text"}


def _json_case(name: str, record: Any, *expect: str, big: bool = False) -> Hostile:
    return _bytes_case(name, lambda: json.dumps(record, ensure_ascii=False).encode("utf-8"), *expect, big=big)


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    record = _base_record()
    target: Any = record
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return record


def _first_entry_with_sources(record: dict[str, Any]) -> int:
    return next(i for i, e in enumerate(record["entries"]) if e["sources"])


def _json_cases() -> list[Hostile]:
    out: list[Hostile] = []
    for key, kind in _TOP_FIELDS.items():
        for label, value in _WRONG[kind].items():
            if key == "room" and label == "huge":
                value = "R" * 40  # a room code is short; over 32 characters it is refused
            where = {"organisations": "organisation 1", "entries": "entry 1"}.get(key, key)
            out.append(
                _json_case(f"top-{key}-{label}.json", _with((key,), value), where if label == "nested-null" else key)
            )
    for key, kind in _ENTRY_FIELDS.items():
        for label, value in _WRONG[kind].items():
            out.append(_json_case(f"entry-{key}-{label}.json", _with(("entries", 0, key), value), "entry 1", key))
    for label, value in {
        "dict-of-null": {"x": None},
        "list-of-null": [None],
        "empty-list": [],
        "empty-object": {},
        "zero": 0,
        "six": 6,
        "fraction": 2.5,
        "huge-int": 10**300,
        "word": "excellent",
        "false": False,
    }.items():
        out.append(_json_case(f"grade-{label}.json", _with(("entries", 0, "grade"), value), "entry 1", "'grade'"))
    src_entry = _first_entry_with_sources(_base_record())
    for key, kind in _SOURCE_FIELDS.items():
        for label, value in _WRONG[kind].items():
            record = _with(("entries", src_entry, "sources", 0, key), value)
            out.append(_json_case(f"source-{key}-{label}.json", record, f"entry {src_entry + 1}", "source 1", key))
    out.append(_json_case("entry-is-a-list.json", _with(("entries", 0), [1, 2]), "entry 1"))
    out.append(_json_case("entry-is-null.json", _with(("entries", 0), None), "entry 1"))
    out.append(_json_case("source-is-text.json", _with(("entries", src_entry, "sources", 0), "a book"), "source 1"))
    out.append(_json_case("unknown-field.json", {**_base_record(), "password": "x"}, "'password'"))
    out.append(_json_case("unknown-entry-field.json", _with(("entries", 0, "score"), 3), "entry 1", "score"))
    many = _base_record()
    many["entries"] = [copy.deepcopy(many["entries"][0]) for _ in range(1_000)]
    out.append(_json_case("thousand-entries.json", many, "entry 2", "already assessed", big=True))
    more = _base_record()
    more["entries"] = [copy.deepcopy(more["entries"][0]) for _ in range(5_000)]
    out.append(_json_case("five-thousand-entries.json", more, "MB", big=True))
    orgs = _with(("organisations",), [f"Org {i}" for i in range(20_000)])
    out.append(_json_case("twenty-thousand-organisations.json", orgs, "organisations", big=True))
    out.append(_json_case("top-level-list.json", [_base_record()], "a list"))
    out.append(_json_case("top-level-null.json", None, "single value"))
    out.append(_json_case("top-level-text.json", "an assessment", "a string"))

    base = json.dumps(_base_record(), ensure_ascii=False).encode("utf-8")
    grade_at = base.index(b'"grade": ') + len(b'"grade": ')
    value_end = base.index(b",", grade_at)

    def grade_text(text: bytes) -> bytes:
        return base[:grade_at] + text + base[value_end:]

    out += [
        _bytes_case("grade-5000-digits.json", grade_text(b"9" * 5_000), "line 1", "5,000 digits"),
        _bytes_case("grade-1e400.json", grade_text(b"1e400"), "'grade'"),
        _bytes_case("grade-nan.json", grade_text(b"NaN"), "NaN"),
        _bytes_case("grade-infinity.json", grade_text(b"-Infinity"), "Infinity"),
        _bytes_case("year-5000-digits.json", base.replace(b'"year": 2024', b'"year": ' + b"1" * 5_000), "digits"),
        _bytes_case("empty.json", b"", "empty"),
        _bytes_case("whitespace.json", b" \n\t\r\n  ", "empty"),
        _bytes_case("bom-only.json", b"\xef\xbb\xbf", "empty"),
        _bytes_case("nul-bytes.json", b"\0" * 4_096, "NUL"),
        _bytes_case("nul-inside.json", base[:100] + b"\0" + base[100:], "line 1"),
        _bytes_case(
            "raw-control-in-text.json", base.replace(b'"evidence": "', b'"evidence": "\x07\x1b[31m', 1), "line"
        ),
        _accepted(_bytes_case("lone-surrogate.json", base.replace(b'"evidence": "', b'"evidence": "\\ud800', 1))),
        _accepted(_bytes_case("utf8-bom.json", b"\xef\xbb\xbf" + base)),
        _accepted(
            _bytes_case(
                "script-in-evidence.json", base.replace(b'"evidence": "', b'"evidence": "<script>alert(1)</script>', 1)
            )
        ),
        _bytes_case("utf16-le.json", b"\xff\xfe" + base.decode().encode("utf-16-le"), "UTF-16"),
        _bytes_case("utf16-be.json", b"\xfe\xff" + base.decode().encode("utf-16-be"), "UTF-16"),
        _bytes_case("utf16-no-bom.json", base.decode().encode("utf-16-le"), "UTF-"),
        _bytes_case("utf32.json", base.decode().encode("utf-32"), "UTF-"),
        _bytes_case("latin1.json", base.decode().replace("Veridia", "Véridià").encode("latin-1"), "UTF-8"),
        _bytes_case("duplicate-key.json", base.replace(b'"year": 2024', b'"year": 2024, "year": 2023', 1), "twice"),
        _bytes_case("trailing-garbage.json", base + b" }{ more", "not valid JSON"),
        _bytes_case("html-page.json", b"<!doctype html><html><body>404</body></html>", "not valid JSON"),
        _bytes_case("a-zip.json", to_xlsx_bytes(load_example("veridia-2024")), "UTF-8"),
        _bytes_case("binary.json", bytes(range(256)) * 16, "UTF-8"),
        _bytes_case("nested-10k.json", b"[" * 10_000 + b"]" * 10_000, "nested"),
        _bytes_case("nested-1m.json", b"[" * 1_000_000 + b"]" * 1_000_000, "nested", big=True),
        _bytes_case("nested-objects.json", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "nested", big=True),
        _bytes_case("nested-unclosed.json", b"[" * 1_900_000, "nested", big=True),
        _bytes_case("over-2mb.json", lambda: b" " * 2_000_001, "MB", big=True),
        _json_case(
            "evidence-900k.json", _with(("entries", 0, "evidence"), "a" * 1_900_000), "evidence", "too long", big=True
        ),
        _bytes_case("many-strings.json", b"[" + b'"a",' * 450_000 + b'"a"]', "a list", big=True),
    ]
    for cut in (1, 2, 10, 100, len(base) // 3, len(base) // 2, len(base) - 50, len(base) - 2, len(base) - 1):
        out.append(_bytes_case(f"truncated-at-{cut}.json", base[:cut], "cut short"))
    return out


# --------------------------------------------------------------------------- CSV


def _csv_text() -> str:
    return to_csv_bytes(load_example("veridia-2024")).decode("utf-8-sig")


def _csv_case(name: str, text: Callable[[], str | bytes], *expect: str, big: bool = False) -> Hostile:
    def payload() -> bytes:
        value = text()
        return value if isinstance(value, bytes) else value.encode("utf-8")

    return _bytes_case(name, payload, *expect, kind="csv", big=big)


def _csv_cell(text: str, line_prefix: str, column: int, value: str) -> str:
    """``text`` with the cell in column ``column`` of the first line starting with ``line_prefix`` replaced."""
    import csv

    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        if row and row[0] == line_prefix:
            row[column] = value
            break
    else:  # pragma: no cover - a broken generator
        raise AssertionError(line_prefix)
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _csv_header_twice(column: str) -> Callable[[], str]:
    def text() -> str:
        lines = _csv_text().splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines) if line.startswith("number,commitment_id"))
        lines[at] = lines[at].rstrip("\r\n") + f",{column}\r\n"
        return "".join(lines)

    return text


def _csv_grade_row(value: str) -> Callable[[], str]:
    def text() -> str:
        # the first Grades row is the first tracked commitment; column 4 is the grade
        import csv

        rows = list(csv.reader(io.StringIO(_csv_text(), newline="")))
        at = next(i for i, row in enumerate(rows) if row[:2] == ["number", "commitment_id"]) + 1
        rows[at][4] = value
        out = io.StringIO(newline="")
        csv.writer(out).writerows(rows)
        return out.getvalue()

    return text


def _csv_cases() -> list[Hostile]:
    t = _csv_text
    out = [
        _csv_case("version-5000-digits.csv", lambda: t().replace("version 1", "version " + "9" * 5_000, 1), "version"),
        _csv_case("version-newer.csv", lambda: t().replace("version 1", "version 7", 1), "newer"),
        _csv_case("year-5000-digits.csv", lambda: _csv_cell(t(), "year", 1, "2" * 5_000), "year"),
        _csv_case("year-words.csv", lambda: _csv_cell(t(), "year", 1, "last year"), "year"),
        _csv_case("year-list.csv", lambda: _csv_cell(t(), "year", 1, "[2024]"), "year"),
        _csv_case("date-not-a-date.csv", lambda: _csv_cell(t(), "date", 1, "yesterday"), "date"),
        _csv_case("date-month-13.csv", lambda: _csv_cell(t(), "date", 1, "2024-13-45"), "date"),
        _csv_case("date-5000-digits.csv", lambda: _csv_cell(t(), "date", 1, "9" * 5_000), "date"),
        _csv_case("fictional-maybe.csv", lambda: _csv_cell(t(), "fictional", 1, "maybe"), "yes or no"),
        _csv_case("scale-unknown.csv", lambda: _csv_cell(t(), "scale", 1, "ten-point"), "scale"),
        _csv_case("country-twice.csv", lambda: t().replace("\r\nyear,", "\r\ncountry,COL,\r\nyear,", 1), "twice"),
        _csv_case("year-twice.csv", lambda: t().replace("\r\nyear,", "\r\nyear,2020,\r\nyear,", 1), "twice"),
        _csv_case(
            "unknown-about-field.csv", lambda: t().replace("\r\nyear,", "\r\npassword,x,\r\nyear,", 1), "password"
        ),
        _csv_case("grade-5000-digits.csv", _csv_grade_row("9" * 5_000), "grade"),
        _csv_case("grade-list.csv", _csv_grade_row("[1]"), "grade"),
        _csv_case("grade-object.csv", _csv_grade_row('{"a": null}'), "grade"),
        _csv_case("grade-formula.csv", _csv_grade_row("=1+2"), "grade"),
        _csv_case("grade-six.csv", _csv_grade_row("6"), "grade"),
        _csv_case("grade-nul.csv", _csv_grade_row("\0\0"), "grade"),
        _csv_case("grade-control.csv", _csv_grade_row("\x1b[31m3"), "grade"),
        _csv_case("tracked-maybe.csv", lambda: t().replace(",yes,", ",maybe,", 1), "tracked"),
        _csv_case("commitment-unknown.csv", lambda: t().replace(",alternatives,", ",nonsense,", 1), "commitment"),
        _csv_case("no-grades-table.csv", lambda: t().split("\r\nGrades,")[0], "Grades table"),
        _csv_case("only-the-mark.csv", "idpckit grading sheet,version 1\r\n".__str__, "Grades table"),
        _csv_case("empty.csv", "".__str__, "empty"),
        _csv_case("bom-only.csv", b"\xef\xbb\xbf".__bytes__, "empty"),
        _csv_case("whitespace.csv", "\r\n\r\n   \r\n".__str__, "empty"),
        _csv_case("nul-bytes.csv", (b"\0" * 5_000).__bytes__, "NUL"),
        _csv_case(
            "utf16-excel-unicode-text.csv", lambda: b"\xff\xfe" + t().replace(",", "\t").encode("utf-16-le"), "UTF-16"
        ),
        _csv_case("latin1.csv", lambda: t().replace("Veridia", "Véridià").encode("latin-1"), "UTF-8"),
        _csv_case("json-named-csv.csv", lambda: load_example("veridia-2024").to_json(), "Grades table"),
        _csv_case("xls-named-csv.csv", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600).__bytes__, ".xls"),
        _csv_case("binary.csv", (bytes(range(256)) * 16).__bytes__, "UTF-8"),
        _csv_case("field-over-limit.csv", lambda: _csv_grade_row("x" * 200_000)(), "row 1", "characters", big=True),
        _csv_case(
            "huge-evidence.csv",
            lambda: (
                t()
                .replace("\r\nyear,", '\r\nassessor,"' + "y" * 1_000_000 + '",\r\nyear,', 1)
                .replace("\r\nassessor,Ana", "\r\nassessorX,Ana")
            ),
            "row ",
            "characters",
            big=True,
        ),
        _csv_case(
            "many-rows.csv", lambda: t() + "1,alternatives,x,yes,3,,,\r\n" * 60_000, "row 1001", "outside", big=True
        ),
        _csv_case("hundred-rows.csv", lambda: t() + "1,alternatives,x,yes,3,,,\r\n" * 100, "already assessed"),
        _csv_case(
            "many-columns.csv",
            lambda: _csv_header_twice(",".join(f"c{i}" for i in range(200_000)))(),
            "row 13",
            "column 159",
            "outside",
            big=True,
        ),
        _csv_case("many-blank-lines.csv", lambda: t() + "\r\n" * 1_900_000, "", big=True),
        _csv_case("over-2mb.csv", lambda: t() + " " * 2_000_000, "MB", big=True),
        _csv_case(
            "unterminated-quote.csv",
            lambda: t().replace("\r\nyear,", '\r\nassessor,"never closed\r\nyear,', 1),
            "assessor",
        ),
        _csv_case("cr-only-lines.csv", lambda: _csv_grade_row("9")().replace("\r\n", "\r"), "grade"),
    ]
    for column in ("evidence", "grade", "commitment_id", "source 1 title", "recommendation", "tracked"):
        out.append(
            _csv_case(f"header-twice-{column.replace(' ', '-')}.csv", _csv_header_twice(column), f"'{column}'", "twice")
        )
    out.append(_csv_case("header-twice-case.csv", _csv_header_twice("Evidence"), "'evidence'", "twice"))
    text = _csv_text()
    for cut in (5, 30, len(text) // 2, len(text) - 40):
        out.append(_csv_case(f"truncated-at-{cut}.csv", lambda cut=cut: _cut_csv(cut), ""))
    return out


def _cut_csv(cut: int) -> str:
    # A cut file is refused because something it needs is missing (a field, a header, a row),
    # or, cut inside a Grades row, because that row's cells are then off: make sure of it by
    # putting a grade off the scale just before the cut.
    return _csv_grade_row("9")()[:cut]


# --------------------------------------------------------------------------- XLSX

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _cell(ref: str, value: Any) -> str:
    s = ""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def _col(n: int) -> str:
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _sheet_xml(rows: list[list[Any]], overrides: dict[str, str], dimension: str | None, extra_rows: str = "") -> str:
    body = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row, start=1):
            ref = f"{_col(c)}{r}"
            cells.append(overrides.pop(ref) if ref in overrides else _cell(ref, value))
        body.append(f'<row r="{r}">{"".join(cells)}</row>')
    for ref, xml in overrides.items():  # cells placed beyond the rows, each in its own row element
        row = "".join(ch for ch in ref if ch.isdigit()) or "1"
        body.append(f'<row r="{row}">{xml}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}">{dim}<sheetData>{"".join(body)}{extra_rows}</sheetData></worksheet>'


_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{_NS}">
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
</styleSheet>"""


def _rows_of_sheets() -> tuple[list[list[Any]], list[list[Any]]]:
    """The About and Grades rows of the example, as the kit's own export has them."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(load_example("veridia-2024"))))
    about = [[c.value for c in row] for row in wb["About"].iter_rows()]
    grades = [[c.value for c in row] for row in wb["Grades"].iter_rows()]
    for row in about:  # dates are written as text here; a test of date cells puts its own cell
        row[:] = [v.date().isoformat() if hasattr(v, "date") else v for v in row]
    return about, grades


def build_xlsx(
    *,
    about: dict[str, str] | None = None,
    grades: dict[str, str] | None = None,
    shared: list[str] | None = None,
    dimension: str | None = None,
    grades_dimension: str | None = None,
    extra: dict[str, bytes] | None = None,
    replace: dict[str, bytes] | None = None,
    grades_extra_rows: str = "",
) -> bytes:
    """A workbook with the kit's About and Grades sheets, written by hand so any part can be wrong.

    ``about``/``grades``: raw ``<c>`` XML for the given cell references (replacing the
    cell, or added in a row of its own); ``shared``: a sharedStrings part; ``replace``:
    whole parts, byte for byte.
    """
    about_rows, grade_rows = _rows_of_sheets()
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + (
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                if shared is not None
                else ""
            )
            + "</Types>"
        ).encode(),
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            b"</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="About" sheetId="1" r:id="rId1"/><sheet name="Grades" sheetId="2" r:id="rId2"/>'
            "</sheets></workbook>"
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/worksheet" Target="worksheets/sheet2.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/styles" Target="styles.xml"/>'
            + (
                f'<Relationship Id="rId4" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
                if shared is not None
                else ""
            )
            + "</Relationships>"
        ).encode(),
        "xl/styles.xml": _STYLES.encode(),
        "xl/worksheets/sheet1.xml": _sheet_xml(about_rows, dict(about or {}), dimension).encode(),
        "xl/worksheets/sheet2.xml": _sheet_xml(
            grade_rows, dict(grades or {}), grades_dimension, grades_extra_rows
        ).encode(),
    }
    if shared is not None:
        items = "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
        parts["xl/sharedStrings.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}" count="{len(shared)}" uniqueCount="{len(shared)}">{items}</sst>'
        ).encode()
    parts.update(extra or {})
    parts.update(replace or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for part, data in parts.items():
            zf.writestr(part, data)
    return out.getvalue()


def _xlsx_case(name: str, payload: Callable[[], bytes], *expect: str, big: bool = False) -> Hostile:
    return _bytes_case(name, payload, *expect, kind="xlsx", big=big)


def _cut_member(member: str, keep: float) -> Callable[[], bytes]:
    def payload() -> bytes:
        good = build_xlsx()
        with zipfile.ZipFile(io.BytesIO(good)) as zf:
            data = zf.read(member)
        return build_xlsx(replace={member: data[: int(len(data) * keep)]})

    return payload


def _lying_zip() -> bytes:
    """A zip whose directory says the Grades sheet is 2 kB, while it inflates to 40 MB."""
    good = build_xlsx()
    big = b"<row>" + b" " * 40_000_000 + b"</row>"
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info.filename, big if info.filename.endswith("sheet2.xml") else src.read(info))
    data = bytearray(out.getvalue())
    # rewrite the uncompressed size in the local header and in the central directory
    name = b"xl/worksheets/sheet2.xml"
    import struct

    size = struct.pack("<I", len(big))
    small = struct.pack("<I", 2_000)
    for at in _find_all(data, name):
        window = data[max(0, at - 46) : at]
        pos = window.rfind(size)
        if pos >= 0:
            start = max(0, at - 46) + pos
            data[start : start + 4] = small
    return bytes(data)


def _find_all(data: bytearray, needle: bytes) -> list[int]:
    found, at = [], data.find(needle)
    while at >= 0:
        found.append(at)
        at = data.find(needle, at + 1)
    return found


def _xlsx_cases() -> list[Hostile]:
    bx = build_xlsx
    grade_cell = "E2"  # Grades: row 2 is the first commitment, column E the grade
    date_cell = "B9"  # About: the 'date' line of the example
    about_rows, _ = _rows_of_sheets()
    date_row = next(i for i, row in enumerate(about_rows, start=1) if row[0] == "date")
    year_row = next(i for i, row in enumerate(about_rows, start=1) if row[0] == "year")
    date_cell, year_cell = f"B{date_row}", f"B{year_row}"

    def cell(name: str, sheet: str, ref: str, rest: str, *expect: str, shared: list[str] | None = None) -> Hostile:
        """A workbook whose cell ``ref`` of the ``sheet`` ("about" or "grades") is ``<c r="REF"`` + ``rest``."""
        more = {} if shared is None else {"shared": shared}
        return _xlsx_case(name, lambda: bx(**{sheet: {ref: f'<c r="{ref}"{rest}'}}, **more), *expect)

    out = [
        # the sheet XML itself
        _xlsx_case(
            "sheet-xml-garbage.xlsx", lambda: bx(replace={"xl/worksheets/sheet2.xml": b"<<<not xml>>>"}), "Grades"
        ),
        _xlsx_case("sheet-xml-cut-half.xlsx", _cut_member("xl/worksheets/sheet2.xml", 0.5), "Grades", "damaged"),
        _xlsx_case("sheet-xml-cut-end.xlsx", _cut_member("xl/worksheets/sheet2.xml", 0.97), "Grades", "damaged"),
        _xlsx_case("about-xml-cut.xlsx", _cut_member("xl/worksheets/sheet1.xml", 0.6), "About"),
        _xlsx_case("sheet-xml-empty.xlsx", lambda: bx(replace={"xl/worksheets/sheet2.xml": b""}), "Grades"),
        _xlsx_case(
            "sheet-xml-wrong-root.xlsx",
            lambda: bx(replace={"xl/worksheets/sheet2.xml": b"<html><body/></html>"}),
            "Grades",
        ),
        _xlsx_case(
            "sheet-xml-entity-bomb.xlsx", lambda: bx(replace={"xl/worksheets/sheet2.xml": _entity_bomb()}), "Grades"
        ),
        cell(
            "sheet-xml-nul.xlsx",
            "grades",
            grade_cell,
            ' t="inlineStr"><is><t>3&#0;</t></is></c>',
            "sheet 'Grades'",
            "damaged",
        ),
        _xlsx_case(
            "sheet-xml-deep.xlsx",
            lambda: bx(grades_extra_rows="<row>" + "<x>" * 100_000 + "</x>" * 100_000 + "</row>"),
            "sheet2.xml",
            "elements",
            big=True,
        ),
        _xlsx_case(
            "workbook-xml-garbage.xlsx",
            lambda: bx(replace={"xl/workbook.xml": b"garbage"}),
            "xl/workbook.xml",
            "damaged",
        ),
        _xlsx_case(
            "workbook-no-sheets.xlsx",
            lambda: bx(replace={"xl/workbook.xml": f'<workbook xmlns="{_NS}"><sheets/></workbook>'.encode()}),
            "sheet",
        ),
        _xlsx_case(
            "styles-garbage.xlsx", lambda: bx(replace={"xl/styles.xml": b"<styleSheet"}), "xl/styles.xml", "damaged"
        ),
        _xlsx_case("content-types-missing.xlsx", _without("[Content_Types].xml"), "Excel workbook"),
        _xlsx_case("sheet-part-missing.xlsx", _without("xl/worksheets/sheet2.xml"), ""),
        # cell references
        _xlsx_case(
            "cell-ref-letters-only.xlsx",
            lambda: bx(grades={grade_cell: '<c r="ZZZZ" t="n"><v>3</v></c>'}),
            "ZZZZ",
            "cell reference",
        ),
        _xlsx_case("cell-ref-row-0.xlsx", lambda: bx(grades={grade_cell: '<c r="E0" t="n"><v>3</v></c>'}), "E0"),
        _xlsx_case("cell-ref-reversed.xlsx", lambda: bx(grades={grade_cell: '<c r="2E" t="n"><v>3</v></c>'}), "2E"),
        _xlsx_case(
            "cell-ref-empty.xlsx", lambda: bx(grades={grade_cell: '<c r="" t="n"><v>3</v></c>'}), "cell reference"
        ),
        _xlsx_case("cell-ref-negative.xlsx", lambda: bx(grades={grade_cell: '<c r="E-2" t="n"><v>3</v></c>'}), "E-2"),
        _xlsx_case(
            "cell-ref-beyond-xfd.xlsx", lambda: bx(grades={grade_cell: '<c r="ZZZ2" t="n"><v>3</v></c>'}), "ZZZ2"
        ),
        _xlsx_case(
            "cell-ref-huge-row.xlsx",
            lambda: bx(grades={"E99999999": '<c r="E99999999" t="n"><v>3</v></c>'}),
            "E99999999",
        ),
        _xlsx_case("cell-ref-space.xlsx", lambda: bx(grades={grade_cell: '<c r="E 2" t="n"><v>3</v></c>'}), "E 2"),
        _xlsx_case(
            "sheet-xml-many-tags.xlsx",
            lambda: bx(grades_extra_rows="<x/>" * 1_000_000),
            "sheet2.xml",
            "elements",
            big=True,
        ),
        _xlsx_case(
            "styles-many-tags.xlsx",
            lambda: bx(
                replace={
                    "xl/styles.xml": _STYLES.replace("</styleSheet>", "<x/>" * 1_000_000 + "</styleSheet>").encode()
                }
            ),
            "styles.xml",
            "elements",
            big=True,
        ),
        _xlsx_case("shared-20001.xlsx", lambda: bx(shared=[f"t{i}" for i in range(20_001)]), "20,001 texts", big=True),
        _xlsx_case(
            "many-rows-within-limits.xlsx",
            lambda: bx(
                grades_extra_rows="".join(
                    f'<row r="{r}"><c r="B{r}" t="inlineStr"><is><t>alternatives</t></is></c></row>'
                    for r in range(20, 3_000)
                )
            ),
            "outside",
        ),
        _xlsx_case(
            "row-number-words.xlsx", lambda: bx(grades_extra_rows='<row r="abc"><c t="n"><v>3</v></c></row>'), "Grades"
        ),
        # non-dates and non-numbers
        cell(
            "date-cell-words.xlsx",
            "about",
            date_cell,
            ' s="1"><v>yesterday</v></c>',
            date_cell,
            "date",
        ),
        cell(
            "date-cell-iso-words.xlsx",
            "about",
            date_cell,
            ' t="d"><v>not-a-date</v></c>',
            date_cell,
            "date",
        ),
        cell(
            "date-cell-out-of-range.xlsx",
            "about",
            date_cell,
            ' s="1"><v>1e300</v></c>',
            date_cell,
            "date",
        ),
        cell(
            "date-cell-negative.xlsx",
            "about",
            date_cell,
            ' s="1"><v>-99999999</v></c>',
            date_cell,
        ),
        cell("date-cell-nan.xlsx", "about", date_cell, ' s="1"><v>nan</v></c>', date_cell),
        cell(
            "number-cell-words.xlsx",
            "grades",
            grade_cell,
            ' t="n"><v>three</v></c>',
            grade_cell,
            "number",
        ),
        cell(
            "number-cell-comma.xlsx",
            "grades",
            grade_cell,
            "><v>3,5</v></c>",
            grade_cell,
            "number",
        ),
        cell(
            "number-cell-5000-digits.xlsx",
            "grades",
            grade_cell,
            f"><v>{'9' * 5_000}</v></c>",
            grade_cell,
        ),
        cell("number-cell-1e400.xlsx", "grades", grade_cell, "><v>1e400</v></c>", "grade"),
        cell("year-cell-words.xlsx", "about", year_cell, "><v>twenty</v></c>", year_cell),
        cell(
            "year-cell-5000-digits.xlsx",
            "about",
            year_cell,
            f"><v>{'2' * 5_000}</v></c>",
            year_cell,
        ),
        cell("year-cell-fraction.xlsx", "about", year_cell, "><v>2024.5</v></c>", "year"),
        cell(
            "bool-cell-maybe.xlsx",
            "grades",
            grade_cell,
            ' t="b"><v>maybe</v></c>',
            grade_cell,
        ),
        cell("bool-grade.xlsx", "grades", grade_cell, ' t="b"><v>1</v></c>', "grade"),
        cell(
            "error-cell.xlsx",
            "grades",
            grade_cell,
            ' t="e"><v>#DIV/0!</v></c>',
            grade_cell,
            "#DIV/0!",
        ),
        _accepted(
            cell(
                "inline-string-without-text.xlsx",
                "grades",
                grade_cell,
                ' t="inlineStr"/>',
            )
        ),
        _accepted(
            cell(
                "unknown-cell-type.xlsx",
                "grades",
                grade_cell,
                ' t="zz"><v>3</v></c>',
            )
        ),
        # shared texts
        cell(
            "shared-index-out-of-range.xlsx",
            "grades",
            grade_cell,
            ' t="s"><v>99999</v></c>',
            grade_cell,
            "shared text",
            shared=["a", "b"],
        ),
        cell(
            "shared-index-negative.xlsx",
            "grades",
            grade_cell,
            ' t="s"><v>-1</v></c>',
            grade_cell,
            "shared text",
            shared=["a", "b"],
        ),
        cell(
            "shared-index-words.xlsx",
            "grades",
            grade_cell,
            ' t="s"><v>one</v></c>',
            grade_cell,
            "shared text",
            shared=["a"],
        ),
        cell(
            "shared-index-huge.xlsx", "grades", grade_cell, f' t="s"><v>{"9" * 5_000}</v></c>', grade_cell, shared=["a"]
        ),
        cell(
            "shared-part-missing.xlsx",
            "grades",
            grade_cell,
            ' t="s"><v>0</v></c>',
            grade_cell,
            "shared text",
        ),
        _xlsx_case(
            "shared-xml-garbage.xlsx",
            lambda: bx(shared=[], replace={"xl/sharedStrings.xml": b"<sst><si>"}),
            "sharedStrings.xml",
            "damaged",
        ),
        _xlsx_case(
            "shared-entity-bomb.xlsx", lambda: bx(shared=[], replace={"xl/sharedStrings.xml": _entity_bomb(b"sst")}), ""
        ),
        _xlsx_case(
            "shared-many.xlsx",
            lambda: bx(
                shared=[f"t{i}" for i in range(300_000)],
                grades={grade_cell: f'<c r="{grade_cell}" t="s"><v>299999</v></c>'},
            ),
            "sharedStrings.xml",
            "elements",
            big=True,
        ),
        # dimensions and where cells are
        _xlsx_case(
            "dimension-whole-sheet.xlsx",
            lambda: bx(
                dimension="A1:XFD1048576",
                grades_dimension="A1:XFD1048576",
                grades={grade_cell: f'<c r="{grade_cell}"><v>9</v></c>'},
            ),
            "grade",
            big=True,
        ),
        _accepted(
            _xlsx_case(
                "dimension-whole-sheet-valid.xlsx",
                lambda: bx(dimension="A1:XFD1048576", grades_dimension="A1:XFD1048576"),
                big=True,
            )
        ),
        _accepted(
            _xlsx_case(
                "dimension-whole-sheet-corner-cell.xlsx",
                lambda: bx(
                    dimension="A1:XFD1048576",
                    grades_dimension="A1:XFD1048576",
                    grades={"XFD1048576": '<c r="XFD1048576"/>'},
                ),
                big=True,
            )
        ),
        _xlsx_case("dimension-garbage.xlsx", lambda: bx(grades_dimension="nonsense:!!"), ""),
        _xlsx_case(
            "cell-at-xfd1048576.xlsx",
            lambda: bx(grades={"XFD1048576": '<c r="XFD1048576"><v>1</v></c>'}),
            "XFD1048576",
            "outside",
            big=True,
        ),
        _xlsx_case(
            "cell-far-right.xlsx",
            lambda: bx(grades={"AAA2": '<c r="AAA2" t="inlineStr"><is><t>lost?</t></is></c>'}),
            "AAA2",
            "outside",
        ),
        _xlsx_case(
            "cell-far-down.xlsx",
            lambda: bx(about={"A5000": '<c r="A5000" t="inlineStr"><is><t>country</t></is></c>'}),
            "A5000",
            "outside",
        ),
        _xlsx_case(
            "many-empty-cells-in-a-row.xlsx",
            lambda: bx(
                grades_extra_rows='<row r="900">'
                + "".join(f'<c r="{_col(i)}900"/>' for i in range(1, 16_385))
                + "</row>",
                grades={grade_cell: f'<c r="{grade_cell}"><v>9</v></c>'},
            ),
            "grade",
            big=True,
        ),
        _xlsx_case(
            "many-rows.xlsx",
            lambda: bx(
                grades_extra_rows="".join(
                    f'<row r="{r}"><c r="B{r}" t="inlineStr"><is><t>alternatives</t></is></c></row>'
                    for r in range(20, 60_000)
                )
            ),
            "sheet2.xml",
            "elements",
            big=True,
        ),
        # formulas
        cell(
            "formula-grade.xlsx",
            "grades",
            grade_cell,
            "><f>1+2</f><v>3</v></c>",
            "row 2",
            "grade",
        ),
        _accepted(
            _xlsx_case(
                "formula-evidence.xlsx",
                lambda: bx(
                    grades={"G2": '<c r="G2" t="str"><f>HYPERLINK("http://evil.example","click")</f><v>click</v></c>'}
                ),
            )
        ),
        _xlsx_case(
            "formula-data-table.xlsx",
            lambda: bx(
                grades={
                    grade_cell: f'<c r="{grade_cell}"><f t="dataTable" ref="{grade_cell}" dt2D="0" dtr="0" r1="A1"/><v>3</v></c>'
                }
            ),
            grade_cell,
            "data table",
        ),
        _xlsx_case(
            "formula-array.xlsx",
            lambda: bx(
                grades={grade_cell: f'<c r="{grade_cell}"><f t="array" ref="{grade_cell}">SUM(A1:A2)</f><v>3</v></c>'}
            ),
            "row 2",
            "grade",
        ),
        _xlsx_case(
            "formula-dde.xlsx",
            lambda: bx(about={"B3": '<c r="B3" t="str"><f>cmd|\' /C calc\'!A0</f><v>XVR</v></c>'}),
            "country",
        ),
        # the zip
        _xlsx_case(
            "zip-bomb-declared.xlsx", lambda: bx(extra={"xl/media/padding.bin": b"\0" * 60_000_000}), "MB", big=True
        ),
        _xlsx_case("zip-bomb-lying-sizes.xlsx", _lying_zip, "", big=True),
        _xlsx_case(
            "zip-many-members.xlsx", lambda: bx(extra={f"xl/junk/{i}.xml": b"" for i in range(20_000)}), "", big=True
        ),
        _xlsx_case("zip-empty.xlsx", _empty_zip, "Excel workbook"),
        _xlsx_case("zip-cut-30.xlsx", lambda: bx()[: len(bx()) * 3 // 10], "damaged"),
        _xlsx_case("zip-cut-90.xlsx", lambda: bx()[: len(bx()) * 9 // 10], "damaged"),
        _xlsx_case("zip-header-only.xlsx", lambda: b"PK\x03\x04", "damaged"),
        _xlsx_case("zip-not-a-workbook.xlsx", lambda: _zip_of({"hello.txt": b"hi"}), "Excel workbook"),
        _xlsx_case("old-excel.xlsx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2_000, ".xls"),
        _xlsx_case("empty.xlsx", lambda: b"", "empty"),
        _xlsx_case("json-named-xlsx.xlsx", lambda: load_example("veridia-2024").to_json().encode(), "Grades table"),
        # the kit's own sheet, broken in its content
        _xlsx_case(
            "no-about-sheet.xlsx",
            lambda: bx(
                replace={
                    "xl/workbook.xml": f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets><sheet name="Notes" sheetId="1" r:id="rId1"/><sheet name="Grades" sheetId="2" r:id="rId2"/></sheets></workbook>'.encode()
                }
            ),
            "About",
        ),
        _xlsx_case(
            "header-twice-evidence.xlsx",
            lambda: bx(grades={"ZZ1": '<c r="R1" t="inlineStr"><is><t>evidence</t></is></c>'}),
            "'evidence'",
            "twice",
        ),
        _xlsx_case(
            "header-twice-grade.xlsx",
            lambda: bx(grades={"ZZ1": '<c r="R1" t="inlineStr"><is><t>grade</t></is></c>'}),
            "'grade'",
            "twice",
        ),
        _xlsx_case(
            "version-5000-digits.xlsx",
            lambda: bx(about={"B1": f'<c r="B1" t="inlineStr"><is><t>version {"9" * 5_000}</t></is></c>'}),
            "version",
        ),
        cell(
            "grade-list-text.xlsx",
            "grades",
            grade_cell,
            ' t="inlineStr"><is><t>[1]</t></is></c>',
            grade_cell.replace("E", "row "),
            "grade",
        ),
        cell(
            "grade-control-text.xlsx",
            "grades",
            grade_cell,
            ' t="inlineStr"><is><t>\x1b3</t></is></c>',
            "sheet 'Grades'",
            "damaged",
        ),
        _xlsx_case(
            "country-twice.xlsx",
            lambda: bx(
                about={
                    "A900": '<c r="A900" t="inlineStr"><is><t>country</t></is></c><c r="B900" t="inlineStr"><is><t>COL</t></is></c>'
                }
            ),
            "twice",
        ),
    ]
    return out


def _entity_bomb(root: bytes = b"worksheet") -> bytes:
    lol = b'<!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
    for i in range(1, 10):
        prev = b"&lol;" if i == 1 else b"&lol%d;" % (i - 1)
        lol += b'<!ENTITY lol%d "%s">' % (i, prev * 10)
    return b'<?xml version="1.0"?>' + lol + b"]><" + root + b' xmlns="' + _NS.encode() + b'">&lol9;</' + root + b">"


def _without(member: str) -> Callable[[], bytes]:
    def payload() -> bytes:
        with zipfile.ZipFile(io.BytesIO(build_xlsx())) as zf:
            return _zip_of({i.filename: zf.read(i) for i in zf.infolist() if i.filename != member})

    return payload


def _zip_of(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for part, data in parts.items():
            zf.writestr(part, data)
    return out.getvalue()


def _empty_zip() -> bytes:
    return _zip_of({})


# --------------------------------------------------------------------------- not files at all


def _path_cases() -> list[Hostile]:
    def folder(p: Path) -> None:
        (p / "a-folder.json").mkdir()
        (p / "a-folder.json" / "inside.json").write_bytes(b"{}")

    def fifo(p: Path) -> None:
        os.mkfifo(p / "a-pipe.json")

    def fifo_xlsx(p: Path) -> None:
        os.mkfifo(p / "a-pipe.xlsx")

    def device(p: Path) -> None:
        (p / "zeros.json").symlink_to("/dev/zero")

    def loop(p: Path) -> None:
        (p / "loop.json").symlink_to(p / "loop.json")

    def missing(p: Path) -> None:
        pass

    return [
        Hostile("a-folder.json", folder, ("folder",), "path"),
        Hostile("a-pipe.json", fifo, ("pipe",), "path"),
        Hostile("a-pipe.xlsx", fifo_xlsx, ("pipe",), "path"),
        Hostile("zeros.json", device, ("device",), "path"),
        Hostile("loop.json", loop, ("symbolic links",), "path"),
        Hostile("missing.json", missing, ("no file",), "path"),
    ]


def cases() -> list[Hostile]:
    """Every hostile case, in a stable order; names are unique and are the files' names."""
    out = _json_cases() + _csv_cases() + _xlsx_cases() + _path_cases()
    names = [c.name for c in out]
    assert len(names) == len(set(names)), "two hostile cases share a name"
    return out


def family(case: Hostile) -> tuple[str, str]:
    """The kind of hostility a case stands for: its format and the first word of its name.

    Names are built that way: ``top-year-list.json`` (a wrong value at a top-level field),
    ``entry-grade-object.json``, ``truncated-at-30.csv``, ``zip-bomb-declared.xlsx`` ...
    """
    return case.kind, case.name.split(".")[0].split("-")[0]


def sample(every: list[Hostile] | None = None) -> list[Hostile]:
    """The cases the slow doors read: the first of each :func:`family`, and every case that is
    large (its memory is measured per door), accepted (each door's output is read back) or not a
    regular file (each door opens paths its own way).  Deterministic: corpus order, no randomness.

    Every command reads a file through the same function (``idpckit.cli.assess.read_any``), which
    ``validate`` drives over the whole corpus; the sample proves each slower door keeps that
    function's refusal in words, within time and memory, and writes nothing.
    """
    seen: set[tuple[str, str]] = set()
    out = []
    for case in every if every is not None else cases():
        if case.big or case.accepted or case.kind == "path" or family(case) not in seen:
            out.append(case)
        seen.add(family(case))
    return out


def write(case: Hostile, folder: Path) -> Path:
    """Write ``case`` into ``folder`` (once) and return its path."""
    path = folder / case.name
    if not (path.exists() or path.is_symlink()):
        case.make(folder)
    return path


__all__ = ["Hostile", "build_xlsx", "cases", "family", "sample", "template_bytes", "write"]

"""An assessment as a grading sheet a person fills in: CSV or XLSX, blank or filled, and read back.

The layout (CSV and XLSX alike) has an *About* block of ``field, value`` lines
(country, year, organisations, ...) and a *Grades* table with one row per Table 1
commitment.  ``idpckit template`` writes it blank, ``idpckit export`` filled in,
``idpckit import`` reads either back; what is read is checked as a record by
:func:`.records.validate_record`, so a sheet and a JSON file meet the same rules.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would
run as a formula in Excel or LibreOffice, so exports pass every text cell through
:func:`idpckit.text.neutralise_formula` and imports through
:func:`idpckit.text.restore_formula` (round trips are exact).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import i18n, scales
from ..assessment import MAX_TEXT, SCHEMA_VERSION, SOURCE_KINDS, Assessment
from ..errors import show
from ..i18n import N_, _, ngettext
from ..text import neutralise_formula, restore_formula
from .records import MAX_BYTES, AssessmentError, decode_text, read_limited, too_large, validate_record

#: An XLSX file is a zip; refuse one that would expand beyond this (a "zip bomb").
MAX_UNZIPPED = 20_000_000

#: First cell of every grading sheet; identifies the file and its layout version.
SHEET_MARK = "idpckit grading sheet"
SHEET_VERSION = 1
#: Sources get this many column groups in a blank template (an export adds more if needed).
TEMPLATE_SOURCES = 3
#: The most source column groups a sheet may have (the model allows 50 sources per entry).
MAX_SOURCES_IN_SHEET = 50
#: A workbook with more shared texts than this is refused before openpyxl reads them (each costs
#: it tens of microseconds: 300,000 of them, a 2 MB file, would hold a command for 20 seconds).
#: A filled grading sheet has a few hundred.
MAX_SHARED_TEXTS = 20_000
#: Each XML part of a workbook may hold at most this many tags (a filled sheet holds a few thousand).
MAX_XML_TAGS = 200_000
#: A sheet's XML with more ``<row>`` elements than this is refused (a grading sheet has ~20).
MAX_ROW_ELEMENTS = 5 * 1_000
#: A grading sheet uses at most this many rows and columns (13 commitments; 8 columns and
#: three per source).  Cells are read only within these bounds, whatever the sheet's declared
#: ``<dimension>`` says: openpyxl would otherwise pad every row of a sheet that claims
#: ``A1:XFD1048576`` to 16,384 cells, a million times.  A cell with content outside is refused.
MAX_SHEET_ROWS = 1_000
MAX_SHEET_COLUMNS = 8 + 3 * MAX_SOURCES_IN_SHEET


# --------------------------------------------------------------------------- writing sheets


@dataclass(frozen=True)
class _Column:
    key: str
    header: str
    width: int
    help: str


def _grade_columns(n_sources: int) -> list[_Column]:
    """The Grades table's columns; headers are the keys the importer reads, so they stay in English."""
    cols = [
        _Column("number", "number", 8, N_("Table 1 row number (do not change)")),
        _Column("commitment_id", "commitment_id", 20, N_("the commitment's id (do not change)")),
        _Column("commitment", "commitment", 45, N_("the commitment as Table 1 words it (for reading only)")),
        _Column("tracked", "tracked", 9, N_("yes if you assess this commitment, no to leave it out")),
        _Column("grade", "grade", 12, N_("your grade, or 'not assessed'")),
        _Column("confidence", "confidence", 12, N_("how sure you are: low, medium or high")),
        _Column("evidence", "evidence", 60, N_("what you found: data, testimonies, facts")),
        _Column("recommendation", "recommendation", 60, N_("what the government should do better")),
    ]
    for n in range(1, n_sources + 1):
        cols += [
            _Column(f"source {n} title", f"source {n} title", 30, N_("title of a source")),
            _Column(f"source {n} link", f"source {n} link", 30, N_("web address or citation")),
            _Column(f"source {n} kind", f"source {n} kind", 14, N_("data, testimony, report, law or policy, other")),
        ]
    return cols


def _about_rows(a: Assessment | None, scale: str) -> list[list[Any]]:
    """The About block: one ``field, value, help`` line per field (organisations repeat).

    Field names and values are what the importer reads (English); the help is in the language in use.
    """
    orgs: list[str] = list(a.organisations) if a else []
    org_rows = [["organisation", org, ""] for org in orgs] or [["organisation", "", ""] for _n in range(3)]
    org_rows[0][2] = _("one organisation per line; add lines for a coalition")
    return [
        [SHEET_MARK, f"version {SHEET_VERSION}", _("keep this line: it tells idpckit what the file is")],
        ["field", "value", _("what to write")],
        ["country", a.country if a else "", _("ISO 3166 code (e.g. COL, KEN, PHL) or the country's English name")],
        ["year", a.year if a else "", _("the year the review is for, e.g. 2024")],
        *org_rows,
        ["assessor", a.assessor if a else "", _("who filled this in (optional)")],
        ["date", a.date if a else "", _("date of the review, YYYY-MM-DD")],
        ["scale", a.scale if a else scale, _("five-point or traffic-light (to change it, make a new template)")],
        ["room", a.room if a else "", _("workshop room code, if your trainer gave you one (optional)")],
        ["fictional", ("yes" if a.fictional else "no") if a else "no", _("yes only for made-up examples")],
    ]


def _grade_rows(a: Assessment | None, cols: Sequence[_Column]) -> list[list[Any]]:
    """One row per commitment: tracked ones in the assessment's order, then the others (titles in the language in use)."""
    from ..localise import load

    content = load()
    by_id = {c.id: c for c in content.commitments}
    rows: list[list[Any]] = []
    tracked = list(a.entries) if a else []
    tracked_ids = {e.commitment_id for e in tracked}
    for entry in tracked:
        c = by_id.get(entry.commitment_id)
        values: dict[str, Any] = {
            "number": c.number if c else "",
            "commitment_id": entry.commitment_id,
            "commitment": c.title if c else "",
            "tracked": "yes",
            "grade": "not assessed" if entry.grade is None else entry.grade,
            "confidence": entry.confidence or "",
            "evidence": entry.evidence,
            "recommendation": entry.recommendation,
        }
        for n, source in enumerate(entry.sources, start=1):
            values[f"source {n} title"] = source.title
            values[f"source {n} link"] = source.link
            values[f"source {n} kind"] = source.kind
        rows.append([values.get(col.key, "") for col in cols])
    for c in content.commitments:
        if c.id in tracked_ids:
            continue
        values = {"number": c.number, "commitment_id": c.id, "commitment": c.title, "tracked": "no" if a else ""}
        rows.append([values.get(col.key, "") for col in cols])
    return rows


def _n_sources(a: Assessment | None) -> int:
    most = max((len(e.sources) for e in a.entries), default=0) if a else 0
    return max(TEMPLATE_SOURCES, most)


def _csv_bytes(a: Assessment | None, scale: str) -> bytes:
    cols = _grade_columns(_n_sources(a))
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in _about_rows(a, scale):
        writer.writerow([neutralise_formula(_cell_text(v)) for v in row])
    writer.writerow([])
    writer.writerow(["Grades", _("one row per Table 1 commitment; see the column help in the XLSX template")])
    writer.writerow([c.header for c in cols])
    for row in _grade_rows(a, cols):
        writer.writerow([neutralise_formula(_cell_text(v)) for v in row])
    # A byte-order mark makes Excel read the file as UTF-8 (accents, Cyrillic); the kit accepts it.
    return out.getvalue().encode("utf-8-sig")


def _cell_text(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_csv_bytes(a: Assessment) -> bytes:
    """The assessment as a CSV grading sheet: an About block, then one row per commitment."""
    return _csv_bytes(a, a.scale)


def to_xlsx_bytes(a: Assessment) -> bytes:
    """The assessment as an XLSX workbook (Instructions, About, Grades), editable and re-importable."""
    return _xlsx_bytes(a, a.scale)


def template_bytes(fmt: str, scale: str = "five-point", lang: str | None = None) -> bytes:
    """A blank grading sheet listing all 13 commitments, for offline or paper work.

    :param fmt: ``"xlsx"`` (with drop-down lists and an instructions sheet) or ``"csv"``.
    :param scale: ``"five-point"`` or ``"traffic-light"``; sets the grade drop-downs.
    :param lang: the language of everything written for people (instructions, help, the
        commitments' titles; default: the language in use). Sheet names, column headers,
        field names and drop-down values stay in English: they are what ``idpckit import``
        reads, so a sheet filled in any language reads back.
    """
    if scale not in scales.SCALES:
        raise ValueError(f"unknown scale '{scale}'; use 'five-point' or 'traffic-light'")
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown format '{fmt}'; use 'xlsx' or 'csv'")
    with i18n.language(lang or i18n.current()):
        return _csv_bytes(None, scale) if fmt == "csv" else _xlsx_bytes(None, scale)


def _grade_choices(scale: str) -> list[str]:
    return [str(g) for g in scales.levels(scale)] + ["not assessed"]


#: The Instructions sheet's paragraphs, in our own words, following the note's advice ("" = blank line).
_STEPS = (
    N_(
        "This sheet is for grading your own government on the 13 commitments of Table 1 in IDPC's advocacy "
        "note on the 2019 CND Ministerial Segment (September 2019). Work alone or with other NGOs of your country."
    ),
    "",
    N_("1. On the 'About' sheet, fill in the country, the year of the review and your organisation(s)."),
    N_(
        "2. On the 'Grades' sheet, pick the commitments you track. You do not have to grade all 13: choose the "
        "ones your organisation knows well. Put 'yes' in 'tracked' for them, 'no' for the others."
    ),
    N_("3. For each tracked commitment, choose a grade from the drop-down list, or 'not assessed'."),
    N_(
        "4. Write the evidence behind the grade (data, testimonies from the ground, laws, reports), and list your "
        "sources with their kind."
    ),
    N_("5. Say what the government should do better, as concrete recommendations."),
    N_(
        "6. Save the file (keep the .xlsx format) and run:  idpckit import THIS-FILE.xlsx -o assessment.json  "
        "or upload it in the self-assessment app."
    ),
    N_(
        "The sheet names, the column headers and the values of the drop-down lists stay in English, so that "
        "idpckit can read the sheet back; write the evidence and recommendations in any language."
    ),
)
_TIPS = (
    N_("• Grade what happens in practice, not only what the law says."),
    N_(
        "• Review the grades every year before the CND's autumn intersessional meetings, and keep the old "
        "sheets: comparing years shows what improved and what got worse."
    ),
    N_("• Text is kept exactly as you type it. Do not start a cell with '=': it would become a formula."),
    N_("• Do not rename the sheets or the column headers; you may add rows for more organisations on 'About'."),
)
#: Characters per line of the Instructions sheet (its column is 110 wide).
_LINE = 105


def _wrapped(text: str) -> list[list[str]]:
    import textwrap

    if not text:
        return [[""]]
    indent = "   " if text[:2].rstrip(".").isdigit() or text.startswith("•") else ""
    return [[line] for line in textwrap.wrap(text, _LINE, subsequent_indent=indent)]


def _instructions(scale: str, fictional: bool) -> list[list[str]]:
    """The Instructions sheet, in the language in use."""
    lines = [[_("How to fill in this grading sheet")], [""]]
    for step in _STEPS:
        lines += _wrapped(_(step) if step else "")
    lines += [[""], [_("Grades on the {scale} scale:").format(scale=scale)]]
    for value, lvl in scales.levels(scale).items():
        lines.append([f"   {value}  {lvl.symbol}  {_(lvl.label)}"])
    lines.append(["   not assessed  –  " + _("tracked, but not graded yet")])
    kinds = ", ".join(SOURCE_KINDS)
    lines += [
        [""],
        [_("Source kinds: {kinds}.   Confidence: low, medium or high.").format(kinds=kinds)],
        [""],
        [_("Tips")],
    ]
    for tip in _TIPS:
        lines += _wrapped(_(tip))
    lines += [[""], [_("The columns of the 'Grades' sheet")]]
    for col in _grade_columns(1):
        lines.append([f"   {col.header.replace(' 1 ', ' N '):<16}  {_(col.help)}"])
    lines.append(["   " + _("(add sources in the next 'source N' columns; the template has three)")])
    if fictional:
        lines.insert(0, [_("FICTIONAL EXAMPLE: this assessment is about a made-up country, for practice only.")])
    return lines


def _xlsx_bytes(a: Assessment | None, scale: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDDDDD")
    wrap = Alignment(wrap_text=True, vertical="top")

    wb = Workbook()
    info = wb.active
    info.title = "Instructions"
    for row in _instructions(scale, bool(a and a.fictional)):
        info.append(row)
    info["A1"].font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = 110

    about = wb.create_sheet("About")
    about_rows = _about_rows(a, scale)
    for row in about_rows:
        about.append([_xlsx_value(v) for v in row])
    for cell in about[2]:
        cell.font = bold
        cell.fill = header_fill
    about["A1"].font = bold
    for col, width in zip("ABC", (16, 45, 70), strict=True):
        about.column_dimensions[col].width = width
    for r, row in enumerate(about_rows, start=1):
        if row[0] == "date":
            about.cell(r, 2).number_format = "yyyy-mm-dd"
        if row[0] == "year":
            about.cell(r, 2).number_format = "0"
    _validation(about, DataValidation, ["five-point", "traffic-light"], _rows_of(about_rows, "scale"), "B")
    _validation(about, DataValidation, ["yes", "no"], _rows_of(about_rows, "fictional"), "B")

    grades = wb.create_sheet("Grades")
    cols = _grade_columns(_n_sources(a))
    grades.append([c.header for c in cols])
    rows = _grade_rows(a, cols)
    for row in rows:
        grades.append([_xlsx_value(v) for v in row])
    for i, col in enumerate(cols, start=1):
        letter = get_column_letter(i)
        grades.column_dimensions[letter].width = col.width
        head = grades.cell(1, i)
        head.font, head.fill = bold, header_fill
        head.comment = Comment(_(col.help), "idpckit")  # shown when the pointer rests on the header
        if col.key in ("commitment", "evidence", "recommendation") or col.key.endswith("title"):
            for r in range(2, len(rows) + 2):
                grades.cell(r, i).alignment = wrap
    grades.freeze_panes = "D2"
    last = len(rows) + 1
    letters = {c.key: get_column_letter(i) for i, c in enumerate(cols, start=1)}
    span = range(2, last + 1)
    _validation(grades, DataValidation, ["yes", "no"], span, letters["tracked"])
    _validation(grades, DataValidation, _grade_choices(scale), span, letters["grade"])
    _validation(grades, DataValidation, ["low", "medium", "high"], span, letters["confidence"])
    for key, letter in letters.items():
        if key.endswith(" kind"):
            _validation(grades, DataValidation, list(SOURCE_KINDS), span, letter)

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rows_of(rows: list[list[Any]], key: str) -> range:
    r = next(i for i, row in enumerate(rows, start=1) if row[0] == key)
    return range(r, r + 1)


def _validation(sheet: Any, cls: Any, choices: list[str], rows: range, letter: str) -> None:
    """A drop-down list on ``letter{rows}`` that refuses values not in ``choices``."""
    dv = cls(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Not one of the choices"),
        error=_("Pick a value from the list: {choices}").format(choices=", ".join(choices)),
        showInputMessage=False,
    )
    sheet.add_data_validation(dv)
    dv.add(f"{letter}{rows.start}:{letter}{rows.stop - 1}")


def _xlsx_value(value: Any) -> Any:
    """A cell value for openpyxl: text escaped, and free of characters XML cannot hold."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return neutralise_formula(ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
    return value


# --------------------------------------------------------------------------- reading sheets


def from_table(
    source: str | os.PathLike[str] | bytes, name: str | None = None, *, known_ids: Iterable[str] | None = None
) -> Assessment:
    """Read a filled grading sheet (CSV or XLSX, detected from its content) back into an assessment.

    :param source: a path, or the file's bytes (an upload).
    :param name: the display name for messages (default: the file name, or "sheet").
    :raises AssessmentError: naming the sheet, row and column of the first problem.
    """
    if isinstance(source, bytes | bytearray):
        data, name = bytes(source), name or "sheet"
        if len(data) > MAX_BYTES:
            raise AssessmentError(name, "", too_large(len(data)))
    else:
        path = Path(source)
        name = name or path.name
        data = read_limited(path)
    if data.startswith(b"PK"):  # a zip: PK\x03\x04, or PK\x05\x06 for an empty one
        table = _read_xlsx(data, name)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise AssessmentError(
            name, "", _("this is an old-style Excel file (.xls); save it as 'Excel Workbook (.xlsx)' or 'CSV UTF-8'")
        )
    else:
        table = _read_csv(data, name)
    return _table_to_assessment(table, name, known_ids)


@dataclass
class _Table:
    """A read sheet: the About lines and the Grades rows, with where each came from."""

    about: list[tuple[str, list[Any]]]  # (location, cells)
    header: list[Any]
    header_where: str
    rows: list[tuple[str, list[Any]]]
    kind: str  # "csv" | "xlsx"


def _sheet_row(sheet: str, row: int) -> str:
    """Where a row of a workbook is, in words (the sheets keep their English names, as the template makes them)."""
    return _("sheet '{sheet}', row {row}").format(sheet=sheet, row=row)


def _sheet(title: str) -> str:
    """A sheet of a workbook, in words (its English name, as the template makes it)."""
    return _("sheet '{sheet}'").format(sheet=title)


def _cell(sheet: str, ref: str) -> str:
    """A cell of a sheet (``sheet`` already in words, :func:`_sheet`), in words."""
    return _("{sheet}, cell {cell}").format(sheet=sheet, cell=ref)


def _outside() -> str:
    """The problem of content beyond the grading sheet's bounds (rows or columns)."""
    return _("has content outside the grading sheet (at most {rows} rows and {columns} columns); delete it").format(
        rows=MAX_SHEET_ROWS, columns=MAX_SHEET_COLUMNS
    )


def _read_csv(data: bytes, name: str) -> _Table:
    text = decode_text(data, name)
    if not text.strip():
        raise AssessmentError(name, "", _("the file is empty"))
    first = text.split("\n", 1)[0]
    delimiter = ","
    if first.startswith(SHEET_MARK) and len(first) > len(SHEET_MARK) and first[len(SHEET_MARK)] in ",;\t":
        delimiter = first[len(SHEET_MARK)]  # Excel in many locales saves CSV with ';'
    elif first.startswith(f'"{SHEET_MARK}"') and len(first) > len(SHEET_MARK) + 2:
        delimiter = first[len(SHEET_MARK) + 2]
    elif first.count(";") > first.count(","):
        delimiter = ";"
    lines: list[list[Any]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            _check_bounds(
                row, number, name, lambda c, n=number: _("row {row}, column {column}").format(row=n, column=c)
            )
            lines.append(row if number <= MAX_SHEET_ROWS else [])
    except csv.Error as exc:
        where = _("row {row}").format(row=len(lines) + 1)
        if "field larger" in str(exc):
            raise AssessmentError(
                name,
                where,
                _(
                    "a cell holds more than {size} characters, far more than the {limit} a text of a review "
                    "may have; is it the right file?"
                ).format(size=i18n.number(csv.field_size_limit()), limit=i18n.number(MAX_TEXT)),
            ) from None
        raise AssessmentError(
            name, where, _("this is not a readable CSV file ({problem})").format(problem=exc)
        ) from None
    while lines and not any(cell.strip() for cell in lines[-1]):
        lines.pop()  # blank lines at the end, as spreadsheet programs add them
    # rows, as a spreadsheet program numbers them
    return _split(lines, name, "csv", lambda i: _("row {row}").format(row=i))


def _check_bounds(row: Sequence[Any], number: int, name: str, where: Callable[[int], str]) -> None:
    """Refuse content outside :data:`MAX_SHEET_ROWS` x :data:`MAX_SHEET_COLUMNS` (empty cells do not count)."""
    if len(row) <= MAX_SHEET_COLUMNS and number <= MAX_SHEET_ROWS:
        return
    start = 0 if number > MAX_SHEET_ROWS else MAX_SHEET_COLUMNS
    filled = next((i for i in range(start, len(row)) if str(row[i]).strip()), None)
    if filled is not None:
        raise AssessmentError(
            name,
            where(filled + 1),
            _outside(),
        )
    del row[MAX_SHEET_COLUMNS:]


def _read_xlsx(data: bytes, name: str) -> _Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNZIPPED:
                raise AssessmentError(
                    name,
                    "",
                    _("the workbook expands to more than {limit} MB; it cannot be a grading sheet").format(
                        limit=MAX_UNZIPPED // 1_000_000
                    ),
                )
            _check_parts(zf, name)
    except AssessmentError:
        raise
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, zlib.error):
        raise AssessmentError(
            name, "", _("the file looks like a zip or Excel file but is damaged or cut short")
        ) from None
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # openpyxl warns about features it drops (data validation extensions, default styles):
        # none of them holds a grade, and a warning on the screen would only worry people.
        warnings.simplefilter("ignore")
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds of error for non-xlsx zips
            part = _damaged_part(data)
            if part:
                raise AssessmentError(
                    name,
                    part,
                    _(
                        "the XML inside the workbook is damaged and cannot be read; open the file in Excel or "
                        "LibreOffice and save it again"
                    ),
                ) from None
            raise AssessmentError(
                name,
                "",
                _("this is not an Excel workbook (.xlsx) that can be read ({problem})").format(
                    problem=type(exc).__name__
                ),
            ) from None
        try:
            missing = [s for s in ("About", "Grades") if s not in wb.sheetnames]
            if missing:
                raise AssessmentError(
                    name,
                    _("sheet '{sheet}'").format(sheet=missing[0]),
                    _(
                        "the workbook has no sheet called '{sheet}'; start from a template made with "
                        "`idpckit template --format xlsx` and do not rename its sheets"
                    ).format(sheet=missing[0]),
                )
            about = _sheet_rows(wb, "About", name)
            grades = _sheet_rows(wb, "Grades", name)
        finally:
            wb.close()
    table = _split(about, name, "xlsx", lambda i: _sheet_row("About", i), header_needed=False)
    start = next((i for i, row in enumerate(grades) if _is_header(row)), None)
    if start is None:
        raise AssessmentError(
            name, _sheet_row("Grades", 1), _("the header row (number, commitment_id, ..., grade, ...) is missing")
        )
    table.header = grades[start]
    table.header_where = _sheet_row("Grades", start + 1)
    table.rows = [(_sheet_row("Grades", i), row) for i, row in enumerate(grades[start + 1 :], start=start + 2)]
    return table


class _BadCell(ValueError):
    """A cell the sheet's XML gets wrong (its reference, its type or its value), and how."""

    def __init__(self, ref: str, problem: str) -> None:
        self.ref, self.problem = ref, problem
        super().__init__(problem)


_CELL_REF = re.compile(r"\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6})")
_CELL_KINDS = {
    "n": N_("a number"),
    "d": N_("a date"),
    "b": N_("TRUE or FALSE (1 or 0)"),
    "s": N_("a text"),
    "e": N_("an error code"),
}
_ANY_KIND = N_("a value")


def _cell_parser(base: type) -> type:
    """openpyxl's worksheet parser, with every cell's failure turned into a :class:`_BadCell`."""

    class CellParser(base):  # type: ignore[misc, valid-type]
        def parse_cell(self, element: Any) -> dict[str, Any]:
            ref = element.get("r")
            if ref is not None and not _CELL_REF.fullmatch(ref):
                raise _BadCell(show(ref), _("{ref} is not a cell reference (like B7)").format(ref=show(ref)))
            kind = element.get("t", "n")
            raw = element.findtext("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}v")
            where = ref or "a cell"
            if kind == "s" and raw is not None:
                index = int(raw) if raw.strip().isdigit() and len(raw) < 12 else -1
                if not 0 <= index < len(self.shared_strings):
                    raise _BadCell(
                        where,
                        ngettext(
                            "refers to shared text number {number}, but the workbook holds {count} shared text: "
                            "the file is damaged; save it again in Excel or LibreOffice",
                            "refers to shared text number {number}, but the workbook holds {count} shared texts: "
                            "the file is damaged; save it again in Excel or LibreOffice",
                            len(self.shared_strings),
                        ).format(number=show(raw), count=len(self.shared_strings)),
                    )
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error")  # a date out of range is only a warning in openpyxl
                    return super().parse_cell(element)
            except (ValueError, TypeError, OverflowError, KeyError, IndexError, UserWarning):
                dated = kind == "n" and int(element.get("s", 0) or 0) in self.date_formats
                expected = _(_CELL_KINDS["d"] if dated else _CELL_KINDS.get(kind, _ANY_KIND))
                raise _BadCell(
                    where,
                    _("is marked as holding {kind} but holds {value}; type the value again").format(
                        kind=expected, value=show(raw)
                    ),
                ) from None

    return CellParser


def _damaged_part(data: bytes) -> str:
    """Where a workbook openpyxl could not open is damaged: "sheet 'Grades'", a part's name, or ""."""
    import xml.etree.ElementTree as ET

    def parses(raw: bytes) -> bool:
        try:
            ET.fromstring(raw)
        except Exception:  # ParseError, or expat refusing an entity bomb
            return False
        return True

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = {i.filename: i for i in zf.infolist()}
            titles: dict[str, str] = {}  # worksheet part -> sheet title, when workbook.xml says so
            try:
                book = ET.fromstring(zf.read("xl/workbook.xml"))
                rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
                targets = {r.get("Id"): r.get("Target", "") for r in rels}
                for sheet in book.iter():
                    rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
                    if sheet.tag.endswith("}sheet") and rid in targets:
                        titles["xl/" + targets[rid].lstrip("/").removeprefix("xl/")] = sheet.get("name", "")
            except (KeyError, ET.ParseError):
                pass
            for part in sorted(members, key=lambda p: (p not in titles, p)):
                if part.endswith((".xml", ".rels")) and not parses(zf.read(part)):
                    return _sheet(titles[part]) if part in titles else _("part {part}").format(part=part)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, ValueError):
        return ""
    return ""


_SHARED_ITEM = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")


def _check_parts(zf: zipfile.ZipFile, name: str) -> None:
    """Refuse a workbook whose XML would cost openpyxl seconds to parse, counted in its raw bytes first.

    Parsing costs ~10 microseconds per XML element, so a 20 MB part of ``<x/>`` would take a
    minute: each part may have :data:`MAX_XML_TAGS` tags, and the shared texts
    :data:`MAX_SHARED_TEXTS` items.
    """
    for info in zf.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        raw = zf.read(info)
        if raw.count(b"<") > MAX_XML_TAGS:
            raise AssessmentError(
                name,
                _("part {part}").format(part=info.filename),
                _(
                    "the workbook's XML has more than {limit} elements here, far more than a grading sheet "
                    "could need; is it the right file?"
                ).format(limit=i18n.number(MAX_XML_TAGS)),
            )
        if info.filename.lower().endswith("sharedstrings.xml"):
            count = sum(1 for _ in _SHARED_ITEM.finditer(raw))
            if count > MAX_SHARED_TEXTS:
                raise AssessmentError(
                    name,
                    "",
                    _(
                        "the workbook holds {count} texts, more than the {limit} a grading sheet could need; "
                        "is it the right file?"
                    ).format(count=i18n.number(count), limit=i18n.number(MAX_SHARED_TEXTS)),
                )


def _sheet_rows(wb: Any, title: str, name: str) -> list[list[Any]]:
    """The cells of one sheet, within :data:`MAX_SHEET_ROWS` x :data:`MAX_SHEET_COLUMNS`, as lists.

    Reads the sheet's XML with openpyxl's own parser (dates, shared texts, styles), but
    places the cells itself, so memory is bounded by the cells that exist.  A formula is
    read as its text (``=1+2``), never computed, as a CSV would have it; an error value
    (``#DIV/0!``) is refused.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.worksheet._reader import WorkSheetParser

    sheet = _sheet(title)
    ws = wb[title]
    if not isinstance(ws, ReadOnlyWorksheet):
        raise AssessmentError(name, sheet, _("is a chart, not a sheet of cells; start from `idpckit template`"))
    rows: list[list[Any]] = []
    last = 0
    try:
        with ws._get_source() as source:  # openpyxl's read-only API: the sheet's XML, streamed
            parser = _cell_parser(WorkSheetParser)(
                source,
                ws._shared_strings,
                data_only=False,
                epoch=wb.epoch,
                date_formats=wb._date_formats,
                timedelta_formats=wb._timedelta_formats,
            )
            for count, parsed in enumerate(parser.parse(), start=1):
                last, cells = parsed  # the row number, kept for the message if a later row is damaged
                if count > MAX_ROW_ELEMENTS:
                    raise AssessmentError(
                        name,
                        sheet,
                        _(
                            "the sheet has more than {limit} rows; a grading sheet has one per commitment: "
                            "delete the rows below the table"
                        ).format(limit=i18n.number(MAX_ROW_ELEMENTS)),
                    )
                for cell in cells:
                    value, r, c = cell["value"], cell["row"], cell["column"]
                    if value is None or value == "":
                        continue
                    ref = (
                        f"{get_column_letter(c)}{r}"
                        if c <= 18_278
                        else _("row {row}, column {column}").format(row=r, column=c)
                    )
                    if r > MAX_SHEET_ROWS or c > MAX_SHEET_COLUMNS:
                        raise AssessmentError(
                            name,
                            _cell(sheet, ref),
                            _outside(),
                        )
                    if cell["data_type"] == "f" and not isinstance(value, str):
                        value = getattr(value, "text", None)  # an array formula: its text, like any other
                        if not isinstance(value, str):
                            raise AssessmentError(
                                name,
                                _cell(sheet, ref),
                                _(
                                    "holds a data table formula; idpckit reads what is typed, not what a formula "
                                    "computes: type the value itself"
                                ),
                            )
                    if cell["data_type"] == "e":
                        raise AssessmentError(
                            name,
                            _cell(sheet, ref),
                            _("shows the error {value}; type the value itself").format(value=show(value)),
                        )
                    while len(rows) < r:
                        rows.append([])
                    row = rows[r - 1]
                    row.extend([None] * (c - len(row)))
                    row[c - 1] = value
    except AssessmentError:
        raise
    except _BadCell as exc:
        raise AssessmentError(name, _cell(sheet, exc.ref), exc.problem) from None
    except Exception as exc:  # damaged XML or zip member: openpyxl and expat raise many kinds
        words = (
            _(
                "the sheet's content is damaged after row {row} ({problem}) and cannot be read; "
                "open the file in Excel or LibreOffice and save it again"
            )
            if last
            else _(
                "the sheet's content is damaged ({problem}) and cannot be read; "
                "open the file in Excel or LibreOffice and save it again"
            )
        )
        raise AssessmentError(name, sheet, words.format(row=last, problem=type(exc).__name__)) from None
    return rows


def _norm_cells(row: Sequence[Any]) -> list[str]:
    return [str(c).strip().lower() if c is not None else "" for c in row]


def _split(
    lines: list[list[Any]], name: str, kind: str, loc: Callable[[int], str], header_needed: bool = True
) -> _Table:
    """Cut a sheet into its About lines and its Grades table (at the commitment_id header)."""
    start = next((i for i, row in enumerate(lines) if _is_header(row)), None)
    if start is None and header_needed:
        raise AssessmentError(
            name,
            "",
            _(
                "no Grades table was found (a header row with number, commitment_id, ..., grade); "
                "start from a sheet made with `idpckit template`"
            ),
        )
    about_end = start if start is not None else len(lines)
    about = [(loc(i), row) for i, row in enumerate(lines[:about_end], start=1)]
    if start is None:
        return _Table(about, [], "", [], kind)
    rows = [(loc(i), row) for i, row in enumerate(lines[start + 1 :], start=start + 2)]
    return _Table(about, lines[start], loc(start + 1), rows, kind)


_ABOUT_KEYS = ("country", "year", "organisation", "assessor", "date", "scale", "room", "fictional")


def _is_header(row: Sequence[Any]) -> bool:
    """The Grades header has a 'commitment_id' column; an About line never is one, whatever its value
    (an assessor may be called "commitment_id")."""
    cells = _norm_cells(row)
    return "commitment_id" in cells and cells[0] not in (*_ABOUT_KEYS, "field", SHEET_MARK)


def _text(value: Any) -> str:
    """A cell as text: None is empty, numbers lose a spurious '.0', escapes are undone."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(restore_formula(value))


def _table_to_assessment(table: _Table, name: str, known_ids: Iterable[str] | None) -> Assessment:
    record: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "organisations": [], "entries": []}
    places: dict[tuple[Any, ...], str] = {}  # record location -> sheet location, for messages
    source_cols: dict[tuple[int, int], int] = {}  # (entry, source) -> the n of its 'source n ...' columns
    marked = False
    for where, row in table.about:
        cells = [_text(c) for c in row] + ["", ""]
        key = cells[0].strip().lower()
        if not key or key in ("field", "grades"):
            continue
        if key == SHEET_MARK:
            marked = True
            version = re.fullmatch(r"version\s*(\d+)", cells[1].strip().lower())
            digits = version.group(1).lstrip("0") if version else ""
            if len(digits) > 6 or (digits and int(digits) > SHEET_VERSION):
                raise AssessmentError(
                    name,
                    where,
                    _(
                        "the sheet is in format version {version}, newer than this idpckit can read ({newest}); "
                        "update idpckit"
                    ).format(version=show(version.group(1), 20), newest=SHEET_VERSION),
                )
            continue
        if key not in _ABOUT_KEYS:
            raise AssessmentError(
                name,
                where,
                _("'{field}' is not a field of the About block; use {fields}").format(
                    field=cells[0], fields=", ".join(_ABOUT_KEYS)
                ),
            )
        value = cells[1]
        raw = row[1] if len(row) > 1 else None
        if key == "organisation":
            if value.strip():
                places[("organisations", len(record["organisations"]))] = where
                record["organisations"].append(value)
            continue
        if (key,) in places:
            raise AssessmentError(
                name,
                where,
                _("the field '{field}' is given twice (also at {other}); keep one of them").format(
                    field=key, other=places[(key,)]
                ),
            )
        places[(key,)] = where
        if key == "year":
            record["year"] = _to_int(value) if value.strip() else None
        elif key == "date":
            if value.strip():
                record["date"] = raw.date() if isinstance(raw, dt.datetime) else value.strip()
        elif key == "fictional":
            record["fictional"] = _yes_no(value, name, where)
        elif key in ("country", "scale"):
            record[key] = value.strip()
            if key == "scale" and not value.strip():
                record[key] = "five-point"
        else:
            record[key] = value
    if not marked and not table.header:
        raise AssessmentError(name, "", _("this is not an idpckit grading sheet; make one with `idpckit template`"))

    columns = _norm_cells(table.header)
    known_cols = {c.key for c in _grade_columns(MAX_SOURCES_IN_SHEET)}
    for i, col in enumerate(columns):
        if col and col not in known_cols:
            raise AssessmentError(
                name,
                _("{where}, column {column}").format(where=table.header_where, column=i + 1),
                _(
                    "'{header}' is not a column idpckit knows, so its content would be lost; "
                    "remove or rename it (see the template's headers)"
                ).format(header=table.header[i]),
            )
    if "commitment_id" not in columns:
        raise AssessmentError(name, table.header_where, _("the column 'commitment_id' is missing"))
    index: dict[str, int] = {}
    for i, col in enumerate(columns):
        if col in index:
            raise AssessmentError(
                name,
                _("{where}, column {column}").format(where=table.header_where, column=i + 1),
                _(
                    "the column '{column}' appears twice (columns {first} and {second}), so one of them "
                    "would be lost; keep one and move its content there"
                ).format(column=col, first=index[col] + 1, second=i + 1),
            )
        if col:
            index[col] = i
    from ..data import load

    by_number = {str(c.number): c.id for c in load().commitments}
    scale = record.get("scale", "five-point")
    for where, row in table.rows:
        cells = {col: (row[i] if i < len(row) else None) for col, i in index.items()}
        text = {col: _text(v) for col, v in cells.items()}
        if not any(v.strip() for v in text.values()):
            continue  # a blank line
        cid = text.get("commitment_id", "").strip() or by_number.get(text.get("number", "").strip(), "")
        tracked = text.get("tracked", "").strip().lower()
        written = [c for c in text if c not in ("number", "commitment_id", "commitment", "tracked", "grade")]
        graded = text.get("grade", "").strip().lower() not in ("", "not assessed")
        has_content = graded or any(text[c].strip() for c in written)
        if tracked not in ("", "yes", "no", "y", "n"):
            raise AssessmentError(
                name,
                _("{where}, column '{column}'").format(where=where, column="tracked"),
                _("'{value}' must be yes or no").format(value=text["tracked"]),
            )
        if not (tracked in ("yes", "y") or has_content):
            continue
        i = len(record["entries"])
        places[("entries", i)] = f"{where} ('{cid}')" if cid else where
        entry: dict[str, Any] = {"commitment_id": cid}
        entry["grade"] = _read_grade(cells.get("grade"), text.get("grade", ""), scale)
        if text.get("confidence", "").strip():
            entry["confidence"] = text["confidence"].strip().lower()
        entry["evidence"] = text.get("evidence", "")
        entry["recommendation"] = text.get("recommendation", "")
        sources = []
        for n in range(1, MAX_SOURCES_IN_SHEET + 1):
            if f"source {n} title" not in text and f"source {n} link" not in text:
                continue
            title, link = text.get(f"source {n} title", ""), text.get(f"source {n} link", "")
            kind = text.get(f"source {n} kind", "").strip().lower()
            if not (title.strip() or link.strip()):
                continue
            source_cols[(i, len(sources))] = n
            sources.append({"title": title, "link": link, "kind": kind or "other"})
        entry["sources"] = sources
        record["entries"].append(entry)

    about_label = _("sheet '{sheet}'").format(sheet="About") if table.kind == "xlsx" else _("the About lines")

    def column(base: str, name: str) -> str:
        return _("{where}, column '{column}'").format(where=base, column=name)

    def where(loc: tuple[Any, ...]) -> str:
        if not loc:
            return ""
        if loc[0] == "entries" and len(loc) >= 2 and ("entries", loc[1]) in places:
            base = places[("entries", loc[1])]
            if len(loc) >= 4 and loc[2] == "sources" and (loc[1], loc[3]) in source_cols:
                field = loc[4] if len(loc) > 4 else "title"
                return column(base, f"source {source_cols[(loc[1], loc[3])]} {field}")
            return column(base, str(loc[2])) if len(loc) >= 3 else base
        if len(loc) >= 2 and loc[:2] in places:  # an organisation line
            return places[loc[:2]]
        if loc[:1] in places:
            return f"{places[loc[:1]]} ('{loc[0]}')"
        if loc[0] in (*_ABOUT_KEYS, "organisations"):
            return f"{about_label}, " + _("field '{field}'").format(field=loc[0])
        return _("field '{field}'").format(field=".".join(str(p) for p in loc))

    return validate_record(record, name, known_ids=known_ids, where=where)


def _to_int(text: str) -> Any:
    if len(text.strip()) > 20:  # not a year; int() of thousands of digits is refused by Python itself
        return text.strip()
    try:
        return int(text.strip())
    except ValueError:
        try:
            number = float(text.strip())
        except ValueError:
            return text.strip()
        return int(number) if number.is_integer() else number


def _yes_no(text: str, name: str, where: str) -> bool:
    value = text.strip().lower()
    if value in ("yes", "y", "true", "1"):
        return True
    if value in ("", "no", "n", "false", "0"):
        return False
    raise AssessmentError(name, where, _("'{value}' must be yes or no").format(value=text))


def _read_grade(raw: Any, text: str, scale: str) -> Any:
    """A grade cell as the model wants it; tolerant of '3', 3.0, 'Red', '✖ red', '3 - needs...'."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        return int(raw) if float(raw).is_integer() else raw
    value = text.strip()
    if not value or value.lower() in ("not assessed", "-", "–", "n/a", "na"):
        return None
    folded = value.casefold()
    if scale == "traffic-light":
        for light in scales.TRAFFIC_LIGHT:
            if folded == light or re.fullmatch(rf"\W*{light}\b.*", folded):
                return light
        return value
    match = re.fullmatch(r"\s*([0-9]{1,9})(?:\.0+)?(?:\s*[-–:.,]?\s*\D.*)?", value, re.DOTALL)
    if match:
        return int(match.group(1))
    return value

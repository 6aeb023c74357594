"""The files a review is downloaded as: one bundle, the same in the app and wherever else it is offered.

Five files, each for a reader: the report as a web page and as a PDF (to print
or send), the JSON record (to upload again next year and compare), and the
grading sheet as CSV and XLSX (to work on offline).  Each format is made
separately, so a problem with one (say, the PDF) still leaves the others.

Views layer: it calls :mod:`idpckit.report` and :mod:`idpckit.assessment_io`,
never widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .assessment import Assessment
    from .data import Content

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class File:
    """One downloadable file: its bytes, the name to save it as, its type, and a label for a link."""

    data: bytes
    filename: str
    mime: str
    label: str


def file_stem(assessment: Assessment) -> str:
    """A file name that says what the file is, e.g. "review-COL-2025"."""
    return f"review-{assessment.country}-{assessment.year}"


def pdf_file(assessment: Assessment, content: Content | None = None) -> File:
    """The report as a PDF: the slowest file by far (seconds of layout), so it can be made on its own."""
    from . import report
    from .i18n import _

    pdf = report.pdf_report(assessment, content)
    return File(pdf, f"{file_stem(assessment)}.pdf", "application/pdf", _("Report (PDF)"))


def review_files(
    assessment: Assessment, content: Content | None = None, *, pdf: bool = True, scorecard_src: str | None = None
) -> tuple[list[File], list[str]]:
    """The five files of a review (four with ``pdf=False``), and what could not be made ("label: error"), in order.

    ``scorecard_src``: the scorecard already drawn for the page (see :func:`idpckit.report.html_report`).
    """
    from . import assessment_io, report
    from .i18n import _

    stem = file_stem(assessment)
    makers: list[tuple[str, str, str, Callable[[], bytes]]] = [
        (
            _("Report (web page, HTML)"),
            f"{stem}.html",
            "text/html",
            lambda: report.html_report(assessment, content, scorecard_src=scorecard_src).encode(),
        ),
    ]
    if pdf:
        makers.append((_("Report (PDF)"), f"{stem}.pdf", "application/pdf", lambda: pdf_file(assessment, content).data))
    makers += [
        (
            _("Data (JSON, to upload next year)"),
            f"{stem}.json",
            "application/json",
            lambda: assessment.to_json().encode(),
        ),
        (_("Table (CSV)"), f"{stem}.csv", "text/csv", lambda: assessment_io.to_csv_bytes(assessment)),
        (_("Table (Excel, XLSX)"), f"{stem}.xlsx", XLSX, lambda: assessment_io.to_xlsx_bytes(assessment)),
    ]
    files: list[File] = []
    failed: list[str] = []
    for label, filename, mime, make in makers:
        try:
            files.append(File(make(), filename, mime, label))
        except Exception as exc:  # one broken format must not cost the others
            failed.append(f"{label}: {type(exc).__name__}: {exc}")
    return files, failed

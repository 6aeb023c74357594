"""Making text safe for where it goes: HTML, Markdown, spreadsheets, and files that cannot hold controls.

The kit keeps what people type exactly as typed (see :func:`idpckit.assessment.clean_text`)
and makes it safe at the moment it is shown or written, with the rules below.  Each rule
lives here once so that a page, a report, a CSV export and a grading sheet agree on it:

* :func:`esc` for HTML text and attribute values;
* :func:`md` for Markdown sheets (no raw HTML, links or emphasis slip through);
* :func:`neutralise_formula` / :func:`restore_formula` for CSV and XLSX cells, so a name
  starting with ``=`` is shown by a spreadsheet, not run, and a sheet the kit wrote reads
  back exactly;
* :func:`strip_control` for characters no one types on purpose, which XML (XLSX), PDF
  and UTF-8 cannot all hold.

Only the standard library is imported: every layer may use this module.
"""

from __future__ import annotations

import html
import re
from typing import TypeVar

T = TypeVar("T")

#: A cell starting with one of these is a formula (or the start of one) to a spreadsheet
#: program: Excel, LibreOffice and Google Sheets all run ``=``, ``+``, ``-`` and ``@``, and
#: a leading tab or carriage return hides one of them from a naive check.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: C0 controls other than tab, newline and carriage return, DEL, lone surrogates (a JSON
#: "\\ud800" escape) and the non-characters U+FFFE/U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

#: Characters Markdown reads as markup (emphasis, code, links, tables, headings, images).
_MARKDOWN = re.compile(r"([\\`*_\[\]#|!])")


def esc(text: object) -> str:
    """HTML-escape anything a user or a data file wrote; quotes too, so it is safe in attributes."""
    return html.escape(str(text), quote=True)


def md(text: object) -> str:
    """Text made inert in Markdown: one line, no HTML, links, emphasis, tables or headings.

    Whitespace runs (line breaks included) become one space, because a line break in
    a Markdown list item or table cell would end it.
    """
    flat = " ".join(str(text).split())
    return _MARKDOWN.sub(r"\\\1", html.escape(flat, quote=False))


def neutralise_formula(value: T) -> T | str:
    """A text cell a spreadsheet would run as a formula, with a single quote put in front.

    Text that already starts with a quote gets one more, so that
    :func:`restore_formula` undoes exactly what was added and round trips are exact.
    A lone "-" (the kit's mark for "nothing here") is text to every spreadsheet and
    stays as it is; so does anything that is not text (numbers, dates, ``None``).
    """
    if isinstance(value, str) and value and value != "-" and (value.startswith(FORMULA_START) or value[0] == "'"):
        return "'" + value
    return value


def restore_formula(value: T) -> T | str:
    """Undo :func:`neutralise_formula`: drop the one quote it added, and nothing else."""
    if isinstance(value, str) and value != "'-" and value[:1] == "'" and value[1:2] in ("'", *FORMULA_START):
        return value[1:]
    return value


def strip_control(text: str) -> str:
    """``text`` without control characters, lone surrogates and non-characters; tabs and line ends stay."""
    return _CONTROL.sub("", text)

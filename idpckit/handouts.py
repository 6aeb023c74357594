"""Printable handouts for a workshop with no projector network, no laptops or no internet.

``idpckit handouts -o DIR`` writes one PDF per activity, each built from ``data/``
(never retyped): a correction made once in a content file shows up on paper at the
next build, exactly as it does in the lessons.  The handouts are:

* ``table1.pdf``: Table 1 with its references and what the abbreviations mean;
* ``grading-sheet.pdf``: a blank grading sheet for both scales, one commitment per
  page, with the rubric's anchors for grades 1, 3 and 5 beside the boxes to tick;
* ``calendar.pdf``: Box 1 (the CND's 2019-2024 work plan) and the later plan up to
  2028 as a year-by-month calendar, with the meetings in words;
* ``venues.pdf``: the advocacy venues (Vienna, Geneva, New York, at home) with the
  concrete actions as a checklist;
* ``role-cards.pdf`` and ``roleplay-rules.pdf``: the "Vienna consensus" role-play
  (``data/roleplay.yaml``, see :mod:`idpckit.roleplay`), when the file is there;
* ``dossier.pdf``: the Veridia evidence dossier (``data/dossier.yaml``), without grades,
  with boxes for a first grade and a grade after discussion;
* ``calibration-vignettes.pdf`` (no grades) and ``calibration-answers.pdf`` (for the
  trainer) from ``data/calibration.yaml``.

Layout rules, because paper is read in bad light and photocopied: black on white
with grey rules only (every mark is a shape or a word, never a colour), DejaVu Sans
(Latin, Greek and Cyrillic, so Spanish, French and Russian content prints), and a
heading never ends a page without the first lines of what it introduces.

Example::

    >>> from idpckit import handouts
    >>> paths = handouts.build("out/", paper="letter")  # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__, data, i18n, scales, table1
from .files import write_atomic
from .i18n import N_, _
from .report import _clean, font_paths

#: Paper sizes offered, as fpdf2 names them, with their size in points (for tests and messages).
PAPERS: dict[str, tuple[str, tuple[float, float]]] = {
    "a4": ("A4", (595.28, 841.89)),
    "letter": ("Letter", (612.0, 792.0)),
}

FONT = "DejaVu"
INK = (0, 0, 0)
GREY = (90, 90, 90)
RULE = (150, 150, 150)
FILL = (235, 235, 235)  # light grey: photocopies keep it, and black text stays readable on it

#: A source line printed under every handout built from the note.
NOTE_SOURCE = (
    "Facts from IDPC's advocacy note 'The 2019 Ministerial Segment: Key wins, remaining challenges, and next "
    "steps for advocacy' (September 2019) and the UN documents it cites; later facts name their own source."
)


class HandoutError(ValueError):
    """A handout cannot be built (bad paper size, unwritable folder); the message says why."""


@dataclass(frozen=True)
class Handout:
    """One printable file: its name, title, who it is for, and how it is made."""

    name: str  # file name without .pdf
    title: str
    audience: str  # "trainees" or "trainer"
    activity: str  # when it is used, for the workshop guide
    make: Callable[[Sheet, data.Content], None]
    needs: str = ""  # a data file it needs besides the core content ("" = none)


# --------------------------------------------------------------------------- the page


def _sheet_class() -> type:
    from fpdf import FPDF

    class _Sheet(FPDF):
        """An A4 or Letter page with a running title, page numbers and the kit's fonts."""

        running_title = ""

        def header(self) -> None:
            self.set_font(FONT, "", 8)
            self.set_text_color(*GREY)
            self.cell(0, 5, _clean(self.running_title), new_x="LMARGIN", new_y="NEXT")
            self.ln(3)
            self.set_text_color(*INK)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT, "", 8)
            self.set_text_color(*GREY)
            page = _("Page {page} of {pages}").format(page=self.page_no(), pages="{nb}")
            self.cell(0, 5, f"{page} · idpckit {__version__}", align="C")
            self.set_text_color(*INK)

    return _Sheet


class Sheet:
    """The PDF being written, with the few layout moves every handout needs.

    Wraps an fpdf2 document rather than subclassing it, so handout code reads as
    headings, paragraphs and lists, and the keep-with-next rule lives in one place.
    """

    def __init__(self, title: str, paper: str = "a4", landscape: bool = False) -> None:
        fmt = paper_format(paper)
        pdf = _sheet_class()(orientation="L" if landscape else "P", unit="mm", format=fmt)
        pdf.running_title = title
        pdf.set_margins(16, 12, 16)
        pdf.set_auto_page_break(True, margin=16)
        for style, path in font_paths().items():
            pdf.add_font(FONT, style, str(path))
        pdf.set_title(_clean(title))
        pdf.set_author("idpckit")
        pdf.set_creator(f"idpckit {__version__}")
        pdf.set_lang(i18n.current())
        pdf.add_page()
        self.pdf = pdf

    # -- text ---------------------------------------------------------------

    def text(self, text: str, size: float = 10, style: str = "", grey: bool = False, indent: float = 0) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, style, size)
        pdf.set_text_color(*(GREY if grey else INK))
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(pdf.epw - indent, size * 0.48, _clean(text), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)

    def title(self, text: str, subtitle: str = "") -> None:
        self.text(text, size=17, style="B")
        if subtitle:
            self.pdf.ln(1)
            self.text(subtitle, size=10, grey=True)
        self.pdf.ln(4)

    def heading(self, text: str, size: float = 13, rule: bool = False) -> None:
        pdf = self.pdf
        pdf.ln(2)
        if rule:
            pdf.set_draw_color(*INK)
            pdf.set_line_width(0.5)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
            pdf.ln(1.5)
        self.text(text, size=size, style="B")
        pdf.ln(1)

    def bullets(self, items: Iterable[str], mark: str = "•", size: float = 10, indent: float = 4) -> None:
        pdf = self.pdf
        for item in items:
            pdf.set_font(FONT, "", size)
            pdf.set_x(pdf.l_margin + indent)
            pdf.cell(5, size * 0.48, mark)
            pdf.multi_cell(pdf.epw - indent - 5, size * 0.48, _clean(item), align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.8)

    def boxes(self, items: Iterable[str], size: float = 10, indent: float = 4) -> None:
        """A checklist: an empty square to tick before each item (drawn, so any font shows it)."""
        pdf = self.pdf
        for item in items:
            pdf.set_font(FONT, "", size)
            height = pdf.multi_cell(pdf.epw - indent - 6, size * 0.48, _clean(item), dry_run=True, output="HEIGHT")
            if pdf.get_y() + height > pdf.page_break_trigger:
                pdf.add_page()  # the box goes with its words
            y = pdf.get_y()
            self._square(pdf.l_margin + indent, y + 0.6, 3.2)
            pdf.set_xy(pdf.l_margin + indent + 6, y)
            pdf.multi_cell(pdf.epw - indent - 6, size * 0.48, _clean(item), align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)

    def lines(self, label: str, count: int = 3, gap: float = 8) -> None:
        """A label and ``count`` ruled lines to write on."""
        pdf = self.pdf
        self.text(label, size=10, style="B")
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.25)
        for _line in range(count):
            pdf.ln(gap)
            if pdf.get_y() > pdf.page_break_trigger:
                pdf.add_page()
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
        pdf.ln(3)

    def _square(self, x: float, y: float, side: float) -> None:
        self.pdf.set_draw_color(*INK)
        self.pdf.set_line_width(0.35)
        self.pdf.rect(x, y, side, side)

    def fill_in(self, labels: Iterable[str], width: float = 60) -> None:
        """Labelled blanks on one line each (country, year, names)."""
        pdf = self.pdf
        for label in labels:
            pdf.set_font(FONT, "B", 10)
            pdf.cell(width, 8, _clean(label), new_x="RIGHT", new_y="TOP")
            y = pdf.get_y() + 6.5
            pdf.set_draw_color(*RULE)
            pdf.set_line_width(0.25)
            pdf.line(pdf.get_x(), y, pdf.l_margin + pdf.epw, y)
            pdf.ln(9)

    # -- keeping things together ----------------------------------------------

    def measure(self, text: str, size: float = 10, style: str = "", indent: float = 0) -> float:
        """The height ``text`` would take as a paragraph (a dry run: nothing is drawn)."""
        pdf = self.pdf
        pdf.set_font(FONT, style, size)
        return pdf.multi_cell(pdf.epw - indent, size * 0.48, _clean(text), dry_run=True, output="HEIGHT")

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` millimetres still fit on this one.

        Called with the height of a heading plus the first lines below it, so a
        heading never sits alone at the foot of a page.  (fpdf2's trial rendering
        would do the same by copying the whole document, which is far slower.)
        """
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()

    def heading_height(self, text: str, size: float = 13, rule: bool = False) -> float:
        return self.measure(text, size=size, style="B") + 3 + (2 if rule else 0)

    def new_page(self) -> None:
        self.pdf.add_page()

    def table(
        self,
        head: list[str],
        rows: Iterable[list[str]],
        widths: list[float],
        size: float = 8.5,
        bold_first: bool = False,
    ) -> None:
        """A ruled table whose heading row repeats on each page; a row never splits across pages."""
        from fpdf.fonts import FontFace

        pdf = self.pdf
        pdf.set_font(FONT, "", size)
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.25)
        with pdf.table(
            col_widths=widths,
            text_align="LEFT",
            v_align="TOP",
            line_height=size * 0.5,
            padding=1.2,
            headings_style=FontFace(emphasis="BOLD", fill_color=FILL),
            repeat_headings=1,
            width=pdf.epw,
        ) as t:
            r = t.row()
            for h in head:
                r.cell(_clean(h))
            for cells in rows:
                r = t.row()
                for i, c in enumerate(cells):
                    r.cell(_clean(c), style=FontFace(emphasis="BOLD") if bold_first and i == 0 else None)
        pdf.ln(2)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def paper_format(paper: str) -> str:
    """fpdf2's name for ``paper`` ("a4" or "letter"), or a plain-words error."""
    try:
        return PAPERS[paper.lower()][0]
    except (KeyError, AttributeError):
        raise HandoutError(
            _("'{paper}' is not a paper size we print on; use a4 or letter.").format(paper=paper)
        ) from None


# --------------------------------------------------------------------------- Table 1


def _table1(s: Sheet, content: data.Content) -> None:
    s.title(
        _("Table 1: tracking progress against global commitments on drug policy"),
        _("Thirteen commitments your government has made, and where each is anchored in three UN documents."),
    )
    rows = [[r["number"], r["commitment"], *(r[d] for d in table1.TABLE1_DOCUMENTS)] for r in table1.rows(content)]
    s.table(
        ["#", _(table1.HEADINGS["commitment"]), *(_(table1.HEADINGS[d]) for d in table1.TABLE1_DOCUMENTS)],
        rows,
        widths=[8, 62, 31, 31, 46],
        bold_first=True,
    )
    s.text(_(table1.LEGEND), size=8.5, grey=True)
    s.pdf.ln(3)

    items = []
    for doc_id in table1.TABLE1_DOCUMENTS:
        d = content.document(doc_id)
        symbol = f" ({d.symbol})" if d.symbol else ""
        adopted = _("Adopted {date} by {by}.").format(date=d.date, by=d.adopted_by)
        items.append(f"{d.short_name}{symbol}: {d.title}. {adopted} {d.url}".strip())
    three = _("The three documents")
    s.need(s.heading_height(three, 11) + s.measure(items[0], 8.5, indent=9))
    s.heading(three, size=11)
    s.bullets(items, size=8.5)
    s.text(
        _(
            "Source: IDPC advocacy note, September 2019, Table 1 (typographical slips corrected; see "
            "data/references.csv)."
        ),
        size=8,
        grey=True,
    )


# --------------------------------------------------------------------------- grading sheet


def _scale_row(s: Sheet, label: str, choices: list[str]) -> None:
    """One line of tick boxes: a label, then an empty square before each choice."""
    pdf = s.pdf
    pdf.set_font(FONT, "B", 10)
    label_w = max(34.0, pdf.get_string_width(label) + 4)
    pdf.cell(label_w, 7, _clean(label), new_x="RIGHT", new_y="TOP")
    pdf.set_font(FONT, "", 9)
    for choice in choices:
        x = pdf.get_x()
        if x + pdf.get_string_width(choice) + 10 > pdf.l_margin + pdf.epw:
            pdf.ln(7)
            pdf.set_x(pdf.l_margin + label_w)
            x = pdf.get_x()
        s._square(x, pdf.get_y() + 1.8, 3.4)
        pdf.set_x(x + 5)
        pdf.cell(pdf.get_string_width(choice) + 5, 7, _clean(choice), new_x="RIGHT", new_y="TOP")
    pdf.ln(8)


def _grading_sheet(s: Sheet, content: data.Content) -> None:
    s.title(
        _("Grading sheet: where does your government stand?"),
        _(
            "One commitment per page. Tick one grade on the scale your group uses, write the evidence behind it, "
            "and one recommendation. The descriptions of grades 1, 3 and 5 come from the kit's rubric."
        ),
    )
    s.fill_in([_("Country"), _("Year of the review"), _("Organisation(s)"), _("Assessor(s)"), _("Date")])
    s.pdf.ln(2)
    s.heading(_("How to grade"), size=11)
    s.bullets(
        [
            _(
                "Five-point scale: 1 = requires urgent attention, 5 = good situation. Use 2 or 4 when the "
                "situation sits between two descriptions."
            ),
            _("Traffic light: red = requires urgent attention, orange = needs improvement, green = good situation."),
            _("Grade what happens in practice, not only what the law says, and write down where each fact comes from."),
            _("Tick 'Not assessed' when you have no evidence yet: that is a finding too, not a grade."),
        ],
        size=9.5,
    )
    not_assessed = _("Not assessed")
    five = [f"{v} {_(lv.label)}" for v, lv in scales.FIVE_POINT.items()] + [not_assessed]
    light = [f"{_(scales.LIGHT_WORDS[str(v)])}: {_(lv.label).lower()}" for v, lv in scales.TRAFFIC_LIGHT.items()] + [
        not_assessed
    ]
    for c in content.commitments:
        rubric = content.rubric_for(c.id)
        s.new_page()
        s.heading(f"{c.number}. {c.title}", size=12)
        s.text(c.summary, size=9, style="I", grey=True)
        s.pdf.ln(2)
        _scale_row(s, _("Grade (1-5):"), five[:5])
        _scale_row(s, "", five[5:])
        _scale_row(s, _("Traffic light:"), light)
        s.pdf.ln(1)
        s.text(_("What the grades look like (rubric anchors)"), size=10, style="B")
        s.pdf.ln(1)
        for grade in ("1", "3", "5"):
            level = scales.FIVE_POINT[int(grade)]
            s.text(f"{grade} ({_(level.label)}): {rubric.levels[grade]}", size=8.5, indent=3)
            s.pdf.ln(1)
        s.pdf.ln(1)
        s.lines(_("Evidence (facts, figures, testimonies) and where each comes from"), count=9, gap=7.5)
        s.lines(_("Recommendation to the government"), count=5, gap=7.5)


# --------------------------------------------------------------------------- calendar

#: Month names as the content files write them (English), and the grid's short forms.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH_ABBR = tuple(m[:3] for m in MONTH_NAMES)
#: The same months as a calendar prints them, in the language in use.
MONTH_WORDS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
#: Three-letter forms for the calendar grid's heading (a translator may choose another short form).
MONTH_SHORT = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May (short)"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)
_MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES, start=1)}


def meeting_months(text: str, year: int) -> set[int]:
    """The months of ``year`` named in a free-text date such as '23-25 October and 4-6 December 2023'."""
    months = set()
    for word in re.findall(r"[A-Za-z]+", text):
        m = _MONTHS.get(word.lower())
        if m:
            months.add(m)
    if re.search(r"\b(19|20)\d\d\b", text) and str(year) not in text:
        return set()
    return months


@dataclass(frozen=True)
class CalendarEntry:
    """One thing that happens in a given year (and month, when known), with a one-letter mark for the grid."""

    year: int
    months: frozenset[int]
    mark: str
    text: str
    later: bool  # after the note (September 2019): printed with its source


def calendar_entries(content: data.Content, english: data.Content | None = None) -> list[CalendarEntry]:
    """Box 1 years and the later plan, as dated entries for the calendar grid.

    Box 1 comes from ``workplan.csv`` (one meeting a year, its month from ``held``);
    the years after it from ``timeline.csv`` (rows from 2024 on, e.g. the 2024-2028
    work plan) and from a later-plan file if the content folder has one.  ``content``
    gives the words (maybe translated); ``english`` (default: ``content``) the months and
    which events are the CND's, read from the English as the content files write them.
    """
    english = english or content
    held = {y.year: y.held for y in english.workplan}
    source_of = {e.id: e for e in english.timeline}
    out = []
    for y in content.workplan:
        months = frozenset(meeting_months(held.get(y.year, y.held), y.year))
        when = " " + _("Held {when}.").format(when=y.held) if y.held else ""
        out.append(CalendarEntry(y.year, months, "T", f"{y.theme}: {y.topics}.{when}", later=y.year > 2019))
    for e in content.timeline:
        year = int(e.date[:4])
        if year < 2024:  # before the mid-term review, Box 1 is the calendar
            continue
        en = source_of.get(e.id, e)
        words = f"{en.title} {en.description}"
        if not re.search(r"\bCND\b|Commission on Narcotic Drugs|work plan|thematic|Declaration", words):
            continue  # a calendar of the CND's work, not every later event (those are in lesson 1's timeline)
        months = frozenset([int(e.date[5:7])]) if len(e.date) >= 7 else frozenset()
        mark = "T" if re.search(r"\bthematic (meeting|discussion)s?\b", en.title, re.IGNORECASE) else "E"
        source = " " + _("Source: {source}").format(source=e.source) if e.source else ""
        out.append(CalendarEntry(year, months, mark, f"{e.title}. {e.description}{source}", later=e.origin == "later"))
    return sorted(out, key=lambda x: (x.year, min(x.months) if x.months else 13))


def _calendar_sheet(s: Sheet, content: data.Content) -> None:
    s.title(
        _("The calendar: Box 1 and what came after"),
        _(
            "The CND's thematic work plan agreed in 2019 (Box 1 of the note), the mid-term review of 2024 and the "
            "work plan that followed it, up to the end of the 2019 Declaration's timeline in 2029."
        ),
    )
    s.heading(_("Box 1: the thematic intersessional meetings, 2019-2024"), size=12)
    rows = []
    for y in content.workplan:
        challenges = ", ".join(str(n) for n in y.stocktaking_challenges) or _("all")
        rows.append([str(y.year), y.theme, y.topics, challenges, y.held or "-"])
    s.table(
        [_("Year"), _("Theme"), _("Topics"), _("Stocktaking challenges"), _("Meeting held")],
        rows,
        widths=[11, 22, 72, 25, 48],
    )
    s.text(
        _(
            "Years and topics from Box 1 of the note; the dates the meetings were held come from IDPC's and "
            "UNODC's meeting pages (data/workplan.csv)."
        ),
        size=8,
        grey=True,
    )
    entries = calendar_entries(content, data.load(content.root))
    years = sorted({e.year for e in entries} | {y.year for y in content.workplan} | set(range(2019, 2030)))
    s.new_page()
    s.heading(_("Year by year, month by month"), size=12)
    s.text(
        _(
            "T = a thematic meeting of a CND work plan (2019-2023, then 2024-2028); E = another CND event or "
            "decision (described below the grid); M = the CND's regular session, held each March. An empty box "
            "is a month with nothing on this calendar."
        ),
        size=9,
    )
    s.pdf.ln(2)
    pdf = s.pdf
    label_w = 14
    cell_w = (pdf.epw - label_w) / 12
    pdf.set_font(FONT, "B", 8)
    pdf.set_fill_color(*FILL)
    pdf.cell(label_w, 6, _clean(_("Year")), border=1, fill=True)
    for m in range(1, 13):
        short = _(MONTH_SHORT[m - 1])
        short = MONTH_ABBR[m - 1] if short == "May (short)" else short
        pdf.cell(cell_w, 6, _clean(short), border=1, align="C", fill=True)
    pdf.ln(6)
    for year in years:
        marks: dict[int, list[str]] = {m: ["M"] if m == 3 else [] for m in range(1, 13)}
        for e in entries:
            if e.year == year:
                for m in e.months:
                    if e.mark not in marks[m]:
                        marks[m].append(e.mark)
        pdf.set_font(FONT, "B", 9)
        pdf.cell(label_w, 7, str(year), border=1)
        pdf.set_font(FONT, "", 9)
        for m in range(1, 13):
            pdf.cell(cell_w, 7, " ".join(marks[m]), border=1, align="C")
        pdf.ln(7)
    pdf.ln(3)
    for year in years:
        items = [e for e in entries if e.year == year]
        if not items:
            continue

        lines = []
        for e in items:
            months = ", ".join(_(MONTH_WORDS[m - 1]) for m in sorted(e.months))
            lines.append(f"{e.mark}  {months + ': ' if months else ''}{e.text}")
        s.need(s.heading_height(str(year), 11) + s.measure(lines[0], 9, indent=5))
        s.heading(str(year), size=11)
        s.bullets(lines, mark="", size=9, indent=0)


# --------------------------------------------------------------------------- venues

CITIES = ("Vienna", "Geneva", "New York", "National")
CITY_HEADINGS = {
    "Vienna": N_("Vienna: the Commission on Narcotic Drugs and the NGO committees"),
    "Geneva": N_("Geneva: the human rights system and the World Health Organization"),
    "New York": N_("New York: the High Level Political Forum and the Sustainable Development Goals"),
    "National": N_("At home: your government, your coalition, your media"),
}


def _venues(s: Sheet, content: data.Content) -> None:
    s.title(
        _("Where to take your advocacy, and what to do there"),
        _(
            "The venues the note recommends, city by city, with concrete actions to tick off as your organisation "
            "plans its year."
        ),
    )
    for city in CITIES:
        venues = [a for a in content.avenues if a.city == city]
        if not venues:
            continue
        for i, a in enumerate(venues):
            first = s.measure(a.actions[0], 9.5, indent=10)
            lead = s.heading_height(a.venue, 11) + s.measure(a.why, 9.5) + 6 + first
            city_heading = _(CITY_HEADINGS[city])
            if i == 0:
                lead += s.heading_height(city_heading, 14, rule=True)
            s.need(lead)
            if i == 0:
                s.heading(city_heading, size=14, rule=True)
            s.heading(a.venue, size=11)
            s.text(a.why, size=9.5)
            s.pdf.ln(1.5)
            s.text(_("Actions"), size=9.5, style="B")
            s.boxes(a.actions[:1], size=9.5)
            s.boxes(a.actions[1:], size=9.5)
            if a.timing:
                s.text(_("When: {timing}").format(timing=a.timing), size=9, style="I")
            for link in a.links:
                s.text(f"{link.title}: {link.url}", size=8, grey=True, indent=4)
            s.pdf.ln(2)


# --------------------------------------------------------------------------- the role-play


def _cards(s: Sheet, game: Any, roleplay: Any) -> None:
    """One role card per page: who you are, what you want, your limits, your instructions on each bracket."""
    for n, r in enumerate(game.roles):
        if n:
            s.new_page()
        s.text(_("{title}: role card").format(title=game.title), size=9, grey=True)
        s.title(r.name)
        if r.kind == "member-states":
            s.text(
                _("You are a group of member states with {votes} of the {total} votes.").format(
                    votes=r.votes, total=game.total_votes()
                ),
                style="B",
            )
        else:
            s.text(_("You advise and persuade: you cannot vote and you cannot block consensus."), style="B")
        s.pdf.ln(2)
        s.text(r.who, size=10)
        s.pdf.ln(2)
        for heading, items in (
            (_("What you want"), r.wants),
            (_("Your limits"), r.limits),
            (_("How to play it"), r.tactics),
        ):
            if items:
                s.need(s.heading_height(heading, 11) + s.measure(items[0], 10, indent=9))
                s.heading(heading, size=11)
                s.bullets(items)
        instructions = _("Your instructions on the paragraph")
        s.need(s.heading_height(instructions, 11) + 20)
        s.heading(instructions, size=11)
        for st in roleplay.stances(game, r.id):
            lines = [_("You want: {option}").format(option=w) for w in st.wants]
            lines += [_("You cannot accept: {option}").format(option=x) for x in st.refuses]
            lines = lines or [_("No instructions: decide in the room.")]
            s.need(s.measure(st.bracket.label, 10, "B") + s.measure(lines[0], 9.5, indent=9) + 2)
            s.text(st.bracket.label, size=10, style="B")
            s.bullets(lines, size=9.5)
        s.text(_("Do not show this card to other groups."), size=8.5, style="I", grey=True)


def _rules(s: Sheet, game: Any) -> None:
    """The paragraph, the setting, the timings and rules; the chair's debrief starts its own page."""
    s.title(game.title, game.summary)
    s.text(game.setting, size=10)
    s.pdf.ln(2)
    s.heading(_("The paragraph: {title}").format(title=game.paragraph.title), size=12)
    s.text(game.paragraph.chapeau + " ...", size=10, style="B")
    for b in game.paragraph.brackets:
        first = f"[{b.options[0].text}]"
        s.need(s.measure(b.label, 10, "B") + s.measure(first, 10, indent=9) + 2)
        s.text(b.label, size=10, style="B")
        s.bullets([f"[{o.text}]" for o in b.options], mark=_("or"), size=10, indent=2)
    s.heading(_("Who holds the votes"), size=12)
    s.table(
        [_("Group"), _("Votes")],
        [[r.name, str(r.votes) if r.votes else _("no vote")] for r in game.roles],
        widths=[140, 38],
        size=9.5,
    )
    timings = _("Timings and rules ({minutes} minutes)").format(minutes=game.minutes)
    s.need(s.heading_height(timings, 12) + 20)
    s.heading(timings, size=12)
    for r in game.rounds:
        items = list(r.rules) + list(r.steps)
        head = _("{title} ({minutes} min)").format(title=r.title, minutes=r.minutes)
        s.need(s.heading_height(head, 11) + (s.measure(items[0], 10, indent=9) if items else 0))
        s.heading(head, size=11)
        s.bullets(items)
    s.new_page()
    s.title(_("For the chair: the debrief"), _("Put the two paragraphs side by side on the board first."))
    for n, q in enumerate(game.debrief, start=1):
        s.need(s.measure(q.question, 10.5, "B") + s.measure(q.notes, 9) + 4)
        s.text(f"{n}. {q.question}", size=10.5, style="B")
        if q.notes:
            s.text(q.notes, size=9, grey=True, indent=5)
        s.pdf.ln(2)
    if game.facts:
        s.heading(_("What happened at the CND"), size=11)
        s.bullets(
            [f"{f.text} ({f.source}{', ' + f.date if f.date else ''})" if f.source else f.text for f in game.facts],
            size=8.5,
        )


# --------------------------------------------------------------------------- the catalogue


def _roleplay_cards(s: Sheet, content: data.Content) -> None:
    from . import roleplay

    _cards(s, roleplay.load(content.root, i18n.current()), roleplay)


def _roleplay_rules(s: Sheet, content: data.Content) -> None:
    from . import roleplay

    _rules(s, roleplay.load(content.root, i18n.current()))


def _vignette_sheet(s: Sheet, content: data.Content, answers: bool) -> None:
    vignettes = content.calibration  # validated with the rest of data/ (schema.Vignette)
    if answers:
        s.title(
            _("Calibration: the trainer's answer sheet"),
            _(
                "The reference grade of each vignette and the reasons for it, tied to the rubric's anchors. "
                "Keep this sheet until the room has graded every vignette at least once."
            ),
        )
    else:
        s.title(
            _("Calibration: grade these situations"),
            _(
                "Each vignette describes the situation in a fictional country. Grade it on the five-point scale "
                "with the rubric's anchors (printed under each vignette), alone first, then compare with your "
                "group."
            ),
        )
    for n, v in enumerate(vignettes, start=1):
        c = content.commitment(v.commitment_id)
        head = _("Vignette {n}: {title}").format(n=n, title=v.title)
        s.need(s.heading_height(head, 12) + s.measure(v.evidence[:400], 9.5) + 10)
        s.heading(head, size=12, rule=n > 1)
        s.text(_("Commitment {n}: {title}").format(n=c.number, title=c.title), size=9, style="I", grey=True)
        s.pdf.ln(1.5)
        s.text(v.evidence, size=9.5)
        s.pdf.ln(2)
        if answers:
            level = scales.FIVE_POINT[int(v.grade)]
            s.text(
                _("Reference grade: {grade} ({label})").format(grade=v.grade, label=_(level.label)),
                size=10.5,
                style="B",
            )
            s.bullets(v.reasons, size=9.5)
        else:
            rubric = content.rubric_for(c.id)
            for grade in ("1", "3", "5"):
                s.text(f"{grade}: {rubric.levels[grade]}", size=8, grey=True, indent=3)
            s.pdf.ln(1)
            _scale_row(s, _("First grade:"), [str(g) for g in scales.FIVE_POINT])
            _scale_row(s, _("After discussion:"), [str(g) for g in scales.FIVE_POINT])
            s.lines(_("Why (which anchor does it match, and what tips it up or down?)"), count=2, gap=7)


def _dossier(s: Sheet, content: data.Content) -> None:
    s.title(
        _("Veridia: the evidence dossier"),
        _(
            "What a fictional coalition found about Veridia, commitment by commitment, with no grades. Grade each "
            "commitment with the rubric's anchors, alone first; then compare with your group and grade again."
        ),
    )
    for n, item in enumerate(content.dossier):
        c = content.commitment(item.commitment_id)
        head = f"{c.number}. {c.title}"
        s.need(s.heading_height(head, 12) + s.measure(item.evidence[0], 9.5, indent=9) + 12)
        s.heading(head, size=12, rule=n > 0)
        s.text(_("Period: {period}").format(period=item.period), size=9, style="I", grey=True)
        s.pdf.ln(1)
        s.bullets(item.evidence, size=9.5)
        s.text(_("Sources: {sources}").format(sources="; ".join(item.sources)), size=8.5, grey=True)
        s.pdf.ln(1.5)
        none_found = _("No evidence found")
        _scale_row(s, _("First grade:"), [str(g) for g in scales.FIVE_POINT] + [none_found])
        _scale_row(s, _("After discussion:"), [str(g) for g in scales.FIVE_POINT] + [none_found])


def _vignettes(s: Sheet, content: data.Content) -> None:
    _vignette_sheet(s, content, answers=False)


def _answers(s: Sheet, content: data.Content) -> None:
    _vignette_sheet(s, content, answers=True)


HANDOUTS: tuple[Handout, ...] = (
    Handout(
        "table1", N_("Table 1 of the note"), "trainees", N_("Lesson 4 (Table 1), and every later session"), _table1
    ),
    Handout(
        "grading-sheet",
        N_("Blank grading sheet with the rubric's anchors"),
        "trainees",
        N_("Lesson 6 and the self-assessment, for trainees without a laptop"),
        _grading_sheet,
    ),
    Handout(
        "calendar",
        N_("The calendar: Box 1 and the later work plan"),
        "trainees",
        N_("Lessons 3 and 5"),
        _calendar_sheet,
    ),
    Handout("venues", N_("Advocacy venues and actions"), "trainees", N_("Lesson 5 (the 12-month plan)"), _venues),
    Handout(
        "role-cards",
        N_("Role cards of the Vienna consensus role-play"),
        "trainees",
        N_("The role-play: one card per group"),
        _roleplay_cards,
        needs="roleplay.yaml",
    ),
    Handout(
        "roleplay-rules",
        N_("The Vienna consensus: paragraph, rules and timings"),
        "trainees",
        N_("The role-play: one copy per group, and one for the chair"),
        _roleplay_rules,
        needs="roleplay.yaml",
    ),
    Handout(
        "dossier",
        N_("Veridia evidence dossier (without grades)"),
        "trainees",
        N_("The calibration activity: grade Veridia alone, then as a group"),
        _dossier,
    ),
    Handout(
        "calibration-vignettes",
        N_("Calibration vignettes (without grades)"),
        "trainees",
        N_("The calibration activity in lesson 6"),
        _vignettes,
    ),
    Handout(
        "calibration-answers",
        N_("Calibration vignettes: the trainer's answer sheet"),
        "trainer",
        N_("The calibration activity in lesson 6 (keep it until the room has graded)"),
        _answers,
    ),
)


def available(content: data.Content) -> list[Handout]:
    """The handouts this content folder can make (some need an optional data file)."""
    return [h for h in HANDOUTS if not h.needs or (Path(content.root) / h.needs).is_file()]


def render(handout: Handout, paper: str = "a4", content: data.Content | None = None) -> bytes:
    """One handout as PDF bytes, in the language in use (the content given is shown as it is)."""
    content = content or data.load()
    sheet = Sheet(_(handout.title), paper=paper)
    handout.make(sheet, content)
    return sheet.output()


def build(
    out_dir: str | os.PathLike[str],
    paper: str = "a4",
    root: str | os.PathLike[str] | None = None,
    names: Iterable[str] | None = None,
    lang: str | None = None,
) -> list[Path]:
    """Write the handouts into ``out_dir`` as ``<name>.pdf`` (all available ones, or ``names``); returns the paths.

    In ``lang`` (default: the language in use): the handouts' words and the content's
    translations (``data/translations/``), the role-play's included.

    Raises :class:`HandoutError` for a bad paper size or an unknown or unavailable
    name, :class:`idpckit.data.DataError` when the content has problems and
    :class:`idpckit.errors.FileProblems` when a file of one handout (the role-play,
    the vignettes) has; nothing is written then.
    """
    from .localise import localised

    paper_format(paper)
    content = data.load(root)
    chosen = available(content)
    if names is not None:
        wanted = list(names)
        known = {h.name: h for h in HANDOUTS}
        for name in wanted:
            if name not in known:
                raise HandoutError(
                    _("There is no handout called '{name}'; choose from {names}.").format(
                        name=name, names=", ".join(known)
                    )
                )
            if known[name] not in chosen:
                raise HandoutError(
                    _("The handout '{name}' needs data/{file}, which this content folder does not have.").format(
                        name=name, file=known[name].needs
                    )
                )
        chosen = [h for h in chosen if h.name in wanted]
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise HandoutError(
            _("{path} is a file, not a folder; choose a folder to write the handouts into.").format(path=out)
        )
    with i18n.language(lang or i18n.current()) as used:
        shown = localised(content, used)
        rendered = [(h, render(h, paper, shown)) for h in chosen]  # all or nothing
    return [readable(write_atomic(out / f"{h.name}.pdf", pdf)) for h, pdf in rendered]


def readable(path: Path) -> Path:
    """Let others read a file we wrote (a temporary file is private): handouts are copied, served and shared."""
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o666 & ~umask)
    return path

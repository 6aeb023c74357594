"""Reports for a meeting with the government: HTML and PDF, year-on-year and coalition pages.

The note suggests making the yearly grades "the subject of a yearly meeting with
your government".  This module turns a review into a document to bring to that
meeting: a summary, the scorecard, then for every commitment the grade (in
words and symbol, never colour alone), the evidence, the sources, the
recommendation and where the commitment is made in the three UN documents of
Table 1.

HTML comes from Jinja2 templates in ``idpckit/templates/`` (read through
importlib.resources) with autoescaping on, so whatever an assessor typed,
including ``<script>``, is shown as text.  The page is one self-contained file:
the CSS is inline and the chart is an SVG ``data:`` image (an image cannot run
script).  PDF is written with fpdf2 in DejaVu Sans, the Unicode font that ships
with matplotlib, so Spanish, French and Russian text render.

matplotlib, fpdf2 and jinja2 are imported inside the functions that need them.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, partial
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, i18n, scales, style
from .assessment import STATUS_WORDS, Assessment, Entry
from .coalition import Consensus, check_group, labels, merge
from .compare import DIRECTIONS, Comparison, order_ids
from .text import neutralise_formula, strip_control

if TYPE_CHECKING:  # pragma: no cover
    import jinja2
    from matplotlib.figure import Figure

    from .data import Content

#: Words of the model shown in reports (source kinds, confidence), marked here for translation.
SHOWN_WORDS = (
    i18n.N_("data"),
    i18n.N_("testimony"),
    i18n.N_("report"),
    i18n.N_("law or policy"),
    i18n.N_("other"),
    i18n.N_("low"),
    i18n.N_("medium"),
    i18n.N_("high"),
)
#: Above this many reviews the coalition page lists no per-review columns (the CSV has them).
MATRIX_LIMIT = 12
#: Chart width for the PDF: narrower than on screen so its words stay legible on A4.
PDF_FIGURE_INCHES = 9.0
CHART_FRAME_MM = 20.0  # the scorecard's heading above it and its caption below
KEEP_COMMITMENT_MM = 40.0  # a commitment's rule, heading, summary and grade line: never split from each other


def _content(content: Content | None) -> Content:
    if content is None:
        from .data import load

        content = load()
    return content


# --------------------------------------------------------------------------- view models


@dataclass(frozen=True)
class DocRef:
    name: str
    url: str
    cell: str


@dataclass(frozen=True)
class SourceView:
    title: str
    link: str
    href: str  # the link when it is a web address we can safely make clickable, else ""
    kind: str


@dataclass(frozen=True)
class CommitmentView:
    id: str
    number: str
    title: str
    summary: str
    level: scales.Level
    evidence: str
    sources: list[SourceView]
    recommendation: str
    confidence: str
    refs: list[DocRef]
    #: Why an ungraded commitment has no grade, in words ("" when it is graded or simply not assessed yet).
    status_label: str = ""
    status_meaning: str = ""


_WEB = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def safe_href(link: str) -> str:
    """``link`` if it is an http(s) address, else "" (no ``javascript:`` or ``data:`` links from users)."""
    link = link.strip()
    return link if _WEB.match(link) else ""


def _title(cid: str, content: Content) -> tuple[str, str, str]:
    """(number, title, summary) of a commitment; an id the content does not know shows as itself."""
    try:
        c = content.commitment(cid)
    except KeyError:
        return "", cid, ""
    return str(c.number), c.title, c.summary


def doc_refs(cid: str, content: Content) -> list[DocRef]:
    """Where a commitment is made in each Table 1 document, as the note prints it."""
    from .schema import TABLE1_DOCUMENTS
    from .table1 import render

    out = []
    for doc_id in TABLE1_DOCUMENTS:
        doc = content.document(doc_id)
        out.append(DocRef(doc.short_name, safe_href(doc.url), render(content.references_for(cid, doc_id))))
    return out


def commitment_views(assessment: Assessment, content: Content) -> list[CommitmentView]:
    """Every tracked commitment of a review, in Table 1's order, ready for a template or the PDF."""
    out = []
    for cid in order_ids([e.commitment_id for e in assessment.entries], content):
        entry: Entry | None = assessment.entry(cid)
        assert entry is not None
        number, title, what = _title(cid, content)
        out.append(
            CommitmentView(
                id=cid,
                number=number,
                title=title,
                summary=what,
                level=scales.level(entry.grade, assessment.scale),
                evidence=entry.evidence.strip(),
                sources=[SourceView(s.title, s.link, safe_href(s.link), s.kind) for s in entry.sources],
                recommendation=entry.recommendation.strip(),
                confidence=entry.confidence or "",
                refs=doc_refs(cid, content),
                status_label=entry.status_label,
                status_meaning=entry.status_meaning,
            )
        )
    return out


def counts(assessment: Assessment) -> dict[str, Any]:
    """Tracked/graded/not assessed, and how many commitments got each grade (worst first)."""
    levels = scales.levels(assessment.scale)
    given = [e.grade for e in assessment.entries if e.grade is not None]
    by_level = [(lv, given.count(value)) for value, lv in levels.items() if given.count(value)]
    marked = [e.status for e in assessment.entries if e.status]
    return {
        "tracked": len(assessment.entries),
        "graded": len(given),
        "not_assessed": len(assessment.entries) - len(given) - len(marked),
        "by_level": by_level,
        #: (label in words, how many) for each status used: no evidence found, not applicable
        "by_status": [(i18n._(words[0]), marked.count(s)) for s, words in STATUS_WORDS.items() if marked.count(s)],
    }


# --------------------------------------------------------------------------- HTML


def _grade_class(level: scales.Level) -> str:
    prefix = "five" if isinstance(level.value, int) else "light"
    return f"{prefix}-{level.value}"


def _grade_css() -> str:
    """Badge colours generated from :mod:`idpckit.scales`, so reports and charts never drift apart."""
    rules = []
    for lv in [*scales.FIVE_POINT.values(), *scales.TRAFFIC_LIGHT.values()]:
        rules.append(f".grade.{_grade_class(lv)} {{ background: {lv.colour}; color: {lv.text_colour}; }}")
    return "\n".join(rules)


def _template_source(name: str) -> str:
    return (resources.files("idpckit") / "templates" / name).read_text(encoding="utf-8")


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment for reports: autoescaping always on, undefined names are errors."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_template_source),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # Messages are looked up when a page renders, in the language in use then (i18n.language).
    env.install_gettext_callables(i18n._, i18n.ngettext, newstyle=True)
    env.policies["ext.i18n.trimmed"] = True  # a message is one line, however the template wraps it
    env.globals["grade_class"] = _grade_class
    env.globals["short"] = short
    return env


def short(level: scales.Level) -> str:
    """What fits on a badge in the language in use: "2 ▼" or "✖ Rojo"."""
    if isinstance(level.value, int):
        return level.short
    return f"{level.symbol} {i18n._(scales.LIGHT_WORDS.get(str(level.value), str(level.value)))}"


def _render(template: str, fictional: bool, **context: Any) -> str:
    from markupsafe import Markup

    css = Markup(style.report_css() + "\n" + _grade_css())  # our own file, not user text
    return (
        environment()
        .get_template(template)
        .render(
            css=css,
            version=__version__,
            made_on=dt.date.today().isoformat(),
            fictional=fictional,
            lang=i18n.current(),
            **context,
        )
    )


def svg_src(fig: Figure) -> str:
    """A ``data:`` URI of the figure as SVG, then closes the figure's memory."""
    from .plots import to_svg

    svg = to_svg(fig)
    fig.clear()
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def html_report(
    assessment: Assessment, content: Content | None = None, *, lang: str | None = None, scorecard_src: str | None = None
) -> str:
    """The review as one self-contained HTML page (inline CSS and chart, print stylesheet).

    In ``lang`` if given, else in the language the review was made in: the page's words,
    the commitments' titles (from ``data/translations/``) and the country's name.
    ``scorecard_src``: the scorecard already drawn (:func:`svg_src`) in that language, e.g. the
    one the app shows, so it is not drawn twice (a second or more on a busy server).
    """
    from .countries import name as country_name
    from .localise import localised
    from .plots import scorecard

    with i18n.language(lang or assessment.language) as used:
        content = localised(_content(content), used)
        return _render(
            "report.html",
            assessment.fictional,
            a=assessment,
            country_name=country_name(assessment.country, used),
            scale_label=i18n._(scales.SCALE_LABELS[assessment.scale]),
            counts=counts(assessment),
            scorecard_src=scorecard_src or svg_src(scorecard(assessment, content)),
            commitments=commitment_views(assessment, content),
            legend=i18n._(_legend()),
        )


def _legend() -> str:
    from .table1 import LEGEND

    return LEGEND


def _scale_labels() -> dict[str, str]:
    return {k: i18n._(v) for k, v in scales.SCALE_LABELS.items()}


def compare_html(comparison: Comparison, content: Content | None = None, *, lang: str | None = None) -> str:
    """What improved and what worsened between two reviews of one country, as one HTML page.

    ``comparison`` comes from :func:`idpckit.compare.between` (which refuses reviews of
    different countries, or the later one given first); the page and its chart show
    that result and do not compare again.  In ``lang`` if given, else in the later
    review's language.
    """
    from .localise import localised

    with i18n.language(lang or comparison.new.language) as used:
        return _compare_html(comparison, localised(_content(content), used))


def _compare_html(comparison: Comparison, content: Content) -> str:
    from .plots import year_on_year

    old, new = comparison.old, comparison.new
    rows = []
    for ch in comparison.changes:
        number, title, _ = _title(ch.commitment_id, content)
        entry = new.entry(ch.commitment_id)
        rows.append(
            {
                "change": ch,
                "number": number,
                "title": title,
                "evidence": entry.evidence.strip() if entry else "",
                "recommendation": entry.recommendation.strip() if entry else "",
            }
        )
    totals = [(key, n, DIRECTIONS[key][0], i18n._(DIRECTIONS[key][1])) for key, n in comparison.summary().items()]
    return _render(
        "compare.html",
        old.fictional or new.fictional,
        old=old,
        new=new,
        scale_labels=_scale_labels(),
        changes=rows,
        totals=totals,
        basis=comparison.basis,
        chart_src=svg_src(year_on_year(comparison, content)),
    )


def _coalition_rows(merged: list[Consensus], assessments: Sequence[Assessment], content: Content) -> list[dict]:
    rows = []
    for c in merged:
        number, title, _ = _title(c.commitment_id, content)
        dist = ", ".join(f"{score}×{n}" for score, n in c.counts().items() if n)
        levels = []
        for a, grade in zip(assessments, c.grades, strict=True):
            entry = a.entry(c.commitment_id)
            levels.append(None if entry is None else scales.level(grade, a.scale))
        rows.append(
            {
                "c": c,
                "number": number,
                "title": title,
                "low": "–" if c.min is None else c.min,
                "high": "–" if c.max is None else c.max,
                "light": scales.TRAFFIC_LIGHT[c.light] if c.light else None,
                "distribution": dist or "–",
                "levels": levels,
            }
        )
    return rows


def agreement_text(assessments: Sequence[Assessment], commitment_ids: Sequence[str]) -> str:
    """Krippendorff's ordinal alpha over the reviews, in plain words (the room dashboard says the same)."""
    from .agreement import reading, review_alpha

    return reading(review_alpha(assessments, commitment_ids), coders=len(assessments))


def coalition_html(
    assessments: Sequence[Assessment], content: Content | None = None, *, lang: str | None = None
) -> str:
    """The coalition view of several reviews of one country and year, as one HTML page.

    In ``lang`` if given, else in the first review's language.  Raises ValueError if the
    reviews are of different countries or years.
    """
    from .localise import localised

    check_group(assessments)
    with i18n.language(lang or assessments[0].language) as used:
        return _coalition_html(assessments, localised(_content(content), used))


def _coalition_html(assessments: Sequence[Assessment], content: Content) -> str:
    from .plots import coalition

    merged = merge(assessments, content)
    rows = _coalition_rows(merged, assessments, content)
    reviews = [{"a": a, "label": name} for a, name in zip(assessments, labels(assessments), strict=True)]
    return _render(
        "coalition.html",
        any(a.fictional for a in assessments),
        first=assessments[0],
        reviews=reviews,
        rows=rows,
        disagreements=[r for r in rows if r["c"].disagree],
        alpha=agreement_text(assessments, [c.commitment_id for c in merged]),
        light_used=any(a.scale == "traffic-light" for a in assessments),
        scale_labels=_scale_labels(),
        matrix_limit=MATRIX_LIMIT,
        not_assessed=scales.NOT_ASSESSED,
        chart_src=svg_src(coalition(assessments, content, merged=merged)),
    )


# --------------------------------------------------------------------------- CSV


def coalition_csv(assessments: Sequence[Assessment], content: Content | None = None, *, lang: str | None = None) -> str:
    """The coalition view as CSV: one row per commitment, consensus columns then one column per review.

    Each review's column is headed by its name (:func:`idpckit.coalition.labels`:
    organisations, else assessor), which a member typed, so it passes through
    :func:`idpckit.text.neutralise_formula`.  Grades are written as the assessor
    gave them (3, "orange"); blank means not graded.  Raises ValueError if the
    reviews are of different countries or years.
    """
    from .localise import localised

    check_group(assessments)
    content = localised(_content(content), lang)
    merged = merge(assessments, content)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    first = assessments[0]
    head = [
        "country",
        "year",
        "number",
        "commitment_id",
        "commitment",
        "reviews_graded",
        "reviews_not_assessed",
        "median_score",
        "median_light",
        "lowest_score",
        "highest_score",
        "spread",
        "disagree",
    ]
    writer.writerow(head + [neutralise_formula(name) for name in labels(assessments)])
    for c in merged:
        number, title, _ = _title(c.commitment_id, content)
        writer.writerow(
            [
                first.country,
                first.year,
                number,
                c.commitment_id,
                title,
                c.n,
                c.not_assessed,
                c.median_text if c.median is not None else "",
                c.light or "",
                "" if c.min is None else c.min,
                "" if c.max is None else c.max,
                "" if c.spread is None else c.spread,
                "yes" if c.disagree else "no",
                *("" if g is None else g for g in c.grades),
            ]
        )
    return buf.getvalue()


# --------------------------------------------------------------------------- PDF


def font_paths() -> dict[str, Path]:
    """DejaVu Sans regular, bold and oblique from matplotlib's own data folder (always installed with it)."""
    import matplotlib

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {"": ttf / "DejaVuSans.ttf", "B": ttf / "DejaVuSans-Bold.ttf", "I": ttf / "DejaVuSans-Oblique.ttf"}


def _clean(text: str) -> str:
    """User text made safe for the PDF: one kind of line break, tabs as spaces, no control characters."""
    return strip_control(text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "))


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _make_pdf(assessment: Assessment) -> Any:
    from fpdf import FPDF

    from .countries import name as country_name

    running_head = i18n._("%(country)s, %(year)s: civil-society review") % {
        "country": country_name(assessment.country, i18n.current()),
        "year": assessment.year,
    }
    fictional = i18n._("FICTIONAL EXAMPLE")

    class ReportPDF(FPDF):
        def header(self) -> None:
            self.set_font("DejaVu", "", 8)
            self.set_text_color(80, 80, 80)
            self.cell(0, 5, _clean(running_head), new_x="LMARGIN", new_y="TOP")
            if assessment.fictional:
                self.set_font("DejaVu", "B", 9)
                self.set_text_color(0, 0, 0)
                self.cell(0, 5, fictional, align="R", new_x="LMARGIN", new_y="NEXT")
            self.ln(6)
            self.set_text_color(0, 0, 0)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", "", 8)
            self.set_text_color(80, 80, 80)
            page = i18n._("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
            self.cell(0, 5, f"{page} · idpckit {__version__}", align="C")

    pdf = ReportPDF(format="A4", unit="mm")
    pdf.set_margins(16, 14, 16)
    pdf.set_auto_page_break(True, margin=16)
    for font_style, path in font_paths().items():
        pdf.add_font("DejaVu", font_style, str(path))
    pdf.set_title(_clean(running_head))
    pdf.set_author(_clean("; ".join(assessment.organisations) or assessment.assessor or "idpckit"))
    pdf.set_creator(f"idpckit {__version__}")
    pdf.set_lang(i18n.current())  # the report's language, so a screen reader reads it in its own voice
    return pdf


def _heading(pdf: Any, text: str, size: float = 13) -> None:
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(0, size * 0.5, _clean(text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _para(pdf: Any, text: str, size: float = 10, style: str = "", grey: bool = False) -> None:
    pdf.set_font("DejaVu", style, size)
    pdf.set_text_color(*((85, 85, 85) if grey else (0, 0, 0)))
    pdf.multi_cell(0, size * 0.5, _clean(text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _badge(pdf: Any, level: scales.Level, size: float = 10) -> None:
    """A grade as a box: fill colour, then symbol, value and words (the words carry the meaning)."""
    pdf.set_font("DejaVu", "B", size)
    if level is scales.NOT_ASSESSED or level.value == "not assessed":
        text, fill, ink = f"– {i18n._('Not assessed')}", (255, 255, 255), (0, 0, 0)
    else:
        text, fill, ink = f"{short(level)} · {i18n._(level.label)}", _rgb(level.colour), _rgb(level.text_colour)
    pdf.set_fill_color(*fill)
    pdf.set_text_color(*ink)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.4)
    pdf.cell(pdf.get_string_width(text) + 6, size * 0.62, text, border=1, fill=True, new_x="RIGHT", new_y="TOP")
    pdf.set_text_color(0, 0, 0)


def _status_badge(pdf: Any, label: str, size: float = 10) -> None:
    """An ungraded commitment's status as a white box with a circle and its words (no colour to read)."""
    pdf.set_font("DejaVu", "B", size)
    text = f"○ {label}"
    pdf.set_fill_color(255, 255, 255)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.4)
    pdf.cell(pdf.get_string_width(text) + 6, size * 0.62, text, border=1, fill=True, new_x="RIGHT", new_y="TOP")


def _keep(pdf: Any, height_mm: float) -> None:
    """Start a new page unless ``height_mm`` more fits on this one: a heading stays with what it heads."""
    if pdf.get_y() + height_mm > pdf.page_break_trigger:
        pdf.add_page()


def _fitting_row(pdf: Any, rows: int) -> float | None:
    """The scorecard's row height (inches) that fits its heading, chart and caption in what is left of the
    page, at most the usual one; ``None`` when even the closest rows leave it too long for this page."""
    from .plots import BARE_FRAME_INCHES, COMPACT_MIN_ROW_INCHES, ROW_INCHES, figure_height

    mm_per_inch = pdf.epw / PDF_FIGURE_INCHES  # the chart is drawn the page's width across
    room = (pdf.page_break_trigger - pdf.get_y() - CHART_FRAME_MM) / mm_per_inch
    if figure_height(rows, ROW_INCHES, BARE_FRAME_INCHES) <= room:
        return ROW_INCHES
    row = (room - BARE_FRAME_INCHES) / rows
    return row if row >= COMPACT_MIN_ROW_INCHES else None


def _field(pdf: Any, label: str, text: str) -> None:
    _keep(pdf, 6 + 10)  # the label with the first two lines of its text
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 6, label, new_x="LMARGIN", new_y="NEXT")
    if text:
        _para(pdf, text)
    else:
        _para(pdf, i18n._("None recorded."), style="I", grey=True)
    pdf.ln(1)


def pdf_report(assessment: Assessment, content: Content | None = None, *, lang: str | None = None) -> bytes:
    """The review as a PDF with the same contents as :func:`html_report` (DejaVu Sans, so any European script).

    In ``lang`` if given, else in the language the review was made in, like the HTML report.
    """
    with i18n.language(lang or assessment.language) as used:
        from .localise import localised

        return _pdf_report(assessment, localised(_content(content), used), used)


def _pdf_report(assessment: Assessment, content: Content, lang: str) -> bytes:
    from . import plots
    from .countries import name as country_name
    from .plots import scorecard, to_png

    _ = i18n._
    country = country_name(assessment.country, lang)
    pdf = _make_pdf(assessment)
    pdf.add_page()
    if assessment.fictional:
        pdf.set_font("DejaVu", "B", 12)
        pdf.set_fill_color(255, 248, 214)
        pdf.set_line_width(0.8)
        pdf.multi_cell(
            0,
            6.5,
            _("FICTIONAL EXAMPLE")
            + ": "
            + _("a made-up review for training. It describes no real country or government."),
            border=1,
            fill=True,
            padding=2,
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(3)
    _para(pdf, _("Civil-society review of drug policy commitments"), size=9, grey=True)
    _heading(
        pdf,
        _("%(country)s, %(year)s: where the government stands on its international drug policy commitments")
        % {"country": country, "year": assessment.year},
        size=15,
    )

    _heading(pdf, _("Summary"))
    n = counts(assessment)
    rows = [
        (_("Country"), f"{country} ({assessment.country})"),
        (_("Review year"), str(assessment.year)),
        (_("Organisation(s)"), "; ".join(assessment.organisations) or _("not stated")),
        (_("Assessor"), assessment.assessor or _("not stated")),
        (_("Date"), assessment.date.isoformat()),
        (_("Scale"), _(scales.SCALE_LABELS[assessment.scale])),
        (
            _("Commitments"),
            _("%(tracked)s tracked, %(graded)s graded, %(open)s not assessed")
            % {"tracked": n["tracked"], "graded": n["graded"], "open": n["not_assessed"]},
        ),
    ]
    pdf.set_font("DejaVu", "B", 10)
    label_width = max(pdf.get_string_width(key) for key, _value in rows) + 4  # long labels (Spanish) never overlap
    for key, value in rows:
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(label_width, 5.2, key, new_x="RIGHT", new_y="TOP")
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 5.2, _clean(value), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    # A status, then a grade: its badge (symbol and words, never colour alone) and how many; two a line
    # when two fit in half the page's width each, so the chart finds room below.
    badges = [(partial(_status_badge, pdf, label, size=9), count) for label, count in n["by_status"]]
    badges += [(partial(_badge, pdf, level, size=9), count) for level, count in n["by_level"]]
    half = pdf.epw / 2
    for i, (draw_badge, count) in enumerate(badges):
        words = "  " + i18n.ngettext("%(num)d commitment", "%(num)d commitments", count) % {"num": count}
        start = pdf.get_x()
        draw_badge()
        pdf.set_font("DejaVu", "", 10)
        end = pdf.get_x() + pdf.get_string_width(words)
        left_column = start < pdf.l_margin + 1
        follows = i + 1 < len(badges) and left_column and end - start < half - 2
        if follows:
            pdf.cell(pdf.get_string_width(words), 9 * 0.62, words, new_x="RIGHT", new_y="TOP")
            pdf.set_x(pdf.l_margin + half)
        else:
            pdf.cell(0, 9 * 0.62, words, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)

    # The chart goes under the summary on the first page, its rows closer together if that makes it fit
    # (a first page two-thirds empty, then the chart alone on the second, read badly); only a chart too
    # long for that starts a page of its own, full size.
    pdf.ln(3)
    row = _fitting_row(pdf, max(1, len(assessment.entries)))
    if row is None:
        pdf.add_page()
        row = plots.ROW_INCHES
    fig = scorecard(assessment, content, width=PDF_FIGURE_INCHES, row_inches=row, compact=True)
    png = to_png(fig, dpi=150)
    fig.clear()
    _heading(pdf, _("Scorecard"))
    pdf.image(io.BytesIO(png), w=pdf.epw, alt_text=_("Scorecard chart; every grade is also listed in words below."))
    _para(
        pdf,
        _("Bar length is the grade on the common 1-5 score; each grade also has its own symbol, words and hatching."),
        size=8,
        grey=True,
    )

    # The commitments follow on the same page when there is room for the heading and the start of the
    # first of them; a heading is never left alone at the foot of a page.
    pdf.ln(4)
    _keep(pdf, KEEP_COMMITMENT_MM + 8)
    _heading(pdf, _("Commitment by commitment"))
    for view in commitment_views(assessment, content):
        _keep(pdf, KEEP_COMMITMENT_MM)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_line_width(0.6)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
        pdf.ln(2)
        _heading(pdf, f"{view.number}. {view.title}" if view.number else view.title, size=12)
        if view.summary:
            _para(pdf, view.summary, size=9, style="I", grey=True)
            pdf.ln(1)
        pdf.set_font("DejaVu", "B", 10)
        label = _("Grade:")
        pdf.cell(pdf.get_string_width(label) + 2, 6.2, label, new_x="RIGHT", new_y="TOP")
        if view.status_label:
            _status_badge(pdf, view.status_label)
        else:
            _badge(pdf, view.level)
        if view.confidence:
            pdf.set_font("DejaVu", "", 10)
            pdf.cell(0, 6.2, f"   {_('Confidence:')} {_(view.confidence)}", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(6.2)
        if view.status_meaning:
            pdf.ln(1)
            _para(pdf, view.status_meaning, size=9)
        pdf.ln(2)
        _field(pdf, _("Evidence"), view.evidence)
        _keep(pdf, 6 + 5.5 * min(2, max(1, len(view.sources))))  # the label with its first sources
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(0, 6, _("Sources"), new_x="LMARGIN", new_y="NEXT")
        if not view.sources:
            _para(pdf, _("None recorded."), style="I", grey=True)
        for s in view.sources:
            pdf.set_font("DejaVu", "", 10)
            pdf.write(5, "• ")
            if s.href:
                pdf.set_text_color(11, 79, 138)
                pdf.write(5, _clean(s.title), link=s.href)
                pdf.set_text_color(0, 0, 0)
            else:
                pdf.write(5, _clean(s.title))
            if s.link:
                pdf.write(5, _clean(f" — {s.link}"))
            pdf.set_text_color(85, 85, 85)
            pdf.write(5, f" ({_(s.kind)})")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(5.5)
        pdf.ln(1)
        _field(pdf, _("Recommendation"), view.recommendation)
        _keep(pdf, 6 + 5 * len(view.refs))  # the label and its few references, together
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(0, 6, _("Where the commitment is made"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "B", 9)
        name_width = max([pdf.get_string_width(ref.name) + 3 for ref in view.refs] + [45])  # no name runs over
        for ref in view.refs:
            pdf.set_font("DejaVu", "B", 9)
            pdf.cell(name_width, 5, ref.name, link=ref.url or "", new_x="RIGHT", new_y="TOP")
            pdf.set_font("DejaVu", "", 9)
            pdf.multi_cell(0, 5, ref.cell, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    _para(pdf, _(_legend()), size=8, grey=True)
    pdf.ln(4)
    made = {"version": __version__, "made_on": dt.date.today().isoformat()}
    _para(
        pdf,
        " ".join(
            _(
                "Commitments and their references follow Table 1 of the International Drug Policy Consortium's "
                'advocacy note "The 2019 Ministerial Segment: Key wins, remaining challenges, and next steps for '
                'advocacy" (September 2019). Grades, evidence and recommendations are those of the organisations '
                "named above."
            ).split()
        )
        + " "
        + _("Made with idpckit %(version)s on %(made_on)s.") % made,
        size=8,
        grey=True,
    )
    return bytes(pdf.output())

"""The room report: a workshop room's results as an HTML page and a PDF, for the debrief and the files.

Per country and year (never mixed), the commitments the room disagrees on most
come first, each with its red / orange / green counts, median, spread and the
coalition rule's flag, under the country's agreement statistic in plain words.
The report names no organisation and no assessor: it is meant to be shown on a
screen or pinned to a wall, and for NGOs grading their own government a list of
who graded what can put people at risk.  The trainer's CSV export has the detail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import i18n, scales
from .i18n import N_, _, ngettext
from .rooms import CountryResults, RoomResults

if TYPE_CHECKING:  # pragma: no cover
    from .data import Content


def _rows(group: CountryResults, content: Content) -> list[dict[str, Any]]:
    known = {c.id: c for c in content.commitments}
    rows = []
    for c in group.most_disagreed():
        commitment = known.get(c.commitment_id)
        lights = {"red": 0, "orange": 0, "green": 0}
        for s in c.scores:
            if s is not None:
                lights[scales.to_light(s)] += 1
        rows.append(
            {
                "c": c,
                "number": commitment.number if commitment else "",
                "title": commitment.title if commitment else c.commitment_id,
                "lights": lights,
            }
        )
    return rows


#: A room's states, as the report words them.
STATES = {"open": N_("open"), "closed": N_("closed")}


def _groups(res: RoomResults, content: Content) -> list[dict[str, Any]]:
    """Per country and year: rows, disagreements, and the country's name and agreement in the language in use."""
    from .agreement import reading
    from .countries import name

    out = []
    for g in res.countries:
        rows = _rows(g, content)
        out.append(
            {
                "c": g,
                "rows": rows,
                "disagreements": sum(r["c"].disagree for r in rows),
                "country_name": name(g.country, i18n.current()),
                "reading": reading(g.alpha, coders=len(g.reviews)),
            }
        )
    return out


def _state(res: RoomResults) -> str:
    return _(STATES.get(res.room.state, res.room.state))


def room_html(res: RoomResults, content: Content, lang: str | None = None) -> str:
    """The room report as one self-contained HTML page (prints in greyscale: words and symbols carry it).

    In ``lang`` (default: the language in use): the page's words, the commitments' titles
    and the countries' names.
    """
    from .localise import localised
    from .report import _render

    with i18n.language(lang or i18n.current()) as used:
        content = localised(content, used)
        fictional = bool(res.submitted) and all(s.assessment.fictional for s in res.submitted)
        return _render("room.html", fictional, res=res, groups=_groups(res, content), state=_state(res))


def room_pdf(res: RoomResults, content: Content, lang: str | None = None) -> bytes:
    """The room report as a PDF (DejaVu Sans, so every name and symbol prints), in ``lang`` like :func:`room_html`."""
    from .localise import localised

    with i18n.language(lang or i18n.current()) as used:
        return _room_pdf(res, localised(content, used), used)


def _room_pdf(res: RoomResults, content: Content, lang: str) -> bytes:
    from fpdf import FPDF

    from . import __version__
    from .report import font_paths

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(14, 14, 14)
    pdf.set_auto_page_break(True, margin=14)
    for style, path in font_paths().items():
        pdf.add_font("DejaVu", style, str(path))
    pdf.set_title(_("Room {code}: {name}").format(code=res.room.code, name=res.room.name))
    pdf.set_creator(f"idpckit {__version__}")
    pdf.set_lang(lang)
    pdf.add_page()

    def para(text: str, size: float = 10, style: str = "") -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    para(_("{name} (room {code})").format(name=res.room.name, code=res.room.code), 16, "B")
    para(
        _(
            "{submitted}, {drafts}; the room is {state}. "
            "Results per country and year, never mixed; grades on the common 1-5 score. "
            "No organisation or assessor is named."
        ).format(
            submitted=ngettext("{n} submitted review", "{n} submitted reviews", len(res.submitted)).format(
                n=len(res.submitted)
            ),
            drafts=ngettext("{n} draft not submitted", "{n} drafts not submitted", res.drafts).format(n=res.drafts),
            state=_state(res),
        )
    )
    headings = (
        _("Commitment"),
        "✖ " + _("Red"),
        "▲ " + _("Orange"),
        "✔ " + _("Green"),
        _("n/a"),
        _("Median"),
        _("Spread"),
        _("Agreement"),
    )
    widths = (70, 14, 16, 15, 10, 15, 14, 28)
    for g in _groups(res, content):
        c: CountryResults = g["c"]
        para(
            ngettext("{country}, {year}: {n} review", "{country}, {year}: {n} reviews", len(c.reviews)).format(
                country=g["country_name"], year=c.year, n=len(c.reviews)
            ),
            13,
            "B",
        )
        para(g["reading"])
        pdf.set_font("DejaVu", "B", 8)
        with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.5) as table:
            head = table.row()
            for h in headings:
                head.cell(h)
            pdf.set_font("DejaVu", "", 8)
            for row in g["rows"]:
                con = row["c"]
                flag = (
                    "⚠ " + _("Disagree")
                    if con.disagree
                    else (_("Agree") if con.n > 1 else (_("One review only") if con.n else "–"))
                )
                cells = (
                    f"{row['number']}. {row['title']}",
                    *(str(row["lights"][k]) for k in ("red", "orange", "green")),
                    str(con.not_assessed),
                    con.median_text,
                    "–" if con.spread is None else str(con.spread),
                    flag,
                )
                line = table.row()
                for text in cells:
                    line.cell(text)
        pdf.ln(3)
    return bytes(pdf.output())

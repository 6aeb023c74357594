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

from . import scales
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


def _groups(res: RoomResults, content: Content) -> list[dict[str, Any]]:
    out = []
    for g in res.countries:
        rows = _rows(g, content)
        out.append({"c": g, "rows": rows, "disagreements": sum(r["c"].disagree for r in rows)})
    return out


def room_html(res: RoomResults, content: Content) -> str:
    """The room report as one self-contained HTML page (prints in greyscale: words and symbols carry it)."""
    from .report import _render

    fictional = bool(res.submitted) and all(s.assessment.fictional for s in res.submitted)
    return _render("room.html", fictional, res=res, groups=_groups(res, content))


def room_pdf(res: RoomResults, content: Content) -> bytes:
    """The room report as a PDF (DejaVu Sans, so every name and symbol prints)."""
    from fpdf import FPDF

    from . import __version__
    from .report import font_paths

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(14, 14, 14)
    pdf.set_auto_page_break(True, margin=14)
    for style, path in font_paths().items():
        pdf.add_font("DejaVu", style, str(path))
    pdf.set_title(f"Room {res.room.code}: {res.room.name}")
    pdf.set_creator(f"idpckit {__version__}")
    pdf.set_lang("en")
    pdf.add_page()

    def para(text: str, size: float = 10, style: str = "") -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    para(f"{res.room.name} (room {res.room.code})", 16, "B")
    para(
        f"{len(res.submitted)} submitted review(s), {res.drafts} draft(s) not submitted; the room is "
        f"{res.room.state}. Results per country and year, never mixed; grades on the common 1-5 score. "
        "No organisation or assessor is named."
    )
    headings = ("Commitment", "✖ Red", "▲ Orange", "✔ Green", "n/a", "Median", "Spread", "Agreement")
    widths = (70, 14, 16, 15, 10, 15, 14, 28)
    for g in _groups(res, content):
        c: CountryResults = g["c"]
        para(f"{c.country_name}, {c.year}: {len(c.reviews)} review(s)", 13, "B")
        para(c.reading)
        pdf.set_font("DejaVu", "B", 8)
        with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.5) as table:
            head = table.row()
            for h in headings:
                head.cell(h)
            pdf.set_font("DejaVu", "", 8)
            for row in g["rows"]:
                con = row["c"]
                flag = "⚠ Disagree" if con.disagree else ("Agree" if con.n > 1 else ("One review" if con.n else "–"))
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

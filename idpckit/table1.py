"""Table 1 of the note, rendered from the structured references.

The references are stored one per row (document, section, unit, id) so that they
can be filtered and checked; this module writes them back the way the note
prints them ("OP 1.k, 1.m, 1.o", "Directions for action: bullet points 15, 16")
for handouts, spreadsheets and the explorer.
"""

from __future__ import annotations

import csv
import io
import json
from itertools import groupby

from .data import Content, load
from .i18n import N_, _, colon, ngettext
from .schema import SECTIONS, TABLE1_DOCUMENTS, Reference

#: Column headings, as the note labels them.
HEADINGS = {
    "commitment": N_("Tracking progress against the following commitments"),
    "ungass2016": N_("Ref in UNGASS O.D."),
    "md2019": N_("Ref in 2019 Min. Decl."),
    "cp2018": N_("Ref in UN Common Position"),
}


def heading(key: str) -> str:
    """A column heading in the language in use (:mod:`idpckit.i18n`)."""
    return _(HEADINGS[key])


#: The documents' section names (:data:`idpckit.schema.SECTIONS`), marked for translation: the data keeps
#: the English names as ids, pages show them in the reader's language (:func:`section_name`).
SECTION_NAMES = (
    N_("Preamble"),
    N_("Operative"),
    N_("Stocktaking"),
    N_("Way forward"),
    N_("Shared principles"),
    N_("Directions for action"),
    N_("Accountability and operationalisation"),
)


def section_name(section: str) -> str:
    """A section's name in the language in use, e.g. "Way forward" -> "Camino a seguir"."""
    return _(section)


#: Sections whose name the note does not print before the paragraph numbers.
_UNNAMED_SECTIONS = {("ungass2016", "Preamble"), ("ungass2016", "Operative"), ("md2019", "Preamble")}

#: What the abbreviations mean, for the legend under a printed table.
LEGEND = N_(
    "OP = operative paragraph; PP = preambular paragraph; '-' = the document has no reference for this commitment."
)


#: The note's footnote markers: the first OP and PP in its Table 1 carry them.
_FOOTNOTE = {"OP": "*", "PP": "**"}


def _label(unit: str, count: int, printed: bool = False) -> str:
    """The unit's word: the note's English when ``printed``, else in the language in use (OP and PP stay)."""
    if unit == "bullet":
        if printed:
            return "bullet point" if count == 1 else "bullet points"
        return ngettext("bullet point", "bullet points", count)
    return unit


def _unit_group(unit: str, refs: list[Reference], printed: bool) -> str:
    """The references of one unit in one section, e.g. "OP 1.k, 1.m, 1.o".

    ``printed`` follows the note's typography (see ``Reference.printed_style``)
    and its printed text for the references the kit corrects.
    """
    if unit == "chapter":
        return ", ".join((f"Chapter {r.ref}" if printed else _("Chapter {ref}").format(ref=r.ref)) for r in refs)
    label = _label(unit, len(refs), printed)
    if printed and refs[0].printed_style == "footnote":
        label += _FOOTNOTE.get(unit, "")
    text = ""
    for i, r in enumerate(refs):
        token = r.ref
        if printed and r.printed:
            # the note's own text for this reference, with or without its unit label
            token = r.printed.removeprefix(f"{unit} ") if i == 0 else r.printed
        if i == 0:
            text = f"{label} {token}"
        elif r.printed_style == "and":
            text += f" and {token}" if printed else " " + _("and {ref}").format(ref=token)
        elif r.printed_style == "repeat-unit":
            text += f", {unit} {token}"
        else:
            text += f", {token}"
    return text


def render(references: list[Reference], printed: bool = False) -> str:
    """One Table 1 cell: the references of one commitment in one document.

    By default the note's cell as the kit reads it: corrected references (see
    ``Reference.printed``), no footnote markers (the legend says what OP and PP
    mean) and "; " before a named section.  With ``printed=True`` the cell
    exactly as the note prints it, typos and footnote markers included, and a
    space where the note starts a section on a new line.
    """
    if not references:
        return "-"
    doc = references[0].document
    order = SECTIONS[doc]
    out = ""
    ordered = sorted(references, key=lambda r: order.index(r.section))
    for section, in_section in groupby(ordered, key=lambda r: r.section):
        unnamed = (doc, section) in _UNNAMED_SECTIONS
        units = [_unit_group(u, list(g), printed) for u, g in groupby(in_section, key=lambda r: r.unit)]
        # French writes "Orientations pour l'action : points 11 et 12" (i18n.colon); the note's print stays as it is
        named = f"{section}:" if printed else colon(section_name(section))
        text = ", ".join(units) if unnamed else f"{named} " + ", ".join(units)
        if out:
            out += ", " if unnamed else (" " if printed else "; ")
        out += text
    return out


def rows(content: Content | None = None, printed: bool = False) -> list[dict[str, str]]:
    """Table 1 as a list of rows keyed by ``id``, ``commitment`` and document id.

    ``printed=True`` gives every cell exactly as the note prints it.
    """
    content = content or load()
    out = []
    for c in content.commitments:
        row = {"number": str(c.number), "id": c.id, "commitment": c.title}
        for doc in TABLE1_DOCUMENTS:
            row[doc] = render(content.references_for(c.id, doc), printed=printed)
        out.append(row)
    return out


def to_csv(content: Content | None = None) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["#", "id", heading("commitment"), *(heading(d) for d in TABLE1_DOCUMENTS)])
    for r in rows(content):
        writer.writerow([r["number"], r["id"], r["commitment"], *(r[d] for d in TABLE1_DOCUMENTS)])
    return buf.getvalue()


def to_markdown(content: Content | None = None) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    head = ["#", heading("commitment"), *(heading(d) for d in TABLE1_DOCUMENTS)]
    lines = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join("---" for _ in head) + "|",
    ]
    for r in rows(content):
        lines.append(
            "| " + " | ".join(cell(x) for x in [r["number"], r["commitment"], *(r[d] for d in TABLE1_DOCUMENTS)]) + " |"
        )
    lines += [
        "",
        _(LEGEND),
        "",
        _(
            "Source: IDPC advocacy note, September 2019, Table 1 (typographical slips corrected; see data/references.csv)."
        ),
    ]
    return "\n".join(lines) + "\n"


def to_json(content: Content | None = None) -> str:
    """Table 1 with both the rendered cells and the structured references."""
    content = content or load()
    out = []
    for r in rows(content):
        r = dict(r)
        r["references"] = [ref.model_dump() for ref in content.references_for(r["id"])]
        out.append(r)
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


def to_tsv_as_printed(content: Content | None = None) -> str:
    """Table 1 cell by cell exactly as the note prints it, tab-separated (the test fixture's form)."""
    return "".join(
        "\t".join([r["number"], *(r[d] for d in TABLE1_DOCUMENTS)]) + "\n" for r in rows(content, printed=True)
    )


FORMATS = {"csv": to_csv, "markdown": to_markdown, "json": to_json}

"""The Table 1 explorer: the 13 commitments against the three UN documents, as a matrix.

Table 1 of IDPC's advocacy note says where each commitment is anchored in the UNGASS
Outcome Document (2016), the 2019 Ministerial Declaration and the UN System Common
Position (2018), and prints a dash where a document says nothing.  Those silences are
part of the lesson (the 2019 Declaration on legal guarantees and on prison services,
the Common Position on gender), so here they read "silent" in words, never as a blank
or a colour.

The matrix is a real HTML ``<table>`` (caption, ``<th scope>``) inside an HTML widget,
so screen readers navigate it as a table and it prints.  Filters (document, section,
anchored/silent, word search) only change which rows and columns are shown; the
current view downloads as CSV through a ``data:`` link, since Voilà serves no files.

Only ipywidgets, the kit's data and :mod:`idpckit.table1` are imported (no pandas), so
the page opens about as fast as an empty one.

Example (in a notebook)::

    from idpckit.widgets.explorer import Table1Explorer
    ui = Table1Explorer()
    ui.widget
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import ipywidgets as w

from .. import data, table1
from ..i18n import _, current, ngettext
from ..schema import SECTIONS, TABLE1_DOCUMENTS, Commitment, Reference
from ..text import esc, neutralise_formula
from ._base import ErrorBox, full_width, style_widget, wrap_row
from ._base import download_link as _download_link

ALL = "all"
PRESENCE = ("all", "anchored", "silent")


def _fold(text: str) -> str:
    """Lower case without accents, so "decriminalisation" finds "Décriminalisation" too."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@dataclass(frozen=True)
class Row:
    """One commitment as the current view shows it: its references per shown document."""

    commitment: Commitment
    refs: dict[str, list[Reference]]

    def cell(self, doc: str) -> str:
        """The note's printed form of the references, or "" where the document is silent."""
        return table1.render(self.refs[doc]) if self.refs[doc] else ""


class Table1Explorer:
    """Explore Table 1: filter by document and section, search, see references, export CSV.

    Tests drive it like a user: set ``document.value``, ``section.value``,
    ``presence.value`` or ``search.value``, or click ``reset``; then read
    :attr:`visible_ids`, ``table.value`` (HTML) or :meth:`csv_bytes`.
    """

    def __init__(self, content: data.Content | None = None) -> None:
        from ..localise import load

        #: The page's language (``?lang=`` or the browser's); the door rebuilds the explorer when it differs.
        self.language = current()
        self.content = content or load(self.language)
        self._docs = {d.id: d for d in self.content.documents}
        self._updating = False
        self.errors = ErrorBox()

        label_style = {"description_width": "6em"}
        self.document = w.Dropdown(
            options=[(_("All three documents"), ALL)] + [(self._doc_label(d), d) for d in TABLE1_DOCUMENTS],
            value=ALL,
            description=_("Document"),
            style=label_style,
            layout=w.Layout(width="24em", max_width="100%"),
        )
        self.section = w.Dropdown(
            options=[(_("All sections"), ALL)],
            value=ALL,
            description=_("Section"),
            disabled=True,
            style=label_style,
            layout=w.Layout(width="24em", max_width="100%"),
        )
        self.presence = w.Dropdown(
            options=self._presence_options(),
            value=ALL,
            description=_("Show"),
            style=label_style,
            layout=w.Layout(width="24em", max_width="100%"),
        )
        self.search = w.Text(
            value="",
            description=_("Search"),
            placeholder=_("a word or a reference, e.g. prison or 4.j"),
            continuous_update=True,
            style=label_style,
            layout=w.Layout(width="32em", max_width="100%"),  # its example shows whole (24em cut it at "or")
        )
        self.reset = w.Button(description=_("Show everything"), tooltip=_("Clear every filter and the search"))
        self.status = w.HTML(layout=full_width())
        self.table = w.HTML(layout=full_width())
        self.export = w.HTML(layout=full_width())
        self.details = w.HTML(layout=full_width())

        self.document.observe(self.errors.guard(self._on_document), names="value")
        for control in (self.section, self.presence, self.search):
            control.observe(self.errors.guard(self._on_change), names="value")
        self.reset.on_click(self.errors.guard(self._on_reset))

        controls = w.Box(
            [self.document, self.section, self.presence, self.search, self.reset],
            layout=wrap_row(),
        )
        legend = w.HTML(
            '<p class="idpc-small">'
            + esc(
                _(
                    "OP = operative paragraph; PP = preambular paragraph. “Silent” means the document has no "
                    "reference for that commitment (a dash in the note). Column headings link to the documents."
                )
            )
            + "</p>"
        )
        self.widget = w.VBox(
            [
                style_widget(),
                controls,
                self.errors.widget,
                self.status,
                self.table,
                legend,
                self.export,
                self.details,
            ],
            layout=full_width(),
        )
        self.widget.add_class("idpc-app")
        self.render()

    # ------------------------------------------------------------------ labels and options

    def _doc_label(self, doc_id: str) -> str:
        d = self._docs[doc_id]
        year = d.date[:4]
        return d.short_name if year in d.short_name else f"{d.short_name} ({year})"

    def _presence_options(self, doc: str = ALL, section: str = ALL) -> list[tuple[str, str]]:
        if doc == ALL:
            return [
                (_("Every commitment"), "all"),
                (_("Anchored in all three documents"), "anchored"),
                (_("Silent in at least one document"), "silent"),
            ]
        if section == ALL:
            return [
                (_("Every commitment"), "all"),
                (_("Only those it anchors"), "anchored"),
                (_("Only those it is silent on"), "silent"),
            ]
        return [
            (_("Every commitment"), "all"),
            (_("Only those anchored in this section"), "anchored"),
            (_("Only those this section is silent on"), "silent"),
        ]

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Change several controls without re-rendering after each one."""
        self._updating = True
        try:
            yield
        finally:
            self._updating = False

    # ------------------------------------------------------------------ callbacks

    def _on_document(self, _change: object = None) -> None:
        if self._updating:
            return
        doc = self.document.value
        with self._quietly():
            if doc == ALL:
                self.section.options = [(_("All sections"), ALL)]
                self.section.disabled = True
            else:
                self.section.options = [(_("All sections"), ALL)] + [(table1.section_name(s), s) for s in SECTIONS[doc]]
                self.section.disabled = False
            self.section.value = ALL
            self._refresh_presence()
        self.render()

    def _refresh_presence(self) -> None:
        keep = self.presence.value
        self.presence.options = self._presence_options(self.document.value, self.section.value)
        self.presence.value = keep if keep in PRESENCE else ALL

    def _on_change(self, change: dict | None = None) -> None:
        if self._updating:
            return
        if change is not None and change.get("owner") is self.section:
            with self._quietly():
                self._refresh_presence()
        self.render()

    def _on_reset(self, _button: object = None) -> None:
        with self._quietly():
            self.document.value = ALL
            self.section.options = [(_("All sections"), ALL)]
            self.section.value = ALL
            self.section.disabled = True
            self.presence.options = self._presence_options()
            self.presence.value = ALL
            self.search.value = ""
        self.render()

    # ------------------------------------------------------------------ the view (pure)

    @property
    def columns(self) -> list[str]:
        """Documents shown as columns: the chosen one, or all three."""
        return list(TABLE1_DOCUMENTS) if self.document.value == ALL else [self.document.value]

    def _refs(self, commitment_id: str, doc: str) -> list[Reference]:
        refs = self.content.references_for(commitment_id, doc)
        if self.document.value != ALL and self.section.value != ALL:
            refs = [r for r in refs if r.section == self.section.value]
        return refs

    def _matches(self, row: Row) -> bool:
        presence = self.presence.value
        anchored = [bool(row.refs[d]) for d in self.columns]
        if presence == "anchored" and not all(anchored):
            return False
        if presence == "silent" and all(anchored):
            return False
        words = _fold(self.search.value).split()
        if words:
            everything = [
                row.commitment.title,
                row.commitment.summary,
                row.commitment.theme,
                str(row.commitment.number),
            ]
            everything += [table1.render(self.content.references_for(row.commitment.id, d)) for d in TABLE1_DOCUMENTS]
            haystack = _fold(" ".join(everything))
            if not all(word in haystack for word in words):
                return False
        return True

    def rows(self) -> list[Row]:
        """The commitments the current filters and search let through, in the note's order."""
        out = []
        for c in self.content.commitments:
            row = Row(c, {d: self._refs(c.id, d) for d in self.columns})
            if self._matches(row):
                out.append(row)
        return out

    def apply_query(self, params: object) -> None:
        """The explorer takes nothing from the address but its language (read by the door)."""

    @property
    def visible_ids(self) -> list[str]:
        return [r.commitment.id for r in self.rows()]

    def describe(self) -> str:
        """The current filters in words (for the status line and the table caption)."""
        parts = []
        doc, section, presence = self.document.value, self.section.value, self.presence.value
        if doc != ALL:
            named = _(", section “{section}”").format(section=table1.section_name(section)) if section != ALL else ""
            parts.append(self._doc_label(doc) + named)
        if presence != ALL:
            labels = {value: label for label, value in self.presence.options}
            parts.append(labels[presence].lower())
        if self.search.value.strip():
            parts.append(_("matching “{words}”").format(words=self.search.value.strip()))
        return "; ".join(parts)

    def csv_bytes(self) -> bytes:
        """The current view as CSV (UTF-8): number, id, commitment, one column per shown document."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        section = self.section.value
        named = f" ({table1.section_name(section)})" if section != ALL else ""
        heads = [table1.heading(d) + named for d in self.columns]
        writer.writerow(["#", "id", table1.heading("commitment"), *heads])
        for row in self.rows():
            c = row.commitment
            cells = [row.cell(d) or "-" for d in self.columns]
            writer.writerow([str(c.number), c.id, *(neutralise_formula(x) for x in [c.title, *cells])])
        return buf.getvalue().encode("utf-8")

    def csv_filename(self) -> str:
        parts = ["table1"]
        if self.document.value != ALL:
            parts.append(self.document.value)
        if self.section.value != ALL:
            parts.append(self.section.value.lower().replace(" ", "-"))
        if self.presence.value != ALL:
            parts.append(self.presence.value)
        if self.search.value.strip():
            parts.append("search")
        return "-".join(parts) + ".csv"

    # ------------------------------------------------------------------ HTML

    def _header(self, doc: str) -> str:
        d = self._docs[doc]
        label = esc(self._doc_label(doc))
        return f'<a href="{esc(d.url)}" target="_blank" rel="noopener">{label}</a>' if d.url else label

    def _table_html(self, rows: list[Row]) -> str:
        silent = _("not in this section") if self.section.value != ALL else _("silent")
        described = self.describe()
        caption = esc(
            _("Table 1: where each commitment is anchored. Showing {shown} of {total}").format(
                shown=len(rows), total=len(self.content.commitments)
            )
        )
        caption += f" ({esc(described)})." if described else "."
        head = "".join(f'<th scope="col">{self._header(d)}</th>' for d in self.columns)
        body = []
        for row in rows:
            c = row.commitment
            cells = []
            for d in self.columns:
                text = row.cell(d)
                if text:
                    cells.append(f"<td>{esc(text)}</td>")
                else:
                    cells.append(f'<td class="idpc-silent"><span aria-hidden="true">— </span>{esc(silent)}</td>')
            body.append(
                f'<tr data-commitment="{esc(c.id)}"><td class="idpc-num">{c.number}</td>'
                f'<th scope="row">{esc(c.title)}</th>{"".join(cells)}</tr>'
            )
        if not rows:
            none = _("No commitment matches these filters. Try another word, or press “{reset}”.").format(
                reset=_("Show everything")
            )
            body.append(f'<tr><td colspan="{2 + len(self.columns)}">{esc(none)}</td></tr>')
        return (
            '<div class="idpc-scroll"><table class="idpc-table idpc-t1">'
            f"<caption>{caption}</caption>"
            f'<thead><tr><th scope="col">#</th><th scope="col">{esc(_("Commitment"))}</th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )

    def _details_html(self, rows: list[Row]) -> str:
        if not rows:
            return ""
        items = []
        for row in rows:
            c = row.commitment
            lines = []
            for doc in TABLE1_DOCUMENTS:
                refs = self.content.references_for(c.id, doc)
                d = self._docs[doc]
                name = self._header(doc)
                if refs:
                    lines.append(f"<li>{name}: {esc(table1.render(refs))}</li>")
                else:
                    lines.append(f"<li>{name}: {esc(_('silent, no reference to this commitment.'))}</li>")
                for r in refs:
                    if r.note:
                        note = _("Note on {document} {ref}: {note}").format(
                            document=d.short_name, ref=r.ref, note=r.note
                        )
                        lines.append(f'<li class="idpc-small">{esc(note)}</li>')
            items.append(
                f'<details data-commitment="{esc(c.id)}"><summary>{c.number}. {esc(c.title)}</summary>'
                f'<p class="idpc-prose">{esc(c.summary)}</p><ul>{"".join(lines)}</ul></details>'
            )
        return (
            '<div class="idpc-t1-details"><h2 style="font-size:1.15em">'
            + esc(_("The references, commitment by commitment"))
            + "</h2>"
            + "".join(items)
            + "</div>"
        )

    def render(self) -> None:
        """Bring the status, table, details and export link in line with the controls."""
        rows = self.rows()
        total = len(self.content.commitments)
        described = self.describe()
        showing = ngettext(
            "Showing {shown} of {total} commitment", "Showing {shown} of {total} commitments", total
        ).format(shown=f"<strong>{len(rows)}</strong>", total=total)
        if described:  # French puts a space before the colon: the whole line is one message
            showing = _("{showing}: {filters}").format(showing=showing, filters=esc(described))
        self.status.value = f'<p role="status" aria-live="polite">{showing}.</p>'
        self.table.value = self._table_html(rows)
        self.details.value = self._details_html(rows)
        if rows:
            link = _download_link(self.csv_bytes(), self.csv_filename(), "text/csv", _("Download this view (CSV)"))
            self.export.value = f'<p class="idpc-downloads">{link}</p>'
        else:
            nothing = esc(_("Nothing to download: no commitment is shown."))
            self.export.value = f'<p class="idpc-small">{nothing}</p>'

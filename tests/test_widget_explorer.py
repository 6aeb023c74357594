"""The Table 1 explorer, driven as a trainee would but without a browser: set controls, read the page."""

from __future__ import annotations

import base64
import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from idpckit import data, table1
from idpckit.widgets.explorer import Table1Explorer


class _Table(HTMLParser):
    """Collects the matrix as a user (or screen reader) meets it: headers with scope, and cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.col_headers: list[str] = []
        self.rows: list[list[str]] = []
        self.row_headers: list[str] = []
        self.links: list[str] = []
        self._cell: list[str] | None = None
        self._scope: str | None = None
        self.caption = ""
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell, self._scope = [], a.get("scope")
        elif tag == "a":
            self.links.append(a.get("href") or "")
        elif tag == "caption":
            self._in_caption = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell).strip()
            if self._scope == "col":
                self.col_headers.append(text)
            else:
                self.rows[-1].append(text)
                if self._scope == "row":
                    self.row_headers.append(text)
            self._cell = None
        elif tag == "caption":
            self._in_caption = False

    def handle_data(self, text: str) -> None:
        if self._cell is not None:
            self._cell.append(text)
        if self._in_caption:
            self.caption += text


def parse(html: str) -> _Table:
    p = _Table()
    p.feed(html)
    p.rows = [r for r in p.rows if r]
    return p


def csv_rows(ui: Table1Explorer) -> list[list[str]]:
    return list(csv.reader(io.StringIO(ui.csv_bytes().decode("utf-8"))))


@pytest.fixture
def ui() -> Table1Explorer:
    return Table1Explorer()


def test_opens_on_the_whole_table_as_an_accessible_html_table(ui: Table1Explorer) -> None:
    t = parse(ui.table.value)
    content = data.load()
    assert t.col_headers == ["#", "Commitment", "UNGASS Outcome Document (2016)", "2019 Ministerial Declaration",
                             "UN System Common Position (2018)"]  # fmt: skip
    assert t.row_headers == [c.title for c in content.commitments]
    assert "<caption>" in ui.table.value and "Showing 13 of 13" in t.caption
    # Every cell is the note's Table 1 text, or the word "silent" where the note prints a dash.
    for row, expected in zip(t.rows, table1.rows(content), strict=True):
        cells = row[2:]
        for cell, doc in zip(cells, ("ungass2016", "md2019", "cp2018"), strict=True):
            assert cell == (expected[doc] if expected[doc] != "-" else "— silent")
    assert "Showing <strong>13</strong> of 13" in ui.status.value


def test_silences_read_as_words_where_the_note_prints_a_dash(ui: Table1Explorer) -> None:
    t = parse(ui.table.value)
    by_id = dict(zip(ui.visible_ids, t.rows, strict=True))
    assert by_id["legal-guarantees"][3] == "— silent"  # the 2019 Declaration on legal guarantees
    assert by_id["prison-health"][3] == "— silent"  # ... and on prison services
    assert by_id["gender"][4] == "— silent"  # the Common Position on gender
    silent_cells = re.findall(r'<td class="idpc-silent">(.*?)</td>', ui.table.value)
    assert len(silent_cells) == 3 and all("silent" in c for c in silent_cells)


def test_filter_by_document_keeps_its_column_and_finds_its_silences(ui: Table1Explorer) -> None:
    ui.document.value = "md2019"
    assert ui.section.disabled is False
    assert parse(ui.table.value).col_headers == ["#", "Commitment", "2019 Ministerial Declaration"]
    ui.presence.value = "silent"
    assert ui.visible_ids == ["legal-guarantees", "prison-health"]
    assert "Showing <strong>2</strong> of 13" in ui.status.value and "silent" in ui.status.value
    ui.presence.value = "anchored"
    assert len(ui.visible_ids) == 11 and "legal-guarantees" not in ui.visible_ids

    ui.document.value = "cp2018"  # the choice of anchored/silent is kept across documents
    ui.presence.value = "silent"
    assert ui.visible_ids == ["gender"]


def test_filter_by_section(ui: Table1Explorer) -> None:
    ui.document.value = "md2019"
    assert [v for _, v in ui.section.options] == ["all", "Preamble", "Stocktaking", "Way forward"]
    ui.section.value = "Stocktaking"
    ui.presence.value = "anchored"
    assert ui.visible_ids == ["controlled-medicines"]
    assert parse(ui.table.value).rows[0][2] == "Stocktaking: OP 3"
    ui.section.value = "Way forward"
    assert ui.visible_ids == ["treatment", "data", "civil-society"]
    ui.presence.value = "silent"
    assert "not in this section" in ui.table.value and "treatment" not in ui.visible_ids

    ui.document.value = "ungass2016"  # a new document starts again from all its sections
    assert ui.section.value == "all"
    assert "Stocktaking" not in [v for _, v in ui.section.options]


def test_search_by_word_title_summary_or_reference(ui: Table1Explorer) -> None:
    ui.search.value = "gender"
    assert ui.visible_ids == ["gender"]
    ui.search.value = "  HARM   reduction "
    assert ui.visible_ids == ["harm-reduction"]
    ui.search.value = "4.j"  # a paragraph reference finds its commitment
    assert ui.visible_ids == ["alternatives"]
    ui.search.value = "lawyer"  # a word only in the plain-words summary
    assert ui.visible_ids == ["legal-guarantees"]
    ui.search.value = "no such thing"
    assert ui.visible_ids == []
    assert "No commitment matches" in ui.table.value
    assert "Nothing to download" in ui.export.value


def test_reset_shows_everything_again(ui: Table1Explorer) -> None:
    ui.document.value = "md2019"
    ui.section.value = "Preamble"
    ui.presence.value = "silent"
    ui.search.value = "prison"
    ui.reset.click()
    assert (ui.document.value, ui.section.value, ui.presence.value, ui.search.value) == ("all", "all", "all", "")
    assert ui.section.disabled and len(ui.visible_ids) == 13


def test_references_with_links_to_the_documents(ui: Table1Explorer) -> None:
    content = data.load()
    urls = {d: content.document(d).url for d in ("ungass2016", "md2019", "cp2018")}
    assert all(url in parse(ui.table.value).links for url in urls.values())
    details = ui.details.value
    for c in content.commitments:
        assert f'data-commitment="{c.id}"' in details
    one = re.search(r'<details data-commitment="legal-guarantees">.*?</details>', details, re.S).group(0)
    assert "OP 4.o" in one and "silent" in one and urls["ungass2016"] in one
    assert "Printed as" in one  # the correction of the note's "OP 4.0" is explained
    ui.search.value = "gender"
    assert ui.details.value.count("<details") == 1


def test_csv_export_is_the_current_view(ui: Table1Explorer) -> None:
    rows = csv_rows(ui)
    assert rows[0] == ["#", "id", table1.HEADINGS["commitment"], *(table1.HEADINGS[d] for d in table1.TABLE1_DOCUMENTS)]
    assert len(rows) == 14 and rows[2][3] == "OP 4.o" and rows[2][4] == "-"

    ui.document.value = "md2019"
    ui.presence.value = "silent"
    rows = csv_rows(ui)
    assert rows == [
        ["#", "id", table1.HEADINGS["commitment"], table1.HEADINGS["md2019"]],
        ["2", "legal-guarantees", data.load().commitment("legal-guarantees").title, "-"],
        ["5", "prison-health", data.load().commitment("prison-health").title, "-"],
    ]
    link = re.search(r'<a download="([^"]+)" href="data:text/csv;base64,([^"]+)"', ui.export.value)
    assert link, ui.export.value
    assert link.group(1) == "table1-md2019-silent.csv"
    assert base64.b64decode(link.group(2)) == ui.csv_bytes()


def test_html_and_formulas_in_edited_data_are_neutralised(data_copy: Path) -> None:
    path = data_copy / "commitments.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("Developing gender-sensitive policies", '=HYPERLINK("x") <script>alert(1)</script> gender')
    path.write_text(text, encoding="utf-8")
    ui = Table1Explorer(data.load(data_copy))
    assert "<script>" not in ui.table.value and "<script>" not in ui.details.value
    assert "&lt;script&gt;" in ui.table.value
    ui.search.value = "gender"
    title = csv_rows(ui)[1][2]
    assert title.startswith("'=HYPERLINK")  # a spreadsheet shows it as text, not a formula


def test_every_control_has_a_label(ui: Table1Explorer) -> None:
    for control in (ui.document, ui.section, ui.presence, ui.search):
        assert control.description
    assert ui.reset.description == "Show everything"
    assert "idpc-app" in ui.widget._dom_classes

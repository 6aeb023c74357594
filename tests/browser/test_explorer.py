"""The Table 1 explorer in a real browser: the matrix, its filters, search and CSV download."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from voila_helpers import error_outputs

pytestmark = pytest.mark.browser


def _row_titles(page) -> list[str]:
    return [t.strip() for t in page.locator('table.idpc-t1 tbody th[scope="row"]').all_inner_texts()]


def test_explorer_filters_searches_and_exports(open_notebook) -> None:
    page = open_notebook("table1-explorer.ipynb")
    assert error_outputs(page) == []
    table = page.locator("table.idpc-t1")
    assert table.locator("caption").inner_text().startswith("Table 1: where each commitment is anchored")
    assert len(_row_titles(page)) == 13
    assert table.locator('thead th[scope="col"]').count() == 5

    # Filter by document, then keep only what it is silent on.
    page.get_by_label("Document").select_option(label="2019 Ministerial Declaration")
    page.get_by_label("Show", exact=True).select_option(label="Only those it is silent on")
    page.wait_for_function("() => document.querySelectorAll('table.idpc-t1 tbody tr').length === 2")
    assert _row_titles(page) == [
        "Ensuring legal guarantees and due process safeguards in the criminal justice system, including timely "
        "access to legal aid and the right to a fair trial",
        "Improving access to prevention, treatment, care and support services in prison",
    ]
    assert table.locator("tbody td.idpc-silent").all_inner_texts() == ["— silent", "— silent"]
    assert "Showing 2 of 13 commitments" in page.inner_text("[role=status]")

    # The download is the current view.
    link = page.get_by_role("link", name="Download this view (CSV)")
    assert link.get_attribute("href").startswith("data:text/csv;base64,")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "table1-md2019-silent.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert [r[1] for r in rows[1:]] == ["legal-guarantees", "prison-health"]

    # Search by word, after showing everything again.
    page.get_by_role("button", name="Show everything").click()
    page.wait_for_function("() => document.querySelectorAll('table.idpc-t1 tbody tr').length === 13")
    page.get_by_label("Search").fill("gender")
    page.wait_for_function("() => document.querySelectorAll('table.idpc-t1 tbody tr').length === 1")
    assert _row_titles(page) == ["Developing gender-sensitive policies"]
    assert page.locator("table.idpc-t1 tbody td.idpc-silent").inner_text() == "— silent"  # the Common Position


def test_the_explorer_in_french(open_notebook) -> None:
    """?lang=fr: the page's heading, the controls, the table and its silences, all in French (issue 15)."""
    from playwright.sync_api import expect

    page = open_notebook("table1-explorer.ipynb", "lang=fr")
    assert error_outputs(page) == []
    assert page.evaluate("document.documentElement.lang") == "fr"
    expect(page.get_by_role("heading", level=1, name="Explorateur du tableau 1")).to_be_visible()
    table = page.locator("table.idpc-t1")
    assert table.locator("caption").inner_text().startswith("Tableau 1 : où chaque engagement est ancré")
    page.get_by_label("Document").select_option(label="Déclaration ministérielle de 2019")
    page.get_by_label("Afficher").select_option(label="Seulement ceux sur lesquels il est silencieux")
    page.wait_for_function("() => document.querySelectorAll('table.idpc-t1 tbody tr').length === 2")
    assert table.locator("tbody td.idpc-silent").all_inner_texts() == ["— silencieux", "— silencieux"]
    assert "Affichage de 2 engagements sur 13" in page.inner_text("[role=status]")
    expect(page.get_by_role("link", name="Télécharger cette vue (CSV)")).to_be_visible()
    text = page.inner_text("body")
    for english in ("Table 1 explorer", "Show everything", "Every commitment", "Showing", "silent on"):
        assert english not in text, english


def test_explorer_fits_a_phone_screen(make_page, kit_server) -> None:
    from voila_helpers import wait_rendered

    phone = make_page(width=390, height=844)
    phone.goto(kit_server.url("table1-explorer.ipynb"))
    wait_rendered(phone)
    overflow = phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than a phone screen"
    assert phone.get_by_label("Document").is_visible()

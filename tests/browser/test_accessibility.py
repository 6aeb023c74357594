"""Every page a trainee or trainer meets passes axe-core's WCAG 2.1 A and AA rules, in Chromium.

axe-core (bundled by the ``axe-playwright-python`` package) runs inside the real page that
Voilà served, after the widgets are drawn: the index, every lesson, the Table 1 explorer,
the room dashboard (these in tests/browser/test_lesson_pages.py, in the one visit that also
checks each renders without errors), each step of the self-assessment app (welcome, set-up, a commitment,
the summary, and the messages met on the way) and the HTML report a trainee downloads. The index, the
app's steps, the dashboard and the report are checked at a laptop's and a phone's size. A violation fails the test with the
rule, the element and axe's own advice, so the fix is clear from the failure alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from voila_helpers import violations, wait_rendered

from idpckit import report
from idpckit.assessment import Assessment, Entry
from idpckit.assessment_io import read_assessment
from idpckit.data import data_dir, load
from idpckit.rooms import Rooms
from idpckit.store import Store

pytestmark = pytest.mark.browser

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LESSONS = sorted(p.name for p in NOTEBOOKS.glob("0*.ipynb"))


def test_there_are_lessons_to_check() -> None:
    assert len(LESSONS) >= 8, LESSONS


def test_every_lesson_and_tool_is_checked_where_it_is_opened() -> None:
    """Each lesson and app page is checked by axe-core in the one visit test_lesson_pages.py makes to it
    (``test_notebook_renders_without_errors_or_code``), not in a second visit of its own here."""
    from test_lesson_pages import NOTEBOOKS as OPENED

    assert {*LESSONS, "table1-explorer.ipynb", "room-dashboard.ipynb", "self-assessment.ipynb"} <= set(OPENED)


PHONE = {"width": 390, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SCREENS = pytest.mark.parametrize("screen", [DESKTOP, PHONE], ids=["desktop", "phone"])

#: Images the browser could not draw (a broken-image icon in the page), by their alternative text.
BROKEN_IMAGES_JS = "() => [...document.images].filter(i => i.complete && i.naturalWidth === 0).map(i => i.alt || i.src)"


@SCREENS
def test_the_index_page(kit_server, make_page, screen: dict[str, int]) -> None:
    page = make_page(**screen)
    page.goto(kit_server.base)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert violations(page) == []


@pytest.mark.parametrize("notebook", ["es/06-grading-your-government.ipynb", "fr/04-table1.ipynb"])
def test_translated_lessons(notebook: str, open_notebook) -> None:
    """A translated lesson is the same page in other words: still no violation (its ``lang`` included)."""
    page = open_notebook(notebook)
    assert violations(page) == []


def test_the_index_page_in_russian_with_its_notice(kit_server, page: Page) -> None:
    page.goto(kit_server.base + "?lang=ru")
    expect(page.get_by_role("note")).to_be_visible()
    assert violations(page) == []


@SCREENS
def test_every_step_of_the_self_assessment(kit_server, make_page, screen: dict[str, int]) -> None:
    """Each step, and the messages a trainee meets on the way (a wrong resume code, a set-up not complete)."""
    page = make_page(**screen)
    page.goto(kit_server.url("self-assessment.ipynb"))
    wait_rendered(page)
    assert violations(page) == [], "welcome"

    page.get_by_label("Resume code").fill("NOPE-NOPE")
    page.get_by_role("button", name="Resume", exact=True).click()
    expect(page.get_by_text(re.compile("No review is saved under the code"))).to_be_visible()
    assert violations(page) == [], "welcome with a wrong code's message"

    page.get_by_role("button", name=re.compile(r"^Start a new review")).click()
    country = page.get_by_label("Country", exact=True)
    expect(country).to_be_visible()
    assert violations(page) == [], "set-up"

    page.get_by_role("button", name="Next ▶").first.click()
    expect(page.locator(".idpc-setup-message")).to_contain_text("Choose the country you are grading")
    assert violations(page) == [], "set-up with its warning"

    country.fill("Colombia")
    page.get_by_label("Go to step").select_option(index=1)
    expect(page.get_by_role("heading", name=re.compile(r"^Commitment 1: "))).to_be_visible()
    assert violations(page) == [], "a commitment"

    select = page.get_by_label("Go to step")
    select.select_option(index=select.locator("option").count() - 1)
    expect(page.get_by_role("heading", name=re.compile(r"^Summary: Colombia, \d{4}$"))).to_be_visible(timeout=30_000)
    assert page.evaluate(BROKEN_IMAGES_JS) == [], "a broken image while the chart is drawn"
    assert violations(page) == [], "summary"
    page.wait_for_selector(".idpc-files-ready", timeout=30_000)
    expect(page.get_by_role("img", name=re.compile("."))).not_to_have_count(0)
    assert page.evaluate(BROKEN_IMAGES_JS) == []
    assert violations(page) == [], "summary with its chart and files"


@SCREENS
def test_the_room_dashboard_opened_on_a_room_with_reviews(
    kit_server, open_notebook, make_page, screen: dict[str, int]
) -> None:
    """What the trainer reads: submissions, the heatmap, results per country, the evidence side by side."""
    store = Store(kit_server.store_url)
    room, key = Rooms(store).create("Accessibility workshop")
    first, second = (c.id for c in load().commitments[:2])
    for org, country, grades in (("Alpha NGO", "KEN", (1, 4)), ("Beta NGO", "KEN", (5, 4)), ("Gamma", "UGA", (2, 3))):
        entries = [
            Entry(commitment_id=c, grade=g, evidence=f"{org} on {c}")
            for c, g in zip((first, second), grades, strict=True)
        ]
        review = Assessment(country=country, year=2025, room=room.code, organisations=[org], entries=entries)
        store.submit(store.save_draft(review))
    store.save_draft(Assessment(country="KEN", year=2025, room=room.code, organisations=["Delta"]))  # a draft
    page = open_notebook("room-dashboard.ipynb", f"room={room.code}", on=make_page(**screen))
    page.get_by_label("Trainer key").fill(key)
    page.get_by_role("button", name="Open room").click()
    expect(page.get_by_text(re.compile(r"^3 submitted, 1 started"))).to_be_visible()
    expect(page.locator("table.idpc-results").first).to_be_visible()
    choice = page.get_by_label("Commitment", exact=True)
    choice.select_option(index=1)
    expect(page.locator("table.idpc-evidence")).to_be_visible()
    assert violations(page) == []


def test_the_index_and_the_self_assessment_in_spanish(kit_server, page: Page) -> None:
    page.goto(kit_server.base + "?lang=es")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "es"
    assert violations(page) == [], "index"

    page.goto(kit_server.url("self-assessment.ipynb", "lang=es"))
    wait_rendered(page)
    page.get_by_role("button", name="Empezar una nueva evaluación").click()
    expect(page.get_by_label("País", exact=True)).to_be_visible()
    assert violations(page) == [], "set-up"


def test_the_table1_explorer_on_a_phone(open_notebook, make_page) -> None:
    """The explorer at a laptop's size is checked where test_lesson_pages.py opens it; here at a phone's."""
    page = open_notebook("table1-explorer.ipynb", on=make_page(**PHONE))
    expect(page.locator(".idpc-app").first).to_be_visible()
    assert violations(page) == []


@SCREENS
def test_the_downloaded_html_report(tmp_path: Path, make_page, screen: dict[str, int]) -> None:
    page = make_page(**screen)
    review = read_assessment(data_dir() / "examples" / "veridia-2024.json")
    path = tmp_path / "report.html"
    path.write_text(report.html_report(review), encoding="utf-8")
    page.goto(path.as_uri())
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert violations(page) == []

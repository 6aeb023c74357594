"""Every lesson and app in a real browser, as a trainee uses them: each opens rendered, with no code, no
error and no axe-core violation; the Table 1 quiz gives feedback, the advocacy plan downloads, and the grading lesson fits a phone."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_looks import small_text
from voila_helpers import error_outputs, violations

from idpckit import catalog, data, exercises

pytestmark = pytest.mark.browser

_scan = catalog.scan()
# Notebooks with broken metadata are still opened here (tests/test_catalog.py reports the metadata).
#: A phone's screen in CSS pixels (an iPhone 12-15's), as in tests/browser/test_looks.py.
PHONE = {"width": 390, "height": 844}
NOTEBOOKS = [e.name for e in _scan.entries] + [p.file for p in _scan.problems if p.file.endswith(".ipynb")]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_renders_without_errors_or_code(name: str, open_notebook) -> None:
    """One visit a page (a lesson runs in a kernel of its own each time): rendered, no code, no error, no text
    under 14 px, and no axe-core WCAG 2.1 A/AA violation at a laptop's size nor, the same page narrowed, at a
    phone's (a table that fits a laptop scrolls on a phone, and a box that scrolls must be reachable with the
    keyboard); tests/browser/test_accessibility.py checks the other pages."""
    page = open_notebook(name)
    assert error_outputs(page) == []
    # Sources are stripped: no code cell inputs reach the page.
    assert page.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor, .cm-editor").count() == 0
    assert page.locator("#rendered_cells").inner_text().strip()  # something is shown
    found = {"desktop": violations(page), "text under 14 px": small_text(page)}
    page.set_viewport_size(PHONE)
    page.wait_for_function("w => window.innerWidth === w", arg=PHONE["width"])
    found["phone"] = violations(page)
    assert {size: v for size, v in found.items() if v} == {}


def test_table1_quiz_gives_feedback_in_the_page(open_notebook) -> None:
    page = open_notebook("04-table1.ipynb")
    assert error_outputs(page) == []
    questions = list(exercises.load("04-table1").specs.values())
    question = next(q for q in questions if q.id == "cp2018-silent")
    # Found by its question, not its position: the lesson has other checks before the quiz.
    check = page.locator(".idpckit-check").filter(has_text=question.prompt)
    expect(check).to_have_count(1)

    wrong = next(o.text for o in question.options if not o.correct)
    check.get_by_label(wrong, exact=True).check()
    check.get_by_role("button", name="Check my answer").click()
    check.get_by_text("Not yet").wait_for()

    check.get_by_role("button", name="Try again").click()
    for label in question.solution():
        check.get_by_label(label, exact=True).check()
    check.get_by_role("button", name="Check my answer").click()
    check.get_by_text("Correct").wait_for()

    check.get_by_role("button", name="Show solution").click()
    check.get_by_text("The same answer with a few lines of pandas").wait_for()
    assert 'data.frame("references")' in check.inner_text()

    # "Which commitment has the most references?" has one answer: radios, not tick boxes.
    most_spec = next(q for q in questions if q.id == "cp2018-most")
    most = page.locator(".idpckit-check").filter(has_text=most_spec.prompt)
    expect(most.get_by_role("radio")).to_have_count(len(most_spec.options))
    expect(most.get_by_role("checkbox")).to_have_count(0)
    most.get_by_label(most_spec.solution(), exact=True).check()
    most.get_by_role("button", name="Check my answer").click()
    most.get_by_text("Correct").wait_for()


def test_advocacy_plan_is_built_and_downloaded(open_notebook) -> None:
    page = open_notebook("05-calendar-and-venues.ipynb")
    assert error_outputs(page) == []
    content = data.load()
    avenue = next(a for a in content.avenues if a.id == "national-support-dont-punish")

    page.get_by_role("radiogroup", name="Where").get_by_role("radio", name="National", exact=True).click()
    page.get_by_label("Venue").select_option(label=avenue.venue)
    page.get_by_label(avenue.actions[0], exact=True).check()
    page.get_by_label("Note (optional)").fill("Invite the health ministry")
    page.get_by_label("Note (optional)").press("Tab")  # ipywidgets sends a Text's value on blur
    page.get_by_role("button", name="Add to the plan").click()
    page.get_by_text("✔ Added:").wait_for()
    assert "Invite the health ministry" in page.locator("table.idpckit-plan-table").inner_text()

    page.get_by_role("button", name="Prepare CSV download").click()
    link = page.get_by_role("link", name="Download advocacy-plan-")
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert [(r["avenue_id"], r["action"], r["note"]) for r in rows] == [
        (avenue.id, avenue.actions[0], "Invite the health ministry")
    ]
    assert info.value.suggested_filename.startswith("advocacy-plan-") and info.value.suggested_filename.endswith(".csv")

    # Every button shows its whole label, and preparing the Markdown keeps the CSV link.
    for name in ("Add to the plan", "Remove this action", "Prepare CSV download", "Prepare Markdown download"):
        button = page.get_by_role("button", name=name)
        assert button.evaluate("b => b.scrollWidth <= b.clientWidth + 1"), f"{name} is cut short"
    page.get_by_role("button", name="Prepare Markdown download").click()
    page.get_by_role("link", name=re.compile(r"Download advocacy-plan-.*\.md")).wait_for()
    assert page.get_by_role("link", name=re.compile(r"Download advocacy-plan-.*\.csv")).count() == 1


def test_grading_lesson_fits_a_phone(make_page, open_notebook) -> None:
    phone = make_page(width=390, height=844)
    page = open_notebook("06-grading-your-government.ipynb", on=phone)
    assert error_outputs(page) == []
    # No sideways scrolling on a phone: long option labels wrap instead of running off the screen.
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 2
    link = page.get_by_role("link", name="self-assessment app")
    assert link.get_attribute("href") == "self-assessment.ipynb"


def test_a_neighbouring_grade_is_accepted_with_the_reason_in_the_page(open_notebook) -> None:
    page = open_notebook("06-grading-your-government.ipynb")
    assert error_outputs(page) == []
    spec = exercises.get("06-checks", "grade-harm-reduction")
    near = next(o for o in spec.options if o.accepted)
    check = page.locator(".idpckit-check").filter(has_text=spec.title)
    check.get_by_label(near.text, exact=True).check()
    check.get_by_role("button", name="Check my answer").click()
    check.get_by_text("Close enough").wait_for()
    assert "fits better than" in check.inner_text()
    assert check.get_by_role("button", name="Try again").is_enabled()

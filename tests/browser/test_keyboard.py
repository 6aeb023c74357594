"""The self-assessment app worked with the keyboard, the way a screen-reader or keyboard user works it.

ipywidgets draws single choices as plain buttons (grade, confidence) or as radios without a
shared name (scale); the kit's page script (``templates/widgets.js``) makes each a radio group.
Here, in Chromium, each must be a ``radiogroup`` with a name whose options are ``radio`` with a
checked state, one Tab stop, arrow keys (and Home/End) moving the choice, and the choice must
reach the kernel (the review saved in the server's store holds it).
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect
from voila_helpers import wait_rendered

from idpckit.store import Store
from idpckit.widgets._base import grade_label

pytestmark = pytest.mark.browser

APP = "self-assessment.ipynb"


def focused(page: Page) -> str:
    """The accessible role and text of the focused element, e.g. ``radio: 2 ▼ Serious shortcomings``."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return (e.getAttribute('role') || e.type || e.tagName.toLowerCase()) + ': ' +"
        " (e.type === 'radio' ? e.parentElement.textContent : e.textContent || e.placeholder || '').trim(); }"
    )


def resume_code(page: Page) -> str:
    status = page.get_by_role("status").filter(has_text="Your resume code")
    expect(status).to_be_visible()
    return status.locator("strong").inner_text().strip()


def test_grade_confidence_and_scale_are_radio_groups_worked_with_arrow_keys(kit_server, page: Page) -> None:
    page.goto(kit_server.url(APP))
    wait_rendered(page)
    page.get_by_role("button", name="Start a new review").click()
    page.get_by_label("Country", exact=True).fill("Colombia")
    expect(page.get_by_text("✔ Colombia (COL)")).to_be_visible()
    code = resume_code(page)

    # The scale: native radios in one named group, so the arrow keys choose and one Tab leaves it.
    scale = page.get_by_role("radiogroup", name="Scale")
    five, light = (
        scale.get_by_role("radio", name=re.compile("^Five-point")),
        scale.get_by_role("radio", name=re.compile("^Traffic")),
    )
    five.focus()
    page.keyboard.press("ArrowDown")
    expect(light).to_be_checked()
    expect(light).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(five).to_be_checked()
    page.keyboard.press("Tab")
    assert not focused(page).startswith("radio"), focused(page)

    page.get_by_label("Go to step").select_option(index=1)
    expect(page.get_by_role("heading", name=re.compile(r"^Commitment 1: "))).to_be_visible()

    grades = page.get_by_role("radiogroup", name="Grade for commitment 1")
    radios = grades.get_by_role("radio")
    expect(radios).to_have_count(6)
    checked = grades.get_by_role("radio", checked=True)
    expect(checked).to_have_accessible_name("– Not assessed")
    # One Tab stop: only the checked option is in the tab order.
    assert [r.get_attribute("tabindex") for r in radios.all()] == ["-1"] * 5 + ["0"]

    checked.focus()
    page.keyboard.press("Home")
    expect(checked).to_have_accessible_name(grade_label(1, "five-point"))
    expect(radios.first).to_be_focused()
    expect(page.get_by_text(f"Selected: {grade_label(1, 'five-point')}", exact=True)).to_be_visible()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(checked).to_have_accessible_name(grade_label(3, "five-point"))
    page.keyboard.press("ArrowLeft")
    expect(checked).to_have_accessible_name(grade_label(2, "five-point"))
    expect(radios.nth(1)).to_be_focused()
    expect(page.get_by_text(f"Selected: {grade_label(2, 'five-point')}", exact=True)).to_be_visible()
    assert [r.get_attribute("aria-checked") for r in radios.all()] == ["false", "true"] + ["false"] * 4

    # Tab leaves the group for the next field; Shift+Tab comes back to the checked option.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Evidence", exact=True)).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(radios.nth(1)).to_be_focused()

    sure = page.get_by_role("radiogroup", name="How sure are you?")
    sure.get_by_role("radio", checked=True).focus()
    page.keyboard.press("End")
    expect(sure.get_by_role("radio", checked=True)).to_have_accessible_name("High")
    page.keyboard.press("ArrowRight")  # wraps round to the first option, as native radios do
    expect(sure.get_by_role("radio", checked=True)).to_have_accessible_name("Not said")
    page.keyboard.press("ArrowRight")
    expect(sure.get_by_role("radio", checked=True)).to_have_accessible_name("Low")

    # What the keys chose reached the kernel and was saved.
    store = Store(kit_server.store_url)
    expect(page.get_by_text("1 of 13 graded", exact=True)).to_be_visible()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        entry = store.load(code).assessment.entries[0]
        if (entry.grade, entry.confidence) == (2, "low"):
            break
        time.sleep(0.2)
    assert (entry.grade, entry.confidence) == (2, "low")
    assert store.load(code).assessment.scale == "five-point"

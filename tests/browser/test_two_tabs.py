"""Two tabs on one review in Chromium: each changes a different commitment, and both changes are kept.

The trainee opens the review a second time with the app's own "open in a new tab" link
(the same browser, its own kernel).  Each tab saves with the revision it loaded; the
store refuses the tab whose copy is stale, and the app merges per commitment and says
so in words.  Reloading either tab shows both changes; the store holds both.  The same
rules without a browser, on SQLite and PostgreSQL: tests/test_app_two_tabs.py.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from test_self_assessment import COMMITMENTS, commitment_heading, go_to_step, label, open_app, resume_code
from voila_helpers import kernel_id, wait_rendered

from idpckit.store import Store


def saved_when(kit_server, code: str, done: Callable[..., bool], within_s: float = 30.0):
    """The review as stored, once ``done(review)`` holds (autosave follows typing by a moment), or as it is then."""
    deadline = time.monotonic() + within_s
    saved = Store(kit_server.store_path).load(code).assessment
    while not done(saved) and time.monotonic() < deadline:
        time.sleep(0.25)
        saved = Store(kit_server.store_path).load(code).assessment
    return saved


pytestmark = pytest.mark.browser

BOTH_SAVED = "This review was also changed in another tab or device; both sets of changes are saved."


def grade(page: Page, n: int, value: int, evidence: str) -> None:
    """Give commitment ``n`` a grade and evidence on this tab (each change is saved at once)."""
    expect(commitment_heading(page, n)).to_be_visible()
    page.get_by_role("radio", name=label(value), exact=True).click()
    expect(page.get_by_text(f"Selected: {label(value)}", exact=True)).to_be_visible()
    page.get_by_label("Evidence", exact=True).fill(evidence)


def test_two_tabs_on_one_review_keep_both_changes(kit_server, make_page: Callable[..., Page]) -> None:
    first, second = COMMITMENTS[0], COMMITMENTS[1]
    tab_a = open_app(make_page(), kit_server.url("self-assessment.ipynb"))
    tab_a.get_by_role("button", name="Start a new review").click()
    tab_a.get_by_label("Country").press_sequentially(
        "Colombia"
    )  # the whole name: a guess from its first letters is not saved
    expect(tab_a.get_by_text("✔ Colombia (COL)")).to_be_visible()
    tab_a.get_by_label("Organisation(s)").fill("Elementa")
    tab_a.get_by_label("Five-point scale: 1, 2, 3, 4 or 5").check()
    code = resume_code(tab_a)

    # The second tab, from the app's own link: the same review, on a kernel of its own.
    with tab_a.context.expect_page() as opened:
        tab_a.get_by_role("link", name="open in a new tab").click()
    tab_b = opened.value
    wait_rendered(tab_b)
    assert kernel_id(tab_b) != kernel_id(tab_a)
    assert resume_code(tab_b) == code

    # Tab A grades commitment 1; tab B, whose copy predates that save, grades commitment 2.
    tab_a.get_by_role("button", name=re.compile(r"^Next ▶$")).click()
    grade(tab_a, first.number, 4, "Tab A: the 2023 census of services")
    go_to_step(tab_b, f"○ {second.number}. ")
    grade(tab_b, second.number, 2, "Tab B: the ombudsman's report")
    expect(tab_b.get_by_role("status").filter(has_text=BOTH_SAVED)).to_be_visible()

    # The merge message comes with the grade's save; the evidence typed after it is saved a moment later.
    saved = saved_when(kit_server, code, lambda a: a.entry(second.id).evidence == "Tab B: the ombudsman's report")
    assert (saved.entry(first.id).grade, saved.entry(first.id).evidence) == (4, "Tab A: the 2023 census of services")
    assert (saved.entry(second.id).grade, saved.entry(second.id).evidence) == (2, "Tab B: the ombudsman's report")

    # Tab A is stale now in its turn: its next change is merged the same way, and says so.
    tab_a.get_by_label("Evidence", exact=True).fill("Tab A: the 2023 census, page 12")
    expect(tab_a.get_by_role("status").filter(has_text=BOTH_SAVED)).to_be_visible()
    saved = saved_when(kit_server, code, lambda a: a.entry(first.id).evidence == "Tab A: the 2023 census, page 12")
    assert saved.entry(first.id).evidence == "Tab A: the 2023 census, page 12"
    assert saved.entry(second.id).evidence == "Tab B: the ombudsman's report"

    # Reloading tab B (as the message says) shows both tabs' work.
    tab_b.reload()
    wait_rendered(tab_b)
    go_to_step(tab_b, f"✔ {first.number}. ")
    expect(tab_b.get_by_label("Evidence", exact=True)).to_have_value("Tab A: the 2023 census, page 12")
    go_to_step(tab_b, f"✔ {second.number}. ")
    expect(tab_b.get_by_label("Evidence", exact=True)).to_have_value("Tab B: the ombudsman's report")

"""A paste over a text box's limit, in Chromium through a real ``idpckit serve``.

A 9 MB paste is larger than the server's websocket message limit: sent as it is, it
would close the page's connection to its kernel without a word, and nothing typed
after it would be saved.  The page must say in words, next to the box, that the text is
too long and not saved; keep what was saved before; and go on saving once the text fits.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect
from voila_helpers import wait_rendered

from idpckit.assessment import MAX_TEXT
from idpckit.serve import WS_MAX_MESSAGE_BYTES
from idpckit.store import Store

pytestmark = pytest.mark.browser

APP = "self-assessment.ipynb"
PASTE = 9_000_000


def saved_evidence(store: Store, code: str) -> str:
    entries = store.load(code).assessment.entries
    return entries[0].evidence if entries else ""


def wait_saved(store: Store, code: str, text: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while saved_evidence(store, code) != text:
        assert time.monotonic() < deadline, f"{text!r} was not saved; the store has {saved_evidence(store, code)!r}"
        time.sleep(0.2)


def test_a_9_mb_paste_is_refused_in_words_and_saving_goes_on(kit_server, page: Page) -> None:
    assert PASTE > WS_MAX_MESSAGE_BYTES > 4 * MAX_TEXT  # what makes the paste dangerous, and a full box safe
    store = Store(kit_server.store_url)
    page.goto(kit_server.url(APP))
    wait_rendered(page)
    page.get_by_role("button", name="Start a new review").click()
    page.get_by_label("Country").fill("Colombia")
    page.get_by_label("Organisation(s)").fill("Elementa DDHH")
    status = page.get_by_role("status").filter(has_text="Your resume code")
    expect(status).to_be_visible()
    code = status.locator("strong").inner_text().strip()
    page.get_by_role("button", name=re.compile(r"^Next ▶$")).click()
    evidence = page.get_by_label("Evidence", exact=True)
    expect(evidence).to_have_attribute("placeholder", re.compile(rf"up to {MAX_TEXT:,} characters"))
    evidence.fill("Before the paste")
    wait_saved(store, code, "Before the paste")

    evidence.fill("x" * PASTE)
    alert = page.get_by_role("alert").filter(has_text="this box holds at most 20,000")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("9,000,000 characters")
    expect(alert).to_contain_text("not saved")
    expect(evidence).to_have_attribute("aria-invalid", "true")
    page.wait_for_timeout(1000)
    assert saved_evidence(store, code) == "Before the paste"  # nothing broken saved

    evidence.fill("After the paste, shortened")  # the connection is still up: this is saved
    expect(alert).to_have_count(0)
    wait_saved(store, code, "After the paste, shortened")
    assert "message too big" not in kit_server.log().lower()

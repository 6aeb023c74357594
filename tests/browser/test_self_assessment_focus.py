"""Never lost on the page: each step change brings its heading into view, focuses it and says it.

On a phone the next step's heading used to be some 2,000 px above the screen and focus
stayed on Next.  Here, in Chromium at a phone's and a laptop's size, every Next, Back and "Go to step"
must scroll the new heading into view and focus it; a screen reader's live region says
which step it is; the set-up's warning and a wrong resume code's message take focus
where they appear.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from voila_helpers import wait_rendered

from idpckit.data import load

pytestmark = pytest.mark.browser

APP = "self-assessment.ipynb"
COMMITMENTS = load().commitments
PHONE = {"width": 390, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


#: For each group of choice buttons (grade, confidence), the contrast between the selected button's
#: background and an unselected one's (WCAG formula), by the group's accessible name.
CONTRAST_JS = """() => {
  const lum = (e) => { const c = getComputedStyle(e).backgroundColor.match(/[\\d.]+/g).slice(0, 3).map(Number)
      .map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
  const out = {};
  for (const group of document.querySelectorAll('.widget-toggle-buttons')) {
    const on = group.querySelector('.widget-toggle-button.mod-active');
    const off = group.querySelector('.widget-toggle-button:not(.mod-active)');
    if (!on || !off) continue;
    const [a, b] = [lum(on), lum(off)].sort((x, y) => y - x);
    out[(group.querySelector('.widget-label') || group).textContent.trim().slice(0, 40)] = (a + 0.05) / (b + 0.05);
  }
  return out;
}"""


def focused_text(page: Page) -> str:
    return page.evaluate("() => (document.activeElement && document.activeElement.textContent) || ''")


def expect_focus_on(page: Page, text: str) -> None:
    """The focused element holds ``text`` and its top is on the screen."""
    page.wait_for_function(
        """(text) => { const e = document.activeElement;
             if (!e || !(e.textContent || '').includes(text)) return false;
             const r = e.getBoundingClientRect(); return r.top >= -1 && r.top < window.innerHeight; }""",
        arg=text,
        timeout=10_000,
    )


def announced(page: Page, step: str) -> str:
    """What the live region says once the app has shown ``step`` (its own ready state, not a fixed delay)."""
    page.locator(f".idpc-app.idpc-step-{step}").wait_for(state="attached")
    page.wait_for_function("() => ((document.getElementById('idpc-announce') || {}).textContent || '') !== ''")
    return page.evaluate("() => (document.getElementById('idpc-announce') || {}).textContent || ''")


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_next_back_and_go_to_step_bring_the_heading_into_view_and_focus_it(
    kit_server, make_page, screen: dict[str, int]
) -> None:
    page = make_page(**screen)
    page.goto(kit_server.url(APP))
    wait_rendered(page)

    # A wrong resume code: the message takes focus, next to the field.
    page.get_by_label("Resume code").fill("NOPE-NOPE")
    page.get_by_role("button", name="Resume", exact=True).click()
    expect_focus_on(page, "No review is saved under the code")

    page.get_by_role("button", name="Start a new review").click()
    expect_focus_on(page, "Set-up")
    assert re.match(r"Step 1 of \d+: Set-up", announced(page, "setup"))

    # No country yet: forward says Next (not Summary), and the warning takes focus.
    nxt = page.get_by_role("button", name=re.compile(r"^(Next|Summary) ▶$"))
    expect(nxt).to_have_text("Next ▶")
    nxt.scroll_into_view_if_needed()
    nxt.click()
    expect_focus_on(page, "Please note:")

    page.get_by_label("Country").press_sequentially("Colombia")  # the whole name: saved at once
    expect(page.get_by_text("✔ Colombia (COL)")).to_be_visible()
    year = page.get_by_label("Review year")
    year.fill("2024")
    year.press("Tab")
    page.get_by_label("Five-point scale: 1, 2, 3, 4 or 5").check()
    status = page.get_by_role("status").filter(has_text="Your resume code")
    expect(status).to_be_visible()
    # Looks: the code never breaks mid-code, small text is at least 14 px, lines about 1.5.
    assert status.locator("strong").evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    small = float(status.locator(".idpc-small").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert small >= 14, small
    ratio = status.evaluate(
        "e => { const s = getComputedStyle(e.closest('.widget-html-content'));"
        " return parseFloat(s.lineHeight) / parseFloat(s.fontSize); }"
    )
    assert 1.3 <= ratio <= 1.7, ratio

    first, second = COMMITMENTS[0], COMMITMENTS[1]
    nxt.scroll_into_view_if_needed()  # at the foot of a long set-up, far below its heading
    nxt.click()
    expect_focus_on(page, f"Commitment {first.number}:")
    assert announced(page, first.id).startswith(f"Step 2 of {len(COMMITMENTS) + 2}: {first.number}.")

    # The selected grade and confidence stand out from the others by at least 3:1, not by a slightly darker grey.
    page.get_by_role("radio", name=re.compile(r"^3 ")).first.click()
    expect(page.get_by_text(re.compile(r"^Selected: 3"))).to_be_visible()
    page.get_by_role("radiogroup", name="How sure are you?").get_by_role("radio", name="Medium").click()
    expect(page.get_by_role("radio", name="Medium", checked=True)).to_be_visible()
    contrast = page.evaluate(CONTRAST_JS)
    assert len(contrast) == 2 and all(ratio >= 3 for ratio in contrast.values()), contrast

    nxt.scroll_into_view_if_needed()
    nxt.click()
    expect_focus_on(page, f"Commitment {second.number}:")

    back = page.get_by_role("button", name="◀ Back")
    back.scroll_into_view_if_needed()
    back.click()
    expect_focus_on(page, f"Commitment {first.number}:")

    select = page.get_by_label("Go to step")
    wanted = [o for o in select.locator("option").all_inner_texts() if "Set-up" in o]
    select.select_option(label=wanted[0])
    expect_focus_on(page, "Set-up")
    page.locator(".idpc-app.idpc-step-setup").wait_for(state="attached")
    page.wait_for_function(
        "() => ((document.getElementById('idpc-announce') || {}).textContent || '').startsWith('Step 1 of')"
    )

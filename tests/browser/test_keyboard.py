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
from pathlib import Path

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

    # Tab leaves the group for the next control; Shift+Tab comes back to the checked option.
    page.keyboard.press("Tab")
    assert not grades.evaluate("g => g.contains(document.activeElement)"), focused(page)
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


#: The focused element's outline as a user sees it: style, width, contrast against what is behind it,
#: and whether an ancestor that clips its overflow cuts the ring off.
RING_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const rgb = c => (c.match(/[\\d.]+/g) || [0, 0, 0, 0]).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).slice(0, 3).map(v => v / 255)
      .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const s = getComputedStyle(e), offset = parseFloat(s.outlineOffset);
  let back = 'rgb(255, 255, 255)';
  for (let p = offset < 0 ? e : e.parentElement; p; p = p.parentElement) {  // a ring inside lies on the box
    const c = getComputedStyle(p).backgroundColor;
    if (rgb(c).length < 4 || rgb(c)[3] > 0) { back = c; break; }
  }
  const [a, b] = [lum(s.outlineColor), lum(back)].sort((x, y) => y - x);
  // How far the ring reaches outside the box (a negative offset draws it inside, where nothing clips it).
  const reach = Math.max(0, parseFloat(s.outlineWidth) + offset);
  const r = e.getBoundingClientRect();
  let clipped = '';
  for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
    const ps = getComputedStyle(p);
    if (ps.overflowX === 'visible' && ps.overflowY === 'visible') continue;
    const q = p.getBoundingClientRect();
    // A box that really scrolls, or the page's frame at the window's edge, shows the ring once scrolled to.
    const edge = q.top <= 1 && q.bottom >= window.innerHeight - 1;
    const scrollsX = p.scrollWidth > p.clientWidth + 1, scrollsY = edge || p.scrollHeight > p.clientHeight + 1;
    const sides = [!scrollsX && r.left - reach < q.left - 0.5 && 'left',
      !scrollsX && r.right + reach > q.right + 0.5 && 'right',
      !scrollsY && r.top - reach < q.top - 0.5 && 'top',
      !scrollsY && r.bottom + reach > q.bottom + 0.5 && 'bottom'].filter(Boolean);
    if (sides.length) { clipped = (p.className || p.tagName) + ': ' + sides.join(','); break; }
  }
  const name = (e.getAttribute('aria-label') || e.textContent || e.placeholder || e.value || '').trim().slice(0, 40);
  return {what: e.tagName.toLowerCase() + ' ' + name, style: s.outlineStyle, width: parseFloat(s.outlineWidth),
          contrast: (a + 0.05) / (b + 0.05), clipped};
}"""


def rings(page: Page, presses: int) -> list[dict]:
    """Tab ``presses`` times from the top of the page; the focus ring of each element that got focus."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        ring = page.evaluate(RING_JS)
        if ring is not None:
            seen.append(ring)
    return seen


def bad_rings(seen: list[dict]) -> list[str]:
    return [
        f"{r['what']!r}: {r['style']} {r['width']}px, {r['contrast']:.1f}:1{', cut off at ' + r['clipped'] if r['clipped'] else ''}"
        for r in seen
        if r["style"] in ("none", "hidden") or r["width"] < 2 or r["contrast"] < 3 or r["clipped"]
    ]


def test_every_focused_control_shows_a_ring_of_at_least_2_px_at_3_to_1(kit_server, page: Page) -> None:
    page.goto(kit_server.url(APP))
    wait_rendered(page)
    seen = rings(page, 8)  # the kit link, the welcome's fields and buttons
    page.get_by_role("button", name="Start a new review").click()
    page.get_by_label("Country", exact=True).fill("Colombia")
    expect(page.get_by_text("✔ Colombia (COL)")).to_be_visible()
    seen += rings(page, 40)  # the set-up: fields, radios, tick boxes, buttons, the step list
    page.get_by_label("Go to step").select_option(index=1)
    expect(page.get_by_role("heading", name=re.compile(r"^Commitment 1: "))).to_be_visible()
    page.get_by_role("button", name="Add a source").click()
    expect(page.get_by_label("Source 1: title", exact=True)).to_be_visible()
    seen += rings(page, 30)  # links, details, grade and confidence radios, notes, the source row
    kinds = {r["what"].split()[0] for r in seen}
    assert {"a", "button", "input", "textarea", "select", "summary"} <= kinds, kinds
    assert bad_rings(seen) == []


@pytest.mark.parametrize("notebook", ["04-table1.ipynb", "05-calendar-and-venues.ipynb", "table1-explorer.ipynb"])
def test_lessons_show_the_same_ring(notebook: str, open_notebook) -> None:
    page = open_notebook(notebook)
    seen = rings(page, 40)
    assert len(seen) >= 10
    assert bad_rings(seen) == []


# --------------------------------------------------------------------------- a whole review, keyboard only

#: The focused element's visible text (or its field's label), to steer by, with its spaces made plain
#: (the step list's options use no-break spaces, which a pattern with " " would never match).
FOCUSED_JS = """() => { const e = document.activeElement; if (!e || e === document.body) return '';
  if (e.type === 'radio') return 'radio ' + e.parentElement.textContent.trim();
  const label = e.id && document.querySelector('label[for="' + e.id + '"]');
  const own = e.getAttribute('role') === 'radio' ? 'radio ' + e.textContent.trim() : e.textContent.trim();
  const text = (label ? label.textContent.trim() + ' ' : '') + (own || e.placeholder || e.value || '');
  return text.replace(/\\s+/g, ' ').slice(0, 120); }"""
ON_SCREEN_JS = """() => { const r = document.activeElement.getBoundingClientRect();
  return r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth; }"""


class Keyboard:
    """Drives the page with keys only; after every key, the focus must be visible where it landed."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.stops = 0

    def check(self) -> str:
        page = self.page
        ring = page.evaluate(RING_JS)
        assert ring is not None, "focus was lost to the page"
        assert bad_rings([ring]) == [], bad_rings([ring])
        assert page.evaluate(ON_SCREEN_JS), f"{ring['what']!r} has focus but is off the screen"
        self.stops += 1
        return page.evaluate(FOCUSED_JS)

    def press(self, key: str) -> str:
        self.page.keyboard.press(key)
        return self.check()

    def tab_to(self, pattern: str, limit: int = 80, back: bool = False) -> str:
        """Press Tab (Shift+Tab) until the focused element's text matches ``pattern``."""
        seen = []
        for _ in range(limit):
            text = self.press("Shift+Tab" if back else "Tab")
            if re.search(pattern, text):
                return text
            seen.append(text)
        raise AssertionError(f"no {pattern!r} within {limit} Tab presses; passed {seen}")

    def focus_lands_on(self, pattern: str) -> None:
        """After a step change the app moves focus (to a heading, a link): wait for it, then check it."""
        self.page.wait_for_function(
            "(p) => new RegExp(p).test((document.activeElement || {}).textContent || '')", arg=pattern, timeout=30_000
        )
        self.check()


def test_a_whole_review_with_the_keyboard_only(kit_server, page: Page) -> None:
    page.goto(kit_server.url(APP))
    wait_rendered(page)
    keys = Keyboard(page)

    keys.tab_to(r"^Start a new review")
    keys.press("Enter")
    keys.focus_lands_on(r"^Set-up")
    keys.tab_to(r"^Country")
    page.keyboard.type("Colombia")
    expect(page.get_by_text("✔ Colombia (COL)")).to_be_visible()
    keys.tab_to(r"^Organisation")
    page.keyboard.type("Red de Reducción de Daños")
    keys.tab_to(r"^radio Five-point")
    keys.press("Space")
    code = resume_code(page)
    keys.tab_to(r"^Next ▶")
    keys.press("Enter")

    # Commitment 1: Home picks the first grade (1); commitment 2: one step back from "Not assessed" is a 5.
    for n, key, grade in ((1, "Home", 1), (2, "ArrowLeft", 5)):
        keys.focus_lands_on(rf"^Commitment {n}:")
        keys.tab_to(r"^radio – Not assessed")
        keys.press(key)
        expect(page.get_by_text(f"Selected: {grade_label(grade, 'five-point')}", exact=True)).to_be_visible()
        keys.tab_to(r"^Evidence")
        page.keyboard.type(f"Evidence typed for commitment {n}")
        keys.tab_to(r"^Recommendation")
        page.keyboard.type(f"Recommendation typed for commitment {n}")
        keys.tab_to(r"^radio Not said")
        keys.press("ArrowRight")  # Low
        keys.tab_to(r"^Next ▶")
        keys.press("Enter")

    # Commitment 3 is skipped with Next; then the step list (just above the heading) jumps to the summary.
    keys.focus_lands_on(r"^Commitment 3:")
    keys.tab_to(r"^Next ▶")
    keys.press("Enter")
    keys.focus_lands_on(r"^Commitment 4:")
    keys.tab_to(r"Set-up: country", back=True)  # the "Go to step" list shows the current step's name
    keys.press("End")
    keys.focus_lands_on(r"^Summary: Colombia")
    expect(page.get_by_text("2 of 13 graded", exact=True)).to_be_visible()

    # The summary's files: the web page report downloads with Enter; the PDF is made with Enter and gets focus.
    # The files arrive just after the summary (the app marks them ready); a keyboard user tabs once they show.
    page.wait_for_selector(".idpc-files-ready", timeout=30_000)
    keys.tab_to(r"^Report \(web page, HTML\)")
    with page.expect_download() as info:
        keys.press("Enter")
    assert info.value.suggested_filename.startswith("review-COL-")
    keys.tab_to(r"^Prepare the PDF report")
    keys.press("Enter")
    keys.focus_lands_on(r"^Report \(PDF\)")
    assert page.evaluate("() => document.activeElement.tabIndex") == 0  # focused, and still in the Tab order
    with page.expect_download() as info:
        keys.press("Enter")
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")

    # Submitting: the question is answered "Not yet" first (focus comes back to Submit), then "Yes";
    # the buttons it hides had focus, so focus must land on the words saying the review went in.
    # The question takes focus when it shows, so the next Tab reaches its buttons.
    keys.tab_to(r"^Submit this review")
    keys.press("Enter")
    keys.focus_lands_on(r"Once submitted, this review can no longer be changed")
    keys.tab_to(r"^Yes, submit it now")
    keys.tab_to(r"^Not yet")
    keys.press("Enter")
    keys.focus_lands_on(r"^Submit this review")
    keys.press("Enter")
    keys.focus_lands_on(r"Once submitted, this review can no longer be changed")
    keys.tab_to(r"^Yes, submit it now")
    keys.press("Enter")
    keys.focus_lands_on(r"This review has been submitted")
    expect(page.get_by_role("button", name="Submit this review")).to_be_disabled()
    assert Store(kit_server.store_url).load(code).status == "submitted"

    saved = Store(kit_server.store_url).load(code).assessment
    assert [e.grade for e in saved.entries[:4]] == [1, 5, None, None]
    assert [e.confidence for e in saved.entries[:3]] == ["low", "low", None]
    assert saved.entries[1].evidence == "Evidence typed for commitment 2"
    assert saved.organisations == ["Red de Reducción de Daños"]
    assert keys.stops > 50  # the whole way was walked with keys, every stop with a visible focus

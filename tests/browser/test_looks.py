"""How the pages read, measured in Chromium at a desktop's and a phone's size, in English and Spanish.

The issue's "Looks": about 1.5 line height in text that wraps (ipywidgets sets 28 px lines on 13 px text),
one type scale and one column per page (the heading above an app was full width over an indented
column), no text under 14 px, placeholders that fit their box, a source's "kind" label aligned with the
others, and wide tables that show they scroll.  Each probe names the element it finds at fault.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from voila_helpers import wait_rendered

pytestmark = pytest.mark.browser

APP = "self-assessment.ipynb"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
WORDS = {
    "en": {"start": "Start a new review", "country": "Country", "scale": "Scale", "go": "Go to step",
           "add": "Add a source", "title": "Source 1: title", "kind": "Source 1: kind"},
    "es": {"start": "Empezar una nueva evaluación", "country": "País", "scale": "Escala", "go": "Ir al paso",
           "add": "Añadir una fuente", "title": "Fuente 1: título", "kind": "Fuente 1: tipo"},
}  # fmt: skip

#: Text the visitor sees: its element, size, line height and whether it wraps onto several lines.
TEXT_JS = """() => {
  const out = [];
  for (const e of document.querySelectorAll('#rendered_cells *')) {
    if (e.closest('.idpc-sr-only, option, script, style, svg')) continue;
    if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const r = e.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    const s = getComputedStyle(e);
    if (s.visibility === 'hidden' || s.display === 'none') continue;
    const size = parseFloat(s.fontSize), line = s.lineHeight === 'normal' ? size * 1.2 : parseFloat(s.lineHeight);
    // Lines of text, not the box's height: a range over the element's own text counts its line boxes.
    const range = document.createRange(); range.selectNodeContents(e);
    const tops = new Set([...range.getClientRects()].map(q => Math.round(q.top)));
    out.push({what: e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' "' + e.textContent.trim().slice(0, 40) + '"',
              size, ratio: line / size, lines: tops.size, display: s.display});
  }
  return out;
}"""

#: Placeholders wider than the box that shows them (measured in the box's own font).
PLACEHOLDER_JS = """() => [...document.querySelectorAll('#rendered_cells input[placeholder], #rendered_cells textarea[placeholder]')]
  .filter(e => e.offsetWidth && e.placeholder).map(e => {
    const s = getComputedStyle(e), c = document.createElement('canvas').getContext('2d');
    c.font = s.fontStyle + ' ' + s.fontWeight + ' ' + s.fontSize + ' ' + s.fontFamily;
    const room = e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    const lines = e.tagName === 'TEXTAREA' ? Math.floor(e.clientHeight / parseFloat(s.lineHeight)) : 1;
    return {text: e.placeholder, need: c.measureText(e.placeholder).width, room: room * lines};
  }).filter(p => p.need > p.room + 1).map(p => `"${p.text}" needs ${Math.round(p.need)} px, has ${Math.round(p.room)}`)"""


def small_or_cramped(page: Page) -> list[str]:
    """Text under 14 px, and text on several lines spaced outside about 1.5 (headings: about 1.25)."""
    bad = []
    for t in page.evaluate(TEXT_JS):
        low, high = (1.15, 1.5) if re.match(r"h[1-6]\.", t["what"]) else (1.3, 1.7)
        if t["size"] < 14:
            bad.append(f"{t['what']}: {t['size']} px")
        elif t["lines"] > 1 and t["display"] != "inline" and not low <= t["ratio"] <= high:
            bad.append(f"{t['what']}: {t['lines']} lines at {t['ratio']:.2f}x their size")
    return bad


def small_text(page: Page) -> list[str]:
    """Text the visitor sees under 14 px, named by its element."""
    return [f"{t['what']}: {t['size']} px" for t in page.evaluate(TEXT_JS) if t["size"] < 14]


def one_column(page: Page, heading: str, column: str) -> list[str]:
    """The page's heading starts where the app's text starts (3 px), not at the window's edge above it."""
    a, b = left(page, heading), left(page, column)
    return [] if abs(a - b) <= 3 else [f"the heading starts at {a:.0f} px, the app's text at {b:.0f} px"]


def left(page: Page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => e.getBoundingClientRect().left")


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_step_reads_in_one_column_at_14_px_or_more_with_lines_about_1_5(
    kit_server, make_page, size: str, lang: str
) -> None:
    words = WORDS[lang]
    page = make_page(*SIZES[size])
    page.goto(kit_server.url(APP, f"lang={lang}"))
    wait_rendered(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    problems = {"welcome": one_column(page, ".idpc-intro h1", ".idpc-app .idpc-body h2") + small_or_cramped(page)}

    page.get_by_role("button", name=words["start"]).click()
    page.get_by_label(words["country"], exact=True).fill("Colombia")
    expect(page.get_by_text("✔ Colombia (COL)")).to_be_visible()
    page.get_by_role("radiogroup", name=words["scale"]).get_by_role("radio").first.check()
    problems["set-up"] = small_or_cramped(page) + page.evaluate(PLACEHOLDER_JS)

    page.get_by_label(words["go"]).select_option(index=1)
    expect(page.get_by_role("heading", name=re.compile(r"^(Commitment|Compromiso) 1: "))).to_be_visible()
    page.get_by_role("button", name=words["add"]).click()
    title = page.get_by_label(words["title"], exact=True)
    expect(title).to_be_visible()
    problems["a commitment"] = small_or_cramped(page) + page.evaluate(PLACEHOLDER_JS)
    # The source's kind is labelled and lined up like its title and link (not pushed to another column).
    kind = page.get_by_label(words["kind"], exact=True)
    lined_up = abs(kind.evaluate("e => e.getBoundingClientRect().left") - title.evaluate(
        "e => e.getBoundingClientRect().left")) <= 2  # fmt: skip
    problems["a commitment"] += [] if lined_up else ["the source's kind box is not under its title box"]

    select = page.get_by_label(words["go"])
    select.select_option(index=select.locator("option").count() - 1)
    page.wait_for_selector(".idpc-files-ready", timeout=60_000)
    problems["summary"] = small_or_cramped(page)
    assert {step: found for step, found in problems.items() if found} == {}


def test_a_wide_table_on_a_phone_shows_that_it_scrolls_and_can_be_scrolled_with_keys(
    kit_server, make_page, open_notebook
) -> None:
    page = open_notebook("04-table1.ipynb", on=make_page(*SIZES["phone"]))
    boxes = page.locator(".idpckit-scroll, .idpc-scroll")
    wide = [b for b in boxes.all() if b.evaluate("e => e.scrollWidth > e.clientWidth + 1")]
    assert wide, "no table is wider than a phone here: the test shows nothing"
    for box in wide:
        # The edge with more to see carries a shadow: a background drawn behind the table that stays put.
        assert "gradient" in box.evaluate("e => getComputedStyle(e).backgroundImage")
        # A keyboard user can reach it and scroll it with the arrow keys.
        box.focus()
        expect(box).to_be_focused()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("e => e.scrollLeft > 0", arg=box.element_handle())


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_explorer_and_the_plan_builder_read_at_14_px_with_placeholders_that_fit(
    kit_server, make_page, open_notebook, size: str
) -> None:
    page = make_page(*SIZES[size])
    open_notebook("table1-explorer.ipynb", on=page)
    heading = page.get_by_role("heading", level=1)
    table = page.locator("table.idpc-t1")
    expect(table).to_be_visible()
    assert heading.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") <= 2 * 15  # one scale, not a banner
    offset = left(page, ".idpc-intro h1") - left(page, ".idpc-app")  # the app's padding, the same for the heading
    found = {"explorer": [] if 0 <= offset <= 12 else [f"the heading is {offset:.0f} px off the explorer's edge"]}
    found["explorer"] += small_or_cramped(page) + page.evaluate(PLACEHOLDER_JS)
    open_notebook("05-calendar-and-venues.ipynb", on=page)
    expect(page.get_by_role("button", name="Add to the plan")).to_be_visible()
    found["lesson 5 and its plan builder"] = small_or_cramped(page) + page.evaluate(PLACEHOLDER_JS)
    assert {where: bad for where, bad in found.items() if bad} == {}


#: What of an element the visitor cannot see: cut by the window's edge, by an ancestor that clips what
#: overflows it, or by its own box (text wider than the box, ellipsis or not).
CLIPPED_JS = """e => {
  const r = e.getBoundingClientRect(), cut = [];
  if (r.left < -0.5 || r.right > document.documentElement.clientWidth + 0.5) cut.push('the window\\'s edge');
  if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible') cut.push('its own box');
  for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
    const s = getComputedStyle(p);
    if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
    const q = p.getBoundingClientRect();
    if (r.left < q.left - 0.5 || r.right > q.right + 0.5 || r.top < q.top - 0.5 || r.bottom > q.bottom + 0.5) {
      cut.push(p.className || p.tagName); break;
    }
  }
  return cut;
}"""


@pytest.mark.parametrize("lang", ["en", "es"])
def test_on_a_phone_the_scale_shows_whole_and_the_resume_code_stays_on_one_line(
    kit_server, make_page, lang: str
) -> None:
    """The issue's phone traps: the Scale's label and its radios were cut off at the right; a resume code
    must never break in the middle (a trainee copies it by hand) nor run off the screen."""
    words = WORDS[lang]
    page = make_page(*SIZES["phone"])
    page.goto(kit_server.url(APP, f"lang={lang}"))
    wait_rendered(page)
    page.get_by_role("button", name=words["start"]).click()
    page.get_by_label(words["country"], exact=True).fill("Colombia")
    expect(page.get_by_text("✔ Colombia (COL)")).to_be_visible()
    scale = page.get_by_role("radiogroup", name=words["scale"])
    scale.scroll_into_view_if_needed()
    label = page.locator(".widget-radio").filter(has=scale).locator(":scope > .widget-label")
    parts = {"the label": label, **{f"option {i + 1}": o for i, o in enumerate(scale.locator("label").all())}}
    assert len(parts) == 3, list(parts)
    cut = {name: part.evaluate(CLIPPED_JS) for name, part in parts.items()}
    assert {name: c for name, c in cut.items() if c} == {}

    code = page.locator(".idpc-code").first
    expect(code).to_have_text(re.compile(r"^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$"))
    code.scroll_into_view_if_needed()  # the page's own frame scrolls: out of view above is not cut off
    lines = code.evaluate("e => new Set([...e.getClientRects()].map(q => Math.round(q.top))).size")
    assert (lines, code.evaluate(CLIPPED_JS)) == (1, [])

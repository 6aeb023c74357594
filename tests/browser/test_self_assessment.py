"""The self-assessment app in a real browser, used the way a trainee uses it.

A trainee grades Colombia on all 13 Table 1 commitments in Debian's Chromium (real
clicks and typing, elements found by their visible labels), closes the tab (Voilà
then ends the kernel), and comes back in a new browser context with the resume code,
typed into the welcome screen and as a ``?code=`` link, to find every grade and note
restored.  From the summary the trainee downloads the HTML report and the JSON file,
tries files that are not valid reviews, and submits to the workshop room, which the
trainer then sees on the room dashboard.  A second review types HTML into its notes,
and a phone-sized screen is checked for sideways scrolling.

The completed review is made once per module (:func:`journey`), because completing
13 steps is the slow part; the tests after the first reuse it through its resume code,
exactly as a trainee would.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from voila_helpers import error_outputs, kernel_id, wait_rendered

from idpckit import scales
from idpckit.data import load
from idpckit.store import Store
from idpckit.widgets._base import grade_label

pytestmark = pytest.mark.browser

APP = "self-assessment.ipynb"
DASHBOARD = "room-dashboard.ipynb"
ROOM = ""  # a real room's code, made by the module's first fixture (rooms accept only open rooms that exist)
ROOM_KEY = ""
YEAR = "2024"
ORGANISATIONS = "Elementa DDHH; Acción Técnica Social"
CONTENT = load()
COMMITMENTS = CONTENT.commitments
#: The grade given to each commitment, in Table 1 order: every level of the five-point scale is used.
GRADES = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3]
SOURCE = {"title": "Informe anual de la Defensoría del Pueblo 2023", "link": "https://example.org/informe-2023"}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
#: A note a trainee might paste from a web page; it must show as these characters, never run.
#: The summary is shown at once and its chart and files follow (benchmarks/bench_trainee.py times both);
#: the tests wait for the app's own ready states (idpc-step-summary, idpc-files-ready) with room to spare.
SUMMARY_TIMEOUT_MS = 30_000
#: The longest the summary's chart and files may take on a loaded machine before that is a failure.
FILES_TIMEOUT_MS = 120_000
HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script> & <b>bold</b>"


#: Why an element's text is not all visible ("" when it is): its own box cuts it, or an ancestor that hides
#: overflow, or the screen's edge.
CLIPPED_JS = """e => {
  if (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
    return `own box ${e.clientWidth}x${e.clientHeight} < text ${e.scrollWidth}x${e.scrollHeight}`;
  const r = e.getBoundingClientRect();
  if (r.left < -1 || r.right > window.innerWidth + 1) return `off the screen: ${r.left}..${r.right}`;
  for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
    const s = getComputedStyle(p);
    if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
    const q = p.getBoundingClientRect();
    if (r.left < q.left - 1 || r.right > q.right + 1 || r.top < q.top - 1 || r.bottom > q.bottom + 1)
      return `cut by ${p.className}: ${JSON.stringify([r.left, r.top, r.right, r.bottom])} in ${JSON.stringify([q.left, q.top, q.right, q.bottom])}`;
  }
  return '';
}"""


def evidence(n: int) -> str:
    return f"Evidence {n}: según la Defensoría, {n * 1000} personas en 2023"


def recommendation(n: int) -> str:
    return f"Recommendation {n}: publish the figures every year"


def label(grade: scales.Grade, scale: scales.Scale = "five-point") -> str:
    """The words and symbol on a grade button, e.g. "3 ▲ Needs improvement"."""
    return grade_label(grade, scale)


# --------------------------------------------------------------------------- helpers


def open_app(page: Page, url: str) -> Page:
    page.goto(url)
    wait_rendered(page)
    return page


def progress(page: Page, graded: int, total: int = 13) -> None:
    expect(page.get_by_text(f"{graded} of {total} graded", exact=True)).to_be_visible()


def resume_code(page: Page) -> str:
    """The resume code as the page shows it, in the status line after the first save."""
    status = page.get_by_role("status").filter(has_text="Your resume code")
    expect(status).to_be_visible()
    code = status.locator("strong").inner_text().strip()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", code), code
    return code


def wait_for_step(page: Page, step: str, timeout_ms: int = SUMMARY_TIMEOUT_MS) -> None:
    """Wait for the app's own word that ``step`` is shown (its ``idpc-step-...`` class), not for a fixed time."""
    page.locator(f".idpc-app.idpc-step-{step}").wait_for(state="attached", timeout=timeout_ms)


def expect_summary(page: Page, country: str = "Colombia") -> None:
    wait_for_step(page, "summary")
    heading = page.get_by_role("heading", name=re.compile(rf"^Summary: {re.escape(country)}, \d{{4}}$"))
    expect(heading).to_be_visible(timeout=SUMMARY_TIMEOUT_MS)


def next_button(page: Page):
    return page.get_by_role("button", name=re.compile(r"^(Next|Summary) ▶$"))


def go_to_step(page: Page, option: str) -> None:
    """Pick a step in the "Go to step" list by the start of its visible label."""
    select = page.get_by_label("Go to step")
    options = select.locator("option").all_inner_texts()
    wanted = [o for o in options if o.replace("\xa0", " ").startswith(option)]
    assert len(wanted) == 1, f"no single step starting with {option!r} in {options}"
    select.select_option(label=wanted[0])


def commitment_heading(page: Page, n: int):
    c = COMMITMENTS[n - 1]
    return page.get_by_role("heading", name=f"Commitment {c.number}: {c.title}", exact=True)


def summary_row(page: Page, n: int):
    c = COMMITMENTS[n - 1]
    table = page.get_by_role("table").filter(has=page.get_by_text("Your grades, in words"))
    return table.get_by_role("row").filter(has=page.get_by_role("cell", name=f"{c.number}. {c.title}", exact=True))


def kernel_was_preheated(kit_server, page: Page) -> bool:
    """Whether Voilà gave this page a kernel that ran the notebook before the visitor came.

    Read from the kernel process itself (Voilà sets ``VOILA_PREHEAT`` in its environment), not
    from the server log, which another test session running at the same time may be writing to.
    """
    process = kit_server.kernel_processes().get(kernel_id(page))
    assert process is not None, "the page's kernel is not running"
    return process.environ().get("VOILA_PREHEAT") == "True"


def preheated_kernel_ready(kit_server, notebook: str) -> bool:
    """Whether the pool seems to hold a ready kernel for ``notebook``: filled more often than used, says the log."""
    log = kit_server.log()
    filled = log.count(f"Kernel pool of {notebook} is filled")
    used = len(re.findall(rf"Using pre-heated kernel: \S+ for {re.escape(notebook)}", log))
    return filled > used


def open_on_preheated_kernel(kit_server, new_page: Callable[[], Page], notebook: str, query: str = "") -> Page:
    """Open ``notebook`` on a kernel from Voilà's pool, the one the first visitor of a link gets.

    The pool refills some seconds after each use, so wait for it (as the log tells), and
    try again if the page still got a kernel of its own.
    """
    for _attempt in range(3):
        deadline = time.monotonic() + 60
        while not preheated_kernel_ready(kit_server, notebook) and time.monotonic() < deadline:
            time.sleep(0.25)
        page = open_app(new_page(), kit_server.url(notebook, query))
        if kernel_was_preheated(kit_server, page):
            return page
        page.close()
        time.sleep(5)
    pytest.fail(f"could not get a preheated kernel for {notebook}", pytrace=False)


def open_on_fresh_kernel(kit_server, new_page: Callable[[], Page], notebook: str, query: str = "") -> Page:
    """Open ``notebook`` on a kernel Voilà starts for this visitor (as when the pool has just been used)."""
    page = open_app(new_page(), kit_server.url(notebook, query))
    if kernel_was_preheated(kit_server, page):
        page.close()  # that used the pool, which refills only seconds later: the next page gets its own kernel
        page = open_app(new_page(), kit_server.url(notebook, query))
    assert not kernel_was_preheated(kit_server, page)
    return page


def fail_on_dialog(page: Page, dialogs: list[str]) -> None:
    """Record any alert/confirm/prompt (and dismiss it, so the page does not hang)."""

    def on_dialog(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)


def download(page: Page, link_name: str) -> tuple[str, bytes]:
    if page.locator(".idpc-app.idpc-step-summary").count():
        # The summary says when its chart and files are made: wait for that state, however busy the server.
        page.locator(".idpc-files-ready").wait_for(state="attached", timeout=FILES_TIMEOUT_MS)
    link = page.get_by_role("link", name=link_name, exact=True)
    expect(link).to_be_visible()
    with page.expect_download() as info:
        link.click()
    d = info.value
    return d.suggested_filename, Path(d.path()).read_bytes()


def upload(page: Page, name: str, payload: bytes, mime: str = "application/json") -> None:
    """Choose a file with the upload button, as a trainee does through the file dialog."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=re.compile(r"Upload earlier review \(JSON\)")).click()
    chooser.value.set_files(files=[{"name": name, "mimeType": mime, "buffer": payload}])


# --------------------------------------------------------------------------- the completed review


@dataclass
class Journey:
    """The review one trainee completed in the browser, and the pages that trainee has open.

    Its pages live in browser contexts of their own, for the whole module: the page that
    reopened the review from its link is kept for the summary's downloads, uploads and
    submission, as a trainee would keep the tab open (and it saves a kernel start and a
    summary build per test).
    """

    browser: object
    page: Page | None = None
    code: str = ""
    progress_seen: list[str] = field(default_factory=list)
    kernel: str = ""
    resumed: Page | None = None
    contexts: list[object] = field(default_factory=list)

    def new_page(self) -> Page:
        context = self.browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        context.set_default_timeout(30_000)
        self.contexts.append(context)
        return context.new_page()

    def open_pages(self) -> list[Page]:
        return [p for c in self.contexts for p in c.pages if not p.is_closed()]


def complete_all_13(page: Page, url: str, journey: Journey) -> None:
    open_app(page, url)
    expect(page.get_by_role("heading", name="What this exercise is")).to_be_visible()
    page.get_by_role("button", name="Start a new review").click()

    # Set-up: type to search a country, then year, organisations, scale and the trainer's room code.
    expect(page.get_by_role("heading", name="Set-up", exact=True)).to_be_visible()
    page.get_by_label("Country").press_sequentially("Colom")
    expect(page.get_by_text("✔ Colombia (COL)")).to_be_visible()
    year = page.get_by_label("Review year")
    year.fill(YEAR)
    year.press("Tab")
    page.get_by_label("Organisation(s)").fill(ORGANISATIONS)
    page.get_by_label("Five-point scale: 1, 2, 3, 4 or 5").check()
    page.get_by_label("Room code").fill(ROOM)
    next_button(page).click()  # "Colom" is a guess, saved once the trainee goes on (unit-tested in the widget tests)
    journey.code = resume_code(page)  # shown from the first save
    progress(page, 0)

    for n, grade in enumerate(GRADES, start=1):
        wait_for_step(page, COMMITMENTS[n - 1].id)
        expect(commitment_heading(page, n)).to_be_visible()
        page.get_by_role("radio", name=label(grade), exact=True).click()
        expect(page.get_by_text(f"Selected: {label(grade)}", exact=True)).to_be_visible()
        box = page.get_by_label("Evidence", exact=True)
        if n == 1:
            box.press_sequentially(evidence(n))  # key by key, as typed: every keystroke is saved
        else:
            box.fill(evidence(n))
        page.get_by_label("Recommendation", exact=True).fill(recommendation(n))
        if n == 1:
            page.get_by_role("button", name="Add a source").click()
            page.get_by_label("Source 1: title", exact=True).fill(SOURCE["title"])
            page.get_by_label("Source 1: link", exact=True).fill(SOURCE["link"])
            page.get_by_label("Source 1: kind", exact=True).select_option(label="Report")
            page.get_by_role("radio", name="High", exact=True).click()
        progress(page, n)
        journey.progress_seen.append(page.get_by_text(re.compile(r"^\d+ of 13 graded$")).inner_text())
        next_button(page).click()

    expect_summary(page)
    expect(page.get_by_role("heading", name=f"Summary: Colombia, {YEAR}")).to_be_visible()


@pytest.fixture(scope="module", autouse=True)
def workshop_room(kit_server) -> str:
    """The trainer's room the journey submits into."""
    global ROOM, ROOM_KEY
    from idpckit.rooms import Rooms

    room, ROOM_KEY = Rooms(Store(kit_server.store_url)).create("E2E workshop")
    ROOM = room.code
    return ROOM


@pytest.fixture(scope="module")
def journey(kit_server, chromium) -> Iterator[Journey]:
    """One trainee's complete review of all 13 commitments, typed in the browser; its page stays open."""
    j = Journey(browser=chromium)
    j.page = j.new_page()
    try:
        complete_all_13(j.page, kit_server.url(APP), j)
        j.kernel = kernel_id(j.page)
    except BaseException:
        _save(j.page, "journey-completing-13-commitments")
        raise
    yield j
    for context in j.contexts:
        context.close()


@pytest.fixture
def summary_page(journey: Journey, kit_server) -> Page:
    """The completed review's summary, in the tab that reopened it from its link (opened again if closed)."""
    if journey.resumed is None or journey.resumed.is_closed():  # e.g. when this test runs on its own
        journey.resumed = open_app(journey.new_page(), kit_server.url(APP, f"code={journey.code}"))
        expect_summary(journey.resumed)
    page = journey.resumed
    if not page.get_by_role("heading", name=f"Summary: Colombia, {YEAR}").is_visible():
        go_to_step(page, "Summary")
        expect_summary(page)
    progress(page, 13)
    return page


def _save(page: Page, stem: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)
        (ARTIFACTS / f"{stem}.html").write_text(page.content(), encoding="utf-8")
    except Exception as exc:
        (ARTIFACTS / f"{stem}.txt").write_text(f"could not save the page: {exc}", encoding="utf-8")


@pytest.fixture(autouse=True)
def _save_journey_pages_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    """The journey's pages are not ``make_page``'s, so save them here when a test using them fails."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and "journey" in request.fixturenames:
        for i, page in enumerate(request.getfixturevalue("journey").open_pages()):
            _save(page, f"{request.node.name}-journey-{i}")


@pytest.fixture(scope="module")
def store(kit_server) -> Store:
    """The server's own SQLite store, read directly: what autosave really wrote."""
    return Store(kit_server.store_url)


# --------------------------------------------------------------------------- tests


def test_a_trainee_grades_all_13_commitments_and_every_change_is_saved(journey: Journey, store: Store) -> None:
    page = journey.page
    assert journey.progress_seen == [f"{n} of 13 graded" for n in range(1, 14)]
    assert error_outputs(page) == []
    expect(page.get_by_text("✔ Every tracked commitment has a grade, evidence and a recommendation.")).to_be_visible()
    for n, grade in enumerate(GRADES, start=1):
        row = summary_row(page, n)
        expect(row).to_contain_text(label(grade))
        expect(row).to_contain_text(evidence(n))
        expect(row).to_contain_text(recommendation(n))
    expect(summary_row(page, 1)).to_contain_text("1 source")

    # What the server saved while the trainee typed (nothing was "saved" by a button).
    saved = store.load(journey.code)
    a = saved.assessment
    assert saved.status == "draft"
    assert (a.country, a.year, a.scale, a.room) == ("COL", int(YEAR), "five-point", ROOM)
    assert a.organisations == ["Elementa DDHH", "Acción Técnica Social"]
    assert [e.commitment_id for e in a.entries] == [c.id for c in COMMITMENTS]
    assert [e.grade for e in a.entries] == GRADES
    assert [e.evidence for e in a.entries] == [evidence(n) for n in range(1, 14)]
    assert [e.recommendation for e in a.entries] == [recommendation(n) for n in range(1, 14)]
    first = a.entries[0]
    assert [(s.title, s.link, s.kind) for s in first.sources] == [(SOURCE["title"], SOURCE["link"], "report")]
    assert first.confidence == "high"
    assert all(not e.sources for e in a.entries[1:])


def test_closing_the_page_and_resuming_with_the_code_restores_everything(
    journey: Journey, kit_server, make_page: Callable[..., Page]
) -> None:
    code = journey.code
    journey.page.close()  # Voilà ends this kernel: only the store remembers the review now

    # The link with the code, opened in another browser, on a kernel Voilà started before anyone
    # asked for it (the query string reaches such a kernel only after the page is requested).
    # First, while the pool still holds the kernel it refilled during the journey: a page opened
    # before would take it, and this one would wait for the next refill.
    linked = journey.resumed = open_on_preheated_kernel(kit_server, journey.new_page, APP, f"code={code}")
    expect_summary(linked)
    expect(linked.get_by_role("heading", name=f"Summary: Colombia, {YEAR}")).to_be_visible()
    progress(linked, 13)
    expect(linked.get_by_role("status").filter(has_text="Opened at")).to_contain_text(code)
    for n in (1, 5, 13):
        expect(summary_row(linked, n)).to_contain_text(evidence(n))
        expect(summary_row(linked, n)).to_contain_text(label(GRADES[n - 1]))

    # The code typed into the app, in yet another browser.
    page = open_app(make_page(), kit_server.url(APP))
    # A mistyped code says so and opens nothing.
    page.get_by_label("Resume code").fill("ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    page.get_by_role("button", name="Resume", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("No review is saved under the code 'ZZZZ-ZZZZ-ZZZZ-ZZZZ'")
    expect(page.get_by_text(re.compile(r"of 13 graded"))).to_have_count(0)

    # The real code, typed the way people copy codes: lower case, spaces instead of dashes.
    page.get_by_label("Resume code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Resume", exact=True).click()
    expect_summary(page)
    expect(page.get_by_role("heading", name=f"Summary: Colombia, {YEAR}")).to_be_visible()
    progress(page, 13)
    assert resume_code(page) == code
    assert kernel_id(page) != journey.kernel
    for n, grade in enumerate(GRADES, start=1):
        row = summary_row(page, n)
        expect(row).to_contain_text(label(grade))
        expect(row).to_contain_text(evidence(n))
        expect(row).to_contain_text(recommendation(n))

    # Step by step: the first commitment with its source and confidence, one in the middle, the last.
    go_to_step(page, "✔ 1. ")
    expect(commitment_heading(page, 1)).to_be_visible()
    expect(page.get_by_text(f"Selected: {label(GRADES[0])}", exact=True)).to_be_visible()
    # The grade and the confidence are radio groups: a screen reader hears which one is checked.
    grades = page.get_by_role("radiogroup", name="Grade for commitment 1")
    expect(grades.get_by_role("radio", checked=True)).to_have_accessible_name(label(GRADES[0]))
    expect(page.get_by_label("Evidence", exact=True)).to_have_value(evidence(1))
    expect(page.get_by_label("Recommendation", exact=True)).to_have_value(recommendation(1))
    expect(page.get_by_label("Source 1: title", exact=True)).to_have_value(SOURCE["title"])
    expect(page.get_by_label("Source 1: link", exact=True)).to_have_value(SOURCE["link"])
    expect(page.get_by_label("Source 1: kind", exact=True)).to_have_value("Report")
    sure = page.get_by_role("radiogroup", name="How sure are you?")
    expect(sure.get_by_role("radio", checked=True)).to_have_accessible_name("High")
    for n in (7, 13):
        go_to_step(page, f"✔ {n}. ")
        expect(commitment_heading(page, n)).to_be_visible()
        expect(page.get_by_text(f"Selected: {label(GRADES[n - 1])}", exact=True)).to_be_visible()
        expect(page.get_by_label("Evidence", exact=True)).to_have_value(evidence(n))
        expect(page.get_by_label("Recommendation", exact=True)).to_have_value(recommendation(n))
        expect(page.get_by_label("Source 1: title", exact=True)).to_have_count(0)
    go_to_step(page, "Set-up")
    expect(page.get_by_label("Country")).to_have_value("Colombia")
    expect(page.get_by_label("Review year")).to_have_value(YEAR)
    expect(page.get_by_label("Organisation(s)")).to_have_value("Elementa DDHH; Acción Técnica Social")
    expect(page.get_by_label("Room code")).to_have_value(ROOM)
    page.close()


def test_the_reports_download_from_the_page_and_hold_the_grades(
    journey: Journey, summary_page: Page, make_page: Callable[..., Page], store: Store
) -> None:
    page = summary_page

    name, html_bytes = download(page, "Report (web page, HTML)")
    assert name == f"review-COL-{YEAR}.html"
    html = html_bytes.decode("utf-8")
    assert f"Colombia, {YEAR}" in html
    assert "Elementa DDHH; Acción Técnica Social" in html
    for n, grade in enumerate(GRADES, start=1):
        level = scales.level(grade, "five-point")
        assert f"{level.short} · {level.label}" in html
        assert evidence(n) in html and recommendation(n) in html
    # Each commitment's section holds its own grade, not just somewhere in the file.
    report = make_page()
    report.set_content(html)
    for n in (1, 2, 13):
        c, level = COMMITMENTS[n - 1], scales.level(GRADES[n - 1], "five-point")
        section = report.locator(f"article#c-{c.id}")
        expect(section).to_contain_text(f"Grade: {level.short} · {level.label}")
        expect(section).to_contain_text(evidence(n))
    expect(report.get_by_role("link", name=SOURCE["title"])).to_have_attribute("href", SOURCE["link"])

    name, json_bytes = download(page, "Data (JSON, to upload next year)")
    assert name == f"review-COL-{YEAR}.json"
    from idpckit.assessment_io import parse_assessment

    assert parse_assessment(json_bytes, name) == store.load(journey.code).assessment

    # The PDF is laid out only when asked for (seconds of work); then focus moves to its link.
    page.get_by_role("button", name="Prepare the PDF report").click()
    expect(page.get_by_role("link", name="Report (PDF)", exact=True)).to_be_focused(timeout=SUMMARY_TIMEOUT_MS)
    name, pdf = download(page, "Report (PDF)")
    assert name == f"review-COL-{YEAR}.pdf" and pdf.startswith(b"%PDF")


def test_bad_uploads_say_what_is_wrong_and_change_nothing(journey: Journey, summary_page: Page, store: Store) -> None:
    before = store.load(journey.code).assessment.to_json()
    page = summary_page
    expect(page.get_by_role("link", name="Report (web page, HTML)")).to_be_visible()
    message = page.get_by_role("alert").filter(has_text="Nothing has changed in your review.")
    # The button says what it does, without a count of the files it holds ("(0)") or an icon read out.
    expect(page.get_by_role("button", name="Upload earlier review (JSON)", exact=True)).to_be_visible()

    upload(page, "last-year.json", b"Grades: 1, 2, 3 (typed in a word processor)")
    expect(message).to_contain_text('Could not read "last-year.json"')
    expect(message).to_contain_text("this is not valid JSON")
    assert "Traceback" not in message.inner_text()

    peru = json.loads(before)
    peru["country"] = "PER"
    upload(page, "peru-2023.json", json.dumps(peru).encode())
    expect(message).to_contain_text(
        '"peru-2023.json" is a review of Peru, but you are grading Colombia. Choose an earlier review of Colombia.'
    )

    # Nothing changed: the page still shows the whole review, and the store holds the same review.
    progress(page, 13)
    expect(page.get_by_role("heading", name=f"Summary: Colombia, {YEAR}")).to_be_visible()
    expect(summary_row(page, 4)).to_contain_text(evidence(4))
    expect(page.get_by_text(re.compile(r"^\d{4} → \d{4}: "))).to_have_count(0)  # no comparison appeared
    assert store.load(journey.code).assessment.to_json() == before

    # The same control takes a real earlier review of Colombia and compares (so the errors above
    # came from checking the files, not from an upload that never arrived).
    earlier = json.loads(before)
    earlier["year"] = int(YEAR) - 1
    earlier["entries"][0]["grade"] = 3  # commitment 1 was better a year earlier
    upload(page, "colombia-2023.json", json.dumps(earlier).encode())
    expect(page.get_by_role("status").filter(has_text="Compared with")).to_contain_text(
        'Compared with "colombia-2023.json" (2023). Your review is unchanged.', timeout=FILES_TIMEOUT_MS
    )  # said once the comparison and its chart are made, however busy the server
    expect(page.get_by_role("heading", name=re.compile(r"^2023 → 2024: "))).to_contain_text("1 worsened")
    assert store.load(journey.code).assessment.to_json() == before
    assert error_outputs(page) == []


def test_submitting_to_the_room_shows_on_the_trainers_dashboard(
    journey: Journey, summary_page: Page, kit_server, make_page: Callable[..., Page], store: Store
) -> None:
    page = summary_page
    page.get_by_role("button", name="Submit this review").click()
    confirmation = page.get_by_role("alert").filter(has_text="Once submitted, this review can no longer be changed.")
    expect(confirmation).to_contain_text(f"It will be shared with your trainer in room {ROOM}.")
    page.get_by_role("button", name="Yes, submit it now").click()
    expect(page.get_by_text(f"Submitted to room {ROOM}: read-only.")).to_be_visible()
    expect(page.get_by_role("button", name="Submit this review")).to_be_disabled()
    assert store.load(journey.code).status == "submitted"
    go_to_step(page, "✔ 3. ")
    expect(page.get_by_label("Evidence", exact=True)).to_be_disabled()

    # The trainer's dashboard, opened with the key, has it (the whole room flow: test_room_dashboard.py).
    trainer = open_app(make_page(), kit_server.url(DASHBOARD, f"room={ROOM}"))
    trainer.get_by_label("Trainer key").fill(ROOM_KEY)
    trainer.get_by_role("button", name="Open room").click()
    expect(trainer.get_by_text(re.compile(r"^1 submitted, 0 started"))).to_be_visible()
    colombia = trainer.locator("section.idpc-room-country").filter(has_text="Colombia")
    rows = colombia.locator("table.idpc-results tbody tr")
    expect(rows).to_have_count(13)
    for n, grade in enumerate(GRADES, start=1):
        c = COMMITMENTS[n - 1]
        row = rows.filter(has=trainer.get_by_role("rowheader", name=f"{c.number}. {c.title}", exact=True))
        symbol = scales.FIVE_POINT[grade].symbol
        # grades given, not assessed, median, spread, agreement (one review)
        expect(row.get_by_role("cell")).to_have_text([f"{symbol}{grade}×1", "0", str(grade), "0", "One review only"])


def test_html_typed_in_a_note_is_shown_as_text_and_never_runs(
    kit_server, make_page: Callable[..., Page], store: Store
) -> None:
    page = make_page()
    dialogs: list[str] = []
    fail_on_dialog(page, dialogs)
    open_app(page, kit_server.url(APP))
    page.get_by_role("button", name="Start a new review").click()
    page.get_by_label("Country").fill("Veridia (fictional country)")
    page.get_by_label("Organisation(s)").fill(HOSTILE)
    page.get_by_label("Traffic light: red, orange or green").check()
    code = resume_code(page)
    next_button(page).click()
    expect(commitment_heading(page, 1)).to_be_visible()
    page.get_by_role("radio", name=label("orange", "traffic-light"), exact=True).click()
    page.get_by_label("Evidence", exact=True).fill(HOSTILE)
    page.get_by_role("button", name="Add a source").click()
    page.get_by_label("Source 1: title", exact=True).fill(HOSTILE)
    page.get_by_label("Source 1: link", exact=True).fill("javascript:alert(3)")
    progress(page, 1)
    go_to_step(page, "Summary")
    expect_summary(page, "Veridia (fictional country)")
    expect(page.get_by_text("This is a fictional country, for practice.")).to_be_visible()

    # The note appears as the characters typed, in the table and in the heading; no element was made of it.
    expect(summary_row(page, 1)).to_contain_text(HOSTILE)
    expect(page.get_by_text(f"by {HOSTILE}")).to_be_visible()
    assert page.locator(".idpc-app img[src='x'], .idpc-app script, .idpc-app b").count() == 0
    assert store.load(code).assessment.entries[0].evidence == HOSTILE

    # The downloaded report, opened in the browser, is just as inert (and the javascript: link is not a link).
    _, html = download(page, "Report (web page, HTML)")
    report = make_page()
    fail_on_dialog(report, dialogs)
    report.set_content(html.decode("utf-8"))
    expect(report.locator("article#c-alternatives")).to_contain_text(HOSTILE)
    assert report.locator("img[src='x'], a[href^='javascript']").count() == 0
    page.wait_for_timeout(300)  # an onerror handler would have fired by now
    assert dialogs == []


def test_the_app_fits_a_phone_screen(kit_server, make_page: Callable[..., Page]) -> None:
    phone = open_app(make_page(width=390, height=844), kit_server.url(APP))

    def overflow() -> int:
        return phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")

    start = phone.get_by_role("button", name="Start a new review")
    expect(start).to_be_visible()
    assert overflow() <= 1, f"the welcome screen is {overflow()}px wider than the phone"
    start.click()
    phone.get_by_label("Country").fill("Colombia")
    expect(phone.get_by_text("✔ Colombia (COL)")).to_be_visible()
    assert overflow() <= 1, f"the set-up is {overflow()}px wider than the phone"
    # The Scale's label and both choices are shown whole: no text cut off by its box or a box around it.
    scale = phone.get_by_role("radiogroup", name="Scale")
    parts = [phone.locator(".widget-radio > .widget-label").filter(has_text="Scale"), *scale.locator("label").all()]
    assert len(parts) == 3
    for part in parts:
        part.scroll_into_view_if_needed()
        assert part.evaluate(CLIPPED_JS) == "", part.inner_text()
    next_button(phone).click()
    expect(commitment_heading(phone, 1)).to_be_visible()
    grade = phone.get_by_role("radio", name=label(2), exact=True)
    grade.click()
    expect(phone.get_by_text(f"Selected: {label(2)}", exact=True)).to_be_visible()
    evidence_box = phone.get_by_label("Evidence", exact=True)
    evidence_box.fill("Typed on a phone")
    box = evidence_box.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1
    progress(phone, 1)
    assert overflow() <= 1, f"a commitment step is {overflow()}px wider than the phone"

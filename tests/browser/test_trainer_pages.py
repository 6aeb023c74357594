"""The trainer pages on the real served site: linked from the index, handouts as downloads, solutions behind the key."""

from __future__ import annotations

import io
from collections.abc import Callable

import httpx
import pypdf
import pytest

from idpckit import handouts
from idpckit.rooms import Rooms
from idpckit.store import Store


@pytest.fixture(scope="module")
def room(kit_server: object) -> tuple[str, str]:
    made, key = Rooms(Store(kit_server.store_url)).create("Trainer pages test")
    return made.code, key


def test_index_links_to_the_trainer_pages_and_they_link_on(kit_server: object) -> None:
    with httpx.Client(base_url=kit_server.base, timeout=60) as client:
        index = client.get("/")
        assert 'href="/trainer/"' in index.text
        page = client.get("/trainer/")
        assert page.status_code == 200
        for name in ("agenda", "facilitator-notes", "roleplay", "guide"):
            assert f'href="/trainer/{name}"' in page.text
            sub = client.get(f"/trainer/{name}")
            assert sub.status_code == 200 and "<h1" in sub.text, name
        assert client.get("/trainer/nothing-here").status_code == 404
        assert client.get("/trainer/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_handouts_download_as_pdfs_on_the_paper_asked_for(kit_server: object) -> None:
    with httpx.Client(base_url=kit_server.base, timeout=120) as client:
        r = client.get("/trainer/handouts/table1.pdf", params={"paper": "letter"})
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        assert "attachment" in r.headers["content-disposition"]
        page = pypdf.PdfReader(io.BytesIO(r.content)).pages[0]
        assert (float(page.mediabox.width), float(page.mediabox.height)) == handouts.PAPERS["letter"][1]
        assert "Promoting alternatives to conviction" in " ".join((page.extract_text() or "").split())
        assert client.get("/trainer/handouts/table1.pdf", params={"paper": "a3"}).status_code == 400
        # the trainer's answer sheet is never a plain download
        assert client.get("/trainer/handouts/calibration-answers.pdf").status_code == 404


def test_solutions_need_the_rooms_trainer_key(
    kit_server: object, room: tuple[str, str], make_page: Callable[..., object]
) -> None:
    code, key = room
    page = make_page()
    page.goto(kit_server.base + "trainer/")
    page.get_by_role("link", name="Open the solutions").click()
    page.get_by_label("Room code").fill(code)
    page.get_by_label("Trainer key").fill("AAAA-BBBB-CCCC-DDDD-EEEE")
    page.get_by_role("button", name="Show the solutions").click()
    alert = page.get_by_role("alert")
    assert "does not open room" in alert.inner_text()
    assert "Lesson 4" not in page.content()
    page.get_by_label("Trainer key").fill(key)
    page.get_by_role("button", name="Show the solutions").click()
    page.get_by_text(f"Solutions opened for room {code}").wait_for()
    assert page.locator("h2#lesson-4-table-1-the-commitments-and-where-they-are-anchored").count() == 1


def test_a_post_without_the_forms_xsrf_token_is_refused(kit_server: object, room: tuple[str, str]) -> None:
    code, key = room
    with httpx.Client(base_url=kit_server.base, timeout=30) as client:
        r = client.post("/trainer/solutions", data={"room": code, "key": key})
        assert r.status_code == 403 and "Lesson 4" not in r.text


WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def test_trainer_pages_have_no_axe_violations(
    kit_server: object, room: tuple[str, str], make_page: Callable[..., object]
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = make_page()
    for path in ("trainer/", "trainer/agenda", "trainer/facilitator-notes", "trainer/roleplay", "trainer/solutions"):
        page.goto(kit_server.base + path)
        result = axe.run(page, options=WCAG)
        assert result.violations_count == 0, (path, result.generate_report())
    code, key = room
    page.get_by_label("Room code").fill(code)
    page.get_by_label("Trainer key").fill(key)
    page.get_by_role("button", name="Show the solutions").click()
    page.get_by_text(f"Solutions opened for room {code}").wait_for()
    result = axe.run(page, options=WCAG)
    assert result.violations_count == 0, ("solutions", result.generate_report())

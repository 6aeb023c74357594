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


def test_trainer_pages_follow_lang_and_the_browsers_language(kit_server: object) -> None:
    with httpx.Client(base_url=kit_server.base, timeout=60) as client:
        fr = client.get("/trainer/", params={"lang": "fr"})
        assert fr.status_code == 200 and '<html lang="fr">' in fr.text
        assert "<h1>Pour les formateurs</h1>" in fr.text and "Handouts to print" not in fr.text
        assert 'href="/trainer/agenda?lang=fr"' in fr.text
        es = client.get("/trainer/agenda", headers={"Accept-Language": "es-CO,es;q=0.9,en;q=0.5"})
        assert es.status_code == 200 and '<html lang="es">' in es.text
        assert "Programas · idpckit para facilitadores" in es.text and "Todas las lecciones y aplicaciones" in es.text
        missing = client.get("/trainer/nothing-here", params={"lang": "ru"})
        assert missing.status_code == 404 and '<html lang="ru">' in missing.text and "Здесь ничего нет" in missing.text
        # ?lang= wins over the browser's language; a language the kit does not speak falls back to English
        asked = client.get("/trainer/solutions", params={"lang": "fr"}, headers={"Accept-Language": "es"})
        assert "Code de salle" in asked.text and 'action="/trainer/solutions?lang=fr"' in asked.text
        odd = client.get("/trainer/", params={"lang": "xx<script>"}, headers={"Accept-Language": "de"})
        assert odd.status_code == 200 and '<html lang="en">' in odd.text and "<script>" not in odd.text
        refused = client.post("/trainer/solutions?lang=es")  # no xsrf token: refused, never a traceback
        assert refused.status_code == 403 and "Traceback" not in refused.text


def test_a_handout_downloads_in_the_language_asked(kit_server: object) -> None:
    with httpx.Client(base_url=kit_server.base, timeout=120) as client:
        r = client.get("/trainer/handouts/table1.pdf", params={"paper": "a4", "lang": "es"})
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        text = " ".join((pypdf.PdfReader(io.BytesIO(r.content)).pages[0].extract_text() or "").split())
        assert "La tabla 1 de la nota" in text and "Promoting alternatives to conviction" not in text, text[:300]


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

"""The kit in the visitor's language, through a real ``idpckit serve`` and Chromium.

Over plain HTTP: the index and the error pages follow ``?lang=``, else the browser's
``Accept-Language``, and hostile values fall back to English.  In Chromium: a trainee
picks "Español" in the index's language switch, opens the self-assessment, grades a
commitment and downloads the report, which comes out in Spanish; a browser set to
Russian gets the app in Russian without asking.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from voila_helpers import error_outputs, wait_rendered

pytestmark = pytest.mark.browser


def get(url: str, accept_language: str | None = None) -> tuple[int, str]:
    headers = {"Accept-Language": accept_language} if accept_language is not None else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def html_lang(page_text: str) -> str:
    return re.search(r'<html lang="([^"]*)"', page_text).group(1)


@pytest.mark.parametrize(
    ("query", "header", "lang", "words"),
    [
        ("?lang=es", None, "es", "Unirse a un taller"),
        ("?lang=fr", "ru-RU", "fr", "Rejoindre un atelier"),  # the page's choice beats the browser's
        ("", "ru-RU,ru;q=0.9,en;q=0.8", "ru", "Присоединиться к семинару"),
        ("", "de-DE,de;q=0.9,es;q=0.5", "es", "Unirse a un taller"),  # German skipped, Spanish next
        ("?lang=%3Cscript%3E", None, "en", "Join a workshop"),
        ("?lang=%FF%FE", None, "en", "Join a workshop"),  # not UTF-8
        ("?lang=" + "e" * 5000, None, "en", "Join a workshop"),
        ("", "x" * 3000, "en", "Join a workshop"),
        ("", "es;q=abc, fr;q=0", "en", "Join a workshop"),
    ],
)
def test_the_index_follows_lang_else_the_browser_and_refuses_nothing(
    kit_server, query: str, header: str | None, lang: str, words: str
) -> None:
    status, page = get(kit_server.base + query, header)
    assert status == 200 and html_lang(page) == lang and words in page
    assert "<script>" not in page.split("<body>")[1]


def test_error_pages_speak_the_visitors_language(kit_server) -> None:
    status, page = get(kit_server.base + "no/such/page?lang=fr")
    assert status == 404 and html_lang(page) == "fr" and "Il n&#x27;y a pas de page à cette adresse" in page
    status, page = get(kit_server.base + "no/such/page", "ru")
    assert status == 404 and html_lang(page) == "ru" and "По этому адресу нет страницы" in page
    status, page = get(kit_server.base + "logout?lang=es")
    assert html_lang(page) == "es" and "No hay ninguna sesión que cerrar" in page


@pytest.mark.parametrize(
    ("notebook", "query", "header", "lang", "words"),
    [
        ("00-start-here.ipynb", "?lang=ru", None, "en", "&larr; Все уроки и упражнения</a>"),  # English prose
        ("es/00-start-here.ipynb", "", "en-GB", "es", "&larr; All lessons and exercises</a>"),
        ("es/00-start-here.ipynb", "?lang=es", None, "es", "&larr; Todas las lecciones y ejercicios</a>"),
    ],
)
def test_a_page_streamed_from_a_fresh_kernel_declares_its_language(
    kit_server, notebook: str, query: str, header: str | None, lang: str, words: str
) -> None:
    """Lessons always get a fresh kernel, whose page Voilà streams in Jinja's pieces (the app pages too,
    whenever no pooled kernel is free): ``<html lang>`` is set on the server, before any script runs."""
    status, page = get(kit_server.url(notebook) + query, header)
    assert status == 200 and html_lang(page) == lang and words in page


def test_a_trainee_does_the_self_assessment_in_spanish_from_the_language_switch_to_the_report(
    kit_server, page: Page
) -> None:
    page.goto(kit_server.base)
    switch = page.get_by_role("navigation", name="Language")
    expect(switch.get_by_role("link", name=re.compile("^English"))).to_have_attribute("aria-current", "page")
    switch.get_by_role("link", name="Español", exact=True).click()
    page.wait_for_url(re.compile(r"\?lang=es$"))
    assert page.evaluate("document.documentElement.lang") == "es"
    current = page.get_by_role("navigation", name="Idioma").get_by_role("link", name=re.compile("^Español"))
    expect(current).to_have_attribute("aria-current", "page")
    expect(current).to_contain_text("(idioma actual)")

    page.locator('li[data-notebook="self-assessment.ipynb"] h3 a').click()
    wait_rendered(page)
    assert page.evaluate("document.documentElement.lang") == "es"
    expect(page.get_by_role("link", name=re.compile("Todas las lecciones y ejercicios"))).to_be_visible()
    expect(page.get_by_role("heading", name="En qué consiste este ejercicio")).to_be_visible()
    page.get_by_role("button", name="Empezar una nueva evaluación").click()

    country = page.get_by_label("País", exact=True)
    expect(country).to_be_visible()
    country.fill("Alemania")
    expect(page.get_by_text("✔ Alemania (DEU)")).to_be_visible()
    page.get_by_role("button", name="Siguiente ▶").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Compromiso 1: "))).to_be_visible(timeout=30_000)
    page.get_by_role("radio", name="2 ▼ Deficiencias graves", exact=True).click()
    expect(page.get_by_text("Seleccionada: 2 ▼ Deficiencias graves", exact=True)).to_be_visible()
    page.get_by_label("Evidencia", exact=True).fill("Las cárceles siguen llenas de personas por posesión.")
    expect(page.get_by_text("1 de 13 calificados", exact=True)).to_be_visible()

    select = page.get_by_label("Ir al paso")
    select.select_option(index=select.locator("option").count() - 1)
    expect(page.get_by_role("heading", name=re.compile(r"^Resumen: Alemania, \d{4}$"))).to_be_visible(timeout=60_000)
    link = page.get_by_role("link", name="Informe (página web, HTML)", exact=True)
    expect(link).to_be_visible(timeout=60_000)
    with page.expect_download() as info:
        link.click()
    report = Path(info.value.path()).read_text(encoding="utf-8")
    assert html_lang(report) == "es"
    assert "Compromiso por compromiso" in report and "Alemania" in report
    assert "Las cárceles siguen llenas" in report and "Deficiencias graves" in report
    assert "Commitment by commitment" not in report
    assert error_outputs(page) == []


def test_a_browser_set_to_russian_gets_the_app_in_russian(kit_server, chromium) -> None:
    context = chromium.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(kit_server.url("self-assessment.ipynb"))
        wait_rendered(page)
        assert page.evaluate("document.documentElement.lang") == "ru"
        page.get_by_role("button", name="Начать новую оценку").click()
        expect(page.get_by_label("Страна", exact=True)).to_be_visible()
    finally:
        context.close()

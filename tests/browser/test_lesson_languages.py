"""The lessons in Spanish, French and Russian in a real browser, as a trainee meets them.

From the index in the visitor's language to a translated lesson served by Voilà, and one
of its checks answered: the buttons, the feedback after a click (a widget callback, which
runs after the page was built) and the lesson's own helpers must all speak the lesson's
language.  Russian has no translated lessons: the index says so and opens the English ones.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from voila_helpers import error_outputs, wait_rendered

from idpckit import exercises, i18n

pytestmark = pytest.mark.browser


def test_a_spanish_lesson_from_the_index_answers_a_check_in_spanish(kit_server, page: Page) -> None:
    page.goto(kit_server.base + "?lang=es")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("link", name="Empiece aquí").first.click()  # the newcomer's box; the list links it too
    wait_rendered(page)
    assert "/voila/render/es/00-start-here.ipynb" in page.url
    assert error_outputs(page) == []
    expect(page.get_by_role("heading", name="Lección 0: Empiece aquí")).to_be_visible()
    # The lesson's helper (the list of lessons) speaks Spanish, and links the Spanish lessons.
    expect(page.get_by_text("Las lecciones y su duración")).to_be_visible()
    expect(page.get_by_role("link", name="El camino hacia 2019")).to_have_attribute("href", "01-road-to-2019.ipynb")

    with i18n.language("es"):  # the question itself is translated too (data/translations)
        question = exercises.get("00-start-here", "run-a-cell")
    assert question.prompt.startswith("En JupyterLab")
    check = page.locator(".idpckit-check").filter(has_text=question.prompt)
    expect(check).to_have_count(1)
    wrong = next(o.text for o in question.options if not o.correct)
    check.get_by_label(wrong, exact=True).check()
    check.get_by_role("button", name="Comprobar mi respuesta").click()
    expect(check.get_by_text("No del todo.", exact=False)).to_be_visible()  # the grading feedback, in Spanish
    assert "Not quite" not in check.inner_text()

    check.get_by_role("button", name="Intentar de nuevo").click()
    right = next(o.text for o in question.options if o.correct)
    check.get_by_label(right, exact=True).check()
    check.get_by_role("button", name="Comprobar mi respuesta").click()
    expect(check.get_by_text("Correcto.", exact=False)).to_be_visible()
    check.get_by_role("button", name="Mostrar la solución").click()
    expect(check.get_by_role("button", name="Ocultar la solución")).to_be_visible()
    expect(check.get_by_text("Solución", exact=True)).to_be_visible()


def test_a_french_lesson_shows_its_helpers_and_checks_in_french(open_notebook) -> None:
    page = open_notebook("fr/02-four-asks.ipynb")
    assert error_outputs(page) == []
    expect(page.get_by_role("heading", name="Leçon 2 : Les quatre demandes de l'IDPC")).to_be_visible()
    expect(page.get_by_text("Demande 1 :", exact=False).first).to_be_visible()  # lessons.asks() in French
    expect(page.get_by_role("button", name="Vérifier ma réponse").first).to_be_visible()


def test_the_russian_index_says_the_lessons_are_in_english_and_opens_them(kit_server, page: Page) -> None:
    page.goto(kit_server.base + "?lang=ru")
    expect(page.get_by_role("note")).to_contain_text("Уроки пока доступны только на английском языке")
    page.get_by_role("link", name="Start here").first.click()  # the newcomer's box; the list links it too
    wait_rendered(page)
    assert page.url.split("?")[0].endswith("/voila/render/00-start-here.ipynb")
    expect(page.get_by_role("heading", name="Lesson 0: Start here")).to_be_visible()


@pytest.mark.parametrize(("notebook", "lang"), [("es/00-start-here.ipynb", "es"), ("00-start-here.ipynb", "en")])
def test_a_lesson_page_declares_its_language(notebook: str, lang: str, open_notebook) -> None:
    """Screen readers pick their voice from <html lang>: a Spanish lesson must not claim to be English."""
    page = open_notebook(notebook)
    expect(page.locator("html")).to_have_attribute("lang", lang)

"""The slide decks open from a folder (a USB stick) in Chromium with the network blocked, and show their slides."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from idpckit import slides


@pytest.fixture(scope="module")
def deck_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("usb-stick") / "slides"
    slides.build(out)
    return out


def _offline(page: object) -> list[str]:
    """Abort every request that is not a file:// one, and return the list of what was tried."""
    tried: list[str] = []

    def handle(route: object) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            tried.append(url)
            route.abort()

    page.context.route("**/*", handle)
    return tried


def test_a_lesson_deck_loads_offline_and_moves_through_its_slides(
    deck_folder: Path, make_page: Callable[..., object]
) -> None:
    page = make_page(width=1280, height=800)
    tried = _offline(page)
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((deck_folder / "04-table1.html").as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)
    total = page.evaluate("() => Reveal.getTotalSlides()")
    assert total >= 5
    title = page.locator(".slides section.present h1")
    assert "Table 1" in title.inner_text()
    # the vendored font is used, not a fallback: the browser loaded DejaVu from the folder
    assert page.evaluate("() => document.fonts.check('16px \"DejaVu Sans\"')")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => Reveal.getIndices().h === 1")
    assert "By the end of this lesson" in page.locator(".slides section.present h2").inner_text()
    # the Table 1 data slide is there, with all 13 rows from data/
    index = page.evaluate(
        "() => [...document.querySelectorAll('.slides > section')].findIndex("
        "s => s.classList.contains('data') && s.textContent.includes('Tracking progress against the following'))"
    )
    assert index > 0
    page.evaluate(f"() => Reveal.slide({index})")
    table = page.locator(".slides section.present table").first
    table.wait_for()
    assert table.locator("tbody tr").count() >= 13
    page.evaluate("() => Reveal.slide(Reveal.getTotalSlides() - 1)")
    assert "Key points" in page.locator(".slides section.present h2").inner_text()
    assert not errors, errors
    assert not tried and not failed, (tried, failed)


def test_every_deck_and_the_index_open_offline(deck_folder: Path, make_page: Callable[..., object]) -> None:
    page = make_page(width=1024, height=768)
    tried = _offline(page)
    page.goto((deck_folder / "index.html").as_uri())
    links = page.locator("ul.decks a")
    names = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert "roleplay.html" in names and len(names) >= 9
    for name in names:
        page.goto((deck_folder / name).as_uri())
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)
        assert page.evaluate("() => Reveal.getTotalSlides()") >= 3, name
        assert page.locator(".slides section.present").first.is_visible(), name
    assert not tried, tried

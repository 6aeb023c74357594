"""The first page a visitor sees: every app and lesson, with what it teaches and how long it takes."""

from __future__ import annotations

import pytest
from voila_helpers import error_outputs, wait_rendered

from idpckit import catalog

pytestmark = pytest.mark.browser


def test_index_lists_every_app_and_lesson_and_opens_them(kit_server, page) -> None:
    entries = [e for e in catalog.catalog() if e.audience == "everyone"]
    page.goto(kit_server.base)
    assert page.title() == "The 2019 Ministerial Segment: lessons and exercises"
    assert page.get_by_role("heading", level=1).count() == 1
    # The trainers' room dashboard is not advertised to trainees; they get a box to join a room instead.
    for hidden in (e for e in catalog.catalog() if e.audience == "trainers"):
        assert page.locator(f'li[data-notebook="{hidden.name}"]').count() == 0
    assert page.get_by_role("heading", name="Join a workshop").count() == 1
    for e in entries:
        item = page.locator(f'li[data-notebook="{e.name}"]')
        link = item.get_by_role("link", name=e.title, exact=True)
        assert link.get_attribute("href") == f"/{e.url}"
        text = " ".join(item.inner_text().split())
        assert e.summary in text
        if e.kind == "lesson":
            assert f"Teaching {e.teaching} min" in text and f"Exercises {e.exercises} min" in text
            for objective in e.objectives:
                assert objective in text
    # Voilà's own file tree is not shown: it redirects to this page.
    page.goto(kit_server.base + "voila/tree")
    assert page.url == kit_server.base

    explorer = next(e for e in entries if e.name == "table1-explorer.ipynb")
    page.get_by_role("link", name=explorer.title, exact=True).click()
    wait_rendered(page)
    assert page.url.endswith("/voila/render/table1-explorer.ipynb")
    assert error_outputs(page) == []
    page.get_by_role("link", name="All lessons and exercises").click()
    page.wait_for_url(kit_server.base)

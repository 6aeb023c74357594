"""``idpckit serve`` on a store it may only read (an archived workshop), in Chromium.

The store is on a real read-only disk (a tmpfs remounted read-only; see
``tests/test_store_limits.py``, whose fixture makes it): root may not write it either, and
``test_a_read_only_store_is_read_and_refuses_changes_in_words`` there proves a write is
refused. The server starts and says once, in the terminal's language (Spanish here), that
reviews can be viewed, not saved; the trainer's room dashboard opens the room and shows its
review; the explorer works; the self-assessment app says by its save status that this server
cannot save, keeps what was typed, and still offers the download. Nothing in the file changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from serve_helpers import free_port, start_serve, stop_serve
from test_self_assessment import go_to_step, open_app
from test_store_limits import ReadOnlyStore, read_only_store, snapshot  # noqa: F401 - the fixture, by name
from voila_helpers import error_outputs

from idpckit.data import load

pytestmark = pytest.mark.browser

FIRST = load().commitments[0]


def test_a_read_only_store_is_served_viewed_and_saves_are_refused_in_words(
    read_only_store: ReadOnlyStore,  # noqa: F811 - the imported fixture
    make_page: Callable[..., Page],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ro = read_only_store
    before = snapshot(ro.path)
    monkeypatch.setenv("IDPCKIT_LANG", "es")  # the terminal's language: the start-up lines speak it
    port, log = free_port(), tmp_path / "serve.log"
    proc = start_serve(["--host", "127.0.0.1", "--store", str(ro.path)], port, log)
    try:
        base = f"http://127.0.0.1:{port}/voila/render/"
        said = log.read_text(encoding="utf-8")
        spanish = f"idpckit: el almacén {ro.path} es de solo lectura"
        assert said.count(spanish) == 1, said  # said once, in Spanish, and not the usual "saved in" line
        assert "Traceback" not in said and "se guardan en" not in said, said

        # The trainer's dashboard opens the archived room and shows its submitted review.
        trainer = open_app(make_page(), f"{base}room-dashboard.ipynb?room={ro.room}")
        trainer.get_by_label("Trainer key").fill(ro.key)
        trainer.get_by_role("button", name="Open room").click()
        expect(trainer.get_by_text(re.compile(r"^1 submitted, 0 started"))).to_be_visible()
        expect(trainer.get_by_role("status").filter(has_text="Last updated")).to_contain_text("Archived workshop")
        expect(trainer.locator("section.idpc-room-country table.idpc-results")).to_be_visible()
        # What would change the room is disabled, and the page says why.
        expect(trainer.get_by_role("status").filter(has_text="store is read-only")).to_contain_text(
            "the room can be viewed and its results downloaded"
        )
        for name in ("Withdraw from room", "Delete review", "Close room"):
            expect(trainer.get_by_role("button", name=name)).to_be_disabled()
        assert error_outputs(trainer) == []

        # The explorer needs no store, and works as anywhere.
        explorer = open_app(make_page(), f"{base}table1-explorer.ipynb")
        expect(explorer.get_by_text(FIRST.title).first).to_be_visible()
        assert error_outputs(explorer) == []

        # A trainee's change: refused in words by the save status, kept in the page, downloadable.
        app = open_app(make_page(), f"{base}self-assessment.ipynb")
        app.get_by_role("button", name="Start a new review").click()
        expect(app.get_by_role("heading", name="Set-up", exact=True)).to_be_visible()
        app.get_by_label("Country").press_sequentially("Colombia")
        expect(app.get_by_text("✔ Colombia (COL)")).to_be_visible()
        app.get_by_label("Organisation(s)").fill("Elementa")
        app.get_by_label("Five-point scale: 1, 2, 3, 4 or 5").check()
        app.get_by_role("button", name=re.compile(r"^Next ▶$")).click()
        expect(app.get_by_role("heading", name=f"Commitment {FIRST.number}: {FIRST.title}")).to_be_visible()
        app.get_by_label("Evidence", exact=True).fill("Typed where nothing can be saved")
        refusal = app.get_by_role("alert").filter(has_text="this server cannot save reviews")
        expect(refusal).to_be_visible()
        expect(refusal).to_contain_text("download a copy from the summary")
        expect(app.get_by_label("Evidence", exact=True)).to_have_value("Typed where nothing can be saved")
        assert error_outputs(app) == [] and "Traceback" not in app.inner_text("body")
        go_to_step(app, "Summary")
        link = app.locator("a[download$='.json']")
        expect(link).to_be_visible(timeout=30_000)
        with app.expect_download() as got:
            link.click()
        assert "Typed where nothing can be saved" in Path(got.value.path()).read_text(encoding="utf-8")
    finally:
        stop_serve(proc)
    assert snapshot(ro.path) == before  # the archived store, as it was

"""The trainer's room dashboard in a real browser: a workshop room's submitted reviews at a glance.

The room is filled through the server's own SQLite store (the trainees' side, typing
and submitting in the self-assessment app, is covered in test_self_assessment.py):
three submitted reviews on both scales, one draft, and one review submitted to another
room.  The trainer then opens the dashboard as a page, types the room code or follows a
``?room=`` link, and reads the table, the list of reviews and the CSV download.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_self_assessment import open_app, open_on_fresh_kernel, open_on_preheated_kernel
from voila_helpers import error_outputs

from idpckit import catalog, serve
from idpckit.assessment import Assessment, Entry
from idpckit.store import Store

pytestmark = pytest.mark.browser

DASHBOARD = "room-dashboard.ipynb"
ROOM = "ROOM-DASH"
DRAFT_ORG = "Draft-only NGO"
OTHER_ROOM_ORG = "Another room's NGO"


@pytest.fixture(scope="module")
def room(kit_server) -> Store:
    """A room with three submitted reviews, a draft, and a review submitted elsewhere."""
    store = Store(kit_server.store_url)

    def review(grades: dict[str, object], org: str, *, country: str = "COL", scale: str = "five-point",
               room: str = ROOM, submit: bool = True) -> None:  # fmt: skip
        a = Assessment(
            country=country,
            year=2025,
            scale=scale,
            room=room,
            organisations=[org],
            fictional=country == "XVR",
            entries=[Entry(commitment_id=cid, grade=g) for cid, g in grades.items()],
        )
        code = store.save_draft(a)
        if submit:
            store.submit(code)

    review({"alternatives": 1, "harm-reduction": 4, "data": None}, "Elementa")
    review({"alternatives": "green", "harm-reduction": "orange"}, "Dejusticia", scale="traffic-light")
    review({"alternatives": 2}, "Veridian Harm Reduction Network", country="XVR")
    review({"alternatives": 5, "gender": 5}, DRAFT_ORG, submit=False)
    review({"alternatives": 5, "gender": 5}, OTHER_ROOM_ORG, room="OTHER-ROOM")
    return store


def row_cells(page: Page, title_start: str) -> list[str]:
    """The cells of the table row whose commitment starts with ``title_start`` (after its row header)."""
    table = page.get_by_role("table").filter(has_text="How the room graded each commitment")
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile("^" + title_start)))
    expect(row).to_have_count(1)
    return [" ".join(t.split()) for t in row.get_by_role("cell").all_inner_texts()]


def show_room(page: Page, code: str) -> None:
    page.get_by_label("Room code").fill(code)
    page.get_by_role("button", name="Show results").click()


def _room_is_open(page: Page) -> None:
    expect(page.get_by_label("Room code")).to_have_value(ROOM)
    expect(page.get_by_role("status")).to_contain_text("submitted review(s) from Colombia, Veridia")
    assert row_cells(page, "Promoting alternatives")[1] == "✖ 2"


def test_the_dashboard_is_preheated() -> None:
    """The trainer's first page opens at once: ``idpckit serve`` keeps a ready kernel for the dashboard."""
    assert DASHBOARD in serve.preheated(catalog.catalog())


def test_a_room_link_opens_the_room_on_the_kernel_the_first_visitor_gets(
    room: Store, kit_server, make_page: Callable[..., Page]
) -> None:
    """The kernel ran the notebook before the trainer came; ``?room=`` still opens the room."""
    page = open_on_preheated_kernel(kit_server, make_page, DASHBOARD, f"room={ROOM}")
    _room_is_open(page)


def test_a_room_link_opens_the_room_on_a_kernel_started_for_the_visitor(
    room: Store, kit_server, make_page: Callable[..., Page]
) -> None:
    page = open_on_fresh_kernel(kit_server, make_page, DASHBOARD, f"room={ROOM}")
    _room_is_open(page)


def test_the_trainer_types_the_room_code_and_reads_the_room(room: Store, kit_server, page: Page) -> None:
    open_app(page, kit_server.url(DASHBOARD))
    assert error_outputs(page) == []

    page.get_by_role("button", name="Show results").click()
    expect(page.get_by_role("alert")).to_contain_text("Type the room code first.")
    show_room(page, "NOBODY-HERE")
    expect(page.get_by_role("status")).to_contain_text("No review has been submitted to room 'NOBODY-HERE' yet")

    show_room(page, ROOM.lower())  # codes are not case-sensitive
    status = page.get_by_role("status")
    expect(status).to_have_text(
        "3 submitted review(s) from Colombia, Veridia (fictional country); 1 draft(s) still in progress."
    )
    table = page.get_by_role("table").filter(has_text="How the room graded each commitment")
    expect(table.get_by_role("columnheader")).to_have_text(
        ["#", "Commitment", "✖ Red", "▲ Orange", "✔ Green", "Not assessed", "Median (1–5)", "Agreement"]
    )
    expect(table.locator("tbody tr")).to_have_count(3)  # only the commitments someone graded or tracked
    # Five-point 1 and 2 count as red, the traffic light's green as green: the room disagrees.
    assert row_cells(page, "Promoting alternatives") == [
        "1",
        "✖ 2",
        "0",
        "✔ 1",
        "0",
        "2",
        "⚠ Disagree (spread 4 points)",
    ]
    assert row_cells(page, "Improving access to harm reduction") == ["3", "0", "▲ 1", "✔ 1", "0", "3.5", "Close"]
    assert row_cells(page, "Compiling, analysing") == ["12", "0", "0", "0", "1", "–", "–"]

    page.get_by_text("The 3 review(s)").click()
    reviews = page.get_by_role("listitem").filter(has_text="2025")
    expect(reviews).to_have_count(3)
    expect(reviews.filter(has_text="Veridia")).to_contain_text("(fictional example)")
    text = page.inner_text("body")
    assert DRAFT_ORG not in text and OTHER_ROOM_ORG not in text  # drafts are counted, never shown

    link = page.get_by_role("link", name="Download all grades (CSV)")
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename == f"room-{ROOM.lower()}.csv"
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert sorted({r["organisations"] for r in rows}) == ["Dejusticia", "Elementa", "Veridian Harm Reduction Network"]
    assert len(rows) == 6
    assert {(r["organisations"], r["commitment"][:20], r["grade"], r["light"]) for r in rows} >= {
        ("Elementa", "Promoting alternativ", "1", "red"),
        ("Dejusticia", "Promoting alternativ", "green", "green"),
        ("Elementa", "Compiling, analysing", "", "not assessed"),
    }

    # Trainees keep submitting during a session: "Show results" reads the store again.
    late = Assessment(country="COL", year=2025, room=ROOM, organisations=["Late NGO"],
                      entries=[Entry(commitment_id="gender", grade=3)])  # fmt: skip
    room.submit(room.save_draft(late))
    page.get_by_role("button", name="Show results").click()
    expect(status).to_contain_text("4 submitted review(s)")
    assert row_cells(page, "Developing gender-sensitive") == ["8", "0", "▲ 1", "0", "0", "3", "Close"]


def test_the_room_table_fits_a_phone_screen(room: Store, kit_server, make_page: Callable[..., Page]) -> None:
    phone = open_app(make_page(width=390, height=844), kit_server.url(DASHBOARD))
    show_room(phone, ROOM)
    table = phone.get_by_role("table").filter(has_text="How the room graded each commitment")
    expect(table).to_be_visible()
    overflow = phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the dashboard is {overflow}px wider than the phone"
    expect(phone.get_by_role("button", name="Show results")).to_be_in_viewport()

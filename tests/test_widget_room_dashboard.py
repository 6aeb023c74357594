"""The trainer's room dashboard, driven as a trainer would, on a real SQLite store (no browser)."""

from __future__ import annotations

import base64
import csv
import io
import re
import zipfile
from pathlib import Path

import pytest

from idpckit.assessment import Assessment, Entry
from idpckit.data import Content, load
from idpckit.rooms import Rooms
from idpckit.store import Store
from idpckit.widgets.room_dashboard import RoomDashboard


@pytest.fixture(scope="module")
def content() -> Content:
    return load()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "room.sqlite3")


@pytest.fixture
def room(store: Store) -> tuple[str, str]:
    made, key = Rooms(store).create("Nairobi workshop")
    return made.code, key


def submit(store: Store, room: str, country: str, grades: dict, *, org: str, scale="five-point", draft=False) -> str:
    a = Assessment(
        country=country,
        year=2025,
        scale=scale,
        room=room,
        organisations=[org],
        assessor=f"assessor of {org}",
        entries=[
            Entry(commitment_id=c, grade=g, evidence=f"{org} saw {c}", recommendation=f"{org} asks for {c}")
            for c, g in grades.items()
        ],
    )
    code = store.save_draft(a)
    if not draft:
        store.submit(code)
    return code


def opened(store: Store, content: Content, room: tuple[str, str]) -> RoomDashboard:
    ui = RoomDashboard(store=store, content=content, auto_refresh=False)
    ui.room_code.value, ui.key.value = room[0].lower(), room[1]
    ui.open_button.click()
    assert ui.errors.message == "", ui.errors.message
    return ui


def test_nothing_of_the_room_shows_without_the_key(store: Store, content: Content, room) -> None:
    submit(store, room[0], "KEN", {"alternatives": 1}, org="Secret NGO")
    ui = RoomDashboard(store=store, content=content, auto_refresh=False)
    ui.apply_query({"room": room[0].lower(), "key": room[1]})
    assert ui.room_code.value == room[0] and ui.key.value == ""  # the code is pre-filled, a key never is
    ui.open_button.click()
    assert "Type both" in ui.errors.message
    ui.key.value = "AAAA-AAAA-AAAA-AAAA-AAAA"
    ui.open_button.click()
    assert "does not open room" in ui.errors.message and ui.key.value == ""
    page = " ".join(h.value for h in (ui.status, ui.people, ui.countries, ui.evidence, ui.downloads))
    assert "Secret NGO" not in page and "Nairobi" not in page and ui.body.layout.display == "none"
    assert ui.results is None


def test_who_started_and_submitted_per_country_results_and_alpha(store: Store, content: Content, room) -> None:
    submit(store, room[0], "KEN", {"alternatives": 1, "stigma": 4, "data": None}, org="Alpha")
    submit(store, room[0], "KEN", {"alternatives": "green", "stigma": "green"}, scale="traffic-light", org="Beta")
    submit(store, room[0], "UGA", {"alternatives": 2, "stigma": 2}, org="Gamma")
    submit(store, room[0], "UGA", {"alternatives": 5}, org="Delta", draft=True)
    ui = opened(store, content, room)
    assert ui.body.layout.display == "flex" and ui.key.value == ""  # the key is not kept in the page
    people = ui.people.value
    assert "<strong>3</strong> submitted, <strong>1</strong> started" in people
    assert "Delta" in people and "assessor of Delta" in people  # a draft is named...
    assert "Delta saw" not in ui.countries.value + ui.evidence.value  # ...its grades and notes never shown
    countries = ui.countries.value
    kenya, uganda = countries.split("<section")[1:]
    assert "Kenya, 2025: 2 reviews" in kenya and "Uganda, 2025: 1 review<" in uganda
    assert "at least two reviews" in uganda and "Alpha " in kenya
    # Most disagreed first: alternatives (1 vs 5) heads Kenya's table, flagged in words.
    first_row = kenya.split("<tbody>")[1].split("</tr>")[0]
    assert "Promoting alternatives" in first_row and "⚠ Disagree</strong> (4 points apart)" in first_row
    assert "<td class='num'>3</td>" in first_row  # Kenya's median (1 and 5), never mixed with Uganda's 2
    # The heatmap: number, symbol and colour in each cell.
    heat = kenya.split("idpc-heatmap")[1]
    assert re.search(r"background:#B2182B[^>]*>.*?✖</span> 1<", heat)
    assert "(given as Green)" in heat
    assert "Last updated" in ui.status.value and "Nairobi workshop" in ui.status.value


def test_evidence_side_by_side_starts_from_the_most_disagreed(store: Store, content: Content, room) -> None:
    submit(store, room[0], "KEN", {"alternatives": 1, "stigma": 3}, org="Alpha")
    submit(store, room[0], "KEN", {"alternatives": 5, "stigma": 3}, org="Beta")
    ui = opened(store, content, room)
    label, value = ui.commitment.options[0]
    assert value == (0, "alternatives") and label.startswith("Kenya 2025: ⚠")
    assert "Alpha saw alternatives" in ui.evidence.value and "Beta asks for alternatives" in ui.evidence.value
    ui.commitment.value = (0, "stigma")
    assert "Alpha saw stigma" in ui.evidence.value and "alternatives" not in ui.evidence.value.split("<tbody>")[1]


def test_picks_up_new_submissions_only_when_something_changed(store: Store, content: Content, room) -> None:
    submit(store, room[0], "KEN", {"alternatives": 2}, org="Alpha")
    ui = opened(store, content, room)
    assert ui.refresh() is False  # nothing new: no rebuild
    submit(store, room[0], "KEN", {"alternatives": 2}, org="Beta")
    assert ui.refresh() is True and "<strong>2</strong> submitted" in ui.people.value


def test_exports(store: Store, content: Content, room) -> None:
    submit(store, room[0], "KEN", {"alternatives": 1}, org="=HYPERLINK(1)")
    submit(store, room[0], "KEN", {"alternatives": 5}, org="Beta")
    ui = opened(store, content, room)
    assert ui.downloads.value == ""  # built on demand only
    ui.export_button.click()
    links = dict(re.findall(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', ui.downloads.value))
    code = room[0]
    assert set(links) == {f"room-{code}.{x}" for x in ("html", "pdf", "csv", "json")} | {f"room-{code}-reviews.zip"}
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(links[f"room-{code}.csv"]).decode())))
    assert rows[0]["organisations"] == "'=HYPERLINK(1)"
    assert base64.b64decode(links[f"room-{code}.pdf"]).startswith(b"%PDF")
    bundle = zipfile.ZipFile(io.BytesIO(base64.b64decode(links[f"room-{code}-reviews.zip"])))
    assert len([n for n in bundle.namelist() if n.startswith("KEN-2025/")]) == 2


def test_manage_asks_before_moving_withdrawing_deleting_and_closing(store: Store, content: Content, room) -> None:
    other, _ = Rooms(store).create("Other room")
    first = submit(store, room[0], "KEN", {"alternatives": 1}, org="Alpha")
    second = submit(store, room[0], "KEN", {"alternatives": 2}, org="Beta")
    third = submit(store, room[0], "KEN", {"alternatives": 3}, org="Test")
    ui = opened(store, content, room)
    ui.review_choice.value = first
    ui.target_room.value = other.code.lower()
    ui.move_button.click()
    assert "Move Alpha" in ui.confirm.value and ui.confirm_button.layout.display != "none"
    assert store.load(first).assessment.room == room[0]  # nothing happens before the confirmation
    ui.confirm_button.click()
    assert store.load(first).assessment.room == other.code and "Moved" in ui.manage_message.message
    ui.review_choice.value = second
    ui.withdraw_button.click()
    ui.cancel_button.click()
    assert store.load(second).assessment.room == room[0] and ui.confirm.value == ""
    ui.withdraw_button.click()
    ui.confirm_button.click()
    assert store.load(second).assessment.room == ""
    ui.review_choice.value = third
    ui.delete_button.click()
    assert "cannot be undone" in ui.confirm.value
    ui.confirm_button.click()
    with pytest.raises(KeyError):
        store.load(third)
    ui.close_button.click()
    ui.confirm_button.click()
    assert not Rooms(store).get(room[0]).is_open and "closed" in ui.status.value
    assert "No review has been submitted yet" in ui.countries.value
    ui.target_room.value = "nonsense"
    ui.review_choice.options = [("x", "nope")]
    ui.move_button.click()
    assert ui.manage_message.message  # a plain message, not a traceback


def test_typed_html_stays_text(store: Store, content: Content, room) -> None:
    submit(store, room[0], "KEN", {"alternatives": 3}, org="<script>alert(1)</script>")
    ui = opened(store, content, room)
    page = ui.people.value + ui.countries.value + ui.evidence.value
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_prefetch_prepares_the_content_and_the_store(store: Store, content: Content) -> None:
    ui = RoomDashboard(store=store, auto_refresh=False)
    assert ui._content is None
    ui.prefetch()  # what a preheated kernel does while it waits for the trainer
    assert ui._content is not None and ui.results is None  # nothing of any room is read

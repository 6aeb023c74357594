"""The trainer's room dashboard, driven as a trainer would, on a real SQLite store."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from idpckit.assessment import Assessment, Entry
from idpckit.data import load
from idpckit.store import Store
from idpckit.widgets.room_dashboard import RoomDashboard, summarise


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "room.sqlite3")


def _review(
    store: Store,
    grades: dict[str, object],
    *,
    scale: str = "five-point",
    room: str = "ROOM-1",
    submit: bool = True,
    org: str = "NGO",
) -> str:
    a = Assessment(
        country="COL",
        year=2025,
        scale=scale,
        room=room,
        organisations=[org],
        entries=[Entry(commitment_id=cid, grade=g) for cid, g in grades.items()],
    )
    code = store.save_draft(a)
    if submit:
        store.submit(code)
    return code


def opened(store: Store, room: str) -> RoomDashboard:
    """The dashboard as a trainer's bookmark ``?room=...`` opens it (the door calls ``apply_query``)."""
    ui = RoomDashboard(store=store)
    ui.apply_query({"room": room})
    return ui


def test_room_results_at_a_glance(store: Store) -> None:
    _review(store, {"alternatives": 1, "harm-reduction": 4, "data": None})
    _review(store, {"alternatives": "red", "harm-reduction": "orange"}, scale="traffic-light")
    _review(store, {"alternatives": 5}, submit=False)  # a draft: counted, never shown
    _review(store, {"alternatives": 5}, room="OTHER")  # another room: invisible here

    ui = RoomDashboard(store=store)
    ui.room.value = "room-1"  # codes are not case-sensitive
    ui.show.click()

    assert "<strong>2</strong> submitted review(s) from Colombia; 1 draft(s) still in progress" in ui.summary.value
    rows = {r.commitment_id: r for r in ui.rows}
    assert list(rows) == ["alternatives", "harm-reduction", "data"]  # Table 1 order, only tracked commitments
    assert rows["alternatives"].lights == {"red": 2, "orange": 0, "green": 0}
    assert rows["harm-reduction"].lights == {"red": 0, "orange": 1, "green": 1}
    # 4 is a green light and the other review said orange: with lights in the room, that disagrees
    # (the coalition rule, coalition.disagrees); red and a five-point 1 do not.
    assert rows["harm-reduction"].median == 3.5 and rows["harm-reduction"].disagree is True
    assert rows["alternatives"].disagree is False
    assert rows["data"].not_assessed == 1 and rows["data"].median is None
    # The table says it in words and symbols, not only colour.
    assert "✖ Red" in ui.table.value and "Close" in ui.table.value
    assert ui.errors.message == ""


def test_disagreement_is_flagged(store: Store) -> None:
    _review(store, {"treatment": 1})
    _review(store, {"treatment": "green"}, scale="traffic-light")
    ui = opened(store, "ROOM-1")  # a trainer's bookmark loads at once
    (row,) = ui.rows
    assert row.disagree and row.spread == 4
    assert "⚠ Disagree</strong> (spread 4 points)" in ui.table.value


@pytest.mark.parametrize(("grades", "disagree"), [((1, 3), True), ((2, 3), False), ((3, 5), True), ((4, 5), False)])
def test_two_points_apart_is_where_the_room_disagrees(store: Store, grades: tuple[int, int], disagree: bool) -> None:
    for grade in grades:
        _review(store, {"treatment": grade})
    ui = opened(store, "ROOM-1")
    (row,) = ui.rows
    assert row.spread == grades[1] - grades[0] and row.disagree is disagree
    assert ("⚠ Disagree</strong> (spread 2 points)" in ui.table.value) is disagree


def test_csv_download_has_every_grade_and_neutralises_formulas(store: Store) -> None:
    _review(store, {"alternatives": 2, "gender": 5}, org='=HYPERLINK("http://x")')
    ui = opened(store, "ROOM-1")
    payload = re.search(r'href="data:text/csv;base64,([^"]+)"', ui.downloads.value).group(1)
    import base64

    rows = list(csv.DictReader(io.StringIO(base64.b64decode(payload).decode("utf-8"))))
    assert [(r["number"], r["grade"], r["light"]) for r in rows] == [("1", "2", "red"), ("8", "5", "green")]
    assert rows[0]["organisations"].startswith("'=")


def test_typed_html_is_shown_as_text(store: Store) -> None:
    _review(store, {"alternatives": 3}, org="<script>alert(1)</script>")
    ui = opened(store, "ROOM-1")
    assert "<script>" not in ui.reviews_list.value
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in ui.reviews_list.value


def test_empty_room_and_bad_codes_say_so(store: Store) -> None:
    _review(store, {"alternatives": 3}, submit=False)
    ui = RoomDashboard(store=store)
    ui.show.click()
    assert ui.errors.message == "Type the room code first."
    ui.room.value = "x" * 40
    ui.show.click()
    assert "up to 32 letters" in ui.errors.message
    ui.room.value = "ROOM-1"
    ui.show.click()
    assert ui.errors.message.startswith("No review has been submitted to room 'ROOM-1' yet (1 draft(s) in progress)")
    assert ui.table.value == ""


def test_summarise_on_the_fictional_coalition() -> None:
    from idpckit.assessment_io import read_assessment
    from idpckit.store import Stored

    examples = Path(__file__).resolve().parent.parent / "data" / "examples"
    reviews = [
        Stored(code=f"C{i}", status="submitted", assessment=read_assessment(p), created_at=None, updated_at=None)  # type: ignore[arg-type]
        for i, p in enumerate(sorted(examples.glob("veridia-2024*.json")))
    ]
    rows = summarise(reviews, load())
    assert len(rows) == 13
    assert all(r.graded + r.not_assessed <= 2 for r in rows)
    assert any(r.disagree for r in rows)  # the examples are written to disagree somewhere

"""Workshop rooms on a real SQLite store: codes, keys, guessing bounds, moving reviews, results."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from idpckit import rooms
from idpckit.agreement import alpha
from idpckit.assessment import Assessment, Entry
from idpckit.data import load
from idpckit.rooms import RoomClosed, Rooms, TooManyTries, UnknownRoom, WrongKey
from idpckit.store import Store


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(store_url: str) -> Store:
    """An SQLite file, and a PostgreSQL database (tests/pg_fixtures.py): rooms work on both."""
    return Store(store_url)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def r(store: Store, clock: Clock) -> Rooms:
    return Rooms(store, clock=clock)


def submit(store: Store, room: str, country: str, grades: dict, *, scale="five-point", org="NGO", draft=False) -> str:
    a = Assessment(
        country=country,
        year=2025,
        scale=scale,
        room=room,
        organisations=[org],
        entries=[Entry(commitment_id=c, grade=g, evidence=f"evidence {org} {c}") for c, g in grades.items()],
    )
    code = store.save_draft(a)
    if not draft:
        store.submit(code)
    return code


def test_codes_and_keys_have_the_promised_shape_and_strength() -> None:
    codes = {rooms.new_room_code() for _ in range(3000)}
    assert len(codes) == 3000
    for code in list(codes)[:50]:
        assert len(code) == 9 and code[4] == "-" and not set(code) & set("ILOU")
    assert rooms.CODE_CHARS * 5 >= 40 and rooms.KEY_CHARS * 5 >= 80
    key = rooms.new_key()
    assert len(key.replace("-", "")) == rooms.KEY_CHARS
    # Typed loosely: any case, spaces, O for 0 and I/L for 1.
    assert rooms.normalise_room_code(" k7qd m2xp ") == "K7QD-M2XP"
    assert rooms.normalise_room_code("K7QD-M2XO") == "K7QD-M2X0"
    with pytest.raises(UnknownRoom, match="not a room code"):
        rooms.normalise_room_code("VIENNA-2025")


def test_key_is_stored_only_as_a_salted_scrypt_hash(store: Store, r: Rooms) -> None:
    room, key = r.create("Nairobi workshop")
    other, key2 = r.create("Nairobi workshop")
    assert key != key2 and room.code != other.code
    with store.engine.connect() as db:  # every value of every table, on SQLite and on PostgreSQL
        hashes = [h for (h,) in db.execute(sa.text("SELECT key_hash FROM rooms"))]
        tables = sa.inspect(db).get_table_names()
        dump = "\n".join(str(row) for t in tables for row in db.execute(sa.text(f'SELECT * FROM "{t}"')))
    assert key not in dump and key.replace("-", "") not in dump and key2 not in dump
    assert all(h.startswith("scrypt$16384$8$1$") for h in hashes) and hashes[0].split("$")[4] != hashes[1].split("$")[4]
    assert rooms.check_key(key.lower().replace("-", " "), hashes[0]) ^ rooms.check_key(key, hashes[1])
    assert not rooms.check_key(key, "garbage") and not rooms.check_key("", hashes[0])


def test_open_with_the_key_and_refuse_wrong_ones(r: Rooms) -> None:
    room, key = r.create("Lima")
    assert r.open(room.code.lower(), key).code == room.code
    with pytest.raises(WrongKey) as err:
        r.open(room.code, "AAAA-AAAA-AAAA-AAAA-AAAA")
    assert "AAAA" not in str(err.value)  # the message never repeats a key
    with pytest.raises(WrongKey):  # an unknown room reads exactly like a wrong key
        r.open("ZZZZ-ZZZZ", key)


def test_guessing_is_bounded_per_room_and_per_client_and_shared(store: Store, r: Rooms, clock: Clock) -> None:
    room, key = r.create("Lima")
    for i in range(rooms.MAX_FAILURES):
        with pytest.raises(WrongKey):
            r.open(room.code, f"{i}AAA-AAAA-AAAA-AAAA-AAAA", client=f"attacker-{i}")  # a new client each time
    # The room is now shut to tries for a minute, even with the right key, and from another kernel.
    other_kernel = Rooms(Store(store.url), clock=clock)
    with pytest.raises(TooManyTries, match=r"Wait \d+ seconds") as err:
        other_kernel.open(room.code, key, client="trainer")
    assert 0 < err.value.wait <= rooms.WINDOW_SECONDS
    clock.now += rooms.WINDOW_SECONDS + 1
    assert other_kernel.open(room.code, key, client="trainer").code == room.code
    # Per client: one client guessing unknown room codes is stopped, another is not.
    for i in range(rooms.MAX_FAILURES):
        with pytest.raises(UnknownRoom):
            r.join(f"AAAA-AAA{i}", client="guesser")
    with pytest.raises(TooManyTries):
        r.join(room.code, client="guesser")
    assert r.join(room.code, client="trainee").code == room.code


def test_join_accepts_only_open_existing_rooms(store: Store, r: Rooms) -> None:
    room, key = r.create("Lima")
    assert rooms.accept_room(store, room.code.lower()) == room.code
    assert rooms.accept_room(store, "  ") == ""
    with pytest.raises(UnknownRoom, match="There is no room"):
        rooms.accept_room(store, "AAAA-BBBB")
    closed = r.close(r.open(room.code, key))
    assert not closed.is_open and closed.state == "closed"
    with pytest.raises(RoomClosed, match="closed"):
        rooms.accept_room(store, room.code)
    assert [x.code for x in r.list()] == [room.code]


def test_room_names_are_cleaned_and_bounded(r: Rooms) -> None:
    assert r.create("  Nairobi\n\x00 workshop ")[0].name == "Nairobi workshop"
    with pytest.raises(rooms.RoomError, match="name"):
        r.create("   ")
    with pytest.raises(rooms.RoomError, match="at most 200"):
        r.create("x" * 201)


def test_results_are_per_country_with_the_coalition_rule_and_alpha(store: Store, r: Rooms) -> None:
    room, key = r.create("Nairobi")
    submit(store, room.code, "KEN", {"alternatives": 1, "stigma": 4, "data": None}, org="A")
    submit(store, room.code, "KEN", {"alternatives": "green", "stigma": "green"}, scale="traffic-light", org="B")
    submit(store, room.code, "UGA", {"alternatives": 2, "stigma": 2}, org="C")
    submit(store, room.code, "UGA", {"alternatives": 5}, org="D", draft=True)  # a draft: counted only
    submit(store, "", "KEN", {"alternatives": 3}, org="E")  # in no room
    opened = r.open(room.code, key)
    res = rooms.results(opened, r.reviews(opened), load())
    out = res.as_dict()
    assert (out["room"], out["name"], out["submitted"], out["drafts"]) == (room.code, "Nairobi", 3, 1)
    ken, uga = out["countries"]
    assert (ken["country"], ken["reviews"], uga["country"], uga["reviews"]) == ("KEN", 2, "UGA", 1)
    alt = {c["commitment_id"]: c for c in ken["commitments"]}["alternatives"]
    assert alt == {
        "commitment_id": "alternatives", "graded": 2, "not_assessed": 0, "red": 1, "orange": 0, "green": 1,
        "median": 3.0, "spread": 4, "disagree": True,
    }  # fmt: skip
    data = {c["commitment_id"]: c for c in ken["commitments"]}["data"]
    assert data["graded"] == 0 and data["not_assessed"] == 1 and data["median"] is None
    assert ken["alpha"] == pytest.approx(alpha([[1, 4, None], [5, 5, None]]), abs=1e-4)
    assert uga["alpha"] is None and "at least two reviews" in uga["alpha_reading"]
    uga_alt = {c["commitment_id"]: c for c in uga["commitments"]}["alternatives"]
    assert uga_alt["median"] == 2 and uga_alt["red"] == 1  # Uganda's own median, never mixed with Kenya's
    first = res.countries[0].most_disagreed()[0]
    assert first.commitment_id == "alternatives"
    json.loads(rooms.results_json(res))


def test_csv_and_bundle_exports(store: Store, r: Rooms, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from idpckit.cli import main

    room, key = r.create("Nairobi")
    submit(store, room.code, "KEN", {"alternatives": 1, "stigma": 4}, org="=cmd|A")
    submit(store, room.code, "KEN", {"alternatives": 4, "stigma": 4}, org="B")
    submit(store, room.code, "UGA", {"alternatives": 2}, org="C")
    opened = r.open(room.code, key)
    res = rooms.results(opened, r.reviews(opened), load())
    rows = list(csv.DictReader(io.StringIO(rooms.results_csv(res, load()))))
    assert len(rows) == 5 and rows[0]["organisations"] == "'=cmd|A"
    assert rows[0]["evidence"].startswith("evidence") and rows[0]["light"] == "red"
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(rooms.results_bundle(res))
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(tmp_path / "out")
        names = zf.namelist()
    assert sorted(n.split("/")[0] for n in names if "/" in n) == ["KEN-2025", "KEN-2025", "UGA-2025"]
    result = CliRunner().invoke(main, ["aggregate", str(tmp_path / "out" / "KEN-2025"), "-o", str(tmp_path / "c.csv")])
    assert result.exit_code == 0, result.output
    merged = {row["commitment_id"]: row for row in csv.DictReader((tmp_path / "c.csv").open())}
    assert merged["alternatives"]["disagree"].lower() in ("true", "yes", "1")


def test_move_withdraw_and_delete_reviews(store: Store, r: Rooms) -> None:
    room, key = r.create("A")
    other, _ = r.create("B")
    first = submit(store, room.code, "KEN", {"alternatives": 1})
    second = submit(store, room.code, "KEN", {"alternatives": 2})
    third = submit(store, room.code, "KEN", {"alternatives": 3})
    opened = r.open(room.code, key)
    r.move(opened, first, other.code.lower())
    moved = store.load(first)
    assert moved.assessment.room == other.code and moved.status == "submitted"
    r.withdraw(opened, second)
    assert store.load(second).assessment.room == ""
    r.delete(opened, third)
    with pytest.raises(KeyError):
        store.load(third)
    assert r.reviews(opened) == []
    with pytest.raises(rooms.RoomError, match="not in room"):
        r.delete(opened, first)  # only the room's own reviews


def test_older_stores_are_migrated_to_rooms(tmp_path: Path) -> None:
    from idpckit import store as store_mod

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = store_mod._create_engine(url)
    assert store_mod.migrate(engine, target=2) == 2
    engine.dispose()
    s = Store(url)
    assert s.schema_version() == store_mod.LATEST >= 3
    room, key = Rooms(s).create("after the upgrade")
    assert Rooms(s).open(room.code, key).name == "after the upgrade"


@pytest.mark.postgres
def test_rooms_on_postgresql(pg_database: str) -> None:
    """The same room life on a real PostgreSQL: the migration, keys, the shared guess counter, results."""
    store = Store(pg_database)
    clock = Clock()
    r = Rooms(store, clock=clock)
    room, key = r.create("Lima on PostgreSQL")
    submit(store, room.code, "PER", {"alternatives": 1, "stigma": 3}, org="A")
    submit(store, room.code, "PER", {"alternatives": 4, "stigma": 3}, org="B")
    opened = r.open(room.code, key)
    out = rooms.results(opened, r.reviews(opened), load()).as_dict()
    assert out["submitted"] == 2 and out["countries"][0]["alpha"] is not None
    for _ in range(rooms.MAX_FAILURES):
        with pytest.raises(WrongKey):
            r.open(room.code, "AAAA-AAAA-AAAA-AAAA-AAAA", client="x")
    with pytest.raises(TooManyTries):
        Rooms(Store(pg_database), clock=clock).open(room.code, key)
    r.close(opened)
    with pytest.raises(RoomClosed):
        rooms.accept_room(store, room.code)

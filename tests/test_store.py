"""The review store: drafts, resume codes, submission, history, migrations and many writers at once.

Everything runs against real SQLite files in tmp_path (no mocks): the point of
the store is how it behaves on disk when several processes use it.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import queue as queue_module
import re
import sqlite3
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from idpckit import store as store_mod
from idpckit.assessment import Assessment, Entry
from idpckit.store import AlreadySubmitted, Store, StoreError, UnknownCode, default_url, new_code, normalise_code

CODE_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def make(
    country: str = "XVR", year: int = 2024, room: str = "", evidence: str = "", grade: int | None = 3
) -> Assessment:
    return Assessment(
        country=country,
        year=year,
        room=room,
        organisations=["Test NGO"],
        date=dt.date(year, 9, 1),
        entries=[Entry(commitment_id="harm-reduction", grade=grade, evidence=evidence)],
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store.sqlite3")


# -- resume codes ---------------------------------------------------------------------------


def test_codes_are_readable_and_unguessable():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000  # 80 random bits: no repeats
    for code in codes:
        assert CODE_RE.match(code), code
        assert not set(code) & set("ILOU")  # Crockford base32 leaves out look-alikes
    # every position uses the whole alphabet: the codes are not sequential or patterned
    assert {c[0] for c in codes} == set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def test_typed_codes_are_normalised():
    assert normalise_code(" k7qd m2xp-4hta 9web ") == "K7QD-M2XP-4HTA-9WEB"
    assert normalise_code("K7QDM2XP4HTA9WEB") == "K7QD-M2XP-4HTA-9WEB"
    assert normalise_code("OIL0-0000-0000-0000") == "0110-0000-0000-0000"  # O read as 0, I and L as 1
    for bad in ("", "K7QD-M2XP", "K7QD-M2XP-4HTA-9WEB-0000", "UUUU-UUUU-UUUU-UUUU", "<script>"):
        with pytest.raises(UnknownCode, match="not a resume code"):
            normalise_code(bad)


# -- drafts and submissions -------------------------------------------------------------------


def test_save_load_and_resume_a_draft(store: Store):
    code = store.save_draft(make(evidence="first"))
    assert CODE_RE.match(code)
    loaded = store.load(code.lower().replace("-", " "))
    assert loaded.code == code and loaded.status == "draft"
    assert loaded.assessment == make(evidence="first")
    assert loaded.revision == 1
    assert loaded.created_at.tzinfo is not None

    again = store.save_draft(make(evidence="second <b>bold</b>"), code)
    assert again == code
    reloaded = store.load(code)
    assert reloaded.assessment.entries[0].evidence == "second <b>bold</b>"  # stored exactly as typed
    assert reloaded.revision == 2
    assert reloaded.created_at == loaded.created_at
    assert reloaded.updated_at >= loaded.updated_at


def test_each_new_draft_gets_its_own_code(store: Store):
    codes = [store.save_draft(make(evidence=str(i))) for i in range(5)]
    assert len(set(codes)) == 5
    assert [store.load(c).assessment.entries[0].evidence for c in codes] == ["0", "1", "2", "3", "4"]


def test_unknown_code_is_a_plain_error(store: Store):
    with pytest.raises(UnknownCode) as info:
        store.load("K7QD-M2XP-4HTA-9WEB")
    assert str(info.value).startswith("No review has the resume code K7QD-M2XP-4HTA-9WEB")
    with pytest.raises(UnknownCode):
        store.save_draft(make(), "K7QD-M2XP-4HTA-9WEB")
    assert store.counts() == {"draft": 0, "submitted": 0}  # nothing was created by the failed save


def test_submitted_reviews_are_frozen(store: Store):
    code = store.save_draft(make(evidence="final"))
    submitted = store.submit(code)
    assert submitted.status == "submitted" and submitted.submitted_at is not None
    with pytest.raises(AlreadySubmitted, match="was submitted on"):
        store.save_draft(make(evidence="overwrite attempt"), code)
    with pytest.raises(AlreadySubmitted):
        store.delete_draft(code)
    assert store.load(code).assessment.entries[0].evidence == "final"
    assert store.submit(code).submitted_at == submitted.submitted_at  # submitting again changes nothing
    with pytest.raises(UnknownCode):
        store.submit("0000-0000-0000-0000")


def test_start_from_last_years_review(store: Store):
    old = store.save_draft(make(year=2023, evidence="last year"))
    store.submit(old)
    new = store.start_from(old, year=2024)
    assert new != old
    draft = store.load(new)
    assert draft.status == "draft" and draft.assessment.year == 2024
    assert draft.assessment.entries[0].evidence == "last year"
    assert store.load(old).assessment.year == 2023  # the original is untouched


def test_delete_draft(store: Store):
    code = store.save_draft(make())
    store.delete_draft(code)
    with pytest.raises(UnknownCode):
        store.load(code)


def test_rooms_and_history(store: Store):
    a = store.save_draft(make(room="lima-1", evidence="a"))
    b = store.save_draft(make(room="LIMA-1", evidence="b"))
    store.save_draft(make(room="other", evidence="c"))
    store.submit(a)
    assert [s.code for s in store.room("Lima-1")] == [a]
    assert {s.code for s in store.room("lima-1", submitted_only=False)} == {a, b}
    assert store.room("nobody") == []

    for year in (2024, 2022, 2023):
        store.submit(store.save_draft(make(country="Colombia", year=year)))
    store.save_draft(make(country="COL", year=2025))  # a draft is not history yet
    history = store.history("col")
    assert [s.assessment.year for s in history] == [2022, 2023, 2024]
    assert all(s.assessment.country == "COL" for s in history)
    assert store.history("Kenya") == []


def test_counts_and_listing(store: Store):
    store.submit(store.save_draft(make()))
    store.save_draft(make())
    assert store.counts() == {"draft": 1, "submitted": 1}
    assert len(store.reviews()) == 2
    assert [s.status for s in store.reviews("draft")] == ["draft"]


# -- where the store lives ----------------------------------------------------------------------


def test_default_url_from_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("IDPCKIT_STORE", str(tmp_path / "env.sqlite3"))
    assert default_url() == f"sqlite:///{tmp_path / 'env.sqlite3'}"
    monkeypatch.setenv("IDPCKIT_STORE", "postgresql+psycopg://kit@db/kit")
    assert default_url() == "postgresql+psycopg://kit@db/kit"
    monkeypatch.delenv("IDPCKIT_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_url() == f"sqlite:///{tmp_path / 'xdg' / 'idpckit' / 'store.sqlite3'}"


def test_store_without_argument_uses_environment(monkeypatch, tmp_path: Path):
    path = tmp_path / "deep" / "folder" / "kit.sqlite3"
    monkeypatch.setenv("IDPCKIT_STORE", str(path))
    code = Store().save_draft(make())
    assert path.is_file()  # the folder was created
    assert Store(f"sqlite:///{path}").load(code).status == "draft"


def test_sqlite_runs_in_wal_mode(store: Store, tmp_path: Path):
    store.save_draft(make())
    with sqlite3.connect(tmp_path / "store.sqlite3") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# -- migrations -----------------------------------------------------------------------------------


def test_new_store_is_at_latest_version(store: Store, tmp_path: Path):
    assert store.schema_version() == store_mod.LATEST
    with sqlite3.connect(tmp_path / "store.sqlite3") as raw:
        rows = raw.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert [r[0] for r in rows] == [m.version for m in store_mod.MIGRATIONS]


def test_older_database_is_upgraded_and_keeps_its_reviews(tmp_path: Path):
    path = tmp_path / "old.sqlite3"
    engine = sa.create_engine(f"sqlite:///{path}")
    assert store_mod.migrate(engine, target=1) == 1
    # a version-1 database, as the first release wrote it: no revision column yet
    with sqlite3.connect(path) as raw:
        assert "revision" not in [c[1] for c in raw.execute("PRAGMA table_info(reviews)")]
        raw.execute(
            "INSERT INTO reviews (code, status, country, year, room, schema_version, body, created_at, updated_at)"
            " VALUES (?, 'draft', 'XVR', 2024, '', 1, ?, '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00')",
            ("AAAA-BBBB-CCCC-DDDD", make(evidence="from v1").model_dump_json()),
        )
    engine.dispose()

    store = Store(path)
    assert store.schema_version() == store_mod.LATEST
    old = store.load("aaaa-bbbb-cccc-dddd")
    assert old.assessment.entries[0].evidence == "from v1" and old.revision == 0
    store.save_draft(make(evidence="after upgrade"), old.code)
    assert store.load(old.code).revision == 1
    with sqlite3.connect(path) as raw:
        indexes = {r[1] for r in raw.execute("PRAGMA index_list(reviews)")}
    assert "ix_reviews_room_status" in indexes


def test_database_from_a_newer_idpckit_is_refused(tmp_path: Path):
    path = tmp_path / "future.sqlite3"
    Store(path)
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO schema_migrations VALUES (99, 'from the future', '2030-01-01')")
    store_mod._migrated.discard(f"sqlite:///{path}")
    with pytest.raises(StoreError, match="newer idpckit"):
        Store(path)


# -- many writers at once ----------------------------------------------------------------------------

N_PROCS, N_SAVES = 4, 50


def _writer(path: str, worker: int, own_code: str, shared_code: str, barrier, queue) -> None:
    """One Voilà kernel's worth of autosaving: its own draft, a shared one, and new drafts."""
    store = Store(path)
    barrier.wait()  # start together, so the writes really overlap
    created = []
    for i in range(N_SAVES):
        store.save_draft(make(evidence=f"worker {worker} save {i}"), own_code)
        store.save_draft(make(evidence=f"shared by worker {worker} save {i}"), shared_code)
        if i % 10 == 0:
            created.append((store.save_draft(make(evidence=f"new from worker {worker} at {i}")), worker, i))
        other = store.load(own_code).assessment.entries[0].evidence
        assert other == f"worker {worker} save {i}", other  # reads see our own last write, not another's
    queue.put(created)


def test_many_processes_saving_at_once_lose_nothing(tmp_path: Path):
    path = str(tmp_path / "busy.sqlite3")
    store = Store(path)
    own = [store.save_draft(make(evidence="start")) for _ in range(N_PROCS)]
    shared = store.save_draft(make(evidence="start"))
    ctx = multiprocessing.get_context("spawn")  # like separate kernels: nothing inherited
    barrier, queue = ctx.Barrier(N_PROCS), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(path, w, own[w], shared, barrier, queue)) for w in range(N_PROCS)]
    for p in procs:
        p.start()
    created = []
    deadline = time.monotonic() + 120
    while len(created) < N_PROCS:
        try:
            created.append(queue.get(timeout=0.5))
        except queue_module.Empty:
            crashed = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            assert not crashed, f"a writer crashed (exit codes {crashed}); see its traceback above"
            assert time.monotonic() < deadline, "the writers did not finish in 2 minutes"
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0

    for w, code in enumerate(own):
        final = store.load(code)
        assert final.assessment.entries[0].evidence == f"worker {w} save {N_SAVES - 1}"
        assert final.revision == 1 + N_SAVES  # every save counted: none lost
    final_shared = store.load(shared)
    assert final_shared.revision == 1 + N_PROCS * N_SAVES
    assert re.fullmatch(rf"shared by worker \d save {N_SAVES - 1}", final_shared.assessment.entries[0].evidence)
    new_drafts = [item for batch in created for item in batch]
    assert len(new_drafts) == N_PROCS * (N_SAVES // 10)
    assert len({code for code, _, _ in new_drafts}) == len(new_drafts)
    for code, worker, i in new_drafts:
        assert store.load(code).assessment.entries[0].evidence == f"new from worker {worker} at {i}"
    assert store.counts()["draft"] == N_PROCS + 1 + len(new_drafts)

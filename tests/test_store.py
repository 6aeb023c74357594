"""The review store: drafts, resume codes, submission, history, migrations and many writers at once.

Every test that touches a database runs twice: against a real SQLite file in tmp_path and
against a fresh database on a real PostgreSQL server (``tests/pg_fixtures.py``; those runs
are marked ``postgres``).  No mocks: the point of the store is how it behaves when several
processes use it, and a process dies half-way through a save.
"""

from __future__ import annotations

import datetime as dt
import os
import queue as queue_module
import re
import signal
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
def store(store_url: str) -> Store:
    return Store(store_url)


def raw_engine(url: str) -> sa.Engine:
    """A plain SQLAlchemy engine on the store's database, for looking behind the store's back."""
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


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


def test_sqlite_runs_in_wal_mode(tmp_path: Path):
    Store(tmp_path / "store.sqlite3").save_draft(make())
    with sqlite3.connect(tmp_path / "store.sqlite3") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_postgres_urls_get_the_psycopg_driver():
    # hosting services hand out postgres:// and postgresql://; SQLAlchemy would pick psycopg2 for them
    assert store_mod.to_url("postgres://kit:pw@db:5432/kit") == "postgresql+psycopg://kit:pw@db:5432/kit"
    assert store_mod.to_url("postgresql://kit@db/kit") == "postgresql+psycopg://kit@db/kit"
    assert store_mod.to_url("postgresql+psycopg://kit@db/kit") == "postgresql+psycopg://kit@db/kit"
    assert (
        store_mod.display_url("postgresql+psycopg://kit:secret@db:5432/kit")
        == "postgresql+psycopg://kit:***@db:5432/kit"
    )


def test_unreachable_or_malformed_store_is_a_plain_error():
    with pytest.raises(StoreError, match=r"could not be opened: .*127\.0\.0\.1") as info:
        Store("postgresql+psycopg://kit:secret@127.0.0.1:1/kit")  # nothing listens on port 1
    assert "secret" not in str(info.value)  # the password is never shown
    with pytest.raises(StoreError, match="not a database URL"):
        Store("postgresql+psycopg://kit@host:notaport/kit")


def test_a_writer_held_up_too_long_gets_a_plain_error(store_url: str, monkeypatch):
    """Another process holds the review (SQLite's write lock, PostgreSQL's row lock): the save gives up in words."""
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT", 1.0)
    store = Store(store_url)
    code = store.save_draft(make(evidence="kept"))
    holder = raw_engine(store_url)
    with holder.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.execute(sa.text("SELECT 1 FROM reviews WHERE code = :c FOR UPDATE"), {"c": code})
        started = time.monotonic()
        with pytest.raises(StoreError, match="could not save"):
            store.save_draft(make(evidence="blocked"), code)
        assert time.monotonic() - started < 15
        conn.rollback()
    holder.dispose()
    assert store.load(code).assessment.entries[0].evidence == "kept"
    store.save_draft(make(evidence="after"), code)  # the lock is gone: saving works again
    assert store.load(code).revision == 2


# -- migrations -----------------------------------------------------------------------------------


def test_new_store_is_at_latest_version(store: Store, store_url: str):
    assert store.schema_version() == store_mod.LATEST
    engine = raw_engine(store_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT version, name FROM schema_migrations ORDER BY version")).all()
    engine.dispose()
    assert [r[0] for r in rows] == [m.version for m in store_mod.MIGRATIONS]


def test_older_database_is_upgraded_and_keeps_its_reviews(store_url: str):
    engine = raw_engine(store_url)
    assert store_mod.migrate(engine, target=1) == 1
    # a version-1 database, as the first release wrote it: no revision column yet
    assert "revision" not in [c["name"] for c in sa.inspect(engine).get_columns("reviews")]
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO reviews (code, status, country, year, room, schema_version, body, created_at, updated_at)"
                " VALUES (:code, 'draft', 'XVR', 2024, '', 1, :body,"
                " '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00')"
            ),
            {"code": "AAAA-BBBB-CCCC-DDDD", "body": make(evidence="from v1").model_dump_json()},
        )

    store = Store(store_url)
    assert store.schema_version() == store_mod.LATEST
    old = store.load("aaaa-bbbb-cccc-dddd")
    assert old.assessment.entries[0].evidence == "from v1" and old.revision == 0
    store.save_draft(make(evidence="after upgrade"), old.code)
    assert store.load(old.code).revision == 1
    indexes = {ix["name"] for ix in sa.inspect(engine).get_indexes("reviews")}
    engine.dispose()
    assert "ix_reviews_room_status" in indexes


def test_database_from_a_newer_idpckit_is_refused(store_url: str):
    Store(store_url)
    engine = raw_engine(store_url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO schema_migrations VALUES (99, 'from the future', '2030-01-01')"))
    engine.dispose()
    store_mod._migrated.discard(store_url)
    with pytest.raises(StoreError, match="newer idpckit"):
        Store(store_url)


def _open_store(url: str, barrier, queue) -> None:
    """A kernel opening a brand-new store at the same moment as others (each one migrates it)."""
    barrier.wait()
    store = Store(url)
    queue.put(store.schema_version())


def test_several_processes_opening_a_new_store_migrate_it_once(store_url: str, processes):
    ctx = processes
    n = 4
    barrier, queue = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=_open_store, args=(store_url, barrier, queue)) for _ in range(n)]
    for p in procs:
        p.start()
    versions = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert versions == [store_mod.LATEST] * n
    engine = raw_engine(store_url)
    with engine.connect() as conn:
        applied = conn.execute(sa.text("SELECT version FROM schema_migrations ORDER BY version")).scalars().all()
    engine.dispose()
    assert applied == [m.version for m in store_mod.MIGRATIONS]  # each migration recorded once


# -- many writers at once ----------------------------------------------------------------------------

N_PROCS, N_SAVES = 8, 200  # a room's worth of kernels, each autosaving 200 times


def _writer(url: str, worker: int, own_code: str, shared_code: str, barrier, queue) -> None:
    """One Voilà kernel's worth of autosaving: its own draft, a shared one, and new drafts."""
    store = Store(url)
    barrier.wait()  # start together, so the writes really overlap
    created = []
    for i in range(N_SAVES):
        store.save_draft(make(evidence=f"worker {worker} save {i}"), own_code)
        store.save_draft(make(evidence=f"shared by worker {worker} save {i}"), shared_code)
        if i % 20 == 0:
            created.append((store.save_draft(make(evidence=f"new from worker {worker} at {i}")), worker, i))
        if i % 10 == 0:
            other = store.load(own_code).assessment.entries[0].evidence
            assert other == f"worker {worker} save {i}", other  # reads see our own last write, not another's
    queue.put(created)


def _wait_for(procs, queue, n: int, seconds: float) -> list:
    """n results from the queue, failing early (with the exit codes) if a process crashed."""
    results = []
    deadline = time.monotonic() + seconds
    while len(results) < n:
        try:
            results.append(queue.get(timeout=0.5))
        except queue_module.Empty:
            crashed = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            assert not crashed, f"a writer crashed (exit codes {crashed}); see its traceback above"
            assert time.monotonic() < deadline, f"the writers did not finish in {seconds:.0f} s"
    return results


@pytest.mark.slow
def test_many_processes_saving_at_once_lose_nothing(store_url: str, processes):
    store = Store(store_url)
    own = [store.save_draft(make(evidence="start")) for _ in range(N_PROCS)]
    shared = store.save_draft(make(evidence="start"))
    ctx = processes  # like separate kernels: nothing inherited from this process
    barrier, queue = ctx.Barrier(N_PROCS), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(store_url, w, own[w], shared, barrier, queue)) for w in range(N_PROCS)]
    for p in procs:
        p.start()
    created = _wait_for(procs, queue, N_PROCS, 240)
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0

    for w, code in enumerate(own):
        final = store.load(code)
        assert final.assessment.entries[0].evidence == f"worker {w} save {N_SAVES - 1}"
        assert final.revision == 1 + N_SAVES  # every save counted: none lost
    final_shared = store.load(shared)
    assert final_shared.revision == 1 + N_PROCS * N_SAVES  # 1,600 saves of one draft from 8 processes, 0 lost
    assert re.fullmatch(rf"shared by worker \d save {N_SAVES - 1}", final_shared.assessment.entries[0].evidence)
    new_drafts = [item for batch in created for item in batch]
    assert len(new_drafts) == N_PROCS * (N_SAVES // 20)
    assert len({code for code, _, _ in new_drafts}) == len(new_drafts)
    for code, worker, i in new_drafts:
        assert store.load(code).assessment.entries[0].evidence == f"new from worker {worker} at {i}"
    assert store.counts()["draft"] == N_PROCS + 1 + len(new_drafts)


# -- a kernel killed half-way through a save ---------------------------------------------------------

BIG = "x" * 19_000  # near the longest evidence allowed, so a save takes long enough to be caught in the middle


def _saver(url: str, code: str, acknowledged) -> None:
    """Save as fast as possible; after each save returns, record its number where the parent can read it."""
    store = Store(url)
    i = acknowledged.value
    while True:
        i += 1
        store.save_draft(make(evidence=f"save {i} {BIG}"), code)
        acknowledged.value = i


def _saved_number(store: Store, code: str) -> int:
    evidence = store.load(code).assessment.entries[0].evidence
    match = re.fullmatch(rf"save (\d+) {BIG}", evidence)
    assert match, f"the stored draft is damaged: {evidence[:60]!r}..."
    return int(match.group(1))


@pytest.mark.slow
def test_a_kernel_killed_mid_save_leaves_the_last_save_whole(store_url: str, processes):
    """kill -9 while saving, five times: the draft is always one whole save, never a mix, and saving goes on."""
    store = Store(store_url)
    code = store.save_draft(make(evidence=f"save 0 {BIG}"))
    ctx = processes
    acknowledged = ctx.Value("i", 0)
    for kill in range(5):
        before = acknowledged.value
        proc = ctx.Process(target=_saver, args=(store_url, code, acknowledged))
        proc.start()
        deadline = time.monotonic() + 60
        while acknowledged.value < before + 20:  # well into its stride
            assert proc.exitcode is None, f"the saver died on its own (exit code {proc.exitcode})"
            assert time.monotonic() < deadline, "the saver made no progress"
            time.sleep(0.01)
        time.sleep(0.003 * kill)  # land at a different point of a save each time
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(timeout=30)
        assert proc.exitcode == -signal.SIGKILL

        acked = acknowledged.value
        number = _saved_number(store, code)
        # Every save that returned is kept; at most the one in flight also landed, whole.
        assert acked <= number <= acked + 1, (acked, number)
        assert store.load(code).revision == 1 + number  # the count and the body come from the same save
        acknowledged.value = number

    started = time.monotonic()
    store.save_draft(make(evidence=f"save {acknowledged.value + 1} {BIG}"), code)  # no lock was left behind
    assert time.monotonic() - started < 5
    assert _saved_number(store, code) == acknowledged.value + 1
    if store_url.startswith("sqlite"):
        with sqlite3.connect(store_url.removeprefix("sqlite:///")) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

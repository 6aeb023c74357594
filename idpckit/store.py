"""Every review kept: drafts, submitted reviews and earlier years, in one database.

The note advises reviewing the grades every year and comparing; a workshop has
many trainees saving at once from separate Voilà kernels (separate processes).
This store serves both:

* **SQLite by default**, one file per user (or per server), through SQLAlchemy
  Core; **PostgreSQL** (``postgresql+psycopg://user@host:5432/db``, with the
  ``idpckit[postgres]`` extra) when several kernels, servers or machines share
  one store, as on a JupyterHub.  The same statements run on both; only the
  connection set-up below differs per database.
* **Autosave-friendly:** :meth:`Store.save_draft` is one ``UPDATE`` (or
  ``INSERT``) of the assessment's JSON in its own short transaction, cheap
  enough to call on every debounced keystroke (``benchmarks/bench_store.py``).
* **Safe with many processes:** each save replaces one row atomically and bumps
  its ``revision`` (``revision = revision + 1`` in the database, not in Python),
  so concurrent saves can neither be lost nor mixed.  On SQLite the file runs in
  WAL mode (readers never block the writer), with a busy timeout, and every
  write transaction starts with ``BEGIN IMMEDIATE`` so it takes the write lock up
  front instead of failing half-way with "database is locked".  On PostgreSQL
  the row lock taken by the ``UPDATE`` serialises writers of the same review
  (READ COMMITTED re-checks the row after waiting), with a lock timeout of the
  same length instead of the busy timeout, and a small connection pool per
  process, because every Voilà kernel on a hub holds its own.
* **Drafts vs submitted:** a draft is found again by its *resume code*
  (``K7QD-M2XP-4HTA-9WEB``: 16 Crockford base32 characters, 80 random bits from
  :mod:`secrets`); a submitted review is frozen and stays, year after year.
* **Versioned migrations:** a ``schema_migrations`` table records which of the
  ordered :data:`MIGRATIONS` a database has had; opening an older database
  upgrades it, opening a newer one is refused with a plain message.

Example::

    >>> from idpckit.store import Store
    >>> store = Store("/tmp/workshop.sqlite3")          # doctest: +SKIP
    >>> code = store.save_draft(assessment)             # doctest: +SKIP
    >>> store.save_draft(edited, code)                  # doctest: +SKIP
    >>> store.submit(code).status                       # doctest: +SKIP
    'submitted'
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .assessment import Assessment, upgrade
from .i18n import N_, _

#: Environment variable with the store's SQLAlchemy URL or SQLite file path.
ENV_VAR = "IDPCKIT_STORE"
#: Seconds a writer waits for another process's write to finish before giving up.
BUSY_TIMEOUT = 30.0
#: Connections each process keeps open to a PostgreSQL store. A kernel saves from one
#: thread, so one is enough; a hub of N trainees holds about N x kernels x this many.
PG_POOL_SIZE = 1
#: Extra connections a process may open for a burst (closed again when returned).
PG_MAX_OVERFLOW = 4

Status = Literal["draft", "submitted"]

# Crockford's base32: digits and letters without I, L, O, U (no 0/O, 1/I/L confusion, no accidental words).
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_CHARS = 16  # 16 x 5 bits = 80 random bits
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


class StoreError(RuntimeError):
    """The store cannot be opened or used (its file, its version); the message says why."""


class UnknownCode(KeyError):
    """No review has this resume code (or the text is not a resume code at all)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "unknown resume code"


class AlreadySubmitted(ValueError):
    """The review was submitted, so it can no longer be changed."""


@dataclass(frozen=True)
class Stored:
    """One review as stored: its code, whether it is submitted, the assessment and its history."""

    code: str
    status: Status
    assessment: Assessment
    created_at: dt.datetime
    updated_at: dt.datetime
    revision: int = 0  # how many times it has been saved; never goes back
    submitted_at: dt.datetime | None = None


class StaleSave(ValueError):
    """A save based on an older revision than the one stored: another tab or kernel saved since.

    ``stored`` is the review as it is now, so the caller can show or merge it.
    """

    def __init__(self, code: str, based_on: int, stored: Stored) -> None:
        self.code, self.based_on, self.stored = code, based_on, stored
        super().__init__(
            f"Review {code} was saved elsewhere (another tab or device) after this page opened it "
            f"(revision {stored.revision}, this page had revision {based_on}); nothing was overwritten."
        )


# --------------------------------------------------------------------------- codes


def new_code() -> str:
    """A fresh resume code, e.g. ``K7QD-M2XP-4HTA-9WEB`` (80 bits from :mod:`secrets`)."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_CHARS))
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_CHARS, 4))


def normalise_code(text: str) -> str:
    """The canonical form of a typed resume code: any case, spaces or dashes, O for 0, I or L for 1.

    :raises UnknownCode: when the text cannot be a resume code.
    """
    raw = "".join(str(text).split()).replace("-", "").upper().translate(_READ_AS)
    if len(raw) != _CODE_CHARS or any(ch not in _ALPHABET for ch in raw):
        shown = str(text).strip()
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        raise UnknownCode(
            f"'{shown}' is not a resume code. A resume code has 16 letters and digits in groups of four, "
            "like K7QD-M2XP-4HTA-9WEB; check that you copied all of it."
        )
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_CHARS, 4))


# --------------------------------------------------------------------------- where the store lives


def user_store_path() -> Path:
    """The per-user default SQLite file (XDG data folder on Linux, the usual places elsewhere)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "idpckit" / "store.sqlite3"


def to_url(target: str | os.PathLike[str]) -> str:
    """An SQLAlchemy URL for a URL or a plain file path (``~`` expanded, made absolute).

    A bare ``postgresql://`` or ``postgres://`` URL (as hosting services hand them out) gets
    the psycopg 3 driver, the one ``idpckit[postgres]`` installs: SQLAlchemy's default for
    ``postgresql://`` is psycopg2.
    """
    text = os.fspath(target)
    if "://" in text:
        scheme, rest = text.split("://", 1)
        if scheme in ("postgres", "postgresql"):
            return f"postgresql+psycopg://{rest}"
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def display_url(url: str | sa.engine.URL) -> str:
    """The store's URL as it may be shown or logged: the password, if any, hidden."""
    try:
        parsed = sa.engine.make_url(url) if isinstance(url, str) else url
    except (sa.exc.ArgumentError, ValueError):
        return "(a store URL that is not valid)"
    if parsed.drivername.startswith("sqlite"):
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def default_url() -> str:
    """The store to use: ``$IDPCKIT_STORE`` (a URL or a file path), else the per-user SQLite file."""
    env = os.environ.get(ENV_VAR, "").strip()
    return to_url(env) if env else to_url(user_store_path())


# --------------------------------------------------------------------------- schema and migrations

_metadata = sa.MetaData()

#: The current shape of the tables (what all migrations together produce).
reviews = sa.Table(
    "reviews",
    _metadata,
    sa.Column("code", sa.String(19), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("country", sa.String(3), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("room", sa.String(32), nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("submitted_at", sa.String(40), nullable=True),
    sa.Column("revision", sa.Integer, nullable=False),
)

schema_migrations = sa.Table(
    "schema_migrations",
    _metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.String(40), nullable=False),
)


# Autosave runs these on every change: built once, with bound parameters, so a save pays
# only for executing them (building a statement costs more than the SQLite write itself).
_INSERT_DRAFT = reviews.insert().values(
    code=sa.bindparam("code"),
    status="draft",
    country=sa.bindparam("country"),
    year=sa.bindparam("year"),
    room=sa.bindparam("room"),
    schema_version=sa.bindparam("schema_version"),
    body=sa.bindparam("body"),
    created_at=sa.bindparam("now"),
    updated_at=sa.bindparam("now"),
    revision=1,
)
_UPDATE_DRAFT = (
    reviews.update()
    .where(reviews.c.code == sa.bindparam("target"), reviews.c.status == "draft")
    .values(
        country=sa.bindparam("country"),
        year=sa.bindparam("year"),
        room=sa.bindparam("room"),
        schema_version=sa.bindparam("schema_version"),
        body=sa.bindparam("body"),
        updated_at=sa.bindparam("now"),
        revision=reviews.c.revision + 1,
    )
)


_UPDATE_DRAFT_IF_REVISION = _UPDATE_DRAFT.where(reviews.c.revision == sa.bindparam("based_on"))


def _m1_reviews(conn: Connection) -> None:
    """Create the reviews table: one row per draft or submitted review, the assessment as JSON.

    The columns are written out again, not taken from :data:`reviews`: a migration must keep
    the shape it had when a store was first made, whatever the current table becomes.
    """
    md = sa.MetaData()
    table = sa.Table(
        "reviews",
        md,
        sa.Column("code", sa.String(19), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("room", sa.String(32), nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.Column("submitted_at", sa.String(40), nullable=True),
    )
    table.create(conn)


def _m2_revision_and_indexes(conn: Connection) -> None:
    """Count saves per review (proof that no save was lost) and index the room and history look-ups."""
    conn.execute(sa.text("ALTER TABLE reviews ADD COLUMN revision INTEGER NOT NULL DEFAULT 0"))
    sa.Index("ix_reviews_room_status", reviews.c.room, reviews.c.status).create(conn)
    sa.Index("ix_reviews_country_status_year", reviews.c.country, reviews.c.status, reviews.c.year).create(conn)


# -- workshop rooms (idpckit.rooms reads and writes these; a review's ``room`` column names its room)

#: A trainer's room: its code is typed by trainees, its key (kept as a salted scrypt hash) opens its results.
rooms_table = sa.Table(
    "rooms",
    _metadata,
    sa.Column("code", sa.String(9), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("key_hash", sa.String(200), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("closed_at", sa.String(40), nullable=True),
)

#: Failed tries (a wrong trainer key, an unknown room code), shared by every kernel, so guessing is bounded.
room_attempts = sa.Table(
    "room_attempts",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("scope", sa.String(120), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Index("ix_room_attempts_scope_at", "scope", "at"),
)


def _m3_rooms(conn: Connection) -> None:
    """Rooms as real objects (code, name, hashed trainer key, open/closed) and a log of failed tries."""
    md = sa.MetaData()
    for table in (rooms_table, room_attempts):
        table.to_metadata(md).create(conn)  # with its index


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


#: Applied in order; never edit or remove one that has shipped, only append.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "create reviews", _m1_reviews),
    Migration(2, "add reviews.revision and look-up indexes", _m2_revision_and_indexes),
    Migration(3, "create rooms and room_attempts", _m3_rooms),
)
LATEST = MIGRATIONS[-1].version


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


# --------------------------------------------------------------------------- engines

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()
_migrated: set[str] = set()


def _engine(url: str, *, read_only: bool = False) -> Engine:
    """One engine per URL per process (a Voilà kernel is one process, with many widgets)."""
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = _create_engine(url, read_only=read_only)
        return engine


def _create_engine(url: str, *, read_only: bool = False) -> Engine:
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise StoreError(
            "The store's address is not a database URL. Use a file path, sqlite:///path/to/file.sqlite3 "
            "or postgresql+psycopg://user@host:5432/database."
        ) from None
    if parsed.get_backend_name() == "postgresql":
        return _create_postgresql_engine(parsed)
    if not parsed.drivername.startswith("sqlite"):
        try:
            return sa.create_engine(url, pool_pre_ping=True)
        except (ImportError, sa.exc.NoSuchModuleError) as exc:
            raise StoreError(f"Cannot open the store {display_url(parsed)}: {exc}") from None
    return _create_sqlite_engine(url, parsed, read_only=read_only)


def _create_postgresql_engine(parsed: sa.engine.URL) -> Engine:
    """PostgreSQL through psycopg 3: a small pool, dead connections replaced, a lock timeout."""
    if parsed.drivername == "postgresql+psycopg":
        try:
            import psycopg  # noqa: F401 - only to give a plain message when it is missing
        except ImportError:
            raise StoreError(
                f"The store {display_url(parsed)} is a PostgreSQL database, and the PostgreSQL driver is "
                "not installed. Install it with: pip install 'idpckit[postgres]'"
            ) from None
    try:
        engine = sa.create_engine(
            parsed,
            pool_size=PG_POOL_SIZE,
            max_overflow=PG_MAX_OVERFLOW,
            pool_timeout=BUSY_TIMEOUT,
            pool_pre_ping=True,  # a restarted server or a dropped connection is replaced, not an error
            connect_args={"connect_timeout": 10},
        )
    except (ImportError, sa.exc.NoSuchModuleError) as exc:
        raise StoreError(f"Cannot open the store {display_url(parsed)}: {exc}") from None

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The counterpart of SQLite's busy timeout: a writer waiting for a row another
        # process holds gives up with a plain error instead of hanging the kernel.
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {int(BUSY_TIMEOUT * 1000)}")
        dbapi_connection.commit()

    return engine


def _create_sqlite_engine(url: str, parsed: sa.engine.URL, *, read_only: bool = False) -> Engine:
    """SQLite: WAL, a busy timeout and BEGIN IMMEDIATE for writes (see the module's docstring).

    ``read_only``: the URL opens the file with ``mode=ro``; nothing is created or switched.
    """
    database = parsed.database or ""
    memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not memory and not read_only:
        try:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Cannot create the folder for the store {database}: {exc.strerror or exc}") from None
    kwargs: dict[str, Any] = {"connect_args": {"timeout": BUSY_TIMEOUT, "check_same_thread": False}}
    if memory:
        kwargs["poolclass"] = sa.pool.StaticPool  # one shared in-memory database, not one per connection
    engine = sa.create_engine(url, **kwargs)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We emit BEGIN ourselves (see _on_begin): pysqlite's implicit one would be a
        # deferred BEGIN, which can fail with "database is locked" when it upgrades to a write.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            if not memory and not read_only:
                cursor.execute("PRAGMA journal_mode = WAL")  # readers never block the writer
            cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; a commit costs no fsync
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("idpckit_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


# --------------------------------------------------------------------------- the store


class Store:
    """Drafts and submitted reviews, in a database given by URL or file path.

    :param url: an SQLAlchemy URL (``sqlite:///path``, ``postgresql+psycopg://...``) or a plain
        file path; default :func:`default_url` (``$IDPCKIT_STORE`` or the per-user file).
    :raises StoreError: if the database cannot be opened or was made by a newer idpckit.
    """

    def __init__(self, url: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> None:
        self.url = to_url(url) if url is not None else default_url()
        self.shown = display_url(self.url)
        #: True when the store was opened for reading only (``read_only`` asked, and its file cannot be written).
        self.read_only = False
        self._asked_read_only = False  # read-only because the URL says so (mode=ro), not the file's permissions
        path = _sqlite_file(self.url)
        asked = _asks_read_only(self.url)
        if asked or (path is not None and path.exists() and not _writable(path)):
            if not read_only:
                raise StoreError(_read_only_message(self.shown, asked=asked))
            self.read_only = True
            self._asked_read_only = asked
            self.engine = _engine(self.url if asked or path is None else _read_only_url(path), read_only=True)
            try:
                with self.engine.connect() as conn:
                    version = _db_version(conn)
            except sa.exc.DBAPIError as exc:
                raise StoreError(f"The store {self.shown} could not be read: {_reason(exc)}") from None
            if version != LATEST:
                raise StoreError(
                    f"The store {self.shown} is read-only, and it was made by "
                    f"{'an older' if version < LATEST else 'a newer'} idpckit (database version {version}; this "
                    f"one uses {LATEST}), so it cannot be used as it is. "
                    + (
                        "Update idpckit."
                        if version > LATEST
                        else "Open it once where it may be written, to upgrade it."
                    )
                )
            return
        self.engine = _engine(self.url)
        if self.url not in _migrated:
            try:
                migrate(self.engine)
            except sa.exc.DBAPIError as exc:
                raise StoreError(_failure(self.shown, "open", exc)) from None
            _migrated.add(self.url)

    def __repr__(self) -> str:
        return f"Store({self.shown!r})"

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction that takes SQLite's write lock at BEGIN (BEGIN IMMEDIATE)."""
        if self.read_only:
            raise StoreError(_read_only_message(self.shown, asked=self._asked_read_only))
        try:
            with self.engine.connect() as conn:
                conn.execution_options(idpckit_write=True)
                with conn.begin():
                    yield conn
        except sa.exc.OperationalError as exc:
            raise StoreError(_failure(self.shown, "save", exc)) from None

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except sa.exc.OperationalError as exc:
            raise StoreError(_failure(self.shown, "read", exc)) from None

    # -- writing ---------------------------------------------------------------------------

    def save_draft(self, assessment: Assessment, code: str | None = None, *, based_on: int | None = None) -> str:
        """Save ``assessment`` as a draft and return its resume code.

        Without ``code`` a new draft is created (its revision is 1).  With it, that draft
        is replaced in one atomic statement.  Cheap: call it on every (debounced) change.

        ``based_on``: the revision the caller's copy was loaded or last saved as.  The
        statement then replaces the row only if it still has that revision, checked in
        the same ``UPDATE``, so two tabs cannot silently erase each other's work; the
        saved revision is ``based_on + 1``.

        :raises UnknownCode: ``code`` is given but no review has it.
        :raises AlreadySubmitted: that review was submitted and is frozen.
        :raises StaleSave: the stored revision is not ``based_on`` (nothing is written).
        """
        values = {
            "country": assessment.country,
            "year": assessment.year,
            "room": assessment.room.upper(),
            "schema_version": assessment.schema_version,
            "body": assessment.model_dump_json(),
            "now": _now(),
        }
        if code is None:
            for _attempt in range(5):  # a clash of 80 random bits will not happen; a retry costs nothing
                code = new_code()
                try:
                    with self._write() as conn:
                        conn.execute(_INSERT_DRAFT, {"code": code, **values})
                    return code
                except sa.exc.IntegrityError:
                    continue
            raise StoreError("Could not create a new draft (resume code clash); try again.")
        code = normalise_code(code)
        with self._write() as conn:
            if based_on is None:
                result = conn.execute(_UPDATE_DRAFT, {"target": code, **values})
            else:
                result = conn.execute(_UPDATE_DRAFT_IF_REVISION, {"target": code, "based_on": based_on, **values})
            if result.rowcount == 1:
                return code
            row = conn.execute(sa.select(reviews).where(reviews.c.code == code)).first()
        if row is None:
            raise UnknownCode(_unknown(code))
        if row.status == "draft" and based_on is not None:
            raise StaleSave(code, based_on, _stored(row))
        raise AlreadySubmitted(_submitted(code, row.submitted_at))

    def add_reviews(self, assessments: list[Assessment], *, submit: bool = False) -> list[str]:
        """Add several reviews at once, all or none (one transaction), and return their resume codes.

        For ``idpckit store add``: if the disk fills up half-way, nothing is added, so the
        command can say "nothing was added" and mean it.
        """
        start = dt.datetime.now(dt.UTC)
        rows = []
        for i, a in enumerate(assessments):
            rows.append(
                {
                    "code": new_code(),
                    "country": a.country,
                    "year": a.year,
                    "room": a.room.upper(),
                    "schema_version": a.schema_version,
                    "body": a.model_dump_json(),
                    # one microsecond apart: lists ordered by time keep the order the files were given in
                    "now": (start + dt.timedelta(microseconds=i)).isoformat(timespec="microseconds"),
                }
            )
        with self._write() as conn:
            for row in rows:
                conn.execute(_INSERT_DRAFT, row)
                if submit:
                    conn.execute(
                        reviews.update()
                        .where(reviews.c.code == row["code"])
                        .values(status="submitted", submitted_at=row["now"])
                    )
        return [row["code"] for row in rows]

    def submit(self, code: str) -> Stored:
        """Mark a draft as submitted: it is kept as it is and no longer overwritten.

        Submitting an already submitted review changes nothing and returns it.

        :raises UnknownCode: no review has this code.
        """
        code = normalise_code(code)
        with self._write() as conn:
            conn.execute(
                reviews.update()
                .where(reviews.c.code == code, reviews.c.status == "draft")
                .values(status="submitted", submitted_at=_now())
            )
            row = conn.execute(sa.select(reviews).where(reviews.c.code == code)).first()
        if row is None:
            raise UnknownCode(_unknown(code))
        return _stored(row)

    def start_from(self, code: str, year: int | None = None) -> str:
        """A new draft that copies review ``code`` (e.g. last year's), for the next yearly review.

        The copy gets ``year`` (default: the same year) and today's date; the original is untouched.
        """
        original = self.load(code).assessment
        changes: dict[str, Any] = {"date": dt.date.today()}
        if year is not None:
            changes["year"] = year
        return self.save_draft(original.model_copy(update=changes))

    def delete_draft(self, code: str) -> None:
        """Remove a draft for good (a submitted review cannot be deleted this way).

        :raises UnknownCode: no review has this code.
        :raises AlreadySubmitted: the review is submitted.
        """
        code = normalise_code(code)
        with self._write() as conn:
            deleted = conn.execute(reviews.delete().where(reviews.c.code == code, reviews.c.status == "draft"))
            if deleted.rowcount == 1:
                return
            row = conn.execute(sa.select(reviews.c.submitted_at).where(reviews.c.code == code)).first()
        if row is None:
            raise UnknownCode(_unknown(code))
        raise AlreadySubmitted(_submitted(code, row.submitted_at))

    # -- reading ---------------------------------------------------------------------------

    def load(self, code: str) -> Stored:
        """The review with this resume code (typed in any case, with or without dashes).

        :raises UnknownCode: the text is not a code, or no review has it.
        """
        code = normalise_code(code)
        with self._read() as conn:
            row = conn.execute(sa.select(reviews).where(reviews.c.code == code)).first()
        if row is None:
            raise UnknownCode(_unknown(code))
        return _stored(row)

    def room(self, room: str, submitted_only: bool = True) -> list[Stored]:
        """The reviews saved with this room code (any case), oldest change first."""
        query = sa.select(reviews).where(reviews.c.room == room.strip().upper())
        if submitted_only:
            query = query.where(reviews.c.status == "submitted")
        with self._read() as conn:
            rows = conn.execute(query.order_by(reviews.c.updated_at, reviews.c.code)).all()
        return [_stored(r) for r in rows]

    def history(self, country: str) -> list[Stored]:
        """Submitted reviews of ``country`` (a code or a name), all years, oldest first."""
        from .countries import lookup

        found = lookup(country)
        code = found.alpha_3 if found is not None else country.strip().upper()
        query = (
            sa.select(reviews)
            .where(reviews.c.country == code, reviews.c.status == "submitted")
            .order_by(reviews.c.year, reviews.c.submitted_at, reviews.c.code)
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [_stored(r) for r in rows]

    def reviews(self, status: Status | None = None) -> list[Stored]:
        """All reviews (optionally only drafts or only submitted ones), oldest change first."""
        query = sa.select(reviews)
        if status is not None:
            query = query.where(reviews.c.status == status)
        with self._read() as conn:
            rows = conn.execute(query.order_by(reviews.c.updated_at, reviews.c.code)).all()
        return [_stored(r) for r in rows]

    def counts(self) -> dict[str, int]:
        """How many drafts and submitted reviews the store holds."""
        with self._read() as conn:
            rows = conn.execute(sa.select(reviews.c.status, sa.func.count()).group_by(reviews.c.status)).all()
        out = {"draft": 0, "submitted": 0}
        out.update({status: n for status, n in rows})
        return out

    def schema_version(self) -> int:
        """The migration version of the database (see :data:`MIGRATIONS`)."""
        with self._read() as conn:
            return _db_version(conn)


def _sqlite_file(url: str) -> Path | None:
    """The file of an SQLite store URL (None for other databases and in-memory stores)."""
    if not url.startswith("sqlite:///"):
        return None
    database = url.removeprefix("sqlite:///").split("?", 1)[0]
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def may_only_read(url: str | os.PathLike[str]) -> bool:
    """Whether the store at ``url`` is an SQLite file this process may read but not write (nothing is opened).

    For ``idpckit serve``, which says so once at start-up; :attr:`Store.read_only` is the same answer
    for a store already open.
    """
    url = to_url(url)
    path = _sqlite_file(url)
    return _asks_read_only(url) or (path is not None and path.exists() and not _writable(path))


def _asks_read_only(url: str) -> bool:
    """Whether an SQLite URL opens its file for reading only on purpose (``file:...?mode=ro&uri=true``,
    or ``immutable=1``): SQLite itself then refuses every write, whoever runs the kit."""
    if not url.startswith("sqlite:"):
        return False
    try:
        query = sa.engine.make_url(url).query
    except (sa.exc.ArgumentError, ValueError):
        return False
    return query.get("mode") == "ro" or query.get("immutable") == "1"


def _writable(path: Path) -> bool:
    """Whether this process may write the SQLite file and its folder (the WAL files live beside it).

    ``os.access`` also answers False on a read-only file system, for root too.
    """
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _read_only_url(path: Path) -> str:
    """A URL that opens ``path`` for reading only.  With its folder read-only too, SQLite cannot
    make the WAL index beside it; nobody can be writing then, so it may read the file as immutable."""
    query = "mode=ro" if os.access(path.parent, os.W_OK) else "mode=ro&immutable=1"
    return f"sqlite:///file:{path}?{query}&uri=true"


def _read_only_message(shown: str, *, asked: bool = False) -> str:
    if asked:
        return _(
            "The store {store} is opened for reading only (its address asks for mode=ro or immutable=1), so "
            "nothing can be saved in it; what it holds can still be listed and shown. To save, give its address "
            "without them."
        ).format(store=shown)
    return _(
        "The store {store} is read-only: this user may not write its file or its folder (or the disk is "
        "mounted read-only), so nothing can be saved in it; what it holds is kept and can still be listed and "
        "shown. To save, use a store you may write to (--store or IDPCKIT_STORE), or ask whoever runs the server "
        "to make it writable."
    ).format(store=shown)


#: What a database's error code means for the person using the kit (SQLite names, PostgreSQL SQLSTATEs).
_PLAIN_REASONS = {
    "SQLITE_FULL": N_("the disk it is on is full"),
    "SQLITE_READONLY": N_("it is read-only (this user may not write its file or its folder)"),
    "SQLITE_CANTOPEN": N_("its file cannot be opened (does the folder exist, and may this user read and write it?)"),
    "SQLITE_NOTADB": N_("the file is not an idpckit store (it is not an SQLite database)"),
    "SQLITE_CORRUPT": N_("the file is damaged"),
    "SQLITE_IOERR": N_("the disk could not be read or written (is it full, or was it removed?)"),
    "SQLITE_BUSY": N_("another program kept it locked for more than {seconds} seconds"),
    "SQLITE_PERM": N_("this user may not use its file"),
    "53100": N_("the disk the database server uses is full"),
    "25006": N_("the database server accepts only reading"),
    "53300": N_("the database server has too many connections"),
}


def _plain_reason(exc: sa.exc.DBAPIError) -> str | None:
    orig = exc.orig
    name = getattr(orig, "sqlite_errorname", None) or getattr(orig, "sqlstate", None) or ""
    for key, words in _PLAIN_REASONS.items():
        if name == key or name.startswith(key + "_"):
            return words
    text = str(orig).lower()
    if "disk is full" in text or "no space left" in text:
        return _PLAIN_REASONS["SQLITE_FULL"]
    if "readonly database" in text or "read-only" in text:
        return _PLAIN_REASONS["SQLITE_READONLY"]
    return None


def _failure(shown: str, action: str, exc: sa.exc.DBAPIError) -> str:
    """A store failure in words: what could not be done, why, and that what was saved before is kept."""
    plain = _plain_reason(exc)
    if plain == _PLAIN_REASONS["SQLITE_READONLY"]:
        return _read_only_message(shown)
    words = _(plain).format(seconds=f"{BUSY_TIMEOUT:.0f}") if plain else None
    if action == "save" and plain in (_PLAIN_REASONS["SQLITE_FULL"], _PLAIN_REASONS["53100"]):
        return _(
            "The store {store} could not save because {reason}; nothing was changed in it, and what was saved "
            "before is kept. Free some space on that disk (or tell whoever runs the server), then try again."
        ).format(store=shown, reason=words)
    doing = {
        "open": _("The store {store} could not be opened: {reason}."),
        "save": _("The store {store} could not save: {reason}."),
        "read": _("The store {store} could not be read: {reason}."),
    }[action]
    return doing.format(store=shown, reason=words or _reason(exc))


def _reason(exc: sa.exc.DBAPIError) -> str:
    """The database's own words for a failure, on one line (psycopg adds context lines)."""
    text = str(exc.orig).strip()
    return text.splitlines()[0] if text else type(exc.orig).__name__


def _unknown(code: str) -> str:
    return _(
        "No review has the resume code {code}. Check it for typos (letters and digits are both used; "
        "case and dashes do not matter), or ask your trainer which store your group uses."
    ).format(code=code)


def _submitted(code: str, when: str | None) -> str:
    if when:
        return _(
            "The review {code} was submitted on {day}, so it is kept as it is and can no longer be changed. "
            "To revise it, start a new draft from it."
        ).format(code=code, day=when[:10])
    return _(
        "The review {code} was submitted, so it is kept as it is and can no longer be changed. "
        "To revise it, start a new draft from it."
    ).format(code=code)


def _stored(row: Any) -> Stored:
    record = upgrade(json.loads(row.body))
    return Stored(
        code=row.code,
        status=row.status,
        assessment=Assessment.model_validate(record),
        created_at=_time(row.created_at),  # type: ignore[arg-type]
        updated_at=_time(row.updated_at),  # type: ignore[arg-type]
        revision=row.revision,
        submitted_at=_time(row.submitted_at),
    )


# --------------------------------------------------------------------------- migrating


def _db_version(conn: Connection) -> int:
    if not sa.inspect(conn).has_table("schema_migrations"):
        return 0
    return conn.execute(sa.select(sa.func.max(schema_migrations.c.version))).scalar() or 0


def migrate(engine: Engine, target: int | None = None) -> int:
    """Apply the pending :data:`MIGRATIONS` (up to ``target``) and return the database's version.

    Each migration runs in its own write transaction together with its row in
    ``schema_migrations``, so a crash leaves the database at a known version.
    Two processes opening a new store at once cannot both migrate it: on SQLite
    the write lock is taken at BEGIN, on PostgreSQL an advisory lock is held.

    :raises StoreError: the database was made by a newer idpckit.
    """
    target = LATEST if target is None else target
    while True:
        with engine.connect() as conn:
            conn.execution_options(idpckit_write=True)
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(4242019)"))
                schema_migrations.create(conn, checkfirst=True)
                version = _db_version(conn)
                if version > LATEST:
                    raise StoreError(
                        f"The store {display_url(engine.url)} was made by a newer idpckit "
                        f"(database version {version}; this idpckit knows up to {LATEST}). Update idpckit."
                    )
                pending = [m for m in MIGRATIONS if version < m.version <= target]
                if not pending:
                    return version
                step = pending[0]
                step.apply(conn)
                conn.execute(schema_migrations.insert().values(version=step.version, name=step.name, applied_at=_now()))

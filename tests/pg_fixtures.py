"""PostgreSQL for the tests: one real server per session, one fresh database per test.

The server is the one ``.ci/run`` started (``$IDPCKIT_TEST_PG_URL``), or else a throwaway
cluster this plugin starts with ``tests/pg_cluster.sh`` (the same script) and stops at the
end.  Without PostgreSQL on the machine the ``postgres`` tests are skipped on a laptop, but
FAIL in CI (``CI=true`` or ``IDPCKIT_REQUIRE_POSTGRES=1``): a missing database must not turn
into a green run that never touched it.

Use ``pytest -m postgres`` for only these tests, ``-m "not postgres"`` to leave them out.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

CLUSTER_SCRIPT = Path(__file__).with_name("pg_cluster.sh")
URL_VAR = "IDPCKIT_TEST_PG_URL"


def postgres_required() -> bool:
    """True in CI: there a missing PostgreSQL is a failure, not a skip."""
    return os.environ.get("IDPCKIT_REQUIRE_POSTGRES") == "1" or os.environ.get("CI", "").lower() in ("1", "true")


def _missing(reason: str) -> None:
    if postgres_required():
        pytest.fail(f"PostgreSQL is required here (CI or IDPCKIT_REQUIRE_POSTGRES=1) but {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL: {reason} (tests/pg_cluster.sh starts one; see tests/pg_fixtures.py)")


def _parse_exports(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            key, value = words[1].split("=", 1)
            out[key] = value
    return out


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The SQLAlchemy URL of a running PostgreSQL server's maintenance database."""
    import sqlalchemy as sa

    url = os.environ.get(URL_VAR, "").strip()
    started: str | None = None
    if not url:
        result = subprocess.run(["bash", str(CLUSTER_SCRIPT), "start"], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            _missing(f"tests/pg_cluster.sh could not start one: {result.stderr.strip()[-500:]}")
        exports = _parse_exports(result.stdout)
        url, started = exports[URL_VAR], exports["IDPCKIT_TEST_PG_DIR"]
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        _missing(f"the server at {URL_VAR}={url} does not answer: {str(exc.orig).strip()}")
    finally:
        engine.dispose()
    try:
        yield url
    finally:
        if started:
            subprocess.run(["bash", str(CLUSTER_SCRIPT), "stop", started], capture_output=True, timeout=120)


@contextlib.contextmanager
def fresh_database(pg_server: str) -> Iterator[str]:
    """A brand-new, empty database on the server (its URL); dropped on the way out, connections and all."""
    import sqlalchemy as sa

    from idpckit import store as store_mod

    name = f"idpckit_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_server, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        engine = store_mod._engines.pop(url, None)
        if engine is not None:
            engine.dispose()
        store_mod._migrated.discard(url)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_database(pg_server: str) -> Iterator[str]:
    """A brand-new, empty database on the server (its URL), dropped after the test."""
    with fresh_database(pg_server) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store, once as an SQLite file and once as a fresh PostgreSQL database.

    A test (or a ``store`` fixture) built on this runs on both; the PostgreSQL run is marked
    ``postgres``.
    """
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return request.getfixturevalue("pg_database")


@pytest.fixture(scope="module")
def pg_module_database(pg_server: str) -> Iterator[str]:
    """Like ``pg_database``, shared by a module's tests (e.g. one hub's whole room)."""
    with fresh_database(pg_server) as url:
        yield url

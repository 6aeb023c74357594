"""Shared fixtures for the whole suite."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from wheel_helpers import BuiltWheel, build_wheel

if TYPE_CHECKING:
    from notebook_kernel import NotebookKernel

os.environ.setdefault("MPLBACKEND", "Agg")

pytest_plugins = ["pg_fixtures"]  # pg_server / pg_database: a real PostgreSQL (tests/pg_fixtures.py)

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


@pytest.hookimpl(trylast=True)  # after tests/browser/conftest.py has put the browser tests last
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``last`` run after every other test of the session, in their own order.

    Why: a check that waits for something slow to happen by itself (the hub's culler stopping a
    room's idle servers, 90 s after their last request) then finds it done, and the suite spent
    that time on other tests instead of waiting.  Run alone, such a test still waits as long as needed.
    """
    last = [item for item in items if item.get_closest_marker("last")]
    if last:
        mine = set(map(id, last))
        items[:] = [item for item in items if id(item) not in mine] + last


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> BuiltWheel:
    """The kit built as a wheel once per session (several tests check what it carries)."""
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="session")
def notebook_kernel() -> Iterator[NotebookKernel]:
    """One real kernel for every notebook test of the session, each notebook run from a clean start.

    Starting a kernel and importing the kit in it was half of each notebook's time (27 notebooks);
    tests/notebook_kernel.py says what the clean start resets, and what it cannot.
    """
    from notebook_kernel import NotebookKernel  # here: the fast loop never starts a kernel

    kernel = NotebookKernel()
    try:
        yield kernel
    finally:
        kernel.close()


@pytest.fixture(scope="session")
def processes() -> multiprocessing.context.BaseContext:
    """Processes that stand for separate kernels (many writers at once, a kernel killed mid-save).

    Each is forked from a clean server process that has only imported the store, never from the
    test's own process, so it inherits no open database, engine or test state, as with "spawn";
    but starting one costs milliseconds instead of a fresh import of SQLAlchemy and pydantic
    (8 processes: 3 s with "spawn", 0.1 s with this, measured on the CI machine).
    """
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["idpckit.store", "test_store", "test_store_revision"])
    return ctx


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped data folder, for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def _checkout_roots() -> list[Path]:
    """This checkout, then the main one when this is a ``git worktree`` (its shared/ sits beside the main one)."""
    roots = [REPO]
    try:
        common = subprocess.run(
            ["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except OSError:
        common = ""
    if common and Path(common).parent != REPO:
        roots.append(Path(common).parent)
    return roots


@pytest.fixture(scope="session")
def seed_note() -> str:
    """The text of IDPC's note, read from ``../shared/seed/`` beside the repository.

    Fails, never skips: the tests that keep our prose our own mean nothing without the note,
    and CI must provide it there.
    """
    for root in _checkout_roots():
        files = sorted((root.parent / "shared" / "seed").glob("*.txt"))
        if files:
            return "\n".join(f.read_text(encoding="utf-8") for f in files)
    pytest.fail(f"IDPC's note is missing: no .txt file in {REPO.parent / 'shared' / 'seed'} (beside the repository)")


@pytest.fixture(autouse=True)
def _english_unless_a_test_asks() -> Iterator[None]:
    """Every test starts in the kit's default language and leaves no language behind.

    A lesson's first cell and an app built for a visitor make their language the process's
    (``i18n.use_in_process``), and ``set_language`` holds it in this thread's context; in a
    kernel that is right, in one pytest process it leaks into the next test (a Spanish app
    test then found an English app).
    """
    from idpckit import i18n

    before = os.environ.get(i18n.ENV_VAR)
    token = i18n._current.set(None)
    i18n.use_in_process(None)
    yield
    i18n.use_in_process(None)
    i18n._current.reset(token)
    if before is None:
        os.environ.pop(i18n.ENV_VAR, None)
    else:
        os.environ[i18n.ENV_VAR] = before

"""Browser tests: the real ``idpckit serve`` (Voilà) driven by Debian's Chromium through Playwright.

Reusable fixtures (for any test under tests/browser/):

``kit_server`` (session)
    A running ``idpckit serve --no-browser`` on a free port of 127.0.0.1, started as a
    subprocess in its own process group with a private SQLite store (``.store_url``,
    ``.store_path``). Its Voilà log is saved to ``test-artifacts/voila-server-<worker>-<port>.log``.
    ``kit_server.url("table1-explorer.ipynb", "code=ABCD")`` gives a page's address,
    ``kit_server.base`` the index page. Stopped (SIGTERM, then SIGKILL) at the end.
``chromium`` (session)
    A headless ``/usr/bin/chromium`` (never Playwright's own download). Without it the
    browser tests are skipped with a reason, unless ``IDPCKIT_REQUIRE_BROWSER=1`` (CI),
    where that is a failure.
``page`` / ``make_page`` (function)
    ``page``: a fresh browser context (own cookies, accepts downloads) and page, 1280x900.
    ``make_page(width=390, height=844)``: more pages (e.g. to resume in a new tab, or a phone
    screen). If the test fails, every page it used is saved as a screenshot and HTML in
    ``test-artifacts/``.
``open_notebook`` (function)
    ``open_notebook("self-assessment.ipynb", query="", page=None)``: navigate and wait until
    Voilà has rendered the notebook and its widgets; returns the page.

Helpers in ``voila_helpers.py`` (``from voila_helpers import kernel_id``): ``wait_rendered(page)``,
``kernel_id(page)`` (the page's kernel id, from Voilà's page config), ``error_outputs(page)``
(error/stderr outputs and error texts visible in the page; empty when all is well).

All tests here are marked ``browser`` (select or deselect with ``-m browser``). Tests that
only need the server (plain HTTP) run even where Chromium is missing.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from chromium_helpers import CHROMIUM, launch  # tests/: the one Chromium and its flags
from serve_helpers import free_port, start_serve, stop_serve  # tests/: the one way to run idpckit serve
from voila_helpers import wait_rendered

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
SERVER_START_TIMEOUT_S = 90


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark everything in tests/browser/ ``browser`` and run it after all other tests.

    Last, because Playwright's sync API keeps an event loop running in the main thread
    for as long as the session's browser lives, and ``asyncio.run()`` in a later test
    would fail (so would another test's own ``sync_playwright()``); and because the fast
    tests should report first.
    """
    here = Path(__file__).parent
    ours = [i for i in items if here in Path(str(i.fspath)).parents]
    for item in ours:
        item.add_marker(pytest.mark.browser)
    mine = set(map(id, ours))
    items[:] = [i for i in items if id(i) not in mine] + ours


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Remember each phase's outcome on the item, so fixtures can save artefacts on failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[-120:]


@dataclass
class KitServer:
    """A running ``idpckit serve``; see the module docstring."""

    port: int
    proc: subprocess.Popen
    store_path: Path
    log_path: Path
    store_url: str = ""
    base: str = field(init=False)

    def __post_init__(self) -> None:
        self.base = f"http://127.0.0.1:{self.port}/"

    def url(self, notebook: str, query: str = "") -> str:
        return f"{self.base}voila/render/{quote(notebook)}" + (f"?{query}" if query else "")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kernel_processes(self) -> dict[str, object]:
        """Kernel id -> psutil.Process for every kernel the server has started and that still runs."""
        import psutil

        out: dict[str, object] = {}
        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return out
        for child in children:
            try:
                cmd = child.cmdline()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            for arg in cmd:
                m = re.search(r"kernel-([0-9a-f-]{36})\.json$", arg)
                if m:
                    out[m.group(1)] = child
        return out


@pytest.fixture(scope="session")
def kit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KitServer]:
    ARTIFACTS.mkdir(exist_ok=True)
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "main")
    store_path = tmp_path_factory.mktemp("store") / "reviews.sqlite"
    port = free_port()
    log_path = ARTIFACTS / f"voila-server-{worker_id}-{port}.log"  # the port keeps two sessions' logs apart
    # the lessons as trainees see them by default: the runner's IDPCKIT_HIDE_SOLUTIONS is not passed on
    proc = start_serve(["--host", "127.0.0.1", "--store", str(store_path)], port, log_path)
    try:
        yield KitServer(port=port, proc=proc, store_path=store_path, log_path=log_path, store_url=str(store_path))
    finally:
        stop_serve(proc)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing (install Debian's chromium: apt-get install chromium)"
        if os.environ.get("IDPCKIT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"IDPCKIT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw.chromium)
        try:
            yield browser
        finally:
            browser.close()


def _save(page: object, stem: str) -> None:
    try:
        page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)
        (ARTIFACTS / f"{stem}.html").write_text(page.content(), encoding="utf-8")
    except Exception as exc:  # a crashed page must not hide the test's own failure
        (ARTIFACTS / f"{stem}.txt").write_text(f"could not save the page: {exc}", encoding="utf-8")


@pytest.fixture
def make_page(chromium: object, request: pytest.FixtureRequest) -> Iterator[Callable[..., object]]:
    pages: list[object] = []
    contexts: list[object] = []

    def make(width: int = 1280, height: int = 900) -> object:
        context = chromium.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        return page

    yield make
    failed = any(getattr(request.node, f"rep_{when}", None) and getattr(request.node, f"rep_{when}").failed
                 for when in ("setup", "call"))  # fmt: skip
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for i, page in enumerate(pages):
            if not page.is_closed():
                _save(page, f"{_slug(request.node.nodeid)}-{i}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(make_page: Callable[..., object]) -> object:
    return make_page()


@pytest.fixture
def open_notebook(kit_server: KitServer, page: object) -> Callable[..., object]:
    def open_(notebook: str, query: str = "", on: object | None = None) -> object:
        target = on or page
        target.goto(kit_server.url(notebook, query))
        wait_rendered(target)
        return target

    return open_

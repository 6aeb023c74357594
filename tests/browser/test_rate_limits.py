"""Guessing room codes and trainer keys is limited per visitor, and a reload does not reset the count.

A real ``idpckit serve`` behind what the JupyterHub proxy does: the server trusts the proxy on
this machine (``--trusted-proxy 127.0.0.1``) and each browser context sends the
``X-Forwarded-For`` that proxy would write for a visitor at another address.  The server
writes that address into the header Voilà hands the page's kernel; the limit is counted in
the store, so it holds across reloads (each reload is another kernel, preheated as served,
so the address also travels Voilà's way to a kernel that ran before anyone asked) and
another visitor's address is not blocked.  That a visitor's own ``X-Forwarded-For`` is
never believed without a trusted proxy is tested in tests/test_serve_guards.py.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect
from test_hostile_server import Server, start_server, stop_server
from voila_helpers import kernel_id, wait_rendered

from idpckit.rooms import MAX_FAILURES, Rooms, new_key, new_room_code
from idpckit.store import Store

pytestmark = pytest.mark.browser

DASHBOARD = "room-dashboard.ipynb"
APP = "self-assessment.ipynb"
#: A busy machine: a try goes through the page's kernel and the store.
WAIT_MS = 30_000
TOO_MANY = re.compile(r"Too many wrong tries in the last minute\. Wait (\d+ seconds?|a minute)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("limits")
    srv = start_server(tmp, "--room-size", "3", "--trusted-proxy", "127.0.0.1")
    srv.store_path = tmp / "r.sqlite"
    # Ready kernels, so that a reload is quick on a busy machine: the count's minute must not
    # run out while the page reloads (each reload still gets another kernel).
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not all(
        f"Kernel pool of {nb} is filled with 3 kernel(s)" in srv.log() for nb in (DASHBOARD, APP)
    ):
        time.sleep(1)
    try:
        yield srv
    finally:
        stop_server(srv)


@pytest.fixture
def visitor(chromium: object) -> Iterator[Callable[[str], Page]]:
    """A browser of a visitor at ``address`` (as the proxy reports it); every URL it asks for is kept."""
    contexts = []

    def make(address: str) -> Page:
        context = chromium.new_context(extra_http_headers={"X-Forwarded-For": address})
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.requested = []
        page.on("request", lambda r: page.requested.append(r.url))
        return page

    yield make
    for context in contexts:
        context.close()


def rooms(server: Server, n: int) -> list[tuple[str, str]]:
    made = [Rooms(Store(server.store_path)).create(f"Limits room {i}") for i in range(n)]
    return [(room.code, key) for room, key in made]


def open_page(page: Page, url: str) -> str:
    page.goto(url)
    wait_rendered(page)
    return kernel_id(page)


def try_key(page: Page, code: str, key: str) -> None:
    """Type ``code`` and ``key``, press Open room, and wait until the kernel has answered this try.

    Five wrong keys for one room all get the same words, so the alert already on the page
    would match at once: the try is answered only once that alert is replaced.  Without this
    the reload below came while the old kernel still worked through queued tries, and the
    sixth try, in the new kernel, was checked before the fifth was counted (CI, loaded box).
    """
    alerts = page.get_by_role("alert")
    previous = alerts.first.element_handle() if alerts.count() else None
    page.get_by_label("Room code").fill(code)
    page.get_by_label("Trainer key").fill(key)
    page.get_by_role("button", name="Open room").click()
    if previous is not None:
        previous.wait_for_element_state("hidden", timeout=WAIT_MS)  # detached: the kernel wrote its answer


def test_wrong_trainer_keys_are_limited_per_visitor_across_reloads(server: Server, visitor) -> None:
    (first, first_key), (second, second_key) = rooms(server, 2)
    guesser = visitor("203.0.113.5")
    before = open_page(guesser, server.base + f"voila/render/{DASHBOARD}")
    wrong = [new_key() for _ in range(MAX_FAILURES)]
    for key in wrong:
        try_key(guesser, first, key)
        expect(guesser.get_by_role("alert")).to_contain_text(
            f"This trainer key does not open room {first}", timeout=WAIT_MS
        )

    after = open_page(guesser, server.base + f"voila/render/{DASHBOARD}")  # reload: a new kernel
    assert after != before
    # The sixth try is refused before any key is checked, even the right key of another room:
    # the count belongs to this visitor's address, not to the page's kernel.
    try_key(guesser, second, second_key)
    expect(guesser.get_by_role("alert")).to_contain_text(TOO_MANY, timeout=WAIT_MS)
    assert "Last updated" not in guesser.inner_text("body")

    # Another visitor is not blocked by the guesser; the guessed room is, for a minute.
    trainer = visitor("198.51.100.20")
    open_page(trainer, server.base + f"voila/render/{DASHBOARD}")
    try_key(trainer, second, second_key)
    expect(trainer.get_by_role("status").filter(has_text="Last updated")).to_contain_text(
        "Limits room 1", timeout=WAIT_MS
    )
    colleague = visitor("198.51.100.30")
    open_page(colleague, server.base + f"voila/render/{DASHBOARD}")
    try_key(colleague, first, first_key)
    expect(colleague.get_by_role("alert")).to_contain_text(TOO_MANY, timeout=WAIT_MS)

    # The keys travel only in the typed field: never in an address the browser asked for, nor in the log.
    log = server.log()
    for key in [*wrong, first_key, second_key]:
        assert key not in log
        assert not [u for u in guesser.requested + trainer.requested + colleague.requested if key in u]


def join(page: Page, code: str) -> None:
    """The set-up of a new review, complete, with ``code`` typed in the room box."""
    page.get_by_role("button", name="Start a new review").click()
    page.get_by_label("Country").press_sequentially("Kenya")  # the whole name: saved at once, not a guess
    expect(page.get_by_text(re.compile(r"✔ Kenya \("))).to_be_visible(timeout=WAIT_MS)
    page.get_by_label("Organisation(s)").fill("Kenya Harm Reduction Alliance")
    page.get_by_label("Room code").fill(code)


def test_unknown_room_codes_in_the_app_are_limited_per_visitor_across_reloads(server: Server, visitor) -> None:
    ((code, _key),) = rooms(server, 1)
    guesser = visitor("203.0.113.77")
    before = open_page(guesser, server.base + f"voila/render/{APP}")
    message = guesser.locator(".idpc-room-message")
    for i, guess in enumerate(new_room_code() for _ in range(MAX_FAILURES)):
        if i == 0:
            join(guesser, guess)
        else:
            guesser.get_by_label("Room code").fill(guess)
        expect(message).to_contain_text(f"There is no room {guess}", timeout=WAIT_MS)
    expect(message).to_contain_text("Your review is not saved until the room code is right", timeout=WAIT_MS)

    after = open_page(guesser, server.base + f"voila/render/{APP}")  # reload: a new kernel, a new review
    assert after != before
    join(guesser, code)  # the real code, but this address has guessed too often
    expect(guesser.locator(".idpc-room-message")).to_contain_text(TOO_MANY, timeout=WAIT_MS)
    assert not Store(server.store_path).room(code, submitted_only=False)  # nothing was saved into the room

    trainee = visitor("198.51.100.21")
    open_page(trainee, server.base + f"voila/render/{APP}")
    join(trainee, code.lower())
    expect(trainee.get_by_role("status").filter(has_text="Your resume code")).to_be_visible(timeout=WAIT_MS)
    expect(trainee.locator(".idpc-room-message")).not_to_contain_text("room", timeout=WAIT_MS)
    deadline = time.monotonic() + 30  # the save with the room follows the keystroke through the kernel
    while not Store(server.store_path).room(code, submitted_only=False) and time.monotonic() < deadline:
        time.sleep(0.25)
    assert len(Store(server.store_path).room(code, submitted_only=False)) == 1

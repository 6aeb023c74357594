"""A workshop on the hub, in Chromium: two trainees log in through the login form, each completes
and submits a review in the Voilà app, and their trainer logs in and sees both in the room.

The hub is the real one (workshop/hosting/jupyterhub/: JupyterHub 6, configurable-http-proxy,
shared-password login, one single-user server per person), and every server saves to one
PostgreSQL database, which is how the trainer's dashboard, in another server, sees the room.
Marked ``hub`` and ``postgres`` too (heavy: under the shared lock).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from hub_helpers import APP_PATH, DASHBOARD_PATH, TRAINEE_PASSWORD, TRAINER, TRAINER_PASSWORD, Hub, running_hub
from playwright.sync_api import Page, expect
from voila_helpers import error_outputs, wait_rendered

from idpckit.data import load
from idpckit.rooms import Rooms
from idpckit.store import Store
from idpckit.widgets._base import grade_label

pytestmark = [pytest.mark.hub, pytest.mark.postgres]

#: (user name, what they type in the country box, the country it finds, its code, the grades given)
TRAINEES = [
    ("amina", "Colom", "Colombia", "COL", [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3]),
    ("bruno", "Keny", "Kenya", "KEN", [5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4, 3]),
]
COMMITMENTS = load().commitments
#: A login goes through the hub, a server start and a kernel start: generous on a busy 2-core machine.
LOGIN_TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def hub(pg_module_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with running_hub(pg_module_database, tmp_path_factory.mktemp("hub-browser")) as running:
        yield running


def log_in(page: Page, hub: Hub, name: str, password: str, lands_on: str) -> None:
    """The hub's login form, as a person fills it; then the wait while the server starts."""
    page.goto(f"{hub.base}/hub/login")
    page.locator("#username_input").fill(name)
    page.locator("#password_input").fill(password)
    page.locator("#login_submit").click()
    page.wait_for_url(re.compile(rf"/user/{name}/{re.escape(lands_on)}"), timeout=LOGIN_TIMEOUT_MS)
    wait_rendered(page, timeout_ms=LOGIN_TIMEOUT_MS)
    assert error_outputs(page) == []


def complete_and_submit(page: Page, room: str, typed: str, country: str, grades: list[int]) -> None:
    page.get_by_role("button", name="Start a new review").click()
    page.get_by_label("Country").press_sequentially(typed)
    expect(page.get_by_text(re.compile(rf"✔ {country} \(\w{{3}}\)"))).to_be_visible()
    year = page.get_by_label("Review year")
    year.fill("2025")
    year.press("Tab")
    page.get_by_label("Organisation(s)").fill(f"{country} harm reduction network")
    page.get_by_label("Five-point scale: 1, 2, 3, 4 or 5").check()
    page.get_by_label("Room code").fill(room)
    next_step = page.get_by_role("button", name=re.compile(r"^(Next|Summary) ▶$"))
    next_step.click()
    for commitment, grade in zip(COMMITMENTS, grades, strict=True):
        heading = f"Commitment {commitment.number}: {commitment.title}"
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()  # the step has changed
        label = grade_label(grade, "five-point")
        page.get_by_role("radio", name=label, exact=True).click()
        expect(page.get_by_text(f"Selected: {label}", exact=True)).to_be_visible()
        next_step.click()
    expect(page.get_by_role("heading", name=f"Summary: {country}, 2025")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Submit this review").click()
    page.get_by_role("button", name="Yes, submit it now").click()
    expect(page.get_by_text(f"Submitted to room {room}: read-only.")).to_be_visible()


@pytest.mark.timeout(900)  # three logins (server and kernel starts) and two reviews of 13 steps
def test_two_trainees_submit_and_their_trainer_sees_both_in_the_room(
    hub: Hub, make_page: Callable[..., Page], pg_module_database: str
) -> None:
    # The trainer made the room before the workshop (idpckit room create), in the hub's one store.
    room, key = Rooms(Store(pg_module_database)).create("Hub workshop")
    pages = {}
    for name, typed, country, _code, grades in TRAINEES:
        page = pages[name] = make_page()  # a browser context of its own: own cookies, as on another laptop
        log_in(page, hub, name, TRAINEE_PASSWORD, APP_PATH)
        complete_and_submit(page, room.code, typed, country, grades)
        # A trainee's server has no dashboard, and the trainer's server is not theirs to open.
        for path in (f"/user/{name}/{DASHBOARD_PATH}", f"/user/{TRAINER}/{DASHBOARD_PATH}", "/hub/admin"):
            answer = page.goto(f"{hub.base}{path}")
            assert answer is not None and answer.status in (403, 404), (path, answer and answer.status)

    submitted = Store(pg_module_database).room(room.code)  # what every server saved, in the one store
    assert sorted(s.assessment.country for s in submitted) == ["COL", "KEN"]

    trainer = make_page()
    log_in(trainer, hub, TRAINER, TRAINER_PASSWORD, DASHBOARD_PATH)
    trainer.get_by_label("Room code", exact=True).fill(room.code)
    trainer.get_by_label("Trainer key").fill(key)
    trainer.get_by_role("button", name="Open room").click()
    expect(trainer.get_by_text(re.compile(r"^2 submitted, 0 started"))).to_be_visible()
    for _name, _typed, country, _code, _grades in TRAINEES:
        section = trainer.locator("section.idpc-room-country").filter(has_text=country)
        expect(section.locator("table.idpc-results tbody tr")).to_have_count(13)
    answer = trainer.goto(f"{hub.base}/hub/admin")
    assert answer is not None and answer.status == 200  # the trainer is the hub's admin

    # With the trainer's server running, a trainee who types its address is refused by it.
    answer = pages["amina"].goto(f"{hub.base}/user/{TRAINER}/{DASHBOARD_PATH}")
    assert answer is not None and answer.status == 403
    expect(pages["amina"].locator(".jupyter-widgets")).to_have_count(0)

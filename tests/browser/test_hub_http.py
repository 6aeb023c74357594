"""The workshop hub (workshop/hosting/jupyterhub/), for real: JupyterHub 6, configurable-http-proxy,
the shared-password login, one single-user Voilà server per trainee, one PostgreSQL store, the
idle culler.  Plain HTTP here (what a browser does, without one); the browser journey of two
trainees and their trainer is test_hub_workshop.py. (Here in tests/browser/, with the other
server tests that need no browser, so the fast loop leaves them out and they run last.)

All marked ``hub`` (and ``postgres``): heavy, run them under the shared lock.  Without the proxy
(``npm ci --prefix workshop/hosting/jupyterhub/proxy``) they are skipped on a laptop and fail in
CI, like the PostgreSQL tests.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import pytest
from hub_helpers import (
    APP_PATH,
    DASHBOARD_PATH,
    TRAINEE_PASSWORD,
    TRAINER,
    TRAINER_PASSWORD,
    Hub,
    LoginError,
    describe,
    error_text,
    footprint,
    login,
    running_hub,
)
from pg_fixtures import fresh_database

pytestmark = [pytest.mark.hub, pytest.mark.postgres]

#: Short, so the test sees the culler work (the real default is 900 s), yet longer than a server can
#: wait for its trainee's first request on a busy machine: with 20 s, one in 30 was culled mid-login.
IDLE_TIMEOUT = 90
ROOM_SIZE = 30
#: A widget view in the landing page: the app's notebook ran and displayed its widget.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="session")
def hub(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """One hub for the session, its store a fresh PostgreSQL database; its log stays in its state folder.

    For the session, not the module: the culler test runs last of all (``last`` marker), so the
    culler stops the room's servers while the other tests run, instead of the suite waiting for it.
    ``hub.idle`` is its footprint before anyone logs in (the hub, the proxy and the culler alone),
    which the culler test compares with once the culler has stopped every server.
    """
    with (
        fresh_database(pg_server) as store,
        running_hub(store, tmp_path_factory.mktemp("hub"), IDLE_TIMEOUT) as running,
    ):
        culler = lambda: any("jupyterhub_idle_culler" in " ".join(describe([p])) for p in running.processes())  # noqa: E731
        wait_until(culler, 60, "the culler starting")
        running.idle = footprint(running.processes())
        yield running


@pytest.fixture(scope="session")
def room(hub: Hub) -> dict[str, float | str]:
    """The room of 30 logged in at once, once per session: each trainee's seconds to the page, or what went wrong.

    First after the refused logins: no server runs yet, so the room starts on a hub alone (whose
    footprint the fixture took).
    """
    assert hub.servers() == []

    def one(n: int) -> tuple[str, float | str]:
        name = f"trainee{n:02d}"
        try:
            visit = login(hub.base, name, TRAINEE_PASSWORD, timeout=300)
        except (LoginError, httpx.HTTPError) as exc:
            return name, f"{type(exc).__name__}: {exc}"
        with contextlib.closing(visit.client):
            problems = error_text(visit.page) or ([] if WIDGET_VIEW in visit.page else ["no widget in the page"])
        return name, "; ".join(problems) if problems else visit.seconds

    with ThreadPoolExecutor(max_workers=ROOM_SIZE) as pool:
        return dict(pool.map(one, range(ROOM_SIZE)))


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen in {seconds:.0f} s"
        time.sleep(1)


def test_wrong_password_is_refused_and_starts_nothing(hub: Hub) -> None:
    with pytest.raises(LoginError, match="login refused"):
        login(hub.base, "mallory", "not-the-password")
    with pytest.raises(LoginError, match="login refused"):
        login(hub.base, TRAINER, TRAINEE_PASSWORD)  # a trainer's name needs the trainer's password
    with pytest.raises(LoginError, match="login refused"):
        login(hub.base, "../../etc", TRAINEE_PASSWORD)  # names cannot walk out of the homes folder
    assert hub.servers() == []


@pytest.mark.timeout(600)  # 30 server and kernel starts on 2 cores: minutes
def test_a_room_of_30_logs_in_at_once(hub: Hub, room: dict[str, float | str]) -> None:
    errors = {name: r for name, r in room.items() if isinstance(r, str)}
    assert errors == {}, f"{len(errors)} of {ROOM_SIZE} trainees could not log in: {errors}\n{hub.log()[-4000:]}"
    assert len(hub.servers()) >= ROOM_SIZE  # each trainee has a server of their own, running


def test_a_trainee_lands_in_the_app_and_gets_nothing_else(hub: Hub) -> None:
    visit = login(hub.base, "amina", TRAINEE_PASSWORD)
    with contextlib.closing(visit.client) as client:
        assert visit.landing.endswith(f"/user/amina/{APP_PATH}")
        assert WIDGET_VIEW in visit.page and not error_text(visit.page)
        # no JupyterLab, classic notebook, terminals or the room dashboard in a trainee's server
        for path in ("lab", "tree", "notebooks/self-assessment.ipynb", "terminals/1", "api/terminals", DASHBOARD_PATH):
            assert client.get(f"/user/amina/{path}").status_code == 404, path
        listing = client.get("/user/amina/api/contents").json()["content"]
        names = {item["name"] for item in listing}
        assert "self-assessment.ipynb" in names and "table1-explorer.ipynb" in names
        assert "room-dashboard.ipynb" not in names
        # the trainer's pages: the hub's admin page and the trainer's own server
        assert client.get("/hub/admin").status_code == 403
        theirs = client.get(f"/user/{TRAINER}/{DASHBOARD_PATH}")  # 404 while it is stopped, else 403
        assert theirs.status_code in (403, 404) and WIDGET_VIEW not in theirs.text
        assert client.get(f"/hub/api/users/{TRAINER}").status_code in (403, 404)


def kernel_connection(proc) -> tuple[str, Path, dict] | None:
    """A kernel's user, connection file (its ``-f``) and what the file says; None if it stopped meanwhile."""
    try:
        cmd, user = proc.cmdline(), proc.environ().get("JUPYTERHUB_USER", "")
        file = Path(cmd[cmd.index("-f") + 1])
        return user, file, json.loads(file.read_text())
    except (psutil.Error, FileNotFoundError):  # a room's server being culled
        return None


def test_kernels_talk_over_unix_sockets_in_a_short_private_folder(hub: Hub) -> None:
    """TCP ports picked "free" were taken twice when a room's servers started at once (CI: a kernel
    died, its trainee waited 300 s); kernels use IPC in /tmp/ih-<hub>/<user>, short even for a long name.
    Every kernel still running is checked (the room's too, when it runs first)."""
    name = "a-trainee-whose-name-is-32-chars"  # the longest name the hub accepts
    visit = login(hub.base, name, TRAINEE_PASSWORD)
    with contextlib.closing(visit.client):
        assert WIDGET_VIEW in visit.page and not error_text(visit.page)
        found = [k for k in map(kernel_connection, hub.kernels()) if k is not None]
    mine = [k for k in found if k[0] == name]
    assert len(mine) == 1, found
    for user, file, info in found:
        assert info["transport"] == "ipc", info
        folder = file.parent
        assert folder.parent.name.startswith("ih-") and folder.parent.parent == Path("/tmp"), file
        if user != name:
            continue  # another server's folder may go while it is culled: its transport is what matters
        for path in (folder, folder.parent):
            st = path.lstat()
            assert st.st_mode & 0o777 == 0o700 and st.st_uid == os.geteuid(), path  # (Jupyter adds the sticky bit)
        sockets = [Path(f"{info['ip']}-{info[c]}") for c in ("shell_port", "iopub_port", "control_port", "hb_port")]
        assert all(stat.S_ISSOCK(s.stat().st_mode) for s in sockets), sockets
        assert max(len(str(s)) for s in sockets) <= 90, sockets  # Linux allows 107
        assert len(folder.name) == 16 and folder.name != name, folder  # the long name became a digest


def test_the_trainer_lands_on_the_room_dashboard_and_may_administer(hub: Hub) -> None:
    visit = login(hub.base, TRAINER, TRAINER_PASSWORD, expect_path=DASHBOARD_PATH)
    with contextlib.closing(visit.client) as client:
        assert WIDGET_VIEW in visit.page and not error_text(visit.page)
        assert client.get("/hub/admin").status_code == 200


@pytest.mark.last  # after every other test of the session: the culler has done its work meanwhile
@pytest.mark.timeout(900)  # alone (this file only), it waits for the culler's rounds: minutes
def test_the_culler_stops_the_idle_rooms_servers_and_gives_the_memory_back(
    hub: Hub, room: dict[str, float | str]
) -> None:
    # Every server is stopped by the culler once idle, and the hub is back to its idle footprint.
    idle = hub.idle
    wait_until(lambda: not hub.servers() and not hub.kernels(), IDLE_TIMEOUT * 4 + 120, "culling the room's servers")
    culled = {name for name in room if f"Culling server {name} (inactive for" in hub.log()}
    assert culled == set(room), f"stopped, but not by the culler: {sorted(set(room) - culled)}"
    after = footprint(hub.processes())
    left = describe(hub.processes())
    assert after["processes"] == idle["processes"], left  # hub, proxy, culler: nothing left behind
    assert after["pss_mb"] < idle["pss_mb"] + 40, (idle, after)  # the hub keeps a little per user, not a server

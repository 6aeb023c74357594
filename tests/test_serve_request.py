"""idpckit.serve.request and the facades in idpckit.apps: the page's query string reaches the app.

The apps themselves only offer ``apply_query(params)``; these tests prove the door hands
them the request in each way Voilà passes it: in the environment of a kernel started for
the visitor, or (preheated kernel) on Voilà's own ``voila/query`` websocket handler,
served here on a free port with its real protocol, after the page was pre-rendered.
The browser tests (tests/browser/test_room_dashboard.py, test_self_assessment.py) prove
the same through a real ``idpckit serve``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from idpckit import apps, i18n
from idpckit.serve import request
from idpckit.store import Store
from idpckit.widgets.room_dashboard import RoomDashboard
from idpckit.widgets.self_assessment import SelfAssessmentApp

VOILA_VARIABLES = (
    "QUERY_STRING",
    "VOILA_PREHEAT",
    "VOILA_REQUEST_URL",
    "SCRIPT_NAME",
    "SERVER_NAME",
    "SERVER_PORT",
    "VOILA_APP_PORT",
    "VOILA_SERVER_URL",
    "VOILA_KERNEL_ID",
    "HTTP_ACCEPT_LANGUAGE",
)


@pytest.fixture(autouse=True)
def _process_language_reset() -> Iterator[None]:
    """The apps make the visitor's language the process's (one visitor per kernel); tests share a process."""
    yield
    i18n.use_in_process(None)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The store the apps open by themselves (``IDPCKIT_STORE``, as ``idpckit serve`` sets it), outside Voilà."""
    path = tmp_path / "store.sqlite3"
    monkeypatch.setenv("IDPCKIT_STORE", str(path))
    for name in VOILA_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return Store(path)


def saved_review(store: Store) -> str:
    """The code of a draft saved by a trainee who filled in the set-up."""
    app = SelfAssessmentApp(store=store, today=dt.date(2025, 9, 15))
    app.welcome.start.click()
    app.setup.country.value = "Colombia"
    app.setup.organisations.value = "Elementa"
    assert app.code is not None
    return app.code


# --------------------------------------------------------------------------- parsing


def test_parse_query_keeps_the_first_value_of_each_name() -> None:
    assert request.parse_query("?code=K7QD-M2XP&room=R1&x=1&code=OTHER") == {
        "code": "K7QD-M2XP",
        "room": "R1",
        "x": "1",
    }
    assert request.parse_query("") == {} and request.parse_query(None) == {} and request.parse_query("code=") == {}
    assert request.parse_query("room=%20lisbon%20") == {"room": "lisbon"}


def test_a_hostile_query_string_costs_a_bounded_parse_and_yields_nothing_dangerous() -> None:
    assert request.parse_query("&".join(f"k{i}=v" for i in range(10_000))) == {}  # too many names: all ignored
    assert request.parse_query("code=" + "A" * 1_000_000) == {}  # far too long: cut, and the cut value dropped
    assert request.parse_query("code=" + "A" * (request.MAX_VALUE_CHARS + 1)) == {}
    assert request.parse_query("code=K7QD%0D%0ASet-Cookie:x&room=%00") == {}  # control characters
    assert request.parse_query("room=%3Cscript%3E") == {"room": "<script>"}  # the app refuses it (its own test)


def test_page_url_from_either_set_of_variables() -> None:
    full = {"VOILA_REQUEST_URL": "http://127.0.0.1:8866/voila/render/self-assessment.ipynb?code=OLD"}
    assert request.page_url(full) == "http://127.0.0.1:8866/voila/render/self-assessment.ipynb"
    cgi = {"SCRIPT_NAME": "/voila/render/self-assessment.ipynb", "SERVER_NAME": "workshop.local", "SERVER_PORT": "8866"}
    assert request.page_url(cgi) == "http://workshop.local:8866/voila/render/self-assessment.ipynb"
    assert request.page_url({}) is None


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"QUERY_STRING": "lang=es"}, "es"),
        ({"QUERY_STRING": "lang=FR-ca"}, "fr"),
        ({"HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9,en;q=0.5"}, "ru"),
        ({"QUERY_STRING": "lang=fr", "HTTP_ACCEPT_LANGUAGE": "es"}, "fr"),  # the page's choice wins
        ({"QUERY_STRING": "lang=de", "HTTP_ACCEPT_LANGUAGE": "es-CO"}, "es"),  # one the kit lacks: the browser's
        ({"QUERY_STRING": "lang=%3Cscript%3E"}, "en"),
        ({"QUERY_STRING": "lang=es%0D%0AX"}, "en"),  # control characters: dropped
        ({"HTTP_ACCEPT_LANGUAGE": "es;q=" + "9" * 5000}, "en"),  # a huge header: the default, at once
        ({"HTTP_ACCEPT_LANGUAGE": "zh-CN,de;q=0.8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_visitors_language_comes_from_lang_else_the_browser_else_english(
    environ: dict[str, str], lang: str
) -> None:
    assert request.from_environ(environ).language == lang


# --------------------------------------------------------------------------- a kernel started for the visitor


def test_a_fresh_kernel_builds_the_app_in_the_language_the_page_asks_for(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "lang=es")
    widget = apps.self_assessment()
    app = apps.built[-1]
    assert widget.children[-1] is app.widget and app.language == "es"
    assert "<h1>Autoevaluación: califique a su gobierno" in widget.children[0].value  # the page's heading too
    assert app.welcome.start.description == "Empezar una nueva evaluación"
    assert "En qué consiste este ejercicio" in app.welcome.widget.children[0].value
    # Widget callbacks run later, in contexts of their own: the language stays the page's.
    app.welcome.start.click()
    assert app.setup.country.description == "País" and "Colombia" in app.setup.country.options

    monkeypatch.setenv("QUERY_STRING", "")
    monkeypatch.setenv("HTTP_ACCEPT_LANGUAGE", "ru-RU,ru;q=0.9")
    apps.self_assessment()
    assert apps.built[-1].welcome.start.description == "Начать новую оценку"


def test_outside_voila_the_apps_get_no_parameters(store: Store) -> None:
    apps.self_assessment()
    app = apps.built[-1]
    assert app.position == "welcome" and app.page_url is None
    apps.room_dashboard()
    assert apps.built[-1].room_code.value == "" and apps.built[-1].errors.message == ""


def test_a_fresh_kernel_reads_the_query_string_from_its_environment(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = saved_review(store)
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", f"code={code}&room=lisbon-2025")
    monkeypatch.setenv("VOILA_REQUEST_URL", f"http://127.0.0.1:8866/voila/render/self-assessment.ipynb?code={code}")
    widget = apps.self_assessment()
    app = apps.built[-1]
    assert widget.children[-1] is app.widget
    assert app.code == code and app.position != "welcome"  # resumed at once
    assert f"http://127.0.0.1:8866/voila/render/self-assessment.ipynb?code={code}" in app.save_status.value

    monkeypatch.setenv("QUERY_STRING", "room=k7qd-m2xp&key=AAAA")
    apps.room_dashboard()
    dashboard = apps.built[-1]
    # The room code is filled in; a key in a URL is never used, and nothing opens without one.
    assert isinstance(dashboard, RoomDashboard) and dashboard.room_code.value == "K7QD-M2XP"
    assert dashboard.key.value == "" and dashboard.results is None


def test_a_parameter_the_app_cannot_use_gets_a_message_not_a_traceback(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUERY_STRING", "room=" + "%3Cb%3E" * 10)
    apps.room_dashboard()
    assert apps.built[-1].room_code.value == "" and apps.built[-1].errors.message == ""  # not a code: ignored
    monkeypatch.setenv("QUERY_STRING", "code=AAAA-BBBB-CCCC-DDDD")
    apps.self_assessment()
    app = apps.built[-1]
    assert app.position == "welcome" and "No review is saved under the code" in app.welcome.message.message


# --------------------------------------------------------------------------- a preheated kernel


@pytest.fixture
def voila_request_socket() -> Iterator[tuple[int, Callable[[str, dict[str, str]], None]]]:
    """Voilà's own request-info websocket handler, served on a free port in a thread (its real protocol)."""
    import tornado.httpserver
    import tornado.testing
    import tornado.web
    from voila.request_info_handler import RequestInfoSocketHandler

    sock, port = tornado.testing.bind_unused_port()
    started = threading.Event()
    state: dict[str, Any] = {}

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        server = tornado.httpserver.HTTPServer(
            tornado.web.Application([(r"/voila/query/(.*)", RequestInfoSocketHandler)])
        )
        server.add_sockets([sock])
        state["loop"] = loop
        started.set()
        loop.run_forever()
        server.stop()
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)

    def visitor_arrives(kernel_id: str, payload: dict[str, str]) -> None:
        """What Voilà's page handler does when someone opens the page (VoilaHandler.get_generator)."""
        msg = {"kernel_id": kernel_id, "payload": payload}
        state["loop"].call_soon_threadsafe(RequestInfoSocketHandler.send_updates, msg)

    yield port, visitor_arrives
    state["loop"].call_soon_threadsafe(state["loop"].stop)
    thread.join(10)


def preheated_kernel(monkeypatch: pytest.MonkeyPatch, port: int, kernel_id: str) -> None:
    """The variables Voilà sets for a kernel it starts for its pool."""
    import voila.utils

    def fallback_used() -> None:
        raise AssertionError("the light path must work without voila.utils (48 MB per kernel)")

    monkeypatch.setattr(voila.utils, "wait_for_request", fallback_used)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    monkeypatch.setenv("VOILA_KERNEL_ID", kernel_id)


def the_waiting_thread_ends() -> None:
    waiter = next(t for t in threading.enumerate() if t.name == "idpckit-wait-for-request")
    waiter.join(20)
    assert not waiter.is_alive()


def test_a_preheated_self_assessment_resumes_the_code_the_visitor_brings(
    store: Store, monkeypatch: pytest.MonkeyPatch, voila_request_socket: Any
) -> None:
    port, visitor_arrives = voila_request_socket
    code = saved_review(store)
    preheated_kernel(monkeypatch, port, "kernel-self-assessment")
    apps.self_assessment()
    app = apps.built[-1]
    assert app.position == "welcome"  # pre-rendered before anyone asked
    visitor_arrives(
        "kernel-self-assessment",
        {
            "QUERY_STRING": f"code={code}",
            "SCRIPT_NAME": "/voila/render/self-assessment.ipynb",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8866",
        },
    )
    the_waiting_thread_ends()
    assert app.code == code and app.position != "welcome"
    assert f"http://127.0.0.1:8866/voila/render/self-assessment.ipynb?code={code}" in app.save_status.value


def test_a_preheated_app_is_rebuilt_in_the_language_the_visitor_brings(
    store: Store, monkeypatch: pytest.MonkeyPatch, voila_request_socket: Any
) -> None:
    port, visitor_arrives = voila_request_socket
    code = saved_review(store)
    preheated_kernel(monkeypatch, port, "kernel-self-assessment-fr")
    frame = apps.self_assessment()
    english = apps.built[-1]
    assert english.welcome.start.description == "Start a new review"  # pre-rendered before anyone asked
    assert "<h1>Self-assessment: grade your government" in frame.children[0].value
    visitor_arrives(
        "kernel-self-assessment-fr",
        {"QUERY_STRING": f"code={code}", "HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9,en;q=0.5"},
    )
    the_waiting_thread_ends()
    app = apps.built[-1]
    assert app is not english and frame.children[-1] is app.widget and app.language == "fr"
    assert "<h1>Auto-évaluation : notez votre gouvernement" in frame.children[0].value  # heading rebuilt too
    assert app.code == code and app.position != "welcome"  # the query still applies, to the new app
    assert "Code de reprise" not in app.save_status.value and "Votre code de reprise" in app.save_status.value
    assert app.next.description == "Suivant ▶"


class ControlComm:
    """Stands for the page's ``jupyter.widget.control`` comm: what ipywidgets sends it is kept."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, data: dict[str, Any], buffers: Any = None) -> None:
        self.sent.append(data)


def test_the_page_gets_the_widgets_states_only_after_the_visitors_request_is_applied(
    store: Store, monkeypatch: pytest.MonkeyPatch, voila_request_socket: Any
) -> None:
    """The race behind an English page for a Spanish visitor: the page fetched the states first.

    A preheated page reaches the browser while its kernel is still applying the visitor's
    request; a change made after the page fetched the widgets' states was dropped by the
    browser.  Here the kernel's loop is busy (the rebuild is queued, not run) when the page
    asks for the states: the answer must already be the rebuilt, French app, resumed.
    """
    import ipywidgets

    port, visitor_arrives = voila_request_socket
    code = saved_review(store)
    queued: list[Callable[[], None]] = []
    monkeypatch.setattr(request, "run_on_kernel_loop", queued.append)  # a busy loop: nothing runs yet
    preheated_kernel(monkeypatch, port, "kernel-states")
    frame = apps.self_assessment()
    english = apps.built[-1]
    english_id = english.widget.model_id
    visitor_arrives("kernel-states", {"QUERY_STRING": f"code={code}&lang=fr"})
    the_waiting_thread_ends()
    assert apps.built[-1] is english and queued  # read, but not yet applied

    comm = ControlComm()
    monkeypatch.setattr(ipywidgets.Widget, "_control_comm", comm)
    ipywidgets.Widget._handle_control_comm_msg({"content": {"data": {"method": "request_states"}}})
    app = apps.built[-1]
    assert app is not english and app.language == "fr" and app.code == code
    states = comm.sent[-1]["states"]
    shown = states[frame.model_id]["state"]["children"]
    assert f"IPY_MODEL_{app.widget.model_id}" in shown and f"IPY_MODEL_{english_id}" not in shown
    assert any(s["state"].get("description") == "Suivant ▶" for s in states.values())
    queued.pop()()  # the loop gets to the queued delivery later: nothing is applied twice
    assert apps.built[-1] is app


def test_a_preheated_room_dashboard_opens_the_room_the_visitor_asks_for(
    store: Store, monkeypatch: pytest.MonkeyPatch, voila_request_socket: Any
) -> None:
    port, visitor_arrives = voila_request_socket
    preheated_kernel(monkeypatch, port, "kernel-dashboard")
    apps.room_dashboard()
    dashboard = apps.built[-1]
    assert dashboard.room_code.value == ""
    visitor_arrives("kernel-dashboard", {"QUERY_STRING": "room=K7QD-M2XP"})
    the_waiting_thread_ends()
    assert dashboard.room_code.value == "K7QD-M2XP" and dashboard.results is None


def test_the_facade_keeps_the_first_screen_light() -> None:
    """Reading the request must not bring Voilà's server, pandas or SQLAlchemy into the kernel."""
    code = (
        "import sys\n"
        "from idpckit import apps\n"
        "apps.self_assessment()\n"
        "print([m for m in ('voila.app', 'voila.utils', 'pandas', 'matplotlib', 'sqlalchemy') if m in sys.modules])\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in VOILA_VARIABLES}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"


def test_the_visitors_address_reaches_the_request_and_ipv6_counts_by_its_network() -> None:
    assert request.from_environ({"HTTP_X_IDPCKIT_CLIENT": "198.51.100.4"}).client == "ip:198.51.100.4"
    assert request.client({"HTTP_X_IDPCKIT_CLIENT": "2001:db8:1:2:aaaa::1"}) == "ip:2001:db8:1:2::/64"
    assert request.client({"HTTP_X_IDPCKIT_CLIENT": "2001:db8:1:2:bbbb::9"}) == "ip:2001:db8:1:2::/64"
    assert request.client({"HTTP_X_IDPCKIT_CLIENT": "me; DROP TABLE"}) is None
    assert request.from_environ({}).client is None


def test_a_preheated_page_knows_its_visitor_from_the_first_click(
    store: Store, monkeypatch: pytest.MonkeyPatch, voila_request_socket: Any
) -> None:
    """Tries before the request arrives are refused in words, not counted under a name everyone shares;
    the visitor's address is set the moment the request is read, even while the prefetch still runs."""
    from idpckit.rooms import Rooms

    port, visitor_arrives = voila_request_socket
    preheated_kernel(monkeypatch, port, "kernel-dashboard-2")
    code = Rooms(store).create("Pending room")[0].code
    slow = threading.Event()
    monkeypatch.setattr(RoomDashboard, "prefetch", lambda self: slow.wait(20))
    monkeypatch.setattr("idpckit.widgets._base.CLIENT_WAIT_S", 0.2)  # a try waits this long for the request
    apps.room_dashboard()
    dashboard = apps.built[-1]
    dashboard.room_code.value, dashboard.key.value = code, "AAAA-BBBB-CCCC-DDDD-EEEE"
    dashboard.open_button.click()  # the page is drawn, its request not read yet
    assert "This page is still starting" in dashboard.errors.message
    visitor_arrives("kernel-dashboard-2", {"QUERY_STRING": "", "HTTP_X_IDPCKIT_CLIENT": "198.51.100.4"})
    deadline = time.monotonic() + 20
    while dashboard.client != "ip:198.51.100.4" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert dashboard.client == "ip:198.51.100.4"  # while the prefetch still runs
    slow.set()
    the_waiting_thread_ends()
    dashboard.key.value = "AAAA-BBBB-CCCC-DDDD-EEEE"
    dashboard.open_button.click()
    assert "does not open room" in dashboard.errors.message


def test_a_try_in_the_first_instant_waits_for_the_visitors_address(
    store: Store, monkeypatch: pytest.MonkeyPatch, voila_request_socket: Any
) -> None:
    from idpckit.rooms import Rooms
    from idpckit.store import room_attempts

    port, visitor_arrives = voila_request_socket
    preheated_kernel(monkeypatch, port, "kernel-dashboard-3")
    code = Rooms(store).create("Quick room")[0].code
    apps.room_dashboard()
    dashboard = apps.built[-1]
    dashboard.room_code.value, dashboard.key.value = code, "AAAA-BBBB-CCCC-DDDD-EEEE"
    payload = {"QUERY_STRING": "", "HTTP_X_IDPCKIT_CLIENT": "198.51.100.9"}
    threading.Timer(0.5, visitor_arrives, ("kernel-dashboard-3", payload)).start()
    dashboard.open_button.click()  # clicked before the request arrived: waits for it, then counts
    assert "does not open room" in dashboard.errors.message
    with store._read() as conn:
        scopes = {row.scope for row in conn.execute(room_attempts.select())}
    assert "client:ip:198.51.100.9" in scopes and "client:voila" not in scopes


def page_text(widget: Any) -> str:
    """Every text the page shows of ``widget`` and its children (HTML values, labels, descriptions)."""
    parts = [str(getattr(widget, name, "") or "") for name in ("value", "description", "placeholder")]
    return " ".join(parts + [page_text(child) for child in getattr(widget, "children", ())])


@pytest.mark.parametrize("trouble", ["fails", "hangs"])
def test_a_prefetch_that_fails_or_hangs_leaves_the_visitor_a_working_page(
    trouble: str, store: Store, monkeypatch: pytest.MonkeyPatch, voila_request_socket: Any
) -> None:
    """The prefetch is a preheated kernel's head start, never a condition of the page working.

    An import error in it is not shown to the trainee, and a prefetch stuck on a slow disk holds
    the visitor's ``?code=`` back at most ``PREFETCH_WAIT_S``: the review reopens, with no error
    on the page, and the trainee goes on to the next commitment (it waited for ever before).
    """
    port, visitor_arrives = voila_request_socket
    code = saved_review(store)
    stuck = threading.Event()

    def prefetch(self: SelfAssessmentApp) -> None:
        if trouble == "fails":
            raise ModuleNotFoundError("No module named 'openpyxl'")
        stuck.wait(60)  # a disk that does not answer

    monkeypatch.setattr(SelfAssessmentApp, "prefetch", prefetch)
    monkeypatch.setattr(request, "PREFETCH_WAIT_S", 1.0)
    preheated_kernel(monkeypatch, port, f"kernel-prefetch-{trouble}")
    try:
        apps.self_assessment()
        app = apps.built[-1]
        visitor_arrives(f"kernel-prefetch-{trouble}", {"QUERY_STRING": f"code={code}"})
        started = time.monotonic()
        the_waiting_thread_ends()
        assert time.monotonic() - started < 10
        assert app.code == code and app.position != "welcome"
        assert app.errors.message == "" and "openpyxl" not in page_text(app.widget)
        first = app.position
        app.next.click()
        assert app.position not in (first, "welcome") and app.errors.message == ""
    finally:
        stuck.set()


def models_in(widget: Any) -> set[str]:
    """The models of ``widget``, its layout and style and its children's, as a page builds them."""
    import ipywidgets

    seen: set[str] = set()
    todo = [widget]
    while todo:
        item = todo.pop()
        if item.model_id not in seen:
            seen.add(item.model_id)
            todo += [
                getattr(item, n) for n in ("layout", "style") if isinstance(getattr(item, n, None), ipywidgets.Widget)
            ]
            todo += [c for c in getattr(item, "children", ()) if isinstance(c, ipywidgets.Widget)]
    return seen


def test_a_link_to_a_summary_sends_its_chart_and_files_just_after_the_widgets_states(
    store: Store, monkeypatch: pytest.MonkeyPatch, voila_request_socket: Any
) -> None:
    """A ``?code=`` link to a finished review: the page's one answer with the widgets' states is light.

    The summary's chart and files (about 0.8 MB of pictures and base64 files) are made while the
    page loads; had they travelled inside that answer, the page would read and build them before
    drawing anything.  They follow it at once, as updates, and the summary is whole after it.
    """
    import ipywidgets

    from idpckit.assessment_io import read_assessment
    from idpckit.data import data_dir

    port, visitor_arrives = voila_request_socket
    code = store.save_draft(read_assessment(data_dir() / "examples" / "veridia-2024.json"))
    preheated_kernel(monkeypatch, port, "kernel-summary-states")
    apps.self_assessment()
    app = apps.built[-1]
    visitor_arrives("kernel-summary-states", {"QUERY_STRING": f"code={code}"})
    the_waiting_thread_ends()
    assert app.position == "summary" and app.summary is not None
    assert "download=" not in app.summary.links.value  # made, not yet shown: the page has not had its states

    comm = ControlComm()
    monkeypatch.setattr(ipywidgets.Widget, "_control_comm", comm)
    ipywidgets.Widget._handle_control_comm_msg({"content": {"data": {"method": "request_states"}}})
    states = comm.sent[-1]["states"]
    assert states[app.summary.heading.model_id]["state"]["value"].count("Summary: ") == 1
    assert "download=" not in states[app.summary.links.model_id]["state"]["value"]
    page = json.dumps([states[m] for m in models_in(app.widget)])  # what this page's widgets carry
    assert "data:image/svg+xml" not in page and ";base64," not in page and len(page) < 200_000
    assert "Report (web page, HTML)" in app.summary.links.value  # right after the answer
    assert '<img class="idpc-chart" src="data:image/svg+xml' in app.summary.scorecard.value

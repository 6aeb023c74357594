"""The visitor's request, read in the kernel: the one place that knows how Voilà passes it.

A Voilà page runs its notebook in a kernel; the page's address and query string
(``?code=...`` resumes a review, ``?room=...`` opens a room) reach that kernel in one
of two ways:

* **a kernel started for the visitor**: Voilà puts ``QUERY_STRING`` and
  ``VOILA_REQUEST_URL`` in the kernel's environment before the notebook runs;
* **a preheated kernel** (``idpckit serve`` keeps one ready per app): the notebook ran
  before anyone asked for it, so the request arrives later, as one JSON message on the
  server's ``voila/query/<kernel id>`` websocket (Voilà's ``wait_for_request`` protocol).

:func:`on_request` hides the difference: it hands the app its parameters at once in the
first case, and in the second waits in a thread of its own (so the page is pre-rendered
meanwhile) and hands them over on the kernel's event loop, where widget state may be
touched.  The apps never read the environment themselves: they only offer
``apply_query(params)``, which the notebook facades in :mod:`idpckit.apps` connect to
this module.  So widgets stay testable with a plain dict, and a preheated kernel reads
``?room=`` as surely as a fresh one.

Only the standard library and the ``websockets`` package Voilà already depends on are
imported (and ipywidgets, which the app has already loaded, to apply the request before the
page reads the widgets' states: :func:`before_widget_states`): ``voila.utils`` would drag
Voilà's server side into every kernel (about 48 MB and 2 s each).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit, urlunsplit

log = logging.getLogger(__name__)

#: Longest query string read; the rest is ignored (the apps' parameters are a few dozen characters).
MAX_QUERY_CHARS = 2048
#: Most parameters read from one query string; more make the whole query string ignored.
MAX_PARAMS = 20
#: Longest parameter value kept (longer values are dropped, not cut: a cut code would name another review).
MAX_VALUE_CHARS = 200
#: Seconds to wait for the server's websocket to accept the connection (generous: a room loading
#: at once keeps the server busy, and the fallback's second connection may be refused).
OPEN_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Request:
    """What the kernel knows of the visitor's request.

    :param params: the query string's parameters, first value of each, stripped, none empty.
    :param page_url: the page's address without its query string, when Voilà said it.
    :param client: the visitor's address as the server saw it (``idpckit serve`` and the
        hub's servers write it; see :func:`client`), for limits that must outlive a reload.
    :param language: the kit language the visitor asked for with ``?lang=``, else the one their
        browser prefers (``Accept-Language``, which the server passes as ``HTTP_ACCEPT_LANGUAGE``),
        else English; an unknown or hostile value counts as not asked.
    """

    params: dict[str, str] = field(default_factory=dict)
    page_url: str | None = None
    client: str | None = None
    language: str = "en"


def parse_query(query_string: str | None) -> dict[str, str]:
    """The parameters of a query string: first value of each name, stripped; empty ones left out.

    A hostile address cannot cost more than a bounded parse: the string is cut at
    :data:`MAX_QUERY_CHARS`, more than :data:`MAX_PARAMS` parameters make it ignored
    whole, values longer than :data:`MAX_VALUE_CHARS` or holding control characters are
    dropped.  Each app still checks the values it uses (a room code's letters, say).
    """
    if not query_string:
        return {}
    try:
        parsed = parse_qs(query_string[:MAX_QUERY_CHARS].lstrip("?"), max_num_fields=MAX_PARAMS)
    except ValueError:  # too many fields
        return {}
    params: dict[str, str] = {}
    for name, values in parsed.items():
        value = values[0].strip()
        if value and len(value) <= MAX_VALUE_CHARS and value.isprintable():
            params[name] = value
    return params


def page_url(environ: Mapping[str, str]) -> str | None:
    """The page's address without its query string, from the variables Voilà passes.

    A kernel started for the visitor gets ``VOILA_REQUEST_URL``; a preheated one gets the
    CGI-style ``SCRIPT_NAME``/``SERVER_NAME``/``SERVER_PORT`` with the request.
    """
    full = environ.get("VOILA_REQUEST_URL")
    if full:
        parts = urlsplit(full)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    script, host = environ.get("SCRIPT_NAME"), environ.get("SERVER_NAME")
    if script and host:
        port = environ.get("SERVER_PORT")
        return f"http://{host}{':' + port if port else ''}{script}"
    return None


#: Where Voilà puts the header the server sets to the visitor's address (``http_header_envs``).
CLIENT_VARIABLE = "HTTP_X_IDPCKIT_CLIENT"


def client(environ: Mapping[str, str]) -> str | None:
    """Who is asking, for the limits on wrong room codes and keys: ``ip:ADDRESS``, or None.

    The value comes from the server (``idpckit.serve.guards.client_address``, which replaces
    any header of that name a visitor sent), so it is the connection's address, or the one a
    trusted proxy vouched for.  An IPv6 visitor is counted by their /64 network, the block a
    single home or phone gets, so hopping between its addresses does not reset the count.
    Anything that is not an address is ignored.
    """
    import ipaddress

    text = (environ.get(CLIENT_VARIABLE) or "").strip()
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return None
    if addr.version == 6:
        return f"ip:{ipaddress.ip_network(f'{addr}/64', strict=False)}"
    return f"ip:{addr}"


def from_environ(environ: Mapping[str, str]) -> Request:
    """The request described by Voilà's variables (the kernel's environment, or the websocket's message)."""
    from .. import i18n

    params = parse_query(environ.get("QUERY_STRING"))
    lang = i18n.choose(params.get("lang"), environ.get("HTTP_ACCEPT_LANGUAGE"))
    return Request(params=params, page_url=page_url(environ), client=client(environ), language=lang)


def preheated(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this kernel ran its notebook before any visitor asked (Voilà sets ``VOILA_PREHEAT``)."""
    return (os.environ if environ is None else environ).get("VOILA_PREHEAT", "False") == "True"


def query_socket_url(environ: Mapping[str, str] | None = None) -> str:
    """The server's websocket that sends a preheated kernel its visitor's request."""
    env = os.environ if environ is None else environ
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    host = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{host}:{port}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"


def wait_for_request(open_timeout: float = OPEN_TIMEOUT_S) -> Request:
    """In a preheated kernel, block until the visitor's request arrives, and return it.

    Connects to :func:`query_socket_url` with ``websockets`` and reads the one JSON object
    Voilà sends (what ``voila.utils.wait_for_request`` does in Voilà 0.5).  Should that
    fail, Voilà's own helper is tried, which leaves the variables in ``os.environ``.
    """
    url = query_socket_url()

    async def receive() -> str | bytes:
        import websockets

        async with websockets.connect(url, open_timeout=open_timeout) as socket:
            return await socket.recv()

    try:
        message = json.loads(asyncio.run(receive()))  # in the waiting thread, on a loop of its own
    except Exception:
        log.warning("could not read the request from %s; trying voila.utils.wait_for_request", url, exc_info=True)
        from voila.utils import wait_for_request as voila_wait

        voila_wait()
        return from_environ(os.environ)
    if not isinstance(message, dict):
        return Request()
    return from_environ({str(k): str(v) for k, v in message.items()})


def run_on_kernel_loop(callback: Callable[[], None]) -> None:
    """Run ``callback`` on the kernel's main thread (widget state is not thread-safe), or now if no kernel."""
    try:
        from IPython import get_ipython

        loop = getattr(getattr(get_ipython(), "kernel", None), "io_loop", None)
    except Exception:
        loop = None
    if loop is not None:
        loop.add_callback(callback)
    else:
        callback()


def known_request(environ: Mapping[str, str] | None = None) -> Request | None:
    """The visitor's request if this kernel already has it (started for the visitor), else None (preheated)."""
    env = os.environ if environ is None else environ
    return None if preheated(env) else from_environ(env)


def on_request(
    deliver: Callable[[Request], None],
    *,
    while_waiting: Callable[[], None] | None = None,
    on_client: Callable[[str | None], None] | None = None,
    environ: Mapping[str, str] | None = None,
) -> threading.Thread | None:
    """Hand ``deliver`` the visitor's request: now, or (preheated kernel) once it arrives.

    :param deliver: called once with the :class:`Request`; in a preheated kernel on the
        kernel's event loop, after the notebook has finished running and ``while_waiting``
        has returned.  Outside Voilà it is called with an empty request.
    :param while_waiting: run in a thread of its own in a preheated kernel, where nobody
        is waiting yet: the place to load what the first click needs.  Its errors are logged,
        never shown (the app loads what it needs itself, and says so if that fails), and the
        visitor's request waits for it at most :data:`PREFETCH_WAIT_S`.
    :param on_client: called with :attr:`Request.client` the moment the request is read,
        from the waiting thread and before ``deliver`` (which may wait for the prefetch):
        the limits on wrong codes must know who is typing from the first click.
    :returns: the waiting thread (tests join it), or None when ``deliver`` already ran.
    """
    env = os.environ if environ is None else environ
    if not preheated(env):
        req = from_environ(env)
        if on_client is not None:
            on_client(req.client)
        deliver(req)
        return None

    def prefetch() -> None:
        try:
            while_waiting()
        except Exception:  # a failed prefetch only makes the first click slower
            log.exception("preparing for the visitor failed")

    got: list[Request] = []  # the request, once read and the prefetch is over
    read = threading.Event()
    delivered = False

    def deliver_once() -> None:  # on the kernel's thread only: from the loop, or before the page's states
        nonlocal delivered
        if got and not delivered:
            delivered = True
            deliver(got[0])

    def wait() -> None:
        ready = None
        if while_waiting is not None:
            ready = threading.Thread(target=prefetch, name="idpckit-prefetch", daemon=True)
            ready.start()
        try:
            req = wait_for_request()
        except Exception:
            log.exception("could not read the request from Voilà")
            req = None
        if on_client is not None:
            on_client(req.client if req is not None else None)
        if ready is not None:
            ready.join(PREFETCH_WAIT_S)  # a prefetch stuck on a slow disk must not hold the visitor back
        if req is not None:
            got.append(req)
        read.set()
        if req is not None:
            run_on_kernel_loop(deliver_once)
        # A page that never asks for all the states at once (it may ask model by model) still gets what waited.
        timer = threading.Timer(BEFORE_STATES_WAIT_S, run_on_kernel_loop, (_release_after_states,))
        timer.daemon = True
        _timers.append(timer)
        timer.start()

    def before_states() -> None:
        if read.wait(BEFORE_STATES_WAIT_S):
            deliver_once()

    before_widget_states(before_states)
    thread = threading.Thread(target=wait, name="idpckit-wait-for-request", daemon=True)
    thread.start()
    return thread


#: Longest the visitor's request waits for the prefetch to finish.  Waiting usually costs nothing (a
#: ``?code=`` link needs the content the prefetch is reading, and two threads would share one core's
#: worth of Python), but a prefetch stuck on a slow disk or a hung import must not hold the page back:
#: past this the request is applied anyway, well before the page's states are sent
#: (:data:`BEFORE_STATES_WAIT_S`), and what it needs is loaded by the kernel's thread.
PREFETCH_WAIT_S = 3.0

#: How long the page's first request for the widgets' states may wait for the visitor's
#: request to be applied.  Voilà's page gives the kernel 4 s before it asks model by model
#: instead (which then waits behind this one), so a little longer is still safe.
BEFORE_STATES_WAIT_S = 10.0

_before_states: list[Callable[[], None]] = []
_after_states: list[Callable[[], None]] = []
_awaiting_states: list[bool] = []  # [True] in a preheated kernel whose page has not had the widgets' states yet
_timers: list[threading.Timer] = []  # the fallback that releases them if the page never asks (one per page)


def after_widget_states(hook: Callable[[], None]) -> None:
    """Run ``hook`` on the kernel's thread once the page has been sent the widgets' states: now, if it has.

    Why: a ``?code=`` link to a summary makes the summary's chart and files while its page loads,
    and if they are ready before the page asks for the widgets' states they travel in that one
    answer (about 0.8 MB of pictures and base64 files), which the page must read and build before
    it draws anything.  Shown just after it, they follow as updates, and the summary's heading and
    scorecard come first.  Outside a preheated kernel, or once the states are sent, it runs at once.
    """
    if _awaiting_states:
        _after_states.append(hook)
    else:
        hook()


def _release_after_states() -> None:
    """The page has its widgets' states (or will not ask for them at once): run what waited for them."""
    _awaiting_states.clear()
    while _after_states:
        try:
            _after_states.pop(0)()
        except Exception:
            log.exception("showing what waited for the page's states failed")


def before_widget_states(hook: Callable[[], None]) -> None:
    """Run ``hook`` on the kernel's thread just before the page is sent the widgets' states.

    Why: a preheated page is sent to the browser while its kernel is still applying the
    visitor's request (rebuilding the app in the visitor's language, reopening a review).
    A change made after the page fetched the widgets' states but before it had made their
    models is dropped by the browser ("No such comm"), and the page stayed English or on
    the welcome.  Applying the request first, then answering, leaves nothing to drop: every
    later change is a visitor's own.  ipywidgets reads the states in
    ``Widget._handle_control_comm_msg`` (``request_states``); it is wrapped once per kernel.
    """
    try:
        from ipywidgets import Widget
    except ImportError:  # no widgets, no page to answer
        return
    _before_states.append(hook)
    _awaiting_states[:] = [True]
    while _timers:  # an earlier page's fallback (tests build many in one process) must not release this one's
        _timers.pop().cancel()
    if getattr(Widget._handle_control_comm_msg, "_idpckit_wrapped", False):
        return
    original = Widget._handle_control_comm_msg.__func__

    def handle(cls: type, msg: dict) -> None:
        data = (msg.get("content") or {}).get("data") or {}
        if isinstance(data, dict) and data.get("method") == "request_states":
            for run in list(_before_states):
                try:
                    run()
                except Exception:  # the app shows its own errors; the page must still get its states
                    log.exception("applying the visitor's request before the page's states failed")
        original(cls, msg)
        if isinstance(data, dict) and data.get("method") == "request_states":
            _release_after_states()

    handle._idpckit_wrapped = True  # type: ignore[attr-defined]
    Widget._handle_control_comm_msg = classmethod(handle)  # type: ignore[method-assign]

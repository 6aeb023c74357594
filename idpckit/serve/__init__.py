"""Serve the lessons and apps as web pages with Voilà, with no code in sight.

``idpckit serve`` runs Voilà (0.5) in this process on the notebooks folder, with:

* an **index page** at ``/`` listing the apps and lessons from their metadata
  (:mod:`idpckit.catalog`); it replaces Voilà's file-tree page, which shows bare file
  names, and costs no kernel;
* the **"idpckit" page template**: Voilà's ``lab`` template without its render-blocking
  CDN stylesheet (Voilà's bundle already ships Font Awesome) and with a link back to
  the index; sources stripped, tracebacks hidden, light theme, no per-visitor
  template/theme override;
* **preheated kernels for the apps only**: a pool of one kernel that has already run the
  notebook, so the first visitor's page is served at once.  Voilà would otherwise keep a
  pool for *every* notebook in the folder, lessons included, each costing a kernel's
  memory while idle.  The pool is refilled ``FILL_DELAY_S`` after use, so the refill does
  not compete with the page the visitor is loading, and a visitor only takes a pooled
  kernel that is ready (Voilà would make the next one wait for the pending refill);
* **kernel culling**: Voilà 0.5 does not stop a kernel when its tab closes unless the
  browser holds an ``_xsrf`` cookie (voila#1458); the index and every rendered page set
  that cookie, and kernels left without a connection are culled after
  ``CULL_IDLE_S`` anyway;
* **limits**: websocket messages (hence uploads through a FileUpload widget) up to
  ``WS_MAX_MESSAGE_BYTES``, request bodies up to ``MAX_BODY_BYTES``, cells that run
  longer than ``CELL_TIMEOUT_S`` are stopped;
* ``IDPCKIT_STORE`` set for the kernels, so every app saves to the store chosen here.

Security: Voilà's kernel websocket only lets the page send widget (comm) messages, never
``execute_request``, so nothing a visitor types runs as code; each page has its own
kernel, reachable only through its unguessable id; notebooks themselves are never served
as files.
"""

from __future__ import annotations

import html
import json
import os
import re
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__, catalog
from ..i18n import N_, _, ngettext
from ..text import esc
from . import capacity, guards, kernels

if TYPE_CHECKING:  # pragma: no cover
    from traitlets.config import Config

DEFAULT_PORT = 8866
DEFAULT_HOST = "127.0.0.1"
#: Kernels kept ready for each app (kind "app"); lessons get none.
POOL_SIZE = 1
#: Seconds between a visitor taking a preheated kernel and the pool starting a new one.
FILL_DELAY_S = 10.0
#: How often to look for, and after how long to stop, kernels with no page connected.
CULL_INTERVAL_S = 60
CULL_IDLE_S = 300
#: Largest websocket message: an upload travels as one message (assessment files are <= 2 MB).
WS_MAX_MESSAGE_BYTES = 8 * 1024 * 1024
#: Largest HTTP request body (Voilà only receives tiny POSTs: the tab-close beacon, a login form).
MAX_BODY_BYTES = 1024 * 1024
# A request's headers must arrive whole within this time, and a kept-alive connection that sends
# nothing for this long is closed: tornado's default (an hour) let a visitor who dribbles one byte
# every few seconds (slow-loris) hold a connection, and with enough of them the server's files.
# Headers are about a kilobyte: even a weak mobile link sends them in well under a second.
HEADER_TIMEOUT_S = 30
#: A cell running longer than this is stopped, so a stuck page cannot hold a kernel forever.
CELL_TIMEOUT_S = 120
#: Kernel start-up allowance: 30 pages opened at once on 2 cores take a while.
KERNEL_STARTUP_TIMEOUT_S = 120
THEME = "light"
TEMPLATE = "idpckit"
#: Holds voila/templates/idpckit; prepended to JUPYTER_PATH so Voilà finds the template.
SHARE = Path(__file__).resolve().parent / "_voila" / "share"
INDEX_TEMPLATE = Path(__file__).resolve().parent / "_voila" / "index.html"
TITLE = N_("The 2019 Ministerial Segment: lessons and exercises")


#: How often the watchdog looks at the kernels (unclaimed ones, memory).
WATCH_INTERVAL_S = 5
#: A pool refill waits at most this long for the pages being loaded to connect to their kernels.
REFILL_WAIT_S = 120
#: A page sent with a kernel counts as loading while its browser made a request this recently
#: (a page booting fetches its scripts, styles and widget modules one after another).
LOADING_QUIET_S = 10.0
#: The page's kernel id, as Voilà writes it into the page's configuration (jupyter-config-data).
KERNEL_IN_PAGE = re.compile(r'"kernelId": "([0-9a-f-]{36})"')


class ServeError(RuntimeError):
    """A problem that stops the server from starting, in plain words."""


@dataclass
class Options:
    """What ``idpckit serve`` was asked for."""

    port: int = DEFAULT_PORT
    host: str = DEFAULT_HOST
    store: str | None = None
    open_browser: bool = True
    preheat: bool = True
    root: Path | None = None  # the notebooks folder; default catalog.notebooks_dir()
    allow_hosts: tuple[str, ...] = ()  # extra Host names to answer to (a room's LAN name)
    room_size: int | None = None  # kernels kept ready per app; None: POOL_SIZE
    max_kernels: int | None = None  # live kernels at most; None: from the machine's memory
    kernel_memory_mb: int = capacity.KERNEL_MEMORY_CAP_MB
    unclaimed_kernel_s: float = capacity.UNCLAIMED_KERNEL_S
    trusted_proxies: tuple[str, ...] = ()  # proxies whose X-Forwarded-For names the visitor (e.g. 127.0.0.1)


def preheated(entries: list[catalog.Entry], preheat: bool = True) -> list[str]:
    """Notebooks that get a pool of ready kernels: the apps visitors open most.

    Lessons never do (a pool per lesson would hold a kernel's memory per lesson all day),
    nor apps whose metadata says ``"preheat": false``.
    """
    return [e.name for e in entries if e.kind == "app" and e.preheat] if preheat else []


def pool_size(opts: Options) -> int:
    """Kernels kept ready for each app: ``--room-size``, else :data:`POOL_SIZE`."""
    return POOL_SIZE if opts.room_size is None else opts.room_size


def voila_config(opts: Options, entries: list[catalog.Entry]) -> Config:
    """The whole Voilà configuration, as one traitlets ``Config`` (tests inspect it)."""
    from traitlets.config import Config

    root = catalog.notebooks_dir(opts.root)
    c = Config()
    c.Voila.root_dir = str(root)
    c.Voila.ip = opts.host
    c.Voila.port = opts.port
    c.Voila.port_retries = 0  # never silently move to another port: the printed URL must be right
    c.Voila.open_browser = opts.open_browser
    c.Voila.tornado_settings = {"websocket_max_message_size": WS_MAX_MESSAGE_BYTES}

    c.VoilaConfiguration.template = TEMPLATE
    c.VoilaConfiguration.theme = THEME
    c.VoilaConfiguration.strip_sources = True
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.allow_template_override = "NO"
    c.VoilaConfiguration.allow_theme_override = "NO"
    # The server writes the visitor's address into this header (guards.client_address); Voilà
    # passes it to the page's kernel, fresh or preheated, as HTTP_X_IDPCKIT_CLIENT.  The kernel
    # reads the visitor's language from ?lang=, else from Accept-Language (serve/request.py).
    c.VoilaConfiguration.http_header_envs = [guards.CLIENT_HEADER, "Accept-Language"]

    pooled = preheated(entries, opts.preheat)
    c.VoilaConfiguration.preheat_kernel = bool(pooled)
    if pooled:
        c.VoilaConfiguration.default_pool_size = 0
        c.VoilaKernelManager.kernel_pools_config = {
            "default": {"pool_size": 0},
            **{name: {"pool_size": pool_size(opts)} for name in pooled},
        }
        c.VoilaKernelManager.fill_delay = FILL_DELAY_S

    # Kernels talk to the server over Unix sockets named after their id, not TCP ports: a port picked
    # free can be taken by another program before the kernel binds it (on a busy machine a pooled
    # kernel then died at start with "Address already in use", and its visitor got a blank page).
    c.KernelManager.transport = "ipc"
    # Voilà makes their folder with mkdtemp("voila_") in TMPDIR; a deep TMPDIR would make the
    # socket paths too long (idpckit.serve.kernels), and every page would fail.
    if not kernels.ipc_fits(os.path.join(tempfile.gettempdir(), "voila_XXXXXXXX")):
        c.Voila.connection_dir_root = str(kernels.RUNTIME_ROOT)

    c.MappingKernelManager.cull_interval = CULL_INTERVAL_S
    c.MappingKernelManager.cull_idle_timeout = CULL_IDLE_S
    c.MappingKernelManager.cull_connected = False  # an open tab keeps its kernel, however long the trainee thinks
    c.MappingKernelManager.allow_tracebacks = False  # the log keeps them; the page gets plain words
    c.MappingKernelManager.traceback_replacement_message = guards.TRACEBACK_WORDS
    c.VoilaExecutor.timeout = CELL_TIMEOUT_S
    # After a cell finishes, nbclient waits only iopub_timeout (4 s) for its output; on a busy
    # server the widget arrives later and the page stays blank.  Wait as long as a cell may run.
    c.VoilaExecutor.iopub_timeout = CELL_TIMEOUT_S
    c.VoilaExecutor.startup_timeout = KERNEL_STARTUP_TIMEOUT_S
    return c


#: The app a trainee lands in from the index page's "Join a workshop" box (with ``?room=CODE``).
JOIN_APP = "self-assessment.ipynb"


#: The index page's compiled template and the stamp of its file when it was compiled (see :func:`_index_template`).
_INDEX_COMPILED: dict[str, tuple[tuple[int, int], Any]] = {}


def _index_template() -> Any:
    """The index page's Jinja template, compiled once per process (again only if its file changes).

    Compiling it took ~100 ms of the server's one core, on every visit to the index page: a
    room of 30 opening the index at once queued 3 s of compiling.  The template's words are
    looked up at render time (the gettext callables read the language in use), so one compiled
    template serves every language.
    """
    import jinja2

    from .. import i18n

    st = INDEX_TEMPLATE.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _INDEX_COMPILED.get("index")
    if cached is not None and cached[0] == stamp:
        return cached[1]
    env = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True, extensions=["jinja2.ext.i18n"]
    )
    env.install_gettext_callables(i18n._, i18n.ngettext, newstyle=True)
    env.policies["ext.i18n.trimmed"] = True
    template = env.from_string(INDEX_TEMPLATE.read_text(encoding="utf-8"))
    _INDEX_COMPILED["index"] = (stamp, template)
    return template


def index_html(scan: catalog.Scan, base_url: str = "/", lang: str = "en", asked: bool = False) -> str:
    """The index page in ``lang``: a language switch, "Start here" (the first lesson), the apps, a box to join a
    workshop's room, then the lessons with summaries, objectives and times.

    In ``lang`` each lesson links its translation where ``notebooks/<lang>/`` has one
    (:func:`idpckit.catalog.in_language`), and a language whose lessons are not translated
    (Russian) says that they are in English; the page's own words come from idpckit.po.
    Every link carries ``?lang=`` so the page it opens speaks the same language (unless the
    page is in English without being asked: then the pages opened follow the browser too).
    """
    from .. import data, i18n, lesson_i18n

    template = _index_template()
    lang = i18n.normalise(lang) or "en"
    entries = catalog.in_language(scan, lang)
    lessons = [e for e in entries if e.kind == "lesson"]
    total = sum(e.minutes for e in lessons)
    with i18n.language(lang):
        english = [e for e in lessons if e.lang == "en"] if lang != "en" else []
        if english and lang not in lesson_i18n.LESSON_LANGUAGES:
            lessons_note = i18n._("The lessons are in English; the exercises and the apps speak your language.")
        elif english:
            lessons_note = i18n._("Some lessons are not translated yet; they open in English.")
        else:
            lessons_note = ""
    try:
        n_commitments = len(data.load().commitments)
    except data.DataError:
        n_commitments = 13
    query = f"?lang={lang}" if asked or lang != "en" else ""
    with i18n.language(lang):
        return template.render(
            title=i18n._(TITLE),
            lang=lang,
            languages=[(code, i18n.NAMES[code]) for code in i18n.LANGUAGES],
            query=query,
            base_url=base_url if base_url.endswith("/") else base_url + "/",
            apps=[e for e in entries if e.kind == "app" and e.audience == "everyone"],
            join_url=next((e.url for e in scan.entries if e.name == JOIN_APP), None),
            lessons=lessons,
            start=next((e for e in lessons if e.order == 0 and e.audience == "everyone"), None),
            lessons_note=lessons_note,
            problems=scan.problems,
            total=f"{total // 60} h {total % 60:02d} min" if total >= 60 else f"{total} min",
            teaching=sum(e.teaching for e in lessons),
            exercises=sum(e.exercises for e in lessons),
            n_commitments=n_commitments,
            root=str(scan.root),
            version=__version__,
        )


def page_language(handler: Any) -> str:
    """The language of the page a handler answers: ``?lang=``, else the browser's ``Accept-Language``, else English."""
    from .. import i18n

    try:
        asked = handler.get_query_argument("lang", None)
    except Exception:  # not UTF-8: as if not asked
        asked = None
    return i18n.choose(asked, handler.request.headers.get("Accept-Language"))


#: The English words of the idpckit Voilà template, translated as each page is sent (see :func:`localise_page`).
TEMPLATE_WORDS = (N_("Preparing your page…"), N_("All lessons and exercises"), N_("Kit"))

#: What the template says next to a text box when a paste is over the box's limit (item 5 of index.html.j2);
#: the page fills in ``{n}`` and ``{max}``, written the visitor's way (``toLocaleString`` in ``<html lang>``).
MAXLEN_WORDS = N_(
    "This text has {n} characters; this box holds at most {max}. Shorten it: until then, "
    "this change is not saved (what was saved before is kept)."
)


def localise_page(chunk: str, lang: str, html_lang: str | None = None) -> str:
    """A chunk of a rendered Voilà page with its ``<html lang>`` and the template's own words in ``lang``.

    Why here and not in the template: a preheated kernel's page is rendered before anyone
    asks for it, so the template cannot know the visitor's language; the handler that sends
    the page does.  Only the template's fixed words are replaced, so a notebook's text that
    happens to hold them is left alone unless it matches exactly, tag and all.
    ``html_lang`` is the language the page's content is in, when it is not ``lang``: an
    English lesson opened from a Russian index keeps ``<html lang="en">`` for its prose
    (see :func:`content_language`).
    """
    from .. import i18n

    html_lang = html_lang or lang
    if html_lang != "en":
        chunk = chunk.replace('<html lang="en">', f'<html lang="{html_lang}">', 1)
    if lang == "en":
        return chunk
    with i18n.language(lang):
        preparing, back, kit = (i18n._(words) for words in TEMPLATE_WORDS)
        chunk = chunk.replace('var words = "Preparing your page\\u2026";', f"var words = {json.dumps(preparing)};")
        chunk = chunk.replace("&larr; All lessons and exercises</a>", f"&larr; {esc(back)}</a>")
        chunk = chunk.replace(
            '<nav class="idpckit-nav" aria-label="Kit">', f'<nav class="idpckit-nav" aria-label="{esc(kit)}">'
        )
        chunk = chunk.replace(
            f"var words = {json.dumps(MAXLEN_WORDS)};", f"var words = {json.dumps(i18n._(MAXLEN_WORDS))};"
        )
        if html_lang == lang:  # an app, or a lesson in the visitor's language: its tab says so too
            chunk = TAB_TITLE.sub(lambda m: f"<title>{esc(i18n._(html.unescape(m.group(1))))} · idpckit</title>", chunk)
    return chunk


#: The browser tab's title the kit's template writes (``index.html.j2``): the notebook's title, then the kit's name.
TAB_TITLE = re.compile(r"<title>([^<]*) · idpckit</title>")


#: Most characters of a page's start held back while its ``<html>`` tag is not whole (see :class:`PageLocaliser`).
HOLD_CHARS = 64 * 1024


class PageLocaliser:
    """Puts a Voilà page into the visitor's language as it is sent, chunk by chunk (:func:`localise_page`).

    Why the start is held back: a page rendered for a fresh kernel is streamed in the pieces
    Jinja renders, and the lab template's ``<html lang="{{ resources.language_code }}">``
    comes as three of them (``<html lang="``, ``en``, ``">``), so no single chunk holds the
    tag to replace.  A preheated kernel's page comes joined, so the page's language used to
    depend on whether a pooled kernel was free (the browser tests in Spanish and Russian
    failed by turns).  Nothing is held once the tag is whole, or after :data:`HOLD_CHARS`.
    """

    def __init__(self, lang: str, html_lang: str | None = None) -> None:
        self.lang, self.html_lang = lang, html_lang or lang
        self._held: list[str] = []
        self._size = 0
        self._open = self.lang == "en" and self.html_lang == "en"  # nothing to change: nothing held

    @property
    def needed(self) -> bool:
        """Whether this page changes at all (an English page of English content is sent as it is)."""
        return not (self.lang == "en" and self.html_lang == "en")

    def feed(self, text: str) -> str:
        """What to send now for ``text``: the chunk localised, or nothing while the page's start is held."""
        if self._open:
            return localise_page(text, self.lang, self.html_lang) if self.needed else text
        self._held.append(text)
        self._size += len(text)
        head = "".join(self._held)
        start = head.find("<html")
        if (start >= 0 and head.find(">", start) >= 0) or self._size > HOLD_CHARS:
            return self.release()
        self._held, self._size = [head], len(head)
        return ""

    def release(self) -> str:
        """Whatever is held, localised (at the end of the page, or once the tag is whole)."""
        head = "".join(self._held)
        self._held, self._size, self._open = [], 0, True
        return localise_page(head, self.lang, self.html_lang) if head else ""

    def drop(self) -> None:
        """Forget what is held (the handler cleared its output to send an error page instead)."""
        self._held, self._size, self._open = [], 0, True


def content_language(notebook: Path) -> str | None:
    """The language a lesson page's content is written in (its metadata ``idpckit.lang``, else English).

    None for an app, and for a file that is no kit notebook: an app is built in its visitor's
    language (:mod:`idpckit.apps`), so its page declares that one.
    """
    try:
        entry = catalog.read_entry(notebook)
    except (OSError, ValueError):
        return None
    return (entry.lang or "en") if entry.kind == "lesson" else None


def absolute_store(url: str) -> str:
    """The store URL with any relative SQLite path made absolute.

    Kernels run with the notebook's folder as working directory, so a relative
    ``reviews.sqlite`` would name a different file in the kernels than here.
    """
    if "://" not in url:
        return str(Path(url).expanduser().resolve())
    if url.startswith("sqlite"):
        from sqlalchemy.engine import make_url

        u = make_url(url)
        if u.database and u.database != ":memory:" and not u.database.startswith("file:"):
            path = Path(u.database).expanduser()
            if not path.is_absolute():
                return u.set(database=str(path.resolve())).render_as_string(hide_password=False)
    return url


def display_store(url: str) -> str:
    """The store URL for printing, without a password."""
    if "://" not in url:
        return url
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("://", 1)[0] + "://..."


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def urls(host: str, port: int) -> list[str]:
    """Addresses to print: the local one, plus this machine's LAN address when serving a room."""
    if host in ("0.0.0.0", "", "::"):
        out = [f"http://127.0.0.1:{port}/"]
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect(("192.0.2.1", 9))  # UDP connect sends nothing; it picks the outgoing interface
                lan = s.getsockname()[0]
            if not lan.startswith("127."):
                out.append(f"http://{lan}:{port}/")
        except OSError:
            pass
        return out
    shown = f"[{host}]" if ":" in host else host
    return [f"http://{shown}:{port}/"]


def drop_dead(pools: dict[str, list[Any]], notebook: str | None, alive: Any) -> int:
    """Remove from ``notebook``'s pool the started kernels that have died since; returns how many.

    Voilà hands out the first pooled kernel whatever its state, and a kernel that died in the
    pool (killed for memory, or failed to bind at start) would give its visitor a page that
    never draws.  ``alive(kernel_id)`` says whether the kernel manager still runs it.
    """
    pool = pools.get(notebook or "", [])
    dead = [
        t
        for t in pool
        if t.done() and not t.cancelled() and t.exception() is None and not alive(t.result().get("kernel_id"))
    ]
    for task in dead:
        pool.remove(task)
    return len(dead)


def pool_ready(pools: dict[str, list[Any]], notebook: str | None) -> bool:
    """Whether the next preheated kernel for ``notebook`` has started (not a pending refill).

    ``pools`` is Voilà 0.5's ``VoilaKernelManager._pools``: per notebook, a list of asyncio
    tasks, each resolving once a kernel has started and begun running the notebook.
    """
    pool = pools.get(notebook or "", [])
    if not pool:
        return False
    first = pool[0]
    return first.done() and not first.cancelled() and first.exception() is None


class Limits:
    """The server's limits on kernels, and the watchdog that enforces them.

    * ``max_kernels``: live kernels at most; a visitor beyond it gets the "server is full"
      page that retries by itself (a pooled kernel that is ready is always handed out);
    * kernels whose page never connected (a bare GET, a tab closed while loading) are
      stopped after ``unclaimed_s`` idle seconds instead of Voilà's five minutes.  While
      the visitor's browser is still fetching the page's files, the page is loading, not
      abandoned: the clock starts again at each request from the address the kernel was
      handed to (:meth:`saw`).  A room of 30 pages booting Voilà's front end at once on
      two cores takes minutes to connect, and a fixed 60 s stopped every one of their
      kernels before their page asked for it: 30 blank pages.  A bare GET fetches nothing
      more, so its kernel is still stopped ``unclaimed_s`` later;
    * a pool refill waits while pages are loading (:meth:`loading`, :meth:`pace`);
    * a kernel whose memory grows past ``kernel_memory_mb`` is stopped (the log says which).

    ``clock`` is the monotonic clock all the bookkeeping reads (a test can pass its own).
    """

    def __init__(
        self,
        max_kernels: int = 10_000,
        kernel_memory_mb: int = capacity.KERNEL_MEMORY_CAP_MB,
        unclaimed_s: float = capacity.UNCLAIMED_KERNEL_S,
        loading_quiet_s: float = LOADING_QUIET_S,
        clock: Any = time.monotonic,
    ) -> None:
        self.max_kernels = max_kernels
        self.kernel_memory_mb = kernel_memory_mb
        self.unclaimed_s = unclaimed_s
        self.loading_quiet_s = loading_quiet_s
        self.clock = clock
        self.kernel_manager: Any = None
        self.connected: set[str] = set()  # kernels a page has connected to, ever
        self._handed_out: dict[str, float] = {}  # kernel -> when first seen outside the pool
        self.visitor_of: dict[str, str] = {}  # kernel -> the address its page was sent to
        self._last_seen: dict[str, float] = {}  # address -> its last request that was not a page render
        self._sent: dict[str, float] = {}  # kernel -> when the last part of its page was sent

    def handed(self, kernel_id: str, address: str) -> None:
        """A part of the page carrying ``kernel_id`` was sent to ``address`` (its later requests keep the kernel)."""
        self.visitor_of[kernel_id] = address
        self._sent[kernel_id] = self.clock()

    def saw(self, address: str, path: str) -> None:
        """A request from ``address``: the page's files, its kernel's API, anything but a new page render.

        A render does not count: a visitor opening page after page without loading any
        must not keep their earlier, abandoned kernels alive by doing so.
        """
        if "/voila/render/" not in path:
            self._last_seen[address] = self.clock()

    def loading(self) -> int:
        """Pages sent with a kernel, not connected to it yet, whose browser is still fetching for them.

        A page counts while its page or a request from its visitor's address came less than
        ``loading_quiet_s`` ago: a page booting asks for file after file until it connects.
        A bare GET, or a tab closed while loading, asks for nothing more; counting it until
        the watchdog stopped its kernel (a minute) or for the refill's whole
        :data:`REFILL_WAIT_S` gave the visitors after it fresh, slow kernels instead of
        preheated ones.
        """
        ids = set(self.kernel_manager.list_kernel_ids()) if self.kernel_manager is not None else set()
        now = self.clock()
        return sum(
            1
            for kid, sent in self._sent.items()
            if kid in ids and kid not in self.connected and self.quiet_for(kid, sent, now) < self.loading_quiet_s
        )

    def pace(self, initialize: Any) -> Any:
        """Voilà's ``_initialize`` (start a pool kernel, run its notebook), one at a time, after the room has loaded.

        Voilà refills a pool ``fill_delay`` after each kernel is taken, all at once: a room
        of 30 taking 30 kernels started 30 more ten seconds later, each importing pandas,
        matplotlib and the app (about 3 CPU seconds), on the cores the 30 pages were booting
        on.  Here a refill first waits (up to :data:`REFILL_WAIT_S`) while pages that were
        sent are still loading (:meth:`loading`), then runs alone: the next starts when this one's
        notebook has run.  On two cores one refill uses one core at most.
        """
        import asyncio
        import os

        gate = asyncio.Semaphore(max(1, (os.cpu_count() or 2) - 1))

        async def paced(*args: Any, **kwargs: Any) -> Any:
            km = self.kernel_manager
            deadline = self.clock() + REFILL_WAIT_S
            while self.loading() and self.clock() < deadline:
                await asyncio.sleep(1)
            await gate.acquire()
            if km is not None and not getattr(km, "_pools", True):  # shutting down: start nothing
                gate.release()
                raise RuntimeError("the server is stopping")
            try:
                content = await initialize(*args, **kwargs)
            except BaseException:
                gate.release()
                raise
            content["task"].add_done_callback(lambda _task: gate.release())
            return content

        return paced

    def quiet_for(self, kernel_id: str, since: float, now: float) -> float:
        """Seconds since the kernel was handed out, or since its visitor's last request if later."""
        seen = self._last_seen.get(self.visitor_of.get(kernel_id, ""))
        return now - max(since, seen) if seen is not None else now - since

    def live(self) -> int:
        return len(self.kernel_manager.list_kernel_ids()) if self.kernel_manager is not None else 0

    def full(self) -> bool:
        return self.live() >= self.max_kernels

    def pooled(self) -> set[str]:
        """Kernels waiting in Voilà's pools (not handed to a visitor yet)."""
        out: set[str] = set()
        for tasks in getattr(self.kernel_manager, "_pools", {}).values():
            for task in tasks:
                if task.done() and not task.cancelled() and task.exception() is None:
                    out.add(task.result().get("kernel_id"))
        return out

    async def watch(self) -> None:
        """One round of the watchdog (a tornado PeriodicCallback runs it)."""
        import logging

        log = logging.getLogger("idpckit.serve")
        km = self.kernel_manager
        if km is None:
            return
        now = self.clock()
        pools = getattr(km, "_pools", None)
        if isinstance(pools, dict):  # a pooled kernel that died is replaced before a visitor gets it
            for notebook in list(pools):
                if drop_dead(pools, notebook, lambda kid: kid in km):
                    log.warning("Dropped dead kernels from the pool of %s; starting others", notebook)
                    km.fill_if_needed(notebook_name=notebook)
        pooled = self.pooled()
        ids = list(km.list_kernel_ids())
        for kid in [k for k in self._handed_out if k not in ids]:
            self._handed_out.pop(kid, None)
            self.connected.discard(kid)
            self.visitor_of.pop(kid, None)
            self._sent.pop(kid, None)
        for address in [a for a, t in self._last_seen.items() if now - t > self.unclaimed_s]:
            del self._last_seen[address]  # too long ago to matter: the table stays small
        for kid in ids:
            if kid in pooled:
                continue
            since = self._handed_out.setdefault(kid, now)
            reason = None
            try:
                kernel = km.get_kernel(kid)
            except KeyError:
                continue
            if kid not in self.connected and getattr(kernel, "execution_state", "") == "idle":
                idle = self.quiet_for(kid, since, now)
                last = getattr(kernel, "last_activity", None)
                if last is not None:
                    import datetime as dt

                    idle = min(idle, (dt.datetime.now(dt.UTC) - last).total_seconds())
                if idle > self.unclaimed_s:
                    reason = f"no page connected to it for {idle:.0f} s"
            if reason is None:
                rss = _kernel_rss_mb(kernel)
                if rss is not None and rss > self.kernel_memory_mb:
                    reason = f"it grew to {rss:.0f} MB (the limit is {self.kernel_memory_mb} MB)"
            if reason:
                log.warning("Stopping kernel %s: %s", kid, reason)
                try:
                    await km.shutdown_kernel(kid, now=True)
                except Exception:  # already gone
                    log.debug("kernel %s was already gone", kid, exc_info=True)


def _kernel_rss_mb(kernel: Any) -> float | None:
    """The resident memory of a local kernel process, in MB (None if unknown)."""
    import psutil

    pid = getattr(getattr(kernel, "provisioner", None), "pid", None)
    if pid is None:
        return None
    try:
        return psutil.Process(pid).memory_info().rss / 1e6
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def _app_class(
    allowed: frozenset[str] = frozenset(guards.LOCAL_NAMES),
    listen_host: str = DEFAULT_HOST,
    limits: Limits | None = None,
    trusted: guards.Networks = (),
) -> type:
    """Voilà's application with the kit's pages and refusals (imports Voilà, so deferred).

    ``allowed``: the Host names to answer to (:func:`guards.allowed_hosts`); ``limits``:
    the cap on kernels and their memory, enforced by a watchdog every few seconds;
    ``trusted``: the proxies whose ``X-Forwarded-For`` names the visitor.
    """
    limits = limits or Limits()
    import functools
    import logging

    from jupyter_server.base.handlers import JupyterHandler
    from jupyter_server.utils import url_path_join
    from tornado import web
    from tornado.websocket import WebSocketHandler
    from voila.app import Voila
    from voila.request_info_handler import RequestInfoSocketHandler
    from voila.static_file_handler import AllowListFileHandler, MultiStaticFileHandler, TemplateStaticFileHandler
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    from .. import i18n

    kernels.install_renderer()  # a page whose kernel dies at start ends in words, not a hang
    log = logging.getLogger("idpckit.serve")

    def plain_write_error(self: web.RequestHandler, status_code: int, **kwargs: Any) -> None:
        # Jupyter's error templates need a static path Voilà does not set: every error page
        # became a 500 with a traceback in the log.  Visitors get words; the log keeps the detail.
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(guards.error_page(status_code, self.settings.get("base_url", "/"), lang=page_language(self)))

    class PlainErrors:
        """Mixin: error pages in plain words."""

        write_error = plain_write_error

    class IndexHandler(PlainErrors, JupyterHandler):
        """``/``: the list of apps and lessons (instead of Voilà's file tree)."""

        def initialize(self, root: str) -> None:
            self.root = root

        @web.authenticated
        def get(self) -> None:
            # Setting the _xsrf cookie lets Voilà's tab-close beacon shut the page's kernel down.
            _ = self.xsrf_token
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-cache")
            self.set_header("Vary", "Accept-Language")
            lang = page_language(self)
            asked = "lang" in self.request.query_arguments
            self.finish(index_html(catalog.scan(self.root), base_url=self.base_url, lang=lang, asked=asked))

    class LogoutHandler(PlainErrors, JupyterHandler):
        """``/logout``: there are no accounts to leave (Jupyter's own page fails in Voilà)."""

        def get(self) -> None:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            lang = page_language(self)
            with i18n.language(lang):
                words = i18n._("The workshop pages need no account. Close this tab when you are done.")
                title = i18n._("There is nothing to sign out of")
            self.finish(guards.message_page(title, words, self.base_url, lang=lang))

    class RefusedHost(PlainErrors, web.RequestHandler):
        """Any request whose Host header is not one this server was started for."""

        def prepare(self) -> None:
            log.warning("Refused a request for host %r (not in the allowed names)", self.request.host)
            raise web.HTTPError(421)

    class TemplateFiles(TemplateStaticFileHandler):
        """Voilà's template files; a malformed or unknown template path is a 404, not a 500."""

        write_error = plain_write_error

        def parse_url_path(self, path: str) -> str:
            try:
                return super().parse_url_path(path)
            except Exception:
                raise web.HTTPError(404) from None

        @classmethod
        def get_absolute_path(cls, root: str, path: str) -> str:
            # Voilà asserts the path still reads <template>/static/<file> once normalised: a path that
            # climbs out of it (static/../../etc/passwd) failed that assertion, a 500 with a traceback.
            try:
                return super().get_absolute_path(root, path)
            except Exception:
                raise web.HTTPError(404) from None

    class StaticFiles(MultiStaticFileHandler):
        """Voilà's own scripts and styles; a refused path is a page in words, not Tornado's bare one."""

        write_error = plain_write_error

    class NotebookFiles(AllowListFileHandler):
        """Files next to the notebooks (images); a refused or missing one is a page in words."""

        write_error = plain_write_error

    class RenderHandler(TornadoVoilaHandler):
        """``/voila/render/<nb>``: Voilà's page, plus the ``_xsrf`` cookie (see IndexHandler).

        Also: take a preheated kernel only when one is ready.  Voilà counts the pending
        refill as pool content, so in a burst the second visitor would wait ``fill_delay``
        plus a kernel start for it; a fresh kernel starts at once instead.

        An address that names no notebook (``/voila/render/no-such-lesson.ipynb``) gets
        the kit's own 404 page in words: Jupyter's error template, which Voilà cannot
        render, would turn it into a 500.
        """

        write_error = plain_write_error

        async def prepare(self) -> None:
            result = super().prepare()
            if result is not None:
                await result
            _ = self.xsrf_token

        async def get(self, path: str | None = None) -> None:
            self._idpckit_path = path
            if limits.full() and not self._pooled_kernel_ready(path):
                log.warning("Server full (%d kernels): asked %s to retry", limits.max_kernels, path)
                self.set_status(503)
                self.set_header("Retry-After", str(capacity.RETRY_S))
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.set_header("Cache-Control", "no-store")
                refresh = f'<meta http-equiv="refresh" content="{capacity.RETRY_S}">'
                lang = page_language(self)
                with i18n.language(lang):
                    words = i18n._(
                        "Every seat is taken for now. This page tries again by itself in {seconds} seconds; "
                        "keep it open. What you saved is safe."
                    ).format(seconds=capacity.RETRY_S)
                    title = i18n._("The workshop server is full")
                self.finish(guards.message_page(title, words, self.base_url, head=refresh, lang=lang))
                return
            self._pooled_kernel_ready(path)  # drops dead pooled kernels before Voilà hands one out
            root = getattr(self.contents_manager, "root_dir", None) or "."
            content = content_language(Path(root) / (path or "")) if path else None
            self._idpckit_page = PageLocaliser(page_language(self), content)
            await super().get(path=path)

        def write(self, chunk: Any) -> Any:
            if not getattr(self, "_idpckit_kernel", None) and isinstance(chunk, str | bytes):
                text = chunk.decode("utf-8", "replace") if isinstance(chunk, bytes) else chunk
                found = KERNEL_IN_PAGE.search(text)
                if found:  # the page's kernel, fresh or preheated: its visitor's requests keep it while loading
                    self._idpckit_kernel = found.group(1)
            if getattr(self, "_idpckit_kernel", None):  # each part of the page sent: still loading
                limits.handed(self._idpckit_kernel, self.request.headers.get(guards.CLIENT_HEADER, ""))
            # The page's <html lang> and the template's words in the visitor's language (see PageLocaliser).
            page = getattr(self, "_idpckit_page", None)
            if page is not None and page.needed and isinstance(chunk, str | bytes):
                chunk = page.feed(chunk.decode("utf-8") if isinstance(chunk, bytes) else chunk)
            return super().write(chunk)

        def clear(self) -> None:
            super().clear()
            page = getattr(self, "_idpckit_page", None)
            if page is not None:
                page.drop()  # an error page replaces the output: the held start of the page is not sent

        def finish(self, chunk: Any = None) -> Any:
            page = getattr(self, "_idpckit_page", None)
            if page is not None:
                rest = page.release()
                if rest:
                    super().write(rest)
            return super().finish(chunk)

        def _pooled_kernel_ready(self, path: str | None) -> bool:
            pools = getattr(self.kernel_manager, "_pools", None)
            if not isinstance(pools, dict):
                return False
            km = self.kernel_manager
            if drop_dead(pools, path, lambda kid: kid in km):
                log.warning("Dropped dead kernels from the pool of %s; starting others", path)
                km.fill_if_needed(notebook_name=path)
            return pool_ready(pools, path)

        def should_use_rendered_notebook(self, *args: Any, **kwargs: Any) -> bool:
            if not super().should_use_rendered_notebook(*args, **kwargs):
                return False
            pools = getattr(self.kernel_manager, "_pools", None)
            return pool_ready(pools, getattr(self, "_idpckit_path", None)) if isinstance(pools, dict) else True

    class KernelSocket(VoilaKernelWebsocketHandler):
        """The page's kernel connection, refusing what would freeze or leak (see serve_guards).

        Only clients that negotiate the v1 protocol (Voilà's page always does) and only
        kernels this server started; every incoming frame is checked before jupyter_server
        parses it; every outgoing one is scrubbed of tracebacks instead of Voilà's unsafe parse.
        """

        write_error = plain_write_error

        def open(self, kernel_id: str, *args: Any, **kwargs: Any) -> Any:
            limits.connected.add(kernel_id)
            return super().open(kernel_id, *args, **kwargs)

        async def get(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
            offered = [p.strip() for p in self.request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
            if guards.V1_PROTOCOL not in offered:
                log.warning("Refused a kernel connection without the %s protocol", guards.V1_PROTOCOL)
                raise web.HTTPError(400, f"Kernel connections must use the {guards.V1_PROTOCOL} protocol")
            if kernel_id not in self.kernel_manager:
                raise web.HTTPError(404)
            await super().get(kernel_id, *args, **kwargs)

        def on_message(self, ws_message: str | bytes) -> None:
            if self.ws_connection is None or self.ws_connection.is_closing() or self.connection is None:
                # Frames read together with a refused one still arrive; jupyter_server would
                # then parse them with the old framing (the socket no longer says v1): drop them.
                return
            problem = guards.incoming_problem(ws_message)
            if problem is not None:
                log.warning("Closed a kernel connection that sent %s (%d bytes)", problem, len(ws_message))
                self.close(1003, "malformed message")
                return
            super().on_message(ws_message)

        def write_message(self, message: Any, binary: bool = False) -> Any:
            if isinstance(message, bytes):
                scrubbed, removed = guards.scrub_outgoing(message)
                if removed:
                    log.warning("Kernel %s: kept from the page: %s", getattr(self, "kernel_id", "?"), removed[:2000])
                if scrubbed is None:
                    return None
                message = scrubbed
            return WebSocketHandler.write_message(self, message, binary)

    class QuerySocket(RequestInfoSocketHandler):
        """Voilà's ``/voila/query/<kernel>`` socket: a preheated page waits there for its URL query.

        Voilà's own handler accepts any id, and on closing a socket whose entry another
        socket replaced it deletes *another* waiter: the next visitor's ``?code=`` link
        then never resumes.  Only kernels this server runs, one waiter each, and a socket
        removes only its own entry.
        """

        write_error = plain_write_error

        async def get(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
            if kernel_id not in self.application.settings["kernel_manager"]:
                raise web.HTTPError(404)
            if kernel_id in RequestInfoSocketHandler._waiters:
                raise web.HTTPError(409)
            await super().get(kernel_id, *args, **kwargs)

        def open(self, kernel_id: str) -> None:
            self._idpckit_kernel = kernel_id
            super().open(kernel_id)

        def on_close(self) -> None:
            kernel_id = getattr(self, "_idpckit_kernel", None)
            if RequestInfoSocketHandler._waiters.get(kernel_id) is self:
                del RequestInfoSocketHandler._waiters[kernel_id]

    replace = {
        TornadoVoilaHandler: RenderHandler,
        VoilaKernelWebsocketHandler: KernelSocket,
        RequestInfoSocketHandler: QuerySocket,
        TemplateStaticFileHandler: TemplateFiles,
        MultiStaticFileHandler: StaticFiles,
        AllowListFileHandler: NotebookFiles,
    }

    class IdpckitVoila(Voila):
        """Voilà with the kit's index page and refusals; everything else is configuration."""

        name = "idpckit-serve"

        def init_handlers(self) -> list[Any]:
            handlers = []
            for handler in super().init_handlers():
                if handler[1] is TornadoVoilaTreeHandler:
                    continue  # the file tree is replaced by the index page
                if handler[0].endswith("/logout"):
                    handler = (handler[0], LogoutHandler, *handler[2:])
                handler = (handler[0], replace.get(handler[1], handler[1]), *handler[2:])
                handlers.append(handler)
            from . import trainer

            index = [
                (self.server_url, IndexHandler, {"root": self.root_dir}),
                (url_path_join(self.server_url, r"/voila/tree.*"), web.RedirectHandler, {"url": self.server_url}),
                *trainer.handlers(self.server_url),  # /trainer/: agenda, notes, handouts, solutions behind the key
            ]
            # Voilà creates the HTTP server in listen() with tornado's defaults (100 MB bodies, an hour for headers).
            self.app.listen = functools.partial(
                self.app.listen, max_body_size=MAX_BODY_BYTES, idle_connection_timeout=HEADER_TIMEOUT_S
            )
            # Every request, pages and websockets alike, first passes the Host check, and
            # carries the visitor's address as the server sees it (never as the visitor says).
            find_handler = self.app.find_handler

            def checked(request: Any, **kwargs: Any) -> Any:
                if not guards.host_allowed(request.headers.get("Host"), allowed, listen_host):
                    return self.app.get_handler_delegate(request, RefusedHost)
                guards.set_client_header(request, trusted)
                limits.saw(request.headers[guards.CLIENT_HEADER], request.path)
                return find_handler(request, **kwargs)

            self.app.find_handler = checked
            self.app.settings["default_handler_class"] = NotFound
            limits.kernel_manager = self.kernel_manager
            if hasattr(self.kernel_manager, "_initialize"):  # preheating: refills paced (Limits.pace)
                self.kernel_manager._initialize = limits.pace(self.kernel_manager._initialize)
            from tornado.ioloop import PeriodicCallback

            self._idpckit_watchdog = PeriodicCallback(limits.watch, WATCH_INTERVAL_S * 1000)
            self._idpckit_watchdog.start()
            return index + handlers

    class NotFound(PlainErrors, JupyterHandler):
        def prepare(self) -> None:
            raise web.HTTPError(404)

    return IdpckitVoila


def serve(opts: Options) -> None:
    """Start Voilà and block until Ctrl+C (or SIGTERM), then shut every kernel down.

    The checks and the start-up lines speak the terminal's language
    (:func:`idpckit.i18n.environment_language`); the server does not keep it: each page
    speaks its visitor's.
    """
    from .. import i18n

    with i18n.language(i18n.environment_language()):
        app, config = _ready(opts)
    app.launch_instance(argv=[], config=config)


def _store_read_only(url: str, *, strict: bool = True) -> bool:
    """Whether the store may only be read; ``strict`` (a ``--store`` given): open it once, here.

    A store this user may not write (an archived workshop's file, a read-only disk) is still
    served: the room dashboard and the trainer pages read it, and the apps refuse saves in words.
    A ``--store`` that cannot be opened stops the server here, in words, rather than on every
    page; a store from the environment is only looked at, not opened.
    """
    try:
        from ..store import Store, may_only_read
    except ImportError:
        return False
    if not strict:
        return may_only_read(url)
    try:
        return Store(url, read_only=True).read_only
    except Exception as exc:
        raise ServeError(
            _("Cannot open the store {store}: {problem}").format(store=display_store(url), problem=exc)
        ) from None


def _ready(opts: Options) -> tuple[Any, Config]:
    """Check ``opts``, print what the server will do, and make the Voilà application and its configuration."""
    scan = catalog.scan(opts.root)
    if not scan.root.is_dir():
        raise ServeError(_("There is no notebooks folder at {folder}.").format(folder=scan.root))
    for problem in scan.problems:
        print(_("idpckit: warning: {problem}").format(problem=problem), file=sys.stderr)
    if not 0 < opts.port < 65536:
        raise ServeError(
            _("{port} is not a port number; use one between 1024 and 65535, e.g. --port 8866.").format(port=opts.port)
        )
    if not port_is_free(opts.host, opts.port):
        raise ServeError(
            _(
                "Port {port} on {host} is already in use (is the kit already running?). "
                "Stop the other server or choose another port, e.g. --port {other}."
            ).format(port=opts.port, host=opts.host, other=opts.port + 1)
        )
    read_only = False
    if opts.store:
        url = absolute_store(opts.store)
        read_only = _store_read_only(url)
        os.environ["IDPCKIT_STORE"] = url
    elif os.environ.get("IDPCKIT_STORE", "").strip():
        os.environ["IDPCKIT_STORE"] = absolute_store(os.environ["IDPCKIT_STORE"].strip())
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(SHARE), os.environ.get("JUPYTER_PATH", "")) if p)

    from .. import content_check

    report = content_check.validate()
    if not report.ok:  # the pages would fail one by one; say why once, here
        print(
            _("idpckit: warning: the content in {folder} has problems (run `idpckit data check`):").format(
                folder=report.root
            ),
            file=sys.stderr,
        )
        for problem in report.problems[:10]:
            print(f"idpckit:   {problem}", file=sys.stderr)

    apps = sum(e.kind == "app" for e in scan.entries)
    lessons = sum(e.kind == "lesson" for e in scan.entries)
    try:
        room = capacity.plan(pool_size(opts), len(preheated(scan.entries, opts.preheat)), opts.max_kernels)
    except capacity.CapacityError as exc:
        raise ServeError(str(exc)) from None
    limits = Limits(room.max_kernels, opts.kernel_memory_mb, opts.unclaimed_kernel_s)
    try:
        trusted = guards.trusted_networks(opts.trusted_proxies)
    except ValueError as exc:
        raise ServeError(_("--trusted-proxy: {problem}.").format(problem=exc)) from None
    serving = _("idpckit: serving {lessons} and {apps} from {folder}").format(
        lessons=ngettext("{n} lesson", "{n} lessons", lessons).format(n=lessons),
        apps=ngettext("{n} app", "{n} apps", apps).format(n=apps),
        folder=scan.root,
    )
    print(serving, file=sys.stderr)
    print(f"idpckit: {room.describe()}", file=sys.stderr)
    store_url = os.environ.get("IDPCKIT_STORE")
    if not store_url:
        try:
            from ..store import default_url

            store_url = default_url()
        except ImportError:
            store_url = None
    if store_url and not opts.store:
        read_only = _store_read_only(store_url, strict=False)
    if store_url and read_only:
        print(
            _(
                "idpckit: the store {store} is read-only: reviews in it can be viewed (the room dashboard, the "
                "trainer pages, a review's resume link), not saved; the self-assessment app tells trainees that "
                "this server cannot save, and they can still download what they typed."
            ).format(store=display_store(store_url)),
            file=sys.stderr,
        )
    elif store_url:
        print(_("idpckit: reviews are saved in {store}").format(store=display_store(store_url)), file=sys.stderr)
    for i, url in enumerate(urls(opts.host, opts.port)):
        words = _("idpckit: open {url}") if i == 0 else _("idpckit: or, from other devices on this network, {url}")
        print(words.format(url=url), flush=True)
    print(_("idpckit: press Ctrl+C to stop the server."), file=sys.stderr, flush=True)

    app = _app_class(guards.allowed_hosts(opts.host, opts.allow_hosts), opts.host, limits, trusted)
    return app, voila_config(opts, scan.entries)

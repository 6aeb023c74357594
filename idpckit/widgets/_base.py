"""Small pieces shared by the kit's widgets: a message area, download links, a grade picker.

Why these exist:

* Voilà hides tracebacks (``show_tracebacks`` is off), so an exception in a
  callback would otherwise vanish and the page would just stop responding.
  :class:`ErrorBox` is where every component says, in plain words, what went
  wrong; :func:`guarded` (and :meth:`ErrorBox.guard`) is the one wrapper that
  turns an error in a callback into such a message, so nothing escapes silently.
* Files written by a Voilà kernel cannot be downloaded (Voilà serves only
  allow-listed files), so downloads are ``data:`` links (:func:`download_link`).
* Grades are never shown by colour alone: :class:`GradePicker` labels every
  button with the grade's words and symbol (from :mod:`idpckit.scales`) and
  gives it a tooltip.

Only ipywidgets and the standard library are imported here, so that a first
screen built from these pieces stays cheap.
"""

from __future__ import annotations

import base64
import functools
import html
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import ipywidgets as w

from .. import scales, style
from ..i18n import N_, _, current, language, ngettext
from ..text import esc

if TYPE_CHECKING:  # pragma: no cover
    from ..assessment import Entry
    from ..data import Content
    from ..store import Store

log = logging.getLogger(__name__)

Kind = Literal["error", "warning", "info", "ok"]
T = TypeVar("T")

#: Symbol and words before each kind of message, so its meaning does not rest on colour.
_KIND_PREFIX: dict[str, tuple[str, str]] = {
    "error": ("✖", N_("Problem:")),
    "warning": ("⚠", N_("Please note:")),
    "info": ("ℹ", ""),
    "ok": ("✔", ""),
}

#: The apps' stylesheet (``templates/widgets.css``), injected once per app through an HTML widget.
STYLE = style.widget_style()
#: The apps' script (``templates/widgets.js``), run once per app by :func:`style_widget`.
SCRIPT = style.widget_script()


_shared: dict[str, Any] = {}  # widgets every app and check of the kernel shows or shares (see shared)
W = TypeVar("W", bound=w.Widget)


def shared(name: str, make: Callable[[], W]) -> W:
    """The kernel's one widget called ``name``, made by ``make`` the first time (and again if closed since).

    Why: a lesson page fetches and builds every widget's model before it draws anything, and each
    HTML widget and button brings a layout and a style model of its own, though nearly all are
    the defaults and never change.  ipywidgets lets widgets share them.  Only a layout or style
    nobody changes may be shared (hiding one widget through it would hide them all).
    """
    got = _shared.get(name)
    if got is None or got.comm is None:
        got = _shared[name] = make()
    return got


def plain_text(value: str = "") -> w.HTML:
    """An HTML widget with ipywidgets' default layout and style, shared with the kernel's others: never hide or restyle it."""
    from ipywidgets.widgets.widget_string import HTMLStyle  # not exported by ipywidgets 8.1

    return w.HTML(value, layout=shared("plain-layout", w.Layout), style=shared("html-style", HTMLStyle))


def style_widget() -> w.Box:
    """The shared stylesheet and script as an invisible box, to put first in an app.

    The stylesheet travels in an HTML widget; the script (:func:`idpckit.style.widget_script`,
    which makes choice buttons a real radio group) in an Output widget, because an HTML
    widget's ``<script>`` never runs (see :class:`PageFocus`).

    One box per kernel, shown by each app and check that asks (a widget may be shown in many
    places): a lesson has up to 17 checks, and each brought its own 15 kB of stylesheet and
    script and six widget models, a quarter of what its page fetched before drawing (lesson 6).
    A box closed since (a test closing every widget) is made again.
    """
    return shared("style-box", _style_box)


def _style_box() -> w.Box:
    hidden = w.Layout(height="0px", margin="0", overflow="hidden")
    script = w.Output(layout=hidden)
    script.outputs = ({"output_type": "display_data", "data": {"application/javascript": SCRIPT}, "metadata": {}},)
    box = w.Box([w.HTML(STYLE, layout=hidden), script], layout=hidden)
    box.add_class("idpc-style")
    return box


def text_limit_class(limit: int) -> str:
    """The CSS class that makes the page itself refuse a text box's value over ``limit`` characters.

    The idpckit Voilà template (``serve/_voila/.../index.html.j2``) stops such a value before
    it is sent to the kernel and says so in words next to the box: a paste of megabytes
    would otherwise exceed the server's websocket message limit, which closes the page's
    connection without a word.  The kernel still checks the limit too (the model's own).
    """
    return f"idpc-maxlen-{int(limit)}"


def full_width(**kwargs: Any) -> w.Layout:
    """A layout that fills its container but never overflows a phone's screen."""
    return w.Layout(**{"width": "100%", "max_width": "100%", **kwargs})


class TextBlocks:
    """Makes a step's HTML widgets sharing one layout and one style: one model each for the page, not three.

    Why: a page opened on a step (a ``?code=`` link to a summary) fetches and builds every
    widget's model before it draws anything, and each widget brings a layout and a style
    model of its own.  ipywidgets lets widgets share them.  Only widgets whose layout is
    never changed may share one (hiding one would hide them all): those that are shown and
    hidden keep their own.
    """

    def __init__(self) -> None:
        from ipywidgets.widgets.widget_string import HTMLStyle  # not exported by ipywidgets 8.1

        self.layout = full_width()
        self.style = HTMLStyle()

    def __call__(self, value: str = "") -> w.HTML:
        return w.HTML(value, layout=self.layout, style=self.style)


def wrap_row(**kwargs: Any) -> w.Layout:
    """A row that wraps onto several lines on a narrow screen."""
    return w.Layout(**{"display": "flex", "flex_flow": "row wrap", "align_items": "center", "width": "100%", **kwargs})


#: Labels wide enough for "Organisation(s)" on a laptop; they wrap above the field on a phone.
DESCRIPTION_STYLE = {"description_width": "11em"}


#: What the self-assessment app tells someone after an unexpected error.
KEEP_ADVICE = N_(
    "What you typed before this is kept. If it happens again, download a JSON copy from the summary "
    "and tell your trainer."
)


#: Held while an app's content is read or its store opened, by the kernel's thread or the prefetch's.
_loading_content = threading.Lock()
_opening_store = threading.Lock()


class LoadsOnFirstUse:
    """The content and the store of an app, loaded when first needed, not when the app is built.

    An app's first screen must come up at once, so reading ``data/`` and opening the
    database (SQLAlchemy) wait until a step needs them, or until the door's ``prefetch``
    runs while a preheated kernel waits. An app may be given either one (tests, rooms);
    it sets ``_content`` and ``_store`` in its ``__init__`` (None: load on first use).
    """

    _content: Content | None = None
    _store: Store | None = None

    @property
    def content(self) -> Content:
        if self._content is None:
            # The prefetch thread may be loading it now: wait for that load rather than make a second
            # Content (steps would hold two copies, and the two cores would read data/ twice).
            with _loading_content:
                if self._content is None:
                    from ..data import load
                    from ..localise import localised

                    # In the page's language (the app's, else the one in use): titles, rubric, help texts.
                    self._content = localised(load(), getattr(self, "language", None) or current())
        return self._content

    @property
    def store(self) -> Store:
        if self._store is None:
            with _opening_store:  # the prefetch thread may be opening it now: one Store, not two
                if self._store is None:
                    from ..store import Store

                    # A store this server may only read (an archived workshop) still shows its reviews and rooms;
                    # a save is then refused by the store, and the apps say so in words (``store.read_only``).
                    self._store = Store(read_only=True)
        return self._store


#: Longest a try of a room code or key waits for the page's request to reach a preheated kernel.
CLIENT_WAIT_S = 15.0


def visitor(app: Any) -> str:
    """Who is trying a room code or key in ``app``: its visitor's address once known.

    A preheated kernel learns its visitor only when the page's request arrives (the door
    sets ``app.client`` then, from another thread, and gives ``app.client_known`` to wait
    for it), so a try made in the first instants waits for it up to :data:`CLIENT_WAIT_S`.
    """
    wait = getattr(app, "client_known", None)
    if wait is not None:
        wait(CLIENT_WAIT_S)
    return app.client


class ErrorBox:
    """A place in the page for messages to the user: errors, warnings, confirmations.

    Messages are plain text and are escaped, so a message that quotes what the
    user typed (a file name, a code) cannot inject markup.  ``role="alert"`` makes
    screen readers announce errors; other kinds use ``role="status"``.  Given ``blocks``, the
    box shares their layout and style (:class:`TextBlocks`): nothing may hide it then.
    """

    def __init__(self, blocks: TextBlocks | None = None) -> None:
        self.widget = blocks() if blocks is not None else w.HTML(value="", layout=full_width())
        self.message: str = ""
        self.kind: Kind | None = None

    def show(self, message: str, kind: Kind = "error") -> None:
        symbol, words = _KIND_PREFIX[kind]
        role = "alert" if kind in ("error", "warning") else "status"
        lead = f"{symbol} <strong>{esc(_(words))}</strong> " if words else f"{symbol} "
        self.message, self.kind = message, kind
        self.widget.value = f'<div class="idpc-msg idpc-msg-{kind}" role="{role}">{lead}{esc(message)}</div>'

    def show_html(self, markup: str, kind: Kind = "info") -> None:
        """Like :meth:`show`, for a message the caller has already escaped (e.g. one with a link)."""
        symbol, words = _KIND_PREFIX[kind]
        role = "alert" if kind in ("error", "warning") else "status"
        lead = f"{symbol} <strong>{esc(_(words))}</strong> " if words else f"{symbol} "
        self.message, self.kind = html.unescape(_strip_tags(markup)), kind
        self.widget.value = f'<div class="idpc-msg idpc-msg-{kind}" role="{role}">{lead}{markup}</div>'

    def clear(self) -> None:
        self.message, self.kind = "", None
        self.widget.value = ""

    def guard(self, callback: Callable[..., Any], advice: str = KEEP_ADVICE) -> Callable[..., Any]:
        """Wrap a widget callback so that an unexpected error becomes a message here, not silence."""
        return guarded(callback, self.show, advice=advice)


def guarded(
    callback: Callable[..., Any],
    report: Callable[[str], Any],
    *,
    advice: str = N_("Please tell your trainer."),
    expected: tuple[type[Exception], ...] = (),
    before: Callable[[], Any] | None = None,
) -> Callable[..., Any]:
    """``callback`` wrapped so that no exception escapes into Voilà, which would hide it.

    The one callback guard of the kit's widgets.  ``report`` receives a plain-text
    message (the caller escapes it when it renders HTML): for an error in ``expected``
    (the component's own "you cannot do that" errors) just its words; for anything
    else "Sorry, something went wrong (Kind: words). " and ``advice``, and the
    traceback goes to the log for the trainer.  ``before`` runs first on every call,
    e.g. to clear the last message.

    The callback runs in the language in use when it was wrapped, i.e. when its widget was
    built for the page: ipykernel runs each callback in a context of its own, where a
    language set for the page's cell (``i18n.language``) would be gone by the first click.
    """
    spoken = current()

    @functools.wraps(callback)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with language(spoken):
            try:
                if before is not None:
                    before()
                return callback(*args, **kwargs)
            except expected as exc:
                report(str(exc))
            except Exception as exc:
                log.exception("error in widget callback %s", getattr(callback, "__qualname__", callback))
                said = _("Sorry, something went wrong ({problem}).").format(problem=f"{type(exc).__name__}: {exc}")
                report(f"{said} {_(advice)}")
            return None

    return wrapper


def kernel_loop() -> Any:
    """The event loop of the kernel this code runs in (where widget state may be touched), or None outside one."""
    try:
        from IPython import get_ipython

        return getattr(getattr(get_ipython(), "kernel", None), "io_loop", None)
    except Exception:  # pragma: no cover - no IPython at all
        return None


def in_background(work: Callable[[], T], then: Callable[[T], None], *, loop: Any = None) -> None:
    """Run ``work()`` in a thread, then ``then(result)`` on the kernel's event loop; outside a kernel, both now.

    Why: a Voilà kernel answers its page (the widget states a page fetches as it opens, every
    click) on one thread.  Seconds of drawing and file-making there keep a page that has just
    opened from drawing at all; in a thread they only share the processor, and the widgets are
    still touched on the loop alone, since widget state is not thread-safe.  ``work`` must not
    touch widgets and should catch its own errors (an escaped one is logged, and ``then`` is not
    called).  ``loop`` (a Tornado IOLoop) defaults to the kernel's.
    """
    import threading

    loop = loop if loop is not None else kernel_loop()
    if loop is None:  # tests and scripts: no page to keep answering
        then(work())
        return

    def run() -> None:
        try:
            result = work()
        except Exception:
            log.exception("background work %s failed", getattr(work, "__qualname__", work))
            return
        loop.add_callback(then, result)

    threading.Thread(target=run, name="idpckit-background", daemon=True).start()


def _strip_tags(markup: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", markup)


def download_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """An ``<a download>`` link carrying ``data`` inline, for Voilà pages.

    Voilà does not serve files the kernel writes, so the file travels inside the
    link as base64.  ``filename`` and ``label`` are escaped because they may come
    from user input (a country or organisation name).
    """
    payload = base64.b64encode(data).decode("ascii")
    size = _human_size(len(data))
    return (
        f'<a download="{esc(filename)}" href="data:{esc(mime)};base64,{payload}" '
        f'title="{esc(_("Download {file} ({size})").format(file=filename, size=size))}">{esc(label)}</a>'
    )


def _human_size(n: int) -> str:
    if n < 1000:
        return ngettext("{n} byte", "{n} bytes", n).format(n=n)
    if n < 1_000_000:
        return f"{n / 1000:.0f} kB"
    return f"{n / 1_000_000:.1f} MB"


#: Value the grade picker uses for "not assessed" (ToggleButtons cannot tell a None option from no selection).
NOT_ASSESSED = "not-assessed"


def grade_label(grade: scales.Grade, scale: scales.Scale) -> str:
    """Words and symbol for a grade, e.g. "✖ Red — requires urgent attention" or "1 ✖ Requires urgent attention"."""
    level = scales.level(grade, scale)
    if scale == "traffic-light":
        return f"{light_short(level)} — {_(level.label).lower()}"
    return f"{level.short} {_(level.label)}"


def light_short(level: scales.Level) -> str:
    """A grade's symbol and short name in the language in use: "2 ▼", "✖ Rojo"."""
    if isinstance(level.value, int):
        return level.short
    return f"{level.symbol} {_(scales.LIGHT_WORDS.get(str(level.value), str(level.value)))}"


def grade_badge(grade: scales.Grade | None, scale: scales.Scale) -> str:
    """An HTML badge for a grade: colour, symbol and words together (never colour alone)."""
    level = scales.level(grade, scale)
    text = "– " + _("Not assessed") if grade is None else grade_label(grade, scale)
    return f'<span class="idpc-badge" style="background:{level.colour};color:{level.text_colour}">{esc(text)}</span>'


def entry_badge(entry: Entry, scale: scales.Scale) -> str:
    """An entry's grade badge, or, for an ungraded entry with a status, that status in words with a circle."""
    if entry.status:
        return f'<span class="idpc-badge" style="background:#fff;color:#000;border:1px solid #000">○ {esc(entry.status_label)}</span>'
    return grade_badge(entry.grade, scale)


class GradePicker:
    """Labelled buttons for one grade on either scale, plus "Not assessed".

    Each button reads like "2 ▼ Serious shortcomings" or "✖ Red — requires urgent
    attention"; its tooltip adds what that grade looks like (from the rubric,
    when given).  ``value`` is the grade (an int or a light) or ``None``.
    """

    def __init__(
        self,
        scale: scales.Scale = "five-point",
        value: scales.Grade | None = None,
        *,
        description: str = N_("Grade"),
        hints: dict[str, str] | None = None,
    ) -> None:
        self._hints = hints or {}
        self.buttons = w.ToggleButtons(
            description=_(description),
            style={"button_width": "auto", "description_width": "initial"},
            layout=full_width(),
        )
        self.selected = w.HTML()
        self.widget = w.VBox([self.buttons, self.selected], layout=full_width())
        self.widget.add_class("idpc-grade")
        self.buttons.observe(self._show_selected, names="value")
        self.scale: scales.Scale = scale
        self.set_scale(scale, value)

    def _options(self) -> tuple[list[tuple[str, Any]], list[str]]:
        options: list[tuple[str, Any]] = []
        tips: list[str] = []
        for grade, level in scales.levels(self.scale).items():
            options.append((grade_label(grade, self.scale), grade))
            if self.scale == "five-point":
                position = _("Grade {grade} of 5").format(grade=grade)
            else:
                position = _("{light} light").format(light=_(scales.LIGHT_WORDS.get(str(grade), str(grade))))
            hint = self._hints.get(str(level.score), "")
            tip = f"{position}: {_(level.label).lower()}."
            tips.append(tip + (" " + _("Looks like: {hint}").format(hint=hint) if hint else ""))
        options.append(("– " + _("Not assessed"), NOT_ASSESSED))
        tips.append(
            _("Not assessed (yet): leave it open until you have evidence, or if you do not track it this year.")
        )
        return options, tips

    def set_scale(self, scale: scales.Scale, value: scales.Grade | None = None) -> None:
        """Switch the buttons to ``scale`` and select ``value`` (which must be on it)."""
        self.scale = scale
        options, tips = self._options()
        self.buttons.options = options
        self.buttons.tooltips = tips
        self.value = value

    @property
    def value(self) -> scales.Grade | None:
        v = self.buttons.value
        return None if v in (None, NOT_ASSESSED) else v

    @value.setter
    def value(self, grade: scales.Grade | None) -> None:
        self.buttons.value = NOT_ASSESSED if grade is None else grade
        self._show_selected()

    @property
    def disabled(self) -> bool:
        return self.buttons.disabled

    @disabled.setter
    def disabled(self, flag: bool) -> None:
        self.buttons.disabled = flag

    def observe(self, handler: Callable[[dict[str, Any]], None]) -> None:
        """Call ``handler`` when the user picks another grade."""
        self.buttons.observe(handler, names="value")

    def _show_selected(self, _change: object = None) -> None:
        said = _("Selected: {grade}").format(grade=grade_badge(self.value, self.scale))
        self.selected.value = f'<span class="idpc-small">{said}</span>'


#: Runs in the page: wait (up to 3 s) for the element, scroll to it, focus it, and say ``announce``
#: in one polite live region of the page.  Only JSON-encoded values are put into it.
_FOCUS_JS = """(function () {{
  var selector = {selector}, announce = {announce}, text = {text}, tries = 0, start = document.activeElement;
  function say() {{
    if (!announce) return;
    var region = document.getElementById('idpc-announce');
    if (!region) {{
      region = document.createElement('div');
      region.id = 'idpc-announce';
      region.className = 'idpc-sr-only';
      region.setAttribute('role', 'status');
      region.setAttribute('aria-live', 'polite');
      document.body.appendChild(region);
    }}
    region.textContent = '';
    setTimeout(function () {{ region.textContent = announce; }}, 60);
  }}
  function move() {{
    var el = [].slice.call(document.querySelectorAll(selector)).filter(function (e) {{
      return e.offsetParent && (e.textContent || '').indexOf(text) >= 0;
    }})[0];
    if (!el) {{
      if (tries++ < 60) return setTimeout(move, 50);
      return;
    }}
    var now = document.activeElement;  // the visitor moved on (clicked into a field) meanwhile: leave them there
    if (now && now !== start && now !== document.body && !el.contains(now)) return;
    if (el.tabIndex < 0 && !el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');  // a heading, not a link
    el.scrollIntoView({{block: 'start'}});
    el.focus({{preventScroll: true}});
  }}
  say();
  setTimeout(move, 0);
}})(); // {n}"""


class PageFocus:
    """Moves the browser's focus (and the scroll position) to an element, from the kernel.

    ipywidgets has no focus API, and an HTML widget's ``<script>`` is never run
    (its value is set as ``innerHTML``).  An Output widget, though, renders the
    kernel's ``application/javascript`` outputs with JupyterLab's renderer, which
    Voilà ships, so each request is one such output in a hidden Output widget.
    The script waits for the element (the widget that holds it may arrive in a
    later message), so it can be asked for in the same callback that shows it.
    ``requests`` keeps what was asked, so tests without a browser can check it.
    """

    def __init__(self) -> None:
        self.widget = w.Output(layout=w.Layout(height="0px", margin="0", overflow="hidden"))
        self.requests: list[tuple[str, str]] = []

    def focus(self, selector: str, announce: str = "", text: str = "") -> None:
        """Scroll to and focus the first shown element matching ``selector`` whose text holds ``text``.

        ``text`` tells the new step's heading from the old one's while the page swaps them;
        ``announce`` is read out by screen readers.
        """
        import json

        self.requests.append((selector, announce))
        script = _FOCUS_JS.format(
            selector=json.dumps(selector), announce=json.dumps(announce), text=json.dumps(text), n=len(self.requests)
        )
        self.widget.outputs = (
            {"output_type": "display_data", "data": {"application/javascript": script}, "metadata": {}},
        )

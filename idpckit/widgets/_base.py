"""Small pieces shared by the kit's widgets: a message area, download links, a grade picker.

Why these exist:

* Voilà hides tracebacks (``show_tracebacks`` is off), so an exception in a
  callback would otherwise vanish and the page would just stop responding.
  :class:`ErrorBox` is where every component says, in plain words, what went
  wrong; :meth:`ErrorBox.guard` wraps callbacks so nothing escapes silently.
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
from collections.abc import Callable
from typing import Any, Literal

import ipywidgets as w

from .. import scales

log = logging.getLogger(__name__)

Kind = Literal["error", "warning", "info", "ok"]

#: Symbol and words before each kind of message, so its meaning does not rest on colour.
_KIND_PREFIX: dict[str, tuple[str, str]] = {
    "error": ("✖", "Problem:"),
    "warning": ("⚠", "Please note:"),
    "info": ("ℹ", ""),
    "ok": ("✔", ""),
}

#: Styles shared by the apps.  Injected once per app through an HTML widget; they only
#: make things wrap on small screens, keep focus visible and give messages a frame.
STYLE = """
<style>
.idpc-app {box-sizing: border-box; padding: 0 0.5em;}
.idpc-app * {box-sizing: border-box;}
.idpc-app .widget-inline-hbox {flex-wrap: wrap; height: auto;}
.idpc-app .widget-inline-hbox .widget-label {white-space: normal; height: auto; min-height: var(--jp-widgets-inline-height);}
.idpc-app .widget-text input, .idpc-app .widget-textarea textarea {min-width: 12em;}
.idpc-app .widget-textarea {max-width: 100%;}
.idpc-app .widget-textarea textarea {font-family: inherit; line-height: 1.4; max-width: 100%;}
.idpc-app .widget-textarea > .widget-label {width: 100% !important; text-align: left; font-weight: bold;}
.idpc-app .widget-checkbox {height: auto;}
.idpc-app .widget-checkbox label {white-space: normal; overflow: visible; text-overflow: clip; height: auto;}
.idpc-app .widget-checkbox, .idpc-app .widget-radio-box {width: 100%; height: auto;}
.idpc-app .widget-radio-box label {white-space: normal; height: auto; line-height: 1.4; margin-bottom: 0.3em;}
.idpc-app .widget-toggle-buttons > div {display: flex; flex-wrap: wrap; gap: 0.25em;}
.idpc-app .widget-toggle-button {width: auto; min-width: 7em; height: auto; min-height: var(--jp-widgets-inline-height);
  white-space: normal; line-height: 1.3; padding: 0.3em 0.7em; text-align: left;}
.idpc-app .idpc-grade .widget-toggle-button {flex: 1 1 14em; max-width: 100%;}
.idpc-app .jupyter-button {height: auto; min-height: var(--jp-widgets-inline-height); white-space: normal;}
.idpc-app button:focus-visible, .idpc-app input:focus-visible, .idpc-app textarea:focus-visible,
.idpc-app select:focus-visible, .idpc-app a:focus-visible {outline: 3px solid #0072B2; outline-offset: 2px;}
.idpc-app .idpc-msg {border-left: 0.35em solid; padding: 0.4em 0.7em; margin: 0.3em 0; line-height: 1.4;}
.idpc-app .idpc-msg-error {border-color: #B2182B; background: #fbeaea;}
.idpc-app .idpc-msg-warning {border-color: #E69F00; background: #fdf4e1;}
.idpc-app .idpc-msg-info {border-color: #0072B2; background: #e8f1f8;}
.idpc-app .idpc-msg-ok {border-color: #1B7837; background: #e9f4ec;}
.idpc-app .idpc-prose {line-height: 1.5; max-width: 46em;}
.idpc-app .idpc-prose p, .idpc-app .idpc-prose ul {margin: 0.4em 0;}
.idpc-app .idpc-small {font-size: 0.9em; color: #444;}
.idpc-app .idpc-badge {display: inline-block; padding: 0.15em 0.6em; border: 1px solid #000; border-radius: 0.3em;}
.idpc-app table.idpc-table {border-collapse: collapse; width: 100%;}
.idpc-app table.idpc-table th, .idpc-app table.idpc-table td {border-bottom: 1px solid #ccc; padding: 0.3em 0.4em;
  text-align: left; vertical-align: top;}
.idpc-app .idpc-scroll {overflow-x: auto; max-width: 100%;}
.idpc-app .idpc-downloads a {display: inline-block; margin: 0.2em 0.6em 0.2em 0; padding: 0.35em 0.8em;
  border: 1px solid #0072B2; border-radius: 0.3em; text-decoration: none;}
.idpc-app input.idpc-copy {width: 100%; max-width: 40em; font-family: monospace; padding: 0.2em;}
.idpc-app img {max-width: 100%; height: auto;}
.idpc-app ul.idpc-levels {list-style: none; padding-left: 0;}
.idpc-app ul.idpc-levels li {margin: 0.4em 0; line-height: 1.4;}
</style>
"""


def esc(text: object) -> str:
    """``html.escape`` for anything a user typed; quotes too, so it is safe in attributes."""
    return html.escape(str(text), quote=True)


def style_widget() -> w.HTML:
    """The shared stylesheet as an (invisible) HTML widget, to put first in an app."""
    return w.HTML(STYLE, layout=w.Layout(height="0px", margin="0", overflow="hidden"))


def full_width(**kwargs: Any) -> w.Layout:
    """A layout that fills its container but never overflows a phone's screen."""
    return w.Layout(**{"width": "100%", "max_width": "100%", **kwargs})


def wrap_row(**kwargs: Any) -> w.Layout:
    """A row that wraps onto several lines on a narrow screen."""
    return w.Layout(**{"display": "flex", "flex_flow": "row wrap", "align_items": "center", "width": "100%", **kwargs})


#: Labels wide enough for "Organisation(s)" on a laptop; they wrap above the field on a phone.
DESCRIPTION_STYLE = {"description_width": "11em"}


class ErrorBox:
    """A place in the page for messages to the user: errors, warnings, confirmations.

    Messages are plain text and are escaped, so a message that quotes what the
    user typed (a file name, a code) cannot inject markup.  ``role="alert"`` makes
    screen readers announce errors; other kinds use ``role="status"``.
    """

    def __init__(self) -> None:
        self.widget = w.HTML(value="", layout=full_width())
        self.message: str = ""
        self.kind: Kind | None = None

    def show(self, message: str, kind: Kind = "error") -> None:
        symbol, words = _KIND_PREFIX[kind]
        role = "alert" if kind in ("error", "warning") else "status"
        lead = f"{symbol} <strong>{words}</strong> " if words else f"{symbol} "
        self.message, self.kind = message, kind
        self.widget.value = f'<div class="idpc-msg idpc-msg-{kind}" role="{role}">{lead}{esc(message)}</div>'

    def show_html(self, markup: str, kind: Kind = "info") -> None:
        """Like :meth:`show`, for a message the caller has already escaped (e.g. one with a link)."""
        symbol, words = _KIND_PREFIX[kind]
        role = "alert" if kind in ("error", "warning") else "status"
        lead = f"{symbol} <strong>{words}</strong> " if words else f"{symbol} "
        self.message, self.kind = html.unescape(_strip_tags(markup)), kind
        self.widget.value = f'<div class="idpc-msg idpc-msg-{kind}" role="{role}">{lead}{markup}</div>'

    def clear(self) -> None:
        self.message, self.kind = "", None
        self.widget.value = ""

    def guard(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a widget callback so that an unexpected error becomes a message, not silence."""

        @functools.wraps(callback)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return callback(*args, **kwargs)
            except Exception as exc:
                log.exception("error in widget callback %s", getattr(callback, "__name__", callback))
                self.show(
                    f"Something went wrong ({type(exc).__name__}: {exc}). What you typed before this is kept. "
                    "If it happens again, download a JSON copy from the summary and tell your trainer."
                )
                return None

        return wrapper


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
        f'title="Download {esc(filename)} ({size})">{esc(label)}</a>'
    )


def _human_size(n: int) -> str:
    if n < 1000:
        return f"{n} bytes"
    if n < 1_000_000:
        return f"{n / 1000:.0f} kB"
    return f"{n / 1_000_000:.1f} MB"


#: Value the grade picker uses for "not assessed" (ToggleButtons cannot tell a None option from no selection).
NOT_ASSESSED = "not-assessed"


def grade_label(grade: scales.Grade, scale: scales.Scale) -> str:
    """Words and symbol for a grade, e.g. "✖ Red — requires urgent attention" or "1 ✖ Requires urgent attention"."""
    level = scales.level(grade, scale)
    if scale == "traffic-light":
        return f"{level.short} — {level.label.lower()}"
    return f"{level.short} {level.label}"


def grade_badge(grade: scales.Grade | None, scale: scales.Scale) -> str:
    """An HTML badge for a grade: colour, symbol and words together (never colour alone)."""
    level = scales.level(grade, scale)
    text = "– Not assessed" if grade is None else grade_label(grade, scale)
    return f'<span class="idpc-badge" style="background:{level.colour};color:{level.text_colour}">{esc(text)}</span>'


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
        description: str = "Grade",
        hints: dict[str, str] | None = None,
    ) -> None:
        self._hints = hints or {}
        self.buttons = w.ToggleButtons(
            description=description,
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
            position = f"Grade {grade} of 5" if self.scale == "five-point" else f"{str(grade).capitalize()} light"
            hint = self._hints.get(str(level.score), "")
            tips.append(f"{position}: {level.label.lower()}." + (f" Looks like: {hint}" if hint else ""))
        options.append(("– Not assessed", NOT_ASSESSED))
        tips.append("Not assessed (yet): leave it open until you have evidence, or if you do not track it this year.")
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
        self.selected.value = f'<span class="idpc-small">Selected: {grade_badge(self.value, self.scale)}</span>'

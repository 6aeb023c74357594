"""The road to 2019 and beyond, as an interactive timeline drawn from ``data/timeline.csv``.

A drop-down list of events (with "Earlier" / "Later" buttons to step through them) picks one
event; a detail panel says what happened, which UN document it produced and
where the fact comes from.  Events the 2019 IDPC note reports are told apart from
later facts in words and symbols, never by colour alone, and every later fact
shows its source, because the note stops in September 2019 and trainees must be
able to check what the kit adds.

:func:`chart` draws the same events as a labelled matplotlib figure (one row per
event, so labels never overlap; Okabe-Ito colours *and* different marker shapes).
matplotlib is imported only when a chart is drawn: a Voilà page that only shows
the list of events does not pay for it.

Example::

    >>> from idpckit.widgets.timeline import Timeline
    >>> t = Timeline()
    >>> t.select("ministerial-segment")
    >>> "14–15 March 2019" in t.detail.value
    True
"""

from __future__ import annotations

import base64
import calendar
import datetime as dt
import io
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import ipywidgets as w

from .. import data
from ..i18n import N_, _, current, ngettext
from ..schema import Document, TimelineEvent
from ..text import esc
from ._base import guarded

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

Show = Literal["all", "note", "later"]

#: How each origin is told apart: words, a symbol, a marker shape and an Okabe-Ito colour.
ORIGINS: dict[str, dict[str, str]] = {
    "note": {
        "label": N_("Reported in the IDPC note (September 2019)"),
        "short": N_("In the note"),
        "symbol": "●",
        "marker": "o",
        "colour": "#0072B2",
    },
    "later": {
        "label": N_("Later fact, after the note was written"),
        "short": N_("Later"),
        "symbol": "■",
        "marker": "s",
        "colour": "#D55E00",
    },
}


def _parts(d: str) -> tuple[int, int | None, int | None]:
    bits = [int(b) for b in d.split("-")]
    return bits[0], bits[1] if len(bits) > 1 else None, bits[2] if len(bits) > 2 else None


def _cldr(y: int, m: int | None, d: int | None, skeleton: str) -> str:
    """A partial date in the language in use, the way CLDR writes it ("14 de marzo de 2019", "mars 2019")."""
    from babel.dates import format_skeleton

    if m is None:
        return str(y)
    when = dt.date(y, m, d or 1)
    return format_skeleton(skeleton + ("d" if d else ""), when, locale=current())


def format_date(start: str, end: str = "") -> str:
    """A partial ISO date (or span) in words: "11–12 March 2009", "March 2017", "2029".

    English keeps the note's day-month-year order; other languages take CLDR's (Babel), so a
    Spanish page reads "14 de marzo de 2019" and a Russian one "14 марта 2019 г.".
    """
    y, m, d = _parts(start)
    lang = current()

    def one(y: int, m: int | None, d: int | None) -> str:
        if lang != "en":
            return _cldr(y, m, d, "yMMMM")
        if m is None:
            return str(y)
        month = calendar.month_name[m]
        return f"{d} {month} {y}" if d else f"{month} {y}"

    if not end:
        return one(y, m, d)
    y2, m2, d2 = _parts(end)
    if (y, m) == (y2, m2) and m and d and d2:
        if lang != "en":
            from babel.dates import format_interval

            return format_interval(dt.date(y, m, d), dt.date(y2, m, d2), "yMMMMd", locale=lang)
        return f"{d}–{d2} {calendar.month_name[m]} {y}"
    return f"{one(y, m, d)} – {one(y2, m2, d2)}"


def short_date(d: str) -> str:
    """ "14 Mar 2019", "Mar 2017" or "2029": short enough to lead a list entry (CLDR's short form elsewhere)."""
    y, m, day = _parts(d)
    if current() != "en":
        return _cldr(y, m, day, "yMMM")
    if m is None:
        return str(y)
    month = calendar.month_abbr[m]
    return f"{day} {month} {y}" if day else f"{month} {y}"


def _linkify(source: str) -> str:
    """Escape a source line and turn its web addresses into links."""
    out, last = [], 0
    for match in re.finditer(r"https?://[^\s;,]+", source):
        out.append(esc(source[last : match.start()]))
        url = match.group(0)
        out.append(f'<a href="{esc(url)}" target="_blank" rel="noopener">{esc(url)}</a>')
        last = match.end()
    out.append(esc(source[last:]))
    return "".join(out)


def describe(event: TimelineEvent, documents: dict[str, Document]) -> str:
    """The detail panel for one event, as HTML (all data text escaped)."""
    origin = ORIGINS[event.origin]
    parts = [
        f"<h4>{esc(format_date(event.date, event.date_end))}: {esc(event.title)}</h4>",
        f"<p>{esc(event.description)}</p>",
    ]
    doc = documents.get(event.document_id) if event.document_id else None
    if doc is not None:
        symbol = f" ({esc(doc.symbol)})" if doc.symbol else ""
        opens = esc(_("Open the text"))
        link = f' <a href="{esc(doc.url)}" target="_blank" rel="noopener">{opens}</a>' if doc.url else ""
        named = esc(_("Document:"))
        parts.append(f"<p><b>{named}</b> {esc(doc.short_name)}: <i>{esc(doc.title)}</i>{symbol}.{link}</p>")
    where = f"<b>{origin['symbol']} {esc(_(origin['label']))}.</b>"
    if event.origin == "later":
        where += " " + esc(_("Source:")) + f" {_linkify(event.source)}"
        if event.status:
            status = _("Status: {status} (checked {date}).").format(status=_(event.status_label), date=event.checked)
            where += f" <i>{esc(status)}</i>"
    parts.append(f"<p>{where}</p>")
    return "".join(parts)


class Timeline:
    """Step through the timeline: a list of events, Earlier/Later buttons, a filter and a detail panel."""

    def __init__(self, content: data.Content | None = None, *, start: str = "pd2009-adopted") -> None:
        from ..localise import load

        #: The page's language: labels, dates and the content's texts follow it.
        self.language = current()
        content = content or load(self.language)
        self.events: list[TimelineEvent] = sorted(content.timeline, key=lambda e: e.date)
        self.documents = {d.id: d for d in content.documents}
        self.show = w.ToggleButtons(
            options=[
                (_("All events"), "all"),
                (f"{ORIGINS['note']['symbol']} " + _("In the 2019 note"), "note"),
                (f"{ORIGINS['later']['symbol']} " + _("Later facts"), "later"),
            ],
            value="all",
            description=_("Show"),
            tooltips=[
                _("Every event"),
                _("Only what the 2019 IDPC note reports"),
                _("Only what happened after the note"),
            ],
            style={"button_width": "auto"},
        )
        # A drop-down list, not a slider: ipywidgets' slider handle has no accessible name
        # (axe: aria-input-field-name), while a <select> is named by its label, works with the
        # keyboard and lets a screen reader hear every event's date and title.
        self.picker = w.Dropdown(
            options=self._options("all"),
            description=_("Event"),
            layout=w.Layout(width="100%", max_width="48em"),
        )
        self.earlier = w.Button(description=_("Earlier"), icon="arrow-left", tooltip=_("Previous event"))
        self.later = w.Button(description=_("Later"), icon="arrow-right", tooltip=_("Next event"))
        self.detail = w.HTML(layout=w.Layout(min_height="8em"))
        self.position = w.HTML()
        self.error = w.HTML()
        self.picker.observe(self._guard(self._on_select), names="value")
        self.show.observe(self._guard(self._on_filter), names="value")
        self.earlier.on_click(self._guard(lambda _b: self.step(-1)))
        self.later.on_click(self._guard(lambda _b: self.step(+1)))
        self.widget = w.VBox(
            [
                self.show,
                self.picker,
                w.HBox([self.earlier, self.later, self.position], layout=w.Layout(flex_flow="row wrap")),
                self.detail,
                self.error,
            ]
        )
        self.select(start if any(e.id == start for e in self.events) else self.events[0].id)

    def _options(self, show: Show) -> list[tuple[str, str]]:
        """Picker labels: a short date, the origin symbol and the title, unique (the picker needs that)."""
        options: list[tuple[str, str]] = []
        for e in self.events:
            if show != "all" and e.origin != show:
                continue
            label = f"{short_date(e.date)} {ORIGINS[e.origin]['symbol']} {e.title}"
            n = sum(lab.startswith(label) for lab, _ in options)
            options.append((f"{label} ({n + 1})" if n else label, e.id))
        return options

    def _guard(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        return guarded(fn, self._show_error, advice=_("The timeline was not updated."), before=self._clear_error)

    def _show_error(self, message: str) -> None:
        self.error.value = f'<p role="alert">✖ {esc(message)}</p>'

    def _clear_error(self) -> None:
        self.error.value = ""

    @property
    def current(self) -> TimelineEvent:
        return next(e for e in self.events if e.id == self.picker.value)

    def select(self, event_id: str) -> None:
        """Show event ``event_id`` (switching the filter back to all events if it is hidden)."""
        if event_id not in [v for _, v in self.picker.options]:
            self.show.value = "all"
        self.picker.value = event_id
        self._on_select()

    def step(self, delta: int) -> None:
        ids = [v for _, v in self.picker.options]
        i = ids.index(self.picker.value) + delta
        if 0 <= i < len(ids):
            self.picker.value = ids[i]

    def _on_select(self, _change: Any = None) -> None:
        ids = [v for _, v in self.picker.options]
        i = ids.index(self.picker.value)
        self.detail.value = describe(self.current, self.documents)
        where = ngettext("Event {n} of {total}", "Event {n} of {total}", len(ids)).format(n=i + 1, total=len(ids))
        self.position.value = f"<span>{esc(where)}</span>"
        self.earlier.disabled = i == 0
        self.later.disabled = i == len(ids) - 1

    def _on_filter(self, change: Any) -> None:
        keep = self.picker.value
        options = self._options(change["new"])
        ids = [v for _, v in options]
        self.picker.options = options
        self.picker.value = keep if keep in ids else ids[0]
        self._on_select()


def chart(content: data.Content | None = None) -> Figure:
    """The timeline as a figure: one row per event, labelled, origin shown by shape and colour.

    Uses :class:`matplotlib.figure.Figure` directly (no pyplot state), so it is
    safe in any backend and in callbacks.
    """
    from datetime import date

    from matplotlib.dates import YearLocator, date2num
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    content = content or _localised()
    events = sorted(content.timeline, key=lambda e: e.date)

    def when(d: str) -> float:
        bits = [int(b) for b in d.split("-")] + [1, 1]
        return float(date2num(date(bits[0], bits[1] if len(bits) > 1 else 1, bits[2] if len(bits) > 2 else 1)))

    fig = Figure(figsize=(9, 0.42 * len(events) + 1.4), layout="constrained")
    ax = fig.add_subplot()
    first, last = when(events[0].date), when(events[-1].date)
    for row, e in enumerate(events):
        y = len(events) - row
        style = ORIGINS[e.origin]
        x = when(e.date)
        ax.plot([x], [y], marker=style["marker"], color=style["colour"], markersize=8, linestyle="none")
        label = f"{format_date(e.date, e.date_end)}: {e.title}"
        right = x < (first + last) / 2
        ax.annotate(
            label,
            (x, y),
            xytext=(8 if right else -8, 0),
            textcoords="offset points",
            ha="left" if right else "right",
            va="center",
            fontsize=8.5,
        )
    ax.axvspan(when("2009-03-11"), when("2019-03-14"), color="0.93", zorder=0)
    ax.axvspan(when("2019-03-14"), when("2029"), color="0.97", zorder=0)
    ax.text(when("2009-06"), 0.2, _("First decade: 2009 targets"), fontsize=8, color="0.3")
    ax.text(when("2019-06"), 0.2, _("Second decade: the 2019 Declaration"), fontsize=8, color="0.3")
    ax.set_ylim(-0.3, len(events) + 0.8)
    ax.set_yticks([])
    ax.xaxis.set_major_locator(YearLocator(2))
    ax.xaxis.set_major_formatter(lambda x, _pos: str(int(_year(x))))
    ax.set_xlim(when("2008"), when("2030-06"))
    ax.set_xlabel(_("Year"))
    ax.set_title(_("From the 2009 Political Declaration to the end of the 2019 Declaration's timeline"))
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    handles = [
        Line2D([], [], marker=s["marker"], color=s["colour"], linestyle="none", label=_(s["label"]))
        for s in ORIGINS.values()
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=8.5, frameon=False)
    return fig


def _year(x: float) -> int:
    from matplotlib.dates import num2date

    return num2date(x).year


def alt_text(content: data.Content | None = None) -> str:
    """A text alternative for the chart: every event in order, with its origin in words."""
    content = content or _localised()
    events = sorted(content.timeline, key=lambda e: e.date)
    items = "; ".join(
        f"{format_date(e.date, e.date_end)}: {e.title} ({_(ORIGINS[e.origin]['short']).lower()})" for e in events
    )
    lead = ngettext("Timeline of {n} event.", "Timeline of {n} events.", len(events)).format(n=len(events))
    return f"{lead} {items}."


def _localised() -> data.Content:
    """The content in the language in use (event titles and descriptions)."""
    from ..localise import load

    return load()


def chart_html(content: data.Content | None = None) -> str:
    """The chart as an ``<img>`` with a text alternative, ready for an HTML output or widget."""
    fig = chart(content)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    src = base64.b64encode(buf.getvalue()).decode("ascii")
    alt = esc(alt_text(content))
    return f'<img src="data:image/png;base64,{src}" alt="{alt}" style="max-width:100%;height:auto">'

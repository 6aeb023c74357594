"""Lesson 5's exercise as widgets: build a 12-month advocacy plan and take it home.

The plan itself (months, suggestions from the calendar and Box 1, the review,
CSV and Markdown export, reading a saved CSV back) is the pure model
:class:`idpckit.exercises.plan.Plan`.  This widget only builds the controls,
wires them to the model and shows what it says.  Nothing is kept on the server
(a Voilà kernel forgets everything when the tab closes), so the plan leaves the
page as downloads and comes back as an uploaded CSV.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from ..data import Content
from ..exercises.feedback import _, ngettext
from ..exercises.plan import (
    CITIES,
    Plan,
    PlanError,
    city_name,
    example_plan,
    load_calendar,
    month_label,
    month_name,
)
from ..i18n import colon, current
from ..text import esc
from ._base import download_link, guarded, style_widget

log = logging.getLogger(__name__)

_OWN = "__own__"


class AdvocacyPlanBuilder:
    """The planner as widgets.  Show ``builder.widget``; tests set values and ``.click()``."""

    def __init__(self, content: Content | None = None, today: dt.date | None = None) -> None:
        import ipywidgets as w

        from ..localise import load

        #: The page's language: labels, months, cities and the venues' texts follow it.
        self.language = current()
        self.content = content or load(self.language)
        self.today = today or dt.date.today()
        self.moments = load_calendar(self.content)
        self.plan = Plan(self.today.year, self.today.month, self.content, self.moments)
        wide = w.Layout(width="100%")
        style = {"description_width": "10em"}

        years = list(range(min(2019, self.today.year), self.today.year + 4))
        self.start_month = w.Dropdown(
            options=[(month_name(i), i) for i in range(1, 13)],
            value=self.today.month,
            description=_("First month"),
            style=style,
        )
        self.start_year = w.Dropdown(
            options=years, value=self.today.year, description=_("Year"), style={"description_width": "4em"}
        )
        self.month = w.Dropdown(description=_("Month"), style=style, layout=w.Layout(width="22em"))
        self.suggestion_box = w.HTML()
        self.city = w.ToggleButtons(
            options=[(city_name(c), c) for c in CITIES], value=CITIES[0], description=_("Where"), style=style
        )
        self.venue = w.Dropdown(description=_("Venue"), style=style, layout=wide)
        self.venue_info = w.HTML()
        self.action = w.RadioButtons(description=_("Action"), style=style, layout=wide)
        self.own_action = w.Text(
            description=_("Your own action"),
            placeholder=_("e.g. Brief the new diplomat at our Permanent Mission in Vienna"),
            style=style,
            layout=w.Layout(width="100%", display="none"),
        )
        self.note = w.Text(
            description=_("Note (optional)"),
            placeholder=_("who does it, with whom, by when"),
            style=style,
            layout=wide,
        )
        auto = w.Layout(width="auto")  # a fixed width cut the labels ("Prepare CSV do…")
        self.add_button = w.Button(description=_("Add to the plan"), button_style="primary", icon="plus", layout=auto)
        self.status = w.HTML()
        self.table = w.HTML()
        self.remove_choice = w.Dropdown(description=_("Remove"), style=style, layout=wide)
        self.remove_button = w.Button(description=_("Remove this action"), icon="trash", layout=auto)
        self.review_box = w.HTML()
        self.title = w.Text(
            description=_("Plan title"),
            placeholder=_("e.g. Our 2026-27 plan (NGO name)"),
            style=style,
            layout=wide,
        )
        self.csv_button = w.Button(description=_("Prepare CSV download"), icon="download", layout=auto)
        self.md_button = w.Button(description=_("Prepare Markdown download"), icon="download", layout=auto)
        self.downloads = w.HTML()
        self.links: dict[str, str] = {}  # prepared downloads by extension
        self.upload = w.FileUpload(accept=".csv", multiple=False, description=_("Load a saved plan (CSV)"))
        self.example_toggle = w.ToggleButton(
            description=_("Show an example plan"), icon="eye", tooltip=_("For trainers")
        )
        self.example = w.HTML(layout=w.Layout(display="none"))

        self.start_month.observe(self._safe(self._on_start), names="value")
        self.start_year.observe(self._safe(self._on_start), names="value")
        self.month.observe(self._safe(self._on_month), names="value")
        self.city.observe(self._safe(self._on_city), names="value")
        self.venue.observe(self._safe(self._on_venue), names="value")
        self.action.observe(self._safe(self._on_action), names="value")
        self.add_button.on_click(self._safe(self._on_add))
        self.remove_button.on_click(self._safe(self._on_remove))
        self.csv_button.on_click(self._safe(self._on_csv))
        self.md_button.on_click(self._safe(self._on_markdown))
        self.upload.observe(self._safe(self._on_upload), names="value")
        self.example_toggle.observe(self._safe(self._on_example), names="value")

        def section(text: str) -> w.HTML:
            return w.HTML(f"<h4>{esc(text)}</h4>")

        self.widget = w.VBox(
            [
                style_widget(),
                section(_("1. Your 12 months")),
                w.HBox([self.start_month, self.start_year], layout=w.Layout(flex_flow="row wrap")),
                section(_("2. Add actions, month by month")),
                self.month,
                self.suggestion_box,
                self.city,
                self.venue,
                self.venue_info,
                self.action,
                self.own_action,
                self.note,
                self.add_button,
                self.status,
                section(_("3. Your plan")),
                self.table,
                w.HBox([self.remove_choice, self.remove_button], layout=w.Layout(flex_flow="row wrap")),
                section(_("4. How the plan looks")),
                self.review_box,
                section(_("5. Take it with you")),
                w.HTML(
                    "<p><i>"
                    + esc(
                        _(
                            "Nothing is saved on the server: download the plan before you close the page. "
                            "A saved CSV can be loaded back here."
                        )
                    )
                    + "</i></p>"
                ),
                self.title,
                w.HBox([self.csv_button, self.md_button, self.upload], layout=w.Layout(flex_flow="row wrap")),
                self.downloads,
                self.example_toggle,
                self.example,
            ],
            layout=wide,
        )
        self.widget.add_class("idpc-app")
        self.widget.add_class("idpckit-plan")
        self._refresh_months()
        self._on_city({"new": self.city.value})
        self._refresh_plan()

    # -- helpers
    def _safe(self, fn: Callable[..., None]) -> Callable[..., None]:
        """Voilà hides tracebacks: a plain message in the page instead (the kit's one callback guard)."""

        def report(message: str) -> None:
            self.status.value = f'<p role="alert">✖ {esc(message)}</p>'

        return guarded(fn, report, advice=_("Your plan is unchanged; please tell your trainer."), expected=(PlanError,))

    def _refresh_months(self) -> None:
        current = self.month.value
        options = [(month_label(y, m), (y, m)) for y, m in self.plan.months]
        self.month.options = options
        self.month.value = current if current in self.plan.months else self.plan.months[0]
        self._on_month({"new": self.month.value})

    def _refresh_plan(self) -> None:
        if self.plan.items:
            rows = "".join(
                f"<tr><td>{esc(month_label(*i.key))}</td><td>{esc(city_name(self.plan.avenues[i.avenue_id].city))}</td>"
                f"<td>{esc(self.plan.avenues[i.avenue_id].venue)}</td><td>{esc(i.action)}</td>"
                f"<td>{esc(i.note)}</td></tr>"
                for i in self.plan.items
            )
            self.table.value = (
                '<div class="idpc-scroll"><table class="idpckit-plan-table">'
                + _head(_("Month"), _("Where"), _("Venue"), _("Action"), _("Note"))
                + f"<tbody>{rows}</tbody></table></div>"
            )
        else:
            self.table.value = f"<p>{esc(_('No actions yet.'))}</p>"
        self.remove_choice.options = [(self.plan.describe(i), n) for n, i in enumerate(self.plan.items)]
        self.remove_choice.value = None
        self.remove_button.disabled = not self.plan.items
        findings = "".join(
            f"<li><b>{f.symbol} {esc(colon(f.label))}</b> {esc(f.message)}</li>" for f in self.plan.review()
        )
        # The live region wraps the list: role="status" on the <ul> itself would hide its items' list semantics.
        self.review_box.value = f'<div role="status" aria-live="polite"><ul>{findings}</ul></div>'
        self.links.clear()  # a changed plan makes prepared files stale
        self.downloads.value = ""

    # -- callbacks
    def _on_start(self, _change: Any) -> None:
        try:
            self.plan.set_start(self.start_year.value, self.start_month.value)
        except PlanError:
            y, m = self.plan.start
            with self.start_year.hold_trait_notifications(), self.start_month.hold_trait_notifications():
                self.start_year.value, self.start_month.value = y, m
            raise
        self.status.value = f"<p>{esc(_('Your plan runs from {period}.').format(period=self.plan.period))}</p>"
        self._refresh_months()
        self._refresh_plan()

    def _on_month(self, change: Any) -> None:
        if not change["new"]:
            return
        y, m = change["new"]
        found = self.plan.suggestions(y, m)
        if not found:
            none = _("No fixed UN moment in {month}: a good month for work at home or in Geneva.")
            self.suggestion_box.value = f"<p>{esc(none.format(month=month_label(y, m)))}</p>"
            return
        items = "".join(
            f"<li><b>{esc(s.title)}</b> ({esc(city_name(s.city))}): {esc(s.advice)}"
            + (f" <i>{esc(_('When: {timing}').format(timing=s.timing))}</i>" if s.timing else "")
            + "</li>"
            for s in found
        )
        openings = esc(_("Openings in {month}:").format(month=month_label(y, m)))
        self.suggestion_box.value = f"<p>{openings}</p><ul>{items}</ul>"

    def _on_city(self, change: Any) -> None:
        options = [(a.venue, a.id) for a in self.content.avenues if a.city == change["new"]]
        self.venue.options = options
        self.venue.value = options[0][1] if options else None
        self._on_venue({"new": self.venue.value})

    def _on_venue(self, change: Any) -> None:
        avenue = self.plan.avenues.get(change["new"]) if change["new"] else None
        if avenue is None:
            self.action.options, self.venue_info.value = [], ""
            return
        when = f"<p><i>{esc(_('When: {timing}').format(timing=avenue.timing))}</i></p>" if avenue.timing else ""
        self.venue_info.value = f"<p>{esc(avenue.why)}</p>" + when
        self.action.options = [(a, a) for a in avenue.actions] + [(_("My own action…"), _OWN)]
        self.action.value = avenue.actions[0]

    def _on_action(self, change: Any) -> None:
        self.own_action.layout.display = "" if change["new"] == _OWN else "none"

    def chosen_action(self) -> str:
        return self.own_action.value if self.action.value == _OWN else (self.action.value or "")

    def _on_add(self, _button: Any = None) -> None:
        y, m = self.month.value
        item = self.plan.add(y, m, self.venue.value, self.chosen_action(), self.note.value)
        self.note.value = ""
        self.own_action.value = ""
        self.status.value = f"<p>✔ {esc(_('Added: {action}').format(action=self.plan.describe(item)))}</p>"
        self._refresh_plan()

    def _on_remove(self, _button: Any = None) -> None:
        if self.remove_choice.value is None:
            raise PlanError(_("Choose the action to remove in the list first."))
        item = self.plan.remove(self.remove_choice.value)
        self.status.value = f"<p>{esc(_('Removed: {action}').format(action=self.plan.describe(item)))}</p>"
        self._refresh_plan()

    def _filename(self, ext: str) -> str:
        y, m = self.plan.start
        return f"advocacy-plan-{y:04d}-{m:02d}.{ext}"

    def _on_csv(self, _button: Any = None) -> None:
        self._download("csv")

    def _on_markdown(self, _button: Any = None) -> None:
        self._download("md")

    def _download(self, ext: str) -> None:
        if not self.plan.items:
            raise PlanError(_("The plan is empty: add at least one action before downloading it."))
        self.plan.set_title(self.title.value)
        if ext == "csv":
            payload, mime = self.plan.to_csv().encode("utf-8"), "text/csv;charset=utf-8"
        else:
            payload, mime = self.plan.to_markdown().encode("utf-8"), "text/markdown;charset=utf-8"
        filename = self._filename(ext)
        self.links[ext] = download_link(payload, filename, mime, _("Download {file}").format(file=filename))
        # Both files stay offered: preparing the Markdown must not take the CSV link away.
        shown = " ".join(f"⬇ {self.links[k]}" for k in ("csv", "md") if k in self.links)
        self.downloads.value = f'<p class="idpc-downloads">{shown}</p>'
        ready = _("{file} is ready: click the link below to save it.").format(file=filename)
        self.status.value = f"<p>✔ {esc(ready)}</p>"

    def load_csv(self, payload: bytes, name: str = "the file") -> None:
        """Replace the plan by one read from a CSV (the upload calls this)."""
        plan = Plan.from_csv(payload, self.content, self.moments, name=name)
        plan.title = self.plan.title
        self.plan = plan
        y, m = plan.start
        with self.start_year.hold_trait_notifications(), self.start_month.hold_trait_notifications():
            if y not in self.start_year.options:
                self.start_year.options = sorted({*self.start_year.options, y})
            self.start_year.value, self.start_month.value = y, m
        self._refresh_months()
        self._refresh_plan()
        loaded = ngettext(
            "Loaded one action from {name} ({period}).", "Loaded {n} actions from {name} ({period}).", len(plan.items)
        ).format(n=len(plan.items), name=name, period=plan.period)
        self.status.value = f"<p>✔ {esc(loaded)}</p>"

    def _on_upload(self, change: Any) -> None:
        files: Iterable[Any] = change["new"] or ()
        try:
            for f in files:
                unnamed = _("the file")
                name = str(f.get("name") or unnamed) if isinstance(f, dict) else str(getattr(f, "name", unnamed))
                content = f.get("content") if isinstance(f, dict) else getattr(f, "content", b"")
                self.load_csv(bytes(content), name=name)
        finally:
            if files:
                self.upload.value = ()  # so the same file can be chosen again after fixing it

    def _on_example(self, change: Any) -> None:
        shown = bool(change["new"])
        if shown:
            y, m = self.plan.start
            ex = example_plan(y, m, self.content, self.moments)
            rows = "".join(
                f"<tr><td>{esc(month_label(*i.key))}</td><td>{esc(city_name(ex.avenues[i.avenue_id].city))}</td>"
                f"<td>{esc(i.action)}</td><td>{esc(i.note)}</td></tr>"
                for i in ex.items
            )
            lead = _(
                "One way to use the calendar: every recurring moment in your 12 months. Real plans are "
                "shorter and pick what the organisation can carry."
            )
            self.example.value = (
                f"<p>{esc(lead)}</p>"
                '<div class="idpc-scroll"><table class="idpckit-plan-table">'
                + _head(_("Month"), _("Where"), _("Action"), _("Why"))
                + f"<tbody>{rows}</tbody></table></div>"
            )
        self.example.layout.display = "" if shown else "none"
        self.example_toggle.description = _("Hide the example plan") if shown else _("Show an example plan")


def _head(*names: str) -> str:
    """A table's header row, its names escaped."""
    return "<thead><tr>" + "".join(f"<th>{esc(n)}</th>" for n in names) + "</tr></thead>"

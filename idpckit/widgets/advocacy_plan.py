"""Lesson 5's exercise: build a 12-month advocacy plan and take it home.

The note lists openings in Vienna, Geneva, New York and at home, and a yearly
rhythm (the March CND session, the autumn thematic intersessionals of Box 1,
the 26 June day of action, the July High Level Political Forum).  This module
turns that into a planner: for each month it suggests the moments that fall in
it, the trainee picks a venue and one of the actions the note recommends there
(``data/avenues.yaml``) or writes their own, and the plan is reviewed as it
grows (is there a meeting with the government before each CND meeting? is
Geneva or New York missing?).  The plan leaves the page as a CSV or Markdown
download, and a saved CSV can be loaded back, because a Voilà kernel forgets
everything when the tab closes.

:class:`Plan` is pure (no widgets): the tests build plans, export and re-import
them.  :class:`AdvocacyPlanBuilder` is the widget around it.
"""

from __future__ import annotations

import calendar as _calendar
import csv
import datetime as dt
import html
import io
import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..data import Content, data_dir, load
from ..schema import WorkplanYear

log = logging.getLogger(__name__)

#: The yearly calendar of openings, relative to the data folder.
CALENDAR_FILE = Path("exercises") / "computed" / "05-calendar.yaml"

CITIES = ("Vienna", "Geneva", "New York", "National")
MAX_ITEMS = 120
MAX_ACTION = 300
MAX_NOTE = 500
MAX_TITLE = 120
MAX_UPLOAD_BYTES = 200_000

#: Column order of the CSV export (and what the import expects).
CSV_COLUMNS = ("month", "city", "venue", "avenue_id", "action", "note")

_MONTH_NAMES = {name.lower(): i for i, name in enumerate(_calendar.month_name) if name}


class PlanError(ValueError):
    """Something the trainee asked for cannot be done; the message says why in plain words."""


@dataclass(frozen=True)
class Moment:
    """A recurring opening in the year (``data/exercises/computed/05-calendar.yaml``)."""

    id: str
    avenue: str
    months: tuple[int, ...]
    title: str
    advice: str


@dataclass(frozen=True)
class Suggestion:
    """A moment placed in one month of the plan, with its venue's details."""

    year: int
    month: int
    moment_id: str
    title: str
    advice: str
    avenue_id: str
    city: str
    venue: str
    timing: str


@dataclass(frozen=True)
class PlanItem:
    """One action in one month."""

    year: int
    month: int
    avenue_id: str
    action: str
    note: str = ""

    @property
    def key(self) -> tuple[int, int]:
        return (self.year, self.month)


@dataclass(frozen=True)
class Finding:
    """One line of the plan review: something done well (``ok``) or a tip."""

    ok: bool
    message: str

    @property
    def symbol(self) -> str:
        return "✔" if self.ok else "➜"

    @property
    def label(self) -> str:
        return "Done" if self.ok else "Tip"


def month_label(year: int, month: int) -> str:
    return f"{_calendar.month_name[month]} {year}"


def load_calendar(content: Content | None = None, path: str | os.PathLike[str] | None = None) -> list[Moment]:
    """Read the calendar of openings, checking every entry against ``avenues.yaml``."""
    import yaml

    content = content or load()
    path = Path(path) if path is not None else data_dir(content.root) / CALENDAR_FILE
    shown = "exercises/computed/" + path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise PlanError(f"{shown} is missing; the advocacy plan builder needs it.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PlanError(f"{shown} could not be read as YAML: {exc}") from None
    items = raw.get("calendar") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise PlanError(f"{shown} must have a 'calendar:' list.")
    avenues = {a.id for a in content.avenues}
    moments, seen = [], set()
    for i, item in enumerate(items, start=1):
        where = f"{shown}, entry {i}"
        if not isinstance(item, dict):
            raise PlanError(f"{where} must be a mapping of field: value.")
        for key in ("id", "avenue", "months", "title"):
            if not item.get(key):
                raise PlanError(f"{where}: field '{key}' is missing or empty.")
        if item["id"] in seen:
            raise PlanError(f"{where}: id '{item['id']}' is used twice.")
        seen.add(item["id"])
        if item["avenue"] not in avenues:
            raise PlanError(f"{where}: avenue '{item['avenue']}' is not an id in avenues.yaml.")
        months = item["months"] if isinstance(item["months"], list) else [item["months"]]
        if not all(isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in months):
            raise PlanError(f"{where}: months must be whole numbers from 1 to 12.")
        moments.append(
            Moment(
                str(item["id"]),
                str(item["avenue"]),
                tuple(months),
                str(item["title"]).strip(),
                str(item.get("advice") or "").strip(),
            )
        )
    return moments


def held_months(held: str) -> list[int]:
    """Months named in a workplan ``held`` cell, e.g. "23-25 October and 4-6 December 2023" -> [10, 12]."""
    found = [_MONTH_NAMES[w.lower()] for w in re.findall(r"[A-Za-z]+", held) if w.lower() in _MONTH_NAMES]
    return sorted(set(found))


# --------------------------------------------------------------------------- the plan


class Plan:
    """A 12-month plan: which action, at which venue, in which month.

    Pure Python: build it, ``add`` and ``remove`` items, ask for ``suggestions``
    and a ``review``, export ``to_csv``/``to_markdown``, read back ``from_csv``.
    Errors raise :class:`PlanError` with a message meant for the trainee.
    """

    def __init__(
        self,
        start_year: int,
        start_month: int,
        content: Content | None = None,
        moments: list[Moment] | None = None,
        title: str = "",
    ) -> None:
        if not 1 <= start_month <= 12:
            raise PlanError("The first month must be between 1 (January) and 12 (December).")
        self.content = content or load()
        self.moments = moments if moments is not None else load_calendar(self.content)
        self.avenues = {a.id: a for a in self.content.avenues}
        self.start = (start_year, start_month)
        self.title = title
        self.items: list[PlanItem] = []

    # -- months
    @property
    def months(self) -> list[tuple[int, int]]:
        """The 12 (year, month) pairs of the plan, in order."""
        y, m = self.start
        out = []
        for _ in range(12):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    @property
    def period(self) -> str:
        first, last = self.months[0], self.months[-1]
        return f"{month_label(*first)} to {month_label(*last)}"

    def set_start(self, year: int, month: int) -> None:
        """Move the plan's window; refused if that would leave planned actions outside it."""
        probe = Plan(year, month, self.content, self.moments)
        outside = sorted({month_label(*i.key) for i in self.items if i.key not in probe.months})
        if outside:
            raise PlanError(
                f"The plan already has actions in {', '.join(outside)}, which would fall outside "
                f"{probe.period}. Remove them first, or choose another first month."
            )
        self.start = (year, month)

    # -- suggestions from the calendar and Box 1
    def intersessional(self, year: int) -> tuple[list[int], WorkplanYear | None]:
        """Months of the CND thematic meeting(s) in ``year``, and its Box 1 row if there is one."""
        row = next((w for w in self.content.workplan if w.year == year), None)
        default = next((m.months for m in self.moments if m.id == "intersessional"), (10,))
        if row is None or not held_months(row.held):
            return list(default), row
        return held_months(row.held), row

    def suggestions(self, year: int, month: int) -> list[Suggestion]:
        """The openings that fall in one month of the plan."""
        out = []
        for m in self.moments:
            months = list(m.months)
            title, advice = m.title, m.advice
            if m.id == "intersessional":
                months, row = self.intersessional(year)
                if row is not None:
                    title = f"Box 1, {year}: {row.theme}"
                    advice = f"{m.advice} The {year} meeting covered: {row.topics}; held {row.held}."
            if month not in months:
                continue
            a = self.avenues[m.avenue]
            out.append(Suggestion(year, month, m.id, title, advice, a.id, a.city, a.venue, a.timing))
        return out

    # -- editing
    def add(self, year: int, month: int, avenue_id: str, action: str, note: str = "") -> PlanItem:
        if (year, month) not in self.months:
            raise PlanError(f"{month_label(year, month)} is not one of the 12 months of this plan ({self.period}).")
        if avenue_id not in self.avenues:
            raise PlanError("Choose a venue first.")
        action = " ".join((action or "").split())
        note = (note or "").strip()
        if not action:
            raise PlanError("Choose an action, or write your own, before adding it.")
        if len(action) > MAX_ACTION:
            raise PlanError(f"The action is {len(action)} characters long; keep it under {MAX_ACTION}.")
        if len(note) > MAX_NOTE:
            raise PlanError(f"The note is {len(note)} characters long; keep it under {MAX_NOTE}.")
        if len(self.items) >= MAX_ITEMS:
            raise PlanError(f"The plan already has {MAX_ITEMS} actions; remove some before adding more.")
        item = PlanItem(year, month, avenue_id, action, note)
        if any((i.key, i.avenue_id, i.action) == (item.key, item.avenue_id, item.action) for i in self.items):
            raise PlanError(f"That action is already in the plan for {month_label(year, month)}.")
        self.items.append(item)
        order = {k: n for n, k in enumerate(self.months)}
        self.items.sort(key=lambda i: order[i.key])  # stable: same-month items keep the order they were added
        return item

    def remove(self, index: int) -> PlanItem:
        if not 0 <= index < len(self.items):
            raise PlanError("Choose an action of the plan to remove.")
        return self.items.pop(index)

    def in_month(self, year: int, month: int) -> list[PlanItem]:
        return [i for i in self.items if i.key == (year, month)]

    def describe(self, item: PlanItem) -> str:
        a = self.avenues[item.avenue_id]
        return f"{month_label(*item.key)} · {a.city} · {a.venue} · {item.action}"

    # -- review (the immediate feedback)
    def review(self) -> list[Finding]:
        """What the plan already does well, and tips drawn from the note's advice."""
        if not self.items:
            return [Finding(False, "The plan is empty: choose a month, a venue and an action, then press “Add”.")]
        out: list[Finding] = []
        used = {i.avenue_id for i in self.items}
        gov_months = sorted(self.months.index(i.key) for i in self.items if i.avenue_id == "vienna-government-meetings")
        for moment_id, name in (("cnd-session", "the March CND session"), ("intersessional", "the CND intersessional")):
            for idx, (y, m) in enumerate(self.months):
                if not any(s.moment_id == moment_id for s in self.suggestions(y, m)):
                    continue
                before = [g for g in gov_months if idx - 2 <= g <= idx]
                if before:
                    out.append(Finding(True, f"You meet your government ahead of {name} ({month_label(y, m)})."))
                elif idx >= 1:
                    out.append(
                        Finding(
                            False,
                            f"Nothing with your government in the two months before {name} ({month_label(y, m)}). "
                            "Ask officials beforehand which positions they will take.",
                        )
                    )
        if "national-tracking" in used:
            out.append(Finding(True, "Your plan includes tracking your government's commitments at home."))
        else:
            out.append(
                Finding(
                    False,
                    "Add a yearly grading of your government on the Table 1 commitments, ideally before the "
                    "autumn intersessional (venue: Tracking your government's global commitments at home).",
                )
            )
        if "national-support-dont-punish" not in used:
            june = next(k for k in self.months if k[1] == 6)  # every 12 months include a June
            out.append(
                Finding(
                    False,
                    f"Consider the Support. Don't Punish Global Day of Action in {month_label(*june)} as a hook "
                    "for an event, a seminar with officials or a media story.",
                )
            )
        cities = {self.avenues[a].city for a in used}
        for city in CITIES:
            if city in cities:
                continue
            examples = [a.venue for a in self.content.avenues if a.city == city][:3]
            where = "at home" if city == "National" else f"in {city}"
            out.append(Finding(False, f"Nothing {where} yet; for example: {'; '.join(examples)}."))
        busy = [k for k in self.months if len(self.in_month(*k)) > 4]
        for k in busy:
            out.append(
                Finding(
                    False,
                    f"{month_label(*k)} has {len(self.in_month(*k))} actions: is that realistic for your team?",
                )
            )
        active = len({i.key for i in self.items})
        out.append(Finding(True, f"Actions planned in {active} of the 12 months."))
        return out

    # -- export and import
    def to_rows(self) -> list[dict[str, str]]:
        rows = []
        for i in self.items:
            a = self.avenues[i.avenue_id]
            rows.append(
                {
                    "month": f"{i.year:04d}-{i.month:02d}",
                    "city": a.city,
                    "venue": a.venue,
                    "avenue_id": a.id,
                    "action": i.action,
                    "note": i.note,
                }
            )
        return rows

    def to_csv(self) -> str:
        """The plan as CSV, one action per row; cells that a spreadsheet would run as formulas are defused."""
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in self.to_rows():
            writer.writerow({k: _defuse(v) for k, v in row.items()})
        return buf.getvalue()

    def to_markdown(self) -> str:
        """The plan as a Markdown document: one section per month, then the review."""
        title = self.title.strip() or "Advocacy plan"
        lines = [f"# {_md(title)}", "", f"12 months: {self.period}.", ""]
        for y, m in self.months:
            lines.append(f"## {month_label(y, m)}")
            lines.append("")
            items = self.in_month(y, m)
            if not items:
                lines.append("Nothing planned.")
            for i in items:
                a = self.avenues[i.avenue_id]
                lines.append(f"- **{_md(a.city)}, {_md(a.venue)}:** {_md(i.action)}")
                if i.note:
                    lines.append(f"  *Note:* {_md(i.note)}")
            lines.append("")
        lines += ["## Review", ""]
        lines += [f"- {f.label}: {_md(f.message)}" for f in self.review()]
        lines += [
            "",
            "Made with idpckit, from the venues and actions in IDPC's advocacy note on the 2019 "
            "Ministerial Segment (September 2019).",
            "",
        ]
        return "\n".join(lines)

    @classmethod
    def from_csv(
        cls,
        payload: bytes | str,
        content: Content | None = None,
        moments: list[Moment] | None = None,
        name: str = "the file",
    ) -> Plan:
        """Read a plan exported by :meth:`to_csv` (or edited in a spreadsheet) back in.

        The plan starts in the earliest month of the file.  Every problem is
        reported with its row number; nothing half-read is returned.
        """
        if isinstance(payload, bytes):
            if len(payload) > MAX_UPLOAD_BYTES:
                raise PlanError(f"{name} is larger than {MAX_UPLOAD_BYTES // 1000} kB; is it really a plan?")
            try:
                payload = payload.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise PlanError(f"{name} is not UTF-8 text; export it again as 'CSV UTF-8'.") from None
        payload = payload.lstrip("\ufeff")
        reader = csv.DictReader(io.StringIO(payload, newline=""))
        missing = [c for c in ("month", "avenue_id", "action") if c not in (reader.fieldnames or [])]
        if missing:
            raise PlanError(
                f"{name} does not look like a plan exported here: the column(s) {', '.join(missing)} are missing."
            )
        content = content or load()
        known = {a.id for a in content.avenues}
        parsed: list[tuple[int, tuple[int, int], str, str, str]] = []
        problems = []
        for n, row in enumerate(reader, start=2):
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            month = (row.get("month") or "").strip()
            match = re.fullmatch(r"(\d{4})-(\d{1,2})", month)
            if not match or not 1 <= int(match.group(2)) <= 12:
                problems.append(f"row {n}: month '{month}' should look like 2026-03")
                continue
            avenue_id = (row.get("avenue_id") or "").strip()
            if avenue_id not in known:
                problems.append(f"row {n}: venue id '{avenue_id}' is not one of the venues in avenues.yaml")
                continue
            parsed.append(
                (
                    n,
                    (int(match.group(1)), int(match.group(2))),
                    avenue_id,
                    _undefuse(row.get("action") or ""),
                    _undefuse(row.get("note") or ""),
                )
            )
        if problems:
            raise PlanError(
                f"{name} could not be read: " + "; ".join(problems[:5]) + ("; ..." if len(problems) > 5 else "")
            )
        if not parsed:
            raise PlanError(f"{name} has no actions in it.")
        start = min(p[1] for p in parsed)
        plan = cls(start[0], start[1], content, moments)
        for n, (y, m), avenue_id, action, note in parsed:
            try:
                plan.add(y, m, avenue_id, action, note)
            except PlanError as exc:
                raise PlanError(f"{name}, row {n}: {exc}") from None
        return plan


def _defuse(value: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _undefuse(value: str) -> str:
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@", "\t", "\r") else value


def _md(text: str) -> str:
    """Text made inert in Markdown: no HTML, links, emphasis or headings slip through."""
    text = " ".join(text.split())
    text = html.escape(text, quote=False)
    return re.sub(r"([\\`*_\[\]#|!])", r"\\\1", text)


def example_plan(
    start_year: int, start_month: int, content: Content | None = None, moments: list[Moment] | None = None
) -> Plan:
    """A worked example for trainers: every calendar moment in the 12 months, as an action.

    It is one reasonable plan, not the answer: real plans are shorter and
    choose what the organisation can carry.
    """
    plan = Plan(start_year, start_month, content, moments, title="Example plan (every moment of the calendar)")
    done: set[str] = set()
    for y, m in plan.months:
        for s in plan.suggestions(y, m):
            if s.moment_id not in done:  # once each: the first month it can happen in
                plan.add(y, m, s.avenue_id, s.title, s.advice)
                done.add(s.moment_id)
    return plan


# --------------------------------------------------------------------------- widget

_OWN = "__own__"

#: ipywidgets cuts long radio labels to one line; the actions are sentences, so let them wrap.
_STYLE = """<style>
.idpckit-plan .widget-radio-box label {white-space: normal !important; width: auto !important;
  height: auto !important; overflow: visible !important; margin-bottom: 0.4em; display: flex !important;
  align-items: flex-start;}
.idpckit-plan .widget-radio-box label input {flex: none; order: -1; margin: 0.25em 0.5em 0 0;}
.idpckit-plan .widget-radio-box {width: 100% !important; height: auto !important;}
.idpckit-plan-table td, .idpckit-plan-table th {border: 1px solid #999; padding: 0.2em 0.4em; text-align: left;
  vertical-align: top;}
</style>"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


class AdvocacyPlanBuilder:
    """The planner as widgets.  Show ``builder.widget``; tests set values and ``.click()``."""

    def __init__(self, content: Content | None = None, today: dt.date | None = None) -> None:
        import ipywidgets as w

        self.content = content or load()
        self.today = today or dt.date.today()
        self.moments = load_calendar(self.content)
        self.plan = Plan(self.today.year, self.today.month, self.content, self.moments)
        wide = w.Layout(width="100%")
        style = {"description_width": "10em"}

        years = list(range(min(2019, self.today.year), self.today.year + 4))
        self.start_month = w.Dropdown(
            options=[(_calendar.month_name[i], i) for i in range(1, 13)],
            value=self.today.month,
            description="First month",
            style=style,
        )
        self.start_year = w.Dropdown(
            options=years, value=self.today.year, description="Year", style={"description_width": "4em"}
        )
        self.month = w.Dropdown(description="Month", style=style, layout=w.Layout(width="22em"))
        self.suggestion_box = w.HTML()
        self.city = w.ToggleButtons(options=list(CITIES), value=CITIES[0], description="Where", style=style)
        self.venue = w.Dropdown(description="Venue", style=style, layout=wide)
        self.venue_info = w.HTML()
        self.action = w.RadioButtons(description="Action", style=style, layout=wide)
        self.own_action = w.Text(
            description="Your own action",
            placeholder="e.g. Brief the new diplomat at our Permanent Mission in Vienna",
            style=style,
            layout=w.Layout(width="100%", display="none"),
        )
        self.note = w.Text(
            description="Note (optional)", placeholder="who does it, with whom, by when", style=style, layout=wide
        )
        self.add_button = w.Button(description="Add to the plan", button_style="primary", icon="plus")
        self.status = w.HTML()
        self.table = w.HTML()
        self.remove_choice = w.Dropdown(description="Remove", style=style, layout=wide)
        self.remove_button = w.Button(description="Remove this action", icon="trash")
        self.review_box = w.HTML()
        self.title = w.Text(
            description="Plan title", placeholder="e.g. Our 2026-27 plan (NGO name)", style=style, layout=wide
        )
        self.csv_button = w.Button(description="Prepare CSV download", icon="download")
        self.md_button = w.Button(description="Prepare Markdown download", icon="download")
        self.downloads = w.HTML()
        self.upload = w.FileUpload(accept=".csv", multiple=False, description="Load a saved plan (CSV)")
        self.example_toggle = w.ToggleButton(description="Show an example plan", icon="eye", tooltip="For trainers")
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
            return w.HTML(f"<h4>{_esc(text)}</h4>")

        self.widget = w.VBox(
            [
                w.HTML(_STYLE),
                section("1. Your 12 months"),
                w.HBox([self.start_month, self.start_year], layout=w.Layout(flex_flow="row wrap")),
                section("2. Add actions, month by month"),
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
                section("3. Your plan"),
                self.table,
                w.HBox([self.remove_choice, self.remove_button], layout=w.Layout(flex_flow="row wrap")),
                section("4. How the plan looks"),
                self.review_box,
                section("5. Take it with you"),
                w.HTML(
                    "<p><i>Nothing is saved on the server: download the plan before you close the page. "
                    "A saved CSV can be loaded back here.</i></p>"
                ),
                self.title,
                w.HBox([self.csv_button, self.md_button, self.upload], layout=w.Layout(flex_flow="row wrap")),
                self.downloads,
                self.example_toggle,
                self.example,
            ],
            layout=wide,
        )
        self.widget.add_class("idpckit-plan")
        self._refresh_months()
        self._on_city({"new": self.city.value})
        self._refresh_plan()

    # -- helpers
    def _safe(self, fn: Callable[..., None]) -> Callable[..., None]:
        """Voilà hides tracebacks: show a plain message in the page instead."""

        def run(*args: Any) -> None:
            try:
                fn(*args)
            except PlanError as exc:
                self.status.value = f'<p role="alert">✖ {_esc(str(exc))}</p>'
            except Exception as exc:  # shown to the user, logged for the trainer
                log.exception("advocacy plan builder failed")
                self.status.value = (
                    f'<p role="alert">✖ Sorry, something went wrong ({_esc(type(exc).__name__)}: {_esc(str(exc))}). '
                    "Your plan is unchanged; please tell your trainer.</p>"
                )

        return run

    def _refresh_months(self) -> None:
        current = self.month.value
        options = [(month_label(y, m), (y, m)) for y, m in self.plan.months]
        self.month.options = options
        self.month.value = current if current in self.plan.months else self.plan.months[0]
        self._on_month({"new": self.month.value})

    def _refresh_plan(self) -> None:
        if self.plan.items:
            rows = "".join(
                f"<tr><td>{_esc(month_label(*i.key))}</td><td>{_esc(self.plan.avenues[i.avenue_id].city)}</td>"
                f"<td>{_esc(self.plan.avenues[i.avenue_id].venue)}</td><td>{_esc(i.action)}</td>"
                f"<td>{_esc(i.note)}</td></tr>"
                for i in self.plan.items
            )
            self.table.value = (
                '<div style="overflow-x:auto;max-width:100%"><table class="idpckit-plan-table" style="border-collapse:collapse">'
                "<thead><tr><th>Month</th><th>Where</th><th>Venue</th><th>Action</th><th>Note</th></tr></thead>"
                f"<tbody>{rows}</tbody></table></div>"
            )
        else:
            self.table.value = "<p>No actions yet.</p>"
        self.remove_choice.options = [(self.plan.describe(i), n) for n, i in enumerate(self.plan.items)]
        self.remove_choice.value = None
        self.remove_button.disabled = not self.plan.items
        findings = "".join(f"<li><b>{f.symbol} {f.label}:</b> {_esc(f.message)}</li>" for f in self.plan.review())
        self.review_box.value = f'<ul role="status" aria-live="polite">{findings}</ul>'
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
        self.status.value = f"<p>Your plan runs from {_esc(self.plan.period)}.</p>"
        self._refresh_months()
        self._refresh_plan()

    def _on_month(self, change: Any) -> None:
        if not change["new"]:
            return
        y, m = change["new"]
        found = self.plan.suggestions(y, m)
        if not found:
            self.suggestion_box.value = (
                f"<p>No fixed UN moment in {_esc(month_label(y, m))}: a good month for work at home or in Geneva.</p>"
            )
            return
        items = "".join(
            f"<li><b>{_esc(s.title)}</b> ({_esc(s.city)}): {_esc(s.advice)}"
            + (f" <i>When: {_esc(s.timing)}</i>" if s.timing else "")
            + "</li>"
            for s in found
        )
        self.suggestion_box.value = f"<p>Openings in {_esc(month_label(y, m))}:</p><ul>{items}</ul>"

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
        info = f"<p>{_esc(avenue.why)}</p>" + (f"<p><i>When: {_esc(avenue.timing)}</i></p>" if avenue.timing else "")
        self.venue_info.value = info
        self.action.options = [(a, a) for a in avenue.actions] + [("My own action…", _OWN)]
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
        self.status.value = f"<p>✔ Added: {_esc(self.plan.describe(item))}</p>"
        self._refresh_plan()

    def _on_remove(self, _button: Any = None) -> None:
        if self.remove_choice.value is None:
            raise PlanError("Choose the action to remove in the list first.")
        item = self.plan.remove(self.remove_choice.value)
        self.status.value = f"<p>Removed: {_esc(self.plan.describe(item))}</p>"
        self._refresh_plan()

    def _filename(self, ext: str) -> str:
        y, m = self.plan.start
        return f"advocacy-plan-{y:04d}-{m:02d}.{ext}"

    def _on_csv(self, _button: Any = None) -> None:
        self._download("csv")

    def _on_markdown(self, _button: Any = None) -> None:
        self._download("md")

    def _download(self, ext: str) -> None:
        from ._base import download_link

        if not self.plan.items:
            raise PlanError("The plan is empty: add at least one action before downloading it.")
        title = " ".join(self.title.value.split())
        if len(title) > MAX_TITLE:
            raise PlanError(f"The title is {len(title)} characters long; keep it under {MAX_TITLE}.")
        self.plan.title = title
        if ext == "csv":
            payload, mime = self.plan.to_csv().encode("utf-8"), "text/csv;charset=utf-8"
        else:
            payload, mime = self.plan.to_markdown().encode("utf-8"), "text/markdown;charset=utf-8"
        filename = self._filename(ext)
        self.downloads.value = f"<p>⬇ {download_link(payload, filename, mime, f'Download {filename}')}</p>"
        self.status.value = f"<p>✔ {_esc(filename)} is ready: click the link below to save it.</p>"

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
        self.status.value = f"<p>✔ Loaded {len(plan.items)} actions from {_esc(name)} ({_esc(plan.period)}).</p>"

    def _on_upload(self, change: Any) -> None:
        files: Iterable[Any] = change["new"] or ()
        try:
            for f in files:
                name = str(f.get("name") or "the file") if isinstance(f, dict) else str(getattr(f, "name", "the file"))
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
                f"<tr><td>{_esc(month_label(*i.key))}</td><td>{_esc(ex.avenues[i.avenue_id].city)}</td>"
                f"<td>{_esc(i.action)}</td><td>{_esc(i.note)}</td></tr>"
                for i in ex.items
            )
            self.example.value = (
                "<p>One way to use the calendar: every recurring moment in your 12 months. Real plans are "
                "shorter and pick what the organisation can carry.</p>"
                '<div style="overflow-x:auto;max-width:100%"><table class="idpckit-plan-table">'
                "<thead><tr><th>Month</th><th>Where</th><th>Action</th><th>Why</th></tr></thead>"
                f"<tbody>{rows}</tbody></table></div>"
            )
        self.example.layout.display = "" if shown else "none"
        self.example_toggle.description = "Hide the example plan" if shown else "Show an example plan"

"""The 12-month advocacy plan of lesson 5, as a pure model (the widget is :mod:`idpckit.widgets.advocacy_plan`).

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
them, and :func:`idpckit.exercises.grade` turns its review into feedback.  The
calendar of openings is the ``calendar`` of the ``kind: plan`` exercise in
``data/exercises/05-calendar.yaml``, validated like every exercise.
"""

from __future__ import annotations

import calendar as _calendar
import csv
import datetime as _dt
import io
import re
from dataclasses import dataclass

from ..data import Content, load
from ..i18n import N_, colon, current
from ..schema import CND_CALENDAR_URL, LATER_STATUSES
from ..text import md, neutralise_formula, restore_formula
from .feedback import _, ngettext
from .specs import ExerciseError, Moment, PlanSpec

#: The plan exercise: (exercise file, id).  Its ``calendar`` holds the yearly openings.
CALENDAR = ("05-calendar", "advocacy-plan")

CITIES = ("Vienna", "Geneva", "New York", "National")
#: The cities in words (the data keeps the English names as ids; pages show :func:`city_name`).
CITY_NAMES = {"Vienna": N_("Vienna"), "Geneva": N_("Geneva"), "New York": N_("New York"), "National": N_("National")}
MAX_ITEMS = 120
MAX_ACTION = 300
MAX_NOTE = 500
MAX_TITLE = 120
MAX_UPLOAD_BYTES = 200_000

#: Column order of the CSV export (and what the import expects).
CSV_COLUMNS = ("month", "city", "venue", "avenue_id", "action", "note")

_MONTH_NAMES = {name.lower(): i for i, name in enumerate(_calendar.month_name) if name}


#: What the review says about meeting your government before a moment: (met, missed), by moment id.
_GOVERNMENT_BEFORE = {
    "cnd-session": (
        _("You meet your government ahead of the March CND session ({month})."),
        _(
            "Nothing with your government in the two months before the March CND session ({month}). "
            "Ask officials beforehand which positions they will take."
        ),
    ),
    "intersessional": (
        _("You meet your government ahead of the CND intersessional ({month})."),
        _(
            "Nothing with your government in the two months before the CND intersessional ({month}). "
            "Ask officials beforehand which positions they will take."
        ),
    ),
}


class PlanError(ValueError):
    """Something the trainee asked for cannot be done; the message says why in plain words."""


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
    #: False for a reminder to check the date of a meeting the kit's records do not date.
    dated: bool = True


@dataclass(frozen=True)
class YearMeeting:
    """The CND thematic meeting of one year, as far as the kit's records date it.

    Box 1 (``workplan.csv``) dates the meetings of 2019-2023 and
    ``intersessionals.csv`` those of the 2024-2028 work plan.  A year neither
    dates gets ``dated=False``: its ``months`` are then when to remind the
    trainee to check the CND calendar, never a guessed month for the meeting.
    """

    year: int
    months: tuple[int, ...]
    title: str
    advice: str
    dated: bool


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
        return _("Done") if self.ok else _("Tip")


def month_label(year: int, month: int) -> str:
    """ "March 2026" in the language in use ("marzo de 2026", "mars 2026", "март 2026 г.")."""
    if current() == "en":
        return f"{_calendar.month_name[month]} {year}"
    from babel.dates import format_skeleton

    return format_skeleton("yMMMM", _dt.date(year, month, 1), locale=current())


def month_name(month: int) -> str:
    """A month's name on its own, in the language in use ("January", "enero", "janvier", "январь")."""
    if current() == "en":
        return _calendar.month_name[month]
    from babel.dates import get_month_names

    return get_month_names("wide", context="stand-alone", locale=current())[month]


def city_name(city: str) -> str:
    """A city of ``avenues.yaml`` ("Vienna", …, "National") in the language in use."""
    return _(CITY_NAMES[city]) if city in CITY_NAMES else city


def plan_spec(content: Content | None = None) -> PlanSpec:
    """The plan exercise (``kind: plan``), its calendar's venues checked against ``avenues.yaml``.

    Raises :class:`~idpckit.exercises.specs.ExerciseError` naming the file, the
    exercise and the field when the calendar is wrong.
    """
    from .loading import load as load_exercises

    name, exercise_id = CALENDAR
    spec = load_exercises(name, content or load()).get(exercise_id)
    if not isinstance(spec, PlanSpec):
        raise ExerciseError(
            _("exercises/{name}.yaml: '{id}' must be an exercise of kind 'plan'").format(name=name, id=exercise_id)
        )
    return spec


def load_calendar(content: Content | None = None) -> list[Moment]:
    """The yearly openings the builder suggests (the ``calendar`` of :func:`plan_spec`)."""
    return list(plan_spec(content).calendar)


def date_span(start: str, end: str = "") -> str:
    """ "2024-11-12", "2024-11-14" -> "12-14 November 2024" (a partial date keeps what it has)."""

    def words(d: str, year: bool = True, month: bool = True) -> str:
        parts = [str(int(d[8:10]))] if len(d) >= 10 else []
        parts += [_calendar.month_name[int(d[5:7])]] if len(d) >= 7 and month else []
        return " ".join(parts + ([d[:4]] if year else []))

    if not end or end == start:
        return words(start)
    if start[:7] == end[:7] and len(start) >= 10:
        return f"{int(start[8:10])}–{words(end)}"
    return f"{words(start, year=start[:4] != end[:4])} – {words(end)}"


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
            raise PlanError(_("The first month must be between 1 (January) and 12 (December)."))
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
        for _month in range(12):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    @property
    def period(self) -> str:
        first, last = self.months[0], self.months[-1]
        return _("{first} to {last}").format(first=month_label(*first), last=month_label(*last))

    def set_title(self, title: str) -> None:
        """Name the plan (shown at the top of the Markdown); refused when longer than :data:`MAX_TITLE`."""
        title = " ".join((title or "").split())
        if len(title) > MAX_TITLE:
            raise PlanError(
                _("The title is {n} characters long; keep it under {max}.").format(n=len(title), max=MAX_TITLE)
            )
        self.title = title

    def set_start(self, year: int, month: int) -> None:
        """Move the plan's window; refused if that would leave planned actions outside it."""
        probe = Plan(year, month, self.content, self.moments)
        outside = sorted({month_label(*i.key) for i in self.items if i.key not in probe.months})
        if outside:
            raise PlanError(
                _(
                    "The plan already has actions in {months}, which would fall outside {period}. "
                    "Remove them first, or choose another first month."
                ).format(months=", ".join(outside), period=probe.period)
            )
        self.start = (year, month)

    # -- suggestions from the calendar, Box 1 and the 2024-2028 work plan
    def meeting(self, year: int) -> YearMeeting:
        """When the CND thematic meeting of ``year`` is held, or, when no record says, a reminder to check."""
        moment = next((m for m in self.moments if m.id == "intersessional"), None)
        advice = moment.advice if moment else ""
        row = next((w for w in self.content.workplan if w.year == year and year <= 2023), None)
        if row is not None and held_months(row.held):
            return YearMeeting(
                year,
                tuple(held_months(row.held)),
                f"Box 1, {year}: {row.theme}",
                f"{advice} The {year} meeting covered: {row.topics}; held {row.held}.",
                True,
            )
        later = next((x for x in self.content.intersessionals if x.year == year), None)
        if later is not None and later.months:
            title = _("CND thematic meeting {year}").format(year=year) + (f": {later.focus}" if later.focus else "")
            when = _("Dates: {dates} ({status}; source in data/intersessionals.csv).").format(
                dates=date_span(later.date, later.date_end), status=LATER_STATUSES[later.status]
            )
            if later.status != "confirmed":
                when += " " + _("Check them on the CND calendar: {url}").format(url=CND_CALENDAR_URL)
            return YearMeeting(year, tuple(later.months), title, f"{advice} {when}".strip(), True)
        title = _("Check the date of the CND's {year} thematic meeting").format(year=year)
        if 2019 <= year <= 2028:
            text = _(
                "The kit has no recorded date for the {year} thematic meeting (these meetings have been held "
                "between September and December). Check the CND calendar ({url}), then plan the meeting with your "
                "government for the two months before it."
            ).format(year=year, url=CND_CALENDAR_URL)
        else:
            text = _(
                "No CND work plan the kit knows of covers {year}: check the CND calendar ({url}) for thematic "
                "meetings, then plan the meeting with your government for the two months before any you find."
            ).format(year=year, url=CND_CALENDAR_URL)
        if later is not None and later.focus:
            text = _("Planned focus: {focus}.").format(focus=later.focus) + " " + text
        return YearMeeting(year, tuple(moment.months if moment else ()), title, text, False)

    def suggestions(self, year: int, month: int) -> list[Suggestion]:
        """The openings that fall in one month of the plan."""
        out = []
        for m in self.moments:
            months = list(m.months)
            title, advice, dated = m.title, m.advice, True
            if m.id == "intersessional":
                found = self.meeting(year)
                months, title, advice, dated = list(found.months), found.title, found.advice, found.dated
            elif m.id == "pre-intersessional-meeting" and (found := self.meeting(year)).dated:
                first = found.months[0]  # the two months before a dated meeting, within its year
                months = [x for x in (first - 2, first - 1) if x >= 1]
            if month not in months:
                continue
            a = self.avenues[m.avenue]
            out.append(Suggestion(year, month, m.id, title, advice, a.id, a.city, a.venue, a.timing, dated))
        return out

    # -- editing
    def add(self, year: int, month: int, avenue_id: str, action: str, note: str = "") -> PlanItem:
        if (year, month) not in self.months:
            raise PlanError(
                _("{month} is not one of the 12 months of this plan ({period}).").format(
                    month=month_label(year, month), period=self.period
                )
            )
        if avenue_id not in self.avenues:
            raise PlanError(_("Choose a venue first."))
        action = " ".join((action or "").split())
        note = (note or "").strip()
        if not action:
            raise PlanError(_("Choose an action, or write your own, before adding it."))
        if len(action) > MAX_ACTION:
            raise PlanError(
                _("The action is {n} characters long; keep it under {max}.").format(n=len(action), max=MAX_ACTION)
            )
        if len(note) > MAX_NOTE:
            raise PlanError(
                _("The note is {n} characters long; keep it under {max}.").format(n=len(note), max=MAX_NOTE)
            )
        if len(self.items) >= MAX_ITEMS:
            raise PlanError(_("The plan already has {n} actions; remove some before adding more.").format(n=MAX_ITEMS))
        item = PlanItem(year, month, avenue_id, action, note)
        if any((i.key, i.avenue_id, i.action) == (item.key, item.avenue_id, item.action) for i in self.items):
            raise PlanError(_("That action is already in the plan for {month}.").format(month=month_label(year, month)))
        self.items.append(item)
        order = {k: n for n, k in enumerate(self.months)}
        self.items.sort(key=lambda i: order[i.key])  # stable: same-month items keep the order they were added
        return item

    def remove(self, index: int) -> PlanItem:
        if not 0 <= index < len(self.items):
            raise PlanError(_("Choose an action of the plan to remove."))
        return self.items.pop(index)

    def in_month(self, year: int, month: int) -> list[PlanItem]:
        return [i for i in self.items if i.key == (year, month)]

    def describe(self, item: PlanItem) -> str:
        a = self.avenues[item.avenue_id]
        return f"{month_label(*item.key)} · {city_name(a.city)} · {a.venue} · {item.action}"

    # -- review (the immediate feedback)
    def review(self) -> list[Finding]:
        """What the plan already does well, and tips drawn from the note's advice."""
        if not self.items:
            return [Finding(False, _("The plan is empty: choose a month, a venue and an action, then press “Add”."))]
        out: list[Finding] = []
        used = {i.avenue_id for i in self.items}
        gov_months = sorted(self.months.index(i.key) for i in self.items if i.avenue_id == "vienna-government-meetings")
        for moment_id, (met, missed) in _GOVERNMENT_BEFORE.items():
            for idx, (y, m) in enumerate(self.months):
                if not any(s.moment_id == moment_id and s.dated for s in self.suggestions(y, m)):
                    continue
                before = [g for g in gov_months if idx - 2 <= g <= idx]
                if before:
                    out.append(Finding(True, met.format(month=month_label(y, m))))
                elif idx >= 1:
                    out.append(Finding(False, missed.format(month=month_label(y, m))))
        undated = sorted({y for y, m in self.months for s in self.suggestions(y, m) if not s.dated})
        for year in undated:
            out.append(
                Finding(
                    False,
                    _(
                        "The date of the CND's {year} thematic meeting is not in the kit's records: check the CND "
                        "calendar ({url}) and plan a meeting with your government in the two months before it."
                    ).format(year=year, url=CND_CALENDAR_URL),
                )
            )
        if "national-tracking" in used:
            out.append(Finding(True, _("Your plan includes tracking your government's commitments at home.")))
        else:
            out.append(
                Finding(
                    False,
                    _(
                        "Add a yearly grading of your government on the Table 1 commitments, ideally before the "
                        "autumn intersessional (venue: Tracking your government's global commitments at home)."
                    ),
                )
            )
        if "national-support-dont-punish" not in used:
            june = next(k for k in self.months if k[1] == 6)  # every 12 months include a June
            out.append(
                Finding(
                    False,
                    _(
                        "Consider the Support. Don't Punish Global Day of Action in {month} as a hook for an event, "
                        "a seminar with officials or a media story."
                    ).format(month=month_label(*june)),
                )
            )
        cities = {self.avenues[a].city for a in used}
        for city in CITIES:
            if city in cities:
                continue
            examples = [a.venue for a in self.content.avenues if a.city == city][:3]
            missing = (
                _("Nothing at home yet; for example: {examples}.")
                if city == "National"
                else _("Nothing in {city} yet; for example: {examples}.")
            )
            out.append(Finding(False, missing.format(city=city_name(city), examples="; ".join(examples))))
        busy = [k for k in self.months if len(self.in_month(*k)) > 4]
        for k in busy:
            out.append(
                Finding(
                    False,
                    _("{month} has {n} actions: is that realistic for your team?").format(
                        month=month_label(*k), n=len(self.in_month(*k))
                    ),
                )
            )
        active = len({i.key for i in self.items})
        out.append(
            Finding(
                True,
                ngettext(
                    "Actions planned in one of the 12 months.", "Actions planned in {n} of the 12 months.", active
                ).format(n=active),
            )
        )
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
            writer.writerow({k: neutralise_formula(v) for k, v in row.items()})
        return buf.getvalue()

    def to_markdown(self) -> str:
        """The plan as a Markdown document: one section per month, then the review."""
        title = self.title.strip() or _("Advocacy plan")
        lines = [f"# {md(title)}", "", _("12 months: {period}.").format(period=self.period), ""]
        for y, m in self.months:
            lines.append(f"## {month_label(y, m)}")
            lines.append("")
            items = self.in_month(y, m)
            if not items:
                lines.append(_("Nothing planned."))
            for i in items:
                a = self.avenues[i.avenue_id]
                lines.append(f"- **{md(city_name(a.city))}, {md(a.venue)}:** {md(i.action)}")
                if i.note:
                    lines.append(f"  *{_('Note:')}* {md(i.note)}")
            lines.append("")
        lines += [f"## {_('Review')}", ""]
        lines += [f"- {colon(f.label)} {md(f.message)}" for f in self.review()]
        lines += [
            "",
            _(
                "Made with idpckit, from the venues and actions in IDPC's advocacy note on the 2019 "
                "Ministerial Segment (September 2019)."
            ),
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
                raise PlanError(
                    _("{name} is larger than {kb} kB; is it really a plan?").format(
                        name=name, kb=MAX_UPLOAD_BYTES // 1000
                    )
                )
            try:
                payload = payload.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise PlanError(
                    _("{name} is not UTF-8 text; export it again as “CSV UTF-8”.").format(name=name)
                ) from None
        payload = payload.lstrip("\ufeff")
        reader = csv.DictReader(io.StringIO(payload, newline=""))
        missing = [c for c in ("month", "avenue_id", "action") if c not in (reader.fieldnames or [])]
        if missing:
            raise PlanError(
                ngettext(
                    "{name} does not look like a plan exported here: the column {columns} is missing.",
                    "{name} does not look like a plan exported here: the columns {columns} are missing.",
                    len(missing),
                ).format(name=name, columns=", ".join(missing))
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
                problems.append(_("row {n}: month '{month}' should look like 2026-03").format(n=n, month=month))
                continue
            avenue_id = (row.get("avenue_id") or "").strip()
            if avenue_id not in known:
                problems.append(
                    _("row {n}: venue id '{id}' is not one of the venues in avenues.yaml").format(n=n, id=avenue_id)
                )
                continue
            parsed.append(
                (
                    n,
                    (int(match.group(1)), int(match.group(2))),
                    avenue_id,
                    restore_formula(row.get("action") or ""),
                    restore_formula(row.get("note") or ""),
                )
            )
        if problems:
            listed = "; ".join(problems[:5]) + ("; ..." if len(problems) > 5 else "")
            raise PlanError(_("{name} could not be read: {problems}").format(name=name, problems=listed))
        if not parsed:
            raise PlanError(_("{name} has no actions in it.").format(name=name))
        start = min(p[1] for p in parsed)
        plan = cls(start[0], start[1], content, moments)
        for n, (y, m), avenue_id, action, note in parsed:
            try:
                plan.add(y, m, avenue_id, action, note)
            except PlanError as exc:
                raise PlanError(_("{name}, row {n}: {problem}").format(name=name, n=n, problem=exc)) from None
        return plan


def example_plan(
    start_year: int, start_month: int, content: Content | None = None, moments: list[Moment] | None = None
) -> Plan:
    """A worked example for trainers: every calendar moment in the 12 months, as an action.

    It is one reasonable plan, not the answer: real plans are shorter and
    choose what the organisation can carry.
    """
    plan = Plan(start_year, start_month, content, moments, title=_("Example plan (every moment of the calendar)"))
    done: set[str] = set()
    for y, m in plan.months:
        for s in plan.suggestions(y, m):
            if s.moment_id not in done:  # once each: the first month it can happen in
                plan.add(y, m, s.avenue_id, s.title, s.advice)
                done.add(s.moment_id)
    return plan

"""The trainer's dashboard: a private, live view of one workshop room.

Opened with the room code *and* the trainer key, both typed (a ``?room=`` link may
pre-fill the code, never the key).  Without the key nothing of the room is shown:
not its name, not how many have submitted.  For NGOs grading their own
government a leak of who graded what can put people at risk, so the page names
drafts (organisation, assessor, time) but never shows a draft's grades, and the
room report it exports names nobody.

Once open, the dashboard checks the store every few seconds (one cheap query,
:meth:`idpckit.rooms.Rooms.fingerprint`) and rebuilds only when something
changed, with the time of the last check on the page; "Refresh now" does the same
at once.  It shows, per country and year and never mixed:

* a heatmap of reviews x commitments: each cell has the score, its symbol and its
  colour (never colour alone);
* each commitment's distribution, median, spread and the coalition rule's flag,
  the most disagreed first, under Krippendorff's alpha read in plain words;
* for the commitment chosen, every review's grade, evidence and recommendation
  side by side, for the debrief.

Exports are built on demand (room report HTML and PDF, CSV, the JSON results and
a zip that ``idpckit aggregate`` reads).  Managing the room (move a review to
another room, withdraw or delete a test submission, close the room) always asks
for a second click to confirm.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from .. import scales
from ..coalition import labels
from ..i18n import N_, _, current, ngettext
from ._base import (
    ErrorBox,
    LoadsOnFirstUse,
    download_link,
    esc,
    full_width,
    light_short,
    style_widget,
    visitor,
    wrap_row,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..data import Content
    from ..rooms import CountryResults, Room, RoomResults, Rooms
    from ..store import Store, Stored

#: A stored review's state in words (translated where shown).
REVIEW_STATES: dict[str, str] = {"draft": N_("draft"), "submitted": N_("submitted")}

#: Seconds between two checks of the store while the dashboard is open.
REFRESH_SECONDS = 5.0


def _state(status: str) -> str:
    """A review's state (draft, submitted) in the language in use."""
    return _(REVIEW_STATES[status]) if status in REVIEW_STATES else status


def _country(g: CountryResults) -> str:
    """The country's name in the language in use (the room's results carry the English one, for its exports)."""
    from ..countries import name

    return name(g.country, current())


def _time(when: dt.datetime | None) -> str:
    return "–" if when is None else when.astimezone().strftime("%H:%M:%S")


def _score_cell(score: int | None, grade: Any) -> str:
    """One heatmap cell: the score, its symbol and its colour; "–" where the review gave none."""
    if score is None:
        not_graded = _("not graded")
        return f"<td class='num' title='{esc(not_graded)}'>–</td>"
    level = scales.FIVE_POINT[score]
    title = _(level.label)
    if isinstance(grade, str):  # a traffic light, counted on the common score
        light = _(scales.LIGHT_WORDS.get(grade, grade))
        title = _("{level} (given as {grade})").format(level=title, grade=light)
    return (
        f"<td class='num' style='background:{level.colour};color:{level.text_colour}' "
        f"title='{esc(title)}'><span aria-hidden='true'>{level.symbol}</span> {score}</td>"
    )


class RoomDashboard(LoadsOnFirstUse):
    """Open a room with its code and trainer key; watch it fill; read the debrief material; export; manage."""

    def __init__(
        self,
        store: Store | None = None,
        content: Content | None = None,
        *,
        client: str = "voila",
        auto_refresh: bool = True,
        refresh_seconds: float = REFRESH_SECONDS,
    ) -> None:
        self._store = store
        self._content = content
        #: The page's language (``?lang=`` or the browser's); the door rebuilds the dashboard when it differs.
        self.language = current()
        self.client = client
        self.refresh_seconds = refresh_seconds
        self.errors = ErrorBox()
        self.room_code = w.Text(
            description=_("Room code"),
            placeholder=_("e.g. K7QD-M2XP"),
            style={"description_width": "8em"},
            layout=w.Layout(width="22em", max_width="100%"),
        )
        self.key = w.Password(
            description=_("Trainer key"),
            placeholder=_("shown once when the room was made"),
            style={"description_width": "8em"},
            layout=w.Layout(width="30em", max_width="100%"),
        )
        self.open_button = w.Button(description=_("Open room"), button_style="primary", tooltip=_("Check the key"))
        self.refresh_button = w.Button(description=_("Refresh now"), icon="refresh", tooltip=_("Read the room again"))
        self.auto = w.Checkbox(value=auto_refresh, description=_("Refresh by itself"), indent=False)
        self.status = w.HTML()
        self.people = w.HTML(layout=full_width())
        self.countries = w.HTML(layout=full_width())
        self.commitment = w.Dropdown(
            description=_("Commitment"), style={"description_width": "8em"}, layout=full_width()
        )
        self.evidence = w.HTML(layout=full_width())
        self.export_button = w.Button(description=_("Prepare downloads"), icon="download")
        self.downloads = w.HTML()
        self.review_choice = w.Dropdown(
            description=_("Review"), style={"description_width": "8em"}, layout=full_width()
        )
        self.target_room = w.Text(
            description=_("To room"), placeholder=_("another room's code"), style={"description_width": "8em"}
        )
        self.move_button = w.Button(description=_("Move to room"))
        self.withdraw_button = w.Button(description=_("Withdraw from room"), tooltip=_("The review stays in the store"))
        self.delete_button = w.Button(description=_("Delete review"), button_style="danger", tooltip=_("For good"))
        self.close_button = w.Button(description=_("Close room"), button_style="warning")
        self.confirm = w.HTML()
        self.confirm_button = w.Button(
            description=_("Yes, do it"), button_style="danger", layout=w.Layout(display="none")
        )
        self.cancel_button = w.Button(description=_("Cancel"), layout=w.Layout(display="none"))
        self.manage_message = ErrorBox()

        self.room: Room | None = None
        self.results: RoomResults | None = None
        self.every: list[Stored] = []
        self.last_checked: dt.datetime | None = None
        self.last_changed: dt.datetime | None = None
        self._fingerprint: tuple[Any, ...] | None = None
        self._pending: tuple[str, Callable[[], str]] | None = None
        self._timer: Any = None
        self._lock = threading.Lock()

        self.open_button.on_click(self.errors.guard(lambda _b: self.open()))
        self.refresh_button.on_click(self.errors.guard(lambda _b: self.refresh(force=True)))
        self.auto.observe(lambda _c: self._schedule(), names="value")
        self.commitment.observe(self.errors.guard(lambda _c: self._show_evidence()), names="value")
        self.export_button.on_click(self.errors.guard(lambda _b: self.prepare_downloads()))
        self.move_button.on_click(self.manage_message.guard(lambda _b: self.ask_move()))
        self.withdraw_button.on_click(self.manage_message.guard(lambda _b: self.ask_withdraw()))
        self.delete_button.on_click(self.manage_message.guard(lambda _b: self.ask_delete()))
        self.close_button.on_click(self.manage_message.guard(lambda _b: self.ask_close()))
        self.confirm_button.on_click(self.manage_message.guard(lambda _b: self.confirm_action()))
        self.cancel_button.on_click(lambda _b: self._ask(None))

        intro = w.HTML(
            "<div class='idpc-prose'><h2>"
            + _("Room dashboard (for trainers)")
            + "</h2><p>"
            + _(
                "Type the room code and the trainer key that <code>idpckit room create</code> showed you. "
                "Nothing of the room is shown without the key."
            )
            + "</p></div>"
        )
        self.login = w.VBox(
            [w.HBox([self.room_code], layout=wrap_row()), w.HBox([self.key, self.open_button], layout=wrap_row())]
        )
        self.body = w.VBox(
            [
                w.HBox([self.refresh_button, self.auto, self.status], layout=wrap_row(align_items="center")),
                self.people,
                self.countries,
                w.HTML("<h3 id='debrief'>" + _("Evidence behind the grades") + "</h3>"),
                self.commitment,
                self.evidence,
                w.HTML("<h3>" + _("Downloads") + "</h3>"),
                self.export_button,
                self.downloads,
                w.HTML("<h3>" + _("Manage the room") + "</h3>"),
                self.review_choice,
                w.HBox([self.target_room, self.move_button], layout=wrap_row()),
                w.HBox([self.withdraw_button, self.delete_button, self.close_button], layout=wrap_row()),
                self.confirm,
                w.HBox([self.confirm_button, self.cancel_button], layout=wrap_row()),
                self.manage_message.widget,
            ],
            layout=full_width(display="none"),
        )
        self.widget = w.VBox([style_widget(), intro, self.login, self.errors.widget, self.body], layout=full_width())
        self.widget.add_class("idpc-app")

    # -- wiring ---------------------------------------------------------------------------

    @property
    def rooms(self) -> Rooms:
        from ..rooms import Rooms

        return Rooms(self.store)

    def prefetch(self) -> None:
        """Load what opening a room needs (content, the store, the results code) while a preheated kernel waits.

        Then the trainer's "Open room" pays only for checking the key and reading the room.
        """
        from .. import agreement, countries, room_report, rooms  # noqa: F401  (imported now, used on opening)

        _ = self.content
        countries.name("COL")  # builds the country names index (CLDR through Babel) once, now
        with contextlib.suppress(Exception):  # a store problem is reported when the trainer opens the room
            self.store.counts()

    def apply_query(self, params: Mapping[str, str]) -> None:
        """``?room=CODE`` pre-fills the room code (only the code: a key never travels in a URL)."""
        from ..rooms import is_room_code

        code = str(params.get("room", "")).strip()
        if code and is_room_code(code) and not self.room_code.value:
            self.room_code.value = code.upper()

    # -- opening --------------------------------------------------------------------------

    def open(self) -> bool:
        """Check the code and key; on success show the room and start refreshing by itself."""
        from ..rooms import RoomError

        self.errors.clear()
        if not self.room_code.value.strip() or not self.key.value.strip():
            self.errors.show(_("Type both the room code and the trainer key."), "warning")
            return False
        try:
            room = self.rooms.open(self.room_code.value, self.key.value, client=visitor(self))
        except RoomError as exc:
            self.key.value = ""
            self._hide()
            self.errors.show(str(exc))
            return False
        self.key.value = ""  # not kept in the page once used
        self.room = room
        self.room_code.value = room.code
        self.login.layout.display = "none"
        self.body.layout.display = "flex"
        self._only_viewing(self.store.read_only)
        self.refresh(force=True)
        self._schedule()
        return True

    def _only_viewing(self, read_only: bool) -> None:
        """On a store this server may only read (an archived workshop), the room is viewed, not changed:
        the buttons that would change it are disabled and the section says why."""
        for button in (self.move_button, self.withdraw_button, self.delete_button, self.close_button):
            button.disabled = read_only
        self.target_room.disabled = read_only
        if read_only:
            self.manage_message.show(
                _(
                    "This server's store is read-only: the room can be viewed and its results downloaded, "
                    "but reviews cannot be moved, withdrawn or deleted, nor the room closed."
                ),
                "info",
            )

    def _hide(self) -> None:
        self.room = self.results = None
        self.every = []
        self.body.layout.display = "none"
        for html in (self.status, self.people, self.countries, self.evidence, self.downloads, self.confirm):
            html.value = ""

    # -- refreshing -----------------------------------------------------------------------

    def refresh(self, force: bool = False) -> bool:
        """Read the room again if it changed (or always with ``force``); returns whether it was rebuilt."""
        if self.room is None:
            return False
        with self._lock:
            fingerprint = self.rooms.fingerprint(self.room)
            self.last_checked = dt.datetime.now(dt.UTC)
            changed = force or fingerprint != self._fingerprint
            if changed:
                from ..rooms import results

                self._fingerprint = fingerprint
                self.room = self.rooms.get(self.room.code)
                self.every = self.rooms.reviews(self.room)
                self.results = results(self.room, self.every, self.content)
                self.last_changed = self.last_checked
                self._render()
            self._show_status()
        return changed

    def _show_status(self) -> None:
        assert self.room is not None
        state = _("open to new reviews") if self.room.is_open else _("<strong>closed</strong> to new reviews")
        if self.auto.value:
            auto = _("it checks every {seconds} s").format(seconds=f"{self.refresh_seconds:g}")
        else:
            auto = _("it refreshes when you press the button")
        said = _("Room {code} ({name}), {state}. Last updated {checked} (last change {changed}); {auto}.").format(
            code=f"<strong>{esc(self.room.code)}</strong>",
            name=esc(self.room.name),
            state=state,
            checked=_time(self.last_checked),
            changed=_time(self.last_changed),
            auto=auto,
        )
        self.status.value = f"<p role='status' class='idpc-small'>{said}</p>"

    def _schedule(self) -> None:
        """Check again in a few seconds, on the kernel's event loop (Voilà keeps it running)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self.auto.value or self.room is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no kernel loop (a script or a test): refresh() on demand only
            return
        self._timer = loop.call_later(self.refresh_seconds, self._tick)

    def _tick(self) -> None:
        self._timer = None
        try:
            self.refresh()
        except Exception as exc:  # a store hiccup: say so, keep trying
            self.errors.show(
                _("The room could not be read just now ({problem}); trying again.").format(problem=type(exc).__name__),
                "warning",
            )
        self._schedule()

    def stop(self) -> None:
        """Stop refreshing by itself (the page is closing, or a test is done)."""
        self.auto.value = False

    # -- rendering ------------------------------------------------------------------------

    def _render(self) -> None:
        assert self.results is not None
        res = self.results
        self.people.value = self._people_html()
        self.countries.value = "".join(self._country_html(i, g) for i, g in enumerate(res.countries)) or (
            "<p>"
            + _(
                "No review has been submitted yet. Trainees join from the index page's <em>Join a workshop</em> box "
                "with the room code {code}, then press Submit on the summary step."
            ).format(code=esc(res.room.code))
            + "</p>"
        )
        options: list[tuple[str, tuple[int, str]]] = []
        for i, g in enumerate(res.countries):
            for c in g.most_disagreed():
                commitment = self._commitment(c.commitment_id)
                mark = "⚠ " if c.disagree else ""
                options.append(
                    (f"{_country(g)} {g.year}: {mark}{commitment[0]}. {commitment[1]}", (i, c.commitment_id))
                )
        current = self.commitment.value
        self.commitment.options = options
        if current in [v for _, v in options]:
            self.commitment.value = current
        elif options:
            self.commitment.value = options[0][1]
        self._show_evidence()
        nobody = _("no organisation")
        reviews = [
            (
                f"{s.assessment.country_name} · {', '.join(s.assessment.organisations) or nobody} · {_state(s.status)}",
                s.code,
            )
            for s in self.every
        ]
        self.review_choice.options = reviews
        self.downloads.value = ""

    def _commitment(self, cid: str) -> tuple[str, str]:
        for c in self.content.commitments:
            if c.id == cid:
                return str(c.number), c.title
        return "?", cid

    def _people_html(self) -> str:
        assert self.results is not None
        submitted = [s for s in self.every if s.status == "submitted"]
        drafts = [s for s in self.every if s.status != "submitted"]

        def rows(items: list[Stored], when: Callable[[Stored], dt.datetime | None]) -> str:
            return "".join(
                f"<tr><td>{esc(', '.join(s.assessment.organisations) or '–')}</td><td>{esc(s.assessment.assessor or '–')}"
                f"</td><td>{esc(s.assessment.country_name)}</td><td>{_time(when(s))}</td></tr>"
                for s in items
            )

        head = "".join(f"<th scope='col'>{h}</th>" for h in (_("Organisation"), _("Assessor"), _("Country")))
        head = "<tr>" + head
        return (
            "<p>"
            + _(
                "{submitted} submitted, {drafts} started but not submitted (drafts are named here, their grades are "
                "never shown)."
            ).format(submitted=f"<strong>{len(submitted)}</strong>", drafts=f"<strong>{len(drafts)}</strong>")
            + "</p><details open><summary>"
            + _("Who has submitted, who has started")
            + "</summary><table class='idpc-table'><caption>"
            + _("Submitted")
            + f"</caption><thead>{head}<th scope='col'>"
            + _("Submitted at")
            + f"</th></tr></thead><tbody>{rows(submitted, lambda s: s.submitted_at)}</tbody></table>"
            + "<table class='idpc-table'><caption>"
            + _("Started (drafts)")
            + f"</caption><thead>{head}<th scope='col'>"
            + _("Last saved")
            + f"</th></tr></thead><tbody>{rows(drafts, lambda s: s.updated_at)}</tbody></table></details>"
        )

    def _country_html(self, index: int, g: CountryResults) -> str:
        ids = [c.commitment_id for c in g.consensus]
        numbers = [self._commitment(cid)[0] for cid in ids]
        names = labels([s.assessment for s in g.reviews])
        heat_head = "".join(
            f"<th scope='col' title='{esc(self._commitment(cid)[1])}'>{n}</th>"
            for cid, n in zip(ids, numbers, strict=True)
        )
        heat_rows = []
        for r, name in enumerate(names):
            cells = "".join(_score_cell(c.scores[r], c.grades[r]) for c in g.consensus)
            heat_rows.append(f"<tr><th scope='row'>{esc(name)}</th>{cells}</tr>")
        result_rows = []
        for c in g.most_disagreed():
            number, title = self._commitment(c.commitment_id)
            dist = " ".join(f"{scales.FIVE_POINT[s].symbol}{s}×{n}" for s, n in c.counts().items() if n) or "–"
            if c.disagree:
                apart = ngettext("({n} point apart)", "({n} points apart)", c.spread or 0).format(n=c.spread)
                disagree = _("Disagree")
                flag = f"<strong>⚠ {esc(disagree)}</strong> {esc(apart)}"
            else:
                flag = esc(_("Agree")) if c.n > 1 else (esc(_("One review only")) if c.n == 1 else "–")
            result_rows.append(
                f"<tr{' class=disagree' if c.disagree else ''}><th scope='row'>{number}. {esc(title)}</th>"
                f"<td>{dist}</td><td class='num'>{c.not_assessed}</td><td class='num'>{c.median_text}</td>"
                f"<td class='num'>{'–' if c.spread is None else c.spread}</td><td>{flag}</td></tr>"
            )
        disagreements = sum(c.disagree for c in g.consensus)
        heading = ngettext("{country}, {year}: {n} review", "{country}, {year}: {n} reviews", len(g.reviews)).format(
            country=_country(g), year=g.year, n=len(g.reviews)
        )
        agreement = _("Agreement")
        shown = ngettext(
            "{n} of {total} commitment shows a disagreement; they come first.",
            "{n} of {total} commitments show a disagreement; they come first.",
            len(g.consensus),
        ).format(n=disagreements, total=len(g.consensus))
        results_caption = _(
            "Commitments, most disagreed first (scores on the common 1–5 scale; traffic lights count as red 1, "
            "orange 3, green 5)"
        )
        result_heads = (
            _("Commitment"),
            _("Grades given (score × reviews)"),
            _("Not assessed"),
            _("Median"),
            _("Spread"),
            agreement,
        )
        heat_caption = _("Heatmap: each review's score per commitment (number, symbol and colour; – not graded)")
        review = _("Review")
        return (
            f"<section class='idpc-room-country' aria-labelledby='room-c{index}'>"
            f"<h3 id='room-c{index}'>{esc(heading)}</h3>"
            f"<p class='idpc-agreement'><strong>{esc(agreement)}:</strong> {esc(g.reading)}</p>"
            f"<p>{esc(shown)}</p>"
            f"<div class='idpc-scroll'><table class='idpc-table idpc-results'><caption>{esc(results_caption)}"
            "</caption><thead><tr>"
            + "".join(f"<th scope='col'>{esc(h)}</th>" for h in result_heads)
            + f"</tr></thead><tbody>{''.join(result_rows)}</tbody></table></div>"
            f"<div class='idpc-scroll'><table class='idpc-table idpc-heatmap'><caption>{esc(heat_caption)}</caption>"
            f"<thead><tr><th scope='col'>{esc(review)}</th>"
            f"{heat_head}</tr></thead><tbody>{''.join(heat_rows)}</tbody></table></div></section>"
        )

    def _show_evidence(self) -> None:
        if self.results is None or self.commitment.value is None:
            self.evidence.value = ""
            return
        index, cid = self.commitment.value
        g = self.results.countries[index]
        number, title = self._commitment(cid)
        names = labels([s.assessment for s in g.reviews])
        rows = []
        not_assessed = _("not assessed")
        for stored, name in zip(g.reviews, names, strict=True):
            a = stored.assessment
            entry = a.entry(cid)
            if entry is None:
                continue
            level = scales.level(entry.grade, a.scale)
            grade = (
                f"<span class='idpc-small'>{esc(not_assessed)}</span>"
                if entry.grade is None
                else f"{esc(light_short(level))} ({esc(_(level.label))})"
            )
            rows.append(
                f"<tr><th scope='row'>{esc(name)}</th><td>{grade}</td>"
                f"<td style='white-space:pre-wrap'>{esc(entry.evidence) or '–'}</td>"
                f"<td style='white-space:pre-wrap'>{esc(entry.recommendation) or '–'}</td></tr>"
            )
        region = _("Evidence for commitment {number}").format(number=number)
        caption = _(
            "{country} {year}, commitment {number}. {title}: grades with their evidence and recommendations"
        ).format(country=_country(g), year=g.year, number=number, title=title)
        heads = (_("Review"), _("Grade"), _("Evidence"), _("Recommendation"))
        self.evidence.value = (
            f"<div class='idpc-scroll' role='region' aria-label='{esc(region)}'>"
            f"<table class='idpc-table idpc-evidence'><caption>{esc(caption)}</caption><thead><tr>"
            + "".join(f"<th scope='col'>{esc(h)}</th>" for h in heads)
            + f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )

    # -- exports --------------------------------------------------------------------------

    def exports(self) -> dict[str, tuple[bytes, str, str]]:
        """The downloads: file name -> (bytes, MIME type, label)."""
        from .. import room_report, rooms

        assert self.results is not None
        res, code = self.results, self.results.room.code
        lang = current()
        return {
            f"room-{code}.html": (
                room_report.room_html(res, self.content, lang).encode(),
                "text/html",
                _("Room report (HTML)"),
            ),
            f"room-{code}.pdf": (
                room_report.room_pdf(res, self.content, lang),
                "application/pdf",
                _("Room report (PDF)"),
            ),
            f"room-{code}.csv": (rooms.results_csv(res, self.content).encode(), "text/csv", _("Every grade (CSV)")),
            f"room-{code}.json": (rooms.results_json(res).encode(), "application/json", _("Results (JSON)")),
            f"room-{code}-reviews.zip": (
                rooms.results_bundle(res),
                "application/zip",
                _("Reviews for idpckit aggregate (zip)"),
            ),
        }

    def prepare_downloads(self) -> None:
        if self.results is None:
            return
        links = [download_link(data, name, mime, label) for name, (data, mime, label) in self.exports().items()]
        self.downloads.value = "<div class='idpc-downloads'>" + " · ".join(links) + "</div>"

    # -- managing -------------------------------------------------------------------------

    def _ask(self, action: tuple[str, Callable[[], str]] | None) -> None:
        self._pending = action
        shown = "inline-flex" if action else "none"
        self.confirm_button.layout.display = self.cancel_button.layout.display = shown
        self.confirm.value = (
            "" if action is None else f"<p role='alert' class='idpc-msg idpc-msg-warning'>⚠ {esc(action[0])}</p>"
        )

    def _chosen(self) -> Stored:
        code = self.review_choice.value
        found = next((s for s in self.every if s.code == code), None)
        if found is None:
            raise ValueError(_("Choose a review first."))
        return found

    def _who(self, s: Stored) -> str:
        return _("{who} ({country}, {state})").format(
            who=", ".join(s.assessment.organisations) or _("a review"),
            country=s.assessment.country_name,
            state=_state(s.status),
        )

    def ask_move(self) -> None:
        from ..rooms import normalise_room_code

        s = self._chosen()
        target = normalise_room_code(self.target_room.value)
        self.rooms.get(target)
        assert self.room is not None
        room = self.room
        self._ask(
            (
                _("Move {review} to room {room}?").format(review=self._who(s), room=target),
                lambda: _("Moved to room {room}.").format(room=self.rooms.move(room, s.code, target).code),
            )
        )

    def ask_withdraw(self) -> None:
        s = self._chosen()
        room = self.room
        assert room is not None

        def do() -> str:
            self.rooms.withdraw(room, s.code)
            return _("Withdrawn from the room; the review stays in the store.")

        self._ask((_("Withdraw {review} from this room?").format(review=self._who(s)), do))

    def ask_delete(self) -> None:
        s = self._chosen()
        room = self.room
        assert room is not None

        def do() -> str:
            self.rooms.delete(room, s.code)
            return _("Deleted for good.")

        self._ask((_("Delete {review} for good? This cannot be undone.").format(review=self._who(s)), do))

    def ask_close(self) -> None:
        room = self.room
        assert room is not None

        def do() -> str:
            self.rooms.close(room)
            return _("Room {room} is closed: it no longer accepts reviews.").format(room=room.code)

        self._ask((_("Close room {room} to new reviews? Reviews already in it stay.").format(room=room.code), do))

    def confirm_action(self) -> None:
        if self._pending is None:
            return
        _question, action = self._pending
        self._ask(None)
        self.manage_message.show(action(), "ok")
        self.refresh(force=True)

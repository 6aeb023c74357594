"""The self-assessment web app: grade your government on the Table 1 commitments.

IDPC's September 2019 note ends by suggesting that NGOs document where their
government stands on each commitment of its Table 1, grade it (1 to 5 or a
traffic light), back the grade with data and testimonies, say what should be
done better, and repeat the exercise every year.  This app walks a trainee
through exactly that in a Voilà page: welcome, set-up, one step per tracked
commitment, and a summary with the scorecard, downloads, a year-on-year
comparison and submission.

Design choices, and why:

* **The review is the model, the widgets are views.**  ``self.assessment`` (a
  validated :class:`~idpckit.assessment.Assessment`) is the single source of
  truth; steps are built lazily from it when first visited and write back
  through one validated path (:meth:`SelfAssessmentApp._entry_changed`).  What
  follows from the review (a set-up change rebuilding it, grades moved to another
  scale, what is still missing) is the model's: :func:`idpckit.assessment.rebuild`,
  :meth:`~idpckit.assessment.Assessment.gaps`; the downloads are
  :func:`idpckit.bundle.review_files`.
* **Every change is saved before the next one.**  Voilà ends the kernel when the
  tab closes, taking any unsaved state with it, so each edit is written to the
  store synchronously, with no debounce: a keystroke costs about 0.2 ms with
  SQLite (``benchmarks/bench_autosave.py``), and a debounced save could die
  with the kernel.  The resume code is shown from the first save, with a link
  that reopens the review.
* **The first screen is cheap.**  The constructor builds only the welcome text;
  the content files, the store (SQLAlchemy) and, on the summary, matplotlib,
  fpdf2 and openpyxl are loaded when first needed.
* **The page's address is the door's business.**  ``?code=...`` resumes and
  ``?room=...`` pre-fills the room through :meth:`SelfAssessmentApp.apply_query`;
  the notebook facade (:func:`idpckit.apps.self_assessment`) reads Voilà's request,
  in a preheated kernel after the welcome screen is pre-rendered, and calls it, and
  sets :attr:`~SelfAssessmentApp.page_url` for the resume link.  The app reads no
  environment variable, so tests hand it a plain dict.
* **Nothing a user typed is shown unescaped**, and every callback reports its
  own errors in the page (Voilà hides tracebacks).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ... import i18n
from ...i18n import _, ngettext
from ...text import esc
from .._base import ErrorBox, LoadsOnFirstUse, PageFocus, full_width, style_widget, visitor, wrap_row
from .warm import warm_summary
from .welcome import WelcomeStep

if TYPE_CHECKING:  # pragma: no cover
    from ...assessment import Assessment
    from ...data import Content
    from ...store import Store, Stored
    from .commitment import CommitmentStep
    from .setup import SetupStep
    from .summary import SummaryStep

log = logging.getLogger(__name__)
WELCOME, SETUP, SUMMARY = "welcome", "setup", "summary"
#: Where focus goes to show a message: the welcome's (resume code) and the set-up's (what to fix).
WELCOME_MESSAGE = ".idpc-welcome-message .idpc-msg"
SETUP_MESSAGE = ".idpc-setup-message .idpc-msg"
ROOM_MESSAGE = ".idpc-room-message .idpc-msg"


class SelfAssessmentApp(LoadsOnFirstUse):
    """The whole exercise; ``app.widget`` is what the notebook shows.

    :param store: where drafts are saved; default ``Store()`` (``IDPCKIT_STORE`` or a per-user SQLite file).
    :param content: the kit's content; default :func:`idpckit.data.load`.
    :param today: the date to use for a new review (tests pass a fixed one).
    """

    def __init__(
        self,
        store: Store | None = None,
        content: Content | None = None,
        today: dt.date | None = None,
    ) -> None:
        self._store = store
        self._content = content
        self._today = today
        #: The page's language (``?lang=`` or the browser's), chosen before the app is built: labels,
        #: content and the review's reports come out in it (a new review records it as its language).
        self.language = i18n.current()
        self.assessment: Assessment | None = None
        self.code: str | None = None
        self.revision: int | None = None  # the stored revision this page last loaded or saved
        self._base: Assessment | None = None  # the review as of that revision (for merging)
        self.status = "new"  # "new" (nothing saved yet), "draft", "submitted"
        self.position = WELCOME
        self.saves = 0
        self.save_seconds: list[float] = []  # how long each save took (the autosave cost, measured)
        self._room_hint = ""
        #: The page's address without its query string, for the resume link (set by the door; None outside Voilà).
        self.page_url: str | None = None
        #: Runs what is shown late (the summary's chart and files) once the page has its widgets' states;
        #: the door sets it in a preheated kernel (``serve.request.after_widget_states``), else at once.
        self.after_page_states: Callable[[Callable[[], None]], None] | None = None
        #: Who is trying room codes, for the limit on wrong tries (the door may set the visitor's address).
        self.client = f"kernel-{os.getpid()}"
        self._room_checked: tuple[str | None, str | None, str | None] = (None, None, None)
        self._jump_quiet = False
        #: The grades as they were on each scale before the last switch away from it (lossless switching).
        self._grades_on: dict[str, dict[str, Any]] = {}
        self._setup: SetupStep | None = None  # built on first use: see the setup property
        self.steps: dict[str, CommitmentStep] = {}
        self.summary: SummaryStep | None = None

        # The first screen holds only what it shows: every widget is a model the browser must
        # fetch and draw before the page is usable, so navigation and the after-submit buttons
        # are built when first needed (see _ensure_nav, _ensure_after_submit).
        self.errors = ErrorBox()
        self.welcome = WelcomeStep()
        self.banner = w.HTML(layout=full_width())
        self.save_status = w.HTML(layout=full_width())
        self.body = w.VBox([self.welcome.widget], layout=full_width())
        self.body.add_class("idpc-body")
        #: Moves focus to each step's heading and to messages (a hidden Output widget).
        self.page = PageFocus()
        self._style = style_widget()
        self.after_submit: w.HBox | None = None
        self.top_bar: w.HBox | None = None
        self.bottom_bar: w.HBox | None = None
        self.widget = w.VBox(
            # A readable column on a laptop, the whole width on a phone; in rem, so the heading above the app
            # (apps._connect gives it the same layout) lines up with it whatever their own text sizes.
            layout=w.Layout(width="100%", max_width="60rem", margin="0 auto"),
        )
        self.widget.add_class("idpc-app")
        self._mark_step(WELCOME)
        self._arrange()

        guard = self.errors.guard
        self.welcome.start.on_click(guard(lambda _b: self.start()))
        self.welcome.resume.on_click(guard(lambda _b: self.resume(self.welcome.code.value)))

    # -- page structure ------------------------------------------------------------

    def _arrange(self) -> None:
        parts = [self._style, self.banner, self.after_submit, self.save_status, self.top_bar]
        parts += [self.errors.widget, self.body, self.bottom_bar, self.page.widget]
        self.widget.children = [p for p in parts if p is not None]

    def _ensure_nav(self) -> None:
        """Progress, step list and Back/Next, built when the trainee first leaves the welcome screen."""
        if self.top_bar is not None:
            return
        guard = self.errors.guard
        self.progress = w.IntProgress(
            value=0, min=0, max=1, description=_("Progress"), layout=w.Layout(width="18em", max_width="100%")
        )
        self.progress_text = w.HTML()
        self.jump = w.Dropdown(description=_("Go to step"), layout=w.Layout(width="30em", max_width="100%"))
        self.back = w.Button(
            description=_("◀ Back"), tooltip=_("Previous step"), layout=w.Layout(width="auto", min_width="8em")
        )
        self.next = w.Button(
            description=_("Next ▶"),
            button_style="primary",
            tooltip=_("Next step"),
            layout=w.Layout(width="auto", min_width="8em"),
        )
        self.back.on_click(guard(lambda _b: self.go_relative(-1)))
        self.next.on_click(guard(lambda _b: self.go_relative(+1)))
        self.jump.observe(guard(self._jumped), names="value")
        self.top_bar = w.HBox([self.progress, self.progress_text, self.jump], layout=wrap_row())
        self.bottom_bar = w.HBox([self.back, self.next], layout=wrap_row(margin="1em 0"))
        self._arrange()

    def _ensure_after_submit(self) -> w.HBox:
        """The buttons shown once a review is submitted: next year's review, or another one."""
        if self.after_submit is None:
            guard = self.errors.guard
            self.next_year = w.Button(
                description=_("Start next year's review from this one"),
                tooltip=_("A new draft with this review's grades and notes, to update for the following year"),
                layout=w.Layout(width="auto"),
            )
            self.new_review = w.Button(
                description=_("Start another review"),
                tooltip=_("Back to the first screen; this review stays saved under its code"),
                layout=w.Layout(width="auto"),
            )
            self.next_year.on_click(guard(lambda _b: self.start_next_year()))
            self.new_review.on_click(guard(lambda _b: self.reset()))
            self.after_submit = w.HBox([self.next_year, self.new_review], layout=wrap_row())
            self._arrange()
        return self.after_submit

    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # -- the page's query string (handed over by the door) ----------------------------

    def prefetch(self) -> None:
        """Load what the steps after the welcome need; the door calls it while a preheated kernel waits for its visitor.

        Only then: nobody is waiting yet, so the content files, the country list
        and the store (SQLAlchemy, and the database driver it loads when it first connects) cost
        nothing that anyone sees, and "Start" answers at once.  A store that cannot be opened is
        not said here: the app says so in words when it first needs it.  Without
        preheating the same work would compete with the browser drawing the first screen.

        The summary's libraries (matplotlib, the report templates, openpyxl: about 0.7 s of
        CPU) start loading too, in their own thread (:func:`warm_summary`, which the visitor's
        request does not wait for): a ``?code=`` link that opens a summary then draws its chart
        and makes its files (about 0.5 s) while its page loads, instead of also importing them
        then, on the two cores the visitor's browser is loading the page with.  The memory is
        what every trainee's kernel takes at the first commitment anyway (``serve.capacity``
        counts a kernel with matplotlib).
        """
        from ... import countries
        from . import commitment, setup  # noqa: F401

        self.content  # noqa: B018 - loads and caches the content
        countries.choices(self.language)
        warm_summary()
        self.store  # noqa: B018 - the database's engine and driver, opened (0.1 s of a ?code= link's)

    def apply_query(self, params: Mapping[str, str]) -> None:
        """Act on the page's ``?code=...`` (resume) and ``?room=...`` (pre-fill the room code); other names are ignored."""
        if "room" in params:
            self._room_hint = params["room"]
            if self._setup is not None and not self._setup.room.value:
                self._setup.set_room(self._room_hint)
        if "code" in params and self.position == WELCOME:
            self.welcome.code.value = params["code"]
            self.resume(params["code"])

    # -- starting and resuming -----------------------------------------------------

    def start(self) -> None:
        """Start a fresh review: show the set-up."""
        self.welcome.message.clear()
        self._ensure_setup()
        self.go(SETUP)

    @property
    def setup(self) -> SetupStep:
        """The set-up step (built on first use, see :meth:`_ensure_setup`)."""
        return self._ensure_setup()

    def _ensure_setup(self) -> SetupStep:
        """The set-up step, built when first needed; for an opened review, showing that review's set-up.

        A resumed review opens at its first open commitment or its summary, so its set-up (a
        country list of some 250 names, a box per commitment: a third of a second on a busy
        server, before the page can draw) waits until the trainee goes there.
        """
        if self._setup is None:
            from .setup import SetupStep

            self._setup = SetupStep(
                self.content, year=self.today().year, on_change=self._setup_changed, can_untrack=self._can_untrack
            )
            if self._room_hint:
                self._setup.set_room(self._room_hint)
            if self.assessment is not None:
                self._setup.load(self.assessment)
                self._setup.set_read_only(self.status == "submitted")
        return self._setup

    def resume(self, code: str) -> bool:
        """Open the review saved under ``code``; an unknown code gives a message and changes nothing."""
        from ...store import UnknownCode

        code = (code or "").strip()
        if not code:
            self.welcome.message.show(_("Type the resume code you were given, e.g. K7QD-M2XP-4HTA-9WEB."), "warning")
            self.page.focus(WELCOME_MESSAGE)
            return False
        try:
            stored = self.store.load(code)
        except UnknownCode:
            self.welcome.message.show(
                _(
                    "No review is saved under the code '{code}'. Check it for typing mistakes (letters and digits, "
                    "the dashes do not matter), or start a new review."
                ).format(code=code)
            )
            self.page.focus(WELCOME_MESSAGE)
            return False
        self.welcome.message.clear()
        self._open(stored)
        return True

    def _open(self, stored: Stored) -> None:
        self._close_steps()
        self.assessment = stored.assessment
        if stored.status != "submitted" and self.assessment.language != self.language:
            # Opened in another language's page: its reports follow the page from the next save on.
            self.assessment = self.assessment.model_copy(update={"language": self.language})
        self.code = stored.code
        self.revision = stored.revision
        self._base = stored.assessment.model_copy(deep=True)
        self.status = stored.status
        read_only = self.status == "submitted"
        if self._setup is not None:  # else built from the review when first visited (_ensure_setup)
            self._setup.load(self.assessment)
            self._setup.set_read_only(read_only)
        self._show_banner()
        self._show_save_status(resumed=True)
        if read_only:
            self.go(SUMMARY)
        else:
            first_open = next((e.commitment_id for e in self.assessment.entries if e.grade is None), None)
            self.go(first_open or SUMMARY)

    def reset(self) -> None:
        """Back to the welcome screen for another review (the current one stays saved under its code)."""
        self._close_steps()
        if self._setup is not None:
            self._setup.widget.close()
            self._setup = None
        if self.summary is not None:
            self.summary.widget.close()
            self.summary = None
        self.assessment, self.code, self.status = None, None, "new"
        self.banner.value = ""
        self.save_status.value = ""
        if self.after_submit is not None:
            self.after_submit.layout.display = "none"
        self.welcome.code.value = ""
        self.go(WELCOME)

    def start_next_year(self) -> str | None:
        """A new draft for the following year, copied from this submitted review (which stays as it is).

        The note suggests reviewing the grades every year; starting from last year's grades and
        evidence means the trainee updates what changed instead of retyping everything.
        """
        if self.assessment is None or self.code is None:
            return None
        year = min(self.assessment.year + 1, 2100)
        code = self.store.start_from(self.code, year)
        self._open(self.store.load(code))
        self.go(SETUP)
        self.setup.notice.show(
            _(
                "This is a new draft for {year}, copied from your {last} review (which is kept as it was). "
                "Update each grade and its evidence; upload last year's JSON on the summary to compare."
            ).format(year=year, last=year - 1),
            "info",
        )
        return code

    def _close_steps(self) -> None:
        for step in self.steps.values():
            step.widget.close()
        self.steps = {}

    # -- navigation ----------------------------------------------------------------

    def order(self) -> list[str]:
        """The steps in order: set-up, each tracked commitment, summary."""
        ids = [e.commitment_id for e in self.assessment.entries] if self.assessment else []
        return [SETUP, *ids, SUMMARY]

    def go(self, position: str) -> None:
        """Show one step: "welcome", "setup", a commitment id or "summary"."""
        if position == WELCOME:
            self.position = WELCOME
            self.body.children = [self.welcome.widget]
            self._show_nav(False)
            self.page.focus(".idpc-body h1, .idpc-body h2", _("Start or continue a review"))  # the welcome's first
            self._mark_step(WELCOME)
            return
        refused = False
        if position != SETUP and self.assessment is None:
            # Nothing can be graded before the set-up is complete (country and year).
            setup = self._ensure_setup()
            setup.show_problems()
            position, refused = SETUP, True
        self.errors.clear()
        if position == SETUP:
            widget = self._ensure_setup().widget
        elif position == SUMMARY:
            widget = self._ensure_summary(slow=False).widget
        else:
            widget = self.step(position).widget
            warm_summary()
        self.position = position
        self.body.children = [widget]
        self._show_nav(True)
        self._update_nav()
        if refused:
            self.page.focus(SETUP_MESSAGE, _("Set-up: {problems}").format(problems=self.setup.message.message))
        else:
            self._announce_step()
        self._mark_step(position)
        if position == SUMMARY and self.summary is not None:
            self.summary.refresh_slow()  # the summary is on screen; the chart and files follow

    def _mark_step(self, position: str) -> None:
        """Say in the page which step is shown: class ``idpc-step-<position>`` on the app, set after the step.

        Widget messages reach the page in order, so once the class is there the step's own widgets are
        too; the browser tests (and anyone scripting the page) wait for it instead of guessing a delay.
        """
        keep = [c for c in self.widget._dom_classes if not c.startswith("idpc-step-")]
        self.widget._dom_classes = (*keep, f"idpc-step-{position}")

    def go_relative(self, delta: int) -> None:
        """Back (-1) or Next (+1).  Leaving the set-up forwards needs a complete set-up."""
        if self.position == SETUP and delta > 0 and not self._leave_setup():
            return
        order = self.order()
        index = order.index(self.position) if self.position in order else 0
        self.go(order[max(0, min(len(order) - 1, index + delta))])

    def _jumped(self, change: dict[str, Any]) -> None:
        if self._jump_quiet or not change["new"] or change["new"] == self.position:
            return
        if change["new"] != SETUP and self.position == SETUP and not self._leave_setup():
            self._update_nav()
            return
        self.go(change["new"])

    def _leave_setup(self) -> bool:
        """Going on from the set-up: True once it is complete and saved; else its warning takes focus.

        Leaving confirms a country typed by its first letters only ("Bol"): while typing, such a
        guess is shown but not saved (see :meth:`_setup_changed`).
        """
        setup = self._ensure_setup()
        if not setup.show_problems():
            self.page.focus(SETUP_MESSAGE)
            return False
        if self.assessment is None or not setup.country_named:
            self._setup_changed(confirmed=True)
        return self.assessment is not None

    def _show_nav(self, flag: bool) -> None:
        if flag:
            self._ensure_nav()
        display = None if flag else "none"
        for bar in (self.top_bar, self.bottom_bar):
            if bar is not None:
                bar.layout.display = display

    def _step_label(self, position: str) -> str:
        if position == SETUP:
            return _("Set-up: country, year, scale")
        if position == SUMMARY:
            return _("Summary, downloads and submit")
        c = self.content.commitment(position)
        entry = self.assessment.entry(position) if self.assessment else None
        title = c.title if len(c.title) <= 60 else c.title[:59].rstrip() + "…"
        mark = "✔" if entry is not None and entry.grade is not None else "○"
        return f"{mark} {c.number}. {title}"

    def _update_nav(self) -> None:
        order = self.order()
        options = [(self._step_label(p), p) for p in order]
        self._jump_quiet = True
        try:
            if list(self.jump.options) != options:
                self.jump.options = options
            self.jump.value = self.position if self.position in order else None
        finally:
            self._jump_quiet = False
        index = order.index(self.position) if self.position in order else 0
        self.back.disabled = index == 0
        self.next.disabled = index == len(order) - 1
        # Before the set-up is complete the next step is not the summary but the commitments.
        last = self.assessment is not None and index == len(order) - 2
        self.next.description = _("Summary ▶") if last else _("Next ▶")
        self._update_progress()

    def _announce_step(self) -> None:
        """Scroll to and focus the shown step's heading, and say which step it is (e.g. "Step 3 of 15: ...")."""
        order = self.order()
        index = order.index(self.position) + 1 if self.position in order else 1
        label = self._step_label(self.position).lstrip("✔○ ")
        if self.position == SETUP:
            heading = _("Set-up")
        elif self.position == SUMMARY:
            heading = _("Summary")
        else:
            heading = _("Commitment {number}:").format(number=self.content.commitment(self.position).number)
        said = _("Step {index} of {total}: {label}").format(index=index, total=len(order), label=label)
        self.page.focus(".idpc-body h2", said, text=heading)

    def _update_progress(self) -> None:
        if self.assessment is None:
            self.progress.max, self.progress.value = 1, 0
            self.progress_text.value = "<span>" + _("Set-up first") + "</span>"
            return
        n, graded = len(self.assessment.entries), self.assessment.graded_count
        self.progress.max = max(n, 1)
        self.progress.value = graded
        self.progress_text.value = f"<span aria-live='polite'><strong>{esc(self.progress_label)}</strong></span>"

    @property
    def progress_label(self) -> str:
        """The progress as words, e.g. "7 of 13 graded"."""
        if self.assessment is None:
            return _("Set-up first")
        n = len(self.assessment.entries)
        return _("{graded} of {n} graded").format(graded=self.assessment.graded_count, n=n)

    # -- steps -----------------------------------------------------------------------

    def step(self, commitment_id: str) -> CommitmentStep:
        """The step of one tracked commitment, built on first use from the saved entry."""
        if commitment_id not in self.steps:
            from .commitment import CommitmentStep

            assert self.assessment is not None
            ids = [e.commitment_id for e in self.assessment.entries]
            step = CommitmentStep(
                self.content,
                self.content.commitment(commitment_id),
                position=ids.index(commitment_id) + 1 if commitment_id in ids else 0,
                total=len(ids),
                scale=self.assessment.scale,
                on_change=lambda cid=commitment_id: self._entry_changed(cid),
            )
            step.load(self.assessment.entry(commitment_id), self.assessment.scale)
            step.set_read_only(self.status == "submitted")
            self.steps[commitment_id] = step
        return self.steps[commitment_id]

    def _ensure_summary(self, slow: bool = True) -> SummaryStep:
        if self.summary is None:
            from .summary import SummaryStep

            self.summary = SummaryStep(
                self.content,
                on_go=self.go,
                on_submit=self.submit,
                on_focus=lambda where, say: self.page.focus(where, say),
                after_page_states=lambda show: (self.after_page_states or (lambda f: f()))(show),
            )
        assert self.assessment is not None
        self.summary.refresh(self.assessment, submitted=self.status == "submitted", slow=slow)
        return self.summary

    # -- changes and saving ----------------------------------------------------------

    def _can_untrack(self, commitment_id: str) -> str | None:
        entry = self.assessment.entry(commitment_id) if self.assessment else None
        if entry is None or entry.blank:
            return None
        number = self.content.commitment(commitment_id).number
        return _(
            "Commitment {number} already has a grade or notes, so it stays tracked. To stop tracking it, "
            "first set it to 'Not assessed' and empty its evidence, sources and recommendation."
        ).format(number=number)

    def _setup_changed(self, confirmed: bool = False) -> None:
        """A set-up field changed: when the set-up is complete, update the review and save it.

        A country found only by the first letters typed so far ("Ukr", "Bol") is a guess, so
        nothing is saved on it until the trainee finishes the name, picks it from the list or
        goes on (``confirmed``): a half-typed name must not create a draft for the wrong country.
        """
        from ...assessment import grades_on, rebuild

        setup = self._ensure_setup()
        if self.status == "submitted" or setup.problems():
            return
        fields = setup.fields()
        room = self._accepted_room(fields["room"])  # a refused room code is said at once, guess or not
        if room is None or not (confirmed or setup.country_named):
            return
        fields["room"] = room
        fields["language"] = self.language
        old = self.assessment
        remembered = None
        if old is not None and old.scale != fields["scale"]:
            # Remember the grades as given, so that switching back restores them (a 2 stays a 2).
            self._grades_on[old.scale] = grades_on(old)
            remembered = self._grades_on.get(fields["scale"])
        self.assessment, changed = rebuild(old, fields, setup.tracked_ids(), self.today(), remembered)
        converted = [f"{self.content.commitment(cid).number}: {a} → {b}" for cid, a, b in changed]
        if old is not None and old.scale != fields["scale"]:
            for cid, step in self.steps.items():
                e = self.assessment.entry(cid)
                step.set_scale(self.assessment.scale, e.grade if e else None)
            if converted:
                said = _("Your grades were converted to the new scale ({changes}).").format(
                    changes="; ".join(converted)
                )
                if fields["scale"] == "traffic-light":
                    said += " " + _("Changing back restores the grades you gave.")
                setup.notice.show(said, "info")
        for cid in [c for c in self.steps if self.assessment.entry(c) is None]:
            self.steps.pop(cid).widget.close()  # untracked (only blank ones can be)
        self._save()
        if self.position != WELCOME:
            self._update_nav()

    def _accepted_room(self, typed: str) -> str | None:
        """The room's canonical code if it exists and is open ("" for none); None, with a message, if not.

        Each code is checked once (a refused one is not tried again until it is edited),
        so editing other fields does not count as more wrong tries against the limit.
        """
        from ...rooms import NotReady, RoomError, accept_room

        setup = self._ensure_setup()
        if not typed:
            setup.room_message.clear()
            return ""
        fresh = self._room_checked[0] != typed
        if fresh:
            pending = False
            try:
                refusal, canonical = None, accept_room(self.store, typed, client=visitor(self))
            except RoomError as exc:
                refusal, canonical, pending = str(exc), None, isinstance(exc, NotReady)
            if not pending:  # "still starting" is asked again at the next change
                self._room_checked = (typed, refusal, canonical)
        else:
            refusal = self._room_checked[1]
        if refusal is not None:
            # Under the room's field, at the foot of the set-up, where the trainee is typing; focus goes
            # there once per refused code (not on every later edit of another field).
            setup.room_message.show(
                refusal + " " + _("Your review is not saved until the room code is right."), "warning"
            )
            if fresh:
                self.page.focus(ROOM_MESSAGE)
            return None
        setup.room_message.clear()
        return self._room_checked[2]

    def _entry_changed(self, commitment_id: str) -> None:
        """A commitment step changed: validate its values, put them in the review, save."""
        from pydantic import ValidationError

        from ...assessment import Entry

        if self.assessment is None or self.status == "submitted":
            return
        step = self.steps[commitment_id]
        try:
            entry = Entry.model_validate(step.entry_data())
        except ValidationError as exc:
            step.message.show(
                _entry_problem(exc) + " " + _("Your last change is not saved yet; fix this and it will be.")
            )
            return
        if step.message.kind in ("error", "warning"):
            step.message.clear()
        entries = self.assessment.entries
        before = self.assessment.entry(commitment_id)
        index = next(i for i, e in enumerate(entries) if e.commitment_id == commitment_id)
        entries[index] = entry
        self._save()
        if (before is None or before.grade is None) != (entry.grade is None):
            self._update_nav()  # the step list marks graded steps, and the count changed

    def _save(self) -> bool:
        """Save the review now; the first save creates the resume code.

        Every save carries the revision this page last loaded or saved, so a save made
        stale by another tab (or device) on the same code is refused by the store and
        merged here instead (:meth:`_merge_stale`): nothing either tab saved is lost.
        """
        from ...store import AlreadySubmitted, StaleSave, StoreError

        if self.assessment is None:
            return False
        started = time.perf_counter()
        based_on = getattr(self, "revision", None) if self.code is not None else None
        try:
            if self.store.read_only:
                return self._cannot_save()
            if self.code is not None and based_on is None:  # opened some other way: check from now on
                based_on = self.store.load(self.code).revision
            code = self.store.save_draft(self.assessment, self.code, based_on=based_on)
        except StaleSave as stale:
            return self._merge_stale(stale)
        except AlreadySubmitted:
            self.status = "submitted"
            self._set_read_only()
            self.errors.show(
                _(
                    "This review was submitted (perhaps from another tab), so it can no longer be changed. "
                    "Your latest change was not saved."
                ),
                "warning",
            )
            return False
        except StoreError as exc:  # a full disk, a read-only store: the store says which, in words
            log.warning("saving the draft failed: %s", exc)
            self._save_failed = True
            self.errors.show(
                _(
                    "Your last change could not be saved. {reason} Keep this page open; once the store can save "
                    "again, your next change saves everything. You can also download a JSON copy from the summary."
                ).format(reason=exc)
            )
            self.save_status.value = "<div class='idpc-msg idpc-msg-error' role='alert'>✖ " + _("Not saved") + "</div>"
            return False
        except Exception as exc:
            log.exception("saving the draft failed")
            self.errors.show(
                _(
                    "Your last change could not be saved ({problem}). Keep this page open, "
                    "and download a JSON copy from the summary before you close it."
                ).format(problem=f"{type(exc).__name__}: {exc}")
            )
            self.save_status.value = "<div class='idpc-msg idpc-msg-error' role='alert'>✖ " + _("Not saved") + "</div>"
            return False
        self.save_seconds.append(time.perf_counter() - started)
        if getattr(self, "_save_failed", False):  # saving works again: the "could not be saved" is over
            self._save_failed = False
            self.errors.clear()
        self.code = code
        self.revision = 1 if based_on is None else based_on + 1
        self._base = self.assessment.model_copy(deep=True)
        self.status = "draft"
        self.saves += 1
        self._show_save_status()
        return True

    def _merge_stale(self, stale: Any) -> bool:
        """Another tab saved this review since this page loaded it: merge, save, and say so.

        Per commitment (and for the set-up as a whole): what only this tab changed is
        kept, what only the other tab changed is taken; where both changed the same
        commitment, the saved version (theirs) is kept in the store and this tab's words
        stay on screen until the trainee reloads, so neither is lost without their say.
        """
        from ...store import StaleSave

        theirs = stale.stored.assessment
        merged, conflicts = merge_reviews(getattr(self, "_base", None), self.assessment, theirs)
        try:
            self.store.save_draft(merged, self.code, based_on=stale.stored.revision)
        except StaleSave:
            self.errors.show(
                _(
                    "This review is being changed in another tab or device right now, so this change was not saved. "
                    "Reload this page to see the latest version, then make your change again."
                ),
                "warning",
            )
            return False
        self.revision = stale.stored.revision + 1
        self._base = merged.model_copy(deep=True)
        numbers = [str(self.content.commitment(cid).number) for cid in conflicts if self._known(cid)]
        if numbers:
            self.errors.show(
                ngettext(
                    "This review was also changed in another tab or device. Its changes were saved together with "
                    "yours, except commitment {numbers}, which both changed: the other version is the saved one, "
                    "and yours is still on this page. Copy what you want to keep, then reload the page.",
                    "This review was also changed in another tab or device. Its changes were saved together with "
                    "yours, except commitments {numbers}, which both changed: the other versions are the saved "
                    "ones, and yours are still on this page. Copy what you want to keep, then reload the page.",
                    len(numbers),
                ).format(numbers=", ".join(numbers)),
                "warning",
            )
        else:
            self.errors.show(
                _(
                    "This review was also changed in another tab or device; both sets of changes are saved. "
                    "Reload the page to see them all."
                ),
                "info",
            )
        self.assessment = merged if not conflicts else self.assessment
        self.status = "draft"
        self.saves += 1
        self._show_save_status()
        return True

    def _known(self, commitment_id: str) -> bool:
        try:
            self.content.commitment(commitment_id)
        except Exception:
            return False
        return True

    def _cannot_save(self) -> bool:
        """This server's store may only be read (an archived workshop): say so by the save status.

        The review stays in the page (every step keeps what was typed) and the summary's
        downloads are made from it, so nothing typed is lost while the page is open.
        """
        words = _(
            "Not saved: this server cannot save reviews (its store is read-only), so what you type is not kept "
            "on the server. It stays on this page while the page is open; to keep it, download a copy from the "
            "summary (JSON, to open again later, or the report)."
        )
        self.save_status.value = f"<div class='idpc-msg idpc-msg-error' role='alert'>✖ {esc(words)}</div>"
        return False

    def _show_save_status(self, resumed: bool = False) -> None:
        if self.code is None:
            self.save_status.value = ""
            return
        when = dt.datetime.now().strftime("%H:%M:%S")
        if self.status == "submitted":
            what = _("Submitted review, opened at {time}.")
        else:
            what = _("Opened at {time}.") if resumed else _("Saved at {time}.")
        code = esc(self.code)
        url = self.page_url
        # The link keeps the page's language, so the review reopens in the words it was made in.
        tail = f"?code={self.code}" + (f"&lang={self.language}" if self.language != "en" else "")
        link = f"{url}{tail}" if url else tail
        copy = (
            f"<label class='idpc-small'>{esc(_('Link to continue later:'))} <input class='idpc-copy' readonly "
            f"value='{esc(link)}' aria-label='{esc(_('Link that reopens this review'))}' "
            "onfocus='this.select()'></label>"
            if url
            else "<span class='idpc-small'>"
            + _("Or add {code} to this page's address.").format(code=f"<code>{esc(tail)}</code>")
            + "</span>"
        )
        opener = f"<a href='{esc(tail)}' target='_blank' rel='noopener'>" + _("open in a new tab") + "</a>"
        self.save_status.value = (
            f"<div class='idpc-msg idpc-msg-ok' role='status'>✔ {esc(what.format(time=when))} "
            + _("Your resume code:")
            + f" <strong class='idpc-code'>{code}</strong> ({opener}). "
            + _("Keep it to continue later, like a password.")
            + f"<br>{copy}</div>"
        )

    # -- submitting --------------------------------------------------------------------

    def submit(self) -> bool:
        """Mark the review as submitted (final, and visible to the room's trainer if a room was given)."""
        if self.assessment is None or self.status == "submitted":
            return False
        if self.code is None and not self._save():
            return False
        assert self.code is not None
        if self.store.read_only:  # a review resumed from a store this server may only read
            self.errors.show(
                _(
                    "This server cannot save reviews (its store is read-only), so it cannot submit "
                    "this one. Download a copy from the summary and submit it where saving works."
                )
            )
            return self._cannot_save()
        if self.assessment.room:
            from ...rooms import RoomError, accept_room

            try:
                accept_room(self.store, self.assessment.room, client=visitor(self))
            except RoomError as exc:
                self.errors.show(
                    f"{exc} " + _("Your review is kept as a draft; change or empty the room code to submit it.")
                )
                return False
        self.store.submit(self.code)
        self.status = "submitted"
        self._set_read_only()
        if self.summary is not None:
            self.summary.refresh(self.assessment, submitted=True)
        return True

    def _set_read_only(self) -> None:
        if self._setup is not None:
            self._setup.set_read_only(True)
        for step in self.steps.values():
            step.set_read_only(True)
        self._show_banner()
        self._show_save_status()

    def _show_banner(self) -> None:
        if self.status != "submitted" or self.assessment is None:
            self.banner.value = ""
            if self.after_submit is not None:
                self.after_submit.layout.display = "none"
            return
        if self.assessment.room:
            title = _("Submitted to room {room}: read-only.").format(room=esc(self.assessment.room))
        else:
            title = _("Submitted: read-only.")
        self.banner.value = (
            f"<div class='idpc-msg idpc-msg-info' role='status'>ℹ <strong>{title}</strong> "
            + _(
                "This review is final and can no longer be changed. You can still read it, download it and compare "
                "it with another year. To grade again, start another review."
            )
            + "</div>"
        )
        self._ensure_after_submit().layout.display = None


def _entry_problem(exc: Any) -> str:
    """A pydantic error about an entry, in words (:func:`idpckit.errors.plain`), naming the field as the form does."""
    from ...errors import dotted, plain

    err = exc.errors()[0]
    loc = tuple(err["loc"])
    names = {
        "evidence": _("The evidence"),
        "recommendation": _("The recommendation"),
        "sources": _("The list of sources"),
    }
    if len(loc) >= 3 and loc[0] == "sources" and isinstance(loc[1], int):
        where = _("Source {number}'s {field}").format(number=loc[1] + 1, field=loc[2])
    else:
        where = names.get(str(loc[0]) if loc else "", _("The field '{name}':").format(name=dotted(loc)))
    return f"{where} {plain(err)}."


def merge_reviews(base: Any, mine: Any, theirs: Any) -> tuple[Any, list[str]]:
    """Three-way merge of two versions of one review: (merged, ids of commitments both changed).

    ``base`` is the version both started from (None: unknown, then every difference from
    ``theirs`` counts as a conflict and theirs is kept).
    """
    base_entries = {e.commitment_id: e for e in base.entries} if base is not None else {}
    mine_entries = {e.commitment_id: e for e in mine.entries}
    their_entries = {e.commitment_id: e for e in theirs.entries}
    conflicts: list[str] = []
    entries = []
    for cid in list(their_entries) + [c for c in mine_entries if c not in their_entries]:
        b, m, t = base_entries.get(cid), mine_entries.get(cid), their_entries.get(cid)
        if m is None:
            entries.append(t)
        elif t is None or t == b:
            entries.append(m)  # only this tab changed it (or the other tab never had it)
        elif m in (b, t):
            entries.append(t)  # only the other tab changed it
        else:
            conflicts.append(cid)
            entries.append(t)
    fields = {k: v for k, v in mine.model_dump().items() if k != "entries"}
    their_fields = {k: v for k, v in theirs.model_dump().items() if k != "entries"}
    base_fields = {k: v for k, v in base.model_dump().items() if k != "entries"} if base is not None else {}
    setup = fields if base is not None and their_fields == base_fields else their_fields
    merged = type(theirs).model_validate({**setup, "entries": [e.model_dump() for e in entries]})
    return merged, conflicts

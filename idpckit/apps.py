"""The apps as the notebooks show them: one call per page, wired to the visitor's request.

Each function builds one app from :mod:`idpckit.widgets`, hands it the page's query
string through :func:`idpckit.serve.request.on_request` (the one reader of Voilà's
request, for fresh and preheated kernels alike), and returns the widget to display.
The apps themselves never read the environment; they offer ``apply_query(params)``.

The notebook cell is the whole use::

    from idpckit import apps

    apps.self_assessment()
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import i18n
from .i18n import N_, _
from .serve import request

if TYPE_CHECKING:  # pragma: no cover
    import ipywidgets

#: The app objects built in this kernel, newest last (a Voilà kernel shows one page; tests look at them).
built: list[Any] = []

#: Each app page's heading and introduction.  They were the app notebooks' Markdown, which Voilà shows
#: as written (English) whatever the visitor asked for; the app shows them instead, in the page's language.
#: ``{command}`` and ``{box}`` are filled in by :func:`intro_html` (code and the index's box name).
INTROS: dict[str, tuple[str, tuple[str, ...]]] = {
    "self-assessment": (
        N_("Self-assessment: grade your government on its drug policy commitments"),
        (
            N_(
                "A guided self-assessment: choose a grade for each commitment (1 to 5 or a traffic light), note "
                "the evidence and a recommendation, then download your report. Your work is saved after every "
                "change."
            ),
        ),
    ),
    "table1-explorer": (
        N_("Table 1 explorer"),
        (
            N_(
                "Near its end, in the part on turning global commitments into national action, IDPC's advocacy "
                "note of September 2019 prints Table 1: thirteen commitments, and where each one is anchored in "
                "three UN texts. Two of them record what governments committed to: the UNGASS Outcome Document "
                "(2016) and the 2019 Ministerial Declaration. The third, the UN System Common Position (2018), is "
                "not a government commitment: it is what the heads of 31 UN entities agreed the UN system stands "
                "for, which makes it a strong text to cite beside the other two. Where a text says nothing on a "
                "commitment, the note prints a dash; here the cell reads “silent”."
            ),
            N_(
                "Choose a document to see only its column, narrow it to one section, keep only the commitments it "
                "anchors or those it is silent on, or search for a word. Open a commitment at the bottom of the "
                "page to see all its references with links to the documents, and download what you see as a "
                "spreadsheet (CSV). Many paragraph numbers are IDPC's own count: lesson 4 shows what each "
                "reference is about and which numbers have been checked."
            ),
        ),
    ),
    "room-dashboard": (
        N_("Room dashboard (for trainers)"),
        (
            N_(
                "Your workshop room, live: who has started and who has submitted, how each country's reviews "
                "graded each commitment, where they disagree most, and the evidence behind the grades for the "
                "debrief. Make a room with {command}, give trainees its room code, and type the code and your "
                "trainer key below. Trainees never see this page: the index page offers them a “{box}” box "
                "instead."
            ),
        ),
    ),
}


def intro_html(page: str) -> str:
    """The heading and introduction of app page ``page`` (a key of :data:`INTROS`) in the language in use."""
    from .text import esc

    title, paragraphs = INTROS[page]
    filled = {"command": "\x00idpckit room create NAME\x01", "box": _("Join a workshop")}
    body = "".join(
        "<p>" + esc(_(p).format(**filled)).replace("\x00", "<code>").replace("\x01", "</code>") + "</p>"
        for p in paragraphs
    )
    return f'<div class="idpc-prose idpc-intro"><h1>{esc(_(title))}</h1>{body}</div>'


def _connect(make: Callable[[], Any], *, prefetch: bool = False, intro: str | None = None) -> ipywidgets.Widget:
    """Build an app with ``make`` in the visitor's language and hand it the request when it comes.

    The language (``?lang=``, else the browser's ``Accept-Language``) is the process's from the
    moment the request is known (:func:`idpckit.i18n.use_in_process`).  A kernel started for the
    visitor knows it before the app is built; a preheated one built the app (in the default
    language) before anyone asked, so when the visitor's language differs the app is built
    again in it, inside the same frame, before the visitor can have clicked anything.  Errors
    in applying the query show in the app's own error box.  ``intro`` names the page's heading
    and introduction in :data:`INTROS`, shown above the app in the same language.
    """
    import ipywidgets as w

    early = request.known_request()
    if early is not None:
        i18n.use_in_process(early.language)
    app = make()
    # The heading shares the app's column (a readable width, centred on a laptop), not the window's edge.
    column = {"max_width": app.widget.layout.max_width, "margin": app.widget.layout.margin}
    heading = [w.HTML(intro_html(intro), layout=w.Layout(width="100%", **column))] if intro else []
    frame = w.VBox([*heading, app.widget], layout=w.Layout(width="100%"))

    def deliver(req: request.Request) -> None:
        nonlocal app
        i18n.use_in_process(req.language)
        if getattr(app, "language", req.language) != req.language:
            old, app = app, make()
            if intro:
                with i18n.language(req.language):
                    heading[0].value = intro_html(intro)
            frame.children = [*heading, app.widget]
            built[built.index(old)] = app
            old.widget.close()
            if "client" in seen:
                app.client = seen["client"]
        if hasattr(app, "page_url"):
            app.page_url = req.page_url
        if hasattr(app, "after_page_states"):  # heavy parts shown once the page has its widgets
            app.after_page_states = request.after_widget_states
        if req.params:
            app.errors.guard(lambda: app.apply_query(req.params))()

    seen: dict[str, Any] = {}
    on_client = None
    if hasattr(app, "client"):  # wrong codes and keys count per visitor's address, not per kernel
        import threading

        default, known = app.client, threading.Event()
        if request.preheated():
            from .rooms import PENDING_CLIENT

            app.client = PENDING_CLIENT  # a try waits for the request (widgets._base.visitor), else is refused
            app.client_known = known.wait

        def on_client(client: str | None) -> None:
            seen["client"] = client or default
            app.client = seen["client"]  # the app shown now (a rebuilt one, if the language changed)
            known.set()

    built.append(app)
    request.on_request(deliver, while_waiting=(lambda: app.prefetch()) if prefetch else None, on_client=on_client)
    return frame


def self_assessment() -> ipywidgets.Widget:
    """The self-assessment app; ``?code=`` reopens a review, ``?room=`` fills in the room code, ``?lang=`` its language."""
    from .widgets.self_assessment import SelfAssessmentApp

    return _connect(SelfAssessmentApp, prefetch=True, intro="self-assessment")


def room_dashboard() -> ipywidgets.Widget:
    """The trainer's room dashboard; ``?room=`` fills in the room code (the key is always typed)."""
    from .widgets.room_dashboard import RoomDashboard

    return _connect(RoomDashboard, prefetch=True, intro="room-dashboard")


def table1_explorer() -> ipywidgets.Widget:
    """The Table 1 explorer; ``?lang=`` its language (it takes nothing else from the address)."""
    from .widgets.explorer import Table1Explorer

    return _connect(Table1Explorer, intro="table1-explorer")

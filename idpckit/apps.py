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
from .serve import request

if TYPE_CHECKING:  # pragma: no cover
    import ipywidgets

#: The app objects built in this kernel, newest last (a Voilà kernel shows one page; tests look at them).
built: list[Any] = []


def _connect(make: Callable[[], Any], *, prefetch: bool = False) -> ipywidgets.Widget:
    """Build an app with ``make`` in the visitor's language and hand it the request when it comes.

    The language (``?lang=``, else the browser's ``Accept-Language``) is the process's from the
    moment the request is known (:func:`idpckit.i18n.use_in_process`).  A kernel started for the
    visitor knows it before the app is built; a preheated one built the app (in the default
    language) before anyone asked, so when the visitor's language differs the app is built
    again in it, inside the same frame, before the visitor can have clicked anything.  Errors
    in applying the query show in the app's own error box.
    """
    import ipywidgets as w

    early = request.known_request()
    if early is not None:
        i18n.use_in_process(early.language)
    app = make()
    frame = w.VBox([app.widget], layout=w.Layout(width="100%"))

    def deliver(req: request.Request) -> None:
        nonlocal app
        i18n.use_in_process(req.language)
        if getattr(app, "language", req.language) != req.language:
            old, app = app, make()
            frame.children = [app.widget]
            built[built.index(old)] = app
            old.widget.close()
            if "client" in seen:
                app.client = seen["client"]
        if hasattr(app, "page_url"):
            app.page_url = req.page_url
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

    return _connect(SelfAssessmentApp, prefetch=True)


def room_dashboard() -> ipywidgets.Widget:
    """The trainer's room dashboard; ``?room=`` fills in the room code (the key is always typed)."""
    from .widgets.room_dashboard import RoomDashboard

    return _connect(RoomDashboard, prefetch=True)


def table1_explorer() -> ipywidgets.Widget:
    """The Table 1 explorer; ``?lang=`` its language (it takes nothing else from the address)."""
    from .widgets.explorer import Table1Explorer

    return _connect(Table1Explorer)

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

from typing import TYPE_CHECKING, Any

from .serve import request

if TYPE_CHECKING:  # pragma: no cover
    import ipywidgets

#: The app objects built in this kernel, newest last (a Voilà kernel shows one page; tests look at them).
built: list[Any] = []


def _connect(app: Any, *, prefetch: bool = False) -> ipywidgets.Widget:
    """Hand ``app`` the request when it comes; errors in applying it show in the app's own error box."""

    def deliver(req: request.Request) -> None:
        if hasattr(app, "page_url"):
            app.page_url = req.page_url
        if req.params:
            app.errors.guard(lambda: app.apply_query(req.params))()

    on_client = None
    if hasattr(app, "client"):  # wrong codes and keys count per visitor's address, not per kernel
        default = app.client
        if request.preheated():
            from .rooms import PENDING_CLIENT

            app.client = PENDING_CLIENT  # tries before the request is read are refused, not counted

        def on_client(client: str | None) -> None:
            app.client = client or default

    request.on_request(deliver, while_waiting=app.prefetch if prefetch else None, on_client=on_client)
    built.append(app)
    return app.widget


def self_assessment() -> ipywidgets.Widget:
    """The self-assessment app; ``?code=`` reopens a review, ``?room=`` fills in the room code."""
    from .widgets.self_assessment import SelfAssessmentApp

    return _connect(SelfAssessmentApp(), prefetch=True)


def room_dashboard() -> ipywidgets.Widget:
    """The trainer's room dashboard; ``?room=`` fills in the room code (the key is always typed)."""
    from .widgets.room_dashboard import RoomDashboard

    return _connect(RoomDashboard(), prefetch=True)


def table1_explorer() -> ipywidgets.Widget:
    """The Table 1 explorer (it takes no parameters from the address)."""
    from .widgets.explorer import Table1Explorer

    app = Table1Explorer()
    built.append(app)
    return app.widget

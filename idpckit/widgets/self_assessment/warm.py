"""The summary's libraries, loaded while nobody waits for them: a head start, never a condition.

A trainee grades for minutes before the summary; a ``?code=`` link may open a summary on a
kernel preheated long before.  Either way the summary's chart and files should come within a
second of it, not after its imports (matplotlib, the report's template, openpyxl: about 0.7 s
of CPU).  :func:`warm_summary` loads them in a thread; the summary waits for that thread
(:func:`summary_warmed`) before it imports them itself.  A module of its own, so the app (which
starts the warm-up) and the summary (which waits for it) need not import each other.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)
_warming: list[threading.Thread] = []  # the one thread that loads the summary's libraries, once per kernel


def warm_summary() -> None:
    """Load what the summary needs (matplotlib and a first drawing, the report's template, openpyxl) in the background.

    Called when a trainee opens a commitment: grading takes minutes, and the summary's chart and
    files then arrive within a second of the summary instead of after 1-2 s of imports.  A thread,
    because the kernel must keep answering the page meanwhile; a summary that comes early waits
    for it (:func:`summary_warmed`).  Errors are the summary's to report when it really needs the
    library, so here they are only logged, never shown.
    """
    if _warming:
        return

    def work() -> None:
        try:
            import openpyxl  # noqa: F401

            from ... import bundle, plots, report  # noqa: F401

            report.environment().get_template("report.html")  # jinja2, and the template compiled once
            fig = plots.Figure(figsize=(1, 1))
            fig.text(0.5, 0.5, "1 ✔")
            plots.to_png(fig, dpi=20)  # fonts and the Agg canvas, loaded once
        except Exception:  # the summary reports it itself if it matters
            log.exception("warming up the summary's libraries failed")

    thread = threading.Thread(target=work, name="idpckit-warm-summary", daemon=True)
    _warming.append(thread)
    thread.start()


#: Longest the summary's chart and files wait for the warm-up to finish before importing by themselves.
WARM_WAIT_S = 5.0


def summary_warmed(timeout: float | None = None) -> None:
    """Wait for :func:`warm_summary`'s thread, if one runs, at most ``timeout`` seconds (:data:`WARM_WAIT_S`).

    Why wait rather than import alongside it: two threads importing the same modules at once can
    be handed a half-initialised module (Python breaks an import deadlock that way), and the
    summary would say its chart "could not be drawn".  The wait costs nothing the summary would
    not spend importing them itself; a warm-up stuck on a slow disk holds it back ``timeout`` at most.
    """
    for thread in _warming:
        if thread is not threading.current_thread():
            thread.join(WARM_WAIT_S if timeout is None else timeout)

"""The web handlers of the trainer's pages under ``/trainer/`` (the pages themselves: :mod:`idpckit.trainer`).

* ``/trainer/`` and ``/trainer/<page>``: the workshop's Markdown files as pages;
* ``/trainer/handouts/<name>.pdf?paper=a4|letter``: a trainees' handout, built on
  request in a worker thread (so the server keeps answering) and kept in memory until
  the content changes;
* ``/trainer/solutions`` (GET: the form; POST: room code + trainer key) and
  ``/trainer/solutions/calibration-answers.pdf`` (POST with the same fields): only
  for a key that :meth:`idpckit.rooms.Rooms.open` accepts; wrong keys are counted per
  room and per client there, so guessing is slowed down, and the answer is the same
  for an unknown room and a wrong key.

Nothing here is cached by browsers or proxies when it is behind the key.

Every page and handout is in the visitor's language (:func:`idpckit.serve.page_language`:
``?lang=``, else ``Accept-Language``), with its ``<html lang>`` set.
"""

from __future__ import annotations

import asyncio
import os
import threading
from typing import Any

from .. import i18n
from ..i18n import _
from . import guards
from . import request as page_request

#: Handouts a visitor may download without the key (the trainer's answer sheet is not one).
PUBLIC_AUDIENCE = "trainees"
_cache: dict[tuple[Any, ...], bytes] = {}
_cached_for: list[Any] = [None]  # the Content the cache was built from (data.load returns a new one after an edit)
_lock = threading.Lock()


def _handout_pdf(name: str, paper: str, answers_allowed: bool = False, lang: str = "en") -> bytes | None:
    """The PDF of handout ``name`` on ``paper`` in ``lang`` from the content in use (cached per content version)."""
    from .. import data, handouts
    from ..localise import localised

    content = data.load()
    chosen = next((h for h in handouts.available(content) if h.name == name), None)
    if chosen is None or (chosen.audience != PUBLIC_AUDIENCE and not answers_allowed):
        return None
    key = (name, paper, lang, _extra_stamp(content.root))
    with _lock:
        if _cached_for[0] is not content:
            _cache.clear()
            _cached_for[0] = content
        if key in _cache:
            return _cache[key]
    with i18n.language(lang) as used:
        pdf = handouts.render(chosen, paper, localised(content, used))
    with _lock:
        if len(_cache) > 32:
            _cache.clear()
        _cache[key] = pdf
    return pdf


def _extra_stamp(root: Any) -> tuple[Any, ...]:
    """Modification times of the handouts' own files (role-play, vignettes), which data.load does not watch."""
    out = []
    for name in ("roleplay.yaml", "calibration.yaml"):
        try:
            st = os.stat(os.path.join(str(root), name))
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


def _store() -> Any:
    from ..store import Store, default_url

    # The trainer pages only read the rooms: a store this server may not write serves them too.
    return Store(os.environ.get("IDPCKIT_STORE") or default_url(), read_only=True)


def handlers(server_url: str) -> list[tuple[Any, ...]]:
    """The routes to add to Voilà's application (imports tornado and jupyter_server, so called at start-up)."""
    from jupyter_server.base.handlers import JupyterHandler
    from jupyter_server.utils import url_path_join
    from tornado import web

    from .. import handouts, trainer
    from ..errors import FileProblems
    from . import page_language

    class TrainerHandler(JupyterHandler):
        @property
        def lang(self) -> str:
            """The visitor's language (``?lang=``, else ``Accept-Language``); the page and its links keep it."""
            if not hasattr(self, "_lang"):
                self._lang = page_language(self)
            return self._lang

        @property
        def asked(self) -> bool:
            return "lang" in self.request.query_arguments

        def _wrap(self, title: str, body: str) -> str:
            with i18n.language(self.lang) as used:
                return trainer.wrap(title, body, self.base_url, q=trainer.query(used, self.asked))

        def _page(self, html: str, status: int = 200, private: bool = False) -> None:
            self.set_status(status)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store" if private else "no-cache")
            self.set_header("X-Content-Type-Options", "nosniff")
            self.set_header(
                "Referrer-Policy", "same-origin"
            )  # no-referrer would make form posts say Origin: null, which jupyter_server blocks
            self.finish(html)

        def _missing(self) -> None:
            with i18n.language(self.lang) as used:
                see, heading = _("See what there is"), _("Not here")
                link = f'<a href="{self.base_url}trainer/{trainer.query(used, self.asked)}">{trainer.esc(see)}</a>'
                words = _("There is no trainer page at this address. {link}.").format(link=link)
                body = f"<h1>{trainer.esc(heading)}</h1><p>{words}</p>"
                self._page(self._wrap(_("Not found"), body), status=404)

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            with i18n.language(self.lang):
                words = _("The page could not be made (error {status}). Try again in a moment.").format(
                    status=status_code
                )
                heading = _("Sorry")
                body = f"<h1>{trainer.esc(heading)}</h1><p>{trainer.esc(words)}</p>"
                self._page(self._wrap(heading, body), status=status_code)

    class IndexHandler(TrainerHandler):
        @web.authenticated
        def get(self) -> None:
            self._page(trainer.index_page(self.base_url, lang=self.lang, asked=self.asked))

    class PageHandler(TrainerHandler):
        @web.authenticated
        def get(self, name: str) -> None:
            html = trainer.markdown_page(name, self.base_url, lang=self.lang, asked=self.asked)
            if html is None:
                self._missing()
            else:
                self._page(html)

    class HandoutHandler(TrainerHandler):
        @web.authenticated
        async def get(self, name: str) -> None:
            paper = self.get_query_argument("paper", "a4").lower()
            if paper not in handouts.PAPERS:
                with i18n.language(self.lang):
                    heading, words = _("Paper size"), _("Choose a4 or letter.")
                    body = f"<h1>{trainer.esc(heading)}</h1><p>{trainer.esc(words)}</p>"
                    self._page(self._wrap(heading, body), status=400)
                return
            try:
                pdf = await asyncio.get_running_loop().run_in_executor(
                    None, lambda: _handout_pdf(name, paper, lang=self.lang)
                )
            except (FileProblems, ValueError) as exc:  # DataError is a ValueError
                with i18n.language(self.lang):
                    heading = _("This handout cannot be built")
                    body = f"<h1>{trainer.esc(heading)}</h1><pre>{trainer.esc(exc)}</pre>"
                    self._page(self._wrap(_("Handout"), body), status=500)
                return
            if pdf is None:
                self._missing()
                return
            self.set_header("Content-Type", "application/pdf")
            self.set_header("Content-Disposition", f'attachment; filename="{name}-{paper}.pdf"')
            self.set_header("Cache-Control", "no-cache")
            self.finish(pdf)

    class SolutionsHandler(TrainerHandler):
        def _form(self, message: str = "", room: str = "", status: int = 200) -> None:
            html = trainer.key_form(
                self.base_url, self.xsrf_form_html(), message, room, lang=self.lang, asked=self.asked
            )
            self._page(html, status=status, private=True)

        def _check(self) -> tuple[Any, str] | None:
            """The room if the posted code and key open it; otherwise the form again with the reason."""
            from .. import rooms

            code = self.get_body_argument("room", "").strip()[:40]
            key = self.get_body_argument("key", "").strip()[:60]
            if not code or not key:
                with i18n.language(self.lang):
                    self._form(_("Type both the room code and the trainer key."), code, status=400)
                return None
            try:
                # The address the server wrote (guards.set_client_header): the same count as the dashboard's.
                client = page_request.client(
                    {page_request.CLIENT_VARIABLE: self.request.headers.get(guards.CLIENT_HEADER, "")}
                )
                with i18n.language(self.lang):  # its refusals are read by the visitor
                    room = rooms.Rooms(_store()).open(code, key, client=client or "?")
            except rooms.TooManyTries as exc:
                self.set_header("Retry-After", str(int(exc.wait) + 1))
                self._form(str(exc), code, status=429)
                return None
            except rooms.RoomError as exc:
                self._form(str(exc), code, status=403)
                return None
            return room, key

        @web.authenticated
        def get(self) -> None:
            self._form()

        @web.authenticated
        def post(self) -> None:
            found = self._check()
            if found is None:
                return
            room, key = found
            html = trainer.solutions_page(
                self.base_url, room.code, self.xsrf_form_html(), key, lang=self.lang, asked=self.asked
            )
            self._page(html, private=True)

    class AnswersHandler(SolutionsHandler):
        @web.authenticated
        def get(self) -> None:
            with i18n.language(self.lang) as used:
                self.redirect(f"{self.base_url}trainer/solutions{trainer.query(used, self.asked)}")

        @web.authenticated
        async def post(self) -> None:
            if self._check() is None:
                return
            paper = self.get_body_argument("paper", "a4").lower()
            paper = paper if paper in handouts.PAPERS else "a4"
            try:
                pdf = await asyncio.get_running_loop().run_in_executor(
                    None, lambda: _handout_pdf("calibration-answers", paper, answers_allowed=True, lang=self.lang)
                )
            except (FileProblems, ValueError) as exc:
                with i18n.language(self.lang):
                    heading = _("The answer sheet cannot be built")
                    body = f"<h1>{trainer.esc(heading)}</h1><pre>{trainer.esc(exc)}</pre>"
                    self._page(self._wrap(_("Answers"), body), status=500, private=True)
                return
            if pdf is None:
                with i18n.language(self.lang):
                    words = _("This kit's content has no calibration vignettes yet.")
                    heading = _("No answer sheet")
                    body = f"<h1>{trainer.esc(heading)}</h1><p>{trainer.esc(words)}</p>"
                    self._page(self._wrap(_("Answers"), body), status=404, private=True)
                return
            self.set_header("Content-Type", "application/pdf")
            self.set_header("Content-Disposition", 'attachment; filename="calibration-answers.pdf"')
            self.set_header("Cache-Control", "no-store")
            self.finish(pdf)

    def at(path: str) -> str:
        return url_path_join(server_url, path)

    return [
        (at(r"/trainer"), web.RedirectHandler, {"url": at("/trainer/")}),
        (at(r"/trainer/"), IndexHandler),
        (at(r"/trainer/solutions"), SolutionsHandler),
        (at(r"/trainer/solutions/calibration-answers\.pdf"), AnswersHandler),
        (at(r"/trainer/handouts/([a-z0-9-]{1,40})\.pdf"), HandoutHandler),
        (at(r"/trainer/([a-z0-9-]{1,40})"), PageHandler),
    ]

"""The trainer's pages of the served site: agenda, notes, role-play, handouts and, behind the room's key, the solutions.

A trainer who has only the served site (no checkout, no printer driver, a borrowed
laptop) must still find everything: ``idpckit serve`` mounts these pages under
``/trainer/`` (:mod:`idpckit.serve.trainer` holds the web handlers; this module only
turns files into pages, so it is tested without a server).

* the workshop guide, agenda, schedule, facilitator notes and role-play guide are the
  Markdown files of ``workshop/`` rendered as pages, their links rewritten to the
  served lessons and to each other;
* every handout of :mod:`idpckit.handouts` is a download, built on request from the
  content the server uses (A4 or Letter);
* the solutions (``workshop/solutions.md`` as generated from ``data/``) and the
  calibration answer sheet are shown only to someone who types a room code and that
  room's trainer key (:meth:`idpckit.rooms.Rooms.open`, which also slows guessers down).

All text from files is escaped (Markdown is rendered with raw HTML turned into text).

Languages: every page is made in the language in use (:func:`idpckit.i18n.language`;
the handlers choose it with :func:`idpckit.i18n.choose`, from ``?lang=`` or the
browser's ``Accept-Language``), with ``<html lang>`` set.  A workshop file is shown
from ``workshop/<lang>/<file>`` when that translation exists, else in English with a
note saying so (and ``lang="en"`` on its text, so a screen reader reads it as English).
Links between the pages keep ``?lang=``.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from . import __version__, i18n
from .i18n import N_, _
from .style import css
from .text import esc

#: The trainer pages made from workshop/*.md: URL name -> (file, title, translated where shown).
PAGES: dict[str, tuple[str, str]] = {
    "guide": ("README.md", N_("Running a workshop")),
    "agenda": ("agenda.md", N_("Agendas")),
    "schedule": ("schedule.md", N_("Schedule of the lessons")),
    "facilitator-notes": ("facilitator-notes.md", N_("Facilitator notes")),
    "roleplay": ("roleplay.md", N_("The Vienna consensus role-play")),
    "translations": ("translations.md", N_("Who translated the kit")),
}
SOLUTIONS_FILE = "solutions.md"


def workshop_dir() -> Path:
    """``workshop/`` beside the package in a checkout, else the copy inside the wheel (``idpckit/_workshop``)."""
    checkout = Path(__file__).resolve().parent.parent / "workshop"
    if (checkout / "agenda.md").is_file():
        return checkout
    return Path(str(resources.files("idpckit") / "_workshop"))


def _slug(text: str) -> str:
    """A heading's anchor as GitHub makes it, so links like solutions.md#lesson-0-start-here keep working."""
    text = re.sub(r"<[^>]+>", "", text).lower()
    text = re.sub(r"&[a-z]+;|&#\d+;", "", text)
    text = re.sub(r"[^\w\- ]", "", text)
    return text.strip().replace(" ", "-")


def _markdown(text: str) -> str:
    import mistune

    class Renderer(mistune.HTMLRenderer):
        def heading(self, text: str, level: int, **attrs: object) -> str:
            return f'<h{level} id="{_slug(text)}">{text}</h{level}>\n'

    md = mistune.create_markdown(escape=True, renderer=Renderer(escape=True), plugins=["table", "strikethrough"])
    return str(md(text))


def other_pages() -> dict[str, str]:
    """Markdown files of ``workshop/`` beyond :data:`PAGES` (e.g. a new activity's guide): URL name -> file.

    Any ``workshop/name.md`` whose name is an id is a page too, except the solutions,
    which are only shown behind the key.
    """
    folder = workshop_dir()
    known = {file for file, _title in PAGES.values()} | {SOLUTIONS_FILE}
    if not folder.is_dir():
        return {}
    return {
        p.stem: p.name
        for p in sorted(folder.glob("*.md"))
        if p.name not in known and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", p.stem)
    }


def query(lang: str | None = None, asked: bool = False) -> str:
    """The ``?lang=`` a trainer page's links carry, so the next page speaks the same language.

    Nothing for English unless the visitor asked for it (a browser set to Spanish that
    asked ``?lang=en`` keeps English), like the index's links.
    """
    lang = i18n.normalise(lang) or i18n.current()
    return f"?lang={lang}" if asked or lang != "en" else ""


def source(file: str, lang: str | None = None) -> tuple[Path, str]:
    """The workshop file to show in ``lang`` and the language it is in: ``workshop/<lang>/<file>`` if translated, else the English."""
    lang = i18n.normalise(lang) or i18n.current()
    if lang != "en":
        translated = workshop_dir() / lang / file
        if translated.is_file():
            return translated, lang
    return workshop_dir() / file, "en"


def _notebook_href(base_url: str, name: str, q: str) -> str:
    """A lesson's served address in the language in use when ``notebooks/<lang>/`` has it (apps take ``?lang=`` instead)."""
    from . import catalog

    lang = i18n.current()
    if lang != "en" and (catalog.notebooks_dir() / lang / name).is_file():
        return f"{base_url}voila/render/{lang}/{name}{q}"
    return f"{base_url}voila/render/{name}{q}"


def rewrite_links(html: str, base_url: str, q: str = "", translated: bool = False) -> str:
    """Links between the workshop files, to notebooks and to the handouts, made into links on the served site.

    ``q`` is the ``?lang=`` the links carry (:func:`query`). A ``translated`` page lives one
    folder down (``workshop/es/``), so its links climb one folder more: ``../agenda.md`` is
    the English page, ``agenda.md`` the translation beside it (the same trainer page), and
    ``../../notebooks/es/x.ipynb`` a translated lesson.
    """
    by_file = {file: name for name, (file, _t) in PAGES.items()} | {f: n for n, f in other_pages().items()}

    def one(m: re.Match[str]) -> str:
        href = m.group(1)
        target, _sep, fragment = href.partition("#")
        anchor = f"#{fragment}" if fragment else ""
        if translated and target.startswith("../"):
            target = target[3:]  # from workshop/es/ to workshop/
        nb = re.fullmatch(r"(?:\.\./)?notebooks/(?:(?:es|fr|ru)/)?([\w.-]+\.ipynb)", target)
        if nb:
            return f'href="{_notebook_href(base_url, nb.group(1), q)}{anchor}"'
        if target in by_file:
            return f'href="{base_url}trainer/{by_file[target]}{q}{anchor}"'
        if target == SOLUTIONS_FILE:
            return f'href="{base_url}trainer/solutions{q}{anchor}"'
        if target.startswith("handouts/"):
            return f'href="{base_url}trainer/{q}#handouts"'
        if not target and fragment:
            return m.group(0)
        if re.match(r"^(https?:|mailto:)", target):
            return m.group(0)
        return f'href="{base_url}trainer/{q}" data-was="{esc(href)}"'  # a file the site does not serve

    return re.sub(r'href="([^"]*)"', one, html)


def wrap(title: str, body: str, base_url: str = "/", crumbs: bool = True, q: str | None = None) -> str:
    """A whole trainer page in the language in use: the kit's plain look, a way back, and ``body`` (already escaped HTML)."""
    lang = i18n.current()
    q = query() if q is None else q
    where, everything, trainers = _("Where you are"), _("All lessons and apps"), _("For trainers")
    nav = (
        f'<nav class="crumbs" aria-label="{esc(where)}">'
        f'<a href="{esc(base_url)}{q}">{esc(everything)}</a> · '
        f'<a href="{esc(base_url)}trainer/{q}">{esc(trainers)}</a></nav>'
        if crumbs
        else ""
    )
    head_title = _("{title} · idpckit for trainers").format(title=title)
    footer = _("idpckit {version} · pages for trainers").format(version=__version__)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n<link rel="icon" href="data:,">\n'
        f"<title>{esc(head_title)}</title>\n<style>{css('trainer.css')}</style>\n</head>\n<body>\n<main>\n"
        f"{nav}\n{body}\n<footer><p>{esc(footer)}</p></footer>\n</main>\n</body>\n</html>\n"
    )


def _first_heading(path: Path) -> str | None:
    first = path.read_text(encoding="utf-8").lstrip().splitlines()[:1]
    return first[0].lstrip("# ").strip() if first and first[0].startswith("# ") else None


def page_title(name: str) -> str | None:
    """The title of trainer page ``name`` in the language in use (a page beyond :data:`PAGES`: its file's first heading)."""
    if name in PAGES:
        return _(PAGES[name][1])
    if name in other_pages():
        path, _lang = source(other_pages()[name])
        return (_first_heading(path) if path.is_file() else None) or name.replace("-", " ").capitalize()
    return None


def markdown_page(name: str, base_url: str = "/", lang: str | None = None, asked: bool = False) -> str | None:
    """One of :data:`PAGES` as a whole page in ``lang``, or None if it is not a trainer page or the file is missing."""
    with i18n.language(lang or i18n.current()) as used:
        file = PAGES[name][0] if name in PAGES else other_pages().get(name)
        if file is None:
            return None
        path, shown = source(file, used)
        if not path.is_file():
            return None
        q = query(used, asked)
        body = rewrite_links(_markdown(path.read_text(encoding="utf-8")), base_url, q, translated=shown != "en")
        if shown != used:
            note = _("This page has not been translated yet; here it is in English.")
            body = f'<p class="message" role="note">{esc(note)}</p>\n<div lang="en">\n{body}</div>'
        if name == "translations":
            body += translation_shares()
        return wrap(page_title(name) or name, body, base_url, q=q)


def _percent(done: int, total: int) -> str:
    if not total:
        return _("in English")
    from babel.numbers import format_percent

    share = format_percent(done / total, locale=i18n.current())
    return _("{done} of {total} ({share})").format(done=done, total=total, share=share)


def translation_shares() -> str:
    """The share of each language translated, as a table computed from the catalogues and data/translations/."""
    from . import data, localise

    try:
        rows = localise.shares(data.load())
    except data.DataError as exc:
        words = _("The content has problems, so the shares cannot be counted: {problem}").format(problem=exc)
        return f'<p class="message">{esc(words)}</p>'
    body = "".join(
        f'<tr><th scope="row" lang="{s.lang}">{esc(i18n.NAMES[s.lang])} ({s.lang})</th>'
        f"<td>{_percent(s.messages.translated, s.messages.total)}</td>"
        f"<td>{_percent(s.content.translated, s.content.total)}</td>"
        f"<td>{_percent(s.lessons.translated, s.lessons.total)}</td>"
        f"<td>{s.messages.fuzzy + s.stale}</td></tr>"
        for s in rows
    )
    heads = (
        _("Language"),
        _("Interface messages"),
        _("Content fields (in the language's scope)"),
        _("Lesson texts"),
        _("Waiting for a check (fuzzy or stale)"),
    )
    caption = _("Share translated, per language")
    return (
        f'<table class="shares"><caption>{esc(caption)}</caption>'
        "<thead><tr>" + "".join(f'<th scope="col">{esc(h)}</th>' for h in heads) + "</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def index_page(base_url: str = "/", lang: str | None = None, asked: bool = False) -> str:
    """``/trainer/``: the pages, the handouts to download, and the way to the solutions, in ``lang``."""
    from . import data, handouts

    with i18n.language(lang or i18n.current()) as used:
        q = query(used, asked)
        trainers = _("For trainers")
        amp = f"&amp;lang={used}" if q else ""
        names = [n for n, (file, _t) in PAGES.items() if source(file, used)[0].is_file()] + list(other_pages())
        pages = "".join(
            f'<li><a href="{esc(base_url)}trainer/{name}{q}">{esc(page_title(name) or name)}</a></li>' for name in names
        )
        try:
            available = handouts.available(data.load())
            problem = ""
        except data.DataError as exc:
            words = _("The content has problems, so no handout can be built: {problem}").format(problem=exc)
            available, problem = [], f'<p class="message">{esc(words)}</p>'
        rows = []
        for h in available:
            if h.audience != "trainees":
                continue
            links = " · ".join(
                f'<a href="{esc(base_url)}trainer/handouts/{esc(h.name)}.pdf?paper={p}{amp}" download>{label}</a>'
                for p, label in (("a4", "A4"), ("letter", esc(_("US Letter"))))
            )
            title, activity = _(h.title), _(h.activity)
            rows.append(f"<li><b>{esc(title)}</b> ({esc(activity)}): {links}</li>")
        intro = _(
            "Everything you need to run the workshop from this site: how to run it, the agendas, the facilitator "
            "notes and the role-play, the handouts to print, and the solutions (those need your room's trainer key)."
        )
        print_note = _(
            "Each is a PDF built from the kit's content files as they are on this server. Print in black and "
            "white; nothing depends on colour."
        )
        open_words = _("Open the solutions")
        heads = {"pages": _("Reading"), "handouts": _("Handouts to print"), "solutions": _("Solutions")}
        solutions = _(
            "The answers to every exercise and the calibration answer sheet are for trainers only. {open_link} with "
            "your room code and the trainer key you were given when the room was made ({command})."
        ).format(
            open_link=f'<a href="{esc(base_url)}trainer/solutions{q}">{esc(open_words)}</a>',
            command="<code>idpckit room create</code>",
        )
        offline = _(
            "Slide decks that work without a network are made with {slides} on the serving machine; printable "
            "lessons with {lessons}."
        ).format(slides="<code>idpckit slides -o DIR</code>", lessons="<code>idpckit lessons --pdf -o DIR</code>")
        body = f"""<h1>{esc(trainers)}</h1>
<p>{esc(intro)}</p>
<h2 id="pages">{esc(heads["pages"])}</h2>
<ul>{pages}</ul>
<h2 id="handouts">{esc(heads["handouts"])}</h2>
<p>{esc(print_note)}</p>
{problem}<ul class="downloads">{"".join(rows)}</ul>
<h2 id="solutions">{esc(heads["solutions"])}</h2>
<p>{solutions}</p>
<p>{offline}</p>
"""
        return wrap(trainers, body, base_url, q=q)


def key_form(
    base_url: str, xsrf_field: str, message: str = "", room: str = "", lang: str | None = None, asked: bool = False
) -> str:
    """The form that asks for a room code and its trainer key before the solutions are shown."""
    with i18n.language(lang or i18n.current()) as used:
        q = query(used, asked)
        note = f'<p class="message" role="alert">{esc(message)}</p>' if message else ""
        intro = _(
            "The answers are for trainers. Type your room code and the trainer key that was shown when the room was made."
        )
        title, room_label, key_label, show = _("Solutions"), _("Room code"), _("Trainer key"), _("Show the solutions")
        body = f"""<h1>{esc(title)}</h1>
<p>{esc(intro)}</p>
{note}
<form class="key" method="post" action="{esc(base_url)}trainer/solutions{q}">
{xsrf_field}
<label for="room">{esc(room_label)}</label>
<input id="room" name="room" autocomplete="off" maxlength="40" value="{esc(room)}" required>
<label for="key">{esc(key_label)}</label>
<input id="key" name="key" type="password" autocomplete="off" maxlength="60" required>
<button type="submit">{esc(show)}</button>
</form>
"""
        return wrap(title, body, base_url, q=q)


def solutions_page(
    base_url: str, room_code: str, xsrf_field: str, key: str, lang: str | None = None, asked: bool = False
) -> str:
    """The solutions, for the trainer of ``room_code`` (the caller has checked the key), in ``lang`` where translated."""
    from .exercises import solutions

    with i18n.language(lang or i18n.current()) as used:
        q = query(used, asked)
        path, shown = source(SOLUTIONS_FILE, used)
        text = path.read_text(encoding="utf-8") if path.is_file() else solutions.markdown()
        download = _("Download the calibration answer sheet (PDF)")
        answers = f"""<form method="post" action="{esc(base_url)}trainer/solutions/calibration-answers.pdf{q}">
{xsrf_field}<input type="hidden" name="room" value="{esc(room_code)}"><input type="hidden" name="key" value="{esc(key)}">
<button type="submit">{esc(download)}</button></form>"""
        opened = _("Solutions opened for room {room}. Do not project this page.").format(room=room_code)
        solved = rewrite_links(_markdown(text), base_url, q)
        if shown != used:
            note = _("The solutions have not been translated yet; here they are in English.")
            solved = f'<p class="message" role="note">{esc(note)}</p>\n<div lang="en">\n{solved}</div>'
        body = f'<p class="message">{esc(opened)}</p>{answers}{solved}'
        return wrap(_("Solutions"), body, base_url, q=q)

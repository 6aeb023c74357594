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
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from . import __version__
from .style import css
from .text import esc

#: The trainer pages made from workshop/*.md: URL name -> (file, title).
PAGES: dict[str, tuple[str, str]] = {
    "guide": ("README.md", "Running a workshop"),
    "agenda": ("agenda.md", "Agendas"),
    "schedule": ("schedule.md", "Schedule of the lessons"),
    "facilitator-notes": ("facilitator-notes.md", "Facilitator notes"),
    "roleplay": ("roleplay.md", "The Vienna consensus role-play"),
    "translations": ("translations.md", "Who translated the kit"),
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
    known = {file for file, _ in PAGES.values()} | {SOLUTIONS_FILE}
    if not folder.is_dir():
        return {}
    return {
        p.stem: p.name
        for p in sorted(folder.glob("*.md"))
        if p.name not in known and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", p.stem)
    }


def rewrite_links(html: str, base_url: str) -> str:
    """Links between the workshop files, to notebooks and to the handouts, made into links on the served site."""
    by_file = {file: name for name, (file, _) in PAGES.items()} | {f: n for n, f in other_pages().items()}

    def one(m: re.Match[str]) -> str:
        href = m.group(1)
        target, _, fragment = href.partition("#")
        anchor = f"#{fragment}" if fragment else ""
        nb = re.fullmatch(r"(?:\.\./)?notebooks/([\w.-]+\.ipynb)", target)
        if nb:
            return f'href="{base_url}voila/render/{nb.group(1)}{anchor}"'
        if target in by_file:
            return f'href="{base_url}trainer/{by_file[target]}{anchor}"'
        if target == SOLUTIONS_FILE:
            return f'href="{base_url}trainer/solutions{anchor}"'
        if target.startswith("handouts/"):
            return f'href="{base_url}trainer/#handouts"'
        if not target and fragment:
            return m.group(0)
        if re.match(r"^(https?:|mailto:)", target):
            return m.group(0)
        return f'href="{base_url}trainer/" data-was="{esc(href)}"'  # a file the site does not serve

    return re.sub(r'href="([^"]*)"', one, html)


def wrap(title: str, body: str, base_url: str = "/", crumbs: bool = True) -> str:
    """A whole trainer page: the kit's plain look, a way back, and ``body`` (already escaped HTML)."""
    nav = (
        f'<nav class="crumbs" aria-label="Where you are"><a href="{esc(base_url)}">All lessons and apps</a> · '
        f'<a href="{esc(base_url)}trainer/">For trainers</a></nav>'
        if crumbs
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n<link rel="icon" href="data:,">\n'
        f"<title>{esc(title)} · idpckit for trainers</title>\n<style>{css('trainer.css')}</style>\n</head>\n<body>\n<main>\n"
        f"{nav}\n{body}\n<footer><p>idpckit {esc(__version__)} · pages for trainers</p></footer>\n</main>\n</body>\n</html>\n"
    )


def markdown_page(name: str, base_url: str = "/") -> str | None:
    """One of :data:`PAGES` as a whole page, or None if it is not a trainer page or the file is missing."""
    if name in PAGES:
        file, title = PAGES[name]
    elif name in other_pages():
        file = other_pages()[name]
        first = (workshop_dir() / file).read_text(encoding="utf-8").lstrip().splitlines()[:1]
        title = first[0].lstrip("# ").strip() if first and first[0].startswith("# ") else name
    else:
        return None
    path = workshop_dir() / file
    if not path.is_file():
        return None
    body = rewrite_links(_markdown(path.read_text(encoding="utf-8")), base_url)
    if name == "translations":
        body += translation_shares()
    return wrap(title, body, base_url)


def _percent(done: int, total: int) -> str:
    return f"{done} of {total} ({done / total:.0%})" if total else "in English"


def translation_shares() -> str:
    """The share of each language translated, as a table computed from the catalogues and data/translations/."""
    from . import data, i18n, localise

    try:
        rows = localise.shares(data.load())
    except data.DataError as exc:
        return f'<p class="message">The content has problems, so the shares cannot be counted: {esc(exc)}</p>'
    body = "".join(
        f'<tr><th scope="row">{esc(i18n.NAMES[s.lang])} ({s.lang})</th>'
        f"<td>{_percent(s.messages.translated, s.messages.total)}</td>"
        f"<td>{_percent(s.content.translated, s.content.total)}</td>"
        f"<td>{_percent(s.lessons.translated, s.lessons.total)}</td>"
        f"<td>{s.messages.fuzzy + s.stale}</td></tr>"
        for s in rows
    )
    return (
        '<table class="shares"><caption>Share translated, per language</caption>'
        '<thead><tr><th scope="col">Language</th><th scope="col">Interface messages</th>'
        '<th scope="col">Content fields (in the language\'s scope)</th><th scope="col">Lesson texts</th>'
        '<th scope="col">Waiting for a check (fuzzy or stale)</th></tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def index_page(base_url: str = "/") -> str:
    """``/trainer/``: the pages, the handouts to download, and the way to the solutions."""
    from . import data, handouts

    pages = "".join(
        f'<li><a href="{esc(base_url)}trainer/{name}">{esc(title)}</a></li>'
        for name, (file, title) in PAGES.items()
        if (workshop_dir() / file).is_file()
    ) + "".join(
        f'<li><a href="{esc(base_url)}trainer/{name}">{esc(name.replace("-", " ").capitalize())}</a></li>'
        for name in other_pages()
    )
    try:
        available = handouts.available(data.load())
        problem = ""
    except data.DataError as exc:
        available, problem = (
            [],
            f'<p class="message">The content has problems, so no handout can be built: {esc(exc)}</p>',
        )
    rows = []
    for h in available:
        if h.audience != "trainees":
            continue
        links = " · ".join(
            f'<a href="{esc(base_url)}trainer/handouts/{esc(h.name)}.pdf?paper={p}" download>{label}</a>'
            for p, label in (("a4", "A4"), ("letter", "US Letter"))
        )
        rows.append(f"<li><b>{esc(h.title)}</b> ({esc(h.activity)}): {links}</li>")
    body = f"""<h1>For trainers</h1>
<p>Everything you need to run the workshop from this site: how to run it, the agendas, the facilitator notes and the
role-play, the handouts to print, and the solutions (those need your room's trainer key).</p>
<h2 id="pages">Reading</h2>
<ul>{pages}</ul>
<h2 id="handouts">Handouts to print</h2>
<p>Each is a PDF built from the kit's content files as they are on this server. Print in black and white; nothing
depends on colour.</p>
{problem}<ul class="downloads">{"".join(rows)}</ul>
<h2 id="solutions">Solutions</h2>
<p>The answers to every exercise and the calibration answer sheet are for trainers only. <a href="{esc(base_url)}trainer/solutions">Open
the solutions</a> with your room code and the trainer key you were given when the room was made
(<code>idpckit room create</code>).</p>
<p>Slide decks that work without a network are made with <code>idpckit slides -o DIR</code> on the serving machine;
printable lessons with <code>idpckit lessons --pdf -o DIR</code>.</p>
"""
    return wrap("For trainers", body, base_url)


def key_form(base_url: str, xsrf_field: str, message: str = "", room: str = "") -> str:
    """The form that asks for a room code and its trainer key before the solutions are shown."""
    note = f'<p class="message" role="alert">{esc(message)}</p>' if message else ""
    body = f"""<h1>Solutions</h1>
<p>The answers are for trainers. Type your room code and the trainer key that was shown when the room was made.</p>
{note}
<form class="key" method="post" action="{esc(base_url)}trainer/solutions">
{xsrf_field}
<label for="room">Room code</label>
<input id="room" name="room" autocomplete="off" maxlength="40" value="{esc(room)}" required>
<label for="key">Trainer key</label>
<input id="key" name="key" type="password" autocomplete="off" maxlength="60" required>
<button type="submit">Show the solutions</button>
</form>
"""
    return wrap("Solutions", body, base_url)


def solutions_page(base_url: str, room_code: str, xsrf_field: str, key: str) -> str:
    """The solutions, for the trainer of ``room_code`` (the caller has checked the key)."""
    from .exercises import solutions

    path = workshop_dir() / SOLUTIONS_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else solutions.markdown()
    answers = f"""<form method="post" action="{esc(base_url)}trainer/solutions/calibration-answers.pdf">
{xsrf_field}<input type="hidden" name="room" value="{esc(room_code)}"><input type="hidden" name="key" value="{esc(key)}">
<button type="submit">Download the calibration answer sheet (PDF)</button></form>"""
    body = (
        f'<p class="message">Solutions opened for room {esc(room_code)}. Do not project this page.</p>'
        f"{answers}{rewrite_links(_markdown(text), base_url)}"
    )
    return wrap("Solutions", body, base_url)

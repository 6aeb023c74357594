"""Slide decks that open from a USB stick: one per lesson, and one for the role-play, with no network at all.

``idpckit slides -o DIR`` writes ``DIR/index.html`` (the list of decks) and one HTML
deck per lesson, built from the lesson notebooks and ``data/``:

* a title slide and the objectives, from the notebook's ``"idpckit"`` metadata;
* one slide per ``##`` section of the lesson's text, showing its first paragraph and
  its lists, with the whole section in the speaker notes (press S);
* a slide for each table or chart the lesson shows from ``data/`` (Table 1, Box 1, the
  asks, the venues, the timeline), rendered by the same functions the lesson calls;
* a "Your turn" slide for each exercise, with the question and the choices but not
  the answer (the answer sheet is ``workshop/solutions.md``);
* the key points.

Everything a deck needs is copied next to it: reveal.js 6 (MIT licence, vendored in
``idpckit/_vendor/reveal.js``; its licence travels with it), the kit's slide stylesheet
and the DejaVu fonts that ship with matplotlib.  No page refers to anything outside the
folder, so the decks work from ``file://`` with the network unplugged (a browser test
proves it with every non-file request blocked).

Only our own notebooks' code cells are read, and none is executed: a cell is turned
into a slide when it is one call to a known display function with literal arguments
(``lessons.workplan()``, ``lessons.venues("Geneva")``) or one exercise widget
(``checks.from_data("02-four-asks", "my-ask").widget``); anything else is skipped.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__, catalog, data, i18n
from .files import write_atomic
from .i18n import _, ngettext
from .text import esc

REVEAL_VERSION = "6.0.2"
VENDOR = Path(__file__).resolve().parent / "_vendor" / "reveal.js"
#: Files of reveal.js each deck needs, relative to the vendored folder.
REVEAL_FILES = ("reveal.js", "reveal.css", "reset.css", "plugin/notes.js", "LICENSE")
STYLESHEET = Path(__file__).resolve().parent / "templates" / "slides.css"

#: Display functions a lesson's code cell may call for a data slide, by module.
DATA_CALLS: dict[str, frozenset[str]] = {
    "lessons": frozenset(
        {
            "documents",
            "timeline_chart",
            "asks",
            "goals",
            "workplan",
            "table1_html",
            "corrections",
            "silences",
            "venues",
            "later_events",
            "commitments",
            "scales_legend",
            "venue_card",
        }
    ),
}
#: Exercise constructors whose question a "Your turn" slide shows, and where their wording lives.
EXERCISE_CALLS = {"from_data": ("checks", "computed_checks")}


class SlidesError(ValueError):
    """The decks cannot be built (a file where the folder should be, missing vendored files)."""


@dataclass
class Slide:
    """One slide: a heading, its body (HTML, already escaped) and the speaker notes (HTML)."""

    heading: str
    body: str = ""
    notes: str = ""
    kind: str = "text"  # text | data | exercise | title

    def html(self) -> str:
        notes = f'<aside class="notes">{self.notes}</aside>' if self.notes else ""
        if self.kind == "title":
            return f'<section class="title-slide">{self.body}{notes}</section>'
        focus = ' tabindex="0"' if self.kind == "data" else ""  # a region that scrolls must take the keyboard focus
        return f'<section class="{self.kind}"{focus}><h2>{esc(self.heading)}</h2>{self.body}{notes}</section>'


@dataclass
class Deck:
    """A deck: its file name, its title and its slides."""

    name: str
    title: str
    summary: str
    slides: list[Slide] = field(default_factory=list)


# --------------------------------------------------------------------------- Markdown


def _markdown() -> Callable[[str], str]:
    """Markdown to HTML with raw HTML escaped: a trainer's stray '<' stays a character."""
    import mistune

    return mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])


def _blocks(text: str) -> list[str]:
    return [b.strip("\n") for b in re.split(r"\n\s*\n", text) if b.strip()]


def _is_list(block: str) -> bool:
    return bool(re.match(r"^\s*([-*+]|\d+\.)\s", block))


def summarise(text: str, max_items: int = 8) -> str:
    """What a slide shows of a section: its first paragraph and its lists (at most ``max_items`` items).

    The whole section goes to the speaker notes; a slide is for the room to read at a glance.
    """
    blocks = _blocks(text)
    paragraphs = [b for b in blocks if not _is_list(b) and not b.lstrip().startswith(("#", "|", ">"))]
    lists = [b for b in blocks if _is_list(b)]
    kept: list[str] = paragraphs[:1]
    items = 0
    for b in lists:
        lines = [ln for ln in b.splitlines() if re.match(r"^\s*([-*+]|\d+\.)\s", ln)]
        room = max_items - items
        if room <= 0:
            break
        kept.append("\n".join(lines[:room]))
        items += min(room, len(lines))
    return "\n\n".join(kept)


# --------------------------------------------------------------------------- code cells


def _call(source: str) -> tuple[str, str, list[Any], dict[str, Any]] | None:
    """The last expression of a cell as (module, function, args, kwargs), if it is one call with literal arguments."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return None
    node = tree.body[-1].value
    if isinstance(node, ast.Attribute) and node.attr == "widget":
        node = node.value  # checks.from_data(...).widget
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    if not isinstance(node.func.value, ast.Name):
        return None
    try:
        args = [ast.literal_eval(a) for a in node.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
    except ValueError:
        return None
    return node.func.value.id, node.func.attr, args, kwargs


def _exercise(content: data.Content, args: list[Any]) -> Slide | None:
    """A "Your turn" slide from an exercise's wording (the question and the choices, never the answer)."""
    from . import exercises

    if len(args) != 2 or not all(isinstance(a, str) for a in args):
        return None
    try:
        spec = exercises.get(args[0], args[1], content)
    except Exception:  # a file or exercise that does not load: the lesson page reports it; the deck goes on
        return None
    md = _markdown()
    body = md(str(getattr(spec, "prompt", "") or ""))
    choices = [getattr(o, "text", "") for o in getattr(spec, "options", None) or []]
    choices += [getattr(i, "text", "") for i in getattr(spec, "items", None) or []]
    choices = [c for c in choices if c]
    if choices:
        body += '<ul class="choices">' + "".join(f"<li>{esc(c)}</li>" for c in choices[:10]) + "</ul>"
    body += (
        '<p class="hint">'
        + esc(_("Answer on the lesson page, or on paper; the answers are in workshop/solutions.md."))
        + "</p>"
    )
    return Slide(
        _("Your turn: {title}").format(title=getattr(spec, "title", "") or _("exercise")), body, kind="exercise"
    )


def _data_slide(content: data.Content, module: str, function: str, args: list[Any], kwargs: dict[str, Any]) -> str:
    from . import lessons

    mod = {"lessons": lessons}[module]
    result = getattr(mod, function)(
        *args, **{"content": content, **kwargs} if _takes_content(mod, function) else kwargs
    )
    return str(result)


def _takes_content(mod: Any, function: str) -> bool:
    import inspect

    return "content" in inspect.signature(getattr(mod, function)).parameters


# --------------------------------------------------------------------------- lessons


def lesson_deck(entry: catalog.Entry, content: data.Content) -> Deck:
    """The deck of one lesson notebook (read as JSON; nothing is executed)."""
    nb = json.loads(entry.path.read_text(encoding="utf-8"))
    md = _markdown()
    lesson = _("Lesson {n}").format(n=entry.order)
    times = _("About {minutes} minutes: {teaching} of teaching, {exercises} of exercises.").format(
        minutes=entry.minutes, teaching=entry.teaching, exercises=entry.exercises
    )
    deck = Deck(f"{entry.path.stem}.html", f"{lesson}: {entry.title}", entry.summary)
    deck.slides.append(
        Slide(
            entry.title,
            f'<p class="kicker">{esc(lesson)}</p><h1>{esc(entry.title)}</h1>'
            f'<p>{esc(entry.summary)}</p><p class="times">{esc(times)}</p>',
            kind="title",
        )
    )
    if entry.objectives:
        items = "".join(f"<li>{esc(o)}</li>" for o in entry.objectives)
        deck.slides.append(Slide(_("By the end of this lesson you will be able to"), f"<ul>{items}</ul>"))
    heading, text = "", ""

    def flush() -> None:
        if heading and text.strip():
            deck.slides.append(Slide(heading, md(summarise(text)), notes=md(text)))

    for cell in nb.get("cells", []):
        source = (
            "".join(cell.get("source", [])) if isinstance(cell.get("source"), list) else str(cell.get("source", ""))
        )
        if cell.get("cell_type") == "markdown":
            for part in re.split(r"(?m)^(?=## )", source):
                if part.startswith("## "):
                    flush()
                    first, _sep, rest = part.partition("\n")
                    heading, text = first[3:].strip(), rest
                elif not part.lstrip().startswith("# "):  # the notebook's own title: the title slide has it
                    text += "\n\n" + part
        elif cell.get("cell_type") == "code":
            call = _call(source)
            if call is None:
                continue
            module, function, args, kwargs = call
            if function in DATA_CALLS.get(module, ()):
                flush()
                deck.slides.append(
                    Slide(heading or entry.title, _data_slide(content, module, function, args, kwargs), kind="data")
                )
                text = ""
            elif function in EXERCISE_CALLS and module in EXERCISE_CALLS[function]:
                slide = _exercise(content, args)
                if slide is not None:
                    flush()
                    deck.slides.append(slide)
                    heading, text = "", ""
    flush()
    if entry.keypoints:
        items = "".join(f"<li>{esc(k)}</li>" for k in entry.keypoints)
        deck.slides.append(Slide(_("Key points"), f"<ul>{items}</ul>"))
    return deck


def roleplay_deck(content: data.Content) -> Deck | None:
    """The role-play's deck for the chair, in the language in use: setting, paragraph, votes, rounds, the debrief."""
    from . import roleplay

    if not (Path(content.root) / roleplay.FILE).is_file():
        return None
    game = roleplay.load(content.root, i18n.current())  # FileProblems: the CLI names the file, item and field
    deck = Deck("roleplay.html", _("Role-play: {title}").format(title=game.title), game.summary)
    kicker = _("Role-play, {minutes} minutes").format(minutes=game.minutes)
    deck.slides.append(
        Slide(
            game.title,
            f'<p class="kicker">{esc(kicker)}</p><h1>{esc(game.title)}</h1><p>{esc(game.summary)}</p>',
            kind="title",
        )
    )
    deck.slides.append(Slide(_("The setting"), f"<p>{esc(game.setting)}</p>"))
    brackets = "".join(
        f"<li><b>{esc(b.label)}</b>: " + " / ".join(f"[{esc(o.text)}]" for o in b.options) + "</li>"
        for b in game.paragraph.brackets
    )
    deck.slides.append(
        Slide(game.paragraph.title, f'<p><b>{esc(game.paragraph.chapeau)} …</b></p><ul class="small">{brackets}</ul>')
    )
    votes = "".join(
        f"<tr><td>{esc(r.name)}</td><td>{r.votes if r.votes else esc(_('no vote'))}</td></tr>" for r in game.roles
    )
    deck.slides.append(
        Slide(
            _("Who holds the votes"),
            f'<table><thead><tr><th scope="col">{esc(_("Group"))}</th><th scope="col">{esc(_("Votes"))}</th></tr>'
            f"</thead><tbody>{votes}</tbody></table>",
        )
    )
    for r in game.rounds:
        items = "".join(f"<li>{esc(x)}</li>" for x in [*r.rules, *r.steps])
        deck.slides.append(
            Slide(_("{title} ({minutes} min)").format(title=r.title, minutes=r.minutes), f"<ul>{items}</ul>")
        )
    for n, q in enumerate(game.debrief, start=1):
        deck.slides.append(Slide(_("Debrief {n}").format(n=n), f"<p>{esc(q.question)}</p>", notes=esc(q.notes)))
    return deck


# --------------------------------------------------------------------------- writing


PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="idpckit {version}">
<link rel="icon" href="data:,">
<title>{title}</title>
<link rel="stylesheet" href="assets/reveal/reset.css">
<link rel="stylesheet" href="assets/reveal/reveal.css">
<link rel="stylesheet" href="assets/slides.css">
</head>
<body>
<div class="reveal"><div class="slides">
{slides}
</div></div>
<script src="assets/reveal/reveal.js"></script>
<script src="assets/reveal/plugin/notes.js"></script>
<script>
Reveal.initialize({{hash: true, slideNumber: "c/t", transition: "none", plugins: [RevealNotes]}});
</script>
</body>
</html>
"""

INDEX = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title}</title>
<link rel="stylesheet" href="assets/slides.css">
</head>
<body class="index">
<main>
<h1>{title}</h1>
<p>{intro}</p>
<ul class="decks">
{items}
</ul>
<p class="small">{built}</p>
</main>
</body>
</html>
"""


def _index_words(version: str) -> dict[str, str]:
    """The index page's words in the language in use (the keys stay as markup: kbd elements)."""
    keys = {k: f"<kbd>{k}</kbd>" for k in ("F", "S", "Esc")}
    intro = esc(
        _(
            "One deck per lesson, and one for the role-play. They open in any web browser from this folder, with "
            "no network. In a deck: the arrow keys or the space bar move on, {F} fills the screen, {S} opens the "
            "speaker notes, {Esc} shows every slide."
        )
    ).format(**keys)
    built = esc(
        _(
            "Built by idpckit {version} from the lessons and the content files. Slides run on reveal.js {reveal} "
            "(MIT licence, © Hakim El Hattab and contributors; see {reveal_licence}); text in DejaVu fonts (free "
            "licence; see {fonts_licence})."
        )
    ).format(
        version=version,
        reveal=REVEAL_VERSION,
        reveal_licence='<a href="assets/reveal/LICENSE">assets/reveal/LICENSE</a>',
        fonts_licence='<a href="assets/fonts/LICENSE-DejaVu.txt">assets/fonts/LICENSE-DejaVu.txt</a>',
    )
    return {"title": esc(_("Slides: the 2019 Ministerial Segment")), "intro": intro, "built": built}


DEJAVU_NOTICE = """DejaVu fonts: Bitstream Vera fonts with changes by the DejaVu project, free to use,
copy and redistribute (the Bitstream Vera licence and the DejaVu changes are in the public domain).
Copied from the matplotlib package, which ships them. See https://dejavu-fonts.github.io/License.html
"""


def lessons_folder(lang: str, notebooks: str | os.PathLike[str] | None = None) -> Path:
    """Where the lessons in ``lang`` are: ``notebooks/<lang>/`` (generated from the English ones), else the English."""
    base = catalog.notebooks_dir(notebooks)
    translated = base / lang
    return translated if lang != "en" and any(translated.glob("*.ipynb")) else base


def decks(content: data.Content | None = None, notebooks: str | os.PathLike[str] | None = None) -> list[Deck]:
    """Every deck, in the language in use: one per lesson (in the lessons' order), then the role-play's.

    The lessons are read from their translation (``notebooks/es/`` ...) when there is one,
    and the content from ``data/translations/``.
    """
    from .localise import localised

    lang = i18n.current()
    content = localised(content or data.load(), lang)
    folder = lessons_folder(lang, notebooks)
    out = [lesson_deck(e, content) for e in catalog.catalog(folder) if e.kind == "lesson"]
    rp = roleplay_deck(content)
    if rp is not None:
        out.append(rp)
    return out


def _assets(out: Path) -> list[Path]:
    """Copy reveal.js, the stylesheet and the fonts into ``out/assets``."""
    from .report import font_paths

    written = []
    missing = [f for f in REVEAL_FILES if not (VENDOR / f).is_file()]
    if missing:
        raise SlidesError(
            ngettext(
                "The kit's copy of reveal.js is incomplete ({files} is missing in {folder}); reinstall idpckit.",
                "The kit's copy of reveal.js is incomplete ({files} are missing in {folder}); reinstall idpckit.",
                len(missing),
            ).format(files=", ".join(missing), folder=VENDOR)
        )
    for f in REVEAL_FILES:
        target = out / "assets" / "reveal" / f
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(VENDOR / f, target)
        written.append(target)
    fonts = out / "assets" / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    for path in font_paths().values():
        shutil.copyfile(path, fonts / path.name)
        written.append(fonts / path.name)
    written.append(write_atomic(fonts / "LICENSE-DejaVu.txt", DEJAVU_NOTICE.encode("utf-8")))
    written.append(write_atomic(out / "assets" / "slides.css", STYLESHEET.read_bytes()))
    return written


def render(deck: Deck) -> str:
    return PAGE.format(
        lang=i18n.current(),
        version=__version__,
        title=esc(deck.title),
        slides="\n".join(s.html() for s in deck.slides),
    )


def build(
    out_dir: str | os.PathLike[str],
    root: str | os.PathLike[str] | None = None,
    notebooks: str | os.PathLike[str] | None = None,
    lang: str | None = None,
) -> list[Path]:
    """Write every deck, the index and the assets into ``out_dir``; returns the deck files (index first).

    In ``lang`` (default: the language in use): the lessons' translations, the content's,
    and the decks' own words.
    """
    with i18n.language(lang or i18n.current()):
        return _build(Path(out_dir), root, notebooks)


def _build(out: Path, root: str | os.PathLike[str] | None, notebooks: str | os.PathLike[str] | None) -> list[Path]:
    if out.exists() and not out.is_dir():
        raise SlidesError(
            _("{path} is a file, not a folder; choose a folder to write the slides into.").format(path=out)
        )
    all_decks = decks(data.load(root), notebooks)  # everything is built before anything is written
    pages = [(d, render(d)) for d in all_decks]
    out.mkdir(parents=True, exist_ok=True)
    _assets(out)
    items = "\n".join(
        f'<li><a href="{esc(d.name)}">{esc(d.title)}</a> <span class="small">('
        + esc(ngettext("{n} slide", "{n} slides", len(d.slides)).format(n=len(d.slides)))
        + f") {esc(d.summary)}</span></li>"
        for d in all_decks
    )
    from .handouts import readable

    index = write_atomic(
        out / "index.html",
        INDEX.format(items=items, lang=i18n.current(), **_index_words(__version__)).encode("utf-8"),
    )
    written = [index, *(write_atomic(out / d.name, page.encode("utf-8")) for d, page in pages)]
    for path in [*written, out / "assets" / "slides.css", out / "assets" / "fonts" / "LICENSE-DejaVu.txt"]:
        readable(path)
    return written


def external_references(html: str) -> list[str]:
    """Resources a page would fetch from the network: scripts, images, stylesheets, fonts, imports.

    Plain links (``<a href>``) are not counted: following one is the reader's choice.
    """
    remote = r"(?:https?:)?//[^\"'\s)]+"
    found = re.findall(rf"""\bsrc\s*=\s*["']({remote})""", html)
    found += re.findall(rf"""<link\b[^>]*\bhref\s*=\s*["']({remote})""", html)
    found += re.findall(rf"""url\(\s*["']?({remote})""", html)
    found += re.findall(rf"""@import\s+(?:url\()?["']?({remote})""", html)
    return found

"""The languages the kit speaks, the one in use, and its messages through gettext and Babel.

Why gettext: translators work in ``.po`` files with the tools they know (Poedit, Weblate),
plural forms follow each language's own rules (Russian has three), and a missing
translation falls back to the English text instead of breaking a page.

* Messages are marked in code with :func:`_` and :func:`ngettext` and extracted to
  ``idpckit/locale/idpckit.pot`` (``pybabel extract -F idpckit/locale/babel.cfg``);
  each language's catalogue is ``idpckit/locale/<lang>/LC_MESSAGES/idpckit.po``.
* Catalogues are compiled when first used (Babel reads the ``.po`` and writes the binary
  form in memory), so there is no build step and a translator's edit shows at the next
  start. Fuzzy entries (a translation not yet checked) are never shown.
* The language in use is a context variable: a Voilà kernel serves one visitor and sets it
  once from the page's ``?lang=``; a report sets it for the time it renders
  (``with language("es"): ...``). The default comes from ``IDPCKIT_LANG``, else English.

Example::

    >>> from idpckit.i18n import language, ngettext
    >>> with language("ru"):
    ...     ngettext("{n} commitment", "{n} commitments", 5)  # doctest: +SKIP
    '{n} обязательств'
"""

from __future__ import annotations

import contextlib
import gettext
import inspect
import io
import os
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from babel.messages.catalog import Catalog

#: The languages the kit ships, English first (the source language and the fallback).
LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "ru")
#: Each language's name in itself, for a language switch.
NAMES: dict[str, str] = {"en": "English", "es": "Español", "fr": "Français", "ru": "Русский"}
DOMAIN = "idpckit"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENV_VAR = "IDPCKIT_LANG"

_current: ContextVar[str | None] = ContextVar("idpckit_language", default=None)
#: The language of this whole process, once a Voilà kernel knows its visitor's (see :func:`use_in_process`).
_process: str | None = None


def normalise(tag: str | None) -> str | None:
    """The kit language a tag asks for ("es-CO" → "es", "fr_FR.UTF-8" → "fr"), or None.

    Anything that is not a plain language tag (too long, odd characters) is ignored, so
    a query string or header can be passed in as it came.
    """
    if not tag or len(tag) > 35:
        return None
    match = re.fullmatch(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*(?:\.[A-Za-z0-9-]+)?\s*", tag)
    if not match:
        return None
    lang = match.group(1).lower()
    return lang if lang in LANGUAGES else None


def negotiate(accept_language: str | None, default: str = "en") -> str:
    """The kit language a browser prefers, from its ``Accept-Language`` header.

    ``"ru-RU,ru;q=0.9,en;q=0.8"`` → ``"ru"``; languages the kit does not speak are skipped;
    a malformed or huge header gives the default rather than an error.
    """
    if not accept_language or len(accept_language) > 1000:
        return default
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept_language.split(",")[:50]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        q = re.fullmatch(r"\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*", params) if params else None
        if params and not q:
            continue
        if q:
            weight = float(q.group(1))
        lang = normalise(tag)
        if lang and weight > 0:
            ranked.append((-weight, i, lang))
    return min(ranked)[2] if ranked else default


def choose(asked: str | None, accept_language: str | None) -> str:
    """The language of a page: the one asked for (``?lang=``) if the kit speaks it, else the browser's, else English.

    The one rule for every page the server makes (index, error pages, trainer pages) and
    for the apps' kernels (:mod:`idpckit.serve.request`); hostile values fall back quietly.
    """
    return normalise(asked) or negotiate(accept_language[:1000] if accept_language else None)


#: Where a command line finds its user's language after ``IDPCKIT_LANG``, in the order gettext reads them.
LOCALE_VARS: tuple[str, ...] = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def environment_language(environ: Mapping[str, str] | None = None) -> str:
    """The language a command line speaks to its user: ``IDPCKIT_LANG``, else the locale (``LANGUAGE``,
    ``LC_ALL``, ``LC_MESSAGES``, ``LANG``, as gettext reads them), else English.

    Why the locale too: a trainer whose terminal is set to French (``LANG=fr_FR.UTF-8``)
    should get the CLI's messages in French without learning a kit-specific variable.
    ``LANGUAGE`` may list several (``es:fr``): the first the kit speaks wins.  ``C`` and
    ``POSIX`` mean English.  Only the first set variable of the locale counts, as in gettext.
    """
    env = os.environ if environ is None else environ
    chosen = normalise(env.get(ENV_VAR))
    if chosen:
        return chosen
    for var in LOCALE_VARS:
        value = env.get(var, "")
        if not value:
            continue
        for tag in value.split(":")[:10]:
            lang = normalise(tag.split("@")[0])
            if lang:
                return lang
        if var != "LANGUAGE":  # LANGUAGE is a preference list that may name only languages the kit lacks
            return "en"
    return "en"


def current() -> str:
    """The language in use: the one set for this context, else the process's, else ``IDPCKIT_LANG``, else English."""
    return _current.get() or _process or normalise(os.environ.get(ENV_VAR)) or "en"


def use_in_process(lang: str | None) -> str:
    """Make ``lang`` the language of this whole process (None: back to the default); returns the one in use.

    Why not :func:`set_language`: a Voilà kernel serves one visitor, but ipykernel runs each
    widget callback in a context of its own, so a context variable set when the request
    arrives would be gone by the first click.  The kernel's visitor chose one language for
    the whole page, so the process keeps it.
    """
    global _process
    _process = normalise(lang)
    return current()


def set_language(lang: str | None) -> str:
    """Use ``lang`` from now on in this context (an unknown language means English); returns the one set."""
    chosen = normalise(lang) or "en"
    _current.set(chosen)
    return chosen


@contextlib.contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Use ``lang`` inside the ``with`` block only (e.g. to render one report in Spanish)."""
    token = _current.set(normalise(lang) or "en")
    try:
        yield current()
    finally:
        _current.reset(token)


@contextlib.contextmanager
def default_language() -> Iterator[str]:
    """Inside the ``with`` block, forget the language set for this context: the process's default again.

    Why: ``idpckit serve`` is started in its user's language, but the server it runs must not
    inherit it; each of its pages speaks its visitor's (``?lang=``, ``Accept-Language``).
    """
    token = _current.set(None)
    try:
        yield current()
    finally:
        _current.reset(token)


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled messages of ``lang`` (English and languages without a catalogue: the messages as written)."""
    path = catalog_path(lang)
    if lang == "en" or not path.is_file():
        return gettext.NullTranslations()
    return compiled(read_catalog(path, lang, DOMAIN))


def _(message: str) -> str:
    """``message`` in the language in use (as written when it has no translation)."""
    return translations(current()).gettext(message)


def pgettext(context: str, message: str) -> str:
    """``message`` in the language in use, as meant in ``context`` (a word that reads differently elsewhere)."""
    return translations(current()).pgettext(context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message that fits ``n`` in the language in use (Russian: one of three)."""
    return translations(current()).ngettext(singular, plural, n)


class Counted:
    """A count of translated texts out of ``total``: the one place that turns it into a share.

    The interface's catalogues (:class:`Coverage`), the content (``localise.ContentCoverage``)
    and each lesson (``lesson_i18n.LessonStatus``) are counted so.
    """

    total: int
    translated: int

    @property
    def share(self) -> float:
        """The share translated, 0 to 1; nothing to translate counts as all translated."""
        return self.translated / self.total if self.total else 1.0


@dataclass(frozen=True)
class Coverage(Counted):
    """How much of a language's catalogue is translated (for the "who translated" page and the tests)."""

    lang: str
    total: int
    translated: int
    fuzzy: int


def coverage(lang: str, domain: str = DOMAIN) -> Coverage:
    """Count the messages of ``lang``'s catalogue of ``domain``: all, translated (not fuzzy), fuzzy.

    ``domain`` is ``idpckit`` (the interface) or ``lessons`` (the lessons' paragraphs).
    """
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    if not path.is_file():
        return Coverage(lang, 0, 0, 0)
    catalog = read_catalog(path, lang, domain)
    messages = [m for m in catalog if m.id]
    done = [m for m in messages if not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])]
    return Coverage(lang, len(messages), len(done), sum(1 for m in messages if m.fuzzy))


def _install() -> None:
    """Let :mod:`idpckit.errors` (below this module, so it cannot import it) speak the language in use."""
    from . import errors

    errors.use_translator(_)


_install()


def number(value: float, pattern: str | None = None) -> str:
    """``value`` written as the language in use writes numbers: 20,000 and 13.5 in English, 20 000 and 13,5 in French.

    ``pattern`` is a CLDR pattern such as ``"0.0"`` (one decimal); by default, whole numbers
    with the language's thousands separator.  Why: "1,000,000" reads as one in Spanish.
    """
    from babel.numbers import format_decimal

    return format_decimal(value, format=pattern, locale=current())


def colon(label: str) -> str:
    """``label`` followed by a colon the way the language in use writes it ("Conseil :" in French).

    Why one helper: labels joined to their text in code ("<b>{label}:</b> ...") would
    otherwise print French without the space its typography asks for before a colon.
    """
    # Translators: a label before its text; French puts a no-break space before the colon.
    return _("{label}:").format(label=label)


def N_(message: str, plural: str | None = None) -> str:
    """Mark ``message`` for translation where it is defined (a label in a table); translate it where shown.

    With ``plural``, marks a counted message, translated where shown with :func:`ngettext`
    (Click's own counted words, listed in :mod:`idpckit.cli.words`).
    """
    return message


# --------------------------------------------------------------------------- command-line help


def help_texts(text: str) -> list[str]:
    """The messages of a command's or option's ``--help`` text, one per paragraph, in order.

    Why paragraphs: a translator gets one sentence or two at a time, as in the lessons, and a
    changed paragraph leaves the others translated.  Click rewraps a plain paragraph, so its
    message is the paragraph on one line.  A paragraph Click keeps as written (``\\b`` on its
    first line, the examples) gives one message per line of words, e.g. ``Example:``; a
    command line (``idpckit ...``) is kept, and only the comment after its ``#`` is a message.
    Click's ``\\f`` ends the text it shows.
    """
    found: list[str] = []
    for kind, piece in _help_pieces(text):
        if kind == "words" and piece not in found:
            found.append(piece)
    return found


def translate_help(text: str) -> str:
    """A ``--help`` text in the language in use, paragraph by paragraph (:func:`help_texts`), in Click's layout."""
    return "".join(_(piece) if kind == "words" else piece for kind, piece in _help_pieces(text))


def _help_pieces(text: str) -> list[tuple[str, str]]:
    """``text`` cut into ("words", a message) and ("as-is", layout or a command) pieces that join back into it."""
    body = inspect.cleandoc(text).partition("\f")[0]
    pieces: list[tuple[str, str]] = []
    for i, paragraph in enumerate(re.split(r"\n\s*\n", body)):
        if i:
            pieces.append(("as-is", "\n\n"))
        lines = paragraph.split("\n")
        if lines[0].strip() != "\b":
            pieces.append(("words", " ".join(paragraph.split())))
            continue
        pieces.append(("as-is", "\b"))
        for line in lines[1:]:
            indent, words = re.fullmatch(r"(\s*)(.*?)\s*", line).groups()
            pieces.append(("as-is", "\n" + indent))
            command = re.fullmatch(r"((?:idpckit\b)?.*?)(?:((?:^|\s+)#\s*)(.+))?", words)
            if command and (command.group(1).startswith("idpckit") or not command.group(1)):
                pieces.append(("as-is", command.group(1) + (command.group(2) or "")))
                if command.group(3):
                    pieces.append(("words", command.group(3)))
            elif words:
                pieces.append(("words", words))
    return pieces


def extract_cli(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str | tuple[str, ...], list[str]]]:
    """Babel's extraction for the command modules: their marked messages, and their ``--help`` texts.

    Every command's and group's docstring (Click shows it as the command's help) and every
    literal ``help=`` of an option are messages, paragraph by paragraph (:func:`help_texts`),
    so a new command or option is translated without marking; :mod:`idpckit.cli.words`
    shows them in the user's language.
    """
    import ast

    from babel.messages.extract import extract_python

    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)
    note = ["--help text. Keep command lines, option names (--lang) and placeholders in capitals (FILE) as they are."]
    for node in ast.walk(ast.parse(source)):
        texts: list[str] = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in ("command", "group")
            for d in node.decorator_list
        ):
            texts = help_texts(ast.get_docstring(node, clean=True) or "")
        elif isinstance(node, ast.Call):
            texts = [
                t
                for kw in node.keywords
                if kw.arg == "help" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)
                for t in help_texts(kw.value.value)
            ]
        for message in texts:
            yield node.lineno, "_", message, note


# --------------------------------------------------------------------------- catalogues

#: Which files hold messages, and how to read them (Babel's method names).
SOURCES: tuple[tuple[str, str], ...] = (
    ("cli/**.py", "idpckit.i18n:extract_cli"),
    ("**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("serve/_voila/**.html", "jinja2"),
    ("serve/_voila/**.j2", "jinja2"),
)
POT = LOCALE_DIR / f"{DOMAIN}.pot"


def _keywords() -> dict[str, Any]:
    """Babel's marking functions, with :func:`N_` also marking a counted message (two strings)."""
    from babel.messages.extract import DEFAULT_KEYWORDS

    return {**DEFAULT_KEYWORDS, "N_": {1: None, 2: (1, 2)}}


def extract() -> Catalog:
    """Every marked message in the package, as a Babel catalogue (the ``.pot`` template)."""
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parent
    catalog = new_template("idpckit")
    method_map = [(pattern, method) for pattern, method in SOURCES]
    options = {pattern: {"extensions": "jinja2.ext.i18n", "trimmed": "true"} for pattern, m in SOURCES if m == "jinja2"}
    for filename, lineno, message, comments, context in extract_from_dir(
        root,
        method_map=method_map,
        options_map=options,
        keywords=_keywords(),
        comment_tags=("Translators:",),
        strip_comment_tags=True,
        directory_filter=_searched,
    ):
        if "_vendor" in Path(filename).parts:
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for location, text in app_metadata_messages(root):
        catalog.add(
            text, None, [(location, 0)], auto_comments=["The index page's and the schedule's words for an app."]
        )
    return catalog


def app_metadata_messages(root: Path) -> list[tuple[str, str]]:
    """The title, summary, objectives and key points of each app notebook, with where they come from.

    Why here: apps are one notebook for every language (they take ``?lang=``), so no
    translated notebook carries their index entry; their metadata is translated with the
    interface instead (:func:`idpckit.catalog.in_language`).  Lessons are not listed: their
    translated notebooks carry their own metadata.
    """
    import json

    folder = root.parent / "notebooks"
    if not folder.is_dir():
        folder = root / "_notebooks"
    found: list[tuple[str, str]] = []
    for path in sorted(folder.glob("*.ipynb")):
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("idpckit", {})
        if meta.get("kind") != "app":
            continue
        texts = [meta.get("title"), meta.get("summary"), *meta.get("objectives", []), *meta.get("keypoints", [])]
        found += [(f"notebooks/{path.name}", t) for t in texts if isinstance(t, str) and t]
    return found


def _searched(dirpath: str | os.PathLike[str]) -> bool:
    """Which folders hold messages: all but hidden ones, caches and vendored code.

    Babel's default skips every folder starting with ``_``, which would miss the Voilà
    template and the index page in ``serve/_voila``.
    """
    name = os.path.basename(dirpath)
    return not name.startswith(".") and name not in ("__pycache__", "_vendor", "_notebooks")


def new_template(project: str, domain: str = DOMAIN) -> Catalog:
    """An empty ``.pot`` template with the kit's header; the interface's and the lessons' catalogues both start here."""
    from babel.messages.catalog import Catalog

    from . import __version__

    return Catalog(
        project=project,
        version=__version__,
        copyright_holder="the idpckit developers",
        msgid_bugs_address="the idpckit issue tracker",
        charset="utf-8",
        domain=domain,
        fuzzy=False,
    )


def read_catalog(path: Path, lang: str, domain: str = DOMAIN) -> Catalog:
    """The ``.po`` file at ``path`` as a Babel catalogue of ``lang``."""
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        return read_po(f, locale=lang, domain=domain)


def compiled(catalog: Catalog) -> gettext.GNUTranslations:
    """``catalog`` compiled in memory (no ``.mo`` build step); fuzzy entries, not yet checked, are left out."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def in_step(template: Catalog, path: Path, lang: str, *, domain: str = DOMAIN, fuzzy_matching: bool = False) -> Catalog:
    """``lang``'s catalogue at ``path`` (or a new one) brought in step with ``template``.

    New messages arrive untranslated and removed ones are dropped (Babel would keep them
    as obsolete entries, which translators rarely need).  With ``fuzzy_matching`` a
    message whose English changed a little keeps its old translation marked fuzzy (the
    lessons' paragraphs); without it, it starts empty (the interface's short labels,
    where a near match is usually a different message).
    """
    from babel.messages.catalog import Catalog

    if path.is_file():
        catalog = read_catalog(path, lang, domain)
    else:
        catalog = Catalog(locale=lang, domain=domain, project=template.project, fuzzy=False)
    catalog.last_translator = "the idpckit team"
    catalog.language_team = f"idpckit {NAMES[lang]}"
    catalog.copyright_holder = "the idpckit developers"
    catalog.update(template, no_fuzzy_matching=not fuzzy_matching, update_header_comment=fuzzy_matching)
    catalog.obsolete.clear()
    catalog.fuzzy = False
    return catalog


def po_bytes(catalog: Catalog, *, sort: bool = True, line_numbers: bool = False) -> bytes:
    """``catalog`` as the text of a ``.po``/``.pot`` file, without the dates that change on every run.

    A stable file keeps diffs (and the ``.po`` merge driver) to real changes.
    """
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=sort, include_lineno=line_numbers)
    return re.sub(rb'"(POT-Creation-Date|PO-Revision-Date): [^"]*\\n"\n', b"", out.getvalue())


def stale_catalogues() -> list[str]:
    """Which catalogue files do not match the messages in the code (empty when all are up to date)."""
    template = extract()
    wanted = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in template if m.id}
    stale = []
    if not POT.is_file() or POT.read_bytes() != po_bytes(template):
        stale.append(str(POT.relative_to(LOCALE_DIR.parent.parent)))
    for lang in LANGUAGES[1:]:
        path = catalog_path(lang)
        if not path.is_file():
            stale.append(str(path.relative_to(LOCALE_DIR.parent.parent)))
            continue
        have = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in read_catalog(path, lang) if m.id}
        if have != wanted:
            stale.append(str(path.relative_to(LOCALE_DIR.parent.parent)))
    return stale


def update_catalogues() -> list[Path]:
    """Write the ``.pot`` from the code and bring every language's ``.po`` in step with it.

    New messages arrive untranslated and removed ones are dropped (:func:`in_step`); a
    message whose English changed is a new message, shown in English until translated.
    """
    from .files import write_atomic

    template = extract()
    written = [POT]
    write_atomic(POT, po_bytes(template))
    for lang in LANGUAGES[1:]:
        path = catalog_path(lang)
        catalog = in_step(template, path, lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, po_bytes(catalog))
        written.append(path)
    translations.cache_clear()
    return written

"""Translated lessons: the English notebooks are the source, the Spanish and French ones are generated.

Why generated and not translated by hand in their own notebooks: a lesson's code cells,
its exercises and its metadata must stay the same in every language, and a correction
to the English prose must reach the translator instead of leaving an old version
standing.  So translators never touch a notebook.  They work in gettext catalogues,
one entry per paragraph, heading or list item of the lessons' Markdown (and per title,
summary, objective and key point of the notebook's metadata), in a domain of its own:

* ``idpckit/locale/lessons.pot`` — every paragraph of ``notebooks/NN-*.ipynb``;
* ``idpckit/locale/<lang>/LC_MESSAGES/lessons.po`` — its translations (Poedit, Weblate).

``idpckit translations notebooks`` brings the catalogues in step with the English
lessons and writes ``notebooks/<lang>/NN-*.ipynb``: the same cells, the Markdown
translated paragraph by paragraph, the metadata translated and marked ``"lang"``, and
one extra code cell that calls :func:`idpckit.lessons.use_language`, so the lesson's
helpers and widgets speak the notebook's language in JupyterLab and in Voilà alike.

A paragraph whose English changed keeps its old translation marked *fuzzy* (Babel's
fuzzy matching): the generated notebook then shows the new English, never the stale
translation, and the command reports it until a translator has checked it.  With
``--check`` the command only compares, so the tests catch a lesson edited without
regenerating (as they do for the schedule and the solution sheet).

Markdown structure stays with the generator: the heading marks (``##``), list markers
and blank lines are kept outside the messages, so a translator only sees text with its
inline Markdown (``**bold**``, ``[links](url)``, ```code```), and :func:`markup_problems`
checks that a translation keeps the links and code of its English.

Example::

    >>> from idpckit import lesson_i18n
    >>> [p.text for p in lesson_i18n.pieces("## Key points\\n\\n- One\\n- Two\\n") if p.translate]
    ['Key points', 'One', 'Two']
"""

from __future__ import annotations

import copy
import gettext
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .i18n import LOCALE_DIR, Counted, compiled, in_step, new_template, po_bytes, read_catalog

if TYPE_CHECKING:  # pragma: no cover
    from babel.messages.catalog import Catalog

#: The gettext domain of the lessons' prose (not ``idpckit``: that is the interface's).
DOMAIN = "lessons"
#: The languages the lessons are translated into (Russian lessons stay English, with a notice).
LESSON_LANGUAGES: tuple[str, ...] = ("es", "fr")
#: The English lessons: ``NN-name.ipynb`` in the notebooks folder (the apps are translated through idpckit.po).
LESSON_GLOB = "[0-9][0-9]-*.ipynb"
#: The id and tag of the code cell that sets a translated lesson's language.
LANGUAGE_CELL_ID = "idpckit-language"
#: A lesson is published in a language (written to ``notebooks/<lang>/``) once this share of its
#: messages is translated; below it the index links the English lesson, rather than a page of mixed languages.
PUBLISH_SHARE = 0.9
#: The metadata fields a translator translates, in the order they are listed.
METADATA_FIELDS = ("title", "summary", "objectives", "keypoints")

_MARKER = re.compile(r"^( {0,3}#{1,6}[ \t]+| {0,3}>[ \t]?|[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+)")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_RAW_LINE = re.compile(r"^ {0,3}(?:<|(?:[-*_][ \t]*){3,}$|\|?[ \t]*:?-{3,})")
_LINK_TARGET = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_CODE_SPAN = re.compile(r"`+[^`]+`+")


def po_path(lang: str, locale: Path = LOCALE_DIR) -> Path:
    """The lessons' catalogue of ``lang`` (in ``locale``, the kit's ``idpckit/locale`` unless a test says otherwise)."""
    return locale / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


# --------------------------------------------------------------------------- Markdown → messages


@dataclass(frozen=True)
class Piece:
    """A run of a Markdown cell: ``prefix`` kept as it is, then ``text`` (a message when ``translate``)."""

    prefix: str
    text: str = ""
    translate: bool = False


def pieces(source: str) -> list[Piece]:
    """Cut a Markdown cell into pieces; joining ``prefix + text`` of all of them gives ``source`` back.

    A message is a paragraph (its lines joined as written), a heading's text or a list
    item's text (with its continuation lines); blank lines, fenced code, HTML lines,
    rules and table rules are kept verbatim, untranslated.
    """
    out: list[Piece] = []
    prefix: str | None = None
    lines: list[str] = []
    ending = ""
    in_fence = False

    def close() -> None:
        nonlocal prefix, lines, ending
        if prefix is not None:
            out.append(Piece(prefix, "\n".join(lines), translate=True))
            if ending:
                out.append(Piece(ending))
        prefix, lines, ending = None, [], ""

    for raw in source.splitlines(keepends=True):
        line = raw.rstrip("\n")
        fence = bool(_FENCE.match(line))
        if in_fence or fence or not line.strip() or _RAW_LINE.match(line):
            close()
            in_fence = in_fence != fence
            out.append(Piece(raw))
            continue
        marker = _MARKER.match(line)
        if marker or prefix is None:
            close()
            prefix = marker.group(1) if marker else ""
            lines = [line[len(prefix) :]]
        else:
            lines.append(line)
        ending = raw[len(line) :]
        if prefix.lstrip().startswith("#"):
            close()  # a heading is one line; the next line starts a paragraph
    close()
    return out


def messages_of_cell(source: str) -> list[str]:
    """The messages of one Markdown cell, in order."""
    return [p.text for p in pieces(source) if p.translate]


def translate_cell(source: str, translate: Any) -> str:
    """``source`` with each message replaced by ``translate(message)``; the structure around them kept."""
    return "".join(p.prefix + (translate(p.text) if p.translate else p.text) for p in pieces(source))


def markup_problems(msgid: str, msgstr: str) -> list[str]:
    """What a translation lost of its English's Markdown: link targets, code spans, paired bold marks."""
    problems = []
    if sorted(_LINK_TARGET.findall(msgid)) != sorted(_LINK_TARGET.findall(msgstr)):
        problems.append("its links do not point where the English ones do")
    if sorted(_CODE_SPAN.findall(msgid)) != sorted(_CODE_SPAN.findall(msgstr)):
        problems.append("its `code` is not the English code, letter for letter")
    if msgstr.count("**") % 2:
        problems.append("a ** (bold) mark is not closed")
    if msgid.count("\n") == 0 and "\n" in msgstr:
        problems.append("it has a line break where the English has none")
    return problems


# --------------------------------------------------------------------------- catalogues


def english_lessons(root: Path | None = None) -> list[Path]:
    """The English lesson notebooks, in their order (``NN-*.ipynb`` of the notebooks folder)."""
    from .catalog import notebooks_dir

    return sorted(notebooks_dir(root).glob(LESSON_GLOB))


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _metadata_messages(meta: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key in METADATA_FIELDS:
        value = meta.get(key)
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and text.strip():
                yield key, text


def extract(paths: list[Path]) -> Catalog:
    """Every message of the English lessons, as the ``.pot`` template (locations: notebook and cell number)."""
    catalog = new_template("idpckit lessons", DOMAIN)
    for path in paths:
        nb = _read(path)
        for key, text in _metadata_messages(nb.get("metadata", {}).get("idpckit", {})):
            catalog.add(text, None, [(path.name, 0)], auto_comments=[f"notebook metadata: {key}"])
        for number, cell in enumerate(nb.get("cells", []), start=1):
            if cell.get("cell_type") == "markdown":
                for text in messages_of_cell(_source(cell)):
                    catalog.add(text, None, [(path.name, number)])
            elif cell.get("cell_type") == "code":
                for text in code_messages(_source(cell)):
                    catalog.add(text, None, [(path.name, number)], auto_comments=["a chart's description (code cell)"])
    return catalog


#: The lessons' helpers whose string arguments a trainee reads (a chart's description, read aloud by screen readers).
DESCRIBED_CALLS = ("figure", "scorecard", "coalition", "year_on_year")


def code_messages(source: str) -> list[str]:
    """The sentences a code cell hands to a helper for display (``lessons.scorecard(..., "Scorecard of ...")``).

    Code cells stay the same in every language, so these are translated when shown, by
    :func:`text`, from the same catalogue as the prose.
    """
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in DESCRIBED_CALLS:
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and " " in arg.value:
                    found.append(arg.value)
    return found


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def merged(template: Catalog, lang: str, locale: Path = LOCALE_DIR) -> Catalog:
    """``lang``'s catalogue brought in step with ``template``: new messages empty, changed ones fuzzy, gone ones dropped."""
    catalog = in_step(template, po_path(lang, locale), lang, domain=DOMAIN, fuzzy_matching=True)
    catalog.project = template.project
    catalog.version = template.version
    return catalog


@cache
def _compiled(lang: str) -> gettext.NullTranslations:
    path = po_path(lang)
    if lang not in LESSON_LANGUAGES or not path.is_file():
        return gettext.NullTranslations()
    return compiled(read_catalog(path, lang, DOMAIN))


def text(message: str) -> str:
    """``message`` from the lessons' catalogue in the language in use (as written if untranslated or fuzzy)."""
    from .i18n import current

    return _compiled(current()).gettext(message)


# --------------------------------------------------------------------------- translated notebooks


@dataclass
class LessonStatus(Counted):
    """How much of one lesson one language translates (the command reports it, the tests read it)."""

    lang: str
    lesson: str
    total: int = 0
    translated: int = 0
    fuzzy: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    #: What is wrong with the translated lesson's metadata (a translated key point too long, say).
    problems: list[str] = field(default_factory=list)

    @property
    def published(self) -> bool:
        """Whether the translated lesson is written (enough of it is translated, :data:`PUBLISH_SHARE`)."""
        return self.share >= PUBLISH_SHARE


def _translator(catalog: Catalog, status: LessonStatus) -> Any:
    def translate(text: str) -> str:
        status.total += 1
        message = catalog.get(text)
        if message is None or not message.string:
            status.missing.append(text)
            return text
        if message.fuzzy:
            status.fuzzy.append(text)
            return text  # a translation of an older English: show the English until it is checked
        status.translated += 1
        return str(message.string)

    return translate


def language_cell(lang: str) -> dict[str, Any]:
    """The code cell a translated lesson starts its code with: its helpers and widgets speak ``lang``."""
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": LANGUAGE_CELL_ID,
        "metadata": {"tags": [LANGUAGE_CELL_ID]},
        "outputs": [],
        "source": ["from idpckit import lessons\n", "\n", f'lessons.use_language("{lang}")'],
    }


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def translated_notebook(nb: dict[str, Any], lang: str, catalog: Catalog, status: LessonStatus) -> dict[str, Any]:
    """A translated copy of the English notebook ``nb``: Markdown and metadata in ``lang``, code cells unchanged."""
    out = copy.deepcopy(nb)
    translate = _translator(catalog, status)
    meta = out["metadata"]["idpckit"]
    for key in METADATA_FIELDS:
        if isinstance(meta.get(key), list):
            meta[key] = [translate(x) for x in meta[key]]
        elif isinstance(meta.get(key), str):
            meta[key] = translate(meta[key])
    meta["lang"] = lang
    cells = []
    for cell in out["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = _lines(translate_cell(_source(cell), translate))
        elif cell["cell_type"] == "code":
            for message in code_messages(_source(cell)):
                translate(message)  # shown translated at run time (:func:`text`); counted here
            if not any(c["id"] == LANGUAGE_CELL_ID for c in cells):
                cells.append(language_cell(lang))
        cells.append(cell)
    out["cells"] = cells
    return out


def metadata_problems(meta: dict[str, Any]) -> list[str]:
    """Why a translated lesson's metadata would not be listed (the index and schedule read it), in plain words."""
    from pydantic import ValidationError

    from .catalog import Metadata
    from .errors import dotted, plain

    try:
        Metadata.model_validate(meta)
    except ValidationError as exc:
        return [f"'{dotted(e['loc'])}': {plain(e)}" for e in exc.errors()]
    return []


_RELATIVE_LINK = re.compile(r"\]\((?![a-z][a-z0-9+.-]*:|/|#)([^)\s?#]+)([^)\s]*)\)", re.IGNORECASE)


def relink(nb: dict[str, Any], lang: str, published: set[str]) -> None:
    """Point a translated lesson's relative links where they lead from ``notebooks/<lang>/``.

    A link to another lesson published in ``lang`` stays as it is (same file name, same
    folder); any other relative link goes back up to the English folder, and a link to an
    app asks for the lesson's language (``?lang=``), so the trainee stays in it.
    """

    def fix(match: re.Match[str]) -> str:
        target, rest = match.group(1), match.group(2)
        if target in published:
            return match.group(0)
        if target.endswith(".ipynb") and not re.fullmatch(r"\d\d-.*", target) and "lang=" not in rest:
            rest = (f"?lang={lang}&" + rest[1:]) if rest.startswith("?") else f"?lang={lang}{rest}"
        return f"](../{target}{rest})"

    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = _lines(_RELATIVE_LINK.sub(fix, _source(cell)))


def notebook_text(nb: dict[str, Any]) -> str:
    """A notebook as Jupyter writes it (one-space indent, sorted keys, UTF-8), so regenerating changes nothing."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


@dataclass
class Generated:
    """What :func:`generate` produced: the files and their text, and each lesson's status per language."""

    files: dict[Path, bytes] = field(default_factory=dict)
    status: list[LessonStatus] = field(default_factory=list)


def generate(root: Path | None = None, locale: Path = LOCALE_DIR) -> Generated:
    """The lessons' ``.pot``, each language's ``.po`` and translated notebooks, as they should be (nothing written).

    ``root`` is the notebooks folder (the kit's own by default), ``locale`` the folder of the catalogues.
    """
    from .catalog import notebooks_dir

    folder = notebooks_dir(root)
    paths = english_lessons(folder)
    template = extract(paths)
    result = Generated()
    result.files[locale / f"{DOMAIN}.pot"] = po_bytes(template, sort=False, line_numbers=True)
    for lang in LESSON_LANGUAGES:
        catalog = merged(template, lang, locale)
        result.files[po_path(lang, locale)] = po_bytes(catalog, sort=False, line_numbers=True)
        made = []
        for path in paths:
            status = LessonStatus(lang, path.stem)
            nb = translated_notebook(_read(path), lang, catalog, status)
            status.problems = metadata_problems(nb["metadata"]["idpckit"])
            made.append((path, nb, status))
            result.status.append(status)
        published = {path.name for path, _nb, status in made if status.published}
        for path, nb, status in made:
            if status.published:
                relink(nb, lang, published)
                result.files[folder / lang / path.name] = notebook_text(nb).encode("utf-8")
    return result


def stale_files(result: Generated, root: Path | None = None) -> list[Path]:
    """Files that differ from what the generator would write, and translated lessons with no English source."""
    from .catalog import notebooks_dir

    folder = notebooks_dir(root)
    stale = [p for p, text in result.files.items() if not p.is_file() or p.read_bytes() != text]
    for lang in LESSON_LANGUAGES:
        stale += [p for p in sorted((folder / lang).glob("*.ipynb")) if p not in result.files]
    return stale


def write(result: Generated, root: Path | None = None) -> list[Path]:
    """Write what changed, delete translated lessons whose English is gone; returns the files touched."""
    from .files import write_atomic

    touched = stale_files(result, root)
    for path in touched:
        if path in result.files:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, result.files[path])
        else:
            path.unlink()
    return touched

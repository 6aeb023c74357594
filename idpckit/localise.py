"""The content of ``data/`` in another language, keyed by the records' stable ids, English as the fallback.

Why a file per language keyed by id, rather than translated copies of the CSV and YAML
files: a trainer who corrects an English row cannot forget to correct four copies of it,
a new row is shown in English until someone translates it, and :func:`missing` lists what
is left to translate, per language.

``data/translations/<lang>.yaml`` maps a content file to its records and their text
fields::

    rubric.yaml:
      alternatives:
        questions: [...]                    # a list of texts: the same number as the English
        indicators:                         # a list of items: each item's text fields
          - indicator: ...
            where: ...
        levels: {"1": ..., "3": ..., "5": ...}

Records are found by their id (``id``, else ``commitment_id``, ``number`` or ``year``;
a reference by ``commitment_id document unit ref``). Only text fields can be translated; a
translation for an id or a field the English file does not have is reported with file,
record and field, like any other content problem.

**Stale translations.** ``data/translations/<lang>.sources.yaml`` (written by
``idpckit translations stamp``) keeps, for every translated field, the English it was
translated from. When the English is edited afterwards the translation is *stale*: like a
fuzzy message in a ``.po`` file it is not shown (the new English is, until a translator
catches up), and ``idpckit translations status`` lists it with the old and the new English.
"""

from __future__ import annotations

import os
import re
import threading
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from .data import FILES, Content, data_dir, not_an_id
from .errors import FileProblems, Problem
from .i18n import LANGUAGES, Counted, _

FOLDER = "translations"
#: How a translation file names an exercise file: ``exercises/02-four-asks.yaml``.
EXERCISES = "exercises/"
#: Which Content attribute holds the records of each content file.
ATTRIBUTES = {name: name.rsplit(".", 1)[0] for name in FILES}
#: Record fields that are never text to translate (ids, codes, links, dates, numbers, citations, proper names).
NOT_TEXT = {
    "id",
    "commitment_id",
    "number",
    "year",
    "date",
    "date_end",
    "url",
    "link",
    "origin",
    "source",
    "status",
    "status_source",
    "checked",
    "document",
    "document_id",
    "section",
    "unit",
    "ref",
    "printed",  # how the note printed a reference ("OP 4.0"): a fact, not words
    "printed_style",
    "code",
    "lang",
    "kind",
    "city",
    "verdict_level",
    "commitment_ids",
    "stocktaking_challenges",
    "workplan_year",
    "symbol",
    "rules",
    "name",
    "links",
    "grade",
}
#: The content files translated for each language (the issue's scope): Spanish and French
#: everything a page, handout or slide shows; Russian what the self-assessment app, the room
#: dashboard, the reports and the grading sheet show (the commitments, the rubric, the grading rules).
SCOPE: dict[str, tuple[str, ...]] = {
    "es": tuple(f for f in FILES if f != "country_aliases.csv"),
    "fr": tuple(f for f in FILES if f != "country_aliases.csv"),
    "ru": ("commitments.csv", "rubric.yaml", "grading.yaml"),
}

#: How a quotation the kit's team translated is marked, right after the closing quotation mark.
#: A quotation left unmarked is the official wording of the UN document in that language; the
#: record then names the field under ``_official`` (see data/translations/README.md).
OUR_TRANSLATION = {"es": "(traducción nuestra)", "fr": "(notre traduction)", "ru": "(наш перевод)"}
#: Fields that are a quotation as a whole (shown in quotation marks by the pages), so their translation is marked too.
WHOLE_QUOTATIONS = {("goals.csv", "key_phrase")}
#: Where a record of a translation file lists its fields whose quotations are official UN wording.
OFFICIAL = "_official"
#: A quotation in the English: a phrase in single quotes (the kit's convention), not an apostrophe.
_QUOTE = re.compile(r"(?:(?<=^)|(?<=[\s(\[“\"]))'([^'\n]*?[A-Za-z][^'\n]*?)'(?=$|[\s.,;:!?)\]”\"])")

#: Quotation marks a translation may use (a paraphrase without them is not a quotation).
_QUOTES_IN = re.compile('[«»“”„‘"]')

Shape = Literal["text", "texts", "levels"] | type[BaseModel]


def _shape(annotation: Any) -> Shape | None:
    """How a field's words are translated: one text, a list of texts, a dict of texts, or a list of items."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        if any(getattr(m, "pattern", None) for m in meta):
            return None  # a slug or a code
        return _shape(base)
    if annotation is str:
        return "text"
    if origin in (typing.Union, types.UnionType):
        return None  # a date or "", an id or ""
    if origin is list:
        (item,) = typing.get_args(annotation)
        inner = _shape(item)
        if inner == "text":
            return "texts"
        if isinstance(item, type) and issubclass(item, BaseModel) and text_fields(item):
            return item
        return None
    if origin is dict:
        return "levels" if _shape(typing.get_args(annotation)[1]) == "text" else None
    return None


def record_key(record: BaseModel) -> str:
    """A record's stable id, as it is written in a translation file."""
    if all(hasattr(record, a) for a in ("commitment_id", "document", "unit", "ref")):
        r: Any = record
        return f"{r.commitment_id} {r.document} {r.unit} {r.ref}"
    for attr in ("id", "commitment_id", "number", "year"):
        value = getattr(record, attr, None)
        if value not in (None, ""):
            return str(value)
    return ""


def shapes(model: type[BaseModel]) -> dict[str, Shape]:
    """The fields of a record type that hold words to translate, and how each is translated."""
    out: dict[str, Shape] = {}
    for name, info in model.model_fields.items():
        if name in NOT_TEXT:
            continue
        annotation = typing.Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        shape = _shape(annotation)
        if shape is not None:
            out[name] = shape
    return out


def text_fields(model: type[BaseModel]) -> list[str]:
    """The names of the fields of a record type that hold words to translate."""
    return list(shapes(model))


@dataclass(frozen=True)
class Translations:
    """One language's translations: content file -> record id -> field -> text; exercises and documents the same way."""

    lang: str
    entries: dict[str, dict[str, dict[str, Any]]]
    exercises: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    #: Documents of data/ translated whole (:data:`DOCUMENTS`, e.g. ``roleplay.yaml``), by file name.
    documents: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def given(self, label: str) -> dict[str, dict[str, Any]]:
        """The translated records of an exercise file (``exercises/NN-name.yaml``) or a document, by record id."""
        if label.startswith(EXERCISES):
            return self.exercises.get(label[len(EXERCISES) :], {})
        return self.documents.get(label, {})


def _is_exercise_key(name: object) -> bool:
    return isinstance(name, str) and bool(re.fullmatch(EXERCISES + r"\d\d-[a-z0-9-]+\.yaml", name))


def path(lang: str, root: str | os.PathLike[str] | None = None) -> Path:
    return data_dir(root) / FOLDER / f"{lang}.yaml"


def sources_path(lang: str, root: str | os.PathLike[str] | None = None) -> Path:
    return data_dir(root) / FOLDER / f"{lang}.sources.yaml"


def _read_nested(where: Path, shown: str) -> tuple[dict[str, dict[str, dict[str, Any]]], list[Problem]]:
    from . import yamlfile

    if not where.is_file():
        return {}, []
    try:
        raw = yamlfile.read(where, shown)
    except FileProblems as exc:  # not YAML, too large, not UTF-8: named by the loader
        return {}, list(exc.problems)
    problems: list[Problem] = []
    entries: dict[str, dict[str, dict[str, Any]]] = {}
    if raw is None:
        return {}, []
    if not isinstance(raw, dict):
        return {}, [Problem(shown, "", "", _("must map content file names to their records"))]
    for file, records in raw.items():
        if file not in FILES and file not in DOCUMENTS and not _is_exercise_key(file):
            problems.append(
                Problem(
                    shown,
                    str(file),
                    "",
                    _("'{file}' is not a content file; use one of {files}, or exercises/NN-name.yaml").format(
                        file=file, files=", ".join([*FILES, *DOCUMENTS])
                    ),
                )
            )
            continue
        if not isinstance(records, dict):
            problems.append(Problem(shown, file, "", _("must map record ids to their translated fields")))
            continue
        entries[file] = {}
        for key, fields in records.items():
            if not isinstance(fields, dict):
                problems.append(Problem(shown, f"{file} {key}", "", _("must map field names to translated text")))
                continue
            entries[file][str(key)] = fields
    return entries, problems


def _duplicate_keys(where: Path, shown: str) -> list[Problem]:
    """Keys written twice in one mapping of a translation file: YAML keeps the last silently, losing the first."""
    import yaml

    if not where.is_file():
        return []
    try:
        root = yaml.compose(where.read_text(encoding="utf-8-sig"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, UnicodeDecodeError, OSError):
        return []  # the loader reports what is wrong with the file itself
    found: list[Problem] = []

    def walk(node: Any, row: str) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                name = str(key.value)
                if name in seen:
                    found.append(
                        Problem(
                            shown,
                            f"{row} {name}".strip(),
                            "",
                            _(
                                "'{name}' is written twice (lines {first} and {second}); only the last would count: merge them"
                            ).format(name=name, first=seen[name] + 1, second=key.start_mark.line + 1),
                        )
                    )
                seen.setdefault(name, key.start_mark.line)
                if len(row.split()) < 2:  # the content file and record levels
                    walk(value, f"{row} {name}".strip())

    walk(root, "")
    return found


#: What each translation file held when last read, by (path, modification time, size): the exercises of one
#: language ask for the same file once per exercise file, and reading it (twice, for duplicate keys) is slow.
_files: dict[tuple[str, int, int], tuple[dict[str, dict[str, dict[str, Any]]], list[Problem]]] = {}


def _read_file(where: Path, shown: str) -> tuple[dict[str, dict[str, dict[str, Any]]], list[Problem]]:
    """A translation or sources file's records and its problems, read again only when the file changed.

    The records are shared between callers, who only read them; the problems are a fresh list.
    """
    try:
        st = where.stat()
    except OSError:
        return {}, []
    key = (str(where), st.st_mtime_ns, st.st_size)
    if key not in _files:
        entries, problems = _read_nested(where, shown)
        problems += _duplicate_keys(where, shown)
        if len(_files) > 16:
            _files.clear()
        _files[key] = (entries, problems)
    entries, problems = _files[key]
    return entries, list(problems)


def read(lang: str, root: str | os.PathLike[str] | None = None) -> tuple[Translations, list[Problem]]:
    """Read ``data/translations/<lang>.yaml`` (a missing file is an empty translation, not an error)."""
    entries, problems = _read_file(path(lang, root), f"{FOLDER}/{lang}.yaml")
    content = {k: v for k, v in entries.items() if k in FILES}
    exercises = {k[len(EXERCISES) :]: v for k, v in entries.items() if _is_exercise_key(k)}
    documents = {k: v for k, v in entries.items() if k in DOCUMENTS}
    return Translations(lang, content, exercises, documents), problems


def read_sources(lang: str, root: str | os.PathLike[str] | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """The English each translated field was made from (``<lang>.sources.yaml``; unreadable: none).

    What is wrong with the file is reported by :func:`sources_problems` (``idpckit data check``).
    """
    return _read_file(sources_path(lang, root), f"{FOLDER}/{lang}.sources.yaml")[0]


def sources_problems(lang: str, root: str | os.PathLike[str] | None = None) -> list[Problem]:
    """Everything wrong in ``<lang>.sources.yaml``: not YAML, unknown content files, fields that hold no words.

    ``idpckit translations stamp`` writes the file; someone who edits it by hand anyway (the
    header asks not to) must hear where, or a stale translation would be shown as current.
    """
    shown = f"{FOLDER}/{lang}.sources.yaml"
    entries, found = _read_file(sources_path(lang, root), shown)
    for file, records in entries.items():
        if file not in FILES:
            continue  # an exercise file's stamps: checked against the exercises when stamping
        allowed = shapes(FILES[file])
        for key, fields in records.items():
            for field_name in fields:
                if field_name not in allowed:
                    found.append(
                        Problem(
                            shown,
                            f"{file} {key}",
                            str(field_name),
                            _("is not a text field of {file}; a stamp records one of {fields}").format(
                                file=file, fields=", ".join(allowed)
                            ),
                        )
                    )
    return found


def _english(record: BaseModel, field_name: str) -> Any:
    """A field's English as plain data (items of a list as dicts), as the sources file keeps it."""
    value = getattr(record, field_name)
    if isinstance(value, list):
        return [v.model_dump(include=set(text_fields(type(v)))) if isinstance(v, BaseModel) else v for v in value]
    if isinstance(value, dict):
        return dict(value)
    return value


def _fits(shape: Shape, original: Any, value: Any) -> str:
    """Why ``value`` cannot stand for ``original`` ("" when it can)."""
    if shape == "text":
        return "" if isinstance(value, str) and value.strip() else _("must be a text that is not empty")
    if shape == "texts":
        ok = (
            isinstance(value, list)
            and len(value) == len(original)
            and all(isinstance(v, str) and v.strip() for v in value)
        )
        return "" if ok else _("must be a list of {n} texts, like the English").format(n=len(original))
    if shape == "levels":
        keys = ", ".join(str(k) for k in original)
        ok = (
            isinstance(value, dict)
            and {str(k) for k in value} == set(original)
            and all(isinstance(v, str) and v.strip() for v in value.values())
        )
        return "" if ok else _("must give a text for each of {keys}, like the English").format(keys=keys)
    allowed = [f for f in text_fields(shape) if any(getattr(o, f) for o in original)]
    if not isinstance(value, list) or len(value) != len(original):
        return _("must be a list of {n} items, like the English").format(n=len(original))
    for n, (item, english) in enumerate(zip(value, original, strict=True), start=1):
        wanted = {f for f in allowed if getattr(english, f)}
        if not isinstance(item, dict) or set(item) != wanted:
            if not wanted:
                return _("item {n} has no text to translate; write {{}} for it").format(n=n)
            return _("item {n} must give exactly {fields}").format(n=n, fields=", ".join(sorted(wanted)))
        if not all(isinstance(v, str) and v.strip() for v in item.values()):
            return _("item {n}: every text must not be empty").format(n=n)
    return ""


def problems(
    lang: str, records_by_file: Mapping[str, Sequence[BaseModel]], root: str | os.PathLike[str] | None = None
) -> list[Problem]:
    """Everything wrong in one language's file: unknown ids or fields, and text of the wrong shape.

    ``records_by_file`` is the English content, by content file name (as :mod:`idpckit.data` reads it).
    """
    translations, found = read(lang, root)
    shown = f"{FOLDER}/{lang}.yaml"
    for file, records in translations.entries.items():
        known = {record_key(r): r for r in records_by_file.get(file, [])}
        allowed = shapes(FILES[file])
        for key, fields in records.items():
            if key not in known:
                found.append(Problem(shown, f"{file} {key}", "", not_an_id(key, file)))
                continue
            official = fields.get(OFFICIAL, [])
            if not isinstance(official, list) or not all(f in fields for f in official):
                found.append(Problem(shown, f"{file} {key}", OFFICIAL, _("must list fields translated in this record")))
                official = []
            for field_name, value in fields.items():
                row = f"{file} {key}"
                if field_name == OFFICIAL:
                    continue
                if field_name not in allowed:
                    found.append(
                        Problem(
                            shown,
                            row,
                            str(field_name),
                            _("is not a text field of {file}; translate one of {fields}").format(
                                file=file, fields=", ".join(allowed)
                            ),
                        )
                    )
                    continue
                why = _fits(allowed[field_name], getattr(known[key], field_name), value)
                if not why and field_name not in official:
                    why = _unmarked_quotation(lang, _english(known[key], field_name), value)
                    mark = OUR_TRANSLATION.get(lang, "")
                    if (file, field_name) in WHOLE_QUOTATIONS and mark and mark not in value:
                        why = _("is a quotation: write {mark} at its end, or list the field under {official}").format(
                            mark=mark, official=OFFICIAL
                        )
                if why:
                    found.append(Problem(shown, row, str(field_name), why))
            found += _record_rules(shown, f"{file} {key}", known[key], fields, allowed)
    return found


def _record_rules(
    shown: str, row: str, english: BaseModel, fields: dict[str, Any], allowed: dict[str, Shape]
) -> list[Problem]:
    """The record's own rules (a verdict's length limit...) applied to the translated record."""
    from pydantic import ValidationError

    update = {}
    for name, value in fields.items():
        if name in allowed:
            translated = _translated(allowed[name], getattr(english, name), value)
            if translated is not None:
                update[name] = translated
    if not update:
        return []
    try:
        type(english).model_validate({**english.model_dump(), **{k: _plain(v) for k, v in update.items()}})
    except ValidationError as exc:
        from .errors import plain

        return [Problem(shown, row, str(e["loc"][0]) if e["loc"] else "", plain(e)) for e in exc.errors()]
    return []


def _plain(value: Any) -> Any:
    return [v.model_dump() if isinstance(v, BaseModel) else v for v in value] if isinstance(value, list) else value


def _texts(value: Any) -> list[str]:
    """Every text in a field's value (a text, a list of texts, a dict of texts, a list of items)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def _unmarked_quotation(lang: str, english: Any, value: Any) -> str:
    """Why a translated quotation needs the "our translation" mark ("" when it is marked or kept in English).

    A text whose English quotes and whose translation uses quotation marks is a translated
    quotation; without quotation marks it is a paraphrase, which needs no mark.
    """
    mark = OUR_TRANSLATION.get(lang)
    if not mark:
        return ""
    pairs = zip(_texts(english), _texts(value), strict=False)
    for n, (source, text) in enumerate(pairs, start=1):
        quoted = [q for q in _QUOTE.findall(source) if q not in text]  # a title kept in English needs no mark
        quoting = bool(_QUOTES_IN.search(text) or _QUOTE.search(text))  # paraphrased, not quoted: no mark
        if quoted and quoting and mark not in text:
            words = (
                _(
                    "translates the quotation '{quote}' (text {n}): write {mark} after it, or list the field under "
                    "{official} if it is the UN's official wording"
                )
                if len(_texts(english)) > 1
                else _(
                    "translates the quotation '{quote}': write {mark} after it, or list the field under {official} "
                    "if it is the UN's official wording"
                )
            )
            return words.format(quote=quoted[0], n=n, mark=mark, official=OFFICIAL)
    return ""


def _translated(shape: Shape, original: Any, value: Any) -> Any:
    """The field's value in the language, or None when the translation does not fit the English."""
    if _fits(shape, original, value):
        return None
    if shape == "text":
        return value.strip()
    if shape == "texts":
        return [v.strip() for v in value]
    if shape == "levels":
        return {k: value[k].strip() for k in original}
    return [
        o.model_copy(update={k: v.strip() for k, v in item.items()}) for o, item in zip(original, value, strict=True)
    ]


def stale(content: Content, lang: str) -> list[tuple[str, str, str, Any, Any]]:
    """Translations made from an English that has changed since: (file, id, field, old English, new English)."""
    translations = read(lang, content.root)[0]
    sources = read_sources(lang, content.root)
    out = []
    for file, records in translations.entries.items():
        by_key = {record_key(r): r for r in getattr(content, ATTRIBUTES[file])}
        for key, fields in records.items():
            if key not in by_key:
                continue
            for field_name in fields:
                was = sources.get(file, {}).get(key, {}).get(field_name)
                if field_name in shapes(FILES[file]) and was is not None:
                    now = _english(by_key[key], field_name)
                    if was != now:
                        out.append((file, key, field_name, was, now))
    for label, words, records in _word_tables(translations, content.root):
        for key, fields in records.items():
            for field_name in fields:
                now = words.get(key, {}).get(field_name)
                was = sources.get(label, {}).get(key, {}).get(field_name)
                if now is not None and was is not None and was != now:
                    out.append((label, key, field_name, was, now))
    return out


def localised(content: Content, lang: str | None) -> Content:
    """``content`` with every translated field of ``lang`` in place; English wherever there is none.

    Invalid translations, and stale ones (made from an English since changed), are skipped
    here (``idpckit data check`` and ``idpckit translations status`` report them), so a typo
    in a translator's file never takes a page down and an outdated text is never shown.
    """
    if not lang or lang == "en" or lang not in LANGUAGES:
        return content
    translations = read(lang, content.root)[0]
    old = {(f, k, n) for f, k, n, *_ in stale(content, lang)}
    changes: dict[str, list[Any]] = {}
    for file, records in translations.entries.items():
        attr = ATTRIBUTES[file]
        allowed = shapes(FILES[file])
        out = []
        for record in getattr(content, attr):
            key = record_key(record)
            update = {}
            for k, v in records.get(key, {}).items():
                if k in allowed and (file, key, k) not in old:  # (_official is not a field: skipped)
                    value = _translated(allowed[k], getattr(record, k), v)
                    if value is not None:
                        update[k] = value
            out.append(record.model_copy(update=update) if update else record)
        changes[attr] = out
    return replace(content, **changes) if changes else content


_cache: dict[tuple[Any, ...], Content] = {}
_lock = threading.Lock()


def load(lang: str | None = None, root: str | os.PathLike[str] | None = None) -> Content:
    """The content in ``lang`` (default: the language in use), cached until a content or translation file changes.

    What the pages, handouts and slides show: :func:`idpckit.data.load` then :func:`localised`.
    """
    from . import data, i18n

    lang = i18n.normalise(lang) or i18n.current()
    content = data.load(root)
    stamps = []
    for p in (path(lang, content.root), sources_path(lang, content.root)):
        st = p.stat() if p.is_file() else None
        stamps.append((st.st_mtime_ns, st.st_size) if st else None)
    key = (id(content), lang, *stamps)
    with _lock:
        if key not in _cache:
            if len(_cache) > 8:
                _cache.clear()
            _cache[key] = localised(content, lang)
        return _cache[key]


def missing(content: Content, lang: str, files: tuple[str, ...] | None = None) -> list[tuple[str, str, str]]:
    """What is still shown in English in ``lang``: (content file, record id, field), for the files asked about.

    A field counts as missing when it has no translation, when its translation does not fit
    the English (wrong number of items), or when it is stale.
    """
    translations = read(lang, content.root)[0]
    old = {(f, k, n) for f, k, n, *_ in stale(content, lang)}
    out = []
    for file in files or tuple(FILES):
        done = translations.entries.get(file, {})
        for record in getattr(content, ATTRIBUTES[file]):
            key = record_key(record)
            for field_name, shape in shapes(FILES[file]).items():
                value = getattr(record, field_name)
                if value in ("", [], {}):
                    continue
                given = done.get(key, {}).get(field_name)
                if given is None or _fits(shape, value, given) or (file, key, field_name) in old:
                    out.append((file, key, field_name))
    return out


@dataclass(frozen=True)
class ContentCoverage(Counted):
    """How many content fields of a language's scope are translated (and not stale)."""

    lang: str
    total: int
    translated: int


def content_coverage(content: Content, lang: str) -> ContentCoverage:
    """The fields of ``lang``'s scope (:data:`SCOPE`; the exercises and documents for Spanish and French) translated."""
    files = SCOPE.get(lang, tuple(FILES))
    total = sum(
        1
        for file in files
        for record in getattr(content, ATTRIBUTES[file])
        for field_name in shapes(FILES[file])
        if getattr(record, field_name) not in ("", [], {})
    )
    if lang in EXERCISE_LANGUAGES:
        total += exercise_total(content.root)
    if lang in DOCUMENT_LANGUAGES:
        total += document_total(content.root)
    return ContentCoverage(lang, total, total - len(missing_in_scope(content, lang)))


def missing_in_scope(content: Content, lang: str) -> list[tuple[str, str, str]]:
    """Everything of ``lang``'s scope still shown in English: content fields, exercises and documents (file, id, field)."""
    out = missing(content, lang, SCOPE.get(lang, tuple(FILES)))
    if lang in EXERCISE_LANGUAGES:
        out += missing_exercises(lang, content.root)
    if lang in DOCUMENT_LANGUAGES:
        out += missing_documents(lang, content.root)
    return out


@dataclass(frozen=True)
class Share:
    """How much of one language is translated: interface messages, content fields, lesson paragraphs."""

    lang: str
    messages: Any  # i18n.Coverage of idpckit.po
    content: ContentCoverage
    lessons: Any  # i18n.Coverage of lessons.po (total 0: the lessons stay English in this language)
    stale: int


def shares(content: Content) -> list[Share]:
    """Every language's share translated, computed from the files (``translations status`` and the trainers' page)."""
    from . import i18n

    return [
        Share(
            lang,
            i18n.coverage(lang),
            content_coverage(content, lang),
            i18n.coverage(lang, "lessons"),
            len(stale(content, lang)),
        )
        for lang in LANGUAGES[1:]
    ]


def unstamped(content: Content, lang: str) -> list[tuple[str, str, str]]:
    """Translated fields whose English source is not recorded yet (``idpckit translations stamp`` records it)."""
    translations = read(lang, content.root)[0]
    sources = read_sources(lang, content.root)
    named = [
        *translations.entries.items(),
        *((EXERCISES + n, r) for n, r in translations.exercises.items()),
        *translations.documents.items(),
    ]
    return [
        (file, key, field_name)
        for file, records in named
        for key, fields in records.items()
        for field_name in fields
        if field_name != OFFICIAL and field_name not in sources.get(file, {}).get(key, {})
    ]


def stamp(content: Content, lang: str, refresh: Sequence[tuple[str, str]] = ()) -> Path:
    """Record the English of every translated field not yet recorded (and of the ``refresh`` records).

    Run it after translating: from then on an edit of the English marks the translation
    stale. ``refresh`` lists (file, id) whose translation a translator has just brought up
    to date with a changed English.
    """
    import yaml

    from .files import write_atomic

    translations = read(lang, content.root)[0]
    sources = read_sources(lang, content.root)
    again = set(refresh)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for file, records in translations.entries.items():
        by_key = {record_key(r): r for r in getattr(content, ATTRIBUTES[file])}
        allowed = shapes(FILES[file])
        for key, fields in records.items():
            if key not in by_key:
                continue
            for field_name in fields:
                if field_name not in allowed:
                    continue
                was = sources.get(file, {}).get(key, {}).get(field_name)
                if was is None or (file, key) in again:
                    was = _english(by_key[key], field_name)
                out.setdefault(file, {}).setdefault(key, {})[field_name] = was
    for file, words, records in _word_tables(translations, content.root):
        for key, fields in records.items():
            for field_name in fields:
                if field_name not in words.get(key, {}):
                    continue
                was = sources.get(file, {}).get(key, {}).get(field_name)
                if was is None or (file, key) in again:
                    was = words[key][field_name]
                out.setdefault(file, {}).setdefault(key, {})[field_name] = was
    header = (
        f"# The English each translation in {lang}.yaml was made from, written by `idpckit translations stamp {lang}`.\n"
        "# Do not edit by hand: when the English of a field changes, its translation is stale (not shown)\n"
        "# until a translator updates it and runs `idpckit translations stamp "
        f"{lang} --refresh FILE:ID`.\n"
    )
    body = yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=1000)
    where = sources_path(lang, content.root)
    write_atomic(where, (header + body).encode("utf-8"))
    return where


# --------------------------------------------------------------------------- exercises

#: The words of an exercise (``data/exercises/NN-name.yaml``) a translation gives, by shape. Ids,
#: kinds, rules and their settings, numbers, file names and citations (``source``) stay as written.
EXERCISE_TEXTS = ("title", "prompt", "hint", "explanation", "bin_label", "left_label", "right_label")
EXERCISE_LISTS = ("bins", "distractors", "points")
EXERCISE_ITEMS = {
    "options": ("text", "why"),
    "items": ("text", "why"),
    "pairs": ("left", "right", "why"),
    "calendar": ("title", "advice"),
}
#: Words inside a computed exercise's settings (a situation to grade, the reason a grade is preferred).
EXERCISE_COMPUTED = ("situation", "why_preferred")
#: The languages whose scope includes the exercises (Russian keeps the lessons, and so their exercises, in English).
EXERCISE_LANGUAGES = ("es", "fr")


def exercise_words(entry: dict[str, Any]) -> dict[str, Any]:
    """The English words of one exercise as its file has them, by field (what a translation mirrors)."""
    out: dict[str, Any] = {}
    for k in EXERCISE_TEXTS:
        if isinstance(entry.get(k), str) and entry[k].strip():
            out[k] = entry[k]
    for k in EXERCISE_LISTS:
        if isinstance(entry.get(k), list) and entry[k]:
            out[k] = list(entry[k])
    for k, keys in EXERCISE_ITEMS.items():
        items = entry.get(k)
        if isinstance(items, list) and items and all(isinstance(i, dict) for i in items):
            out[k] = [{f: i[f] for f in keys if isinstance(i.get(f), str) and i[f].strip()} for i in items]
    computed = entry.get("computed")
    if isinstance(computed, dict):
        words = {k: computed[k] for k in EXERCISE_COMPUTED if isinstance(computed.get(k), str) and computed[k].strip()}
        if words:
            out["computed"] = words
    return out


def _exercise_fits(english: Any, value: Any) -> str:
    """Why ``value`` cannot stand for an exercise field's ``english`` ("" when it can)."""
    if isinstance(english, str):
        return "" if isinstance(value, str) and value.strip() else _("must be a text that is not empty")
    if isinstance(english, dict):
        keys = ", ".join(english)
        ok = isinstance(value, dict) and set(value) == set(english)
        ok = ok and all(isinstance(v, str) and v.strip() for v in value.values())
        return "" if ok else _("must give {keys}, like the English").format(keys=keys)
    if not isinstance(value, list) or len(value) != len(english):
        return _("must be a list of {n}, like the English").format(n=len(english))
    for n, (e, v) in enumerate(zip(english, value, strict=True), start=1):
        if isinstance(e, str):
            if not (isinstance(v, str) and v.strip()):
                return _("item {n} must be a text that is not empty").format(n=n)
        elif not (
            isinstance(v, dict) and set(v) == set(e) and all(isinstance(x, str) and x.strip() for x in v.values())
        ):
            return _("item {n} must give exactly {fields}").format(n=n, fields=", ".join(e) or "{}")
    return ""


def _exercise_entries(path: Path) -> list[dict[str, Any]]:
    from . import yamlfile

    try:
        items = yamlfile.read(path, f"exercises/{path.name}")
    except FileProblems:
        return []
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def exercise_problems(lang: str, root: str | os.PathLike[str] | None = None) -> list[Problem]:
    """Everything wrong in one language's exercise translations: unknown files, ids or fields, wrong shapes.

    Whether a translated exercise is still a valid exercise (its options unique...) is checked by
    :func:`idpckit.exercises.problems` with ``lang``.
    """
    translations = read(lang, root)[0]
    shown = f"{FOLDER}/{lang}.yaml"
    found: list[Problem] = []
    folder = data_dir(root) / "exercises"
    for name, records in translations.exercises.items():
        where = folder / name
        if not where.is_file():
            found.append(
                Problem(shown, EXERCISES + name, "", _("there is no file {file}").format(file=f"exercises/{name}"))
            )
            continue
        known = {str(e.get("id")): exercise_words(e) for e in _exercise_entries(where)}
        found += _words_problems(lang, EXERCISES + name, known, records, _("'{key}' is not an exercise id in {label}"))
    return found


def _words_problems(
    lang: str, label: str, known: dict[str, dict[str, Any]], records: dict[str, dict[str, Any]], what: str
) -> list[Problem]:
    """What is wrong in the translated records of one exercise file or document: unknown ids or fields, bad shapes.

    ``what`` is the message for an id the file does not have, with ``{key}`` and ``{label}`` (already translated).
    """
    shown = f"{FOLDER}/{lang}.yaml"
    found: list[Problem] = []
    for key, fields in records.items():
        row = f"{label} {key}"
        if key not in known:
            found.append(Problem(shown, row, "", what.format(key=key, label=label)))
            continue
        official = fields.get(OFFICIAL, [])
        for field_name, value in fields.items():
            if field_name == OFFICIAL:
                continue
            if field_name not in known[key]:
                found.append(
                    Problem(
                        shown,
                        row,
                        str(field_name),
                        _("is not a field with words; translate one of {fields}").format(fields=", ".join(known[key])),
                    )
                )
                continue
            why = _exercise_fits(known[key][field_name], value)
            if not why and field_name not in official:
                why = _unmarked_quotation(lang, known[key][field_name], value)
            if why:
                found.append(Problem(shown, row, str(field_name), why))
    return found


def _words_missing(
    label: str, known: dict[str, dict[str, Any]], done: dict[str, dict[str, Any]], sources: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """The fields of one exercise file or document with no translation that fits and is fresh."""
    return [
        (label, key, field_name)
        for key, words in known.items()
        for field_name, english in words.items()
        if (given := done.get(key, {}).get(field_name)) is None
        or not _words_usable(label, key, field_name, english, given, sources)
    ]


def _words_stale(label: str, key: str, field_name: str, english: Any, sources: dict[str, Any]) -> bool:
    was = sources.get(label, {}).get(key, {}).get(field_name)
    return was is not None and was != english


def _words_usable(label: str, key: str, field_name: str, english: Any, given: Any, sources: dict[str, Any]) -> bool:
    """Whether a translated field may stand for its English: it fits the English's shape and was made from it.

    The one rule of the exercises and documents: the pages show what passes it
    (:func:`_usable_words`) and ``translations status`` counts what fails it (:func:`_words_missing`).
    """
    return not _exercise_fits(english, given) and not _words_stale(label, key, field_name, english, sources)


def _usable_words(
    label: str, key: str, english: dict[str, Any], given: dict[str, Any], sources: dict[str, Any]
) -> Iterator[tuple[str, Any]]:
    """The fields of one record's translation that replace its English words (``english``, by field)."""
    for field_name, value in given.items():
        if field_name in english and _words_usable(label, key, field_name, english[field_name], value, sources):
            yield field_name, value


def _words_to_use(
    kind: Literal["exercises", "documents"], name: str, lang: str | None, root: str | os.PathLike[str] | None
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]] | None:
    """``lang``'s records for exercise file or document ``name`` and its stamps, or None where English is shown."""
    if not lang or lang == "en" or lang not in LANGUAGES:
        return None
    translations = read(lang, root)[0]
    records = getattr(translations, kind).get(name)
    return (records, read_sources(lang, root)) if records else None


def translated_exercises(
    name: str, items: list[Any], lang: str | None, root: str | os.PathLike[str] | None = None
) -> list[Any]:
    """The raw exercises of file ``name`` with ``lang``'s words in place (English where none, or stale, or unfit).

    Applied before the exercises are validated, so a translated exercise is checked like an
    English one. A sort's item groups follow its translated ``bins`` (matched by position).
    """
    found = _words_to_use("exercises", name, lang, root)
    if found is None:
        return items
    records, sources = found
    out = []
    for entry in items:
        if not isinstance(entry, dict) or str(entry.get("id")) not in records:
            out.append(entry)
            continue
        key = str(entry["id"])
        new = dict(entry)
        for field_name, value in _usable_words(EXERCISES + name, key, exercise_words(entry), records[key], sources):
            if field_name in EXERCISE_TEXTS:
                new[field_name] = value
            elif field_name in EXERCISE_LISTS:
                new[field_name] = list(value)
                if field_name == "bins" and isinstance(entry.get("items"), list):
                    groups = dict(zip(entry["bins"], value, strict=True))
                    new["items"] = [
                        {**i, "bin": groups.get(i.get("bin"), i.get("bin"))} if isinstance(i, dict) else i
                        for i in new.get("items", entry["items"])
                    ]
            elif field_name in EXERCISE_ITEMS:
                base = new.get(field_name, entry[field_name])
                new[field_name] = [{**i, **v} for i, v in zip(base, value, strict=True)]
            elif field_name == "computed":
                new["computed"] = {**entry["computed"], **value}
        out.append(new)
    return out


def missing_exercises(lang: str, root: str | os.PathLike[str] | None = None) -> list[tuple[str, str, str]]:
    """Exercise fields still shown in English in ``lang``: (exercises/file, id, field); stale ones included."""
    translations = read(lang, root)[0]
    sources = read_sources(lang, root)
    out = []
    for where in sorted((data_dir(root) / "exercises").glob("[0-9][0-9]-*.yaml")):
        known = {str(e.get("id")): exercise_words(e) for e in _exercise_entries(where)}
        out += _words_missing(EXERCISES + where.name, known, translations.exercises.get(where.name, {}), sources)
    return out


def exercise_total(root: str | os.PathLike[str] | None = None) -> int:
    """How many exercise fields have words to translate."""
    return sum(
        len(exercise_words(e))
        for where in (data_dir(root) / "exercises").glob("[0-9][0-9]-*.yaml")
        for e in _exercise_entries(where)
    )


def _word_tables(
    translations: Translations, root: str | os.PathLike[str] | None = None
) -> list[tuple[str, dict[str, dict[str, Any]], dict[str, dict[str, Any]]]]:
    """Each translated exercise file and document: (its name in a translation file, its English words, the translation)."""
    out = []
    for name, records in translations.exercises.items():
        words = {str(e.get("id")): exercise_words(e) for e in _exercise_entries(data_dir(root) / "exercises" / name)}
        out.append((EXERCISES + name, words, records))
    for name, records in translations.documents.items():
        out.append((name, document_words(name, root), records))
    return out


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class Layout:
    """Where the words of a document translated whole are: which parts are records, keyed how.

    A document (``data/roleplay.yaml``) is one nested mapping, not a table of records, so its
    translation names records by where they are: the document itself by its ``id``, a part
    by its name (``paragraph``), an item of a list with ids by a word and its id
    (``role reformers``). Within a record, a field is a text, a list of texts, or a list of
    items whose text fields are given by :attr:`items`.
    """

    fields: tuple[str, ...]
    parts: dict[str, tuple[str, ...]]
    lists: dict[str, tuple[str, tuple[str, ...]]]
    items: dict[str, tuple[str, ...]]


#: Documents of data/ that are translated whole, with where their words are. Ids, kinds, votes,
#: minutes, who supports which option, and the facts' sources and dates stay as the English has them.
DOCUMENTS: dict[str, Layout] = {
    "roleplay.yaml": Layout(
        fields=("title", "summary", "groups", "aims", "setting", "debrief", "facts"),
        parts={"paragraph": ("title", "chapeau")},
        lists={
            "paragraph.brackets": ("bracket", ("label", "options")),
            "roles": ("role", ("name", "who", "wants", "limits", "tactics")),
            "rounds": ("round", ("title", "rules", "steps")),
        },
        items={"options": ("text",), "debrief": ("question", "notes"), "facts": ("text",)},
    ),
}
#: The languages whose scope includes the documents (Russian keeps the workshop activities in English).
DOCUMENT_LANGUAGES = ("es", "fr")


def _document_records(name: str, raw: Any) -> list[tuple[str, dict[str, Any], tuple[str, ...]]]:
    """The records of a document with words: (key, the raw mapping, its fields with words)."""
    layout = DOCUMENTS[name]
    if not isinstance(raw, dict):
        return []
    out = [(str(raw.get("id", "")), raw, layout.fields)]
    for part, fields in layout.parts.items():
        if isinstance(raw.get(part), dict):
            out.append((part, raw[part], fields))
    for where, (word, fields) in layout.lists.items():
        node: Any = raw
        for step in where.split("."):
            node = node.get(step) if isinstance(node, dict) else None
        for item in node if isinstance(node, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                out.append((f"{word} {item['id']}", item, fields))
    return out


def _record_words(record: dict[str, Any], fields: tuple[str, ...], items: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """A raw record's English words, by field: a text, a list of texts, or a list of items' text fields."""
    out: dict[str, Any] = {}
    for k in fields:
        value = record.get(k)
        if isinstance(value, str) and value.strip():
            out[k] = value
        elif isinstance(value, list) and value and k in items and all(isinstance(i, dict) for i in value):
            out[k] = [{f: i[f] for f in items[k] if isinstance(i.get(f), str) and i[f].strip()} for i in value]
        elif isinstance(value, list) and value and all(isinstance(i, str) for i in value):
            out[k] = list(value)
    return out


def _read_document(name: str, root: str | os.PathLike[str] | None = None) -> Any:
    from . import yamlfile

    where = data_dir(root) / name
    if not where.is_file():
        return None
    try:
        return yamlfile.read(where, name)
    except FileProblems:
        return None


def document_words(name: str, root: str | os.PathLike[str] | None = None) -> dict[str, dict[str, Any]]:
    """The English words of a document (:data:`DOCUMENTS`), by record key and field (what a translation mirrors)."""
    layout = DOCUMENTS[name]
    raw = _read_document(name, root)
    return {
        key: w for key, rec, fields in _document_records(name, raw) if (w := _record_words(rec, fields, layout.items))
    }


def translated_document(name: str, raw: Any, lang: str | None, root: str | os.PathLike[str] | None = None) -> Any:
    """The raw document ``name`` with ``lang``'s words in place (English where none, or stale, or unfit).

    Applied before the document is validated, so a translated role-play is checked like the
    English one. ``raw`` is not changed: the words go into a copy.
    """
    import copy

    if name not in DOCUMENTS or (found := _words_to_use("documents", name, lang, root)) is None:
        return raw
    records, sources = found
    layout = DOCUMENTS[name]
    out = copy.deepcopy(raw)
    for key, record, fields in _document_records(name, out):
        english = _record_words(record, fields, layout.items)
        for field_name, value in _usable_words(name, key, english, records.get(key, {}), sources):
            if isinstance(english[field_name], str):
                record[field_name] = value
            elif field_name in layout.items:
                record[field_name] = [{**i, **v} for i, v in zip(record[field_name], value, strict=True)]
            else:
                record[field_name] = list(value)
    return out


def missing_documents(lang: str, root: str | os.PathLike[str] | None = None) -> list[tuple[str, str, str]]:
    """Document fields still shown in English in ``lang``: (file, record key, field); stale ones included."""
    translations = read(lang, root)[0]
    sources = read_sources(lang, root)
    out = []
    for name in DOCUMENTS:
        out += _words_missing(name, document_words(name, root), translations.documents.get(name, {}), sources)
    return out


def document_total(root: str | os.PathLike[str] | None = None) -> int:
    """How many fields of the documents have words to translate."""
    return sum(len(words) for name in DOCUMENTS for words in document_words(name, root).values())


def document_problems(lang: str, root: str | os.PathLike[str] | None = None) -> list[Problem]:
    """Everything wrong in one language's document translations: unknown records or fields, wrong shapes, unmarked quotes.

    Whether the translated document is still valid (a role-play's texts not empty...) is
    checked by loading it in that language (:func:`idpckit.roleplay.load`).
    """
    translations = read(lang, root)[0]
    found: list[Problem] = []
    for name, records in translations.documents.items():
        if not (data_dir(root) / name).is_file():
            found.append(Problem(f"{FOLDER}/{lang}.yaml", name, "", _("there is no file {file}").format(file=name)))
            continue
        found += _words_problems(
            lang, name, document_words(name, root), records, _("'{key}' is not a record of the document in {label}")
        )
    return found

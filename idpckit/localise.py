"""The content of ``data/`` in another language, keyed by the records' stable ids, English as the fallback.

Why a file per language keyed by id, rather than translated copies of the CSV and YAML
files: a trainer who corrects an English row cannot forget to correct four copies of it,
a new row is shown in English until someone translates it, and :func:`missing` lists what
is left to translate, per language.

``data/translations/<lang>.yaml`` maps a content file to its records and their text
fields::

    commitments.csv:
      alternatives:
        title: Promover alternativas a la condena o el castigo ...
        summary: ...

Records are found by their id (``id``, else ``commitment_id``, ``number`` or ``year``).
Only text fields can be translated; a translation for an id or a field the English file
does not have is reported with file, record and field, like any other content problem.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .data import FILES, Content, data_dir
from .errors import FileProblems, Problem
from .i18n import LANGUAGES

FOLDER = "translations"
#: Which Content attribute holds the records of each content file.
ATTRIBUTES = {name: name.rsplit(".", 1)[0] for name in FILES}
#: Record fields that are never text to translate (ids, codes, links, dates, numbers).
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
}


def record_key(record: BaseModel) -> str:
    """A record's stable id, as it is written in a translation file."""
    for attr in ("id", "commitment_id", "number", "year"):
        value = getattr(record, attr, None)
        if value not in (None, ""):
            return str(value)
    return ""


def text_fields(model: type[BaseModel]) -> list[str]:
    """The fields of a record type that hold words to translate (strings and lists of strings)."""
    out = []
    for name, info in model.model_fields.items():
        if name in NOT_TEXT:
            continue
        annotation = str(info.annotation)
        if "str" in annotation and "dict" not in annotation and "Link" not in annotation:
            out.append(name)
    return out


@dataclass(frozen=True)
class Translations:
    """One language's translations: content file -> record id -> field -> text."""

    lang: str
    entries: dict[str, dict[str, dict[str, Any]]]


def path(lang: str, root: str | os.PathLike[str] | None = None) -> Path:
    return data_dir(root) / FOLDER / f"{lang}.yaml"


def read(lang: str, root: str | os.PathLike[str] | None = None) -> tuple[Translations, list[Problem]]:
    """Read ``data/translations/<lang>.yaml`` (a missing file is an empty translation, not an error)."""
    from . import yamlfile

    where = path(lang, root)
    shown = f"{FOLDER}/{lang}.yaml"
    if not where.is_file():
        return Translations(lang, {}), []
    try:
        raw = yamlfile.read(where, shown)
    except FileProblems as exc:  # not YAML, too large, not UTF-8: named by the loader
        return Translations(lang, {}), list(exc.problems)
    problems: list[Problem] = []
    entries: dict[str, dict[str, dict[str, Any]]] = {}
    if raw is None:
        return Translations(lang, {}), []
    if not isinstance(raw, dict):
        return Translations(lang, {}), [Problem(shown, "", "", "must map content file names to their records")]
    for file, records in raw.items():
        if file not in FILES:
            problems.append(
                Problem(shown, str(file), "", f"'{file}' is not a content file; use one of {', '.join(FILES)}")
            )
            continue
        if not isinstance(records, dict):
            problems.append(Problem(shown, file, "", "must map record ids to their translated fields"))
            continue
        entries[file] = {}
        for key, fields in records.items():
            if not isinstance(fields, dict):
                problems.append(Problem(shown, f"{file} {key}", "", "must map field names to translated text"))
                continue
            entries[file][str(key)] = fields
    return Translations(lang, entries), problems


def problems(
    lang: str, records_by_file: Mapping[str, Sequence[BaseModel]], root: str | os.PathLike[str] | None = None
) -> list[Problem]:
    """Everything wrong in one language's file: unknown ids or fields, and text of the wrong shape.

    ``records_by_file`` is the English content, by content file name (as :mod:`idpckit.data` reads it).
    """
    translations, found = read(lang, root)
    shown = f"{FOLDER}/{lang}.yaml"
    for file, records in translations.entries.items():
        model = FILES[file]
        known = {record_key(r): r for r in records_by_file.get(file, [])}
        allowed = text_fields(model)
        for key, fields in records.items():
            if key not in known:
                found.append(Problem(shown, f"{file} {key}", "", f"'{key}' is not an id in {file}"))
                continue
            english = known[key]
            for field_name, value in fields.items():
                row = f"{file} {key}"
                if field_name not in allowed:
                    found.append(
                        Problem(
                            shown,
                            row,
                            str(field_name),
                            f"is not a text field of {file}; translate one of {', '.join(allowed)}",
                        )
                    )
                    continue
                original = getattr(english, field_name)
                if isinstance(original, list):
                    ok = (
                        isinstance(value, list)
                        and len(value) == len(original)
                        and all(isinstance(v, str) and v.strip() for v in value)
                    )
                    if not ok:
                        found.append(
                            Problem(
                                shown,
                                row,
                                str(field_name),
                                f"must be a list of {len(original)} texts, like the English",
                            )
                        )
                elif not isinstance(value, str) or not value.strip():
                    found.append(Problem(shown, row, str(field_name), "must be a text that is not empty"))
    return found


def localised(content: Content, lang: str | None) -> Content:
    """``content`` with every translated field of ``lang`` in place; English wherever there is none.

    Invalid translations are skipped here (``idpckit data check`` reports them), so a typo in
    a translator's file never takes a page down.
    """
    if not lang or lang == "en" or lang not in LANGUAGES:
        return content
    translations, _ = read(lang, content.root)
    changes: dict[str, list[Any]] = {}
    for file, records in translations.entries.items():
        attr = ATTRIBUTES[file]
        allowed = set(text_fields(FILES[file]))
        out = []
        for record in getattr(content, attr):
            fields = records.get(record_key(record), {})
            update = {}
            for k, v in fields.items():
                original = getattr(record, k, None) if k in allowed else None
                if isinstance(original, str) and isinstance(v, str) and v.strip():
                    update[k] = v.strip()
                elif isinstance(original, list) and isinstance(v, list) and len(v) == len(original):
                    update[k] = [str(x).strip() for x in v]
            out.append(record.model_copy(update=update) if update else record)
        changes[attr] = out
    return replace(content, **changes) if changes else content


def missing(content: Content, lang: str, files: tuple[str, ...] | None = None) -> list[tuple[str, str, str]]:
    """What is still English in ``lang``: (content file, record id, field), for the files asked about."""
    translations, _ = read(lang, content.root)
    out = []
    for file in files or tuple(FILES):
        done = translations.entries.get(file, {})
        for record in getattr(content, ATTRIBUTES[file]):
            key = record_key(record)
            for field_name in text_fields(FILES[file]):
                value = getattr(record, field_name)
                if value in ("", []):
                    continue
                if field_name not in done.get(key, {}):
                    out.append((file, key, field_name))
    return out

"""The one way the kit reads a YAML file a trainer edits: parse safely, validate through pydantic.

Content (``data/*.yaml``) and exercises (``data/exercises/``) are plain files that
trainers change by hand, so a mistake must come back as a :class:`~idpckit.errors.Problem`
naming the file, the item (its number and id) and the field, never as a traceback.

* :func:`read_text` reads a trainer's text file (size limit, UTF-8 with or without a
  byte-order mark); :func:`read` parses it as YAML (safe loader; libyaml's when present,
  which is about ten times faster);
* :func:`validate_rows` validates labelled rows (YAML items, or CSV rows) against a
  pydantic model, collecting every problem rather than stopping at the first;
* :func:`load_list` does both for a file whose top level is a list of items.

PyYAML is imported when a file is read, not when this module is, so importing the
kit stays cheap in a Voilà kernel.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .errors import FileProblems, Problem, _, dotted, plain

#: Largest file we will read; a bigger one is a mistake (a wrong file copied in).
MAX_BYTES = 2_000_000

Row = tuple[str, Any]


def read_text(path: str | os.PathLike[str], shown: str | None = None, *, max_bytes: int = MAX_BYTES) -> str:
    """The text of a file a trainer edits (YAML or CSV); raises :class:`FileProblems` if it is unusable.

    A missing file, one larger than ``max_bytes`` and one that is not UTF-8 (a byte-order
    mark, as Excel writes one, is accepted) are each one problem naming the file and line.
    """
    p = Path(path)
    name = shown or p.name

    def fail(where: str, message: str) -> FileProblems:
        return FileProblems([Problem(name, where, "", message)])

    if not p.is_file():
        raise fail("", _("the file is missing"))
    if p.stat().st_size > max_bytes:
        raise fail("", _("the file is larger than {n} MB; is it the right file?").format(n=max_bytes // 1_000_000))
    raw = p.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(line_label(line), _("is not UTF-8 text; save it again as 'CSV UTF-8' or UTF-8")) from None


def read(path: str | os.PathLike[str], shown: str | None = None, *, max_bytes: int = MAX_BYTES) -> Any:
    """The parsed contents of one YAML file; raises :class:`FileProblems` saying what is wrong and where.

    ``shown`` is the name used in messages (default: the file's name).
    """
    import yaml  # deferred: only needed when a file is (re)loaded

    name = shown or Path(path).name
    text = read_text(path, name, max_bytes=max_bytes)
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = line_label(mark.line + 1) if mark is not None else ""
        problem = _("is not valid YAML ({problem})").format(problem=getattr(exc, "problem", None) or exc)
        raise FileProblems([Problem(name, where, "", problem)]) from None


def line_label(n: int) -> str:
    """Where in a file: "line 7", in the language in use (the file, row and field columns speak it too)."""
    return _("line {n}").format(n=n)


def item_label(n: int) -> str:
    """A list item as a trainer counts it, from 1: "item 3"."""
    return _("item {n}").format(n=n)


def with_id(label: str, ident: object) -> str:
    """A row or item label with the record's id, so the trainer finds it: "row 7 (id 'harm-reduction')"."""
    return _("{label} (id '{id}')").format(label=label, id=ident)


def item_rows(name: str, items: Any, *, what: str = "") -> list[Row]:
    """The items of a top-level list, labelled "item N (id 'x')"; raises if it is not a list of mappings.

    ``what`` says what the file must be (default: "a list of items, each starting with '- '").
    """
    if not isinstance(items, list):
        what = what or _("a list of items, each starting with '- '")
        raise FileProblems([Problem(name, "", "", _("must be {what}").format(what=what))])
    rows: list[Row] = []
    problems: list[Problem] = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(name, item_label(i), "", _("must be a mapping of field: value")))
            continue
        ident = item.get("id") or item.get("commitment_id")
        rows.append((with_id(item_label(i), ident) if ident else item_label(i), item))
    if problems:
        raise FileProblems(problems)
    return rows


def validate_rows(
    name: str, model: Any, rows: Sequence[Row], *, tag: str | None = None, kind_of: str = "kind"
) -> tuple[list[Any], list[Problem]]:
    """Each row validated against ``model`` (a pydantic model or any type pydantic can validate).

    Returns the records that are valid and a problem for every error in the others.
    ``tag`` names the discriminator field of a tagged union (e.g. ``"kind"``): pydantic
    puts the tag's value in the error's path, and it is dropped from the field shown.
    """
    adapter = model if isinstance(model, TypeAdapter) else TypeAdapter(model)
    records: list[Any] = []
    problems: list[Problem] = []
    for label, values in rows:
        try:
            records.append(adapter.validate_python(values))
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                if tag and loc and isinstance(values, dict) and loc[0] == values.get(tag):
                    loc = loc[1:]
                problems.append(Problem(name, label, dotted(loc), plain(err, kind_of=kind_of)))
    return records, problems


def load_list(path: str | os.PathLike[str], model: Any, shown: str | None = None, **options: Any) -> list[Any]:
    """Every item of a YAML list file, validated; raises :class:`FileProblems` listing all problems.

    ``options`` go to :func:`validate_rows` (``tag``, ``kind_of``).
    """
    name = shown or Path(path).name
    rows = item_rows(name, read(path, name))
    records, problems = validate_rows(name, model, rows, **options)
    if problems:
        raise FileProblems(problems)
    return records

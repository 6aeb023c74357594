"""An assessment as a record: the JSON file the kit saves, and the checks every input passes.

Everything that enters the kit from outside (an upload in the app, a file on the
command line, a grading sheet read by :mod:`.sheets`) ends in :func:`validate_record`.
The rules:

* Every way a file can be wrong becomes one :class:`AssessmentError` whose message
  is a single paragraph naming the file and the field (or line, or sheet cell),
  in plain words (:func:`idpckit.errors.plain`).  Nothing here ever lets a
  ``RecursionError``, ``KeyError`` or pydantic dump reach the user.
* Checks that protect the machine come first and are cheap: the size limit is
  checked before a file is read, the nesting depth before ``json.loads``.
* Text is kept exactly as typed, HTML included; escaping happens where text is
  shown (the reports and widgets) or written into a spreadsheet (:mod:`.sheets`).
* Files are written through :func:`idpckit.files.write_atomic`, so a crash leaves
  the old file, never half of a new one.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import scales
from ..assessment import Assessment, SchemaVersionError, upgrade
from ..errors import Problem, plain, show
from ..files import write_atomic
from ..i18n import _, ngettext, number

#: An assessment file larger than this is refused before it is read.  A full review of all
#: 13 commitments with long evidence is well under 200 kB; 2 MB leaves room and stops accidents.
MAX_BYTES = 2_000_000
#: JSON nested deeper than this is refused before parsing.  An assessment is 5 levels deep
#: (file, entries, entry, sources, source); a JSON bomb of 10,000 nested lists would crash
#: a recursive parser.
MAX_DEPTH = 32


class AssessmentError(ValueError):
    """An assessment file or upload that cannot be used, and why, in one paragraph.

    ``name`` is the file's display name, ``field`` where in it the problem is
    (a field, a line, a sheet cell; empty for the file as a whole) and
    ``problem`` what is wrong and how to fix it.
    """

    def __init__(self, name: str, field: str, problem: str) -> None:
        self.name, self.field, self.problem = name, field, problem
        where = f", {field}" if field else ""
        super().__init__(_('Could not read "{name}"{where}: {problem}').format(name=name, where=where, problem=problem))

    def as_problem(self, file: str | None = None) -> Problem:
        """This error as a row of a problems table (file, row, field), as ``idpckit data check`` lists them.

        ``field`` reads "entry 2 ('legal-guarantees'), field 'grade'": the part before the field is the row.
        """
        row, _sep, named = self.field.rpartition("field '")
        if not named.endswith("'"):
            return Problem(file or self.name, self.field, "", self.problem)
        return Problem(file or self.name, row.rstrip(", "), named[:-1], self.problem)


# --------------------------------------------------------------------------- JSON


def parse_assessment(payload: bytes, name: str = "upload", *, known_ids: Iterable[str] | None = None) -> Assessment:
    """Check and parse the bytes of an assessment JSON file.

    :param payload: the raw bytes (an upload, or a file's content).
    :param name: what to call the file in error messages (its name, never a temp path).
    :param known_ids: the commitment ids allowed; default: those of the kit's Table 1.
    :raises AssessmentError: for every kind of bad input, with a message naming file and field.
    """
    if len(payload) > MAX_BYTES:
        raise AssessmentError(name, "", too_large(len(payload)))
    text = decode_text(payload, name)
    if not text.strip():
        raise AssessmentError(name, "", _("the file is empty; an assessment file is JSON text starting with '{'"))
    _check_depth(text, name)
    record = _load_json(text, name)
    return validate_record(record, name, known_ids=known_ids)


def read_assessment(path: str | os.PathLike[str], *, known_ids: Iterable[str] | None = None) -> Assessment:
    """Read an assessment JSON file; its size is checked before it is read."""
    path = Path(path)
    return parse_assessment(read_limited(path), path.name, known_ids=known_ids)


def write_json(assessment: Assessment, path: str | os.PathLike[str]) -> Path:
    """Write the canonical JSON form of ``assessment`` atomically (UTF-8, no BOM)."""
    return write_atomic(path, assessment.to_json().encode("utf-8"))


def read_limited(path: Path) -> bytes:
    """The bytes of the file at ``path``, refused before reading if larger than :data:`MAX_BYTES`.

    Only a regular file is read.  A folder, a named pipe (FIFO), a device or a socket
    is refused with a plain message; the file is opened without blocking and checked
    again once open, so a pipe put in its place cannot make the command wait forever.
    """
    name = path.name or str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise AssessmentError(name, "", _("there is no file at {path}").format(path=path)) from None
    except OSError as exc:
        raise AssessmentError(
            name, "", _("the file cannot be opened ({problem})").format(problem=exc.strerror or exc)
        ) from None
    _check_regular(info.st_mode, name)
    if info.st_size > MAX_BYTES:
        raise AssessmentError(name, "", too_large(info.st_size))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise AssessmentError(
            name, "", _("the file cannot be read ({problem})").format(problem=exc.strerror or exc)
        ) from None
    try:
        _check_regular(os.fstat(fd).st_mode, name)  # what was opened, not what stat() saw
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_BYTES + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise AssessmentError(
            name, "", _("the file cannot be read ({problem})").format(problem=exc.strerror or exc)
        ) from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise AssessmentError(name, "", too_large(len(data)))
    return data


def _check_regular(mode: int, name: str) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise AssessmentError(name, "", _("this is a folder, not a file"))
    kind = _("a named pipe (FIFO)") if stat.S_ISFIFO(mode) else _("a device or socket")
    raise AssessmentError(
        name, "", _("this is {kind}, not a file; give the path of an assessment file").format(kind=kind)
    )


def too_large(size: int) -> str:
    """The message for a file of ``size`` bytes that is over the limit."""
    return _("the file is {size} MB, more than the {limit} MB an assessment may be; is it the right file?").format(
        size=number(size / 1_000_000, "0.0"), limit=MAX_BYTES // 1_000_000
    )


_WIDE = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


def _wide_encoding(payload: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' if ``payload`` looks saved in one (a byte-order mark, or NULs every 2nd/4th byte)."""
    for mark, encoding in _WIDE.items():
        if payload.startswith(mark):
            return encoding
    sample = payload[:400]
    if len(sample) < 8 or not sample.strip(b"\0"):
        return None
    zeros = sample.count(0) / len(sample)
    if zeros >= 0.7:
        return "UTF-32"
    if zeros >= 0.4 and (
        sample[1::2].count(0) > 0.8 * len(sample[1::2]) or sample[::2].count(0) > 0.8 * len(sample[::2])
    ):
        return "UTF-16"
    return None


def decode_text(payload: bytes, name: str) -> str:
    """``payload`` as UTF-8 text (a byte-order mark, as Excel writes, is dropped), or a plain error.

    The errors say what the file is when that is easy to see: only NUL bytes (a damaged
    file), or UTF-16/UTF-32 (Excel's "Unicode Text", Windows Notepad's "Unicode").
    """
    if payload and not payload.strip(b"\0"):
        raise AssessmentError(
            name, "", _("the file holds only NUL bytes (zeros), no text: it is damaged; use another copy")
        )
    wide = _wide_encoding(payload)
    if wide:
        raise AssessmentError(
            name,
            "",
            _(
                "the file is saved as {encoding} text, not UTF-8; save it again with the encoding 'UTF-8' "
                "(in Excel: 'CSV UTF-8'; in a text editor: 'Save with encoding UTF-8')"
            ).format(encoding=wide),
        )
    try:
        return payload.decode("utf-8-sig")  # accepts and drops a byte-order mark
    except UnicodeDecodeError as exc:
        line = payload[: exc.start].count(b"\n") + 1
        bad = payload[exc.start : exc.start + 1].hex()
        raise AssessmentError(
            name,
            _("line {line}").format(line=line),
            _(
                "byte 0x{byte} is not UTF-8 text; save the file again with the encoding 'UTF-8' "
                "(in Excel: 'CSV UTF-8'; in a text editor: 'Save with encoding UTF-8')"
            ).format(byte=bad),
        ) from None


_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _check_depth(text: str, name: str) -> None:
    """Refuse JSON nested deeper than :data:`MAX_DEPTH` without recursing.

    Strings are removed first (a '[' inside a string is text), then the running
    depth is computed with C-level iterators, so even 2 MB of brackets takes a
    fraction of a second.
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if len(brackets) <= MAX_DEPTH:
        return
    deepest = max(itertools.accumulate(map(_DEPTH_STEP.__getitem__, brackets)))
    if deepest > MAX_DEPTH:
        raise AssessmentError(
            name,
            "",
            _(
                "the JSON is nested {depth} levels deep (lists or objects inside each other); an assessment "
                "is at most 5 levels deep and files over {limit} are refused. Is it the right file?"
            ).format(depth=deepest, limit=MAX_DEPTH),
        )


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


def _reject_constant(value: str) -> Any:
    raise ValueError(f"{value} is not allowed in JSON")


_LONG_NUMBER = re.compile(r"\d{4000,}")


def _load_json(text: str, name: str) -> dict[str, Any]:
    try:
        record = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        end = len(text.rstrip())
        where = _("line {line}, column {column}").format(line=exc.lineno, column=exc.colno)
        if exc.pos >= end or exc.msg.startswith("Unterminated string"):
            raise AssessmentError(
                name,
                where,
                _(
                    "the JSON ends too early, so the file is cut short (an interrupted download, copy or save?); "
                    "use a complete copy of the file"
                ),
            ) from None
        raise AssessmentError(
            name,
            where,
            _("this is not valid JSON ({problem}); assessment files are JSON written by idpckit").format(
                problem=exc.msg.lower()
            ),
        ) from None
    except _DuplicateKey as exc:
        raise AssessmentError(
            name,
            _("field '{field}'").format(field=exc.key),
            _("appears twice in the same object; keep one of them"),
        ) from None
    except RecursionError:  # belt and braces: _check_depth should have caught it
        raise AssessmentError(name, "", _("the JSON is nested too deeply to be an assessment")) from None
    except ValueError as exc:  # NaN/Infinity, or an integer with thousands of digits
        digits = _LONG_NUMBER.search(text)
        if digits:
            line = text.count("\n", 0, digits.start()) + 1
            raise AssessmentError(
                name,
                _("line {line}").format(line=line),
                ngettext(
                    "a number here has {digits} digit; no field of an assessment holds such a number "
                    "(a grade is 1 to 5, a year has four digits)",
                    "a number here has {digits} digits; no field of an assessment holds such a number "
                    "(a grade is 1 to 5, a year has four digits)",
                    digits.end() - digits.start(),
                ).format(digits=number(digits.end() - digits.start())),
            ) from None
        raise AssessmentError(name, "", _("this is not usable JSON ({problem})").format(problem=exc)) from None
    if not isinstance(record, dict):
        kind = {list: _("a list"), str: _("a string")}.get(type(record), _("a single value"))
        raise AssessmentError(
            name,
            "",
            _("the file holds {kind}, but an assessment is a JSON object starting with '{{'").format(kind=kind),
        )
    return record


# --------------------------------------------------------------------------- checking a record

Where = Callable[[tuple[Any, ...]], str]


def _known_ids() -> list[str]:
    from ..data import load

    return [c.id for c in load().commitments]


def validate_record(
    record: dict[str, Any],
    name: str,
    *,
    known_ids: Iterable[str] | None = None,
    where: Where | None = None,
) -> Assessment:
    """Check a raw record (parsed JSON or a read sheet) and build the :class:`Assessment`.

    The structural checks whose pydantic message would be obscure (the version,
    the scale, unknown or repeated commitments, grades off the scale) run first
    on the raw record, so each names its field precisely; the model then checks
    the rest.  ``where`` turns a location such as ``("entries", 2, "grade")`` into
    words ("entry 3 ('treatment'), field 'grade'"; a sheet says row and column).
    """
    known = list(known_ids) if known_ids is not None else _known_ids()
    where = where or _json_where(record)

    def fail(loc: tuple[Any, ...], problem: str) -> AssessmentError:
        return AssessmentError(name, where(loc), problem)

    try:
        record = upgrade(record)
    except SchemaVersionError as exc:
        raise fail(("schema_version",), str(exc)) from None

    for key, missing in (
        (
            "country",
            _("the country is missing; give the country under review (an ISO code such as 'COL', or its name)"),
        ),
        ("year", _("the year is missing; give the year of the review, e.g. 2024")),
    ):
        value = record.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise fail((key,), missing)

    scale = record.get("scale", "five-point")
    if scale not in scales.SCALES:
        raise fail(
            ("scale",), _('{value} is not a scale; use "five-point" or "traffic-light"').format(value=show(scale))
        )

    entries = record.get("entries", [])
    if not isinstance(entries, list):
        raise fail(("entries",), _("must be a list of commitments, [ {...}, {...} ]"))
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise fail(("entries", i), _("must be an object with a commitment_id, a grade, evidence, ..."))
        cid = entry.get("commitment_id")
        if not isinstance(cid, str) or not cid.strip():
            raise fail(
                ("entries", i, "commitment_id"),
                _("the commitment id is missing; say which Table 1 commitment this is"),
            )
        if cid not in known:
            raise fail(
                ("entries", i, "commitment_id"),
                _("{value} is not a Table 1 commitment; use one of: {known}").format(
                    value=show(cid), known=", ".join(known)
                ),
            )
        if cid in seen:
            raise fail(
                ("entries", i, "commitment_id"),
                _(
                    "commitment '{id}' is already assessed in entry {n}; each commitment may appear once, so merge the two"
                ).format(id=cid, n=seen[cid] + 1),
            )
        seen[cid] = i
        grade = entry.get("grade")
        if isinstance(grade, float) and grade.is_integer():
            grade = int(grade)
        if grade is not None and not scales.is_valid(grade, scale):
            raise fail(("entries", i, "grade"), _off_scale(grade, scale))

    try:
        return Assessment.model_validate(record)
    except ValidationError as exc:
        errors = exc.errors()
        first, rest = errors[0], errors[1:]
        problem = plain(first)
        if rest:
            whole = _("the file")
            more = "; ".join(f"{where(tuple(e['loc'])) or whole}: {plain(e)}" for e in rest[:3])
            extra = _(" and {n} more").format(n=len(rest) - 3) if len(rest) > 3 else ""
            problem += _(". Also: {more}{extra}").format(more=more, extra=extra)
        raise fail(tuple(first["loc"]), problem) from None


def _off_scale(grade: Any, scale: str) -> str:
    if scale == "five-point":
        allowed = _("a whole number 1, 2, 3, 4 or 5 (1 = requires urgent attention, 5 = good situation)")
    else:
        allowed = _('"red", "orange" or "green"')
    return _('{value} is not a grade on the {scale} scale; use {allowed}, or leave it empty for "not assessed"').format(
        value=show(grade), scale=scale, allowed=allowed
    )


def _json_where(record: dict[str, Any]) -> Where:
    """Locations in a JSON record, in words, with the commitment id where there is one."""

    def where(loc: tuple[Any, ...]) -> str:
        if not loc:
            return ""
        if loc[0] == "entries" and len(loc) >= 2 and isinstance(loc[1], int):
            i = loc[1]
            entries = record.get("entries")
            entry = entries[i] if isinstance(entries, list) and i < len(entries) else None
            cid = entry.get("commitment_id") if isinstance(entry, dict) else None
            text = _("entry {n}").format(n=i + 1) + (f" ({show(cid, 40)})" if isinstance(cid, str) and cid else "")
            rest = list(loc[2:])
            if len(rest) >= 2 and rest[0] == "sources" and isinstance(rest[1], int):
                text += ", " + _("source {n}").format(n=rest[1] + 1)
                rest = rest[2:]
            if rest:
                text += ", " + _("field '{field}'").format(field=".".join(str(p) for p in rest))
            return text
        if loc[0] == "organisations" and len(loc) == 2 and isinstance(loc[1], int):
            return _("organisation {n}").format(n=loc[1] + 1)
        return _("field '{field}'").format(field=".".join(str(p) for p in loc))

    return where


# --------------------------------------------------------------------------- examples


def examples_dir() -> Path:
    """The folder of the illustrative (fictional) example assessments shipped with the kit."""
    from ..data import data_dir

    for root in (
        data_dir(),
        Path(__file__).resolve().parents[2] / "data",
        Path(__file__).resolve().parents[1] / "_data",
    ):
        if (root / "examples").is_dir():
            return root / "examples"
    raise FileNotFoundError("the example assessments (data/examples) are not installed")


def example_paths() -> list[Path]:
    """The example assessment files, sorted by name."""
    return sorted(examples_dir().glob("*.json"))


def load_example(stem: str) -> Assessment:
    """One example by file stem, e.g. ``load_example("veridia-2024")``."""
    return read_assessment(examples_dir() / f"{stem}.json")

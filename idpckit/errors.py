"""Problems in plain words: what is wrong, and where, for someone who edited a file or filled a form.

Every reader in the kit (content files, exercise files, notebook metadata, reviews in
JSON, grading sheets, the app's forms) validates through pydantic, and pydantic's own
messages speak to programmers ("Input should be a valid integer, unable to parse string
as an integer").  :func:`plain` is the one translator of those errors; :class:`Problem`
is one located problem (file, row, field); :func:`dotted` writes a field's path the way
a trainer counts (items from 1).

Only the standard library is imported, so every layer may use this module.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file, located as precisely as we can: file, row (or item), field."""

    file: str
    row: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(p for p in (self.file, self.row, f"field '{self.field}'" if self.field else "") if p)
        return f"{where}: {self.message}" if where else self.message


class FileProblems(ValueError):
    """A file that cannot be used; ``problems`` lists every :class:`Problem`, one per line in ``str()``."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))


#: Patterns the kit's models use, in words: a regular expression means nothing to a trainer.
PATTERNS: dict[str, str] = {
    r"^[^\n\r]*$": "must be a single line",
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "is not an id; use lower-case letters, digits and single dashes, e.g. 'harm-reduction'",
    r"^[A-Za-z0-9-]{0,32}$": "is not a room code; use up to 32 letters, digits and dashes",
}


def show(value: Any, limit: int = 60) -> str:
    """A value someone wrote, quoted and cut short, to repeat it back in a message."""
    text = f"'{value}'" if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def dotted(loc: Sequence[Any]) -> str:
    """A field's path as people count it: ``("pairs", 1, "right")`` becomes ``pairs.2.right``."""
    return ".".join(str(p + 1) if isinstance(p, int) else str(p) for p in loc)


def plain(err: Mapping[str, Any], *, kind_of: str = "kind") -> str:
    """One pydantic error in words, to follow "field 'x': "; it never names the field itself.

    ``kind_of`` names what a discriminator chooses (e.g. "kind of exercise"), for the
    message about a tag that is not one of the choices.
    """
    kind, ctx, given = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a known field; check its spelling or remove it"
    if kind in ("string_too_short", "too_short"):
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long ({len(given):,} characters; at most {ctx.get('max_length', 0):,}); shorten it"
    if kind == "too_long":
        return f"has too many items (at most {ctx.get('max_length')})"
    if kind == "string_pattern_mismatch":
        words = PATTERNS.get(str(ctx.get("pattern")))
        return f"{show(given)} {words}" if words else f"{show(given)} is not in the expected form"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{show(given)} is not a whole number"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{show(given)} is too small; it must be {ctx.get('ge', ctx.get('gt'))} or more"
    if kind in ("less_than_equal", "less_than"):
        return f"{show(given)} is too large; it must be {ctx.get('le', ctx.get('lt'))} or less"
    if kind == "literal_error":
        return f"{show(given)} is not allowed; use {ctx.get('expected')}"
    if kind == "union_tag_invalid":
        return f"{show(ctx.get('tag', ''))} is not a {kind_of}; use {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "needs a " + str(ctx.get("discriminator", "'kind'"))  # pydantic quotes the name already
    if kind.startswith("date"):
        return f"{show(given)} is not a date; write it as YYYY-MM-DD, e.g. 2024-05-31"
    if kind in ("bool_parsing", "bool_type"):
        return f"{show(given)} is not true or false"
    if kind in ("list_type", "tuple_type", "set_type"):
        return f"{show(given)} must be a list"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{show(given)} must be a set of fields (field: value)"
    if kind == "string_type":
        return f"{show(given)} must be text"
    return str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")

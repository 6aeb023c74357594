"""Problems in plain words: what is wrong, and where, for someone who edited a file or filled a form.

Every reader in the kit (content files, exercise files, notebook metadata, reviews in
JSON, grading sheets, the app's forms) validates through pydantic, and pydantic's own
messages speak to programmers ("Input should be a valid integer, unable to parse string
as an integer").  :func:`plain` is the one translator of those errors; :class:`Problem`
is one located problem (file, row, field); :func:`dotted` writes a field's path the way
a trainer counts (items from 1).

Only the standard library is imported, so every layer may use this module.  Its words
are translated all the same: :mod:`idpckit.i18n` (a layer above) installs its translator
with :func:`use_translator` when it is imported, so a message comes out in the language in
use; until then (a script that never imports it) they stay English.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_translate: Callable[[str], str] = str


def use_translator(translate: Callable[[str], str]) -> None:
    """Translate this module's messages with ``translate`` (called by :mod:`idpckit.i18n` on import)."""
    global _translate
    _translate = translate


def _(message: str) -> str:
    """``message`` in the language in use, once :mod:`idpckit.i18n` is loaded (marked for extraction like any other)."""
    return _translate(message)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file, located as precisely as we can: file, row (or item), field."""

    file: str
    row: str
    field: str
    message: str

    def __str__(self) -> str:
        field = _("field '{field}'").format(field=self.field) if self.field else ""
        where = ", ".join(p for p in (self.file, self.row, field) if p)
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
# The same words, marked for translation (a dict's values are not extracted on their own).
_PATTERN_WORDS = (
    _("must be a single line"),
    _("is not an id; use lower-case letters, digits and single dashes, e.g. 'harm-reduction'"),
    _("is not a room code; use up to 32 letters, digits and dashes"),
)


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
    value = show(given)
    if kind == "missing":
        return _("is missing")
    if kind == "extra_forbidden":
        return _("is not a known field; check its spelling or remove it")
    if kind in ("string_too_short", "too_short"):
        return _("must not be empty")
    if kind == "string_too_long":
        return _("is too long ({n} characters; at most {limit}); shorten it").format(
            n=f"{len(given):,}", limit=f"{ctx.get('max_length', 0):,}"
        )
    if kind == "too_long":
        return _("has too many items (at most {limit})").format(limit=ctx.get("max_length"))
    if kind == "string_pattern_mismatch":
        words = PATTERNS.get(str(ctx.get("pattern")))
        return f"{value} {_(words)}" if words else _("{value} is not in the expected form").format(value=value)
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("{value} is not a whole number").format(value=value)
    if kind in ("greater_than_equal", "greater_than"):
        return _("{value} is too small; it must be {limit} or more").format(
            value=value, limit=ctx.get("ge", ctx.get("gt"))
        )
    if kind in ("less_than_equal", "less_than"):
        return _("{value} is too large; it must be {limit} or less").format(
            value=value, limit=ctx.get("le", ctx.get("lt"))
        )
    if kind == "literal_error":
        return _("{value} is not allowed; use {allowed}").format(value=value, allowed=ctx.get("expected"))
    if kind == "union_tag_invalid":
        return _("{value} is not a {kind}; use {allowed}").format(
            value=show(ctx.get("tag", "")), kind=kind_of, allowed=ctx.get("expected_tags")
        )
    if kind == "union_tag_not_found":
        # pydantic quotes the name already
        return _("needs a {field}").format(field=ctx.get("discriminator", "'kind'"))
    if kind.startswith("date"):
        return _("{value} is not a date; write it as YYYY-MM-DD, e.g. 2024-05-31").format(value=value)
    if kind in ("bool_parsing", "bool_type"):
        return _("{value} is not true or false").format(value=value)
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("{value} must be a list").format(value=value)
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("{value} must be a set of fields (field: value)").format(value=value)
    if kind == "string_type":
        return _("{value} must be text").format(value=value)
    return str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")

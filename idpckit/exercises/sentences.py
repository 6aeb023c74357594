"""Splitting data text into sentences without cutting names that contain a full stop.

Feedback quotes the first sentence of a card ("why this venue matters").  A
split at every ". " cut "Support. Don't Punish is a global campaign..." down to
"Support.", in the lesson and in the printed solution sheet.  Here a full stop
ends a sentence only when it is not part of a protected name (the campaign
name, and any other name the caller passes, e.g. every venue of
``avenues.yaml``), not an abbreviation ("e.g.", "No.") and not an initial
("J. Smith").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Names with a full stop inside that are never a sentence end.
NAMES = ("Support. Don't Punish",)

#: Words that end with a full stop without ending a sentence (compared in lower case).
ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "etc", "cf", "vs", "no", "nos", "para", "paras", "art", "mr", "mrs", "ms", "dr", "st", "op", "pp"}
)

_END = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")


def split(text: str, names: Iterable[str] = ()) -> list[str]:
    """The sentences of ``text``, each stripped; names in ``names`` and :data:`NAMES` stay whole."""
    text = " ".join(str(text).split())
    if not text:
        return []
    protected = [
        (m.start(), m.end()) for name in {*NAMES, *names} if "." in name for m in re.finditer(re.escape(name), text)
    ]
    out, start = [], 0
    for m in _END.finditer(text):
        end = m.end()
        if any(a <= m.start() < b for a, b in protected):
            continue
        word = text[: m.start()].rsplit(" ", 1)[-1].lower()
        if m.group().startswith(".") and (word in ABBREVIATIONS or re.fullmatch(r"[a-z]", word) or "." in word):
            continue  # "e.g." is caught by its inner full stop, "J." by being one letter
        out.append(text[start:end].strip())
        start = end
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def first(text: str, names: Iterable[str] = ()) -> str:
    """The first sentence of ``text``, ending with its full stop (see :func:`split`)."""
    sentences = split(text, names)
    return sentences[0] if sentences else ""

"""Countries, by ISO 3166-1 code, through pycountry.

pycountry is imported on first use only: its database is loaded lazily, and a
kernel that never asks for a country never pays for it.
"""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace
from typing import Any

#: Made-up countries for examples and demos, on ISO 3166's user-assigned codes (X..),
#: so they can never be mistaken for a real country's record.
FICTIONAL: dict[str, SimpleNamespace] = {
    "XVR": SimpleNamespace(alpha_2="XV", alpha_3="XVR", name="Veridia (fictional country)", common_name=None),
}


@cache
def _db() -> Any:
    import pycountry

    return pycountry.countries


def lookup(text: str) -> Any | None:
    """The pycountry record for a code (alpha-2/alpha-3) or an English name, or None."""
    text = text.strip()
    if not text:
        return None
    for fake in FICTIONAL.values():
        if text.upper() in (fake.alpha_2, fake.alpha_3) or text.casefold() in (fake.name.casefold(), "veridia"):
            return fake
    countries = _db()
    if len(text) in (2, 3) and text.isalpha():
        found = countries.get(alpha_2=text.upper()) if len(text) == 2 else countries.get(alpha_3=text.upper())
        if found is not None:
            return found
    try:
        return countries.lookup(text)
    except LookupError:
        return None


def name(code: str) -> str:
    """A readable English name for an alpha-3 code (the code itself if unknown)."""
    found = lookup(code)
    if found is None:
        return code
    return getattr(found, "common_name", None) or found.name


@cache
def choices() -> list[tuple[str, str]]:
    """(label, alpha-3) pairs sorted by name, for drop-downs and type-to-search boxes."""
    return sorted(((name(c.alpha_3), c.alpha_3) for c in _db()), key=lambda pair: pair[0])


def search(text: str, limit: int = 10) -> list[tuple[str, str]]:
    """Countries whose name or code contains ``text`` (case-insensitive), best first."""
    needle = text.strip().casefold()
    if not needle:
        return []
    starts, contains = [], []
    for label, code in choices():
        folded = label.casefold()
        if folded.startswith(needle) or code.casefold() == needle:
            starts.append((label, code))
        elif needle in folded:
            contains.append((label, code))
    return (starts + contains)[:limit]

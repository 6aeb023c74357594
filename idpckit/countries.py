"""Countries: ISO 3166-1 codes, and the names people actually type, in every language the kit speaks.

One entry point for the whole kit: :func:`lookup` (one country for a code or a whole
name, or None) and :func:`search` (countries that fit a few letters, best first; the
first hit is what the app offers first).  Both accept a country's name in any of
:data:`LANGUAGES`, so a trainee can type "Países Bajos", "Royaume-Uni" or "Турция".

Where the names come from, in order of trust:

* the ISO 3166-1 list (pycountry) for the codes and the set of countries;
* CLDR territory names through Babel for every language: these are the names people
  use ("Bolivia", not "Bolivia, Plurinational State of");
* ``data/country_aliases.csv`` for short and former names CLDR does not list ("UK",
  "DRC", "Burma", "Turkey") and for a few display labels that read better in a
  workshop than CLDR's ("Democratic Republic of the Congo" for "Congo - Kinshasa").

Matching is done on a folded form (case, accents and punctuation ignored), exact codes
and names before names that start with the text, before names that merely contain it.
A two-letter entry is taken as a code only when it is one: "UK" is not Ukraine's code
("UA" is), so it can only be the alias for the United Kingdom, and "EU" matches nothing.

pycountry and Babel are imported on first use, so a kernel that never asks for a
country never pays for them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .i18n import LANGUAGES, N_, _, translations

if TYPE_CHECKING:  # pragma: no cover
    from .schema import CountryAlias


@dataclass(frozen=True)
class Country:
    """One country: its ISO codes and its English label (see :func:`name` for other languages)."""

    alpha_2: str
    alpha_3: str
    name: str


#: Made-up countries for examples and demos, on ISO 3166's user-assigned codes (X..),
#: so they can never be mistaken for a real country's record.
FICTIONAL: dict[str, Country] = {
    "XVR": Country(alpha_2="XV", alpha_3="XVR", name=N_("Veridia (fictional country)")),
}
_FICTIONAL_NAMES = {"XVR": ("Veridia", "Veridia (fictional country)")}

# Ranks of a match, best first.
_CODE, _EXACT, _PREFIX, _WORD, _INSIDE = range(5)


def fold(text: str) -> str:
    """The form names are compared in: no case, no accents, punctuation as spaces, no leading "the".

    "Côte d’Ivoire", "cote d'ivoire" and "COTE-D'IVOIRE" all fold to "cote d ivoire";
    Cyrillic letters stay Cyrillic ("Турция" → "турция"), with ё folded to е.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    spaced = re.sub(r"[\W_]+", " ", bare).strip()
    return spaced.removeprefix("the ").strip()


@dataclass(frozen=True)
class _Index:
    """Every name of every country, folded, for one set of aliases."""

    exact: dict[str, frozenset[str]]  # folded name -> alpha-3 codes it names
    names: tuple[tuple[str, str], ...]  # (folded name, alpha-3) for prefix and substring search: names people use
    display: dict[tuple[str, str], str]  # (alpha-3, lang) -> label to show instead of CLDR's


@cache
def _iso() -> dict[str, Country]:
    """The ISO 3166-1 countries by alpha-3 code, labelled with CLDR's English name."""
    import pycountry

    out = {}
    for c in pycountry.countries:
        label = _cldr("en").get(c.alpha_2) or getattr(c, "common_name", None) or c.name
        out[c.alpha_3] = Country(alpha_2=c.alpha_2, alpha_3=c.alpha_3, name=label)
    return out


@cache
def _by_alpha_2() -> dict[str, str]:
    return {c.alpha_2: code for code, c in _iso().items()}


@cache
def _cldr(lang: str) -> dict[str, str]:
    """CLDR's territory names in ``lang``, keyed by alpha-2 code."""
    from babel import Locale

    return dict(Locale.parse(lang).territories)


@cache
def _standard_names() -> tuple[tuple[str, str], ...]:
    """(name, alpha-3) from ISO (official, common) and CLDR in every language; no aliases."""
    import pycountry

    pairs: list[tuple[str, str]] = []
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                pairs.append((value, c.alpha_3))
        for lang in LANGUAGES:
            cldr = _cldr(lang).get(c.alpha_2)
            if cldr:
                pairs.append((cldr, c.alpha_3))
    for code, names in _FICTIONAL_NAMES.items():
        pairs.extend((n, code) for n in names)
    return tuple(pairs)


@cache
def _spoken_names() -> tuple[tuple[str, str], ...]:
    """(name, alpha-3) from CLDR in every language: the names searched by their beginning or a word.

    ISO's formal names ("Bolivarian Republic of Venezuela") are matched only when typed whole,
    or "Bol" would offer Venezuela beside Bolivia.
    """
    import pycountry

    pairs = [
        (cldr, c.alpha_3) for c in pycountry.countries for lang in LANGUAGES if (cldr := _cldr(lang).get(c.alpha_2))
    ]
    for code, names in _FICTIONAL_NAMES.items():
        pairs.extend((n, code) for n in names)
    return tuple(pairs)


def _build(aliases: Sequence[CountryAlias]) -> _Index:
    exact: dict[str, set[str]] = {}
    for name_, code in [*_standard_names(), *((a.name, a.code) for a in aliases)]:
        folded = fold(name_)
        if folded:
            exact.setdefault(folded, set()).add(code)
    names: dict[tuple[str, str], None] = {}
    for name_, code in [*_spoken_names(), *((a.name, a.code) for a in aliases)]:
        folded = fold(name_)
        if folded:
            names[(folded, code)] = None
    display = {(a.code, a.lang): a.name for a in aliases if a.kind == "display"}
    return _Index({k: frozenset(v) for k, v in exact.items()}, tuple(names), display)


_indexes: dict[int, tuple[object, _Index]] = {}


def _index() -> _Index:
    """The index for the aliases in the data folder the kit is using (rebuilt when the folder changes)."""
    from . import data

    try:
        aliases = data.load().country_aliases
    except data.DataError:
        aliases = []  # `idpckit data check` names the problem; the country box still knows CLDR's names
    key = id(aliases)
    held = _indexes.get(key)
    if held is None or held[0] is not aliases:
        _indexes.clear()
        held = (aliases, _build(aliases))
        _indexes[key] = held
    return held[1]


def _record(code: str) -> Country | None:
    return FICTIONAL.get(code) or _iso().get(code)


def _code_of(text: str) -> str | None:
    """The alpha-3 code ``text`` is, if it is an ISO code (2 or 3 letters, any case)."""
    upper = text.strip().upper()
    if not upper.isascii() or not upper.isalpha():
        return None
    for fake in FICTIONAL.values():
        if upper in (fake.alpha_2, fake.alpha_3):
            return fake.alpha_3
    if len(upper) == 2:
        return _by_alpha_2().get(upper)
    if len(upper) == 3 and upper in _iso():
        return upper
    return None


def lookup(text: str) -> Country | None:
    """The one country ``text`` names exactly (a code, or a whole name in any kit language), else None.

    >>> lookup("UK").alpha_3, lookup("Países Bajos").alpha_3, lookup("EU")
    ('GBR', 'NLD', None)
    """
    if not text or not text.strip():
        return None
    code = _code_of(text)
    if code is None:
        codes = _index().exact.get(fold(text), frozenset())
        code = next(iter(codes)) if len(codes) == 1 else None
    return _record(code) if code else None


def name(code: str, lang: str = "en") -> str:
    """A readable name for an alpha-3 code in ``lang`` (English if the language is not shipped).

    Unknown codes come back as they are, so a review of a country that left the ISO list
    still shows something.
    """
    record = _record(code)
    if record is None:
        return code
    lang = lang if lang in LANGUAGES else "en"
    if code in FICTIONAL:
        return translations(lang).gettext(record.name)
    shown = _index().display.get((code, lang))
    return shown or _cldr(lang).get(record.alpha_2) or record.name


def choices(lang: str = "en") -> list[tuple[str, str]]:
    """(label, alpha-3) pairs for every ISO country, sorted by label as people read it."""
    return sorted(((name(code, lang), code) for code in _iso()), key=lambda pair: fold(pair[0]))


def search(text: str, limit: int = 10, lang: str = "en") -> list[tuple[str, str]]:
    """Countries that fit ``text``, best first, as (label in ``lang``, alpha-3) pairs.

    Order: the country whose code it is; countries it names exactly; names that start
    with it; names with a word that starts with it; names that contain it.  One or two
    letters that are not a code only match the start of a name, so they never land on
    an unrelated country through a word in its formal name.
    """
    needle = fold(text or "")
    if not needle:
        return []
    best: dict[str, int] = {}

    def offer(code: str, rank: int) -> None:
        if rank < best.get(code, _INSIDE + 1):
            best[code] = rank

    code = _code_of(text)
    if code:
        offer(code, _CODE)
    index = _index()
    for exact in index.exact.get(needle, ()):
        offer(exact, _EXACT)
    short = len(needle) <= 2  # two letters: whole-name prefixes only ("EU" is no word of Bonaire's)
    for folded, candidate in index.names:
        if folded.startswith(needle):
            offer(candidate, _PREFIX)
        elif short:
            continue
        elif f" {needle}" in f" {folded}":
            offer(candidate, _WORD)
        elif needle in folded:
            offer(candidate, _INSIDE)
    ranked = sorted(best.items(), key=lambda item: (item[1], fold(name(item[0], lang))))
    return [(name(c, lang), c) for c, _ in ranked[:limit]]


def _label(code: str) -> str:
    """The English label without the aliases' display names (safe while the data is being loaded)."""
    record = _record(code)
    return record.name if record else code


def alias_problems(aliases: Iterable[CountryAlias]) -> list[tuple[str, str, str]]:
    """What is wrong in ``data/country_aliases.csv``, as (row, field, message) for the data report.

    An alias must name a real (or the fictional) country, must not be another country's
    ISO code (the box reads codes first, so it could never be reached), must not be a
    standard name of a different country, and is not needed when CLDR or ISO already has
    that name; each country has one display label per language.
    """
    problems: list[tuple[str, str, str]] = []
    standard: dict[str, set[str]] = {}
    for name_, code in _standard_names():
        standard.setdefault(fold(name_), set()).add(code)
    shown: set[tuple[str, str]] = set()
    for i, a in enumerate(aliases, start=2):
        row = _("row {n}").format(n=i)
        if _record(a.code) is None:
            problems.append((row, "code", _("'{code}' is not an ISO 3166-1 alpha-3 code").format(code=a.code)))
            continue
        other = _code_of(a.name)
        if other and other != a.code:
            words = _("'{name}' is the code of {country}; an alias cannot reuse it")
            problems.append((row, "name", words.format(name=a.name, country=_label(other))))
        named = standard.get(fold(a.name), set())
        if a.kind == "alias" and a.code in named:
            words = _("'{name}' is already a name of {country}; this row is not needed")
            problems.append((row, "name", words.format(name=a.name, country=_label(a.code))))
        clash = named - {a.code}
        if clash:
            words = _("'{name}' is already a name of {country}")
            problems.append((row, "name", words.format(name=a.name, country=_label(sorted(clash)[0]))))
        if a.kind == "display":
            if (a.code, a.lang) in shown:
                words = _("{code} already has a display label in '{lang}'")
                problems.append((row, "kind", words.format(code=a.code, lang=a.lang)))
            shown.add((a.code, a.lang))
    return problems

"""Year-on-year: what improved and what worsened between two reviews of one country.

The note advises reviewing the grades every year ahead of the CND thematic
intersessional meetings.  This module lines two reviews up commitment by
commitment and says, for each, whether the situation improved, worsened or
stayed the same.

Comparisons are made on the common 1-5 score (:func:`idpckit.scales.to_score`),
so a five-point review can follow a traffic-light one.  When the two reviews use
*different* scales, both grades are first rounded to the light they map to
(1-2 red, 3 orange, 4-5 green) before comparing: a "4" followed by "green" is
the same situation described on a coarser scale, not an improvement, and
counting it as one would reward switching scales.

:func:`between` makes the :class:`Comparison` the views show (the report page, the
chart, the app's table): it is computed once and handed to them, never recomputed.

Only the standard library is imported here, so the app can call it cheaply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from . import scales
from .assessment import Assessment
from .i18n import N_, _

if TYPE_CHECKING:  # pragma: no cover
    from .data import Content

Direction = Literal["improved", "worsened", "unchanged", "new", "dropped"]

#: Directions in the order reports list them, with the words and arrow they are shown with.
DIRECTIONS: dict[str, tuple[str, str]] = {
    "improved": ("↑", N_("Improved")),
    "worsened": ("↓", N_("Worsened")),
    "unchanged": ("=", N_("Unchanged")),
    "new": ("+", N_("Newly graded")),
    "dropped": ("×", N_("No longer graded")),
}


@dataclass(frozen=True)
class Change:
    """How one commitment's grade moved between an earlier and a later review.

    ``old_score``/``new_score`` are the grades on the common 1-5 score (None when
    the review did not grade the commitment).  ``basis`` is the scale the
    comparison was made on: "five-point" when both reviews use it, otherwise
    "traffic-light" (see the module docstring).
    """

    commitment_id: str
    old_grade: scales.Grade | None
    new_grade: scales.Grade | None
    old_score: int | None
    new_score: int | None
    direction: Direction
    old_scale: scales.Scale = "five-point"
    new_scale: scales.Scale = "five-point"
    basis: scales.Scale = "five-point"

    @property
    def old_level(self) -> scales.Level:
        return scales.level(self.old_grade, self.old_scale)

    @property
    def new_level(self) -> scales.Level:
        return scales.level(self.new_grade, self.new_scale)

    @property
    def old_compared(self) -> int | None:
        """The earlier score on the comparison basis (rounded to a light when the scales differ)."""
        return _on_basis(self.old_score, self.basis)

    @property
    def new_compared(self) -> int | None:
        return _on_basis(self.new_score, self.basis)

    @property
    def delta(self) -> int | None:
        """Points gained (positive) or lost on the comparison basis; None unless both reviews graded it."""
        if self.old_compared is None or self.new_compared is None:
            return None
        return self.new_compared - self.old_compared

    @property
    def arrow(self) -> str:
        return DIRECTIONS[self.direction][0]

    @property
    def words(self) -> str:
        """E.g. "Improved (+2)", for tables and charts, in the language in use."""
        text = _(DIRECTIONS[self.direction][1])
        if self.delta:
            text += f" ({self.delta:+d})".replace("-", "−")
        return text


def _on_basis(score: int | None, basis: scales.Scale) -> int | None:
    if score is None or basis == "five-point":
        return score
    return scales.to_score(scales.to_light(score), "traffic-light")


def order_ids(ids: Iterable[str], content: Content | None = None) -> list[str]:
    """Commitment ids in Table 1's order; ids the content does not know come last, as first seen."""
    if content is None:
        from .data import load

        content = load()
    wanted = list(dict.fromkeys(ids))
    rank = {c.id: c.number for c in content.commitments}
    known = sorted((i for i in wanted if i in rank), key=rank.__getitem__)
    return known + [i for i in wanted if i not in rank]


def _score(a: Assessment, cid: str) -> tuple[scales.Grade | None, int | None]:
    entry = a.entry(cid)
    if entry is None or entry.grade is None:
        return None, None
    return entry.grade, scales.to_score(entry.grade, a.scale)


def compare(old: Assessment, new: Assessment, content: Content | None = None) -> list[Change]:
    """One :class:`Change` per commitment graded in either review, in Table 1's order.

    Commitments graded in neither review (not tracked, or tracked but "not
    assessed" both times) are left out: there is nothing to compare.  A
    commitment graded only in the later review is "new"; one graded only in the
    earlier review is "dropped".
    """
    basis: scales.Scale = "five-point" if old.scale == new.scale == "five-point" else "traffic-light"
    changes: list[Change] = []
    for cid in order_ids([e.commitment_id for e in old.entries] + [e.commitment_id for e in new.entries], content):
        old_grade, old_score = _score(old, cid)
        new_grade, new_score = _score(new, cid)
        if old_score is None and new_score is None:
            continue
        direction: Direction
        if old_score is None:
            direction = "new"
        elif new_score is None:
            direction = "dropped"
        else:
            a, b = _on_basis(old_score, basis), _on_basis(new_score, basis)
            assert a is not None and b is not None
            direction = "improved" if b > a else "worsened" if b < a else "unchanged"
        changes.append(Change(cid, old_grade, new_grade, old_score, new_score, direction, old.scale, new.scale, basis))
    return changes


@dataclass(frozen=True)
class Comparison:
    """Two reviews of one country lined up: what the views (report, chart, app) show.

    Build it with :func:`between`, once; the views take it instead of the two
    reviews, so that uploading last year's review compares the two only once.
    """

    old: Assessment
    new: Assessment
    changes: tuple[Change, ...]

    @property
    def basis(self) -> scales.Scale:
        """The scale the grades were compared on (see the module docstring)."""
        return "five-point" if self.old.scale == self.new.scale == "five-point" else "traffic-light"

    def summary(self) -> dict[str, int]:
        """How many commitments went each way (see :func:`summary`)."""
        return summary(self.changes)


def between(old: Assessment, new: Assessment, content: Content | None = None) -> Comparison:
    """The year-on-year comparison of ``old`` and ``new``, checked (:func:`check_pair`) and computed once.

    Raises ValueError for two different countries or a later review given first.
    """
    check_pair(old, new)
    return Comparison(old, new, tuple(compare(old, new, content)))


def summary(changes: Iterable[Change]) -> dict[str, int]:
    """How many commitments went each way, every direction present (zeros included)."""
    counts = dict.fromkeys(DIRECTIONS, 0)
    for c in changes:
        counts[c.direction] += 1
    return counts


def check_pair(old: Assessment, new: Assessment) -> None:
    """Refuse pairs that make no sense as a year-on-year comparison, in plain words."""
    if old.country != new.country:
        raise ValueError(
            f"the two reviews are of different countries ({old.country_name} and {new.country_name}); "
            "a year-on-year comparison needs two reviews of the same country"
        )
    if old.year > new.year:
        raise ValueError(
            f"the earlier review is dated {old.year} and the later one {new.year}; give the older review first"
        )

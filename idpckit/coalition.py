"""Merge several NGOs' reviews of one country and year into a coalition view.

The note encourages NGOs to work together and "come to the debates as a
coordinated force".  Before a joint meeting with the government, a coalition
needs to know where its members agree and where they do not.  For each
commitment this module gives the consensus (the median score), the spread
(lowest and highest score) and a flag where assessors disagree.

Disagreement rule (:func:`disagrees`, the kit's one rule: coalition views, room
results and the room dashboard all use it): the scores are at least
:data:`DISAGREE_POINTS` (2) points apart on the common 1-5 score, or, when any
member graded with a traffic light, the members' lights differ (a five-point grade counts as its light: 1-2 red, 3 orange, 4-5 green).
On the traffic-light scale alone the two rules coincide, since red, orange and
green score 1, 3 and 5.  The median of an even number of scores can fall
between two points (e.g. 3.5); it is shown as a number with the light it is
closest to, never rounded into a grade nobody gave.

Only the standard library is imported here.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import scales
from .assessment import Assessment
from .compare import order_ids

if TYPE_CHECKING:  # pragma: no cover
    from .data import Content


#: Scores this many points apart (or more) on the common 1-5 score disagree.
DISAGREE_POINTS = 2


def disagrees(scores: Sequence[int], light_used: bool) -> bool:
    """Whether these scores (1-5, one per review that graded it) disagree: the kit's one rule.

    ``light_used``: some review graded on the traffic-light scale, so a difference
    of light counts too (its members could not say "2 or 4", only "red or green").
    """
    if not scores:
        return False
    if max(scores) - min(scores) >= DISAGREE_POINTS:
        return True
    return light_used and len({scales.to_light(s) for s in scores}) > 1


@dataclass(frozen=True)
class Consensus:
    """The coalition's view of one commitment.

    ``grades`` and ``scores`` have one item per merged assessment, in the order
    given (None where that review did not grade the commitment).  ``n`` counts
    the reviews that graded it; ``not_assessed`` those that tracked it without a
    grade.
    """

    commitment_id: str
    median: float | None
    min: int | None
    max: int | None
    n: int
    disagree: bool
    not_assessed: int
    grades: tuple[scales.Grade | None, ...]
    scores: tuple[int | None, ...]

    @property
    def spread(self) -> int | None:
        """Points between the lowest and the highest score (None when nobody graded it)."""
        if self.min is None or self.max is None:
            return None
        return self.max - self.min

    @property
    def light(self) -> scales.Light | None:
        """The light the median is closest to."""
        return None if self.median is None else scales.to_light(self.median)

    @property
    def median_text(self) -> str:
        """The median as people write it: "3", "3.5", or "–" when nobody graded it."""
        if self.median is None:
            return "–"
        return f"{self.median:g}"

    def counts(self) -> dict[int, int]:
        """How many reviews gave each score 1-5 (zeros included)."""
        found = Counter(s for s in self.scores if s is not None)
        return {s: found.get(s, 0) for s in range(1, 6)}


def check_group(assessments: Sequence[Assessment]) -> None:
    """Refuse a set of reviews that cannot be merged, in plain words."""
    if not assessments:
        raise ValueError("there are no reviews to merge; give at least one assessment")
    first = assessments[0]
    for i, a in enumerate(assessments[1:], start=2):
        if a.country != first.country or a.year != first.year:
            raise ValueError(
                f"a coalition view merges reviews of one country and year, but review 1 is {first.country_name} "
                f"{first.year} and review {i} ({label(a, i)}) is {a.country_name} {a.year}"
            )


def label(a: Assessment, position: int) -> str:
    """A short name for one review: its organisations, then its assessor, else "Review N"."""
    parts = [", ".join(a.organisations), a.assessor]
    text = " – ".join(p for p in parts if p)
    return text or f"Review {position}"


def labels(assessments: Sequence[Assessment]) -> list[str]:
    """Distinct names for the merged reviews (a repeated name gets " (2)", " (3)"...)."""
    out, seen = [], Counter[str]()
    for i, a in enumerate(assessments, start=1):
        text = label(a, i)
        seen[text] += 1
        out.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return out


def merge(assessments: Sequence[Assessment], content: Content | None = None) -> list[Consensus]:
    """One :class:`Consensus` per commitment any review tracks, in Table 1's order.

    Raises ValueError if the reviews are of different countries or years.
    """
    check_group(assessments)
    by_review = [{e.commitment_id: e for e in a.entries} for a in assessments]
    ids = order_ids((cid for entries in by_review for cid in entries), content)
    light_used = any(a.scale == "traffic-light" for a in assessments)
    result = []
    for cid in ids:
        grades: list[scales.Grade | None] = []
        scores: list[int | None] = []
        not_assessed = 0
        for a, entries in zip(assessments, by_review, strict=True):
            entry = entries.get(cid)
            if entry is None or entry.grade is None:
                not_assessed += entry is not None
                grades.append(None)
                scores.append(None)
            else:
                grades.append(entry.grade)
                scores.append(scales.to_score(entry.grade, a.scale))
        given = [s for s in scores if s is not None]
        if given:
            low, high = min(given), max(given)
            disagree = disagrees(given, light_used)
            median: float | None = float(statistics.median(given))
        else:
            low = high = None
            disagree, median = False, None
        result.append(
            Consensus(cid, median, low, high, len(given), disagree, not_assessed, tuple(grades), tuple(scores))
        )
    return result

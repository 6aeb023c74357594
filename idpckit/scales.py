"""The two grading scales the note proposes, and how to convert between them.

The note suggests grading a government "from 1 to 5" or with a traffic light
(green = good situation, orange = needs improvement, red = requires urgent
attention).  Both are first-class here.  To compare reviews made on different
scales we map them onto one another:

* five-point to light: 1 and 2 are red, 3 is orange, 4 and 5 are green;
* light to five-point: red is 1, orange is 3, green is 5, the three points the
  rubric describes in words (``data/rubric.yaml``).

So a light survives a round trip (light -> five-point -> light); a five-point
grade of 2 or 4 becomes 1 or 5 after one, which is why comparisons are made on
the *score* (1-5) and why reports always show the grade as the assessor gave it.

Colour never carries meaning alone: every grade has a label and a symbol, and
the colours (a ColorBrewer diverging palette and Okabe-Ito orange) stay distinct
for the common forms of colour blindness, and in greyscale the symbols and
labels still tell the grades apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .i18n import N_

Scale = Literal["five-point", "traffic-light"]
Light = Literal["red", "orange", "green"]
Grade = int | str  # 1..5 on the five-point scale, a Light on the traffic-light scale

SCALES: tuple[Scale, ...] = ("five-point", "traffic-light")
SCALE_LABELS: dict[Scale, str] = {
    "five-point": N_("Five-point scale (1 = requires urgent attention, 5 = good situation)"),
    "traffic-light": N_("Traffic light (red, orange, green)"),
}


@dataclass(frozen=True)
class Level:
    """How one grade is shown: words first, then a symbol, then a colour."""

    value: Grade
    label: str
    symbol: str
    colour: str  # hex, for charts and reports
    text_colour: str  # readable text on top of ``colour``
    score: int  # position on the common 1-5 scale

    @property
    def short(self) -> str:
        """E.g. "✖ Red" or "2", what fits on a button."""
        if isinstance(self.value, int):
            return f"{self.value} {self.symbol}"
        return f"{self.symbol} {self.value.capitalize()}"


FIVE_POINT: dict[int, Level] = {
    1: Level(1, N_("Requires urgent attention"), "✖", "#B2182B", "#ffffff", 1),
    # Each grade's colour is a shade of the light it converts to (1-2 red, 3 orange,
    # 4-5 green), so a chart never draws a grade in the colour of another light.
    2: Level(2, N_("Serious shortcomings"), "▼", "#D6604D", "#000000", 2),
    3: Level(3, N_("Needs improvement"), "▲", "#FDB863", "#000000", 3),
    4: Level(4, N_("Mostly good"), "◆", "#5AAE61", "#000000", 4),
    5: Level(5, N_("Good situation"), "✔", "#1B7837", "#ffffff", 5),
}

TRAFFIC_LIGHT: dict[str, Level] = {
    "red": Level("red", N_("Requires urgent attention"), "✖", "#B2182B", "#ffffff", 1),
    "orange": Level("orange", N_("Needs improvement"), "▲", "#E69F00", "#000000", 3),
    "green": Level("green", N_("Good situation"), "✔", "#1B7837", "#ffffff", 5),
}

#: The lights in words, for :meth:`Level.short` in other languages (translate where shown).
LIGHT_WORDS: dict[str, str] = {"red": N_("Red"), "orange": N_("Orange"), "green": N_("Green")}

#: Shown where a commitment is tracked but not (yet) graded.
NOT_ASSESSED = Level("not assessed", N_("Not assessed"), "–", "#FFFFFF", "#000000", 0)


def levels(scale: Scale) -> dict:
    """The levels of ``scale``, from worst to best."""
    if scale == "five-point":
        return FIVE_POINT
    if scale == "traffic-light":
        return TRAFFIC_LIGHT
    raise ValueError(f"unknown scale '{scale}'; use 'five-point' or 'traffic-light'")


def is_valid(grade: object, scale: Scale) -> bool:
    """True if ``grade`` belongs to ``scale`` (booleans, lists and objects are not grades)."""
    if isinstance(grade, bool) or not isinstance(grade, int | str):
        return False
    return grade in levels(scale)


def level(grade: Grade | None, scale: Scale) -> Level:
    """The display level of a grade; :data:`NOT_ASSESSED` for ``None``."""
    if grade is None:
        return NOT_ASSESSED
    try:
        return levels(scale)[grade]
    except (KeyError, TypeError):
        raise ValueError(f"{grade!r} is not a grade on the {scale} scale") from None


def to_score(grade: Grade, scale: Scale) -> int:
    """The grade on the common 1-5 scale (red 1, orange 3, green 5)."""
    return level(grade, scale).score


def to_light(score: float) -> Light:
    """A 1-5 score as a light: below 2.5 red, below 3.5 orange, otherwise green."""
    if score < 2.5:
        return "red"
    if score < 3.5:
        return "orange"
    return "green"


def convert(grade: Grade, source: Scale, target: Scale) -> Grade:
    """Convert a grade between scales with the documented mapping."""
    score = to_score(grade, source)
    if target == "five-point":
        return score
    if target == "traffic-light":
        return to_light(score)
    raise ValueError(f"unknown scale '{target}'")

"""The lessons' name for knowledge checks whose answers are computed from the kit's data (lessons 5 to 7).

Computed exercises are ordinary exercises now: the same files, the same shape
(``computed: {rule: ...}`` instead of written-out answers, see
:mod:`idpckit.exercises.rules`) and the same widgets.  This module only keeps
the lessons' calls, ``computed_checks.from_data("06-checks", "light-for-two")``,
working.
"""

from __future__ import annotations

from typing import Any

from .. import exercises
from ..data import Content
from .checks import Check, build


def from_data(name: str, check_id: str, content: Content | None = None, **kwargs: Any) -> Check:
    """The widget of one computed check, e.g. ``from_data("05-checks", "box1-years")``."""
    return build(exercises.get(name, check_id, content), **kwargs)

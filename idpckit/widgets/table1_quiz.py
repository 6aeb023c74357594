"""Lesson 4's exercise as widgets: the Table 1 quiz, one knowledge check per question.

The questions live in ``data/exercises/04-table1.yaml``; each names a rule, and
the rule engine (:mod:`idpckit.exercises.rules`) computes its options, its
answer and the few lines of pandas that find it from ``data/references.csv``
whenever the quiz is built.  Here each question only becomes a
:class:`~idpckit.widgets.checks.MultipleChoice` (which shows the hint, and the
pandas with the solution); a question whose rule finds nothing in the data any
more is left out with a note for the trainer.
"""

from __future__ import annotations

import os
from typing import Any

from .. import exercises
from ..data import Content
from ..i18n import _
from ..text import esc
from .checks import Check, build

#: The quiz's exercise file in data/exercises.
QUIZ = "04-table1"


class Table1Quiz:
    """The quiz as widgets.  Show ``quiz.widget``; tests tick options and click, or call ``quiz.check``."""

    def __init__(self, content: Content | None = None, path: str | os.PathLike[str] | None = None) -> None:
        import ipywidgets as w

        from ..localise import load

        self.content = content or load()
        loaded = exercises.load(str(path) if path is not None else QUIZ, self.content)
        self.specs = list(loaded.specs.values())
        self.skipped = loaded.skipped
        self.checks: list[Check] = [build(spec) for spec in self.specs]
        notes = [
            w.HTML(f"<p><em>{esc(_('Note for the trainer: {note}').format(note=s))}</em></p>") for s in self.skipped
        ]
        self.widget = w.VBox([*(c.widget for c in self.checks), *notes], layout=w.Layout(width="100%"))

    def check(self, question_id: str, answer: Any) -> exercises.Feedback:
        """Grade ``answer`` (option texts) for one question by id."""
        for spec in self.specs:
            if spec.id == question_id:
                return exercises.grade(spec, answer)
        raise KeyError(f"no question with id '{question_id}'")

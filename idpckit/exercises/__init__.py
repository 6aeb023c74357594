"""Exercises as data and pure logic: specs, the rule engine, grading, the advocacy plan, the solution sheet.

This package is part of the core: it never imports ipywidgets, the widgets,
the CLI or the server, so tests grade answers and ``idpckit solutions`` prints
the sheet on a machine without ipywidgets.  The widgets in
:mod:`idpckit.widgets` only build controls and call in here.

* :mod:`.specs`: the one shape of an exercise (pydantic models);
* :mod:`.rules`: the rule engine for exercises whose answers are computed from ``data/``;
* :mod:`.loading`: reading ``data/exercises/NN-name.yaml`` with errors naming file, exercise and field;
* :mod:`.grading`: ``grade(spec, answer) -> Feedback``, and :mod:`.feedback` its messages;
* :mod:`.plan`: the 12-month advocacy plan; :mod:`.solutions`: the trainers' sheet.

Example::

    >>> from idpckit import exercises
    >>> spec = exercises.get("02-four-asks", "wins-and-challenges")
    >>> exercises.grade(spec, spec.solution()).correct
    True
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .feedback import Feedback, ItemFeedback
from .grading import grade
from .loading import ExerciseFile, Problem, exercises_dir, files, load, problems
from .specs import ExerciseError, Spec

if TYPE_CHECKING:
    from ..data import Content


#: Set (to anything but 0/no/false) by ``idpckit serve --hide-solutions``; the lessons' kernels read it.
HIDE_SOLUTIONS_ENV = "IDPCKIT_HIDE_SOLUTIONS"


def solutions_hidden() -> bool:
    """True while a trainer runs a workshop with the lessons' "Show solution" buttons hidden.

    Here, beside the exercises, not with the rooms: every lesson's checks ask it, and the rooms
    module brings SQLAlchemy and the store (about 0.9 s of a lesson kernel's start) for nothing.
    """
    return os.environ.get(HIDE_SOLUTIONS_ENV, "").strip().lower() not in ("", "0", "no", "false", "off")


def get(
    name: str, exercise_id: str, content: Content | None = None, root: str | os.PathLike[str] | None = None
) -> Spec:
    """One exercise, written out: ``get("05-checks", "box1-years")``."""
    return load(name, content, root).get(exercise_id)


__all__ = [
    "ExerciseError",
    "ExerciseFile",
    "Feedback",
    "ItemFeedback",
    "Problem",
    "Spec",
    "exercises_dir",
    "files",
    "get",
    "grade",
    "load",
    "problems",
]

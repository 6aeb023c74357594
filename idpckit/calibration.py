"""Calibration rounds: how far a room's grades of the same vignettes agree, before and after discussion.

The workshop's calibration activity asks every trainee to grade the vignettes of
``data/calibration.yaml``, shows the room's agreement (Krippendorff's alpha,
:mod:`idpckit.agreement`), discusses the vignettes where grades spread, and
grades again.  This module reads such rounds from a plain CSV (``round``,
``trainee``, ``vignette``, ``grade``), checks every row, and computes one alpha
per round, so a trainer sees in one number whether the discussion helped.

Pure: standard library and the kit's own core modules only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from . import yamlfile
from .agreement import alpha
from .data import Content, not_an_id, row_label
from .errors import FileProblems, Problem
from .i18n import _

#: The columns a rounds file must have, in any order.
COLUMNS = ("round", "trainee", "vignette", "grade")


@dataclass(frozen=True)
class Round:
    """One round of grading: trainee -> vignette id -> grade (1-5)."""

    number: int
    grades: dict[str, dict[str, int]]

    def matrix(self, vignettes: list[str]) -> list[list[int | None]]:
        """Reliability data for :func:`agreement.alpha`: one row per trainee, one column per vignette."""
        return [[self.grades[t].get(v) for v in vignettes] for t in sorted(self.grades)]

    @property
    def alpha(self) -> float | None:
        vignettes = sorted({v for g in self.grades.values() for v in g})
        return alpha(self.matrix(vignettes), level="ordinal")


def read_rounds(text: str, content: Content, shown: str = "rounds.csv") -> list[Round]:
    """Parse a rounds CSV; every bad row is reported with its row number and field, all at once."""
    problems: list[Problem] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise FileProblems([Problem(shown, row_label(1), c, _("this column is missing")) for c in missing])
    known = {v.id for v in content.calibration}
    rounds: dict[int, dict[str, dict[str, int]]] = {}
    for i, row in enumerate(reader, start=2):
        where = row_label(i)
        try:
            number = int(row["round"])
        except (TypeError, ValueError):
            words = _("'{value}' is not a round number such as 1 or 2").format(value=row["round"])
            problems.append(Problem(shown, where, "round", words))
            continue
        trainee = (row["trainee"] or "").strip()
        if not trainee:
            problems.append(Problem(shown, where, "trainee", _("must not be empty")))
            continue
        if row["vignette"] not in known:
            problems.append(Problem(shown, where, "vignette", not_an_id(row["vignette"], "calibration.yaml")))
            continue
        try:
            grade = int(row["grade"])
        except (TypeError, ValueError):
            grade = 0
        if not 1 <= grade <= 5:
            problems.append(
                Problem(shown, where, "grade", _("'{value}' is not a grade from 1 to 5").format(value=row["grade"]))
            )
            continue
        rounds.setdefault(number, {}).setdefault(trainee, {})[row["vignette"]] = grade
    if problems:
        raise FileProblems(problems)
    return [Round(n, rounds[n]) for n in sorted(rounds)]


def load_rounds(path: Path, content: Content, shown: str | None = None) -> list[Round]:
    """:func:`read_rounds` on a file (one not UTF-8, or too large, is refused in words too)."""
    name = shown or path.name
    return read_rounds(yamlfile.read_text(path, name), content, shown=name)

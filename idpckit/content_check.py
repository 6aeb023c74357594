"""Check everything a trainer edits in ``data/`` at once: the content files and what is built on them.

The content files (:mod:`idpckit.data`) come first; the exercises (whose answers are
computed from the content), the translations (keyed by the content's ids) and the
country aliases (checked against ISO 3166 and CLDR) build on them, so they are checked
here, above all of them, rather than inside :mod:`idpckit.data`: that keeps the content
module free of the modules that read it, and the imports one way.

The role-play (``roleplay.yaml``) and the examples (``examples/``: the Veridia reviews and a
calibration room) are read by their own loaders, and checked here through them, so every
file of the folder is checked at once, with the same file, row and field as when it is used.

``idpckit data check`` and the server's start-up warning call :func:`validate`.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import calibration, data, localise, roleplay
from .assessment_io import AssessmentError, read_assessment
from .countries import alias_problems
from .errors import FileProblems, Problem
from .exercises import problems as exercise_problems
from .i18n import LANGUAGES


def validate(root: str | os.PathLike[str] | None = None) -> data.Report:
    """Every problem in a data folder: content, role-play, examples, aliases, translations, exercises (never raises)."""
    path = data.data_dir(root)
    parsed, report = data.read_all(path)
    for row, field_name, message in alias_problems(parsed.get("country_aliases.csv", [])):
        report.add("country_aliases.csv", row, field_name, message)
    if (path / roleplay.FILE).is_file():
        try:
            roleplay.load(path)
        except FileProblems as exc:
            report.problems.extend(exc.problems)
    report.problems.extend(_example_problems(path, parsed))
    for lang in LANGUAGES[1:]:
        report.problems.extend(localise.problems(lang, parsed, path))
        report.problems.extend(localise.sources_problems(lang, path))
        report.problems.extend(localise.exercise_problems(lang, path))
        report.problems.extend(localise.document_problems(lang, path))
    for p in exercise_problems(path):
        report.add(p.file, p.row, p.field, p.message)
    if report.ok:  # translated exercises are checked as exercises once the English ones are sound
        for lang in LANGUAGES[1:]:
            for p in exercise_problems(path, lang=lang):
                report.add(f"{localise.FOLDER}/{lang}.yaml ({p.file})", p.row, p.field, p.message)
    if report.ok and (path / roleplay.FILE).is_file():  # the role-play in each language is checked as a role-play
        for lang in localise.DOCUMENT_LANGUAGES:  # (the English one is checked above, as a content file)
            try:
                roleplay.load(path, lang)
            except FileProblems as exc:
                shown = f"{localise.FOLDER}/{lang}.yaml ({roleplay.FILE})"
                for p in exc.problems:
                    report.add(shown, p.row, p.field, p.message)
    report.files = _files_checked(path)
    return report


def _files_checked(path: Path) -> int:
    """How many files the checks above read: the content files, the role-play, the examples, translations, exercises."""
    from .exercises.loading import files as exercise_files

    others = [path / roleplay.FILE, *(path / localise.FOLDER / f"{lang}.yaml" for lang in LANGUAGES[1:])]
    others += [path / localise.FOLDER / f"{lang}.sources.yaml" for lang in LANGUAGES[1:]]
    examples = [*(path / "examples").glob("*.json"), *(path / "examples").glob("*.csv")]
    return len(data.FILES) + sum(p.is_file() for p in others) + len(examples) + len(exercise_files(path))


def _example_problems(path: Path, parsed: dict[str, list[object]]) -> list[Problem]:
    """The example reviews (``examples/*.json``) and calibration rooms (``examples/*.csv``), read as the lessons read them."""
    folder = path / "examples"
    found: list[Problem] = []
    known = {c.id for c in parsed.get("commitments.csv", [])}  # type: ignore[attr-defined]
    for review in sorted(folder.glob("*.json")):
        try:
            read_assessment(review, known_ids=known or None)
        except AssessmentError as exc:
            found.append(exc.as_problem(f"examples/{review.name}"))
    rooms = sorted(folder.glob("*.csv"))
    if rooms:
        try:
            content = data.load(path)
        except data.DataError:
            return found  # the vignettes the rounds name are in calibration.yaml: its problems come first
        for room in rooms:
            try:
                calibration.load_rounds(room, content, shown=f"examples/{room.name}")
            except FileProblems as exc:
                found.extend(exc.problems)
    return found

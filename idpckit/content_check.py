"""Check everything a trainer edits in ``data/`` at once: the content files and what is built on them.

The content files (:mod:`idpckit.data`) come first; the exercises (whose answers are
computed from the content), the translations (keyed by the content's ids) and the
country aliases (checked against ISO 3166 and CLDR) build on them, so they are checked
here, above all of them, rather than inside :mod:`idpckit.data`: that keeps the content
module free of the modules that read it, and the imports one way.

``idpckit data check`` and the server's start-up warning call :func:`validate`.
"""

from __future__ import annotations

import os

from . import data, localise, roleplay
from .countries import alias_problems
from .errors import FileProblems
from .exercises import problems as exercise_problems
from .i18n import LANGUAGES


def validate(root: str | os.PathLike[str] | None = None) -> data.Report:
    """Every problem in a data folder: content files, country aliases, translations and exercises (never raises)."""
    path = data.data_dir(root)
    parsed, report = data.read_all(path)
    for row, field_name, message in alias_problems(parsed.get("country_aliases.csv", [])):
        report.add("country_aliases.csv", row, field_name, message)
    for lang in LANGUAGES[1:]:
        report.problems.extend(localise.problems(lang, parsed, path))
        report.problems.extend(localise.exercise_problems(lang, path))
        report.problems.extend(localise.document_problems(lang, path))
    for p in exercise_problems(path):
        report.add(p.file, p.row, p.field, p.message)
    if report.ok:  # translated exercises are checked as exercises once the English ones are sound
        for lang in LANGUAGES[1:]:
            for p in exercise_problems(path, lang=lang):
                report.add(f"{localise.FOLDER}/{lang}.yaml ({p.file})", p.row, p.field, p.message)
    if report.ok and (path / roleplay.FILE).is_file():  # the role-play in each language is checked as a role-play
        for lang in ("en", *localise.DOCUMENT_LANGUAGES):
            try:
                roleplay.load(path, lang)
            except FileProblems as exc:
                shown = roleplay.FILE if lang == "en" else f"{localise.FOLDER}/{lang}.yaml ({roleplay.FILE})"
                for p in exc.problems:
                    report.add(shown, p.row, p.field, p.message)
    return report

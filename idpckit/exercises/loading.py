"""Reading ``data/exercises/NN-name.yaml``: validate every entry, compute the computed ones.

:func:`load` returns the written-out specs of one file by id (a computed entry
comes back as the spec its rule builds), and the notes on entries left out
because the data no longer holds what they ask.  :func:`problems` lists every
problem in every file, for ``idpckit data check``; each names the file, the
exercise (its number in the file and its id) and the field.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from .. import yamlfile
from ..errors import FileProblems, Problem, dotted, plain
from ..i18n import _
from .rules import AnyRule, NothingToAsk, RuleError
from .specs import KINDS, ComputedEntry, ExerciseError, PlanSpec, Spec, SpecError, duplicates, entry_type

if TYPE_CHECKING:
    from ..data import Content

_ENTRIES = TypeAdapter(list[entry_type(AnyRule)])  # type: ignore[misc]

#: Tags pydantic puts in an error's location (the kind of entry, the rule): not fields a trainer wrote.
_TAGS = {*KINDS, "computed"}


@dataclass(frozen=True)
class ExerciseFile:
    """The exercises of one file, written out, by id; ``skipped``: notes on those left out."""

    path: Path
    specs: dict[str, Spec]
    skipped: list[str] = field(default_factory=list)

    @property
    def lesson(self) -> int | None:
        """The lesson number from the file name (``05-checks.yaml`` -> 5)."""
        head = self.path.name[:2]
        return int(head) if head.isdigit() else None

    def get(self, exercise_id: str) -> Spec:
        if exercise_id in self.specs:
            return self.specs[exercise_id]
        left_out = [s for s in self.skipped if f"'{exercise_id}'" in s]
        if left_out:
            raise ExerciseError(left_out[0])
        raise ExerciseError(
            _("{file}: no exercise with id '{id}'; the file has: {ids}").format(
                file=shown(self.path), id=exercise_id, ids=", ".join(self.specs)
            )
        )


def exercises_dir(root: str | os.PathLike[str] | None = None) -> Path:
    """``data/exercises`` of the content folder in use (see :func:`idpckit.data.data_dir`)."""
    from .. import data

    return data.data_dir(root) / "exercises"


def files(root: str | os.PathLike[str] | None = None) -> list[Path]:
    """Every exercise file, in lesson order (``NN-name.yaml``)."""
    return sorted(exercises_dir(root).glob("[0-9][0-9]-*.yaml"))


def path_for(name: str, root: str | os.PathLike[str] | None = None) -> Path:
    """A file stem in ``data/exercises`` (``"02-four-asks"``), or a path to a YAML file."""
    p = Path(name)
    if p.suffix in (".yaml", ".yml") and (p.is_absolute() or p.parent != Path(".")):
        return p
    return exercises_dir(root) / (p.name if p.suffix else f"{p.name}.yaml")


def shown(path: Path) -> str:
    return f"exercises/{path.name}"


def _label(items: list[Any], i: int) -> str:
    raw = items[i] if 0 <= i < len(items) else None
    ident = raw.get("id") if isinstance(raw, dict) else None
    return _label_of(i + 1, ident if isinstance(ident, str) else "")


def _label_of(n: int, ident: str) -> str:
    """Where in the file: "exercise 3 (id 'milestones')", in the language in use."""
    if not ident:
        return _("exercise {n}").format(n=n)
    return _("exercise {n} (id '{id}')").format(n=n, id=ident)


def _field(loc: tuple[Any, ...], err: Any = None) -> str:
    """The field an error is about, as the trainer counts; a spec's own check (:class:`SpecError`) names its field."""
    raised = ((err or {}).get("ctx") or {}).get("error")
    if isinstance(raised, SpecError):
        loc = (*loc, *raised.field.split("."))
    elif err is not None and err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        loc = (*loc, "rule") if "computed" in [str(p) for p in loc] else (*loc, "kind")  # the tag that chose wrong
    rest = list(loc)
    if rest and rest[0] in _TAGS:
        rest = rest[1:]  # the kind of entry
    if len(rest) >= 2 and rest[0] == "computed" and isinstance(rest[1], str) and rest[1] not in ("rule",):
        from .rules import BY_NAME

        if rest[1] in BY_NAME:
            rest = [rest[0], *rest[2:]]  # the rule's tag
    return dotted(rest)


def _message(err: Any) -> str:
    """Pydantic's message in words (:func:`idpckit.errors.plain`), naming the choices where a tag is wrong."""
    kind = err["type"]
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        from .rules import BY_NAME

        tag = (err.get("ctx") or {}).get("tag", "")
        if "computed" in [str(p) for p in err["loc"]]:
            if kind == "union_tag_not_found" or not tag:
                return _("needs a 'rule': one of {rules}").format(rules=", ".join(BY_NAME))
            return _("rule '{rule}' is unknown; use one of {rules}").format(rule=tag, rules=", ".join(BY_NAME))
        if kind == "union_tag_not_found" or not tag:
            return _("needs a 'kind': {kinds}").format(kinds=", ".join(KINDS))
        return _("'{kind}' is not a kind of exercise; use {kinds}").format(kind=tag, kinds=", ".join(KINDS))
    return plain(err)


def _validate(path: Path, lang: str | None = None) -> tuple[list[Any], list[Problem]]:
    """(entries, problems) of one file, in ``lang`` (data/translations/, English where none); entries only when there is no problem."""
    from .. import localise

    name = shown(path)
    try:
        items = yamlfile.read(path, name)
    except FileProblems as exc:
        return [], exc.problems
    if not isinstance(items, list) or not items:
        return [], [Problem(name, "", "", _("must be a list of exercises, each starting with '- id: ...'"))]
    items = localise.translated_exercises(path.name, items, lang, path.parent.parent)
    try:
        entries = _ENTRIES.validate_python(items)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            if loc and isinstance(loc[0], int):
                problems.append(Problem(name, _label(items, loc[0]), _field(loc[1:], err), _message(err)))
            else:
                problems.append(Problem(name, "", _field(loc, err), _message(err)))
        return [], problems
    if dup := duplicates(e.id for e in entries):
        repeated = _("exercise ids must be unique within a file; repeated: {ids}").format(ids=", ".join(dup))
        return [], [Problem(name, "", "id", repeated)]
    return entries, []


def _build(
    path: Path, items: list[Any], content: Content | None, lang: str | None = None
) -> tuple[dict[str, Spec], list[str], list[Problem]]:
    """Compute the computed entries (and check the plan's venues) against the content."""
    name = shown(path)
    specs: dict[str, Spec] = {}
    skipped: list[str] = []
    problems: list[Problem] = []
    for i, entry in enumerate(items):
        label = _label_of(i + 1, entry.id)
        if not isinstance(entry, ComputedEntry | PlanSpec):
            specs[entry.id] = entry
            continue
        if content is None:
            content = _content_for(path, lang)
        if isinstance(entry, PlanSpec):
            avenues = {a.id for a in content.avenues}
            bad = [(n, m) for n, m in enumerate(entry.calendar, start=1) if m.avenue not in avenues]
            problems += [
                Problem(
                    name, label, f"calendar.{n}.avenue", _("'{id}' is not an id in avenues.yaml").format(id=m.avenue)
                )
                for n, m in bad
            ]
            specs[entry.id] = entry
            continue
        try:
            specs[entry.id] = entry.computed.build(entry, content)
        except NothingToAsk as exc:
            skipped.append(_("Exercise '{id}' was left out: {reason}.").format(id=entry.id, reason=exc))
        except RuleError as exc:
            problems.append(Problem(name, label, f"computed.{exc.field}", str(exc)))
        except (ValueError, LookupError) as exc:
            reason = _("the rule cannot be computed from the data: {problem}").format(problem=exc)
            problems.append(Problem(name, label, "computed", reason))
    return specs, skipped, problems


def _content_for(path: Path, lang: str | None = None) -> Content:
    """The content an exercise file is computed against, in ``lang``: the data folder it sits in, else the kit's."""
    from .. import localise

    folder = path.parent.parent
    return localise.load(lang or "en", folder if (folder / "commitments.csv").is_file() else None)


def load(
    name: str, content: Content | None = None, root: str | os.PathLike[str] | None = None, lang: str | None = None
) -> ExerciseFile:
    """The exercises of one file, e.g. ``load("02-four-asks")``; computed ones computed from ``content``.

    ``name`` is a file stem in ``data/exercises`` (of ``root``, or of
    ``content``'s folder) or a path to a YAML file.  Raises
    :class:`ExerciseError` listing every problem, each with the file, the
    exercise (number and id) and the field.
    """
    from .. import i18n

    lang = i18n.normalise(lang) or i18n.current()
    path = path_for(name, root if root is not None else (content.root if content is not None else None))
    entries, problems = _validate(path, lang)
    if problems:
        raise ExerciseError(problems)
    specs, skipped, problems = _build(path, entries, content, lang)
    if problems:
        raise ExerciseError(problems)
    return ExerciseFile(path, specs, skipped)


def problems(
    root: str | os.PathLike[str] | None = None, content: Content | None = None, lang: str | None = None
) -> list[Problem]:
    """Every problem in every exercise file of a data folder (empty when all are valid).

    Computed entries are computed too, against ``content`` (loaded from the
    same folder when not given); when the other content files are invalid,
    only the exercise files' own shape is checked.  With ``lang``, the files as
    translated (data/translations/) are checked, so a translation cannot break one.
    """
    out: list[Problem] = []
    for path in files(root):
        entries, found = _validate(path, lang)
        out += found
        if found:
            continue
        if content is None and any(isinstance(e, ComputedEntry | PlanSpec) for e in entries):
            from .. import data

            try:
                content = _content_for(path, lang)
            except data.DataError:
                continue  # reported by content_check.validate
        out += _build(path, entries, content, lang)[2]
    return out

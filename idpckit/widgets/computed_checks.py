"""Knowledge checks whose right answers are computed from the kit's data (lessons 5 to 7).

Some questions ask about facts the kit already holds: which year of Box 1 was
about health (``data/workplan.csv``), which venue is in Geneva
(``data/avenues.yaml``), which grade the rubric describes
(``data/rubric.yaml``), where the fictional Veridia coalition disagrees
(``data/examples/``).  Typing those answers into an exercise file would let them
drift from the data; here the file ``data/exercises/computed/<lesson>.yaml``
holds only the wording and a *rule*, and the answer is computed when the check
is built.  The result is an ordinary spec of :mod:`idpckit.widgets.checks`, so
the shared widgets (feedback, "Try again", "Show solution") run it.

Example::

    >>> from idpckit.widgets import computed_checks
    >>> ex = computed_checks.from_data("06-checks", "light-for-two")
    >>> ex.check(ex.spec.solution()).correct
    True
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import scales
from ..data import Content, data_dir, load
from .checks import (
    Check,
    ChoiceSpec,
    ExerciseError,
    MatchSpec,
    Option,
    Pair,
    SortItem,
    SortSpec,
    build,
)

#: Offered (and right) when a "tick all that apply" question has no right option in the data.
NONE_OF_THEM = "None of them"

#: Fields every computed check has in its YAML entry.
_COMMON = ("id", "rule", "title", "prompt")


def computed_dir(root: str | os.PathLike[str] | None = None) -> Path:
    return data_dir(root) / "exercises" / "computed"


def _commitment_label(content: Content, cid: str) -> str:
    c = content.commitment(cid)
    return f"{c.number}. {c.title}"


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + ("." if dot or not head.endswith(".") else "")


def _choice(spec: dict[str, Any], options: list[Option], *, multiple: bool, explanation: str) -> ChoiceSpec:
    if multiple and not any(o.correct for o in options):
        options = [*options, Option(text=NONE_OF_THEM, correct=True, why="Nothing in the data matches.")]
    return ChoiceSpec(
        id=spec["id"],
        kind="choice",
        title=spec["title"],
        prompt=spec["prompt"],
        multiple=multiple,
        options=options,
        explanation=explanation,
        source=spec.get("source", ""),
    )


# --------------------------------------------------------------------------- rules


def _workplan_themes(content: Content, spec: dict[str, Any]) -> MatchSpec:
    """Box 1: match each year to the theme of its thematic meeting (``workplan.csv``)."""
    rows = content.workplan
    return MatchSpec(
        id=spec["id"],
        kind="match",
        title=spec["title"],
        prompt=spec["prompt"],
        left_label="Year",
        right_label="Theme",
        pairs=[Pair(left=str(r.year), right=r.theme, why=r.topics) for r in rows],
        explanation=spec.get("explanation", ""),
        source=spec.get("source", ""),
    )


def _venues_by_city(content: Content, spec: dict[str, Any]) -> SortSpec:
    """Sort the venues of ``avenues.yaml`` by the city where the work happens."""
    exclude = set(spec.get("exclude") or [])
    unknown = exclude - {a.id for a in content.avenues}
    if unknown:
        raise ExerciseError(f"exclude names venues that are not in avenues.yaml: {', '.join(sorted(unknown))}")
    avenues = [a for a in content.avenues if a.id not in exclude]
    bins = [c for c in ("Vienna", "Geneva", "New York", "National") if any(a.city == c for a in avenues)]
    return SortSpec(
        id=spec["id"],
        kind="sort",
        title=spec["title"],
        prompt=spec["prompt"],
        bins=bins,
        items=[SortItem(text=a.venue, bin=a.city, why=_first_sentence(a.why)) for a in avenues],
        explanation=spec.get("explanation", ""),
        source=spec.get("source", ""),
    )


def _five_point_options(content: Content, commitment_id: str, right: int) -> list[Option]:
    rubric = content.rubric_for(commitment_id)
    options = []
    for grade, lvl in scales.FIVE_POINT.items():
        text = rubric.level(grade)
        if text:
            why = f"The rubric describes {grade} as: {text}"
        else:
            why = f"The rubric uses {grade} for a situation between its descriptions of {grade - 1} and {grade + 1}."
        options.append(Option(text=f"{grade} {lvl.symbol} {lvl.label}", correct=grade == right, why=why))
    return options


def _grade_for_situation(content: Content, spec: dict[str, Any]) -> ChoiceSpec:
    """Which five-point grade fits a described situation, judged against ``rubric.yaml``."""
    cid = spec["commitment"]
    grade = spec["grade"]
    if not isinstance(grade, int) or isinstance(grade, bool) or grade not in scales.FIVE_POINT:
        raise ExerciseError(f"grade must be a whole number from 1 to 5, not {grade!r}")
    c = content.commitment(cid)
    prompt = f"{spec['prompt']} Commitment {c.number}: “{c.title}”. Situation: {spec['situation']}"
    explanation = spec.get("explanation") or ""
    return _choice(
        {**spec, "prompt": prompt}, _five_point_options(content, cid, grade), multiple=False, explanation=explanation
    )


def _light_for_grade(content: Content, spec: dict[str, Any]) -> ChoiceSpec:
    """Which traffic light a five-point grade becomes (``scales.convert``)."""
    grade = spec["grade"]
    right = scales.convert(grade, "five-point", "traffic-light")
    groups: dict[str, list[int]] = {}
    for g in scales.FIVE_POINT:
        groups.setdefault(str(scales.convert(g, "five-point", "traffic-light")), []).append(g)
    mapping = "; ".join(f"{', '.join(map(str, gs))} → {light}" for light, gs in groups.items())
    options = [
        Option(
            text=f"{lvl.symbol} {light.capitalize()} ({lvl.label.lower()})",
            correct=light == right,
            why=f"Grades {', '.join(map(str, groups.get(light, [])))} become {light}.",
        )
        for light, lvl in scales.TRAFFIC_LIGHT.items()
    ]
    explanation = (
        f"The kit maps five-point grades to lights like this: {mapping}. A light turned back into a number "
        "becomes 1, 3 or 5, so compare on the 1-5 score and always show the grade as the assessor gave it."
    )
    return _choice(spec, options, multiple=False, explanation=explanation)


def _example(stem: str) -> Any:
    from ..assessment_io import load_example

    return load_example(stem)


def _commitment_options(content: Content, ids: set[str], answer: set[str], why: dict[str, str]) -> list[Option]:
    return [
        Option(text=_commitment_label(content, c.id), correct=c.id in answer, why=why.get(c.id, ""))
        for c in content.commitments
        if c.id in ids
    ]


def _example_ungraded(content: Content, spec: dict[str, Any]) -> ChoiceSpec:
    """Which commitments an example review left out or did not grade."""
    a = _example(spec["example"])
    graded = {e.commitment_id for e in a.entries if e.graded}
    answer = {c.id for c in content.commitments} - graded
    why = {
        c.id: (
            f"Graded {scales.level(a.entry(c.id).grade, a.scale).short}"  # type: ignore[union-attr]
            if c.id in graded
            else "Not graded in this review"
        )
        for c in content.commitments
    }
    explanation = (
        f"This review grades {len(graded)} of the {len(content.commitments)} commitments. The note allows "
        "focusing on some commitments when resources are short; say which ones you left out and why."
    )
    return _choice(
        spec,
        _commitment_options(content, {c.id for c in content.commitments}, answer, why),
        multiple=True,
        explanation=explanation,
    )


def _coalition_disagreements(content: Content, spec: dict[str, Any]) -> ChoiceSpec:
    """Where a coalition's members disagree (``coalition.merge``)."""
    from ..coalition import merge

    reviews = [_example(s) for s in spec["examples"]]
    merged = merge(reviews, content)
    answer = {m.commitment_id for m in merged if m.disagree}
    why = {}
    for m in merged:
        shown = ", ".join(
            scales.level(g, r.scale).short if g is not None else "not graded"
            for g, r in zip(m.grades, reviews, strict=True)
        )
        why[m.commitment_id] = f"Grades: {shown}"
    explanation = (
        "The coalition view flags a commitment when the members' scores are 2 or more points apart, or, when "
        "someone used traffic lights, when their lights differ. A flag is a reason to compare evidence, "
        "not a verdict on who is right."
    )
    return _choice(
        spec,
        _commitment_options(content, {m.commitment_id for m in merged}, answer, why),
        multiple=True,
        explanation=explanation,
    )


def _year_on_year(content: Content, spec: dict[str, Any]) -> ChoiceSpec:
    """Which commitments moved in one direction between two reviews (``compare.compare``)."""
    from ..compare import DIRECTIONS, compare

    direction = spec["direction"]
    if direction not in DIRECTIONS:
        raise ExerciseError(f"direction must be one of {', '.join(DIRECTIONS)}, not '{direction}'")
    old, new = _example(spec["old"]), _example(spec["new"])
    changes = compare(old, new, content)
    answer = {ch.commitment_id for ch in changes if ch.direction == direction}
    why = {
        ch.commitment_id: (
            f"{ch.old_level.short if ch.old_grade is not None else 'not graded'} → "
            f"{ch.new_level.short if ch.new_grade is not None else 'not graded'}: {ch.words.lower()}"
        )
        for ch in changes
    }
    explanation = (
        f"Between {old.year} and {new.year}: "
        + ", ".join(
            f"{n} {DIRECTIONS[d][1].lower()}" for d in DIRECTIONS if (n := sum(ch.direction == d for ch in changes))
        )
        + ". Before you report an improvement, check that the evidence changed, not just the assessor."
    )
    return _choice(
        spec,
        _commitment_options(content, {ch.commitment_id for ch in changes}, answer, why),
        multiple=True,
        explanation=explanation,
    )


#: rule -> (extra fields it needs, builder)
RULES: dict[str, tuple[tuple[str, ...], Callable[[Content, dict[str, Any]], Any]]] = {
    "workplan_themes": ((), _workplan_themes),
    "venues_by_city": ((), _venues_by_city),
    "grade_for_situation": (("commitment", "grade", "situation"), _grade_for_situation),
    "light_for_grade": (("grade",), _light_for_grade),
    "example_ungraded": (("example",), _example_ungraded),
    "coalition_disagreements": (("examples",), _coalition_disagreements),
    "year_on_year": (("old", "new", "direction"), _year_on_year),
}


# --------------------------------------------------------------------------- loading


def load_specs(name: str, content: Content | None = None) -> dict[str, Any]:
    """Build every check of ``data/exercises/computed/<name>.yaml``; returns specs by id.

    Raises :class:`~idpckit.widgets.checks.ExerciseError` naming the file, the
    entry and the field when the file is wrong or a rule cannot be computed.
    """
    import yaml

    content = content or load()
    path = computed_dir(content.root) / f"{name}.yaml"
    shown = f"exercises/computed/{path.name}"
    try:
        items = yaml.safe_load(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise ExerciseError(f"{shown}: the file is missing") from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ExerciseError(f"{shown}: could not be read as YAML ({exc})") from None
    if not isinstance(items, list) or not items:
        raise ExerciseError(f"{shown}: must be a list of checks, each starting with '- id: ...'")
    specs: dict[str, Any] = {}
    for i, item in enumerate(items, start=1):
        where = f"{shown}, item {i}"
        if not isinstance(item, dict):
            raise ExerciseError(f"{where}: must be a mapping of field: value")
        if item.get("id"):
            where += f" (id '{item['id']}')"
        for key in _COMMON:
            if not item.get(key):
                raise ExerciseError(f"{where}: field '{key}' is missing")
        if item["rule"] not in RULES:
            raise ExerciseError(f"{where}: rule '{item['rule']}' is unknown; use one of {', '.join(RULES)}")
        for key in RULES[item["rule"]][0]:
            if item.get(key) in (None, "", []):
                raise ExerciseError(f"{where}: rule '{item['rule']}' needs the field '{key}'")
        if item["id"] in specs:
            raise ExerciseError(f"{where}: the id is used twice")
        try:
            specs[item["id"]] = RULES[item["rule"]][1](content, item)
        except ExerciseError as exc:
            raise ExerciseError(f"{where}: {exc}") from None
        except (KeyError, ValueError, FileNotFoundError) as exc:
            raise ExerciseError(f"{where}: {exc}") from None
    return specs


def from_data(name: str, check_id: str, content: Content | None = None, **kwargs: Any) -> Check:
    """The widget of one computed check, e.g. ``from_data("05-checks", "box1-years")``."""
    specs = load_specs(name, content)
    if check_id not in specs:
        raise ExerciseError(f"exercises/computed/{name}.yaml: no check with id '{check_id}'; it has {', '.join(specs)}")
    return build(specs[check_id], **kwargs)

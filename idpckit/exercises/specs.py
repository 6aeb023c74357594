"""The one shape of an exercise, as pydantic models, and the reading of exercise files.

Every file ``data/exercises/NN-name.yaml`` (NN: the lesson) is a list of
exercises.  Each exercise has an ``id``, a ``kind`` (what the trainee does:
``choice``, ``sort``, ``match``, ``reflection`` or ``plan``), a ``title``, a
``prompt`` and optionally a ``hint``, a ``source`` and an ``explanation``.
Then, either

* the answers, written out in the file (a choice's ``options``, a sort's
  ``bins`` and ``items``, a match's ``pairs``...), or
* ``computed:``, a rule and its settings, when the answer is a fact the kit
  already holds (``computed: {rule: silent_in, document: md2019}``); the rule
  engine (:mod:`idpckit.exercises.rules`) turns the entry into the same
  written-out spec every time the exercise is loaded, so a correction to
  ``references.csv`` changes the answer without anyone editing the exercise.

Validation errors name the file, the exercise (number and id) and the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Discriminator, Field, StringConstraints, Tag, model_validator

from ..errors import FileProblems, Problem
from ..i18n import _
from ..schema import OptionalText, Record, Slug, Text

#: The kinds of exercise, in the words used in error messages.
KINDS = ("choice", "sort", "match", "reflection", "plan")


class ExerciseError(FileProblems):
    """An exercise file is missing or wrong; each problem names the file, the exercise and the field."""

    def __init__(self, problems: str | Sequence[Problem]) -> None:
        super().__init__([Problem("", "", "", problems)] if isinstance(problems, str) else problems)


class SpecError(ValueError):
    """A spec's parts that do not fit together, and the field to fix (``items.2.bin``: items counted from 1).

    Raised in the models' validators; pydantic keeps it in the error's context, and the
    loader (:mod:`idpckit.exercises.loading`) adds ``field`` to the place it reports.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _quoted(texts: Iterable[str]) -> str:
    """Texts a trainer wrote, each in quotes, for a message: 'Win', 'Loss'."""
    return ", ".join(f"'{t}'" for t in texts)


def duplicates(values: Iterable[str]) -> list[str]:
    """Values that appear more than once, sorted."""
    seen: set[str] = set()
    return sorted({v for v in values if v in seen or seen.add(v)})  # type: ignore[func-returns-value]


class Base(Record):
    """Fields every exercise has.  ``source`` attributes any quotation in it."""

    id: Slug
    title: Text
    prompt: Text
    hint: OptionalText = ""
    source: OptionalText = ""
    explanation: OptionalText = ""  # shown with the solution
    #: A few lines of pandas that find the same answer (computed exercises of lesson 4 carry one).
    code: OptionalText = ""


class Option(Record):
    """One option of a choice.  ``accepted``: not the reference answer, but close enough to pass;
    its ``why`` says why the reference answer is preferred."""

    text: Text
    correct: bool = False
    accepted: bool = False
    why: OptionalText = ""
    #: A stable key for the option (a commitment id); rules set it, written exercises need not.
    value: OptionalText = ""


class ChoiceSpec(Base):
    """A multiple-choice question; ``multiple: true`` lets trainees tick several options."""

    kind: Literal["choice"]
    multiple: bool = False
    options: list[Option] = Field(min_length=2)

    @model_validator(mode="after")
    def _consistent(self) -> ChoiceSpec:
        if dup := duplicates(o.text for o in self.options):
            raise SpecError("options", _("options appear twice: {texts}").format(texts=_quoted(dup)))
        n = sum(o.correct for o in self.options)
        if not self.multiple and n != 1:
            raise SpecError(
                "options",
                _("a single-answer question needs exactly one option with 'correct: true' (found {n})").format(n=n),
            )
        if self.multiple and n < 1:
            raise SpecError("options", _("needs at least one option with 'correct: true'"))
        if self.multiple and any(o.accepted for o in self.options):
            raise SpecError("options", _("'accepted: true' is for single-answer questions only"))
        if any(o.accepted and o.correct for o in self.options):
            raise SpecError("options", _("an option is either 'correct' or 'accepted', not both"))
        return self

    def solution(self) -> str | set[str]:
        right = {o.text for o in self.options if o.correct}
        return right if self.multiple else right.pop()


class SortItem(Record):
    text: Text
    bin: Text
    why: OptionalText = ""


class SortSpec(Base):
    """Put each statement into one of a few bins (e.g. "Win" / "Challenge")."""

    kind: Literal["sort"]
    bins: list[Text] = Field(min_length=2)
    #: What the trainee chooses for each statement, as its drop-down is labelled ("Group for statement 1").
    bin_label: Text = "Group"
    items: list[SortItem] = Field(min_length=2)

    @model_validator(mode="after")
    def _consistent(self) -> SortSpec:
        if dup := duplicates(self.bins):
            raise SpecError("bins", _("bins appear twice: {texts}").format(texts=_quoted(dup)))
        if dup := duplicates(i.text for i in self.items):
            raise SpecError("items", _("statements appear twice: {texts}").format(texts=_quoted(dup)))
        for n, item in enumerate(self.items, start=1):
            if item.bin not in self.bins:
                raise SpecError(
                    f"items.{n}.bin",
                    _("statement {n}: bin '{bin}' is not one of the bins ({bins})").format(
                        n=n, bin=item.bin, bins=", ".join(self.bins)
                    ),
                )
        return self

    def solution(self) -> dict[str, str]:
        return {i.text: i.bin for i in self.items}


class Pair(Record):
    left: Text
    right: Text
    why: OptionalText = ""


class MatchSpec(Base):
    """Match each left-hand item (a year, a quote) to one right-hand item (a theme, a document).

    ``distractors`` are extra right-hand choices that match nothing.
    """

    kind: Literal["match"]
    left_label: Text = "Item"
    right_label: Text = "Match"
    pairs: list[Pair] = Field(min_length=2)
    distractors: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> MatchSpec:
        if dup := duplicates(p.left for p in self.pairs):
            raise SpecError("pairs", _("left-hand items appear twice: {texts}").format(texts=_quoted(dup)))
        if clash := sorted(set(self.distractors) & {p.right for p in self.pairs}):
            raise SpecError(
                "distractors", _("distractors must not also be right answers: {texts}").format(texts=_quoted(clash))
            )
        return self

    def choices(self) -> list[str]:
        """Right-hand choices, sorted so their order gives nothing away."""
        return sorted({p.right for p in self.pairs} | set(self.distractors), key=str.casefold)

    def solution(self) -> dict[str, str]:
        return {p.left: p.right for p in self.pairs}


class ReflectionSpec(Base):
    """A free-text reflection: nothing is judged right or wrong, nothing is stored on the server."""

    kind: Literal["reflection"]
    min_words: int = Field(default=15, ge=0, le=1000)
    points: list[Text] = Field(default_factory=list)  # what a good answer might cover, revealed with the solution
    filename: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]+\.(txt|md)$")] = ""

    def solution(self) -> str:
        """A text long enough to count as done (a reflection has no right answer)."""
        return " ".join(["word"] * max(self.min_words, 1))

    @property
    def download_name(self) -> str:
        return self.filename or f"{self.id}.txt"

    def document(self, answer: str, written_on: date) -> bytes:
        """The text file the trainee takes home: the question, the date and their answer."""
        lines = [self.title, "", self.prompt, "", f"Written on {written_on.isoformat()}", "", answer.strip(), ""]
        return "\n".join(lines).encode("utf-8")


class Moment(Record):
    """A recurring opening in the year: when one venue of ``avenues.yaml`` offers a chance to act."""

    id: Slug
    avenue: Slug
    months: list[Annotated[int, Field(ge=1, le=12, strict=True)]] = Field(min_length=1)
    title: Text
    advice: OptionalText = ""


class PlanSpec(Base):
    """The 12-month advocacy plan: no single right answer; its ``calendar`` drives the suggestions."""

    kind: Literal["plan"]
    calendar: list[Moment] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> PlanSpec:
        if dup := duplicates(m.id for m in self.calendar):
            raise SpecError("calendar", _("calendar ids appear twice: {texts}").format(texts=_quoted(dup)))
        return self


#: A written-out exercise: what grading, the widgets and the solution sheet take.
Spec = ChoiceSpec | SortSpec | MatchSpec | ReflectionSpec | PlanSpec


class ComputedEntry(Base):
    """An exercise whose answers a rule computes from the content (``computed: {rule: ...}``)."""

    kind: Literal["choice", "sort", "match"]
    computed: Any  # a rule of idpckit.exercises.rules (validated there, to keep this module free of content)

    makes: ClassVar[str] = ""


def _tag(value: Any) -> str | None:
    if isinstance(value, dict):
        if "computed" in value:
            return "computed"
        return value.get("kind") if isinstance(value.get("kind"), str) else None
    return getattr(value, "kind", None)


def entry_type(computed: Any) -> Any:
    """The union of every entry shape, given the type that validates ``computed:`` (the rules)."""

    class Computed(ComputedEntry):
        computed: computed  # type: ignore[valid-type]

        @model_validator(mode="after")
        def _kind_fits_rule(self) -> Computed:
            makes = type(self.computed).makes
            if self.kind != makes:
                raise SpecError(
                    "kind",
                    _("rule '{rule}' makes a {kind} exercise; write 'kind: {kind}'").format(
                        rule=self.computed.rule, kind=makes
                    ),
                )
            return self

    Computed.__name__ = "ComputedEntry"
    return Annotated[
        Annotated[ChoiceSpec, Tag("choice")]
        | Annotated[SortSpec, Tag("sort")]
        | Annotated[MatchSpec, Tag("match")]
        | Annotated[ReflectionSpec, Tag("reflection")]
        | Annotated[PlanSpec, Tag("plan")]
        | Annotated[Computed, Tag("computed")],
        Discriminator(_tag),
    ]

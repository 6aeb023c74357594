"""Knowledge checks for the lessons: multiple choice, sorting, matching, reflection.

Every check is two things kept apart on purpose:

* a **pure** ``check(answer) -> Feedback`` that knows the right answer (from the
  exercise data) and says in words what is right and what is not.  Tests call it
  with right and wrong answers; no widget, kernel or browser is involved;
* a root widget (``.widget``) that collects the answer, calls ``check`` when the
  trainee presses "Check", and shows the feedback at once (words and a symbol,
  never colour alone), with "Try again" and a "Show solution" toggle for trainers.

Question content is data, not code: each lesson's exercises live in
``data/exercises/<lesson>.yaml`` and are validated on load (:func:`load_exercises`),
so a trainer can reword a question or add a statement without touching Python,
and a mistake in the file is reported with the file, the item and the field.

Inputs are chosen to work in Voilà and on a phone: one Dropdown per statement
(not drag and drop), and check boxes/radio buttons whose labels wrap (ipywidgets
truncates long labels by default; a small stylesheet scoped to ``.idpckit-check``
fixes that).

Example::

    >>> from idpckit.widgets import checks
    >>> ex = checks.from_data("02-four-asks", "wins-and-challenges")
    >>> ex.check(ex.spec.solution()).correct
    True
    >>> ex.widget  # doctest: +SKIP   (the last line of a notebook cell)
"""

from __future__ import annotations

import html
import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import ipywidgets as w
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError, model_validator

from ._base import download_link

log = logging.getLogger(__name__)

RIGHT = "✔"
WRONG = "✖"
OPEN = "○"  # not answered yet

# --------------------------------------------------------------------------- feedback


@dataclass(frozen=True)
class ItemFeedback:
    """The verdict on one part of an answer (one statement, one pair, one option)."""

    item: str
    correct: bool
    given: str | None  # None: not answered
    expected: str
    why: str = ""

    @property
    def symbol(self) -> str:
        return RIGHT if self.correct else (OPEN if self.given is None else WRONG)

    @property
    def verdict(self) -> str:
        """Words for the mark, so the symbol never carries the meaning alone."""
        if self.correct:
            return "right"
        return "not answered yet" if self.given is None else "not right"


@dataclass(frozen=True)
class Feedback:
    """What ``check`` returns: an overall verdict, a message in words and per-item details."""

    correct: bool
    message: str
    details: tuple[ItemFeedback, ...] = field(default_factory=tuple)

    @property
    def score(self) -> int:
        return sum(d.correct for d in self.details)

    @property
    def total(self) -> int:
        return len(self.details)

    @property
    def wrong(self) -> list[ItemFeedback]:
        """Items answered wrongly (unanswered ones are not wrong, just open)."""
        return [d for d in self.details if not d.correct and d.given is not None]

    @property
    def only_missing(self) -> bool:
        """Nothing wrong yet, some items still open: the trainee keeps going without "Try again"."""
        return not self.correct and not self.wrong


def _summary(details: list[ItemFeedback], noun: str, all_right: str) -> Feedback:
    """The usual message: all right, or how many are right, wrong and still open."""
    right = sum(d.correct for d in details)
    missing = sum(d.given is None for d in details)
    wrong = len(details) - right - missing
    if right == len(details):
        return Feedback(True, f"{RIGHT} Correct: {all_right}", tuple(details))
    if not wrong:
        return Feedback(
            False,
            f"{OPEN} So far so good: {right} of {len(details)} {noun} right, "
            f"{missing} not answered yet (marked {OPEN}). Answer them all, then check again.",
            tuple(details),
        )
    parts = [f"{right} of {len(details)} {noun} right"]
    if wrong:
        parts.append(f"{wrong} not right (marked {WRONG})")
    if missing:
        parts.append(f"{missing} not answered yet (marked {OPEN})")
    return Feedback(
        False, f"{WRONG} Not yet: " + ", ".join(parts) + ". Press “Try again” to change them.", tuple(details)
    )


# --------------------------------------------------------------------------- exercise data

_SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)]


def _duplicates(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({v for v in values if v in seen or seen.add(v)})  # type: ignore[func-returns-value]


class _Spec(BaseModel):
    """Fields every exercise has.  ``source`` attributes any quotation in it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, StringConstraints(pattern=_SLUG)]
    title: Text
    prompt: Text
    source: OptionalText = ""
    explanation: OptionalText = ""  # shown with the solution


class Option(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    text: Text
    correct: bool = False
    why: OptionalText = ""


class ChoiceSpec(_Spec):
    """A multiple-choice question; ``multiple: true`` lets trainees tick several options."""

    kind: Literal["choice"]
    multiple: bool = False
    options: list[Option] = Field(min_length=2)

    @model_validator(mode="after")
    def _consistent(self) -> ChoiceSpec:
        if dup := _duplicates(o.text for o in self.options):
            raise ValueError(f"options appear twice: {dup}")
        n = sum(o.correct for o in self.options)
        if not self.multiple and n != 1:
            raise ValueError(f"a single-answer question needs exactly one option with 'correct: true' (found {n})")
        if self.multiple and n < 1:
            raise ValueError("needs at least one option with 'correct: true'")
        return self

    def solution(self) -> str | set[str]:
        right = {o.text for o in self.options if o.correct}
        return right if self.multiple else right.pop()


class SortItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    text: Text
    bin: Text
    why: OptionalText = ""


class SortSpec(_Spec):
    """Put each statement into one of a few bins (e.g. "Win" / "Challenge")."""

    kind: Literal["sort"]
    bins: list[Text] = Field(min_length=2)
    items: list[SortItem] = Field(min_length=2)

    @model_validator(mode="after")
    def _consistent(self) -> SortSpec:
        if dup := _duplicates(self.bins):
            raise ValueError(f"bins appear twice: {dup}")
        if dup := _duplicates(i.text for i in self.items):
            raise ValueError(f"statements appear twice: {dup}")
        for n, item in enumerate(self.items, start=1):
            if item.bin not in self.bins:
                raise ValueError(f"statement {n}: bin '{item.bin}' is not one of the bins ({', '.join(self.bins)})")
        return self

    def solution(self) -> dict[str, str]:
        return {i.text: i.bin for i in self.items}


class Pair(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    left: Text
    right: Text
    why: OptionalText = ""


class MatchSpec(_Spec):
    """Match each left-hand item (a year, a quote) to one right-hand item (a theme, a document).

    ``distractors`` are extra right-hand choices that match nothing.
    """

    kind: Literal["match"]
    left_label: Text = "Item"
    right_label: Text = "Match"
    pairs: list[Pair] = Field(min_length=2)
    distractors: list[Text] = []

    @model_validator(mode="after")
    def _consistent(self) -> MatchSpec:
        if dup := _duplicates(p.left for p in self.pairs):
            raise ValueError(f"left-hand items appear twice: {dup}")
        if clash := sorted(set(self.distractors) & {p.right for p in self.pairs}):
            raise ValueError(f"distractors must not also be right answers: {clash}")
        return self

    def choices(self) -> list[str]:
        """Right-hand choices, sorted so their order gives nothing away."""
        return sorted({p.right for p in self.pairs} | set(self.distractors), key=str.casefold)

    def solution(self) -> dict[str, str]:
        return {p.left: p.right for p in self.pairs}


class ReflectionSpec(_Spec):
    """A free-text reflection: nothing is judged right or wrong, nothing is stored on the server."""

    kind: Literal["reflection"]
    min_words: int = Field(default=15, ge=0, le=1000)
    points: list[Text] = []  # what a good answer might cover, revealed with the solution
    filename: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]+\.(txt|md)$")] = ""


Spec = Annotated[ChoiceSpec | SortSpec | MatchSpec | ReflectionSpec, Field(discriminator="kind")]
_SPECS = TypeAdapter(list[Spec])


class ExerciseError(ValueError):
    """An exercise file is missing or wrong; the message names the file, the item and the field."""


def exercises_dir(root: str | os.PathLike[str] | None = None) -> Path:
    """``data/exercises`` of the content folder in use (see :func:`idpckit.data.data_dir`)."""
    from idpckit import data

    return data.data_dir(root) / "exercises"


def _path(name: str, root: str | os.PathLike[str] | None) -> Path:
    p = Path(name)
    if p.suffix in (".yaml", ".yml") and (p.is_absolute() or p.parent != Path(".")):
        return p
    return exercises_dir(root) / (p.name if p.suffix else f"{p.name}.yaml")


def _where(items: list[Any], loc: tuple[Any, ...]) -> tuple[str, str]:
    """(item label, field path) for a pydantic error location inside a list of exercises."""
    if not loc or not isinstance(loc[0], int):
        return "", ".".join(map(str, loc))
    i, rest = loc[0], list(loc[1:])
    raw = items[i] if i < len(items) else None
    label = f"item {i + 1}" + (f" (id '{raw.get('id')}')" if isinstance(raw, dict) and raw.get("id") else "")
    if rest and rest[0] in ("choice", "sort", "match", "reflection"):
        rest = rest[1:]  # the discriminator tag pydantic puts in the path
    return label, ".".join(str(p + 1) if isinstance(p, int) else str(p) for p in rest)


def load_exercises(name: str, root: str | os.PathLike[str] | None = None) -> dict[str, Spec]:
    """The exercises of one file, by id, e.g. ``load_exercises("02-four-asks")``.

    ``name`` is a file stem in ``data/exercises`` or a path to a YAML file.
    Raises :class:`ExerciseError` listing every problem, each with the file,
    the item (number and id) and the field.
    """
    import yaml

    path = _path(name, root)
    shown = f"exercises/{path.name}"
    if not path.is_file():
        raise ExerciseError(f"{shown}: the file is missing (looked in {path.parent})")
    try:
        items = yaml.safe_load(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ExerciseError(f"{shown}: is not UTF-8 text; save it again as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise ExerciseError(f"{shown}{where}: is not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(items, list) or not items:
        raise ExerciseError(f"{shown}: must be a list of exercises, each starting with '- id: ...'")
    try:
        specs = _SPECS.validate_python(items)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            item, fld = _where(items, tuple(err["loc"]))
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                msg = "is missing"
            elif err["type"] == "extra_forbidden":
                msg = "is not a known field; check its spelling"
            elif err["type"] == "union_tag_invalid":
                tag = err.get("ctx", {}).get("tag", "")
                msg = f"'{tag}' is not a kind of exercise; use choice, sort, match or reflection"
            elif err["type"] == "union_tag_not_found":
                msg = "needs a 'kind': choice, sort, match or reflection"
            where = ", ".join(p for p in (shown, item, f"field '{fld}'" if fld else "") if p)
            problems.append(f"{where}: {msg}")
        raise ExerciseError("\n".join(problems)) from None
    if dup := _duplicates(s.id for s in specs):
        raise ExerciseError(f"{shown}: exercise ids must be unique within a file; repeated: {', '.join(dup)}")
    return {s.id: s for s in specs}


def check_files(root: str | os.PathLike[str] | None = None) -> list[Path]:
    """The knowledge-check files in ``data/exercises``: those whose top level is a list.

    Other exercise widgets keep their own formats in the same folder (a file
    whose top level is a mapping, e.g. ``questions:``) and validate them with
    their own loaders; a file that is not even valid YAML is reported here.
    """
    import yaml

    found = []
    for path in sorted(exercises_dir(root).glob("*.yaml")):
        try:
            top = yaml.safe_load(path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, yaml.YAMLError):
            top = []  # let load_exercises report it
        if not isinstance(top, dict):
            found.append(path)
    return found


def validate_exercises(root: str | os.PathLike[str] | None = None) -> list[str]:
    """Every problem in every knowledge-check file (empty when all are valid)."""
    problems: list[str] = []
    for path in check_files(root):
        try:
            load_exercises(str(path))
        except ExerciseError as exc:
            problems.extend(str(exc).splitlines())
    return problems


# --------------------------------------------------------------------------- widgets

#: ipywidgets truncates long labels of radio buttons, check boxes and dropdowns; let them wrap.
_STYLE = """<style>
.idpckit-check .widget-radio-box label, .idpckit-check .jupyter-widget-radio-box label {
  display: flex !important; flex-direction: row-reverse; justify-content: flex-end; align-items: flex-start;
  height: auto !important; line-height: 1.4 !important; white-space: normal !important; margin-bottom: 0.45em;}
.idpckit-check .widget-radio-box input, .idpckit-check .jupyter-widget-radio-box input {
  float: none !important; flex: none; height: auto !important; line-height: 1.4 !important;
  margin: 0.2em 0.6em 0 1px !important;}
.idpckit-check .widget-checkbox, .idpckit-check .jupyter-widget-checkbox {height: auto !important; width: 100% !important;}
.idpckit-check .widget-checkbox label, .idpckit-check .jupyter-widget-checkbox label {
  display: flex !important; align-items: flex-start; height: auto !important; line-height: 1.4 !important;
  white-space: normal !important; width: auto !important; overflow: visible !important; margin-bottom: 0.3em;}
.idpckit-check .widget-checkbox input, .idpckit-check .jupyter-widget-checkbox input {flex: none; margin-top: 0.2em;}
.idpckit-check .widget-checkbox .widget-label-basic, .idpckit-check .jupyter-widget-checkbox .widget-label-basic,
.idpckit-check .widget-checkbox .jupyter-widget-label-basic {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;}
.idpckit-check .idpckit-item {border-top: 1px solid #ddd; padding-top: 0.3em;}
.idpckit-feedback p {margin: 0.3em 0;}
</style>"""

_CHOOSE = "— choose —"
#: The placeholder's value.  Not None: a Dropdown whose value is None shows an empty box, not the label.
_UNSET = ""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _note(text: str, kind: str = "") -> str:
    return f'<div class="idpckit-feedback {kind}" role="status" aria-live="polite">{text}</div>'


class Check:
    """Common frame of every knowledge check: title, prompt, inputs, buttons, feedback, solution.

    Subclasses build ``self.inputs`` (a list of widgets), implement ``answer()``
    (read the widgets), ``check(answer)`` (pure), ``solution_html()`` and
    ``_mark(feedback)`` / ``_reset(feedback)`` (show and clear per-item marks).
    """

    kind: ClassVar[str] = ""
    check_label: ClassVar[str] = "Check my answer"

    def __init__(self, spec: Any, *, show_solution: bool = True) -> None:
        self.spec = spec
        self.result: Feedback | None = None
        self.title = w.HTML(f"<h4>{_esc(spec.title)}</h4>")
        self.prompt = w.HTML(f"<p>{_esc(spec.prompt)}</p>")
        self.submit = w.Button(
            description=self.check_label,
            button_style="primary",
            icon="check",
            tooltip="See what is right",
            layout=w.Layout(width="auto"),
        )
        self.retry = w.Button(
            description="Try again",
            icon="undo",
            tooltip="Clear the wrong answers and try again",
            disabled=True,
            layout=w.Layout(width="auto"),
        )
        self.solution_toggle = w.ToggleButton(
            value=False,
            description="Show solution",
            icon="eye",
            tooltip="For trainers: reveal the answers",
            layout=w.Layout(width="auto"),
        )
        self.feedback = w.HTML(_note(""))
        self.solution = w.HTML("", layout=w.Layout(display="none"))
        self.submit.on_click(self._safe(self._on_submit))
        self.retry.on_click(self._safe(self._on_retry))
        self.solution_toggle.observe(self._safe(self._on_toggle), names="value")
        buttons = [self.submit, self.retry] + ([self.solution_toggle] if show_solution else [])
        source = [w.HTML(f'<p style="font-size:90%">Source: {_esc(spec.source)}</p>')] if spec.source else []
        self.widget = w.VBox(
            [
                w.HTML(_STYLE),
                self.title,
                self.prompt,
                *self._build(),
                w.HBox(buttons, layout=w.Layout(flex_flow="row wrap")),
                self.feedback,
                self.solution,
                *source,
            ]
        )
        self.widget.add_class("idpckit-check")

    # -- to implement
    def _build(self) -> list[w.Widget]:
        raise NotImplementedError

    def answer(self) -> Any:
        raise NotImplementedError

    def check(self, answer: Any) -> Feedback:
        raise NotImplementedError

    def solution_html(self) -> str:
        raise NotImplementedError

    def _mark(self, feedback: Feedback) -> None:
        """Show per-item marks after a check (optional)."""

    def _reset(self, feedback: Feedback | None) -> None:
        """Clear the wrong answers before another try (optional)."""

    def _lock(self, locked: bool) -> None:
        """Disable inputs while feedback is shown, so marks always describe what is on screen."""

    # -- behaviour
    def _safe(self, fn: Callable[..., None]) -> Callable[..., None]:
        """Voilà hides tracebacks: turn any error in a callback into a message in the page."""

        def run(*args: Any) -> None:
            try:
                fn(*args)
            except Exception as exc:  # shown to the user, logged for the trainer
                log.exception("knowledge check %s failed", getattr(self.spec, "id", "?"))
                self.feedback.value = _note(
                    f"<p>{WRONG} Sorry, something went wrong while handling your answer "
                    f"({_esc(type(exc).__name__)}: {_esc(str(exc))}). Please tell your trainer.</p>",
                    "error",
                )

        return run

    def _on_submit(self, _button: Any = None) -> None:
        fb = self.check(self.answer())
        self.result = fb
        self.feedback.value = _note(self.feedback_html(fb), "right" if fb.correct else "wrong")
        self._mark(fb)
        if fb.only_missing:
            return  # nothing to undo: let the trainee answer the rest and check again
        self._lock(True)
        self.submit.disabled = True
        self.retry.disabled = fb.correct

    def _on_retry(self, _button: Any = None) -> None:
        self._reset(self.result)
        self.result = None
        self.feedback.value = _note("")
        self._lock(False)
        self.submit.disabled = False
        self.retry.disabled = True

    def _on_toggle(self, change: Mapping[str, Any]) -> None:
        shown = bool(change["new"])
        if shown and not self.solution.value:
            self.solution.value = self.solution_html()
        self.solution.layout.display = "" if shown else "none"
        self.solution_toggle.description = "Hide solution" if shown else "Show solution"

    def feedback_html(self, fb: Feedback) -> str:
        return f"<p><b>{_esc(fb.message)}</b></p>"

    def _explanation(self) -> str:
        return f"<p>{_esc(self.spec.explanation)}</p>" if self.spec.explanation else ""


def _mark_html(d: ItemFeedback | None) -> str:
    if d is None:
        return ""
    return f'<span aria-label="{_esc(d.verdict)}"><b>{d.symbol} {_esc(d.verdict)}</b></span>'


class MultipleChoice(Check):
    """One question, several options; single answer (radio buttons) or several (check boxes).

    ``check`` takes the text of the chosen option (single) or an iterable of
    texts (multiple).
    """

    kind = "choice"

    def _build(self) -> list[w.Widget]:
        texts = [o.text for o in self.spec.options]
        if self.spec.multiple:
            self.boxes = [w.Checkbox(value=False, description=t, indent=False) for t in texts]
            self.radio = None
            hint = w.HTML("<p><i>Tick every option that applies.</i></p>")
            return [hint, *self.boxes]
        self.boxes = []
        self.radio = w.RadioButtons(options=texts, value=None, description="", layout=w.Layout(width="auto"))
        return [w.HTML("<p><i>Choose one option.</i></p>"), self.radio]

    def answer(self) -> str | set[str] | None:
        if self.radio is not None:
            return self.radio.value
        return {b.description for b in self.boxes if b.value}

    def check(self, answer: str | Iterable[str] | None) -> Feedback:
        options = self.spec.options
        if not self.spec.multiple:
            if answer is not None and not isinstance(answer, str):
                raise TypeError("a single-answer question takes the text of one option")
            known = {o.text for o in options}
            if answer is not None and answer not in known:
                raise ValueError(f"'{answer}' is not one of the options")
            right = next(o for o in options if o.correct)
            if answer is None:
                return Feedback(False, f"{OPEN} Choose an option first, then press “Check my answer”.")
            chosen = next(o for o in options if o.text == answer)
            detail = ItemFeedback(answer, chosen.correct, answer, right.text, chosen.why)
            if chosen.correct:
                return Feedback(True, f"{RIGHT} Correct. {chosen.why}".strip(), (detail,))
            return Feedback(False, f"{WRONG} Not quite. {chosen.why}".strip() + " Try again.", (detail,))
        picked = {answer} if isinstance(answer, str) else set(answer or ())
        unknown = picked - {o.text for o in options}
        if unknown:
            raise ValueError(f"not among the options: {sorted(unknown)}")
        details = [
            ItemFeedback(
                o.text,
                (o.text in picked) == o.correct,
                "ticked" if o.text in picked else "not ticked",
                "ticked" if o.correct else "not ticked",
                o.why,
            )
            for o in options
        ]
        n_right = sum(o.correct for o in options)
        hits = sum(o.correct and o.text in picked for o in options)
        false = sum(not o.correct and o.text in picked for o in options)
        if hits == n_right and not false:
            found = "the right option" if n_right == 1 else f"all {n_right} right options"
            return Feedback(True, f"{RIGHT} Correct: you found {found}.", tuple(details))
        if not picked:
            return Feedback(False, f"{OPEN} Tick at least one option first.")
        msg = f"{WRONG} Not yet: you ticked {hits} of the {n_right} right options"
        msg += f" and {false} that {'does' if false == 1 else 'do'} not apply." if false else "."
        return Feedback(False, msg + " Try again.", tuple(details))

    def _lock(self, locked: bool) -> None:
        for b in self.boxes:
            b.disabled = locked
        if self.radio is not None:
            self.radio.disabled = locked

    def _reset(self, feedback: Feedback | None) -> None:
        if self.radio is not None:
            if feedback is not None and not feedback.correct:
                self.radio.value = None
            return
        for b in self.boxes:  # keep only the ticks that were right
            opt = next(o for o in self.spec.options if o.text == b.description)
            if b.value and not opt.correct:
                b.value = False

    def solution_html(self) -> str:
        rows = "".join(
            f"<li>{RIGHT if o.correct else WRONG} <b>{'Right' if o.correct else 'Does not apply'}:</b> {_esc(o.text)}"
            + (f" — {_esc(o.why)}" if o.why else "")
            + "</li>"
            for o in self.spec.options
        )
        return f"<h5>Solution</h5><ul>{rows}</ul>{self._explanation()}"


class _PerItem(Check):
    """A check made of rows: text, a Dropdown, and a mark that appears after checking."""

    noun = "items"
    all_right = "everything is in the right place."

    def _row(self, label_html: str, dropdown: w.Dropdown) -> tuple[w.Widget, w.HTML]:
        mark = w.HTML("")
        # A mark describes the answer it was given for; changing the answer removes it.
        dropdown.observe(lambda _change: setattr(mark, "value", ""), names="value")
        row = w.VBox([w.HTML(label_html), w.HBox([dropdown, mark], layout=w.Layout(flex_flow="row wrap"))])
        row.add_class("idpckit-item")
        return row, mark

    def _keys(self) -> list[str]:
        raise NotImplementedError

    def _expected(self) -> dict[str, str]:
        raise NotImplementedError

    def _whys(self) -> dict[str, str]:
        raise NotImplementedError

    def answer(self) -> dict[str, str | None]:
        return {k: d.value or None for k, d in zip(self._keys(), self.dropdowns, strict=True)}

    def check(self, answer: Mapping[str, str | None]) -> Feedback:
        expected, whys = self._expected(), self._whys()
        unknown = set(answer) - set(expected)
        if unknown:
            raise ValueError(f"not part of this exercise: {sorted(unknown)}")
        details = []
        for key, right in expected.items():
            given = answer.get(key) or None
            details.append(ItemFeedback(key, given == right, given, right, whys.get(key, "")))
        return _summary(details, self.noun, self.all_right)

    def _mark(self, feedback: Feedback) -> None:
        by_key = {d.item: d for d in feedback.details}
        for key, mark in zip(self._keys(), self.marks, strict=True):
            mark.value = _mark_html(by_key.get(key))

    def _reset(self, feedback: Feedback | None) -> None:
        wrong = {d.item for d in feedback.wrong} if feedback else set(self._keys())
        for key, dd, mark in zip(self._keys(), self.dropdowns, self.marks, strict=True):
            mark.value = ""
            if key in wrong:
                dd.value = _UNSET

    def _lock(self, locked: bool) -> None:
        for dd in self.dropdowns:
            dd.disabled = locked


class SortIntoBins(_PerItem):
    """Sort statements into bins, one Dropdown per statement (works in Voilà and on phones).

    ``check`` takes ``{statement text: bin}``; missing statements count as not answered.
    """

    kind = "sort"
    noun = "statements"
    all_right = "every statement is in the right group."

    def _build(self) -> list[w.Widget]:
        self.dropdowns, self.marks, rows = [], [], []
        options = [(_CHOOSE, _UNSET)] + [(b, b) for b in self.spec.bins]
        for n, item in enumerate(self.spec.items, start=1):
            dd = w.Dropdown(
                options=options, value=_UNSET, description=f"Statement {n} is a", style={"description_width": "initial"}
            )
            row, mark = self._row(f"<p><b>{n}.</b> {_esc(item.text)}</p>", dd)
            self.dropdowns.append(dd)
            self.marks.append(mark)
            rows.append(row)
        return rows

    def _keys(self) -> list[str]:
        return [i.text for i in self.spec.items]

    def _expected(self) -> dict[str, str]:
        return self.spec.solution()

    def _whys(self) -> dict[str, str]:
        return {i.text: i.why for i in self.spec.items}

    def solution_html(self) -> str:
        parts = []
        for b in self.spec.bins:
            items = "".join(
                f"<li>{_esc(i.text)}" + (f" <i>— {_esc(i.why)}</i>" if i.why else "") + "</li>"
                for i in self.spec.items
                if i.bin == b
            )
            parts.append(f"<p><b>{_esc(b)}</b></p><ul>{items}</ul>")
        return "<h5>Solution</h5>" + "".join(parts) + self._explanation()


class MatchPairs(_PerItem):
    """Match each left-hand item to a right-hand one (e.g. year -> theme), one Dropdown each.

    ``check`` takes ``{left: right}``.
    """

    kind = "match"
    noun = "matches"
    all_right = "every item is matched correctly."

    def _build(self) -> list[w.Widget]:
        self.dropdowns, self.marks, rows = [], [], []
        options = [(_CHOOSE, _UNSET)] + [(c, c) for c in self.spec.choices()]
        for p in self.spec.pairs:
            dd = w.Dropdown(
                options=options,
                value=_UNSET,
                description=self.spec.right_label,
                style={"description_width": "initial"},
                layout=w.Layout(width="auto", max_width="100%"),
            )
            row, mark = self._row(f"<p><b>{_esc(self.spec.left_label)}:</b> {_esc(p.left)}</p>", dd)
            self.dropdowns.append(dd)
            self.marks.append(mark)
            rows.append(row)
        return rows

    def _keys(self) -> list[str]:
        return [p.left for p in self.spec.pairs]

    def _expected(self) -> dict[str, str]:
        return self.spec.solution()

    def _whys(self) -> dict[str, str]:
        return {p.left: p.why for p in self.spec.pairs}

    def solution_html(self) -> str:
        rows = "".join(
            f"<tr><td>{_esc(p.left)}</td><td>{_esc(p.right)}</td><td>{_esc(p.why)}</td></tr>" for p in self.spec.pairs
        )
        head = f"<tr><th>{_esc(self.spec.left_label)}</th><th>{_esc(self.spec.right_label)}</th><th>Why</th></tr>"
        return f"<h5>Solution</h5><table>{head}{rows}</table>{self._explanation()}"


class FreeTextReflection(Check):
    """A reflection in the trainee's own words, kept only in the page and offered as a download.

    Nothing is stored on the server (a Voilà kernel dies with the page), so
    "Check" only counts words and prepares a text file to download; the
    "solution" is a list of points a good answer might cover.
    """

    kind = "reflection"
    check_label = "Done: prepare my download"

    def __init__(self, spec: ReflectionSpec, *, show_solution: bool = True, today: date | None = None) -> None:
        self.today = today or date.today()
        super().__init__(spec, show_solution=show_solution)
        self.text.observe(self._safe(self._on_type), names="value")

    def _build(self) -> list[w.Widget]:
        self.text = w.Textarea(
            value="",
            placeholder="Write your reflection here…",
            description="Your reflection",
            style={"description_width": "initial"},
            layout=w.Layout(width="100%", height="10em"),
        )
        self.count = w.HTML(self._count_html(""))
        self.download = w.HTML("")
        privacy = w.HTML(
            "<p><i>Your text stays in this page only: it is not saved on the server. Download it to keep it.</i></p>"
        )
        return [privacy, self.text, self.count, self.download]

    @staticmethod
    def words(text: str) -> int:
        return len(re.findall(r"\w+", text))

    def _count_html(self, text: str) -> str:
        n = self.words(text)
        need = self.spec.min_words
        more = f" (at least {need} suggested)" if need and n < need else ""
        return f"<p>{n} word{'s' if n != 1 else ''}{more}</p>"

    def _on_type(self, change: Mapping[str, Any]) -> None:
        self.count.value = self._count_html(change["new"] or "")

    def answer(self) -> str:
        return self.text.value

    def check(self, answer: str) -> Feedback:
        n = self.words(answer or "")
        need = self.spec.min_words
        if n == 0:
            return Feedback(False, f"{OPEN} Write a few sentences first.")
        if n < need:
            return Feedback(
                False, f"{WRONG} Not yet: {n} words so far; write at least {need} to give your thoughts some room."
            )
        return Feedback(
            True,
            f"{RIGHT} Done: {n} words. Nothing is stored on the server, so download your text now to keep it.",
        )

    def document(self, answer: str) -> bytes:
        """The text file the trainee downloads: the question, the date and their answer."""
        lines = [
            self.spec.title,
            "",
            self.spec.prompt,
            "",
            f"Written on {self.today.isoformat()}",
            "",
            answer.strip(),
            "",
        ]
        return "\n".join(lines).encode("utf-8")

    @property
    def filename(self) -> str:
        return self.spec.filename or f"{self.spec.id}.txt"

    def _on_submit(self, _button: Any = None) -> None:
        super()._on_submit(_button)
        if self.result is not None and self.result.correct:
            link = download_link(
                self.document(self.text.value), self.filename, "text/plain;charset=utf-8", f"Download {self.filename}"
            )
            self.download.value = f"<p>⬇ {link}</p>"

    def _lock(self, locked: bool) -> None:
        self.text.disabled = locked

    def _reset(self, feedback: Feedback | None) -> None:
        self.download.value = ""  # keep the text: the trainee goes on writing

    def feedback_html(self, fb: Feedback) -> str:
        return f"<p><b>{_esc(fb.message)}</b></p>"

    def solution_html(self) -> str:
        pts = "".join(f"<li>{_esc(p)}</li>" for p in self.spec.points)
        body = f"<ul>{pts}</ul>" if pts else "<p>There is no single right answer.</p>"
        return f"<h5>Points a good answer might cover</h5>{body}{self._explanation()}"


#: Which widget shows which kind of exercise.
WIDGETS: dict[str, type[Check]] = {
    "choice": MultipleChoice,
    "sort": SortIntoBins,
    "match": MatchPairs,
    "reflection": FreeTextReflection,
}


def build(spec: Any, **kwargs: Any) -> Check:
    """The widget for one exercise spec."""
    return WIDGETS[spec.kind](spec, **kwargs)


def from_data(name: str, exercise_id: str, root: str | os.PathLike[str] | None = None, **kwargs: Any) -> Check:
    """Load exercise ``exercise_id`` from ``data/exercises/<name>.yaml`` and build its widget."""
    specs = load_exercises(name, root)
    if exercise_id not in specs:
        raise ExerciseError(
            f"exercises/{_path(name, root).name}: no exercise with id '{exercise_id}'; the file has: {', '.join(specs)}"
        )
    return build(specs[exercise_id], **kwargs)

"""Knowledge-check widgets for the lessons: multiple choice, sorting, matching, reflection.

The widget only collects the answer, calls :func:`idpckit.exercises.grade` when
the trainee presses "Check", and shows the feedback at once (words and a
symbol, never colour alone), with "Try again" and a "Show solution" toggle for
trainers.  What the exercise is and what counts as right lives in the core
(:mod:`idpckit.exercises`): the spec in ``data/exercises/<lesson>.yaml``,
validated on load, and the grading, which tests call without any widget.

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

import logging
import os
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, ClassVar

import ipywidgets as w
from ipywidgets.widgets.widget_bool import CheckboxStyle  # not exported by ipywidgets 8.1
from ipywidgets.widgets.widget_description import DescriptionStyle

from .. import exercises
from ..exercises.feedback import CLOSE, RIGHT, WRONG, Feedback, ItemFeedback
from ..exercises.grading import words
from ..exercises.specs import ReflectionSpec
from ..i18n import N_, _, colon, ngettext
from ..text import esc
from ._base import download_link, guarded, plain_text, shared, style_widget

log = logging.getLogger(__name__)

_CHOOSE = N_("— choose —")
#: The placeholder's value.  Not None: a Dropdown whose value is None shows an empty box, not the label.
_UNSET = ""


def _wrap() -> w.Layout:
    """A row of controls that wraps on a narrow screen (shared by every check's rows: never changed)."""
    return w.Layout(flex_flow="row wrap")


def _initial_description() -> DescriptionStyle:
    """A control's label as wide as its words (shared by the checks' drop-downs: never changed)."""
    return DescriptionStyle(description_width="initial")


def _note(text: str, kind: str = "") -> str:
    return f'<div class="idpckit-feedback {kind}" role="status" aria-live="polite">{text}</div>'


class Check:
    """Common frame of every knowledge check: title, prompt, inputs, buttons, feedback, solution.

    Subclasses build ``self.inputs`` (a list of widgets), implement ``answer()``
    (read the widgets), ``check(answer)`` (pure), ``solution_html()`` and
    ``_mark(feedback)`` / ``_reset(feedback)`` (show and clear per-item marks).
    """

    kind: ClassVar[str] = ""
    check_label: ClassVar[str] = N_("Check my answer")

    def __init__(self, spec: Any, *, show_solution: bool | None = None) -> None:
        self.spec = spec
        self.result: Feedback | None = None
        # The texts and buttons share the kernel's layouts and styles (none changes): a lesson's page
        # builds every widget's model before it draws, and each check brought about 25 of its own.
        auto, button_style = (
            shared("auto-layout", lambda: w.Layout(width="auto")),
            shared("button-style", w.ButtonStyle),
        )
        self.title = plain_text(f"<h4>{esc(spec.title)}</h4>")
        self.prompt = plain_text(f"<p>{esc(spec.prompt)}</p>")
        self.submit = w.Button(
            description=_(self.check_label),
            button_style="primary",
            icon="check",
            tooltip=_("See what is right"),
            layout=auto,
            style=button_style,
        )
        self.retry = w.Button(
            description=_("Try again"),
            icon="undo",
            tooltip=_("Clear the wrong answers and try again"),
            disabled=True,
            layout=auto,
            style=button_style,
        )
        self.solution_toggle = w.ToggleButton(
            value=False,
            description=_("Show solution"),
            icon="eye",
            tooltip=_("For trainers: reveal the answers"),
            layout=auto,
        )
        self.feedback = plain_text(_note(""))
        self.solution = w.HTML("", layout=w.Layout(display="none"))
        self.submit.on_click(self._safe(self._on_submit))
        self.retry.on_click(self._safe(self._on_retry))
        self.solution_toggle.observe(self._safe(self._on_toggle), names="value")
        if show_solution is None:  # hidden while a trainer runs a workshop (idpckit serve --hide-solutions)
            show_solution = not exercises.solutions_hidden()
        buttons = [self.submit, self.retry] + ([self.solution_toggle] if show_solution else [])
        source_line = _("Source: {source}").format(source=spec.source) if spec.source else ""
        source = [plain_text(f'<p class="idpc-small">{esc(source_line)}</p>')] if spec.source else []
        hint_line = _("Hint: {hint}").format(hint=spec.hint) if spec.hint else ""
        hint = [plain_text(f"<p><i>{esc(hint_line)}</i></p>")] if spec.hint else []
        self.widget = w.VBox(
            [
                style_widget(),
                self.title,
                self.prompt,
                *hint,
                *self._build(),
                w.HBox(buttons, layout=shared("wrap-row", _wrap)),
                self.feedback,
                self.solution,
                *source,
            ]
        )
        self.widget.add_class("idpc-app")
        self.widget.add_class("idpckit-check")

    # -- to implement
    def _build(self) -> list[w.Widget]:
        raise NotImplementedError

    def answer(self) -> Any:
        raise NotImplementedError

    def check(self, answer: Any) -> Feedback:
        """The core's verdict (:func:`idpckit.exercises.grade`); the widget adds nothing to it."""
        return exercises.grade(self.spec, answer)

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
        """Voilà hides tracebacks: any error in a callback becomes a message in the page (the kit's one guard)."""

        def report(message: str) -> None:
            self.feedback.value = _note(f"<p>{WRONG} {esc(message)}</p>", "error")

        return guarded(fn, report, advice=_("Please tell your trainer."))

    def _on_submit(self, _button: Any = None) -> None:
        fb = self.check(self.answer())
        self.result = fb
        self.feedback.value = _note(self.feedback_html(fb), "right" if fb.correct else "wrong")
        self._mark(fb)
        if fb.only_missing:
            return  # nothing to undo: let the trainee answer the rest and check again
        self._lock(True)
        self.submit.disabled = True
        self.retry.disabled = fb.correct and not fb.accepted  # an accepted answer may still try for the reference

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
        self.solution_toggle.description = _("Hide solution") if shown else _("Show solution")

    def feedback_html(self, fb: Feedback) -> str:
        return f"<p><b>{esc(fb.message)}</b></p>"

    def _explanation(self) -> str:
        """The explanation, and the pandas that finds the same answer when the exercise has some."""
        text = f"<p>{esc(self.spec.explanation)}</p>" if self.spec.explanation else ""
        if self.spec.code:
            text += "<p>" + esc(_("The same answer with a few lines of pandas (see the cells above):")) + "</p>"
            text += f"<pre>{esc(self.spec.code)}</pre>"
        return text


def _mark_html(d: ItemFeedback | None) -> str:
    if d is None:
        return ""
    return f'<span aria-label="{esc(d.verdict)}"><b>{d.symbol} {esc(d.verdict)}</b></span>'


class MultipleChoice(Check):
    """One question, several options; single answer (radio buttons) or several (check boxes).

    ``check`` takes the text of the chosen option (single) or an iterable of
    texts (multiple).
    """

    kind = "choice"

    def _build(self) -> list[w.Widget]:
        texts = [o.text for o in self.spec.options]
        if self.spec.multiple:
            box_style, plain = shared("checkbox-style", CheckboxStyle), shared("plain-layout", w.Layout)
            self.boxes = [
                w.Checkbox(value=False, description=t, indent=False, layout=plain, style=box_style) for t in texts
            ]
            self.radio = None
            hint = plain_text("<p><i>" + esc(_("Tick every option that applies.")) + "</i></p>")
            return [hint, *self.boxes]
        self.boxes = []
        self.radio = w.RadioButtons(options=texts, value=None, description="", layout=w.Layout(width="auto"))
        return [plain_text("<p><i>" + esc(_("Choose one option.")) + "</i></p>"), self.radio]

    def answer(self) -> str | set[str] | None:
        if self.radio is not None:
            return self.radio.value
        return {b.description for b in self.boxes if b.value}

    def _lock(self, locked: bool) -> None:
        for b in self.boxes:
            b.disabled = locked
        if self.radio is not None:
            self.radio.disabled = locked

    def _reset(self, feedback: Feedback | None) -> None:
        if self.radio is not None:
            if feedback is not None and (not feedback.correct or feedback.accepted):
                self.radio.value = None
            return
        for b in self.boxes:  # keep only the ticks that were right
            opt = next(o for o in self.spec.options if o.text == b.description)
            if b.value and not opt.correct:
                b.value = False

    def solution_html(self) -> str:
        marks = {
            "right": (RIGHT, _("Right")),
            "accepted": (CLOSE, _("Accepted")),
            "wrong": (WRONG, _("Does not apply")),
        }

        def row(o: Any) -> str:
            symbol, word = marks["right" if o.correct else "accepted" if o.accepted else "wrong"]
            why = f" — {esc(o.why)}" if o.why else ""
            return f"<li>{symbol} <b>{esc(colon(word))}</b> {esc(o.text)}{why}</li>"

        rows = "".join(row(o) for o in self.spec.options)
        heading = esc(_("Solution"))
        return f"<h5>{heading}</h5><ul>{rows}</ul>{self._explanation()}"


class _PerItem(Check):
    """A check made of rows: text, a Dropdown, and a mark that appears after checking."""

    def _row(self, label_html: str, dropdown: w.Dropdown) -> tuple[w.Widget, w.HTML]:
        mark = plain_text("")
        # A mark describes the answer it was given for; changing the answer removes it.
        dropdown.observe(lambda _change: setattr(mark, "value", ""), names="value")
        row = w.VBox([plain_text(label_html), w.HBox([dropdown, mark], layout=shared("wrap-row", _wrap))])
        row.add_class("idpckit-item")
        return row, mark

    def answer(self) -> dict[str, str | None]:
        return {k: d.value or None for k, d in zip(self._keys(), self.dropdowns, strict=True)}

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

    def _build(self) -> list[w.Widget]:
        self.dropdowns, self.marks, rows = [], [], []
        options = [(_(_CHOOSE), _UNSET)] + [(b, b) for b in self.spec.bins]
        for n, item in enumerate(self.spec.items, start=1):
            dd = w.Dropdown(
                options=options,
                value=_UNSET,
                # not "Statement 1 is a Vienna"
                description=_("{label} for statement {n}").format(label=self.spec.bin_label, n=n),
                style=shared("initial-description", _initial_description),
                layout=shared("plain-layout", w.Layout),
            )
            row, mark = self._row(f"<p><b>{n}.</b> {esc(item.text)}</p>", dd)
            self.dropdowns.append(dd)
            self.marks.append(mark)
            rows.append(row)
        return rows

    def _keys(self) -> list[str]:
        return [i.text for i in self.spec.items]

    def solution_html(self) -> str:
        parts = []
        for b in self.spec.bins:
            items = "".join(
                f"<li>{esc(i.text)}" + (f" <i>— {esc(i.why)}</i>" if i.why else "") + "</li>"
                for i in self.spec.items
                if i.bin == b
            )
            parts.append(f"<p><b>{esc(b)}</b></p><ul>{items}</ul>")
        return "<h5>" + esc(_("Solution")) + "</h5>" + "".join(parts) + self._explanation()


class MatchPairs(_PerItem):
    """Match each left-hand item to a right-hand one (e.g. year -> theme), one Dropdown each.

    ``check`` takes ``{left: right}``.
    """

    kind = "match"

    def _build(self) -> list[w.Widget]:
        self.dropdowns, self.marks, rows = [], [], []
        options = [(_(_CHOOSE), _UNSET)] + [(c, c) for c in self.spec.choices()]
        for p in self.spec.pairs:
            dd = w.Dropdown(
                options=options,
                value=_UNSET,
                description=self.spec.right_label,
                style=shared("initial-description", _initial_description),
                layout=shared("auto-full-layout", lambda: w.Layout(width="auto", max_width="100%")),
            )
            row, mark = self._row(f"<p><b>{esc(colon(self.spec.left_label))}</b> {esc(p.left)}</p>", dd)
            self.dropdowns.append(dd)
            self.marks.append(mark)
            rows.append(row)
        return rows

    def _keys(self) -> list[str]:
        return [p.left for p in self.spec.pairs]

    def solution_html(self) -> str:
        rows = "".join(
            f"<tr><td>{esc(p.left)}</td><td>{esc(p.right)}</td><td>{esc(p.why)}</td></tr>" for p in self.spec.pairs
        )
        why = esc(_("Why"))
        head = f"<tr><th>{esc(self.spec.left_label)}</th><th>{esc(self.spec.right_label)}</th><th>{why}</th></tr>"
        return "<h5>" + esc(_("Solution")) + f"</h5><table>{head}{rows}</table>{self._explanation()}"


class FreeTextReflection(Check):
    """A reflection in the trainee's own words, kept only in the page and offered as a download.

    Nothing is stored on the server (a Voilà kernel dies with the page), so
    "Check" only counts words and prepares a text file to download; the
    "solution" is a list of points a good answer might cover.
    """

    kind = "reflection"
    check_label = N_("Done: prepare my download")

    def __init__(self, spec: ReflectionSpec, *, show_solution: bool | None = None, today: date | None = None) -> None:
        self.today = today or date.today()
        super().__init__(spec, show_solution=show_solution)
        self.text.observe(self._safe(self._on_type), names="value")

    def _build(self) -> list[w.Widget]:
        self.text = w.Textarea(
            value="",
            placeholder=_("Write your reflection here…"),
            description=_("Your reflection"),
            style={"description_width": "initial"},
            layout=w.Layout(width="100%", height="10em"),
        )
        self.count = w.HTML(self._count_html(""))
        self.download = w.HTML("")
        privacy = w.HTML(
            "<p><i>"
            + esc(_("Your text stays in this page only: it is not saved on the server. Download it to keep it."))
            + "</i></p>"
        )
        return [privacy, self.text, self.count, self.download]

    def _count_html(self, text: str) -> str:
        n = words(text)
        need = self.spec.min_words
        count = ngettext("{n} word", "{n} words", n).format(n=n)
        if need and n < need:
            count = _("{count} (at least {need} suggested)").format(count=count, need=need)
        return f"<p>{esc(count)}</p>"

    def _on_type(self, change: Mapping[str, Any]) -> None:
        self.count.value = self._count_html(change["new"] or "")
        if self.download.value or self.result is not None:
            # The prepared file (or "not yet: 5 words") no longer matches the text: "Done" again says anew.
            self.download.value = ""
            self.result = None
            self.feedback.value = _note("")

    def answer(self) -> str:
        return self.text.value

    def document(self, answer: str) -> bytes:
        """The text file the trainee downloads: the question, the date and their answer."""
        return self.spec.document(answer, self.today)

    @property
    def filename(self) -> str:
        return self.spec.download_name

    def _on_submit(self, _button: Any = None) -> None:
        super()._on_submit(_button)
        if self.result is None:
            return
        if self.result.correct:
            link = download_link(
                self.document(self.text.value),
                self.filename,
                "text/plain;charset=utf-8",
                _("Download {file}").format(file=self.filename),
            )
            self.download.value = f"<p>⬇ {link}</p>"
        # A reflection is never finished for good, nor shut while it is too short: the box stays open to go
        # on writing, and "Done" is there again (there is nothing to "Try again").
        self._lock(False)
        self.submit.disabled = False
        self.retry.disabled = True

    def _lock(self, locked: bool) -> None:
        self.text.disabled = locked

    def _reset(self, feedback: Feedback | None) -> None:
        self.download.value = ""  # keep the text: the trainee goes on writing

    def feedback_html(self, fb: Feedback) -> str:
        return f"<p><b>{esc(fb.message)}</b></p>"

    def solution_html(self) -> str:
        pts = "".join(f"<li>{esc(p)}</li>" for p in self.spec.points)
        body = f"<ul>{pts}</ul>" if pts else "<p>" + esc(_("There is no single right answer.")) + "</p>"
        return "<h5>" + esc(_("Points a good answer might cover")) + f"</h5>{body}{self._explanation()}"


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
    """Load exercise ``exercise_id`` from ``data/exercises/<name>.yaml`` (written or computed) and build its widget."""
    return build(exercises.get(name, exercise_id, root=root), **kwargs)

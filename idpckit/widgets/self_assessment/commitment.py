"""One step of the self-assessment app: grade one Table 1 commitment.

The step shows the commitment in plain words, where the three UN documents
anchor it (Table 1 of IDPC's September 2019 note), and the rubric (questions,
facts to look up and where, what a 1, 3 or 5 looks like) beside the grade,
evidence, sources, recommendation and confidence.

The step is a *view* of one :class:`~idpckit.assessment.Entry`: it reads an
entry with :meth:`CommitmentStep.load` and hands its values back through
:meth:`CommitmentStep.entry_data`; the app validates, stores and saves them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ... import scales
from ...assessment import MAX_TEXT, SOURCE_KINDS, STATUS_WORDS
from ...i18n import N_, _, ngettext
from ...schema import TABLE1_DOCUMENTS
from ...table1 import render
from ...text import esc
from .._base import ErrorBox, GradePicker, full_width, grade_label, text_limit_class, wrap_row

if TYPE_CHECKING:  # pragma: no cover
    from ...assessment import Entry
    from ...data import Content
    from ...schema import Commitment, Rubric

CONFIDENCE_OPTIONS = [(N_("Not said"), ""), (N_("Low"), "low"), (N_("Medium"), "medium"), (N_("High"), "high")]
CONFIDENCE_TIPS = [
    N_("You have not said how sure you are"),
    N_("Low: little evidence, old data, or sources that disagree"),
    N_("Medium: some solid evidence, with gaps"),
    N_("High: recent evidence from several independent sources"),
]
#: The kinds of source in words (the stored values are the English keys of ``SOURCE_KINDS``).
KIND_WORDS = {
    "data": N_("Data"),
    "testimony": N_("Testimony"),
    "report": N_("Report"),
    "law or policy": N_("Law or policy"),
    "other": N_("Other"),
}


def kind_labels() -> list[tuple[str, str]]:
    """The source kinds for the drop-down, in the language in use."""
    return [(_(KIND_WORDS.get(kind, kind.capitalize())), kind) for kind in SOURCE_KINDS]


_SCORE_TO_LIGHT = {1: "red", 3: "orange", 5: "green"}


def references_html(content: Content, commitment_id: str) -> str:
    """The commitment's row of Table 1, one line per document, with links to the documents."""
    items = []
    for doc_id in TABLE1_DOCUMENTS:
        doc = content.document(doc_id)
        cell = render(content.references_for(commitment_id, doc_id))
        name = esc(doc.short_name)
        if doc.url:
            name = f'<a href="{esc(doc.url)}" target="_blank" rel="noopener noreferrer">{name}</a>'
        detail = f" ({esc(doc.symbol)})" if doc.symbol else ""
        where = (
            esc(cell)
            if cell != "-"
            else "<em>" + _("no reference: the document is silent on this commitment (a gap worth raising)") + "</em>"
        )
        items.append(f"<li>{name}{detail}: {where}</li>")
    return (
        "<div class='idpc-prose'><strong>"
        + _("Where it appears in the UN documents")
        + "</strong> <span class='idpc-small'>("
        + _("Table 1 of IDPC's September 2019 note; OP = operative paragraph, PP = preambular paragraph")
        + ")</span><ul>"
        + "".join(items)
        + "</ul></div>"
    )


def rubric_html(rubric: Rubric, scale: scales.Scale) -> str:
    """The grading guide for one commitment, in collapsible sections (keyboard-operable ``<details>``)."""
    levels = []
    for score in (1, 3, 5):
        grade: scales.Grade = score if scale == "five-point" else _SCORE_TO_LIGHT[score]
        levels.append(f"<li><strong>{esc(grade_label(grade, scale))}:</strong> {esc(rubric.level(score))}</li>")
    between = (
        "<p class='idpc-small'>" + _("Give a 2 or a 4 when the situation sits between two descriptions.") + "</p>"
        if scale == "five-point"
        else ""
    )
    questions = "".join(f"<li>{esc(q)}</li>" for q in rubric.questions)
    look = _("Where to look: {where}")
    indicators = "".join(
        f"<li>{esc(i.indicator)}<br><span class='idpc-small'>{esc(look.format(where=i.where))}</span></li>"
        for i in rubric.indicators
    )
    sources = "".join(
        f'<li><a href="{esc(s.url)}" target="_blank" rel="noopener noreferrer">{esc(s.name)}</a></li>'
        if s.url
        else f"<li>{esc(s.name)}</li>"
        for s in rubric.sources
    )
    parts = [
        "<div class='idpc-prose'><strong>" + _("How to grade it") + "</strong>",
        "<details open><summary>"
        + _("What the grades look like")
        + f"</summary><ul class='idpc-levels'>{''.join(levels)}</ul>{between}</details>",
        "<details><summary>" + _("Questions to ask about your country") + f"</summary><ul>{questions}</ul></details>",
        "<details><summary>" + _("Facts to look up, and where") + f"</summary><ul>{indicators}</ul></details>",
    ]
    if sources:
        parts.append("<details><summary>" + _("Useful sources") + f"</summary><ul>{sources}</ul></details>")
    parts.append(
        "<p class='idpc-small'>" + _("Grade what happens in practice, not only what the law says.") + "</p></div>"
    )
    return "".join(parts)


class SourceRow:
    """One source: title, link or citation, kind, and a button to remove it."""

    def __init__(self, number: int) -> None:
        self.title = w.Text(placeholder=_("e.g. Prison statistics 2024"), layout=full_width(max_width="30em"))
        self.link = w.Text(placeholder=_("https://... or a printed citation"), layout=full_width(max_width="30em"))
        # As wide as the title and link above it, so its label and box line up with theirs.
        self.kind = w.Dropdown(options=kind_labels(), value="other", layout=full_width(max_width="30em"))
        self.remove = w.Button(layout=w.Layout(width="auto"))
        self.hint = w.HTML()
        self.widget = w.VBox(
            [self.title, self.link, w.HBox([self.kind, self.remove], layout=wrap_row()), self.hint],
            layout=full_width(border="1px solid #ccc", padding="0.3em", margin="0.2em 0"),
        )
        self.renumber(number)

    def renumber(self, number: int) -> None:
        self.number = number
        self.title.description = _("Source {number}: title").format(number=number)
        self.link.description = _("Source {number}: link").format(number=number)
        self.kind.description = _("Source {number}: kind").format(number=number)
        self.remove.description = _("Remove source {number}").format(number=number)
        self.remove.tooltip = _("Remove source {number} from this commitment").format(number=number)
        for widget in (self.title, self.link, self.kind):
            widget.style = {"description_width": "9em"}

    def close(self) -> None:
        """Close the row's widgets so a removed row leaves nothing behind in the kernel."""
        for widget in (self.title, self.link, self.kind, self.remove, self.hint, *self.widget.children, self.widget):
            widget.close()

    def data(self) -> dict[str, str]:
        return {"title": self.title.value.strip(), "link": self.link.value.strip(), "kind": self.kind.value}

    def update_hint(self) -> None:
        needs_title = not self.title.value.strip() and self.link.value.strip()
        self.hint.value = (
            "<span class='idpc-small'>⚠ " + _("Give this source a title, or it will not be saved.") + "</span>"
            if needs_title
            else ""
        )


class SourcesEditor:
    """Add and remove source rows; calls ``on_change`` after every edit."""

    def __init__(self, on_change: Callable[[], None]) -> None:
        self._on_change = on_change
        self._quiet = False
        self.rows: list[SourceRow] = []
        self.add = w.Button(
            description=_("Add a source"), tooltip=_("Add a row for a data set, testimony, report or law")
        )
        self.add.on_click(lambda _b: self.add_row())
        self.list = w.VBox(layout=full_width())
        self.widget = w.VBox(
            [
                w.HTML(
                    "<strong>"
                    + _("Sources")
                    + "</strong> <span class='idpc-small'>("
                    + _("data, testimonies, reports, laws or policies behind the grade")
                    + ")</span>"
                ),
                self.list,
                self.add,
            ],
            layout=full_width(),
        )

    def add_row(self, title: str = "", link: str = "", kind: str = "other") -> SourceRow:
        row = SourceRow(len(self.rows) + 1)
        quiet, self._quiet = self._quiet, True
        try:
            row.title.value, row.link.value = title, link
            row.kind.value = kind if kind in SOURCE_KINDS else "other"
        finally:
            self._quiet = quiet
        row.update_hint()
        for widget in (row.title, row.link, row.kind):
            widget.observe(lambda _c, row=row: self._edited(row), names="value")
        row.remove.on_click(lambda _b, row=row: self.remove_row(row))
        self.rows.append(row)
        self.list.children = [r.widget for r in self.rows]
        if not self._quiet:
            self._on_change()
        return row

    def remove_row(self, row: SourceRow) -> None:
        self.rows.remove(row)
        for i, r in enumerate(self.rows, start=1):
            r.renumber(i)
        self.list.children = [r.widget for r in self.rows]
        row.close()
        if not self._quiet:
            self._on_change()

    def _edited(self, row: SourceRow) -> None:
        row.update_hint()
        if not self._quiet:
            self._on_change()

    def sources(self) -> list[dict[str, str]]:
        """The rows that can be saved (a source needs a title)."""
        return [row.data() for row in self.rows if row.data()["title"]]

    def load(self, sources: list[Any]) -> None:
        self._quiet = True
        try:
            for row in list(self.rows):
                self.remove_row(row)
            for s in sources:
                self.add_row(s.title, s.link, s.kind)
        finally:
            self._quiet = False

    def set_read_only(self, flag: bool) -> None:
        self.add.disabled = flag
        for row in self.rows:
            for widget in (row.title, row.link, row.kind, row.remove):
                widget.disabled = flag


class CommitmentStep:
    """Grade one commitment: plain summary, references, rubric, grade, evidence, sources, recommendation."""

    def __init__(
        self,
        content: Content,
        commitment: Commitment,
        *,
        position: int,
        total: int,
        scale: scales.Scale,
        on_change: Callable[[], None],
    ) -> None:
        self.commitment = commitment
        self.rubric = content.rubric_for(commitment.id)
        self._on_change = on_change
        self._quiet = False
        self.message = ErrorBox()
        hints = dict(self.rubric.levels)
        self.grade = GradePicker(
            scale, description=_("Grade for commitment {number}").format(number=commitment.number), hints=hints
        )
        limit = " " + _("(up to {n} characters)").format(n=f"{MAX_TEXT:,}")
        self.evidence = w.Textarea(
            description=_("Evidence"),
            placeholder=_(
                "What did you find? Figures, what people told you, what the law says, what happens in practice."
            )
            + limit,
            rows=6,
            style={"description_width": "9em"},
            layout=w.Layout(width="auto"),  # stretch in the column; 100% plus the margin would overflow a phone
        )
        self.sources = SourcesEditor(self._changed)
        self.recommendation = w.Textarea(
            description=_("Recommendation"),
            placeholder=_("What should the government do better? Be specific; an example from another country helps.")
            + limit,
            rows=4,
            style={"description_width": "9em"},
            layout=w.Layout(width="auto"),
        )
        #: Why there is no grade, when there is a reason (data/grading.yaml): a finding of its own, never a grade.
        self.status = w.RadioButtons(
            options=[(_("Not assessed yet, or graded above"), "")] + [(_(w[0]), s) for s, w in STATUS_WORDS.items()],
            value="",
            description=_("No grade because"),
            style={"description_width": "9em"},
            layout=full_width(),
        )
        self.status_note = w.HTML("", layout=full_width())
        self.confidence = w.ToggleButtons(
            options=[(_(label), value) for label, value in CONFIDENCE_OPTIONS],
            value="",
            description=_("How sure are you?"),
            tooltips=[_(tip) for tip in CONFIDENCE_TIPS],
            style={"description_width": "9em", "button_width": "auto"},
            layout=full_width(),
        )
        self.rubric_box = w.HTML(rubric_html(self.rubric, scale), layout=full_width())
        title = _("Commitment {number}: {title}").format(number=commitment.number, title=esc(commitment.title))
        where = ngettext(
            "Step {position} of the {total} commitment you track · theme: {theme}",
            "Step {position} of {total} commitments you track · theme: {theme}",
            total,
        ).format(position=position, total=total, theme=esc(commitment.theme))
        self.heading = w.HTML(
            f"<h2>{title}</h2><p class='idpc-small'>{where}</p><p class='idpc-prose'><strong>"
            + _("In plain words:")
            + f"</strong> {esc(commitment.summary)}</p>",
            layout=full_width(),
        )
        guide = w.VBox(
            [w.HTML(references_html(content, commitment.id)), self.rubric_box],
            layout=w.Layout(flex="1 1 22em", min_width="0", padding="0 1em 0 0"),
        )
        form = w.VBox(
            [
                self.grade.widget,
                self.evidence,
                self.sources.widget,
                self.recommendation,
                self.confidence,
                # After the fields a grade needs: the status is the exception, and the grade picker's Tab
                # still leads straight to the evidence.
                self.status,
                self.status_note,
                self.message.widget,
            ],
            layout=w.Layout(flex="1 1 24em", min_width="0"),
        )
        self.widget = w.VBox(
            [self.heading, w.Box([guide, form], layout=w.Layout(display="flex", flex_flow="row wrap", width="100%"))],
            layout=full_width(),
        )
        for box in (self.evidence, self.recommendation):
            # The page refuses, in words next to the box, a text over the limit before it is sent
            # (a 9 MB paste would exceed the server's websocket message limit and close the
            # connection silently); the kernel refuses it too (MAX_TEXT in the model).
            box.add_class(text_limit_class(MAX_TEXT))
        self.grade.observe(self.message.guard(self._grade_changed))
        self.status.observe(self.message.guard(self._status_changed), names="value")
        for widget in (self.evidence, self.recommendation, self.confidence):
            widget.observe(self.message.guard(self._changed), names="value")

    def _changed(self, _change: object = None) -> None:
        if not self._quiet:
            self._on_change()

    def _grade_changed(self, _change: object = None) -> None:
        if self.grade.value is not None and self.status.value:  # a grade replaces "no evidence found"
            quiet, self._quiet = self._quiet, True
            try:
                self.status.value = ""
            finally:
                self._quiet = quiet
        self._changed()

    def _status_changed(self, _change: object = None) -> None:
        status = self.status.value
        self.status_note.value = f"<p class='idpc-small'>○ {esc(_(STATUS_WORDS[status][1]))}</p>" if status else ""
        if status and self.grade.value is not None:  # the status is instead of a grade
            quiet, self._quiet = self._quiet, True
            try:
                self.grade.value = None
            finally:
                self._quiet = quiet
        self._changed()

    def entry_data(self) -> dict[str, Any]:
        """The step's values as the fields of an :class:`~idpckit.assessment.Entry` (not yet validated)."""
        return {
            "commitment_id": self.commitment.id,
            "grade": self.grade.value,
            "evidence": self.evidence.value,
            "sources": self.sources.sources(),
            "recommendation": self.recommendation.value,
            "confidence": self.confidence.value or None,
            "status": self.status.value,
        }

    def load(self, entry: Entry | None, scale: scales.Scale) -> None:
        """Show a stored entry (or a blank one) without triggering saves."""
        self._quiet = True
        try:
            self.set_scale(scale, entry.grade if entry else None)
            self.evidence.value = entry.evidence if entry else ""
            self.recommendation.value = entry.recommendation if entry else ""
            self.confidence.value = (entry.confidence or "") if entry else ""
            self.status.value = entry.status if entry else ""
            self.sources.load(entry.sources if entry else [])
        finally:
            self._quiet = False

    def set_scale(self, scale: scales.Scale, grade: scales.Grade | None) -> None:
        quiet, self._quiet = self._quiet, True
        try:
            self.grade.set_scale(scale, grade)
            self.rubric_box.value = rubric_html(self.rubric, scale)
        finally:
            self._quiet = quiet

    def set_read_only(self, flag: bool) -> None:
        self.grade.disabled = flag
        for widget in (self.evidence, self.recommendation, self.confidence, self.status):
            widget.disabled = flag
        self.sources.set_read_only(flag)

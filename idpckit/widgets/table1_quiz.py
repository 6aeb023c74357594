"""Lesson 4's exercise: questions answered by filtering Table 1, checked automatically.

The questions' wording lives in ``data/exercises/computed/04-table1.yaml``; each names a
*rule* (e.g. "commitments with no reference in the 2019 Declaration").  The
correct answers are computed here from ``data/references.csv`` whenever the quiz
is built, never typed in, so a correction to a reference flows straight into the
quiz.  Each question also carries the few lines of pandas that find the answer,
shown with the solution: curious trainees see how the question could have been
answered with code, and the tests run that code to prove it agrees.

The pure part (:func:`load_questions`, :class:`Question` and its ``check``) needs
no widgets; :class:`Table1Quiz` wraps each question in a knowledge-check widget.
"""

from __future__ import annotations

import html
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..data import Content, data_dir, load
from ..schema import TABLE1_DOCUMENTS, Reference
from ..table1 import render

#: Where the questions live, relative to the data folder.
QUESTIONS_FILE = Path("exercises") / "computed" / "04-table1.yaml"

#: Short names for the three documents, used in prompts and feedback.
DOC_NAMES = {
    "ungass2016": "the UNGASS Outcome Document",
    "md2019": "the 2019 Ministerial Declaration",
    "cp2018": "the UN System Common Position",
}

UNITS = ("PP", "OP", "chapter", "bullet")


class QuizError(ValueError):
    """The questions file is unusable; the message names the file, question and field."""


@dataclass(frozen=True)
class Question:
    """One quiz question with its options and its computed answer.

    ``kind`` is "many" (tick every option that applies) or "one" (pick exactly
    one).  Option values are stable ids (commitment ids, reference keys, numbers
    as text); labels are what the trainee reads.  ``reasons`` says, per option,
    why it is or is not part of the answer (computed from the data too).
    """

    id: str
    prompt: str
    hint: str
    kind: Literal["many", "one"]
    options: tuple[tuple[str, str], ...]
    answer: frozenset[str]
    explanation: str
    code: str
    reasons: dict[str, str] = field(default_factory=dict, compare=False)

    def label(self, value: str) -> str:
        return {v: lbl for lbl, v in self.options}.get(value, value)

    @property
    def answer_labels(self) -> set[str]:
        """The answer as option labels: what ``check`` of the widget expects."""
        return {self.label(v) for v in self.answer} if self.answer else {NONE_OF_THEM}

    @property
    def solution(self) -> str:
        """The answer in words, for the trainer's notes and the handout."""
        order = [v for _, v in self.options]
        shown = sorted(self.answer, key=order.index)
        words = "; ".join(self.label(v) for v in shown) if shown else "none of them"
        return f"Answer: {words}. {self.explanation}"


#: Offered (and right) only when a "tick all that apply" question has no right option.
NONE_OF_THEM = "None of them"


# --------------------------------------------------------------------------- rules


def _commitment_options(content: Content) -> tuple[tuple[str, str], ...]:
    return tuple((f"{c.number}. {c.title}", c.id) for c in content.commitments)


def _ref_key(r: Reference) -> str:
    return f"{r.section}|{r.unit}|{r.ref}"


def _cited_cells(content: Content, document: str) -> dict[str, str]:
    """Commitment id -> its Table 1 cell for ``document`` ("-" when silent)."""
    return {c.id: render(content.references_for(c.id, document)) for c in content.commitments}


def _titles(content: Content, ids: Iterable[str]) -> str:
    ids = set(ids)
    names = [f"'{c.title}'" for c in content.commitments if c.id in ids]
    return ", ".join(names) if names else "none"


def _rule_silent_in(content: Content, spec: dict[str, Any]) -> dict[str, Any]:
    doc = spec["document"]
    cells = _cited_cells(content, doc)
    answer = {cid for cid, cell in cells.items() if cell == "-"}
    n = len(answer)
    explanation = (
        f"Table 1 shows a dash for {'these' if n != 1 else 'this'} {n} commitment{'s' if n != 1 else ''} in the "
        f"column for {DOC_NAMES[doc]}. A dash means that document is silent on the commitment; the government "
        "still made it in the other documents, so you can still hold it to account."
        if n
        else f"Every commitment has at least one reference in {DOC_NAMES[doc]}."
    )
    code = (
        'refs = data.frame("references")\n'
        f'cited = set(refs[refs["document"] == "{doc}"]["commitment_id"])\n'
        'commitments = data.frame("commitments")\n'
        'commitments[~commitments["id"].isin(cited)]["id"].tolist()'
    )
    reasons = {
        cid: f"{DOC_NAMES[doc][0].upper()}{DOC_NAMES[doc][1:]} cites it: {cell}"
        if cell != "-"
        else f"No reference in {DOC_NAMES[doc]}"
        for cid, cell in cells.items()
    }
    return {
        "kind": "many",
        "options": _commitment_options(content),
        "answer": answer,
        "explanation": explanation,
        "code": code,
        "reasons": reasons,
    }


def _rule_cites_unit(content: Content, spec: dict[str, Any]) -> dict[str, Any]:
    doc, unit = spec["document"], spec["unit"]
    answer = {r.commitment_id for r in content.references if r.document == doc and r.unit == unit}
    cells = _cited_cells(content, doc)
    explanation = (
        "In the column for {}: {}.".format(
            DOC_NAMES[doc],
            "; ".join(f"commitment {content.commitment(c).number}, {cells[c]}" for c in _in_order(content, answer)),
        )
        if answer
        else f"No commitment is cited that way in {DOC_NAMES[doc]}."
    )
    code = (
        'refs = data.frame("references")\n'
        f'chosen = refs[(refs["document"] == "{doc}") & (refs["unit"] == "{unit}")]\n'
        'chosen["commitment_id"].unique().tolist()'
    )
    reasons = {c.id: f"Cited as: {cells[c.id]}" for c in content.commitments}
    return {
        "kind": "many",
        "options": _commitment_options(content),
        "answer": answer,
        "explanation": explanation,
        "code": code,
        "reasons": reasons,
    }


def _rule_cited_for(content: Content, spec: dict[str, Any]) -> dict[str, Any]:
    doc, unit, ref = spec["document"], spec["unit"], str(spec["ref"])
    matches = [r for r in content.references if r.document == doc and r.unit == unit and r.ref == ref]
    if not matches:
        raise LookupError(f"no commitment cites {unit} {ref} of {doc} in references.csv any more")
    answer = {r.commitment_id for r in matches}
    shown = render(matches[:1])
    explanation = (
        f"{shown} of {DOC_NAMES[doc]} is cited for {len(answer)} commitment{'s' if len(answer) != 1 else ''}. "
        "One paragraph can cover several issues, so the same reference can anchor more than one commitment."
    )
    code = (
        'refs = data.frame("references")\n'
        f'chosen = refs[(refs["document"] == "{doc}") & (refs["unit"] == "{unit}") & (refs["ref"] == "{ref}")]\n'
        'chosen["commitment_id"].unique().tolist()'
    )
    cells = _cited_cells(content, doc)
    reasons = {c.id: f"Cited as: {cells[c.id]}" for c in content.commitments}
    return {
        "kind": "many",
        "options": _commitment_options(content),
        "answer": answer,
        "explanation": explanation,
        "code": code,
        "reasons": reasons,
    }


def _rule_most_references(content: Content, spec: dict[str, Any]) -> dict[str, Any]:
    doc = spec["document"]
    counts = Counter(r.commitment_id for r in content.references if r.document == doc)
    top = max(counts.values(), default=0)
    answer = {cid for cid, n in counts.items() if n == top and top > 0}
    explanation = (
        f"It has {top} references in {DOC_NAMES[doc]}, more than any other commitment."
        if len(answer) == 1
        else f"They share the top place with {top} references each in {DOC_NAMES[doc]}."
    )
    code = f'refs = data.frame("references")\nrefs[refs["document"] == "{doc}"]["commitment_id"].value_counts().head(3)'
    reasons = {c.id: f"{counts.get(c.id, 0)} reference(s) there" for c in content.commitments}
    return {
        "kind": "many",
        "options": _commitment_options(content),
        "answer": answer,
        "explanation": explanation,
        "code": code,
        "reasons": reasons,
    }


def _rule_most_shared_ref(content: Content, spec: dict[str, Any]) -> dict[str, Any]:
    doc = spec["document"]
    by_key: dict[str, set[str]] = {}
    first: dict[str, Reference] = {}
    for r in content.references:
        if r.document == doc:
            by_key.setdefault(_ref_key(r), set()).add(r.commitment_id)
            first.setdefault(_ref_key(r), r)
    top = max((len(v) for v in by_key.values()), default=0)
    answer = {k for k, v in by_key.items() if len(v) == top}
    options = tuple((render([first[k]]), k) for k in first)
    shown = ", ".join(render([first[k]]) for k in answer)
    explanation = (
        f"{shown} is cited for {top} of the {len(content.commitments)} commitments. Before you quote a paragraph "
        "that anchors so many commitments to officials, read it in full and find the words that support the "
        "commitment you are tracking."
    )
    code = (
        'refs = data.frame("references")\n'
        f'in_doc = refs[refs["document"] == "{doc}"]\n'
        'in_doc.groupby(["section", "unit", "ref"])["commitment_id"].nunique().sort_values(ascending=False).head(3)'
    )
    reasons = {k: f"Cited for {len(v)} commitment(s)" for k, v in by_key.items()}
    return {
        "kind": "many",
        "options": options,
        "answer": answer,
        "explanation": explanation,
        "code": code,
        "reasons": reasons,
    }


def _rule_count_in_all(content: Content, spec: dict[str, Any]) -> dict[str, Any]:
    docs_per = {c.id: {r.document for r in content.references_for(c.id)} for c in content.commitments}
    everywhere = {cid for cid, docs in docs_per.items() if docs >= set(TABLE1_DOCUMENTS)}
    n = len(everywhere)
    silent = [c.title for c in content.commitments if c.id not in everywhere]
    explanation = f"{n} of the {len(content.commitments)} commitments are anchored in all three documents. " + (
        f"The others are missing from at least one: {'; '.join(silent)}." if silent else ""
    )
    code = (
        'refs = data.frame("references")\n'
        'documents_per_commitment = refs.groupby("commitment_id")["document"].nunique()\n'
        f"int((documents_per_commitment == {len(TABLE1_DOCUMENTS)}).sum())"
    )
    options = tuple((str(i), str(i)) for i in range(len(content.commitments) + 1))
    reasons = {str(i): ("That is too few." if i < n else "That is too many.") for i in range(len(options)) if i != n}
    return {
        "kind": "one",
        "options": options,
        "answer": {str(n)},
        "explanation": explanation,
        "code": code,
        "reasons": reasons,
    }


RULES: dict[str, tuple[tuple[str, ...], Callable[[Content, dict[str, Any]], dict[str, Any]]]] = {
    "silent_in": (("document",), _rule_silent_in),
    "cites_unit": (("document", "unit"), _rule_cites_unit),
    "cited_for": (("document", "unit", "ref"), _rule_cited_for),
    "most_references": (("document",), _rule_most_references),
    "most_shared_ref": (("document",), _rule_most_shared_ref),
    "count_in_all": ((), _rule_count_in_all),
}


def _in_order(content: Content, ids: Iterable[str]) -> list[str]:
    ids = set(ids)
    return [c.id for c in content.commitments if c.id in ids]


# --------------------------------------------------------------------------- loading


def _read_specs(path: Path) -> list[dict[str, Any]]:
    import yaml

    name = f"{path.parent.name}/{path.name}"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise QuizError(f"{name} is missing; the Table 1 quiz needs it.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise QuizError(f"{name} could not be read as YAML: {exc}") from None
    specs = raw.get("questions") if isinstance(raw, dict) else None
    if not isinstance(specs, list) or not specs:
        raise QuizError(f"{name} must have a 'questions:' list with at least one question.")
    seen: set[str] = set()
    for i, spec in enumerate(specs, start=1):
        where = f"{name}, question {i}"
        if not isinstance(spec, dict):
            raise QuizError(f"{where} must be a mapping of field: value.")
        for key in ("id", "rule", "prompt"):
            if not str(spec.get(key) or "").strip():
                raise QuizError(f"{where}: field '{key}' is missing or empty.")
        where = f"{name}, question '{spec['id']}'"
        if spec["id"] in seen:
            raise QuizError(f"{where}: the id is used twice; each question needs its own id.")
        seen.add(spec["id"])
        if spec["rule"] not in RULES:
            raise QuizError(f"{where}: rule '{spec['rule']}' is unknown; use one of {', '.join(RULES)}.")
        for key in RULES[spec["rule"]][0]:
            if not str(spec.get(key) or "").strip():
                raise QuizError(f"{where}: rule '{spec['rule']}' needs the field '{key}'.")
        if "document" in spec and spec["document"] not in DOC_NAMES:
            raise QuizError(f"{where}: document '{spec['document']}' is unknown; use {', '.join(DOC_NAMES)}.")
        if "unit" in spec and spec["unit"] not in UNITS:
            raise QuizError(f"{where}: unit '{spec['unit']}' is unknown; use {', '.join(UNITS)}.")
    return specs


def load_questions(
    content: Content | None = None, path: str | os.PathLike[str] | None = None
) -> tuple[list[Question], list[str]]:
    """Build the quiz from the questions file and the content.

    Returns ``(questions, skipped)``: a question whose rule no longer finds
    anything in the data (say, a corrected paragraph number) is skipped with a
    plain-words note for the trainer, rather than breaking the whole quiz.
    Raises :class:`QuizError` when the file itself is malformed.
    """
    content = content or load()
    path = Path(path) if path is not None else data_dir(content.root) / QUESTIONS_FILE
    questions, skipped = [], []
    for spec in _read_specs(path):
        try:
            built = RULES[spec["rule"]][1](content, spec)
        except LookupError as exc:
            skipped.append(f"Question '{spec['id']}' was left out: {exc}.")
            continue
        questions.append(
            Question(
                id=str(spec["id"]),
                prompt=str(spec["prompt"]).strip(),
                hint=str(spec.get("hint") or "").strip(),
                kind=built["kind"],
                options=tuple(built["options"]),
                answer=frozenset(built["answer"]),
                explanation=built["explanation"],
                code=built["code"],
                reasons=built["reasons"],
            )
        )
    return questions, skipped


# --------------------------------------------------------------------------- widget


def to_spec(question: Question, number: int) -> Any:
    """The question as a :class:`~idpckit.widgets.checks.ChoiceSpec`, so the shared check widget runs it."""
    from .checks import ChoiceSpec, Option

    options = [
        Option(text=label, correct=value in question.answer, why=question.reasons.get(value, ""))
        for label, value in question.options
    ]
    if not question.answer:
        options.append(Option(text=NONE_OF_THEM, correct=True, why="Nothing in the data matches."))
    return ChoiceSpec(
        id=question.id,
        title=f"Question {number}",
        prompt=question.prompt,
        kind="choice",
        multiple=question.kind == "many",
        options=options,
        explanation=question.explanation,
    )


def _check_class() -> type:
    from .checks import MultipleChoice, _esc

    class Table1Check(MultipleChoice):
        """A multiple-choice check that also shows a hint, and the pandas behind the answer in the solution."""

        def __init__(self, question: Question, number: int) -> None:
            self.question = question
            super().__init__(to_spec(question, number))

        def _build(self) -> list[Any]:
            import ipywidgets as w

            hint = [w.HTML(f"<p><i>Hint: {_esc(self.question.hint)}</i></p>")] if self.question.hint else []
            return [*hint, *super()._build()]

        def solution_html(self) -> str:
            code = _esc(self.question.code)
            return (
                super().solution_html()
                + "<p>The same answer with a few lines of pandas (see the cells above):</p>"
                + f"<pre>{code}</pre>"
            )

    return Table1Check


class Table1Quiz:
    """The quiz as widgets: one knowledge check per question, with feedback on "Check".

    Build it in a notebook and show ``quiz.widget``.  Tests tick options and
    press a question's button without a browser, or call ``quiz.checks[i].check``.
    """

    def __init__(self, content: Content | None = None, path: str | os.PathLike[str] | None = None) -> None:
        import ipywidgets as w

        self.content = content or load()
        self.questions, self.skipped = load_questions(self.content, path)
        check_class = _check_class()
        self.checks = [check_class(q, i) for i, q in enumerate(self.questions, start=1)]
        notes = [w.HTML(f"<p><em>Note for the trainer: {html.escape(s)}</em></p>") for s in self.skipped]
        self.widget = w.VBox([*(c.widget for c in self.checks), *notes], layout=w.Layout(width="100%"))

    def check(self, question_id: str, answer: Any) -> Any:
        """Check ``answer`` (option labels) for one question by id; returns the checks' Feedback."""
        for q, c in zip(self.questions, self.checks, strict=True):
            if q.id == question_id:
                return c.check(answer)
        raise KeyError(f"no question with id '{question_id}'")

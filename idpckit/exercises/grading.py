"""``grade(spec, answer) -> Feedback``: the one place that judges an answer, without widgets.

The answer has the shape the trainee gives it:

* a single-answer choice: the text of the chosen option (``None`` if none);
* a multiple choice: an iterable of ticked option texts;
* a sort: ``{statement: bin}``; a match: ``{left: right}`` (missing ones count as open);
* a reflection: the text written;
* a plan: a :class:`~idpckit.exercises.plan.Plan` (its review is the feedback).

An answer that cannot come from the exercise (an option it does not have)
raises ``ValueError``: that is a bug in the caller, not a wrong answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import singledispatch
from typing import Any

from .feedback import (
    CLOSE,
    OPEN,
    RIGHT,
    WRONG,
    Feedback,
    ItemFeedback,
    _,
    extra_sentence,
    found_sentence,
    ngettext,
    summary,
    ticked_sentence,
)
from .specs import ChoiceSpec, MatchSpec, PlanSpec, ReflectionSpec, SortSpec


@singledispatch
def grade(spec: Any, answer: Any) -> Feedback:
    """Judge ``answer`` to ``spec`` and say in words what is right and what is not."""
    raise TypeError(f"cannot grade {type(spec).__name__}")


@grade.register
def _choice(spec: ChoiceSpec, answer: Any) -> Feedback:
    return _multiple(spec, answer) if spec.multiple else _single(spec, answer)


def _single(spec: ChoiceSpec, answer: str | None) -> Feedback:
    if answer is not None and not isinstance(answer, str):
        raise TypeError("a single-answer question takes the text of one option")
    if answer is not None and answer not in {o.text for o in spec.options}:
        raise ValueError(f"'{answer}' is not one of the options")
    if answer is None:
        return Feedback(False, f"{OPEN} " + _("Choose an option first, then press “Check my answer”."))
    right = next(o for o in spec.options if o.correct)
    chosen = next(o for o in spec.options if o.text == answer)
    passed = chosen.correct or chosen.accepted
    detail = ItemFeedback(answer, passed, answer, right.text, chosen.why)
    if chosen.correct:
        return Feedback(True, f"{RIGHT} " + " ".join(t for t in (_("Correct."), chosen.why) if t), (detail,))
    if chosen.accepted:
        head = _("Close enough: “{given}” is accepted, but the reference answer is “{right}”.").format(
            given=answer, right=right.text
        )
        return Feedback(True, f"{CLOSE} " + " ".join(t for t in (head, chosen.why) if t), (detail,), accepted=True)
    return Feedback(
        False, f"{WRONG} " + " ".join(t for t in (_("Not quite."), chosen.why, _("Try again.")) if t), (detail,)
    )


def _multiple(spec: ChoiceSpec, answer: str | Iterable[str] | None) -> Feedback:
    picked = {answer} if isinstance(answer, str) else set(answer or ())
    if unknown := picked - {o.text for o in spec.options}:
        raise ValueError(f"not among the options: {sorted(unknown)}")
    details = tuple(
        ItemFeedback(
            o.text,
            (o.text in picked) == o.correct,
            _("ticked") if o.text in picked else _("not ticked"),
            _("ticked") if o.correct else _("not ticked"),
            o.why,
        )
        for o in spec.options
    )
    n_right = sum(o.correct for o in spec.options)
    hits = sum(o.correct and o.text in picked for o in spec.options)
    false = sum(not o.correct and o.text in picked for o in spec.options)
    if hits == n_right and not false:
        return Feedback(True, f"{RIGHT} {found_sentence(n_right)}", details)
    if not picked:
        return Feedback(False, f"{OPEN} " + _("Tick at least one option first."))
    sentences = [_("Not yet."), ticked_sentence(hits, n_right)]
    if false:
        sentences.append(extra_sentence(false))
    sentences.append(_("Try again."))
    return Feedback(False, f"{WRONG} " + " ".join(sentences), details)


def _rows(
    expected: Mapping[str, str], whys: Mapping[str, str], answer: Mapping[str, str | None], noun: str
) -> Feedback:
    if unknown := set(answer) - set(expected):
        raise ValueError(f"not part of this exercise: {sorted(unknown)}")
    details = []
    for key, right in expected.items():
        given = answer.get(key) or None
        details.append(ItemFeedback(key, given == right, given, right, whys.get(key, "")))
    return summary(details, noun)


@grade.register
def _sort(spec: SortSpec, answer: Mapping[str, str | None]) -> Feedback:
    return _rows(spec.solution(), {i.text: i.why for i in spec.items}, answer, "statements")


@grade.register
def _match(spec: MatchSpec, answer: Mapping[str, str | None]) -> Feedback:
    return _rows(spec.solution(), {p.left: p.why for p in spec.pairs}, answer, "matches")


def words(text: str) -> int:
    """Words in a reflection, as the counter under the box shows them."""
    return len(re.findall(r"\w+", text or ""))


@grade.register
def _reflection(spec: ReflectionSpec, answer: str | None) -> Feedback:
    n, need = words(answer or ""), spec.min_words
    if n == 0:
        return Feedback(False, f"{OPEN} " + _("Write a few sentences first."))
    if n < need:
        return Feedback(
            False,
            f"{WRONG} "
            + ngettext(
                "Not yet: one word so far; write at least {need} to give your thoughts some room.",
                "Not yet: {n} words so far; write at least {need} to give your thoughts some room.",
                n,
            ).format(n=n, need=need),
        )
    return Feedback(
        True,
        f"{RIGHT} "
        + ngettext(
            "Done: one word. Nothing is stored on the server, so download your text now to keep it.",
            "Done: {n} words. Nothing is stored on the server, so download your text now to keep it.",
            n,
        ).format(n=n),
    )


@grade.register
def _plan(spec: PlanSpec, answer: Any) -> Feedback:
    findings = answer.review()
    details = tuple(ItemFeedback(f.message, f.ok, f.label, "") for f in findings)
    tips = sum(not f.ok for f in findings)
    if not tips:
        return Feedback(True, f"{RIGHT} " + _("Your plan follows every tip of the review."), details)
    return Feedback(
        False,
        "➜ "
        + ngettext("The review has one tip for your plan.", "The review has {n} tips for your plan.", tips).format(
            n=tips
        ),
        details,
    )

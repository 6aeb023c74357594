"""What grading returns: an overall verdict, a message in words and a verdict per item.

Messages are whole sentences with named placeholders, passed through gettext
(:func:`idpckit.i18n._` and :func:`~idpckit.i18n.ngettext`, in the language in use):
no sentence is assembled from fragments, and every count chooses its own
singular or plural sentence ("you found both right options", never "all 2").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import _, ngettext

__all__ = ["CLOSE", "OPEN", "RIGHT", "WRONG", "Feedback", "ItemFeedback", "_", "ngettext"]

RIGHT = "✔"
WRONG = "✖"
OPEN = "○"  # not answered yet
CLOSE = "≈"  # accepted, but not the reference answer


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
            return _("right")
        return _("not answered yet") if self.given is None else _("not right")


@dataclass(frozen=True)
class Feedback:
    """What :func:`idpckit.exercises.grade` returns.

    ``correct`` says the check is passed; ``accepted`` says it was passed with
    an answer next to the reference one (a neighbouring grade), which the
    message explains.
    """

    correct: bool
    message: str
    details: tuple[ItemFeedback, ...] = field(default_factory=tuple)
    accepted: bool = False

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


#: Per-item sentences for sorting and matching, by noun: (all right, so far so good, not yet).
_ROWS = {
    "statements": (
        _("Correct: every statement is in the right group."),
        (
            _("So far so good: the one statement you sorted is right."),
            _("So far so good: the {right} statements you sorted are right."),
        ),
        (
            _("{right} of {total} statements is in the right group."),
            _("{right} of {total} statements are in the right group."),
        ),
    ),
    "matches": (
        _("Correct: every item is matched correctly."),
        (
            _("So far so good: the one item you matched is right."),
            _("So far so good: the {right} items you matched are right."),
        ),
        (
            _("{right} of {total} items is matched correctly."),
            _("{right} of {total} items are matched correctly."),
        ),
    ),
}


def summary(details: list[ItemFeedback], noun: str) -> Feedback:
    """The message for a check made of rows: all right, or how many are right, wrong and open."""
    all_right, so_far, counted = _ROWS[noun]
    total = len(details)
    right = sum(d.correct for d in details)
    missing = sum(d.given is None for d in details)
    wrong = total - right - missing
    if right == total:
        return Feedback(True, f"{RIGHT} {all_right}", tuple(details))
    open_ = ngettext(
        "One is not answered yet (marked {mark}).", "{missing} are not answered yet (marked {mark}).", missing
    ).format(missing=missing, mark=OPEN)
    if not wrong:
        then = _("Answer them all, then check again.")
        if not right:
            return Feedback(False, f"{OPEN} " + _("Nothing is answered yet.") + f" {then}", tuple(details))
        first = ngettext(*so_far, right).format(right=right)
        return Feedback(False, f"{OPEN} {first} {open_} {then}", tuple(details))
    sentences = [ngettext(*counted, right).format(right=right, total=total)]
    sentences.append(
        ngettext("One is not right (marked {mark}).", "{wrong} are not right (marked {mark}).", wrong).format(
            wrong=wrong, mark=WRONG
        )
    )
    if missing:
        sentences.append(open_)
    sentences.append(_("Press “Try again” to change them."))
    return Feedback(False, f"{WRONG} " + _("Not yet.") + " " + " ".join(sentences), tuple(details))


def found_sentence(n_right: int) -> str:
    """ "You found the right option" / "both right options" / "all 5 right options"."""
    if n_right == 1:
        return _("Correct: you found the right option.")
    if n_right == 2:
        return _("Correct: you found both right options.")
    return _("Correct: you found all {n} right options.").format(n=n_right)


def ticked_sentence(hits: int, n_right: int) -> str:
    """How many of the right options were ticked, in a sentence that suits the counts."""
    if n_right == 1:
        return _("You ticked the right option.") if hits else _("You have not ticked the right option yet.")
    if n_right == 2:
        return (
            _("You ticked neither of the two right options."),
            _("You ticked one of the two right options."),
            _("You ticked both right options."),
        )[hits]
    if hits == 0:
        return _("You ticked none of the {n} right options.").format(n=n_right)
    if hits == n_right:
        return _("You ticked all {n} right options.").format(n=n_right)
    return ngettext(
        "You ticked {hits} of the {n} right options.", "You ticked {hits} of the {n} right options.", hits
    ).format(hits=hits, n=n_right)


def extra_sentence(false: int) -> str:
    """The options ticked that do not apply."""
    return ngettext(
        "You also ticked one option that does not apply.", "You also ticked {n} options that do not apply.", false
    ).format(n=false)

"""The Table 1 quiz widget (lesson 4) driven like a trainee would: tick, check, read the feedback and the pandas.

The questions' answers are tested without widgets in test_exercises.py."""

from __future__ import annotations

import html

import pytest

from idpckit import data, exercises
from idpckit.exercises.rules import NONE_OF_THEM
from idpckit.widgets.table1_quiz import Table1Quiz


@pytest.fixture(scope="module")
def content() -> data.Content:
    return data.load()


def test_every_question_is_a_check_that_grades_like_the_core(content):
    quiz = Table1Quiz(content)
    assert [c.spec.id for c in quiz.checks] == list(exercises.load("04-table1", content).specs)
    for check in quiz.checks:
        right = check.spec.solution()
        assert check.check(right).correct and quiz.check(check.spec.id, right).correct


def test_ticking_the_answer_gives_feedback_and_reveals_the_pandas(content):
    quiz = Table1Quiz(content)
    check = quiz.checks[0]
    for box in check.boxes:
        box.value = box.description in check.spec.solution()
    check.submit.click()
    assert "Correct" in check.feedback.value
    check.solution_toggle.value = True
    assert "data.frame(&quot;references&quot;)" in check.solution.value
    shown = [html.unescape(c.value) for c in check.widget.children if isinstance(getattr(c, "value", None), str)]
    assert check.spec.hint and any(check.spec.hint in text for text in shown), "the hint is shown with the question"


def test_a_which_has_the_most_question_is_answered_with_radio_buttons(content):
    quiz = Table1Quiz(content)
    most = next(c for c in quiz.checks if c.spec.id == "cp2018-most")
    assert most.radio is not None and most.boxes == []
    most.radio.value = most.spec.solution()
    most.submit.click()
    assert most.result.correct and "✔ Correct." in most.feedback.value


def test_a_question_whose_paragraph_disappears_leaves_a_note_for_the_trainer(data_copy):
    refs = data_copy / "references.csv"
    refs.write_text(refs.read_text(encoding="utf-8").replace(",OP,1.k,", ",OP,1.l,"), encoding="utf-8")
    quiz = Table1Quiz(data.load(data_copy))
    assert "ungass-1k" not in [c.spec.id for c in quiz.checks]
    assert "Note for the trainer" in quiz.widget.children[-1].value and "1.k" in quiz.widget.children[-1].value


def test_none_of_them_is_offered_when_nothing_matches(data_copy, content):
    refs = data_copy / "references.csv"
    extra = "".join(f"{c.id},cp2018,Directions for action,bullet,99,,\n" for c in content.commitments)
    refs.write_text(refs.read_text(encoding="utf-8") + extra, encoding="utf-8")
    quiz = Table1Quiz(data.load(data_copy))
    check = next(c for c in quiz.checks if c.spec.id == "cp2018-silent")
    box = next(b for b in check.boxes if b.description == NONE_OF_THEM)
    box.value = True
    check.submit.click()
    assert check.result.correct

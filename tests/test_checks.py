"""Knowledge checks: the pure checkers with right and wrong answers, the widgets driven
like a trainee would (set values, click), and exercise files validated with clear errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from idpckit.widgets import checks
from idpckit.widgets.checks import (
    ExerciseError,
    FreeTextReflection,
    MatchPairs,
    MultipleChoice,
    SortIntoBins,
    load_exercises,
)

EXERCISES = Path(__file__).resolve().parent.parent / "data" / "exercises"

FIXTURE = """
- id: one
  kind: choice
  title: "Target year"
  prompt: "Which year did the 2009 Political Declaration set as its target date?"
  options:
    - {text: "2014", why: "That was the mid-term review."}
    - {text: "2019", correct: true, why: "Its targets expired in 2019."}
    - {text: "2029"}
- id: many
  kind: choice
  multiple: true
  title: "Goals"
  prompt: "Which are goals of the 2019 Declaration?"
  options:
    - {text: "Controlled medicines", correct: true}
    - {text: "Alternatives to punishment", correct: true}
    - {text: "Abolish the CND"}
- id: bins
  kind: sort
  title: "Sort"
  prompt: "Win or challenge?"
  bins: [Win, Challenge]
  items:
    - {text: "A", bin: Win, why: "because A"}
    - {text: "B", bin: Challenge}
    - {text: "C <b>bold</b>", bin: Win}
- id: pairs
  kind: match
  title: "Match"
  prompt: "Year to theme"
  left_label: Year
  right_label: Theme
  pairs:
    - {left: "2020", right: "Health"}
    - {left: "2021", right: "Crime"}
  distractors: ["Sport"]
- id: think
  kind: reflection
  title: "Reflect"
  prompt: "What matters most in your country?"
  min_words: 5
  points: ["Name a commitment"]
"""


@pytest.fixture
def specs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("exercises") / "fixture.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    return load_exercises(str(path))


# --------------------------------------------------------------------------- pure checkers


def test_single_choice_right_wrong_and_empty(specs):
    mc = MultipleChoice(specs["one"])
    right = mc.check("2019")
    assert right.correct and right.message.startswith("✔ Correct")
    assert "expired in 2019" in right.message
    wrong = mc.check("2014")
    assert not wrong.correct and wrong.message.startswith("✖") and "mid-term review" in wrong.message
    assert wrong.details[0].expected == "2019"
    empty = mc.check(None)
    assert not empty.correct and "Choose an option" in empty.message
    with pytest.raises(ValueError, match="not one of the options"):
        mc.check("1999")


def test_multi_choice_counts_hits_and_false_ticks(specs):
    mc = MultipleChoice(specs["many"])
    assert mc.check({"Controlled medicines", "Alternatives to punishment"}).correct
    half = mc.check({"Controlled medicines"})
    assert not half.correct and "1 of the 2 right options" in half.message
    extra = mc.check({"Controlled medicines", "Alternatives to punishment", "Abolish the CND"})
    assert not extra.correct and "1 that does not apply" in extra.message
    assert [d.correct for d in extra.details] == [True, True, False]
    assert not mc.check(set()).correct


def test_sort_checker_reports_each_statement(specs):
    s = SortIntoBins(specs["bins"])
    assert s.check({"A": "Win", "B": "Challenge", "C <b>bold</b>": "Win"}).correct
    fb = s.check({"A": "Challenge", "B": "Challenge", "C <b>bold</b>": "Win"})
    assert not fb.correct
    assert (fb.score, fb.total) == (2, 3)
    assert "2 of 3 statements right" in fb.message and "1 not right" in fb.message
    assert [d.item for d in fb.wrong] == ["A"]
    assert fb.wrong[0].why == "because A"
    partial = s.check({"A": "Win"})
    assert not partial.correct and partial.only_missing and "2 not answered yet" in partial.message
    with pytest.raises(ValueError, match="not part of this exercise"):
        s.check({"Z": "Win"})


def test_match_checker(specs):
    m = MatchPairs(specs["pairs"])
    assert m.check({"2020": "Health", "2021": "Crime"}).correct
    fb = m.check({"2020": "Crime", "2021": "Sport"})
    assert not fb.correct and fb.score == 0 and "0 of 2 matches right" in fb.message
    assert specs["pairs"].choices() == ["Crime", "Health", "Sport"]


def test_reflection_checker_counts_words(specs):
    r = FreeTextReflection(specs["think"])
    assert not r.check("").correct
    short = r.check("too short")
    assert not short.correct and "at least 5" in short.message
    done = r.check("Harm reduction is what we need most here.")
    assert done.correct and "Nothing is stored on the server" in done.message


# --------------------------------------------------------------------------- widgets, as a trainee uses them


def test_sort_widget_submit_marks_try_again_and_solution(specs):
    s = SortIntoBins(specs["bins"])
    a, b, c = s.dropdowns
    a.value, b.value, c.value = "Challenge", "Challenge", "Win"
    s.submit.click()
    assert s.result is not None and not s.result.correct
    assert "✖ Not yet" in s.feedback.value
    assert "✖ not right" in s.marks[0].value and "✔ right" in s.marks[1].value
    assert a.disabled and s.submit.disabled and not s.retry.disabled
    s.retry.click()
    assert a.value == "" and a.label == "— choose —" and b.value == "Challenge"  # only wrong answers are cleared
    assert not a.disabled and not s.submit.disabled and s.marks[1].value == ""
    a.value = "Win"
    s.submit.click()
    assert s.result.correct and "✔ Correct" in s.feedback.value and s.retry.disabled
    # solution toggle: hidden, then shown with the explanation, then hidden again
    assert s.solution.layout.display == "none"
    s.solution_toggle.value = True
    assert s.solution.layout.display == "" and "because A" in s.solution.value
    assert s.solution_toggle.description == "Hide solution"
    s.solution_toggle.value = False
    assert s.solution.layout.display == "none"


def test_unanswered_items_do_not_lock_the_widget(specs):
    s = SortIntoBins(specs["bins"])
    s.dropdowns[0].value = "Win"
    s.submit.click()
    assert "○" in s.feedback.value and not s.dropdowns[1].disabled and not s.submit.disabled
    assert "not answered yet" in s.marks[1].value
    s.dropdowns[1].value = "Win"  # changing an answer removes its stale mark
    assert s.marks[1].value == ""


def test_data_text_is_escaped(specs):
    s = SortIntoBins(specs["bins"])
    html_texts = " ".join(x.value for x in _walk(s.widget) if hasattr(x, "value") and isinstance(x.value, str))
    assert "C &lt;b&gt;bold&lt;/b&gt;" in html_texts and "<b>bold</b>" not in html_texts


def test_choice_widgets(specs):
    one = MultipleChoice(specs["one"])
    one.radio.value = "2014"
    one.submit.click()
    assert "✖ Not quite" in one.feedback.value and one.radio.disabled
    one.retry.click()
    assert one.radio.value is None
    one.radio.value = "2019"
    one.submit.click()
    assert one.result.correct
    many = MultipleChoice(specs["many"])
    for box in many.boxes:
        box.value = True
    many.submit.click()
    assert not many.result.correct
    many.retry.click()
    assert [b.value for b in many.boxes] == [True, True, False]  # right ticks kept
    many.submit.click()
    assert many.result.correct


def test_match_widget_offers_sorted_choices(specs):
    m = MatchPairs(specs["pairs"])
    labels = [lab for lab, _ in m.dropdowns[0].options]
    assert labels == ["— choose —", "Crime", "Health", "Sport"]
    m.dropdowns[0].value, m.dropdowns[1].value = "Health", "Crime"
    m.submit.click()
    assert m.result.correct


def test_reflection_widget_offers_a_download_and_stores_nothing(specs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = FreeTextReflection(specs["think"], today=date(2026, 3, 1))
    r.text.value = "Our government should fund harm reduction services now."
    assert "8 words" in r.count.value
    r.submit.click()
    assert r.result.correct
    assert 'download="think.txt"' in r.download.value and "data:text/plain" in r.download.value
    doc = r.document(r.text.value).decode()
    assert "What matters most" in doc and "2026-03-01" in doc and "fund harm reduction" in doc
    assert list(tmp_path.iterdir()) == []  # nothing written on the server
    r.retry.click()
    assert r.download.value == "" and r.text.value.startswith("Our government")


def test_callback_errors_become_a_message(specs):
    s = SortIntoBins(specs["bins"])

    def boom(answer):
        raise RuntimeError("disk on fire")

    s.check = boom  # type: ignore[method-assign]
    s.submit.click()
    assert "Sorry, something went wrong" in s.feedback.value and "disk on fire" in s.feedback.value


def test_solution_toggle_can_be_left_out(specs):
    s = SortIntoBins(specs["bins"], show_solution=False)
    assert s.solution_toggle not in list(_walk(s.widget))


# --------------------------------------------------------------------------- exercise files


def test_every_shipped_exercise_file_is_valid_and_self_consistent():
    assert not checks.validate_exercises()
    files = checks.check_files()
    assert EXERCISES / "02-four-asks.yaml" in files
    for path in files:
        for spec in load_exercises(path.stem).values():
            widget = checks.build(spec)  # every exercise builds a widget
            if spec.kind == "reflection":
                assert widget.check(" ".join(["word"] * max(spec.min_words, 1))).correct
                assert not widget.check("").correct
                continue
            where = f"{path.name}:{spec.id}"
            assert widget.check(spec.solution()).correct, f"{where}: the solution is not accepted"
            for wrong in _wrong_answers(spec):
                fb = widget.check(wrong)
                assert not fb.correct, f"{where}: wrong answer {wrong!r} accepted"
                assert fb.message.startswith(("✖", "○"))


def _wrong_answers(spec):
    """Wrong answers built from the solution, so every shipped exercise is tried both ways."""
    if spec.kind == "choice" and not spec.multiple:
        return [o.text for o in spec.options if not o.correct]
    if spec.kind == "choice":
        everything = {o.text for o in spec.options}
        return [set(), *({*spec.solution(), o.text} for o in spec.options if not o.correct)] + (
            [everything] if everything != spec.solution() else []
        )
    solution = spec.solution()
    keys = list(solution)
    choices = spec.bins if spec.kind == "sort" else spec.choices()
    swapped = {k: next(c for c in choices if c != v) for k, v in solution.items()}
    one_off = {**solution, keys[0]: swapped[keys[0]]}
    return [swapped, one_off, {}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "- id: x\n  kind: sort\n  title: t\n  prompt: p\n  bins: [Win, Challenge]\n  items:\n"
            "    - {text: a, bin: Win}\n    - {text: b, bin: Wins}\n",
            "bad.yaml, item 1 (id 'x'): statement 2: bin 'Wins' is not one of the bins",
        ),
        (
            "- id: x\n  kind: choice\n  title: t\n  prompt: p\n  options: [{text: a}, {text: b}]\n",
            "exactly one option with 'correct: true'",
        ),
        ("- id: x\n  kind: quiz\n  title: t\n  prompt: p\n", "'quiz' is not a kind of exercise"),
        (
            "- id: x\n  kind: match\n  title: t\n  prompt: p\n  pairs:\n    - {left: a, right: b}\n    - {left: c}\n",
            "item 1 (id 'x'), field 'pairs.2.right': is missing",
        ),
        (
            "- id: x\n  kind: reflection\n  title: t\n  prompt: p\n  colour: red\n",
            "field 'colour': is not a known field",
        ),
        ("- id: x\n  kind: choice\n  title: [unclosed\n", "is not valid YAML"),
        ("id: x\n", "must be a list of exercises"),
    ],
)
def test_bad_exercise_files_name_file_item_and_field(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExerciseError) as err:
        load_exercises(str(path))
    assert expected in str(err.value)
    assert "exercises/bad.yaml" in str(err.value)


def test_other_widgets_files_are_left_to_their_loaders(data_copy):
    (data_copy / "exercises" / "other.yaml").write_text("questions:\n  - id: q\n", encoding="utf-8")
    (data_copy / "exercises" / "broken.yaml").write_text("- id: [\n", encoding="utf-8")
    names = [p.name for p in checks.check_files(data_copy)]
    assert "other.yaml" not in names and "broken.yaml" in names
    assert any("broken.yaml" in p and "not valid YAML" in p for p in checks.validate_exercises(data_copy))


def test_missing_file_and_unknown_id(tmp_path):
    with pytest.raises(ExerciseError, match="the file is missing"):
        load_exercises("no-such-lesson")
    with pytest.raises(ExerciseError, match=r"no exercise with id 'nope'.*wins-and-challenges"):
        checks.from_data("02-four-asks", "nope")


def test_duplicate_ids_are_refused(tmp_path):
    one = "- id: x\n  kind: reflection\n  title: t\n  prompt: p\n"
    path = tmp_path / "dup.yaml"
    path.write_text(one + one, encoding="utf-8")
    with pytest.raises(ExerciseError, match="repeated: x"):
        load_exercises(str(path))


def test_exercises_follow_the_data_root(data_copy):
    (data_copy / "exercises" / "02-four-asks.yaml").write_text(
        "- id: only\n  kind: reflection\n  title: Local\n  prompt: p\n", encoding="utf-8"
    )
    assert list(load_exercises("02-four-asks", root=data_copy)) == ["only"]


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)

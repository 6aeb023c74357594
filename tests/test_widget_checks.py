"""Knowledge-check widgets (idpckit.widgets.checks) driven like a trainee would: set values, click, read.

The grading itself is tested without widgets in test_exercises.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from widget_helpers import models_of  # a helper module of this folder, not a test

from idpckit import data, exercises
from idpckit.widgets import checks, computed_checks
from idpckit.widgets.checks import FreeTextReflection, MatchPairs, MultipleChoice, SortIntoBins

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "exercises.yaml"


@pytest.fixture
def specs() -> dict:
    return exercises.load(str(FIXTURE)).specs


@pytest.fixture(scope="module")
def content() -> data.Content:
    return data.load()


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
    # the box never locks for good: go on writing, and the stale download goes until "Done" again
    assert not r.text.disabled and not r.submit.disabled
    r.text.value += " And fund naloxone."
    assert r.download.value == "" and r.result is None and r.text.value.startswith("Our government")
    r.submit.click()
    assert "naloxone" in decode(r.download.value)


def decode(link_html: str) -> str:
    import base64
    import re

    return base64.b64decode(re.search(r"base64,([^\"]+)\"", link_html).group(1)).decode("utf-8")


def test_sort_drop_downs_say_what_to_choose(content):
    venues = SortIntoBins(exercises.get("05-checks", "venues-by-city", content))
    assert venues.dropdowns[0].description == "Where for statement 1"
    groups = SortIntoBins(exercises.get("02-four-asks", "wins-and-challenges", content))
    assert groups.dropdowns[1].description == "Group for statement 2"


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


def test_every_shipped_exercise_builds_its_widget_and_the_widget_grades_like_the_core(content):
    for path in exercises.files():
        for spec in exercises.load(path.stem, content).specs.values():
            if spec.kind == "plan":
                continue  # the plan builder has its own widget (test_widget_advocacy_plan.py)
            widget = checks.build(spec)
            assert widget.check(spec.solution()) == exercises.grade(spec, spec.solution())


def test_from_data_builds_written_and_computed_exercises_and_names_a_missing_one():
    assert isinstance(checks.from_data("02-four-asks", "wins-and-challenges"), SortIntoBins)
    assert isinstance(computed_checks.from_data("05-checks", "box1-years"), MatchPairs)
    with pytest.raises(exercises.ExerciseError, match=r"no exercise with id 'nope'.*wins-and-challenges"):
        checks.from_data("02-four-asks", "nope")


def test_an_accepted_neighbour_shows_its_reason_and_leaves_try_again_open(specs):
    near = MultipleChoice(specs["near"])
    near.radio.value = "3"
    near.submit.click()
    assert near.result.accepted and "≈ Close enough" in near.feedback.value and "4 fits better" in near.feedback.value
    assert not near.retry.disabled
    near.retry.click()
    near.radio.value = "4"
    near.submit.click()
    assert near.result.correct and not near.result.accepted and near.retry.disabled
    near.solution_toggle.value = True
    assert "≈ <b>Accepted:</b> 3" in near.solution.value


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_solutions_are_hidden_while_a_workshop_runs(specs, monkeypatch):
    """``idpckit serve --hide-solutions`` sets IDPCKIT_HIDE_SOLUTIONS for the kernels; the checks read it."""
    from click.testing import CliRunner

    from idpckit.cli import main
    from idpckit.exercises import HIDE_SOLUTIONS_ENV

    # setenv (not delenv) records that the variable was absent, so it is removed again after the test
    # even though the command below sets it behind monkeypatch's back; otherwise later servers inherit it.
    monkeypatch.setenv(HIDE_SOLUTIONS_ENV, "0")
    usual = SortIntoBins(specs["bins"])
    assert usual.solution_toggle in list(_walk(usual.widget))
    # The flag is set for the server's kernels before anything else (here the bad port stops it at once).
    result = CliRunner().invoke(main, ["serve", "--hide-solutions", "--port", "0", "--no-browser"])
    assert result.exit_code == 1 and "not a port number" in result.output
    import os

    assert os.environ.get(HIDE_SOLUTIONS_ENV) == "1"
    hidden = SortIntoBins(specs["bins"])
    assert hidden.solution_toggle not in list(_walk(hidden.widget))
    monkeypatch.setenv(HIDE_SOLUTIONS_ENV, "0")
    shown = SortIntoBins(specs["bins"])
    assert shown.solution_toggle in list(_walk(shown.widget))


def test_a_lessons_checks_do_not_load_the_database_library() -> None:
    """A lesson kernel builds its checks without SQLAlchemy, the store or the rooms (about 0.9 s of its start).

    The checks ask only whether a workshop hides the solutions; that must not import the rooms.
    """
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from idpckit.widgets import checks, computed_checks\n"
        "checks.from_data('06-grading-your-government', 'kinds-of-evidence').widget\n"
        "computed_checks.from_data('06-checks', 'light-for-two').widget\n"
        "print([m for m in ('sqlalchemy', 'idpckit.store', 'idpckit.rooms') if m in sys.modules])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "IDPCKIT_HIDE_SOLUTIONS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("name", "exercise_id"),
    [
        ("00-start-here", "first-reflection"),
        ("02-four-asks", "my-ask"),
        ("03-ministerial-declaration", "gap-in-your-country"),
        ("06-grading-your-government", "first-commitments"),
    ],
)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_lessons_reflection_boxes_never_lock(name: str, exercise_id: str, lang: str) -> None:
    """Lessons 0, 2, 3 and 6: after "Done: prepare my download", too short or long enough, the box stays open."""
    from idpckit import i18n

    with i18n.language(lang):
        r = checks.from_data(name, exercise_id)
        assert r.submit.description == i18n._("Done: prepare my download")
        assert lang == "en" or r.submit.description != "Done: prepare my download"
        r.text.value = "Too short."
        r.submit.click()
        assert not r.result.correct and r.download.value == ""
        assert not r.text.disabled and not r.submit.disabled, "a short reflection shut the box"
        r.text.value = " ".join(["word"] * r.spec.min_words)
        assert r.feedback.value == checks._note("")  # the 'not yet' was about the shorter text
        r.submit.click()
        assert r.result.correct and "⬇" in r.download.value
        assert not r.text.disabled and not r.submit.disabled, "the box locked after Done"
        r.text.value += " and more"
        r.submit.click()
        assert "and more" in decode(r.download.value)


def test_a_lessons_checks_are_light_and_showing_one_solution_shows_no_other(content: data.Content) -> None:
    """Lesson 6's 13 checks, as its page builds them: one stylesheet for all, and shared layouts and styles.

    A page fetches and builds every widget's model before it draws; each check brought its own copy
    of the stylesheet and script (15 kB, six models) and a layout and style per text and button.
    Each check still carries the stylesheet (shown alone, it is styled), and what one check shows or
    hides stays its own: one solution shown, the others stay hidden.
    """
    import nbformat

    lesson = Path(__file__).resolve().parents[1] / "notebooks" / "06-grading-your-government.ipynb"
    calls = [c.source.splitlines()[-1] for c in nbformat.read(lesson, as_version=4).cells if c.cell_type == "code"]
    made = [
        eval(call.removesuffix(".widget"), {"checks": checks, "computed_checks": computed_checks})
        for call in calls
        if "checks.from_data(" in call
    ]
    assert len(made) == 13
    assert len(models_of(c.widget for c in made)) <= 300  # 582 when each check had its own
    styles = {c.widget.children[0].model_id for c in made if "idpc-style" in c.widget.children[0]._dom_classes}
    assert len(styles) == 1 and all("idpc-style" in c.widget.children[0]._dom_classes for c in made)
    first, second = made[:2]
    first.solution_toggle.value = True
    assert first.solution.layout.display == "" and second.solution.layout.display == "none"
    assert first.submit.layout.display is None and second.feedback.layout.display is None


@pytest.mark.parametrize(
    ("lang", "tick", "choose", "solution", "why"),
    [
        ("es", "Marque todas las opciones que correspondan.", "Elija una opción.", "Solución", "Por qué"),
        ("fr", "Cochez toutes les options qui s&#x27;appliquent.", "Choisissez une option.", "Solution", "Pourquoi"),
        ("ru", "Отметьте все подходящие варианты.", "Выберите один вариант.", "Решение", "Почему"),
    ],
)
def test_a_checks_own_words_are_in_the_lessons_language(specs, lang, tick, choose, solution, why):
    """What the widgets write around a question (its hint, the solution's heading) in a translated lesson."""
    import ipywidgets

    from idpckit import i18n

    with i18n.language(lang):
        many, one = MultipleChoice(specs["many"]), MultipleChoice(specs["one"])
        bins, pairs = SortIntoBins(specs["bins"]), MatchPairs(specs["pairs"])
        bins.solution_toggle.value = pairs.solution_toggle.value = True

    def shown(check: MultipleChoice) -> str:
        return "".join(c.value for c in check.widget.children if isinstance(c, ipywidgets.HTML))

    assert tick in shown(many) and choose in shown(one)
    for text in (f"<h5>{solution}</h5>", f"<th>{why}</th>"):
        assert text in bins.solution.value + pairs.solution.value, text
    assert "Tick every option" not in shown(many) and "Choose one option" not in shown(one)
    assert "<th>Why</th>" not in pairs.solution.value

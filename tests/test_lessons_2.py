"""Lessons 4-7: the Table 1 quiz, the knowledge checks computed from data, the lesson views and the notebooks' shape.

Executing the notebooks is tests/test_notebooks.py's job; here every exercise's
checker is called with right and wrong answers, and a correction made to a copy
of ``data/`` is shown to flow into the answers.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from idpckit import coalition, compare, data, lesson_views, scales, table1
from idpckit.assessment import Assessment, Entry, Source
from idpckit.assessment_io import load_example
from idpckit.widgets import checks, computed_checks
from idpckit.widgets.table1_quiz import NONE_OF_THEM, QuizError, Table1Quiz, load_questions

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = {
    4: ROOT / "notebooks" / "04-table1.ipynb",
    5: ROOT / "notebooks" / "05-calendar-and-venues.ipynb",
    6: ROOT / "notebooks" / "06-grading-your-government.ipynb",
    7: ROOT / "notebooks" / "07-together-and-over-time.ipynb",
}
NOTE = Path("/work/shared/seed/000_b4922b004bc123b3.txt")
COMPUTED = ("05-checks", "06-checks", "07-checks")
PLAIN = ("06-grading-your-government", "07-together-and-over-time")


@pytest.fixture(scope="module")
def content() -> data.Content:
    return data.load()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(data.data_dir(), root)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def wrong_answer(spec: object) -> object:
    """An answer that must be refused: flip one option, move one item, or pick a wrong option."""
    solution = spec.solution()  # type: ignore[attr-defined]
    if spec.kind == "choice":  # type: ignore[attr-defined]
        if spec.multiple:  # type: ignore[attr-defined]
            extra = next(o.text for o in spec.options if not o.correct)  # type: ignore[attr-defined]
            return set(solution) | {extra}
        return next(o.text for o in spec.options if not o.correct)  # type: ignore[attr-defined]
    if spec.kind == "sort":  # type: ignore[attr-defined]
        key = next(iter(solution))
        other = next(b for b in spec.bins if b != solution[key])  # type: ignore[attr-defined]
        return {**solution, key: other}
    if spec.kind == "match":  # type: ignore[attr-defined]
        keys = list(solution)
        return {**solution, keys[0]: solution[keys[1]]}
    raise AssertionError(spec.kind)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- Table 1 quiz


def test_quiz_answers_are_what_table1_shows(content):
    questions, skipped = load_questions(content)
    assert not skipped
    by_id = {q.id: q for q in questions}
    silent = {c.id for c in content.commitments if table1.render(content.references_for(c.id, "md2019")) == "-"}
    assert by_id["md2019-silent"].answer == silent and silent
    everywhere = [r for r in table1.rows(content) if all(r[d] != "-" for d in ("ungass2016", "md2019", "cp2018"))]
    assert by_id["all-three"].answer == {str(len(everywhere))}


def test_every_quiz_question_accepts_its_answer_and_refuses_a_wrong_one(content):
    quiz = Table1Quiz(content)
    assert quiz.checks
    for q, check in zip(quiz.questions, quiz.checks, strict=True):
        right = q.answer_labels if q.kind == "many" else next(iter(q.answer_labels))
        assert check.check(right).correct, q.id
        assert not check.check(wrong_answer(check.spec)).correct, q.id
        if q.kind == "many":
            assert not check.check(set(list(right)[1:])).correct or len(right) == 1


@pytest.mark.parametrize("question_id", [q.id for q in load_questions()[0]])
def test_the_pandas_shown_with_each_solution_finds_the_same_answer(question_id):
    q = next(q for q in load_questions()[0] if q.id == question_id)
    namespace = {"data": data}
    *body, last = q.code.splitlines()
    exec("\n".join(body), namespace)
    result = eval(last, namespace)
    if hasattr(result, "index") and not isinstance(result, list):  # a counted Series: the top rows
        top = result.max()
        found = {"|".join(map(str, k)) if isinstance(k, tuple) else str(k) for k, v in result.items() if v == top}
    elif isinstance(result, list):
        found = set(map(str, result))
    else:
        found = {str(result)}
    assert found == set(q.answer)


def test_a_corrected_reference_changes_the_quiz_answers(data_copy):
    refs = data_copy / "references.csv"
    refs.write_text(refs.read_text(encoding="utf-8") + "prison-health,md2019,Preamble,PP,11,,\n", encoding="utf-8")
    questions, _ = load_questions(data.load(data_copy))
    by_id = {q.id: q for q in questions}
    assert by_id["md2019-silent"].answer == {"legal-guarantees"}
    original = {q.id: q for q in load_questions()[0]}
    assert int(next(iter(by_id["all-three"].answer))) == int(next(iter(original["all-three"].answer))) + 1


def test_a_question_whose_paragraph_disappears_is_left_out_with_a_note(data_copy):
    refs = data_copy / "references.csv"
    refs.write_text(refs.read_text(encoding="utf-8").replace(",OP,1.k,", ",OP,1.l,"), encoding="utf-8")
    quiz = Table1Quiz(data.load(data_copy))
    assert "ungass-1k" not in [q.id for q in quiz.questions]
    assert quiz.skipped and "ungass-1k" in quiz.skipped[0] and "1.k" in quiz.skipped[0]
    assert "Note for the trainer" in quiz.widget.children[-1].value


def test_a_question_with_no_right_option_offers_none_of_them(data_copy, content):
    # every commitment gets a Common Position reference: the "silent" question's answer becomes "none"
    refs = data_copy / "references.csv"
    extra = "".join(f"{c.id},cp2018,Directions for action,bullet,99,,\n" for c in content.commitments)
    refs.write_text(refs.read_text(encoding="utf-8") + extra, encoding="utf-8")
    quiz = Table1Quiz(data.load(data_copy))
    i = [q.id for q in quiz.questions].index("cp2018-silent")
    assert quiz.questions[i].answer == frozenset()
    assert quiz.checks[i].check({NONE_OF_THEM}).correct
    assert not quiz.checks[i].check({quiz.checks[i].spec.options[0].text}).correct


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("questions: []\n", "at least one question"),
        ("questions:\n  - {id: a, rule: guess, prompt: p}\n", "rule 'guess' is unknown"),
        ("questions:\n  - {id: a, rule: silent_in, prompt: p}\n", "needs the field 'document'"),
        ("questions:\n  - {id: a, rule: silent_in, prompt: p, document: pd2009}\n", "document 'pd2009' is unknown"),
        (
            "questions:\n  - {id: a, rule: count_in_all, prompt: p}\n  - {id: a, rule: count_in_all, prompt: q}\n",
            "used twice",
        ),
        ("questions: [\n", "could not be read"),
    ],
)
def test_a_broken_quiz_file_names_the_problem(tmp_path, content, yaml_text, message):
    path = tmp_path / "quiz.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(QuizError, match=message):
        load_questions(content, path)


def test_quiz_widget_gives_feedback_and_reveals_the_pandas(content):
    quiz = Table1Quiz(content)
    check = quiz.checks[0]
    question = quiz.questions[0]
    for box in check.boxes:
        box.value = box.description in question.answer_labels
    check.submit.click()
    assert "Correct" in check.feedback.value
    check.solution_toggle.value = True
    assert "data.frame(&quot;references&quot;)" in check.solution.value
    shown = [html.unescape(c.value) for c in check.widget.children if isinstance(getattr(c, "value", None), str)]
    assert question.hint and any(question.hint in text for text in shown), "the hint is shown with the question"


# --------------------------------------------------------------------------- computed checks


@pytest.mark.parametrize("name", COMPUTED)
def test_every_computed_check_accepts_its_solution_and_refuses_a_wrong_answer(name, content):
    specs = computed_checks.load_specs(name, content)
    assert specs
    for spec in specs.values():
        widget = checks.build(spec)
        assert widget.check(spec.solution()).correct, spec.id
        assert not widget.check(wrong_answer(spec)).correct, spec.id


def test_box1_match_follows_workplan_csv(data_copy):
    edit(data_copy / "workplan.csv", "2020,Health,", "2020,Health and harm reduction,")
    spec = computed_checks.load_specs("05-checks", data.load(data_copy))["box1-years"]
    assert spec.solution()["2020"] == "Health and harm reduction"


def test_venues_sort_follows_avenues_yaml(content):
    spec = computed_checks.load_specs("05-checks", content)["venues-by-city"]
    expected = {a.venue: a.city for a in content.avenues if a.id != "vienna-ngo-committees"}
    assert spec.solution() == expected


def test_grade_checks_quote_the_rubric(data_copy, content):
    specs = computed_checks.load_specs("06-checks", content)
    spec = specs["grade-alternatives"]
    three = next(o for o in spec.options if o.text.startswith("3 "))
    assert content.rubric_for("alternatives").level(3) in three.why
    edit(data_copy / "rubric.yaml", "Possession is still a crime, but", "Possession remains an offence, but")
    edited = computed_checks.load_specs("06-checks", data.load(data_copy))["grade-alternatives"]
    assert "Possession remains an offence" in next(o for o in edited.options if o.text.startswith("3 ")).why


@pytest.mark.parametrize("grade", [1, 2, 3, 4, 5])
def test_light_for_grade_follows_the_scales_module(content, grade):
    spec = computed_checks._light_for_grade(content, {"id": "x", "title": "t", "prompt": "p", "grade": grade})
    light = scales.convert(grade, "five-point", "traffic-light")
    assert spec.solution().split()[1].lower() == light


def test_veridia_checks_agree_with_the_engine(content):
    alliance, partner, first = (
        load_example("veridia-2024"),
        load_example("veridia-2024-partner"),
        load_example("veridia-2023"),
    )
    specs = computed_checks.load_specs("07-checks", content)
    label = {c.id: f"{c.number}. {c.title}" for c in content.commitments}
    flagged = {label[m.commitment_id] for m in coalition.merge([alliance, partner], content) if m.disagree}
    assert specs["veridia-disagreements"].solution() == flagged
    changes = compare.compare(first, alliance, content)
    assert specs["veridia-improved"].solution() == {
        label[c.commitment_id] for c in changes if c.direction == "improved"
    }
    assert specs["veridia-worsened"].solution() == {
        label[c.commitment_id] for c in changes if c.direction == "worsened"
    }
    ungraded = computed_checks.load_specs("06-checks", content)["veridia-2023-focus"].solution()
    assert ungraded == {
        label[c.id] for c in content.commitments if not (first.entry(c.id) and first.entry(c.id).graded)
    }


def test_every_grade_situation_targets_a_grade_the_rubric_can_justify(content):
    import yaml

    items = yaml.safe_load((computed_checks.computed_dir() / "06-checks.yaml").read_text(encoding="utf-8"))
    situations = [i for i in items if i["rule"] == "grade_for_situation"]
    assert {i["grade"] for i in situations} & {2, 4}, "at least one in-between grade is practised"
    for item in situations:
        assert item["commitment"] in {c.id for c in content.commitments}
        assert len(item["situation"].split()) >= 25, "a situation needs enough detail to grade"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("- {id: a, rule: nope, title: t, prompt: p}", "rule 'nope' is unknown"),
        ("- {id: a, rule: light_for_grade, title: t, prompt: p}", "needs the field 'grade'"),
        ("- {id: a, rule: light_for_grade, title: t, prompt: p, grade: 9}", "item 1 \\(id 'a'\\)"),
        (
            "- {id: a, rule: year_on_year, title: t, prompt: p, old: veridia-2023, new: veridia-2024, direction: up}",
            "direction must be",
        ),
        ("- {id: a, rule: example_ungraded, title: t, prompt: p, example: atlantis-2030}", "item 1"),
        ("- {id: a, rule: venues_by_city, title: t, prompt: p, exclude: [moon]}", "moon"),
        ("- {rule: light_for_grade, title: t, prompt: p, grade: 2}", "field 'id' is missing"),
    ],
)
def test_a_broken_computed_check_names_file_item_and_field(data_copy, entry, message):
    (data_copy / "exercises" / "computed" / "99-broken.yaml").write_text(entry + "\n", encoding="utf-8")
    with pytest.raises(checks.ExerciseError, match=message):
        computed_checks.load_specs("99-broken", data.load(data_copy))


@pytest.mark.parametrize("name", PLAIN)
def test_plain_exercises_of_lessons_6_and_7_check_right_and_wrong(name):
    for spec in checks.load_exercises(name).values():
        widget = checks.build(spec)
        if spec.kind == "reflection":
            assert widget.check("word " * spec.min_words).correct
            assert not widget.check("too short").correct
            continue
        assert widget.check(spec.solution()).correct, spec.id
        assert not widget.check(wrong_answer(spec)).correct, spec.id


# --------------------------------------------------------------------------- lesson views


def test_lesson_views_escape_what_ngos_typed(content):
    hostile = "<script>alert(1)</script>"
    a = Assessment(
        country="XVR",
        year=2025,
        organisations=[hostile],
        fictional=True,
        entries=[
            Entry(
                commitment_id="harm-reduction",
                grade=2,
                evidence=hostile,
                recommendation=hostile,
                sources=[Source(title=hostile, kind="data")],
            )
        ],
    )
    for page in (str(lesson_views.entries(a)), str(lesson_views.side_by_side([a], "harm-reduction"))):
        assert "<script>" not in page and "&lt;script&gt;" in page


def test_lesson_views_show_edited_data_escaped_and_refuse_unsafe_links(data_copy):
    edit(data_copy / "avenues.yaml", 'venue: "Human Rights Council (HRC)"', 'venue: "Human Rights <b>Council</b>"')
    edit(
        data_copy / "avenues.yaml",
        'url: "https://www.ohchr.org/EN/HRBodies/HRC/Pages/Sessions.aspx"',
        'url: "https://example.org/x"',
    )
    page = str(lesson_views.venues("Geneva", data.load(data_copy)))
    assert "Human Rights &lt;b&gt;Council&lt;/b&gt;" in page
    assert lesson_views._link("javascript:alert(1)", "x") == "x"


def test_silences_lists_exactly_the_dashes(content):
    page = str(lesson_views.silences(content))
    for row in table1.rows(content):
        for doc in ("ungass2016", "md2019", "cp2018"):
            if row[doc] == "-":
                assert f"{row['number']}. " in page


def test_rubric_browser_switches_commitment(content):
    browser = lesson_views.RubricBrowser(content)
    browser.choice.value = "data"
    assert content.rubric_for("data").questions[0][:40] in browser.card.value.replace("&#x27;", "'")


def test_figures_carry_a_text_description(content):
    from idpckit import plots

    page = str(lesson_views.figure(plots.scorecard(load_example("veridia-2024"), content), "A scorecard"))
    assert 'aria-label="A scorecard"' in page and "<svg" in page and "<?xml" not in page


# --------------------------------------------------------------------------- notebooks


@pytest.mark.parametrize("order", sorted(NOTEBOOKS))
def test_lesson_notebook_shape(order):
    path = NOTEBOOKS[order]
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    meta = nb.metadata["idpckit"]
    assert meta["kind"] == "lesson" and meta["order"] == order
    for key in ("title", "summary", "teaching", "exercises", "objectives", "keypoints"):
        assert meta[key], key
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "committed without outputs"
    top, bottom = nb.cells[0].source, nb.cells[-1].source
    assert f"Lesson {order}: {meta['title']}" in top
    assert f"about {meta['teaching'] + meta['exercises']} minutes" in top
    assert all(o in top for o in meta["objectives"]), "objectives at the top match the metadata"
    assert bottom.startswith("## Key points") and all(k in bottom for k in meta["keypoints"])
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert re.search(r"checks\.from_data|Table1Quiz\(|AdvocacyPlanBuilder\(", code), "at least one exercise"
    assert "../data" not in code and "open(" not in code, "notebooks read data through idpckit"
    assert max(len(c.source.splitlines()) for c in nb.cells if c.cell_type == "code") <= 8, "thin cells"


def test_lesson_metadata_passes_the_catalog_schema():
    catalog = pytest.importorskip("idpckit.catalog")
    for path in NOTEBOOKS.values():
        catalog.Metadata.model_validate(json.loads(path.read_text(encoding="utf-8"))["metadata"]["idpckit"])


def test_every_exercise_a_notebook_names_exists(content):
    for path in NOTEBOOKS.values():
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        for name, ex_id in re.findall(r'checks\.from_data\("([^"]+)", "([^"]+)"\)', code):
            specs = (
                computed_checks.load_specs(name, content)
                if "computed_checks.from_data" in code and name in COMPUTED
                else checks.load_exercises(name)
            )
            assert ex_id in specs, (path.name, name, ex_id)


def test_lesson_6_points_to_the_self_assessment_app():
    nb = nbformat.read(NOTEBOOKS[6], as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "](self-assessment.ipynb)" in text
    assert (ROOT / "notebooks" / "self-assessment.ipynb").is_file()


def _prose() -> dict[str, str]:
    texts = {}
    for path in NOTEBOOKS.values():
        nb = nbformat.read(path, as_version=4)
        texts[path.name] = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for path in sorted((ROOT / "data" / "exercises").rglob("0[4-7]*.yaml")):
        texts[path.name] = path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "workshop").rglob("*.md")):
        if path.name not in ("schedule.md", "table1.md", "solutions.md"):  # generated from data and notebooks
            texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return texts


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'").replace("'", ""))


@pytest.mark.skipif(not NOTE.is_file(), reason="the source note is not on this machine")
def test_prose_is_in_our_own_words():
    """No run of 10 words from the note appears in the lessons, exercises or trainers' notes."""
    note = _words(NOTE.read_text(encoding="utf-8"))
    n = 10
    shingles = {" ".join(note[i : i + n]) for i in range(len(note) - n + 1)}
    for name, text in _prose().items():
        words = _words(text)
        copied = [
            " ".join(words[i : i + n]) for i in range(len(words) - n + 1) if " ".join(words[i : i + n]) in shingles
        ]
        assert not copied, f"{name} repeats the note word for word: {copied[:3]}"


def test_years_in_the_prose_are_years_the_data_knows():
    """A year typed in a lesson must exist in data/, so prose cannot drift from the content."""
    known = set()
    for path in data.data_dir().glob("*.*"):
        known |= set(re.findall(r"\b20\d\d\b", path.read_text(encoding="utf-8")))
    for path in NOTEBOOKS.values():
        nb = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        unknown = set(re.findall(r"\b20\d\d\b", text)) - known
        assert not unknown, f"{path.name} mentions {sorted(unknown)}, which no data file has"


# --------------------------------------------------------------------------- workshop


def test_table1_handout_is_up_to_date():
    from click.testing import CliRunner

    from idpckit.cli import main

    result = CliRunner().invoke(main, ["table1", "--format", "markdown"])
    assert result.exit_code == 0
    handout = (ROOT / "workshop" / "handouts" / "table1.md").read_text(encoding="utf-8")
    assert handout == result.output, "regenerate: idpckit table1 --format markdown -o workshop/handouts/table1.md"


def test_workshop_links_point_to_files_that_exist():
    for path in (ROOT / "workshop").rglob("*.md"):
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "mailto:")) or target.endswith("schedule.md"):
                continue
            assert (path.parent / target).resolve().exists(), f"{path.relative_to(ROOT)} links to missing {target}"


def test_facilitator_notes_cover_every_lesson_4_to_7():
    text = (ROOT / "workshop" / "facilitator-notes.md").read_text(encoding="utf-8")
    for order, path in NOTEBOOKS.items():
        title = nbformat.read(path, as_version=4).metadata["idpckit"]["title"]
        assert f"Lesson {order}: {title}" in text


def test_solution_sheet_is_up_to_date():
    from click.testing import CliRunner

    from idpckit.cli import main

    sheet = ROOT / "workshop" / "solutions.md"
    result = CliRunner().invoke(main, ["solutions", "-o", str(sheet), "--check"])
    assert result.exit_code == 0, "regenerate: idpckit solutions -o workshop/solutions.md"


def test_solution_sheet_follows_a_data_correction(data_copy, monkeypatch):
    from idpckit.exercises import solutions

    refs = data_copy / "references.csv"
    refs.write_text(refs.read_text(encoding="utf-8") + "gender,cp2018,Directions for action,bullet,15,,\n", "utf-8")
    monkeypatch.setenv("IDPCKIT_DATA", str(data_copy))
    sheet = solutions.markdown(data.load(data_copy))
    quiz = sheet.split("### Table 1 quiz")[1].split("## Lesson 5")[0]
    assert "Answer: none of them" in quiz  # the Common Position is no longer silent on anything


def test_solutions_check_fails_on_a_stale_file(tmp_path):
    from click.testing import CliRunner

    from idpckit.cli import main

    stale = tmp_path / "solutions.md"
    stale.write_text("old\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["solutions", "-o", str(stale), "--check"])
    assert result.exit_code == 1 and "out of date" in result.output


def _agenda_tables() -> list[list[tuple[int, str, int | None]]]:
    """Each agenda table as rows of (start in minutes, session cell, minutes or None for the end row)."""
    tables, current = [], []
    for line in (ROOT / "workshop" / "agenda.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| (\d\d):(\d\d) \| (.*?) \| ?(\d*) ?\|", line)
        if m:
            current.append(
                (int(m.group(1)) * 60 + int(m.group(2)), m.group(3), int(m.group(4)) if m.group(4) else None)
            )
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def test_agenda_times_add_up_and_match_the_lessons():
    from idpckit import catalog

    minutes = {e.name: e.minutes for e in catalog.catalog()}
    tables = _agenda_tables()
    assert len(tables) == 2, "a one-day and a half-day agenda"
    for rows in tables:
        assert rows[-1][2] is None, "each agenda ends with an End row"
        for (start, session, length), (next_start, _, _) in itertools.pairwise(rows):
            assert start + length == next_start, f"{session} does not end when the next session starts"
            lesson = re.search(r"\(\.\./notebooks/(\d\d-[a-z0-9-]+\.ipynb)\)", session)
            if lesson:
                assert length == minutes[lesson.group(1)], f"{lesson.group(1)} takes {minutes[lesson.group(1)]} min"

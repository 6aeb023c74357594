"""Lessons 4-7: the lesson views and the notebooks' shape.

Executing the notebooks is tests/test_notebooks.py's job, grading their
exercises test_exercises.py's; here the views are shown to escape what NGOs
typed and to follow corrections made to a copy of ``data/``.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from idpckit import data, exercises, lessons, table1
from idpckit.assessment import Assessment, Entry, Source
from idpckit.assessment_io import load_example

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = {
    4: ROOT / "notebooks" / "04-table1.ipynb",
    5: ROOT / "notebooks" / "05-calendar-and-venues.ipynb",
    6: ROOT / "notebooks" / "06-grading-your-government.ipynb",
    7: ROOT / "notebooks" / "07-together-and-over-time.ipynb",
}


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


# --------------------------------------------------------------------------- lesson views


def test_lesson_pages_escape_what_ngos_typed(content):
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
    for page in (str(lessons.entries(a)), str(lessons.side_by_side([a], "harm-reduction"))):
        assert "<script>" not in page and "&lt;script&gt;" in page


def test_lesson_pages_show_edited_data_escaped_and_refuse_unsafe_links(data_copy):
    edit(data_copy / "avenues.yaml", 'venue: "Human Rights Council (HRC)"', 'venue: "Human Rights <b>Council</b>"')
    edit(
        data_copy / "avenues.yaml",
        'url: "https://www.ohchr.org/EN/HRBodies/HRC/Pages/Sessions.aspx"',
        'url: "https://example.org/x"',
    )
    page = str(lessons.venues("Geneva", data.load(data_copy)))
    assert "Human Rights &lt;b&gt;Council&lt;/b&gt;" in page
    assert lessons._link("javascript:alert(1)", "x") == "x"


def test_silences_lists_exactly_the_dashes(content):
    page = str(lessons.silences(content))
    for row in table1.rows(content):
        for doc in ("ungass2016", "md2019", "cp2018"):
            if row[doc] == "-":
                assert f"{row['number']}. " in page


def test_rubric_browser_switches_commitment(content):
    browser = lessons.RubricBrowser(content)
    browser.choice.value = "data"
    assert content.rubric_for("data").questions[0][:40] in browser.card.value.replace("&#x27;", "'")


def test_displayed_blocks_carry_the_one_stylesheet_and_markup_stays_bare(content):
    from idpckit.style import widget_style

    block = lessons.asks(content)
    shown = block._repr_html_()
    assert shown.startswith(widget_style()) and shown.count("<style") == 1
    assert '<div class="idpc-lesson">' in shown and str(block) in shown
    assert "<style" not in str(block)  # what tests and slides read: the markup alone
    assert ".idpckit-card {" in widget_style()  # the cards' rules live in widgets.css


def test_figures_carry_a_text_description(content):
    from idpckit import plots

    page = str(lessons.figure(plots.scorecard(load_example("veridia-2024"), content), "A scorecard"))
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
    from idpckit import catalog

    for path in NOTEBOOKS.values():
        catalog.Metadata.model_validate(json.loads(path.read_text(encoding="utf-8"))["metadata"]["idpckit"])


def test_every_exercise_a_notebook_names_exists(content):
    for path in NOTEBOOKS.values():
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        for name, ex_id in re.findall(r'checks\.from_data\("([^"]+)", "([^"]+)"\)', code):
            assert ex_id in exercises.load(name, content).specs, (path.name, name, ex_id)


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
        if "node_modules" in path.parts:  # the hub's proxy, installed by npm: not our words
            continue
        if path.name not in ("schedule.md", "table1.md", "solutions.md"):  # generated from data and notebooks
            texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return texts


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'").replace("'", ""))


def test_prose_is_in_our_own_words(seed_note: str):
    """No run of 10 words from the note appears in the lessons, exercises or trainers' notes."""
    note = _words(seed_note)
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
        if "node_modules" in path.parts:  # the hub's proxy, installed by npm (workshop/hosting/jupyterhub/proxy)
            continue
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "mailto:")) or target.endswith("schedule.md"):
                continue
            assert (path.parent / target).resolve().exists(), f"{path.relative_to(ROOT)} links to missing {target}"


def test_facilitator_notes_cover_every_lesson_4_to_7():
    text = (ROOT / "workshop" / "facilitator-notes.md").read_text(encoding="utf-8")
    for order, path in NOTEBOOKS.items():
        title = nbformat.read(path, as_version=4).metadata["idpckit"]["title"]
        assert f"Lesson {order}: {title}" in text


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

"""The lesson helpers in ``idpckit.lessons``: they render the data, follow corrections made to a
copy of ``data/``, escape what NGOs typed, and carry the one stylesheet.

The notebooks' shape is tests/test_notebooks.py's job, what their prose says test_prose.py's,
grading their exercises test_exercises.py's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from idpckit import data, lessons, table1
from idpckit.assessment import Assessment, Entry, Source
from idpckit.assessment_io import AssessmentError, load_example

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


@pytest.fixture(scope="module")
def content() -> data.Content:
    return data.load()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_asks_render_every_ask_with_wins_challenges_and_verdict(content):
    html = str(lessons.asks())
    for a in content.asks:
        assert f"Ask {a.number}: {a.title}".replace("'", "&#x27;") in html
        assert f"What was won</b> ({len(a.wins)})" in html
        assert f"Verdict: {a.verdict_level}." in html
    assert html.count("<li>✔") == sum(len(a.wins) for a in content.asks)
    assert html.count("<li>✖") == sum(len(a.challenges) for a in content.asks)


def test_helpers_follow_corrections_in_the_data_and_escape_them(data_copy):
    goals = (data_copy / "goals.csv").read_text(encoding="utf-8")
    (data_copy / "goals.csv").write_text(goals.replace("Controlled medicines", "Medicines <script>x</script>"), "utf-8")
    content = data.load(data_copy)
    html = str(lessons.goals(content))
    assert "Medicines &lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html
    assert html.count('class="idpckit-card"') == 6 and "<h4>Goal 6: " in html


def test_goals_list_linked_commitments(content):
    html = str(lessons.goals(content))
    for g in content.goals:
        assert f"“{g.key_phrase}”".replace("'", "&#x27;") in html
        for cid in g.commitment_ids:
            assert content.commitment(cid).title.replace("'", "&#x27;") in html


def test_workplan_table_reads_the_plan(content):
    html = str(lessons.workplan(content))
    for w in content.workplan:
        assert f"<b>{w.year}</b>" in html
    assert "challenges numbered 1 to 11" in html


def test_documents_table_marks_later_documents(content):
    html = str(lessons.documents(["pd2009", "hld2024"], content))
    assert "11–12 March 2009" in html and "after the 2019 note" in html
    assert html.count("after the 2019 note") == 1
    with pytest.raises(StopIteration):
        lessons.documents(["no-such-document"], content)


def test_overview_reads_times_from_notebooks_and_reports_broken_ones(tmp_path):
    for stem in ("00-start-here", "01-road-to-2019"):
        (tmp_path / f"{stem}.ipynb").write_bytes((NOTEBOOKS / f"{stem}.ipynb").read_bytes())
    (tmp_path / "99-broken.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}), encoding="utf-8")
    html = str(lessons.overview(tmp_path))
    assert '<a href="00-start-here.ipynb">Start here</a>' in html
    assert "<b>40 min</b>" in html  # lesson 1: 20 + 20
    assert "<b>55 min (0 h 55)</b>" in html  # 15 + 40
    assert "99-broken.ipynb" in html and "tell your trainer" in html


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


def test_timeline_does_not_import_matplotlib_until_a_chart_is_drawn():
    code = (
        "import sys; from idpckit.widgets.timeline import Timeline; Timeline(); "
        "from idpckit import lessons; lessons.asks(); "
        "print('matplotlib' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_reviews_are_named_by_their_example_so_each_cell_stays_one_call(content):
    """Lessons 6 and 7 name the fictional reviews; the helpers show the same page as for the loaded review."""
    veridia = load_example("veridia-2024")
    assert str(lessons.entries("veridia-2024", ["harm-reduction"], content)) == str(
        lessons.entries(veridia, ["harm-reduction"], content)
    )
    both = lessons.side_by_side(["veridia-2024", "veridia-2024-partner"], "harm-reduction", content)
    assert str(both) == str(
        lessons.side_by_side([veridia, load_example("veridia-2024-partner")], "harm-reduction", content)
    )
    with pytest.raises(AssessmentError, match="no-such-example"):
        lessons.review("no-such-example")


def test_review_figures_carry_their_description(content):
    for page in (
        lessons.scorecard("veridia-2023", "First review", content),
        lessons.coalition(["veridia-2024", "veridia-2024-partner"], "Two members", content),
        lessons.year_on_year("veridia-2023", "veridia-2024", "Over a year", content),
    ):
        text = str(page)
        assert "<svg" in text and "<figcaption>" in text
    assert 'aria-label="Over a year"' in text
    with pytest.raises(ValueError):  # a later review given first is refused, as compare.between does
        lessons.year_on_year("veridia-2024", "veridia-2023", "Backwards", content)


def test_a_lesson_kernel_shows_pandas_tables_in_a_named_region_a_keyboard_can_scroll() -> None:
    """Lesson 4's pandas tables, wider than a phone, scroll in a box of their own that takes focus and is named
    by its columns (axe-core's "scrollable-region-focusable"): in a real IPython shell, as in the kernel."""
    code = (
        "import pandas as pd\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "from idpckit import lessons\n"
        "frame = pd.DataFrame({'commitment_id': ['c1'], 'document': ['md2019'], 'ref': ['1.k'], 'page': [3], 'x': [1]})\n"
        "data, _ = shell.display_formatter.format(frame)\n"
        "print(data['text/html'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert '<div class="idpckit-scroll" role="region" tabindex="0"' in out
    assert 'aria-label="Table with the columns commitment_id, document, ref, page, …"' in out
    assert '<table border="1" class="dataframe">' in out  # pandas' own table, inside the box
    assert "idpc-lesson" in out  # with the lesson's stylesheet (the box's shadows and inner focus ring)

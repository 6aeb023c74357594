"""Lessons 0-3: what they say agrees with their metadata and with data/, their exercises exist,
and the helpers and the timeline they call render the data correctly."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from idpckit import data, exercises, lessons
from idpckit.widgets.timeline import Timeline, alt_text, chart, chart_html, format_date, short_date

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
MINE = ["00-start-here", "01-road-to-2019", "02-four-asks", "03-ministerial-declaration"]
FROM_DATA = re.compile(r"""(?<![\w.])checks\.from_data\(\s*["']([\w.-]+)["']\s*,\s*["']([\w-]+)["']""")


def _nb(stem: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)


def _markdown(nb: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.fixture(scope="module")
def content() -> data.Content:
    return data.load()


# --------------------------------------------------------------------------- anatomy of a lesson


@pytest.mark.parametrize("stem", MINE)
def test_top_states_time_and_objectives_from_metadata(stem):
    """The Markdown at the top (readable before anything runs) must agree with the metadata."""
    nb = _nb(stem)
    meta = nb.metadata["idpckit"]
    top = nb.cells[0]
    assert top.cell_type == "markdown" and top.source.startswith(f"# Lesson {meta['order']}: {meta['title']}")
    assert f"about {meta['teaching'] + meta['exercises']} minutes" in top.source
    assert f"{meta['teaching']} minutes of teaching" in top.source
    assert f"{meta['exercises']} minutes of exercises" in top.source
    listed = re.findall(r"^- (.+)$", top.source, flags=re.M)
    assert listed == meta["objectives"], "objectives at the top differ from the notebook metadata"


@pytest.mark.parametrize("stem", MINE)
def test_key_points_at_the_end_match_metadata(stem):
    nb = _nb(stem)
    last = nb.cells[-1]
    assert last.cell_type == "markdown" and last.source.startswith("## Key points")
    assert re.findall(r"^- (.+)$", last.source, flags=re.M) == nb.metadata["idpckit"]["keypoints"]


@pytest.mark.parametrize("stem", MINE)
def test_each_lesson_has_an_exercise_and_uses_all_of_its_exercises(stem):
    code = "\n".join(c.source for c in _nb(stem).cells if c.cell_type == "code")
    used = FROM_DATA.findall(code)
    assert used, f"{stem} has no knowledge check"
    assert {name for name, _ in used} == {stem}, "a lesson uses the exercise file named after it"
    assert sorted(i for _, i in used) == sorted(exercises.load(stem).specs), "every exercise in the file is used"
    assert any(spec.kind != "reflection" for spec in exercises.load(stem).specs.values()), "needs a checked exercise"


@pytest.mark.parametrize("stem", MINE)
def test_code_cells_stay_thin(stem):
    """Notebooks are prose plus one or two calls into idpckit per code cell."""
    for cell in _nb(stem).cells:
        if cell.cell_type != "code":
            continue
        lines = [
            line for line in cell.source.splitlines() if line.strip() and not line.startswith(("from ", "import "))
        ]
        assert 1 <= len(lines) <= 2, f"{stem}: code cell too long:\n{cell.source}"
        assert "def " not in cell.source and "class " not in cell.source


def test_every_from_data_call_in_any_notebook_names_a_real_exercise():
    """Other lessons and apps use the checks too; a typo in an id would only show up in a browser."""
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                for name, ex_id in FROM_DATA.findall(cell.source):
                    assert ex_id in exercises.load(name).specs, f"{path.name}: no exercise {name}/{ex_id}"


# --------------------------------------------------------------------------- facts agree with data/


def _data_years(content: data.Content) -> set[str]:
    years = {e.date[:4] for e in content.timeline} | {e.date_end[:4] for e in content.timeline if e.date_end}
    years |= {d.date[:4] for d in content.documents} | {str(w.year) for w in content.workplan}
    for e in content.timeline:  # years named in descriptions, e.g. "a new timeline to 2029"
        years |= set(re.findall(r"\b(?:19|20)\d\d\b", e.description))
    return years


@pytest.mark.parametrize("stem", MINE)
def test_every_year_in_the_prose_is_a_year_in_the_data(stem, content):
    text = _markdown(_nb(stem))
    years = set(re.findall(r"\b(?:19|20)\d\d\b", text))
    assert years <= _data_years(content), f"{stem} mentions years not in data/: {sorted(years - _data_years(content))}"


def _event(content: data.Content, event_id: str):
    return next(e for e in content.timeline if e.id == event_id)


def test_key_facts_in_the_prose_are_the_data(content):
    l0, l1, l2, l3 = (_markdown(_nb(s)) for s in MINE)
    segment = _event(content, "ministerial-segment")
    assert format_date(segment.date, segment.date_end) == "14–15 March 2019"
    assert "14–15 March 2019" in l1
    assert "More than 120" in segment.description and "more than 120" in l1
    assert "31" in _event(content, "common-position").description
    assert "31 agencies" in l2 and "31 UN agencies" in l1
    assert _event(content, "shadow-report").date == "2018-10" and "October 2018" in l1
    assert _event(content, "common-position").date == "2018-11" and "November 2018" in l1
    assert content.document("workplan2019").date.startswith("2019-06") and "(June 2019)" in l1
    assert content.document("pd2009").date.startswith("2009-03") and "In March 2009" in l1
    assert _event(content, "end-2029").date == "2029" and "2029" in l1
    assert "consensus" in content.document("md2019").notes.lower() and "adopted by consensus" in l3
    assert len(content.commitments) == 13 and "13 commitments" in l0
    assert len(content.goals) == 6 and "six goals" in l3.lower()
    assert len(content.asks) == 4 and "four" in l2


def test_exercise_answers_agree_with_the_data(content):
    milestones = exercises.load("01-road-to-2019").specs["milestones"]
    years = {e.date[:4] for e in content.timeline}
    assert {p.left for p in milestones.pairs} <= years
    words = exercises.load("03-ministerial-declaration").specs["whose-words"]
    names = {d.short_name for d in content.documents}
    assert set(words.choices()) <= names, "documents on offer must be short names from documents.csv"


# --------------------------------------------------------------------------- helpers in idpckit.lessons


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
    for stem in MINE[:2]:
        (tmp_path / f"{stem}.ipynb").write_bytes((NOTEBOOKS / f"{stem}.ipynb").read_bytes())
    (tmp_path / "99-broken.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}), encoding="utf-8")
    html = str(lessons.overview(tmp_path))
    assert '<a href="00-start-here.ipynb">Start here</a>' in html
    assert "<b>35 min</b>" in html  # lesson 1: 20 + 15
    assert "<b>50 min (0 h 50)</b>" in html  # 15 + 35
    assert "99-broken.ipynb" in html and "tell your trainer" in html


# --------------------------------------------------------------------------- the timeline widget


def test_timeline_steps_through_events_in_date_order(content):
    t = Timeline(content)
    assert t.current.id == "pd2009-adopted" and t.earlier.disabled
    assert "11–12 March 2009" in t.detail.value and "Event 1 of" in t.position.value
    t.later.click()
    assert t.current.id == "jms2014-review" and not t.earlier.disabled
    t.select(content.timeline[-1].id)
    dates = [e.date for e in t.events]
    assert dates == sorted(dates)
    t.select(t.events[-1].id)
    assert t.later.disabled


def test_timeline_tells_later_facts_apart_and_names_their_source(content):
    t = Timeline(content)
    t.select("cannabis-vote")
    assert "■ Later fact" in t.detail.value
    assert '<a href="https://www.drugsandalcohol.ie/38869/"' in t.detail.value
    t.select("ministerial-segment")
    assert "● Reported in the IDPC note" in t.detail.value and "Source:" not in t.detail.value
    assert "E/2019/28" in t.detail.value  # the document's symbol, from documents.csv


def test_timeline_filter_keeps_or_moves_the_selection(content):
    t = Timeline(content)
    t.select("ministerial-segment")
    t.show.value = "later"
    later = [e.id for e in content.timeline if e.origin == "later"]
    assert [v for _, v in t.picker.options] == sorted(later, key=lambda i: _event(content, i).date)
    assert t.current.origin == "later"
    t.show.value = "all"
    assert len(t.picker.options) == len(content.timeline)
    labels = [lab for lab, _ in t.picker.options]
    assert len(set(labels)) == len(labels), "event labels must be unique"


def test_dates_in_words():
    assert format_date("2009-03-11", "2009-03-12") == "11–12 March 2009"
    assert format_date("2017-03") == "March 2017"
    assert format_date("2029") == "2029"
    assert format_date("2023-10-23", "2023-12-06") == "23 October 2023 – 6 December 2023"
    assert short_date("2019-03-14") == "14 Mar 2019" and short_date("2018-10") == "Oct 2018"


def test_chart_is_labelled_and_has_a_text_alternative(content):
    fig = chart(content)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    for e in content.timeline:
        assert any(e.title in t for t in texts), f"no label for {e.id}"
    assert ax.get_xlabel() == "Year" and ax.get_title()
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("note" in x for x in legend) and any("Later" in x for x in legend)
    markers = {line.get_marker() for line in ax.get_lines()}
    assert markers == {"o", "s"}, "origin is shown by shape, not colour alone"
    html = chart_html(content)
    assert html.startswith('<img src="data:image/png;base64,') and 'alt="Timeline of' in html
    assert alt_text(content).count(";") == len(content.timeline) - 1


def test_timeline_does_not_import_matplotlib_until_a_chart_is_drawn():
    code = (
        "import sys; from idpckit.widgets.timeline import Timeline; Timeline(); "
        "from idpckit import lessons; lessons.asks(); "
        "print('matplotlib' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]

"""What the lessons say: every year and key fact in their prose is in data/, their exercises'
answers agree with the data, and the prose is in our own words, not the note's."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from idpckit import data, exercises
from idpckit.widgets.timeline import format_date

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
MINE = ["00-start-here", "01-road-to-2019", "02-four-asks", "03-ministerial-declaration"]
LATER = [
    "04-table1.ipynb",
    "05-calendar-and-venues.ipynb",
    "06-grading-your-government.ipynb",
    "07-together-and-over-time.ipynb",
]


def _nb(stem: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)


def _markdown(nb: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.fixture(scope="module")
def content() -> data.Content:
    return data.load()


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


def test_lesson_3_evidence_check_follows_the_challenges_and_the_work_plan(content):
    """The right answer names the challenge on access to medicines and the meeting that took it up, as in data/."""
    spec = exercises.load("03-ministerial-declaration").specs["place-the-evidence"]
    right = spec.solution()
    medicines = next(c for c in content.challenges if "controlled substances for medical" in c.challenge)
    meeting = next(w for w in content.workplan if w.year == medicines.workplan_year)
    assert right.startswith(f"Challenge {medicines.number},") and f"the {meeting.year} meeting on" in right
    assert meeting.theme.lower() in right.lower()
    for option in spec.options:  # every wrong option names a real challenge and the year of its meeting
        number, year = re.match(r"Challenge (\d+),.* the (\d{4}) meeting", option.text).groups()
        assert content.challenges[int(number) - 1].workplan_year == int(year), option.text


def _prose() -> dict[str, str]:
    texts = {}
    for path in (NOTEBOOKS / name for name in LATER):
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
    for path in (NOTEBOOKS / name for name in LATER):
        nb = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        unknown = set(re.findall(r"\b20\d\d\b", text)) - known
        assert not unknown, f"{path.name} mentions {sorted(unknown)}, which no data file has"


def test_the_strongest_hook_check_names_references_table1_gives(content):
    """The lesson 4 check quotes two real cells of Table 1: an operative UNGASS paragraph and a preambular one."""
    spec = exercises.load("04-applying").specs["strongest-hook"]
    refs = {(r.document, r.unit, r.ref) for r in content.references if r.commitment_id == "alternatives"}
    assert {("ungass2016", "OP", "4.j"), ("md2019", "PP", "11")} <= refs
    assert spec.solution().startswith("OP 4.j: it is an operative paragraph")

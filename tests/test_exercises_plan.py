"""The 12-month advocacy plan of lesson 5 (idpckit.exercises.plan): calendar, editing, review, exports, imports.

The widget around it is driven by clicks in test_widget_advocacy_plan.py."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import re

import pytest

from idpckit import data
from idpckit.exercises import ExerciseError, grade, plan
from idpckit.exercises.plan import Plan, PlanError, example_plan, held_months, load_calendar
from idpckit.schema import CND_CALENDAR_URL

TODAY = dt.date(2026, 3, 10)


@pytest.fixture(scope="module")
def content() -> data.Content:
    return data.load()


def decode_link(html_text: str) -> str:
    match = re.search(r'href="data:[^;]+;charset=utf-8;base64,([^"]+)"', html_text)
    assert match, html_text
    return base64.b64decode(match.group(1)).decode("utf-8")


# --------------------------------------------------------------------------- calendar


def test_twelve_months_run_across_the_new_year(content):
    plan = Plan(2026, 9, content)
    assert plan.months[0] == (2026, 9)
    assert plan.months[-1] == (2027, 8)
    assert len(set(plan.months)) == 12
    assert plan.period == "September 2026 to August 2027"


def test_every_calendar_moment_points_to_a_venue_in_avenues_yaml(content):
    moments = load_calendar(content)
    venues = {a.id for a in content.avenues}
    assert moments and all(m.avenue in venues for m in moments)


def test_the_day_of_action_is_suggested_in_june(content):
    plan = Plan(2026, 1, content)
    june = plan.suggestions(2026, 6)
    assert any(s.avenue_id == "national-support-dont-punish" for s in june)
    assert "26 June" in next(s.timing for s in june if s.avenue_id == "national-support-dont-punish")
    assert not any(s.avenue_id == "national-support-dont-punish" for s in plan.suggestions(2026, 5))


@pytest.mark.parametrize(
    ("held", "months"),
    [("16-18 October 2019", [10]), ("23-25 October and 4-6 December 2023", [10, 12]), ("", [])],
)
def test_months_are_read_from_the_workplan_dates(held, months):
    assert held_months(held) == months


def test_box1_meetings_come_from_workplan_csv(content):
    plan = Plan(2020, 1, content)
    october = [s for s in plan.suggestions(2020, 10) if s.moment_id == "intersessional"]
    row = next(w for w in content.workplan if w.year == 2020)
    assert october and row.theme in october[0].title and row.topics in october[0].advice


def test_a_corrected_workplan_date_moves_the_suggestion(data_copy):
    path = data_copy / "workplan.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("19-21 October 2020", "3-5 November 2020"), "utf-8")
    plan = Plan(2020, 1, data.load(data_copy))
    assert not any(s.moment_id == "intersessional" for s in plan.suggestions(2020, 10))
    assert any(s.moment_id == "intersessional" for s in plan.suggestions(2020, 11))


def _meetings(plan: Plan, year: int) -> dict[int, list]:
    """Month -> the intersessional suggestions of that month of ``year``."""
    return {m: [s for s in plan.suggestions(year, m) if s.moment_id == "intersessional"] for m in range(1, 13)}


def test_a_later_meeting_is_placed_in_the_months_its_record_gives(content):
    row = next(x for x in content.intersessionals if x.year == 2024)
    assert (row.date, row.date_end, row.status) == ("2024-11-12", "2024-11-14", "confirmed")
    found = _meetings(Plan(2024, 1, content), 2024)
    assert [m for m, s in found.items() if s] == [11], "November 2024, not the old October default"
    (november,) = found[11]
    assert november.dated and "12–14 November 2024" in november.advice and "confirmed" in november.advice
    # 2025: dated from reports, so placed, with a word to check the official calendar
    found = _meetings(Plan(2025, 1, content), 2025)
    assert [m for m, s in found.items() if s] == [9, 10]
    assert "30 September – 2 October 2025" in found[9][0].advice and CND_CALENDAR_URL in found[9][0].advice


@pytest.mark.parametrize("year", [2026, 2027, 2028, 2031])
def test_a_year_without_a_recorded_date_says_to_check_the_cnd_calendar_and_guesses_no_month(content, year):
    plan = Plan(year, 1, content)
    found = _meetings(plan, year)
    assert not any(s.dated for month in found.values() for s in month), "no meeting placed in a guessed month"
    (reminder,) = [s for month in found.values() for s in month]
    assert reminder.month == 6 and reminder.title == f"Check the date of the CND's {year} thematic meeting"
    assert CND_CALENDAR_URL in reminder.advice
    plan.add(year, 9, "vienna-government-meetings", "Meet the ministry")
    findings = [f.message for f in plan.review()]
    assert not any("CND intersessional (" in f for f in findings), "no check against an invented date"
    assert any(f"CND's {year} thematic meeting is not in the kit's records" in f for f in findings)


def test_a_date_added_to_intersessionals_csv_places_the_meeting(data_copy):
    path = data_copy / "intersessionals.csv"
    text = path.read_text(encoding="utf-8")
    assert "\n2027,,,,unknown," in text
    path.write_text(text.replace("\n2027,,,,unknown,", "\n2027,2027-10-05,2027-10-07,Health,confirmed,"), "utf-8")
    plan = Plan(2027, 1, data.load(data_copy))
    assert [m for m, s in _meetings(plan, 2027).items() if s] == [10]
    plan.add(2027, 8, "national-tracking", "Grade our government")
    assert any("before the CND intersessional (October 2027)" in f.message for f in plan.review() if not f.ok)


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("2027,2027-10-05,,,unknown,x,2026-12-02", "date"),  # a date with status 'unknown'
        ("2027,,,,confirmed,x,2026-12-02", "date"),  # a status without a date
        ("2027,2026-10-05,,,confirmed,x,2026-12-02", "date"),  # a date in another year
        ("2027,2027-10-05,,,confirmed,,2026-12-02", "source"),
    ],
)
def test_a_wrong_meeting_row_is_refused_with_file_row_and_field(data_copy, row, field):
    path = data_copy / "intersessionals.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [row if line.startswith("2027,") else line for line in lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = data.validate(data_copy).problems
    assert [(p.file, p.row) for p in problems] == [("intersessionals.csv", "row 5")], data.validate(data_copy).table()
    assert field in str(problems[0]) or problems[0].field == field


def test_a_broken_calendar_is_reported_with_the_file_and_entry(data_copy, content):
    path = data_copy / "exercises" / "05-calendar.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("avenue: newyork-hlpf", "avenue: new-york"), "utf-8")
    with pytest.raises(
        ExerciseError,
        match=r"exercises/05-calendar.yaml, exercise 1 \(id 'advocacy-plan'\), field 'calendar.\d+.avenue': 'new-york'",
    ):
        load_calendar(data.load(data_copy))


# --------------------------------------------------------------------------- editing


def test_add_keeps_items_in_month_order(content):
    plan = Plan(2026, 9, content)
    plan.add(2027, 1, "vienna-government-meetings", "Ask for a meeting")
    plan.add(2026, 10, "vienna-cnd", "Watch the webcast")
    assert [i.key for i in plan.items] == [(2026, 10), (2027, 1)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((2026, 8, "vienna-cnd", "x"), "not one of the 12 months"),
        ((2026, 10, "", "x"), "Choose a venue"),
        ((2026, 10, "vienna-cnd", "   "), "Choose an action"),
        ((2026, 10, "vienna-cnd", "x" * 301), "keep it under 300"),
    ],
)
def test_add_refuses_bad_input_in_plain_words(content, args, message):
    plan = Plan(2026, 9, content)
    with pytest.raises(PlanError, match=message):
        plan.add(*args)
    assert plan.items == []


def test_the_same_action_twice_in_a_month_is_refused(content):
    plan = Plan(2026, 9, content)
    plan.add(2026, 10, "vienna-cnd", "Watch the webcast")
    with pytest.raises(PlanError, match="already in the plan"):
        plan.add(2026, 10, "vienna-cnd", "Watch  the webcast ")
    assert len(plan.items) == 1


def test_moving_the_window_cannot_drop_planned_actions(content):
    plan = Plan(2026, 9, content)
    plan.add(2026, 9, "vienna-cnd", "Watch the webcast")
    with pytest.raises(PlanError, match="September 2026"):
        plan.set_start(2026, 10)
    assert plan.start == (2026, 9)
    plan.set_start(2026, 1)
    assert plan.months[0] == (2026, 1)


# --------------------------------------------------------------------------- review


def test_an_empty_plan_gets_one_instruction(content):
    findings = Plan(2026, 9, content).review()
    assert len(findings) == 1 and not findings[0].ok and "empty" in findings[0].message


def test_review_notices_a_meeting_with_the_government_before_the_intersessional(content):
    plan = Plan(2024, 8, content)
    plan.add(2024, 8, "national-tracking", "Grade our government")
    tips = " ".join(f.message for f in plan.review() if not f.ok)
    assert "before the CND intersessional (November 2024)" in tips
    plan.add(2024, 9, "vienna-government-meetings", "Meet the ministry of health")
    done = " ".join(f.message for f in plan.review() if f.ok)
    assert "ahead of the CND intersessional (November 2024)" in done
    assert "tracking your government's commitments" in done


def test_review_names_the_places_still_missing(content):
    plan = Plan(2026, 7, content)
    plan.add(2026, 7, "geneva-hrc", "Written statement")
    tips = " ".join(f.message for f in plan.review() if not f.ok)
    assert "Nothing in Vienna yet" in tips and "Nothing in New York yet" in tips and "Nothing at home yet" in tips
    assert "Nothing in Geneva yet" not in tips


def test_review_suggests_the_day_of_action_until_it_is_planned(content):
    plan = Plan(2026, 7, content)
    plan.add(2026, 8, "vienna-cnd", "x")
    assert any("Support. Don't Punish" in f.message and "June 2027" in f.message for f in plan.review())
    plan.add(2027, 6, "national-support-dont-punish", "Street event")
    assert not any("Support. Don't Punish" in f.message for f in plan.review())


def test_the_example_plan_uses_each_moment_once_and_passes_its_own_review(content):
    plan = example_plan(2024, 8, content)  # a window whose thematic meetings are dated
    moments = load_calendar(content)
    assert len(plan.items) == len(moments)
    assert not [f for f in plan.review() if not f.ok]
    # a window with an undated meeting plans the check of its date, and the only tip left is that reminder
    later = example_plan(2026, 8, content)
    assert any(i.action == "Check the date of the CND's 2027 thematic meeting" for i in later.items)
    tips = [f.message for f in later.review() if not f.ok]
    assert len(tips) == 1 and "CND's 2027 thematic meeting is not in the kit's records" in tips[0]


# --------------------------------------------------------------------------- export / import


def test_csv_round_trip_keeps_everything(content):
    plan = Plan(2026, 11, content)
    plan.add(2026, 11, "vienna-cnd", '=HYPERLINK("http://evil")', note='+ call ministry, "quoted", comma')
    plan.add(2027, 6, "national-support-dont-punish", "Street event", note="line one\nline two")
    text = plan.to_csv()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["action"].startswith("'=")  # a spreadsheet shows it as text, not a formula
    assert rows[0]["note"].startswith("'+")
    again = Plan.from_csv(text.encode("utf-8"), content)
    assert again.start == (2026, 11)
    assert again.items == plan.items


def test_csv_with_bom_from_a_spreadsheet_is_read(content):
    plan = Plan(2026, 11, content)
    plan.add(2026, 12, "geneva-upr", "Check the UPR calendar")
    again = Plan.from_csv(b"\xef\xbb\xbf" + plan.to_csv().encode("utf-8"), content)
    assert again.items == plan.items


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"name,grade\nx,1\n", "the columns month, avenue_id, action are missing"),
        (b"month,avenue_id\n2026-03,vienna-cnd\n", "the column action is missing"),
        (b"month,avenue_id,action\n2026/03,vienna-cnd,x\n", "row 2: month '2026/03'"),
        (b"month,avenue_id,action\n2026-03,moon-base,x\n", "row 2: venue id 'moon-base'"),
        (b"month,avenue_id,action\n", "no actions"),
        (b"month,avenue_id,action\n2026-01,vienna-cnd,x\n2027-01,vienna-cnd,y\n", "row 3: January 2027 is not one"),
        ("month,avenue_id,action\n2026-01,vienna-cnd,é\n".encode("latin-1"), "not UTF-8"),
        (b"x" * 300_000, "larger than"),
    ],
)
def test_bad_plan_files_are_refused_with_the_row(content, payload, message):
    with pytest.raises(PlanError, match=message):
        Plan.from_csv(payload, content, name="plan.csv")


def test_markdown_keeps_html_and_links_inert(content):
    plan = Plan(2026, 1, content, title="<script>alert(1)</script> Our plan")
    plan.add(2026, 2, "vienna-cnd", "[click](javascript:alert(1)) **bold**", note="<img src=x onerror=alert(1)>")
    md = plan.to_markdown()
    assert "<script" not in md and "<img" not in md
    assert not re.search(r"(?<!\\)\]\(javascript", md) and r"\[click\]" in md
    assert "## February 2026" in md and "## January 2026" in md and "Nothing planned." in md
    assert "## Review" in md


def test_grade_turns_the_review_into_feedback(content):
    spec = plan.plan_spec(content)
    empty = grade(spec, Plan(2026, 1, content))
    assert not empty.correct and empty.message == "➜ The review has one tip for your plan."
    full = example_plan(2026, 1, content)
    tips = sum(not f.ok for f in full.review())
    fb = grade(spec, full)
    assert fb.correct == (tips == 0) and len(fb.details) == len(full.review())


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "between 1 (January) and 12 (December)"), ("es", "entre 1 (enero) y 12 (diciembre)"),
     ("ru", "от 1 (январь) до 12 (декабрь)")],
)  # fmt: skip
def test_a_first_month_outside_the_year_is_refused_in_the_language_in_use(lang: str, words: str) -> None:
    from idpckit import i18n

    with i18n.language(lang), pytest.raises(PlanError, match=re.escape(words)):
        Plan(2026, 13, data.load())

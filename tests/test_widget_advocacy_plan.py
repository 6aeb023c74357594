"""The advocacy plan builder widget (lesson 5) driven like a trainee would: set values, click, download, upload."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest

from idpckit import data
from idpckit.exercises.plan import example_plan, load_calendar
from idpckit.widgets.advocacy_plan import AdvocacyPlanBuilder

TODAY = dt.date(2026, 3, 10)


@pytest.fixture(scope="module")
def content() -> data.Content:
    return data.load()


def decode_link(html_text: str, ext: str = "") -> str:
    """The file behind the download link (the one whose name ends with ``ext`` when given)."""
    match = re.search(rf'download="[^"]*{re.escape(ext)}" href="data:[^;]+;charset=utf-8;base64,([^"]+)"', html_text)
    assert match, html_text
    return base64.b64decode(match.group(1)).decode("utf-8")


def test_widget_builds_a_plan_from_clicks_and_offers_it_as_csv(content):
    b = AdvocacyPlanBuilder(content, today=TODAY)
    assert b.month.value == (2026, 3) and len(b.month.options) == 12
    b.month.value = (2026, 9)
    assert "Meet your government before the thematic intersessional" in b.suggestion_box.value
    b.city.value = "Vienna"
    b.venue.value = "vienna-government-meetings"
    meetings = next(a for a in content.avenues if a.id == "vienna-government-meetings")
    assert b.action.value == meetings.actions[0]
    assert meetings.why in b.venue_info.value.replace("&#x27;", "'")
    b.note.value = "Ministry of health, <b>bring grades</b>"
    b.add_button.click()
    assert "Added" in b.status.value
    assert len(b.plan.items) == 1 and b.plan.items[0].key == (2026, 9)
    assert "&lt;b&gt;bring grades&lt;/b&gt;" in b.table.value and "<b>bring grades</b>" not in b.table.value
    assert b.note.value == ""  # ready for the next action
    # 2026's thematic meeting has no recorded date: the review says to check the CND calendar, not "October"
    assert "CND&#x27;s 2026 thematic meeting is not in the kit&#x27;s records" in b.review_box.value
    assert "October 2026" not in b.review_box.value
    b.csv_button.click()
    assert decode_link(b.downloads.value) == b.plan.to_csv()
    b.title.value = "Plan of the Veridia Drug Policy Network"
    b.md_button.click()
    assert decode_link(b.downloads.value, ".md").startswith("# Plan of the Veridia Drug Policy Network")
    assert decode_link(b.downloads.value, ".csv") == b.plan.to_csv(), "the CSV link stays beside the Markdown one"
    b.remove_choice.value = 0
    b.remove_button.click()
    assert b.downloads.value == "" and b.links == {}, "a changed plan takes the stale files away"


def test_widget_buttons_show_their_whole_label(content):
    b = AdvocacyPlanBuilder(content, today=TODAY)
    for button in (b.add_button, b.remove_button, b.csv_button, b.md_button):
        assert button.layout.width == "auto", button.description  # a fixed width cut "Prepare CSV do…"


def test_widget_own_action_and_its_errors(content):
    b = AdvocacyPlanBuilder(content, today=TODAY)
    b.city.value = "National"
    b.action.value = "__own__"
    assert b.own_action.layout.display == ""
    b.add_button.click()
    assert "Choose an action, or write your own" in b.status.value
    assert b.plan.items == []
    b.own_action.value = "Brief journalists on our grades"
    b.add_button.click()
    assert b.plan.items[0].action == "Brief journalists on our grades"


def test_widget_remove_and_empty_download(content):
    b = AdvocacyPlanBuilder(content, today=TODAY)
    b.csv_button.click()
    assert "plan is empty" in b.status.value and b.downloads.value == ""
    b.add_button.click()
    b.remove_choice.value = 0
    b.remove_button.click()
    assert b.plan.items == [] and "Removed" in b.status.value


def test_widget_refuses_a_new_start_that_would_drop_actions_and_restores_the_dropdowns(content):
    b = AdvocacyPlanBuilder(content, today=TODAY)
    b.add_button.click()  # an action in March 2026
    b.start_month.value = 6
    assert "would fall outside" in b.status.value
    assert (b.start_year.value, b.start_month.value) == (2026, 3)
    assert b.plan.start == (2026, 3)


def test_widget_loads_a_saved_plan(content):
    saved = example_plan(2025, 7, content)
    b = AdvocacyPlanBuilder(content, today=TODAY)
    b.load_csv(saved.to_csv().encode("utf-8"), name="our-plan.csv")
    assert b.plan.items == saved.items
    assert (b.start_year.value, b.start_month.value) == (2025, 7)
    assert b.month.options[0][1] == (2025, 7)
    assert f"Loaded {len(saved.items)} actions from our-plan.csv" in b.status.value


def test_widget_upload_of_a_bad_file_keeps_the_plan(content):
    b = AdvocacyPlanBuilder(content, today=TODAY)
    b.add_button.click()
    before = list(b.plan.items)
    junk = b"\x89PNG\r\n\x1a\n\x00\x00"
    b.upload.value = (
        {
            "name": "photo.csv",
            "type": "text/csv",
            "size": len(junk),
            "content": memoryview(junk),
            "last_modified": dt.datetime.now(dt.UTC),
        },
    )
    assert "photo.csv" in b.status.value and "✖" in b.status.value
    assert b.plan.items == before


def test_widget_example_plan_is_hidden_until_asked_for(content):
    b = AdvocacyPlanBuilder(content, today=TODAY)
    assert b.example.layout.display == "none"
    b.example_toggle.value = True
    assert b.example.layout.display == "" and "<table" in b.example.value
    b.example_toggle.value = False
    assert b.example.layout.display == "none"


def test_widget_upload_of_a_good_file_replaces_the_plan_and_clears_the_picker(content):
    saved = example_plan(2026, 1, content).to_csv().encode("utf-8")
    b = AdvocacyPlanBuilder(content, today=TODAY)
    b.upload.value = (
        {
            "name": "plan.csv",
            "type": "text/csv",
            "size": len(saved),
            "content": memoryview(saved),
            "last_modified": dt.datetime.now(dt.UTC),
        },
    )
    assert len(b.plan.items) == len(load_calendar(content))
    assert b.upload.value == ()

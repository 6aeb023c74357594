"""The timeline widget: it steps through the events in date order, tells later facts apart by
shape and words, and draws a labelled chart with a text alternative."""

from __future__ import annotations

import pytest

from idpckit import data
from idpckit.widgets.timeline import Timeline, alt_text, chart, chart_html, format_date, short_date


@pytest.fixture(scope="module")
def content() -> data.Content:
    return data.load()


def _event(content: data.Content, event_id: str):
    return next(e for e in content.timeline if e.id == event_id)


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

"""The escaping rules every page, report, export and grading sheet share (idpckit.text)."""

from __future__ import annotations

import pytest

from idpckit.text import esc, md, neutralise_formula, restore_formula, strip_control


def test_html_escaping_covers_text_and_attributes() -> None:
    assert esc('<img src=x onerror="alert(1)">') == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert esc("O'Neil & Co") == "O&#x27;Neil &amp; Co"


def test_markdown_escaping_keeps_markup_inert_on_one_line() -> None:
    assert md("**bold** [link](http://x) <b>\n# heading | cell !") == (
        r"\*\*bold\*\* \[link\](http://x) &lt;b&gt; \# heading \| cell \!"
    )


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formulas_are_shown_not_run(typed: str) -> None:
    assert neutralise_formula(typed) == "'" + typed


@pytest.mark.parametrize("typed", ["=1", "'=1", "''", "'", "-", "'-", "plain", "", "Côte d'Ivoire", 3, None])
def test_what_the_kit_neutralised_reads_back_exactly(typed: object) -> None:
    assert restore_formula(neutralise_formula(typed)) == typed


def test_a_lone_dash_is_the_kits_empty_mark_and_stays() -> None:
    assert neutralise_formula("-") == "-"


def test_control_characters_go_but_line_ends_and_tabs_stay() -> None:
    assert strip_control("a\x00b\x1bc\x7fd\ud800e\uffff\tf\ng\rh") == "abcde\tf\ng\rh"

"""The trainer's pages as HTML, without a server: links rewritten to the served site, text escaped, the key asked for."""

from __future__ import annotations

from idpckit import data, handouts, trainer


def test_agenda_links_point_at_the_served_lessons_and_trainer_pages() -> None:
    page = trainer.markdown_page("agenda", "/base/")
    assert page is not None
    assert 'href="/base/voila/render/04-table1.ipynb"' in page
    assert 'href="/base/trainer/schedule"' in page
    assert "../notebooks/" not in page and '.md"' not in page


def test_facilitator_notes_link_to_the_solutions_behind_the_key() -> None:
    page = trainer.markdown_page("facilitator-notes", "/")
    assert page is not None
    assert 'href="/trainer/solutions#lesson-0-start-here"' in page


def test_headings_get_the_anchors_markdown_links_use() -> None:
    html = trainer._markdown("## Lesson 0: Start here\n")
    assert '<h2 id="lesson-0-start-here">' in html


def test_unknown_pages_and_path_tricks_are_not_pages() -> None:
    for name in ("solutions", "../README", "README", "nope"):
        assert trainer.markdown_page(name, "/") is None


def test_text_from_files_is_escaped() -> None:
    html = trainer.rewrite_links(trainer._markdown("<script>alert(1)</script> [x](javascript:alert(1))"), "/")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_index_offers_every_trainee_handout_in_both_sizes_and_never_the_answer_sheet() -> None:
    page = trainer.index_page("/")
    for h in handouts.available(data.load()):
        if h.audience == "trainees":
            assert f"/trainer/handouts/{h.name}.pdf?paper=a4" in page
            assert f"/trainer/handouts/{h.name}.pdf?paper=letter" in page
    assert "calibration-answers.pdf" not in page
    assert 'href="/trainer/solutions"' in page


def test_the_key_form_posts_with_the_xsrf_field_and_never_echoes_a_key() -> None:
    page = trainer.key_form("/", '<input type="hidden" name="_xsrf" value="T">', "Wrong key.", room='"><b>x')
    assert 'method="post"' in page and 'name="_xsrf"' in page
    assert 'type="password"' in page and 'value="&quot;&gt;&lt;b&gt;x"' in page
    assert 'role="alert">Wrong key.' in page


def test_every_other_workshop_file_is_a_page_too_but_never_the_solutions() -> None:
    others = trainer.other_pages()
    assert "solutions" not in others
    for name in others:
        page = trainer.markdown_page(name, "/")
        assert page is not None and "<h1" in page, name
        assert f'href="/trainer/{name}"' in trainer.index_page("/")

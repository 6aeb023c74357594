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


def test_the_trainer_index_speaks_french_and_its_links_keep_the_language() -> None:
    page = trainer.index_page("/", lang="fr")
    assert '<html lang="fr">' in page
    assert "<h1>Pour les formateurs</h1>" in page and "Documents à imprimer" in page
    assert "Handouts to print" not in page and "For trainers" not in page
    assert 'href="/trainer/agenda?lang=fr">Programmes</a>' in page
    assert "/trainer/handouts/table1.pdf?paper=a4&amp;lang=fr" in page
    assert 'href="/trainer/solutions?lang=fr"' in page


def test_an_untranslated_workshop_file_is_shown_in_english_and_says_so(tmp_path, monkeypatch) -> None:
    import shutil

    workshop = tmp_path / "workshop"
    shutil.copytree(trainer.workshop_dir(), workshop)
    (workshop / "es" / "agenda.md").unlink(missing_ok=True)  # as if the Spanish agenda were not written yet
    monkeypatch.setattr(trainer, "workshop_dir", lambda: workshop)
    page = trainer.markdown_page("agenda", "/", lang="es")
    assert page is not None
    assert '<html lang="es">' in page and "<title>Programas · idpckit para facilitadores</title>" in page
    assert "Esta página aún no está traducida; aquí está en inglés." in page
    assert '<div lang="en">' in page and "Workshop agendas" in page
    # the lessons it links are the Spanish ones, and the trainer pages keep ?lang=es
    assert 'href="/voila/render/es/04-table1.ipynb?lang=es"' in page
    assert 'href="/trainer/schedule?lang=es"' in page


def test_a_translated_workshop_file_is_shown_instead_of_the_english(tmp_path, monkeypatch) -> None:
    import shutil

    workshop = tmp_path / "workshop"
    shutil.copytree(trainer.workshop_dir(), workshop)
    (workshop / "fr").mkdir(exist_ok=True)  # workshop/fr/ holds the translated pages
    (workshop / "fr" / "agenda.md").write_text("# Programmes de l'atelier\n\nVoir [l'horaire](schedule.md).\n")
    monkeypatch.setattr(trainer, "workshop_dir", lambda: workshop)
    page = trainer.markdown_page("agenda", "/", lang="fr")
    assert page is not None
    assert "Programmes de l&#x27;atelier" in page or "Programmes de l'atelier" in page
    assert "Workshop agendas" not in page and "pas encore traduite" not in page
    assert 'href="/trainer/schedule?lang=fr"' in page
    assert "Workshop agendas" in (trainer.markdown_page("agenda", "/", lang="en") or "")


def test_the_key_form_and_solutions_in_russian() -> None:
    form = trainer.key_form("/", "", lang="ru")
    assert '<html lang="ru">' in form and "Код группы" in form and "Ключ тренера" in form
    assert 'action="/trainer/solutions?lang=ru"' in form and "Room code" not in form
    opened = trainer.solutions_page("/", "ABC-123", "", "KEY", lang="fr")
    assert "Solutions ouvertes pour la salle ABC-123." in opened
    assert "Télécharger la feuille de réponses de l&#x27;étalonnage (PDF)" in opened or "étalonnage (PDF)" in opened


def test_english_pages_carry_no_language_in_their_links_unless_asked() -> None:
    page = trainer.index_page("/")
    assert '<html lang="en">' in page and 'href="/trainer/agenda"' in page
    assert 'href="/trainer/agenda?lang=en"' in trainer.index_page("/", lang="en", asked=True)

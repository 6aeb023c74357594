"""The workshop pages in workshop/: generated handouts are up to date, links lead to files that
exist, the facilitator notes cover the lessons and the agendas' times add up."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = {
    4: ROOT / "notebooks" / "04-table1.ipynb",
    5: ROOT / "notebooks" / "05-calendar-and-venues.ipynb",
    6: ROOT / "notebooks" / "06-grading-your-government.ipynb",
    7: ROOT / "notebooks" / "07-together-and-over-time.ipynb",
}


def test_table1_handout_is_up_to_date():
    from click.testing import CliRunner

    from idpckit.cli import main

    result = CliRunner().invoke(main, ["table1", "--format", "markdown"])
    assert result.exit_code == 0
    handout = (ROOT / "workshop" / "handouts" / "table1.md").read_text(encoding="utf-8")
    assert handout == result.output, "regenerate: idpckit table1 --format markdown -o workshop/handouts/table1.md"


def test_the_translated_table1_handouts_are_up_to_date_and_in_their_language():
    from click.testing import CliRunner

    from idpckit import data, localise
    from idpckit.cli import main

    english = (ROOT / "workshop" / "handouts" / "table1.md").read_text(encoding="utf-8")
    for lang, words in (
        (
            "es",
            ("| Seguimiento del avance en los siguientes compromisos |", "Orientaciones para la acción: punto 11 |"),
        ),
        ("fr", ("| Suivi des progrès sur les engagements suivants |", "Orientations pour l'action\u00a0: point 11 |")),
    ):
        result = CliRunner().invoke(main, ["table1", "--format", "markdown", "--lang", lang])
        assert result.exit_code == 0, result.output
        path = ROOT / "workshop" / lang / "handouts" / "table1.md"
        handout = path.read_text(encoding="utf-8")
        command = f"idpckit table1 --format markdown --lang {lang} -o workshop/{lang}/handouts/table1.md"
        assert handout == result.output, f"regenerate: {command}"
        assert all(w in handout for w in words), lang
        titles = [c.title for c in localise.localised(data.load(), lang).commitments]
        assert len(titles) == 13 and all(f"| {t} |" in handout for t in titles), lang
        leftover = [
            line for line in english.splitlines() if line and line in handout.splitlines() and "---" not in line
        ]
        assert not leftover, (lang, leftover)
        # the translated trainers' guide tells how to regenerate it
        assert command in (ROOT / "workshop" / lang / "README.md").read_text(encoding="utf-8"), lang


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


def test_each_generated_workshop_file_names_the_command_that_writes_it_again(monkeypatch):
    """The header of a generated file names a command that, copied as it stands, rewrites that file.

    A trainer who changes the data runs what the header says; it must name the file's
    language and path (``idpckit schedule`` alone printed the English schedule to the screen).
    """
    import shlex

    from click.testing import CliRunner

    from idpckit import i18n
    from idpckit.cli import main

    monkeypatch.chdir(ROOT)  # the commands name paths from the repository's root
    for name, lang in itertools.product(("schedule", "solutions", "roleplay"), ("en", "es", "fr")):
        path = Path("workshop", *([] if lang == "en" else [lang]), f"{name}.md")
        header = re.search(r"run `(idpckit [^`]+)` again", path.read_text(encoding="utf-8"))
        assert header, f"{path} does not say how to make it again"
        words = shlex.split(header.group(1))[1:]
        assert "-o" in words, f"{path}: `{header.group(1)}` prints to the screen, it does not write the file"
        assert words[words.index("-o") + 1] == path.as_posix(), header.group(1)
        assert ("--lang" in words) == (lang != "en") and (lang == "en" or words[words.index("--lang") + 1] == lang)
        result = CliRunner().invoke(main, [*words, "--check"])
        with i18n.language(lang):  # --lang is the language of the command's messages too
            up_to_date = i18n._("{output} is up to date.").format(output=path)
        assert result.exit_code == 0 and up_to_date in result.output, (header.group(1), result.output)


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


def _correction_rows(path: Path, header: str) -> list[list[str]]:
    rows = [line for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r.startswith("| ") and not r.startswith((header, "|---"))]
    return [[c.strip() for c in row.strip("|").split("|")] for row in rows]


def test_each_correction_on_the_corrections_page_names_a_source_and_a_test_that_exists():
    """workshop/corrections.md is the closing note of issue 11: every row's test must exist, so a row cannot
    claim a protection the suite does not give."""
    rows = _correction_rows(ROOT / "workshop" / "corrections.md", "| What was wrong")
    assert len(rows) >= 15
    for cells in rows:
        assert len(cells) == 4 and all(cells), cells
        for path, name in re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", cells[3]) or [("", "")]:
            assert path, f"no test named in: {cells}"
            assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), f"{path}::{name} does not exist"


def test_the_translated_corrections_pages_list_the_same_corrections_and_tests():
    english = _correction_rows(ROOT / "workshop" / "corrections.md", "| What was wrong")
    for lang, header in (("es", "| Lo que estaba mal"), ("fr", "| Ce qui était faux")):
        rows = _correction_rows(ROOT / "workshop" / lang / "corrections.md", header)
        assert [r[3] for r in rows] == [r[3] for r in english], lang  # row by row, the same tests hold them
        assert all(len(r) == 4 and all(r) for r in rows)
        assert [r[0] for r in rows if r[0] in {e[0] for e in english}] == [], lang  # and in other words


TRANSLATED = sorted(p for lang in ("es", "fr") for p in (ROOT / "workshop" / lang).glob("*.md"))


def test_every_translated_workshop_page_has_its_english_original_and_other_words():
    """workshop/es/ and workshop/fr/ hold translations of workshop/*.md (same names), not copies or orphans."""
    assert {p.name for p in TRANSLATED} >= {"roleplay.md", "agenda.md", "calibration.md"}
    for path in TRANSLATED:
        english = ROOT / "workshop" / path.name
        assert english.is_file(), f"{path.relative_to(ROOT)} translates no English page"
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and first != english.read_text(encoding="utf-8").splitlines()[0], path


def test_a_translated_agenda_links_the_lessons_in_its_language_on_the_trainer_pages():
    from idpckit import trainer

    for lang, words, lesson in (("es", "Agendas del taller", "Lección 6"), ("fr", "Programmes de l", "Leçon 6")):
        page = trainer.markdown_page("agenda", "/", lang=lang, asked=True) or ""
        assert f'<html lang="{lang}">' in page and words in page and lesson in page
        assert "Workshop agendas" not in page and "Lesson 6" not in page
        assert f'href="/voila/render/{lang}/06-grading-your-government.ipynb?lang={lang}"' in page
        assert f'href="/trainer/calibration?lang={lang}"' in page  # the calibration round, translated beside it
        assert f'href="/trainer/guide?lang={lang}"' in page  # the guide beside it
    english = trainer.markdown_page("guide", "/", asked=False) or ""
    assert 'data-was="../README.md"' in english  # the repository's README is not a trainer page
    spanish = trainer.markdown_page("guide", "/", lang="es", asked=True) or ""
    assert 'data-was="../../README.md"' in spanish and 'href="/trainer/facilitator-notes?lang=es"' in spanish
    assert 'href="/trainer/solutions?lang=es"' in spanish  # ../solutions.md, one folder up


def test_the_translated_guides_say_when_to_print_every_handout_in_their_language():
    from idpckit import handouts

    for lang, heading in (("es", "## Qué imprimir"), ("fr", "## Quoi imprimer")):
        guide = (ROOT / "workshop" / lang / "README.md").read_text(encoding="utf-8")
        section = guide[guide.index(heading) :]
        for h in handouts.HANDOUTS:
            assert f"`{h.name}.pdf`" in section, (lang, h.name)
        for command in (f"idpckit handouts --lang {lang} -o", f"idpckit slides --lang {lang} -o"):
            assert command in section, (lang, command)
        assert f"idpckit roleplay --lang {lang} -o workshop/{lang}/roleplay.md" in guide


def test_the_translated_schedules_are_up_to_date_and_come_from_the_translated_lessons():
    from click.testing import CliRunner

    from idpckit import catalog
    from idpckit.cli import main

    for lang, words, english in (
        ("es", ("# Horario del taller", "| Inicio | Lección |", "Puntos clave:", "| Fin |"), "Key points:"),
        ("fr", ("# Horaire de l'atelier", "| Début | Leçon |", "Points clés :", "| Fin |"), "Key points:"),
    ):
        path = ROOT / "workshop" / lang / "schedule.md"
        result = CliRunner().invoke(main, ["schedule", "--lang", lang, "-o", str(path), "--check"])
        assert result.exit_code == 0, result.output
        text = path.read_text(encoding="utf-8")
        assert all(w in text for w in words), lang
        lessons = [e for e in catalog.catalog(ROOT / "notebooks" / lang) if e.kind == "lesson"]
        assert len(lessons) == 8 and all(f"## {e.title}" in text for e in lessons)
        assert all(k.replace("|", "\\|") in text for e in lessons for k in e.keypoints)
        assert english not in text and "Objectives:" not in text and "Workshop schedule" not in text


def test_the_translated_facilitator_notes_cover_every_lesson_in_its_language():
    from idpckit import catalog

    for lang, word in (("es", "Lección"), ("fr", "Leçon")):
        text = (ROOT / "workshop" / lang / "facilitator-notes.md").read_text(encoding="utf-8")
        lessons = [e for e in catalog.catalog(ROOT / "notebooks" / lang) if e.kind == "lesson"]
        sep = " : " if lang == "fr" else ": "
        for e in lessons:
            assert f"## {word} {e.order}{sep}{e.title}" in text, (lang, e.title)
        assert "**Frequently argued.**" not in text and "**Common questions.**" not in text
        # each lesson's "Solutions" link lands on that lesson's heading in the translated solution sheet
        from idpckit import trainer

        solutions = (ROOT / "workshop" / lang / "solutions.md").read_text(encoding="utf-8")
        anchors = {trainer._slug(line[3:]) for line in solutions.splitlines() if line.startswith("## ")}
        linked = re.findall(r"\]\(solutions\.md#([^)]+)\)", text)
        assert len(linked) == len(lessons) and set(linked) <= anchors, (lang, set(linked) - anchors)


def test_the_translated_solution_sheets_are_up_to_date_and_in_their_language():
    from click.testing import CliRunner

    from idpckit import exercises, i18n
    from idpckit.cli import main

    for lang, words in (
        ("es", ("# Soluciones de los ejercicios", "✔ **Correcta**", "## Lección 6: Evaluar a su gobierno")),
        ("fr", ("# Solutions des exercices", "✔ **Juste**", "## Leçon 6 : Évaluer votre gouvernement")),
    ):
        path = ROOT / "workshop" / lang / "solutions.md"
        result = CliRunner().invoke(main, ["solutions", "--lang", lang, "-o", str(path), "--check"])
        assert result.exit_code == 0, result.output
        text = path.read_text(encoding="utf-8")
        assert all(w in text for w in words), lang
        with i18n.language(lang):
            spec = exercises.load("02-four-asks").get("wins-and-challenges")
        assert f"### {spec.title}" in text and all(b in text for b in spec.bins)
        english = exercises.load("02-four-asks", lang="en").get("wins-and-challenges")
        assert english.title not in text
        computed = (
            " improved.",
            "stayed the same",
            "graded for the first time",
            "1 and 2",
        )  # computed exercises' words
        for frame in ("✔ **Right**", "✖ Wrong", "No single right answer", "## Lesson ", "For trainers.", *computed):
            assert frame not in text, (lang, frame)

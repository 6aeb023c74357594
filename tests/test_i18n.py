"""idpckit.i18n and idpckit.localise: a trainee's language is chosen safely, and reports come out in it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from idpckit import content_check, data, i18n, localise, report, scales
from idpckit.assessment_io import read_assessment
from idpckit.cli import main

EXAMPLE = data.data_dir() / "examples" / "veridia-2024.json"
#: Files whose every message a report shows; the report languages must translate all of them.
REPORT_SOURCES = {
    "report.py",
    "templates/report.html",
    "templates/base.html",
    "templates/_macros.html",
    "scales.py",
    "table1.py",
}


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("es-CO,es;q=0.9,en;q=0.8", "es"),
        ("ru-RU,ru;q=0.9", "ru"),
        ("de-DE,de;q=0.9,fr;q=0.5", "fr"),  # German is skipped, French is next
        ("en;q=0.2, fr-CA", "fr"),  # weights, not order, decide
        ("zh-CN", "en"),
        ("", "en"),
        (None, "en"),
        ("fr;q=abc,es", "es"),  # a malformed weight drops that language only
        ("x" * 5000, "en"),  # a huge header gives the default, quickly
        ("es;q=0", "en"),  # q=0 means "not this one"
    ],
)
def test_the_browsers_preferred_language_is_read_safely(header: str | None, lang: str) -> None:
    assert i18n.negotiate(header) == lang


@pytest.mark.parametrize(
    ("tag", "lang"),
    [
        ("es", "es"),
        ("ES", "es"),
        ("fr_FR.UTF-8", "fr"),
        ("ru-RU", "ru"),
        ("de", None),
        ("<script>", None),
        ("", None),
        ("e" * 50, None),
    ],
)
def test_a_language_tag_names_a_kit_language_or_nothing(tag: str, lang: str | None) -> None:
    assert i18n.normalise(tag) == lang


def test_a_language_is_used_inside_its_block_only() -> None:
    assert i18n.current() == "en"
    with i18n.language("fr") as used:
        assert used == "fr" and i18n._("Summary") == "Résumé"
        with i18n.language("nonsense"):
            assert i18n.current() == "en"
        assert i18n.current() == "fr"
    assert i18n.current() == "en" and i18n._("Summary") == "Summary"


def test_russian_counts_take_the_right_one_of_three_forms() -> None:
    forms = ("%(num)d commitment", "%(num)d commitments")
    with i18n.language("ru"):
        said = {n: i18n.ngettext(*forms, n) % {"num": n} for n in (1, 2, 5, 11, 21, 22)}
    assert said == {
        1: "1 обязательство",
        2: "2 обязательства",
        5: "5 обязательств",
        11: "11 обязательств",
        21: "21 обязательство",
        22: "22 обязательства",
    }
    with i18n.language("es"):
        assert i18n.ngettext(*forms, 1) % {"num": 1} == "1 compromiso"
        assert i18n.ngettext(*forms, 2) % {"num": 2} == "2 compromisos"


def test_the_catalogues_are_in_step_with_the_code_and_nothing_is_fuzzy() -> None:
    assert i18n.stale_catalogues() == [], "run: idpckit translations update"
    for lang in i18n.LANGUAGES[1:]:
        assert i18n.coverage(lang).fuzzy == 0, lang


def test_every_message_of_the_report_is_translated_in_every_language() -> None:
    from babel.messages.pofile import read_po

    wanted = [m for m in i18n.extract() if m.id and {loc[0] for loc in m.locations} & REPORT_SOURCES]
    assert len(wanted) > 50
    for lang in i18n.LANGUAGES[1:]:
        with i18n.catalog_path(lang).open("rb") as f:
            catalog = read_po(f, locale=lang)
        untranslated = []
        for m in wanted:
            found = catalog.get(m.id)
            strings = found.string if found and isinstance(found.string, tuple) else (found.string if found else "",)
            if not found or found.fuzzy or not all(strings):
                untranslated.append(m.id)
        assert untranslated == [], lang


def test_grade_words_follow_the_language() -> None:
    with i18n.language("es"):
        assert i18n._(scales.FIVE_POINT[3].label) == "Necesita mejorar"
        assert report.short(scales.TRAFFIC_LIGHT["red"]) == "✖ Rojo"
    assert report.short(scales.TRAFFIC_LIGHT["red"]) == "✖ Red"


@pytest.mark.parametrize(
    ("lang", "heading", "title"),
    [
        ("es", "dónde está el gobierno", "Promover alternativas a la condena"),
        ("fr", "où en est le gouvernement", "Promouvoir des alternatives"),
        ("ru", "как правительство выполняет", "Содействие альтернативам"),
    ],
)
def test_the_html_report_comes_out_in_the_language_asked(tmp_path: Path, lang: str, heading: str, title: str) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(EXAMPLE), "--lang", lang, "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in page
    assert heading in page and title in page
    assert "Commitment by commitment" not in page  # no English heading left in the page's own words


def test_a_review_made_in_spanish_reports_in_spanish_unless_asked_otherwise() -> None:
    review = read_assessment(EXAMPLE).model_copy(update={"language": "es"})
    assert '<html lang="es">' in report.html_report(review)
    assert '<html lang="en">' in report.html_report(review, lang="en")


def test_the_pdf_report_in_russian_holds_russian_words_and_plurals(tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    result = CliRunner().invoke(main, ["report", str(EXAMPLE), "--lang", "ru", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    flat = " ".join(text.split())
    assert "Сводка" in flat and "Доказательства" in flat and "Содействие альтернативам" in flat
    assert "обязательств" in flat and "Summary" not in flat


def test_table1_titles_and_headings_in_spanish_and_french() -> None:
    for lang, heading, title in (
        ("es", "Seguimiento del avance", "Mejorar el acceso a las intervenciones de reducción de daños"),
        ("fr", "Suivi des progrès", "Améliorer l'accès aux interventions de réduction des risques"),
    ):
        result = CliRunner().invoke(main, ["table1", "--format", "csv", "--lang", lang])
        assert result.exit_code == 0, result.output
        assert heading in result.output.splitlines()[0] and title in result.output
    english = CliRunner().invoke(main, ["table1", "--format", "csv"]).output
    assert "Improving access to harm reduction interventions" in english


def test_a_translation_missing_falls_back_to_english(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(data.data_dir(), root)
    path = root / "translations" / "es.yaml"
    text = path.read_text(encoding="utf-8").replace("    title: Desarrollar políticas sensibles al género\n", "")
    path.write_text(text, encoding="utf-8")
    content = localise.localised(data.load(root), "es")
    gender = content.commitment("gender")
    assert gender.title == "Developing gender-sensitive policies"  # English, not empty
    assert gender.theme == "Transversal"
    assert ("commitments.csv", "gender", "title") in localise.missing(data.load(root), "es")


@pytest.mark.parametrize(
    ("text", "row", "field", "message"),
    [
        ("commitments.csv:\n  nowhere:\n    title: X\n", "commitments.csv nowhere", "", "is not an id"),
        ("commitments.csv:\n  gender:\n    id: other\n", "commitments.csv gender", "id", "not a text field"),
        ("commitments.csv:\n  gender:\n    title: ''\n", "commitments.csv gender", "title", "not empty"),
        ("asks.yaml:\n  ask-1:\n    wins: [one]\n", "asks.yaml ask-1", "wins", "must be a list of"),
        ("table9.csv: {}\n", "table9.csv", "", "is not a content file"),
        ("- just a list\n", "", "", "must map content file names"),
        ("commitments.csv: [\n", "", "", "YAML"),
    ],
)
def test_a_broken_translation_file_is_reported_with_record_and_field(
    tmp_path: Path, text: str, row: str, field: str, message: str
) -> None:
    root = tmp_path / "data"
    shutil.copytree(data.data_dir(), root)
    (root / "translations" / "fr.yaml").write_text(text, encoding="utf-8")
    problems = [p for p in content_check.validate(root).problems if p.file == "translations/fr.yaml"]
    assert any(p.row.startswith(row) and p.field == field and message in p.message for p in problems), problems
    # The kit still loads, in English where the file is broken.
    assert localise.localised(data.load(root), "fr").commitment("gender").title


def test_the_shipped_translations_are_valid_and_cover_the_commitments() -> None:
    report_ = content_check.validate()
    assert not [p for p in report_.problems if p.file.startswith("translations/")], report_.table()
    content = data.load()
    for lang in i18n.LANGUAGES[1:]:
        assert localise.missing(content, lang, ("commitments.csv",)) == [], lang


def test_spanish_french_and_russian_translate_at_least_95_percent_of_the_messages_and_none_is_fuzzy() -> None:
    wanted = len([m for m in i18n.extract() if m.id])
    for lang in ("es", "fr", "ru"):
        cov = i18n.coverage(lang)
        assert cov.total == wanted, f"{lang}: run idpckit translations update"
        assert cov.share >= 0.95 and cov.fuzzy == 0, f"{lang}: {cov.translated} of {cov.total}, {cov.fuzzy} fuzzy"

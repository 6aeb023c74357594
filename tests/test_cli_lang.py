"""``--lang`` on the commands that write for people: each output comes out in the language asked, English absent."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner

from idpckit import data, i18n, localise, plots
from idpckit.assessment import Assessment, Entry
from idpckit.assessment_io import write_json
from idpckit.cli import main
from idpckit.compare import between


def review(year: int, org: str = "Red Veridiana", language: str = "en", **grades: int) -> Assessment:
    return Assessment(
        country="KEN",
        year=year,
        organisations=[org],
        language=language,
        entries=[Entry(commitment_id=cid.replace("_", "-"), grade=g) for cid, g in grades.items()],
    )


def run(*args: object) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def html_lang(page: str) -> str:
    found = re.search(r'<html lang="([a-z]+)"', page)
    assert found, page[:200]
    return found.group(1)


def absent(text: str, *english: str) -> None:
    left = [e for e in english if e in text]
    assert not left, f"still in English: {left}"


def title(cid: str, lang: str) -> str:
    return localise.load(lang).commitment(cid).title


def test_compare_in_french_and_in_the_later_reviews_language(tmp_path: Path) -> None:
    old = write_json(review(2023, alternatives=2, stigma=4), tmp_path / "2023.json")
    new = write_json(review(2024, alternatives=4, stigma=3), tmp_path / "2024.json")
    out = tmp_path / "fr.html"
    run("compare", old, new, "--lang", "fr", "-o", out)
    page = out.read_text(encoding="utf-8")
    assert html_lang(page) == "fr"
    assert "En progrès (+2)" in page and "En recul (−1)" in page
    assert "Kenya : ce qui a changé entre 2023 et 2024" in page
    assert title("stigma", "fr") in page
    absent(page, "Improved", "Worsened", "what changed", "Commitment by commitment", "Earlier review", "None recorded")

    # A review made in Spanish compares in Spanish without being asked.
    es_new = write_json(review(2024, language="es", alternatives=4, stigma=3), tmp_path / "es.json")
    run("compare", old, es_new, "-o", tmp_path / "es.html")
    page = (tmp_path / "es.html").read_text(encoding="utf-8")
    assert html_lang(page) == "es" and "Mejoró (+2)" in page and "Improved" not in page


def test_aggregate_in_spanish_html_and_csv(tmp_path: Path) -> None:
    folder = tmp_path / "reviews"
    folder.mkdir()
    for i in range(4):
        write_json(review(2024, org=f"ONG {i}", alternatives=1 + i, stigma=3), folder / f"r{i}.json")
    page_path = tmp_path / "coalicion.html"
    run("aggregate", folder, "--lang", "es", "-o", page_path)
    page = page_path.read_text(encoding="utf-8")
    assert html_lang(page) == "es"
    assert "Dónde no están de acuerdo los evaluadores" in page and "Consenso, compromiso por compromiso" in page
    assert title("alternatives", "es") in page
    absent(page, "Where assessors disagree", "Consensus, commitment by commitment", "reviews say together", "Agree<")

    table = tmp_path / "coalicion.csv"
    run("aggregate", folder, "--lang", "es", "-o", table)
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert [r["commitment"] for r in rows] == [title("alternatives", "es"), title("stigma", "es")]
    assert "commitment_id" in rows[0]  # the column names stay, for the spreadsheets that read them


def _room_with_reviews(tmp_path: Path) -> tuple[Path, str, str]:
    db = tmp_path / "s.sqlite3"
    made = CliRunner().invoke(main, ["room", "create", "Nairobi", "--store", str(db)])
    code, key = (line.split(": ")[1] for line in made.stdout.splitlines())
    files = [
        write_json(review(2025, org=o, alternatives=g, stigma=4), tmp_path / f"{o}.json")
        for o, g in (("a", 1), ("b", 5))
    ]
    run("store", "add", *files, "--store", db, "--room", code, "--submit")
    return db, code, key


def test_room_results_report_in_russian_html_and_pdf(tmp_path: Path) -> None:
    db, code, key = _room_with_reviews(tmp_path)
    page_path = tmp_path / "room.html"
    run("room", "results", code, "--key", key, "--lang", "ru", "-o", page_path, "--store", db)
    page = page_path.read_text(encoding="utf-8")
    assert html_lang(page) == "ru"
    assert f"Nairobi (комната {code})" in page and "Кения, 2025: 2 обзора" in page
    assert "Расхождение" in page and "2 отправленных обзора, 0 неотправленных черновиков" in page
    assert title("alternatives", "ru") in page
    absent(page, "submitted review", "Disagree", "Agreement", "Commitment<", "Kenya")

    pdf_path = tmp_path / "room.pdf"
    run("room", "results", code, "--key", key, "--lang", "ru", "-o", pdf_path, "--store", db)
    text = " ".join((p.extract_text() or "") for p in pypdf.PdfReader(pdf_path).pages)
    assert "комната" in text and "Кения" in text and "Расхождение" in text
    absent(text, "submitted review", "Disagree", "Kenya")


def _texts(fig: Any) -> str:
    """Every word drawn on a figure: its own texts, the axes' texts, tick labels and axis labels."""
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
        out += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
        out.append(ax.get_xlabel())
    return "\n".join(out)


@pytest.mark.parametrize(
    ("lang", "words", "english"),
    [
        (
            "es",
            ["Kenia: evaluación de 2024", "calificación en la escala común", "Sin evaluar"],
            ["review of", "Bar length"],
        ),
        ("fr", ["Kenya : évaluation de 2024", "note sur l'échelle commune", "Non évalué"], ["review of", "Bar length"]),
        ("ru", ["Кения: обзор за 2024 год", "по общей шкале 1–5", "Не оценено"], ["review of", "Bar length"]),
    ],
)
def test_the_charts_titles_and_labels_follow_the_language(lang: str, words: list[str], english: list[str]) -> None:
    a = review(2024, alternatives=2, stigma=4, harm_reduction=None)  # type: ignore[arg-type]
    with i18n.language(lang):
        drawn = _texts(plots.scorecard(a))
        assert all(w in drawn for w in words), drawn
        absent(drawn, *english)
        assert localise.load(lang).commitment("stigma").title.split()[0] in drawn  # the rows' titles
        moved = _texts(plots.year_on_year(between(review(2023, alternatives=4), review(2024, alternatives=2))))
        absent(moved, "Worsened", "earlier review", "Grade on the common")
        merged = _texts(plots.coalition([review(2024, org="a", alternatives=1), review(2024, org="b", alternatives=5)]))
        absent(merged, "Disagree", "coalition view", "reviews")
    assert data.load().commitment("stigma").title.split()[0] in _texts(plots.scorecard(a))  # English outside


@pytest.mark.parametrize("lang", ["ru", "fr"])
def test_the_grading_sheet_template_in_russian_or_french_still_reads_back(tmp_path: Path, lang: str) -> None:
    import openpyxl

    sheet = tmp_path / f"sheet-{lang}.xlsx"
    run("template", "--lang", lang, "-o", sheet)
    wb = openpyxl.load_workbook(sheet)
    instructions = "\n".join(str(r[0]) for r in wb["Instructions"].iter_rows(values_only=True) if r[0])
    heading = {"ru": "Как заполнить этот оценочный лист", "fr": "Comment remplir cette grille de notation"}[lang]
    assert instructions.startswith(heading)
    absent(instructions, "How to fill in", "Grade what happens in practice", "The columns of")
    grades = wb["Grades"]
    assert grades.cell(4, 3).value == title("harm-reduction", lang)
    assert lang != "ru" or "оценка" in grades["E1"].comment.text  # the column help, in the language
    # What the importer reads stays as it was: a sheet filled in from this template reads back.
    assert [c.value for c in grades[1]][:5] == ["number", "commitment_id", "commitment", "tracked", "grade"]
    about = wb["About"]
    for row in about.iter_rows():
        if row[0].value == "country":
            row[1].value = "KEN"
        if row[0].value == "year":
            row[1].value = 2025
    grades.cell(4, 4).value, grades.cell(4, 5).value = "yes", 3
    wb.save(sheet)
    run("import", sheet, "-o", tmp_path / "back.json")
    back = (tmp_path / "back.json").read_text(encoding="utf-8")
    assert '"harm-reduction"' in back and '"grade": 3' in back


def test_slides_in_spanish_come_from_the_spanish_lessons(tmp_path: Path) -> None:
    from idpckit import catalog

    out = tmp_path / "diapositivas"
    run("slides", "--lang", "es", "-o", out)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert html_lang(index) == "es" and "Diapositivas: la serie de sesiones a nivel ministerial de 2019" in index
    absent(index, "One deck per lesson", "slides)")
    spanish = {e.path.stem: e for e in catalog.catalog(catalog.notebooks_dir() / "es") if e.kind == "lesson"}
    deck = (out / "02-four-asks.html").read_text(encoding="utf-8")
    assert html_lang(deck) == "es"
    assert f"Lección 2: {spanish['02-four-asks'].title}" in deck  # the Spanish notebook's own title
    assert "Puntos clave" in deck and "Su turno:" in deck and "Al final de esta lección podrá" in deck
    assert localise.load("es").asks[0].title in deck  # the asks slide, from the Spanish content
    absent(deck, "Key points", "Your turn", "By the end of this lesson", "of teaching")


def _pdf_text(path: Path) -> str:
    return " ".join((p.extract_text() or "") for p in pypdf.PdfReader(path).pages)


def test_handouts_in_french_grading_sheet_and_calendar(tmp_path: Path) -> None:
    out = tmp_path / "documents"
    run("handouts", "--lang", "fr", "--only", "grading-sheet", "--only", "calendar", "-o", out)
    sheet = _pdf_text(out / "grading-sheet.pdf")
    assert "Grille de notation : où en est votre gouvernement ?" in sheet
    assert "Recommandation au gouvernement" in sheet and "Non évalué" in sheet
    gender = localise.load("fr").rubric_for("gender").levels["5"]
    assert " ".join(gender.split()[:6]) in " ".join(sheet.split())  # the rubric's anchors, in French
    absent(sheet, "Grading sheet", "Recommendation to the government", "Not assessed", "What the grades look like")
    assert pypdf.PdfReader(out / "grading-sheet.pdf").trailer["/Root"].get("/Lang") == "fr"

    calendar = _pdf_text(out / "calendar.pdf")
    assert "Encadré 1 : les réunions thématiques intersessions, 2019-2024" in calendar
    # The months come from the English dates, the words from the French: October 2019's meeting is there.
    assert "octobre" in calendar and "Marchés et offre" in calendar
    # (Citations stay as published, so an English source title may name a month: only the kit's words are checked.)
    absent(calendar, "Box 1", "Year by year", "Markets and supply", "Held ", "Meeting held")

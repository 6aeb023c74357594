"""Issue 15's "Done when", for the files a trainee takes away: each comes out in the language asked for.

The report is the document an advocate hands to a government: a Spanish, French or
Russian one must say so (``<html lang>``, the PDF's ``/Lang``), so a screen reader
reads it with the right voice, and its words and fonts must be that language's.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from idpckit.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "examples" / "veridia-2024.json"
TITLES = {
    "es": "Veridia (país ficticio), 2024",
    "fr": "Veridia (pays fictif), 2024",
    "ru": "Веридия (вымышленная страна), 2024",
}


@pytest.mark.parametrize("lang", ["es", "fr", "ru"])
def test_the_report_comes_out_in_the_language_asked_for_html_and_pdf(lang: str, tmp_path: Path) -> None:
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    for out in (html, pdf):
        result = CliRunner().invoke(main, ["report", str(EXAMPLE), "--lang", lang, "-o", str(out)])
        assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert f'<html lang="{lang}"' in page and TITLES[lang] in page
    reader = pypdf.PdfReader(pdf)
    assert reader.trailer["/Root"].get("/Lang") == lang  # not "en": a screen reader picks its voice from it
    first = " ".join((reader.pages[0].extract_text() or "").split())
    assert TITLES[lang] in first and "FICTIONAL EXAMPLE" not in first
    fonts = {
        str(font.get_object().get("/BaseFont"))
        for p in reader.pages
        for font in p["/Resources"].get_object().get("/Font", {}).values()
    }
    assert fonts and all("DejaVu" in f for f in fonts), fonts  # DejaVu covers Latin and Cyrillic


def test_the_pdf_fonts_have_every_character_of_the_four_languages() -> None:
    """DejaVu Sans (regular, bold, oblique) draws every letter the catalogues and translated content use.

    fpdf2 leaves out a character its font lacks (with a warning only), so a PDF in a
    language the font did not cover would print with holes in its words.
    """
    from babel.messages.pofile import read_po
    from fontTools.ttLib import TTFont

    from idpckit.report import font_paths

    root = Path(__file__).resolve().parent.parent
    used: set[str] = set()
    for lang in ("es", "fr", "ru"):
        with (root / "idpckit" / "locale" / lang / "LC_MESSAGES" / "idpckit.po").open("rb") as handle:
            for message in read_po(handle):
                if message.id:  # not the header
                    used.update(*(message.string if isinstance(message.string, tuple) else (message.string,)))
        used.update((root / "data" / "translations" / f"{lang}.yaml").read_text(encoding="utf-8"))
    used.update((root / "data" / "commitments.csv").read_text(encoding="utf-8"))  # the English content
    # letters, digits, punctuation and spaces (the French no-break ones too); symbols such as ⏳ are the
    # interface's own, the same in English, and not the fonts' job to cover per language
    letters = {c for c in used if unicodedata.category(c)[0] in "LNP"} | {"\u00a0", "\u202f"}
    assert {"ж", "ы", "ñ", "é", "«", "—"} <= letters  # the texts really hold these languages
    for style, path in font_paths().items():
        cmap = TTFont(path).getBestCmap()
        missing = sorted(c for c in letters if ord(c) not in cmap)
        assert not missing, (style or "regular", [f"U+{ord(c):04X} {c}" for c in missing])

"""The kit's stylesheets live in ``idpckit/templates/*.css`` and are read through :mod:`idpckit.style`:
no Python module carries CSS rules of its own, and each kind of page carries its sheet."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from idpckit import catalog, data, printing, style, trainer
from idpckit.serve import guards

PACKAGE = Path(__file__).resolve().parent.parent / "idpckit"


def test_no_module_writes_css_rules_of_its_own():
    """Every ``<style>`` element in the package's code is filled from a templates/*.css file.

    Only rules made from arguments may sit in the code: the printed lesson's fonts (their paths)
    and its paper size (``--paper``).
    """
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for m in re.finditer(r"<style[^>]*>(.*?)</style>", source, flags=re.S):
            inside = m.group(1)
            assert re.search(r"\bcss\(", inside), f"{path.relative_to(PACKAGE)}: CSS written in the code"
            rules = re.sub(r"@(page|font-face)\b[^\n]*", "", inside)
            assert not re.search(r"[\w\]*)]\s*\{\{?\s*[\w-]+\s*:", rules), f"{path.relative_to(PACKAGE)}: a CSS rule"
    sheets = {p.name for p in (PACKAGE / "templates").glob("*.css")}
    assert {"trainer.css", "message.css", "print.css", "widgets.css", "style.css"} <= sheets


def test_trainer_pages_carry_their_sheet_with_a_visible_focus():
    page = trainer.wrap("Agenda", "<p>Hello</p>")
    assert f"<style>{style.css('trainer.css')}</style>" in page
    assert "a:focus-visible" in page and "outline: 3px solid #e0a100" in page
    assert "@media print" in page  # the crumbs and forms are left off paper


def test_server_messages_carry_their_sheet_with_a_visible_focus():
    page = guards.error_page(404)
    assert f"<style>{style.css('message.css')}</style>" in page
    assert "a:focus { outline: 3px solid #1a4480" in page and "max-width: 40rem" in page


def test_a_printed_lesson_is_black_on_white_on_its_paper():
    entry = catalog.catalog()[0]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A lesson\n\nSome text.")])
    for paper, size in (("a4", "A4"), ("letter", "letter")):
        page = printing.lesson_html(entry, nb, data.load(), paper)
        assert style.css("print.css") in page
        assert f"@page {{ size: {size};" in page
        assert 'body { font: 10.5pt/1.45 "DejaVu Sans", sans-serif; color: #000; }' in page
        assert "@font-face" in page and "<h1>A lesson</h1>" in page

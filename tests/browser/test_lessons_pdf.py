"""`idpckit lessons --pdf`: a lesson run in a real kernel and printed by Debian's Chromium, exercises as worksheets."""

from __future__ import annotations

from pathlib import Path

import pypdf
from click.testing import CliRunner

from idpckit import exercises, handouts
from idpckit.cli import main


def test_a_lesson_prints_on_letter_with_its_tables_and_worksheets_but_no_answers(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["lessons", "--pdf", "-o", str(tmp_path), "--lesson", "2", "--paper", "letter"])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "02-four-asks.pdf"
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) >= 3
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == handouts.PAPERS["letter"][1]
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "IDPC's four asks" in text
    assert "Move away from drug-free world targets" in text  # the asks table, from data/asks.yaml via the kernel
    spec = exercises.get("02-four-asks", "what-moved-the-text")
    assert spec.title in text
    for option in spec.options:
        assert " ".join(option.text.split())[:40] in text
        if option.why:
            assert " ".join(option.why.split())[:40] not in text  # the feedback is the answer: not printed
    assert "Show solution" not in text


def test_an_unknown_lesson_is_refused_in_words(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["lessons", "--pdf", "-o", str(tmp_path), "--lesson", "42"])
    assert result.exit_code == 1
    assert "There is no lesson 42; the lessons are 0, 1" in result.output
    assert not list(tmp_path.iterdir())

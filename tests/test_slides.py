"""The slide decks: one per lesson and one for the role-play, self-contained, from the lessons and data/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from idpckit import catalog, data, slides
from idpckit.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("slides")
    slides.build(out)
    return out


def test_a_deck_per_lesson_and_one_for_the_roleplay(built: Path) -> None:
    lessons = [e for e in catalog.catalog() if e.kind == "lesson"]
    for e in lessons:
        page = (built / f"{e.path.stem}.html").read_text(encoding="utf-8")
        assert f"<h1>{e.title}" in page.replace("&#x27;", "'")
        for o in e.objectives:
            assert o.replace("'", "&#x27;") in page
    assert (built / "roleplay.html").is_file()
    index = (built / "index.html").read_text(encoding="utf-8")
    assert index.count("<li><a href=") == len(lessons) + 1


def test_nothing_is_fetched_from_the_network(built: Path) -> None:
    for path in built.rglob("*"):
        if path.suffix in (".html", ".css", ".js"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not slides.external_references(text), path.name
    assert slides.external_references('<script src="https://cdn.example/x.js"></script>')  # the check itself works
    assert slides.external_references('@import "https://fonts.googleapis.com/css?family=Lato";')


def test_reveal_its_licence_and_the_fonts_travel_with_the_decks(built: Path) -> None:
    assert "Permission is hereby granted" in (built / "assets" / "reveal" / "LICENSE").read_text(encoding="utf-8")
    assert (built / "assets" / "reveal" / "reveal.js").read_text(encoding="utf-8").startswith("/*!\n * reveal.js")
    for font in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        assert (built / "assets" / "fonts" / font).stat().st_size > 100_000
    css = (built / "assets" / "slides.css").read_text(encoding="utf-8")
    assert 'url("fonts/DejaVuSans.ttf")' in css


def test_data_slides_come_from_data(built: Path) -> None:
    content = data.load()
    deck = (built / "04-table1.html").read_text(encoding="utf-8")
    for c in content.commitments:
        assert c.title.replace("'", "&#x27;") in deck, c.id
    calendar = (built / "05-calendar-and-venues.html").read_text(encoding="utf-8")
    for y in content.workplan:
        assert y.topics.replace("'", "&#x27;") in calendar


def test_exercise_slides_ask_without_giving_the_answer(built: Path) -> None:
    deck = (built / "02-four-asks.html").read_text(encoding="utf-8")
    assert "Your turn: What moved the text?" in deck
    spec = next(
        s
        for s in yaml.safe_load((REPO / "data" / "exercises" / "02-four-asks.yaml").read_text("utf-8"))
        if s["id"] == "what-moved-the-text"
    )
    for option in spec["options"]:
        assert option["text"].replace("'", "&#x27;").replace('"', "&quot;") in deck
        if option.get("why"):
            assert option["why"].replace("'", "&#x27;").replace('"', "&quot;") not in deck


def test_lesson_text_is_escaped_and_code_is_never_run(tmp_path: Path) -> None:
    folder = tmp_path / "notebooks"
    shutil.copytree(catalog.notebooks_dir(), folder)
    path = folder / "02-four-asks.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    marker = tmp_path / "ran"
    nb["cells"].insert(
        1, {"cell_type": "markdown", "metadata": {}, "source": ["## A trap\n\n<script>alert(1)</script> ok"]}
    )
    nb["cells"].insert(
        2,
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": [f"open({str(marker)!r}, 'w').write('x')"],
        },
    )
    path.write_text(json.dumps(nb), encoding="utf-8")
    out = tmp_path / "out"
    slides.build(out, notebooks=folder)
    page = (out / "02-four-asks.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ok" in page and "<script>alert(1)" not in page
    assert not marker.exists()


def test_summary_keeps_the_first_paragraph_and_the_lists() -> None:
    text = "First words.\n\nSecond paragraph, for the notes.\n\n- one\n- two\n\nMore.\n\n1. a\n2. b"
    assert slides.summarise(text) == "First words.\n\n- one\n- two\n\n1. a\n2. b"
    assert slides.summarise(text, max_items=3) == "First words.\n\n- one\n- two\n\n1. a"


def test_the_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["slides", "-o", str(tmp_path / "usb")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "usb" / "index.html").is_file()
    afile = tmp_path / "file"
    afile.write_text("x", encoding="utf-8")
    bad = CliRunner().invoke(main, ["slides", "-o", str(afile)])
    assert bad.exit_code != 0 and "Traceback" not in bad.output


def test_computed_exercises_get_their_slide_too(built: Path) -> None:
    from idpckit import exercises

    spec = exercises.get("05-checks", "box1-years")
    deck = (built / "05-calendar-and-venues.html").read_text(encoding="utf-8")
    assert f"Your turn: {spec.title}" in deck


def test_the_files_are_readable_by_others_so_they_can_be_copied_and_served(built: Path) -> None:
    for path in (built / "index.html", built / "04-table1.html", built / "assets" / "slides.css"):
        assert path.stat().st_mode & 0o044, path.name

"""The catalog of lessons and apps, read from each notebook's metadata, and the schedule made from it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from wheel_helpers import BuiltWheel, run_from_wheel

from idpckit import catalog
from idpckit.cli import main

REPO = Path(__file__).resolve().parent.parent
SCHEDULE = REPO / "workshop" / "schedule.md"


def lesson_meta(**overrides: object) -> dict:
    meta = {
        "kind": "lesson",
        "order": 1,
        "title": "The road to 2019",
        "summary": "From the 2009 Political Declaration to the Ministerial Segment.",
        "teaching": 25,
        "exercises": 15,
        "objectives": ["Place the 2019 Ministerial Segment on the road from 2009"],
        "keypoints": ["2019 was the target date set in 2009"],
    }
    meta.update(overrides)
    return meta


def write_nb(folder: Path, name: str, meta: dict | None, *, raw: str | None = None) -> Path:
    path = folder / name
    if raw is not None:
        path.write_text(raw, encoding="utf-8")
        return path
    nb = {"cells": [], "metadata": {} if meta is None else {"idpckit": meta}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_every_shipped_notebook_is_in_the_catalog() -> None:
    entries = catalog.catalog()
    names = {e.name for e in entries}
    assert names == {p.name for p in catalog.notebooks_dir().glob("*.ipynb")}
    assert "table1-explorer.ipynb" in names
    assert [e.kind for e in entries] == sorted((e.kind for e in entries), key=catalog.KINDS.index)  # apps first
    for kind in catalog.KINDS:
        orders = [e.order for e in entries if e.kind == kind]
        assert orders == sorted(orders)


def test_notebooks_dir_checkout_env_and_explicit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(catalog.ENV_VAR, raising=False)
    assert catalog.notebooks_dir() == REPO / "notebooks"
    monkeypatch.setenv(catalog.ENV_VAR, str(tmp_path))
    assert catalog.notebooks_dir() == tmp_path
    assert catalog.notebooks_dir(tmp_path / "x") == tmp_path / "x"


def test_a_good_notebook_becomes_an_entry(tmp_path: Path) -> None:
    write_nb(tmp_path, "01-road.ipynb", lesson_meta())
    write_nb(tmp_path, "app.ipynb", {"kind": "app", "order": 1, "title": "An app", "summary": "Does one thing."})
    (tmp_path / "notes.txt").write_text("not a notebook")
    entries = catalog.catalog(tmp_path)
    assert [(e.kind, e.name) for e in entries] == [("app", "app.ipynb"), ("lesson", "01-road.ipynb")]
    lesson = entries[1]
    assert (lesson.teaching, lesson.exercises, lesson.minutes) == (25, 15, 40)
    assert lesson.url == "voila/render/01-road.ipynb"
    assert lesson.objectives == ("Place the 2019 Ministerial Segment on the road from 2009",)


@pytest.mark.parametrize(
    ("meta", "raw", "expected"),
    [
        (None, None, "has no 'idpckit' notebook metadata"),
        (None, '{"cells": [', "is not a valid notebook (JSON error on line 1"),
        (lesson_meta(kind="quiz"), None, "'kind': 'quiz' is not allowed; use 'lesson' or 'app'"),
        (lesson_meta(teaching="20"), None, "'teaching': '20' is not a whole number"),
        (lesson_meta(teaching=-5), None, "'teaching': -5 is too small; it must be 0 or more"),
        (lesson_meta(summary="two\nlines"), None, "must be a single line"),
        (lesson_meta(title=""), None, "'title': must not be empty"),
        (lesson_meta(objectives=[]), None, "a lesson needs at least one learning objective"),
        (lesson_meta(keypoints=[]), None, "a lesson needs at least one key point"),
        (lesson_meta(objective=["typo"]), None, "'objective': is not a known field"),
        ({k: v for k, v in lesson_meta().items() if k != "order"}, None, "'order': is missing"),
    ],
)
def test_malformed_metadata_is_named_in_plain_words(tmp_path: Path, meta: dict | None, raw: str | None, expected: str):
    write_nb(tmp_path, "02-broken.ipynb", meta, raw=raw)
    write_nb(tmp_path, "01-fine.ipynb", lesson_meta())
    with pytest.raises(catalog.CatalogError) as info:
        catalog.catalog(tmp_path)
    message = str(info.value)
    assert "02-broken.ipynb" in message and expected in message
    assert "01-fine.ipynb" not in message
    scan = catalog.scan(tmp_path)  # the index page still lists the good ones
    assert [e.name for e in scan.entries] == ["01-fine.ipynb"] and len(scan.problems) == 1


def test_a_notebook_edited_while_serving_is_read_again(tmp_path: Path) -> None:
    """Metadata is cached per file for the server's sake; a trainer's edit shows at the next read."""
    path = write_nb(tmp_path, "01-road.ipynb", lesson_meta(title="The road to 2019"))
    assert catalog.read_entry(path).title == "The road to 2019"
    assert catalog.read_entry(path) is catalog.read_entry(path)  # unchanged: not parsed again
    time.sleep(0.02)  # past the file system's clock tick, as any edit by hand is
    write_nb(tmp_path, "01-road.ipynb", lesson_meta(title="The road to 2020"))  # the same size: a typo fixed
    assert catalog.read_entry(path).title == "The road to 2020"
    write_nb(tmp_path, "01-road.ipynb", lesson_meta(title="The road to 2019 and after", teaching=30))
    assert [(e.title, e.teaching) for e in catalog.scan(tmp_path).entries] == [("The road to 2019 and after", 30)]


def test_a_broken_notebook_is_named_again_each_time_and_listed_once_mended(tmp_path: Path) -> None:
    path = write_nb(tmp_path, "01-road.ipynb", None, raw='{"cells": [')
    for _ in range(2):  # a cached failure is still a failure, with the same words
        with pytest.raises(ValueError, match="is not a valid notebook"):
            catalog.read_entry(path)
    write_nb(tmp_path, "01-road.ipynb", lesson_meta())
    scan = catalog.scan(tmp_path)
    assert [e.name for e in scan.entries] == ["01-road.ipynb"] and not scan.problems


def test_two_lessons_with_the_same_order_are_a_problem(tmp_path: Path) -> None:
    write_nb(tmp_path, "01-a.ipynb", lesson_meta(order=3))
    write_nb(tmp_path, "01-b.ipynb", lesson_meta(order=3))
    with pytest.raises(catalog.CatalogError, match=r"01-b.ipynb: has the same lesson order \(3\) as 01-a.ipynb"):
        catalog.catalog(tmp_path)


def test_schedule_counts_start_times_and_lists_objectives(tmp_path: Path) -> None:
    write_nb(tmp_path, "00-start.ipynb", lesson_meta(order=0, title="Start here", teaching=10, exercises=5))
    write_nb(tmp_path, "01-road.ipynb", lesson_meta(order=1, title="The | road", teaching=50, exercises=20))
    write_nb(
        tmp_path, "x.ipynb", {"kind": "app", "order": 1, "title": "Explorer", "summary": "Table 1.", "exercises": 10}
    )
    md = catalog.schedule_markdown(catalog.catalog(tmp_path))
    assert "| 0:00 | Start here | `00-start.ipynb` | 10 min | 5 min |" in md
    assert "| 0:15 | The \\| road | `01-road.ipynb` | 50 min | 20 min |" in md  # pipes cannot break the table
    assert "| 1:25 | Finish |" in md
    assert "2 lessons, 1:25 in all (60 minutes of teaching, 25 minutes of exercises)" in md
    assert "**Explorer** (`x.ipynb`): Table 1. About 10 minutes." in md
    assert "- Place the 2019 Ministerial Segment on the road from 2009" in md
    assert "Do not edit by hand" in md


def test_workshop_schedule_is_up_to_date_and_lists_every_notebook() -> None:
    expected = catalog.schedule_markdown()
    assert SCHEDULE.is_file(), "workshop/schedule.md is missing: run `idpckit schedule -o workshop/schedule.md`"
    assert SCHEDULE.read_text(encoding="utf-8") == expected, (
        "workshop/schedule.md is out of date with the notebooks' metadata: run `idpckit schedule -o workshop/schedule.md`"
    )
    for path in catalog.notebooks_dir().glob("*.ipynb"):
        assert f"`{path.name}`" in expected, f"{path.name} is not in the schedule"


def test_schedule_command_writes_checks_and_reports_errors(tmp_path: Path) -> None:
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    write_nb(notebooks, "01-road.ipynb", lesson_meta())
    out = tmp_path / "schedule.md"
    runner = CliRunner()
    args = ["schedule", "--notebooks", str(notebooks), "-o", str(out)]
    assert runner.invoke(main, [*args, "--check"]).exit_code == 1  # missing file: out of date
    done = runner.invoke(main, args)
    assert done.exit_code == 0 and "The road to 2019" in out.read_text()
    ok = runner.invoke(main, [*args, "--check"])
    assert ok.exit_code == 0 and "up to date" in ok.output

    write_nb(notebooks, "02-bad.ipynb", lesson_meta(order=2, kind="quiz"))
    bad = runner.invoke(main, args)
    assert bad.exit_code == 1 and "02-bad.ipynb" in bad.output and "Traceback" not in bad.output
    assert "The road to 2019" in out.read_text()  # the good file was not overwritten by a broken run


@pytest.mark.slow
def test_a_wheel_carries_the_notebooks_and_the_voila_templates(built_wheel: BuiltWheel, tmp_path: Path) -> None:
    assert "idpckit/serve/_voila/index.html" in built_wheel.names
    assert "idpckit/serve/_voila/share/voila/templates/idpckit/index.html.j2" in built_wheel.names
    code = "from idpckit import catalog; print(catalog.notebooks_dir()); print(len(catalog.catalog()))"
    where, count = run_from_wheel(built_wheel, code, tmp_path).split()
    assert where.endswith("idpckit/_notebooks")
    assert int(count) == len(list((REPO / "notebooks").glob("*.ipynb")))


@pytest.mark.parametrize(
    ("lang", "title", "summary_word"),
    [
        ("es", "Autoevaluación: califique a su gobierno", "descargue el informe"),
        ("fr", "Auto-évaluation : notez votre gouvernement", "téléchargez le rapport"),
        ("ru", "Самооценка: оцените своё правительство", "скачайте отчёт"),
    ],
)
def test_the_apps_index_entries_speak_the_visitors_language(lang: str, title: str, summary_word: str) -> None:
    """Apps are one notebook for every language, so their title, summary and objectives come from the catalogue."""
    found = catalog.scan(catalog.notebooks_dir())
    apps = {e.name: e for e in catalog.in_language(found, lang) if e.kind == "app"}
    app = apps["self-assessment.ipynb"]
    assert app.title == title and summary_word in app.summary and app.lang == lang
    assert app.url == "voila/render/self-assessment.ipynb"  # one notebook for every language (it takes ?lang=)
    english = {e.name: e for e in found.entries}["self-assessment.ipynb"]
    assert len(app.objectives) == len(english.objectives) and not set(app.objectives) & set(english.objectives)
    assert all(e.title != {x.name: x for x in found.entries}[e.name].title for e in apps.values())


def test_an_app_whose_title_is_not_translated_stays_english_and_says_so(tmp_path: Path) -> None:
    write_nb(tmp_path, "tool.ipynb", lesson_meta(kind="app", title="A tool nobody translated"))
    found = catalog.scan(tmp_path)
    (entry,) = catalog.in_language(found, "es")
    assert entry.title == "A tool nobody translated" and entry.lang == "en"


def test_the_catalogue_template_carries_every_apps_metadata() -> None:
    """`idpckit translations update` must offer a new app's words to translators (tests/test_i18n.py keeps the .pot current)."""
    from idpckit import i18n

    template = i18n.extract()
    for entry in catalog.scan(catalog.notebooks_dir()).entries:
        if entry.kind == "app":
            for text in (entry.title, entry.summary, *entry.objectives, *entry.keypoints):
                assert template.get(text) is not None, text

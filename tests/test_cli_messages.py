"""The CLI speaks to its user in their language: ``--lang``, else ``IDPCKIT_LANG``, else the locale.

Each test runs a command as a trainer would (a wrong key, a bad file, an unknown country)
and reads the message they get: in the language chosen, in plain words, never a traceback.
One test runs the installed ``idpckit`` in a child process with only ``LANG`` set, the way a
French terminal would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from idpckit import i18n
from idpckit.cli import main
from idpckit.rooms import Rooms
from idpckit.store import Store

#: An environment with no language set anywhere (CliRunner's env= sets or, with None, removes variables).
NO_LANGUAGE: dict[str, str | None] = {"IDPCKIT_LANG": None, "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None}


def run(*args: object, **env: str | None):
    return CliRunner().invoke(main, [str(a) for a in args], env={**NO_LANGUAGE, "LANG": "C.UTF-8", **env})


@pytest.fixture
def room(tmp_path: Path) -> tuple[str, str, str]:
    url = str(tmp_path / "rooms.sqlite3")
    made, key = Rooms(Store(url)).create("Atelier de Dakar")
    return url, made.code, key


def test_a_wrong_trainer_key_is_refused_in_french_with_lang_fr(room, tmp_path: Path) -> None:
    url, code, _key = room
    out = tmp_path / "room.json"
    result = run(
        "room", "results", code, "--key", "AAAA-BBBB-CCCC-DDDD-EEEE", "--store", url, "--lang", "fr", "-o", out
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"Cette clé de formateur n'ouvre pas la salle {code}." in result.output
    assert "does not open" not in result.output and not out.exists()
    assert i18n.current() == "en"  # the command's language ended with it


def test_idpckit_lang_es_gives_spanish_messages_for_a_bad_file_and_an_unknown_room(room, tmp_path: Path) -> None:
    url, _code, _key = room
    bad = tmp_path / "roto.json"
    bad.write_text("{ not json", encoding="utf-8")
    checked = run("validate", bad, IDPCKIT_LANG="es")
    assert checked.exit_code == 1 and "El archivo tiene problemas." in checked.output
    assert checked.output.startswith("error  ") and "Traceback" not in checked.output
    unknown = run("room", "close", "ZZZZ-ZZZZ", "--key", "x", "--store", url, IDPCKIT_LANG="es")
    assert unknown.exit_code == 1 and "Esta clave de facilitador no abre la sala ZZZZ-ZZZZ." in unknown.output


def test_the_locale_decides_when_nothing_else_does_and_lang_wins_over_it(room, tmp_path: Path) -> None:
    url, code, key = room
    listed = run("store", "list", "--store", url, "--country", "Narnia", LANG="ru_RU.UTF-8")
    assert listed.exit_code == 1 and "«Narnia» — незнакомая нам страна" in listed.output
    made = run("room", "create", "Taller de Lima", "--store", url, LANGUAGE="es:fr", LANG="fr_FR.UTF-8")
    assert made.exit_code == 0 and "código de sala: " in made.output and "clave de facilitador: " in made.output
    closed = run("room", "close", code, "--key", key, "--store", url, IDPCKIT_LANG="fr", LC_ALL="es_ES.UTF-8")
    assert closed.exit_code == 0 and f"La salle {code} est fermée" in closed.output
    english = run("store", "list", "--store", url, "--country", "Narnia")
    assert "'Narnia' is not a country we know" in english.output  # C.UTF-8: English


def test_counted_messages_take_the_russian_forms(tmp_path: Path) -> None:
    from idpckit.assessment import Assessment
    from idpckit.assessment_io import write_json

    files = []
    for i in range(5):
        path = tmp_path / f"r{i}.json"
        write_json(Assessment(country="KAZ", year=2025, organisations=[f"Org {i}"]), path)
        files.append(path)
    url = str(tmp_path / "store.sqlite3")
    added = run("store", "add", *files[:2], "--store", url, IDPCKIT_LANG="ru")
    assert added.exit_code == 0 and "Добавлено 2 черновика." in added.output
    added = run("store", "add", *files, "--store", url, IDPCKIT_LANG="ru")
    assert "Добавлено 5 черновиков." in added.output
    valid = run("validate", *files[:1], IDPCKIT_LANG="ru")
    assert "Файл в порядке." in valid.output


def test_the_installed_command_reads_lang_from_a_french_terminal(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in NO_LANGUAGE}
    env["LANG"] = "fr_FR.UTF-8"
    done = subprocess.run(
        [sys.executable, "-m", "idpckit", "store", "list", "--store", str(tmp_path / "s.sqlite3"), "--country", "Oz"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "« Oz » n'est pas un pays que nous connaissons ; utilisez un code ISO comme COL" in done.stderr


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({"LANGUAGE": "de:es", "LANG": "fr_FR.UTF-8"}, "es"),
        ({"LANGUAGE": "de", "LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LC_ALL": "es_CO.UTF-8", "LANG": "fr_FR.UTF-8"}, "es"),
        ({"LC_ALL": "de_DE.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LC_MESSAGES": "ru_RU.UTF-8@latin"}, "ru"),
        ({"IDPCKIT_LANG": "ru", "LANG": "fr_FR.UTF-8"}, "ru"),
        ({"IDPCKIT_LANG": "xx<script>", "LANG": "es_ES"}, "es"),
        ({}, "en"),
    ],
)
def test_which_language_a_command_line_speaks(environ: dict[str, str], expected: str) -> None:
    assert i18n.environment_language(environ) == expected


def test_a_bad_file_is_explained_in_the_language_chosen(tmp_path: Path) -> None:
    broken = tmp_path / "roto.json"
    broken.write_text('{"country": "COL", "year": ', encoding="utf-8")
    cut = run("validate", broken, IDPCKIT_LANG="es")
    assert cut.exit_code == 1 and "error  No se pudo leer «roto.json»" in cut.output
    assert "el JSON termina demasiado pronto" in cut.output and "Could not read" not in cut.output
    year = tmp_path / "annee.json"
    year.write_text('{"schema_version": 1, "country": "COL", "year": "deux mille"}', encoding="utf-8")
    wrong = run("import", year, "-o", tmp_path / "out.json", "--", LANG="fr_FR.UTF-8")
    assert wrong.exit_code == 1 and "Impossible de lire « annee.json », champ « year » :" in wrong.output
    assert "'deux mille' n'est pas un nombre entier" in wrong.output and not (tmp_path / "out.json").exists()
    folder = run("report", tmp_path, "-o", tmp_path / "r.pdf", "--lang", "ru")
    assert folder.exit_code == 1 and "это папка, а не файл" in folder.output
    english = run("validate", broken)
    assert "the JSON ends too early" in english.output


def test_a_grading_sheet_that_cannot_be_read_is_explained_in_french_and_russian(tmp_path: Path) -> None:
    other = tmp_path / "budget.csv"
    other.write_text("poste,montant\nloyer,300\n", encoding="utf-8")
    fr = run("import", other, "-o", tmp_path / "out.json", IDPCKIT_LANG="fr")
    assert fr.exit_code == 1 and "Impossible de lire « budget.csv » : aucun tableau Grades n'a été trouvé" in fr.output
    old = tmp_path / "old.xlsx"  # an .xls saved under the new name
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    ru = run("validate", old, "--no-progress", LANG="ru_RU.UTF-8")
    assert ru.exit_code == 1 and "это файл Excel старого формата (.xls)" in ru.output and "Traceback" not in ru.output
    assert not (tmp_path / "out.json").exists()


def test_handouts_refuse_an_unknown_name_in_the_language_asked(tmp_path: Path) -> None:
    unknown = run("handouts", "-o", tmp_path / "docs", "--only", "nope", "--lang", "fr")
    assert (
        unknown.exit_code == 1
        and "Il n'y a pas de document appelé « nope » ; choisissez parmi table1" in unknown.output
    )
    assert not (tmp_path / "docs").exists()

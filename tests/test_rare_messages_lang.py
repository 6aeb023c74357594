"""The messages a trainer meets rarely, in their language: each is triggered for real and read as printed.

A file from a newer idpckit, a JSON bomb, a sheet with content beyond its bounds, a damaged
workbook, a lesson that does not exist, a broken copy of reveal.js, a busy port, and the
lines ``idpckit serve`` prints when it starts: Spanish, French and Russian, no English left.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import hostile_files  # a helper module of this folder (pytest puts the folder on the path), not a test
import pytest
from click.testing import CliRunner
from serve_helpers import free_port, start_serve, stop_serve

from idpckit import i18n, printing, slides
from idpckit.assessment_io.sheets import MAX_SHEET_COLUMNS
from idpckit.cli import main

NO_LANGUAGE: dict[str, str | None] = {"IDPCKIT_LANG": None, "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None}


def run(*args: object, lang: str) -> str:
    """A command run with only ``LANG`` set to ``lang``'s locale; refused (exit 1), never a traceback."""
    locale = {"es": "es_ES.UTF-8", "fr": "fr_FR.UTF-8", "ru": "ru_RU.UTF-8"}[lang]
    result = CliRunner().invoke(main, [str(a) for a in args], env={**NO_LANGUAGE, "LANG": locale})
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    return " ".join(result.output.split())


def review_json(**changes: object) -> str:
    record = json.loads(hostile_files.load_example("veridia-2024").to_json())
    record.update(changes)
    return json.dumps(record)


NEWER = {
    "es": "un formato más reciente de lo que este idpckit puede leer (hasta 1); actualice idpckit",
    "fr": "un format plus récent que ce que cet idpckit sait lire (jusqu'à 1) ; mettez idpckit à jour",
    "ru": "более новый формат, чем может прочитать эта версия idpckit (до 1); обновите idpckit",
}
MISSING_VERSION = {
    "es": "falta; un archivo de evaluación debe decir qué formato usa",
    "fr": "est absent ; un fichier d'évaluation doit dire quel format il utilise",
    "ru": "отсутствует; файл оценки должен указывать свой формат",
}
NESTED = {
    "es": "el JSON tiene 200 niveles de anidamiento",
    "fr": "le JSON est imbriqué sur 200 niveaux",
    "ru": "вложенность JSON — 200 уровней",
}


@pytest.mark.parametrize("lang", ["es", "fr", "ru"])
def test_a_file_from_a_newer_idpckit_without_a_version_or_nested_too_deep(tmp_path: Path, lang: str) -> None:
    newer = tmp_path / "newer.json"
    newer.write_text(review_json(schema_version=99), encoding="utf-8")
    out = run("validate", newer, lang=lang)
    assert NEWER[lang] in out and "newer format" not in out

    unversioned = tmp_path / "unversioned.json"
    record = json.loads(review_json())
    del record["schema_version"]
    unversioned.write_text(json.dumps(record), encoding="utf-8")
    out = run("validate", unversioned, lang=lang)
    assert MISSING_VERSION[lang] in out and "is missing" not in out

    bomb = tmp_path / "bomb.json"
    bomb.write_text("[" * 200 + "]" * 200, encoding="utf-8")
    out = run("validate", bomb, lang=lang)
    assert NESTED[lang] in out and "levels deep" not in out


OUTSIDE = {
    "es": "tiene contenido fuera de la hoja de calificación (como máximo",
    "fr": "contient des données hors de la grille de notation (au plus",
    "ru": "содержит данные за пределами оценочного листа (не больше",
}
DAMAGED = {
    "es": "hoja «Grades»: el XML del libro está dañado",
    "fr": "feuille « Grades »",
    "ru": "лист «Grades»",
}
CELL = {"es": "hoja «Grades», celda E2", "fr": "feuille « Grades », cellule E2", "ru": "лист «Grades», ячейка E2"}
MARKED = {
    "es": "está marcada como un número, pero contiene 'tres'",
    "fr": "est marquée comme contenant un nombre, mais contient 'tres'",
    "ru": "помечена как содержащая число, но в ней 'tres'",
}


@pytest.mark.parametrize("lang", ["es", "fr", "ru"])
def test_grading_sheets_out_of_bounds_damaged_or_with_a_wrong_cell(tmp_path: Path, lang: str) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text("field,value\ncountry,KEN\n" + "," * MAX_SHEET_COLUMNS + "x\n", encoding="utf-8")
    out = run("import", wide, "-o", tmp_path / "out.json", lang=lang)
    assert OUTSIDE[lang] in out and "outside the grading sheet" not in out
    assert not (tmp_path / "out.json").exists()

    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(hostile_files.build_xlsx(replace={"xl/worksheets/sheet2.xml": b"<<<not xml>>>"}))
    out = run("import", damaged, "-o", tmp_path / "out.json", lang=lang)
    with i18n.language(lang):
        words = i18n._("sheet '{sheet}'").format(sheet="Grades")
    assert words in out and DAMAGED[lang].split(":")[0] in out and "sheet 'Grades'" not in out

    wrong = tmp_path / "wrong-cell.xlsx"
    wrong.write_bytes(hostile_files.build_xlsx(grades={"E2": '<c r="E2" t="n"><v>tres</v></c>'}))
    out = run("import", wrong, "-o", tmp_path / "out.json", lang=lang)
    assert CELL[lang] in out and MARKED[lang] in out and "is marked as holding" not in out


NO_LESSON = {
    "es": "No existe la lección 42; las lecciones son",
    "fr": "La leçon 42 n'existe pas ; les leçons sont",
    "ru": "Урока 42 нет; есть уроки",
}
NO_LESSONS = {
    "es": "No existen las lecciones 41, 42; las lecciones son",
    "fr": "Les leçons 41, 42 n'existent pas ; les leçons sont",
    "ru": "Уроков 41, 42 нет; есть уроки",
}
NOT_A_FOLDER = {
    "es": "es un archivo, no una carpeta; elija una carpeta donde escribir las lecciones.",
    "fr": "est un fichier, pas un dossier ; choisissez un dossier où écrire les leçons.",
    "ru": "— это файл, а не папка; выберите папку для уроков.",
}


@pytest.mark.parametrize("lang", ["es", "fr", "ru"])
def test_printing_lessons_refuses_in_the_users_language(tmp_path: Path, lang: str) -> None:
    out = run("lessons", "--pdf", "--lesson", "42", "-o", tmp_path / "pdf", lang=lang)
    assert NO_LESSON[lang] in out and "There is no lesson" not in out
    out = run("lessons", "--pdf", "--lesson", "41", "--lesson", "42", "-o", tmp_path / "pdf", lang=lang)
    assert NO_LESSONS[lang] in out
    a_file = tmp_path / "lessons.pdf"
    a_file.write_text("not a folder", encoding="utf-8")
    with i18n.language(lang), pytest.raises(printing.PrintError) as refused:
        printing.build(a_file)  # the command line's -o refuses a file itself (Click's words, below)
    assert NOT_A_FOLDER[lang] in str(refused.value) and "is a file" not in str(refused.value)
    locale = {"es": "es_ES.UTF-8", "fr": "fr_FR.UTF-8", "ru": "ru_RU.UTF-8"}[lang]
    clicks = CliRunner().invoke(main, ["lessons", "--pdf", "-o", str(a_file)], env={**NO_LANGUAGE, "LANG": locale})
    assert clicks.exit_code == 2 and CLICK_FILE[lang].format(path=a_file) in " ".join(clicks.output.split())


#: Click's own refusal of a file given for a folder.
CLICK_FILE = {
    "es": "Valor no válido para '-o' / '--output': '{path}' es un archivo.",
    "fr": "Valeur invalide pour '-o' / '--output' : '{path}' est un fichier.",
    "ru": "Недопустимое значение для '-o' / '--output': '{path}' — это файл.",
}


REVEAL_MISSING = {
    "es": "La copia de reveal.js del kit está incompleta (faltan reveal.js, reveal.css",
    "fr": "La copie de reveal.js du kit est incomplète (reveal.js, reveal.css",
    "ru": "Копия reveal.js в наборе неполна (в",
}


@pytest.mark.parametrize("lang", ["es", "fr", "ru"])
def test_slides_without_reveal_js_say_so_in_the_users_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setattr(slides, "VENDOR", tmp_path / "no-reveal")  # a kit installed without its reveal.js copy
    out = run("slides", "-o", tmp_path / "decks", lang=lang)
    reinstall = {"es": "reinstale idpckit.", "fr": "réinstallez idpckit.", "ru": "переустановите idpckit."}[lang]
    assert REVEAL_MISSING[lang] in out and out.endswith(reinstall)
    assert "is incomplete" not in out


BUSY = {
    "es": "Error: El puerto {port} de 127.0.0.1 ya está en uso (¿ya está funcionando el kit?).",
    "fr": "Erreur : Le port {port} de 127.0.0.1 est déjà utilisé (le kit tourne-t-il déjà ?).",
    "ru": "Ошибка: Порт {port} на 127.0.0.1 уже занят (набор уже запущен?).",
}


@pytest.mark.parametrize("lang", ["es", "fr", "ru"])
def test_serve_on_a_busy_port_is_refused_in_the_terminals_language(lang: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = run("serve", "--port", port, "--no-browser", lang=lang)
    assert BUSY[lang].format(port=port) in out and "already in use" not in out


#: The lines ``idpckit serve`` prints before the server answers, in Russian (three plural forms).
RUSSIAN_START = [
    "idpckit: показываются",
    "урок",
    "приложени",
    "наготове 1 ядро для каждого из",
    "МБ); не больше",
    "одновременно (на этой машине доступно",  # "страницы" or "страниц": the cap follows free memory
    "idpckit: оценки сохраняются в",
    "idpckit: откройте http://127.0.0.1:{port}/",
    "idpckit: нажмите Ctrl+C, чтобы остановить сервер.",
]
ENGLISH_START = ["serving", "keeping", "reviews are saved", "idpckit: open", "press Ctrl+C"]


def test_serve_prints_its_start_up_lines_in_russian(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real `idpckit serve` started from a Russian terminal (only LANG set), read once it listens."""
    for var in ("IDPCKIT_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    port, log = free_port(), tmp_path / "serve.log"
    server = start_serve(["--no-preheat", "--store", str(tmp_path / "reviews.sqlite")], port, log)
    try:
        out = " ".join(log.read_text(encoding="utf-8").split())
    finally:
        stop_serve(server)
    missing = [w.format(port=port) for w in RUSSIAN_START if w.format(port=port) not in out]
    assert not missing, f"not shown: {missing}\n{out}"
    assert not [w for w in ENGLISH_START if w in out], out


def test_translations_status_and_update_speak_french() -> None:
    result = CliRunner().invoke(main, ["translations", "status", "--check"], env={**NO_LANGUAGE, "LANG": "fr_FR"})
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "es (Español) :" not in out  # the language names stay as they are; the counts speak French
    assert "messages sur" in out and "traduits" in out and "approximatifs" in out and "champs sur" in out
    assert "Les catalogues sont à jour avec le code." in out
    assert "messages translated" not in out and "in step with the code" not in out


def test_store_info_labels_its_lines_in_russian_and_keeps_them_aligned(tmp_path: Path) -> None:
    store = tmp_path / "reviews.sqlite3"
    env = {**NO_LANGUAGE, "LANG": "ru_RU.UTF-8"}
    result = CliRunner().invoke(main, ["store", "info", "--store", str(store)], env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(":")[0] for line in lines] == ["хранилище", "версия", "черновики", "отправлено", "группы"]
    assert len({len(line) - len(line[line.index(":") + 1 :].lstrip()) for line in lines}) == 1  # one column
    assert "черновики:   0" in result.output and "drafts" not in result.output


def test_the_rooms_memory_is_counted_and_written_as_each_language_writes_numbers() -> None:
    from idpckit.serve import capacity

    room = capacity.plan(30, 3, available=24_000)
    with i18n.language("fr"):
        assert room.describe().startswith("30 noyaux gardés prêts pour chacune des 3 applications : 90 noyaux")
        assert "environ 13,5 Go de mémoire" in room.describe() and "24,0 Go disponibles" in room.describe()
    with i18n.language("ru"):
        one = capacity.plan(1, 1, available=24_000).describe()
        assert one.startswith("наготове 1 ядро для 1 приложения: 1 ядро, около 0,2 ГБ памяти"), one
        assert room.describe().startswith("наготове 30 ядер для каждого из 3 приложений: 90 ядер")
        with pytest.raises(capacity.CapacityError) as refused:
            capacity.plan(30, 3, available=4_000)
        assert "около 13,5 ГБ памяти, а на этой машине доступно только 4,0 ГБ" in str(refused.value)


def test_a_number_too_long_for_any_field_is_counted_in_spanish_digits(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    huge.write_text('{"schema_version": 1, "year": ' + "9" * 5000 + "}", encoding="utf-8")
    out = run("validate", huge, lang="es")
    assert "línea 1" in out and "aquí un número tiene 5.000 cifras; ningún campo" in out

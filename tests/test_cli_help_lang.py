"""``idpckit --help`` and Click's own words (Usage:, Options, Error:) in the terminal's language.

The real ``python -m idpckit`` runs in a child process with only ``LANG`` set, the way a
trainer's Spanish, French or Russian terminal starts it; what it prints is compared with
words a reader of that language would see, and with the English that must be gone.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from idpckit import i18n
from idpckit.cli import main
from idpckit.cli.words import CLICK_WORDS

ROOT = Path(__file__).resolve().parent.parent
LOCALES = {"es": "es_ES.UTF-8", "fr": "fr_FR.UTF-8", "ru": "ru_RU.UTF-8"}


def idpckit(*args: str, lang: str) -> subprocess.CompletedProcess[str]:
    """``python -m idpckit ARGS`` with a clean environment: no IDPCKIT_LANG, only ``LANG`` for the language."""
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "LANG": LOCALES.get(lang, lang)}
    return subprocess.run(
        [sys.executable, "-m", "idpckit", *args], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT
    )


def flat(text: str) -> str:
    """``text`` on one line (Click wraps help to the terminal's width)."""
    return " ".join(text.split())


#: What a Spanish, French or Russian reader sees in ``idpckit --help``: Click's headings and
#: --help's own line, and the kit's words for the group and one command.
GROUP_HELP = {
    "es": ["Uso: python -m idpckit", "Opciones:", "Comandos:", "Muestra este mensaje y sale.",
           "Muestra la versión y sale.", "en lecciones y ejercicios", "Ejecute un comando con --help",
           "Examina los archivos de contenido de data/."],
    "fr": ["Utilisation : python -m idpckit", "Options :", "Commandes :", "Affiche ce message et quitte.",
           "Affiche la version et quitte.", "en leçons et en exercices", "Lancez une commande avec --help",
           "Examine les fichiers de contenu de data/."],
    "ru": ["Использование: python -m idpckit", "Параметры:", "Команды:", "Показать это сообщение и выйти.",
           "Показать версию и выйти.", "в уроках и упражнениях", "Запустите команду с --help",
           "Просмотр файлов содержания в data/."],
}  # fmt: skip
ENGLISH_GROUP_HELP = ["Usage:", "Options:", "Commands:", "Show this message and exit.", "Run a command with --help",
                      "Inspect the content files", "as lessons and exercises"]  # fmt: skip


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_idpckit_help_speaks_the_terminals_language(lang: str) -> None:
    result = idpckit("--help", lang=lang)
    assert result.returncode == 0, result.stderr
    out = flat(result.stdout)
    missing = [w for w in GROUP_HELP[lang] if w not in out]
    assert not missing, f"{lang}: not shown: {missing}\n{result.stdout}"
    left = [w for w in ENGLISH_GROUP_HELP if w in out]
    assert not left, f"{lang}: still English: {left}\n{result.stdout}"


#: ``idpckit report --help``: the command's help, an option's, the example heading, Click's [required].
REPORT_HELP = {
    "es": ["Uso: python -m idpckit report [OPTIONS] FILE", "Escribe el informe de una evaluación",
           "Ejemplo:", "Idioma del informe (por defecto, el de la evaluación).", "Impone un formato distinto",
           "[obligatorio]"],
    "fr": ["Utilisation : python -m idpckit report [OPTIONS] FILE", "Écrit le rapport d'une évaluation",
           "Exemple :", "Langue du rapport (par défaut celle de l'évaluation).", "Impose un autre format",
           "[obligatoire]"],
    "ru": ["Использование: python -m idpckit report [OPTIONS] FILE", "Создаёт отчёт по одной оценке",
           "Пример:", "Язык отчёта (по умолчанию язык, на котором сделана оценка).", "Задать формат вместо",
           "[обязательно]"],
}  # fmt: skip


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_a_commands_help_is_translated_option_by_option(lang: str) -> None:
    result = idpckit("report", "--help", lang=lang)
    assert result.returncode == 0, result.stderr
    out = flat(result.stdout)
    missing = [w for w in REPORT_HELP[lang] if w not in out]
    assert not missing, f"{lang}: not shown: {missing}\n{result.stdout}"
    # Every option's help, not only the ones named above, comes in the language (no English left).
    command = main.commands["report"]
    for param in command.params:
        if param.help:
            assert flat(param.help) not in out, f"{lang}: {param.opts} is still English"
    assert "Language of the report" not in out and "Example:" not in out and "Show this message" not in out


#: A mistyped option: Click's "Error:" line, the hint and the message, in the terminal's language.
BAD_OPTION = {
    "es": ["Error: No existe la opción '--formato'.", "Pruebe 'python -m idpckit table1 --help' para ver la ayuda."],
    "fr": ["Erreur : L'option '--formato' n'existe pas.", "Essayez 'python -m idpckit table1 --help' pour l'aide."],
    "ru": ["Ошибка: Параметра '--formato' не существует.", "Справка: 'python -m idpckit table1 --help'."],
}


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_a_bad_option_is_refused_in_the_terminals_language_with_exit_2(lang: str) -> None:
    result = idpckit("table1", "--formato", "csv", lang=lang)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    missing = [w for w in BAD_OPTION[lang] if w not in result.stderr]
    assert not missing, f"{lang}: not shown: {missing}\n{result.stderr}"
    assert "No such option" not in result.stderr and "for help" not in result.stderr


def test_a_bad_value_and_a_missing_argument_in_russian_and_spanish() -> None:
    bad = idpckit("table1", "--format", "docx", lang="ru")
    assert bad.returncode == 2
    assert (
        "Ошибка: Недопустимое значение для '--format': 'docx' — не одно из значений: 'csv', 'markdown', 'json'."
        in bad.stderr
    )
    missing = idpckit("report", lang="es")
    assert missing.returncode == 2 and "Error: Falta un argumento 'FILE'." in missing.stderr
    typo = idpckit("tabel1", lang="es")
    assert typo.returncode == 2 and "No existe el comando 'tabel1'. ¿Quiso decir 'table1'?" in typo.stderr


def run(*args: str, **env: str | None) -> click.testing.Result:
    clean = {"IDPCKIT_LANG": None, "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"}
    return CliRunner().invoke(main, list(args), env={**clean, **env})


def test_lang_on_the_command_line_wins_wherever_it_stands_and_one_process_answers_in_several_languages() -> None:
    # --help is answered before --lang's callback would run: the language is read from the words first.
    after = run("report", "--help", "--lang", "fr", LANG="es_ES.UTF-8")
    before = run("report", "--lang=ru", "--help")
    assert "Utilisation :" in after.output and "Langue du rapport" in after.output and "Uso:" not in after.output
    assert "Использование:" in before.output and "Язык отчёта" in before.output
    # The same commands in one process, in turn: nothing stays in the first language shown.
    for env, words, absent in [
        ({"LANG": "es_ES.UTF-8"}, "Muestra este mensaje y sale.", "Show this message and exit."),
        ({}, "Show this message and exit.", "Muestra este mensaje"),
        ({"IDPCKIT_LANG": "fr"}, "Affiche ce message et quitte.", "Muestra este mensaje"),
    ]:
        shown = run("report", "--help", **env).output
        assert words in shown and absent not in shown, shown
    assert i18n.current() == "en"  # the run's language ended with it
    english = run("table1", "--nope")
    assert english.exit_code == 2 and "Error: No such option '--nope'." in english.output


def test_every_click_word_the_kit_translates_is_clicks_own() -> None:
    """A Click release that rewords a message would leave it in English: this names it."""
    from babel.messages.extract import extract_from_file

    folder = Path(click.__file__).parent
    clicks = set()
    for source in folder.glob("*.py"):
        for _line, message, _comments, _context in extract_from_file("python", str(source)):
            clicks.add(message if isinstance(message, str) else message[0])
    ours = set(CLICK_WORDS) - {"required"}  # Click translates this one through a variable: _(extra["required"])
    assert ours - clicks == set()
    assert re.search(r'"required"', (folder / "core.py").read_text(encoding="utf-8"))


def test_serve_forgets_the_terminals_language_for_its_pages() -> None:
    """`idpckit serve` is started in French, its pages default to no language of the terminal's."""
    with i18n.language("fr"):
        with i18n.default_language() as inside:
            assert inside == "en" and i18n._("Show this message and exit.") == "Show this message and exit."
        assert i18n._("Show this message and exit.") == "Affiche ce message et quitte."

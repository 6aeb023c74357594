"""Command ``idpckit solutions``: the trainers' solution sheet, generated from the data."""

from __future__ import annotations

from pathlib import Path

import click

from .app import check_option, emit_generated, main, regenerate_command, screen_output_option


@main.command("solutions")
@screen_output_option
@check_option
@click.option(
    "--lang",
    type=click.Choice(["en", "es", "fr"]),  # the languages the exercises are translated into
    default=None,
    help="Language of the sheet (the exercises' and content's translations); workshop/LANG/solutions.md keeps it.",
)
def solutions_command(output: Path | None, check: bool, lang: str | None) -> None:
    """Write every lesson exercise with its answer, computed from data/ (for trainers).

    \b
    Example:
        idpckit solutions -o workshop/solutions.md
        idpckit solutions -o workshop/solutions.md --check
        idpckit solutions --lang es -o workshop/es/solutions.md
    """
    from .. import data, i18n
    from ..exercises import ExerciseError, solutions

    lang = lang or "en"
    command, args = regenerate_command("solutions", lang, "solutions.md")
    try:
        with i18n.language(lang):
            text = solutions.markdown(command=command)
    except (data.DataError, ExerciseError) as exc:
        raise click.ClickException(str(exc)) from None
    emit_generated(text, output, check=check, command=args, what="the solution sheet")

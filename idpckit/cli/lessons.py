"""Command ``idpckit solutions``: the trainers' solution sheet, generated from the data."""

from __future__ import annotations

from pathlib import Path

import click

from .app import check_option, emit_generated, main, screen_output_option


@main.command("solutions")
@screen_output_option
@check_option
def solutions_command(output: Path | None, check: bool) -> None:
    """Write every lesson exercise with its answer, computed from data/ (for trainers).

    \b
    Example:
        idpckit solutions -o workshop/solutions.md
        idpckit solutions -o workshop/solutions.md --check
    """
    from .. import data
    from ..exercises import ExerciseError, solutions

    try:
        text = solutions.markdown()
    except (data.DataError, ExerciseError) as exc:
        raise click.ClickException(str(exc)) from None
    emit_generated(text, output, check=check, command="solutions", what="the solution sheet")

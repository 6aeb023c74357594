"""Command ``idpckit solutions``: the trainers' solution sheet, generated from the data."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli import main


@main.command("solutions")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of the screen."
)
@click.option("--check", is_flag=True, help="Only check that OUTPUT is up to date (exit 1 if not).")
def solutions_command(output: Path | None, check: bool) -> None:
    """Write every lesson exercise with its answer, computed from data/ (for trainers).

    \b
    Example:
        idpckit solutions -o workshop/solutions.md
        idpckit solutions -o workshop/solutions.md --check
    """
    from . import data, solutions
    from .files import write_atomic
    from .widgets.checks import ExerciseError
    from .widgets.table1_quiz import QuizError

    try:
        text = solutions.markdown()
    except (data.DataError, ExerciseError, QuizError) as exc:
        raise click.ClickException(str(exc)) from None
    if check:
        if output is None:
            raise click.ClickException("--check needs --output FILE, the file to compare with.")
        current = output.read_text(encoding="utf-8") if output.is_file() else ""
        if current != text:
            click.echo(f"{output} is out of date; run: idpckit solutions -o {output}", err=True)
            sys.exit(1)
        click.echo(f"{output} is up to date.", err=True)
        return
    if output:
        write_atomic(output, text.encode("utf-8"))
        click.echo(f"Wrote the solution sheet to {output}", err=True)
    else:
        click.echo(text, nl=False)

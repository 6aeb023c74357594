"""The ``idpckit`` command group and the commands about the content itself (``table1``, ``data``).

Each command parses its arguments, calls one library function and turns a
known error into a plain message and exit code 1, never a traceback.

This module imports no other command module: each of those imports ``main`` from
here and adds its commands with ``@main.command``; :mod:`idpckit.cli` imports them
all, so the registration runs one way, without an import cycle.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .. import __version__, i18n
from ..i18n import N_, _
from .words import Group


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="idpckit", help="Show the version and exit.")
def main() -> None:
    """idpckit: the 2019 CND Ministerial Segment, as lessons and exercises.

    Run a command with --help to see its options, e.g. `idpckit table1 --help`.
    Messages come in the language of --lang where a command has it, else of
    IDPCKIT_LANG, else of the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG).
    """
    # The whole run speaks its user's language (words.Group.main), help and Click's errors included.


def regenerate_command(name: str, lang: str, file: str) -> tuple[str, str]:
    """How a workshop file that command ``name`` generates in ``lang`` is made again: (command line, arguments).

    The English file is kept as ``workshop/FILE``, another language's as ``workshop/LANG/FILE``.
    The command line goes into the file's header and names the language and the file, so a
    trainer who copies it writes that file again (not the screen); the arguments are what
    :func:`emit_generated` names when ``--check`` finds the file out of date.
    """
    args = name if lang == "en" else f"{name} --lang {lang}"
    where = f"workshop/{file}" if lang == "en" else f"workshop/{lang}/{file}"
    return f"idpckit {args} -o {where}", args


def emit_generated(text: str, output: Path | None, *, check: bool, command: str, what: str) -> None:
    """Print a generated document, write it atomically to ``output``, or (``check``) exit 1 if ``output`` is stale.

    Shared by the commands that regenerate files kept in the repository
    (``workshop/schedule.md``, ``workshop/solutions.md``), whose tests run ``--check``.
    """
    from ..files import write_atomic

    if check:
        if output is None:
            raise click.UsageError(_("--check needs -o/--output, the file to compare with."))
        current = output.read_text(encoding="utf-8") if output.is_file() else None
        if current != text:
            words = _("{output} is out of date; run: idpckit {command} -o {output}")
            click.echo(words.format(output=output, command=command), err=True)
            sys.exit(1)
        click.echo(_("{output} is up to date.").format(output=output), err=True)
    elif output:
        write_atomic(output, text.encode("utf-8"))
        click.echo(_("Wrote {what} to {output}").format(what=what, output=output), err=True)
    else:
        click.echo(text, nl=False)


# --------------------------------------------------------------------------- options several commands share


def output_option(help_text: str, *, required: bool = False, folder: bool = False, dest: str | None = None) -> Any:
    """The ``-o/--output`` option: the file to write, or (``folder``) the folder to write into."""
    kind = click.Path(file_okay=False, path_type=Path) if folder else click.Path(dir_okay=False, path_type=Path)
    return click.option("-o", "--output", *([dest] if dest else []), required=required, type=kind, help=help_text)


#: ``-o`` of the commands that print a generated document unless told where to write it.
screen_output_option = output_option(N_("Write to this file instead of the screen."))
#: ``--check`` of those commands: compare with OUTPUT instead of writing it (their tests and CI run it).
check_option = click.option("--check", is_flag=True, help="Only check that OUTPUT is up to date (exit 1 if not).")
#: ``--data``: build from a trainer's own copy of the data folder.
data_option = click.option(
    "--data", "data_root", type=click.Path(file_okay=False, path_type=Path), help="Use this data folder."
)


def paper_option(help_text: str = N_("Paper size: A4, or US Letter.")) -> Any:
    """The ``--paper`` option of the commands that print (A4 by default)."""
    return click.option(
        "--paper",
        type=click.Choice(["a4", "letter"], case_sensitive=False),
        default="a4",
        show_default=True,
        help=help_text,
    )


@contextmanager
def writing_into(out_dir: Path, *errors: type[Exception]) -> Iterator[None]:
    """Turn the ``errors`` a build can raise, and a folder that cannot be written, into plain messages."""
    try:
        yield
    except errors as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(
            _("Cannot write into {folder}: {problem}.").format(folder=out_dir, problem=exc.strerror or exc)
        ) from None


def lang_option(help_text: str = N_("Language of the output (English, Spanish, French or Russian).")) -> Any:
    """The ``--lang`` option every command that writes for people shares; the command's messages follow it too."""
    from ..i18n import LANGUAGES

    def use(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        if value:
            ctx.with_resource(i18n.language(value))
        return value

    return click.option("--lang", type=click.Choice(LANGUAGES), default=None, help=help_text, callback=use)


@main.command("table1")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "markdown", "json"]),
    default="markdown",
    show_default=True,
    help="Output format.",
)
@screen_output_option
@data_option
@lang_option(N_("Language of the titles and headings (English by default)."))
def table1_command(fmt: str, output: Path | None, data_root: Path | None, lang: str | None) -> None:
    """Write Table 1: the 13 commitments and their references in the three UN documents.

    \b
    Example:
        idpckit table1 --format csv -o table1.csv
        idpckit table1 --format csv --lang es -o tabla1.csv
    """
    from .. import data, i18n, table1
    from ..files import write_atomic
    from ..localise import localised

    try:
        with i18n.language(lang):
            text = table1.FORMATS[fmt](localised(data.load(data_root), lang))
    except data.DataError as exc:
        raise click.ClickException(str(exc)) from None
    if output:
        write_atomic(output, text.encode("utf-8"))
        click.echo(_("Wrote Table 1 ({format}) to {output}").format(format=fmt, output=output), err=True)
    else:
        click.echo(text, nl=False)


@main.group("data")
def data_group() -> None:
    """Inspect the content files in data/."""


@data_group.command("check")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@lang_option(N_("Language of the problems listed (else IDPCKIT_LANG, else your terminal's)."))
def data_check(directory: Path | None, lang: str | None) -> None:
    """Validate a data folder and list every problem (file, row, field).

    Without DIRECTORY, checks the data the kit is using. Exits 1 if anything is wrong.

    \b
    Example:
        idpckit data check my-edited-data/ --lang es
    """
    from .. import content_check

    report = content_check.validate(directory)
    click.echo(report.table())
    sys.exit(0 if report.ok else 1)


@data_group.command("path")
def data_path() -> None:
    """Print the data folder the kit reads (set IDPCKIT_DATA to change it).

    \b
    Example:
        idpckit data path
    """
    from .. import data

    click.echo(str(data.data_dir()))

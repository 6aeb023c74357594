"""Commands ``idpckit serve`` (the web exercises) and ``idpckit schedule`` (the workshop timetable)."""

from __future__ import annotations

from pathlib import Path

import click

from .app import emit_generated, main, regenerate_command


@main.command("serve")
@click.option("--port", default=8866, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 lets other devices on the network (a workshop room) connect.",
)
@click.option(
    "--store",
    metavar="URL",
    help="Where reviews are saved: an SQLAlchemy URL or a file path (default: $IDPCKIT_STORE, else a file per user).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer to this host name (repeatable), e.g. the room's LAN name; "
    "localhost names and --host are always allowed, other names are refused.",
)
@click.option(
    "--room-size",
    type=click.IntRange(min=0),
    metavar="N",
    help="Keep N kernels ready for each app, for a room of N trainees opening it at once "
    "(default 1; the memory this takes is printed at start, and refused if the machine cannot hold it).",
)
@click.option(
    "--max-kernels",
    type=click.IntRange(min=1),
    metavar="N",
    help="Pages open at once at most; beyond, visitors see 'the workshop server is full' and their page "
    "retries by itself (default: what this machine's memory holds).",
)
@click.option(
    "--kernel-memory-mb",
    type=click.IntRange(min=100),
    default=1024,
    show_default=True,
    help="Stop a page's kernel that grows past this much memory.",
)
@click.option(
    "--unclaimed-kernel-timeout",
    "unclaimed_s",
    type=click.FloatRange(min=1),
    default=60,
    show_default=True,
    help="Seconds after which a kernel whose page never connected is stopped.",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    metavar="ADDRESS",
    help="A proxy in front of this server (repeatable; an address or a network, e.g. 127.0.0.1): the visitor's "
    "address is then read from the X-Forwarded-For it adds. Without it that header is ignored, since anyone can "
    "write it; the limit on wrong room codes and trainer keys counts per visitor's address.",
)
@click.option("--no-browser", is_flag=True, help="Do not open a web browser.")
@click.option(
    "--preheat/--no-preheat",
    default=True,
    show_default=True,
    help="Keep one kernel ready for each app so the first visitor's page opens at once.",
)
@click.option(
    "--hide-solutions",
    is_flag=True,
    help="Hide the lessons' 'Show solution' buttons (while a workshop runs; trainers keep 'idpckit solutions').",
)
@click.option(
    "--notebooks",
    "root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Serve this folder of notebooks instead of the kit's own.",
)
def serve_command(
    port: int,
    host: str,
    store: str | None,
    allow_hosts: tuple[str, ...],
    room_size: int | None,
    max_kernels: int | None,
    kernel_memory_mb: int,
    unclaimed_s: float,
    trusted_proxies: tuple[str, ...],
    no_browser: bool,
    preheat: bool,
    hide_solutions: bool,
    root: Path | None,
) -> None:
    """Serve the lessons and exercises as web pages (Voilà), with no code in sight.

    Prints the address to open. Every page runs in its own kernel; nothing a visitor
    types runs as code on this machine. Stop with Ctrl+C.

    \b
    Example:
        idpckit serve --port 8866 --store reviews.sqlite
        idpckit serve --host 0.0.0.0 --no-browser      # a workshop room
        idpckit serve --host 0.0.0.0 --hide-solutions  # ... with the lessons' solutions hidden
        idpckit serve --host 0.0.0.0 --allow-host kit.lan --room-size 30
    """
    import os

    from .. import i18n
    from ..exercises import HIDE_SOLUTIONS_ENV
    from ..serve import Options, ServeError, serve

    if hide_solutions:  # the kernels inherit the environment and read it (idpckit.exercises.solutions_hidden)
        os.environ[HIDE_SOLUTIONS_ENV] = "1"
    try:
        opts = Options(
            port=port,
            host=host,
            store=store,
            open_browser=not no_browser,
            preheat=preheat,
            root=root,
            allow_hosts=allow_hosts,
            room_size=room_size,
            max_kernels=max_kernels,
            kernel_memory_mb=kernel_memory_mb,
            unclaimed_kernel_s=unclaimed_s,
            trusted_proxies=trusted_proxies,
        )
        with i18n.default_language():  # its pages speak their visitors' languages, not the terminal's
            serve(opts)
    except ServeError as exc:
        raise click.ClickException(str(exc)) from None


@main.command("schedule")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of the screen."
)
@click.option("--check", is_flag=True, help="Only check that OUTPUT is up to date (exit 1 if not).")
@click.option(
    "--notebooks",
    "root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Read this folder of notebooks instead of the kit's own.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "es", "fr"]),  # the languages the lessons are translated into (notebooks/es, notebooks/fr)
    default=None,
    help="Language of the schedule: the lessons of notebooks/LANG/; workshop/LANG/schedule.md keeps it.",
)
def schedule_command(output: Path | None, check: bool, root: Path | None, lang: str | None) -> None:
    """Write the workshop timetable from the lessons' metadata (never kept by hand).

    Each lesson notebook carries its title, times, objectives and key points in its
    "idpckit" metadata; this turns them into a Markdown schedule for trainers.

    \b
    Example:
        idpckit schedule -o workshop/schedule.md
        idpckit schedule -o workshop/schedule.md --check
        idpckit schedule --lang es -o workshop/es/schedule.md
    """
    from .. import catalog, i18n

    lang = lang or "en"
    command, args = regenerate_command("schedule", lang, "schedule.md")
    try:
        with i18n.language(lang):
            found = catalog.scan(catalog.notebooks_dir(root))
            if found.problems:
                raise catalog.CatalogError(found)
            entries = catalog.in_language(found, lang)
            text = catalog.schedule_markdown(entries, command=command)
    except catalog.CatalogError as exc:
        raise click.ClickException(str(exc)) from None
    emit_generated(text, output, check=check, command=args, what="the schedule")

"""``idpckit room``: a trainer's workshop rooms (create, list, close, results).

The trainer key is asked for without echo when ``--key`` is not given (or read
from ``$IDPCKIT_ROOM_KEY``), so it need not appear in the shell's history; no
message ever repeats it.  A wrong key, an unknown or a closed room exit 1 with
one plain sentence, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..i18n import N_, _, ngettext
from .app import lang_option, main
from .assess import _open, store_option, write_or_fail

if TYPE_CHECKING:  # pragma: no cover
    from ..rooms import Room, Rooms

key_option = click.option(
    "--key",
    envvar="IDPCKIT_ROOM_KEY",
    prompt="Trainer key",
    hide_input=True,
    help="The room's trainer key (shown once by 'room create'); asked for if not given.",
)

#: A room's state in words (as ``room list`` prints it; the room report's words are the same).
STATES = {"open": N_("open"), "closed": N_("closed")}
_FORMATS = {".json": "json", ".csv": "csv", ".html": "html", ".htm": "html", ".pdf": "pdf", ".zip": "zip"}


def _rooms(store_url: str | None, *, read_only: bool = False) -> Rooms:
    """The store's rooms; ``read_only``: the command only reads, so a store that cannot be written still serves."""
    from ..rooms import Rooms

    return Rooms(_open(store_url, read_only=read_only))


def _opened(store_url: str | None, code: str, key: str, *, read_only: bool = False) -> tuple[Rooms, Room]:
    """The rooms of the store and the room the key opens, or exit 1 with the reason."""
    from ..rooms import RoomError

    rooms = _rooms(store_url, read_only=read_only)
    try:
        return rooms, rooms.open(code, key, client="cli")
    except RoomError as exc:
        raise click.ClickException(str(exc)) from None


@main.group("room")
def room_group() -> None:
    """Workshop rooms: trainees submit into a room by its code; only its trainer key shows the results."""


@room_group.command("create")
@click.argument("name")
@store_option
def room_create(name: str, store_url: str | None) -> None:
    """Make an open room called NAME and print its room code and trainer key (shown only this once).

    \b
    Example:
        idpckit room create "Nairobi workshop, May 2026"
    """
    from ..rooms import RoomError

    try:
        room, key = _rooms(store_url).create(name)
    except RoomError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(_("room code: {code}").format(code=room.code))
    click.echo(_("trainer key: {key}").format(key=key))
    click.echo(
        _(
            "Give trainees the room code. Keep the trainer key like a password: it opens the results, "
            "it is shown only now and cannot be recovered."
        ),
        err=True,
    )


@room_group.command("list")
@store_option
def room_list(store_url: str | None) -> None:
    """List the rooms: code, open or closed, when made, name (never keys, never reviews).

    \b
    Example:
        idpckit room list --store workshop.sqlite3
    """
    found = _rooms(store_url, read_only=True).list()
    if not found:
        click.echo(_("No rooms yet; make one with: idpckit room create NAME"), err=True)
        return
    for room in found:
        state = _(STATES.get(room.state, room.state))
        click.echo(f"{room.code}  {state:<6}  {room.created_at:%Y-%m-%d %H:%M}  {room.name}")


@room_group.command("close")
@click.argument("code")
@key_option
@store_option
def room_close(code: str, key: str, store_url: str | None) -> None:
    """Close room CODE to new submissions (the reviews in it stay).

    \b
    Example:
        idpckit room close K7QD-M2XP      # asks for the trainer key
    """
    rooms, room = _opened(store_url, code, key)
    rooms.close(room)
    click.echo(_("Room {room} is closed: it no longer accepts reviews.").format(room=room.code), err=True)


@room_group.command("results")
@click.argument("code")
@key_option
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="OUT.json (the documented results), OUT.csv (every grade), OUT.html or OUT.pdf (the room report), "
    "OUT.zip (review files for 'idpckit aggregate').",
)
@store_option
@lang_option(N_("Language of the room report (OUT.html or OUT.pdf); English by default."))
def room_results(code: str, key: str, output: Path, store_url: str | None, lang: str | None) -> None:
    """Write room CODE's results: per country and year, medians, spread, disagreements and alpha.

    \b
    Example:
        idpckit room results K7QD-M2XP -o room.json
        idpckit room results K7QD-M2XP --lang ru -o room.pdf
    """
    from .. import room_report
    from .. import rooms as rooms_mod
    from ..data import load

    kind = _FORMATS.get(output.suffix.lower())
    if kind is None:
        raise click.ClickException(
            _("cannot tell the format of '{name}' from its name; end it with {suffixes}.").format(
                name=output.name, suffixes=_(".json, .csv, .html, .pdf or .zip")
            )
        )
    rooms, room = _opened(store_url, code, key, read_only=True)
    content = load()
    res = rooms_mod.results(room, rooms.reviews(room), content)
    if kind == "json":
        payload = rooms_mod.results_json(res).encode("utf-8")
    elif kind == "csv":
        payload = rooms_mod.results_csv(res, content).encode("utf-8")
    elif kind == "html":
        payload = room_report.room_html(res, content, lang).encode("utf-8")
    elif kind == "pdf":
        payload = room_report.room_pdf(res, content, lang)
    else:
        payload = rooms_mod.results_bundle(res)
    n = len(res.submitted)
    what = ngettext(
        "the results of room {room} ({n} submitted review)", "the results of room {room} ({n} submitted reviews)", n
    ).format(room=room.code, n=n)
    write_or_fail(output, payload, what)

"""Commands for assessment files and the review store.

``validate``, ``export``, ``template``, ``import`` and ``schema`` work on files;
``store ...`` on the database of drafts and submitted reviews.  Every command
reads through :mod:`idpckit.assessment_io` (so each bad file gets its one
plain paragraph), builds its whole output in memory, and only then writes it
with :func:`idpckit.files.write_atomic`: a bad input or a crash leaves any
earlier output file exactly as it was, and the exit code is 1, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from ..i18n import N_, _, colon, ngettext, pgettext
from .app import lang_option, main, output_option

if TYPE_CHECKING:  # pragma: no cover
    from ..assessment import Assessment
    from ..store import Store

#: Show a progress bar (on stderr, when it is a terminal) for more files than this.
PROGRESS_OVER = 20

_SHEETS = (".csv", ".xlsx", ".xlsm")


def _no_files() -> str:
    return _("there are no assessment files (.json, .csv, .xlsx) in the folder(s) given")


def _nothing_added() -> str:
    return _("nothing was added: {problem}")


def _error_line() -> str:
    """The line of a file with a problem, in the list ``validate`` and ``store add`` print."""
    return _("error  {problem}")


T = TypeVar("T")


# --------------------------------------------------------------------------- helpers


def read_any(path: Path) -> Assessment:
    """An assessment from a JSON file or a grading sheet (CSV/XLSX, by extension).

    :raises idpckit.assessment_io.AssessmentError: with the plain message to show.
    """
    from ..assessment_io import from_table, read_assessment

    if path.suffix.lower() in _SHEETS:
        return from_table(path)
    return read_assessment(path)


def expand(paths: Iterable[Path]) -> list[Path]:
    """The files to work on: each file as given, each folder's JSON, CSV and XLSX files (sorted)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".json", *_SHEETS))
        else:
            out.append(path)
    return out


def read_or_fail(path: Path) -> Assessment:
    """Read a review (JSON or a filled sheet); a bad file becomes a plain message and exit 1."""
    from ..assessment_io import AssessmentError

    try:
        return read_any(path)
    except AssessmentError as exc:
        raise click.ClickException(str(exc)) from None


def write_or_fail(output: Path, payload: bytes, what: str) -> None:
    """Write ``payload`` atomically and say so on stderr; a failed write becomes a plain message."""
    from ..files import write_atomic

    try:
        write_atomic(output, payload)
    except OSError as exc:
        raise click.ClickException(
            _("could not write {what} to {output}: {problem}").format(
                what=what, output=output, problem=exc.strerror or exc
            )
        ) from None
    click.echo(_("Wrote {what} to {output}").format(what=what, output=output), err=True)


@contextmanager
def progress_bar(
    items: list[T], desc: str, progress: bool | None
) -> Iterator[tuple[Iterable[T], Callable[[str], None]]]:
    """Iterate ``items`` with a tqdm bar on stderr, and a way to print lines that does not break it.

    ``progress=None`` (the default of ``--progress/--no-progress``) shows the bar
    only for more than :data:`PROGRESS_OVER` items and only when stderr is a
    terminal (tqdm's ``disable=None``), so logs and pipes stay clean.
    """
    from tqdm import tqdm

    disable = (len(items) <= PROGRESS_OVER or None) if progress is None else not progress
    bar = tqdm(items, desc=desc, unit="file", disable=disable, file=sys.stderr)

    def say(line: str) -> None:
        if bar.disable:
            click.echo(line)
        else:
            tqdm.write(line, file=sys.stdout)

    try:
        yield bar, say
    finally:
        bar.close()


def _summary(a: Assessment) -> str:
    tracked, graded = len(a.entries), a.graded_count
    fictional = " (" + _("fictional example") + ")" if a.fictional and "fictional" not in a.country_name else ""
    counts = ngettext(
        "{tracked} commitment tracked, {graded} graded", "{tracked} commitments tracked, {graded} graded", tracked
    ).format(tracked=tracked, graded=graded)
    scale_words = _("{scale} scale").format(scale=a.scale)
    return f"{a.country_name}{fictional}, {a.year}, {scale_words}, {counts}"


progress_option = click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on stderr (default: for more than 20 files, on a terminal).",  # PROGRESS_OVER
)


# --------------------------------------------------------------------------- file commands


@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@progress_option
def validate_command(files: tuple[Path, ...] | list[Path], progress: bool | None) -> None:
    """Check assessment files (JSON, or CSV/XLSX grading sheets); print ok or what is wrong.

    Each file gets one line: "ok" and what it holds, or one paragraph naming the
    field and the problem. A folder stands for the files in it. Exits 1 if any
    file has a problem.

    \b
    Example:
        idpckit validate reviews/*.json
        idpckit validate workshop-reviews/
    """
    from ..assessment_io import AssessmentError

    files = expand(files)
    if not files:
        raise click.ClickException(_no_files())
    bad = 0
    with progress_bar(files, _("Checking"), progress) as (items, say):
        for path in items:
            try:
                a = read_any(path)
            except AssessmentError as exc:
                bad += 1
                say(_error_line().format(problem=exc))
            else:
                say(_("ok     {path}: {summary}").format(path=path, summary=_summary(a)))
    n = len(files)
    if bad:
        # Translators: {bad} of the {n} files checked; the form follows {bad} (1 of 2 files has, 2 of 3 have).
        words = ngettext("{bad} of {n} files has problems.", "{bad} of {n} files have problems.", bad)
        click.echo(_("The file has problems.") if n == 1 else words.format(bad=bad, n=n), err=True)
        sys.exit(1)
    valid = ngettext("All {n} file is valid.", "All {n} files are valid.", n).format(n=n)
    click.echo(_("The file is valid.") if n == 1 else valid, err=True)


def _fmt_from(output: Path | None, fmt: str | None, allowed: tuple[str, ...], default: str | None = None) -> str:
    if fmt:
        return fmt
    if output is not None and output.suffix.lower().lstrip(".") in allowed:
        return output.suffix.lower().lstrip(".")
    if default:
        return default
    or_ = " " + _("or") + " "
    raise click.ClickException(
        _("say which format to write with --format ({formats}), or end the output name with {suffixes}").format(
            formats=or_.join(allowed), suffixes=or_.join(f".{a}" for a in allowed)
        )
    )


@main.command("export")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx"]), help="Table format (default: from -o's extension)."
)
@output_option(N_("Output file (default: FILE with .csv/.xlsx)."))
def export_command(file: Path, fmt: str | None, output: Path | None) -> None:
    """Write an assessment as a spreadsheet: one row per commitment, ready to edit and import again.

    Cells that a spreadsheet would run as a formula (starting with =, +, -, @) are
    prefixed with a single quote; `idpckit import` removes it again.

    \b
    Example:
        idpckit export veridia-2024.json --format xlsx -o veridia-2024.xlsx
    """
    from ..assessment_io import to_csv_bytes, to_xlsx_bytes

    fmt = _fmt_from(output, fmt, ("csv", "xlsx"))
    output = output or file.with_suffix(f".{fmt}")
    if output.resolve() == file.resolve():
        raise click.ClickException(
            _("the output {output} is the input file; choose another name with -o").format(output=output)
        )
    a = read_or_fail(file)
    payload = to_csv_bytes(a) if fmt == "csv" else to_xlsx_bytes(a)
    write_or_fail(output, payload, _("the {format} table").format(format=fmt.upper()))


@main.command("template")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), help="Sheet format (default: xlsx).")
@click.option(
    "--scale",
    type=click.Choice(["five-point", "traffic-light"]),
    default="five-point",
    show_default=True,
    help="Grading scale of the drop-down lists.",
)
@output_option(N_("Output file (default: grading-sheet.xlsx or .csv)."))
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists (it may be a filled-in sheet).")
@lang_option(N_("Language of the instructions, the help and the commitments' titles (headers stay English)."))
def template_command(fmt: str | None, scale: str, output: Path | None, force: bool, lang: str | None) -> None:
    """Make a blank grading sheet of the 13 Table 1 commitments, for offline or paper work.

    The XLSX version has an Instructions sheet, an About sheet (country, year,
    organisations) and drop-down lists for grades, confidence and source kinds.
    Fill it in, then read it back with `idpckit import`.

    \b
    Example:
        idpckit template --format xlsx --scale traffic-light -o our-review.xlsx
        idpckit template --lang ru -o grading-sheet-ru.xlsx
    """
    from ..assessment_io import template_bytes

    fmt = _fmt_from(output, fmt, ("xlsx", "csv"), default="xlsx")
    output = output or Path(f"grading-sheet.{fmt}")
    if output.exists() and not force:
        raise click.ClickException(
            _(
                "{output} already exists and may be a filled-in sheet; choose another name with -o, or add --force"
            ).format(output=output)
        )
    write_or_fail(output, template_bytes(fmt, scale, lang), _("a blank {scale} grading sheet").format(scale=scale))


@main.command("import")
@click.argument("sheet", type=click.Path(path_type=Path))
@output_option(N_("The assessment JSON file to write."), required=True)
def import_command(sheet: Path, output: Path) -> None:
    """Read a filled grading sheet (XLSX or CSV) and write the assessment as JSON.

    Problems are reported with the sheet, row and column to fix; nothing is
    written until the whole sheet is valid.

    \b
    Example:
        idpckit import our-review.xlsx -o our-review-2025.json
    """
    if output.suffix.lower() in _SHEETS:
        raise click.ClickException(
            _("the output {name} would be a sheet; name the JSON file, e.g. -o review.json").format(name=output.name)
        )
    a = read_or_fail(sheet)
    write_or_fail(output, a.to_json().encode("utf-8"), _("the assessment ({summary})").format(summary=_summary(a)))


@main.command("schema")
@output_option(N_("Write the schema here instead of printing it."))
@click.option("--write", "write_shipped", is_flag=True, help="Regenerate the schema file shipped in the package.")
@click.option("--check", is_flag=True, help="Exit 1 if the shipped schema file is out of date.")
def schema_command(output: Path | None, write_shipped: bool, check: bool) -> None:
    """Print the JSON Schema of assessment files (generated from the model).

    Other tools can check files with it; `idpckit validate` checks more (Table 1
    ids, countries, commitments listed twice).

    \b
    Example:
        idpckit schema -o assessment.schema.json
        idpckit schema --check
    """
    from ..assessment import SCHEMA_FILE, json_schema_text

    text = json_schema_text()
    if check:
        shipped = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.is_file() else ""
        if shipped != text:
            raise click.ClickException(
                _("{output} is out of date; run `idpckit schema --write`").format(output=SCHEMA_FILE)
            )
        click.echo(_("{output} is up to date.").format(output=SCHEMA_FILE), err=True)
        return
    if write_shipped:
        write_or_fail(SCHEMA_FILE, text.encode("utf-8"), "the JSON Schema")
    if output:
        write_or_fail(output, text.encode("utf-8"), "the JSON Schema")
    if not (write_shipped or output):
        click.echo(text, nl=False)


# --------------------------------------------------------------------------- the store

store_option = click.option(
    "--store",
    "store_url",
    envvar="IDPCKIT_STORE",
    metavar="URL|PATH",
    help="The store: an SQLite file or an SQLAlchemy URL (default: $IDPCKIT_STORE, else a file in your user folder).",
)


def _open(store_url: str | None, *, read_only: bool = False) -> Store:
    """The store, or a plain message and exit 1; ``read_only``: the command only reads, so a
    store that cannot be written is opened for reading (and says so on stderr)."""
    from ..store import Store, StoreError

    try:
        store = Store(store_url, read_only=read_only)
        if store.read_only:
            click.echo(
                _("(The store {store} is read-only: it can be read, not changed.)").format(store=store.shown), err=True
            )
        return store
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # a malformed URL, a missing database driver
        raise click.ClickException(
            _("cannot open the store {store}: {problem}").format(store=store_url or "", problem=exc)
        ) from None


@main.group("store")
def store_group() -> None:
    """Look into the store of drafts and submitted reviews (the self-assessment app saves there)."""


@store_group.command("info")
@store_option
def store_info(store_url: str | None) -> None:
    """Where the store is, its version, and how many drafts and submitted reviews it holds.

    \b
    Example:
        idpckit store info --store workshop.sqlite3
    """
    store = _open(store_url, read_only=True)
    counts = store.counts()
    rooms = sorted({s.assessment.room.upper() for s in store.reviews() if s.assessment.room})
    from sqlalchemy.engine import make_url

    lines = [
        (pgettext("store info", "store"), make_url(store.url).render_as_string(hide_password=True)),
        (pgettext("store info", "version"), store.schema_version()),
        (pgettext("store info", "drafts"), counts["draft"]),
        (pgettext("store info", "submitted"), counts["submitted"]),
        (pgettext("store info", "rooms"), ", ".join(rooms) if rooms else "-"),
    ]
    width = max(len(colon(label)) for label, _value in lines) + 2
    for label, value in lines:
        click.echo(f"{colon(label).ljust(width)}{value}")


@store_group.command("list")
@store_option
@click.option("--room", help="Only reviews saved with this room code.")
@click.option("--country", help="Only reviews of this country (code or name).")
@click.option("--status", type=click.Choice(["draft", "submitted"]), help="Only drafts or only submitted reviews.")
def store_list(store_url: str | None, room: str | None, country: str | None, status: str | None) -> None:
    """List reviews: code, status, country, year, room, organisations, last change.

    \b
    Example:
        idpckit store list --room LIMA-1 --status submitted
    """
    from ..countries import lookup

    store = _open(store_url, read_only=True)
    rows = store.room(room, submitted_only=False) if room else store.reviews()
    if country:
        found = lookup(country)
        if found is None:
            raise click.ClickException(
                _("'{country}' is not a country we know; use an ISO code such as COL").format(country=country)
            )
        rows = [s for s in rows if s.assessment.country == found.alpha_3]
    if status:
        rows = [s for s in rows if s.status == status]
    if not rows:
        click.echo(_("No reviews match."), err=True)
        return
    for s in rows:
        a = s.assessment
        orgs = "; ".join(a.organisations) or "-"
        click.echo(
            f"{s.code}  {s.status:<9}  {a.country}  {a.year}  {a.room or '-':<10}  "
            f"{s.updated_at:%Y-%m-%d %H:%M}  {orgs}"
        )


@store_group.command("show")
@click.argument("code")
@store_option
@output_option(N_("Write the JSON to this file."))
def store_show(code: str, store_url: str | None, output: Path | None) -> None:
    """Print (or save) one review as assessment JSON, by its resume code.

    \b
    Example:
        idpckit store show K7QD-M2XP-4HTA-9WEB -o review.json
    """
    from ..store import UnknownCode

    try:
        stored = _open(store_url, read_only=True).load(code)
    except UnknownCode as exc:
        raise click.ClickException(str(exc)) from None
    text = stored.assessment.to_json()
    if output:
        what = (
            _("the submitted review {code}") if stored.status == "submitted" else _("the draft review {code}")
        ).format(code=stored.code)
        write_or_fail(output, text.encode("utf-8"), what)
    else:
        click.echo(text, nl=False)


@store_group.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@store_option
@click.option("--room", help="Give every added review this room code (an open room made by 'idpckit room create').")
@click.option("--submit", is_flag=True, help="Store them as submitted reviews (default: drafts).")
@progress_option
def store_add(
    files: tuple[Path, ...], store_url: str | None, room: str | None, submit: bool, progress: bool | None
) -> None:
    """Add assessment files (JSON, CSV or XLSX) to the store and print their resume codes.

    All files are checked first: if any has a problem, nothing is added. A folder
    stands for the files in it.

    \b
    Example:
        idpckit store add reviews/*.json --room LIMA-1 --submit
    """
    from pydantic import ValidationError

    from ..assessment_io import AssessmentError

    store = _open(store_url)
    if room is not None:
        from ..rooms import RoomError, accept_room

        try:
            room = accept_room(store, room, client="cli")
        except RoomError as exc:
            raise click.ClickException(_nothing_added().format(problem=exc)) from None
    files = expand(files)
    checked: list[tuple[Path, Assessment]] = []
    problems: list[str] = []
    with progress_bar(files, _("Checking"), progress) as (items, say):
        for path in items:
            try:
                a = read_any(path)
                if room is not None:
                    a.room = room  # checked on assignment
            except AssessmentError as exc:
                problems.append(str(exc))
                say(_error_line().format(problem=exc))
            except ValidationError:
                raise click.ClickException(
                    _("'{room}' is not a room code: use up to 32 letters, digits and dashes").format(room=room)
                ) from None
            else:
                checked.append((path, a))
    if problems:
        raise click.ClickException(
            ngettext(
                "nothing was added: {bad} of {n} file has problems (above)",
                "nothing was added: {bad} of {n} files have problems (above)",
                len(files),
            ).format(bad=len(problems), n=len(files))
        )
    from ..store import StoreError

    if not checked:
        raise click.ClickException(_no_files())
    try:
        codes = store.add_reviews([a for _path, a in checked], submit=submit)  # all or none
    except StoreError as exc:
        raise click.ClickException(_nothing_added().format(problem=exc)) from None
    for code, (path, _a) in zip(codes, checked, strict=True):
        click.echo(f"{code}  {path}")
    n = len(checked)
    added = (
        ngettext("Added {n} submitted review.", "Added {n} submitted reviews.", n)
        if submit
        else ngettext("Added {n} draft.", "Added {n} drafts.", n)
    )
    click.echo(added.format(n=n), err=True)

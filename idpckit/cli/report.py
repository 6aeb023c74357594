"""Commands that turn reviews into documents: ``report``, ``compare`` and ``aggregate``.

Each command reads its input through :func:`idpckit.cli.assess.read_or_fail` (JSON or a filled grading sheet;
every bad file gets a plain one-paragraph error), builds the whole output in
memory, and only then writes it with :func:`idpckit.files.write_atomic`.  So a
failure at any point, a bad file, a chart that cannot be drawn, a full disk,
leaves any previous output file exactly as it was, and the command exits 1
with a message, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from ..i18n import N_, _, ngettext
from .app import lang_option, main, output_option
from .assess import progress_bar, progress_option, read_any, read_or_fail, write_or_fail

_SUFFIXES = {".html": "html", ".htm": "html", ".pdf": "pdf", ".csv": "csv"}


def _format(output: Path, fmt: str | None, allowed: tuple[str, ...]) -> str:
    """The output format: --format if given, else the output file's extension."""
    if fmt:
        return fmt
    found = _SUFFIXES.get(output.suffix.lower())
    if found not in allowed:
        names = (" " + _("or") + " ").join(f".{a}" for a in allowed)
        raise click.ClickException(
            _("cannot tell the format of '{name}' from its name; end it with {suffixes}.").format(
                name=output.name, suffixes=names
            )
        )
    return found


def _build(what: str, make: Callable[[], bytes]) -> bytes:
    """Run a report builder, turning the errors a user can cause into plain messages.

    ``what`` is the document in words, already in the language in use ("the report").
    """
    from ..data import DataError

    try:
        return make()
    except DataError as exc:
        raise click.ClickException(
            _("the kit's content has problems, so {what} was not made:\n{problem}").format(what=what, problem=exc)
        ) from None
    except ValueError as exc:
        raise click.ClickException(_("could not make {what}: {problem}.").format(what=what, problem=exc)) from None
    except Exception as exc:  # a bug, not the user's doing: still a message, not a traceback
        raise click.ClickException(
            _(
                "could not make {what} because of an unexpected error ({problem}). "
                "Nothing was written. Please report this to the kit's maintainers."
            ).format(what=what, problem=f"{type(exc).__name__}: {exc}")
        ) from None


@main.command("report")
@click.argument("file", type=click.Path(path_type=Path))  # a folder gets our own message, and exit 1
@output_option(N_("The report to write: OUT.html (one self-contained page) or OUT.pdf."), required=True)
@click.option("--format", "fmt", type=click.Choice(["html", "pdf"]), help="Override the format the name suggests.")
@lang_option(N_("Language of the report (by default the one the review was made in)."))
def report_command(file: Path, output: Path, fmt: str | None, lang: str | None) -> None:
    """Write a report of one review for a meeting with the government (HTML or PDF).

    The report has a summary, the scorecard and, for every tracked commitment,
    the grade, evidence, sources, recommendation and where the commitment is
    made in the three UN documents of Table 1.

    \b
    Example:
        idpckit report veridia-2024.json -o veridia-2024.html
        idpckit report veridia-2024.json -o veridia-2024.pdf
        idpckit report veridia-2024.json --lang es -o veridia-2024-es.pdf
    """
    kind = _format(output, fmt, ("html", "pdf"))
    assessment = read_or_fail(file)

    def make() -> bytes:
        from .. import report

        if kind == "pdf":
            return report.pdf_report(assessment, lang=lang)
        return report.html_report(assessment, lang=lang).encode("utf-8")

    write_or_fail(output, _build(_("the report"), make), _("the {format} report").format(format=kind.upper()))


@main.command("compare")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@output_option(N_("The page to write (OUT.html)."), required=True)
@lang_option(N_("Language of the page (by default the one the later review was made in)."))
def compare_command(old: Path, new: Path, output: Path, lang: str | None) -> None:
    """Show what improved and what worsened between two reviews of one country (HTML).

    Give the earlier review first.  Reviews on different scales are compared
    as traffic lights (1-2 red, 3 orange, 4-5 green).

    \b
    Example:
        idpckit compare veridia-2023.json veridia-2024.json -o veridia-changes.html
        idpckit compare veridia-2023.json veridia-2024.json --lang fr -o veridia-changements.html
    """
    _format(output, None, ("html",))
    earlier, later = read_or_fail(old), read_or_fail(new)

    def make() -> bytes:
        from .. import compare, report

        return report.compare_html(compare.between(earlier, later), lang=lang).encode("utf-8")

    write_or_fail(output, _build(_("the comparison"), make), _("the year-on-year comparison"))


def _expand(files: tuple[Path, ...]) -> list[Path]:
    """The files to read: each FILE, and the *.json files inside any folder given."""
    out: list[Path] = []
    for f in files:
        if f.is_dir():
            found = sorted(f.glob("*.json"))
            if not found:
                raise click.ClickException(
                    _("the folder {folder} has no .json assessment files in it.").format(folder=f)
                )
            out.extend(found)
        else:
            out.append(f)
    return out


@main.command("aggregate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_option(
    N_("OUT.html (coalition page) or OUT.csv (one row per commitment, one column per review)."), required=True
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Leave out files that cannot be read (each is named on the screen) instead of stopping.",
)
@progress_option
@lang_option(N_("Language of the page and of the commitment titles (by default the first review's language)."))
def aggregate_command(
    files: tuple[Path, ...], output: Path, skip_invalid: bool, progress: bool | None, lang: str | None
) -> None:
    """Merge several NGOs' reviews of one country and year into a coalition view.

    For each commitment: the consensus (median grade), the lowest and highest
    grade, and a flag where assessors disagree (2 or more points apart, or
    different traffic lights).  FILES may include folders of .json files.

    \b
    Example:
        idpckit aggregate reviews/*.json -o coalition.html
        idpckit aggregate reviews/ -o coalition.csv
        idpckit aggregate reviews/ --lang es -o coalicion.html
    """
    from ..assessment_io import AssessmentError

    kind = _format(output, None, ("html", "csv"))
    paths = _expand(files)
    assessments, skipped = [], 0
    with progress_bar(paths, _("Reading reviews"), progress) as (bar, _say):
        for path in bar:
            try:
                assessments.append(read_any(path))
            except AssessmentError as exc:
                if not skip_invalid:
                    raise click.ClickException(
                        _("{problem} (use --skip-invalid to leave such files out)").format(problem=exc)
                    ) from None
                skipped += 1
                click.echo(_("Skipped: {problem}").format(problem=exc), err=True)
    if not assessments:
        raise click.ClickException(_("none of the files could be read, so there is nothing to merge."))

    def make() -> bytes:
        from .. import report

        if kind == "csv":
            return report.coalition_csv(assessments, lang=lang).encode("utf-8")
        return report.coalition_html(assessments, lang=lang).encode("utf-8")

    payload = _build(_("the coalition view"), make)
    n = len(assessments)
    what = ngettext("the coalition view of {n} review", "the coalition view of {n} reviews", n).format(n=n)
    if skipped:
        what += " (" + ngettext("{n} file skipped", "{n} files skipped", skipped).format(n=skipped) + ")"
    write_or_fail(output, payload, what)

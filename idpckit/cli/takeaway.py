"""Commands of the take-away kit: ``idpckit handouts`` (printable PDFs) and the others that build files to carry.

Each one builds files from ``data/`` and the lessons for a workshop where there is
no network, no projector or no laptop for every trainee.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import N_, _, ngettext
from .app import (
    check_option,
    data_option,
    emit_generated,
    lang_option,
    main,
    output_option,
    paper_option,
    regenerate_command,
    screen_output_option,
    writing_into,
)

#: Who a handout is for, in words (translated where shown).
AUDIENCES = {"trainees": N_("trainees"), "trainer": N_("the trainer")}


@main.command("handouts")
@output_option(N_("Folder to write the PDFs into (created if missing)."), required=True, folder=True, dest="out_dir")
@paper_option()
@click.option(
    "--only",
    "names",
    multiple=True,
    metavar="NAME",
    help="Build only this handout (repeat for several), e.g. --only table1.",
)
@data_option
@lang_option(N_("Language of the handouts (their words and the content's translations)."))
def handouts_command(
    out_dir: Path, paper: str, names: tuple[str, ...], data_root: Path | None, lang: str | None
) -> None:
    """Write the printable handouts as PDFs, built from data/ (never retyped).

    Table 1, a blank grading sheet with the rubric's anchors, the calendar of the
    CND work plans, the advocacy venues with their actions, the role-play's cards
    and rules, and the calibration vignettes (with a separate answer sheet for the
    trainer). Greyscale-safe; fonts that print Spanish, French and Russian.

    \b
    Example:
        idpckit handouts -o handouts/
        idpckit handouts -o handouts-us/ --paper letter --only table1 --only grading-sheet
        idpckit handouts --lang fr -o documents/
    """
    from .. import data, handouts
    from ..errors import FileProblems

    with writing_into(out_dir, handouts.HandoutError, data.DataError, FileProblems):
        paths = handouts.build(out_dir, paper=paper.lower(), root=data_root, names=list(names) or None, lang=lang)
    by_name = {h.name: h for h in handouts.HANDOUTS}
    for path in paths:
        h = by_name[path.stem]
        audience = _(AUDIENCES.get(h.audience, h.audience))
        line = _("{path}  ({title}; for {audience}: {activity})")
        click.echo(line.format(path=path, title=_(h.title), audience=audience, activity=_(h.activity)))
    n, size = len(paths), handouts.paper_format(paper)
    wrote = ngettext(
        "Wrote {n} handout on {paper} paper into {folder}", "Wrote {n} handouts on {paper} paper into {folder}", n
    )
    click.echo(wrote.format(n=n, paper=size, folder=out_dir), err=True)


@main.command("roleplay")
@screen_output_option
@check_option
@data_option
@click.option(
    "--lang",
    type=click.Choice(["en", "es", "fr"]),  # localise.DOCUMENT_LANGUAGES (not imported: the CLI starts fast)
    default=None,
    help="Language of the guide (its words and data/translations/); workshop/LANG/roleplay.md keeps it.",
)
def roleplay_command(output: Path | None, check: bool, data_root: Path | None, lang: str | None) -> None:
    """Write the trainer's guide to the "Vienna consensus" role-play, from data/roleplay.yaml.

    The role cards and the rules to print come from `idpckit handouts`; this writes
    the guide with the paragraph, who wants which option, the timings and the debrief.

    \b
    Example:
        idpckit roleplay -o workshop/roleplay.md
        idpckit roleplay --lang es -o workshop/es/roleplay.md --check
    """
    from .. import i18n, roleplay
    from ..errors import FileProblems

    lang = lang or "en"
    command, args = regenerate_command("roleplay", lang, "roleplay.md")
    try:
        with i18n.language(lang):
            text = roleplay.markdown(roleplay.load(data_root, lang), command=command)
    except FileProblems as exc:
        raise click.ClickException(_("The role-play cannot be built:\n{problem}").format(problem=exc)) from None
    emit_generated(text, output, check=check, command=args, what="the role-play guide")


@main.command("slides")
@output_option(
    N_("Folder to write the decks into (created if missing); copy it whole to a USB stick."),
    required=True,
    folder=True,
    dest="out_dir",
)
@data_option
@lang_option(N_("Language of the decks: the translated lessons (notebooks/es, notebooks/fr) and content."))
def slides_command(out_dir: Path, data_root: Path | None, lang: str | None) -> None:
    """Write a slide deck per lesson, and one for the role-play, that open with no network.

    Built from the lessons and data/. Open index.html in any browser; reveal.js, the
    stylesheet and the fonts are copied into the folder, so nothing is fetched online.

    \b
    Example:
        idpckit slides -o slides/
        idpckit slides --lang es -o diapositivas/
        # then open slides/index.html, or copy the folder to a USB stick
    """
    from .. import catalog, data, slides
    from ..errors import FileProblems

    with writing_into(out_dir, slides.SlidesError, data.DataError, FileProblems, catalog.CatalogError):
        paths = slides.build(out_dir, root=data_root, lang=lang)
    for path in paths:
        click.echo(str(path))
    n = len(paths) - 1
    wrote = ngettext(
        "Wrote {n} deck into {folder}; open {index} in a browser.",
        "Wrote {n} decks into {folder}; open {index} in a browser.",
        n,
    )
    click.echo(wrote.format(n=n, folder=out_dir, index=paths[0]), err=True)


@main.command("lessons")
@click.option(
    "--pdf", "as_pdf", is_flag=True, required=True, help="Print each lesson as a PDF (the only format for now)."
)
@output_option(N_("Folder to write the PDFs into (created if missing)."), required=True, folder=True, dest="out_dir")
@paper_option(N_("Paper size."))
@click.option("--lesson", "orders", multiple=True, type=int, metavar="N", help="Only lesson N (repeat for several).")
def lessons_command(as_pdf: bool, out_dir: Path, paper: str, orders: tuple[int, ...]) -> None:
    """Print each lesson as a PDF, for trainees without a laptop.

    Each lesson is run in a real kernel, so its tables and charts are the ones the
    web page shows; exercises become worksheets (questions and boxes, no answers).
    Needs Chromium (Debian: apt install chromium). A lesson takes a few seconds.

    \b
    Example:
        idpckit lessons --pdf -o printed/
        idpckit lessons --pdf -o printed/ --paper letter --lesson 4 --lesson 6
    """
    from .. import catalog, data, printing

    with writing_into(out_dir, printing.PrintError, catalog.CatalogError, data.DataError):
        paths = printing.build(out_dir, paper=paper.lower(), orders=list(orders) or None)
    for path in paths:
        click.echo(str(path))
    n = len(paths)
    click.echo(
        ngettext("Printed {n} lesson into {folder}", "Printed {n} lessons into {folder}", n).format(
            n=n, folder=out_dir
        ),
        err=True,
    )

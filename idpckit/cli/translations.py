"""``idpckit translations``: keep the message catalogues in step with the code, and say how much is translated."""

from __future__ import annotations

import sys

import click

from .app import main


@main.group("translations")
def translations_group() -> None:
    """The kit's translations: message catalogues (idpckit/locale/) and content (data/translations/)."""


@translations_group.command("update")
def update_command() -> None:
    """Extract the marked messages to idpckit.pot and merge them into each language's .po file.

    Run it after adding or changing a message in the code or a template; new messages
    arrive untranslated, changed ones keep their old translation marked fuzzy (not shown).

    \b
    Example:
        idpckit translations update
    """
    from .. import i18n

    for path in i18n.update_catalogues():
        click.echo(f"Wrote {path}", err=True)


@translations_group.command("status")
@click.option("--check", is_flag=True, help="Exit 1 if a catalogue is out of step with the code.")
def status_command(check: bool) -> None:
    """How much of each language is translated: interface messages and content.

    \b
    Example:
        idpckit translations status
    """
    from .. import data, i18n, localise

    content = data.load()
    for lang in i18n.LANGUAGES[1:]:
        cov = i18n.coverage(lang)
        left = len(localise.missing(content, lang))
        click.echo(
            f"{lang} ({i18n.NAMES[lang]}): {cov.translated} of {cov.total} messages translated "
            f"({cov.share:.0%}), {cov.fuzzy} fuzzy; {left} content fields still in English"
        )
    if check:
        stale = i18n.stale_catalogues()
        if stale:
            click.echo(
                "Out of step with the code: " + ", ".join(stale) + "; run: idpckit translations update", err=True
            )
            sys.exit(1)
        click.echo("The catalogues are in step with the code.", err=True)

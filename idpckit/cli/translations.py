"""``idpckit translations``: keep the message catalogues in step with the code, and say how much is translated."""

from __future__ import annotations

import sys

import click

from ..i18n import _, ngettext
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
        click.echo(_("Wrote {path}").format(path=path), err=True)


@translations_group.command("status")
@click.option("--check", is_flag=True, help="Exit 1 if a catalogue is out of step with the code.")
@click.option("--missing", "show_missing", is_flag=True, help="List every content field still shown in English.")
def status_command(check: bool, show_missing: bool) -> None:
    """How much of each language is translated: interface messages and content.

    Content counts the fields of the files in each language's scope (Spanish and French:
    every content file; Russian: the commitments, the rubric and the grading rules);
    a stale translation (its English changed since) counts as not translated.

    \b
    Example:
        idpckit translations status --missing
    """
    from .. import data, i18n, localise

    content = data.load()
    for share_ in localise.shares(content):
        lang, cov, share, lessons = share_.lang, share_.messages, share_.content, share_.lessons
        lessons_words = (
            ngettext(
                "lessons {done} of {n} text translated ({share})",
                "lessons {done} of {n} texts translated ({share})",
                lessons.total,
            ).format(done=lessons.translated, n=lessons.total, share=f"{lessons.share:.0%}")
            if lessons.total
            else _("lessons in English")
        )
        messages = ngettext(
            "{done} of {n} message translated ({share}), {fuzzy} fuzzy",
            "{done} of {n} messages translated ({share}), {fuzzy} fuzzy",
            cov.total,
        ).format(done=cov.translated, n=cov.total, share=f"{cov.share:.0%}", fuzzy=cov.fuzzy)
        fields = ngettext(
            "content {done} of {n} field translated ({share}), {stale} stale",
            "content {done} of {n} fields translated ({share}), {stale} stale",
            share.total,
        ).format(done=share.translated, n=share.total, share=f"{share.share:.0%}", stale=share_.stale)
        click.echo(f"{lang} ({i18n.NAMES[lang]}): {messages}; {fields}; {lessons_words}")
        if show_missing:
            old = localise.stale(content, lang)
            for file, key, field_name in localise.missing_in_scope(content, lang):
                click.echo("  " + _("missing: {file} {key} {field}").format(file=file, key=key, field=field_name))
            for file, key, field_name, was, now in old:
                click.echo(
                    "  "
                    + _("stale: {file} {key} {field}: the English was {was}, it is now {now}").format(
                        file=file, key=key, field=field_name, was=repr(was), now=repr(now)
                    )
                )
    if check:
        stale = i18n.stale_catalogues()
        if stale:
            click.echo(
                _("Out of step with the code: {files}; run: idpckit translations update").format(
                    files=", ".join(stale)
                ),
                err=True,
            )
            sys.exit(1)
        click.echo(_("The catalogues are in step with the code."), err=True)


@translations_group.command("stamp")
@click.argument("langs", nargs=-1)
@click.option(
    "--refresh",
    multiple=True,
    metavar="FILE:ID",
    help="Record the new English of a record whose translation you have just updated (repeatable).",
)
def stamp_command(langs: tuple[str, ...], refresh: tuple[str, ...]) -> None:
    """Record the English each content translation was made from (data/translations/LANG.sources.yaml).

    From then on, an edit of the English marks that translation stale: it is not shown and
    `idpckit translations status --missing` lists it, until a translator updates it and runs
    this command with --refresh FILE:ID.

    \b
    Example:
        idpckit translations stamp es fr
        idpckit translations stamp es --refresh rubric.yaml:gender
    """
    from .. import data, i18n, localise

    chosen = langs or i18n.LANGUAGES[1:]
    unknown = [lang for lang in chosen if lang not in i18n.LANGUAGES[1:]]
    if unknown:
        raise click.BadParameter(
            _("{unknown}: use {languages}").format(unknown=", ".join(unknown), languages=", ".join(i18n.LANGUAGES[1:])),
            param_hint="LANGS",
        )
    pairs = []
    for item in refresh:
        file, sep, key = item.partition(":")
        if not sep or not key:
            raise click.BadParameter(
                _("'{item}' should be FILE:ID, e.g. rubric.yaml:gender").format(item=item), param_hint="--refresh"
            )
        pairs.append((file, key))
    content = data.load()
    for lang in chosen:
        click.echo(_("Wrote {path}").format(path=localise.stamp(content, lang, pairs)), err=True)


@translations_group.command("notebooks")
@click.option("--check", is_flag=True, help="Only check that the catalogues and translated lessons are up to date.")
def notebooks_command(check: bool) -> None:
    """Bring the lessons' catalogues in step with the English lessons and regenerate the translated ones.

    The English notebooks (notebooks/NN-*.ipynb) are the source. Each paragraph, heading and list
    item of their Markdown is one entry of idpckit/locale/lessons.pot; the translations are in
    idpckit/locale/es|fr/LC_MESSAGES/lessons.po; the command writes notebooks/es/ and notebooks/fr/.
    A paragraph whose English changed keeps its old translation as fuzzy: the lesson shows the
    English until a translator checks it. Run it after editing a lesson's Markdown, and commit.

    \b
    Example:
        idpckit translations notebooks
        idpckit translations notebooks --check
    """
    from .. import lesson_i18n

    result = lesson_i18n.generate()
    for lang in lesson_i18n.LESSON_LANGUAGES:
        rows = [s for s in result.status if s.lang == lang]
        total, done = sum(s.total for s in rows), sum(s.translated for s in rows)
        counted = ngettext(
            "{lang}: {done} of {n} paragraph translated ({share})",
            "{lang}: {done} of {n} paragraphs translated ({share})",
            total,
        )
        click.echo(counted.format(lang=lang, done=done, n=total, share=f"{done / total if total else 1:.0%}"))
        for s in rows:
            flags = (
                ngettext(
                    ", {n} changed in English since translated (English shown)",
                    ", {n} changed in English since translated (English shown)",
                    len(s.fuzzy),
                ).format(n=len(s.fuzzy))
                if s.fuzzy
                else ""
            )
            if not s.published:
                flags += _("; not published (below {share})").format(share=f"{lesson_i18n.PUBLISH_SHARE:.0%}")
            share = f"{s.share:.0%}"
            click.echo(
                f"  {s.lesson}: "
                + _("{done} of {n} ({share})").format(done=s.translated, n=s.total, share=share)
                + flags
            )
            for problem in s.problems:
                click.echo(
                    "  "
                    + _("{lesson} ({lang}) cannot be listed: {problem}").format(
                        lesson=s.lesson, lang=lang, problem=problem
                    ),
                    err=True,
                )
    root = lesson_i18n.english_lessons()[0].parent.parent if lesson_i18n.english_lessons() else None
    broken = any(s.problems for s in result.status)
    if check:
        stale = lesson_i18n.stale_files(result)
        if broken:
            click.echo(_fix_lessons_words(), err=True)
            sys.exit(1)
        if stale:
            names = ", ".join(str(p.relative_to(root) if root else p) for p in stale)
            click.echo(_("Out of date: {files}; run: idpckit translations notebooks").format(files=names), err=True)
            sys.exit(1)
        click.echo(_("The translated lessons are up to date."), err=True)
        return
    for path in lesson_i18n.write(result):
        click.echo(_("Wrote {path}").format(path=path.relative_to(root) if root else path), err=True)
    if broken:
        click.echo(_fix_lessons_words(), err=True)
        sys.exit(1)


def _fix_lessons_words() -> str:
    """What to do when a lesson translation is broken (two places print it)."""
    return _("Fix the translations named above in idpckit/locale/*/LC_MESSAGES/lessons.po.")

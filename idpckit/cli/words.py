"""The command line's ``--help`` and Click's own words ("Usage:", "Error:") in the user's language.

Two parts, both resolved when shown, not when the commands are defined, so one process can
answer in several languages (the tests, a trainer's script):

* **Our help texts.** Each command's docstring and each option's ``help=`` stay the English
  source in the code; :func:`idpckit.i18n.extract_cli` extracts them paragraph by paragraph,
  and :class:`Command` / :class:`Group` translate them while the help is rendered.
* **Click's words.** Click marks its own messages with the standard library's global
  ``gettext`` (``from gettext import gettext as _`` in each module), which reads compiled
  ``.mo`` files and the locale variables only, not ``--lang`` or ``IDPCKIT_LANG``, and has
  no hook for another catalogue (pallets/click#2706 is open about it).  :func:`install`
  points those names at the kit's :func:`idpckit.i18n._` and :func:`idpckit.i18n.ngettext`;
  :data:`CLICK_WORDS` lists the messages of Click we translate in the kit's catalogue.

The language is the CLI's: ``--lang`` if the command line has it, else
:func:`idpckit.i18n.environment_language` (``IDPCKIT_LANG``, then the locale), set by
:meth:`Group.main` around the whole run, so ``--help`` (handled before any option's
callback) and Click's "Error:" (printed after the command's context is closed) speak it too.
"""

from __future__ import annotations

import gettext
import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

from .. import i18n
from ..i18n import N_

#: Click's modules that import the standard library's ``gettext``/``ngettext`` for their words.
CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)

#: The help of every command's ``--help`` option (Click's words, kept in English and translated when shown).
HELP_OPTION = N_("Show this message and exit.")

#: The messages of Click a user of the kit's commands can meet, translated in the kit's catalogue.
#: Their English must be Click's, character for character (tests/test_cli_help_lang.py checks it against the
#: installed Click); Click's messages for programmers (a command defined twice) and for Windows are left out.
CLICK_WORDS: tuple[str, ...] = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Positional arguments"),
    HELP_OPTION,
    N_("Show the version and exit."),
    N_("%(prog)s, version %(version)s"),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("No such option {name!r}."),
    N_("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
    N_("No such command {name!r}."),
    N_("Missing command."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    N_("Option {name!r} does not take a value."),
    N_("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
    N_("Argument {name!r} takes {nargs} values."),
    N_("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."),
    N_("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
    N_("Choose from:\n\t{choices}"),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("Could not open file {filename!r}: {message}"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("required"),
    N_("Aborted!"),
    N_("Do you want to continue?"),
    N_("Error: invalid input"),
    N_("Repeat for confirmation"),
    N_("Error: The two entered values do not match."),
)


def install() -> None:
    """Have Click's modules look their words up in the kit's catalogue, in the language in use.

    Only a module still using the standard library's functions is changed, so a Click that
    one day takes its own translator keeps it (and the help test then shows what changed).
    """
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if getattr(module, "_", None) is gettext.gettext:
            module._ = i18n._  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = i18n.ngettext  # type: ignore[attr-defined]


def cli_language(args: Sequence[str]) -> str:
    """The language of a command line: its ``--lang`` (``--lang es``, ``--lang=es``) if valid, else the environment's.

    Read from the words before Click parses them, since ``--help`` is answered before
    ``--lang``'s callback runs.  An unknown ``--lang`` falls back here; Click refuses it later.
    """
    for i, word in enumerate(args):
        if word == "--":
            break
        value = word.partition("=")[2] if word.startswith("--lang=") else None
        if word == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        if value is not None and i18n.normalise(value):
            return i18n.normalise(value) or "en"
    return i18n.environment_language()


@contextmanager
def _translated(command: click.Command, ctx: click.Context) -> Iterator[None]:
    """The help texts of ``command``, its options and (a group) its commands in the language in use, while inside."""
    saved: list[tuple[Any, str, str]] = []
    shown = [command, *getattr(command, "commands", {}).values(), *command.get_params(ctx)]
    for thing in shown:
        for attr in ("help", "short_help", "epilog"):
            text = getattr(thing, attr, None)
            if text:
                saved.append((thing, attr, text))
                setattr(thing, attr, i18n.translate_help(text))
    try:
        yield
    finally:
        for thing, attr, text in reversed(saved):
            setattr(thing, attr, text)


class Formatter(click.HelpFormatter):
    """Click's help layout, with section headings followed by a colon as the language writes it ("Options :")."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{i18n.colon(heading)}\n")


class Context(click.Context):
    """The context of the kit's commands: their help is laid out by :class:`Formatter`."""

    formatter_class = Formatter


class TranslatedHelp(click.Command):
    """A command whose ``--help`` is rendered in the language in use (its texts stay English in the code)."""

    context_class = Context

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(self, ctx):
            super().format_help(ctx, formatter)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """Click's ``--help`` option, made once per command: its help is kept as the English source, translated when shown."""
        made = self._help_option is None
        option = super().get_help_option(ctx)
        if made and option is not None:
            option.help = HELP_OPTION
        return option


class Command(TranslatedHelp):
    """Every ``@main.command`` (through :attr:`Group.command_class`)."""


class Group(TranslatedHelp, click.Group):
    """The ``idpckit`` group and its sub-groups: their commands are :class:`Command`, their sub-groups this class."""

    command_class = Command
    group_class = type

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """Run the command line in its user's language (:func:`cli_language`), Click's words and errors included."""
        import sys

        words = list(sys.argv[1:] if args is None else args)
        with i18n.language(cli_language(words)):
            return super().main(words, *rest, **kwargs)


install()

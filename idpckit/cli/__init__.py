"""The ``idpckit`` command line (the console script ``idpckit = "idpckit.cli:main"``).

:mod:`idpckit.cli.app` defines the command group ``main``; every command module
imports it and registers its commands on it; this package imports the group and
then each command module once, so nothing imports back in a circle.  A new
command module: ``from .app import main`` (and ``emit_generated`` if it writes a
generated file), decorate with ``@main.command(...)``, and add it to the list below.
"""

from __future__ import annotations

from . import assess, lessons, report, room, serve, takeaway, translations
from .app import main

__all__ = ["main"]

#: The modules whose commands are registered on :data:`main` (imported above for that effect).
COMMAND_MODULES = (assess, lessons, report, room, serve, takeaway, translations)

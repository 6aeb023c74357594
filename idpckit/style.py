"""The kit's stylesheets, kept as CSS files in ``templates/`` and read from one place.

One file per kind of page: ``style.css`` a report that is a whole page of its own (read
on screen, printed, in greyscale); ``widgets.css`` apps and lesson tables that live inside
a Voilà or JupyterLab page and so must scope every rule to ``.idpc-app`` rather than
restyle the page around them; ``trainer.css`` the trainers' pages of ``idpckit serve``;
``message.css`` the server's short pages in plain words (errors, refusals); ``print.css``
a lesson printed to PDF; ``slides.css`` the slide decks (copied beside them).  All follow
the same rules: visible focus, no meaning in colour alone, the colour-blind-safe palette
of :mod:`idpckit.scales`.  No module writes CSS rules of its own (tests/test_stylesheets.py).

Only the standard library is imported: reports (core) and widgets both use this.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def css(name: str) -> str:
    """The text of stylesheet ``name`` (e.g. ``"widgets.css"``), one of our own files in ``templates/``."""
    return (resources.files("idpckit") / "templates" / name).read_text(encoding="utf-8")


def report_css() -> str:
    """The stylesheet of the HTML reports (one page each, screen and print)."""
    return css("style.css")


def widget_style() -> str:
    """The apps' stylesheet as a ``<style>`` element, to put once at the top of an app or lesson."""
    return "<style>\n" + css("widgets.css") + "</style>\n"


def widget_script() -> str:
    """The apps' script (``templates/widgets.js``): radio-group roles, states and arrow keys for choice buttons.

    ipywidgets draws single-choice buttons without the roles a screen reader needs; the script
    adds them in the page, so it is run once next to the stylesheet.
    """
    return css("widgets.js")

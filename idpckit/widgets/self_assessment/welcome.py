"""The first screen of the self-assessment app: what the exercise is, and start or resume.

This is the screen every visitor waits for, so it is built from ipywidgets and
text alone: no content files, no store, no pandas or matplotlib (see the
Voilà benchmark in ``benchmarks/``).
"""

from __future__ import annotations

import ipywidgets as w

from ...i18n import _
from .._base import DESCRIPTION_STYLE, ErrorBox, full_width, wrap_row


def welcome_html() -> str:
    """What the exercise is, in the language in use (one message per paragraph, for the translators)."""
    items = [
        _(
            "recent figures: arrests and prison numbers, coverage of harm reduction and treatment, access to pain "
            "medicines;"
        ),
        _("the relevant laws and policies, and what actually happens in practice;"),
        _("testimonies from people who use drugs, their families and the services that work with them;"),
        _("reports by NGOs, UN bodies and national human rights institutions;"),
        _("last year's review (a JSON file), if you made one, and the room code if your trainer gave you one."),
    ]
    return (
        "<div class='idpc-prose'><h2>"
        + _("What this exercise is")
        + "</h2><p>"
        + _(
            "In the 2016 UNGASS Outcome Document and the 2019 Ministerial Declaration, governments made commitments "
            "on drug policy; the 2018 UN System Common Position sets out how the UN's own agencies back them. Table 1 "
            "of IDPC's advocacy note of September 2019 lists thirteen of these commitments, from alternatives to "
            "punishment to involving civil society, with where each appears in the three documents. The note "
            "suggests that NGOs grade their own government on each one, and review the grades every year before the "
            "CND's intersessional meetings."
        )
        + "</p><p>"
        + _(
            "This exercise walks you through that check, one commitment at a time. For each, you <strong>choose a "
            "grade</strong> (1 to 5, or a traffic light), <strong>write down the evidence</strong> behind it and "
            "<strong>say what the government should do better</strong>. At the end you download a report (web page, "
            "PDF or spreadsheet) to take to a meeting with officials, and next year you can compare."
        )
        + "</p><h3>"
        + _("How long it takes")
        + "</h3><p>"
        + _(
            "About 5 minutes to set up, then roughly 10 to 20 minutes for each commitment, depending on how much "
            "evidence you already have. You do not need to track all thirteen: choose the ones your organisation "
            "knows best. You can stop at any time and continue later with your <strong>resume code</strong>."
        )
        + "</p><h3>"
        + _("What to have at hand")
        + "</h3><ul>"
        + "".join(f"<li>{item}</li>" for item in items)
        + "</ul><p class='idpc-small'>"
        + _(
            "Your work is saved on this server after every change, under a resume code that only you receive. Anyone "
            "who has the code can open and change your draft, so keep it like a password."
        )
        + "</p></div>"
    )


class WelcomeStep:
    """Start a new review, or resume one with its code."""

    def __init__(self) -> None:
        self.start = w.Button(
            description=_("Start a new review"),
            button_style="primary",
            tooltip=_("Begin with the set-up: country, year, scale"),
            layout=w.Layout(width="auto", min_width="14em"),
        )
        self.code = w.Text(
            description=_("Resume code"),
            placeholder=_("e.g. K7QD-M2XP-4HTA-9WEB"),
            style=DESCRIPTION_STYLE,
            layout=w.Layout(width="30em", max_width="100%"),
        )
        self.resume = w.Button(
            description=_("Resume"),
            tooltip=_("Open the review saved under this code"),
            layout=w.Layout(width="auto", min_width="8em"),
        )
        self.message = ErrorBox()
        self.message.widget.add_class("idpc-welcome-message")
        self.widget = w.VBox(
            [
                w.HTML(welcome_html(), layout=full_width()),
                self.start,
                w.HTML("<h2>" + _("Continue a review") + "</h2>"),
                w.HBox([self.code, self.resume], layout=wrap_row()),
                self.message.widget,
            ],
            layout=full_width(),
        )

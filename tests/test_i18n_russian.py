"""Russian sentences that take a name from the data: written so the name needs no declension.

Russian declines nouns after prepositions and verbs ("в Итоговом документе"), but the kit
inserts a document's, file's or organisation's name as it is stored, in the nominative.
Each such message therefore puts the name in quotation marks after a noun that carries
the case ("в документе «{doc}»"), in parentheses, or after a colon; these tests fail if a
translation puts a name straight after a preposition again.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from idpckit import i18n

RU = Path(__file__).resolve().parent.parent / "idpckit" / "locale" / "ru" / "LC_MESSAGES" / "idpckit.po"

#: Placeholders that hold a name from the data or a file, never declined.
NAMES = ("doc", "document", "name", "who", "country", "mine")  # ({other} is also a cell, "A5")
PREPOSITIONS = "в во к ко о об обо из по на для с со от до у при за про без между после перед над под через"


def _russian() -> list[tuple[str, str]]:
    out = []
    with RU.open("rb") as handle:
        catalog = read_po(handle)  # obsolete entries are kept apart, in catalog.obsolete
    for message in catalog:
        if not message.id:
            continue  # the header
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        texts = list(message.string) if isinstance(message.string, tuple) else [message.string]
        out += [(msgid, t) for t in texts if t]
    return out


def test_no_name_from_the_data_follows_a_russian_preposition() -> None:
    pattern = re.compile(rf"(?<![\w«])(?:{'|'.join(PREPOSITIONS.split())}) \{{({'|'.join(NAMES)})\}}", re.I)
    offending = [(msgid, text) for msgid, text in _russian() if pattern.search(text)]
    assert not offending, offending


def test_document_names_stand_in_quotes_after_a_noun_or_in_the_nominative() -> None:
    """Every Russian message with a document's name: in «…» after «документ…»/«столбец…», or its subject."""
    checked = 0
    for msgid, text in _russian():
        for placeholder in ("{doc}", "{document}"):
            if placeholder not in msgid:
                continue
            checked += 1
            quoted = re.search(r"(документ\w*|столбц?\w*) «" + re.escape(placeholder) + "»", text)
            subject = text.startswith(placeholder) or f"({placeholder}," in text
            assert quoted or subject, (msgid, text)
    assert checked >= 10  # the exercises' reasons, the explorer's notes: they are still there


def test_the_explorers_note_on_a_reference_reads_in_russian() -> None:
    from idpckit.widgets.explorer import Table1Explorer

    with i18n.language("ru"):
        ui = Table1Explorer()
    details = ui.details.value
    assert "Примечание (" in details and "Примечание к" not in details
    assert "Note on" not in details

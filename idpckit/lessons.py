"""What the lesson notebooks show, rendered from ``data/`` so a correction flows everywhere.

The lessons are thin: prose in Markdown, then one call here per code cell.  Each
function returns an :class:`Html` block that Jupyter and Voilà display through
``_repr_html_`` (no IPython import needed), and whose ``str()`` is the markup, so
tests can read it.  Every piece of data text is escaped: the content files are
edited by trainers, and a stray ``<`` must print as a character, not break the page.

Example::

    >>> from idpckit import lessons
    >>> "Move away from drug-free world targets" in str(lessons.asks())
    True
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from . import data, style
from .text import esc

#: How an ask's verdict is shown: a symbol and words, never colour alone.
VERDICT_SYMBOLS = {"not met": "✖", "partly met": "◐", "largely met": "✔"}

#: The lessons' tables and cards are styled by the kit's one stylesheet for notebook pages
#: (``templates/widgets.css``, read by :mod:`idpckit.style`).
_TABLE_STYLE = style.widget_style()


@dataclass(frozen=True)
class Html:
    """A block of HTML that notebooks display and tests read with ``str()``."""

    markup: str

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup


def html_table(head: Iterable[str], rows: Iterable[Iterable[str]], caption: str = "") -> str:
    """An HTML table that scrolls inside its box on a phone; cells are given already escaped (they may hold links or lists)."""
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    th = "".join(f'<th scope="col">{esc(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    table = f'<table class="idpckit-table">{cap}<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'
    return f'{_TABLE_STYLE}<div class="idpckit-wide">{table}</div>'


# --------------------------------------------------------------------------- lesson 0


def overview(root: str | os.PathLike[str] | None = None) -> Html:
    """The lessons with their times and objectives, read from the notebooks' own metadata.

    Uses :func:`idpckit.catalog.scan` (not ``catalog()``, which raises), so that one
    malformed notebook does not hide the others from a trainee; it is listed as a
    problem at the end instead.
    """
    from . import catalog

    found = catalog.scan(root)
    lessons = [e for e in found.entries if e.kind == "lesson"]
    apps = [e for e in found.entries if e.kind == "app"]
    rows = []
    for e in lessons:
        goals = "".join(f"<li>{esc(o)}</li>" for o in e.objectives)
        what = (
            f'<a href="{esc(e.name)}">{esc(e.title)}</a><br><small>{esc(e.summary)}</small>'
            f"<details><summary>Objectives</summary><ul>{goals}</ul></details>"
        )
        rows.append([esc(e.order), what, f"{e.teaching} min", f"{e.exercises} min", f"<b>{e.minutes} min</b>"])
    total = sum(e.minutes for e in lessons)
    rows.append(
        [
            "",
            "<b>All lessons</b>",
            f"{sum(e.teaching for e in lessons)} min",
            f"{sum(e.exercises for e in lessons)} min",
            f"<b>{total} min ({total // 60} h {total % 60:02d})</b>",
        ]
    )
    out = html_table(["#", "Lesson", "Teaching", "Exercises", "Total"], rows, "Lessons and how long they take")
    if apps:
        items = "".join(f'<li><a href="{esc(a.name)}">{esc(a.title)}</a>: {esc(a.summary)}</li>' for a in apps)
        out += f"<p><b>Apps</b> (exercises that run as web pages):</p><ul>{items}</ul>"
    if found.problems:
        items = "".join(f"<li>{esc(p)}</li>" for p in found.problems)
        out += f"<p>⚠ <b>Please tell your trainer:</b> some notebooks could not be listed.</p><ul>{items}</ul>"
    return Html(out)


# --------------------------------------------------------------------------- lessons 1 and 3


def documents(ids: Iterable[str], content: data.Content | None = None) -> Html:
    """The UN documents ``ids`` (from ``data/documents.csv``): name, adoption, body, symbol, link."""
    from .widgets.timeline import format_date

    content = content or data.load()
    rows = []
    for doc_id in ids:
        d = content.document(doc_id)
        link = f'<a href="{esc(d.url)}" target="_blank" rel="noopener">text</a>' if d.url else ""
        later = " ■ <small>(after the 2019 note)</small>" if d.origin == "later" else ""
        rows.append(
            [
                f"<b>{esc(d.short_name)}</b>{later}<br><small><i>{esc(d.title)}</i></small>",
                esc(format_date(d.date, d.date_end)),
                esc(d.adopted_by),
                esc(d.symbol) or "–",
                link,
            ]
        )
    return Html(html_table(["Document", "Adopted", "By", "Symbol", "Link"], rows, "The documents of this lesson"))


def timeline_chart(content: data.Content | None = None) -> Html:
    """The timeline chart with its text alternative (matplotlib is imported only here)."""
    from .widgets.timeline import chart_html

    return Html(chart_html(content))


# --------------------------------------------------------------------------- lesson 2


def asks(content: data.Content | None = None) -> Html:
    """IDPC's four asks from ``data/asks.yaml``: what was asked, won and not won, and a verdict."""
    content = content or data.load()
    parts = []
    for a in content.asks:
        wins = "".join(f"<li>✔ {esc(x)}</li>" for x in a.wins)
        challenges = "".join(f"<li>✖ {esc(x)}</li>" for x in a.challenges)
        symbol = VERDICT_SYMBOLS[a.verdict_level]
        parts.append(
            f'<div class="idpckit-card"><h4>Ask {a.number}: {esc(a.title)}</h4>'
            f"<p>{esc(a.asked)}</p>"
            f"<details><summary><b>What was won</b> ({len(a.wins)})</summary><ul>{wins}</ul></details>"
            f"<details><summary><b>What was not</b> ({len(a.challenges)})</summary><ul>{challenges}</ul></details>"
            f"<p><b>{symbol} Verdict: {esc(a.verdict_level)}.</b> {esc(a.verdict)}</p></div>"
        )
    note = (
        "<p><small>Wins and challenges summarise IDPC's advocacy note of September 2019 in our words; "
        "the verdicts are this kit's reading of it. Source file: <code>data/asks.yaml</code>.</small></p>"
    )
    return Html(_TABLE_STYLE + "".join(parts) + note)


# --------------------------------------------------------------------------- lesson 3


def goals(content: data.Content | None = None) -> Html:
    """The six goals of the 2019 Declaration (``data/goals.csv``) and the Table 1 commitments they touch.

    Shown as cards, not a table: five columns of long text do not fit a phone.
    """
    content = content or data.load()
    parts = []
    for g in content.goals:
        linked = "".join(
            f"<li>{c.number}. {esc(c.title)}</li>" for c in (content.commitment(i) for i in g.commitment_ids)
        )
        table1 = f"<ul>{linked}</ul>" if linked else " none directly."
        parts.append(
            f'<div class="idpckit-card"><h4>Goal {g.number}: {esc(g.theme)}</h4>'
            f"<p>{esc(g.goal)}</p>"
            f"<p><b>Key phrase:</b> “{esc(g.key_phrase)}”</p>"
            f"<p><b>Table 1 commitments</b> (lesson 4):{table1}</p></div>"
        )
    note = (
        "<p><small>Goals in plain words. Key phrases are quoted from the list of goals in IDPC's advocacy note "
        "(September 2019), which follows the Declaration's wording. Source file: <code>data/goals.csv</code>."
        "</small></p>"
    )
    return Html(_TABLE_STYLE + "".join(parts) + note)


def workplan(content: data.Content | None = None) -> Html:
    """The CND's thematic work plan from ``data/workplan.csv``, with the stocktaking challenges each year takes up."""
    content = content or data.load()
    rows = []
    for y in content.workplan:
        challenges = ", ".join(str(n) for n in y.stocktaking_challenges) or "all commitments"
        rows.append([f"<b>{y.year}</b>", esc(y.theme), esc(y.topics), esc(challenges), esc(y.held) or "–"])
    numbers = sorted({n for y in content.workplan for n in y.stocktaking_challenges})
    span = f"{numbers[0]} to {numbers[-1]}" if numbers else "none"
    out = html_table(
        ["Year", "Theme", "Topics", "Challenges of the stocktaking paragraph", "Meeting held"],
        rows,
        "How the CND turned the stocktaking paragraph into yearly meetings",
    )
    out += (
        f"<p>Between them, the yearly meetings cover the challenges numbered {span} in the Declaration's "
        "stocktaking paragraph. Source file: <code>data/workplan.csv</code>.</p>"
    )
    return Html(out)

"""What the lesson notebooks show: one call per code cell, rendered from ``data/``.

The lessons are thin: prose in Markdown, then one call here per code cell, so a
correction in a content file flows into every lesson (and into the slide decks,
which call the same functions: :mod:`idpckit.slides`).  Each function returns an
:class:`Html` block: Jupyter and Voilà display it through ``_repr_html_`` (with the
kit's one stylesheet, :mod:`idpckit.style`), and its ``str()`` is the bare markup,
which tests and slides read.  Every piece of data text (content files edited by
trainers, reviews typed by NGOs) is escaped with :func:`idpckit.text.esc`: a stray
``<`` must print as a character, not break the page.

This is a door, the notebooks' facade: it may build widgets (:func:`rubric_browser`)
and use the widgets' helpers (the timeline's dates and chart).  Nothing heavy is
imported at module level: matplotlib only through :func:`figure` and
:func:`timeline_chart`, ipywidgets only through :func:`rubric_browser`.

Example::

    >>> from idpckit import lessons
    >>> "Move away from drug-free world targets" in str(lessons.asks())
    True
    >>> "Human Rights Council" in str(lessons.venues("Geneva"))
    True
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import data, lesson_i18n, scales, table1
from .i18n import ENV_VAR, N_, _, current, ngettext, set_language
from .schema import TABLE1_DOCUMENTS
from .style import widget_style
from .text import esc

if TYPE_CHECKING:  # pragma: no cover
    import ipywidgets
    from matplotlib.figure import Figure

    from .assessment import Assessment

#: How an ask's verdict is shown: a symbol and words, never colour alone.
VERDICT_SYMBOLS = {"not met": "✖", "partly met": "◐", "largely met": "✔"}
#: The verdicts in words (translated where shown).
VERDICT_WORDS = {"not met": N_("not met"), "partly met": N_("partly met"), "largely met": N_("largely met")}


@dataclass(frozen=True)
class Html:
    """A block of HTML that notebooks display and tests read with ``str()``."""

    markup: str

    def _repr_html_(self) -> str:
        # Each output of a notebook stands alone (a cell can be re-run or cleared), so each carries the stylesheet.
        return f'{widget_style()}<div class="idpc-lesson">{self.markup}</div>'

    def __str__(self) -> str:
        return self.markup


def html_table(head: Iterable[str], rows: Iterable[Iterable[str]], caption: str = "") -> str:
    """An HTML table that scrolls inside its box on a phone; cells are given already escaped (they may hold links or lists).

    With a caption, the box is a named region in the Tab order (:func:`scroll_region`).
    """
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    th = "".join(f'<th scope="col">{esc(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    table = f'<table class="idpckit-table">{cap}<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'
    return scroll_region(table, caption) if caption else f'<div class="idpckit-scroll">{table}</div>'


def scroll_region(inner: str, label: str) -> str:
    """``inner`` (markup) in a box that scrolls sideways when it is wider than the screen, named ``label``.

    Why a named region in the Tab order: a keyboard user scrolls a box only once it has focus (with the
    arrow keys), and a screen reader says what the box holds (axe-core's rule "scrollable-region-focusable").
    Its shadows show there is more to see, and its focus ring is drawn inside it (templates/widgets.css).
    """
    return f'<div class="idpckit-scroll" role="region" tabindex="0" aria-label="{esc(label)}">{inner}</div>'


def frame_html(frame: Any) -> str:
    """A pandas DataFrame as a lesson page shows it: pandas' own table in a :func:`scroll_region`.

    Lesson 4 shows the references as pandas tables; drawn plainly, a table wider than a phone made the
    notebook's output box scroll, a box the keyboard could not reach. Named by its first columns.
    """
    columns = [str(c) for c in list(frame.columns)[:4]] + (["…"] if len(frame.columns) > 4 else [])
    label = _("Table with the columns {columns}").format(columns=", ".join(columns))
    return Html(scroll_region(frame._repr_html_() or frame.to_html(), label))._repr_html_()


def _show_frames_in_scroll_regions() -> None:
    """In a notebook's kernel, display every DataFrame through :func:`frame_html` (no-op elsewhere).

    Registered by name, so importing the lessons does not import pandas; a lesson imports this module in
    its first code cell, before it shows any table.
    """
    ipython = sys.modules.get("IPython")  # loaded in every kernel; not imported for the CLI's slides
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        for module in ("pandas", "pandas.core.frame"):  # pandas 3 names DataFrame's module "pandas", 2 did not
            shell.display_formatter.formatters["text/html"].for_type_by_name(module, "DataFrame", frame_html)


_show_frames_in_scroll_regions()


def _link(url: str, text: str) -> str:
    if not url.startswith(("http://", "https://")):
        return esc(text)
    return f'<a href="{esc(url)}" target="_blank" rel="noopener">{esc(text)}</a>'


def _card(title: str, body: str) -> str:
    """One card of a lesson (an ask, a goal, a venue, a rubric): ``title`` is plain text, ``body`` trusted HTML.

    Cards, not tables, where the text is long: five columns of sentences do not fit a phone.
    """
    return f'<div class="idpckit-card"><h4>{esc(title)}</h4>{body}</div>'


def _source(files: str, note: str = "") -> str:
    """The small print under a lesson's table or cards: ``note`` (translated plain text) and the data file(s) it reads.

    ``files`` is trusted HTML (``<code>data/….csv</code>``), written by the lesson helpers.
    """
    said = esc(note) + " " if note else ""
    return "<p><small>" + said + _("Source file: {files}.").format(files=files) + "</small></p>"


def _content(content: data.Content | None) -> data.Content:
    """The content given, else ``data/`` in the language in use (English where a text is not translated)."""
    from . import localise

    return content or localise.load()


# --------------------------------------------------------------------------- lesson 0


#: The language of the lesson notebook running here, when it is a translated one (``notebooks/<lang>/``):
#: set by its first code cell, :func:`use_language`, so links to other notebooks know where they start from.
_translated_here: str | None = None


def use_language(lang: str) -> None:
    """Speak ``lang`` in this lesson: its helpers and widgets, and the links of :func:`overview`.

    The first code cell of a translated lesson calls it (``idpckit translations notebooks``
    writes it there), so the lesson's language travels with the notebook, in JupyterLab
    as in Voilà, whatever the page's address says.
    """
    global _translated_here
    _translated_here = set_language(lang)
    # The kernel runs this lesson only, and a widget's callback (a click on "Check my answer") may run
    # outside the context the cell set: the process's default language is the lesson's too.
    os.environ[ENV_VAR] = _translated_here


def overview(root: str | os.PathLike[str] | None = None) -> Html:
    """The lessons with their times and objectives, read from the notebooks' own metadata.

    Uses :func:`idpckit.catalog.scan` (not ``catalog()``, which raises), so that one
    malformed notebook does not hide the others from a trainee; it is listed as a
    problem at the end instead.  In Spanish or French each lesson is the translated one
    (``notebooks/<lang>/``) where it is published, else the English one, marked so; the
    apps open in the same language (``?lang=``).
    """
    from . import catalog

    lang = current()
    found = catalog.scan(root)
    shown = catalog.in_language(found, lang)
    up = "../" if _translated_here else ""  # from notebooks/<lang>/ back to notebooks/
    lessons = [e for e in shown if e.kind == "lesson"]
    apps = [e for e in shown if e.kind == "app"]
    objectives = esc(_("Objectives"))
    rows = []
    for e in lessons:
        if e.lang == "en":
            href, note = up + e.name, " " + _("(in English)") if lang != "en" else ""
        else:
            href, note = (e.name if _translated_here == lang else f"{up}{lang}/{e.name}"), ""
        goals = "".join(f"<li>{esc(o)}</li>" for o in e.objectives)
        what = (
            f'<a href="{esc(href)}">{esc(e.title)}</a>{esc(note)}<br><small>{esc(e.summary)}</small>'
            f"<details><summary>{objectives}</summary><ul>{goals}</ul></details>"
        )
        rows.append([esc(e.order), what, _minutes(e.teaching), _minutes(e.exercises), f"<b>{_minutes(e.minutes)}</b>"])
    total = sum(e.minutes for e in lessons)
    rows.append(
        [
            "",
            "<b>" + esc(_("All lessons")) + "</b>",
            _minutes(sum(e.teaching for e in lessons)),
            _minutes(sum(e.exercises for e in lessons)),
            "<b>"
            + esc(
                _("{minutes} ({hours} h {rest:02d})").format(
                    minutes=_minutes(total), hours=total // 60, rest=total % 60
                )
            )
            + "</b>",
        ]
    )
    out = html_table(
        ["#", _("Lesson"), _("Teaching"), _("Exercises"), _("Total")], rows, _("Lessons and how long they take")
    )
    if apps:
        query = f"?lang={lang}" if lang != "en" else ""
        items = "".join(
            f'<li><a href="{esc(up + a.name + query)}">{esc(a.title)}</a>: {esc(a.summary)}</li>' for a in apps
        )
        out += "<p>" + _("<b>Apps</b> (exercises that run as web pages):") + f"</p><ul>{items}</ul>"
    if found.problems:
        items = "".join(f"<li>{esc(p)}</li>" for p in found.problems)
        out += (
            "<p>⚠ "
            + _("<b>Please tell your trainer:</b> some notebooks could not be listed.")
            + f"</p><ul>{items}</ul>"
        )
    return Html(out)


def _minutes(n: int) -> str:
    return _("{n} min").format(n=n)


# --------------------------------------------------------------------------- lessons 1 and 3


def documents(ids: Iterable[str], content: data.Content | None = None) -> Html:
    """The UN documents ``ids`` (from ``data/documents.csv``): name, adoption, body, symbol, link."""
    from .widgets.timeline import format_date

    content = _content(content)
    text = esc(_("text"))
    rows = []
    for doc_id in ids:
        d = content.document(doc_id)
        link = f'<a href="{esc(d.url)}" target="_blank" rel="noopener">{text}</a>' if d.url else ""
        later = " ■ <small>" + esc(_("(after the 2019 note)")) + "</small>" if d.origin == "later" else ""
        rows.append(
            [
                f"<b>{esc(d.short_name)}</b>{later}<br><small><i>{esc(d.title)}</i></small>",
                esc(format_date(d.date, d.date_end)),
                esc(d.adopted_by),
                esc(d.symbol) or "–",
                link,
            ]
        )
    head = [_("Document"), _("Adopted"), _("By"), _("Symbol"), _("Link")]
    return Html(html_table(head, rows, _("The documents of this lesson")))


def timeline_chart(content: data.Content | None = None) -> Html:
    """The timeline chart with its text alternative (matplotlib is imported only here, and only once per content)."""

    def draw() -> str:
        from .widgets.timeline import chart_html

        return chart_html(content)

    return _cached("timeline", (), content, draw)


# --------------------------------------------------------------------------- lesson 2


def asks(content: data.Content | None = None, numbers: Iterable[int] | None = None) -> Html:
    """IDPC's four asks from ``data/asks.yaml``: what was asked, won and not won, and a verdict.

    ``numbers`` shows only those asks, so a lesson can put a check between two of them.
    """
    content = _content(content)
    won, not_won = esc(_("What was won")), esc(_("What was not"))
    wanted = set(numbers) if numbers is not None else None
    parts = []
    for a in content.asks:
        if wanted is not None and a.number not in wanted:
            continue
        wins = "".join(f"<li>✔ {esc(x)}</li>" for x in a.wins)
        challenges = "".join(f"<li>✖ {esc(x)}</li>" for x in a.challenges)
        symbol = VERDICT_SYMBOLS[a.verdict_level]
        title = _("Ask {number}: {title}").format(number=a.number, title=a.title)
        verdict = _("Verdict: {level}.").format(level=_(VERDICT_WORDS[a.verdict_level]))
        parts.append(
            _card(
                title,
                f"<p>{esc(a.asked)}</p>"
                f"<details><summary><b>{won}</b> ({len(a.wins)})</summary><ul>{wins}</ul></details>"
                f"<details><summary><b>{not_won}</b> ({len(a.challenges)})</summary>"
                f"<ul>{challenges}</ul></details>"
                f"<p><b>{symbol} {esc(verdict)}</b> {esc(a.verdict)}</p>",
            )
        )
    note = _(
        "Wins and challenges summarise IDPC's advocacy note of September 2019 in our words; "
        "the verdicts are this kit's reading of it."
    )
    return Html("".join(parts) + _source("<code>data/asks.yaml</code>", note))


# --------------------------------------------------------------------------- lesson 3


def goals(content: data.Content | None = None) -> Html:
    """The six goals of the 2019 Declaration (``data/goals.csv``) and the Table 1 commitments they touch.

    Shown as cards, not a table: five columns of long text do not fit a phone.
    """
    content = _content(content)
    parts = []
    for g in content.goals:
        linked = "".join(
            f"<li>{c.number}. {esc(c.title)}</li>" for c in (content.commitment(i) for i in g.commitment_ids)
        )
        table1 = f"<ul>{linked}</ul>" if linked else " " + esc(_("none directly."))
        title = _("Goal {number}: {theme}").format(number=g.number, theme=g.theme)
        key_phrase = _("Key phrase:")
        commitments_of = _("<b>Table 1 commitments</b> (lesson 4):")
        parts.append(
            _card(
                title,
                f"<p>{esc(g.goal)}</p>"
                f"<p><b>{esc(key_phrase)}</b> “{esc(g.key_phrase)}”</p>"
                f"<p>{commitments_of}{table1}</p>",
            )
        )
    note = _(
        "Goals in plain words. Key phrases are quoted from the list of goals in IDPC's advocacy note "
        "(September 2019), which follows the Declaration's wording."
    )
    return Html("".join(parts) + _source("<code>data/goals.csv</code>", note))


def workplan(content: data.Content | None = None) -> Html:
    """The CND's thematic work plan from ``data/workplan.csv``, with the stocktaking challenges each year takes up."""
    content = _content(content)
    rows = []
    for y in content.workplan:
        challenges = ", ".join(str(n) for n in y.stocktaking_challenges) or _("all commitments")
        rows.append([f"<b>{y.year}</b>", esc(y.theme), esc(y.topics), esc(challenges), esc(y.held) or "–"])
    numbers = sorted({n for y in content.workplan for n in y.stocktaking_challenges})
    span = _("{first} to {last}").format(first=numbers[0], last=numbers[-1]) if numbers else _("none")
    out = html_table(
        [_("Year"), _("Theme"), _("Topics"), _("Challenges of the stocktaking paragraph"), _("Meeting held")],
        rows,
        _("How the CND turned the stocktaking paragraph into yearly meetings"),
    )
    covered = _(
        "Between them, the yearly meetings cover the challenges numbered {span} in the Declaration's "
        "stocktaking paragraph."
    ).format(span=span)
    out += f"<p>{esc(covered)} " + _("Source file: {files}.").format(files="<code>data/workplan.csv</code>") + "</p>"
    return Html(out)


# --------------------------------------------------------------------------- lesson 4


def table1_html(content: data.Content | None = None) -> Html:
    """Table 1 as the note prints it (typographical slips corrected), from ``data/references.csv``."""
    content = _content(content)
    head = ["#", table1.heading("commitment"), *(table1.heading(d) for d in TABLE1_DOCUMENTS)]
    rows = [
        [esc(r["number"]), esc(r["commitment"]), *(esc(r[d]) for d in TABLE1_DOCUMENTS)] for r in table1.rows(content)
    ]
    out = html_table(head, rows, _("Table 1: tracking progress against global commitments on drug policy"))
    out += f"<p><small>{esc(_(table1.LEGEND))}</small></p>"
    return Html(out + _source("<code>data/commitments.csv</code>, <code>data/references.csv</code>"))


def corrections(content: data.Content | None = None) -> Html:
    """References where the kit reads the note differently, or flags something to check, with the reason."""
    content = _content(content)
    rows = []
    for r in content.references:
        if not (r.printed or r.note):
            continue
        rows.append(
            [
                f"{content.commitment(r.commitment_id).number}. {esc(content.commitment(r.commitment_id).title)}",
                esc(content.document(r.document).short_name),
                esc(r.printed) or "–",
                esc(table1.render([r])),
                esc(r.note),
            ]
        )
    if not rows:
        return Html("<p>" + esc(_("The kit reads every reference exactly as the note prints it.")) + "</p>")
    head = [_("Commitment"), _("Document"), _("Printed in the note"), _("Read in the kit as"), _("Why")]
    return Html(html_table(head, rows, _("Notes on references")))


def reference_topics(content: data.Content | None = None) -> Html:
    """Every Table 1 reference with what it is about and how far that is checked (``data/references.csv``).

    A kit that teaches advocates to cite paragraph numbers must say which numbers
    are IDPC's own count and which were checked, so the status sits beside each topic.
    """
    content = _content(content)
    rows = [
        [
            f"{content.commitment(r.commitment_id).number}. {esc(content.commitment(r.commitment_id).title)}",
            esc(content.document(r.document).short_name),
            esc(table1.render([r])),
            esc(r.topic) or "–",
            esc(_(r.status_label)),
        ]
        for r in content.references
    ]
    counts = {s: sum(r.status == s for r in content.references) for s in ("checked", "topic-confirmed", "unchecked")}
    summary = _(
        "{checked} references checked, {confirmed} with their topic confirmed but not their number, "
        "{unchecked} as numbered by IDPC and not yet checked."
    ).format(checked=counts["checked"], confirmed=counts["topic-confirmed"], unchecked=counts["unchecked"])
    summary = f"<p>{esc(summary)}</p>"
    table = html_table(
        [_("Commitment"), _("Document"), _("Reference"), _("What it is about"), _("Status")],
        rows,
        _("What each reference is about"),
    )
    return Html(summary + table + _source("<code>data/references.csv</code>"))


def challenges(content: data.Content | None = None) -> Html:
    """The eleven challenges of the 2019 Declaration's stocktaking paragraph (``data/challenges.csv``)."""
    content = _content(content)
    rows = [[str(c.number), esc(c.challenge), str(c.workplan_year)] for c in content.challenges]
    out = html_table(
        ["#", _("Challenge (in the kit's words)"), _("Thematic meeting of the 2019–2023 plan")],
        rows,
        _("The eleven challenges of the stocktaking paragraph"),
    )
    return Html(out + _source("<code>data/challenges.csv</code>"))


def silences(content: data.Content | None = None) -> Html:
    """For each document, the commitments it does not reference (a dash in Table 1)."""
    content = _content(content)
    parts = []
    for doc in TABLE1_DOCUMENTS:
        silent = [c for c in content.commitments if not content.references_for(c.id, doc)]
        name = esc(content.document(doc).short_name)
        if silent:
            items = "".join(f"<li>{c.number}. {esc(c.title)}</li>" for c in silent)
            said = ngettext(
                "<b>{name}</b> is silent on {n} commitment:", "<b>{name}</b> is silent on {n} commitments:", len(silent)
            ).format(name=name, n=len(silent))
            parts.append(f"<p>{said}</p><ul>{items}</ul>")
        else:
            parts.append("<p>" + _("<b>{name}</b> references every commitment.").format(name=name) + "</p>")
    return Html("".join(parts) + _source("<code>data/references.csv</code>"))


# --------------------------------------------------------------------------- lesson 5


def venue_card(avenue_id: str, content: data.Content | None = None) -> Html:
    """One venue from ``data/avenues.yaml``: why it matters, what to do there, when, and links."""
    content = _content(content)
    a = next((x for x in content.avenues if x.id == avenue_id), None)
    if a is None:
        raise KeyError(f"no venue with id '{avenue_id}' in avenues.yaml")
    return Html(_venue_card(a))


def _venue_card(a: Any) -> str:
    actions = "".join(f"<li>{esc(x)}</li>" for x in a.actions)
    links = "".join(f"<li>{_link(link.url, link.title)}</li>" for link in a.links)
    when_word, links_word, what = esc(_("When:")), esc(_("Links")), esc(_("What you can do:"))
    when = f"<p><b>{when_word}</b> {esc(a.timing)}</p>" if a.timing else ""
    more = f"<details><summary>{links_word}</summary><ul>{links}</ul></details>" if links else ""
    return _card(a.venue, f"<p>{esc(a.why)}</p><p><b>{what}</b></p><ul>{actions}</ul>{when}{more}")


def venues(city: str, content: data.Content | None = None) -> Html:
    """Every venue of one city ("Vienna", "Geneva", "New York" or "National") from ``data/avenues.yaml``."""
    content = _content(content)
    found = [a for a in content.avenues if a.city == city]
    if not found:
        raise KeyError(f"no venues for '{city}'; use Vienna, Geneva, New York or National")
    return Html("".join(_venue_card(a) for a in found) + _source("<code>data/avenues.yaml</code>"))


def later_events(content: data.Content | None = None) -> Html:
    """What happened after the note was written (``origin = later`` in ``data/timeline.csv``), with sources."""
    content = _content(content)
    rows = [
        [
            esc(e.date),
            f"<b>{esc(e.title)}</b><br>{esc(e.description)}",
            f"<small>{esc(e.source)}</small>",
            "<small>"
            + esc(_("{status} (checked {date})").format(status=_(e.status_label), date=e.checked))
            + "</small>",
        ]
        for e in content.timeline
        if e.origin == "later"
    ]
    return Html(
        html_table(
            [_("When"), _("What happened"), _("Source"), _("How sure")],
            rows,
            _("Not in the note: later facts and their sources"),
        )
    )


# --------------------------------------------------------------------------- lesson 6


def commitments(content: data.Content | None = None) -> Html:
    """The Table 1 commitments with their theme and what a good situation looks like, in plain words."""
    content = _content(content)
    rows = [[esc(c.number), f"<b>{esc(c.title)}</b>", esc(c.theme), esc(c.summary)] for c in content.commitments]
    return Html(
        html_table(["#", _("Commitment"), _("Theme"), _("In plain words")], rows, _("The commitments you can grade"))
        + _source("<code>data/commitments.csv</code>")
    )


def scales_legend() -> Html:
    """Both grading scales, each grade with its words, symbol and colour swatch (never colour alone)."""
    rows = []
    for scale in scales.SCALES:
        for lvl in scales.levels(scale).values():
            swatch = (
                f'<span style="display:inline-block;width:2.2em;background:{lvl.colour};color:{lvl.text_colour};'
                f'text-align:center;border:1px solid #333">{esc(lvl.symbol)}</span>'
            )
            shown = str(lvl.value) if isinstance(lvl.value, int) else _(scales.LIGHT_WORDS[str(lvl.value)])
            rows.append([esc(_(scales.SCALE_LABELS[scale])), f"<b>{esc(shown)}</b>", swatch, esc(_(lvl.label))])
    head = [_("Scale"), _("Grade"), _("Shown as"), _("Meaning")]
    return Html(html_table(head, rows, _("The two scales the note suggests")))


def rubric(commitment_id: str, content: data.Content | None = None) -> Html:
    """How to grade one commitment (``data/rubric.yaml``): questions, indicators, sources and levels 1, 3, 5."""
    content = _content(content)
    c = content.commitment(commitment_id)
    r = content.rubric_for(commitment_id)
    questions = "".join(f"<li>{esc(q)}</li>" for q in r.questions)
    where = _("Where: {where}")
    indicators = "".join(
        f"<li><b>{esc(i.indicator)}</b><br><small>{esc(where.format(where=i.where))}</small></li>" for i in r.indicators
    )
    covers = _("(covers: {what})")
    sources = "".join(
        f"<li>{_link(s.url, s.name)}"
        + (f" <small>{esc(covers.format(what=s.covers))}</small>" if s.covers else "")
        + "</li>"
        for s in r.sources
    )
    levels = html_table(
        [_("Grade"), _("What it looks like")],
        [
            [f"<b>{g} {esc(scales.FIVE_POINT[int(g)].symbol)} {esc(_(scales.FIVE_POINT[int(g)].label))}</b>", esc(t)]
            for g, t in sorted(r.levels.items())
        ],
    )
    questions_head, facts_head, sources_head = (
        _("Questions to ask about your country"),
        _("Facts to look up, and where"),
        _("Sources"),
    )
    body = (
        f"<p><b>{esc(questions_head)}</b></p><ul>{questions}</ul>"
        f"<p><b>{esc(facts_head)}</b></p><ul>{indicators}</ul>"
        + (f"<p><b>{esc(sources_head)}</b></p><ul>{sources}</ul>" if sources else "")
        + "<p>"
        + _("<b>What grades 1, 3 and 5 look like</b> (use 2 or 4 in between)")
        + f"</p>{levels}"
    )
    return Html(_card(f"{c.number}. {c.title}", body) + _source("<code>data/rubric.yaml</code>"))


class RubricBrowser:
    """Pick a commitment, read its rubric.  ``browser.widget`` is the root widget."""

    def __init__(self, content: data.Content | None = None, commitment_id: str | None = None) -> None:
        import ipywidgets as w

        from .widgets._base import guarded

        self.content = _content(content)
        options = [(f"{c.number}. {c.title}", c.id) for c in self.content.commitments]
        self.choice = w.Dropdown(
            options=options,
            value=commitment_id or options[0][1],
            description=_("Commitment"),
            layout=w.Layout(width="100%"),
            style={"description_width": "initial"},
        )
        self.card = w.HTML(rubric(self.choice.value, self.content)._repr_html_())
        # Voilà hides tracebacks: a rubric that cannot be shown says so in the page.
        self.choice.observe(guarded(self._show, self._report), names="value")
        self.widget = w.VBox([self.choice, self.card], layout=w.Layout(width="100%"))

    def _show(self, change: dict[str, Any]) -> None:
        self.card.value = rubric(change["new"], self.content)._repr_html_()

    def _report(self, message: str) -> None:
        failed = esc(_("This rubric could not be shown."))
        self.card.value = f"<p role='alert'>✖ {failed} {esc(message)}</p>"


def rubric_browser(content: data.Content | None = None) -> ipywidgets.Widget:
    """The rubric browser as a lesson cell shows it (one call)."""
    return RubricBrowser(content).widget


def _grade_cell(grade: Any, scale: scales.Scale) -> str:
    lvl = scales.level(grade, scale)
    if isinstance(lvl.value, int):
        short = lvl.short
    elif str(lvl.value) in scales.LIGHT_WORDS:
        short = f"{lvl.symbol} {_(scales.LIGHT_WORDS[str(lvl.value)])}"
    else:
        short = f"{lvl.symbol} {_(lvl.label)}"
    return f"<b>{esc(short)}</b><br><small>{esc(_(lvl.label))}</small>"


def review(assessment: Assessment | str) -> Assessment:
    """An assessment as given, or the example of ``data/examples/`` with that name.

    The helpers below take either, so a notebook names an example inside its one call per
    cell instead of keeping a variable alive from cell to cell.
    """
    if isinstance(assessment, str):
        from .assessment_io import load_example

        return load_example(assessment)
    return assessment


def entries(
    assessment: Assessment | str, ids: Sequence[str] | None = None, content: data.Content | None = None
) -> Html:
    """An assessment's grades with their evidence, sources and recommendations (all escaped)."""
    content = _content(content)
    assessment = review(assessment)
    rows = []
    for e in assessment.entries:
        if ids is not None and e.commitment_id not in ids:
            continue
        c = content.commitment(e.commitment_id)
        sources = "".join(f"<li>{esc(s.title)} <small>({esc(s.kind)})</small></li>" for s in e.sources)
        rows.append(
            [
                f"{c.number}. {esc(c.title)}",
                _grade_cell(e.grade, assessment.scale),
                esc(e.evidence) + (f"<ul>{sources}</ul>" if sources else ""),
                esc(e.recommendation) or "–",
                esc(_confidence(e.confidence)),
            ]
        )
    who = ", ".join(assessment.organisations) or assessment.assessor or _("an organisation")
    caption = _("{country}, {year}: review by {who}").format(
        country=assessment.country_name, year=assessment.year, who=who
    )
    if assessment.fictional:
        caption += " " + _("(fictional example)")
    head = [_("Commitment"), _("Grade"), _("Evidence and sources"), _("Recommendation"), _("Confidence")]
    return Html(html_table(head, rows, caption))


#: Confidence in a grade, in words (translated where shown).
CONFIDENCE_WORDS = {"low": N_("low"), "medium": N_("medium"), "high": N_("high")}


def _confidence(value: str | None) -> str:
    return _(CONFIDENCE_WORDS[value]) if value in CONFIDENCE_WORDS else (value or "–")


def side_by_side(
    assessments: Sequence[Assessment | str], commitment_id: str, content: data.Content | None = None
) -> Html:
    """How several reviews graded one commitment, with each one's evidence: the starting point of a discussion."""
    content = _content(content)
    c = content.commitment(commitment_id)
    rows = []
    for a in map(review, assessments):
        e = a.entry(commitment_id)
        who = ", ".join(a.organisations) or a.assessor or "?"
        if e is None:
            rows.append([esc(who), "–", esc(_("Not tracked in this review.")), "–"])
            continue
        rows.append([esc(who), _grade_cell(e.grade, a.scale), esc(e.evidence) or "–", esc(_confidence(e.confidence))])
    head = [_("Review"), _("Grade"), _("Evidence"), _("Confidence")]
    return Html(html_table(head, rows, f"{c.number}. {c.title}"))


# --------------------------------------------------------------------------- fixed figures, drawn once


#: Where drawn figures are kept between kernels (``IDPCKIT_CACHE_DIR``, else the user's cache folder).
CACHE_ENV = "IDPCKIT_CACHE_DIR"


def cache_dir() -> Path:
    """The folder of figures the lessons drew earlier: ``$IDPCKIT_CACHE_DIR``, else ``~/.cache/idpckit/figures``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "idpckit" / "figures"


def _stamp() -> str:
    """What a lesson figure is drawn from: data files, catalogues, drawing code, language, matplotlib's version.

    Sizes and modification times, not contents, so the check costs a directory listing; a trainer's
    edit to a data file (or a new kit version) gives new keys, so an old figure is never shown.
    """
    from importlib.metadata import PackageNotFoundError, version

    here = Path(__file__).resolve().parent
    parts = [current()]
    try:
        parts.append(version("matplotlib"))
    except PackageNotFoundError:  # pragma: no cover - matplotlib is a dependency
        parts.append("?")
    files = [here / "lessons.py", here / "lesson_i18n.py", here / "plots.py", here / "widgets" / "timeline.py"]
    for folder in (data.data_dir(), here / "locale"):  # the texts, and the words in the charts' languages
        files += sorted(p for p in folder.rglob("*") if p.is_file())
    for path in files:
        st = path.stat()
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def _cached(kind: str, args: tuple[Any, ...], content: data.Content | None, draw: Callable[[], str]) -> Html:
    """The figure ``draw()`` makes, kept on disk so the next visitor's kernel neither imports matplotlib nor draws.

    Lesson 7 spent about 1.2 s per figure and 2.6 s on imports for pictures that are the same for
    every trainee.  Only the kit's own content and the named example reviews are kept (``content``
    given, or a review passed as an object, draws afresh); a cache that cannot be written (a read-only
    home) just means drawing every time.
    """
    import hashlib
    import json

    if content is not None or not all(isinstance(a, str) for a in args):
        return Html(draw())
    key = hashlib.sha256(json.dumps([kind, list(args), _stamp()]).encode()).hexdigest()[:32]
    path = cache_dir() / f"{kind}-{key}.html"
    try:
        return Html(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        pass
    markup = draw()
    try:
        from .files import write_atomic

        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, markup.encode("utf-8"))
    except OSError:
        pass
    return Html(markup)


def _figure_markup(fig: Figure, description: str) -> str:
    return str(figure(fig, description))


def figure(fig: Figure, description: str) -> Html:
    """A chart as inline SVG with a text description for screen readers (the SVG's text is drawn as paths)."""
    from .plots import to_svg

    description = lesson_i18n.text(description)
    svg = to_svg(fig)
    svg = svg[svg.index("<svg") :]  # drop the XML prologue: the SVG sits inside an HTML page
    return Html(
        f'<figure class="idpckit-fig" role="img" aria-label="{esc(description)}">{svg}'
        f"<figcaption><small>{esc(description)}</small></figcaption></figure>"
    )


def scorecard(assessment: Assessment | str, description: str, content: data.Content | None = None) -> Html:
    """One review's scorecard (:func:`idpckit.plots.scorecard`) as a :func:`figure` with its description."""

    def draw() -> str:
        from . import plots

        return _figure_markup(plots.scorecard(review(assessment), content), description)

    return _cached("scorecard", (assessment, description), content, draw)


def coalition(assessments: Sequence[Assessment | str], description: str, content: data.Content | None = None) -> Html:
    """Several reviews of one country side by side (:func:`idpckit.plots.coalition`) as a :func:`figure`."""

    def draw() -> str:
        from . import plots

        return _figure_markup(plots.coalition([review(a) for a in assessments], content), description)

    return _cached("coalition", (*assessments, description), content, draw)


def year_on_year(
    earlier: Assessment | str, later: Assessment | str, description: str, content: data.Content | None = None
) -> Html:
    """Two reviews of one country compared once (:func:`idpckit.compare.between`) and drawn as a :func:`figure`."""

    def draw() -> str:
        from . import compare, plots

        comparison = compare.between(review(earlier), review(later), content)
        return _figure_markup(plots.year_on_year(comparison, content), description)

    return _cached("year-on-year", (earlier, later, description), content, draw)


# --------------------------------------------------------------------------- calibration (lesson 6)


def grading_rules(content: data.Content | None = None) -> Html:
    """The decision rules of ``data/grading.yaml``, stated once for every commitment."""
    content = _content(content)
    items = "".join(f"<li><b>{esc(g.title)}.</b> {esc(g.rule)}</li>" for g in content.grading)
    return Html(f"<div class='idpc-prose'><ol>{items}</ol></div>" + _source("<code>data/grading.yaml</code>"))


def calibration_vignettes(content: data.Content | None = None) -> Html:
    """The calibration vignettes as trainees see them: the situation, never the grade."""
    content = _content(content)
    cards = "".join(
        f"<div class='idpckit-card'><p><b>{esc(v.title)}</b> "
        f"<small>({content.commitment(v.commitment_id).number}. {esc(content.commitment(v.commitment_id).title)})</small>"
        f"</p><p>{esc(v.evidence)}</p></div>"
        for v in content.calibration
    )
    return Html(cards + _source("<code>data/calibration.yaml</code>"))


def calibration_rounds(path: str | None = None, content: data.Content | None = None) -> Html:
    """A room's two calibration rounds: Krippendorff's alpha before and after discussion, and the spread per vignette.

    Reads ``data/examples/calibration-room.csv`` (a fictional room) unless ``path`` names a rounds file
    exported from a real one.
    """
    from pathlib import Path

    from babel.numbers import format_decimal

    from . import agreement, calibration

    content = _content(content)
    rounds = calibration.load_rounds(
        Path(path) if path else content.root / "examples" / "calibration-room.csv", content
    )
    titles = {v.id: v.title for v in content.calibration}
    reference = {v.id: v.grade for v in content.calibration}
    rows = []
    for vid in titles:
        cells = [esc(titles[vid]), str(reference[vid])]
        for r in rounds:
            grades = sorted(g[vid] for g in r.grades.values() if vid in g)
            cells.append(f"{grades[0]}–{grades[-1]}" if grades else "–")
        rows.append(cells)
    head = [_("Vignette"), _("Reference grade"), *(_("Range, round {n}").format(n=r.number) for r in rounds)]
    summary = "".join(
        "<p>"
        + ngettext(
            "<b>Round {n}</b> ({count} trainee): alpha = {alpha}.",
            "<b>Round {n}</b> ({count} trainees): alpha = {alpha}.",
            len(r.grades),
        ).format(
            n=r.number,
            count=len(r.grades),
            alpha=esc(_("not computable")) if r.alpha is None else format_decimal(r.alpha, "0.00", locale=current()),
        )
        + f" {esc(agreement.reading(r.alpha))}</p>"
        for r in rounds
    )
    return Html(summary + html_table(head, rows, _("How far the room's grades spread, round by round")))

"""What lessons 4 to 7 show, rendered from ``data/`` so a correction flows everywhere.

The counterpart of :mod:`idpckit.lessons` (lessons 0 to 3), whose
:class:`~idpckit.lessons.Html` blocks these functions return too: Jupyter and
Voilà display them through ``_repr_html_`` and tests read them with ``str()``.
Every piece of data text (content files, assessments typed by NGOs) is escaped.

Nothing heavy is imported at module level: matplotlib comes in only through
:func:`figure`, ipywidgets only through :class:`RubricBrowser`.

Example::

    >>> from idpckit import lesson_views
    >>> "Human Rights Council" in str(lesson_views.venues("Geneva"))
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import data, scales, style, table1
from .lessons import Html, html_table
from .schema import TABLE1_DOCUMENTS
from .text import esc

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from .assessment import Assessment

_STYLE = style.widget_style()  # the one stylesheet for notebook pages (templates/widgets.css)


def _link(url: str, text: str) -> str:
    if not url.startswith(("http://", "https://")):
        return esc(text)
    return f'<a href="{esc(url)}" target="_blank" rel="noopener">{esc(text)}</a>'


def _source(files: str) -> str:
    return f"<p><small>Source file: {files}.</small></p>"


# --------------------------------------------------------------------------- lesson 4


def table1_html(content: data.Content | None = None) -> Html:
    """Table 1 as the note prints it (typographical slips corrected), from ``data/references.csv``."""
    content = content or data.load()
    head = ["#", table1.HEADINGS["commitment"], *(table1.HEADINGS[d] for d in TABLE1_DOCUMENTS)]
    rows = [
        [esc(r["number"]), esc(r["commitment"]), *(esc(r[d]) for d in TABLE1_DOCUMENTS)] for r in table1.rows(content)
    ]
    out = html_table(head, rows, "Table 1: tracking progress against global commitments on drug policy")
    out += f"<p><small>{esc(table1.LEGEND)}</small></p>"
    return Html(out + _source("<code>data/commitments.csv</code>, <code>data/references.csv</code>"))


def corrections(content: data.Content | None = None) -> Html:
    """References where the kit reads the note differently, or flags something to check, with the reason."""
    content = content or data.load()
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
        return Html("<p>The kit reads every reference exactly as the note prints it.</p>")
    return Html(
        html_table(
            ["Commitment", "Document", "Printed in the note", "Read in the kit as", "Why"], rows, "Notes on references"
        )
    )


def reference_topics(content: data.Content | None = None) -> Html:
    """Every Table 1 reference with what it is about and how far that is checked (``data/references.csv``).

    A kit that teaches advocates to cite paragraph numbers must say which numbers
    are IDPC's own count and which were checked, so the status sits beside each topic.
    """
    content = content or data.load()
    rows = [
        [
            f"{content.commitment(r.commitment_id).number}. {esc(content.commitment(r.commitment_id).title)}",
            esc(content.document(r.document).short_name),
            esc(table1.render([r])),
            esc(r.topic) or "–",
            esc(r.status_label),
        ]
        for r in content.references
    ]
    counts = {s: sum(r.status == s for r in content.references) for s in ("checked", "topic-confirmed", "unchecked")}
    summary = (
        f"<p>{counts['checked']} references checked, {counts['topic-confirmed']} with their topic confirmed but not "
        f"their number, {counts['unchecked']} as numbered by IDPC and not yet checked.</p>"
    )
    table = html_table(
        ["Commitment", "Document", "Reference", "What it is about", "Status"], rows, "What each reference is about"
    )
    return Html(summary + table + _source("<code>data/references.csv</code>"))


def challenges(content: data.Content | None = None) -> Html:
    """The eleven challenges of the 2019 Declaration's stocktaking paragraph (``data/challenges.csv``)."""
    content = content or data.load()
    rows = [[str(c.number), esc(c.challenge), str(c.workplan_year)] for c in content.challenges]
    out = html_table(
        ["#", "Challenge (in the kit's words)", "Thematic meeting of the 2019–2023 plan"],
        rows,
        "The eleven challenges of the stocktaking paragraph",
    )
    return Html(out + _source("<code>data/challenges.csv</code>"))


def silences(content: data.Content | None = None) -> Html:
    """For each document, the commitments it does not reference (a dash in Table 1)."""
    content = content or data.load()
    parts = []
    for doc in TABLE1_DOCUMENTS:
        silent = [c for c in content.commitments if not content.references_for(c.id, doc)]
        name = esc(content.document(doc).short_name)
        if silent:
            items = "".join(f"<li>{c.number}. {esc(c.title)}</li>" for c in silent)
            parts.append(f"<p><b>{name}</b> is silent on {len(silent)} commitment(s):</p><ul>{items}</ul>")
        else:
            parts.append(f"<p><b>{name}</b> references every commitment.</p>")
    return Html(_STYLE + "".join(parts) + _source("<code>data/references.csv</code>"))


# --------------------------------------------------------------------------- lesson 5


def venue_card(avenue_id: str, content: data.Content | None = None) -> Html:
    """One venue from ``data/avenues.yaml``: why it matters, what to do there, when, and links."""
    content = content or data.load()
    a = next((x for x in content.avenues if x.id == avenue_id), None)
    if a is None:
        raise KeyError(f"no venue with id '{avenue_id}' in avenues.yaml")
    return Html(_STYLE + _card(a))


def _card(a: Any) -> str:
    actions = "".join(f"<li>{esc(x)}</li>" for x in a.actions)
    links = "".join(f"<li>{_link(link.url, link.title)}</li>" for link in a.links)
    when = f"<p><b>When:</b> {esc(a.timing)}</p>" if a.timing else ""
    more = f"<details><summary>Links</summary><ul>{links}</ul></details>" if links else ""
    return (
        f'<div class="idpckit-card"><h4>{esc(a.venue)}</h4><p>{esc(a.why)}</p>'
        f"<p><b>What you can do:</b></p><ul>{actions}</ul>{when}{more}</div>"
    )


def venues(city: str, content: data.Content | None = None) -> Html:
    """Every venue of one city ("Vienna", "Geneva", "New York" or "National") from ``data/avenues.yaml``."""
    content = content or data.load()
    found = [a for a in content.avenues if a.city == city]
    if not found:
        raise KeyError(f"no venues for '{city}'; use Vienna, Geneva, New York or National")
    return Html(_STYLE + "".join(_card(a) for a in found) + _source("<code>data/avenues.yaml</code>"))


def later_events(content: data.Content | None = None) -> Html:
    """What happened after the note was written (``origin = later`` in ``data/timeline.csv``), with sources."""
    content = content or data.load()
    rows = [
        [
            esc(e.date),
            f"<b>{esc(e.title)}</b><br>{esc(e.description)}",
            f"<small>{esc(e.source)}</small>",
            f"<small>{esc(e.status_label)} (checked {esc(e.checked)})</small>",
        ]
        for e in content.timeline
        if e.origin == "later"
    ]
    return Html(
        html_table(
            ["When", "What happened", "Source", "How sure"], rows, "Not in the note: later facts and their sources"
        )
    )


# --------------------------------------------------------------------------- lesson 6


def commitments(content: data.Content | None = None) -> Html:
    """The Table 1 commitments with their theme and what a good situation looks like, in plain words."""
    content = content or data.load()
    rows = [[esc(c.number), f"<b>{esc(c.title)}</b>", esc(c.theme), esc(c.summary)] for c in content.commitments]
    return Html(
        html_table(["#", "Commitment", "Theme", "In plain words"], rows, "The commitments you can grade")
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
            shown = str(lvl.value) if isinstance(lvl.value, int) else str(lvl.value).capitalize()
            rows.append([esc(scales.SCALE_LABELS[scale]), f"<b>{esc(shown)}</b>", swatch, esc(lvl.label)])
    return Html(html_table(["Scale", "Grade", "Shown as", "Meaning"], rows, "The two scales the note suggests"))


def rubric(commitment_id: str, content: data.Content | None = None) -> Html:
    """How to grade one commitment (``data/rubric.yaml``): questions, indicators, sources and levels 1, 3, 5."""
    content = content or data.load()
    c = content.commitment(commitment_id)
    r = content.rubric_for(commitment_id)
    questions = "".join(f"<li>{esc(q)}</li>" for q in r.questions)
    indicators = "".join(
        f"<li><b>{esc(i.indicator)}</b><br><small>Where: {esc(i.where)}</small></li>" for i in r.indicators
    )
    sources = "".join(
        f"<li>{_link(s.url, s.name)}" + (f" <small>(covers: {esc(s.covers)})</small>" if s.covers else "") + "</li>"
        for s in r.sources
    )
    levels = html_table(
        ["Grade", "What it looks like"],
        [
            [f"<b>{g} {esc(scales.FIVE_POINT[int(g)].symbol)} {esc(scales.FIVE_POINT[int(g)].label)}</b>", esc(t)]
            for g, t in sorted(r.levels.items())
        ],
    )
    return Html(
        f'{_STYLE}<div class="idpckit-card"><h4>{c.number}. {esc(c.title)}</h4>'
        f"<p><b>Questions to ask about your country</b></p><ul>{questions}</ul>"
        f"<p><b>Facts to look up, and where</b></p><ul>{indicators}</ul>"
        + (f"<p><b>Sources</b></p><ul>{sources}</ul>" if sources else "")
        + f"<p><b>What grades 1, 3 and 5 look like</b> (use 2 or 4 in between)</p>{levels}</div>"
        + _source("<code>data/rubric.yaml</code>")
    )


class RubricBrowser:
    """Pick a commitment, read its rubric.  ``browser.widget`` is the root widget."""

    def __init__(self, content: data.Content | None = None, commitment_id: str | None = None) -> None:
        import ipywidgets as w

        from .widgets._base import guarded

        self.content = content or data.load()
        options = [(f"{c.number}. {c.title}", c.id) for c in self.content.commitments]
        self.choice = w.Dropdown(
            options=options,
            value=commitment_id or options[0][1],
            description="Commitment",
            layout=w.Layout(width="100%"),
            style={"description_width": "initial"},
        )
        self.card = w.HTML(str(rubric(self.choice.value, self.content)))
        self.choice.observe(guarded(self._show, self._say, advice="Please tell your trainer."), names="value")
        self.widget = w.VBox([self.choice, self.card], layout=w.Layout(width="100%"))

    def _show(self, change: Any) -> None:
        self.card.value = str(rubric(change["new"], self.content))

    def _say(self, message: str) -> None:
        """Voilà hides tracebacks: the one callback guard's message goes where the card was."""
        self.card.value = f"<p role='alert'>✖ {esc(message)}</p>"


def _grade_cell(grade: Any, scale: scales.Scale) -> str:
    lvl = scales.level(grade, scale)
    return f"<b>{esc(lvl.short)}</b><br><small>{esc(lvl.label)}</small>"


def entries(assessment: Assessment, ids: Sequence[str] | None = None, content: data.Content | None = None) -> Html:
    """An assessment's grades with their evidence, sources and recommendations (all escaped)."""
    content = content or data.load()
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
                esc(e.confidence or "–"),
            ]
        )
    who = ", ".join(assessment.organisations) or assessment.assessor or "an organisation"
    caption = f"{assessment.country_name}, {assessment.year}: review by {who}"
    if assessment.fictional:
        caption += " (fictional example)"
    return Html(
        html_table(["Commitment", "Grade", "Evidence and sources", "Recommendation", "Confidence"], rows, caption)
    )


def side_by_side(assessments: Sequence[Assessment], commitment_id: str, content: data.Content | None = None) -> Html:
    """How several reviews graded one commitment, with each one's evidence: the starting point of a discussion."""
    content = content or data.load()
    c = content.commitment(commitment_id)
    rows = []
    for a in assessments:
        e = a.entry(commitment_id)
        who = ", ".join(a.organisations) or a.assessor or "?"
        if e is None:
            rows.append([esc(who), "–", "Not tracked in this review.", "–"])
            continue
        rows.append([esc(who), _grade_cell(e.grade, a.scale), esc(e.evidence) or "–", esc(e.confidence or "–")])
    return Html(html_table(["Review", "Grade", "Evidence", "Confidence"], rows, f"{c.number}. {c.title}"))


def figure(fig: Figure, description: str) -> Html:
    """A chart as inline SVG with a text description for screen readers (the SVG's text is drawn as paths)."""
    from .plots import to_svg

    svg = to_svg(fig)
    svg = svg[svg.index("<svg") :]  # drop the XML prologue: the SVG sits inside an HTML page
    return Html(
        f'{_STYLE}<figure class="idpckit-fig" role="img" aria-label="{esc(description)}">{svg}'
        f"<figcaption><small>{esc(description)}</small></figcaption></figure>"
    )


# --------------------------------------------------------------------------- calibration (lesson 6)


def grading_rules(content: data.Content | None = None) -> Html:
    """The decision rules of ``data/grading.yaml``, stated once for every commitment."""
    content = content or data.load()
    items = "".join(f"<li><b>{esc(g.title)}.</b> {esc(g.rule)}</li>" for g in content.grading)
    return Html(f"<div class='idpc-prose'><ol>{items}</ol></div>" + _source("<code>data/grading.yaml</code>"))


def calibration_vignettes(content: data.Content | None = None) -> Html:
    """The calibration vignettes as trainees see them: the situation, never the grade."""
    content = content or data.load()
    cards = "".join(
        f"<div class='idpckit-card'><p><b>{esc(v.title)}</b> "
        f"<small>({content.commitment(v.commitment_id).number}. {esc(content.commitment(v.commitment_id).title)})</small>"
        f"</p><p>{esc(v.evidence)}</p></div>"
        for v in content.calibration
    )
    return Html(_STYLE + cards + _source("<code>data/calibration.yaml</code>"))


def calibration_rounds(path: str | None = None, content: data.Content | None = None) -> Html:
    """A room's two calibration rounds: Krippendorff's alpha before and after discussion, and the spread per vignette.

    Reads ``data/examples/calibration-room.csv`` (a fictional room) unless ``path`` names a rounds file
    exported from a real one.
    """
    from pathlib import Path

    from . import agreement, calibration

    content = content or data.load()
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
    head = ["Vignette", "Reference grade", *(f"Range, round {r.number}" for r in rounds)]
    summary = "".join(
        f"<p><b>Round {r.number}</b> ({len(r.grades)} trainees): alpha = "
        f"{'not computable' if r.alpha is None else f'{r.alpha:.2f}'}. {esc(agreement.reading(r.alpha))}</p>"
        for r in rounds
    )
    return Html(summary + html_table(head, rows, "How far the room's grades spread, round by round"))

"""A room's results at a glance, for the trainer of a workshop.

Trainees who enter the trainer's room code in the self-assessment app can
submit their review "to the room".  This dashboard reads those submitted
reviews from the store and shows, for each Table 1 commitment, how the room
graded it: how many reviews put it at red, orange or green (five-point grades
are converted with :func:`idpckit.scales.to_light`, so both scales count), the
median on the common 1-5 score, and where the room disagrees most.  That is the
material for the plenary discussion the note recommends: where do we agree,
where do we see our government differently, and why?

Reviews submitted to a room are visible to anyone who knows the room code; the
page says so.  Drafts are only counted, never shown.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ipywidgets as w

from .. import scales
from ..coalition import DISAGREE_POINTS, disagrees
from ..data import Content, load
from ..text import neutralise_formula
from ._base import ErrorBox, download_link, esc, full_width, style_widget

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Store, Stored


@dataclass(frozen=True)
class RoomRow:
    """How the room graded one commitment."""

    commitment_id: str
    number: int
    title: str
    lights: dict[str, int]  # red/orange/green -> number of reviews
    not_assessed: int
    median: float | None
    spread: int | None
    disagree: bool  # coalition.disagrees: the kit's one rule

    @property
    def graded(self) -> int:
        return sum(self.lights.values())


def summarise(reviews: list[Stored], content: Content) -> list[RoomRow]:
    """One :class:`RoomRow` per Table 1 commitment tracked by at least one review, in Table 1 order."""
    rows = []
    light_used = any(r.assessment.scale == "traffic-light" for r in reviews)
    for c in content.commitments:
        scores, not_assessed, tracked = [], 0, False
        for review in reviews:
            entry = review.assessment.entry(c.id)
            if entry is None:
                continue
            tracked = True
            if entry.grade is None:
                not_assessed += 1
            else:
                scores.append(scales.to_score(entry.grade, review.assessment.scale))
        if not tracked:
            continue
        lights = {"red": 0, "orange": 0, "green": 0}
        for s in scores:
            lights[scales.to_light(s)] += 1
        rows.append(
            RoomRow(
                commitment_id=c.id,
                number=c.number,
                title=c.title,
                lights=lights,
                not_assessed=not_assessed,
                median=statistics.median(scores) if scores else None,
                spread=(max(scores) - min(scores)) if scores else None,
                disagree=disagrees(scores, light_used),
            )
        )
    return rows


def room_csv(reviews: list[Stored], content: Content) -> bytes:
    """Every grade of the room, one row per review and commitment, for a spreadsheet."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(
        ["review", "country", "year", "organisations", "scale", "number", "commitment", "grade", "score", "light"]
    )
    for i, review in enumerate(reviews, start=1):
        a = review.assessment
        for e in a.entries:
            score = scales.to_score(e.grade, a.scale) if e.grade is not None else ""
            out.writerow(
                [
                    i,
                    a.country_name,
                    a.year,
                    neutralise_formula("; ".join(a.organisations)),
                    a.scale,
                    content.commitment(e.commitment_id).number,
                    content.commitment(e.commitment_id).title,
                    "" if e.grade is None else e.grade,
                    score,
                    scales.to_light(score) if score != "" else "not assessed",
                ]
            )
    return buf.getvalue().encode("utf-8")


def _cell(count: int, light: str) -> str:
    level = scales.TRAFFIC_LIGHT[light]
    if not count:
        return '<td class="num">0</td>'
    return (
        f'<td class="num" style="background:{level.colour};color:{level.text_colour}">'
        f'<span aria-hidden="true">{level.symbol}</span> {count}</td>'
    )


class RoomDashboard:
    """Type a room code, see the room's submitted reviews summarised per commitment."""

    def __init__(
        self,
        store: Store | None = None,
        content: Content | None = None,
    ) -> None:
        self._store = store
        self.content = content or load()
        self.errors = ErrorBox()
        self.room = w.Text(
            description="Room code",
            placeholder="e.g. VIENNA-2025",
            style={"description_width": "7em"},
            layout=w.Layout(width="22em", max_width="100%"),
        )
        self.show = w.Button(description="Show results", button_style="primary", tooltip="Load the room's reviews")
        self.summary = w.HTML()
        self.table = w.HTML(layout=full_width())
        self.reviews_list = w.HTML(layout=full_width())
        self.downloads = w.HTML()
        self.reviews: list[Stored] = []
        self.rows: list[RoomRow] = []
        self.show.on_click(self.errors.guard(lambda _: self.refresh()))
        intro = w.HTML(
            '<div class="idpc-prose"><h2>Room results</h2><p>Enter the room code you gave the trainees. '
            "You will see how the room graded each commitment, counted as red, orange and green lights "
            "(five-point grades 1–2 count as red, 3 as orange, 4–5 as green), and where reviews disagree: "
            f"{DISAGREE_POINTS} points or more apart, or, when some graded with lights, a different light.</p><p class='idpc-small'>Reviews submitted to a room are visible to "
            "anyone who knows its code; drafts are counted but never shown.</p></div>"
        )
        self.widget = w.VBox(
            [
                style_widget(),
                intro,
                w.HBox([self.room, self.show], layout=w.Layout(flex_flow="row wrap", align_items="center")),
                self.errors.widget,
                self.summary,
                self.table,
                self.reviews_list,
                self.downloads,
            ],
            layout=full_width(),
        )
        self.widget.add_class("idpc-app")

    def apply_query(self, params: Mapping[str, str]) -> None:
        """``?room=CODE`` in the page's address opens that room at once (a trainer's bookmark).

        Called by the door (:func:`idpckit.apps.room_dashboard`) once Voilà's request is known,
        which in a preheated kernel is after the notebook ran.
        """
        room = params.get("room", "")
        if room:
            self.room.value = room
            self.errors.guard(self.refresh)()

    @property
    def store(self) -> Store:
        if self._store is None:
            from ..store import Store

            self._store = Store()
        return self._store

    def refresh(self) -> None:
        """Read the room again (trainees keep submitting during the session)."""
        code = self.room.value.strip()
        self.errors.clear()
        if not code:
            self.errors.show("Type the room code first.", "warning")
            return
        if len(code) > 32 or not all(ch.isalnum() or ch == "-" for ch in code):
            self.errors.show("A room code has up to 32 letters, digits and dashes.", "warning")
            return
        every = self.store.room(code, submitted_only=False)
        self.reviews = [r for r in every if r.status == "submitted"]
        drafts = len(every) - len(self.reviews)
        self.rows = summarise(self.reviews, self.content)
        countries = sorted({r.assessment.country_name for r in self.reviews})
        if not self.reviews:
            self.summary.value = ""
            self.table.value = self.reviews_list.value = self.downloads.value = ""
            self.errors.show(
                f"No review has been submitted to room '{code}' yet ({drafts} draft(s) in progress). "
                "Check the code, or ask the trainees to press Submit on the summary step.",
                "info",
            )
            return
        self.summary.value = (
            f'<p role="status"><strong>{len(self.reviews)}</strong> submitted review(s) from '
            f"{esc(', '.join(countries))}; {drafts} draft(s) still in progress.</p>"
        )
        self.table.value = self._table_html()
        self.reviews_list.value = self._reviews_html()
        self.downloads.value = (
            '<div class="idpc-downloads">'
            + download_link(
                room_csv(self.reviews, self.content), f"room-{code}.csv", "text/csv", "Download all grades (CSV)"
            )
            + "</div>"
        )

    def _table_html(self) -> str:
        head = (
            "<tr><th scope='col'>#</th><th scope='col'>Commitment</th>"
            "<th scope='col'>✖ Red</th><th scope='col'>▲ Orange</th><th scope='col'>✔ Green</th>"
            "<th scope='col'>Not assessed</th><th scope='col'>Median (1–5)</th><th scope='col'>Agreement</th></tr>"
        )
        body = []
        for row in self.rows:
            agreement = (
                f"<strong>⚠ Disagree</strong> (spread {row.spread} points)"
                if row.disagree
                else ("–" if row.spread is None else "Close")
            )
            median = "–" if row.median is None else f"{row.median:g}"
            body.append(
                f"<tr><td>{row.number}</td><th scope='row'>{esc(row.title)}</th>"
                + "".join(_cell(row.lights[light], light) for light in ("red", "orange", "green"))
                + f"<td class='num'>{row.not_assessed}</td><td class='num'>{median}</td><td>{agreement}</td></tr>"
            )
        return (
            "<div class='idpc-scroll'><table class='idpc-table'><caption>How the room graded each commitment"
            f"</caption><thead>{head}</thead><tbody>{''.join(body)}</tbody></table></div>"
        )

    def _reviews_html(self) -> str:
        items = []
        for r in self.reviews:
            a = r.assessment
            orgs = ", ".join(a.organisations) or "organisation not given"
            fictional = " (fictional example)" if a.fictional else ""
            items.append(
                f"<li>{esc(a.country_name)} {a.year}{fictional}: {esc(orgs)}; {a.graded_count} of "
                f"{len(a.entries)} commitments graded on the {esc(a.scale)} scale</li>"
            )
        return f"<details><summary>The {len(self.reviews)} review(s)</summary><ul>{''.join(items)}</ul></details>"

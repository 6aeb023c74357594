"""Charts of a review: the scorecard, the year-on-year view and the coalition view.

Every function returns a :class:`matplotlib.figure.Figure` built directly, never
through pyplot, so nothing is shown by accident, no global state leaks between
Voilà visitors and the Agg/SVG backends work without a display.  The widgets and
the reports decide how to show a figure (:func:`to_svg`, :func:`to_png`).

Design rules (the kit's accessibility promise):

* meaning is never carried by colour alone: every grade is drawn with its
  label and symbol (from :mod:`idpckit.scales`), bar *length* encodes the 1-5
  score and each score has its own hatching, so a greyscale print still reads;
* the palette is colour-blind-safe (ColorBrewer PuOr/PRGn-style and Okabe-Ito);
* "not assessed" is drawn as an empty dashed box with the words, never as a
  low grade;
* user-typed text is drawn with ``parse_math=False`` so a "$" in an NGO's name
  cannot break the chart.

matplotlib is imported here and nowhere else in the package's top-level
modules; the widgets import this module lazily.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from . import scales
from .assessment import Assessment
from .coalition import Consensus, check_group, merge
from .compare import Comparison, order_ids
from .i18n import _, ngettext

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from .data import Content

#: Hatching per score, so grades differ in greyscale too (5 = solid, the "good" end).
HATCH_BY_SCORE = {1: "xx", 2: "\\\\\\", 3: "..", 4: "///", 5: ""}
#: Okabe-Ito blue and vermillion: improved / worsened, distinct for colour-blind readers.
IMPROVED, WORSENED, NEUTRAL = "#0072B2", "#D55E00", "#555555"
FONT = "DejaVu Sans"  # ships with matplotlib and has every symbol the scales use
TITLE_WIDTH = 46  # characters per line of a commitment title
ROW_INCHES = 0.62
COMPACT_MIN_ROW_INCHES = 0.32  # a compact chart's title, two lines of 8.5 pt, still fits its row
COMPACT_TITLE_WIDTH = 62  # characters per line of a compact chart's titles...
COMPACT_LEFT_SHARE = 0.45  # ...in a wider column on the left
FRAME_INCHES = 1.9  # a rows chart's title, subtitle and score axis
BOTTOM_INCHES = 0.85  # the score axis, its ticks' words and its label
BARE_FRAME_INCHES = 1.1  # a chart without title and subtitle: the axis and a little air above the first row
LEFT_INCHES = 3.5  # commitment titles
RIGHT_INCHES = 2.6  # grade words / direction / agreement
WIDTH = 10.0  # default figure width in inches; reports pass a narrower one for A4


def _content(content: Content | None) -> Content:
    """The content given, else the kit's in the language in use (titles on the charts' rows)."""
    if content is None:
        from .localise import load

        content = load()
    return content


def _row_label(cid: str, content: Content, width: int = TITLE_WIDTH, most: int = 3) -> str:
    """A commitment's number and title in at most ``most`` lines of ``width`` characters (the last one shortened)."""
    try:
        c = content.commitment(cid)
    except KeyError:
        return cid
    lines = textwrap.wrap(f"{c.number}. {c.title}", width)
    if len(lines) > most:
        lines = [*lines[: most - 1], textwrap.shorten(" ".join(lines[most - 1 :]), width, placeholder=" …")]
    return "\n".join(lines)


def _hatch_colour(level: scales.Level) -> str:
    return "#ffffff" if level.text_colour.lower() == "#ffffff" else "#000000"


def figure_height(rows: int, row_inches: float = ROW_INCHES, extra: float = FRAME_INCHES) -> float:
    """A chart's height in inches for ``rows`` rows: what a page must hold to place it."""
    return max(2.6, rows * row_inches + extra)


def _figure(rows: int, width: float = WIDTH, extra: float = FRAME_INCHES, row_inches: float = ROW_INCHES) -> Figure:
    fig = Figure(figsize=(width, figure_height(rows, row_inches, extra)), layout=None)
    fig.set_facecolor("white")
    return fig


def _rows_axes(
    fig: Figure, ids: list[str], content: Content, top: float, bottom: float, *, compact: bool = False
) -> Axes:
    """An axes with one row per commitment (first at the top) and the titles on the left.

    ``compact``: the titles in two wider lines instead of three, so rows can sit closer together.
    """
    width = fig.get_figwidth()
    share = COMPACT_LEFT_SHARE if compact else 0.36
    left, right = min(LEFT_INCHES / 0.36 * share, share * width) / width, min(RIGHT_INCHES, 0.26 * width) / width
    ax = fig.add_axes((left, bottom, 1 - left - right, top - bottom))
    n = len(ids)
    ax.set_ylim(n - 0.5, -0.5)
    labels = [_row_label(cid, content, COMPACT_TITLE_WIDTH, 2) if compact else _row_label(cid, content) for cid in ids]
    ax.set_yticks(range(n), labels, fontsize=8.5, fontfamily=FONT)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    return ax


def _score_axis(ax: Axes, scale: scales.Scale | None) -> None:
    """x axis 0-5 labelled with the scale's grades (symbol and value) or the 1-5 score."""
    ax.set_xlim(0, 5.35)
    if scale == "traffic-light":
        ticks = [
            (lv.score, f"{lv.symbol}\n{_(scales.LIGHT_WORDS[str(lv.value)])}") for lv in scales.TRAFFIC_LIGHT.values()
        ]
    else:
        ticks = [(lv.score, f"{lv.symbol}\n{lv.value}") for lv in scales.FIVE_POINT.values()]
    ax.set_xticks([t for t, _ in ticks], [text for _, text in ticks], fontsize=8, fontfamily=FONT)
    ax.grid(axis="x", color="#bbbbbb", linewidth=0.6, linestyle=":")
    ax.set_axisbelow(True)


def _text(fig_or_ax: Figure | Axes, x: float, y: float, s: str, **kw: object) -> None:
    """Draw text that may come from a user: no mathtext, DejaVu Sans."""
    kw.setdefault("fontfamily", FONT)
    fig_or_ax.text(x, y, s, parse_math=False, **kw)  # type: ignore[arg-type]


def _right(ax: Axes, y: float, s: str, **kw: object) -> None:
    """Words in the column right of the chart (x in axes units, so they sit just past the axis)."""
    kw.setdefault("fontfamily", FONT)
    ax.text(1.03, y, s, transform=ax.get_yaxis_transform(), parse_math=False, clip_on=False, **kw)  # type: ignore[arg-type]


def _header(fig: Figure, title: str, subtitle: str, fictional: bool) -> None:
    _text(fig, 0.02, 0.985, title, fontsize=13, fontweight="bold", va="top")
    _text(fig, 0.02, 0.985 - 0.32 / fig.get_figheight(), subtitle, fontsize=9, va="top", color="#222222")
    if fictional:
        _text(
            fig,
            0.98,
            0.985,
            _("FICTIONAL EXAMPLE"),
            fontsize=10,
            fontweight="bold",
            ha="right",
            va="top",
            bbox={"boxstyle": "square,pad=0.4", "facecolor": "white", "edgecolor": "black", "linewidth": 1.5},
        )


def _top(fig: Figure) -> float:
    return 1 - 0.95 / fig.get_figheight()


def _bottom(fig: Figure) -> float:
    return BOTTOM_INCHES / fig.get_figheight()


def _not_assessed_box(ax: Axes, y: float) -> None:
    ax.barh(y, 5, left=0, height=0.6, facecolor="none", edgecolor="#777777", linestyle="--", linewidth=0.8)


# --------------------------------------------------------------------------- scorecard


def scorecard(
    assessment: Assessment,
    content: Content | None = None,
    *,
    width: float = WIDTH,
    row_inches: float = ROW_INCHES,
    compact: bool = False,
) -> Figure:
    """Every tracked commitment with its grade: bar length = score, label and symbol beside it.

    Rows follow Table 1's order.  Commitments tracked but not graded show an
    empty dashed box and the words "Not assessed".  ``compact`` is for the PDF
    report, which places the chart under its summary on the first page: no
    title of its own (the page's heading and summary say it), titles in two
    lines, and rows ``row_inches`` apart (at least :data:`COMPACT_MIN_ROW_INCHES`).
    """
    content = _content(content)
    ids = order_ids([e.commitment_id for e in assessment.entries], content)
    if compact:
        fig = _figure(max(1, len(ids)), width, BARE_FRAME_INCHES, max(COMPACT_MIN_ROW_INCHES, row_inches))
        top = 1 - (BARE_FRAME_INCHES - BOTTOM_INCHES) / fig.get_figheight()
    else:
        fig = _figure(max(1, len(ids)), width)
        top = _top(fig)
        scale_words = _(scales.SCALE_LABELS[assessment.scale])
        graded = ngettext(
            "{graded} of {n} tracked commitment graded", "{graded} of {n} tracked commitments graded", len(ids)
        ).format(graded=assessment.graded_count, n=len(ids))
        _header(
            fig,
            _("{country}: review of {year}").format(country=assessment.country_name, year=assessment.year),
            f"{graded} · {scale_words}",
            assessment.fictional,
        )
    ax = _rows_axes(fig, ids or ["(none)"], content, top, _bottom(fig), compact=compact)
    _score_axis(ax, assessment.scale)
    if not ids:
        _text(ax, 2.5, 0, _("No commitments tracked yet"), ha="center", va="center", fontsize=10, style="italic")
    for y, cid in enumerate(ids):
        entry = assessment.entry(cid)
        assert entry is not None
        lv = scales.level(entry.grade, assessment.scale)
        if entry.grade is None:
            _not_assessed_box(ax, y)
            _right(ax, y, f"{lv.symbol} {_(lv.label)}", va="center", fontsize=9, style="italic", color="#333333")
            continue
        ax.barh(
            y,
            lv.score,
            height=0.6,
            color=lv.colour,
            edgecolor="#000000",
            linewidth=0.8,
            hatch=HATCH_BY_SCORE[lv.score],
            hatchcolor=_hatch_colour(lv),
        )
        _right(ax, y, f"{lv.short} · {_(lv.label)}", va="center", fontsize=9, fontweight="bold")
    ax.set_xlabel(_("Bar length = grade on the common 1-5 score (5 = good situation)"), fontsize=8, fontfamily=FONT)
    return fig


# --------------------------------------------------------------------------- year on year


def year_on_year(comparison: Comparison, content: Content | None = None, *, width: float = WIDTH) -> Figure:
    """Earlier grade (hollow circle) to later grade (filled, with its symbol), per commitment.

    Arrows and words say the direction (improved solid, worsened dashed), so
    the chart reads without its colours.  ``comparison`` comes from
    :func:`idpckit.compare.between`, which refuses two different countries or a
    later review given first.
    """
    content = _content(content)
    old, new, changes = comparison.old, comparison.new, comparison.changes
    ids = [c.commitment_id for c in changes]
    fig = _figure(max(1, len(ids)), width, extra=2.2)
    basis = (
        _("both on the five-point scale")
        if changes and changes[0].basis == "five-point"
        else _("compared as traffic lights (the reviews use different scales)")
        if old.scale != new.scale
        else _("both on the traffic-light scale")
    )
    _header(
        fig,
        f"{new.country_name}: {old.year} → {new.year}",
        _("○ earlier review ({old})   ● later review ({new}) · {basis}").format(
            old=old.year, new=new.year, basis=basis
        ),
        old.fictional or new.fictional,
    )
    ax = _rows_axes(fig, ids or ["(none)"], content, _top(fig), _bottom(fig))
    _score_axis(ax, None if old.scale != new.scale else new.scale)
    if not ids:
        _text(ax, 2.5, 0, _("Neither review grades any commitment"), ha="center", va="center", style="italic")
    for y, ch in enumerate(changes):
        a, b = ch.old_compared, ch.new_compared
        if a is not None and b is not None and a != b:
            colour = IMPROVED if b > a else WORSENED
            ax.annotate(
                "",
                xy=(b, y),
                xytext=(a, y),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": colour,
                    "linewidth": 2,
                    "linestyle": "-" if b > a else "--",
                    "shrinkA": 6,
                    "shrinkB": 8,
                },
            )
        if a is not None:
            ax.scatter([a], [y], s=150, facecolor="white", edgecolor="#000000", linewidth=1.5, zorder=3)
        if b is not None:
            lv = ch.new_level
            ax.scatter([b], [y], s=190, facecolor=lv.colour, edgecolor="#000000", linewidth=1.2, zorder=4)
            _text(ax, b, y, lv.symbol, ha="center", va="center", fontsize=7, color=lv.text_colour, zorder=5)
        colour = {"improved": IMPROVED, "worsened": WORSENED}.get(ch.direction, NEUTRAL)
        _right(ax, y, f"{ch.arrow} {ch.words}", va="center", fontsize=9, fontweight="bold", color=colour)
    ax.set_xlabel(_("Grade on the common 1-5 score (5 = good situation)"), fontsize=8, fontfamily=FONT)
    return fig


# --------------------------------------------------------------------------- coalition


def coalition(
    assessments: Sequence[Assessment],
    content: Content | None = None,
    *,
    merged: Sequence[Consensus] | None = None,
    width: float = WIDTH,
) -> Figure:
    """The coalition's grades per commitment: how many gave each score, the median and disagreements.

    Each circle's area grows with the number of reviews giving that score, and
    the count is written beside it; the median is a black bar, the range a grey
    line.  Rows where assessors disagree carry a grey hatched band and the words
    "⚠ Disagree", so they stand out in greyscale.  Scales to hundreds of reviews.
    ``merged`` is :func:`idpckit.coalition.merge` of the same reviews when the
    caller has it already (a report page), so the chart does not merge again.
    """
    content = _content(content)
    if merged is None:
        merged = merge(assessments, content)  # checks the group too
    else:
        check_group(assessments)
    ids = [c.commitment_id for c in merged]
    fig = _figure(max(1, len(ids)), width, extra=2.2)
    first = assessments[0]
    n_disagree = sum(c.disagree for c in merged)
    reviews = ngettext("{n} review", "{n} reviews", len(assessments)).format(n=len(assessments))
    disagree = ngettext(
        "{n} commitment where assessors disagree", "{n} commitments where assessors disagree", n_disagree
    ).format(n=n_disagree)
    _header(
        fig,
        _("{country}: coalition view of {year} ({reviews})").format(
            country=first.country_name, year=first.year, reviews=reviews
        ),
        _("Circle size = number of reviews giving that grade · ┃ median · {disagree}").format(disagree=disagree),
        any(a.fictional for a in assessments),
    )
    ax = _rows_axes(fig, ids or ["(none)"], content, _top(fig), _bottom(fig))
    scale = first.scale if all(a.scale == first.scale for a in assessments) else None
    _score_axis(ax, scale)
    biggest = max((max(c.counts().values()) for c in merged), default=1) or 1
    for y, c in enumerate(merged):
        if c.disagree:
            ax.axhspan(y - 0.45, y + 0.45, facecolor="#eeeeee", edgecolor="#999999", hatch="////", linewidth=0)
        if c.median is None:
            _not_assessed_box(ax, y)
            _right(ax, y, "– " + _("Not assessed by anyone"), va="center", fontsize=9, style="italic")
            continue
        assert c.min is not None and c.max is not None
        ax.plot([c.min, c.max], [y, y], color="#666666", linewidth=2, zorder=2, solid_capstyle="butt")
        for score, count in c.counts().items():
            if not count:
                continue
            lv = scales.FIVE_POINT[score]
            ax.scatter(
                [score],
                [y],
                s=40 + 260 * count / biggest,
                facecolor=lv.colour,
                edgecolor="#000000",
                linewidth=0.8,
                zorder=3,
            )
            _text(ax, score + 0.13, y - 0.22, str(count), fontsize=7, va="center", zorder=6)
        ax.plot([c.median], [y], marker="|", markersize=22, markeredgewidth=3, color="#000000", zorder=5)
        if c.n == 1:
            words = _("Graded by 1 review only ({grade})").format(grade=c.median_text)
        else:
            verdict = "⚠ " + _("Disagree") if c.disagree else _("Agree")
            words = (
                verdict
                + "\n"
                + ngettext("median {grade} · {n} review", "median {grade} · {n} reviews", c.n).format(
                    grade=c.median_text, n=c.n
                )
            )
        _right(ax, y, words, va="center", fontsize=9, fontweight="bold" if c.disagree else "normal")
    ax.set_xlabel(_("Grade on the common 1-5 score (5 = good situation)"), fontsize=8, fontfamily=FONT)
    return fig


# --------------------------------------------------------------------------- output


def to_svg(fig: Figure) -> str:
    """The figure as a standalone SVG document; text is drawn as paths so no font is needed to view it."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buf.getvalue()


def to_png(fig: Figure, dpi: int = 150) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()

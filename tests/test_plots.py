"""Charts: every grade drawn with words and symbol, readable in greyscale, no pyplot state."""

from __future__ import annotations

import io
import statistics
import warnings

import pytest
from matplotlib import _pylab_helpers
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation, Text
from PIL import Image

from idpckit import plots, scales
from idpckit.assessment import Assessment, Entry
from idpckit.compare import between


def review(grades: dict, *, year: int = 2024, scale: str = "five-point", fictional: bool = False, org: str = ""):
    return Assessment(
        country="XVR",
        year=year,
        scale=scale,
        fictional=fictional,
        organisations=[org] if org else [],
        entries=[Entry(commitment_id=cid, grade=g) for cid, g in grades.items()],
    )


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def grade_bars(fig: Figure) -> list[Rectangle]:
    """The filled bars of a scorecard (not the dashed "not assessed" boxes or the axes background)."""
    ax = fig.axes[0]
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_facecolor()[3] > 0 and p.get_width() > 0]


def render_strict(fig: Figure) -> None:
    """Draw to PNG and SVG, failing on any warning (e.g. a glyph missing from the font)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plots.to_png(fig, dpi=60)
        plots.to_svg(fig)


FIVE = {
    "alternatives": 1,
    "legal-guarantees": 2,
    "harm-reduction": 3,
    "treatment": 4,
    "prison-health": 5,
    "stigma": None,
}


def test_scorecard_shows_every_tracked_commitment_with_label_and_symbol() -> None:
    a = review(FIVE)
    fig = plots.scorecard(a)
    assert isinstance(fig, Figure)
    words = texts(fig)
    for cid, grade in FIVE.items():
        if grade is None:
            continue
        lv = scales.level(grade, "five-point")
        assert f"{lv.short} · {lv.label}" in words, cid
    assert "– Not assessed" in words
    row_labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(row_labels) == len(FIVE)
    assert row_labels[0].startswith("1. Promoting alternatives")
    assert row_labels[-1].startswith("6. Reducing stigma")
    render_strict(fig)


def test_scorecard_bars_encode_the_score_with_a_distinct_hatch_for_greyscale() -> None:
    fig = plots.scorecard(review(FIVE))
    bars = grade_bars(fig)
    assert sorted(b.get_width() for b in bars) == [1, 2, 3, 4, 5]  # bar length = score
    hatches = {b.get_width(): b.get_hatch() or "" for b in bars}
    assert len(set(hatches.values())) == 5, hatches  # every score looks different without colour
    # the not-assessed commitment is an unfilled dashed box, not a low bar
    empty = [p for p in fig.axes[0].patches if p.get_facecolor()[3] == 0]
    assert len(empty) == 1 and empty[0].get_linestyle() == "--"


def test_scorecard_in_greyscale_keeps_grades_apart() -> None:
    """Print the chart in greyscale: neighbouring grades' bars must still differ in tone or pattern."""
    fig = plots.scorecard(review({"alternatives": 1, "legal-guarantees": 2, "harm-reduction": 3}), width=8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)  # whole figure, so data coordinates map to pixels
    grey = Image.open(buf).convert("L")
    ax = fig.axes[0]
    samples = []
    for bar in grade_bars(fig):
        (x0, y0), (x1, y1) = ax.transData.transform([(0.05, bar.get_y()), (bar.get_width() * 0.95, bar.get_y() + 0.6)])
        box = (int(x0), int(grey.height - max(y0, y1)), int(x1), int(grey.height - min(y0, y1)))
        pixels = list(grey.crop(box).get_flattened_data())
        samples.append((statistics.fmean(pixels), statistics.pstdev(pixels)))
    assert len(samples) == 3
    # each pair of grades differs either in mean tone or in texture (spread of tones from the hatching)
    for i in range(3):
        for j in range(i + 1, 3):
            (m1, v1), (m2, v2) = samples[i], samples[j]
            assert abs(m1 - m2) > 8 or abs(v1 - v2) > 8, samples


def test_traffic_light_scorecard_uses_its_own_words() -> None:
    fig = plots.scorecard(review({"alternatives": "red", "stigma": "orange", "gender": "green"}, scale="traffic-light"))
    words = texts(fig)
    assert "✖ Red · Requires urgent attention" in words
    assert "▲ Orange · Needs improvement" in words
    assert "✔ Green · Good situation" in words
    assert sorted(b.get_width() for b in grade_bars(fig)) == [1, 3, 5]
    render_strict(fig)


def test_fictional_reviews_say_so_on_the_chart() -> None:
    assert "FICTIONAL EXAMPLE" in texts(plots.scorecard(review(FIVE, fictional=True)))
    assert "FICTIONAL EXAMPLE" not in texts(plots.scorecard(review(FIVE)))


def test_charts_leave_no_pyplot_state_behind() -> None:
    before = _pylab_helpers.Gcf.get_num_fig_managers()
    old, new = review(FIVE, year=2023), review({"alternatives": 3}, year=2024)
    for fig in (plots.scorecard(new), plots.year_on_year(between(old, new)), plots.coalition([new, new])):
        plots.to_png(fig, dpi=40)
    assert _pylab_helpers.Gcf.get_num_fig_managers() == before


def test_empty_review_still_draws() -> None:
    fig = plots.scorecard(review({}))
    assert "No commitments tracked yet" in texts(fig)
    render_strict(fig)


def test_year_on_year_says_the_direction_in_words_and_arrows() -> None:
    old = review({"alternatives": 2, "stigma": 4, "gender": 3, "data": 2}, year=2023)
    new = review({"alternatives": 4, "stigma": 3, "gender": 3, "civil-society": 5}, year=2024)
    fig = plots.year_on_year(between(old, new))
    words = texts(fig)
    for expected in ("↑ Improved (+2)", "↓ Worsened (−1)", "= Unchanged", "+ Newly graded", "× No longer graded"):
        assert expected in words
    arrows = [a for a in fig.findobj(Annotation) if a.arrow_patch is not None]
    assert len(arrows) == 2  # one per change of grade
    styles = sorted(a.arrow_patch.get_linestyle() for a in arrows)
    assert styles == ["-", "--"]  # worsened is dashed, so the chart reads in greyscale
    render_strict(fig)


def test_a_reversed_pair_is_refused_before_any_view() -> None:
    with pytest.raises(ValueError, match="older review first"):
        between(review({}, year=2024), review({}, year=2023))


def test_coalition_flags_disagreements_and_scales_to_many_reviews() -> None:
    reviews = [review({"alternatives": 1 + i % 5, "stigma": 3, "gender": None}, org=f"NGO ${i}$") for i in range(200)]
    fig = plots.coalition(reviews)
    words = texts(fig)
    assert sum(w.startswith("⚠ Disagree") for w in words) == 1  # alternatives only
    assert any(w.startswith("Agree") and "200 reviews" in w for w in words)  # stigma
    assert "– Not assessed by anyone" in words  # gender
    assert "40" in words  # 200 reviews spread over 5 grades: counts written beside the circles
    render_strict(fig)

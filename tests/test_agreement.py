"""Krippendorff's alpha: textbook examples, an independent implementation, and reviews as coders."""

from __future__ import annotations

import krippendorff  # GPL-3, test-only: an independent reference implementation
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from idpckit import agreement
from idpckit.agreement import alpha, coincidences, reading, review_alpha, review_scores
from idpckit.assessment import Assessment, Entry

N = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: 4 observers, 12 units, 1-5, missing.
KRIPPENDORFF_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
# Example A: binary data, two observers, ten units (alpha 0.095).
KRIPPENDORFF_A = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]


@pytest.mark.parametrize(("level", "expected"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_textbook_example_with_missing_values(level: str, expected: float) -> None:
    assert round(alpha(KRIPPENDORFF_C, level), 3) == expected


def test_textbook_binary_example() -> None:
    assert round(alpha(KRIPPENDORFF_A, "nominal"), 3) == 0.095


def test_coincidence_matrix_of_the_textbook_example() -> None:
    o = coincidences(KRIPPENDORFF_C)
    # Published marginals n_c: 1 -> 9, 2 -> 13, 3 -> 10, 4 -> 5, 5 -> 3 (n = 40; unit 12 has one value only).
    marginals = {c: round(sum(v for (a, _b), v in o.items() if a == c), 6) for c in range(1, 6)}
    assert marginals == {1: 9, 2: 13, 3: 10, 4: 5, 5: 3}
    assert o[(1, 1)] == pytest.approx(7.0) and o[(2, 3)] == pytest.approx(4 / 3)


def test_ordinal_respects_order_where_nominal_does_not() -> None:
    near = [[1, 2, 3, 4, 5, 1, 2, 3], [1, 2, 3, 4, 5, 2, 3, 4]]  # off by one
    far = [[1, 2, 3, 4, 5, 1, 2, 3], [1, 2, 3, 4, 5, 5, 5, 1]]  # off by a lot
    assert alpha(near, "nominal") == pytest.approx(alpha(far, "nominal"))
    assert alpha(near) > alpha(far) + 0.4


def test_not_computable_cases_are_none() -> None:
    assert alpha([[1, 2, 3]]) is None  # one coder
    assert alpha([[1, N, 3], [N, 2, N]]) is None  # no unit with two values
    assert alpha([[3, 3, 3], [3, 3, N]]) is None  # no variation
    assert alpha([]) is None
    with pytest.raises(ValueError, match="unknown level"):
        alpha(KRIPPENDORFF_A, "ratio")  # type: ignore[arg-type]


def test_perfect_agreement_is_one_and_rows_may_be_short() -> None:
    assert alpha([[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3]]) == pytest.approx(1.0)


grades = st.one_of(st.none(), st.integers(1, 5))


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 7).flatmap(
        lambda coders: st.integers(1, 13).flatmap(
            lambda units: st.lists(st.lists(grades, min_size=units, max_size=units), min_size=coders, max_size=coders)
        )
    ),
    st.sampled_from(["ordinal", "nominal", "interval"]),
)
def test_matches_the_krippendorff_package(data: list[list[int | None]], level: str) -> None:
    ours = alpha(data, level)  # type: ignore[arg-type]
    array = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)
    pairable = sum(1 for unit in zip(*data, strict=True) if sum(v is not None for v in unit) >= 2)
    values = {v for unit in zip(*data, strict=True) if sum(v is not None for v in unit) >= 2 for v in unit} - {None}
    if ours is None:
        assert pairable == 0 or len(values) < 2
        return
    theirs = krippendorff.alpha(array, level_of_measurement=level, value_domain=[1, 2, 3, 4, 5])
    assert ours == pytest.approx(theirs, abs=1e-9)


def _review(grades: dict[str, object], scale: str = "five-point") -> Assessment:
    return Assessment(
        country="COL",
        year=2025,
        scale=scale,
        entries=[Entry(commitment_id=c, grade=g) for c, g in grades.items()],
    )


def test_reviews_are_coders_commitments_units_lights_converted() -> None:
    a = _review({"alternatives": 1, "stigma": 4, "gender": None})
    b = _review({"alternatives": "red", "stigma": "green", "data": "orange"}, "traffic-light")
    assert review_scores([a, b]) == [[1, 4, None, None], [1, 5, None, 3]]
    assert review_alpha([a]) is None  # below two reviews
    value = review_alpha([a, b])
    assert value == pytest.approx(alpha([[1, 4], [1, 5]]))


def test_readings_in_plain_words() -> None:
    assert "agree well" in reading(0.85)
    assert "tentative" in reading(0.7)
    assert "little more than chance" in reading(0.3)
    assert "no agreement beyond chance" in reading(-0.2)
    assert "at least two reviews" in reading(None, coders=1)
    assert "cannot be measured" in reading(None, coders=3)
    assert agreement.TENTATIVE < agreement.RELIABLE


def test_the_kit_never_imports_the_gpl_package() -> None:
    from pathlib import Path

    package = Path(agreement.__file__).parent
    offenders = [p.name for p in package.rglob("*.py") if "import krippendorff" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_coalition_view_reports_the_same_alpha() -> None:
    from idpckit import report

    reviews = [_review({"alternatives": g1, "stigma": g2}) for g1, g2 in [(1, 3), (3, 3), (5, 4), (2, 3)]]
    expected = reading(alpha([[1, 3], [3, 3], [5, 4], [2, 3]]))
    assert expected.startswith("Alpha ")
    html = report.coalition_html(reviews)
    assert "Krippendorff&#39;s alpha for ordinal grades" in html or "Krippendorff's alpha for ordinal grades" in html
    assert expected.split(":")[0] in html  # "Alpha 0.xx"
    assert "at least two reviews" in report.coalition_html(reviews[:1])

"""Coalition view: consensus (median), spread, and where assessors disagree."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from idpckit.assessment import Assessment, Entry
from idpckit.coalition import labels, merge


def review(grades: dict, scale: str = "five-point", *, org: str = "", year: int = 2024, country: str = "XVR"):
    return Assessment(
        country=country,
        year=year,
        scale=scale,
        organisations=[org] if org else [],
        entries=[Entry(commitment_id=cid, grade=g) for cid, g in grades.items()],
    )


def row(merged, cid):
    return next(c for c in merged if c.commitment_id == cid)


def test_median_range_and_counts() -> None:
    merged = merge(
        [
            review({"alternatives": 1, "stigma": 4, "gender": None}),
            review({"alternatives": 2, "stigma": 5}),
            review({"alternatives": 4}),
            review({"alternatives": 5, "gender": None}),
        ]
    )
    alt = row(merged, "alternatives")
    assert (alt.median, alt.min, alt.max, alt.n, alt.spread) == (3.0, 1, 5, 4, 4)
    assert alt.median_text == "3"
    stigma = row(merged, "stigma")
    assert stigma.median == 4.5 and stigma.median_text == "4.5" and stigma.light == "green"
    assert stigma.grades == (4, 5, None, None)  # one per review, in the order given
    gender = row(merged, "gender")
    assert gender.median is None and gender.n == 0 and gender.not_assessed == 2 and not gender.disagree
    assert [c.commitment_id for c in merged] == ["alternatives", "stigma", "gender"]  # Table 1 order
    assert alt.counts() == {1: 1, 2: 1, 3: 0, 4: 1, 5: 1}


@pytest.mark.parametrize(
    ("grades", "scales", "disagree"),
    [
        ([2, 4], ["five-point"] * 2, True),  # two points apart
        ([2, 3], ["five-point"] * 2, False),  # one point apart, both on the five-point scale
        ([3, 3, 3, 5], ["five-point"] * 4, True),  # one outlier is enough
        (["red", "orange"], ["traffic-light"] * 2, True),  # different lights
        (["green", "green"], ["traffic-light"] * 2, False),
        ([4, "orange"], ["five-point", "traffic-light"], True),  # 4 is green, the other said orange
        ([4, "green"], ["five-point", "traffic-light"], False),  # 4 and green: the same light
        ([2, "red"], ["five-point", "traffic-light"], False),
    ],
)
def test_disagreement_rule(grades, scales, disagree) -> None:
    merged = merge([review({"stigma": g}, s) for g, s in zip(grades, scales, strict=True)])
    assert merged[0].disagree is disagree


def test_reviews_of_different_countries_or_years_are_refused() -> None:
    with pytest.raises(ValueError, match="one country and year"):
        merge([review({"stigma": 1}), review({"stigma": 1}, year=2023)])
    with pytest.raises(ValueError, match="Colombia"):
        merge([review({"stigma": 1}), review({"stigma": 1}, country="COL")])
    with pytest.raises(ValueError, match="no reviews"):
        merge([])


def test_labels_name_each_review_once() -> None:
    reviews = [review({}, org="Red Cauca"), review({}, org="Red Cauca"), review({})]
    assert labels(reviews) == ["Red Cauca", "Red Cauca (2)", "Review 3"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=1, max_size=30))
def test_properties_of_the_consensus(grades) -> None:
    merged = merge([review({"data": g}) for g in grades])
    (c,) = merged
    given_scores = [g for g in grades if g is not None]
    assert c.n == len(given_scores) and c.not_assessed == len(grades) - len(given_scores)
    if not given_scores:
        assert c.median is None and not c.disagree
        return
    assert c.min <= c.median <= c.max
    assert c.median == statistics.median(given_scores)
    # on the five-point scale alone, disagreement is exactly "two or more points apart"
    assert c.disagree == (max(given_scores) - min(given_scores) >= 2)

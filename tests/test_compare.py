"""Year on year: what improved, what worsened, on the common 1-5 score."""

from __future__ import annotations

import pytest

from idpckit.assessment import Assessment, Entry
from idpckit.compare import check_pair, compare, summary


def review(year: int, grades: dict, scale: str = "five-point", country: str = "XVR") -> Assessment:
    return Assessment(
        country=country,
        year=year,
        scale=scale,
        entries=[Entry(commitment_id=cid, grade=g) for cid, g in grades.items()],
    )


def by_id(changes):
    return {c.commitment_id: c for c in changes}


def test_each_direction_on_the_five_point_scale() -> None:
    old = review(2023, {"alternatives": 2, "harm-reduction": 4, "treatment": 3, "stigma": 2, "data": None})
    new = review(2024, {"alternatives": 4, "harm-reduction": 3, "treatment": 3, "gender": 5, "data": 1})
    got = by_id(compare(old, new))
    assert got["alternatives"].direction == "improved" and got["alternatives"].delta == 2
    assert got["harm-reduction"].direction == "worsened" and got["harm-reduction"].delta == -1
    assert got["treatment"].direction == "unchanged" and got["treatment"].delta == 0
    assert got["gender"].direction == "new" and got["gender"].old_score is None
    assert got["stigma"].direction == "dropped" and got["stigma"].new_score is None
    # tracked but not assessed in 2023, graded in 2024: newly graded, not "improved" from nothing
    assert got["data"].direction == "new"
    assert summary(compare(old, new)) == {"improved": 1, "worsened": 1, "unchanged": 1, "new": 2, "dropped": 1}


def test_rows_follow_table1_order_whatever_the_entry_order() -> None:
    old = review(2023, {"civil-society": 1, "alternatives": 2, "stigma": 3})
    new = review(2024, {"stigma": 3, "civil-society": 2, "alternatives": 2})
    assert [c.commitment_id for c in compare(old, new)] == ["alternatives", "stigma", "civil-society"]


def test_commitments_graded_in_neither_review_are_left_out() -> None:
    old = review(2023, {"alternatives": None, "stigma": 2})
    new = review(2024, {"alternatives": None, "stigma": 2, "gender": None})
    assert [c.commitment_id for c in compare(old, new)] == ["stigma"]


def test_traffic_lights_compare_on_their_scores() -> None:
    old = review(2023, {"alternatives": "red", "stigma": "green"}, "traffic-light")
    new = review(2024, {"alternatives": "orange", "stigma": "green"}, "traffic-light")
    got = by_id(compare(old, new))
    assert got["alternatives"].direction == "improved" and got["alternatives"].delta == 2
    assert got["alternatives"].old_level.label == "Requires urgent attention"
    assert got["stigma"].direction == "unchanged"


def test_different_scales_are_compared_as_lights_so_switching_scale_is_not_progress() -> None:
    old = review(2023, {"alternatives": 4, "stigma": 2, "gender": 3, "data": 5}, "five-point")
    new = review(
        2024, {"alternatives": "green", "stigma": "orange", "gender": "orange", "data": "orange"}, "traffic-light"
    )
    got = by_id(compare(old, new))
    assert got["alternatives"].direction == "unchanged"  # 4 is green: same situation, coarser words
    assert got["alternatives"].old_score == 4 and got["alternatives"].new_score == 5  # raw scores are kept
    assert got["stigma"].direction == "improved"  # 2 (red) -> orange
    assert got["gender"].direction == "unchanged"
    assert got["data"].direction == "worsened" and got["data"].delta == -2
    assert {c.basis for c in got.values()} == {"traffic-light"}


def test_change_words_carry_sign_and_direction() -> None:
    old = review(2023, {"alternatives": 4, "stigma": 1})
    new = review(2024, {"alternatives": 3, "stigma": 4})
    got = by_id(compare(old, new))
    assert got["alternatives"].words == "Worsened (−1)"
    assert got["alternatives"].arrow == "↓"
    assert got["stigma"].words == "Improved (+3)"


def test_pairs_that_are_not_year_on_year_are_refused_in_plain_words() -> None:
    with pytest.raises(ValueError, match="different countries"):
        check_pair(review(2023, {}, country="COL"), review(2024, {}, country="MEX"))
    with pytest.raises(ValueError, match="give the older review first"):
        check_pair(review(2024, {}), review(2023, {}))
    check_pair(review(2024, {}), review(2024, {}))  # a draft and a final of the same year may be compared

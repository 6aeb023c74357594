"""Pydantic's errors in plain words (idpckit.errors), the one translator every reader uses."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from idpckit.errors import Problem, dotted, plain


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(min_length=1, pattern=r"^[^\n\r]*$")]
    year: Annotated[int, Field(ge=2000)] = 2024
    kind: Literal["lesson", "app"] = "lesson"
    items: list[str] = []


def words(**values: object) -> list[str]:
    with pytest.raises(ValidationError) as info:
        Form.model_validate(values)
    return [f"{dotted(e['loc'])}: {plain(e)}" for e in info.value.errors()]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, "name: is missing"),
        ({"name": ""}, "name: must not be empty"),
        ({"name": "two\nlines"}, "name: 'two\nlines' must be a single line"),
        ({"name": "x", "year": "soon"}, "year: 'soon' is not a whole number"),
        ({"name": "x", "year": 1999}, "year: 1999 is too small; it must be 2000 or more"),
        ({"name": "x", "kind": "quiz"}, "kind: 'quiz' is not allowed; use 'lesson' or 'app'"),
        ({"name": "x", "colour": "red"}, "colour: is not a known field; check its spelling or remove it"),
        ({"name": "x", "items": "a"}, "items: 'a' must be a list"),
    ],
)
def test_errors_read_as_words_not_as_python(values: dict, expected: str) -> None:
    assert words(**values) == [expected]


def test_positions_count_from_one_and_problems_name_file_row_field() -> None:
    assert dotted(("pairs", 1, "right")) == "pairs.2.right"
    assert str(Problem("asks.yaml", "item 2 (id 'x')", "title", "is missing")) == (
        "asks.yaml, item 2 (id 'x'), field 'title': is missing"
    )

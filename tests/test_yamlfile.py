"""The one YAML loader for files trainers edit (idpckit.yamlfile): every problem names file, item, field."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from idpckit import yamlfile
from idpckit.errors import FileProblems


class Choice(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["choice"]
    id: str
    options: list[str]


class Note(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["note"]
    id: str
    text: str


Item = Annotated[Choice | Note, Field(discriminator="kind")]


def problems(tmp_path: Path, text: str | bytes, model: object = Item) -> list[str]:
    path = tmp_path / "ex.yaml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    with pytest.raises(FileProblems) as info:
        yamlfile.load_list(path, model, "exercises/ex.yaml", tag="kind", kind_of="kind of exercise")
    return [str(p) for p in info.value.problems]


def test_a_valid_file_loads_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "ex.yaml"
    path.write_bytes("\ufeff- {kind: note, id: a, text: Café}\n".encode())
    assert yamlfile.load_list(path, Item, tag="kind") == [Note(kind="note", id="a", text="Café")]


def test_every_problem_names_file_item_and_field(tmp_path: Path) -> None:
    text = "- {kind: note, id: a}\n- {kind: choice, id: b, options: [x], colour: red}\n- {kind: quiz, id: c}\n"
    assert problems(tmp_path, text) == [
        "exercises/ex.yaml, item 1 (id 'a'), field 'text': is missing",
        "exercises/ex.yaml, item 2 (id 'b'), field 'colour': is not a known field; check its spelling or remove it",
        "exercises/ex.yaml, item 3 (id 'c'): 'quiz' is not a kind of exercise; use 'choice', 'note'",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- {kind: note, id: [unclosed\n", "exercises/ex.yaml, line 2: is not valid YAML"),
        (b"- {kind: note, id: a, text: caf\xe9}\n", "exercises/ex.yaml, line 1: is not UTF-8 text"),
        ("kind: note\n", "exercises/ex.yaml: must be a list of items"),
        ("- just text\n", "exercises/ex.yaml, item 1: must be a mapping of field: value"),
    ],
)
def test_a_broken_file_is_one_plain_problem(tmp_path: Path, text: str | bytes, expected: str) -> None:
    (found,) = problems(tmp_path, text)
    assert found.startswith(expected)


def test_missing_and_oversized_files_are_refused_before_parsing(tmp_path: Path) -> None:
    with pytest.raises(FileProblems, match=r"ex\.yaml: the file is missing"):
        yamlfile.read(tmp_path / "ex.yaml")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 2000)
    with pytest.raises(FileProblems, match="larger than"):
        yamlfile.read(big, max_bytes=1000)

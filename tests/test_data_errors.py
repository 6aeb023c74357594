"""Every file in ``data/``, broken in one field, is reported with its file, row and field.

A trainer edits these files by hand; a mistake must be found on load, and the message must
say where it is.  For each file of a copy of ``data/``, one field of one row (or item) is
broken; then ``idpckit data check`` (:func:`idpckit.content_check.validate`, which the
server also runs at start-up) must name that file, row and field, and so must the loader
the kit reads the file with, where it refuses a bad file.  A data file added without a case
here fails :func:`test_every_data_file_has_a_case`.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from idpckit import calibration, content_check, data, roleplay
from idpckit.assessment_io import records
from idpckit.cli import main
from idpckit.exercises import loading

DATA = Path(__file__).resolve().parents[1] / "data"


# --------------------------------------------------------------------------- breaking one field


def _set_csv_cell(path: Path, row: int, field: str, value: str) -> None:
    """Cell ``field`` of spreadsheet row ``row`` (the header is row 1) set to ``value``."""
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert field in rows[0], f"{path.name} has no column {field}"
    rows[row - 2][field] = value
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _edit_yaml(path: Path, change: Callable[[Any], None]) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _edit_json(path: Path, change: Callable[[Any], None]) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(json.dumps(raw, ensure_ascii=False, indent=2), encoding="utf-8")


@dataclass(frozen=True)
class Case:
    """How to break one field of a file, and where the message must say the problem is."""

    brk: Callable[[Path], None]  # gets the file's path in the copy
    row: str  # the row or item, as the message names it
    field: str
    load: Callable[[Path], Any] | None = None  # the loader the kit reads the file with (gets the copy's root)


def csv_case(row: int, field: str, value: str, row_label: str | None = None) -> Case:
    return Case(lambda p: _set_csv_cell(p, row, field, value), row_label or f"row {row}", field, data.load)


def yaml_item_case(field: str, value: Any, *, row: str = "item 1", index: int = 0) -> Case:
    def brk(p: Path) -> None:
        _edit_yaml(p, lambda items: items[index].__setitem__(field, value))

    return Case(brk, row, field, data.load)


def _without(field: str) -> Callable[[Any], None]:
    return lambda items: items[0].pop(field)


def exercise_case(name: str) -> Case:
    """An exercise file: the first exercise loses its title."""
    first = yaml.safe_load((DATA / "exercises" / name).read_text(encoding="utf-8"))[0]
    return Case(
        lambda p: _edit_yaml(p, _without("title")),
        f"exercise 1 (id '{first['id']}')",
        "title",
        lambda root: loading.load(name, root=root),
    )


def translation_case(lang: str) -> Case:
    """A translation file: a record gets a field its content file does not have."""

    def brk(p: Path) -> None:
        _edit_yaml(p, lambda raw: raw["commitments.csv"]["alternatives"].__setitem__("colour", "rojo"))

    return Case(brk, "commitments.csv alternatives", "colour")


def sources_case(lang: str) -> Case:
    """The English a translation was made from: a stamp for a field the content file does not have."""

    def brk(p: Path) -> None:
        _edit_yaml(p, lambda raw: raw["commitments.csv"]["alternatives"].__setitem__("colour", "red"))

    return Case(brk, "commitments.csv alternatives", "colour")


def _roleplay_votes(raw: dict[str, Any]) -> None:
    raw["roles"][0]["votes"] = "many"


def _grade_nine(raw: dict[str, Any]) -> None:
    raw["entries"][1]["grade"] = 9


def _dossier_grade(items: list[Any]) -> None:
    items[0]["grade"] = 3


CASES: dict[str, Case] = {
    "documents.csv": csv_case(2, "date", "someday", "row 2 (id "),
    "timeline.csv": csv_case(3, "date", "someday", "row 3 (id "),
    "commitments.csv": csv_case(2, "number", "first", "row 2 (id "),
    "references.csv": csv_case(4, "unit", "verse"),
    "goals.csv": csv_case(2, "number", "one"),
    "workplan.csv": csv_case(2, "year", "next year"),
    "challenges.csv": csv_case(2, "number", "one"),
    "intersessionals.csv": csv_case(3, "status", "probably"),
    "country_aliases.csv": csv_case(2, "kind", "nickname"),
    "asks.yaml": yaml_item_case("verdict_level", "half met", row="item 1 (id "),
    "avenues.yaml": yaml_item_case("city", "Paris", row="item 2 (id ", index=1),
    "rubric.yaml": Case(lambda p: _edit_yaml(p, _without("questions")), "item 1 (id ", "questions", data.load),
    "grading.yaml": Case(lambda p: _edit_yaml(p, _without("title")), "item 1 (id ", "title", data.load),
    "calibration.yaml": yaml_item_case("grade", 9, row="item 1 (id "),
    "dossier.yaml": Case(lambda p: _edit_yaml(p, _dossier_grade), "item 1 (id ", "grade", data.load),
    "roleplay.yaml": Case(lambda p: _edit_yaml(p, _roleplay_votes), "roles item 1 (id ", "votes", roleplay.load),
    "examples/veridia-2023.json": Case(
        lambda p: _edit_json(p, _grade_nine),
        "entry 2",
        "grade",
        lambda root: records.read_assessment(root / "examples" / "veridia-2023.json"),
    ),
    "examples/veridia-2024.json": Case(
        lambda p: _edit_json(p, _grade_nine),
        "entry 2",
        "grade",
        lambda root: records.read_assessment(root / "examples" / "veridia-2024.json"),
    ),
    "examples/veridia-2024-partner.json": Case(
        lambda p: _edit_json(p, _grade_nine),
        "entry 2",
        "grade",
        lambda root: records.read_assessment(root / "examples" / "veridia-2024-partner.json"),
    ),
    "examples/calibration-room.csv": Case(
        lambda p: _set_csv_cell(p, 3, "grade", "7"),
        "row 3",
        "grade",
        lambda root: calibration.load_rounds(root / "examples" / "calibration-room.csv", data.load(root)),
    ),
    **{f"translations/{lang}.yaml": translation_case(lang) for lang in ("es", "fr", "ru")},
    **{f"translations/{lang}.sources.yaml": sources_case(lang) for lang in ("es", "fr", "ru")},
    **{f"exercises/{p.name}": exercise_case(p.name) for p in sorted((DATA / "exercises").glob("*.yaml"))},
}


def _data_files() -> set[str]:
    """Every file a trainer may edit in data/ (the READMEs are prose for people, not data)."""
    return {
        str(p.relative_to(DATA)) for p in DATA.rglob("*") if p.is_file() and p.name != "README.md" and p.name[0] != "."
    }


def test_every_data_file_has_a_case() -> None:
    assert sorted(_data_files()) == sorted(CASES)


@pytest.fixture(scope="module")
def copy_of_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pristine copy of data/, copied again for each case (copying is cheaper than reading the original twice)."""
    root = tmp_path_factory.mktemp("pristine") / "data"
    shutil.copytree(DATA, root)
    return root


def test_the_copy_is_valid_before_it_is_broken(copy_of_data: Path) -> None:
    """Otherwise a problem found below might be one the real files already have."""
    report = content_check.validate(copy_of_data)
    assert report.ok, report.table()


def _names(problem: Any, file: str, row: str, field: str) -> bool:
    return problem.file.endswith(Path(file).name) and row in problem.row and problem.field == field


@pytest.mark.parametrize("file", sorted(CASES))
def test_a_broken_field_is_named_with_its_file_row_and_field(
    file: str, copy_of_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[file]
    root = tmp_path / "data"
    shutil.copytree(copy_of_data, root)
    case.brk(root / file)
    monkeypatch.setenv("IDPCKIT_DATA", str(root))  # what a trainer sets to run the kit on an edited copy

    report = content_check.validate(root)
    assert any(_names(p, file, case.row, case.field) for p in report.problems), report.table()

    if case.load is not None:
        with pytest.raises(ValueError) as refused:
            case.load(root)
        message = str(refused.value)
        assert Path(file).name in message and case.row in message and f"field '{case.field}'" in message, message


def test_data_check_lists_a_broken_roleplay_and_a_broken_csv_at_once(copy_of_data: Path, tmp_path: Path) -> None:
    """What a trainer runs: every problem, from every file, in one table with the file, row and field."""
    root = tmp_path / "data"
    shutil.copytree(copy_of_data, root)
    CASES["roleplay.yaml"].brk(root / "roleplay.yaml")
    CASES["intersessionals.csv"].brk(root / "intersessionals.csv")
    result = CliRunner().invoke(main, ["data", "check", str(root)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any("roleplay.yaml" in x and "roles item 1" in x and "votes" in x for x in lines), result.output
    assert any("intersessionals.csv" in x and "row 3" in x and "status" in x for x in lines), result.output


def test_a_link_problem_names_its_own_row_after_a_broken_row_and_a_blank_line(
    copy_of_data: Path, tmp_path: Path
) -> None:
    """A row that failed on its own, or a blank line, must not shift the row named by a later cross-file check."""
    root = tmp_path / "data"
    shutil.copytree(copy_of_data, root)
    refs = root / "references.csv"
    _set_csv_cell(refs, 3, "unit", "verse")  # row 3 fails on its own: not among the parsed records
    _set_csv_cell(refs, 6, "commitment_id", "no-such-commitment")  # row 6 points nowhere
    lines = refs.read_text(encoding="utf-8").splitlines(keepends=True)
    refs.write_text("".join([*lines, ",,,,,,,,,,,\n"]), encoding="utf-8")  # a blank row a spreadsheet left behind
    _edit_yaml(root / "rubric.yaml", lambda items: items[0].pop("questions"))  # item 1 fails on its own
    _edit_yaml(root / "rubric.yaml", lambda items: items[2].__setitem__("commitment_id", "no-such-commitment"))

    problems = data.validate(root).problems
    assert any(p.file == "references.csv" and p.row == "row 3" and p.field == "unit" for p in problems)
    link = [p for p in problems if p.file == "references.csv" and p.field == "commitment_id"]
    assert [p.row for p in link] == ["row 6"], link
    rubric = [p for p in problems if p.file == "rubric.yaml" and "no-such-commitment" in p.message]
    assert [p.row for p in rubric] == ["item 3 (id 'no-such-commitment')"], rubric


NOT_EMPTY = {
    "es": "debe ser un texto no vacío",
    "fr": "doit être un texte non vide",
    "ru": "должен быть непустым текстом",
}


@pytest.mark.parametrize(
    ("lang", "heads", "row", "link", "count"),
    [
        (
            "es",
            ("Archivo", "Fila", "Campo", "Mensaje"),
            "fila 6",
            "no es un identificador de commitments.csv",
            "problemas en",
        ),
        (
            "fr",
            ("Fichier", "Ligne", "Champ", "Message"),
            "ligne 6",
            "n'est pas un identifiant de commitments.csv",
            "problèmes dans",
        ),
        (
            "ru",
            ("Файл", "Строка", "Поле", "Сообщение"),
            "строка 6",
            "— не идентификатор из commitments.csv",
            " в папке ",
        ),
    ],
)
def test_data_check_speaks_the_language_in_use_in_every_column(
    lang: str, heads: tuple[str, ...], row: str, link: str, count: str, copy_of_data: Path, tmp_path: Path
) -> None:
    """A Spanish, French or Russian trainer reads the whole table in their language, not only pydantic's words."""
    root = tmp_path / "data"
    shutil.copytree(copy_of_data, root)
    _set_csv_cell(root / "references.csv", 6, "commitment_id", "no-such-commitment")  # a link (data.py's own check)
    _set_csv_cell(root / "commitments.csv", 3, "number", "x")  # a field pydantic refuses
    # a translator's slip in the language's own file (localise's checks)
    _edit_yaml(root / "translations" / f"{lang}.yaml", lambda t: t["commitments.csv"]["alternatives"].update(title=[]))
    result = CliRunner().invoke(main, ["data", "check", str(root)], env={"IDPCKIT_LANG": lang})
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == list(heads), lines[0]
    assert any(x.startswith("references.csv") and row in x and "commitment_id" in x and link in x for x in lines)
    commitments = [x for x in lines if x.startswith("commitments.csv") and "number" in x]
    assert commitments and "(id" in commitments[0] and "row 3" not in commitments[0], commitments
    assert count in lines[-1], lines[-1]
    slip = [x for x in lines if x.startswith(f"translations/{lang}.yaml") and "alternatives" in x and "title" in x]
    assert slip and NOT_EMPTY[lang] in slip[0], slip
    for english in ("File ", "Row ", "row ", "is not an id in", "problem(s)", " problems in ", "must be a text"):
        assert english not in result.output, (lang, english)

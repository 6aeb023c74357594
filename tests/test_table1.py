"""`idpckit table1` reproduces Table 1 of the note from the structured references."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from idpckit import data, table1
from idpckit.cli import main
from idpckit.schema import TABLE1_DOCUMENTS

PRINTED = Path(__file__).parent / "fixtures" / "table1-as-printed.tsv"
_SECTION = r"Way forward|Stocktaking|Shared principles|Directions for action|Accountability and operationalisation"
_TOKEN = re.compile(rf"({_SECTION}):|\b(OP|PP|Chapter|bullet points?)\b|\b(\d+(?:\.[a-z0-9]+)?)\b")


def atoms(cell: str) -> set[tuple[str, str, str]]:
    """Split a printed Table 1 cell into (section, unit, paragraph) triples, ignoring punctuation and layout."""
    section, unit, out = "", "", set()
    for sec, kind, ref in _TOKEN.findall(cell.replace("*", "")):
        if sec:
            section, unit = sec, ""
        elif kind:
            unit = "bullet" if kind.startswith("bullet") else kind
        else:
            out.add((section, unit, ref))
    return out


def printed_table() -> dict[int, list[str]]:
    rows = {}
    for line in PRINTED.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            number, *cells = line.split("\t")
            rows[int(number)] = cells
    return rows


def corrections() -> dict[tuple[str, str], str]:
    """Printed paragraph id -> corrected id, from the references' 'printed' column."""
    out = {}
    for r in data.load().references:
        if r.printed:
            ((_, _, printed_ref),) = atoms(r.printed)
            out[(r.document, printed_ref)] = r.ref
    return out


def test_every_cell_matches_the_note_after_corrections() -> None:
    printed, fixes = printed_table(), corrections()
    ours = {int(r["number"]): r for r in table1.rows()}
    assert sorted(ours) == sorted(printed) == list(range(1, 14))
    for number, cells in printed.items():
        for doc, cell in zip(TABLE1_DOCUMENTS, cells, strict=True):
            expected = {(s, u, fixes.get((doc, ref), ref)) for s, u, ref in atoms(cell)}
            assert atoms(ours[number][doc]) == expected, (
                f"row {number}, {doc}: {ours[number][doc]!r} vs printed {cell!r}"
            )


def test_the_typo_is_corrected_and_only_that() -> None:
    assert corrections() == {("ungass2016", "4.0"): "4.o"}
    assert table1.rows()[1]["ungass2016"] == "OP 4.o"


def test_rendering_groups_like_the_note() -> None:
    by_id = {r["id"]: r for r in table1.rows()}
    assert by_id["harm-reduction"]["ungass2016"] == "OP 1.k, 1.m, 1.o"
    assert by_id["treatment"]["md2019"] == "PP 11; Way forward: OP 1"
    assert by_id["controlled-medicines"]["ungass2016"] == "Chapter 2"
    assert by_id["gender"]["cp2018"] == "-"
    assert by_id["development"]["cp2018"].startswith(
        "Shared principles: PP 1, bullet points 1, 2, 3; Directions for action"
    )


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_cli_csv_has_13_rows_and_all_references(runner: CliRunner) -> None:
    result = runner.invoke(main, ["table1", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0][2:] == [table1.HEADINGS[k] for k in ("commitment", *TABLE1_DOCUMENTS)]
    assert len(rows) == 14
    cells = {r[1]: r[3:] for r in rows[1:]}
    total = sum(len(atoms(c)) for r in cells.values() for c in r)
    assert total == len(data.load().references)


def test_cli_markdown_and_json(runner: CliRunner, tmp_path: Path) -> None:
    md = runner.invoke(main, ["table1", "--format", "markdown"]).output
    assert sum(line.startswith("| ") for line in md.splitlines()) == 14 and "OP = operative paragraph" in md
    out = tmp_path / "t1.json"
    result = runner.invoke(main, ["table1", "--format", "json", "-o", str(out)])
    assert result.exit_code == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == 13 and rows[0]["references"][0]["document"] == "ungass2016"


def test_cli_reports_broken_data_without_a_traceback(runner: CliRunner, data_copy: Path) -> None:
    (data_copy / "references.csv").write_text("commitment_id,document\nalternatives,unga\n", encoding="utf-8")
    result = runner.invoke(main, ["table1", "--data", str(data_copy)])
    assert result.exit_code == 1
    assert "references.csv, row 2, field 'document'" in result.output
    assert "Traceback" not in result.output

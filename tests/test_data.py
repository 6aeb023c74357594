"""The content of the note, as data: it loads, it is complete, and mistakes in it are reported precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from idpckit import data
from idpckit.schema import TABLE1_DOCUMENTS


@pytest.fixture(scope="module")
def content() -> data.Content:
    return data.load()


def test_shipped_data_is_valid() -> None:
    report = data.validate()
    assert report.ok, report.table()


def test_table1_has_the_notes_13_commitments_in_order(content: data.Content) -> None:
    assert [c.number for c in content.commitments] == list(range(1, 14))
    assert content.commitments[0].title.startswith("Promoting alternatives to conviction or punishment")
    assert content.commitments[-1].title == "Involving civil society in decision making processes on drugs"


def test_every_commitment_is_anchored_in_the_outcome_document(content: data.Content) -> None:
    for c in content.commitments:
        assert content.references_for(c.id, "ungass2016"), c.id


def test_documents_are_silent_where_the_note_says_so(content: data.Content) -> None:
    # Table 1 prints '-' for these cells: the explorer and lessons rely on the gaps being real.
    assert content.references_for("legal-guarantees", "md2019") == []
    assert content.references_for("prison-health", "md2019") == []
    assert content.references_for("gender", "cp2018") == []


def test_the_road_to_2019_is_complete(content: data.Content) -> None:
    years = {e.year for e in content.timeline}
    assert {2009, 2014, 2016, 2019, 2020, 2024, 2029} <= years
    segment = next(e for e in content.timeline if e.id == "ministerial-segment")
    assert (segment.date, segment.date_end) == ("2019-03-14", "2019-03-15")
    later = [e for e in content.timeline if e.origin == "later"]
    assert later and all(e.source for e in later)
    assert {d.id for d in content.documents} >= {"pd2009", "jms2014", "ungass2016", "md2019", "cp2018", "workplan2019"}
    assert content.document("ungass2016").symbol == "A/RES/S-30/1"


def test_asks_goals_box1_avenues_and_rubric(content: data.Content) -> None:
    assert [a.number for a in content.asks] == [1, 2, 3, 4]
    assert all(a.wins and a.challenges and a.verdict for a in content.asks)
    assert [g.number for g in content.goals] == [1, 2, 3, 4, 5, 6]
    assert [w.year for w in content.workplan] == [2019, 2020, 2021, 2022, 2023, 2024]
    assert {a.city for a in content.avenues} == {"Vienna", "Geneva", "New York", "National"}
    geneva = {a.venue.split(" (")[0] for a in content.avenues if a.city == "Geneva"}
    assert len(geneva) >= 5  # WHO, Human Rights Council, Special Procedures, UPR, treaty bodies
    assert {r.commitment_id for r in content.rubric} == {c.id for c in content.commitments}
    for r in content.rubric:
        assert r.questions and r.indicators and set(r.levels) == {"1", "3", "5"}


def test_corrected_references_keep_the_printed_text_and_a_reason(content: data.Content) -> None:
    (fixed,) = [r for r in content.references if r.printed]
    assert (fixed.commitment_id, fixed.ref, fixed.printed) == ("legal-guarantees", "4.o", "OP 4.0")
    assert "letter" in fixed.note


def test_frames_are_tidy_views(content: data.Content) -> None:
    refs = data.frame("references")
    assert len(refs) == len(content.references)
    assert set(refs["document"]) == set(TABLE1_DOCUMENTS)
    with pytest.raises(KeyError, match="unknown table"):
        data.frame("nope")


def test_data_dir_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    assert (data.data_dir() / "commitments.csv").is_file()
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))
    assert data.data_dir() == tmp_path
    assert data.data_dir(tmp_path / "x") == tmp_path / "x"  # an explicit root wins


def test_edits_are_picked_up_without_restarting(data_copy: Path) -> None:
    before = data.load(data_copy)
    path = data_copy / "commitments.csv"
    path.write_text(
        path.read_text().replace("Improving access to harm reduction interventions", "Harm reduction (edited)")
    )
    after = data.load(data_copy)
    assert after is not before
    assert after.commitment("harm-reduction").title == "Harm reduction (edited)"


# --------------------------------------------------------------------------- broken copies


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(root: Path) -> list[str]:
    return [str(p) for p in data.validate(root).problems]


def test_empty_required_cell_names_file_row_and_field(data_copy: Path) -> None:
    _edit(data_copy / "commitments.csv", "Improving access to harm reduction interventions", "")
    assert _problems(data_copy) == ["commitments.csv, row 4 (id 'harm-reduction'), field 'title': must not be empty"]


def test_unknown_commitment_in_references(data_copy: Path) -> None:
    _edit(data_copy / "references.csv", "gender,md2019,Preamble,PP,9", "gendr,md2019,Preamble,PP,9")
    (problem,) = _problems(data_copy)
    assert problem.startswith("references.csv, row ")
    assert "field 'commitment_id': 'gendr' is not an id in commitments.csv" in problem


def test_misspelt_section_lists_the_allowed_ones(data_copy: Path) -> None:
    _edit(data_copy / "references.csv", "gender,md2019,Preamble,PP,9", "gender,md2019,Preambel,PP,9")
    (problem,) = _problems(data_copy)
    assert (
        "field 'section': 'Preambel' is not a section of md2019; use 'Preamble', 'Stocktaking', 'Way forward'"
        in problem
    )


def test_impossible_date(data_copy: Path) -> None:
    _edit(data_copy / "timeline.csv", "2016-04-19,2016-04-21", "2016-13-19,2016-04-21")
    (problem,) = _problems(data_copy)
    assert problem == (
        "timeline.csv, row 4 (id 'ungass2016'), field 'date': must be a date written YYYY, YYYY-MM or YYYY-MM-DD"
    )


def test_an_event_that_ends_before_it_starts(data_copy: Path) -> None:
    _edit(data_copy / "timeline.csv", "pd2009-adopted,2009-03-11,2009-03-12,", "pd2009-adopted,2009-03-11,2009-03-10,")
    assert _problems(data_copy) == [
        "timeline.csv, row 2 (id 'pd2009-adopted'), field 'date_end': ends before it starts"
    ]


def test_later_fact_without_a_source(data_copy: Path) -> None:
    _edit(
        data_copy / "timeline.csv",
        ",later,CND decision 63/17 (E/2020/28/Add.1); https://www.drugsandalcohol.ie/38869/ ; https://vngoc.org/2020/12/cnd-reconvened-2020/,",
        ",later,,",
    )
    assert _problems(data_copy) == [
        "timeline.csv, row 11 (id 'cannabis-vote'), field 'source': a later fact must name its source"
    ]


def test_broken_yaml_names_the_line(data_copy: Path) -> None:
    path = data_copy / "asks.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    first_item = next(i for i, line in enumerate(lines) if line.startswith("- "))
    lines.insert(first_item + 1, "  title: [unclosed")
    path.write_text("\n".join(lines), encoding="utf-8")
    (problem,) = _problems(data_copy)
    assert problem.startswith("asks.yaml, line ") and "is not valid YAML" in problem


def test_rubric_needs_all_three_anchors(data_copy: Path) -> None:
    import yaml

    path = data_copy / "rubric.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    del items[2]["levels"]["5"]
    path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    (problem,) = _problems(data_copy)
    assert problem == (
        "rubric.yaml, item 3 (id 'harm-reduction'), field 'levels': "
        "needs a description for grades 1, 3 and 5 (missing: 5)"
    )


def test_unknown_column(data_copy: Path) -> None:
    _edit(data_copy / "documents.csv", "notes\n", "notes,colour\n")
    problems = _problems(data_copy)
    assert problems  # every row now has one cell too few for the header: reported per row, not a crash
    assert (
        "documents.csv, row 2 (id 'pd2009'), field 'colour': is not a known field; check its spelling or remove it"
        in problems
    )


def test_not_utf8(data_copy: Path) -> None:
    path = data_copy / "goals.csv"
    path.write_bytes(path.read_bytes().replace(b"greatly", "gr\xe9atly".encode("latin-1"), 1))
    (problem,) = _problems(data_copy)
    assert problem.startswith("goals.csv, line 2:") and "not UTF-8" in problem


def test_missing_file_and_several_problems_at_once(data_copy: Path) -> None:
    (data_copy / "workplan.csv").unlink()
    _edit(data_copy / "commitments.csv", "13,civil-society", "13,Civil Society")
    problems = _problems(data_copy)
    assert "workplan.csv: the file is missing" in problems
    assert any(p.startswith("commitments.csv, row 14 (id 'Civil Society'), field 'id'") for p in problems)
    with pytest.raises(data.DataError, match=r"workplan\.csv: the file is missing"):
        data.load(data_copy)


def test_byte_order_mark_from_a_spreadsheet_is_accepted(data_copy: Path) -> None:
    path = data_copy / "commitments.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert data.validate(data_copy).ok

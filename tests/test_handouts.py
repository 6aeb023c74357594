"""The printable handouts: built from data/, on the paper asked for, with what each must hold, in grey only."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdf
import pytest

from idpckit import data, handouts

A4 = handouts.PAPERS["a4"][1]
LETTER = handouts.PAPERS["letter"][1]


def _flat(text: str) -> str:
    """Extracted text with line breaks and runs of spaces made single spaces (wrapping splits phrases)."""
    return " ".join(text.split())


def _pages(path: Path) -> list[str]:
    return [_flat(p.extract_text() or "") for p in pypdf.PdfReader(path).pages]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("handouts")
    return {p.stem: p for p in handouts.build(out)}


@pytest.fixture(scope="module")
def content() -> data.Content:
    return data.load()


def test_every_available_handout_is_written_on_a4(built: dict[str, Path], content: data.Content) -> None:
    assert set(built) == {h.name for h in handouts.available(content)}
    assert {"table1", "grading-sheet", "calendar", "venues"} <= set(built)
    for name, path in built.items():
        reader = pypdf.PdfReader(path)
        assert len(reader.pages) >= 1, name
        for page in reader.pages:
            assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == (
                round(A4[0], 1),
                round(A4[1], 1),
            ), name


def test_letter_paper_on_request(tmp_path: Path) -> None:
    paths = {p.stem: p for p in handouts.build(tmp_path, paper="letter", names=["table1"])}
    for page in pypdf.PdfReader(paths["table1"]).pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == LETTER


def test_table1_holds_all_13_commitments_and_their_references(built: dict[str, Path], content: data.Content) -> None:
    from idpckit import table1

    text = " ".join(_pages(built["table1"]))
    assert len(content.commitments) == 13
    for c in content.commitments:
        assert _flat(c.title) in text, c.id
    for row in table1.rows(content):
        for doc in table1.TABLE1_DOCUMENTS:
            assert _flat(row[doc]) in text, (row["id"], doc)
    assert "A/RES/S-30/1" in text and "CEB/2018/2" in text


def test_grading_sheet_has_both_scales_and_the_anchors_one_commitment_a_page(
    built: dict[str, Path], content: data.Content
) -> None:
    pages = _pages(built["grading-sheet"])
    assert len(pages) == 1 + len(content.commitments)  # a cover with the blanks, then one page each
    for c, page in zip(content.commitments, pages[1:], strict=True):
        assert f"{c.number}. {_flat(c.title)}" in page
        assert "Grade (1-5):" in page and "Traffic light:" in page
        assert "Red: requires urgent attention" in page and "Green: good situation" in page
        for grade in ("1", "3", "5"):
            assert _flat(content.rubric_for(c.id).levels[grade]) in page, (c.id, grade)
        assert "Evidence" in page and "Recommendation to the government" in page


def test_calendar_shows_every_box1_year_and_the_later_plan(built: dict[str, Path], content: data.Content) -> None:
    text = " ".join(_pages(built["calendar"]))
    assert [y.year for y in content.workplan] == [2019, 2020, 2021, 2022, 2023, 2024]
    for y in content.workplan:
        assert str(y.year) in text
        assert _flat(y.topics) in text, y.year
    for year in range(2019, 2030):  # the grid runs to the end of the Declaration's timeline
        assert re.search(rf"\b{year}\b", text)
    assert "CND work plan 2024-2028" in text


def test_meeting_months_are_read_from_the_held_dates() -> None:
    assert handouts.meeting_months("23-25 October and 4-6 December 2023", 2023) == {10, 12}
    assert handouts.meeting_months("14-15 March 2024 (high-level segment of CND 67)", 2024) == {3}
    assert handouts.meeting_months("", 2020) == set()


def test_venues_list_every_action_and_keep_each_heading_with_its_text(
    built: dict[str, Path], content: data.Content
) -> None:
    pages = _pages(built["venues"])
    text = " ".join(pages)
    for city in ("Vienna", "Geneva", "New York"):
        assert handouts.CITY_HEADINGS[city] in text
    for a in content.avenues:
        for action in a.actions:
            assert _flat(action) in text, a.id
        # the venue's name and the first words of why it matters are on the same page
        assert any(_flat(a.venue) in p and _flat(a.why)[:40] in p for p in pages), a.id


def test_only_shades_of_grey_are_used(built: dict[str, Path]) -> None:
    """Every colour operator in every page is grey (r = g = b), so a black-and-white copy loses nothing."""
    colour = re.compile(rb"([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)\b")
    for name, path in built.items():
        for page in pypdf.PdfReader(path).pages:
            contents = page.get_contents()
            stream = contents.get_data() if contents is not None else b""
            for r, g, b in colour.findall(stream):
                assert float(r) == float(g) == float(b), (name, r, g, b)


def test_spanish_french_and_russian_text_prints(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(data.data_dir(), root)
    path = root / "commitments.csv"
    words = "Promover alternativas a la condena (niñas) – réduire la stigmatisation – Снижение вреда"
    text = path.read_text(encoding="utf-8").replace(
        "Improving access to harm reduction interventions", words.replace(",", "")
    )
    path.write_text(text, encoding="utf-8")
    out = handouts.build(tmp_path / "out", root=root, names=["table1"])
    table = next(p for p in out if p.stem == "table1")
    assert words in " ".join(_pages(table))
    fonts = {
        str(f["/BaseFont"])
        for page in pypdf.PdfReader(table).pages
        for f in (page["/Resources"]["/Font"].get_object().values())
    }
    assert all("DejaVu" in f for f in fonts), fonts


def test_a_paper_size_we_do_not_print_on_is_refused_in_words(tmp_path: Path) -> None:
    with pytest.raises(handouts.HandoutError, match="use a4 or letter"):
        handouts.build(tmp_path, paper="a3")
    assert not list(tmp_path.iterdir())


def test_unknown_or_unavailable_handouts_are_refused_in_words(tmp_path: Path) -> None:
    with pytest.raises(handouts.HandoutError, match="no handout called 'posters'"):
        handouts.build(tmp_path, names=["posters"])
    root = tmp_path / "data"
    shutil.copytree(data.data_dir(), root)
    (root / "calibration.yaml").unlink(missing_ok=True)
    # calibration.yaml is now part of the content (validated with the rest): its absence is a data problem
    with pytest.raises(data.DataError, match=r"calibration\.yaml: the file is missing"):
        handouts.build(tmp_path / "out", root=root, names=["calibration-answers"])


def test_broken_content_writes_nothing_and_names_the_file(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(data.data_dir(), root)
    (root / "workplan.csv").write_text("year,theme,topics\nnineteen,x,y\n", encoding="utf-8")
    with pytest.raises(data.DataError, match=r"workplan\.csv"):
        handouts.build(tmp_path / "out", root=root)
    assert not (tmp_path / "out").exists()


def test_pdf_streams_are_compressed(built: dict[str, Path]) -> None:
    """Handouts travel on USB sticks and by e-mail: fpdf2 compresses page streams (a sanity check on size)."""
    raw = built["table1"].read_bytes()
    assert b"/FlateDecode" in raw
    assert len(raw) < 400_000


VIGNETTES = """
- id: veridia-syringes
  commitment_id: harm-reduction
  title: Syringes in two cities
  evidence: Needle programmes run in the two largest cities and hand out about 60 syringes per person who injects each year. Opioid agonist therapy reaches 12 in 100 people dependent on opioids.
  grade: 2
  reasons:
    - Coverage is below the technical guide's low thresholds, as in the anchor for 1.
    - But services exist legally in two cities, which the anchor for 1 does not allow.
- id: veridia-morphine
  commitment_id: controlled-medicines
  title: Morphine in the capital only
  evidence: Oral morphine is on the essential medicines list but stocked only in the capital's cancer hospital.
  grade: "3"
  reasons:
    - Listed but not available where people live.
"""


def test_calibration_vignettes_without_grades_and_the_answer_sheet_apart(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(data.data_dir(), root)
    (root / "calibration.yaml").write_text(VIGNETTES, encoding="utf-8")
    out = {
        p.stem: p
        for p in handouts.build(tmp_path / "out", root=root, names=["calibration-vignettes", "calibration-answers"])
    }
    trainee = " ".join(_pages(out["calibration-vignettes"]))
    trainer = " ".join(_pages(out["calibration-answers"]))
    for text in (trainee, trainer):
        assert "Syringes in two cities" in text and "Morphine in the capital only" in text
        assert "about 60 syringes per person" in text
    assert "Reference grade" not in trainee, trainee
    assert "as in the anchor for 1" not in trainee and "Listed but not available" not in trainee
    assert "Reference grade: 2 (Serious shortcomings)" in trainer
    assert "Reference grade: 3 (Needs improvement)" in trainer
    assert "But services exist legally in two cities" in trainer
    assert "First grade:" in trainee and "After discussion:" in trainee


def test_a_vignette_with_a_bad_grade_is_reported_with_file_item_and_field(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(data.data_dir(), root)
    (root / "calibration.yaml").write_text(
        VIGNETTES.replace("grade: 2", "grade: 7").replace("controlled-medicines", "morphine"), encoding="utf-8"
    )
    # calibration.yaml is validated with the rest of data/ (idpckit.data), before any handout is written
    with pytest.raises(data.DataError) as info:
        handouts.build(tmp_path / "out", root=root, names=["calibration-answers"])
    message = str(info.value)
    assert "calibration.yaml, item 1 (id 'veridia-syringes'), field 'grade': 7 is too large" in message
    assert (
        "calibration.yaml, item 2 (id 'veridia-morphine'), field 'commitment_id': 'morphine' is not an id in commitments.csv"
        in message
    )
    assert not (tmp_path / "out").exists()


def test_the_command_writes_the_handouts_and_says_what_each_is_for(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from idpckit.cli import main

    result = CliRunner().invoke(main, ["handouts", "-o", str(tmp_path), "--paper", "letter", "--only", "calendar"])
    assert result.exit_code == 0, result.output
    assert "calendar.pdf" in result.output and "Lessons 3 and 5" in result.output
    page = pypdf.PdfReader(tmp_path / "calendar.pdf").pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == LETTER
    bad = CliRunner().invoke(main, ["handouts", "-o", str(tmp_path / "x"), "--only", "posters"])
    assert bad.exit_code == 1
    assert "There is no handout called 'posters'" in bad.output and "Traceback" not in bad.output


def test_the_veridia_dossier_prints_every_finding_and_no_grade(built: dict[str, Path], content: data.Content) -> None:
    text = " ".join(_pages(built["dossier"]))
    assert content.dossier
    for item in content.dossier:
        assert _flat(content.commitment(item.commitment_id).title) in text
        for finding in item.evidence:
            assert _flat(finding) in text
    assert "First grade:" in text and "After discussion:" in text and "Reference grade" not in text


def test_shipped_vignettes_are_printed_and_only_the_answer_sheet_has_their_grades(
    built: dict[str, Path], content: data.Content
) -> None:
    from idpckit import scales

    trainee = " ".join(_pages(built["calibration-vignettes"]))
    trainer = " ".join(_pages(built["calibration-answers"]))
    for v in content.calibration:
        assert _flat(v.title) in trainee and _flat(v.title) in trainer
        assert f"Reference grade: {v.grade} ({scales.FIVE_POINT[int(v.grade)].label})" in trainer
        assert _flat(v.reasons[0]) in trainer and _flat(v.reasons[0]) not in trainee


def test_the_workshop_guide_says_when_to_print_every_handout() -> None:
    guide = (Path(__file__).resolve().parent.parent / "workshop" / "README.md").read_text(encoding="utf-8")
    section = guide[guide.index("## What to print") :]
    for h in handouts.HANDOUTS:
        assert f"`{h.name}.pdf`" in section, h.name
    for command in ("idpckit handouts -o", "idpckit lessons --pdf", "idpckit slides -o"):
        assert command in section


def test_the_calendar_puts_the_2024_2028_plan_meetings_where_the_timeline_dates_them(content: data.Content) -> None:
    entries = handouts.calendar_entries(content)
    first = [e for e in entries if e.year == 2024 and e.mark == "T" and "2024-2028" in e.text]
    assert first and first[0].months == frozenset({11})  # November 2024, not October as in the 2019 plan
    assert not [e for e in entries if "Duterte" in e.text]  # only the CND's own calendar

"""`idpckit report`, `compare` and `aggregate`: plain errors, exit 1, and never a half-written output."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from idpckit.assessment import Assessment, Entry
from idpckit.assessment_io import write_json
from idpckit.cli import main


def review(year: int = 2024, country: str = "XVR", org: str = "Red Veridiana", **grades) -> Assessment:
    grades = grades or {"alternatives": 2, "stigma": 4}
    return Assessment(
        country=country,
        year=year,
        organisations=[org],
        fictional=country == "XVR",
        entries=[Entry(commitment_id=cid.replace("_", "-"), grade=g) for cid, g in grades.items()],
    )


def saved(tmp_path: Path, name: str, a: Assessment) -> Path:
    return write_json(a, tmp_path / name)


def run(*args: str | os.PathLike[str]):
    return CliRunner().invoke(main, [str(a) for a in args])


def leftovers(folder: Path) -> list[str]:
    """Temporary files an interrupted write would leave behind."""
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- report


@pytest.mark.parametrize("suffix", [".html", ".pdf"])
def test_report_writes_html_or_pdf_from_the_output_name(tmp_path: Path, suffix: str) -> None:
    src = saved(tmp_path, "veridia.json", review())
    out = tmp_path / f"out{suffix}"
    result = run("report", src, "-o", out)
    assert result.exit_code == 0, result.output
    payload = out.read_bytes()
    if suffix == ".pdf":
        assert payload.startswith(b"%PDF-")
    else:
        assert b"<!DOCTYPE html>" in payload and b"Veridia" in payload
    assert f"Wrote the {suffix[1:].upper()} report" in result.output


def test_report_of_a_shipped_example(tmp_path: Path) -> None:
    from idpckit.assessment_io import example_paths

    out = tmp_path / "example.html"
    result = run("report", example_paths()[0], "-o", out)
    assert result.exit_code == 0, result.output
    assert "Fictional example" in out.read_text(encoding="utf-8")


def test_report_refuses_an_output_name_it_cannot_place(tmp_path: Path) -> None:
    src = saved(tmp_path, "veridia.json", review())
    result = run("report", src, "-o", tmp_path / "out.docx")
    assert result.exit_code == 1
    assert "end it with .html or .pdf" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out.docx").exists()


def test_report_of_a_bad_file_names_it_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"country": "XVR", "year": 2024, "entries": [', encoding="utf-8")
    out = tmp_path / "out.html"
    result = run("report", bad, "-o", out)
    assert result.exit_code == 1
    assert "broken.json" in result.output and "Traceback" not in result.output
    assert not out.exists()
    missing = run("report", tmp_path / "nope.json", "-o", out)
    assert missing.exit_code == 1 and "nope.json" in missing.output


def test_a_pdf_renderer_failing_halfway_leaves_the_old_report_intact(tmp_path: Path, monkeypatch) -> None:
    import fpdf

    src = saved(tmp_path, "veridia.json", review())
    out = tmp_path / "report.pdf"
    out.write_bytes(b"%PDF-1.4 the report from last year")

    real_image = fpdf.FPDF.image

    def broken_image(self, *args, **kwargs):
        real_image(self, *args, **kwargs)  # some of the document is already built...
        raise RuntimeError("renderer crashed")  # ...when the renderer dies

    monkeypatch.setattr(fpdf.FPDF, "image", broken_image)
    result = run("report", src, "-o", out)
    assert result.exit_code == 1
    assert "unexpected error (RuntimeError: renderer crashed)" in result.output
    assert "Nothing was written" in result.output and "Traceback" not in result.output
    assert out.read_bytes() == b"%PDF-1.4 the report from last year"
    assert leftovers(tmp_path) == []


def test_a_disk_failing_during_the_write_leaves_the_old_report_intact(tmp_path: Path, monkeypatch) -> None:
    src = saved(tmp_path, "veridia.json", review())
    out = tmp_path / "report.html"
    out.write_text("old report", encoding="utf-8")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("idpckit.files.os.fsync", full_disk)
    result = run("report", src, "-o", out)
    assert result.exit_code == 1
    assert "could not write the HTML report" in result.output and "No space left on device" in result.output
    assert out.read_text(encoding="utf-8") == "old report"
    assert leftovers(tmp_path) == []


# --------------------------------------------------------------------------- compare


def test_compare_writes_the_year_on_year_page(tmp_path: Path) -> None:
    old = saved(tmp_path, "2023.json", review(2023, alternatives=2, stigma=4))
    new = saved(tmp_path, "2024.json", review(2024, alternatives=4, stigma=3))
    out = tmp_path / "changes.html"
    result = run("compare", old, new, "-o", out)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Improved (+2)" in html and "Worsened (−1)" in html


def test_compare_refuses_swapped_or_foreign_reviews_in_plain_words(tmp_path: Path) -> None:
    old = saved(tmp_path, "2023.json", review(2023))
    new = saved(tmp_path, "2024.json", review(2024))
    out = tmp_path / "changes.html"
    out.write_text("previous", encoding="utf-8")
    swapped = run("compare", new, old, "-o", out)
    assert swapped.exit_code == 1 and "give the older review first" in swapped.output
    other = saved(tmp_path, "col.json", review(2024, country="COL"))
    foreign = run("compare", old, other, "-o", out)
    assert foreign.exit_code == 1 and "different countries" in foreign.output
    assert out.read_text(encoding="utf-8") == "previous"
    assert run("compare", old, new, "-o", tmp_path / "changes.pdf").exit_code == 1


# --------------------------------------------------------------------------- aggregate


def coalition_folder(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "reviews"
    folder.mkdir()
    for i in range(n):
        write_json(review(org=f"NGO {i}", alternatives=1 + i % 5, stigma=3), folder / f"review-{i:03d}.json")
    return folder


def test_aggregate_to_csv_and_html_from_files_and_folders(tmp_path: Path) -> None:
    folder = coalition_folder(tmp_path, 5)
    out = tmp_path / "coalition.csv"
    result = run("aggregate", *sorted(folder.glob("*.json")), "-o", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["commitment_id"] for r in rows] == ["alternatives", "stigma"]
    assert rows[0]["disagree"] == "yes" and rows[1]["disagree"] == "no"
    assert "coalition view of 5 reviews" in result.output
    page = tmp_path / "coalition.html"
    assert run("aggregate", folder, "-o", page).exit_code == 0
    assert "Where assessors disagree" in page.read_text(encoding="utf-8")


def test_aggregate_stops_at_a_bad_file_unless_told_to_skip_it(tmp_path: Path) -> None:
    folder = coalition_folder(tmp_path, 3)
    (folder / "review-999.json").write_bytes(b"\xff\xfe not utf-8")
    out = tmp_path / "coalition.csv"
    strict = run("aggregate", folder, "-o", out)
    assert strict.exit_code == 1
    assert "review-999.json" in strict.output and "--skip-invalid" in strict.output
    assert not out.exists()
    lenient = run("aggregate", folder, "--skip-invalid", "-o", out)
    assert lenient.exit_code == 0, lenient.output
    assert "Skipped:" in lenient.output and "review-999.json" in lenient.output
    assert "3 reviews (1 file skipped)" in lenient.output


def test_aggregate_refuses_reviews_of_different_years(tmp_path: Path) -> None:
    a = saved(tmp_path, "a.json", review(2023))
    b = saved(tmp_path, "b.json", review(2024))
    result = run("aggregate", a, b, "-o", tmp_path / "c.csv")
    assert result.exit_code == 1 and "one country and year" in result.output
    assert not (tmp_path / "c.csv").exists()


def test_aggregate_shows_a_progress_bar_for_long_runs(tmp_path: Path) -> None:
    folder = coalition_folder(tmp_path, 60)
    result = run("aggregate", folder, "--progress", "-o", tmp_path / "c.csv")
    assert result.exit_code == 0, result.output
    assert "Reading reviews" in result.output and "60/60" in result.output
    quiet = run("aggregate", folder, "--no-progress", "-o", tmp_path / "c.csv")
    assert "Reading reviews" not in quiet.output

"""``idpckit room``: create, list, close and results, on a real SQLite store, as a trainer types them."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

from click.testing import CliRunner

from idpckit.assessment import Assessment, Entry
from idpckit.cli import main


def run(*args: object, env: dict | None = None, input: str | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, input=input)


def make_room(db: Path, name: str = "Nairobi") -> tuple[str, str]:
    made = run("room", "create", name, "--store", db)
    assert made.exit_code == 0, made.output
    lines = made.stdout.splitlines()
    assert len(lines) == 2
    code = re.fullmatch(r"room code: ([0-9A-Z]{4}-[0-9A-Z]{4})", lines[0]).group(1)
    key = re.fullmatch(r"trainer key: ((?:[0-9A-Z]{4}-){4}[0-9A-Z]{4})", lines[1]).group(1)
    return code, key


def review_file(tmp_path: Path, name: str, country: str, grades: dict) -> Path:
    a = Assessment(
        country=country,
        year=2025,
        organisations=[name],
        entries=[Entry(commitment_id=c, grade=g) for c, g in grades.items()],
    )
    path = tmp_path / f"{name}.json"
    path.write_text(a.to_json(), encoding="utf-8")
    return path


def test_a_trainer_runs_a_room_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    code, key = make_room(db)
    files = [
        review_file(tmp_path, "a", "KEN", {"alternatives": 1, "stigma": 4}),
        review_file(tmp_path, "b", "KEN", {"alternatives": 5, "stigma": 4}),
        review_file(tmp_path, "c", "UGA", {"alternatives": 2}),
    ]
    added = run("store", "add", *files, "--store", db, "--room", code.lower(), "--submit")
    assert added.exit_code == 0, added.output

    listed = run("room", "list", "--store", db)
    assert listed.exit_code == 0 and code in listed.stdout and "open" in listed.stdout and key not in listed.stdout

    out = tmp_path / "r.json"
    got = run("room", "results", code, "--key", key, "-o", out, "--store", db)
    assert got.exit_code == 0, got.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["submitted"] == 3 and [c["country"] for c in data["countries"]] == ["KEN", "UGA"]
    alt = data["countries"][0]["commitments"][0]
    assert alt["commitment_id"] == "alternatives" and alt["median"] == 3 and alt["disagree"] is True
    assert data["countries"][1]["alpha"] is None

    for suffix in ("csv", "html", "pdf", "zip"):
        target = tmp_path / f"r.{suffix}"
        made = run("room", "results", code, "-o", target, "--store", db, env={"IDPCKIT_ROOM_KEY": key})
        assert made.exit_code == 0, made.output
    assert len(list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8"))))) == 5
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "3 submitted reviews, 0 drafts not submitted" in html  # counted in words, not "review(s)"
    assert (
        "Kenya, 2025: 2 reviews" in html
        and "Uganda, 2025: 1 review<" in html
        and "⚠ Disagree" in html
        and ">a<" not in html
    )  # no names
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert "KEN-2025/001-a.json" in zipfile.ZipFile(tmp_path / "r.zip").namelist()

    # The key asked for without echo when not given.
    prompted = run("room", "close", code, "--store", db, input=key + "\n")
    assert prompted.exit_code == 0 and "is closed" in prompted.output and key not in prompted.output
    late = run("store", "add", files[0], "--store", db, "--room", code, "--submit")
    assert late.exit_code == 1 and "closed" in late.stderr and "nothing was added" in late.stderr
    assert "closed" in run("room", "list", "--store", db).stdout


def test_wrong_key_unknown_room_and_bad_output_exit_1_writing_nothing(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    code, key = make_room(db)
    out = tmp_path / "r.json"
    wrong = run("room", "results", code, "--key", "AAAA-AAAA-AAAA-AAAA-AAAA", "-o", out, "--store", db)
    assert wrong.exit_code == 1 and "does not open room" in wrong.stderr and "Traceback" not in wrong.output
    assert "AAAA-AAAA" not in wrong.output and not out.exists()
    unknown = run("room", "results", "ZZZZ-ZZZZ", "--key", key, "-o", out, "--store", db)
    assert unknown.exit_code == 1 and not out.exists()
    bad = run("room", "results", code, "--key", key, "-o", tmp_path / "r.txt", "--store", db)
    assert bad.exit_code == 1 and "end it with .json" in bad.stderr
    no_room = run("store", "add", review_file(tmp_path, "a", "KEN", {}), "--store", db, "--room", "QQQQ-QQQQ")
    assert no_room.exit_code == 1 and "There is no room QQQQ-QQQQ" in no_room.stderr
    assert run("room", "create", "  ", "--store", db).exit_code == 1
    # After a few wrong keys the room refuses tries for a while, with the wait in words.
    for _ in range(5):
        run("room", "close", code, "--key", "BBBB-BBBB-BBBB-BBBB-BBBB", "--store", db)
    blocked = run("room", "close", code, "--key", key, "--store", db)
    assert blocked.exit_code == 1 and re.search(r"Wait \d+ seconds", blocked.stderr)

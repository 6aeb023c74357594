"""The hostile files of ``hostile_files.py`` through every door that reads a review.

The doors: ``idpckit validate`` (every file), ``import``, ``report``, ``compare``,
``aggregate``, ``store add`` (a sample: one file of each kind of hostility, and every
large, accepted or not-a-file case), and the self-assessment app's upload widget (its
class, driven as the browser drives it; every file).  For each file and door a person must
get what they can act on:

* exit code 1 and one paragraph 'Could not read "FILE"...' naming what the case names
  (the field, the row, the column, the cell), never a traceback;
* within bounded time (each run is stopped by an alarm, and timed) and bounded memory
  (the large cases' peak memory is measured: the process's peak RSS, reset before the
  run where Linux allows it, else tracemalloc);
* nothing written: no output file, and the store exactly as it was after a refused
  ``store add``.

A few odd but harmless files are *accepted* (a UTF-8 byte-order mark, a lone surrogate
escape, markup in the evidence); for them every door succeeds and what it wrote reads back.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import hostile_files  # a helper module of this folder (pytest puts the folder on the path), not a test
import pytest
from click.testing import CliRunner

from idpckit import data
from idpckit.assessment_io import load_example
from idpckit.cli import main
from idpckit.store import Store

CASES = hostile_files.cases()
BY_NAME = {c.name: c for c in CASES}
#: A valid review under a sheet's name: the widget reads JSON by content, so it may compare with it.
JSON_INSIDE = {"json-named-csv.csv", "json-named-xlsx.xlsx"}
#: The slower doors read through the same function as ``validate`` (``cli.assess.read_any``):
#: ``validate`` reads the whole corpus (in the fast loop), each slower door a sample of it, one
#: case of every kind of hostility plus every large, accepted and not-a-file case
#: (``hostile_files.sample``; the full suite and CI run them, the fast loop leaves them out).
SLOW_DOORS = ("import", "report", "compare", "aggregate", "store add")
SAMPLE = [c.name for c in hostile_files.sample(CASES)]
DOOR_CASES = [
    *((c.name, "validate") for c in CASES),
    *(pytest.param(name, door, marks=pytest.mark.slow) for door in SLOW_DOORS for name in SAMPLE),
]
#: Seconds one door may take on one file (the worst measured is well under 2 s on a busy 2-core machine).
TIME_LIMIT = 15.0
#: Extra memory one door may use on one file.  The worst measured is about 60 MB; openpyxl
#: on a sheet that declares A1:XFD1048576 would need many gigabytes.
MEMORY_LIMIT_MB = 200


def test_the_corpus_is_hundreds_of_files_of_every_kind() -> None:
    kinds = {k: sum(1 for c in CASES if c.kind == k) for k in ("json", "csv", "xlsx", "path")}
    assert len(CASES) >= 250, len(CASES)
    assert kinds["json"] >= 100 and kinds["csv"] >= 40 and kinds["xlsx"] >= 60 and kinds["path"] >= 5, kinds


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="module")
def good(folder: Path) -> Path:
    """A valid review, for the other side of ``compare``."""
    path = folder / "good-review.json"
    path.write_text(load_example("veridia-2023").to_json(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def same_year(folder: Path) -> Path:
    """A valid review of the corpus's country and year, for the other side of ``aggregate``."""
    path = folder / "same-year-review.json"
    path.write_text(
        load_example("veridia-2024").model_copy(update={"organisations": ["Other NGO"]}).to_json(), encoding="utf-8"
    )
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store that already holds one review, so a damaged store would show."""
    store = Store(tmp_path_factory.mktemp("store") / "store.sqlite3")
    store.save_draft(load_example("veridia-2024"))
    return store


def snapshot(store: Store) -> list[tuple[str, str, int, str]]:
    return [(s.code, s.status, s.revision, s.assessment.to_json()) for s in store.reviews()]


def _alarm(_signum: int, _frame: object) -> None:
    raise TimeoutError(f"a door took more than {TIME_LIMIT} s")


def _peak_rss_kb() -> int | None:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(match.group(1)) if match else None


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # Linux: reset the peak RSS to the current RSS
    except OSError:
        return False
    return True


@contextlib.contextmanager
def bounded(measure: bool) -> Iterator[dict[str, float]]:
    """Run the body under an alarm; time it and, if ``measure``, take its peak memory in MB."""
    figures: dict[str, float] = {}
    rss = measure and _reset_peak() and _peak_rss_kb() is not None
    before = _peak_rss_kb() if rss else None
    if measure and not rss:
        tracemalloc.start()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
    start = time.perf_counter()
    try:
        yield figures
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        figures["seconds"] = time.perf_counter() - start
        if rss and before is not None:
            figures["mb"] = ((_peak_rss_kb() or before) - before) / 1024
        elif measure:
            figures["mb"] = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()


def _args(door: str, path: Path, out: Path, good: Path, same_year: Path, store: Store) -> list[str]:
    return {
        "validate": ["validate", str(path)],
        "import": ["import", str(path), "-o", str(out / "out.json")],
        "report": ["report", str(path), "-o", str(out / "out.html")],
        "compare": ["compare", str(good), str(path), "-o", str(out / "out.html")],
        "aggregate": ["aggregate", str(same_year), str(path), "-o", str(out / "out.html")],
        "store add": ["store", "add", str(path), "--store", store.url],
    }[door]


def _shown_name(case: hostile_files.Hostile, door: str) -> str:
    # A folder given to the commands that take folders stands for the files inside it.
    if case.name == "a-folder.json" and door in ("validate", "aggregate", "store add"):
        return "inside.json"
    return case.name


def test_the_slow_doors_sample_every_kind_of_hostility_and_every_large_accepted_or_odd_path_case() -> None:
    sampled = set(SAMPLE)
    assert {hostile_files.family(c) for c in CASES} == {hostile_files.family(BY_NAME[n]) for n in sampled}
    assert {c.name for c in CASES if c.big or c.accepted or c.kind == "path"} <= sampled
    assert 80 <= len(sampled) < len(CASES) / 2, len(sampled)


@pytest.mark.parametrize(("name", "door"), DOOR_CASES)
def test_every_door_refuses_in_words(
    name: str, door: str, folder: Path, good: Path, same_year: Path, store: Store, tmp_path: Path
) -> None:
    case = BY_NAME[name]
    path = hostile_files.write(case, folder)
    before = snapshot(store)
    with bounded(case.big) as figures:
        result = CliRunner().invoke(main, _args(door, path, tmp_path, good, same_year, store))
    text = result.output
    assert "Traceback" not in text and not isinstance(result.exception, Exception | KeyboardInterrupt), (
        result.exception,
        text,
    )
    assert figures["seconds"] < TIME_LIMIT
    if case.big:
        assert figures["mb"] < MEMORY_LIMIT_MB, f"{door} on {name} used {figures['mb']:.0f} MB"
    if case.accepted:
        assert result.exit_code == 0, text
        if door == "import":
            back = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
            assert "\ud800" not in json.dumps(back) and back["country"] == "XVR"
        if door == "store add":
            assert len(snapshot(store)) == len(before) + 1
        return
    assert result.exit_code == 1, text
    shown = _shown_name(case, door)
    message = next((line for line in text.splitlines() if f'Could not read "{shown}"' in line), None)
    assert message is not None, text
    for fragment in case.expect if shown == case.name else ():
        assert fragment.lower() in message.lower(), f"{fragment!r} not in: {message}"
    assert len(message) < 1_000, "the message repeats too much of the file"
    assert not list(tmp_path.iterdir()), "a refused file must leave no output behind"
    assert snapshot(store) == before, "a refused store add must leave the store as it was"


# --------------------------------------------------------------------------- the app's upload widget


@pytest.fixture(scope="module")
def summary():
    from idpckit.widgets.self_assessment.summary import SummaryStep

    step = SummaryStep(data.load(), on_go=lambda _where: None, on_submit=lambda: True)
    step.assessment = load_example("veridia-2024")
    return step


def _upload(summary, payload: bytes, name: str) -> None:
    """Deliver a file as the browser does: a state message deserialised by the FileUpload widget."""
    summary.upload.set_state(
        {
            "value": [
                {
                    "name": name,
                    "type": "application/json",
                    "size": len(payload),
                    "content": memoryview(payload),
                    "last_modified": 1_700_000_000_000,
                }
            ]
        }
    )


@pytest.mark.slow  # the whole corpus again, through the widget's class: the full suite runs it
@pytest.mark.parametrize("name", [c.name for c in CASES if c.kind != "path"])
def test_the_upload_widget_refuses_in_words(name: str, folder: Path, summary) -> None:
    case = BY_NAME[name]
    payload = hostile_files.write(case, folder).read_bytes()
    mine = summary.assessment
    with bounded(case.big) as figures:
        _upload(summary, payload, name)
    message = summary.upload_message.message
    assert figures["seconds"] < TIME_LIMIT
    if case.big:
        assert figures["mb"] < MEMORY_LIMIT_MB, f"the upload of {name} used {figures['mb']:.0f} MB"
    assert "something went wrong" not in message.lower() and "Traceback" not in message, message
    assert summary.assessment is mine, "an upload must never change the review being edited"
    assert summary.upload.value == (), "the uploaded bytes must not be kept in the widget"
    if (case.accepted and case.kind == "json") or name in JSON_INSIDE:
        assert summary.upload_message.kind == "ok", message
        return
    assert summary.upload_message.kind == "error", message
    assert f'"{name}"' in message and "Nothing has changed in your review." in message, message
    if case.kind == "json":  # the widget reads JSON; a sheet is refused as "not JSON"
        for fragment in case.expect:
            assert fragment.lower() in message.lower(), f"{fragment!r} not in: {message}"

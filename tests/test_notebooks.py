"""Every notebook in notebooks/: hygiene (fast) and execution top to bottom in a real kernel (slow).

Execution runs with the notebook's folder as the working directory, as Voilà
does, with a matplotlib backend that needs no display, and with a throw-away
store so that apps which save drafts never touch a real per-user database.  A
notebook that fails is written, with its outputs, to ``test-artifacts/`` so the
traceback can be read after the run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from idpckit import data, exercises, lessons

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
ARTIFACTS = REPO / "test-artifacts" / "notebooks"

#: The notebook-level metadata every notebook carries (notes/contracts.md).
KEYS = {"kind", "order", "title", "summary", "teaching", "exercises", "objectives", "keypoints"}
OPTIONAL_KEYS = {"preheat", "audience"}  # apps only: a ready kernel for it; "trainers" keeps it off the index
LESSONS = [f"{n:02d}" for n in range(8)]
MINE = ["00-start-here", "01-road-to-2019", "02-four-asks", "03-ministerial-declaration"]
LATER = {
    4: REPO / "notebooks" / "04-table1.ipynb",
    5: REPO / "notebooks" / "05-calendar-and-venues.ipynb",
    6: REPO / "notebooks" / "06-grading-your-government.ipynb",
    7: REPO / "notebooks" / "07-together-and-over-time.ipynb",
}
FROM_DATA = re.compile(r"""(?<![\w.])checks\.from_data\(\s*["']([\w.-]+)["']\s*,\s*["']([\w-]+)["']""")


def _nb(stem: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "notebooks" / f"{stem}.ipynb", as_version=4)


@pytest.fixture(scope="module")
def content() -> data.Content:
    return data.load()


def _ids(path: Path) -> str:
    return path.name


def test_the_lessons_exist():
    names = [p.name for p in NOTEBOOKS]
    for stem in ("00-start-here", "01-road-to-2019", "02-four-asks", "03-ministerial-declaration"):
        assert f"{stem}.ipynb" in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_hygiene(path: Path):
    """Valid nbformat, committed without outputs or execution counts, and with its idpckit metadata."""
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    assert nb.nbformat == 4
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {i} was committed with outputs"
            assert cell.execution_count is None, f"{path.name}: cell {i} was committed with an execution count"
    meta = nb.metadata.get("idpckit")
    assert isinstance(meta, dict), f"{path.name}: no 'idpckit' notebook metadata"
    assert KEYS <= set(meta) <= KEYS | OPTIONAL_KEYS, (
        f"{path.name}: metadata keys {sorted(meta)} differ from {sorted(KEYS)}"
    )
    assert meta["kind"] in ("lesson", "app")
    assert isinstance(meta["order"], int) and isinstance(meta["teaching"], int) and isinstance(meta["exercises"], int)
    assert meta["title"].strip() and meta["summary"].strip() and "\n" not in meta["summary"]
    assert all(isinstance(x, str) and x.strip() for x in meta["objectives"] + meta["keypoints"])
    if meta["kind"] == "lesson":
        assert path.name[:2] in LESSONS and int(path.name[:2]) == meta["order"], "lesson order must match its file"
        assert meta["objectives"] and meta["keypoints"]
        assert meta["teaching"] + meta["exercises"] > 0


@pytest.mark.parametrize("stem", MINE)
def test_top_states_time_and_objectives_from_metadata(stem):
    """The Markdown at the top (readable before anything runs) must agree with the metadata."""
    nb = _nb(stem)
    meta = nb.metadata["idpckit"]
    top = nb.cells[0]
    assert top.cell_type == "markdown" and top.source.startswith(f"# Lesson {meta['order']}: {meta['title']}")
    assert f"about {meta['teaching'] + meta['exercises']} minutes" in top.source
    assert f"{meta['teaching']} minutes of teaching" in top.source
    assert f"{meta['exercises']} minutes of exercises" in top.source
    listed = re.findall(r"^- (.+)$", top.source, flags=re.M)
    assert listed == meta["objectives"], "objectives at the top differ from the notebook metadata"


@pytest.mark.parametrize("stem", MINE)
def test_key_points_at_the_end_match_metadata(stem):
    nb = _nb(stem)
    last = nb.cells[-1]
    assert last.cell_type == "markdown" and last.source.startswith("## Key points")
    assert re.findall(r"^- (.+)$", last.source, flags=re.M) == nb.metadata["idpckit"]["keypoints"]


@pytest.mark.parametrize("stem", MINE)
def test_each_lesson_has_an_exercise_and_uses_all_of_its_exercises(stem):
    code = "\n".join(c.source for c in _nb(stem).cells if c.cell_type == "code")
    used = FROM_DATA.findall(code)
    assert used, f"{stem} has no knowledge check"
    assert {name for name, _ in used} == {stem}, "a lesson uses the exercise file named after it"
    assert sorted(i for _, i in used) == sorted(exercises.load(stem).specs), "every exercise in the file is used"
    assert any(spec.kind != "reflection" for spec in exercises.load(stem).specs.values()), "needs a checked exercise"


@pytest.mark.parametrize("stem", MINE)
def test_code_cells_stay_thin(stem):
    """Notebooks are prose plus one or two calls into idpckit per code cell."""
    for cell in _nb(stem).cells:
        if cell.cell_type != "code":
            continue
        lines = [
            line for line in cell.source.splitlines() if line.strip() and not line.startswith(("from ", "import "))
        ]
        assert 1 <= len(lines) <= 2, f"{stem}: code cell too long:\n{cell.source}"
        assert "def " not in cell.source and "class " not in cell.source


def test_every_from_data_call_in_any_notebook_names_a_real_exercise():
    """Other lessons and apps use the checks too; a typo in an id would only show up in a browser."""
    for path in sorted(NOTEBOOKS):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                for name, ex_id in FROM_DATA.findall(cell.source):
                    assert ex_id in exercises.load(name).specs, f"{path.name}: no exercise {name}/{ex_id}"


@pytest.mark.parametrize("order", sorted(LATER))
def test_lesson_notebook_shape(order):
    path = LATER[order]
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    meta = nb.metadata["idpckit"]
    assert meta["kind"] == "lesson" and meta["order"] == order
    for key in ("title", "summary", "teaching", "exercises", "objectives", "keypoints"):
        assert meta[key], key
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "committed without outputs"
    top, bottom = nb.cells[0].source, nb.cells[-1].source
    assert f"Lesson {order}: {meta['title']}" in top
    assert f"about {meta['teaching'] + meta['exercises']} minutes" in top
    assert all(o in top for o in meta["objectives"]), "objectives at the top match the metadata"
    assert bottom.startswith("## Key points") and all(k in bottom for k in meta["keypoints"])
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert re.search(r"checks\.from_data|Table1Quiz\(|AdvocacyPlanBuilder\(", code), "at least one exercise"
    assert "../data" not in code and "open(" not in code, "notebooks read data through idpckit"
    assert max(len(c.source.splitlines()) for c in nb.cells if c.cell_type == "code") <= 8, "thin cells"


def test_lesson_metadata_passes_the_catalog_schema():
    from idpckit import catalog

    for path in LATER.values():
        catalog.Metadata.model_validate(json.loads(path.read_text(encoding="utf-8"))["metadata"]["idpckit"])


def test_every_exercise_a_notebook_names_exists(content):
    for path in LATER.values():
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        for name, ex_id in re.findall(r'checks\.from_data\("([^"]+)", "([^"]+)"\)', code):
            assert ex_id in exercises.load(name, content).specs, (path.name, name, ex_id)


def test_lesson_6_points_to_the_self_assessment_app():
    nb = nbformat.read(LATER[6], as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "](self-assessment.ipynb)" in text
    assert (REPO / "notebooks" / "self-assessment.ipynb").is_file()


#: Applied checks (a scenario, a draft to judge, a statement to place) are titled "Apply it: ...".
APPLIED = "Apply it:"
#: A trainee should meet an applied check at least every this many minutes of reading (issue 11: 10-15).
MAX_READING_MINUTES = 15
HELPER = re.compile(r"^lessons\.(\w+)\(\)$", flags=re.M)


def _reading_stretches(stem: str) -> list[float]:
    """Minutes of reading before each applied check, and after the last one.

    The lesson states its teaching time; it is spread over the words a trainee reads: the prose and the text
    of the tables and cards the ``lessons`` helpers render (a table of eleven challenges is reading too).
    """
    nb = _nb(stem)
    words: list[tuple[int, bool]] = []  # (words in the cell, the cell is an applied check)
    for cell in nb.cells[1:-1]:  # the top (objectives) and the key points are not teaching
        if cell.cell_type == "markdown":
            words.append((len(re.findall(r"[\w'’-]+", cell.source)), False))
            continue
        text = " ".join(str(getattr(lessons, name)()) for name in HELPER.findall(cell.source))
        applied = any(
            exercises.load(name).specs[ident].title.startswith(APPLIED)
            for name, ident in FROM_DATA.findall(cell.source)
        )
        words.append((len(re.findall(r"[\w'’-]+", re.sub(r"<[^>]+>", " ", text))), applied))
    per_word = nb.metadata["idpckit"]["teaching"] / sum(n for n, _ in words)
    stretches, since = [], 0
    for n, applied in words:
        since += n
        if applied:
            stretches.append(since * per_word)
            since = 0
    return [*stretches, since * per_word]


@pytest.mark.parametrize("stem", ["03-ministerial-declaration"])
def test_an_applied_check_comes_every_10_to_15_minutes_of_reading(stem):
    stretches = _reading_stretches(stem)
    assert len(stretches) >= 3, f"{stem}: fewer than two applied checks"
    assert max(stretches) <= MAX_READING_MINUTES, f"{stem}: minutes of reading between checks {stretches}"
    for name, ident in FROM_DATA.findall("\n".join(c.source for c in _nb(stem).cells if c.cell_type == "code")):
        spec = exercises.load(name).specs[ident]
        if spec.title.startswith(APPLIED):  # one right answer, and every wrong one says what it misunderstands
            assert sum(o.correct for o in spec.options) == 1 and all(o.why for o in spec.options), ident


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_executes_top_to_bottom(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("IDPCKIT_STORE", str(tmp_path / "store.sqlite3"))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError:
        _keep(nb, path)
        raise
    problems = [
        (i, out.get("ename") or out.get("text", "")[:300])
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error" or (out.output_type == "stream" and out.get("name") == "stderr")
    ]
    if problems:
        _keep(nb, path)
    # Voilà shows stderr in the page: a warning there is something a trainee would see.
    assert not problems, f"{path.name}: error or stderr output in cells {problems}"
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert not code or any(cell.outputs for cell in code), f"{path.name}: no code cell showed anything"


def _keep(nb: nbformat.NotebookNode, path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, ARTIFACTS / path.name)

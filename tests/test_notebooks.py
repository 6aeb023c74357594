"""Every notebook in notebooks/, in one place: its hygiene and shape (fast), then its execution top to
bottom in a real kernel (slow).

Hygiene: valid nbformat 4, committed without outputs or execution counts, run by the ``python3``
kernel, with the ``idpckit`` metadata the index, the page titles and the catalog read. Shape: a
lesson opens with its title, time and objectives and ends with its key points, exactly as its
metadata says; every code cell is one call into idpckit (imports aside), so the logic lives in
the package where it is tested; every exercise a notebook names exists, and a lesson uses all of
the exercises in its own files.

Execution runs with the notebook's folder as the working directory, as Voilà
does, with a matplotlib backend that needs no display, and with a throw-away
store so that apps which save drafts never touch a real per-user database; one
kernel runs them all, each from a clean start (tests/notebook_kernel.py).  A
notebook that fails is written, with its outputs, to ``test-artifacts/`` so the
traceback can be read after the run.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest

from idpckit import catalog, exercises, lessons

if TYPE_CHECKING:
    from notebook_kernel import NotebookKernel

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
ARTIFACTS = REPO / "test-artifacts" / "notebooks"

#: The notebook-level metadata every notebook carries (the schema is idpckit.catalog.Metadata).
KEYS = {"kind", "order", "title", "summary", "teaching", "exercises", "objectives", "keypoints"}
OPTIONAL_KEYS = {"preheat", "audience"}  # apps only: a ready kernel for it; "trainers" keeps it off the index
LESSON_FILES = [
    "00-start-here",
    "01-road-to-2019",
    "02-four-asks",
    "03-ministerial-declaration",
    "04-table1",
    "05-calendar-and-venues",
    "06-grading-your-government",
    "07-together-and-over-time",
]
APP_FILES = ["room-dashboard", "self-assessment", "table1-explorer"]
LESSONS = [REPO / "notebooks" / f"{stem}.ipynb" for stem in LESSON_FILES]
#: ``checks.from_data("file", "id")`` and ``computed_checks.from_data(...)``: an exercise named in a code cell.
FROM_DATA = re.compile(r"""(?<![\w.])(?:computed_)?checks\.from_data\(\s*["']([\w.-]+)["']\s*,\s*["']([\w-]+)["']""")
#: The exercise widgets a lesson may show instead of (or besides) a check from data/exercises/.
EXERCISE_WIDGETS = re.compile(r"Table1Quiz\(|AdvocacyPlanBuilder\(")
#: The most lines one code cell may take (a call whose description string is wrapped by the formatter).
CELL_LINES = 8


def _ids(path: Path) -> str:
    return path.name


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _nb(stem: str) -> nbformat.NotebookNode:
    return _read(REPO / "notebooks" / f"{stem}.ipynb")


def _code(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def test_the_lessons_and_apps_exist():
    names = {p.stem for p in NOTEBOOKS}
    assert set(LESSON_FILES) | set(APP_FILES) <= names


# --------------------------------------------------------------------------- hygiene (every notebook)


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
    # Voilà starts the kernel the notebook names: another name would leave the page without one.
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", f"{path.name}: kernelspec is not python3"
    meta = nb.metadata.get("idpckit")
    assert isinstance(meta, dict), f"{path.name}: no 'idpckit' notebook metadata"
    assert KEYS <= set(meta) <= KEYS | OPTIONAL_KEYS, (
        f"{path.name}: metadata keys {sorted(meta)} differ from {sorted(KEYS)}"
    )
    assert meta["kind"] in ("lesson", "app")
    assert isinstance(meta["order"], int) and isinstance(meta["teaching"], int) and isinstance(meta["exercises"], int)
    # The title names the browser tab and the index entry; the summary is the index's one line.
    assert meta["title"].strip() and meta["summary"].strip() and "\n" not in meta["summary"]
    assert all(isinstance(x, str) and x.strip() for x in meta["objectives"] + meta["keypoints"])
    catalog.Metadata.model_validate(meta)  # the schema the index and the catalog load it with
    if meta["kind"] == "lesson":
        assert path.stem in LESSON_FILES and int(path.name[:2]) == meta["order"], "lesson order must match its file"
        assert meta["objectives"] and meta["keypoints"]
        assert meta["teaching"] > 0 and meta["exercises"] > 0, "a lesson both teaches and exercises"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_each_code_cell_is_one_call(path: Path):
    """Notebooks are prose plus one call into idpckit per code cell: the logic lives in the package, tested.

    Imports aside, a cell holds one statement: an expression whose value is shown, or a name given
    to one call's result for the next cells to use. No function, class, loop or second statement.
    """
    code = _code(_read(path))
    assert code, f"{path.name} has no code cell"
    for source in code:
        body = [node for node in ast.parse(source).body if not isinstance(node, ast.Import | ast.ImportFrom)]
        assert len(body) == 1, f"{path.name}: a code cell holds {len(body)} statements:\n{source}"
        (node,) = body
        one_call = isinstance(node, ast.Expr) or (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
        )
        assert one_call, f"{path.name}: a code cell is not one call:\n{source}"
        assert len(source.splitlines()) <= CELL_LINES, f"{path.name}: code cell too long:\n{source}"
        assert "../data" not in source and "open(" not in source, f"{path.name}: notebooks read data through idpckit"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_every_exercise_a_notebook_names_exists(path: Path):
    """A typo in an exercise's file or id would otherwise only show up in a browser."""
    for name, ex_id in FROM_DATA.findall("\n".join(_code(_read(path)))):
        assert ex_id in exercises.load(name).specs, f"{path.name}: no exercise {name}/{ex_id}"


# --------------------------------------------------------------------------- a lesson's shape


@pytest.mark.parametrize("path", LESSONS, ids=_ids)
def test_top_states_time_and_objectives_from_metadata(path: Path):
    """The Markdown at the top (readable before anything runs) must agree with the metadata."""
    nb = _read(path)
    meta = nb.metadata["idpckit"]
    assert meta["kind"] == "lesson"
    top = nb.cells[0]
    assert top.cell_type == "markdown" and top.source.startswith(f"# Lesson {meta['order']}: {meta['title']}")
    assert f"about {meta['teaching'] + meta['exercises']} minutes" in top.source
    assert f"{meta['teaching']} minutes of teaching" in top.source
    assert f"{meta['exercises']} minutes of exercises" in top.source
    listed = re.findall(r"^- (.+)$", top.source, flags=re.M)
    assert listed == meta["objectives"], "objectives at the top differ from the notebook metadata"


@pytest.mark.parametrize("path", LESSONS, ids=_ids)
def test_key_points_at_the_end_match_metadata(path: Path):
    nb = _read(path)
    last = nb.cells[-1]
    assert last.cell_type == "markdown" and last.source.startswith("## Key points")
    assert re.findall(r"^- (.+)$", last.source, flags=re.M) == nb.metadata["idpckit"]["keypoints"]


@pytest.mark.parametrize("path", LESSONS, ids=_ids)
def test_each_lesson_has_an_exercise_and_uses_all_of_its_exercises(path: Path):
    code = "\n".join(_code(_read(path)))
    used = FROM_DATA.findall(code)
    assert used or EXERCISE_WIDGETS.search(code), f"{path.name} has no exercise"
    files = {name for name, _ in used}
    assert all(name.startswith(path.name[:3]) for name in files), f"{path.name} uses another lesson's exercises"
    checked = False
    for name in files:
        specs = exercises.load(name).specs
        assert {i for n, i in used if n == name} == set(specs), f"every exercise in {name}.yaml is used"
        checked |= any(getattr(spec, "kind", "computed") != "reflection" for spec in specs.values())
    assert checked or EXERCISE_WIDGETS.search(code), f"{path.name} needs an exercise with a checked answer"


def test_lesson_6_points_to_the_self_assessment_app():
    nb = _read(REPO / "notebooks" / "06-grading-your-government.ipynb")
    text = "\n".join(c.source for c in nb.cells)
    assert "](self-assessment.ipynb)" in text
    assert (REPO / "notebooks" / "self-assessment.ipynb").is_file()


# --------------------------------------------------------------------------- reading between checks


#: Applied checks (a scenario, a draft to judge, a statement to place) are titled "Apply it: ...".
APPLIED = "Apply it:"
#: A trainee should meet an applied check at least every this many minutes of reading (issue 11: 10-15).
MAX_READING_MINUTES = 15
HELPER = re.compile(r"^lessons\.(\w+)\((.*)\)$", flags=re.M)
#: Helpers that render cards to read; the others render tables, which are looked up rather than read line by
#: line, so their words count a quarter.
CARDS = {"goals", "asks", "venues", "venue_card", "calibration_vignettes"}


def _reading_stretches(stem: str) -> list[float]:
    """Minutes of reading before each applied check, and after the last one.

    The lesson states its teaching time; it is spread over the words a trainee reads: the prose and the text
    of the cards and tables the ``lessons`` helpers render (a table counts a quarter of its words: it is looked
    up, not read line by line).
    """
    nb = _nb(stem)
    words: list[tuple[int, bool]] = []  # (words in the cell, the cell is an applied check)
    for cell in nb.cells[1:-1]:  # the top (objectives) and the key points are not teaching
        if cell.cell_type == "markdown":
            words.append((len(re.findall(r"[\w'’-]+", cell.source)), False))
            continue
        shown = [
            (name, str(eval(f"lessons.{name}({args})", {"lessons": lessons})))
            for name, args in HELPER.findall(cell.source)
        ]
        applied = any(
            exercises.load(name).specs[ident].title.startswith(APPLIED)
            for name, ident in FROM_DATA.findall(cell.source)
        )
        read = sum(
            len(re.findall(r"[\w'’-]+", re.sub(r"<[^>]+>", " ", html))) // (1 if name in CARDS else 4)
            for name, html in shown
        )
        words.append((read, applied))
    per_word = nb.metadata["idpckit"]["teaching"] / sum(n for n, _ in words)
    stretches, since = [], 0
    for n, applied in words:
        since += n
        if applied:
            stretches.append(since * per_word)
            since = 0
    return [*stretches, since * per_word]


@pytest.mark.parametrize("stem", ["01-road-to-2019", "02-four-asks", "03-ministerial-declaration", "04-table1"])
def test_an_applied_check_comes_every_10_to_15_minutes_of_reading(stem):
    stretches = _reading_stretches(stem)
    assert len(stretches) >= 3, f"{stem}: fewer than two applied checks"
    assert max(stretches) <= MAX_READING_MINUTES, f"{stem}: minutes of reading between checks {stretches}"
    for name, ident in FROM_DATA.findall("\n".join(c.source for c in _nb(stem).cells if c.cell_type == "code")):
        spec = exercises.load(name).specs[ident]
        if spec.title.startswith(APPLIED):  # one right answer, and every wrong one says what it misunderstands
            assert sum(o.correct for o in spec.options) == 1 and all(o.why for o in spec.options), ident


# --------------------------------------------------------------------------- execution (slow)


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_executes_top_to_bottom(path: Path, tmp_path: Path, notebook_kernel: NotebookKernel):
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    try:
        notebook_kernel.run(nb, path.parent, str(tmp_path / "store.sqlite3"))
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

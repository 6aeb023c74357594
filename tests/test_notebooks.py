"""Every notebook in notebooks/: hygiene (fast) and execution top to bottom in a real kernel (slow).

Execution runs with the notebook's folder as the working directory, as Voilà
does, with a matplotlib backend that needs no display, and with a throw-away
store so that apps which save drafts never touch a real per-user database.  A
notebook that fails is written, with its outputs, to ``test-artifacts/`` so the
traceback can be read after the run.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
ARTIFACTS = REPO / "test-artifacts" / "notebooks"

#: The notebook-level metadata every notebook carries (notes/contracts.md).
KEYS = {"kind", "order", "title", "summary", "teaching", "exercises", "objectives", "keypoints"}
OPTIONAL_KEYS = {"preheat", "audience"}  # apps only: a ready kernel for it; "trainers" keeps it off the index
LESSONS = [f"{n:02d}" for n in range(8)]


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

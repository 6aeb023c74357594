"""The notebook tests' shared kernel (tests/notebook_kernel.py) starts each notebook clean.

One kernel runs every lesson and app, so a notebook could pass only because the one before left
it a name, an import, a language, a saved review or a working directory; alone (in Voilà, in a
fresh kernel) it would then fail.  Each test here runs a notebook that leaves such a thing
behind, then one that relies on it, and proves the second fails or does not see it, as in a
kernel of its own.  Marked ``notebooks``: they run in a real kernel.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError, DeadKernelError

if TYPE_CHECKING:
    from notebook_kernel import NotebookKernel

pytestmark = pytest.mark.notebooks

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"


def notebook(*cells: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])


def html_of(nb: nbformat.NotebookNode) -> str:
    return "".join(out.get("data", {}).get("text/html", "") for cell in nb.cells for out in cell.outputs)


def test_a_name_or_an_import_left_by_the_notebook_before_is_gone(notebook_kernel: NotebookKernel, tmp_path: Path):
    # Within one notebook a name carries from cell to cell: the failures below come from the clean start.
    notebook_kernel.run(notebook("left_behind = 42\nimport json", "json.dumps(left_behind)"), tmp_path, "")
    for relies_on, name in (("left_behind", "left_behind"), ("json.dumps(1)", "json")):
        with pytest.raises(CellExecutionError, match=f"name '{name}' is not defined") as failed:
            notebook_kernel.run(notebook(relies_on), tmp_path, "")
        assert failed.value.ename == "NameError"


def test_an_english_lesson_after_a_french_one_speaks_english_and_links_from_its_own_folder(
    notebook_kernel: NotebookKernel, tmp_path: Path
):
    """``lessons.use_language`` keeps the lesson's language in the kit's own modules, not only in the namespace."""
    overview = "from idpckit import lessons\nlessons.overview()"
    french = notebook('from idpckit import lessons\nlessons.use_language("fr")', overview)
    notebook_kernel.run(french, NOTEBOOKS / "fr", str(tmp_path / "fr.sqlite3"))
    assert "Objectifs" in html_of(french) and 'href="../' in html_of(french)  # what the French lesson left behind

    english = notebook(overview)
    notebook_kernel.run(english, NOTEBOOKS, str(tmp_path / "en.sqlite3"))
    page = html_of(english)
    assert "Objectives" in page and "Objectifs" not in page
    assert 'href="01-road-to-2019.ipynb"' in page and 'href="../' not in page


def test_a_review_saved_by_the_notebook_before_is_not_in_the_next_ones_store(
    notebook_kernel: NotebookKernel, tmp_path: Path
):
    save = """\
import datetime as dt
from idpckit.assessment import Assessment, Entry
from idpckit.store import Store
entry = Entry(commitment_id="harm-reduction", grade=3)
review = Assessment(country="XVR", year=2024, organisations=["Test NGO"], date=dt.date(2024, 9, 1), entries=[entry])
Store().save_draft(review)
assert len(Store().reviews()) == 1"""
    notebook_kernel.run(notebook(save), tmp_path, str(tmp_path / "first.sqlite3"))
    assert (tmp_path / "first.sqlite3").exists()
    notebook_kernel.run(
        notebook("from idpckit.store import Store\nassert Store().reviews() == [], Store().reviews()"),
        tmp_path,
        str(tmp_path / "second.sqlite3"),
    )


def test_the_folder_figures_and_widgets_of_the_notebook_before_are_gone(
    notebook_kernel: NotebookKernel, tmp_path: Path
):
    leave = "import os, ipywidgets, matplotlib.pyplot as plt\nos.chdir('/')\nplt.figure()\nipywidgets.Button()"
    notebook_kernel.run(notebook(leave), tmp_path, "")
    check = f"""\
import os, ipywidgets, matplotlib.pyplot as plt
assert os.getcwd() == {str(tmp_path)!r}, os.getcwd()
assert plt.get_fignums() == [], plt.get_fignums()
assert not ipywidgets.widgets.widget._instances, ipywidgets.widgets.widget._instances"""
    notebook_kernel.run(notebook(check), tmp_path, "")


def test_a_notebook_that_kills_its_kernel_fails_and_the_next_one_gets_a_new_kernel(
    notebook_kernel: NotebookKernel, tmp_path: Path
):
    before = notebook_kernel.started
    with pytest.raises(DeadKernelError):
        notebook_kernel.run(notebook("import os\nos._exit(1)"), tmp_path, "")
    after = notebook("print('alive')")
    notebook_kernel.run(after, tmp_path, "")
    assert after.cells[0].outputs[0]["text"] == "alive\n"
    assert notebook_kernel.started == before + 1

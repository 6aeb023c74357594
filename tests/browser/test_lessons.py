"""Every lesson and app opens in Voilà as a new user would see it: rendered, no code, no error."""

from __future__ import annotations

import pytest
from voila_helpers import error_outputs

from idpckit import catalog

pytestmark = pytest.mark.browser

_scan = catalog.scan()
# Notebooks with broken metadata are still opened here (tests/test_catalog.py reports the metadata).
NOTEBOOKS = [e.name for e in _scan.entries] + [p.file for p in _scan.problems if p.file.endswith(".ipynb")]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_renders_without_errors_or_code(name: str, open_notebook) -> None:
    page = open_notebook(name)
    assert error_outputs(page) == []
    # Sources are stripped: no code cell inputs reach the page.
    assert page.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor, .cm-editor").count() == 0
    assert page.locator("#rendered_cells").inner_text().strip()  # something is shown

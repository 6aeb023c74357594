"""Browser tabs say what is in them: each served notebook's <title> is its catalog title, not its file name.

A trainee with the index, two lessons and the self-assessment open in tabs used to see
"00-start-here", "04-table1"...  The title is read from the first bytes Voilà streams
(the head comes before any cell runs), for a lesson, the explorer and the app.
"""

from __future__ import annotations

import html
import re
import urllib.request

import pytest

from idpckit import catalog

pytestmark = pytest.mark.browser

ENTRIES = {e.name: e for e in catalog.catalog()}
NOTEBOOKS = ["04-table1.ipynb", "table1-explorer.ipynb", "self-assessment.ipynb"]


def served_title(url: str) -> str:
    head = b""
    with urllib.request.urlopen(url, timeout=60) as response:
        while b"</title>" not in head and len(head) < 200_000:
            chunk = response.read(4096)
            if not chunk:
                break
            head += chunk
    found = re.search(rb"<title>(.*?)</title>", head, re.S)
    assert found, "no <title> in the page's head"
    return html.unescape(found.group(1).decode("utf-8")).strip()


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_the_tab_title_is_the_notebooks_title(kit_server, notebook: str) -> None:
    entry = ENTRIES[notebook]
    title = served_title(kit_server.url(notebook))
    assert title == f"{entry.title} · idpckit"
    assert notebook.removesuffix(".ipynb") not in title


@pytest.mark.parametrize(
    ("notebook", "query", "title"),
    [
        ("self-assessment.ipynb", "lang=es", "Autoevaluación: califique a su gobierno"),
        ("self-assessment.ipynb", "lang=ru", "Самооценка: оцените своё правительство"),
        ("fr/04-table1.ipynb", "", "Tableau 1 : les engagements et leurs ancrages"),
    ],
)
def test_the_tab_title_is_in_the_pages_language(kit_server, notebook: str, query: str, title: str) -> None:
    assert served_title(kit_server.url(notebook, query)) == f"{title} · idpckit"

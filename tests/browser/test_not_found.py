"""An address that names no notebook, on a real ``idpckit serve``: the kit's own 404 page, in words.

A mistyped lesson link, an old bookmark, a visitor trying paths: each gets status 404
and the kit's short page (its stylesheet, a heading in words, a link back to the
lessons), never Voilà's or Tornado's error page, a traceback, or a path on the server.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from idpckit import i18n
from idpckit.serve import guards
from idpckit.style import css

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
UNKNOWN = [
    "voila/render/no-such-lesson.ipynb",
    "voila/render/03-no-such-lesson.ipynb?lang=es",
    "voila/render/es/no-such-lesson.ipynb",
    "voila/render/..%2F..%2F..%2Fetc%2Fpasswd.ipynb",
    "voila/render/" + "x" * 3000 + ".ipynb",
    "no/such/page",
    # Out of a template's static folder (Voilà's handler asserted it stayed inside: a 500).
    "voila/templates/idpckit/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "voila/templates/lab/static/..%2f..%2f..%2fetc/passwd",
]


@pytest.mark.parametrize("path", UNKNOWN)
def test_an_unknown_page_is_a_404_in_the_kits_words(kit_server, path: str) -> None:
    r = httpx.get(kit_server.base + path, timeout=60)
    assert r.status_code == 404, (path, r.status_code, r.text[:300])
    page = r.text
    # The page speaks the language asked for (?lang=es), like every page of the kit; English otherwise.
    lang = "es" if "lang=es" in path else "en"
    with i18n.language(lang):
        title, back = i18n._(guards.ERROR_WORDS[404][0]), i18n._("The lessons and apps")
    assert f'<html lang="{lang}">' in page
    assert f"<h1>{title}</h1>" in page and f"<title>{title}</title>" in page
    assert css("message.css").strip()[:80] in page  # the kit's own look
    assert re.search(rf'<a href="/(\?lang=es)?">{re.escape(back)}</a>', page), page[-600:]
    for leak in ("Traceback", "tornado", "Voil", "jupyter", "site-packages", str(REPO), "/root", "/tmp", "500"):
        assert leak.lower() not in page.lower(), (path, leak)


#: Files the server refuses to send: a notebook itself, and paths climbing out of the notebooks and Voilà's static folder.
REFUSED = [
    "voila/files/self-assessment.ipynb",
    "voila/files/%2e%2e/pyproject.toml",
    "voila/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
]


@pytest.mark.parametrize("path", REFUSED)
def test_a_refused_file_is_a_403_in_the_kits_words(kit_server, path: str) -> None:
    r = httpx.get(kit_server.base + path, timeout=60)
    assert r.status_code == 403, (path, r.status_code, r.text[:300])
    title = guards.ERROR_WORDS[403][0]
    assert f"<h1>{title}</h1>" in r.text, r.text[:300]  # was Tornado's bare "403: Forbidden"
    for leak in ("Traceback", "tornado", "Forbidden", "root:", str(REPO)):
        assert leak.lower() not in r.text.lower(), (path, leak)

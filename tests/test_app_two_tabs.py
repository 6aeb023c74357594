"""Two tabs (two app instances, two kernels) on one review: nothing either saved is lost.

The store refuses a save based on an old revision (tests/test_store_revision.py); the app
then merges per commitment and says so in words.  On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from idpckit import data
from idpckit.store import Store
from idpckit.widgets.self_assessment import SelfAssessmentApp

TODAY = dt.date(2025, 9, 15)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return request.getfixturevalue("pg_database")


@pytest.fixture(scope="module")
def content() -> data.Content:
    return data.load()


def tab(url: str, content: data.Content, code: str | None = None) -> SelfAssessmentApp:
    app = SelfAssessmentApp(store=Store(url), content=content, today=TODAY)
    if code:
        app.apply_query({"code": code})
    return app


def started(url: str, content: data.Content) -> tuple[SelfAssessmentApp, str]:
    app = tab(url, content)
    app.welcome.start.click()
    app.setup.country.value = "Colombia"
    app.setup.organisations.value = "Elementa"
    app.next.click()
    assert app.code is not None
    return app, app.code


def edit(app: SelfAssessmentApp, commitment_id: str, evidence: str) -> None:
    app.go(commitment_id)
    app.steps[commitment_id].evidence.value = evidence


def test_two_tabs_editing_different_commitments_both_keep_their_work(url: str, content: data.Content) -> None:
    first, second = (c.id for c in content.commitments[:2])
    a, code = started(url, content)
    b = tab(url, content, code)  # "open in a new tab"
    assert b.code == code
    edit(a, first, "Tab A's evidence")
    edit(b, second, "Tab B's evidence")  # B's copy predates A's save: the store refuses it, the app merges
    saved = Store(url).load(code).assessment
    assert saved.entry(first).evidence == "Tab A's evidence"
    assert saved.entry(second).evidence == "Tab B's evidence"
    assert "both sets of changes are saved" in b.errors.message
    edit(a, first, "Tab A again")  # A is now stale too: merged the same way
    saved = Store(url).load(code).assessment
    assert (saved.entry(first).evidence, saved.entry(second).evidence) == ("Tab A again", "Tab B's evidence")


def test_two_tabs_editing_the_same_commitment_lose_neither_version(url: str, content: data.Content) -> None:
    first = content.commitments[0].id
    a, code = started(url, content)
    b = tab(url, content, code)
    edit(a, first, "A's words")
    edit(b, first, "B's words")
    saved = Store(url).load(code).assessment
    assert saved.entry(first).evidence == "A's words"  # what was saved first is not overwritten ...
    assert b.steps[first].evidence.value == "B's words"  # ... and B's words are still on B's page
    message = b.errors.message
    assert "both changed" in message and "yours is still on this page" in message
    assert f"commitment {content.commitments[0].number}" in message

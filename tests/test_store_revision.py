"""Two tabs (two kernels: two Store objects, or two processes) on one review never erase each other.

Every save carries the revision it was based on; the store checks it in the same UPDATE
that writes, so a stale save is refused and nothing is overwritten.  On SQLite and on a
real PostgreSQL (``postgres`` marker).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from idpckit.assessment import Assessment, Entry
from idpckit.store import StaleSave, Store


def review(evidence: str, commitment: str = "harm-reduction", grade: int = 3) -> Assessment:
    return Assessment(
        country="XVR",
        year=2024,
        organisations=["Test NGO"],
        date=dt.date(2024, 9, 1),
        entries=[Entry(commitment_id=commitment, grade=grade, evidence=evidence)],
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return request.getfixturevalue("pg_database")


def test_a_stale_save_from_another_tab_is_refused_and_overwrites_nothing(url: str) -> None:
    tab_a, tab_b = Store(url), Store(url)  # two kernels, one review
    code = tab_a.save_draft(review("first"))
    opened_a = tab_a.load(code).revision
    opened_b = tab_b.load(code).revision
    assert opened_a == opened_b == 1

    tab_a.save_draft(review("A's evidence"), code, based_on=opened_a)
    with pytest.raises(StaleSave) as refused:
        tab_b.save_draft(review("B's evidence"), code, based_on=opened_b)
    assert "was saved elsewhere" in str(refused.value) and "nothing was overwritten" in str(refused.value)
    assert refused.value.stored.revision == 2
    assert refused.value.stored.assessment.entries[0].evidence == "A's evidence"  # what B can merge with
    assert tab_a.load(code).assessment.entries[0].evidence == "A's evidence"

    # B reloads (revision 2) and saves on top: accepted, revision 3.
    tab_b.save_draft(review("B's evidence, after reloading"), code, based_on=refused.value.stored.revision)
    assert Store(url).load(code).revision == 3
    with pytest.raises(StaleSave):
        tab_a.save_draft(review("A again, stale"), code, based_on=2)


def test_saves_without_a_revision_still_work_for_the_command_line(url: str) -> None:
    s = Store(url)
    code = s.save_draft(review("x"))
    s.save_draft(review("y"), code)
    assert s.load(code).revision == 2


def _save_based_on(url: str, code: str, based_on: int, text: str, barrier: object, out: object) -> None:
    s = Store(url)
    barrier.wait()
    try:
        s.save_draft(review(text), code, based_on=based_on)
        out.put(("saved", text))
    except StaleSave:
        out.put(("stale", text))


def test_two_processes_saving_the_same_revision_at_once_one_wins(url: str, processes) -> None:
    s = Store(url)
    code = s.save_draft(review("start"))
    ctx = processes
    barrier, out = ctx.Barrier(4), ctx.Queue()
    procs = [ctx.Process(target=_save_based_on, args=(url, code, 1, f"tab {i}", barrier, out)) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    results = sorted(out.get(timeout=10) for _ in procs)
    saved = [text for kind, text in results if kind == "saved"]
    assert len(saved) == 1 and sum(kind == "stale" for kind, _ in results) == 3, results
    stored = s.load(code)
    assert stored.revision == 2 and stored.assessment.entries[0].evidence == saved[0]

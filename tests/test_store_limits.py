"""The store on a read-only disk and on a full one, for real: messages in words, nothing damaged.

The file systems are real: a tmpfs of a few hundred kilobytes, filled to the last byte
(``ENOSPC``), and a tmpfs remounted read-only (``EROFS``), mounted for the test when the
suite runs as root with the right to mount (as on the team's machine and in CI's
container).  Without that right, the full disk is SQLite's own ``SQLITE_FULL`` from
``PRAGMA max_page_count`` on every connection, and the read-only store is a file and
folder this (non-root) user may not write.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from idpckit import data
from idpckit.assessment import MAX_TEXT
from idpckit.assessment_io import load_example, parse_assessment
from idpckit.cli import main
from idpckit.rooms import Rooms
from idpckit.store import Store

EXAMPLE = data.data_dir() / "examples" / "veridia-2024.json"


def _mount(target: Path, options: str) -> bool:
    if os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True)
    return done.returncode == 0


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], capture_output=True, check=False)


@dataclass
class Disk:
    folder: Path
    how: str  # "tmpfs" or "max_page_count" / "chmod"

    def fill(self) -> None:
        """Take every free byte of the disk (a real ENOSPC afterwards)."""
        if self.how != "tmpfs":
            return
        chunk = b"\0" * 4096
        with contextlib.suppress(OSError), open(self.folder / "filler", "wb", buffering=0) as handle:
            while True:
                handle.write(chunk)

    def free(self) -> None:
        (self.folder / "filler").unlink(missing_ok=True)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Disk]:
    folder = tmp_path / "disk"
    folder.mkdir()
    if _mount(folder, "size=600k"):
        try:
            yield Disk(folder, "tmpfs")
        finally:
            _umount(folder)
    else:
        yield Disk(folder, "max_page_count")


def _cap_pages(store: Store, disk: Disk) -> Callable[[], None]:
    """Without a tiny file system: SQLite's real SQLITE_FULL, as soon as the database needs new pages.

    Returns what undoes it (the counterpart of freeing space on the disk)."""
    if disk.how == "tmpfs":
        return lambda: None
    with store.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar() + 1

    def cap(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    sa.event.listen(store.engine, "connect", cap)
    store.engine.dispose()

    def uncap() -> None:
        sa.event.remove(store.engine, "connect", cap)
        store.engine.dispose()

    return uncap


def snapshot(path: Path) -> list[tuple]:
    """The reviews as the file holds them, read with sqlite3 itself; and a check of the whole file."""
    immutable = "" if os.access(path.parent, os.W_OK) else "&immutable=1"  # a read-only folder has no WAL index
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro{immutable}", uri=True)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute("SELECT code, status, revision, body FROM reviews ORDER BY code").fetchall()


def big_review_files(folder: Path, n: int) -> list[Path]:
    """Reviews with every text near the limit: together far larger than the disk's free space."""
    a = load_example("veridia-2024")
    for e in a.entries:
        e.evidence = "e" * (MAX_TEXT - 1)
        e.recommendation = "r" * (MAX_TEXT - 1)
    paths = []
    for i in range(n):
        path = folder / f"big-{i}.json"
        path.write_text(a.to_json(), encoding="utf-8")
        paths.append(path)
    return paths


def test_store_add_on_a_full_disk_adds_nothing_and_says_so(tiny_disk: Disk, tmp_path: Path) -> None:
    path = tiny_disk.folder / "store.sqlite3"
    store = Store(path)
    store.save_draft(load_example("veridia-2024"))
    uncap = _cap_pages(store, tiny_disk)
    before = snapshot(path)
    files = big_review_files(tmp_path, 4)
    tiny_disk.fill()

    result = CliRunner().invoke(main, ["store", "add", *map(str, files), "--store", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, Exception)
    assert "nothing was added" in result.output
    assert "could not save because the disk it is on is full" in result.output, result.output
    assert "sqlite" not in result.output.lower().replace(str(path).lower(), "")  # words, not the driver's
    assert snapshot(path) == before  # all or nothing, and the file is sound

    tiny_disk.free()
    uncap()
    result = CliRunner().invoke(main, ["store", "add", str(EXAMPLE), "--store", str(path)])
    assert result.exit_code == 0, result.output  # once there is room, adding works again
    assert len(snapshot(path)) == len(before) + 1


def test_autosave_on_a_full_disk_says_so_and_saves_once_there_is_room(tiny_disk: Disk) -> None:
    from idpckit.widgets.self_assessment import SelfAssessmentApp

    path = tiny_disk.folder / "store.sqlite3"
    store = Store(path)
    app = SelfAssessmentApp(store=store, content=data.load())
    app.welcome.start.click()
    app.setup.country.value = "Colombia"
    app.setup.organisations.value = "Elementa"
    app.next.click()
    step = app.steps[app.position]
    step.evidence.value = "Saved before the disk filled up"
    code = app.code
    assert store.load(code).assessment.entries[0].evidence == "Saved before the disk filled up"
    uncap = _cap_pages(store, tiny_disk)
    before = snapshot(path)
    tiny_disk.fill()

    long_ones = [c.id for c in data.load().commitments[:5]]
    for cid in long_ones:  # texts near the limit: the file must grow, and there is no room left
        app.jump.value = cid
        app.steps[cid].recommendation.value = "r" * (MAX_TEXT - 1)
    message = app.errors.message
    assert app.errors.kind == "error" and "Your last change could not be saved." in message, message
    assert "the disk it is on is full" in message and "StoreError" not in message, message
    assert "Not saved" in app.save_status.value
    assert snapshot(path) == before

    tiny_disk.free()
    uncap()
    app.jump.value = cid
    app.steps[cid].evidence.value = "Saved once there was room again"
    saved = store.load(code).assessment
    assert saved.entry(cid).evidence == "Saved once there was room again"
    assert [saved.entry(c).recommendation for c in long_ones] == ["r" * (MAX_TEXT - 1)] * 5  # nothing typed lost
    assert app.errors.kind is None, app.errors.message  # the error is gone once saving works again
    assert "Not saved" not in app.save_status.value


@dataclass
class ReadOnlyStore:
    """A store on a read-only disk: its file, a draft's code, a room with one submitted review and its key."""

    path: Path
    code: str
    room: str
    key: str


@pytest.fixture
def read_only_store(tmp_path: Path) -> Iterator[ReadOnlyStore]:
    """A store holding a draft and a room, on a read-only disk (or, for a non-root user, in a read-only folder)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    mounted = _mount(folder, "size=2m")
    if not mounted and os.geteuid() == 0:
        pytest.skip("running as root without the right to mount: root may write any file, so no read-only disk")
    store = Store(folder / "store.sqlite3")
    code = store.save_draft(load_example("veridia-2024"))
    room, key = Rooms(store).create("Archived workshop")
    added = CliRunner().invoke(
        main, ["store", "add", str(EXAMPLE), "--store", store.url, "--room", room.code, "--submit"]
    )
    assert added.exit_code == 0, added.output
    store.engine.dispose()  # close the file, as a finished server would
    try:
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        else:
            (folder / "store.sqlite3").chmod(0o444)
            folder.chmod(0o555)
        _assert_refuses_writes(folder / "store.sqlite3")
        yield ReadOnlyStore(folder / "store.sqlite3", code, room.code, key)
    finally:
        if mounted:
            _umount(folder)
        else:
            folder.chmod(0o755)


def _assert_refuses_writes(path: Path) -> None:
    """The disk itself refuses this process (root too): SQLite cannot write the file, nor anything be made beside it.

    So what the kit shows on it is what a read-only store really does, not our code's guess.
    """
    with pytest.raises(OSError):
        (path.parent / "probe").write_bytes(b"x")
    with contextlib.closing(sqlite3.connect(str(path))) as conn, pytest.raises(sqlite3.OperationalError) as err:
        conn.execute("DELETE FROM reviews")
        conn.commit()
    assert "readonly" in str(err.value) or "unable to open" in str(err.value), err.value


def test_a_read_only_store_is_read_and_refuses_changes_in_words(read_only_store: ReadOnlyStore) -> None:
    path, code = read_only_store.path, read_only_store.code
    runner = CliRunner()
    listed = runner.invoke(main, ["store", "list", "--store", str(path)])
    assert listed.exit_code == 0, listed.output
    assert code in listed.output and "read-only: it can be read, not changed" in listed.output
    shown = runner.invoke(main, ["store", "show", code, "--store", str(path)])
    assert shown.exit_code == 0 and '"country": "XVR"' in shown.output, shown.output
    info = runner.invoke(main, ["store", "info", "--store", str(path)])
    assert info.exit_code == 0 and "drafts:     1" in info.output, info.output

    added = runner.invoke(main, ["store", "add", str(EXAMPLE), "--store", str(path)])
    assert added.exit_code == 1
    assert "Traceback" not in added.output and not isinstance(added.exception, Exception)
    assert f"The store {path} is read-only" in added.output and "nothing can be saved in it" in added.output
    assert "attempt to write" not in added.output  # SQLite's words are not shown
    assert len(snapshot(path)) == 2  # the draft and the room's review, as they were


def test_a_read_only_stores_rooms_are_listed_and_their_results_written(
    read_only_store: ReadOnlyStore, tmp_path: Path
) -> None:
    """A trainer reads an archived workshop's rooms and results from a store they may not write."""
    ro, runner = read_only_store, CliRunner()
    listed = runner.invoke(main, ["room", "list", "--store", str(ro.path)])
    assert listed.exit_code == 0, listed.output
    assert ro.room in listed.output and "Archived workshop" in listed.output
    assert "read-only: it can be read, not changed" in listed.output
    out = tmp_path / "results.json"
    written = runner.invoke(
        main, ["room", "results", ro.room, "--key", ro.key, "-o", str(out), "--store", str(ro.path)]
    )
    assert written.exit_code == 0, written.output
    assert json.loads(out.read_text(encoding="utf-8"))["submitted"] == 1
    wrong = runner.invoke(
        main, ["room", "results", ro.room, "--key", "X" * 24, "-o", str(out), "--store", str(ro.path)]
    )
    assert wrong.exit_code == 1 and "This trainer key does not open room" in wrong.output, wrong.output
    assert "Traceback" not in wrong.output and "nothing can be saved" not in wrong.output
    closed = runner.invoke(main, ["room", "close", ro.room, "--key", ro.key, "--store", str(ro.path)])
    assert closed.exit_code == 1 and "is read-only" in closed.output, closed.output


def test_the_app_on_a_read_only_store_says_it_cannot_save_and_keeps_what_was_typed(
    read_only_store: ReadOnlyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app as a server on a read-only store builds it (the store from IDPCKIT_STORE, opened on first use)."""
    from idpckit.widgets.self_assessment import SelfAssessmentApp

    monkeypatch.setenv("IDPCKIT_STORE", str(read_only_store.path))
    before = snapshot(read_only_store.path)
    content = data.load()
    app = SelfAssessmentApp(content=content)
    app.welcome.start.click()
    app.setup.country.value = "Colombia"
    app.setup.organisations.value = "Elementa"
    app.next.click()
    first = content.commitments[0]
    step = app.steps[first.id]
    step.grade.buttons.value = 4
    step.evidence.value = "Typed on a server that cannot save"

    assert app.store.read_only
    status = app.save_status.value
    assert "role='alert'" in status and "this server cannot save reviews (its store is read-only)" in status, status
    assert "download a copy from the summary" in status
    assert "Traceback" not in status and "StoreError" not in status and "attempt to write" not in status
    assert app.code is None and snapshot(read_only_store.path) == before  # nothing written, the file sound
    # What was typed stays in the page, and the summary's JSON download holds it.
    app.jump.value = first.id
    assert app.steps[first.id].evidence.value == "Typed on a server that cannot save"
    app.jump.value = "summary"
    assert "this server cannot save" in app.save_status.value  # still said on the summary
    files = app.summary.files
    json_name = next(name for name in files if name.endswith(".json"))
    saved = parse_assessment(files[json_name], json_name)
    assert saved.entry(first.id).grade == 4 and saved.entry(first.id).evidence == "Typed on a server that cannot save"
    # Submitting is refused in words, not with a traceback; the review stays a draft in the page.
    assert app.submit() is False
    assert app.status != "submitted" and "cannot save reviews" in app.save_status.value
    assert snapshot(read_only_store.path) == before


def test_a_resumed_review_on_a_read_only_store_opens_and_cannot_be_submitted(
    read_only_store: ReadOnlyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resume link on an archived workshop's store shows the review; a change or a submit says it cannot save."""
    from idpckit.widgets.self_assessment import SelfAssessmentApp

    monkeypatch.setenv("IDPCKIT_STORE", str(read_only_store.path))
    before = snapshot(read_only_store.path)
    app = SelfAssessmentApp(content=data.load())
    app.apply_query({"code": read_only_store.code})
    assert app.code == read_only_store.code and app.assessment is not None
    assert app.assessment.country == "XVR"
    first = app.assessment.entries[0].commitment_id
    app.jump.value = first
    app.steps[first].evidence.value = "Changed on a server that cannot save"
    assert "this server cannot save reviews" in app.save_status.value
    assert app.assessment.entry(first).evidence == "Changed on a server that cannot save"  # kept in the page
    assert app.submit() is False
    assert "cannot submit this one" in app.errors.message, app.errors.message
    assert "this server cannot save reviews" in app.save_status.value
    assert snapshot(read_only_store.path) == before


def test_the_room_dashboard_on_a_read_only_store_shows_the_room_and_says_it_cannot_change_it(
    read_only_store: ReadOnlyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An archived workshop's room, opened by its trainer on a server that may only read the store."""
    from idpckit.widgets.room_dashboard import RoomDashboard

    monkeypatch.setenv("IDPCKIT_STORE", str(read_only_store.path))
    before = snapshot(read_only_store.path)
    ui = RoomDashboard(content=data.load(), auto_refresh=False)
    ui.room_code.value, ui.key.value = read_only_store.room, read_only_store.key
    ui.open_button.click()
    assert ui.errors.message == "" and ui.body.layout.display == "flex", ui.errors.message
    assert "<strong>1</strong> submitted" in ui.people.value and "Archived workshop" in ui.status.value
    assert (
        ui.manage_message.kind == "info" and "store is read-only: the room can be viewed" in ui.manage_message.message
    )
    assert all(b.disabled for b in (ui.move_button, ui.withdraw_button, ui.delete_button, ui.close_button))
    ui.prepare_downloads()  # the results still download
    assert "<a download=" in ui.downloads.value
    # Asked anyway (a stale page, a script): refused in words, nothing changed.
    ui.ask_close()
    ui.confirm_button.click()
    assert "is read-only" in ui.manage_message.message and "Traceback" not in ui.manage_message.message
    assert snapshot(read_only_store.path) == before


def test_a_store_opened_with_mode_ro_is_read_and_sqlite_refuses_changes(tmp_path: Path) -> None:
    """A trainer shows an archived workshop without any risk to it: ``?mode=ro`` in the store's address.

    SQLite itself refuses the writes (root too, on a disk anyone may write), and the kit says so in words.
    """
    from idpckit.serve import _store_read_only

    path = tmp_path / "archive.sqlite3"
    store = Store(path)
    code = store.save_draft(load_example("veridia-2024"))
    store.engine.dispose()
    before = snapshot(path)
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    with (
        contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn,
        pytest.raises(sqlite3.OperationalError, match="readonly"),
    ):
        conn.execute("DELETE FROM reviews")
    runner = CliRunner()
    listed = runner.invoke(main, ["store", "list", "--store", url])
    assert listed.exit_code == 0 and code in listed.output, listed.output
    assert "read-only: it can be read, not changed" in listed.output
    added = runner.invoke(main, ["store", "add", str(EXAMPLE), "--store", url])
    assert added.exit_code == 1 and not isinstance(added.exception, Exception), added.output
    assert "is opened for reading only (its address asks for mode=ro or immutable=1)" in added.output
    assert "attempt to write" not in added.output and "Traceback" not in added.output
    assert _store_read_only(url) is True and _store_read_only(str(path)) is False  # what serve says at start-up
    assert snapshot(path) == before

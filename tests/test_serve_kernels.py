"""Kernel sockets' paths and the hub's short runtime folders (idpckit.serve.kernels), without starting kernels.

The lengths are checked against the connection file jupyter_client itself writes for an
IPC kernel, so a change in how it names its sockets fails here, not on a trainee's page.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client import KernelManager

from idpckit.serve import kernels


def socket_paths(connection_dir: Path) -> list[str]:
    """The socket files jupyter_client names for a kernel in ``connection_dir`` (its own connection file)."""
    km = KernelManager(transport="ipc", connection_file=str(connection_dir / f"kernel-{uuid.uuid4()}.json"))
    km.write_connection_file()
    info = json.loads(Path(km.connection_file).read_text())
    km.cleanup_connection_file()
    channels = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")
    return [f"{info['ip']}-{info[c]}" for c in channels]


def test_the_computed_length_covers_jupyter_clients_own_socket_names(tmp_path: Path) -> None:
    paths = socket_paths(tmp_path)
    assert all(p.startswith(str(tmp_path) + "/kernel-") for p in paths)
    longest = max(len(p) for p in paths)
    assert longest <= kernels.socket_path_length(tmp_path) <= longest + 1  # room for a 2-digit channel number


def test_the_trainees_home_runtime_folder_was_too_deep_and_the_short_one_fits() -> None:
    # Where kernels put their sockets last session, when every page answered 500 (pytest's hub, one trainee).
    home = "/tmp/pytest-of-root/pytest-12/hub0/state/homes/trainee01/.local/share/jupyter/runtime"
    assert not kernels.ipc_fits(home)
    longest_name = "a" * 32  # the hub's USERNAME_PATTERN allows 32 characters
    folder = kernels.RUNTIME_ROOT / "ih-0123abcd" / kernels._name_in_path(longest_name)
    assert kernels.socket_path_length(folder) <= 90 < kernels.SOCKET_PATH_MAX


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A folder directly in /tmp (pytest's tmp_path is itself too deep for a socket path)."""
    path = Path(tempfile.mkdtemp(prefix="ik-", dir="/tmp"))
    yield path
    shutil.rmtree(path)


def test_a_runtime_folder_deeper_than_sockets_allow_is_refused(tmp_path: Path) -> None:
    deep = tmp_path / ("x" * 60)
    deep.mkdir()
    with pytest.raises(ValueError, match="too long for kernel sockets"):
        kernels.short_runtime_dir(tmp_path / "s", "amina", root=deep)


def test_a_runtime_folder_is_private_stable_and_short_even_for_a_long_name(short_tmp: Path) -> None:
    tmp_path = short_tmp
    state = tmp_path / "hub-state"
    short = kernels.short_runtime_dir(state, "amina", root=tmp_path)
    assert short.name == "amina" and short.parent.name.startswith("ih-")
    assert kernels.short_runtime_dir(state, "amina", root=tmp_path) == short  # the same at the next start
    long = kernels.short_runtime_dir(state, "a-trainee-whose-name-is-32-chars", root=tmp_path)
    assert len(long.name) == kernels.NAME_IN_PATH_MAX and long.parent == short.parent
    assert kernels.short_runtime_dir(state, "a-trainee-whose-name-is-32-charz", root=tmp_path) != long
    for path in (short, long, short.parent):
        st = path.lstat()
        assert stat.S_IMODE(st.st_mode) == 0o700 and st.st_uid == os.geteuid(), path
    other = kernels.short_runtime_dir(tmp_path / "another-hub", "amina", root=tmp_path)
    assert other.parent != short.parent  # two hubs on one machine keep apart


def test_a_folder_planted_as_a_link_is_refused_in_words(short_tmp: Path) -> None:
    tmp_path = short_tmp
    state = tmp_path / "hub-state"
    top = kernels.short_runtime_dir(state, "amina", root=tmp_path).parent
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (top / "mallory").symlink_to(elsewhere)
    with pytest.raises(PermissionError, match="is a link or belongs to another user"):
        kernels.short_runtime_dir(state, "mallory", root=tmp_path)


def test_a_world_readable_folder_is_made_private_again(short_tmp: Path) -> None:
    tmp_path = short_tmp
    folder = kernels.short_runtime_dir(tmp_path / "s", "amina", root=tmp_path)
    folder.chmod(0o755)
    assert stat.S_IMODE(kernels.short_runtime_dir(tmp_path / "s", "amina", root=tmp_path).stat().st_mode) == 0o700


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "reload to try again"),
        ("es", "vuelva a cargarla"),
        ("fr", "rechargez-la pour réessayer"),
        ("ru", "перезагрузите её"),
    ],
)
def test_the_note_ending_a_dead_kernels_page_is_in_the_visitors_language(lang: str, words: str) -> None:
    note = kernels.died_note(lang)
    assert words in note and 'role="alert"' in note and f'lang="{lang}"' in note
    assert note.startswith("</div></div>") and note.rstrip().endswith("</html>")  # out of Voilà's hidden cells

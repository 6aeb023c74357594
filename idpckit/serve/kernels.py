"""How the server talks to its kernels, and what a visitor gets when a page's kernel dies at start.

**Unix sockets, not TCP ports.**  jupyter_client picks a kernel's five TCP ports by binding
to port 0 and closing the sockets again before the kernel starts; until the kernel binds
them, the same "free" port can be handed to another kernel (another trainee's server on the
hub, or another page of the same ``idpckit serve``: the ports are free again once closed, so
one process does not protect itself either).  The second kernel then dies with "Address
already in use" (seen in CI on the hub: one failure in three runs of 30 logins).  Over IPC,
each socket is a file named after the kernel's connection file, which is unique per kernel:
``<connection dir>/kernel-<uuid>-ipc-<n>`` (jupyter_client ``connect.py``: the ``ip`` is the
connection file without ``.json`` plus ``-ipc``; ``n`` counts from 1 for its 5 channels).

A Unix socket path holds at most :data:`SOCKET_PATH_MAX` bytes, so the connection directory
must be short: :func:`socket_path_length` computes the longest path for a directory,
:func:`short_runtime_dir` makes the hub's per-user one (``/tmp/ih-<hub>/<user>``).

**A page whose kernel dies at start.**  Voilà 0.5 renders a fresh kernel's page in a task
(``put_html``) whose exception nobody reads; the handler then waits on its queue for ever,
sending heartbeats, and the visitor's page never finishes.  :class:`KitRenderer` ends such a
page with a short note in the visitor's language instead (:func:`install_renderer`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from pathlib import Path
from typing import Any

from ..i18n import N_, _, language
from ..style import css
from ..text import esc

#: Bytes in a Unix socket path on Linux (``sun_path`` is 108 bytes with its final NUL).
SOCKET_PATH_MAX = 107
#: ``kernel-`` + a uuid4 (36) + ``-ipc-`` + the channel number (one digit: 5 channels, a few stale files).
SOCKET_NAME_LENGTH = len("/kernel-") + 36 + len("-ipc-") + 2
#: The parent of the hub's per-user runtime folders: short whatever ``TMPDIR`` says.
RUNTIME_ROOT = Path("/tmp")
#: User names longer than this are replaced by a digest in the runtime folder's name.
NAME_IN_PATH_MAX = 16

log = logging.getLogger("idpckit.serve")


def socket_path_length(connection_dir: str | os.PathLike[str]) -> int:
    """The longest kernel socket path jupyter_client makes in ``connection_dir``."""
    return len(os.fsencode(os.path.abspath(connection_dir))) + SOCKET_NAME_LENGTH


def ipc_fits(connection_dir: str | os.PathLike[str]) -> bool:
    """Whether kernels' Unix sockets in ``connection_dir`` stay within the path limit."""
    return socket_path_length(connection_dir) <= SOCKET_PATH_MAX


def _name_in_path(name: str) -> str:
    if len(name) <= NAME_IN_PATH_MAX and name.replace("-", "").replace("_", "").replace(".", "").isalnum():
        return name
    return hashlib.sha256(name.encode()).hexdigest()[:NAME_IN_PATH_MAX]


def short_runtime_dir(hub_state: str | os.PathLike[str], user: str, root: Path = RUNTIME_ROOT) -> Path:
    """``/tmp/ih-<hub>/<user>``: a user's Jupyter runtime folder, private and short enough for IPC.

    The trainee's home folder is too deep (``.../homes/NAME/.local/share/jupyter/runtime``:
    every page answered 500 when kernels used IPC there).  ``<hub>`` is a digest of the hub's
    state folder (two hubs on one machine do not share folders); a long user name becomes a
    digest.  Both folders are made 0700 and must belong to this process's user and not be
    links, so another account on the machine cannot plant or read the sockets.

    :raises PermissionError: in words, when a folder belongs to someone else or is a link.
    """
    hub = hashlib.sha256(os.fsencode(os.path.abspath(hub_state))).hexdigest()[:8]
    top = root / f"ih-{hub}"
    folder = top / _name_in_path(user)
    for path in (top, folder):
        path.mkdir(mode=0o700, exist_ok=True)
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
            raise PermissionError(
                f"{path} is a link or belongs to another user: remove it, then start the server again"
            )
        if stat.S_IMODE(st.st_mode) != 0o700:
            path.chmod(0o700)
    if not ipc_fits(folder):  # only if root itself is long
        raise ValueError(f"{folder} is too long for kernel sockets ({socket_path_length(folder)} > {SOCKET_PATH_MAX})")
    return folder


# --------------------------------------------------------------------------- a kernel that died at start

DIED_TITLE = N_("This page could not start")
DIED_WORDS = N_("This page could not start; reload to try again. What you saved is safe.")


def died_note(lang: str) -> str:
    """The words ending a page whose kernel died before answering, as a trusted HTML fragment.

    The page's start has already been sent (Voilà's lab template: the head, the loading
    indicator ``#loading``, and the hidden ``#rendered_cells`` the cells go into), so this
    closes the hidden part, hides the indicator and ends the page with a visible alert.
    """
    with language(lang):
        title, words = _(DIED_TITLE), _(DIED_WORDS)
    return (
        f"</div></div><style>{css('kernel_died.css')}</style>"
        f'<main class="idpckit-kernel-died" role="alert" lang="{esc(lang)}">'
        f"<h1>{esc(title)}</h1><p>{esc(words)}</p></main></body></html>\n"
    )


def _renderer_class() -> type:
    from voila.notebook_renderer import NotebookRenderer

    class KitRenderer(NotebookRenderer):
        """Voilà's renderer, ending the page in words when its kernel dies before answering."""

        def generate_content_generator(self, kernel_id: Any = None, kernel_future: Any = None) -> Any:
            inner = super().generate_content_generator(kernel_id, kernel_future)
            handler = self.request_handler

            async def guarded() -> Any:
                try:
                    async for item in inner:
                        yield item
                except Exception as error:  # any failure: the visitor gets words, the log the detail
                    log.error("A page's kernel failed before its page was sent (%s): %s", handler.request.path, error)
                    from . import page_language

                    yield died_note(page_language(handler)), None
                    await _forget(handler.kernel_manager, kernel_id)

            return guarded()

    return KitRenderer


async def _forget(manager: Any, kernel_id: str | None) -> None:
    """Shut a dead page's kernel down: it would hold a seat (and be restarted in vain) until culled."""
    if not kernel_id or kernel_id not in manager:
        return
    try:
        result = manager.shutdown_kernel(kernel_id, now=True)
        if hasattr(result, "__await__"):
            await result
    except Exception as error:  # already gone: nothing to free
        log.warning("Could not shut down the dead kernel %s: %s", kernel_id, error)


def install_renderer() -> None:
    """Make Voilà's page handler render fresh-kernel pages with :class:`KitRenderer` (once).

    Voilà's handler looks its renderer up in its module when a page is asked for; there is no
    setting for it.  ``idpckit serve`` and the hub's single-user servers (server extension
    :mod:`idpckit.serve.guards`) both call this.
    """
    import voila.handler

    if getattr(voila.handler.NotebookRenderer, "_idpckit", False):
        return
    renderer = _renderer_class()
    renderer._idpckit = True
    voila.handler.NotebookRenderer = renderer

"""One real kernel that runs many notebooks, each from a clean start (the ``notebook_kernel`` fixture).

Why: the English lessons and apps and the 16 translated lessons each used to start a kernel of
their own; starting one and importing the kit in it was about half of each notebook's time.
Here one ``python3`` kernel runs them all, and before each notebook a set-up cell gives it what
a fresh kernel would give: an empty namespace (``%reset -f``: every name, import and result of
the notebook before is gone, so a cell that relies on one fails with NameError as it would
alone), the kit imported afresh (every ``idpckit`` module is dropped from ``sys.modules``, so
module state such as the lesson language ``lessons.use_language`` keeps, or a store's engine,
starts over; re-importing the kit costs about 0.2 s, the third-party libraries under it stay
imported), the notebook's own folder as the working directory (as Voilà runs it), its own
throw-away store, no ``IDPCKIT_LANG`` left by the notebook before, no figure open and no widget
alive.  What it cannot reset is the state of those third-party libraries; every English page is
still opened in a kernel of its own by Voilà in tests/browser/test_lesson_pages.py, and
tests/test_notebook_kernel.py proves that what the notebook before left is gone.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient

#: The set-up cell run before each notebook (the ``{…}`` are filled in with reprs).
_CLEAN_START = """\
import os as _os
import sys as _sys
import ipywidgets as _widgets
import matplotlib.pyplot as _plt
_os.chdir({folder})
_os.environ["IDPCKIT_STORE"] = {store}
_os.environ.pop("IDPCKIT_LANG", None)
_plt.close("all")
_widgets.Widget.close_all()
for _name in [_n for _n in _sys.modules if _n == "idpckit" or _n.startswith("idpckit.")]:
    del _sys.modules[_name]
get_ipython().run_line_magic("reset", "-f")
"""


class NotebookKernel:
    """A started kernel; :meth:`run` executes a notebook in it from a clean start (see the module docstring).

    The kernel's manager is the asynchronous one, as nbclient's own: with a blocking one, nbclient's
    wait for output blocks its event loop, and a kernel that died (or a cell past its timeout) was
    noticed only minutes later instead of within a second.
    """

    def __init__(self) -> None:
        self.km: AsyncKernelManager | None = None
        self.started = 0  # kernels started so far (one, unless a notebook killed its kernel)

    def _kernel(self) -> AsyncKernelManager:
        if self.km is None or not run_sync(self.km.is_alive)():
            self.close()
            env = {**os.environ, "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
            env.pop("IDPCKIT_LANG", None)
            self.km = AsyncKernelManager(kernel_name="python3")
            run_sync(self.km.start_kernel)(env=env)
            self.started += 1
        return self.km

    def run(self, nb: nbformat.NotebookNode, folder: Path, store: str, timeout: int = 120) -> None:
        """Execute ``nb``'s code cells top to bottom from ``folder``, in place (its cells get their outputs).

        :raises nbclient.exceptions.CellExecutionError: a cell raised (the outputs so far are kept in ``nb``).
        """
        clean = nbformat.v4.new_code_cell(_CLEAN_START.format(folder=repr(str(folder)), store=repr(store)))
        nb.cells.insert(0, clean)
        client = NotebookClient(nb, km=self._kernel(), timeout=timeout, kernel_name="python3")
        try:
            client.execute()
        finally:
            del nb.cells[0]  # the clean start: not the notebook's
            if client.kc is not None:
                client.kc.stop_channels()
        assert clean.outputs == [], f"the clean start before the notebook failed: {clean.outputs}"

    def close(self) -> None:
        if self.km is not None:
            run_sync(self.km.shutdown_kernel)(now=True)
            self.km = None

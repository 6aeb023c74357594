"""One real kernel that runs many notebooks, each from a clean start (the ``notebook_kernel`` fixture).

Why: the English lessons and apps and the 16 translated lessons each used to start a kernel of
their own; starting one and importing the kit in it was about half of each notebook's time.
Here one ``python3`` kernel runs them all, and before each notebook a set-up cell gives it what
a fresh kernel would give: an empty namespace (``%reset -f``: every name, import and result of
the notebook before is gone, so a cell that relies on one fails with NameError as it would
alone), the notebook's own folder as the working directory (as Voilà runs it), its own
throw-away store, no language left by the notebook before (the process language and
``IDPCKIT_LANG`` cleared: a translated lesson must set its own, or its helpers speak English)
and no figure left open.  What it cannot reset is which modules are already imported; every
English page is still opened in a kernel of its own by Voilà in tests/browser/test_lesson_pages.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

#: The set-up cell run before each notebook (the ``{…}`` are filled in with reprs).
_CLEAN_START = """\
import os as _os
import matplotlib.pyplot as _plt
from idpckit import i18n as _i18n
_os.chdir({folder})
_os.environ["IDPCKIT_STORE"] = {store}
_os.environ.pop("IDPCKIT_LANG", None)
_i18n.use_in_process(None)
_i18n._current.set(None)
_plt.close("all")
get_ipython().run_line_magic("reset", "-f")
"""


class NotebookKernel:
    """A started kernel; :meth:`run` executes a notebook in it from a clean start (see the module docstring)."""

    def __init__(self) -> None:
        self.km: KernelManager | None = None
        self.started = 0  # kernels started so far (one, unless a notebook killed its kernel)

    def _kernel(self) -> KernelManager:
        if self.km is None or not self.km.is_alive():
            self.close()
            env = {**os.environ, "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
            env.pop("IDPCKIT_LANG", None)
            self.km = KernelManager(kernel_name="python3")
            self.km.start_kernel(env=env)
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
            self.km.shutdown_kernel(now=True)
            self.km = None

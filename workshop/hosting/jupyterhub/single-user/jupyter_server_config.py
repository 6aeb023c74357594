"""Each trainee's server on the hub: Voilà pages and nothing else.

The hub points ``JUPYTER_CONFIG_DIR`` here (``jupyterhub_config.py``), so this file is read by
every single-user server it starts.  It switches off the server extensions a trainee could
use to leave the apps (JupyterLab, the classic notebook, terminals, the language server),
and gives Voilà the same settings as ``idpckit serve``: the kit's template, no code or
tracebacks shown, cell and kernel-start time limits, idle kernels shut down.
"""

# ruff: noqa: F821 - `c` is the configuration object Jupyter passes to this file

from __future__ import annotations

import os

from jupyter_core.paths import jupyter_runtime_dir

from idpckit import serve
from idpckit.serve import kernels

c.ServerApp.jpserver_extensions = {
    "jupyterlab": False,
    "notebook": False,
    "nbclassic": False,
    "notebook_shim": False,
    "jupyter_lsp": False,
    "jupyter_server_terminals": False,
    "voila.server_extension": True,
    # Writes the visitor's address (from the hub's proxy, trusted by IDPCKIT_TRUSTED_PROXIES) into
    # the header Voilà hands the page's kernel: wrong room codes and keys count per visitor.
    "idpckit.serve.guards": True,
}
c.ServerApp.terminals_enabled = False
c.ServerApp.tornado_settings = {"websocket_max_message_size": serve.WS_MAX_MESSAGE_BYTES}

# The kit's Voilà template lives in the package; Voilà looks for templates on JUPYTER_PATH.
os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(serve.SHARE), os.environ.get("JUPYTER_PATH", "")) if p)

# One place for Voilà's settings: what `idpckit serve` uses (without its kernel pool, which
# only exists in Voilà's standalone server, and without its own address and port).
_kit = serve.voila_config(serve.Options(preheat=False), [])
for section in ("VoilaConfiguration", "VoilaExecutor", "MappingKernelManager"):
    c[section].update(_kit[section])

# Kernels over Unix sockets in the short runtime folder the hub gives each server
# (JUPYTER_RUNTIME_DIR, see jupyterhub_config.py and idpckit.serve.kernels): TCP ports
# picked "free" were taken twice when a room's servers started their kernels at once.
if kernels.ipc_fits(jupyter_runtime_dir()):
    c.KernelManager.transport = "ipc"
else:  # started without the hub's folder: TCP, and the log says why
    import logging

    logging.getLogger("idpckit.serve").warning(
        "Kernels use TCP: the runtime folder %s is too long for Unix sockets", jupyter_runtime_dir()
    )

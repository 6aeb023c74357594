"""The benchmarks' shared server and browser helpers: one ``idpckit serve`` started, watched and stopped.

``bench_voila.py``, ``bench_rooms.py`` and ``bench_trainee.py`` start the real server the same
way (a free port of 127.0.0.1, its own process group, a private store, ``--preheat`` or not),
measure it through the same :class:`Server` (its kernels, their memory) and drive it with the
same headless Debian Chromium; this module is where that lives, once.  So does the scripted
trainee (:func:`scripted_visit`): what a trainee's page does on the network to be served,
without a browser, so a room of them measures the server alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import httpx
import psutil

from idpckit.serve.guards import V1_PROTOCOL, v1_frame, v1_parts

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
FLOOR = "floor.ipynb"
sys.path.insert(0, str(REPO / "tests"))
# The one Chromium of the tests and the benchmarks, and its flags (re-exported to the bench_*.py scripts).
from chromium_helpers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402, F401
from serve_helpers import free_port, start_serve, stop_serve  # noqa: E402  (one way to run idpckit serve)

#: The first control a visitor can use: a button, field or list that is not disabled.
INTERACTIVE = ", ".join(
    f"{tag}.jupyter-widgets:not([disabled]), .jupyter-widgets {tag}:not([disabled])"
    for tag in ("button", "input", "select", "textarea")
)
#: True once any of the matching elements is painted (not merely in the DOM of a hidden step).
VISIBLE_JS = """sel => [...document.querySelectorAll(sel)].some(e => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
})"""


#: The output a widget page carries for the app's view: the model the page asks its kernel for.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: A cell's output in Voilà 0.5's page: ``<script type="application/vnd.voila.cell-output+json">``.
VIEW_MODEL = re.compile(re.escape(WIDGET_VIEW) + r'"\s*:\s*\{[^}]*"model_id"\s*:\s*"([0-9a-f]{32})"')
KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]{36})"')
#: Texts a page carries when a cell failed (Voilà's error output, a traceback, its cell timeout).
ERROR_TEXTS = ("There was an error when executing cell", "Traceback", "Cell execution timed out")
#: ipywidgets 8's page (Voilà's widgets-manager8) waits this long for ``update_states`` on the
#: control comm, then falls back to asking every model for its state one by one.
CONTROL_COMM_TIMEOUT_S = 4.0


@dataclass
class Server:
    port: int
    proc: subprocess.Popen
    log: Path
    preheat: bool

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def url(self, notebook: str) -> str:
        return f"{self.base}voila/render/{notebook}"

    def kernels(self) -> dict[str, psutil.Process]:
        out = {}
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                for arg in child.cmdline():
                    m = re.search(r"kernel-([0-9a-f-]{36})\.json$", arg)
                    if m:
                        out[m.group(1)] = child
        return out

    def rss(self) -> int:
        return psutil.Process(self.proc.pid).memory_info().rss

    def wait_quiet(self, expected_kernels: int, timeout: float = 120) -> None:
        """Wait until exactly the pool kernels run and nothing uses CPU (pool refills done)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            procs = [psutil.Process(self.proc.pid), *self.kernels().values()]
            if len(procs) - 1 == expected_kernels:
                with contextlib.suppress(psutil.Error):
                    for p in procs:
                        p.cpu_percent(None)
                    time.sleep(1.0)
                    if sum(p.cpu_percent(None) for p in procs) < 5:
                        return
            else:
                time.sleep(0.5)
        print(f"  (warning: server not quiet after {timeout}s: {len(self.kernels())} kernels)", file=sys.stderr)


def start_server(root: Path, store: Path, log: Path, preheat: bool, extra: tuple[str, ...] = ()) -> Server:
    """``idpckit serve`` of the notebooks in ``root``, started as the tests start it (tests/serve_helpers.py)."""
    port = free_port()
    args = ["--notebooks", str(root), "--store", str(store), "--preheat" if preheat else "--no-preheat", *extra]
    return Server(port, start_serve(args, port, log, timeout_s=60), log, preheat)


def stop_server(server: Server) -> None:
    stop_serve(server.proc, grace_s=30)


def shutdown_kernels(server: Server, ids: list[str]) -> None:
    """Shut kernels down through Voilà's own endpoint (the one the tab-close beacon uses)."""
    with httpx.Client(base_url=server.base, timeout=30) as client:
        client.get("/")  # the index page sets the _xsrf cookie
        token = client.cookies.get("_xsrf", "")
        for kid in ids:
            client.post(f"/voila/api/shutdown/{kid}", data={"_xsrf": token})


def settle(proc: psutil.Process | None, timeout: float = 20) -> None:
    """Wait until a kernel has used (almost) no CPU for a second."""
    if proc is None:
        return
    deadline = time.monotonic() + timeout
    with contextlib.suppress(psutil.Error):
        proc.cpu_percent(None)
        while time.monotonic() < deadline:
            time.sleep(1.0)
            if proc.cpu_percent(None) < 2:
                return


def versions() -> dict:
    names = ("voila", "jupyter_server", "ipywidgets", "ipykernel", "playwright", "idpckit")
    out = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 1e9),
    }
    for name in names:
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    with contextlib.suppress(Exception):
        out["chromium"] = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    return out


def _shell_frame(session: str, msg_type: str, content: dict, metadata: dict | None = None) -> tuple[str, bytes]:
    """A message for the kernel's shell channel in the v1 framing (Voilà's page speaks it); and its id."""
    msg_id = uuid.uuid4().hex
    header = {"msg_id": msg_id, "msg_type": msg_type, "username": "trainee", "session": session,
              "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "version": "5.3"}  # fmt: skip
    parts = [b"shell", *(json.dumps(x).encode() for x in (header, {}, metadata or {}, content))]
    return msg_id, v1_frame(parts)


async def scripted_visit(
    url: str, start: float, timeout: float = 300.0, client: httpx.AsyncClient | None = None
) -> dict:
    """One trainee's page on the network, as Voilà 0.5's page does it, timed from ``start``.

    GET the page and read it whole (the server streams it while the notebook runs, or sends
    a preheated kernel's page at once); it must carry its widget view (the
    :data:`WIDGET_VIEW` output with a model id) and its kernel id.  Then open the kernel's
    websocket with the :data:`V1_PROTOCOL` subprotocol, ask ``kernel_info`` (the page waits for
    that reply before anything else), open the widget control comm and send ``request_states``;
    the visit is **served** when ``update_states`` arrives holding the view's model.  Anything
    else within ``timeout`` seconds (an HTTP error, no view, an error in a cell, no state, a
    state without that model) is a blank page, with its reason in ``errors``.

    Times (seconds from ``start``): ``html_s`` the page read whole, ``connected_s`` the
    kernel's ``kernel_info_reply``, ``served_s`` the states; ``state_wait_s`` from
    ``request_states`` to ``update_states`` (over :data:`CONTROL_COMM_TIMEOUT_S`, a real page
    would have given up on the control comm and asked model by model).  ``client``: one
    shared by a room (each page still gets its own connection; a client of its own per trainee
    costs this process tens of CPU milliseconds on the cores the server runs on).
    """
    import websockets

    out: dict = {"html_s": None, "connected_s": None, "served_s": None, "state_wait_s": None,
                 "kernel": None, "model": None, "errors": []}  # fmt: skip

    def now() -> float:
        return time.perf_counter() - start

    async def visit() -> None:
        async with contextlib.AsyncExitStack() as stack:
            http = client or await stack.enter_async_context(httpx.AsyncClient(timeout=timeout))
            response = await stack.enter_async_context(http.stream("GET", url))
            body = (await response.aread()).decode("utf-8", errors="replace")
        out["html_s"] = now()
        kernel, model = KERNEL_ID.search(body), VIEW_MODEL.search(body)
        out["kernel"] = kernel.group(1) if kernel else None
        if response.status_code != 200:
            out["errors"].append(f"HTTP {response.status_code}")
        out["errors"] += [t for t in ERROR_TEXTS if t in body]
        if out["errors"] or not kernel:
            return
        if not model:
            out["errors"].append("served without its widget view")
            return
        out["model"] = model.group(1)
        session = uuid.uuid4().hex
        ws_url = url.split("/voila/render/")[0].replace("http://", "ws://", 1)
        ws_url += f"/api/kernels/{out['kernel']}/channels?session_id={session}"
        async with websockets.connect(ws_url, subprotocols=[V1_PROTOCOL], max_size=None, open_timeout=timeout) as ws:
            info_id, frame = _shell_frame(session, "kernel_info_request", {})
            await ws.send(frame)
            control = uuid.uuid4().hex
            asked = None
            async for raw in ws:
                parts = v1_parts(raw) if isinstance(raw, bytes) else None
                if parts is None or len(parts) < 5:
                    continue
                header, parent, content = (json.loads(parts[i]) for i in (1, 2, 4))
                if header.get("msg_type") == "kernel_info_reply" and parent.get("msg_id") == info_id and asked is None:
                    out["connected_s"] = now()
                    opening = {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}}
                    await ws.send(_shell_frame(session, "comm_open", opening, {"version": "1.0.0"})[1])
                    ask = {"comm_id": control, "data": {"method": "request_states"}}
                    await ws.send(_shell_frame(session, "comm_msg", ask)[1])
                    asked = now()
                elif header.get("msg_type") == "comm_msg" and content.get("comm_id") == control:
                    data = content.get("data") or {}
                    if data.get("method") != "update_states":
                        continue
                    out["state_wait_s"] = now() - asked
                    if out["model"] in (data.get("states") or {}):
                        out["served_s"] = now()
                    else:
                        out["errors"].append("its kernel's widget states lack the page's view")
                    await ws.send(_shell_frame(session, "comm_close", {"comm_id": control, "data": {}})[1])
                    return
            out["errors"].append("the kernel connection closed before the widget states came")

    try:
        await asyncio.wait_for(visit(), timeout)
    except TimeoutError:
        out["errors"].append(f"not served within {timeout:.0f} s")
    except Exception as exc:  # a refused or broken connection is a blank page, with its reason
        out["errors"].append(f"{type(exc).__name__}: {str(exc)[:200]}")
    return out

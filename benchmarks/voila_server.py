"""The benchmarks' shared server and browser helpers: one ``idpckit serve`` started, watched and stopped.

``bench_voila.py``, ``bench_rooms.py`` and ``bench_trainee.py`` start the real server the same
way (a free port of 127.0.0.1, its own process group, a private store, ``--preheat`` or not),
measure it through the same :class:`Server` (its kernels, their memory) and drive it with the
same headless Debian Chromium; this module is where that lives, once.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import httpx
import psutil

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
FLOOR = "floor.ipynb"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(root: Path, store: Path, log: Path, preheat: bool, extra: tuple[str, ...] = ()) -> Server:
    exe = shutil.which("idpckit", path=str(Path(sys.executable).parent)) or "idpckit"
    port = _free_port()
    cmd = [exe, "serve", "--notebooks", str(root), "--no-browser", "--port", str(port), "--store", str(store)]
    cmd.append("--preheat" if preheat else "--no-preheat")
    cmd.extend(extra)
    with open(log, "w", encoding="utf-8") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True, cwd=REPO)
    server = Server(port, proc, log, preheat)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"idpckit serve exited:\n{log.read_text()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return server
        time.sleep(0.2)
    raise RuntimeError("idpckit serve did not start")


def stop_server(server: Server) -> None:
    kernels = list(server.kernels().values())
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.proc.pid, signal.SIGTERM)
    try:
        server.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait()
    for k in kernels:
        with contextlib.suppress(psutil.Error):
            k.kill()


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

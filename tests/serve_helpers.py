"""One real ``idpckit serve`` for the tests and the benchmarks: started, waited for and stopped the same way.

The server runs as a subprocess in a process group of its own, on a free port of 127.0.0.1,
its output in a log file; it is ready once it accepts a connection. Stopping it sends the
group SIGTERM (Voilà then shuts its kernels down), SIGKILL after a grace period, and kills
any kernel that outlived it (kernels run in sessions of their own). The browser tests'
``kit_server`` (``tests/browser/conftest.py``), the private servers of the hostile-visitor,
busy-server and rate-limit tests (``tests/browser/test_hostile_server.py``) and the
benchmarks (``benchmarks/voila_server.py``, which puts this folder on its path) use it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
#: Settings of the person running the tests that would change what the server serves.
PRIVATE_ENV = ("IDPCKIT_STORE", "IDPCKIT_HIDE_SOLUTIONS")


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(args: Sequence[str], port: int, log: Path, *, timeout_s: float = 90) -> subprocess.Popen:
    """Start ``idpckit serve --no-browser --port PORT ARGS`` and return once it listens.

    The command is the ``idpckit`` next to this Python (the venv's), run from the repository.
    If the server exits or does not listen within ``timeout_s``, it is stopped and a
    RuntimeError carries the end of its log.
    """
    exe = shutil.which("idpckit", path=str(Path(sys.executable).parent)) or "idpckit"
    env = {k: v for k, v in os.environ.items() if k not in PRIVATE_ENV}
    env["PYTHONUNBUFFERED"] = "1"
    cmd = [exe, "serve", "--no-browser", "--port", str(port), *args]
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=REPO, env=env, start_new_session=True)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"idpckit serve exited with {proc.returncode}:\n{_tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return proc
        time.sleep(0.2)
    stop_serve(proc, at_once=True)
    raise RuntimeError(f"idpckit serve did not listen within {timeout_s:g} s:\n{_tail(log)}")


def stop_serve(proc: subprocess.Popen, *, at_once: bool = False, grace_s: float = 20) -> None:
    """Stop the server's process group and every kernel it started (``at_once``: SIGKILL, for a hung server)."""
    try:
        kernels = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        kernels = []
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL if at_once else signal.SIGTERM)
    try:
        proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    for k in kernels:
        with contextlib.suppress(psutil.NoSuchProcess):
            k.kill()


def _tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-3000:] if log.is_file() else "(no log)"

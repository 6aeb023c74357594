"""A real JupyterHub for the tests and benchmarks/bench_hub.py, started as a workshop starts it.

:class:`Hub` runs ``workshop/hosting/jupyterhub/start-hub`` (the documented way) with
``jupyterhub_config.py`` unchanged, on free ports of 127.0.0.1, a private state folder and
the given store URL; :func:`login` is what a trainee's browser does over HTTP (the login
form with its ``_xsrf`` field, the wait on ``/hub/spawn-pending``, the OAuth hop to the
server, the landing page); :func:`footprint` sums the memory of the hub's process tree.

The proxy is ``workshop/hosting/jupyterhub/proxy/node_modules`` (``npm ci --prefix
workshop/hosting/jupyterhub/proxy``, which ``.ci/run`` does), else ``$IDPCKIT_HUB_PROXY``,
else ``configurable-http-proxy`` on PATH.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
HUB_DIR = REPO / "workshop" / "hosting" / "jupyterhub"
START = HUB_DIR / "start-hub"
TRAINEE_PASSWORD = "workshop-2019-cnd"  # 8+ characters, as SharedPasswordAuthenticator requires
TRAINER_PASSWORD = "trainer-password-of-thirty-two-chars!"  # 32+ characters
TRAINER = "trainer"
APP_PATH = "voila/render/self-assessment.ipynb"
DASHBOARD_PATH = "voila/render/room-dashboard.ipynb"


def proxy_program() -> str | None:
    """configurable-http-proxy, where .ci/run or start-hub installs it, or as configured."""
    local = HUB_DIR / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
    if os.environ.get("IDPCKIT_HUB_PROXY"):
        return os.environ["IDPCKIT_HUB_PROXY"]
    if local.exists():
        return str(local)
    return shutil.which("configurable-http-proxy")


def hub_required() -> bool:
    """In CI a missing proxy or hub is a failure, not a skip."""
    return os.environ.get("IDPCKIT_REQUIRE_HUB") == "1" or os.environ.get("CI", "").lower() in ("1", "true")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Hub:
    """One running hub (see the module docstring); use as a context manager."""

    store_url: str
    state: Path
    idle_timeout: int = 900
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.state / "hub.log"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self, timeout: float = 120) -> Hub:
        proxy = proxy_program()
        if proxy is None:
            raise FileNotFoundError(
                "configurable-http-proxy is not installed (npm ci --prefix workshop/hosting/jupyterhub/proxy)"
            )
        self.state.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p),
            "IDPCKIT_PYTHON": sys.executable,
            "IDPCKIT_STORE": self.store_url,
            "IDPCKIT_HUB_PASSWORD": TRAINEE_PASSWORD,
            "IDPCKIT_HUB_ADMIN_PASSWORD": TRAINER_PASSWORD,
            "IDPCKIT_HUB_TRAINERS": TRAINER,
            "IDPCKIT_HUB_STATE": str(self.state),
            "IDPCKIT_HUB_PORT": str(self.port),
            "IDPCKIT_HUB_API_PORT": str(free_port()),
            "IDPCKIT_HUB_PROXY_API_PORT": str(free_port()),
            "IDPCKIT_HUB_PROXY": proxy,
            "IDPCKIT_HUB_IDLE_TIMEOUT": str(self.idle_timeout),
        }
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                ["bash", str(START)], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited with code {self.process.returncode}:\n{self.log()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/hub/api", timeout=5).status_code == 200:
                    return self
            time.sleep(0.5)
        self.stop()
        raise TimeoutError(f"the hub did not answer in {timeout:.0f} s:\n{self.log()[-3000:]}")

    def stop(self, grace: float = 45) -> None:
        """SIGTERM (the hub stops its servers, the culler and the proxy), then SIGKILL what is left."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGTERM)  # start-hub exec'd the hub: this is the hub itself
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=grace)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> Hub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def processes(self) -> list:
        """The hub and everything it started (proxy, culler, trainees' servers, their kernels)."""
        import psutil

        if self.process is None:
            return []
        try:
            root = psutil.Process(self.process.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []
        return [p for p in procs if _alive(p)]  # a stopped server not yet reaped holds no memory

    def servers(self) -> list:
        """The trainees' (and trainer's) single-user server processes now running."""
        return [p for p in self.processes() if _cmdline_has(p, "jupyterhub.singleuser")]

    def kernels(self) -> list:
        return [p for p in self.processes() if _cmdline_has(p, "ipykernel_launcher")]


def _alive(proc) -> bool:
    import psutil

    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def describe(procs: list) -> list[str]:
    """The command lines of processes, shortened, for a failure message."""
    out = []
    for p in procs:
        try:
            out.append(" ".join(p.cmdline())[:120])
        except Exception:
            out.append(f"pid {p.pid} (gone)")
    return out


def _cmdline_has(proc, text: str) -> bool:
    try:
        return text in " ".join(proc.cmdline())
    except Exception:  # gone, or a zombie: not running any more
        return False


def footprint(procs: list) -> dict[str, float]:
    """Memory of a set of processes in MB: RSS (each alone) and PSS (shared pages split, so it adds up)."""
    rss = pss = 0
    for p in procs:
        try:
            info = p.memory_full_info()
        except Exception:  # exited meanwhile
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return {"rss_mb": rss / 2**20, "pss_mb": pss / 2**20, "processes": len(procs)}


class LoginError(AssertionError):
    """A trainee could not log in or reach the page; the message says where it stopped."""


@dataclass
class Visit:
    """What one trainee's login gave: the client (its cookies), the landing URL and page, and timings."""

    client: httpx.Client
    landing: str
    page: str
    seconds: float


def login(base: str, name: str, password: str, timeout: float = 240, expect_path: str = APP_PATH) -> Visit:
    """Log in through the hub's form and follow it to the landing page, as a browser would.

    :raises LoginError: a refused password, a spawn that fails or times out, an error page.
    """
    started = time.monotonic()
    client = httpx.Client(base_url=base, follow_redirects=True, timeout=timeout)
    try:
        form = client.get("/hub/login")
        if form.status_code != 200:
            raise LoginError(f"{name}: GET /hub/login answered {form.status_code}")
        xsrf = client.cookies.get("_xsrf", path="/hub/") or client.cookies.get("_xsrf")
        page = client.post("/hub/login", data={"username": name, "password": password, "_xsrf": xsrf or ""})
        if page.status_code != 200 or "/hub/login" in str(page.url.path):
            raise LoginError(f"{name}: login refused ({page.status_code} at {page.url.path})")
        deadline = started + timeout
        while "/hub/spawn-pending/" in page.url.path or page.url.path.rstrip("/").endswith("/hub/spawn"):
            if time.monotonic() > deadline:
                raise LoginError(f"{name}: the server did not start in {timeout:.0f} s")
            time.sleep(1)
            page = client.get(f"/hub/spawn-pending/{name}")
        if page.status_code != 200:
            raise LoginError(f"{name}: landing page answered {page.status_code} at {page.url}")
        if not page.url.path.endswith(expect_path):
            raise LoginError(f"{name}: landed on {page.url.path}, not on …/{expect_path}")
        return Visit(client=client, landing=str(page.url), page=page.text, seconds=time.monotonic() - started)
    except BaseException:
        client.close()
        raise


def error_text(page: str) -> list[str]:
    """Signs of a failed notebook run in a Voilà page (tracebacks are off, so Voilà's error markers)."""
    markers = ["Traceback (most recent call last)", 'jp-RenderedText" data-mime-type="application/vnd.jupyter.stderr']
    return [m for m in markers if m in page] + re.findall(r"There was an error when executing cell[^<]*", page)


@contextlib.contextmanager
def running_hub(store_url: str, state: Path, idle_timeout: int = 900):
    """A started :class:`Hub` for a test module; skipped without the proxy, except in CI where that fails."""
    import pytest

    if proxy_program() is None:
        reason = "configurable-http-proxy is not installed (npm ci --prefix workshop/hosting/jupyterhub/proxy)"
        if hub_required():
            pytest.fail(f"the hub tests are required here (CI) but {reason}", pytrace=False)
        pytest.skip(reason)
    hub = Hub(store_url, state, idle_timeout=idle_timeout)
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()

"""JupyterHub for an idpckit workshop: trainees log in with a workshop password and land in the app.

Start it with ``workshop/hosting/jupyterhub/start-hub`` (README.md here says what to set).
Every setting comes from an environment variable, so this file is used as it is:

=================================  ==============================================================
``IDPCKIT_STORE``                  required: the one store every trainee's server saves to, a
                                   PostgreSQL URL (``postgresql+psycopg://user:pw@host:5432/db``)
``IDPCKIT_HUB_PASSWORD``           required: the workshop password trainees type (8+ characters)
``IDPCKIT_HUB_ADMIN_PASSWORD``     required: the trainer's password (32+ characters)
``IDPCKIT_HUB_TRAINERS``           the trainers' user names, comma-separated (default ``trainer``)
``IDPCKIT_HUB_IP`` / ``_PORT``     where the hub listens (default ``127.0.0.1``, ``8000``)
``IDPCKIT_HUB_API_PORT``           the hub's internal API on 127.0.0.1 (default 8081)
``IDPCKIT_HUB_PROXY_API_PORT``     the proxy's control API on 127.0.0.1 (default 8001)
``IDPCKIT_HUB_STATE``              the hub's own folder: its database, cookie secret, the
                                   trainees' home folders (default ``./state`` beside this file)
``IDPCKIT_HUB_PROXY``              the configurable-http-proxy program (default: ``proxy/`` here,
                                   after ``npm ci --prefix proxy``, else the one on PATH)
``IDPCKIT_HUB_IDLE_TIMEOUT``       seconds without activity before a trainee's server is stopped
                                   (default 900; the culler looks every timeout/9, 5 to 60 s)
``IDPCKIT_HUB_TRUSTED_PROXIES``    proxies whose X-Forwarded-For names the visitor, for the
                                   limit on wrong room codes and keys (default ``127.0.0.1,::1``:
                                   the hub's own proxy; add a TLS proxy's address if one is in front)
=================================  ==============================================================

What trainees get: Voilà pages only (the self-assessment app first; the lessons and the
explorer at ``/user/NAME/voila/tree``), never JupyterLab, the classic notebook or a terminal
(``single-user/jupyter_server_config.py`` turns those extensions off).  Trainer-only pages
(the room dashboard) are not in the trainees' folder at all; trainers (hub admins) land on
the dashboard, and only they can open ``/hub/admin``.

Each server's kernels talk to it over Unix sockets in a short private folder,
``/tmp/ih-<hub>/<user>`` (0700; a digest for names over 16 characters), removed when the
server stops: TCP ports picked "free" were taken twice when a room logged in at once.

NO ISOLATION: the ``simple`` spawner runs every trainee's server as the hub's own unix user
(root on a throwaway workshop VM, hence ``--allow-root``).  A trainee who knows Jupyter's
REST API can run code there, read others' files and the store's URL.  Use it only on a
machine that is thrown away after the workshop, for trainees you trust; for isolation use
The Littlest JupyterHub (one unix user each) or Zero to JupyterHub (one container each):
see ``workshop/hosting/README.md``.
"""

# ruff: noqa: F821 - `c` is the configuration object JupyterHub passes to this file

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SINGLE_USER_CONFIG = HERE / "single-user"

#: Pages only trainers get: they show every trainee's submitted review in a room.
TRAINER_ONLY = frozenset({"room-dashboard.ipynb"})
TRAINEE_LANDING = "/voila/render/self-assessment.ipynb"
TRAINER_LANDING = "/voila/render/room-dashboard.ipynb"
#: Hub user names: lower-case letters, digits, dot, dash, underscore; no path tricks in home folders.
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,31}$"


def _setting(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if default is None:
        sys.exit(f"jupyterhub_config.py: set {name} (see workshop/hosting/README.md)")
    return default


def _proxy_command() -> list[str]:
    local = HERE / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
    found = os.environ.get("IDPCKIT_HUB_PROXY") or (
        str(local) if local.exists() else shutil.which("configurable-http-proxy")
    )
    if not found:
        sys.exit(
            "jupyterhub_config.py: configurable-http-proxy not found; run `npm ci --prefix "
            f"{HERE / 'proxy'}` or set IDPCKIT_HUB_PROXY"
        )
    return [found]


def _notebooks() -> Path:
    from idpckit import catalog

    return catalog.notebooks_dir()


def _trainee_notebooks(state: Path) -> Path:
    """A copy of the kit's notebooks without the trainer-only pages, made fresh at every start."""
    target = state / "trainee-notebooks"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for notebook in sorted(_notebooks().glob("*.ipynb")):
        if notebook.name not in TRAINER_ONLY:
            shutil.copy2(notebook, target / notebook.name)
    return target


store = _setting("IDPCKIT_STORE")
state = Path(_setting("IDPCKIT_HUB_STATE", str(HERE / "state"))).resolve()
state.mkdir(parents=True, exist_ok=True)
trainers = {name.strip().lower() for name in _setting("IDPCKIT_HUB_TRAINERS", "trainer").split(",") if name.strip()}
idle_timeout = int(_setting("IDPCKIT_HUB_IDLE_TIMEOUT", "900"))
#: How often the culler looks: a server idle past the timeout is stopped at most this much later
#: (60 s for the default 900 s; 10 s for the tests' 90 s, whose room then waits 20 s less).
cull_every = max(5, min(60, idle_timeout // 9))
trainee_dir = _trainee_notebooks(state)

# -- where it listens; its own files ------------------------------------------------------------
c.JupyterHub.ip = _setting("IDPCKIT_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(_setting("IDPCKIT_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(_setting("IDPCKIT_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(_setting('IDPCKIT_HUB_PROXY_API_PORT', '8001'))}"
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"  # the hub's own records, not the reviews
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.command = _proxy_command()
c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")

# -- who may log in: any name with the workshop password; trainers with theirs ----------------------
c.JupyterHub.authenticator_class = "shared-password"  # built in since JupyterHub 5.3
c.SharedPasswordAuthenticator.user_password = _setting("IDPCKIT_HUB_PASSWORD")
c.SharedPasswordAuthenticator.admin_password = _setting("IDPCKIT_HUB_ADMIN_PASSWORD")
c.Authenticator.admin_users = trainers
c.Authenticator.allow_all = True
c.Authenticator.username_pattern = USERNAME_PATTERN

# -- each trainee's server: Voilà only, the one store ----------------------------------------------
c.JupyterHub.spawner_class = "simple"  # NO isolation between users: throwaway workshop VM only
c.SimpleLocalProcessSpawner.home_dir_template = str(state / "homes" / "{username}")
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.notebook_dir = str(trainee_dir)
c.Spawner.default_url = TRAINEE_LANDING
c.Spawner.args = ["--allow-root"] if os.geteuid() == 0 else []
c.Spawner.environment = {
    "IDPCKIT_STORE": store,
    "JUPYTER_CONFIG_DIR": str(SINGLE_USER_CONFIG),  # Voilà on, JupyterLab and terminals off
    "MPLCONFIGDIR": str(state / "matplotlib"),
    # configurable-http-proxy runs on this machine: the address it appends to X-Forwarded-For is the visitor.
    "IDPCKIT_TRUSTED_PROXIES": _setting(
        "IDPCKIT_HUB_TRUSTED_PROXIES", "127.0.0.1,::1"
    ),  # one font cache for all, not one build per trainee
    # How often a server tells the hub it is in use (default 300 s): well within the culler's
    # timeout, so a server whose page is still loading is never taken for an idle one.
    "JUPYTERHUB_ACTIVITY_INTERVAL": str(max(5, min(300, idle_timeout // 4))),
}
c.Spawner.start_timeout = 180  # a room logging in at once shares the CPU
c.Spawner.http_timeout = 180


def _per_role(spawner) -> None:
    """Trainers get every page and land on the room dashboard; trainees get their folder.

    Every server also gets a short private runtime folder (``/tmp/ih-<hub>/<user>``, see
    ``idpckit.serve.kernels``): its kernels talk to it over Unix sockets there, because two
    of 30 servers started at once picked the same "free" TCP port for their kernels and the
    second kernel died.  The home folder's own runtime folder is too deep for a socket path.
    """
    from idpckit.serve import kernels

    if spawner.user.admin:
        spawner.notebook_dir = str(_notebooks())
        spawner.default_url = TRAINER_LANDING
    runtime = kernels.short_runtime_dir(state, spawner.user.name)
    spawner.environment = {**spawner.environment, "JUPYTER_RUNTIME_DIR": str(runtime)}


def _tidy_runtime(spawner) -> None:
    """A stopped server's runtime folder goes (its kernels already removed their sockets)."""
    runtime = spawner.environment.get("JUPYTER_RUNTIME_DIR")
    if runtime:
        shutil.rmtree(runtime, ignore_errors=True)


c.Spawner.pre_spawn_hook = _per_role
c.Spawner.post_stop_hook = _tidy_runtime

# -- stop servers nobody uses, so a finished room gives its memory back ------------------------------
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={idle_timeout}",
            f"--cull-every={cull_every}",
        ],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "services": ["idle-culler"],
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    }
]

"""The Littlest JupyterHub (TLJH) snippet for an idpckit workshop.

Copy to /opt/tljh/config/jupyterhub_config.d/idpckit.py on the TLJH server, then
`sudo tljh-config reload`. TLJH reads every file in that folder after its own settings,
so these lines win. See workshop/hosting/README.md ("The Littlest JupyterHub") for the
whole recipe: the store's URL goes in /etc/idpckit.env, the single-user settings in
/opt/tljh/user/etc/jupyter/jupyter_server_config.py.

TLJH keeps its own spawner (one unix user per trainee, limits from tljh-config): unlike the
`simple` spawner of the single-VM hub, trainees are isolated from each other.
"""

# ruff: noqa: F821 - `c` is the configuration object JupyterHub passes to this file

from pathlib import Path

# The store every trainee's server saves to: one line IDPCKIT_STORE=postgresql+psycopg://...
# in /etc/idpckit.env (readable by root only; the hub hands it to each server's environment).
_env = dict(
    line.split("=", 1)
    for line in Path("/etc/idpckit.env").read_text().splitlines()
    if "=" in line and not line.startswith("#")
)

c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = _env["IDPCKIT_HUB_PASSWORD"]
c.SharedPasswordAuthenticator.admin_password = _env["IDPCKIT_HUB_ADMIN_PASSWORD"]
c.Authenticator.admin_users = {"trainer"}
c.Authenticator.allow_all = True
c.Authenticator.username_pattern = r"^[a-z0-9][a-z0-9._-]{0,31}$"

c.Spawner.default_url = "/voila/render/self-assessment.ipynb"
c.Spawner.notebook_dir = "/opt/idpckit/trainee-notebooks"  # the kit's notebooks without room-dashboard.ipynb
c.Spawner.environment = {"IDPCKIT_STORE": _env["IDPCKIT_STORE"]}


def _trainer_pages(spawner) -> None:
    if spawner.user.admin:
        spawner.notebook_dir = "/opt/idpckit/notebooks"
        spawner.default_url = "/voila/render/room-dashboard.ipynb"


c.Spawner.pre_spawn_hook = _trainer_pages

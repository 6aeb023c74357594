"""workshop/hosting/, checked without a hub, Kubernetes or a container engine: the hub's config as
JupyterHub loads it, the Zero to JupyterHub values and image, the TLJH snippet, the Binder link,
and the capacity table against the model and the measurements.

(The hub itself runs for real in tests/browser/test_hub_http.py and tests/browser/test_hub_workshop.py.)
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import yaml

REPO = Path(__file__).resolve().parents[1]
HOSTING = REPO / "workshop" / "hosting"
HUB_CONFIG = HOSTING / "jupyterhub" / "jupyterhub_config.py"

LOAD_CONFIG = """
import json, sys
from traitlets.config.loader import PyFileConfigLoader
c = PyFileConfigLoader(sys.argv[1]).load_config()
print(json.dumps({
    "authenticator": c.JupyterHub.authenticator_class,
    "spawner": c.JupyterHub.spawner_class,
    "default_url": c.Spawner.default_url,
    "notebook_dir": c.Spawner.notebook_dir,
    "environment": c.Spawner.environment,
    "args": c.Spawner.args,
    "admins": sorted(c.Authenticator.admin_users),
    "services": c.JupyterHub.services,
    "roles": c.JupyterHub.load_roles,
    "username_pattern": c.Authenticator.username_pattern,
}))
"""


def load_hub_config(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("IDPCKIT_")}
    full = {
        **base,
        "PYTHONPATH": str(REPO),
        "IDPCKIT_HUB_STATE": str(tmp_path / "state"),
        "IDPCKIT_HUB_PROXY": "/bin/true",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", LOAD_CONFIG, str(HUB_CONFIG)], env=full, capture_output=True, text=True, timeout=60
    )


def test_the_hub_config_loads_as_jupyterhub_reads_it(tmp_path: Path) -> None:
    import json

    out = load_hub_config(
        tmp_path,
        IDPCKIT_STORE="postgresql+psycopg://kit@db/kit",
        IDPCKIT_HUB_PASSWORD="workshop-pass",
        IDPCKIT_HUB_ADMIN_PASSWORD="x" * 32,
        IDPCKIT_HUB_TRAINERS="Trainer, lead",
        IDPCKIT_HUB_IDLE_TIMEOUT="600",
    )
    assert out.returncode == 0, out.stderr
    c = json.loads(out.stdout)
    assert c["authenticator"] == "shared-password" and c["spawner"] == "simple"
    assert c["default_url"] == "/voila/render/self-assessment.ipynb"
    assert c["environment"]["IDPCKIT_STORE"] == "postgresql+psycopg://kit@db/kit"  # every trainee, one store
    assert Path(c["environment"]["JUPYTER_CONFIG_DIR"]).is_dir()
    assert c["admins"] == ["lead", "trainer"]
    # the trainees' folder: every notebook but the trainer's dashboard
    folder = {p.name for p in Path(c["notebook_dir"]).glob("*.ipynb")}
    assert "self-assessment.ipynb" in folder and "room-dashboard.ipynb" not in folder
    assert folder == {p.name for p in (REPO / "notebooks").glob("*.ipynb")} - {"room-dashboard.ipynb"}
    culler = next(s for s in c["services"] if s["name"] == "idle-culler")
    assert "--timeout=600" in culler["command"]
    role = next(r for r in c["roles"] if r["name"] == "idle-culler")
    assert set(role["scopes"]) == {"list:users", "read:users:activity", "read:servers", "delete:servers"}
    assert re.fullmatch(c["username_pattern"], "amina.k-2") and not re.fullmatch(c["username_pattern"], "../etc")


def test_the_hub_refuses_to_start_without_its_settings(tmp_path: Path) -> None:
    out = load_hub_config(tmp_path, IDPCKIT_HUB_PASSWORD="workshop-pass", IDPCKIT_HUB_ADMIN_PASSWORD="x" * 32)
    assert out.returncode != 0
    assert "set IDPCKIT_STORE" in out.stderr and "Traceback" not in out.stderr


def test_zero_to_jupyterhub_values_and_image_agree_with_the_hub() -> None:
    values = yaml.safe_load((HOSTING / "z2jh" / "values.yaml").read_text())
    single = values["singleuser"]
    assert single["defaultUrl"] == "/voila/render/self-assessment.ipynb"
    assert single["extraEnv"]["IDPCKIT_STORE"]["valueFrom"]["secretKeyRef"]["key"] == "url"
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] == "shared-password"
    assert values["hub"]["config"]["Authenticator"]["admin_users"] == ["trainer"]
    assert values["cull"]["enabled"] is True
    assert "room-dashboard.ipynb" in values["hub"]["extraConfig"]["idpckit-trainer"]
    compile(values["hub"]["extraConfig"]["idpckit-trainer"], "extraConfig", "exec")

    dockerfile = (HOSTING / "z2jh" / "Dockerfile").read_text()
    assert "--file environment.yml" in dockerfile  # built from the kit's conda environment
    assert f"WORKDIR {single['notebookDir']}" in dockerfile
    assert "rm /opt/idpckit/trainee-notebooks/room-dashboard.ipynb" in dockerfile
    config_dir = re.search(r"JUPYTER_CONFIG_DIR=/opt/idpckit/(\S+)", dockerfile).group(1)
    assert (REPO / config_dir / "jupyter_server_config.py").is_file()


def test_the_littlest_jupyterhub_snippet_uses_the_hubs_settings() -> None:
    source = (HOSTING / "tljh" / "idpckit.py").read_text()
    ast.parse(source)
    for setting in (
        'authenticator_class = "shared-password"',
        'default_url = "/voila/render/self-assessment.ipynb"',
        '"IDPCKIT_STORE": _env["IDPCKIT_STORE"]',
        "/voila/render/room-dashboard.ipynb",
    ):
        assert setting in source
    readme = (HOSTING / "README.md").read_text()
    assert "/opt/tljh/config/jupyterhub_config.d/idpckit.py" in readme  # where the snippet goes


def test_binder_opens_the_app_with_voila() -> None:
    readme = (HOSTING / "README.md").read_text()
    links = re.findall(r"\((https://mybinder\.org/v2/gh/[^)]+)\)", readme)
    assert links, "no Binder link in workshop/hosting/README.md"
    for link in links:
        url = urlparse(link)
        assert url.path.split("/")[-1] == "HEAD"
        target = unquote(parse_qs(url.query)["urlpath"][0])
        assert target.startswith("voila/render/")
        assert (REPO / target.removeprefix("voila/render/")).is_file(), target  # the notebook exists
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    names = {re.split(r"[<>= ]", d, maxsplit=1)[0] for d in env["dependencies"] if isinstance(d, str)}
    assert {"voila", "ipykernel"} <= names  # Voilà does not bring a kernel with it
    assert "-e ." in next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    # repo2docker reads binder/ or .binder/ before the root: there must be none to shadow environment.yml
    assert not (REPO / "binder").exists() and not (REPO / ".binder").exists()


TRANSLATED = {lang: REPO / "workshop" / lang / "hosting" / "README.md" for lang in ("es", "fr")}


def test_the_capacity_table_matches_the_model_and_the_measurements() -> None:
    guides = [HOSTING / "README.md", *TRANSLATED.values()]
    model = [sys.executable, str(REPO / "benchmarks" / "capacity_model.py")]
    out = subprocess.run([*model, "--check", *map(str, guides)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    for guide, rooms, words in (
        (guides[0], ("| 30 |", "| 300 |", "| 3,000 |"), "trainees at once"),
        (guides[1], ("| 30 |", "| 300 |", "| 3.000 |"), "participantes a la vez"),
        (guides[2], ("| 30 |", "| 300 |", "| 3\u202f000 |"), "participant·es en même temps"),
    ):
        readme = guide.read_text()
        assert all(n in readme for n in rooms) and words in readme, guide


def test_the_capacity_check_fails_on_a_translated_table_left_behind(tmp_path: Path) -> None:
    stale = tmp_path / "workshop" / "es" / "hosting" / "README.md"
    stale.parent.mkdir(parents=True)
    stale.write_text(TRANSLATED["es"].read_text().replace("| 3.000 |", "| 2.000 |"))
    model = [sys.executable, str(REPO / "benchmarks" / "capacity_model.py")]
    out = subprocess.run([*model, "--check", str(stale)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "out of date" in out.stdout
    english = (HOSTING / "README.md").read_text()
    start, end = english.index("<!-- capacity-table:start -->"), english.index("<!-- capacity-table:end -->")
    assert english[start:end] not in stale.read_text()  # a Spanish guide is not given the English table


def _fenced(text: str) -> list[str]:
    return re.findall(r"```\n(.*?)```", text, flags=re.S)


def _urls(text: str) -> list[str]:
    return sorted(re.findall(r"\]\((https?://[^)]+)\)", text))


def _headings(text: str) -> set[str]:
    from idpckit import trainer

    return {trainer._slug(line.lstrip("#").strip()) for line in text.splitlines() if line.startswith("## ")}


def test_the_translated_hosting_guides_keep_every_command_path_and_link() -> None:
    english = (HOSTING / "README.md").read_text()
    for lang, path in TRANSLATED.items():
        text = path.read_text()
        assert _fenced(text) == _fenced(english), f"{lang}: a command differs from the English guide's"
        inline = set(re.findall(r"`([^`\n]+)`", text))
        assert set(re.findall(r"`([^`\n]+)`", english)) <= inline, (
            lang,
            set(re.findall(r"`([^`\n]+)`", english)) - inline,
        )
        assert _urls(text) == _urls(english), lang
        anchors = re.findall(r"\]\(#([^)]+)\)", text)
        assert len(anchors) == 4 and set(anchors) <= _headings(text), (lang, set(anchors) - _headings(text))
        for sentence in ("## How many machines", "**No isolation.**", "What this means", "The figures come from"):
            assert sentence not in text, (lang, sentence)
        guide = (REPO / "workshop" / lang / "README.md").read_text()
        assert "](hosting/README.md)" in guide, f"workshop/{lang}/README.md does not link its translated hosting guide"

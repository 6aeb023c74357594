"""The kit installs as users get it: cheap to import, same deps for pip and conda, data inside the wheel."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from wheel_helpers import BuiltWheel, run_from_wheel

REPO = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_and_pyproject_name_the_same_dependencies() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section  # the kit itself comes from the checkout
    pip_names = {_name(d) for d in pip_section if not d.startswith("-")}
    # the postgres extra is in environment.yml too: a hub's single-user image built from it shares a PostgreSQL store
    wanted = project["dependencies"] + project["optional-dependencies"]["postgres"]
    assert conda | pip_names == {_name(d) for d in wanted}


def test_import_is_cheap() -> None:
    code = (
        "import sys, idpckit, idpckit.data, idpckit.assessment, idpckit.scales, idpckit.table1;"
        "idpckit.data.load();"
        "heavy = [m for m in ('pandas', 'matplotlib', 'ipywidgets', 'sqlalchemy', 'openpyxl') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"importing idpckit pulled in {out.stdout.strip()}"


@pytest.mark.slow
def test_wheel_carries_data_and_finds_it_without_a_checkout(built_wheel: BuiltWheel, tmp_path: Path) -> None:
    assert "idpckit/_data/commitments.csv" in built_wheel.names and "idpckit/_data/rubric.yaml" in built_wheel.names
    code = "from idpckit import data; d = data.data_dir(); print(d); print(len(data.load().commitments))"
    where, count = run_from_wheel(built_wheel, code, tmp_path).split()
    assert where.endswith("idpckit/_data") and count == "13"

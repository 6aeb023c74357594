"""The layers hold: doors -> widgets -> core, no import cycles, and the file commands need no notebook stack.

The contracts are written in ``pyproject.toml`` (``[tool.importlinter]``) and explained in
ARCHITECTURE.md; here import-linter checks them on the real package, and once on a copy
with one forbidden import added, to prove the check can fail.  Then every file command
runs in a Python where importing ipywidgets, Voilà, IPython or Jupyter fails, as on a
machine that installed only what a trainer needs to grade files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data" / "examples"
LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent))


def lint_imports(root: Path, package_parent: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter with ``root``'s pyproject.toml on the package found in ``package_parent``."""
    assert LINT_IMPORTS, "import-linter is missing: it is in the test extra (pip install -e '.[test]')"
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [LINT_IMPORTS, "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layer_and_cycle_contracts_are_kept() -> None:
    out = lint_imports(ROOT, ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 kept, 0 broken" in out.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("text.py", "from .widgets import _base", "Doors (CLI, server, notebook facades) -> widgets -> core"),
        (
            "widgets/explorer.py",
            "from ..serve import request",
            "Doors (CLI, server, notebook facades) -> widgets -> core",
        ),
        ("cli/app.py", "from . import assess", "No import cycles"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path: Path, module: str, line: str, broken: str) -> None:
    """On a copy of the package: core importing a widget, a widget importing a door, a cycle between commands."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "idpckit", copy / "idpckit", ignore=shutil.ignore_patterns("_vendor", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = copy / "idpckit" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    out = lint_imports(tmp_path, copy)
    assert out.returncode == 1, out.stdout
    assert f"{broken}" in out.stdout and "BROKEN" in out.stdout


def test_a_new_module_must_be_placed_in_a_layer(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "idpckit", copy / "idpckit", ignore=shutil.ignore_patterns("_vendor", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (copy / "idpckit" / "newcomer.py").write_text('"""Not yet placed."""\n', encoding="utf-8")
    out = lint_imports(tmp_path, copy)
    assert out.returncode == 1 and "idpckit.newcomer" in out.stdout + out.stderr


#: The notebook stack a trainer grading files may not have installed.
BLOCKED = ("ipywidgets", "voila", "IPython", "ipykernel", "jupyter_server", "jupyterlab", "nbconvert")

#: Runs in a fresh interpreter: imports of BLOCKED fail, then each command runs through click.
SCRIPT = textwrap.dedent(
    """
    import importlib.abc, json, sys

    BLOCKED = {blocked!r}

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {{name!r}} (blocked by the test)", name=name)
            return None

    sys.meta_path.insert(0, Blocker())
    from click.testing import CliRunner
    from idpckit.cli import main

    results = []
    for args in json.loads(sys.argv[1]):
        r = CliRunner().invoke(main, args, catch_exceptions=True)
        error = repr(r.exception) if r.exception and not isinstance(r.exception, SystemExit) else ""
        results.append({{"args": args, "code": r.exit_code, "error": error, "output": r.output[-300:]}})
    results.append({{"loaded": sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)}})
    print(json.dumps(results))
    """
).format(blocked=BLOCKED)


@pytest.mark.slow
def test_the_file_commands_run_without_ipywidgets_or_voila(tmp_path: Path) -> None:
    old, new, partner = (str(EXAMPLES / f"veridia-{n}.json") for n in ("2023", "2024", "2024-partner"))
    store = str(tmp_path / "store.sqlite3")
    out = tmp_path
    commands = [
        ["validate", old, new],
        ["export", new, "-o", str(out / "v.xlsx")],
        ["export", new, "-o", str(out / "v.csv")],
        ["import", str(out / "v.csv"), "-o", str(out / "v.json")],
        ["report", new, "-o", str(out / "r.html")],
        ["report", new, "-o", str(out / "r.pdf")],
        ["compare", old, new, "-o", str(out / "c.html")],
        ["aggregate", new, partner, "-o", str(out / "a.html")],
        ["aggregate", new, partner, "-o", str(out / "a.csv")],
        ["table1", "--format", "csv", "-o", str(out / "t.csv")],
        ["template", "--format", "xlsx", "-o", str(out / "blank.xlsx")],
        ["solutions", "-o", str(out / "solutions.md")],
        ["schedule", "-o", str(out / "schedule.md")],
        ["store", "add", new, "--store", store],
        ["store", "list", "--store", store],
        ["store", "info", "--store", store],
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("IDPCKIT_STORE", None)
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(commands)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    *results, loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    failed = [r for r in results if r["code"] != 0 or r["error"]]
    assert failed == [], failed
    assert loaded["loaded"] == []
    for name in ("v.xlsx", "v.csv", "v.json", "r.html", "r.pdf", "c.html", "a.html", "a.csv", "t.csv", "blank.xlsx"):
        assert (out / name).stat().st_size > 0, name
    assert "Veridia" in next(r for r in results if r["args"][:2] == ["store", "list"])["output"]


def test_the_blocker_really_blocks(tmp_path: Path) -> None:
    """The check above means something only if importing a blocked module fails in that interpreter."""
    probe = SCRIPT.split("from click.testing")[0] + "import ipywidgets\n"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "blocked by the test" in proc.stderr


# --------------------------------------------------------------------------- the written architecture matches the tree


def _package_parts() -> set[str]:
    """The names a reader looks for: every module and subpackage of idpckit, and its data folders."""
    pkg = ROOT / "idpckit"
    names = {p.stem for p in pkg.glob("*.py") if p.stem not in ("__init__", "__main__")}
    names |= {p.name for p in pkg.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    return names


def _named(text: str) -> set[str]:
    """Every `name` or `name/` in backticks."""
    import re

    return {m.rstrip("/") for m in re.findall(r"`([a-z_0-9]+/?)`", text)}


def _what_is_where() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## What is where", 1)[1].split("\n## ", 1)[0]


def test_readme_and_architecture_name_every_part_of_the_package() -> None:
    parts = _package_parts()
    for doc, text in (("README.md (What is where)", _what_is_where()), ("ARCHITECTURE.md", _architecture())):
        missing = parts - _named(text)
        assert not missing, f"{doc} does not say where these are: {sorted(missing)}"


def test_the_idpckit_rows_of_what_is_where_name_only_what_exists() -> None:
    rows = [line for line in _what_is_where().splitlines() if line.startswith("| `idpckit/")]
    named = set().union(*(_named(line.split("|")[3]) for line in rows))
    widgets = {p.stem if p.is_file() else p.name for p in (ROOT / "idpckit" / "widgets").iterdir()}
    assert named - _package_parts() - widgets == set()


def _architecture() -> str:
    return (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")


def test_architecture_places_each_module_in_the_layer_the_contract_does() -> None:
    import tomllib

    contract = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(c for c in contract["contracts"] if c["id"] == "layers")["layers"]
    doors, widgets, core = ({n.strip() for n in layer.split(":")} for layer in layers)
    text = _architecture()
    core_text = text.split("**Core**", 1)[1].split("**Widgets**", 1)[0]
    doors_text = text.split("**Doors**", 1)[1].split("## A grade", 1)[0]
    assert widgets == {"widgets"}
    assert core <= _named(core_text), sorted(core - _named(core_text))
    assert doors - {"__main__"} <= _named(doors_text), sorted(doors - {"__main__"} - _named(doors_text))

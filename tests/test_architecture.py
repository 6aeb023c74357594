"""The layers hold: doors -> widgets -> core, no import cycles, and the file commands need no notebook stack.

The contracts are written in ``pyproject.toml`` (``[tool.importlinter]``) and explained in
ARCHITECTURE.md; here import-linter checks them on the real package, and once on a copy
with one forbidden import added, to prove the check can fail.  Then every file command
runs in a Python where importing ipywidgets, Voilà, IPython or Jupyter fails, as on a
machine that installed only what a trainer needs to grade files.
"""

from __future__ import annotations

import itertools
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


def _contracts() -> dict[str, dict]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {c["id"]: c for c in config["contracts"]}


def _tiers(contract: dict) -> list[list[str]]:
    """A layers contract's layers, top first, each as its list of names (``:`` or ``|`` between siblings)."""
    return [[n.strip() for n in layer.replace("|", ":").split(":")] for layer in contract["layers"]]


def test_the_layer_and_cycle_contracts_are_kept() -> None:
    out = lint_imports(ROOT, ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"{len(_contracts())} kept, 0 broken" in out.stdout


LAYERS = "Doors (CLI, server, notebook facades) -> widgets -> core"
CORE_TIERS = "Inside the core"
WIDGET_TIERS = "Inside widgets/"


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("text.py", "from .widgets import _base", LAYERS),
        ("widgets/explorer.py", "from ..serve import request", LAYERS),
        # An import inside a function counts: a lazy import is an import all the same.
        ("data.py", "def _later():\n    from .widgets import explorer\n    return explorer", LAYERS),
        ("store.py", "def _later():\n    from . import apps\n    return apps", LAYERS),
        # So does one under TYPE_CHECKING, and one reached through the package itself (core imports ``idpckit``).
        ("scales.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .serve import guards", LAYERS),
        ("__init__.py", "from . import widgets", LAYERS),
        ("cli/app.py", "from . import assess", "No import cycles"),
        # The model never imports a view; content never imports the model; the helpers import nothing of ours.
        ("assessment.py", "def _later():\n    from . import report\n    return report", CORE_TIERS),
        ("data.py", "from . import scales", CORE_TIERS),
        ("text.py", "from . import i18n", CORE_TIERS),
        # One app does not import another; _base is under all.
        ("widgets/explorer.py", "from . import timeline", WIDGET_TIERS),
        ("widgets/_base.py", "from . import checks", WIDGET_TIERS),
        (
            "serve/guards.py",
            "def _later():\n    from .. import cli\n    return cli",
            "Only __main__ imports the command line",
        ),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path: Path, module: str, line: str, broken: str) -> None:
    """On a copy of the package: each rule of the contracts, broken once, is reported broken."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "idpckit", copy / "idpckit", ignore=shutil.ignore_patterns("_vendor", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = copy / "idpckit" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    out = lint_imports(tmp_path, copy)
    assert out.returncode == 1, out.stdout
    assert _verdict(out.stdout, broken) == "BROKEN", out.stdout


def _verdict(stdout: str, contract_name: str) -> str:
    """KEPT or BROKEN: what import-linter's summary says after the contract's name (it wraps long lines)."""
    text = " ".join(stdout.split())
    after = text[text.index(contract_name) :]
    return min(("KEPT", "BROKEN"), key=lambda word: after.find(word) if word in after else len(after))


def test_a_new_module_must_be_placed_in_a_layer(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "idpckit", copy / "idpckit", ignore=shutil.ignore_patterns("_vendor", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (copy / "idpckit" / "newcomer.py").write_text('"""Not yet placed."""\n', encoding="utf-8")
    out = lint_imports(tmp_path, copy)
    assert out.returncode == 1 and "idpckit.newcomer" in out.stdout + out.stderr


def test_every_core_module_is_in_exactly_one_tier_of_the_core() -> None:
    """The core's tiers are not exhaustive by themselves (the container holds the doors too): this makes them so."""
    contracts = _contracts()
    core = set(_tiers(contracts["layers"])[2])
    placed = [name for tier in _tiers(contracts["core-tiers"]) for name in tier]
    assert sorted(placed) == sorted(core), (sorted(core - set(placed)), sorted(set(placed) - core))


def test_a_new_widget_module_must_be_placed_in_a_tier(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "idpckit", copy / "idpckit", ignore=shutil.ignore_patterns("_vendor", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (copy / "idpckit" / "widgets" / "newcomer.py").write_text('"""Not yet placed."""\n', encoding="utf-8")
    out = lint_imports(tmp_path, copy)
    assert out.returncode == 1 and "idpckit.widgets.newcomer" in out.stdout + out.stderr


# --------------------------------------------------------------------------- imports the contracts cannot see

#: Calls that import a module named by a string: import-linter reads import statements only, so it never sees these.
DYNAMIC_IMPORTS = ("import_module", "__import__", "find_spec", "run_module", "import_string", "load_module")


def _imports_by_string(source: str) -> list[str]:
    """Each call in ``source`` that imports one of our modules by a string (``importlib.import_module("idpckit.x")``),
    and each ``-m idpckit…`` in a command line: a dependency the contracts cannot see."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            first = node.args[0] if node.args else None
            named = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
            if name in DYNAMIC_IMPORTS and named.startswith(("idpckit", ".")):
                found.append(f"line {node.lineno}: {name}({named!r})")
        if isinstance(node, ast.List | ast.Tuple):
            words = [e.value if isinstance(e, ast.Constant) else None for e in node.elts]
            for a, b in itertools.pairwise(words):
                if a == "-m" and isinstance(b, str) and b.startswith("idpckit"):
                    found.append(f"line {node.lineno}: -m {b}")
    return found


def test_no_module_imports_one_of_ours_by_a_string() -> None:
    """Every dependency between our modules is an import statement, so the contracts above see all of them."""
    found = {
        str(path.relative_to(ROOT)): hits
        for path in sorted((ROOT / "idpckit").rglob("*.py"))
        if "_vendor" not in path.parts and (hits := _imports_by_string(path.read_text(encoding="utf-8")))
    }
    assert found == {}


@pytest.mark.parametrize(
    "source",
    [
        'import importlib\n\ndef later():\n    return importlib.import_module("idpckit.widgets.explorer")\n',
        'from importlib import import_module\nserve = import_module(".serve", "idpckit")\n',
        'apps = __import__("idpckit.apps")\n',
        'import subprocess, sys\nsubprocess.run([sys.executable, "-m", "idpckit.cli", "serve"])\n',
    ],
)
def test_an_import_by_a_string_is_found(source: str) -> None:
    assert _imports_by_string(source)


def test_an_ordinary_string_is_not_an_import() -> None:
    assert _imports_by_string('name = "idpckit.widgets"\nlog = logging.getLogger("idpckit.serve")\n') == []


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


def test_the_tests_and_benchmarks_rows_name_helpers_that_exist() -> None:
    """Whoever looks for the one way to start a server or Chromium in a test finds the file the README names."""
    import re

    rows = [line for line in _what_is_where().splitlines() if line.startswith(("| `tests/`", "| `benchmarks/`"))]
    named = set(re.findall(r"`([a-z_/]+\.py)`", "\n".join(rows)))
    assert {"serve_helpers.py", "chromium_helpers.py", "voila_server.py"} <= named
    missing = [n for n in named if not any((ROOT / folder / n).is_file() for folder in ("tests", "benchmarks", "."))]
    assert not missing, f"README.md (What is where) names helpers that are not there: {missing}"


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


# --------------------------------------------------------------------------- the picture of the layers


def _diagram() -> list[list[str]]:
    """The layers block of ARCHITECTURE.md, top first: one list of names a line (arrow lines dropped)."""
    text = _architecture().split("<!-- layers:", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    assert not set("▲↑^") & set(text), "an arrow in the picture points up"
    lines = []
    for line in text.splitlines():
        words = [w for w in line.split() if w not in ("▼", "doors", "widgets", "core")]
        if words:
            lines.append(words)
    return lines


def test_the_picture_of_the_layers_is_the_contracts() -> None:
    """ARCHITECTURE.md's picture shows the same lines, in the same order, with the same names, as pyproject.toml."""
    contracts = _contracts()
    doors = _tiers(contracts["layers"])[0]
    below_cli = [m.removeprefix("idpckit.") for m in contracts["cli-outermost"]["source_modules"]]
    expected = [
        sorted(set(doors) - set(below_cli)),
        sorted(below_cli),
        *(sorted(t) for t in _tiers(contracts["widget-tiers"])),
        *(sorted(t) for t in _tiers(contracts["core-tiers"])),
    ]
    assert set(doors) == set(expected[0]) | set(expected[1])
    assert [sorted(line) for line in _diagram()] == expected


def test_the_widgets_paragraph_names_every_widget_module() -> None:
    text = _architecture().split("**Widgets**", 1)[1].split("**Doors**", 1)[0]
    widgets = {p.stem if p.is_file() else p.name for p in (ROOT / "idpckit" / "widgets").iterdir()}
    widgets -= {"__init__", "__pycache__"}
    assert widgets <= _named(text), sorted(widgets - _named(text))
